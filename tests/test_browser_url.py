"""Shareable links in a real browser (Debian chromium via Playwright) against `streamlit run`.

A teacher's link opens straight into the page with its preset, seed and view; changing a widget rewrites the
address bar; a bad link is explained in one sentence. Screenshots land in test-artifacts/ (url-train-link,
url-train-bad-link, url-sample-link) for a person to look at.
"""
from __future__ import annotations

import re

import pytest
from bench.browser import screenshot
from playwright.sync_api import expect

pytestmark = pytest.mark.browser  # real chromium via Playwright: -m "not browser" leaves these out

TIMEOUT = 60_000
TALL = {"width": 1400, "height": 1800}


def test_train_link_opens_preset_and_seed(page, app_url):
    page.goto(f"{app_url}/train?preset=ring8-fixed&seed=3")
    expect(page.get_by_role("heading", name="Train a generative model")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_role("combobox", name="Preset")).to_have_value("ring8-fixed", timeout=TIMEOUT)
    expect(page.get_by_text("Ring of 8 Gaussians fixed")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible()  # opened inside the app shell
    page.get_by_test_id("stExpander").filter(has_text="Settings").first.locator("summary").click()
    seed = page.locator(".st-key-train_seed input")
    expect(seed).to_have_value("3", timeout=TIMEOUT)
    expect(page.locator(".st-key-train_lr_g input")).to_have_value("0.00100")  # the preset's, not the default's
    expect(page).to_have_url(re.compile(r"/train\?.*preset=ring8-fixed"))
    expect(page).to_have_url(re.compile(r"seed=3"))
    page.set_viewport_size(TALL)
    page.mouse.move(5, 5)
    page.wait_for_timeout(800)
    screenshot(page, "url-train-link")

    seed.fill("5")
    seed.press("Enter")
    expect(page).to_have_url(re.compile(r"seed=5"), timeout=TIMEOUT)  # the address bar follows the widgets

    page.get_by_role("button", name="Share these settings").click()
    link = page.get_by_test_id("stCode").filter(has_text="preset=ring8-fixed")
    expect(link).to_be_visible(timeout=TIMEOUT)
    assert link.inner_text().strip().startswith(app_url + "/train?")
    page.wait_for_timeout(500)
    screenshot(page, "url-train-share")


def test_bad_train_link_is_explained(page, app_url):
    page.goto(f"{app_url}/train?preset=grid25-fixed&seed=abc&dataset=folder:/etc")
    expect(page.get_by_role("heading", name="Train a generative model")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("it is not a whole number")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("a link cannot make the server read one of its folders")).to_be_visible()
    expect(page.get_by_role("combobox", name="Preset")).to_have_value("grid25-fixed")
    assert page.get_by_test_id("stException").count() == 0
    expect(page).not_to_have_url(re.compile(r"folder"))
    page.set_viewport_size(TALL)
    page.wait_for_timeout(800)
    screenshot(page, "url-train-bad-link")


def test_sample_link_opens_checkpoint_tab_and_mode(page, app_url):
    page.goto(f"{app_url}/sample_blend?ckpt=demo:digits-gan-collapse&tab=interpolate&mode=lerp&steps=5")
    expect(page.get_by_role("heading", name="Sample & Blend")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_role("tab", name="Interpolate")).to_have_attribute("aria-selected", "true", timeout=TIMEOUT)
    expect(page.get_by_role("combobox", name="Checkpoint")).to_have_value(re.compile(r"^digits-gan-collapse "))
    animate = page.locator(".st-key-interp_gif_mode")
    expect(animate.get_by_role("radio", name="lerp", exact=True)).to_be_checked(timeout=TIMEOUT)
    expect(page.get_by_text("lerp (straight line)").first).to_be_visible(timeout=TIMEOUT)
    assert page.get_by_test_id("stException").count() == 0
    page.set_viewport_size(TALL)
    page.wait_for_timeout(1500)
    screenshot(page, "url-sample-link")


def test_a_worded_choice_keeps_a_plain_value_in_the_url_through_a_language_switch(page, app_url):
    """#23: Streamlit keeps a radio's value as the text of its option, and a browser sends that text back (AppTest
    does not): after 中文 and back, the URL of an English page said edit_pick=number+in+the+grid, or 网格中的编号
    once another model was picked. The value stays the plain option ("grid") whatever the language."""
    from urllib.parse import parse_qs, urlsplit

    def edit_pick() -> list[str]:
        return parse_qs(urlsplit(page.url).query).get("edit_pick", [])

    page.goto(f"{app_url}/sample_blend?ckpt=demo:digits-gan&tab=edit")
    expect(page.get_by_text("Pick the sample by")).to_be_visible(timeout=TIMEOUT)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("中文").click()
    expect(page.get_by_text("选择样本的方式")).to_be_visible(timeout=TIMEOUT)
    sidebar.get_by_text("English").click()
    expect(page.get_by_text("Pick the sample by")).to_be_visible(timeout=TIMEOUT)
    expect(page).not_to_have_url(re.compile(r"[?&]lang=zh"), timeout=TIMEOUT)
    page.wait_for_timeout(3000)  # the reruns the switch set off
    assert edit_pick() == ["grid"], page.url
    page.get_by_role("combobox", name="Checkpoint").click()
    page.get_by_role("option", name=re.compile(r"^digits-stylegan")).click()
    expect(page).to_have_url(re.compile(r"digits-stylegan"), timeout=TIMEOUT)
    page.wait_for_timeout(3000)
    assert edit_pick() == ["grid"], page.url
    assert page.get_by_test_id("stException").count() == 0
