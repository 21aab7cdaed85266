"""A class link's parameters, taken out of the address bar by the entry point on every run (streamlit only, so a
cold start imports nothing heavy): `?class=CODE` (a join link, or with `teach` the teacher link) and `?teach=TOKEN`.

Both leave the address bar at once: the teacher's token because the address bar may be on the projector, the code
so a reload or a copied address does not ask to join again. app/class_state.py uses what they left in the session.
"""
from __future__ import annotations

import streamlit as st

LINK_CODE_KEY = "class_link_code"  # a code a link brought, waiting for the student's name (or the teacher token)
LINK_TOKEN_KEY = "class_link_token"  # a teacher token a link brought, checked on the same run by the sidebar or page


CLASS_PAGES = ("", "classroom")  # Home (the join link /?class=CODE) and the Class page (the teacher link)


def read_class_link(url_path: str) -> None:
    """Take a class link's parameters into the session, on the pages class links open (`url_path` of the page
    about to run). Elsewhere `class` belongs to the page: Sample & Blend's ?class=3 is a conditional model's class."""
    if url_path not in CLASS_PAGES:
        return
    code = st.query_params.get("class")
    if code is not None:
        st.session_state[LINK_CODE_KEY] = str(code)[:40]
        del st.query_params["class"]
    token = st.query_params.get("teach")
    if token is not None:
        st.session_state[LINK_TOKEN_KEY] = str(token)[:200]
        del st.query_params["teach"]
