"""What one run costs as a Ray actor, for sizing a cluster (docs/SCALING.md): start-up, steps/s and memory.

    python bench/bench_ray.py [--presets ring8-fixed digits-gan mnist-gan] [--seconds 8] [--json out.json]

Each preset runs alone as a RayTrainingJob on a local Ray that this script starts (loopback, 2 CPUs at most): the
time from Start until the first step reaches the mirror (a new actor: a Ray worker process, torch imported, the
data and networks built), its steps per second over `--seconds` as the server sees them, and the actor process's
resident memory (all of it, and the part that is its own: anonymous pages, not shared libraries). CPU only: no GPU
was lent to this project, so GPU figures in SCALING.md are estimates.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")  # read when Ray is imported: loopback only
os.environ.setdefault("RAY_AUTH_MODE", "disabled")

from gan_core.presets import preset_config  # noqa: E402
from gan_core.runtime.ray_worker import RayTrainingJob  # noqa: E402


def memory_mib(pid: int) -> dict:
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "RssAnon"):
            values[key] = round(int(rest.split()[0]) / 1024)
    return {"rss_mib": values.get("VmRSS"), "own_mib": values.get("RssAnon")}


def measure(preset: str, seconds: float) -> dict:
    job = RayTrainingJob(preset_config(preset).replace(steps=1_000_000), name=preset)
    began = time.perf_counter()
    job.start()
    while (job.trainer is None or job.trainer.step_count == 0) and job.is_active:
        time.sleep(0.02)
    first_step_s = time.perf_counter() - began
    if not job.is_active:
        return {"preset": preset, "error": job.error}
    time.sleep(1.0)  # past the first steps' warm-up
    step0, t0 = job.trainer.step_count, time.perf_counter()
    time.sleep(seconds)
    step1, t1 = job.trainer.step_count, time.perf_counter()
    result = {"preset": preset, "first_step_s": round(first_step_s, 2),
              "steps_per_s": round((step1 - step0) / (t1 - t0), 1), **memory_mib(job.where["pid"]),
              "node": job.where["node"], "device": job.where["device"]}
    job.stop()
    job.join(15)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--presets", nargs="+", default=["ring8-fixed", "digits-gan", "mnist-gan"])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results = [measure(preset, args.seconds) for preset in args.presets]
    print(f"{'preset':<14} {'Start to 1st step (s)':>22} {'steps/s':>8} {'RSS MiB':>8} {'own MiB':>8}  where")
    for r in results:
        if "error" in r:
            print(f"{r['preset']:<14} {r['error']}")
            continue
        print(f"{r['preset']:<14} {r['first_step_s']:>22} {r['steps_per_s']:>8} {r['rss_mib']:>8} {r['own_mib']:>8}  "
              f"{r['node']}, {r['device']}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0 if all("error" not in r for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
