"""Class mode: a teacher's class, its students, their runs' live summaries, a challenge and its leaderboard.

No database: a class is a folder of small files under LATENT_LAB_RUNS/classes/, each written atomically (a temp
file in the same folder, then os.replace), so several app replicas on shared storage see one class:

    classes/<CODE>/class.json            the class: when, who teaches (hashes only), challenge, what students see
    classes/<CODE>/members/<id>.json     one student: display name, when joined
    classes/<CODE>/runs/<job>.json       one run's live summary: config, step, status, place in line, metrics
    classes/<CODE>/runs/<job>.png        its latest snapshot, small
    classes/<CODE>/runs/<job>.pt         its checkpoint (finished, or written when the teacher compares it)

Secrets are never stored: the teacher token and the browser ids that own runs are kept as SHA-256 hashes only
(a member's id is a hash of the class code and the browser id, so it tells nothing across classes).

Limits (docs/SECURITY.md): codes are CODE_LENGTH characters of a 32-letter alphabet (2^40 codes); wrong codes are
limited server-wide to WRONG_CODES_PER_MINUTE; a class holds at most LATENT_LAB_CLASS_STUDENTS students and a server
at most LATENT_LAB_MAX_CLASSES classes; a class nobody has used for LATENT_LAB_CLASS_IDLE seconds is removed.
"""
from __future__ import annotations

import functools
import hashlib
import json
import math
import os
import re
import secrets
import shutil
import tempfile
import threading
import time
import unicodedata
from collections import deque
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from gan_core import settings
from gan_core.checkpoints import CheckpointError, save_checkpoint
from gan_core.config import TrainConfig
from gan_core.data import load_dataset
from gan_core.images import png_bytes, scatter_image
from gan_core.options import POINT_DATASETS
from gan_core.presets import PRESETS, preset_config

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # 32 letters: no 0/O or 1/I, which a projector blurs
CODE_LENGTH = 8  # 32^8 = 2^40 codes: at WRONG_CODES_PER_MINUTE guesses, a class is found once in ~100,000 years
WRONG_CODES_PER_MINUTE = 20
MAX_NAME_CHARS = 32
PUBLISH_SECONDS = 2.0  # how often a class run's summary is rewritten while it trains
THUMBNAIL_PIXELS = 96
TOUCH_SECONDS = 60.0  # a class's last-used time is rewritten at most this often
ENDED_KEEP_SECONDS = 86_400.0  # how long an ended class's member ids are kept, to tell a student who reloads later
ENDED_FOLDER = ".ended"  # classes/.ended/<code>.json: {"ended": time, "members": [member ids not yet told]}
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,128}")
_RUN_ID = re.compile(r"[0-9a-f]{8,32}")
_MEMBER_ID = re.compile(r"[0-9a-f]{24}")

# the fields a challenge may leave free (the rest are locked to its preset)
CHANGEABLE = ("lr_g", "lr_d", "n_critic", "batch_size", "latent_dim", "hidden", "depth", "steps", "seed", "loss",
              "spectral_norm", "r1_gamma", "pack", "minibatch_std", "label_smoothing", "lr_decay", "beta")
# metric -> True when higher is better; the gallery sorts by these, a challenge's goal is one of them
GOAL_METRICS = {"modes_covered": True, "high_quality_fraction": True, "reverse_kl": False, "reverse_kl_all": False,
                "class_kl": False, "fd": False, "kl": False}
SUMMARY_CONFIG = ("dataset", "model", "loss", "steps", "lr_g", "lr_d", "n_critic", "batch_size", "hidden", "depth",
                  "latent_dim", "seed")


class ClassError(ValueError):
    """Something a person did that class mode refuses; `key` names the sentence the page shows (and its values)."""

    def __init__(self, key: str, **values):
        super().__init__(key)
        self.key = key
        self.values = values


# -- codes, tokens, names -------------------------------------------------------------------------------------
def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str | None:
    """The code typed or linked (any case, spaces and dashes ignored), or None if it cannot be one."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    code = re.sub(r"[\s-]", "", text).upper()
    return code if len(code) == CODE_LENGTH and all(c in CODE_ALPHABET for c in code) else None


def format_code(code: str) -> str:
    """ABCD-EFGH: two halves are easier to read off a projector."""
    return f"{code[:4]}-{code[4:]}"


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def member_id(code: str, browser: str) -> str:
    """A student's id in one class: a hash of the code and the browser id (never the id itself)."""
    return hashlib.sha256(f"{code}:{browser}".encode()).hexdigest()[:24]


def clean_name(text: str) -> str:
    """A display name as plain text: control, format and private-use characters dropped, whitespace collapsed,
    at most MAX_NAME_CHARS characters. Markup stays as typed; the pages show it as text. Raises ClassError."""
    if not isinstance(text, str):
        raise ClassError("name_empty")
    kept = "".join(c if not unicodedata.category(c).startswith(("C", "Z")) else " " for c in text[:1000])
    name = " ".join(kept.split())[:MAX_NAME_CHARS].strip()
    if not name:
        raise ClassError("name_empty")
    return name


# -- the server-wide limit on wrong codes ------------------------------------------------------------------------
class RateLimiter:
    """At most `limit` failures in any `window` seconds. While the limit is reached every attempt is refused,
    right or wrong, so guessing goes no faster by mixing in a known code."""

    def __init__(self, limit: int = WRONG_CODES_PER_MINUTE, window: float = 60.0, clock=time.monotonic):
        self.limit, self.window, self.clock = limit, window, clock
        self._failures: deque[float] = deque()
        self._lock = threading.Lock()

    def wait_seconds(self) -> float:
        """0 when an attempt may be checked now, else how long until one may."""
        with self._lock:
            now = self.clock()
            while self._failures and self._failures[0] <= now - self.window:
                self._failures.popleft()
            if len(self._failures) < self.limit:
                return 0.0
            return self._failures[0] + self.window - now

    def failed(self) -> None:
        with self._lock:
            self._failures.append(self.clock())


# -- challenges ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Challenge:
    """A preset every student starts from, the settings they may change, and a goal metric (with a target)."""
    preset: str
    allowed: tuple[str, ...] = ()
    metric: str = "modes_covered"
    target: float | None = None
    id: str = ""  # a new id for each challenge set, so the leaderboard ranks only runs made for this one

    def __post_init__(self):
        if self.preset not in PRESETS:
            raise ClassError("bad_challenge", what=self.preset)
        if self.metric not in GOAL_METRICS:
            raise ClassError("bad_challenge", what=self.metric)
        unknown = [name for name in self.allowed if name not in CHANGEABLE]
        if unknown:
            raise ClassError("bad_challenge", what=", ".join(map(str, unknown)))

    @classmethod
    def from_dict(cls, data: dict) -> Challenge:
        target = data.get("target")
        return cls(str(data.get("preset", "")), tuple(data.get("allowed", ())), str(data.get("metric", "")),
                   float(target) if isinstance(target, (int, float)) else None, str(data.get("id", "")))

    def to_dict(self) -> dict:
        return {**asdict(self), "allowed": list(self.allowed)}

    def base_config(self) -> TrainConfig:
        return preset_config(self.preset)

    def enforce(self, config: TrainConfig) -> tuple[TrainConfig, list[str]]:
        """`config` with every locked field put back to the preset's value, and the fields that were put back.

        The server calls this on every run a class member starts, whatever the page, a link or a widget sent."""
        base = self.base_config()
        locked = [name for name in TrainConfig.__dataclass_fields__ if name not in self.allowed]
        changed = [name for name in locked if getattr(config, name) != getattr(base, name)]
        return base.replace(**{name: getattr(config, name) for name in self.allowed}), changed

    def better(self, value: float, other: float) -> bool:
        return value > other if GOAL_METRICS[self.metric] else value < other

    def reached(self, metrics: dict) -> bool:
        value = metrics.get(self.metric)
        if self.target is None or not isinstance(value, (int, float)):
            return False
        return value >= self.target if GOAL_METRICS[self.metric] else value <= self.target


def sort_runs(runs: list[dict], metric: str) -> list[dict]:
    """Runs best first by `metric` (its direction from GOAL_METRICS); runs without it keep their order, last."""
    higher = GOAL_METRICS.get(metric, True)
    scored = [r for r in runs if _finite(r.get("metrics", {}).get(metric))]
    rest = [r for r in runs if not _finite(r.get("metrics", {}).get(metric))]
    scored.sort(key=lambda r: -r["metrics"][metric] if higher else r["metrics"][metric])
    return scored + rest


def leaderboard(runs: list[dict], challenge: Challenge) -> list[dict]:
    """The finished runs made for `challenge`, best first by its metric (ties: the earlier finish first), each with
    its rank (equal values share one)."""
    done = [r for r in runs if r.get("status") == "finished" and r.get("challenge") == challenge.id
            and _finite(r.get("metrics", {}).get(challenge.metric))]
    done.sort(key=lambda r: r.get("finished") or 0.0)
    ranked = sort_runs(done, challenge.metric)  # a stable sort: equal values stay earliest first
    rows, previous = [], None
    for index, run in enumerate(ranked):
        value = run["metrics"][challenge.metric]
        rank = rows[-1]["rank"] if previous is not None and value == previous else index + 1
        rows.append({**run, "rank": rank, "value": value, "reached": challenge.reached(run["metrics"])})
        previous = value
    return rows


def _finite(value) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


# -- a run's summary and thumbnail --------------------------------------------------------------------------------
def thumbnail(latest: dict | None, size: int = THUMBNAIL_PIXELS, dataset: str = "") -> bytes | None:
    """A small PNG of a snapshot: the generated points (over the real points of `dataset`, a 2-D one, in grey: a
    collapsed run then shows the modes it missed), or the first 16 samples of the grid (None when empty)."""
    if not latest:
        return None
    if latest.get("points") is not None:
        return png_bytes(scatter_image(np.asarray(latest["points"]), latest.get("bounds"), size=size,
                                       reference=_real_points(dataset)))
    grid = latest.get("grid")
    if grid is None:
        return None
    picture = np.asarray(grid)
    picture = picture[: picture.shape[0] // 2, : picture.shape[1] // 2]  # the first 4 x 4 of an 8 x 8 grid
    if picture.ndim == 3 and picture.shape[2] == 1:
        picture = picture[..., 0]  # grey: png_bytes writes one channel
    repeat = max(1, size // max(picture.shape[:2]))
    return png_bytes(np.ascontiguousarray(picture.repeat(repeat, 0).repeat(repeat, 1).astype(np.uint8)))


@functools.lru_cache(maxsize=8)
def _real_points(dataset: str) -> np.ndarray | None:
    """1,000 real points of a built-in 2-D dataset (None for anything else): the grey under a class's pictures."""
    if dataset not in POINT_DATASETS:
        return None
    return load_dataset(dataset, n_points=1000, seed=0).data.numpy()


def summary(snap: dict, position: int | None) -> dict:
    """What a class sees of one run (plain data from TrainingJob.snapshot): nothing about its student but the name."""
    metrics = snap.get("metrics") or {}
    latest = {name: values[-1] for name, values in (metrics.get("values") or {}).items()
              if values and _finite(values[-1])}
    config = snap.get("config") or {}
    return {"run": snap["id"], "name": snap["name"], "status": snap["status"], "step": int(snap["step"]),
            "target": int(snap["target_steps"]), "position": position, "metrics": latest,
            "config": {name: config.get(name) for name in SUMMARY_CONFIG}}


# -- files ----------------------------------------------------------------------------------------------------
def _write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` all at once (a reader sees the old file or the new, never half). The folder must
    exist: a class that has ended is never brought back by a late write."""
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


def _read_json(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


@dataclass
class ClassInfo:
    code: str
    created: float
    active: float
    teacher_token: str  # its hash
    teachers: list[str] = field(default_factory=list)  # hashes of the teachers' browser ids
    challenge: dict | None = None
    show_gallery: bool = False
    show_leaderboard: bool = False

    @property
    def challenge_obj(self) -> Challenge | None:
        try:
            return Challenge.from_dict(self.challenge) if self.challenge else None
        except ClassError:
            return None


class ClassStore:
    """Every class of this server (and of replicas sharing the runs folder). Thread-safe; one per server."""

    def __init__(self, root: Path | None = None, clock=time.time, limiter: RateLimiter | None = None):
        self._root = root
        self.clock = clock
        self.limiter = limiter or RateLimiter()
        self._lock = threading.RLock()

    @property
    def root(self) -> Path:
        return self._root or settings.runs_dir() / "classes"

    def _folder(self, code: str) -> Path:
        return self.root / code

    # -- classes ------------------------------------------------------------------------------------------
    def codes(self) -> list[str]:
        """Live classes (idle ones are removed on the way)."""
        if not self.root.is_dir():
            return []
        found = []
        for folder in sorted(self.root.iterdir()):
            if folder.is_dir() and normalise_code(folder.name) == folder.name and self.get(folder.name):
                found.append(folder.name)
        return found

    def create(self, teacher_browser: str) -> tuple[ClassInfo, str]:
        """A new class taught from `teacher_browser`; returns it and the teacher token (shown once, never stored)."""
        with self._lock:
            if len(self.codes()) >= settings.max_classes():
                raise ClassError("too_many_classes", limit=settings.max_classes())
            token = secrets.token_urlsafe(32)
            now = self.clock()
            for _ in range(8):
                code = new_code()
                folder = self._folder(code)
                try:
                    folder.mkdir(parents=True)
                except FileExistsError:
                    continue
                (folder / "members").mkdir()
                (folder / "runs").mkdir()
                info = ClassInfo(code, now, now, secret_hash(token), [secret_hash(teacher_browser)])
                self._save(info)
                return info, token
            raise ClassError("too_many_classes", limit=settings.max_classes())

    def _save(self, info: ClassInfo) -> None:
        _write_atomic(self._folder(info.code) / "class.json", json.dumps(asdict(info)).encode())

    def get(self, code: str) -> ClassInfo | None:
        """The class, or None when there is none (or it was idle too long: then it is removed)."""
        if normalise_code(code) != code:
            return None
        data = _read_json(self._folder(code) / "class.json")
        if data is None:
            return None
        try:
            info = ClassInfo(**data)
        except TypeError:
            return None
        if self.clock() - info.active > settings.class_idle_seconds():
            self.end(code)
            return None
        return info

    def touch(self, code: str) -> None:
        """Mark the class as used (the teacher's gallery, a join, a run); written at most once per TOUCH_SECONDS."""
        with self._lock:
            info = self.get(code)
            if info and self.clock() - info.active >= TOUCH_SECONDS:
                info.active = self.clock()
                self._save(info)

    def update(self, code: str, **changes) -> ClassInfo | None:
        with self._lock:
            info = self.get(code)
            if info is None:
                return None
            for name, value in changes.items():
                setattr(info, name, value)
            info.active = self.clock()
            self._save(info)
            return info

    def set_challenge(self, code: str, challenge: Challenge | None) -> ClassInfo | None:
        if challenge is not None:
            challenge = Challenge(challenge.preset, challenge.allowed, challenge.metric, challenge.target,
                                  secrets.token_hex(4))
        return self.update(code, challenge=challenge.to_dict() if challenge else None)

    def end(self, code: str) -> None:
        """Remove the class and everything in it (members, summaries, checkpoints). Only its members' ids (hashes,
        see member_id) stay behind for ENDED_KEEP_SECONDS, so a student who reloads later is told it ended."""
        folder = self._folder(code)
        members = [m["id"] for m in self.members(code) if isinstance(m.get("id"), str)]
        if members:
            ended = self.root / ENDED_FOLDER
            ended.mkdir(parents=True, exist_ok=True)
            _write_atomic(ended / f"{code}.json", json.dumps({"ended": self.clock(), "members": members}).encode())
        for _ in range(5):  # a late summary may be landing in it; try again
            try:
                shutil.rmtree(folder)
                return
            except FileNotFoundError:
                return
            except OSError:
                time.sleep(0.05)

    # -- teachers -------------------------------------------------------------------------------------------
    def is_teacher(self, code: str, browser: str) -> bool:
        info = self.get(code)
        return bool(info) and secret_hash(browser) in info.teachers

    def claim_teacher(self, code: str, token: str, browser: str) -> bool:
        """The teacher link opened in another browser: with the right token, that browser teaches too."""
        if not isinstance(token, str) or not _TOKEN.fullmatch(token):
            return False
        with self._lock:
            info = self.get(code)
            if info is None or not secrets.compare_digest(info.teacher_token, secret_hash(token)):
                return False
            if secret_hash(browser) not in info.teachers:
                info.teachers.append(secret_hash(browser))
                self._save(info)
            return True

    def new_teacher_token(self, code: str, browser: str) -> str | None:
        """A fresh teacher link's token for a teacher of `code` (the session that showed the old one is gone): the
        old link stops working. None for anyone who does not teach the class."""
        with self._lock:
            info = self.get(code)
            if info is None or secret_hash(browser) not in info.teachers:
                return None
            token = secrets.token_urlsafe(32)
            info.teacher_token = secret_hash(token)
            self._save(info)
            return token

    def taught_by(self, browser: str) -> str | None:
        """The class this browser teaches (the newest), or None."""
        mine = [info for info in map(self.get, self.codes()) if info and secret_hash(browser) in info.teachers]
        return max(mine, key=lambda i: i.created).code if mine else None

    # -- students -------------------------------------------------------------------------------------------
    def check_code(self, text: str) -> str:
        """The class code `text` names, if that class exists; wrong codes count against the server-wide limit.
        Raises ClassError: "rate_limited" (with seconds), "no_such_class"."""
        wait = self.limiter.wait_seconds()
        if wait > 0:
            raise ClassError("rate_limited", seconds=math.ceil(wait))
        code = normalise_code(text)
        if code is None or self.get(code) is None:
            self.limiter.failed()
            raise ClassError("no_such_class")
        return code

    def join(self, code: str, browser: str, name: str) -> dict:
        """Add the student (or rename them); returns their member record. Raises ClassError."""
        name = clean_name(name)
        with self._lock:
            if self.get(code) is None:
                raise ClassError("no_such_class")
            folder = self._folder(code) / "members"
            ident = member_id(code, browser)
            path = folder / f"{ident}.json"
            if not path.exists() and len(list(folder.glob("*.json"))) >= settings.class_students():
                raise ClassError("class_full", limit=settings.class_students())
            record = {"id": ident, "name": name, "joined": self.clock()}
            try:
                _write_atomic(path, json.dumps(record).encode())
            except OSError:
                raise ClassError("no_such_class") from None  # ended as the student joined
        self.touch(code)
        return record

    def member(self, code: str, browser: str) -> dict | None:
        if self.get(code) is None:
            return None
        return _read_json(self._folder(code) / "members" / f"{member_id(code, browser)}.json")

    def members(self, code: str) -> list[dict]:
        folder = self._folder(code) / "members"
        found = [_read_json(path) for path in folder.glob("*.json")] if folder.is_dir() else []
        return sorted([m for m in found if m], key=lambda m: m.get("joined", 0))

    def leave(self, code: str, browser: str) -> None:
        try:
            (self._folder(code) / "members" / f"{member_id(code, browser)}.json").unlink()
        except OSError:
            pass

    def membership(self, browser: str) -> tuple[str, dict] | None:
        """(code, member record) of the class this browser has joined, if any (what survives a reload)."""
        for code in self.codes():
            record = _read_json(self._folder(code) / "members" / f"{member_id(code, browser)}.json")
            if record:
                return code, record
        return None

    def ended_for(self, browser: str) -> str | None:
        """The code of a class this browser was a student of and that has ended since, told once: the browser's id
        is then dropped from the record. Records older than ENDED_KEEP_SECONDS are removed."""
        folder = self.root / ENDED_FOLDER
        if not folder.is_dir():
            return None
        with self._lock:
            for path in sorted(folder.glob("*.json")):
                record = _read_json(path)
                code = path.stem
                if record is None or normalise_code(code) != code or \
                        self.clock() - float(record.get("ended", 0)) > ENDED_KEEP_SECONDS:
                    path.unlink(missing_ok=True)
                    continue
                members = [m for m in record.get("members", []) if isinstance(m, str)]
                ident = member_id(code, browser)
                if ident in members:
                    members.remove(ident)
                    if members:
                        _write_atomic(path, json.dumps({**record, "members": members}).encode())
                    else:
                        path.unlink(missing_ok=True)
                    return code
        return None

    # -- runs -------------------------------------------------------------------------------------------------
    def _run_path(self, code: str, run: str, suffix: str) -> Path | None:
        if normalise_code(code) != code or not _RUN_ID.fullmatch(str(run)):
            return None
        return self._folder(code) / "runs" / f"{run}{suffix}"

    def publish(self, code: str, member: dict, run_summary: dict, picture: bytes | None = None,
                challenge: str = "") -> bool:
        """Write one run's summary (and thumbnail); False when the class is gone."""
        path = self._run_path(code, run_summary["run"], ".json")
        if path is None or not path.parent.is_dir():
            return False
        record = {**run_summary, "member": member["id"], "student": member["name"], "challenge": challenge,
                  "updated": self.clock()}
        previous = _read_json(path) or {}
        record["finished"] = previous.get("finished") or (self.clock() if record["status"] == "finished" else None)
        try:
            if picture is not None:
                _write_atomic(path.with_suffix(".png"), picture)
            _write_atomic(path, json.dumps(record).encode())
        except OSError:
            return False
        self.touch(code)
        return True

    def runs(self, code: str) -> list[dict]:
        """Every run's summary in the class (oldest first), each with "thumbnail" (a path or None)."""
        folder = self._folder(code) / "runs"
        if normalise_code(code) != code or not folder.is_dir():
            return []
        found = []
        for path in folder.glob("*.json"):
            record = _read_json(path)
            if record:
                picture = path.with_suffix(".png")
                record["thumbnail"] = str(picture) if picture.exists() else None
                checkpoint = path.with_suffix(".pt")
                record["checkpoint"] = str(checkpoint) if checkpoint.exists() else None
                found.append(record)
        return sorted(found, key=lambda r: (r.get("student", ""), r.get("run", "")))

    def save_run_checkpoint(self, code: str, run: str, payload: dict, name: str) -> Path | None:
        """Keep a class run's checkpoint where every teacher session can load it (None when the class is gone)."""
        path = self._run_path(code, run, ".pt")
        if path is None or not path.parent.is_dir():
            return None
        try:
            save_checkpoint(dict(payload, name=name), path)
        except CheckpointError:
            return None
        if self.get(code) is None:  # ended while it was written: leave nothing behind
            self.end(code)
            return None
        return path


# -- the server side of a student's runs -------------------------------------------------------------------------
class ClassPublisher:
    """Writes the summaries of class members' runs while they train, from one daemon thread of the server.

    The Train page registers a run when a class member starts it (`follow`). Every PUBLISH_SECONDS the thread writes
    what changed (status, step, place in line, metrics; the thumbnail when a new snapshot came), and when the run
    ends its checkpoint (finished runs only). It never touches a tensor: it reads `job.snapshot()` like the pages."""

    def __init__(self, store: ClassStore, manager, interval: float = PUBLISH_SECONDS):
        self.store, self.manager, self.interval = store, manager, interval
        self._followed: dict[str, dict] = {}  # job id -> {"job", "code", "member", "challenge", "seen"}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def follow(self, job, code: str, member: dict, challenge: str = "") -> None:
        with self._lock:
            self._followed[job.id] = {"job": job, "code": code, "member": member, "challenge": challenge,
                                      "seen": None, "picture_step": None}
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="latent-lab-class", daemon=True)
                self._thread.start()
        self.publish_once()

    def following(self) -> int:
        with self._lock:
            return len(self._followed)

    def _loop(self) -> None:
        while True:
            time.sleep(self.interval)
            if not self.publish_once():
                with self._lock:
                    if not self._followed:
                        self._thread = None
                        return

    def publish_once(self) -> int:
        """Write what changed for every followed run; returns how many runs are still followed."""
        with self._lock:
            entries = list(self._followed.values())
        for entry in entries:
            try:
                following = self._publish(entry)
            except Exception:  # one run's bad moment (a file it cannot write, a picture it cannot make) must not
                following = False  # end the thread that publishes every other student's run
            if not following:
                with self._lock:
                    self._followed.pop(entry["job"].id, None)
        with self._lock:
            return len(self._followed)

    def _publish(self, entry: dict) -> bool:
        """False when the run needs no more following (it ended, or its class did)."""
        job = entry["job"]
        snap = job.snapshot(history_points=0)
        position = self.manager.queue_position(job)
        record = summary(snap, position)
        active = job.is_active or job.thread_alive
        seen = (record["status"], record["step"], position, tuple(sorted(record["metrics"].items())))
        latest = snap.get("latest")
        picture = None
        if latest and latest.get("step") != entry["picture_step"]:
            picture = thumbnail(latest, dataset=(snap.get("config") or {}).get("dataset", ""))
            entry["picture_step"] = latest.get("step")
        if seen != entry["seen"] or picture is not None:
            if not self.store.publish(entry["code"], entry["member"], record, picture, entry["challenge"]):
                return False
            entry["seen"] = seen
        if active:
            return True
        if record["status"] == "finished" and job.trainer is not None:
            try:
                payload = job.checkpoint_payload()
            except RuntimeError:
                return False
            self.store.save_run_checkpoint(entry["code"], job.id, payload, f"{entry['member']['name']} · {job.name}")
        return False


__all__ = ["CHANGEABLE", "CODE_ALPHABET", "CODE_LENGTH", "Challenge", "ClassError", "ClassInfo", "ClassPublisher",
           "ClassStore", "GOAL_METRICS", "RateLimiter", "clean_name", "format_code", "leaderboard", "member_id",
           "normalise_code", "sort_runs", "summary", "thumbnail"]
