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
