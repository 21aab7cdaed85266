"""The "This model" tab of Sample & Blend, driven by AppTest on tiny checkpoints of each model family trained here.

Each test checks the pictures only that family's section draws (by their captions), so a section that silently
draws nothing fails.
"""
import io

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from app.sample_text import FAMILY_TEXT
from app.i18n import worded_key
from gan_core.checkpoints import save_checkpoint, trainer_payload
from gan_core.config import TrainConfig
from gan_core.latents import LatentModel
from gan_core.training import Trainer
from tests.page_support import en, open_tab_labelled, same_options_in_both_languages, widget_options

TINY = dict(hidden=8, batch_size=8, steps=2, sample_every=100, metrics_every=0, seed=1)
MODELS = {  # checkpoint name: (gan_core module, config)
    "f-ddpm": ("diffusion", dict(TINY, dataset="digits", model="ddpm", image_size=8, diffusion_steps=20,
                                 sample_steps=4)),
    "f-ddpm-ring": ("diffusion", dict(TINY, dataset="ring8", model="ddpm", hidden=16, depth=1, diffusion_steps=20,
                                      sample_steps=4, n_points=500)),
    "f-style": ("stylegan", dict(TINY, dataset="digits", model="stylegan", image_size=8, latent_dim=4, depth=1)),
    "f-pro": ("progressive", dict(TINY, dataset="digits", model="progan", image_size=8, latent_dim=4)),
    "f-p2p": ("translation", dict(TINY, dataset="digits", model="pix2pix", task="outline", image_size=8)),
    "f-cycle": ("translation", dict(TINY, dataset="digits", model="cyclegan", task="outline", image_size=8)),
    "f-stack": ("stackgan", dict(TINY, dataset="shapes", model="stackgan", image_size=16, latent_dim=4)),
    "f-caption": ("captions", dict(TINY, dataset="shapes", model="caption", image_size=8, latent_dim=4)),
    "f-gan": (None, dict(TINY, dataset="digits", model="gan", image_size=8, latent_dim=4)),
    "f-pro-mid": ("progressive", dict(TINY, dataset="digits", model="progan", image_size=16, latent_dim=4, steps=6,
                                      stage_steps=2)),
}
STOPPED_AT = {"f-pro-mid": 3}  # saved mid-growth: stage 2 of 3, as a run stopped early is


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("family-runs")
    for name, (_, settings) in MODELS.items():
        trainer = Trainer(TrainConfig(**settings))
        while trainer.step_count < STOPPED_AT.get(name, trainer.config.steps):
            trainer.step()
        save_checkpoint(trainer_payload(trainer, name=name), folder / f"{name}.pt")
    return folder


def test_every_family_with_a_section_has_a_tiny_checkpoint_here():
    from app.sample_family import FAMILY_MODULES

    assert set(FAMILY_MODULES) == {settings["model"] for module, settings in MODELS.values() if module}


@pytest.fixture
def app(runs, monkeypatch):
    monkeypatch.setenv("LATENT_LAB_RUNS", str(runs))
    at = AppTest.from_file("../streamlit_app.py", default_timeout=60).run()
    at.switch_page("pages/sample_blend.py").run()
    return at


def ok(at):
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def open_family_tab(at, name):
    at.selectbox(key="sample_ckpt").set_value(f"saved:{name}").run()
    labels = [tab.label for tab in ok(at).tabs]
    label = next((label for label in labels if "This model" in label), None)
    assert label is not None, labels
    open_tab_labelled(at, label)
    return ok(at.run())


def captions(at):
    return [image.proto.imgs[0].caption for image in at.get("image")]


def has_image(at, *words):
    return any(all(word in caption for word in words) for caption in captions(at))


def test_classic_gan_has_no_family_tab(app):
    app.selectbox(key="sample_ckpt").set_value("saved:f-gan").run()
    assert not any("This model" in tab.label for tab in ok(app).tabs)


def test_ddpm_shows_chain_steps_forward_process_and_cost(app):
    open_family_tab(app, "f-ddpm")
    assert has_image(app, "noisy picture x_t") and has_image(app, "guess of the clean sample")
    assert has_image(app, "1 step:") and has_image(app, "5 steps") and has_image(app, "20 steps")
    assert not has_image(app, "1 steps")
    guess = next(c for c in captions(app) if "guess of the clean sample" in c)
    # the words say what the first column is (the guess from pure noise, whose level keeps almost no data: clipped
    # speckle), not "early guesses are blurry averages"
    from gan_core.families.diffusion import cosine_alphas_cumprod

    signal = float(cosine_alphas_cumprod(MODELS["f-ddpm"][1]["diffusion_steps"])[-1].sqrt())
    assert f"√ᾱ = {signal:.4f}" in guess and "speckle" in guess and "blurry average" in guess
    app.select_slider(key="family_ddpm_steps").set_value(2).run()
    guess = next(c for c in captions(ok(app)) if "guess of the clean sample" in c)
    assert "needs a few steps" in guess and "blurry average" not in guess
    app.select_slider(key="family_ddpm_steps").set_value(5).run()
    assert has_image(app, "Share of the data left")  # the forward process of a real digit
    app.button(key="family_ddpm_cost").click().run()
    table = ok(app).dataframe[0].value
    assert list(table.iloc[:, 0]) == [1, 5, 20] and list(table.iloc[:, 2]) == [1, 5, 20]
    assert (table.iloc[:, 1] > 0).all()
    # another seed gives another chain
    before = app.get("image")[0].proto.imgs[0].url
    app.number_input(key="family_ddpm_seed").set_value(9).run()
    assert ok(app).get("image")[0].proto.imgs[0].url != before


def test_ddpm_on_points_draws_clouds(app):
    open_family_tab(app, "f-ddpm-ring")
    assert has_image(app, "noisy picture x_t") and has_image(app, "Share of the data left")
    assert app.get("image")[0].proto.imgs[0].url.endswith(".png")


def test_stylegan_shows_mixing_noise_and_truncation(app):
    open_family_tab(app, "f-style")
    assert has_image(app, "from its row") and has_image(app, "per-pixel noise")
    assert has_image(app, "ψ = 1, 0.75")
    # the noise-spread map and the "Noise off" tile are drawn at their own sizes, one scale: neither carries a
    # caption inside its st.image (the browser widens a picture to its caption: the 96-px map came out ~283 px)
    texts = [caption.value for caption in app.caption]
    assert any("stretched so the largest" in text for text in texts) and en(FAMILY_TEXT, "no_noise_caption") in texts
    assert not has_image(app, "stretched so the largest") and not has_image(app, en(FAMILY_TEXT, "no_noise_caption"))
    app.slider(key="family_mix_cross").set_value(0).run()
    assert has_image(ok(app), "every layer comes from the column")
    app.text_input(key="family_mix_rows").set_value("1, x").run()
    assert any("whole numbers" in w.value for w in app.warning)


def test_progan_shows_its_resolution_and_every_stage(app):
    from app.sample_text import FAMILY_TEXT

    open_family_tab(app, "f-pro")  # 2 steps of an 8x8 run, one a stage: grown to 8x8
    text = " ".join(m.value for m in app.markdown)
    assert "stage 2 of 2" in text and "8×8 pixels" in text and "4×4" in text and "enlarged" not in text
    assert captions(app) == ["4×4", FAMILY_TEXT["stage_caption_now"][0].format(res=8)]
    assert not any("cannot draw earlier stages" in c.value for c in app.caption)


def test_a_progan_saved_mid_growth_says_where_it_stopped(app):
    """Saved at stage 2 of 3 it said "It grew through 4×4 → 8×8 → 16×16", a size it never reached."""
    open_family_tab(app, "f-pro-mid")
    text = " ".join(m.value for m in app.markdown)
    assert "stage 2 of 3" in text and "4×4 → 8×8;" in text and "4×4 → 8×8 → 16×16" not in text
    assert "before it grew on to 16×16" in text


def test_a_grown_progan_shows_4_8_16_and_never_enlarges_to_its_own_size(app):
    from app.sample_text import FAMILY_TEXT

    app.selectbox(key="sample_ckpt").set_value("demo:digits-progan").run()
    label = next(tab.label for tab in ok(app).tabs if "This model" in tab.label)
    open_tab_labelled(app, label)
    ok(app.run())
    assert captions(app) == ["4×4", "8×8", FAMILY_TEXT["stage_caption_now"][0].format(res=16)]
    assert [image.proto.imgs[0].url for image in app.get("image")]  # three pictures
    text = " ".join(m.value for m in app.markdown)
    assert "16×16 pixels" in text and "enlarged" not in text


def test_progans_stages_are_drawn_at_one_height_as_their_caption_says():
    """Tiled at their own sizes, 4x4, 8x8 and 16x16 came out 72, 88 and 96 px high under "all enlarged to one
    height": each stage is now enlarged to the last stage's size before tiling, its blocks kept."""
    from app.sample_family import progressive_stages
    from gan_core.latents import LatentModel
    from gan_core.store import DEMO_DIR

    model = LatentModel.load(DEMO_DIR / "digits-progan.pt")
    stages = progressive_stages(model, [1, 2, 3])
    assert [resolution for resolution, _ in stages] == [4, 8, 16]
    assert len({picture.shape for _, picture in stages}) == 1, [picture.shape for _, picture in stages]
    coarse, fine = stages[0][1], stages[-1][1]
    assert len(np.unique(coarse.reshape(-1, 3), axis=0)) < len(np.unique(fine.reshape(-1, 3), axis=0))  # still blocks


@pytest.mark.parametrize("name, third", [("f-p2p", "real target"), ("f-cycle", "cycle reconstruction")])
def test_translation_shows_source_output_and_third_row(app, name, third):
    open_family_tab(app, name)
    assert has_image(app, "source | output |", third)
    before = app.get("image")[0].proto.imgs[0].url
    app.radio(key=worded_key("family_tr_by")).set_value("seed").run()
    app.number_input(key="family_tr_seed").set_value(4).run()
    assert ok(app).get("image")[0].proto.imgs[0].url != before


def test_a_translation_model_is_not_introduced_by_its_latent_space(app):
    # its z only picks a held-out picture: no "latent z: 2 numbers" and no "What is latent space? Why slerp?"
    from app.sample_text import TEXT

    app.selectbox(key="sample_ckpt").set_value("saved:f-p2p").run()
    text = " ".join(m.value for m in ok(app).markdown)
    assert "latent z:" not in text and "steps trained" in text
    assert not any(en(TEXT, "learn_title") in e.label for e in app.expander)
    app.selectbox(key="sample_ckpt").set_value("saved:f-gan").run()
    assert "latent z:" in " ".join(m.value for m in ok(app).markdown)
    assert any(en(TEXT, "learn_title") in e.label for e in app.expander)


def test_the_translation_choices_keep_their_values_in_chinese(app):
    """Their options are words: each language draws its own radio, seeded from the plain value (see
    app.sample_widgets.choice), so a switch keeps "seed" and "source" where the old labels would not be found."""
    open_family_tab(app, "f-p2p")
    app.radio(key=worded_key("family_tr_by")).set_value("seed").run()
    app.radio(key=worded_key("family_tr_mode")).set_value("source").run()
    english = widget_options(ok(app))
    app.session_state["lang"] = "zh"
    ok(app.run())
    assert app.radio(key=worded_key("family_tr_by", "zh")).value == "seed"
    assert app.radio(key=worded_key("family_tr_mode", "zh")).value == "source"
    assert same_options_in_both_languages(english, widget_options(app)) == []
    app.session_state["lang"] = "en"
    ok(app.run())
    assert (app.session_state["family_tr_by"], app.session_state["family_tr_mode"]) == ("seed", "source")


def test_translation_of_an_uploaded_picture_and_a_bad_file(runs):
    from app import sample_family
    from gan_core.data import DataError

    model = LatentModel.load(runs / "f-p2p.pt")
    buffer = io.BytesIO()
    Image.fromarray((np.arange(40 * 30 * 3) % 255).astype(np.uint8).reshape(30, 40, 3)).save(buffer, format="PNG")
    result = sample_family.translate_upload(model, buffer.getvalue(), "mine.png", make_source=True)
    assert result["third"] == "yours" and result["picture"].ndim == 3
    assert sample_family.translate_upload(model, buffer.getvalue(), "mine.png", make_source=False)["third"] is None
    with pytest.raises(DataError):
        sample_family.translate_upload(model, b"not a picture", "junk.png", make_source=True)


def test_stackgan_shows_both_stages(app):
    open_family_tab(app, "f-stack")
    assert has_image(app, "stage I at 8×8", "stage II at 16×16")


def test_caption_draws_words_lists_unknown_ones_and_is_honest(app):
    open_family_tab(app, "f-caption")
    assert has_image(app, "Pictures for “red circle top left”")
    assert has_image(app, "now and then one gets the colour, the shape or the corner wrong")  # it does, unannounced
    assert any("toy" in i.value for i in app.info)  # the honest note
    assert any("Words I know" in c.value and "triangle" in c.value for c in app.caption)
    app.text_input(key="family_caption_text").set_value("a purple blue square").run()
    assert has_image(ok(app), "purple blue square")
    assert any("“purple”" in i.value for i in app.info)
    app.text_input(key="family_caption_text").set_value("purple dragon").run()
    assert not has_image(ok(app), "purple dragon") and any("purple dragon" in w.value for w in app.warning)


def test_a_pasted_long_caption_is_cut_and_the_page_says_so(app):
    """The browser dropped a paste past the widget's max_chars without a word; now the page cuts it and says so."""
    from app.sample_family import CAPTION_CHARS
    from app.sample_text import FAMILY_TEXT

    open_family_tab(app, "f-caption")
    pasted = ("blue square bottom right " * 25)[:500]
    app.text_input(key="family_caption_text").set_value(pasted).run()
    assert app.text_input(key="family_caption_text").value == pasted[:CAPTION_CHARS]
    assert any(i.value == FAMILY_TEXT["caption_cut"][0].format(length=500, limit=CAPTION_CHARS) for i in ok(app).info)
    assert has_image(app, "Pictures for “blue square bottom right")
    app.text_input(key="family_caption_text").set_value("red circle").run()  # the next edit clears the note
    assert not any("only the first" in i.value for i in ok(app).info)


@pytest.mark.parametrize("name", ["f-ddpm", "f-style", "f-caption"])
def test_tab_speaks_chinese(app, name):
    app.session_state["lang"] = "zh"
    app.selectbox(key="sample_ckpt").set_value(f"saved:{name}").run()
    label = next((tab.label for tab in ok(app).tabs if "模型专属" in tab.label), None)
    assert label is not None, [tab.label for tab in app.tabs]
    open_tab_labelled(app, label)
    ok(app.run())
    assert captions(app) and not any("This model" in c or "Pictures for" in c or "steps" in c for c in captions(app))
