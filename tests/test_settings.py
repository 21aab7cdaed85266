"""The LATENT_LAB_* settings: read in gan_core/settings.py alone, at call time, a bad value counting as unset."""
import re
from pathlib import Path

import pytest

from gan_core import settings

ROOT = Path(__file__).resolve().parent.parent


def test_only_the_settings_module_reads_latent_lab_variables():
    reading = re.compile(r"(environ|getenv)[^\n]*LATENT_LAB_")
    readers = [str(path.relative_to(ROOT)) for folder in ("gan_core", "app", "pages")
               for path in (ROOT / folder).rglob("*.py") if reading.search(path.read_text(encoding="utf-8"))]
    assert readers == []
    source = (ROOT / "gan_core" / "settings.py").read_text(encoding="utf-8")
    for name in ("RUNS", "WORKERS", "MAX_JOBS", "THREADS", "SESSION_GRACE", "DEBUG", "RUN_MEMORY_MB", "RAY_GPU_FRACTION"):
        assert f'_text("LATENT_LAB_{name}")' in source or f'_positive_int("LATENT_LAB_{name}")' in source, name


@pytest.mark.parametrize("name, read, good, bad, unset", [
    ("LATENT_LAB_MAX_JOBS", settings.max_jobs, ("3", 3), "-1", None),
    ("LATENT_LAB_THREADS", settings.threads, ("2", 2), "two", None),
    ("LATENT_LAB_WORKERS", settings.worker_mode, (" Thread ", "thread"), "fibre", None),
    ("LATENT_LAB_WORKERS", settings.worker_mode, ("Ray", "ray"), "rays", None),
    ("LATENT_LAB_RAY_GPU_FRACTION", settings.ray_gpu_fraction, ("0.25", 0.25), "2", 0.1),
    ("RAY_ADDRESS", settings.ray_address, ("127.0.0.1:6379", "127.0.0.1:6379"), " ", None),
    ("LATENT_LAB_SESSION_GRACE", settings.session_grace_seconds, ("5.5", 5.5), "soon", 60.0),
    ("LATENT_LAB_DEBUG", settings.debug, ("1", True), "", False),
    ("LATENT_LAB_RUN_MEMORY_MB", settings.run_memory_mb, ("4096", 4096), "lots", 1024),
])
def test_each_setting_parses_and_ignores_what_does_not(monkeypatch, name, read, good, bad, unset):
    monkeypatch.delenv(name, raising=False)
    assert read() == unset
    monkeypatch.setenv(name, good[0])
    assert read() == good[1]
    monkeypatch.setenv(name, bad)
    assert read() == unset


def test_the_runs_folder_follows_its_variable(monkeypatch, tmp_path):
    from gan_core import store

    monkeypatch.delenv("LATENT_LAB_RUNS", raising=False)
    assert store.runs_dir() == ROOT / "runs"
    monkeypatch.setenv("LATENT_LAB_RUNS", str(tmp_path))
    assert store.runs_dir() == tmp_path
