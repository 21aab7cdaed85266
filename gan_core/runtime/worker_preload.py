"""Imported once by the fork server that starts training workers (set up in gan_core.runtime.launch; the workers
themselves are gan_core.runtime.worker's).

Everything a worker would otherwise load on its first step is paid here, once per server: torch, the
trainer, and the lazy imports of the first optimiser (torch._dynamo, seconds on a laptop). Only imports
and a one-element tensor: no parallel work runs here, so no thread pool exists to break in a forked child.
"""
import gc

import torch

from gan_core import training  # noqa: F401  (what every worker runs)
from gan_core.evaluation import evaluate  # noqa: F401  (the metrics, scipy)
from gan_core.runtime import worker  # noqa: F401

torch.optim.Adam([torch.zeros(1, requires_grad=True)])

# Forked workers share these pages with the fork server until something writes to them. The cycle collector writes
# to every object it scans, so its first full pass in a worker would copy most of torch's Python objects into that
# worker, and every later pass would scan them again. Frozen, they are never scanned.
gc.collect()
gc.freeze()
