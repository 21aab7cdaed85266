"""The Train page's charts redraw on their own cadence while a run trains (app/train_panel.py, CHART_SECONDS).

Streamlit rebuilds a plotly chart in the browser whenever its figure changes; keeping the figures unchanged
between cadence ticks is what keeps the browser's work (and the training beside it) in check. The step counter
still moves on every refresh, and a paused or finished run always shows its latest numbers.
"""
from __future__ import annotations

import time

import pytest

from app.train_panel import keep_chart_view
from app.train_text import TEXT
from tests.page_support import en
from tests.test_page_train import open_train, progress, tiny, wait_until


def view(status: str, step: int) -> dict:
    return {"status": status, "step": step}


def test_a_training_run_keeps_its_chart_view_for_the_cadence():
    kept, shown = keep_chart_view(None, "a", view("running", 10), now=100.0, every=2.0)
    assert shown["step"] == 10 and kept == ("a", 100.0, view("running", 10))
    kept2, shown = keep_chart_view(kept, "a", view("running", 50), now=101.5, every=2.0)
    assert shown["step"] == 10 and kept2 is kept  # within the cadence: the same view, so the same figures
    kept3, shown = keep_chart_view(kept2, "a", view("running", 90), now=102.1, every=2.0)
    assert shown["step"] == 90 and kept3[1] == 102.1  # the cadence has passed: fresh numbers


@pytest.mark.parametrize("kept_status,new_status,job", [
    ("running", "paused", "a"),    # paused: the latest numbers at once
    ("running", "finished", "a"),  # finished: likewise
    ("queued", "running", "a"),    # just started: draw the first curves now
    ("running", "running", "b"),   # another run picked
])
def test_anything_but_steady_training_draws_fresh(kept_status, new_status, job):
    kept = ("a", 100.0, view(kept_status, 10))
    _, shown = keep_chart_view(kept, job, view(new_status, 60), now=100.5, every=2.0)
    assert shown["step"] == 60


def test_the_first_snapshot_is_shown_as_soon_as_it_exists():
    kept = ("a", 100.0, {"status": "running", "step": 3, "latest": None})
    fresh = {"status": "running", "step": 60, "latest": {"step": 50}}
    assert keep_chart_view(kept, "a", fresh, now=100.5, every=2.0)[1] is fresh


@pytest.mark.chart_cadence  # (the real CHART_SECONDS, not conftest's 0)
@pytest.mark.parametrize("preset,status,has_picture,expected", [
    ("ring8-vanilla", "running", True, "CHART_SECONDS"),     # the picture is a plotly chart: on the charts' clock
    ("ring8-vanilla", "running", False, "REFRESH_SECONDS"),  # ...once it exists: the first one shows at once
    ("digits-gan", "running", True, "REFRESH_SECONDS"),      # a grid of samples moves every second
    ("digits-vae", "running", True, "REFRESH_SECONDS"),      # (its codes chart waits for the charts' tick)
    ("ring8-vanilla", "queued", False, None),                # nothing to draw until it starts
    ("ring8-vanilla", "paused", True, None),                 # drawn once; the timeline slider reruns it
    ("digits-gan", "finished", True, None),
])
def test_the_picture_reruns_as_often_as_it_can_change(preset, status, has_picture, expected):
    import app.train_panel
    from gan_core.presets import preset_config

    assert app.train_panel.CHART_SECONDS > app.train_panel.REFRESH_SECONDS
    seconds = app.train_panel.picture_seconds(preset_config(preset), status, has_picture)
    assert seconds == (getattr(app.train_panel, expected) if expected else None)


def test_a_clock_that_went_backwards_draws_fresh():
    kept = ("a", 100.0, view("running", 10))
    assert keep_chart_view(kept, "a", view("running", 60), now=99.0, every=2.0)[1]["step"] == 60


@pytest.fixture
def clocks() -> list:
    """(fragment function name, run_every) for every st.fragment the page declares once `record_clocks()` ran."""
    return []


@pytest.fixture
def record_clocks(monkeypatch, clocks):
    import streamlit as st

    real_fragment = st.fragment

    def recording_fragment(func=None, **options):
        if func is None:  # st.fragment(run_every=...)(function)
            return lambda function: recording_fragment(function, **options)
        clocks.append((func.__name__, options.get("run_every")))
        return real_fragment(func, **options)

    return lambda: monkeypatch.setattr(st, "fragment", recording_fragment)


def chart_specs(at) -> dict:
    return {element.proto.id.rsplit("-", 1)[-1]: element.proto.spec for element in at.get("plotly_chart")}


@pytest.mark.chart_cadence
def test_page_refreshes_the_progress_every_second_and_the_charts_on_their_own_clock(monkeypatch, clocks,
                                                                                    record_clocks):
    """Three fragments: progress every REFRESH_SECONDS; a 2-D run's picture (a plotly chart) and the charts every
    CHART_SECONDS; the explanation is outside them. The 2-D view holds still between chart ticks."""
    import app.train_panel

    record_clocks()
    at = open_train()
    tiny(at)
    at.button(key="train_start").click().run()
    wait_until(at, lambda a: progress(a)[0] >= 30 and len(a.get("plotly_chart")) >= 4)
    assert ("_live_status", app.train_panel.REFRESH_SECONDS) in clocks
    pictures = [every for name, every in clocks if name == "_live_picture"]
    assert pictures[-1] == app.train_panel.CHART_SECONDS  # a 2-D run's view, once it has one: on the charts' clock
    assert ("_live_charts", app.train_panel.CHART_SECONDS) in clocks
    assert app.train_panel.CHART_SECONDS > app.train_panel.REFRESH_SECONDS
    assert ("_live_charts", None) not in clocks[clocks.index(("_live_charts", app.train_panel.CHART_SECONDS)):]

    monkeypatch.setattr(app.train_panel, "CHART_SECONDS", 3600.0)  # from here on: one chart tick per hour
    at.run()
    before, step_before = chart_specs(at)["train_view_points"], progress(at)[0]
    time.sleep(0.5)
    at.run()
    assert progress(at)[0] > step_before  # the counter follows the run on every refresh...
    assert chart_specs(at)["train_view_points"] == before  # ...the 2-D view waits for its tick
    at.button(key="train_pause").click().run()
    wait_until(at, lambda a: en(TEXT, "status_paused") in progress(a)[2])
    assert chart_specs(at)["train_view_points"] != before  # paused: the latest picture at once
    at.button(key="train_stop").click().run()


def test_a_queued_run_refreshes_only_its_place_in_line(clocks, record_clocks):
    """A class of 30 waits in a queue: each waiting page reruns one small fragment every few seconds, not three."""
    import app.train_panel

    at = open_train()
    tiny(at)
    at.checkbox(key="train_replace").uncheck().run()
    at.button(key="train_start").click().run()
    record_clocks()
    at.button(key="train_start").click().run()  # one slot on this server: the second run waits, and is watched
    assert any(en(TEXT, "queued_behind").format(position=1) in info.value for info in at.info)
    status = clocks.index(("_live_status", app.train_panel.QUEUED_REFRESH_SECONDS))
    # its picture and charts wait for the run to start
    assert clocks[status + 1:status + 3] == [("_live_picture", None), ("_live_charts", None)]
    for job in app.train_panel.job_manager().jobs():
        job.stop()
