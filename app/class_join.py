"""The sidebar's class box: join a class (code and name), the class this browser is in, and that it ended; and the
join form at the top of the page a class's join link opened.

A student's box reruns on its own every MEMBER_SECONDS (a fragment), so a class the teacher ends is noticed
without a click; a browser in no class pays nothing.
"""
from __future__ import annotations

import streamlit as st

from gan_core.classroom import MAX_NAME_CHARS, ClassError, format_code, normalise_code

from . import class_state
from .class_text import TEXT
from .i18n import plain, t
from .state import browser_id

MEMBER_SECONDS = 5.0
CODE_KEY, NAME_KEY = "class_code_input", "class_name_input"
ERROR_KEY = "class_join_error"
ENDED_KEY = "class_ended"  # shown until this browser joins another class


def _joined() -> None:
    store = class_state.class_store()
    st.session_state.pop(ERROR_KEY, None)
    try:
        code = store.check_code(st.session_state.get(CODE_KEY, ""))
        store.join(code, browser_id(), st.session_state.get(NAME_KEY, ""))
    except ClassError as error:
        st.session_state[ERROR_KEY] = class_state.error_text(error)
        if error.key == "no_such_class":  # a stale link (the class ended): its box closes, the sidebar's form says why
            st.session_state.pop(class_state.LINK_CODE_KEY, None)
        return
    st.session_state.pop(class_state.LINK_CODE_KEY, None)
    st.session_state.pop(ENDED_KEY, None)


def _left(code: str) -> None:
    class_state.class_store().leave(code, browser_id())
    st.session_state.pop(class_state.SEEN_KEY, None)


def draw_class_box() -> str | None:
    """In the sidebar: the class this browser teaches or is in, else the join form (empty unless a link brought a
    code or a class was joined here before: a student who never meets class mode sees one line at most). Returns the
    code of the class this browser teaches, or None."""
    class_state.claim_from_link()
    teaching = class_state.taught_class()
    if teaching:
        st.markdown(t(TEXT, "teaching", code=format_code(teaching)))
        st.page_link("pages/classroom.py", label=t(TEXT, "open_class"), icon=":material/groups:")
        return teaching
    found = class_state.membership()
    if found:
        st.fragment(_member_box, run_every=MEMBER_SECONDS)()
        return None
    if class_state.came_to_join():  # the form is at the top of the page (draw_join_prompt)
        if class_ended():
            st.info(t(TEXT, "ended"), icon=":material/door_open:")
        st.caption(t(TEXT, "join_above"))
        return None
    _join_form()
    return None


def draw_join_prompt() -> None:
    """At the top of the page a class's join link opened: its code and the name box, in the main area. In the
    sidebar the form sat below the language, the device and the runs, its Join button half under the fold at 720 px,
    and nothing on the page told the student to type a name."""
    class_state.claim_from_link()  # a teacher link is not a join link
    link_code = st.session_state.get(class_state.LINK_CODE_KEY)
    if not link_code or class_state.taught_class() or class_state.membership():
        return
    code = normalise_code(link_code)  # (whether such a class runs is checked by Join, which counts wrong codes)
    if code is None:  # no code at all: no box on every page; the sidebar's form is there
        st.session_state.pop(class_state.LINK_CODE_KEY, None)
        return
    st.space("small")  # clear of Streamlit's header, which covered the box's top edge
    with st.container(border=True, key="class_join_prompt"):
        text_col, close_col = st.columns([6, 1], vertical_alignment="center")
        text_col.markdown(t(TEXT, "join_prompt", code=format_code(code)))
        close_col.button(t(TEXT, "join_not_now"), key="class_join_dismiss", on_click=_dismissed, width="stretch")
        _join_fields(format_code(code), compact=True)


def _dismissed() -> None:
    """"Not now": the box goes; the sidebar's form keeps the code."""
    st.session_state.pop(class_state.LINK_CODE_KEY, None)


def class_ended() -> bool:
    """Whether the class this browser was in has ended (then said once in the sidebar, and on the Class page),
    until it joins another."""
    if class_state.ended_notice():
        st.session_state[ENDED_KEY] = True
    return bool(st.session_state.get(ENDED_KEY))


def _member_box() -> None:
    found = class_state.membership()
    if not found:  # the class ended (or this browser left): the whole page redraws without the class
        class_ended()
        st.rerun(scope="app")
    code, member = found
    st.markdown(t(TEXT, "joined", code=format_code(code), name=plain(member["name"])))
    st.caption(t(TEXT, "joined_note"))
    st.button(t(TEXT, "leave"), key="class_leave", icon=":material/logout:", on_click=_left, args=(code,))


def _join_form() -> None:
    if class_ended():
        st.info(t(TEXT, "ended"), icon=":material/door_open:")
    link_code = st.session_state.get(class_state.LINK_CODE_KEY)
    with st.expander(t(TEXT, "class_title"), icon=":material/groups:",
                     expanded=bool(link_code or st.session_state.get(ERROR_KEY))):  # (a stale link's error shows)
        _join_fields(link_code)


def _join_fields(link_code: str | None, compact: bool = False) -> None:
    """The code, the name and Join; `compact`: side by side (the page's top), else one under the other (the
    sidebar)."""
    if link_code and CODE_KEY not in st.session_state:
        st.session_state[CODE_KEY] = link_code
    with st.form("class_join_form", border=False):
        code_col, name_col, button_col = st.columns([1, 1.4, 0.8], vertical_alignment="bottom") if compact \
            else (st.container(), st.container(), st.container())
        code_col.text_input(t(TEXT, "code_input"), key=CODE_KEY, placeholder=t(TEXT, "code_placeholder"), max_chars=20)
        name_col.text_input(t(TEXT, "your_name"), key=NAME_KEY, max_chars=MAX_NAME_CHARS,
                            help=t(TEXT, "your_name_help"))
        button_col.form_submit_button(t(TEXT, "join"), key="class_join", icon=":material/login:", type="primary",
                                      on_click=_joined, width="stretch")
    if st.session_state.get(ERROR_KEY):
        st.error(st.session_state[ERROR_KEY], icon=":material/block:")
