"""Latent Lab's core: data, models, losses, training, checkpoints, latents and metrics. No UI code here."""
from gan_core.config import ConfigError, TrainConfig

__version__ = "0.1.0"
__all__ = ["ConfigError", "TrainConfig", "__version__"]
