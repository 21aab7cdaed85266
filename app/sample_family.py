"""What the "This model" tab of Sample & Blend computes for the model families beyond GAN and VAE (no streamlit).

Each family teaches something the shared tabs cannot show: a diffusion model's denoising chain, StyleGAN's style
mixing, a translation model's source -> output pairs, StackGAN's two stages, a caption model's words. The maths
lives in the family modules of gan_core (diffusion.py, stylegan.py, ...); this module only picks latents, calls
their public helpers on a shared LatentModel (under its lock, since the helpers switch the network to eval mode
and back) and lays the results out as uint8 pictures. A family module that is missing, or lacks a helper, simply
turns its part of the tab off (`available`), so the page works while a family is still being written.
"""
from __future__ import annotations

import contextlib
import importlib

import numpy as np
import torch

from gan_core.images import make_grid, scatter_image, upscale
from gan_core.latents import LatentModel, sample_latents, seed_latents

# config.model -> the gan_core module that defines it
FAMILY_MODULES = {"ddpm": "diffusion", "stylegan": "stylegan", "progan": "progressive", "pix2pix": "translation",
                  "cyclegan": "translation", "stackgan": "stackgan", "caption": "captions"}
# the helpers each family's section needs; without them the tab is not offered for that family
REQUIRED = {"ddpm": ("denoising_chain", "sample", "noising_chain", "sampling_cost"),
            "stylegan": ("style_mix", "noise_variation", "truncation_sweep"), "progan": ("n_stages",),
            "pix2pix": ("translate_examples", "make_source"), "cyclegan": ("translate_examples", "make_source"),
            "stackgan": ("two_stage",), "caption": ("caption_to_image", "tokenize")}
STEP_CHOICES = (1, 2, 5, 10, 20, 50, 100)  # the sampling-steps slider of a diffusion model
COMPARE_STEPS = (1, 5, 20, 50)  # the same noise denoised with these many steps, side by side
TRUNCATION_PSIS = (1.0, 0.75, 0.5, 0.25, 0.0)
MAX_CAPTION_IMAGES = 16


def module_for(model_name: str):
    """The gan_core module behind a family name, or None when it is unknown or not importable yet."""
    name = FAMILY_MODULES.get(model_name)
    if name is None:
        return None
    try:
        return importlib.import_module(f"gan_core.families.{name}")
    except ImportError:
        return None


def available(model: LatentModel) -> bool:
    """True when the checkpoint's family has a "This model" section and its module offers the needed helpers."""
    family = model.config.model
    module = module_for(family)
    return module is not None and all(callable(getattr(module, helper, None)) for helper in REQUIRED[family])


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
    cloud per frame), "predicted": the model's guess of the clean sample at each frame, "timesteps", "noise_std"}.

    Images: n rows (one per starting noise) x keep columns. 2-D data: n points per cloud."""
    diffusion = module_for("ddpm")
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
    return {**pictures, "timesteps": chain["timesteps"], "noise_std": chain["noise_std"]}


def samples_at_steps(model: LatentModel, seed: int, n: int, steps_list) -> dict[int, np.ndarray]:
    """{steps: picture} of the same starting noise denoised with each number of steps (images: a grid of n;
    2-D data: a cloud of n points)."""
    diffusion = module_for("ddpm")
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
    diffusion = module_for("ddpm")
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
    from gan_core.device import configure_threads

    configure_threads()  # the same thread pool the rest of the app uses, so the timings mean the same thing
    diffusion = module_for("ddpm")
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
    stylegan = module_for("stylegan")
    generator = model.generator
    return generator.n_style_layers, list(generator.layer_resolutions), int(stylegan.default_crossover(generator))


def style_mix(model: LatentModel, row_seeds: list[int], col_seeds: list[int], crossover: int,
              psi: float = 1.0) -> np.ndarray:
    """The style-mixing figure: column sources on top, row sources on the left; cell (i, j) takes the coarse
    layers (< crossover) from row i and the fine ones from column j. uint8 picture."""
    stylegan = module_for("stylegan")
    with _locked(model):
        mix = stylegan.style_mix(model.generator, seed_latents(row_seeds, model.latent_dim),
                                 seed_latents(col_seeds, model.latent_dim), crossover=crossover, truncation_psi=psi)
    grid = mix["grid"]
    return upscale(grid, max(1, 420 // grid.shape[0]))


def noise_variation(model: LatentModel, seed: int, n: int = 6, noise_seed: int = 0) -> dict:
    """One w, n draws of the per-pixel noise: {"images": picture, "spread": the per-pixel standard deviation
    stretched so its largest value is white (the raw spread is often a few hundredths), "max_std": that
    largest raw value, "no_noise": the same w with every noise input off}."""
    stylegan = module_for("stylegan")
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
    stylegan = module_for("stylegan")
    with _locked(model):
        images = stylegan.truncation_sweep(model.generator, seed_latents(seeds, model.latent_dim), psis=psis)
    return _tiles(images.flatten(0, 1), len(seeds), target=360)  # (P * n, C, S, S), row-major by psi


# -- progan ----------------------------------------------------------------------------------------------------------

def progressive_facts(model: LatentModel) -> dict:
    """How far the generator grew: {"resolution", "alpha", "stage", "stages", "image_size", "resolutions"}."""
    progressive = module_for("progan")
    generator = model.generator
    stages = int(getattr(generator, "n_stages", progressive.n_stages(model.config.image_size)))
    stage = int(getattr(generator, "current_stage", stages - 1))
    return {"stage": stage, "stages": stages, "resolution": int(getattr(generator, "resolution", 4 * 2 ** stage)),
            "alpha": float(getattr(generator, "alpha", 1.0)), "image_size": int(model.config.image_size),
            "resolutions": [4 * 2 ** k for k in range(stages)]}


def progressive_stages(model: LatentModel, seeds: list[int]) -> list[tuple[int, np.ndarray]] | None:
    """[(resolution, picture)] of the same latents drawn at every stage, when gan_core.families.progressive offers it
    (a `stage_images(generator, z)` helper returning {resolution: images}); None otherwise."""
    progressive = module_for("progan")
    helper = getattr(progressive, "stage_images", None)
    if not callable(helper):
        return None
    with _locked(model):
        by_resolution = helper(model.generator, seed_latents(seeds, model.latent_dim))
    return [(int(r), _tiles(images, len(seeds), target=110, max_width=700))
            for r, images in sorted(by_resolution.items())]


def seed_samples(model: LatentModel, seeds: list[int]) -> np.ndarray:
    """The model's samples for some seeds, in one row."""
    return _tiles(model.decode(seed_latents(seeds, model.latent_dim)), len(seeds), target=110, max_width=700)


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
        translation = module_for(model.config.model)
        picked = translation.bank_index(sample_latents(n, model.latent_dim, value))
        return [int(i) % count for i in picked]
    return [(int(value) + k) % count for k in range(n)]


def translate_bank(model: LatentModel, indices: list[int]) -> dict:
    """source | output | third row for bank images: the real target (pix2pix) or the cycle reconstruction
    F(G(source)) (CycleGAN). {"picture": 3 rows x len(indices), "third": "target" | "cycle"}."""
    translation = module_for(model.config.model)
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
    from gan_core.data import load_folder_dataset

    translation = module_for(model.config.model)
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
    stackgan = module_for("stackgan")
    with _locked(model):
        low, final = stackgan.two_stage(model.generator, seed_latents(seeds, model.latent_dim))
    size = int(final.shape[-1])
    return {"picture": _tiles(torch.cat([low, final]), len(seeds), target=260), "low": size // 2, "size": size}


# -- caption ---------------------------------------------------------------------------------------------------------

def caption_words(text: str) -> dict:
    """{"known": words the model reads, "unknown": words it ignores, "vocabulary": content words it knows,
    "fillers": words it reads but that say nothing}."""
    captions = module_for("caption")
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
    captions = module_for("caption")
    n = int(np.clip(n, 1, MAX_CAPTION_IMAGES))
    with _locked(model):
        images = captions.caption_to_image(model.generator, text, n=n, seed=seed, fill_missing=fill_missing)
    return _tiles(images, min(n, 8), target=220)


def honest_note(language: str) -> str:
    captions = module_for("caption")
    return getattr(captions, "HONEST_NOTE_ZH" if language == "zh" else "HONEST_NOTE_EN", "")


def no_known_words(text: str, language: str) -> str:
    """The model's own one-sentence message for a caption with no word it knows, in the page's language."""
    captions = module_for("caption")
    words = ", ".join(caption_words(text)["vocabulary"][:12])
    template = getattr(captions, "NO_KNOWN_WORDS_ZH" if language == "zh" else "NO_KNOWN_WORDS_EN", None)
    if template is None:
        return TEXT["caption_nothing"][1 if language == "zh" else 0].format(words=words)
    return template.format(text=text.strip()[:60], words=words)


# -- English / 中文 for the "This model" tab ({key: (english, chinese)}, like app/sample_text.py) -------------------
TEXT = {
    "intro_ddpm": ("A diffusion model draws by removing noise step by step. Its latent z is the starting noise, so "
                   "the same seed always gives the same picture (DDIM sampling is deterministic).",
                   "扩散模型通过一步步去除噪声来生成。它的潜在向量 z 就是起始噪声，所以同一个种子总是给出同一张图"
                   "（DDIM 采样是确定性的）。"),
    "seed": ("Seed", "种子"),
    "chain_count": ("Samples in the chain", "链中的样本数"),
    "steps": ("Sampling steps", "采样步数"),
    "steps_help": ("How many denoising steps DDIM takes from pure noise to the sample; fewer is faster and rougher.",
                   "DDIM 从纯噪声到样本所走的去噪步数；步数越少越快，也越粗糙。"),
    "chain_title": ("The denoising chain", "去噪链"),
    "chain_caption": ("Left to right: the noisy picture x_t from pure noise (noise level {first}) to the finished "
                      "sample. Noise left in each frame (σ): {stds}.",
                      "从左到右：带噪图像 x_t，从纯噪声（噪声级 {first}）到完成的样本。每一帧剩余的噪声（σ）：{stds}。"),
    "guess_caption": ("The model's guess of the clean sample at each frame: early guesses are blurry averages, "
                      "later ones sharpen as the noise goes.",
                      "每一帧里模型对干净样本的猜测：早期的猜测是模糊的平均，随着噪声减少逐渐变清晰。"),
    "compare_title": ("Same noise, different numbers of steps", "同一噪声，不同步数"),
    "compare_caption": ("{steps} steps", "{steps} 步"),
    "picked_caption": ("Your choice: {steps} steps", "你选的：{steps} 步"),
    "noising_title": ("The forward process: a real {what} dissolving into noise", "前向过程：一个真实{what}逐渐溶解成噪声"),
    "what_image": ("image", "图像"),
    "what_points": ("point cloud", "点云"),
    "real_index": ("Real sample number", "真实样本编号"),
    "noising_caption": ("Left to right: noise levels {levels}. Share of the data left (√ᾱ): {signal}. Training "
                        "teaches the network to undo exactly this.",
                        "从左到右：噪声级 {levels}。保留的数据比例（√ᾱ）：{signal}。训练教网络做的正是把它倒过来。"),
    "no_real": ("The training data is not available here ({reason}), so the forward process cannot be shown.",
                "这里无法获得训练数据（{reason}），所以无法展示前向过程。"),
    "cost_title": ("What steps cost", "步数的代价"),
    "cost_button": ("Measure the sampling cost", "测量采样耗时"),
    "cost_caption": ("Milliseconds per sample on this server, now (best of 2 runs of 8 samples; other users make it "
                     "slower). A GAN needs one network call per sample; this model needs one per step.",
                     "本服务器此刻每个样本的毫秒数（8 个样本跑 2 次取最好；其他用户会让它变慢）。"
                     "GAN 每个样本只需调用一次网络；这个模型每一步都要调用一次。"),
    "cost_steps": ("steps", "步数"),
    "cost_ms": ("ms per sample", "每样本毫秒"),
    "cost_calls": ("network calls", "网络调用次数"),
    "intro_stylegan": ("StyleGAN feeds its latent through a mapping network to a style w, and gives every layer its "
                       "own copy of w. Layers can take their styles from different seeds.",
                       "StyleGAN 把潜在向量经过映射网络变成风格 w，每一层都拿到自己的一份 w。不同层可以从不同的种子取风格。"),
    "mix_title": ("Style mixing", "风格混合"),
    "row_seeds": ("Row seeds (comma separated)", "行种子（逗号分隔）"),
    "col_seeds": ("Column seeds (comma separated)", "列种子（逗号分隔）"),
    "crossover": ("Crossover: layers taken from the row", "交叉点：从行取风格的层数"),
    "crossover_help": ("Layers below this number take the row's style, the rest the column's.",
                       "低于这个编号的层用行的风格，其余用列的风格。"),
    "mix_caption": ("Top row: column sources; left column: row sources. Each cell takes layers 0–{last} "
                    "({coarse}) from its row and the rest ({fine}) from its column.",
                    "第一行：列的来源；最左列：行的来源。每一格的第 0–{last} 层（{coarse}）来自它的行，其余层（{fine}）来自它的列。"),
    "mix_none": ("Crossover 0: every layer comes from the column, so each row repeats the top row.",
                 "交叉点为 0：所有层都来自列，所以每一行都和第一行相同。"),
    "mix_all": ("Crossover at the last layer: every layer comes from the row, so each row repeats its left picture.",
                "交叉点在最后一层：所有层都来自行，所以每一行都和它最左边的图相同。"),
    "coarse_fine": ("Coarse layers work at low resolution (4×4, 8×8) and decide the layout: pose, shape, which digit. "
                    "Fine layers work at full resolution and decide the look: stroke, colour, texture. Move the "
                    "crossover to see where this model draws the line.",
                    "粗层在低分辨率（4×4、8×8）上工作，决定布局：姿态、形状、是哪个数字。细层在全分辨率上工作，"
                    "决定外观：笔画、颜色、纹理。移动交叉点，看看这个模型在哪里分界。"),
    "layers_at": ("layers at {res} px", "{res} 像素的层"),
    "noise_title": ("Noise inputs", "噪声输入"),
    "noise_seed": ("Sample seed", "样本种子"),
    "noise_caption": ("The same style w with {n} different draws of per-pixel noise.",
                      "同一个风格 w，配上 {n} 次不同的逐像素噪声。"),
    "spread_caption": ("Where noise acts: per-pixel spread, stretched so the largest ({top:.3f}) is white.",
                       "噪声作用在哪里：逐像素的差异，拉伸到最大值（{top:.3f}）为白色。"),
    "no_noise_caption": ("Noise off", "关闭噪声"),
    "noise_note": ("Noise only moves small details; if the spread map is almost black, this model learned to "
                   "ignore its noise.",
                   "噪声只改变细小的细节；如果差异图几乎全黑，说明这个模型学会了忽略噪声。"),
    "trunc_title": ("Truncation in w", "w 空间的截断"),
    "trunc_seeds": ("Seeds (comma separated)", "种子（逗号分隔）"),
    "trunc_caption": ("Rows: ψ = {psis}. Each w is pulled toward the average w; ψ = 0 gives the average picture. "
                      "Smaller ψ: cleaner, more typical, less varied.",
                      "各行：ψ = {psis}。每个 w 被拉向平均 w；ψ = 0 得到“平均图像”。ψ 越小越干净、越典型、越缺少变化。"),
    "bad_seeds": ("Write seeds as whole numbers separated by commas, like 1, 2, 3.",
                  "种子请写成用逗号分隔的整数，例如 1, 2, 3。"),
    "intro_progan": ("A progressive GAN starts at 4×4 and grows a block at a time to full size, fading each new "
                     "block in so the trained layers are not disturbed.",
                     "渐进式 GAN 从 4×4 开始，一次长出一个模块直到全尺寸，每个新模块都逐渐淡入，以免打乱已训练好的层。"),
    "progan_stages": ("The same latents drawn at each stage's resolution.", "同一组潜在向量在每个阶段分辨率下的样子。"),
    "stage_caption": ("{res}×{res}", "{res}×{res}"),
    "progan_now": ("This checkpoint is at stage {stage} of {stages}: {res}×{res} pixels{fade}, shown enlarged to "
                   "{size}×{size}. It grew through {path}; each stage spent its first half fading the new block in.",
                   "这个检查点处于第 {stage}/{stages} 阶段：{res}×{res} 像素{fade}，放大到 {size}×{size} 显示。"
                   "它依次长过 {path}；每个阶段的前一半用来淡入新模块。"),
    "progan_fade": (" (new block faded in at {alpha:.0%})", "（新模块已淡入 {alpha:.0%}）"),
    "progan_no_stages": ("This version of the progressive module cannot draw earlier stages of a finished model, "
                         "so only the current resolution is shown.",
                         "这个版本的渐进式模块无法画出已完成模型的早期阶段，所以只显示当前分辨率。"),
    "intro_translation": ("A translation model turns a source picture into a target picture. Its sources here are "
                          "held-out images it never trained on (task: {task}).",
                          "翻译模型把源图像变成目标图像。这里的源图像来自它训练时从未见过的留出图像（任务：{task}）。"),
    "pick_by": ("Pick sources by", "按什么挑选源图像"),
    "by_index": ("bank number", "图库编号"),
    "by_seed": ("seed", "种子"),
    "first_index": ("First bank number", "起始图库编号"),
    "how_many": ("How many", "数量"),
    "rows_pix2pix": ("Rows: source | output | real target (the pair pix2pix learns from).",
                     "各行：源图像 | 输出 | 真实目标（pix2pix 学习用的配对）。"),
    "rows_cyclegan": ("Rows: source | output | cycle reconstruction F(G(source)): CycleGAN never saw a pair, "
                      "so the round trip is what keeps it honest.",
                      "各行：源图像 | 输出 | 循环重建 F(G(源))：CycleGAN 从没见过配对，靠往返一致来约束自己。"),
    "empty_bank": ("This checkpoint holds no held-out images, so there is nothing to translate; upload a picture.",
                   "这个检查点没有留出图像，没有可翻译的内容；请上传一张图片。"),
    "upload_title": ("Translate your own picture", "翻译你自己的图片"),
    "upload_image": ("Upload a small picture (PNG, JPEG, …)", "上传一张小图片（PNG、JPEG 等）"),
    "upload_help": ("It is cropped to a square and resized to {size}×{size}, like the training data.",
                    "它会被裁成正方形并缩放到 {size}×{size}，与训练数据一致。"),
    "upload_mode": ("My picture is", "我的图片是"),
    "mode_target": ("a finished picture: make its source first", "一张完整的图：先生成它的源图像"),
    "mode_source": ("already a source", "已经是源图像"),
    "upload_caption_yours": ("source | output | your picture", "源图像 | 输出 | 你的图片"),
    "upload_caption_cycle": ("source | output | cycle reconstruction", "源图像 | 输出 | 循环重建"),
    "upload_caption_plain": ("source | output", "源图像 | 输出"),
    "bad_image": ("{reason}", "这张图片无法使用：{reason}"),
    "intro_stackgan": ("StackGAN draws in two stages: stage I sketches a half-size picture (layout and colours), "
                       "stage II repaints it at full size (edges and detail).",
                       "StackGAN 分两个阶段作画：第一阶段画出半尺寸的草图（布局和颜色），第二阶段在全尺寸上重画（边缘与细节）。"),
    "stack_seeds": ("Seeds (comma separated)", "种子（逗号分隔）"),
    "stack_caption": ("Top: stage I at {low}×{low}, enlarged. Bottom: stage II at {size}×{size} for the same seeds.",
                      "上：第一阶段 {low}×{low}（放大显示）。下：同样种子的第二阶段 {size}×{size}。"),
    "intro_caption": ("Type a caption and the model draws it. It reads English words only.",
                      "输入一句描述，模型就把它画出来。它只认识英文单词。"),
    "caption": ("Caption", "描述"),
    "caption_default": ("red circle top left", "red circle top left"),
    "caption_count": ("Pictures", "图片数量"),
    "fill_missing": ("Fill in what the caption leaves out at random", "随机补全描述里没说的属性"),
    "fill_help": ("Off: the model reads a partial caption as it is and z must choose the rest, often a faint blend.",
                  "关闭：模型按原样读取不完整的描述，由 z 决定其余部分，常常是模糊的混合。"),
    "caption_images": ("Pictures for “{text}”", "“{text}” 的图片"),
    "unknown_words": ("I do not know these words and ignored them: {words}. Try the words below.",
                      "这些词我不认识，已忽略：{words}。试试下面的词。"),
    "vocabulary": ("Words I know: {words}. Words I read but that say nothing: {fillers}.",
                   "我认识的词：{words}。我能读但没有含义的词：{fillers}。"),
    "caption_nothing": ("None of these words names a shape, colour or position I know; try words like {words}.",
                        "这些词里没有我认识的形状、颜色或位置；请试试这些英文单词：{words}。"),
    "caption_empty": ("Type a caption, for example “blue square bottom right”.",
                      "输入一句描述，例如 “blue square bottom right”。"),
    "failed": ("This part could not be drawn for this checkpoint: {reason}", "这个检查点无法画出这一部分：{reason}"),
}
