"""Checkpoints: one file of plain data, written atomically and read with `weights_only=True`.

A checkpoint holds the config that made the run (as a dict), the networks' and optimisers' state dicts, the
random stream, the history, sample snapshots and metric curves, plus what is needed to rebuild the networks
without loading the dataset (`data_info`). Loading never runs code: torch's weights-only unpickler refuses
anything but tensors and plain containers, and every other failure becomes one readable CheckpointError.
"""
from __future__ import annotations

import io
import os
import pickle
import re
import tempfile
import time
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from gan_core.config import ConfigError, TrainConfig
from gan_core.images import is_grey_picture
from gan_core.models import build_models

FORMAT = "latent-lab"
FORMAT_VERSION = 3  # 2: "reverse_kl" counts high-quality samples only (PacGAN); format 1's curve is "reverse_kl_all"
#                    3: grey snapshot pictures are stored with one channel (a third of the bytes), read back as RGB
MAX_CHECKPOINT_BYTES = 64 * 1024 * 1024  # the demo models are under 8 MB


class CheckpointError(ValueError):
    """A file that is not a usable Latent Lab checkpoint; the message is one sentence for the user."""


class CheckpointExists(CheckpointError):
    """save_checkpoint(..., overwrite=False) found a file already there (and left it untouched)."""


@dataclass
class Checkpoint:
    config: TrainConfig
    data_info: dict
    step: int
    wall_time: float
    state: dict  # what Trainer.load_state_dict takes
    name: str = ""
    created: float = 0.0
    path: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def history(self) -> dict:
        return self.state.get("history", {})

    @property
    def metrics(self) -> dict:
        return self.state.get("metrics", {})

    @property
    def snapshots(self) -> list:
        return [snapshot_from_storable(s) for s in self.state.get("snapshots", [])]

    def build_models(self, device: str | torch.device = "cpu") -> torch.nn.ModuleDict:
        """The trained networks, in eval mode, on `device`."""
        models = build_models(self.config, tuple(self.data_info["sample_shape"]), int(self.data_info.get("n_classes", 0)))
        try:
            models.load_state_dict(self.state["models"])
        except (RuntimeError, KeyError) as error:
            raise CheckpointError(f"{self.label} does not match the model its config describes "
                                  f"({str(error).splitlines()[0][:120]}).") from None
        return models.to(device).eval()

    @property
    def label(self) -> str:
        """How a message names this file: its name, or "this checkpoint" for an upload."""
        return Path(self.path).name if self.path else "this checkpoint"


def data_info(dataset) -> dict:
    """What a checkpoint needs to know about its data to rebuild the networks and score samples."""
    return {
        "name": dataset.name, "kind": dataset.kind, "sample_shape": list(dataset.sample_shape),
        "n_classes": int(dataset.n_classes), "class_names": list(dataset.class_names),
        "modes": None if dataset.modes is None else [[float(a), float(b)] for a, b in dataset.modes],
        "sigma": None if dataset.sigma is None else float(dataset.sigma),
        **getattr(dataset, "extra", {}),  # the user's points of a "points:NAME" set, so a resume can rebuild it
    }


SAVED_SNAPSHOTS = 32  # sample snapshots kept in a file (evenly spaced, newest included)


def trainer_payload(trainer, name: str = "") -> dict:
    """Everything about a trainer, as plain data ready for `save_checkpoint`."""
    state = trainer.state_dict()
    snapshots = state["snapshots"]
    if len(snapshots) > SAVED_SNAPSHOTS:
        step = len(snapshots) / SAVED_SNAPSHOTS
        state["snapshots"] = [snapshots[int(i * step)] for i in range(SAVED_SNAPSHOTS - 1)] + [snapshots[-1]]
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION, "name": name, "created": time.time(),
        "config": trainer.config.to_dict(), "data_info": data_info(trainer.dataset),
        "dataset": trainer.config.dataset, "step": trainer.step_count, "wall_time": trainer.elapsed,
        "state": _to_cpu(state),
    }


def snapshot_to_storable(snapshot: dict) -> dict:
    """numpy arrays -> tensors, so a checkpoint loads with weights_only=True. A grey picture keeps one channel
    (snapshot_from_storable gives it back its three): a third of the bytes of a grey dataset's snapshots."""
    def storable(value: np.ndarray) -> torch.Tensor:
        if is_grey_picture(value):
            value = value[..., :1]
        return torch.from_numpy(np.ascontiguousarray(value))

    return {k: storable(v) if isinstance(v, np.ndarray) else v for k, v in snapshot.items()}


def _from_storable(value: torch.Tensor) -> np.ndarray:
    array = value.numpy()
    if array.dtype == np.uint8 and array.ndim == 3 and array.shape[-1] == 1:  # a grey picture, stored small
        array = np.repeat(array, 3, axis=-1)
    return array


def snapshot_from_storable(snapshot: dict) -> dict:
    """The other way: a stored snapshot's tensors back to numpy arrays (grey pictures as RGB again), its bounds to
    a tuple."""
    return {k: _from_storable(v) if isinstance(v, torch.Tensor) else (tuple(v) if k == "bounds" else v)
            for k, v in snapshot.items()}


def _to_cpu(value):
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().clone()
    if isinstance(value, dict):
        return {k: _to_cpu(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_to_cpu(v) for v in value)
    return value


_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(name: str, default: str = "run") -> str:
    """A checkpoint name that cannot escape its folder: letters, digits, '.', '_' and '-' only."""
    cleaned = _SAFE_NAME.sub("-", Path(str(name)).name).strip(".-_")[:64]
    return cleaned or default


def check_writable(path: str | os.PathLike) -> Path:
    """Raise CheckpointError with a readable sentence when a checkpoint could not be saved at `path` (a folder is
    there, or its folder cannot be made or written), so a command line run finds out before it trains, not after."""
    target = Path(path)
    handle, temp_name = _temp_file_beside(target)
    os.close(handle)
    _silent_unlink(temp_name)
    return target


def _temp_file_beside(target: Path) -> tuple[int, str]:
    """An open temp file in `target`'s folder (made if missing): (handle, name), or a readable CheckpointError."""
    if target.is_dir():
        raise CheckpointError(f"{target} is a folder; give a file name such as {target / 'run.pt'}.")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        return tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as error:
        raise CheckpointError(f"Cannot write to {target.parent}: {why_not_written(error)}.") from None


def save_checkpoint(payload: dict, path: str | os.PathLike, overwrite: bool = True) -> Path:
    """Write `payload` to `path` atomically: a temp file in the same folder, fsync, then os.replace.

    A crash (even SIGKILL) at any moment leaves either the old file or the complete new one, never half.
    overwrite=False never replaces a file: the finished temp file is hard-linked to `path`, which fails if anything
    is there, even a file another process made a moment ago (CheckpointExists, the other file untouched).
    Raises CheckpointError with a readable sentence when the folder is missing, read-only or full.
    """
    target = Path(path)
    handle, temp_name = _temp_file_beside(target)
    try:
        with os.fdopen(handle, "wb") as stream:
            _readable_by_all(stream.fileno(), target)
            torch.save(payload, stream)
            stream.flush()
            os.fsync(stream.fileno())
        if overwrite:
            os.replace(temp_name, target)
        else:
            _create_exclusively(temp_name, target)
    except FileExistsError:
        _silent_unlink(temp_name)
        raise CheckpointExists(f"{target.name} already exists, and saving never replaces a file.") from None
    except OSError as error:
        _silent_unlink(temp_name)
        raise CheckpointError(f"Could not save {target.name}: {error.strerror or error}. "
                              "Your run is still in memory; free some space or choose another folder.") from None
    except BaseException:
        _silent_unlink(temp_name)
        raise
    return target


def why_not_written(error: OSError) -> str:
    """Why a folder could not be made or written, in words: 'File exists' is what the system says of a file that
    stands where a folder on the path should be."""
    if isinstance(error, (FileExistsError, NotADirectoryError)):
        return "a file stands where a folder on that path should be"
    return error.strerror or str(error)


def _readable_by_all(handle: int, target: Path) -> None:
    """mkstemp makes a file only its owner can read: give the checkpoint the mode of the file it replaces, else
    rw-r--r--, as a plain open() would (a demo rebuilt by one user must stay readable by the server's)."""
    if not hasattr(os, "fchmod"):  # (Windows: no modes to keep)
        return
    try:
        mode = target.stat().st_mode & 0o777
    except OSError:
        mode = 0o644
    os.fchmod(handle, mode)


def _create_exclusively(temp_name: str, target: Path) -> None:
    """Give the complete temp file the name `target` only if nothing has that name (FileExistsError otherwise)."""
    try:
        os.link(temp_name, target)  # atomic and exclusive; then the temp name goes
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: claim the name first, then fill it atomically
        os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
        os.replace(temp_name, target)
        return
    _silent_unlink(temp_name)


def _silent_unlink(name: str) -> None:
    try:
        os.unlink(name)
    except OSError:
        pass


def load_checkpoint(source: str | os.PathLike | bytes, label: str | None = None) -> Checkpoint:
    """Read a checkpoint from a path or from bytes (an upload). Never runs code from the file.

    Raises CheckpointError with one sentence for: missing, too large, truncated or corrupt files, pickles that
    want to run code, foreign .pt files, newer format versions and invalid configs.
    """
    if isinstance(source, (bytes, bytearray)):
        label = label or "the uploaded file"
        if len(source) > MAX_CHECKPOINT_BYTES:
            raise CheckpointError(f"{label} is larger than {MAX_CHECKPOINT_BYTES // 2**20} MB; Latent Lab checkpoints are small.")
        stream = io.BytesIO(source)
        path = ""
    else:
        path = str(source)
        label = label or Path(path).name
        if not os.path.isfile(path):
            raise CheckpointError(f"No checkpoint at {path}.")
        if os.path.getsize(path) > MAX_CHECKPOINT_BYTES:
            raise CheckpointError(f"{label} is larger than {MAX_CHECKPOINT_BYTES // 2**20} MB; Latent Lab checkpoints are small.")
        stream = path
    try:
        with warnings.catch_warnings():  # torch warns about pickle protocols of files we refuse anyway
            warnings.simplefilter("ignore")
            payload = torch.load(stream, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as error:
        if "global" in str(error).lower():  # the weights-only unpickler met a class or function reference
            raise CheckpointError(f"{label} was refused: it contains Python objects that could run code, "
                                  "and Latent Lab only loads plain weights.") from None
        raise CheckpointError(f"{label} is not a readable checkpoint (corrupt, truncated, or holding objects "
                              "Latent Lab does not load).") from None
    except (EOFError, zipfile.BadZipFile, RuntimeError, ValueError, OSError, AttributeError, IndexError,
            KeyError, TypeError, UnicodeDecodeError, MemoryError, OverflowError):
        raise CheckpointError(f"{label} is not a readable checkpoint (truncated or corrupt file).") from None
    return validate_payload(payload, label, path)


def _upgraded(state, version: int):
    """A format-1 state with its metric curves named as format 2 names them (a new dict; the payload is untouched).

    Format 1 recorded under "reverse_kl" the KL of ALL samples' nearest-mode histogram; format 2 calls that
    "reverse_kl_all" and keeps "reverse_kl" for PacGAN's high-quality-only definition, which a format-1 run
    never measured: its curve stays absent rather than pretend.
    """
    if version >= 2 or not isinstance(state, dict) or not isinstance(state.get("metrics"), dict):
        return state
    values = state["metrics"].get("values")
    if not isinstance(values, dict) or "reverse_kl" not in values:
        return state
    renamed = {("reverse_kl_all" if key == "reverse_kl" else key): column for key, column in values.items()}
    return {**state, "metrics": {**state["metrics"], "values": renamed}}


def validate_payload(payload, label: str, path: str = "") -> Checkpoint:
    """Check a loaded payload (from a file or a live job) and wrap it as a Checkpoint; CheckpointError if unusable."""
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise CheckpointError(f"{label} is a PyTorch file but not a Latent Lab checkpoint.")
    version = payload.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise CheckpointError(f"{label} was written by a newer Latent Lab (format {version}); "
                              f"this one reads format {FORMAT_VERSION} or older. Update the app.")
    try:
        config = TrainConfig.from_dict(payload["config"]).check()
        info = payload["data_info"]
        state = _upgraded(payload["state"], version)
        if not isinstance(state, dict) or "models" not in state or not isinstance(info, dict):
            raise KeyError("state")
        tuple(int(v) for v in info["sample_shape"])
    except ConfigError as error:
        raise CheckpointError(f"{label} has an invalid config: {error.message}") from None
    except (KeyError, TypeError, ValueError):
        raise CheckpointError(f"{label} is missing parts of a Latent Lab checkpoint.") from None
    return Checkpoint(config=config, data_info=info, step=int(payload.get("step", 0)),
                      wall_time=float(payload.get("wall_time", 0.0)), state=state,
                      name=str(payload.get("name") or Path(path).stem or "upload"),
                      created=float(payload.get("created", 0.0)), path=path)
