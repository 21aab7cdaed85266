"""Sample & Blend: explore a trained model's latent space (samples, walks, blends, arithmetic, edits, encoding).

A thin script: pick a checkpoint, show its facts, then one lazy tab at a time (only the open tab runs, so each
interaction costs one or two batched forward passes). The work is in app.sample_compute over gan_core.latents.
"""
import math
import os
from pathlib import Path

import streamlit as st

from app.shell import require_shell

require_shell(__file__)  # a deep link opens inside the app shell

from app import sample_cache as cache
from app import sample_compute as compute
from app import sample_family_tab
from app import sample_tabs as tabs
from app import url_state
from app.sample_text import TEXT
from app.sample_widgets import choice, tr
from gan_core.checkpoints import MAX_CHECKPOINT_BYTES, CheckpointError
from gan_core.store import ROOT, list_checkpoints

UPLOAD = "upload"
CHECKPOINT_MB = MAX_CHECKPOINT_BYTES // 2**20  # the uploader's hint and the browser's refusal say the real limit
PREFERRED = "demo:digits-gan"

st.title(tr("title"))

# -- which checkpoint -------------------------------------------------------------------------------------------------
stored = {f"{c.source}:{c.ref}": c for c in list_checkpoints()}
options = list(stored) + [UPLOAD]
url_state.restore_sample(options)  # a shared link (?ckpt=...&seed=...&tab=...) sets the widgets below
if not stored:
    st.info(tr("no_checkpoints"))


def _option_label(option: str) -> str:
    # the same words in both languages: a selectbox whose labels change under it loses its selection
    if option == UPLOAD:
        return TEXT["upload_option"][0] + " / " + TEXT["upload_option"][1]
    entry = stored[option]
    kind = "demo" if entry.source == "demo" else "saved"
    return f"{entry.name} ({TEXT[kind][0]} / {TEXT[kind][1]})"


checkpoint_col, share_slot = st.columns([3.4, 1.6], vertical_alignment="bottom")  # Share: filled once the tabs are known
with checkpoint_col:
    picked = choice(tr("checkpoint"), options, "sample_ckpt", PREFERRED if PREFERRED in stored else options[0],
                    format_func=_option_label, help=tr("checkpoint_help"))

model = None
try:
    if picked == UPLOAD:
        upload = st.file_uploader(tr("upload"), type=["pt"], key="sample_upload", max_upload_size=CHECKPOINT_MB,
                                  help=tr("upload_help", mb=CHECKPOINT_MB))
        if upload is None:
            st.info(tr("upload_wait"))
            st.stop()
        model_key, model = cache.uploaded_model(upload.getvalue(), upload.name)
        name, cli_path = Path(upload.name).stem, upload.name
    else:
        entry = stored[picked]
        with st.spinner(tr("loading")):
            model_key, model = cache.stored_model(entry.path)
        name = entry.name
        cli_path = os.path.relpath(entry.path, ROOT) if entry.path.startswith(str(ROOT)) else entry.path
except (CheckpointError, OSError) as error:
    st.error(str(error).splitlines()[0] if str(error) else type(error).__name__)
    st.stop()

if st.session_state.get("sample_model_key") != model_key:  # a new model: its edit sliders start at 0
    tabs.reset_edits()
    st.session_state["sample_model_key"] = model_key

# -- what it is -------------------------------------------------------------------------------------------------------
facts = compute.model_facts(model)
# a translation model's z only picks a held-out picture: its size, and latent space, mean nothing to a student
st.markdown(tr("facts" if model.latent_walks else "facts_no_latent", name=facts["name"] or name, dataset=facts["dataset"],
               size=f" ({facts['size']})" if facts["size"] else "", model=facts["model"].upper(), arch=facts["arch"],
               loss=tr("facts_loss", loss=facts["loss"]), dim=facts["latent_dim"],
               steps=facts["steps"], seconds=tr("seconds", value=facts["seconds"])))
label = None
if model.n_classes:
    label = choice(tr("class"), list(range(model.n_classes)), "sample_class", 0,
                   format_func=lambda c: tabs.class_name(model, c), help=tr("class_help"))
if model.latent_walks:
    with st.expander(tr("learn_title")):
        st.markdown(tr("intro"))
        st.markdown(tr("learn_body", dim=model.latent_dim, radius=math.sqrt(model.latent_dim)))

context = tabs.Context(model=model, key=model_key, name=name, cli_path=cli_path, label=label)

# -- one lazy tab at a time ---------------------------------------------------------------------------------------------
sections = [("tab_samples", tabs.samples_tab)]
if model.latent_walks:  # (a translation model's z only picks a held-out picture: nothing lies between two)
    sections += [("tab_interpolate", tabs.interpolate_tab), ("tab_blend", tabs.blend_tab),
                 ("tab_arithmetic", tabs.arithmetic_tab), ("tab_edit", tabs.edit_tab)]
if model.is_vae:
    sections.append(("tab_real_points" if model.is_points else "tab_real", tabs.real_tab))
if sample_family_tab.family_available(model):  # diffusion, StyleGAN, translation, ...: what this family teaches
    sections.append(("tab_family", sample_family_tab.family_tab))
section_keys = [key for key, _ in sections]
unused = tabs.unused_settings(model)  # settings this model has no widget for: kept out of the URL and Share
notes_slot, tab_key, open_label = url_state.open_linked_tab(section_keys, TEXT, unused)  # the tab a link asked for
containers = st.tabs([tr(key) for key in section_keys], key=tab_key, default=open_label,
                     on_change=url_state.sample_tab_opened, args=(section_keys, TEXT, tab_key))
for container, (_, draw) in zip(containers, sections):
    with container:
        if container.open:
            draw(context)
url_state.sync_sample(section_keys, TEXT, share_slot, notes_slot, unused)  # the URL says what is shown, Share
