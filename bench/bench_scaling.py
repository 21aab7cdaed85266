"""How cost grows: steps/s and peak memory as batch size, model width and image size double.

    python bench/bench_scaling.py [--json out.json]

Each point runs in a fresh subprocess so its peak resident memory (ru_maxrss) is its own.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from bench import checkout_env

CHILD = """
import json, resource, time
from gan_core.presets import preset_config
from gan_core.evaluation.evaluate import quick_metrics
from gan_core.training import Trainer
config = preset_config("digits-gan", metrics_every=0, sample_every=100_000, **{overrides!r})
trainer = Trainer(config, metrics_fn=quick_metrics)
for _ in range(5):
    trainer.step()
start = time.perf_counter()
for _ in range({steps}):
    trainer.step()
rate = {steps} / (time.perf_counter() - start)
print(json.dumps({{"steps_per_s": round(rate, 1), "samples_per_s": round(rate * config.batch_size),
                  "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}}))
"""

SWEEPS = {
    "batch_size": [32, 64, 128, 256, 512],
    "hidden": [16, 32, 64, 128],
    "image_size": [8, 16, 32],
}


def point(overrides: dict, steps: int) -> dict:
    code = CHILD.format(overrides=overrides, steps=steps)
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600,
                            env=checkout_env())
    if output.returncode:
        return {"error": output.stderr.strip().splitlines()[-1]}
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--json")
    args = parser.parse_args()
    results = {}
    print("digits-gan, doubling one setting at a time (others at the preset's values)")
    for name, values in SWEEPS.items():
        results[name] = []
        for value in values:
            row = {name: value, **point({name: value}, args.steps)}
            results[name].append(row)
            print(f"  {name:<10} {value:>5}: " + ", ".join(f"{k} {v}" for k, v in row.items() if k != name))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    failed = [row for rows in results.values() for row in rows if "error" in row]
    if failed:
        print(f"{len(failed)} point(s) failed; see the error lines above")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
