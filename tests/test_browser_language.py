"""中文 survives every way of moving between pages, in a real browser (Debian chromium via Playwright).

One walk through the app after choosing 中文 on Home: the sidebar, Home's one-click preset (st.switch_page), a page
link, a reload, a Share link opened in a new tab and a deep link. Each stop checks the page's title, the sidebar's
radio and the URL's `lang`, which is what a reload or a link opened elsewhere has to go on.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests import browser_support
from tests.browser_support import button

pytestmark = pytest.mark.browser  # real chromium via Playwright: -m "not browser" leaves these out

TIMEOUT = 60_000
TITLES = {"home": "Latent Lab 潜空间实验室", "train": "训练生成模型", "collapse": "模式崩溃", "sample": "采样与混合"}
LANG_IN_URL = re.compile(r"[?&]lang=zh(&|$)")



def expect_chinese(page, title: str, where: str) -> None:
    """The page `title` (a key of TITLES) in Chinese, the radio on 中文 and lang=zh in the address bar."""
    expect(page.get_by_role("heading", name=TITLES[title]).first, where).to_be_visible(timeout=TIMEOUT)
    radio = page.get_by_test_id("stSidebar").get_by_role("radiogroup")
    expect(radio.get_by_role("radio", name="中文"), where).to_be_checked(timeout=TIMEOUT)
    expect(page, where).to_have_url(LANG_IN_URL, timeout=TIMEOUT)


def nav(page, name: str):
    return page.get_by_test_id("stSidebarNav").get_by_role("link", name=name)


def stop_run(page) -> None:
    expect(button(page, "train_stop")).to_be_visible(timeout=TIMEOUT)
    browser_support.stop_run(page)


def test_chinese_survives_every_way_between_pages(browser, app_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        page.goto(app_url)
        expect(page.get_by_text("Language / 语言")).to_be_visible(timeout=TIMEOUT)  # Home drawn, sidebar too
        page.get_by_test_id("stSidebar").get_by_text("中文").click()
        expect_chinese(page, "home", "choosing 中文 on Home")

        nav(page, "模式崩溃").click()
        expect_chinese(page, "collapse", "the sidebar to Mode collapse")
        nav(page, "首页").click()
        expect_chinese(page, "home", "the sidebar back to Home")

        button(page, "home_preset_ring8-vanilla").click()  # "See mode collapse": st.switch_page and a run
        expect_chinese(page, "train", "Home's one-click preset")
        stop_run(page)
        nav(page, "采样与混合").click()
        expect_chinese(page, "sample", "the sidebar after the one-click preset")

        nav(page, "首页").click()
        expect_chinese(page, "home", "the sidebar back to Home")
        link = page.get_by_test_id("stPageLink").filter(has_text="训练").first
        assert LANG_IN_URL.search(link.locator("a").get_attribute("href") or ""), "a page link opened in a new tab"
        link.click()
        expect_chinese(page, "train", "Home's page link to Train")

        page.reload()
        expect_chinese(page, "train", "a reload of Train")

        page.get_by_role("button", name="分享这些设置").click()
        shared = page.get_by_test_id("stCode").filter(has_text="preset=").inner_text().strip()
        assert LANG_IN_URL.search(shared), shared
        other = context.new_page()  # the Share link in a new tab (its own session)
        other.goto(shared)
        expect_chinese(other, "train", "a Share link in a new tab")
        other.close()

        page.goto(f"{app_url}/mode_collapse?lang=zh")  # a deep link (a new session)
        expect_chinese(page, "collapse", "a deep link")
        nav(page, "首页").click()
        expect_chinese(page, "home", "the sidebar after a deep link")
    finally:
        context.close()
