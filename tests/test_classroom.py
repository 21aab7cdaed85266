"""Class mode's logic (gan_core/classroom.py): codes, tokens, names, the wrong-code limit, caps, files, idle classes,
challenges and their lock, the leaderboard, and the publisher that writes a run's summary while it trains."""
from __future__ import annotations

import json
import math

import pytest

from gan_core import classroom
from gan_core.classroom import (CODE_ALPHABET, CODE_LENGTH, Challenge, ClassError, ClassPublisher, ClassStore,
                                RateLimiter, WRONG_CODES_PER_MINUTE, clean_name, leaderboard, normalise_code,
                                sort_runs)
from gan_core.presets import preset_config

TEACHER, ALICE, BOB = "t" * 43, "a" * 43, "b" * 43


class Clock:
    def __init__(self, now: float = 1000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def store(tmp_path, clock):
    return ClassStore(tmp_path / "classes", clock=clock, limiter=RateLimiter(clock=clock))


def test_codes_are_long_enough_that_guessing_at_the_limit_is_hopeless():
    codes = {classroom.new_code() for _ in range(200)}
    assert len(codes) == 200 and all(len(c) == CODE_LENGTH and set(c) <= set(CODE_ALPHABET) for c in codes)
    guesses_per_year = WRONG_CODES_PER_MINUTE * 60 * 24 * 365
    # with the most classes a server allows open all year, a year of guessing finds one with < 0.1% chance
    assert guesses_per_year * 10 / len(CODE_ALPHABET) ** CODE_LENGTH < 1e-3
    assert not set("01IO") & set(CODE_ALPHABET)


def test_codes_read_back_however_they_are_typed():
    code = "ABCD2345"
    for typed in ("abcd2345", "ABCD-2345", " abcd 2345 ", "Abcd-2345"):
        assert normalise_code(typed) == code
    for bad in ("", "ABCD234", "ABCD23456", "ABCD-234O", "../../etc", None, 42, "x" * 100):
        assert normalise_code(bad) is None


def test_hostile_names_become_plain_short_text():
    assert clean_name("  Ada\n\tLovelace ") == "Ada Lovelace"
    assert clean_name("<img src=x onerror=alert(1)>") == "<img src=x onerror=alert(1)>"[:classroom.MAX_NAME_CHARS]
    assert clean_name("a\u202eb\x00c\u200bd") == "a b c d"  # bidi override, NUL, zero-width space
    assert clean_name("小明") == "小明"
    assert len(clean_name("x" * 10_000)) == classroom.MAX_NAME_CHARS
    for empty in ("", "   ", "\x00\x01", None):
        with pytest.raises(ClassError) as error:
            clean_name(empty)
        assert error.value.key == "name_empty"


def test_a_class_is_files_that_another_replica_reads(store, tmp_path, clock):
    info, token = store.create(TEACHER)
    folder = tmp_path / "classes" / info.code
    assert (folder / "class.json").is_file()
    saved = (folder / "class.json").read_text()
    assert token not in saved and TEACHER not in saved  # only hashes are stored
    replica = ClassStore(tmp_path / "classes", clock=clock)
    assert replica.get(info.code).code == info.code
    assert replica.is_teacher(info.code, TEACHER) and not replica.is_teacher(info.code, ALICE)
    assert not list(folder.rglob("*.tmp"))


def test_the_teacher_link_makes_another_browser_a_teacher_only_with_the_token(store):
    info, token = store.create(TEACHER)
    assert not store.claim_teacher(info.code, "x" * 43, ALICE)
    assert not store.claim_teacher(info.code, token[:-1], ALICE)
    assert not store.is_teacher(info.code, ALICE)
    assert store.claim_teacher(info.code, token, BOB)
    assert store.is_teacher(info.code, BOB) and store.taught_by(BOB) == info.code


def test_students_join_by_code_and_stay_members(store, tmp_path):
    info, _ = store.create(TEACHER)
    code = store.check_code(info.code.lower())
    record = store.join(code, ALICE, "  Alice  ")
    assert record["name"] == "Alice" and ALICE not in json.dumps(record)
    assert store.membership(ALICE) == (code, record)  # what a reload finds again
    assert store.membership(BOB) is None
    store.join(code, ALICE, "Alice B")  # joining again renames, it does not add a student
    assert [m["name"] for m in store.members(code)] == ["Alice B"]


def test_wrong_codes_are_limited_for_the_whole_server(store, clock):
    info, _ = store.create(TEACHER)
    for _ in range(WRONG_CODES_PER_MINUTE):
        with pytest.raises(ClassError) as error:
            store.check_code("ZZZZ-ZZZZ")
        assert error.value.key == "no_such_class"
    with pytest.raises(ClassError) as error:  # now even the right code waits: guessing gains nothing
        store.check_code(info.code)
    assert error.value.key == "rate_limited" and 0 < error.value.values["seconds"] <= 60
    clock.now += 61
    assert store.check_code(info.code) == info.code


def test_caps_on_students_and_classes(store, monkeypatch):
    monkeypatch.setenv("LATENT_LAB_CLASS_STUDENTS", "2")
    monkeypatch.setenv("LATENT_LAB_MAX_CLASSES", "2")
    info, _ = store.create(TEACHER)
    store.join(info.code, ALICE, "Alice")
    store.join(info.code, BOB, "Bob")
    with pytest.raises(ClassError) as error:
        store.join(info.code, "c" * 43, "Carol")
    assert error.value.key == "class_full" and error.value.values == {"limit": 2}
    store.join(info.code, BOB, "Bobby")  # a member may still rename
    store.create(TEACHER)
    with pytest.raises(ClassError) as error:
        store.create(TEACHER)
    assert error.value.key == "too_many_classes"


def test_an_idle_class_is_removed_and_an_ended_one_leaves_no_files(store, tmp_path, clock, monkeypatch):
    monkeypatch.setenv("LATENT_LAB_CLASS_IDLE", "600")
    info, _ = store.create(TEACHER)
    store.join(info.code, ALICE, "Alice")
    clock.now += 599
    assert store.get(info.code)
    store.touch(info.code)
    clock.now += 599
    assert store.get(info.code)  # the touch kept it
    clock.now += 601
    assert store.get(info.code) is None and not (tmp_path / "classes" / info.code).exists()
    other, _ = store.create(TEACHER)
    store.end(other.code)
    assert not (tmp_path / "classes" / other.code).exists() and store.membership(ALICE) is None
    with pytest.raises(ClassError):
        store.join(other.code, ALICE, "Alice")


def test_a_student_of_an_ended_class_is_told_once_even_after_a_reload(store, tmp_path, clock):
    info, _ = store.create(TEACHER)
    store.join(info.code, ALICE, "Alice")
    store.join(info.code, BOB, "Bob")
    store.end(info.code)
    left = list((tmp_path / "classes").rglob("*"))
    assert [p.name for p in left if p.is_file()] == [f"{info.code}.json"]  # only the ended record: member hashes
    assert ALICE not in (tmp_path / "classes" / ".ended" / f"{info.code}.json").read_text()
    assert store.ended_for(TEACHER) is None  # the teacher was no student of it
    assert store.ended_for(ALICE) == info.code
    assert store.ended_for(ALICE) is None  # told once
    clock.now += 86_401
    assert store.ended_for(BOB) is None  # a day later the record is gone, untold or not
    assert not list((tmp_path / "classes" / ".ended").glob("*.json"))
    assert store.codes() == []  # the record's folder is never taken for a class


def test_a_new_teacher_link_replaces_the_old_one(store):
    info, old = store.create(TEACHER)
    assert store.new_teacher_token(info.code, ALICE) is None  # a student cannot make one
    new = store.new_teacher_token(info.code, TEACHER)
    assert new and new != old
    assert not store.claim_teacher(info.code, old, ALICE)
    assert store.claim_teacher(info.code, new, BOB) and store.is_teacher(info.code, BOB)


def test_the_challenge_lock_puts_back_every_locked_field():
    challenge = Challenge("ring8-vanilla", allowed=("lr_g", "n_critic"), metric="modes_covered", target=8)
    base = preset_config("ring8-vanilla")
    sent = base.replace(lr_g=5e-4, n_critic=3, hidden=1024, dataset="grid25", steps=99_999)
    config, changed = challenge.enforce(sent)
    assert config.lr_g == 5e-4 and config.n_critic == 3
    assert (config.hidden, config.dataset, config.steps) == (base.hidden, base.dataset, base.steps)
    assert set(changed) == {"hidden", "dataset", "steps"}
    assert challenge.enforce(config) == (config, [])
    for bad in (dict(preset="nope"), dict(preset="ring8-vanilla", allowed=("data_root",)),
                dict(preset="ring8-vanilla", metric="loss")):
        with pytest.raises(ClassError):
            Challenge(**bad)
    assert Challenge.from_dict(challenge.to_dict()) == challenge


def test_the_leaderboard_ranks_finished_runs_of_this_challenge_by_its_metric():
    challenge = Challenge("ring8-vanilla", metric="modes_covered", target=8, id="c1")
    runs = [{"run": "a", "status": "finished", "challenge": "c1", "metrics": {"modes_covered": 6}, "finished": 3},
            {"run": "b", "status": "finished", "challenge": "c1", "metrics": {"modes_covered": 8}, "finished": 5},
            {"run": "c", "status": "running", "challenge": "c1", "metrics": {"modes_covered": 8}},
            {"run": "d", "status": "finished", "challenge": "old", "metrics": {"modes_covered": 8}, "finished": 1},
            {"run": "e", "status": "finished", "challenge": "c1", "metrics": {"modes_covered": 8}, "finished": 4},
            {"run": "f", "status": "finished", "challenge": "c1", "metrics": {}, "finished": 2}]
    rows = leaderboard(runs, challenge)
    assert [(r["run"], r["rank"], r["reached"]) for r in rows] == [("e", 1, True), ("b", 1, True), ("a", 3, False)]
    lower = Challenge("ring8-vanilla", metric="reverse_kl", id="c1")
    runs = [{"run": x, "status": "finished", "challenge": "c1", "metrics": {"reverse_kl": v}}
            for x, v in (("a", 0.5), ("b", 0.1), ("c", math.nan))]
    assert [r["run"] for r in leaderboard(runs, lower)] == ["b", "a"]
    assert [r["run"] for r in sort_runs(runs, "reverse_kl")] == ["b", "a", "c"]
    runs = [{"run": x, "metrics": {"fd": v}} for x, v in (("a", 900.0), ("b", 40.0))] + [{"run": "c", "metrics": {}}]
    assert [r["run"] for r in sort_runs(runs, "fd")] == ["b", "a", "c"]  # lower FD first, runs without it last


def test_image_runs_record_a_quick_fd_that_tells_real_pictures_from_noise():
    import torch

    from gan_core.evaluation.evaluate import _quick_fd, quick_metrics
    from gan_core.training import Trainer

    trainer = Trainer(preset_config("digits-gan").replace(steps=2))
    assert "fd" in quick_metrics(trainer)  # what the gallery's FD sort reads
    real = trainer.dataset.data[torch.randperm(trainer.dataset.data.shape[0],
                                               generator=torch.Generator().manual_seed(7))[:500]].float()
    noise = torch.rand_like(real) * 2 - 1
    assert _quick_fd(trainer, real)["fd"] * 5 < _quick_fd(trainer, noise)["fd"]
    ring = Trainer(preset_config("ring8-vanilla").replace(steps=2))
    assert "fd" not in quick_metrics(ring)  # 2-D runs have their modes, KL and JS instead


def test_a_hostile_run_id_or_code_never_names_a_path_outside_the_class(store):
    info, _ = store.create(TEACHER)
    member = store.join(info.code, ALICE, "Alice")
    summary = {"run": "../../x", "name": "n", "status": "running", "step": 0, "target": 1, "position": None,
               "metrics": {}, "config": {}}
    assert not store.publish(info.code, member, summary)
    assert store.runs("../" + info.code) == [] and store.get("..") is None


def test_the_publisher_writes_a_runs_summary_thumbnail_and_checkpoint(store, tiny_config):
    from gan_core.runtime.job import TrainingJob
    from gan_core.runtime.jobs import JobManager

    info, _ = store.create(TEACHER)
    member = store.join(info.code, ALICE, "Alice")
    manager = JobManager(max_running=1)
    publisher = ClassPublisher(store, manager, interval=0.1)
    try:
        running = manager.submit(TrainingJob(tiny_config.replace(steps=2000), name="first", owner=ALICE))
        waiting = manager.submit(TrainingJob(tiny_config, name="second", owner=ALICE))
        publisher.follow(running, info.code, member, "c1")
        publisher.follow(waiting, info.code, member, "c1")
        runs = {r["name"]: r for r in store.runs(info.code)}
        assert runs["second"]["position"] == 1 and runs["second"]["student"] == "Alice"
        running.stop()
        waiting.join(timeout=30)
        deadline = __import__("time").monotonic() + 30
        while publisher.following() and __import__("time").monotonic() < deadline:
            __import__("time").sleep(0.1)
        runs = {r["name"]: r for r in store.runs(info.code)}
        done = runs["second"]
        assert done["status"] == "finished" and done["step"] == tiny_config.steps and done["position"] is None
        assert done["thumbnail"] and done["checkpoint"] and "modes_covered" in done["metrics"]
        assert done["config"]["dataset"] == "ring8" and done["challenge"] == "c1"
        assert runs["first"]["status"] == "stopped" and runs["first"]["checkpoint"] is None
    finally:
        manager.shutdown()


def test_one_run_that_cannot_be_published_does_not_stop_the_others(store, tiny_config, monkeypatch):
    """The publisher is one thread for every student: a run whose summary raises is dropped, and the next run is
    still published (an exception used to end the thread, and with it every student's gallery card)."""
    from gan_core.runtime.job import TrainingJob
    from gan_core.runtime.jobs import JobManager

    info, _ = store.create(TEACHER)
    member = store.join(info.code, ALICE, "Alice")
    manager = JobManager(max_running=2)
    publisher = ClassPublisher(store, manager, interval=0.1)
    try:
        broken = manager.submit(TrainingJob(tiny_config.replace(steps=2000), name="broken", owner=ALICE))
        fine = manager.submit(TrainingJob(tiny_config.replace(steps=2000), name="fine", owner=ALICE))
        monkeypatch.setattr(broken, "snapshot", lambda **_: (_ for _ in ()).throw(OSError("disk went away")))
        publisher.follow(broken, info.code, member)
        publisher.follow(fine, info.code, member)
        assert publisher.publish_once() == 1  # the broken run is dropped, the fine one still followed
        assert [r["name"] for r in store.runs(info.code)] == ["fine"]
    finally:
        broken.stop()
        fine.stop()
        manager.shutdown()
