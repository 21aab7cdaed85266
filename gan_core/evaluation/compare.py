"""Comparing runs: score several checkpoints the same way, put the numbers side by side, mark the best.

This is the logic behind the Mode Collapse page (and usable from a notebook):

* `checkpoint_from_payload(payload)` turns a live run's `TrainingJob.checkpoint_payload()` into a Checkpoint
  without touching the disk.
* `evaluate_run(model, n, seed)` scores one run exactly as `python -m gan_core metrics CKPT --n n --seed seed`
  does and keeps what a comparison shows next to the numbers: a preview of the samples, the real data's
  histogram over modes or classes, and the metric curves recorded during training. Plain data only.
* `comparison_table(results)` builds rows = metrics, columns = runs, with the best value of each row marked
  (the direction comes from `metrics.BETTER`); `to_csv` / `to_json` export it and
  `from_csv` / `from_json` read the exports back.
* `collapse_lab_runs(base)` are the configs of the "collapse lab": the same data trained with a plain GAN,
  PacGAN, WGAN-GP and a VAE, each within a CPU budget of about a minute.
"""
from __future__ import annotations

import csv
import io
import json
import math
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gan_core.evaluation import metrics
from gan_core.checkpoints import Checkpoint, CheckpointError, load_checkpoint, validate_payload
from gan_core.config import ConfigError, TrainConfig
from gan_core.data import DataError
from gan_core.evaluation.evaluate import METRIC_ORDER, real_set, evaluate_samples
from gan_core.images import make_grid
from gan_core.latents import LatentModel
from gan_core.presets import PRESETS, preset_config

FORMAT = "latent-lab-comparison"
FORMAT_VERSION = 1
PREVIEW_POINTS = 1500  # generated 2-D points kept for a scatter (more only slows the browser down)
REAL_POINTS = 1000  # real 2-D points drawn underneath
PREVIEW_IMAGES = 64  # images in a preview grid (8 x 8)
MIN_RUNS, MAX_RUNS = 2, 4
# Sampling time: after a warm-up call (the first calls in a process pay for thread pools and memory), the n
# samples are drawn up to TIMING_REPEATS times while the extra calls fit in TIMING_BUDGET_S (a diffusion model
# that needs seconds a call is timed once); the median is the number, the fastest and slowest calls its spread.
TIMING_WARMUP = 64
TIMING_REPEATS = 7
TIMING_BUDGET_S = 1.0
# Runs are timed at different moments, each in its own cached scoring, on a machine other work shares. On 2 busy
# cores the medians of ring8-vanilla and ring8-fixed (both ~0.0007 ms) came out up to 2.3x apart in calm
# moments, and a burst of other work made one call in two 100x slower (the spreads then overlap). Timings whose
# spreads overlap, or within this factor of each other, are within the noise and tie; a diffusion model's
# 30-300x (docs/BENCHMARKS.md: digits-ddpm ~30x digits-gan, ring8-ddpm ~80x ring8-fixed) is far outside it.
TIMING_NOISE_FACTOR = 4.0
NOISE_FACTORS = {"sample_ms": TIMING_NOISE_FACTOR}  # metric -> the factor within which two values tie
NOT_BELOW_ZERO = {"kid"}  # unbiased estimates of a quantity >= 0: a value under 0 ranks as 0 (see comparison_table)


# --------------------------------------------------------------------------------------------------
# loading
# --------------------------------------------------------------------------------------------------
def checkpoint_from_payload(payload: dict, label: str = "this run") -> Checkpoint:
    """A Checkpoint from the plain data `trainer_payload` / `TrainingJob.checkpoint_payload()` return.

    Runs the same validation as `load_checkpoint`, in memory: a payload that is not a usable run raises
    CheckpointError with one sentence naming `label`.
    """
    if not isinstance(payload, dict):
        raise CheckpointError(f"{label} is not a Latent Lab run.")
    return validate_payload(payload, label, "")


def friendly_error(error: BaseException, label: str) -> str:
    """One sentence for the user about why `label` could not be evaluated (never a traceback)."""
    if isinstance(error, (CheckpointError, DataError)):
        return str(error).strip().splitlines()[0] if str(error).strip() else f"{label} could not be loaded."
    if isinstance(error, ConfigError):
        return f"{label} has an invalid config: {error.message}"
    if isinstance(error, FileNotFoundError):
        return f"{label}: the file is gone (was it moved or deleted?)."
    if isinstance(error, ValueError) and str(error).strip():
        return f"{label} could not be scored: {str(error).strip().splitlines()[0]}"
    detail = str(error).strip().splitlines()[0][:160] if str(error).strip() else type(error).__name__
    return f"{label} could not be evaluated ({detail})."


# --------------------------------------------------------------------------------------------------
# evaluating one run
# --------------------------------------------------------------------------------------------------
def evaluate_run(source, n: int = 2500, seed: int = 0, label: str = "") -> dict:
    """Score one run and keep what a side-by-side comparison shows. Plain data (numbers, lists, numpy arrays).

    source: a LatentModel, a Checkpoint, or a checkpoint path. The numbers equal
    `evaluate_checkpoint(source, n, seed)`: the same seeded samples and the same real reference set.

    Returns {"label", "step", "target_steps", "dataset", "kind", "config" (dict), "metrics" (evaluate_samples'
    dict), "n_samples", "seed", "curves" ({"steps": [...], "values": {name: [...]}}), "preview"
    ({"points": (m, 2) float32} or {"grid": (H, W, 3) uint8}), "reference" ({"points", "modes", "sigma"} for
    2-D data, {"class_names"} for images), "histogram" ({"names", "generated", "real", "what"} or None)}.
    The histogram of a 2-D mixture gives each mode the share of samples whose nearest mode it is; of labelled
    images, the share the classifier puts in each class; "real" is the real data's share (uniform for mixtures).
    Raises CheckpointError, DataError or ValueError with a readable message (see `safe_evaluate`).
    """
    model = source if isinstance(source, LatentModel) else LatentModel.load(source)
    config = model.config
    label = label or model.checkpoint.name or "run"
    samples, timing = time_sampling(model, int(n), int(seed))
    data, real_samples, real_labels = real_set(config, int(n), int(seed) + 1, model.data_info)  # as evaluate_checkpoint
    scores = evaluate_samples(samples, config, model.data_info, seed=int(seed),
                              real=(data, real_samples, real_labels))
    scores["step"] = model.checkpoint.step
    scores["sample_ms"] = timing["median_ms"]  # what a sample costs: diffusion vs one pass
    scores["sample_ms_spread"] = [timing["low_ms"], timing["high_ms"]]
    result = {
        "label": label, "step": int(model.checkpoint.step), "target_steps": int(config.steps),
        "dataset": config.dataset, "kind": model.data_info.get("kind", "image"), "config": config.to_dict(),
        "metrics": _json_safe(scores), "n_samples": int(n), "seed": int(seed),
        "curves": _clean_curves(model.checkpoint.metrics), "histogram": None,
    }
    if model.is_points:
        points = samples.numpy().astype(np.float32)
        pool = data.data.cpu().numpy()
        pick = np.random.default_rng(seed).permutation(len(pool))[:REAL_POINTS]
        result["preview"] = {"points": points[:PREVIEW_POINTS]}
        modes = model.data_info.get("modes")
        result["reference"] = {"points": pool[pick].astype(np.float32), "modes": modes,
                               "sigma": model.data_info.get("sigma")}
        if modes is not None:
            # every sample counts for its nearest mode, however far away: a collapsed generator's one blob
            # shows as one tall bar even when none of it is within 3 sigma (mode_counts would be all zeros)
            finite = points[np.isfinite(points).all(axis=1)]
            nearest, _ = metrics.assign_modes(finite, np.asarray(modes, dtype=np.float64))
            counts = np.bincount(nearest, minlength=len(modes)).astype(np.float64)
            result["histogram"] = {"names": [str(i) for i in range(len(modes))],
                                   "generated": (counts / max(1, points.shape[0])).tolist(),
                                   "real": [1.0 / len(modes)] * len(modes), "what": "modes"}
    else:
        result["preview"] = {"grid": make_grid(samples[:PREVIEW_IMAGES], nrow=8)}
        names = list(model.data_info.get("class_names") or [])
        result["reference"] = {"class_names": names}
        if "class_histogram" in scores and data.labels is not None and len(names) == len(scores["class_histogram"]):
            real = np.bincount(data.labels.cpu().numpy(), minlength=len(names)).astype(np.float64)
            result["histogram"] = {"names": names, "generated": list(scores["class_histogram"]),
                                   "real": (real / max(1.0, real.sum())).tolist(), "what": "classes"}
    return result


def time_sampling(model: LatentModel, n: int, seed: int = 0) -> tuple:
    """(model.sample(n, seed), {"median_ms", "low_ms", "high_ms", "repeats"}): milliseconds per sample.

    A warm-up call of TIMING_WARMUP samples first, then the same n samples drawn up to TIMING_REPEATS times
    while the extra calls fit in TIMING_BUDGET_S; the median call, and the fastest and slowest, per sample.
    """
    model.sample(min(int(n), TIMING_WARMUP), seed=int(seed))
    seconds = []
    samples = None
    while not seconds or (len(seconds) < TIMING_REPEATS and sum(seconds[1:]) + seconds[-1] <= TIMING_BUDGET_S):
        started = time.perf_counter()
        drawn = model.sample(int(n), seed=int(seed))
        seconds.append(time.perf_counter() - started)
        samples = drawn if samples is None else samples  # every call draws the same seeded samples
    per_sample = [1000.0 * s / max(1, int(n)) for s in seconds]
    return samples, {"median_ms": float(np.median(per_sample)), "low_ms": min(per_sample),
                     "high_ms": max(per_sample), "repeats": len(per_sample)}


def safe_evaluate(load, label: str, n: int = 2500, seed: int = 0) -> dict:
    """`evaluate_run(load(), n, seed, label)`, or {"label", "error": one sentence} when anything fails.

    `load` is a zero-argument callable returning a LatentModel, Checkpoint or path, so that loading errors
    (a broken file, a dataset folder that moved) are caught here too.
    """
    try:
        return evaluate_run(load(), n=n, seed=seed, label=label)
    except Exception as error:  # the page shows one sentence per run, whatever went wrong
        return {"label": label, "error": friendly_error(error, label)}


def _clean_curves(curves: dict | None) -> dict:
    curves = curves or {}
    steps = [int(s) for s in curves.get("steps", [])]
    values = {k: [_number_or_none(v) for v in column] for k, column in (curves.get("values") or {}).items()
              if len(column) == len(steps)}
    return {"steps": steps, "values": values}


def _number_or_none(value):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        return None
    value = value.item() if isinstance(value, (np.integer, np.floating)) else value
    return value if math.isfinite(value) else None


def _json_safe(value):
    """Plain JSON types: NaN and inf become None, numpy scalars become Python numbers."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, (bool, str)) or value is None:
        return value
    if isinstance(value, (int, float, np.integer, np.floating)):
        return _number_or_none(value)
    if isinstance(value, np.ndarray):
        return _json_safe(value.tolist())
    return str(value)


# --------------------------------------------------------------------------------------------------
# the comparison table
# --------------------------------------------------------------------------------------------------
def table_metrics(results: list[dict]) -> list[str]:
    """The metric keys the table shows, in a fixed teaching order: those with a direction that any run has."""
    present = set()
    for result in results:
        for key, value in (result.get("metrics") or {}).items():
            if _number_or_none(value) is not None:
                present.add(key)
    ordered = [k for k in METRIC_ORDER if k in metrics.BETTER]
    ordered += [k for k in metrics.BETTER if k not in ordered]
    return [k for k in ordered if k in present]


def display_number(value) -> str:
    """How the comparison shows a number: ints with thousands separators, floats to about 3 significant places.

    Ties are judged on this text (`best_indices`), so two values that look the same are never told apart.
    """
    if value is None:
        return "—"
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return f"{int(value):,}"
    size = abs(value)
    if size >= 1000:
        return f"{value:,.0f}"
    if size >= 10:
        return f"{value:.1f}"
    if size >= 0.01 or value == 0:
        return f"{value:.3f}"
    if size >= 0.001:
        return f"{value:.4f}"
    if size >= 1e-6:  # tiny but not zero (KID of a good run): two significant figures, 0.00092 rather than 9.2e-04
        return f"{value:.{1 - math.floor(math.log10(size))}f}"
    return f"{value:.1e}"


def _as_displayed(value) -> float:
    return float(display_number(value).replace(",", ""))


def best_indices(values: list, better: str, real: list | None = None, spread: list | None = None,
                 noise_factor: float = 1.0) -> list[int]:
    """Indices of the best value(s) in `values` ("higher" or "lower" is better; None is skipped).

    better="closest": the best value is the one nearest its run's real-data value (`real`, one per value; a
    value without one is skipped).
    Values are compared as `display_number` shows them: 1.2551 and 1.2549 both read 1.255 and tie. A noisy
    measurement (a timing) also ties with the best when their noise bands overlap: `spread` gives each value's
    measured (low, high), widened to at least a factor `noise_factor` around the value.
    Ties share the mark; when every run ties there is nothing to point at, so [] is returned; so it is with
    fewer than two numbers. One rule for every row: a value is starred when no value beats it beyond the noise
    and at least one is worse.
    """
    if better == "closest":
        real = real or [None] * len(values)
        numbers = [(i, -round(abs(_as_displayed(v) - _as_displayed(r)), 12))
                   for i, (v, r) in enumerate(zip(values, real))
                   if _number_or_none(v) is not None and _number_or_none(r) is not None]
    elif better in ("higher", "lower"):
        sign = 1.0 if better == "higher" else -1.0
        numbers = [(i, sign * _as_displayed(v)) for i, v in enumerate(values) if _number_or_none(v) is not None]
    else:
        return []
    if len(numbers) < 2:
        return []
    top = max(v for _, v in numbers)  # every direction turned into "higher is better"
    leaders = [i for i, v in numbers if v == top]
    best = list(leaders)
    if spread is not None:
        bands = {i: _noise_band(values[i], spread[i], noise_factor) for i, _ in numbers}
        best = [i for i, _ in numbers
                if i in leaders or any(_overlap(bands[i], bands[leader]) for leader in leaders)]
    return [] if len(best) == len(numbers) else best


def _noise_band(value: float, spread, noise_factor: float) -> tuple[float, float]:
    low, high = (float(spread[0]), float(spread[1])) if spread else (value, value)
    if value > 0 and noise_factor > 1.0:
        root = math.sqrt(noise_factor)  # values within noise_factor of each other overlap
        low, high = min(low, value / root), max(high, value * root)
    return min(low, value), max(high, value)


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def _spread_or_none(spread):
    if isinstance(spread, (list, tuple)) and len(spread) == 2 and all(_number_or_none(v) is not None for v in spread):
        return [float(spread[0]), float(spread[1])]
    return None


def _unique_labels(labels: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    unique = []
    for label in labels:
        count = seen.get(label, 0) + 1
        seen[label] = count
        unique.append(label if count == 1 else f"{label} ({count})")
    return unique


def comparison_table(results: list[dict]) -> dict:
    """Rows = metrics, columns = runs, with the best value of each row marked.

    results: evaluate_run / safe_evaluate dicts (a run with "error" gets an empty column).
    Returns {"format", "format_version", "runs": [{"label", "step", "dataset", "model", "config", "error",
    "n_modes", "histogram"}], "rows": [{"metric", "label_en", "label_zh", "better", "values": [float | int |
    None per run], "best": [run indices], for better="closest" "real": [the real data's value per run], and
    for a noisy measurement (sampling time) "spread": [[low, high] or None per run]}],
    "n_samples", "seed", "comparable"}. Best values are only marked
    when every scored run used the same dataset ("comparable"); numbers of different data mean nothing side by
    side.
    """
    labels = _unique_labels([str(r.get("label") or f"run {i + 1}") for i, r in enumerate(results)])
    scored = [r for r in results if not r.get("error")]
    datasets = {r.get("dataset") for r in scored}
    comparable = len(datasets) <= 1
    runs = []
    for label, result in zip(labels, results):
        config = result.get("config") or {}
        runs.append({
            "label": label, "step": result.get("step"), "dataset": result.get("dataset"),
            "model": config.get("model"), "config": _json_safe(config), "error": result.get("error", ""),
            "n_modes": (result.get("metrics") or {}).get("n_modes"),
            "histogram": _json_safe(result.get("histogram")),
        })
    rows = []
    for key in table_metrics(results):
        label_en, label_zh = metrics.LABELS[key]
        better = metrics.BETTER[key]
        values = [None if r.get("error") else _number_or_none((r.get("metrics") or {}).get(key)) for r in results]
        row = {"metric": key, "label_en": label_en, "label_zh": label_zh, "better": better, "values": values}
        if better == "closest":  # the real data's own value, the yardstick of this row
            row["real"] = [None if r.get("error") else _number_or_none((r.get("metrics") or {}).get(key + "_real"))
                           for r in results]
        spreads = [None if r.get("error") else _spread_or_none((r.get("metrics") or {}).get(key + "_spread"))
                   for r in results]
        if any(spreads) or key in NOISE_FACTORS:  # a measurement with noise: its spread is shown and respected
            row["spread"] = spreads
        # KID estimates a squared distance without bias, so a run that matches the data scatters around 0 and
        # may come out below it: every value under 0 is "about 0" and ties there (the ★ starred -2.5e-04 over
        # -4.6e-05 after the collapse lab, rewarding noise). The table still shows the numbers as measured.
        ranked = [v if v is None or key not in NOT_BELOW_ZERO else max(v, 0.0) for v in values]
        row["best"] = (best_indices(ranked, better, row.get("real"), row.get("spread"), NOISE_FACTORS.get(key, 1.0))
                       if comparable else [])
        rows.append(row)
    n_values = {r.get("n_samples") for r in scored}
    seeds = {r.get("seed") for r in scored}
    return {"format": FORMAT, "format_version": FORMAT_VERSION, "runs": runs, "rows": rows,
            "n_samples": n_values.pop() if len(n_values) == 1 else None,
            "seed": seeds.pop() if len(seeds) == 1 else None, "comparable": comparable}


# --------------------------------------------------------------------------------------------------
# export
# --------------------------------------------------------------------------------------------------
CSV_FIXED = ("metric", "label", "better")
CSV_REAL = "real data"  # last column: the real data's value where a row is judged by it ("closest")


def to_csv(table: dict) -> str:
    """The table as CSV: metric, label, better, one column per run, `best` (run labels joined by '; '), then
    `real data` (the real data's value in a "closest" row, one per run joined by '; ', empty elsewhere).

    Floats are written with repr, so reading the file back gives exactly the same numbers.
    """
    labels = [run["label"] for run in table["runs"]]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*CSV_FIXED, *labels, "best", CSV_REAL])
    for row in table["rows"]:
        cells = ["" if v is None else repr(v) for v in row["values"]]
        real = "; ".join("" if v is None else repr(v) for v in row["real"]) if "real" in row else ""
        writer.writerow([row["metric"], row["label_en"], row["better"], *cells,
                         "; ".join(labels[i] for i in row["best"]), real])
    return buffer.getvalue()


def from_csv(text: str) -> dict:
    """Read `to_csv` output back: {"runs": [{"label"}], "rows": [{"metric", "label_en", "better", "values",
    "best", and "real" where written}]}. Files without the `real data` column (older exports) read too.
    Raises ValueError with one sentence for a file that is not such a CSV."""
    reader = list(csv.reader(io.StringIO(text)))
    header = reader[0] if reader else []
    has_real = header[-2:] == ["best", CSV_REAL]
    end = -2 if has_real else -1
    if tuple(header[:3]) != CSV_FIXED or header[end] != "best":
        raise ValueError("This is not a Latent Lab comparison CSV (its header should start with metric, label, "
                         "better and end with best).")
    labels = header[3:end]
    rows = []
    for line in reader[1:]:
        if len(line) != len(header):
            raise ValueError("This comparison CSV has a row with the wrong number of cells.")
        best_labels = [b for b in line[end].split("; ") if b]
        row = {"metric": line[0], "label_en": line[1], "better": line[2],
               "values": [_parse_number(cell) for cell in line[3:end]],
               "best": [labels.index(b) for b in best_labels if b in labels]}
        if has_real and line[-1]:
            row["real"] = [_parse_number(cell) for cell in line[-1].split("; ")]
        rows.append(row)
    return {"runs": [{"label": label} for label in labels], "rows": rows}


def _parse_number(cell: str):
    if cell == "":
        return None
    try:
        return int(cell)
    except ValueError:
        return float(cell)


def to_json(table: dict) -> str:
    """The whole comparison (runs with their configs and histograms, rows, n, seed) as indented JSON."""
    return json.dumps(_json_safe(table), indent=2, ensure_ascii=False, allow_nan=False)


def from_json(text: str) -> dict:
    """Read `to_json` output back; ValueError with one sentence when it is not a comparison."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise ValueError("This is not valid JSON.") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError("This JSON is not a Latent Lab comparison.")
    if int(data.get("format_version", 0)) > FORMAT_VERSION:
        raise ValueError("This comparison was written by a newer Latent Lab.")
    return data


# --------------------------------------------------------------------------------------------------
# the collapse lab
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LabRun:
    """One arm of the collapse lab: what it changes, and the config that trains it."""

    key: str  # "vanilla", "pacgan", "wgan-gp", "vae"
    title_en: str
    title_zh: str
    config: TrainConfig
    demo: str = ""  # the demo checkpoint (same config) that can stand in for training it, if any

    @property
    def job_name(self) -> str:
        return f"lab-{self.config.dataset}-{self.key}-s{self.config.seed}"


LAB_BASES = ("ring8-vanilla", "grid25-vanilla")
# every arm, in the order shown
LAB_ARMS = ("vanilla", "pacgan", "wgan-gp", "vae", "topk", "deligan", "islands", "weighted")
LAB_DEFAULT_ARMS = ("vanilla", "pacgan", "wgan-gp", "vae")  # one click: the classic four (about 2 minutes)


def collapse_lab_runs(base: str = "ring8-vanilla", seed: int | None = None, keys=None) -> list[LabRun]:
    """The collapse lab for preset `base`: one data set, eight ways to train it, each valid for TrainConfig; `keys`
    picks some of them (in LAB_ARMS' order), so a recipe can be run on its own.

    Every arm keeps the base's data, network size, batch size, step count and seed, and changes only what its
    idea needs; the optimiser settings are those that let the idea show within 1,500 CPU steps (a fix that
    needs 50,000 steps proves nothing in a lesson):

    * vanilla: the preset itself (a plain GAN, non-saturating loss), the run that collapses;
    * pacgan: the same GAN whose discriminator judges packs of 2 samples (PacGAN, Lin et al. 2018), with a
      learning rate of 1e-3 annealed to 0 (at the base's 1e-4 packing has not spread out after 1,500 steps);
    * wgan-gp: a Wasserstein critic with a gradient penalty: 5 critic steps per generator step and Adam betas
      (0.5, 0.9) as in Gulrajani et al., with the penalty weight of their toy experiments, 0.1 (their gan_toy.py:
      "smaller lambda seems to help for toy tasks"; the paper's 10 is for images), learning rate 1e-3 annealed to 0.
      With 10 and 5e-4 the seed-0 run ended on 1 mode of 8 with 0.4 % high quality, worse than the plain GAN; with
      these, 8/8 modes on seeds 0-3 and 32-47 % high quality: every mode covered, more blurrily than the islands;
    * vae: a VAE of the same size (Adam beta1 0.9, learning rate 3e-3 annealed) with beta = 0.05: the loss sums
      squared errors as if the decoder's noise had variance 1, far wider than the ring, so beta = 1 blurs
      everything into a disc; 0.05 (a decoder noise of about 0.16) keeps the ring. A VAE cannot collapse the
      way a GAN does, but it blurs;
    * topk: D-guided top-k training (Sinha et al. 2020): G learns only from the fakes D rates most real, k
      annealed (gamma 0.99 per epoch) from the whole batch to 3/4 of it (the paper's nu = 0.75), with PacGAN's
      optimiser (1e-3 annealed) so that the two compare on the idea alone;
    * deligan: DeLiGAN's learned mixture latent (Gurumurthy et al. 2017) with LAB_COMPONENTS components, same
      optimiser: G can send each component to its own mode instead of stretching one Gaussian across them;
    * islands: a fixed mixture latent (the static GM-GAN of Ben-Yosef & Weinshall 2018) of LAB_ISLANDS
      components laid out far apart and never trained, same optimiser: G's latent is separate islands, so no
      samples have to bridge two modes (the ring8-fixed and grid25-fixed presets use it);
    * weighted: the same islands with weights G learns on its own loss (latent_weight_lr, from 40 % of the run
      on): an island D rates worse than average (stranded between modes, or on a crowded mode) is drawn less
      often, one on a mode short of samples more often (ring8-fixed uses it).
    Discriminator rejection sampling is not an arm: it trains nothing. The page shows it as a post-hoc view of
    any GAN run (`rejection_view`).

    CPU budget (2 cores, one run at a time, ring8): about 5-15 s per GAN or VAE arm and about 30-60 s for
    WGAN-GP (5 critic updates per step); grid25 takes a little longer. Measured in docs/BENCHMARKS.md.
    `seed` overrides the preset's seed (a different seed: a different collapse, and no demo stands in).
    """
    if base not in LAB_BASES:
        raise KeyError(f"Unknown collapse-lab base {base!r}; choose one of: {', '.join(LAB_BASES)}.")
    vanilla = preset_config(base) if seed is None else preset_config(base, seed=int(seed))
    arms = [
        LabRun("vanilla", "Plain GAN", "普通 GAN", vanilla),
        LabRun("pacgan", "PacGAN (pack 2)", "PacGAN（打包 2）",
               vanilla.replace(pack=2, lr_g=1e-3, lr_d=1e-3, lr_decay=True)),
        LabRun("wgan-gp", "WGAN-GP", "WGAN-GP",
               vanilla.replace(loss="wgan-gp", n_critic=5, gp_weight=0.1, lr_g=1e-3, lr_d=1e-3, lr_decay=True, beta1=0.5,
                               beta2=0.9)),
        LabRun("vae", "VAE", "VAE",
               vanilla.replace(model="vae", beta=0.05, lr_g=3e-3, lr_d=3e-3, beta1=0.9, lr_decay=True)),
        LabRun("topk", "Top-k training", "Top-k 训练",
               vanilla.replace(top_k=0.75, top_k_gamma=0.99, lr_g=1e-3, lr_d=1e-3, lr_decay=True)),
        LabRun("deligan", "DeLiGAN (mixture latent)", "DeLiGAN（混合潜变量）",
               vanilla.replace(latent_components=LAB_COMPONENTS[base], lr_g=1e-3, lr_d=1e-3, lr_decay=True)),
        LabRun("islands", "Fixed mixture latent (GM-GAN)", "固定混合潜变量（GM-GAN）",
               vanilla.replace(latent_components=LAB_ISLANDS[base], latent_mixture="fixed", lr_g=1e-3, lr_d=1e-3,
                               lr_decay=True)),
        LabRun("weighted", "Islands with learned weights", "学习权重的小岛",
               vanilla.replace(latent_components=LAB_ISLANDS[base], latent_mixture="fixed", latent_weight_lr=0.05,
                               lr_g=1e-3, lr_d=1e-3, lr_decay=True)),
    ]
    if keys is not None:
        unknown = [key for key in keys if key not in LAB_ARMS]
        if unknown:
            raise KeyError(f"Unknown collapse-lab arm {unknown[0]!r}; choose from: {', '.join(LAB_ARMS)}.")
        arms = [a for a in arms if a.key in keys]
    return [LabRun(a.key, a.title_en, a.title_zh, a.config.check(), _matching_demo(a.config)) for a in arms]


LAB_COMPONENTS = {"ring8-vanilla": 8, "grid25-vanilla": 25}  # DeLiGAN arm: one component per mode to start from
LAB_ISLANDS = {"ring8-vanilla": 64, "grid25-vanilla": 100}  # fixed-mixture arm: islands enough for a non-saturating GAN


def rejection_view(source, n: int = 2500, seed: int = 0, label: str = "") -> dict:
    """POST-HOC: one GAN run's own numbers beside those of its samples after discriminator rejection sampling.

    {"label", "post_hoc": True, "own": {...}, "rejected": {...}, "acceptance_rate"} with modes_covered, n_modes,
    high_quality_fraction, reverse_kl (2-D mixtures) or modes_covered, class_kl (labelled images) in each; or
    {"label", "unavailable": True} for a run with no discriminator to ask (a VAE, diffusion, a family, a cGAN);
    {"label", "error": one sentence} when it cannot be loaded or scored.
    """
    keep = ("modes_covered", "n_modes", "high_quality_fraction", "reverse_kl", "class_kl")
    try:
        model = source if isinstance(source, LatentModel) else LatentModel.load(source)
        if not model.can_reject:
            return {"label": label, "unavailable": True}
        own = evaluate_samples(model.sample(n, seed=seed), model.config, model.data_info, seed=seed, full=False)
        samples, info = model.sample_rejection(n, seed=seed)
        kept = evaluate_samples(samples, model.config, model.data_info, seed=seed, full=False)
    except Exception as error:  # the page shows one sentence per run
        return {"label": label, "error": friendly_error(error, label or "this run")}
    return {"label": label, "post_hoc": True, "post_hoc_label": info["label"],
            "own": _json_safe({k: own[k] for k in keep if k in own}),
            "rejected": _json_safe({k: kept[k] for k in keep if k in kept}),
            "acceptance_rate": float(info["acceptance_rate"])}


def _matching_demo(config: TrainConfig) -> str:
    """The name of the preset (and demo checkpoint) with exactly this config, else ''."""
    for name, preset in PRESETS.items():
        if preset.config().to_dict() == config.to_dict():
            return name
    return ""


def demo_stands_in(run: LabRun, path: str | Path) -> bool:
    """True when the checkpoint at `path` was trained with exactly `run.config` (so the lab need not train it).

    Where it ran and how often it took pictures and measured do not count: they change what was recorded, not what
    was learned (the same seed gives the same weights). The shipped ring8-vanilla demo has a picture every 25 steps
    and the preset every 50, and comparing those too meant that no demo ever stood in.
    """
    try:
        checkpoint = load_checkpoint(path)
    except CheckpointError:
        return False
    ignore = {"device", "sample_every", "metrics_every"}
    mine = {k: v for k, v in run.config.to_dict().items() if k not in ignore}
    theirs = {k: v for k, v in checkpoint.config.to_dict().items() if k not in ignore}
    return mine == theirs and checkpoint.step >= run.config.steps


__all__ = [
    "LAB_ARMS", "LAB_BASES", "LAB_DEFAULT_ARMS", "LabRun", "MAX_RUNS", "MIN_RUNS", "best_indices", "checkpoint_from_payload", "collapse_lab_runs",
    "comparison_table", "demo_stands_in", "display_number", "evaluate_run", "friendly_error", "from_csv", "from_json",
    "rejection_view", "safe_evaluate", "table_metrics", "to_csv", "to_json",
]
