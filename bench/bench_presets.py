"""Time to result for each teaching preset on this machine's CPU.

    python bench/bench_presets.py [--presets ring8-fixed digits-gan digits-vae] [--json out.json]

Training time only (evaluations are paused out of the clock). Goals, as in the issues:
  ring8-fixed  all 8 modes and >= 90 % high-quality samples   (budget 20 s)
  digits-gan   all 10 digits seen by the project's classifier, class KL <= 0.1   (budget 60 s)
  digits-vae   all 10 digits recognisable by the classifier, class KL <= 0.1     (budget 20 s)
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from gan_core.checkpoints import data_info
from gan_core.evaluation.evaluate import evaluate_samples, quick_metrics
from gan_core.latents import sample_latents
from gan_core.presets import preset_config
from gan_core.training import Trainer

GOALS = {
    "ring8-fixed": (20.0, "8/8 modes, HQ >= 0.90", lambda m: m.get("modes_covered") == 8 and m.get("high_quality_fraction", 0) >= 0.90),
    "grid25-fixed": (30.0, "25/25 modes", lambda m: m.get("modes_covered") == 25),
    "digits-gan": (60.0, "10/10 digits, class KL <= 0.1", lambda m: m.get("modes_covered") == 10 and m.get("class_kl", 9) <= 0.1),
    "digits-vae": (20.0, "10/10 digits, class KL <= 0.1", lambda m: m.get("modes_covered") == 10 and m.get("class_kl", 9) <= 0.1),
}


def time_to_goal(name: str, check_every: int) -> dict:
    budget, goal_text, reached = GOALS[name]
    config = preset_config(name, metrics_every=0)
    trainer = Trainer(config, metrics_fn=quick_metrics)
    info = data_info(trainer.dataset)
    curve, seconds, hit = [], 0.0, None
    while trainer.step_count < config.steps:
        started = time.perf_counter()
        for _ in range(check_every):
            trainer.step()
        seconds += time.perf_counter() - started
        samples = trainer.generate(sample_latents(1000, config.latent_dim, 0))
        values = evaluate_samples(samples, config, info, full=False)
        # reverse_kl is None while no sample is high quality (its reason is in reverse_kl_reason): the curve says null
        keep = {k: None if values[k] is None else round(float(values[k]), 4)
                for k in ("modes_covered", "high_quality_fraction", "reverse_kl", "reverse_kl_all", "class_kl")
                if k in values}
        curve.append({"step": trainer.step_count, "seconds": round(seconds, 2), **keep})
        if hit is None and reached(values):
            hit = {"step": trainer.step_count, "seconds": round(seconds, 2)}
            break
    return {"preset": name, "goal": goal_text, "budget_s": budget, "reached": hit, "curve": curve,
            "final": curve[-1] if curve else {}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presets", nargs="+", default=["ring8-fixed", "digits-vae", "digits-gan"])
    parser.add_argument("--check-every", type=int, default=100)
    parser.add_argument("--json")
    args = parser.parse_args()
    rows = [time_to_goal(p, args.check_every) for p in args.presets]
    print(f"{'preset':<14} {'goal':<32} {'budget':>7} {'reached at':>16}")
    for row in rows:
        hit = row["reached"]
        shown = f"{hit['seconds']:.1f} s (step {hit['step']})" if hit else "not reached"
        miss = "" if hit and hit["seconds"] <= row["budget_s"] else "  MISS"
        print(f"{row['preset']:<14} {row['goal']:<32} {row['budget_s']:>6.0f}s {shown:>16}{miss}")
        if not hit:
            print(f"{'':<14} best seen: {row['final']}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
