"""Is the generator copying its training images? Nearest neighbours in the training set, and one summary number.

A generator that memorised its data makes samples that sit right on top of training images. The check:
for each generated sample, find its k nearest training images in a feature space (the project's small
classifier's features when the data has one, raw pixels otherwise) and compare the nearest distance with how
far *real* images are from their nearest other training image. Real images are the yardstick because a fresh
draw from the data distribution is about that far from the training set; a sample much closer than that is
suspicious.

The yardstick is leave-one-out: `REFERENCE_COUNT` seeded training images are each searched against all the
*other* training images. That is exactly how far a new real image would be from a training set one image
smaller, and it needs no held-out split (the Trainer trains on every image).

    result = nearest_training_images(samples, dataset, k=3)
    result["indices"]    # (n, k) int64 rows of dataset.data, nearest first
    result["distances"]  # (n, k) float32
    result["ratio"]      # median nearest distance of the samples / of real images: well below 1 = copying?
"""
from __future__ import annotations

import numpy as np
import torch

from gan_core.evaluation.classifier import Classifier, get_classifier
from gan_core.data import DataError, Dataset

FEATURES = ("classifier", "pixels")
REFERENCE_COUNT = 500  # real images whose leave-one-out nearest distance sets the yardstick
COPY_RATIO = 0.5  # a summary ratio below this says "suspiciously close to the training set"
_SEARCH_BLOCK = 256  # query rows per distance block: 256 x 10,000 floats = 10 MB


class FeatureIndex:
    """A training set in one feature space, ready for nearest-neighbour search.

    features (N, d) float32, one row per training image; feature "classifier" or "pixels"; feature_space a
    readable name ("digits-classifier features", "raw pixels") and feature_space_id what the app words in its
    language ("classifier:digits", "pixels"); fell_back True when "classifier" was asked
    for but the data has none; reference_distances (m,) leave-one-out nearest distances of real images;
    typical_distance their median.
    """

    def __init__(self, features: np.ndarray, feature: str, feature_space: str, fell_back: bool,
                 embed, reference_distances: np.ndarray, feature_space_id: str = "pixels"):
        self.features = features
        self.feature = feature
        self.feature_space = feature_space
        self.feature_space_id = feature_space_id
        self.fell_back = fell_back
        self._embed = embed  # images (n, C, H, W) -> (n, d) float32 numpy, the same map as the features
        self.reference_distances = reference_distances
        self.typical_distance = float(np.median(reference_distances)) if len(reference_distances) else float("nan")

    def __len__(self) -> int:
        return self.features.shape[0]

    def embed(self, images: torch.Tensor) -> np.ndarray:
        """(n, C, H, W) images in [-1, 1] -> (n, d) float32 in this index's feature space."""
        return self._embed(images)


def _pixel_embed(images: torch.Tensor) -> np.ndarray:
    return images.detach().float().cpu().flatten(1).numpy().astype(np.float32)  # (n, C*H*W)


def _classifier_embed(classifier: Classifier):
    def embed(images: torch.Tensor) -> np.ndarray:
        return classifier.features(images.detach().float().cpu()).numpy().astype(np.float32)  # (n, 64)
    return embed


def _pick_classifier(dataset: Dataset, data_root: str) -> Classifier | None:
    try:
        return get_classifier(dataset.name, dataset.image_size, data_root)
    except DataError:  # e.g. MNIST files that are not on this computer: pixels still work
        return None


def build_index(dataset: Dataset, feature: str = "classifier", data_root: str = "",
                reference_count: int = REFERENCE_COUNT, seed: int = 0) -> FeatureIndex:
    """Embed every training image of `dataset` (kind "image") and measure the real yardstick.

    feature "classifier" uses the project's classifier for this data (shipped or trained on demand, see
    gan_core.evaluation.classifier) and falls back to raw pixels when there is none (unlabelled folders); "pixels" always
    uses raw pixels. Raises ValueError for 2-D point data or an unknown feature.
    """
    if feature not in FEATURES:
        raise ValueError(f"feature must be one of {', '.join(FEATURES)}; got {feature!r}.")
    if dataset.kind != "image":
        raise ValueError("The memorisation check compares images; 2-D points are shown directly on the plot.")
    if len(dataset) < 2:
        raise ValueError("The memorisation check needs at least 2 training images.")
    classifier = _pick_classifier(dataset, data_root) if feature == "classifier" else None
    if classifier is not None:
        embed, used, space = _classifier_embed(classifier), "classifier", classifier.feature_name
        space_id = classifier.feature_space_id
    else:
        embed, used, space, space_id = _pixel_embed, "pixels", "raw pixels", "pixels"
    features = embed(dataset.data)  # (N, d)
    count = min(int(reference_count), len(dataset))
    chosen = torch.randperm(len(dataset), generator=torch.Generator().manual_seed(seed))[:count].numpy()
    # k=2: the nearest hit of a training image is normally itself (distance 0); the next one is its neighbour
    indices, distances = _search(features[chosen], features, k=2)
    leave_one_out = np.where(indices[:, 0] == chosen, distances[:, 1], distances[:, 0])
    return FeatureIndex(features, used, space, feature == "classifier" and classifier is None, embed,
                        leave_one_out.astype(np.float32), space_id)


def _search(queries: np.ndarray, features: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """k nearest rows of `features` (N, d) for each query (n, d): indices (n, k) int64, distances (n, k) float32.

    Candidates come from the fast ||a||^2 + ||b||^2 - 2 a.b form in blocks; the k winners' distances are then
    recomputed directly in float64, so a sample equal to a training image gets 0, not rounding noise.
    """
    k = min(int(k), features.shape[0])
    base = torch.from_numpy(np.ascontiguousarray(features, dtype=np.float32))
    base_sq = (base * base).sum(dim=1)  # (N,)
    all_indices = []
    for start in range(0, queries.shape[0], _SEARCH_BLOCK):
        block = torch.from_numpy(np.ascontiguousarray(queries[start:start + _SEARCH_BLOCK], dtype=np.float32))
        squared = (block * block).sum(dim=1, keepdim=True) + base_sq[None, :] - 2.0 * block @ base.T  # (b, N)
        all_indices.append(torch.topk(squared, k, dim=1, largest=False).indices)  # (b, k), nearest first
    indices = torch.cat(all_indices).numpy().astype(np.int64) if all_indices else np.zeros((0, k), np.int64)
    exact = np.linalg.norm(queries[:, None, :].astype(np.float64) - features[indices].astype(np.float64), axis=2)
    order = np.argsort(exact, axis=1, kind="stable")  # the exact distances may reorder near-ties
    return np.take_along_axis(indices, order, 1), np.take_along_axis(exact, order, 1).astype(np.float32)


def nearest_training_images(samples: torch.Tensor, dataset: Dataset, k: int = 3, feature: str = "classifier",
                            index: FeatureIndex | None = None, data_root: str = "") -> dict:
    """Each sample's k nearest training images, and how close that is compared with real images.

    samples (n, C, H, W) in [-1, 1], shaped like dataset.data. feature "classifier" | "pixels" (a classifier
    request on data without one falls back to pixels; "feature" in the result says which was used). Pass an
    `index` from build_index to skip embedding the training set again (it decides the feature space).

    Returns {"indices": (n, k) int64 rows of dataset.data, nearest first; "distances": (n, k) float32;
    "feature": "classifier" | "pixels"; "feature_space": readable name; "feature_space_id" (as build_index's);
    "fell_back": bool;
    "typical_distance": median leave-one-out nearest distance of real training images;
    "sample_ratios": (n,) each sample's nearest distance / typical_distance;
    "ratio": median of sample_ratios (about 1 or more: no sign of copying; well below 1, e.g. under
    COPY_RATIO: samples sit closer to training images than real images do, which suggests memorisation);
    "closer_than_real": (n,) the share of real images whose nearest other training image is farther than
    this sample's nearest one (near 1 = closer than almost any real image)}.
    """
    if index is None:
        index = build_index(dataset, feature, data_root=data_root)
    samples = torch.as_tensor(samples).detach().float().cpu()
    if samples.ndim != 4 or tuple(samples.shape[1:]) != tuple(dataset.data.shape[1:]):
        raise ValueError(f"samples must have shape (n, {', '.join(str(s) for s in dataset.data.shape[1:])}) like "
                         f"the training images; got {tuple(samples.shape)}.")
    if int(k) < 1:
        raise ValueError(f"k must be at least 1; got {k}.")
    if not torch.isfinite(samples).all():
        raise ValueError("The samples contain NaN or infinite values (did the generator diverge?).")
    indices, distances = _search(index.embed(samples), index.features, int(k))
    typical = index.typical_distance
    nearest = distances[:, 0].astype(np.float64)
    ratios = nearest / typical if typical > 0 else np.full(nearest.shape, np.nan)  # duplicated data: typical 0
    reference = np.sort(index.reference_distances)
    closer_than = 1.0 - np.searchsorted(reference, nearest, side="right") / max(1, len(reference))
    return {"indices": indices, "distances": distances, "feature": index.feature,
            "feature_space": index.feature_space, "feature_space_id": index.feature_space_id, "fell_back": index.fell_back, "typical_distance": typical,
            "sample_ratios": ratios.astype(np.float32),
            "ratio": float(np.median(ratios)) if len(ratios) else float("nan"),
            "closer_than_real": closer_than.astype(np.float32)}


def grid_capacity(grid: np.ndarray, image_size: int, padding: int = 1) -> int:
    """How many image_size x image_size tiles a make_grid picture (H', W', 3) has room for (rows x columns)."""
    height, width = np.asarray(grid).shape[:2]
    step = image_size + padding
    return max(0, (height - padding) // step) * max(0, (width - padding) // step)


def tiles_from_grid(grid: np.ndarray, count: int, channels: int, image_size: int, padding: int = 1) -> torch.Tensor:
    """Cut the first `count` images back out of a snapshot's sample grid (gan_core.images.make_grid layout).

    grid (H', W', 3) uint8 -> (count, channels, image_size, image_size) float32 in [-1, 1] (quantised to 8
    bits, which moves a pixel by at most 1/255 of the range). Raises ValueError if the grid does not hold
    `count` tiles of that size.
    """
    grid = np.asarray(grid)
    step = image_size + padding
    cols = (grid.shape[1] - padding) // step if grid.ndim == 3 else 0
    if grid.ndim != 3 or grid_capacity(grid, image_size, padding) < count:
        raise ValueError(f"This sample grid does not hold {count} images of {image_size}x{image_size} pixels.")
    tiles = []
    for position in range(count):
        r, c = divmod(position, cols)
        top, left = padding + r * step, padding + c * step
        tile = grid[top:top + image_size, left:left + image_size, :channels]  # (S, S, C)
        tiles.append(tile.transpose(2, 0, 1))  # (C, S, S)
    stacked = np.stack(tiles).astype(np.float32)  # (count, C, S, S) in 0..255
    return torch.from_numpy(stacked / 127.5 - 1.0)
