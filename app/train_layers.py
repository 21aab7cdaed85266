"""The layer picker of the Train page's 2-D view (D's opinion, G's warped latent grid, real and generated points,
gradient arrows), remembered per session and applied to the GIF too."""
from __future__ import annotations

import streamlit as st

from .i18n import forget_other_languages, t
from .train_plots import DEFAULT_LAYERS, POINT_LAYERS
from .train_text import LAYERS_TEXT as TEXT

LAYERS_KEY = "train_layers"  # the picker for a GAN's 2-D view (all five layers)
DECODER_LAYERS_KEY = "train_layers_decoder"  # the picker for a 2-D view without D (a VAE's decoder)
CHOSEN_KEY = "train_layers_chosen"  # the last choice, kept when the picker is not on screen (page switch, language)


def _layer_options(frame: dict) -> tuple[str, list[str]]:
    """(widget key, layers it offers): all five for a GAN's view, no D layers for a view without D."""
    if frame.get("heatmap") is not None:
        return LAYERS_KEY, list(POINT_LAYERS)
    return DECODER_LAYERS_KEY, [layer for layer in POINT_LAYERS if layer not in ("heatmap", "arrows")]


def chosen_layers() -> list[str]:
    """The layers this session last chose (the defaults before any choice)."""
    return list(st.session_state.get(CHOSEN_KEY, DEFAULT_LAYERS))


def layer_choice(frame: dict) -> list[str]:
    """Draw the layer picker for a 2-D snapshot and return the chosen layers (kept across reruns and pages).

    The remembered choice is the picker's `default`, sent with every redraw, and never written into the widget's
    key: a browser that has no value of its own for the pills (they mounted after the one message that set their
    value had been replaced by a later redraw, or the browser dropped them) starts from the element's default and
    reports it back. With no default that was [], and the picture went blank. Only a person's change (on_change)
    updates the remembered choice, so nothing else can empty it.
    """
    key, options = _layer_options(frame)
    key = forget_other_languages(key)  # the pills' values are their words: one picker per language (i18n)
    remembered = [layer for layer in chosen_layers() if layer in options]
    chosen = st.pills(t(TEXT, "layers"), options, selection_mode="multi", default=remembered, key=key,
                      on_change=_remember_choice, args=(key, options), help=t(TEXT, "layers_help"),
                      format_func={layer: t(TEXT, f"layer_{layer}") for layer in options}.get)
    return list(chosen or [])


def _remember_choice(key: str, options: list[str]) -> None:
    """A person changed the pills: remember their choice (and the layers this picker does not offer, e.g. the
    arrows while a VAE's view is on screen)."""
    hidden_here = [layer for layer in chosen_layers() if layer not in options]
    st.session_state[CHOSEN_KEY] = list(st.session_state.get(key) or []) + hidden_here


def layer_names() -> dict:
    """Legend labels of the layers that train_panel's names do not already carry."""
    return {"manifold": t(TEXT, "legend_manifold"), "heatmap": t(TEXT, "legend_heatmap"),
            "manifold_lines": (t(TEXT, "legend_manifold_z1"), t(TEXT, "legend_manifold_z2"))}
