"""Each loss against values computed by hand from its formula, on small seeded tensors."""
import math

import pytest
import torch

from gan_core import losses

REAL = torch.tensor([2.0, -1.0, 0.5])
FAKE = torch.tensor([-0.5, 1.5, 0.0])


def sig(x):
    return 1 / (1 + math.exp(-x))


def mean(values):
    return sum(values) / len(values)


def test_ns_discriminator_loss_is_binary_cross_entropy():
    loss, stats = losses.discriminator_loss("ns", REAL, FAKE)
    expected = mean([-math.log(sig(r)) for r in REAL.tolist()]) + mean([-math.log(1 - sig(f)) for f in FAKE.tolist()])
    assert float(loss) == pytest.approx(expected, rel=1e-6)
    assert float(stats["d_real"]) == pytest.approx(mean([sig(r) for r in REAL.tolist()]), rel=1e-6)
    assert float(stats["d_fake"]) == pytest.approx(mean([sig(f) for f in FAKE.tolist()]), rel=1e-6)


def test_one_sided_label_smoothing_changes_only_the_real_target():
    loss, _ = losses.discriminator_loss("ns", REAL, FAKE, label_smoothing=0.1)
    real_part = mean([-(0.9 * math.log(sig(r)) + 0.1 * math.log(1 - sig(r))) for r in REAL.tolist()])
    fake_part = mean([-math.log(1 - sig(f)) for f in FAKE.tolist()])
    assert float(loss) == pytest.approx(real_part + fake_part, rel=1e-6)


def test_generator_losses_by_hand():
    fakes = FAKE.tolist()
    assert float(losses.generator_loss("ns", FAKE)[0]) == pytest.approx(mean([-math.log(sig(f)) for f in fakes]), rel=1e-6)
    assert float(losses.generator_loss("minimax", FAKE)[0]) == pytest.approx(mean([math.log(1 - sig(f)) for f in fakes]), rel=1e-6)
    assert float(losses.generator_loss("lsgan", FAKE)[0]) == pytest.approx(mean([0.5 * (f - 1) ** 2 for f in fakes]), rel=1e-6)
    assert float(losses.generator_loss("wgan-gp", FAKE)[0]) == pytest.approx(-mean(fakes), rel=1e-6)
    assert float(losses.generator_loss("hinge", FAKE)[0]) == pytest.approx(-mean(fakes), rel=1e-6)


def test_discriminator_losses_by_hand():
    reals, fakes = REAL.tolist(), FAKE.tolist()
    lsgan = 0.5 * mean([(r - 1) ** 2 for r in reals]) + 0.5 * mean([f ** 2 for f in fakes])
    assert float(losses.discriminator_loss("lsgan", REAL, FAKE)[0]) == pytest.approx(lsgan, rel=1e-6)
    assert float(losses.discriminator_loss("wgan-gp", REAL, FAKE)[0]) == pytest.approx(mean(fakes) - mean(reals), rel=1e-6)
    hinge = mean([max(0, 1 - r) for r in reals]) + mean([max(0, 1 + f) for f in fakes])
    assert float(losses.discriminator_loss("hinge", REAL, FAKE)[0]) == pytest.approx(hinge, rel=1e-6)


def test_minimax_generator_gradient_vanishes_where_ns_does_not():
    # When D confidently rejects fakes (very negative logits), the saturating loss gives almost no gradient.
    logits = torch.full((4,), -8.0, requires_grad=True)
    losses.generator_loss("minimax", logits)[0].backward()
    saturating = logits.grad.abs().max().item()
    logits.grad = None
    losses.generator_loss("ns", logits)[0].backward()
    assert saturating < 1e-3 < logits.grad.abs().max().item()


def test_unknown_loss_is_refused():
    with pytest.raises(ValueError, match="loss must be one of"):
        losses.generator_loss("nope", FAKE)


def test_gradient_penalty_of_a_linear_critic():
    # D(x) = w.x has gradient w everywhere, so the penalty is (|w| - 1)^2 exactly.
    w = torch.tensor([3.0, 4.0])
    critic = lambda x, y=None: x @ w
    real, fake = torch.randn(5, 2, generator=torch.Generator().manual_seed(0)), torch.zeros(5, 2)
    assert float(losses.gradient_penalty(critic, real, fake)) == pytest.approx((5.0 - 1.0) ** 2, rel=1e-6)


def test_r1_penalty_of_a_quadratic_critic():
    real = torch.tensor([[1.0, 2.0], [0.0, -1.0]], requires_grad=True)
    logits = (real ** 2).sum(dim=1)  # gradient 2x, squared norm 4|x|^2
    expected = mean([4 * (1 + 4), 4 * (0 + 1)])
    assert float(losses.r1_penalty(logits, real).detach()) == pytest.approx(expected, rel=1e-6)


def test_vae_loss_by_hand():
    recon = torch.tensor([[0.0, 1.0], [1.0, 1.0]])
    target = torch.tensor([[1.0, 1.0], [1.0, -1.0]])
    mu = torch.tensor([[0.0], [1.0]])
    logvar = torch.tensor([[0.0], [math.log(2.0)]])
    loss, stats = losses.vae_loss(recon, target, mu, logvar, beta=2.0)
    recon_expected = mean([1.0, 4.0])
    kl_expected = mean([0.0, -0.5 * (1 + math.log(2.0) - 1 - 2.0)])
    assert float(stats["recon"]) == pytest.approx(recon_expected)
    assert float(stats["kl"]) == pytest.approx(kl_expected, rel=1e-6)
    assert float(loss) == pytest.approx(recon_expected + 2.0 * kl_expected, rel=1e-6)
