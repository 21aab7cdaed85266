"""A link straight to a page (what a teacher hands out) opens it inside the app shell: sidebar, language switch."""
import pytest
from playwright.sync_api import expect

from bench.browser import screenshot

pytestmark = pytest.mark.browser  # real chromium via Playwright: -m "not browser" leaves these out


@pytest.mark.parametrize("path, heading", [("train", "Train a generative model"), ("mode_collapse", "Mode collapse"),
                                           ("sample_blend", "Sample & Blend")])
def test_deep_link_opens_the_page_inside_the_shell(page, app_url, path, heading):
    page.goto(f"{app_url}/{path}")
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("stHeading").filter(has_text=heading).first).to_be_visible(timeout=60_000)
    expect(page.get_by_text("Language / 语言")).to_be_visible(timeout=30_000)
    assert page.get_by_text("Page not found").count() == 0
    screenshot(page, f"deep-link-{path}")
