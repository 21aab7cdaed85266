"""Pictures on the pages: an array goes to the browser as a PNG (gan_core.images.picture_png), never as the JPEG
that st.image makes of an array."""
from __future__ import annotations

import numpy as np
import streamlit as st

from gan_core.images import picture_png


def show_picture(array: np.ndarray, zoom: int = 1, *, where=None, **image_options) -> None:
    """st.image of `array` enlarged `zoom` times (nearest neighbour), as a PNG; `where`: a column or container
    (default: the page); `image_options`: st.image's caption, width."""
    (where or st).image(picture_png(array, zoom), output_format="PNG", **image_options)
