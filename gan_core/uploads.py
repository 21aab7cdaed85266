"""The user's own images, which are untrusted: a folder, a .zip, one image, or files uploaded in the browser.

Zip-slip names, zip bombs, decompression bombs and oversized uploads are refused with one readable sentence
(`DataError`); files that are not images are skipped. The limits are module constants so a test or a server
can tighten them. What comes out is plain: an `ImageSet` of pixels in [-1, 1], with labels when every image
sits in one of at least two class folders; gan_core.data makes it a Dataset.
"""
from __future__ import annotations

import io
import os
import re
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np
import torch
from PIL import Image, ImageOps

from gan_core.options import DataError

# Generous for any teaching dataset, small enough that one upload cannot exhaust a shared server.
MAX_FILES = 5000  # candidate files in a folder or zip
MAX_TOTAL_BYTES = 200 * 1024 * 1024  # uncompressed bytes read from a folder or zip, all files together
MAX_TOTAL_MB = MAX_TOTAL_BYTES // 2**20  # the same in whole MB, as a browser upload's limit is stated
MAX_PICTURE_MB = 20  # ONE picture to encode or translate (Sample & Blend): a 4096 x 4096 PNG fits; the 200 MB of a
#                      whole zip read "200MB per file" under a box that asks for a small picture
MAX_RATIO = 100  # largest uncompressed/compressed size ratio allowed for a zip member ...
RATIO_CHECK_MIN_BYTES = 1024 * 1024  # ... checked only for members this large (a tiny black PNG may compress well)
MAX_IMAGE_PIXELS = 4096 * 4096  # width * height of any one image, checked before decoding its pixels
IMAGE_FORMATS = ("PNG", "JPEG", "GIF", "BMP", "WEBP", "TIFF", "PPM")  # Pillow decoders users may use (JPEG covers MPO)
_READ_CHUNK = 1024 * 1024
_COLOUR_TOLERANCE = 3  # channels differing by at most this much (of 255) count as grey (JPEG chroma noise)


def _limit_mb() -> str:
    """The byte limit for messages; read at call time so a tightened limit is reported as it is."""
    return f"{MAX_TOTAL_BYTES / 2**20:,.0f} MB" if MAX_TOTAL_BYTES >= 2**20 else f"{MAX_TOTAL_BYTES:,} byte"


@dataclass(eq=False)
class ImageSet:
    """Decoded pictures: data (N, C, S, S) float32 in [-1, 1], C = 3 if any image has colour, else 1."""
    name: str
    data: torch.Tensor
    labels: torch.Tensor | None  # int64 (N,), from class folders
    class_names: list[str]
    description: str


def read_images(source: str | os.PathLike | bytes, image_size: int = 16, name: str | None = None) -> ImageSet:
    """Images from a folder (recursive), a .zip, or one image; `source` may also be the bytes of a zip or image.

    Images are center-cropped to squares and resized to (C, image_size, image_size), C = 3 if any image has
    colour, else 1. Labels come from subfolder names when every image sits in a class subfolder (at least
    two of them). Files that are not images are skipped; unsafe archives raise DataError.
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        blob = bytes(source)
        label = name or "the upload"
        if len(blob) > MAX_TOTAL_BYTES:
            raise DataError.of("upload_too_large", file=label, mb=f"{len(blob) / 2**20:.0f}", limit=_limit_mb())
        if zipfile.is_zipfile(io.BytesIO(blob)):
            return _from_zip(io.BytesIO(blob), label, image_size, name or "upload")
        return _build_image_dataset(iter([(label, blob)]), image_size, name or "upload", label)

    path = Path(os.fspath(source)).expanduser()
    label = str(source)
    name = name or f"folder:{source}"
    if not path.exists():
        raise DataError(f"{label} does not exist: give a folder of images or a .zip file.")
    if path.is_dir():
        return _build_image_dataset(_iter_folder(path, label), image_size, name, label)
    if path.suffix.lower() == ".zip" or zipfile.is_zipfile(path):
        return _from_zip(path, label, image_size, name)
    if path.stat().st_size > MAX_TOTAL_BYTES:
        raise DataError(f"{label} is larger than the {_limit_mb()} limit.")
    return _build_image_dataset(iter([(path.name, path.read_bytes())]), image_size, name, label)


def read_files(name_to_bytes: dict[str, bytes], image_size: int = 16, name: str = "upload") -> ImageSet:
    """Several uploaded files (file name -> content) as one dataset, with the same limits as a folder.

    The names act as paths, so "cats/1.png", "dogs/2.png" give labels. A zip should go through
    read_images(bytes) instead.
    """
    if not name_to_bytes:
        raise DataError.of("upload_no_files")
    if len(name_to_bytes) > MAX_FILES:
        raise DataError.of("upload_too_many_files", n=f"{len(name_to_bytes):,}", limit=f"{MAX_FILES:,}")
    total = sum(len(blob) for blob in name_to_bytes.values())
    if total > MAX_TOTAL_BYTES:
        raise DataError.of("upload_total_too_large", mb=f"{total / 2**20:.0f}", limit=_limit_mb())
    entries = sorted((_unsafe_name_check(key, "the upload"), blob) for key, blob in name_to_bytes.items())
    return _build_image_dataset(iter(entries), image_size, name, "the upload")


def _is_junk(relative: str) -> bool:
    """Hidden files and macOS resource forks, which are never the user's pictures."""
    parts = relative.split("/")
    return parts[0] == "__MACOSX" or any(part.startswith(".") for part in parts)


def _iter_folder(root: Path, label: str) -> Iterator[tuple[str, bytes]]:
    """(relative path with "/", bytes) of every regular file under root, after checking count and size."""
    files: list[tuple[str, Path, int]] = []
    for directory, subdirs, names in os.walk(root):  # does not descend into symlinked folders
        subdirs.sort()
        for file_name in sorted(names):
            full = Path(directory) / file_name
            relative = full.relative_to(root).as_posix()
            if _is_junk(relative) or full.is_symlink() or not full.is_file():
                continue  # symlinks could point anywhere on the server; a folder of pictures has none
            files.append((relative, full, full.stat().st_size))
            if len(files) > MAX_FILES:
                raise DataError(f"{label} holds more than {MAX_FILES:,} files, the limit; use a smaller folder.")
    if not files:
        raise DataError(f"{label} contains no files.")
    total = sum(size for _, _, size in files)
    if total > MAX_TOTAL_BYTES:
        raise DataError(f"{label} holds {total / 2**20:.0f} MB of files, more than the "
                        f"{_limit_mb()} limit.")

    def read_all() -> Iterator[tuple[str, bytes]]:
        budget = MAX_TOTAL_BYTES
        for relative, full, _ in files:
            try:
                with open(full, "rb") as handle:
                    blob = handle.read(budget + 1)  # a file may have grown since we measured it
            except OSError:
                blob = b""  # unreadable: counted as skipped like any other non-image
            budget -= len(blob)
            if budget < 0:
                raise DataError(f"{label} holds more than the {_limit_mb()} limit.")
            yield relative, blob

    return read_all()


_DRIVE = re.compile(r"^[A-Za-z]:")



def _printable(text: str) -> str:
    """A name from an archive, safe to show in a one-line message (no newlines or control characters)."""
    return "".join(c if c.isprintable() else "?" for c in text)[:200]


def _unsafe_name_check(member: str, label: str) -> str:
    """Refuse names that would escape the archive if extracted (zip slip); return the "/" form."""
    normal = member.replace("\\", "/")
    if normal.startswith("/") or _DRIVE.match(normal) or ".." in normal.split("/"):
        raise DataError.of("zip_slip", file=label, entry=_printable(member))
    return normal


def _from_zip(source: Path | io.BytesIO, label: str, image_size: int, name: str) -> ImageSet:
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise DataError.of("zip_unreadable", file=label) from None
    with archive:
        members = []
        for info in archive.infolist():
            relative = _unsafe_name_check(info.filename, label)  # every entry, folders included
            if not info.is_dir() and not _is_junk(relative):
                members.append((relative, info))
        if not members:
            raise DataError.of("zip_empty", file=label)
        if len(members) > MAX_FILES:
            raise DataError.of("zip_too_many_files", file=label, n=f"{len(members):,}", limit=f"{MAX_FILES:,}")
        # zip bombs, part 1: what the headers declare, checked before anything is decompressed
        declared = sum(info.file_size for _, info in members)
        if declared > MAX_TOTAL_BYTES:
            raise DataError.of("zip_unpacks_too_large", file=label, mb=f"{declared / 2**20:.0f}", limit=_limit_mb())
        for relative, info in members:
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size >= RATIO_CHECK_MIN_BYTES and ratio > MAX_RATIO:
                raise DataError.of("zip_bomb_ratio", file=label, entry=_printable(relative), ratio=f"{ratio:,.0f}",
                                   limit=MAX_RATIO)
        entries = sorted(members, key=lambda item: item[0])
        return _build_image_dataset(_iter_zip(archive, entries, label), image_size, name, label)


def _iter_zip(archive: zipfile.ZipFile, members: list, label: str) -> Iterator[tuple[str, bytes]]:
    """Read members in memory, never extracting, and never more bytes than declared or budgeted."""
    budget = MAX_TOTAL_BYTES
    for relative, info in members:
        # zip bombs, part 2: headers can lie, so count what actually comes out
        limit = min(info.file_size, budget)
        chunks, total = [], 0
        try:
            with archive.open(info) as handle:
                while chunk := handle.read(min(_READ_CHUNK, limit - total + 1)):
                    total += len(chunk)
                    if total > limit:
                        raise DataError.of("zip_bomb_lies", file=label, entry=_printable(relative))
                    chunks.append(chunk)
        except DataError:
            raise
        except Exception:  # encrypted, bad CRC, unknown compression: not a picture we can use
            chunks = []
        budget -= total
        yield relative, b"".join(chunks)


def _build_image_dataset(entries: Iterator[tuple[str, bytes]], image_size: int, name: str, label: str) -> ImageSet:
    """Decode every (path, bytes) entry; skip non-images; stack into an ImageSet."""
    if not isinstance(image_size, int) or not 4 <= image_size <= 128:
        raise DataError(f"image_size must be a whole number of pixels between 4 and 128, got {image_size!r}.")
    paths: list[str] = []
    pictures: list[np.ndarray] = []  # each (S, S, 3) uint8
    coloured = False
    skipped = 0
    for relative, blob in entries:
        picture = _decode_image(blob, image_size, relative, label)
        if picture is None:
            skipped += 1
            continue
        paths.append(relative)
        pictures.append(picture)
        coloured = coloured or int(np.ptp(picture.astype(np.int16), axis=2).max()) > _COLOUR_TOLERANCE
    if not pictures:
        raise DataError.of("images_none", file=label, skipped=f"{skipped:,}", files="file" if skipped == 1 else "files")
    stack = np.stack(pictures)  # (N, S, S, 3)
    if coloured:
        pixels = stack.transpose(0, 3, 1, 2)
    else:  # all grey: one channel is enough and makes the models smaller
        pixels = stack.mean(axis=3, dtype=np.float32).round()[:, None]
    data = torch.as_tensor(np.ascontiguousarray(pixels), dtype=torch.float32) / 127.5 - 1
    labels, class_names = _labels_from_paths(paths)
    description = f"{len(data):,} images from {label} at {image_size}x{image_size}"
    if class_names:
        description += f", {len(class_names)} classes from subfolders"
    if skipped:
        description += f" ({skipped} non-image file{'s' if skipped != 1 else ''} skipped)"
    return ImageSet(name, data.clamp_(-1, 1), labels, class_names, description + ".")


def _labels_from_paths(paths: list[str]) -> tuple[torch.Tensor | None, list[str]]:
    """Class labels from the first folder level, when every image sits in one of at least two class folders."""
    parts = [path.split("/") for path in paths]
    # a zip usually wraps everything in one top folder: look through folders every file shares
    while all(len(p) > 1 for p in parts) and len({p[0] for p in parts}) == 1:
        parts = [p[1:] for p in parts]
    if not all(len(p) > 1 for p in parts):
        return None, []
    class_names = sorted({p[0] for p in parts})
    index = {class_name: i for i, class_name in enumerate(class_names)}
    return torch.tensor([index[p[0]] for p in parts], dtype=torch.int64), class_names


def _decode_image(blob: bytes, image_size: int, relative: str, label: str) -> np.ndarray | None:
    """Bytes -> (S, S, 3) uint8 center-cropped and resized, or None if it is not a readable image.

    Raises DataError for decompression bombs: an image whose header claims more than MAX_IMAGE_PIXELS,
    checked before any pixel is decoded.
    """
    if not blob:
        return None
    with warnings.catch_warnings():
        # Pillow only warns about very large images; here they are refused like any other bomb
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(blob), formats=IMAGE_FORMATS)  # lazy: reads the header only
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise DataError.of("image_too_many_pixels", entry=_printable(relative), file=label, width=width,
                                   height=height, limit=f"{MAX_IMAGE_PIXELS:,}")
            if image.format in ("JPEG", "MPO"):
                image.draft(image.mode, (2 * image_size, 2 * image_size))  # the decoder shrinks big photos
            image.load()
            image = _to_8bit(_upright(image))
            width, height = image.size
            side = min(width, height)
            left, top = (width - side) // 2, (height - side) // 2
            # crop first: resize(box=...) would let the filter blend in pixels from outside the square
            image = image.crop((left, top, left + side, top + side))
            image = image.resize((image_size, image_size), Image.Resampling.BILINEAR, reducing_gap=3.0)
            return np.asarray(image.convert("RGB"), dtype=np.uint8)
        except DataError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise DataError.of("image_bomb", entry=_printable(relative), file=label) from None
        except Exception:  # not an image, truncated, unsupported: skipped and counted
            return None


def _upright(image: Image.Image) -> Image.Image:
    """Apply the EXIF rotation phone photos carry; a broken EXIF block is no reason to drop the picture."""
    try:
        return ImageOps.exif_transpose(image)
    except Exception:
        return image


def _to_8bit(image: Image.Image) -> Image.Image:
    """Any Pillow mode -> 8-bit "L" or "RGB"; transparency is composited onto black."""
    mode = image.mode
    if mode in ("L", "RGB"):
        return image
    if mode == "1":
        return image.convert("L")
    if mode == "P":
        # a palette may carry transparency; go through RGBA so it is composited like any alpha
        image = image.convert("RGBA") if "transparency" in image.info else image.convert("RGB")
        mode = image.mode
        if mode == "RGB":
            return image
    if mode in ("LA", "La", "PA", "RGBA", "RGBa"):
        rgba = np.asarray(image.convert("RGBA"), dtype=np.float32)
        rgb = rgba[..., :3] * (rgba[..., 3:] / 255.0)  # onto black
        return Image.fromarray(np.round(rgb).astype(np.uint8), "RGB")
    if mode.startswith("I;16"):
        values = np.asarray(image, dtype=np.float64) / 257.0  # 65535 -> 255
        return Image.fromarray(np.round(values).clip(0, 255).astype(np.uint8), "L")
    if mode == "I":
        values = np.asarray(image, dtype=np.float64)
        if values.max(initial=0) > 255:  # 32-bit container of 16-bit data (how some readers give 16-bit PNGs)
            values = values / 257.0
        return Image.fromarray(np.round(values).clip(0, 255).astype(np.uint8), "L")
    if mode == "F":
        values = np.nan_to_num(np.asarray(image, dtype=np.float64))
        if values.min(initial=0) >= 0 and values.max(initial=0) <= 1:  # floats in [0, 1] are intensities
            values = values * 255
        return Image.fromarray(np.round(values).clip(0, 255).astype(np.uint8), "L")
    return image.convert("RGB")  # CMYK, YCbCr, LAB, HSV, ...
