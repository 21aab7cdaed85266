"""Plotly figures and small pictures for the Train page, built from plain numbers (never tensors).

Everything here runs inside the live panel's fragments, every second or two: lists in, figures out. Figures are
built from plain dicts and wrapped without plotly's property validation (`figure`): py-spy showed validation was
~90 % of the live panel's work, and that work holds the interpreter lock the training thread needs.
tests/test_page_train.py validates every builder's output in full, so a misspelt property still fails a test.
`labels` arguments are already-translated strings, so this module does not know about languages.
"""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
from PIL import Image, ImageDraw

from gan_core.images import upscale

# GAN Lab's convention: green where D says "real", purple where it says "fake".
FAKE_COLOUR, MID_COLOUR, REAL_COLOUR = (142, 107, 191), (247, 247, 247), (90, 174, 97)
D_COLOURSCALE = [[0.0, "rgb(142,107,191)"], [0.5, "rgb(247,247,247)"], [1.0, "rgb(90,174,97)"]]
REAL_POINT = "#4d4d4d"
FAKE_POINT = "#f26b1d"
SERIES_COLOURS = {"d": "#1f77b4", "g": "#d62728", "real": "#2ca02c", "fake": "#9467bd", "extra": "#8c8c8c",
                  "recon": "#1f77b4", "kl": "#ff7f0e", "total": "#2f2f2f"}
CLASS_COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                 "#bcbd22", "#17becf"]
CHART_HEIGHT = 270
# Fixed margins (autoexpand off): with plotly's automatic margins every chart is laid out twice each time it is
# drawn, and the live charts are redrawn often. These leave room for tick labels, axis titles and legends.
LINE_MARGIN = dict(l=58, r=12, t=44, b=42, autoexpand=False)
SQUARE_MARGIN = dict(l=44, r=104, t=34, b=30, autoexpand=False)  # r: room for the colour bar and its title
LEGEND_MARGIN = 132  # right margin for a vertical legend of class names ("T-shirt/top", "automobile")
PLOT_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


def figure(traces: list[dict], layout: dict) -> go.Figure:
    """A plotly Figure from plain trace and layout dicts, skipping plotly's per-property validation.

    Validation made a 4-trace line chart cost ~17 ms to build; unvalidated it costs ~1.5 ms (measured in
    bench/bench_live.py's profile). Falls back to a validated Figure if a plotly version drops the option.
    """
    spec = {"data": traces, "layout": layout}
    try:
        return go.Figure(spec, _validate=False)
    except TypeError:  # pragma: no cover - older or newer plotly without the private switch
        return go.Figure(spec)


def scale_figure(fig: go.Figure, markers: float, text: float) -> go.Figure:
    """A copy of `fig` for a projector: marker sizes and line widths times `markers`, every font size times `text`
    (plotly's default 12 px where a figure sets none)."""
    spec = fig.to_plotly_json()
    for trace in spec.get("data", []):
        for part in ("marker", "line"):
            style = trace.get(part)
            if not isinstance(style, dict):
                continue
            for name in ("size", "width"):
                value = style.get(name)
                if isinstance(value, (int, float)):
                    style[name] = value * markers
                elif isinstance(value, (list, tuple)):
                    style[name] = [v * markers for v in value]
    _scale_fonts(spec.get("layout", {}), text)
    spec["layout"].setdefault("font", {}).setdefault("size", 12 * text)
    return figure(spec["data"], spec["layout"])


def _scale_fonts(node, factor: float) -> None:
    """Multiply every `font.size` found under a layout dict (titles, legends, axes, annotations) by `factor`."""
    if isinstance(node, dict):
        font = node.get("font")
        if isinstance(font, dict) and isinstance(font.get("size"), (int, float)):
            font["size"] = font["size"] * factor
        for key, value in node.items():
            if key != "font":
                _scale_fonts(value, factor)
    elif isinstance(node, list):
        for item in node:
            _scale_fonts(item, factor)


# -- smoothing ----------------------------------------------------------------------------------------
def ema(values: list[float], alpha: float) -> list[float | None]:
    """Exponential moving average that skips NaN/None (they stay gaps); alpha in (0, 1], 1 = no smoothing."""
    out: list[float | None] = []
    level = None
    for value in values:
        if value is None or not math.isfinite(value):
            out.append(None)
            continue
        level = value if level is None else level + alpha * (value - level)
        out.append(level)
    return out


def smoothing_alpha(n: int) -> float:
    """An EMA weight whose span is about a twentieth of the curve (at least 3 points)."""
    span = max(3.0, n / 20.0)
    return 2.0 / (span + 1.0)


def _clean(values: list[float]) -> list[float | None]:
    return [v if v is not None and math.isfinite(v) else None for v in values]


def _array(values) -> np.ndarray:
    """float64 array with NaN for gaps: plotly draws NaN as a gap and validates arrays far faster than lists."""
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


# -- line charts ----------------------------------------------------------------------------------------
def _base_layout(title: str, uirevision: str, x_title: str, height: int = CHART_HEIGHT) -> dict:
    return dict(
        # the title at the very top, the legend under it: centred in the margin, a long title sat on the legend
        title=dict(text=title, font=dict(size=14), x=0.0, xanchor="left", y=1.0, yref="container", yanchor="top",
                   pad=dict(t=4)),
        height=height, margin=LINE_MARGIN, uirevision=uirevision,
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1.0, font=dict(size=11)),
        xaxis=dict(title=dict(text=x_title, font=dict(size=11)), showgrid=True, gridcolor="#eeeeee"),
        yaxis=dict(showgrid=True, gridcolor="#eeeeee", zeroline=False),
        plot_bgcolor="white", hovermode="x unified",
    )


def line_figure(steps: list[int], series: list[tuple[str, list[float], str]], title: str, uirevision: str,
                x_title: str = "step", log_y: bool = False, y_range: tuple[float, float] | None = None,
                hline: tuple[float, str] | None = None, smooth: bool = True, markers: bool = False,
                events: list[tuple[float, str]] | None = None, right: tuple[set[int], str] | None = None
                ) -> go.Figure:
    """Curves of `series` = [(name, values, colour)] against `steps`; each smoothed, the raw trace faint behind.

    `uirevision` keeps the user's zoom across refreshes (use one per chart and run). `events` = [(step, label)]
    draws a dashed vertical line with a short label at each step where a setting was changed mid-run. `right` =
    ({indexes into series}, title) puts those series on a second y axis at the right, for numbers of another kind.
    """
    traces = []
    alpha = smoothing_alpha(len(steps))
    steps = np.asarray(steps, dtype=np.float64)
    on_right = right[0] if right else set()
    for index, (name, values, colour) in enumerate(series):
        first = len(traces)
        raw = _clean(values)
        if log_y:
            raw = [v if v is not None and v > 0 else None for v in raw]
        if smooth and len(steps) > 8:
            traces.append(dict(type="scatter", x=steps, y=_array(raw), mode="lines", line=dict(color=colour, width=1),
                               opacity=0.25, hoverinfo="skip", showlegend=False))
            traces.append(dict(type="scatter", x=steps, y=_array(ema(raw, alpha)), mode="lines", name=name,
                               line=dict(color=colour, width=2.2)))
        else:
            traces.append(dict(type="scatter", x=steps, y=_array(raw),
                               mode="lines+markers" if markers or len(steps) < 30 else "lines",
                               name=name, line=dict(color=colour, width=2.2), marker=dict(size=5)))
        if index in on_right:
            for trace in traces[first:]:
                trace["yaxis"] = "y2"
    layout = _base_layout(title, uirevision, x_title)
    if right:
        layout["yaxis2"] = dict(overlaying="y", side="right", showgrid=False, zeroline=False,
                                title=dict(text=right[1], font=dict(size=11)))
        layout["margin"] = dict(layout["margin"], r=max(layout["margin"].get("r", 0), 56))
    if log_y:
        layout["yaxis"].update(type="log", exponentformat="power")
        positive = [v for _, values, _ in series for v in values if v is not None and math.isfinite(v) and v > 0]
        if positive and math.log10(max(positive) / min(positive)) >= 1.0:
            layout["yaxis"]["dtick"] = 1  # whole decades only; plotly's 2-and-5 minor labels crowd a small chart
    if y_range is not None:
        layout["yaxis"]["range"] = list(y_range)
    if hline is not None:
        value, label = hline
        layout["shapes"] = [dict(type="line", xref="paper", x0=0, x1=1, y0=value, y1=value,
                                 line=dict(color="#999999", width=1, dash="dash"))]
        # its words are the y axis's title: written on the line they covered the curves that end there (D(x) and
        # D(G(z)) settle on 0.5 when G wins, ProGAN's among them), and a third legend entry wrapped onto the title
        layout["yaxis"]["title"] = dict(text=hline_title(label), font=dict(size=11, color="#666666"))
    if events:
        shapes, notes = event_lines(events)
        layout["shapes"] = layout.get("shapes", []) + shapes
        layout["annotations"] = layout.get("annotations", []) + notes
    return figure(traces, layout)


def hline_title(label: str) -> str:
    """The y axis's title that names line_figure's dashed line: "– – 0.5 = D cannot tell"."""
    return f"– – {label}"


def event_lines(events: list[tuple[float, str]]) -> tuple[list[dict], list[dict]]:
    """Plotly shapes and annotations for [(step, label)]: a dashed vertical line per change, its label at the
    top; consecutive labels are staggered down so nearby changes stay readable."""
    shapes, notes = [], []
    for index, (step, label) in enumerate(events):
        shapes.append(dict(type="line", xref="x", yref="paper", x0=step, x1=step, y0=0, y1=1,
                           line=dict(color="#555555", width=1, dash="dash")))
        notes.append(dict(xref="x", x=step, yref="paper", y=1.0 - 0.11 * (index % 3), text=label, showarrow=False,
                          xanchor="left", yanchor="top", xshift=3, bgcolor="rgba(255,255,255,0.85)",
                          font=dict(size=10, color="#333333")))
    return shapes, notes


def same_height(figures: list[go.Figure]) -> None:
    """Charts drawn side by side take the tallest one's height. A 270-px gradient chart beside the metrics' small
    multiples (120 px a metric) left a tall empty block under it."""
    tallest = max(fig.layout.height or CHART_HEIGHT for fig in figures)
    for fig in figures:
        fig.layout.height = tallest


def metrics_figure(steps: list[int], series: list[tuple[str, list[float], str, str, float | None]], title: str,
                   uirevision: str, x_title: str = "step") -> go.Figure:
    """Small multiples, one row per metric: series = [(label, values, colour, note, y_max or None)]."""
    traces = []
    count = max(1, len(series))
    gap = 0.08
    height = (1.0 - gap * (count - 1)) / count
    layout = _base_layout(title, uirevision, x_title, height=max(CHART_HEIGHT, 120 * count + 40))
    layout["annotations"] = []
    for index, (label, values, colour, note, y_max) in enumerate(series):
        axis = "" if index == 0 else str(index + 1)
        top = 1.0 - index * (height + gap)
        traces.append(dict(type="scatter", x=np.asarray(steps, dtype=np.float64), y=_array(_clean(values)),
                           mode="lines+markers", name=label, line=dict(color=colour, width=2), marker=dict(size=5),
                           xaxis=f"x{axis}", yaxis=f"y{axis}", showlegend=False))
        domain = [round(max(0.0, top - height), 6), round(min(1.0, top), 6)]
        layout[f"yaxis{axis}"] = dict(domain=domain, anchor=f"x{axis}", showgrid=True,
                                      gridcolor="#eeeeee", zeroline=False, rangemode="tozero")
        if y_max is not None:
            layout[f"yaxis{axis}"]["range"] = [0, y_max * 1.05]
        layout[f"xaxis{axis}"] = dict(anchor=f"y{axis}", showgrid=True, gridcolor="#eeeeee",
                                      showticklabels=index == count - 1,
                                      title=dict(text=x_title if index == count - 1 else "", font=dict(size=11)))
        if index:
            layout[f"xaxis{axis}"]["matches"] = "x"
        layout["annotations"].append(dict(xref="paper", yref="paper", x=0.0, y=top, xanchor="left",
                                          yanchor="bottom", showarrow=False, text=f"<b>{label}</b> {note}",
                                          font=dict(size=11)))
    if steps:
        layout["xaxis"]["range"] = [0, max(steps) * 1.03]
    return figure(traces, layout)


# -- 2-D views ------------------------------------------------------------------------------------------
def _axis_square(bounds: tuple[float, float, float, float]) -> tuple[list[float], list[float]]:
    x0, x1, y0, y1 = bounds
    return [x0, x1], [y0, y1]


# The layers of the 2-D view a student can switch on and off, bottom to top as drawn.
POINT_LAYERS = ("heatmap", "manifold", "real", "fake", "arrows")
DEFAULT_LAYERS = ("heatmap", "manifold", "real", "fake")  # the arrows are busy; they start hidden
MANIFOLD_COLOURS = ("#2b5c8a", "#8a2b5c")  # lines of constant z1, lines of constant z2


def points_figure(frame: dict, real_points: list[list[float]], names: dict, uirevision: str,
                  probabilities: bool = True, show_arrows: bool = False, height: int = 430,
                  layers=None, text_scale: float = 1.0, legend_width: float = 0) -> go.Figure:
    """GAN Lab view: D's surface (heatmap), G's warped latent grid, real points, generated points, gradient arrows.

    frame: a snapshot with "points" (n, 2), "bounds" (x0, x1, y0, y1), optional "heatmap" (S, S) with row i = y,
    optional "manifold" (L, P, 2) polylines (the first half lines of constant z1, the rest constant z2),
    optional "arrows" (m, 4) rows (x, y, dx, dy). names: legend/colorbar labels. layers: which of POINT_LAYERS
    to draw (None: DEFAULT_LAYERS, plus the arrows when show_arrows); a layer the frame lacks is skipped.
    text_scale: the factor presenter mode will scale the fonts by (app.presenter.chart), and legend_width the px a
    row of the legend may take (0: LEGEND_ROW_WIDTH, the view's width beside the settings at 1280 px), for the
    legend's room above the plot.
    """
    shown = set(DEFAULT_LAYERS) | ({"arrows"} if show_arrows else set()) if layers is None else set(layers)
    traces = []
    bounds = tuple(frame.get("bounds") or (-1.5, 1.5, -1.5, 1.5))
    x_range, y_range = _axis_square(bounds)
    heatmap = frame.get("heatmap")
    if heatmap is not None and "heatmap" in shown:
        surface = np.asarray(heatmap, dtype=np.float32)
        size = surface.shape[0]
        xs = np.linspace(bounds[0], bounds[1], size)
        ys = np.linspace(bounds[2], bounds[3], size)
        if probabilities:
            scale = dict(zmin=0.0, zmax=1.0)
        else:
            extent = float(np.nanmax(np.abs(surface))) if np.isfinite(surface).any() else 1.0
            scale = dict(zmin=-extent, zmax=extent)
        traces.append(dict(
            type="heatmap", z=surface.astype(np.float64).round(4), x=xs, y=ys, colorscale=D_COLOURSCALE,
            zsmooth="fast", opacity=0.9, hoverinfo="skip", showscale=True, name=names.get("heatmap", "D"), **scale,
            colorbar=dict(title=dict(text=names.get("colorbar", ""), side="right", font=dict(size=11)),
                          thickness=12, len=0.8)))
    manifold = frame.get("manifold")
    if manifold is not None and "manifold" in shown:
        traces += _manifold_traces(np.asarray(manifold, dtype=np.float32), names.get("manifold", "G(latent grid)"),
                                   names.get("manifold_lines", ("G(z₁ fixed)", "G(z₂ fixed)")))
    if "real" in shown:
        real = np.asarray(real_points, dtype=np.float32).reshape(-1, 2)
        traces.append(dict(type="scatter", x=real[:, 0].astype(np.float64), y=real[:, 1].astype(np.float64),
                           mode="markers", name=names.get("real", "real"), hoverinfo="skip",
                           marker=dict(size=4, color=REAL_POINT, opacity=0.45)))
    if "fake" in shown:
        fake = np.asarray(frame.get("points"), dtype=np.float32).reshape(-1, 2)
        traces.append(dict(type="scatter", x=fake[:, 0].astype(np.float64), y=fake[:, 1].astype(np.float64),
                           mode="markers", name=names.get("fake", "generated"), hoverinfo="skip",
                           marker=dict(size=6, color=FAKE_POINT, line=dict(width=0.6, color="white"))))
    arrows = frame.get("arrows")
    if "arrows" in shown and arrows is not None and len(arrows):
        xs, ys = _arrow_segments(np.asarray(arrows, dtype=np.float64), bounds)
        traces.append(dict(type="scatter", x=_array(xs), y=_array(ys), mode="lines", name=names.get("arrows", "push"),
                           hoverinfo="skip", line=dict(color="#222222", width=1.4)))
    # the legend sits above the plot, whose margins are fixed (a live chart must not jump): room for all its rows
    entries = [trace["name"] for trace in traces if trace["type"] == "scatter" and trace.get("showlegend") is not False]
    margin = dict(SQUARE_MARGIN, t=legend_room(entries, text_scale, legend_width or LEGEND_ROW_WIDTH))
    return figure(traces, dict(
        height=height, margin=margin, uirevision=uirevision, plot_bgcolor="white",
        # "normal": the grid's two entries flow in the rows as the others do (a legend group is stacked by default)
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0.0, font=dict(size=12),
                    traceorder="normal"),
        xaxis=dict(range=x_range, showgrid=False, zeroline=False, constrain="domain"),
        yaxis=dict(range=y_range, showgrid=False, zeroline=False, scaleanchor="x", scaleratio=1, constrain="domain"),
    ))


LEGEND_ROW_WIDTH = 270  # px a row of legend entries may take: the 2-D view's plot area is ~290 px wide at 1280 px


def legend_room(entries: list[str], text_scale: float = 1.0, width: float = LEGEND_ROW_WIDTH) -> int:
    """The top margin (px) a horizontal legend of `entries` needs above a plot `width` px wide.

    Plotly wraps the entries into rows; with the margin fixed, a row that does not fit is cut off above the chart (at
    1280 px "G(latent grid)" and "real data" were, leaving only "generated G(z)"). An entry is its symbol (30 px),
    a gap and its text, about 6.6 px a Latin character and 12.5 a Chinese one at 12 px.
    """
    rows, used = 1, 0.0
    for name in entries:
        size = 40 + text_scale * sum(12.5 if ord(c) >= 0x2E80 else 6.6 for c in name)
        if used and used + size > width:
            rows, used = rows + 1, 0.0
        used += size
    return round(8 + 27 * rows * text_scale)


def _manifold_traces(lines: np.ndarray, name: str, family_names: tuple[str, str]) -> list[dict]:
    """(L, P, 2) polylines -> two line traces (constant z1, constant z2), each with its legend entry in its own
    colour (`family_names`); both in one legend group, so a click on either hides the whole grid. A single latent
    line (latent_dim 1) gives one trace, called `name`.

    Each family is one trace with NaN breaks between its lines: two traces instead of 22 keeps the figure
    cheap to send every second.
    """
    half = lines.shape[0] // 2 if lines.shape[0] > 1 else lines.shape[0]
    traces = []
    for index, family in enumerate((lines[:half], lines[half:])):
        if not len(family):
            continue
        gap = np.full((family.shape[0], 1, 2), np.nan, np.float32)
        # float32 arrays travel as half the bytes of float64: ~10 KB a refresh instead of ~20 KB
        joined = np.concatenate([family, gap], axis=1).reshape(-1, 2).astype(np.float32)  # (L/2 * (P + 1), 2)
        # one legend entry in blue for a grid drawn in blue and mauve said nothing of the lines most in view
        label = family_names[index] if half < lines.shape[0] else name
        traces.append(dict(type="scatter", x=joined[:, 0], y=joined[:, 1], mode="lines", name=label,
                           legendgroup="manifold", hoverinfo="skip", meta="manifold",
                           line=dict(color=MANIFOLD_COLOURS[index], width=1.1), opacity=0.75))
    return traces


JS_HEADROOM = 1.3  # the JS panel's top, in units of its ceiling ln 2: room for the ceiling's label above its line


def divergence_figure(steps: list[int], kl: list[float], js: list[float], names: dict, uirevision: str,
                      x_title: str = "step") -> go.Figure:
    """Two stacked panels over training: KL(real || generated) on top, JS below with its ceiling ln 2 marked.

    names: "title", "kl", "js", "ceiling" (the label of the ln 2 line), already translated.
    """
    x = np.asarray(steps, dtype=np.float64)
    ceiling = math.log(2.0)
    grid = dict(showgrid=True, gridcolor="#eeeeee")
    traces = [dict(type="scatter", x=x, y=_array(_clean(values)), mode="lines+markers", name=name,
                   line=dict(color=colour, width=2), marker=dict(size=5), showlegend=False,
                   hovertemplate="%{y:.3f}<extra>" + name + "</extra>", xaxis=axis_x, yaxis=axis_y)
              for values, colour, name, axis_x, axis_y in ((kl, "#d62728", names.get("kl", "KL"), "x", "y"),
                                                           (js, "#1f77b4", names.get("js", "JS"), "x2", "y2"))]
    panel_title = dict(xref="paper", yref="paper", x=0.5, xanchor="center", yanchor="bottom", showarrow=False,
                       font=dict(size=12))
    layout = dict(
        title=dict(text=names.get("title", ""), font=dict(size=14), x=0.0, xanchor="left"),
        height=CHART_HEIGHT + 60, margin=dict(LINE_MARGIN, t=60), uirevision=uirevision,
        plot_bgcolor="white", hovermode="x unified",
        # two stacked panels sharing one step axis: KL on top, JS (with its ceiling ln 2) below
        xaxis=dict(anchor="y", domain=[0.0, 1.0], matches="x2", showticklabels=False, **grid),
        yaxis=dict(anchor="x", domain=[0.57, 1.0], rangemode="tozero", zeroline=False, **grid),
        xaxis2=dict(anchor="y2", domain=[0.0, 1.0], title=dict(text=x_title, font=dict(size=11)), **grid),
        yaxis2=dict(anchor="x2", domain=[0.0, 0.43], rangemode="tozero", zeroline=False,
                    range=[0, ceiling * JS_HEADROOM], **grid),
        annotations=[dict(panel_title, text=names.get("kl", "KL"), y=1.0),
                     dict(panel_title, text=names.get("js", "JS"), y=0.43),
                     # above its line, where no curve goes (JS never passes ln 2): below it, it sat on the JS
                     # curve of a collapsed run, which runs near the ceiling
                     dict(xref="x2 domain", x=1, yref="y2", y=ceiling, xanchor="right", yanchor="bottom",
                          showarrow=False, text=names.get("ceiling", "ln 2"), font=dict(size=12, color="#666666"))],
        shapes=[dict(type="line", xref="x2 domain", x0=0, x1=1, yref="y2", y0=ceiling, y1=ceiling,
                     line=dict(color="#999999", width=1, dash="dash"))],
    )
    return figure(traces, layout)


def _arrow_segments(arrows: np.ndarray, bounds: tuple[float, float, float, float]) -> tuple[list, list]:
    """Line segments (with a two-stroke head) for rows (x, y, dx, dy), scaled so the longest typical arrow is
    about 8% of the plot width: the directions matter, the raw gradient sizes are tiny."""
    finite = np.isfinite(arrows).all(axis=1)
    arrows = arrows[finite]
    if not len(arrows):
        return [], []
    lengths = np.hypot(arrows[:, 2], arrows[:, 3])
    typical = float(np.percentile(lengths, 90)) if len(lengths) else 0.0
    width = bounds[1] - bounds[0]
    scale = 0.08 * width / typical if typical > 0 else 0.0
    xs: list = []
    ys: list = []
    for x, y, dx, dy in arrows:
        ex, ey = x + scale * dx, y + scale * dy
        xs += [round(float(x), 4), round(float(ex), 4), None]
        ys += [round(float(y), 4), round(float(ey), 4), None]
        length = math.hypot(ex - x, ey - y)
        if length > 1e-9:  # arrow head: two short strokes back from the tip
            ux, uy = (ex - x) / length, (ey - y) / length
            head = min(0.3 * length, 0.02 * width)
            for sx, sy in ((-uy, ux), (uy, -ux)):
                xs += [round(float(ex), 4), round(float(ex - head * (ux - 0.6 * sx)), 4), None]
                ys += [round(float(ey), 4), round(float(ey - head * (uy - 0.6 * sy)), 4), None]
    return xs, ys


def codes_figure(codes, labels, class_names: list[str], uirevision: str, height: int = 380) -> go.Figure:
    """A VAE's latent codes of real data, (n, 2), coloured by class label."""
    codes = np.asarray(codes, dtype=np.float32).reshape(-1, 2)
    traces = []
    if labels is None:
        traces.append(dict(type="scatter", x=codes[:, 0].astype(np.float64), y=codes[:, 1].astype(np.float64),
                           mode="markers", marker=dict(size=5, color=CLASS_COLOURS[0], opacity=0.7),
                           showlegend=False, hoverinfo="skip"))
    else:
        labels = np.asarray(labels).reshape(-1)
        for value in sorted(set(labels.tolist())):
            chosen = codes[labels == value]
            name = class_names[value] if 0 <= value < len(class_names) else str(value)
            traces.append(dict(type="scatter", x=chosen[:, 0].astype(np.float64),
                               y=chosen[:, 1].astype(np.float64), mode="markers", name=name, hoverinfo="name",
                               marker=dict(size=6, color=CLASS_COLOURS[value % len(CLASS_COLOURS)], opacity=0.75)))
    return figure(traces, dict(
        height=height, margin=dict(SQUARE_MARGIN, t=12, b=44, r=LEGEND_MARGIN if labels is not None else 12),
        uirevision=uirevision, plot_bgcolor="white",
        legend=dict(font=dict(size=11), itemsizing="constant"),
        xaxis=dict(title=dict(text="z₁"), showgrid=True, gridcolor="#eeeeee", zeroline=True, zerolinecolor="#cccccc"),
        yaxis=dict(title=dict(text="z₂"), showgrid=True, gridcolor="#eeeeee", zeroline=True, zerolinecolor="#cccccc",
                   scaleanchor="x", scaleratio=1),
    ))


# -- pictures (for the GIF) -------------------------------------------------------------------------
def _surface_rgb(surface: np.ndarray, probabilities: bool) -> np.ndarray:
    """(S, S) D values, row i = y bottom to top -> (S, S, 3) uint8 with image row 0 at the top."""
    surface = np.nan_to_num(np.asarray(surface, dtype=np.float32))
    if probabilities:
        level = np.clip(surface, 0.0, 1.0)
    else:
        extent = float(np.abs(surface).max()) or 1.0
        level = 0.5 + 0.5 * np.clip(surface / extent, -1.0, 1.0)
    low, mid, high = (np.array(c, dtype=np.float32) for c in (FAKE_COLOUR, MID_COLOUR, REAL_COLOUR))
    lower = level[..., None] < 0.5
    t_low = (level[..., None] / 0.5)
    t_high = ((level[..., None] - 0.5) / 0.5)
    rgb = np.where(lower, low + (mid - low) * t_low, mid + (high - mid) * t_high)
    return np.flipud(rgb.round().astype(np.uint8))


def _dots(canvas: np.ndarray, points: np.ndarray, bounds, colour, radius: int) -> None:
    size = canvas.shape[0]
    x0, x1, y0, y1 = bounds
    points = points[np.isfinite(points).all(axis=1)]
    cols = ((points[:, 0] - x0) / (x1 - x0) * (size - 1)).round().astype(int)
    rows = ((y1 - points[:, 1]) / (y1 - y0) * (size - 1)).round().astype(int)
    keep = (cols >= 0) & (cols < size) & (rows >= 0) & (rows < size)
    for dr in range(-radius, radius + 1):
        for dc in range(-radius, radius + 1):
            if dr * dr + dc * dc <= radius * radius + 1:
                canvas[np.clip(rows[keep] + dr, 0, size - 1), np.clip(cols[keep] + dc, 0, size - 1)] = colour


def _pixel_polylines(xs, ys, bounds, size: int) -> list[list[tuple[float, float]]]:
    """Coordinates with None/NaN breaks -> runs of finite pixel positions (column, row), row 0 at the top."""
    x0, x1, y0, y1 = bounds
    runs: list[list[tuple[float, float]]] = [[]]
    for x, y in zip(xs, ys):
        if x is None or y is None or not (math.isfinite(x) and math.isfinite(y)):
            runs.append([])
            continue
        runs[-1].append(((x - x0) / (x1 - x0) * (size - 1), (y1 - y) / (y1 - y0) * (size - 1)))
    return [run for run in runs if len(run) > 1]


def points_picture(frame: dict, real_points, probabilities: bool = True, size: int = 280,
                   layers=None) -> np.ndarray:
    """A (size, size, 3) uint8 picture of a 2-D snapshot: D's surface, G's warped grid (blue/purple lines), real
    points (grey), generated (orange), gradient arrows (black). layers: as in points_figure (None: the
    surface and the points, as the GIF always showed)."""
    shown = {"heatmap", "real", "fake"} if layers is None else set(layers)
    bounds = tuple(frame.get("bounds") or (-1.5, 1.5, -1.5, 1.5))
    heatmap = frame.get("heatmap")
    if heatmap is not None and "heatmap" in shown:
        background = Image.fromarray(_surface_rgb(heatmap, probabilities)).resize((size, size), Image.BILINEAR)
        canvas = np.array(background)
    else:
        canvas = np.full((size, size, 3), 255, np.uint8)
    manifold = frame.get("manifold")
    if manifold is not None and "manifold" in shown:
        lines = np.asarray(manifold, dtype=np.float64)
        half = lines.shape[0] // 2 if lines.shape[0] > 1 else lines.shape[0]
        picture = Image.fromarray(canvas)
        draw = ImageDraw.Draw(picture)
        for index, line in enumerate(lines):
            colour = MANIFOLD_COLOURS[0 if index < half else 1]
            for run in _pixel_polylines(line[:, 0], line[:, 1], bounds, size):
                draw.line(run, fill=colour, width=1)
        canvas = np.array(picture)
    if "real" in shown:
        _dots(canvas, np.asarray(real_points, dtype=np.float32).reshape(-1, 2), bounds, (110, 110, 110), 1)
    if "fake" in shown:
        _dots(canvas, np.asarray(frame.get("points"), dtype=np.float32).reshape(-1, 2), bounds, (242, 107, 29), 2)
    arrows = frame.get("arrows")
    if "arrows" in shown and arrows is not None and len(arrows):
        xs, ys = _arrow_segments(np.asarray(arrows, dtype=np.float64), bounds)
        picture = Image.fromarray(canvas)
        draw = ImageDraw.Draw(picture)
        for run in _pixel_polylines(xs, ys, bounds, size):
            draw.line(run, fill=(34, 34, 34), width=1)
        canvas = np.array(picture)
    return canvas


def with_caption(picture: np.ndarray, text: str, band: int = 18) -> np.ndarray:
    """The picture with a white band on top holding `text` (ASCII: Pillow's default font)."""
    height, width = picture.shape[:2]
    canvas = Image.new("RGB", (width, height + band), (255, 255, 255))
    canvas.paste(Image.fromarray(picture), (0, band))
    ImageDraw.Draw(canvas).text((4, 3), text, fill=(40, 40, 40))
    return np.array(canvas)


def frame_picture(frame: dict, real_points, probabilities: bool, layers=None) -> np.ndarray:
    """One GIF frame for a snapshot: its sample grid (images) or its 2-D picture (with `layers`, see
    points_picture), captioned with the step."""
    if frame.get("grid") is not None:
        grid = np.asarray(frame["grid"], dtype=np.uint8)
        picture = upscale(grid, max(1, 280 // max(1, grid.shape[0])))
    else:
        picture = points_picture(frame, real_points, probabilities, layers=layers)
    return with_caption(picture, f"step {int(frame.get('step', 0))}")


def chain_picture(chain: np.ndarray, bounds, size: int = 120, gap: int = 4) -> np.ndarray:
    """A diffusion chain on 2-D data as one strip: (F, n, 2) point clouds -> (size, F * (size + gap), 3) uint8.

    Each panel shares the plot bounds of the live view, so the noise visibly contracts onto the data."""
    frames = np.asarray(chain, dtype=np.float32)
    if bounds is None:
        finite = frames[np.isfinite(frames).all(axis=-1)]
        low, high = finite.min(axis=0), finite.max(axis=0)
        bounds = (float(low[0]), float(high[0]), float(low[1]), float(high[1]))
    x0, x1, y0, y1 = bounds
    pad = 0.6 * max(x1 - x0, y1 - y0)  # the first frames are pure noise: show a wider field than the data's
    wide = ((x0 + x1) / 2 - pad, (x0 + x1) / 2 + pad, (y0 + y1) / 2 - pad, (y0 + y1) / 2 + pad)
    strip = np.full((size, len(frames) * (size + gap) - gap, 3), 255, dtype=np.uint8)
    for i, points in enumerate(frames):
        panel = np.full((size, size, 3), 248, dtype=np.uint8)
        _dots(panel, points, wide, (148, 103, 189), 1)
        strip[:, i * (size + gap): i * (size + gap) + size] = panel
    return strip

