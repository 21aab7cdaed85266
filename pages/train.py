"""Train: pick a preset (or set everything), press Start, and watch a GAN or VAE learn, live."""
import streamlit as st

from app.shell import require_shell

require_shell(__file__)  # a deep link opens inside the app shell

from app import train_form, train_live, train_panel
from app.i18n import t
from app.train_text import TEXT

train_form.restore_settings()
train_form.handle_home_request()
config, problems, warnings, data_error = train_form.form_state()
job = train_panel.resolve_job()

st.title(t(TEXT, "title"))
st.caption(t(TEXT, "intro"))
train_form.draw_share()  # notes about a link just opened, and "Share these settings"
bar = st.columns([2, 1.5, 1, 1.1, 0.9, 0.9, 1.15], vertical_alignment="bottom", gap="small")
with bar[0]:
    train_form.draw_preset_picker()
with bar[1]:
    train_form.draw_start(blocked=bool(problems or data_error))
train_panel.draw_buttons(bar[2:], job)
notes, picker = st.columns([1.5, 1], vertical_alignment="top")
with notes:
    train_form.draw_preset_notes(config, problems, data_error)
with picker:
    train_panel.draw_run_picker(job)
train_live.draw_live_controls(job)  # Step D / Step G, slow motion, settings of the running job
train_form.draw_settings(config, problems, warnings, data_error)
train_form.draw_continue()
train_panel.draw_live_panel(job, config)
