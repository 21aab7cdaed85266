"""A server-wide registry of training jobs: a limit on how many run at once, a queue, and ownership.

One JobManager serves every browser session of a server (the app keeps it in st.cache_resource). Jobs
beyond `max_running` wait in a first-come queue and start as slots free up. Each job belongs to an owner
(in the app: a browser, whose tabs and reloads are sessions of it). The manager counts each owner's connected
sessions (`attach`, `release_owner`); when the last one has gone, the owner's jobs are stopped after a grace
period unless a session of it comes back in time.

With LATENT_LAB_WORKERS=ray the limit is the cluster's, shared by every app server connected to it: the default is
what the cluster holds (gan_core.runtime.ray_worker.cluster_capacity), and the runs other servers have on it count
as running here too. The queue stays this server's own: Ray's pending actors have no place in line to show.
"""
from __future__ import annotations

import os
import threading
import time

from gan_core import settings
from gan_core.runtime import ray_worker
from gan_core.runtime.job import PAUSED, QUEUED, RUNNING, TrainingJob
from gan_core.runtime.launch import worker_mode


def default_max_running() -> int:
    """LATENT_LAB_MAX_JOBS, else one job per spare core (at least 1): 1 on a 2-core laptop.

    With Ray workers, once connected: what the cluster holds, capped by LATENT_LAB_MAX_JOBS when it is set."""
    capacity = ray_worker.cluster_capacity() if worker_mode() == "ray" else None
    if capacity is not None:
        return min(capacity, settings.max_jobs() or capacity)
    return settings.max_jobs() or max(1, (os.cpu_count() or 2) - 1)


def _holds_slot(job: TrainingJob) -> bool:
    """A job that counts against max_running: running, or paused (a paused run keeps its slot), and alive."""
    return job.status in (RUNNING, PAUSED) and job.thread_alive


class JobLimitError(RuntimeError):
    """Too many jobs for one owner or for the server's queue; the message says which."""


class JobManager:
    def __init__(self, max_running: int | None = None, max_per_owner: int = 3, max_queued: int = 100,
                 keep_finished: int = 5):
        self._max_running = max_running  # None: default_max_running(), asked each time (a cluster grows and shrinks)
        self.max_per_owner = max_per_owner  # active (queued, running or paused) jobs per session
        self.max_queued = max_queued
        self.keep_finished = keep_finished  # finished jobs kept per owner, newest first
        self._jobs: dict[str, TrainingJob] = {}
        self._queue: list[str] = []
        self._lock = threading.RLock()
        self._release_timers: dict[str, threading.Timer] = {}
        self._sessions: dict[str, int] = {}  # connected sessions per owner (a browser's open tabs)

    @property
    def max_running(self) -> int:
        return self._max_running or default_max_running()

    @max_running.setter
    def max_running(self, value: int | None) -> None:
        self._max_running = value

    # -- submitting ---------------------------------------------------------------------------------------
    def submit(self, job: TrainingJob) -> TrainingJob:
        """Register `job`: it starts now if a slot is free, otherwise it waits in the queue."""
        with self._lock:
            active = [j for j in self._jobs.values() if j.owner == job.owner and j.is_active]
            if job.owner and len(active) >= self.max_per_owner:
                raise JobLimitError(f"You already have {len(active)} runs going; stop one before starting another.")
            if len(self._queue) >= self.max_queued:
                raise JobLimitError("The server's queue is full; try again when some runs have finished.")
            job.on_done = self._on_done
            self._jobs[job.id] = job
            self._queue.append(job.id)
            self._prune(job.owner)
            self._schedule()
        return job

    def _running_count(self) -> int:
        """This server's running jobs, and with Ray workers every other server's runs on the same cluster."""
        ours = sum(1 for j in self._jobs.values() if _holds_slot(j))
        if worker_mode() == "ray":
            ours += ray_worker.runs_on_cluster(excluding=set(self._jobs))
        return ours

    def _schedule(self) -> None:
        with self._lock:
            self._queue = [i for i in self._queue if i in self._jobs and self._jobs[i].status == QUEUED
                           and not self._jobs[i].thread_alive]
            while self._queue and self._running_count() < self.max_running:  # (the cluster asked only when one waits)
                job = self._jobs[self._queue.pop(0)]
                job.start()

    def _on_done(self, job: TrainingJob) -> None:
        # called from the finishing job's thread
        self._schedule()

    # -- reading ------------------------------------------------------------------------------------------
    def get(self, job_id: str) -> TrainingJob | None:
        with self._lock:
            return self._jobs.get(job_id)

    def jobs(self, owner: str | None = None) -> list[TrainingJob]:
        with self._lock:
            self._schedule()  # also cleans up jobs cancelled while queued
            found = [j for j in self._jobs.values() if owner is None or j.owner == owner]
        return sorted(found, key=lambda j: j.created)

    def queue_position(self, job: TrainingJob) -> int | None:
        """1 for the next job to start, None when the job is not waiting."""
        with self._lock:
            return self._queue.index(job.id) + 1 if job.id in self._queue else None

    def slot_holders(self, owner: str) -> list[TrainingJob]:
        """`owner`'s jobs holding a training slot (running, or paused: a paused run keeps its slot), oldest first:
        what a queued run of theirs could start in place of, were one stopped."""
        with self._lock:
            held = [j for j in self._jobs.values() if j.owner == owner and _holds_slot(j)]
        return sorted(held, key=lambda j: j.created)

    def active_count(self) -> int:
        with self._lock:
            return sum(1 for j in self._jobs.values() if j.is_active)

    # -- stopping and forgetting --------------------------------------------------------------------------------
    def stop(self, job_id: str) -> None:
        job = self.get(job_id)
        if job is not None:
            job.stop()
        self._schedule()

    def forget(self, job_id: str) -> None:
        with self._lock:
            job = self._jobs.pop(job_id, None)
        if job is not None:
            job.stop()
        self._schedule()

    def stop_owner(self, owner: str) -> None:
        for job in self.jobs(owner):
            job.stop()
        self._schedule()

    def attach(self, owner: str) -> None:
        """A session of `owner` has connected (a tab opened or reloaded): its jobs stay, a pending release is off."""
        with self._lock:
            self._sessions[owner] = self._sessions.get(owner, 0) + 1
            timer = self._release_timers.pop(owner, None)
        if timer:
            timer.cancel()

    def release_owner(self, owner: str, grace_seconds: float = 60.0) -> None:
        """A session of `owner` has ended. When it was the last one, stop and forget the owner's jobs after a grace
        period, unless a session of it `attach`es in time (a reload, a tab opened again)."""
        with self._lock:
            left = self._sessions.pop(owner, 0) - 1
            if left > 0:
                self._sessions[owner] = left
                return
            previous = self._release_timers.pop(owner, None)
            if previous:
                previous.cancel()
            timer = threading.Timer(grace_seconds, self._expire_owner)
            timer.args = (owner, timer)  # it expires only while it is still the owner's pending release
            timer.daemon = True
            self._release_timers[owner] = timer
            timer.start()

    def _expire_owner(self, owner: str, timer: threading.Timer) -> None:
        with self._lock:
            if self._release_timers.get(owner) is not timer:  # a session attached while this timer fired
                return
            self._release_timers.pop(owner)
            doomed = [j for j in self._jobs.values() if j.owner == owner]
            for job in doomed:
                self._jobs.pop(job.id, None)
        for job in doomed:
            job.stop()
        for job in doomed:
            job.join(timeout=10)
        self._schedule()

    def _prune(self, owner: str) -> None:
        done = [j for j in self._jobs.values() if j.owner == owner and not j.is_active and not j.thread_alive]
        done.sort(key=lambda j: j.created, reverse=True)
        for job in done[self.keep_finished:]:
            self._jobs.pop(job.id, None)

    def shutdown(self, timeout: float = 10.0) -> None:
        """Stop everything (tests and server exit)."""
        with self._lock:
            jobs = list(self._jobs.values())
            timers = list(self._release_timers.values())
            self._release_timers.clear()
            self._sessions.clear()
            self._queue.clear()
        for timer in timers:
            timer.cancel()
        for job in jobs:
            job.stop()
        deadline = time.time() + timeout
        for job in jobs:
            job.join(max(0.0, deadline - time.time()))
