"""Denoising diffusion as a model family, "ddpm": trained like DDPM, sampled with deterministic DDIM.

Training (Ho et al. 2020): take a real sample x0, pick a noise level t, mix
    x_t = sqrt(abar_t) * x0 + sqrt(1 - abar_t) * eps,   eps ~ N(0, I)
and teach a network to tell which noise eps was added (a plain mean squared error). No discriminator, no
adversarial game: the loss is an honest regression that goes down as the model improves.

Sampling (Song et al. 2021, DDIM with eta = 0): start from pure noise x_T and repeatedly replace part of the
predicted noise by the predicted clean sample, visiting `sample_steps` of the T trained noise levels. With
eta = 0 no fresh noise is added on the way, so sampling is a deterministic function of the starting noise:
that noise plays the role of a GAN's latent z. The generator entry of the models is therefore a *sampler*
module, `generator(z, labels=None)` with z of shape (B, prod(sample_shape)), and seeds, slerp interpolation
and latent arithmetic on the Sample & Blend page work unchanged (slerp between two starting noises is the
classic DDIM interpolation).

Teaching helpers return plain data: `noising_chain` (the forward process on one sample), `denoising_chain`
(the reverse process, frame by frame), `sampling_cost` (seconds per sample for a given number of steps).
"""
from __future__ import annotations

import contextlib
import math
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from gan_core.families.base import Family
from gan_core.images import make_grid

COSINE_OFFSET = 0.008  # s in Nichol & Dhariwal's cosine schedule: keeps the first noise level from being ~0
MAX_BETA = 0.999  # the cosine schedule's last beta would be 1 (all signal gone); clipped as in the paper
TIME_FEATURES = 32  # sinusoidal features describing the noise level
FOURIER_OCTAVES = 6  # 2-D inputs also enter as sin/cos at frequencies 1, 2, ..., 32 (in standardised units)
FOURIER_MAX_DIM = 16  # ...but only for low-dimensional data; flattened images enter as they are
CHAIN_FRAMES = 8  # frames of the denoising chain stored in each training snapshot
CHAIN_IMAGES = 4  # images (rows) in that chain; 2-D data shows a whole cloud instead
CHAIN_POINTS = 256


# ---------------------------------------------------------------------------------------------------------
# The noise schedule
# ---------------------------------------------------------------------------------------------------------
def cosine_alphas_cumprod(diffusion_steps: int) -> torch.Tensor:
    """abar_t for t = 0 .. T-1 (index 0 = the least noise), float64 (T,), decreasing from ~1 to ~0.

    Why cosine and not DDPM's linear betas: the linear schedule (1e-4 .. 0.02) was tuned for T = 1000. At the
    small T a CPU class uses (T is 2 .. 1000 here) it leaves visible signal in x_T unless the betas are scaled
    up, and scaled up it destroys small images within the first half of the levels, so the last levels are
    all near-pure noise and teach nothing. The cosine schedule defines abar as a smooth function of t / T:
    any T spreads its levels evenly between "almost clean" and "pure noise" (Nichol & Dhariwal 2021,
    "Improved DDPM"), and T can change without retuning anything.
    """
    steps = int(diffusion_steps)
    if steps < 2:
        raise ValueError(f"A diffusion needs at least 2 noise levels, got {steps}.")
    u = torch.arange(steps + 1, dtype=torch.float64) / steps
    f = torch.cos((u + COSINE_OFFSET) / (1 + COSINE_OFFSET) * math.pi / 2) ** 2
    abar = f / f[0]
    betas = (1 - abar[1:] / abar[:-1]).clamp(max=MAX_BETA)
    return torch.cumprod(1 - betas, dim=0)


def _schedule_from(source) -> torch.Tensor:
    """abar (T,) float64 from a TrainConfig (its diffusion_steps), a DiffusionSampler, an int T or a tensor."""
    if isinstance(source, DiffusionSampler):
        return source.alphas_cumprod.detach().double().cpu()
    if isinstance(source, torch.Tensor):
        return source.detach().double().cpu()
    if isinstance(source, int) and not isinstance(source, bool):
        return cosine_alphas_cumprod(source)
    if hasattr(source, "diffusion_steps"):
        return cosine_alphas_cumprod(source.diffusion_steps)
    raise TypeError("Pass a TrainConfig, a diffusion sampler, a number of noise levels or an abar tensor.")


def ddim_timesteps(diffusion_steps: int, steps: int) -> list[int]:
    """The noise levels DDIM visits, from the noisiest (T-1) down to 0, evenly spaced: `steps` distinct ints."""
    if not 1 <= steps <= diffusion_steps:
        raise ValueError(f"Sampling steps must be between 1 and {diffusion_steps} (the number of trained noise "
                         f"levels), got {steps}.")
    # spacing (T-1)/(steps-1) >= 1 whenever steps <= T, so rounding never merges two levels
    return [int(round(v)) for v in np.linspace(diffusion_steps - 1, 0, steps)]


# ---------------------------------------------------------------------------------------------------------
# Denoisers: (x_t, t) -> predicted noise eps, same shape as x_t
# ---------------------------------------------------------------------------------------------------------
def timestep_features(t: torch.Tensor, diffusion_steps: int, dim: int = TIME_FEATURES) -> torch.Tensor:
    """Transformer-style sinusoidal features of the noise level: t (B,) int -> (B, dim) float.

    t is rescaled to 0 .. 1000 first so the frequencies cover the range the same way whatever T is.
    """
    half = dim // 2
    frequencies = torch.exp(-math.log(10_000.0) * torch.arange(half, device=t.device, dtype=torch.float32) / half)
    angles = (t.float() * (1000.0 / diffusion_steps))[:, None] * frequencies[None]  # (B, half)
    return torch.cat([torch.sin(angles), torch.cos(angles)], dim=1)


class TimeEmbedding(nn.Module):
    """Noise level t (B,) -> a learned vector (B, out_dim): sinusoidal features through a small MLP."""

    def __init__(self, out_dim: int, diffusion_steps: int):
        super().__init__()
        self.diffusion_steps = diffusion_steps
        self.net = nn.Sequential(nn.Linear(TIME_FEATURES, out_dim), nn.SiLU(), nn.Linear(out_dim, out_dim))

    def forward(self, t: torch.Tensor) -> torch.Tensor:
        return self.net(timestep_features(t, self.diffusion_steps))


class MLPDenoiser(nn.Module):
    """For 2-D points (or flattened tiny images): x_t (B, *shape) and t (B,) -> eps (B, *shape).

    Residual blocks h <- h + Linear(SiLU(h + time)): the noise level is added to every block, because the
    right correction differs completely between "almost clean" (nudge onto the nearest mode) and "pure noise"
    (point roughly at the data's centre). Low-dimensional inputs also enter as sin/cos features (as in NeRF
    and tiny 2-D diffusion demos): ring8's modes are 1 % of the radius wide, and a plain ReLU/SiLU MLP is
    slow to learn functions that sharp (measured: high-quality fraction 0.78 -> 0.84 after 3,000 steps).
    """

    def __init__(self, sample_shape: tuple, hidden: int, depth: int, diffusion_steps: int):
        super().__init__()
        dim = math.prod(sample_shape)
        self.time = TimeEmbedding(hidden, diffusion_steps)
        self.fourier = dim <= FOURIER_MAX_DIM
        self.register_buffer("frequencies", 2.0 ** torch.arange(FOURIER_OCTAVES, dtype=torch.float32), persistent=False)
        width_in = dim * (1 + 2 * FOURIER_OCTAVES) if self.fourier else dim
        self.inp = nn.Linear(width_in, hidden)
        self.blocks = nn.ModuleList(nn.Linear(hidden, hidden) for _ in range(depth))
        self.out = nn.Linear(hidden, dim)

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        time = self.time(t)  # (B, hidden)
        flat = x.flatten(1)  # (B, dim)
        if self.fourier:  # sin/cos of each coordinate at octave frequencies: (B, dim * (1 + 2 * octaves))
            angles = (flat[:, :, None] * self.frequencies).flatten(1)
            flat = torch.cat([flat, torch.sin(angles), torch.cos(angles)], dim=1)
        h = self.inp(flat)  # (B, hidden)
        for block in self.blocks:
            h = h + block(F.silu(h + time))
        return self.out(F.silu(h)).view_as(x)


def _groups(channels: int) -> int:
    """GroupNorm groups: 8 when possible (per-sample statistics, so a sample never depends on its batch)."""
    return next(g for g in (8, 4, 2, 1) if channels % g == 0)


class ResBlock(nn.Module):
    """(B, c_in, S, S) + time (B, T_dim) -> (B, c_out, S, S): two 3x3 convs, the time vector added in between."""

    def __init__(self, c_in: int, c_out: int, time_dim: int):
        super().__init__()
        self.norm1, self.conv1 = nn.GroupNorm(_groups(c_in), c_in), nn.Conv2d(c_in, c_out, 3, 1, 1)
        self.time = nn.Linear(time_dim, c_out)
        self.norm2, self.conv2 = nn.GroupNorm(_groups(c_out), c_out), nn.Conv2d(c_out, c_out, 3, 1, 1)
        self.skip = nn.Conv2d(c_in, c_out, 1) if c_in != c_out else nn.Identity()

    def forward(self, x: torch.Tensor, time: torch.Tensor) -> torch.Tensor:
        h = self.conv1(F.silu(self.norm1(x)))  # (B, c_out, S, S)
        h = h + self.time(time)[:, :, None, None]  # one shift per channel says how noisy the input is
        h = self.conv2(F.silu(self.norm2(h)))
        return self.skip(x) + h


class TinyUNet(nn.Module):
    """A mini U-Net for 8/16/28/32 px images: x_t (B, C, S, S) and t (B,) -> eps (B, C, S, S).

    Widths hidden, 2*hidden (, 2*hidden): one level down for 8 px, two for 16 and 32 px. The skip connections
    carry fine detail across the bottleneck, which matters at low noise where only small corrections are due.
    """

    def __init__(self, sample_shape: tuple, hidden: int, diffusion_steps: int):
        super().__init__()
        channels, size = sample_shape[0], sample_shape[1]
        if size % 4:
            raise ValueError(f"The diffusion U-Net needs an image size divisible by 4, not {size}.")
        levels = 1 if size <= 8 else 2
        widths = [hidden] + [2 * hidden] * levels  # channels at S, S/2 (, S/4)
        time_dim = 2 * hidden
        self.time = TimeEmbedding(time_dim, diffusion_steps)
        self.conv_in = nn.Conv2d(channels, hidden, 3, 1, 1)  # (C) x S x S -> (hidden) x S x S
        self.down_blocks = nn.ModuleList(ResBlock(widths[i], widths[i], time_dim) for i in range(levels))
        self.downsample = nn.ModuleList(nn.Conv2d(widths[i], widths[i + 1], 3, 2, 1) for i in range(levels))
        self.middle = ResBlock(widths[-1], widths[-1], time_dim)  # at the lowest resolution
        self.upsample = nn.ModuleList(nn.Conv2d(widths[i + 1], widths[i], 3, 1, 1) for i in range(levels))
        self.up_blocks = nn.ModuleList(ResBlock(2 * widths[i], widths[i], time_dim) for i in range(levels))
        self.norm_out = nn.GroupNorm(_groups(hidden), hidden)
        self.conv_out = nn.Conv2d(hidden, channels, 3, 1, 1)
        # start by predicting zero noise: the first loss is exactly 1 and early samples are smooth, not wild
        nn.init.zeros_(self.conv_out.weight)
        nn.init.zeros_(self.conv_out.bias)

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        time = self.time(t)  # (B, 2*hidden)
        h = self.conv_in(x)  # (hidden) x S x S
        skips = []
        for block, down in zip(self.down_blocks, self.downsample):
            h = block(h, time)
            skips.append(h)
            h = down(h)  # halves S, widens channels
        h = self.middle(h, time)  # (2*hidden) x S/4 x S/4 (S/2 for 8 px)
        for i in reversed(range(len(skips))):
            h = self.upsample[i](F.interpolate(h, scale_factor=2.0, mode="nearest"))  # doubles S
            h = self.up_blocks[i](torch.cat([h, skips[i]], dim=1), time)
        return self.conv_out(F.silu(self.norm_out(h)))  # (C) x S x S


# ---------------------------------------------------------------------------------------------------------
# The sampler: models["generator"]
# ---------------------------------------------------------------------------------------------------------
class DiffusionSampler(nn.Module):
    """The "generator" of a diffusion run: holds the denoiser and the schedule, and samples with DDIM.

    `sampler(z, labels=None, steps=None)`: z (B, latent_dim) starting noise, latent_dim = prod(sample_shape) ->
    samples (B, *sample_shape), images clamped to [-1, 1]. Deterministic: the same z gives the same sample.
    `steps` (default `self.sample_steps`, from the config) may change at call time without retraining;
    passing it per call rather than setting the attribute keeps one shared model safe for several users.

    2-D data is standardised (mean 0, one common scale) before noising, because the Gaussian noise assumes
    data of about unit size; the mean, scale and the box the data fills are measured once from the training
    data (`calibrate`) and saved with the weights. Images are already in [-1, 1] and are left as they are.
    """

    def __init__(self, denoiser: nn.Module, sample_shape: tuple, diffusion_steps: int, sample_steps: int):
        super().__init__()
        self.denoiser = denoiser
        self.sample_shape = tuple(int(s) for s in sample_shape)
        self.latent_dim = math.prod(self.sample_shape)
        self.is_image = len(self.sample_shape) == 3
        self.diffusion_steps = int(diffusion_steps)
        self.sample_steps = int(sample_steps)
        # derived from the config, so not saved: a checkpoint rebuilds it from diffusion_steps
        self.register_buffer("alphas_cumprod", cosine_alphas_cumprod(diffusion_steps).float(), persistent=False)
        self.register_buffer("data_mean", torch.zeros(self.latent_dim))
        self.register_buffer("data_scale", torch.ones(()))
        # the box the clean sample must lie in (standardised space): images [-1, 1]; 2-D data measured
        limit = 1.0 if self.is_image else 5.0
        self.register_buffer("clean_low", torch.full((self.latent_dim,), -limit))
        self.register_buffer("clean_high", torch.full((self.latent_dim,), limit))
        self.register_buffer("calibrated", torch.zeros((), dtype=torch.bool))
        self.is_calibrated = False  # Python copy of `calibrated`: checking the buffer would sync a GPU every step
        self.register_load_state_dict_post_hook(_after_load)

    # -- data space <-> the model's standardised space ------------------------------------------------------
    def calibrate(self, data: torch.Tensor) -> None:
        """Measure the training data's mean and scale (2-D data only; images keep their [-1, 1] range)."""
        with torch.no_grad():
            if not self.is_image:
                flat = data.detach().to(self.data_mean.device).reshape(data.shape[0], -1).float()  # (N, dim)
                self.data_mean.copy_(flat.mean(dim=0))
                # one scale for all coordinates keeps the shape of the data (a circle stays a circle)
                self.data_scale.copy_((flat - self.data_mean).pow(2).mean().sqrt().clamp_min(1e-6))
                standard = (flat - self.data_mean) / self.data_scale
                low, high = standard.min(dim=0).values, standard.max(dim=0).values
                margin = 0.1 * (high - low) + 1e-3  # a little room around the data's own extent
                self.clean_low.copy_(low - margin)
                self.clean_high.copy_(high + margin)
            self.calibrated.fill_(True)
        self.is_calibrated = True

    def normalise(self, x: torch.Tensor) -> torch.Tensor:
        return (x - self.data_mean.view(self.sample_shape)) / self.data_scale

    def denormalise(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.data_scale + self.data_mean.view(self.sample_shape)

    # -- the forward (noising) process ----------------------------------------------------------------------
    def add_noise(self, x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
        """x_t = sqrt(abar_t) x0 + sqrt(1 - abar_t) eps, in standardised space; x0, noise (B, *shape), t (B,)."""
        abar = self.alphas_cumprod[t].view(-1, *([1] * (x0.dim() - 1)))  # (B, 1, ...)
        return abar.sqrt() * x0 + (1 - abar).sqrt() * noise

    def predict_noise(self, x_t: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        return self.denoiser(x_t, t)

    # -- the reverse (denoising) process --------------------------------------------------------------------
    def _start(self, z: torch.Tensor) -> torch.Tensor:
        if z.dim() != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(f"A diffusion sampler starts from noise of shape (n, {self.latent_dim}) "
                             f"(one value per data coordinate), got {tuple(z.shape)}.")
        return z.to(self.alphas_cumprod.device, torch.float32).view(z.shape[0], *self.sample_shape)

    def ddim_steps(self, z: torch.Tensor, steps: int | None = None):
        """Yield (t, x_t, predicted x0) along the DDIM path, in standardised space, then (-1, x0, x0) at the end.

        t is the noise level of x_t (T-1 first); the last item is the finished sample.
        """
        x = self._start(z)  # (B, *shape): x_T is the starting noise itself
        low, high = self.clean_low.view(self.sample_shape), self.clean_high.view(self.sample_shape)
        timesteps = ddim_timesteps(self.diffusion_steps, self.sample_steps if steps is None else int(steps))
        for i, t in enumerate(timesteps):
            t_batch = torch.full((x.shape[0],), t, device=x.device, dtype=torch.long)
            abar = self.alphas_cumprod[t]
            eps = self.predict_noise(x, t_batch)
            x0 = (x - (1 - abar).sqrt() * eps) / abar.sqrt()
            # At the noisiest levels abar is ~1e-7, so dividing by sqrt(abar) turns a tiny error in eps into a
            # wild guess of x0, and a coarse DDIM jump would carry it along. The clean sample must lie in the
            # data's range ([-1, 1] for images, the measured box for 2-D data): clip the guess to it and
            # re-derive eps from the clipped guess so the step stays consistent ("static thresholding").
            x0 = torch.maximum(torch.minimum(x0, high), low)
            eps = (x - abar.sqrt() * x0) / (1 - abar).sqrt()
            yield t, x, x0
            abar_next = self.alphas_cumprod[timesteps[i + 1]] if i + 1 < len(timesteps) else x.new_ones(())
            # eta = 0: no fresh noise; keep the predicted noise direction at the lower noise level
            x = abar_next.sqrt() * x0 + (1 - abar_next).sqrt() * eps
        yield -1, x, x

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None, steps: int | None = None) -> torch.Tensor:
        """Starting noise z (B, latent_dim) -> samples (B, *sample_shape) in data space. Labels are ignored."""
        for _, x, _ in self.ddim_steps(z, steps):
            pass
        x = self.denormalise(x)
        return x.clamp(-1, 1) if self.is_image else x


def _after_load(module: DiffusionSampler, incompatible_keys) -> None:
    """Keep the Python flag in step with the loaded buffer (a checkpoint, or a rollback to early weights)."""
    module.is_calibrated = bool(module.calibrated)


# ---------------------------------------------------------------------------------------------------------
# The family: build, step, snapshot, validate
# ---------------------------------------------------------------------------------------------------------
def build(config, sample_shape: tuple, n_classes: int = 0) -> nn.ModuleDict:
    """{"generator": DiffusionSampler}: an MLP denoiser for points (or arch="mlp"), a mini U-Net for images."""
    sample_shape = tuple(sample_shape)
    if len(sample_shape) == 3 and config.resolved_arch == "conv":
        denoiser: nn.Module = TinyUNet(sample_shape, config.hidden, config.diffusion_steps)
    else:
        denoiser = MLPDenoiser(sample_shape, config.hidden, config.depth, config.diffusion_steps)
    return nn.ModuleDict({"generator": DiffusionSampler(denoiser, sample_shape, config.diffusion_steps,
                                                        config.sample_steps)})


def step(trainer) -> dict:
    """One DDPM update: minimise || eps - eps_theta(sqrt(abar_t) x0 + sqrt(1 - abar_t) eps, t) ||^2."""
    sampler = trainer.generator
    if not sampler.is_calibrated:
        sampler.calibrate(trainer.dataset.data)
    n, levels = trainer.config.batch_size, sampler.diffusion_steps
    x0, _ = trainer.dataset.sample_batch(n, trainer.rng)  # (B, *shape), labels unused
    x0 = sampler.normalise(x0)
    noise = trainer.noise(n).view_as(x0)  # eps ~ N(0, I), from the run's own stream
    # stratified noise levels (the "low-discrepancy sampler" of Kingma et al. 2021): sample i draws t from the
    # i-th of n equal slices of [0, T), so every batch spans clean to noisy and the loss curve is far less
    # jumpy; the first half of the batch is then the less noisy half, which gives the low/high split for free
    offsets = torch.rand(n, generator=trainer.rng, device=trainer.device)
    t = ((torch.arange(n, device=trainer.device) + offsets) * (levels / n)).long().clamp_(max=levels - 1)  # (B,)
    predicted = sampler.predict_noise(sampler.add_noise(x0, t, noise), t)
    per_sample = (predicted - noise).pow(2).flatten(1).mean(dim=1)  # (B,)
    loss = per_sample.mean()
    grad_norm = trainer.update_generator(loss)
    half = n // 2  # batch_size >= 2, so both halves are non-empty
    return {"loss": loss.detach(), "loss_t_low": per_sample[:half].mean().detach(),
            "loss_t_high": per_sample[half:].mean().detach(), "grad_norm_g": grad_norm}


def snapshot(trainer, snap: dict) -> None:
    """Add a small denoising chain under "chain" (and its noise levels under "chain_steps").

    Images: a uint8 grid, one row per sample (CHAIN_IMAGES rows), CHAIN_FRAMES columns from noise to sample.
    2-D data: float32 (CHAIN_FRAMES, CHAIN_POINTS, 2) point clouds.
    """
    sampler = trainer.generator
    count = CHAIN_IMAGES if sampler.is_image else CHAIN_POINTS
    chain = denoising_chain(sampler, trainer.fixed_noise[:count], keep=CHAIN_FRAMES)
    frames = chain["frames"]  # (F, n, *shape)
    if sampler.is_image:
        rows = np.swapaxes(frames, 0, 1).reshape(-1, *frames.shape[2:])  # sample-major: one row per sample
        snap["chain"] = make_grid(np.clip(rows, -1, 1), nrow=frames.shape[0])
    else:
        snap["chain"] = frames.astype(np.float32)
    snap["chain_steps"] = list(chain["timesteps"])


def validate(config) -> dict[str, str]:
    """{field: message} for settings a diffusion run cannot honour (GAN-only tricks, too many sampling steps)."""
    problems: dict[str, str] = {}
    if config.sample_steps > config.diffusion_steps:
        problems["sample_steps"] = (f"sample_steps ({config.sample_steps}) cannot exceed diffusion_steps "
                                    f"({config.diffusion_steps}): sampling visits some of the trained noise levels.")
    if config.pack != 1:
        problems["pack"] = "Packing is a GAN trick (it changes the discriminator); a diffusion model has none. Set pack to 1."
    if config.n_critic != 1:
        problems["n_critic"] = "n_critic counts discriminator updates; a diffusion model has no discriminator. Set it to 1."
    if config.r1_gamma > 0:
        problems["r1_gamma"] = "The R1 penalty regularises a discriminator; a diffusion model has none. Set r1_gamma to 0."
    return problems


FAMILY = Family(
    name="ddpm",
    description="Diffusion (DDPM): learns to remove noise step by step, then samples by denoising pure noise (DDIM).",
    description_zh="扩散模型（DDPM）：学习一步步去除噪声，再从纯噪声出发逐步去噪来生成样本（DDIM 采样）。",
    build=build,
    step=step,
    adversarial=False,
    single_network=True,
    snapshot=snapshot,
    validate=validate,
    loss_keys=("loss", "loss_t_low", "loss_t_high"),
    latent_size=lambda config, sample_shape: math.prod(sample_shape),  # the starting noise: one value a coordinate
)


# ---------------------------------------------------------------------------------------------------------
# Teaching helpers: plain data out
# ---------------------------------------------------------------------------------------------------------
def _sampler_of(source) -> DiffusionSampler:
    """The DiffusionSampler inside a sampler, a ModuleDict of models, a Trainer or a LatentModel."""
    if isinstance(source, DiffusionSampler):
        return source
    if isinstance(source, nn.ModuleDict) and "generator" in source:
        source = source["generator"]
    else:
        source = getattr(source, "generator", source)
    if not isinstance(source, DiffusionSampler):
        raise ValueError("This model is not a diffusion model, so it has no denoising steps.")
    return source


def _as_tensor(x) -> torch.Tensor:
    return x.detach().float() if isinstance(x, torch.Tensor) else torch.as_tensor(np.asarray(x), dtype=torch.float32)


def sample(models_or_generator, z, steps: int | None = None) -> torch.Tensor:
    """DDIM samples from starting noise z (n, latent_dim) with `steps` denoising steps (default: the config's).

    Returns (n, *sample_shape) on the CPU. Uses a LatentModel's lock when given one, so it is safe on a model
    shared between sessions.
    """
    sampler = _sampler_of(models_or_generator)
    lock = getattr(models_or_generator, "_lock", None)
    z = _as_tensor(z)
    with torch.inference_mode(), (lock if lock is not None else contextlib.nullcontext()):
        was_training = sampler.training
        sampler.eval()
        try:
            return sampler(z, steps=steps).float().cpu()
        finally:
            sampler.train(was_training)


def denoising_chain(generator, z, steps: int | None = None, keep: int = 8) -> dict:
    """The reverse process frame by frame: from the starting noise z (n, latent_dim) to the samples.

    Returns plain data, `keep` frames evenly spaced along the DDIM path (first = pure noise, last = sample):
      frames     float32 (keep, n, *sample_shape): x_t in data space (noisy frames of images are not clipped)
      predicted  float32 (keep, n, *sample_shape): the model's guess of the clean sample at that moment
      timesteps  list[int]: the noise level of each frame (T-1 first, -1 for the finished sample)
      noise_std  list[float]: sqrt(1 - abar_t) of each frame, 0 for the finished sample
      signal     list[float]: sqrt(abar_t) of each frame, 1 for the finished sample. The first frame keeps almost
                 none of the data (the cosine schedule's last level: ~5e-4), so its guess of x0 divides the network's
                 error by that and is clipped noise; a guess means something once a frame keeps some signal.
    """
    sampler = _sampler_of(generator)
    if keep < 2:
        raise ValueError(f"A chain needs at least 2 frames (noise and sample), got {keep}.")
    z = _as_tensor(z)
    lock = getattr(generator, "_lock", None)
    with torch.inference_mode(), (lock if lock is not None else contextlib.nullcontext()):
        was_training = sampler.training
        sampler.eval()
        try:
            path = [(t, sampler.denormalise(x), sampler.denormalise(x0)) for t, x, x0 in sampler.ddim_steps(z, steps)]
        finally:
            sampler.train(was_training)
    chosen = sorted(set(np.linspace(0, len(path) - 1, min(keep, len(path))).round().astype(int).tolist()))
    frames = [path[i] for i in chosen]
    abar = sampler.alphas_cumprod.detach().cpu()
    return {
        "frames": torch.stack([x for _, x, _ in frames]).float().cpu().numpy(),
        "predicted": torch.stack([x0 for _, _, x0 in frames]).float().cpu().numpy(),
        "timesteps": [int(t) for t, _, _ in frames],
        "noise_std": [0.0 if t < 0 else float((1 - abar[t]).sqrt()) for t, _, _ in frames],
        "signal": [1.0 if t < 0 else float(abar[t].sqrt()) for t, _, _ in frames],
    }


def noising_chain(x0, config_or_schedule, ts=None, seed: int = 0) -> dict:
    """The forward process: one sample (or a batch) at several noise levels, with the same noise at each.

    x0: (*sample_shape) or (n, *sample_shape), tensor or numpy, in data space. config_or_schedule: a
    TrainConfig (its diffusion_steps), a trained sampler / models (also uses its 2-D standardisation), or
    an int T. ts: noise levels in 0 .. T-1 (default: 8 evenly spaced). One seeded noise draw is reused for
    every level, so the frames show the same sample dissolving, not fresh noise each time.
    Returns {"frames": float32 (len(ts), *x0.shape), "timesteps": list[int], "signal": sqrt(abar_t) list,
    "noise_std": sqrt(1 - abar_t) list}.
    """
    sampler = None
    try:
        sampler = _sampler_of(config_or_schedule)
    except ValueError:
        pass
    abar = _schedule_from(sampler if sampler is not None else config_or_schedule)
    levels = abar.shape[0]
    ts = [int(v) for v in (np.linspace(0, levels - 1, 8).round() if ts is None else ts)]
    if not ts or any(not 0 <= t < levels for t in ts):
        raise ValueError(f"Noise levels must lie between 0 and {levels - 1}, got {ts}.")
    x = _as_tensor(x0).cpu()
    if sampler is not None:  # noise in the model's standardised space, show the result in data space
        mean, scale = sampler.data_mean.detach().cpu().view(sampler.sample_shape), sampler.data_scale.detach().cpu()
    else:
        mean, scale = torch.zeros(()), torch.ones(())
    clean = (x - mean) / scale
    noise = torch.randn(clean.shape, generator=torch.Generator().manual_seed(int(seed)))
    signal = [float(abar[t].sqrt()) for t in ts]
    spread = [float((1 - abar[t]).sqrt()) for t in ts]
    frames = torch.stack([(a * clean + s * noise) * scale + mean for a, s in zip(signal, spread)])
    return {"frames": frames.float().numpy(), "timesteps": ts, "signal": signal, "noise_std": spread}


def sampling_cost(generator, n: int = 16, steps: int | None = None, repeats: int = 3, seed: int = 0) -> dict:
    """Seconds per sample for `n` samples: a diffusion sampler with `steps` denoising steps, or any other
    generator (a GAN: one forward pass) for comparison. Best of `repeats` timings, since a shared machine
    only ever makes a run slower.

    Returns {"seconds_per_sample", "seconds_per_batch", "network_calls" (denoiser passes per sample; 1 for a
    GAN), "n"}.
    """
    if n < 1 or repeats < 1:
        raise ValueError("sampling_cost needs at least one sample and one repeat.")
    module = generator["generator"] if isinstance(generator, nn.ModuleDict) else getattr(generator, "generator", generator)
    is_diffusion = isinstance(module, DiffusionSampler)
    dim = int(getattr(module, "latent_dim"))
    device = next(module.parameters()).device
    z = torch.randn(n, dim, generator=torch.Generator().manual_seed(seed)).to(device)
    calls = (module.sample_steps if steps is None else int(steps)) if is_diffusion else 1
    if is_diffusion:
        ddim_timesteps(module.diffusion_steps, calls)  # a bad `steps` fails here with a readable message
    kwargs = {"steps": calls} if is_diffusion else {}
    n_classes = int(getattr(module, "n_classes", 0) or 0)
    labels = (torch.arange(n, device=device) % n_classes) if n_classes else None
    was_training = module.training
    module.eval()
    best = math.inf
    try:
        with torch.inference_mode():
            for _ in range(repeats):
                started = time.perf_counter()
                module(z, labels, **kwargs)
                if device.type == "cuda":
                    torch.cuda.synchronize(device)
                best = min(best, time.perf_counter() - started)
    finally:
        module.train(was_training)
    return {"seconds_per_sample": best / n, "seconds_per_batch": best, "network_calls": calls, "n": n}

FAMILIES = (FAMILY,)
