"""GAN and VAE objectives as pure functions: tensors in, (loss, stats) out.

The discriminator's raw outputs are logits; D(x) = sigmoid(logit) for the probabilistic losses. `stats`
holds detached 0-dim tensors (call float() on them) so a training loop can read them all with one sync.

Notation: real_logits = D(x), fake_logits = D(G(z)).
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from gan_core.options import LOSSES


def _check(kind: str) -> None:
    if kind not in LOSSES:
        raise ValueError(f"loss must be one of {', '.join(LOSSES)}; got {kind!r}")


def discriminator_scores(kind: str, real_logits: torch.Tensor, fake_logits: torch.Tensor) -> dict:
    """What the UI plots as D(x) and D(G(z)): a probability for ns/minimax, the raw score otherwise."""
    if kind in ("ns", "minimax"):
        return {"d_real": torch.sigmoid(real_logits).mean().detach(),
                "d_fake": torch.sigmoid(fake_logits).mean().detach()}
    return {"d_real": real_logits.mean().detach(), "d_fake": fake_logits.mean().detach()}


LSGAN_SCORE_CLIP = 1e-4  # an LSGAN's D can step outside (0, 1); its ratio logit stays within about +-9.2


def density_ratio_logits(kind: str, scores: torch.Tensor) -> torch.Tensor:
    """D's raw scores (n,) -> the logits rejection sampling reads as log(p_data / p_g) (up to a constant). For ns and
    minimax the score is that logit already. An LSGAN's D (targets 1 for real, 0 for fake) tends to
    p_data / (p_data + p_g) itself (Mao et al. 2017, Prop. 1 with a = 0, b = 1), so its logit is log(D / (1 - D)),
    clipped into (0, 1) first. Other losses' scores are used as they are: only a ranking there, not the ratio."""
    if kind != "lsgan":
        return scores
    clipped = scores.double().clamp(LSGAN_SCORE_CLIP, 1.0 - LSGAN_SCORE_CLIP)
    return torch.log(clipped / (1.0 - clipped)).float()


def generator_loss_per_sample(kind: str, fake_logits: torch.Tensor) -> torch.Tensor:
    """(B,) G's loss on each fake (generator_loss is their mean), without gradients."""
    _check(kind)
    logits = fake_logits.detach().float()
    if kind == "ns":
        return F.softplus(-logits)
    if kind == "minimax":
        return -F.softplus(logits)
    if kind == "lsgan":
        return 0.5 * (logits - 1.0) ** 2
    return -logits


def discriminator_loss(kind: str, real_logits: torch.Tensor, fake_logits: torch.Tensor,
                       label_smoothing: float = 0.0) -> tuple[torch.Tensor, dict]:
    """The loss D minimises. real_logits, fake_logits: (B,) -> (scalar loss, stats).

    ns / minimax: maximise log D(x) + log(1 - D(G(z))), i.e. minimise binary cross-entropy with targets 1
    (or 1 - label_smoothing, one-sided smoothing) for real and 0 for fake.
    lsgan: 0.5 E[(D(x) - 1)^2] + 0.5 E[D(G(z))^2].  wgan-gp: E[D(G(z))] - E[D(x)] (penalty added separately).
    hinge: E[relu(1 - D(x))] + E[relu(1 + D(G(z)))].
    """
    _check(kind)
    if kind in ("ns", "minimax"):
        target = torch.full_like(real_logits, 1.0 - label_smoothing)
        loss = (F.binary_cross_entropy_with_logits(real_logits, target)
                + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))
    elif kind == "lsgan":
        loss = 0.5 * ((real_logits - (1.0 - label_smoothing)) ** 2).mean() + 0.5 * (fake_logits ** 2).mean()
    elif kind == "wgan-gp":
        loss = fake_logits.mean() - real_logits.mean()
    else:  # hinge
        loss = F.relu(1.0 - real_logits).mean() + F.relu(1.0 + fake_logits).mean()
    return loss, {"loss_d": loss.detach(), **discriminator_scores(kind, real_logits, fake_logits)}


def generator_loss(kind: str, fake_logits: torch.Tensor) -> tuple[torch.Tensor, dict]:
    """The loss G minimises. fake_logits: (B,) -> (scalar loss, stats).

    ns: -E[log D(G(z))] (non-saturating: strong gradients when D wins).
    minimax: E[log(1 - D(G(z)))] (the original saturating objective: gradients vanish when D wins).
    lsgan: 0.5 E[(D(G(z)) - 1)^2].  wgan-gp and hinge: -E[D(G(z))].
    """
    _check(kind)
    if kind == "ns":
        loss = F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
    elif kind == "minimax":
        loss = -F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))  # = E[log(1 - D)]
    elif kind == "lsgan":
        loss = 0.5 * ((fake_logits - 1.0) ** 2).mean()
    else:
        loss = -fake_logits.mean()
    return loss, {"loss_g": loss.detach()}


def top_k_count(batch: int, step: int, floor: float, gamma: float, epoch_steps: float) -> int:
    """How many fakes G learns from at `step` in top-k training (Sinha et al. 2020): the whole batch at first,
    times gamma per epoch (`epoch_steps` steps), never below floor * batch (the paper's nu) nor below 1."""
    fraction = max(float(floor), float(gamma) ** (step / max(float(epoch_steps), 1.0)))
    return max(1, min(batch, math.ceil(fraction * batch - 1e-9)))


def top_k_logits(fake_logits: torch.Tensor, k: int) -> torch.Tensor:
    """The k highest of D's logits on the fakes (B,) -> (k,): the samples D already rates most real. G's loss on
    these alone stops the worst fakes (those between modes) from dragging the good ones off their modes."""
    if k >= fake_logits.shape[0]:
        return fake_logits
    return torch.topk(fake_logits, k, sorted=False).values


def sigma_penalty(sigma: torch.Tensor) -> torch.Tensor:
    """DeLiGAN's regulariser on the mixture latent's standard deviations (K, d): mean over components of
    sum_d (1 - sigma)^2, so no component shrinks to a point (a point gives one sample, however good)."""
    return (1.0 - sigma).pow(2).sum(dim=-1).mean()


def gradient_penalty(critic, real: torch.Tensor, fake: torch.Tensor, labels: torch.Tensor | None = None,
                     generator: torch.Generator | None = None) -> torch.Tensor:
    """WGAN-GP (Gulrajani et al. 2017): E[(||grad_x D(x_hat)||_2 - 1)^2] on random interpolates x_hat."""
    shape = (real.shape[0],) + (1,) * (real.dim() - 1)
    alpha = torch.rand(shape, device=real.device, generator=generator)
    mixed = (alpha * real.detach() + (1 - alpha) * fake.detach()).requires_grad_(True)
    scores = critic(mixed, labels)
    (grads,) = torch.autograd.grad(scores.sum(), mixed, create_graph=True)
    return ((grads.flatten(1).norm(dim=1) - 1.0) ** 2).mean()


def r1_penalty(real_logits: torch.Tensor, real: torch.Tensor) -> torch.Tensor:
    """R1 (Mescheder et al. 2018): E[||grad_x D(x)||^2] on real data; `real` must require grad."""
    (grads,) = torch.autograd.grad(real_logits.sum(), real, create_graph=True)
    return grads.flatten(1).pow(2).sum(dim=1).mean()


def critic_loss(config, critic, real: torch.Tensor, fake: torch.Tensor, condition: torch.Tensor | None = None,
                generator: torch.Generator | None = None) -> tuple[torch.Tensor, dict]:
    """The discriminator's whole objective on one real and one fake batch of the same shape, for every family.

    update D: maximise log D(x) + log(1 - D(G(z))) (or `config.loss`'s equivalent), plus the WGAN-GP penalty
    for wgan-gp (interpolates drawn from `generator`) and the R1 penalty on real data when r1_gamma > 0.
    `critic(x, condition)` returns logits; they are scored in float32 (a no-op in fp32; under bf16 autocast,
    mean(fake) - mean(real) would otherwise round away the small differences the curves show).
    Returns (loss, {loss_d, d_real, d_fake[, penalty]}).
    """
    if config.r1_gamma > 0:
        real = real.detach().requires_grad_(True)
    real_logits = critic(real, condition).float()
    fake_logits = critic(fake, condition).float()
    loss, stats = discriminator_loss(config.loss, real_logits, fake_logits, config.label_smoothing)
    if config.loss == "wgan-gp":
        penalty = gradient_penalty(critic, real, fake, condition, generator)
        loss = loss + config.gp_weight * penalty
        stats["penalty"] = penalty.detach()
    if config.r1_gamma > 0:
        penalty = r1_penalty(real_logits, real)
        loss = loss + 0.5 * config.r1_gamma * penalty
        stats["penalty"] = penalty.detach()
    return loss, stats


def reparameterize(mu: torch.Tensor, logvar: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """z = mu + sigma * eps with eps ~ N(0, I) from `generator`: the reparameterisation trick, so the sample
    stays differentiable in mu and logvar."""
    return mu + torch.randn(mu.shape, device=mu.device, generator=generator) * (0.5 * logvar).exp()


def vae_loss(reconstruction: torch.Tensor, target: torch.Tensor, mu: torch.Tensor, logvar: torch.Tensor,
             beta: float = 1.0) -> tuple[torch.Tensor, dict]:
    """Negative ELBO per sample: reconstruction + beta * KL(q(z|x) || N(0, I)).

    reconstruction: sum of squared errors over each sample's values (a Gaussian decoder), averaged over the
    batch; KL = -0.5 * sum(1 + logvar - mu^2 - exp(logvar)), averaged over the batch.
    """
    recon = (reconstruction - target).pow(2).flatten(1).sum(dim=1).mean()
    kl = (-0.5 * (1 + logvar - mu.pow(2) - logvar.exp())).sum(dim=1).mean()
    loss = recon + beta * kl
    return loss, {"loss": loss.detach(), "recon": recon.detach(), "kl": kl.detach()}


def grad_norm(parameters) -> torch.Tensor:
    """The global L2 norm of the gradients of `parameters` (0-d, detached; 0 when none has a gradient yet),
    on the parameters' device so it stacks with the other step statistics without a host sync."""
    parameters = list(parameters)
    grads = [p.grad for p in parameters if p.grad is not None]
    if not grads:
        return torch.zeros((), device=parameters[0].device if parameters else "cpu")
    return torch.linalg.vector_norm(torch.stack(torch._foreach_norm(grads))).detach()
