"""Three views the Train page adds on top of the live panel (issue #9), each a thin layer over gan_core:

- the layer picker of the 2-D view (D's opinion, G's warped latent grid, real and generated points, gradient
  arrows), remembered per session and applied to the GIF too;
- the live distance between the real and generated 2-D densities (KL and JS, recorded by
  gan_core.evaluation.evaluate.quick_metrics) as a curve over training, with what the two numbers mean;
- the memorisation check for image runs: the first samples of the shown snapshot next to their nearest
  training images (gan_core.evaluation.memorisation), with the distances and one summary ratio.

All text is here in English and Chinese; train_panel calls `layer_choice`, `draw_divergence` and `draw_memorisation`.
"""
from __future__ import annotations

import math

import numpy as np
import streamlit as st

from gan_core.config import TrainConfig
from gan_core.data import DataError, Dataset
from gan_core.images import to_uint8, upscale
from gan_core.evaluation.memorisation import (COPY_RATIO, FEATURES, FeatureIndex, build_index, grid_capacity,
                                   nearest_training_images, tiles_from_grid)
from gan_core.runtime.job import TrainingJob

from . import train_data as user_data
from .i18n import t
from .state import cached_dataset, data_key, dataset_for
from .train_plots import DEFAULT_LAYERS, PLOT_CONFIG, POINT_LAYERS, divergence_figure
from .train_text import TEXT as TRAIN_TEXT

LAYERS_KEY = "train_layers"  # the picker for a GAN's 2-D view (all five layers)
DECODER_LAYERS_KEY = "train_layers_decoder"  # the picker for a 2-D view without D (a VAE's decoder)
CHOSEN_KEY = "train_layers_chosen"  # the last choice, kept when the picker is not on screen (page switch)
MEMORY_RESULT_KEY = "train_memory_result"
INDEX_KEY = "train_memory_index"  # (key, FeatureIndex) of uploaded images, which no server cache may hold
MEMORY_TILE_PIXELS = 64  # each image of the memorisation check is enlarged (crisp pixels) to about this size
MEMORY_SHOWN_PIXELS = 110  # and shown this wide, room for a caption such as "training #1455 · d = 8.38"
MEMORY_MAX_SAMPLES = 16

TEXT = {
    # -- layers of the 2-D view --------------------------------------------------------------------------
    "layers": ("Show", "显示"),
    "layers_help": ("Switch the layers of the picture on and off. **D's opinion**: the background colour. "
                    "**G's grid**: straight lines of latent space after G has bent them into data space "
                    "(blue: z₁ fixed, purple: z₂ fixed); where lines bunch up G puts many samples, where they "
                    "stretch apart few, and a line that crosses an empty gap between modes is G's continuous "
                    "sheet being pulled thin. **Arrows**: where G's loss pushes each generated point. The GIF "
                    "download uses the same choice.",
                    "打开或关闭图中的各个图层。**D 的判断**：背景颜色。**G 的网格**：潜空间中的直线经过 G "
                    "弯折后在数据空间中的样子（蓝色：z₁ 固定，紫色：z₂ 固定）；线条挤在一起的地方 G 放了很多样本，"
                    "拉开的地方样本很少，穿过模式之间空白的线说明 G 这张连续的“薄片”被拉得很薄。**箭头**：G 的损失"
                    "把每个生成点推向哪里。GIF 下载也使用同样的选择。"),
    "layer_heatmap": ("D's opinion", "D 的判断"),  # short: all five pills fit in one row beside the text
    "layer_manifold": ("G's grid", "G 的网格"),
    "layer_real": ("real", "真实点"),
    "layer_fake": ("generated", "生成点"),
    "layer_arrows": ("arrows", "梯度箭头"),
    "legend_manifold": ("G(latent grid)", "G(潜空间网格)"),
    "legend_heatmap": ("D's opinion", "D 的判断"),
    # -- KL / JS over training ---------------------------------------------------------------------------
    "div_title": ("Distance between the real and generated densities (every {every} steps)",
                  "真实分布与生成分布之间的距离（每 {every} 步）"),
    "div_kl": ("KL(real ‖ generated), nats", "KL(真实 ‖ 生成)，单位 nat"),
    "div_js": ("JS(real, generated), nats", "JS(真实, 生成)，单位 nat"),
    "div_ceiling": ("ln 2 ≈ 0.693: no overlap at all", "ln 2 ≈ 0.693：完全不重叠"),
    "div_waiting": ("The KL and JS curves appear after the first measurement (every {every} steps).",
                    "第一次测量后会出现 KL 与 JS 曲线（每 {every} 步测一次）。"),
    "div_off": ("Metrics are off for this run (measured every 0 steps), so there is no KL/JS curve.",
                "这次训练关闭了指标测量（每 0 步），因此没有 KL/JS 曲线。"),
    "div_explain_title": ("What KL and JS mean, and why JS gets stuck at ln 2", "KL 与 JS 是什么，为什么 JS 会卡在 ln 2"),
    "div_explain": (
        "Both clouds of points become smoothed 2-D histograms p (real) and q (generated) on a 32 × 32 grid: a "
        "slight Gaussian blur (one cell) plus a tiny floor in every cell, so an empty cell never gives log 0.\n\n"
        "**KL(real ‖ generated)** = Σ p · log(p / q) asks: *wherever real data lives, does G put samples too?* "
        "It is 0 only when the two match, and it grows large when G misses a mode (p > 0 where q ≈ 0). It is not "
        "symmetric: G piling samples where there is no real data costs it little.\n\n"
        "**JS** compares each with their average m = (p + q) / 2: JS = ½ KL(p ‖ m) + ½ KL(q ‖ m). It is "
        "symmetric and never above **ln 2 ≈ 0.693**, which it reaches as soon as the two densities do not "
        "overlap at all, *however far apart they are*.\n\n"
        "That flat ceiling is the classic reason the original GAN stalls. Against the best possible D, the "
        "minimax loss of G equals 2 · JS − 2 ln 2. When the real and generated supports do not overlap (usual "
        "at the start, and for thin data in many dimensions) JS sits at ln 2 whatever G does, so its gradient "
        "is zero and G learns nothing: the gradients vanish. The non-saturating loss and the Wasserstein loss "
        "(which measures *how far* mass must move) were invented to get around it.\n\n"
        "Even a perfect generator scores a few hundredths, not exactly 0: both histograms come from a finite "
        "number of points (2,000 real, 1,000 generated).",
        "两团点分别变成 32 × 32 网格上平滑过的二维直方图 p（真实）和 q（生成）：先做一格宽的轻微高斯模糊，"
        "再给每格加一个极小的下限，这样空格子不会出现 log 0。\n\n"
        "**KL(真实 ‖ 生成)** = Σ p · log(p / q) 问的是：*凡是有真实数据的地方，G 也放了样本吗？* 只有两者一致时"
        "才为 0；G 漏掉一个模式（p > 0 而 q ≈ 0）时它会变得很大。它不对称：G 把样本堆在没有真实数据的地方，"
        "代价很小。\n\n"
        "**JS** 把两者都与平均分布 m = (p + q) / 2 比较：JS = ½ KL(p ‖ m) + ½ KL(q ‖ m)。它是对称的，"
        "且永远不超过 **ln 2 ≈ 0.693**；只要两个分布完全不重叠，*无论相距多远*，它都等于 ln 2。\n\n"
        "这个平顶正是原始 GAN 停滞的经典原因。面对最优的 D，G 的 minimax 损失等于 2 · JS − 2 ln 2。"
        "当真实分布与生成分布的支撑集不重叠时（训练初期很常见，高维中的“薄”数据也是如此），无论 G 怎么变，"
        "JS 都停在 ln 2，梯度为零，G 学不到任何东西：这就是梯度消失。非饱和损失和 Wasserstein 损失"
        "（衡量质量需要*移动多远*）正是为绕开这个问题而提出的。\n\n"
        "即使生成器完美，数值也会是百分之几而不是正好 0：两个直方图都只来自有限个点（2,000 个真实点、1,000 个生成点）。"),
    # -- memorisation check --------------------------------------------------------------------------------
    "mem_title": ("Is it copying? Each sample next to its nearest training images", "是否在照抄？每个样本与最接近的训练图像"),
    "mem_intro": ("A generator that memorised its data makes near-copies of training images. This check takes the "
                  "first samples of the snapshot shown above, finds the closest training images, and compares that "
                  "distance with how close *real* images are to their nearest *other* training image.",
                  "记住了训练数据的生成器会生成与训练图像几乎一样的图。这里取上方所显示快照的前几个样本，找出最接近的"
                  "训练图像，并把这个距离与*真实*图像到离它最近的*另一张*训练图像的距离作比较。"),
    "mem_feature": ("Compare in", "比较方式"),
    "mem_feature_classifier": ("classifier features", "分类器特征"),
    "mem_feature_pixels": ("raw pixels", "原始像素"),
    "mem_feature_help": ("Classifier features: the 64 numbers this project's small classifier computes for an image, "
                         "so images that look alike to it are close even when shifted by a pixel. Raw pixels: the "
                         "plain pixel-by-pixel distance. Data without a classifier always uses pixels.",
                         "分类器特征：本项目的小分类器为每张图计算的 64 个数，在它看来相像的图即使错开一个像素也很接近。"
                         "原始像素：逐像素的普通距离。没有分类器的数据总是使用像素。"),
    "mem_count": ("Samples to check", "检查的样本数"),
    "mem_k": ("Nearest training images per sample", "每个样本的最近训练图像数"),
    "mem_run": ("Find the nearest training images", "查找最接近的训练图像"),
    "mem_busy": ("Searching the training set…", "正在搜索训练集……"),
    "mem_fell_back": ("This data has no classifier, so the distances are in raw pixels.",
                      "这份数据没有分类器，所以距离按原始像素计算。"),
    "mem_space": ("Step {step:,} · distances in {space} · a real image is typically {typical:.3g} from its nearest "
                  "other training image.",
                  "第 {step:,} 步 · 距离空间：{space} · 真实图像到最近的另一张训练图像通常相距 {typical:.3g}。"),
    "mem_ratio": ("Nearest-neighbour ratio", "最近邻距离比"),
    "mem_ratio_help": ("Median over the samples of (distance to the nearest training image), divided by the median "
                       "of the same distance for real images. About 1 or more: the samples are as far from the "
                       "training set as new real images would be. Well below 1 (under {limit}): they sit on top of "
                       "training images, a sign of memorisation.",
                       "样本到最近训练图像距离的中位数，除以真实图像同一距离的中位数。约为 1 或更大：样本与训练集的距离和"
                       "新的真实图像差不多。远小于 1（低于 {limit}）：样本几乎压在训练图像上，是记忆（照抄）的迹象。"),
    "mem_copying": ("The samples sit much closer to training images than real images do (ratio {ratio:.2f}): the "
                    "generator may be copying its training data.",
                    "样本离训练图像比真实图像之间还近得多（比值 {ratio:.2f}）：生成器可能在照抄训练数据。"),
    "mem_fine": ("No sign of copying: the samples are about as far from the training set as real images are, or "
                 "farther (ratio {ratio:.2f}).",
                 "没有照抄的迹象：样本与训练集的距离与真实图像相当或更远（比值 {ratio:.2f}）。"),
    "mem_undefined": ("The training set holds exact duplicates, so the typical real distance is 0 and the ratio "
                      "is undefined; read the distances instead.",
                      "训练集中有完全相同的图像，真实图像的典型距离为 0，比值无意义；请直接看距离。"),
    "mem_sample": ("sample {number} · {ratio}× typical", "样本 {number} · 典型距离的 {ratio} 倍"),
    "mem_neighbour": ("training #{index} · d = {distance:.3g}", "训练图 #{index} · d = {distance:.3g}"),
    "mem_failed": ("The check could not run: {message}", "无法进行检查：{message}"),
    "mem_other_step": ("These results are for step {step:,}; press the button again to check the snapshot shown now.",
                       "这些结果对应第 {step:,} 步；再按一次按钮即可检查当前显示的快照。"),
}


# -- layers of the 2-D view -------------------------------------------------------------------------------
def _layer_options(frame: dict) -> tuple[str, list[str]]:
    """(widget key, layers it offers): all five for a GAN's view, no D layers for a view without D."""
    if frame.get("heatmap") is not None:
        return LAYERS_KEY, list(POINT_LAYERS)
    return DECODER_LAYERS_KEY, [layer for layer in POINT_LAYERS if layer not in ("heatmap", "arrows")]


def chosen_layers() -> list[str]:
    """The layers this session last chose (the defaults before any choice)."""
    return list(st.session_state.get(CHOSEN_KEY, DEFAULT_LAYERS))


def layer_choice(frame: dict) -> list[str]:
    """Draw the layer picker for a 2-D snapshot and return the chosen layers (kept across reruns and pages)."""
    key, options = _layer_options(frame)
    if key not in st.session_state:  # first time here, or the picker was off screen: restore the last choice
        st.session_state[key] = [layer for layer in chosen_layers() if layer in options]
    chosen = st.pills(t(TEXT, "layers"), options, selection_mode="multi", key=key, help=t(TEXT, "layers_help"),
                      format_func=lambda layer: t(TEXT, f"layer_{layer}"))
    chosen = list(chosen or [])
    hidden_here = [layer for layer in chosen_layers() if layer not in options]  # e.g. arrows, kept for GAN views
    st.session_state[CHOSEN_KEY] = chosen + hidden_here
    return chosen


def layer_names() -> dict:
    """Legend labels of the layers that train_panel's names do not already carry."""
    return {"manifold": t(TEXT, "legend_manifold"), "heatmap": t(TEXT, "legend_heatmap")}


# -- everything below the charts ----------------------------------------------------------------------------
def draw_divergence(view: dict, config: TrainConfig, revision: str) -> None:
    """KL(real || generated) and JS over training, beside what they mean."""
    metrics = view.get("metrics") or {}
    steps = metrics.get("steps") or []
    values = metrics.get("values") or {}
    chart, words = st.columns([1.25, 1], gap="medium")
    with chart:
        if not config.metrics_every:
            st.caption(t(TEXT, "div_off"))
        elif not steps or "js" not in values:
            st.caption(t(TEXT, "div_waiting", every=config.metrics_every))
        else:
            names = {"title": t(TEXT, "div_title", every=config.metrics_every), "kl": t(TEXT, "div_kl"),
                     "js": t(TEXT, "div_js"), "ceiling": t(TEXT, "div_ceiling")}
            figure = divergence_figure(steps, values.get("kl", []), values["js"], names, f"divergence-{revision}",
                                       x_title=t(TRAIN_TEXT, "axis_step"))
            st.plotly_chart(figure, key="train_chart_divergence", config=PLOT_CONFIG, width="stretch")
    with words:
        with st.expander(t(TEXT, "div_explain_title"), icon=":material/functions:", expanded=False):
            st.markdown(t(TEXT, "div_explain"))


# -- memorisation check ---------------------------------------------------------------------------------------
@st.cache_resource(max_entries=4, show_spinner=False)
def _cached_index(name: str, image_size: int, data_root: str, n_points: int, seed: int, feature: str) -> FeatureIndex:
    """A built-in training set embedded once per server and feature space (a second or two for digits)."""
    dataset = cached_dataset(name, image_size, data_root, n_points, seed)
    return build_index(dataset, feature, data_root=data_root)


def _training_set(config: TrainConfig, feature: str) -> tuple[Dataset, FeatureIndex]:
    """The images the run trained on and their search index.

    Uploaded images live in this session only (app.train_data), so their index is kept in the session too,
    one at a time; built-in data is shared by the whole server.
    """
    uploaded = user_data.run_dataset(config)
    if uploaded is None:
        return dataset_for(config), _cached_index(*data_key(config), feature)
    key = (uploaded.name, feature)  # an upload's name is derived from its content
    kept = st.session_state.get(INDEX_KEY)
    if kept is None or kept[0] != key:
        kept = (key, build_index(uploaded, feature))
        st.session_state[INDEX_KEY] = kept
    return uploaded, kept[1]


def _check(job: TrainingJob, frame: dict, config: TrainConfig, count: int, k: int, feature: str) -> dict:
    """Run the search for the first `count` samples of `frame`; returns what the panel draws (plain data)."""
    dataset, index = _training_set(config, feature)
    available = grid_capacity(frame["grid"], dataset.image_size)  # the fixed batch: 64 images, or 8 per class
    samples = tiles_from_grid(frame["grid"], min(count, available), dataset.channels, dataset.image_size)
    result = nearest_training_images(samples, dataset, k=k, index=index)
    zoom = max(1, MEMORY_TILE_PIXELS // dataset.image_size)
    neighbours = to_uint8(dataset.data[result["indices"].reshape(-1)].cpu())  # (n * k, H, W, C)
    return {"job": job.id, "step": int(frame.get("step", 0)), "result": result,
            "samples": [upscale(_rgb(image), zoom) for image in to_uint8(samples)],
            "neighbours": [upscale(_rgb(image), zoom) for image in neighbours]}


def _rgb(image: np.ndarray) -> np.ndarray:
    """(H, W, 1 or 3) uint8 -> (H, W, 3)."""
    return np.repeat(image, 3, axis=2) if image.shape[2] == 1 else image


def draw_memorisation(job: TrainingJob, frame: dict, config: TrainConfig) -> None:
    """The nearest-training-image check for the image snapshot on screen, computed when the button is pressed."""
    with st.expander(t(TEXT, "mem_title"), icon=":material/content_copy:"):
        st.markdown(t(TEXT, "mem_intro"))
        cells = st.columns([1.3, 1, 1], vertical_alignment="bottom")
        feature = cells[0].segmented_control(t(TEXT, "mem_feature"), list(FEATURES), key="train_memory_feature",
                                             default="classifier", help=t(TEXT, "mem_feature_help"),
                                             format_func=lambda f: t(TEXT, f"mem_feature_{f}")) or "classifier"
        count = cells[1].number_input(t(TEXT, "mem_count"), 1, MEMORY_MAX_SAMPLES, 8, key="train_memory_count")
        k = cells[2].number_input(t(TEXT, "mem_k"), 1, 8, 3, key="train_memory_k")
        if st.button(t(TEXT, "mem_run"), key="train_memory_run", icon=":material/search:"):
            try:
                with st.spinner(t(TEXT, "mem_busy")):
                    st.session_state[MEMORY_RESULT_KEY] = _check(job, frame, config, int(count), int(k), feature)
            except (ValueError, DataError) as error:  # one sentence, never a traceback
                st.session_state.pop(MEMORY_RESULT_KEY, None)
                st.error(t(TEXT, "mem_failed", message=str(error)), icon=":material/error:")
        shown = st.session_state.get(MEMORY_RESULT_KEY)
        if shown and shown["job"] == job.id:
            _draw_result(shown, int(frame.get("step", 0)))


def _draw_result(shown: dict, step_on_screen: int) -> None:
    result = shown["result"]
    if shown["step"] != step_on_screen:
        st.caption(t(TEXT, "mem_other_step", step=shown["step"]))
    if result["fell_back"]:
        st.info(t(TEXT, "mem_fell_back"), icon=":material/info:")
    ratio = result["ratio"]
    summary, verdict = st.columns([1, 3], vertical_alignment="center")
    summary.metric(t(TEXT, "mem_ratio"), "—" if not math.isfinite(ratio) else f"{ratio:.2f}",
                   help=t(TEXT, "mem_ratio_help", limit=COPY_RATIO))
    with verdict:
        if not math.isfinite(ratio):
            st.warning(t(TEXT, "mem_undefined"), icon=":material/help:")
        elif ratio < COPY_RATIO:
            st.warning(t(TEXT, "mem_copying", ratio=ratio), icon=":material/content_copy:")
        else:
            st.success(t(TEXT, "mem_fine", ratio=ratio), icon=":material/check_circle:")
        st.caption(t(TEXT, "mem_space", step=shown["step"], space=result["feature_space"],
                     typical=result["typical_distance"]))
    k = result["indices"].shape[1]
    for row, sample in enumerate(shown["samples"]):
        sample_ratio = float(result["sample_ratios"][row])
        captions = [t(TEXT, "mem_sample", number=row + 1,
                      ratio="—" if not math.isfinite(sample_ratio) else f"{sample_ratio:.2f}")]
        captions += [t(TEXT, "mem_neighbour", index=int(result["indices"][row, j]),
                       distance=float(result["distances"][row, j])) for j in range(k)]
        # one fixed width: a long caption would otherwise widen its own picture and break the row's rhythm
        st.image([sample] + shown["neighbours"][row * k:(row + 1) * k], caption=captions, width=MEMORY_SHOWN_PIXELS)
