"""The tabs of the Sample & Blend page that every GAN and VAE has (the family tab is app/sample_family_tab.py).
Each draws its widgets, calls app.sample_compute (one decode per picture) and shows the result; nothing here does
latent maths."""
from __future__ import annotations

import math
import random
from dataclasses import dataclass

import numpy as np
import streamlit as st
import torch

from gan_core.config import LABELLED_DATASETS
from gan_core.data import DataError, load_folder_dataset
from gan_core.latents import LatentModel, angle_degrees, latent_for_seed
from gan_core.uploads import MAX_PICTURE_MB as IMAGE_UPLOAD_MB

from . import sample_cache as cache
from . import sample_compute as compute
from . import sample_plots as plots
from .sample_compute import GridSettings
from .pictures import show_gif, show_png
from .sample_widgets import choice, download, int_input, multiselect, slider, toggle, tr
from .i18n import plural
from .presenter import chart

MAX_SEED = compute.MAX_SEED
PNG, NPY, GIF = "image/png", "application/octet-stream", "image/gif"
STRIP_WIDTH = 860  # px available to a strip next to its label
EDIT_KEYS = ("edit_dim_", "edit_dir_")


@dataclass
class Context:
    model: LatentModel
    key: str  # names the exact checkpoint file (path@mtime or upload:sha256)
    name: str  # for download file names
    cli_path: str  # how the CLI would name this checkpoint
    label: int | None  # the class a conditional model draws (None for unconditional models)


def class_name(model: LatentModel, index: int) -> str:
    names = model.class_names
    return names[index] if 0 <= index < len(names) else str(index)


# -- the sample grid's settings are shared: other tabs pick "sample number i of the grid" ------------------------

def grid_settings(ctx: Context) -> GridSettings:
    state = st.session_state
    model = ctx.model
    return GridSettings(seed=int(state.get("sample_seed", 0)), side=int(state.get("sample_side", 6)),
                        n_points=int(state.get("sample_points", 1000)),
                        truncation=float(state.get("sample_psi", 1.0)) if truncates(model) else 1.0,
                        class_rows=bool(state.get("sample_class_rows", True)) and bool(model.n_classes),
                        label=ctx.label)


def truncates(model: LatentModel) -> bool:
    """Whether the Samples tab offers ψ: wherever the model can pull toward an average (LatentModel.truncation_space),
    a VAE's decoder too (z → ψ·z toward the centre of its prior), as `python -m gan_core sample --truncation`."""
    return bool(model.truncation_space)


def _psi_slider(model: LatentModel) -> None:
    """The ψ slider with the help that says where it acts, or (for a model that cannot truncate) one sentence why
    there is none."""
    if not model.truncation_space:
        st.caption(tr(NO_TRUNCATION.get(model.config.model, "psi_none")))
        return
    help_key = "psi_help_w" if model.truncation_space == "w" else "psi_help_vae" if model.is_vae else "psi_help"
    slider(tr("psi"), "sample_psi", 1.0, 0.0, 1.0, 0.05, help=tr(help_key))


def unused_settings(model: LatentModel) -> set[str]:
    """The session keys of the page's settings that this model has no widget for, so no use for (the link leaves
    them out): ψ where it cannot truncate, the class of an unconditional model, the image grid's size and rows for
    a 2-D model and the 2-D view's for an image model, the real images of a model without an encoder."""
    unused = set()
    if not truncates(model):
        unused.add("sample_psi")
    if not model.n_classes:
        unused.add("sample_class")
    if model.is_points or not model.n_classes:
        unused.add("sample_class_rows")
    unused |= {"sample_side"} if model.is_points else {"sample_points", "sample_extent"}
    if not model.is_vae or model.is_points:
        unused |= {"real_a", "real_b"}
    return unused


NO_TRUNCATION = {"progan": "psi_none_progan", "pix2pix": "psi_none_translation", "cyclegan": "psi_none_translation"}


def _new_seed() -> None:
    st.session_state["sample_seed"] = random.randrange(0, 100_000)


def reset_edits() -> None:
    for key in list(st.session_state.keys()):
        if isinstance(key, str) and key.startswith(EDIT_KEYS):
            st.session_state[key] = 0.0


def pick_latent(ctx: Context, prefix: str, title: str, default_seed: int, default_index: int,
                pick_key: str) -> tuple[torch.Tensor, int | None, str]:
    """A number input naming a latent by grid number or by seed (the radio `pick_key` decides).

    Returns (z, label, description)."""
    mode = st.session_state.get(pick_key, "grid")
    settings = grid_settings(ctx)
    if mode == "grid":
        count = settings.count(ctx.model)
        index = int_input(title, f"{prefix}_index", default_index, 0, count - 1,
                          help=tr("number_help_points" if ctx.model.is_points else "grid_number_help"))
        z, label = compute.grid_pick(ctx.model, settings, index)
        return z, (label if label is not None else ctx.label), f"#{index}"
    seed = int_input(title, f"{prefix}_seed", default_seed, 0, MAX_SEED, help=tr("seed_help"))
    return latent_for_seed(seed, ctx.model.latent_dim), ctx.label, f"seed {seed}"


def pick_mode(key: str, one: bool = False, points: bool = False) -> str:
    """Grid number or seed; `points`: a 2-D model, whose Samples tab draws a cloud (a "sample number", no grid)."""
    grid_word = "pick_number" if points else "pick_grid"
    return choice(tr("pick_one_by" if one else "pick_by"), ["grid", "seed"], key, "grid",
                  format_func=lambda v: tr(grid_word if v == "grid" else "pick_seed"), widget="radio",
                  horizontal=True, worded=True)


def _file_stem(ctx: Context, what: str) -> str:
    return f"{ctx.name}-{what}"


def _real_points(model: LatentModel) -> np.ndarray | None:
    if not model.is_points:
        return None
    config = model.config
    try:
        if config.dataset.startswith("points:"):  # drawn or CSV points: rebuilt from the checkpoint itself
            data = cache.model_data(model).data.numpy()
            return data[np.linspace(0, len(data) - 1, min(2000, len(data))).astype(int)]
        return cache.real_points(config.dataset, config.n_points, config.seed)
    except (ValueError, OSError):
        return None


# -- 🎲 Samples -----------------------------------------------------------------------------------------------------

def samples_tab(ctx: Context) -> None:
    model = ctx.model
    if model.is_points:
        return _samples_points(ctx)
    controls, view = st.columns([1, 2.2], gap="large")
    with controls:
        seed_col, button_col = st.columns([1, 1], vertical_alignment="bottom")
        with seed_col:
            int_input(tr("seed"), "sample_seed", 0, 0, MAX_SEED, help=tr("seed_help"))
        with button_col:
            st.button(":material/casino:", key="sample_new_seed", on_click=_new_seed, width="stretch",
                      help=tr("new_seed"))  # an icon: the word does not fit beside the seed at 1280 px
        rows = False
        if model.n_classes:
            rows = toggle(tr("class_rows"), "sample_class_rows", True, help=tr("class_rows_help"))
        slider(tr("per_class") if rows else tr("side"), "sample_side", 6, 2, 10, 1)
        _psi_slider(model)
    settings = grid_settings(ctx)
    grid = compute.sample_grid(model, settings)
    png = compute.picture_png(grid.outputs, grid.nrow, target=420)
    with view:
        if settings.class_rows:
            caption = tr("rows_caption", first=class_name(model, 0), seed=settings.seed)
        else:
            caption = tr("grid_caption", last=grid.outputs.shape[0] - 1, seed=settings.seed)
        show_png(png, caption)
        stem = _file_stem(ctx, f"seed{settings.seed}")
        with st.container(horizontal=True):
            download(tr("download_png"), png, f"{stem}.png", PNG, "sample_dl_png")
            download(tr("download_npy_latents"), compute.npy_bytes(grid.latents), f"{stem}-latents.npy", NPY,
                     "sample_dl_latents")
            download(tr("download_npy_samples"), compute.npy_bytes(grid.outputs), f"{stem}-samples.npy", NPY,
                     "sample_dl_samples")
        if not settings.class_rows:
            st.caption(tr("cli_hint", command=_cli_sample(ctx, settings, grid.outputs.shape[0])))


def _cli_sample(ctx: Context, settings: GridSettings, n: int) -> str:
    command = f"python -m gan_core sample {ctx.cli_path} --n {n} --seed {settings.seed}"
    if settings.truncation != 1.0:
        command += f" --truncation {settings.truncation:g}"
    if settings.label is not None and ctx.model.n_classes:
        command += f" --label {settings.label}"
    return command + " --out samples.png"


def _samples_points(ctx: Context) -> None:
    model = ctx.model
    columns = st.columns([2, 1.2, 2, 2, 2], vertical_alignment="bottom")
    with columns[0]:
        int_input(tr("seed"), "sample_seed", 0, 0, MAX_SEED, help=tr("seed_help"))
    with columns[1]:
        st.button(":material/casino:", key="sample_new_seed", on_click=_new_seed, width="stretch",
                  help=tr("new_seed"))
    with columns[2]:
        slider(tr("n_points"), "sample_points", 1000, 100, 5000, 100)
    with columns[3]:
        _psi_slider(model)
    with columns[4]:
        extent = slider(tr("extent"), "sample_extent", 2.5, 0.5, 4.0, 0.25, help=tr("extent_help"))
    settings = grid_settings(ctx)
    grid = compute.sample_grid(model, settings)
    latent_lines, data_lines = compute.warp_lines(model, extent, label=ctx.label)
    names = {"lines_x": tr("grid_lines_x"), "lines_y": tr("grid_lines_y"), "latents": tr("latents"),
             "generated": tr("generated"), "real": tr("real_data"), "latent_title": tr("latent_plane"),
             "data_title": tr("data_space")}
    latent_fig, data_fig = plots.warp_figures(latent_lines, data_lines, compute.plane(grid.latents), grid.outputs.numpy(),
                                              _real_points(model), names, revision=ctx.key)
    left, right = st.columns(2)
    with left:
        chart(latent_fig, key="sample_latent_chart", width="stretch")
    with right:
        chart(data_fig, key="sample_data_chart", width="stretch")
    st.caption(tr("points_caption", n=grid.outputs.shape[0]))
    if model.latent_dim > 2:
        st.caption(tr(plural("other_dims_zero", model.latent_dim - 2), n=model.latent_dim - 2))
    if model.mixture_components:
        st.caption(tr("mixture_lines", k=model.mixture_components))
    stem = _file_stem(ctx, f"seed{settings.seed}")
    with st.container(horizontal=True):
        download(tr("download_png"), compute.points_png(grid.outputs), f"{stem}.png", PNG, "sample_dl_png")
        download(tr("download_npy_latents"), compute.npy_bytes(grid.latents), f"{stem}-latents.npy", NPY,
                 "sample_dl_latents")
        download(tr("download_npy_samples"), compute.npy_bytes(grid.outputs), f"{stem}-samples.npy", NPY,
                 "sample_dl_samples")
    st.caption(tr("cli_hint", command=_cli_sample(ctx, settings, grid.outputs.shape[0])))


# -- ↔️ Interpolate ---------------------------------------------------------------------------------------------------

FEW_LATENT_DIMS = 16  # below this |z| is not "close to √d": its spread (about 0.7) is over a sixth of √d
# with few dimensions, "lerp dips" when its lowest |z| on the chart is under this share of A's or B's; at 0.8, mnist-vae's
# default walk (72° apart, lerp 17 % below slerp mid-way) was said to "stay close"
DIP_SHARE = 0.95


def norm_caption(model: LatentModel, a: torch.Tensor, b: torch.Tensor, norms: dict[str, list[float]]) -> str:
    """What the |z| chart (`norms`: |z| at each step of each walk) shows: in many dimensions random latents all have
    length about √d and lerp dips mid-way. With few (ring8-fixed's 2) the lengths differ by seed, and the dip
    depends on the angle between A and B: the default 2-D walk crosses the centre and dips to almost nothing, two
    latents pointing the same way barely dip. The caption says which of the two this walk is."""
    if model.latent_dim >= FEW_LATENT_DIMS:
        return tr("norm_caption", dim=model.latent_dim, radius=math.sqrt(model.latent_dim))
    length_a, length_b, low = float(a.norm()), float(b.norm()), min(norms["lerp"])
    dips = low < DIP_SHARE * min(length_a, length_b)
    return tr("norm_caption_few_dip" if dips else "norm_caption_few_close", dim=model.latent_dim, a=length_a,
              b=length_b, angle=angle_degrees(a, b), low=low)


def interpolate_tab(ctx: Context) -> None:
    model = ctx.model
    st.caption(tr("interp_caption_points" if model.is_points else "interp_caption"))
    columns = st.columns([2.2, 1.5, 1.5, 2, 1.8], vertical_alignment="bottom")
    with columns[0]:
        pick_mode("interp_pick", points=model.is_points)
    with columns[1]:
        a, label_a, name_a = pick_latent(ctx, "interp_a", tr("sample_a"), 1, 0, "interp_pick")
    with columns[2]:
        # for 2-D models sample 2 of the default grid lies across the origin from sample 0: a telling walk
        b, _, name_b = pick_latent(ctx, "interp_b", tr("sample_b"), 2, 2 if model.is_points else 1, "interp_pick")
    with columns[3]:
        steps = slider(tr("steps"), "interp_steps", 8, 3, 16, 1)
    with columns[4]:
        gif_mode = choice(tr("gif_mode"), ["slerp", "lerp"], "interp_gif_mode", "slerp",
                          format_func=lambda m: m, widget="radio", horizontal=True)
    strips = compute.interpolation_strips(model, a, b, steps, label=label_a)
    # with few numbers in z there is no typical length (the caption says so): no "typical |z|" line either
    radius = math.sqrt(model.latent_dim) if model.latent_dim >= FEW_LATENT_DIMS else None
    norm_names = {"lerp": tr("lerp"), "slerp": tr("slerp"), "typical": tr("typical_norm", dim=model.latent_dim),
                  "title": tr("norm_title"), "step": tr("step_axis"), "norm": tr("norm_axis")}
    norms = compute.path_norms(strips)
    norm_fig = plots.norm_figure(norms, radius, norm_names, revision=ctx.key)
    stem = _file_stem(ctx, f"walk-{name_a}-{name_b}".replace(" ", "").replace("#", "n"))
    latents = torch.stack([strips["lerp"].latents, strips["slerp"].latents])
    if model.is_points:
        real = _real_points(model)
        layers = [{"name": tr(mode), "points": strips[mode].outputs.numpy(), "mode": "lines+markers",
                   "colour": plots.LERP if mode == "lerp" else plots.SLERP, "size": 7} for mode in ("lerp", "slerp")]
        layers.append({"points": np.stack([strips["slerp"].outputs[0].numpy(), strips["slerp"].outputs[-1].numpy()]),
                       "mode": "markers+text", "text": ["A", "B"], "colour": "black", "size": 10})
        figure = plots.points_figure(real, layers, tr("data_space"), ctx.key + "-walk", real_name=tr("real_data"))
        left, right = st.columns(2)
        with left:
            chart(figure, key="interp_points_chart", width="stretch")
            st.caption(tr("points_walk_caption"))
        with right:
            chart(norm_fig, key="interp_norm_chart", width="stretch")
            st.caption(norm_caption(model, a, b, norms))
        download(tr("download_npy_latents"), compute.npy_bytes(latents), f"{stem}-latents.npy", NPY, "interp_dl_npy")
        return
    pngs = {}
    for mode in ("lerp", "slerp"):
        label_col, strip_col = st.columns([1, 6], vertical_alignment="center")
        with label_col:
            st.markdown(f"**{tr(mode)}**")
        with strip_col:
            pngs[mode] = compute.picture_png(strips[mode].outputs, steps, target=120, max_width=STRIP_WIDTH)
            show_png(pngs[mode])
    both = torch.cat([strips["lerp"].outputs, strips["slerp"].outputs])
    gif = compute.walk_gif(strips[gif_mode].outputs)
    left, right = st.columns([1, 2], gap="large")
    with left:
        show_gif(gif, tr("gif_caption", mode=gif_mode))
        with st.container(horizontal=True):
            download(tr("download_gif"), gif, f"{stem}-{gif_mode}.gif", GIF, "interp_dl_gif")
            download(tr("download_png"), compute.picture_png(both, steps, target=240), f"{stem}.png", PNG,
                     "interp_dl_png")
            download(tr("download_npy_latents"), compute.npy_bytes(latents), f"{stem}-latents.npy", NPY,
                     "interp_dl_npy")
    with right:
        chart(norm_fig, key="interp_norm_chart", width="stretch")
        st.caption(norm_caption(model, a, b, norms))


# -- 🔲 Four-corner blend --------------------------------------------------------------------------------------------

def blend_tab(ctx: Context) -> None:
    model = ctx.model
    points = "_points" if model.is_points else ""  # a mesh of points, not tiles
    st.caption(tr("blend_caption" + points))
    controls, view = st.columns([1, 2.2], gap="large")
    with controls:
        top = st.columns(2)
        bottom = st.columns(2)
        seeds = []
        for column, key, text, default in ((top[0], "blend_tl", "top_left", 1), (top[1], "blend_tr", "top_right", 2),
                                           (bottom[0], "blend_bl", "bottom_left", 3),
                                           (bottom[1], "blend_br", "bottom_right", 4)):
            with column:
                seeds.append(int_input(tr(text), key, default, 0, MAX_SEED))
        size = slider(tr("blend_size" + points), "blend_size", 5, 3, 9, 1)
        st.info(tr("collapse_note" + points))
    blend = compute.corner_blend_grid(model, seeds, size, label=ctx.label)
    stem = _file_stem(ctx, "blend-" + "-".join(map(str, seeds)))
    with view:
        if model.is_points:
            mesh = blend.outputs.numpy().reshape(size, size, -1)
            corners = mesh[[0, 0, -1, -1], [0, -1, 0, -1]]
            layers = [{"lines": mesh, "mode": "lines", "colour": plots.LINE_X},
                      {"lines": mesh.transpose(1, 0, 2), "mode": "lines", "colour": plots.LINE_Y},
                      {"points": blend.outputs.numpy(), "colour": plots.GENERATED, "size": 6},
                      {"points": corners, "mode": "markers+text", "colour": "black", "size": 9,
                       "text": plots.shared_labels(corners, [str(s) for s in seeds])}]  # a collapsed G: one spot
            figure = plots.points_figure(_real_points(model), layers, tr("data_space"), ctx.key + "-blend",
                                         real_name=tr("real_data"))
            chart(figure, key="blend_points_chart", width="stretch")
            st.caption(tr("blend_points_caption"))
        else:
            png = compute.picture_png(blend.outputs, size, target=420)
            show_png(png)
        with st.container(horizontal=True):
            if not model.is_points:
                download(tr("download_png"), png, f"{stem}.png", PNG, "blend_dl_png")
            download(tr("download_npy_latents"), compute.npy_bytes(blend.latents), f"{stem}-latents.npy", NPY,
                     "blend_dl_npy")


# -- ➕ Arithmetic -----------------------------------------------------------------------------------------------------

def _means_possible(model: LatentModel) -> bool:
    if model.n_classes:
        return False
    if model.is_vae:
        return model.config.dataset in LABELLED_DATASETS or model.config.dataset in ("ring8", "grid25")
    return not model.is_points and model.config.dataset in LABELLED_DATASETS


def _denoising_steps(model: LatentModel) -> int:
    """How many generator passes one diffusion sample takes (0 for a model that draws in one pass)."""
    return int(getattr(model.generator, "sample_steps", 0) or 0) if model.config.model == "ddpm" else 0


def _asked(ctx: Context, memory_key: str, button_key: str, note: str, button: str, icon: str) -> bool:
    """Whether the student asked for a slow result of this model: until a button press (then kept for this model
    in `memory_key`) the note saying what it costs and the button are drawn instead, so opening a tab stays quick."""
    asked = st.session_state.setdefault(memory_key, [])
    if ctx.key in asked:
        return True
    st.info(note)
    # remembered in the click's callback, before the rerun: that rerun draws the result without the note and the
    # button (pressed in the script instead, they stayed above the result until the next rerun)
    st.button(button, key=button_key, icon=icon, on_click=asked.append, args=(ctx.key,))
    return False


def _class_means_on_demand(ctx: Context):
    """The class means once a student asked for them (a button; then kept for this model), else False.

    Finding them decodes 2,000 samples (a diffusion model: each with all its denoising steps), seconds to half a
    minute, so opening the tab never does it: only the button does, with a note of what is running."""
    model = ctx.model
    steps = _denoising_steps(model)
    note = tr("means_wait_ddpm", steps=steps) if steps else tr("means_wait")
    if not _asked(ctx, "_arith_means_keys", "arith_means", note, tr("means_button"), ":material/functions:"):
        return False
    with st.spinner(tr("computing_means")):
        return cache.class_means(ctx.key, model)


def arithmetic_tab(ctx: Context) -> None:
    model = ctx.model
    st.caption(tr("arith_caption"))
    possible = _means_possible(model)
    n_classes = int(model.data_info.get("n_classes", 0))
    sources = ["seed", "grid"] + (["class"] if possible and n_classes else [])
    defaults = {"a": ("class", 7), "b": ("class", 1), "c": ("seed", 3)} if "class" in sources else \
        {"a": ("seed", 1), "b": ("seed", 2), "c": ("seed", 3)}
    columns = st.columns(3, gap="large")
    picks = {}
    for column, term in zip(columns, ("a", "b", "c")):
        with column:
            source_default, value_default = defaults[term]
            source = choice(tr("source", term=tr(f"term_{term}")), sources, f"arith_{term}_src", source_default,
                            format_func=lambda s: tr("src_number" if s == "grid" and model.is_points else f"src_{s}"),
                            worded=True)
            if source == "class":
                classes = list(range(n_classes))
                value = choice(tr("class_mean_of"), classes, f"arith_{term}_class", min(value_default, n_classes - 1),
                               format_func=lambda c: class_name(model, c))
            elif source == "grid":
                value = int_input(tr("pick_number" if model.is_points else "pick_grid"), f"arith_{term}_index",
                                  {"a": 0, "b": 1, "c": 2}[term], 0, grid_settings(ctx).count(model) - 1,
                                  help=tr("number_help_points" if model.is_points else "grid_number_help"))
            else:
                value = int_input(tr("seed"), f"arith_{term}_seed", {"a": 1, "b": 2, "c": 3}[term], 0, MAX_SEED)
            picks[term] = (source, value)
    means = None
    if any(source == "class" for source, _ in picks.values()):
        means = _class_means_on_demand(ctx)
        if means is False:  # not asked for yet: the button and its note are all this tab draws
            return
    latents, names, label = {}, {}, ctx.label
    for term, (source, value) in picks.items():
        if source == "class":
            if means is None or value not in means:
                st.warning(tr("class_missing", name=class_name(model, value)))
                latents[term], names[term] = latent_for_seed(0, model.latent_dim), "seed 0"
            else:
                latents[term], names[term] = cache.as_tensor(means[value]), tr("mean_of", name=class_name(model, value))
        elif source == "grid":
            latents[term], picked_label = compute.grid_pick(model, grid_settings(ctx), value)
            names[term] = f"#{value}"
            label = picked_label if picked_label is not None else label
        else:
            latents[term], names[term] = latent_for_seed(value, model.latent_dim), f"seed {value}"
    terms = compute.arithmetic_terms(model, latents["a"], latents["b"], latents["c"], label=label)
    if "class" in sources and any(source == "class" for source, _ in picks.values()):
        st.caption(tr("class_mean_vae" if model.is_vae else "class_mean_gan"))
    elif model.n_classes:
        st.caption(tr("conditional_no_means"))
    stem = _file_stem(ctx, "arithmetic")
    if model.is_points:
        outputs = terms.outputs.numpy()
        layers = [{"points": outputs, "mode": "markers+text", "colour": plots.GENERATED, "size": 10,
                   "text": plots.shared_labels(outputs, ["a", "b", "c", "a − b + c"])}]  # (a on its result: one label)
        figure = plots.points_figure(_real_points(model), layers, tr("data_space"), ctx.key + "-arith",
                                     real_name=tr("real_data"))
        chart(figure, key="arith_points_chart", width="stretch")
        st.caption(tr("points_arith_caption"))
    else:
        parts = st.columns([3, 1, 3, 1, 3, 1, 3], vertical_alignment="center")
        shown = [("a", 0), ("−", None), ("b", 1), ("+", None), ("c", 2), ("=", None), ("result", 3)]
        for column, (name, index) in zip(parts, shown):
            with column:
                if index is None:
                    st.markdown(f"<div style='text-align:center;font-size:2.2rem'>{name}</div>", unsafe_allow_html=True)
                    continue
                caption = tr("result") if name == "result" else f"{tr('term_' + name)} = {names[name]}"
                show_png(compute.picture_png(terms.outputs[index:index + 1], 1, target=140), caption)
    with st.container(horizontal=True):
        if not model.is_points:
            download(tr("download_png"), compute.picture_png(terms.outputs, 4, target=140), f"{stem}.png", PNG,
                     "arith_dl_png")
        download(tr("download_npy_latents"), compute.npy_bytes(terms.latents), f"{stem}-latents.npy", NPY,
                 "arith_dl_npy")


# -- 🎚️ Edit & directions ---------------------------------------------------------------------------------------------

def edit_tab(ctx: Context) -> None:
    model = ctx.model
    dim = model.latent_dim
    st.caption(tr("edit_caption"))
    top = st.columns([2.2, 1.5, 4], vertical_alignment="bottom")
    with top[0]:
        pick_mode("edit_pick", one=True, points=model.is_points)
    with top[1]:
        z, label, _ = pick_latent(ctx, "edit", tr("edit_sample"), 3, 0, "edit_pick")
    images, dims_col, dirs_col = st.columns([1.8, 1.2, 1.2] if model.is_points else [1.1, 1.4, 1.4], gap="large")
    with dims_col:
        st.markdown(f"**{tr('dims_title')}**")
        chosen = multiselect(tr("dims"), list(range(dim)), "edit_dims", list(range(min(4, dim))))
        offsets = {}
        for i in chosen:
            offsets[i] = slider(tr("dim_slider", i=i), f"edit_dim_{i}", 0.0, -compute.EDIT_RANGE, compute.EDIT_RANGE, 0.1)
        st.caption(tr("dims_note"))
    with dirs_col:
        st.markdown(f"**{tr('directions_title')}**")
        directions, variance = _directions_on_demand(ctx)
        amounts = [slider(tr("direction", k=k + 1, pct=100 * variance[k]), f"edit_dir_{k}", 0.0, -compute.EDIT_RANGE,
                          compute.EDIT_RANGE, 0.1) for k in range(len(variance))]
        st.button(tr("reset"), key="edit_reset", on_click=reset_edits)
    sweep_col, strip_col = st.columns([1, 5], vertical_alignment="center")
    with sweep_col:
        sweep_dim = choice(tr("sweep_dim"), list(range(dim)), "edit_sweep_dim", chosen[0] if chosen else 0,
                           format_func=lambda i: f"z[{i}]")
    views = compute.edit_views(model, z, label, offsets, sweep_dim, directions, amounts)
    values = compute.sweep_values()
    if model.is_points:
        with images:
            layers = []
            if views.directions is not None:
                paths = views.directions.outputs.numpy().reshape(len(variance), -1, 2)
                layers.append({"lines": paths, "mode": "lines", "colour": plots.LINE_Y, "name": tr("directions_title")})
            layers += [{"lines": views.sweep.outputs.numpy()[None], "mode": "lines", "colour": plots.LINE_X,
                        "name": f"z[{sweep_dim}]", "width": 3},
                       {"points": views.original.numpy(), "mode": "markers+text", "text": [tr("original")],
                        "colour": plots.GENERATED, "size": 11},
                       {"points": views.edited.numpy(), "mode": "markers+text", "text": [tr("edited")],
                        "colour": "black", "size": 11, "symbol": "star", "textposition": "bottom center"}]
            figure = plots.points_figure(_real_points(model), layers, tr("data_space"), ctx.key + "-edit",
                                         real_name=tr("real_data"), height=380)
            chart(figure, key="edit_points_chart", width="stretch")
            st.caption(tr("points_edit_caption"))
    else:
        with images:
            pair = st.columns(2)
            with pair[0]:
                show_png(compute.picture_png(views.original, 1, target=150), tr("original"))
            with pair[1]:
                show_png(compute.picture_png(views.edited, 1, target=150), tr("edited"))
            download(tr("download_npy_latents"), compute.npy_bytes(views.edited_latent[None]),
                     _file_stem(ctx, "edited-latent.npy"), NPY, "edit_dl_npy")
        with strip_col:
            show_png(compute.picture_png(views.sweep.outputs, len(values), target=100, max_width=STRIP_WIDTH),
                      tr("sweep_caption", i=sweep_dim, low=values[0], high=values[-1]))
    if directions is None:  # not asked for yet: the button and its note stand in their column
        return
    if not model.is_points:
        st.markdown(f"**{tr('directions_title')}**")
    st.caption(tr("directions_caption_points" if model.is_points else "directions_caption"))
    grid_col, chart_col = st.columns([1.4, 1], gap="large")
    if views.directions is not None and not model.is_points:
        with grid_col:
            show_png(compute.picture_png(views.directions.outputs, views.directions.nrow, target=360,
                                          max_width=560))
    with chart_col if not model.is_points else grid_col:
        names = {"title": tr("variance_title"), "direction": tr("direction_axis"), "share": tr("variance_axis")}
        chart(plots.variance_figure(variance, names, ctx.key), key="edit_variance_chart", width="stretch")


def _directions_on_demand(ctx: Context) -> tuple[torch.Tensor | None, list[float]]:
    """(directions (count, dim), the output variance each explains) once a student asked for them, else (None, []).

    They come from a PCA of DIRECTION_SAMPLES decoded samples: a second or more for the image models, most of a
    minute for a diffusion model (each sample takes all its denoising steps), far past what opening a tab may cost,
    so only the button finds them; once found they are kept for this model (and cached)."""
    model = ctx.model
    steps = _denoising_steps(model)
    note = tr("directions_wait_ddpm" if steps else "directions_wait", n=compute.DIRECTION_SAMPLES, steps=steps)
    if not _asked(ctx, "_edit_directions_keys", "edit_directions", note, tr("directions_button"),
                  ":material/explore:"):
        return None, []
    with st.spinner(tr("computing_directions")):
        directions, variance = cache.principal_directions(ctx.key, model, min(5, model.latent_dim))
    return cache.as_tensor(directions), variance


# -- 🖼️ Encode real images (VAE) --------------------------------------------------------------------------------------

def real_tab(ctx: Context) -> None:
    model = ctx.model
    st.caption(tr("real_caption"))
    try:
        dataset = cache.model_data(model)
        data_error = None
    except (DataError, ValueError, OSError) as error:
        dataset, data_error = None, str(error)
    if model.is_points:
        return _real_points_tab(ctx, dataset, data_error)
    size = int(model.data_info["sample_shape"][-1])
    channels = int(model.data_info["sample_shape"][0])
    controls = st.columns([1.3, 1.3, 2], vertical_alignment="bottom")
    images, labels, names = [], [], []
    if dataset is not None:
        with controls[0]:
            index_a = int_input(tr("image_a"), "real_a", 0, 0, len(dataset.data) - 1)
        with controls[1]:
            index_b = int_input(tr("image_b"), "real_b", compute.first_of_another_class(dataset.labels), 0,
                                len(dataset.data) - 1)
        for index in (index_a, index_b):
            images.append(dataset.data[index])
            labels.append(int(dataset.labels[index]) if dataset.labels is not None else (ctx.label or 0))
            names.append(f"#{index}")
    else:
        st.info(tr("no_data", reason=data_error))
    with controls[2]:
        upload = st.file_uploader(tr("upload_image"), type=["png", "jpg", "jpeg", "gif", "bmp", "webp"],
                                  key="real_upload", max_upload_size=IMAGE_UPLOAD_MB,
                                  help=tr("upload_image_help", size=size, mb=IMAGE_UPLOAD_MB))
    if upload is not None:
        try:
            picture = load_folder_dataset(upload.getvalue(), image_size=size, name=upload.name).data[:1]
            picture = compute.match_channels(picture, channels)[0]
            if images:
                images[0], names[0] = picture, upload.name
                labels[0] = ctx.label or 0
            else:
                images, labels, names = [picture, picture], [ctx.label or 0] * 2, [upload.name] * 2
        except DataError as error:
            st.error(tr("bad_image", reason=str(error)))
    if not images:
        st.info(tr("no_image"))
        return
    batch = torch.stack(images)
    codes, recon = compute.reconstruct(model, batch, torch.tensor(labels))
    left, right = st.columns([1, 2], gap="large")
    with left:
        show_png(compute.picture_png(torch.cat([batch, recon]), 2, target=240), tr("recon_caption"))
        fmt = lambda code: ", ".join(f"{v:+.2f}" for v in code[:4].tolist()) + (", …" if len(code) > 4 else "")  # noqa: E731
        st.caption(tr("codes", a=fmt(codes[0]), b=fmt(codes[1])))
    with right:
        st.markdown(f"**{tr('blend_real')}**")
        steps = slider(tr("steps"), "real_steps", 8, 3, 16, 1)
        walk = compute.code_walk(model, codes[0], codes[1], steps, label=labels[0] if model.n_classes else None)
        png = compute.picture_png(walk.outputs, steps, target=110, max_width=640)
        show_png(png)
        download(tr("download_png"), png, _file_stem(ctx, "code-walk.png"), PNG, "real_dl_png")
    st.markdown(f"#### {tr('manifold_title')}")
    if model.latent_dim != 2:
        st.info(tr("manifold_needs_2d", dim=model.latent_dim))
        return
    map_controls, map_view = st.columns([1, 3], gap="large")
    with map_controls:
        extent = slider(tr("map_extent"), "real_extent", 2.5, 0.5, 4.0, 0.25, help=tr("extent_help"))
        size_map = slider(tr("map_size"), "real_map_size", 15, 6, 25, 1)
        show_codes = toggle(tr("show_codes"), "real_show_codes", True)
    map_png = cache.manifold_png(ctx.key, model, extent, size_map, ctx.label)
    codes_real, labels_real = (None, None)
    if dataset is not None and show_codes:
        codes_real, labels_real = cache.data_codes(ctx.key, model)
    with map_view:
        figure = plots.manifold_figure(map_png, extent, size_map, codes_real, labels_real, model.class_names or
                                       list(model.data_info.get("class_names", [])),
                                       {"A": codes[0].numpy(), "B": codes[1].numpy()}, tr("manifold_title"),
                                       ctx.key + "-map")
        chart(figure, key="real_map_chart", width="stretch")
        st.caption(tr("manifold_caption", n=0 if codes_real is None else len(codes_real)))
    with map_controls:
        download(tr("download_png"), map_png, _file_stem(ctx, "manifold.png"), PNG, "real_dl_map")


def _real_points_tab(ctx: Context, dataset, data_error: str | None) -> None:
    model = ctx.model
    if dataset is None:
        st.info(tr("no_data", reason=data_error))
        return
    index = np.linspace(0, len(dataset.data) - 1, min(500, len(dataset.data))).astype(int)
    real = dataset.data[index]
    labels = None if dataset.labels is None else dataset.labels[index]
    codes, recon = compute.reconstruct(model, real, labels)
    left, right = st.columns(2)
    with left:
        layers = [{"name": tr("reconstruction"), "points": recon.numpy(), "colour": plots.GENERATED, "size": 5}]
        figure = plots.points_figure(real.numpy(), layers, tr("data_space"), ctx.key + "-recon",
                                     real_name=tr("real_data"))
        chart(figure, key="real_points_chart", width="stretch")
        st.caption(tr("points_recon_caption"))
    with right:
        layers = [{"name": tr("codes_label"), "points": compute.plane(codes), "colour": plots.LINE_X, "size": 5}]
        figure = plots.points_figure(None, layers, tr("latent_plane"), ctx.key + "-codes", view=compute.plane(codes))
        chart(figure, key="real_codes_chart", width="stretch")
