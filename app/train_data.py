"""Your own data on the Train page: draw 2-D points, read them from a CSV file, or upload images.

The dataset picker gains three choices, `CHOICES`. Each is a dataset name the config accepts ("points:drawn",
"points:csv", "upload:images"), so the rest of the form behaves as it should (an MLP for points, an image size
for pictures). When Start is pressed, `dataset_for_run` turns the choice into the real Dataset, named after its
content ("points:drawn-3fa2c1"), so two different drawings are never confused with each other.

Privacy: whatever a student draws or uploads lives in their own st.session_state only. Nothing is written to
disk or put into a server-wide cache, so no other session can see it; a run holds its own reference to its
Dataset. A saved checkpoint keeps drawn points (they are small) but never uploaded images.

Drawing uses a small `st.components.v2` component (app/static/draw_canvas.js and .css): an SVG canvas where a
click adds a point and a drag paints a stroke. The strokes live in the browser while the student draws and are
sent to Python when a stroke ends (the whole list, not single clicks, so fast clicking never loses a point).
Python's copy carries a version number: Undo, Clear and the starter shapes bump it, which tells the canvas to take
Python's strokes instead of its own.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import re
import zipfile
from io import BytesIO
from pathlib import Path, PurePath

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from gan_core.checkpoints import Checkpoint
from gan_core.training import checkpoint_dataset
from gan_core.uploads import MAX_FILES, MAX_TOTAL_MB as IMAGE_UPLOAD_MB
from gan_core.config import TrainConfig, validate_data
from gan_core.data import (MAX_CSV_BYTES, MAX_CSV_POINTS, MAX_DRAWN_POINTS, MIN_DRAWN_POINTS, Dataset,
                           DataError, is_server_path, load_folder_dataset, load_images_from_bytes, load_points_csv,
                           points_dataset)
from gan_core.images import display_scale, make_grid

from .i18n import error_text, t
from .pictures import show_picture
from .state import data_key, dataset_for
from .train_text import USER_DATA_TEXT as TEXT

DRAW, CSV, UPLOAD = "points:drawn", "points:csv", "upload:images"
CHOICES = (DRAW, CSV, UPLOAD)
# The same words in both languages (as on Sample & Blend): a selectbox matches its value by the label in the
# browser, so a label that changed with the language would drop the choice on the next click. The caption under
# the picker (DATASET_TEXT in train_text.py) says it in full in the page's language.
CHOICE_LABELS = {DRAW: "Draw your own (2-D) / 自己画", CSV: "Points from a CSV file / CSV 点集",
                 UPLOAD: "Upload images (zip or files) / 上传图片"}
IN_MEMORY = ("points:", "upload:")
STATIC = Path(__file__).with_name("static")
IMAGE_TYPES = ["zip", "png", "jpg", "jpeg", "gif", "bmp", "webp", "tif", "tiff", "ppm"]

# session state (keys start with train_user_ so they never meet the form's train_<field> widget keys)
DRAW_KEY = "train_user_draw"  # {"version": int, "strokes": [[[x, y], ...], ...]}
CANVAS_KEY = "train_user_canvas"  # the canvas component's own state: {"drawing": {"version", "strokes"}}
CSV_KEY = "train_user_csv"  # {"name": file name, "blob": bytes}
CSV_UPLOADER_KEY = "train_user_csv_file"
UPLOAD_KEY = "train_user_upload"  # {"label": what to call it, "files": {file name: bytes}}
IMAGES_UPLOADER_KEY = "train_user_images"
BUILT_KEY = "train_user_built"  # per kind: (inputs, Dataset or None, error or None), so reruns do not rebuild
RUNS_KEY = "train_user_runs"  # data_key(run config) -> Dataset, for the runs this session started
KEPT_RUN_DATASETS = 6

CANVAS_EXTENT = 2.2  # the canvas shows [-2.2, 2.2]^2, a little more than the [-2, 2] square of the shapes
BRUSH_SPACING = 0.06  # a drag adds a point each time the pointer has moved this far (in data units)
POOL_SHOWN = 600  # faint training samples drawn on the canvas
PREVIEW_IMAGES = 64
LARGE_EXTENT = 12.0  # wider drawings train slowly: say so


# -- names and the edge checks ----------------------------------------------------------------------------
def option_label(name: str) -> str:
    """The dataset picker's label for `name` (the built-in sets show their bare names)."""
    return CHOICE_LABELS.get(name, name)


def is_choice(name: str) -> bool:
    return name in CHOICES


def is_user_data(name: str) -> bool:
    """True for data made in the browser: the three choices and the runs' exact names ("points:drawn-3fa2c1")."""
    return isinstance(name, str) and name.startswith(IN_MEMORY)


def refusal(config: TrainConfig) -> str | None:
    """One sentence when the app must not train on `config.dataset`, else None.

    folder:PATH reads the server's disk (the CLI allows it, the app never does). An exact in-memory name that
    this session does not hold came from somewhere else (a link, another session) and cannot be used here.
    """
    if is_server_path(config.dataset):
        return t(TEXT, "refused_folder")
    if is_user_data(config.dataset) and not is_choice(config.dataset) and _run_dataset(config) is None:
        return t(TEXT, "other_session", name=config.dataset)
    return None


def data_error(config: TrainConfig) -> str | None:
    """For one of the three choices: None when its data is ready, else a short sentence saying what is missing."""
    if config.dataset == DRAW:
        dataset, _ = drawn_dataset(config)
        return None if dataset is not None else t(TEXT, "need_points", min=MIN_DRAWN_POINTS, n=len(drawn_points()))
    if config.dataset == CSV:
        if CSV_KEY not in st.session_state:
            return t(TEXT, "csv_need")
        return None if csv_dataset(config)[0] is not None else t(TEXT, "csv_bad")
    if config.dataset == UPLOAD:
        if UPLOAD_KEY not in st.session_state:
            return t(TEXT, "upload_need")
        return None if uploaded_dataset(config)[0] is not None else t(TEXT, "upload_bad")
    return None


def data_problems(config: TrainConfig) -> dict[str, str]:
    """{field: sentence} when the uploaded images, once read, do not suit the config (a conditional model on images
    without class folders); the config alone cannot know, so `TrainConfig.validate` leaves it to this."""
    if config.dataset != UPLOAD:
        return {}
    dataset, _ = uploaded_dataset(config)
    return validate_data(config, dataset) if dataset is not None else {}


# -- building the datasets (memoised per session, never in a server-wide cache) ----------------------
def _digest(*parts: bytes) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(len(part).to_bytes(8, "little"))
        hasher.update(part)
    return hasher.hexdigest()[:6]


def _safe_stem(file_name: str, default: str) -> str:
    stem = PurePath(str(file_name)).stem
    cleaned = "".join(c if c.isalnum() or c in "._-" else "-" for c in stem).strip("-.")[:40]
    return cleaned or default


def _memo(kind: str, inputs: tuple, build) -> tuple[Dataset | None, str | None]:
    """(dataset, None) or (None, error sentence), rebuilt only when `inputs` change."""
    store = st.session_state.setdefault(BUILT_KEY, {})
    found = store.get(kind)
    if found is None or found[0] != inputs:
        try:
            found = (inputs, build(), None)
        except DataError as error:  # kept as raised: said in the language of each rerun
            found = (inputs, None, error)
        store[kind] = found
    return found[1], error_text(found[2]) if found[2] is not None else None


def drawn_points() -> list[list[float]]:
    """Every drawn point, stroke after stroke: [[x, y], ...]."""
    drawing = st.session_state.get(DRAW_KEY) or {}
    return [point for stroke in drawing.get("strokes", []) for point in stroke]


def drawn_dataset(config: TrainConfig) -> tuple[Dataset | None, str | None]:
    points = drawn_points()
    encoded = json.dumps(points).encode()
    name = f"drawn-{_digest(encoded)}"
    return _memo("draw", (encoded, config.n_points, config.seed),
                 lambda: points_dataset(points, name=name, n_points=config.n_points, seed=config.seed))


def csv_dataset(config: TrainConfig) -> tuple[Dataset | None, str | None]:
    stored = st.session_state.get(CSV_KEY)
    if not stored:
        return None, None
    blob = stored["blob"]
    name = f"{_safe_stem(stored['name'], 'csv')}-{_digest(blob)}"
    return _memo("csv", (stored["name"], blob, config.n_points, config.seed),
                 lambda: load_points_csv(blob, name=name, n_points=config.n_points, seed=config.seed))


def uploaded_dataset(config: TrainConfig) -> tuple[Dataset | None, str | None]:
    stored = st.session_state.get(UPLOAD_KEY)
    if not stored:
        return None, None
    files = stored["files"]
    key = _digest(*[part for name in sorted(files) for part in (name.encode(), files[name])])
    return _memo("upload", (key, config.image_size), lambda: _load_upload(stored, config.image_size, key))


def _load_upload(stored: dict, image_size: int, key: str) -> Dataset:
    """The uploaded files through the same defences as any folder or zip (gan_core.data), renamed by content."""
    files, label = stored["files"], stored["label"]
    zips = [name for name, blob in files.items() if zipfile.is_zipfile(BytesIO(blob))]
    if zips and len(files) > 1:
        raise DataError(t(TEXT, "upload_mixed"))
    if zips:
        dataset = load_folder_dataset(files[zips[0]], image_size=image_size, name=zips[0])
    else:
        dataset = load_images_from_bytes(files, image_size=image_size, name="upload")
    return dataclasses.replace(dataset, name=f"upload:{_safe_stem(label, 'images')}-{key}")


def current_dataset(config: TrainConfig) -> Dataset:
    """The Dataset one of the three choices stands for right now; DataError with one sentence if it is not ready."""
    builders = {DRAW: drawn_dataset, CSV: csv_dataset, UPLOAD: uploaded_dataset}
    dataset, error = builders[config.dataset](config)
    if dataset is None:
        raise DataError(error or data_error(config) or "")
    return dataset


# -- the runs' datasets ---------------------------------------------------------------------------------
def _run_dataset(config: TrainConfig) -> Dataset | None:
    return st.session_state.get(RUNS_KEY, {}).get(data_key(config))


def _remember(config: TrainConfig, dataset: Dataset) -> None:
    runs = st.session_state.setdefault(RUNS_KEY, {})
    runs.pop(data_key(config), None)
    runs[data_key(config)] = dataset
    while len(runs) > KEPT_RUN_DATASETS:  # the oldest first; a run keeps its own reference anyway
        runs.pop(next(iter(runs)))


def dataset_for_run(config: TrainConfig) -> tuple[TrainConfig, Dataset]:
    """(the config to run, its Dataset) for data made in the browser; DataError with one sentence if unusable.

    A choice becomes the exact data it stands for now, and the config is renamed after it
    ("points:drawn" -> "points:drawn-3fa2c1"), so the run's name, its checkpoint and the live view agree.
    """
    if is_choice(config.dataset):
        dataset = current_dataset(config)
        config = config.replace(dataset=dataset.name)
    else:
        dataset = _run_dataset(config)
        if dataset is None:
            raise DataError(t(TEXT, "other_session", name=config.dataset))
    _remember(config, dataset)
    return config, dataset


def run_dataset(config: TrainConfig) -> Dataset | None:
    """The in-memory dataset of one of this session's runs (None for built-in data or data it no longer holds)."""
    return _run_dataset(config) if is_user_data(config.dataset) else None


def dataset_for_checkpoint(checkpoint: Checkpoint) -> Dataset:
    """The data to continue `checkpoint` on; raises DataError or CheckpointError with one sentence.

    Drawn or CSV points are rebuilt from the checkpoint itself. Uploaded images are not in it: they are used when
    the student has uploaded the same files again in this session, else the sentence asks for them.
    """
    config = checkpoint.config
    if is_server_path(config.dataset):
        raise DataError(t(TEXT, "refused_folder"))
    if not is_user_data(config.dataset):
        return dataset_for(config)
    if config.dataset.startswith("upload:"):
        dataset, _ = uploaded_dataset(config)
        if dataset is None or dataset.name != config.dataset:
            checkpoint_dataset(checkpoint)  # raises the "upload the same images again" sentence
        _remember(config, dataset)
        return dataset
    dataset = checkpoint_dataset(checkpoint)
    _remember(config, dataset)
    return dataset


# -- the panel under the settings -------------------------------------------------------------------------
def draw_panel(config: TrainConfig) -> None:
    """The drawing canvas, CSV picker or image uploader for the chosen data (nothing for built-in sets)."""
    if config.dataset == DRAW:
        _draw_points_panel(config)
    elif config.dataset == CSV:
        _csv_panel(config)
    elif config.dataset == UPLOAD:
        _upload_panel(config)
    else:
        return
    st.caption(f":material/lock: {t(TEXT, 'private')}")


# drawing ---------------------------------------------------------------------------------------------------
# the canvas itself: an SVG drawn by draw_canvas.js, styled by draw_canvas.css (app/static/)
_CANVAS_JS = (STATIC / "draw_canvas.js").read_text(encoding="utf-8")
_CANVAS_CSS = (STATIC / "draw_canvas.css").read_text(encoding="utf-8")

_canvas = st.components.v2.component("latent_lab_draw_points", css=_CANVAS_CSS, js=_CANVAS_JS)


def accept_drawing(value) -> bool:
    """Take the canvas's strokes into session state when they belong to the current version; True if taken.

    `value` is what the canvas sends: {"version": int, "strokes": [[[x, y], ...], ...]}. Anything malformed or
    from an older version (sent before an Undo or Clear reached the browser) is ignored.
    """
    drawing = st.session_state.setdefault(DRAW_KEY, {"version": 0, "strokes": []})
    if not isinstance(value, dict) or value.get("version") != drawing["version"]:
        return False
    strokes, room = [], MAX_DRAWN_POINTS
    for stroke in value.get("strokes") or []:
        if not isinstance(stroke, list):
            return False
        points = []
        for point in stroke[:room]:
            try:
                x, y = float(point[0]), float(point[1])
            except (TypeError, ValueError, IndexError):
                return False
            if math.isfinite(x) and math.isfinite(y):
                points.append([x, y])
        room -= len(points)
        if points:
            strokes.append(points)
    drawing["strokes"] = strokes
    return True


def _on_canvas_change() -> None:
    state = st.session_state.get(CANVAS_KEY) or {}
    accept_drawing(state.get("drawing"))


def set_strokes(strokes: list) -> None:
    """Replace the drawing (a starter shape, Undo, Clear) and tell the canvas with a new version."""
    drawing = st.session_state.setdefault(DRAW_KEY, {"version": 0, "strokes": []})
    drawing["version"] += 1
    drawing["strokes"] = [[[round(float(x), 3), round(float(y), 3)] for x, y in stroke] for stroke in strokes
                          if len(stroke)]


def _undo() -> None:
    drawing = st.session_state.get(DRAW_KEY) or {"strokes": []}
    set_strokes(drawing["strokes"][:-1])


def _clear() -> None:
    set_strokes([])


def _use_shape(name: str) -> None:
    set_strokes(STARTER_SHAPES[name]())


def _draw_points_panel(config: TrainConfig) -> None:
    st.markdown(f"###### :material/draw: {t(TEXT, 'draw_title')}")
    st.session_state.setdefault(DRAW_KEY, {"version": 0, "strokes": []})
    dataset, _ = drawn_dataset(config)
    pool = [] if dataset is None else dataset.data[:POOL_SHOWN].numpy().round(3).tolist()
    drawing = st.session_state[DRAW_KEY]
    canvas_col, tools_col = st.columns([1.15, 1], gap="medium")
    with canvas_col:
        _canvas(key=CANVAS_KEY, on_drawing_change=_on_canvas_change, width="stretch",
                data={"version": drawing["version"], "strokes": drawing["strokes"], "pool": pool,
                      "extent": CANVAS_EXTENT, "spacing": BRUSH_SPACING, "max_points": MAX_DRAWN_POINTS,
                      "text": {"count": t(TEXT, "canvas_count", n="{n}"), "hint": t(TEXT, "canvas_hint"),
                               "full": t(TEXT, "canvas_full", max=MAX_DRAWN_POINTS)}})
    with tools_col:
        st.caption(t(TEXT, "draw_help"))
        st.markdown(f"**{t(TEXT, 'shapes')}**")
        cells = st.columns(2, gap="small") + st.columns(2, gap="small")
        for cell, name in zip(cells, STARTER_SHAPES):
            cell.button(t(TEXT, f"shape_{name}"), key=f"train_user_shape_{name}", on_click=_use_shape, args=(name,),
                        width="stretch")
        undo_col, clear_col = st.columns(2, gap="small")
        undo_col.button(t(TEXT, "undo"), key="train_user_undo", icon=":material/undo:", on_click=_undo,
                        disabled=not drawing["strokes"], width="stretch")
        clear_col.button(t(TEXT, "clear"), key="train_user_clear", icon=":material/delete:", on_click=_clear,
                         disabled=not drawing["strokes"], width="stretch")
        n = len(drawn_points())
        st.markdown(t(TEXT, "draw_count", n=n, min=MIN_DRAWN_POINTS, max=MAX_DRAWN_POINTS))
        if dataset is not None:
            st.caption(t(TEXT, "jitter_note", jitter=dataset.extra["jitter"], n_points=len(dataset)))
        else:
            st.caption(f":red[{t(TEXT, 'need_points', min=MIN_DRAWN_POINTS, n=n)}]")


# starter shapes: a few strokes each, inside [-2, 2]^2, spaced about as a brush stroke would be
def _arc(cx: float, cy: float, radius: float, start: float, stop: float, count: int) -> list:
    angles = np.linspace(start, stop, count)
    return np.stack([cx + radius * np.cos(angles), cy + radius * np.sin(angles)], axis=1).tolist()


def _smiley() -> list:
    face = _arc(0, 0, 1.7, 0, 2 * np.pi, 73)[:-1]
    eyes = [_arc(x, 0.55, 0.16, 0, 2 * np.pi, 7)[:-1] + [[x, 0.55]] for x in (-0.6, 0.6)]
    mouth = _arc(0, 0.05, 1.0, np.radians(205), np.radians(335), 17)
    return [face, *eyes, mouth]


def _heart() -> list:
    angle = np.linspace(0, 2 * np.pi, 71)[:-1]
    x = 16 * np.sin(angle) ** 3 / 10
    y = (13 * np.cos(angle) - 5 * np.cos(2 * angle) - 2 * np.cos(3 * angle) - np.cos(4 * angle)) / 10 + 0.25
    return [np.stack([x, y], axis=1).tolist()]


def _moons() -> list:
    upper = (np.array(_arc(0, 0, 1, 0, np.pi, 30)) - [0.5, 0.25]) * 1.3
    lower = (np.array(_arc(1, 0.5, 1, np.pi, 2 * np.pi, 30)) - [0.5, 0.25]) * 1.3
    return [upper.tolist(), lower.tolist()]


def _ring() -> list:
    strokes = []
    for k in range(8):
        cx, cy = 1.5 * np.cos(2 * np.pi * k / 8), 1.5 * np.sin(2 * np.pi * k / 8)
        strokes.append(_arc(cx, cy, 0.08, 0, 2 * np.pi, 6)[:-1] + [[cx, cy]])
    return strokes


STARTER_SHAPES = {"smiley": _smiley, "heart": _heart, "moons": _moons, "ring": _ring}


# CSV ---------------------------------------------------------------------------------------------------------
def _on_csv_change() -> None:
    upload = st.session_state.get(CSV_UPLOADER_KEY)
    if upload is None:  # the student removed the file
        st.session_state.pop(CSV_KEY, None)
        return
    st.session_state[CSV_KEY] = {"name": upload.name, "blob": upload.getvalue()}


def _forget(key: str) -> None:
    st.session_state.pop(key, None)


def _csv_panel(config: TrainConfig) -> None:
    st.markdown(f"###### :material/table: {t(TEXT, 'csv_title')}")
    file_col, preview_col = st.columns([1, 1.15], gap="medium")
    with file_col:
        upload = st.file_uploader(t(TEXT, "csv_file"), type=["csv", "txt", "tsv"], key=CSV_UPLOADER_KEY,
                                  on_change=_on_csv_change, max_upload_size=max(1, MAX_CSV_BYTES // 2**20),
                                  help=t(TEXT, "csv_help", rows=MAX_CSV_POINTS, mb=MAX_CSV_BYTES // 2**20))
        stored = st.session_state.get(CSV_KEY)
        if stored and upload is None:  # kept from before a page switch; the uploader itself forgets
            st.caption(t(TEXT, "earlier", name=stored["name"]))
            st.button(t(TEXT, "forget"), key="train_user_forget_csv", icon=":material/close:", on_click=_forget,
                      args=(CSV_KEY,))
        dataset, error = csv_dataset(config)
        if error:
            st.error(error, icon=":material/block:")
        elif dataset is not None:
            x0, x1, y0, y1 = dataset.extra["bounds"]
            st.markdown(t(TEXT, "csv_using", name=stored["name"], n=len(dataset.extra["drawn_points"]),
                          x0=x0, x1=x1, y0=y0, y1=y1))
            st.caption(t(TEXT, "jitter_note", jitter=dataset.extra["jitter"], n_points=len(dataset)))
            extent = max(x1 - x0, y1 - y0, abs(x0), abs(x1), abs(y0), abs(y1))
            if extent > LARGE_EXTENT:
                st.warning(t(TEXT, "large", extent=extent), icon=":material/warning:")
    if dataset is not None:
        with preview_col:
            st.plotly_chart(points_preview(dataset), key="train_user_csv_preview", width="stretch",
                            config={"displaylogo": False})


def points_preview(dataset: Dataset) -> go.Figure:
    """The user's points over a sample of the training pool, on square axes."""
    drawn = np.asarray(dataset.extra["drawn_points"], dtype=np.float64)  # (n, 2)
    pool = dataset.data[:1500].numpy()  # (m, 2)
    figure = go.Figure()
    figure.add_trace(go.Scattergl(x=pool[:, 0], y=pool[:, 1], mode="markers", name=t(TEXT, "legend_pool"),
                                  marker=dict(size=3, color="#8c8c8c", opacity=0.4), hoverinfo="skip"))
    figure.add_trace(go.Scattergl(x=drawn[:, 0], y=drawn[:, 1], mode="markers", name=t(TEXT, "legend_points"),
                                  marker=dict(size=5, color="#4d4d4d")))
    figure.update_layout(height=340, margin=dict(l=10, r=10, t=10, b=10), uirevision=dataset.name,
                         legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0))
    figure.update_yaxes(scaleanchor="x", scaleratio=1)
    return figure


# images ------------------------------------------------------------------------------------------------------
def _on_images_change() -> None:
    uploads = st.session_state.get(IMAGES_UPLOADER_KEY) or []
    if not uploads:
        st.session_state.pop(UPLOAD_KEY, None)
        return
    files = {upload.name: upload.getvalue() for upload in uploads}
    label = uploads[0].name if len(uploads) == 1 else f"{len(uploads)} files"
    st.session_state[UPLOAD_KEY] = {"label": label, "files": files}


def _upload_panel(config: TrainConfig) -> None:
    st.markdown(f"###### :material/photo_library: {t(TEXT, 'upload_title')}")
    file_col, preview_col = st.columns([1, 1.15], gap="medium")
    with file_col:
        uploads = st.file_uploader(t(TEXT, "upload_files"), type=IMAGE_TYPES, accept_multiple_files=True,
                                   key=IMAGES_UPLOADER_KEY, on_change=_on_images_change,
                                   max_upload_size=IMAGE_UPLOAD_MB,
                                   help=t(TEXT, "upload_help", files=MAX_FILES, mb=IMAGE_UPLOAD_MB))
        stored = st.session_state.get(UPLOAD_KEY)
        if stored and not uploads:
            st.caption(t(TEXT, "earlier", name=stored["label"]))
            st.button(t(TEXT, "forget"), key="train_user_forget_images", icon=":material/close:", on_click=_forget,
                      args=(UPLOAD_KEY,))
        with st.spinner(t(TEXT, "reading")):  # thousands of pictures take a few seconds to decode
            dataset, error = uploaded_dataset(config)
        if error:
            st.error(error, icon=":material/block:")
        elif dataset is not None:
            colour = t(TEXT, "colour" if dataset.channels == 3 else "grey")
            st.markdown(t(TEXT, "upload_using", n=len(dataset), label=stored["label"], size=dataset.image_size,
                          colour=colour))
            if dataset.class_names:
                counts = np.bincount(dataset.labels.numpy(), minlength=dataset.n_classes)
                names = ", ".join(f"{name} ({count})" for name, count in zip(dataset.class_names, counts))
                st.caption(t(TEXT, "classes", names=names))
            else:
                st.caption(t(TEXT, "no_classes"))
            skipped = re.search(r"\(([\d,]+) non-image file", dataset.description)  # counted by gan_core.data
            if skipped:
                st.caption(t(TEXT, "skipped", n=skipped.group(1)))
    if dataset is not None:
        with preview_col:
            shown = min(PREVIEW_IMAGES, len(dataset))
            st.markdown(f"**{t(TEXT, 'preview_images', k=shown, size=dataset.image_size)}**")
            grid = make_grid(dataset.data[:shown], nrow=8)
            show_picture(grid, display_scale(grid.shape[1], 320), width="content")
