"""Pictures on the pages go to the browser as PNGs: an array through gan_core.images.picture_png, never as the JPEG
that st.image makes of an array, and PNG bytes (or a PNG file) as they are: with output_format="auto", st.image
re-encodes a PNG without transparency as a JPEG at quality 90 on every rerun (blurred pixels, a QR code's edges
included, and extra milliseconds for each card of a class's gallery)."""
from __future__ import annotations

import numpy as np
import streamlit as st

from gan_core.images import picture_png


def show_picture(array: np.ndarray, zoom: int = 1, *, where=None, **image_options) -> None:
    """st.image of `array` enlarged `zoom` times (nearest neighbour), as a PNG; `where`: a column or container
    (default: the page); `image_options`: st.image's caption, width."""
    (where or st).image(picture_png(array, zoom), output_format="PNG", **image_options)


def show_png(data: bytes | str, caption: str | None = None, **image_options) -> None:
    """st.image of PNG bytes (or a PNG file's path) as they are; `image_options`: st.image's width."""
    st.image(data, caption=caption, output_format="PNG", **image_options)
