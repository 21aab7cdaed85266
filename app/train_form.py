"""The Train page's settings: a preset picker and one widget per config field, each with its problems beside it.

Widget values live under `train_<field>` keys. Streamlit forgets a widget's value when its page is not shown,
so the settings are also kept in st.session_state["train_settings"] and put back when the page returns.
The config is built from session state *before* the widgets are drawn, so `TrainConfig.validate()` can place
each message right under the widget it is about.
"""
from __future__ import annotations

import dataclasses
import os

import streamlit as st

from gan_core import budget
from gan_core.config import (IMAGE_DATASETS, IMAGE_SIZES, LOSSES, POINT_DATASETS, PRECISIONS, RANGES,
                             TrainConfig, field_types, model_names, without_unusable_mixture)
from gan_core.options import written
from gan_core.presets import PRESETS, preset_config
from gan_core.store import list_checkpoints

from . import class_state, expander
from . import train_data as user_data
from . import train_jobs as jobs
from . import url_state
from .home_checkpoints import checkpoint_facts
from .i18n import lang, t
from .state import browser_id, job_manager
from .shell import HOME_REQUEST_KEY
from .train_text import DATASET_TEXT, LOSS_TEXT, MODEL_TEXT, PRESET_ZH, PROBLEM_FIELDS, PROBLEM_ZH, TEXT
from .url_state_text import TEXT as LINK_TEXT

DEFAULT_PRESET = "ring8-vanilla"
PRESET_KEY = "train_preset"
SETTINGS_KEY = "train_settings"
CHALLENGE_KEY = "train_challenge"  # the class challenge this run of the page obeys (a dict), or None
LOCAL_DATASETS = ("mnist", "fashion-mnist", "cifar10")
GAN_ONLY = ("loss", "spectral_norm", "r1_gamma", "pack", "minibatch_std", "n_critic", "label_smoothing")
FIELDS = ("dataset", "model", "loss", "steps", "seed", "data_root", "image_size", "batch_size", "latent_dim",
          "hidden", "depth", "arch", "lr_g", "lr_d", "lr_decay", "precision", "spectral_norm", "r1_gamma", "pack",
          "minibatch_std", "n_critic", "label_smoothing", "beta", "diffusion_steps", "sample_steps", "stage_steps",
          "task")
_TYPES = field_types()


def widget_key(field: str) -> str:
    return f"train_{field}"


def _typed(field: str, value):
    kind = _TYPES.get(field, str)
    return kind(value) if kind in (int, float, bool) else value


def _widget_values(config: TrainConfig) -> dict:
    """What each setting widget shows for `config`."""
    return {field: _typed(field, getattr(config, field)) for field in FIELDS}


def preset_values(name: str) -> dict:
    return _widget_values(preset_config(name))


def apply_preset(name: str) -> None:
    """Fill every setting widget with preset `name` (call before the widgets are drawn, or from a callback)."""
    values = preset_values(name)
    for field, value in values.items():
        st.session_state[widget_key(field)] = value
    st.session_state[SETTINGS_KEY] = {"_preset": name, **values}
    st.session_state.pop(jobs.DATA_ERROR_KEY, None)


def _watched_run_settings() -> tuple[str, dict] | None:
    """(preset, widget values) of the run a new session of this browser will watch (a second tab, or Train opened
    again without a link), so that its settings describe the run on its screen rather than the default preset;
    None when this browser has no run, or its run trains on drawn or uploaded data the widgets cannot hold."""
    mine = job_manager().jobs(browser_id())
    if not mine or user_data.is_user_data(mine[-1].config.dataset):
        return None
    job = mine[-1]  # the run resolve_job picks for a session that has chosen none
    return _closest_preset(job.config, job.name), _widget_values(job.config)


def _closest_preset(config: TrainConfig, run_name: str) -> str:
    """The preset the run on screen was most likely started from: first the one that agrees with `config` on the
    most settings without a widget (such as ring8-fixed's mixture latent: the form can only take those from its
    preset, so Start then trains what the run trained), then on the most settings of all (the seed aside), then
    the one the run is named after ("ring8-fixed-101502")."""
    hidden = [f.name for f in dataclasses.fields(config) if f.name not in FIELDS and f.name != "seed"]
    shown = [field for field in FIELDS if field != "seed"]

    def distance(name: str) -> tuple[int, int, bool]:
        preset = preset_config(name)
        differ = [sum(getattr(preset, f) != getattr(config, f) for f in group) for group in (hidden, shown)]
        return differ[0], differ[0] + differ[1], not run_name.startswith(name + "-")

    return min(PRESETS, key=distance)


def _apply_settings(preset: str, values: dict) -> None:
    """Select `preset`, put `values` (some or all of FIELDS) into their widgets over it, and remember the result."""
    st.session_state[PRESET_KEY] = preset
    apply_preset(preset)
    for field, value in values.items():
        st.session_state[widget_key(field)] = value
    remember_settings()


def _on_preset_change() -> None:
    apply_preset(st.session_state[PRESET_KEY])


def restore_settings() -> None:
    """Put the remembered settings back into widgets Streamlit forgot (after a visit to another page)."""
    _apply_link()  # a shared link (?preset=...&seed=...) wins over what this session had
    settings = st.session_state.get(SETTINGS_KEY)
    if settings is None:  # a new session: the run it will watch, else the default preset
        watched = _watched_run_settings()
        if watched is None:
            apply_preset(DEFAULT_PRESET)
        else:
            _apply_settings(*watched)
        settings = st.session_state[SETTINGS_KEY]
    preset = st.session_state.get(PRESET_KEY)
    st.session_state[PRESET_KEY] = preset if preset in PRESETS else settings.get("_preset", DEFAULT_PRESET)
    for field in FIELDS:
        # Set on every run, even to the value it already holds: a value set through session state is sent along
        # with its widget, which the browser then shows. Otherwise a widget the browser had not mounted yet
        # (the settings of a page still loading when a student opens them) was mounted at its bare default, the
        # minimum of each number and the first of each list, and sent back on the next click: every setting fell
        # to its minimum at once (lr 0, so Start stayed disabled).
        st.session_state[widget_key(field)] = st.session_state.get(widget_key(field), settings[field])
    _apply_challenge()


def _apply_challenge() -> None:
    """In a class challenge the preset and every locked setting are the challenge's, on every run of the page (the
    widgets show it; the server enforces it again in start_run whatever they send)."""
    challenge = class_state.challenge()
    st.session_state[CHALLENGE_KEY] = challenge.to_dict() if challenge else None
    if challenge is None:
        return
    values = preset_values(challenge.preset)
    st.session_state[PRESET_KEY] = challenge.preset
    for field in FIELDS:
        if field not in challenge.allowed and st.session_state.get(widget_key(field)) != values[field]:
            st.session_state[widget_key(field)] = values[field]


def _locked(field: str) -> bool:
    challenge = st.session_state.get(CHALLENGE_KEY)
    return challenge is not None and field not in challenge["allowed"]


def draw_challenge() -> None:
    """The class challenge above the Train page's settings (nothing outside a challenge)."""
    if st.session_state.get(CHALLENGE_KEY) is not None:
        st.info(class_state.challenge_text(class_state.challenge()), icon=":material/flag:")


def remember_settings() -> None:
    st.session_state[SETTINGS_KEY] = {"_preset": st.session_state.get(PRESET_KEY, DEFAULT_PRESET),
                                      **{f: st.session_state.get(widget_key(f)) for f in FIELDS}}
    # the address bar is always a working link
    url_state.write_query("train", _link_query(st.session_state[SETTINGS_KEY])[0])


# -- the shareable link (the codec is app/url_state.py) ----------------------------------------------------
def _apply_link() -> None:
    """Called first by restore_settings: apply a link the URL holds (once per new link)."""
    link = url_state.new_link("train", set(url_state.train_params(FIELDS)) | {"preset"} | set(url_state.REFUSED))
    if link is None:
        return
    preset, values, notes = url_state.read_train(link, FIELDS)
    notes += url_state.repeat_notes(url_state.query_lists(), set(link) - set(url_state.PASS_THROUGH))
    _apply_settings(preset or DEFAULT_PRESET, values)  # remembering writes the canonical link (bad values gone)
    url_state.keep_notes("train", notes)


def _link_query(settings: dict | None = None) -> tuple[dict[str, str], list[str]]:
    """(URL parameters, fields left out of them) for the Train settings (by default as the widgets hold them)."""
    if settings is None:
        settings = {"_preset": st.session_state.get(PRESET_KEY, DEFAULT_PRESET),
                    **{f: st.session_state.get(widget_key(f)) for f in FIELDS}}
    preset = settings.get("_preset")
    if preset not in PRESETS:
        preset = DEFAULT_PRESET
        settings = {**settings, "_preset": preset}
    reference = preset_values(preset)
    return url_state.train_query(settings, reference, FIELDS), url_state.train_left_out(settings, reference, FIELDS)


def draw_share() -> None:
    """The link's notes (if a link was just opened) and a "Share these settings" popover with the link."""
    query, left_out = _link_query()
    url_state.draw_notes("train", query)
    explanation = t(LINK_TEXT, "share_train")
    if left_out:
        explanation += " " + t(LINK_TEXT, "share_left_out", fields=", ".join(left_out))
    url_state.draw_share("train", query, explanation)


def config_from_state() -> TrainConfig:
    """The config the widgets describe: the chosen preset's config with every widget's value on top."""
    base = preset_config(st.session_state.get(PRESET_KEY, DEFAULT_PRESET))
    values = {f: st.session_state[widget_key(f)] for f in FIELDS if widget_key(f) in st.session_state}
    return without_unusable_mixture(base.replace(**values))


def handle_home_request() -> None:
    """Home's one-click presets: select the preset and, when asked, start it right away."""
    request = st.session_state.pop(HOME_REQUEST_KEY, None)
    if not request or request.get("preset") not in PRESETS:
        return
    name = request["preset"]
    st.session_state[PRESET_KEY] = name
    apply_preset(name)
    _apply_challenge()  # a class challenge's lock wins over a one-click preset
    if request.get("autostart") and jobs.start_run(config_from_state(), name):
        st.rerun()  # the sidebar (drawn before this page) should list the new run at once


def start_clicked() -> None:
    config = config_from_state()
    jobs.start_run(config, _run_label(config))


def _run_label(config: TrainConfig) -> str:
    preset = st.session_state.get(PRESET_KEY, DEFAULT_PRESET)
    return preset if not is_modified(config) else f"{config.dataset}-{config.model}"


def is_modified(config: TrainConfig) -> bool:
    preset = st.session_state.get(PRESET_KEY, DEFAULT_PRESET)
    reference = preset_values(preset)
    return any(getattr(config, f) != reference[f] for f in FIELDS)


# -- messages ------------------------------------------------------------------------------------------
def problem_text(field: str, message: str, config: TrainConfig) -> str:
    """validate()'s sentence, in Chinese when that is the language (the English one otherwise)."""
    if lang() != "zh":
        return message
    if field == "pack":
        if config.is_vae and config.pack > 1:
            return PROBLEM_ZH["pack_vae"]
        return PROBLEM_ZH["pack"].format(pack=config.pack, batch_size=config.batch_size)
    if field in RANGES and "between" in message:
        low, high = RANGES[field]
        return PROBLEM_ZH["range"].format(field=field, low=written(low), high=written(high))
    if field == "model" and config.dataset == user_data.UPLOAD:  # images read, and no class folders among them
        return PROBLEM_ZH["model_folders"]
    if field in PROBLEM_FIELDS:
        return PROBLEM_ZH[field].format(dataset=config.dataset, sizes=", ".join(map(str, IMAGE_SIZES)))
    return message


def budget_problems(config: TrainConfig) -> dict[str, str]:
    """gan_core.budget's refusal of a run too big for this server, in the page's language, under the widget to lower."""
    found = budget.problems(config)
    if not found or lang() != "zh":
        return found
    estimate = budget.estimate(config)
    return {estimate.cause: t(TEXT, "too_big", need=budget.format_bytes(estimate.total),
                              params=estimate.parameters / 1e6, limit=budget.format_bytes(budget.limit_bytes()))}


def warnings_for(config: TrainConfig) -> dict[str, list[str]]:
    """Settings that run but teach something worth saying (never block Start)."""
    found: dict[str, list[str]] = {}
    if config.adversarial_loss is not None:  # G against D (a VAE, a diffusion model, the caption model have no D)
        if config.loss == "minimax":
            found.setdefault("loss", []).append(t(TEXT, "warn_minimax"))
        if config.lr_d > 0 and config.lr_g / config.lr_d >= 5:
            found.setdefault("lr_g", []).append(t(TEXT, "warn_lr_ratio", ratio=config.lr_g / config.lr_d))
        if config.label_smoothing > 0 and config.loss in ("wgan-gp", "hinge"):
            found.setdefault("label_smoothing", []).append(t(TEXT, "warn_smoothing_ignored", loss=config.loss))
    if config.steps > 20_000:
        found.setdefault("steps", []).append(t(TEXT, "warn_big_run", steps=config.steps))
    return found


def _notes(field: str, problems: dict, warnings: dict, config: TrainConfig) -> None:
    if field in problems:
        st.error(problem_text(field, problems[field], config), icon=":material/block:")
    for text in warnings.get(field, []):
        st.warning(text, icon=":material/warning:")


# -- drawing ---------------------------------------------------------------------------------------------
def _pair(table: dict, key: str) -> str:
    pair = table.get(key)
    if pair is None:
        return key
    return pair[1] if lang() == "zh" and len(pair) > 1 else pair[0]


def form_state() -> tuple[TrainConfig, dict, dict, str | None]:
    """(config, problems, warnings, data_error) for the settings as they are now in session state."""
    config = config_from_state()
    problems = config.validate() or user_data.data_problems(config) or budget_problems(config)
    warnings = warnings_for(config) if not problems else {}
    data_error = st.session_state.get(jobs.DATA_ERROR_KEY)
    refused = user_data.refusal(config)  # folder:PATH (the server's disk) or another session's data
    if refused:
        problems["dataset"] = refused
    elif user_data.is_choice(config.dataset) and "dataset" not in problems:
        data_error = user_data.data_error(config)  # re-checked every rerun, as the student draws or uploads
    if config.dataset in LOCAL_DATASETS and "dataset" not in problems:
        if not config.data_root.strip():
            data_error = t(TEXT, "data_root_missing", dataset=config.dataset)
        else:
            data_error = jobs.check_data(config)
    return config, problems, warnings, data_error


def draw_preset_picker() -> None:
    st.selectbox(t(TEXT, "preset"), list(PRESETS), key=PRESET_KEY, on_change=_on_preset_change,
                 help=t(TEXT, "preset_help"), disabled=st.session_state.get(CHALLENGE_KEY) is not None)


def draw_start(blocked: bool) -> None:
    st.button(t(TEXT, "start"), key="train_start", type="primary", icon=":material/play_arrow:",
              on_click=start_clicked, disabled=blocked, help=t(TEXT, "start_help"), width="stretch")


def draw_preset_notes(config: TrainConfig, problems: dict, data_error: str | None, next_run: bool = False) -> None:
    """The preset's one-line story, and why Start is disabled when it is; `next_run`: beside a live run of other
    settings, whose pictures it would seem to describe, it is marked as the next run's."""
    text = preset_description(st.session_state[PRESET_KEY])
    if next_run:
        text = f"**{t(TEXT, 'next_run')}** {text}"
    modified = is_modified(config)
    if modified:
        text += f"   :violet[:material/edit: {t(TEXT, 'preset_modified')}]"
    st.caption(f"{text}  \n:gray[:material/tune: {settings_summary(config)}]")
    if modified:  # picking the preset already selected changes nothing (no change, no callback): this is the way back
        st.button(t(TEXT, "preset_reset", preset=st.session_state[PRESET_KEY]), key="train_preset_reset",
                  type="tertiary", icon=":material/undo:", on_click=_on_preset_change)
    if problems or data_error:
        where = [t(TEXT, f) for f in problems] + ([t(TEXT, "dataset")] if data_error and not problems else [])
        st.caption(f":red[:material/block: {t(TEXT, 'start_blocked')}] ({', '.join(where)})")


def preset_description(name: str) -> str:
    """The preset's one-line story in the page's language (English when the translation is out of date)."""
    english = PRESETS[name].description
    translated = PRESET_ZH.get(name)
    if lang() == "zh" and translated and translated[0] == english:
        return translated[1]
    return english


def settings_summary(config: TrainConfig) -> str:
    parts = [config.dataset, config.model] + ([] if config.adversarial_loss is None else [config.loss])
    if config.adversarial_loss is not None and config.n_critic > 1:  # WGAN-GP's usual 5 D updates per G update
        parts.append(f"n_critic {config.n_critic}")
    tricks = [name for name, on in (("pack", config.pack > 1), ("SN", config.spectral_norm),
                                    ("R1", config.r1_gamma > 0), ("mbstd", config.minibatch_std),
                                    ("lr→0", config.lr_decay), ("bf16", config.precision == "bf16")) if on]
    cost = ""
    if not config.validate():
        estimate = budget.estimate(config)
        # a family's step is counted at full image size for every layer (ProGAN's early stages, StackGAN's stage I
        # are far smaller): 3-5x the measured time, beside a description saying "in about 90 s", so no seconds
        cost = t(TEXT, "cost" if config.family is None else "cost_memory", memory=budget.format_bytes(estimate.total),
                 seconds=budget.format_seconds(estimate.step_seconds))
    return " · ".join(parts + tricks + [f"{config.steps:,} {t(TEXT, 'steps_unit')}"] + ([cost] if cost else []))


def draw_settings(config: TrainConfig, problems: dict, warnings: dict, data_error: str | None) -> None:
    """Every setting in one expander, each message under its widget.

    The label never changes (a new label would remount the expander and fold it up under the user's hands), and
    once something needed fixing the expander stays open for the rest of the session.
    """
    if problems or data_error:
        expander.keep_open("train_settings")
    with expander.remembered("train_settings", t(TEXT, "settings"), icon=":material/tune:"):
        st.caption(t(TEXT, "settings_next_run"))  # the running job is changed in the live box, not here
        _draw_basic(config, problems, warnings, data_error)
        user_data.draw_panel(config)  # the canvas or uploader when the data is the student's own
        st.markdown(f"###### {t(TEXT, 'advanced')}")
        tricks_col, optimiser_col, network_col = st.columns(3, gap="medium")
        with tricks_col:
            _draw_tricks(config, problems, warnings)
        with optimiser_col:
            _draw_optimiser(config, problems, warnings)
        with network_col:
            _draw_network(config, problems, warnings)
        st.checkbox(t(TEXT, "replace"), key=jobs.REPLACE_KEY, value=True, help=t(TEXT, "replace_help"))
    remember_settings()


def _draw_basic(config: TrainConfig, problems: dict, warnings: dict, data_error: str | None) -> None:
    cells = st.columns([1.6, 1.4, 1.4, 0.8, 0.8], gap="small")
    with cells[0]:
        st.selectbox(t(TEXT, "dataset"), list(POINT_DATASETS + IMAGE_DATASETS) + list(user_data.CHOICES),
                     key=widget_key("dataset"), format_func=user_data.option_label,
                     disabled=_locked("dataset"))
        st.caption(_pair(DATASET_TEXT, config.dataset))
        _notes("dataset", problems, warnings, config)
        if config.dataset in LOCAL_DATASETS:
            st.text_input(t(TEXT, "data_root"), key=widget_key("data_root"), disabled=_locked("data_root"), help=t(TEXT, "data_root_help"),
                          placeholder="/path/to/data")
            _notes("data_root", problems, warnings, config)
        if data_error and config.dataset != user_data.DRAW:  # the canvas says it; a box here would move it
            st.error(t(TEXT, "data_error", message=data_error), icon=":material/block:")
    with cells[1]:
        st.selectbox(t(TEXT, "model"), list(model_names()), key=widget_key("model"), disabled=_locked("model"))
        st.caption(_pair(MODEL_TEXT, config.model))
        _notes("model", problems, warnings, config)
    with cells[2]:
        no_d = config.adversarial_loss is None
        st.selectbox(t(TEXT, "loss"), list(LOSSES), key=widget_key("loss"), disabled=no_d or _locked("loss"))
        st.caption(t(TEXT, "loss_vae_note" if config.is_vae else "loss_no_d_note") if no_d
                   else _pair(LOSS_TEXT, config.loss))
        _notes("loss", problems, warnings, config)
    with cells[3]:
        _number("steps", 1, int(RANGES["steps"][1]), 100)
        _notes("steps", problems, warnings, config)
    with cells[4]:
        _number("seed", 0, int(RANGES["seed"][1]), 1, help_key="seed_help")
        _notes("seed", problems, warnings, config)


def _draw_tricks(config: TrainConfig, problems: dict, warnings: dict) -> None:
    st.markdown(f"**{t(TEXT, 'tricks')}**")
    off = {f: config.adversarial_loss is None and f not in problems for f in GAN_ONLY}
    st.checkbox(t(TEXT, "spectral_norm"), key=widget_key("spectral_norm"), disabled=off["spectral_norm"] or _locked("spectral_norm"),
                help=t(TEXT, "spectral_norm_help"))
    st.checkbox(t(TEXT, "minibatch_std"), key=widget_key("minibatch_std"), disabled=off["minibatch_std"] or _locked("minibatch_std"),
                help=t(TEXT, "minibatch_std_help"))
    _notes("minibatch_std", problems, warnings, config)
    _number("pack", 1, 4, 1, help_key="pack_help", disabled=off["pack"])
    _notes("pack", problems, warnings, config)
    _number("n_critic", 1, 10, 1, disabled=off["n_critic"])
    _notes("n_critic", problems, warnings, config)
    _number("r1_gamma", 0.0, 1000.0, 0.5, help_key="r1_help", disabled=off["r1_gamma"], fmt="%.2f")
    _notes("r1_gamma", problems, warnings, config)
    st.slider(t(TEXT, "label_smoothing"), 0.0, 0.5, step=0.05, key=widget_key("label_smoothing"),
              disabled=off["label_smoothing"] or _locked("label_smoothing"), help=t(TEXT, "label_smoothing_help"))
    _notes("label_smoothing", problems, warnings, config)
    _number("beta", 0.0, 100.0, 0.5, disabled=not config.uses_beta and "beta" not in problems, fmt="%.2f")
    if not config.uses_beta:
        st.caption(t(TEXT, "beta_gan_note"))
    _notes("beta", problems, warnings, config)


def _draw_optimiser(config: TrainConfig, problems: dict, warnings: dict) -> None:
    st.markdown(f"**{t(TEXT, 'optimisation')}**")
    # learning rates accept 0 to 10 on purpose: typing 0 gets gan_core's sentence ("lr_g must be between 0.000001
    # and 1") under the widget, not the browser's "between 0.00000 and 1.00000", which its 5-decimal display rounds to
    for field, low, high, step, fmt in (("lr_g", 0.0, 10.0, 1e-4, "%.5f"), ("lr_d", 0.0, 10.0, 1e-4, "%.5f"),
                                        ("batch_size", 2, 4096, 16, None)):
        unused = field == "lr_d" and not config.uses_lr_d and field not in problems
        _number(field, low, high, step, fmt=fmt, disabled=unused)
        if unused:
            st.caption(t(TEXT, "lr_d_unused_note"))
        _notes(field, problems, warnings, config)
    st.checkbox(t(TEXT, "lr_decay"), key=widget_key("lr_decay"), disabled=_locked("lr_decay"), help=t(TEXT, "lr_decay_help"))
    st.selectbox(t(TEXT, "precision"), list(PRECISIONS), key=widget_key("precision"), disabled=_locked("precision"),
                 help=t(TEXT, "precision_help"))
    _notes("precision", problems, warnings, config)


def _draw_network(config: TrainConfig, problems: dict, warnings: dict) -> None:
    st.markdown(f"**{t(TEXT, 'network')}**")
    _number("latent_dim", 1, 256, 1)
    _notes("latent_dim", problems, warnings, config)
    _number("hidden", 8, 1024, 8, help_key="hidden_help")
    _notes("hidden", problems, warnings, config)
    _number("depth", 1, 6, 1)
    _notes("depth", problems, warnings, config)
    st.selectbox(t(TEXT, "arch"), ["auto", "mlp", "conv"], key=widget_key("arch"), disabled=_locked("arch"),
                 help=t(TEXT, "arch_help"))
    _notes("arch", problems, warnings, config)
    st.selectbox(t(TEXT, "image_size"), list(IMAGE_SIZES), key=widget_key("image_size"),
                 disabled=(config.is_points and "image_size" not in problems) or _locked("image_size"))
    if config.is_points:
        st.caption(t(TEXT, "points_no_size"))
    _notes("image_size", problems, warnings, config)
    _draw_family_options(config, problems, warnings)


# which extra settings each model family uses (the classic gan/cgan/vae/cvae use none)
FAMILY_FIELDS = {"ddpm": ("diffusion_steps", "sample_steps"), "progan": ("stage_steps",),
                 "pix2pix": ("task",), "cyclegan": ("task",)}


def _draw_family_options(config: TrainConfig, problems: dict, warnings: dict) -> None:
    fields_used = FAMILY_FIELDS.get(config.model, ())
    if not fields_used:
        return
    st.markdown(f"**{t(TEXT, 'family_options')}**")
    for field in fields_used:
        if field == "task":
            from gan_core.families.translation import TASKS  # only needed (and imported) for translation models

            if st.session_state.get(widget_key("task")) not in TASKS:
                st.session_state[widget_key("task")] = list(TASKS)[0]
            st.selectbox(t(TEXT, "task"), list(TASKS), key=widget_key("task"), disabled=_locked("task"), help=t(TEXT, "task_help"))
        else:
            low, high = RANGES[field]
            _number(field, int(low), int(high), 1 if field != "stage_steps" else 50, help_key=f"{field}_help")
        _notes(field, problems, warnings, config)


def _number(field: str, low, high, step, help_key: str | None = None, disabled: bool = False,
            fmt: str | None = None) -> None:
    st.number_input(t(TEXT, field), min_value=low, max_value=high, step=step, key=widget_key(field),
                    help=t(TEXT, help_key) if help_key else None, disabled=disabled or _locked(field), format=fmt)


def draw_continue() -> None:
    """Continue a saved run (demo or yours) for more steps, as a new run."""
    with expander.remembered("train_resume", t(TEXT, "resume_title"), icon=":material/history:"):
        stored = list_checkpoints()
        if not stored:
            st.caption(t(TEXT, "resume_none"))
            return
        paths = [c.path for c in stored]
        labels = {c.path: c.label for c in stored}
        chosen = st.selectbox(t(TEXT, "resume_pick"), paths, key="train_resume_ckpt", format_func=labels.get)
        facts = checkpoint_facts(chosen, os.path.getmtime(chosen)) if os.path.exists(chosen) else {"error": ""}
        if "error" in facts:
            st.caption(f":red[{facts['error']}]")
        else:
            st.caption(t(TEXT, "resume_info", dataset=facts["dataset"], model=facts["model"], step=facts["steps"]))
        st.number_input(t(TEXT, "resume_steps"), min_value=1, max_value=100_000, value=500, step=100,
                        key="train_resume_steps")
        st.button(t(TEXT, "resume_start"), key="train_resume_start", icon=":material/fast_forward:",
                  on_click=_continue_clicked, width="stretch")


def _continue_clicked() -> None:
    path = st.session_state.get("train_resume_ckpt")
    if path:
        jobs.continue_checkpoint(path, int(st.session_state.get("train_resume_steps", 500)))
