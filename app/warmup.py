"""Start-up in a safe order: the heavy libraries are imported once, by one thread, before any page uses them.

Importing torch, pandas and plotly takes seconds (tens of seconds the first time after an install, when no
bytecode is cached). Python lets one thread import a module while another waits for it, but when two threads
import packages that import each other's dependencies in different orders, one of them is handed a module that
is only half initialised ("partially initialized module 'pandas' has no attribute 'Series'"). So:

- `start()` (every page run calls it, from streamlit_app.py) begins the imports in a background thread, once
  per server process, so Home's text paints while they load; the training workers' fork server is started
  first, so it imports torch in its own process at the same time;
- `wait()` is called before anything that needs them (every page but Home's light part, the sidebar): it
  returns at once when they are loaded, and otherwise waits for whichever thread is importing them;
- both go through `import_heavy()`, which holds one lock while it imports, so only one thread ever imports them.

This module imports nothing heavy itself (gan_core.runtime.launch is the standard library and settings).
"""
from __future__ import annotations

import gc
import importlib
import pkgutil
import threading

from gan_core.runtime.launch import warm_up_workers, worker_mode  # light: the standard library and settings

# What the pages import, directly or lazily: the libraries, then every module of gan_core and the app (which
# imports the rest). Once these are loaded a page's imports only look them up.
# torch._dynamo: the memory check traces a family's networks on the meta device, which imports it (1-1.5 s) on the
# Train page's first family preset; training itself no longer needs it (gan_core.optim).
HEAVY_LIBRARIES = ("numpy", "pandas", "pyarrow", "PIL.Image", "plotly.graph_objects", "plotly.io", "torch",
                   "torch._dynamo", "scipy.linalg", "scipy.ndimage", "scipy.spatial", "sklearn.cluster",
                   "sklearn.datasets")
OUR_PACKAGES = ("gan_core", "app")
SKIPPED = ("__main__", "worker_preload")  # the CLI's entry; what the workers' fork server (not this process) runs

_lock = threading.Lock()
_imported = threading.Event()
_started = threading.Event()


def _our_modules() -> list[str]:
    names = []
    for package_name in OUR_PACKAGES:
        package = importlib.import_module(package_name)
        names += [info.name for info in pkgutil.walk_packages(package.__path__, f"{package_name}.")
                  if info.name.rpartition(".")[2] not in SKIPPED]
    return sorted(names)


def import_heavy() -> None:
    """Import every heavy library and every module of ours, once per process, one thread at a time."""
    if _imported.is_set():
        return
    with _lock:
        if _imported.is_set():
            return
        for name in HEAVY_LIBRARIES:
            importlib.import_module(name)
        from gan_core.runtime import ray_worker

        if worker_mode() == "ray" and ray_worker.installed():
            importlib.import_module("ray")  # a second or so, and a tree of its own dependencies: here, once
        for name in _our_modules():
            importlib.import_module(name)
        _imported.set()


def start() -> bool:
    """Begin the imports (and the training workers' fork server, or the Ray connection) in a background thread, once
    per process."""
    if _started.is_set():
        return False
    _started.set()
    threading.Thread(target=_warm_up, name="latent-lab-warm-up", daemon=True).start()
    return True


def ready() -> bool:
    return _imported.is_set()


def wait() -> None:
    """Return once the heavy imports are done, importing them here if no other thread has begun to."""
    start()
    import_heavy()


def _warm_up() -> None:
    try:
        if worker_mode() == "process":
            # First: the fork server is a process of its own and imports torch once, beside the imports below (on
            # another core), so the first Start forks a ready worker instead of waiting 2-3 s for it
            warm_up_workers()
    except Exception:  # the first Start starts it, and says why if it cannot; warming up is an optimisation
        pass
    try:
        import_heavy()
        from gan_core.runtime import ray_worker

        if worker_mode() == "ray":
            ray_worker.warm_up()  # joins RAY_ADDRESS's cluster, or starts the local one, before the first Start
    except Exception:  # a failed import shows on the page that needs it, through wait(); warming up is an optimisation
        pass
    # Everything imported so far (torch, streamlit, plotly: hundreds of thousands of objects) lives as long as the
    # server. Freezing moves it out of the cycle collector's sight, so each full collection scans only what the
    # sessions create: with a class on the server they took 100-300 ms, holding the interpreter lock.
    gc.collect()  # first, so no garbage of the first sessions is kept for the server's lifetime
    gc.freeze()
