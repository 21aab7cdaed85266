"""Rebuild the demo checkpoints and the metric classifiers that ship in checkpoints/, from the presets.

    python -m gan_core demos                # everything, into checkpoints/
    python -m gan_core demos --only ring8-fixed digits-vae

Fixed seeds: the same code rebuilds the same files.
"""
from __future__ import annotations

import time
from pathlib import Path

from gan_core.checkpoints import save_checkpoint, trainer_payload
from gan_core.evaluation.classifier import classifier_path, save_classifier, train_classifier
from gan_core.data import load_dataset
from gan_core.presets import preset_config
from gan_core.evaluation.evaluate import quick_metrics
from gan_core.training import Trainer

DEMO_PRESETS = ("ring8-vanilla", "ring8-fixed", "digits-gan", "digits-gan-collapse", "digits-vae", "digits-cgan",
                "mnist-vae", "mnist-vae-2d", "mnist-cgan", "shapes-gan", "ring8-ddpm", "digits-ddpm", "digits-progan",
                "digits-stylegan", "digits-pix2pix", "digits-cyclegan", "shapes-stackgan", "shapes-caption")
CLASSIFIERS = (("digits", 16), ("shapes", 16), ("mnist5k", 28))
DEMO_MAX_BYTES = 8 * 2**20  # a demo larger than this is saved without the optimisers' state (Sample & Blend needs
#                             the weights only; continuing it starts Adam afresh)


def build_classifiers(out_dir: Path | None = None, log=print) -> None:
    """The metric classifiers, into `out_dir` (default: where the metrics read them, checkpoints/classifiers/)."""
    for dataset, size in CLASSIFIERS:
        started = time.perf_counter()
        classifier = train_classifier(load_dataset(dataset, image_size=size))
        path = classifier_path(dataset, size)
        if out_dir is not None:
            path = out_dir / path.name
        save_classifier(classifier, path)
        log(f"{path}: accuracy {classifier.accuracy:.3f} on held-out data ({time.perf_counter() - started:.1f} s)")


def build_demo(name: str, out_dir: Path, log=print) -> Path:
    started = time.perf_counter()
    trainer = Trainer(preset_config(name), metrics_fn=quick_metrics)
    while trainer.step_count < trainer.config.steps:
        trainer.step()
    payload = trainer_payload(trainer, name=name)
    path = save_checkpoint(payload, out_dir / f"{name}.pt")
    note = ""
    if path.stat().st_size > DEMO_MAX_BYTES:  # Adam keeps two numbers per weight: a demo is for sampling first
        payload["state"]["optimizers"] = {}
        path = save_checkpoint(payload, out_dir / f"{name}.pt")
        note = " (without the optimisers' state, to stay under the size limit)"
    size = path.stat().st_size / 2**20
    log(f"{path}: {trainer.step_count} steps in {time.perf_counter() - started:.1f} s, {size:.1f} MB{note}")
    return path


def build_all(out_dir: Path, only: list[str] | None = None, log=print) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    if not only or "classifiers" in only:
        build_classifiers(out_dir / "classifiers", log)
    for name in DEMO_PRESETS:
        if not only or name in only:
            build_demo(name, out_dir, log)
