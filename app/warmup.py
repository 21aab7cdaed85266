"""Start-up work paid in the background, so the first page paints fast and the first Start responds at once.

Importing torch takes a second or two and its first optimiser pulls in torch._dynamo (seconds more). Home
starts this thread before drawing anything heavy; the page's text paints while torch loads beside it.
This module imports nothing heavy itself.
"""
from __future__ import annotations

import gc
import threading

_started = threading.Event()


def warm_up() -> bool:
    """Import torch and build one optimiser in a background thread, once per server process."""
    if _started.is_set():
        return False
    _started.set()

    def work():
        try:
            import torch

            torch.optim.Adam([torch.zeros(1, requires_grad=True)])
            import gan_core.training  # noqa: F401  (the Train page's imports, ready before a click)
            from gan_core.runtime.worker import warm_up_workers, worker_mode

            if worker_mode() == "process":
                warm_up_workers()  # the fork server imports torch once, so each Start forks a ready worker
        except Exception:  # warming up is an optimisation only
            pass
        # Everything imported so far (torch, streamlit, plotly: hundreds of thousands of objects) lives as long as
        # the server. Freezing moves it out of the cycle collector's sight, so each full collection scans only what
        # the sessions create: with a class on the server they took 100-300 ms, holding the interpreter lock.
        gc.collect()  # first, so no garbage of the first sessions is kept for the server's lifetime
        gc.freeze()

    threading.Thread(target=work, name="latent-lab-warm-up", daemon=True).start()
    return True
