"""What the Train page does to jobs: start, continue from a checkpoint, pause, resume, step, stop, save.

Every action is a plain function of (job, session state) that reports back through `flash()` instead of
raising, so a click can never show a traceback. The datasets a run trains on are loaded once per server
(st.cache_resource) and handed to the job, so a second run on the same data starts at once.
"""
from __future__ import annotations

import time

import numpy as np
import streamlit as st
import torch

from gan_core.checkpoints import CheckpointError, load_checkpoint
from gan_core.config import ConfigError, TrainConfig, validate_data
from gan_core.data import DataError
from gan_core.options import STACKED_DATASETS
from gan_core.images import gif_bytes, make_grid
from gan_core.runtime.jobs import JobLimitError
from gan_core.store import save_run
from gan_core.runtime.job import TrainingJob
from gan_core.runtime.worker import STOP_GRACE_SECONDS, new_job

from . import class_state
from . import train_data as user_data
from .i18n import error_text, plain, t
from .state import browser_id, cached_dataset, data_key, dataset_for, job_manager
from .train_plots import frame_picture
from .class_text import TEXT as CLASS_TEXT
from .train_text import TEXT

JOB_KEY = "train_job_id"  # the job this session watches on the Train page (survives reruns and page switches)
WATCH_KEY = "train_watch"  # the run picker widget
FLASH_KEY = "train_flash"  # messages from the last action, shown once
DATA_ERROR_KEY = "train_data_error"
REPLACE_KEY = "train_replace"
REPLACED_KEY = "train_replaced"  # {run id: names of the runs its Start stopped}, said while that run is active
REAL_POINTS_SHOWN = 500  # behind the generated points: the shape reads as clearly as with 1,000, at half the markers to redraw
STEP_WAIT_SECONDS = 5.0


# -- messages -------------------------------------------------------------------------------------------
def flash(kind: str, text: str) -> None:
    """Remember a message ('success' | 'info' | 'warning' | 'error') to show on the next render."""
    st.session_state.setdefault(FLASH_KEY, []).append((kind, text))


def show_flash() -> None:
    for kind, text in st.session_state.pop(FLASH_KEY, []):
        getattr(st, kind, st.info)(text)


def show_replaced(job: TrainingJob | None) -> None:
    """While `job` trains, which of this browser's runs its Start stopped. Not a one-time flash: a 2-D run's page
    reruns as soon as its first picture comes, which took a flash away within a second."""
    names = st.session_state.get(REPLACED_KEY, {}).get(job.id) if job is not None and job.is_active else None
    if names:
        st.info(t(TEXT, "replaced", runs=", ".join(f"**{plain(name)}**" for name in names)), icon=":material/stop_circle:")


# -- server-wide caches ------------------------------------------------------------------------------
@st.cache_resource(show_spinner=False)


@st.cache_resource(max_entries=16, show_spinner=False)
def _cached_real_points(name: str, image_size: int, data_root: str, n_points: int, seed: int) -> np.ndarray:
    data = cached_dataset(name, image_size, data_root, n_points, seed)
    return data.data[:REAL_POINTS_SHOWN].detach().cpu().numpy().astype(np.float32)


@st.cache_resource(max_entries=8, show_spinner=False)
def _cached_real_grid(name: str, image_size: int, data_root: str, n_points: int, seed: int) -> np.ndarray:
    data = cached_dataset(name, image_size, data_root, n_points, seed)
    pick = torch.randperm(len(data), generator=torch.Generator().manual_seed(0))[:64]
    return make_grid(data.data[pick].cpu(), nrow=8)


def real_grid_for(config: TrainConfig) -> np.ndarray | None:
    """64 real images in a grid like the samples', to compare with (None for points or unloadable data)."""
    if config.is_points:
        return None
    user = user_data.run_dataset(config)  # the student's own pictures live in their session, not in a cache
    if user is not None:
        return make_grid(user.data[:64].cpu(), nrow=8)
    try:
        return _cached_real_grid(*data_key(config))
    except DataError:
        return None


def real_points_for(config: TrainConfig) -> np.ndarray:
    """Up to REAL_POINTS_SHOWN real 2-D points to draw behind the generated ones (empty when they cannot be loaded)."""
    if not config.is_points:
        return np.zeros((0, 2), np.float32)
    user = user_data.run_dataset(config)  # drawn or CSV points live in the session, not in a server cache
    if user is not None:
        return user.data[:REAL_POINTS_SHOWN].cpu().numpy().astype(np.float32)
    try:
        return _cached_real_points(*data_key(config))
    except DataError:
        return np.zeros((0, 2), np.float32)


def class_names_for(config: TrainConfig) -> list[str]:
    try:
        return list((user_data.run_dataset(config) or dataset_for(config)).class_names)
    except DataError:
        return []


def mode_count_for(config: TrainConfig) -> int:
    """How many modes 'modes covered' counts: mixture components, else classes (1,000 for stacked digits)."""
    if config.dataset in STACKED_DATASETS:
        return 1000
    try:
        data = user_data.run_dataset(config) or dataset_for(config)
    except DataError:
        return 0
    return len(data.modes) if data.modes is not None else data.n_classes


def check_data(config: TrainConfig) -> str | None:
    """None when the data loads, else the DataError sentence (only files on disk can fail)."""
    try:
        dataset_for(config)
    except DataError as error:
        return error_text(error)
    return None


# -- starting -------------------------------------------------------------------------------------------
def _submit(job: TrainingJob) -> TrainingJob | None:
    manager = job_manager()
    mine = [j for j in manager.jobs(browser_id()) if j.is_active] if st.session_state.get(REPLACE_KEY, True) else []
    for old in mine:
        old.stop()
    for old in mine:
        old.join(timeout=3)
    try:
        manager.submit(job)
    except JobLimitError as error:
        flash("error", t(TEXT, "job_limit", message=str(error)))
        return None
    if mine:  # said, not done silently: a teacher's first demo stopped when the second started (show_replaced)
        st.session_state[REPLACED_KEY] = {job.id: [old.name for old in mine]}
    st.session_state[JOB_KEY] = job.id
    st.session_state[WATCH_KEY] = job.id
    return job


def start_run(config: TrainConfig, label: str) -> TrainingJob | None:
    """Validate, load the data (once per server), and submit a new run owned by this session.

    In a class with a challenge, the locked settings are put back to the challenge's preset here, on the server,
    whatever the form, a link or a preset click sent; the run then joins the class (its summary is published)."""
    st.session_state.pop(DATA_ERROR_KEY, None)
    config, reset = class_state.enforce_challenge(config)
    if reset:
        flash("info", t(CLASS_TEXT, "challenge_reset", fields=", ".join(reset)))
    if config.validate():
        return None  # the form shows each problem beside its widget
    refused = user_data.refusal(config)  # folder:PATH, whatever route it came by (form, link, preset)
    if refused:
        flash("error", refused)
        return None
    try:
        if user_data.is_user_data(config.dataset):  # drawn or uploaded: renamed after the exact data
            config, dataset = user_data.dataset_for_run(config)
        else:
            dataset = dataset_for(config)
    except DataError as error:
        if user_data.is_user_data(config.dataset):
            flash("error", t(TEXT, "data_error", message=error_text(error)))  # the form re-checks it on every rerun
        else:
            st.session_state[DATA_ERROR_KEY] = error_text(error)
        return None
    unsuitable = validate_data(config, dataset)  # a conditional model on images without class folders
    if unsuitable:
        flash("error", next(iter(unsuitable.values())))
        return None
    try:
        job = new_job(config, name=f"{label}-{time.strftime('%H%M%S')}", owner=browser_id(), dataset=dataset)
    except ConfigError as error:  # too big for this server (gan_core.budget): a link or a preset click got here
        flash("error", error.message)
        return None
    submitted = _submit(job)
    if submitted is not None:
        class_state.follow(submitted)
    return submitted


def continue_checkpoint(path: str, extra_steps: int) -> TrainingJob | None:
    """A new run that continues the checkpoint at `path` for `extra_steps` more steps (not during a class challenge:
    a checkpoint's settings would escape its lock)."""
    if class_state.challenge() is not None:
        flash("error", t(CLASS_TEXT, "challenge_no_continue"))
        return None
    try:
        checkpoint = load_checkpoint(path)
    except CheckpointError as error:
        flash("error", str(error))
        return None
    config = checkpoint.config
    try:
        dataset = user_data.dataset_for_checkpoint(checkpoint)  # drawn points are rebuilt from the checkpoint
    except (DataError, CheckpointError) as error:
        flash("error", t(TEXT, "data_error", message=error_text(error)))
        return None
    try:
        job = new_job(config, name=f"{checkpoint.name}-more", owner=browser_id(), resume_state=checkpoint.state,
                      extra_steps=int(extra_steps), dataset=dataset)
    except ConfigError as error:  # made on a server with a larger budget
        flash("error", error.message)
        return None
    if _submit(job):
        class_state.follow(job)
        flash("success", t(TEXT, "resume_started", name=checkpoint.name, steps=int(extra_steps)))
    return job


# -- controlling the watched job ----------------------------------------------------------------------
def pause(job_id: str) -> None:
    job = job_manager().get(job_id)
    if job is not None:
        job.pause()


def resume(job_id: str) -> None:
    job = job_manager().get(job_id)
    if job is not None:
        job.resume()


def step(job_id: str, part: str = "both") -> None:
    """One more step while paused ("d" or "g": that player only); waits (briefly) for it so the page shows the
    new numbers at once."""
    job = job_manager().get(job_id)
    if job is None or job.trainer is None:
        return
    before = job.trainer.step_count
    job.step_once(part=part)
    deadline = time.monotonic() + STEP_WAIT_SECONDS
    while job.trainer.step_count == before and job.is_active and time.monotonic() < deadline:
        time.sleep(0.01)


def stop(job_id: str) -> None:
    job = job_manager().get(job_id)
    if job is not None:
        job_manager().stop(job_id)
        job.join(timeout=STOP_GRACE_SECONDS + 2)  # a worker that does not answer is killed after the grace


def save(job_id: str, name: str) -> None:
    """Save the job as a checkpoint in the runs folder; training goes on whatever happens."""
    job = job_manager().get(job_id)
    if job is None:
        return
    try:
        payload = job.checkpoint_payload()
        shown = " ".join(name.split()) or job.name  # kept as typed, in any script; the file gets a safe unique name
        save_run(payload, shown)
    except CheckpointError as error:
        flash("error", t(TEXT, "save_failed", message=str(error)))
        return
    except RuntimeError as error:  # not started yet
        flash("warning", t(TEXT, "save_failed", message=str(error)))
        return
    flash("success", t(TEXT, "saved", name=shown))


# -- GIF ---------------------------------------------------------------------------------------------------
def run_gif(job: TrainingJob, real_points: np.ndarray, layers=None) -> bytes:
    """An animated GIF of every snapshot of `job` (sample grids, or 2-D pictures with D's surface; `layers`
    picks what a 2-D picture shows, as the layer picker above the live view does)."""
    frames = job.frames()
    probabilities = job.config.loss in ("ns", "minimax")
    pictures = [frame_picture(frame, real_points, probabilities, layers=layers) for frame in frames]
    if not pictures:
        raise ValueError("no snapshots yet")
    durations = 150 if len(pictures) > 8 else 400
    return gif_bytes(pictures, duration_ms=durations)
