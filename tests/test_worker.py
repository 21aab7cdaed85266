"""Training in a worker process (gan_core.runtime.worker): the same run as in a thread, controlled across a pipe, mirrored
exactly, and no process or thread left behind when a run ends, dies or loses its server."""
from __future__ import annotations

import dataclasses
import os
import pickle
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import torch

import gan_core.runtime.launch

from bench import checkout_env
from gan_core.config import ConfigError
from gan_core.data import Dataset, points_dataset
from gan_core.runtime.jobs import JobManager
from gan_core.runtime.job import FAILED, FINISHED, PAUSED, QUEUED, RUNNING, STOPPED, TrainingJob
from gan_core.training import History, Trainer
from gan_core.runtime.worker import ProcessTrainingJob, _Publisher, new_job, worker_mode


def wait_for(predicate, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def same_run(in_thread, remote, steps: int) -> None:
    """A remote job (worker process, Ray actor) showed and saved exactly what the same run in a thread did."""
    same_view(in_thread.snapshot(), remote.snapshot())
    np.testing.assert_equal(untimed(remote.frames()), untimed(in_thread.frames()))
    ours, theirs = in_thread.checkpoint_payload(), remote.checkpoint_payload()  # the remote run's last weights
    assert theirs["step"] == steps
    for name, tensor in ours["state"]["models"].items():
        assert torch.equal(theirs["state"]["models"][name], tensor), name


def process_gone(pid: int) -> bool:
    """No such process, or only its zombie entry (a container's first process may never reap it)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")


def same_view(thread_view: dict, process_view: dict) -> None:
    for key in ("status", "step", "target_steps", "history", "metrics", "events", "n_snapshots", "precision", "config"):
        np.testing.assert_equal(process_view[key], thread_view[key], err_msg=key)


def untimed(frames: list[dict]) -> list[dict]:
    return [{k: v for k, v in frame.items() if k != "time"} for frame in frames]  # wall-clock seconds differ


def test_a_worker_trains_exactly_what_a_thread_trains(tiny_config):
    config = tiny_config.replace(steps=40)
    in_thread = TrainingJob(config, name="same")
    in_thread.start()
    in_process = ProcessTrainingJob(config, name="same")
    in_process.start()
    in_thread.join(60)
    in_process.join(60)
    assert in_process.status == in_thread.status == FINISHED
    wait_for(lambda: process_gone(in_process.worker_pid), timeout=10)  # the worker left once its run was over
    same_run(in_thread, in_process, steps=40)


@pytest.mark.parametrize("kind", [TrainingJob, ProcessTrainingJob], ids=["thread", "process"])
def test_a_run_ends_on_a_picture_of_the_model_it_ends_with(tiny_config, kind):
    """A run that ends between two snapshots (23 steps, one every 5) and one stopped between two (a snapshot every
    100,000 steps) each end on a snapshot of their last step: the page's picture, the last frame of the timeline
    and the saved checkpoint's last picture all show the model the run ended with (they stayed at step 20, or 1)."""
    finishing = kind(tiny_config.replace(steps=23), name="finishes")
    stopped = kind(tiny_config.replace(steps=100_000, sample_every=100_000), name="stopped")
    finishing.start()
    stopped.start()
    wait_for(lambda: stopped.trainer is not None and stopped.trainer.step_count > 3)
    stopped.stop()
    finishing.join(60)
    stopped.join(60)
    assert finishing.status == FINISHED and stopped.status == STOPPED
    for job, earlier in ((finishing, 20), (stopped, 1)):
        snap = job.snapshot()
        assert snap["latest"]["step"] == snap["step"] == job.trainer.step_count > earlier
        assert [frame["step"] for frame in job.trainer.snapshots][-2:] == [earlier, snap["step"]]
        assert job.checkpoint_payload()["state"]["snapshots"][-1]["step"] == snap["step"]
    assert finishing.trainer.step_count == 23


@pytest.mark.parametrize("kind", [TrainingJob, ProcessTrainingJob], ids=["thread", "process"])
def test_a_paused_run_shows_a_picture_of_the_step_it_paused_at(tiny_config, kind):
    """Paused at "Step 245 · paused", the picture and the timeline's end were of step 225 (the last sample_every
    step): the class discussed a model 20 steps older than the one on hold."""
    job = kind(tiny_config.replace(steps=100_000, sample_every=100_000), name="paused")
    job.start()
    try:
        wait_for(lambda: job.trainer is not None and job.trainer.step_count > 3)
        job.pause()
        paused_at = job.trainer.step_count
        wait_for(lambda: (job.snapshot()["latest"] or {}).get("step") == paused_at, timeout=5)
        assert job.frames()[-1]["step"] == paused_at and job.status == PAUSED
    finally:
        job.stop()
        job.join(30)


@pytest.mark.parametrize("kind", [TrainingJob, ProcessTrainingJob], ids=["thread", "process"])
def test_has_picture_says_what_the_snapshot_says_without_copying_it(tiny_config, kind):
    """The Train page asks on every full rerun whether a run has a picture yet (a 2-D run's picture clock): it took a
    whole snapshot (history, metrics, events copied) for that one fact."""
    job = kind(tiny_config.replace(steps=100_000), name="picture")
    assert job.has_picture() is False and job.snapshot()["latest"] is None  # not started
    job.start()
    try:
        wait_for(lambda: job.snapshot()["latest"] is not None)
        assert job.has_picture() is True
    finally:
        job.stop()
        job.join(30)


@pytest.mark.parametrize("kind", [TrainingJob, ProcessTrainingJob], ids=["thread", "process"])
def test_the_speed_after_resume_does_not_count_the_pause(tiny_config, kind):
    """Right after Resume the page read 14 steps/s for a run that went at 70: the rate's window spanned the pause."""
    job = kind(tiny_config.replace(steps=100_000, sample_every=100_000), name="resumed", step_delay=0.01)
    job.start()
    try:
        wait_for(lambda: job.trainer is not None and job.trainer.step_count > 20)
        wait_for(lambda: job.snapshot()["steps_per_second"] > 0, timeout=5)
        before = job.snapshot()["steps_per_second"]
        job.pause()
        paused_at = job.trainer.step_count
        time.sleep(2.0)
        job.resume()
        wait_for(lambda: job.trainer.step_count > paused_at + 20 and job.snapshot()["steps_per_second"] > 0, timeout=10)
        after = job.snapshot()["steps_per_second"]
        assert after > 0.5 * before, (before, after)  # spanning 2 s of pause it read a third of the speed or less
    finally:
        job.stop()
        job.join(30)


def controls_cross_the_wire(job, tiny_config, started_timeout: float = 30.0, stop_timeout: float = 10.0) -> None:
    """Pause, a single step, live settings (one refused), slow motion, a change while it trains, Save from the running
    job, Stop and Save after the end, on a started remote job (worker process or Ray actor) of tiny_config."""
    wait_for(lambda: job.trainer is not None and job.trainer.step_count > 10, timeout=started_timeout)
    wait_for(lambda: job.snapshot()["steps_per_second"] > 0, timeout=5)  # from the updates' steps and times

    job.pause()
    paused_at = job.trainer.step_count  # pause waits for the worker, so this is the step it stopped at
    assert job.status == PAUSED
    time.sleep(0.5)
    assert job.trainer.step_count == paused_at and job.snapshot()["status"] == PAUSED

    job.step_once(part="d")
    wait_for(lambda: job.trainer.step_count == paused_at + 1, timeout=5)
    assert job.frames()[-1]["step"] == paused_at + 1  # a single step shows what it changed

    assert job.set_hparams(lr_g=5e-4) == {"lr_g": [tiny_config.lr_g, 5e-4]}
    assert job.config.lr_g == 5e-4
    with pytest.raises(ConfigError) as refused:
        job.set_hparams(lr_d=-1.0)
    assert refused.value.field == "lr_d" and job.config.lr_d == tiny_config.lr_d
    wait_for(lambda: job.snapshot()["events"], timeout=5)
    assert job.snapshot()["events"][-1]["changes"] == {"lr_g": [tiny_config.lr_g, 5e-4]}

    job.step_delay = 0.05  # slow motion reaches the worker
    job.resume()
    wait_for(lambda: job.trainer.step_count > paused_at + 3, timeout=10)
    assert job.set_hparams(lr_d=3e-4)  # while it trains: the step it applies from is the worker's, not the mirror's
    wait_for(lambda: len(job.snapshot()["events"]) == 2, timeout=5)
    assert job.changed_at == job.snapshot()["events"][-1]["step"] > paused_at  # "Applied from" = the dashed line
    payload = job.checkpoint_payload()  # asked of the running worker
    assert payload["step"] > paused_at and payload["config"]["lr_g"] == 5e-4
    assert payload["state"]["models"]

    job.stop()
    job.join(stop_timeout)
    assert job.status == STOPPED and not job.thread_alive
    assert job.checkpoint_payload()["step"] == job.trainer.step_count  # Save still works after the end


def test_pause_step_live_settings_save_and_stop_cross_the_pipe(tiny_config):
    job = ProcessTrainingJob(tiny_config.replace(steps=100_000), name="controlled")
    job.start()
    controls_cross_the_wire(job, tiny_config)
    wait_for(lambda: process_gone(job.worker_pid), timeout=10)


def test_a_queued_job_takes_settings_and_the_manager_runs_jobs_in_turn(tiny_config):
    manager = JobManager(max_running=1)
    try:
        first = manager.submit(ProcessTrainingJob(tiny_config.replace(steps=40), owner="a"))
        second = manager.submit(ProcessTrainingJob(tiny_config.replace(steps=30), owner="a"))
        assert second.status == QUEUED and manager.queue_position(second) == 1
        assert second.set_hparams(lr_d=3e-4) == {"lr_d": [tiny_config.lr_d, 3e-4]}  # before it has a worker
        wait_for(lambda: first.status == FINISHED and second.status == FINISHED, timeout=60)
        assert second.snapshot()["config"]["lr_d"] == 3e-4 and second.snapshot()["step"] == 30
    finally:
        manager.shutdown()


@pytest.mark.parametrize("kind", [TrainingJob, ProcessTrainingJob], ids=["thread", "process"])
def test_a_run_paused_while_queued_is_still_paused_when_its_turn_comes(tiny_config, kind):
    manager = JobManager(max_running=1)
    try:
        first = manager.submit(kind(tiny_config.replace(steps=40), owner="a"))
        second = manager.submit(kind(tiny_config.replace(steps=30), owner="a"))
        assert second.status == QUEUED
        second.pause()
        wait_for(lambda: first.status == FINISHED and second.status != QUEUED, timeout=60)
        wait_for(lambda: second.trainer is not None or not second.is_active)
        time.sleep(0.5)  # time enough for steps, were it training
        assert second.status == PAUSED and second.snapshot()["step"] == 0
        second.resume()
        wait_for(lambda: second.status == FINISHED, timeout=60)
        assert second.snapshot()["step"] == 30
    finally:
        manager.shutdown()


def test_a_worker_that_dies_fails_its_run_with_a_sentence(tiny_config):
    finished = threading.Event()
    job = ProcessTrainingJob(tiny_config.replace(steps=100_000))
    job.on_done = lambda _job: finished.set()
    job.start()
    wait_for(lambda: job.trainer is not None and job.trainer.step_count > 0)
    os.kill(job.worker_pid, signal.SIGKILL)  # what the kernel does to a process out of memory
    assert finished.wait(15)
    assert job.status == FAILED and "stopped unexpectedly" in job.error and "exit code -9" in job.error
    assert not job.thread_alive


def test_a_run_that_cannot_build_reports_why(tiny_config, tmp_path):
    job = ProcessTrainingJob(tiny_config.replace(dataset="mnist", data_root=str(tmp_path)))
    job.start()
    job.join(30)
    assert job.status == FAILED and "MNIST not found" in job.error
    with pytest.raises(RuntimeError, match="not started"):
        job.checkpoint_payload()


@pytest.mark.slow
def test_workers_end_when_their_server_is_killed(tmp_path):
    # No `if __name__ == "__main__"` guard on purpose: a worker must not re-run the server's main script.
    script = tmp_path / "server.py"
    script.write_text(textwrap.dedent(f"""
        import time
        from gan_core.presets import preset_config
        from gan_core.runtime.worker import ProcessTrainingJob
        job = ProcessTrainingJob(preset_config("ring8-vanilla").replace(steps=1_000_000))
        job.start()
        while job.trainer is None or job.trainer.step_count < 5:
            time.sleep(0.05)
        print(job.worker_pid, flush=True)
        time.sleep(120)
    """))
    server = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=checkout_env())
    try:
        line = server.stdout.readline()
        assert line.strip().isdigit(), server.stderr.read() if server.poll() is not None else line
        worker = int(line)
        assert not process_gone(worker)
        server.send_signal(signal.SIGKILL)
        server.wait(10)
        wait_for(lambda: process_gone(worker), timeout=15)
    finally:
        server.kill()
        server.wait(10)


def test_abandoned_runs_leave_no_thread_or_process(tiny_config):
    baseline = threading.active_count()
    manager = JobManager(max_running=2)
    jobs = [manager.submit(ProcessTrainingJob(tiny_config.replace(steps=100_000), owner=f"student{i}"))
            for i in range(5)]
    wait_for(lambda: all(j.trainer is not None for j in jobs[:2]))
    pids = [j.worker_pid for j in jobs[:2]]
    for i in range(5):
        manager.release_owner(f"student{i}", grace_seconds=0.1)
    wait_for(lambda: not manager.jobs(), timeout=20)
    wait_for(lambda: threading.active_count() <= baseline, timeout=10)
    wait_for(lambda: all(process_gone(pid) for pid in pids), timeout=10)
    assert all(j.status == STOPPED for j in jobs)


def test_the_publisher_mirrors_merged_history_and_thinned_snapshots(tiny_config):
    """The update protocol, without a process: every update applied to a mirror gives the trainer's own view,
    across history rows merged in pairs, snapshots thinned, metrics and live changes."""
    config = tiny_config.replace(steps=400, sample_every=2, metrics_every=25)
    source = TrainingJob(config, name="source")
    source.trainer = Trainer(config)
    source.trainer.history = History(capacity=16)  # merges rows in pairs every few dozen steps
    mirror = ProcessTrainingJob(config, name="source")
    publisher = _Publisher(source)
    for step in range(1, 301):
        source.trainer.step()
        if step == 150:
            source.set_hparams(lr_d=4e-4)
        if step % 7 == 0 or step == 300:
            mirror._apply(pickle.loads(publisher.update(acked=0)))
    assert source.trainer.history.stride > 1 and len(source.trainer.snapshots) < 150  # both paths were taken
    same_view(source.snapshot(), mirror.snapshot())
    np.testing.assert_equal(mirror.frames(), source.frames())
    assert publisher.update(acked=0) is None  # nothing new, nothing sent


def test_new_job_follows_the_setting(tiny_config, monkeypatch):
    monkeypatch.setenv("LATENT_LAB_WORKERS", "process")
    assert worker_mode() == "process" and isinstance(new_job(tiny_config), ProcessTrainingJob)
    assert type(new_job(tiny_config, trainer_factory=Trainer)) is TrainingJob  # a custom trainer needs a thread
    monkeypatch.setenv("LATENT_LAB_WORKERS", "thread")
    assert type(new_job(tiny_config)) is TrainingJob
    monkeypatch.setenv("LATENT_LAB_WORKERS", "bogus")  # an unknown value means the default
    monkeypatch.setattr(gan_core.runtime.launch, "DEFAULT_WORKERS", "process")
    assert worker_mode() == "process"


def test_requests_from_several_threads_each_get_their_own_answer(tiny_config):
    job = ProcessTrainingJob(tiny_config.replace(steps=100_000))
    job.start()
    wait_for(lambda: job.trainer is not None and job.trainer.step_count > 5)
    answers, failures = [], []

    def settings(value):
        try:
            answers.append(job.set_hparams(lr_g=value))
        except Exception as error:  # noqa: BLE001  (any failure is the bug this test is about)
            failures.append(repr(error))

    def save():
        try:
            answers.append(job.checkpoint_payload()["step"])
        except Exception as error:  # noqa: BLE001
            failures.append(repr(error))

    def slow_motion():
        for i in range(40):
            job.step_delay = 0.0 if i % 2 else 0.001

    threads = [threading.Thread(target=settings, args=(1e-4 * (i + 1),)) for i in range(4)]
    threads += [threading.Thread(target=save) for _ in range(3)] + [threading.Thread(target=slow_motion)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(40)
    job.stop()
    job.join(10)
    assert not failures and len(answers) == 7


def test_a_run_that_cannot_be_handed_to_a_worker_fails_with_a_sentence(tiny_config):
    from gan_core.data import points_dataset

    drawn = points_dataset([[0, 0], [1, 1], [0, 1], [1, 0], [0.5, 0.5], [0.2, 0.8], [0.8, 0.2], [0.3, 0.3]], name="drawn")
    drawn.extra["cannot be pickled"] = lambda: None  # drawn data travels with its run (built-in data does not)
    manager = JobManager(max_running=1)
    try:
        job = manager.submit(ProcessTrainingJob(tiny_config.replace(dataset=drawn.name), dataset=drawn))
        job.join(10)
        assert job.status == FAILED and job.error.startswith("Could not start a training process")
        assert not job.is_active and not job.thread_alive
        assert manager.submit(ProcessTrainingJob(tiny_config.replace(steps=5))).join(30) is None  # the queue moves on
    finally:
        manager.shutdown()


def test_finished_workers_leave_no_open_descriptors(tiny_config):
    def descriptors() -> int:
        return len(os.listdir("/proc/self/fd"))

    warm = ProcessTrainingJob(tiny_config.replace(steps=5))  # the fork server's own connection is opened once
    warm.start()
    warm.join(30)
    before = descriptors()
    for _ in range(3):
        job = ProcessTrainingJob(tiny_config.replace(steps=5))
        job.start()
        job.join(30)
        assert job.status == FINISHED
    assert descriptors() == before


def test_settings_changed_while_a_run_builds_reach_its_trainer(tiny_config):
    def slow_build(config, dataset=None):
        time.sleep(0.5)  # a large dataset loading
        return Trainer(config, dataset=dataset)

    job = TrainingJob(tiny_config.replace(steps=100_000), trainer_factory=slow_build)
    job.start()
    time.sleep(0.1)
    assert job.set_hparams(lr_g=5e-4) == {"lr_g": [tiny_config.lr_g, 5e-4]}
    wait_for(lambda: job.trainer is not None, timeout=10)
    job.stop()
    job.join(10)
    assert job.trainer.config.lr_g == 5e-4 and job.trainer.opt_g.param_groups[0]["lr"] == pytest.approx(5e-4)


class BuildsForAMinute(Dataset):
    """A dataset that takes a minute to reach the worker's device: a run stuck building (a huge model, huge data)."""

    def to(self, device):
        time.sleep(60)
        return super().to(device)


def test_a_run_stopped_while_it_builds_ends_within_seconds(tiny_config):
    points = points_dataset([[0, 0], [1, 0], [0, 1], [1, 1], [2, 2], [2, 0], [0, 2], [1, 2]], name="slow", n_points=1000)
    slow = BuildsForAMinute(**{f.name: getattr(points, f.name) for f in dataclasses.fields(points) if f.init})
    job = ProcessTrainingJob(tiny_config.replace(dataset="points:slow", steps=100_000), dataset=slow)
    job.start()
    time.sleep(1.0)  # the worker has its run and is building it
    assert job.status == RUNNING and job.trainer is None
    began = time.monotonic()
    job.stop()
    job.join(15)
    assert time.monotonic() - began < 8  # not the minute the build would take
    assert job.status == STOPPED and "was ended" in job.message
    wait_for(lambda: process_gone(job.worker_pid), timeout=5)


def test_a_thread_run_stopped_while_it_builds_stops_when_the_build_returns(tiny_config):
    def slow_build(config, dataset=None):
        time.sleep(0.5)  # a thread cannot be killed: the stop waits for this
        return Trainer(config, dataset=dataset)

    job = TrainingJob(tiny_config.replace(steps=100_000), trainer_factory=slow_build)
    job.start()
    time.sleep(0.1)
    job.stop()
    job.join(10)
    assert job.status == STOPPED and job.trainer.step_count == 0
