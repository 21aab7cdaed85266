"""The Train page's right-hand side: the run picker and buttons, and the live panel.

The live panel is three `st.fragment`s reading only `job.snapshot()` (plain numbers and small uint8 arrays): the
progress bar reruns about once a second while a run trains (every 3 s while it waits in the queue); the picture
every second while the run trains, or on the charts' clock when it is itself a plotly chart (a 2-D run's view:
picture_seconds); the charts every CHART_SECONDS while it trains. When the run's status changes (it started,
finished, failed), a fragment asks for one full rerun so the buttons, the other fragments and the sidebar catch up.
"""
from __future__ import annotations

import math
import time
from collections import Counter

import streamlit as st

from gan_core.config import TrainConfig
from gan_core.families import progressive
from gan_core.families.base import Family
from gan_core.options import STACKED_DATASETS
from gan_core.training import measured_at_end
from gan_core.images import display_scale
from gan_core.runtime.job import FAILED, FINISHED, PAUSED, QUEUED, RUNNING, TrainingJob

from . import expander
from . import train_jobs as jobs
from . import train_divergence, train_form, train_layers, train_live, train_memorisation
from .i18n import lang, plain, plural, t
from .metrics_text import METRIC_INFO
from .pictures import show_picture
from .state import browser_id, job_manager
from .train_plots import (PLOT_CONFIG, SERIES_COLOURS, chain_picture, codes_figure, hline_title, line_figure,
                          metrics_figure, points_figure, same_height)
from .train_text import FAMILY_EXPLAIN, FAMILY_TRACE_TEXT, LATEX_DDPM, LATEX_ELBO, LATEX_LOSS, LATEX_MINIMAX, LATEX_NS, LOSS_DESCRIPTION, TEXT, model_name
from .presenter import TEXT_SCALE, chart, presenting

REFRESH_SECONDS = 1.0
QUEUED_REFRESH_SECONDS = 3.0  # a queued run only shows its place in line: a class of 30 waiting pages costs less
# While a run trains, the plotly charts redraw every CHART_SECONDS (their own fragment; a 2-D run's view, drawn
# beside them, on its fragment's clock: picture_seconds; a VAE's codes chart through keep_chart_view); the step
# counter, progress bar and sample grid still move every second.
# Streamlit gives a plotly chart a new identity whenever its figure changes, so the browser throws the chart away
# and builds it again (~100 ms of chromium's time per chart); six charts redrawn every second took a whole core on
# a 2-core laptop and slowed the training beside it. An unchanged figure keeps its chart and costs nothing.
# Measured in bench/bench_live.py (docs/BENCHMARKS.md).
CHART_SECONDS = 2.0
CHART_VIEW_KEY = "train_chart_view"  # (job id, monotonic time, view) the charts last drew
HISTORY_POINTS = 600  # points per curve: plenty for a 600-pixel-wide chart, cheap to send every second
STATUS_ICON = {"queued": ":material/hourglass_top:", "running": ":material/play_circle:",
               "paused": ":material/pause_circle:", "finished": ":material/check_circle:",
               "stopped": ":material/stop_circle:", "failed": ":material/error:"}
METRIC_ORDER = ("modes_covered", "high_quality_fraction", "reverse_kl", "reverse_kl_all", "class_kl")
METRIC_COLOURS = {"modes_covered": "#2ca02c", "high_quality_fraction": "#1f77b4", "reverse_kl": "#d62728",
                  "reverse_kl_all": "#ff9896", "class_kl": "#9467bd"}


# -- run picker and buttons ------------------------------------------------------------------------------
def _status(status: str) -> str:
    return t(TEXT, f"status_{status}")


def _job_label(job: TrainingJob, number: int | None = None) -> str:
    # stable text (no live step count): a label that changed every second would fight the user's choice
    return f"{job.name}{f' ({number})' if number else ''} · {job.config.dataset} · {job.config.model}"


def run_numbers(runs: list[TrainingJob]) -> dict[str, int]:
    """{run id: 1, 2, ...} among runs that share a name (started in the same second): the picker tells them apart.
    Streamlit's selectbox keeps its choice by the option's text, so two runs with one label were one choice, and
    the page went back to the first (a stopped run) on the next rerun."""
    names = Counter(run.name for run in runs)
    seen: Counter = Counter()
    numbers = {}
    for run in runs:
        if names[run.name] > 1:
            seen[run.name] += 1
            numbers[run.id] = seen[run.name]
    return numbers


def _on_watch_change() -> None:
    st.session_state[jobs.JOB_KEY] = st.session_state.get(jobs.WATCH_KEY)


def resolve_job() -> TrainingJob | None:
    """The run this session watches: the one it chose, else its newest, else None."""
    mine = job_manager().jobs(browser_id())
    ids = [job.id for job in mine]
    current = st.session_state.get(jobs.JOB_KEY)
    if current not in ids:
        current = ids[-1] if ids else None
        st.session_state[jobs.JOB_KEY] = current
    return job_manager().get(current) if current else None


def draw_run_picker(job: TrainingJob | None) -> None:
    """A picker over this session's runs, shown only when there is more than one."""
    mine = job_manager().jobs(browser_id())
    if job is None or len(mine) < 2:
        return
    st.session_state[jobs.WATCH_KEY] = job.id
    by_id, numbers = {other.id: other for other in mine}, run_numbers(mine)
    st.selectbox(t(TEXT, "watch"), [other.id for other in reversed(mine)], key=jobs.WATCH_KEY,
                 on_change=_on_watch_change, format_func=lambda job_id: _job_label(by_id[job_id], numbers.get(job_id)))


VIEW_HEIGHT, PRESENT_VIEW_HEIGHT = 430, 520  # the 2-D view; in presenter mode it has the page's whole width
PRESENT_LEGEND_WIDTH = 560  # px for a row of its legend then (its plot area is ~750 px wide at 1280 px)


def draw_bar(job: TrainingJob | None, blocked: bool) -> None:
    """The preset, Start, and the run's own controls as icons (their words in tooltips): one compact row."""
    bar = st.columns([2, 1.6, 0.5, 0.5, 0.5, 0.5, 0.6], vertical_alignment="bottom", gap="small")
    with bar[0]:
        train_form.draw_preset_picker()
    with bar[1]:
        train_form.draw_start(blocked=blocked)
    draw_buttons(bar[2:], job, compact=True)


def draw_beside(job: TrainingJob, config: TrainConfig, problems: dict, data_error: str | None) -> None:
    """Beside the live picture: slow motion, Step D / Step G and the running job's settings, then the preset's
    story and, with several runs, which one to watch."""
    train_live.draw_live_controls(job)
    train_form.draw_preset_notes(config, problems, data_error, next_run=job.config.to_dict() != config.to_dict())
    draw_run_picker(job)


def draw_buttons(cells: list, job: TrainingJob | None, compact: bool = True) -> None:
    """Pause / Resume / Step / Stop and a Save popover for the watched run, in the given five cells.

    `compact`: icons only, each word in its tooltip (the bar above a live run, where words do not fit at 1280 px).
    """
    status = job.status if job else None
    has_trainer = job is not None and job.trainer is not None
    job_args = (job.id,) if job else ("",)

    def label(key: str, icon: str) -> tuple[str, str | None]:  # (label, icon)
        return (icon, None) if compact else (t(TEXT, key), icon)

    def tip(key: str, more: str | None = None) -> str | None:
        words = [t(TEXT, key)] if compact else []
        return " · ".join(words + ([more] if more else [])) or None

    text, icon = label("pause", ":material/pause:")
    cells[0].button(text, key="train_pause", icon=icon, width="stretch", help=tip("pause"),
                    disabled=status not in (RUNNING, QUEUED), on_click=jobs.pause, args=job_args)
    text, icon = label("resume", ":material/resume:")
    cells[1].button(text, key="train_resume", icon=icon, width="stretch", help=tip("resume"),
                    disabled=status != PAUSED, on_click=jobs.resume, args=job_args)
    both = train_live.split_steps(job)  # a GAN also gets Step D / Step G in the live box: this one is both
    text, icon = label("step", ":material/skip_next:")
    cells[2].button(text, key="train_step", icon=icon, width="stretch",
                    disabled=status != PAUSED or not has_trainer, on_click=jobs.step, args=job_args,
                    help=tip("step", t(TEXT, "step_both_help" if both else "step_help")))
    text, icon = label("stop", ":material/stop:")
    cells[3].button(text, key="train_stop", icon=icon, width="stretch", help=tip("stop"),
                    disabled=job is None or not job.is_active, on_click=jobs.stop, args=job_args)
    text, icon = label("save_short", ":material/save:")
    with cells[4].popover(text, icon=icon, width="stretch", disabled=not has_trainer,
                          help=tip("save_short", t(TEXT, "save_help"))):
        st.text_input(t(TEXT, "save_name"), key="train_save_name", placeholder=job.name if job else "")
        st.button(t(TEXT, "save"), key="train_save", icon=":material/save:", type="primary", width="stretch",
                  disabled=not has_trainer, on_click=_save_clicked, args=job_args)


def _save_clicked(job_id: str) -> None:
    jobs.save(job_id, st.session_state.get("train_save_name", ""))


# -- live panel -------------------------------------------------------------------------------------------
def draw_live_panel(job: TrainingJob | None, config: TrainConfig, beside=None) -> None:
    """The live view of `job` (or the explanation for `config` when there is no run yet).

    Three fragments refresh on their own clocks while the run trains: the progress bar every REFRESH_SECONDS, the
    picture every picture_seconds, the charts every CHART_SECONDS. Beside the picture: `beside()` (the run's own
    controls), then the explanation, folded; it only changes with the run, so it is drawn once per page run, not
    resent every second. In presenter mode the picture has the whole width and the rest follows the curves.
    """
    jobs.show_flash()
    jobs.show_replaced(job)
    if job is None:
        st.info(t(TEXT, "no_run"), icon=":material/info:")
        if presenting():  # the projector shows the picture; the words wait in their fold
            with expander.remembered("train_explain", t(TEXT, "explain_title"), icon=":material/school:"):
                _explain(config, framed=False)
        else:
            _explain(config)
        return
    status = job.status
    every = {RUNNING: REFRESH_SECONDS, QUEUED: QUEUED_REFRESH_SECONDS}.get(status)
    # a queued run has no curves yet: its charts fragment waits; the status fragment's full rerun at the start
    # of training gives it its clock
    chart_every = CHART_SECONDS if status == RUNNING else None
    picture_every = picture_seconds(job.config, status, job.has_picture())
    if presenting():
        st.fragment(run_every=every)(_live_status)(job.id, status)
        st.fragment(run_every=picture_every)(_live_picture)(job.id, status, picture_every)
        st.fragment(run_every=chart_every)(_live_charts)(job.id, status)
        _beside(beside, job.config)
        return
    picture_col, side_col = st.columns([1.25, 1], gap="medium")
    with picture_col:
        st.fragment(run_every=every)(_live_status)(job.id, status)
        st.fragment(run_every=picture_every)(_live_picture)(job.id, status, picture_every)
    with side_col:
        _beside(beside, job.config)
    st.fragment(run_every=chart_every)(_live_charts)(job.id, status)


def _beside(beside, config: TrainConfig) -> None:
    if beside is not None:
        beside()
    with expander.remembered("train_explain", t(TEXT, "explain_title"), icon=":material/school:"):
        _explain(config, framed=False)


def picture_seconds(config: TrainConfig, status: str, has_picture: bool = True) -> float | None:
    """How often the picture fragment reruns. A 2-D run's picture is a plotly chart (its view of the plane), which
    only changes on the charts' clock (keep_chart_view): rerunning it every second redrew its title, layer pills and
    buttons for nothing. ring8-vanilla's training beside the live page, against headless, in alternated
    bench/bench_live.py runs: 0.69-0.92 (five runs) with the picture every second, 1.02-1.13 (four) on the charts'
    clock (docs/BENCHMARKS.md). Every other picture (a grid of samples) moves every REFRESH_SECONDS, and so
    does a 2-D run's until it `has_picture`: its first snapshot comes a moment after Start, while the networks are
    built, and on the charts' clock it showed up to a second later. Then _live_picture asks for the slower clock."""
    if status != RUNNING:  # a waiting run has no picture yet (its status fragment shows its place in line)
        return None
    return CHART_SECONDS if config.is_points and has_picture else REFRESH_SECONDS


def keep_chart_view(kept: tuple | None, job_id: str, view: dict, now: float,
                    every: float | None = None) -> tuple[tuple, dict]:
    """-> (what to keep, the view the charts draw). While `job_id` trains, charts draw the view kept from less
    than `every` (default CHART_SECONDS) seconds ago; otherwise (first draw, another run, paused, finished, or
    the first snapshot has just arrived) the fresh one."""
    # half a picture tick of slack: the picture fragment's 1-second clock (an image run's, whose codes chart this
    # keeps) jitters, and a view kept for 1.98 s would otherwise wait a third tick and drift out of step with the
    # charts. A 2-D run's picture reruns on the charts' clock, so each tick draws fresh; what is kept there serves
    # reruns off the clock (a click on the layer pills)
    every = CHART_SECONDS - 0.5 * REFRESH_SECONDS if every is None else every
    if kept is not None and kept[0] == job_id and view["status"] == RUNNING and kept[2]["status"] == RUNNING \
            and (kept[2].get("latest") is not None or view.get("latest") is None) and 0 <= now - kept[1] < every:
        return kept, kept[2]
    return (job_id, now, view), view


def _fresh_view(job_id: str, status_at_render: str, history_points: int) -> tuple[TrainingJob, dict]:
    """The job and its snapshot; a full page rerun when the run is gone or its status changed (so the buttons and
    the other fragments catch up)."""
    job = job_manager().get(job_id)
    if job is None:
        st.rerun()
    view = job.snapshot(history_points=history_points)
    if view["status"] != status_at_render:
        st.rerun()  # started, finished or failed: redraw the buttons once
    return job, view


def _live_status(job_id: str, status_at_render: str) -> None:
    """The run's status: its progress bar and step counter (and why it waits, failed or finished)."""
    job, view = _fresh_view(job_id, status_at_render, history_points=0)
    _status_block(job, view)


def _live_picture(job_id: str, status_at_render: str, every: float | None = None) -> None:
    """The newest samples (or the snapshot picked on the timeline), the GIF and, for images, the memorisation
    check of the picture on screen. `every`: this fragment's clock (picture_seconds)."""
    job, view = _fresh_view(job_id, status_at_render, history_points=0)
    config = TrainConfig.from_dict(view["config"])
    if every is not None and every != picture_seconds(config, view["status"], view["latest"] is not None):
        st.rerun()  # a 2-D run's first picture has come: once, for the charts' clock (picture_seconds)
    # the 2-D view and a VAE's codes are plotly charts: they follow the charts' cadence (see CHART_SECONDS)
    kept, chart_view = keep_chart_view(st.session_state.get(CHART_VIEW_KEY), job.id, view, time.monotonic())
    st.session_state[CHART_VIEW_KEY] = kept
    frame, chart_frame = view["latest"], chart_view["latest"]
    scrubbing = view["status"] not in (RUNNING, QUEUED)
    if scrubbing and view["n_snapshots"] > 1:
        frames = job.frames()
        by_step = {int(f["step"]): f for f in frames}
        # a new key whenever the snapshots change, so the slider starts at the newest one
        chosen = st.select_slider(t(TEXT, "timeline"), options=list(by_step), value=int(frames[-1]["step"]),
                                  key=f"train_timeline_{job.id}_{len(frames)}_{frames[-1]['step']}",
                                  format_func=lambda step: f"{step:,}", help=t(TEXT, "timeline_help"))
        frame = chart_frame = by_step[chosen]
    if frame is None:
        st.caption(t(TEXT, "preparing") if view["status"] == RUNNING else "")
    else:
        _draw_frame(job, frame, config, chart_frame)
    if not scrubbing and view["n_snapshots"] > 1:
        st.caption(t(TEXT, "timeline_paused_only"))
    if view["n_snapshots"]:
        real, layers = jobs.real_points_for(config), train_layers.chosen_layers()  # GIF: the chosen layers
        st.download_button(t(TEXT, "gif"), data=lambda: jobs.run_gif(job, real, layers),
                           file_name=f"{job.name}.gif", mime="image/gif", key="train_gif", on_click="ignore",
                           icon=":material/gif_box:", help=t(TEXT, "gif_help"))
    if not config.is_points and frame is not None and frame.get("grid") is not None:
        train_memorisation.draw_memorisation(job, frame, config)


def _live_charts(job_id: str, status_at_render: str) -> None:
    """The curves, the metric charts and, for 2-D data, the KL/JS chart: on the charts' own clock."""
    job, view = _fresh_view(job_id, status_at_render, history_points=HISTORY_POINTS)
    config = TrainConfig.from_dict(view["config"])
    _charts(job, view, config)
    if config.is_points:
        train_divergence.draw_divergence(view, config, job.id)


def _eta(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return t(TEXT, "eta_seconds", s=seconds)
    return t(TEXT, "eta_minutes", m=seconds // 60, s=seconds % 60)


def progress_text(view: dict) -> str:
    """"Step 300 / 1,500 · training · 120 steps/s · about 10 s left" (the time left only while it trains; "at
    least" while the steps ahead are slower, as ProGAN's at a higher resolution)."""
    status = view["status"]
    text = t(TEXT, "progress", step=view["step"], target=view["target_steps"], status=_status(status))
    rate = view["steps_per_second"]
    if status == RUNNING and rate > 0:
        if rate < 1:  # a slow step (a 28-px run on one slow core): its seconds, never "0 steps/s"
            text += t(TEXT, "speed_slow", seconds=f"{1 / rate:,.1f}")
        else:
            text += t(TEXT, "speed", rate=f"{rate:,.0f}" if rate >= 10 else f"{rate:.1f}")
        if view["eta_seconds"] is not None:
            text += t(TEXT, "eta_floor" if view.get("eta_is_floor") else "eta", eta=_eta(view["eta_seconds"]))
    return text


def queued_text(position: int, yours: list[TrainingJob], slots: int) -> str:
    """Where a waiting run stands and what it waits for: the person's own runs holding a slot, by name (stopping one
    starts this run when it is first in line), or, when they hold none, other people's runs filling every slot (not
    named). The old text told every waiting student to stop "your other run", which most of a class did not have."""
    text = t(TEXT, "queued_behind", position=position)
    if not yours:
        return text + t(TEXT, plural("queued_others", slots), slots=slots)
    names = t(TEXT, "list_and").join(f"**{plain(j.name)}**" + (t(TEXT, "queued_paused") if j.status == PAUSED else "")
                                    for j in yours)  # (a run's name can be typed: a saved run's, a checkpoint's)
    key = "queued_yours" if position == 1 else "queued_yours_later"
    return text + t(TEXT, key if len(yours) == 1 else f"{key}_many", names=names)


def _status_block(job: TrainingJob, view: dict) -> None:
    status = view["status"]
    if status == FAILED:
        st.error(f"**{t(TEXT, 'failed_title')}.** {view['error']}", icon=":material/error:")
        if view["error"].startswith("Training diverged") and job.trainer is not None:
            st.info(t(TEXT, "diverged_hint"), icon=":material/history:")  # what to do next, and Save still works
    elif status == QUEUED:
        position = job_manager().queue_position(job)
        if position:
            st.info(queued_text(position, job_manager().slot_holders(job.owner), job_manager().max_running),
                    icon=":material/hourglass_top:")
    elif status == FINISHED:
        st.success(t(TEXT, "finished_note"), icon=":material/check_circle:")
    if view["config"].get("precision") == "bf16" and view.get("precision") == "fp32":
        st.info(t(TEXT, "bf16_fallback"), icon=":material/memory:")  # asked for bf16, the device cannot run it
    text = progress_text(view)
    fraction = min(1.0, view["step"] / max(1, view["target_steps"]))
    st.progress(fraction, text=f"{STATUS_ICON.get(status, '')} {text}")
    if view.get("where") and status in (RUNNING, PAUSED):  # a run on a Ray cluster: where it trains
        st.caption(t(TEXT, "where", node=view["where"]["node"], device=view["where"]["device"]))


def _draw_frame(job: TrainingJob, frame: dict, config: TrainConfig, chart_frame: dict | None = None) -> None:
    """Sample grid (every refresh) or the 2-D view, and a VAE's codes; `chart_frame` feeds the plotly views."""
    chart_frame = chart_frame or frame
    if frame.get("grid") is None:  # a plotly view: everything from the chart frame, titles included
        frame = chart_frame
    step = int(frame.get("step", 0))
    names = {"real": t(TEXT, "legend_real"), "fake": t(TEXT, "legend_fake"), "arrows": t(TEXT, "legend_arrows")}
    if frame.get("grid") is not None:
        grid = frame["grid"]
        zoom = display_scale(max(grid.shape[:2]), 440)
        # a translation model's z only picks a held-out source: its picture is the fixed sources, G's outputs and
        # the targets (or cycle reconstructions) row by row, whose output row repeated the plain grid of outputs;
        # a diffusion model's "z" is the noise its sampler starts from
        translations = frame.get("translation_grid")
        title = ("samples_title_sources" if not config.latent_walks
                 else "samples_title_noise" if config.model == "ddpm" else "samples_title")
        st.markdown(f"**{t(TEXT, title, step=step)}**")
        if translations is not None:
            show_picture(translations, display_scale(max(translations.shape[:2]), 440), width="content")
            if frame.get("translation_rows"):
                st.caption(translation_rows_caption(frame["translation_rows"]))
        else:
            show_picture(grid, zoom, width="content")
        if frame.get("row_captions"):  # the caption model: a row per colour and shape, its four places across
            st.caption(t(TEXT, "samples_rows", rows=", ".join(frame["row_captions"])))
        elif config.is_conditional:
            names = jobs.class_names_for(config)
            st.caption(t(TEXT, "samples_cond", classes=", ".join(names[:10]) + (", …" if len(names) > 10 else "")))
        real = jobs.real_grid_for(config)
        if real is not None:
            with expander.remembered("train_real", t(TEXT, "real_title"), icon=":material/compare:"):
                show_picture(real, zoom, width="content")
    elif frame.get("points") is not None:
        probabilities = config.loss in ("ns", "minimax")
        names["colorbar"] = t(TEXT, "colorbar_prob" if probabilities else "colorbar_score")
        title = "points_title" if frame.get("heatmap") is not None else "vae_points_title"
        st.markdown(f"**{t(TEXT, title, step=step)}**")
        layers = train_layers.layer_choice(frame)  # which layers to draw: pills, remembered for the session
        figure = points_figure(frame, jobs.real_points_for(config), {**names, **train_layers.layer_names()},
                               uirevision=f"points-{job.id}", probabilities=probabilities, layers=layers,
                               height=PRESENT_VIEW_HEIGHT if presenting() else VIEW_HEIGHT,
                               text_scale=TEXT_SCALE if presenting() else 1.0,
                               legend_width=PRESENT_LEGEND_WIDTH if presenting() else 0)
        chart(figure, key="train_view_points", config=PLOT_CONFIG, width="stretch")
    if chart_frame.get("codes") is not None:
        whole = config.latent_dim == 2  # "first two dimensions" of a 2-D latent space read as a part of it
        st.markdown(f"**{t(TEXT, 'codes_title_2d' if whole else 'codes_title')}**")
        figure = codes_figure(chart_frame["codes"], chart_frame.get("code_labels"), jobs.class_names_for(config),
                              uirevision=f"codes-{job.id}")
        chart(figure, key="train_view_codes", config=PLOT_CONFIG, width="stretch")
    if config.family is not None:
        _family_pictures(frame, config)


def _charts(job: TrainingJob, view: dict, config: TrainConfig) -> None:
    history = view["history"]
    steps, series = history["steps"], history["series"]
    if not steps:
        st.caption(t(TEXT, "waiting_curves"))
        return
    x_title = t(TEXT, "axis_step")
    revision = job.id
    marks = train_live.event_marks(view.get("events", []))  # settings changed mid-run: dashed lines
    figures = []
    family = config.family
    if family is not None and not family.adversarial and not config.uses_beta:  # diffusion: one network, one loss
        keys = [k for k in family.loss_keys if k in series] or [k for k in series if not k.startswith("grad_norm")]
        figures.append(line_figure(steps, _family_traces(keys, series), t(TEXT, "chart_family_loss", model=model_name(config.model)),
                                   f"loss-{revision}", x_title, events=marks))
        grad = [(t(TEXT, "trace_grad_denoiser"), series.get("grad_norm_g", []), SERIES_COLOURS["g"])]
    elif config.uses_beta:  # a VAE, or the caption model (a conditional VAE with a text encoder): the same curves
        figures.append(line_figure(steps, [(t(TEXT, "trace_total"), series.get("loss", []), SERIES_COLOURS["total"]),
                                           (t(TEXT, "trace_recon"), series.get("recon", []), SERIES_COLOURS["recon"])],
                                   t(TEXT, "chart_vae_loss"), f"loss-{revision}", x_title, events=marks))
        figures.append(line_figure(steps, [(t(TEXT, "trace_kl"), series.get("kl", []), SERIES_COLOURS["kl"])],
                                   f"KL(q(z|x) ‖ p(z)) · β = {config.beta:g}", f"kl-{revision}", x_title,
                                   events=marks))
        grad = [(t(TEXT, "trace_grad_enc"), series.get("grad_norm_d", []), SERIES_COLOURS["d"]),
                (t(TEXT, "trace_grad_dec"), series.get("grad_norm_g", []), SERIES_COLOURS["g"])]
    else:
        losses = [(t(TEXT, "trace_loss_d"), series.get("loss_d", []), SERIES_COLOURS["d"]),
                  (t(TEXT, "trace_loss_g"), series.get("loss_g", []), SERIES_COLOURS["g"])]
        if "penalty" in series:
            losses.append((t(TEXT, "trace_penalty"), series["penalty"], SERIES_COLOURS["extra"]))
        figures.append(line_figure(steps, losses, t(TEXT, "chart_loss"), f"loss-{revision}", x_title, events=marks))
        figures.append(_critic_figure(steps, series, train_live.loss_spans(view.get("events", []), config.loss),
                                      f"d-{revision}", x_title, marks, critic_terms(config)))
        grad = [(t(TEXT, "trace_grad_d"), series.get("grad_norm_d", []), SERIES_COLOURS["d"]),
                (t(TEXT, "trace_grad_g"), series.get("grad_norm_g", []), SERIES_COLOURS["g"])]
    figures.append(line_figure(steps, grad, t(TEXT, "chart_grad"), f"grad-{revision}", x_title, log_y=True))
    keys = ["train_chart_loss", "train_chart_d", "train_chart_grad"] if len(figures) == 3 else \
        ["train_chart_loss", "train_chart_grad"]
    charts = list(zip(keys, figures))
    if family is not None and family.adversarial:  # the family's own numbers: resolution and fade-in, L1, cycle...
        extra = [k for k in family.loss_keys if k in series and k not in CLASSIC_KEYS]
        if extra:
            # a schedule (ProGAN's resolution and fade-in) is drawn as it is: smoothed, the resolution passed through
            # "6 px" and the fade-in never went back to 0 when a new block came in
            # α (0-1) on its own axis at the right: on the resolution's (4-16 px) it was a flat line at the bottom
            right = ({extra.index("alpha")}, _pair_text(FAMILY_TRACE_TEXT, "alpha")) if "alpha" in extra and \
                len(extra) > 1 else None
            figure = line_figure(steps, _family_traces(extra, series),
                                 t(TEXT, "chart_family", model=model_name(config.model)), f"family-{revision}",
                                 x_title, events=marks, smooth=not set(extra) & SCHEDULE_KEYS, right=right)
            # each axis in its curve's colour, so α's line at 1 is not read as 16 px on the left
            colour = {key: _FAMILY_COLOURS[i % len(_FAMILY_COLOURS)] for i, key in enumerate(extra)}
            if "resolution" in extra:  # ticks at the sizes it takes (4, 8, 16 px), not plotly's 5, 10, 15
                sizes = [progressive.resolution_of(stage) for stage in range(progressive.n_stages(config.image_size))]
                figure.update_layout(yaxis=dict(tickvals=sizes, range=[0, sizes[-1] * 1.08],
                                                tickfont=dict(color=colour["resolution"]),
                                                title=dict(text=_pair_text(FAMILY_TRACE_TEXT, "resolution"),
                                                           font=dict(size=11, color=colour["resolution"]))))
            if right is not None:  # α from 0 to 1 in halves (plotly picked 0.083, 0.5, 0.917)
                figure.update_layout(yaxis2=dict(range=[0, 1.08], tickvals=[0, 0.5, 1],
                                                 tickfont=dict(color=colour["alpha"]),
                                                 title=dict(font=dict(size=11, color=colour["alpha"]))))
            charts.append(("train_chart_family", figure))
    metrics = _metrics_figure(view, config, revision, x_title)
    if metrics is not None:
        charts.append(("train_chart_metrics", metrics))
    waiting = metrics is None and quality_waits(view, config)
    for start in range(0, len(charts), 2):
        row = charts[start:start + 2]
        same_height([figure for _, figure in row])
        for cell, (key, figure) in zip(st.columns(2, gap="medium"), row):
            with cell:
                chart(figure, key=key, config=PLOT_CONFIG, width="stretch")
    if waiting:
        st.caption(t(TEXT, "metrics_wait_full_size"))
    st.caption(t(TEXT, "smoothing_note"))


def critic_terms(config: TrainConfig | None = None) -> dict[str, str]:
    """{"real": "D(x)", "fake": "D(G(z))"}, or how the run's model family writes what its D judges."""
    family = config.family if config is not None else None
    return dict(zip(("real", "fake"), family.critic_terms if family is not None else Family.critic_terms))


def _critic_figure(steps: list[int], series: dict, spans: list[tuple[int, str]], revision: str, x_title: str,
                   marks: list, terms: dict[str, str] | None = None) -> object:
    """D's outputs on real and fake. With ns or minimax they are probabilities (0 to 1), with the other losses raw
    scores: after a live loss change between the two kinds, each stretch is its own pair of curves, named with
    its loss, probabilities on the left axis and scores on the right, never one line through both."""
    real, fake = series.get("d_real", []), series.get("d_fake", [])
    named = terms or critic_terms()  # D(x) and D(G(z)), or the family's own
    kinds = {loss in PROBABILITY_LOSSES for _, loss in spans}
    if kinds == {True}:
        outputs = [(t(TEXT, "trace_d_real", **named), real, SERIES_COLOURS["real"]),
                   (t(TEXT, "trace_d_fake", **named), fake, SERIES_COLOURS["fake"])]
        return line_figure(steps, outputs, t(TEXT, "chart_d_prob", **named), revision, x_title, y_range=(0.0, 1.0),
                           hline=(0.5, t(TEXT, "equilibrium")), events=marks)
    if kinds == {False}:
        outputs = [(t(TEXT, "trace_score_real"), real, SERIES_COLOURS["real"]),
                   (t(TEXT, "trace_score_fake"), fake, SERIES_COLOURS["fake"])]
        losses = ", ".join(dict.fromkeys(loss for _, loss in spans))
        return line_figure(steps, outputs, t(TEXT, "chart_d_score", loss=losses), revision, x_title, events=marks)
    outputs, right = [], set()
    bounds = [start for start, _ in spans[1:]] + [math.inf]
    for (start, loss), stop in zip(spans, bounds):
        inside = [start <= step < stop for step in steps]
        probability = loss in PROBABILITY_LOSSES
        for name, values, colour in zip(("trace_real", "trace_fake"), (real, fake),
                                        (SERIES_COLOURS["real"], SERIES_COLOURS["fake"])):
            if not probability:
                right.add(len(outputs))
            outputs.append((t(TEXT, name), [v if keep else None for v, keep in zip(values, inside)], colour))
    scores = ", ".join(dict.fromkeys(loss for _, loss in spans if loss not in PROBABILITY_LOSSES))
    figure = line_figure(steps, outputs, t(TEXT, "chart_d_mixed"), revision, x_title, y_range=(0.0, 1.0),
                         hline=(0.5, t(TEXT, "equilibrium")), events=marks,
                         right=(right, t(TEXT, "axis_score", scores=scores)))
    figure.layout.yaxis.title = dict(text=f"{t(TEXT, 'axis_probability')}<br>{hline_title(t(TEXT, 'equilibrium'))}",
                                     font=dict(size=11))
    named = set()  # one legend entry for real and one for fake (a colour each); the axes say which loss is which
    for trace in figure.data:
        if trace.showlegend is not False:
            trace.showlegend = trace.name not in named
            named.add(trace.name)
    return figure


SCHEDULE_KEYS = {"resolution", "alpha"}  # family series that follow a schedule, not a noisy estimate
PROBABILITY_LOSSES = ("ns", "minimax")  # D ends in a sigmoid: its outputs read as probabilities
CLASSIC_KEYS = {"loss_d", "loss_g", "d_real", "d_fake", "grad_norm_d", "grad_norm_g", "penalty", "loss", "recon", "kl"}
_FAMILY_COLOURS = ("#ff7f0e", "#17becf", "#bcbd22", "#e377c2", "#7f7f7f", "#8c564b")


def _family_traces(keys: list[str], series: dict) -> list[tuple[str, list[float], str]]:
    return [(_pair_text(FAMILY_TRACE_TEXT, key), series.get(key, []), _FAMILY_COLOURS[i % len(_FAMILY_COLOURS)])
            for i, key in enumerate(keys)]


def _pair_text(table: dict, key: str) -> str:
    pair = table.get(key)
    if pair is None:
        return key
    return pair[1] if lang() == "zh" else pair[0]


def _family_pictures(frame: dict, config: TrainConfig) -> None:
    """What a model family adds to a snapshot: a diffusion chain, stage-I images, style mixing (a translation model's
    picture is its main one, drawn by _draw_frame)."""
    step = int(frame.get("step", 0))
    if frame.get("resolution") is not None:
        st.caption(t(TEXT, "family_resolution", size=int(frame["resolution"]), alpha=float(frame.get("alpha", 1.0))))
    pictures = []
    chain = frame.get("chain")
    if chain is not None:
        if chain.ndim == 3 and chain.shape[-1] == 2:  # 2-D data: point clouds from noise to sample
            chain = chain_picture(chain, frame.get("bounds"))
        pictures.append(("chain", t(TEXT, "family_chain"), chain))
    for key, text_key in (("stage1_grid", "family_stage1"), ("style_mix", "family_style_mix")):
        if frame.get(key) is not None:
            pictures.append((key, t(TEXT, text_key), frame[key]))
    for key, title, picture in pictures:
        st.markdown(t(TEXT, "picture_step", title=title, step=step))
        show_picture(picture, display_scale(max(picture.shape[:2]), 440), width="content")
        if key == "style_mix":
            st.caption(style_mix_caption(frame.get("style_crossover")))


def translation_rows_caption(rows: list[str]) -> str:
    """"From the top: source / output / real target." for a translation picture's rows."""
    return t(TEXT, "translation_rows", rows=" / ".join(_pair_text(FAMILY_TRACE_TEXT, "row_" + row) for row in rows))


def style_mix_caption(crossover: int | None) -> str:
    """Which cells of the live style-mixing picture are its sources, and which layers each cell takes from where."""
    if not crossover:
        return t(TEXT, "style_mix_sources")
    return t(TEXT, "style_mix_sources") + " " + t(TEXT, "style_mix_layers", last=int(crossover) - 1)


def judged_at_full_size(config: TrainConfig) -> bool:
    """Whether the run's class metrics wait while G draws coarser pictures than the data's (a growing family,
    ProGAN: Family.coarse); the quality chart says so."""
    return config.family is not None and config.family.coarse is not None


def quality_waits(view: dict, config: TrainConfig) -> bool:
    """True when the run has been measured but has no class numbers yet because they wait for full size
    (judged_at_full_size): the page says why the quality chart is missing. (It is asked only when no metric is on
    the chart at all.)"""
    return bool((view.get("metrics") or {}).get("steps")) and judged_at_full_size(config)


def _metrics_figure(view: dict, config: TrainConfig, revision: str, x_title: str):
    metrics = view.get("metrics") or {}
    steps = metrics.get("steps") or []
    values = metrics.get("values") or {}
    shown = [key for key in METRIC_ORDER if key in values]
    if not steps or not shown:
        return None
    series = []
    for key in shown:
        info = METRIC_INFO.get(key, {})
        label = info.get("label_zh" if lang() == "zh" else "label_en", key)
        notes = []  # after the name, in one parenthesis: (of 8, judged at full size only, higher is better)
        y_max = None
        if key == "modes_covered":
            if not config.is_points and config.dataset not in STACKED_DATASETS:  # digit images: the classes the
                # judge finds, not mixture modes (stacked digits keep their literature's "1,000 modes")
                label = t(TEXT, "classes_covered")
            total = jobs.mode_count_for(config)
            if total:
                notes.append(t(TEXT, "modes_of", total=total))
                y_max = float(total)
        elif key == "high_quality_fraction":
            y_max = 1.0
        if key in ("modes_covered", "class_kl") and judged_at_full_size(config):
            notes.append(t(TEXT, "classes_full_size"))  # ProGAN: why the curve starts late
        notes.append(t(TEXT, "better_" + info.get("better", "higher")))
        note = t(TEXT, "metric_note", parts=t(TEXT, "note_separator").join(notes))
        series.append((label, values[key], METRIC_COLOURS.get(key, "#444444"), note, y_max))
    title = "chart_metrics_end" if measured_at_end(config) else "chart_metrics"
    return metrics_figure(steps, series, t(TEXT, title, every=config.metrics_every),
                          f"metrics-{revision}", x_title)


# -- what am I looking at -------------------------------------------------------------------------------------
def _explain(config: TrainConfig, framed: bool = True) -> None:
    with st.container(border=framed):
        if framed:
            st.subheader(t(TEXT, "explain_title"), anchor=False)
        family_text = FAMILY_EXPLAIN.get(config.model)
        if family_text:
            st.markdown(family_text[1 if lang() == "zh" else 0])
        if config.model == "ddpm":  # no discriminator: the GAN game below does not apply
            st.latex(LATEX_DDPM)
            return
        if config.uses_beta:  # a VAE, or the caption model: no discriminator, the GAN game below does not apply
            st.markdown(t(TEXT, "explain_vae"))
            st.latex(LATEX_ELBO)
            st.markdown(t(TEXT, "explain_vae_terms"))
            if config.is_vae:  # (the caption model's pictures are its rows of captions, described above them)
                st.markdown(t(TEXT, "explain_pictures_vae"))
            st.markdown(t(TEXT, "explain_vae_healthy"))
            return
        translation = not config.latent_walks  # pix2pix, CycleGAN: G translates a source, there is no noise z
        st.markdown(t(TEXT, "explain_gan_game_translation" if translation else "explain_gan_game"))
        st.latex(LATEX_MINIMAX)
        if config.loss == "ns":
            st.markdown(t(TEXT, "explain_ns"))
            st.latex(LATEX_NS)
            st.markdown(t(TEXT, "explain_ns_why"))
        elif config.loss == "minimax":
            st.markdown(t(TEXT, "explain_minimax"))
        else:
            description = LOSS_DESCRIPTION[config.loss][1 if lang() == "zh" else 0]
            st.markdown(t(TEXT, "explain_other_loss", loss=config.loss, description=description))
            st.latex(LATEX_LOSS[config.loss])
        st.markdown(t(TEXT, "explain_pictures_points" if config.is_points
                      else "explain_pictures_sources" if translation else "explain_pictures_images"))
        healthy = "explain_healthy" if config.loss in ("ns", "minimax") else "explain_healthy_scores"
        if healthy == "explain_healthy" and config.model == "cyclegan":  # two D/G pairs, their losses summed
            healthy = "explain_healthy_two_pairs"
        st.markdown(t(TEXT, healthy, **critic_terms(config)))
        st.markdown(t(TEXT, "explain_collapse"))

