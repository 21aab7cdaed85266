"""The memorisation check of the Train page's image runs: the first samples of the shown snapshot next to their
nearest training images (gan_core.evaluation.memorisation), with the distances and one summary ratio."""
from __future__ import annotations

import math

import numpy as np
import streamlit as st

from gan_core.config import TrainConfig
from gan_core.data import DataError, Dataset
from gan_core.evaluation.memorisation import (COPY_RATIO, FEATURES, FeatureIndex, build_index, grid_capacity,
                                              nearest_training_images, tiles_from_grid)
from gan_core.images import to_uint8, upscale
from gan_core.runtime.job import TrainingJob

from . import expander
from . import train_data as user_data
from .i18n import forget_other_languages, t
from .metrics_text import feature_space_label
from .pictures import show_picture
from .state import cached_dataset, data_key, dataset_for
from .train_text import MEMORISATION_TEXT as TEXT

MEMORY_RESULT_KEY = "train_memory_result"
FEATURE_KEY = "train_memory_feature"  # one picker per language (its values are words, see i18n.language_key)
FEATURE_CHOSEN_KEY = "train_memory_feature_chosen"  # the feature space last chosen, in either language
INDEX_KEY = "train_memory_index"  # (key, FeatureIndex) of uploaded images, which no server cache may hold
MEMORY_TILE_PIXELS = 128  # each image of the memorisation check is enlarged (crisp pixels) to about this size,
# then shown as wide as its column: shrunk by the browser, never stretched blurry
MEMORY_MAX_SAMPLES = 16


@st.cache_resource(max_entries=4, show_spinner=False)
def _cached_index(name: str, image_size: int, data_root: str, n_points: int, seed: int, feature: str) -> FeatureIndex:
    """A built-in training set embedded once per server and feature space (a second or two for digits)."""
    dataset = cached_dataset(name, image_size, data_root, n_points, seed)
    return build_index(dataset, feature, data_root=data_root)


def _training_set(config: TrainConfig, feature: str) -> tuple[Dataset, FeatureIndex]:
    """The images the run trained on and their search index.

    Uploaded images live in this session only (app.train_data), so their index is kept in the session too,
    one at a time; built-in data is shared by the whole server.
    """
    uploaded = user_data.run_dataset(config)
    if uploaded is None:
        return dataset_for(config), _cached_index(*data_key(config), feature)
    key = (uploaded.name, feature)  # an upload's name is derived from its content
    kept = st.session_state.get(INDEX_KEY)
    if kept is None or kept[0] != key:
        kept = (key, build_index(uploaded, feature))
        st.session_state[INDEX_KEY] = kept
    return uploaded, kept[1]


def _check(job: TrainingJob, frame: dict, config: TrainConfig, count: int, k: int, feature: str) -> dict:
    """Run the search for the first `count` samples of `frame`; returns what the panel draws (plain data)."""
    dataset, index = _training_set(config, feature)
    available = grid_capacity(frame["grid"], dataset.image_size)  # the fixed batch: 64 images, or 8 per class
    samples = tiles_from_grid(frame["grid"], min(count, available), dataset.channels, dataset.image_size)
    result = nearest_training_images(samples, dataset, k=k, index=index)
    zoom = max(1, MEMORY_TILE_PIXELS // dataset.image_size)
    neighbours = to_uint8(dataset.data[result["indices"].reshape(-1)].cpu())  # (n * k, H, W, C)
    return {"job": job.id, "step": int(frame.get("step", 0)), "result": result,
            "samples": [upscale(_rgb(image), zoom) for image in to_uint8(samples)],
            "neighbours": [upscale(_rgb(image), zoom) for image in neighbours]}


def _rgb(image: np.ndarray) -> np.ndarray:
    """(H, W, 1 or 3) uint8 -> (H, W, 3)."""
    return np.repeat(image, 3, axis=2) if image.shape[2] == 1 else image


def draw_memorisation(job: TrainingJob, frame: dict, config: TrainConfig) -> None:
    """The nearest-training-image check for the image snapshot on screen, computed when the button is pressed."""
    with expander.remembered("train_memorisation", t(TEXT, "mem_title"), icon=":material/content_copy:"):
        st.markdown(t(TEXT, "mem_intro"))
        key = forget_other_languages(FEATURE_KEY)
        if key not in st.session_state:
            st.session_state[key] = st.session_state.get(FEATURE_CHOSEN_KEY, "classifier")
        # the choice on a row of its own: in a third of a half-page column its second option was cut to "raw"
        feature = st.segmented_control(t(TEXT, "mem_feature"), list(FEATURES), key=key,
                                             help=t(TEXT, "mem_feature_help"),
                                             format_func={f: t(TEXT, f"mem_feature_{f}") for f in FEATURES}.get
                                             ) or "classifier"
        st.session_state[FEATURE_CHOSEN_KEY] = feature
        cells = st.columns(2, vertical_alignment="bottom")
        count = cells[0].number_input(t(TEXT, "mem_count"), 1, MEMORY_MAX_SAMPLES, 8, key="train_memory_count")
        k = cells[1].number_input(t(TEXT, "mem_k"), 1, 8, 3, key="train_memory_k")
        if st.button(t(TEXT, "mem_run"), key="train_memory_run", icon=":material/search:"):
            try:
                with st.spinner(t(TEXT, "mem_busy")):
                    st.session_state[MEMORY_RESULT_KEY] = _check(job, frame, config, int(count), int(k), feature)
            except (ValueError, DataError) as error:  # one sentence, never a traceback
                st.session_state.pop(MEMORY_RESULT_KEY, None)
                st.error(t(TEXT, "mem_failed", message=str(error)), icon=":material/error:")
        shown = st.session_state.get(MEMORY_RESULT_KEY)
        if shown and shown["job"] == job.id:
            _draw_result(shown, int(frame.get("step", 0)))


def _draw_result(shown: dict, step_on_screen: int) -> None:
    result = shown["result"]
    if shown["step"] != step_on_screen:
        st.caption(t(TEXT, "mem_other_step", step=shown["step"]))
    if result["fell_back"]:
        st.info(t(TEXT, "mem_fell_back"), icon=":material/info:")
    ratio = result["ratio"]
    # the number above its verdict: beside it, in half a page, its label was cut to "Nearest-neig…"
    st.metric(t(TEXT, "mem_ratio"), "—" if not math.isfinite(ratio) else f"{ratio:.2f}",
              help=t(TEXT, "mem_ratio_help", limit=COPY_RATIO))
    if not math.isfinite(ratio):
        st.warning(t(TEXT, "mem_undefined"), icon=":material/help:")
    elif ratio < COPY_RATIO:
        st.warning(t(TEXT, "mem_copying", ratio=ratio), icon=":material/content_copy:")
    else:
        st.success(t(TEXT, "mem_fine", ratio=ratio), icon=":material/check_circle:")
    st.caption(t(TEXT, "mem_space", step=shown["step"],
                 space=feature_space_label(result.get("feature_space_id"), result["feature_space"]),
                 typical=result["typical_distance"]))
    k = result["indices"].shape[1]
    for row, sample in enumerate(shown["samples"]):
        sample_ratio = float(result["sample_ratios"][row])
        captions = [t(TEXT, "mem_sample", number=row + 1,
                      ratio="—" if not math.isfinite(sample_ratio) else f"{sample_ratio:.2f}")]
        captions += [t(TEXT, "mem_neighbour", index=int(result["indices"][row, j]),
                       distance=float(result["distances"][row, j])) for j in range(k)]
        # one column per picture: the row always fits the panel (a fixed width wrapped the last neighbour onto a
        # line of its own in a half-page panel), and every picture of a row gets the same width
        pictures = [sample] + shown["neighbours"][row * k:(row + 1) * k]
        for cell, picture, caption in zip(st.columns(k + 1, gap="small"), pictures, captions):
            show_picture(picture, where=cell, caption=caption, width="stretch")
