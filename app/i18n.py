"""English / 中文 for every label and explanation.

Each page keeps its own table `TEXT = {key: (english, chinese)}` and calls `t(TEXT, key, **values)`. The
language lives in st.session_state["lang"] and is switched in the shared sidebar.
"""
from __future__ import annotations

import streamlit as st

LANGUAGES = {"en": "English", "zh": "中文"}


def lang() -> str:
    return st.session_state.get("lang", "en")


def t(table: dict, key: str, **values) -> str:
    """The text for `key` in the current language, formatted with `values`; the key itself if missing."""
    pair = table.get(key)
    if pair is None:
        return key
    text = pair[1] if lang() == "zh" and len(pair) > 1 and pair[1] else pair[0]
    return text.format(**values) if values else text


def language_key(key: str, language: str | None = None) -> str:
    """The key of a widget whose options are shown in words of a language (the current one by default).

    Streamlit 1.67 keeps the value of a select_slider, pills, selectbox or segmented control as the *text* of the
    chosen option. Drawn again in the other language under the same key, the widget finds no option with that
    text, and the browser falls back to the default option (and calls on_change: slow motion set to 0.25 s in
    English became "关", full speed, in 中文). So each language gets its own widget: English keeps the bare key,
    another language adds its code. The value itself lives elsewhere (the job, a session key): the caller seeds
    the widget from it when `key` is missing here, see `forget_other_languages`.
    """
    language = language or lang()
    return key if language == "en" else f"{key}_{language}"


def forget_other_languages(key: str) -> str:
    """Drop the other languages' copies of widget `key` (so coming back to a language seeds its widget afresh from
    the value kept elsewhere) and return this language's key."""
    for other in LANGUAGES:
        if other != lang():
            st.session_state.pop(language_key(key, other), None)
    return language_key(key)
