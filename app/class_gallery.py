"""The class's gallery (every student's run, live), Show (one run on the projector), Compare (on the Mode Collapse
page) and the leaderboard. Everything is read from the class's files (gan_core.classroom), so a teacher on any
replica sees the same class; only Show's live picture and Compare's checkpoint of a run still training come from the
job itself, when it trains on this server.

The gallery is a fragment that reruns every GALLERY_SECONDS: bounded, whatever the number of students.
"""
from __future__ import annotations

import streamlit as st

from gan_core.classroom import GOAL_METRICS, Challenge, leaderboard, sort_runs, thumbnail
from gan_core.config import TrainConfig
from gan_core.data import mixture_modes
from gan_core.options import DataError

from . import class_state, collapse_runs, presenter
from .class_text import TEXT
from .i18n import forget_other_languages, plain, plural, t
from .pictures import show_png
from .state import job_manager
from .train_text import TEXT as TRAIN_TEXT

GALLERY_SECONDS = 3.0
SHOW_SECONDS = 1.0
COLUMNS = 4  # cards per row: at 1280 x 720 the first row is on the first screen, under the join code
SORT_KEY = "class_sort"
SHOW_KEY = "class_show"  # the run on the projector: (code, run id)
PRESENT_BEFORE_KEY = "class_present_before"
PICK_PREFIX = "class_pick_"
SORT_OPTIONS = ("name", "modes_covered", "high_quality_fraction", "reverse_kl", "class_kl", "fd", "kl")


def key_metric(run: dict, challenge: Challenge | None) -> str | None:
    """The number a card shows: the challenge's metric, else modes covered, else the first there is."""
    metrics = run.get("metrics") or {}
    for name in ([challenge.metric] if challenge else []) + list(GOAL_METRICS):
        if name in metrics:
            return name
    return None


def _status_line(run: dict) -> str:
    if run.get("position"):
        return t(TEXT, "queued_line", position=run["position"])
    status = t(TRAIN_TEXT, f"status_{run['status']}") if f"status_{run['status']}" in TRAIN_TEXT else run["status"]
    return t(TEXT, "status_line", status=status, step=run["step"], target=run["target"])


def _metric_line(run: dict, challenge: Challenge | None) -> str:
    name = key_metric(run, challenge)
    if name is None:
        return ""
    value = run["metrics"][name]
    shown = f"{value:.0f}" if name == "modes_covered" else f"{value:.3g}"
    return f"{class_state.metric_label(name)}: **{shown}**"


def _config_line(run: dict) -> str:
    """dataset · model · loss · learning rates, as far as they apply: no GAN loss for a model with no D (a VAE, a
    diffusion model), no lr_d where one network trains alone, one "lr" where a VAE's two rates are the same."""
    config = run.get("config") or {}
    parts = [str(config.get(name)) for name in ("dataset", "model") if config.get(name)]
    try:
        known = TrainConfig(**{k: v for k, v in config.items() if k in TrainConfig.__dataclass_fields__ and v is not None})
    except (TypeError, ValueError):  # a summary from another version: say what it says
        known = None
    if config.get("loss") and (known is None or known.adversarial_loss is not None):
        parts.append(str(config["loss"]))
    rates = [name for name in ("lr_g", "lr_d") if isinstance(config.get(name), (int, float))]
    if known is not None and not known.uses_lr_d:
        rates = [name for name in rates if name == "lr_g"]
    if known is not None and known.is_vae and rates == ["lr_g", "lr_d"] and config["lr_g"] == config["lr_d"]:
        parts.append(f"lr {config['lr_g']:g}")
    else:
        parts += [f"{name} {config[name]:g}" for name in rates]
    if config.get("n_critic", 1) != 1:
        parts.append(f"n_critic {config['n_critic']}")
    return " · ".join(parts)


# -- the gallery ----------------------------------------------------------------------------------------------
def draw_gallery(code: str, teacher: bool) -> None:
    """Every run of the class as a card; a teacher also gets Show and the Compare ticks."""
    st.fragment(_gallery_cards, run_every=GALLERY_SECONDS)(code, teacher)


def _gallery_cards(code: str, teacher: bool) -> None:
    store = class_state.class_store()
    info = store.get(code)
    if info is None:
        st.rerun(scope="app")
    if teacher:
        store.touch(code)
    challenge = info.challenge_obj
    runs = store.runs(code)
    sort_key = forget_other_languages(SORT_KEY)  # a selectbox keeps its option's text: one widget per language
    metric = st.session_state.get(sort_key) or "name"
    if metric != "name":
        runs = sort_runs(runs, metric)
    bar = st.columns([1.6, 1.4, 2], vertical_alignment="bottom", gap="small")
    bar[0].selectbox(t(TEXT, "sort_by"), SORT_OPTIONS, key=sort_key, label_visibility="collapsed",
                     format_func=lambda m: t(TEXT, "sort_joined") if m == "name" else class_state.metric_label(m))
    members = len(store.members(code))
    bar[2].caption(t(TEXT, plural("students", members), count=members))
    if teacher:
        with bar[1]:
            _compare_bar(code, runs)
    if not runs:
        st.info(t(TEXT, "no_runs"), icon=":material/hourglass_empty:")
        return
    for start in range(0, len(runs), COLUMNS):
        for column, run in zip(st.columns(COLUMNS, gap="small"), runs[start:start + COLUMNS]):
            with column, st.container(border=True, key=f"class_card_{run['run']}"):
                _card(code, run, challenge, teacher)


def _card(code: str, run: dict, challenge: Challenge | None, teacher: bool) -> None:
    if run.get("thumbnail"):
        show_png(run["thumbnail"], width=96)
    st.markdown(f"**{plain(run.get('student', ''))}**  \n{plain(run.get('name', ''))}")
    lines = [_status_line(run), _metric_line(run, challenge), plain(_config_line(run))]
    st.caption("  \n".join(line for line in lines if line))
    if teacher:
        left, right = st.columns([1.6, 1], gap="small", vertical_alignment="center")
        left.checkbox(t(TEXT, "pick"), key=PICK_PREFIX + run["run"])
        if right.button("", key=f"class_show_{run['run']}", icon=":material/fullscreen:",  # words in the tooltip
                        help=f"{t(TEXT, 'show')}: {t(TEXT, 'show_help')}"):
            _show(code, run["run"])
            st.rerun(scope="app")  # the whole page becomes the shown run


# -- Show ---------------------------------------------------------------------------------------------------------
def _show(code: str, run: str) -> None:
    st.session_state[PRESENT_BEFORE_KEY] = presenter.presenting()
    st.session_state[presenter.PRESENT_KEY] = True
    st.session_state[SHOW_KEY] = (code, run)


def _back() -> None:
    st.session_state.pop(SHOW_KEY, None)
    st.session_state[presenter.PRESENT_KEY] = st.session_state.pop(PRESENT_BEFORE_KEY, False)


def showing() -> tuple[str, str] | None:
    return st.session_state.get(SHOW_KEY)


def draw_show(code: str, run: str) -> None:
    """One run on the whole screen: its latest picture large, its student, step and key metric, live."""
    st.button(t(TEXT, "back"), key="class_back", icon=":material/arrow_back:", on_click=_back)
    st.fragment(_show_panel, run_every=SHOW_SECONDS)(code, run)


def _show_panel(code: str, run_id: str) -> None:
    store = class_state.class_store()
    info = store.get(code)
    found = [r for r in store.runs(code) if r["run"] == run_id]
    if info is None or not found:
        _back()
        st.rerun(scope="app")
    run = found[0]
    st.header(f"{plain(run.get('student', ''))} · {plain(run.get('name', ''))}", anchor=False)
    picture = None
    job = job_manager().get(run_id)
    if job is not None:  # on this server: the live picture at full size
        picture = thumbnail(job.snapshot(history_points=0).get("latest"), size=480,
                            dataset=job.config.dataset)
    left, right = st.columns([3, 2], gap="large")
    with left:
        if picture is not None:
            show_png(picture, width=480)
        elif run.get("thumbnail"):
            show_png(run["thumbnail"], width=480)
        else:  # queued, or not a step yet: say so rather than leave half the projector blank
            st.info(t(TEXT, "show_no_picture"), icon=":material/hourglass_empty:")
    with right:
        st.subheader(_status_line(run), anchor=False)
        # lines that wrap (st.metric cut "Reverse KL (modes, high-quality samples)" to "...high-quality sa…"), and
        # modes out of how many: "1" alone did not tell the class that 1 of 8 is a collapse
        modes = _mode_count((run.get("config") or {}).get("dataset", ""))
        lines = []
        for name, value in (run.get("metrics") or {}).items():
            shown = f"{value:.0f}" if name == "modes_covered" else f"{value:.3g}"
            if name == "modes_covered" and modes:
                shown += f" / {modes}"
            lines.append(f"{class_state.metric_label(name)}: **{shown}**")
        if lines:
            st.markdown("  \n".join(lines))
        st.caption(plain(_config_line(run)))


def _mode_count(dataset: str) -> int:
    """How many modes a 2-D mixture has (ring8: 8, grid25: 25), else 0."""
    try:
        return len(mixture_modes(dataset)[0])
    except DataError:
        return 0


# -- Compare --------------------------------------------------------------------------------------------------------
def _picked(runs: list[dict]) -> list[dict]:
    return [r for r in runs if st.session_state.get(PICK_PREFIX + r["run"])]


def _compare_bar(code: str, runs: list[dict]) -> None:
    picked = _picked(runs)
    if st.button(t(TEXT, "compare", count=len(picked)), key="class_compare", icon=":material/compare:",
                 help=t(TEXT, "compare_help"), disabled=not 2 <= len(picked) <= 4):
        _compare(code, [r["run"] for r in picked])
        st.switch_page("pages/mode_collapse.py")


def _compare(code: str, run_ids: list[str]) -> None:
    """Checkpoints of the chosen runs where this session can load them (a run still training on this server is
    written now), then the Mode Collapse page with exactly those runs selected."""
    store = class_state.class_store()
    by_id = {r["run"]: r for r in store.runs(code)}
    chosen, missing = [], []
    for run_id in run_ids:
        run = by_id.get(run_id)
        if run is None:
            continue
        label = f"{run.get('student', '')} · {run.get('name', '')}"
        path = run.get("checkpoint")
        job = job_manager().get(run_id)
        # still training, or just finished and not yet written by the publisher (it writes within a few seconds)
        if job is not None and job.trainer is not None and (job.is_active or not path):
            try:
                path = store.save_run_checkpoint(code, run_id, job.checkpoint_payload(), label) or path
            except RuntimeError:
                pass
        if path:
            chosen.append((str(path), label))
        else:
            missing.append(label)
    st.session_state[collapse_runs.CLASS_RUNS_KEY] = chosen
    st.session_state[collapse_runs.SELECTION_KEY] = [f"file:{path}" for path, _ in chosen]
    st.session_state[collapse_runs.CLASS_NOTE_KEY] = t(TEXT, "compare_missing", names=", ".join(missing)) if missing else ""


# -- the leaderboard -----------------------------------------------------------------------------------------------
def draw_leaderboard(code: str, teacher: bool = True) -> None:
    info = class_state.class_store().get(code)
    challenge = info.challenge_obj if info else None
    if challenge is None:  # only the teacher can set one: a student is told what to wait for
        st.caption(t(TEXT, "leaderboard_none" if teacher else "leaderboard_none_student"))
        return
    rows = leaderboard(class_state.class_store().runs(code), challenge)
    if not rows:
        st.caption(t(TEXT, "leaderboard_empty"))
        return
    metric = class_state.metric_label(challenge.metric, challenge.preset)
    st.dataframe([{t(TEXT, "col_rank"): row["rank"], t(TEXT, "col_student"): row.get("student", ""),
                   t(TEXT, "col_run"): row.get("name", ""), metric: row["value"],
                   t(TEXT, "col_goal"): "✓" if row["reached"] else ""} for row in rows],
                 hide_index=True, width="stretch", key="class_leaderboard")
