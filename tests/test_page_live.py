"""The Train page's live box ("This run, live") driven by AppTest: Step D / Step G, slow motion, settings changed
while training and their marks on the charts; and a run that diverges (issue #7).

`run_every` never fires inside AppTest, so the tests call `at.run()` to see progress. Runs are tiny (hidden=16
on ring8), so the whole file stays well under a minute on two CPU cores.
"""
from __future__ import annotations

import json
import math

import pytest
import torch
from streamlit.testing.v1 import AppTest

from app.train_text import TEXT
from app.i18n import language_key
from tests.page_support import (STEP_PATTERN, en, open_train, runs_dir, same_options_in_both_languages,  # noqa: F401
                                shows, wait_until, widget_options)  # (runs_dir: autouse)


def start_tiny(at: AppTest, model: str = "gan") -> None:
    at.selectbox(key="train_preset").set_value("ring8-vanilla").run()
    at.selectbox(key="train_model").set_value(model)
    for key, value in (("train_hidden", 16), ("train_depth", 2), ("train_steps", 20_000), ("train_latent_dim", 2)):
        at.number_input(key=key).set_value(value)
    at.run()
    at.button(key="train_start").click().run()
    assert not at.exception


def step_now(at: AppTest) -> tuple[int, str]:
    text = at.get("progress")[0].proto.text
    return int(STEP_PATTERN.search(text).group(1).replace(",", "")), text


def the_job():
    from app.state import job_manager

    jobs = job_manager().jobs()
    assert len(jobs) == 1
    return jobs[0]


def chart(at: AppTest, key: str) -> dict:
    """The plotly figure of the chart with element key `key`, as the browser would get it."""
    for element in at.get("plotly_chart"):
        if key in element.proto.id:
            return json.loads(element.proto.spec)
    raise AssertionError(f"no chart {key}")


def pause(at: AppTest) -> int:
    wait_until(at, lambda a: at.get("progress") and step_now(a)[0] >= 10)
    at.button(key="train_pause").click().run()
    step, text = step_now(at)
    assert en(TEXT, "status_paused") in text
    return step


def test_step_d_step_g_and_slow_motion():
    at = open_train()
    start_tiny(at)
    assert at.button(key="train_step_d").disabled  # only while paused
    at.select_slider(key="train_slowmo").set_value(0.25).run()
    assert the_job().step_delay == 0.25  # the running job slows down at once
    at.select_slider(key="train_slowmo").set_value(0.0).run()
    assert the_job().step_delay == 0.0
    paused_at = pause(at)
    assert "then one G update" in at.button(key="train_step").help  # the bar's Step is both players
    job = the_job()
    d_before = [p.detach().clone() for p in job.trainer.critic.parameters()]
    g_before = [p.detach().clone() for p in job.trainer.generator.parameters()]

    at.button(key="train_step_d").click().run()
    assert step_now(at)[0] == paused_at + 1
    assert any(not torch.equal(a, b) for a, b in zip(d_before, job.trainer.critic.parameters()))
    assert all(torch.equal(a, b) for a, b in zip(g_before, job.trainer.generator.parameters()))
    loss_g = chart(at, "train_chart_loss")["data"]
    assert loss_g  # the loss chart still draws with G's gap at the D-only step

    at.button(key="train_step_g").click().run()
    assert step_now(at)[0] == paused_at + 2
    assert any(not torch.equal(a, b) for a, b in zip(g_before, job.trainer.generator.parameters()))
    series = job.snapshot()["history"]["series"]
    assert math.isnan(series["loss_g"][-2]) and math.isnan(series["loss_d"][-1])  # who moved at which step

    at.button(key="train_stop").click().run()
    assert not at.exception


def test_slow_motion_keeps_its_value_and_the_runs_speed_across_a_language_switch():
    """Streamlit keeps a select_slider's value as its option's text: the same widget drawn in Chinese lost 0.25 s
    in the browser ("关") and set the run to full speed. AppTest keeps the value anyway, so the test also checks
    that no widget keeps its identity while its option texts change language."""
    at = open_train()
    start_tiny(at)
    at.select_slider(key="train_slowmo").set_value(0.25).run()
    assert the_job().step_delay == 0.25
    english = widget_options(at)
    for language in ("zh", "en", "zh"):
        at.session_state["lang"] = language  # the sidebar's radio (AppTest drops the sidebar after switch_page)
        at.run()
        assert not at.exception
        assert the_job().step_delay == 0.25, language  # the run keeps its pace
        slider = at.select_slider(key=language_key("train_slowmo", language))
        assert slider.value == 0.25, language  # and the slider says so, in either language
        assert slider.options[2] == TEXT["slowmo_seconds"][language == "zh"].format(seconds=0.25)
        if language == "zh":
            assert same_options_in_both_languages(english, widget_options(at)) == []
    at.select_slider(key=language_key("train_slowmo", "zh")).set_value(0.5).run()  # a working control in Chinese
    assert the_job().step_delay == 0.5
    at.session_state["lang"] = "en"
    at.run()
    assert at.select_slider(key="train_slowmo").value == 0.5  # what was chosen in Chinese, back in English
    at.button(key="train_stop").click().run()
    assert not at.exception


def test_live_settings_apply_mark_the_charts_and_explain_bad_values():
    at = open_train()
    start_tiny(at)
    wait_until(at, lambda a: at.get("progress") and step_now(a)[0] >= 5)
    job = the_job()
    assert at.number_input(key="train_live_lr_g").value == pytest.approx(1e-4)  # the run's own settings
    assert any(en(TEXT, "settings_next_run") in c.value for c in at.caption)  # the form says it is for the next run

    at.number_input(key="train_live_lr_g").set_value(1e-3)
    at.button(key="train_live_apply").click().run()
    assert not at.exception and not at.error
    assert job.config.lr_g == pytest.approx(1e-3) and job.trainer.opt_g.param_groups[0]["lr"] == pytest.approx(1e-3)
    # the notice names the setting as its widget does; the chart's mark, short of room, keeps the field's name
    assert any(f"{en(TEXT, 'live_lr_g_gan')} 1e-4 → 1e-3" in s.value for s in at.success)
    assert at.number_input(key="train_lr_g").value == pytest.approx(1e-4)  # the next run's form is untouched
    events = job.snapshot()["events"]
    assert len(events) == 1
    wait_until(at, lambda a: step_now(a)[0] > events[0]["step"] + 3)
    for key in ("train_chart_loss", "train_chart_d"):
        figure = chart(at, key)["layout"]
        lines = [s for s in figure.get("shapes", []) if s.get("xref") == "x" and s["line"].get("dash") == "dash"]
        assert [s["x0"] for s in lines] == [events[0]["step"]], key
        assert any(a["text"] == "lr_g 1e-4 → 1e-3" for a in figure["annotations"]), key
    assert any(f"{en(TEXT, 'live_lr_g_gan')} 1e-4 → 1e-3" in c.value for c in at.caption)  # the changes so far

    at.number_input(key="train_live_lr_g").set_value(5.0)  # beyond what gan_core allows
    at.selectbox(key="train_live_loss").set_value("hinge")
    at.button(key="train_live_apply").click().run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and "lr_g must be between" in errors[0] and errors[0].count(".") <= 2
    assert job.config.lr_g == pytest.approx(1e-3) and job.config.loss == "ns"  # nothing changed
    assert len(job.snapshot()["events"]) == 1
    at.session_state["lang"] = "zh"  # the same sentence in Chinese, its limits written out
    at.run()
    at.number_input(key="train_live_lr_g").set_value(5.0)
    at.button(key="train_live_apply").click().run()
    assert not at.exception
    assert any("lr_g 必须在 0.000001 到 1 之间" in e.value for e in at.error), [e.value for e in at.error]
    assert job.config.lr_g == pytest.approx(1e-3)
    at.button(key="train_stop").click().run()
    assert not at.exception


def test_vae_keeps_a_single_step_and_offers_beta():
    at = open_train()
    start_tiny(at, model="vae")
    pause(at)
    assert "n_critic" not in at.button(key="train_step").help  # no D to update n_critic times
    assert not [b for b in at.button if b.key in ("train_step_d", "train_step_g")]
    assert at.number_input(key="train_live_beta").value == 1.0
    # a VAE has no D chart to mark, and its rates are the decoder's and the encoder's
    captions = [c.value for c in at.caption]
    assert en(TEXT, "live_settings_intro_no_d") in captions and en(TEXT, "live_settings_intro") not in captions
    assert at.number_input(key="train_live_lr_d").label == en(TEXT, "live_lr_d_vae")
    at.number_input(key="train_live_beta").set_value(4.0)
    at.button(key="train_live_apply").click().run()
    assert the_job().config.beta == 4.0
    at.button(key="train_stop").click().run()


def test_a_diverged_run_is_explained_and_its_last_good_weights_can_be_saved(runs_dir):
    """Issue #7: poison the generator while paused, take one step: the run fails, the page says why and what to
    try, and Save keeps the weights gan_core rolled back to."""
    at = open_train()
    start_tiny(at)
    pause(at)
    job = the_job()
    with torch.no_grad():  # as if an update had blown up: the next step's losses are NaN
        next(job.trainer.generator.parameters()).fill_(float("nan"))
    at.button(key="train_step").click().run()
    assert not at.exception
    assert job.status == "failed"
    errors = [e.value for e in at.error]
    assert any("diverged" in e and "Try a smaller learning rate" in e for e in errors), errors
    assert any(en(TEXT, "diverged_hint") in i.value for i in at.info)
    assert en(TEXT, "status_failed") in step_now(at)[1]
    assert at.button(key="train_pause").disabled and at.button(key="train_step").disabled
    assert not at.button(key="train_save").disabled

    at.text_input(key="train_save_name").input("last good").run()
    at.button(key="train_save").click().run()
    assert any(shows(s.value, en(TEXT, "saved")) for s in at.success)
    from gan_core.checkpoints import load_checkpoint

    (path,) = runs_dir.glob("last-good-*.pt")  # the typed name, made safe, plus a short id
    saved = load_checkpoint(path)
    assert saved.name == "last good"
    assert all(torch.isfinite(v).all() for v in saved.state["models"].values() if v.is_floating_point())
