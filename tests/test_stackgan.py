"""StackGAN: a half-size stage-I image refined by stage II, one discriminator per size (gan_core/families/stackgan.py).

What every family promises (a seed replays, checkpoints, resuming, GAN options, bf16) is tested once for all in
test_family_contract.py; this file tests what only this family does.
"""
import pytest
import torch
import torch.nn.functional as F

from gan_core.checkpoints import load_checkpoint, save_checkpoint, trainer_payload
from gan_core.config import ConfigError, TrainConfig
from gan_core.families import stackgan
from gan_core.families.stackgan import two_stage
from gan_core.images import make_grid
from gan_core.latents import LatentModel, sample_latents
from gan_core.training import Trainer


def _config(**overrides):
    base = dict(dataset="shapes", model="stackgan", image_size=16, latent_dim=4, hidden=8, batch_size=8, steps=10,
                sample_every=3, metrics_every=0, seed=2)
    return TrainConfig(**{**base, **overrides})


def _train(config, steps):
    trainer = Trainer(config)
    for _ in range(steps):
        trainer.step()
    return trainer


def _flat(module):
    return torch.cat([p.detach().flatten() for p in module.parameters()])


def test_stage_one_draws_half_size_and_the_generator_returns_full_size():
    generator = Trainer(_config()).generator.eval()
    z = sample_latents(5, generator.latent_dim, 0)
    with torch.no_grad():
        assert generator.stage1(z).shape == (5, 3, 8, 8)
        assert generator(z).shape == (5, 3, 16, 16)
        assert generator(z, torch.zeros(5, dtype=torch.long)).shape == (5, 3, 16, 16)  # labels are ignored


def test_two_stage_returns_the_upsampled_stage_one_image_and_the_final_one():
    generator = Trainer(_config()).generator
    generator.train()
    z = sample_latents(4, generator.latent_dim, 1)
    low_up, final = two_stage(generator, z)
    assert low_up.shape == final.shape == (4, 3, 16, 16)
    assert generator.training  # restored
    generator.eval()
    with torch.no_grad():
        low = generator.stage1(z)
        assert torch.allclose(low_up, low.repeat_interleave(2, dim=2).repeat_interleave(2, dim=3))
        assert torch.allclose(final, generator(z))


def test_stage_two_refines_its_input_starting_from_the_identity():
    generator = Trainer(_config()).generator.eval()
    z = sample_latents(4, generator.latent_dim, 2)
    low_up, final = two_stage(generator, z)
    # untrained, stage II's correction is zero: the final image is the blocky stage-I image
    assert torch.allclose(final, low_up.clamp(-0.999, 0.999), atol=1e-5)
    # and it really reads that image: a bright stage-I picture stays bright, a dark one dark
    with torch.no_grad():
        bright = generator.stage_two(torch.full_like(low_up, 0.9), z)
        dark = generator.stage_two(torch.full_like(low_up, -0.9), z)
    assert (bright - dark).mean() > 1.5


def test_both_discriminators_learn_each_step_and_d1_sees_half_size_images():
    trainer = Trainer(_config())
    seen = []
    trainer.models["discriminator_low"].register_forward_hook(lambda module, args, out: seen.append(args[0].shape))
    d_low, d_high = _flat(trainer.models["discriminator_low"]), _flat(trainer.models["discriminator"])
    stage_one = _flat(trainer.generator.stage_one)
    values = trainer.step()
    assert not torch.equal(d_low, _flat(trainer.models["discriminator_low"]))
    assert not torch.equal(d_high, _flat(trainer.models["discriminator"]))
    assert not torch.equal(stage_one, _flat(trainer.generator.stage_one))
    assert seen and all(shape[1:] == (3, 8, 8) for shape in seen)
    for key in ("loss_d", "loss_g", "loss_d1", "loss_g1", "d_real", "d_fake", "consistency"):
        assert key in values and values[key] == values[key]  # present and not NaN
    assert {"loss_d1", "loss_g1"} <= set(trainer.family.loss_keys)


def test_snapshot_adds_the_stage_one_grid_beside_the_grid():
    trainer = _train(_config(), 3)
    snap = trainer.snapshots[-1]
    assert snap["stage1_grid"].dtype.name == "uint8" and snap["stage1_grid"].shape == snap["grid"].shape
    low_up, _ = two_stage(trainer.generator, trainer.fixed_noise)
    assert (snap["stage1_grid"] == make_grid(low_up, nrow=8)).all()
    assert not (snap["stage1_grid"] == snap["grid"]).all()


def test_a_loaded_checkpoint_draws_the_same_two_stages(tmp_path):
    trainer = _train(_config(), 3)
    path = save_checkpoint(trainer_payload(trainer), tmp_path / "stack.pt")
    model = LatentModel.load(load_checkpoint(path))
    z = sample_latents(6, model.latent_dim, 1)
    low_a, final_a = two_stage(model.generator, z)
    low_b, final_b = two_stage(trainer.generator, z)
    assert torch.allclose(low_a, low_b, atol=1e-6) and torch.allclose(final_a, final_b, atol=1e-6)


@pytest.mark.parametrize("overrides, field, words", [
    ({"image_size": 8}, "image_size", "16 or 32"),
    ({"arch": "mlp"}, "arch", "conv"),
])
def test_impossible_combinations_are_refused_with_a_reason(overrides, field, words):
    with pytest.raises(ConfigError) as error:
        _config(**overrides).check()
    assert error.value.field == field and words in error.value.message


def test_consistency_keeps_the_shrunk_final_image_on_the_stage_one_image():
    """Trained with the consistency term, stage II may sharpen but not repaint: its output shrunk to half size
    stays close to stage I. Without the term (weight 0) it drifts further in the same number of steps."""
    def drift(weight):
        old = stackgan.CONSISTENCY_WEIGHT
        stackgan.CONSISTENCY_WEIGHT = weight
        try:
            trainer = _train(_config(hidden=16, batch_size=32, lr_g=1e-3, lr_d=1e-3, sample_every=1000), 60)
        finally:
            stackgan.CONSISTENCY_WEIGHT = old
        low_up, final = two_stage(trainer.generator, sample_latents(64, trainer.latent_dim, 9))
        return float((F.avg_pool2d(final, 2) - low_up[:, :, ::2, ::2]).abs().mean())

    kept, free = drift(stackgan.CONSISTENCY_WEIGHT), drift(0.0)
    assert kept < 0.02 and free > 2 * kept
