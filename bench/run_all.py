"""Run every benchmark in a few minutes and print each figure with its target, marking misses.

    python bench/run_all.py [--quick] [--out bench/results]

Each benchmark also writes JSON into --out (gitignored); docs/BENCHMARKS.md records the latest figures.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent

SUITE = [
    ("trainer vs bare loop", "bench_trainer.py", [], ["--rounds", "3", "--steps", "30"]),
    ("time to result", "bench_presets.py", [], ["--presets", "ring8-fixed"]),
    ("MNIST presets end to end, two judges", "bench_mnist.py", [], ["--presets", "mnist-vae"]),
    ("metrics on 10k samples", "bench_metrics.py", [], ["--repeats", "1"]),
    ("sample & blend latency", "bench_sample.py", [], []),
    ("app cold start, checkpoint I/O", "bench_app.py", [], ["--repeats", "1"]),
    ("scaling", "bench_scaling.py", [], ["--steps", "15"]),
    ("optimisations tried (foreach/fused Adam, channels_last, bf16, torch.compile)", "bench_optim.py",
     ["--steps", "60", "--rounds", "3"], ["--quick", "--variants", "baseline", "adam-fused", "channels-last",
                                          "bf16-autocast"]),
    ("training with the Train page open (needs chromium)", "bench_live.py", ["--repeats", "3"],
     ["--repeats", "1", "--seconds", "5"]),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats: about 4 minutes instead of about 13 on 2 cores")
    parser.add_argument("--out", default=str(BENCH / "results"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    failures = 0
    for title, script, full_args, quick_args in SUITE:
        path = BENCH / script
        if not path.exists():
            print(f"\n== {title}: {script} not present, skipped")
            continue
        print(f"\n== {title} ({script})", flush=True)
        started = time.perf_counter()
        extra = quick_args if args.quick else full_args
        result = subprocess.run([sys.executable, str(path), *extra, "--json", str(out / f"{path.stem}.json")])
        failures += result.returncode != 0
        print(f"   ({time.perf_counter() - started:.0f} s)")
    print("\nLines marked MISS did not meet their target on this machine.")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
