"""Metrics for generated samples: mode coverage, quality, PRDC, FD/KID, NDB/JSD, class histograms.

Everything here is a pure function: numpy arrays or torch tensors in, plain Python floats, ints and lists
out (JSON-serialisable, safe to hand across the training-thread boundary). Inputs that a user can cause
to be wrong (NaN samples from a diverged generator, too few samples, wrong shapes) raise ``ValueError``
with one readable sentence.

Which metric for which data
---------------------------
* 2-D Gaussian mixtures (ring8, grid25): :func:`mixture_metrics` with the VEEGAN / PacGAN definitions
  (Srivastava et al. 2017, Lin et al. 2018): a sample is *high quality* when it lies within 3 sigma of
  its nearest mode, a mode is *covered* when it is the nearest mode of at least ``min_count``
  high-quality samples (``min_count=1`` reproduces the papers), and ``reverse_kl`` is
  KL(p_gen || uniform) over the modes, where p_gen is the nearest-mode histogram of the *high-quality*
  samples, normalised by their count: PacGAN's released code (MetricLogger in synthetic_data_experiments)
  builds it that way, so our numbers read beside the paper's tables. ``reverse_kl_all`` counts *every*
  sample at its nearest mode, however far: it also sees a generator's off-mode mass piling up near one mode.
* Labelled image data: :func:`class_metrics` on a classifier's predicted labels.
* Any feature space, shape (n, d): :func:`prdc` (Naeem et al. 2020), :func:`frechet_distance` (the FID
  formula, but on *the features you pass*, normally our own small classifier's; it is not Inception
  FID and its numbers are not comparable with published FIDs), :func:`kid` (Binkowski et al. 2018),
  :func:`ndb_jsd` (Richardson & Weiss 2018) and :func:`diversity`.
  :func:`all_feature_metrics` runs them all with the defaults below.

Defaults and why (the whole suite has a 2 s budget for 10k real x 10k fake, d=64, on 2 CPU cores)
-------------------------------------------------------------------------------------------------
* PRDC: ``k=5`` (the paper's recommendation). Distances are computed in float32 with the
  ||x||^2 + ||y||^2 - 2 x.y identity (numpy matmul), one block of rows at a time (2^20 distances =
  4 MB per block), after centring both sets on the real mean to limit cancellation; k-NN radii come
  from ``torch.topk`` (the k smallest per row). Memory stays bounded; no N x M matrix is ever held. Ball membership uses
  the strict ``<`` of the official ``prdc`` package (clovaai/generative-evaluation-prdc). For
  continuous features ``<`` and ``<=`` differ only on exact ties; on an exact copy of the real set
  ``<`` gives density 1 while ``<=`` would give (k + 1) / k.
* FD: ``scipy.linalg.sqrtm`` of the covariance product, with the usual repair (add ``1e-6 * I`` when the
  result is not finite, drop a negligible imaginary part) and a symmetric eigenvalue fallback.
* KID: cubic polynomial kernel (x.y / d + 1)^3, unbiased MMD^2, ``n_subsets=10`` random subsets of
  ``subset_size=1000`` (capped at the smaller set), seeded; mean and std over subsets.
* NDB/JSD: ``n_bins=20`` k-means bins fitted on the real features (sklearn, float32, ``n_init=2``,
  ``max_iter=50``, seeded), two-sided two-proportion z-test per bin at ``alpha=0.05``.
* Diversity: mean pairwise Euclidean distance over at most ``max_pairs=100_000`` seeded random pairs
  (all pairs when there are fewer).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import scipy.linalg
import scipy.spatial.distance
import scipy.special
import torch

__all__ = [
    "BETTER",
    "LABELS",
    "all_feature_metrics",
    "assign_modes",
    "class_metrics",
    "density_divergence",
    "diversity",
    "frechet_distance",
    "kid",
    "mixture_metrics",
    "ndb_jsd",
    "prdc",
]

# A sample exactly 3 sigma from a mode counts as high quality; the tiny relative slack keeps that true
# when 3 * sigma and the distance are rounded differently.
_HQ_RELATIVE_TOLERANCE = 1e-9
# eps added to a real class histogram that has empty classes, so KL(p_gen || p_real) stays finite.
_CLASS_EPS = 1e-6
# eps * I added to both covariances when sqrtm of their product is not finite (as in pytorch-fid).
_FD_EPS = 1e-6
# Largest imaginary part of sqrtm's diagonal that is treated as rounding noise.
_FD_IMAG_ATOL = 1e-3
# Distances per block in PRDC (float32): 1M elements = 4 MB, about 100 rows of a 10k set. Small blocks
# stay in cache for the comparisons that follow the matmul; measured faster than 16 or 64 MB blocks.
_BLOCK_ELEMENTS = 1 << 20
# Sampled pairs per block in diversity().
_PAIR_BLOCK = 4096


# --------------------------------------------------------------------------------------------------
# input helpers
# --------------------------------------------------------------------------------------------------
def _to_numpy(x, name: str, dtype=np.float64) -> np.ndarray:
    """Array-like or torch tensor (any device, with or without grad) -> numpy array of `dtype`."""
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu().numpy()
    try:
        return np.asarray(x, dtype=dtype)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be numbers, got {type(x).__name__}: {error}") from None


def _features(x, name: str, min_rows: int = 1, dtype=np.float64) -> np.ndarray:
    """Validate a feature matrix: 2-D, at least `min_rows` rows, all finite."""
    array = _to_numpy(x, name, dtype)
    if array.ndim == 1:
        raise ValueError(f"{name} must have shape (n, d); got a 1-D array of length {array.shape[0]} "
                         "(use x.reshape(-1, 1) for one feature).")
    if array.ndim != 2:
        raise ValueError(f"{name} must have shape (n, d); got shape {tuple(array.shape)}.")
    if array.shape[0] < min_rows:
        raise ValueError(f"{name} needs at least {min_rows} samples; got {array.shape[0]}.")
    if array.shape[1] < 1:
        raise ValueError(f"{name} has no feature columns.")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values (did the generator diverge?).")
    return array


def _same_width(real: np.ndarray, fake: np.ndarray) -> None:
    if real.shape[1] != fake.shape[1]:
        raise ValueError(f"real and fake features must have the same dimension; "
                         f"got {real.shape[1]} and {fake.shape[1]}.")


def _kl_divergence(p: np.ndarray, q: np.ndarray) -> float:
    """KL(p || q) in nats for probability vectors, with 0 * log(0 / q) = 0."""
    support = p > 0
    return float(np.sum(p[support] * np.log(p[support] / q[support])))


# --------------------------------------------------------------------------------------------------
# 2-D Gaussian mixtures
# --------------------------------------------------------------------------------------------------
def assign_modes(samples, modes) -> tuple[np.ndarray, np.ndarray]:
    """Nearest mode of each sample.

    samples (n, 2), modes (K, 2) -> (nearest_index int64 (n,), distance float64 (n,)): the index of the
    nearest mode and the Euclidean distance to it. Ties go to the lower mode index.
    """
    points = _features(samples, "samples", min_rows=0)
    centres = _features(modes, "modes", min_rows=1)
    if points.shape[1] != centres.shape[1]:
        raise ValueError(f"samples have dimension {points.shape[1]} but modes have dimension "
                         f"{centres.shape[1]}.")
    # (n, K) exact differences; K is tiny (8 or 25) so this costs a few ms for 10k samples.
    distances = np.sqrt(((points[:, None, :] - centres[None, :, :]) ** 2).sum(axis=-1))
    if points.shape[0] == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    nearest = distances.argmin(axis=1)
    return nearest.astype(np.int64), distances[np.arange(points.shape[0]), nearest]


def mixture_metrics(samples, modes, sigma: float, min_count: int = 1) -> dict:
    """Mode coverage and sample quality on a 2-D Gaussian mixture (VEEGAN / PacGAN definitions).

    samples (n, 2) generated points, modes (K, 2) mixture means, sigma the mixture's standard deviation.

    Rule: a sample is *high quality* when its Euclidean distance to its nearest mode is <= 3 * sigma.
    A mode is *covered* when it is the nearest mode of at least ``min_count`` high-quality samples
    (``min_count=1`` reproduces the papers; raise it so that a few stray points do not count a mode).

    Returns a dict of plain Python numbers:
      modes_covered (int, higher is better, at most n_modes), n_modes (int, K),
      high_quality_fraction (float in [0, 1], higher is better),
      reverse_kl (float >= 0 or None, nats, lower is better): KL(p_hq || uniform), p_hq the histogram of the
      HIGH-QUALITY samples over their nearest mode (PacGAN's definition); 0 when every mode gets the same
      share, log(K) when they all share one mode; None when no sample is high quality, with
      reverse_kl_reason saying so (a histogram of nothing has no KL, and no number is made up),
      reverse_kl_all (float >= 0): the same KL with ALL samples counted at their nearest mode,
      mode_counts (list[int], length K): high-quality samples per mode.
    """
    points = _features(samples, "samples", min_rows=1)
    centres = _features(modes, "modes", min_rows=1)
    sigma = float(sigma)
    if not (math.isfinite(sigma) and sigma > 0):
        raise ValueError(f"sigma must be a positive number; got {sigma}.")
    if int(min_count) < 1:
        raise ValueError(f"min_count must be at least 1; got {min_count}.")
    n_modes = centres.shape[0]

    nearest, distance = assign_modes(points, centres)
    high_quality = distance <= 3.0 * sigma * (1.0 + _HQ_RELATIVE_TOLERANCE)
    mode_counts = np.bincount(nearest[high_quality], minlength=n_modes)
    p_all = np.bincount(nearest, minlength=n_modes) / points.shape[0]
    p_true = np.full(n_modes, 1.0 / n_modes)
    result = {
        "modes_covered": int(np.count_nonzero(mode_counts >= int(min_count))),
        "n_modes": int(n_modes),
        "high_quality_fraction": float(high_quality.mean()),
        "reverse_kl": None,
        "reverse_kl_all": max(0.0, _kl_divergence(p_all, p_true)),
        "mode_counts": [int(count) for count in mode_counts],
    }
    if mode_counts.sum() > 0:
        result["reverse_kl"] = max(0.0, _kl_divergence(mode_counts / mode_counts.sum(), p_true))
    else:
        result["reverse_kl_reason"] = "no sample is high quality (within 3 sigma of a mode)"
    return result


# --------------------------------------------------------------------------------------------------
# class histograms
# --------------------------------------------------------------------------------------------------
def class_metrics(pred_labels, n_classes: int, real_histogram=None, min_count: int = 1) -> dict:
    """Class coverage of generated samples from a classifier's predicted labels.

    pred_labels (n,) integer labels in [0, n_classes); real_histogram (n_classes,) counts or proportions
    of the real data, or None for uniform.

    Returns a dict of plain Python numbers:
      modes_covered (int, higher is better): classes predicted for at least ``min_count`` samples,
      n_modes (int, n_classes),
      class_kl (float >= 0, nats, lower is better): KL(p_gen || p_real); if p_real has empty classes it
      is smoothed with eps=1e-6 and renormalised so the value stays finite,
      class_histogram (list[float], length n_classes, sums to 1): p_gen.
    """
    n_classes = int(n_classes)
    if n_classes < 1:
        raise ValueError(f"n_classes must be at least 1; got {n_classes}.")
    if int(min_count) < 1:
        raise ValueError(f"min_count must be at least 1; got {min_count}.")
    raw = _to_numpy(pred_labels, "pred_labels", dtype=np.float64).reshape(-1)
    if raw.size == 0:
        raise ValueError("pred_labels is empty; generate at least one sample.")
    if not np.all(np.isfinite(raw)) or np.any(raw != np.round(raw)):
        raise ValueError("pred_labels must be whole numbers (class indices).")
    labels = raw.astype(np.int64)
    if labels.min() < 0 or labels.max() >= n_classes:
        raise ValueError(f"pred_labels must lie in [0, {n_classes - 1}]; "
                         f"got values from {labels.min()} to {labels.max()}.")

    counts = np.bincount(labels, minlength=n_classes)
    p_gen = counts / labels.size
    if real_histogram is None:
        p_real = np.full(n_classes, 1.0 / n_classes)
    else:
        p_real = _to_numpy(real_histogram, "real_histogram").reshape(-1)
        if p_real.size != n_classes:
            raise ValueError(f"real_histogram needs {n_classes} entries; got {p_real.size}.")
        if not np.all(np.isfinite(p_real)) or np.any(p_real < 0) or p_real.sum() <= 0:
            raise ValueError("real_histogram must be non-negative counts or proportions with a "
                             "positive total.")
        p_real = p_real / p_real.sum()
        if np.any(p_real == 0):
            p_real = (p_real + _CLASS_EPS) / (1.0 + n_classes * _CLASS_EPS)
    return {
        "modes_covered": int(np.count_nonzero(counts >= int(min_count))),
        "n_modes": n_classes,
        "class_kl": max(0.0, _kl_divergence(p_gen, p_real)),
        "class_histogram": [float(p) for p in p_gen],
    }


# --------------------------------------------------------------------------------------------------
# feature-space metrics
# --------------------------------------------------------------------------------------------------
def _row_block(n_rows: int, n_cols: int) -> int:
    return max(1, min(n_rows, _BLOCK_ELEMENTS // max(1, n_cols)))


def _block_sq_distances(a_times_minus_two: torch.Tensor, a_sq: torch.Tensor, b_transposed: torch.Tensor,
                        b_sq: torch.Tensor) -> torch.Tensor:
    """Squared Euclidean distances (len(a), len(b)), float32, NOT clamped at 0.

    ||a||^2 + ||b||^2 - 2 a.b with the -2 folded into `a` so the matrix product does it for free. Rounding
    can leave tiny negatives for (near-)duplicate points; callers compare against thresholds that make
    that harmless (see `_ball_thresholds`). In torch, like the top-k after it: one thread pool for the whole
    pass (numpy's BLAS keeps its own threads, and the two pools spinning against each other on 2 cores made the
    k-NN of 10,000 samples 4x slower, 0.85 s instead of 0.2 s).
    """
    return torch.addmm(b_sq.unsqueeze(0), a_times_minus_two, b_transposed).add_(a_sq.unsqueeze(1))


def _kth_neighbour_sq_radii(x: np.ndarray, x_sq: np.ndarray, k: int) -> np.ndarray:
    """Squared distance from each row of x to its k-th nearest other row of x: (n,) float32."""
    n = x.shape[0]
    radii = torch.empty(n, dtype=torch.float32)
    points, squares = torch.from_numpy(x), torch.from_numpy(x_sq)
    times_minus_two, transposed = points * -2.0, points.T.contiguous()
    block = _row_block(n, n)
    for start in range(0, n, block):
        stop = min(n, start + block)
        d2 = _block_sq_distances(times_minus_two[start:stop], squares[start:stop], transposed, squares)
        # exclude the point itself (an exact duplicate elsewhere still counts, as in the reference)
        rows = torch.arange(stop - start)
        d2[rows, rows + start] = float("inf")
        # the k smallest per row by torch.topk: the same values as np.partition's k-th, 5-15x faster on a CPU
        radii[start:stop] = torch.topk(d2, k, dim=1, largest=False).values[:, k - 1]
    return np.maximum(radii.numpy(), 0.0)


def _ball_thresholds(sq_radii: np.ndarray) -> np.ndarray:
    """Thresholds t with (d2 < t) == (max(d2, 0) < sq_radius): a radius-0 ball holds nothing."""
    return np.where(sq_radii > 0, sq_radii, -np.inf).astype(np.float32)


def prdc(real_features, fake_features, k: int = 5) -> dict:
    """Precision, recall, density and coverage (Naeem et al. 2020), all higher is better.

    real_features (N, d), fake_features (M, d). Around each real sample X_i is the ball of radius
    NND_k(X_i), its distance to its k-th nearest neighbour among the other real samples; around each
    fake sample Y_j the ball of radius NND_k(Y_j) within the fake set.
      precision = (1/M) sum_j 1[Y_j inside some real ball]          (fidelity, in [0, 1])
      recall    = (1/N) sum_i 1[X_i inside some fake ball]          (diversity, in [0, 1])
      density   = (1/kM) sum_j sum_i 1[Y_j inside the ball of X_i]  (fidelity, about 1 when the
                  distributions match, can exceed 1 when fakes crowd dense real regions)
      coverage  = (1/N) sum_i 1[the ball of X_i contains some Y_j]  (diversity, in [0, 1])
    "Inside" is the strict d < radius of the official implementation. Needs 1 <= k < min(N, M).
    Distances are float32, computed in row blocks (memory stays O(block), never N x M).
    Returns {"precision", "recall", "density", "coverage"} as floats.
    """
    k = int(k)
    real = _features(real_features, "real_features", min_rows=2, dtype=np.float32)
    fake = _features(fake_features, "fake_features", min_rows=2, dtype=np.float32)
    _same_width(real, fake)
    n_real, n_fake = real.shape[0], fake.shape[0]
    if k < 1 or k >= min(n_real, n_fake):
        raise ValueError(f"k must be between 1 and {min(n_real, n_fake) - 1} for {n_real} real and "
                         f"{n_fake} fake samples; got {k}.")

    # Centring on the real mean changes no distance but makes the float32 norms smaller.
    centre = real.mean(axis=0, dtype=np.float64).astype(np.float32)
    x = real - centre
    y = fake - centre
    x_sq = np.einsum("ij,ij->i", x, x)
    y_sq = np.einsum("ij,ij->i", y, y)
    real_thresholds = _ball_thresholds(_kth_neighbour_sq_radii(x, x_sq, k))
    fake_thresholds = _ball_thresholds(_kth_neighbour_sq_radii(y, y_sq, k))

    real_balls_per_fake = torch.zeros(n_fake, dtype=torch.int64)  # how many real balls hold Y_j
    real_ball_has_fake = torch.zeros(n_real, dtype=torch.bool)       # coverage, per X_i
    real_in_fake_balls = torch.zeros(n_real, dtype=torch.bool)       # recall, per X_i
    real_limits, fake_limits = torch.from_numpy(real_thresholds), torch.from_numpy(fake_thresholds)
    x_times_minus_two, x_squares = torch.from_numpy(x) * -2.0, torch.from_numpy(x_sq)
    y_transposed, y_squares = torch.from_numpy(y).T.contiguous(), torch.from_numpy(y_sq)
    block = _row_block(n_real, n_fake)
    for start in range(0, n_real, block):
        stop = min(n_real, start + block)
        d2 = _block_sq_distances(x_times_minus_two[start:stop], x_squares[start:stop], y_transposed, y_squares)
        inside_real_ball = d2 < real_limits[start:stop, None]
        real_balls_per_fake += inside_real_ball.sum(dim=0)
        real_ball_has_fake[start:stop] = inside_real_ball.any(dim=1)
        real_in_fake_balls[start:stop] = (d2 < fake_limits[None, :]).any(dim=1)
    real_balls_per_fake, real_ball_has_fake = real_balls_per_fake.numpy(), real_ball_has_fake.numpy()
    real_in_fake_balls = real_in_fake_balls.numpy()

    return {
        "precision": float(np.count_nonzero(real_balls_per_fake) / n_fake),
        "recall": float(np.count_nonzero(real_in_fake_balls) / n_real),
        "density": float(real_balls_per_fake.sum() / (k * n_fake)),
        "coverage": float(np.count_nonzero(real_ball_has_fake) / n_real),
    }


def _trace_sqrt_product(sigma_real: np.ndarray, sigma_fake: np.ndarray) -> float:
    """tr(sqrtm(sigma_real @ sigma_fake)) with the usual pytorch-fid style repairs."""
    with warnings.catch_warnings():
        # sqrtm warns on singular input; the finite check below handles that case
        warnings.simplefilter("ignore")
        covmean = scipy.linalg.sqrtm(sigma_real @ sigma_fake)
        if not np.all(np.isfinite(covmean)):
            offset = np.eye(sigma_real.shape[0]) * _FD_EPS
            covmean = scipy.linalg.sqrtm((sigma_real + offset) @ (sigma_fake + offset))
    if np.all(np.isfinite(covmean)) and (
            not np.iscomplexobj(covmean)
            or np.allclose(np.diagonal(covmean).imag, 0.0, atol=_FD_IMAG_ATOL)):
        return float(np.trace(covmean).real)
    # Fallback: sqrt(A) B sqrt(A) is symmetric PSD and has the same eigenvalues as A B.
    eigenvalues, eigenvectors = np.linalg.eigh(sigma_real)
    root_real = (eigenvectors * np.sqrt(np.clip(eigenvalues, 0.0, None))) @ eigenvectors.T
    middle = root_real @ sigma_fake @ root_real
    return float(np.sqrt(np.clip(np.linalg.eigvalsh((middle + middle.T) / 2), 0.0, None)).sum())


def frechet_distance(real_features, fake_features) -> float:
    """Frechet distance between Gaussians fitted to two feature sets (FD in the given feature space).

    real_features (N, d), fake_features (M, d), N, M >= 2.
    FD = ||mu_r - mu_f||^2 + tr(S_r + S_f - 2 (S_r S_f)^(1/2)), sample covariances (ddof=1).
    Lower is better; 0 when means and covariances match. This is the FID formula applied to whatever
    features are passed in (in Latent Lab, our own small classifier's), not Inception FID, so the
    numbers are not comparable with published FIDs. It only sees the first two moments.
    """
    real = _features(real_features, "real_features", min_rows=2)
    fake = _features(fake_features, "fake_features", min_rows=2)
    _same_width(real, fake)
    mean_diff = real.mean(axis=0) - fake.mean(axis=0)
    sigma_real = np.atleast_2d(np.cov(real, rowvar=False))
    sigma_fake = np.atleast_2d(np.cov(fake, rowvar=False))
    value = (float(mean_diff @ mean_diff) + float(np.trace(sigma_real)) + float(np.trace(sigma_fake))
             - 2.0 * _trace_sqrt_product(sigma_real, sigma_fake))
    # tiny negatives are rounding; FD is a squared distance
    return max(0.0, value)


def _polynomial_kernel(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(a.b / d + 1)^3 for all pairs: (len(a), len(b)) float64."""
    base = a @ b.T
    base /= a.shape[1]
    base += 1.0
    cube = base * base  # two multiplies are much faster than ** 3 (a general pow)
    cube *= base
    return cube


def _unbiased_mmd2(x: np.ndarray, y: np.ndarray) -> float:
    """Unbiased MMD^2 with the cubic polynomial kernel for two equal-size samples (m, d)."""
    m = x.shape[0]
    k_xx = _polynomial_kernel(x, x)
    k_yy = _polynomial_kernel(y, y)
    k_xy = _polynomial_kernel(x, y)
    within = (k_xx.sum() - np.trace(k_xx) + k_yy.sum() - np.trace(k_yy)) / (m * (m - 1))
    return float(within - 2.0 * k_xy.sum() / (m * m))


def kid(real_features, fake_features, n_subsets: int = 10, subset_size: int = 1000,
        seed: int = 0) -> dict:
    """Kernel distance (Binkowski et al. 2018) in the given feature space; lower is better.

    real_features (N, d), fake_features (M, d). For each of ``n_subsets`` seeded random subsets of
    ``m = min(subset_size, N, M)`` real and m fake samples (without replacement), the unbiased MMD^2
    estimate with kernel k(x, y) = (x.y / d + 1)^3 is
      sum_{i != j} k(x_i, x_j) / (m(m-1)) + sum_{i != j} k(y_i, y_j) / (m(m-1)) - 2 sum_{i,j} k(x_i, y_j) / m^2.
    Returns {"mean": float, "std": float} over the subsets. The estimate is unbiased, so it can be
    slightly negative when the distributions match.
    """
    real = _features(real_features, "real_features", min_rows=2)
    fake = _features(fake_features, "fake_features", min_rows=2)
    _same_width(real, fake)
    if int(n_subsets) < 1 or int(subset_size) < 2:
        raise ValueError("kid needs n_subsets >= 1 and subset_size >= 2.")
    m = min(int(subset_size), real.shape[0], fake.shape[0])
    rng = np.random.default_rng(seed)
    estimates = np.empty(int(n_subsets))
    for index in range(int(n_subsets)):
        real_subset = real[rng.choice(real.shape[0], m, replace=False)]
        fake_subset = fake[rng.choice(fake.shape[0], m, replace=False)]
        estimates[index] = _unbiased_mmd2(real_subset, fake_subset)
    return {"mean": float(estimates.mean()), "std": float(estimates.std())}


def _jensen_shannon(p: np.ndarray, q: np.ndarray) -> float:
    middle = 0.5 * (p + q)
    return 0.5 * _kl_divergence(p, middle) + 0.5 * _kl_divergence(q, middle)


def ndb_jsd(real_features, fake_features, n_bins: int = 20, seed: int = 0,
            alpha: float = 0.05) -> dict:
    """Number of statistically different bins and JS divergence (Richardson & Weiss 2018).

    real_features (N, d), fake_features (M, d). k-means with ``n_bins`` clusters is fitted on the real
    features; both sets are assigned to the nearest centroid. For each bin a two-sided two-proportion
    z-test (pooled proportion) compares the real and fake shares at significance ``alpha``.
    Returns {"ndb": int (lower is better), "ndb_k": float = ndb / n_bins in [0, 1] (lower is better),
    "jsd": float, Jensen-Shannon divergence of the two bin histograms in nats, in [0, ln 2], lower is
    better}. With matching distributions about alpha * n_bins bins still differ by chance.
    """
    from sklearn.cluster import KMeans  # sklearn import is slow; only pay for it when used

    real = _features(real_features, "real_features", min_rows=2)
    fake = _features(fake_features, "fake_features", min_rows=1)
    _same_width(real, fake)
    n_bins = int(n_bins)
    if n_bins < 2 or n_bins > real.shape[0]:
        raise ValueError(f"n_bins must be between 2 and the number of real samples "
                         f"({real.shape[0]}); got {n_bins}.")
    if not 0.0 < float(alpha) < 1.0:
        raise ValueError(f"alpha must be between 0 and 1; got {alpha}.")

    # float32 halves the k-means time; bin boundaries do not need more precision
    real32, fake32 = real.astype(np.float32), fake.astype(np.float32)
    with warnings.catch_warnings():
        # fewer distinct real points than bins only leaves some bins empty; the test handles that
        warnings.simplefilter("ignore")
        kmeans = KMeans(n_clusters=n_bins, n_init=2, max_iter=50, random_state=seed).fit(real32)
    n_real, n_fake = real.shape[0], fake.shape[0]
    p_real = np.bincount(kmeans.predict(real32), minlength=n_bins) / n_real
    p_fake = np.bincount(kmeans.predict(fake32), minlength=n_bins) / n_fake

    pooled = (p_real * n_real + p_fake * n_fake) / (n_real + n_fake)
    standard_error = np.sqrt(pooled * (1.0 - pooled) * (1.0 / n_real + 1.0 / n_fake))
    # a bin that is empty (or everything) in both sets has no variance and is not different
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(standard_error > 0, (p_real - p_fake) / standard_error, 0.0)
    p_values = scipy.special.erfc(np.abs(z) / math.sqrt(2.0))  # two-sided normal tail
    ndb = int(np.count_nonzero(p_values < float(alpha)))
    jsd = min(math.log(2.0), max(0.0, _jensen_shannon(p_real, p_fake)))
    return {"ndb": ndb, "ndb_k": ndb / n_bins, "jsd": jsd}


def diversity(features, max_pairs: int = 100_000, seed: int = 0) -> float:
    """Mean pairwise Euclidean distance between samples; higher is more diverse.

    features (n, d), n >= 2. All n(n-1)/2 pairs when that is at most ``max_pairs``, otherwise
    ``max_pairs`` seeded random pairs of distinct indices. Drops when samples repeat (mode collapse);
    it says nothing about whether the samples look real, and noise scores high.
    """
    points = _features(features, "features", min_rows=2)
    n = points.shape[0]
    if n * (n - 1) // 2 <= int(max_pairs):
        return float(scipy.spatial.distance.pdist(points).mean())
    rng = np.random.default_rng(seed)
    first = rng.integers(0, n, size=int(max_pairs))
    # an offset in [1, n) guarantees a different second index
    second = (first + rng.integers(1, n, size=int(max_pairs))) % n
    total = 0.0
    # blocks of pairs keep the temporaries small (a few MB) instead of 2 x max_pairs x d at once
    for start in range(0, int(max_pairs), _PAIR_BLOCK):
        stop = min(int(max_pairs), start + _PAIR_BLOCK)
        difference = points[first[start:stop]] - points[second[start:stop]]
        total += float(np.sqrt(np.einsum("ij,ij->i", difference, difference)).sum())
    return total / int(max_pairs)


def all_feature_metrics(real_features, fake_features, k: int = 5, seed: int = 0) -> dict:
    """All feature-space metrics with the module defaults.

    real_features (N, d), fake_features (M, d) -> dict of floats (ndb is an int):
      precision, recall, density, coverage (higher is better), fd, kid, kid_std (lower is better),
      ndb, ndb_k, jsd (lower is better), diversity (mean pairwise distance of the fake features) and
      diversity_real (the same for the real features: a good generator's diversity is close to it).
    """
    real = _features(real_features, "real_features", min_rows=2)
    fake = _features(fake_features, "fake_features", min_rows=2)
    _same_width(real, fake)
    results = prdc(real, fake, k=k)
    results["fd"] = frechet_distance(real, fake)
    kernel_distance = kid(real, fake, seed=seed)
    results["kid"] = kernel_distance["mean"]
    results["kid_std"] = kernel_distance["std"]
    results.update(ndb_jsd(real, fake, seed=seed))
    results["diversity"] = diversity(fake, seed=seed)
    results["diversity_real"] = diversity(real, seed=seed)
    return results


# --------------------------------------------------------------------------------------------------
# 2-D densities: how far apart are the real and generated clouds?
# --------------------------------------------------------------------------------------------------
# Gaussian blur, in grid cells, applied to both 2-D histograms in density_divergence: a few hundred samples
# would otherwise leave cells empty by chance, and an empty cell under the real data makes KL blow up.
_DENSITY_BLUR_CELLS = 1.0
# Probability floor spread over the grid after the blur (a total of 1e-6 of the mass), so no cell is exactly
# 0 and KL(real || fake) stays finite even when the two clouds do not overlap at all.
_DENSITY_EPS = 1e-6


def _smoothed_histogram(points: np.ndarray, bounds: tuple[float, float, float, float], bins: int,
                        blur: float, eps: float) -> np.ndarray:
    """(n, 2) points -> (bins, bins) probabilities: binned, blurred by `blur` cells, floored by eps, summing to 1."""
    from scipy.ndimage import gaussian_filter  # only the 2-D views need it

    x0, x1, y0, y1 = bounds
    # points outside the plot area land in the nearest border cell: mass thrown far away still counts
    xs = np.clip(points[:, 0], x0, x1)
    ys = np.clip(points[:, 1], y0, y1)
    counts, _, _ = np.histogram2d(xs, ys, bins=bins, range=[[x0, x1], [y0, y1]])  # (bins, bins)
    if blur > 0:
        counts = gaussian_filter(counts, sigma=blur, mode="constant", truncate=3.0)
    density = counts / counts.sum()
    density = density + eps / density.size
    return density / density.sum()


def density_divergence(real, fake, bounds=None, bins: int = 32, blur: float = _DENSITY_BLUR_CELLS,
                       eps: float = _DENSITY_EPS) -> dict:
    """KL(real || fake) and the Jensen-Shannon divergence between two 2-D point clouds, in nats.

    real (N, 2), fake (M, 2): points, e.g. the training data and G(z). bounds (x0, x1, y0, y1): the area
    compared (default: the real points' box plus a quarter of its size on every side). Both clouds are binned
    on a ``bins`` x ``bins`` grid over ``bounds`` (points outside go to the nearest border cell), each
    histogram is smoothed with a Gaussian of ``blur`` cells (a kernel density estimate in effect), then a
    floor of ``eps`` in total is spread over the grid and the histogram renormalised, so an empty cell has a
    tiny positive probability instead of 0 and no log is ever log(0).

    Returns {"kl": KL(p_real || p_fake) >= 0, large when the generator misses places where real data lives
    (with eps=1e-6 it tops out near ln(1 / 1e-6 * bins^2) ~ 21 nats for bins=32), "js": JS in [0, ln 2],
    exactly ln 2 when the two densities do not overlap at all}. The blur widens both densities a little, so
    the estimate of a smooth KL is slightly low (for two Gaussians of std s it is as if s^2 grew by
    (blur * cell width)^2), and a finite sample adds a small positive bias: two samples of the same
    distribution give a few hundredths of a nat, not exactly 0.
    """
    real_points = _features(real, "real points")
    fake_points = _features(fake, "generated points")
    if real_points.shape[1] != 2 or fake_points.shape[1] != 2:
        raise ValueError(f"density_divergence compares 2-D points; got {real_points.shape[1]} and "
                         f"{fake_points.shape[1]} columns.")
    bins = int(bins)
    if not 2 <= bins <= 1024:
        raise ValueError(f"bins must be between 2 and 1024; got {bins}.")
    if blur < 0 or not eps > 0:
        raise ValueError("blur must be at least 0 and eps above 0.")
    if bounds is None:
        low, high = real_points.min(axis=0), real_points.max(axis=0)
        margin = 0.25 * float(max(high - low)) + 1e-3
        bounds = (low[0] - margin, high[0] + margin, low[1] - margin, high[1] + margin)
    x0, x1, y0, y1 = (float(b) for b in bounds)
    if not all(math.isfinite(b) for b in (x0, x1, y0, y1)) or x1 <= x0 or y1 <= y0:
        raise ValueError(f"bounds must be finite (x0, x1, y0, y1) with x0 < x1 and y0 < y1; got {tuple(bounds)}.")
    p = _smoothed_histogram(real_points, (x0, x1, y0, y1), bins, float(blur), float(eps))
    q = _smoothed_histogram(fake_points, (x0, x1, y0, y1), bins, float(blur), float(eps))
    kl = max(0.0, _kl_divergence(p.ravel(), q.ravel()))
    js = min(math.log(2.0), max(0.0, _jensen_shannon(p.ravel(), q.ravel())))
    return {"kl": kl, "js": js}


# --------------------------------------------------------------------------------------------------
# each metric's name (English, Chinese) and which way is better; the CLI's table and the comparison
# exports (compare.py) carry them. "closest": the best value is the one nearest the real data's own value,
# which the results carry under KEY + "_real" (more diversity than the real data has is noise, not a virtue). What each number means, and what it misses, is the app's to explain.
# --------------------------------------------------------------------------------------------------
BETTER: dict[str, str] = {
    "modes_covered": "higher",
    "high_quality_fraction": "higher",
    "reverse_kl": "lower",
    "reverse_kl_all": "lower",
    "class_kl": "lower",
    "precision": "higher",
    "recall": "higher",
    "density": "higher",
    "coverage": "higher",
    "fd": "lower",
    "kid": "lower",
    "ndb_k": "lower",
    "jsd": "lower",
    "diversity": "closest",
    "kl": "lower",
    "js": "lower",
    "sample_ms": "lower",
}
LABELS: dict[str, tuple[str, str]] = {
    "modes_covered": ("Modes covered", "覆盖的模式数"),
    "high_quality_fraction": ("High-quality fraction", "高质量样本比例"),
    "reverse_kl": ("Reverse KL (modes, high-quality samples)", "反向 KL（模式分布，仅高质量样本）"),
    "reverse_kl_all": ("Reverse KL (modes, all samples)", "反向 KL（模式分布，全部样本）"),
    "class_kl": ("Class KL", "类别 KL"),
    "precision": ("Precision", "精确率（Precision）"),
    "recall": ("Recall", "召回率（Recall）"),
    "density": ("Density", "密度（Density）"),
    "coverage": ("Coverage", "覆盖率（Coverage）"),
    # the features differ by data (a classifier's for labelled images, raw pixels, 2-D coordinates): a result names
    # its feature_space, so the label does not
    "fd": ("FD (Fréchet distance)", "FD（Fréchet 距离）"),
    "kid": ("KID (kernel distance)", "KID（核距离）"),
    "ndb_k": ("NDB/K", "NDB/K（显著不同的分箱比例）"),
    "jsd": ("JS divergence (bins)", "JS 散度（分箱）"),
    "diversity": ("Diversity", "多样性"),
    "kl": ("KL(real ‖ generated), 2-D density", "KL（真实 ‖ 生成），二维密度"),
    "js": ("JS divergence, 2-D density", "JS 散度，二维密度"),
    "sample_ms": ("Sampling time per sample (ms)", "每个样本的采样时间（毫秒）"),
}
