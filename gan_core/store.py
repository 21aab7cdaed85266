"""Where checkpoints live: the shipped demos and the runs users save, listed for every page.

Demo checkpoints ship in checkpoints/ (read-only for the app). Saved runs go to the data folder, RUNS_DIR
(LATENT_LAB_RUNS, default runs/ beside the app). A saved run keeps the name its student typed, in any script, inside
the file ("name"); the file itself is named by an ASCII slug of it plus a short random id ("my-run-3fa2c1.pt",
"run-9b0e11.pt" for "我的模型"), so nobody writes outside the folder and no save ever replaces another.
"""
from __future__ import annotations

import functools
import time
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path

import torch

from gan_core import settings
from gan_core.checkpoints import CheckpointError, CheckpointExists, safe_name, save_checkpoint

ROOT = settings.PROJECT_ROOT
DEMO_DIR = ROOT / "checkpoints"


def runs_dir() -> Path:
    return settings.runs_dir()


@dataclass(frozen=True)
class StoredCheckpoint:
    name: str  # what the pages show: a demo's file name, the name a saved run was given (any script)
    path: str
    source: str  # "demo" or "saved"
    size: int
    modified: float
    ref: str = ""  # what a picker and a link call it: the name, or the file's stem when a newer run has that name

    @property
    def label(self) -> str:
        return f"{self.name} ({'demo' if self.source == 'demo' else 'saved'})"


def list_checkpoints() -> list[StoredCheckpoint]:
    """Demo checkpoints first (alphabetical), then saved runs (newest first). Temp files are skipped."""
    found: list[StoredCheckpoint] = []
    for source, folder in (("demo", DEMO_DIR), ("saved", runs_dir())):
        if not folder.is_dir():
            continue
        entries = [p for p in folder.glob("*.pt") if p.is_file() and not p.name.startswith(".")]
        entries.sort(key=(lambda p: p.name) if source == "demo" else (lambda p: -p.stat().st_mtime))
        taken: set[str] = set()
        for path in entries:
            stat = path.stat()
            name = path.stem if source == "demo" else _saved_name(str(path), stat.st_mtime, stat.st_size)
            ref = name if name not in taken else path.stem  # two runs saved under one name: both listed
            taken.add(ref)
            found.append(StoredCheckpoint(name, str(path), source, stat.st_size, stat.st_mtime, ref))
    return found


@functools.lru_cache(maxsize=1024)
def _saved_name(path: str, modified: float, size: int) -> str:
    """The name a saved run was given (its payload's "name"), else its file's stem; read once per file version.

    mmap: the weights are mapped, not read, so a listing stays quick; weights_only: reading a name runs no code.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            name = torch.load(path, map_location="cpu", weights_only=True, mmap=True).get("name")
    except Exception:  # not a checkpoint: the pages say why when they open it
        return Path(path).stem
    return " ".join(name.split())[:MAX_NAME_CHARS] if isinstance(name, str) and name.strip() else Path(path).stem


MAX_NAME_CHARS = 80


def save_run(payload: dict, name: str) -> Path:
    """Save a run's payload in the runs folder under a new file; returns its path.

    The run keeps `name` as typed (any script, whitespace tidied) as its display name; the file is
    "<ASCII slug>-<6 hex>.pt" ("run-…" when the name has no ASCII letters or digits) and is created exclusively, so
    a save never replaces an earlier one, whatever its name. Raises CheckpointError with a readable sentence when
    the folder cannot be written.
    """
    display = " ".join(str(name or "").split())[:MAX_NAME_CHARS] or f"run-{time.strftime('%Y%m%d-%H%M%S')}"
    slug = safe_name(display)[:48].rstrip(".-_") or "run"
    payload = dict(payload, name=display)
    for _ in range(8):  # a clash of 6 random hex digits is rare; a clash eight times running is not going to happen
        try:
            return save_checkpoint(payload, runs_dir() / f"{slug}-{uuid.uuid4().hex[:6]}.pt", overwrite=False)
        except CheckpointExists:
            continue
    raise CheckpointError("Could not find a free file name in the runs folder; try saving again.")


__all__ = ["CheckpointError", "StoredCheckpoint", "list_checkpoints", "runs_dir", "save_run", "DEMO_DIR"]
