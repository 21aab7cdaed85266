"""How busy the host was while a benchmark ran, measured rather than guessed (issue #20).

The same command, code and seed took 16.3, 22.1 and 33.3 s within 25 minutes on the shared 2-core machine. To tell a
slow run of ours from a slow host, a timed run is wrapped in `HostWatch`, which reads the kernel's own counters before
and after:
- **steal**: the share of the machine's CPU time the hypervisor gave to other guests (`/proc/stat`, column 8);
- **CPU wait**: the share of the wall time in which at least one runnable task waited for a core
  (`/proc/pressure/cpu`, "some"; our own two threads count too, so it is not zero on a busy run);
- **others' CPU**: CPU seconds the machine spent outside the timed command and this process, per second of wall
  time (0 to the number of cores). Only children that were waited for count as the command's own: a benchmark that
  serves the app leaves the server's orphaned worker processes in "others", so trust it for a single command
  (bench_fixit's CLI run), not for bench_live or bench_app;
- **probe**: a fixed workload of this host's own (a small MLP's forward and backward, one thread) timed right
  before and right after, in milliseconds. It is the same arithmetic every time, so when it takes longer, the host
  was slower, whatever the reason (a neighbour on the same physical core shows up here and nowhere else).

On a Linux without these files the fields are None.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import torch

try:
    import resource  # (not on Windows)
except ImportError:  # pragma: no cover
    resource = None

PROC_STAT = Path("/proc/stat")
PRESSURE = Path("/proc/pressure/cpu")
TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_ticks(text: str | None = None) -> dict | None:
    """The machine's aggregate CPU time in clock ticks: busy, idle (idle + iowait) and steal. None without /proc."""
    try:
        text = PROC_STAT.read_text() if text is None else text
    except OSError:
        return None
    fields = [int(v) for v in text.splitlines()[0].split()[1:]]
    fields += [0] * (8 - len(fields))
    user, nice, system, idle, iowait, irq, softirq, steal = fields[:8]
    return {"busy": user + nice + system + irq + softirq, "idle": idle + iowait, "steal": steal}


def cpu_pressure_us(text: str | None = None) -> int | None:
    """Total microseconds in which some runnable task waited for a CPU (PSI "some"), or None without PSI."""
    try:
        text = PRESSURE.read_text() if text is None else text
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("some "):
            return int(dict(part.split("=") for part in line.split()[1:])["total"])
    return None


def own_cpu_s() -> float:
    """CPU seconds used so far by this process and the children it has waited for (0 where unknown)."""
    if resource is None:
        return 0.0
    mine, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return mine.ru_utime + mine.ru_stime + children.ru_utime + children.ru_stime


def probe_ms(repeats: int = 5, steps: int = 40) -> float:
    """The median over `repeats` of `steps` forward and backward passes of a fixed 4-layer MLP (width 96, batch
    512: ring8-fixed's size) on one thread, in milliseconds: about 53 ms on the idle 2-core machine, so one call
    costs about 0.3 s."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        generator = torch.Generator().manual_seed(0)
        layers = [torch.randn(96, 96, generator=generator, requires_grad=True) for _ in range(4)]
        x = torch.randn(512, 96, generator=generator)
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            for _ in range(steps):
                h = x
                for weight in layers:
                    h = torch.relu(h @ weight)
                h.sum().backward()
            times.append((time.perf_counter() - started) * 1000)
        return round(sorted(times)[len(times) // 2], 1)
    finally:
        torch.set_num_threads(threads)


@dataclass
class HostWatch:
    """`with HostWatch() as host: run()`, then `host.report()`: the host's load over the block (see the module)."""
    probe: bool = True
    started: dict = field(default_factory=dict)
    ended: dict = field(default_factory=dict)

    @staticmethod
    def _read() -> dict:
        return {"wall": time.perf_counter(), "ticks": cpu_ticks(), "pressure": cpu_pressure_us(), "own": own_cpu_s()}

    def __enter__(self) -> "HostWatch":
        self.probe_before = probe_ms() if self.probe else None
        self.started = self._read()
        return self

    def __exit__(self, *exc) -> None:
        self.ended = self._read()
        self.probe_after = probe_ms() if self.probe else None

    def report(self) -> dict:
        """steal_pct, cpu_wait_pct, others_cpu (cores), probe_ms_before/after; None where not measurable."""
        return host_report(self.started, self.ended, self.probe_before, self.probe_after)


def host_report(started: dict, ended: dict, probe_before: float | None = None,
                probe_after: float | None = None) -> dict:
    """The load between two `HostWatch._read()` readings (separate from the class so tests can feed numbers)."""
    wall = ended["wall"] - started["wall"]
    report = {"steal_pct": None, "cpu_wait_pct": None, "others_cpu": None,
              "probe_ms_before": probe_before, "probe_ms_after": probe_after}
    if started["ticks"] and ended["ticks"] and wall > 0:
        delta = {k: ended["ticks"][k] - started["ticks"][k] for k in ("busy", "idle", "steal")}
        total = sum(delta.values())
        if total > 0:
            report["steal_pct"] = round(100 * delta["steal"] / total, 1)
        others = delta["busy"] / TICK - (ended["own"] - started["own"])
        report["others_cpu"] = round(max(0.0, others) / wall, 2)
    if started["pressure"] is not None and ended["pressure"] is not None and wall > 0:
        report["cpu_wait_pct"] = round(100 * (ended["pressure"] - started["pressure"]) / 1e6 / wall, 1)
    return report


def describe(report: dict) -> str:
    """One line for a benchmark's output, e.g. "host: probe 95 -> 160 ms, steal 0.4 %, CPU wait 31 %, others 0.6 cores"."""
    parts = []
    if report.get("probe_ms_before") is not None:
        parts.append(f"probe {report['probe_ms_before']:.0f} -> {report['probe_ms_after']:.0f} ms")
    for key, text in (("steal_pct", "steal {} %"), ("cpu_wait_pct", "CPU wait {} %"), ("others_cpu", "others {} cores")):
        if report.get(key) is not None:
            parts.append(text.format(report[key]))
    return "host: " + (", ".join(parts) if parts else "not measurable here")


def process_cpu() -> dict[int, tuple[str, float, int]]:
    """{pid: (command line, CPU seconds so far, parent pid)} for every process this user can read in /proc."""
    found = {}
    try:
        entries = list(Path("/proc").iterdir())
    except OSError:  # no /proc (macOS, Windows)
        return found
    for entry in entries:
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
            fields = stat[stat.rindex(")") + 2:].split()  # after "pid (name) ": state is field 3, utime 14, stime 15
            found[int(entry.name)] = (command, (int(fields[11]) + int(fields[12])) / TICK, int(fields[1]))
        except (OSError, ValueError, IndexError):  # gone meanwhile, or a line cut short
            continue
    return found


def cores_by_group(before: dict, after: dict, seconds: float, group) -> dict[str, float]:
    """Cores used per group between two `process_cpu()` readings `seconds` apart; `group(pid, command)` names a
    process's group (None leaves it out). A process that started in between counts from zero."""
    used: dict[str, float] = {}
    for pid, (command, cpu, _parent) in after.items():
        name = group(pid, command)
        if name is None:
            continue
        start = before.get(pid)
        spent = cpu - (start[1] if start and start[0] == command else 0.0)  # (a reused pid starts afresh)
        used[name] = used.get(name, 0.0) + max(0.0, spent)
    return {name: round(value / seconds, 2) for name, value in sorted(used.items()) if seconds > 0}


def descends_from(pid: int, ancestor: int, table: dict) -> bool:
    """Whether `pid` is `ancestor` or below it, by the parent pids of a `process_cpu()` reading."""
    seen = set()
    while pid and pid not in seen:
        if pid == ancestor:
            return True
        seen.add(pid)
        pid = table.get(pid, ("", 0.0, 0))[2]
    return False
