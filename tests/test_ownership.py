"""Runs belong to the student's browser, not to one websocket session (app/state.py): a reload or a second tab
shows the same runs, with working controls; another browser sees none of them; the runs stop only when no tab of
their browser has been connected for the grace period.

AppTest cannot send cookies, so `app.browser.request_cookies` plays the browser: each AppTest is one session (a tab),
and the cookie it is opened with says which browser it belongs to. The chromium version is test_browser_ownership.py.
"""
from __future__ import annotations

import secrets
import time

import pytest

import app.browser
import app.state
from app.browser import BROWSER_COOKIE, BROWSER_KEY
from app.state import job_manager
from app.train_text import TEXT
from gan_core.runtime.job import PAUSED, RUNNING
from tests.page_support import en, open_train, runs_dir  # noqa: F401  (runs_dir: autouse)
from tests.test_page_live import start_tiny


@pytest.fixture
def cookies(monkeypatch) -> dict:
    """The cookies the next AppTest session opens with (read once, when its session starts)."""
    jar: dict = {}
    monkeypatch.setattr(app.browser, "request_cookies", lambda: jar)
    return jar


def watching(at) -> bool:
    """Whether the Train page shows a run (its progress bar), rather than "No run yet"."""
    return bool(at.get("progress")) and not any(en(TEXT, "no_run") in info.value for info in at.info)


def test_tabs_of_one_browser_share_their_runs_and_another_browser_sees_none(cookies):
    browser = secrets.token_urlsafe(32)
    cookies[BROWSER_COOKIE] = browser
    first = open_train()
    assert first.session_state[BROWSER_KEY] == browser  # the cookie's id, not a new one
    start_tiny(first)
    job = job_manager().jobs()[0]
    assert job.owner == browser

    second = open_train()  # a reload, or a second tab of the same browser: a new session with the same cookie
    assert watching(second)
    assert not second.button(key="train_pause").disabled  # live, with its controls
    second.button(key="train_pause").click().run()
    assert not second.exception and job.status == PAUSED
    second.button(key="train_resume").click().run()
    assert job.status == RUNNING
    first.run()
    assert watching(first)  # the first tab still shows it

    cookies[BROWSER_COOKIE] = secrets.token_urlsafe(32)  # another student
    other = open_train()
    assert not watching(other) and any(en(TEXT, "no_run") in info.value for info in other.info)
    cookies.clear()  # a new browser
    newcomer = open_train()
    assert not watching(newcomer) and newcomer.session_state[BROWSER_KEY] != browser
    second.button(key="train_stop").click().run()


def test_a_second_tab_shows_the_settings_of_the_run_it_watches(cookies):
    """A second tab (or Train opened again without a link) watches the browser's run: its preset box and settings
    are that run's, not the default preset's; a browser without a run still gets the default."""
    cookies[BROWSER_COOKIE] = secrets.token_urlsafe(32)
    first = open_train()
    first.selectbox(key="train_preset").set_value("ring8-fixed").run()
    changed = {"train_hidden": 16, "train_depth": 2, "train_steps": 20_000}
    for key, value in changed.items():
        first.number_input(key=key).set_value(value)
    first.run()
    first.button(key="train_start").click().run()
    assert not first.exception and job_manager().jobs()[0].config.hidden == 16

    second = open_train()
    assert not second.exception and watching(second)
    assert second.selectbox(key="train_preset").value == "ring8-fixed"  # was the default, ring8-vanilla
    assert {key: second.number_input(key=key).value for key in changed} == changed
    assert second.selectbox(key="train_loss").value == "lsgan"  # ring8-fixed's own, unchanged
    assert not second.button(key="train_start").disabled  # the settings it shows are a valid run

    cookies[BROWSER_COOKIE] = secrets.token_urlsafe(32)  # another student: no run, the default preset
    other = open_train()
    assert other.selectbox(key="train_preset").value == "ring8-vanilla"
    assert other.number_input(key="train_hidden").value != 16
    second.button(key="train_stop").click().run()


def test_the_preset_a_run_came_from_is_found_by_its_settings_without_a_widget_first():
    from app.train_form import _closest_preset
    from gan_core.presets import PRESETS, preset_config

    for name in PRESETS:  # an unchanged preset is itself, whatever the run is called
        assert _closest_preset(preset_config(name), "anything-101502") == name
    # stacked-mnist-gan moved to the stacked-digits data at 16 px: named like stacked-digits-gan and as many settings
    # from it, but only stacked-mnist-gan has the run's n_points, which no widget holds: Start must train that again
    run = preset_config("stacked-mnist-gan").replace(dataset="stacked-digits", image_size=16)
    assert preset_config("stacked-digits-gan").n_points != run.n_points
    assert _closest_preset(run, "stacked-digits-gan-101502") == "stacked-mnist-gan"


def test_a_new_browser_gets_a_random_id_and_the_script_that_keeps_it(cookies):
    from streamlit.testing.v1 import AppTest

    from tests.page_support import ROOT

    home = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()  # the sidebar is drawn here
    assert not home.exception
    browser = home.session_state[BROWSER_KEY]
    assert len(browser) >= 40 and browser.replace("-", "").replace("_", "").isalnum()
    scripts = [element.proto.body for element in home.get("html") if "document.cookie" in element.proto.body]
    assert len(scripts) == 1 and f"{BROWSER_COOKIE}={browser}" in scripts[0]
    home.run()
    assert home.session_state[BROWSER_KEY] == browser  # the same id on every rerun, before the cookie lands
    # the id is in no text or link of the page (only in the hidden box that sets the cookie)
    shown = [getattr(element, "value", "") for element in home.markdown] + [c.value for c in home.caption]
    assert not any(browser in str(text) for text in shown)

    cookies[BROWSER_COOKIE] = browser  # the browser comes back with its cookie: nothing more to set
    again = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    assert again.session_state[BROWSER_KEY] == browser
    assert not [element for element in again.get("html") if "document.cookie" in element.proto.body]

    cookies[BROWSER_COOKIE] = "guess"  # not an id this server makes: ignored, a fresh one instead
    guessed = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    assert guessed.session_state[BROWSER_KEY] not in ("guess", browser)


def test_the_last_tab_to_go_starts_the_grace_period_and_a_returning_tab_cancels_it(cookies, monkeypatch):
    """Every AppTest shares one Streamlit session id, so the tabs here are what Streamlit does with a session: attach
    it when it first asks for its browser's id (app.state._session_handle), release it when it ends."""
    monkeypatch.setenv("LATENT_LAB_SESSION_GRACE", "0.3")
    browser = secrets.token_urlsafe(32)
    cookies[BROWSER_COOKIE] = browser
    start_tiny(open_train())
    job = job_manager().jobs(browser)[0]
    first, second = app.state._attach_session(browser), app.state._attach_session(browser)  # two tabs

    app.state._release_session(first)  # one tab closes: the other still has the run
    app.state._release_session(app.state.SessionHandle(browser))  # (and the AppTest's own session)
    time.sleep(0.6)
    assert job.is_active and job_manager().get(job.id) is job
    app.state._release_session(second)  # the last one: the grace period starts
    time.sleep(0.1)
    reloaded = app.state._attach_session(browser)  # a reload comes back in time
    assert watching(open_train())  # and shows the run
    time.sleep(0.6)
    assert job.is_active and job_manager().get(job.id) is job

    app.state._release_session(reloaded)  # that tab goes too, and nobody comes back
    deadline = time.monotonic() + 10
    while (job_manager().jobs(browser) or job.is_active) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert job_manager().jobs(browser) == [] and not job.is_active
