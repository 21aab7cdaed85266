"""The "fix it" recipes on the 2-D mixtures (issue #20), over seeds: modes, high quality and reverse KL.

    python bench/bench_fixit.py --preset ring8-fixed --seeds 0 1 2 3 4 [--set top_k=0.75 steps=1500] [--drs] [--ema 0.999]

Each run trains the preset (with --set overrides) for its steps with the given seed, then scores the generator's
own samples exactly as `python -m gan_core metrics CKPT --n 2500 --seed 0` does (LatentModel.sample + the mixture
metrics). --drs adds the same samples after discriminator rejection sampling, labelled post-hoc. --ema D keeps an
exponential moving average of G's weights (decay D) beside the run and scores it too. One torch thread, so a
2-core machine shared with others gives comparable steps/s; the seconds are training only (no metrics during it).
"""
from __future__ import annotations

import argparse
import copy
import json
import statistics
import time

import torch

from gan_core.checkpoints import data_info
from gan_core.evaluation.compare import checkpoint_from_payload
from gan_core.evaluation.evaluate import evaluate_samples
from gan_core.latents import LatentModel
from gan_core.presets import preset_config
from gan_core.training import Trainer

KEEP = ("modes_covered", "high_quality_fraction", "reverse_kl", "reverse_kl_all")


def _parse(pairs: list[str]) -> dict:
    out = {}
    for pair in pairs:
        key, value = pair.split("=", 1)
        for kind in (int, float):
            try:
                out[key] = kind(value)
                break
            except ValueError:
                continue
        else:
            out[key] = {"true": True, "false": False}.get(value.lower(), value)
    return out


def _score(samples, config, info) -> dict:
    values = evaluate_samples(samples, config, info, full=False)
    return {k: values.get(k) for k in KEEP}


def run_one(preset: str, seed: int, overrides: dict, n: int, drs: bool, ema: float) -> dict:
    config = preset_config(preset, seed=seed, metrics_every=0, **overrides)
    trainer = Trainer(config)
    ema_generator = copy.deepcopy(trainer.generator) if ema else None
    started = time.perf_counter()
    while trainer.step_count < config.steps:
        trainer.step()
        if ema_generator is not None:
            with torch.no_grad():
                for average, current in zip(ema_generator.parameters(), trainer.generator.parameters()):
                    average.lerp_(current, 1.0 - ema)
    seconds = time.perf_counter() - started
    model = LatentModel(checkpoint_from_payload(trainer.checkpoint_payload(), f"{preset}-s{seed}"))
    info = model.data_info
    row = {"seed": seed, "steps": config.steps, "train_s": round(seconds, 2),
           "steps_per_s": round(config.steps / seconds, 1), **_score(model.sample(n, seed=0), config, info)}
    if drs:
        samples, stats = model.sample_rejection(n, seed=0)
        row["drs_post_hoc"] = {**_score(samples, config, info), "acceptance": round(stats["acceptance_rate"], 3)}
    if ema_generator is not None:
        trainer.generator.load_state_dict(ema_generator.state_dict())
        ema_model = LatentModel(checkpoint_from_payload(trainer.checkpoint_payload(), "ema"))
        row["ema"] = _score(ema_model.sample(n, seed=0), config, info)
    return row


def summary(rows: list[dict], key: str | None = None) -> dict:
    picked = [r if key is None else r[key] for r in rows]
    hq = [r["high_quality_fraction"] for r in picked]
    kls = [r["reverse_kl"] for r in picked if r["reverse_kl"] is not None]
    return {"modes_min": min(r["modes_covered"] for r in picked), "hq_mean": round(statistics.mean(hq), 4),
            "hq_min": round(min(hq), 4), "reverse_kl_max": round(max(kls), 4) if kls else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="ring8-fixed")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--set", nargs="*", default=[], help="config overrides, key=value")
    parser.add_argument("--n", type=int, default=2500)
    parser.add_argument("--drs", action="store_true", help="also score discriminator rejection sampling (post-hoc)")
    parser.add_argument("--ema", type=float, default=0.0, help="also score an EMA of G with this decay")
    parser.add_argument("--json")
    args = parser.parse_args()
    torch.set_num_threads(1)
    overrides = _parse(args.set)
    rows = []
    for seed in args.seeds:
        row = run_one(args.preset, seed, overrides, args.n, args.drs, args.ema)
        rows.append(row)
        print(json.dumps(row), flush=True)
    result = {"preset": args.preset, "overrides": overrides, "rows": rows, "summary": summary(rows),
              "steps_per_s_median": statistics.median(r["steps_per_s"] for r in rows)}
    if args.drs:
        result["summary_drs_post_hoc"] = summary(rows, "drs_post_hoc")
    if args.ema:
        result["summary_ema"] = summary(rows, "ema")
    print("SUMMARY", json.dumps({k: v for k, v in result.items() if k != "rows"}), flush=True)
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(result, handle, indent=1)


if __name__ == "__main__":
    main()
