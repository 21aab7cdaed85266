"""Every LATENT_LAB_* environment variable, read in this one place (and Ray's RAY_ADDRESS, which the app reads too).

Each is read when it is asked for, not at import, so a server owner's setting (or a test's) takes effect
without reloading anything. A value that does not parse counts as unset.

| variable                  | what it sets                                            | default                         |
|---------------------------|---------------------------------------------------------|---------------------------------|
| LATENT_LAB_RUNS           | the folder saved runs go to                             | runs/ beside the app            |
| LATENT_LAB_WORKERS        | where runs train: "process" (worker processes), "thread", | process                         |
|                           | "ray" (actors on a Ray cluster, see docs/SCALING.md)    |                                 |
| LATENT_LAB_MAX_JOBS       | trainings running at once on this server (with Ray: a   | one per spare core (at least 1);|
|                           | cap on what the cluster holds)                          | with Ray, what the cluster holds|
| LATENT_LAB_RAY_GPU_FRACTION | the share of a GPU one run asks Ray for (0 < f <= 1)  | 0.1 (ten runs share a GPU)      |
| RAY_ADDRESS               | Ray's own: the cluster LATENT_LAB_WORKERS=ray joins     | a local Ray started by the app  |
| LATENT_LAB_THREADS        | torch threads per training                              | all cores but one, at most 4    |
| LATENT_LAB_MALLOC         | "keep": glibc keeps freed memory for the next step;     | keep                            |
|                           | "glibc": glibc's own defaults (gan_core.device)         |                                 |
| LATENT_LAB_SESSION_GRACE  | seconds a browser's runs wait after its last tab closed | 60                              |
| LATENT_LAB_RUN_MEMORY_MB  | memory one run may need (gan_core.budget refuses more)  | 1024 (1 GiB)                    |
| LATENT_LAB_PUBLIC_URL     | the address class join links and their QR codes use     | what the teacher's browser used |
| LATENT_LAB_MAX_CLASSES    | classes open at once on this server (class mode)        | 10                              |
| LATENT_LAB_CLASS_STUDENTS | students in one class                                   | 60                              |
| LATENT_LAB_CLASS_IDLE     | seconds an unused class lasts before it is removed      | 10800 (3 hours)                 |
| LATENT_LAB_DEBUG          | the CLI shows tracebacks instead of one line            | off                             |
| LATENT_LAB_CPU_BF16       | "always": bf16 runs on any CPU; by default a CPU without| only where the CPU has native   |
|                           | native bf16 trains in fp32 (bf16 is ~15x slower there)  | bf16 (gan_core.device)          |
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
    """"process", "thread" or "ray" when LATENT_LAB_WORKERS says so, else None (the caller's default)."""
    value = _text("LATENT_LAB_WORKERS").lower()
    return value if value in ("process", "thread", "ray") else None


DEFAULT_RAY_GPU_FRACTION = 0.1


def ray_gpu_fraction() -> float:
    """The share of one GPU a run on a GPU asks Ray for (LATENT_LAB_RAY_GPU_FRACTION, 0 < f <= 1), else 0.1."""
    try:
        value = float(_text("LATENT_LAB_RAY_GPU_FRACTION") or DEFAULT_RAY_GPU_FRACTION)
    except ValueError:
        return DEFAULT_RAY_GPU_FRACTION
    return value if 0 < value <= 1 else DEFAULT_RAY_GPU_FRACTION


def ray_address() -> str | None:
    """RAY_ADDRESS (Ray's own variable: host:port of a cluster's head, or "auto"), else None: a local Ray."""
    return _text("RAY_ADDRESS") or None


def max_jobs() -> int | None:
    return _positive_int("LATENT_LAB_MAX_JOBS")


THREADS_VARIABLE = "LATENT_LAB_THREADS"  # also set for each Ray actor: the cores its run asked for


def threads() -> int | None:
    return _positive_int("LATENT_LAB_THREADS")


def session_grace_seconds(default: float = 60.0) -> float:
    try:
        value = float(_text("LATENT_LAB_SESSION_GRACE") or default)
    except ValueError:
        return default
    return value if value >= 0 else default


DEFAULT_RUN_MEMORY_MB = 1024  # why 1 GiB: see gan_core/budget.py and docs/SECURITY.md


def malloc_mode() -> str:
    """LATENT_LAB_MALLOC: "glibc" leaves glibc's allocator as it is; anything else (the default) is "keep"."""
    return "glibc" if _text("LATENT_LAB_MALLOC").lower() == "glibc" else "keep"


def run_memory_mb() -> int:
    """The memory one run may need, in MiB (LATENT_LAB_RUN_MEMORY_MB, else DEFAULT_RUN_MEMORY_MB)."""
    return _positive_int("LATENT_LAB_RUN_MEMORY_MB") or DEFAULT_RUN_MEMORY_MB


def cpu_bf16_always() -> bool:
    """LATENT_LAB_CPU_BF16=always: train in bf16 on a CPU without native bf16 too (where it is many times slower)."""
    return _text("LATENT_LAB_CPU_BF16").lower() == "always"


def switched_on(value: str | None) -> bool:
    """An on/off environment variable's value: on for any but 0, false, no and off (and unset or empty)."""
    return (value or "").strip().lower() not in ("", "0", "false", "no", "off")


def debug() -> bool:
    """LATENT_LAB_DEBUG, switched on."""
    return switched_on(_text("LATENT_LAB_DEBUG"))


def public_url() -> str | None:
    """LATENT_LAB_PUBLIC_URL (e.g. https://lab.school.example/latent), without a trailing slash, or None.

    Set it when the server sits behind a proxy and the address the teacher's browser used is not the one students
    can reach; class join links and their QR codes start with it."""
    value = _text("LATENT_LAB_PUBLIC_URL").rstrip("/")
    return value if value.startswith(("http://", "https://")) else None


def max_classes() -> int:
    return _positive_int("LATENT_LAB_MAX_CLASSES") or 10


def class_students() -> int:
    return _positive_int("LATENT_LAB_CLASS_STUDENTS") or 60


def class_idle_seconds() -> int:
    return _positive_int("LATENT_LAB_CLASS_IDLE") or 3 * 3600
