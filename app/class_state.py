"""Class mode's server-wide objects and this session's place in a class (the logic is gan_core/classroom.py).

- `class_store()` / `class_publisher()`: one of each per server (st.cache_resource, global scope).
- `claim_from_link()`: a teacher link's token (app/class_link.py took it out of the address bar) makes this browser a
  teacher of that class.
- `membership()`: the class this browser joined, found again after a reload through the browser id (app/state.py),
  hashed with the class code: nothing new is kept in the browser.
- `enforce_challenge(config)` / `follow(job)`: what the Train page's start_run asks before and after submitting.
"""
from __future__ import annotations

import streamlit as st

from gan_core.classroom import GOAL_METRICS, Challenge, ClassError, ClassPublisher, ClassStore
from gan_core.config import LABELLED_DATASETS, TrainConfig
from gan_core.evaluation.metrics import LABELS
from gan_core.presets import PRESETS

from .class_link import LINK_CODE_KEY, LINK_TOKEN_KEY
from .class_text import CLASS_LABELS, TEXT
from .i18n import lang, t
from .state import browser_id, job_manager
from .train_text import TEXT as TRAIN_TEXT

SEEN_KEY = "class_seen"  # the class this session was last in, to say once that it ended
ENDED_ASKED_KEY = "class_ended_asked"  # this session has asked the store whether a class of this browser ended
TOKEN_SHOWN_KEY = "class_teacher_token"  # the token of the class this session started, shown to it only


@st.cache_resource(show_spinner=False)
def class_store() -> ClassStore:
    return ClassStore()


@st.cache_resource(show_spinner=False)
def class_publisher() -> ClassPublisher:
    return ClassPublisher(class_store(), job_manager())


def claim_from_link() -> None:
    """A teacher link's token, once: with the class's code it makes this browser a teacher of it."""
    token = st.session_state.pop(LINK_TOKEN_KEY, None)
    code = st.session_state.get(LINK_CODE_KEY)
    if token and code:
        # a teacher link's code is not a join link's: claimed or not, no "Join class" box for it
        st.session_state.pop(LINK_CODE_KEY, None)
        try:
            code = class_store().check_code(code)  # a wrong code counts against the limit as any other
        except ClassError:
            return
        class_store().claim_teacher(code, token, browser_id())


def error_text(error: ClassError) -> str:
    return t(TEXT, error.key, **error.values)


def membership() -> tuple[str, dict] | None:
    """(code, member record) of the class this browser is a student of, or None."""
    found = class_store().membership(browser_id())
    if found:
        st.session_state[SEEN_KEY] = found[0]
    return found


def came_to_join() -> bool:
    """Whether this session was opened by a class's join link (its code waits for the student's name)."""
    return bool(st.session_state.get(LINK_CODE_KEY))


def taught_class() -> str | None:
    return class_store().taught_by(browser_id())


def ended_notice() -> bool:
    """True once, when the class this browser was in has ended (the page then says so in one sentence): noticed by
    this session, or, on a session's first run (a reload, a new tab), found in the store's record of ended classes."""
    store = class_store()
    seen = st.session_state.get(SEEN_KEY)
    if seen and store.get(seen) is None:
        st.session_state.pop(SEEN_KEY, None)
        store.ended_for(browser_id())  # told here: not again after a reload
        return True
    if ENDED_ASKED_KEY not in st.session_state:
        st.session_state[ENDED_ASKED_KEY] = True
        return store.ended_for(browser_id()) is not None
    return False


def challenge() -> Challenge | None:
    """The challenge of the class this browser is a student of (teachers are never locked)."""
    found = membership()
    if not found:
        return None
    info = class_store().get(found[0])
    return info.challenge_obj if info else None


def enforce_challenge(config: TrainConfig) -> tuple[TrainConfig, list[str]]:
    """The config a class member may start: the challenge's lock applied on the server, whatever the page sent."""
    current = challenge()
    return current.enforce(config) if current else (config, [])


def follow(job) -> None:
    """A class member's new run joins the class: its summary is written while it trains."""
    found = membership()
    if not found:
        return
    code, member = found
    info = class_store().get(code)
    current = info.challenge_obj if info else None
    class_publisher().follow(job, code, member, current.id if current else "")


def metric_label(metric: str, preset: str | None = None) -> str:
    """The metric's name; with the challenge's `preset`, "modes" for 2-D points and "classes" for labelled images
    (without one, the gallery's runs may be either: "modes or classes")."""
    pair = None
    if metric == "modes_covered" and preset in PRESETS:
        config = PRESETS[preset].config()
        pair = (LABELS[metric] if config.is_points else
                CLASS_LABELS["classes_covered"] if config.dataset in LABELLED_DATASETS else None)
    pair = pair or CLASS_LABELS.get(metric) or LABELS.get(metric, (metric, metric))
    return pair[1] if lang() == "zh" else pair[0]


def setting_label(field: str) -> str:
    """A setting a challenge locks or frees, named as the Train page's widget names it."""
    return t(TRAIN_TEXT, field) if field in TRAIN_TEXT else field


def challenge_text(challenge: Challenge | None) -> str:
    if challenge is None:
        return t(TEXT, "challenge_none")
    higher = GOAL_METRICS[challenge.metric]
    name = metric_label(challenge.metric, challenge.preset)
    if challenge.target is None:
        goal = t(TEXT, "goal_higher" if higher else "goal_lower", metric=name)
    else:
        goal = t(TEXT, "goal_target_higher" if higher else "goal_target_lower", metric=name, target=challenge.target)
    allowed = ", ".join(setting_label(field) for field in challenge.allowed) or t(TEXT, "challenge_nothing")
    return t(TEXT, "challenge_banner", preset=challenge.preset, allowed=allowed, goal=goal)
