"""Server-wide and per-session objects, each defined once here and imported by every page.

- `job_manager()`: one JobManager for the whole server (st.cache_resource, global scope).
- `session_id()`: one id per browser session; when the session ends Streamlit calls `_release_session`, which
  stops that session's jobs after a grace period.
- `load_model(path, modified)`: a loaded checkpoint shared by all sessions (thread-safe LatentModel).
- `dataset_for(config)`: the dataset a run trains on, loaded once per server and shared read-only.
"""
from __future__ import annotations

import os
import uuid

import streamlit as st

from gan_core import settings
from gan_core.config import TrainConfig
from gan_core.data import SERVER_PATH_REFUSED, Dataset, DataError, is_server_path, load_dataset
from gan_core.runtime.jobs import JobManager
from gan_core.latents import LatentModel

SESSION_GRACE_SECONDS = settings.session_grace_seconds()


@st.cache_resource(show_spinner=False)
def job_manager() -> JobManager:
    return JobManager()


class SessionHandle:
    def __init__(self):
        self.id = uuid.uuid4().hex[:12]


def _release_session(handle: SessionHandle) -> None:
    job_manager().release_owner(handle.id, SESSION_GRACE_SECONDS)


@st.cache_resource(scope="session", on_release=_release_session, show_spinner=False)
def _session_handle() -> SessionHandle:
    return SessionHandle()


def session_id() -> str:
    """This browser session's id (stable across reruns and page switches)."""
    handle = _session_handle()
    return handle.id


@st.cache_resource(max_entries=16, show_spinner=False)
def _cached_model(path: str, modified: float) -> LatentModel:
    return LatentModel.load(path)


def load_model(path: str) -> LatentModel:
    """A checkpoint on disk as a LatentModel, cached per (path, modification time); raises CheckpointError."""
    return _cached_model(path, os.path.getmtime(path))


def data_key(config: TrainConfig) -> tuple:
    """The fields that decide a run's data (image size is irrelevant for 2-D points)."""
    image_size = 0 if config.is_points else config.image_size
    return config.dataset, image_size, config.data_root, config.n_points, config.seed


@st.cache_resource(max_entries=6, show_spinner=False)
def cached_dataset(name: str, image_size: int, data_root: str, n_points: int, seed: int) -> Dataset:
    if is_server_path(name):  # the CLI may read folder:PATH; a web page must never read the server's disk
        raise DataError(SERVER_PATH_REFUSED)
    return load_dataset(name, image_size=image_size or 16, data_root=data_root, n_points=n_points, seed=seed)


def dataset_for(config: TrainConfig) -> Dataset:
    """The dataset `config` trains on, loaded once per server; raises DataError with one sentence."""
    return cached_dataset(*data_key(config))
