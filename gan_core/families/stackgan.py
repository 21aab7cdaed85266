"""StackGAN, small: a coarse image first, then a second network that refines it (Zhang et al. 2017, the idea).

Stage I draws a half-size image (8x8 for 16x16 data) from z: the rough layout and colours. Stage II takes
that image, upsampled to full size, together with the same z, and repaints it at full resolution: edges and
detail. Each stage has its own discriminator: D1 compares stage-I images with real images shrunk to half
size, D2 compares the final images with the real ones.

Training is *joint* (as in StackGAN++), not in sequence as in the first paper: every step updates both
discriminators, then the whole generator on the sum of both stages' generator losses, so stage II's loss also
shapes stage I. One optimiser pair, no stage schedule, and the run can stop at any step.

Two things keep the stages honest with each other. Stage II starts as the identity: its output is
tanh(atanh(upsampled stage I) + correction) with the correction's last layer initialised to zero, so at the
first step the final image *is* the blocky stage-I picture and stage II only learns what to change. And a
consistency term (StackGAN++'s colour-consistency idea, here on pixels) asks the final image, shrunk back to
half size, to match stage I; without it stage II soon ignores its input and draws from z alone, while stage I
turns into a code that only stage II can read.

Unconditional: labels are accepted (the generator(z, labels) contract) and ignored.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from gan_core import losses
from gan_core.families.base import Family
from gan_core.images import make_grid
from gan_core.models import ConvDiscriminator, ConvGenerator, init_weights

STAGE_SIZES = (16, 32)  # final sizes; stage I works at half of it (8 or 16 pixels, what ConvGenerator can draw)
# mean |shrunk final - stage I| per pixel. At 10 stage II learned to repaint what stage I drew (and stage I drifted
# into a code only stage II could read); at 50 stage II hardly dared to sharpen anything
CONSISTENCY_WEIGHT = 25.0
_ATANH_LIMIT = 1 - 1e-3  # keeps atanh finite where stage I saturates at exactly +-1


def upsample(low: torch.Tensor) -> torch.Tensor:
    """(B, C, s, s) -> (B, C, 2s, 2s) by nearest neighbour: each stage-I pixel becomes a 2x2 block.

    Nearest rather than bilinear, so what the pages show as "stage I" is exactly what stage II receives.
    """
    return F.interpolate(low, scale_factor=2, mode="nearest")


def downsample(images: torch.Tensor) -> torch.Tensor:
    """(B, C, S, S) -> (B, C, S/2, S/2) by averaging 2x2 blocks: what D1 sees of a real image."""
    return F.avg_pool2d(images, 2)


class ResidualBlock(nn.Module):
    """x + conv(relu(bn(conv(x)))): the refining blocks of StackGAN's stage II, shape unchanged."""

    def __init__(self, width: int):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(width, width, 3, 1, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU(),
            nn.Conv2d(width, width, 3, 1, 1, bias=False), nn.BatchNorm2d(width),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.relu(x + self.body(x))


class LowResDiscriminator(nn.Module):
    """D1: (B, C, s, s) stage-I sized images -> (B // pack,) logits.

    A DCGAN critic at half size has a single strided conv before its head, too shallow to tell a blob in the
    right quadrant from a smear; one extra 3x3 conv at full stage-I resolution gives it the depth it needs.
    """

    def __init__(self, sample_shape: tuple, hidden: int, pack: int = 1, spectral_norm: bool = False,
                 minibatch_std: bool = False):
        super().__init__()
        channels, size = sample_shape[0], sample_shape[1]
        stem = nn.Conv2d(channels, hidden, 3, 1, 1)
        if spectral_norm:
            stem = nn.utils.parametrizations.spectral_norm(stem)
        self.stem = nn.Sequential(stem, nn.LeakyReLU(0.2))  # (hidden) x s x s
        self.critic = ConvDiscriminator((hidden, size, size), hidden, pack=pack, spectral_norm=spectral_norm,
                                        minibatch_std=minibatch_std)

    def forward(self, x: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        return self.critic(self.stem(x))


class StageTwo(nn.Module):
    """(upsampled stage-I image (B, C, S, S), z (B, latent)) -> refined image (B, C, S, S) in [-1, 1]."""

    def __init__(self, latent_dim: int, channels: int, hidden: int):
        super().__init__()
        wide = hidden * 2
        self.encode = nn.Sequential(
            nn.Conv2d(channels, hidden, 3, 1, 1), nn.ReLU(),  # (hidden) x S x S
            nn.Conv2d(hidden, wide, 4, 2, 1, bias=False), nn.BatchNorm2d(wide), nn.ReLU(),  # (2 hidden) x S/2 x S/2
        )
        # z joins the image features at half resolution, copied to every position (StackGAN does the same with
        # its text code): the noise can still change details that stage I fixed only coarsely
        self.joint = nn.Sequential(nn.Conv2d(wide + latent_dim, wide, 3, 1, 1, bias=False), nn.BatchNorm2d(wide),
                                   nn.ReLU())
        self.residual = ResidualBlock(wide)
        self.decode = nn.Sequential(
            nn.ConvTranspose2d(wide, hidden, 4, 2, 1, bias=False), nn.BatchNorm2d(hidden), nn.ReLU(),  # hidden x S x S
            nn.Conv2d(hidden, channels, 3, 1, 1),  # (C) x S x S: the correction, before tanh
        )

    def forward(self, upsampled: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        h = self.encode(upsampled)  # (B, 2 hidden, S/2, S/2)
        z_map = z[:, :, None, None].expand(-1, -1, h.shape[2], h.shape[3])  # (B, latent, S/2, S/2)
        h = self.residual(self.joint(torch.cat([h, z_map], dim=1)))
        correction = self.decode(h)  # (B, C, S, S)
        base = torch.atanh(upsampled.clamp(-_ATANH_LIMIT, _ATANH_LIMIT))
        return torch.tanh(base + correction)


class StackGenerator(nn.Module):
    """z (B, latent) -> final image (B, C, S, S); `stage1(z)` gives the (B, C, S/2, S/2) stage-I image."""

    def __init__(self, latent_dim: int, sample_shape: tuple, hidden: int):
        super().__init__()
        channels, size = sample_shape[0], sample_shape[1]
        self.latent_dim, self.sample_shape = latent_dim, tuple(sample_shape)
        self.low_shape = (channels, size // 2, size // 2)
        self.stage_one = ConvGenerator(latent_dim, self.low_shape, hidden)
        self.stage_two = StageTwo(latent_dim, channels, hidden)

    def stage1(self, z: torch.Tensor) -> torch.Tensor:
        """The coarse stage-I image: (B, latent) -> (B, C, S/2, S/2) in [-1, 1]."""
        return self.stage_one(z)

    def stages(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Both stages in one pass: (stage-I image (B, C, S/2, S/2), final image (B, C, S, S))."""
        low = self.stage_one(z)
        return low, self.stage_two(upsample(low), z)

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """(B, latent) -> (B, C, S, S); labels are ignored (StackGAN here is unconditional)."""
        return self.stages(z)[1]


def two_stage(generator: StackGenerator, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Both stages for side-by-side display: (stage I upsampled to (B, C, S, S), final (B, C, S, S)), on the CPU.

    Runs in eval mode without gradients on the generator's own device; z (B, latent) may live anywhere.
    """
    device = next(generator.parameters()).device
    was_training = generator.training
    generator.eval()
    try:
        with torch.inference_mode():
            low, final = generator.stages(z.to(device).float())
    finally:
        generator.train(was_training)
    return upsample(low).float().cpu(), final.float().cpu()


# -- the family ------------------------------------------------------------------------------------------

def build(config, sample_shape: tuple, n_classes: int = 0) -> nn.ModuleDict:
    """{"generator": StackGenerator, "discriminator": D2 at full size, "discriminator_low": D1 at half size}."""
    channels, size = sample_shape[0], sample_shape[1]
    critic = dict(hidden=config.hidden, pack=config.pack, spectral_norm=config.spectral_norm,
                  minibatch_std=config.minibatch_std)
    models = nn.ModuleDict({
        "generator": StackGenerator(config.latent_dim, sample_shape, config.hidden),
        "discriminator": ConvDiscriminator(sample_shape, **critic),
        "discriminator_low": LowResDiscriminator((channels, size // 2, size // 2), **critic),
    })
    models.apply(init_weights)  # DCGAN's N(0, 0.02)
    # stage II's last conv starts at zero, so its first output is exactly the upsampled stage-I image and
    # training only has to learn what to change (the zero-initialised residual branch of ReZero / ControlNet)
    last = models["generator"].stage_two.decode[-1]
    nn.init.zeros_(last.weight)
    nn.init.zeros_(last.bias)
    return models


def step(trainer) -> dict:
    """n_critic updates of both discriminators, then one generator update on both stages' losses."""

    cfg, models = trainer.config, trainer.models
    generator, d_high, d_low = models["generator"], models["discriminator"], models["discriminator_low"]
    n = cfg.batch_size
    stats: dict = {}
    for _ in range(cfg.n_critic):
        real, _ = trainer.dataset.sample_batch(n, trainer.rng)  # (B, C, S, S)
        with torch.no_grad():
            fake_low, fake = generator.stages(trainer.noise(n))
        # update D1 and D2: each maximises log D(x) + log(1 - D(G(z))) (or the chosen loss's equivalent) at its
        # own resolution; D1's real images are the real batch shrunk to half size
        loss_d1, stats_low = losses.critic_loss(cfg, d_low, downsample(real), fake_low, generator=trainer.rng)
        loss_d2, stats = losses.critic_loss(cfg, d_high, real, fake, generator=trainer.rng)
        if "penalty" in stats_low:
            stats["penalty"] = stats["penalty"] + stats_low["penalty"]
        stats["grad_norm_d"] = trainer.update_critic(loss_d1 + loss_d2)
        stats["loss_d1"] = stats_low["loss_d"]
    # update G: stage I wants D1 to call its small images real, the final image wants the same from D2;
    # the sum trains both stages at once (stage II's gradient also reaches stage I through the upsampling)
    fake_low, fake = generator.stages(trainer.noise(n))
    loss_g1, stats_g1 = losses.generator_loss(cfg.loss, d_low(fake_low))
    loss_g2, stats_g2 = losses.generator_loss(cfg.loss, d_high(fake))
    # stage II may add detail, but shrunk back to half size it must still be the stage-I picture (StackGAN++'s
    # colour-consistency idea); without this, stage II is free to ignore its input and draw from z alone
    consistency = (downsample(fake) - fake_low).abs().mean()
    stats["grad_norm_g"] = trainer.update_generator(loss_g1 + loss_g2 + CONSISTENCY_WEIGHT * consistency)
    return {**stats, "loss_g": stats_g2["loss_g"], "loss_g1": stats_g1["loss_g"], "consistency": consistency.detach()}


def snapshot(trainer, snap: dict) -> None:
    """Add "stage1_grid": the fixed batch's stage-I images (upsampled to full size), laid out like "grid"."""
    low, _ = two_stage(trainer.generator, trainer.fixed_noise)
    snap["stage1_grid"] = make_grid(low, nrow=8)


def validate(config) -> dict[str, str]:
    problems = {}
    if config.image_size not in STAGE_SIZES:
        problems["image_size"] = ("StackGAN refines a half-size first image, so it needs 16 or 32 pixel images "
                                  f"(at {config.image_size} pixels stage I would be too small to draw anything).")
    if config.arch == "mlp":
        problems["arch"] = "StackGAN is built from conv nets; set the architecture to auto or conv."
    return problems


FAMILY = Family(
    name="stackgan",
    description="StackGAN: stage I draws a half-size image, stage II refines it to full size; one D per size.",
    description_zh="StackGAN：第一阶段画出半尺寸图像，第二阶段把它细化到全尺寸；每个尺寸各有一个判别器。",
    build=build,
    step=step,
    images_only=True,
    snapshot=snapshot,
    validate=validate,
    loss_keys=("loss_d", "loss_g", "loss_d1", "loss_g1", "consistency"),
)

FAMILIES = (FAMILY,)
