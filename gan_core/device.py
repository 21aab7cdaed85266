"""One device idiom for the whole project: cuda, then mps, then cpu, unless the user names one."""
from __future__ import annotations

import os

import torch

from gan_core import settings

_threads_configured = False


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


def configure_threads(threads: int | None = None) -> int:
    """Size torch's intra-op thread pool once per process.

    Small models gain little from many threads, and a training thread that takes every core starves the
    web server it shares a machine with. Default: all cores but one (at least 1), capped at 4; override with
    LATENT_LAB_THREADS.
    """
    global _threads_configured
    threads = threads or default_threads()
    if not _threads_configured or torch.get_num_threads() != threads:
        torch.set_num_threads(threads)
        _threads_configured = True
    return threads
