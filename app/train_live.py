"""Live controls on the Train page: everything that changes the run that is training *now*.

- Step D / Step G while paused: move one player and watch what it does (GAN Lab's favourite lesson). Only the
  classic GANs can step one player; a VAE has no opponent and the other families always take a whole step.
- Slow motion: the job's `step_delay` (seconds after each step), read by the training thread every step.
- Settings changed while training: `TrainingJob.set_hparams` validates, applies from the next step and records
  an event; the loss and D charts mark each event with a dashed line (see `event_marks`).

All of it sits in one bordered box titled "This run, live", apart from the settings form (which describes the
next run), so a student can always tell which panel touches the running job.
"""
from __future__ import annotations

import functools
from collections.abc import Callable

import streamlit as st

from gan_core.config import LOSSES, RANGES, ConfigError, TrainConfig
from gan_core.options import written
from gan_core.runtime.job import PAUSED, TrainingJob

from . import expander
from . import train_jobs as jobs
from .i18n import forget_other_languages, lang, language_key, t
from .state import job_manager
from .train_text import TEXT

SLOW_MOTION = (0.0, 0.1, 0.25, 0.5, 1.0)  # seconds between steps; 0 = full speed
SLOW_KEY = "train_slowmo"  # one widget per language (i18n.language_key): its options are words
FIELD_PREFIX = "train_live_"  # widget keys: train_live_lr_g, ...
APPLY_KEY = "train_live_apply"
SYNCED_KEY = "train_live_job"  # the job whose settings the live widgets show
ERROR_KEY = "train_live_error"  # (field, sentence) of the last refused change
NOTICE_KEY = "train_live_notice"  # ("success" | "info", sentence) after Apply
GAN_FIELDS = ("lr_g", "lr_d", "n_critic", "loss", "r1_gamma", "label_smoothing")
VAE_FIELDS = ("lr_g", "lr_d", "beta")
FAMILY_FIELDS = ("lr_g", "lr_d")  # a family decides itself what its loss and penalties mean


# -- small pure helpers (also used by the charts and the tests) --------------------------------------------
def split_steps(job: TrainingJob | None) -> bool:
    """True when the run can step D and G separately: a classic GAN or cGAN (gan_core's Trainer.step(part))."""
    if job is None:
        return False
    config = job.config
    return config.family is None and not config.is_vae


def live_fields(config: TrainConfig) -> tuple[str, ...]:
    """The settings the live panel offers for this kind of run."""
    if config.uses_beta:  # a VAE, or the caption model (a conditional VAE): β weights the KL term live too
        return VAE_FIELDS
    if config.family is not None:  # (a diffusion model's denoiser is its only network: lr_d would change nothing)
        return FAMILY_FIELDS if config.uses_lr_d else ("lr_g",)
    return GAN_FIELDS


def format_value(value) -> str:
    """Short text for a setting's value: 2e-4 rather than 0.0002, 1 rather than 1.0."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, float) and value != 0 and (abs(value) < 1e-2 or abs(value) >= 1e4):
        mantissa, exponent = f"{value:.2e}".split("e")
        mantissa = mantissa.rstrip("0").rstrip(".")
        return f"{mantissa}e{int(exponent)}"
    return f"{value:g}"


def describe_changes(changes: dict, name: Callable[[str], str] = str) -> str:
    """{field: [old, new]} -> "lr_g 2e-4 → 1e-3, loss ns → hinge" (the charts' marks, where room is short), or with
    `name` (live_label) the settings as the panel's widgets name them."""
    return ", ".join(f"{name(field)} {format_value(old)} → {format_value(new)}" for field, (old, new) in changes.items())


def live_label(field: str, config: TrainConfig) -> str:
    """A live setting's label for this run's model: the form's learning-rate labels cover every model at once
    ("Learning rate of G (decoder for a VAE)"), a running model is one of them, and a diffusion model has no G."""
    if field not in ("lr_g", "lr_d"):
        return t(TEXT, field)
    if not config.uses_lr_d:
        return t(TEXT, "live_lr_single")
    kind = "vae" if config.adversarial_loss is None else "gan"  # no D: a VAE (or the caption model) has an encoder
    return t(TEXT, f"live_{field}_{kind}")


def event_marks(events: list[dict], name: Callable[[str], str] = str) -> list[tuple[int, str]]:
    """job.snapshot()["events"] -> [(step, label)] for the dashed lines on the charts (`name`: see describe_changes)."""
    return [(int(event["step"]), describe_changes(event["changes"], name)) for event in events if event.get("changes")]


def loss_spans(events: list[dict], loss_now: str) -> list[tuple[int, str]]:
    """[(first step, loss)]: the loss each stretch of the run's curves was trained with, from step 0 on."""
    changes = [(int(event["step"]), *event["changes"]["loss"]) for event in events
               if "loss" in (event.get("changes") or {})]
    if not changes:
        return [(0, loss_now)]
    return [(0, changes[0][1])] + [(step, new) for step, _, new in changes]


# -- drawing ---------------------------------------------------------------------------------------------
def _key(field: str) -> str:
    return FIELD_PREFIX + field


def _sync(job: TrainingJob) -> None:
    """Show the watched job's own settings whenever the watched job changes (a new run, another run picked),
    and refill any widget Streamlit forgot while another page was shown (else it would come back as 0)."""
    same_job = st.session_state.get(SYNCED_KEY) == job.id
    for field in GAN_FIELDS + VAE_FIELDS:
        if not same_job or _key(field) not in st.session_state:
            st.session_state[_key(field)] = getattr(job.config, field)
    # the job's own delay, every run: the slider of the language on screen shows it whatever language (or other tab
    # of this browser) set it
    delay = float(job.step_delay or 0.0)
    st.session_state[forget_other_languages(SLOW_KEY)] = min(SLOW_MOTION, key=lambda option: abs(option - delay))
    if not same_job:
        st.session_state.pop(ERROR_KEY, None)
        st.session_state.pop(NOTICE_KEY, None)
        st.session_state[SYNCED_KEY] = job.id


def draw_live_controls(job: TrainingJob | None) -> None:
    """The "This run, live" box: only while the watched run is waiting, training or paused."""
    if job is None or not job.is_active:
        return
    _sync(job)
    with st.container(border=True, key="train_live_box"):
        st.markdown(f"**:material/sensors: {t(TEXT, 'live_title')}** · :gray[{t(TEXT, 'live_scope')}]")
        can_step = job.status == PAUSED and job.trainer is not None
        slow = st.container()  # first: the one control a class uses all through a run
        if split_steps(job):
            step_d, step_g = st.columns(2, vertical_alignment="bottom")
            step_d.button(t(TEXT, "step_d"), key="train_step_d", icon=":material/shield:", width="stretch",
                          disabled=not can_step, on_click=jobs.step, args=(job.id, "d"), help=t(TEXT, "step_d_help"))
            step_g.button(t(TEXT, "step_g"), key="train_step_g", icon=":material/brush:", width="stretch",
                          disabled=not can_step, on_click=jobs.step, args=(job.id, "g"), help=t(TEXT, "step_g_help"))
        with slow:  # the labels are fixed when drawn: this language's widget always names its options in its words
            key, labels = language_key(SLOW_KEY), {seconds: _slow_label(seconds) for seconds in SLOW_MOTION}
            st.select_slider(t(TEXT, "slowmo"), options=list(SLOW_MOTION), key=key, format_func=labels.get,
                             on_change=_slow_changed, args=(job.id, key), help=t(TEXT, "slowmo_help"))
        with expander.remembered("train_live_settings", t(TEXT, "live_settings"), icon=":material/tune:"):
            _draw_settings(job)


def _slow_label(seconds: float) -> str:
    return t(TEXT, "slowmo_off") if not seconds else t(TEXT, "slowmo_seconds", seconds=seconds)


def _slow_changed(job_id: str, key: str) -> None:
    job = job_manager().get(job_id)
    if job is not None:
        job.step_delay = float(st.session_state.get(key, 0.0))  # the thread reads it after every step


def _draw_settings(job: TrainingJob) -> None:
    config = job.config
    fields = live_fields(config)
    st.caption(t(TEXT, "live_settings_intro" if config.adversarial_loss is not None else "live_settings_intro_no_d"))
    # two settings a row: the box sits beside the picture, in less than half the page, where one row of six
    # columns broke each label into a letter or two per line
    for start in range(0, len(fields), 2):
        for cell, field in zip(st.columns(2, vertical_alignment="bottom"), fields[start:start + 2]):
            with cell:
                _widget(field, live_label(field, config))
    st.button(t(TEXT, "live_apply"), key=APPLY_KEY, icon=":material/published_with_changes:", type="primary",
              width="stretch", on_click=_apply_clicked, args=(job.id,), help=t(TEXT, "live_apply_help"))
    with st.container():  # the answer to Apply, right under it
        error = st.session_state.get(ERROR_KEY)
        if error:
            st.error(_problem_text(*error), icon=":material/block:")
        notice = st.session_state.pop(NOTICE_KEY, None)
        if notice:
            getattr(st, notice[0])(notice[1])
    events = event_marks(job.snapshot(history_points=0)["events"], functools.partial(live_label, config=config))
    if events:  # an event at step n (n steps done) applies from step n + 1
        lines = [f"- {t(TEXT, 'live_event', step=step + 1, changes=label)}" for step, label in events]
        st.caption(t(TEXT, "live_history") + "\n" + "\n".join(lines))


def _widget(field: str, label: str) -> None:
    """One live setting. Learning rates accept 0 to 10 on purpose: gan_core's check explains what is allowed."""
    key = _key(field)
    if field == "loss":
        st.selectbox(label, list(LOSSES), key=key)
    elif field in ("lr_g", "lr_d"):
        st.number_input(label, min_value=0.0, max_value=10.0, step=1e-4, format="%.5f", key=key)
    elif field == "n_critic":
        st.number_input(label, min_value=1, max_value=int(RANGES["n_critic"][1]), step=1, key=key)
    elif field == "label_smoothing":
        st.slider(label, 0.0, 0.5, step=0.05, key=key)
    else:  # r1_gamma, beta
        st.number_input(label, min_value=0.0, max_value=float(RANGES[field][1]), step=0.5, format="%.2f", key=key)


def _apply_clicked(job_id: str) -> None:
    """Send the changed settings to the job; a refused change leaves the run untouched and says why."""
    job = job_manager().get(job_id)
    if job is None:
        return
    values = {field: st.session_state.get(_key(field)) for field in live_fields(job.config)}
    changes = {field: value for field, value in values.items()
               if value is not None and value != getattr(job.config, field)}
    st.session_state.pop(ERROR_KEY, None)
    if not changes:
        st.session_state[NOTICE_KEY] = ("info", t(TEXT, "live_nothing"))
        return
    try:
        applied = job.set_hparams(**changes)
    except ConfigError as error:
        st.session_state[ERROR_KEY] = (error.field, error.message)
        return
    if not applied:  # the run already had these values (another tab of this browser applied them first)
        st.session_state[NOTICE_KEY] = ("info", t(TEXT, "live_nothing"))
        return
    # the step the run itself recorded (the list of changes and the charts' dashed line use it too), not the
    # page's mirror of the step counter, which trails the worker by a few steps
    st.session_state[NOTICE_KEY] = ("success", t(TEXT, "live_applied", step=job.changed_at + 1,
                                                 changes=describe_changes(applied, functools.partial(live_label, config=job.config))))


def _problem_text(field: str, message: str) -> str:
    """gan_core's sentence, or its Chinese equivalent for the range checks (the only ones these widgets hit)."""
    if lang() == "zh" and field in RANGES and "between" in message:
        low, high = RANGES[field]
        return t(TEXT, "live_range", field=field, low=written(low), high=written(high))
    return message
