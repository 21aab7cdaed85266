"""Home and Train in a real browser (Debian chromium via Playwright) against `streamlit run`.

Screenshots land in test-artifacts/ (home, train-running, train-paused, train-home-one-click) for a person to
look at. Waits are on visible things, never on "script idle", which the live fragment keeps flipping.
"""
from __future__ import annotations

import re
import time

import pytest
from bench.browser import STEP_MOVED, screenshot, shown_step
from playwright.sync_api import expect

from tests.browser_support import button, stop_run

pytestmark = pytest.mark.browser  # real chromium via Playwright: -m "not browser" leaves these out

TALL = {"width": 1400, "height": 2000}  # the app scrolls inside its own container: a tall window shows it all



def open_app(page, app_url):
    page.goto(app_url)
    page.wait_for_selector('[data-testid="stApp"]')
    expect(page.get_by_text("One click to start")).to_be_visible(timeout=30_000)


def test_home_then_train_ring8_live(page, app_url):
    open_app(page, app_url)
    expect(page.get_by_test_id("stDataFrame").or_(page.get_by_text("No checkpoints yet"))).to_be_visible(timeout=15_000)
    page.set_viewport_size(TALL)
    page.wait_for_timeout(1500)  # let the table's canvas paint
    screenshot(page, "home")

    page.set_viewport_size({"width": 1400, "height": 1000})
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Train").click()
    expect(page.get_by_role("heading", name="Train a generative model")).to_be_visible(timeout=30_000)
    page.get_by_test_id("stSelectbox").filter(has_text="Preset").click()
    page.get_by_role("option", name="ring8-fixed", exact=True).click()  # 2,500 steps: still running when paused
    expect(page.get_by_text("Ring of 8 Gaussians fixed")).to_be_visible(timeout=10_000)
    button(page, "train_start").click()

    expect(page.get_by_text(STEP_MOVED)).to_be_visible(timeout=30_000)
    charts = page.get_by_test_id("stMain").get_by_test_id("stPlotlyChart")  # not the sidebar's hidden preload
    expect(charts.first).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Losses", exact=True).first).to_be_visible(timeout=30_000)  # the loss chart's title
    expect(page.get_by_text("What am I looking at?")).to_be_visible()
    page.wait_for_timeout(2500)  # a couple of live refreshes
    first = shown_step(page.get_by_text(STEP_MOVED))
    later, deadline = first, time.time() + 10  # a refresh every second; a busy 2-core host delays one now and then
    while later <= first and time.time() < deadline:
        page.wait_for_timeout(500)
        later = shown_step(page.get_by_text(STEP_MOVED))
    assert later > first, "the step counter does not move while training"
    page.mouse.move(5, 5)  # no tooltip in the picture
    page.set_viewport_size(TALL)
    page.wait_for_timeout(1200)
    screenshot(page, "train-running")

    button(page, "train_pause").click()
    expect(page.get_by_text(re.compile(r"· paused"))).to_be_visible(timeout=15_000)
    # a rerun can show the slider of the moment before, stale, beside the new one for an instant (Streamlit replaces
    # an element whose key changed after the run): one must remain
    timeline = page.get_by_text("Scrub through the run")
    expect(timeline).to_have_count(1, timeout=15_000)
    expect(timeline).to_be_visible()
    button(page, "train_step").click()
    page.mouse.move(5, 5)
    page.wait_for_timeout(800)
    screenshot(page, "train-paused")

    with page.expect_download(timeout=30_000) as download_info:  # the GIF is made when the button is clicked
        button(page, "train_gif").click()
    gif = download_info.value.path().read_bytes()
    assert gif[:6] in (b"GIF87a", b"GIF89a") and len(gif) > 10_000
    assert download_info.value.suggested_filename.startswith("ring8-fixed")
    stop_run(page)


def test_home_one_click_starts_digits_gan(page, app_url):
    open_app(page, app_url)
    button(page, "home_preset_digits-gan").click()
    expect(page.get_by_role("heading", name="Train a generative model")).to_be_visible(timeout=30_000)
    expect(page.get_by_text(STEP_MOVED)).to_be_visible(timeout=60_000)
    expect(page.get_by_text(re.compile(r"Samples from the same fixed z"))).to_be_visible(timeout=60_000)
    page.set_viewport_size(TALL)
    page.wait_for_timeout(2500)
    screenshot(page, "train-home-one-click")
    stop_run(page)
