"""The Train page's 2-D view keeps its layers in a real browser (Debian chromium via Playwright).

Home's one-click presets that open a 2-D view ("See mode collapse", "Fix it") are pressed in fresh browser sessions,
the way a class meets the app: the layer pills must come up selected and the 2-D chart must hold data, while the run
trains and after it ends, with nothing touched. Only a person's click may empty the selection, and then it stays
empty across the live fragment's redraws until the person selects again.

What is checked is the chart's data, read from the plotly element in the page (`.js-plotly-plot`'s `data`): a
screenshot of empty axes looks much like a chart.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.browser_support import button, press_stop, stop_run

pytestmark = pytest.mark.browser  # real chromium via Playwright: -m "not browser" leaves these out

TIMEOUT = 60_000
SESSIONS = 3  # fresh browser sessions per preset: the blank view came up in most, not all, fresh sessions
#              (six chances over the two presets: a bug that shows in most sessions is all but certain to show)
TWO_D_PRESETS = ("ring8-vanilla", "ring8-fixed")  # Home's "See mode collapse" and "Fix it"
# the chart as it is now: while a rerun draws, Streamlit keeps the previous copy on the page, faded (data-stale)
VIEW = '.st-key-train_view_points:not([data-stale="true"])'
PILLS = ".st-key-train_layers [role=toolbar] button"

# points drawn in the 2-D chart, over all its traces (-1 while the chart is not on the page); plotly keeps a typed
# array sent as {dtype, bdata} in the trace with the decoded array beside it (_inputArray)
POINTS_JS = """el => {
    if (!el) return -1;  // between a rerun's stale copy and its fresh one there may be no chart at all
    const plot = el.querySelector('.js-plotly-plot');
    if (!plot || !plot.data) return -1;
    const size = a => !a ? 0 : (a.length ?? (a._inputArray ? a._inputArray.length : 0));
    return plot.data.reduce((n, trace) => n + (size(trace.x) || size(trace.z)), 0);
}"""
TRACES_JS = """el => {
    const plot = el && el.querySelector('.js-plotly-plot');
    return plot && plot.data ? plot.data.map(trace => trace.type || 'scatter') : null;
}"""


# the legend's entries, each with whether it lies inside the chart's drawing (the margin above the plot is fixed:
# an entry in a row that does not fit there is cut off, though it is in the page)
LEGEND_JS = """el => {
    const plot = el && el.querySelector('.js-plotly-plot');
    const svg = plot && plot.querySelector('svg.main-svg');
    if (!svg) return null;  // plotly between two drawings of the live view
    const box = svg.getBoundingClientRect();
    return Array.from(plot.querySelectorAll('.legend .traces')).map(entry => {
        const r = entry.getBoundingClientRect();
        return [entry.textContent, r.top >= box.top - 1 && r.bottom <= box.bottom + 1];
    });
}"""



def chart_points(page) -> int:
    return page.locator(VIEW).first.evaluate(POINTS_JS)


def settled(page, script: str, missing=None):
    """`script` run on the 2-D chart, asked again for up to 3 s while it gives `missing`: while the live view is
    redrawn there is no chart, or no plotly data, or no svg, for a moment."""
    for _ in range(30):
        value = page.locator(VIEW).first.evaluate(script)
        if value != missing:
            return value
        page.wait_for_timeout(100)
    return value


def wait_for_points(page, timeout: int = 10_000) -> int:
    """The chart's points once it holds some, or what it holds after `timeout` ms."""
    try:  # the value the wait saw: Streamlit swaps the chart for a new one when its figure changes
        return page.wait_for_function(f"() => Math.max(0, ({POINTS_JS})(document.querySelector('{VIEW}')))",
                                      timeout=timeout).json_value()
    except PlaywrightTimeout:
        return chart_points(page)


def pressed(page) -> list[str]:
    """The labels of the layer pills that are selected."""
    return [pill.inner_text() for pill in page.locator(PILLS).all() if pill.get_attribute("aria-pressed") == "true"]


def expect_view_with_data(page, when: str) -> None:
    """The 2-D chart is on the page, holds points, and the default layers are selected."""
    expect(page.locator(f"{VIEW} .js-plotly-plot").first).to_be_attached(timeout=TIMEOUT)
    expect(page.locator(PILLS).first).to_be_visible(timeout=10_000)  # the pills' code loads on first use: a moment
    points, layers = wait_for_points(page), pressed(page)
    assert points > 0, f"{when}: the 2-D chart is empty axes (traces {page.locator(VIEW).first.evaluate(TRACES_JS)}), " \
                       f"selected pills {layers}"
    assert set(layers) == {"D's opinion", "G's grid", "real", "generated"}, f"{when}: selected pills {layers}"


@pytest.mark.parametrize("preset", TWO_D_PRESETS)
def test_one_click_2d_view_keeps_its_layers_in_fresh_sessions(browser, app_url, preset):
    """Each fresh session: Home, press the preset, look mid-run (twice, a few live redraws apart) and after the run
    ends. The run is stopped after the mid-run looks (a full run would take half a minute): stopping ends it through
    the same full rerun as finishing, and the next session's run would otherwise wait in the queue behind it."""
    for session in range(SESSIONS):
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        try:
            page.goto(app_url)
            button(page, f"home_preset_{preset}").click(timeout=TIMEOUT)  # as soon as it shows, as a teacher does
            expect(page.get_by_role("heading", name="Train a generative model")).to_be_visible(timeout=TIMEOUT)
            expect_view_with_data(page, f"session {session}, first look mid-run")
            page.wait_for_timeout(4500)  # a 2-D run's picture redraws every 2 s (CHART_SECONDS): two redraws
            # ring8-vanilla's 1,500 steps take about 8 s on one quiet core: on a fast host the run may have ended,
            # and the look after the run ended (below) is then the one that counts
            if page.get_by_text(re.compile(r"· training")).is_visible():
                expect_view_with_data(page, f"session {session}, a few redraws later")
            stop_run(page)
            page.wait_for_timeout(1500)  # the full rerun after the run ended has drawn the view again
            expect_view_with_data(page, f"session {session}, after the run ended")
        finally:
            press_stop(page)
            context.close()


def traces(page) -> list | None:
    """The 2-D chart's trace types."""
    return settled(page, TRACES_JS)


def legend(page) -> list | None:
    """[(entry, inside the chart)]."""
    return settled(page, LEGEND_JS)


def test_a_person_empties_the_layers_and_they_stay_empty_until_chosen_again(page, app_url):
    page.set_viewport_size({"width": 1280, "height": 720})  # a projector: the 2-D view beside the settings is narrow
    page.goto(f"{app_url}/train?preset=ring8-fixed&steps=100000")  # still training when the test is done
    button(page, "train_start").click()
    expect_view_with_data(page, "before any click")
    # every legend entry can be read: at 1280 px only "generated G(z)" showed, its row-mates cut off above the chart
    assert legend(page) == [["G(z₁ fixed)", True], ["G(z₂ fixed)", True], ["real data", True],
                            ["generated G(z)", True]], legend(page)  # each family of grid lines in its colour
    page.locator(PILLS).filter(has_text="arrows").click()
    expect(page.get_by_text("push on G(z)")).to_be_attached(timeout=10_000)
    page.wait_for_timeout(1200)  # the redraw has settled
    assert all(inside for _, inside in legend(page)) and len(legend(page)) == 5, legend(page)

    for label in pressed(page):
        page.locator(PILLS).filter(has_text=label).click()
        expect(page.locator(PILLS).filter(has_text=label)).to_have_attribute("aria-pressed", "false")
    page.wait_for_timeout(3500)  # three redraws of the live picture
    expect(page.get_by_text(re.compile(r"· training"))).to_be_visible()
    assert pressed(page) == [], "a redraw brought back layers the person had switched off"
    assert settled(page, POINTS_JS, missing=-1) == 0, traces(page)

    for label in ("D's opinion", "real"):
        page.locator(PILLS).filter(has_text=label).click()
        expect(page.locator(PILLS).filter(has_text=label)).to_have_attribute("aria-pressed", "true")
    page.wait_for_timeout(2500)
    assert set(pressed(page)) == {"D's opinion", "real"}
    assert wait_for_points(page) > 0
    assert set(traces(page) or ()) == {"heatmap", "scatter"}, traces(page)
    stop_run(page)
