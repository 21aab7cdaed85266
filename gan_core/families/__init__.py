"""Model families beyond the classic GAN and VAE, behind one small interface.

A family is a config value (`TrainConfig.model`), not a new page: it says how to build its networks and how
to take one training step, and the Trainer, checkpoints, pages and metrics do the rest. Each family lives in
its own module (diffusion.py, progressive.py, ...), which lists what it defines in `FAMILIES`; this
registry imports those modules the first time a family is asked for.

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
- optional `slower_ahead(step, config)` and `coarse(trainer)`: the steps to come cost more than this one (the time
  left is then a lower bound), and G draws coarser pictures than the data's now (the class metrics wait). The other
  optional fields (what the pages offer, which curves to plot) are described in base.py.
"""
from __future__ import annotations

import importlib

from gan_core.families.base import CLASSIC_MODELS, Family

# modules that define families, each listing them in FAMILIES
FAMILY_MODULES = ("diffusion", "progressive", "stylegan", "stackgan", "translation", "captions")

_REGISTRY: dict[str, Family] = {}


def _load_all() -> None:
    """Import the family modules once. They load on first use, not with the config, because they bring torch
    and the config is read before anything else (the app's first page, the CLI's --help)."""
    if _REGISTRY:
        return
    found = {}
    for module in FAMILY_MODULES:
        for family in importlib.import_module(f"gan_core.families.{module}").FAMILIES:
            found[family.name] = family
    _REGISTRY.update(found)


def get(name: str) -> Family | None:
    """The family registered under `name`, or None (also None for the classic gan/cgan/vae/cvae)."""
    if name in CLASSIC_MODELS:
        return None
    _load_all()
    return _REGISTRY.get(name)


def names() -> tuple[str, ...]:
    _load_all()
    return tuple(_REGISTRY)


__all__ = ["CLASSIC_MODELS", "Family", "get", "names"]
