"""Training: `Trainer` takes one step at a time; `TrainingJob` runs a trainer in its own thread.

The thread never touches the UI. It writes plain floats, lists and small numpy arrays into its own object
under a lock, and the UI (or the CLI) reads `job.snapshot()` whenever it likes.
"""
from __future__ import annotations

import contextlib
import copy
import math
import threading
import time
import uuid
import warnings
from collections.abc import Callable

import numpy as np
import torch

from gan_core import losses
from gan_core.config import ConfigError, TrainConfig
from gan_core.data import Dataset, load_dataset
from gan_core.device import configure_threads, pick_device
from gan_core.images import make_grid
from gan_core.models import build_models

# Model initialisation draws from torch's global generator; a lock keeps two jobs that start at once from
# interleaving their draws, so the same seed always builds the same networks.
_INIT_LOCK = threading.Lock()

SNAPSHOT_POINTS = 512  # generated 2-D points shown per snapshot
HEATMAP_SIZE = 48  # the discriminator surface is evaluated on a HEATMAP_SIZE x HEATMAP_SIZE grid
ARROWS = 64  # generator gradient arrows per 2-D snapshot
# The manifold view: G applied to a flat latent grid of MANIFOLD_LINES lines each way, MANIFOLD_POINTS points
# per line, over [-MANIFOLD_EXTENT, MANIFOLD_EXTENT]^2 (2.5 sigma of the N(0, I) prior holds ~99% of it).
MANIFOLD_LINES, MANIFOLD_POINTS, MANIFOLD_EXTENT = 11, 41, 2.5
MAX_SNAPSHOTS = 64  # older snapshots are thinned (every other one dropped) beyond this
DIVERGED_ABOVE = 1e6  # a loss this large means training has blown up


class TrainingDiverged(RuntimeError):
    """Raised by Trainer.step when a loss became NaN/inf or exploded; the trainer has rolled back."""


class History:
    """Per-step numbers with bounded memory: past `capacity` rows, neighbouring rows are averaged in pairs.

    A 30-minute run therefore keeps the whole curve at a coarser resolution instead of growing without bound.
    """

    def __init__(self, capacity: int = 4000):
        self.capacity = capacity
        self.stride = 1
        self.steps: list[int] = []
        self.series: dict[str, list[float]] = {}
        self._pending: dict[str, float] = {}
        self._pending_counts: dict[str, int] = {}
        self._pending_count = 0

    def append(self, step: int, values: dict[str, float]) -> None:
        """Add one row. A key missing from a row (e.g. loss_g after a D-only step) is recorded as NaN."""
        for key, value in values.items():
            self._pending[key] = self._pending.get(key, 0.0) + value
            self._pending_counts[key] = self._pending_counts.get(key, 0) + 1
        self._pending_count += 1
        if self._pending_count < self.stride:
            return
        self.steps.append(step)
        for key, total in self._pending.items():
            column = self.series.setdefault(key, [math.nan] * (len(self.steps) - 1))
            column.append(total / self._pending_counts[key])
        for key, column in self.series.items():
            if len(column) < len(self.steps):
                column.append(math.nan)
        self._pending, self._pending_counts, self._pending_count = {}, {}, 0
        if len(self.steps) > self.capacity:
            self._halve()

    def _halve(self) -> None:
        self.steps = self.steps[1::2]
        for key, column in self.series.items():
            pairs = len(column) // 2
            self.series[key] = [_mean_of_pair(column[2 * i], column[2 * i + 1]) for i in range(pairs)]
        self.stride *= 2

    def __len__(self) -> int:
        return len(self.steps)

    def to_dict(self) -> dict:
        return {"capacity": self.capacity, "stride": self.stride, "steps": list(self.steps),
                "series": {k: list(v) for k, v in self.series.items()}}

    @classmethod
    def from_dict(cls, data: dict) -> "History":
        history = cls(int(data.get("capacity", 4000)))
        history.stride = int(data.get("stride", 1))
        history.steps = [int(s) for s in data.get("steps", [])]
        history.series = {k: [float(x) for x in v] for k, v in data.get("series", {}).items()}
        return history


def _mean_of_pair(a: float, b: float) -> float:
    """Mean of two numbers, ignoring a NaN (a row where that quantity was not measured)."""
    if a != a:
        return b
    if b != b:
        return a
    return (a + b) / 2


def _thin(items: list, limit: int) -> list:
    """Drop every other element (keeping the newest) once a list outgrows `limit`."""
    if len(items) <= limit:
        return items
    return items[len(items) % 2::2] if items else items


class Trainer:
    """One GAN or VAE being trained. Call `step()`; read `history`, `snapshots`, `metrics`.

    Same config and seed -> the same numbers on the CPU. `state_dict()`/`load_state_dict()` capture
    everything needed to continue exactly where a run stopped (weights, optimiser moments, random streams).
    """

    def __init__(self, config: TrainConfig, dataset: Dataset | None = None, device: str | torch.device | None = None,
                 metrics_fn: Callable[["Trainer"], dict] | None = None):
        self.config = config.check()
        configure_threads()
        self.device = pick_device(config.device) if device is None else torch.device(device)
        base = dataset or load_dataset(config.dataset, image_size=config.image_size, data_root=config.data_root,
                                       n_points=config.n_points, seed=config.seed)
        self.dataset = base.to(self.device)
        if config.is_conditional and self.dataset.n_classes == 0:
            raise ValueError(f"{config.dataset} has no labels, so a conditional model cannot train on it.")
        with _INIT_LOCK:
            torch.manual_seed(config.seed)
            self.models = build_models(config, self.dataset.sample_shape, self.dataset.n_classes).to(self.device)
        self.family = config.family  # None for the classic gan / cgan / vae / cvae
        self.generator = self.models["generator"]
        if self.family is None:
            self.critic = self.models["encoder" if config.is_vae else "discriminator"]
        else:  # everything that is not the generator is trained by the second optimiser
            self.critic = torch.nn.ModuleDict({k: m for k, m in self.models.items() if k != "generator"})
        self.latent_dim = int(getattr(self.generator, "latent_dim", config.latent_dim))
        self._generator_params = list(self.generator.parameters())  # listed once: the step is a hot loop
        self._critic_params = list(self.critic.parameters())
        betas = (config.beta1, config.beta2)
        self.opt_g = torch.optim.Adam(self._generator_params, lr=config.lr_g, betas=betas)
        self.opt_d = torch.optim.Adam(self._critic_params, lr=config.lr_d, betas=betas) if self._critic_params else None
        # All randomness of training (batches, noise, penalties) comes from this one stream.
        self.rng = torch.Generator(device=self.device).manual_seed(config.seed + 1)
        # bf16 mixed precision: faster steps on CPUs with native bf16 and on GPU tensor cores; the weights and the
        # optimiser's state stay float32. `precision` is what actually runs (fp32 where bf16 cannot).
        self._step_precision = self._precision_context(config.precision)
        self.precision = "fp32" if self._step_precision is contextlib.nullcontext else "bf16"
        self.fixed_noise, self.fixed_labels = self._make_fixed_batch()
        self.step_count = 0
        self.elapsed = 0.0  # seconds spent inside step(), excluding pauses
        self.history = History()
        self.snapshots: list[dict] = []
        self.metrics: dict = {"steps": [], "values": {}}
        self.metrics_fn = metrics_fn
        self.events: list[dict] = []  # settings changed mid-run: {"step", "changes": {field: [old, new]}}
        self._plot_bounds = self._bounds()
        self._last_good = self._copy_weights()

    # -- fixed latents: the same z every snapshot, so a class watches the same samples sharpen ------------
    def _make_fixed_batch(self) -> tuple[torch.Tensor, torch.Tensor | None]:
        cfg, data = self.config, self.dataset
        if self.family is not None and self.family.fixed_batch is not None:
            noise, labels = self.family.fixed_batch(self)
            return noise.to(self.device), None if labels is None else labels.to(self.device)
        labels = None
        if data.is_points:
            count = SNAPSHOT_POINTS
        elif cfg.is_conditional and data.n_classes <= 10:
            count = data.n_classes * 8  # one row per class
            labels = torch.arange(data.n_classes).repeat_interleave(8)
        else:
            count = 64
            if cfg.is_conditional:
                labels = torch.arange(count) % data.n_classes
        fixed = torch.Generator().manual_seed(cfg.seed + 12345)
        noise = torch.randn(count, self.latent_dim, generator=fixed)
        return noise.to(self.device), None if labels is None else labels.to(self.device)

    def _bounds(self) -> tuple[float, float, float, float]:
        if not self.dataset.is_points:
            return (0.0, 0.0, 0.0, 0.0)
        pool = self.dataset.data.detach().cpu().numpy()
        low, high = pool.min(axis=0), pool.max(axis=0)
        margin = 0.25 * float(max(high - low)) + 1e-3
        return (float(low[0] - margin), float(high[0] + margin), float(low[1] - margin), float(high[1] + margin))

    def _precision_context(self, precision: str):
        """-> a function that gives what each training step runs inside: bf16 autocast, or a no-op for fp32 and
        where bf16 cannot run.

        Autocast runs matrix products and convolutions in bfloat16 and keeps precision-sensitive ops in float32.
        It wraps the whole step, optimiser updates included, so its weight cache is off: a cached bf16 copy of
        D's weights would outlive D's update and G would train against a stale D. (Backward under autocast
        computes the same gradients as outside it.) Each step gets a fresh autocast object: one object entered
        twice at once would leave autocast switched on afterwards.
        """
        if precision != "bf16":
            return contextlib.nullcontext
        device_type = self.device.type
        try:
            probe = torch.autocast(device_type=device_type, dtype=torch.bfloat16, cache_enabled=False)
            problem = "" if getattr(probe, "_enabled", True) else "torch switched autocast off for this device"
        except RuntimeError as error:  # e.g. a CUDA GPU without bf16, or a device type autocast does not know
            problem = str(error)
        if problem:
            warnings.warn(f"bf16 mixed precision is not available on {device_type}, so this run trains in "
                          f"fp32 ({problem.splitlines()[0]})", RuntimeWarning, stacklevel=3)
            return contextlib.nullcontext
        return lambda: torch.autocast(device_type=device_type, dtype=torch.bfloat16, cache_enabled=False)

    # -- one optimisation step ------------------------------------------------------------------------
    def noise(self, n: int) -> torch.Tensor:
        """n latents (n, latent_dim) from the run's own random stream."""
        return torch.randn(n, self.latent_dim, device=self.device, generator=self.rng)

    _noise = noise

    def _gan_step(self, part: str = "both") -> dict:
        cfg = self.config
        n = cfg.batch_size
        stats: dict = {}
        labels = None
        for _ in range(cfg.n_critic if part != "g" else 0):
            real, labels = self.dataset.sample_batch(n, self.rng)
            labels = labels if cfg.is_conditional else None
            with torch.no_grad():
                fake = self.generator(self._noise(n), labels)
            # update D: maximise log D(x) + log(1 - D(G(z)))  (or the chosen loss's equivalent)
            if cfg.r1_gamma > 0:
                real.requires_grad_(True)
            # the losses in float32 (a no-op in fp32): under bf16, mean(fake) - mean(real) would round away the
            # small differences the curves show
            real_logits = self.critic(real, labels).float()
            fake_logits = self.critic(fake, labels).float()
            loss_d, stats = losses.discriminator_loss(cfg.loss, real_logits, fake_logits, cfg.label_smoothing)
            if cfg.loss == "wgan-gp":
                penalty = losses.gradient_penalty(self.critic, real, fake, labels, self.rng)
                loss_d = loss_d + cfg.gp_weight * penalty
                stats["penalty"] = penalty.detach()
            if cfg.r1_gamma > 0:
                penalty = losses.r1_penalty(real_logits, real)
                loss_d = loss_d + 0.5 * cfg.r1_gamma * penalty
                stats["penalty"] = penalty.detach()
            self.opt_d.zero_grad(set_to_none=True)
            loss_d.backward()
            stats["grad_norm_d"] = losses.grad_norm(self._critic_params)
            self.opt_d.step()
        if part == "d":
            return stats
        if part == "g" and cfg.is_conditional:
            labels = self.dataset.sample_batch(n, self.rng)[1]
        # update G: the generator wants D to call its samples real
        fake = self.generator(self._noise(n), labels)
        loss_g, g_stats = losses.generator_loss(cfg.loss, self.critic(fake, labels).float())
        self.opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        g_stats["grad_norm_g"] = losses.grad_norm(self._generator_params)
        self.opt_g.step()
        return {**stats, **g_stats}

    def _vae_step(self) -> dict:
        cfg = self.config
        real, labels = self.dataset.sample_batch(cfg.batch_size, self.rng)
        labels = labels if cfg.is_conditional else None
        # encode, sample z = mu + sigma * eps (the reparameterisation trick), decode
        mu, logvar = self.critic(real, labels).float().chunk(2, dim=1)  # float32 statistics, also under bf16
        logvar = logvar.clamp(-12.0, 8.0)
        z = mu + torch.randn(mu.shape, device=self.device, generator=self.rng) * (0.5 * logvar).exp()
        reconstruction = self.generator(z, labels).float()
        loss, stats = losses.vae_loss(reconstruction, real, mu, logvar, cfg.beta)
        self.opt_g.zero_grad(set_to_none=True)
        self.opt_d.zero_grad(set_to_none=True)
        loss.backward()
        stats["grad_norm_g"] = losses.grad_norm(self._generator_params)
        stats["grad_norm_d"] = losses.grad_norm(self._critic_params)
        self.opt_g.step()
        self.opt_d.step()
        return stats

    def step(self, part: str = "both") -> dict[str, float]:
        """Run one training iteration (n_critic D updates + one G update, or one VAE update).

        `part` ("both", "d" or "g") lets a class watch the two players move separately, as in GAN Lab:
        "d" runs only the discriminator's updates, "g" only the generator's. Each call counts as one step.
        Returns plain floats: loss_d, loss_g, d_real, d_fake, grad_norm_d, grad_norm_g (GAN) or loss, recon,
        kl, grad norms (VAE). Raises TrainingDiverged (after rolling back to the last good weights) when a
        number is NaN/inf or explodes.
        """
        if part not in ("both", "d", "g"):
            raise ValueError(f"part must be both, d or g, not {part!r}")
        started = time.perf_counter()
        self.models.train()
        if self.config.lr_decay:
            self._anneal_learning_rates()
        with self._step_precision():  # bf16 autocast or nothing; snapshots and metrics below run in fp32
            if self.family is not None:
                raw = self.family.step(self)
            elif self.config.is_vae:
                raw = self._vae_step()
            else:
                raw = self._gan_step(part)
        numbers = torch.stack([v.float() for v in raw.values()]).tolist()  # one host sync per step
        values = dict(zip(raw.keys(), numbers))
        bad = [k for k, v in values.items() if not math.isfinite(v) or abs(v) > DIVERGED_ABOVE]
        if bad:
            failed_step = self.step_count + 1
            self._rollback()
            raise TrainingDiverged(
                f"Training diverged at step {failed_step}: {', '.join(bad)} became "
                f"{'not a number' if any(not math.isfinite(values[k]) for k in bad) else 'huge'}. "
                f"Rolled back to the weights of step {self._last_good['step']}. "
                "Try a smaller learning rate, spectral norm, or an R1/gradient penalty.")
        self.step_count += 1
        self.elapsed += time.perf_counter() - started
        self.history.append(self.step_count, values)
        cfg = self.config
        if self.step_count % cfg.sample_every == 0 or self.step_count == 1:
            self.take_snapshot()
            self._last_good = self._copy_weights()
        if cfg.metrics_every and self.step_count % cfg.metrics_every == 0:
            self.record_metrics()
        return values

    def _anneal_learning_rates(self) -> None:
        remaining = max(0.0, 1.0 - self.step_count / max(self.config.steps, 1))
        self._set_learning_rates(remaining)

    def _set_learning_rates(self, factor: float = 1.0) -> None:
        for optimiser, base in ((self.opt_g, self.config.lr_g), (self.opt_d, self.config.lr_d)):
            if optimiser is not None:
                for group in optimiser.param_groups:
                    group["lr"] = base * factor

    # -- settings changed while training ------------------------------------------------------------------
    LIVE_FIELDS = ("lr_g", "lr_d", "n_critic", "r1_gamma", "gp_weight", "label_smoothing", "beta", "loss")

    def set_hparams(self, **changes) -> dict:
        """Change settings from the next step on, without restarting; returns {field: [old, new]}.

        Only LIVE_FIELDS may change (the network shapes stay); the new config is validated first, so a bad
        value raises ConfigError and nothing changes. Each change is recorded in `events` so the curves can
        mark where it happened.
        """
        unknown = sorted(set(changes) - set(self.LIVE_FIELDS))
        if unknown:
            raise ConfigError(unknown[0], f"{unknown[0]} cannot change while training; only "
                                          f"{', '.join(self.LIVE_FIELDS)} can.")
        new_config = self.config.replace(**changes).check()
        diff = {k: [getattr(self.config, k), v] for k, v in changes.items() if getattr(self.config, k) != v}
        if not diff:
            return {}
        self.config = new_config
        if self.config.lr_decay:
            self._anneal_learning_rates()
        else:
            self._set_learning_rates()
        self.events.append({"step": self.step_count, "changes": diff})
        return diff

    # -- rollback ---------------------------------------------------------------------------------------
    def _copy_weights(self) -> dict:
        return {"step": self.step_count, "models": copy.deepcopy(self.models.state_dict()),
                "opt_g": copy.deepcopy(self.opt_g.state_dict()),
                "opt_d": copy.deepcopy(self.opt_d.state_dict()) if self.opt_d is not None else None}

    def _rollback(self) -> None:
        """Back to the last good weights, and to their step count, so a checkpoint saved now says which step
        its weights are from (the curves keep the failed steps: they show what went wrong)."""
        self.step_count = self._last_good["step"]
        self.snapshots = [s for s in self.snapshots if s["step"] <= self.step_count]
        self.models.load_state_dict(self._last_good["models"])
        self.opt_g.load_state_dict(self._last_good["opt_g"])
        if self.opt_d is not None:
            self.opt_d.load_state_dict(self._last_good["opt_d"])

    # -- what the UI shows ------------------------------------------------------------------------------
    @torch.inference_mode()
    def generate(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """G(z) in eval mode: (n, latent) -> (n, 2) or (n, C, H, W)."""
        self.generator.eval()
        try:
            return self.generator(z.to(self.device), None if labels is None else labels.to(self.device))
        finally:
            self.generator.train()

    def take_snapshot(self) -> dict:
        """Record what the model makes of the fixed latent batch right now (and, for 2-D data, D's surface)."""
        snapshot: dict = {"step": self.step_count, "time": round(self.elapsed, 3)}
        fake = self.generate(self.fixed_noise, self.fixed_labels)
        if self.dataset.is_points:
            snapshot["points"] = fake.float().cpu().numpy().astype(np.float32)
            snapshot["bounds"] = self._plot_bounds
            if self.family is None:  # a family's z may not be a Gaussian latent (e.g. diffusion noise)
                snapshot["manifold"] = self.generator_manifold()
            if self.config.is_vae:
                snapshot.update(self._latent_codes())
            elif self.family is None:
                snapshot["heatmap"] = self.discriminator_surface()
                snapshot["arrows"] = self.generator_arrows(fake[:ARROWS])
        else:
            nrow = 8
            snapshot["grid"] = make_grid(fake, nrow=nrow)
            if self.config.is_vae:
                snapshot.update(self._latent_codes())
        if self.family is not None and self.family.snapshot is not None:
            self.family.snapshot(self, snapshot)
        self.snapshots.append(snapshot)
        self.snapshots = _thin(self.snapshots, MAX_SNAPSHOTS)
        return snapshot

    @torch.inference_mode()
    def discriminator_surface(self, size: int = HEATMAP_SIZE) -> np.ndarray:
        """D's opinion over the plot area: (size, size) float32, row i = y coordinate i (bottom to top).

        Probabilities for ns/minimax, raw scores for the other losses. With packing, each grid point is
        judged as a pack of identical copies.
        """
        x0, x1, y0, y1 = self._plot_bounds
        xs, ys = torch.linspace(x0, x1, size), torch.linspace(y0, y1, size)
        gy, gx = torch.meshgrid(ys, xs, indexing="ij")
        points = torch.stack([gx.flatten(), gy.flatten()], dim=1).to(self.device)
        pack = self.config.pack
        self.critic.eval()
        try:
            scores = self.critic(points.repeat_interleave(pack, dim=0))
        finally:
            self.critic.train()
        if self.config.loss in ("ns", "minimax"):
            scores = torch.sigmoid(scores)
        return scores.float().cpu().numpy().reshape(size, size).astype(np.float32)

    def generator_arrows(self, fake: torch.Tensor) -> np.ndarray:
        """Where G's loss pushes each generated point: (m, 4) float32 rows (x, y, dx, dy), dx/dy = -dLoss_G/dx."""
        points = fake.detach().clone().requires_grad_(True)
        pack = self.config.pack
        m = points.shape[0] - points.shape[0] % pack
        points_used = points[:m]
        self.critic.eval()
        try:
            with torch.enable_grad():
                loss, _ = losses.generator_loss(self.config.loss, self.critic(points_used))
                (grads,) = torch.autograd.grad(loss, points_used)
        finally:
            self.critic.train()
        arrows = torch.cat([points_used.detach(), -grads], dim=1)
        return arrows.float().cpu().numpy().astype(np.float32)

    def generator_manifold(self, n_lines: int = MANIFOLD_LINES, points_per_line: int = MANIFOLD_POINTS,
                           extent: float = MANIFOLD_EXTENT) -> np.ndarray:
        """A flat grid of latent space pushed through G: (2 * n_lines, points_per_line, 2) float32 polylines.

        latent_dim 2: the whole latent plane [-extent, extent]^2. More dimensions: the plane of z1 and z2
        through 0 (every other coordinate 0), one slice of what G sees. latent_dim 1: the single latent line,
        returned as one polyline (1, points_per_line, 2). One batched forward pass (~900 points).
        """
        from gan_core.latents import plane_grid_lines  # latents imports checkpoints, which imports training lazily

        if self.latent_dim >= 2:
            lines = plane_grid_lines(self.latent_dim, extent, n_lines, points_per_line)  # (L, P, latent_dim)
        else:
            lines = torch.linspace(-extent, extent, points_per_line).reshape(1, points_per_line, 1)
        count, per_line, _ = lines.shape
        warped = self.generate(lines.reshape(count * per_line, self.latent_dim))  # (L * P, 2)
        return warped.float().cpu().numpy().reshape(count, per_line, 2).astype(np.float32)

    @torch.inference_mode()
    def _latent_codes(self, count: int = 512) -> dict:
        """Encoder means of a fixed real batch (first two latent dimensions) with their labels, for a VAE."""
        data = self.dataset
        count = min(count, data.data.shape[0])
        real = data.data[:count]
        labels = data.labels[:count] if data.labels is not None else None
        self.critic.eval()
        try:
            mu = self.critic(real, labels if self.config.is_conditional else None)[:, : self.config.latent_dim]
        finally:
            self.critic.train()
        codes = mu[:, :2] if mu.shape[1] >= 2 else torch.cat([mu, torch.zeros_like(mu)], dim=1)
        return {"codes": codes.float().cpu().numpy().astype(np.float32),
                "code_labels": None if labels is None else labels.cpu().numpy().astype(np.int16)}

    def record_metrics(self) -> dict:
        """Evaluate the cheap metrics now and append them to `self.metrics` (no effect on training's RNG)."""
        try:
            fn = self.metrics_fn
            if fn is None:
                from gan_core.evaluation.evaluate import quick_metrics as fn  # imported late: evaluation is optional for training
            values = fn(self)
        except Exception as error:  # a metric must never kill a training run
            values = {}
            self.metrics.setdefault("errors", []).append(f"step {self.step_count}: {error}")
        if values:
            self.metrics["steps"].append(self.step_count)
            for key, value in values.items():
                column = self.metrics["values"].setdefault(key, [math.nan] * (len(self.metrics["steps"]) - 1))
                column.append(float(value))
        return values

    # -- persistence ------------------------------------------------------------------------------------
    def state_dict(self) -> dict:
        """Everything needed to continue this run exactly (tensors and plain data only)."""
        return {
            "models": self.models.state_dict(),
            "optimizers": {"generator": self.opt_g.state_dict(),
                           **({"critic": self.opt_d.state_dict()} if self.opt_d is not None else {})},
            "rng": {"train": self.rng.get_state().cpu()},
            "step": self.step_count,
            "wall_time": self.elapsed,
            "history": self.history.to_dict(),
            "snapshots": [_snapshot_to_storable(s) for s in self.snapshots],
            "metrics": copy.deepcopy(self.metrics),
            "events": copy.deepcopy(self.events),
            "config": self.config.to_dict(),  # may differ from the starting config after set_hparams
        }

    def load_state_dict(self, state: dict) -> None:
        self.models.load_state_dict(state["models"])
        self.opt_g.load_state_dict(state["optimizers"]["generator"])
        if self.opt_d is not None:
            self.opt_d.load_state_dict(state["optimizers"]["critic"])
        rng_state = state.get("rng", {}).get("train")
        if rng_state is not None:
            self.rng.set_state(rng_state.to(torch.uint8).cpu() if self.device.type == "cpu" else rng_state)
        self.step_count = int(state.get("step", 0))
        self.elapsed = float(state.get("wall_time", 0.0))
        self.history = History.from_dict(state.get("history", {}))
        self.snapshots = [_snapshot_from_storable(s) for s in state.get("snapshots", [])]
        self.metrics = state.get("metrics") or {"steps": [], "values": {}}
        self.events = list(state.get("events", []))
        live = {k: v for k, v in (state.get("config") or {}).items() if k in self.LIVE_FIELDS}
        if live:  # settings changed mid-run carry over to the resumed run
            self.config = self.config.replace(**live).check()
            self._set_learning_rates()
        self._last_good = self._copy_weights()


def _snapshot_to_storable(snapshot: dict) -> dict:
    """numpy arrays -> tensors, so a checkpoint loads with weights_only=True."""
    return {k: torch.from_numpy(np.ascontiguousarray(v)) if isinstance(v, np.ndarray) else v
            for k, v in snapshot.items()}


def _snapshot_from_storable(snapshot: dict) -> dict:
    return {k: v.numpy() if isinstance(v, torch.Tensor) else (tuple(v) if k == "bounds" else v)
            for k, v in snapshot.items()}


# ---------------------------------------------------------------------------------------------------------
# TrainingJob: a trainer in its own thread
# ---------------------------------------------------------------------------------------------------------
QUEUED, RUNNING, PAUSED, FINISHED, STOPPED, FAILED = "queued", "running", "paused", "finished", "stopped", "failed"
ACTIVE_STATES = (QUEUED, RUNNING, PAUSED)


STEP_PARTS = ("both", "d", "g")  # what one step of a paused run may update: both players, or D or G alone


def check_step_part(part: str) -> None:
    if part not in STEP_PARTS:
        raise ValueError(f"part must be both, d or g, not {part!r}")


class TrainingJob:
    """Runs a Trainer in a background thread with start / pause / resume / single step / stop.

    `snapshot()` is safe to call from any thread at any time; it returns plain data only.
    The trainer is built inside the thread, so a slow dataset load never blocks the caller.
    """

    def __init__(self, config: TrainConfig, name: str = "", owner: str = "", resume_state: dict | None = None,
                 extra_steps: int | None = None, dataset: Dataset | None = None,
                 trainer_factory: Callable[..., Trainer] = Trainer, step_delay: float = 0.0):
        self.id = uuid.uuid4().hex[:8]
        self.config = config.check()
        self.name = name or f"{config.dataset}-{config.model}-{self.id[:4]}"
        self.owner = owner
        self.created = time.time()
        self.status = QUEUED
        self.message = ""
        self.error = ""
        self.trainer: Trainer | None = None
        self._resume_state = resume_state
        self._extra_steps = extra_steps
        self._dataset = dataset
        self._factory = trainer_factory
        self.step_delay = step_delay  # seconds between steps: a slow-motion mode for following updates
        self.target_steps = config.steps
        self._lock = threading.RLock()
        self._wake = threading.Condition(self._lock)
        self._pending_steps: list[str] = []  # single steps asked for while paused: "both", "d" or "g"
        self._stop_requested = False
        self._pause_requested = False
        self._thread: threading.Thread | None = None
        self._rate_window: list[tuple[float, int]] = []
        self.on_done: Callable[["TrainingJob"], None] | None = None

    # -- control -----------------------------------------------------------------------------------------
    def start(self, paused: bool = False) -> None:
        with self._lock:
            if self._thread is not None:
                return
            self._pause_requested = paused
            self.status = PAUSED if paused else RUNNING
            self._thread = self._launch(paused)

    def _launch(self, paused: bool) -> threading.Thread:
        """Start training (called once, under the lock); returns the thread that lives as long as the run."""
        thread = threading.Thread(target=self._run, name=f"latent-lab-{self.id}", daemon=True)
        thread.start()
        return thread

    def pause(self) -> None:
        with self._lock:
            if self.status in (RUNNING, QUEUED):
                self._pause_requested = True
                if self.status == RUNNING:
                    self.status = PAUSED

    def resume(self) -> None:
        with self._lock:
            self._pause_requested = False
            if self.status == PAUSED:
                self.status = RUNNING
            self._wake.notify_all()

    def step_once(self, count: int = 1, part: str = "both") -> None:
        """While paused, run exactly `count` more steps; part "d" or "g" updates only that player."""
        check_step_part(part)
        with self._lock:
            if self.status == PAUSED:
                self._pending_steps.extend([part] * count)
                self._wake.notify_all()

    def set_hparams(self, **changes) -> dict:
        """Change live settings (see Trainer.set_hparams) between two steps; returns {field: [old, new]}.

        Before the trainer exists (a queued run) the change goes into the config it will start with.
        Raises ConfigError for a bad value, changing nothing.
        """
        with self._lock:
            if self.trainer is None:
                unknown = sorted(set(changes) - set(Trainer.LIVE_FIELDS))
                if unknown:
                    raise ConfigError(unknown[0], f"{unknown[0]} cannot change while training.")
                new_config = self.config.replace(**changes).check()
                diff = {k: [getattr(self.config, k), v] for k, v in changes.items() if getattr(self.config, k) != v}
                self.config = new_config
                return diff
            diff = self.trainer.set_hparams(**changes)
            self.config = self.trainer.config
            return diff

    def stop(self) -> None:
        with self._lock:
            self._stop_requested = True
            if self.status == QUEUED and self._thread is None:
                self.status = STOPPED
                self.message = "Cancelled before it started."
            self._wake.notify_all()

    def join(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATES

    @property
    def thread_alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # -- the thread -------------------------------------------------------------------------------------
    def _build(self) -> Trainer:
        trainer = self._factory(self.config, dataset=self._dataset)
        if self._resume_state is not None:
            trainer.load_state_dict(self._resume_state)
            self._resume_state = None
            if self._extra_steps:
                self.target_steps = trainer.step_count + self._extra_steps
        return trainer

    def _run(self) -> None:
        try:
            requested = self.config
            trainer = self._build()
            with self._lock:
                self.trainer = trainer
                # settings changed while the data loaded and the networks were built went into self.config only
                late = {k: getattr(self.config, k) for k in Trainer.LIVE_FIELDS
                        if getattr(self.config, k) != getattr(requested, k)}
                if late:
                    trainer.set_hparams(**late)
                    self.config = trainer.config
            while True:
                with self._lock:
                    while not self._stop_requested and self._pause_requested and not self._pending_steps:
                        self._wake.wait(timeout=0.5)
                    if self._stop_requested:
                        self.status = STOPPED
                        self.message = f"Stopped at step {trainer.step_count}."
                        break
                    if trainer.step_count >= self.target_steps:
                        self.status = FINISHED
                        self.message = f"Finished {trainer.step_count} steps."
                        break
                    single_step = bool(self._pending_steps)
                    part = self._pending_steps.pop(0) if single_step else "both"
                    trainer.step(part)
                    self._note_rate(trainer.step_count)
                    if single_step and (not trainer.snapshots or trainer.snapshots[-1]["step"] != trainer.step_count):
                        trainer.take_snapshot()  # a single step while paused: show what it changed

                if self.step_delay:
                    time.sleep(self.step_delay)
                else:
                    time.sleep(0)  # let the web server's threads have the GIL between steps
        except TrainingDiverged as error:
            with self._lock:
                self.status, self.error = FAILED, str(error)
        except Exception as error:  # report, never crash the server
            with self._lock:
                self.status = FAILED
                self.error = f"{type(error).__name__}: {error}" if not str(error) else str(error)
        finally:
            callback = self.on_done
            if callback is not None:
                callback(self)

    def _note_rate(self, step: int) -> None:
        now = time.perf_counter()
        self._rate_window.append((now, step))
        while len(self._rate_window) > 2 and now - self._rate_window[0][0] > 5.0:
            self._rate_window.pop(0)

    def steps_per_second(self) -> float:
        window = self._rate_window
        if len(window) < 2 or window[-1][0] <= window[0][0]:
            return 0.0
        return (window[-1][1] - window[0][1]) / (window[-1][0] - window[0][0])

    # -- reading --------------------------------------------------------------------------------------
    def snapshot(self, history_points: int = 2000, with_frames: bool = False) -> dict:
        """Plain-data view of the job: status, step, speed, downsampled history, latest sample snapshot."""
        with self._lock:
            trainer = self.trainer
            step = trainer.step_count if trainer else 0
            rate = self.steps_per_second() if self.status == RUNNING else 0.0
            remaining = max(0, self.target_steps - step)
            view = {
                "id": self.id, "name": self.name, "owner": self.owner, "status": self.status,
                "message": self.message, "error": self.error, "step": step, "target_steps": self.target_steps,
                "steps_per_second": rate, "eta_seconds": remaining / rate if rate > 0 else None,
                "elapsed": trainer.elapsed if trainer else 0.0, "config": self.config.to_dict(),
                "history": _downsample_history(trainer.history, history_points) if trainer else {"steps": [], "series": {}},
                "metrics": copy.deepcopy(trainer.metrics) if trainer else {"steps": [], "values": {}},
                "latest": dict(trainer.snapshots[-1]) if trainer and trainer.snapshots else None,
                "n_snapshots": len(trainer.snapshots) if trainer else 0,
                "events": copy.deepcopy(trainer.events) if trainer else [],
                "step_delay": self.step_delay,
                # what the steps really run in: "fp32" when bf16 was asked for but the device cannot run it
                "precision": trainer.precision if trainer else self.config.precision,
            }
            if with_frames and trainer:
                view["frames"] = [dict(s) for s in trainer.snapshots]
            return view

    def frames(self) -> list[dict]:
        with self._lock:
            return [dict(s) for s in self.trainer.snapshots] if self.trainer else []

    def checkpoint_payload(self) -> dict:
        """A consistent copy of the run for saving, taken between two steps."""
        from gan_core.checkpoints import trainer_payload

        with self._lock:
            if self.trainer is None:
                raise RuntimeError("This run has not started yet, so there is nothing to save.")
            return trainer_payload(self.trainer, name=self.name)


def _downsample_history(history: History, points: int) -> dict:
    """At most `points` rows, evenly spaced, always including the newest row."""
    n = len(history.steps)
    if n <= points:
        return {"steps": list(history.steps), "series": {k: list(v) for k, v in history.series.items()}}
    index = np.linspace(0, n - 1, points).round().astype(int)
    return {"steps": [history.steps[i] for i in index],
            "series": {k: [v[i] for i in index] for k, v in history.series.items()}}
