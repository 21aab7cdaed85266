"""Sample & Blend in a real browser: the demo digits GAN opens with a sample grid, and each tab draws."""
import pytest
from bench.browser import screenshot
from playwright.sync_api import expect

pytestmark = pytest.mark.browser  # real chromium via Playwright: -m "not browser" leaves these out

TIMEOUT = 60_000


def _open(page, app_url):
    page.goto(app_url)
    expect(page.get_by_test_id("stApp")).to_be_visible(timeout=TIMEOUT)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Sample & Blend").click()
    expect(page.get_by_role("heading", name="Sample & Blend")).to_be_visible(timeout=TIMEOUT)


def _tab(page, name):
    page.get_by_role("tab", name=name).click()
    expect(page.get_by_role("tab", name=name)).to_have_attribute("aria-selected", "true", timeout=TIMEOUT)


def _no_errors(page):
    assert page.get_by_test_id("stException").count() == 0
    assert page.get_by_test_id("stAlertContentError").count() == 0


def _pictures_fit_their_columns(page):
    """No picture is wider than the column it is in: given their width in pixels, the original/edited pair overlapped
    in 87-px columns and the sweep strip ran past the screen's edge."""
    overflows = page.get_by_test_id("stMain").get_by_test_id("stImage").locator("img").evaluate_all("""imgs => imgs
        .filter(img => img.offsetParent !== null)
        .map(img => [img.getBoundingClientRect(), img.closest('[data-testid=stColumn]')
                     || img.closest('[data-testid=stMainBlockContainer]')])
        .filter(([box, column]) => box.right > column.getBoundingClientRect().right + 1)
        .map(([box, column]) => `${Math.round(box.width)} px in ${Math.round(column.getBoundingClientRect().width)}`)""")
    assert overflows == []


def test_sample_blend_page_shows_the_digits_gan(page, app_url):
    _open(page, app_url)
    expect(page.get_by_text("checkpoints/digits-gan.pt", exact=False)).to_be_visible(timeout=TIMEOUT)
    grid = page.get_by_test_id("stImage").locator("img").first
    expect(grid).to_be_visible(timeout=TIMEOUT)
    assert grid.evaluate("img => img.naturalWidth") > 200  # decoded, enlarged, not a broken image
    expect(page.get_by_text("Samples 0 to 35")).to_be_visible(timeout=TIMEOUT)
    _no_errors(page)
    screenshot(page, "sample-blend")
    page.set_viewport_size({"width": 1400, "height": 1800})  # Streamlit scrolls inside the page: show the whole tab

    _tab(page, "Interpolate")
    expect(page.get_by_text("slerp (great circle)").first).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_test_id("stMain").locator(".js-plotly-plot").first).to_be_visible(timeout=TIMEOUT)
    _no_errors(page)
    screenshot(page, "sample-blend-interpolate")

    _tab(page, "Edit & directions")
    expect(page.get_by_text("Directions that matter").first).to_be_visible(timeout=TIMEOUT)
    page.locator(".st-key-edit_directions").get_by_role("button").click()  # found on demand: 1,000 decodes
    expect(page.get_by_test_id("stImage").locator("img").nth(3)).to_be_visible(timeout=TIMEOUT)
    _no_errors(page)
    _pictures_fit_their_columns(page)
    screenshot(page, "sample-blend-edit")
