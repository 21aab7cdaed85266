"""The Class page and class mode in the other pages, driven by AppTest: one AppTest a browser (each gets its own
browser id), all sharing the server's objects as the sessions of one server do.

Covers: starting a class, joining by link with a hostile name, wrong codes and their server-wide limit, the caps on
students and classes, the challenge lock (widgets, links and one-click presets cannot get past it), the leaderboard
of real short runs, and ending a class."""
from __future__ import annotations

import time

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from app.class_text import CLASS_LABELS, TEXT
from tests.page_support import ROOT, en, runs_dir, shows  # noqa: F401  (runs_dir: autouse)

HOSTILE = "*<i>E</i>*:red[x]\u202e[y](js:a)\x00"  # markup, a colour directive, a link, bidi override, NUL


BROWSER_KEY = "_latent_lab_browser"


def open_page(page: str = "pages/classroom.py", browser: str | None = None, **query) -> AppTest:
    """A new session; `browser`: the id of a browser that had a session before (a reload, another tab)."""
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    if browser:
        at.session_state[BROWSER_KEY] = browser
    for name, value in query.items():
        at.query_params[name] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def start_class() -> tuple[AppTest, str]:
    from app.class_state import class_store

    teacher = open_page()
    teacher.button(key="class_start").click().run()
    assert not teacher.exception
    (code,) = class_store().codes()
    return teacher, code


def join(code: str, name: str, page: str | None = None) -> AppTest:
    """A student who opened the join link (/?class=CODE) and typed a name in the sidebar, then opened `page`.

    (AppTest shows no sidebar after a switch_page: the join happens on the page the link opened.)"""
    student = open_page(None, **{"class": code})
    assert student.text_input(key="class_code_input").value.replace("-", "") == code.replace("-", "")  # the link filled it
    student.text_input(key="class_name_input").input(name)
    student.button(key="class_join").click().run()
    assert not student.exception, student.exception
    if page:
        student.switch_page(page).run()
    return student


def test_a_join_link_puts_the_name_box_at_the_top_of_the_page():
    """The join form sat at the bottom of the sidebar (its Join button half under the fold at 720 px) and nothing on
    the page said to type a name: a join link now opens with the form above the page, the sidebar points to it, and
    once joined it is gone."""
    _, code = start_class()
    student = open_page(None, **{"class": code})
    prompt = [m.value for m in student.main.markdown if shows(m.value, en(TEXT, "join_prompt"))]
    from gan_core.classroom import format_code
    assert len(prompt) == 1 and f"**{en(TEXT, 'join_prompt').split('{')[0][2:]}{format_code(code)}**" in prompt[0], prompt
    assert "class_name_input" not in [box.key for box in student.sidebar.text_input]
    assert "class_name_input" in [box.key for box in student.main.text_input]
    assert en(TEXT, "join_above") in [c.value for c in student.sidebar.caption]
    student.text_input(key="class_name_input").input("Ada")
    student.button(key="class_join").click().run()
    assert not student.exception
    assert not any(shows(m.value, en(TEXT, "join_prompt")) for m in student.main.markdown)
    from app.class_state import class_store
    assert [m["name"] for m in class_store().members(code)] == ["Ada"]
    assert en(TEXT, "join_above") not in [c.value for c in student.sidebar.caption]
    assert open_page(None).text_input(key="class_name_input") is not None  # no link: the sidebar's form as before
    on_class_page = open_page("pages/classroom.py", **{"class": code})  # its words point up, not to the sidebar
    words = [m.value for m in on_class_page.main.markdown]
    assert en(TEXT, "join_above") in words and en(TEXT, "not_in_class") not in words
    later = open_page(None, **{"class": code})  # "Not now": the box goes, the sidebar's form keeps the code
    later.button(key="class_join_dismiss").click().run()
    assert not any(shows(m.value, en(TEXT, "join_prompt")) for m in later.main.markdown)


def test_a_join_link_that_names_no_class_does_not_follow_the_student_around():
    """A link that is no code at all opens no box; one to a class that has ended closes its box when Join says so,
    and the sidebar shows why; a teacher link whose claim fails is not turned into a student's "Join class"."""
    from app.class_state import LINK_TOKEN_KEY
    from gan_core.classroom import format_code

    nothing = open_page(None, **{"class": "---"})
    assert not any(shows(m.value, en(TEXT, "join_prompt")) for m in nothing.main.markdown)
    assert "class_name_input" in [box.key for box in nothing.sidebar.text_input]
    stale = open_page(None, **{"class": "ABCD-EFGH"})  # well formed: whether it runs is for Join to say
    assert any(format_code("ABCDEFGH") in m.value for m in stale.main.markdown)
    stale.text_input(key="class_name_input").input("Ada")
    stale.button(key="class_join").click().run()
    assert not stale.exception
    assert not any(shows(m.value, en(TEXT, "join_prompt")) for m in stale.main.markdown)
    assert stale.session_state["class_join_error"] == en(TEXT, "no_such_class")  # (the sidebar's form shows it)
    _, code = start_class()
    teacher_link = open_page(None, **{"class": code, "teach": "not-the-token"})
    assert LINK_TOKEN_KEY not in teacher_link.session_state
    assert not any(shows(m.value, en(TEXT, "join_prompt")) for m in teacher_link.main.markdown)


def train_and_wait(code: str, seeds: dict[str, int], steps: int) -> None:
    """Each student (name: seed) joins, starts a small ring8 run on the Train page, and all of them finish."""
    from app.class_state import class_publisher

    for name, seed in seeds.items():
        student = join(code, name, page="pages/train.py")
        for field, value in (("hidden", 16), ("depth", 2), ("steps", steps), ("seed", seed)):
            student.number_input(key=f"train_{field}").set_value(value)
        student.run()
        student.button(key="train_start").click().run()
        assert not student.exception
    deadline = time.monotonic() + 120
    while class_publisher().following() and time.monotonic() < deadline:
        time.sleep(0.2)


def texts(at: AppTest) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [e.value for e in at.error]
                     + [i.value for i in at.info])


def test_a_student_joins_by_link_with_a_hostile_name_shown_as_plain_text():
    from app.i18n import plain
    from app.class_state import class_publisher, class_store

    teacher, code = start_class()
    assert code in "".join(h.proto.body for h in teacher.get("html")).replace("-", "")  # the code, large
    student = join(code, HOSTILE)
    (member,) = class_store().members(code)
    assert member["name"] == "*<i>E</i>*:red[x] [y](js:a)"  # controls gone, the rest as typed
    # a reload (a new session of the same browser) is still in the class, and shows the name as typed
    again = open_page(None, browser=student.session_state[BROWSER_KEY])
    shown = texts(again)
    assert shows(shown, en(TEXT, "joined")) and plain(member["name"]) in shown
    # its run appears in the teacher's gallery under that name, as plain text
    again.button(key="home_preset_ring8-vanilla").click().run()
    assert not again.exception
    class_publisher().publish_once()
    teacher.run()
    cards = [m.value for m in teacher.markdown if m.value.startswith("**")]
    assert any(plain(member["name"]) in card for card in cards), cards
    # a student never sees the teacher's link, Start a class's controls or the gallery unless shared
    again.switch_page("pages/classroom.py").run()
    assert all(code not in h.proto.body.replace("-", "") for h in again.get("html"))
    assert en(TEXT, "student_gallery_off") in texts(again)
    # the shared leaderboard with no challenge: a student is told what to wait for, not to set a challenge
    teacher.toggle(key="class_share_leaderboard").set_value(True).run()
    again.run()
    assert en(TEXT, "leaderboard_none_student") in texts(again) and en(TEXT, "leaderboard_none") not in texts(again)
    assert not any(b.key and b.key.startswith(("class_show_", "class_end", "class_start")) for b in again.button)


def test_wrong_codes_get_one_sentence_and_are_limited_for_the_whole_server():
    from app.class_state import class_store

    teacher, code = start_class()
    class_store().limiter.limit = 3
    first = join("ZZZZ-ZZZZ", "Mallory")
    assert first.session_state["class_join_error"] == en(TEXT, "no_such_class")  # (AppTest hides a rerun's sidebar)
    for _ in range(2):
        join("ZZZZ-ZZZZ", "Mallory")
    other = join(code, "Honest")  # another browser, the right code: the server-wide limit holds it too
    assert shows(other.session_state["class_join_error"], en(TEXT, "rate_limited"))
    assert class_store().members(code) == []


def test_caps_on_students_per_class_and_classes_per_server(monkeypatch):
    from app.class_state import class_store

    monkeypatch.setenv("LATENT_LAB_CLASS_STUDENTS", "1")
    monkeypatch.setenv("LATENT_LAB_MAX_CLASSES", "1")
    teacher, code = start_class()
    join(code, "First")
    second = join(code, "Second")
    assert second.session_state["class_join_error"] == en(TEXT, "class_full").format(limit=1)
    assert [m["name"] for m in class_store().members(code)] == ["First"]
    other_teacher = open_page()
    other_teacher.button(key="class_start").click().run()
    assert en(TEXT, "too_many_classes").format(limit=1) in [e.value for e in other_teacher.error]


def _set_challenge(teacher: AppTest, preset: str, allowed: list[str], metric: str = "modes_covered") -> None:
    teacher.selectbox(key="class_challenge_preset").set_value(preset)
    teacher.multiselect(key="class_challenge_allowed").set_value(allowed)
    teacher.selectbox(key="class_challenge_metric").set_value(metric)  # (English: the bare key)
    teacher.button(key="class_challenge_set").click().run()
    assert not teacher.exception


def test_the_challenge_lock_holds_whatever_a_widget_a_link_or_a_preset_click_sends():
    from app.state import job_manager

    teacher, code = start_class()
    _set_challenge(teacher, "ring8-vanilla", ["lr_g", "steps"])
    student = join(code, "Ann", page="pages/train.py")
    student.run()
    assert student.selectbox(key="train_preset").value == "ring8-vanilla"
    assert student.selectbox(key="train_preset").disabled
    assert student.number_input(key="train_hidden").disabled and not student.number_input(key="train_lr_g").disabled
    assert any(shows(i.value, en(TEXT, "challenge_banner")) for i in student.info)
    # the settings as the Train page names them, not the code's names; a ring's goal counts modes, not classes
    from app.train_text import TEXT as TRAIN_TEXT
    banner = next(i.value for i in student.info if shows(i.value, en(TEXT, "challenge_banner")))
    assert en(TRAIN_TEXT, "lr_g") in banner and en(TRAIN_TEXT, "steps") in banner and "lr_g" not in banner, banner
    assert "Modes covered" in banner and CLASS_LABELS["modes_covered"][0] not in banner, banner
    from gan_core.presets import preset_config

    # the page puts a locked value back before drawing its widget
    student.session_state["train_hidden"] = 512
    student.run()
    assert student.number_input(key="train_hidden").value == preset_config("ring8-vanilla").hidden
    # a hostile browser sends values for locked (disabled) widgets with its Start click, beside allowed ones: the
    # click's callback reads them before the page runs, and start_run enforces the lock on the server
    student.number_input(key="train_lr_g").set_value(5e-4)
    student.number_input(key="train_steps").set_value(30)
    for field, value in (("hidden", 512), ("dataset", "grid25"), ("depth", 6)):
        student.session_state[f"train_{field}"] = value
    student.button(key="train_start").click().run()
    assert any(shows(i.value, en(TEXT, "challenge_reset")) for i in student.info)
    (job,) = job_manager().jobs()
    base = preset_config("ring8-vanilla")
    assert (job.config.hidden, job.config.dataset, job.config.depth) == (base.hidden, base.dataset, base.depth)
    assert job.config.lr_g == 5e-4 and job.config.steps == 30
    job_manager().stop(job.id)
    # a link with locked settings, and a one-click preset of another experiment
    browser = student.session_state[BROWSER_KEY]
    linked = open_page("pages/train.py", browser=browser, hidden="512", preset="digits-gan")
    assert linked.selectbox(key="train_preset").value == "ring8-vanilla"
    assert linked.number_input(key="train_hidden").value == base.hidden
    home = open_page(None, browser=browser)
    home.button(key="home_preset_digits-gan").click().run()
    newest = job_manager().jobs()[-1]
    assert newest.config.dataset == "ring8" and newest.config.model == base.model

def test_a_challenge_on_digits_counts_classes_and_names_settings_as_the_train_page_does():
    from app.train_text import TEXT as TRAIN_TEXT

    teacher, _ = start_class()
    _set_challenge(teacher, "digits-gan", ["batch_size", "spectral_norm"])
    banner = next(m.value for m in teacher.markdown if shows(m.value, en(TEXT, "challenge_banner")))
    assert CLASS_LABELS["classes_covered"][0] in banner and CLASS_LABELS["modes_covered"][0] not in banner, banner
    assert en(TRAIN_TEXT, "batch_size") in banner and en(TRAIN_TEXT, "spectral_norm") in banner, banner
    assert "batch_size" not in banner and "spectral_norm" not in banner, banner
    allowed = teacher.multiselect(key="class_challenge_allowed")
    assert en(TRAIN_TEXT, "lr_g") in allowed.options and "lr_g" not in allowed.options, allowed.options
    # the settings' long names wrap onto more lines: in one line a quarter wide only the first chip showed, cut
    assert allowed.proto.wrap


def test_a_gallery_card_names_only_the_settings_its_model_has():
    """A VAE's card said "digits · vae · ns · lr_g 0.002 · lr_d 0.002": a GAN loss it has no D for."""
    from app.class_gallery import _config_line

    def line(**config):
        return _config_line({"config": {"dataset": "digits", "loss": "ns", "n_critic": 1, **config}})

    assert line(model="vae", lr_g=2e-3, lr_d=2e-3) == "digits · vae · lr 0.002"
    assert line(model="vae", lr_g=2e-3, lr_d=1e-3) == "digits · vae · lr_g 0.002 · lr_d 0.001"
    assert line(model="ddpm", lr_g=1e-3, lr_d=2e-4) == "digits · ddpm · lr_g 0.001"  # one network, no D
    assert line(model="gan", lr_g=2e-4, lr_d=1e-4, n_critic=5) == "digits · gan · ns · lr_g 0.0002 · lr_d 0.0001 · n_critic 5"
    assert line(model="no-such-model", lr_g=2e-4) == "digits · no-such-model · ns · lr_g 0.0002"  # an odd summary: as is


def test_the_leaderboard_ranks_finished_runs_by_the_goals_metric():
    from app.class_state import class_store

    teacher, code = start_class()
    _set_challenge(teacher, "ring8-vanilla", ["lr_g", "lr_d", "steps", "seed", "hidden", "depth"],
                   metric="high_quality_fraction")
    train_and_wait(code, {"Ann": 1, "Ben": 2, "Cat": 3}, steps=200)
    runs = class_store().runs(code)
    assert len(runs) == 3 and all(r["status"] == "finished" for r in runs), [(r["student"], r["status"]) for r in runs]
    teacher.run()
    board = teacher.dataframe
    assert board, "no leaderboard"
    table = board[-1].value
    metric_column = [c for c in table.columns if c not in {en(TEXT, "col_rank"), en(TEXT, "col_student"),
                                                           en(TEXT, "col_run"), en(TEXT, "col_goal")}][0]
    values = list(table[metric_column])
    assert values == sorted(values, reverse=True)
    by_student = {r["student"]: r["metrics"]["high_quality_fraction"] for r in runs}
    assert [by_student[s] for s in table[en(TEXT, "col_student")]] == values


def test_ending_a_class_removes_its_files_and_tells_its_students(runs_dir):
    teacher, code = start_class()
    student = join(code, "Ann", page="pages/classroom.py")
    assert (runs_dir / "classes" / code).is_dir()
    teacher.button(key="class_end").click().run()
    assert not (runs_dir / "classes" / code).exists()
    student.run()
    assert en(TEXT, "ended") in [i.value for i in student.info]  # (and the sidebar: the browser test reads it)
    # the student is not invited, in red, to become a teacher: joining comes first, Start is a plain button
    assert student.button(key="class_start").proto.type == "secondary"
    assert en(TEXT, "not_in_class") in [m.value for m in student.markdown]
    teacher.run()
    assert teacher.button(key="class_start").proto.type == "primary"  # the teacher can start another


def test_after_a_reload_the_teacher_can_make_a_new_link_and_a_student_hears_the_class_ended():
    from app.class_state import class_store

    teacher, code = start_class()
    assert code in texts_of_code(teacher)  # the session that started the class shows its link
    reloaded = open_page(browser=teacher.session_state[BROWSER_KEY])
    assert reloaded.button(key="class_end")  # still the teacher after a reload
    assert reloaded.caption and en(TEXT, "teacher_link_gone") in texts(reloaded)
    reloaded.button(key="class_new_teacher_link").click().run()
    (link,) = [c.value for c in reloaded.code]
    token = link.split("teach=")[1]
    assert class_store().claim_teacher(code, token, "another-browser")

    student = join(code, "Ann")
    browser = student.session_state[BROWSER_KEY]
    reloaded.button(key="class_end").click().run()
    later = open_page(browser=browser)  # the student comes back after the class ended
    assert en(TEXT, "ended") in [i.value for i in later.info]
    again = open_page(browser=browser)
    assert en(TEXT, "ended") not in [i.value for i in again.info]  # said once


def texts_of_code(at: AppTest) -> str:
    return "\n".join(c.value for c in at.code)


def test_compare_takes_runs_that_just_finished_before_their_checkpoints_were_published():
    """A run that finished on this server a moment ago has no checkpoint in the class's files until the publisher
    writes it (every few seconds): Compare writes it from the job itself rather than leave it out."""
    from pathlib import Path

    from app import collapse_runs
    from app.class_gallery import PICK_PREFIX
    from app.class_state import class_store

    teacher, code = start_class()
    train_and_wait(code, {"Ann": 1, "Ben": 2}, steps=100)
    runs = class_store().runs(code)
    assert [r["status"] for r in runs] == ["finished", "finished"]
    for run in runs:  # as if the publisher had not come round to them yet
        Path(run["checkpoint"]).unlink()
    assert not any(r["checkpoint"] for r in class_store().runs(code))
    teacher.run()
    for run in runs:
        teacher.checkbox(key=PICK_PREFIX + run["run"]).check()
    teacher.run()
    teacher.button(key="class_compare").click().run()
    assert not teacher.exception, teacher.exception
    chosen = teacher.session_state[collapse_runs.CLASS_RUNS_KEY]
    assert len(chosen) == 2 and all(Path(path).is_file() for path, _ in chosen), chosen
    assert teacher.session_state[collapse_runs.CLASS_NOTE_KEY] == ""


def test_show_puts_a_2d_run_over_its_real_modes_with_readable_numbers():
    """Show of a ring8 run was an orange blob with no ring to miss, "Modes covered: 1" (of how many?) and the reverse
    KL's label cut at "high-quality sa…" by st.metric."""
    from PIL import Image

    from app.class_state import class_store

    teacher, code = start_class()
    train_and_wait(code, {"Ann": 1}, steps=120)
    teacher.run()
    show = [b for b in teacher.button if b.key and b.key.startswith("class_show_")]
    assert len(show) == 1
    show[0].click().run()
    assert not teacher.exception
    numbers = "\n".join(m.value for m in teacher.markdown)
    assert "covered: **" in numbers and " / 8**" in numbers and not teacher.get("metric")
    picture = np.asarray(Image.open(class_store().runs(code)[0]["thumbnail"]).convert("RGB"))  # (a path)
    assert ((picture == (170, 170, 170)).all(axis=2)).sum() > 50  # the real ring, in grey, under the run's points


def test_a_join_link_to_this_computer_says_students_cannot_open_it(monkeypatch):
    """A teacher who opened the app as localhost projected a link and a QR code that send each phone to itself."""
    from app.class_teacher import this_computer_only

    assert [this_computer_only(url) for url in ("http://localhost:8501", "http://127.0.0.1:47521", "http://[::1]:8501",
                                                "http://192.168.1.20:8501", "https://lab.school.example/latent",
                                                "http://lab-pc.local:8501")] == ["localhost", "127.0.0.1", "::1",
                                                                                 None, None, None]
    warning = "Students can't open this link"
    assert warning in en(TEXT, "join_link_loopback")
    teacher, _ = start_class()  # AppTest has no browser address: the link falls back to http://localhost:8501
    assert any(warning in c.value and "localhost" in c.value for c in teacher.caption)
    monkeypatch.setenv("LATENT_LAB_PUBLIC_URL", "https://lab.school.example/latent")
    teacher.run()
    assert not any(warning in c.value for c in teacher.caption)
    assert any("https://lab.school.example/latent/?class=" in c.value for c in teacher.caption)

def image_urls(at: AppTest) -> list[str]:
    return [img.url for element in at.get("image") for img in element.proto.imgs]


def test_the_qr_code_and_the_gallerys_pictures_go_to_the_browser_as_the_pngs_they_are():
    """st.image re-encodes PNG bytes without transparency as a JPEG at quality 90 on every rerun unless told the
    format: the join link's QR code got blurred edges, and every card of the gallery a JPEG encoding."""
    teacher, code = start_class()
    assert image_urls(teacher) and all(url.endswith(".png") for url in image_urls(teacher))  # the QR code
    train_and_wait(code, {"Ann": 1}, steps=60)
    teacher.run()
    cards = image_urls(teacher)
    assert len(cards) >= 2 and all(url.endswith(".png") for url in cards), cards  # the QR code and Ann's card
    [show] = [b for b in teacher.button if b.key and b.key.startswith("class_show_")]
    show.click().run()
    assert not teacher.exception and image_urls(teacher) and all(url.endswith(".png") for url in image_urls(teacher))

def test_a_teachers_sidebar_keeps_the_servers_count_current_without_a_run_of_their_own(monkeypatch):
    """A teacher with no run of their own read "Server: 0 running" while the class trained: the runs list was
    redrawn on a timer only while this browser had a run going. A student with no run keeps no timer."""
    import app.sidebar as sidebar

    timers = []
    original = sidebar._runs_fragment
    monkeypatch.setattr(sidebar, "_runs_fragment", lambda run_every: (timers.append(run_every), original(run_every)))
    teacher, code = start_class()
    open_page(None, browser=teacher.session_state[BROWSER_KEY])  # the teacher's next page (AppTest draws the
    assert timers[-1] == sidebar.IDLE_REFRESH_SECONDS > 0          # sidebar on a session's first page only)
    join(code, "Ann")
    assert timers[-1] is None
