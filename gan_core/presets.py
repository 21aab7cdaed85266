"""Teaching presets: each a config that shows one idea on a CPU within its time budget.

Budgets (2 CPU cores) and goals are recorded in docs/BENCHMARKS.md.
"""
from __future__ import annotations

from gan_core.config import Preset, TrainConfig

_TOY = dict(arch="mlp", latent_dim=2, hidden=128, depth=3, batch_size=256, sample_every=50, metrics_every=100)

PRESETS: dict[str, Preset] = {p.name: p for p in [
    Preset("ring8-vanilla", "Ring of 8 Gaussians, plain GAN (the unrolled-GAN paper's setting): it collapses onto one mode and hops.",
           dict(_TOY, dataset="ring8", loss="ns", latent_dim=64, depth=2, batch_size=512, lr_g=1e-4, lr_d=1e-4,
                steps=1500, seed=0)),
    Preset("ring8-fixed", "Ring of 8 Gaussians fixed: a 2-D latent cut into 256 separate islands whose weights G learns, a least-squares loss, deeper networks (G and D) and a learning rate annealed to zero: all 8 modes, evenly filled, sharp samples, none left between them.",
           dict(_TOY, dataset="ring8", loss="lsgan", hidden=96, depth=4, batch_size=512, lr_g=1e-3, lr_d=1.5e-3, lr_decay=True,
                latent_components=256, latent_mixture="fixed", latent_weight_lr=0.05, steps=2500, seed=0)),
    Preset("grid25-vanilla", "Grid of 25 Gaussians, plain GAN (same setting as ring8-vanilla): most modes are missed.",
           dict(_TOY, dataset="grid25", loss="ns", latent_dim=64, depth=2, batch_size=512, lr_g=1e-4, lr_d=1e-4,
                steps=2000, seed=0)),
    Preset("grid25-fixed", "Grid of 25 Gaussians fixed: a 2-D latent cut into 100 separate islands, deeper networks (G and D) and a learning rate annealed to zero: all 25 modes, sharp samples.",
           dict(_TOY, dataset="grid25", loss="ns", depth=4, batch_size=512, lr_g=1e-3, lr_d=1e-3, lr_decay=True,
                latent_components=100, latent_mixture="fixed", steps=6000, seed=0)),
    Preset("digits-gan", "DCGAN on 16x16 handwritten digits: all ten digits appear within a minute.",
           dict(dataset="digits", model="gan", image_size=16, latent_dim=32, hidden=32, batch_size=64,
                lr_g=2e-4, lr_d=2e-4, steps=1500, sample_every=25, metrics_every=250)),
    Preset("digits-gan-collapse", "The same DCGAN with a generator learning rate ten times too high: it collapses onto a few digits.",
           dict(dataset="digits", model="gan", image_size=16, latent_dim=32, hidden=32, batch_size=64,
                lr_g=3e-3, lr_d=2e-4, steps=1500, sample_every=25, metrics_every=250, seed=0)),
    Preset("digits-vae", "Convolutional VAE on 16x16 digits with a 2-D latent space you can map.",
           dict(dataset="digits", model="vae", image_size=16, latent_dim=2, hidden=32, batch_size=64,
                lr_g=2e-3, lr_d=2e-3, beta1=0.9, steps=700, sample_every=25, metrics_every=100)),
    Preset("digits-cgan", "Class-conditional DCGAN on digits: ask for a 7 and get a 7.",
           dict(dataset="digits", model="cgan", image_size=16, latent_dim=32, hidden=32, batch_size=64,
                lr_g=2e-4, lr_d=2e-4, steps=1500, sample_every=25, metrics_every=250)),
    Preset("mnist-vae", "Convolutional VAE on 5,000 real 28x28 MNIST digits: all ten digits, recognisable in well under a minute.",
           dict(dataset="mnist5k", model="vae", image_size=28, latent_dim=8, hidden=16, batch_size=64,
                lr_g=2e-3, lr_d=2e-3, beta1=0.9, steps=600, sample_every=25, metrics_every=100, seed=0)),
    Preset("mnist-vae-2d", "The same MNIST VAE with a 2-D latent space: map it and watch the ten digits find their places.",
           dict(dataset="mnist5k", model="vae", image_size=28, latent_dim=2, hidden=16, batch_size=64,
                lr_g=2e-3, lr_d=2e-3, beta1=0.9, steps=600, sample_every=25, metrics_every=100, seed=0)),
    Preset("mnist-gan", "DCGAN on real 28x28 MNIST digits: strokes come fast, but the ten digits come unevenly (more 3s and 5s) for a long while; compare with mnist-cgan.",
           dict(dataset="mnist5k", model="gan", image_size=28, latent_dim=32, hidden=32, batch_size=64,
                lr_g=2e-4, lr_d=2e-4, precision="bf16", steps=1500, sample_every=25, metrics_every=250, seed=0)),
    Preset("mnist-cgan", "Class-conditional DCGAN on real 28x28 MNIST digits: ask for a 7 and get a 7.",
           dict(dataset="mnist5k", model="cgan", image_size=28, latent_dim=32, hidden=32, batch_size=64,
                lr_g=2e-4, lr_d=2e-4, precision="bf16", steps=1000, sample_every=25, metrics_every=250, seed=0)),
    Preset("shapes-gan", "Least-squares GAN on 36 drawn shapes (shape x colour x position): count the modes it finds.",
           dict(dataset="shapes", model="gan", loss="lsgan", image_size=16, latent_dim=32, hidden=32, batch_size=64,
                lr_g=2e-4, lr_d=2e-4, steps=2000, sample_every=25, metrics_every=250)),
    Preset("stacked-digits-gan", "Three digits stacked as colour channels: 1,000 modes; how many does a small GAN find?",
           dict(dataset="stacked-digits", model="gan", image_size=16, latent_dim=64, hidden=32, batch_size=64,
                lr_g=2e-4, lr_d=2e-4, steps=3000, sample_every=50, metrics_every=500, n_points=25_000)),
    Preset("stacked-mnist-gan", "Three real 28x28 MNIST digits stacked as colour channels (Stacked-MNIST): 1,000 modes; how many does a small DCGAN find?",
           dict(dataset="stacked-mnist", model="gan", image_size=28, latent_dim=64, hidden=32, batch_size=64,
                lr_g=2e-4, lr_d=2e-4, precision="bf16", steps=3000, sample_every=50, metrics_every=500,
                n_points=10_000, seed=0)),  # 10,000 stacks (about 10 per mode): 94 MB as float32, inside the budget
    # The family presets' stories give no seconds, pix2pix's apart (measured on the Train page too): their times came
    # from the command line on 2 cores, and a run started on the Train page, on one core, took up to twice as long
    # (digits-ddpm "about 60 s" took 2-2.5 minutes there). The page's status line gives a run's own estimate.
    Preset("digits-pix2pix", "pix2pix on 16x16 digits: fill in a digit from its outline (paired training, U-Net + patch D + L1); recognisable in about 15 s, done in about 40 s.",
           dict(dataset="digits", model="pix2pix", task="outline", image_size=16, hidden=16, batch_size=32,
                lr_g=2e-4, lr_d=2e-4, steps=800, sample_every=25, metrics_every=200)),
    Preset("digits-cyclegan", "CycleGAN on 16x16 digits: undo inverted colours from UNPAIRED batches, with a cycle back.",
           dict(dataset="digits", model="cyclegan", task="invert", image_size=16, hidden=16, batch_size=32,
                lr_g=5e-4, lr_d=5e-4, steps=400, sample_every=20, metrics_every=100)),
    Preset("ring8-ddpm", "Ring of 8 Gaussians, diffusion (DDPM): no discriminator, nothing to collapse: all 8 modes and sharp samples; each sample costs 30 denoising steps instead of one forward pass.",
           dict(dataset="ring8", model="ddpm", arch="mlp", hidden=128, depth=3, batch_size=512, lr_g=2e-3, beta1=0.9,
                lr_decay=True, steps=5000, diffusion_steps=100, sample_steps=30, sample_every=100, metrics_every=500,
                seed=0)),
    Preset("digits-ddpm", "Diffusion (DDPM) on 16x16 digits with a mini U-Net: all ten digits, recognisable by the end of its 1,200 steps; watch the denoising chain turn noise into a digit.",
           dict(dataset="digits", model="ddpm", image_size=16, hidden=16, batch_size=64, lr_g=2e-3, beta1=0.9,
                lr_decay=True, steps=1200, diffusion_steps=100, sample_steps=20, sample_every=100, metrics_every=400,
                seed=0)),
    Preset("digits-progan", "Progressive GAN on digits: 4x4, then 8x8, then 16x16, each new layer faded in; all ten digits by the end.",
           dict(dataset="digits", model="progan", image_size=16, latent_dim=32, hidden=24, batch_size=64,
                minibatch_std=True, lr_g=1e-3, lr_d=1e-3, beta1=0.0, beta2=0.99, steps=1200, stage_steps=400,
                sample_every=25, metrics_every=200, seed=0)),
    Preset("digits-stylegan", "Style-based GAN on 16x16 digits: all ten digits by the end; mix styles to keep a digit's identity (coarse layers) and change its stroke (fine layers).",
           dict(dataset="digits", model="stylegan", image_size=16, latent_dim=32, hidden=16, depth=3, batch_size=64,
                lr_g=1e-3, lr_d=1e-3, beta1=0.0, beta2=0.99, steps=1200, sample_every=25, metrics_every=200, seed=0)),
    Preset("shapes-stackgan", "StackGAN on 16x16 shapes: stage I draws blocky 8x8 blobs, stage II rounds them into shapes; like shapes-gan it settles on one colour. Its first few hundred steps draw mostly black, blotchy pictures: the shapes lie on a black background, which G learns first; shapes appear by about step 400.",
           dict(dataset="shapes", model="stackgan", loss="lsgan", r1_gamma=1.0, minibatch_std=True, lr_decay=True,
                image_size=16, latent_dim=32, hidden=32, batch_size=64, lr_g=2e-4, lr_d=2e-4, steps=1000,
                sample_every=25, metrics_every=250, seed=0)),
    Preset("shapes-caption", "Caption to image on shapes: type \"a blue square in the top left\"; about 96% of the 36 captions come out right.",
           dict(dataset="shapes", model="caption", image_size=16, latent_dim=8, hidden=32, batch_size=64,
                lr_g=3e-3, lr_d=3e-3, beta1=0.9, beta=0.5, lr_decay=True, steps=2500, sample_every=25,
                metrics_every=250, seed=0)),
]}


def preset_config(name: str, **overrides) -> TrainConfig:
    """The config of preset `name` with `overrides` on top; KeyError with the valid names if unknown."""
    if name not in PRESETS:
        raise KeyError(f"Unknown preset {name!r}; choose one of: {', '.join(PRESETS)}.")
    return PRESETS[name].config(**overrides)
