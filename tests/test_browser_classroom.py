"""Class mode in chromium, on one server that trains one run at a time (a two-core machine's default): a teacher
starts a class; three students join by the link with their names and each starts a run; the gallery lists all three
under their names, live or with their place in the queue; Show and Compare work; ending the class tells the students
and removes the files.
(The logic without a browser: test_classroom.py; the page with AppTest: test_page_classroom.py.)"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser_support import button

pytestmark = pytest.mark.browser

CODE = re.compile(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}")
NAMES = ("Ada", "Grace <b>Hopper</b>", "小明")
# One run trains at a time (LATENT_LAB_MAX_JOBS=1). Ada's preset run finishes within a minute; Grace's long run then
# trains to the end of the test, so 小明's waits in line throughout and Compare always finds a finished run and a
# training one, on a fast host or a slow one (with three short runs the queue had emptied on a slow host).
LONG_RUN, LONG_STEPS = NAMES[1], 1_000_000  # the most a run may take; the server ends with the test


@pytest.fixture
def served(tmp_path):
    from bench.browser import browser_available, serve_app

    if not browser_available():
        pytest.skip("chromium/playwright not installed")
    (tmp_path / "runs").mkdir()
    with serve_app(tmp_path / "runs", env_extra={"LATENT_LAB_MAX_JOBS": "1"}) as server:
        yield server, tmp_path / "runs"


def ready(page) -> None:
    page.wait_for_selector('[data-testid="stApp"]')


def test_a_class_of_three_in_the_gallery_show_compare_and_end(browser, served):
    server, runs = served
    teacher_browser = browser.new_context(viewport={"width": 1280, "height": 720})
    contexts = [browser.new_context(viewport={"width": 1280, "height": 900}) for _ in NAMES]
    try:
        teacher = teacher_browser.new_page()
        teacher.goto(f"{server.url}/classroom")
        ready(teacher)
        button(teacher, "class_start").click()
        expect(teacher.get_by_text("Join code")).to_be_visible(timeout=60_000)
        code = CODE.search(teacher.locator("body").inner_text()).group(0)
        link = re.search(r"http://\S+\?class=" + code, teacher.locator("body").inner_text()).group(0)
        assert link == f"{server.url}/?class={code}"
        expect(teacher.get_by_role("img").first).to_be_visible()  # the QR code

        students = []
        for context, name in zip(contexts, NAMES):
            page = context.new_page()
            page.goto(link)
            ready(page)
            sidebar, main = page.get_by_test_id("stSidebar"), page.get_by_test_id("stMain")
            # the join form is at the top of the page the link opened, on the first screen at 720 px
            expect(main.get_by_role("textbox", name="Class code")).to_have_value(code, timeout=60_000)
            assert "class=" not in page.url  # the code left the address bar
            main.get_by_role("textbox", name="Your name").fill(name)
            assert button(page, "class_join").bounding_box()["y"] < 720 - 40
            button(page, "class_join").click()
            expect(sidebar.get_by_text("In class")).to_be_visible(timeout=30_000)
            if name == LONG_RUN:  # a link sets its steps; the class is found again by the browser, not the session
                page.goto(f"{server.url}/train?preset=ring8-vanilla&steps={LONG_STEPS}")
                ready(page)
                expect(sidebar.get_by_text("In class")).to_be_visible(timeout=30_000)
                button(page, "train_start").click()
            else:
                button(page, "home_preset_ring8-vanilla").click()
            expect(page.get_by_text(re.compile(r"Step [\d,]+ / [\d,]+"))).to_be_visible(timeout=60_000)
            students.append(page)

        # the gallery: every student under their name, live or with their place in line
        main = teacher.get_by_test_id("stMain")
        for name in NAMES:
            expect(main.get_by_text(name, exact=True)).to_be_visible(timeout=30_000)
        expect(main.get_by_text(re.compile(r"waiting: #\d in line")).first).to_be_visible(timeout=30_000)
        expect(main.get_by_text(re.compile(r"training · step|finished · step")).first).to_be_visible(timeout=30_000)
        teacher.screenshot(path=str(runs.parent / "gallery.png"))

        # the first screen at 1280x720, in both languages: the header clear of Streamlit's toolbar, cards under it
        toolbar = teacher.get_by_test_id("stHeader").bounding_box()
        for label, other in (("Join code", "中文"), ("课堂码", "English")):
            expect(main.get_by_text(label, exact=True)).to_be_visible(timeout=30_000)
            assert main.get_by_text(label, exact=True).bounding_box()["y"] >= toolbar["y"] + toolbar["height"]
            card = main.locator('[class*="st-key-class_card_"]').first.bounding_box()
            assert card["y"] + 150 < 720, card  # the first row of cards starts on the first screen
            if label == "课堂码":  # each card's status in 中文, whichever its run has reached by now
                expect(main.get_by_text(re.compile(r"排队中：第 \d 位|(训练中|已完成) · 第")).first).to_be_visible(
                    timeout=30_000)
            teacher.get_by_test_id("stSidebar").get_by_text(other, exact=True).click()
        expect(main.get_by_text("Join code", exact=True)).to_be_visible(timeout=30_000)

        # Show: one run on the whole screen, in presenter mode, and back
        teacher.locator('[class*="st-key-class_show_"]').first.get_by_role("button").click()
        expect(teacher.get_by_role("button", name="Back to the gallery")).to_be_visible(timeout=30_000)
        expect(teacher.get_by_role("heading", name=re.compile("Ada|Grace|小明"))).to_be_visible(timeout=30_000)
        assert "present=1" in teacher.url
        teacher.get_by_role("button", name="Back to the gallery").click()
        expect(teacher.get_by_text("Join code")).to_be_visible(timeout=30_000)

        # Compare: a finished run (its checkpoint was saved) and the one training now (saved on the click)
        finished = main.locator('[class*="st-key-class_card_"]').filter(has_text="finished · step")
        expect(finished.first).to_be_visible(timeout=120_000)
        training = main.locator('[class*="st-key-class_card_"]').filter(has_text="training · step")
        expect(training.first).to_be_visible(timeout=60_000)
        finished.first.get_by_text("compare").click()
        training.first.get_by_text("compare").click()
        button(teacher, "class_compare").click()
        expect(teacher.get_by_role("heading", name="Mode Collapse")).to_be_visible(timeout=60_000)
        chips = teacher.get_by_test_id("stMultiSelect").filter(has_text="Runs to compare")  # not the lab's recipes
        expect(chips).to_contain_text("(class)", timeout=30_000)
        assert chips.inner_text().count("(class)") == 2
        expect(teacher.get_by_text("Too few runs")).to_have_count(0)

        # End: the files go, the students are told in one sentence
        teacher.goto(f"{server.url}/classroom")
        ready(teacher)
        button(teacher, "class_end").click()
        expect(button(teacher, "class_start")).to_be_visible(timeout=30_000)
        assert not (runs / "classes" / code.replace("-", "")).exists()
        for page in students:
            expect(page.get_by_test_id("stSidebar").get_by_text("This class has ended")).to_be_visible(timeout=30_000)
    finally:
        teacher_browser.close()
        for context in contexts:
            context.close()
