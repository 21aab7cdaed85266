"""Latent-space tools: seeded sampling, interpolation, blends, arithmetic, edits, encoding.

Vectors are torch tensors of shape (dim,) or (n, dim). `LatentModel` wraps a loaded checkpoint so the CLI,
the pages and the tests all make the same images from the same seed.
"""
from __future__ import annotations

import math
import threading

import numpy as np
import torch

from gan_core.checkpoints import Checkpoint, load_checkpoint
from gan_core.config import TrainConfig
from gan_core.losses import density_ratio_logits
from gan_core.models import ConvGenerator, sample_latents  # noqa: F401  (sample_latents re-exported: the latents every tool starts from)

GENERATE_BATCH = 1024  # samples per forward pass for 2-D points and on a GPU; sample_rejection's smallest draw
# An image model on a CPU draws in chunks whose last activation (image_size^2 x hidden floats a sample) stays under
# this many floats (16 MB), in chunks of at least 64 even where those exceed it. 10,000 samples, chunks of
# 128 / 256 / 512 / 1024, medians of 3 on 2 cores: digits-gan 0.99 / 0.91 / 0.85 / 1.23 s, mnist-cgan (28 px)
# 3.2 / 4.5 / 4.8 / 5.3 s, mnist-vae (28 px, hidden 16) 1.14 / 1.10 / 1.07 / 1.78 s; 1,000 digits-ddpm samples,
# the mean of two rounds: 5.3 / 5.1 / 5.1 / 8.4 s (docs/BENCHMARKS.md, session 24). The same samples: batch norm is
# in eval mode, StyleGAN's noise is its constant in eval mode and DDIM adds none, so no sample depends on its chunk.
CONV_CHUNK_FLOATS = 4 * 2**20
MAX_IMAGE_CHUNK = 512  # a family's wider layers (a U-Net's skips) are not in the estimate above

# Discriminator rejection sampling (Azadi et al. 2019): POST-HOC, a filter on the generator's samples at sampling
# time; what it yields is never the generator's own quality, and everything that shows it says so.
REJECTION_LABEL = ("post-hoc: discriminator rejection sampling (Azadi et al. 2019) keeps the samples D rates most "
                   "real; these are not the generator's own samples")
REJECTION_EPSILON = 1e-6  # the paper's epsilon: keeps log(1 - exp(...)) finite at the largest logit
# gamma = this percentile of F(x) over the burn-in (the DRS reference code shifts by the 60th or 95th percentile of
# each batch). Higher is pickier: on the ring8-fixed demo (width 96 since session 19; its own samples 98.8 %, reverse
# KL 0.002) 50 gives 99.4 % high quality with reverse KL 0.076, 95 gives 99.4 % but reverse KL 0.28, more samples on
# the modes D rates best: see docs/BENCHMARKS.md
REJECTION_PERCENTILE = 50.0
REJECTION_BURN_IN = 10_000  # samples whose largest logit starts the estimate of D~*_M (the paper's burn-in)
REJECTION_MAX_CANDIDATES = 200  # at most this many candidates per sample asked for


def rejection_acceptance(logits: torch.Tensor, max_logit: float, gamma: float,
                         epsilon: float = REJECTION_EPSILON) -> torch.Tensor:
    """DRS's acceptance probability for D's logits (n,) -> (n,) in (0, 1):
    F(x) = D~(x) - D~*_M - log(1 - exp(D~(x) - D~*_M - epsilon)) - gamma, p = sigmoid(F(x)).

    D~ is the logit, D~*_M the largest logit seen; e^(D~ - D~*_M) estimates p_data / (M p_g), the ideal rejection
    sampler's acceptance, and F is its logit, shifted by gamma to set how picky the filter is."""
    delta = (logits.double() - float(max_logit)).clamp(max=0.0)
    return torch.sigmoid(delta - torch.log1p(-torch.exp(delta - epsilon)) - float(gamma)).float()


def latent_for_seed(seed: int, dim: int) -> torch.Tensor:
    """The single latent (dim,) a seed stands for, so 'seed 7' always names the same point."""
    return sample_latents(1, dim, seed)[0]


def truncate(z: torch.Tensor, psi: float) -> torch.Tensor:
    """The truncation trick in its simplest form: pull latents toward the mean (0) by psi in [0, 1].

    psi = 1 leaves samples unchanged; smaller psi trades variety for typical, cleaner samples. This only works
    where the generator reads z's length: `LatentModel.decode(z, truncation=psi)` picks the right place for
    each family (z, StyleGAN's w, or nowhere).
    """
    return z * float(psi)


class TruncationError(ValueError):
    """The model has no average latent to pull toward (see TrainConfig.truncation_space)."""


def lerp(a: torch.Tensor, b: torch.Tensor, t: float | torch.Tensor) -> torch.Tensor:
    """Straight line: (1 - t) a + t b."""
    return a + (b - a) * t


def slerp(a: torch.Tensor, b: torch.Tensor, t: float | torch.Tensor, eps: float = 1e-7) -> torch.Tensor:
    """Spherical interpolation along the great circle between a and b, with the norm interpolated linearly.

    Gaussian latents concentrate near a sphere; a straight line between two of them cuts through the
    low-density middle, which slerp avoids. Falls back to lerp for (anti)parallel vectors.
    """
    a_norm, b_norm = a.norm(dim=-1, keepdim=True), b.norm(dim=-1, keepdim=True)
    a_unit, b_unit = a / a_norm.clamp_min(eps), b / b_norm.clamp_min(eps)
    cos = (a_unit * b_unit).sum(dim=-1, keepdim=True).clamp(-1.0, 1.0)
    omega = torch.arccos(cos)
    sin = torch.sin(omega)
    t = torch.as_tensor(t, dtype=a.dtype)
    if float(sin.abs().min()) < 1e-4:
        return lerp(a, b, t)
    direction = (torch.sin((1 - t) * omega) * a_unit + torch.sin(t * omega) * b_unit) / sin
    return direction * lerp(a_norm, b_norm, t)


def angle_degrees(a: torch.Tensor, b: torch.Tensor, eps: float = 1e-7) -> float:
    """The angle between two latents (1-D), in degrees: how far lerp dips between them depends on it. Two random
    latents in many dimensions are close to 90 degrees apart; in 2 dimensions any angle is as likely as another."""
    cos = float((a @ b) / (a.norm() * b.norm()).clamp_min(eps))
    return math.degrees(math.acos(max(-1.0, min(1.0, cos))))


def interpolate(a: torch.Tensor, b: torch.Tensor, steps: int, mode: str = "slerp") -> torch.Tensor:
    """`steps` latents from a to b inclusive: (steps, dim). mode: 'lerp' or 'slerp'."""
    if mode not in ("lerp", "slerp"):
        raise ValueError("mode must be lerp or slerp")
    if steps < 2:
        raise ValueError("an interpolation needs at least 2 steps")
    ts = torch.linspace(0, 1, steps, dtype=a.dtype)[:, None]
    path = lerp(a[None], b[None], ts) if mode == "lerp" else slerp(a[None].expand(steps, -1), b[None].expand(steps, -1), ts)
    path[0], path[-1] = a, b  # endpoints exact, whatever the arithmetic
    return path


def corner_blend(top_left: torch.Tensor, top_right: torch.Tensor, bottom_left: torch.Tensor,
                 bottom_right: torch.Tensor, rows: int = 5, cols: int = 5) -> torch.Tensor:
    """Bilinear mix of four latents over a rows x cols grid, row-major: (rows * cols, dim)."""
    v = torch.linspace(0, 1, rows, dtype=top_left.dtype)[:, None, None]
    u = torch.linspace(0, 1, cols, dtype=top_left.dtype)[None, :, None]
    top = lerp(top_left, top_right, u)
    bottom = lerp(bottom_left, bottom_right, u)
    return lerp(top, bottom, v).reshape(rows * cols, -1)


def arithmetic(a: torch.Tensor, b: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
    """a - b + c: 'a is to b as ? is to c' (the word-vector analogy, in latent space)."""
    return a - b + c


def sweep_dimension(z: torch.Tensor, dim: int, values) -> torch.Tensor:
    """Copies of z (dim,) with coordinate `dim` set to each of `values`: (len(values), d)."""
    values = torch.as_tensor(list(values), dtype=z.dtype)
    out = z[None].repeat(len(values), 1)
    out[:, dim] = values
    return out


def move_along(z: torch.Tensor, direction: torch.Tensor, amounts) -> torch.Tensor:
    """z + a * direction for each a in amounts: (len(amounts), d)."""
    amounts = torch.as_tensor(list(amounts), dtype=z.dtype)[:, None]
    return z[None] + amounts * direction[None]


def decode_chunk_size(config: TrainConfig, device: torch.device) -> int:
    """Samples per forward pass in LatentModel.decode: for images on a CPU, the largest power of two up to
    MAX_IMAGE_CHUNK whose last activation fits CONV_CHUNK_FLOATS, and at least 64; else GENERATE_BATCH."""
    if device.type != "cpu" or config.is_points:
        return GENERATE_BATCH
    per_sample = int(config.image_size) ** 2 * max(int(config.hidden), 1)
    return int(min(MAX_IMAGE_CHUNK, max(64, 2 ** math.floor(math.log2(max(CONV_CHUNK_FLOATS // per_sample, 1))))))


class LatentModel:
    """A trained generator (and, for a VAE, its encoder) ready for exploration on the CPU or a GPU.

    Thread-safe for concurrent sampling: a lock guards the forward passes, so one cached instance can serve
    every browser session.
    """

    def __init__(self, checkpoint: Checkpoint, device: str | torch.device = "cpu"):
        self.checkpoint = checkpoint
        self.config = checkpoint.config
        self.data_info = checkpoint.data_info
        self.device = torch.device(device)
        self.models = checkpoint.build_models(self.device)
        self.generator = self.models["generator"]
        if self.device.type == "cpu" and isinstance(self.generator, ConvGenerator):
            # channels_last: the same numbers (to float rounding, ~1e-7) about 1.5x faster through oneDNN's
            # transposed convolutions on a CPU (10,000 digits: 0.64-0.82 s instead of 0.9-1.5 s on 2 cores).
            # Only for drawing samples here; training keeps the default layout (bench_optim.py says why).
            self.generator.to(memory_format=torch.channels_last)
        self.chunk_size = decode_chunk_size(self.config, self.device)  # samples per forward pass in decode
        self.encoder = self.models["encoder"] if "encoder" in self.models else None
        self.discriminator = self.models["discriminator"] if "discriminator" in self.models else None
        self._lock = threading.Lock()

    @classmethod
    def load(cls, source, device: str | torch.device = "cpu") -> "LatentModel":
        return cls(source if isinstance(source, Checkpoint) else load_checkpoint(source), device)

    # -- facts ----------------------------------------------------------------------------------------
    @property
    def latent_dim(self) -> int:
        return int(getattr(self.generator, "latent_dim", self.config.latent_dim))

    @property
    def mixture_components(self) -> int:
        """K when G's latent is a mixture of K Gaussians (DeLiGAN's learned one or a fixed one), else 0. z[0]'s
        quantile picks the component, so a straight line along z[0] crosses from one component to the next."""
        mixture = getattr(self.generator, "mixture", None)
        return int(mixture.components) if mixture is not None else 0

    @property
    def n_classes(self) -> int:
        return int(self.data_info.get("n_classes", 0)) if self.config.is_conditional else 0

    @property
    def class_names(self) -> list[str]:
        return list(self.data_info.get("class_names", []))

    @property
    def is_points(self) -> bool:
        return self.data_info.get("kind") == "points"

    @property
    def is_vae(self) -> bool:
        return self.config.is_vae

    @property
    def latent_walks(self) -> bool:
        """Whether walks, blends, arithmetic and edits of z mean anything for this model: not for a translation model,
        whose z only picks a held-out picture (gan_core.families.base.Family.latent_walks), so a walk from a 3 to a 4
        would pass through unrelated pictures."""
        return self.config.latent_walks

    @property
    def truncation_space(self) -> str:
        """Where psi pulls toward the average: "z" (z -> psi z), "w" (StyleGAN: w -> w_avg + psi (w - w_avg)),
        or "" when the model cannot truncate (ProGAN normalises z's length away; a translation's z names a
        picture)."""
        return self.config.truncation_space

    def truncated(self, z: torch.Tensor, psi: float) -> torch.Tensor:
        """The latents the generator is given for psi: psi z where truncation works in z, else z unchanged (a
        StyleGAN's psi acts later, inside the generator)."""
        return truncate(z, psi) if self.truncation_space == "z" else z

    def default_labels(self, n: int) -> torch.Tensor | None:
        """Labels cycling through the classes (0, 1, ..., K-1, 0, ...) for conditional models, else None."""
        return torch.arange(n) % self.n_classes if self.n_classes else None

    # -- forward passes ---------------------------------------------------------------------------------
    @torch.inference_mode()
    def decode(self, z: torch.Tensor, labels: torch.Tensor | None = None, truncation: float = 1.0) -> torch.Tensor:
        """G(z) (a VAE's decoder): (n, dim) -> (n, 2) or (n, C, H, W) in [-1, 1], on the CPU, batched.

        truncation: psi in [0, 1], applied where this model's generator can use it (`truncation_space`); a model
        that cannot truncate raises TruncationError for psi != 1 rather than ignoring it."""
        psi = float(truncation)
        if psi != 1.0 and not self.truncation_space:
            raise TruncationError(f"A {self.config.model} model cannot be truncated: it has no average latent to "
                                  "pull toward; leave truncation at 1.")
        z = self.truncated(z.reshape(-1, self.latent_dim).float(), psi)
        options = {"truncation_psi": psi} if self.truncation_space == "w" and psi != 1.0 else {}
        if self.n_classes and labels is None:
            labels = self.default_labels(z.shape[0])
        elif not self.n_classes:
            labels = None
        outputs = []
        with self._lock:
            size = self.chunk_size
            for start in range(0, z.shape[0], size):
                chunk = z[start:start + size].to(self.device)
                chunk_labels = None if labels is None else labels[start:start + size].to(self.device)
                outputs.append(self.generator(chunk, chunk_labels, **options).float().cpu().contiguous())
        return torch.cat(outputs) if outputs else torch.empty(0)

    def sample(self, n: int, seed: int = 0, labels: torch.Tensor | None = None, truncation: float = 1.0,
               rejection: bool = False) -> torch.Tensor:
        """n samples from seed: exactly what `python -m gan_core sample CKPT --n n --seed seed` writes.

        rejection=True: POST-HOC discriminator rejection sampling (`sample_rejection`), not the generator's own
        samples; `--rejection` on the command line."""
        if rejection:
            return self.sample_rejection(n, seed)[0]
        return self.decode(sample_latents(n, self.latent_dim, seed), labels, truncation)

    @property
    def can_reject(self) -> bool:
        """True for an unconditional classic GAN with its discriminator: what rejection sampling needs."""
        return self.discriminator is not None and self.config.family is None and not self.n_classes

    def sample_rejection(self, n: int, seed: int = 0, percentile: float = REJECTION_PERCENTILE) -> tuple[torch.Tensor, dict]:
        """POST-HOC discriminator rejection sampling (Azadi et al. 2019): up to n samples (n, ...) and what it cost.

        Candidates G(z) come from one seeded stream; the first REJECTION_BURN_IN set D~*_M (their largest logit,
        raised whenever a larger one turns up) and gamma (the `percentile` of F(x) over them); each candidate is
        kept with probability `rejection_acceptance`. Stops at n kept or REJECTION_MAX_CANDIDATES * n candidates
        (then fewer come back, and the dict says so). The paper also recalibrates D on held-out data first; we use
        D as training left it. Returns (samples, {"post_hoc": True, "label", "method", "candidates", "accepted",
        "acceptance_rate", "gamma", "max_logit", "percentile"}).
        """
        if not self.can_reject:
            raise ValueError("Rejection sampling needs an unconditional GAN with its discriminator "
                             f"(a {self.config.model} model has none to ask).")
        if not 0.0 < float(percentile) < 100.0:
            raise ValueError(f"percentile must be between 0 and 100, got {percentile}.")
        stream = torch.Generator().manual_seed(int(seed))
        chunk = max(GENERATE_BATCH, min(4 * int(n), 20_000))
        burn_in = self.decode(torch.randn(REJECTION_BURN_IN, self.latent_dim, generator=stream))
        burn_logits = density_ratio_logits(self.config.loss, self.discriminate(burn_in))
        max_logit = float(burn_logits.max())
        scores = torch.logit(rejection_acceptance(burn_logits, max_logit, 0.0).double().clamp(1e-12, 1 - 1e-12))
        gamma = float(torch.quantile(scores, float(percentile) / 100.0))
        kept, accepted, candidates = [], 0, 0
        while accepted < n and candidates < REJECTION_MAX_CANDIDATES * n:
            drawn = self.decode(torch.randn(chunk, self.latent_dim, generator=stream))
            logits = density_ratio_logits(self.config.loss, self.discriminate(drawn))
            max_logit = max(max_logit, float(logits.max()))
            keep = torch.rand(chunk, generator=stream) < rejection_acceptance(logits, max_logit, gamma)
            kept.append(drawn[keep])
            accepted += int(keep.sum())
            candidates += chunk
        samples = torch.cat(kept)[:n]
        info = {"post_hoc": True, "label": REJECTION_LABEL, "method": "discriminator rejection sampling",
                "candidates": candidates, "accepted": int(samples.shape[0]),
                "acceptance_rate": accepted / max(1, candidates), "gamma": gamma, "max_logit": max_logit,
                "percentile": float(percentile)}
        return samples, info

    @torch.inference_mode()
    def encode(self, images: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """A VAE's encoder mean for each input: (n, *sample_shape) -> (n, dim)."""
        if self.encoder is None:
            raise ValueError("Only a VAE has an encoder; this checkpoint is a GAN.")
        if self.n_classes and labels is None:
            raise ValueError("A conditional VAE needs the label of each image it encodes.")
        with self._lock:
            out = self.encoder(images.float().to(self.device), None if not self.n_classes else labels.to(self.device))
        return out[:, : self.latent_dim].float().cpu()

    def reconstruct(self, images: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        return self.decode(self.encode(images, labels), labels)

    @torch.inference_mode()
    def discriminate(self, x: torch.Tensor) -> torch.Tensor | None:
        """D's raw score for each input (pack copies of each when packing), or None for a VAE."""
        if self.discriminator is None:
            return None
        pack = self.config.pack
        with self._lock:
            return self.discriminator(x.to(self.device).repeat_interleave(pack, dim=0)).float().cpu()

    # -- exploration helpers -------------------------------------------------------------------------------
    def principal_directions(self, count: int = 5, n: int = 1000, seed: int = 0) -> tuple[torch.Tensor, list[float]]:
        """Directions in latent space that change the output most (the GANSpace idea, in output space).

        PCA of G(z) over n seeded samples finds the main axes of variation of the outputs; a least-squares
        regression of z on the PCA coordinates maps each axis back to a latent direction. Returns unit
        directions (count, dim) and the fraction of output variance each axis explains.
        """
        z = sample_latents(n, self.latent_dim, seed)
        out = self.decode(z).reshape(n, -1).double()
        centred = out - out.mean(dim=0)
        _, singular, vh = torch.linalg.svd(centred, full_matrices=False)
        count = min(count, vh.shape[0], self.latent_dim)
        coords = centred @ vh[:count].T  # (n, count)
        solution = torch.linalg.lstsq(coords, z.double()).solution  # (count, dim): latent change per unit coord
        directions = solution / solution.norm(dim=1, keepdim=True).clamp_min(1e-12)
        variance = (singular ** 2) / (singular ** 2).sum().clamp_min(1e-12)
        return directions.float(), [float(v) for v in variance[:count]]

    def class_mean_latents(self, images: torch.Tensor, labels: torch.Tensor) -> dict[int, torch.Tensor]:
        """For a VAE: the mean code of each class's real images, {class: (dim,)}."""
        codes = self.encode(images, labels if self.n_classes else None)
        return {int(c): codes[labels == c].mean(dim=0) for c in torch.unique(labels)}

    def predicted_class_means(self, classify, n: int = 2000, seed: int = 0) -> dict[int, torch.Tensor]:
        """For a GAN: the mean latent of samples that `classify` (outputs -> int labels) puts in each class."""
        z = sample_latents(n, self.latent_dim, seed)
        predicted = torch.as_tensor(np.asarray(classify(self.decode(z))))
        return {int(c): z[predicted == c].mean(dim=0) for c in torch.unique(predicted)}


def latent_grid(low: float, high: float, size: int) -> torch.Tensor:
    """A size x size grid of 2-D latents over [low, high]^2, row-major with y decreasing (top row first)."""
    ticks = torch.linspace(low, high, size)
    gy, gx = torch.meshgrid(ticks.flip(0), ticks, indexing="ij")
    return torch.stack([gx.flatten(), gy.flatten()], dim=1)


# -- layouts and edits the Sample & Blend page uses (added; the functions above are unchanged) -----------------

def seed_latents(seeds, dim: int) -> torch.Tensor:
    """The latents of several seeds stacked: (len(seeds), dim); row i is latent_for_seed(seeds[i], dim)."""
    seeds = [int(s) for s in seeds]
    if not seeds:
        return torch.empty(0, dim)
    return torch.stack([latent_for_seed(s, dim) for s in seeds])


def class_grid_latents(n_classes: int, per_row: int, dim: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """One row per class for a conditional model: (n_classes * per_row, dim) latents and int64 labels.

    Every row reuses the same `per_row` latents (sample_latents(per_row, dim, seed)), so a column holds one z
    drawn as each class: what stays the same down a column is what z controls (style), the row is the label.
    """
    z = sample_latents(per_row, dim, seed)
    latents = z.repeat(n_classes, 1)
    labels = torch.arange(n_classes, dtype=torch.long).repeat_interleave(per_row)
    return latents, labels


def edit_latent(z: torch.Tensor, offsets: dict[int, float] | None = None, directions: torch.Tensor | None = None,
                amounts=None) -> torch.Tensor:
    """z (dim,) nudged: coordinate i moved by offsets[i], then a_k * directions[k] added for each amount a_k.

    With no offsets and no amounts it returns a copy of z, so sliders at 0 show the sample unchanged.
    """
    edited = z.clone()
    for index, offset in (offsets or {}).items():
        edited[int(index)] += float(offset)
    if directions is not None and amounts is not None:
        amounts = torch.as_tensor(list(amounts), dtype=z.dtype)
        if len(amounts):
            edited = edited + (amounts[:, None] * directions[: len(amounts)].to(z.dtype)).sum(dim=0)
    return edited


def plane_grid_lines(dim: int, extent: float, n_lines: int = 11, points_per_line: int = 41,
                     axes: tuple[int, int] = (0, 1)) -> torch.Tensor:
    """Straight grid lines over [-extent, extent]^2 in the plane of two latent axes (other coordinates 0).

    Returns (2 * n_lines, points_per_line, dim): first the n_lines lines of constant axes[0] (vertical, left to
    right), then the n_lines lines of constant axes[1] (horizontal, bottom to top). Decoding every point shows
    how the generator warps a flat sheet of latent space into data space.
    """
    if dim < 2:
        raise ValueError("a latent plane needs at least 2 latent dimensions")
    if n_lines < 2 or points_per_line < 2:
        raise ValueError("a grid needs at least 2 lines of 2 points")
    ticks = torch.linspace(-extent, extent, n_lines)
    along = torch.linspace(-extent, extent, points_per_line)
    lines = torch.zeros(2 * n_lines, points_per_line, dim)
    first, second = axes
    lines[:n_lines, :, first] = ticks[:, None]  # constant first coordinate, second runs along
    lines[:n_lines, :, second] = along[None, :]
    lines[n_lines:, :, second] = ticks[:, None]
    lines[n_lines:, :, first] = along[None, :]
    return lines
