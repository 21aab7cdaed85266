"""Small widget helpers for the Sample & Blend page: a keyed widget keeps its value in st.session_state (also
while its tab is hidden: persist_state="session"), and a stored value that no longer fits the current model
(a grid number past the end, a class the model lacks) is pulled back into range before the widget is drawn.

Each helper sets its key on every run, even to the value it already holds: a value set through session state is
sent along with its widget, so a widget the browser had not mounted yet (a click while the page was still
loading) shows the stored value, never its bare default (app/train_form.py tells how CI caught it)."""
from __future__ import annotations

from functools import partial

import streamlit as st

from .i18n import draw_worded, t
from .sample_text import TEXT

tr = partial(t, TEXT)


def _clamped(key: str, default, low, high, kind=int):
    value = st.session_state.get(key, default)
    try:
        value = kind(value)
    except (TypeError, ValueError):
        value = default
    st.session_state[key] = min(max(value, low), high)


def int_input(label: str, key: str, default: int, low: int, high: int, help: str | None = None) -> int:
    _clamped(key, default, low, high, int)
    return int(st.number_input(label, min_value=low, max_value=high, step=1, key=key, help=help,
                               persist_state="session"))


def slider(label: str, key: str, default, low, high, step, help: str | None = None, fmt: str | None = None,
           disabled: bool = False):
    kind = float if isinstance(step, float) else int
    _clamped(key, default, low, high, kind)
    return st.slider(label, min_value=low, max_value=high, step=step, key=key, help=help, format=fmt,
                     persist_state="session", disabled=disabled)


def choice(label: str, options: list, key: str, default=None, format_func=str, help: str | None = None,
           horizontal: bool = False, widget: str = "selectbox", worded: bool = False):
    """A selectbox (or radio) over `options`. A stored value that is no longer an option (the model changed, or the
    browser sent back a label in the previous language) falls back to the last valid choice, then `default`.

    worded: the options are shown as words of the language on screen ("grid number", "网格中的编号"). Streamlit 1.67
    keeps such a widget's value as the text of the chosen option, so drawn again in the other language under the
    same key it found no such option, and the browser's old text came back as the value (the URL of an English
    page said edit_pick=网格中的编号). Then st.session_state[key] holds the option itself, which the URL codec reads,
    and each language draws its own widget (i18n.draw_worded, i18n.worded_key)."""
    if st.session_state.get(key) not in options:
        last = st.session_state.get(f"_last_{key}")
        st.session_state[key] = last if last in options else default if default in options else options[0]
    st.session_state[f"_last_{key}"] = st.session_state[key]
    draw, extra = (st.radio, {"horizontal": horizontal}) if widget == "radio" else (st.selectbox, {})
    if worded:
        return draw_worded(draw, label, options, key, format_func=format_func, help=help, **extra)
    # the labels as they are now: a function that reads the language when called (by Streamlit's test harness,
    # between runs) would describe the options in another language than the one they were drawn in
    format_func = {option: format_func(option) for option in options}.get
    return draw(label, options, key=key, format_func=format_func, help=help, persist_state="session", **extra)


def toggle(label: str, key: str, default: bool, help: str | None = None) -> bool:
    st.session_state[key] = bool(st.session_state.get(key, default))  # set on every run: see the module's note
    return st.toggle(label, key=key, help=help, persist_state="session")


def multiselect(label: str, options: list, key: str, default: list, help: str | None = None, max_selections=None) -> list:
    current = st.session_state.get(key, default)
    st.session_state[key] = [v for v in current if v in options] if isinstance(current, list) else default
    return st.multiselect(label, options, key=key, help=help, max_selections=max_selections, persist_state="session",
                          select_all=False)  # (Streamlit's "Select all" is in English only)


def download(label: str, data: bytes, file_name: str, mime: str, key: str) -> None:
    st.download_button(label, data, file_name=file_name, mime=mime, key=key, on_click="ignore",
                       icon=":material/download:")
