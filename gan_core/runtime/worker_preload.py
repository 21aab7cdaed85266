"""Imported once by the fork server that starts training workers (set up in gan_core.runtime.launch; the workers
themselves are gan_core.runtime.worker's).

Everything a worker would otherwise load on its first step is paid here, once per server: torch, the
trainer and the metrics. Only imports: no parallel work runs here, so no thread pool exists to break in a forked
child. (Nothing a worker runs imports torch._dynamo, seconds on a laptop: gan_core.optim says why.)
"""
import gc

from gan_core import training  # noqa: F401  (what every worker runs)
from gan_core.evaluation import evaluate  # noqa: F401  (the metrics, scipy)
from gan_core.runtime import worker  # noqa: F401

# Forked workers share these pages with the fork server until something writes to them. The cycle collector writes
# to every object it scans, so its first full pass in a worker would copy most of torch's Python objects into that
# worker, and every later pass would scan them again. Frozen, they are never scanned.
gc.collect()
gc.freeze()
