"""Trainer throughput against a bare hand-written PyTorch loop of the same models, data and batch size.

    python bench/bench_trainer.py [--presets ring8-fixed digits-gan] [--steps 25] [--rounds 21] [--json out.json]

Both loops run in this one process, interleaved round by round (trainer, bare, trainer, bare...), so the noise of
a shared machine hits both alike; the figure that matters is the ratio of their medians (target >= 0.95).
Each loop is built once and carries on from round to round, as a run does: the Trainer's snapshots come every
`sample_every` steps, never a first-step snapshot per round, and short rounds give many samples for the median.
The bare loop is what a person would write by hand: sample a batch by index, one D update, one G update, no
history, no snapshots, no statistics; with the Trainer's optimiser (Adam, fused on the CPU).
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Callable

import torch
import torch.nn.functional as F

from gan_core.device import configure_threads
from gan_core.models import build_models
from gan_core.presets import preset_config
from gan_core.evaluation.evaluate import quick_metrics
from gan_core.training import FUSED_ADAM_DEVICES, Trainer

TARGET = 0.95


def bare_loop(config, dataset, steps: int) -> float:
    """A minimal GAN/VAE loop over the same networks, built afresh; returns steps per second."""
    return bare_runner(config, dataset)(steps)


def bare_runner(config, dataset) -> Callable[[int], float]:
    """The bare loop built once: call it with a number of steps, get steps per second; it carries on each call."""
    torch.manual_seed(config.seed)
    models = build_models(config, dataset.sample_shape, dataset.n_classes)
    generator = models["generator"]
    critic = models["encoder" if config.is_vae else "discriminator"]
    # the optimiser the Trainer uses (fused where torch has it), so that the ratio measures the Trainer's own cost
    fused = "cpu" in FUSED_ADAM_DEVICES
    opt_g = torch.optim.Adam(generator.parameters(), lr=config.lr_g, betas=(config.beta1, config.beta2), fused=fused)
    opt_d = torch.optim.Adam(critic.parameters(), lr=config.lr_d, betas=(config.beta1, config.beta2), fused=fused)
    return lambda steps: _bare_steps(config, dataset, generator, critic, opt_g, opt_d, steps)


def _bare_steps(config, dataset, generator, critic, opt_g, opt_d, steps: int) -> float:
    data = dataset.data
    labels = dataset.labels if config.is_conditional else None
    n = config.batch_size
    start = time.perf_counter()
    for _ in range(steps):
        if dataset.modes is not None:
            real, _ = dataset.sample_batch(n, torch.default_generator)
            y = None
        else:
            index = torch.randint(data.shape[0], (n,))
            real = data[index]
            y = labels[index] if labels is not None else None
        if config.is_vae:
            mu, logvar = critic(real, y).chunk(2, dim=1)
            z = mu + torch.randn_like(mu) * (0.5 * logvar).exp()
            loss = (generator(z, y) - real).pow(2).flatten(1).sum(1).mean() + (
                -0.5 * (1 + logvar - mu.pow(2) - logvar.exp())).sum(1).mean()
            opt_g.zero_grad()
            opt_d.zero_grad()
            loss.backward()
            opt_g.step()
            opt_d.step()
            continue
        fake = generator(torch.randn(n, config.latent_dim), y)
        d_real, d_fake = critic(real, y), critic(fake.detach(), y)
        loss_d = F.softplus(-d_real).mean() + F.softplus(d_fake).mean()
        opt_d.zero_grad()
        loss_d.backward()
        opt_d.step()
        loss_g = F.softplus(-critic(generator(torch.randn(n, config.latent_dim), y), y)).mean()
        opt_g.zero_grad()
        loss_g.backward()
        opt_g.step()
    return steps / (time.perf_counter() - start)


def trainer_loop(config, dataset, steps: int) -> float:
    """The Trainer, built afresh (its first step takes a snapshot); returns steps per second."""
    return trainer_runner(config, dataset)(steps)


def trainer_runner(config, dataset) -> Callable[[int], float]:
    """The Trainer built once: call it with a number of steps, get steps per second; it carries on each call."""
    trainer = Trainer(config.replace(steps=10 ** 6), dataset=dataset, metrics_fn=quick_metrics)

    def run(steps: int) -> float:
        start = time.perf_counter()
        for _ in range(steps):
            trainer.step()
        return steps / (time.perf_counter() - start)

    run.trainer = trainer  # what it carries on with (a test looks)
    return run


def bench_setup(preset: str):
    """(config, dataset) as both loops train them: no metrics, and the non-saturating loss the bare loop writes out."""
    from gan_core.data import load_dataset

    config = preset_config(preset, metrics_every=0) if "vae" in preset else preset_config(preset, metrics_every=0, loss="ns")
    return config, load_dataset(config.dataset, image_size=config.image_size, n_points=config.n_points, seed=config.seed)


def interleaved(run_trainer, run_bare, config, dataset, steps: int, rounds: int,
                warm_up: int = 10) -> tuple[list, list]:
    """Steps per second of each loop over `rounds` rounds, trainer and bare alternating, after a warm-up of each."""
    run_trainer(config, dataset, warm_up)  # warm up allocators and kernels
    run_bare(config, dataset, warm_up)
    ours, bare = [], []
    for _ in range(rounds):
        ours.append(run_trainer(config, dataset, steps))
        bare.append(run_bare(config, dataset, steps))
    return ours, bare


def steady(config, dataset, steps: int, rounds: int) -> tuple[list, list]:
    """Steps per second of each loop over `rounds` rounds of `steps`, trainer and bare alternating, each loop built
    once and warmed up (its first snapshot and the allocator's first requests are behind it) before round one."""
    trainer, bare = trainer_runner(config, dataset), bare_runner(config, dataset)
    return interleaved(lambda _config, _dataset, n: trainer(n), lambda _config, _dataset, n: bare(n), config, dataset,
                       steps, rounds, warm_up=max(steps, config.sample_every + 1))


def measure(preset: str, steps: int, rounds: int) -> dict:
    config, dataset = bench_setup(preset)
    ours, bare = steady(config, dataset, steps, rounds)
    ours_median, bare_median = statistics.median(ours), statistics.median(bare)
    return {"preset": preset, "trainer_steps_per_s": round(ours_median, 1), "bare_steps_per_s": round(bare_median, 1),
            "ratio": round(ours_median / bare_median, 3), "samples_per_s": round(ours_median * config.batch_size),
            "batch_size": config.batch_size, "note": "snapshots every %d steps included" % config.sample_every}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presets", nargs="+", default=["ring8-fixed", "digits-gan", "digits-vae"])
    parser.add_argument("--steps", type=int, default=25, help="steps per round")
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    threads = configure_threads()
    rows = [measure(p, args.steps, args.rounds) for p in args.presets]
    print(f"trainer vs bare PyTorch loop ({threads} torch thread(s); median of {args.rounds} interleaved rounds)")
    print(f"{'preset':<14} {'trainer/s':>10} {'bare/s':>8} {'ratio':>6}  target >= {TARGET}")
    for row in rows:
        mark = "" if row["ratio"] >= TARGET else "  MISS"
        print(f"{row['preset']:<14} {row['trainer_steps_per_s']:>10} {row['bare_steps_per_s']:>8} {row['ratio']:>6}{mark}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
