"""What a student opened stays open (#24.7), in a real browser: Settings through a language switch, Start and Stop;
the memorisation check through the run's end. Streamlit folds a plain expander whenever its label or its place in
the page changes, and only the browser shows that."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser_support import button

pytestmark = pytest.mark.browser

TIMEOUT = 60_000


def fold(page, name: str):
    """The <details> of the remembered expander `name` (app/expander.py keys it `expander_<name>`)."""
    return page.locator(f".st-key-expander_{name} details").last


def expect_open(page, name: str, where: str) -> None:
    expect(fold(page, name), f"{name} after {where}").to_have_attribute("open", re.compile(".*"), timeout=TIMEOUT)


def test_what_a_student_opened_stays_open(browser, app_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        page.goto(f"{app_url}/train?preset=digits-gan&steps=120")
        expect(button(page, "train_start")).to_be_enabled(timeout=TIMEOUT)
        fold(page, "train_settings").locator("summary").click()
        expect_open(page, "train_settings", "opening it")

        page.get_by_test_id("stSidebar").get_by_text("中文").click()
        expect(page.get_by_role("heading", name="训练生成模型")).to_be_visible(timeout=TIMEOUT)
        expect_open(page, "train_settings", "a language switch")
        page.get_by_test_id("stSidebar").get_by_text("English").click()
        expect(page.get_by_role("heading", name="Train a generative model")).to_be_visible(timeout=TIMEOUT)

        button(page, "train_start").click()
        expect(button(page, "train_stop")).to_be_visible(timeout=TIMEOUT)
        expect_open(page, "train_settings", "Start")
        fold(page, "train_memorisation").locator("summary").click()
        expect_open(page, "train_memorisation", "opening it")
        expect(page.get_by_text(re.compile(r"Step 120 / 120 · finished"))).to_be_visible(timeout=TIMEOUT)
        page.wait_for_timeout(3_000)  # the charts' last redraw after the end
        expect_open(page, "train_memorisation", "the run's end")

        page.goto(f"{app_url}/train?preset=digits-gan")  # a long run, stopped
        expect(button(page, "train_start")).to_be_enabled(timeout=TIMEOUT)
        fold(page, "train_settings").locator("summary").click()
        expect_open(page, "train_settings", "opening it again")
        button(page, "train_start").click()
        expect(page.get_by_text(re.compile(r"Step [1-9][\d,]* / 1,500"))).to_be_visible(timeout=TIMEOUT)
        button(page, "train_stop").click()
        expect(page.get_by_text(re.compile(r"· stopped"))).to_be_visible(timeout=30_000)
        expect_open(page, "train_settings", "Stop")
    finally:
        context.close()
