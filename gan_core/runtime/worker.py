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

Workers are forked from a small fork server that has imported torch once (`warm_up_workers`, in
gan_core.runtime.launch with the rest of how workers are launched), so a Start costs milliseconds, not a fresh
interpreter. `new_job` picks the kind: LATENT_LAB_WORKERS=thread keeps the
old in-process thread (tests that reach into a Trainer, or platforms without processes), and
LATENT_LAB_WORKERS=ray puts each run in an actor on a Ray cluster (gan_core.runtime.ray_worker).

Everything but the transport is shared. `RemoteTrainingJob` is the server's side of any run trained elsewhere:
it numbers commands, waits for their answers, applies updates to the mirror and words the end of a run.
`_Publisher` and `carry_out` are the other side, next to the worker's own TrainingJob. A subclass only says how a
command travels, how the worker is started and ended: a pipe and a forked process here, an actor in ray_worker.
"""
from __future__ import annotations

import pickle
import threading

from gan_core import budget
from gan_core.config import TrainConfig
from gan_core.runtime import ray_worker
from gan_core.runtime.launch import worker_context, worker_mode
from gan_core.runtime.job import FAILED, TrainingJob
from gan_core.runtime.remote import (PUBLISH_SECONDS, REPLY_SECONDS, STOP_GRACE_SECONDS, RemoteTrainingJob,  # noqa: F401
                                     _Publisher, _TrainerMirror, carry_out, job_from_spec)


def new_job(config: TrainConfig, **options) -> TrainingJob:
    """A job of the configured kind (see `worker_mode`); options as for TrainingJob.

    Raises ConfigError (one sentence) for a run that cannot fit the per-run memory budget (gan_core.budget): every
    run the app starts comes through here, so none can fill the server's memory. With LATENT_LAB_WORKERS=ray and
    Ray not installed, the ConfigError says so.
    """
    budget.check(config, options.get("dataset"))
    if "trainer_factory" in options:  # a Trainer of the caller's own lives in this process
        return TrainingJob(config, **options)
    mode = worker_mode()
    if mode == "ray":
        ray_worker.require_installed()
        return ray_worker.RayTrainingJob(config, **options)
    if mode == "process":
        return ProcessTrainingJob(config, **options)
    return TrainingJob(config, **options)


def _send(connection, message: dict) -> None:
    # plain pickle, not the connection's own: tensors travel by value, with no shared-memory handles to track
    connection.send_bytes(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))


def _receive(connection) -> dict:
    return pickle.loads(connection.recv_bytes())


class ProcessTrainingJob(RemoteTrainingJob):
    """A TrainingJob whose Trainer runs in a worker process, reached through a pipe."""

    def __init__(self, config: TrainConfig, name: str = "", owner: str = "", resume_state: dict | None = None,
                 extra_steps: int | None = None, dataset=None, step_delay: float = 0.0):
        self._connection = None
        self.worker_pid: int | None = None
        self._process = None
        super().__init__(config, name=name, owner=owner, resume_state=resume_state, extra_steps=extra_steps,
                         dataset=dataset, step_delay=step_delay)

    def _launch(self, paused: bool) -> threading.Thread:
        """Fork a worker, hand it the run and return the thread that applies its updates.

        Whatever goes wrong here (no process to be had, a dataset that cannot be pickled, a worker that died before
        reading its run) fails this run with a sentence; nothing reaches the page or the job queue.
        """
        process = ours = theirs = None
        try:
            spec = pickle.dumps(self._run_spec(paused), protocol=pickle.HIGHEST_PROTOCOL)
            context, process_class = worker_context()
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

    # -- the pipe ---------------------------------------------------------------------------------------------
    def _connected(self) -> bool:
        return self._connection is not None and not self._connection.closed

    def _transmit(self, message: dict) -> bool:
        try:
            _send(self._connection, message)
        except (OSError, ValueError):  # the worker has gone; the watcher reports why
            return False
        return True

    def _kill(self) -> None:
        process = self._process
        try:
            process.kill()  # SIGKILL: the watcher sees the pipe close and ends the run in _finish
        except (AttributeError, ValueError):  # no process, or _finish has already closed it: the run has ended
            pass

    def _watch(self) -> None:
        """The server-side thread of a running job: applies the worker's updates until it ends."""
        try:
            while True:
                try:
                    message = _receive(self._connection)
                except (EOFError, OSError):
                    break
                if message["kind"] == "reply":
                    self._reply(message["number"], message)
                    continue
                self._apply(message)
                if message["kind"] == "end":
                    break
        finally:
            self._finish()

    def _release(self):
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
        return code

    def _died_sentence(self, code) -> str:
        how = f" (exit code {code})" if code not in (None, 0) else ""
        return (f"The training process stopped unexpectedly{how}, perhaps for lack of memory. "
                "Start the run again; Save kept any checkpoint you made.")


# -- the worker process -------------------------------------------------------------------------------------
def worker_main(connection) -> None:
    """The worker process: receive the run, train it in a thread, relay commands in and updates out."""
    spec = _receive(connection)
    job = job_from_spec(spec)
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
                        reply = carry_out(job, command)
                    except Exception:  # a command that cannot be carried out changes nothing; training goes on
                        reply = None
                    if reply is not None:
                        _send(connection, {"kind": "reply", "number": command["number"], **reply})
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
