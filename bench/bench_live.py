"""Training speed while the Train page is open and refreshing, against the same preset trained headless.

    python bench/bench_live.py [--presets ring8-vanilla digits-gan] [--seconds 8] [--repeats 3] [--json out.json]

Headless: a plain Trainer in a subprocess. Live: the app served by `streamlit run`, a headless chromium on the
Train page (one-click preset from Home, live panel refreshing every second), steps/s read from the page's own
step counter: a least-squares line through every change of the counter over the window, stopping early if the
run finishes (ring8-vanilla's 1,500 steps take about 8 s). Live and headless alternate `--repeats` times and the
ratio of the medians is reported: on a shared 2-core machine a single pair can be off by 0.1 either way.
Target: live >= 0.9 x headless. Each live window also records the cores used by the training worker, the app's
server and the browser (bench/host.py's per-process CPU), which is where a miss's time went.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import checkout_env
from bench.host import cores_by_group, descends_from, process_cpu

TARGET = 0.9
SEPARATE_CORES = False
HEADLESS = """
import time
from gan_core.presets import preset_config
from gan_core.training import Trainer
from gan_core.evaluation.evaluate import quick_metrics  # the first metrics' imports, paid before timing as the app's workers pay them at start
trainer = Trainer(preset_config({preset!r}), metrics_fn=quick_metrics)
for _ in range(20):
    trainer.step()
start, steps = time.perf_counter(), 0
while time.perf_counter() - start < {seconds}:
    trainer.step()
    steps += 1
print(steps / (time.perf_counter() - start))
"""


def headless_rate(preset: str, seconds: float) -> float:
    code = HEADLESS.format(preset=preset, seconds=seconds)
    command = ["taskset", "1", sys.executable, "-c", code] if SEPARATE_CORES else [sys.executable, "-c", code]
    out = subprocess.run(command, capture_output=True, text=True, timeout=300, check=True,
                         env=checkout_env({"LATENT_LAB_THREADS": "1", "PATH": "/usr/bin:/bin"}))
    return float(out.stdout.strip().splitlines()[-1])




# The page's progress text, read without forcing a layout (textContent, unlike innerText), so that watching the
# counter costs the browser next to nothing.
READ_PROGRESS = """() => {
    const m = document.body.textContent.match(/Step ([\\d,]+) \\/ ([\\d,]+) · (\\S+)/);
    return m ? [parseInt(m[1].replace(/,/g, "")), parseInt(m[2].replace(/,/g, "")), m[3]] : null;
}"""


def _step(page) -> int | None:
    reading = page.evaluate(READ_PROGRESS)
    return reading[0] if reading else None


def counter_rate(changes: list[tuple[float, int]]) -> float:
    """Steps per second from (first time seen, step) at each change of the page's counter: a least-squares slope.

    The counter moves once a second, so two single readings can each be up to a second stale (±12 % over 8 s);
    a line through every change averages that out.
    """
    import numpy as np

    if len(changes) < 3:
        raise RuntimeError("the step counter barely moved; is the run training?")
    times, steps = np.array(changes, dtype=float).T
    return float(np.polyfit(times, steps, 1)[0])


def live_rate(browser, url: str, preset: str, seconds: float, server_pid: int = 0) -> float:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(url)
    if SEPARATE_CORES:  # the browser normally runs on the student's own machine, not on the server's cores
        subprocess.run("for p in $(pgrep -f chromium); do taskset -a -p 2 $p; done >/dev/null 2>&1; "
                       "for p in $(pgrep -f 'streamlit run'); do taskset -a -p 1 $p; done >/dev/null 2>&1", shell=True)
    page.locator(f".st-key-home_preset_{preset} button").first.click(timeout=60_000)
    deadline = time.time() + 90
    while (_step(page) or 0) < 30 and time.time() < deadline:
        time.sleep(0.25)
    changes, end = [], time.perf_counter() + seconds
    cpu_before, started = process_cpu(), time.perf_counter()
    while time.perf_counter() < end:
        reading = page.evaluate(READ_PROGRESS)
        if reading is None or reading[2] != "training" or reading[0] >= reading[1]:
            break  # finished (or paused): a counter standing at the last step would bend the line
        if not changes or reading[0] != changes[-1][1]:
            changes.append((time.perf_counter(), reading[0]))
        time.sleep(0.1)
    cpu_after = process_cpu()
    LAST_CORES.clear()
    LAST_CORES.update(cores_by_group(cpu_before, cpu_after, time.perf_counter() - started,
                                     lambda pid, command: _group(pid, command, server_pid, cpu_after)))
    page.close()
    return counter_rate(changes)


LAST_CORES: dict[str, float] = {}  # the last live window's cores by group (see _group)


def _group(pid: int, command: str, server_pid: int, table: dict) -> str | None:
    """Where a process's CPU went while the page was live: the browser, the app's server, its training workers."""
    if "chrom" in command or "headless_shell" in command:
        return "browser"
    if pid == server_pid:
        return "server"
    if descends_from(pid, server_pid, table):
        return "training"
    return None


def main() -> None:
    from bench.browser import browser_available, open_browser, serve_app

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presets", nargs="+", default=["ring8-vanilla", "digits-gan"])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--repeats", type=int, default=3, help="live/headless pairs per preset (median)")
    parser.add_argument("--separate-cores", action="store_true",
                        help="pin chromium to one core and the server (and the headless run) to the other: "
                             "stands in for a browser on the student's own machine")
    parser.add_argument("--json")
    args = parser.parse_args()
    if not browser_available():
        print("skipped: needs Playwright and Debian's chromium (see .ci/run)")
        return
    global SEPARATE_CORES
    SEPARATE_CORES = args.separate_cores
    rows = []
    with tempfile.TemporaryDirectory() as runs, serve_app(Path(runs), {"LATENT_LAB_SESSION_GRACE": "1"}) as server, \
            open_browser() as browser:
        for preset in args.presets:
            lives, headlesses, cores = [], [], []
            for _ in range(max(1, args.repeats)):
                lives.append(live_rate(browser, server.url, preset, args.seconds, server.pid))
                cores.append(dict(LAST_CORES))
                time.sleep(2)  # the closed tab's run stops after the grace period
                headlesses.append(headless_rate(preset, args.seconds))
            live, headless = statistics.median(lives), statistics.median(headlesses)
            rows.append({"preset": preset, "headless_steps_per_s": round(headless, 1),
                         "live_steps_per_s": round(live, 1), "ratio": round(live / headless, 3),
                         "pairs": [round(a / b, 3) for a, b in zip(lives, headlesses)],
                         "cores_live": {name: round(statistics.median(c.get(name, 0.0) for c in cores), 2)
                                        for name in ("training", "server", "browser")}})
    print(f"training with the Train page open vs headless (target >= {TARGET})")
    for row in rows:
        mark = "" if row["ratio"] >= TARGET else "  MISS"
        print(f"  {row['preset']:<14} headless {row['headless_steps_per_s']:>6}/s  live {row['live_steps_per_s']:>6}/s"
              f"  ratio {row['ratio']}{mark}  (pairs: {', '.join(map(str, row['pairs']))})")
        print(f"  {'':<14} cores while live (median): " +
              ", ".join(f"{name} {value}" for name, value in row["cores_live"].items()))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
