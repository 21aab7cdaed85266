"""Expanders that stay as the person left them.

A plain `st.expander` keeps its open/closed state in the browser only, tied to where it sits and what its label
says: a language switch (new label), Start or Stop (the page's layout changes) or a run's end (a fragment stops)
remounts it folded, hiding what the student had opened. `remembered` keys the expander, records every toggle in
session state, and draws it the way it was last left, whatever changed around it.
"""
from __future__ import annotations

import streamlit as st

_WIDGET = "expander_{}"
_OPEN = "_expander_open_{}"


def is_open(name: str, default: bool = False) -> bool:
    """Whether the expander `name` was last left open (`default` before anyone touched it)."""
    return bool(st.session_state.get(_OPEN.format(name), default))


def keep_open(name: str) -> None:
    """Open the expander `name` from now on (e.g. when something inside it needs fixing)."""
    st.session_state[_OPEN.format(name)] = True


def _toggled(name: str) -> None:
    st.session_state[_OPEN.format(name)] = bool(st.session_state.get(_WIDGET.format(name)))


def remembered(name: str, label: str, *, icon: str | None = None, default: bool = False):
    """`st.expander(label)` drawn open or folded as its user last left it; `name` is its one stable identity."""
    return st.expander(label, expanded=is_open(name, default), key=_WIDGET.format(name), icon=icon,
                       on_change=_toggled, args=(name,))
