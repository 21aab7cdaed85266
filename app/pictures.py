"""Pictures on the pages go to the browser as PNGs: an array through gan_core.images.enlarged_png, never as the JPEG
that st.image makes of an array, and PNG bytes (or a PNG file) as they are: with output_format="auto", st.image
re-encodes a PNG without transparency as a JPEG at quality 90 on every rerun (blurred pixels, a QR code's edges
included, and extra milliseconds for each card of a class's gallery).

A picture shown at its own size ("content", st.image's default) is given its width in pixels: a caption wider than
the picture otherwise stretched it to the caption's width, smoothing its enlarged pixels (a 140-px walk GIF showed at
185 px, a 350-px grid at 369). A width in pixels never makes a picture wider than its column."""
from __future__ import annotations

import io

import numpy as np
import streamlit as st
from PIL import Image

from gan_core.images import enlarged_png


@st.cache_data(max_entries=256, show_spinner=False)  # (at most about 30 KB each)
def picture_bytes(array: np.ndarray, zoom: int) -> bytes:
    """enlarged_png, kept by the array's pixels and the zoom: a fragment that redraws an unchanged picture every
    second, or 30 students' pages showing one run, encode it once."""
    return enlarged_png(array, zoom)


def _at_own_width(options: dict, pixels) -> dict:
    """`options` with width set to the picture's own width in pixels where it asks for its own size; `pixels`: a
    function giving that width (called only then)."""
    if options.get("width", "content") == "content":
        options = {**options, "width": int(pixels())}
    return options


def _width_of(data: bytes | str) -> int:
    """The width of an encoded picture, from its header (PNG, GIF) or its file."""
    with Image.open(io.BytesIO(data) if isinstance(data, bytes) else data) as picture:
        return picture.width


def show_picture(array: np.ndarray, zoom: int = 1, *, where=None, **image_options) -> None:
    """st.image of `array` enlarged `zoom` times (nearest neighbour), as a PNG; `where`: a column or container
    (default: the page); `image_options`: st.image's caption, width."""
    image_options = _at_own_width(image_options, lambda: array.shape[1] * max(1, zoom))
    (where or st).image(picture_bytes(array, zoom), output_format="PNG", **image_options)


def show_png(data: bytes | str, caption: str | None = None, **image_options) -> None:
    """st.image of PNG bytes (or a PNG file's path) as they are; `image_options`: st.image's width."""
    st.image(data, caption=caption, output_format="PNG", **_at_own_width(image_options, lambda: _width_of(data)))


def show_gif(data: bytes, caption: str | None = None) -> None:
    """An animated GIF at its own width (output_format "auto" keeps a GIF a GIF)."""
    st.image(data, caption=caption, output_format="auto", width=_width_of(data))
