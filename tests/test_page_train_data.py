"""The Train page's "your own data" choices, driven by AppTest: draw, CSV, image upload, and the folder refusal.

The canvas is a custom component that AppTest cannot click, so drawings enter the way the canvas delivers them:
through session state, or through `accept_drawing` (the canvas's change handler) run inside a script. The CSV and
image uploaders are real `st.file_uploader`s and get real files. Runs are tiny and stopped at once.
"""
from __future__ import annotations

import base64
import io
import json
import time
import zipfile

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from app.train_text import USER_DATA_TEXT as TEXT
from gan_core.data import MAX_DRAWN_POINTS, MIN_DRAWN_POINTS, SERVER_PATH_REFUSED
from tests.page_support import ROOT, STEP_PATTERN, en, runs_dir, shows, zh  # noqa: F401  (runs_dir: autouse)
from tests.page_support import open_train as open_train_page


def open_train(dataset: str | None = None) -> AppTest:
    at = open_train_page()
    at.number_input(key="train_hidden").set_value(16)
    at.number_input(key="train_depth").set_value(2)
    at.number_input(key="train_steps").set_value(20_000)
    if dataset:
        at.selectbox(key="train_dataset").set_value(dataset)
    at.run()
    assert not at.exception, at.exception
    return at


def step_count(at: AppTest) -> int:
    bars = at.get("progress")
    assert bars, "no progress bar on the page"
    match = STEP_PATTERN.search(bars[0].proto.text)
    assert match, bars[0].proto.text
    return int(match.group(1).replace(",", ""))


def wait_for_steps(at: AppTest, at_least: int, timeout: float = 40.0) -> int:
    deadline = time.monotonic() + timeout
    while True:
        at.run()
        assert not at.exception, at.exception
        if at.get("progress") and step_count(at) >= at_least:
            return step_count(at)
        assert time.monotonic() < deadline, "the run did not make progress"
        time.sleep(0.3)


def the_job():
    from app.state import job_manager

    jobs = job_manager().jobs()
    assert len(jobs) == 1, [job.name for job in jobs]
    return jobs[0]


def texts(at: AppTest) -> str:
    return " ".join([e.value for e in at.error] + [c.value for c in at.caption] + [m.value for m in at.markdown])


def trace_length(values) -> int:
    """How many values a plotly trace holds (plotly sends numpy arrays as base64 typed arrays)."""
    if isinstance(values, dict) and "bdata" in values:
        return len(np.frombuffer(base64.b64decode(values["bdata"]), dtype=np.dtype(values["dtype"])))
    return len(values)


def heart_strokes() -> list:
    angle = np.linspace(0, 2 * np.pi, 40, endpoint=False)
    x, y = 16 * np.sin(angle) ** 3 / 10, (13 * np.cos(angle) - 5 * np.cos(2 * angle)) / 10
    return [np.stack([x, y], axis=1).round(3).tolist()]


# -- drawing ----------------------------------------------------------------------------------------------------
def test_draw_mode_blocks_start_until_there_are_points_then_trains_on_them():
    at = open_train("points:drawn")
    assert at.button(key="train_start").disabled
    assert en(TEXT, "need_points").format(min=8, n=0) in texts(at)
    assert at.get("bidi_component") or [e for e in at.main if getattr(e, "key", None) == "train_user_canvas"]

    at.session_state["train_user_draw"] = {"version": 0, "strokes": heart_strokes()}  # what the canvas sends
    at.run()
    assert not at.exception
    assert en(TEXT, "draw_count").format(n=40, min=MIN_DRAWN_POINTS, max=MAX_DRAWN_POINTS) in texts(at)
    assert shows(texts(at), en(TEXT, "jitter_note"))
    assert not at.button(key="train_start").disabled
    at.button(key="train_start").click().run()
    assert not at.exception

    first = wait_for_steps(at, 5)
    later = wait_for_steps(at, first + 20)
    assert later > first
    job = the_job()
    assert job.config.dataset.startswith("points:drawn-")  # renamed after the drawing it trains on
    assert job.trainer.dataset.extra["drawn_points"] == heart_strokes()[0]
    # the live view draws the drawn data's samples behind the generated points, from this session's memory
    view = next(chart for chart in at.get("plotly_chart") if chart.proto.id.endswith("train_view_points"))
    real = [trace for trace in json.loads(view.proto.spec)["data"] if trace.get("name") == "real data"]
    from app.train_jobs import REAL_POINTS_SHOWN

    assert real and trace_length(real[0]["x"]) == REAL_POINTS_SHOWN, "the live view shows no real points for a drawn run"
    job.stop()


def test_shapes_undo_and_clear_change_the_drawing():
    at = open_train("points:drawn")
    at.button(key="train_user_shape_smiley").click().run()
    assert not at.exception
    drawing = at.session_state["train_user_draw"]
    assert drawing["version"] == 1 and len(drawing["strokes"]) == 4  # face, two eyes, mouth
    total = sum(len(stroke) for stroke in drawing["strokes"])
    assert en(TEXT, "draw_count").format(n=total, min=MIN_DRAWN_POINTS, max=MAX_DRAWN_POINTS) in texts(at)
    assert not at.button(key="train_start").disabled

    at.button(key="train_user_undo").click().run()
    drawing = at.session_state["train_user_draw"]
    assert drawing["version"] == 2 and len(drawing["strokes"]) == 3  # the mouth is gone
    at.button(key="train_user_clear").click().run()
    assert at.session_state["train_user_draw"]["strokes"] == []
    assert at.button(key="train_start").disabled

    at.session_state["lang"] = "zh"  # the panel speaks Chinese too (the sidebar's radio sets this key)
    at.run()
    assert not at.exception
    assert zh(TEXT, "need_points").format(min=8, n=0) in texts(at)
    assert at.button(key="train_user_clear").label == zh(TEXT, "clear")


def _canvas_script():
    import json

    import streamlit as st

    from app.train_data import DRAW_KEY, MAX_DRAWN_POINTS, accept_drawing

    st.session_state.setdefault(DRAW_KEY, {"version": 3, "strokes": []})
    results = [
        accept_drawing({"version": 2, "strokes": [[[0.0, 0.0]] * 9]}),  # sent before an Undo reached the browser
        accept_drawing({"version": 3, "strokes": "nonsense"}),
        accept_drawing({"version": 3, "strokes": [[["a", 1.0]]]}),
        accept_drawing({"version": 3, "strokes": [[[0.1, 0.2], [float("nan"), 0.0]],
                                                  [[1.0, 1.0]] * (MAX_DRAWN_POINTS + 5)]}),
    ]
    st.write(json.dumps({"results": results, "counts": [len(s) for s in st.session_state[DRAW_KEY]["strokes"]]}))


def test_the_canvas_handler_takes_only_current_well_formed_drawings():
    at = AppTest.from_function(_canvas_script).run()
    assert not at.exception, at.exception
    shown = json.loads(at.markdown[0].value)
    assert shown["results"] == [False, False, False, True]
    assert shown["counts"] == [1, 2000 - 1]  # NaN dropped; capped at MAX_DRAWN_POINTS in all


# -- CSV --------------------------------------------------------------------------------------------------------
def test_a_bad_csv_shows_one_error_and_a_good_one_trains():
    at = open_train("points:csv")
    assert at.button(key="train_start").disabled
    assert en(TEXT, "csv_need") in texts(at)
    assert at.file_uploader(key="train_user_csv_file").proto.max_upload_size_mb == 2  # its hint: "2MB per file"
    at.file_uploader(key="train_user_csv_file").set_value(("pts.csv", b"x,y\n1,2\n3,abc\n", "text/csv")).run()
    assert not at.exception
    assert any("Row 3 of the CSV file holds 'abc' where y should be a number" in e.value for e in at.error)
    assert at.button(key="train_start").disabled

    rows = "\n".join(f"{np.cos(a):.3f};{np.sin(a):.3f}".replace(".", ",") for a in np.linspace(0, 6, 30))
    at.file_uploader(key="train_user_csv_file").set_value(("ring.csv", ("x;y\n" + rows).encode(), "text/csv")).run()
    assert not at.exception and not at.error
    assert shows(texts(at), en(TEXT, "csv_using")) and "**ring.csv**: 30 points" in texts(at)
    assert at.get("plotly_chart"), "no preview of the CSV's points"
    at.button(key="train_start").click().run()
    wait_for_steps(at, 5)
    assert the_job().config.dataset.startswith("points:ring-")
    the_job().stop()


# -- images -----------------------------------------------------------------------------------------------------
def png(colour) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(np.full((12, 12, 3), colour, np.uint8)).save(buffer, format="PNG")
    return buffer.getvalue()


def zipped(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, blob in entries.items():
            archive.writestr(name, blob)
    return buffer.getvalue()


def test_an_uploaded_zip_shows_a_preview_with_its_classes_and_trains():
    at = open_train("upload:images")
    at.number_input(key="train_batch_size").set_value(8)
    at.selectbox(key="train_image_size").set_value(8).run()
    assert en(TEXT, "upload_need") in texts(at) and at.button(key="train_start").disabled
    colours = {"red": (220, 20, 20), "blue": (20, 20, 220)}
    pictures = {f"toys/{kind}/{i}.png": png(colour) for kind, colour in colours.items() for i in range(5)}
    pictures["toys/readme.txt"] = b"not a picture"
    at.file_uploader(key="train_user_images").set_value(("toys.zip", zipped(pictures), "application/zip")).run()
    assert not at.exception and not at.error
    shown = texts(at)
    assert shows(shown, en(TEXT, "upload_using")) and "**10 images** from toys.zip, resized to 8×8, in colour" in shown
    assert en(TEXT, "classes").format(names="blue (5), red (5)") in shown
    assert en(TEXT, "skipped").format(n=1) in shown
    assert at.get("image"), "no preview grid"
    at.button(key="train_start").click().run()
    wait_for_steps(at, 2)
    job = the_job()
    assert job.config.dataset.startswith("upload:toys-") and job.trainer.dataset.data.shape == (10, 3, 8, 8)
    job.stop()


def test_unsafe_and_mixed_uploads_are_refused_in_one_sentence():
    at = open_train("upload:images")
    slip = zipped({"../../etc/evil.png": png((1, 2, 3))})
    at.file_uploader(key="train_user_images").set_value(("evil.zip", slip, "application/zip")).run()
    assert not at.exception
    assert any("zip-slip" in e.value for e in at.error) and at.button(key="train_start").disabled
    at.file_uploader(key="train_user_images").set_value(
        [("a.zip", zipped({"a.png": png((9, 9, 9))}), "application/zip"), ("b.png", png((1, 1, 1)), "image/png")]).run()
    assert not at.exception
    assert any(en(TEXT, "upload_mixed") in e.value for e in at.error)


# -- the edge: no server paths ---------------------------------------------------------------------------------
FOLDER_SCRIPT = """
import streamlit as st
from app import train_form, train_jobs
from app.state import dataset_for
from gan_core.checkpoints import load_checkpoint
from gan_core.config import TrainConfig
from gan_core.data import DataError

FOLDER, CHECKPOINT = {folder!r}, {checkpoint!r}
# the form: a folder name in the settings (a hand-edited state, a link that slipped through) is a problem
train_form.restore_settings()
st.session_state["train_dataset"] = "folder:" + FOLDER
config, problems, warnings, data_error = train_form.form_state()
st.write("form: " + problems.get("dataset", "accepted"))
# Start, whatever route it came by (a Home request, a link's autostart)
started = train_jobs.start_run(TrainConfig(dataset="folder:" + FOLDER, steps=5), "sneaky")
st.write("start: " + ("started" if started else "refused"))
# Continue from a checkpoint made by the CLI on a folder
continued = train_jobs.continue_checkpoint(CHECKPOINT, 5)
st.write("continue: " + ("continued" if continued else "refused"))
# Sample & Blend and the live view load data through app.state
try:
    dataset_for(load_checkpoint(CHECKPOINT).config)
    st.write("state: loaded")
except DataError as error:
    st.write("state: " + str(error))
train_jobs.show_flash()
"""


def test_a_folder_dataset_is_refused_everywhere_with_one_sentence(tmp_path):
    from gan_core.checkpoints import save_checkpoint, trainer_payload
    from gan_core.config import TrainConfig
    from gan_core.training import Trainer

    folder = tmp_path / "secret"
    folder.mkdir()
    for i in range(3):
        Image.fromarray(np.full((8, 8, 3), 60 * i, np.uint8)).save(folder / f"{i}.png")
    config = TrainConfig(dataset=f"folder:{folder}", image_size=8, hidden=8, latent_dim=4, batch_size=4, steps=2)
    trainer = Trainer(config)  # the CLI may train on a folder ...
    trainer.step()
    checkpoint = save_checkpoint(trainer_payload(trainer), tmp_path / "cli-run.pt")

    at = AppTest.from_string(FOLDER_SCRIPT.format(folder=str(folder), checkpoint=str(checkpoint)),
                             default_timeout=60).run()  # ... the app never
    assert not at.exception, at.exception
    lines = [m.value for m in at.markdown]
    assert lines[0] == "form: " + en(TEXT, "refused_folder")
    assert lines[1:3] == ["start: refused", "continue: refused"]
    assert lines[3] == "state: " + SERVER_PATH_REFUSED  # app.state raises gan_core's sentence
    errors = [e.value for e in at.error]
    assert len(errors) == 2 and all(en(TEXT, "refused_folder") in e and "\n" not in e for e in errors)
    from app.state import job_manager

    assert job_manager().jobs() == []


# -- continuing saved runs ----------------------------------------------------------------------------------
def test_continue_a_drawn_run_and_be_told_to_reupload_images(runs_dir):
    from gan_core.checkpoints import trainer_payload
    from gan_core.config import TrainConfig
    from gan_core.data import load_folder_dataset, points_dataset
    from gan_core.store import save_run
    from gan_core.training import Trainer

    drawn = points_dataset(heart_strokes()[0], name="drawn-1a2b3c", n_points=500)
    trainer = Trainer(TrainConfig(dataset=drawn.name, hidden=16, depth=2, latent_dim=2, batch_size=32, steps=50,
                                  n_points=500, metrics_every=0), dataset=drawn)
    for _ in range(3):
        trainer.step()
    drawn_path = str(save_run(trainer_payload(trainer), "my-heart"))
    pictures = load_folder_dataset(zipped({f"{i}.png": png((30 * i, 90, 200)) for i in range(4)}), image_size=8)
    pictures.name = "upload:pics-9f9f9f"
    images = Trainer(TrainConfig(dataset=pictures.name, image_size=8, hidden=8, latent_dim=4, batch_size=4, steps=5),
                     dataset=pictures)
    images.step()
    images_path = str(save_run(trainer_payload(images), "my-pictures"))

    at = open_train()
    at.selectbox(key="train_resume_ckpt").set_value(images_path).run()
    at.button(key="train_resume_start").click().run()
    assert not at.exception
    assert any("upload the same images again" in e.value for e in at.error)

    at.selectbox(key="train_resume_ckpt").set_value(drawn_path).run()
    at.button(key="train_resume_start").click().run()
    assert not at.exception, at.exception
    wait_for_steps(at, 10)
    job = the_job()
    assert job.config.dataset == drawn.name and job.trainer.dataset.extra["drawn_points"] == heart_strokes()[0]
    assert job.trainer.step_count > 3  # it continued from the saved step
    job.stop()


def test_sample_and_blend_opens_drawn_and_uploaded_runs(runs_dir):
    from gan_core.checkpoints import trainer_payload
    from gan_core.config import TrainConfig
    from gan_core.data import load_folder_dataset, points_dataset
    from gan_core.store import save_run
    from gan_core.training import Trainer

    drawn = points_dataset(heart_strokes()[0], name="drawn-4d4d4d", n_points=600)
    trainer = Trainer(TrainConfig(dataset=drawn.name, hidden=16, depth=2, latent_dim=2, batch_size=32, steps=5,
                                  n_points=600, metrics_every=0), dataset=drawn)
    trainer.step()
    save_run(trainer_payload(trainer), "drawn-heart")
    pictures = load_folder_dataset(zipped({f"{i}.png": png((30 * i, 90, 200)) for i in range(4)}), image_size=8)
    pictures.name = "upload:pics-5e5e5e"
    images = Trainer(TrainConfig(dataset=pictures.name, image_size=8, hidden=8, latent_dim=4, batch_size=4, steps=5),
                     dataset=pictures)
    images.step()
    save_run(trainer_payload(images), "my-pictures")

    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    at.switch_page("pages/sample_blend.py").run()
    at.selectbox(key="sample_ckpt").set_value("saved:my-pictures").run()
    assert not at.exception and not at.error, (at.exception, [e.value for e in at.error])
    assert at.get("image"), "no samples from the uploaded-image run"

    at.selectbox(key="sample_ckpt").set_value("saved:drawn-heart").run()
    assert not at.exception and not at.error, (at.exception, [e.value for e in at.error])
    lengths = [trace_length(trace["x"]) for chart in at.get("plotly_chart")
               for trace in json.loads(chart.proto.spec)["data"] if "x" in trace]
    assert 600 in lengths, f"the drawn pool is not drawn behind the samples ({lengths})"


@pytest.mark.parametrize("model", ["cgan", "cvae"])
def test_uploaded_class_folders_are_labels_for_a_conditional_model(model):
    """circles/ and squares/ in a zip are two classes: a conditional model trains on them; unlabelled images are
    refused in one sentence once they are read."""
    at = open_train("upload:images")
    at.number_input(key="train_batch_size").set_value(8)
    at.selectbox(key="train_image_size").set_value(8)
    at.selectbox(key="train_model").set_value(model).run()
    colours = {"circles": (220, 20, 20), "squares": (20, 20, 220)}
    pictures = {f"{kind}/{i}.png": png(colour) for kind, colour in colours.items() for i in range(20)}
    at.file_uploader(key="train_user_images").set_value(("toys.zip", zipped(pictures), "application/zip")).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert en(TEXT, "classes").format(names="circles (20), squares (20)") in texts(at)
    assert not at.button(key="train_start").disabled
    at.button(key="train_start").click().run()
    wait_for_steps(at, 2)
    job = the_job()
    assert job.config.model == model and job.trainer.dataset.class_names == ["circles", "squares"]
    job.stop()

    flat = {f"{i}.png": png((20 * i, 90, 200)) for i in range(10)}
    at.file_uploader(key="train_user_images").set_value(("flat.zip", zipped(flat), "application/zip")).run()
    assert not at.exception
    assert any("needs class labels" in e.value for e in at.error) and at.button(key="train_start").disabled


def test_data_errors_read_in_chinese_under_a_chinese_headline():
    """#24.9: the detail under the headline is in the student's language, for a CSV and for a zip."""
    at = open_train("points:csv")
    at.session_state["lang"] = "zh"
    at.file_uploader(key="train_user_csv_file").set_value(("pts.csv", b"x,y\n1,2\n3,abc\n", "text/csv")).run()
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "这个 CSV 文件的第 3 行在 y 的位置是 'abc'" in errors, errors
    assert "Row 3" not in errors and "should be a number" not in errors
    at.session_state["lang"] = "en"  # the same stored error, said again in the language of this rerun
    at.run()
    assert any("Row 3 of the CSV file holds 'abc' where y should be a number" in e.value for e in at.error)

    at = open_train("upload:images")
    at.session_state["lang"] = "zh"
    slip = zipped({"../../evil.txt": b"x"})
    at.file_uploader(key="train_user_images").set_value(("evil.zip", slip, "application/zip")).run()
    errors = " ".join(e.value for e in at.error)
    assert "evil.zip被拒绝：其中的条目 '../../evil.txt' 指向压缩包之外" in errors, errors
    assert "refused" not in errors
    at.file_uploader(key="train_user_images").set_value(("notes.png", b"just words", "image/png")).run()
    errors = " ".join(e.value for e in at.error)
    assert "没有可读取的图片" in errors and "No readable" not in errors, errors
