"""What the browser tests share: finding a widget's button and stopping a run that may end on its own meanwhile."""
from __future__ import annotations

import re
import time

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

ENDED = re.compile(r"· (已停止|已完成|stopped|finished)")


def button(page, key: str):
    """The visible button of the widget with `key` (Streamlit also renders a hidden copy to measure it)."""
    return page.locator(f".st-key-{key}").get_by_role("button")


def press_stop(page, timeout: float = 45.0) -> None:
    """Press Stop if the run is still going. A short run can finish between the check and the click, and Stop is then
    disabled: one click would wait until its timeout for it to be enabled again. A busy host's live redraws can also
    keep Stop from being clickable for several seconds. So: tries of 10 s, for as long as Stop is enabled."""
    stop = button(page, "train_stop")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and stop.count() and stop.is_enabled():
        try:
            stop.click(timeout=10_000)
            return
        except PlaywrightTimeout:
            continue  # not clickable yet, or disabled meanwhile: the loop asks again


def stop_run(page, timeout: int = 30_000) -> None:
    """Stop the run (or let it be, if it has ended) and wait until the page says it ended."""
    press_stop(page)
    expect(page.get_by_text(ENDED).first).to_be_visible(timeout=timeout)
