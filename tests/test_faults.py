"""Crashes and abandoned work lose nothing and leak nothing."""
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest
import torch

from bench import checkout_env
from gan_core.checkpoints import CheckpointError, load_checkpoint, save_checkpoint, trainer_payload
from gan_core.runtime.jobs import JobManager
from gan_core.store import save_run
from gan_core.runtime.job import TrainingJob
from gan_core.training import Trainer


@pytest.mark.slow  # over 10 s on the 2-core machine
def test_sigkill_during_saves_never_leaves_a_corrupt_checkpoint(tmp_path):
    """A real process saves a large checkpoint over and over; we SIGKILL it mid-write several times."""
    target = tmp_path / "run.pt"
    script = textwrap.dedent(f"""
        import torch
        from gan_core.checkpoints import save_checkpoint
        payload = {{"format": "latent-lab", "format_version": 1, "blob": torch.randn(4_000_000)}}
        print("ready", flush=True)
        i = 0
        while True:
            payload["i"] = i
            save_checkpoint(payload, {str(target)!r})
            i += 1
    """)
    for attempt in range(3):
        process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=checkout_env())
        assert process.stdout.readline().strip() == "ready"
        time.sleep(0.4 + 0.37 * attempt)  # land somewhere inside a write (each takes tens of ms)
        process.send_signal(signal.SIGKILL)
        process.wait(10)
        if target.exists():
            payload = torch.load(target, weights_only=True)  # complete, or this raises
            assert payload["blob"].numel() == 4_000_000
    assert target.exists()


def test_read_only_folder_gives_a_message_and_training_goes_on(tiny_config, tmp_path, monkeypatch):
    if os.geteuid() == 0:
        # root ignores permission bits; a path under a regular file fails for everyone
        blocked = tmp_path / "not-a-folder"
        blocked.write_text("")
        monkeypatch.setenv("LATENT_LAB_RUNS", str(blocked / "runs"))
    else:
        blocked = tmp_path / "ro"
        blocked.mkdir()
        blocked.chmod(0o500)
        monkeypatch.setenv("LATENT_LAB_RUNS", str(blocked))
    job = TrainingJob(tiny_config.replace(steps=100_000))
    job.start()
    deadline = time.time() + 20
    while job.snapshot()["step"] < 3 and time.time() < deadline:
        time.sleep(0.02)
    with pytest.raises(CheckpointError, match="Cannot write|Could not save"):
        save_run(job.checkpoint_payload(), "mine")
    before = job.snapshot()["step"]
    deadline = time.time() + 20
    while job.snapshot()["step"] <= before + 2 and time.time() < deadline:
        time.sleep(0.02)
    assert job.snapshot()["status"] == "running" and job.snapshot()["step"] > before + 2
    job.stop()
    job.join(5)


def test_disk_full_leaves_the_previous_checkpoint_intact(tiny_config, tmp_path, monkeypatch):
    trainer = Trainer(tiny_config)
    trainer.step()
    path = save_checkpoint(trainer_payload(trainer), tmp_path / "run.pt")
    trainer.step()

    def no_space(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(torch, "save", no_space)
    with pytest.raises(CheckpointError, match="No space left"):
        save_checkpoint(trainer_payload(trainer), path)
    monkeypatch.undo()
    assert load_checkpoint(path).step == 1
    assert [p for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []


def test_abandoned_sessions_jobs_stop_and_threads_return_to_baseline(tiny_config):
    baseline = threading.active_count()
    manager = JobManager(max_running=2, max_per_owner=2)
    for owner in range(8):
        for _ in range(2):
            manager.submit(TrainingJob(tiny_config.replace(steps=1_000_000), owner=f"student-{owner}"))
    time.sleep(0.3)
    assert manager.active_count() == 16
    assert sum(1 for j in manager.jobs() if j.thread_alive) <= 2 + 0  # only max_running threads train
    for owner in range(8):
        manager.release_owner(f"student-{owner}", grace_seconds=0.2)
    deadline = time.time() + 30
    while (manager.jobs() or threading.active_count() > baseline) and time.time() < deadline:
        time.sleep(0.05)
    assert manager.jobs() == []
    assert threading.active_count() <= baseline


def test_a_session_that_comes_back_in_time_keeps_its_job(tiny_config):
    manager = JobManager(max_running=1)
    job = manager.submit(TrainingJob(tiny_config.replace(steps=1_000_000), owner="me"))
    manager.release_owner("me", grace_seconds=0.3)
    manager.attach("me")
    time.sleep(0.6)
    assert manager.get(job.id) is job and job.is_active
    manager.shutdown()


def test_a_browsers_runs_wait_for_its_last_tab(tiny_config):
    """The owner is a browser, with a session per tab: its runs stop only when no tab of it has been connected for
    the grace period, and a tab that comes back in time (a reload) keeps them."""
    manager = JobManager(max_running=2)
    try:
        job = manager.submit(TrainingJob(tiny_config.replace(steps=1_000_000), owner="browser"))
        manager.attach("browser")  # the first tab
        manager.attach("browser")  # a second tab, or the reloaded first one before the old session ends
        manager.release_owner("browser", grace_seconds=0.2)  # one tab goes: the other still shows the run
        time.sleep(0.5)
        assert manager.get(job.id) is job and job.is_active
        manager.release_owner("browser", grace_seconds=0.3)  # the last tab goes: the grace period starts
        time.sleep(0.1)
        manager.attach("browser")  # ... and a reload comes back in time
        time.sleep(0.5)
        assert manager.get(job.id) is job and job.is_active
        manager.release_owner("browser", grace_seconds=0.2)  # gone for good
        deadline = time.time() + 10
        while (manager.jobs("browser") or job.is_active) and time.time() < deadline:  # forgotten, then stopped
            time.sleep(0.05)
        assert manager.jobs("browser") == [] and not job.is_active
    finally:
        manager.shutdown()


def test_a_grace_period_cancelled_too_late_to_stop_its_timer_stops_nothing(tiny_config):
    """A tab that attaches while the expiring timer waits for the manager's lock keeps its runs."""
    manager = JobManager(max_running=1)
    try:
        job = manager.submit(TrainingJob(tiny_config.replace(steps=1_000_000), owner="browser"))
        manager.release_owner("browser", grace_seconds=0.05)
        with manager._lock:  # the timer fires and waits here
            time.sleep(0.3)
            manager.attach("browser")
        time.sleep(0.3)
        assert manager.get(job.id) is job and job.is_active
    finally:
        manager.shutdown()


def test_queue_positions_and_limits(tiny_config):
    from gan_core.runtime.jobs import JobLimitError

    manager = JobManager(max_running=1, max_per_owner=2)
    first = manager.submit(TrainingJob(tiny_config.replace(steps=1_000_000), owner="a"))
    second = manager.submit(TrainingJob(tiny_config.replace(steps=1_000_000), owner="b"))
    third = manager.submit(TrainingJob(tiny_config.replace(steps=1_000_000), owner="c"))
    assert manager.queue_position(first) is None and first.status == "running"
    assert manager.queue_position(second) == 1 and manager.queue_position(third) == 2
    assert manager.slot_holders("a") == [first] and manager.slot_holders("b") == []  # what b's run waits for
    first.pause()
    assert manager.slot_holders("a") == [first]  # a paused run keeps its slot
    first.resume()
    manager.submit(TrainingJob(tiny_config, owner="a"))
    with pytest.raises(JobLimitError):
        manager.submit(TrainingJob(tiny_config, owner="a"))
    manager.stop(first.id)
    deadline = time.time() + 10
    while second.status != "running" and time.time() < deadline:
        time.sleep(0.02)
    assert second.status == "running" and manager.queue_position(third) == 1
    manager.shutdown()
    assert not any(j.thread_alive for j in (first, second, third))
