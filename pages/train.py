"""Train: pick a preset (or set everything), press Start, and watch a GAN or VAE learn, live."""
import streamlit as st

from app.shell import require_shell

require_shell(__file__)  # a deep link opens inside the app shell

from app import presenter, train_form, train_panel
from app.i18n import t
from app.train_text import TEXT

train_form.restore_settings()  # in a class challenge: its preset, with the locked settings put back
train_form.handle_home_request()
config, problems, warnings, data_error = train_form.form_state()
job = train_panel.resolve_job()
blocked = bool(problems or data_error)

if job is None or not presenter.presenting():  # on the projector, the live run is the title
    st.title(t(TEXT, "title"))
if job is None:
    # setting up: the explanation, the preset and its settings come first
    st.caption(t(TEXT, "intro"))
    train_form.draw_challenge()  # a class challenge: what may change and the goal
    train_form.draw_share()  # notes about a link just opened, and "Share these settings"
    train_panel.draw_bar(job, blocked)
    train_form.draw_preset_notes(config, problems, data_error)
    train_form.draw_settings(config, problems, warnings, data_error)
    train_form.draw_continue()
    train_panel.draw_live_panel(job, config)
else:
    # watching: the run's controls in one compact bar, then the live picture on the first screen (beside it the
    # run's live settings); what a class does not need while it watches follows the curves
    train_form.draw_challenge()
    train_panel.draw_bar(job, blocked)
    train_panel.draw_live_panel(job, config, beside=lambda: train_panel.draw_beside(job, config, problems, data_error))
    st.subheader(t(TEXT, "setup_title"), anchor=False, divider="gray")
    st.caption(t(TEXT, "intro"))
    train_form.draw_share()
    train_form.draw_settings(config, problems, warnings, data_error)
    train_form.draw_continue()
