"""How training workers are launched, and where: light (the standard library and gan_core.settings only), so the app
can start the fork server before it imports torch itself.

`worker_mode()` says where runs train ("process", "thread" or "ray"). In "process" mode each run trains in a worker
forked from a fork server that has imported torch and the trainer once (`warm_up_workers`); where the platform
has none (Windows, and macOS by choice), workers are spawned. The fork server is a process of its own, so starting
it first lets it import torch on one core while the server imports the same on the other: on a 2-core machine the
first Start after a server starts waited 2.3-2.7 s for the fork server when it was started after the server's
own imports, and 0.02-0.2 s now. gan_core.runtime.worker builds on this.
"""
from __future__ import annotations

import contextlib
import multiprocessing
import sys
import threading
from multiprocessing import spawn

from gan_core import settings

DEFAULT_WORKERS = "process"


def worker_mode() -> str:
    """LATENT_LAB_WORKERS ("process", "thread" or "ray"), else DEFAULT_WORKERS."""
    return settings.worker_mode() or DEFAULT_WORKERS


_context_lock = threading.Lock()
_context = None
_process_class = None


@contextlib.contextmanager
def _main_left_alone():
    """While a worker is launched, leave the server's main module out of what the child prepares.

    multiprocessing re-runs the parent's main script in every child it starts this way (as `__mp_main__`), so
    that functions defined there can be found. The worker needs nothing from it, and for the app the main
    script is Streamlit's command line: re-running it costs every Start an import and would re-enter any
    script that lacks a `__name__ == "__main__"` guard. The preparation data is built by one module-level
    function, which is swapped for the launch only (the lock keeps launches one at a time).
    """
    original = spawn.get_preparation_data

    def without_main(name):
        data = original(name)
        data.pop("init_main_from_path", None)
        data.pop("init_main_from_name", None)
        return data

    spawn.get_preparation_data = without_main
    try:
        yield
    finally:
        spawn.get_preparation_data = original


def _launcher(base):
    """A Process class of `base` kind whose launch leaves the main module alone (module level: it is pickled)."""

    class WorkerProcess(base):
        @staticmethod
        def _Popen(process_obj):
            with _launch_lock, _main_left_alone():
                return base._Popen(process_obj)

    WorkerProcess.__qualname__ = WorkerProcess.__name__ = f"Worker{base.__name__}"
    return WorkerProcess


_launch_lock = threading.Lock()
WorkerSpawnProcess = _launcher(multiprocessing.context.SpawnProcess)
if hasattr(multiprocessing.context, "ForkServerProcess"):  # not on Windows
    WorkerForkServerProcess = _launcher(multiprocessing.context.ForkServerProcess)


def worker_context():
    """A fork server with torch and the trainer imported (forking it is fast and safe: it has no threads);
    spawn where the platform has no fork server (Windows, and macOS by choice). Returns (context, Process class)."""
    global _context, _process_class
    with _context_lock:
        if _context is None:
            if "forkserver" in multiprocessing.get_all_start_methods() and sys.platform.startswith("linux"):
                _context, _process_class = multiprocessing.get_context("forkserver"), WorkerForkServerProcess
                _context.set_forkserver_preload(["gan_core.runtime.worker_preload"])
            else:
                _context, _process_class = multiprocessing.get_context("spawn"), WorkerSpawnProcess
        return _context, _process_class


def warm_up_workers() -> None:
    """Start the fork server now (it imports torch, a second or two) rather than on the first Start."""
    context, _ = worker_context()
    if context.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()
