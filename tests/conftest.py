import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("LATENT_LAB_THREADS", "1")


@pytest.fixture
def tiny_config():
    """A ring-8 GAN small enough to train a few dozen steps in well under a second."""
    from gan_core.config import TrainConfig

    return TrainConfig(dataset="ring8", model="gan", latent_dim=2, hidden=16, depth=2, batch_size=32, steps=20,
                       sample_every=5, metrics_every=10, seed=3, n_points=1000)
