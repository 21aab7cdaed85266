"""What a plain `pytest` runs (tests/conftest.py): the quick loop on two workers; --full and CI run everything."""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import QUICK, quick_default

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("plain, full, ci, cpus, asked, expected", [
    (True, False, False, 2, None, (QUICK, 2)),  # plain pytest with pytest-xdist: the quick loop on two workers
    (True, False, False, 1, None, (QUICK, 0)),  # one core: the quick loop, one test at a time
    (True, False, False, 2, "absent", (QUICK, 0)),  # no pytest-xdist
    (True, False, False, 2, 4, (QUICK, 0)),  # -n given: xdist does as told
    (True, True, False, 2, None, (None, 0)),  # --full: everything, one at a time
    (True, False, True, 2, None, (None, 0)),  # CI: the same
    (False, False, False, 2, None, (None, 0)),  # tests named, or -m / -k: as asked
])
def test_a_plain_run_is_the_quick_loop_and_full_or_ci_is_everything(plain, full, ci, cpus, asked, expected):
    assert quick_default(plain, full, ci, cpus, asked) == expected


def _collected_files(*args: str, ci: str | None) -> set[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_ADDOPTS", "PYTEST_XDIST_WORKER")}
    if ci is not None:
        env["CI"] = ci
    out = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", *args], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=240)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    return set(re.findall(r"^(tests/\S+\.py): \d+$", out.stdout, re.M))


@pytest.mark.slow  # three collections of the whole suite
def test_the_browser_tests_run_on_ci_and_with_full_but_not_in_a_plain_run():
    plain = _collected_files(ci=None)
    assert plain and not any("test_browser_" in name for name in plain)
    assert "tests/test_browser_train.py" in _collected_files(ci="true")
    assert "tests/test_browser_train.py" in _collected_files("--full", ci="false")
