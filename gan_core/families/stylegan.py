"""A style-based generator (StyleGAN, Karras et al. 2019 and 2020), small enough for a CPU.

How it differs from a DCGAN generator:
- a mapping network (an MLP) turns z into an intermediate latent w; w does not have to follow z's Gaussian
  shape, so it can untangle the factors of variation;
- the synthesis network starts from a learned constant 4x4 block, not from z;
- every conv layer gets its own style: an affine map of w that scales the layer's input channels
  ("modulation"), after which each output channel is rescaled to unit size ("demodulation", StyleGAN2's
  replacement for AdaIN's instance normalisation: the same effect, without the blob artefacts);
- every layer adds per-pixel Gaussian noise with a learned per-channel strength, for detail that has no reason
  to follow the style (stroke texture, exact edges);
- because each layer reads its own w, layers can take their w from different z's: *style mixing*. Early (4x4,
  8x8) layers decide the coarse layout, late layers the fine look. Training mixes two z's at a random layer for
  some samples (style-mixing regularisation), so neighbouring layers do not learn to rely on sharing one w.
- the truncation trick works in w space: pull w toward the average w (`w_avg`, a running mean kept during
  training) to trade variety for typical, cleaner samples.

The teaching helpers at the bottom (`style_mix`, `noise_variation`, `truncation_sweep`) make the StyleGAN paper's
figures from any checkpoint of this family.
"""
from __future__ import annotations

import math
from contextlib import contextmanager

import torch
import torch.nn.functional as F
from torch import nn

from gan_core.families.base import Family
from gan_core.images import make_grid
from gan_core.models import ConvDiscriminator, init_weights
from gan_core.families.progressive import EqualizedLinear, PixelNorm

MAX_CHANNELS = 256  # width cap at 4x4
STYLE_MIX_PROB = 0.5  # share of training samples whose fine layers take their w from a second z
W_AVG_BETA = 0.995  # w_avg <- beta * w_avg + (1 - beta) * batch mean of w, once per generator update
NOISE_MODES = ("random", "const", "none")


class ModulatedConv2d(nn.Module):
    """Conv whose input channels are scaled by a style s = A(w), then (optionally) demodulated.

    x (B, in, H, W), w (B, w_dim) -> (B, out, H, W). Demodulation divides output channel o of sample b by
    sqrt(sum_{i,k} (weight[o, i, k] * s[b, i])^2), which is what instance-normalising the output would do on
    average (AdaIN), computed from the weights instead of the activations. Scaling the input and the output
    rather than building per-sample weights keeps this one ordinary convolution.
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, w_dim: int, demodulate: bool = True):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_channels, in_channels, kernel_size, kernel_size))
        self.scale = 1 / math.sqrt(in_channels * kernel_size * kernel_size)  # equalised learning rate
        self.affine = EqualizedLinear(w_dim, in_channels, gain=1.0)
        nn.init.ones_(self.affine.bias)  # styles start at 1: the layer begins as a plain convolution
        self.demodulate = demodulate
        self.padding = kernel_size // 2

    def forward(self, x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        style = self.affine(w)  # (B, in)
        weight = self.weight * self.scale  # (out, in, k, k)
        x = F.conv2d(x * style[:, :, None, None], weight, padding=self.padding)  # (B, out, H, W)
        if self.demodulate:
            # (B, in) @ (in, out): the norm of each sample's modulated filter
            norms = style.pow(2) @ weight.pow(2).sum(dim=(2, 3)).t()  # (B, out)
            x = x * torch.rsqrt(norms + 1e-8)[:, :, None, None]
        return x


class StyleLayer(nn.Module):
    """[upsample x2] -> modulated 3x3 conv -> + noise * strength -> + bias -> leaky ReLU.

    x (B, in, r/2 or r, ...) , w (B, w_dim), noise (B or 1, 1, r, r) or None -> (B, out, r, r).
    `noise_const` is this layer's fixed noise image (used when sampling, so a seed always gives the same picture).
    """

    def __init__(self, in_channels: int, out_channels: int, w_dim: int, resolution: int, upsample: bool):
        super().__init__()
        self.upsample, self.resolution = upsample, resolution
        self.conv = ModulatedConv2d(in_channels, out_channels, 3, w_dim)
        self.noise_strength = nn.Parameter(torch.zeros(out_channels))  # starts silent; training decides
        self.bias = nn.Parameter(torch.zeros(out_channels))
        self.register_buffer("noise_const", torch.randn(1, 1, resolution, resolution))

    def forward(self, x: torch.Tensor, w: torch.Tensor, noise: torch.Tensor | None) -> torch.Tensor:
        if self.upsample:
            x = F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)  # (B, in, r, r)
        x = self.conv(x, w)  # (B, out, r, r)
        if noise is not None:
            x = x + self.noise_strength[None, :, None, None] * noise
        # the sqrt(2) gain keeps the activations' size steady through a leaky ReLU (as in StyleGAN)
        return F.leaky_relu(x + self.bias[None, :, None, None], 0.2) * math.sqrt(2)


class MappingNetwork(nn.Module):
    """z (B, latent_dim) -> w (B, w_dim): pixel-normalise z, then `depth` fully connected layers."""

    def __init__(self, latent_dim: int, w_dim: int, depth: int):
        super().__init__()
        layers: list[nn.Module] = [PixelNorm()]
        width = latent_dim
        for _ in range(depth):
            layers += [EqualizedLinear(width, w_dim), nn.LeakyReLU(0.2)]
            width = w_dim
        self.net = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z)


class StyleGenerator(nn.Module):
    """z (B, latent_dim) -> images (B, C, S, S) in [-1, 1], through w = mapping(z) and synthesis(ws).

    Style layers, coarse to fine: one at 4x4, then two per resolution up to S (8x8: 3 layers in all, 16x16: 5,
    32x32: 7); `layer_resolutions[i]` says where layer i works. The final toRGB reads the last layer's w.
    """

    def __init__(self, latent_dim: int, sample_shape: tuple, hidden: int = 32, depth: int = 3):
        super().__init__()
        channels, size = sample_shape[0], sample_shape[-1]
        if size not in (8, 16, 32):
            raise ValueError(f"stylegan draws 8, 16 or 32 pixel images, not {size}.")
        self.latent_dim, self.sample_shape = latent_dim, tuple(sample_shape)
        self.w_dim = latent_dim  # z and w have the same size, as in the paper (512 and 512)
        self.mapping_network = MappingNetwork(latent_dim, self.w_dim, depth)
        ups = int(math.log2(size)) - 2
        widths = [min(hidden * 2 ** (ups - k), MAX_CHANNELS) for k in range(ups + 1)]  # at 4, 8, ..., S
        self.const = nn.Parameter(torch.randn(1, widths[0], 4, 4))  # the learned starting block
        layers = [StyleLayer(widths[0], widths[0], self.w_dim, 4, upsample=False)]
        for k in range(1, ups + 1):
            resolution = 4 * 2 ** k
            layers += [StyleLayer(widths[k - 1], widths[k], self.w_dim, resolution, upsample=True),
                       StyleLayer(widths[k], widths[k], self.w_dim, resolution, upsample=False)]
        self.layers = nn.ModuleList(layers)
        self.to_rgb = ModulatedConv2d(widths[-1], channels, 1, self.w_dim, demodulate=False)
        self.rgb_bias = nn.Parameter(torch.zeros(channels))
        self.register_buffer("w_avg", torch.zeros(self.w_dim))  # running mean of w, for truncation

    # -- facts ---------------------------------------------------------------------------------------------
    @property
    def n_style_layers(self) -> int:
        return len(self.layers)

    @property
    def layer_resolutions(self) -> list[int]:
        return [layer.resolution for layer in self.layers]

    # -- the two halves ------------------------------------------------------------------------------------
    def mapping(self, z: torch.Tensor, truncation_psi: float = 1.0) -> torch.Tensor:
        """z (B, latent_dim) -> w (B, w_dim), pulled toward w_avg when truncation_psi < 1."""
        return self.truncate(self.mapping_network(z), truncation_psi)

    def truncate(self, w: torch.Tensor, psi: float) -> torch.Tensor:
        """The truncation trick in w space: w_avg + psi * (w - w_avg); psi = 1 leaves w unchanged."""
        return w if psi == 1 else torch.lerp(self.w_avg.to(w.dtype), w, float(psi))

    def make_noise(self, batch: int, mode: str = "random",
                   generator: torch.Generator | None = None) -> list[torch.Tensor | None]:
        """One noise image per style layer: (batch, 1, r, r) random, (1, 1, r, r) fixed, or None ("none").

        `generator` (a torch.Generator on this model's device) makes random noise reproducible; training
        passes the run's own stream.
        """
        if mode not in NOISE_MODES:
            raise ValueError(f"noise mode must be one of {', '.join(NOISE_MODES)}; got {mode!r}.")
        if mode == "none":
            return [None] * self.n_style_layers
        if mode == "const":
            return [layer.noise_const for layer in self.layers]
        device = self.const.device
        return [torch.randn(batch, 1, layer.resolution, layer.resolution, device=device, generator=generator)
                for layer in self.layers]

    def synthesis(self, ws: torch.Tensor, noise: str | list | None = None,
                  noise_generator: torch.Generator | None = None) -> torch.Tensor:
        """ws (B, n_style_layers, w_dim), or one w (B, w_dim) for every layer -> images (B, C, S, S).

        noise: a mode ("random", "const", "none"), a list from make_noise, or None for "random" while
        training and "const" in eval mode (sampling a checkpoint is then deterministic).
        """
        if ws.dim() == 2:
            ws = ws[:, None].expand(-1, self.n_style_layers, -1)
        if ws.shape[1] != self.n_style_layers:
            raise ValueError(f"ws must hold {self.n_style_layers} styles per sample, got {ws.shape[1]}.")
        batch = ws.shape[0]
        if noise is None:
            noise = "random" if self.training else "const"
        if isinstance(noise, str):
            noise = self.make_noise(batch, noise, noise_generator)
        x = self.const.expand(batch, -1, -1, -1)  # (w0) x 4 x 4
        for index, layer in enumerate(self.layers):
            x = layer(x, ws[:, index], noise[index])
        rgb = self.to_rgb(x, ws[:, -1]) + self.rgb_bias[None, :, None, None]  # (B, C, S, S)
        return torch.tanh(rgb)

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None, truncation_psi: float = 1.0,
                noise: str | list | None = None, noise_generator: torch.Generator | None = None) -> torch.Tensor:
        """z (B, latent_dim) -> (B, C, S, S); labels are ignored (the model is unconditional)."""
        return self.synthesis(self.mapping(z, truncation_psi), noise, noise_generator)


# -- training ---------------------------------------------------------------------------------------------------
def mixed_styles(trainer, n: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Styles for n training samples: ws (n, n_style_layers, w_dim) and the first w (n, w_dim).

    Style-mixing regularisation: for a share STYLE_MIX_PROB of the samples, the layers from a random crossover
    on take their w from a second z. Done per sample with masks, so no number leaves the device.
    """
    generator, device, rng = trainer.generator, trainer.device, trainer.rng
    layers = generator.n_style_layers
    first, second = generator.mapping(trainer.noise(n)), generator.mapping(trainer.noise(n))  # (n, w_dim) each
    crossover = torch.randint(1, layers, (n,), device=device, generator=rng)
    mixing = torch.rand(n, device=device, generator=rng) < STYLE_MIX_PROB
    crossover = torch.where(mixing, crossover, torch.full_like(crossover, layers))
    from_first = torch.arange(layers, device=device)[None, :] < crossover[:, None]  # (n, layers)
    ws = torch.where(from_first[:, :, None], first[:, None], second[:, None])  # (n, layers, w_dim)
    return ws, first


def train_step(trainer) -> dict:
    """n_critic D updates on mixed-style fakes, one G update, then the running w average moves."""
    cfg = trainer.config
    generator, critic = trainer.generator, trainer.models["discriminator"]
    n, rng = cfg.batch_size, trainer.rng
    stats: dict = {}
    for _ in range(cfg.n_critic):
        real, _ = trainer.dataset.sample_batch(n, rng)
        with torch.no_grad():
            ws, _ = mixed_styles(trainer, n)
            fake = generator.synthesis(ws, "random", rng)
        stats = trainer.train_critic(critic, real, fake)
    ws, w = mixed_styles(trainer, n)
    stats.update(trainer.train_generator(critic, generator.synthesis(ws, "random", rng)))
    with torch.no_grad():
        generator.w_avg.lerp_(w.detach().float().mean(dim=0), 1 - W_AVG_BETA)  # float32 buffer, also under bf16
    return stats


# -- teaching helpers ---------------------------------------------------------------------------------------------
@contextmanager
def _evaluating(module: nn.Module):
    """Eval mode and no autograd for the duration, then the module's previous mode back."""
    was_training = module.training
    module.eval()
    try:
        with torch.no_grad():
            yield
    finally:
        module.train(was_training)


def default_crossover(generator: StyleGenerator) -> int:
    """The layers below full resolution count as coarse: 16x16 -> 3 (4x4 and 8x8 layers), 32x32 -> 5."""
    return sum(1 for r in generator.layer_resolutions if r < generator.layer_resolutions[-1])


def _latents(z: torch.Tensor, dim: int, name: str) -> torch.Tensor:
    z = torch.as_tensor(z, dtype=torch.float32)
    z = z[None] if z.dim() == 1 else z
    if z.dim() != 2 or z.shape[1] != dim or z.shape[0] == 0:
        raise ValueError(f"{name} must be latents of size {dim}, shaped (n, {dim}); got {tuple(z.shape)}.")
    return z


def style_mix(generator: StyleGenerator, z_rows: torch.Tensor, z_cols: torch.Tensor, crossover: int | None = None,
              truncation_psi: float = 1.0) -> dict:
    """The StyleGAN paper's style-mixing figure as data.

    z_rows (R, latent_dim), z_cols (K, latent_dim). Cell (i, j) takes layers < crossover (coarse: layout,
    shape) from row source i and the rest (fine: colour, texture) from column source j. Returns
    {"images": (R + 1, K + 1, C, S, S) in [-1, 1] with the column sources on the top row, the row sources in
    the left column and a blank corner; "grid": that layout as one uint8 (H, W, 3) picture; "crossover";
    "layer_resolutions"}. Fixed noise, so only the styles differ between cells.
    """
    layers = generator.n_style_layers
    crossover = default_crossover(generator) if crossover is None else int(crossover)
    if not 0 <= crossover <= layers:
        raise ValueError(f"crossover must be between 0 and {layers} (the generator has {layers} style layers).")
    device = generator.const.device
    z_rows = _latents(z_rows, generator.latent_dim, "z_rows").to(device)
    z_cols = _latents(z_cols, generator.latent_dim, "z_cols").to(device)
    rows, cols = z_rows.shape[0], z_cols.shape[0]
    with _evaluating(generator):
        w_rows = generator.mapping(z_rows, truncation_psi)  # (R, w_dim)
        w_cols = generator.mapping(z_cols, truncation_psi)  # (K, w_dim)
        coarse = torch.arange(layers, device=device) < crossover  # (layers,)
        ws = torch.where(coarse[None, None, :, None], w_rows[:, None, None], w_cols[None, :, None])  # (R, K, L, w)
        mixed = generator.synthesis(ws.reshape(rows * cols, layers, -1), "const")
        row_images = generator.synthesis(w_rows, "const")
        col_images = generator.synthesis(w_cols, "const")
    channels, size = mixed.shape[1], mixed.shape[-1]
    images = torch.full((rows + 1, cols + 1, channels, size, size), -1.0)
    images[0, 1:] = col_images.float().cpu()
    images[1:, 0] = row_images.float().cpu()
    images[1:, 1:] = mixed.float().cpu().reshape(rows, cols, channels, size, size)
    return {"images": images, "grid": make_grid(images.flatten(0, 1), nrow=cols + 1), "crossover": crossover,
            "layer_resolutions": generator.layer_resolutions}


def noise_variation(generator: StyleGenerator, z: torch.Tensor, n: int = 8, seed: int = 0,
                    layers=None, truncation_psi: float = 1.0) -> dict:
    """What the noise inputs control: one w, n different draws of noise.

    z (latent_dim,) or (1, latent_dim). `layers` (indices) get fresh noise, the others keep their fixed noise
    (None = all layers). Returns {"images": (n, C, S, S), "std": (S, S) per-pixel standard deviation across
    the n images (where noise acts), "no_noise": (1, C, S, S) the same w with every noise input off, "grid":
    uint8 picture of the n images}.
    """
    if n < 2:
        raise ValueError("noise_variation needs at least 2 images to show a variation.")
    chosen = range(generator.n_style_layers) if layers is None else [int(i) for i in layers]
    if any(not 0 <= i < generator.n_style_layers for i in chosen):
        raise ValueError(f"layers must be style layer indices between 0 and {generator.n_style_layers - 1}.")
    device = generator.const.device
    z = _latents(z, generator.latent_dim, "z")[:1].to(device)
    draws = torch.Generator().manual_seed(int(seed))  # on the CPU, so every device draws the same noise
    noise = []
    for index, layer in enumerate(generator.layers):
        r = layer.resolution
        noise.append(torch.randn(n, 1, r, r, generator=draws).to(device) if index in chosen else layer.noise_const)
    with _evaluating(generator):
        w = generator.mapping(z, truncation_psi).expand(n, -1)  # (n, w_dim): the same style for all
        images = generator.synthesis(w, noise).float().cpu()
        no_noise = generator.synthesis(w[:1], "none").float().cpu()
    return {"images": images, "std": images.std(dim=0).mean(dim=0), "no_noise": no_noise,
            "grid": make_grid(images, nrow=n)}


def truncation_sweep(generator: StyleGenerator, z: torch.Tensor, psis=(1.0, 0.75, 0.5, 0.25, 0.0)) -> torch.Tensor:
    """z (n, latent_dim) drawn at each psi: (len(psis), n, C, S, S); psi = 0 gives the average image."""
    device = generator.const.device
    z = _latents(z, generator.latent_dim, "z").to(device)
    with _evaluating(generator):
        return torch.stack([generator(z, truncation_psi=float(psi), noise="const").float().cpu() for psi in psis])


# -- the family ---------------------------------------------------------------------------------------------
SNAPSHOT_SOURCES = 4  # the live style-mixing figure: 4 row and 4 column sources
SNAPSHOT_SEED = 777


def add_to_snapshot(trainer, snapshot: dict) -> None:
    """A small style-mixing figure on fixed latents, so the Train page can show the styles separating."""
    latents = torch.Generator().manual_seed(trainer.config.seed + SNAPSHOT_SEED)
    z = torch.randn(2 * SNAPSHOT_SOURCES, trainer.latent_dim, generator=latents)
    mix = style_mix(trainer.generator, z[:SNAPSHOT_SOURCES], z[SNAPSHOT_SOURCES:])
    snapshot["style_mix"] = mix["grid"]
    snapshot["style_crossover"] = mix["crossover"]


def build(config, sample_shape: tuple, n_classes: int = 0) -> nn.ModuleDict:
    if len(sample_shape) != 3:
        raise ValueError("stylegan draws images; pick an image dataset such as digits or shapes.")
    generator = StyleGenerator(config.latent_dim, sample_shape, config.hidden, config.depth)
    critic = ConvDiscriminator(sample_shape, config.hidden, pack=config.pack, spectral_norm=config.spectral_norm,
                               minibatch_std=config.minibatch_std)
    critic.apply(init_weights)  # DCGAN's initialisation, as for the classic conv GAN
    return nn.ModuleDict({"generator": generator, "discriminator": critic})


def validate(config) -> dict[str, str]:
    if config.arch == "mlp":
        return {"arch": "stylegan's synthesis network is convolutional; set arch to auto or conv."}
    if config.image_size not in (8, 16, 32):
        return {"image_size": (f"stylegan grows from a learned 4x4 block by doubling, so it draws 8, 16 or 32 pixel "
                               f"images, not {config.image_size}.")}
    return {}


FAMILY = Family(
    name="stylegan",
    description="Style-based GAN: a mapping network, a style per layer and noise inputs; mix styles between samples.",
    description_zh="基于风格的 GAN：映射网络、逐层风格与噪声输入；可以在样本之间混合风格。",
    build=build,
    step=train_step,
    images_only=True,
    snapshot=add_to_snapshot,
    validate=validate,
    loss_keys=("loss_d", "loss_g", "d_real", "d_fake"),
    truncation="w",  # toward w_avg in the mapped space; z is pixel-normalised, so scaling z would change nothing
)

FAMILIES = (FAMILY,)
