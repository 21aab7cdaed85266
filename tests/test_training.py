"""Trainer determinism, exact resume, divergence handling, bounded memory and the job thread."""
import math
import threading
import time

import pytest
import torch

from gan_core.checkpoints import load_checkpoint, save_checkpoint, trainer_payload
from gan_core.runtime.job import FAILED, FINISHED, PAUSED, RUNNING, STOPPED, TrainingJob
from gan_core.evaluation.evaluate import quick_metrics
from gan_core.training import History, Trainer, TrainingDiverged


def _weights(trainer):
    return torch.cat([p.detach().flatten() for p in trainer.models.parameters()])


def _train(config, steps):
    trainer = Trainer(config)
    for _ in range(steps):
        trainer.step()
    return trainer


@pytest.mark.parametrize("overrides", [
    {}, {"loss": "wgan-gp", "n_critic": 2}, {"loss": "hinge", "pack": 2, "spectral_norm": True, "minibatch_std": True},
    {"loss": "lsgan", "r1_gamma": 1.0, "label_smoothing": 0.1}, {"loss": "minimax"}, {"model": "vae", "beta": 0.5},
])
def test_same_seed_same_config_same_result(tiny_config, overrides):
    config = tiny_config.replace(**overrides)
    a, b = _train(config, 12), _train(config, 12)
    assert torch.equal(_weights(a), _weights(b))
    assert a.history.series == b.history.series
    c = _train(config.replace(seed=4), 12)
    assert not torch.equal(_weights(a), _weights(c))


def test_image_models_train_a_step(tiny_config):
    for model in ("gan", "cgan", "vae", "cvae"):
        config = tiny_config.replace(dataset="digits", image_size=8, model=model, hidden=8, latent_dim=4,
                                     batch_size=16, metrics_every=0)
        trainer = _train(config, 2)
        snap = trainer.snapshots[-1]
        assert snap["grid"].dtype.name == "uint8" and snap["grid"].ndim == 3
        assert trainer.generate(trainer.fixed_noise[:4], None if trainer.fixed_labels is None else trainer.fixed_labels[:4]).shape == (4, 1, 8, 8)


@pytest.mark.parametrize("model", ["gan", "cgan", "vae", "ddpm"])
def test_mnist_at_its_own_28_pixels(tiny_config, model):
    """28 px runs from a 7x7 start (two doublings) instead of 4x4; D, the encoder and the U-Net halve back to it."""
    config = tiny_config.replace(dataset="mnist5k", image_size=28, model=model, hidden=8, latent_dim=4,
                                 batch_size=8, metrics_every=0, sample_every=1)
    trainer = _train(config, 2)
    labels = None if trainer.fixed_labels is None else trainer.fixed_labels[:3]
    images = trainer.generate(trainer.fixed_noise[:3], labels)
    assert images.shape == (3, 1, 28, 28) and images.abs().max() <= 1
    assert math.isfinite(trainer.history.series["loss_g" if model in ("gan", "cgan") else next(iter(trainer.history.series))][-1])


def test_resume_continues_exactly_where_it_stopped(tiny_config, tmp_path):
    straight = _train(tiny_config, 20)
    first = _train(tiny_config, 10)
    path = save_checkpoint(trainer_payload(first), tmp_path / "half.pt")
    resumed = Trainer.from_checkpoint(load_checkpoint(path))
    assert resumed.step_count == 10
    for _ in range(10):
        resumed.step()
    assert torch.equal(_weights(straight), _weights(resumed))
    assert straight.history.series["loss_d"] == pytest.approx(resumed.history.series["loss_d"])


def test_a_resumed_run_takes_this_machines_adam_not_the_saved_one(tiny_config, tmp_path):
    # a file saved where fused Adam was off (an older version, another device) continues with this machine's choice
    first = _train(tiny_config, 10)
    assert first.opt_g.param_groups[0]["fused"] is True  # the CPU has torch's fused Adam
    payload = trainer_payload(first)
    for saved in payload["state"]["optimizers"].values():
        for group in saved["param_groups"]:
            group["fused"] = None
    resumed = Trainer.from_checkpoint(load_checkpoint(save_checkpoint(payload, tmp_path / "old.pt")))
    assert all(group["fused"] is True for opt in (resumed.opt_g, resumed.opt_d) for group in opt.param_groups)
    resumed.step()
    assert resumed.step_count == 11


def test_a_file_without_optimiser_state_continues_from_its_weights_with_fresh_adam(tiny_config, tmp_path):
    """What a demo saved small (gan_core.demos) does: the same weights, Adam's moments start again."""
    first = _train(tiny_config, 10)
    payload = trainer_payload(first)
    payload["state"]["optimizers"] = {}
    resumed = Trainer.from_checkpoint(load_checkpoint(save_checkpoint(payload, tmp_path / "small.pt")))
    assert resumed.step_count == 10 and torch.equal(_weights(first), _weights(resumed))
    assert not resumed.opt_g.state  # fresh moments
    resumed.step()
    assert resumed.step_count == 11 and resumed.opt_g.state


def test_two_d_snapshots_have_points_heatmap_and_arrows(tiny_config):
    trainer = _train(tiny_config, 5)
    snap = trainer.snapshots[-1]
    assert snap["points"].shape == (512, 2)
    assert snap["heatmap"].shape == (48, 48) and ((snap["heatmap"] >= 0) & (snap["heatmap"] <= 1)).all()
    assert snap["arrows"].shape[1] == 4
    # the arrows are G's descent direction: moving the points along them lowers G's loss
    points = torch.from_numpy(snap["arrows"][:, :2])
    push = torch.from_numpy(snap["arrows"][:, 2:])
    from gan_core import losses
    with torch.no_grad():
        before = losses.generator_loss("ns", trainer.critic(points))[0]
        after = losses.generator_loss("ns", trainer.critic(points + 1e-3 * push / push.norm().clamp_min(1e-12)))[0]
    assert after.item() < before.item()


def test_metrics_are_recorded_during_training(tiny_config):
    trainer = Trainer(tiny_config, metrics_fn=quick_metrics)
    for _ in range(20):
        trainer.step()
    assert trainer.metrics["steps"] == [10, 20]
    assert set(trainer.metrics["values"]) >= {"modes_covered", "high_quality_fraction", "reverse_kl_all"}


def test_a_run_ends_measured_when_its_length_is_not_a_multiple_of_the_interval(tiny_config):
    # 300 steps measured every 250 ended with a quality chart stopping at 250; a run shorter than one interval
    # still measures nothing (a tiny run would otherwise pay for metrics it never asked for)
    def measured(steps, every):
        trainer = Trainer(tiny_config.replace(steps=steps, metrics_every=every),
                          metrics_fn=lambda t: {"at": t.step_count})
        for _ in range(steps):
            trainer.step()
        return trainer.metrics["steps"]

    assert measured(25, 10) == [10, 20, 25]
    assert measured(20, 10) == [10, 20]
    assert measured(8, 10) == []


def test_metrics_are_what_the_caller_injects(tiny_config):
    seen = []
    trainer = Trainer(tiny_config, metrics_fn=lambda t: seen.append(t.step_count) or {"steps_so_far": t.step_count})
    bare = _train(tiny_config, 20)
    for _ in range(20):
        trainer.step()
    assert seen == [10, 20] and trainer.metrics["values"] == {"steps_so_far": [10.0, 20.0]}
    assert bare.metrics == {"steps": [], "values": {}}  # training alone measures nothing
    # the job the app runs records the cheap metrics
    job = TrainingJob(tiny_config)
    job.start()
    job.join(30)
    assert set(job.snapshot()["metrics"]["values"]) >= {"modes_covered", "reverse_kl_all"}


def test_a_metric_missing_at_one_check_leaves_a_gap_at_that_step(tiny_config):
    # reverse KL over the high-quality samples has no value while no sample is high quality: its column kept
    # growing only when it had one, so every later point was drawn one check early (a value at step 200 that was
    # measured at 300, the last one missing)
    present = {20, 40, 50}
    trainer = Trainer(tiny_config.replace(steps=60), metrics_fn=lambda t: {
        "always": t.step_count, **({"sometimes": t.step_count, "none_now": None} if t.step_count in present else {})})
    for _ in range(60):
        trainer.step()
    steps, values = trainer.metrics["steps"], trainer.metrics["values"]
    assert steps == [10, 20, 30, 40, 50, 60]
    assert all(len(column) == len(steps) for column in values.values())
    assert values["always"] == [10.0, 20.0, 30.0, 40.0, 50.0, 60.0]
    for step, value in zip(steps, values["sometimes"]):
        assert (value == step) if step in present else math.isnan(value)
    assert all(math.isnan(v) for v in values["none_now"])


def test_nan_stops_training_and_rolls_back(tiny_config):
    trainer = _train(tiny_config, 6)  # a snapshot at step 5 stores the last good weights
    good = _weights(_train(tiny_config, 5))
    with torch.no_grad():
        next(trainer.generator.parameters()).fill_(float("nan"))
    with pytest.raises(TrainingDiverged, match="Rolled back to the weights of step 5"):
        trainer.step()
    assert torch.isfinite(_weights(trainer)).all()
    assert trainer.step_count == 5  # the step count goes back with the weights: a checkpoint tells the truth
    assert torch.equal(_weights(trainer), good)  # exactly the weights of step 5


def test_history_memory_is_bounded():
    history = History(capacity=100)
    for step in range(1, 10_001):
        history.append(step, {"loss": float(step)})
    assert len(history) <= 100
    assert history.steps[-1] > 9000
    # averaging keeps the curve's shape: values stay close to their step numbers
    assert all(abs(v - s) < history.stride for s, v in zip(history.steps, history.series["loss"]))


def _wait(predicate, timeout=20.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def test_job_runs_pauses_steps_resumes_and_finishes(tiny_config):
    job = TrainingJob(tiny_config.replace(steps=400))
    job.start()
    assert _wait(lambda: job.snapshot()["step"] >= 5)
    job.pause()
    assert _wait(lambda: job.snapshot()["status"] == PAUSED)
    time.sleep(0.1)
    paused_at = job.snapshot()["step"]
    time.sleep(0.2)
    assert job.snapshot()["step"] == paused_at
    job.step_once()
    assert _wait(lambda: job.snapshot()["step"] == paused_at + 1)
    job.resume()
    assert _wait(lambda: job.snapshot()["status"] == FINISHED)
    snap = job.snapshot()
    assert snap["step"] == 400 and snap["history"]["steps"][-1] == 400
    assert isinstance(snap["history"]["series"]["loss_d"][0], float)
    job.join(5)
    assert not job.thread_alive


def test_job_stop_and_failure_are_reported(tiny_config):
    job = TrainingJob(tiny_config.replace(steps=100_000))
    job.start()
    assert _wait(lambda: job.snapshot()["step"] > 2)
    job.stop()
    assert _wait(lambda: job.snapshot()["status"] == STOPPED)

    def exploding(config, dataset=None):
        trainer = Trainer(config, dataset)
        with torch.no_grad():
            for p in trainer.generator.parameters():
                p.fill_(float("inf"))
        return trainer

    bad = TrainingJob(tiny_config, trainer_factory=exploding)
    bad.start()
    assert _wait(lambda: bad.snapshot()["status"] == FAILED)
    assert "diverged" in bad.snapshot()["error"]


def test_job_payload_can_be_saved_while_running(tiny_config, tmp_path):
    job = TrainingJob(tiny_config.replace(steps=100_000))
    job.start()
    assert _wait(lambda: job.snapshot()["step"] > 3)
    path = save_checkpoint(job.checkpoint_payload(), tmp_path / "live.pt")
    job.stop()
    job.join(5)
    assert load_checkpoint(path).step > 3
