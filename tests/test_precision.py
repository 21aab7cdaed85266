"""bf16 mixed precision: validated, really on inside a step, fp32 weights and numbers, and fp32 for old checkpoints.

Every model family training in bf16 is part of test_family_contract.py (it imports `_all_fp32` from here).
"""
import math
import warnings

import pytest
import torch

from gan_core.config import PRECISIONS, TrainConfig

TINY_POINTS = dict(dataset="ring8", model="gan", latent_dim=2, hidden=16, depth=2, batch_size=32, steps=20,
                   sample_every=2, metrics_every=4, seed=3, n_points=1000, device="cpu")
TINY_DIGITS = dict(dataset="digits", image_size=8, model="vae", hidden=8, latent_dim=4, batch_size=16, steps=20,
                   sample_every=2, metrics_every=0, seed=3, device="cpu")


@pytest.fixture(autouse=True)
def bf16_on_any_cpu(monkeypatch):
    """These tests check what bf16 does, so it runs here on a CPU without native bf16 too (where the app trains in
    fp32 instead: test_a_cpu_without_native_bf16_trains_in_fp32_unless_told)."""
    monkeypatch.setenv("LATENT_LAB_CPU_BF16", "always")


def _trainer(precision="bf16", **overrides):
    from gan_core.evaluation.evaluate import quick_metrics
    from gan_core.training import Trainer

    return Trainer(TrainConfig(**{**TINY_POINTS, **overrides, "precision": precision}), metrics_fn=quick_metrics)


def _run(trainer, steps):
    values = {}
    for _ in range(steps):
        values = trainer.step()
    return values


def _all_fp32(trainer):
    weights = {p.dtype for p in trainer.models.parameters()} | {b.dtype for b in trainer.models.buffers()
                                                                  if b.is_floating_point()}
    moments = {v.dtype for opt in (trainer.opt_g, trainer.opt_d) if opt is not None
               for state in opt.state.values() for v in state.values() if torch.is_tensor(v) and v.dim() > 0}
    return weights == {torch.float32} and moments == {torch.float32}


@pytest.mark.parametrize("bad", ["fp16", "half", "BF16", ""])
def test_validate_refuses_other_precisions_in_one_sentence(bad):
    problems = TrainConfig(precision=bad).validate()
    assert "precision" in problems
    message = problems["precision"]
    assert message.startswith("precision ") and "fp32" in message and "bf16" in message
    assert len(message.splitlines()) == 1 and message.endswith(".")
    for good in PRECISIONS:
        assert "precision" not in TrainConfig(precision=good).validate()


@pytest.mark.parametrize("overrides", [{}, TINY_DIGITS], ids=["ring8-gan", "digits-vae"])
def test_bf16_trains_with_finite_numbers_and_fp32_weights(overrides):
    trainer = _trainer("bf16", **overrides)
    assert trainer.precision == "bf16"
    values = _run(trainer, 5)
    assert values and all(isinstance(v, float) and math.isfinite(v) for v in values.values())
    assert _all_fp32(trainer)
    assert trainer.snapshots and trainer.snapshots[-1]["step"] == 4  # snapshots ran (outside autocast)
    if trainer.dataset.is_points:
        assert trainer.metrics["steps"] == [4] and all(math.isfinite(v[-1]) for v in trainer.metrics["values"].values())
    # sampling after training is plain fp32
    assert trainer.generate(trainer.fixed_noise[:4]).dtype == torch.float32


@pytest.mark.parametrize("precision, in_training", [("bf16", {(torch.bfloat16, True)}),
                                                     ("fp32", {(torch.float32, False)})])
def test_autocast_is_really_on_inside_a_step(precision, in_training):
    """G's output dtype, and whether autocast was on, for each generator call during the first step: the training
    forward passes, then the snapshot that step 1 takes (what the UI shows is computed in fp32 either way)."""
    trainer = _trainer(precision)
    seen = []
    handle = trainer.generator.register_forward_hook(
        lambda module, inputs, output: seen.append((output.dtype, torch.is_autocast_enabled("cpu"))))
    try:
        trainer.step()
    finally:
        handle.remove()
    assert set(seen) == in_training | {(torch.float32, False)}
    assert seen[0] in in_training and seen[-1] == (torch.float32, False)


def test_g_update_sees_the_critic_after_its_update():
    """The whole step runs in one autocast region; with autocast's weight cache on, G would be scored by a stale
    bf16 copy of D from before D's update. Re-scoring G's batch with D as it is now must give the same logits."""
    trainer = _trainer("bf16", sample_every=1000, metrics_every=0)
    calls = []

    def record(module, inputs, output):
        if torch.is_autocast_enabled("cpu"):  # training calls only (step 1's snapshot also asks D)
            calls.append((inputs[0].detach().clone(), output.detach().clone()))

    handle = trainer.critic.register_forward_hook(record)
    try:
        _run(trainer, 3)
    finally:
        handle.remove()
    assert len(calls) == 3 * 3  # per step: D on real, D on fake, then D scoring G's batch
    last_input, last_output = calls[-1]  # the G update: D's weights have not changed since
    with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16, cache_enabled=False):
        again = trainer.critic(last_input, None)
    assert torch.equal(again, last_output)


@pytest.mark.parametrize("overrides", [{"loss": "wgan-gp", "n_critic": 2}, {"loss": "lsgan", "r1_gamma": 1.0},
                                       {**TINY_DIGITS, "model": "cgan", "loss": "wgan-gp"}],
                         ids=["wgan-gp", "r1", "conv-cgan-wgan-gp"])
def test_gradient_penalties_work_in_bf16(overrides):
    trainer = _trainer("bf16", **overrides)
    values = _run(trainer, 3)
    assert values["penalty"] > 0 and all(math.isfinite(v) for v in values.values())
    assert _all_fp32(trainer)


def test_fp32_runs_are_unchanged_by_the_option():
    a, b = _trainer("fp32"), _trainer("fp32")
    assert _run(a, 6) == _run(b, 6)
    assert a.precision == "fp32"
    assert torch.equal(torch.cat([p.flatten() for p in a.models.parameters()]),
                       torch.cat([p.flatten() for p in b.models.parameters()]))


def test_an_old_checkpoint_without_precision_loads_as_fp32(tmp_path):
    from gan_core.checkpoints import load_checkpoint, save_checkpoint, trainer_payload
    from gan_core.training import Trainer

    old = TrainConfig(**TINY_POINTS).to_dict()
    del old["precision"]
    assert TrainConfig.from_dict(old).precision == "fp32"
    payload = trainer_payload(_trainer("fp32"))
    del payload["config"]["precision"]
    del payload["state"]["config"]["precision"]
    checkpoint = load_checkpoint(save_checkpoint(payload, tmp_path / "old.pt"))
    assert checkpoint.config.precision == "fp32"
    resumed = Trainer.from_checkpoint(checkpoint, precision="bf16")  # and it may continue in bf16
    assert resumed.precision == "bf16" and math.isfinite(resumed.step()["loss_d"])


@pytest.mark.parametrize("refusal", ["raises", "warns"])
def test_a_device_without_bf16_falls_back_to_fp32(monkeypatch, refusal):
    """torch.autocast raises (CUDA without bf16) or warns and disables itself (other devices): train in fp32."""
    real_autocast = torch.autocast

    def unsupported(device_type, dtype=None, enabled=True, cache_enabled=None):
        if refusal == "raises":
            raise RuntimeError("Current CUDA Device does not support bfloat16. Please switch dtype to float16.")
        warnings.warn("In CPU autocast, but the target dtype is not supported. Disabling autocast.")
        return real_autocast(device_type, dtype=dtype, enabled=False)

    monkeypatch.setattr(torch, "autocast", unsupported)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="In CPU autocast", category=UserWarning)  # torch's own words
        with pytest.warns(RuntimeWarning, match="trains in fp32"):
            trainer = _trainer("bf16")
    assert trainer.precision == "fp32"
    seen = []
    trainer.generator.register_forward_hook(lambda module, inputs, output: seen.append(output.dtype))
    values = _run(trainer, 2)
    assert all(math.isfinite(v) for v in values.values()) and set(seen) == {torch.float32}


def test_cli_flag_and_its_one_line_error(capsys, tmp_path, monkeypatch):
    from gan_core.cli import main

    tiny = ["--dataset", "ring8", "--hidden", "16", "--depth", "2", "--batch-size", "32", "--latent-dim", "2",
            "--metrics-every", "0", "--quiet"]
    assert main(["train", *tiny, "--precision", "fp16", "--out", str(tmp_path / "x.pt")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--precision" in err and "bf16" in err
    out = tmp_path / "bf16.pt"
    assert main(["train", *tiny, "--steps", "5", "--precision", "bf16", "--out", str(out)]) == 0
    from gan_core.checkpoints import load_checkpoint

    assert load_checkpoint(out).config.precision == "bf16"
    # on a CPU without native bf16 the run trains in fp32, and the command line says so in one line
    monkeypatch.setenv("LATENT_LAB_CPU_BF16", "")
    monkeypatch.setattr("gan_core.training.cpu_has_native_bf16", lambda: False)
    capsys.readouterr()
    assert main(["train", *tiny, "--steps", "5", "--precision", "bf16", "--out", str(tmp_path / "fell.pt")]) == 0
    err = capsys.readouterr().err.strip()
    assert err.startswith("note: ") and "trains in fp32" in err and len(err.splitlines()) == 1, err
    assert "LATENT_LAB_CPU_BF16=always" in err  # how to keep bf16 anyway


def test_share_links_carry_precision_and_refuse_other_values():
    from app import url_state
    from app.train_form import FIELDS, preset_values

    _, values, notes = url_state.read_train({"preset": "ring8-fixed", "precision": "bf16"}, FIELDS)
    assert values == {"precision": "bf16"} and not notes
    _, values, notes = url_state.read_train({"preset": "ring8-fixed", "precision": "fp16"}, FIELDS)
    assert values == {} and [key for key, _ in notes] == ["note_not_choice"]
    reference = preset_values("ring8-fixed")
    query = url_state.train_query({"_preset": "ring8-fixed", **reference, "precision": "bf16"}, reference, FIELDS)
    assert query == {"preset": "ring8-fixed", "precision": "bf16"}


def test_train_page_shows_the_precision_choice(monkeypatch, tmp_path):
    from app.train_text import TEXT
    from tests.page_support import en
    from tests.test_page_train import open_train

    monkeypatch.setenv("LATENT_LAB_RUNS", str(tmp_path / "runs"))
    at = open_train()
    picker = at.selectbox(key="train_precision")
    assert picker.value == "fp32" and list(picker.options) == ["fp32", "bf16"]
    assert picker.label == en(TEXT, "precision") and picker.help == en(TEXT, "precision_help")
    picker.set_value("bf16").run()
    assert not at.exception and not at.error
    assert any("bf16" in caption.value for caption in at.caption)  # the settings summary names it
    assert not at.button(key="train_start").disabled


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
@pytest.mark.parametrize("precision", PRECISIONS)
@pytest.mark.parametrize("overrides", [{}, TINY_DIGITS], ids=["ring8-gan", "digits-vae"])
def test_classic_runs_train_on_cuda(precision, overrides):
    trainer = _trainer(precision, **{**overrides, "device": "cuda"})
    values = _run(trainer, 3)
    assert all(math.isfinite(v) for v in values.values())
    assert {p.device.type for p in trainer.models.parameters()} == {"cuda"} and _all_fp32(trainer)


@pytest.mark.parametrize("native, setting, runs", [(False, "", "fp32"), (True, "", "bf16"), (False, "always", "bf16"),
                                                    (True, "always", "bf16")])
def test_a_cpu_without_native_bf16_trains_in_fp32_unless_told(monkeypatch, native, setting, runs):
    """On an AVX2-only CPU, bf16 autocast is emulated: mnist-cgan's step took 4-5 s instead of 0.3 s in fp32, so its
    1,000 steps would have taken over an hour. A run asked for bf16 trains in fp32 there, and says so."""
    from gan_core import training
    from gan_core.device import cpu_has_native_bf16

    assert isinstance(cpu_has_native_bf16(), bool)
    monkeypatch.setattr(training, "cpu_has_native_bf16", lambda: native)
    monkeypatch.setenv("LATENT_LAB_CPU_BF16", setting)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trainer = _trainer("bf16")
        _run(trainer, 2)
    assert trainer.precision == runs
    said = [str(w.message) for w in caught if "no native bf16" in str(w.message)]
    assert len(said) == (runs == "fp32") and all("trains in fp32" in text for text in said)
    assert _trainer("fp32").precision == "fp32"


@pytest.fixture
def bf16_refused(monkeypatch):
    """torch.autocast as on a device without bf16: it switches itself off. Undo with the returned function."""
    real_autocast = torch.autocast
    monkeypatch.setattr(torch, "autocast", lambda device_type, dtype=None, enabled=True, cache_enabled=None:
                        real_autocast(device_type, dtype=dtype, enabled=False))
    return lambda: monkeypatch.setattr(torch, "autocast", real_autocast)


def test_a_job_says_when_bf16_fell_back_and_the_page_tells_the_student(bf16_refused):
    """Asked for bf16 on a device that cannot run it: the snapshot says fp32, and the live panel says why."""
    from app.train_text import TEXT
    from gan_core.runtime.job import TrainingJob

    job = TrainingJob(TrainConfig(**{**TINY_POINTS, "precision": "bf16", "steps": 3}))
    with pytest.warns(RuntimeWarning, match="trains in fp32"):
        job.start()
        job.join(30)
    view = job.snapshot(history_points=0)
    assert view["config"]["precision"] == "bf16" and view["precision"] == "fp32"
    assert all(TEXT["bf16_fallback"]) and "fp32" in TEXT["bf16_fallback"][0]
    bf16_refused()  # undone: the same job trains in bf16 where it can
    fine = TrainingJob(TrainConfig(**{**TINY_POINTS, "precision": "bf16", "steps": 2}))
    fine.start()
    fine.join(30)
    assert fine.snapshot(history_points=0)["precision"] == "bf16"


def test_train_page_says_when_a_run_fell_back_to_fp32(monkeypatch, tmp_path, bf16_refused):
    from app.train_text import TEXT
    from tests.page_support import en
    from tests.test_page_train import open_train, progress, tiny, wait_until

    monkeypatch.setenv("LATENT_LAB_RUNS", str(tmp_path / "runs"))
    at = open_train()
    tiny(at)
    at.selectbox(key="train_precision").set_value("bf16").run()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        at.button(key="train_start").click().run()
        wait_until(at, lambda a: progress(a)[0] >= 2)
    assert any(en(TEXT, "bf16_fallback") in info.value for info in at.info)
    at.button(key="train_stop").click().run()
