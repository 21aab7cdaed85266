"""Small generators, discriminators and VAE encoders that train in seconds on a CPU.

Two families, chosen by `TrainConfig.resolved_arch`:
- mlp: fully connected nets for 2-D points (and tiny images);
- conv: DCGAN-style nets for 8x8, 16x16, 28x28 (MNIST's own size) and 32x32 images, all from a 4x4 map.

Every network takes an optional class label `y` (int64, shape (B,)) for the conditional models; the label is
embedded and concatenated to the input (the cGAN recipe of Mirza & Osindero). A VAE's decoder is a
generator, so sampling code always calls `models["generator"](z, y)`.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

import torch
from torch import nn

if TYPE_CHECKING:  # annotations only: the config imports the families, which build on these networks
    from gan_core.config import TrainConfig


def sample_latents(n: int, dim: int, seed: int) -> torch.Tensor:
    """n standard-normal latents (n, dim) from their own seeded generator: same seed, same latents."""
    generator = torch.Generator().manual_seed(int(seed))
    return torch.randn(n, dim, generator=generator)


def maybe_spectral_norm(layer: nn.Module, use: bool) -> nn.Module:
    return nn.utils.parametrizations.spectral_norm(layer) if use else layer


def label_embedding_size(n_classes: int) -> int:
    return min(n_classes, 16)


def minibatch_stddev(h: torch.Tensor) -> torch.Tensor:
    """Append the batch's mean standard deviation as one extra feature (ProGAN's trick against collapse).

    h: (B, F) or (B, C, H, W) -> (B, F + 1) or (B, C + 1, H, W). A collapsed batch has std near 0, which D can
    then see and punish.
    """
    std = h.float().std(dim=0, unbiased=False).mean().to(h.dtype)
    extra = std.expand(h.shape[0], 1, *h.shape[2:])
    return torch.cat([h, extra], dim=1)


class MixtureLatent(nn.Module):
    """A mixture of K Gaussians as G's latent: z = mu_c + sigma_c * eps, c uniform over the K components.

    learned (DeLiGAN, Gurumurthy et al. 2017): a learnable mean and standard deviation per component, started as
    the paper does (means uniform in [-1, 1], standard deviations 0.2). G can send each component to its own mode
    and jump between modes instead of stretching one connected blob of latent space across them.

    fixed (the static GM-GAN of Ben-Yosef & Weinshall 2018): the means are laid out evenly and far apart and never
    trained, each with the same small spread (FIXED_SIGMA), so the latent is K islands with empty sea between them.
    A continuous G maps a connected latent onto connected outputs; islands let it put each one on a mode with no
    bridge of samples between modes. The layout fills a disc in the first two coordinates (a sunflower spiral,
    neighbours FIXED_SPACING apart) and is 0 in the others; with a 1-D latent the means sit on a line.

    It takes the usual z ~ N(0, I) (B, d) and splits it exactly into (c, eps): u = Phi(z_0) is uniform, c = floor(K u)
    is a uniform component, and K u - c is again uniform and independent of c, so Phi^-1 of it is a fresh N(0, 1)
    first coordinate of eps. Every caller (the fixed batch, `sample`, interpolation) keeps passing N(0, I) latents.

    learn_weights: the components are no longer equally likely. Their log-weights are learned during training on G's
    own loss (`learn_weights`, called by the Trainer at each G update on that update's fakes), and the split falls on
    component c with its learned probability: u lands in c's share of [0, 1], and where it lands in that share is
    again uniform. Sampling needs nothing but G; the weights are saved with its other buffers.
    """

    FIXED_SPACING = 0.89  # distance between neighbouring means, about 18 spreads
    FIXED_SIGMA = 0.05
    WEIGHT_CLIP = 1.0  # learned log-weights stay within this of their mean: no component over e^2 times another's share

    def __init__(self, components: int, latent_dim: int, fixed: bool = False, learn_weights: bool = False):
        super().__init__()
        self.components, self.fixed = components, fixed
        self.last_component: torch.Tensor | None = None  # the components of the last batch, for learn_weights
        if learn_weights:  # a buffer: saved with the model and updated by learn_weights, not by an optimiser
            self.register_buffer("log_weights", torch.zeros(components))
        else:
            self.log_weights = None
        if fixed:  # buffers: saved with the model, never handed to an optimiser
            self.register_buffer("mu", fixed_mixture_means(components, latent_dim, self.FIXED_SPACING))
            self.register_buffer("sigma", torch.full((components, latent_dim), self.FIXED_SIGMA))
            return
        generator = torch.Generator().manual_seed(components * 1009 + latent_dim)
        # the paper's start: means uniform in [-1, 1], standard deviations 0.2
        self.mu = nn.Parameter(torch.rand(components, latent_dim, generator=generator) * 2 - 1)
        self.sigma = nn.Parameter(torch.full((components, latent_dim), 0.2))

    def split(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """z (B, d) ~ N(0, I) -> (component (B,) int64 drawn with the components' weights (uniform without
        learn_weights), eps (B, d) ~ N(0, I) independent of it)."""
        # the standard normal's cdf and inverse cdf, written out as torch.distributions.Normal(0, 1) computes them
        # (the same numbers) without building and validating a distribution object on every call
        uniform = 0.5 * (1 + torch.erf(z[:, 0].double() / math.sqrt(2)))
        if self.log_weights is None:  # equal weights: c = floor(K u), and K u - c is uniform again
            scaled = uniform * self.components
            component = scaled.floor().clamp(0, self.components - 1)
            rest = scaled - component
        else:  # learned weights: c where u falls among the weights' cumulative sums, and where in its share
            weights = torch.softmax(self.log_weights.double(), 0)
            ends = torch.cumsum(weights, 0)
            index = torch.searchsorted(ends, uniform.contiguous(), right=True).clamp(0, self.components - 1)
            component = index.double()
            rest = (uniform - (ends[index] - weights[index])) / weights[index]
        first = (torch.erfinv(2 * rest.clamp(1e-7, 1 - 1e-7) - 1) * math.sqrt(2)).to(z.dtype)
        return component.long(), torch.cat([first[:, None], z[:, 1:]], dim=1)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        component, eps = self.split(z)
        if self.log_weights is not None and self.training:  # what the Trainer's next learn_weights reads
            self.last_component = component
        return self.mu[component] + self.sigma[component] * eps

    def weights(self) -> torch.Tensor:
        """(K,) each component's probability."""
        if self.log_weights is None:
            return torch.full((self.components,), 1.0 / self.components)
        return torch.softmax(self.log_weights.float(), 0)

    @torch.no_grad()
    def learn_weights(self, component: torch.Tensor, loss: torch.Tensor, rate: float) -> None:
        """One step on the log-weights from a batch's components (B,) and G's loss on each of their fakes (B,).

        The score-function (REINFORCE) gradient of G's mean loss with respect to the log-weight of component k is
        E[(loss - baseline) * (1[c = k] - p_k)]: with the batch's mean loss as the baseline, a component whose fakes
        D rates worse than average (a crowded mode, or an island stranded between modes) loses weight. Here it is
        taken per component seen in the batch (its mean loss against the batch's), so that a rarely drawn component
        moves as far as a common one each time it is seen; unseen components keep their weight. No boolean
        indexing: on a GPU this step adds no wait for the host."""
        if self.log_weights is None or rate <= 0:
            return
        loss = loss.detach().float().to(self.log_weights.device)
        component = component.to(self.log_weights.device)
        sums = torch.zeros_like(self.log_weights).index_add_(0, component, loss)
        counts = torch.zeros_like(self.log_weights).index_add_(0, component, torch.ones_like(loss))
        step = torch.where(counts > 0, sums / counts.clamp_min(1) - loss.mean(), torch.zeros_like(sums))
        self.log_weights.sub_(rate * step)
        self.log_weights.sub_(self.log_weights.mean()).clamp_(-self.WEIGHT_CLIP, self.WEIGHT_CLIP)


def fixed_mixture_means(components: int, latent_dim: int, spacing: float) -> torch.Tensor:
    """(K, d) means laid out evenly: a sunflower spiral (golden-angle turns, radius growing as sqrt(k)) in the first
    two coordinates, which puts each mean about `spacing` from its neighbours; 0 in the rest. A 1-D latent: a line."""
    # worked out on the CPU (under budget's meta device, arange would load torch's decompositions: a second) and
    # handed over on the device the model is being built on
    k = torch.arange(components, dtype=torch.float64, device="cpu")
    means = torch.zeros(components, latent_dim, dtype=torch.float64, device="cpu")
    if latent_dim == 1:
        means[:, 0] = (k - (components - 1) / 2) * spacing
    else:
        radius = spacing * torch.sqrt((k + 0.5) / math.pi)  # pi r^2 = (k + 1/2) spacing^2: one spacing^2 per mean
        angle = k * math.pi * (3 - math.sqrt(5))  # the golden angle
        means[:, 0], means[:, 1] = radius * torch.cos(angle), radius * torch.sin(angle)
    return means.float().to(torch.get_default_device())


class MLPGenerator(nn.Module):
    """z (B, latent) [+ label] -> x (B, out_dim); out_dim = 2 for points or C*H*W (tanh) for images."""

    def __init__(self, latent_dim: int, sample_shape: tuple, hidden: int = 128, depth: int = 3,
                 n_classes: int = 0, latent_components: int = 0, fixed_mixture: bool = False,
                 learn_weights: bool = False):
        super().__init__()
        self.latent_dim, self.sample_shape, self.n_classes = latent_dim, tuple(sample_shape), n_classes
        self.mixture = (MixtureLatent(latent_components, latent_dim, fixed_mixture, learn_weights) if latent_components
                        else None)
        self.embed = nn.Embedding(n_classes, label_embedding_size(n_classes)) if n_classes else None
        width_in = latent_dim + (label_embedding_size(n_classes) if n_classes else 0)
        layers: list[nn.Module] = []
        for _ in range(depth):
            layers += [nn.Linear(width_in, hidden), nn.ReLU()]
            width_in = hidden
        layers.append(nn.Linear(width_in, math.prod(self.sample_shape)))
        if len(self.sample_shape) == 3:
            layers.append(nn.Tanh())  # images live in [-1, 1]; 2-D points are unbounded
        self.net = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        if self.mixture is not None:
            z = self.mixture(z)
        if self.embed is not None:
            z = torch.cat([z, self.embed(y)], dim=1)
        return self.net(z).view(z.shape[0], *self.sample_shape)


class MLPDiscriminator(nn.Module):
    """x (B, *sample_shape) [+ label] -> one logit per packed group: (B // pack,).

    With `out_dim` > 1 the same trunk serves as a VAE encoder (then pack must be 1).
    """

    def __init__(self, sample_shape: tuple, hidden: int = 128, depth: int = 3, n_classes: int = 0,
                 pack: int = 1, spectral_norm: bool = False, minibatch_std: bool = False, out_dim: int = 1):
        super().__init__()
        self.pack, self.minibatch_std, self.out_dim = pack, minibatch_std, out_dim
        self.embed = nn.Embedding(n_classes, label_embedding_size(n_classes)) if n_classes else None
        per_sample = math.prod(sample_shape) + (label_embedding_size(n_classes) if n_classes else 0)
        width_in = per_sample * pack  # PacGAN: D sees `pack` samples side by side
        layers: list[nn.Module] = []
        for _ in range(depth):
            layers += [maybe_spectral_norm(nn.Linear(width_in, hidden), spectral_norm), nn.LeakyReLU(0.2)]
            width_in = hidden
        self.trunk = nn.Sequential(*layers)
        self.head = maybe_spectral_norm(nn.Linear(width_in + int(minibatch_std), out_dim), spectral_norm)

    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        h = x.reshape(x.shape[0], -1)
        if self.embed is not None:
            h = torch.cat([h, self.embed(y)], dim=1)
        h = h.reshape(h.shape[0] // self.pack, -1)  # (B/pack, pack * features)
        h = self.trunk(h)
        if self.minibatch_std:
            h = minibatch_stddev(h)
        out = self.head(h)
        return out.squeeze(1) if self.out_dim == 1 else out


def conv_sizes(image_size: int) -> list[int]:
    """The feature maps' sides from DCGAN's 4x4 up to the image: 8 -> [4, 8], 16 -> [4, 8, 16], 32 -> [4, ..., 32].

    28 (MNIST at its own size) -> [4, 7, 14, 28]: the first step is 4 -> 7 (a 3x3 kernel, stride 2) and the rest
    double, so 28 pixels cost about two thirds of padding the digits to 32 and the nets are as deep.
    """
    if image_size == 28:
        return [4, 7, 14, 28]
    if image_size not in (8, 16, 32):
        raise ValueError(f"conv models support 8, 16, 28 or 32 pixel images, not {image_size}")
    return [4 * 2 ** k for k in range(int(math.log2(image_size)) - 1)]


def _kernel(small: int, large: int) -> int:
    """4 for a doubling (DCGAN's 4x4, stride 2, padding 1); 3 for 4 <-> 7 (stride 2, padding 1)."""
    return 4 if large == 2 * small else 3


class ConvGenerator(nn.Module):
    """DCGAN-style: z (B, latent) [+ label] -> image (B, C, S, S) in [-1, 1], S in {8, 16, 28, 32}."""

    def __init__(self, latent_dim: int, sample_shape: tuple, hidden: int = 32, n_classes: int = 0,
                 latent_components: int = 0, fixed_mixture: bool = False, learn_weights: bool = False):
        super().__init__()
        channels, size = sample_shape[0], sample_shape[1]
        self.latent_dim, self.sample_shape, self.n_classes = latent_dim, tuple(sample_shape), n_classes
        self.mixture = (MixtureLatent(latent_components, latent_dim, fixed_mixture, learn_weights) if latent_components
                        else None)
        self.embed = nn.Embedding(n_classes, label_embedding_size(n_classes)) if n_classes else None
        width_in = latent_dim + (label_embedding_size(n_classes) if n_classes else 0)
        sides = conv_sizes(size)
        self.base = hidden * 2 ** (len(sides) - 1)
        self.project = nn.Sequential(nn.Linear(width_in, self.base * 16), nn.BatchNorm1d(self.base * 16), nn.ReLU())
        blocks: list[nn.Module] = []
        width = self.base
        for small, large in zip(sides, sides[1:]):  # each block doubles the resolution and halves the channels
            blocks += [nn.ConvTranspose2d(width, width // 2, _kernel(small, large), 2, 1, bias=False),
                       nn.BatchNorm2d(width // 2), nn.ReLU()]
            width //= 2
        # (hidden) x S x S -> (channels) x S x S
        blocks += [nn.Conv2d(width, channels, 3, 1, 1), nn.Tanh()]
        self.blocks = nn.Sequential(*blocks)

    def forward(self, z: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        if self.mixture is not None:
            z = self.mixture(z)
        if self.embed is not None:
            z = torch.cat([z, self.embed(y)], dim=1)
        h = self.project(z).view(z.shape[0], self.base, 4, 4)  # (base) x 4 x 4
        return self.blocks(h)


class ConvDiscriminator(nn.Module):
    """DCGAN-style critic: image (B, C, S, S) [+ label maps] -> (B // pack,) logits (or (B, out_dim))."""

    def __init__(self, sample_shape: tuple, hidden: int = 32, n_classes: int = 0, pack: int = 1,
                 spectral_norm: bool = False, minibatch_std: bool = False, out_dim: int = 1):
        super().__init__()
        channels, size = sample_shape[0], sample_shape[1]
        self.pack, self.minibatch_std, self.out_dim = pack, minibatch_std, out_dim
        self.embed = nn.Embedding(n_classes, label_embedding_size(n_classes)) if n_classes else None
        width_in = (channels + (label_embedding_size(n_classes) if n_classes else 0)) * pack
        layers: list[nn.Module] = []
        width = hidden
        sides = conv_sizes(size)[::-1]
        for large, small in zip(sides, sides[1:]):  # each block halves the resolution down to 4x4
            layers += [maybe_spectral_norm(nn.Conv2d(width_in, width, _kernel(small, large), 2, 1), spectral_norm),
                       nn.LeakyReLU(0.2)]
            width_in, width = width, width * 2
        self.trunk = nn.Sequential(*layers)
        self.head = maybe_spectral_norm(nn.Linear((width_in + int(minibatch_std)) * 16, out_dim), spectral_norm)

    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        if self.embed is not None:
            maps = self.embed(y)[:, :, None, None].expand(-1, -1, x.shape[2], x.shape[3])
            x = torch.cat([x, maps], dim=1)
        if self.pack > 1:  # (B, C, S, S) -> (B/pack, pack*C, S, S)
            x = x.reshape(x.shape[0] // self.pack, -1, x.shape[2], x.shape[3])
        h = self.trunk(x)  # (width) x 4 x 4
        if self.minibatch_std:
            h = minibatch_stddev(h)
        out = self.head(h.flatten(1))
        return out.squeeze(1) if self.out_dim == 1 else out


def init_weights(module: nn.Module) -> None:
    """DCGAN's initialisation for conv nets: N(0, 0.02) weights, BatchNorm scale N(1, 0.02).

    Networks built on the meta device (the memory check's: shapes, no storage) have nothing to initialise, and
    skip it: torch's meta `normal_` would import torch._dynamo, a second and a half in a process that has not
    imported it yet."""
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
        parametrized = nn.utils.parametrize.is_parametrized(module, "weight")
        weight = module.parametrizations.weight.original if parametrized else module.weight
        if not weight.is_meta:
            with torch.no_grad():
                nn.init.normal_(weight, 0.0, 0.02)
    elif isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)) and not module.weight.is_meta:
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)


def build_models(cfg: TrainConfig, sample_shape: tuple, n_classes: int = 0) -> nn.ModuleDict:
    """The networks a config asks for.

    GAN: {"generator", "discriminator"}; VAE: {"generator" (the decoder), "encoder" (outputs mu and logvar)}.
    `n_classes` is used only by conditional models.
    """
    family = cfg.family
    if family is not None:
        return family.build(cfg, tuple(sample_shape), n_classes)
    classes = n_classes if cfg.is_conditional else 0
    conv = cfg.resolved_arch == "conv"
    if conv and len(sample_shape) != 3:
        raise ValueError("conv models need images")
    components = 0 if cfg.is_vae else cfg.latent_components  # a VAE's prior is fixed by its KL term
    fixed, weights = cfg.latent_mixture == "fixed", cfg.latent_weight_lr > 0
    if conv:
        generator = ConvGenerator(cfg.latent_dim, sample_shape, cfg.hidden, classes, components, fixed, weights)
    else:
        generator = MLPGenerator(cfg.latent_dim, sample_shape, cfg.hidden, cfg.depth, classes, components, fixed,
                                 weights)
    if cfg.is_vae:
        critic_kwargs = dict(n_classes=classes, out_dim=2 * cfg.latent_dim)
        second_name = "encoder"
    else:
        critic_kwargs = dict(n_classes=classes, pack=cfg.pack, spectral_norm=cfg.spectral_norm,
                             minibatch_std=cfg.minibatch_std)
        second_name = "discriminator"
    if conv:
        second = ConvDiscriminator(sample_shape, cfg.hidden, **critic_kwargs)
    else:
        second = MLPDiscriminator(sample_shape, cfg.hidden, cfg.depth, **critic_kwargs)
    models = nn.ModuleDict({"generator": generator, second_name: second})
    if conv:
        models.apply(init_weights)
    return models
