"""Deep links: a URL such as /train must open inside the app shell (sidebar, language switch, layout).

On a session's first request Streamlit may run a file under pages/ directly, before streamlit_app.py has declared
the navigation. Each page calls `require_shell(__file__)` first: when the shell has not run yet in this session,
it remembers the page and hands over to the entry point, which opens that page inside the shell.
"""
from __future__ import annotations

from pathlib import Path

import streamlit as st

# the pages after Home, as the sidebar lists them and Home's "Pages" box links them: (script, shell_text key, icon)
PAGES = (("pages/train.py", "train", ":material/model_training:"),
         ("pages/sample_blend.py", "sample", ":material/tune:"),
         ("pages/mode_collapse.py", "collapse", ":material/trending_down:"),
         ("pages/classroom.py", "classroom", ":material/groups:"))
SHELL_FLAG = "_shell_ready"
HOME_REQUEST_KEY = "train_request"  # Home puts {"preset": name, "autostart": bool} here before switching pages
DEEP_LINK = "_deep_link"


def mark_shell_ready() -> None:
    st.session_state[SHELL_FLAG] = True


def require_shell(page_file: str) -> None:
    if st.session_state.get(SHELL_FLAG):
        return
    st.session_state[DEEP_LINK] = f"pages/{Path(page_file).name}"
    # switch_page clears the query string unless told otherwise: keep a shared link's settings (app/url_state.py)
    st.switch_page("streamlit_app.py", query_params=st.query_params.to_dict())


def follow_deep_link() -> None:
    """Called by the entry point after st.navigation: open the page a deep link asked for, once."""
    target = st.session_state.pop(DEEP_LINK, None)
    if target:
        st.switch_page(target, query_params=st.query_params.to_dict())
