"""A throw-away Ray head on loopback, for the browser test and the benches that need a cluster of their own.

`ray start --head --block` runs in the background with its own temp folder and its own ports, so it never meets
another Ray on the machine; stopping it is killing that one process (it takes the head's other processes with it).
It listens on 127.0.0.1 only (RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0) and has no token authentication
(RAY_AUTH_MODE=disabled): a real cluster keeps its token (docs/SCALING.md). `client_env()` is what an app that
joins it needs in its environment.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from bench import checkout_env
from bench.browser import free_ports

LOOPBACK_ENV = {"RAY_AUTH_MODE": "disabled", "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0"}


READY = "will now block forever"  # what `ray start --block` prints once every process of the head is up


@dataclass(frozen=True)
class RayHead:
    address: str  # 127.0.0.1:<port>
    pid: int  # the `ray start --block` process
    log: Path

    def client_env(self) -> dict:
        """Environment variables for an app server that trains on this head (LATENT_LAB_WORKERS=ray)."""
        return {**LOOPBACK_ENV, "LATENT_LAB_WORKERS": "ray", "RAY_ADDRESS": self.address}

    def alive(self) -> bool:
        try:
            os.kill(self.pid, 0)
        except OSError:
            return False
        return True

    def report(self, lines: int = 25) -> str:
        """Whether the head still runs, and the end of its log: what a failing test prints."""
        try:
            tail = self.log.read_text(errors="replace").splitlines()[-lines:]
        except OSError as error:
            tail = [f"(no log: {error})"]
        state = "running" if self.alive() else "not running"
        return f"the Ray head (pid {self.pid}) is {state}; the end of {self.log}:\n" + "\n".join(tail)


@contextmanager
def ray_head(num_cpus: int = 1, timeout: float = 90.0, attempts: int = 2) -> Iterator[RayHead]:
    """Start a Ray head on loopback (its workers import this checkout), wait until all of it is up, stop it on exit.

    Ready means `ray start` said so (READY in its log), not only that the GCS port answers: the port opens a few
    seconds before the raylet, and a head whose raylet then fails exits with the port closed again. A head that
    exits before it is ready is started once more on fresh ports (its log goes to stderr first); one that fails
    `attempts` times raises with the last log.
    """
    for attempt in range(1, attempts + 1):
        process, head, log = _start(num_cpus)
        try:
            failure = _wait_until_ready(process, head, time.time() + timeout)
            if failure is None:
                yield head
                return
            if attempt == attempts:
                raise RuntimeError(failure)
            print(f"{failure}\nstarting it once more", file=sys.stderr)
        finally:
            _stop(process, head, log)


def _start(num_cpus: int):
    folder = Path(tempfile.mkdtemp(prefix="ray", dir="/tmp"))  # short: Ray's socket paths must fit 107 bytes
    port, client_port, agent_port, metrics_port = free_ports(4)
    command = [sys.executable, "-m", "ray.scripts.scripts", "start", "--head", "--block", "--node-ip-address",
               "127.0.0.1", "--port", str(port), "--num-cpus", str(num_cpus), "--include-dashboard", "false",
               "--ray-client-server-port", str(client_port), "--dashboard-agent-listen-port", str(agent_port),
               "--metrics-export-port", str(metrics_port), "--object-store-memory", str(128 * 2**20),
               "--temp-dir", str(folder), "--disable-usage-stats"]
    log_path = folder / "head.log"
    log = open(log_path, "w")
    process = subprocess.Popen(command, env=checkout_env({**os.environ, **LOOPBACK_ENV}), stdout=log,
                               stderr=subprocess.STDOUT)
    return process, RayHead(f"127.0.0.1:{port}", process.pid, log_path), log


def _wait_until_ready(process: subprocess.Popen, head: RayHead, deadline: float) -> str | None:
    """None once the head is up; else why not (it exited, or the deadline passed), with its log."""
    port = int(head.address.rsplit(":", 1)[1])
    while not _ready(port, head.log):
        if process.poll() is not None or time.time() > deadline:
            return f"the Ray head did not start: {head.report()}"
        time.sleep(0.25)
    return None


def _stop(process: subprocess.Popen, head: RayHead, log) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)
    log.close()
    shutil.rmtree(head.log.parent, ignore_errors=True)


def _ready(port: int, log_path: Path) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            pass
    except OSError:
        return False
    return READY in log_path.read_text(errors="replace")
