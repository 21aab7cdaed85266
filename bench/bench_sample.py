"""Time each Sample & Blend interaction on the demo checkpoints: the gan_core work plus image encoding.

    python bench/bench_sample.py                      # all demo checkpoints, median of 7 runs
    python bench/bench_sample.py --repeat 15 --json bench/results/sample.json
    python bench/bench_sample.py --checkpoints digits-gan ring8-fixed --page

Each row runs exactly what the page runs for one interaction (the functions in app.sample_compute, which call
gan_core), including PNG/GIF/.npy encoding and building (and serialising) the plotly figures. Things the page
computes once per checkpoint and caches (loading, PCA directions, class means, codes of the real data) are
listed separately as "once". Target: 150 ms per interaction; misses are marked.

--page also times whole reruns of the page through Streamlit's AppTest (script + widgets + protobuf, no browser).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import torch

from app import sample_compute as compute
from app import sample_plots as plots
from gan_core.evaluation.classifier import get_classifier
from gan_core.data import load_dataset
from gan_core.device import configure_threads
from gan_core.latents import LatentModel, latent_for_seed
from gan_core.store import DEMO_DIR

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 150.0
DEMOS = ("digits-gan", "digits-gan-collapse", "digits-cgan", "digits-vae", "shapes-gan", "ring8-vanilla", "ring8-fixed")


def timed(function, repeat: int) -> float:
    """Median wall time in ms of `repeat` calls after one warm-up call."""
    function()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def once(function) -> float:
    started = time.perf_counter()
    function()
    return (time.perf_counter() - started) * 1000


def _names() -> dict:
    return {k: k for k in ("lines_x", "lines_y", "latents", "generated", "real", "latent_title", "data_title", "lerp",
                           "slerp", "typical", "title", "step", "norm", "direction", "share")}


def interactions(model: LatentModel) -> tuple[list[tuple[str, callable]], list[tuple[str, callable]]]:
    """(per-interaction work, once-per-checkpoint work) for one model, as (name, zero-argument function)."""
    config = model.config
    label = 3 if model.n_classes else None
    names = _names()
    state: dict = {}

    def directions():
        state["directions"] = model.principal_directions(count=min(5, model.latent_dim))

    cached = [("directions (PCA of 1000 samples)", directions)]
    dataset = None
    if model.is_vae or model.is_points:
        dataset = load_dataset(config.dataset, image_size=config.image_size, n_points=config.n_points, seed=config.seed)
    if not model.n_classes and not model.is_points:
        if model.is_vae:
            cached.append(("class means (encode the data)", lambda: state.update(
                means=compute.class_means(model, dataset=dataset))))
        else:
            cached.append(("class means (classifier on 2000 samples)", lambda: state.update(
                means=compute.class_means(model, classifier=get_classifier(config.dataset, config.image_size)))))
    if model.is_vae and not model.is_points:
        cached.append(("codes of 1797 real images", lambda: model.encode(dataset.data[:2000])))
    real = None if dataset is None or not model.is_points else plots.thin(dataset.data.numpy())

    def samples(side=6, rows=False, n_points=1000, psi=1.0):
        settings = compute.GridSettings(seed=7, side=side, n_points=n_points, truncation=psi, class_rows=rows,
                                        label=None if rows else label)

        def run():
            grid = compute.sample_grid(model, settings)
            compute.npy_bytes(grid.latents)
            compute.npy_bytes(grid.outputs)
            if model.is_points:
                compute.points_png(grid.outputs)
                latent_lines, data_lines = compute.warp_lines(model, 2.5, label=label)
                for figure in plots.warp_figures(latent_lines, data_lines, grid.latents.numpy(), grid.outputs.numpy(),
                                                 real, names, "bench"):
                    figure.to_json()
            else:
                compute.picture_png(grid.outputs, grid.nrow, target=420)
        return run

    def interpolate(steps):
        def run():
            a, b = latent_for_seed(1, model.latent_dim), latent_for_seed(2, model.latent_dim)
            strips = compute.interpolation_strips(model, a, b, steps, label=label)
            plots.norm_figure(compute.path_norms(strips), math.sqrt(model.latent_dim), names, "bench").to_json()
            latents = torch.stack([strips["lerp"].latents, strips["slerp"].latents])
            compute.npy_bytes(latents)
            if model.is_points:
                layers = [{"points": strips[m].outputs.numpy(), "mode": "lines+markers"} for m in ("lerp", "slerp")]
                plots.points_figure(real, layers, "walk", "bench").to_json()
                return
            for mode in ("lerp", "slerp"):
                compute.picture_png(strips[mode].outputs, steps, target=120, max_width=860)
            compute.walk_gif(strips["slerp"].outputs)
            compute.picture_png(torch.cat([strips["lerp"].outputs, strips["slerp"].outputs]), steps, target=240)
        return run

    def blend(size):
        def run():
            grid = compute.corner_blend_grid(model, [1, 2, 3, 4], size, label=label)
            compute.npy_bytes(grid.latents)
            if model.is_points:
                mesh = grid.outputs.numpy().reshape(size, size, -1)
                plots.points_figure(real, [{"lines": mesh, "mode": "lines"}, {"lines": mesh.transpose(1, 0, 2),
                                                                             "mode": "lines"}], "blend", "bench").to_json()
            else:
                compute.picture_png(grid.outputs, size, target=420)
        return run

    def arithmetic():
        means = state.get("means") or {}
        a = means.get(7, latent_for_seed(1, model.latent_dim))
        b = means.get(1, latent_for_seed(2, model.latent_dim))
        terms = compute.arithmetic_terms(model, a, b, latent_for_seed(3, model.latent_dim), label=label)
        compute.npy_bytes(terms.latents)
        if model.is_points:
            plots.points_figure(real, [{"points": terms.outputs.numpy()}], "arith", "bench").to_json()
            return
        for index in range(4):
            compute.picture_png(terms.outputs[index:index + 1], 1, target=140)
        compute.picture_png(terms.outputs, 4, target=140)

    def edit():
        directions, variance = state["directions"]
        z = latent_for_seed(3, model.latent_dim)
        amounts = [0.5] + [0.0] * (len(variance) - 1)
        views = compute.edit_views(model, z, label, {0: 1.0}, 0, directions, amounts)
        plots.variance_figure(variance, names, "bench").to_json()
        compute.npy_bytes(views.edited_latent[None])
        if model.is_points:
            plots.points_figure(real, [{"lines": views.sweep.outputs.numpy()[None], "mode": "lines"}], "edit",
                                "bench").to_json()
            return
        compute.picture_png(views.original, 1, target=150)
        compute.picture_png(views.edited, 1, target=150)
        compute.picture_png(views.sweep.outputs, 9, target=100, max_width=860)
        compute.picture_png(views.directions.outputs, views.directions.nrow, target=360, max_width=560)

    work = []
    if model.is_points:
        work += [("samples 1000 + warped grid", samples()), ("samples 5000 + warped grid", samples(n_points=5000))]
    else:
        work += [("sample grid 6x6", samples()), ("sample grid 10x10", samples(side=10))]
    if model.truncation_space:  # ProGAN and translation models have no average to truncate toward
        work.append(("truncation ψ=0.5", samples(psi=0.5)))
    if model.n_classes and not model.is_points:
        work.append((f"one row per class ({model.n_classes}x6)", samples(rows=True)))
    work += [("interpolate 8 steps (lerp+slerp, GIF)", interpolate(8)), ("interpolate 16 steps", interpolate(16)),
             ("corner blend 5x5", blend(5)), ("corner blend 9x9", blend(9)), ("arithmetic a-b+c", arithmetic),
             ("edit: dimension / direction slider", edit)]
    if model.is_vae and not model.is_points:
        images = dataset.data[:2]
        labels = dataset.labels[:2]

        def encode():
            codes, recon = compute.reconstruct(model, images, labels)
            compute.picture_png(torch.cat([images, recon]), 2, target=240)
            walk = compute.code_walk(model, codes[0], codes[1], 8)
            compute.picture_png(walk.outputs, 8, target=110, max_width=640)
            state["codes"] = codes
        work.append(("encode 2 real images + code walk", encode))
        if model.latent_dim == 2:
            codes_real = model.encode(dataset.data[:2000]).numpy()

            def manifold(size):
                def run():
                    latent_map = compute.manifold(model, 2.5, size)
                    map_png = compute.manifold_png(latent_map)
                    plots.manifold_figure(map_png, 2.5, size, codes_real, dataset.labels[:2000].numpy(),
                                          model.class_names, {"A": codes_real[0]}, "map", "bench").to_json()
                return run
            work += [("manifold map 15x15 + codes", manifold(15)), ("manifold map 25x25 + codes", manifold(25))]
    return work, cached


def page_timings(name: str, repeat: int) -> list[dict]:
    """Whole-page reruns through AppTest for a few interactions on one demo checkpoint."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120).run()
    at.switch_page("pages/sample_blend.py").run()
    at.selectbox(key="sample_ckpt").set_value(f"demo:{name}").run()
    tabs = {tab.label.split(": ", 1)[-1]: tab.label for tab in at.tabs}
    rows = []

    def measure(what, tab, action):
        at.session_state["sample_tab"] = tabs[tab]
        at.run()  # open the tab
        action(0)
        at.run()  # warm-up: the first visit computes and caches
        values = []
        for i in range(1, repeat + 1):
            action(i)
            started = time.perf_counter()
            at.run()
            values.append((time.perf_counter() - started) * 1000)
            if at.exception:
                raise RuntimeError(at.exception[0].value)
        rows.append({"checkpoint": name, "interaction": f"page rerun: {what}", "ms": statistics.median(values),
                     "kind": "page"})

    measure("change seed (Samples)", "Samples", lambda i: at.number_input(key="sample_seed").set_value(100 + i))
    measure("interpolation steps", "Interpolate", lambda i: at.slider(key="interp_steps").set_value(8 + i % 2))
    measure("corner seed", "Four-corner blend", lambda i: at.number_input(key="blend_tl").set_value(10 + i))
    at.session_state["sample_tab"] = tabs["Edit & directions"]
    at.run()
    at.button(key="edit_directions").click().run()  # the directions are found on demand, once per model
    measure("direction slider", "Edit & directions",
            lambda i: at.slider(key="edit_dir_0").set_value(round(0.1 * i, 1)))
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkpoints", nargs="+", default=list(DEMOS), help="demo names (default: all)")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per interaction (median reported)")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    parser.add_argument("--page", action="store_true", help="also time whole page reruns through AppTest")
    args = parser.parse_args(argv)

    threads = configure_threads()
    machine = f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPU cores, torch {torch.__version__}, " \
              f"{threads} torch thread(s)"
    print(f"Sample & Blend latency, median of {args.repeat} runs; target {TARGET_MS:.0f} ms per interaction")
    print(f"machine: {machine}\n")
    results = []
    for name in args.checkpoints:
        path = DEMO_DIR / f"{name}.pt"
        if not path.is_file():
            print(f"{name}: not found at {path} (run `python -m gan_core demos`)\n")
            continue
        holder = {}
        load_ms = once(lambda: holder.update(model=LatentModel.load(path)))
        model = holder["model"]
        results.append({"checkpoint": name, "interaction": "load checkpoint", "ms": load_ms, "kind": "once"})
        work, cached = interactions(model)
        for what, function in cached:
            results.append({"checkpoint": name, "interaction": what, "ms": once(function), "kind": "once"})
        for what, function in work:
            results.append({"checkpoint": name, "interaction": what, "ms": timed(function, args.repeat),
                            "kind": "interaction"})
        if args.page:
            results += page_timings(name, max(3, args.repeat // 2))
        _print_rows([r for r in results if r["checkpoint"] == name])
    misses = [r for r in results if r["kind"] != "once" and r["ms"] > TARGET_MS]
    print(f"{len(misses)} interaction(s) over {TARGET_MS:.0f} ms" + (": " + "; ".join(
        f"{r['checkpoint']} {r['interaction']}" for r in misses) if misses else ""))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps({"machine": machine, "target_ms": TARGET_MS, "repeat": args.repeat,
                                               "results": results}, indent=1))
    return 0


def _print_rows(rows: list[dict]) -> None:
    width = max(44, max(len(r["interaction"]) for r in rows))
    print(f"{rows[0]['checkpoint']}")
    for row in rows:
        if row["kind"] == "once":
            verdict = "once, cached"
        else:
            verdict = "ok" if row["ms"] <= TARGET_MS else "MISS"
        print(f"  {row['interaction']:<{width}}  {row['ms']:8.1f} ms  {verdict}")
    print()


if __name__ == "__main__":
    sys.exit(main())
