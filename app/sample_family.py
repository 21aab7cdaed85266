"""What the "This model" tab of Sample & Blend computes for the model families beyond GAN and VAE (no streamlit).

Each family teaches something the shared tabs cannot show: a diffusion model's denoising chain, StyleGAN's style
mixing, a translation model's source -> output pairs, StackGAN's two stages, a caption model's words. The maths
lives in the family modules of gan_core (diffusion.py, stylegan.py, ...); this module only picks latents, calls
their public helpers on a shared LatentModel (under its lock, since the helpers switch the network to eval mode
and back) and lays the results out as uint8 pictures.
"""
from __future__ import annotations

import contextlib

import numpy as np
import torch

from gan_core.data import load_folder_dataset
from gan_core.device import configure_threads
from gan_core.families import captions, diffusion, progressive, stackgan, stylegan, translation
from gan_core.images import make_grid, scatter_image, upscale
from gan_core.latents import LatentModel, sample_latents, seed_latents

from .sample_text import FAMILY_TEXT

# config.model -> the gan_core module that defines it (the families with a "This model" section)
FAMILY_MODULES = {"ddpm": diffusion, "stylegan": stylegan, "progan": progressive, "pix2pix": translation,
                  "cyclegan": translation, "stackgan": stackgan, "caption": captions}
STEP_CHOICES = (1, 2, 5, 10, 20, 50, 100)  # the sampling-steps slider of a diffusion model
COMPARE_STEPS = (1, 5, 20, 50)  # the same noise denoised with these many steps, side by side
TRUNCATION_PSIS = (1.0, 0.75, 0.5, 0.25, 0.0)
MAX_CAPTION_IMAGES = 16
CAPTION_CHARS = 200  # a caption is cut to this many characters (the model reads its first few words anyway)


def available(model: LatentModel) -> bool:
    """True when the checkpoint's family has a "This model" section."""
    return model.config.model in FAMILY_MODULES


def _locked(model: LatentModel):
    # the family helpers flip the shared generator to eval mode and back: one user at a time
    return getattr(model, "_lock", None) or contextlib.nullcontext()


def _tiles(images: torch.Tensor, nrow: int, target: int = 300, max_width: int = 900) -> np.ndarray:
    """(N, C, H, W) in [-1, 1] -> an enlarged uint8 (H', W', 3) grid, crisp (nearest neighbour)."""
    grid = make_grid(images.float(), nrow=nrow)
    scale = max(1, min(target // max(1, grid.shape[0]), max_width // max(1, grid.shape[1])))
    return upscale(grid, scale)


def _bounds(clouds: list[np.ndarray]) -> tuple[float, float, float, float]:
    """One square view for several 2-D clouds (n, 2), so frames of a chain compare at the same scale."""
    points = np.concatenate([np.asarray(c, dtype=np.float64).reshape(-1, 2) for c in clouds])
    points = points[np.isfinite(points).all(axis=1)]
    low, high = np.percentile(points, 1, axis=0), np.percentile(points, 99, axis=0)  # a few stray points may leave
    half = max(float((high - low).max()) / 2 * 1.15, 1e-3)
    centre = (high + low) / 2
    return centre[0] - half, centre[0] + half, centre[1] - half, centre[1] + half


def _cloud_strip(clouds: list[np.ndarray], size: int = 150) -> np.ndarray:
    """Several 2-D clouds drawn side by side at one scale: uint8 (size, len * (size + 4), 3)."""
    bounds = _bounds(clouds)
    gap = np.full((size, 4, 3), 200, np.uint8)
    parts = []
    for cloud in clouds:
        parts += [scatter_image(cloud, bounds, size=size), gap]
    return np.concatenate(parts[:-1], axis=1)


# -- ddpm ------------------------------------------------------------------------------------------------------------

def diffusion_steps(model: LatentModel) -> int:
    return int(getattr(model.generator, "diffusion_steps", model.config.diffusion_steps))


def step_choices(model: LatentModel) -> list[int]:
    """Sampling-step counts a student may pick: DDIM visits at most the T trained noise levels."""
    return [s for s in STEP_CHOICES if s <= diffusion_steps(model)] or [1]


def denoising_chain(model: LatentModel, seed: int, n: int, steps: int, keep: int = 8) -> dict:
    """The reverse process from seed's noise: {"frames": uint8 picture of x_t (one column per frame; 2-D data: one
    cloud per frame), "predicted": the model's guess of the clean sample at each frame, "timesteps", "noise_std",
    "signal"}.

    Images: n rows (one per starting noise) x keep columns. 2-D data: n points per cloud."""
    z = sample_latents(n, model.latent_dim, seed)  # (n, latent_dim): the starting noise x_T
    chain = diffusion.denoising_chain(model, z, steps=steps, keep=keep)
    frames, predicted = chain["frames"], chain["predicted"]  # (keep, n, *sample_shape)
    if model.is_points:
        pictures = {"frames": _cloud_strip(list(frames)), "predicted": _cloud_strip(list(predicted))}
    else:
        count = frames.shape[0]
        # (keep, n, C, H, W) -> (n, keep, C, H, W): each row follows one sample from noise to picture
        by_row = lambda array: torch.from_numpy(np.clip(array, -1, 1)).transpose(0, 1).flatten(0, 1)  # noqa: E731
        pictures = {"frames": _tiles(by_row(frames), count, target=220, max_width=640),
                    "predicted": _tiles(by_row(predicted), count, target=220, max_width=640)}
    return {**pictures, "timesteps": chain["timesteps"], "noise_std": chain["noise_std"], "signal": chain["signal"]}


def samples_at_steps(model: LatentModel, seed: int, n: int, steps_list) -> dict[int, np.ndarray]:
    """{steps: picture} of the same starting noise denoised with each number of steps (images: a grid of n;
    2-D data: a cloud of n points)."""
    z = sample_latents(n, model.latent_dim, seed)
    pictures = {}
    outputs = {int(s): diffusion.sample(model, z, steps=int(s)) for s in steps_list}
    if model.is_points:
        bounds = _bounds([o.numpy() for o in outputs.values()])
        return {s: scatter_image(o.numpy(), bounds, size=220) for s, o in outputs.items()}
    side = max(1, int(np.ceil(np.sqrt(n))))
    for s, output in outputs.items():
        pictures[s] = _tiles(output, side, target=220)
    return pictures


def noising_chain(model: LatentModel, real: torch.Tensor, seed: int = 0) -> dict:
    """The forward process on real data (one image (C, H, W), or a cloud of points (n, 2)): a picture with one
    frame per noise level, plus "timesteps" and "signal"/"noise_std" (how much of the data and of the noise)."""
    chain = diffusion.noising_chain(real, model, seed=seed)
    frames = chain["frames"]  # (levels, *real.shape)
    if model.is_points:
        picture = _cloud_strip(list(frames))
    else:
        picture = _tiles(torch.from_numpy(np.clip(frames, -1, 1)), frames.shape[0], target=120)
    return {"picture": picture, "timesteps": chain["timesteps"], "signal": chain["signal"],
            "noise_std": chain["noise_std"]}


def sampling_costs(model: LatentModel, steps_list, n: int = 8, repeats: int = 2) -> list[dict]:
    """Seconds per sample for each number of denoising steps (best of `repeats`, on this machine, now)."""
    configure_threads()  # the same thread pool the rest of the app uses, so the timings mean the same thing
    rows = []
    with _locked(model):
        for steps in steps_list:
            cost = diffusion.sampling_cost(model.generator, n=n, steps=int(steps), repeats=repeats)
            rows.append({"steps": int(steps), "ms_per_sample": 1000 * cost["seconds_per_sample"],
                         "network_calls": int(cost["network_calls"])})
    return rows


# -- stylegan --------------------------------------------------------------------------------------------------------

def style_layers(model: LatentModel) -> tuple[int, list[int], int]:
    """(number of style layers, the resolution of each, the default crossover: how many count as coarse)."""
    generator = model.generator
    return generator.n_style_layers, list(generator.layer_resolutions), int(stylegan.default_crossover(generator))


def style_mix(model: LatentModel, row_seeds: list[int], col_seeds: list[int], crossover: int,
              psi: float = 1.0) -> np.ndarray:
    """The style-mixing figure: column sources on top, row sources on the left; cell (i, j) takes the coarse
    layers (< crossover) from row i and the fine ones from column j. uint8 picture."""
    with _locked(model):
        mix = stylegan.style_mix(model.generator, seed_latents(row_seeds, model.latent_dim),
                                 seed_latents(col_seeds, model.latent_dim), crossover=crossover, truncation_psi=psi)
    grid = mix["grid"]
    return upscale(grid, max(1, 420 // grid.shape[0]))


def noise_variation(model: LatentModel, seed: int, n: int = 6, noise_seed: int = 0) -> dict:
    """One w, n draws of the per-pixel noise: {"images": picture, "spread": the per-pixel standard deviation
    stretched so its largest value is white (the raw spread is often a few hundredths), "max_std": that
    largest raw value, "no_noise": the same w with every noise input off}."""
    z = seed_latents([seed], model.latent_dim)  # (1, latent_dim)
    with _locked(model):
        result = stylegan.noise_variation(model.generator, z, n=n, seed=noise_seed)
    std = result["std"].float().numpy()  # (S, S)
    top = float(std.max())
    heat = std / top if top > 0 else np.zeros_like(std)  # amplified: 0 = noise changes nothing, 1 = most
    spread = np.repeat((heat * 255).round().astype(np.uint8)[:, :, None], 3, axis=2)
    size = result["images"].shape[-1]
    return {"images": _tiles(result["images"], n, target=110, max_width=700),
            "spread": upscale(spread, max(1, 110 // size)), "max_std": top,
            "no_noise": _tiles(result["no_noise"], 1, target=110)}


def truncation_sweep(model: LatentModel, seeds: list[int], psis=TRUNCATION_PSIS) -> np.ndarray:
    """Rows = psi values (1 first), columns = seeds: w pulled toward the average w. uint8 picture."""
    with _locked(model):
        images = stylegan.truncation_sweep(model.generator, seed_latents(seeds, model.latent_dim), psis=psis)
    return _tiles(images.flatten(0, 1), len(seeds), target=360)  # (P * n, C, S, S), row-major by psi


# -- progan ----------------------------------------------------------------------------------------------------------

def progressive_facts(model: LatentModel) -> dict:
    """How far the generator grew: {"resolution", "alpha", "stage", "stages", "image_size", "resolutions"}."""
    generator = model.generator
    stages = int(getattr(generator, "n_stages", progressive.n_stages(model.config.image_size)))
    stage = int(getattr(generator, "current_stage", stages - 1))
    return {"stage": stage, "stages": stages, "resolution": int(getattr(generator, "resolution", 4 * 2 ** stage)),
            "alpha": float(getattr(generator, "alpha", 1.0)), "image_size": int(model.config.image_size),
            "resolutions": [4 * 2 ** k for k in range(stages)]}


def progressive_stages(model: LatentModel, seeds: list[int]) -> list[tuple[int, np.ndarray]]:
    """[(resolution, picture)] of the same latents drawn by each stage's to-RGB head, 4x4 up to the model's
    current stage; every picture is enlarged to the same height, so the stages line up."""
    with _locked(model):
        by_resolution = progressive.stage_images(model.generator, seed_latents(seeds, model.latent_dim))
    # each stage's pixels enlarged to the largest stage's size first (nearest neighbour: a 4x4 picture stays 4x4
    # blocks), so every grid has the same size: tiled at their own sizes, the grid's padding and the whole zoom
    # left them 72, 88 and 96 px high under a caption saying "one height"
    size = max(images.shape[-1] for images in by_resolution.values())
    return [(int(r), _tiles(torch.nn.functional.interpolate(images.float(), size=(size, size), mode="nearest"),
                            len(seeds), target=110, max_width=700))
            for r, images in sorted(by_resolution.items())]


# -- pix2pix / cyclegan ----------------------------------------------------------------------------------------------

def bank_size(model: LatentModel) -> int:
    """Distinct held-out images the translation model keeps (0 when its bank was never filled)."""
    return int(getattr(model.generator, "bank_count", 0))


def bank_indices(model: LatentModel, by: str, value: int, n: int) -> list[int]:
    """n bank images: by "index", the images value, value + 1, ... (wrapping); by "seed", the images n seeded
    latents name (what the Samples tab draws for that seed)."""
    count = bank_size(model)
    if count == 0:
        return []
    if by == "seed":
        picked = translation.bank_index(sample_latents(n, model.latent_dim, value))
        return [int(i) % count for i in picked]
    return [(int(value) + k) % count for k in range(n)]


def translate_bank(model: LatentModel, indices: list[int]) -> dict:
    """source | output | third row for bank images: the real target (pix2pix) or the cycle reconstruction
    F(G(source)) (CycleGAN). {"picture": 3 rows x len(indices), "third": "target" | "cycle"}."""
    generator = model.generator
    index = torch.as_tensor(indices, dtype=torch.long)
    with _locked(model):
        targets = generator.bank.index_select(0, index.to(generator.bank.device)).float()  # (n, C, S, S)
        examples = translation.translate_examples(generator, translation.make_source(targets, generator.task))
    cycle = examples["cycle"]
    third = cycle if cycle is not None else targets.cpu()
    rows = torch.cat([examples["source"], examples["output"], third])
    return {"picture": _tiles(rows, len(indices), target=300), "third": "cycle" if cycle is not None else "target"}


def translate_upload(model: LatentModel, data: bytes, name: str, make_source: bool) -> dict:
    """Translate an uploaded picture, decoded with gan_core.data's defences and resized to the model's size.

    make_source True: the picture is treated as a target-domain image and its source is made first (its outline,
    its silhouette, ...), so the output can be compared with it; False: the picture is the source itself.
    Returns {"picture": source | output | (picture or cycle) in one row, "third": "yours" | "cycle" | None}.
    Raises gan_core.data.DataError (one sentence) for a file that is not a usable image.
    """
    generator = model.generator
    channels, size = int(generator.sample_shape[0]), int(generator.sample_shape[-1])
    picture = load_folder_dataset(data, image_size=size, name=name).data[:1]  # (1, C', S, S) in [-1, 1]
    if picture.shape[1] != channels:  # colour to grey by averaging, grey to colour by repeating
        picture = picture.mean(dim=1, keepdim=True) if channels == 1 else picture[:, :1].repeat(1, channels, 1, 1)
    with _locked(model):
        source = translation.make_source(picture, generator.task) if make_source else picture
        examples = translation.translate_examples(generator, source)
    parts = [examples["source"], examples["output"]]
    third = None
    if examples["cycle"] is not None:
        parts.append(examples["cycle"])
        third = "cycle"
    elif make_source:
        parts.append(picture)
        third = "yours"
    return {"picture": _tiles(torch.cat(parts), len(parts), target=150), "third": third}


# -- stackgan --------------------------------------------------------------------------------------------------------

def two_stages(model: LatentModel, seeds: list[int]) -> dict:
    """Stage I (half size, shown enlarged) above stage II for the same seeds: {"picture", "low", "size"}."""
    with _locked(model):
        low, final = stackgan.two_stage(model.generator, seed_latents(seeds, model.latent_dim))
    size = int(final.shape[-1])
    return {"picture": _tiles(torch.cat([low, final]), len(seeds), target=260), "low": size // 2, "size": size}


# -- caption ---------------------------------------------------------------------------------------------------------

def caption_words(text: str) -> dict:
    """{"known": words the model reads, "unknown": words it ignores, "vocabulary": content words it knows,
    "fillers": words it reads but that say nothing}."""
    known, unknown = captions.tokenize(text)
    vocabulary = list(getattr(captions, "CONTENT_WORDS", ())) or list(captions.known_words())
    return {"known": known, "unknown": sorted(set(unknown), key=unknown.index), "vocabulary": vocabulary,
            "fillers": list(getattr(captions, "FILLER_WORDS", ()))}


def names_something(text: str) -> bool:
    """True when the caption holds at least one shape, colour or position word."""
    vocabulary = set(caption_words(text)["vocabulary"])
    return any(word in vocabulary for word in caption_words(text)["known"])


def caption_images(model: LatentModel, text: str, n: int, seed: int, fill_missing: bool = True) -> np.ndarray:
    """n pictures for one caption (a partial caption gets its missing attributes at random); uint8 grid.
    Raises ValueError (one sentence) when the caption names nothing the model knows."""
    n = int(np.clip(n, 1, MAX_CAPTION_IMAGES))
    with _locked(model):
        images = captions.caption_to_image(model.generator, text, n=n, seed=seed, fill_missing=fill_missing)
    return _tiles(images, min(n, 8), target=220)


def honest_note(language: str) -> str:
    return getattr(captions, "HONEST_NOTE_ZH" if language == "zh" else "HONEST_NOTE_EN", "")


def no_known_words(text: str, language: str) -> str:
    """The model's own one-sentence message for a caption with no word it knows, in the page's language."""
    words = ", ".join(caption_words(text)["vocabulary"][:12])
    template = getattr(captions, "NO_KNOWN_WORDS_ZH" if language == "zh" else "NO_KNOWN_WORDS_EN", None)
    if template is None:
        return FAMILY_TEXT["caption_nothing"][1 if language == "zh" else 0].format(words=words)
    return template.format(text=text.strip()[:60], words=words)
