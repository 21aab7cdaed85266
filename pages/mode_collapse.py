"""Mode Collapse: 2 to 4 runs side by side (samples, numbers, histograms, curves) and the one-click collapse lab."""
import streamlit as st

from app.shell import require_shell

require_shell(__file__)  # a deep link opens inside the app shell

from app import collapse_runs as runs
from app.collapse_compare import show_comparison
from app.collapse_lab import lab_panel
from app.collapse_text import TEXT
from app.i18n import draw_worded, t
from gan_core.evaluation import compare

SAMPLE_SIZES = (500, 1000, 2500, 5000, 10000)

st.title(t(TEXT, "title"), anchor=False)
st.caption(t(TEXT, "intro"))

lab_panel()
if st.session_state.get(runs.CLASS_NOTE_KEY):
    st.caption(f":material/info: {st.session_state[runs.CLASS_NOTE_KEY]}")

options = runs.run_options()
by_id = {option.id: option for option in options}
if st.session_state.pop(runs.LAB_SYNC_KEY, False) and (lab_ids := runs.lab_option_ids()):
    st.session_state[runs.SELECTION_KEY] = runs.lab_selection(lab_ids, st.session_state.get(runs.SELECTION_KEY, []),
                                                              list(by_id), runs.default_selection(options))
elif runs.SELECTION_KEY not in st.session_state:
    st.session_state[runs.SELECTION_KEY] = runs.default_selection(options)
else:  # a deleted file or a forgotten job must not break the widget
    st.session_state[runs.SELECTION_KEY] = [i for i in st.session_state[runs.SELECTION_KEY] if i in by_id]

pick_col, n_col, seed_col = st.columns([6, 2.2, 1.2], vertical_alignment="bottom")
# the runs' labels carry a word ("demo", "示例"): one picker per language, the chosen ids kept under SELECTION_KEY;
# wrap: in a column the chips would scroll in one row, the first ones cut off
selected = draw_worded(pick_col.multiselect, t(TEXT, "runs"), [o.id for o in options], runs.SELECTION_KEY,
                       format_func=lambda option_id: runs.option_label(by_id[option_id]), help=t(TEXT, "runs_help"),
                       placeholder=t(TEXT, "runs_placeholder"), wrap=True, select_all=False)
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
