"""Scoring samples: picks the right metrics for the data (2-D mixture, labelled images, other) and runs them.

`evaluate_checkpoint(path, n, seed)` scores exactly the samples `python -m gan_core sample path --n n --seed
seed` writes. `quick_metrics(trainer)` is the cheap subset recorded during training.
"""
from __future__ import annotations

import math
import weakref

import numpy as np
import torch

from gan_core.evaluation import metrics
from gan_core.checkpoints import data_info
from gan_core.evaluation.classifier import get_classifier
from gan_core.data import load_dataset, points_dataset_from_info
from gan_core.latents import LatentModel, sample_latents
from gan_core.options import STACKED_DATASETS

QUICK_SAMPLES = 1000  # samples scored at each training-time evaluation
QUICK_SEED = 2024  # the same latents every time, so the curve shows the model changing, not the noise
QUICK_REAL = 2000  # real 2-D points the training-time KL/JS compares against
MAX_REAL = 10_000


def real_set(config, n: int, seed: int, data_info: dict | None = None):
    """(dataset, up to n real samples, their labels) drawn with `seed`: the reference set the metrics compare against.

    Drawn or CSV points ("points:NAME") cannot be loaded by name: they are rebuilt from the checkpoint's `data_info`.
    """
    if data_info is not None and config.dataset.startswith("points:"):
        data = points_dataset_from_info(data_info, n_points=max(config.n_points, n), seed=seed)
    else:
        data = load_dataset(config.dataset, image_size=config.image_size, data_root=config.data_root,
                            n_points=max(config.n_points, n), seed=seed)
    count = min(n, data.data.shape[0], MAX_REAL)
    index = torch.randperm(data.data.shape[0], generator=torch.Generator().manual_seed(seed))[:count]
    return data, data.data[index].cpu(), None if data.labels is None else data.labels[index].cpu()


def evaluate_samples(samples: torch.Tensor, config, data_info: dict, seed: int = 0, real=None,
                     full: bool = True) -> dict:
    """Metrics for `samples` ((n, 2) points or (n, C, H, W) images in [-1, 1]).

    2-D mixtures: modes_covered, n_modes, high_quality_fraction, reverse_kl (None with reverse_kl_reason when no
    sample is high quality), reverse_kl_all, mode_counts.
    Labelled images: modes_covered, n_modes, class_kl, class_histogram and (full=True) precision, recall,
    density, coverage, fd, kid, ndb, ndb_k, jsd, diversity (and the real data's, diversity_real) in the
    classifier's feature space.
    """
    samples = samples.detach().float().cpu()
    n = samples.shape[0]
    result: dict = {"n_samples": n, "dataset": config.dataset, "model": config.model}
    if data_info.get("kind") == "points":
        finite = torch.isfinite(samples).all(dim=1)
        points = samples.numpy()
        if data_info.get("modes") is not None:
            result.update(metrics.mixture_metrics(points, np.asarray(data_info["modes"]), float(data_info["sigma"])))
            result["feature_space"], result["feature_space_id"] = "2-D coordinates", "coordinates"
        if full:
            _, real_points, _ = real if real is not None else real_set(config, n, seed + 1, data_info)
            result.update(_feature_metrics(real_points.numpy(), points[finite.numpy()], seed, "2-D coordinates",
                                           "coordinates"))
        return result
    classifier = get_classifier(config.dataset, config.image_size, config.data_root)
    fake_features = None
    if classifier is not None:
        predicted, fake_features = classifier.predict_and_features(samples)  # one pass over the samples
        predicted, fake_features = predicted.numpy(), fake_features.numpy()
        n_classes = 1000 if config.dataset in STACKED_DATASETS else int(data_info.get("n_classes", 0))
        result.update(metrics.class_metrics(predicted, n_classes))
        if n_classes > 50:
            result.pop("class_histogram", None)  # 1,000 bars help nobody; keep the summary numbers
        result["classifier_accuracy"] = round(classifier.accuracy, 4)
    if full:
        _, real_images, _ = real if real is not None else real_set(config, n, seed + 1)
        if classifier is not None:
            real_features = classifier.features(real_images).numpy()
            space, space_id = classifier.feature_name, classifier.feature_space_id
        else:  # unlabelled images: honest fallback to raw pixels
            real_features, fake_features = real_images.flatten(1).numpy(), samples.flatten(1).numpy()
            space, space_id = "raw pixels", "pixels"
        result.update(_feature_metrics(real_features, fake_features, seed, space, space_id))
    return result


def _feature_metrics(real_features: np.ndarray, fake_features: np.ndarray, seed: int, space: str,
                     space_id: str) -> dict:
    """The feature metrics, with the space they were computed in: "feature_space" in English (the CLI prints it)
    and "feature_space_id" ("coordinates", "pixels", "classifier:<data>") for the app to word in its language."""
    values = metrics.all_feature_metrics(real_features, fake_features, k=5, seed=seed)
    values["feature_space"], values["feature_space_id"] = space, space_id
    return values


def evaluate_checkpoint(source, n: int = 2500, seed: int = 0, full: bool = True) -> dict:
    """Load a checkpoint, draw `n` samples from `seed` (as `sample` does) and score them."""
    model = source if isinstance(source, LatentModel) else LatentModel.load(source)
    samples = model.sample(n, seed=seed)
    result = evaluate_samples(samples, model.config, model.data_info, seed=seed, full=full)
    result["step"] = model.checkpoint.step
    return result


def evaluate_rejection(source, n: int = 2500, seed: int = 0, full: bool = True) -> dict:
    """POST-HOC: the metrics of `n` samples kept by discriminator rejection sampling from `seed`
    (LatentModel.sample_rejection), with "post_hoc": True, its "post_hoc_label" and what the filter cost
    ("acceptance_rate", "candidates"). Never the generator's own quality: `evaluate_checkpoint` is that."""
    model = source if isinstance(source, LatentModel) else LatentModel.load(source)
    samples, info = model.sample_rejection(n, seed=seed)
    result = evaluate_samples(samples, model.config, model.data_info, seed=seed, full=full)
    result.update({"post_hoc": True, "post_hoc_label": info["label"], "post_hoc_method": info["method"],
                   "acceptance_rate": info["acceptance_rate"], "candidates": info["candidates"],
                   "step": model.checkpoint.step})
    return result


def quick_metrics(trainer) -> dict:
    """Cheap numbers recorded during training, on a fixed latent batch: mode coverage and its friends; for
    every 2-D run (mixtures, spirals, drawn data with no modes) "kl" = KL(real || generated) and "js" between
    the two smoothed 2-D densities (metrics.density_divergence); for images with a classifier "fd", the Fréchet
    distance in its feature space (what a class's gallery sorts by). No class metrics while a family draws coarser
    pictures than the data's (Family.coarse)."""
    config, data = trainer.config, trainer.dataset
    z = sample_latents(QUICK_SAMPLES if data.is_points else 500, trainer.latent_dim, QUICK_SEED)
    labels = None
    if config.is_conditional:
        labels = torch.arange(z.shape[0]) % data.n_classes
    samples = trainer.generate(z, labels).float().cpu()
    values = {}
    family = trainer.family
    coarse = family is not None and family.coarse is not None and family.coarse(trainer)  # (ProGAN's 4-px blobs)
    if (not data.is_points or data.modes is not None) and not coarse:  # points without modes have no mode metrics
        full = evaluate_samples(samples, config, data_info(data), full=False)
        keep = ("modes_covered", "high_quality_fraction", "reverse_kl", "reverse_kl_all", "class_kl")
        values = {k: float(full[k]) for k in keep
                  if k in full and isinstance(full[k], (int, float)) and math.isfinite(full[k])}
    if data.is_points:
        values.update(_density_values(data.data, samples))
    else:
        values.update(_quick_fd(trainer, samples))
    return values


_real_features = weakref.WeakKeyDictionary()  # dataset -> classifier features of its fixed real subset


def _quick_fd(trainer, samples: torch.Tensor) -> dict:
    """{"fd"}: the Fréchet distance between the samples and a fixed seeded subset of the real images (as many),
    in the classifier's feature space; {} for images without a classifier (raw pixels would cost far more than
    the rest of the quick metrics) or when it is not finite. About 30-60 ms on a 2-core CPU for 500 samples."""
    config, data = trainer.config, trainer.dataset
    classifier = get_classifier(config.dataset, config.image_size, config.data_root)
    if classifier is None:
        return {}
    real = _real_features.get(data)
    if real is None:
        order = torch.randperm(data.data.shape[0], generator=torch.Generator().manual_seed(QUICK_SEED))
        real = classifier.features(data.data[order[:samples.shape[0]]].detach().float().cpu()).numpy()
        _real_features[data] = real
    fake = classifier.features(samples).numpy()
    if not np.isfinite(fake).all():
        return {}
    value = metrics.frechet_distance(real, fake)
    return {"fd": float(value)} if math.isfinite(value) else {}


def _density_values(pool: torch.Tensor, samples: torch.Tensor) -> dict:
    """{"kl", "js"} between a fixed seeded subset of the real pool (N, 2) and generated points (n, 2).

    Non-finite generated points are dropped (a diverging generator is reported by the trainer itself); with
    none left there is nothing to compare and {} is returned.
    """
    order = torch.randperm(pool.shape[0], generator=torch.Generator().manual_seed(QUICK_SEED))[:QUICK_REAL]
    real = pool.detach().cpu()[order].float().numpy()  # the same real points every time: a steady yardstick
    fake = samples.numpy()
    fake = fake[np.isfinite(fake).all(axis=1)]
    if not len(fake):
        return {}
    return metrics.density_divergence(real, fake)


METRIC_ORDER = ("modes_covered", "n_modes", "high_quality_fraction", "reverse_kl", "reverse_kl_all", "class_kl",
                "precision", "recall", "density", "coverage", "fd", "kid", "kid_std", "ndb", "ndb_k", "jsd", "diversity")


def format_table(results: dict) -> str:
    """A readable two-column table of the scalar results, with each metric's better direction."""
    rows = []
    for key in METRIC_ORDER + tuple(k for k in results if k not in METRIC_ORDER):
        value = results.get(key)
        if key.endswith("_real") and key[:-5] in metrics.BETTER:
            continue  # shown with its metric
        label = metrics.LABELS.get(key, (key,))[0]
        arrow = {"higher": "(higher is better)", "lower": "(lower is better)"}.get(metrics.BETTER.get(key, ""), "")
        if value is None and f"{key}_reason" in results:  # a number that does not exist: say why, never invent one
            rows.append((label, "—", f"({results[f'{key}_reason']})"))
            continue
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            continue
        if metrics.BETTER.get(key) == "closest" and isinstance(results.get(key + "_real"), (int, float)):
            arrow = f"(closest to the real data's {results[key + '_real']:.4f} is best)"
        shown = f"{value:d}" if isinstance(value, int) else f"{value:.4f}"
        rows.append((label, shown, arrow))
    width = max((len(r[0]) for r in rows), default=10)
    header = f"{results.get('dataset', '')} {results.get('model', '')}, {results.get('n_samples', 0)} samples"
    if "feature_space" in results:
        header += f"; features: {results['feature_space']}"
    if results.get("post_hoc"):  # a filter's numbers are never shown as the generator's own
        header = (f"POST-HOC, not the generator's own quality: {results.get('post_hoc_label', '')}\n{header}; "
                  f"D accepted {100 * results.get('acceptance_rate', 0):.1f} % of the candidates")
    return "\n".join([header] + [f"  {label:<{width}}  {shown:>10}  {arrow}" for label, shown, arrow in rows])
