"""The Home page: what the app teaches, one-click presets that open (and start) the Train page, checkpoints."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app.home_text import TEXT
from app.train_text import TEXT as TRAIN_TEXT
from tests.page_support import en

ROOT = Path(__file__).resolve().parent.parent
ONE_CLICK = ("ring8-vanilla", "ring8-fixed", "digits-gan", "digits-vae")


@pytest.fixture(autouse=True)
def runs_dir(tmp_path, monkeypatch):
    folder = tmp_path / "runs"
    folder.mkdir()
    monkeypatch.setenv("LATENT_LAB_RUNS", str(folder))
    return folder


def open_home() -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    assert not at.exception
    return at


def table_rows(at: AppTest) -> list[dict]:
    assert len(at.dataframe) == 1
    return at.dataframe[0].value.to_dict("records")


def test_home_explains_and_offers_presets():
    at = open_home()
    text = " ".join(m.value for m in at.markdown)
    for idea in ("what_gan", "what_vae", "what_collapse", "what_conditional", "what_latent", "what_family",
                 "what_style_transfer"):
        assert en(TEXT, idea) in text, idea
    for preset in ONE_CLICK:
        assert at.button(key=f"home_preset_{preset}").label == en(TEXT, "open")


def test_checkpoint_table_lists_demos_and_saved_runs(runs_dir):
    from gan_core.checkpoints import trainer_payload
    from gan_core.config import TrainConfig
    from gan_core.store import DEMO_DIR, list_checkpoints, save_run
    from gan_core.training import Trainer

    trainer = Trainer(TrainConfig(dataset="ring8", latent_dim=2, hidden=16, depth=2, batch_size=32, steps=3,
                                  sample_every=3, metrics_every=0, n_points=1000))
    for _ in range(3):
        trainer.step()
    save_run(trainer_payload(trainer, name="mine"), "my run")
    (runs_dir / "broken.pt").write_bytes(b"not a checkpoint at all")

    at = open_home()
    rows = table_rows(at)
    name, source, model, steps = (en(TEXT, f"col_{column}") for column in ("name", "source", "model", "steps"))
    by_name = {row[name]: row for row in rows}
    assert by_name["my run"] == {name: "my run", source: en(TEXT, "source_saved"), en(TEXT, "col_dataset"): "ring8",
                                 model: "gan", en(TEXT, "col_loss"): "ns", steps: 3}
    demos = [c.name for c in list_checkpoints() if c.source == "demo"]
    assert len(demos) == len(list(DEMO_DIR.glob("*.pt")))
    assert [row[name] for row in rows if row[source] == en(TEXT, "source_demo")] == demos  # demo files read fine
    if "digits-vae" in by_name:
        assert by_name["digits-vae"][model] == "vae" and by_name["digits-vae"][steps] > 0
    columns = json.loads(at.dataframe[0].proto.columns)  # steps written 1,500 as on every other page, not 1500
    assert columns[steps]["type_config"] == {"type": "number", "format": "localized"}
    for demo in ("digits-vae", "digits-ddpm", "ring8-ddpm", "shapes-caption"):  # no discriminator, so no GAN loss
        if demo in by_name:
            assert by_name[demo][en(TEXT, "col_loss")] == "—", demo
    for demo in ("digits-stylegan", "digits-progan", "digits-pix2pix"):
        if demo in by_name:
            assert by_name[demo][en(TEXT, "col_loss")] == "ns", demo
    notes = [c.value for c in at.caption if "broken" in c.value]
    assert len(notes) == 1 and "not a readable checkpoint" in notes[0]  # one line, no exception


def test_no_checkpoints_shows_an_empty_state(monkeypatch, tmp_path):
    import gan_core.store as store

    monkeypatch.setattr(store, "DEMO_DIR", tmp_path / "no-demos")
    at = open_home()
    assert not at.dataframe
    assert any(en(TEXT, "checkpoints_empty") in i.value for i in at.info)


def test_preset_button_opens_train_with_it_selected_and_running():
    from app.state import job_manager

    at = open_home()
    at.button(key="home_preset_ring8-fixed").click().run()
    assert not at.exception
    assert at.title[0].value == en(TRAIN_TEXT, "title")
    assert at.selectbox(key="train_preset").value == "ring8-fixed"
    from gan_core.presets import preset_config

    fixed = preset_config("ring8-fixed")
    assert at.number_input(key="train_depth").value == fixed.depth
    assert at.checkbox(key="train_lr_decay").value == fixed.lr_decay
    jobs = job_manager().jobs()
    assert len(jobs) == 1 and jobs[0].config == fixed  # one click: it runs, with exactly the preset's config
    assert at.session_state["train_job_id"] == jobs[0].id


def test_chinese_chosen_on_home_survives_the_one_click_jump_to_train():
    """st.switch_page drops every widget's state (its rerun carries none): the language is not a widget's."""
    from app.state import job_manager

    at = open_home()
    at.radio(key="lang_choice").set_value("zh").run()
    assert at.title[0].value.endswith("潜空间实验室")
    at.button(key="home_preset_ring8-vanilla").click().run()
    assert not at.exception
    assert at.title[0].value == "训练生成模型"
    assert at.session_state["lang"] == "zh"
    at.switch_page("pages/mode_collapse.py").run()
    assert at.title[0].value == "模式崩溃"
    job_manager().shutdown(timeout=5)


@pytest.mark.parametrize("threads", ["1", "3"])
def test_sidebar_device_is_worded_in_chinese_too(monkeypatch, threads):
    monkeypatch.setenv("LATENT_LAB_THREADS", threads)  # the device's facts come from gan_core, the words from the app
    english = [m.value for m in open_home().sidebar.markdown if m.value.startswith("Device")]
    assert english and f"cpu ({threads} thread" in english[0], english
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.query_params["lang"] = "zh"  # a first visit in 中文 (AppTest drops the sidebar on a rerun of the same app)
    at.run()
    chinese = [m.value for m in at.sidebar.markdown if "计算设备" in m.value]
    assert chinese and f"每个训练 {threads} 个线程" in chinese[0] and "thread" not in chinese[0], chinese



def test_the_presenter_switch_shows_presenter_mode_whoever_turned_it_on():
    """The Class page's Show turns presenter mode on by the session's choice; the sidebar switch kept saying off."""
    from app.presenter import PRESENT_KEY, SWITCH_KEY

    def sidebar_switch():
        from app import presenter

        presenter.draw_switch()

    at = AppTest.from_function(sidebar_switch, default_timeout=30).run()  # (AppTest drops the shell's sidebar on reruns)
    assert at.toggle(key=SWITCH_KEY).value is False
    at.session_state[PRESENT_KEY] = True  # what Show does
    at.run()
    assert at.toggle(key=SWITCH_KEY).value is True
    at.toggle(key=SWITCH_KEY).set_value(False).run()  # and the switch still turns it off
    assert at.session_state[PRESENT_KEY] is False and at.toggle(key=SWITCH_KEY).value is False
    assert not at.exception


def test_the_pages_box_links_every_page_of_the_sidebar_with_its_icon():
    """Home listed three pages of four (no Class), and drew Mode Collapse with another icon than the sidebar's."""
    from app.shell import PAGES
    from app.shell_text import TEXT as SHELL_TEXT

    at = open_home()
    links = [(link.proto.page, link.proto.label, link.proto.icon) for link in at.get("page_link")]
    expected = [(script.removeprefix("pages/").removesuffix(".py"), en(SHELL_TEXT, key), icon) for script, key, icon in PAGES]
    assert links == expected
    notes = [c.value for c in at.caption]
    assert all(en(TEXT, f"page_{key}_note") in notes for _, key, _ in PAGES)


def test_presenter_mode_keeps_the_one_click_buttons_short():
    # at 1.25x type the longest description pushed the buttons below a 720-px projector's first screen; in presenter
    # mode each description is the button's tooltip instead
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.query_params["present"] = "1"
    at.run()
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    for preset, key in zip(ONE_CLICK, ("card_collapse", "card_fix", "card_digits_gan", "card_digits_vae")):
        assert en(TEXT, key + "_text") not in captions
        assert at.button(key=f"home_preset_{preset}").help == en(TEXT, key + "_text")
    usual = open_home()
    assert en(TEXT, "card_fix_text") in " ".join(c.value for c in usual.caption)
    assert not usual.button(key="home_preset_ring8-fixed").help
