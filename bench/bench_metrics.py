"""Every metric together on 10,000 samples (target <= 2 s on CPU), for 2-D and image data.

    python bench/bench_metrics.py [--n 10000] [--json out.json]
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from gan_core.evaluation.evaluate import evaluate_checkpoint
from gan_core.latents import LatentModel

ROOT = Path(__file__).resolve().parent.parent
TARGET = 2.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json")
    args = parser.parse_args()
    rows = []
    for name in ("ring8-fixed", "digits-gan"):
        model = LatentModel.load(ROOT / "checkpoints" / f"{name}.pt")
        evaluate_checkpoint(model, n=500, seed=0)  # warm: classifier and real set loaded once
        times = []
        for _ in range(args.repeats):
            started = time.perf_counter()
            evaluate_checkpoint(model, n=args.n, seed=0)
            times.append(time.perf_counter() - started)
        rows.append({"checkpoint": name, "n": args.n, "seconds": round(statistics.median(times), 3),
                     "includes": "sampling, classifier, all metrics"})
    print(f"all metrics on {args.n} samples (median of {args.repeats}); target <= {TARGET} s")
    for row in rows:
        mark = "" if row["seconds"] <= TARGET else "  MISS"
        print(f"  {row['checkpoint']:<14} {row['seconds']:>7.3f} s{mark}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
