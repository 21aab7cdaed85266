"""The sidebar every page shares: language switch, device in use, this browser's runs, server load."""
from __future__ import annotations

import streamlit as st

from gan_core.device import device_facts
from gan_core.runtime.launch import worker_mode

from . import presenter
from .class_join import draw_class_box
from .i18n import draw_language_choice, t
from .shell_text import TEXT
from .state import browser_id, job_manager

STATUS_ICON = {"queued": ":material/hourglass_empty:", "running": ":material/play_arrow:", "paused": ":material/pause:",
               "finished": ":material/check_circle:", "stopped": ":material/stop:", "failed": ":material/warning:"}


@st.cache_resource(show_spinner=False)
def _device_facts() -> dict:
    return device_facts()


def _device_label() -> str:
    facts = _device_facts()
    if facts["type"] == "cpu":
        return t(TEXT, "device_cpu_one" if facts["threads"] == 1 else "device_cpu", threads=facts["threads"])
    return t(TEXT, "device_" + facts["type"], name=facts.get("name", ""))


def draw_sidebar() -> None:
    with st.sidebar:
        draw_language_choice(t(TEXT, "language"))
        presenter.draw_switch()
        st.markdown(t(TEXT, "device", device=_device_label()))
        teaching = draw_class_box()
        _runs_panel(teaching=teaching is not None)
        _load_chart_library()


PRELOAD_KEY = "chart_library_preload"


def _load_chart_library() -> None:
    """An empty, hidden chart on every page, so the browser loads its chart library while the student reads.

    Streamlit fetches and compiles the plotly library (about 0.7 s of the browser's main thread) when the first
    chart of a session appears. Without this, that is the moment a run starts, and on a laptop serving its own
    page those 0.7 s are taken from the first seconds of training (measured in bench/bench_live.py). The figure
    never changes, so later reruns send the same element and the browser redraws nothing.
    """
    from .train_plots import figure  # plotly: imported after the page has been drawn

    empty = figure([{"type": "scatter", "x": [], "y": []}], {"height": 10, "margin": {"l": 0, "r": 0, "t": 0, "b": 0}})
    with st.container(key=PRELOAD_KEY):
        st.html(f"<style>.st-key-{PRELOAD_KEY} {{display: none;}}</style>")
        st.plotly_chart(empty, key="chart_library_preload_figure", config={"staticPlot": True})


IDLE_REFRESH_SECONDS = 5.0  # the runs list of a teacher's browser with no active run of its own


def _runs_panel(teaching: bool) -> None:
    manager = job_manager()
    active = any(job.is_active for job in manager.jobs(browser_id()))
    # the server's count changes with other people's runs too: a teacher with no run of their own read "0 running"
    # while the class trained, so a teacher's list is redrawn as well, less often (a student's browser with no run
    # keeps no timer: thirty of them would rerun for a count nobody watches)
    idle = IDLE_REFRESH_SECONDS if teaching else None
    _runs_fragment(run_every=2.0 if active else idle)


def _draw_runs() -> None:
    manager = job_manager()
    mine = manager.jobs(browser_id())
    st.markdown(f"**{t(TEXT, 'jobs_title')}**")
    if not mine:
        st.caption(t(TEXT, "no_jobs"))
    for job in mine[-5:]:
        snap = job.snapshot(history_points=0)
        position = manager.queue_position(job)
        extra = f" · #{position}" if position else ""
        if snap["where"]:  # a run on a Ray cluster: which node and device it trains on
            extra += t(TEXT, "run_where", node=snap["where"]["node"], device=snap["where"]["device"])
        st.caption(f"{STATUS_ICON.get(snap['status'], '')} {snap['name']} — {snap['step']}/{snap['target_steps']}{extra}")
    all_jobs = manager.jobs()
    running = sum(1 for j in all_jobs if j.status in ("running", "paused"))
    queued = sum(1 for j in all_jobs if j.status == "queued")
    load = "cluster_load" if worker_mode() == "ray" else "server_load"
    st.caption(t(TEXT, load, running=running, queued=queued, limit=manager.max_running))


def _runs_fragment(run_every: float | None) -> None:
    # A fragment redraws only this list (every 2 s while this browser has a run going, every 5 s for a teacher), so
    # the counts never go stale where someone follows them.
    st.fragment(_draw_runs, run_every=run_every)()
