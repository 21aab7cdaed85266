"""The projector's first screen: after a Home one-click preset the live picture is on it, at 1280x720 and 1366x768;
Sample & Blend and Mode Collapse show their pictures there too; no button label is cut at 1280 px in English or
中文; presenter mode (?present=1 or the sidebar switch) makes type and markers larger and goes off again.

One server for the module, with room for every run these sessions start (LATENT_LAB_MAX_JOBS) and a short grace,
so no test waits in the queue behind another's run.
"""
import time

import pytest
from playwright.sync_api import expect

from bench.browser import screenshot, serve_app
from tests.browser_support import press_stop

pytestmark = pytest.mark.browser

PRESETS = ("ring8-vanilla", "ring8-fixed", "digits-gan", "digits-vae")
SIZES = ((1280, 720), (1366, 768))
MIN_VISIBLE = 300  # px of the picture on the first screen

# the live picture: the 2-D view (a plotly chart) or the sample grid (an image), in the main area; not the curves
TRAIN_PICTURE = '.st-key-train_view_points [data-testid="stPlotlyChart"], [data-testid="stImage"] img'
# the 2-D view as it is now (a faded copy from the previous run can stay on the page while a rerun draws)
VIEW_PLOT = '.st-key-train_view_points:not([data-stale="true"]) .js-plotly-plot'
PICTURE_TOP = """(selector) => {
  const main = document.querySelector('[data-testid="stMain"]');
  const found = [...main.querySelectorAll(selector)].map(e => e.getBoundingClientRect()).filter(r => r.height > 100);
  if (!found.length) return null;
  const first = found.reduce((a, b) => (b.top < a.top ? b : a));
  return {top: first.top, bottom: first.bottom};
}"""
# buttons, tabs and page links (Home's list of pages cut "Sample & Blend: walk the latent space" at "latent")
# (a text wider than its box by a fraction of a pixel is drawn with an ellipsis too, while scrollWidth and clientWidth,
# rounded, are equal: "Find the main directions" was 141.66 px in a 141.63 px box; the text's own extent tells)
CUT_LABELS = """() => [...document.querySelectorAll('button, [data-baseweb="tab"], [data-testid="stPageLink"] a')]
  .filter(b => b.offsetParent !== null)
  .flatMap(b => [b, ...b.querySelectorAll('p, span, div')])
  .filter(e => e.offsetParent !== null && (e.innerText || '').trim() && (e.scrollWidth > e.clientWidth + 1 ||
    (getComputedStyle(e).textOverflow === 'ellipsis' && (() => {
      const range = document.createRange(); range.selectNodeContents(e);
      return range.getBoundingClientRect().width > e.getBoundingClientRect().width + 0.01; })())))
  .map(e => e.innerText.trim())"""
MARKER_SIZE = """() => {
  const plot = document.querySelector('.st-key-train_view_points:not([data-stale="true"]) .js-plotly-plot');
  if (!plot || !plot.data) return null;
  const sizes = plot.data.map(trace => trace.marker && typeof trace.marker.size === 'number' ? trace.marker.size : 0);
  return Math.max(...sizes);
}"""


def marker_size(page, timeout: float = 30.0) -> float:
    """The 2-D view's largest marker size, once a settled copy of the chart is on the page (while a live redraw
    replaces it, Streamlit marks the old copy stale and there is none to read for a moment)."""
    deadline = time.monotonic() + timeout
    while (size := page.evaluate(MARKER_SIZE)) is None:
        assert time.monotonic() < deadline, "no settled 2-D chart on the page"
        page.wait_for_timeout(100)
    return size


@pytest.fixture(scope="module")
def roomy_url(tmp_path_factory):
    with serve_app(tmp_path_factory.mktemp("layout-runs"),
                   env_extra={"LATENT_LAB_MAX_JOBS": "16", "LATENT_LAB_SESSION_GRACE": "2"}) as server:
        yield server.url


def _visible_picture(page, height: int, selector: str, timeout_ms: int = 90_000) -> float:
    """Pixels of the first picture inside the viewport, once it has appeared and settled: on a busy machine the
    page can still be laying out when the picture first shows (one run read 298 px, then the full picture; a CI
    run read -1429 px once, for over a second, and its layout was not kept), so the picture has 15 s to reach
    MIN_VISIBLE; a picture that never does fails with its last reading."""
    box = None
    for _ in range(timeout_ms // 500):
        box = page.evaluate(PICTURE_TOP, selector)
        if box is not None:
            break
        page.wait_for_timeout(500)
    assert box is not None, "no picture appeared"
    visible = min(box["bottom"], height) - max(box["top"], 0)
    deadline = time.monotonic() + 15
    while visible < MIN_VISIBLE and time.monotonic() < deadline:
        page.wait_for_timeout(250)
        box = page.evaluate(PICTURE_TOP, selector) or box
        visible = min(box["bottom"], height) - max(box["top"], 0)
    return visible


MAIN_LAYOUT = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const blocks = [...main.querySelectorAll('[data-testid="stVerticalBlock"] > div')].slice(0, 40);
  return {scroll: main.scrollTop, blocks: blocks.map(e => {
    const r = e.getBoundingClientRect();
    return `${Math.round(r.top)}+${Math.round(r.height)} ${e.className.split(' ').filter(c => c.startsWith('st-key')).join(' ')} ${(e.innerText || '').slice(0, 40).replace(/\\s+/g, ' ')}`;
  }).filter(line => !line.includes('+0 '))};
}"""


def _what_is_on_screen(page, name: str) -> str:
    """A failure's explanation: a screenshot under bench's artifacts and the main area's blocks, top and height."""
    path = screenshot(page, name)
    layout = page.evaluate(MAIN_LAYOUT)
    return f"main scrolled {layout['scroll']} px; screenshot {path}; blocks:\n" + "\n".join(layout["blocks"])


@pytest.mark.parametrize("preset", PRESETS)
def test_a_one_click_preset_lands_with_the_live_picture_on_the_first_screen(browser, roomy_url, preset):
    width, height = SIZES[0]
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        page.goto(roomy_url)
        page.locator(f".st-key-home_preset_{preset} button").click(timeout=120_000)
        expect(page.locator(".st-key-train_stop").first).to_be_visible(timeout=60_000)
        for width, height in SIZES:  # the same page on both projectors' screens
            page.set_viewport_size({"width": width, "height": height})
            page.wait_for_timeout(1000)
            visible = _visible_picture(page, height, TRAIN_PICTURE)
            screenshot(page, f"first-screen-{preset}-{width}x{height}")
            assert visible >= MIN_VISIBLE, (f"{width}x{height}: {visible:.0f} px of the picture on the first screen; "
                                            + _what_is_on_screen(page, f"short-{preset}-{width}x{height}"))
        press_stop(page)  # free the slot for the next test's run
    finally:
        context.close()


@pytest.mark.parametrize("path, selector", [("sample_blend", '[data-testid="stImage"] img'),
                                            ("mode_collapse", '[class*="st-key-collapse_scatter"] [data-testid="stPlotlyChart"]')])
def test_sample_and_collapse_pages_show_their_pictures_on_the_first_screen(browser, roomy_url, path, selector):
    context = browser.new_context(viewport={"width": SIZES[0][0], "height": SIZES[0][1]})
    try:
        page = context.new_page()
        page.goto(f"{roomy_url}/{path}")
        for width, height in SIZES:
            page.set_viewport_size({"width": width, "height": height})
            page.wait_for_timeout(1000)
            visible = _visible_picture(page, height, selector)
            screenshot(page, f"first-screen-{path}-{width}x{height}")
            assert visible >= MIN_VISIBLE, (f"{width}x{height}: {visible:.0f} px of the picture on the first screen; "
                                            + _what_is_on_screen(page, f"short-{path}-{width}x{height}"))
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_button_label_is_cut_at_1280_px(browser, roomy_url, lang):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = context.new_page()
        cut = {}
        # (and Sample & Blend's narrow columns: a 2-D model's Edit tab cut "Find the main directio…")
        for path in ("", "train", "sample_blend", "mode_collapse", "sample_blend?ckpt=demo:ring8-fixed&tab=edit",
                     "sample_blend?ckpt=demo:ring8-fixed&tab=blend"):
            page.goto(f"{roomy_url}/{path}{'&' if '?' in path else '?'}lang={lang}")
            expect(page.get_by_test_id("stSidebarNav")).to_be_visible(timeout=60_000)
            page.wait_for_timeout(4000)  # widgets and charts settle
            cut[path or "home"] = page.evaluate(CUT_LABELS)
        # and the Train page while a run is live (its compact bar)
        page.goto(f"{roomy_url}/?lang={lang}")
        page.locator(".st-key-home_preset_ring8-fixed button").click(timeout=120_000)
        expect(page.locator(".st-key-train_stop").first).to_be_visible(timeout=60_000)
        page.wait_for_timeout(4000)
        cut["train (live)"] = page.evaluate(CUT_LABELS)
        screenshot(page, f"labels-train-live-{lang}")
        press_stop(page)
        assert cut == {name: [] for name in cut}
    finally:
        context.close()


def test_presenter_mode_makes_type_and_markers_larger_and_goes_off_again(browser, roomy_url):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = context.new_page()
        root_font = "() => parseFloat(getComputedStyle(document.documentElement).fontSize)"
        page.goto(roomy_url)
        expect(page.get_by_test_id("stSidebarNav")).to_be_visible(timeout=60_000)
        usual_font = page.evaluate(root_font)
        page.locator(".st-key-home_preset_ring8-fixed button").click(timeout=120_000)
        expect(page.locator(VIEW_PLOT).first).to_be_visible(timeout=90_000)
        usual_marker = marker_size(page)
        press_stop(page)

        # presenter mode from a shared link to Home: the one-click buttons are on the first screen (their descriptions
        # pushed them to y = 791, and the click's scroll of Home once carried over to Train, which the browser's
        # scroll anchoring then followed to the bottom)
        page.goto(f"{roomy_url}/?present=1")
        expect(page.get_by_test_id("stSidebarNav")).to_be_visible(timeout=60_000)
        for preset in PRESETS:
            box = page.locator(f".st-key-home_preset_{preset} button").first.bounding_box(timeout=60_000)
            assert box and box["y"] + box["height"] <= 720, (preset, box)
        page.locator(".st-key-home_preset_ring8-fixed button").first.click(timeout=120_000)
        expect(page.locator(VIEW_PLOT).first).to_be_visible(timeout=90_000)
        page.wait_for_timeout(2500)  # a chart redraw after the page settles
        assert page.evaluate(root_font) >= 1.25 * usual_font
        assert marker_size(page) >= 1.5 * usual_marker
        assert page.get_by_test_id("stExpander").filter(has_text="What am I looking at").count() == 1  # folded
        visible = _visible_picture(page, 720, TRAIN_PICTURE)
        # larger, and still on the first screen
        assert visible >= MIN_VISIBLE, f"{visible:.0f} px; " + _what_is_on_screen(page, "presenter-first-screen")
        screenshot(page, "presenter-on")
        switch = page.get_by_test_id("stSidebar").get_by_text("Presenter mode")
        switch.click()  # off again, from the sidebar
        page.wait_for_function(f"() => parseFloat(getComputedStyle(document.documentElement).fontSize) == {usual_font}",
                               timeout=15_000)
        page.wait_for_timeout(2500)  # the chart's next redraw
        assert page.evaluate(root_font) == usual_font
        assert marker_size(page) == usual_marker
        assert "present=1" not in page.url
    finally:
        context.close()
