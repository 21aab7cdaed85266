"""What every model family promises (gan_core/families/__init__.py), checked for every registered family.

A seed replays a run exactly, a checkpoint samples what its trainer sampled, a run stopped, saved and resumed ends
exactly where an uninterrupted one does, every GAN option trains, bf16 trains, and a family refuses the data it
cannot draw. Each family's own file (test_diffusion.py, test_progressive.py, ...) tests what only that family does.

A new family needs one row in CASES; test_the_table_covers_every_registered_family fails until it has one.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import pytest
import torch

from gan_core import families
from gan_core.checkpoints import load_checkpoint, save_checkpoint, trainer_payload
from gan_core.config import ConfigError, TrainConfig, model_names
from gan_core.latents import LatentModel, sample_latents
from gan_core.training import Trainer
from tests.test_precision import _all_fp32

STEPS = 4  # every contract run; checkpoints are taken half-way, after HALF steps
HALF = STEPS // 2
BASE_SNAPSHOT_KEYS = {"step", "time", "grid", "points", "bounds"}  # what the Trainer records for any family


@dataclass(frozen=True)
class Case:
    config: dict  # a run small enough for a few milliseconds a step
    snapshot_keys: tuple  # what the family adds to each snapshot
    adversarial: bool
    needs_labels: bool
    images_only: bool
    refuses: tuple = ()  # GAN options the family turns down (its own file tests the reasons)
    option_steps: int = HALF  # how long test_every_gan_option_trains runs


_RUN = dict(sample_every=2, metrics_every=0, steps=STEPS)
CASES = {
    "ddpm-points": Case(dict(dataset="ring8", model="ddpm", hidden=32, depth=2, batch_size=64, diffusion_steps=40,
                             sample_steps=8, lr_g=2e-3, beta1=0.9, seed=3, n_points=1000, **_RUN),
                        ("chain", "chain_steps"), adversarial=False, needs_labels=False, images_only=False),
    "ddpm-images": Case(dict(dataset="digits", model="ddpm", image_size=8, hidden=8, batch_size=8, diffusion_steps=20,
                             sample_steps=4, seed=1, **_RUN),
                        ("chain", "chain_steps"), adversarial=False, needs_labels=False, images_only=False),
    # 4x4 for 4 steps, then 8x8 fading in (a run must be planned past 4 steps to reach it): the GAN options run
    # on into the fade, at alpha 0 and then 0.5
    "progan": Case(dict(dataset="digits", model="progan", image_size=8, latent_dim=4, hidden=8, batch_size=8,
                        stage_steps=4, seed=5, **{**_RUN, "steps": 8}),
                   ("resolution", "alpha"), adversarial=True, needs_labels=False, images_only=True,
                   option_steps=6),
    "stylegan": Case(dict(dataset="digits", model="stylegan", image_size=8, latent_dim=4, hidden=8, depth=1,
                          batch_size=8, seed=5, **_RUN),
                     ("style_mix", "style_crossover"), adversarial=True, needs_labels=False, images_only=True),
    "stackgan": Case(dict(dataset="shapes", model="stackgan", image_size=16, latent_dim=4, hidden=8, batch_size=8,
                          seed=2, **_RUN),
                     ("stage1_grid",), adversarial=True, needs_labels=False, images_only=True),
    "pix2pix": Case(dict(dataset="digits", model="pix2pix", task="outline", image_size=8, hidden=8, batch_size=16,
                         seed=3, **_RUN),
                    ("translation_grid", "translation_rows", "heldout_l1"), adversarial=True, needs_labels=False,
                    images_only=True, refuses=("n_critic", "pack", "minibatch_std")),
    "cyclegan": Case(dict(dataset="digits", model="cyclegan", task="outline", image_size=8, hidden=8, batch_size=16,
                          seed=3, **_RUN),
                     ("translation_grid", "translation_rows", "heldout_l1"), adversarial=True, needs_labels=False,
                     images_only=True, refuses=("n_critic", "pack", "minibatch_std")),
    "caption": Case(dict(dataset="shapes", model="caption", image_size=8, latent_dim=4, hidden=8, batch_size=16,
                         lr_g=2e-3, lr_d=2e-3, beta1=0.9, seed=5, **_RUN),
                    ("row_captions",), adversarial=False, needs_labels=True, images_only=True),
}
ADVERSARIAL = [name for name, case in CASES.items() if case.adversarial]
# together these switch on every GAN option at least once; a family leaves out the ones it refuses
GAN_OPTIONS = {
    "wgan-gp": dict(loss="wgan-gp", n_critic=2),
    "hinge": dict(loss="hinge", pack=2, minibatch_std=True, spectral_norm=True),
    "lsgan-r1": dict(loss="lsgan", r1_gamma=1.0, spectral_norm=True, label_smoothing=0.1),
    "minimax": dict(loss="minimax", lr_decay=True),
}


def _config(name: str, **overrides) -> TrainConfig:
    return TrainConfig(**{**CASES[name].config, **overrides})


def _train(config: TrainConfig, steps: int) -> Trainer:
    trainer = Trainer(config)
    for _ in range(steps):
        trainer.step()
    return trainer


@functools.cache
def _run(name: str, steps: int) -> Trainer:
    """The table's run after `steps` steps, shared by the tests below: they read it and never train it further."""
    return _train(_config(name), steps)


def _same_weights(a: torch.nn.Module, b: torch.nn.Module) -> bool:
    """Every parameter and buffer equal (buffers carry state too: stylegan's w_avg, progan's stage, the diffusion
    data scale, a translation bank)."""
    a, b = a.state_dict(), b.state_dict()
    return a.keys() == b.keys() and all(torch.equal(a[key].cpu(), b[key].cpu()) for key in a)


def _assert_same_snapshots(a: list[dict], b: list[dict]) -> None:
    assert len(a) == len(b)
    for first, second in zip(a, b):
        assert first.keys() == second.keys()
        for key in first.keys() - {"time"}:  # wall time differs between runs
            assert np.array_equal(first[key], second[key]), (first["step"], key)


def _checkpoint(trainer: Trainer, folder):
    return load_checkpoint(save_checkpoint(trainer_payload(trainer), folder / "run.pt"))


# -- what a checkpoint says it is ------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(CASES))
def test_the_config_tells_the_real_latent_size_and_loss(name):
    """The Sample & Blend header and Home's table read these: the generator's own z, and the GAN loss only where
    a discriminator trains with it."""
    config = _config(name)
    trainer = Trainer(config)
    assert config.latent_size(trainer.dataset.sample_shape) == trainer.generator.latent_dim
    assert config.adversarial_loss == (config.loss if CASES[name].adversarial else None)


def test_classic_models_keep_their_configured_latent_and_loss():
    assert TrainConfig(model="gan", latent_dim=5).latent_size((2,)) == 5
    assert TrainConfig(model="gan", loss="hinge").adversarial_loss == "hinge"
    assert TrainConfig(model="vae").adversarial_loss is None


# -- the table --------------------------------------------------------------------------------------------

def test_the_table_covers_every_registered_family():
    models = [case.config["model"] for case in CASES.values()]
    assert set(models) == set(families.names())
    for name in families.names():
        family = families.get(name)
        if not family.images_only and not family.points_only:  # both kinds of data: a row for each
            kinds = {TrainConfig(**case.config).is_points for case in CASES.values() if case.config["model"] == name}
            assert kinds == {True, False}, name
    assert all(families.get(name) is None for name in families.CLASSIC_MODELS)  # the classic models are not families


@pytest.mark.parametrize("name", families.names())
def test_family_is_registered_and_described(name):
    family = families.get(name)
    assert isinstance(family, families.Family) and family.name == name and name in model_names()
    assert family.description and family.description_zh and family.loss_keys
    for case in (case for case in CASES.values() if case.config["model"] == name):
        assert (family.adversarial, family.needs_labels, family.images_only) == (
            case.adversarial, case.needs_labels, case.images_only)


@pytest.mark.parametrize("name", families.names())
def test_a_family_refuses_the_data_it_cannot_draw_in_one_sentence(name):
    family = families.get(name)
    example = next(case.config for case in CASES.values() if case.config["model"] == name)
    for refused, dataset in ((family.images_only, "ring8"), (family.points_only, "digits")):
        config = TrainConfig(**{**example, "dataset": dataset})
        if not refused:
            assert "model" not in config.validate()
            continue
        with pytest.raises(ConfigError) as error:
            config.check()
        assert error.value.field == "model" and "\n" not in error.value.message
        assert name in error.value.message and ("image dataset" if dataset == "ring8" else "2-D") in error.value.message


# -- a run ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", CASES)
def test_a_run_has_the_networks_curves_and_pictures_its_family_declares(name):
    case, trainer = CASES[name], _run(name, STEPS)
    family = trainer.family
    assert family is families.get(case.config["model"])
    assert "generator" in trainer.models and ("discriminator" in trainer.models) == family.adversarial
    assert (trainer.opt_d is None) == (list(trainer.models) == ["generator"])  # the second optimiser trains the rest
    assert trainer.config.is_conditional == family.needs_labels
    assert set(family.loss_keys) <= set(trainer.history.series)
    assert all(len(trainer.history.series[key]) == STEPS for key in family.loss_keys)  # one value a step
    assert set(trainer.snapshots[-1]) - BASE_SNAPSHOT_KEYS == set(case.snapshot_keys)


@pytest.mark.parametrize("name", CASES)
def test_same_seed_same_run_and_another_seed_differs(name):
    config = _config(name)
    again = Trainer(config)
    torch.rand(1000)  # training noise must come from the run's own stream, not torch's global one
    for _ in range(STEPS):
        again.step()
    straight = _run(name, STEPS)
    assert _same_weights(again.models, straight.models)
    assert again.history.series == straight.history.series
    _assert_same_snapshots(again.snapshots, straight.snapshots)
    other = _train(config.replace(seed=config.seed + 1), HALF)
    assert not _same_weights(other.models, _run(name, HALF).models)


@pytest.mark.parametrize("name", CASES)
def test_a_checkpoint_samples_what_its_trainer_sampled(name, tmp_path):
    trainer = _run(name, HALF)
    checkpoint = _checkpoint(trainer, tmp_path)
    model = LatentModel(checkpoint)
    assert _same_weights(model.models, trainer.models)
    assert model.latent_dim == trainer.latent_dim
    labels = model.default_labels(6)
    assert (labels is None) != CASES[name].needs_labels
    z = sample_latents(6, model.latent_dim, seed=7)
    samples = model.sample(6, seed=7)
    assert torch.equal(samples, trainer.generate(z, labels).cpu())
    assert not torch.allclose(samples, _run(name, STEPS).generate(z, labels).cpu())  # the comparison sees the weights
    _assert_same_snapshots(checkpoint.snapshots, trainer.snapshots)  # the family's pictures came along


@pytest.mark.parametrize("name", CASES)
def test_a_resumed_run_ends_exactly_where_an_uninterrupted_one_does(name, tmp_path):
    straight = _run(name, STEPS)
    resumed = Trainer.from_checkpoint(_checkpoint(_run(name, HALF), tmp_path))
    assert resumed.step_count == HALF and not _same_weights(resumed.models, straight.models)
    while resumed.step_count < STEPS:
        resumed.step()
    assert _same_weights(resumed.models, straight.models)
    assert resumed.history.series == straight.history.series
    _assert_same_snapshots(resumed.snapshots, straight.snapshots)


# -- options ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("options", GAN_OPTIONS)
@pytest.mark.parametrize("name", ADVERSARIAL)
def test_every_gan_option_trains(name, options):
    case, options = CASES[name], GAN_OPTIONS[options]
    refused = set(_config(name, **options).validate())
    assert refused == set(case.refuses) & set(options)
    options = {key: value for key, value in options.items() if key not in case.refuses}
    series = _train(_config(name, **options), case.option_steps).history.series
    assert all(math.isfinite(value) and abs(value) < 1e6 for column in series.values() for value in column)
    penalised = options.get("loss") == "wgan-gp" or "r1_gamma" in options
    assert ("penalty" in series) == penalised
    if penalised:
        assert series["penalty"][-1] > 0


@pytest.mark.parametrize("name", CASES)
def test_every_family_trains_in_bf16(name, monkeypatch):
    """Each family's own step runs under autocast too (stylegan once mixed a bf16 w into its float32 average)."""
    monkeypatch.setenv("LATENT_LAB_CPU_BF16", "always")  # on a CPU without native bf16 too (the app uses fp32 there)
    trainer = Trainer(_config(name, precision="bf16", sample_every=1000))
    assert trainer.precision == "bf16"
    values = {}
    for _ in range(3):
        values = trainer.step()
    assert values and all(math.isfinite(v) for v in values.values())
    assert _all_fp32(trainer)
