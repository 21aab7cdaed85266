"""Tests for gan_core.evaluation.metrics: hand-made cases with known answers and brute-force references."""

import json
import math
import subprocess
import sys

import numpy as np
import pytest
import torch

from gan_core.evaluation import metrics
from app.metrics_text import METRIC_INFO
from gan_core.evaluation.metrics import (
    all_feature_metrics,
    assign_modes,
    class_metrics,
    diversity,
    frechet_distance,
    kid,
    mixture_metrics,
    ndb_jsd,
    prdc,
)

RING8_SIGMA = 0.01


def ring8_modes() -> np.ndarray:
    angles = np.linspace(0.0, 2.0 * np.pi, 8, endpoint=False)
    return np.stack([np.cos(angles), np.sin(angles)], axis=1)


def grid25_modes() -> np.ndarray:
    return np.array([[x, y] for x in range(-2, 3) for y in range(-2, 3)], dtype=float)


def sample_mixture(modes, sigma, n, rng, active=None):
    """n points from the mixture, using only the first `active` modes (mode collapse when small)."""
    active = len(modes) if active is None else active
    index = rng.integers(0, active, size=n)
    return modes[index] + rng.normal(size=(n, 2)) * sigma


def assert_plain_json(result: dict) -> None:
    """No numpy scalars: every value is a Python int/float or a list of them, and json accepts it."""
    json.dumps(result)
    for key, value in result.items():
        if isinstance(value, list):
            assert all(type(item) in (int, float) for item in value), key
        else:
            assert type(value) in (int, float), (key, type(value))


# --------------------------------------------------------------------------------------------------
# mixtures
# --------------------------------------------------------------------------------------------------
def test_assign_modes_nearest_index_and_distance():
    modes = np.array([[0.0, 0.0], [10.0, 0.0]])
    samples = np.array([[1.0, 0.0], [9.0, 0.0], [10.0, 3.0], [4.9, 0.0]])
    nearest, distance = assign_modes(samples, modes)
    assert nearest.tolist() == [0, 1, 1, 0]
    np.testing.assert_allclose(distance, [1.0, 1.0, 3.0, 4.9])


def test_mixture_all_samples_on_modes():
    modes = ring8_modes()
    samples = np.repeat(modes, 10, axis=0)
    result = mixture_metrics(samples, modes, RING8_SIGMA)
    assert result["modes_covered"] == 8
    assert result["n_modes"] == 8
    assert result["high_quality_fraction"] == 1.0
    assert result["reverse_kl"] == pytest.approx(0.0, abs=1e-12)
    assert result["mode_counts"] == [10] * 8
    assert_plain_json(result)


def test_mixture_all_samples_on_one_mode():
    modes = grid25_modes()
    samples = np.repeat(modes[7:8], 100, axis=0)
    result = mixture_metrics(samples, modes, 0.05)
    assert result["modes_covered"] == 1
    assert result["high_quality_fraction"] == 1.0
    assert result["reverse_kl"] == pytest.approx(math.log(25), rel=1e-12)
    assert result["mode_counts"][7] == 100 and sum(result["mode_counts"]) == 100


def test_mixture_samples_far_away():
    modes = ring8_modes()
    samples = np.full((50, 2), 5.0)
    result = mixture_metrics(samples, modes, RING8_SIGMA)
    assert result["high_quality_fraction"] == 0.0
    assert result["modes_covered"] == 0
    assert result["mode_counts"] == [0] * 8
    # PacGAN's reverse KL has no high-quality sample to count: no number, and a reason (the JSON gets null)
    assert result["reverse_kl"] is None and "high quality" in result["reverse_kl_reason"]
    # the all-samples version still sees them all at one nearest mode
    assert result["reverse_kl_all"] == pytest.approx(math.log(8))


def test_mixture_three_sigma_boundary_is_inclusive():
    modes = np.array([[0.0, 0.0], [10.0, 0.0]])
    sigma = 0.5
    on_boundary = mixture_metrics(np.array([[1.5, 0.0]]), modes, sigma)
    just_outside = mixture_metrics(np.array([[0.0, 1.5 + 1e-6]]), modes, sigma)
    assert on_boundary["high_quality_fraction"] == 1.0 and on_boundary["modes_covered"] == 1
    assert just_outside["high_quality_fraction"] == 0.0 and just_outside["modes_covered"] == 0

    # ring8's real scale, radially outward from mode 0 where 1.03 - 1.0 rounds above 0.03
    ring = ring8_modes()
    at_3_sigma = mixture_metrics(np.array([[1.0 + 3 * RING8_SIGMA, 0.0]]), ring, RING8_SIGMA)
    beyond = mixture_metrics(np.array([[1.0 + 3.001 * RING8_SIGMA, 0.0]]), ring, RING8_SIGMA)
    assert at_3_sigma["high_quality_fraction"] == 1.0
    assert beyond["high_quality_fraction"] == 0.0


def test_mixture_min_count_rule_and_low_quality_samples():
    modes = ring8_modes()
    sigma = RING8_SIGMA
    samples = np.concatenate([
        np.repeat(modes[0:1], 5, axis=0),                      # 5 good samples on mode 0
        np.repeat(modes[1:2], 2, axis=0),                      # 2 on mode 1
        modes[2:3],                                            # 1 on mode 2
        np.repeat(modes[3:4] + [5 * sigma, 0.0], 4, axis=0),   # 4 near mode 3 but 5 sigma away
    ])
    expected_counts = [5, 2, 1, 0, 0, 0, 0, 0]
    for min_count, covered in [(1, 3), (2, 2), (3, 1), (6, 0)]:
        result = mixture_metrics(samples, modes, sigma, min_count=min_count)
        assert result["modes_covered"] == covered, min_count
        assert result["mode_counts"] == expected_counts
    result = mixture_metrics(samples, modes, sigma)
    assert result["high_quality_fraction"] == pytest.approx(8 / 12)
    # PacGAN's reverse KL: the histogram of the 8 high-quality samples only, normalised by their count
    p_hq = np.array([5, 2, 1, 0, 0, 0, 0, 0]) / 8
    support = p_hq > 0
    assert result["reverse_kl"] == pytest.approx(float(np.sum(p_hq[support] * np.log(p_hq[support] * 8))), rel=1e-12)
    # reverse_kl_all: the 4 low-quality samples count at their nearest mode too
    p_all = np.array([5, 2, 1, 4, 0, 0, 0, 0]) / 12
    support = p_all > 0
    expected_kl = float(np.sum(p_all[support] * np.log(p_all[support] * 8)))
    assert result["reverse_kl_all"] == pytest.approx(expected_kl, rel=1e-12)
    assert "reverse_kl_reason" not in result
    with pytest.raises(ValueError):
        mixture_metrics(samples, modes, sigma, min_count=0)


def test_mixture_accepts_torch_and_rejects_nan():
    modes = ring8_modes()
    samples = torch.tensor(np.repeat(modes, 3, axis=0), dtype=torch.float32, requires_grad=True)
    result = mixture_metrics(samples, torch.from_numpy(modes), RING8_SIGMA)
    assert result["modes_covered"] == 8 and result["high_quality_fraction"] == 1.0
    bad = np.repeat(modes, 3, axis=0)
    bad[4, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        mixture_metrics(bad, modes, RING8_SIGMA)
    with pytest.raises(ValueError):
        mixture_metrics(np.zeros((5, 3)), modes, RING8_SIGMA)


# --------------------------------------------------------------------------------------------------
# class histograms
# --------------------------------------------------------------------------------------------------
def test_class_metrics_uniform_predictions():
    labels = np.tile(np.arange(10), 30)
    result = class_metrics(labels, 10)
    assert result["modes_covered"] == 10 and result["n_modes"] == 10
    assert result["class_kl"] == pytest.approx(0.0, abs=1e-12)
    assert result["class_histogram"] == pytest.approx([0.1] * 10)
    assert sum(result["class_histogram"]) == pytest.approx(1.0)
    assert_plain_json(result)


def test_class_metrics_one_class_only():
    result = class_metrics(torch.full((64,), 3), 10)
    assert result["modes_covered"] == 1
    assert result["class_kl"] == pytest.approx(math.log(10), rel=1e-12)
    assert result["class_histogram"][3] == 1.0


def test_class_metrics_missing_class_and_real_histogram():
    labels = np.tile(np.arange(9), 10)  # class 9 never predicted
    result = class_metrics(labels, 10)
    assert result["modes_covered"] == 9
    assert result["class_histogram"][9] == 0.0
    # real histogram as counts or proportions gives the same KL
    real_counts = np.array([10, 10, 10, 10, 10, 10, 10, 10, 10, 0])
    from_counts = class_metrics(labels, 10, real_histogram=real_counts)
    from_props = class_metrics(labels, 10, real_histogram=real_counts / real_counts.sum())
    assert from_counts["class_kl"] == pytest.approx(from_props["class_kl"])
    # the generated histogram matches the real one on its support: only the eps smoothing remains
    assert 0.0 <= from_counts["class_kl"] < 1e-4
    # a generated sample in a class the real data lacks gives a large but finite KL
    unreal = class_metrics(np.array([9, 9, 9, 9]), 10, real_histogram=real_counts)
    assert math.isfinite(unreal["class_kl"]) and unreal["class_kl"] > 5.0


def test_class_metrics_min_count_and_validation():
    labels = np.array([0, 0, 0, 1, 1, 2])
    assert class_metrics(labels, 4, min_count=1)["modes_covered"] == 3
    assert class_metrics(labels, 4, min_count=2)["modes_covered"] == 2
    assert class_metrics(labels, 4, min_count=3)["modes_covered"] == 1
    with pytest.raises(ValueError):
        class_metrics(np.array([0, 4]), 4)
    with pytest.raises(ValueError):
        class_metrics(np.array([]), 4)
    with pytest.raises(ValueError):
        class_metrics(labels, 4, real_histogram=[1, 1, 1])


# --------------------------------------------------------------------------------------------------
# PRDC
# --------------------------------------------------------------------------------------------------
def brute_force_prdc(real, fake, k):
    """Naeem et al. 2020 straight from the definitions, float64 full matrices, strict '<'."""
    real = real.astype(np.float64)
    fake = fake.astype(np.float64)

    def pairwise(a, b):
        return np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(-1))

    real_real, fake_fake, real_fake = pairwise(real, real), pairwise(fake, fake), pairwise(real, fake)
    np.fill_diagonal(real_real, np.inf)
    np.fill_diagonal(fake_fake, np.inf)
    real_radii = np.sort(real_real, axis=1)[:, k - 1]
    fake_radii = np.sort(fake_fake, axis=1)[:, k - 1]
    inside_real = real_fake < real_radii[:, None]  # [i, j]: Y_j in B(X_i)
    inside_fake = real_fake < fake_radii[None, :]  # [i, j]: X_i in B(Y_j)
    return {
        "precision": inside_real.any(axis=0).mean(),
        "recall": inside_fake.any(axis=1).mean(),
        "density": inside_real.sum() / (k * fake.shape[0]),
        "coverage": inside_real.any(axis=1).mean(),
    }


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize("k", [1, 3, 5])
@pytest.mark.parametrize("block_elements", [1 << 20, 500])
def test_prdc_matches_brute_force(seed, k, block_elements, monkeypatch):
    # a tiny block forces several row blocks with a ragged last one
    monkeypatch.setattr(metrics, "_BLOCK_ELEMENTS", block_elements)
    rng = np.random.default_rng(seed)
    real = rng.normal(size=(83, 4))
    fake = rng.normal(size=(71, 4)) * rng.uniform(0.5, 1.5) + rng.uniform(-0.7, 0.7)
    expected = brute_force_prdc(real, fake, k)
    result = prdc(real, fake, k=k)
    assert set(result) == {"precision", "recall", "density", "coverage"}
    for key in expected:
        assert result[key] == pytest.approx(expected[key], abs=1e-12), key
    assert_plain_json(result)


def test_prdc_far_from_origin_matches_brute_force():
    # float32 ||x||^2 + ||y||^2 - 2xy loses the small distances far from the origin unless centred
    rng = np.random.default_rng(11)
    real = rng.normal(size=(83, 4))
    fake = rng.normal(size=(71, 4)) * 1.2 + 0.3
    expected = brute_force_prdc(real, fake, 3)
    result = prdc(real + 300.0, fake + 300.0, k=3)
    for key in expected:
        assert result[key] == pytest.approx(expected[key], abs=1e-12), key


def test_prdc_identical_sets():
    rng = np.random.default_rng(5)
    real = rng.normal(size=(300, 8))
    result = prdc(real, real.copy(), k=5)
    assert result["precision"] == 1.0
    assert result["recall"] == 1.0
    assert result["coverage"] == 1.0
    assert result["density"] == pytest.approx(1.0, abs=0.02)


def test_prdc_disjoint_far_apart_sets():
    rng = np.random.default_rng(6)
    real = rng.normal(size=(200, 8))
    fake = rng.normal(size=(150, 8)) + 100.0
    result = prdc(real, fake, k=5)
    assert result == {"precision": 0.0, "recall": 0.0, "density": 0.0, "coverage": 0.0}


def test_prdc_validation():
    rng = np.random.default_rng(7)
    with pytest.raises(ValueError):
        prdc(rng.normal(size=(5, 3)), rng.normal(size=(20, 3)), k=5)
    with pytest.raises(ValueError):
        prdc(rng.normal(size=(20, 3)), rng.normal(size=(20, 4)), k=2)


# --------------------------------------------------------------------------------------------------
# Frechet distance
# --------------------------------------------------------------------------------------------------
def test_fd_identical_sets_is_zero():
    rng = np.random.default_rng(0)
    features = rng.normal(size=(2000, 16)) @ rng.normal(size=(16, 16))
    assert frechet_distance(features, features.copy()) == pytest.approx(0.0, abs=1e-6)


def test_fd_shift_gives_squared_norm():
    rng = np.random.default_rng(1)
    features = rng.normal(size=(3000, 8)) @ rng.normal(size=(8, 8))
    shift = rng.normal(size=8)
    assert frechet_distance(features, features + shift) == pytest.approx(shift @ shift, rel=1e-6)


def test_fd_one_dimensional_hand_computed():
    rng = np.random.default_rng(2)
    a = rng.normal(1.0, 2.0, size=(500, 1))
    b = rng.normal(-0.5, 0.7, size=(400, 1))
    expected = (a.mean() - b.mean()) ** 2 + (a.std(ddof=1) - b.std(ddof=1)) ** 2
    assert frechet_distance(a, b) == pytest.approx(expected, rel=1e-9)
    # population values: (1.5)^2 + (1.3)^2 = 3.94, within sampling error
    assert frechet_distance(a, b) == pytest.approx(3.94, rel=0.15)


def test_fd_matches_symmetric_eigenvalue_formula():
    # tr sqrt(S1 S2) = sum sqrt(eig(sqrt(S1) S2 sqrt(S1))): an independent route to the same number
    rng = np.random.default_rng(4)
    real = rng.normal(size=(1500, 6)) @ rng.normal(size=(6, 6))
    fake = rng.normal(size=(1200, 6)) @ rng.normal(size=(6, 6)) + rng.normal(size=6)
    s1, s2 = np.cov(real, rowvar=False), np.cov(fake, rowvar=False)
    values, vectors = np.linalg.eigh(s1)
    root1 = (vectors * np.sqrt(values)) @ vectors.T
    trace_sqrt = np.sqrt(np.clip(np.linalg.eigvalsh(root1 @ s2 @ root1), 0, None)).sum()
    mean_diff = real.mean(0) - fake.mean(0)
    expected = mean_diff @ mean_diff + np.trace(s1) + np.trace(s2) - 2 * trace_sqrt
    assert frechet_distance(real, fake) == pytest.approx(expected, rel=1e-8)


def test_fd_falls_back_when_sqrtm_is_unusable(monkeypatch):
    rng = np.random.default_rng(5)
    real = rng.normal(size=(500, 5)) @ rng.normal(size=(5, 5))
    fake = rng.normal(size=(400, 5)) @ rng.normal(size=(5, 5))
    expected = frechet_distance(real, fake)
    # a sqrtm result with a large imaginary diagonal must not be trusted
    monkeypatch.setattr(metrics.scipy.linalg, "sqrtm", lambda a: np.eye(len(a)) * (1 + 1j))
    assert frechet_distance(real, fake) == pytest.approx(expected, rel=1e-8)


def test_fd_singular_covariance_is_finite():
    rng = np.random.default_rng(3)
    real = np.concatenate([rng.normal(size=(200, 4)), np.zeros((200, 2))], axis=1)
    fake = np.concatenate([rng.normal(size=(200, 4)) + 1.0, np.zeros((200, 2))], axis=1)
    value = frechet_distance(real, fake)
    assert math.isfinite(value) and value == pytest.approx(4.0, rel=0.3)


# --------------------------------------------------------------------------------------------------
# KID
# --------------------------------------------------------------------------------------------------
def brute_force_unbiased_mmd2(x, y):
    d = x.shape[1]
    m = x.shape[0]

    def kernel(a, b):
        return (float(np.dot(a, b)) / d + 1.0) ** 3

    xx = sum(kernel(x[i], x[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    yy = sum(kernel(y[i], y[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    xy = sum(kernel(x[i], y[j]) for i in range(m) for j in range(m)) / (m * m)
    return xx + yy - 2.0 * xy


def test_kid_matches_brute_force_on_tiny_set():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(7, 3))
    y = rng.normal(size=(7, 3)) + 0.5
    # one subset of all 7 points: a permutation, to which the estimate is invariant
    result = kid(x, y, n_subsets=1, subset_size=7)
    assert result["mean"] == pytest.approx(brute_force_unbiased_mmd2(x, y), rel=1e-10)
    assert result["std"] == 0.0
    # subset_size is capped at the smaller set
    assert kid(x, y, n_subsets=1, subset_size=1000)["mean"] == pytest.approx(result["mean"])
    assert_plain_json(result)


def test_kid_same_distribution_near_zero_shifted_positive():
    rng = np.random.default_rng(1)
    real = rng.normal(size=(2000, 16))
    same = rng.normal(size=(2000, 16))
    shifted = rng.normal(size=(2000, 16)) + 0.5
    near_zero = kid(real, same, n_subsets=10, subset_size=500, seed=0)
    positive = kid(real, shifted, n_subsets=10, subset_size=500, seed=0)
    assert abs(near_zero["mean"]) < 0.01
    assert positive["mean"] > 0.1
    assert positive["mean"] > 10 * abs(near_zero["mean"]) + 5 * positive["std"] / math.sqrt(10)
    # seeded: the same call gives the same numbers
    assert kid(real, shifted, n_subsets=10, subset_size=500, seed=0) == positive


# --------------------------------------------------------------------------------------------------
# NDB / JSD
# --------------------------------------------------------------------------------------------------
def gaussian_blobs(n, rng, shift=0.0):
    centres = np.array([[0, 0, 0, 0], [4, 0, 0, 0], [0, 4, 0, 0], [0, 0, 4, 0]], dtype=float)
    return centres[rng.integers(0, 4, size=n)] + rng.normal(size=(n, 4)) + shift


def test_ndb_jsd_same_distribution():
    rng = np.random.default_rng(0)
    real, fake = gaussian_blobs(3000, rng), gaussian_blobs(3000, rng)
    result = ndb_jsd(real, fake, n_bins=20, seed=0)
    assert result["ndb_k"] <= 0.25
    assert result["ndb"] == round(result["ndb_k"] * 20)
    assert result["jsd"] < 0.01
    assert_plain_json(result)
    exact_copy = ndb_jsd(real, real.copy(), n_bins=20, seed=0)
    assert exact_copy["ndb"] == 0 and exact_copy["jsd"] == pytest.approx(0.0, abs=1e-15)


def test_ndb_jsd_shifted_distribution():
    rng = np.random.default_rng(1)
    real, fake = gaussian_blobs(3000, rng), gaussian_blobs(3000, rng, shift=1.5)
    result = ndb_jsd(real, fake, n_bins=20, seed=0)
    assert result["ndb_k"] >= 0.5
    assert result["jsd"] > 0.1
    assert result["jsd"] <= math.log(2)


def test_ndb_two_proportion_z_test_by_hand():
    # two far-apart blobs of 500 real samples each: 2-means gives one bin per blob
    rng = np.random.default_rng(4)
    blob_a, blob_b = rng.normal(size=(900, 3)), rng.normal(size=(900, 3)) + 50.0
    real = np.concatenate([blob_a[:500], blob_b[:500]])

    def p_value(fake_in_a, n_fake=400, n_real=1000):
        pooled = (0.5 * n_real + fake_in_a) / (n_real + n_fake)
        se = math.sqrt(pooled * (1 - pooled) * (1 / n_real + 1 / n_fake))
        return 2 * (1 - 0.5 * (1 + math.erf(abs(0.5 - fake_in_a / n_fake) / se / math.sqrt(2))))

    for fake_in_a in (210, 230):
        fake = np.concatenate([blob_a[500:500 + fake_in_a], blob_b[500:900 - fake_in_a]])
        for alpha in (0.05, 0.01):
            expected = 2 if p_value(fake_in_a) < alpha else 0
            assert ndb_jsd(real, fake, n_bins=2, alpha=alpha)["ndb"] == expected, (fake_in_a, alpha)
    # the cases above straddle the thresholds: 230 differs at 0.05 but not at 0.01, 210 at neither
    assert 0.01 < p_value(230) < 0.05 and p_value(210) > 0.05


def test_jsd_bounded_by_ln2():
    rng = np.random.default_rng(2)
    real = gaussian_blobs(2000, rng)
    collapsed = np.repeat(real[:1], 500, axis=0)  # every fake sample in one bin
    far = real[:500] + 1000.0
    for fake in (collapsed, far):
        result = ndb_jsd(real, fake, n_bins=10, seed=0)
        assert 0.3 < result["jsd"] <= math.log(2) + 1e-12
        assert result["ndb"] >= 9


def test_jsd_hand_computed_on_two_obvious_bins():
    # two far-apart blobs: 2-means puts one bin on each, so the bin histograms are known exactly
    rng = np.random.default_rng(3)
    real = np.concatenate([rng.normal(size=(600, 3)), rng.normal(size=(400, 3)) + 50.0])
    fake = rng.normal(size=(300, 3))  # every fake sample in the first blob
    p, q = np.array([0.6, 0.4]), np.array([1.0, 0.0])
    m = (p + q) / 2
    expected = 0.5 * np.sum(p * np.log(p / m)) + 0.5 * q[0] * np.log(q[0] / m[0])
    result = ndb_jsd(real, fake, n_bins=2, seed=0)
    assert result["jsd"] == pytest.approx(expected, rel=1e-12)
    assert result["ndb"] == 2 and result["ndb_k"] == 1.0
    # disjoint histograms reach the upper bound ln 2 (real bins always hold real samples, so check
    # the helper directly)
    assert metrics._jensen_shannon(np.array([0.5, 0.5, 0.0]), np.array([0.0, 0.0, 1.0])) == \
        pytest.approx(math.log(2), rel=1e-12)


# --------------------------------------------------------------------------------------------------
# diversity
# --------------------------------------------------------------------------------------------------
def test_diversity_exact_small_case():
    # pairwise distances 3, 4, 5
    assert diversity(np.array([[0.0, 0.0], [3.0, 0.0], [0.0, 4.0]])) == pytest.approx(4.0)


def test_diversity_drops_when_samples_repeat():
    rng = np.random.default_rng(0)
    spread = rng.normal(size=(1000, 16))
    collapsed = np.repeat(spread[:10], 100, axis=0)  # 10 distinct samples, each repeated
    assert diversity(collapsed) < 0.95 * diversity(spread)
    assert diversity(np.repeat(spread[:1], 50, axis=0)) == 0.0


def test_diversity_sampled_pairs_never_pair_a_sample_with_itself():
    # every two distinct one-hot vectors are sqrt(2) apart; a self-pair would pull the mean down
    one_hot = np.eye(50)
    assert diversity(one_hot, max_pairs=100, seed=0) == pytest.approx(math.sqrt(2), rel=1e-12)


def test_diversity_subsampled_pairs_are_seeded_and_close():
    rng = np.random.default_rng(1)
    features = rng.normal(size=(2000, 8))
    exact = diversity(features, max_pairs=10**7)
    sampled = diversity(features, max_pairs=20_000, seed=3)
    assert sampled == diversity(features, max_pairs=20_000, seed=3)
    assert sampled == pytest.approx(exact, rel=0.02)


# --------------------------------------------------------------------------------------------------
# all metrics, direction, metadata
# --------------------------------------------------------------------------------------------------
def test_all_feature_metrics_keys_and_types():
    rng = np.random.default_rng(0)
    real = rng.normal(size=(400, 8)).astype(np.float32)
    fake = torch.from_numpy(rng.normal(size=(300, 8)).astype(np.float32) + 0.3)
    result = all_feature_metrics(real, fake, k=5, seed=0)
    assert set(result) == {"precision", "recall", "density", "coverage", "fd", "kid", "kid_std",
                           "ndb", "ndb_k", "jsd", "diversity", "diversity_real"}
    assert result["diversity_real"] == diversity(real, seed=0)  # the yardstick the comparison shows
    assert_plain_json(result)
    assert type(result["ndb"]) is int
    assert result == all_feature_metrics(real, fake, k=5, seed=0)


def test_direction_as_a_generator_collapses():
    """A seeded toy generator that uses fewer and fewer ring8 modes: every metric must notice."""
    rng = np.random.default_rng(0)
    modes = ring8_modes()
    real = sample_mixture(modes, RING8_SIGMA, 800, rng)
    history = []
    for active in [8, 6, 4, 2, 1]:
        fake = sample_mixture(modes, RING8_SIGMA, 800, rng, active=active)
        history.append({**mixture_metrics(fake, modes, RING8_SIGMA), **prdc(real, fake, k=5)})
    covered = [h["modes_covered"] for h in history]
    reverse_kl = [h["reverse_kl"] for h in history]
    recall = [h["recall"] for h in history]
    coverage = [h["coverage"] for h in history]
    assert covered == sorted(covered, reverse=True) and covered[0] == 8 and covered[-1] == 1
    assert all(a < b for a, b in zip(reverse_kl, reverse_kl[1:])), reverse_kl
    assert all(a > b for a, b in zip(recall, recall[1:])), recall
    assert all(a > b for a, b in zip(coverage, coverage[1:])), coverage
    # what a quality-only number misses: every collapsed sample is still a good one
    assert all(h["high_quality_fraction"] > 0.95 for h in history)


def test_metric_info_entries():
    expected = {"modes_covered", "high_quality_fraction", "reverse_kl", "reverse_kl_all", "class_kl", "precision",
                "recall", "density", "coverage", "fd", "kid", "ndb_k", "jsd", "diversity", "kl", "js", "sample_ms"}
    assert set(METRIC_INFO) == expected
    for key, info in METRIC_INFO.items():
        assert set(info) == {"label_en", "label_zh", "better", "explain_en", "explain_zh"}, key
        assert info["better"] in {"higher", "lower", "closest"}, key
        assert all(isinstance(info[field], str) and info[field] for field in info), key
        assert any("\u4e00" <= char <= "\u9fff" for char in info["label_zh"] + info["explain_zh"]), key
    # the features depend on the data (on 2-D points the label said "classifier features" over a caption saying
    # "2-D coordinates"): the labels name no feature space, the explanation names them all, and it is not FID
    for key in ("fd", "kid"):
        assert "classifier" not in METRIC_INFO[key]["label_en"].lower() and "分类器" not in METRIC_INFO[key]["label_zh"]
    assert all(word in METRIC_INFO["fd"]["explain_en"] for word in ("classifier", "raw pixels", "coordinates"))
    assert "inception" not in METRIC_INFO["fd"]["label_en"].lower() and "not Inception FID" in METRIC_INFO["fd"]["explain_en"]
    lower_is_better = {"reverse_kl", "reverse_kl_all", "class_kl", "fd", "kid", "ndb_k", "jsd", "kl", "js", "sample_ms"}
    assert {key for key, info in METRIC_INFO.items() if info["better"] == "lower"} == lower_is_better
    # diversity: more than the real data has is noise, not a virtue
    assert {key for key, info in METRIC_INFO.items() if info["better"] == "closest"} == {"diversity"}


def test_metrics_module_does_not_import_streamlit():
    code = "import sys, gan_core.evaluation.metrics; assert 'streamlit' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=str(
        __import__("pathlib").Path(__file__).resolve().parents[1]))


def test_the_shipped_classifiers_are_the_ones_used(monkeypatch):
    """The judges ship in checkpoints/classifiers; finding them must not depend on where the module sits (after
    the move to gan_core/evaluation/ it looked in gan_core/checkpoints/ and silently trained a new one)."""
    from gan_core.evaluation import classifier

    monkeypatch.setattr(classifier, "_CACHE", {})
    monkeypatch.setattr(classifier, "train_classifier", lambda *a, **k: pytest.fail("trained instead of loaded"))
    for dataset in ("digits", "shapes"):
        assert classifier.classifier_path(dataset, 16).is_file()
        assert classifier.get_classifier(dataset, 16) is not None
    assert classifier.classifier_path("mnist5k", 28).is_file()
    assert classifier.get_classifier("mnist5k", 28) is not None


def test_one_mnist_judge_for_the_5k_and_for_local_mnist_files(monkeypatch):
    """mnist (the user's files) is scored by the classifier trained on mnist5k, so no --data-root is needed to score
    it; its accuracy on the held-out fifth of the 5,000 digits ships with it."""
    from gan_core.data import load_dataset
    from gan_core.evaluation import classifier

    monkeypatch.setattr(classifier, "_CACHE", {})
    monkeypatch.setattr(classifier, "train_classifier", lambda *a, **k: pytest.fail("trained instead of loaded"))
    judge = classifier.get_classifier("mnist5k", 28)
    assert classifier.get_classifier("mnist", 28, data_root="/nowhere") is judge
    assert judge.accuracy >= 0.95 and judge.feature_name == "mnist5k-classifier features"
    digits = load_dataset("mnist5k", image_size=28)
    picked = torch.arange(0, 5000, 50)  # 10 of each digit (the file is sorted by class)
    assert (judge.predict(digits.data[picked]) == digits.labels[picked]).float().mean() >= 0.9
    assert judge.features(digits.data[picked]).shape == (100, 64)
    stacked = load_dataset("stacked-mnist", image_size=28, n_points=200, seed=0)
    per_channel = classifier.get_classifier("stacked-mnist", 28)
    assert per_channel.per_channel and per_channel.feature_name == "mnist5k-classifier features"
    assert (per_channel.predict(stacked.data) == stacked.labels).float().mean() >= 0.85  # all three digits right


def test_one_pass_of_the_judge_gives_its_labels_and_its_features():
    """Scoring samples reads labels and features from one pass of the classifier (it used to run it twice); both
    must be what the network itself says, for a plain judge and for the per-channel stacked one."""
    from gan_core.data import load_dataset
    from gan_core.evaluation import classifier

    for dataset, size in (("digits", 16), ("stacked-digits", 16)):
        judge = classifier.get_classifier(dataset, size)
        images = load_dataset(dataset, image_size=size, n_points=300, seed=0).data[:300]
        labels, features = judge.predict_and_features(images)
        with torch.no_grad():
            if judge.per_channel:  # each colour channel is one digit: hundreds, tens, ones
                digits = judge.net(images.reshape(900, 1, size, size)).argmax(1).reshape(300, 3)
                expected = digits[:, 0] * 100 + digits[:, 1] * 10 + digits[:, 2]
                expected_features = judge.net.features(images.reshape(900, 1, size, size)).reshape(300, -1)
            else:
                expected = judge.net(images).argmax(1)
                expected_features = judge.net.features(images)
        assert torch.equal(labels, expected) and torch.equal(labels, judge.predict(images))
        assert torch.allclose(features, expected_features) and torch.equal(features, judge.features(images))
        assert features.shape == (300, 192 if judge.per_channel else 64)


def test_the_judge_runs_in_channels_last_on_the_cpu_with_the_same_numbers(tmp_path):
    """On a CPU the classifier's convolutions run in channels_last (about 1.9x faster through oneDNN): its labels
    and features must be what the same weights give in the default layout, and a saved judge keeps plain
    contiguous weights, so the file does not depend on the layout the judge ran in."""
    import copy

    from gan_core.data import load_dataset
    from gan_core.evaluation import classifier

    judge = classifier.get_classifier("digits", 16)
    assert all(p.is_contiguous(memory_format=torch.channels_last) for p in judge.net.parameters() if p.dim() == 4)
    images = load_dataset("digits", image_size=16, n_points=500, seed=1).data[:500]
    labels, features = judge.predict_and_features(images)
    plain = copy.deepcopy(judge.net).to(memory_format=torch.contiguous_format)
    with torch.no_grad():
        expected_features = plain.features(images.contiguous())
        logits = plain.head(expected_features)
    top_two = logits.topk(2, dim=1).values
    clear = top_two[:, 0] - top_two[:, 1] > 1e-3  # a near-tie may fall either way on float rounding
    assert clear.sum() > 450 and torch.equal(labels[clear], logits.argmax(1)[clear])
    assert torch.allclose(features, expected_features, rtol=1e-4, atol=1e-4)
    path = tmp_path / "judge.pt"
    classifier.save_classifier(judge, path)
    state = torch.load(path, weights_only=True)["state"]
    assert all(value.is_contiguous() for value in state.values())
    reloaded = classifier.load_classifier(path)
    assert torch.equal(reloaded.predict_and_features(images)[0], labels)


def test_classes_covered_counts_a_class_named_once_as_its_explanation_says():
    """"Classes covered 10 of 10" beside blurry blobs: on digits a class counts when the judge's best guess names it
    for one sample, however unsure. The explanation said "at least one good sample"; it now says this."""
    lopsided = np.concatenate([np.arange(10), np.zeros(990, dtype=int)])
    result = class_metrics(lopsided, 10)
    assert result["modes_covered"] == 10 and result["class_kl"] > 1.5  # all ten "covered", one class has 99 %
    words = METRIC_INFO["modes_covered"]
    assert "however blurry" in words["explain_en"] and "class KL" in words["explain_en"]
    assert "类别 KL" in words["explain_zh"]
