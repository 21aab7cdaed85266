"""gan_core's 2-D KL/JS estimate, the memorisation check, G's manifold in each 2-D snapshot, and
KL/JS recorded for 2-D data without modes. Tiny models, fixed seeds; the file runs in a few seconds."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from gan_core.config import TrainConfig
from gan_core.data import Dataset, load_dataset
from gan_core.evaluation.evaluate import quick_metrics
from gan_core.images import make_grid
from gan_core.latents import plane_grid_lines
from gan_core.evaluation.memorisation import build_index, grid_capacity, nearest_training_images, tiles_from_grid
from gan_core.evaluation.metrics import density_divergence
from gan_core.snapshots import MANIFOLD_EXTENT, MANIFOLD_LINES, MANIFOLD_POINTS
from gan_core.training import Trainer

LN2 = math.log(2.0)


# -- density_divergence ----------------------------------------------------------------------------------
def test_identical_clouds_are_zero_and_two_draws_of_one_distribution_are_close_to_zero():
    rng = np.random.default_rng(0)
    cloud = rng.normal(size=(2000, 2))
    assert density_divergence(cloud, cloud) == {"kl": 0.0, "js": 0.0}
    other = rng.normal(size=(2000, 2))  # the same distribution, other samples: only sampling noise remains
    values = density_divergence(cloud, other)
    assert 0.0 < values["kl"] < 0.05 and 0.0 < values["js"] < 0.01, values


def test_disjoint_clouds_saturate_js_at_ln2_and_kl_stays_finite():
    rng = np.random.default_rng(1)
    real = rng.normal(scale=0.1, size=(1000, 2))
    fake = rng.normal(scale=0.1, size=(1000, 2)) + [3.0, 0.0]
    near = density_divergence(real, fake, bounds=(-1, 4, -2, 2))
    far = density_divergence(real, fake + [30.0, 0.0], bounds=(-1, 40, -2, 2))
    assert near["js"] == pytest.approx(LN2, abs=1e-3)
    assert far["js"] == pytest.approx(LN2, abs=1e-3)  # however far apart: the same ln 2, no gradient to follow
    assert 5.0 < near["kl"] < 30.0 and math.isfinite(far["kl"])  # the floor keeps KL finite


def test_points_outside_the_bounds_still_count_against_the_generator():
    rng = np.random.default_rng(2)
    real = rng.normal(size=(1000, 2))
    thrown_away = rng.normal(size=(1000, 2)) + [100.0, 100.0]  # far outside the default bounds
    assert density_divergence(real, thrown_away)["js"] > 0.9 * LN2


def _numeric_js(mean_shift: float, bounds, cells: int = 600) -> float:
    """JS between N(0, I) and N((shift, 0), I) by summing both densities on a fine grid (no samples, no blur)."""
    x0, x1, y0, y1 = bounds
    xs, ys = np.linspace(x0, x1, cells), np.linspace(y0, y1, cells)
    gx, gy = np.meshgrid(xs, ys)
    p = np.exp(-0.5 * (gx ** 2 + gy ** 2))
    q = np.exp(-0.5 * ((gx - mean_shift) ** 2 + gy ** 2))
    p, q = p / p.sum(), q / q.sum()
    m = 0.5 * (p + q)
    return float(0.5 * np.sum(p * np.log(p / m)) + 0.5 * np.sum(q * np.log(q / m)))


def test_a_shifted_gaussian_matches_the_analytic_kl_and_the_numeric_js():
    rng = np.random.default_rng(3)
    shift, bounds = 1.0, (-5.0, 6.0, -5.0, 5.0)
    real = rng.normal(size=(40_000, 2))
    fake = rng.normal(size=(40_000, 2)) + [shift, 0.0]
    values = density_divergence(real, fake, bounds=bounds, bins=64)
    # KL(N(0, I) || N(m, I)) = |m|^2 / 2; the one-cell blur and binning bias it by a few percent at most
    assert values["kl"] == pytest.approx(shift ** 2 / 2, rel=0.08)
    assert values["js"] == pytest.approx(_numeric_js(shift, bounds), rel=0.08)
    bigger = density_divergence(real, rng.normal(size=(40_000, 2)) + [2.0, 0.0], bounds=bounds, bins=64)
    assert bigger["kl"] == pytest.approx(2.0, rel=0.08) and bigger["js"] > values["js"]


@pytest.mark.parametrize("real,fake,kwargs,words", [
    (np.zeros((10, 3)), np.zeros((10, 3)), {}, "2-D points"),
    (np.zeros((10, 2)), np.full((10, 2), np.nan), {}, "NaN"),
    (np.zeros((10, 2)), np.zeros((10, 2)), {"bounds": (1, 0, 0, 1)}, "x0 < x1"),
    (np.zeros((10, 2)), np.zeros((10, 2)), {"bins": 1}, "bins"),
])
def test_bad_inputs_are_one_sentence(real, fake, kwargs, words):
    with pytest.raises(ValueError, match=words):
        density_divergence(real, fake, **kwargs)


# -- memorisation ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def digits():
    return load_dataset("digits", image_size=16)


@pytest.fixture(scope="module")
def classifier_index(digits):
    return build_index(digits, "classifier")


def test_a_training_image_finds_itself_in_classifier_space(digits, classifier_index):
    chosen = [5, 321, 1500]
    result = nearest_training_images(digits.data[chosen], digits, k=3, index=classifier_index)
    assert result["feature"] == "classifier" and not result["fell_back"]
    assert "classifier" in result["feature_space"]
    assert result["indices"].shape == (3, 3) and result["distances"].shape == (3, 3)
    assert result["indices"][:, 0].tolist() == chosen
    assert np.all(result["distances"][:, 0] < 1e-3 * result["typical_distance"])
    assert np.all(np.diff(result["distances"], axis=1) >= 0)  # nearest first
    assert result["ratio"] < 0.01  # copies: far below the real images' typical distance


def test_pixels_find_the_same_copies_and_noise_is_far_from_everything(digits, classifier_index):
    copies = nearest_training_images(digits.data[[7, 8]], digits, k=2, feature="pixels")
    assert copies["feature"] == "pixels" and copies["feature_space"] == "raw pixels"
    assert copies["indices"][:, 0].tolist() == [7, 8] and np.all(copies["distances"][:, 0] == 0.0)
    noise = torch.rand(6, *digits.sample_shape, generator=torch.Generator().manual_seed(0)) * 2 - 1
    far = nearest_training_images(noise, digits, k=1, index=classifier_index)
    assert far["ratio"] > 1.5  # nothing like a training digit
    assert np.all(far["closer_than_real"] < 0.05)


def test_mnist_copies_are_caught_and_the_vae_demo_draws_new_digits():
    """On the 5,000 MNIST digits, with the 28x28 classifier's features: training images handed back as samples sit
    at ratio 0 (memorisation), while the mnist-vae demo's samples are as far from the training set as real digits."""
    from pathlib import Path

    from gan_core.latents import LatentModel

    digits = load_dataset("mnist5k", image_size=28)
    index = build_index(digits)
    assert index.feature_space == "mnist5k-classifier features"
    copies = nearest_training_images(digits.data[::250], digits, index=index)
    assert copies["ratio"] == 0 and (copies["indices"][:, 0] == np.arange(0, 5000, 250)).all()
    demo = Path(__file__).resolve().parent.parent / "checkpoints" / "mnist-vae.pt"
    samples = LatentModel.load(demo).sample(40, seed=0)
    fresh = nearest_training_images(samples, digits, index=index)
    assert fresh["ratio"] > 0.5  # COPY_RATIO: not copying


def test_data_without_a_classifier_falls_back_to_pixels_and_says_so():
    pictures = torch.rand(40, 1, 8, 8, generator=torch.Generator().manual_seed(1)) * 2 - 1
    unlabelled = Dataset("folder:my-drawings", "image", pictures, None, [], None, None, "40 drawings")
    result = nearest_training_images(pictures[[3]], unlabelled, k=2, feature="classifier")
    assert result["feature"] == "pixels" and result["fell_back"] and result["feature_space"] == "raw pixels"
    assert result["indices"][0, 0] == 3 and result["distances"][0, 0] == 0.0
    with pytest.raises(ValueError, match="shape"):
        nearest_training_images(torch.zeros(2, 1, 16, 16), unlabelled)
    with pytest.raises(ValueError, match="2-D points"):
        nearest_training_images(torch.zeros(2, 2), load_dataset("ring8", n_points=100))


def test_samples_cut_back_out_of_a_snapshot_grid(digits, classifier_index):
    grid = make_grid(digits.data[:64], nrow=8)  # what Trainer.take_snapshot stores for an image run
    assert grid_capacity(grid, 16) == 64
    tiles = tiles_from_grid(grid, 10, 1, 16)
    assert tiles.shape == (10, 1, 16, 16)
    assert float((tiles - digits.data[:10]).abs().max()) <= 1.0 / 127.5  # 8-bit rounding only
    result = nearest_training_images(tiles, digits, k=1, index=classifier_index)
    assert result["indices"][:, 0].tolist() == list(range(10))
    with pytest.raises(ValueError, match="does not hold"):
        tiles_from_grid(grid, 65, 1, 16)


# -- the manifold in each 2-D snapshot -------------------------------------------------------------------
def tiny_trainer(latent_dim: int = 2, **overrides) -> Trainer:
    config = TrainConfig(dataset="ring8", model="gan", latent_dim=latent_dim, hidden=16, depth=2, batch_size=32,
                         steps=20, sample_every=5, metrics_every=0, seed=3, n_points=1000, **overrides)
    return Trainer(config, device="cpu")


def test_manifold_is_g_of_a_flat_latent_grid_and_moves_with_g():
    trainer = tiny_trainer()
    trainer.step()  # step 1 takes a snapshot
    manifold = trainer.snapshots[-1]["manifold"]
    assert manifold.dtype == np.float32 and manifold.shape == (2 * MANIFOLD_LINES, MANIFOLD_POINTS, 2)
    assert np.isfinite(manifold).all()
    lines = plane_grid_lines(2, MANIFOLD_EXTENT, MANIFOLD_LINES, MANIFOLD_POINTS)  # (22, 41, 2) straight lines
    expected = trainer.generate(lines.reshape(-1, 2)).numpy().reshape(manifold.shape)
    np.testing.assert_allclose(manifold, expected, atol=1e-5)
    assert not np.allclose(manifold, lines.numpy(), atol=1e-2)  # G bends the grid

    with torch.no_grad():  # change G's weights: the warped grid must follow
        for parameter in trainer.generator.parameters():
            parameter.add_(0.3 * torch.randn(parameter.shape, generator=torch.Generator().manual_seed(0)))
    moved = trainer.take_snapshot()["manifold"]
    assert np.abs(moved - manifold).max() > 0.05
    for _ in range(4):  # and so does training
        trainer.step()
    assert trainer.snapshots[-1]["step"] == 5
    assert np.abs(trainer.snapshots[-1]["manifold"] - moved).max() > 1e-4


@pytest.mark.parametrize("latent_dim,shape", [(5, (2 * MANIFOLD_LINES, MANIFOLD_POINTS, 2)),
                                               (1, (1, MANIFOLD_POINTS, 2))])
def test_manifold_for_other_latent_sizes(latent_dim, shape):
    trainer = tiny_trainer(latent_dim)
    manifold = trainer.take_snapshot()["manifold"]
    assert manifold.shape == shape and np.isfinite(manifold).all()
    if latent_dim > 2:  # the plane of z1, z2 through 0: the centre line of z1 = 0 passes through G(0)
        centre = trainer.generate(torch.zeros(1, latent_dim)).numpy()[0]
        np.testing.assert_allclose(manifold[MANIFOLD_LINES // 2, MANIFOLD_POINTS // 2], centre, atol=1e-5)


def test_manifold_survives_a_checkpoint_round_trip():
    trainer = tiny_trainer()
    trainer.step()
    state = trainer.state_dict()
    again = tiny_trainer()
    again.load_state_dict(state)
    np.testing.assert_array_equal(again.snapshots[-1]["manifold"], trainer.snapshots[-1]["manifold"])


# -- KL / JS recorded during training --------------------------------------------------------------------
def _drawn_letter() -> Dataset:
    """An 'L' drawn by a student: points along two strokes, no modes, no sigma."""
    rng = np.random.default_rng(4)
    down = np.stack([np.full(300, -0.5), np.linspace(1.0, -1.0, 300)], axis=1)
    across = np.stack([np.linspace(-0.5, 0.8, 200), np.full(200, -1.0)], axis=1)
    points = np.concatenate([down, across]) + rng.normal(scale=0.03, size=(500, 2))
    return Dataset("drawn", "points", torch.as_tensor(points, dtype=torch.float32), None, [], None, None, "an L")


def test_quick_metrics_give_kl_and_js_for_drawn_data_without_modes():
    data = _drawn_letter()
    config = TrainConfig(dataset="ring8", model="gan", latent_dim=2, hidden=16, depth=2, batch_size=32, steps=10,
                         sample_every=5, metrics_every=5, seed=3, n_points=1000)
    trainer = Trainer(config, dataset=data, device="cpu", metrics_fn=quick_metrics)
    values = quick_metrics(trainer)
    assert set(values) == {"kl", "js"}, values  # no modes: no mode metrics, but the densities still compare
    assert 0.0 < values["js"] <= LN2 and values["kl"] > 0.0
    for _ in range(10):
        trainer.step()
    recorded = trainer.metrics
    assert recorded["steps"] == [5, 10] and len(recorded["values"]["js"]) == 2
    assert all(math.isfinite(v) for v in recorded["values"]["kl"])


def test_quick_metrics_on_a_mixture_keep_the_mode_metrics_and_add_kl_js():
    trainer = tiny_trainer()
    values = quick_metrics(trainer)
    assert {"modes_covered", "high_quality_fraction", "reverse_kl_all", "kl", "js"} <= set(values)
    # an untrained G is nowhere near the ring: the densities barely overlap
    assert values["js"] > 0.3
