"""Training: a `Trainer` takes one step at a time and keeps the run's history, snapshots and metric curves.

It orchestrates; the objectives are pure functions in gan_core.losses, the pictures of a snapshot come from
gan_core.snapshots, and the metrics from whatever `metrics_fn` the caller injects (gan_core.evaluation's
quick_metrics in the app, the CLI and the demos). Running a trainer in a thread or a worker process is
gan_core.runtime's job.
"""
from __future__ import annotations

import contextlib
import copy
import math
import threading
import time
import warnings
from collections.abc import Callable

import torch

from gan_core import losses, settings, snapshots
from gan_core.checkpoints import (Checkpoint, CheckpointError, snapshot_from_storable, snapshot_to_storable,
                                  trainer_payload)
from gan_core.config import ConfigError, TrainConfig, validate_data
from gan_core.data import Dataset, DataError, load_dataset, points_dataset_from_info
from gan_core.device import configure_threads, cpu_has_native_bf16, pick_device
from gan_core.models import build_models
from gan_core.optim import Adam

# Model initialisation draws from torch's global generator; a lock keeps two jobs that start at once from
# interleaving their draws, so the same seed always builds the same networks.
_INIT_LOCK = threading.Lock()

MAX_SNAPSHOTS = 64  # older snapshots are thinned (every other one dropped) beyond this
DIVERGED_ABOVE = 1e6  # a loss this large means training has blown up
STEP_PARTS = ("both", "d", "g")  # what one step may update: both players, or D or G alone


def check_step_part(part: str) -> None:
    if part not in STEP_PARTS:
        raise ValueError(f"part must be both, d or g, not {part!r}")


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


def measured_at_end(config: TrainConfig) -> bool:
    """Whether a run is also measured at its last step: when its length is not a multiple of metrics_every (300
    steps measured every 250 ended with a quality chart stopping at 250). A run shorter than one interval still
    measures nothing."""
    every = config.metrics_every
    return bool(every) and config.steps % every != 0 and config.steps > every


def metrics_due(step: int, config: TrainConfig) -> bool:
    """Whether the Trainer records its metrics after `step` (1-based): every metrics_every steps, and at the end."""
    every = config.metrics_every
    return bool(every) and (step % every == 0 or (step == config.steps and measured_at_end(config)))


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


# A mixture latent's learned weights (latent_weight_lr) start learning at this fraction of the run, once G has sent
# its components to their modes: learned from the first step, they steered G while it was still finding the modes,
# and on ring8-fixed G then left up to 4 of the 8 modes with no island at all on about one seed in 15 (BENCHMARKS).
MIXTURE_WEIGHTS_FROM = 0.4

# Adam's whole update in one kernel per optimiser where torch has one: the same update as the per-parameter loop
# (to float rounding), 3-9 % more steps/s on the 2-D presets (docs/BENCHMARKS.md)
FUSED_ADAM_DEVICES = ("cpu", "cuda")


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
        for name, message in validate_data(config, self.dataset).items():  # a folder or upload without classes
            raise ConfigError(name, message)
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
        self._fused = self.device.type in FUSED_ADAM_DEVICES
        self.opt_g = Adam(self._generator_params, lr=config.lr_g, betas=betas, fused=self._fused)
        self.opt_d = (Adam(self._critic_params, lr=config.lr_d, betas=betas, fused=self._fused)
                      if self._critic_params else None)
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
        self.metrics_fn = metrics_fn  # trainer -> {name: float}; None records no metrics
        self.events: list[dict] = []  # settings changed mid-run: {"step", "changes": {field: [old, new]}}
        # 2-D data: the plot area every snapshot's pictures share
        self.plot_bounds = snapshots.plot_bounds(self.dataset.data) if self.dataset.is_points else (0.0,) * 4
        self._last_good = self._copy_weights()

    # -- fixed latents: the same z every snapshot, so a class watches the same samples sharpen ------------
    def _make_fixed_batch(self) -> tuple[torch.Tensor, torch.Tensor | None]:
        cfg, data = self.config, self.dataset
        if self.family is not None and self.family.fixed_batch is not None:
            noise, labels = self.family.fixed_batch(self)
            return noise.to(self.device), None if labels is None else labels.to(self.device)
        labels = None
        if data.is_points:
            count = snapshots.SNAPSHOT_POINTS
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
        if device_type == "cpu" and not cpu_has_native_bf16() and not settings.cpu_bf16_always():
            warnings.warn("bf16 mixed precision is many times slower than fp32 on this CPU (it has no native bf16), "
                          "so this run trains in fp32 (LATENT_LAB_CPU_BF16=always keeps bf16)", RuntimeWarning,
                          stacklevel=3)
            return contextlib.nullcontext
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

    def _gan_step(self, part: str = "both") -> dict:
        cfg = self.config
        n = cfg.batch_size
        stats: dict = {}
        labels = None
        for _ in range(cfg.n_critic if part != "g" else 0):
            real, labels = self.dataset.sample_batch(n, self.rng)
            labels = labels if cfg.is_conditional else None
            with torch.no_grad():
                fake = self.generator(self.noise(n), labels)
            stats = self.train_critic(self.critic, real, fake, labels)
        if part == "d":
            return stats
        if part == "g" and cfg.is_conditional:
            labels = self.dataset.sample_batch(n, self.rng)[1]
        return {**stats, **self.train_generator(self.critic, self.generator(self.noise(n), labels), labels)}

    def _vae_step(self) -> dict:
        cfg = self.config
        real, labels = self.dataset.sample_batch(cfg.batch_size, self.rng)
        labels = labels if cfg.is_conditional else None
        return self.train_vae(self.critic(real, labels), lambda z: self.generator(z, labels), real)

    # -- the updates every family shares -----------------------------------------------------------------
    def train_critic(self, critic: torch.nn.Module, real: torch.Tensor, fake: torch.Tensor,
                     condition: torch.Tensor | None = None) -> dict:
        """One update of the second optimiser on `critic`'s loss (gan_core.losses.critic_loss: the chosen loss
        with its WGAN-GP or R1 penalty) for a real and a detached fake batch of the same shape.
        Returns 0-d tensors: loss_d, d_real, d_fake, grad_norm_d (and penalty)."""
        loss, stats = losses.critic_loss(self.config, critic, real, fake, condition, self.rng)
        stats["grad_norm_d"] = self.update_critic(loss)
        return stats

    def train_generator(self, critic: torch.nn.Module, fake: torch.Tensor, condition: torch.Tensor | None = None) -> dict:
        """update G: it wants `critic` to call `fake` (made with gradients) real. Returns loss_g, grad_norm_g (and
        top_k, the fakes it learned from, in top-k training; sigma_penalty with a DeLiGAN mixture latent)."""
        cfg = self.config
        fake_logits = critic(fake, condition).float()
        mixture = getattr(self.generator, "mixture", None)
        if mixture is not None and mixture.log_weights is not None:  # (built when latent_weight_lr > 0)
            self._learn_mixture_weights(mixture, fake_logits)
        top_k = None
        if cfg.top_k < 1.0:  # top-k training: only the k fakes D rates most real teach G
            top_k = self.top_k_count(fake_logits.shape[0])
            fake_logits = losses.top_k_logits(fake_logits, top_k)
        loss, stats = losses.generator_loss(cfg.loss, fake_logits)
        if mixture is not None and not mixture.fixed:  # DeLiGAN: keep every component's sigma from shrinking to a point
            penalty = losses.sigma_penalty(mixture.sigma)
            loss = loss + cfg.latent_sigma_reg * penalty
            stats["sigma_penalty"] = penalty.detach()
        if top_k is not None:
            stats["top_k"] = torch.tensor(float(top_k))
        stats["grad_norm_g"] = self.update_generator(loss)
        return stats

    def _learn_mixture_weights(self, mixture, fake_logits: torch.Tensor) -> None:
        """A step on the mixture latent's component weights from G's loss on each fake of this G update, at
        latent_weight_lr times G's learning-rate factor (annealed with it, so the weights settle as G does), from
        MIXTURE_WEIGHTS_FROM of the run on. A packed D scores groups of `pack` fakes: each fake gets its group's
        loss."""
        if self.step_count < MIXTURE_WEIGHTS_FROM * self.config.steps:
            return
        component = mixture.last_component
        loss = losses.generator_loss_per_sample(self.config.loss, fake_logits)
        if component is None or loss.shape[0] * self.config.pack != component.shape[0]:
            return
        loss = loss.repeat_interleave(self.config.pack)
        factor = self.opt_g.param_groups[0]["lr"] / self.config.lr_g
        mixture.learn_weights(component, loss, self.config.latent_weight_lr * factor)

    def top_k_count(self, batch: int) -> int:
        """k of top-k training at this step, for a batch of `batch` fakes (packed groups when packing): annealed by
        top_k_gamma per epoch, one epoch being a pass over the data pool (len(data) / batch_size steps)."""
        cfg = self.config
        epoch_steps = len(self.dataset.data) / cfg.batch_size
        return losses.top_k_count(batch, self.step_count, cfg.top_k, cfg.top_k_gamma, epoch_steps)

    def train_vae(self, encoded: torch.Tensor, decode: Callable[[torch.Tensor], torch.Tensor],
                  target: torch.Tensor) -> dict:
        """One VAE update of both networks: `encoded` (B, 2 * latent) holds mu and log sigma^2; z is sampled with
        the reparameterisation trick and `decode(z)` is scored against `target` (the negative ELBO, with the
        statistics in float32, also under bf16). Returns loss, recon, kl, grad_norm_g, grad_norm_d."""
        mu, logvar = encoded.float().chunk(2, dim=1)
        logvar = logvar.clamp(-12.0, 8.0)
        z = losses.reparameterize(mu, logvar, self.rng)
        loss, stats = losses.vae_loss(decode(z).float(), target, mu, logvar, self.config.beta)
        stats["grad_norm_g"], stats["grad_norm_d"] = self.update_both(loss)
        return stats

    def update_critic(self, loss: torch.Tensor) -> torch.Tensor:
        """zero_grad, backward and step of everything but the generator; returns the gradient norm before the step."""
        return self._update(loss, self.opt_d, self._critic_params)

    def update_generator(self, loss: torch.Tensor) -> torch.Tensor:
        """zero_grad, backward and step of the generator; returns its gradient norm before the step."""
        return self._update(loss, self.opt_g, self._generator_params)

    def update_both(self, loss: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """One backward pass, then both optimisers step (a VAE's encoder and decoder share one loss).
        Returns the gradient norms (generator, the rest) before the step."""
        self.opt_g.zero_grad(set_to_none=True)
        self.opt_d.zero_grad(set_to_none=True)
        loss.backward()
        norms = losses.grad_norm(self._generator_params), losses.grad_norm(self._critic_params)
        self.opt_g.step()
        self.opt_d.step()
        return norms

    @staticmethod
    def _update(loss: torch.Tensor, optimiser: Adam, parameters: list) -> torch.Tensor:
        """The gradient is taken for `parameters` only. G's loss runs through D, and `backward()` would also fill
        D's weight gradients, which D's next update throws away (it zeroes them first); skipping them saves about a
        third of D's backward pass in every G step. The parameters' own gradients are the same numbers."""
        optimiser.zero_grad(set_to_none=True)
        grads = torch.autograd.grad(loss, parameters, allow_unused=True)
        for parameter, grad in zip(parameters, grads):
            parameter.grad = grad
        norm = losses.grad_norm(parameters)
        optimiser.step()
        return norm

    def step(self, part: str = "both") -> dict[str, float]:
        """Run one training iteration (n_critic D updates + one G update, or one VAE update).

        `part` ("both", "d" or "g") lets a class watch the two players move separately, as in GAN Lab:
        "d" runs only the discriminator's updates, "g" only the generator's. Each call counts as one step.
        Returns plain floats: loss_d, loss_g, d_real, d_fake, grad_norm_d, grad_norm_g (GAN) or loss, recon,
        kl, grad norms (VAE). Raises TrainingDiverged (after rolling back to the last good weights) when a
        number is NaN/inf or explodes.
        """
        check_step_part(part)
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
        if metrics_due(self.step_count, cfg):
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
        """Record what the model makes of the fixed latent batch right now (gan_core.snapshots.take)."""
        snapshot = snapshots.take(self)
        self.snapshots.append(snapshot)
        self.snapshots = _thin(self.snapshots, MAX_SNAPSHOTS)
        return snapshot

    def snapshot_if_behind(self) -> dict | None:
        """A snapshot of the weights as they are now, when the last one is older: a run that ends (or is stopped)
        between two sample_every steps would otherwise end on an older picture, and its timeline would lack the
        model it finished with. Returns the new snapshot, or None when the last one is of this step already."""
        if self.step_count == 0 or (self.snapshots and self.snapshots[-1]["step"] == self.step_count):
            return None
        return self.take_snapshot()

    def record_metrics(self) -> dict:
        """Evaluate `metrics_fn` now and append its numbers to `self.metrics` (no effect on training's RNG)."""
        if self.metrics_fn is None:
            return {}
        try:
            values = self.metrics_fn(self)
        except Exception as error:  # a metric must never kill a training run
            values = {}
            self.metrics.setdefault("errors", []).append(f"step {self.step_count}: {error}")
        if values:
            steps = self.metrics["steps"]
            steps.append(self.step_count)
            for key, value in values.items():
                column = self.metrics["values"].setdefault(key, [math.nan] * (len(steps) - 1))
                column.append(math.nan if value is None else float(value))
            # a metric with no value at this check (reverse KL over the high-quality samples when there are none)
            # gets a gap here: each column stays one number per step, so every point is drawn at its own step
            for column in self.metrics["values"].values():
                column.extend([math.nan] * (len(steps) - len(column)))
        return values

    # -- persistence ------------------------------------------------------------------------------------
    @classmethod
    def from_checkpoint(cls, checkpoint: Checkpoint, device: str | None = None,
                        metrics_fn: Callable[["Trainer"], dict] | None = None, **overrides) -> "Trainer":
        """A Trainer that continues `checkpoint` exactly where it stopped (config overrides allowed).

        Raises CheckpointError with one sentence when the file cannot continue with these settings (or its
        data, e.g. uploaded images, is not in it)."""
        config = checkpoint.config.replace(**overrides) if overrides else checkpoint.config
        trainer = cls(config, dataset=checkpoint_dataset(checkpoint, config), device=device, metrics_fn=metrics_fn)
        try:
            trainer.load_state_dict(checkpoint.state)
        except (RuntimeError, KeyError, ValueError) as error:
            raise CheckpointError(f"{checkpoint.label} cannot be resumed with these settings "
                                  f"({str(error).splitlines()[0][:120]}).") from None
        return trainer

    def checkpoint_payload(self, name: str = "") -> dict:
        """Everything about this run as plain data, ready for gan_core.checkpoints.save_checkpoint."""
        return trainer_payload(self, name=name)

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
            "snapshots": [snapshot_to_storable(s) for s in self.snapshots],
            "metrics": copy.deepcopy(self.metrics),
            "events": copy.deepcopy(self.events),
            "config": self.config.to_dict(),  # may differ from the starting config after set_hparams
        }

    def load_state_dict(self, state: dict) -> None:
        """Continue from `state`. A file saved without its optimisers' state (a demo kept small, see
        gan_core.demos) continues with fresh Adam moments: the same weights, not bit for bit the same run."""
        self.models.load_state_dict(state["models"])
        optimizers = state.get("optimizers") or {}
        for optimiser, key in ((self.opt_g, "generator"), (self.opt_d, "critic")):
            if optimiser is not None and key in optimizers:
                optimiser.load_state_dict(optimizers[key])
                for group in optimiser.param_groups:  # the saved groups carry the saving machine's choice
                    group["fused"] = self._fused
        rng_state = state.get("rng", {}).get("train")
        if rng_state is not None:
            self.rng.set_state(rng_state.to(torch.uint8).cpu() if self.device.type == "cpu" else rng_state)
        self.step_count = int(state.get("step", 0))
        self.elapsed = float(state.get("wall_time", 0.0))
        self.history = History.from_dict(state.get("history", {}))
        self.snapshots = [snapshot_from_storable(s) for s in state.get("snapshots", [])]
        self.metrics = state.get("metrics") or {"steps": [], "values": {}}
        self.events = list(state.get("events", []))
        live = {k: v for k, v in (state.get("config") or {}).items() if k in self.LIVE_FIELDS}
        if live:  # settings changed mid-run carry over to the resumed run
            self.config = self.config.replace(**live).check()
            self._set_learning_rates()
        self._last_good = self._copy_weights()


def checkpoint_dataset(checkpoint: Checkpoint, config: TrainConfig | None = None) -> Dataset | None:
    """The data to continue `checkpoint` on when its dataset cannot be loaded by name, else None.

    "points:NAME" (drawn or from a CSV): rebuilt from the points saved in its data_info, with `config`'s
    n_points and seed (the checkpoint's own by default), so the pool is the one the run trained on.
    "upload:NAME": the images are not in the checkpoint, so CheckpointError says to upload them again.
    """
    config = config or checkpoint.config
    if config.dataset.startswith("upload:"):
        raise CheckpointError(f"{checkpoint.label} was trained on images uploaded in the browser, which are not "
                              "saved in checkpoints; upload the same images again to continue it.")
    if not config.dataset.startswith("points:"):
        return None
    try:
        return points_dataset_from_info(checkpoint.data_info, n_points=config.n_points, seed=config.seed)
    except DataError as error:
        raise CheckpointError(str(error)) from None
