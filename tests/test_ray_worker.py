"""Training on a Ray cluster (gan_core.runtime.ray_worker): the worker tests' behaviours across Ray's wire, a run
placed on a second node, two app servers sharing one cluster, and the sentences a missing Ray or an unreachable
cluster give.

One local two-node cluster (ray.cluster_utils.Cluster: a head with 2 CPUs, a second node with 1 CPU and a custom
resource "second") serves every test of the module: starting Ray takes seconds on a small machine. It listens on
loopback only, without token authentication (a throw-away cluster), and is shut down at the end.
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading

import pytest

from bench import checkout_env
from bench.browser import free_port
from gan_core import settings, store
from gan_core.checkpoints import load_checkpoint
from gan_core.config import ConfigError
from gan_core.runtime import ray_worker
from gan_core.runtime.job import FAILED, FINISHED, QUEUED, RUNNING, STOPPED, TrainingJob
from gan_core.runtime.jobs import JobManager, default_max_running
from gan_core.runtime.ray_worker import RayTrainingJob
from gan_core.runtime.worker import new_job
from tests.test_worker import controls_cross_the_wire, same_run, wait_for

if not ray_worker.installed():
    if settings.switched_on(os.environ.get("CI")):  # as tests/conftest.py reads it
        pytest.fail("Ray is missing; .ci/run installs requirements-cluster.txt", pytrace=False)
    pytest.skip("Ray is not installed (pip install -r requirements-cluster.txt)", allow_module_level=True)

# Ray reads these when it is imported: loopback addresses, and no token on a throw-away cluster. Set for the whole
# test process (they concern Ray alone), before anything here imports Ray.
LOOPBACK_ENV = {"RAY_AUTH_MODE": "disabled", "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0"}
for _name, _value in LOOPBACK_ENV.items():
    os.environ.setdefault(_name, _value)

import ray  # noqa: E402  (after the skip: the module is only collected with Ray installed)
from ray.cluster_utils import Cluster  # noqa: E402

SMALL_NODE = {"include_dashboard": False, "object_store_memory": 80 * 2**20, "node_ip_address": "127.0.0.1"}


@pytest.fixture(scope="module")
def cluster():
    """A head (2 CPUs) and a second node (1 CPU, resource "second") on loopback; this process connected to it,
    with LATENT_LAB_WORKERS=ray for the module's tests."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in {**LOOPBACK_ENV, "LATENT_LAB_WORKERS": "ray"}.items():
            patch.setenv(name, value)
        patch.setenv("PYTHONPATH", checkout_env()["PYTHONPATH"])  # the nodes' workers import this checkout
        local = Cluster(initialize_head=True, head_node_args={"num_cpus": 2, **SMALL_NODE})
        second = local.add_node(num_cpus=1, resources={"second": 1}, **SMALL_NODE)
        try:
            ray.init(address=local.address, namespace="latent-lab-tests", log_to_driver=False,
                     _node_ip_address="127.0.0.1")
            local.wait_for_nodes()
            yield {"cluster": local, "second_node_id": second.node_id}
        finally:
            ray.shutdown()
            local.shutdown()


def actors_left() -> list[str]:
    return [a["name"] for a in ray.util.list_named_actors(all_namespaces=True)
            if a["namespace"] == ray_worker.NAMESPACE and a["name"].startswith(ray_worker.ACTOR_PREFIX)]


@pytest.mark.slow  # over 10 s on the 2-core machine
def test_a_ray_actor_trains_exactly_what_a_thread_trains(cluster, tiny_config):
    config = tiny_config.replace(steps=40)
    in_thread = TrainingJob(config, name="same")
    in_thread.start()
    on_ray = new_job(config, name="same")  # LATENT_LAB_WORKERS=ray
    assert isinstance(on_ray, RayTrainingJob)
    on_ray.start()
    in_thread.join(60)
    on_ray.join(60)
    assert on_ray.status == in_thread.status == FINISHED
    same_run(in_thread, on_ray, steps=40)
    assert on_ray.snapshot()["where"]["device"] == "cpu" and "127.0.0.1" in on_ray.snapshot()["where"]["node"]
    wait_for(lambda: on_ray.actor_name not in actors_left(), timeout=10)  # its slot is free once its run is over


def test_pause_step_live_settings_save_and_stop_cross_the_wire(cluster, tiny_config):
    job = RayTrainingJob(tiny_config.replace(steps=100_000), name="controlled")
    job.start()
    controls_cross_the_wire(job, tiny_config, started_timeout=60, stop_timeout=15)
    wait_for(lambda: job.actor_name not in actors_left(), timeout=10)


def test_a_killed_actor_fails_its_run_with_a_sentence(cluster, tiny_config):
    finished = threading.Event()
    job = RayTrainingJob(tiny_config.replace(steps=100_000))
    job.on_done = lambda _job: finished.set()
    job.start()
    wait_for(lambda: job.trainer is not None and job.trainer.step_count > 0, timeout=60)
    ray.kill(ray.get_actor(job.actor_name, namespace=ray_worker.NAMESPACE))  # what a dead node does to its actors
    assert finished.wait(15)
    assert job.status == FAILED and "Ray actor on" in job.error and "stopped unexpectedly" in job.error
    assert not job.thread_alive
    with pytest.raises(ConfigError, match="has ended"):  # nothing waits for an answer that cannot come
        job.set_hparams(lr_g=1e-4)


def test_abandoned_runs_leave_no_actor_behind(cluster, tiny_config):
    manager = JobManager(max_running=2)
    jobs = [manager.submit(RayTrainingJob(tiny_config.replace(steps=100_000), owner=f"student{i}")) for i in range(3)]
    wait_for(lambda: all(j.trainer is not None for j in jobs[:2]), timeout=60)
    assert jobs[2].status == QUEUED and len(actors_left()) == 2
    for i in range(3):
        manager.release_owner(f"student{i}", grace_seconds=0.1)
    wait_for(lambda: not manager.jobs(), timeout=60)
    wait_for(lambda: not actors_left(), timeout=30)
    # the manager forgets a released owner's jobs before it stops and joins them (for up to 10 s each): a job's
    # thread may still be winding down when its actor is already gone (CI, session 21: 1 of 3 alive at that moment)
    wait_for(lambda: not any(j.thread_alive for j in jobs), timeout=15)
    ends = [(j.status, j.error, j.message, j.thread_alive) for j in jobs]
    assert all(j.status == STOPPED for j in jobs) and not any(j.thread_alive for j in jobs), ends


def test_a_run_on_the_second_node_streams_and_saves(cluster, tiny_config, tmp_path, monkeypatch):
    monkeypatch.setenv("LATENT_LAB_RUNS", str(tmp_path))
    job = RayTrainingJob(tiny_config.replace(steps=100_000), name="far away", resources={"second": 1})
    job.start()
    wait_for(lambda: job.trainer is not None and job.trainer.step_count > 5, timeout=60)
    assert job.where["node_id"] == cluster["second_node_id"]
    seen = len(job.snapshot()["history"]["steps"])
    wait_for(lambda: len(job.snapshot()["history"]["steps"]) > seen, timeout=10)  # still streaming
    path = store.save_run(job.checkpoint_payload(), "far away")
    job.stop()
    job.join(15)
    assert load_checkpoint(path).step > 5


@pytest.mark.slow  # over 10 s on the 2-core machine
def test_two_app_servers_share_the_runs_folder_and_the_clusters_limit(cluster, tiny_config, tmp_path, monkeypatch):
    """Two JobManagers (two app servers) on one cluster and one runs folder; the cluster has 3 CPUs."""
    monkeypatch.setenv("LATENT_LAB_RUNS", str(tmp_path))
    monkeypatch.delenv("LATENT_LAB_MAX_JOBS", raising=False)
    first, second = JobManager(), JobManager()
    try:
        assert first.max_running == second.max_running == ray_worker.cluster_capacity() == 3 == default_max_running()
        monkeypatch.setenv("LATENT_LAB_MAX_JOBS", "2")
        assert default_max_running() == 2  # the setting caps what the cluster holds
        monkeypatch.delenv("LATENT_LAB_MAX_JOBS")

        theirs = [first.submit(new_job(tiny_config.replace(steps=100_000), owner=f"a{i}")) for i in range(2)]
        wait_for(lambda: len(actors_left()) == 2, timeout=10)  # their actors are on the cluster (ms after Start)
        ours = [second.submit(new_job(tiny_config.replace(steps=100_000), owner=f"b{i}")) for i in range(2)]
        assert ours[0].status == RUNNING and ours[1].status == QUEUED  # 2 of the cluster's 3 are the first's
        assert second.queue_position(ours[1]) == 1
        wait_for(lambda: theirs[0].trainer is not None and theirs[0].trainer.step_count > 3, timeout=60)

        saved = store.save_run(theirs[0].checkpoint_payload(), "made on the first server")
        listed = {c.name: c.path for c in store.list_checkpoints() if c.source == "saved"}
        assert listed == {"made on the first server": str(saved)}  # what the second server lists
        assert load_checkpoint(listed["made on the first server"]).step > 3

        first.stop(theirs[0].id)
        wait_for(lambda: theirs[0].actor_name not in actors_left(), timeout=15)
        second.jobs()  # a page refresh on the second server: its queue moves into the freed slot
        assert ours[1].status == RUNNING and second.queue_position(ours[1]) is None
    finally:
        first.shutdown()
        second.shutdown()
    wait_for(lambda: not actors_left(), timeout=15)


def test_without_ray_the_setting_is_refused_with_a_sentence(tiny_config, monkeypatch):
    monkeypatch.setenv("LATENT_LAB_WORKERS", "ray")
    monkeypatch.setattr(ray_worker, "installed", lambda: False)
    with pytest.raises(ConfigError, match="needs Ray, which is not installed"):
        new_job(tiny_config)


@pytest.mark.slow
def test_an_unreachable_cluster_refuses_runs_with_a_sentence(tmp_path):
    """In a process of its own (this one is connected): RAY_ADDRESS names a port nobody listens on."""
    script = textwrap.dedent("""
        import time
        from gan_core.presets import preset_config
        from gan_core.runtime.jobs import JobManager
        from gan_core.runtime.worker import new_job
        manager = JobManager()
        began = time.monotonic()
        job = manager.submit(new_job(preset_config("ring8-vanilla")))
        job.join(60)
        print(job.status, round(time.monotonic() - began, 1))
        print(job.error)
        again = manager.submit(new_job(preset_config("ring8-vanilla")))  # refused at once, without a second wait
        again.join(10)
        print(again.status, again.error == job.error)
    """)
    env = checkout_env({**os.environ, "LATENT_LAB_WORKERS": "ray", "RAY_ADDRESS": f"127.0.0.1:{free_port()}"})
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=90, env=env)
    lines = done.stdout.splitlines()
    assert len(lines) == 3, done.stderr[-2000:]
    status, seconds = lines[0].split()
    assert status == FAILED and float(seconds) < 15
    assert lines[1].startswith("The Ray cluster at 127.0.0.1:") and "cannot be reached" in lines[1]
    assert lines[2] == "failed True"
