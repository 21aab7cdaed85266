"""What a run will cost, from its config alone, before anything is allocated; and the refusal of one that cannot fit.

Every setting of a run can be within its range while the whole is not: a digits GAN at width 1024 and 32 pixels
has a 739M-parameter generator, 12 GB before its first step. `estimate(config)` builds the run's networks on
PyTorch's "meta" device (shapes, no storage: instant, whatever the width) and adds up, in float32 bytes:

- weights: every parameter;
- gradients: one per parameter;
- optimiser: Adam keeps two running moments per parameter;
- activations: what autograd keeps for the backward pass. A forward pass on the meta device (no storage either)
  records each layer's output for a batch; the generator counts once and every other network (discriminator,
  encoder) twice, for the real and the fake batch, and the sum is doubled for the gradients that flow back through
  it. Where a network cannot be traced that way (families with their own calling convention), each layer counts
  as if it worked at the full image size, an upper bound. Rough, but within a small factor of what one step
  really peaks at, which is what a refusal needs;
- data: the images or points the run holds, at the size the config asks for.

It also guesses a step's time from the same trace (about 6 floating-point operations per weight and output
position, forward and backward, at ASSUMED_FLOPS_PER_SECOND), for a caption, never for a refusal.

`problems(config)` returns {field: sentence} when the estimate exceeds the budget (LATENT_LAB_RUN_MEMORY_MB,
default 1 GiB: see docs/SECURITY.md for why), or when the run's checkpoint would be too large for Latent Lab to open
again (its weights and Adam's moments, plus what else a checkpoint holds, over checkpoints.MAX_CHECKPOINT_BYTES: a
run that trained for minutes and then cannot be loaded has lost its work), and `check(config)` raises it as a
ConfigError. The CLI, `new_job`
(every run the app starts) and the Train page's form call them; the Trainer itself does not, so tests and the
demo builder can still build what they like.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import torch
from torch import nn
from torch.nn.utils import parametrize

from gan_core import settings
from gan_core.checkpoints import MAX_CHECKPOINT_BYTES
from gan_core.config import ConfigError, TrainConfig
from gan_core.options import written
from gan_core.models import build_models

BYTES_PER_VALUE = 4  # float32: weights and optimiser state stay float32 even when bf16 runs the steps
ADAM_MOMENTS = 2
TRACE_BATCH = 2  # the meta forward's batch; activations scale linearly with the batch size
CPU_TRACE_PARAMETERS = 4_000_000  # up to here (16 MB of weights) the trace runs on the CPU: see _estimate
# what a checkpoint holds besides weights and Adam's moments: at most 32 sample snapshots (a 32-pixel colour grid of
# 64 samples is 200 KB each, 6 MB in all), the curves, the config; the demos hold 1-4 MB of it
CHECKPOINT_EXTRA_BYTES = 16 * 2**20
ASSUMED_FLOPS_PER_SECOND = 20e9  # a run's share of a server CPU (a few threads); only for the time guess

# what the built-in data looks like: (channels, classes, images held); None = n_points images
_IMAGE_DATA = {"digits": (1, 10, 1797), "mnist5k": (1, 10, 5000), "shapes": (3, 36, 36 * 60), "stacked-digits": (3, 1000, 25_000),
               "stacked-mnist": (3, 1000, 25_000),
               "mnist": (1, 10, 60_000), "fashion-mnist": (1, 10, 60_000), "cifar10": (3, 10, 50_000)}
_USER_IMAGES = (3, 16, 5000)  # folders and uploads: colour at most, gan_core.uploads.MAX_FILES at most


@dataclass(frozen=True)
class Estimate:
    """A run's memory in bytes, part by part, and a rough time per step in seconds."""

    parameters: int
    weights: int
    gradients: int
    optimiser: int
    activations: int
    data: int
    step_seconds: float

    @property
    def total(self) -> int:
        return self.weights + self.gradients + self.optimiser + self.activations + self.data

    @property
    def checkpoint(self) -> int:
        """The bytes a checkpoint of this run holds at most: weights, Adam's moments and CHECKPOINT_EXTRA_BYTES."""
        return self.weights + self.optimiser + CHECKPOINT_EXTRA_BYTES

    @property
    def cause(self) -> str:
        """The setting to lower first: the network width, the batch size or the data, whichever costs most."""
        parts = {"hidden": self.weights + self.gradients + self.optimiser, "batch_size": self.activations,
                 "dataset": self.data}
        return max(parts, key=parts.get)


def data_shape(config: TrainConfig) -> tuple[tuple, int, int]:
    """(sample shape, classes, samples held) the config's data will have, without loading it (an upper bound for
    data only a file knows: folders and uploads)."""
    if config.is_points:
        return (2,), 0, config.n_points
    channels, classes, held = _IMAGE_DATA.get(config.dataset, _USER_IMAGES)
    if config.dataset in ("stacked-digits", "stacked-mnist", "mnist", "fashion-mnist", "cifar10"):
        held = min(held, config.n_points)
    return (channels, config.image_size, config.image_size), classes, held


def estimate(config: TrainConfig, dataset=None) -> Estimate:
    """The memory `config` needs (see the module's docstring); `dataset`, when loaded already, gives the real
    sample shape, classes and size instead of the upper bounds."""
    shape, classes, held = data_shape(config)
    if dataset is not None:
        shape, classes, held = tuple(dataset.sample_shape), int(dataset.n_classes), len(dataset)
    return _estimate(_key(config), shape, classes, held)


def _key(config: TrainConfig) -> tuple:
    # only the fields that shape the networks and the batch: the form asks on every rerun, and it hits this cache
    return tuple(sorted((name, value) for name, value in config.to_dict().items()
                        if name not in ("steps", "seed", "lr_g", "lr_d", "sample_every", "metrics_every")))


@functools.lru_cache(maxsize=64)
def _estimate(key: tuple, shape: tuple, classes: int, held: int) -> Estimate:
    config = TrainConfig(**dict(key))
    with torch.device("meta"):  # every tensor made here has a shape and no storage
        models = build_models(config, shape, classes)
    parameters = sum(p.numel() for p in models.parameters())
    # A forward pass on the meta device runs torch's Python decompositions, and the first one imports torch._dynamo
    # (about a second, once per process, paid by every CLI command). A small classic network is traced on the CPU
    # instead; a family's networks may branch on their buffers (ProGAN's stage), so they keep the meta trace.
    small = parameters <= CPU_TRACE_PARAMETERS and config.family is None
    traced = _traced_on_cpu(config, shape, classes) if small else None
    if traced is None:
        traced = [_trace(network, name == "generator", config, shape, classes) for name, network in models.items()]
    saved = operations = 0
    for name, (values, macs) in zip(models.keys(), traced):
        passes = 1 if name == "generator" else 2  # D sees a real and a fake batch
        saved += passes * values
        operations += passes * macs
    activations = 2 * saved * config.batch_size * BYTES_PER_VALUE  # kept for the backward, and its gradients
    data = held * math.prod(shape) * BYTES_PER_VALUE
    step_seconds = 6 * operations * config.batch_size * config.n_critic / ASSUMED_FLOPS_PER_SECOND
    return Estimate(parameters, parameters * BYTES_PER_VALUE, parameters * BYTES_PER_VALUE,
                    ADAM_MOMENTS * parameters * BYTES_PER_VALUE, activations, data, step_seconds)


def _traced_on_cpu(config: TrainConfig, shape: tuple, classes: int) -> list[tuple[int, int]] | None:
    """`_trace` of each network, run on the CPU over zero-filled weights and buffers (no initialiser runs and no
    random number is drawn: a Trainer in another thread may be building its seeded networks); None where a pass
    fails, and the meta trace decides as before.

    The networks are built on the meta device and each weight and buffer is then replaced by CPU zeros of its
    shape. (`to_empty` would route through torch's Python references, whose first call imports sympy: half a
    second in a process that has not imported it yet.)"""
    with torch.device("meta"):
        models = build_models(config, shape, classes)
    for module in models.modules():
        for name, parameter in list(module.named_parameters(recurse=False, remove_duplicate=False)):
            setattr(module, name, nn.Parameter(torch.zeros(parameter.shape, dtype=parameter.dtype),
                                               parameter.requires_grad))
        for name, buffer in list(module.named_buffers(recurse=False, remove_duplicate=False)):
            setattr(module, name, torch.zeros(buffer.shape, dtype=buffer.dtype))
    try:
        return [_trace(network, name == "generator", config, shape, classes, "cpu", fallback=False)
                for name, network in models.items()]
    except Exception:  # e.g. a family whose forward needs its real buffers
        return None


def _trace(network: nn.Module, is_generator: bool, config: TrainConfig, shape: tuple,
           classes: int, device: str = "meta", fallback: bool = True) -> tuple[int, int]:
    """(values one sample leaves in the network's layers, multiply-adds per sample), from a forward pass on `device`
    (where `network` lives: "meta", or "cpu" for a small one; only the shapes count).

    A layer is a module with parameters of its own or no children; each counts once (a diffusion sampler calls its
    denoiser many times, but a training step runs it once). Falls back to `_bound` when the pass fails (or raises,
    when not `fallback`).
    """
    outputs: dict[int, int] = {}
    macs: dict[int, int] = {}

    def record(module, _inputs, output):
        if isinstance(output, torch.Tensor):
            values = output.numel() // TRACE_BATCH
            outputs[id(module)] = max(outputs.get(id(module), 0), values)
            weight = getattr(module, "weight", None)
            if isinstance(weight, torch.Tensor) and weight.dim() >= 2:
                positions = values // max(1, output.shape[1]) if output.dim() > 1 else 1
                if isinstance(module, nn.ConvTranspose2d):  # each input pixel meets the weights once
                    positions //= math.prod(module.stride)
                macs[id(module)] = weight.numel() * positions

    layers = _layers(network)
    hooks = [m.register_forward_hook(record) for m in layers]
    labels = torch.zeros(TRACE_BATCH, dtype=torch.long, device=device) if classes else None
    try:
        with torch.no_grad():
            if is_generator:
                network(torch.zeros(TRACE_BATCH, int(network.latent_dim), device=device), labels)
            else:
                network(torch.zeros(TRACE_BATCH, *shape, device=device), labels)
    except Exception:  # a family's own calling convention: count every layer at the full image size instead
        if not fallback:
            raise
        return _bound(layers, config, shape)
    finally:
        for hook in hooks:
            hook.remove()
    return sum(outputs.values()), sum(macs.values())


def _layers(network: nn.Module) -> list[nn.Module]:
    """The modules that make a sample's values: those with weights of their own (a spectrally normalised layer's
    weight lives under its parametrization) or no children. A parametrization itself is left out: its output is
    the weight, once per step, and counted as a sample's values it made spectral norm on D look 22 times the
    memory (ring8-fixed: 10 MB, 228 MB with SN)."""
    makers = {id(m) for p in network.modules() if isinstance(p, parametrize.ParametrizationList) for m in p.modules()}
    return [m for m in network.modules() if id(m) not in makers
            and (m._parameters or parametrize.is_parametrized(m) or not any(True for _ in m.children()))]


def _weight(module: nn.Module) -> torch.Tensor | None:
    """A layer's weight tensor, or None: the parameter itself, or the original under spectral norm."""
    if parametrize.is_parametrized(module, "weight"):
        return module.parametrizations.weight.original
    return module._parameters.get("weight")


def _bound(layers: list[nn.Module], config: TrainConfig, shape: tuple) -> tuple[int, int]:
    """The same two numbers without a forward pass, from the layers' shapes alone.

    A linear layer makes out_features values. A conv layer's resolution is not in its weights; these networks
    follow the DCGAN rule (channels double as the resolution halves), so a layer with c channels is taken to work at
    (c_min / c) times the image's side, c_min being the network's narrowest conv layer, and at 4x4 at least.
    """
    side = shape[1] if len(shape) == 3 else 1
    convs = [(module, weight) for module in layers if (weight := _weight(module)) is not None and weight.dim() == 4]
    widths = {id(m): (w.shape[1] if isinstance(m, nn.ConvTranspose2d) else w.shape[0]) for m, w in convs}
    narrowest = min(widths.values(), default=1)
    values = macs = 0
    for module in layers:
        weight = _weight(module)
        if weight is None:
            continue
        if weight.dim() == 2:  # (out, in)
            values += 2 * weight.shape[0]  # the layer's output and its activation's
            macs += weight.numel()
        elif weight.dim() == 4:
            pixels = min(side, max(4, side * narrowest // widths[id(module)])) ** 2
            values += 2 * widths[id(module)] * pixels
            macs += weight.numel() * pixels
    return values, macs


def limit_bytes() -> int:
    """The memory one run may need on this server (LATENT_LAB_RUN_MEMORY_MB)."""
    return settings.run_memory_mb() * 2**20


def format_seconds(seconds: float) -> str:
    """An estimate's time to two significant figures, as a person writes it: 0.0021, 0.45, 3.2, 200 (not 2e+02)."""
    return written(float(f"{seconds:.2g}"))


def format_bytes(count: float) -> str:
    for unit, size in (("GB", 2**30), ("MB", 2**20)):
        if count >= size:
            return f"{count / size:.1f} {unit}"
    return f"{max(count, 0) / 2**10:.0f} KB"


def problems(config: TrainConfig, dataset=None) -> dict[str, str]:
    """{field: one sentence} when the run cannot fit the per-run budget, or its checkpoint could not be opened again;
    else {}. Call it on a config that validates."""
    found = estimate(config, dataset)
    if found.total > limit_bytes():
        lower = {"hidden": "the network width (hidden)", "batch_size": "the batch size",
                 "dataset": "the number of samples (n_points)"}[found.cause]
        size = "" if config.is_points else " or the image size"
        return {found.cause: (f"This run would need about {format_bytes(found.total)} of memory "
                              f"({found.parameters / 1e6:.1f}M parameters, batch of {config.batch_size}), more than "
                              f"the {format_bytes(limit_bytes())} a run may use on this server: lower {lower}{size}.")}
    if found.checkpoint > MAX_CHECKPOINT_BYTES:
        return {"hidden": (f"This run's checkpoint would hold about {format_bytes(found.weights + found.optimiser)} "
                           f"({found.parameters / 1e6:.1f}M parameters and the optimiser's state), more than the "
                           f"{MAX_CHECKPOINT_BYTES // 2**20} MB Latent Lab can open again: lower the network width "
                           f"(hidden){' or its depth' if config.resolved_arch == 'mlp' else ''}.")}
    return {}


def check(config: TrainConfig, dataset=None) -> TrainConfig:
    """Raise ConfigError when the run cannot fit the per-run budget, else return the config."""
    for name, message in problems(config, dataset).items():
        raise ConfigError(name, message)
    return config
