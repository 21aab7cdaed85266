"""Mode Collapse: 2 to 4 runs side by side (samples, numbers, histograms, curves) and the one-click collapse lab."""
import pandas as pd
import streamlit as st

from app.shell import require_shell

require_shell(__file__)  # a deep link opens inside the app shell

from app import collapse_runs as runs
from app.collapse_plots import (curves_figure, histogram_figure, points_outside, run_colour, scatter_figure,
                                shared_bounds)
from app.collapse_text import TEXT
from app.i18n import lang, t
from app.metrics_text import METRIC_INFO
from gan_core.evaluation import compare
from gan_core.images import display_scale, upscale

SAMPLE_SIZES = (500, 1000, 2500, 5000, 10000)
BEST_STYLE = "background-color: #e3f2e1; font-weight: 700"


def metric_label(key: str) -> str:
    info = METRIC_INFO.get(key, {})
    return info.get("label_zh" if lang() == "zh" else "label_en", key)


def format_value(value, key: str = "", n_modes=None) -> str:
    if value is None:
        return "—"
    if key == "modes_covered" and n_modes:
        return f"{value} / {n_modes}"
    if isinstance(value, int):
        return f"{value:,}"
    size = abs(value)
    if size >= 1000:
        return f"{value:,.0f}"
    if size >= 10:
        return f"{value:.1f}"
    if size >= 0.001 or value == 0:
        return f"{value:.3f}" if size >= 0.01 or value == 0 else f"{value:.4f}"
    return f"{value:.1e}"  # tiny but not zero (KID of a good run): 0.0000 would hide it


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


# -- the collapse lab ---------------------------------------------------------------------------------------
def lab_row_text(row: dict) -> str:
    kind = row["kind"]
    if kind == "demo":
        return t(TEXT, "lab_row_demo", title=row["title"], demo=row["demo"])
    if kind == "pending":
        return t(TEXT, "lab_row_pending", title=row["title"])
    if kind == "queued":
        return t(TEXT, "lab_row_queued", title=row["title"], position=row["position"])
    if kind == "failed":
        return t(TEXT, "lab_row_failed", title=row["title"], error=row["error"])
    if kind == "gone":
        return t(TEXT, "lab_row_gone", title=row["title"])
    return t(TEXT, "lab_row_job", title=row["title"], status=t(TEXT, "status_" + row["status"]),
             step=f"{row['step']:,}", target=f"{row['target']:,}")


def lab_panel() -> None:
    rows = runs.lab_rows()
    with st.expander(t(TEXT, "lab"), expanded=bool(rows), icon=":material/science:"):
        st.caption(t(TEXT, "lab_intro"))
        base_col, seed_col, reuse_col, button_col = st.columns([2.6, 1.3, 2.5, 2.2], vertical_alignment="bottom")
        base = base_col.selectbox(t(TEXT, "lab_base"), compare.LAB_BASES, key="collapse_lab_base",
                                  format_func=lambda b: t(TEXT, f"lab_base_{b}"))
        lab_seed = seed_col.number_input(t(TEXT, "lab_seed"), min_value=0, max_value=2**31 - 1, value=0, step=1,
                                         key="collapse_lab_seed", help=t(TEXT, "lab_seed_help"))
        reuse = reuse_col.checkbox(t(TEXT, "lab_reuse"), value=True, key="collapse_lab_reuse",
                                   help=t(TEXT, "lab_reuse_help"))
        active = any(row["active"] for row in rows)
        button_col.button(t(TEXT, "lab_start"), key="collapse_lab_start", type="primary", width="stretch",
                          on_click=runs.start_lab, args=(base, int(lab_seed), bool(reuse)), disabled=active)
        if not rows:
            return
        # what the comparison below was drawn with; the fragment reruns the page once when this changes
        st.session_state[runs.LAB_SEEN_KEY] = runs.lab_signature()

        @st.fragment(run_every=1.0 if active else None)
        def progress() -> None:
            if runs.submit_pending():
                st.session_state[runs.LAB_SYNC_KEY] = True
            if runs.lab_signature() != st.session_state.get(runs.LAB_SEEN_KEY):
                st.rerun()  # a run started or finished: redraw the comparison once
            current = runs.lab_rows()
            for row in current:
                if row["kind"] == "job":
                    st.progress(min(1.0, row["step"] / max(1, row["target"])), text=lab_row_text(row))
                elif row["kind"] == "failed":
                    st.warning(lab_row_text(row))
                else:
                    st.caption(lab_row_text(row))
            pending = sum(1 for row in current if row["kind"] == "pending")
            if pending:
                st.info(t(TEXT, "lab_limit", count=pending, limit=runs.job_manager().max_per_owner))
            if any(row["active"] for row in current):
                st.button(t(TEXT, "lab_stop"), key="collapse_lab_stop", on_click=runs.stop_lab)
            else:
                st.caption(t(TEXT, "lab_done"))

        progress()


# -- the comparison -----------------------------------------------------------------------------------------
def column_header(label: str, colour: str, result: dict) -> None:
    st.markdown(f"<span style='color:{colour};font-size:1.4em;line-height:1'>●</span> **{label}**",
                unsafe_allow_html=True)
    if result.get("config"):
        st.caption(describe_config(result["config"], result.get("step")))


def show_samples(results: list[dict], labels: list[str], colours: list[str]) -> None:
    st.subheader(t(TEXT, "samples"), anchor=False)
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
                st.plotly_chart(scatter_figure(result, colour, bounds, dict(names, generated=label)),
                                key=f"collapse_scatter_{index}", config={"displayModeBar": False})
            else:
                any_images = True
                grid = result["preview"]["grid"]
                st.image(upscale(grid, display_scale(grid.shape[0], 300)), width="stretch")
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
                    st.caption(t(TEXT, "outside", count=outside))
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


def table_frame(table: dict) -> "pd.io.formats.style.Styler":
    labels = [run["label"] for run in table["runs"]]
    arrows = {"higher": "↑", "lower": "↓"}
    index, cells, best_mask = [], [], []
    for row in table["rows"]:
        index.append(f"{metric_label(row['metric'])} {arrows.get(row['better'], '')}".strip())
        line, marks = [], []
        for position, value in enumerate(row["values"]):
            text = format_value(value, row["metric"], table["runs"][position].get("n_modes"))
            best = position in row["best"]
            line.append(f"★ {text}" if best else text)
            marks.append(best)
        cells.append(line)
        best_mask.append(marks)
    frame = pd.DataFrame(cells, index=pd.Index(index, name=t(TEXT, "metric")), columns=labels)
    mask = pd.DataFrame(best_mask, index=frame.index, columns=frame.columns)
    return frame.style.apply(lambda _: mask.replace({True: BEST_STYLE, False: ""}), axis=None)


def show_table(table: dict, results: list[dict]) -> None:
    st.subheader(t(TEXT, "numbers"), anchor=False)
    if not table["rows"]:
        st.info(t(TEXT, "no_numbers"))
        return
    if table["n_samples"] is not None:
        st.caption(t(TEXT, "numbers_caption", n=table["n_samples"], seed=table["seed"]))
    if not table["comparable"]:
        datasets = ", ".join(sorted({r["dataset"] for r in table["runs"] if r["dataset"] and not r["error"]}))
        st.warning(t(TEXT, "not_comparable", datasets=datasets))
    st.table(table_frame(table))
    with st.expander(t(TEXT, "explain")):
        suffix = "zh" if lang() == "zh" else "en"
        for row in table["rows"]:
            info = METRIC_INFO[row["metric"]]
            st.markdown(t(TEXT, "explain_line", label=metric_label(row["metric"]),
                          arrow=t(TEXT, row["better"]) if row["better"] in ("higher", "lower") else "",
                          text=info.get(f"explain_{suffix}", info.get("explain_en", ""))))
        spaces = sorted({r["metrics"].get("feature_space") for r in results
                         if not r.get("error") and r.get("metrics", {}).get("feature_space")})
        if spaces:
            st.caption(t(TEXT, "feature_space", space="; ".join(spaces)))
    buttons = st.container(horizontal=True)
    buttons.download_button(t(TEXT, "download_csv"), compare.to_csv(table), file_name="latent-lab-comparison.csv",
                            mime="text/csv", key="collapse_download_csv", help=t(TEXT, "download_help"),
                            on_click="ignore", icon=":material/download:")
    buttons.download_button(t(TEXT, "download_json"), compare.to_json(table),
                             file_name="latent-lab-comparison.json", mime="application/json",
                             key="collapse_download_json", help=t(TEXT, "download_help"), on_click="ignore",
                             icon=":material/download:")


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
    st.plotly_chart(figure, key="collapse_hist", config={"displayModeBar": False})
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
    st.caption(t(TEXT, "curves_caption"))
    n_modes = {r["metrics"].get("n_modes") for r, _, _ in chosen}
    n_modes = n_modes.pop() if len(n_modes) == 1 else None
    keys = {k for r, _, _ in chosen for k in r["curves"]["values"]}
    figure = curves_figure([r for r, _, _ in chosen], [l for _, l, _ in chosen], [c for _, _, c in chosen],
                           {k: metric_label(k) for k in keys}, t(TEXT, "step_axis"),
                           t(TEXT, "all_modes", k=n_modes) if n_modes else None, n_modes)
    st.plotly_chart(figure, key="collapse_curves", config={"displayModeBar": False})


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
    show_histograms(results, labels, colours)
    show_curves(results, labels, colours)


# -- the page -------------------------------------------------------------------------------------------------
st.title(t(TEXT, "title"), anchor=False)
st.caption(t(TEXT, "intro"))

lab_panel()

options = runs.run_options()
by_id = {option.id: option for option in options}
if st.session_state.pop(runs.LAB_SYNC_KEY, False) and runs.lab_option_ids():
    st.session_state[runs.SELECTION_KEY] = [i for i in runs.lab_option_ids() if i in by_id]
elif runs.SELECTION_KEY not in st.session_state:
    st.session_state[runs.SELECTION_KEY] = runs.default_selection(options)
else:  # a deleted file or a forgotten job must not break the widget
    st.session_state[runs.SELECTION_KEY] = [i for i in st.session_state[runs.SELECTION_KEY] if i in by_id]

pick_col, n_col, seed_col = st.columns([6, 2.2, 1.2], vertical_alignment="bottom")
selected = pick_col.multiselect(t(TEXT, "runs"), [o.id for o in options], key=runs.SELECTION_KEY,
                                format_func=lambda option_id: runs.option_label(by_id[option_id]),
                                help=t(TEXT, "runs_help"), placeholder=t(TEXT, "runs_placeholder"))
sample_size = n_col.select_slider(t(TEXT, "n"), options=SAMPLE_SIZES, value=2500, key="collapse_n",
                                  format_func=lambda v: f"{v:,}", help=t(TEXT, "n_help"))
eval_seed = seed_col.number_input(t(TEXT, "seed"), min_value=0, max_value=2**31 - 1, value=0, step=1,
                                  key="collapse_seed", help=t(TEXT, "seed_help"))

if not options:
    st.info(t(TEXT, "no_runs"))
elif len(selected) < compare.MIN_RUNS:
    st.info(t(TEXT, "too_few", count=len(selected)))
elif len(selected) > compare.MAX_RUNS:
    st.warning(t(TEXT, "too_many", count=len(selected), extra=len(selected) - compare.MAX_RUNS))
else:
    show_comparison([by_id[i] for i in selected], int(sample_size), int(eval_seed))
