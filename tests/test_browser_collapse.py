"""The Mode Collapse page in a real browser: the demo comparison renders, and a screenshot is saved to look at."""
import pytest

from bench.browser import screenshot
from gan_core.store import DEMO_DIR

pytestmark = pytest.mark.browser  # real chromium via Playwright: -m "not browser" leaves these out

DEMOS = ("ring8-vanilla", "ring8-fixed")


def test_mode_collapse_page_shows_table_and_charts(page, app_url):
    missing = [name for name in DEMOS if not (DEMO_DIR / f"{name}.pt").is_file()]
    if missing:
        pytest.skip(f"demo checkpoints missing ({', '.join(missing)}); run python -m gan_core demos")
    from playwright.sync_api import expect

    page.goto(app_url)
    expect(page.get_by_test_id("stApp")).to_be_visible(timeout=30_000)
    # the navigation of streamlit_app.py (not the pages/ folder's file names) must be in place before clicking
    expect(page.get_by_test_id("stSidebar").get_by_text("Language / 语言")).to_be_visible(timeout=30_000)
    page.get_by_test_id("stSidebarNav").get_by_text("Mode Collapse", exact=True).click()
    expect(page.get_by_role("heading", name="Mode collapse")).to_be_visible(timeout=30_000)
    # the two demos are chosen by default and scored (cached after the first time)
    table = page.get_by_test_id("stTable")
    expect(table).to_be_visible(timeout=60_000)
    for text in ("ring8-vanilla", "ring8-fixed", "Modes covered", "★"):
        expect(table).to_contain_text(text)
    charts = page.get_by_test_id("stMain").locator(".js-plotly-plot")  # not the sidebar's hidden preload chart
    expect(charts.first).to_be_visible(timeout=30_000)
    expect(page.get_by_role("heading", name="How the samples spread")).to_be_visible()
    expect(page.get_by_role("heading", name="During training")).to_be_visible()
    expect(charts).to_have_count(4)  # two scatters, the histogram, the curves
    assert page.get_by_test_id("stException").count() == 0
    # Streamlit scrolls inside its own container, so a tall window is what captures the whole page
    page.set_viewport_size({"width": 1400, "height": 3600})
    page.wait_for_timeout(1500)  # let plotly redraw at the new size
    screenshot(page, "mode-collapse")
