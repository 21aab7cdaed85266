"""The benchmark scripts still run: a benchmark that breaks silently reports nothing (bench_scaling once did, when
config validation started refusing its sample_every). Tiny settings; the figures themselves live in
docs/BENCHMARKS.md."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench import checkout_env

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_scaling_point_trains_and_reports_its_memory():
    from bench.bench_scaling import point

    row = point({"batch_size": 32, "hidden": 16}, steps=2)
    assert "error" not in row, row
    assert row["steps_per_s"] > 0 and row["samples_per_s"] > 0 and row["peak_mb"] > 50


def test_trainer_bench_keeps_both_loops_going_from_round_to_round(tiny_config):
    """The Trainer and the bare loop are built once and carry on: a round does not start a new run, so the Trainer's
    first-step snapshot is not paid again in every round."""
    from bench.bench_trainer import steady, trainer_runner
    from gan_core.data import load_dataset

    dataset = load_dataset("ring8", n_points=1000, seed=3)
    run = trainer_runner(tiny_config, dataset)
    run(3)
    run(4)
    assert run.trainer.step_count == 7 and len(run.trainer.snapshots) == 2  # steps 1 and 5 (sample_every 5)
    ours, bare = steady(tiny_config, dataset, steps=3, rounds=4)
    assert len(ours) == len(bare) == 4 and min(ours + bare) > 0


def test_optimisation_bench_compares_variants_with_the_baseline(tmp_path):
    out = tmp_path / "optim.json"
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "bench_optim.py"), "--presets", "ring8-fixed",
                           "--variants", "baseline", "adam-fused", "sample-no-grad", "sample-inference-mode",
                           "--steps", "3", "--rounds", "1", "--repeat", "1", "--json", str(out)],
                          capture_output=True, text=True, timeout=300, cwd=ROOT,
                          env=checkout_env())
    assert done.returncode == 0, done.stderr[-2000:]
    rows = {row["variant"]: row for row in json.loads(out.read_text())["rows"]}
    assert rows["baseline"]["ratio"] == 1.0
    assert rows["adam-fused"]["steps_per_s"] > 0 and rows["adam-fused"]["ratio"] > 0
    assert rows["sample-inference-mode"]["steps_per_s"] > 0


@pytest.mark.slow  # 30 s: a fresh process for each variant
def test_trainer_causes_bench_measures_each_variant_in_its_own_process(tmp_path):
    out = tmp_path / "causes.json"
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "bench_trainer_causes.py"), "--presets", "digits-gan",
                           "--variants", "baseline", "glibc", "contiguous", "bare_in_trainer_order", "--processes", "1",
                           "--steps", "2", "--rounds", "1", "--json", str(out)],
                          capture_output=True, text=True, timeout=300, cwd=ROOT, env=checkout_env())
    assert done.returncode == 0, done.stderr[-2000:]
    rows = {row["variant"]: row for row in json.loads(out.read_text())}
    assert set(rows) == {"baseline", "glibc", "contiguous", "bare_in_trainer_order"}
    assert all(row["trainer"] > 0 and row["bare"] > 0 and row["ratio"] > 0 for row in rows.values())
    assert rows["baseline"]["batch_contiguous"] and rows["baseline"]["batch_strides"] == [256, 256, 16, 1]
    assert rows["baseline"]["torch_threads"] == 1


def test_live_bench_reads_a_rate_through_a_stale_counter():
    """The page's counter changes once a second, each change drawn up to a second late and seen up to 0.1 s after;
    the line through the changes still finds the true rate."""
    import numpy as np
    import pytest
    from bench.bench_live import counter_rate

    rng = np.random.default_rng(0)
    true_rate, changes = 180.0, []
    for tick in range(1, 9):  # a fragment tick each second, drawn 0-1 s late, seen up to 0.1 s later
        shown_at = tick + rng.uniform(0.0, 1.0)
        changes.append((shown_at + rng.uniform(0.0, 0.1), int(true_rate * (shown_at - rng.uniform(0.0, 0.05)))))
    assert counter_rate(changes) == pytest.approx(true_rate, rel=0.06)
    with pytest.raises(RuntimeError, match="barely moved"):
        counter_rate(changes[:2])


@pytest.mark.slow
def test_classroom_student_speaks_the_protocol_a_browser_speaks(tmp_path):
    """bench/classroom.py's students stand in for browsers on other machines: one fetches the page's files, opens
    Home, presses a one-click preset, lands on the Train page and reruns its live panels on the intervals the
    server named, flagged as automatic reruns, as the browser's client does; the page's words are those of what
    the page shows now, and the page's own pressing of Stop ends the live reruns."""
    import asyncio
    import concurrent.futures
    import time

    from bench.browser import serve_app
    from bench.classroom_students import Student

    async def visit(url: str) -> Student:
        student = Student(url, assets=("/", "/static/js/no-such-file.js"))
        try:
            await student.open()
            assert student.asset_bytes > 100 and student.assets_missing == 1
            assert "Latent Lab" in student.page_text()
            assert "home_preset_ring8-fixed" in student.buttons
            await student.press("home_preset_ring8-fixed")
            assert student.query == "preset=ring8-fixed"
            assert "Latent Lab" not in student.page_text()  # Home's words went with Home
            deadline = time.monotonic() + 60
            while "steps/s" not in student.page_text() and time.monotonic() < deadline:
                await asyncio.sleep(0.2)
            assert "steps/s" in student.page_text(), student.page_text()[-500:]
            pressed_at = time.monotonic()
            runs = student.runs_finished
            await asyncio.sleep(4.5)  # no message sent by the test: the fragments' own timers rerun them
            assert student.runs_finished > runs and student.intervals
            ticks: dict = {}
            for sent_at, fragment, auto in student.sent:
                if sent_at > pressed_at and fragment:
                    assert auto
                    ticks.setdefault(fragment, []).append(sent_at)
            assert ticks
            for fragment, times in ticks.items():
                interval = student.intervals[fragment]
                gaps = [b - a for a, b in zip(times, times[1:])]
                assert all(0.7 * interval < gap < 1.3 * interval for gap in gaps), (interval, gaps)
            await student.press("train_stop")  # a full run that declares no live panel: the timers stop
            assert not student._timers and "· stopped" in student.page_text()
        finally:
            await student.close()
        return student

    with serve_app(tmp_path) as server, concurrent.futures.ThreadPoolExecutor(1) as pool:
        # on a thread of its own: once a browser test has run, Playwright's event loop owns this one
        student = pool.submit(asyncio.run, visit(server.url)).result()
    assert not student.errors


@pytest.mark.slow
def test_both_mnist_judges_read_real_digits_as_all_ten():
    """bench_mnist's judges agree that real digits are all ten: the yardstick for the presets' samples (the logistic
    regression takes about 20 s to fit on 2 busy cores)."""
    from bench.bench_mnist import our_reading, sklearn_judge, sklearn_reading
    from gan_core.data import load_dataset

    judge, accuracy, confidence = sklearn_judge()
    assert accuracy > 0.85 and confidence > 0.85
    real = load_dataset("mnist5k", image_size=28).data[::5].numpy()  # 100 of each digit
    assert our_reading(real)["recognisable"]
    reading = sklearn_reading(judge, real)
    assert reading["sklearn_pass"] and reading["sklearn_min_share"] >= 0.08


@pytest.mark.slow  # over 10 s on the 2-core machine
def test_fixit_bench_runs_the_command_line_and_marks_each_target():
    from bench.bench_fixit import run_cli, verdicts

    row = run_cli("ring8-fixed", 1, {"steps": 20, "hidden": 16}, n=200)  # the user's commands, tiny
    assert row["seed"] == 1 and row["wall_s"] > 0 and 0 <= row["high_quality_fraction"] <= 1
    assert isinstance(row["modes_covered"], int)
    assert row["host"]["probe_ms_before"] > 0 and row["host"]["probe_ms_after"] > 0  # how busy the host was

    def rows(*seeds):
        return [dict(seed=i, wall_s=wall, modes_covered=modes, high_quality_fraction=hq, reverse_kl=kl)
                for i, (wall, modes, hq, kl) in enumerate(seeds)]

    good = verdicts("ring8-fixed", rows((18.0, 8, 0.98, 0.01), (19.0, 8, 0.96, 0.04)))
    assert len(good) == 5 and all(line.endswith(": met") for line in good)
    bad = verdicts("ring8-fixed", rows((18.0, 8, 0.98, 0.01), (21.0, 7, 0.94, 0.06)))
    assert len(bad) == 5 and all(line.endswith(": MISS") for line in bad)  # 7 modes, 96 %, 94 %, 0.06, 21 s
    slow = verdicts("ring8-fixed", rows((18.0, 8, 0.98, 0.01), (20.5, 8, 0.97, 0.02)))
    assert [line.endswith(": met") for line in slow] == [True, True, True, True, False]
    assert len(verdicts("grid25-fixed", rows((50.0, 25, 0.93, 0.5)))) == 4  # grid25 has no reverse-KL target
    assert verdicts("ring8-vanilla", rows((5.0, 1, 0.01, 2.0))) == []
    busy = rows((18.0, 8, 0.98, 0.01), (30.0, 8, 0.98, 0.01))
    busy[1]["host"] = dict(steal_pct=0.5, cpu_wait_pct=40.0, others_cpu=0.7, probe_ms_before=90.0, probe_ms_after=170.0)
    line = verdicts("ring8-fixed", busy)[-1]  # a missed wall time says how busy the host was for the slowest seed
    assert line.endswith(": MISS") and "probe 90 -> 170 ms" in line and "others 0.7 cores" in line


def test_host_watch_reads_the_kernels_counters():
    from bench.host import cpu_pressure_us, cpu_ticks, describe, host_report

    stat = "cpu  100 5 20 800 10 1 2 7 0 0\ncpu0 50 2 10 400 5 0 1 3 0 0\n"
    assert cpu_ticks(stat) == {"busy": 128, "idle": 810, "steal": 7}
    assert cpu_pressure_us("some avg10=1.00 avg60=0.50 avg300=0.10 total=123456\n"
                           "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n") == 123456
    started = {"wall": 10.0, "ticks": {"busy": 1000, "idle": 5000, "steal": 10}, "pressure": 1_000_000, "own": 5.0}
    ended = {"wall": 20.0, "ticks": {"busy": 4000, "idle": 5900, "steal": 110}, "pressure": 4_000_000, "own": 25.0}
    report = host_report(started, ended, 90.0, 120.0)
    # 4,000 ticks in 10 s: 3,000 busy (30 s at 100 ticks/s), 20 of them ours, so others used 1 core on average
    assert report["steal_pct"] == 2.5 and report["cpu_wait_pct"] == 30.0
    import bench.host
    assert report["others_cpu"] == round(max(0.0, 3000 / bench.host.TICK - 20.0) / 10.0, 2)
    assert describe(report).startswith("host: probe 90 -> 120 ms, steal 2.5 %, CPU wait 30.0 %")
    blind = host_report({**started, "ticks": None, "pressure": None}, {**ended, "ticks": None, "pressure": None})
    assert blind["steal_pct"] is None and describe(blind) == "host: not measurable here"



def test_cpu_is_split_by_process_group():
    import os

    from bench.host import cores_by_group, descends_from, process_cpu

    table = process_cpu()
    me = os.getpid()
    assert me in table and table[me][1] > 0 and table[me][2] == os.getppid()
    assert descends_from(me, os.getppid(), table) and not descends_from(os.getppid(), me, table)
    before = {1: ("server", 10.0, 0), 2: ("chromium --headless", 5.0, 1), 3: ("python worker", 2.0, 1),
              4: ("old command", 7.0, 1)}
    after = {1: ("server", 12.0, 0), 2: ("chromium --headless", 9.0, 1), 3: ("python worker", 12.0, 1),
             4: ("new command", 1.0, 1), 5: ("unrelated", 50.0, 0)}

    def group(pid, command):
        return "browser" if "chrom" in command else "server" if pid == 1 else "training" if \
            descends_from(pid, 1, after) else None

    # over 10 s: the worker 10 CPU s plus the reused pid 4's 1 s (a new process), the browser 4 s, the server 2 s
    assert cores_by_group(before, after, 10.0, group) == {"browser": 0.4, "server": 0.2, "training": 1.1}
