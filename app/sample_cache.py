"""Cached, expensive things the Sample & Blend page reuses across reruns.

Models stored on disk come from app.state.load_model (keyed by path and modification time); uploads are keyed by
the SHA-256 of their bytes. Everything derived from a model (PCA directions, class means, codes of the real data)
is cached under a `model_key` string that names the exact file, so a re-saved checkpoint is recomputed.
"""
from __future__ import annotations

import hashlib
import os

import numpy as np
import streamlit as st
import torch

from gan_core.checkpoints import load_checkpoint
from gan_core.training import checkpoint_dataset
from gan_core.evaluation.classifier import get_classifier
from gan_core.data import SERVER_PATH_REFUSED, DataError, is_server_path, load_dataset
from gan_core.latents import LatentModel

from . import sample_compute
from .state import dataset_for, load_model


def stored_model(path: str) -> tuple[str, LatentModel]:
    """(model_key, model) for a checkpoint on disk; raises CheckpointError (or OSError if it vanished)."""
    return f"{path}@{os.path.getmtime(path)}", load_model(path)


@st.cache_resource(max_entries=4, show_spinner=False)
def _uploaded_model(digest: str, _data: bytes, name: str) -> LatentModel:
    return LatentModel(load_checkpoint(_data, label=name))


def uploaded_model(data: bytes, name: str) -> tuple[str, LatentModel]:
    """(model_key, model) for uploaded bytes: loaded weights-only, cached by content; raises CheckpointError."""
    digest = hashlib.sha256(data).hexdigest()
    return f"upload:{digest}", _uploaded_model(digest, data, name)


@st.cache_data(max_entries=16, show_spinner=False)
def principal_directions(model_key: str, _model: LatentModel, count: int = 5) -> tuple[np.ndarray, list[float]]:
    directions, variance = _model.principal_directions(count=count, n=sample_compute.DIRECTION_SAMPLES)
    return directions.numpy(), variance


def model_data(model: LatentModel):
    """The dataset a model was trained on (shared read-only); raises DataError when it cannot be loaded here."""
    rebuilt = checkpoint_dataset(model.checkpoint)  # drawn points travel inside the checkpoint
    return rebuilt if rebuilt is not None else dataset_for(model.config)


@st.cache_data(max_entries=16, show_spinner=False)
def class_means(model_key: str, _model: LatentModel) -> dict[int, np.ndarray] | None:
    """Mean latent of each class (see sample_compute.class_means), or None when the model has none."""
    if _model.n_classes:
        return None
    config = _model.config
    if _model.is_vae:
        try:
            dataset = model_data(_model)
        except (ValueError, OSError):
            return None
        means = sample_compute.class_means(_model, dataset=dataset)
    else:
        if _model.is_points:
            return None
        classifier = get_classifier(config.dataset, config.image_size, config.data_root)
        if classifier is None:
            return None
        means = sample_compute.class_means(_model, classifier=classifier)
    return None if means is None else {int(k): v.numpy() for k, v in means.items()}


@st.cache_data(max_entries=32, show_spinner=False)
def manifold_png(model_key: str, _model: LatentModel, extent: float, size: int, label: int | None = None) -> bytes:
    """The manifold map's picture (sample_compute.manifold, then manifold_png): 625 images decoded for a 25x25 map
    (130-170 ms on one thread for mnist-vae-2d), once per model, extent, size and class, not on every rerun of the
    tab, and once for a whole class opening the same demo."""
    return sample_compute.manifold_png(sample_compute.manifold(_model, extent, size, label=label))


@st.cache_data(max_entries=16, show_spinner=False)
def data_codes(model_key: str, _model: LatentModel, limit: int = 2000) -> tuple[np.ndarray, np.ndarray | None]:
    """A VAE's codes (encoder means) of up to `limit` real training samples, and their labels."""
    dataset = model_data(_model)
    index = np.linspace(0, len(dataset.data) - 1, min(limit, len(dataset.data))).astype(int)
    images = dataset.data[index]
    labels = None if dataset.labels is None else dataset.labels[index]
    codes = _model.encode(images, labels if _model.n_classes else None)
    return codes.numpy(), None if labels is None else labels.numpy()


@st.cache_data(max_entries=8, show_spinner=False)
def real_points(dataset: str, n_points: int, seed: int, limit: int = 2000) -> np.ndarray:
    """Up to `limit` points of a 2-D dataset, for scatter plots."""
    if is_server_path(dataset):  # an uploaded checkpoint may name any folder; never read the server's disk
        raise DataError(SERVER_PATH_REFUSED)
    data = load_dataset(dataset, n_points=n_points, seed=seed).data.numpy()
    return data[np.linspace(0, len(data) - 1, min(limit, len(data))).astype(int)]


def as_tensor(array: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.array(array, dtype=np.float32))
