"""What the Sample & Blend page computes, as plain functions of a LatentModel (no streamlit in here).

The page, its tests and bench/bench_sample.py call these same functions, so a number measured or checked is
the number the page shows. The latent maths lives in gan_core.latents; this module only lays latents out for
a view, runs one batched decode per picture, and packs results into PNG / GIF / .npy bytes.
"""
from __future__ import annotations

import io
import math
from dataclasses import dataclass

import numpy as np
import torch

from gan_core.images import display_scale, gif_bytes, make_grid, png_bytes, scatter_image, upscale
from gan_core.latents import (LatentModel, arithmetic, class_grid_latents, corner_blend, edit_latent, interpolate,
                              latent_grid, move_along, plane_grid_lines, sample_latents, seed_latents,
                              sweep_dimension)

MAX_SEED = 2**31 - 1
EDIT_RANGE = 3.0  # sliders and sweeps move a coordinate or direction by at most this many standard deviations
DIRECTION_SAMPLES = 1000  # decoded samples whose PCA gives the Edit tab's directions (LatentModel.principal_directions)


@dataclass
class Decoded:
    """Latents and what the generator made of them: outputs are (n, 2) points or (n, C, H, W) in [-1, 1]."""

    latents: torch.Tensor  # (n, dim)
    labels: torch.Tensor | None  # (n,) int64 for conditional models, else None
    outputs: torch.Tensor
    nrow: int  # pictures per row when tiled


def decode(model: LatentModel, latents: torch.Tensor, labels: torch.Tensor | None = None, nrow: int | None = None) -> Decoded:
    """One batched forward pass."""
    outputs = model.decode(latents, labels)
    return Decoded(latents, labels, outputs, nrow or max(1, math.ceil(math.sqrt(max(1, latents.shape[0])))))


def fixed_labels(model: LatentModel, n: int, label: int | None) -> torch.Tensor | None:
    """`n` copies of `label` for a conditional model; None for an unconditional one (or when label is None)."""
    if not model.n_classes or label is None:
        return None
    return torch.full((n,), int(label), dtype=torch.long)


# -- the seeded sample grid ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class GridSettings:
    """What the sample grid shows. Images: side x side samples (or, with class_rows, one row of `side`
    samples per class); 2-D models: n_points samples. label: the class a conditional model draws."""

    seed: int = 0
    side: int = 6
    n_points: int = 1000
    truncation: float = 1.0
    class_rows: bool = False
    label: int | None = None

    def layout(self, model: LatentModel) -> tuple[torch.Tensor, torch.Tensor | None, int]:
        """(latents z before truncation, labels, pictures per row) without running the generator."""
        if model.n_classes and self.class_rows and not model.is_points:
            latents, labels = class_grid_latents(model.n_classes, self.side, model.latent_dim, self.seed)
            return latents, labels, self.side
        n = self.n_points if model.is_points else self.side * self.side
        return sample_latents(n, model.latent_dim, self.seed), fixed_labels(model, n, self.label), self.side

    def count(self, model: LatentModel) -> int:
        if model.n_classes and self.class_rows and not model.is_points:
            return model.n_classes * self.side
        return self.n_points if model.is_points else self.side * self.side


def sample_grid(model: LatentModel, settings: GridSettings) -> Decoded:
    """The page's sample grid: for an unconditional model exactly `python -m gan_core sample CKPT --n N --seed S
    --truncation PSI` (N = side * side, or n_points for 2-D models); with a label, the same with --label."""
    latents, labels, nrow = settings.layout(model)
    outputs = model.decode(latents, labels, truncation=settings.truncation)  # psi where the model can use it
    return Decoded(model.truncated(latents, settings.truncation), labels, outputs, nrow)


def grid_pick(model: LatentModel, settings: GridSettings, index: int) -> tuple[torch.Tensor, int | None]:
    """Sample number `index` of the grid (row-major from 0): its latent (dim,) and its label (or None).

    Where truncation works in z the latent is the truncated one, so the other tabs draw the very sample of the
    grid; a StyleGAN's truncation acts on w inside the generator, so its latent is the z the seed gave."""
    latents, labels, _ = settings.layout(model)
    index = int(np.clip(index, 0, latents.shape[0] - 1))
    return model.truncated(latents[index], settings.truncation), (None if labels is None else int(labels[index]))


# -- interpolation, blends, arithmetic, edits --------------------------------------------------------------------

def interpolation_strips(model: LatentModel, a: torch.Tensor, b: torch.Tensor, steps: int,
                         label: int | None = None) -> dict[str, Decoded]:
    """{"lerp": ..., "slerp": ...}: the walk from a to b both ways, one decode per strip.

    With label None a conditional model cycles its labels like the CLI, so for seeds A and B this is exactly
    `python -m gan_core interpolate CKPT --seed-a A --seed-b B --steps N --mode M --out walk.npy`.
    """
    strips = {}
    for mode in ("lerp", "slerp"):
        path = interpolate(a, b, steps, mode)
        strips[mode] = decode(model, path, fixed_labels(model, steps, label), steps)
    return strips


def path_norms(strips: dict[str, Decoded]) -> dict[str, list[float]]:
    """|z| along each path: lerp dips toward the empty middle of the Gaussian, slerp keeps to its shell."""
    return {mode: [float(v) for v in strip.latents.norm(dim=1)] for mode, strip in strips.items()}


def corner_blend_grid(model: LatentModel, seeds: list[int], size: int, label: int | None = None) -> Decoded:
    """A size x size bilinear blend of the latents of four seeds (top-left, top-right, bottom-left, bottom-right)."""
    corners = seed_latents(seeds, model.latent_dim)
    latents = corner_blend(corners[0], corners[1], corners[2], corners[3], rows=size, cols=size)
    return decode(model, latents, fixed_labels(model, size * size, label), size)


def arithmetic_terms(model: LatentModel, a: torch.Tensor, b: torch.Tensor, c: torch.Tensor,
                     label: int | None = None) -> Decoded:
    """Four outputs in one decode: a, b, c and a - b + c."""
    latents = torch.stack([a, b, c, arithmetic(a, b, c)])
    return decode(model, latents, fixed_labels(model, 4, label), 4)


@dataclass
class EditViews:
    original: torch.Tensor  # (1, ...) the chosen sample
    edited: torch.Tensor  # (1, ...) after the sliders
    edited_latent: torch.Tensor  # (dim,)
    sweep: Decoded  # the chosen coordinate set to each sweep value
    directions: Decoded | None  # one row per direction: z moved from -EDIT_RANGE to +EDIT_RANGE


def sweep_values(steps: int = 9) -> list[float]:
    return [float(v) for v in np.linspace(-EDIT_RANGE, EDIT_RANGE, steps)]


def edit_views(model: LatentModel, z: torch.Tensor, label: int | None, offsets: dict[int, float], sweep_dim: int,
               directions: torch.Tensor | None = None, amounts: list[float] | None = None,
               steps: int = 7) -> EditViews:
    """Everything the Edit tab shows for latent z, in a single decode."""
    edited = edit_latent(z, offsets, directions, amounts)
    values = sweep_values()
    parts = [z[None], edited[None], sweep_dimension(z, sweep_dim, values)]
    if directions is not None and len(directions):
        moves = np.linspace(-EDIT_RANGE, EDIT_RANGE, steps)
        parts += [move_along(z, direction, moves) for direction in directions]
    latents = torch.cat(parts)
    outputs = model.decode(latents, fixed_labels(model, latents.shape[0], label))
    sweep = slice(2, 2 + len(values))
    direction_views = None
    if directions is not None and len(directions):
        rest = slice(2 + len(values), None)
        direction_views = Decoded(latents[rest], None, outputs[rest], steps)
    return EditViews(outputs[0:1], outputs[1:2], edited, Decoded(latents[sweep], None, outputs[sweep], len(values)),
                     direction_views)


# -- VAE: real data in, codes out ----------------------------------------------------------------------------------

def match_channels(images: torch.Tensor, channels: int) -> torch.Tensor:
    """(n, C, H, W) -> (n, channels, H, W): colour to grey by averaging, grey to colour by repeating."""
    if images.shape[1] == channels:
        return images
    if channels == 1:
        return images.mean(dim=1, keepdim=True)
    return images[:, :1].repeat(1, channels, 1, 1)


def reconstruct(model: LatentModel, images: torch.Tensor, labels: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """(codes (n, dim), reconstructions) of real inputs: the encoder's mean, then the decoder."""
    labels = labels if model.n_classes else None
    codes = model.encode(images, labels)
    return codes, model.decode(codes, labels)


def first_of_another_class(labels: torch.Tensor | None, index: int = 0) -> int:
    """The first image whose label differs from image `index`'s (the default B beside A = 0 of the encode tab: in
    MNIST, sorted by class, images 0 and 1 are both zeros and their blend showed eight zeros); 1 without labels."""
    if labels is None:
        return 1  # (the widget keeps it inside the data)
    others = torch.nonzero(torch.as_tensor(labels) != labels[index]).flatten()
    return int(others[0]) if len(others) else 1


def code_walk(model: LatentModel, code_a: torch.Tensor, code_b: torch.Tensor, steps: int,
              label: int | None = None) -> Decoded:
    """A straight walk between two real images' codes (a VAE's codes are not confined to a shell)."""
    return decode(model, interpolate(code_a, code_b, steps, "lerp"), fixed_labels(model, steps, label), steps)


def manifold(model: LatentModel, extent: float, size: int, label: int | None = None) -> Decoded:
    """Kingma & Welling's map for a 2-D latent space: decode a size x size grid over [-extent, extent]^2."""
    if model.latent_dim != 2:
        raise ValueError("the manifold map needs a 2-D latent space")
    latents = latent_grid(-extent, extent, size)
    return decode(model, latents, fixed_labels(model, size * size, label), size)


# -- 2-D models: how G bends a flat latent grid ---------------------------------------------------------------------

def warp_lines(model: LatentModel, extent: float, n_lines: int = 11, points_per_line: int = 41,
               label: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Grid lines in the latent plane of z[0], z[1] and the same lines mapped through G.

    Returns (latent_lines (L, P, 2), data_lines (L, P, 2)) as float64 numpy arrays, one decode for all points.
    """
    if model.latent_dim == 1:  # a 1-D latent space is a single line, drawn along the x axis
        lines = torch.linspace(-extent, extent, points_per_line).reshape(1, points_per_line, 1)
    else:
        lines = plane_grid_lines(model.latent_dim, extent, n_lines, points_per_line)
    count, points = lines.shape[0], lines.shape[1]
    flat = lines.reshape(count * points, -1)
    data = model.decode(flat, fixed_labels(model, flat.shape[0], label)).reshape(count, points, -1)
    return plane(lines.reshape(count * points, -1)).reshape(count, points, 2), data[:, :, :2].double().numpy()


def plane(latents: torch.Tensor | np.ndarray) -> np.ndarray:
    """The first two coordinates of latents (n, dim) as float64 (n, 2); a 1-D latent gets 0 as its second."""
    array = np.asarray(latents.detach().cpu().numpy() if isinstance(latents, torch.Tensor) else latents, dtype=np.float64)
    array = array.reshape(array.shape[0], -1)
    if array.shape[1] == 1:
        array = np.concatenate([array, np.zeros_like(array)], axis=1)
    return array[:, :2]


# -- pictures and files ----------------------------------------------------------------------------------------------

def picture(outputs: torch.Tensor, nrow: int, target: int = 320, max_width: int | None = None, padding: int = 1) -> np.ndarray:
    """Tile image outputs and enlarge them crisply (nearest neighbour) to about `target` pixels high,
    never wider than `max_width`."""
    grid = make_grid(outputs, nrow=nrow, padding=padding)
    scale = display_scale(grid.shape[0], target)
    if max_width:
        scale = max(1, min(scale, max_width // max(1, grid.shape[1])))
    return upscale(grid, scale)


def picture_png(outputs: torch.Tensor, nrow: int, target: int = 320, max_width: int | None = None) -> bytes:
    return png_bytes(picture(outputs, nrow, target, max_width))


def manifold_png(latent_map: Decoded, target: int = 640) -> bytes:
    """The manifold tiles edge to edge (no padding: they tile the plane), enlarged for a crisp chart background.

    zlib level 1: the tiles leave no flat background, and level 6 spent 39-51 ms on digits-vae's 25x25 map (400 px
    square) against 8 ms, and its file came out 6 % smaller (176 KB against 187 KB); the pixels are the same."""
    grid = make_grid(latent_map.outputs, nrow=latent_map.nrow, padding=0)
    return png_bytes(upscale(grid, max(1, target // grid.shape[0])), compress_level=1)


def points_png(points: torch.Tensor | np.ndarray) -> bytes:
    """2-D samples drawn as a PNG, as `python -m gan_core sample ... --out x.png` draws them."""
    return png_bytes(scatter_image(np.asarray(points)))


def walk_gif(outputs: torch.Tensor, target: int = 160, duration_ms: int = 120) -> bytes:
    """An animated GIF of a walk, there and back again (the CLI's `interpolate --out walk.gif` frames)."""
    frames = [picture(frame[None], 1, target, padding=0) for frame in outputs]
    return gif_bytes(frames + frames[-2:0:-1], duration_ms=duration_ms)


def npy_bytes(array: torch.Tensor | np.ndarray) -> bytes:
    """float32 .npy bytes, as np.load reads them."""
    if isinstance(array, torch.Tensor):
        array = array.detach().cpu().numpy()
    buffer = io.BytesIO()
    np.save(buffer, np.asarray(array, dtype=np.float32))
    return buffer.getvalue()


# -- what a checkpoint is ---------------------------------------------------------------------------------------------

def model_facts(model: LatentModel) -> dict:
    """Plain facts about a checkpoint for the page header: the latent size and loss the model really has
    ("—" when it has no discriminator), read as the Home table reads them."""
    config, info = model.config, model.data_info
    shape = info.get("sample_shape", [])
    return {
        "name": model.checkpoint.name, "dataset": config.dataset, "kind": info.get("kind", ""),
        "size": f"{shape[-1]}x{shape[-2]}" if len(shape) == 3 else "", "channels": shape[0] if len(shape) == 3 else 0,
        "model": config.model, "arch": config.resolved_arch, "loss": config.adversarial_loss or "—",
        "latent_dim": config.latent_size(shape), "steps": int(model.checkpoint.step),
        "seconds": float(model.checkpoint.wall_time), "n_classes": model.n_classes,
    }


def class_means(model: LatentModel, dataset=None, classifier=None, n: int = 2000, seed: int = 0) -> dict[int, torch.Tensor] | None:
    """Mean latent per class: a VAE encodes the labelled real data; a GAN labels its own samples with
    `classifier`. None when neither is possible (unlabelled data, or a conditional model)."""
    if model.n_classes:
        return None  # a conditional model is told its class; there is no class direction in z to find
    if model.is_vae:
        if dataset is None or dataset.labels is None:
            return None
        return model.class_mean_latents(dataset.data, dataset.labels)
    if classifier is None:
        return None
    return model.predicted_class_means(classifier.predict, n=n, seed=seed)
