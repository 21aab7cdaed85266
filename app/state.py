"""Server-wide and per-session objects, each defined once here and imported by every page.

- `job_manager()`: one JobManager for the whole server (st.cache_resource, global scope).
- `browser_id()`: who owns runs: the student's browser, not one websocket session, so a reload or a second tab
  shows the same runs. The id and its cookie are app/browser.py's (light, set first thing on every page); here
  each session attaches to it, and when a session ends Streamlit calls `_release_session`: the browser's jobs
  stop after a grace period once none of its sessions is left.
- `load_model(path, modified)`: a loaded checkpoint shared by all sessions (thread-safe LatentModel).
- `dataset_for(config)`: the dataset a run trains on, loaded once per server and shared read-only.
"""
from __future__ import annotations

import os

import streamlit as st

from gan_core import settings
from gan_core.config import TrainConfig
from gan_core.data import SERVER_PATH_REFUSED, Dataset, DataError, is_server_path, load_dataset
from gan_core.runtime.jobs import JobManager
from gan_core.latents import LatentModel

from .browser import current_browser

@st.cache_resource(show_spinner=False)
def job_manager() -> JobManager:
    return JobManager()


class SessionHandle:
    """One websocket session (a tab, until it reloads or closes) of a browser, attached to the job manager."""

    def __init__(self, browser: str):
        self.browser = browser


def _attach_session(browser: str) -> SessionHandle:
    job_manager().attach(browser)  # the browser's runs stay while any of its sessions is connected
    return SessionHandle(browser)


def _release_session(handle: SessionHandle) -> None:
    job_manager().release_owner(handle.browser, settings.session_grace_seconds())  # read now, as every setting is


@st.cache_resource(scope="session", on_release=_release_session, show_spinner=False)
def _session_handle(browser: str) -> SessionHandle:
    """Once per session (and browser id, which a session never changes); released when the session ends."""
    return _attach_session(browser)


def browser_id() -> str:
    """The id of this student's browser (app/browser.py): the owner of its runs, the same in every tab and after a
    reload. This session is attached to that browser's runs from its first call on."""
    browser = current_browser()
    _session_handle(browser)
    return browser


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
