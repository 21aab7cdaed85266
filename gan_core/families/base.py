"""The contract every model family fills in (see gan_core/families/__init__.py for what each part means)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

CLASSIC_MODELS = ("gan", "cgan", "vae", "cvae")


@dataclass
class Family:
    name: str
    description: str  # one line a student understands
    build: Callable[..., "torch.nn.ModuleDict"]  # noqa: F821 (torch is not imported here: config stays light)
    step: Callable[..., dict]
    images_only: bool = False  # True when the family cannot learn 2-D points
    points_only: bool = False
    needs_labels: bool = False  # uses class labels (conditional)
    adversarial: bool = True  # has a discriminator (curves show D(x) / D(G(z)))
    # how the live chart writes D's output on real and on generated data: a translation model's D judges a
    # (source, target) pair, or only the target domain, never a picture made from z
    critic_terms: tuple[str, str] = ("D(x)", "D(G(z))")
    snapshot: Callable | None = None
    validate: Callable | None = None
    fixed_batch: Callable | None = None
    loss_keys: tuple = field(default_factory=tuple)  # history keys worth plotting, in order
    description_zh: str = ""
    # how many numbers the generator's z holds, when that is not config.latent_dim: (config, sample_shape) -> int
    latent_size: Callable | None = None
    # where the truncation trick pulls toward the average: "z" (scale z toward 0), "w" (the generator takes
    # truncation_psi and pulls its own intermediate latent toward a tracked average), or "" (it cannot)
    truncation: str = "z"
    # False when z only names an example (a translation model's held-out picture): nothing lies between two z, so
    # walking, blending or doing arithmetic on z shows unrelated pictures, and Sample & Blend leaves those tabs out
    latent_walks: bool = True
    # True when the generator is the only network (diffusion's denoiser): nothing is trained with lr_d
    single_network: bool = False
    # True when the family trains with the VAE's objective (Trainer.train_vae): `beta` weights its KL term
    vae_objective: bool = False
    # (step, config) -> True while the steps still to come cost more than this one (ProGAN before its last
    # resolution): a time left from the current speed is then a lower bound, and the page says so
    slower_ahead: Callable | None = None
    # (trainer) -> True while G draws coarser pictures than the data's (ProGAN before its last resolution): the class
    # judge, trained on full-size pictures, reads upscaled blobs as a spread of every class, so the class metrics
    # (classes covered, class KL) wait for full size; the feature distance is still recorded
    coarse: Callable | None = None
