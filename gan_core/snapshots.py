"""The pictures a training snapshot carries, computed from a Trainer: G's samples of the fixed latents, and for
2-D data D's opinion over the plane, the arrows G's loss draws, and G's warped latent grid (the manifold).

Each function reads a trainer (its networks, config, fixed batch and plot bounds) and returns plain numpy
arrays, so a snapshot can cross a thread or process boundary and be stored in a checkpoint.
"""
from __future__ import annotations

import numpy as np
import torch

from gan_core import losses
from gan_core.images import make_grid
from gan_core.latents import plane_grid_lines

SNAPSHOT_POINTS = 512  # generated 2-D points shown per snapshot
HEATMAP_SIZE = 48  # the discriminator surface is evaluated on a HEATMAP_SIZE x HEATMAP_SIZE grid
ARROWS = 64  # generator gradient arrows per 2-D snapshot
# The manifold view: G applied to a flat latent grid of MANIFOLD_LINES lines each way, MANIFOLD_POINTS points
# per line, over [-MANIFOLD_EXTENT, MANIFOLD_EXTENT]^2 (2.5 sigma of the N(0, I) prior holds ~99% of it).
MANIFOLD_LINES, MANIFOLD_POINTS, MANIFOLD_EXTENT = 11, 41, 2.5
GRID_COLUMNS = 8  # image snapshots: the fixed batch as a grid this many samples wide


def take(trainer) -> dict:
    """What the model makes of the fixed latent batch right now (and, for 2-D data, D's surface and G's pull)."""
    snapshot: dict = {"step": trainer.step_count, "time": round(trainer.elapsed, 3)}
    fake = trainer.generate(trainer.fixed_noise, trainer.fixed_labels)
    classic = trainer.family is None  # a family's z may not be a Gaussian latent (e.g. diffusion noise)
    if trainer.dataset.is_points:
        snapshot["points"] = fake.float().cpu().numpy().astype(np.float32)
        snapshot["bounds"] = trainer.plot_bounds
        if classic:
            snapshot["manifold"] = generator_manifold(trainer)
        if trainer.config.is_vae:
            snapshot.update(latent_codes(trainer))
        elif classic:
            snapshot["heatmap"] = discriminator_surface(trainer)
            snapshot["arrows"] = generator_arrows(trainer, fake[:ARROWS])
    else:
        snapshot["grid"] = make_grid(fake, nrow=GRID_COLUMNS)
        if trainer.config.is_vae:
            snapshot.update(latent_codes(trainer))
    if trainer.family is not None and trainer.family.snapshot is not None:
        trainer.family.snapshot(trainer, snapshot)
    return snapshot


def plot_bounds(pool: torch.Tensor) -> tuple[float, float, float, float]:
    """(x0, x1, y0, y1): the 2-D data's extent with a quarter of its width as margin on every side."""
    points = pool.detach().cpu().numpy()
    low, high = points.min(axis=0), points.max(axis=0)
    margin = 0.25 * float(max(high - low)) + 1e-3
    return (float(low[0] - margin), float(high[0] + margin), float(low[1] - margin), float(high[1] + margin))


@torch.inference_mode()
def discriminator_surface(trainer, size: int = HEATMAP_SIZE) -> np.ndarray:
    """D's opinion over the plot area: (size, size) float32, row i = y coordinate i (bottom to top).

    Probabilities for ns/minimax, raw scores for the other losses. With packing, each grid point is
    judged as a pack of identical copies.
    """
    x0, x1, y0, y1 = trainer.plot_bounds
    xs, ys = torch.linspace(x0, x1, size), torch.linspace(y0, y1, size)
    gy, gx = torch.meshgrid(ys, xs, indexing="ij")
    points = torch.stack([gx.flatten(), gy.flatten()], dim=1).to(trainer.device)
    critic, pack = trainer.critic, trainer.config.pack
    critic.eval()
    try:
        scores = critic(points.repeat_interleave(pack, dim=0))
    finally:
        critic.train()
    if trainer.config.loss in ("ns", "minimax"):
        scores = torch.sigmoid(scores)
    return scores.float().cpu().numpy().reshape(size, size).astype(np.float32)


def generator_arrows(trainer, fake: torch.Tensor) -> np.ndarray:
    """Where G's loss pushes each generated point: (m, 4) float32 rows (x, y, dx, dy), dx/dy = -dLoss_G/dx."""
    points = fake.detach().clone().requires_grad_(True)
    critic, pack = trainer.critic, trainer.config.pack
    m = points.shape[0] - points.shape[0] % pack
    points_used = points[:m]
    critic.eval()
    try:
        with torch.enable_grad():
            loss, _ = losses.generator_loss(trainer.config.loss, critic(points_used))
            (grads,) = torch.autograd.grad(loss, points_used)
    finally:
        critic.train()
    arrows = torch.cat([points_used.detach(), -grads], dim=1)
    return arrows.float().cpu().numpy().astype(np.float32)


def generator_manifold(trainer, n_lines: int = MANIFOLD_LINES, points_per_line: int = MANIFOLD_POINTS,
                       extent: float = MANIFOLD_EXTENT) -> np.ndarray:
    """A flat grid of latent space pushed through G: (2 * n_lines, points_per_line, 2) float32 polylines.

    latent_dim 2: the whole latent plane [-extent, extent]^2. More dimensions: the plane of z1 and z2
    through 0 (every other coordinate 0), one slice of what G sees. latent_dim 1: the single latent line,
    returned as one polyline (1, points_per_line, 2). One batched forward pass (~900 points).
    """
    dim = trainer.latent_dim
    if dim >= 2:
        lines = plane_grid_lines(dim, extent, n_lines, points_per_line)  # (L, P, latent_dim)
    else:
        lines = torch.linspace(-extent, extent, points_per_line).reshape(1, points_per_line, 1)
    count, per_line, _ = lines.shape
    warped = trainer.generate(lines.reshape(count * per_line, dim))  # (L * P, 2)
    return warped.float().cpu().numpy().reshape(count, per_line, 2).astype(np.float32)


@torch.inference_mode()
def latent_codes(trainer, count: int = 512) -> dict:
    """Encoder means of a fixed real batch (first two latent dimensions) with their labels, for a VAE."""
    data, encoder, config = trainer.dataset, trainer.critic, trainer.config
    count = min(count, data.data.shape[0])
    real = data.data[:count]
    labels = data.labels[:count] if data.labels is not None else None
    encoder.eval()
    try:
        mu = encoder(real, labels if config.is_conditional else None)[:, : config.latent_dim]
    finally:
        encoder.train()
    codes = mu[:, :2] if mu.shape[1] >= 2 else torch.cat([mu, torch.zeros_like(mu)], dim=1)
    return {"codes": codes.float().cpu().numpy().astype(np.float32),
            "code_labels": None if labels is None else labels.cpu().numpy().astype(np.int16)}
