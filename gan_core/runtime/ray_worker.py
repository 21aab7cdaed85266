"""Training on a Ray cluster (LATENT_LAB_WORKERS=ray): each run is an actor that holds an ordinary TrainingJob.

    app server                                                   a node of the cluster
    RayTrainingJob --- actor.command.remote(command) -------->  RunHost: TrainingJob (its thread) + _Publisher
       .trainer = _TrainerMirror <-- actor.update.remote(), 5/s   only what changed (gan_core.runtime.remote)

The protocol is the worker process's (gan_core.runtime.remote); only the transport differs. One thread per run
calls the actor's `update` five times a second and applies what comes back to the mirror; commands are actor calls,
and the answers of requests (live settings, the weights for Save) come back as their results. A Ray actor runs its
calls one at a time in the order one process sent them, so an update asked for after a Pause shows the paused step.
When the run ends, its last update brings its final weights and the actor is killed, which frees its slot.

Which cluster: RAY_ADDRESS (Ray's own variable), else a local Ray instance that this process starts on first need
(the app's warm-up starts it with the app). The local instance takes every core but one, like the worker processes.
A cluster that cannot be reached refuses runs with one sentence; the app goes on working (the choice is argued in
docs/SCALING.md). `import ray` happens in this module only, and only once a run or the warm-up asks for Ray, so the
app works without Ray installed.

Each run asks for one CPU, or, when it trains on a GPU, LATENT_LAB_RAY_GPU_FRACTION of one (0.1: ten small runs
share a GPU). Its actor is named after the job in the namespace "latent-lab", so every app server connected to the
same cluster can count the runs of all of them (`runs_on_cluster`) and share the cluster's limit
(`cluster_capacity`); the queue stays the app's own (gan_core.runtime.jobs).
"""
from __future__ import annotations

import importlib.util
import os
import pickle
import socket
import sys
import threading
import time

from gan_core import settings
from gan_core.config import ConfigError, TrainConfig
from gan_core.device import pick_device
from gan_core.runtime.job import FAILED, STOPPED
from gan_core.runtime.remote import PUBLISH_SECONDS, RemoteTrainingJob, _Publisher, carry_out, job_from_spec

NAMESPACE = "latent-lab"  # every app server's runs, whichever namespace its own connection has
ACTOR_PREFIX = "latent-lab-run-"
CONNECT_SECONDS = 3.0  # how long a cluster's address has to answer before runs are refused
RETRY_SECONDS = 20.0  # after a failed connection, Starts are refused this long before it is tried again
CAPACITY_SECONDS = 2.0  # how long the cluster's size is remembered (nodes come and go)
LOCAL_OBJECT_STORE_BYTES = 256 * 2**20  # a local instance's shared memory: updates and checkpoints are small
NOT_INSTALLED = ("LATENT_LAB_WORKERS=ray needs Ray, which is not installed here: pip install -r "
                 "requirements-cluster.txt, or unset LATENT_LAB_WORKERS to train on this server.")
PROJECT_ROOT = str(settings.PROJECT_ROOT)


class ClusterUnavailable(RuntimeError):
    """The Ray cluster cannot be reached or joined; the message is the sentence a run fails with."""


def installed() -> bool:
    """Whether Ray can be imported here (without importing it)."""
    return importlib.util.find_spec("ray") is not None


def require_installed() -> None:
    """Raises ConfigError (one sentence) when LATENT_LAB_WORKERS=ray but Ray is missing."""
    if not installed():
        raise ConfigError("workers", NOT_INSTALLED)


# -- the connection ---------------------------------------------------------------------------------------------
_connect_lock = threading.Lock()
_failure: tuple[float, str] | None = None  # when the last attempt failed, and its sentence
_capacity: tuple[float, dict] | None = None


def connected() -> bool:
    """Whether this process is connected to a Ray cluster (by `connect`, or by whoever called ray.init)."""
    if "ray" not in sys.modules:  # nobody here has imported it, so nobody has connected
        return False
    import ray

    return ray.is_initialized()


def connect() -> None:
    """Connect this process to Ray, once: RAY_ADDRESS's cluster, else a local instance started here.

    Raises ClusterUnavailable with one sentence when Ray is missing or the cluster does not answer; after a failure,
    Starts are refused for RETRY_SECONDS without trying again (each try may take seconds). A process already
    connected by its own ray.init (a test, a notebook) is used as it is.
    """
    global _failure
    if connected():
        return
    with _connect_lock:
        if connected():
            return
        if not installed():
            raise ClusterUnavailable(NOT_INSTALLED)
        if _failure is not None and time.monotonic() - _failure[0] < RETRY_SECONDS:
            raise ClusterUnavailable(_failure[1])
        try:
            _join(settings.ray_address())
        except ClusterUnavailable as error:
            _failure = (time.monotonic(), str(error))
            raise
        _failure = None


def _join(address: str | None) -> None:
    """ray.init in a thread that lives as long as this process (see below); ClusterUnavailable when it fails.

    Ray starts a local instance's processes with a "parent death signal", which Linux sends when the *thread* that
    started them ends, not the process. Started from a page's script thread, the instance would die with that run
    of the script; so the call is made from a thread that never ends (a daemon: the process still exits).
    """
    if address and address not in ("auto", "local") and not address.startswith("ray://"):
        _check_reachable(address)
    outcome: dict = {}
    ready = threading.Event()

    def keep_ray():
        try:
            _init(address)
        except Exception as error:  # handed to the caller, worded there
            outcome["error"] = error
        ready.set()
        if "error" not in outcome:
            threading.Event().wait()  # the local instance lives as long as this thread

    threading.Thread(target=keep_ray, name="latent-lab-ray", daemon=True).start()
    ready.wait()
    if "error" in outcome:
        error = outcome["error"]
        where = f"at {address}" if address else "on this machine"
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0][:200]
        raise ClusterUnavailable(f"The Ray cluster {where} could not be joined ({reason}); runs are refused until it "
                                 "can be: start it, or unset LATENT_LAB_WORKERS to train on this server.")


def _check_reachable(address: str) -> None:
    """A cluster's address that does not answer makes ray.init wait for minutes: try the port first."""
    host, _, port = address.rpartition(":")
    try:
        with socket.create_connection((host or "127.0.0.1", int(port)), timeout=CONNECT_SECONDS):
            pass
    except (OSError, ValueError) as error:
        reason = "not an address of the form host:port" if isinstance(error, ValueError) else str(error) or "no answer"
        raise ClusterUnavailable(f"The Ray cluster at {address} cannot be reached ({reason}); runs are refused until it "
                                 "answers: start it, or unset LATENT_LAB_WORKERS to train on this server.") from None


def _init(address: str | None) -> None:
    import ray

    if address:
        ray.init(address=address, namespace=NAMESPACE, log_to_driver=False)
        return
    # a local instance: its workers import this checkout (the nodes of a real cluster install it, see SCALING.md)
    path = os.pathsep.join(filter(None, [PROJECT_ROOT, os.environ.get("PYTHONPATH")]))
    ray.init(num_cpus=max(1, (os.cpu_count() or 2) - 1), include_dashboard=False, namespace=NAMESPACE,
             log_to_driver=False, object_store_memory=LOCAL_OBJECT_STORE_BYTES,
             runtime_env={"env_vars": {"PYTHONPATH": path}})


def warm_up() -> None:
    """Import Ray and connect now (the app's start-up), so the first Start does not wait for it; failures wait for
    a Start to be reported."""
    try:
        connect()
    except ClusterUnavailable:
        pass


# -- the cluster's size, shared by every app server --------------------------------------------------------------
def _resources() -> dict:
    global _capacity
    now = time.monotonic()
    if _capacity is None or now - _capacity[0] > CAPACITY_SECONDS:
        import ray

        _capacity = (now, dict(ray.cluster_resources()))
    return _capacity[1]


def cluster_capacity() -> int | None:
    """How many runs the cluster holds at once: its GPU slots at LATENT_LAB_RAY_GPU_FRACTION when it has GPUs,
    else its CPUs. None until this process is connected (nothing is started to answer)."""
    if not connected():
        return None
    try:
        resources = _resources()
    except Exception:  # the cluster has gone; each run says so when it fails
        return None
    gpus = resources.get("GPU", 0.0)
    if gpus > 0:
        return max(1, int(gpus / settings.ray_gpu_fraction() + 1e-9))
    return max(1, int(resources.get("CPU", 1.0)))


def runs_on_cluster(excluding: set[str] = frozenset()) -> int:
    """Runs of every app server alive on the cluster now (their actors, placed or waiting for room), leaving out the
    jobs whose ids are in `excluding` (the caller's own, which it counts itself). 0 when not connected."""
    if not connected():
        return 0
    import ray

    try:
        actors = ray.util.list_named_actors(all_namespaces=True)
    except Exception:
        return 0
    return sum(1 for actor in actors if actor.get("namespace") == NAMESPACE and actor["name"].startswith(ACTOR_PREFIX)
               and actor["name"][len(ACTOR_PREFIX):] not in excluding)


def wants_gpu(config: TrainConfig) -> bool:
    """A run on "cuda", or on "auto" when the cluster has GPUs, asks for a share of one."""
    if config.device == "cuda":
        return True
    return config.device in ("", "auto") and connected() and _resources().get("GPU", 0.0) > 0


def run_resources(config: TrainConfig) -> dict:
    """What one run's actor asks Ray for: one CPU, or LATENT_LAB_RAY_GPU_FRACTION of a GPU (and no whole CPU: the
    GPU is the limit, and its thread mostly waits for it)."""
    if wants_gpu(config):
        return {"num_cpus": 0, "num_gpus": settings.ray_gpu_fraction()}
    return {"num_cpus": 1}


# -- the server's side ------------------------------------------------------------------------------------------
class RayTrainingJob(RemoteTrainingJob):
    """A TrainingJob whose Trainer is in a Ray actor; `trainer` mirrors it, `where` says on which node and device.

    resources: extra custom resources the actor asks for (e.g. {"gpu-a100": 1}, or a test's {"second": 1}), to
    place runs on the nodes that offer them.
    """

    def __init__(self, config: TrainConfig, name: str = "", owner: str = "", resume_state: dict | None = None,
                 extra_steps: int | None = None, dataset=None, step_delay: float = 0.0,
                 resources: dict | None = None):
        self._actor = None
        self._gone = False  # the actor has ended (its last update came, or it died)
        self._ending = None  # why the actor went without a last update: the error that said so
        self._poke = threading.Event()  # a command was sent: ask for an update now, not in 0.2 s
        self._extra_resources = dict(resources or {})
        super().__init__(config, name=name, owner=owner, resume_state=resume_state, extra_steps=extra_steps,
                         dataset=dataset, step_delay=step_delay)

    @property
    def actor_name(self) -> str:
        return ACTOR_PREFIX + self.id

    def _launch(self, paused: bool) -> threading.Thread:
        """Return the thread of the whole run: it connects (a local Ray may take seconds to start), creates the
        actor, then applies its updates. Start returns at once; the page shows the run starting meanwhile."""
        thread = threading.Thread(target=self._run_remote, name=f"latent-lab-{self.id}", daemon=True)
        thread.start()
        return thread

    def _run_remote(self) -> None:
        try:
            try:
                connect()
                created = self._create_actor()
            except ClusterUnavailable as error:
                with self._lock:
                    self.status, self.error = FAILED, str(error)
                return
            except Exception as error:  # a dataset that cannot be pickled, resources Ray refuses, ...
                with self._lock:
                    self.status, self.error = FAILED, f"Could not start a training on the Ray cluster: {error}"
                return
            if created:
                self._watch()
        finally:
            self._finish()

    def _create_actor(self) -> bool:
        """Hand the run to a new actor; False when it was stopped before that (nothing is created then)."""
        import ray

        with self._send_lock, self._lock:  # settings and Pause asked for meanwhile go with the run
            if self._stop_requested:
                self.status, self.message = STOPPED, "Stopped before it started."
                return False
            spec = pickle.dumps(self._run_spec(self._pause_requested), protocol=pickle.HIGHEST_PROTOCOL)
            options = run_resources(self.config)
            if self._extra_resources:
                options["resources"] = self._extra_resources
            if options.get("num_cpus"):  # torch uses the cores the run asked for, not every core of the node
                options["runtime_env"] = {"env_vars": {settings.THREADS_VARIABLE: str(options["num_cpus"])}}
            self._actor = ray.remote(RunHost).options(name=self.actor_name, namespace=NAMESPACE, max_restarts=0,
                                                      max_task_retries=0, **options).remote(spec)
            self._resume_state = self._dataset = None  # the actor has them now
        return True

    def _watch(self) -> None:
        """Ask the actor for what changed, five times a second and right after each command, until the run ends."""
        import ray

        try:
            where = ray.get(self._actor.where.remote())  # answers once the actor is placed and has its run
            with self._lock:
                self.where = where
            while True:
                data = ray.get(self._actor.update.remote())
                if data is not None:
                    message = pickle.loads(data)
                    self._apply(message)
                    if message["kind"] == "end":
                        return
                self._poke.wait(PUBLISH_SECONDS)
                self._poke.clear()
        except Exception as error:  # the actor or its node died (ray.exceptions.RayActorError), or the cluster went
            self._ending = error

    # -- the transport ----------------------------------------------------------------------------------------
    def _connected(self) -> bool:
        return self._actor is not None and not self._gone

    def _transmit(self, message: dict) -> bool:
        try:
            result = self._actor.command.remote(message)
        except Exception:
            return False
        number = message["number"]
        if number in self._replies:
            result.future().add_done_callback(lambda future: self._reply(number, _result(future)))
        self._poke.set()
        return True

    def _kill(self) -> None:
        import ray

        actor = self._actor
        if actor is not None:
            try:
                ray.kill(actor, no_restart=True)  # the watcher's call fails at once, and the run ends in _finish
            except Exception:
                pass

    def _release(self):
        with self._send_lock:
            self._gone = True
        self._kill()  # a finished run's actor too: its slot is free the moment its last update is here
        return self._ending

    def _died_sentence(self, ending) -> str:
        node = f" on {self.where['node']}" if self.where.get("node") else ""
        if ending is not None and type(ending).__name__ in ("ActorDiedError", "RayActorError", "ActorUnavailableError"):
            return (f"The training's Ray actor{node} stopped unexpectedly (it or its node died, perhaps for lack of "
                    "memory). Start the run again; Save kept any checkpoint you made.")
        reason = (str(ending).strip().splitlines() or [type(ending).__name__])[0][:200] if ending else "no answer"
        return (f"The training's Ray actor{node} could no longer be reached ({reason}). Start the run again; Save kept "
                "any checkpoint you made.")


def _result(future):
    try:
        return future.result()
    except Exception:  # the actor died before answering: the request has no answer
        return None


# -- the actor's side -------------------------------------------------------------------------------------------
class RunHost:
    """A run's home on the cluster (made a Ray actor by RayTrainingJob): its TrainingJob and the _Publisher that
    reports it. Ray runs one call at a time, so commands and updates never interleave."""

    def __init__(self, spec: bytes):
        spec = pickle.loads(spec)
        self.job = job_from_spec(spec)
        self.done = threading.Event()
        self.job.on_done = lambda _job: self.done.set()
        self.publisher = _Publisher(self.job)
        self.acked = 0
        self.job.start(paused=spec["paused"])

    def where(self) -> dict:
        """The node (its name and address), the device this run trains on, and the actor's process there."""
        import ray
        import torch

        try:
            device = pick_device(self.job.config.device)
            label = f"cuda ({torch.cuda.get_device_name(device)})" if device.type == "cuda" else device.type
        except ValueError:  # no such device here: the run fails with the Trainer's own sentence
            label = self.job.config.device
        return {"node": f"{socket.gethostname()} ({ray.util.get_node_ip_address()})", "device": label,
                "node_id": ray.get_runtime_context().get_node_id(), "pid": os.getpid()}

    def command(self, command: dict) -> dict | None:
        try:
            reply = carry_out(self.job, command)
        except Exception:  # a command that cannot be carried out changes nothing; training goes on
            reply = None
        self.acked = command["number"]
        return reply

    def update(self) -> bytes | None:
        """What changed since the last call (None: nothing); once the run has ended, its last update and weights."""
        if self.done.is_set():
            self.job.join()
            return self.publisher.update(self.acked, final=True)
        return self.publisher.update(self.acked)
