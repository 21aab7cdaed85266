"""One device idiom for the whole project: cuda, then mps, then cpu, unless the user names one."""
from __future__ import annotations

import ctypes
import os
import sys

import torch

from gan_core import settings

_threads_configured = False
_allocator_tuned = False

# glibc's mallopt parameters (malloc.h) and what "keep" sets them to. With glibc's defaults, a block above the
# mmap threshold (128 KiB, growing to at most 32 MiB as it meets freed ones) is mapped afresh and unmapped when
# freed, and free memory above the trim threshold is handed back to the OS; a training step allocates and frees
# the same few-MB tensors every time, and each new mapping faults its pages in again. Measured on digits-gan
# (bench/bench_trainer_causes.py, docs/BENCHMARKS.md): the Trainer 16.5 -> 20.4 steps/s, its ratio to the bare
# loop 0.88 -> 1.0; none of the other hypotheses moved it. A process keeps at most TRIM_THRESHOLD of free memory.
_M_TRIM_THRESHOLD, _M_TOP_PAD, _M_MMAP_THRESHOLD = -1, -2, -3
MMAP_THRESHOLD, TRIM_THRESHOLD, TOP_PAD = 64 * 2**20, 128 * 2**20, 16 * 2**20


def available_devices() -> list[str]:
    names = ["cpu"]
    if torch.cuda.is_available():
        names.insert(0, "cuda")
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        names.insert(0 if "cuda" not in names else 1, "mps")
    return names


def pick_device(name: str = "auto") -> torch.device:
    """Return the torch.device for `name` ("auto" = cuda > mps > cpu); raise ValueError if it is absent."""
    if name in (None, "", "auto"):
        return torch.device(available_devices()[0])
    if name not in ("cpu", "cuda", "mps"):
        raise ValueError(f"device must be auto, cpu, cuda or mps; got {name!r}.")
    if name not in available_devices():
        raise ValueError(f"device {name} is not available on this machine; use auto or cpu.")
    return torch.device(name)


def device_facts(device: torch.device | str | None = None) -> dict:
    """What a label of the device says, as data the caller words in its language: {"type": "cpu", "threads": n}
    (the threads every run configures for itself), {"type": "cuda", "name": "NVIDIA H100"} or {"type": "mps"}."""
    device = pick_device("auto") if device is None else torch.device(device)
    if device.type == "cuda":
        return {"type": "cuda", "name": torch.cuda.get_device_name(device)}
    if device.type == "mps":
        return {"type": "mps"}
    return {"type": "cpu", "threads": default_threads()}


def default_threads() -> int:
    """LATENT_LAB_THREADS, else all cores but one (at least 1), capped at 4."""
    return settings.threads() or max(1, min(4, (os.cpu_count() or 1) - 1))


def tune_allocator() -> bool:
    """Have glibc keep freed memory for the next training step instead of returning it and faulting it back in
    (see MMAP_THRESHOLD above); once per process. False where it does not apply: LATENT_LAB_MALLOC=glibc, or
    not Linux with glibc (macOS, Windows and musl keep their own allocators as they are)."""
    global _allocator_tuned
    if _allocator_tuned:
        return True
    if settings.malloc_mode() == "glibc" or not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    wanted = ((_M_MMAP_THRESHOLD, MMAP_THRESHOLD), (_M_TRIM_THRESHOLD, TRIM_THRESHOLD), (_M_TOP_PAD, TOP_PAD))
    _allocator_tuned = all([mallopt(parameter, value) == 1 for parameter, value in wanted])
    return _allocator_tuned


def configure_threads(threads: int | None = None) -> int:
    """Size torch's intra-op thread pool once per process (and tune glibc's allocator: tune_allocator).

    Small models gain little from many threads, and a training thread that takes every core starves the
    web server it shares a machine with. Default: all cores but one (at least 1), capped at 4; override with
    LATENT_LAB_THREADS.
    """
    global _threads_configured
    tune_allocator()
    threads = threads or default_threads()
    if not _threads_configured or torch.get_num_threads() != threads:
        torch.set_num_threads(threads)
        _threads_configured = True
    return threads
