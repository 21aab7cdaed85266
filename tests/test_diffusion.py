"""The "ddpm" family: DDPM training, deterministic DDIM sampling, the teaching chains, checkpoints.

What every family promises (a seed replays, checkpoints, resuming, GAN options, bf16) is tested once for all in
test_family_contract.py; this file tests what only this family does.
"""
import copy

import numpy as np
import pytest
import torch

from app.train_text import FAMILY_EXPLAIN
from gan_core.checkpoints import save_checkpoint, trainer_payload
from gan_core.config import ConfigError, TrainConfig
from gan_core.families import diffusion
from gan_core.latents import LatentModel, interpolate, sample_latents
from gan_core.evaluation.evaluate import quick_metrics
from gan_core.training import Trainer


@pytest.fixture
def points_config():
    """A ring-8 diffusion small enough to take dozens of steps in well under a second."""
    return TrainConfig(dataset="ring8", model="ddpm", hidden=32, depth=2, batch_size=64, steps=20,
                       diffusion_steps=40, sample_steps=8, lr_g=2e-3, beta1=0.9, sample_every=5,
                       metrics_every=10, seed=3, n_points=1000)


@pytest.fixture
def image_config():
    return TrainConfig(dataset="digits", model="ddpm", image_size=8, hidden=8, batch_size=8, steps=4,
                       diffusion_steps=20, sample_steps=4, sample_every=2, metrics_every=0, seed=1)


def _train(config, steps):
    trainer = Trainer(config)
    for _ in range(steps):
        trainer.step()
    return trainer


# -- the family and its config -------------------------------------------------------------------------------

@pytest.mark.parametrize("overrides, field, words", [
    (dict(diffusion_steps=10, sample_steps=20), "sample_steps", "cannot exceed diffusion_steps"),
    (dict(pack=2), "pack", "Packing is a GAN trick"),
    (dict(n_critic=3), "n_critic", "no discriminator"),
    (dict(r1_gamma=1.0), "r1_gamma", "R1 penalty"),
])
def test_impossible_combinations_get_one_readable_sentence(overrides, field, words):
    config = TrainConfig(dataset="ring8", model="ddpm", **overrides)
    problems = config.validate()
    assert field in problems and words in problems[field]
    with pytest.raises(ConfigError) as error:
        config.check()
    assert error.value.field == field and "\n" not in error.value.message
    assert TrainConfig(dataset="ring8", model="ddpm").validate() == {}
    assert TrainConfig(dataset="digits", model="ddpm", image_size=32).validate() == {}


# -- the schedule -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("levels", [2, 10, 100, 1000])
def test_cosine_schedule_runs_from_almost_clean_to_pure_noise(levels):
    abar = diffusion.cosine_alphas_cumprod(levels)
    assert abar.shape == (levels,)
    assert torch.all(abar[1:] < abar[:-1])  # strictly more noise at every level
    assert abar[-1] < 1e-3  # x_T is (nearly) pure noise, so sampling may start from N(0, I)
    if levels >= 10:
        assert abar[0] > 0.97
    # cosine, not linear betas: half-way through, about half the signal power is left (linear keeps far less)
    if levels >= 100:
        assert 0.4 < float(abar[levels // 2]) < 0.6


def test_ddim_timesteps_are_distinct_descending_and_checked():
    assert diffusion.ddim_timesteps(100, 5) == [99, 74, 50, 25, 0]
    assert diffusion.ddim_timesteps(10, 10) == list(range(9, -1, -1))
    assert diffusion.ddim_timesteps(10, 1) == [9]
    for bad in (0, 11):
        with pytest.raises(ValueError, match="between 1 and 10"):
            diffusion.ddim_timesteps(10, bad)


# -- training ---------------------------------------------------------------------------------------------

def test_points_run_trains_and_records_history_and_chain(points_config):
    trainer = Trainer(points_config, metrics_fn=quick_metrics)
    for _ in range(10):
        trainer.step()
    sampler = trainer.generator
    assert sampler.latent_dim == 2 and trainer.latent_dim == 2
    assert set(trainer.history.series) == {"loss", "loss_t_low", "loss_t_high", "grad_norm_g"}
    assert trainer.family.loss_keys[0] == "loss"  # the curve drawn first
    assert trainer.metrics["steps"] == [10] and "modes_covered" in trainer.metrics["values"]
    snap = trainer.snapshots[-1]
    assert snap["points"].shape == (512, 2) and "heatmap" not in snap
    assert snap["chain"].shape == (diffusion.CHAIN_FRAMES, diffusion.CHAIN_POINTS, 2)
    assert snap["chain"].dtype == np.float32
    assert snap["chain_steps"][0] == points_config.diffusion_steps - 1 and snap["chain_steps"][-1] == -1
    # the chain ends where the snapshot's samples are: the same first latents, the same sampler
    assert np.allclose(snap["chain"][-1], snap["points"][:diffusion.CHAIN_POINTS], atol=1e-5)
    # 2-D data is standardised with statistics measured from the data (ring8: centred, radius 1)
    assert sampler.is_calibrated and abs(float(sampler.data_scale) - 0.707) < 0.03
    assert float(sampler.data_mean.abs().max()) < 0.05


def test_image_run_trains_with_a_unet_and_stores_a_chain_grid(image_config):
    trainer = _train(image_config, 2)
    assert isinstance(trainer.generator.denoiser, diffusion.TinyUNet)
    assert trainer.generator.latent_dim == 64  # 1 x 8 x 8: the starting noise is an image
    out = trainer.generate(trainer.fixed_noise[:3])
    assert out.shape == (3, 1, 8, 8) and out.min() >= -1 and out.max() <= 1
    snap = trainer.snapshots[-1]
    assert snap["grid"].dtype == np.uint8
    chain = snap["chain"]
    # one row per chain image, one 8-pixel tile (1-pixel padding) per state: 4 DDIM steps visit 5 states
    frames = min(diffusion.CHAIN_FRAMES, image_config.sample_steps + 1)
    assert chain.dtype == np.uint8 and chain.shape == (diffusion.CHAIN_IMAGES * 9 + 1, frames * 9 + 1, 3)
    assert snap["chain_steps"] == [19, 13, 6, 0, -1]
    # arch=mlp on images is allowed too: the MLP denoiser works on the flattened pixels
    mlp = Trainer(image_config.replace(arch="mlp"))
    assert isinstance(mlp.generator.denoiser, diffusion.MLPDenoiser)
    mlp.step()
    assert mlp.generate(mlp.fixed_noise[:2]).shape == (2, 1, 8, 8)


def test_loss_is_the_epsilon_prediction_error_at_stratified_noise_levels(points_config):
    """Replay one step by hand: x_t = sqrt(abar) x0 + sqrt(1 - abar) eps, loss = mean (eps_theta - eps)^2."""
    trainer = Trainer(points_config)
    trainer.step()  # calibrates; the replay below starts from the state after it
    sampler = trainer.generator
    state = trainer.rng.get_state()
    weights = copy.deepcopy(sampler.state_dict())
    values = trainer.step()
    sampler.load_state_dict(weights)
    rng = torch.Generator().manual_seed(0)
    rng.set_state(state)
    n, levels = points_config.batch_size, points_config.diffusion_steps
    x0, _ = trainer.dataset.sample_batch(n, rng)
    x0 = (x0 - sampler.data_mean) / sampler.data_scale
    eps = torch.randn(n, 2, generator=rng)
    t = ((torch.arange(n) + torch.rand(n, generator=rng)) * levels / n).long()
    abar = diffusion.cosine_alphas_cumprod(levels).float()[t][:, None]
    with torch.no_grad():
        per_sample = (sampler.denoiser(abar.sqrt() * x0 + (1 - abar).sqrt() * eps, t) - eps).pow(2).mean(dim=1)
    assert values["loss"] == pytest.approx(float(per_sample.mean()), rel=1e-5)
    assert values["loss_t_low"] == pytest.approx(float(per_sample[: n // 2].mean()), rel=1e-5)
    assert values["loss_t_high"] == pytest.approx(float(per_sample[n // 2:].mean()), rel=1e-5)
    # stratified: every slice of [0, T) is visited once per batch, low levels first
    assert t.min() == 0 and t.max() == levels - 1 and torch.all(t[1:] >= t[:-1])


def test_training_pulls_samples_onto_the_ring(points_config):
    config = points_config.replace(hidden=64, batch_size=128, sample_every=1000, metrics_every=0, lr_decay=True,
                                   steps=300)
    trainer = Trainer(config)
    trainer.step()
    z = sample_latents(500, 2, seed=0)
    before = (trainer.generate(z).norm(dim=1) - 1).abs().mean()
    while trainer.step_count < config.steps:
        trainer.step()
    after = (trainer.generate(z).norm(dim=1) - 1).abs().mean()
    assert after < 0.5 * before and after < 0.15
    low, high = trainer.history.series["loss_t_low"], trainer.history.series["loss_t_high"]
    assert np.mean(trainer.history.series["loss"][-50:]) < np.mean(trainer.history.series["loss"][:10])
    # predicting the noise is harder when there is little of it: the low-noise half keeps the higher loss, as the
    # Train page's "What am I looking at?" says (it said the opposite, beside a chart that showed this)
    assert np.mean(low[-50:]) > np.mean(high[-50:])
    assert "low-noise loss stays above the high-noise one" in FAMILY_EXPLAIN["ddpm"][0]
    assert "低噪声损失一直高于高噪声损失" in FAMILY_EXPLAIN["ddpm"][1]


def test_rolling_back_to_uncalibrated_weights_calibrates_again(points_config):
    trainer = Trainer(points_config)
    initial = copy.deepcopy(trainer.models.state_dict())
    trainer.step()
    assert trainer.generator.is_calibrated
    trainer.models.load_state_dict(initial)  # what Trainer._rollback does after a divergence at step 1
    assert not trainer.generator.is_calibrated and float(trainer.generator.data_scale) == 1.0
    trainer.step()
    assert trainer.generator.is_calibrated and float(trainer.generator.data_scale) != 1.0


# -- sampling ---------------------------------------------------------------------------------------------

def test_ddim_sampling_is_deterministic_and_steps_change_at_call_time(points_config):
    trainer = _train(points_config.replace(sample_every=100, metrics_every=0), 60)
    sampler = trainer.generator
    z = sample_latents(6, 2, seed=4)
    first = diffusion.sample(trainer.models, z)
    assert torch.equal(first, diffusion.sample(sampler, z))  # eta = 0: no fresh noise anywhere
    assert torch.allclose(first[:2], diffusion.sample(sampler, z[:2]), atol=1e-6)  # a sample ignores its batch
    assert torch.equal(first, trainer.generate(z).cpu())  # default steps = config.sample_steps
    fewer = diffusion.sample(sampler, z, steps=2)
    assert not torch.allclose(first, fewer)
    assert sampler.sample_steps == points_config.sample_steps  # a call never changes the stored default
    sampler.sample_steps = 2
    assert torch.equal(trainer.generate(z).cpu(), fewer)
    with pytest.raises(ValueError, match="between 1 and 40"):
        diffusion.sample(sampler, z, steps=41)
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        sampler(torch.zeros(3, 5))


def test_interpolating_starting_noise_gives_a_path_between_two_samples(points_config):
    trainer = _train(points_config, 5)
    a, b = sample_latents(2, 2, seed=9)
    path = diffusion.sample(trainer.models, interpolate(a, b, 5, mode="slerp"))
    ends = diffusion.sample(trainer.models, torch.stack([a, b]))
    assert torch.allclose(path[0], ends[0], atol=1e-6) and torch.allclose(path[-1], ends[1], atol=1e-6)


def test_denoising_chain_goes_from_the_noise_to_the_sample(points_config, image_config):
    trainer = _train(points_config, 3)
    sampler = trainer.generator
    z = sample_latents(4, 2, seed=2)
    chain = diffusion.denoising_chain(sampler, z, keep=5)
    assert chain["frames"].shape == (5, 4, 2) and chain["predicted"].shape == (5, 4, 2)
    assert np.allclose(chain["frames"][0], sampler.denormalise(z).numpy(), atol=1e-6)  # x_T is the latent
    assert np.allclose(chain["frames"][-1], diffusion.sample(sampler, z).numpy(), atol=1e-6)
    assert chain["timesteps"][0] == 39 and chain["timesteps"][-1] == -1
    assert chain["noise_std"][-1] == 0.0 and all(a > b for a, b in zip(chain["noise_std"], chain["noise_std"][1:]))
    # more frames than the path has: every state once (8 steps -> 9 states)
    assert len(diffusion.denoising_chain(sampler, z, steps=8, keep=50)["timesteps"]) == 9
    with pytest.raises(ValueError, match="at least 2 frames"):
        diffusion.denoising_chain(sampler, z, keep=1)
    images = _train(image_config, 1)
    chain = diffusion.denoising_chain(images.models, images.fixed_noise[:2], keep=3)
    assert chain["frames"].shape == (3, 2, 1, 8, 8)
    assert chain["predicted"].min() >= -1 and chain["predicted"].max() <= 1
    with pytest.raises(ValueError, match="not a diffusion model"):
        diffusion.denoising_chain(Trainer(TrainConfig(dataset="ring8", hidden=8, depth=1)).models, z)


def test_noising_chain_mixes_one_sample_with_one_noise(points_config):
    x0 = torch.tensor([[0.5, -0.25]])  # one 2-D point
    chain = diffusion.noising_chain(x0, points_config, ts=[0, 10, 39], seed=5)
    frames = torch.from_numpy(chain["frames"])  # (3, 1, 2)
    assert frames.shape == (3, 1, 2) and chain["timesteps"] == [0, 10, 39]
    signal, spread = torch.tensor(chain["signal"]), torch.tensor(chain["noise_std"])
    assert torch.allclose(signal ** 2 + spread ** 2, torch.ones(3), atol=1e-6)
    # each frame is sqrt(abar) x0 + sqrt(1 - abar) eps with the SAME eps: recover it from every frame
    eps = (frames - signal[:, None, None] * x0) / spread[:, None, None]
    assert torch.allclose(eps, eps[0:1].expand_as(eps), atol=1e-4)
    assert torch.allclose(frames[0], x0, atol=0.05)  # the first level is nearly clean
    assert float(signal[-1]) < 0.05  # the last is nearly pure noise
    # default: 8 levels from 0 to T-1; an int T works as the schedule too
    assert diffusion.noising_chain(np.zeros(2, np.float32), 40)["timesteps"] == [0, 6, 11, 17, 22, 28, 33, 39]
    with pytest.raises(ValueError, match="between 0 and 39"):
        diffusion.noising_chain(x0, points_config, ts=[40])
    # with a trained sampler, 2-D data is noised in the model's standardised space
    trainer = _train(points_config, 1)
    scaled = diffusion.noising_chain(x0, trainer.generator, ts=[39], seed=5)["frames"][0]
    expected = (signal[-1] * (x0 - trainer.generator.data_mean) / trainer.generator.data_scale + spread[-1] * eps[0])
    assert np.allclose(scaled, (expected * trainer.generator.data_scale + trainer.generator.data_mean).numpy(), atol=1e-5)


def test_sampling_cost_grows_with_steps_and_compares_with_a_gan(points_config, tiny_config):
    trainer = _train(points_config, 1)
    one = diffusion.sampling_cost(trainer.models, n=64, steps=1, repeats=2)
    many = diffusion.sampling_cost(trainer.generator, n=64, steps=40, repeats=2)
    assert one["network_calls"] == 1 and many["network_calls"] == 40
    assert many["seconds_per_sample"] > one["seconds_per_sample"] > 0
    assert many["seconds_per_batch"] == pytest.approx(64 * many["seconds_per_sample"])
    gan = diffusion.sampling_cost(Trainer(tiny_config).models, n=64)
    assert gan["network_calls"] == 1 and gan["seconds_per_sample"] > 0
    with pytest.raises(ValueError, match="between 1 and 40"):
        diffusion.sampling_cost(trainer.models, steps=0)


# -- checkpoints ------------------------------------------------------------------------------------------

def test_a_loaded_checkpoint_samples_with_fewer_steps_like_its_trainer(image_config, tmp_path):
    trainer = _train(image_config, 2)
    model = LatentModel.load(save_checkpoint(trainer_payload(trainer), tmp_path / "img.pt"))
    z = sample_latents(3, 64, seed=1)
    fewer = diffusion.sample(model, z, steps=2)  # through the model's lock
    assert fewer.shape == (3, 1, 8, 8) and torch.equal(fewer, diffusion.sample(trainer.models, z, steps=2))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_trains_and_samples_on_cuda(points_config, image_config):
    for config in (points_config, image_config):
        trainer = Trainer(config, device="cuda")
        for _ in range(3):
            trainer.step()
        assert trainer.generate(trainer.fixed_noise[:2]).device.type == "cuda"
        chain = diffusion.denoising_chain(trainer.models, trainer.fixed_noise[:2], keep=3)
        assert np.isfinite(chain["frames"]).all()
        assert diffusion.sampling_cost(trainer.models, n=4, steps=2, repeats=1)["seconds_per_sample"] > 0


@pytest.mark.parametrize("name", ["ring8-ddpm", "digits-ddpm"])
def test_presets_are_valid_diffusion_runs(name):
    from gan_core.presets import PRESETS, preset_config

    # each preset names its model; no seconds, which the Train page's one core did not keep (test_page_train)
    assert "DDPM" in PRESETS[name].description
    config = preset_config(name, steps=2, sample_every=1000, metrics_every=0).check()
    assert config.model == "ddpm" and config.sample_steps <= config.diffusion_steps
    trainer = Trainer(config)
    assert 0 < trainer.step()["loss"] < 10


def test_the_first_guess_of_a_chain_is_clipped_noise_and_the_next_is_not():
    """What the Sample & Blend caption says of the guesses, on the shipped digits model: from pure noise (the last
    noise level keeps sqrt(abar) ~ 5e-4 of the data) the guess of x0 is the network's error magnified ~2000 times
    and clipped to +-1; one step later it is a grey, blurry average, with few pixels at the limits."""
    from gan_core.latents import LatentModel, sample_latents
    from gan_core.store import DEMO_DIR

    model = LatentModel.load(DEMO_DIR / "digits-ddpm.pt")
    chain = diffusion.denoising_chain(model, sample_latents(4, model.latent_dim, 0), steps=20, keep=20)
    assert chain["signal"][0] < 1e-3 and chain["signal"][-1] == 1.0
    assert np.allclose(np.square(chain["signal"][:-1]) + np.square(chain["noise_std"][:-1]), 1.0, atol=1e-5)
    at_limits = [float((np.abs(guess) > 0.99).mean()) for guess in chain["predicted"]]
    assert at_limits[0] > 0.9 and max(at_limits[1:]) < 0.5, at_limits
