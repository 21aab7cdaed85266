"""A freshly started server is where a class arrives all at once: no session may ever see a half-imported module.

Each server here starts with an empty bytecode cache (PYTHONPYCACHEPREFIX), as on the first start after an
install, where importing torch, pandas and plotly takes longest and two threads importing them at once collide.
One student opens Home; the next opens Home and presses "See mode collapse" at once. Both pages must stay free
of tracebacks and the second must land on the Train page.
"""
import time

import pytest

from bench.browser import serve_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SERVERS = 2


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
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and not _exceptions(reader, clicker):
                if clicker.get_by_test_id("stHeading").filter(has_text="Train a GAN or a VAE").count():
                    break
                clicker.wait_for_timeout(250)
            clicker.wait_for_timeout(2000)  # the sidebar and the live panel draw after the heading
            assert _exceptions(reader, clicker) == []
            assert clicker.get_by_test_id("stHeading").filter(has_text="Train a GAN or a VAE").count() == 1
        finally:
            first.close()
            second.close()
