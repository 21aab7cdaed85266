"""Every LATENT_LAB_* environment variable, read in this one place.

Each is read when it is asked for, not at import, so a server owner's setting (or a test's) takes effect
without reloading anything. A value that does not parse counts as unset.

| variable                  | what it sets                                            | default                         |
|---------------------------|---------------------------------------------------------|---------------------------------|
| LATENT_LAB_RUNS           | the folder saved runs go to                             | runs/ beside the app            |
| LATENT_LAB_WORKERS        | where runs train: "process" (worker processes), "thread" | process                         |
| LATENT_LAB_MAX_JOBS       | trainings running at once on this server                | one per spare core (at least 1) |
| LATENT_LAB_THREADS        | torch threads per training                              | all cores but one, at most 4    |
| LATENT_LAB_SESSION_GRACE  | seconds a browser's runs wait after its last tab closed | 60                              |
| LATENT_LAB_RUN_MEMORY_MB  | memory one run may need (gan_core.budget refuses more)  | 1024 (1 GiB)                    |
| LATENT_LAB_DEBUG          | the CLI shows tracebacks instead of one line            | off                             |
"""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _text(name: str) -> str:
    return os.environ.get(name, "").strip()


def _positive_int(name: str) -> int | None:
    value = _text(name)
    return int(value) if value.isdigit() and int(value) > 0 else None


def runs_dir() -> Path:
    return Path(_text("LATENT_LAB_RUNS") or PROJECT_ROOT / "runs")


def worker_mode() -> str | None:
    """"process" or "thread" when LATENT_LAB_WORKERS says so, else None (the caller's default)."""
    value = _text("LATENT_LAB_WORKERS").lower()
    return value if value in ("process", "thread") else None


def max_jobs() -> int | None:
    return _positive_int("LATENT_LAB_MAX_JOBS")


def threads() -> int | None:
    return _positive_int("LATENT_LAB_THREADS")


def session_grace_seconds(default: float = 60.0) -> float:
    try:
        value = float(_text("LATENT_LAB_SESSION_GRACE") or default)
    except ValueError:
        return default
    return value if value >= 0 else default


DEFAULT_RUN_MEMORY_MB = 1024  # why 1 GiB: see gan_core/budget.py and docs/SECURITY.md


def run_memory_mb() -> int:
    """The memory one run may need, in MiB (LATENT_LAB_RUN_MEMORY_MB, else DEFAULT_RUN_MEMORY_MB)."""
    return _positive_int("LATENT_LAB_RUN_MEMORY_MB") or DEFAULT_RUN_MEMORY_MB


def debug() -> bool:
    return bool(_text("LATENT_LAB_DEBUG"))
