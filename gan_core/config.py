"""What a training run is made of, as one plain dataclass.

A `TrainConfig` is saved inside every checkpoint (as a dict), so any checkpoint can be rebuilt and
resumed without guessing. `validate()` returns messages a student understands, keyed by field name, so
the UI can show each next to its widget and the CLI can print one line naming the flag.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field, fields

from gan_core import families
from gan_core.options import (  # noqa: F401  (re-exported: what a run is made of)
    POINT_DATASETS, IMAGE_DATASETS, LABELLED_DATASETS, MODELS, LOSSES, ARCHS, DEVICES,
    PRECISIONS, LATENT_MIXTURES, IMAGE_SIZES, LOSS_DESCRIPTIONS, ConfigError, RANGES, IN_MEMORY_PREFIXES, FOLDER_LABELLED_PREFIXES)
from gan_core.options import written


@dataclass
class TrainConfig:
    """Everything that defines a run. Defaults give a GAN on ring-8 that learns in seconds on a CPU."""

    # data
    dataset: str = "ring8"  # a name from POINT_DATASETS / IMAGE_DATASETS, or "folder:PATH"
    image_size: int = 16  # image datasets are resized to image_size x image_size (8, 16, 28 or 32)
    data_root: str = ""  # where mnist / fashion-mnist / cifar10 files live (never downloaded)
    n_points: int = 10_000  # size of the sampled pool for 2-D mixtures and generated image sets
    # model
    model: str = "gan"  # gan | cgan (class-conditional GAN) | vae | cvae (conditional VAE) | a family (model_names())
    arch: str = "auto"  # mlp for 2-D points, conv for images when "auto"
    latent_dim: int = 8
    hidden: int = 128  # width: units per MLP layer, base channels for conv nets
    depth: int = 3  # hidden layers of the MLPs
    # objective and tricks
    loss: str = "ns"
    spectral_norm: bool = False
    r1_gamma: float = 0.0  # R1 penalty weight on real data (0 = off)
    gp_weight: float = 10.0  # gradient penalty weight, used by wgan-gp only
    pack: int = 1  # PacGAN: D judges `pack` samples at once
    minibatch_std: bool = False  # give D the batch's standard deviation as an extra feature
    n_critic: int = 1  # D updates per G update
    label_smoothing: float = 0.0  # one-sided: real targets become 1 - label_smoothing
    beta: float = 1.0  # VAE: weight of the KL term (beta-VAE when != 1)
    # D-guided top-k (Sinha et al. 2020): G learns only from the k fakes D rates most real; k starts at the whole
    # batch and shrinks by top_k_gamma each epoch (len(data) / batch_size steps) down to top_k * batch (1 = off)
    top_k: float = 1.0
    top_k_gamma: float = 0.99
    # DeLiGAN (Gurumurthy et al. 2017): z = mu_c + sigma_c * eps with a learned mean and std per component c of
    # latent_components (0 = off: plain N(0, I)); latent_sigma_reg weighs the paper's (1 - sigma_c)^2 penalty
    latent_components: int = 0
    latent_sigma_reg: float = 0.1
    # "fixed" (static GM-GAN, Ben-Yosef & Weinshall 2018): the components' means are laid out apart from each other
    # and never trained, with a small fixed spread, so G's latent is K separate islands; latent_sigma_reg is unused
    latent_mixture: str = "learned"
    # learned weights over the components (0 = off: every component equally likely): at each G update, on its fakes,
    # a component whose fakes G's loss rates worse than the batch's average loses weight, one that does better gains
    # it, at this rate times G's (annealed) learning-rate factor (the score-function gradient of G's loss, normalised
    # per component; gan_core.models.MixtureLatent). G samples from the weights it learned, with no discriminator.
    latent_weight_lr: float = 0.0
    # options of the families in gan_core.families (ignored by the classic gan / cgan / vae / cvae)
    diffusion_steps: int = 100  # diffusion: noise levels T of the forward (noising) process
    sample_steps: int = 20  # diffusion: denoising steps when sampling (DDIM; fewer = faster, rougher)
    stage_steps: int = 0  # progressive growing: steps per resolution stage, half of them fading in (0 = split evenly)
    task: str = ""  # image-to-image: which toy translation to learn (see gan_core.families.translation)
    # optimisation
    lr_g: float = 2e-4
    lr_d: float = 2e-4
    beta1: float = 0.5
    beta2: float = 0.999
    lr_decay: bool = False  # anneal both learning rates linearly to 0 over the run (sharper final samples)
    precision: str = "fp32"  # fp32, or bf16: forward passes in bfloat16 (faster on CPUs with native bf16 and GPUs)
    batch_size: int = 128
    steps: int = 2000
    seed: int = 0
    device: str = "auto"
    # what the trainer records
    sample_every: int = 50  # steps between sample snapshots on the fixed latent batch
    metrics_every: int = 250  # steps between cheap metric evaluations (0 = never)

    # -- helpers -------------------------------------------------------------------------------
    @property
    def is_points(self) -> bool:
        return self.dataset in POINT_DATASETS or self.dataset.startswith("points:")

    @property
    def is_vae(self) -> bool:
        return self.model in ("vae", "cvae")

    @property
    def uses_beta(self) -> bool:
        """Whether the run trains with the VAE's objective, whose KL term `beta` weights: a VAE, and a family
        built on it (the caption model, a conditional VAE)."""
        family = self.family
        return self.is_vae or bool(family and family.vae_objective)

    @property
    def is_conditional(self) -> bool:
        if self.model in ("cgan", "cvae"):
            return True
        family = families.get(self.model)
        return bool(family and family.needs_labels)

    @property
    def family(self):
        """The gan_core.families.Family behind a non-classic model, else None."""
        return families.get(self.model)

    @property
    def adversarial_loss(self) -> str | None:
        """The GAN loss (`loss`) this model really trains with, or None when it has no discriminator to use it
        (a VAE, a diffusion model, the caption model)."""
        family = self.family
        if self.is_vae or (family is not None and not family.adversarial):
            return None
        return self.loss

    @property
    def latent_walks(self) -> bool:
        """Whether walks, blends, arithmetic and edits of z mean anything for this model: not for a translation model,
        whose z only picks a held-out picture (gan_core.families.base.Family.latent_walks)."""
        family = self.family
        return family is None or family.latent_walks

    @property
    def uses_lr_d(self) -> bool:
        """Whether a second network (a discriminator, a VAE's encoder, the caption model's text encoder) trains with
        `lr_d`; a diffusion model trains its denoiser alone, with `lr_g`."""
        family = self.family
        return family is None or not family.single_network

    def latent_size(self, sample_shape) -> int:
        """How many numbers the generator's z really holds: `latent_dim`, unless the family fixes it (a diffusion
        model starts from one noise value per data coordinate, a translation model's z names a bank image)."""
        family = self.family
        if family is not None and family.latent_size is not None:
            return int(family.latent_size(self, tuple(sample_shape)))
        return int(self.latent_dim)

    @property
    def truncation_space(self) -> str:
        """Where the truncation trick works for this model: "z", "w" (StyleGAN's mapped latent) or "" (nowhere)."""
        family = self.family
        return "z" if family is None else family.truncation

    @property
    def resolved_arch(self) -> str:
        if self.arch != "auto":
            return self.arch
        return "mlp" if self.is_points else "conv"

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "TrainConfig":
        """Build from a dict, ignoring unknown keys (a newer checkpoint may carry more fields)."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def replace(self, **changes) -> "TrainConfig":
        return dataclasses.replace(self, **changes)

    def validate(self) -> dict[str, str]:
        """Return {field: message} for every problem found; empty when the config can run."""
        return validate(self)

    def check(self) -> "TrainConfig":
        """Raise ConfigError for the first problem, else return self."""
        problems = validate(self)
        if problems:
            name, message = next(iter(problems.items()))
            raise ConfigError(name, message)
        return self


def field_types() -> dict[str, type]:
    """Field name -> python type (int, float, bool, str), for CLIs and forms."""
    mapping = {"int": int, "float": float, "bool": bool, "str": str}
    return {f.name: mapping.get(f.type if isinstance(f.type, str) else f.type.__name__, str)
            for f in fields(TrainConfig)}


# Datasets made in the browser: "points:NAME" (drawn or loaded from a CSV) and "upload:NAME" (uploaded images).
# They cannot be loaded by name; the caller passes the Dataset itself (and a checkpoint carries its data info).


def _dataset_known(name: str) -> bool:
    return (name in POINT_DATASETS or name in IMAGE_DATASETS
            or any(name.startswith(prefix) and len(name) > len(prefix) for prefix in ("folder:",) + IN_MEMORY_PREFIXES))


def validate(cfg: TrainConfig) -> dict[str, str]:
    problems: dict[str, str] = {}
    types = field_types()
    for name, (low, high) in RANGES.items():
        value = getattr(cfg, name)
        expected = types[name]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (expected is int and isinstance(value, float) and not float(value).is_integer()):
            problems[name] = f"{name} must be a{'n integer' if expected is int else ' number'}, got {value!r}."
            continue
        if value != value or not (low <= value <= high):  # value != value catches NaN
            problems[name] = f"{name} must be between {written(low)} and {written(high)}, got {written(value)}."
    choices = {"model": model_names(), "loss": LOSSES, "arch": ARCHS, "device": DEVICES, "precision": PRECISIONS,
               "latent_mixture": LATENT_MIXTURES}
    for name, allowed in choices.items():
        if getattr(cfg, name) not in allowed:
            problems[name] = f"{name} must be one of {', '.join(allowed)}; got {getattr(cfg, name)!r}."
    if not _dataset_known(cfg.dataset):
        problems["dataset"] = (f"Unknown dataset {cfg.dataset!r}: choose one of "
                               f"{', '.join(POINT_DATASETS + IMAGE_DATASETS)} or folder:PATH.")
    if problems:
        return problems
    if cfg.image_size not in IMAGE_SIZES and not cfg.is_points:
        problems["image_size"] = f"image_size must be one of {', '.join(map(str, IMAGE_SIZES))}."
    if cfg.is_conditional and not may_have_labels(cfg.dataset):
        problems["model"] = (f"A conditional model needs class labels, and {cfg.dataset} has none: "
                             "pick digits, shapes or another labelled dataset, or an unconditional model.")
    if cfg.is_points and cfg.arch == "conv":
        problems["arch"] = "2-D points need the mlp architecture; conv is for images."
    if cfg.batch_size % cfg.pack:
        problems["pack"] = (f"Packing groups {cfg.pack} samples for D, so the batch size must be a multiple of "
                            f"{cfg.pack}; {cfg.batch_size} is not.")
    if cfg.is_vae and cfg.pack > 1:
        problems["pack"] = "Packing is a GAN trick (it changes the discriminator); a VAE has none. Set pack to 1."
    if cfg.is_vae and cfg.n_critic > 1:
        problems["n_critic"] = "n_critic counts discriminator updates; a VAE has no discriminator. Set it to 1."
    if cfg.minibatch_std and cfg.batch_size // cfg.pack < 2:
        problems["minibatch_std"] = "Minibatch standard deviation needs at least 2 samples per batch."
    if cfg.top_k < 1.0 and cfg.adversarial_loss is None:
        problems["top_k"] = "Top-k training keeps the fakes a discriminator rates best; this model has none. Set top_k to 1."
    if cfg.latent_weight_lr > 0 and not cfg.latent_components:
        problems["latent_weight_lr"] = ("latent_weight_lr learns the weights of a mixture latent's components, and "
                                        "there is none: set latent_components too, or latent_weight_lr to 0.")
    if _mixture_unusable(cfg):
        problems["latent_components"] = ("A mixture latent (DeLiGAN, GM-GAN) is for the classic gan and cgan; "
                                         "set latent_components to 0 for this model.")
    family = families.get(cfg.model)
    if family is not None:
        if family.images_only and cfg.is_points:
            problems["model"] = f"The {cfg.model} model draws images; pick an image dataset such as digits or shapes."
        elif family.points_only and not cfg.is_points:
            problems["model"] = f"The {cfg.model} model learns 2-D points; pick ring8, grid25, spiral or moons."
        if family.validate is not None:
            for name, message in family.validate(cfg).items():
                problems.setdefault(name, message)
    return problems


def _mixture_unusable(cfg: TrainConfig) -> bool:
    """A mixture latent asked of a model that has none to give it to: a VAE (its prior is fixed by its KL term) or
    a family."""
    return bool(cfg.latent_components) and (cfg.is_vae or cfg.family is not None)


def without_unusable_mixture(cfg: TrainConfig) -> TrainConfig:
    """`cfg` with its mixture latent turned off when its model cannot use one (a VAE, a family). A GAN preset's
    islands (ring8-fixed's 256) are a setting the Train page has no widget for: a student who picks that preset and
    then another model should get that model, not a refusal naming a setting they cannot reach."""
    return cfg.replace(latent_components=0, latent_weight_lr=0.0) if _mixture_unusable(cfg) else cfg


def may_have_labels(dataset: str) -> bool:
    """True for the labelled built-in sets, and for image folders and uploads, whose class subfolders are labels
    (whether they have any is known once they are read: see `validate_data`)."""
    return dataset in LABELLED_DATASETS or (dataset.startswith(FOLDER_LABELLED_PREFIXES)
                                            and dataset not in FOLDER_LABELLED_PREFIXES)


def validate_data(cfg: TrainConfig, dataset) -> dict[str, str]:
    """What `validate` cannot know before the data is read: {field: message}, empty when `dataset` suits `cfg`."""
    if cfg.is_conditional and dataset.n_classes < 2:
        return {"model": ("A conditional model needs class labels, and these images have none: put them in one "
                          "folder per class (at least two), or pick an unconditional model.")}
    return {}


def model_names() -> tuple[str, ...]:
    """Every model a config may name: the classic four, then each registered family."""
    return MODELS + families.names()


@dataclass
class Preset:
    name: str
    description: str
    overrides: dict = field(default_factory=dict)

    def config(self, **extra) -> TrainConfig:
        return TrainConfig(**{**self.overrides, **extra})
