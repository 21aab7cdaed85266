"""Benchmarks, each a script (`python bench/<name>.py`, or `python -m bench.<name>` from the repository root), and
the helpers they share with the tests: `bench.browser` serves the app and drives chromium.

Scripts import each other and gan_core as packages (`from bench.browser import ...`): `pip install -r
requirements.txt` installs this checkout in editable mode, and pytest puts the repository root on sys.path
(`pythonpath` in pyproject.toml).
"""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def checkout_env(env: dict | None = None) -> dict:
    """`env` (default: os.environ) with this checkout first on PYTHONPATH, so that a child `python -c ...` or
    `python some/script.py` imports this checkout's gan_core, installed or not (a git worktree, say)."""
    env = dict(os.environ if env is None else env)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env
