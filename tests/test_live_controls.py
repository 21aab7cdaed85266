"""Live controls in gan_core and their small UI helpers: step one player, change settings mid-run, slow motion.

Tiny ring-8 GANs (hidden=16) on fixed seeds; no Streamlit page is opened here (see test_page_live.py).
"""
from __future__ import annotations

import math
import time

import pytest
import torch

from gan_core.config import ConfigError, TrainConfig
from gan_core.runtime.job import FINISHED, PAUSED, TrainingJob
from gan_core.training import Trainer
from tests.page_support import en


def weights(module: torch.nn.Module) -> list[torch.Tensor]:
    return [p.detach().clone() for p in module.parameters()]


def moved(before: list[torch.Tensor], module: torch.nn.Module) -> bool:
    return any(not torch.equal(old, new) for old, new in zip(before, module.parameters()))


@pytest.fixture
def trainer(tiny_config):
    trainer = Trainer(tiny_config.replace(metrics_every=0))
    trainer.step()  # Adam's first step is special; start from an ordinary one
    return trainer


@pytest.mark.parametrize("part,d_moves,g_moves", [("d", True, False), ("g", False, True), ("both", True, True)])
def test_each_part_steps_only_its_player(trainer, part, d_moves, g_moves):
    d_before, g_before = weights(trainer.critic), weights(trainer.generator)
    values = trainer.step(part)
    assert moved(d_before, trainer.critic) is d_moves
    assert moved(g_before, trainer.generator) is g_moves
    assert ("loss_d" in values) is d_moves and ("loss_g" in values) is g_moves
    assert trainer.step_count == 2  # a half step still counts as one step on the curves
    # the player that sat out has a gap (NaN) in its curve at this step, not a made-up number
    missing = "loss_g" if part == "d" else "loss_d" if part == "g" else None
    if missing:
        assert math.isnan(trainer.history.series[missing][-1])


def test_n_critic_d_updates_per_d_step(tiny_config):
    trainer = Trainer(tiny_config.replace(n_critic=3, metrics_every=0))
    trainer.step("d")
    assert trainer.opt_d.state[trainer._critic_params[0]]["step"] == 3
    assert not trainer.opt_g.state  # G's optimiser never ran


def test_set_hparams_changes_the_optimiser_and_records_an_event(trainer):
    assert trainer.opt_g.param_groups[0]["lr"] == pytest.approx(2e-4)
    changes = trainer.set_hparams(lr_g=1e-3, label_smoothing=0.1, lr_d=2e-4)  # lr_d unchanged: not an event
    assert changes == {"lr_g": [2e-4, 1e-3], "label_smoothing": [0.0, 0.1]}
    assert trainer.opt_g.param_groups[0]["lr"] == pytest.approx(1e-3)
    assert trainer.opt_d.param_groups[0]["lr"] == pytest.approx(2e-4)
    assert trainer.config.lr_g == 1e-3 and trainer.config.label_smoothing == 0.1
    assert trainer.events == [{"step": 1, "changes": changes}]
    trainer.step()
    assert trainer.set_hparams(loss="hinge") == {"loss": ["ns", "hinge"]}
    assert [event["step"] for event in trainer.events] == [1, 2]
    values = trainer.step()  # the new loss is used from the next step
    assert math.isfinite(values["loss_d"])
    assert trainer.set_hparams(lr_g=1e-3) == {} and len(trainer.events) == 2  # no change, no event


@pytest.mark.parametrize("changes,field", [({"lr_g": 5.0}, "lr_g"), ({"lr_d": 0.0}, "lr_d"),
                                          ({"n_critic": 0}, "n_critic"), ({"loss": "magic"}, "loss"),
                                          ({"hidden": 32}, "hidden"), ({"lr_g": 1e-3, "label_smoothing": 0.9},
                                                                       "label_smoothing")])
def test_bad_values_raise_and_change_nothing(trainer, changes, field):
    config_before = trainer.config
    with pytest.raises(ConfigError) as error:
        trainer.set_hparams(**changes)
    assert error.value.field == field and str(error.value).endswith(".")
    assert trainer.config == config_before  # not even the good half of a mixed change
    assert trainer.opt_g.param_groups[0]["lr"] == pytest.approx(2e-4)
    assert trainer.events == []


def test_job_set_hparams_before_and_during_the_run(tiny_config):
    job = TrainingJob(tiny_config.replace(steps=1000, metrics_every=0))
    assert job.set_hparams(lr_d=5e-4) == {"lr_d": [2e-4, 5e-4]}  # queued: goes into the starting config
    job.start(paused=True)
    try:
        deadline = time.monotonic() + 20
        while job.trainer is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert job.trainer.opt_d.param_groups[0]["lr"] == pytest.approx(5e-4)
        job.set_hparams(lr_g=1e-3)
        assert job.snapshot()["events"] == [{"step": 0, "changes": {"lr_g": [2e-4, 1e-3]}}]
        with pytest.raises(ConfigError):
            job.set_hparams(lr_g=-1.0)
        assert job.config.lr_g == 1e-3
    finally:
        job.stop()
        job.join(5)


def test_paused_job_steps_one_player(tiny_config):
    job = TrainingJob(tiny_config.replace(steps=1000, metrics_every=0))
    job.start(paused=True)
    try:
        deadline = time.monotonic() + 20
        while job.trainer is None and time.monotonic() < deadline:
            time.sleep(0.01)
        trainer = job.trainer
        d_before, g_before = weights(trainer.critic), weights(trainer.generator)
        job.step_once(part="g")
        while trainer.step_count < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert job.status == PAUSED and trainer.step_count == 1
        assert moved(g_before, trainer.generator) and not moved(d_before, trainer.critic)
    finally:
        job.stop()
        job.join(5)


def test_step_delay_slows_a_job_and_can_change_live(tiny_config):
    config = tiny_config.replace(steps=4, metrics_every=0, sample_every=1000)
    started = time.perf_counter()
    slow = TrainingJob(config, step_delay=0.3)
    slow.start()
    slow.join(30)
    assert slow.status == FINISHED
    assert time.perf_counter() - started >= 4 * 0.3  # a sleep after every step: a lower bound, never flaky

    # a second's pause after each of 60 steps would take a minute; switching slow motion off finishes it at once
    live = TrainingJob(config.replace(steps=60), step_delay=1.0)
    live.start()
    deadline = time.monotonic() + 20
    while (live.trainer is None or live.trainer.step_count < 1) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert live.status == "running" and live.trainer.step_count < 5
    live.step_delay = 0.0
    live.join(20)
    assert live.status == FINISHED and live.snapshot()["step_delay"] == 0.0


@pytest.mark.parametrize("kind", ["thread", "process"])
def test_slow_motion_shows_the_picture_of_every_step(tiny_config, kind):
    from gan_core.runtime.worker import ProcessTrainingJob

    config = tiny_config.replace(steps=1000, metrics_every=0, sample_every=500)
    job = (TrainingJob if kind == "thread" else ProcessTrainingJob)(config, step_delay=0.05)
    job.start()
    try:
        seen = set()
        deadline = time.monotonic() + 30
        while len(seen) < 5 and time.monotonic() < deadline:
            view = job.snapshot()
            if view["latest"] is not None and view["latest"]["step"] == view["step"] > 1:
                seen.add(view["step"])  # the picture on screen is of the step on screen
            time.sleep(0.02)
        assert len(seen) >= 5, f"the picture stayed at step {view['latest'] and view['latest']['step']}"
        # the timeline keeps its frames every sample_every steps: each slow-motion picture replaces the last one
        assert [frame["step"] for frame in job.frames()][:-1] == [1]
        job.step_delay = 0.0  # full speed again: pictures every sample_every steps only
        deadline = time.monotonic() + 30
        while job.snapshot()["step"] < 520 and time.monotonic() < deadline:
            time.sleep(0.02)
        steps = [frame["step"] for frame in job.frames()]
        assert steps[0] == 1 and 500 in steps and len(steps) == 3  # 1, the last slow one, 500
    finally:
        job.stop()
        job.join(10)


# -- UI helpers: labels for the dashed lines on the charts ----------------------------------------------------
def test_change_labels_and_chart_marks():
    from app.train_live import describe_changes, event_marks, format_value, live_fields
    from app.train_plots import line_figure

    assert format_value(2e-4) == "2e-4" and format_value(1e-3) == "1e-3" and format_value(0.1) == "0.1"
    assert format_value(1.0) == "1" and format_value(3) == "3" and format_value("hinge") == "hinge"
    assert describe_changes({"lr_g": [2e-4, 1e-3]}) == "lr_g 2e-4 → 1e-3"
    marks = event_marks([{"step": 40, "changes": {"lr_g": [2e-4, 1e-3]}},
                         {"step": 90, "changes": {"loss": ["ns", "hinge"], "n_critic": [1, 2]}}])
    assert marks == [(40, "lr_g 2e-4 → 1e-3"), (90, "loss ns → hinge, n_critic 1 → 2")]

    steps = list(range(1, 101))
    figure = line_figure(steps, [("D", [0.5] * 100, "#000")], "t", "u", hline=(0.5, "half"), events=marks)
    lines = [s for s in figure.layout.shapes if s.line.dash == "dash" and s.xref == "x"]
    assert [(s.x0, s.x1) for s in lines] == [(40, 40), (90, 90)]
    assert any(s.xref == "paper" for s in figure.layout.shapes)  # the 0.5 line is still there
    texts = [a.text for a in figure.layout.annotations]
    assert "lr_g 2e-4 → 1e-3" in texts and not any("half" in text for text in texts)
    # the 0.5 line is named on the y axis: its label sat on the line's right end, over the curves that settle there
    assert figure.layout.yaxis.title.text == "– – half" and len(figure.data) == 2  # D: raw and smoothed, no more
    assert not line_figure(steps, [("D", [0.5] * 100, "#000")], "t", "u").layout.shapes  # no events, no lines

    assert live_fields(TrainConfig(model="vae")) == ("lr_g", "lr_d", "beta")
    assert live_fields(TrainConfig(dataset="digits", model="ddpm")) == ("lr_g",)  # its denoiser is its only network
    assert live_fields(TrainConfig(dataset="digits", model="stylegan")) == ("lr_g", "lr_d")
    assert "loss" in live_fields(TrainConfig()) and "beta" not in live_fields(TrainConfig())


def test_live_learning_rates_are_named_for_the_running_model():
    """The live panel named a diffusion model's rate "Learning rate of G (decoder for a VAE)", and pix2pix's "…of D
    (encoder for a VAE)"; its notice said "lr_g 2e-3 → 5e-4". A running model is one kind: its own words."""
    from app.train_live import describe_changes, live_label
    from app.train_text import TEXT

    def label(field, **config):
        return live_label(field, TrainConfig(**config))

    assert label("lr_g", dataset="digits", model="ddpm") == en(TEXT, "live_lr_single")
    assert (label("lr_g", model="vae"), label("lr_d", model="vae")) == (en(TEXT, "live_lr_g_vae"), en(TEXT, "live_lr_d_vae"))
    for model in ("gan", "stylegan", "pix2pix"):
        assert (label("lr_g", dataset="digits", model=model), label("lr_d", dataset="digits", model=model)) == \
            (en(TEXT, "live_lr_g_gan"), en(TEXT, "live_lr_d_gan")), model
    assert label("n_critic") == en(TEXT, "n_critic")
    named = describe_changes({"lr_g": [2e-3, 5e-4]}, lambda field: label(field, dataset="digits", model="ddpm"))
    assert named == "Learning rate 2e-3 → 5e-4"


def test_the_d_chart_splits_probabilities_from_scores_at_a_live_loss_change():
    """#24.11: after ns -> hinge at step 50 (and back to minimax at 80), no curve runs through both kinds of
    number: each stretch is its own pair of curves named with its loss, scores on their own right-hand axis."""
    from app.train_live import loss_spans
    from app.train_panel import _critic_figure

    events = [{"step": 50, "changes": {"loss": ["ns", "hinge"], "n_critic": [1, 2]}},
              {"step": 65, "changes": {"lr_g": [2e-4, 1e-3]}},
              {"step": 80, "changes": {"loss": ["hinge", "minimax"]}}]
    spans = loss_spans(events, "minimax")
    assert spans == [(0, "ns"), (50, "hinge"), (80, "minimax")]
    assert loss_spans(events[1:2], "wgan-gp") == [(0, "wgan-gp")]
    steps = list(range(0, 100))
    series = {"d_real": [0.7] * 50 + [3.0] * 30 + [0.6] * 20, "d_fake": [0.3] * 50 + [-2.0] * 30 + [0.4] * 20}
    figure = _critic_figure(steps, series, spans, "d-run", "step", [])
    smooth = [trace for trace in figure.data if trace.hoverinfo != "skip"]
    assert len(smooth) == 6  # real and fake, for each of the three stretches
    assert sorted(trace.name for trace in smooth if trace.showlegend) == ["fake", "real"]  # a legend that fits
    for trace in figure.data:
        shown = [x for x, y in zip(trace.x, trace.y) if y is not None and y == y]
        assert shown, trace.name
        stretch = {0 if x < 50 else 1 if x < 80 else 2 for x in shown}
        assert len(stretch) == 1, f"{trace.name} runs across a loss change"
        scores = stretch == {1}
        assert (trace.yaxis == "y2") == scores, trace.name
    assert figure.layout.yaxis.range == (0.0, 1.0) and figure.layout.yaxis2.overlaying == "y"
    assert "hinge" in figure.layout.yaxis2.title.text and "ns" in figure.layout.yaxis.title.text
    assert figure.layout.yaxis.title.text.endswith("0.5 = D cannot tell")  # the dashed line keeps its name

    one_kind = _critic_figure(steps, series, [(0, "hinge"), (50, "wgan-gp")], "d-run", "step", [])
    assert len([trace for trace in one_kind.data if trace.showlegend is not False]) == 2  # no split: one kind
    assert "hinge, wgan-gp" in one_kind.layout.title.text
