"""English / 中文 for every label and explanation.

Each page keeps its own table `TEXT = {key: (english, chinese)}` and calls `t(TEXT, key, **values)`.

The language lives in st.session_state["lang"], a plain value that no widget owns. The sidebar's radio (its own key)
only changes it, in its on_change. A widget's state does not outlive a page change made with st.switch_page: the
rerun it asks for carries no widget states, so Streamlit drops every widget's value (Home's one-click presets lost
中文 that way while the radio's key held the language). The URL's `lang` parameter carries the language to a new
session (a reload, a Share link, a link opened in a new tab); the entry point keeps it in the address bar on every
page.
"""
from __future__ import annotations

import streamlit as st

from .data_error_text import DATA_ERROR_ZH, FILE_ZH

LANGUAGES = {"en": "English", "zh": "中文"}
LANG_KEY = "lang"  # the session's language
CHOICE_KEY = "lang_choice"  # the sidebar's radio
URL_PARAM = "lang"


def lang() -> str:
    return st.session_state.get(LANG_KEY, "en")


def t(table: dict, key: str, **values) -> str:
    """The text for `key` in the current language, formatted with `values`; the key itself if missing."""
    pair = table.get(key)
    if pair is None:
        return key
    text = pair[1] if lang() == "zh" and len(pair) > 1 and pair[1] else pair[0]
    return text.format(**values) if values else text


def plain(text: str) -> str:
    """`text` for st.markdown as the characters typed: every ASCII punctuation escaped, so no markup, link, colour
    directive (:red[...]) or icon (:material/...:) in a name a person typed (a student's, a run's) is interpreted."""
    return "".join(f"\\{c}" if c.isascii() and not c.isalnum() and not c.isspace() else c for c in str(text))


def plural(key: str, count: int) -> str:
    """`key`, or `key + "_one"` for a count of 1: English says "1 student", not "1 students" (中文 has one form, so a
    `_one` entry repeats it)."""
    return f"{key}_one" if count == 1 else key


def error_text(error: Exception) -> str:
    """A DataError's sentence in the current language: gan_core gives its key and values, the 中文 lives in
    app/data_error_text.py; any other error (or a key without 中文) reads as it was raised."""
    key = getattr(error, "key", None)
    if lang() != "zh" or key not in DATA_ERROR_ZH:
        return str(error)
    values = {name: FILE_ZH.get(value, value) if isinstance(value, str) else value
              for name, value in getattr(error, "values", {}).items()}
    return DATA_ERROR_ZH[key].format(**values)


def start_language() -> None:
    """Called by the entry point before any page: a new session takes the URL's language, and the address bar
    shows this session's language (English leaves no parameter), so a reload or a copied address keeps it."""
    if LANG_KEY not in st.session_state:
        asked = st.query_params.get(URL_PARAM)
        st.session_state[LANG_KEY] = asked if asked in LANGUAGES else "en"
    current = lang()
    if current == "en":
        if URL_PARAM in st.query_params:
            del st.query_params[URL_PARAM]
    elif st.query_params.get(URL_PARAM) != current:
        st.query_params[URL_PARAM] = current


def language_query() -> dict[str, str]:
    """The query parameters a link to another page needs to open in this language ({} for English)."""
    return {} if lang() == "en" else {URL_PARAM: lang()}


def draw_language_choice(label: str) -> None:
    """The language radio: it starts from the session's language and changes it only when a person picks one."""
    st.radio(label, list(LANGUAGES), index=list(LANGUAGES).index(lang()), format_func=LANGUAGES.get, key=CHOICE_KEY,
             horizontal=True, on_change=_language_chosen)


def _language_chosen() -> None:
    st.session_state[LANG_KEY] = st.session_state[CHOICE_KEY]


def language_key(key: str, language: str | None = None) -> str:
    """The key of a widget whose options are shown in words of a language (the current one by default).

    Streamlit 1.67 keeps the value of a select_slider, pills, selectbox or segmented control as the *text* of the
    chosen option. Drawn again in the other language under the same key, the widget finds no option with that
    text, and the browser falls back to the default option (and calls on_change: slow motion set to 0.25 s in
    English became "关", full speed, in 中文). So each language gets its own widget: English keeps the bare key,
    another language adds its code. The value itself lives elsewhere (the job, a session key): the caller seeds
    the widget from it when `key` is missing here, see `forget_other_languages` (or `draw_worded`, which does both).
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


SHOWN = "_shown"  # a worded widget's key: the key of its value + SHOWN (+ "_zh" in 中文), see `draw_worded`


def worded_key(key: str, language: str | None = None) -> str:
    """The key of the widget that shows the worded choice kept in st.session_state[key], in `language` (the one on
    screen by default)."""
    return language_key(key + SHOWN, language)


def draw_worded(draw, label: str, options: list, key: str, format_func=str, **widget_options):
    """Draw `draw` (st.selectbox, st.radio, st.multiselect, or a container's) over `options` shown as words of the
    language on screen, and return its value: the option (or list of options) kept in st.session_state[key].

    The widget is drawn under a key of the language on screen (`worded_key`, see `language_key`), seeded from
    st.session_state[key] whenever they differ, and copies a person's pick back in on_change. So the value is
    always a plain option, whatever text the browser holds, for the code that reads it (a URL codec, a caller
    that sets the selection itself). The caller puts a valid value in st.session_state[key] first."""
    shown = forget_other_languages(key + SHOWN)
    if st.session_state.get(shown) != st.session_state[key]:
        st.session_state[shown] = st.session_state[key]
    # the labels as they are now: a function that reads the language when called (by Streamlit's test harness,
    # between runs) would describe the options in another language than the one they were drawn in
    labels = {option: format_func(option) for option in options}
    draw(label, options, key=shown, format_func=labels.get, on_change=_picked, args=(shown, key, options),
         **widget_options)
    return st.session_state[key]


def _picked(shown: str, key: str, options: list) -> None:
    value = st.session_state.get(shown)
    if isinstance(value, list):  # a multiselect
        st.session_state[key] = [option for option in value if option in options]
    elif value in options:  # a person's pick; never a label of another language
        st.session_state[key] = value
