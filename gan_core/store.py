"""Where checkpoints live: the shipped demos and the runs users save, listed for every page.

Demo checkpoints ship in checkpoints/ (read-only for the app). Saved runs go to the data folder, RUNS_DIR
(LATENT_LAB_RUNS, default runs/ beside the app); names are sanitised so nobody writes outside it.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from gan_core import settings
from gan_core.checkpoints import CheckpointError, safe_name, save_checkpoint

ROOT = settings.PROJECT_ROOT
DEMO_DIR = ROOT / "checkpoints"


def runs_dir() -> Path:
    return settings.runs_dir()


@dataclass(frozen=True)
class StoredCheckpoint:
    name: str
    path: str
    source: str  # "demo" or "saved"
    size: int
    modified: float

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
        for path in entries:
            stat = path.stat()
            found.append(StoredCheckpoint(path.stem, str(path), source, stat.st_size, stat.st_mtime))
    return found


def save_run(payload: dict, name: str) -> Path:
    """Save a run's payload as runs/<safe name>.pt (atomically); returns the path.

    Raises CheckpointError with a readable sentence when the folder cannot be written.
    """
    filename = safe_name(name or f"run-{time.strftime('%Y%m%d-%H%M%S')}")
    if not filename.endswith(".pt"):
        filename += ".pt"
    payload = dict(payload, name=Path(filename).stem)
    return save_checkpoint(payload, runs_dir() / filename)


__all__ = ["CheckpointError", "StoredCheckpoint", "list_checkpoints", "runs_dir", "save_run", "DEMO_DIR"]
