"""A training run in its own thread: start, pause, resume, single steps, live settings, stop.

The thread never touches the UI. It writes plain floats, lists and small numpy arrays into its own object
under a lock, and the UI (or the CLI) reads `job.snapshot()` whenever it likes. gan_core.runtime.worker runs
the same job in a worker process instead.
"""
from __future__ import annotations

import copy
import threading
import time
import uuid
from collections.abc import Callable

import numpy as np

from gan_core.config import ConfigError, TrainConfig
from gan_core.data import Dataset
from gan_core.evaluation.evaluate import quick_metrics
from gan_core.training import History, Trainer, TrainingDiverged, check_step_part


def measured_trainer(config: TrainConfig, **options) -> Trainer:
    """A Trainer that records the cheap metrics (gan_core.evaluation.evaluate.quick_metrics) as it trains."""
    return Trainer(config, metrics_fn=quick_metrics, **options)


QUEUED, RUNNING, PAUSED, FINISHED, STOPPED, FAILED = "queued", "running", "paused", "finished", "stopped", "failed"
ACTIVE_STATES = (QUEUED, RUNNING, PAUSED)


class TrainingJob:
    """Runs a Trainer in a background thread with start / pause / resume / single step / stop.

    `snapshot()` is safe to call from any thread at any time; it returns plain data only.
    The trainer is built inside the thread, so a slow dataset load never blocks the caller.
    """

    def __init__(self, config: TrainConfig, name: str = "", owner: str = "", resume_state: dict | None = None,
                 extra_steps: int | None = None, dataset: Dataset | None = None,
                 trainer_factory: Callable[..., Trainer] = measured_trainer, step_delay: float = 0.0):
        self.id = uuid.uuid4().hex[:8]
        self.config = config.check()
        self.name = name or f"{config.dataset}-{config.model}-{self.id[:4]}"
        self.owner = owner
        self.created = time.time()
        self.status = QUEUED
        self.message = ""
        self.error = ""
        self.trainer: Trainer | None = None
        self.where: dict = {}  # a run on a cluster: {"node", "device"} once it is placed (gan_core.runtime.ray_worker)
        self._resume_state = resume_state
        self._extra_steps = extra_steps
        self._dataset = dataset
        self._factory = trainer_factory
        self.step_delay = step_delay  # seconds between steps: a slow-motion mode for following updates
        self.target_steps = config.steps
        self.changed_at = 0  # the step count when set_hparams last changed something (it applies from the next)
        self._lock = threading.RLock()
        self._wake = threading.Condition(self._lock)
        self._pending_steps: list[str] = []  # single steps asked for while paused: "both", "d" or "g"
        self._stop_requested = False
        self._pause_requested = False
        self._thread: threading.Thread | None = None
        self._rate_window: list[tuple[float, int]] = []
        self._slow_frame: dict | None = None  # the last snapshot slow motion added (see _picture_of_this_step)
        self.on_done: Callable[["TrainingJob"], None] | None = None

    # -- control -----------------------------------------------------------------------------------------
    def start(self, paused: bool = False) -> None:
        with self._lock:
            if self._thread is not None:
                return
            paused = paused or self._pause_requested  # a run paused while it waited in the queue starts paused
            self._pause_requested = paused
            self.status = PAUSED if paused else RUNNING
            self._thread = self._launch(paused)

    def _launch(self, paused: bool) -> threading.Thread:
        """Start training (called once, under the lock); returns the thread that lives as long as the run."""
        thread = threading.Thread(target=self._run, name=f"latent-lab-{self.id}", daemon=True)
        thread.start()
        return thread

    def pause(self) -> None:
        with self._lock:
            if self.status in (RUNNING, QUEUED):
                self._pause_requested = True
                if self.status == RUNNING:
                    self.status = PAUSED

    def resume(self) -> None:
        with self._lock:
            self._pause_requested = False
            if self.status == PAUSED:
                self.status = RUNNING
                self._rate_window.clear()  # the speed counts from here: a window spanning the pause reads far too low
            self._wake.notify_all()

    def step_once(self, count: int = 1, part: str = "both") -> None:
        """While paused, run exactly `count` more steps; part "d" or "g" updates only that player."""
        check_step_part(part)
        with self._lock:
            if self.status == PAUSED:
                self._pending_steps.extend([part] * count)
                self._wake.notify_all()

    def set_hparams(self, **changes) -> dict:
        """Change live settings (see Trainer.set_hparams) between two steps; returns {field: [old, new]}.

        Before the trainer exists (a queued run) the change goes into the config it will start with.
        Raises ConfigError for a bad value, changing nothing.
        """
        with self._lock:
            if self.trainer is None:
                unknown = sorted(set(changes) - set(Trainer.LIVE_FIELDS))
                if unknown:
                    raise ConfigError(unknown[0], f"{unknown[0]} cannot change while training.")
                new_config = self.config.replace(**changes).check()
                diff = {k: [getattr(self.config, k), v] for k, v in changes.items() if getattr(self.config, k) != v}
                self.config = new_config
                return diff
            diff = self.trainer.set_hparams(**changes)
            self.config = self.trainer.config
            if diff:
                self.changed_at = self.trainer.step_count
            return diff

    def stop(self) -> None:
        """End the run between two steps (its weights stay for Save).

        The thread checks between steps, so a stop asked for while the trainer is being built (data loading, networks
        allocated) is honoured as soon as the build returns, before any step; one asked for inside a step, when that
        step ends. A thread cannot be killed, so that is the limit here: the app runs each training in a worker
        process instead (gan_core.runtime.worker), which is killed if it does not stop within a few seconds, and
        gan_core.budget refuses the runs whose build alone would take minutes.
        """
        with self._lock:
            self._stop_requested = True
            if self.status == QUEUED and self._thread is None:
                self.status = STOPPED
                self.message = "Cancelled before it started."
            self._wake.notify_all()

    def join(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATES

    @property
    def thread_alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # -- the thread -------------------------------------------------------------------------------------
    def _build(self) -> Trainer:
        trainer = self._factory(self.config, dataset=self._dataset)
        if self._resume_state is not None:
            trainer.load_state_dict(self._resume_state)
            self._resume_state = None
            if self._extra_steps:
                self.target_steps = trainer.step_count + self._extra_steps
        return trainer

    def _run(self) -> None:
        try:
            requested = self.config
            trainer = self._build()
            with self._lock:
                self.trainer = trainer
                # settings changed while the data loaded and the networks were built went into self.config only
                late = {k: getattr(self.config, k) for k in Trainer.LIVE_FIELDS
                        if getattr(self.config, k) != getattr(requested, k)}
                if late:
                    trainer.set_hparams(**late)
                    self.config = trainer.config
            while True:
                with self._lock:
                    if self._on_hold():
                        trainer.snapshot_if_behind()  # a paused run shows the step it paused at, not an older one
                    while self._on_hold():
                        self._wake.wait(timeout=0.5)
                    if self._stop_requested:
                        trainer.snapshot_if_behind()  # the picture a run ends on is the model it ends with
                        self.status = STOPPED
                        self.message = f"Stopped at step {trainer.step_count}."
                        break
                    if trainer.step_count >= self.target_steps:
                        trainer.snapshot_if_behind()
                        self.status = FINISHED
                        self.message = f"Finished {trainer.step_count} steps."
                        break
                    single_step = bool(self._pending_steps)
                    part = self._pending_steps.pop(0) if single_step else "both"
                    trainer.step(part)
                    self._note_rate(trainer.step_count)
                    if single_step or self.step_delay > 0:
                        self._picture_of_this_step(trainer, single_step)

                if self.step_delay:
                    time.sleep(self.step_delay)
                else:
                    time.sleep(0)  # let the web server's threads have the GIL between steps
        except TrainingDiverged as error:
            with self._lock:
                self.status, self.error = FAILED, str(error)
        except Exception as error:  # report, never crash the server
            with self._lock:
                self.status = FAILED
                self.error = f"{type(error).__name__}: {error}" if not str(error) else str(error)
        finally:
            callback = self.on_done
            if callback is not None:
                callback(self)

    def _on_hold(self) -> bool:
        """Paused with nothing to do: no stop and no single step asked for (call under the lock)."""
        return not self._stop_requested and self._pause_requested and not self._pending_steps

    def _picture_of_this_step(self, trainer: Trainer, single_step: bool) -> None:
        """A snapshot of the step just taken, when the Trainer took none (it takes one every sample_every steps).

        A single step while paused shows what it changed, and stays on the timeline. In slow motion every step gets
        its picture (else a class at 0.5 s a step would watch one picture for 25 s), but each replaces the previous
        slow-motion picture: the timeline keeps its frames every sample_every steps, thinned no faster than at
        full speed.
        """
        if trainer.snapshots and trainer.snapshots[-1]["step"] == trainer.step_count:
            return
        if single_step:
            trainer.take_snapshot()
            return
        if self._slow_frame is not None and trainer.snapshots and trainer.snapshots[-1] is self._slow_frame:
            trainer.snapshots.pop()
        self._slow_frame = trainer.take_snapshot()

    def _note_rate(self, step: int) -> None:
        now = time.perf_counter()
        self._rate_window.append((now, step))
        while len(self._rate_window) > 2 and now - self._rate_window[0][0] > 5.0:
            self._rate_window.pop(0)

    def steps_per_second(self) -> float:
        window = self._rate_window
        if len(window) < 2 or window[-1][0] <= window[0][0]:
            return 0.0
        return (window[-1][1] - window[0][1]) / (window[-1][0] - window[0][0])

    def _slower_ahead(self, step: int) -> bool:
        family = self.config.family
        return bool(family is not None and family.slower_ahead is not None and family.slower_ahead(step, self.config))

    # -- reading --------------------------------------------------------------------------------------
    def snapshot(self, history_points: int = 2000, with_frames: bool = False) -> dict:
        """Plain-data view of the job: status, step, speed, downsampled history, latest sample snapshot."""
        with self._lock:
            trainer = self.trainer
            step = trainer.step_count if trainer else 0
            rate = self.steps_per_second() if self.status == RUNNING else 0.0
            remaining = max(0, self.target_steps - step)
            view = {
                "id": self.id, "name": self.name, "owner": self.owner, "status": self.status,
                "message": self.message, "error": self.error, "step": step, "target_steps": self.target_steps,
                "steps_per_second": rate, "eta_seconds": remaining / rate if rate > 0 else None,
                # ProGAN before its last resolution: the steps ahead are slower, so the time left is at least that
                "eta_is_floor": self._slower_ahead(step),
                "elapsed": trainer.elapsed if trainer else 0.0, "config": self.config.to_dict(),
                "history": _downsample_history(trainer.history, history_points) if trainer else {"steps": [], "series": {}},
                "metrics": copy.deepcopy(trainer.metrics) if trainer else {"steps": [], "values": {}},
                "latest": dict(trainer.snapshots[-1]) if trainer and trainer.snapshots else None,
                "n_snapshots": len(trainer.snapshots) if trainer else 0,
                "events": copy.deepcopy(trainer.events) if trainer else [],
                "step_delay": self.step_delay,
                "where": dict(self.where),
                # what the steps really run in: "fp32" when bf16 was asked for but the device cannot run it
                "precision": trainer.precision if trainer else self.config.precision,
            }
            if with_frames and trainer:
                view["frames"] = [dict(s) for s in trainer.snapshots]
            return view

    def has_picture(self) -> bool:
        """Whether the run has taken its first sample snapshot: snapshot()'s "latest" is not None, without copying
        the history, metrics and events that snapshot() copies."""
        with self._lock:
            return bool(self.trainer and self.trainer.snapshots)

    def frames(self) -> list[dict]:
        with self._lock:
            return [dict(s) for s in self.trainer.snapshots] if self.trainer else []

    def checkpoint_payload(self) -> dict:
        """A consistent copy of the run for saving, taken between two steps."""
        with self._lock:
            if self.trainer is None:
                raise RuntimeError("This run has not started yet, so there is nothing to save.")
            return self.trainer.checkpoint_payload(name=self.name)


def _downsample_history(history: History, points: int) -> dict:
    """At most `points` rows, evenly spaced, always including the newest row."""
    n = len(history.steps)
    if n <= points:
        return {"steps": list(history.steps), "series": {k: list(v) for k, v in history.series.items()}}
    index = np.linspace(0, n - 1, points).round().astype(int)
    return {"steps": [history.steps[i] for i in index],
            "series": {k: [v[i] for i in index] for k, v in history.series.items()}}
