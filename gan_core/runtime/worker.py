"""Training in a worker process, so the web server's interpreter lock serves only the pages.

A `TrainingJob` trains in a thread of the process that created it. In the app that process is the web
server: every training step then competes with the pages for Python's interpreter lock, and a class of
thirty sees it as slow pages and slow training. A `ProcessTrainingJob` has the same surface (start, pause,
resume, step, stop, live settings, `snapshot()`, `frames()`, `checkpoint_payload()`), but the Trainer lives
in a child process:

    server process                                   worker process
    ProcessTrainingJob --- commands (pipe) -------->  bridge loop -> TrainingJob (its own thread) -> Trainer
       .trainer = _TrainerMirror <-- updates, 5/s ---  only what changed: new history rows, new snapshots, ...

The mirror holds plain numbers and pictures only, so a page reads it exactly as it read a real Trainer.
When the run ends, the worker sends its final weights (what Save needs) and exits. A worker that dies
(killed, out of memory) fails its job with a sentence; a server that dies takes its workers with it
(each notices the closed pipe).

Workers are forked from a small fork server that has imported torch once (`warm_up_workers`), so a Start
costs milliseconds, not a fresh interpreter. `new_job` picks the kind: LATENT_LAB_WORKERS=thread keeps the
old in-process thread (tests that reach into a Trainer, or platforms without processes).
"""
from __future__ import annotations

import contextlib
import multiprocessing
import pickle
import sys
import threading
from multiprocessing import spawn

from gan_core import budget, settings
from gan_core.config import ConfigError, TrainConfig
from gan_core.data import dataset_names
from gan_core.runtime.job import ACTIVE_STATES, FAILED, PAUSED, STOPPED, TrainingJob
from gan_core.training import History, check_step_part

PUBLISH_SECONDS = 0.2  # how often a worker sends what changed (the page refreshes once a second)
REPLY_SECONDS = 30.0  # how long a request (save, live settings) waits for the worker
STOP_GRACE_SECONDS = 3.0  # how long a stopped run's worker may take to end by itself before it is killed
DEFAULT_WORKERS = "process"


def worker_mode() -> str:
    """LATENT_LAB_WORKERS ("process" or "thread"), else DEFAULT_WORKERS."""
    return settings.worker_mode() or DEFAULT_WORKERS


def new_job(config: TrainConfig, **options) -> TrainingJob:
    """A job of the configured kind (see `worker_mode`); options as for TrainingJob.

    Raises ConfigError (one sentence) for a run that cannot fit the per-run memory budget (gan_core.budget): every
    run the app starts comes through here, so none can fill the server's memory.
    """
    budget.check(config, options.get("dataset"))
    if worker_mode() == "process" and "trainer_factory" not in options:
        return ProcessTrainingJob(config, **options)
    return TrainingJob(config, **options)


_context_lock = threading.Lock()
_context = None
_process_class = None


@contextlib.contextmanager
def _main_left_alone():
    """While a worker is launched, leave the server's main module out of what the child prepares.

    multiprocessing re-runs the parent's main script in every child it starts this way (as `__mp_main__`), so
    that functions defined there can be found. The worker needs nothing from it, and for the app the main
    script is Streamlit's command line: re-running it costs every Start an import and would re-enter any
    script that lacks a `__name__ == "__main__"` guard. The preparation data is built by one module-level
    function, which is swapped for the launch only (the lock keeps launches one at a time).
    """
    original = spawn.get_preparation_data

    def without_main(name):
        data = original(name)
        data.pop("init_main_from_path", None)
        data.pop("init_main_from_name", None)
        return data

    spawn.get_preparation_data = without_main
    try:
        yield
    finally:
        spawn.get_preparation_data = original


def _launcher(base):
    """A Process class of `base` kind whose launch leaves the main module alone (module level: it is pickled)."""

    class WorkerProcess(base):
        @staticmethod
        def _Popen(process_obj):
            with _launch_lock, _main_left_alone():
                return base._Popen(process_obj)

    WorkerProcess.__qualname__ = WorkerProcess.__name__ = f"Worker{base.__name__}"
    return WorkerProcess


_launch_lock = threading.Lock()
WorkerSpawnProcess = _launcher(multiprocessing.context.SpawnProcess)
if hasattr(multiprocessing.context, "ForkServerProcess"):  # not on Windows
    WorkerForkServerProcess = _launcher(multiprocessing.context.ForkServerProcess)


def _mp_context():
    """A fork server with torch and the trainer imported (forking it is fast and safe: it has no threads);
    spawn where the platform has no fork server (Windows, and macOS by choice). Returns (context, Process class)."""
    global _context, _process_class
    with _context_lock:
        if _context is None:
            if "forkserver" in multiprocessing.get_all_start_methods() and sys.platform.startswith("linux"):
                _context, _process_class = multiprocessing.get_context("forkserver"), WorkerForkServerProcess
                _context.set_forkserver_preload(["gan_core.runtime.worker_preload"])
            else:
                _context, _process_class = multiprocessing.get_context("spawn"), WorkerSpawnProcess
        return _context, _process_class


def warm_up_workers() -> None:
    """Start the fork server now (it imports torch, a second or two) rather than on the first Start."""
    context, _ = _mp_context()
    if context.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def _send(connection, message: dict) -> None:
    # plain pickle, not the connection's own: tensors travel by value, with no shared-memory handles to track
    connection.send_bytes(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))


def _receive(connection) -> dict:
    return pickle.loads(connection.recv_bytes())


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


class ProcessTrainingJob(TrainingJob):
    """A TrainingJob whose Trainer runs in a worker process; `trainer` is a read-only mirror of it."""

    def __init__(self, config: TrainConfig, name: str = "", owner: str = "", resume_state: dict | None = None,
                 extra_steps: int | None = None, dataset=None, step_delay: float = 0.0):
        self._connection = None
        self._send_lock = threading.RLock()  # taken before the job's lock, never after it
        self.worker_pid: int | None = None
        self._process = None
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

    # -- slow motion is read by the worker after every step ---------------------------------------------------
    @property
    def step_delay(self) -> float:
        return self._step_delay

    @step_delay.setter
    def step_delay(self, seconds: float) -> None:
        self._step_delay = float(seconds)
        self._command("delay", seconds=float(seconds))

    # -- control ---------------------------------------------------------------------------------------------
    def _launch(self, paused: bool) -> threading.Thread:
        """Fork a worker, hand it the run and return the thread that applies its updates.

        Whatever goes wrong here (no process to be had, a dataset that cannot be pickled, a worker that died before
        reading its run) fails this run with a sentence; nothing reaches the page or the job queue.
        """
        process = ours = theirs = None
        try:
            # a built-in dataset the worker loads itself (cheaper than copying MNIST through a pipe); data drawn or
            # uploaded in a browser session exists only here and goes with the run
            dataset = None if self.config.dataset in dataset_names() else self._dataset
            spec = pickle.dumps({"config": self.config.to_dict(), "name": self.name, "resume_state": self._resume_state,
                                 "extra_steps": self._extra_steps, "dataset": dataset,
                                 "step_delay": self._step_delay, "paused": paused}, protocol=pickle.HIGHEST_PROTOCOL)
            context, process_class = _mp_context()
            ours, theirs = context.Pipe()
            process = process_class(target=worker_main, args=(theirs,), name=f"latent-lab-{self.id}", daemon=True)
            process.start()
            theirs.close()
            ours.send_bytes(spec)  # before anyone else may send: the run is the first thing the worker reads
        except Exception as error:
            for end in (ours, theirs):
                if end is not None:
                    end.close()
            if process is not None and process.pid is not None:
                process.kill()
            self._process = process if process is not None and process.pid is not None else None
            self.status, self.error = FAILED, f"Could not start a training process: {error}"
            thread = threading.Thread(target=self._finish, name=f"latent-lab-{self.id}", daemon=True)
            thread.start()
            return thread
        self._process, self.worker_pid = process, process.pid
        self._resume_state = self._dataset = None  # the worker has them now
        self._connection = ours
        thread = threading.Thread(target=self._watch, name=f"latent-lab-{self.id}", daemon=True)
        thread.start()
        return thread

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
        too. The worker is our own child and holds nothing but this run, so killing it loses only the weights since
        the last Save; the run is marked stopped with a sentence saying so.
        """
        super().stop()
        if self._command("stop") and not self._stop_watched:
            self._stop_watched = True
            threading.Thread(target=self._end_if_unanswered, name=f"latent-lab-{self.id}-stop", daemon=True).start()

    def _end_if_unanswered(self) -> None:
        with self._lock:
            if self._wake.wait_for(lambda: self.status not in ACTIVE_STATES or not self.thread_alive,
                                   timeout=STOP_GRACE_SECONDS):
                return
            self._killed_on_stop = True
        process = self._process
        try:
            process.kill()  # SIGKILL: the watcher sees the pipe close and ends the run in _finish
        except (AttributeError, ValueError):  # no process, or _finish has already closed it: the run has ended
            pass

    def set_hparams(self, **changes) -> dict:
        with self._lock:  # not while start() is handing the run over
            if self._connection is None:  # still queued: the change goes into the config it will start with
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
            if self._connection is None or self._connection.closed:
                return 0
            self._sent += 1
            number = self._sent
            if waiter is not None:
                self._replies[number] = waiter
            try:
                _send(self._connection, {"kind": kind, "number": number, **fields})
            except (OSError, ValueError):  # the worker has gone; the watcher reports why
                self._replies.pop(number, None)
                return 0
            return number

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

    def _watch(self) -> None:
        """The server-side thread of a running job: applies the worker's updates until it ends."""
        try:
            while True:
                try:
                    message = _receive(self._connection)
                except (EOFError, OSError):
                    break
                if message["kind"] == "reply":
                    waiter = self._replies.get(message["number"])
                    if waiter is not None:
                        waiter[1] = message
                        waiter[0].set()
                    continue
                self._apply(message)
                if message["kind"] == "end":
                    break
        finally:
            self._finish()

    def _finish(self) -> None:
        process, code = self._process, None
        if process is not None:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
                process.join(timeout=5)
            code = process.exitcode
            if code is not None:
                process.close()  # its descriptors now, not whenever the job is collected
        with self._send_lock:
            if self._connection is not None:
                self._connection.close()
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
                how = f" (exit code {code})" if code not in (None, 0) else ""
                self.status = FAILED
                self.error = (f"The training process stopped unexpectedly{how}, perhaps for lack of memory. "
                              "Start the run again; Save kept any checkpoint you made.")
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


# -- the worker process -------------------------------------------------------------------------------------
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


def _handle(job: TrainingJob, command: dict, connection) -> None:
    """Carry out one command from the server (requests answer with a reply of the same number)."""
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
            reply = {"diff": diff, "config": job.config.to_dict(), "changed_at": job.changed_at}
        except ConfigError as error:
            reply = {"error": (error.field, error.message)}
        _send(connection, {"kind": "reply", "number": command["number"], **reply})
    elif kind == "payload":
        try:
            reply = {"payload": job.checkpoint_payload()}
        except RuntimeError as error:
            reply = {"error": str(error)}
        _send(connection, {"kind": "reply", "number": command["number"], **reply})


def worker_main(connection) -> None:
    """The worker process: receive the run, train it in a thread, relay commands in and updates out."""
    spec = _receive(connection)
    job = TrainingJob(TrainConfig.from_dict(spec["config"]), name=spec["name"], resume_state=spec["resume_state"],
                      extra_steps=spec["extra_steps"], dataset=spec["dataset"], step_delay=spec["step_delay"])
    done = threading.Event()
    job.on_done = lambda _job: done.set()
    job.start(paused=spec["paused"])
    publisher = _Publisher(job)
    acked = 0
    try:
        while not done.is_set():
            if connection.poll(PUBLISH_SECONDS):
                while True:  # every command waiting, then an update at once: Pause shows its step without delay
                    command = _receive(connection)
                    try:
                        _handle(job, command, connection)
                    except (EOFError, OSError):
                        raise
                    except Exception:  # a command that cannot be carried out changes nothing; training goes on
                        pass
                    acked = command["number"]
                    if not connection.poll(0):
                        break
            data = publisher.update(acked)
            if data is not None:
                connection.send_bytes(data)
        job.join()
        connection.send_bytes(publisher.update(acked, final=True))
    except (EOFError, OSError):  # the server has gone: stop training and leave
        job.stop()
        job.join(timeout=5)
