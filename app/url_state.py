"""Shareable links: the settings of the Train and Sample & Blend pages live in the URL's query parameters.

A teacher sets a page up, copies its address, and every student who opens it gets the same preset, seed and
view: `/train?preset=ring8-fixed&seed=3`, `/sample_blend?ckpt=demo:digits-gan&tab=interpolate&mode=lerp`.

How it works, per page:
- Writing. After the page's settings are known, they are written into `st.query_params`, so the address bar is
  always a working link. The Train page writes `preset` plus only the fields that differ from that preset
  (short links; the preset fills in the rest). Only this module's own parameters are touched (`embed` and
  anything else in the URL stay), and nothing is sent when nothing changed.
- Reading. A link is applied when the URL holds parameters that this page did not write itself: somebody opened
  a link or edited the address bar. A page switch arrives with an empty query string and changes nothing, so
  the settings a student made survive a visit to another page. Applying a link sets every setting it covers;
  settings it leaves out go back to their defaults, so a link always means the same thing.
- Checking. Each value is parsed and checked on its own (type, range, allowed choices); a bad one is dropped
  with a one-sentence note above the page (never an exception) and the others still apply. A value that fits the
  parameter but not the model (class 999 of a 10-class model, grid number 99999 of a 36-image grid) is shown as
  the widget can show it, with a note, and the URL then says what is shown. A parameter given twice
  (seed=1&seed=2) takes its last value, with a note, and the URL keeps that one. A link may never
  make the server read a folder: `dataset=folder:...` and `data_root` are refused.

The parsing and checking functions are plain Python (no Streamlit) so they can be tested on their own. The
Streamlit side takes everything it needs as arguments and knows no page module: the Train page's glue lives in
app/train_form.py (it calls `new_link`, `write_query`, `keep_notes`, `draw_notes`, `draw_share`), the Sample &
Blend page calls `restore_sample` and `sync_sample`.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from urllib.parse import urlencode

import streamlit as st

from gan_core.config import (ARCHS, IMAGE_DATASETS, IMAGE_SIZES, LOSSES, POINT_DATASETS, PRECISIONS, RANGES,
                             field_types, model_names)
from gan_core.options import written
from gan_core.presets import PRESETS

from . import presenter
from .i18n import forget_other_languages, language_query, t
from .url_state_text import TEXT

MAX_SHOWN = 40  # characters of a rejected value repeated in a note
REFUSED = ("data_root",)  # a path on the server: a link must never choose which folder the server reads
PASS_THROUGH = ("lang", "present", "embed", "embed_options")  # read by the shell or by Streamlit itself, never noted
_SAFE_TEXT = re.compile(r"[A-Za-z0-9_.+-]{1,40}")


@dataclass(frozen=True)
class Param:
    """One setting in the URL: its name there, its key in st.session_state, its type and what is allowed."""

    name: str
    key: str
    kind: type  # int | float | bool | str
    low: float | None = None
    high: float | None = None
    choices: tuple = ()


class BadValue(ValueError):
    """A link's value that cannot be used; `reason` names the note (see app/url_state_text.py), `extra` fills it in."""

    def __init__(self, reason: str, **extra):
        super().__init__(reason)
        self.reason = reason
        self.extra = extra


# -- values <-> text --------------------------------------------------------------------------------------------
def encode(value) -> str:
    """A setting as URL text: 1/0 for booleans, the shortest exact text for numbers."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


def parse(param: Param, raw: str):
    """The typed value of `raw` for `param`, or BadValue saying why it cannot be used."""
    text = raw.strip()
    if param.kind is bool:
        lowered = text.lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
        raise BadValue("not_bool")
    if param.kind is int:
        if not re.fullmatch(r"[+-]?\d{1,12}", text):
            raise BadValue("not_integer")
        value = int(text)
    elif param.kind is float:
        try:
            value = float(text)
        except ValueError:
            raise BadValue("not_number") from None
        if not math.isfinite(value):
            raise BadValue("not_number")
    else:
        value = text
    if param.choices:
        if value not in param.choices:
            shown = [str(c) for c in param.choices[:10]] + (["…"] if len(param.choices) > 10 else [])
            raise BadValue("not_choice", choices=", ".join(shown))
        return value
    if param.low is not None and param.high is not None and not (param.low <= value <= param.high):
        raise BadValue("out_of_range", low=written(param.low), high=written(param.high))
    if param.kind is str and not _SAFE_TEXT.fullmatch(value):
        raise BadValue("not_choice", choices="letters, digits and - _ .")
    return value


def note(reason: str, name: str, value: str = "", **extra) -> tuple[str, dict]:
    """A note to show later, in whatever language the page is in then: (TEXT key, values)."""
    return "note_" + reason, {"name": _shown(name), "value": _shown(value), **extra}


def _shown(text: str) -> str:
    """A value from a URL, safe to put in Markdown: shortened, in code style so `[x](y)` is not a link."""
    text = str(text).replace("`", "'").replace("\n", " ")
    if len(text) > MAX_SHOWN:
        text = text[:MAX_SHOWN] + "…"
    return f"`{text}`"


def repeat_notes(query_lists: dict[str, list[str]], names) -> list[tuple[str, dict]]:
    """A note for each of `names` that the link gives more than once: the last value is the one used (as
    st.query_params[name] reads it), and the URL is rewritten with that one only."""
    return [note("repeated", name, values[-1], count=len(values))
            for name, values in query_lists.items() if name in names and len(values) > 1]


def adjusted_notes(applied: dict, shown: dict, params) -> list[tuple[str, dict]]:
    """A note for each value a link set that the page could not show as it was: a class this model lacks, a grid
    number past its end. applied / shown: {session key: value} as the link set it and as the widgets hold it."""
    notes = []
    for param in params:
        if param.key in applied and param.key in shown and shown[param.key] != applied[param.key]:
            notes.append(note("adjusted", param.name, encode(applied[param.key]), shown=_shown(encode(shown[param.key]))))
    return notes


def note_text(notes: list[tuple[str, dict]]) -> str:
    """All notes as one Markdown block, one sentence per line, in the current language."""
    return "  \n".join(t(TEXT, key, **values) for key, values in notes)


# -- the Train page ---------------------------------------------------------------------------------------------
_TRAIN_CHOICES = {
    "dataset": POINT_DATASETS + IMAGE_DATASETS,
    "loss": LOSSES,
    "arch": ARCHS,
    "image_size": IMAGE_SIZES,
    "precision": PRECISIONS,
}


def train_params(fields) -> dict[str, Param]:
    """URL parameters for the settings form's `fields` (named as in TrainConfig), minus the refused ones."""
    types = field_types()
    params = {}
    for field in fields:
        if field in REFUSED:
            continue
        kind = types.get(field, str)
        if field == "model":
            params[field] = Param(field, field, str, choices=tuple(model_names()))
        elif field in _TRAIN_CHOICES:
            params[field] = Param(field, field, kind, choices=tuple(_TRAIN_CHOICES[field]))
        elif field in RANGES:
            low, high = RANGES[field]
            params[field] = Param(field, field, kind, low, high)
        else:
            params[field] = Param(field, field, kind)
    return params


def read_train(query: dict[str, str], fields) -> tuple[str | None, dict, list]:
    """(preset or None, {field: value}, notes) from a Train link; bad values are left out with a note each."""
    params = train_params(fields)
    notes = []
    preset = query.get("preset")
    if preset is not None and preset not in PRESETS:
        notes.append(note("unknown_preset", "preset", preset))
        preset = None
    values = {}
    for name, raw in query.items():
        if name == "preset" or name in PASS_THROUGH:
            continue
        if name in REFUSED:
            notes.append(note("not_shareable", name))
            continue
        if name not in params:
            notes.append(note("unknown_name", name))
            continue
        if name == "dataset" and raw.startswith("folder:"):
            notes.append(note("folder_refused", name, raw))
            continue
        try:
            values[name] = parse(params[name], raw)
        except BadValue as error:
            notes.append(note(error.reason, name, raw, **error.extra))
    return preset, values, notes


def train_query(settings: dict, reference: dict, fields) -> dict[str, str]:
    """URL parameters for the Train settings: the preset, then each shareable field that differs from it.

    A value a link could not carry back (a folder on the server, data drawn or uploaded in the browser) is left
    out; `train_left_out` names those fields for the Share popover.
    """
    params = train_params(fields)
    query = {"preset": str(settings.get("_preset", ""))}
    for field in fields:
        value = settings.get(field)
        if field in params and value is not None and value != reference.get(field) and _shareable(params[field], value):
            query[field] = encode(value)
    return query


def train_left_out(settings: dict, reference: dict, fields) -> list[str]:
    """Fields whose value differs from the preset but cannot travel in a link."""
    params = train_params(fields)
    return [field for field in fields
            if settings.get(field) not in (None, reference.get(field))
            and (field not in params or not _shareable(params[field], settings[field]))]


def _shareable(param: Param, value) -> bool:
    """True when the value would come back unchanged from a link."""
    if param.name == "dataset" and str(value).startswith("folder:"):
        return False
    try:
        return parse(param, encode(value)) == value
    except BadValue:
        return False


# -- the Sample & Blend page ------------------------------------------------------------------------------------
MAX_SEED = 2**31 - 1  # as app.sample_compute.MAX_SEED (not imported: this module loads with the Train page)
_SEED = dict(kind=int, low=0, high=MAX_SEED)
_INDEX = dict(kind=int, low=0, high=100_000)  # a grid number: the widget pulls it into the model's range
SAMPLE_PARAMS = (
    Param("ckpt", "sample_ckpt", str),  # checked against the checkpoints on this server, not by pattern
    Param("class", "sample_class", int, 0, 999),
    Param("seed", "sample_seed", **_SEED),
    Param("side", "sample_side", int, 2, 10),
    Param("points", "sample_points", int, 100, 5000),
    Param("psi", "sample_psi", float, 0.0, 1.0),
    Param("extent", "sample_extent", float, 0.5, 4.0),
    Param("rows", "sample_class_rows", bool),
    Param("pick", "interp_pick", str, choices=("grid", "seed")),
    Param("a", "interp_a_index", **_INDEX),
    Param("b", "interp_b_index", **_INDEX),
    Param("a_seed", "interp_a_seed", **_SEED),
    Param("b_seed", "interp_b_seed", **_SEED),
    Param("steps", "interp_steps", int, 3, 16),
    Param("mode", "interp_gif_mode", str, choices=("slerp", "lerp")),
    Param("tl", "blend_tl", **_SEED),
    Param("tr", "blend_tr", **_SEED),
    Param("bl", "blend_bl", **_SEED),
    Param("br", "blend_br", **_SEED),
    Param("blend_size", "blend_size", int, 3, 9),
    *(param for term in "abc" for param in (
        Param(f"arith_{term}", f"arith_{term}_src", str, choices=("seed", "grid", "class")),
        Param(f"arith_{term}_class", f"arith_{term}_class", int, 0, 999),
        Param(f"arith_{term}_index", f"arith_{term}_index", **_INDEX),
        Param(f"arith_{term}_seed", f"arith_{term}_seed", **_SEED))),
    Param("edit_pick", "edit_pick", str, choices=("grid", "seed")),
    Param("edit", "edit_index", **_INDEX),
    Param("edit_seed", "edit_seed", **_SEED),
    Param("real_a", "real_a", **_INDEX),
    Param("real_b", "real_b", **_INDEX),
)
TAB_PARAM = "tab"
TAB_KEY = "sample_tab"  # the st.tabs widget's key on the Sample & Blend page (one per language: language_key)
OPEN_TAB_KEY = "_sample_tab_open"  # the open tab's id ("blend"): a plain value, whatever the language or the model
UPLOAD_OPTION = "upload"
_PENDING_TAB = "_url_sample_tab"
_APPLIED = "_url_sample_applied"
_NO_TAB = object()


def read_sample(query: dict[str, str], checkpoints: list[str]) -> tuple[dict, str | None, list]:
    """({session key: value}, tab id or None, notes) from a Sample & Blend link."""
    values, notes = {}, []
    by_name = {p.name: p for p in SAMPLE_PARAMS}
    tab = None
    for name, raw in query.items():
        if name in PASS_THROUGH:
            continue
        if name == TAB_PARAM:
            tab = raw.strip()
            continue
        param = by_name.get(name)
        if param is None:
            notes.append(note("unknown_name", name))
        elif name == "ckpt":
            if raw in checkpoints and raw != UPLOAD_OPTION:
                values[param.key] = raw
            else:
                notes.append(note("unknown_checkpoint", name, raw))
        else:
            try:
                values[param.key] = parse(param, raw)
            except BadValue as error:
                notes.append(note(error.reason, name, raw, **error.extra))
    return values, tab, notes


def sample_query(state, tab: str | None, unused=frozenset()) -> dict[str, str]:
    """URL parameters for the Sample & Blend settings found in `state` (a mapping like st.session_state), less the
    session keys in `unused` (settings the model on screen has no use for: ψ of a model that cannot truncate)."""
    query = {}
    for param in SAMPLE_PARAMS:
        if param.key not in state or param.key in unused:
            continue
        value = state[param.key]
        if param.name == "ckpt" and value == UPLOAD_OPTION:
            continue
        if isinstance(value, (bool, int, float, str)):
            query[param.name] = encode(value)
    if tab:
        query[TAB_PARAM] = tab
    return query


def restore_sample(checkpoints: list[str]) -> None:
    """Called before the checkpoint picker: apply a link the URL holds (once per new link)."""
    link = new_link("sample", {p.name for p in SAMPLE_PARAMS} | {TAB_PARAM})
    if link is None:
        return
    values, tab, notes = read_sample(link, checkpoints)
    notes += repeat_notes(query_lists(), set(link) - set(PASS_THROUGH))
    st.session_state[_APPLIED] = dict(values)  # checked against what the widgets show, once they are drawn
    for param in SAMPLE_PARAMS:
        # what the link leaves out goes back to the widget's default, so a link always shows the same thing
        st.session_state.pop(f"_last_{param.key}", None)  # the choice helper's fallback memory
        if param.key in values:
            st.session_state[param.key] = values[param.key]
        else:
            st.session_state.pop(param.key, None)
    st.session_state[_PENDING_TAB] = tab
    keep_notes("sample", notes)


def open_linked_tab(section_keys: list[str], table: dict[str, tuple[str, str]], unused=frozenset()):
    """Called just before the tabs are drawn: open the tab a link asked for.
    -> (a container above the tabs for the link's notes, the tabs widget's key, the label of the tab to open).

    section_keys: the tabs this model has, as text keys ("tab_samples", ...); table: the page's text table;
    unused: the session keys of settings this model has no widget for. They stay out of the URL and Share (the
    page does not use them); kept in the session they come back with a model that uses them, but a link's value
    for one is dropped with a note, as any other value of a link that cannot be used.
    The open tab is kept by its id (OPEN_TAB_KEY), never by its label: the labels change with the language and
    the set of tabs with the model, and a tab kept by label fell back to the first one on screen while the URL
    and Share still named the old one. The tabs are drawn with the kept tab as their default under a key of the
    language on screen, so what shows, the URL and Share always agree. sync_sample fills the notes' container
    once the widgets have shown what they could.
    """
    ids = [key.removeprefix("tab_") for key in section_keys]
    pending = st.session_state.pop(_PENDING_TAB, _NO_TAB)
    if pending is not _NO_TAB:  # a link was applied in this run
        st.session_state[OPEN_TAB_KEY] = pending if pending in ids else ids[0]
        ignored = [note("not_used", param.name, encode(st.session_state.pop(param.key))) for param in SAMPLE_PARAMS
                   if param.key in unused and param.key in st.session_state]
        if pending is not None and pending not in ids:
            ignored.append(note("unknown_tab", TAB_PARAM, pending))
        if ignored:
            notes = st.session_state.get(_notes_key("sample"), (None, []))[1]
            keep_notes("sample", notes + ignored)
    return st.container(), forget_other_languages(TAB_KEY), t(table, section_keys[ids.index(_open_tab(ids))])


def _open_tab(ids: list[str]) -> str:
    kept = st.session_state.get(OPEN_TAB_KEY)
    return kept if kept in ids else ids[0]


def sync_sample(section_keys: list[str], table: dict[str, tuple[str, str]], share_slot=None,
                notes_slot=None, unused=frozenset()) -> None:
    """Called after the open tab is drawn: note what a link set that the widgets could not show, write the URL
    (what the page shows now: a grid number pulled into range goes into the link as shown, a setting this model
    does not use stays out), draw the notes (in `notes_slot`) and Share (in `share_slot`, a container, when given).

    section_keys: the tabs this model has, as text keys ("tab_samples", ...); table: the page's text table.
    """
    ids = [key.removeprefix("tab_") for key in section_keys]
    applied = st.session_state.pop(_APPLIED, None)
    if applied:
        adjusted = adjusted_notes(applied, st.session_state, SAMPLE_PARAMS)
        if adjusted:
            keep_notes("sample", st.session_state.get(_notes_key("sample"), (None, []))[1] + adjusted)
    tab = _open_tab(ids)
    query = sample_query(st.session_state, tab if tab != ids[0] else None, unused)
    write_query("sample", query)
    with notes_slot if notes_slot is not None else st.container():
        draw_notes("sample", query)
    with share_slot if share_slot is not None else st.container():
        if st.session_state.get("sample_ckpt") == UPLOAD_OPTION:
            draw_share("sample_blend", None, t(TEXT, "share_upload"))
        else:
            draw_share("sample_blend", query, t(TEXT, "share_sample"))


def sample_tab_opened(section_keys: list[str], table: dict[str, tuple[str, str]], widget_key: str) -> None:
    """on_change of the tabs: keep the id of the tab the student opened."""
    label = st.session_state.get(widget_key)
    st.session_state[OPEN_TAB_KEY] = next((key.removeprefix("tab_") for key in section_keys if label in table[key]),
                                          section_keys[0].removeprefix("tab_"))


# -- Streamlit glue shared by both pages ---------------------------------------------------------------------------
def _written_key(page: str) -> str:
    return f"_url_written_{page}"


def _notes_key(page: str) -> str:
    return f"_url_notes_{page}"


def new_link(page: str, names: set[str]) -> dict[str, str] | None:
    """This page's parameters in the URL when they are not the ones the page wrote itself, else None."""
    current = {name: st.query_params[name] for name in st.query_params if name in names}
    if not current or current == st.session_state.get(_written_key(page)):
        return None
    # the whole query (not only known names), so a misspelt setting gets its note too
    return {name: st.query_params[name] for name in st.query_params}


def query_lists() -> dict[str, list[str]]:
    """Every parameter of the URL with all its values (a link may repeat one: seed=1&seed=2)."""
    return {name: st.query_params.get_all(name) for name in st.query_params}


def view_params() -> dict[str, str]:
    """What every link carries besides a page's settings: the language (a Chinese class gets a Chinese page; the
    shell reads it on a first visit) and presenter mode."""
    return {**language_query(), **presenter.url_params()}


def write_query(page: str, query: dict[str, str]) -> None:
    """Make the URL hold exactly `query` for this page's parameters (plus lang), touching nothing else."""
    previous = st.session_state.get(_written_key(page)) or {}
    wanted = {**query, **view_params()}
    # everything else goes too: a link's leftovers (a bad value, a misspelt name) are dropped once it is applied
    owned = (set(previous) | set(wanted) | set(st.query_params) | {"lang", "present"}) - {"embed", "embed_options"}
    for name in owned:
        if name in wanted:
            # a repeated parameter (seed=1&seed=2) is rewritten even when its last value is the one wanted
            if st.query_params.get(name) != wanted[name] or len(st.query_params.get_all(name)) > 1:
                st.query_params[name] = wanted[name]
        elif name in st.query_params:
            del st.query_params[name]
    st.session_state[_written_key(page)] = dict(query)


def keep_notes(page: str, notes: list) -> None:
    st.session_state[_notes_key(page)] = (None, notes)


def draw_notes(page: str, query: dict[str, str]) -> None:
    """The notes of the link just opened; they stay while the page still shows that link's settings."""
    shown_for, notes = st.session_state.get(_notes_key(page), (None, []))
    if not notes:
        return
    if shown_for is None:
        shown_for = dict(query)
        st.session_state[_notes_key(page)] = (shown_for, notes)
    if query != shown_for:  # the user has moved on
        st.session_state.pop(_notes_key(page), None)
        return
    st.warning(note_text(notes), icon=":material/link_off:")


def share_url(path: str, query: dict[str, str] | None) -> str:
    """The full address of this page with `query` (relative when the browser's URL is unknown, as in tests)."""
    base = st.context.url or f"/{path}"
    base = base.split("?", 1)[0]
    query = {**(query or {}), **view_params()}
    return f"{base}?{urlencode(query, safe=':,')}" if query else base


def draw_share(path: str, query: dict[str, str] | None, explanation: str) -> None:
    with st.popover(t(TEXT, "share"), icon=":material/link:", help=t(TEXT, "share_help"), width="content"):
        st.caption(explanation)
        if query is not None:
            st.code(share_url(path, query), language=None, wrap_lines=True)
            st.caption(t(TEXT, "share_copy"))
