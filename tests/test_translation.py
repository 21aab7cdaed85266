"""Image-to-image translation (gan_core.families.translation): the toy tasks, pix2pix, CycleGAN and how they plug into the app.

What every family promises (a seed replays, checkpoints, resuming, GAN options, bf16) is tested once for all in
test_family_contract.py; this file tests what only this family does.
"""
import pytest
import torch

from gan_core.checkpoints import load_checkpoint, save_checkpoint, trainer_payload
from gan_core.config import ConfigError, TrainConfig
from gan_core.data import load_dataset
from gan_core.families import translation
from gan_core.families.translation import (BANK_SIZE, FIXED_SOURCES, bank_index, heldout_scores, latent_for_index,
                                           make_source, translate_examples)
from gan_core.latents import LatentModel
from gan_core.training import Trainer

SIZE = 8  # 8x8 digits keep every run here to a few milliseconds per step


def _config(model="pix2pix", **overrides):
    base = dict(dataset="digits", model=model, task="outline", image_size=SIZE, hidden=8, batch_size=16,
                steps=50, sample_every=5, metrics_every=0, seed=3)
    return TrainConfig(**{**base, **overrides})


def _train(config, steps):
    trainer = Trainer(config)
    for _ in range(steps):
        trainer.step()
    return trainer


@pytest.fixture(scope="module")
def digits():
    return load_dataset("digits", image_size=16)


# -- the toy tasks ------------------------------------------------------------------------------------------

def test_sources_keep_shape_range_and_are_deterministic(digits):
    images = digits.data[:64]
    for task in translation.TASKS:
        source = make_source(images, task)
        assert source.shape == images.shape and source.dtype == images.dtype
        assert source.min() >= -1 and source.max() <= 1
        assert torch.equal(source, make_source(images.clone(), task))
        assert not torch.equal(source, images)  # every task changes the picture


def test_outline_is_the_edge_of_the_ink(digits):
    images = digits.data[:64]
    ink = images > 0
    outline = make_source(images, "outline") > 0
    assert outline.any(dim=(1, 2, 3)).all()  # every digit has an outline
    assert not (outline & ~ink).any()  # the outline lies on the digit ...
    assert outline.sum() < 0.9 * ink.sum()  # ... but is not the whole digit: thick parts have an inside
    assert set(make_source(images, "outline").unique().tolist()) == {-1.0, 1.0}  # a clean black-and-white drawing


def test_invert_thicken_and_mask(digits):
    images = digits.data[:64]
    assert torch.equal(make_source(images, "invert"), -images)
    thin = make_source(images, "thicken")
    assert ((thin > 0).sum(dim=(1, 2, 3)) < (images > 0).sum(dim=(1, 2, 3))).all()  # thinner strokes ...
    assert (thin.amax(dim=(1, 2, 3)) == 1).all()  # ... still at full brightness
    shapes = load_dataset("shapes", image_size=SIZE).data[::60]  # one of each of the 36 coloured shapes
    mask = make_source(shapes, "mask")
    assert torch.equal(mask[:, 0], mask[:, 1]) and torch.equal(mask[:, 1], mask[:, 2])  # grey: no colour left
    assert set(mask.unique().tolist()) == {-1.0, 0.0}  # mid-grey silhouette on black
    assert torch.equal(mask[:, 0] == 0, shapes.amax(dim=1) > 0)


def test_unknown_task_names_the_choices(digits):
    with pytest.raises(ValueError, match="outline, thicken, invert, mask"):
        make_source(digits.data[:2], "colourise")


def test_every_latent_names_a_bank_image():
    index = torch.arange(BANK_SIZE)
    assert torch.equal(bank_index(latent_for_index(index)), index)
    picks = bank_index(torch.randn(20_000, 2, generator=torch.Generator().manual_seed(0)))
    counts = torch.bincount(picks, minlength=BANK_SIZE)
    assert counts.min() > 0.5 * counts.float().mean()  # standard-normal latents use the whole bank evenly


# -- pix2pix through the real Trainer ------------------------------------------------------------------------

def test_pix2pix_trains_and_snapshots_source_output_target():
    trainer = _train(_config(), 5)
    assert {"loss_d", "loss_g", "l1", "d_real", "d_fake"} <= set(trainer.history.series)
    assert trainer.family.loss_keys == ("loss_d", "loss_g", "l1")
    snap = trainer.snapshots[-1]
    grid = snap["translation_grid"]
    assert grid.dtype.name == "uint8" and grid.shape == (3 * (SIZE + 1) + 1, FIXED_SOURCES * (SIZE + 1) + 1, 3)
    assert snap["translation_rows"] == ["source", "output", "target"]
    # the third row is the real targets of the fixed sources
    from gan_core.images import make_grid

    targets = make_grid(trainer.generator.bank[:FIXED_SOURCES], nrow=FIXED_SOURCES)
    assert (grid[2 * (SIZE + 1):] == targets).all()
    assert trainer.fixed_noise.shape == (FIXED_SOURCES, 2) and trainer.fixed_labels is None
    z = torch.randn(4, trainer.latent_dim)
    assert trainer.generate(z).shape == (4, 1, SIZE, SIZE)


def test_pix2pix_generator_maps_a_latent_to_the_translation_of_its_bank_image():
    trainer = _train(_config(), 3)
    generator = trainer.generator
    z = latent_for_index(torch.tensor([5, 200]))
    expected = translate_examples(generator, generator.bank_sources()[[5, 200]])["output"]
    assert torch.allclose(trainer.generate(z), expected, atol=1e-6)
    assert not torch.allclose(expected[0], expected[1])


def test_bank_is_held_out_from_training(digits):
    trainer = Trainer(_config())
    split = translation._split(trainer)
    assert len(split.held_out) == BANK_SIZE
    assert not set(split.held_out.tolist()) & set(split.train_index.tolist())
    assert len(split.held_out) + len(split.train_index) == len(trainer.dataset)
    assert torch.equal(trainer.generator.bank, trainer.dataset.data[split.held_out])
    # the fixed snapshot sources are different digits (the bank cycles through the classes)
    assert len(set(trainer.generator.bank_labels[:FIXED_SOURCES].tolist())) == FIXED_SOURCES
    # every image a step trains on comes from the training split
    drawn = translation._training_images(trainer, 512)
    bank = trainer.generator.bank.flatten(1)
    assert not (torch.cdist(drawn.flatten(1), bank) == 0).any()


def test_conditional_discriminator_looks_at_the_source():
    trainer = _train(_config(), 3)
    critic = trainer.models["discriminator"].target_critic
    images = trainer.generator.bank[:8]
    sources = trainer.generator.bank_sources()[:8]
    with torch.no_grad():
        paired = critic(images, sources)
        mismatched = critic(images, sources.roll(1, dims=0))
    assert paired.shape == (8, 16)  # one logit per patch: one stride-2 layer leaves 4 x 4 patches of an 8x8 image
    assert not torch.allclose(paired, mismatched)
    with pytest.raises(ValueError, match="pairs"):
        critic(images)


def test_pix2pix_learns_the_outline_task_and_the_l1_term_matters(monkeypatch):
    config = _config(image_size=16, lr_g=2e-3, lr_d=2e-3, sample_every=1000)
    before = heldout_scores(Trainer(config).generator)["l1"]
    after = heldout_scores(_train(config, 40).generator)["l1"]
    assert after < 0.4 * before  # held-out outlines: these images were never trained on
    monkeypatch.setattr(translation, "L1_WEIGHT", 0.0)  # the adversarial loss alone is much slower to match pairs
    without_l1 = heldout_scores(_train(config, 40).generator)["l1"]
    assert after < 0.7 * without_l1


# -- CycleGAN ----------------------------------------------------------------------------------------------

def test_cyclegan_trains_on_unpaired_batches(monkeypatch):
    trainer = Trainer(_config("cyclegan"))
    drawn = []
    original = translation._training_images

    def spy(trainer, n):
        images = original(trainer, n)
        drawn.append(images)
        return images

    monkeypatch.setattr(translation, "_training_images", spy)
    values = trainer.step()
    assert len(drawn) == 2  # one draw for domain A (made into sources), another for domain B
    assert not torch.equal(drawn[0], drawn[1])
    assert {"loss_d", "loss_g", "cycle", "identity"} <= set(values)


def test_cyclegan_snapshot_shows_the_cycle_and_back_exists():
    trainer = _train(_config("cyclegan"), 2)
    snap = trainer.snapshots[-1]
    assert snap["translation_rows"] == ["source", "output", "cycle"]
    examples = translate_examples(trainer.generator, trainer.generator.bank_sources()[:3])
    assert examples["cycle"].shape == (3, 1, SIZE, SIZE)
    with torch.no_grad():  # the cycle row is F applied to the output row
        back = trainer.generator.back(examples["output"])
    assert torch.allclose(examples["cycle"], back, atol=1e-6)
    assert set(heldout_scores(trainer.generator)) >= {"l1", "cycle", "n"}


def test_identity_loss_only_where_it_fits():
    assert "identity" in _train(_config("cyclegan", task="thicken"), 1).history.series
    assert "identity" not in _train(_config("cyclegan", task="invert"), 1).history.series


def test_cyclegan_cycle_term_makes_round_trips_return(monkeypatch):
    config = _config("cyclegan", task="invert", lr_g=3e-3, lr_d=3e-3, sample_every=1000)
    with_cycle = heldout_scores(_train(config, 30).generator)["cycle"]
    monkeypatch.setattr(translation, "CYCLE_WEIGHT", 0.0)
    without_cycle = heldout_scores(_train(config, 30).generator)["cycle"]
    assert with_cycle < 0.6 * without_cycle


# -- checkpoints and the rest of the app ----------------------------------------------------------------------

@pytest.mark.parametrize("model", ["pix2pix", "cyclegan"])
def test_a_loaded_checkpoint_translates_like_its_trainer(tmp_path, model):
    trainer = _train(_config(model), 3)
    path = save_checkpoint(trainer_payload(trainer), tmp_path / f"{model}.pt")
    loaded = LatentModel.load(load_checkpoint(path))
    assert loaded.latent_dim == 2
    assert loaded.sample(5, seed=7).shape == (5, 1, SIZE, SIZE)
    sources = trainer.generator.bank_sources()[:4]
    a, b = translate_examples(loaded.generator, sources), translate_examples(trainer.generator, sources)
    assert torch.allclose(a["output"], b["output"], atol=1e-6)
    assert (a["cycle"] is None) == (model == "pix2pix")


def test_translate_examples_refuses_images_of_the_wrong_shape():
    generator = Trainer(_config()).generator
    with pytest.raises(ValueError, match=r"\(N, 1, 8, 8\)"):
        translate_examples(generator, torch.zeros(2, 3, 8, 8))
    with pytest.raises(ValueError, match="one direction"):
        generator.back(torch.zeros(1, 1, SIZE, SIZE))


def test_mask_task_on_colour_shapes():
    trainer = _train(_config(dataset="shapes", task="mask", batch_size=8), 2)
    assert trainer.generate(trainer.fixed_noise).shape == (FIXED_SOURCES, 3, SIZE, SIZE)
    assert trainer.snapshots[-1]["translation_grid"].shape[2] == 3


@pytest.mark.parametrize("overrides, field, words", [
    (dict(task="colourise"), "task", "outline, thicken, invert, mask"),
    (dict(task="mask"), "task", "shapes"),
    (dict(arch="mlp"), "arch", "conv"),
    (dict(pack=2), "pack", "pack to 1"),
    (dict(n_critic=2), "n_critic", "once"),
])
def test_impossible_combinations_get_one_clear_message(overrides, field, words):
    for model in ("pix2pix", "cyclegan"):
        problems = _config(model, **overrides).validate()
        assert field in problems and words in problems[field]
        with pytest.raises(ConfigError):
            Trainer(_config(model, **overrides))


def test_empty_task_means_outline():
    trainer = Trainer(_config(task=""))
    assert trainer.generator.task == "outline"


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_steps_on_cuda():
    for model in ("pix2pix", "cyclegan"):
        trainer = Trainer(_config(model, device="cuda"))
        trainer.step()
        assert trainer.generator.bank.is_cuda
        assert trainer.generate(trainer.fixed_noise).is_cuda
        assert heldout_scores(trainer.generator)["n"] == BANK_SIZE
