"""Progressive GAN (Karras et al. 2018), small: grow both networks from 4x4 to full size while training.

The run is split into stages, one per resolution (4x4, 8x8, 16x16, up to `config.image_size`). A new stage adds
a block to the generator (upsample, then a 3x3 conv) and its mirror to the discriminator (a strided conv that
halves the resolution; one conv per block rather than the paper's two keeps a 16x16 run within a CPU minute).
During the first half of a stage the new block is *faded in*: its output is blended with the upsampled output of
the previous resolution, with a weight `alpha` growing from 0 to 1, so the freshly initialised layers never
shock the networks that were already trained. Real images are shown to D at the current resolution (average
pooled, and blended the same way during a fade), so both players always play at the same resolution.

The generator always returns images at `config.image_size` (the current resolution, enlarged by nearest
neighbour), so a checkpoint saved at any moment samples like any other model; it keeps its stage and alpha as
buffers, so they live in the state dict and a resumed run continues exactly.

The other ProGAN tricks used here: pixelwise feature normalisation in G (instead of batch norm), an equalised
learning rate (weights drawn from N(0, 1) and scaled by He's constant at run time, so Adam moves every layer at
the same relative speed), and, when `config.minibatch_std` is on, the minibatch standard deviation in D.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from gan_core.families.base import Family
from gan_core.models import minibatch_stddev

MAX_CHANNELS = 256  # width cap at the coarsest resolution: keeps a 32x32 run CPU-sized


# -- the stage schedule: a pure function of the step, so a seed replays exactly ----------------------------
def n_stages(image_size: int) -> int:
    """Resolution stages from 4x4 up to image_size: 8 -> 2 (4, 8), 16 -> 3, 32 -> 4."""
    if image_size not in (8, 16, 32):
        raise ValueError(f"progan grows to 8, 16 or 32 pixels, not {image_size}.")
    return int(math.log2(image_size)) - 1


def steps_per_stage(config) -> int:
    """`config.stage_steps`, or (when 0) the run's steps split evenly across the stages (at least 1)."""
    if config.stage_steps > 0:
        return int(config.stage_steps)
    return max(1, int(config.steps) // n_stages(config.image_size))


def schedule(step: int, config) -> tuple[int, float]:
    """(stage, alpha) for the 0-based training step `step`.

    stage 0 is 4x4, stage k is 4 * 2**k pixels. Each stage after the first spends its first half fading in:
    alpha = t / (half a stage) for t steps into the stage, then 1. Steps beyond the schedule stay at the last
    stage with alpha 1 (a resumed run that trains longer simply keeps refining the full resolution).
    """
    per_stage = steps_per_stage(config)
    last = n_stages(config.image_size) - 1
    stage = min(step // per_stage, last)
    into_stage = step - stage * per_stage
    fade = per_stage // 2
    if stage == 0 or fade == 0 or into_stage >= fade:
        return stage, 1.0
    return stage, into_stage / fade


def resolution_of(stage: int) -> int:
    return 4 * 2 ** stage


# -- layers ------------------------------------------------------------------------------------------------
class PixelNorm(nn.Module):
    """Normalise each pixel's feature vector to unit average square (ProGAN's replacement for batch norm).

    (B, C, H, W) or (B, C) -> same shape. It stops G's signal magnitudes from escalating in the GAN game.
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.rsqrt(x.pow(2).mean(dim=1, keepdim=True) + 1e-8)


class EqualizedConv2d(nn.Module):
    """Conv2d whose weights are stored as N(0, 1) and scaled by sqrt(2 / fan_in) at run time (equalised lr)."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, stride: int = 1,
                 gain: float = math.sqrt(2)):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_channels, in_channels, kernel_size, kernel_size))
        self.bias = nn.Parameter(torch.zeros(out_channels))
        self.scale = gain / math.sqrt(in_channels * kernel_size * kernel_size)
        self.stride = stride
        self.padding = (kernel_size - 1) // 2 if stride == 1 else (kernel_size - stride) // 2  # keeps r -> r / stride

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.conv2d(x, self.weight * self.scale, self.bias, stride=self.stride, padding=self.padding)


class EqualizedLinear(nn.Module):
    """Linear layer with the same equalised-learning-rate scaling as EqualizedConv2d."""

    def __init__(self, in_features: int, out_features: int, gain: float = math.sqrt(2)):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_features, in_features))
        self.bias = nn.Parameter(torch.zeros(out_features))
        self.scale = gain / math.sqrt(in_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.linear(x, self.weight * self.scale, self.bias)


def channel_widths(hidden: int, stages: int) -> list[int]:
    """Channels at each stage, coarse to fine: `hidden` at full size, doubling per halving, capped."""
    return [min(hidden * 2 ** (stages - 1 - k), MAX_CHANNELS) for k in range(stages)]


def _act() -> nn.Module:
    return nn.LeakyReLU(0.2)


def downsample_to(images: torch.Tensor, size: int) -> torch.Tensor:
    """Average-pool (B, C, H, W) down to (B, C, size, size); unchanged when already that size."""
    factor = images.shape[-1] // size
    return images if factor == 1 else F.avg_pool2d(images, factor)


def fade_real(images: torch.Tensor, stage: int, alpha: float) -> torch.Tensor:
    """Real images as D sees them at (stage, alpha): (B, C, S, S) -> (B, C, r, r), r = resolution_of(stage).

    During a fade the sharp r x r images are blended with their blocky version (r/2 pixels, enlarged), the
    same mix the generator outputs at that moment; otherwise D could tell real from fake by sharpness alone.
    """
    size = resolution_of(stage)
    sharp = downsample_to(images, size)  # (B, C, r, r)
    if stage == 0 or alpha >= 1.0:
        return sharp
    blocky = F.interpolate(F.avg_pool2d(sharp, 2), scale_factor=2, mode="nearest")  # (B, C, r, r)
    return torch.lerp(blocky, sharp, alpha)


# -- networks --------------------------------------------------------------------------------------------
class _Progress(nn.Module):
    """Holds the current stage and fade weight as buffers (saved in the state dict, moved with .to())."""

    def __init__(self):
        super().__init__()
        self.register_buffer("stage", torch.zeros((), dtype=torch.long))
        self.register_buffer("alpha", torch.ones(()))

    def set_progress(self, stage: int, alpha: float) -> None:
        if not 0 <= stage < self.n_stages:
            raise ValueError(f"stage must be between 0 and {self.n_stages - 1}, got {stage}.")
        self.stage.fill_(int(stage))
        self.alpha.fill_(float(alpha))

    @property
    def current_stage(self) -> int:
        return int(self.stage)

    @property
    def resolution(self) -> int:
        return resolution_of(self.current_stage)


class ProgressiveGenerator(_Progress):
    """z (B, latent_dim) -> images (B, C, S, S) in [-1, 1], drawn at the current stage's resolution.

    Each stage's block doubles the resolution; `to_rgb[k]` turns stage k's features into colours. While a stage
    fades in, the output is lerp(upsampled previous-stage image, new image, alpha).
    """

    def __init__(self, latent_dim: int, sample_shape: tuple, hidden: int = 32):
        super().__init__()
        channels, size = sample_shape[0], sample_shape[-1]
        self.latent_dim, self.sample_shape, self.image_size = latent_dim, tuple(sample_shape), size
        self.n_stages = n_stages(size)
        widths = channel_widths(hidden, self.n_stages)
        self.base_width = widths[0]
        self.normalise = PixelNorm()
        # z -> (widths[0]) x 4 x 4; the linear layer acts as ProGAN's 4x4 "transposed conv" on a 1x1 input
        self.project = EqualizedLinear(latent_dim, widths[0] * 16, gain=math.sqrt(2) / 4)
        self.first = nn.Sequential(_act(), PixelNorm(), EqualizedConv2d(widths[0], widths[0], 3), _act(), PixelNorm())
        blocks = []
        for k in range(1, self.n_stages):  # (widths[k-1]) x r/2 x r/2 -> (widths[k]) x r x r
            blocks.append(nn.Sequential(nn.Upsample(scale_factor=2, mode="nearest"),
                                        EqualizedConv2d(widths[k - 1], widths[k], 3), _act(), PixelNorm()))
        self.blocks = nn.ModuleList(blocks)
        self.to_rgb = nn.ModuleList(EqualizedConv2d(w, channels, 1, gain=1.0) for w in widths)

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """z (B, latent_dim) -> (B, C, S, S); labels are ignored (the model is unconditional)."""
        stage = self.current_stage
        h = self.project(self.normalise(z)).view(z.shape[0], self.base_width, 4, 4)  # (w0) x 4 x 4
        h = self.first(h)
        previous = h
        for block in self.blocks[:stage]:
            previous, h = h, block(h)  # doubles the resolution
        rgb = self.to_rgb[stage](h)  # (B, C, r, r)
        if stage > 0 and float(self.alpha) < 1.0:
            old = F.interpolate(self.to_rgb[stage - 1](previous), scale_factor=2, mode="nearest")
            rgb = torch.lerp(old, rgb, self.alpha)
        image = torch.tanh(rgb)
        if image.shape[-1] != self.image_size:  # enlarge to full size: every stage samples like the final model
            image = F.interpolate(image, size=(self.image_size, self.image_size), mode="nearest")
        return image  # (B, C, S, S)


class ProgressiveDiscriminator(_Progress):
    """Images (B, C, H, W) -> (B // pack,) logits, judged at the current stage's resolution.

    Inputs larger than the current resolution are average-pooled down first, so D accepts the generator's
    full-size output directly. During a fade the new block's features are blended with the old path's
    (input pooled by 2, then the previous stage's `from_rgb`).
    """

    def __init__(self, sample_shape: tuple, hidden: int = 32, pack: int = 1, minibatch_std: bool = False,
                 spectral_norm: bool = False):
        super().__init__()
        channels, size = sample_shape[0], sample_shape[-1]
        self.n_stages = n_stages(size)
        self.pack, self.minibatch_std = pack, minibatch_std
        widths = channel_widths(hidden, self.n_stages)

        def sn(layer: nn.Module) -> nn.Module:
            return nn.utils.parametrizations.spectral_norm(layer) if spectral_norm else layer

        # PacGAN: `pack` images side by side in the channel axis, so from_rgb sees pack * C channels
        self.from_rgb = nn.ModuleList(nn.Sequential(sn(EqualizedConv2d(channels * pack, w, 1)), _act()) for w in widths)
        blocks = [nn.Identity()]  # stage 0 has no block: from_rgb feeds the 4x4 head directly
        for k in range(1, self.n_stages):  # (widths[k]) x r x r -> (widths[k-1]) x r/2 x r/2
            blocks.append(nn.Sequential(sn(EqualizedConv2d(widths[k], widths[k - 1], 4, stride=2)), _act()))
        self.blocks = nn.ModuleList(blocks)
        extra = int(minibatch_std)
        self.head = nn.Sequential(sn(EqualizedConv2d(widths[0] + extra, widths[0], 3)), _act(), nn.Flatten(),
                                  sn(EqualizedLinear(widths[0] * 16, widths[0])), _act(),
                                  sn(EqualizedLinear(widths[0], 1, gain=1.0)))

    def forward(self, x: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        stage = self.current_stage
        x = downsample_to(x, resolution_of(stage))  # (B, C, r, r)
        if self.pack > 1:  # (B, C, r, r) -> (B/pack, pack*C, r, r)
            x = x.reshape(x.shape[0] // self.pack, -1, x.shape[2], x.shape[3])
        h = self.from_rgb[stage](x)
        if stage > 0:
            h = self.blocks[stage](h)  # (widths[stage-1]) x r/2 x r/2
            if float(self.alpha) < 1.0:
                old = self.from_rgb[stage - 1](F.avg_pool2d(x, 2))
                h = torch.lerp(old, h, self.alpha)
            for k in range(stage - 1, 0, -1):
                h = self.blocks[k](h)
        if self.minibatch_std:  # (w0) x 4 x 4 -> (w0 + 1) x 4 x 4
            h = minibatch_stddev(h)
        return self.head(h).squeeze(1)


def stage_images(generator: ProgressiveGenerator, z: torch.Tensor) -> dict[int, torch.Tensor]:
    """The same latents drawn at every stage the generator has grown through, each at its own resolution.

    z (B, latent_dim) -> {resolution: (B, C, r, r) in [-1, 1]} on the CPU, from 4x4 up to the current stage:
    stage k's to-RGB head reads the features after k blocks, exactly the path the generator drew with while
    stage k was the newest (no fade blending, no enlarging). The earlier heads stopped learning when the next
    stage took over, while the layers under them kept training for the later stages, so an early head of a
    finished model shows the coarse layout those shared layers carry now.
    """
    device = generator.project.weight.device
    was_training = generator.training
    generator.eval()
    try:
        with torch.no_grad():
            z = torch.as_tensor(z, dtype=torch.float32).to(device)
            h = generator.first(generator.project(generator.normalise(z)).view(z.shape[0], generator.base_width, 4, 4))
            images = {resolution_of(0): torch.tanh(generator.to_rgb[0](h)).float().cpu()}  # (B, C, 4, 4)
            for stage in range(1, generator.current_stage + 1):
                h = generator.blocks[stage - 1](h)  # doubles the resolution
                images[resolution_of(stage)] = torch.tanh(generator.to_rgb[stage](h)).float().cpu()
    finally:
        generator.train(was_training)
    return images


# -- the training step ------------------------------------------------------------------------------------
def train_step(trainer) -> dict:
    """n_critic D updates then one G update at the stage and fade weight the schedule gives this step."""
    cfg = trainer.config
    generator, critic = trainer.generator, trainer.models["discriminator"]
    stage, alpha = schedule(trainer.step_count, cfg)
    generator.set_progress(stage, alpha)
    critic.set_progress(stage, alpha)
    size, n = resolution_of(stage), cfg.batch_size
    stats: dict = {}
    for _ in range(cfg.n_critic):
        real, _ = trainer.dataset.sample_batch(n, trainer.rng)
        real = fade_real(real, stage, alpha)  # (B, C, r, r)
        with torch.no_grad():
            fake = downsample_to(generator(trainer.noise(n)), size)  # (B, C, r, r): exactly G's r x r image
        stats = trainer.train_critic(critic, real, fake)
    stats.update(trainer.train_generator(critic, generator(trainer.noise(n))))
    device = trainer.device
    stats["resolution"] = torch.tensor(float(size), device=device)
    stats["alpha"] = torch.tensor(float(alpha), device=device)
    return stats


# -- the family ---------------------------------------------------------------------------------------------
def build(config, sample_shape: tuple, n_classes: int = 0) -> nn.ModuleDict:
    if len(sample_shape) != 3:
        raise ValueError("progan draws images; pick an image dataset such as digits or shapes.")
    generator = ProgressiveGenerator(config.latent_dim, sample_shape, config.hidden)
    critic = ProgressiveDiscriminator(sample_shape, config.hidden, pack=config.pack,
                                      minibatch_std=config.minibatch_std, spectral_norm=config.spectral_norm)
    return nn.ModuleDict({"generator": generator, "discriminator": critic})


def add_to_snapshot(trainer, snapshot: dict) -> None:
    """The resolution and fade weight the snapshot's samples were drawn at."""
    snapshot["resolution"] = trainer.generator.resolution
    snapshot["alpha"] = round(float(trainer.generator.alpha), 4)


def validate(config) -> dict[str, str]:
    problems: dict[str, str] = {}
    if config.arch == "mlp":
        problems["arch"] = "progan grows convolutional networks; set arch to auto or conv."
    if config.is_points:
        return problems
    if config.image_size not in (8, 16, 32):
        problems["image_size"] = (f"progan grows from 4x4 by doubling, so it reaches 8, 16 or 32 pixels, not "
                                  f"{config.image_size}.")
        return problems
    stages = n_stages(config.image_size)
    if config.stage_steps > 0 and config.stage_steps * (stages - 1) >= config.steps:
        problems["stage_steps"] = (
            f"With {config.stage_steps} steps per resolution the run would end before reaching "
            f"{config.image_size}x{config.image_size} (that needs more than {config.stage_steps * (stages - 1)} "
            f"steps, and steps is {config.steps}): lower stage_steps, raise steps, or set stage_steps to 0.")
    return problems


FAMILY = Family(
    name="progan",
    description="Progressive GAN: starts at 4x4 and grows to full size, fading each new layer in.",
    description_zh="渐进式 GAN：从 4×4 开始逐步长到全尺寸，每个新层都淡入。",
    build=build,
    step=train_step,
    images_only=True,
    snapshot=add_to_snapshot,
    validate=validate,
    loss_keys=("loss_d", "loss_g", "d_real", "d_fake", "resolution", "alpha"),
    truncation="",  # pixel norm gives every z the same length, and there is no average latent to pull toward
    slower_ahead=lambda step, config: schedule(step, config)[0] < n_stages(config.image_size) - 1,
    # (while the last block fades in, its picture is partly the previous stage's, upscaled)
    coarse=lambda trainer: (trainer.generator.resolution < trainer.config.image_size
                            or float(trainer.generator.alpha) < 1),
)

FAMILIES = (FAMILY,)
