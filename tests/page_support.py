"""What the AppTest page tests share: a private runs folder, opening the Train page, reading its progress bar,
and rerunning until something shows (`run_every` never fires inside AppTest).

A module gets the runs folder by importing `runs_dir` (an autouse fixture is active wherever its name is).
"""
from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Widget

from app.train_text import TEXT as TRAIN_TEXT

ROOT = Path(__file__).resolve().parent.parent


def en(table: dict, key: str) -> str:
    """The English text of `key` in one of the app's text tables ({key: (english, chinese)}), placeholders kept."""
    return table[key][0]


def zh(table: dict, key: str) -> str:
    return table[key][1]


def fixed_parts(text: str) -> list[str]:
    """A table's text without its {placeholders}: the pieces that every filled-in version of it shows."""
    return [part for part in re.split(r"\{[^{}]*\}", text) if part]


def shows(shown: str, text: str) -> bool:
    """Whether `shown` holds `text` from a text table, whatever its placeholders were filled with."""
    return all(part in shown for part in fixed_parts(text))


# "Step {step:,} / {target:,} · {status}": the step and the target, read back from the English progress text
_STEP, _TARGET = fixed_parts(en(TRAIN_TEXT, "progress"))[:2]
STEP_PATTERN = re.compile(re.escape(_STEP) + r"([\d,]+)" + re.escape(_TARGET) + r"([\d,]+)")


@pytest.fixture(autouse=True)
def runs_dir(tmp_path, monkeypatch):
    folder = tmp_path / "runs"
    monkeypatch.setenv("LATENT_LAB_RUNS", str(folder))
    return folder


def open_train() -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    at.switch_page("pages/train.py").run()
    assert not at.exception
    return at


def progress(at: AppTest) -> tuple[int, int, str]:
    """(step, target, full text) from the live panel's progress bar."""
    bars = at.get("progress")
    assert bars, "no progress bar on the page"
    text = bars[0].proto.text
    match = STEP_PATTERN.search(text)
    assert match, text
    return int(match.group(1).replace(",", "")), int(match.group(2).replace(",", "")), text


def wait_until(at: AppTest, condition, timeout: float = 30.0, pause: float = 0.3) -> None:
    deadline = time.monotonic() + timeout
    while True:
        at.run()
        assert not at.exception, at.exception
        if condition(at):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out; page says: {progress(at)[2] if at.get('progress') else 'no progress'}")
        time.sleep(pause)


def widget_options(at: AppTest) -> dict[str, tuple[str, list[str]]]:
    """{widget id: (key, the option texts it shows)} of every widget with options on the page."""
    found = {}

    def walk(node) -> None:
        children = getattr(node, "children", None)
        for child in (children.values() if isinstance(children, dict) else []):
            walk(child)
        if isinstance(node, Widget) and hasattr(node.proto, "options"):
            found[node.proto.id] = (node.key, [str(option) for option in node.proto.options])

    walk(at._tree)
    return found


def same_options_in_both_languages(english: dict, chinese: dict) -> list[str]:
    """The keys of widgets that kept their identity across a language switch but changed their option texts.

    Streamlit keeps such a widget's value as the text of its option, so the browser loses it (app/i18n.language_key).
    """
    return [english[wid][0] for wid in english if wid in chinese and english[wid][1] != chinese[wid][1]]


def open_tab_labelled(at, label: str) -> None:
    """Open the Sample & Blend tab shown as `label` (either language) at the next run, as a click on it does:
    AppTest cannot click a tab, so this sets what the tabs' on_change keeps, the open tab's id."""
    from app.sample_text import TEXT as SAMPLE_TEXT
    from app.url_state import OPEN_TAB_KEY

    keys = [key for key, pair in SAMPLE_TEXT.items() if key.startswith("tab_") and label in pair]
    assert keys, f"no tab is labelled {label!r}"
    at.session_state[OPEN_TAB_KEY] = keys[0].removeprefix("tab_")
