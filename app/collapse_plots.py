"""Plotly figures of the Mode Collapse page, built from the plain data of gan_core.evaluation.compare (no st.* here)."""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

# Run colours avoid green and red, which the mode markers use for covered / missed.
RUN_COLOURS = ("#1f77b4", "#ff7f0e", "#9467bd", "#17becf")
REAL_COLOUR = "#9e9e9e"
COVERED_COLOUR = "#2ca02c"
MISSED_COLOUR = "#d62728"
FONT = dict(size=13)


def run_colour(index: int) -> str:
    return RUN_COLOURS[index % len(RUN_COLOURS)]


def shared_bounds(results: list[dict]) -> tuple[float, float, float, float] | None:
    """One square view (x0, x1, y0, y1) around the real data of the 2-D runs, so every scatter has the same axes."""
    pools = [r["reference"]["points"] for r in results if "points" in (r.get("reference") or {})]
    if not pools:
        return None
    pool = np.concatenate([np.asarray(p, dtype=np.float64) for p in pools])
    low, high = pool.min(axis=0), pool.max(axis=0)
    centre = (low + high) / 2
    half = 0.5 * float(max(high - low)) * 1.45 + 1e-3  # room for the per-mode counts outside the modes
    return (centre[0] - half, centre[0] + half, centre[1] - half, centre[1] + half)


def points_outside(points, bounds) -> int:
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    x0, x1, y0, y1 = bounds
    inside = (points[:, 0] >= x0) & (points[:, 0] <= x1) & (points[:, 1] >= y0) & (points[:, 1] <= y1)
    return int((~inside).sum())


def scatter_figure(result: dict, colour: str, bounds, names: dict, height: int = 340) -> go.Figure:
    """Generated points over the real data, mode centres marked covered (green ring) or missed (red cross).

    names: {"real", "generated", "covered", "missed"} legend texts in the page's language.
    """
    figure = go.Figure()
    real = np.asarray(result["reference"]["points"], dtype=np.float64)
    figure.add_trace(go.Scatter(x=real[:, 0], y=real[:, 1], mode="markers", name=names["real"],
                                marker=dict(size=4, color=REAL_COLOUR, opacity=0.45), hoverinfo="skip"))
    fake = np.asarray(result["preview"]["points"], dtype=np.float64)
    fake = fake[np.isfinite(fake).all(axis=1)]
    figure.add_trace(go.Scatter(x=fake[:, 0], y=fake[:, 1], mode="markers", name=names["generated"],
                                marker=dict(size=4, color=colour, opacity=0.55), hoverinfo="skip"))
    modes = result["reference"].get("modes")
    counts = (result.get("metrics") or {}).get("mode_counts")
    if modes is not None and counts is not None:
        modes = np.asarray(modes, dtype=np.float64)
        counts = list(counts)
        covered = np.asarray([c > 0 for c in counts])
        radius = math.hypot(*(modes.max(axis=0) - modes.min(axis=0))) or 1.0
        centre = modes.mean(axis=0)
        # counts sit just outside each mode, pointing away from the centre of all modes
        away = modes - centre
        lengths = np.linalg.norm(away, axis=1, keepdims=True)
        away = np.where(lengths > 1e-9, away / np.maximum(lengths, 1e-9), np.array([[0.0, 1.0]]))
        label_at = modes + away * radius * (0.09 if len(modes) <= 8 else 0.045)
        for flag, name, symbol, marker_colour in ((True, names["covered"], "circle-open", COVERED_COLOUR),
                                                  (False, names["missed"], "x-thin-open", MISSED_COLOUR)):
            chosen = covered == flag
            if not chosen.any():
                continue
            figure.add_trace(go.Scatter(
                x=modes[chosen, 0], y=modes[chosen, 1], mode="markers", name=name,
                marker=dict(size=15 if len(modes) <= 8 else 10, symbol=symbol, color=marker_colour,
                            line=dict(width=2.5, color=marker_colour)),
                customdata=np.asarray(counts)[chosen], hovertemplate="%{customdata} samples<extra></extra>"))
        figure.add_trace(go.Scatter(
            x=label_at[:, 0], y=label_at[:, 1], mode="text", text=[str(c) for c in counts], showlegend=False,
            textfont=dict(size=12 if len(modes) <= 8 else 9, color="#333333"), hoverinfo="skip"))
    x0, x1, y0, y1 = bounds
    figure.update_layout(
        height=height, margin=dict(l=10, r=10, t=10, b=10), font=FONT, uirevision="collapse-scatter",
        showlegend=False, plot_bgcolor="white",
        xaxis=dict(range=[x0, x1], showgrid=False, zeroline=False, showticklabels=False, constrain="domain"),
        yaxis=dict(range=[y0, y1], showgrid=False, zeroline=False, showticklabels=False, scaleanchor="x",
                   scaleratio=1, constrain="domain"),
    )
    return figure


def histogram_figure(results: list[dict], labels: list[str], colours: list[str], names: dict,
                     height: int = 330) -> go.Figure:
    """Grouped bars: the real data's share per mode or class (grey) and each run's share (its colour)."""
    first = results[0]["histogram"]
    categories = [str(c) for c in first["names"]]
    if first["what"] == "modes":
        categories = [f"{names['mode']} {c}" for c in categories]
    figure = go.Figure()
    figure.add_trace(go.Bar(x=categories, y=first["real"], name=names["real"], marker_color=REAL_COLOUR,
                            hovertemplate="%{x}: %{y:.1%}<extra>" + names["real"] + "</extra>"))
    for result, label, colour in zip(results, labels, colours):
        figure.add_trace(go.Bar(x=categories, y=result["histogram"]["generated"], name=label, marker_color=colour,
                                hovertemplate="%{x}: %{y:.1%}<extra>" + label + "</extra>"))
    figure.update_layout(
        barmode="group", height=height, margin=dict(l=10, r=10, t=10, b=10), font=FONT,
        uirevision="collapse-hist", yaxis=dict(title=names["share"], tickformat=".0%", rangemode="tozero"),
        xaxis=dict(type="category", tickmode="linear" if len(categories) <= 40 else "auto"),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0), bargap=0.2, bargroupgap=0.05,
    )
    return figure


def curves_figure(results: list[dict], labels: list[str], colours: list[str], metric_names: dict,
                  step_title: str, all_modes_text: str | None = None, n_modes: int | None = None) -> go.Figure:
    """One panel per recorded metric (rows, shared step axis), one line per run."""
    keys = []
    for result in results:
        for key in result["curves"]["values"]:
            if key not in keys:
                keys.append(key)
    order = ["modes_covered", "high_quality_fraction", "reverse_kl", "reverse_kl_all", "class_kl"]
    keys.sort(key=lambda k: order.index(k) if k in order else len(order))
    spacing = min(0.12, 0.3 / max(1, len(keys)))  # room for each panel's title above it
    figure = make_subplots(rows=len(keys), cols=1, shared_xaxes=True, vertical_spacing=spacing,
                           subplot_titles=[metric_names.get(k, k) for k in keys])
    for row, key in enumerate(keys, start=1):
        for result, label, colour in zip(results, labels, colours):
            values = result["curves"]["values"].get(key)
            if not values:
                continue
            figure.add_trace(go.Scatter(
                x=result["curves"]["steps"], y=values, mode="lines+markers", name=label, legendgroup=label,
                showlegend=row == 1, line=dict(color=colour, width=2), marker=dict(size=5),
                hovertemplate=f"{label}<br>step %{{x}}: %{{y:.3g}}<extra></extra>"), row=row, col=1)
        if key == "modes_covered" and n_modes:
            figure.add_hline(y=n_modes, line=dict(color=COVERED_COLOUR, dash="dot", width=1.5), row=row, col=1,
                             annotation_text=all_modes_text or "", annotation_position="top left")
            figure.update_yaxes(range=[-0.3, n_modes * 1.12 + 0.3], row=row, col=1)
        if key == "high_quality_fraction":
            figure.update_yaxes(range=[-0.03, 1.05], tickformat=".0%", row=row, col=1)
    figure.update_xaxes(title_text=step_title, row=len(keys), col=1)
    figure.update_layout(
        height=max(280, 210 * len(keys) + 70), margin=dict(l=10, r=10, t=60, b=10), font=FONT,
        uirevision="collapse-curves", legend=dict(orientation="h", yanchor="bottom", y=1.05, x=0),
    )
    return figure
