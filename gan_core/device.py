"""One device idiom for the whole project: cuda, then mps, then cpu, unless the user names one."""
from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import sys

import torch

from gan_core import settings

_threads_configured = False
_allocator_tuned = False
_alone = False  # inside every_core(): no web server shares the machine

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


@functools.cache
def cpu_has_native_bf16() -> bool:
    """Whether this CPU runs bf16 at speed: oneDNN's own test (AVX-512 or the CPU's bf16 instructions). Without it
    autocast emulates bfloat16, and mnist-cgan's step took 4-5 s instead of 0.3 s in fp32 (an AMD EPYC with AVX2
    only, docs/BENCHMARKS.md)."""
    try:
        return bool(torch.backends.mkldnn.is_available() and torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):  # a torch without the test: only the CPU's own bf16 instructions count
        return bool(getattr(torch.cpu, "_is_avx512_bf16_supported", lambda: False)())


def default_threads() -> int:
    """LATENT_LAB_THREADS, else all cores but one (at least 1), capped at 4; inside every_core(), all cores."""
    return settings.threads() or max(1, min(4, (os.cpu_count() or 1) - (0 if _alone else 1)))


@contextlib.contextmanager
def every_core():
    """While it lasts, the default thread pool takes every core (capped at 4): for the command line, where no web
    server waits for a core. ring8-fixed's 2,500 steps from the CLI on 2 cores, at its former width 128: 34 s
    with one thread, 22 s with two (docs/BENCHMARKS.md). LATENT_LAB_THREADS still wins. The pool is put back as it was afterwards."""
    global _alone
    before, was_alone = torch.get_num_threads(), _alone
    _alone = True
    try:
        yield
    finally:
        _alone = was_alone
        if torch.get_num_threads() != before:
            torch.set_num_threads(before)


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
