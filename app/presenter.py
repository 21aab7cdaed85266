"""The page's frame for a room: the compact top every page has, and presenter mode for the projector.

Presenter mode (the sidebar switch, or `?present=1` in the URL, which Share links carry) makes the type 1.25x
and the charts' markers 1.5x larger, collapses the explanations and gives the live picture the whole width.
The choice lives in the session under its own key (not the switch's), so a page that does not draw the sidebar
in one run (a one-click preset's jump) cannot lose it.
"""
from __future__ import annotations

import streamlit as st

from .i18n import t
from .shell_text import TEXT

PRESENT_KEY = "present"  # the session's choice: True / False
SWITCH_KEY = "present_switch"  # the sidebar toggle
TYPE_SCALE = 1.25  # presenter mode: root font size, so every rem-sized text grows
MARKER_SCALE = 1.5  # presenter mode: chart markers and lines
TEXT_SCALE = 1.25  # presenter mode: chart fonts

# Streamlit's main area starts ~6rem down; 2.5rem keeps it clear of the toolbar and gives the picture the room.
_COMPACT = '[data-testid="stMainBlockContainer"] { padding-top: 2.5rem; }'
# A picture is given its width in pixels (app/pictures.py); st.image caps the <img> at 100 % of its own box, but that
# box grows with the width, so a 144-px picture overflowed its 87-px column (Sample & Blend's original/edited pair
# overlapped, the sweep strip ran off the screen): capping the box keeps every picture inside its column.
_PICTURES_FIT = '[data-testid="stImageContainer"] { max-width: 100%; }'
_PRESENT = (f"html {{ font-size: {100 * TYPE_SCALE:.0f}%; }}"
            '[data-testid="stMainBlockContainer"] { padding-top: 3.5rem; }')  # clear of the toolbar at this size


def init_from_url() -> None:
    """On a session's first run, take presenter mode from the link (`?present=1`); on every run, keep the address
    bar saying so, so a reload or a copied address stays in presenter mode (as the language does)."""
    if PRESENT_KEY not in st.session_state:
        st.session_state[PRESENT_KEY] = st.query_params.get("present") == "1"
    if presenting():
        if st.query_params.get("present") != "1":
            st.query_params["present"] = "1"
    elif "present" in st.query_params:
        del st.query_params["present"]


def presenting() -> bool:
    return bool(st.session_state.get(PRESENT_KEY, False))


def url_params() -> dict[str, str]:
    """What a link must carry to open this view again: present=1 when presenting."""
    return {"present": "1"} if presenting() else {}


def style() -> None:
    """The compact top of every page, pictures that fit their column, and presenter mode's larger type."""
    css = _COMPACT + _PICTURES_FIT + (_PRESENT if presenting() else "")
    st.html(f"<style>{css}</style>")


def _switched() -> None:
    st.session_state[PRESENT_KEY] = bool(st.session_state.get(SWITCH_KEY))
    if st.session_state[PRESENT_KEY]:
        st.query_params["present"] = "1"
    elif "present" in st.query_params:
        del st.query_params["present"]


def draw_switch() -> None:
    """The sidebar's presenter-mode switch. It shows the session's choice, whoever made it: the Class page's Show
    turns presenter mode on without touching the switch, which kept showing "off" beside the larger type."""
    st.session_state[SWITCH_KEY] = presenting()
    st.toggle(t(TEXT, "present"), key=SWITCH_KEY, on_change=_switched, help=t(TEXT, "present_help"))


def chart(figure, **options) -> None:
    """st.plotly_chart, with presenter mode's larger markers and text."""
    from .train_plots import scale_figure  # plotly: only pages that draw charts import it

    if presenting():
        figure = scale_figure(figure, MARKER_SCALE, TEXT_SCALE)
    st.plotly_chart(figure, **options)
