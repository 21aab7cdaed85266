"""The teacher's side of the Class page: start and end a class, its join code with a QR code, the private teacher
link, the challenge and what students may see."""
from __future__ import annotations

import io
import ipaddress
from urllib.parse import urlencode, urlsplit

import qrcode
import streamlit as st

from gan_core import settings
from gan_core.classroom import CHANGEABLE, GOAL_METRICS, Challenge, ClassError, format_code
from gan_core.presets import PRESETS

from . import class_state
from .class_text import TEXT
from .i18n import language_key, t
from .pictures import show_png
from .state import browser_id

ERROR_KEY = "class_teacher_error"
FALLBACK_URL = "http://localhost:8501"  # AppTest has no browser address


def base_url() -> str:
    """The app's address for students: LATENT_LAB_PUBLIC_URL behind a proxy, else the scheme and host the teacher's
    browser used with the app's own base path (st.context.url may end with the page's path)."""
    if settings.public_url():
        return settings.public_url()
    parts = urlsplit(st.context.url or FALLBACK_URL)
    base_path = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"{parts.scheme}://{parts.netloc}" + (f"/{base_path}" if base_path else "")


def this_computer_only(url: str) -> str | None:
    """The host of `url` when it names the computer it is opened on (localhost, 127.0.0.1, ::1), else None: a join
    link with it sends every student's phone to the phone itself."""
    host = urlsplit(url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return host
    try:
        return host if ipaddress.ip_address(host).is_loopback else None
    except ValueError:
        return None


def join_link(code: str) -> str:
    return f"{base_url()}/?{urlencode({'class': format_code(code)})}"


def teacher_link(code: str, token: str) -> str:
    return f"{base_url()}/classroom?{urlencode({'class': code, 'teach': token})}"


@st.cache_data(max_entries=32, show_spinner=False)
def qr_png(link: str) -> bytes:
    picture = qrcode.make(link, box_size=6, border=2).get_image()  # a Pillow image
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


def _start() -> None:
    st.session_state.pop(ERROR_KEY, None)
    try:
        info, token = class_state.class_store().create(browser_id())
    except ClassError as error:
        st.session_state[ERROR_KEY] = class_state.error_text(error)
        return
    st.session_state[class_state.TOKEN_SHOWN_KEY] = (info.code, token)


def _end(code: str) -> None:
    class_state.class_store().end(code)
    st.session_state.pop(class_state.TOKEN_SHOWN_KEY, None)


def draw_start(primary: bool = True) -> None:
    """The Start button: primary for a teacher's first visit, secondary where the visitor is a student (see the page)."""
    st.button(t(TEXT, "start"), key="class_start", type="primary" if primary else "secondary", icon=":material/groups:",
              help=t(TEXT, "start_help"), on_click=_start)
    if st.session_state.get(ERROR_KEY):
        st.error(st.session_state[ERROR_KEY], icon=":material/block:")


def draw_header(code: str) -> None:
    """The join code large with its QR code, the join link, the teacher link (folded away), the sharing switches and
    End class: one row, so the gallery starts on the first screen."""
    store = class_state.class_store()
    info = store.get(code)
    # the page has no title: move the header's first line out from under Streamlit's toolbar (60 px high)
    st.html('<style>[data-testid="stMainBlockContainer"] { padding-top: 4rem; }</style>')
    code_col, qr_col, controls_col = st.columns([2.4, 1, 2.2], gap="medium")
    with code_col:
        st.markdown(f"**{t(TEXT, 'join_code')}**")
        # the code is made of CODE_ALPHABET only: nothing in it can be markup
        st.html(f'<div data-testid="class-join-code" style="font-size: 2.8rem; font-weight: 700; '
                f'letter-spacing: 0.06em; line-height: 1.1; font-family: monospace; white-space: nowrap;">{format_code(code)}</div>')
        st.caption(t(TEXT, "join_link", link=join_link(code)))
        host = this_computer_only(base_url())
        if host:
            st.caption(t(TEXT, "join_link_loopback", host=host))
    with qr_col:
        show_png(qr_png(join_link(code)), width=130, caption=t(TEXT, "qr_caption"))
    with controls_col:
        st.toggle(t(TEXT, "share_gallery"), value=info.show_gallery, key="class_share_gallery",
                  on_change=_shared, args=(code,))
        st.toggle(t(TEXT, "share_leaderboard"), value=info.show_leaderboard, key="class_share_leaderboard",
                  on_change=_shared, args=(code,))
        left, right = st.columns(2, gap="small")
        shown = st.session_state.get(class_state.TOKEN_SHOWN_KEY)
        with left.popover(t(TEXT, "teacher_link"), icon=":material/key:", width="stretch"):
            st.caption(t(TEXT, "teacher_link_help"))
            if shown and shown[0] == code:
                st.code(teacher_link(code, shown[1]), language=None, wrap_lines=True)
                st.caption(t(TEXT, "teacher_link_shown"))
            else:  # shown to the session that started the class only: after a reload, a new one replaces it
                st.caption(t(TEXT, "teacher_link_gone"))
                st.button(t(TEXT, "teacher_link_new"), key="class_new_teacher_link", icon=":material/autorenew:",
                          on_click=_new_teacher_link, args=(code,))
        right.button(t(TEXT, "end"), key="class_end", icon=":material/close:", help=t(TEXT, "end_help"),
                     on_click=_end, args=(code,), width="stretch")


def _new_teacher_link(code: str) -> None:
    token = class_state.class_store().new_teacher_token(code, browser_id())
    if token:
        st.session_state[class_state.TOKEN_SHOWN_KEY] = (code, token)


def _shared(code: str) -> None:
    class_state.class_store().update(code, show_gallery=bool(st.session_state.get("class_share_gallery")),
                                     show_leaderboard=bool(st.session_state.get("class_share_leaderboard")))


def draw_challenge(code: str) -> None:
    info = class_state.class_store().get(code)
    current = info.challenge_obj if info else None
    st.markdown(class_state.challenge_text(current))
    cells = st.columns([1.4, 1.4, 1], vertical_alignment="bottom")
    cells[0].selectbox(t(TEXT, "challenge_preset"), list(PRESETS), key="class_challenge_preset")
    preset = st.session_state.get("class_challenge_preset")
    cells[1].selectbox(t(TEXT, "challenge_metric"), list(GOAL_METRICS), key=language_key("class_challenge_metric"),
                       format_func=lambda metric: class_state.metric_label(metric, preset))
    cells[2].number_input(t(TEXT, "challenge_target"), min_value=0.0, value=0.0, key="class_challenge_target")
    # a row of its own, its chips wrapped: in a quarter of the width "Learning rate of G (decoder for …" hid the rest
    st.multiselect(t(TEXT, "challenge_allowed"), list(CHANGEABLE), key="class_challenge_allowed",
                   default=["lr_g", "lr_d", "n_critic"], select_all=False, format_func=class_state.setting_label,
                   wrap=True)
    left, right, _ = st.columns([1, 1, 2])
    left.button(t(TEXT, "challenge_set"), key="class_challenge_set", type="primary", on_click=_set_challenge,
                args=(code,), width="stretch")
    right.button(t(TEXT, "challenge_clear"), key="class_challenge_clear", on_click=_clear_challenge, args=(code,),
                 disabled=current is None, width="stretch")


def _set_challenge(code: str) -> None:
    target = float(st.session_state.get("class_challenge_target") or 0.0)
    try:
        challenge = Challenge(st.session_state.get("class_challenge_preset", ""),
                              tuple(st.session_state.get("class_challenge_allowed") or ()),
                              st.session_state.get(language_key("class_challenge_metric"), ""), target or None)
    except ClassError as error:
        st.session_state[ERROR_KEY] = class_state.error_text(error)
        return
    class_state.class_store().set_challenge(code, challenge)


def _clear_challenge(code: str) -> None:
    class_state.class_store().set_challenge(code, None)
