"""A training run that lives somewhere else: the protocol both sides speak, whatever carries it.

    app server                                           wherever the Trainer is
    RemoteTrainingJob --- commands, numbered ---------->  carry_out(job, command) -> TrainingJob (its thread)
       .trainer = _TrainerMirror <-- updates, 5/s -------  _Publisher: only what changed since the last update

The server's side (`RemoteTrainingJob`) numbers each command, waits for the answers of those that answer (live
settings, the weights for Save), applies each update to a `_TrainerMirror` and words how a run ended. The worker's
side is an ordinary `TrainingJob`, a `_Publisher` that reports it, and `carry_out`, which does what a command asks.
Neither side knows how a message travels: a subclass of RemoteTrainingJob says that. gan_core.runtime.worker sends
them through a pipe to a forked process; gan_core.runtime.ray_worker calls the methods of a Ray actor.

Updates are deltas (new history rows, new snapshots), so they must be applied in the order they were built: each
transport has one thread that receives and applies them.
"""
from __future__ import annotations

import pickle
import threading

from gan_core.config import ConfigError, TrainConfig
from gan_core.data import dataset_names
from gan_core.runtime.job import ACTIVE_STATES, FAILED, PAUSED, STOPPED, TrainingJob
from gan_core.training import History, check_step_part

PUBLISH_SECONDS = 0.2  # how often a worker sends what changed (the page refreshes once a second)
REPLY_SECONDS = 30.0  # how long a request (save, live settings) waits for the worker
STOP_GRACE_SECONDS = 3.0  # how long a stopped run's worker may take to end by itself before it is killed


class _TrainerMirror:
    """What the server knows of a worker's Trainer: the fields `TrainingJob.snapshot()` and the pages read."""

    def __init__(self, config: TrainConfig):
        self.config = config
        self.step_count = 0
        self.elapsed = 0.0
        self.precision = config.precision
        self.history = History()
        self.snapshots: list[dict] = []
        self.metrics: dict = {"steps": [], "values": {}}
        self.events: list[dict] = []


class RemoteTrainingJob(TrainingJob):
    """A TrainingJob whose Trainer runs in a worker; `trainer` is a read-only mirror of it.

    Subclasses provide the transport: `_launch` (start the worker and the thread that applies its updates, calling
    `_apply` for each and `_finish` at the end), `_connected`, `_transmit`, `_kill`, `_release` and
    `_died_sentence`.
    """

    def __init__(self, config: TrainConfig, name: str = "", owner: str = "", resume_state: dict | None = None,
                 extra_steps: int | None = None, dataset=None, step_delay: float = 0.0):
        self._send_lock = threading.RLock()  # taken before the job's lock, never after it
        self._sent = 0  # commands sent to the worker, numbered from 1
        self._acked = 0  # the last command the worker has reported carrying out
        self._replies: dict[int, list] = {}  # request number -> [event, reply]
        self._final_payload: dict | None = None
        self._snapshot_keys: dict[int, dict] = {}  # the worker's key of each mirrored snapshot
        self._step_delay = float(step_delay)
        self._stop_watched = False  # a thread waits for the run to end after Stop (see stop)
        self._killed_on_stop = False
        super().__init__(config, name=name, owner=owner, resume_state=resume_state, extra_steps=extra_steps,
                         dataset=dataset, step_delay=step_delay)

    # -- the transport (a subclass says how) ------------------------------------------------------------------
    def _connected(self) -> bool:
        """True once the worker has its run, so commands reach it (until then they change the job here)."""
        raise NotImplementedError

    def _transmit(self, message: dict) -> bool:
        """Send one command (called under the send lock, in numbering order); False when the worker has gone.

        A command that answers has its waiter in `_replies` already; the transport hands the answer to `_reply`."""
        raise NotImplementedError

    def _kill(self) -> None:
        """End the worker now, whatever it is doing (Stop that was not answered in time)."""
        raise NotImplementedError

    def _release(self):
        """After the run's last update, or the worker's death: free what the worker held; returns how it ended
        (an exit code, a reason), which `_died_sentence` words when the run ended without saying so."""
        raise NotImplementedError

    def _died_sentence(self, ending) -> str:
        raise NotImplementedError

    def _run_spec(self, paused: bool) -> dict:
        """What the worker builds its run from (`job_from_spec`); called once, when the run starts."""
        # a built-in dataset the worker loads itself (cheaper than copying MNIST to it); data drawn or uploaded in a
        # browser session exists only here and goes with the run
        dataset = None if self.config.dataset in dataset_names() else self._dataset
        return {"config": self.config.to_dict(), "name": self.name, "resume_state": self._resume_state,
                "extra_steps": self._extra_steps, "dataset": dataset, "step_delay": self._step_delay, "paused": paused}

    # -- slow motion is read by the worker after every step ---------------------------------------------------
    @property
    def step_delay(self) -> float:
        return self._step_delay

    @step_delay.setter
    def step_delay(self, seconds: float) -> None:
        self._step_delay = float(seconds)
        self._command("delay", seconds=float(seconds))

    # -- control ---------------------------------------------------------------------------------------------
    def pause(self) -> None:
        with self._send_lock:  # the local status and the command's number change together (see _apply)
            super().pause()
            number = self._command("pause")
        self._wait_for(number)  # so the step shown as paused is the step it paused at

    def resume(self) -> None:
        with self._send_lock:
            super().resume()
            self._command("resume")

    def step_once(self, count: int = 1, part: str = "both") -> None:
        check_step_part(part)
        if self.status == PAUSED:
            self._command("step", count=int(count), part=part)

    def stop(self) -> None:
        """Ask the worker to stop; if its run has not ended STOP_GRACE_SECONDS later, kill the worker.

        A worker ends a run between two steps. One still building its networks and data, or inside a step of a huge
        model, cannot answer for minutes (the step holds the job's lock its commands need), and Stop must work then
        too. The worker holds nothing but this run, so killing it loses only the weights since the last Save; the run
        is marked stopped with a sentence saying so. A worker that never got its run (still being placed) is ended
        the same way.
        """
        super().stop()
        number = self._command("stop")
        if (number or self.thread_alive) and not self._stop_watched:
            self._stop_watched = True
            threading.Thread(target=self._end_if_unanswered, name=f"latent-lab-{self.id}-stop", daemon=True).start()

    def _end_if_unanswered(self) -> None:
        with self._lock:
            if self._wake.wait_for(lambda: self.status not in ACTIVE_STATES or not self.thread_alive,
                                   timeout=STOP_GRACE_SECONDS):
                return
            self._killed_on_stop = True
        self._kill()  # the thread applying updates sees the worker go and ends the run in _finish

    def set_hparams(self, **changes) -> dict:
        with self._lock:  # not while start() is handing the run over
            if self.trainer is None and not self._connected():  # not handed over yet: the change goes into the
                # config it will start with (an ended run has a mirror, and is told below that it has ended)
                return super().set_hparams(**changes)
        reply = self._request("set_hparams", changes=changes)
        if reply is None:
            raise ConfigError(next(iter(changes), "settings"), "This run has ended; its settings can no longer change.")
        if "error" in reply:
            raise ConfigError(*reply["error"])
        with self._lock:
            self.config = TrainConfig.from_dict(reply["config"])
            self.changed_at = reply["changed_at"]  # the worker's own step count, not the mirror's (a few behind)
            if self.trainer is not None:
                self.trainer.config = self.config
        return reply["diff"]

    def checkpoint_payload(self) -> dict:
        with self._lock:
            if self.trainer is None:
                raise RuntimeError("This run has not started yet, so there is nothing to save.")
            final = self._final_payload
        if final is None:
            reply = self._request("payload")
            if reply is not None and "payload" in reply:
                return reply["payload"]
            if reply is not None and "error" in reply:
                raise RuntimeError(reply["error"])
            final = self._final_payload  # the run ended while we asked: its last weights came with the end
        if final is None:
            raise RuntimeError("This run's training process has ended, and its weights went with it.")
        return final

    # -- talking to the worker ----------------------------------------------------------------------------
    def _command(self, kind: str, waiter: list | None = None, **fields) -> int:
        """Send a command; returns its number, 0 when there is no worker to send it to.

        waiter: [event, reply] registered under the command's number before it is sent, for commands that answer.
        """
        with self._send_lock:
            if not self._connected():
                return 0
            self._sent += 1
            number = self._sent
            if waiter is not None:
                self._replies[number] = waiter
            if not self._transmit({"kind": kind, "number": number, **fields}):  # the worker has gone; _finish says why
                self._replies.pop(number, None)
                return 0
            return number

    def _reply(self, number: int, reply: dict | None) -> None:
        """The answer to request `number` has come (None: it never will)."""
        waiter = self._replies.get(number)
        if waiter is not None:
            waiter[1] = reply
            waiter[0].set()

    def _wait_for(self, number: int) -> None:
        """Until the worker reports carrying out command `number` (a step at most), the run ends, or 2 s pass."""
        if number:
            with self._lock:
                self._wake.wait_for(lambda: self._acked >= number or self.status not in ACTIVE_STATES
                                    or not self.thread_alive, timeout=2.0)

    def _request(self, kind: str, **fields) -> dict | None:
        """Send a command that answers; its reply, or None when the worker ended before answering."""
        waiter = [threading.Event(), None]
        number = self._command(kind, waiter=waiter, **fields)
        if not number:
            return None
        waiter[0].wait(REPLY_SECONDS)
        with self._send_lock:
            self._replies.pop(number, None)
        return waiter[1]

    def _finish(self) -> None:
        """The run's end, however it came: free the worker, answer every waiting request, word the ending."""
        ending = self._release()
        with self._send_lock:
            for waiter in list(self._replies.values()):
                waiter[0].set()
        with self._lock:
            if self.status in ACTIVE_STATES and self._killed_on_stop:
                step = self.trainer.step_count if self.trainer is not None else 0
                self.status = STOPPED
                self.message = (f"Stopped at step {step}: its training process was still busy (building the "
                                f"networks or inside one long step) {STOP_GRACE_SECONDS:g} s after Stop, so it was "
                                "ended; checkpoints saved before are kept.")
            elif self.status in ACTIVE_STATES:  # no end message: the worker died
                self.status = FAILED
                self.error = self._died_sentence(ending)
            self._wake.notify_all()
        callback = self.on_done
        if callback is not None:
            callback(self)

    def _apply(self, update: dict) -> None:
        with self._lock:
            if update.get("built") and self.trainer is None:
                self.trainer = _TrainerMirror(self.config)
            mirror = self.trainer
            # a status the worker sent before it saw our latest command (e.g. "running" just after Pause) is stale
            if update["kind"] == "end" or update["acked"] >= self._sent:
                self.status, self.message, self.error = update["status"], update["message"], update["error"]
            self._acked = update["acked"]
            self._wake.notify_all()
            self.target_steps = update["target_steps"]
            if "final_payload" in update:
                self._final_payload = update["final_payload"]
            if mirror is None:
                return
            if "config" in update:
                self.config = mirror.config = TrainConfig.from_dict(update["config"])
            mirror.step_count, mirror.elapsed, mirror.precision = update["step"], update["elapsed"], update["precision"]
            if update["step"] != (self._rate_window[-1][1] if self._rate_window else None):
                self._note_rate(update["step"])
            history = update.get("history")
            if history is not None:
                if history["restart"]:
                    mirror.history.steps, mirror.history.series = [], {}
                mirror.history.stride = history["stride"]
                mirror.history.steps.extend(history["steps"])
                for key, values in history["series"].items():
                    column = mirror.history.series.setdefault(key, [float("nan")] * (len(mirror.history.steps)
                                                                                      - len(history["steps"])))
                    column.extend(values)
            if "snapshots" in update:
                fresh = dict(update.get("new_snapshots", {}))
                kept = {key: fresh.get(key) or self._snapshot_keys.get(key) for key in update["snapshots"]}
                self._snapshot_keys = {key: snap for key, snap in kept.items() if snap is not None}
                mirror.snapshots = list(self._snapshot_keys.values())
            if "metrics" in update:
                mirror.metrics = update["metrics"]
            if "events" in update:
                mirror.events = update["events"]


# -- the worker's side ----------------------------------------------------------------------------------------
def job_from_spec(spec: dict) -> TrainingJob:
    """The worker's own TrainingJob for the run a server handed over (RemoteTrainingJob._run_spec)."""
    return TrainingJob(TrainConfig.from_dict(spec["config"]), name=spec["name"], resume_state=spec["resume_state"],
                       extra_steps=spec["extra_steps"], dataset=spec["dataset"], step_delay=spec["step_delay"])


class _Publisher:
    """Builds each update from what changed since the last one (read under the job's lock, between steps)."""

    def __init__(self, job: TrainingJob):
        self.job = job
        self.rows = 0  # history rows sent
        self.stride = 1
        self.sent_snapshots: dict[int, dict] = {}  # key -> the snapshot object sent under it
        self.metrics_seen = None
        self.events_seen = 0
        self.config_seen = None
        self.last = None

    def update(self, acked: int, final: bool = False) -> bytes | None:
        """The next message, pickled; None when nothing changed since the last one (final: always a message)."""
        job = self.job
        with job._lock:
            trainer = job.trainer
            message = {"kind": "end" if final else "update", "acked": acked, "status": job.status,
                       "message": job.message, "error": job.error, "target_steps": job.target_steps,
                       "built": trainer is not None}
            if trainer is not None:
                message.update(step=trainer.step_count, elapsed=trainer.elapsed, precision=trainer.precision)
                self._add_changes(message, trainer)
                if final:
                    try:
                        message["final_payload"] = trainer.checkpoint_payload(name=job.name)
                    except Exception:  # the run's own end (finished, stopped) must still arrive; only Save is lost
                        pass
            steady = tuple(message.get(k) for k in ("acked", "status", "message", "error", "target_steps", "built",
                                                    "step", "precision"))
            news = any(key in message for key in ("config", "history", "snapshots", "metrics", "events"))
            if not final and not news and steady == self.last:
                return None
            self.last = steady
            # pickled under the lock: the lists it holds are the trainer's own, which the next step changes
            return pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)

    def _add_changes(self, message: dict, trainer) -> None:
        config = trainer.config.to_dict()
        if config != self.config_seen:
            message["config"] = self.config_seen = config
        history = trainer.history
        restart = history.stride != self.stride or len(history.steps) < self.rows  # rows were merged in pairs
        start = 0 if restart else self.rows
        if restart or len(history.steps) > self.rows:
            message["history"] = {"restart": restart, "stride": history.stride, "steps": history.steps[start:],
                                  "series": {k: v[start:] for k, v in history.series.items()}}
            self.rows, self.stride = len(history.steps), history.stride
        current = {id(snap): snap for snap in trainer.snapshots}
        if current.keys() != self.sent_snapshots.keys():
            message["snapshots"] = list(current)
            message["new_snapshots"] = {k: dict(s) for k, s in current.items() if k not in self.sent_snapshots}
            self.sent_snapshots = current  # holding them keeps each id unique while it is in use
        metrics_seen = (len(trainer.metrics.get("steps", [])), len(trainer.metrics.get("errors", [])))
        if metrics_seen != self.metrics_seen:
            message["metrics"], self.metrics_seen = trainer.metrics, metrics_seen
        if len(trainer.events) != self.events_seen:
            message["events"], self.events_seen = trainer.events, len(trainer.events)


def carry_out(job: TrainingJob, command: dict) -> dict | None:
    """Do what one command from the server asks; the answer of a request (live settings, payload), else None."""
    kind = command["kind"]
    if kind == "pause":
        job.pause()
    elif kind == "resume":
        job.resume()
    elif kind == "stop":
        job.stop()
    elif kind == "step":
        job.step_once(count=command["count"], part=command["part"])
    elif kind == "delay":
        job.step_delay = command["seconds"]
    elif kind == "set_hparams":
        try:
            diff = job.set_hparams(**command["changes"])
            return {"diff": diff, "config": job.config.to_dict(), "changed_at": job.changed_at}
        except ConfigError as error:
            return {"error": (error.field, error.message)}
    elif kind == "payload":
        try:
            return {"payload": job.checkpoint_payload()}
        except RuntimeError as error:
            return {"error": str(error)}
    return None
