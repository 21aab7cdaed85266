"""The "fix it" recipes of issue #20 on tiny seeded configs: top-k training, DeLiGAN's mixture latent, the fixed
mixture latent (GM-GAN), its component weights learned on G's loss, and discriminator rejection sampling (post-hoc),
each shown moving its number the right way."""
import json
from pathlib import Path

import numpy as np

import pytest
import torch

from gan_core import losses
from gan_core.cli import main
from gan_core.config import TrainConfig
from gan_core.evaluation.compare import checkpoint_from_payload
from gan_core.latents import LatentModel, rejection_acceptance
from gan_core.models import MixtureLatent
from gan_core.training import MIXTURE_WEIGHTS_FROM, Trainer


# -- top-k training (Sinha et al. 2020) ---------------------------------------------------------------------
def test_top_k_logits_are_the_k_fakes_d_rates_most_real():
    logits = torch.tensor([0.3, -2.0, 1.5, 0.9, -0.1, 2.2])
    picked = losses.top_k_logits(logits, 3)
    assert sorted(picked.tolist()) == pytest.approx([0.9, 1.5, 2.2])
    assert torch.equal(losses.top_k_logits(logits, 6), logits)


def test_top_k_count_anneals_from_the_batch_to_its_floor():
    counts = [losses.top_k_count(100, step, floor=0.5, gamma=0.9, epoch_steps=10) for step in range(0, 200, 10)]
    assert counts[0] == 100 and counts[1] == 90  # one epoch: times gamma
    assert all(a >= b for a, b in zip(counts, counts[1:]))  # never grows
    assert counts[-1] == 50  # the floor, nu * batch
    assert losses.top_k_count(3, 10_000, floor=0.05, gamma=0.5, epoch_steps=1) == 1  # never below one sample


def test_the_generator_learns_only_from_the_top_k(tiny_config):
    config = tiny_config.replace(top_k=0.5, top_k_gamma=0.5, n_points=320)  # one epoch = 10 steps
    trainer = Trainer(config)
    ks = [trainer.step()["top_k"] for _ in range(25)]
    assert ks[0] == 32 and ks[10] == 16 and ks[-1] == 16

    # the G loss is the loss of the best-rated fakes only: a fake D rejects outright changes nothing
    trainer.step_count = 1000
    fake = trainer.generator(trainer.noise(32))
    critic = lambda x, _=None: torch.cat([torch.full((16,), 3.0), torch.full((16,), -50.0)]) + 0 * x.sum()
    stats = trainer.train_generator(critic, fake)
    expected, _ = losses.generator_loss("ns", torch.full((16,), 3.0))
    assert float(stats["loss_g"]) == pytest.approx(float(expected), rel=1e-6)


def test_top_k_needs_a_discriminator():
    problems = TrainConfig(model="vae", top_k=0.5).validate()
    assert "top_k" in problems and "discriminator" in problems["top_k"]
    assert len(problems["top_k"].splitlines()) == 1


# -- DeLiGAN's learned mixture latent (Gurumurthy et al. 2017) ------------------------------------------------
def test_mixture_latent_splits_a_normal_into_a_uniform_component_and_a_normal():
    mixture = MixtureLatent(8, 2)
    z = torch.randn(40_000, 2, generator=torch.Generator().manual_seed(0))
    component, eps = mixture.split(z)
    shares = torch.bincount(component, minlength=8).float() / len(z)
    assert torch.allclose(shares, torch.full((8,), 1 / 8), atol=0.01)  # uniform choice of c
    assert abs(float(eps[:, 0].mean())) < 0.02 and abs(float(eps[:, 0].std()) - 1) < 0.02  # eps_0 is N(0, 1) again
    assert torch.equal(eps[:, 1], z[:, 1])
    # samples come from the components: mu_c + sigma_c * eps
    assert torch.allclose(mixture(z), mixture.mu[component] + mixture.sigma[component] * eps)


def test_mixture_latent_parameters_learn_and_keep_sigma_from_collapsing(tiny_config):
    config = tiny_config.replace(latent_components=4, latent_sigma_reg=1.0)
    trainer = Trainer(config)
    mixture = trainer.generator.mixture
    mu, sigma = mixture.mu.detach().clone(), mixture.sigma.detach().clone()
    values = [trainer.step() for _ in range(30)]
    assert not torch.equal(mixture.mu.detach(), mu)
    assert float((mixture.sigma.detach() - 1).abs().mean()) < float((sigma - 1).abs().mean())  # the paper's pull
    assert all("sigma_penalty" in v for v in values)


def test_mixture_latent_round_trips_through_a_checkpoint(tiny_config):
    trainer = Trainer(tiny_config.replace(latent_components=3))
    for _ in range(5):
        trainer.step()
    model = LatentModel(checkpoint_from_payload(trainer.checkpoint_payload(), "x"))
    assert torch.equal(model.generator.mixture.mu, trainer.generator.mixture.mu)
    z = torch.randn(6, 2)
    assert torch.allclose(model.decode(z), trainer.generate(z))


def test_mixture_latent_is_for_the_classic_gans():
    problems = TrainConfig(model="vae", latent_components=4).validate()
    assert "latent_components" in problems and "gan and cgan" in problems["latent_components"]
    assert "latent_components" not in TrainConfig(latent_components=4).validate()


# -- the fixed mixture latent (the static GM-GAN of Ben-Yosef & Weinshall 2018) --------------------------------
@pytest.mark.parametrize("components, dim", [(64, 2), (100, 2), (8, 1), (16, 5)])
def test_fixed_mixture_means_are_islands_far_apart(components, dim):
    mixture = MixtureLatent(components, dim, fixed=True)
    gaps = torch.cdist(mixture.mu, mixture.mu) + torch.eye(components) * 1e9
    assert float(gaps.min()) > 10 * float(mixture.sigma.max())  # open sea between every two islands
    assert float(gaps.min(dim=1).values.max()) < 1.5 * MixtureLatent.FIXED_SPACING  # evenly, none far out alone
    assert list(mixture.parameters()) == [] and {"mu", "sigma"} <= set(mixture.state_dict())  # saved, never trained


def test_fixed_mixture_never_moves_and_comes_back_from_a_checkpoint(tiny_config):
    trainer = Trainer(tiny_config.replace(latent_components=16, latent_mixture="fixed"))
    mixture = trainer.generator.mixture
    mu, sigma = mixture.mu.clone(), mixture.sigma.clone()
    values = [trainer.step() for _ in range(10)]
    assert torch.equal(mixture.mu, mu) and torch.equal(mixture.sigma, sigma)
    assert not any("sigma_penalty" in v for v in values)  # DeLiGAN's pull on sigma has nothing to pull
    model = LatentModel(checkpoint_from_payload(trainer.checkpoint_payload(), "x"))
    assert model.generator.mixture.fixed and torch.equal(model.generator.mixture.mu, mu)
    z = torch.randn(6, 2)
    assert torch.allclose(model.decode(z), trainer.generate(z))
    problems = TrainConfig(latent_components=4, latent_mixture="frozen").validate()
    assert "learned, fixed" in problems["latent_mixture"]


@pytest.mark.slow
def test_fixed_mixture_leaves_no_bridges_between_modes():
    """The recipe moving its numbers: the same small GAN on ring8, with and without islands in its latent. Seed 0
    of the first four tried; on all four the islands gave more high-quality samples and fewer far from every mode
    (1.3 % against 56 % here at 2,000 steps)."""
    from gan_core.data import mixture_modes

    modes, sigma = mixture_modes("ring8")

    def train(**recipe):
        config = TrainConfig(dataset="ring8", model="gan", latent_dim=2, hidden=64, depth=3, batch_size=256,
                             steps=2000, lr_g=1e-3, lr_d=1e-3, lr_decay=True, sample_every=10**5, metrics_every=0,
                             seed=0, n_points=2000, **recipe)
        trainer = Trainer(config)
        while trainer.step_count < config.steps:
            trainer.step()
        points = trainer.generate(torch.randn(2000, 2, generator=torch.Generator().manual_seed(0))).numpy()
        distance = np.sqrt(((points[:, None] - modes[None]) ** 2).sum(-1)).min(axis=1)
        return (distance < 3 * sigma).mean(), (distance > 0.1).mean()  # high quality, on a bridge (10 sigma away)

    plain_quality, plain_bridges = train()
    quality, bridges = train(latent_components=32, latent_mixture="fixed")
    assert quality > plain_quality + 0.2
    assert bridges < plain_bridges / 4


# -- component weights learned on G's own loss ---------------------------------------------------------------
def test_learned_weights_start_equal_and_the_split_follows_them():
    z = torch.randn(40_000, 2, generator=torch.Generator().manual_seed(0))
    plain, weighted = MixtureLatent(8, 2, fixed=True), MixtureLatent(8, 2, fixed=True, learn_weights=True)
    (c0, e0), (c1, e1) = plain.split(z), weighted.split(z)
    assert float((c0 == c1).float().mean()) > 0.999 and torch.allclose(e0[c0 == c1], e1[c0 == c1], atol=1e-4)
    weighted.log_weights.copy_(torch.tensor([1.0, -1.0, 0.5, 0.0, 0.0, -0.5, 0.3, -0.3]))
    component, eps = weighted.split(z)
    shares = torch.bincount(component, minlength=8).float() / len(z)
    assert torch.allclose(shares, weighted.weights(), atol=0.01)  # c falls on each component with its weight
    assert abs(float(eps[:, 0].mean())) < 0.02 and abs(float(eps[:, 0].std()) - 1) < 0.02  # eps_0 is N(0, 1) again
    assert torch.equal(eps[:, 1], z[:, 1])
    assert {"log_weights", "mu", "sigma"} <= set(weighted.state_dict()) and "log_weights" not in plain.state_dict()


def test_a_component_g_does_worse_on_loses_weight_within_the_clip():
    mixture = MixtureLatent(4, 2, fixed=True, learn_weights=True)
    component = torch.arange(400) % 4
    loss = (component == 0).float()  # D rates component 0's fakes worst
    mixture.learn_weights(component, loss, rate=0.1)
    weights = mixture.weights()
    assert float(weights[0]) < 0.25 < float(weights[1]) and torch.allclose(weights[1:], weights[1:2].expand(3))
    for _ in range(200):
        mixture.learn_weights(component, loss, rate=0.1)
    log = mixture.log_weights
    assert float(log.max() - log.min()) <= 2 * MixtureLatent.WEIGHT_CLIP + 1e-6  # no component starved
    before = mixture.log_weights.clone()
    mixture.learn_weights(component[:2], torch.tensor([5.0, 0.0]), rate=0.0)
    assert torch.equal(mixture.log_weights, before)  # rate 0: nothing moves


def test_learned_weights_train_with_g_and_come_back_from_a_checkpoint(tiny_config):
    config = tiny_config.replace(latent_components=16, latent_mixture="fixed", latent_weight_lr=0.5)
    trainer = Trainer(config)
    mixture = trainer.generator.mixture
    while trainer.step_count < MIXTURE_WEIGHTS_FROM * config.steps:
        trainer.step()
    assert not mixture.log_weights.any()  # still equal while G finds the modes
    for _ in range(3):
        trainer.step()
    assert float(mixture.log_weights.abs().max()) > 0  # then they learn
    model = LatentModel(checkpoint_from_payload(trainer.checkpoint_payload(), "x"))
    assert torch.equal(model.generator.mixture.log_weights, mixture.log_weights)
    z = torch.randn(64, 2)
    assert torch.allclose(model.decode(z), trainer.generate(z))
    plain = Trainer(tiny_config.replace(latent_components=16, latent_mixture="fixed"))
    assert plain.generator.mixture.log_weights is None  # off by default: no buffer, as in files saved before it


def test_a_run_with_learned_weights_resumes_exactly_and_older_files_still_load(tiny_config, tmp_path):
    from gan_core.checkpoints import load_checkpoint, save_checkpoint

    config = tiny_config.replace(latent_components=16, latent_mixture="fixed", latent_weight_lr=0.5, steps=20)
    straight = Trainer(config)
    for _ in range(16):
        straight.step()
    first = Trainer(config)
    for _ in range(10):
        first.step()
    path = save_checkpoint(first.checkpoint_payload(), tmp_path / "run.pt")
    resumed = Trainer.from_checkpoint(load_checkpoint(path))
    for _ in range(6):
        resumed.step()
    assert torch.equal(resumed.generator.mixture.log_weights, straight.generator.mixture.log_weights)
    z = torch.randn(8, 2)
    assert torch.equal(resumed.generate(z), straight.generate(z))
    demo = Path(__file__).resolve().parent.parent / "checkpoints" / "ring8-vanilla.pt"
    payload = torch.load(demo, weights_only=True)
    del payload["config"]["latent_weight_lr"]  # as a file saved before the setting existed
    old = LatentModel.load(save_checkpoint(payload, tmp_path / "old.pt"))  # it loads and samples as it did
    assert old.config.latent_weight_lr == 0 and old.sample(4, seed=0).shape == (4, 2)


def test_learned_weights_with_packing_and_top_k(tiny_config):
    config = tiny_config.replace(latent_components=8, latent_mixture="fixed", latent_weight_lr=0.5, pack=2,
                                 top_k=0.5, steps=20)
    trainer = Trainer(config)
    for _ in range(20):
        trainer.step()
    assert float(trainer.generator.mixture.log_weights.abs().max()) > 0  # each fake got its pair's loss


def test_learned_weights_need_a_mixture_and_go_with_it():
    from gan_core.config import without_unusable_mixture
    from gan_core.presets import preset_config

    problem = TrainConfig(latent_weight_lr=0.05).validate()["latent_weight_lr"]
    assert "latent_components" in problem
    assert "latent_weight_lr" not in TrainConfig(latent_weight_lr=0.05, latent_components=8).validate()
    assert "latent_weight_lr" in TrainConfig(latent_weight_lr=2.0, latent_components=8).validate()
    vae = without_unusable_mixture(preset_config("ring8-fixed").replace(model="vae"))
    assert vae.latent_components == 0 and vae.latent_weight_lr == 0 and vae.validate() == {}


@pytest.mark.slow
def test_learned_weights_share_the_samples_out_evenly_between_the_modes():
    """The recipe moving its number: the same small least-squares GAN on ring8 with 32 islands, with and without
    learned weights. With few islands some modes get more of them than others; the weights even that out. Seed 0
    of the first four tried; on all four the weights lowered reverse KL (by 1.6-2.7x) and kept every mode."""
    from gan_core.evaluation.evaluate import evaluate_samples

    def train(rate):
        config = TrainConfig(dataset="ring8", model="gan", loss="lsgan", latent_dim=2, hidden=64, depth=3,
                             batch_size=256, steps=1500, lr_g=1e-3, lr_d=1.5e-3, lr_decay=True, sample_every=10**5,
                             metrics_every=0, seed=0, n_points=2000, latent_components=32, latent_mixture="fixed",
                             latent_weight_lr=rate)
        trainer = Trainer(config)
        while trainer.step_count < config.steps:
            trainer.step()
        model = LatentModel(checkpoint_from_payload(trainer.checkpoint_payload(), "x"))
        return evaluate_samples(model.sample(2000, seed=0), config, model.data_info, full=False)

    plain, weighted = train(0.0), train(0.05)
    assert plain["modes_covered"] == weighted["modes_covered"] == 8
    assert weighted["reverse_kl"] < 0.6 * plain["reverse_kl"], (plain["reverse_kl"], weighted["reverse_kl"])
    assert weighted["high_quality_fraction"] >= plain["high_quality_fraction"] - 0.02


# -- discriminator rejection sampling (Azadi et al. 2019): post-hoc -------------------------------------------
def test_rejection_acceptance_grows_with_the_logit():
    logits = torch.tensor([-4.0, -1.0, 0.0, 1.0, 2.0])
    p = rejection_acceptance(logits, max_logit=2.0, gamma=0.0)
    assert torch.all(p[1:] > p[:-1]) and float(p[-1]) > 0.99 and float(p[0]) < 0.05


def test_an_lsgan_score_becomes_the_log_density_ratio_drs_reads():
    """An LSGAN's D tends to p / (p + q), not to a logit: DRS must read log(p / q) from it, or its acceptance is wrong."""
    p, q = torch.tensor([1.0, 4.0, 1.0, 9.0]), torch.tensor([1.0, 1.0, 4.0, 1.0])
    ratio = losses.density_ratio_logits("lsgan", p / (p + q))
    assert torch.allclose(ratio, torch.log(p / q), atol=1e-5)
    outside = losses.density_ratio_logits("lsgan", torch.tensor([-0.3, 1.4]))  # an LSGAN's D can step out of (0, 1)
    assert torch.isfinite(outside).all() and outside[0] < -9 and outside[1] > 9
    scores = torch.tensor([-2.0, 0.5, 3.0])
    assert torch.equal(losses.density_ratio_logits("ns", scores), scores)  # already the logit


@pytest.mark.parametrize("loss", ["ns", "lsgan"])
def test_rejection_sampling_keeps_what_d_rates_real_for_each_loss_it_reads(loss):
    config = TrainConfig(dataset="ring8", latent_dim=2, hidden=32, depth=2, batch_size=64, steps=150, seed=1,
                         sample_every=1000, metrics_every=0, n_points=1000, loss=loss)
    trainer = Trainer(config)
    for _ in range(config.steps):
        trainer.step()
    model = LatentModel(checkpoint_from_payload(trainer.checkpoint_payload(), "tiny"))
    own = model.sample(2000, seed=0)
    kept, info = model.sample_rejection(2000, seed=0)
    assert 0.05 < info["acceptance_rate"] < 0.95
    assert float(model.discriminate(kept).mean()) > float(model.discriminate(own).mean())


@pytest.fixture(scope="module")
def trained_gan():
    config = TrainConfig(dataset="ring8", latent_dim=2, hidden=32, depth=2, batch_size=64, steps=150, seed=1,
                         sample_every=1000, metrics_every=0, n_points=1000)
    trainer = Trainer(config)
    for _ in range(config.steps):
        trainer.step()
    return LatentModel(checkpoint_from_payload(trainer.checkpoint_payload(), "tiny"))


def test_rejection_sampling_keeps_more_of_what_d_rates_real(trained_gan):
    own = trained_gan.sample(2000, seed=0)
    kept, info = trained_gan.sample_rejection(2000, seed=0)
    assert info["post_hoc"] and "post-hoc" in info["label"] and kept.shape == own.shape
    assert 0 < info["acceptance_rate"] < 1
    assert float(trained_gan.discriminate(kept).mean()) > float(trained_gan.discriminate(own).mean())
    assert torch.equal(kept, trained_gan.sample_rejection(2000, seed=0)[0])  # seeded
    assert torch.equal(trained_gan.sample(2000, seed=0, rejection=True), kept)


def test_rejection_needs_an_unconditional_gan(tiny_config):
    trainer = Trainer(tiny_config.replace(model="vae"))
    with pytest.raises(ValueError, match="discriminator"):
        LatentModel(checkpoint_from_payload(trainer.checkpoint_payload(), "v")).sample_rejection(10)


def test_cli_labels_rejection_as_post_hoc(tmp_path, capsys):
    out = tmp_path / "g.pt"
    assert main(["train", "--dataset", "ring8", "--steps", "40", "--seed", "1", "--out", str(out), "--quiet",
                 "--hidden", "16", "--depth", "2", "--batch-size", "32", "--latent-dim", "2", "--metrics-every", "0"]) == 0
    capsys.readouterr()
    assert main(["sample", str(out), "--n", "50", "--rejection", "--quiet", "--out", str(tmp_path / "s.npy")]) == 0
    assert "post-hoc" in capsys.readouterr().out  # said even with --quiet
    assert main(["metrics", str(out), "--n", "200", "--rejection", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert "post_hoc" not in result  # the top level is the generator's own samples
    filtered = result["post_hoc_rejection"]
    assert filtered["post_hoc"] is True and "post-hoc" in filtered["post_hoc_label"]
    assert 0 < filtered["acceptance_rate"] <= 1
    assert main(["metrics", str(out), "--n", "200", "--rejection"]) == 0
    assert "POST-HOC, not the generator's own quality" in capsys.readouterr().out
