"""Plotly figures for the Sample & Blend page, built from plain numbers (no streamlit, no torch in here).

Every label arrives translated from the page. Figures carry a `uirevision` so zoom survives reruns.
"""
from __future__ import annotations

import base64

import numpy as np
import plotly.graph_objects as go

REAL = "rgba(110, 110, 110, 0.45)"
GENERATED = "#e6622a"
LINE_X = "#1f77b4"
LINE_Y = "#2ca02c"
LERP = "#1f77b4"
SLERP = "#e6622a"
CLASS_COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                 "#bcbd22", "#17becf"]
MAX_REAL_POINTS = 2000


def _layout(figure: go.Figure, title: str, height: int, revision: str, square: bool = False) -> go.Figure:
    # title at the top of the figure, legend in a row just above the plot area: nothing overlaps the axes
    figure.update_layout(title=dict(text=title, font=dict(size=14), y=0.98, yanchor="top", x=0.01),
                         height=height, uirevision=revision, margin=dict(l=10, r=10, t=64, b=10),
                         legend=dict(orientation="h", y=1.01, yanchor="bottom", x=0, xanchor="left"),
                         plot_bgcolor="white")
    figure.update_xaxes(showgrid=True, gridcolor="#eeeeee", zeroline=False)
    figure.update_yaxes(showgrid=True, gridcolor="#eeeeee", zeroline=False)
    if square:
        figure.update_yaxes(scaleanchor="x", scaleratio=1)
    return figure


def thin(points: np.ndarray, limit: int = MAX_REAL_POINTS) -> np.ndarray:
    """At most `limit` evenly spaced rows, so charts stay light."""
    points = np.asarray(points)
    if len(points) <= limit:
        return points
    return points[np.linspace(0, len(points) - 1, limit).astype(int)]


def _polylines(lines: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(L, P, 2) -> x and y arrays with a NaN after each line (a gap): many polylines in one trace.

    numpy arrays, not lists: plotly sends an array as one block of bytes, while it checks a list value by value
    (a 2-D view's two figures took ~110 ms to build from lists, most of Sample & Blend's time on a 64-d ring8)."""
    lines = np.asarray(lines, dtype=float)
    gapped = np.concatenate([lines, np.full((lines.shape[0], 1, 2), np.nan)], axis=1).reshape(-1, 2)
    return gapped[:, 0], gapped[:, 1]


def _bounds(points: np.ndarray, pad: float = 0.25) -> tuple[list[float], list[float]]:
    """Square axis ranges around the finite points (real data decides the view, far-flung lines are clipped)."""
    points = np.asarray(points, dtype=float).reshape(-1, 2)
    points = points[np.isfinite(points).all(axis=1)]
    if not len(points):
        return [-1.0, 1.0], [-1.0, 1.0]
    low, high = np.percentile(points, 0.5, axis=0), np.percentile(points, 99.5, axis=0)
    centre, half = (low + high) / 2, max(float((high - low).max()) / 2, 1e-3) * (1 + pad)
    return [centre[0] - half, centre[0] + half], [centre[1] - half, centre[1] + half]


def shared_labels(points: np.ndarray, labels: list[str], share: float = 0.03) -> list[str]:
    """`labels` for markers drawn at `points` (n, 2), where points closer than `share` of the markers' own extent
    (at least 1: a mesh that has shrunk onto one spot) share one label ("a = a − b + c") on the first of them and the
    others get none: two labels on one spot were drawn over each other."""
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    extent = float(np.ptp(points, axis=0).max()) if len(points) else 0.0
    near = max(extent, 1.0) * share
    out, taken = list(labels), set()
    for i in range(len(points)):
        if i in taken:
            continue
        group = [j for j in range(i + 1, len(points))
                 if j not in taken and np.linalg.norm(points[j] - points[i]) < near]
        if group:
            out[i] = " = ".join([labels[i]] + [labels[j] for j in group])
            for j in group:
                out[j] = ""
                taken.add(j)
    return out


def points_figure(real: np.ndarray | None, layers: list[dict], title: str, revision: str, real_name: str = "",
                  height: int = 430, view: np.ndarray | None = None) -> go.Figure:
    """Real data in grey under any number of layers; each layer: {name, points (n, 2) or lines (L, P, 2),
    colour, mode ("markers" | "lines" | "lines+markers"), size, text}."""
    figure = go.Figure()
    if real is not None and len(real):
        real = thin(real)
        figure.add_trace(go.Scatter(x=real[:, 0], y=real[:, 1], mode="markers", name=real_name,
                                    marker=dict(color=REAL, size=4), hoverinfo="skip"))
    for layer in layers:
        mode = layer.get("mode", "markers")
        if "lines" in layer:
            xs, ys = _polylines(layer["lines"])
        else:
            points = np.asarray(layer["points"], dtype=float).reshape(-1, 2)
            xs, ys = points[:, 0], points[:, 1]
        figure.add_trace(go.Scatter(
            x=xs, y=ys, mode=mode, name=layer.get("name", ""), text=layer.get("text"),
            textposition=layer.get("textposition", "top center"), showlegend=bool(layer.get("name")),
            marker=dict(color=layer.get("colour", GENERATED), size=layer.get("size", 5),
                        symbol=layer.get("symbol", "circle")),
            line=dict(color=layer.get("colour", GENERATED), width=layer.get("width", 1.5))))
    _layout(figure, title, height, revision, square=True)
    basis = view if view is not None else real
    if basis is not None and len(basis):
        x_range, y_range = _bounds(basis)
        figure.update_xaxes(range=x_range)
        figure.update_yaxes(range=y_range)
    return figure


def warp_figures(latent_lines: np.ndarray, data_lines: np.ndarray, latents: np.ndarray, samples: np.ndarray,
                 real: np.ndarray | None, names: dict, revision: str) -> tuple[go.Figure, go.Figure]:
    """The latent plane with a flat grid and the samples' z (n, 2), and data space with the same grid bent by G."""
    half = len(latent_lines) // 2
    grid_layers = lambda lines: [  # noqa: E731
        {"name": names["lines_x"], "lines": lines[:half], "mode": "lines", "colour": LINE_X, "width": 1.2},
        {"name": names["lines_y"], "lines": lines[half:], "mode": "lines", "colour": LINE_Y, "width": 1.2}]
    latent = points_figure(None, grid_layers(latent_lines) + [
        {"name": names["latents"], "points": thin(latents), "colour": GENERATED, "size": 4}],
        names["latent_title"], revision + "-latent")
    extent = float(np.abs(latent_lines).max()) * 1.05
    latent.update_xaxes(range=[-extent, extent])
    latent.update_yaxes(range=[-extent, extent])
    data = points_figure(real, grid_layers(data_lines) + [
        {"name": names["generated"], "points": thin(samples), "colour": GENERATED, "size": 4}],
        names["data_title"], revision + "-data", real_name=names["real"],
        view=np.concatenate([np.asarray(real).reshape(-1, 2), np.asarray(samples).reshape(-1, 2)])
        if real is not None else samples)
    return latent, data


def norm_figure(norms: dict[str, list[float]], typical: float | None, names: dict, revision: str) -> go.Figure:
    """|z| at each step of the lerp and slerp walks, with the typical norm √d as a dashed line (none when `typical`
    is None: a latent of few numbers has no typical length)."""
    figure = go.Figure()
    for mode, colour in (("lerp", LERP), ("slerp", SLERP)):
        values = norms[mode]
        figure.add_trace(go.Scatter(x=list(range(len(values))), y=values, mode="lines+markers", name=names[mode],
                                    line=dict(color=colour)))
    steps = len(norms["lerp"])
    if typical is not None:
        figure.add_trace(go.Scatter(x=[0, steps - 1], y=[typical, typical], mode="lines", name=names["typical"],
                                    line=dict(color="#888888", dash="dash")))
    _layout(figure, names["title"], 280, revision)
    figure.update_xaxes(title=names["step"], dtick=1)
    figure.update_yaxes(title=names["norm"], rangemode="tozero")
    return figure


def variance_figure(variance: list[float], names: dict, revision: str) -> go.Figure:
    figure = go.Figure(go.Bar(x=[str(k + 1) for k in range(len(variance))], y=[100 * v for v in variance],
                              marker_color=GENERATED, text=[f"{100 * v:.0f}%" for v in variance],
                              textposition="outside"))
    _layout(figure, names["title"], 240, revision)
    figure.update_xaxes(title=names["direction"], type="category")
    figure.update_yaxes(title=names["share"], ticksuffix="%", rangemode="tozero")
    return figure


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def manifold_figure(map_png: bytes, extent: float, size: int, codes: np.ndarray | None, labels: np.ndarray | None,
                    class_names: list[str], marks: dict[str, np.ndarray], title: str, revision: str) -> go.Figure:
    """The decoded latent plane as a background picture, with real codes (by class) and named marks on top.

    Tile i sits centred on its grid point, so the picture spans [-extent - h, extent + h] with h half a cell.
    """
    half_cell = extent / max(1, size - 1)
    low, high = -extent - half_cell, extent + half_cell
    figure = go.Figure()
    figure.add_layout_image(dict(source=_data_uri(map_png), xref="x", yref="y", x=low, y=high, sizex=high - low,
                                 sizey=high - low, sizing="stretch", layer="below", opacity=1.0))
    if codes is not None and len(codes):
        codes = np.asarray(codes, dtype=float)
        groups = np.zeros(len(codes), int) if labels is None else np.asarray(labels)
        for group in np.unique(groups):
            chosen = groups == group
            name = class_names[group] if labels is not None and group < len(class_names) else ""
            figure.add_trace(go.Scatter(x=codes[chosen, 0], y=codes[chosen, 1], mode="markers", name=name,
                                        showlegend=bool(name),
                                        marker=dict(size=4, opacity=0.55, color=CLASS_COLOURS[group % len(CLASS_COLOURS)],
                                                    line=dict(width=0))))
    for name, point in marks.items():
        figure.add_trace(go.Scatter(x=[float(point[0])], y=[float(point[1])], mode="markers+text", text=[name],
                                    textposition="top center", showlegend=False,
                                    textfont=dict(color="white", size=16),
                                    marker=dict(size=14, color="white", symbol="x", line=dict(color="black", width=1))))
    _layout(figure, title, 540, revision, square=True)  # 540: about square in the map's column at 1280 px
    # the square plot shrinks to fit (constrain="domain"), pinned to the top, instead of widening a range past the
    # picture; the classes' legend hangs from the plot's top right: anchored by its bottom (the _layout default
    # for a legend above the plot) ten classes stood above the plot and pushed it ~180 px down
    figure.update_xaxes(range=[low, high], showgrid=False, title="z[0]", constrain="domain")
    figure.update_yaxes(range=[low, high], showgrid=False, title="z[1]", constrain="domain", constraintoward="top")
    figure.update_layout(legend=dict(orientation="v", y=1, yanchor="top", x=1.02, xanchor="left"))
    return figure
