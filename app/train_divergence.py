"""The live distance between the real and generated 2-D densities on the Train page: KL and JS (recorded by
gan_core.evaluation.evaluate.quick_metrics) as a curve over training, beside what the two numbers mean."""
from __future__ import annotations

import streamlit as st

from gan_core.config import TrainConfig

from . import expander
from .i18n import t
from .train_plots import PLOT_CONFIG, divergence_figure
from .train_text import DIVERGENCE_TEXT as TEXT
from .train_text import TEXT as TRAIN_TEXT
from .presenter import chart


def draw_divergence(view: dict, config: TrainConfig, revision: str) -> None:
    """KL(real || generated) and JS over training, beside what they mean."""
    metrics = view.get("metrics") or {}
    steps = metrics.get("steps") or []
    values = metrics.get("values") or {}
    chart_col, words = st.columns([1.25, 1], gap="medium")
    with chart_col:
        if not config.metrics_every:
            st.caption(t(TEXT, "div_off"))
        elif not steps or "js" not in values:
            st.caption(t(TEXT, "div_waiting", every=config.metrics_every))
        else:
            names = {"title": t(TEXT, "div_title", every=config.metrics_every), "kl": t(TEXT, "div_kl"),
                     "js": t(TEXT, "div_js"), "ceiling": t(TEXT, "div_ceiling")}
            figure = divergence_figure(steps, values.get("kl", []), values["js"], names, f"divergence-{revision}",
                                       x_title=t(TRAIN_TEXT, "axis_step"))
            chart(figure, key="train_chart_divergence", config=PLOT_CONFIG, width="stretch")
    with words:
        with expander.remembered("train_divergence", t(TEXT, "div_explain_title"), icon=":material/functions:"):
            st.markdown(t(TEXT, "div_explain"))
