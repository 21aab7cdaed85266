"""Run every benchmark (about 25 minutes; --quick about 7) and print each figure with its target, marking misses.

    python bench/run_all.py [--quick] [--out bench/results]

Each benchmark also writes JSON into --out (gitignored); docs/BENCHMARKS.md records the latest figures. After each,
a line says how busy the host was meanwhile (bench/host.py), so a miss on a slow host can be told from a slow change.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from bench.host import HostWatch, describe

BENCH = Path(__file__).resolve().parent

SUITE = [
    ("trainer vs bare loop", "bench_trainer.py", [], ["--rounds", "13", "--steps", "25"]),
    ("time to result", "bench_presets.py", [], ["--presets", "ring8-fixed"]),
    ("ring8-fixed from the command line, 5 seeds (1 in quick mode)", "bench_fixit.py",
     ["--cli", "--preset", "ring8-fixed"], ["--cli", "--preset", "ring8-fixed", "--seeds", "0"]),
    ("grid25-fixed from the command line, 5 seeds (full mode only: about 4 minutes)", "bench_fixit.py",
     ["--cli", "--preset", "grid25-fixed"], None),
    ("MNIST presets end to end, two judges", "bench_mnist.py", [], ["--presets", "mnist-vae"]),
    ("metrics on 10k samples", "bench_metrics.py", [], []),  # the median of 3 in quick mode too: one draw swung by 0.4 s
    ("sample & blend latency", "bench_sample.py", [], []),
    ("app cold start, checkpoint I/O", "bench_app.py", [], ["--repeats", "1"]),
    ("scaling", "bench_scaling.py", [], ["--steps", "15"]),
    ("optimisations tried (foreach/fused Adam, channels_last, bf16, torch.compile)", "bench_optim.py",
     ["--steps", "60", "--rounds", "3"], ["--quick", "--variants", "baseline", "adam-fused", "channels-last",
                                          "bf16-autocast"]),
    ("training with the Train page open (needs chromium)", "bench_live.py", ["--repeats", "3"],
     ["--repeats", "3", "--seconds", "4"]),  # one 5-s pair moved by +-0.1 between runs: a median of three
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats: about 7 minutes instead of about 25 on 2 cores")
    parser.add_argument("--out", default=str(BENCH / "results"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    failures = 0
    for title, script, full_args, quick_args in SUITE:
        path = BENCH / script
        extra = quick_args if args.quick else full_args
        if not path.exists() or extra is None:
            print(f"\n== {title}: {'skipped in quick mode' if path.exists() else script + ' not present, skipped'}")
            continue
        print(f"\n== {title} ({script})", flush=True)
        started = time.perf_counter()
        name = path.stem + "".join(f"-{a}" for a in extra if a.endswith("-fixed"))  # one JSON per preset
        with HostWatch() as host:
            result = subprocess.run([sys.executable, str(path), *extra, "--json", str(out / f"{name}.json")])
        failures += result.returncode != 0
        print(f"   ({time.perf_counter() - started:.0f} s; {describe(host.report())})")
    print("\nLines marked MISS did not meet their target on this machine.")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
