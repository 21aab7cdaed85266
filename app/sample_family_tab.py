"""The "This model" tab of Sample & Blend, for the families beyond GAN / VAE (ddpm, stylegan, progan, pix2pix,
cyclegan, stackgan, caption): one section per family. The compute lives in app.sample_family, the words in
app.sample_text (FAMILY_TEXT); the heavier pictures are cached per checkpoint file (ctx.key), like app.sample_cache."""
from __future__ import annotations

import math

import numpy as np
import streamlit as st

from gan_core.data import DataError
from gan_core.images import png_bytes
from gan_core.latents import LatentModel
from gan_core.uploads import MAX_PICTURE_MB as IMAGE_UPLOAD_MB

from . import sample_cache as cache
from . import sample_family as family
from .i18n import lang, t
from .sample_compute import MAX_SEED
from .sample_text import FAMILY_TEXT
from .sample_tabs import Context
from .pictures import show_png
from .sample_widgets import choice, int_input, slider, toggle


def _ftr(key: str, **values) -> str:
    return t(FAMILY_TEXT, key, **values)


def _fpng(array: np.ndarray) -> bytes:
    return png_bytes(array)


def _seed_list(text: str, fallback: list[int], limit: int = 8) -> list[int]:
    """Comma-separated seeds typed by a student; a bad entry shows one sentence and falls back."""
    try:
        seeds = [int(part) for part in str(text).replace("，", ",").split(",") if part.strip()]
        if not seeds or any(not 0 <= s <= MAX_SEED for s in seeds):
            raise ValueError
        return seeds[:limit]
    except ValueError:
        st.warning(_ftr("bad_seeds"))
        return fallback


def _seed_text(label: str, key: str, default: str) -> str:
    st.session_state[key] = st.session_state.get(key, default)  # sent with the widget on every run (sample_widgets)
    return st.text_input(label, key=key, persist_state="session")


@st.cache_data(max_entries=16, show_spinner=False)
def _family_cached(what: str, model_key: str, _model: LatentModel, args: tuple):
    """One cached call of app.sample_family.<what>(model, *args) per checkpoint file and arguments."""
    return getattr(family, what)(_model, *args)


def _shown(what: str, ctx: Context, *args):
    """The cached result, or None after one readable sentence when this checkpoint cannot draw it."""
    try:
        return _family_cached(what, ctx.key, ctx.model, args)
    except (ValueError, RuntimeError, KeyError, AttributeError) as error:
        st.warning(_ftr("failed", reason=str(error).splitlines()[0] if str(error) else type(error).__name__))
        return None


def family_available(model: LatentModel) -> bool:
    """True when the checkpoint's family (config.model) has a "This model" tab and its module is present."""
    return family.available(model)


def family_tab(ctx: Context) -> None:
    """The "This model" tab: what this checkpoint's family teaches beyond the shared tabs."""
    draw = {"ddpm": _ddpm_section, "stylegan": _stylegan_section, "progan": _progan_section,
            "pix2pix": _translation_section, "cyclegan": _translation_section, "stackgan": _stackgan_section,
            "caption": _caption_section}.get(ctx.model.config.model)
    if draw is not None:
        draw(ctx)


def _ddpm_section(ctx: Context) -> None:
    model = ctx.model
    st.caption(_ftr("intro_ddpm"))
    controls = st.columns([1, 1, 2], vertical_alignment="bottom")
    with controls[0]:
        seed = int_input(_ftr("seed"), "family_ddpm_seed", 0, 0, MAX_SEED)
    with controls[1]:
        count = slider(_ftr("chain_count"), "family_ddpm_count", 4, 1, 8, 1) if not model.is_points else 500
    with controls[2]:
        options = family.step_choices(model)
        default = min(options, key=lambda s: abs(s - int(getattr(model.generator, "sample_steps", 20))))
        chosen = st.session_state.get("family_ddpm_steps")
        st.session_state["family_ddpm_steps"] = chosen if chosen in options else default  # sent on every run
        steps = st.select_slider(_ftr("steps"), options, key="family_ddpm_steps", help=_ftr("steps_help"),
                                 persist_state="session")
    st.markdown(f"**{_ftr('chain_title')}**")
    chain = _shown("denoising_chain", ctx, seed, count, steps)
    if chain is not None:
        stds = ", ".join(f"{v:.2f}" for v in chain["noise_std"])
        show_png(_fpng(chain["frames"]), _ftr("chain_caption", first=chain["timesteps"][0], stds=stds))
        signal = chain["signal"][0]
        guess = _ftr("guess_caption", signal=signal, gain=math.sqrt(max(0.0, 1 - signal ** 2)) / max(signal, 1e-12),
                     speckle=_ftr("speckle_points" if model.is_points else "speckle_image"))
        # with 1 or 2 steps no frame after the first starts from anything but that first noisy guess
        guess += _ftr("guess_few_steps", steps=steps) if steps <= 2 else _ftr("guess_later")
        show_png(_fpng(chain["predicted"]), guess)
    st.markdown(f"**{_ftr('compare_title')}**")
    compare = [s for s in family.COMPARE_STEPS if s in options]
    shown = compare + ([steps] if steps not in compare else [])
    pictures = _shown("samples_at_steps", ctx, seed, 16 if not model.is_points else 500, tuple(shown))
    if pictures is not None:
        columns = st.columns(len(shown))
        for column, s in zip(columns, shown):
            with column:
                key = "picked_caption" if s == steps and s not in compare else "compare_caption"
                show_png(_fpng(pictures[s]), _ftr("compare_caption_one" if s == 1 else key, steps=s))
    st.markdown(f"**{_ftr('noising_title', what=_ftr('what_points' if model.is_points else 'what_image'))}**")
    try:
        dataset, reason = cache.model_data(model), None
    except (DataError, ValueError, OSError) as error:
        dataset, reason = None, str(error)
    if dataset is None:
        st.info(_ftr("no_real", reason=reason))
    else:
        if model.is_points:
            index = np.linspace(0, len(dataset.data) - 1, min(500, len(dataset.data))).astype(int)
            real = dataset.data[index]
        else:
            number = int_input(_ftr("real_index"), "family_ddpm_real", 0, 0, len(dataset.data) - 1)
            real = dataset.data[number]
        try:
            noised = family.noising_chain(model, real)
            show_png(_fpng(noised["picture"]), _ftr("noising_caption", levels=", ".join(map(str, noised["timesteps"])),
                                                     signal=", ".join(f"{v:.2f}" for v in noised["signal"])))
        except ValueError as error:
            st.warning(_ftr("failed", reason=str(error)))
    st.markdown(f"**{_ftr('cost_title')}**")
    st.caption(_ftr("cost_caption"))
    if st.button(_ftr("cost_button"), key="family_ddpm_cost", icon=":material/timer:") or \
            st.session_state.get("_family_ddpm_cost_key") == ctx.key:
        st.session_state["_family_ddpm_cost_key"] = ctx.key  # measured once per model, kept while it stays open
        rows = _shown("sampling_costs", ctx, tuple(compare or options[:1]))
        if rows is not None:
            st.dataframe({_ftr("cost_steps"): [r["steps"] for r in rows],
                          _ftr("cost_ms"): [round(r["ms_per_sample"], 2) for r in rows],
                          _ftr("cost_calls"): [r["network_calls"] for r in rows]}, hide_index=True)


def _stylegan_section(ctx: Context) -> None:
    model = ctx.model
    st.caption(_ftr("intro_stylegan"))
    layers, resolutions, default_cross = family.style_layers(model)
    st.markdown(f"**{_ftr('mix_title')}**")
    controls, view = st.columns([1, 2], gap="large")
    with controls:
        rows = _seed_list(_seed_text(_ftr("row_seeds"), "family_mix_rows", "1, 2, 3"), [1, 2, 3])
        cols = _seed_list(_seed_text(_ftr("col_seeds"), "family_mix_cols", "4, 5, 6, 7"), [4, 5, 6, 7])
        crossover = slider(_ftr("crossover"), "family_mix_cross", default_cross, 0, layers, 1,
                           help=_ftr("crossover_help"))
        st.caption(" · ".join(f"{i}: {r}px" for i, r in enumerate(resolutions)))
    with view:
        grid = _shown("style_mix", ctx, tuple(rows), tuple(cols), crossover)
        if grid is not None:
            if crossover == 0:
                caption = _ftr("mix_none")
            elif crossover == layers:
                caption = _ftr("mix_all")
            else:
                caption = _ftr("mix_caption", last=crossover - 1,
                               coarse=_ftr("layers_at", res="/".join(map(str, sorted(set(resolutions[:crossover]))))),
                               fine=_ftr("layers_at", res="/".join(map(str, sorted(set(resolutions[crossover:]))))))
            show_png(_fpng(grid), caption)
    st.info(_ftr("coarse_fine"))
    st.markdown(f"**{_ftr('noise_title')}**")
    left, right = st.columns([1, 3], gap="large")
    with left:
        noise_seed = int_input(_ftr("noise_seed"), "family_noise_seed", 3, 0, MAX_SEED)
    variation = _shown("noise_variation", ctx, noise_seed)
    if variation is not None:
        with right:
            show_png(_fpng(variation["images"]), _ftr("noise_caption", n=6))
            # both at their own size, 6 screen pixels a model pixel: a caption inside st.image widens the picture
            # to the caption's width, which drew the 96-px spread map ~3x larger than the tile beside it
            pair = st.columns(2)
            with pair[0]:
                show_png(_fpng(variation["spread"]))
                st.caption(_ftr("spread_caption", top=variation["max_std"]))
            with pair[1]:
                show_png(_fpng(variation["no_noise"]))
                st.caption(_ftr("no_noise_caption"))
            st.caption(_ftr("noise_note"))
    st.markdown(f"**{_ftr('trunc_title')}**")
    left, right = st.columns([1, 3], gap="large")
    with left:
        seeds = _seed_list(_seed_text(_ftr("trunc_seeds"), "family_trunc_seeds", "1, 2, 3, 4, 5, 6"),
                           [1, 2, 3, 4, 5, 6])
    sweep = _shown("truncation_sweep", ctx, tuple(seeds))
    if sweep is not None:
        with right:
            show_png(_fpng(sweep), _ftr("trunc_caption", psis=", ".join(f"{p:g}" for p in family.TRUNCATION_PSIS)))


def _progan_section(ctx: Context) -> None:
    model = ctx.model
    st.caption(_ftr("intro_progan"))
    facts = family.progressive_facts(model)
    fade = _ftr("progan_fade", alpha=facts["alpha"]) if facts["alpha"] < 1 else ""
    enlarged = _ftr("progan_enlarged", size=facts["image_size"]) if facts["resolution"] < facts["image_size"] else ""
    # the path it grew through so far: a checkpoint saved at stage 2 of 3 never reached the last resolution
    grown, ahead = facts["resolutions"][:facts["stage"] + 1], facts["resolutions"][facts["stage"] + 1:]
    text = _ftr("progan_now", stage=facts["stage"] + 1, stages=facts["stages"], res=facts["resolution"],
                fade=fade, enlarged=enlarged, path=" → ".join(f"{r}×{r}" for r in grown))
    if ahead:
        text += _ftr("progan_ahead", path=" → ".join(f"{r}×{r}" for r in ahead))
    st.markdown(text)
    seeds = _seed_list(_seed_text(_ftr("stack_seeds"), "family_progan_seeds", "1, 2, 3, 4, 5, 6"), [1, 2, 3, 4, 5, 6])
    stages = _shown("progressive_stages", ctx, tuple(seeds))
    if stages:
        st.caption(_ftr("progan_stages"))
        for resolution, picture in stages:
            show_png(_fpng(picture), _ftr("stage_caption_now" if resolution == facts["resolution"] else
                                           "stage_caption", res=resolution))


def _translation_section(ctx: Context) -> None:
    model = ctx.model
    st.caption(_ftr("intro_translation", task=getattr(model.generator, "task", "")))
    count = family.bank_size(model)
    if count == 0:
        st.info(_ftr("empty_bank"))
    else:
        controls = st.columns([1.6, 1.2, 1.2], vertical_alignment="bottom")
        with controls[0]:
            by = choice(_ftr("pick_by"), ["index", "seed"], "family_tr_by", "index",
                        format_func=lambda v: _ftr("by_index" if v == "index" else "by_seed"), widget="radio",
                        horizontal=True, worded=True)
        with controls[1]:
            value = int_input(_ftr("first_index") if by == "index" else _ftr("seed"), f"family_tr_{by}", 0, 0,
                              count - 1 if by == "index" else MAX_SEED)
        with controls[2]:
            n = slider(_ftr("how_many"), "family_tr_n", 8, 1, 12, 1)
        result = _shown("translate_bank", ctx, tuple(family.bank_indices(model, by, value, n)))
        if result is not None:
            show_png(_fpng(result["picture"]), _ftr("rows_cyclegan" if result["third"] == "cycle" else "rows_pix2pix"))
    st.markdown(f"**{_ftr('upload_title')}**")
    size = int(model.data_info["sample_shape"][-1])
    left, right = st.columns([1.4, 1], gap="large")
    with left:
        upload = st.file_uploader(_ftr("upload_image"), type=["png", "jpg", "jpeg", "gif", "bmp", "webp"],
                                  key="family_tr_upload", max_upload_size=IMAGE_UPLOAD_MB,
                                  help=_ftr("upload_help", size=size, mb=IMAGE_UPLOAD_MB))
        mode = choice(_ftr("upload_mode"), ["target", "source"], "family_tr_mode", "target",
                      format_func=lambda v: _ftr("mode_" + v), widget="radio", worded=True)
    if upload is not None:
        try:
            result = family.translate_upload(model, upload.getvalue(), upload.name, mode == "target")
        except (DataError, ValueError) as error:
            with right:
                st.error(_ftr("bad_image", reason=str(error).splitlines()[0]))
            return
        with right:
            key = {"cycle": "upload_caption_cycle", "yours": "upload_caption_yours"}.get(result["third"],
                                                                                         "upload_caption_plain")
            show_png(_fpng(result["picture"]), _ftr(key))


def _stackgan_section(ctx: Context) -> None:
    st.caption(_ftr("intro_stackgan"))
    seeds = _seed_list(_seed_text(_ftr("stack_seeds"), "family_stack_seeds", "1, 2, 3, 4, 5, 6"), [1, 2, 3, 4, 5, 6])
    result = _shown("two_stages", ctx, tuple(seeds))
    if result is not None:
        show_png(_fpng(result["picture"]), _ftr("stack_caption", low=result["low"], size=result["size"]))


def _cut_caption() -> None:
    """A caption longer than the limit (a paste) is cut to it, and the page says so until the next edit."""
    text = str(st.session_state.get("family_caption_text", ""))
    if len(text) > family.CAPTION_CHARS:
        st.session_state["family_caption_text"] = text[:family.CAPTION_CHARS]
        st.session_state["_family_caption_cut"] = len(text)
    else:
        st.session_state.pop("_family_caption_cut", None)


def _caption_section(ctx: Context) -> None:
    st.caption(_ftr("intro_caption"))
    controls, view = st.columns([1, 2], gap="large")
    with controls:
        st.session_state["family_caption_text"] = st.session_state.get("family_caption_text", _ftr("caption_default"))
        # no max_chars: the browser drops a whole edit (a paste) that would pass it, silently; _cut_caption cuts it
        text = st.text_input(_ftr("caption"), key="family_caption_text", on_change=_cut_caption,
                             persist_state="session")[:family.CAPTION_CHARS]
        pasted = st.session_state.get("_family_caption_cut")
        if pasted:
            st.info(_ftr("caption_cut", length=pasted, limit=family.CAPTION_CHARS), icon=":material/content_cut:")
        seed = int_input(_ftr("seed"), "family_caption_seed", 0, 0, MAX_SEED)
        n = slider(_ftr("caption_count"), "family_caption_n", 8, 1, family.MAX_CAPTION_IMAGES, 1)
        fill = toggle(_ftr("fill_missing"), "family_caption_fill", True, help=_ftr("fill_help"))
    words = family.caption_words(text)
    with view:
        if not text.strip():
            st.info(_ftr("caption_empty"))
        elif not family.names_something(text):
            st.warning(family.no_known_words(text, lang()))
        else:
            try:
                picture = family.caption_images(ctx.model, text, n, seed, fill)
                show_png(_fpng(picture), _ftr("caption_images", text=text.strip()))
            except ValueError as error:
                st.warning(str(error).splitlines()[0])
        if words["unknown"]:
            st.info(_ftr("unknown_words", words=", ".join(f"“{w}”" for w in words["unknown"][:20])))
    st.caption(_ftr("vocabulary", words=", ".join(words["vocabulary"]), fillers=", ".join(words["fillers"])))
    st.info(family.honest_note(lang()), icon=":material/info:")
