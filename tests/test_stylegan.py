"""Style-based generator family: per-layer styles, style mixing, noise inputs, w-space truncation, checkpoints.

What every family promises (a seed replays, checkpoints, resuming, GAN options, bf16) is tested once for all in
test_family_contract.py; this file tests what only this family does.
"""
import pytest
import torch

from gan_core.checkpoints import load_checkpoint, save_checkpoint, trainer_payload
from gan_core.config import TrainConfig
from gan_core.families import stylegan
from gan_core.latents import LatentModel
from gan_core.training import Trainer


@pytest.fixture
def config():
    """8x8 digits: three style layers (4x4, 8x8, 8x8), a one-layer mapping net."""
    return TrainConfig(dataset="digits", model="stylegan", image_size=8, latent_dim=4, hidden=8, depth=1,
                       batch_size=8, steps=10, sample_every=3, metrics_every=0, seed=5)


def _train(config, steps):
    trainer = Trainer(config, device="cpu")
    for _ in range(steps):
        trainer.step()
    return trainer


def _generator(config, size=8, channels=1):
    torch.manual_seed(0)
    generator = stylegan.build(config.replace(image_size=size), (channels, size, size))["generator"].eval()
    with torch.no_grad():  # training would make noise matter; a fresh net has it switched off (strength 0)
        for layer in generator.layers:
            layer.noise_strength.fill_(0.5)
    return generator


def test_trains_and_snapshots_hold_a_style_mixing_figure(config):
    trainer = _train(config, 3)
    assert {"loss_d", "loss_g", "d_real", "d_fake", "grad_norm_g"} <= set(trainer.history.series)
    assert trainer.generate(trainer.noise(5)).shape == (5, 1, 8, 8)
    snapshot = trainer.snapshots[-1]
    assert snapshot["grid"].dtype.name == "uint8"
    figure = snapshot["style_mix"]  # 4 + 1 tiles of 8 + 1 pixels (padding) each way, plus the outer padding
    assert figure.shape == (5 * 9 + 1, 5 * 9 + 1, 3) and figure.dtype.name == "uint8"
    assert snapshot["style_crossover"] == 1  # the 4x4 layer is coarse, the two 8x8 layers fine


def test_generator_is_mapping_then_synthesis_with_one_style_per_layer(config):
    generator = _generator(config, size=16)
    assert generator.n_style_layers == 5 and generator.layer_resolutions == [4, 8, 8, 16, 16]
    z = torch.randn(3, 4)
    with torch.no_grad():
        w = generator.mapping(z)
        assert w.shape == (3, generator.w_dim)
        ws = w[:, None].repeat(1, 5, 1)
        assert torch.allclose(generator(z), generator.synthesis(ws), atol=1e-6)
        base = generator.synthesis(ws)
        for layer in range(5):  # a new w in any single layer changes the picture: every layer reads its own
            changed = ws.clone()
            changed[:, layer] = generator.mapping(torch.randn(3, 4))
            assert (generator.synthesis(changed) - base).abs().max() > 1e-3
    with pytest.raises(ValueError, match="5 styles"):
        generator.synthesis(ws[:, :3])


def test_demodulation_makes_the_output_independent_of_the_style_scale():
    torch.manual_seed(0)
    conv = stylegan.ModulatedConv2d(6, 5, 3, w_dim=4)
    x, w = torch.randn(2, 6, 8, 8), torch.randn(2, 4)
    with torch.no_grad():
        before = conv(x, w)
        conv.affine.weight.mul_(3.0)  # every style three times larger
        conv.affine.bias.mul_(3.0)
        assert torch.allclose(conv(x, w), before, atol=1e-5)
        conv.demodulate = False
        assert not torch.allclose(conv(x, w), before, atol=1e-2)


def test_style_mix_takes_coarse_layers_from_rows_and_fine_layers_from_columns(config):
    generator = _generator(config, size=16)
    z_rows, z_cols = torch.randn(2, 4), torch.randn(3, 4)
    mix = stylegan.style_mix(generator, z_rows, z_cols, crossover=3)
    images = mix["images"]
    assert images.shape == (3, 4, 1, 16, 16)
    assert torch.equal(images[0, 0], torch.full((1, 16, 16), -1.0))  # the blank corner
    assert mix["grid"].shape == (3 * 17 + 1, 4 * 17 + 1, 3)
    with torch.no_grad():
        w_rows, w_cols = generator.mapping(z_rows), generator.mapping(z_cols)
        assert torch.allclose(images[0, 1:], generator.synthesis(w_cols, "const"), atol=1e-6)  # sources on top
        assert torch.allclose(images[1:, 0], generator.synthesis(w_rows, "const"), atol=1e-6)  # and on the left
        ws = torch.stack([w_rows[1]] * 3 + [w_cols[2]] * 2)[None]  # row 1's coarse, column 2's fine styles
        assert torch.allclose(images[2, 3], generator.synthesis(ws, "const")[0], atol=1e-5)
    assert not torch.allclose(images[1, 1], images[1, 2], atol=1e-3)  # different fine styles along a row
    every_layer_from_rows = stylegan.style_mix(generator, z_rows, z_cols, crossover=5)["images"]
    assert torch.allclose(every_layer_from_rows[1:, 1], every_layer_from_rows[1:, 0], atol=1e-6)
    with pytest.raises(ValueError, match="crossover"):
        stylegan.style_mix(generator, z_rows, z_cols, crossover=6)
    with pytest.raises(ValueError, match="z_rows"):
        stylegan.style_mix(generator, torch.randn(2, 7), z_cols)


def test_noise_changes_details_only_where_it_is_switched_on(config):
    generator = _generator(config)
    z = torch.randn(4)
    result = stylegan.noise_variation(generator, z, n=4, seed=1)
    assert result["images"].shape == (4, 1, 8, 8) and result["std"].shape == (8, 8)
    assert result["std"].max() > 1e-3 and result["no_noise"].shape == (1, 1, 8, 8)
    frozen = stylegan.noise_variation(generator, z, n=4, seed=1, layers=[])  # every layer keeps its fixed noise
    assert frozen["std"].max() < 1e-6
    again = stylegan.noise_variation(generator, z, n=4, seed=1)
    assert torch.equal(again["images"], result["images"])  # a seed names the noise
    with torch.no_grad():  # sampling (eval mode) uses the fixed noise: the same z always draws the same image
        assert torch.equal(generator(z[None]), generator(z[None]))
    with pytest.raises(ValueError, match="layers"):
        stylegan.noise_variation(generator, z, n=4, layers=[3])


def test_truncation_pulls_w_toward_the_tracked_average(config):
    trainer = _train(config, 4)
    generator = trainer.generator
    assert generator.w_avg.abs().sum() > 0  # moved from zero by the running average
    z = torch.randn(3, 4)
    sweep = stylegan.truncation_sweep(generator, z, psis=(1.0, 0.0))
    assert sweep.shape == (2, 3, 1, 8, 8)
    assert torch.allclose(sweep[1, 0], sweep[1, 2], atol=1e-6)  # psi 0: everyone is the average image
    assert not torch.allclose(sweep[0, 0], sweep[0, 2], atol=1e-3)
    with torch.no_grad():
        w = generator.mapping(z)
        assert torch.allclose(generator.mapping(z, 0.5), generator.w_avg + 0.5 * (w - generator.w_avg), atol=1e-6)


def test_style_mixing_regularisation_mixes_about_half_the_samples(config):
    trainer = Trainer(config, device="cpu")
    with torch.no_grad():
        ws, first = stylegan.mixed_styles(trainer, 400)
    assert ws.shape == (400, 3, trainer.generator.w_dim)
    assert torch.equal(ws[:, 0], first)  # the first layer always reads the first w
    mixed = (ws[:, -1] != ws[:, 0]).any(dim=1).float().mean()
    assert 0.35 < mixed < 0.65  # STYLE_MIX_PROB = 0.5


def test_a_loaded_checkpoint_truncates_and_mixes_styles_like_its_trainer(config, tmp_path):
    half = _train(config, 3)
    model = LatentModel(load_checkpoint(save_checkpoint(trainer_payload(half), tmp_path / "style.pt")))
    z = torch.randn(5, model.latent_dim)
    with torch.no_grad():
        assert torch.allclose(model.generator(z, truncation_psi=0.5), half.generator.eval()(z, truncation_psi=0.5),
                              atol=1e-6)
    half.generator.train()
    assert torch.equal(model.sample(4, seed=2), model.sample(4, seed=2))
    mix = stylegan.style_mix(model.generator, z[:2], z[2:])
    assert mix["images"].shape == (3, 4, 1, 8, 8)


def test_impossible_combinations_are_explained():
    assert "arch" in TrainConfig(dataset="digits", model="stylegan", arch="mlp").validate()
    assert TrainConfig(dataset="shapes", model="stylegan", image_size=32).validate() == {}
