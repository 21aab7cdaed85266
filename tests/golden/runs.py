"""Short seeded runs of every model, and the samples they end with: the record that a restructuring changed no
training behaviour.

`python -m tests.golden.runs` (from the repository root) writes tests/golden/samples.npz from the code as it is; tests/test_golden.py
compares today's code with that file. Regenerate it only in a commit that changes training on purpose, and say
so in that commit's message.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

RECORD = Path(__file__).with_name("samples.npz")
STEPS = 6
SAMPLES = 8

_RING = dict(dataset="ring8", latent_dim=2, hidden=16, depth=2, batch_size=32, n_points=1000)
_DIGITS = dict(dataset="digits", image_size=8, latent_dim=4, hidden=8, batch_size=8)
_SHAPES = dict(dataset="shapes", image_size=8, latent_dim=4, hidden=8, batch_size=8)

# name -> TrainConfig keyword arguments; every model, and the classic GAN with each loss and with R1
RUNS: dict[str, dict] = {
    **{f"gan-{loss}": dict(_RING, model="gan", loss=loss) for loss in ("ns", "minimax", "lsgan", "wgan-gp", "hinge")},
    "gan-r1": dict(_RING, model="gan", loss="ns", r1_gamma=1.0),
    "gan-conv": dict(_DIGITS, model="gan"),
    "cgan": dict(_DIGITS, model="cgan"),
    "vae": dict(_DIGITS, model="vae"),
    "cvae": dict(_DIGITS, model="cvae"),
    "vae-points": dict(_RING, model="vae"),
    "ddpm-points": dict(_RING, model="ddpm", hidden=32, diffusion_steps=20, sample_steps=4),
    "ddpm": dict(_DIGITS, model="ddpm", diffusion_steps=20, sample_steps=4),
    "progan": dict(_DIGITS, model="progan", stage_steps=2),
    "progan-wgan-gp": dict(_DIGITS, model="progan", stage_steps=2, loss="wgan-gp"),
    "stylegan": dict(_DIGITS, model="stylegan", depth=1),
    "stackgan": dict(_SHAPES, model="stackgan", image_size=16),
    "stackgan-r1": dict(_SHAPES, model="stackgan", image_size=16, r1_gamma=1.0),
    "pix2pix": dict(_DIGITS, model="pix2pix", task="outline"),
    "pix2pix-wgan-gp": dict(_DIGITS, model="pix2pix", task="outline", loss="wgan-gp"),
    "cyclegan": dict(_DIGITS, model="cyclegan", task="outline"),
    "caption": dict(_SHAPES, model="caption"),
}


def run_samples(name: str, **changes) -> np.ndarray:
    """Train RUNS[name] (with `changes` to its settings) for STEPS steps on the CPU (seed 4) and return G's samples
    of fixed latents."""
    import torch

    from gan_core.config import TrainConfig
    from gan_core.latents import sample_latents
    from gan_core import training

    config = TrainConfig(**{**RUNS[name], **changes}, steps=STEPS, sample_every=1000, metrics_every=0, seed=4,
                         device="cpu")
    trainer = training.Trainer(config)
    for _ in range(STEPS):
        trainer.step()
    z = sample_latents(SAMPLES, trainer.latent_dim, seed=11)
    labels = torch.arange(SAMPLES) % trainer.dataset.n_classes if config.is_conditional else None
    torch.manual_seed(0)  # a sampler that draws from the global stream (none should) still replays
    return trainer.generate(z, labels).float().cpu().numpy()


def record() -> None:
    samples = {name: run_samples(name) for name in RUNS}
    np.savez_compressed(RECORD, **samples)
    print(f"wrote {RECORD} ({len(samples)} runs)")


if __name__ == "__main__":
    os.environ.setdefault("LATENT_LAB_THREADS", "1")
    record()
