"""A fresh server's warm-up (app/warmup.py): the training workers' fork server starts before the server imports torch,
so the two import it side by side and the first Start finds a ready fork server. Each check runs in a fresh
interpreter, where nothing is imported yet (it returns once the fork server it started has finished importing and
seen its parent go: a few seconds)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

WARM_UP = """
import json, sys
from multiprocessing import forkserver
from app import warmup

seen = {}
def heavy_imports():  # what the warm-up does second; here it only records what was there before it
    seen["fork_server_running"] = forkserver._forkserver._forkserver_pid is not None
    seen["torch_imported"] = "torch" in sys.modules
warmup.import_heavy = heavy_imports
warmup._warm_up()
print(json.dumps(seen))
"""


@pytest.mark.parametrize("mode, fork_server", [
    pytest.param("process", True, marks=pytest.mark.skipif(not sys.platform.startswith("linux"),
                                                            reason="the fork server is used on Linux")),
    ("thread", False),  # runs train in the server's threads: no fork server at all
])
def test_the_fork_server_starts_before_the_heavy_imports_and_without_torch(mode, fork_server):
    env = {**os.environ, "LATENT_LAB_WORKERS": mode}
    done = subprocess.run([sys.executable, "-c", WARM_UP], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen == {"fork_server_running": fork_server, "torch_imported": False}


@pytest.mark.slow  # over 10 s on the 2-core machine
def test_after_the_warm_up_a_family_presets_memory_check_imports_nothing_heavy():
    # the check traces a family's networks on the meta device, which imports torch._dynamo and sympy (1-3 s): the
    # warm-up pays that in the background, not the Train page's first run with a family preset chosen
    code = ("import sys\n"
            "from app import warmup\n"
            "warmup.import_heavy()\n"
            "from gan_core import budget\n"
            "from gan_core.presets import preset_config\n"
            "before = set(sys.modules)\n"
            "budget.check(preset_config('digits-ddpm'))\n"
            "print(sorted(m for m in set(sys.modules) - before if m.split('.')[0] in ('sympy', 'torch')))\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=180,
                          env={**os.environ, "LATENT_LAB_WORKERS": "thread"})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"
