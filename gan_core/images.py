"""Tensors <-> pictures: uint8 grids, PNG bytes and animated GIFs (Pillow does the encoding)."""
from __future__ import annotations

import io
import math

import numpy as np
import torch
from PIL import Image


def to_uint8(images: torch.Tensor | np.ndarray) -> np.ndarray:
    """(N, C, H, W) floats in [-1, 1] -> (N, H, W, C) uint8 (C is 1 or 3)."""
    array = images.detach().float().cpu().numpy() if isinstance(images, torch.Tensor) else np.asarray(images, dtype=np.float32)
    array = np.clip((array + 1.0) * 127.5 + 0.5, 0, 255).astype(np.uint8)
    return array.transpose(0, 2, 3, 1)


def make_grid(images: torch.Tensor | np.ndarray, nrow: int | None = None, padding: int = 1,
              pad_value: int = 40) -> np.ndarray:
    """Tile (N, C, H, W) images in [-1, 1] (or (N, H, W, C) uint8) into one (H', W', 3) uint8 array.

    `nrow` is the number of images per row (default: a near-square grid).
    """
    tiles = images if isinstance(images, np.ndarray) and images.dtype == np.uint8 else to_uint8(images)
    if tiles.shape[-1] == 1:
        tiles = np.repeat(tiles, 3, axis=-1)
    n, h, w, _ = tiles.shape
    nrow = nrow or max(1, int(math.ceil(math.sqrt(n))))
    rows = int(math.ceil(n / nrow))
    grid = np.full((rows * (h + padding) + padding, nrow * (w + padding) + padding, 3), pad_value, np.uint8)
    for index in range(n):
        r, c = divmod(index, nrow)
        top, left = padding + r * (h + padding), padding + c * (w + padding)
        grid[top:top + h, left:left + w] = tiles[index]
    return grid


def upscale(array: np.ndarray, factor: int) -> np.ndarray:
    """Nearest-neighbour enlarge an (H, W, 3) uint8 array so small images stay crisp on screen."""
    if factor <= 1:
        return array
    return np.repeat(np.repeat(array, factor, axis=0), factor, axis=1)


def display_scale(height: int, target: int = 320) -> int:
    """An integer zoom that brings an image of `height` pixels near `target` pixels."""
    return max(1, target // max(1, height))


def is_grey_picture(value: np.ndarray) -> bool:
    """An (H, W, 3) uint8 picture whose three channels are the same (a grid of grey digits)."""
    return (value.dtype == np.uint8 and value.ndim == 3 and value.shape[-1] == 3
            and np.array_equal(value[..., 0], value[..., 1]) and np.array_equal(value[..., 0], value[..., 2]))


def png_bytes(array: np.ndarray, compress_level: int = 6) -> bytes:
    """Encode an (H, W, 3) or grey (H, W) uint8 array as PNG bytes (lossless at any level). Level 6, zlib's default,
    suits the app's pictures, mostly flat background; a picture of continuous tone is faster at level 1 (see
    manifold_png).

    A grey picture (digits, their grid's padding) is saved with one channel: the same pixels, a third of the data to
    compress. mnist-vae-2d's 25x25 map (700 px square): 17.5 ms and 279 KB against 36.9 ms and 434 KB at level 1;
    a 6x6 digits grid 13 KB against 19 KB at level 6. Checking the channels costs under 1 ms."""
    if is_grey_picture(array):
        array = np.ascontiguousarray(array[..., 0])
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG", compress_level=compress_level)
    return buffer.getvalue()


# The pictures the pages show (a run's live grid, a dataset's preview) as PNG, not the JPEG at quality 100 that
# Streamlit makes of an array: enlarged pixel art is a few flat colours, which PNG stores in a fifth to a sixth of the
# bytes, without JPEG's colour blur at the edges of its pixels. A digits grid at 411 px: 23 KB against 117 KB; a
# class of 30, each watching a grid that changes about once a second, gets a fifth of the traffic. Level 1 takes
# 2-6 ms a grid (level 6 saves another fifth of the bytes for 7-11 ms). (app.pictures keeps each picture's bytes.)
ENLARGED_PNG_LEVEL = 1


def enlarged_png(array: np.ndarray, zoom: int = 1) -> bytes:
    """PNG bytes of an (H, W, 3) or grey (H, W) uint8 picture, nearest-neighbour enlarged `zoom` times (upscale);
    the same pixels as the array, one channel when grey."""
    return png_bytes(upscale(array, zoom), ENLARGED_PNG_LEVEL)


def save_png(array: np.ndarray, path) -> None:
    Image.fromarray(array).save(path, format="PNG")


def gif_bytes(frames: list[np.ndarray], duration_ms: int = 120, loop: int = 0) -> bytes:
    """Encode a list of (H, W, 3) uint8 frames as an animated GIF."""
    if not frames:
        raise ValueError("a GIF needs at least one frame")
    pictures = [Image.fromarray(frame) for frame in frames]
    buffer = io.BytesIO()
    pictures[0].save(buffer, format="GIF", save_all=True, append_images=pictures[1:], duration=duration_ms,
                     loop=loop, optimize=False, disposal=2)
    return buffer.getvalue()


def _finite_points(points) -> np.ndarray:
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    return points[np.isfinite(points).all(axis=1)]


def scatter_image(points: np.ndarray, bounds: tuple[float, float, float, float] | None = None, size: int = 320,
                  colour: tuple[int, int, int] = (230, 90, 40), reference: np.ndarray | None = None,
                  reference_colour: tuple[int, int, int] = (170, 170, 170)) -> np.ndarray:
    """Draw (n, 2) points as a (size, size, 3) uint8 picture on white (for PNG export of 2-D samples).

    `reference` (m, 2), when given, is drawn first in grey: the real data under the generated points, so that a
    picture of a collapsed run shows the modes it missed. Dots grow with the picture (3 px, 5 px from 400 px)."""
    layers = [(reference, reference_colour)] if reference is not None else []
    layers = [(_finite_points(layer), paint) for layer, paint in layers + [(points, colour)]]
    if bounds is None:
        everything = np.concatenate([layer for layer, _ in layers])
        if len(everything):
            low, high = everything.min(axis=0), everything.max(axis=0)
            half = max(float((high - low).max()) / 2 * 1.15, 1e-3)
            centre = (high + low) / 2
            bounds = (centre[0] - half, centre[0] + half, centre[1] - half, centre[1] + half)
        else:
            bounds = (-1.0, 1.0, -1.0, 1.0)
    x0, x1, y0, y1 = bounds
    canvas = np.full((size, size, 3), 255, np.uint8)
    reach = range(-2, 3) if size >= 400 else range(-1, 2)
    for layer, paint in layers:
        cols = ((layer[:, 0] - x0) / (x1 - x0) * (size - 1)).round().astype(int)
        rows = ((y1 - layer[:, 1]) / (y1 - y0) * (size - 1)).round().astype(int)
        keep = (cols >= 0) & (cols < size) & (rows >= 0) & (rows < size)
        for dr in reach:
            for dc in reach:
                canvas[np.clip(rows[keep] + dr, 0, size - 1), np.clip(cols[keep] + dc, 0, size - 1)] = paint
    return canvas
