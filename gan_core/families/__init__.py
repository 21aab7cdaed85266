"""Model families beyond the classic GAN and VAE, behind one small interface.

A family is a config value (`TrainConfig.model`), not a new page: it says how to build its networks and how
to take one training step, and the Trainer, checkpoints, pages and metrics do the rest. Each family lives in
its own module (diffusion.py, progressive.py, ...) and registers itself here with `register()`.

The contract, kept deliberately small:

- `build(config, sample_shape, n_classes) -> nn.ModuleDict` with a "generator" entry. The generator is
  callable as `generator(z, labels)` and returns samples shaped like the data, in the data's range ([-1, 1]
  for images). It carries `latent_dim` (how long z is; a diffusion sampler's z is its starting noise, so it
  may differ from `config.latent_dim`). Every other entry ("discriminator", "encoder", ...) is trained by the
  second optimiser (`trainer.opt_d`, None when there are no other entries).
- `step(trainer) -> dict[str, Tensor]`: one training iteration using `trainer.dataset.sample_batch(n,
  trainer.rng)`, `trainer.noise(n)`, `trainer.opt_g` / `trainer.opt_d`; it returns 0-d detached tensors
  (the trainer reads them all with one host sync). Use the same randomness stream (`trainer.rng`) so a seed
  replays exactly.
- optional `snapshot(trainer, snapshot)`: add plain data (numbers, lists, numpy arrays) to each snapshot,
  e.g. the current resolution of a progressive GAN or a diffusion chain.
- optional `validate(config) -> {field: message}` for combinations the family cannot run.
- optional `fixed_batch(trainer) -> (z, labels)`: the latents every snapshot shows (defaults to 64 seeded
  normal latents of the generator's latent_dim, or one row per class for a conditional family).
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

CLASSIC_MODELS = ("gan", "cgan", "vae", "cvae")


@dataclass
class Family:
    name: str
    description: str  # one line a student understands
    build: Callable[..., "torch.nn.ModuleDict"]  # noqa: F821 (torch is not imported here: config stays light)
    step: Callable[..., dict]
    images_only: bool = False  # True when the family cannot learn 2-D points
    points_only: bool = False
    needs_labels: bool = False  # uses class labels (conditional)
    adversarial: bool = True  # has a discriminator (curves show D(x) / D(G(z)))
    snapshot: Callable | None = None
    validate: Callable | None = None
    fixed_batch: Callable | None = None
    loss_keys: tuple = field(default_factory=tuple)  # history keys worth plotting, in order
    description_zh: str = ""


_REGISTRY: dict[str, Family] = {}
_LOADED = False


def register(family: Family) -> Family:
    _REGISTRY[family.name] = family
    return family


def _load_all() -> None:
    """Import the family modules once; each registers itself. They load on first use, not with the config,
    because they bring torch and the config is read before anything else."""
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    for module in FAMILY_MODULES:
        importlib.import_module(f"gan_core.families.{module}")


# modules that define families; each calls register() at import time
FAMILY_MODULES = ("diffusion", "progressive", "stylegan", "stackgan", "translation", "captions")


def get(name: str) -> Family | None:
    """The family registered under `name`, or None (also None for the classic gan/cgan/vae/cvae)."""
    if name in CLASSIC_MODELS:
        return None
    _load_all()
    return _REGISTRY.get(name)


def names() -> tuple[str, ...]:
    _load_all()
    return tuple(_REGISTRY)


def all_families() -> dict[str, Family]:
    _load_all()
    return dict(_REGISTRY)
