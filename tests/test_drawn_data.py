"""The student's own 2-D points (drawn or from a CSV file) and what their checkpoints carry.

Each bad input gets its own case: the loader must answer with one readable DataError sentence, never a
traceback. The checkpoint tests train tiny runs for a few steps and check that a drawn run resumes exactly.
"""
from __future__ import annotations

import io
import math
import zipfile

import numpy as np
import pytest
import torch
from PIL import Image

from gan_core import data as data_module
from gan_core.checkpoints import CheckpointError, load_checkpoint, save_checkpoint, trainer_payload
from gan_core.evaluation.classifier import get_classifier
from gan_core.evaluation.compare import evaluate_run
from gan_core.config import TrainConfig
from gan_core.data import (JITTER_MAX_SHARE, JITTER_MIN_SHARE, MAX_DRAWN_POINTS, DataError, is_server_path,
                           load_dataset, load_folder_dataset, load_points_csv, points_dataset)
from gan_core.evaluation.evaluate import quick_metrics
from gan_core.latents import LatentModel
from gan_core.training import Trainer, checkpoint_dataset


def circle(n: int = 40, radius: float = 1.5) -> np.ndarray:
    angle = np.linspace(0, 2 * np.pi, n, endpoint=False)
    return np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)  # (n, 2)


# -- points_dataset ---------------------------------------------------------------------------------------
def test_points_dataset_keeps_the_points_and_makes_a_smooth_pool():
    drawn = circle(40)
    dataset = points_dataset(drawn, name="drawn", n_points=5000, seed=1)
    assert dataset.name == "points:drawn" and dataset.kind == "points" and dataset.is_points
    assert dataset.data.shape == (5000, 2) and dataset.data.dtype == torch.float32
    assert dataset.labels is None and dataset.modes is None and dataset.class_names == []
    np.testing.assert_allclose(dataset.extra["drawn_points"], drawn)  # the user's coordinates, unscaled
    assert dataset.extra["bounds"] == pytest.approx([-1.5, 1.5, -1.5, 1.5], abs=1e-9)
    # the documented jitter: half the neighbour spacing (2*pi*1.5/40 ~ 0.236), inside the allowed band
    jitter = dataset.extra["jitter"]
    assert jitter == pytest.approx(0.5 * 2 * 1.5 * math.sin(math.pi / 40), rel=1e-6)
    assert JITTER_MIN_SHARE * 3.0 <= jitter <= JITTER_MAX_SHARE * 3.0
    # every sample sits near a drawn point, spread with about that standard deviation
    pool = dataset.data.numpy().astype(np.float64)
    offsets = pool[:, None, :] - drawn[None, :, :]
    nearest = np.linalg.norm(offsets, axis=2).min(axis=1)
    assert nearest.max() < 6 * jitter
    radius = np.linalg.norm(pool, axis=1)
    assert radius.mean() == pytest.approx(1.5, abs=0.02) and radius.std() == pytest.approx(jitter, rel=0.25)


def test_points_dataset_is_reproducible_and_the_seed_matters():
    first = points_dataset(circle(), n_points=300, seed=5)
    again = points_dataset(circle().tolist(), n_points=300, seed=5)
    other = points_dataset(torch.as_tensor(circle()), n_points=300, seed=6)
    assert torch.equal(first.data, again.data)
    assert not torch.equal(first.data, other.data)


def test_sparse_clicks_stay_separate_blobs():
    """Eight far-apart clicks: the jitter is capped at JITTER_MAX_SHARE of the extent, so they do not merge."""
    ring = circle(8, radius=1.0)
    dataset = points_dataset(ring, n_points=2000, seed=0)
    assert dataset.extra["jitter"] == pytest.approx(JITTER_MAX_SHARE * 2.0)
    pool = dataset.data.numpy()
    between = np.linalg.norm(pool - np.array([math.cos(math.pi / 8), math.sin(math.pi / 8)]), axis=1)
    assert (between < 0.15).mean() < 0.01  # hardly anything halfway between two neighbouring blobs


def test_points_name_is_cleaned_and_accepts_the_prefix():
    assert points_dataset(circle(), name="points:my sketch/1").name == "points:my-sketch-1"
    assert points_dataset(circle(), name="../..").name == "points:drawn"


@pytest.mark.parametrize("points, phrase", [
    ([], "no points yet"),
    ([[0.0, 0.0]] * 5, "at least 8"),
    (np.zeros((9, 3)), "shape (9, 3)"),
    (np.zeros((2, 4, 2)), "shape (2, 4, 2)"),
    ([[1.0, 2.0], [3.0]] + [[0.0, 0.0]] * 8, "pairs of numbers"),
    ("abc", "pairs of numbers"),
    ([[0.0, 0.0]] * 9, "same place"),
    ([[float("nan"), 0.0]] + circle(10).tolist(), "Point 1 is not a finite number"),
    (circle(10).tolist() + [[0.0, float("inf")]], "Point 11 is not a finite number"),
    (circle(MAX_DRAWN_POINTS + 1), f"limit of {MAX_DRAWN_POINTS:,}"),
    (circle(10) * 5000, "too large"),
])
def test_points_dataset_refuses_bad_input_in_one_sentence(points, phrase):
    with pytest.raises(DataError) as info:
        points_dataset(points)
    message = str(info.value)
    assert phrase in message
    assert "\n" not in message and "Traceback" not in message


def test_points_dataset_checks_its_numbers():
    with pytest.raises(DataError, match="n_points"):
        points_dataset(circle(), n_points=0)
    with pytest.raises(DataError, match="jitter"):
        points_dataset(circle(), jitter=-1.0)
    assert points_dataset(circle(), jitter=0.0, n_points=50).data.unique(dim=0).shape[0] <= 40  # no noise at all


def test_drawn_data_needs_no_modes_for_the_metrics(tiny_config):
    dataset = points_dataset(circle(), name="drawn", n_points=500)
    trainer = Trainer(tiny_config.replace(dataset=dataset.name), dataset=dataset)
    trainer.step()
    values = quick_metrics(trainer)
    # mode coverage needs known modes, and a drawing has none; density metrics (if any) need no modes
    assert not {"modes_covered", "high_quality_fraction", "reverse_kl", "reverse_kl_all"} & set(values)
    assert all(math.isfinite(v) for v in values.values())


# -- load_points_csv ----------------------------------------------------------------------------------------
def csv_text(rows: int = 12) -> str:
    return "\n".join(f"{x:.3f},{y:.3f}" for x, y in circle(rows))


@pytest.mark.parametrize("text", [
    "x,y\n" + csv_text(),  # a header
    "# my points\n\n" + csv_text() + "\n\n",  # comments and blank lines
    csv_text().replace(",", " "),  # spaces
    csv_text().replace(",", "\t"),  # tabs
    csv_text().replace(",", ";").replace(".", ","),  # semicolons with decimal commas
    "\ufeffx;y\n" + csv_text().replace(",", ";"),  # a BOM from Excel and semicolons
    # quoted cells and an extra column
    "\n".join(f'"{line.split(",")[0]}","{line.split(",")[1]}",label' for line in csv_text().splitlines()),
])
def test_csv_formats_all_read_the_same_points(text):
    dataset = load_points_csv(text.encode("utf-8"), name="pts", n_points=100)
    assert dataset.name == "points:pts"
    assert np.asarray(dataset.extra["drawn_points"]) == pytest.approx(circle(12), abs=1e-3)


def test_csv_from_a_path_is_named_after_the_file(tmp_path):
    path = tmp_path / "my points.csv"
    path.write_text(csv_text())
    dataset = load_points_csv(path, n_points=64)
    assert dataset.name == "points:my-points" and len(dataset) == 64


@pytest.mark.parametrize("blob, phrase", [
    (b"", "is empty"),
    (b"\n\n# only a comment\n", "is empty"),
    (b"x,y\n", "header but no points"),
    (b"1\n2\n3\n4\n", "only one column"),
    (b"x\n1\n2\n3\n", "only one column"),
    (("1,2\n" * 9 + "3\n").encode(), "Row 10 of the CSV file has only one value"),
    (("1,2\n" * 3 + "4,abc\n").encode(), "Row 4 of the CSV file holds 'abc' where y should be a number"),
    (("x,y\n" + "1,2\n" * 4 + "oops,2\n").encode(), "Row 6 of the CSV file holds 'oops' where x should be"),
    (("1,2\n" * 2 + "1,,2\n").encode(), "Row 3 of the CSV file holds an empty cell"),
    (("1,2\n" * 8 + "nan,1\n").encode(), "Row 9 of the CSV file holds nan, 1"),
    (("1,2\n" * 8 + "1,inf\n").encode(), "finite number"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not a text file"),
    (b"1,2\n3,4\n", "at least 8"),
])
def test_csv_mistakes_each_get_one_sentence(blob, phrase):
    with pytest.raises(DataError) as info:
        load_points_csv(blob)
    assert phrase in str(info.value)
    assert "\n" not in str(info.value)


def test_csv_size_and_row_limits(monkeypatch, tmp_path):
    monkeypatch.setattr(data_module, "MAX_CSV_BYTES", 200)
    with pytest.raises(DataError, match="larger than"):
        load_points_csv(csv_text(40).encode())
    big = tmp_path / "big.csv"
    big.write_text(csv_text(40))
    with pytest.raises(DataError, match="big.csv is larger than"):
        load_points_csv(big)
    monkeypatch.setattr(data_module, "MAX_CSV_BYTES", 2**20)
    monkeypatch.setattr(data_module, "MAX_CSV_POINTS", 30)
    with pytest.raises(DataError, match="more than 30 rows"):
        load_points_csv(csv_text(40).encode())
    assert len(load_points_csv(("x,y\n" + csv_text(30)).encode()).extra["drawn_points"]) == 30  # header not counted
    with pytest.raises(DataError, match="does not exist"):
        load_points_csv(tmp_path / "missing.csv")


# -- names the app cannot load --------------------------------------------------------------------------------
def test_in_memory_names_cannot_be_loaded_by_name_and_say_why():
    for name in ("points:drawn-3fa2c1", "upload:photos-1a2b3c"):
        with pytest.raises(DataError, match="drawn or uploaded in the browser"):
            load_dataset(name)
        assert get_classifier(name, 16) is None  # no judge for data only the browser had
    assert is_server_path("folder:/etc") and not is_server_path("points:drawn") and not is_server_path("ring8")


# -- checkpoints ------------------------------------------------------------------------------------------
def small(dataset_name: str) -> TrainConfig:
    return TrainConfig(dataset=dataset_name, model="gan", latent_dim=2, hidden=16, depth=2, batch_size=32, steps=30,
                       sample_every=5, metrics_every=0, seed=3, n_points=800)


def weights(trainer: Trainer) -> torch.Tensor:
    return torch.cat([p.detach().flatten() for p in trainer.models.parameters()])


def test_a_drawn_run_saves_its_points_and_resumes_exactly(tmp_path):
    drawn = points_dataset(circle(30), name="drawn-abc123", n_points=800, seed=3)
    config = small(drawn.name)
    straight = Trainer(config, dataset=drawn)
    for _ in range(12):
        straight.step()
    first = Trainer(config, dataset=points_dataset(circle(30), name="drawn-abc123", n_points=800, seed=3))
    for _ in range(6):
        first.step()
    path = save_checkpoint(trainer_payload(first, name="sketch"), tmp_path / "sketch.pt")

    checkpoint = load_checkpoint(path)
    assert checkpoint.config.dataset == "points:drawn-abc123"
    np.testing.assert_allclose(checkpoint.data_info["drawn_points"], circle(30))
    assert checkpoint.data_info["jitter"] == pytest.approx(drawn.extra["jitter"])
    rebuilt = checkpoint_dataset(checkpoint)
    assert torch.equal(rebuilt.data, drawn.data)  # the very pool the run trained on

    resumed = Trainer.from_checkpoint(checkpoint)
    assert resumed.step_count == 6 and resumed.dataset.name == drawn.name
    for _ in range(6):
        resumed.step()
    assert torch.equal(weights(straight), weights(resumed))

    model = LatentModel.load(path)  # Sample & Blend reads the same file
    assert model.is_points and model.sample(5, seed=0).shape == (5, 2)
    scores = evaluate_run(model, n=200, seed=1, label="sketch")  # Mode Collapse scores it against the same pool
    assert "error" not in scores and scores["reference"]["points"].shape[1] == 2
    assert 0.0 <= scores["metrics"]["precision"] <= 1.0 and 0.0 <= scores["metrics"]["recall"] <= 1.0


def test_an_upload_run_samples_but_resuming_asks_for_the_images_again(tmp_path):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        for i in range(6):
            picture = io.BytesIO()
            Image.fromarray(np.full((10, 10, 3), (40 * i, 200, 30), np.uint8)).save(picture, format="PNG")
            zipped.writestr(f"pics/{i}.png", picture.getvalue())
    uploaded = load_folder_dataset(archive.getvalue(), image_size=8, name="pics.zip")
    uploaded.name = "upload:pics-1a2b3c"
    config = small(uploaded.name).replace(image_size=8, hidden=8, latent_dim=4, batch_size=4)
    trainer = Trainer(config, dataset=uploaded)
    trainer.step()
    path = save_checkpoint(trainer_payload(trainer), tmp_path / "pics.pt")

    model = LatentModel.load(path)
    assert model.sample(3, seed=1).shape == (3, 3, 8, 8)
    with pytest.raises(CheckpointError) as info:
        Trainer.from_checkpoint(load_checkpoint(path))
    assert "upload the same images again" in str(info.value) and "\n" not in str(info.value)


def test_a_checkpoint_without_its_points_says_so(tmp_path):
    drawn = points_dataset(circle(), name="drawn-x", n_points=200)
    trainer = Trainer(small(drawn.name).replace(n_points=200), dataset=drawn)
    trainer.step()
    payload = trainer_payload(trainer)
    payload["data_info"].pop("drawn_points")
    path = save_checkpoint(payload, tmp_path / "broken.pt")
    with pytest.raises(CheckpointError, match="does not hold"):
        Trainer.from_checkpoint(load_checkpoint(path))
