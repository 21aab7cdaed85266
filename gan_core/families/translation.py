"""Image-to-image translation: pix2pix (paired) and CycleGAN (unpaired), on toy tasks made from our own data.

A translation model does not draw from noise: it turns a *source* picture into a *target* picture. The
project makes its own pairs from any image dataset with a fixed, deterministic `make_source(images, task)`:

- "outline": source = the outline of the binarised image (its inner morphological edge); target = the image.
- "mask":    source = a grey silhouette of the shape; target = the coloured shape (colour images: shapes).
             The silhouette does not say which colour, so a model must invent one: a one-to-many task.
- "invert":  source = the image with black and white swapped; target = the image.
- "thicken": source = thin strokes (a grey-level erosion of the image); target = the image.

pix2pix (Isola et al. 2017) sees each source next to its own target. A U-Net G maps source -> target; a
PatchGAN D judges (source, image) pairs, one logit per overlapping patch, and G also pays an L1 distance to
the true target. CycleGAN (Zhu et al. 2017) never sees a pair: the A batch (sources of one random batch) and
the B batch (targets of another) are drawn independently. G: A -> B and F: B -> A each fool their own D, and
the cycle-consistency term |F(G(a)) - a| + |G(F(b)) - b| stops them from mapping everything to one picture.

How this fits the rest of the app, which expects `generator(z, labels)` to draw a sample from a latent:
the generator keeps a *bank* of 256 held-out images of the dataset (a registered buffer, so it is saved in
every checkpoint) that training never uses. A latent z only chooses which bank image to translate: the
normal CDF of z's two coordinates picks a row and a column of a 16 x 16 table of the bank, so a seed names a
source image and `generator(z)` returns its translation. Sample & Blend and Mode Collapse therefore show
translations of held-out sources; "interpolating" between two seeds hops between bank images, because that
is all z means here. `generator.translate(source)` and, for CycleGAN, `generator.back(target)` take images.

Models: "generator" holds G (and F), "discriminator" holds the D (or both Ds), so the trainer's two
optimisers cover them. History: loss_d, loss_g (the adversarial part), l1 (pix2pix) or cycle and identity
(CycleGAN), plus d_real, d_fake and the gradient norms.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from gan_core import losses
from gan_core.options import ConfigError
from gan_core.families.base import Family
from gan_core.images import make_grid
from gan_core.models import maybe_spectral_norm

# -- the toy tasks --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    name: str
    description: str
    description_zh: str
    identity: bool  # CycleGAN's identity loss fits: a target-domain picture fed to G should come back unchanged


TASKS: dict[str, Task] = {task.name: task for task in (
    Task("outline", "Outline -> picture: fill in and shade a digit (or shape) from its outline.",
         "轮廓 -> 图像：根据数字（或形状）的轮廓把它填满并画出明暗。", identity=True),
    Task("thicken", "Thin strokes -> picture: turn thin, eroded strokes back into the full digit.",
         "细笔画 -> 图像：把被腐蚀变细的笔画还原成完整的数字。", identity=True),
    Task("invert", "Inverted -> picture: swap black and white back.",
         "反色 -> 图像：把黑白颠倒的图像换回来。", identity=False),
    Task("mask", "Grey silhouette -> coloured shape: the silhouette does not say which colour, so the model must pick one.",
         "灰色剪影 -> 彩色形状：剪影不包含颜色信息，模型必须自己选一种颜色。", identity=True),
)}
DEFAULT_TASK = "outline"  # what an empty `config.task` means
# datasets whose pictures are grey digits or photos: a silhouette to colour in makes no sense for them
_NO_MASK_DATASETS = ("digits", "mnist5k", "mnist", "fashion-mnist", "stacked-digits", "stacked-mnist", "cifar10")

# -- the bank of held-out sources, and what a latent means ------------------------------------------------
BANK_SIDE = 16
BANK_SIZE = BANK_SIDE * BANK_SIDE  # held-out images kept inside the generator (256)
LATENT_DIM = 2  # z's two coordinates pick a row and a column of the bank
FIXED_SOURCES = 8  # bank images every snapshot shows
SPLIT_SEED = 20240611  # the held-out split does not depend on the run's seed: every run is scored on the same images

# -- objective weights (the papers' values; both losses are means over pixels, so they carry over to tiny images)
L1_WEIGHT = 100.0  # pix2pix: lambda of the L1 term
CYCLE_WEIGHT = 10.0  # CycleGAN: lambda of the cycle-consistency term
IDENTITY_WEIGHT = 0.5 * CYCLE_WEIGHT  # CycleGAN: identity term, for the tasks where it fits


def resolve_task(config) -> str:
    """The task a config trains: `config.task`, or DEFAULT_TASK when it is empty."""
    return config.task or DEFAULT_TASK


def _erode(images: torch.Tensor) -> torch.Tensor:
    """Grey-level erosion with a plus-shaped 3x3 element: each pixel becomes the minimum of itself and its 4
    neighbours. (B, C, H, W) -> (B, C, H, W). Outside the image counts as +inf, so the frame erodes nothing."""
    padded = F.pad(images, (1, 1, 1, 1), value=float("inf"))
    neighbours = (padded[..., 1:-1, 1:-1], padded[..., :-2, 1:-1], padded[..., 2:, 1:-1],
                  padded[..., 1:-1, :-2], padded[..., 1:-1, 2:])
    return torch.stack(neighbours).amin(dim=0)


def _ink(images: torch.Tensor) -> torch.Tensor:
    """Where the picture is: 1 where the brightest channel is above mid-grey, else 0. (B, C, H, W) -> (B, 1, H, W)."""
    return (images.amax(dim=1, keepdim=True) > 0).to(images.dtype)


def make_source(images: torch.Tensor, task: str) -> torch.Tensor:
    """The source picture each target comes from: (B, C, H, W) in [-1, 1] -> (B, C, H, W) in [-1, 1].

    Deterministic, pure tensor operations on the images' own device, so the same image always gives the same
    source. Grey sources (outline, mask) are copied to every channel of colour images.
    """
    if task not in TASKS:
        raise ValueError(f"Unknown translation task {task!r}; choose one of {', '.join(TASKS)}.")
    if images.dim() != 4:
        raise ValueError(f"Translation works on images shaped (batch, channels, height, width), not {tuple(images.shape)}.")
    channels = images.shape[1]
    if task == "invert":
        return -images
    if task == "thicken":
        thin = _erode(images)  # strokes lose a pixel on every side, and their faint edges go dark
        # stretch each image back to full brightness so the thin strokes stay clearly visible
        top = thin.amax(dim=(1, 2, 3), keepdim=True)
        return ((thin + 1) / (top + 1).clamp_min(1e-3) * 2 - 1).clamp(-1, 1)
    ink = _ink(images)  # (B, 1, H, W)
    if task == "outline":
        edge = ink - _erode(ink)  # the inner edge: ink pixels that touch the background
        return (edge * 2 - 1).expand(-1, channels, -1, -1).contiguous()  # white outline on black
    # mask: mid-grey (0) where the shape is, black elsewhere
    return (ink - 1).expand(-1, channels, -1, -1).contiguous()


def bank_index(z: torch.Tensor) -> torch.Tensor:
    """Which bank image a latent names: (B, latent_dim) -> int64 (B,) in [0, BANK_SIZE).

    The normal CDF turns z[:, 0] and z[:, 1] into uniform numbers, so standard-normal latents pick every bank
    image equally often: z[:, 0] chooses the row of a 16 x 16 table, z[:, 1] the column.
    """
    uniform = torch.special.ndtr(z[:, :LATENT_DIM].float())  # (B, 2) in [0, 1]
    cells = (uniform * BANK_SIDE).long().clamp_(0, BANK_SIDE - 1)
    return cells[:, 0] * BANK_SIDE + cells[:, 1]


def latent_for_index(index: torch.Tensor | int) -> torch.Tensor:
    """A latent (B, 2) that names bank image `index` (the centre of its cell): bank_index(latent_for_index(i)) == i."""
    index = torch.as_tensor(index).long().reshape(-1)
    row, col = index // BANK_SIDE, index % BANK_SIDE
    centres = (torch.stack([row, col], dim=1).double() + 0.5) / BANK_SIDE
    return torch.special.ndtri(centres).float()


# -- networks -------------------------------------------------------------------------------------------

def _groups(width: int) -> int:
    """GroupNorm groups: up to 8, dividing the width (any `hidden` works)."""
    return next(g for g in (8, 4, 2, 1) if width % g == 0)


def _norm(width: int) -> nn.Module:
    # GroupNorm, not BatchNorm: each image is normalised on its own, so a translation does not depend on what
    # else is in the batch, and training and eval mode give the same picture
    return nn.GroupNorm(_groups(width), width)


def _levels(size: int) -> int:
    if size not in (8, 16, 32):
        raise ConfigError("image_size", f"Translation models work on 8, 16 or 32 pixel images, not {size}.")
    return int(math.log2(size)) - 2  # halvings down to 4 x 4


class UNet(nn.Module):
    """The generator of pix2pix, small: (B, C, S, S) -> (B, C, S, S) in [-1, 1], S in {8, 16, 32}.

    An encoder halves the resolution down to 4 x 4; a decoder doubles it back, and at every resolution the
    encoder's features are concatenated to the decoder's (the skip connections): the outline of a digit can go
    straight across, and the bottleneck only has to carry what must be changed.
    """

    def __init__(self, channels: int, size: int, hidden: int):
        super().__init__()
        levels = _levels(size)
        widths = [hidden * 2 ** min(level, 2) for level in range(levels + 1)]  # hidden, 2 hidden, 4 hidden, 4 hidden
        self.stem = nn.Sequential(nn.Conv2d(channels, widths[0], 3, 1, 1), _norm(widths[0]), nn.LeakyReLU(0.2))  # (h) x S x S
        self.down = nn.ModuleList(
            nn.Sequential(nn.Conv2d(widths[i], widths[i + 1], 4, 2, 1), _norm(widths[i + 1]), nn.LeakyReLU(0.2))
            for i in range(levels))  # level i+1: (widths[i+1]) x S/2^(i+1) x S/2^(i+1)
        self.middle = nn.Sequential(nn.Conv2d(widths[-1], widths[-1], 3, 1, 1), _norm(widths[-1]), nn.LeakyReLU(0.2))  # 4 x 4
        self.up = nn.ModuleList(
            nn.Sequential(nn.ConvTranspose2d(widths[i + 1], widths[i], 4, 2, 1), _norm(widths[i]), nn.ReLU())
            for i in range(levels))  # up[i]: level i+1 -> level i, (widths[i]) x S/2^i x S/2^i
        self.fuse = nn.ModuleList(
            nn.Sequential(nn.Conv2d(2 * widths[i], widths[i], 3, 1, 1), _norm(widths[i]), nn.ReLU())
            for i in range(levels))  # [upsampled, skip] -> (widths[i]) x S/2^i x S/2^i
        self.head = nn.Conv2d(widths[0], channels, 3, 1, 1)  # (C) x S x S, before tanh

    def forward(self, source: torch.Tensor) -> torch.Tensor:
        skips = [self.stem(source)]  # (B, h, S, S)
        for block in self.down:
            skips.append(block(skips[-1]))  # (B, w, S/2, S/2), (B, w, S/4, S/4), ...
        h = self.middle(skips[-1])  # (B, w, 4, 4)
        for level in reversed(range(len(self.up))):
            h = self.up[level](h)  # (B, widths[level], 2x, 2x)
            h = self.fuse[level](torch.cat([h, skips[level]], dim=1))
        return torch.tanh(self.head(h))  # (B, C, S, S)


class PatchDiscriminator(nn.Module):
    """PatchGAN: one logit per overlapping patch instead of one per image. (B, C, S, S) -> (B, P * P).

    Two stride-2 convolutions (one at 8 pixels) and a 1x1 readout: at 16 pixels each of the 4 x 4 logits sees a
    10 x 10 window, so D judges local texture (is this stroke shaded like a real digit?) and the L1 or cycle
    term looks after the global layout. With `conditional`, D sees the source stacked on the image as extra
    channels and judges the pair: "is this a real target *for this source*?".
    """

    def __init__(self, channels: int, size: int, hidden: int, conditional: bool, spectral_norm: bool = False):
        super().__init__()
        self.conditional = conditional
        width_in = channels * (2 if conditional else 1)
        layers: list[nn.Module] = [maybe_spectral_norm(nn.Conv2d(width_in, hidden, 4, 2, 1), spectral_norm), nn.LeakyReLU(0.2)]  # (h) x S/2
        if size >= 16:
            layers += [maybe_spectral_norm(nn.Conv2d(hidden, 2 * hidden, 4, 2, 1), spectral_norm), nn.LeakyReLU(0.2)]  # (2h) x S/4
        width = 2 * hidden if size >= 16 else hidden
        layers.append(maybe_spectral_norm(nn.Conv2d(width, 1, 1), spectral_norm))  # (1) x P x P: one logit per patch
        self.net = nn.Sequential(*layers)

    def forward(self, images: torch.Tensor, condition: torch.Tensor | None = None) -> torch.Tensor:
        if self.conditional:
            if condition is None:
                raise ValueError("The pix2pix discriminator judges (source, image) pairs; pass the source too.")
            images = torch.cat([images, condition], dim=1)  # (B, 2C, S, S)
        return self.net(images).flatten(1)  # (B, P * P)


class TranslationGenerator(nn.Module):
    """G (source -> target) and, for CycleGAN, F (target -> source), plus the bank of held-out images.

    `forward(z, labels=None)`: (B, 2) latents -> (B, C, S, S) translations of the bank images z names (labels
    are ignored). `translate(source)` and `back(target)` work on any (B, C, S, S) images in [-1, 1].
    """

    latent_dim = LATENT_DIM

    def __init__(self, sample_shape: tuple, hidden: int, task: str, cycle: bool):
        super().__init__()
        channels, size = sample_shape[0], sample_shape[-1]
        self.sample_shape, self.task, self.cycle = tuple(sample_shape), task, cycle
        self.to_target = UNet(channels, size, hidden)  # G: A -> B
        self.to_source = UNet(channels, size, hidden) if cycle else None  # F: B -> A (CycleGAN only)
        # held-out target-domain images (their sources are made on the fly) and their labels (-1 = none);
        # filled from the dataset when a Trainer starts, restored from the checkpoint when loaded
        self.register_buffer("bank", torch.zeros(BANK_SIZE, *sample_shape))
        self.register_buffer("bank_labels", torch.full((BANK_SIZE,), -1, dtype=torch.long))
        self.register_buffer("bank_count", torch.zeros((), dtype=torch.long))  # distinct images (<= BANK_SIZE)

    def translate(self, source: torch.Tensor) -> torch.Tensor:
        """G(source): (B, C, S, S) -> (B, C, S, S) in [-1, 1]."""
        return self.to_target(source)

    def back(self, target: torch.Tensor) -> torch.Tensor:
        """F(target), CycleGAN's way back: (B, C, S, S) -> (B, C, S, S). ValueError for pix2pix (it has no F)."""
        if self.to_source is None:
            raise ValueError("pix2pix learns only one direction (source -> target); CycleGAN also learns the way back.")
        return self.to_source(target)

    def bank_sources(self) -> torch.Tensor:
        """The sources of the bank images: (BANK_SIZE, C, S, S)."""
        return make_source(self.bank, self.task)

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        targets = self.bank.index_select(0, bank_index(z).to(self.bank.device))  # (B, C, S, S) held-out images
        return self.translate(make_source(targets, self.task))


class TranslationCritics(nn.Module):
    """The discriminators: `target_critic` judges target-domain images (D, or CycleGAN's D_B) and, for CycleGAN,
    `source_critic` judges source-domain images (D_A).

    `forward(images, sources=None)` gives one score per image (the mean patch logit of the target critic); a
    pix2pix critic needs the sources too.
    """

    def __init__(self, sample_shape: tuple, hidden: int, paired: bool, spectral_norm: bool):
        super().__init__()
        channels, size = sample_shape[0], sample_shape[-1]
        self.target_critic = PatchDiscriminator(channels, size, hidden, conditional=paired, spectral_norm=spectral_norm)
        self.source_critic = (None if paired else
                              PatchDiscriminator(channels, size, hidden, conditional=False, spectral_norm=spectral_norm))

    def forward(self, images: torch.Tensor, sources: torch.Tensor | None = None) -> torch.Tensor:
        return self.target_critic(images, sources).mean(dim=1)  # (B,)


def _init(module: nn.Module) -> None:
    """pix2pix's initialisation: conv weights from N(0, 0.02), zero biases."""
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
        parametrized = nn.utils.parametrize.is_parametrized(module, "weight")
        weight = module.parametrizations.weight.original if parametrized else module.weight
        with torch.no_grad():
            nn.init.normal_(weight, 0.0, 0.02)
            if module.bias is not None:
                nn.init.zeros_(module.bias)


def _build(config, sample_shape: tuple, n_classes: int, cycle: bool) -> nn.ModuleDict:
    if len(sample_shape) != 3:
        raise ConfigError("model", f"The {config.model} model translates images; pick an image dataset such as digits.")
    task = resolve_task(config)
    if task == "mask" and sample_shape[0] != 3:
        raise ConfigError("task", "The mask task colours in a grey silhouette, so it needs colour images such as shapes.")
    models = nn.ModuleDict({
        "generator": TranslationGenerator(sample_shape, config.hidden, task, cycle),
        "discriminator": TranslationCritics(sample_shape, config.hidden, paired=not cycle,
                                            spectral_norm=config.spectral_norm),
    })
    models.apply(_init)
    return models


def build_pix2pix(config, sample_shape: tuple, n_classes: int = 0) -> nn.ModuleDict:
    """{"generator": G with its bank, "discriminator": the conditional PatchGAN}."""
    return _build(config, sample_shape, n_classes, cycle=False)


def build_cyclegan(config, sample_shape: tuple, n_classes: int = 0) -> nn.ModuleDict:
    """{"generator": G and F with the bank, "discriminator": D_B (target_critic) and D_A (source_critic)}."""
    return _build(config, sample_shape, n_classes, cycle=True)


# -- data: the held-out bank and the training split ---------------------------------------------------------

@dataclass
class _Split:
    train_index: torch.Tensor  # int64 (N_train,) rows of the dataset that training may draw, on its device
    held_out: torch.Tensor  # int64 (K,) rows in the bank, in bank order (CPU); K <= BANK_SIZE


def _round_robin(labels: torch.Tensor) -> torch.Tensor:
    """An order of `labels` (K,) that cycles through the classes (one of each, then the second of each, ...),
    so the first bank images, which every snapshot shows, are different digits."""
    rank = torch.zeros_like(labels)
    for value in torch.unique(labels):
        where = (labels == value).nonzero().flatten()
        rank[where] = torch.arange(len(where))
    key = rank * (int(labels.max()) + 1) + labels
    return torch.argsort(key, stable=True)


def _split(trainer) -> _Split:
    """Split the dataset once per trainer: up to 256 held-out images go into the generator's bank, the rest train.

    The split comes from its own fixed seed (not the run's, nor `trainer.rng`), so every run on a dataset holds
    out the same images and the training stream is untouched. A dataset of fewer than 5 images cannot spare
    one: then the bank shows training images.
    """
    cached = getattr(trainer, "_translation_split", None)
    if cached is not None:
        return cached
    data = trainer.dataset
    n = len(data)
    order = torch.randperm(n, generator=torch.Generator().manual_seed(SPLIT_SEED))
    held = min(BANK_SIZE, n // 5)  # a fifth at most, so small folders keep most images for training
    held_out, train_index = (order[:held], order[held:]) if held else (order, order)
    labels = data.labels.cpu()[held_out] if data.labels is not None else None
    if labels is not None:
        held_out = held_out[_round_robin(labels)]
    bank_rows = held_out[torch.arange(BANK_SIZE) % len(held_out)]  # cycles when fewer than 256 are held out
    generator = trainer.models["generator"]
    with torch.no_grad():
        generator.bank.copy_(data.data[bank_rows.to(data.data.device)])
        if data.labels is not None:
            generator.bank_labels.copy_(data.labels[bank_rows.to(data.labels.device)])
        generator.bank_count.fill_(len(held_out))
    split = _Split(train_index.to(data.data.device), held_out)
    trainer._translation_split = split
    return split


def _training_images(trainer, n: int) -> torch.Tensor:
    """n target-domain images drawn with replacement from the training split with `trainer.rng`: (n, C, S, S).

    Like Dataset.sample_batch, but never from the held-out bank, so the bank measures generalisation.
    """
    data, train_index = trainer.dataset, _split(trainer).train_index
    pick = torch.randint(len(train_index), (n,), generator=trainer.rng, device=trainer.rng.device)
    rows = train_index.index_select(0, pick.to(train_index.device))
    flat = data.data.reshape(len(data), -1).index_select(0, rows)  # whole rows: faster than data[rows] on a CPU
    return flat.view(n, *data.sample_shape).to(trainer.device)


# -- one training step --------------------------------------------------------------------------------------

def step_pix2pix(trainer) -> dict:
    """One D update and one G update on a paired batch. Returns 0-d tensors: loss_d, d_real, d_fake, loss_g (the
    adversarial part), l1 (mean |G(source) - target| per pixel, before the weight), grad_norm_d, grad_norm_g."""
    cfg = trainer.config
    generator, critics = trainer.models["generator"], trainer.models["discriminator"]
    critic = critics.target_critic
    target = _training_images(trainer, cfg.batch_size)  # (B, C, S, S)
    source = make_source(target, generator.task)  # (B, C, S, S): its pair
    fake = generator.translate(source)
    # update D: maximise log D(source, target) + log(1 - D(source, G(source))), patch by patch
    loss_d, stats = losses.critic_loss(cfg, critic, target, fake.detach(), source, trainer.rng)
    stats["grad_norm_d"] = trainer.update_critic(loss_d)
    # update G: fool the updated D on the pair, and stay close to the true target (L1 keeps the layout right,
    # the GAN term keeps the strokes crisp instead of the blurry average L1 alone prefers)
    loss_adv, g_stats = losses.generator_loss(cfg.loss, critic(fake, source))  # G's step takes G's gradients only
    l1 = (fake - target).abs().mean()
    stats["grad_norm_g"] = trainer.update_generator(loss_adv + L1_WEIGHT * l1)
    return {**stats, **g_stats, "l1": l1.detach()}


def step_cyclegan(trainer) -> dict:
    """One update of both Ds and one of both generators on UNPAIRED batches.

    Returns 0-d tensors: loss_d (D_B + D_A), d_real / d_fake (D_B, the target domain), loss_g (both adversarial
    terms), cycle (mean per-pixel |F(G(a)) - a| and |G(F(b)) - b|, averaged over the two directions), identity
    (likewise, for the tasks where it is used), grad_norm_d, grad_norm_g.
    """
    cfg = trainer.config
    generator, critics = trainer.models["generator"], trainer.models["discriminator"]
    n = cfg.batch_size
    real_a = make_source(_training_images(trainer, n), generator.task)  # (B, C, S, S) sources of one batch
    real_b = _training_images(trainer, n)  # (B, C, S, S) targets of another, drawn independently: no pairs
    fake_b, fake_a = generator.translate(real_a), generator.back(real_b)
    # update D_B and D_A: each tells its own domain's real pictures from the translations into it
    loss_d_b, stats = losses.critic_loss(cfg, critics.target_critic, real_b, fake_b.detach(), generator=trainer.rng)
    loss_d_a, stats_a = losses.critic_loss(cfg, critics.source_critic, real_a, fake_a.detach(), generator=trainer.rng)
    if "penalty" in stats:
        stats["penalty"] = stats["penalty"] + stats_a["penalty"]
    stats["loss_d"] = (loss_d_b + loss_d_a).detach()
    stats["grad_norm_d"] = trainer.update_critic(loss_d_b + loss_d_a)
    # update G and F: fool both Ds, and come back to where you started after a round trip (cycle consistency)
    loss_g_b, _ = losses.generator_loss(cfg.loss, critics.target_critic(fake_b))
    loss_g_a, _ = losses.generator_loss(cfg.loss, critics.source_critic(fake_a))
    cycle_a = (generator.back(fake_b) - real_a).abs().mean()  # a -> G -> F -> a
    cycle_b = (generator.translate(fake_a) - real_b).abs().mean()  # b -> F -> G -> b
    loss_g = loss_g_b + loss_g_a + CYCLE_WEIGHT * (cycle_a + cycle_b)
    out = {"loss_g": (loss_g_b + loss_g_a).detach(), "cycle": ((cycle_a + cycle_b) / 2).detach()}
    if TASKS[generator.task].identity:
        # a picture already in G's target domain should pass through G unchanged (and likewise for F)
        identity_b = (generator.translate(real_b) - real_b).abs().mean()
        identity_a = (generator.back(real_a) - real_a).abs().mean()
        loss_g = loss_g + IDENTITY_WEIGHT * (identity_a + identity_b)
        out["identity"] = ((identity_a + identity_b) / 2).detach()
    stats["grad_norm_g"] = trainer.update_generator(loss_g)
    return {**stats, **out}


# -- what the pages show ----------------------------------------------------------------------------------

def translate_examples(generator: TranslationGenerator, sources: torch.Tensor) -> dict:
    """Translate `sources` (N, C, S, S) in [-1, 1] in eval mode without gradients.

    Returns CPU float tensors {"source": (N, C, S, S), "output": G(source), "cycle": F(G(source)) for CycleGAN
    or None for pix2pix}. ValueError (one sentence) when the images do not match the model.
    """
    if not isinstance(generator, TranslationGenerator):
        raise ValueError("This checkpoint is not a translation model (pix2pix or cyclegan).")
    expected = tuple(generator.sample_shape)
    if not isinstance(sources, torch.Tensor) or sources.dim() != 4 or tuple(sources.shape[1:]) != expected:
        shape = tuple(sources.shape) if isinstance(sources, torch.Tensor) else type(sources).__name__
        raise ValueError(f"This model translates images shaped (N, {', '.join(map(str, expected))}); got {shape}.")
    device = generator.bank.device
    was_training = generator.training
    generator.eval()
    try:
        with torch.inference_mode():
            source = sources.to(device).float()
            output = generator.translate(source)
            cycle = generator.back(output) if generator.cycle else None
    finally:
        generator.train(was_training)
    return {"source": source.cpu(), "output": output.float().cpu(),
            "cycle": None if cycle is None else cycle.float().cpu()}


def heldout_scores(generator: TranslationGenerator, classifier=None) -> dict:
    """How well the model translates the held-out bank images (never trained on). Plain floats:

    l1: mean per-pixel |G(source) - true target| (the pair CycleGAN never saw, pix2pix's own objective);
    cycle: mean |F(G(source)) - source| (CycleGAN only); with a classifier (gan_core.evaluation.classifier) and labels:
    label_accuracy = how often the classifier reads the translation as the source image's own label, and
    real_accuracy = the same on the true targets (the ceiling); n = distinct held-out images scored.
    """
    count = int(generator.bank_count)
    if count == 0:
        raise ValueError("The bank of held-out images is empty: this generator was never attached to a dataset.")
    examples = translate_examples(generator, generator.bank_sources()[:count])
    targets = generator.bank[:count].float().cpu()
    scores = {"n": count, "l1": float((examples["output"] - targets).abs().mean())}
    if examples["cycle"] is not None:
        scores["cycle"] = float((examples["cycle"] - examples["source"]).abs().mean())
    labels = generator.bank_labels[:count].cpu()
    if classifier is not None and bool((labels >= 0).all()):
        scores["label_accuracy"] = float((classifier.predict(examples["output"]) == labels).float().mean())
        scores["real_accuracy"] = float((classifier.predict(targets) == labels).float().mean())
    return scores


def fixed_batch(trainer) -> tuple[torch.Tensor, None]:
    """The latents of the first FIXED_SOURCES bank images (one of each class first), so every snapshot shows the
    same held-out sources. Also attaches the dataset: fills the bank and picks the training split."""
    _split(trainer)
    return latent_for_index(torch.arange(FIXED_SOURCES)), None


def snapshot(trainer, snap: dict) -> None:
    """Add "translation_grid": a uint8 (H, W, 3) grid of 3 rows x 8 fixed sources: source | output | real
    target (pix2pix) or source | output | cycle reconstruction F(G(source)) (CycleGAN); "translation_rows" names
    the rows; "heldout_l1" is heldout_scores' l1 on all held-out images."""
    generator = trainer.generator
    sources = generator.bank_sources()[:FIXED_SOURCES]
    examples = translate_examples(generator, sources)
    if generator.cycle:
        third, rows = examples["cycle"], ["source", "output", "cycle"]
    else:
        third, rows = generator.bank[:FIXED_SOURCES].float().cpu(), ["source", "output", "target"]
    snap["translation_grid"] = make_grid(torch.cat([examples["source"], examples["output"], third]), nrow=FIXED_SOURCES)
    snap["translation_rows"] = rows
    snap["heldout_l1"] = heldout_scores(generator)["l1"]


def validate(config) -> dict[str, str]:
    """Combinations a translation model cannot run, each as one sentence keyed by the field to change."""
    problems: dict[str, str] = {}
    task = resolve_task(config)
    if task not in TASKS:
        problems["task"] = f"task must be one of {', '.join(TASKS)} for {config.model}; got {config.task!r}."
    elif task == "mask" and config.dataset in _NO_MASK_DATASETS:
        problems["task"] = (f"The mask task colours in a grey silhouette, which suits the shapes dataset, not "
                            f"{config.dataset}: pick shapes, or the outline, thicken or invert task.")
    if config.image_size not in (8, 16, 32):
        problems["image_size"] = (f"Translation models halve the image down to 4x4, so they work on 8, 16 or 32 pixel "
                                  f"images, not {config.image_size}.")
    if config.arch == "mlp":
        problems["arch"] = "Translation models are conv nets (a U-Net and a PatchGAN); set the architecture to auto or conv."
    if config.pack != 1:
        problems["pack"] = "Packing is not used by translation models (each D judges patches of one image); set pack to 1."
    if config.minibatch_std:
        problems["minibatch_std"] = "Minibatch standard deviation is not used by translation models; turn it off."
    if config.n_critic != 1:
        problems["n_critic"] = "Translation models update D once per step (the L1 or cycle term steadies G); set n_critic to 1."
    return problems


# z only names a bank image (two numbers), so shrinking it toward 0 would pick the middle picture, not a typical one,
# and the pictures named by two nearby z are unrelated: no walks or blends between them
_FAMILY_OPTIONS = dict(images_only=True, snapshot=snapshot, validate=validate, fixed_batch=fixed_batch,
                       latent_size=lambda config, sample_shape: LATENT_DIM, truncation="", latent_walks=False)

PIX2PIX = Family(
    name="pix2pix",
    description=("pix2pix: a U-Net learns to turn each source picture (e.g. a digit's outline) into its paired "
                 "target, judged by a patch discriminator plus an L1 distance to the true target."),
    description_zh="pix2pix：U-Net 学习把每张源图像（例如数字的轮廓）变成与之配对的目标图像，由分块判别器和与真实目标的 L1 距离共同评判。",
    build=build_pix2pix,
    step=step_pix2pix,
    loss_keys=("loss_d", "loss_g", "l1"),
    critic_terms=("D(x, y)", "D(x, G(x))"),  # D judges the source x with the true target y, or with G's translation
    **_FAMILY_OPTIONS,
)

CYCLEGAN = Family(
    name="cyclegan",
    description=("CycleGAN: learns source -> target and back from unpaired pictures; each direction fools its own "
                 "discriminator, and a round trip must return the starting picture (cycle consistency)."),
    description_zh="CycleGAN：从不配对的图像中学习源 -> 目标以及反方向的翻译；每个方向都要骗过自己的判别器，且往返一次必须回到原图（循环一致性）。",
    build=build_cyclegan,
    step=step_cyclegan,
    loss_keys=("loss_d", "loss_g", "cycle", "identity"),
    critic_terms=("D_B(y)", "D_B(G(x))"),  # the curves follow the target domain's D (step_cyclegan)
    **_FAMILY_OPTIONS,
)

FAMILIES = (PIX2PIX, CYCLEGAN)
