"""The choices a run is made of (dataset, loss and device names, allowed ranges), the two errors a user's
settings or data can cause, ConfigError and DataError, and `written`, how their sentences write a number.

The bottom of gan_core: it imports nothing of the project but the sentences of gan_core.messages, and no heavy
library, so every module (the config, the data, the losses, the model families) can name the choices without
importing each other.
"""
from __future__ import annotations

from decimal import Decimal

from gan_core.messages import DATA_MESSAGES

POINT_DATASETS = ("ring8", "grid25", "spiral", "moons")
IMAGE_DATASETS = ("digits", "mnist5k", "shapes", "stacked-digits", "stacked-mnist", "mnist", "fashion-mnist",
                  "cifar10")
LABELLED_DATASETS = IMAGE_DATASETS
# the stacked sets: three digits as colour channels, 1,000 modes, each channel judged by one digit classifier
STACKED_DATASETS = ("stacked-digits", "stacked-mnist")
# image sets whose labels are their class subfolders (gan_core.uploads): only the loaded data knows if they have any
FOLDER_LABELLED_PREFIXES = ("folder:", "upload:")
MODELS = ("gan", "cgan", "vae", "cvae")  # the classic four; gan_core.families adds more (see model_names())
LOSSES = ("ns", "minimax", "lsgan", "wgan-gp", "hinge")
ARCHS = ("auto", "mlp", "conv")
DEVICES = ("auto", "cpu", "cuda", "mps")
# the mixture latent's kind: DeLiGAN's learned means and spreads, or fixed ones set far apart (static GM-GAN)
LATENT_MIXTURES = ("learned", "fixed")
PRECISIONS = ("fp32", "bf16")  # bf16: mixed precision (autocast) for the training steps
# 28: MNIST's own size, for the classic conv GAN / VAE and diffusion (7x7 -> 14 -> 28); the others grow from 4x4
IMAGE_SIZES = (8, 16, 28, 32)

LOSS_DESCRIPTIONS = {
    "ns": "non-saturating: G maximises log D(G(z)) (the usual choice)",
    "minimax": "the original saturating objective: G minimises log(1 - D(G(z)))",
    "lsgan": "least squares: D regresses real to 1 and fake to 0",
    "wgan-gp": "Wasserstein critic with a gradient penalty",
    "hinge": "hinge loss, as in SAGAN and BigGAN",
}


class ConfigError(ValueError):
    """A config a user asked for that cannot run; `field` names the offending option."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name
        self.message = message


# Allowed numeric ranges (inclusive). They are wide enough for any teaching run and narrow enough that
# a typo (an extra zero) cannot freeze a classroom server.
RANGES: dict[str, tuple[float, float]] = {
    "image_size": (8, 32),
    "latent_dim": (1, 256),
    "hidden": (8, 1024),
    "depth": (1, 6),
    "r1_gamma": (0.0, 1000.0),
    "gp_weight": (0.0, 1000.0),
    "pack": (1, 4),
    "n_critic": (1, 10),
    "label_smoothing": (0.0, 0.5),
    "beta": (0.0, 100.0),
    "lr_g": (1e-6, 1.0),
    "lr_d": (1e-6, 1.0),
    "beta1": (0.0, 0.999),
    "beta2": (0.0, 0.9999),
    "batch_size": (2, 4096),
    "steps": (1, 1_000_000),
    "seed": (0, 2**31 - 1),
    "sample_every": (1, 100_000),
    "metrics_every": (0, 100_000),
    "n_points": (64, 200_000),
    "diffusion_steps": (2, 1000),
    "sample_steps": (1, 1000),
    "stage_steps": (0, 100_000),
    "top_k": (0.05, 1.0),
    "top_k_gamma": (0.5, 1.0),
    "latent_components": (0, 256),
    "latent_sigma_reg": (0.0, 100.0),
    "latent_weight_lr": (0.0, 1.0),
}


def written(value: float) -> str:
    """A number as a person writes it in a sentence: 1,000,000 and 2,147,483,647 (not 1e+06 or 2.14748e+09),
    0.000001, 1,234.5 (to 12 significant figures, so 0.1 + 0.2 reads 0.3); exponents only beyond that (1e-09, 1e+20,
    nan)."""
    number = float(value)
    if number.is_integer() and abs(number) < 1e15:
        return f"{int(number):,}"
    if 1e-6 <= abs(number) < 1e15:
        return format(Decimal(f"{number:.12g}"), ",f")
    return f"{number:g}"


# datasets that live in the browser session only (drawn or CSV points, uploaded images), never loaded by name
IN_MEMORY_PREFIXES = ("points:", "upload:")


class DataError(ValueError):
    """A dataset that cannot be loaded; the message is one sentence a student can act on.

    Made with `DataError.of(key, **values)`, it also carries the sentence's key in gan_core.messages and its
    values, so the app can say it in the student's language; `key` is None for messages only the CLI can meet.
    """

    def __init__(self, message: str, key: str | None = None, values: dict | None = None):
        super().__init__(message)
        self.key = key
        self.values = dict(values or {})

    @classmethod
    def of(cls, key: str, **values) -> "DataError":
        message = DATA_MESSAGES[key].format(**values)
        if message.startswith("the "):  # "the upload was refused: ..." starts a sentence
            message = message[0].upper() + message[1:]
        return cls(message, key, values)

    def __reduce__(self):  # keep the key across a process boundary (a worker's error reaches the app)
        return type(self), (str(self), self.key, self.values)
