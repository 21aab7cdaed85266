"""The Mode Collapse page's comparison of 2 to 4 runs: samples side by side, the numbers, histograms over modes
or classes, and the metric curves recorded during training."""
from __future__ import annotations

from html import escape

import pandas as pd
import streamlit as st

from gan_core.evaluation import compare
from gan_core.images import display_scale

from . import collapse_runs as runs
from .collapse_plots import curves_figure, histogram_figure, points_outside, run_colour, scatter_figure, shared_bounds
from .collapse_table import counts_classes, metric_label, show_table
from .collapse_text import TEXT
from .i18n import plural, t
from .pictures import show_picture
from .presenter import chart


def describe_config(config: dict, step) -> str:
    parts = [t(TEXT, "model_" + config.get("model", "gan"))]
    if config.get("model") in ("gan", "cgan"):
        parts.append(t(TEXT, "cfg_loss", loss=config.get("loss", "")))
        if config.get("pack", 1) > 1:
            parts.append(t(TEXT, "cfg_pack", pack=config["pack"]))
        if config.get("spectral_norm"):
            parts.append(t(TEXT, "cfg_sn"))
        if config.get("n_critic", 1) > 1:
            parts.append(t(TEXT, "cfg_critic", n=config["n_critic"]))
    elif config.get("beta", 1.0) != 1.0:
        parts.append(t(TEXT, "cfg_beta", beta=config["beta"]))
    if "lr_g" in config:
        parts.append(t(TEXT, "cfg_lr_decay" if config.get("lr_decay") else "cfg_lr", lr=config["lr_g"]))
    parts.append(t(TEXT, "cfg_data", dataset=config.get("dataset", "")))
    if step is not None:
        parts.append(t(TEXT, "cfg_step", step=f"{step:,}"))
    return " · ".join(parts)


def column_header(label: str, colour: str, result: dict) -> None:
    """● name, and its config on the same line: the pictures below stay on the first screen."""
    config = describe_config(result["config"], result.get("step")) if result.get("config") else ""
    st.markdown(f"<span style='color:{colour};font-size:1.4em;line-height:1'>●</span> **{escape(label)}** "
                f"<span style='color:#6b6f76;font-size:0.85em'>{escape(config)}</span>", unsafe_allow_html=True)


def show_samples(results: list[dict], labels: list[str], colours: list[str]) -> None:
    bounds = shared_bounds([r for r in results if r.get("kind") == "points" and not r.get("error")])
    names = {"real": t(TEXT, "real_data"), "generated": "", "covered": "", "missed": ""}
    # three rows of columns (headers, pictures, facts) so the pictures line up whatever the headers' length
    for column, result, label, colour in zip(st.columns(len(results)), results, labels, colours):
        with column:
            column_header(label, colour, result)
    any_points = any_images = False
    for index, (column, result, label, colour) in enumerate(zip(st.columns(len(results)), results, labels, colours)):
        with column:
            if result.get("error"):
                st.error(result["error"])
            elif result.get("waiting"):
                st.info(result["waiting"])
            elif "points" in result["preview"]:
                any_points = True
                chart(scatter_figure(result, colour, bounds, dict(names, generated=label)),
                                key=f"collapse_scatter_{index}", config={"displayModeBar": False})
            else:
                any_images = True
                grid = result["preview"]["grid"]
                show_picture(grid, display_scale(grid.shape[0], 300), width="stretch")
    for column, result in zip(st.columns(len(results)), results):
        if result.get("error") or result.get("waiting"):
            continue
        with column:
            scores = result["metrics"]
            if "points" in result["preview"]:
                if "modes_covered" in scores and "high_quality_fraction" in scores:
                    st.markdown(t(TEXT, "facts_points", covered=scores["modes_covered"], modes=scores["n_modes"],
                                  hq=scores["high_quality_fraction"]))
                outside = points_outside(result["preview"]["points"], bounds)
                if outside:
                    st.caption(t(TEXT, plural("outside", outside), count=outside))
            elif "modes_covered" in scores and scores.get("n_modes"):
                st.markdown(t(TEXT, "facts_classes", covered=scores["modes_covered"], modes=scores["n_modes"]))
            job = result.get("job")
            if job and job["status"] == "failed":
                st.warning(t(TEXT, "failed_note", error=job["error"]))
            elif job and job["active"]:
                st.caption(t(TEXT, "live_note", step=f"{job['step']:,}", target=f"{job['target']:,}"))
    if any_points:
        shown = max((len(r["preview"]["points"]) for r in results if "points" in (r.get("preview") or {})), default=0)
        st.caption(t(TEXT, "samples_points", shown=f"{shown:,}"))
    if any_images:
        st.caption(t(TEXT, "samples_images"))


def show_histograms(results: list[dict], labels: list[str], colours: list[str]) -> None:
    st.subheader(t(TEXT, "histograms"), anchor=False)
    chosen = [(r, l, c) for r, l, c in zip(results, labels, colours) if r.get("histogram") and not r.get("error")]
    if not chosen:
        st.caption(t(TEXT, "hist_none"))
        return
    first = chosen[0][0]["histogram"]
    if any((r["histogram"]["what"], r["histogram"]["names"]) != (first["what"], first["names"]) for r, _, _ in chosen) \
            or len({r["dataset"] for r, _, _ in chosen}) > 1:
        st.caption(t(TEXT, "hist_mixed"))
        return
    names = {"real": t(TEXT, "real_data"), "share": t(TEXT, "share"), "mode": t(TEXT, "mode")}
    figure = histogram_figure([r for r, _, _ in chosen], [l for _, l, _ in chosen], [c for _, _, c in chosen], names)
    chart(figure, key="collapse_hist", config={"displayModeBar": False})
    if first["what"] == "modes":
        st.caption(t(TEXT, "hist_modes", k=len(first["names"])))
    else:
        st.caption(t(TEXT, "hist_classes"))


def show_curves(results: list[dict], labels: list[str], colours: list[str]) -> None:
    st.subheader(t(TEXT, "curves"), anchor=False)
    chosen = [(r, l, c) for r, l, c in zip(results, labels, colours)
              if not r.get("error") and not r.get("waiting") and r["curves"]["steps"] and r["curves"]["values"]]
    if not chosen:
        st.caption(t(TEXT, "no_curves"))
        return
    classes = counts_classes(r.get("dataset") for r, _, _ in chosen)
    st.caption(t(TEXT, "curves_caption_classes" if classes else "curves_caption"))
    n_modes = {r["metrics"].get("n_modes") for r, _, _ in chosen}
    n_modes = n_modes.pop() if len(n_modes) == 1 else None
    keys = {k for r, _, _ in chosen for k in r["curves"]["values"]}
    figure = curves_figure([r for r, _, _ in chosen], [l for _, l, _ in chosen], [c for _, _, c in chosen],
                           {k: metric_label(k, classes) for k in keys}, t(TEXT, "step_axis"),
                           t(TEXT, "all_classes" if classes else "all_modes", k=n_modes) if n_modes else None, n_modes)
    chart(figure, key="collapse_curves", config={"displayModeBar": False})
    # a panel without a run's line must say why (an older checkpoint, the shipped ring8-vanilla demo among them,
    # recorded fewer metrics): else it reads as a line lost or a value of nothing
    # only metrics that apply to the run's kind of data count as missing: a digits run has no JS divergence of
    # 2-D densities and a ring run no class KL, whatever version saved it
    missing = []
    for result, label, _ in chosen:
        applies = {k for r, _, _ in chosen if r.get("kind") == result.get("kind") for k in r["curves"]["values"]}
        absent = [metric_label(k, classes) for k in sorted(applies) if not result["curves"]["values"].get(k)]
        if absent:  # "; ": some names hold a comma ("JS divergence, 2-D density")
            missing.append(t(TEXT, "curves_missing", run=label, metrics=t(TEXT, "list_separator").join(absent)))
    if missing:
        st.caption("  \n".join(missing))


def show_rejection(chosen: list, n: int, seed: int) -> None:
    """POST-HOC: each GAN run's own numbers beside those after discriminator rejection sampling, on request, in
    a table whose every column says which it is (a filter's numbers are never shown as a generator's quality)."""
    if not st.toggle(t(TEXT, "rejection_toggle"), key=runs.REJECTION_KEY, help=t(TEXT, "rejection_help")):
        return
    st.subheader(t(TEXT, "rejection_title"), anchor=False)
    st.caption(t(TEXT, "rejection_help"))
    columns, notes = {}, []
    for option in chosen:
        with st.spinner(t(TEXT, "scoring", label=option.name, n=f"{n:,}")):
            view = runs.rejection(option, n, seed)
        if view.get("unavailable"):
            notes.append(t(TEXT, "rejection_unavailable", label=option.name))
        elif view.get("error"):
            notes.append(view["error"])
        else:
            rate = f"{100 * view['acceptance_rate']:.0f}%"
            columns[t(TEXT, "rejection_own", label=option.name)] = view["own"]
            columns[t(TEXT, "rejection_kept", label=option.name, rate=rate)] = view["rejected"]
    if columns:
        keys = [k for k in ("modes_covered", "high_quality_fraction", "reverse_kl", "class_kl")
                if any(k in values for values in columns.values())]
        rows = {metric_label(k): [compare.display_number(values.get(k)) for values in columns.values()] for k in keys}
        st.table(pd.DataFrame(rows, index=list(columns)).T)
    for note in notes:
        st.caption(note)


def show_comparison(chosen: list, n: int, seed: int) -> None:
    results = []
    for option in chosen:
        with st.spinner(t(TEXT, "scoring", label=option.name, n=f"{n:,}")):
            results.append(runs.score(option, n, seed))
    table = compare.comparison_table([dict(r, error=r.get("error") or r.get("waiting", "")) for r in results])
    labels = [run["label"] for run in table["runs"]]
    colours = [run_colour(i) for i in range(len(results))]
    show_samples(results, labels, colours)
    show_table(table, results)
    show_rejection(chosen, n, seed)
    show_histograms(results, labels, colours)
    show_curves(results, labels, colours)
