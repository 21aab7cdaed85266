"""The collapse lab on the Mode Collapse page: one click trains the same data with the recipes picked (a plain GAN,
PacGAN, WGAN-GP and a VAE by default; top-k training, DeLiGAN and the fixed islands, weighted or not, on request, up
to four at a time), with a live progress line per run (app.collapse_runs submits and follows the runs)."""
from __future__ import annotations

import streamlit as st

from gan_core.evaluation import compare

from . import collapse_runs as runs
from .collapse_text import TEXT
from .i18n import draw_worded, plural, t

LAB_BASE_KEY = "collapse_lab_base"  # the dataset the lab trains on (a plain value; its selectbox is one per language)


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
        if not isinstance(st.session_state.get(runs.LAB_ARMS_KEY), list):
            st.session_state[runs.LAB_ARMS_KEY] = list(compare.LAB_DEFAULT_ARMS)
        arms = draw_worded(st.multiselect, t(TEXT, "lab_arms"), list(compare.LAB_ARMS), runs.LAB_ARMS_KEY,
                           format_func=lambda key: t(TEXT, f"arm_{key}"), help=t(TEXT, "lab_arms_help"),
                           max_selections=compare.MAX_RUNS, wrap=True,
                           select_all=False)  # Streamlit's "Select all" is in English only, and past the 4 allowed
        base_col, seed_col, reuse_col, button_col = st.columns([2.6, 1.3, 2.5, 2.2], vertical_alignment="bottom")
        if st.session_state.get(LAB_BASE_KEY) not in compare.LAB_BASES:
            st.session_state[LAB_BASE_KEY] = compare.LAB_BASES[0]
        base = draw_worded(base_col.selectbox, t(TEXT, "lab_base"), list(compare.LAB_BASES), LAB_BASE_KEY,
                           format_func=lambda b: t(TEXT, f"lab_base_{b}"))  # worded options: one box per language
        lab_seed = seed_col.number_input(t(TEXT, "lab_seed"), min_value=0, max_value=2**31 - 1, value=0, step=1,
                                         key="collapse_lab_seed", help=t(TEXT, "lab_seed_help"))
        reuse = reuse_col.checkbox(t(TEXT, "lab_reuse"), value=True, key="collapse_lab_reuse",
                                   help=t(TEXT, "lab_reuse_help"))
        active = any(row["active"] for row in rows)
        button_col.button(t(TEXT, "lab_start"), key="collapse_lab_start", type="primary", width="stretch",
                          on_click=runs.start_lab, args=(base, int(lab_seed), bool(reuse), list(arms)),
                          disabled=active or not arms)
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
                st.info(t(TEXT, plural("lab_limit", pending), count=pending, limit=runs.job_manager().max_per_owner))
            if any(row["active"] for row in current):
                st.button(t(TEXT, "lab_stop"), key="collapse_lab_stop", on_click=runs.stop_lab)
            else:
                st.caption(t(TEXT, plural("lab_done", len(current))))

        progress()
