"""The Mode Collapse page's table of numbers: rows = metrics, columns = runs, the best of each row starred, what
each metric means, and the CSV / JSON downloads (the table itself is gan_core.evaluation.compare's)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from gan_core.evaluation import compare
from gan_core.options import IMAGE_DATASETS, STACKED_DATASETS

from .collapse_text import TEXT
from .i18n import lang, t
from .metrics_text import METRIC_INFO, feature_space_label

BEST_STYLE = "background-color: #e3f2e1; font-weight: 700"


def counts_classes(datasets) -> bool:
    """Whether "modes covered" of runs on `datasets` counts the classes a judge finds: every run is on built-in
    digit or shape images (stacked digits keep their literature's "1,000 modes"; 2-D mixtures have modes)."""
    datasets = {d for d in datasets if d}
    return bool(datasets) and all(d in IMAGE_DATASETS and d not in STACKED_DATASETS for d in datasets)


def metric_label(key: str, classes: bool = False) -> str:
    """The metric's name in the page's language; with `classes`, modes_covered is "Classes covered"."""
    if key == "modes_covered" and classes:
        return t(TEXT, "classes_covered")
    info = METRIC_INFO.get(key, {})
    return info.get("label_zh" if lang() == "zh" else "label_en", key)


def format_value(value, key: str = "", n_modes=None) -> str:
    if value is not None and key == "modes_covered" and n_modes:
        return f"{value} / {n_modes}"
    return compare.display_number(value)  # the text ties are judged on


def table_frame(table: dict, classes: bool) -> "pd.io.formats.style.Styler":
    """The table as a styled frame; `classes`: its "modes covered" row counts classes (counts_classes)."""
    labels = [run["label"] for run in table["runs"]]
    arrows = {"higher": "↑", "lower": "↓", "closest": "≈"}
    index, cells, best_mask = [], [], []
    for row in table["rows"]:
        reals = list(dict.fromkeys(compare.display_number(v) for v in row.get("real") or [] if v is not None))
        if reals:  # the yardstick of a "closest" row, in the row itself
            index.append(t(TEXT, "row_real", label=metric_label(row["metric"], classes), real=" / ".join(reals)))
        else:
            index.append(f"{metric_label(row['metric'], classes)} {arrows.get(row['better'], '')}".strip())
        line, marks = [], []
        spreads = row.get("spread") or [None] * len(row["values"])
        for position, (value, spread) in enumerate(zip(row["values"], spreads)):
            text = format_value(value, row["metric"], table["runs"][position].get("n_modes"))
            if value is not None and spread:  # a measurement with noise: its fastest and slowest beside it
                text = t(TEXT, "spread", value=text, low=compare.display_number(spread[0]),
                         high=compare.display_number(spread[1]))
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
    classes = counts_classes(run["dataset"] for run in table["runs"] if not run["error"])
    st.table(table_frame(table, classes))
    with st.expander(t(TEXT, "explain")):
        suffix = "zh" if lang() == "zh" else "en"
        for row in table["rows"]:
            info = METRIC_INFO[row["metric"]]
            st.markdown(t(TEXT, "explain_line", label=metric_label(row["metric"], classes),
                          arrow=t(TEXT, row["better"]) if row["better"] in ("higher", "lower", "closest") else "",
                          text=info.get(f"explain_{suffix}", info.get("explain_en", ""))))
        spaces = sorted({feature_space_label(r["metrics"].get("feature_space_id"), r["metrics"]["feature_space"])
                         for r in results if not r.get("error") and r.get("metrics", {}).get("feature_space")})
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
