"""A freshly started server is where a class arrives all at once: no session may ever see a half-imported module.

Each server here starts with an empty bytecode cache (PYTHONPYCACHEPREFIX), as on the first start after an
install, where importing torch, pandas and plotly takes longest and two threads importing them at once collide.
One student opens Home; the next opens Home and presses "See mode collapse" at once. Both pages must stay free
of tracebacks and the second must land on the Train page. The first student's browser must hold its id (a cookie)
while the server is still importing, before the sidebar draws (app/browser.py; when the sidebar set it after the
imports, a reload or a second tab in those seconds got a new id and lost sight of its run). The second student
then reloads as soon as Train shows: the run must still be theirs.
"""
import re
import time

import pytest
from playwright.sync_api import expect

from bench.browser import serve_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SERVERS = 2
RUN_NAME = re.compile(r"ring8-vanilla-\d{6}")
COOKIE_AND_SIDEBAR = """() => [document.cookie.includes('latent_lab_browser='),
  (document.querySelector('[data-testid="stSidebar"]')?.innerText || '').includes('Device')]"""


def _exceptions(*pages) -> list[str]:
    return [text for page in pages for text in page.get_by_test_id("stException").all_inner_texts()]


@pytest.mark.parametrize("server", range(SERVERS))
def test_the_first_click_on_a_cold_server_lands_on_train(browser, tmp_path, server):
    cache, runs = tmp_path / "pycache", tmp_path / "runs"
    cache.mkdir()
    runs.mkdir()
    with serve_app(runs, env_extra={"PYTHONPYCACHEPREFIX": str(cache)}, timeout=180) as served:
        first, second = browser.new_context(), browser.new_context()
        try:
            reader, clicker = first.new_page(), second.new_page()
            reader.goto(served.url)
            clicker.goto(served.url)
            clicker.locator(".st-key-home_preset_ring8-vanilla button").click(timeout=120_000)
            readings = []  # the reader's page while the server imports: [cookie set, sidebar drawn]
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and not _exceptions(reader, clicker):
                readings.append(reader.evaluate(COOKIE_AND_SIDEBAR))
                if clicker.get_by_test_id("stHeading").filter(has_text="Train a generative model").count():
                    break
                clicker.wait_for_timeout(250)
            assert _exceptions(reader, clicker) == []
            assert clicker.get_by_test_id("stHeading").filter(has_text="Train a generative model").count() == 1
            # the browser's id was kept before the sidebar (which waits for the imports) was drawn
            assert [True, False] in readings, f"the cookie came with the sidebar or later: {readings[-3:]}"

            clicker.reload()  # at once: the same browser, so the same run
            expect(clicker.get_by_test_id("stSidebar").get_by_text(RUN_NAME)).to_be_visible(timeout=60_000)
            expect(clicker.get_by_text("No run yet")).to_have_count(0)
            clicker.wait_for_timeout(2000)  # the live panel draws after the sidebar
            assert _exceptions(reader, clicker) == []
        finally:
            first.close()
            second.close()
