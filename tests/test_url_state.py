"""Shareable links (app/url_state.py): the Train and Sample & Blend settings live in the URL's query parameters.

AppTest keeps `at.query_params` as the URL: set it before a run to "open a link", read it after a run to see what
the page wrote. Nothing here trains; the Sample & Blend part uses one tiny checkpoint made in a temp runs folder.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app import url_state
from app.sample_text import TEXT as SAMPLE_TEXT
from app.url_state import BadValue, Param, encode, parse, read_sample, read_train, train_query
from app.url_state_text import TEXT
from tests.page_support import en, shows, zh

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def runs_dir(tmp_path, monkeypatch):
    folder = tmp_path / "runs"
    monkeypatch.setenv("LATENT_LAB_RUNS", str(folder))
    return folder


def open_page(page: str, **query) -> AppTest:
    """The app opened on `page` with `query` in the URL, as a shared link would open it."""
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.run()  # Home first (AppTest starts there), then the link's page with the link's query, as a browser opens it:
    at.query_params.update({k: str(v) for k, v in query.items()})  # on Home, ?class= would be a class's join code
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def link_notes(at: AppTest) -> list[str]:
    return [w.value for w in at.warning if "link" in w.value.lower() or "链接" in w.value]


# -- plain functions -----------------------------------------------------------------------------------------------
def test_parse_checks_type_range_and_choices():
    seed = Param("seed", "seed", int, 0, 100)
    assert parse(seed, " 7 ") == 7
    for raw, reason in (("abc", "not_integer"), ("3.5", "not_integer"), ("101", "out_of_range"),
                        ("-1", "out_of_range")):
        with pytest.raises(BadValue) as error:
            parse(seed, raw)
        assert error.value.reason == reason
    rate = Param("lr", "lr", float, 1e-6, 1.0)
    assert parse(rate, "1e-3") == pytest.approx(1e-3)
    for raw in ("nan", "inf", "fast", "2"):
        with pytest.raises(BadValue):
            parse(rate, raw)
    flag = Param("f", "f", bool)
    assert parse(flag, "1") is True and parse(flag, "false") is False
    with pytest.raises(BadValue):
        parse(flag, "maybe")
    loss = Param("loss", "loss", str, choices=("ns", "hinge"))
    with pytest.raises(BadValue) as error:
        parse(loss, "magic")
    assert "ns, hinge" in error.value.extra["choices"]
    free = Param("task", "task", str)
    with pytest.raises(BadValue):
        parse(free, "../../etc/passwd")  # free text must be a plain word


def test_encode_round_trips():
    for param, value in ((Param("a", "a", float, 0, 1), 0.0002), (Param("b", "b", float, 0, 9), 2.0),
                         (Param("c", "c", int, 0, 9), 3), (Param("d", "d", bool), True)):
        assert parse(param, encode(value)) == value
    assert encode(2.0) == "2" and encode(False) == "0"


def test_train_link_keeps_good_values_and_notes_each_bad_one():
    from app.train_form import FIELDS

    preset, values, notes = read_train(
        {"preset": "ring8-fixed", "seed": "3", "lr_g": "7", "hidden": "wide", "dataset": "folder:/etc",
         "data_root": "/srv", "colour": "red", "loss": "hinge", "lang": "zh"}, FIELDS)
    assert preset == "ring8-fixed"
    assert values == {"seed": 3, "loss": "hinge"}
    reasons = sorted(key for key, _ in notes)
    assert reasons == sorted(["note_out_of_range", "note_not_integer", "note_folder_refused", "note_not_shareable",
                              "note_unknown_name"])
    preset, values, notes = read_train({"preset": "no-such-preset"}, FIELDS)
    assert preset is None and [key for key, _ in notes] == ["note_unknown_preset"]
    # a value in a note cannot become a Markdown link
    _, _, notes = read_train({"seed": "[click](http://evil)"}, FIELDS)
    assert notes[0][1]["value"].startswith("`")


def test_train_query_names_the_preset_and_only_what_differs():
    from app.train_form import FIELDS, preset_values

    reference = preset_values("ring8-fixed")
    settings = {"_preset": "ring8-fixed", **reference, "seed": 3, "lr_g": 0.0005, "data_root": "/secret"}
    query = train_query(settings, reference, FIELDS)
    assert query == {"preset": "ring8-fixed", "seed": "3", "lr_g": "0.0005"}  # never the server path
    assert url_state.train_left_out(settings, reference, FIELDS) == ["data_root"]
    # data that exists only on this server or in this browser is never written into a link
    for dataset in ("folder:/home/teacher/photos", "points:my-drawing"):
        here_only = {**settings, "dataset": dataset}
        assert "dataset" not in train_query(here_only, reference, FIELDS)
        assert "dataset" in url_state.train_left_out(here_only, reference, FIELDS)


def test_sample_link_checks_the_checkpoint_against_this_server():
    values, tab, notes = read_sample({"ckpt": "saved:x", "seed": "9", "psi": "2", "tab": "blend", "mode": "lerp"},
                                     ["demo:digits-gan", "upload"])
    assert values == {"sample_seed": 9, "interp_gif_mode": "lerp"} and tab == "blend"
    assert sorted(key for key, _ in notes) == ["note_out_of_range", "note_unknown_checkpoint"]
    values, _, notes = read_sample({"ckpt": "upload"}, ["demo:digits-gan", "upload"])
    assert values == {} and notes  # an upload cannot be named by a link


# -- the Train page ----------------------------------------------------------------------------------------------------
def test_train_link_opens_the_preset_and_seed():
    at = open_page("pages/train.py", preset="ring8-fixed", seed=3)
    assert at.selectbox(key="train_preset").value == "ring8-fixed"
    assert at.number_input(key="train_seed").value == 3
    assert at.number_input(key="train_lr_g").value == pytest.approx(1e-3)  # the rest comes from the preset
    assert at.number_input(key="train_depth").value == 4
    assert not link_notes(at)
    assert at.query_params.get("preset") == "ring8-fixed" and at.query_params.get("seed") == "3"
    # the Share popover shows the same link
    links = [c.value for c in at.code if "preset=" in c.value]
    assert links and "preset=ring8-fixed" in links[0] and "seed=3" in links[0]


def test_changing_a_widget_updates_the_url():
    at = open_page("pages/train.py")
    assert at.query_params.get("preset") == "ring8-vanilla"
    at.number_input(key="train_hidden").set_value(24).run()
    assert at.query_params.get("hidden") == "24"
    at.selectbox(key="train_loss").set_value("hinge").run()
    assert at.query_params.get("loss") == "hinge" and at.query_params.get("hidden") == "24"
    at.number_input(key="train_hidden").set_value(128).run()  # back to the preset's value: not in the link
    assert "hidden" not in at.query_params
    at.selectbox(key="train_preset").set_value("digits-vae").run()  # a new preset: the old changes are gone
    assert at.query_params.get("preset") == "digits-vae" and "loss" not in at.query_params
    # the settings (and so the link) survive a visit to another page
    at.switch_page("pages/home.py").run()
    at.switch_page("pages/train.py").run()
    assert at.selectbox(key="train_preset").value == "digits-vae"


def test_bad_link_values_are_ignored_with_a_note():
    at = open_page("pages/train.py", preset="grid25-fixed", seed="abc", lr_g="7", dataset="folder:/etc",
                   data_root="/srv/data", hidden="64")
    assert not at.exception
    assert at.selectbox(key="train_preset").value == "grid25-fixed"
    assert at.number_input(key="train_hidden").value == 64  # the good value still applies
    assert at.number_input(key="train_seed").value == 0  # the preset's
    assert at.number_input(key="train_lr_g").value == pytest.approx(1e-3)
    assert at.selectbox(key="train_dataset").value == "grid25"
    notes = " ".join(link_notes(at))
    assert "seed" in notes and shows(notes, en(TEXT, "note_not_integer"))
    assert "lr_g" in notes and shows(notes, en(TEXT, "note_out_of_range"))
    assert "folder" in notes and shows(notes, en(TEXT, "note_folder_refused"))
    assert "data_root" in notes
    assert not at.error  # a note, not an error
    # the URL is cleaned up: only what was applied stays
    assert dict(at.query_params) == {"preset": "grid25-fixed", "hidden": "64"}
    at.number_input(key="train_hidden").set_value(32).run()  # once the user moves on, the note goes
    assert not link_notes(at)


def test_unknown_preset_and_chinese_note():
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.query_params.update({"preset": "nope", "lang": "zh"})
    at.run()
    at.switch_page("pages/train.py").run()
    assert not at.exception
    assert at.selectbox(key="train_preset").value == "ring8-vanilla"
    notes = link_notes(at)
    assert notes and shows(notes[0], zh(TEXT, "note_unknown_preset")) and "nope" in notes[0]
    assert at.query_params.get("lang") == "zh"  # the link keeps the language for the next reader


# -- the Sample & Blend page -------------------------------------------------------------------------------------------
@pytest.fixture
def tiny_checkpoint(runs_dir):
    from gan_core.checkpoints import save_checkpoint, trainer_payload
    from gan_core.config import TrainConfig
    from gan_core.training import Trainer

    runs_dir.mkdir(parents=True, exist_ok=True)
    trainer = Trainer(TrainConfig(dataset="digits", image_size=8, hidden=8, batch_size=16, steps=2, latent_dim=4,
                                  sample_every=100, metrics_every=0, seed=1))
    trainer.step()
    save_checkpoint(trainer_payload(trainer, name="t-gan"), runs_dir / "t-gan.pt")
    return "saved:t-gan"


def test_sample_link_opens_checkpoint_seed_and_tab(tiny_checkpoint):
    at = open_page("pages/sample_blend.py", ckpt=tiny_checkpoint, seed=7, psi="0.5", tab="interpolate", mode="lerp",
                   pick="seed", a_seed=11)
    assert not at.error, [e.value for e in at.error]
    assert at.selectbox(key="sample_ckpt").value == tiny_checkpoint
    assert at.session_state["sample_seed"] == 7 and at.session_state["sample_psi"] == 0.5
    assert at.session_state["sample_tab"] == en(SAMPLE_TEXT, "tab_interpolate")
    assert at.radio(key="interp_gif_mode").value == "lerp"
    assert at.number_input(key="interp_a_seed").value == 11
    query = at.query_params
    assert (query["ckpt"], query["seed"], query["tab"], query["mode"]) == (tiny_checkpoint, "7", "interpolate", "lerp")
    # moving a widget updates the link
    at.slider(key="interp_steps").set_value(5).run()
    assert at.query_params["steps"] == "5"
    links = [c.value for c in at.code if "ckpt=" in c.value]
    assert links and "steps=5" in links[0]


def test_sample_link_with_bad_values(tiny_checkpoint):
    at = open_page("pages/sample_blend.py", ckpt="saved:gone", seed="-4", psi="2", tab="nowhere")
    assert not at.exception
    notes = " ".join(link_notes(at))
    assert "gone" in notes and "seed" in notes and "psi" in notes and "nowhere" in notes
    assert at.session_state["sample_seed"] == 0 and at.session_state["sample_psi"] == 1.0  # the defaults
    # the URL says what is shown now (written after the widgets are drawn): the defaults in place of the bad
    # values, and no tab that does not exist
    assert "tab" not in at.query_params and at.query_params["psi"] == "1" and at.query_params["seed"] == "0"
    assert at.query_params["ckpt"] == at.selectbox(key="sample_ckpt").value != "saved:gone"
    at.run()
    assert at.query_params["psi"] == "1" and at.query_params["seed"] == "0"


def test_a_range_note_writes_its_bounds_as_a_person_does():
    for param, raw, bounds in ((Param("seed", "seed", int, 0, 2**31 - 1), "-5", ("0", "2,147,483,647")),
                               (Param("lr", "lr", float, 1e-6, 1.0), "2", ("0.000001", "1"))):
        with pytest.raises(BadValue) as error:
            parse(param, raw)
        assert (error.value.extra["low"], error.value.extra["high"]) == bounds  # not 2.14748e+09 or 1e-06


# -- values that fit the parameter but not the model, and parameters given twice -----------------------------------
@pytest.fixture
def tiny_cgan(runs_dir):
    from gan_core.checkpoints import save_checkpoint, trainer_payload
    from gan_core.config import TrainConfig
    from gan_core.training import Trainer

    runs_dir.mkdir(parents=True, exist_ok=True)
    trainer = Trainer(TrainConfig(dataset="digits", model="cgan", image_size=8, hidden=8, batch_size=16, steps=2,
                                  latent_dim=4, sample_every=100, metrics_every=0, seed=1))
    trainer.step()
    save_checkpoint(trainer_payload(trainer, name="t-cgan"), runs_dir / "t-cgan.pt")
    return "saved:t-cgan"


def test_a_class_the_model_lacks_gets_a_note_and_the_url_says_what_is_shown(tiny_cgan):
    at = open_page("pages/sample_blend.py", ckpt=tiny_cgan, **{"class": "999"})
    assert at.session_state["sample_class"] == 0
    assert "class_link_code" not in at.session_state  # on this page `class` is the model's, not a class's join code
    notes = " ".join(link_notes(at))
    assert shows(notes, en(TEXT, "note_adjusted")) and "`class`" in notes and "`999`" in notes and "`0`" in notes
    assert at.query_params["class"] == "0"


def test_a_grid_number_past_the_end_is_rewritten_in_the_url_as_shown(tiny_checkpoint):
    at = open_page("pages/sample_blend.py", ckpt=tiny_checkpoint, tab="interpolate", pick="grid", a="99999")
    shown = at.number_input(key="interp_a_index").value
    assert shown == 35  # the last of the 6 x 6 grid
    assert at.query_params["a"] == str(shown)  # not 99999
    notes = " ".join(link_notes(at))
    assert shows(notes, en(TEXT, "note_adjusted")) and "`99999`" in notes and "`35`" in notes
    at.run()
    assert at.query_params["a"] == "35"


@pytest.mark.parametrize("page, key", [("pages/sample_blend.py", "sample_seed"), ("pages/train.py", "train_seed")])
def test_a_parameter_given_twice_keeps_its_last_value_and_says_so(tiny_checkpoint, page, key):
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.query_params.update({"seed": ["1", "2"], **({"ckpt": tiny_checkpoint} if "sample" in page else {})})
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    assert at.session_state[key] == 2
    assert at.query_params["seed"] == "2"  # one value left in the URL
    notes = " ".join(link_notes(at))
    assert shows(notes, en(TEXT, "note_repeated")) and "`seed`" in notes and "2 times" in notes


@pytest.mark.parametrize("demo", ["digits-progan", "digits-pix2pix"])
def test_a_link_keeps_no_psi_for_a_model_that_cannot_truncate(demo):
    """#23: a link with psi=0.5 to a model whose ψ the page hides (with a sentence why) kept psi in the URL and in
    Share although nothing used it. The link's psi goes, with the note of any other value a link cannot use."""
    at = open_page("pages/sample_blend.py", ckpt=f"demo:{demo}", psi="0.5", seed=3)
    notes = " ".join(link_notes(at))
    assert "psi" in notes and "0.5" in notes and shows(notes, en(TEXT, "note_not_used")), notes
    assert "psi" not in at.query_params and at.query_params["seed"] == "3"
    links = [c.value for c in at.code if "ckpt=" in c.value]
    assert links and "psi" not in links[0] and "seed=3" in links[0]
    at.selectbox(key="sample_ckpt").set_value("demo:digits-stylegan").run()  # dropped, not kept for later
    assert at.slider(key="sample_psi").value == 1.0


@pytest.mark.parametrize("demo", ["digits-pix2pix", "digits-cyclegan"])
def test_a_translation_model_offers_no_walks_or_blends_of_z(demo):
    """A translation model's z only picks a held-out picture, so "Four-corner blend" showed unrelated digits as a
    blend and "Interpolate" walked from a 3 to a 4 through 0, 7 and 8. Those tabs are left out for it (a link to one
    says so and opens the first tab); a GAN keeps them."""
    walks = [en(SAMPLE_TEXT, key) for key in ("tab_interpolate", "tab_blend", "tab_arithmetic", "tab_edit")]
    at = open_page("pages/sample_blend.py", ckpt=f"demo:{demo}", tab="blend")
    assert not at.exception
    labels = " ".join(tab.label for tab in at.tabs)
    assert en(SAMPLE_TEXT, "tab_samples") in labels and en(SAMPLE_TEXT, "tab_family") in labels
    assert not [label for label in walks if label in labels]
    assert "`blend`" in " ".join(link_notes(at)) and "tab" not in at.query_params
    at.selectbox(key="sample_ckpt").set_value("demo:digits-gan").run()
    assert not at.exception
    assert all(label in " ".join(tab.label for tab in at.tabs) for label in walks)


def test_the_url_carries_only_the_settings_the_model_on_screen_uses():
    """ψ set on a StyleGAN leaves the URL for a ProGAN and comes back with the StyleGAN; a conditional model's class
    and the 2-D view's settings leave it likewise for a model without them."""
    at = open_page("pages/sample_blend.py", ckpt="demo:digits-stylegan")
    at.slider(key="sample_psi").set_value(0.3).run()
    assert at.query_params["psi"] == "0.3"
    at.selectbox(key="sample_ckpt").set_value("demo:digits-progan").run()
    assert "psi" not in at.query_params and not link_notes(at)
    assert not any("psi=" in c.value for c in at.code)
    at.selectbox(key="sample_ckpt").set_value("demo:digits-stylegan").run()
    assert at.query_params["psi"] == "0.3"
    at.selectbox(key="sample_ckpt").set_value("demo:digits-cgan").run()
    at.selectbox(key="sample_class").set_value(7).run()
    assert at.query_params["class"] == "7" and "rows" in at.query_params
    at.selectbox(key="sample_ckpt").set_value("demo:ring8-vanilla").run()
    assert "class" not in at.query_params and "rows" not in at.query_params and "side" not in at.query_params
    assert "points" in at.run().query_params  # drawn for the first time: in the link from the next run
    at.selectbox(key="sample_ckpt").set_value("demo:digits-gan").run()
    assert "points" not in at.query_params and "extent" not in at.query_params and "class" not in at.query_params
