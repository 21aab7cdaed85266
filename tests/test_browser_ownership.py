"""A run belongs to the student's browser (a cookie), not to one tab's session: after a reload, and in a second tab
of the same browser, the run is listed and live with its controls, and the second tab's settings are the run's;
another browser does not see it.
(The ownership and grace logic without a browser: test_ownership.py.)"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from bench.browser import STEP_MOVED
from tests.browser_support import button, stop_run

pytestmark = pytest.mark.browser

PAUSED = re.compile(r"Step [\d,]+ / [\d,]+ · paused")


def open_train(page, app_url, query=""):
    page.goto(f"{app_url}/train{query}")
    page.wait_for_selector('[data-testid="stApp"]')
    expect(page.get_by_role("heading", name="Train a generative model")).to_be_visible(timeout=60_000)


def preset_box(page):
    """The Preset box's text field (a combobox named Preset), which holds the chosen preset's name."""
    return page.get_by_role("combobox", name="Preset", exact=True)


def test_a_reload_and_a_second_tab_show_the_run_and_another_browser_does_not(browser, app_url):
    student = browser.new_context(viewport={"width": 1400, "height": 1000})
    stranger = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = student.new_page()
        # ring8-fixed for 100,000 steps (a link sets them; a changed preset's run is named ring8-gan-...), so the run
        # still trains when Stop is pressed at the end: its own 2,500 had finished by then on a slow host. Should the
        # test fail first, the closed tabs stop it after the grace period.
        open_train(page, app_url, "?preset=ring8-fixed&steps=100000")
        expect(page.get_by_text("Ring of 8 Gaussians fixed")).to_be_visible(timeout=10_000)
        button(page, "train_start").click()
        expect(page.get_by_text(STEP_MOVED)).to_be_visible(timeout=60_000)
        name = page.get_by_test_id("stSidebar").get_by_text(re.compile(r"ring8-gan-\d{6}")).inner_text()
        run = re.search(r"ring8-gan-\d{6}", name).group(0)

        page.reload()  # a new session of the same browser
        open_train(page, app_url)
        expect(page.get_by_text(STEP_MOVED)).to_be_visible(timeout=30_000)  # the run, live
        expect(page.get_by_test_id("stSidebar").get_by_text(run)).to_be_visible(timeout=15_000)
        expect(page.get_by_text("No run yet")).to_have_count(0)
        button(page, "train_pause").click()  # its controls work
        expect(page.get_by_text(PAUSED)).to_be_visible(timeout=15_000)
        button(page, "train_resume").click()
        expect(page.get_by_text(re.compile(r"· training"))).to_be_visible(timeout=15_000)

        second = student.new_page()  # a second tab of the same browser
        open_train(second, app_url)
        expect(second.get_by_text(STEP_MOVED)).to_be_visible(timeout=30_000)
        expect(second.get_by_test_id("stSidebar").get_by_text(run)).to_be_visible(timeout=15_000)
        # its settings are the run's, not the default preset's
        expect(preset_box(second)).to_have_value("ring8-fixed", timeout=30_000)

        other = stranger.new_page()  # another student's browser
        open_train(other, app_url)
        expect(other.get_by_text("No run yet")).to_be_visible(timeout=30_000)
        expect(other.get_by_test_id("stSidebar").get_by_text("No runs yet.")).to_be_visible(timeout=15_000)
        expect(other.get_by_text(run)).to_have_count(0)
        expect(preset_box(other)).to_have_value("ring8-vanilla", timeout=30_000)
        cookie = next(c["value"] for c in student.cookies() if c["name"] == "latent_lab_browser")
        assert cookie not in page.url and cookie not in page.locator("body").inner_text()

        stop_run(second, timeout=15_000)  # ring8-fixed may have finished by now on a fast host
    finally:
        student.close()
        stranger.close()
