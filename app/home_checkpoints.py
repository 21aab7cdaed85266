"""The checkpoint table on Home: one row of plain facts per file, read once per (path, modification time)."""
from __future__ import annotations

import os

import streamlit as st

from gan_core.checkpoints import CheckpointError, load_checkpoint
from gan_core.store import StoredCheckpoint, list_checkpoints


@st.cache_data(max_entries=256, show_spinner=False)
def checkpoint_facts(path: str, modified: float) -> dict:
    """{dataset, model, loss, steps} of the checkpoint at `path`, or {error: sentence} when it cannot be read.

    `modified` is part of the cache key, so a file rewritten in place is read again.
    """
    try:
        checkpoint = load_checkpoint(path)
    except CheckpointError as error:
        return {"error": str(error)}
    except Exception as error:  # a table row must never take the page down
        return {"error": f"{os.path.basename(path)} could not be read ({type(error).__name__})."}
    config = checkpoint.config
    # the loss the model really trains with: "—" for one without a discriminator (VAE, diffusion, caption)
    return {"dataset": config.dataset, "model": config.model, "loss": config.adversarial_loss or "—",
            "steps": int(checkpoint.step)}


def checkpoint_rows() -> tuple[list[tuple[StoredCheckpoint, dict]], list[tuple[StoredCheckpoint, str]]]:
    """(readable checkpoints with their facts, unreadable ones with the reason), in list_checkpoints() order."""
    good, broken = [], []
    for stored in list_checkpoints():
        facts = checkpoint_facts(stored.path, stored.modified)
        if "error" in facts:
            broken.append((stored, facts["error"]))
        else:
            good.append((stored, facts))
    return good, broken
