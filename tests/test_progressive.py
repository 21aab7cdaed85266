"""Progressive GAN family: the stage schedule, fade-in in both networks, buffers that resume, checkpoints.

What every family promises (a seed replays, checkpoints, resuming, GAN options, bf16) is tested once for all in
test_family_contract.py; this file tests what only this family does.
"""
import pytest
import torch
import torch.nn.functional as F

from gan_core.checkpoints import load_checkpoint, save_checkpoint, trainer_payload
from gan_core.config import ConfigError, TrainConfig
from gan_core.families import progressive
from gan_core.latents import LatentModel
from gan_core.training import Trainer


@pytest.fixture
def config():
    """8x8 digits: two stages (4x4, 8x8) of 4 steps each, the first 2 steps of stage 1 fading in."""
    return TrainConfig(dataset="digits", model="progan", image_size=8, latent_dim=4, hidden=8, batch_size=8,
                       steps=8, stage_steps=4, sample_every=2, metrics_every=0, seed=5)


def _train(config, steps):
    trainer = Trainer(config, device="cpu")
    for _ in range(steps):
        trainer.step()
    return trainer


def test_schedule_fades_each_new_stage_in_over_its_first_half():
    config = TrainConfig(dataset="digits", model="progan", image_size=16, steps=3000, stage_steps=100)
    assert progressive.schedule(0, config) == (0, 1.0)  # 4x4 needs no fade: nothing came before it
    assert progressive.schedule(99, config) == (0, 1.0)
    assert progressive.schedule(100, config) == (1, 0.0)  # a new block starts invisible...
    assert progressive.schedule(125, config) == (1, 0.5)
    assert progressive.schedule(150, config) == (1, 1.0)  # ...and is fully in after half a stage
    assert progressive.schedule(200, config) == (2, 0.0)
    assert progressive.schedule(5000, config) == (2, 1.0)  # past the schedule: the last stage, no fade


def test_the_time_left_is_a_lower_bound_until_the_last_resolution():
    # a larger resolution trains slower (27 steps/s at 4x4, 11 at 16x16 on 2 cores), so a time left from the
    # current speed grew as the run went on: the job says when it is only a lower bound, and the page says "at least"
    from app.train_panel import progress_text
    from gan_core.runtime.job import RUNNING, TrainingJob

    config = TrainConfig(dataset="digits", model="progan", image_size=16, steps=300, stage_steps=100)
    ahead = config.family.slower_ahead
    assert [ahead(step, config) for step in (0, 99, 100, 199, 200, 299, 400)] == [True] * 4 + [False] * 3
    job = TrainingJob(config, name="grows")
    assert job.snapshot(history_points=0)["eta_is_floor"] is True
    assert TrainingJob(TrainConfig(dataset="digits", model="gan", image_size=16)).snapshot()["eta_is_floor"] is False
    view = {"status": RUNNING, "step": 50, "target_steps": 300, "steps_per_second": 25.0, "eta_seconds": 10.0}
    assert "at least 10" in progress_text({**view, "eta_is_floor": True})
    assert "about 10" in progress_text({**view, "eta_is_floor": False}) and "at least" not in progress_text(view)
    # the speed keeps its meaning at any rate: a 28-px run on a slow core read "0 steps/s"
    speeds = {rate: progress_text({**view, "steps_per_second": rate}) for rate in (1234.4, 25.0, 2.46, 0.2)}
    assert "1,234 steps/s" in speeds[1234.4] and "25 steps/s" in speeds[25.0] and "2.5 steps/s" in speeds[2.46]
    assert "5.0 s a step" in speeds[0.2] and "steps/s" not in speeds[0.2]


def test_stage_steps_zero_splits_the_run_evenly():
    config = TrainConfig(dataset="digits", model="progan", image_size=32, steps=400, stage_steps=0)
    assert progressive.steps_per_stage(config) == 100  # four stages: 4, 8, 16, 32
    assert [progressive.schedule(s, config)[0] for s in (0, 99, 100, 200, 300, 399)] == [0, 0, 1, 2, 3, 3]


def test_history_records_resolution_and_alpha_every_step(config):
    trainer = _train(config, 8)
    series = trainer.history.series
    assert series["resolution"] == [4.0] * 4 + [8.0] * 4
    assert series["alpha"] == [1.0, 1.0, 1.0, 1.0, 0.0, 0.5, 1.0, 1.0]
    assert {"loss_d", "loss_g", "d_real", "d_fake"} <= set(series)
    assert {"resolution", "alpha"} <= set(progressive.FAMILY.loss_keys)
    snapshot = trainer.snapshots[-1]
    assert snapshot["resolution"] == 8 and snapshot["alpha"] == 1.0
    early = [s for s in trainer.snapshots if s["step"] == 2][0]
    assert early["resolution"] == 4 and early["grid"].dtype.name == "uint8"


def test_generator_always_returns_full_size_images_blocky_at_low_resolution(config):
    trainer = _train(config, 2)  # still at 4x4
    images = trainer.generate(trainer.noise(3))
    assert images.shape == (3, 1, 8, 8)
    assert images.abs().max() <= 1.0
    # each 2x2 block is one 4x4 pixel enlarged: pooling and enlarging again changes nothing
    blocky = F.interpolate(F.avg_pool2d(images, 2), scale_factor=2, mode="nearest")
    assert torch.allclose(images, blocky, atol=1e-6)
    assert images.std() > 0  # not a constant picture
    trainer = _train(config, 8)  # at 8x8 the pixels are free
    images = trainer.generate(trainer.noise(3))
    assert not torch.allclose(images, F.interpolate(F.avg_pool2d(images, 2), scale_factor=2, mode="nearest"))


def test_fade_in_starts_from_the_previous_resolution_in_both_networks(config):
    torch.manual_seed(0)
    models = progressive.build(config, (1, 8, 8))
    generator, critic = models["generator"].eval(), models["discriminator"].eval()
    z, x = torch.randn(5, 4), torch.rand(5, 1, 8, 8) * 2 - 1
    with torch.no_grad():
        generator.set_progress(0, 1.0)
        critic.set_progress(0, 1.0)
        old_image, old_score = generator(z), critic(x)
        generator.set_progress(1, 0.0)
        critic.set_progress(1, 0.0)
        assert torch.allclose(generator(z), old_image, atol=1e-6)  # alpha 0: the new block is invisible
        assert torch.allclose(critic(x), old_score, atol=1e-5)
        generator.set_progress(1, 0.5)
        critic.set_progress(1, 0.5)
        assert not torch.allclose(generator(z), old_image, atol=1e-4)
        assert not torch.allclose(critic(x), old_score, atol=1e-4)


def test_real_images_are_pooled_and_blended_like_the_generator_output():
    images = torch.rand(2, 1, 8, 8)
    pooled = F.avg_pool2d(images, 2)
    assert torch.equal(progressive.fade_real(images, 0, 1.0), pooled)  # 4x4 stage: 8x8 -> 4x4
    assert torch.equal(progressive.fade_real(images, 1, 1.0), images)
    blocky = F.interpolate(F.avg_pool2d(images, 2), scale_factor=2, mode="nearest")
    assert torch.allclose(progressive.fade_real(images, 1, 0.0), blocky)
    assert torch.allclose(progressive.fade_real(images, 1, 0.25), 0.75 * blocky + 0.25 * images)


def test_training_shows_d_real_images_at_the_current_resolution_and_fade(config):
    trainer = Trainer(config, device="cpu")
    seen = []
    trainer.models["discriminator"].register_forward_hook(lambda module, inputs, output: seen.append(inputs[0].detach()))
    trainer.step()  # stage 0: D's first input of a step is the real batch
    assert seen[0].shape[-1] == 4
    for _ in range(4):  # steps 2-5; step 5 is the first of the 8x8 stage, alpha 0
        seen.clear()
        trainer.step()
    real = seen[0]
    assert real.shape[-1] == 8
    blocky = F.interpolate(F.avg_pool2d(real, 2), scale_factor=2, mode="nearest")
    assert torch.allclose(real, blocky, atol=1e-6)  # alpha 0: as blocky as the generator's output still is
    assert real.std() > 0


def test_discriminator_pools_full_size_inputs_to_its_resolution(config):
    torch.manual_seed(0)
    critic = progressive.build(config, (1, 8, 8))["discriminator"].eval()
    critic.set_progress(0, 1.0)
    x = torch.rand(4, 1, 8, 8)
    with torch.no_grad():
        assert torch.allclose(critic(x), critic(F.avg_pool2d(x, 2)), atol=1e-6)
    assert critic(x).shape == (4,)


def test_checkpoint_taken_mid_fade_keeps_the_stage_and_alpha(config, tmp_path):
    """At alpha 0 the new block is invisible, so samples alone cannot tell a lost stage; the stored buffers can."""
    half = _train(config, 5)  # mid-fade: stage 1, alpha 0.0 after step 5
    assert int(half.generator.stage) == 1 and float(half.generator.alpha) == 0.0
    checkpoint = load_checkpoint(save_checkpoint(trainer_payload(half), tmp_path / "progan.pt"))
    assert int(checkpoint.state["models"]["generator.stage"]) == 1
    model = LatentModel(checkpoint)
    assert int(model.generator.stage) == 1 and float(model.generator.alpha) == 0.0
    assert model.sample(4, seed=1).shape == (4, 1, 8, 8)
    resumed = Trainer.from_checkpoint(checkpoint, device="cpu")
    for _ in range(3):
        resumed.step()
    assert resumed.history.series["alpha"] == [1.0] * 4 + [0.0, 0.5, 1.0, 1.0]


def test_stage_images_draw_the_same_latents_at_every_grown_stage(config):
    """What the Sample & Blend tab shows: each stage's to-RGB head at its own resolution; the last is the model's
    own output once its fade is over."""
    z = torch.randn(3, config.latent_dim, generator=torch.Generator().manual_seed(0))
    early = _train(config, 2).generator  # still 4x4: there is nothing grown yet to show
    assert {r: tuple(x.shape) for r, x in progressive.stage_images(early, z).items()} == {4: (3, 1, 4, 4)}
    grown = _train(config, 8).generator  # 8x8 with the fade over
    stages = progressive.stage_images(grown, z)
    assert {r: tuple(x.shape) for r, x in stages.items()} == {4: (3, 1, 4, 4), 8: (3, 1, 8, 8)}
    assert grown.training  # its mode comes back
    with torch.no_grad():
        assert torch.allclose(stages[8], grown.eval()(z), atol=1e-6)
        assert torch.allclose(stages[4], torch.tanh(grown.to_rgb[0](grown.first(
            grown.project(grown.normalise(z)).view(3, grown.base_width, 4, 4)))), atol=1e-6)


def test_impossible_combinations_are_explained():
    base = TrainConfig(dataset="digits", model="progan", image_size=16, steps=300)
    problems = base.replace(stage_steps=200).validate()
    assert "stage_steps" in problems and "16x16" in problems["stage_steps"]
    assert base.replace(stage_steps=100).validate() == {}
    assert "arch" in base.replace(arch="mlp").validate()
    with pytest.raises(ConfigError):
        Trainer(base.replace(stage_steps=200))


def test_class_metrics_wait_until_g_draws_at_full_size(config):
    """The class judge, trained on full-size digits, read ProGAN's upscaled 4-px blobs as every class at once
    ("10/10 classes covered" at step 200): classes covered and class KL are recorded from the last resolution on;
    the feature distance all along."""
    from gan_core.evaluation.evaluate import quick_metrics

    trainer = Trainer(config.replace(metrics_every=2), device="cpu", metrics_fn=quick_metrics)
    coarse = []
    for _ in range(8):
        trainer.step()
        coarse.append(progressive.FAMILY.coarse(trainer))
    # 4x4 for four steps, then 8x8 (this config's full size) fading in over two (α 0, 0.5): blobs until α is 1
    assert coarse == [True] * 6 + [False] * 2
    values = trainer.metrics["values"]
    assert trainer.metrics["steps"] == [2, 4, 6, 8]
    for key in ("modes_covered", "class_kl"):
        assert [value == value for value in values[key]] == [False, False, False, True], (key, values[key])
    assert all(value == value for value in values["fd"])
