"""Which browser a session belongs to, and the cookie that keeps it: light (streamlit and the standard library only),
so streamlit_app.py sets the cookie before anything heavy is imported.

Runs belong to the student's browser, not to one websocket session, so that a reload or a second tab shows the
same runs (app/state.py attaches each session to its browser's runs). The id is random (secrets), kept in a cookie
that the page itself sets the first time. It is set first thing on every page: on a freshly started server the
heavy imports take seconds, and a student who reloads or opens a second tab in those seconds must already carry it
(when the sidebar set it, after the imports, such a reload got a new id and left its run behind, unseen).
"""
from __future__ import annotations

import re
import secrets
from collections.abc import Mapping

import streamlit as st

BROWSER_COOKIE = "latent_lab_browser"
BROWSER_KEY = "_latent_lab_browser"  # session state: the id this session uses, before and after its cookie lands
_BROWSER_ID = re.compile(r"[A-Za-z0-9_-]{32,128}")  # what secrets.token_urlsafe(32) makes; anything else is ignored
COOKIE_BOX_KEY = "browser_cookie"


def request_cookies() -> Mapping[str, str]:
    """The cookies of the request that opened this session (a function, so a test can play a browser)."""
    return st.context.cookies


def current_browser() -> str:
    """This session's browser id: the one it already uses (its cookie may not have landed yet), then the one the
    browser sent, then a new one. Never shown in the page or the URL."""
    browser = st.session_state.get(BROWSER_KEY)
    if browser is None:
        cookie = request_cookies().get(BROWSER_COOKIE)
        valid = isinstance(cookie, str) and _BROWSER_ID.fullmatch(cookie)  # (AppTest's stand-in is no string)
        browser = cookie if valid else secrets.token_urlsafe(32)
        st.session_state[BROWSER_KEY] = browser
    return browser


def remember_browser() -> None:
    """Give this browser its id as a cookie, so its next session (a reload, another tab) finds the same runs.

    Streamlit reads request cookies only; the page sets this one with a line of script run in the page itself
    (st.html with JavaScript: no iframe, no extra package), in a hidden box at the top of the sidebar, on every
    run until a session opens with the cookie. It lasts as long as the browser session, for this origin only.
    """
    browser = current_browser()
    if request_cookies().get(BROWSER_COOKIE) == browser:
        return
    cookie = f"{BROWSER_COOKIE}={browser}; Path=/; SameSite=Strict"
    with st.sidebar, st.container(key=COOKIE_BOX_KEY):
        st.html(f"<style>.st-key-{COOKIE_BOX_KEY} {{display: none;}}</style>"
                f"<script>document.cookie = {cookie!r} + (location.protocol === 'https:' ? '; Secure' : '');</script>",
                unsafe_allow_javascript=True)
