"""`python -m gan_core ...`: the command line over the same functions the app and the tests use.

Every error a user can cause ends with one readable line on stderr and exit status 2; never a traceback
(set LATENT_LAB_DEBUG=1 to see one).
"""
from __future__ import annotations

import argparse
import contextlib
import json
import signal
import sys
import time
import warnings
from dataclasses import fields
from pathlib import Path

from gan_core import settings
from gan_core.options import RANGES, written

EXIT_USAGE = 2


class UsageError(Exception):
    """A problem with what the user asked for; printed as one line, exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line instead of usage + message
        raise UsageError(f"{self.prog}: {message}")


# -- config flags -------------------------------------------------------------------------------------------
_FLAG_HELP = {
    "dataset": "ring8, grid25, spiral, moons, digits, mnist5k, shapes, stacked-digits, stacked-mnist, mnist, fashion-mnist, cifar10 or folder:PATH",
    "image_size": "image side in pixels for image datasets: 8, 16, 28 (MNIST's own; classic GAN/VAE and ddpm) or 32",
    "data_root": "folder holding mnist / fashion-mnist / cifar10 files (never downloaded)",
    "n_points": "size of the sampled pool for 2-D mixtures and generated image sets",
    "model": "gan, cgan (class-conditional GAN), vae, cvae (conditional VAE), or a family: ddpm, progan, stylegan, "
             "stackgan, pix2pix, cyclegan or caption",
    "arch": "auto (mlp for points, conv for images), mlp or conv",
    "latent_dim": "size of the latent vector z",
    "hidden": "width: units per MLP layer, base channels of conv nets",
    "depth": "hidden layers of the MLPs",
    "loss": "ns, minimax, lsgan, wgan-gp or hinge",
    "spectral_norm": "spectral normalisation in the discriminator",
    "r1_gamma": "R1 gradient penalty weight on real data (0 = off)",
    "gp_weight": "gradient penalty weight for wgan-gp",
    "pack": "PacGAN packing: D judges this many samples together (1-4)",
    "minibatch_std": "give D the batch standard deviation as a feature",
    "n_critic": "discriminator updates per generator update",
    "label_smoothing": "one-sided label smoothing: real target becomes 1 - this",
    "beta": "VAE: weight of the KL term (beta-VAE when not 1)",
    "top_k": "top-k training (Sinha et al. 2020): G learns only from this fraction of the fakes D rates most real, "
             "reached by annealing from the whole batch (1 = off)",
    "top_k_gamma": "top-k training: k shrinks by this factor each epoch (len(data) / batch_size steps)",
    "latent_components": "a mixture of this many Gaussians as G's latent, learned (DeLiGAN) or fixed (GM-GAN); "
                         "see --latent-mixture (0 = plain N(0, I))",
    "latent_sigma_reg": "DeLiGAN: weight of the (1 - sigma)^2 penalty that keeps each component's spread",
    "latent_mixture": "learned: DeLiGAN's trained means and spreads (Gurumurthy et al. 2017); fixed: means laid "
                      "out far apart and never trained, the static GM-GAN (Ben-Yosef & Weinshall 2018)",
    "latent_weight_lr": "a mixture latent's component weights, learned on G's own loss at this rate (0 = every "
                        "component equally likely)",
    "lr_g": "generator (VAE decoder) learning rate",
    "lr_d": "discriminator (VAE encoder) learning rate",
    "beta1": "Adam beta1", "beta2": "Adam beta2",
    "lr_decay": "anneal both learning rates linearly to 0 over the run",
    "precision": "fp32 or bf16: bf16 runs the training steps under mixed-precision autocast; faster on CPUs "
                 "with native bf16 and on GPUs",
    "batch_size": "samples per step",
    "steps": "training steps (with --resume: how many more steps)",
    "seed": "random seed: same seed and config give the same run",
    "device": "auto (cuda > mps > cpu), cpu, cuda or mps",
    "sample_every": "steps between sample snapshots",
    "metrics_every": "steps between metric evaluations (0 = never)",
    "diffusion_steps": "ddpm: noise levels of the forward (noising) process",
    "sample_steps": "ddpm: denoising steps when sampling (fewer = faster, rougher)",
    "stage_steps": "progan: steps per resolution stage, half of them fading in (0 = split the run evenly)",
    "task": "pix2pix / cyclegan: which translation to learn: outline, thicken, invert or mask",
}


def _add_config_flags(parser: argparse.ArgumentParser) -> None:
    from gan_core.config import TrainConfig, field_types

    defaults = TrainConfig()
    types = field_types()
    group = parser.add_argument_group("run settings (override the preset or the checkpoint's config)")
    for f in fields(TrainConfig):
        flag = "--" + f.name.replace("_", "-")
        kind = types[f.name]
        help_text = f"{_FLAG_HELP.get(f.name, f.name)} (default {getattr(defaults, f.name)!r})"
        if kind is bool:
            group.add_argument(flag, dest=f.name, action=argparse.BooleanOptionalAction, default=None, help=help_text)
        else:
            group.add_argument(flag, dest=f.name, type=kind, default=None, metavar=kind.__name__.upper(), help=help_text)
    group.add_argument("--lr", type=float, default=None, metavar="FLOAT", help="set both learning rates")


def _config_overrides(args: argparse.Namespace) -> dict:
    from gan_core.config import TrainConfig

    overrides = {f.name: getattr(args, f.name) for f in fields(TrainConfig) if getattr(args, f.name, None) is not None}
    if args.lr is not None:
        _check_range("train", "lr_g", args.lr, "lr")  # named as typed: the error said --lr-g for a bad --lr
        overrides.setdefault("lr_g", args.lr)
        overrides.setdefault("lr_d", args.lr)
    return overrides


def _config_error_line(error) -> str:
    return f"--{error.field.replace('_', '-')}: {error.message}"


# -- commands -------------------------------------------------------------------------------------------------
def cmd_presets(args) -> int:
    from gan_core.presets import PRESETS

    width = max(len(name) for name in PRESETS)
    for name, preset in PRESETS.items():
        print(f"{name:<{width}}  {preset.description}")
    return 0


class _Progress:
    """A one-line progress bar with steps/s and ETA, drawn only on a terminal."""

    def __init__(self, total: int, start: int, enabled: bool):
        self.total, self.start, self.enabled = total, start, enabled
        self.began = time.perf_counter()
        self.last_draw = 0.0
        self.drawn = 0  # characters of the line drawn last

    def update(self, step: int, extra: str = "", force: bool = False) -> None:
        now = time.perf_counter()
        if not self.enabled or (not force and now - self.last_draw < 0.2):
            return
        self.last_draw = now
        done = step - self.start
        rate = done / max(now - self.began, 1e-9)
        left = (self.total - step) / rate if rate > 0 else 0
        width = 28
        filled = int(width * min(1.0, step / max(self.total, 1)))
        bar = "#" * filled + "-" * (width - filled)
        line = f"[{bar}] {step}/{self.total}  {rate:6.1f} steps/s  ETA {left:5.0f}s  {extra}"
        sys.stderr.write(f"\r{line:<{self.drawn}}")  # spaces over what a longer line before it left at the end
        self.drawn = len(line)
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")


def cmd_train(args) -> int:
    from gan_core import budget
    from gan_core.checkpoints import check_writable, load_checkpoint, trainer_payload
    from gan_core.config import ConfigError, TrainConfig
    from gan_core.device import pick_device
    from gan_core.evaluation.evaluate import quick_metrics
    from gan_core.presets import preset_config
    from gan_core.training import Trainer, TrainingDiverged

    overrides = _config_overrides(args)
    extra_steps = None
    if args.resume:
        if args.preset:
            raise UsageError("train: use --preset or --resume, not both")
        checkpoint = load_checkpoint(args.resume)
        extra_steps = overrides.pop("steps", None)
        extra_steps = checkpoint.config.steps if extra_steps is None else extra_steps
        _check_range("train", "steps", extra_steps)
        if checkpoint.step + extra_steps > RANGES["steps"][1]:
            raise UsageError(f"train: --steps: the run would end at step {written(checkpoint.step + extra_steps)}; "
                             f"a run has at most {written(RANGES['steps'][1])} steps")
        shape_fields = {"dataset", "image_size", "model", "arch", "latent_dim", "hidden", "depth", "pack",
                        "spectral_norm", "minibatch_std", "n_points"}
        changed = sorted(k for k in shape_fields & overrides.keys() if overrides[k] != getattr(checkpoint.config, k))
        if changed:
            raise UsageError(f"train: --{changed[0].replace('_', '-')} cannot change when resuming: it shapes the model or data")
        config = checkpoint.config.replace(**overrides)
    else:
        try:
            config = preset_config(args.preset, **overrides) if args.preset else TrainConfig(**overrides)
        except KeyError as error:
            raise UsageError(f"train: --preset: {error.args[0]}") from None
    try:
        budget.check(config.check())  # one that cannot fit the per-run memory is refused before anything is built
    except ConfigError as error:
        raise UsageError(f"train: {_config_error_line(error)}") from None
    if "loss" in overrides and config.adversarial_loss is None:  # the page greys the loss out; say it here
        warnings.warn(f"a {config.model} model has no discriminator, so --loss {config.loss} is not used")
    try:
        pick_device(config.device)
    except ValueError as error:
        raise UsageError(f"train: --device: {error}") from None
    out = Path(args.out)
    if out.suffix.lower() != ".pt":
        raise UsageError(f"train: --out must end in .pt, not {out.suffix or 'nothing'}")
    check_writable(out)  # before training: a run that cannot be saved is found out now, not after its last step
    # the command line's way, as cp's, is to replace a file it is told to write; it says so, unless it is the file
    # the run resumed from
    replaces = out.is_file() and not (args.resume and out.resolve() == Path(args.resume).resolve())

    if args.resume:
        trainer = Trainer.from_checkpoint(checkpoint, metrics_fn=quick_metrics, **overrides)
        total = trainer.step_count + extra_steps
        trainer.config = trainer.config.replace(steps=total)
    else:
        trainer = Trainer(config, metrics_fn=quick_metrics)
        total = config.steps
    progress = _Progress(total, trainer.step_count, sys.stderr.isatty() and not args.quiet)
    status = 0
    interrupted = []
    previous = signal.signal(signal.SIGTERM, lambda *_: interrupted.append("terminated"))
    try:
        while trainer.step_count < total and not interrupted:
            values = trainer.step()
            progress.update(trainer.step_count, _short_stats(values))
    except TrainingDiverged as error:
        progress.close()
        print(f"error: {error}", file=sys.stderr)
        status = 1
    except KeyboardInterrupt:
        interrupted.append("interrupted")
    finally:
        signal.signal(signal.SIGTERM, previous)
    progress.update(trainer.step_count, force=True)
    progress.close()
    if interrupted:
        print(f"{interrupted[0]} at step {trainer.step_count}; saving what was learned so far", file=sys.stderr)
        status = 130
    if status != 1:  # (a diverged run was rolled back to older weights: no picture of them at this step)
        trainer.snapshot_if_behind()  # the checkpoint's last picture is the model it holds
    out = _save_or_rescue(trainer_payload(trainer, name=out.stem), out)
    if not args.quiet:
        replaced = ", replacing the checkpoint that was there" if replaces and out == Path(args.out) else ""
        print(f"saved {out}{replaced} ({trainer.step_count} steps, {trainer.elapsed:.1f} s of training)")
    return status


def _save_or_rescue(payload: dict, out: Path) -> Path:
    """Save the trained run at `out`; when that fails after all (the disk filled up while it trained), save it in
    the system's temporary folder instead and say where, so no training is lost."""
    import tempfile

    from gan_core.checkpoints import CheckpointError, save_checkpoint

    try:
        return save_checkpoint(payload, out)
    except CheckpointError as error:
        rescue = Path(tempfile.gettempdir()) / f"{out.stem}-{time.strftime('%Y%m%d-%H%M%S')}.pt"
        try:
            save_checkpoint(payload, rescue)
        except CheckpointError:
            raise error from None
        raise UsageError(f"{error} The run was saved to {rescue} instead.") from None


def _short_stats(values: dict) -> str:
    if "loss_d" in values:
        keys = ("loss_d", "loss_g", "l1", "cycle", "resolution", "alpha")  # GANs, and the families' own numbers
    elif "recon" in values:
        keys = ("recon", "kl")
    else:
        keys = ("loss",)  # diffusion
    return "  ".join(f"{k} {values[k]:.3f}" for k in keys if k in values)


def _load_model(path: str):
    from gan_core.latents import LatentModel

    return LatentModel.load(path)


def _write_output(samples, out: Path, is_points: bool, nrow: int | None = None, allowed: str = "") -> None:
    import numpy as np

    from gan_core.images import make_grid, save_png

    suffix = out.suffix.lower()
    if suffix not in (".npy", ".png"):
        raise UsageError(f"--out must end in .npy or .png{allowed}, not {out.suffix or 'nothing'}")
    with _writing(out):
        if suffix == ".npy":
            np.save(out, samples.numpy().astype(np.float32))
        elif is_points:
            from gan_core.images import scatter_image

            save_png(scatter_image(samples.numpy()), out)
        else:
            save_png(make_grid(samples, nrow=nrow), out)


@contextlib.contextmanager
def _writing(out: Path):
    """Make `out`'s folder and write it; a folder in the way, a read-only folder or a full disk is one line."""
    try:
        if out.is_dir():
            raise IsADirectoryError(21, "a folder has that name")
        out.parent.mkdir(parents=True, exist_ok=True)
        yield
    except OSError as error:
        from gan_core.checkpoints import why_not_written

        raise UsageError(f"--out: cannot write {out}: {why_not_written(error)}") from None


def cmd_sample(args) -> int:
    import torch

    _check_range("sample", "seed", args.seed)
    model = _load_model(args.checkpoint)
    if args.n < 1 or args.n > 100_000:
        raise UsageError(f"sample: --n must be between 1 and 100,000, got {written(args.n)}")
    if not 0.0 <= args.truncation <= 1.0:
        raise UsageError(f"sample: --truncation must be between 0 and 1, got {written(args.truncation)}")
    if args.truncation != 1.0 and not model.truncation_space:
        raise UsageError(f"sample: --truncation: a {model.config.model} model has no average latent to pull "
                         "toward, so it cannot be truncated")
    labels = None
    if args.label is not None:
        if not model.n_classes:
            raise UsageError("sample: --label needs a conditional model")
        if not 0 <= args.label < model.n_classes:
            raise UsageError(f"sample: --label must be between 0 and {model.n_classes - 1}, got {args.label}")
        labels = torch.full((args.n,), args.label, dtype=torch.long)
    if args.rejection:
        _check_rejection(model, "sample", labels is not None or args.truncation != 1.0)
        samples, info = model.sample_rejection(args.n, seed=args.seed)
        _write_output(samples, Path(args.out), model.is_points)
        # said even with --quiet: these are not the generator's own samples
        print(f"{info['label']}; D accepted {100 * info['acceptance_rate']:.1f} % of {info['candidates']} "
              f"candidates; wrote {info['accepted']} to {args.out}")
        return 0
    samples = model.sample(args.n, seed=args.seed, labels=labels, truncation=args.truncation)
    _write_output(samples, Path(args.out), model.is_points)
    if not args.quiet:
        print(f"wrote {args.n} samples to {args.out}")
    return 0


def _check_range(command: str, field: str, value, flag: str | None = None) -> None:
    """The same limits `train` checks (options.RANGES), for the other commands' numbers."""
    low, high = RANGES[field]
    if not low <= value <= high:
        raise UsageError(f"{command}: --{flag or field.replace('_', '-')} must be between {written(low)} and "
                         f"{written(high)}, got {written(value)}")


def _check_rejection(model, command: str, other_options: bool = False) -> None:
    if not model.can_reject:
        raise UsageError(f"{command}: --rejection needs an unconditional GAN with its discriminator; "
                         f"a {model.config.model} model has none to ask")
    if other_options:
        raise UsageError(f"{command}: --rejection draws its own candidates; leave --label and --truncation out")


def cmd_interpolate(args) -> int:
    from gan_core.latents import interpolate, latent_for_seed

    _check_range("interpolate", "seed", args.seed_a, "seed-a")
    _check_range("interpolate", "seed", args.seed_b, "seed-b")
    model = _load_model(args.checkpoint)
    if not model.latent_walks:
        raise UsageError(f"interpolate: a {model.config.model} model's z only picks a held-out picture to translate, "
                         "so nothing lies between two seeds; use `sample` to see its translations")
    if not 2 <= args.steps <= 256:
        raise UsageError(f"interpolate: --steps must be between 2 and 256, got {written(args.steps)}")
    a, b = latent_for_seed(args.seed_a, model.latent_dim), latent_for_seed(args.seed_b, model.latent_dim)
    path = interpolate(a, b, args.steps, args.mode)
    frames = model.decode(path)
    out = Path(args.out)
    if out.suffix.lower() == ".gif":
        from gan_core.images import gif_bytes, make_grid, upscale

        if model.is_points:
            raise UsageError("interpolate: a GIF needs an image model; use .npy for 2-D points")
        pictures = [upscale(make_grid(frame[None], padding=0), 4) for frame in frames]
        with _writing(out):
            out.write_bytes(gif_bytes(pictures + pictures[-2:0:-1]))
    else:
        _write_output(frames, out, model.is_points, nrow=args.steps, allowed=" (or .gif)")
    if not args.quiet:
        print(f"wrote a {args.steps}-step {args.mode} interpolation to {args.out}")
    return 0


def cmd_metrics(args) -> int:
    from gan_core.evaluation.evaluate import evaluate_checkpoint, format_table

    if args.n < 10 or args.n > 100_000:
        raise UsageError(f"metrics: --n must be between 10 and 100,000, got {written(args.n)}")
    _check_range("metrics", "seed", args.seed)
    if not args.rejection:
        results = evaluate_checkpoint(args.checkpoint, n=args.n, seed=args.seed)
        print(json.dumps(results, sort_keys=True) if args.json else format_table(results))
        return 0
    from gan_core.evaluation.evaluate import evaluate_rejection

    model = _load_model(args.checkpoint)
    _check_rejection(model, "metrics")
    own = evaluate_checkpoint(model, n=args.n, seed=args.seed)
    filtered = evaluate_rejection(model, n=args.n, seed=args.seed)
    if args.json:  # the generator's own numbers stay the top level; the filter's sit apart, labelled
        print(json.dumps({**own, "post_hoc_rejection": filtered}, sort_keys=True))
    else:
        print(format_table(own))
        print()
        print(format_table(filtered))
    return 0


def cmd_demos(args) -> int:
    from gan_core.checkpoints import check_writable
    from gan_core.demos import DEMO_PRESETS, build_all
    from gan_core.store import DEMO_DIR

    unknown = [n for n in args.only or [] if n not in DEMO_PRESETS and n != "classifiers"]
    if unknown:
        raise UsageError(f"demos: --only: unknown demo {unknown[0]!r}; choose from classifiers, {', '.join(DEMO_PRESETS)}")
    out = Path(args.out) if args.out else DEMO_DIR
    if out.exists() and not out.is_dir():
        raise UsageError(f"demos: --out {out} is a file; give a folder")
    check_writable(out / "probe.pt")  # before the first demo trains
    build_all(out, args.only)
    return 0


# -- entry point -------------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m gan_core", description="Latent Lab: train and explore small GANs and VAEs.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser, metavar="COMMAND")

    sub.add_parser("presets", help="list the teaching presets, one per line").set_defaults(func=cmd_presets)

    train = sub.add_parser("train", help="train a model and save a checkpoint",
                           description="Train from a preset, from flags, or continue a checkpoint (--resume).")
    train.add_argument("--preset", help="start from a named preset (see `presets`)")
    train.add_argument("--resume", metavar="CKPT", help="continue this checkpoint exactly where it stopped")
    train.add_argument("--out", required=True, help="where to write the checkpoint (.pt)")
    train.add_argument("--quiet", action="store_true", help="print nothing but errors")
    _add_config_flags(train)
    train.set_defaults(func=cmd_train)

    sample = sub.add_parser("sample", help="write seeded samples of a checkpoint (.npy or .png)")
    sample.add_argument("checkpoint", help="a .pt checkpoint")
    sample.add_argument("--n", type=int, default=64, help="number of samples (default 64)")
    sample.add_argument("--seed", type=int, default=0, help="latent seed (default 0)")
    sample.add_argument("--truncation", type=float, default=1.0, help="truncation psi in [0, 1] (default 1 = off)")
    sample.add_argument("--label", type=int, default=None, help="class to draw, for conditional models")
    sample.add_argument("--out", required=True,
                        help=".npy: float32 (n,2) for points or (n,C,H,W) in [-1,1] for images; .png: a picture")
    sample.add_argument("--quiet", action="store_true", help="print nothing but errors")
    sample.add_argument("--rejection", action="store_true",
                        help="POST-HOC discriminator rejection sampling (Azadi et al. 2019): keep the candidates D "
                             "rates most real; not the generator's own samples (unconditional GANs)")
    sample.set_defaults(func=cmd_sample)

    interp = sub.add_parser("interpolate", help="walk between two seeds' latents (.png strip, .gif, .npy)")
    interp.add_argument("checkpoint", help="a .pt checkpoint")
    interp.add_argument("--seed-a", type=int, default=1, help="the seed of the walk's first latent (default 1)")
    interp.add_argument("--seed-b", type=int, default=2, help="the seed of its last latent (default 2)")
    interp.add_argument("--steps", type=int, default=8, help="pictures along the walk, 2-256 (default 8)")
    interp.add_argument("--mode", choices=("lerp", "slerp"), default="slerp",
                        help="lerp: a straight line; slerp: along the sphere, where a Gaussian z mostly lies "
                             "(default slerp)")
    interp.add_argument("--out", required=True, help=".png: a strip; .gif: an animation (images); .npy: the outputs")
    interp.add_argument("--quiet", action="store_true", help="print nothing but errors")
    interp.set_defaults(func=cmd_interpolate)

    metrics = sub.add_parser("metrics", help="score a checkpoint's samples (mode coverage, PRDC, FD, KID...)")
    metrics.add_argument("checkpoint", help="a .pt checkpoint")
    metrics.add_argument("--n", type=int, default=2500, help="samples to score, 10-100,000 (default 2500)")
    metrics.add_argument("--seed", type=int, default=0, help="latent seed of the samples (default 0)")
    metrics.add_argument("--json", action="store_true", help="print one JSON object")
    metrics.add_argument("--rejection", action="store_true",
                         help="also score POST-HOC discriminator rejection sampling, labelled apart from the "
                              "generator's own numbers (JSON: post_hoc_rejection)")
    metrics.set_defaults(func=cmd_metrics)
    demos = sub.add_parser("demos", help="rebuild the shipped demo checkpoints and metric classifiers")
    demos.add_argument("--out", default=None, help="folder (default: checkpoints/)")
    demos.add_argument("--only", nargs="+", help="just these (names of presets, or 'classifiers')")
    demos.set_defaults(func=cmd_demos)
    return parser


def _note(message, category, filename, lineno, file=None, line=None) -> None:
    """A warning as one line on stderr ("note: ... trains in fp32"), not Python's file, line and source."""
    print(f"note: {message}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    try:
        return _run(argv)
    except KeyboardInterrupt:  # Ctrl-C before a run began (torch takes a few seconds to import), or between runs
        print("interrupted", file=sys.stderr)
        return 130


def _run(argv: list[str] | None) -> int:
    from gan_core.checkpoints import CheckpointError
    from gan_core.config import ConfigError
    from gan_core.data import DataError
    from gan_core.device import every_core

    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        with every_core(), warnings.catch_warnings():  # every_core: no web server beside the command line
            if not settings.debug():
                warnings.showwarning = _note  # (catch_warnings puts Python's own back afterwards)
            return args.func(args)
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except (CheckpointError, DataError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except ConfigError as error:
        print(f"error: {_config_error_line(error)}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as error:  # anything unexpected: still one line, unless debugging
        if settings.debug():
            raise
        print(f"error: {type(error).__name__}: {error}".splitlines()[0], file=sys.stderr)
        return 1
