"""Serving the app and driving Debian's chromium with Playwright, for the real-browser tests and the benches.

`serve_app` runs `streamlit run streamlit_app.py` on loopback with its own runs folder and stops it at the end: the
tests start one per session (fixture `app_url` in tests/conftest.py); bench/classroom.py also reads the server's
pid. Screenshots go to test-artifacts/ (gitignored) so a person can look at them.
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
# the Train page's status line once its run has taken a step ("Step 1,234 / 2,500 · training")
STEP_MOVED = re.compile(r"Step [1-9][\d,]* / [\d,]+")
CHROMIUM = os.environ.get("LATENT_LAB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def shown_step(status) -> int:
    """The step a located status line shows (1,234 from "Step 1,234 / 2,500 · training")."""
    return int(STEP_MOVED.search(status.inner_text()).group(0).split()[1].replace(",", ""))


def browser_available() -> bool:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return False
    return Path(CHROMIUM).exists() or shutil.which("chromium") is not None


def free_port() -> int:
    return free_ports(1)[0]


def free_ports(count: int) -> list[int]:
    """`count` different free ports on loopback (the sockets stay open until all are picked, so none repeats)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


@dataclass(frozen=True)
class ServedApp:
    url: str  # http://127.0.0.1:<port>
    pid: int  # the streamlit server's process (its training workers are children of it)
    log: Path  # the server's stdout and stderr


@contextmanager
def serve_app(runs_dir: Path, env_extra: dict | None = None, timeout: float = 60.0,
              threads: int | None = 1) -> Iterator[ServedApp]:
    """Run `streamlit run streamlit_app.py` headless on a free loopback port until /_stcore/health answers; yield
    its url and pid; stop it on exit. `threads` sets LATENT_LAB_THREADS (None keeps the app's own default)."""
    port = free_port()
    env = {**os.environ, "LATENT_LAB_RUNS": str(runs_dir)}
    if threads is not None:
        env["LATENT_LAB_THREADS"] = str(threads)
    env.update(env_extra or {})
    log_path = runs_dir / "server.log"
    log = open(log_path, "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--server.fileWatcherType", "none",
         "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"streamlit did not start; see {log_path}")
            time.sleep(0.25)
        yield ServedApp(url, process.pid, log_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@contextmanager
def open_browser():
    """A Playwright chromium browser (Debian's binary; Playwright cannot download its own here)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
                                             args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
