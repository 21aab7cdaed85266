"""The Mode Collapse page's state: which runs can be compared, their cached scores, and the collapse lab.

Runs are named by option ids: "file:<path>" for demo and saved checkpoints, "job:<id>" for runs of this
session that live in the JobManager. Scores are cached with st.cache_data, keyed by path + modification
time + n + seed (files) or job id + step + n + seed (live runs), so widgets that only change the display never
re-score anything.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import streamlit as st

from gan_core.evaluation.compare import (LAB_DEFAULT_ARMS, MAX_RUNS, MIN_RUNS, checkpoint_from_payload, collapse_lab_runs,
                                        demo_stands_in, friendly_error, rejection_view, safe_evaluate)
from gan_core.config import TrainConfig
from gan_core.runtime.jobs import JobLimitError
from gan_core.latents import LatentModel
from gan_core.store import DEMO_DIR, list_checkpoints
from gan_core.runtime.job import FAILED, QUEUED, RUNNING
from gan_core.runtime.worker import new_job

from .collapse_text import TEXT
from .i18n import lang, t
from .state import browser_id, job_manager, load_model

SELECTION_KEY = "collapse_runs"
LAB_KEY = "collapse_lab"  # the lab of this session: {"base", "seed", "arms": [...]}
LAB_SYNC_KEY = "collapse_lab_sync"  # set when the lab's runs should replace the selection on the next run
LAB_SEEN_KEY = "collapse_lab_seen"  # lab job states at the last full run, to rerun once when one finishes
LAB_ARMS_KEY = "collapse_lab_arms"  # which of the lab's recipes to run (a plain list; its multiselect is per language)
REJECTION_KEY = "collapse_rejection"  # show the post-hoc rejection-sampling view under the comparison
DEFAULT_DEMOS = ("ring8-vanilla", "ring8-fixed")
CLASS_RUNS_KEY = "collapse_class_runs"  # [(checkpoint path, label)]: class runs a teacher's Compare brought here
CLASS_NOTE_KEY = "collapse_class_note"  # runs Compare had to leave out, in one sentence


@dataclass(frozen=True)
class RunOption:
    id: str  # "file:<path>" or "job:<id>"
    name: str
    source: str  # "demo" | "saved" | "job"


def run_options() -> list[RunOption]:
    """Demo checkpoints, saved runs, class runs a teacher's Compare brought, then this session's jobs (oldest first)."""
    options = [RunOption(f"file:{c.path}", c.name, c.source) for c in list_checkpoints()]
    options += [RunOption(f"file:{path}", label, "class") for path, label in st.session_state.get(CLASS_RUNS_KEY, [])
                if os.path.isfile(path)]
    options += [RunOption(f"job:{job.id}", job.name, "job") for job in job_manager().jobs(browser_id())]
    return options


def option_label(option: RunOption) -> str:
    # no live status here: a label is drawn once per page run and would go stale while a run trains
    return f"{option.name} ({t(TEXT, 'source_' + option.source)})"


def default_selection(options: list[RunOption]) -> list[str]:
    """The two demos that tell the collapse story, when they exist; else the first two runs."""
    by_name = {o.name: o.id for o in options if o.source == "demo"}
    if all(name in by_name for name in DEFAULT_DEMOS):
        return [by_name[name] for name in DEFAULT_DEMOS]
    return [o.id for o in options[:2]]


# -- scoring ---------------------------------------------------------------------------------------------
@st.cache_data(max_entries=64, show_spinner=False)
def _score_file(path: str, modified: float, n: int, seed: int, label: str) -> dict:
    return safe_evaluate(lambda: load_model(path), label, n=n, seed=seed)


@st.cache_data(max_entries=32, show_spinner=False)
def _score_job(job_id: str, step: int, n: int, seed: int, label: str) -> dict:
    def load():
        job = job_manager().get(job_id)
        if job is None:
            raise LookupError(t(TEXT, "job_gone", label=label))
        return LatentModel(checkpoint_from_payload(job.checkpoint_payload(), label))

    return safe_evaluate(load, label, n=n, seed=seed)


@st.cache_data(max_entries=32, show_spinner=False)
def _rejection_file(path: str, modified: float, n: int, seed: int, label: str) -> dict:
    try:
        model = load_model(path)
    except Exception as error:  # one sentence, as the comparison says it
        return {"label": label, "error": friendly_error(error, label)}
    return rejection_view(model, n=n, seed=seed, label=label)


@st.cache_data(max_entries=32, show_spinner=False)
def _rejection_job(job_id: str, step: int, n: int, seed: int, label: str) -> dict:
    job = job_manager().get(job_id)
    if job is None:
        return {"label": label, "error": t(TEXT, "job_gone", label=label)}
    return rejection_view(LatentModel(checkpoint_from_payload(job.checkpoint_payload(), label)), n=n, seed=seed,
                          label=label)


def rejection(option: RunOption, n: int, seed: int) -> dict:
    """POST-HOC: compare.rejection_view of one run (its own numbers and those after rejection sampling)."""
    if option.source != "job":
        path = option.id[5:]
        try:
            modified = os.path.getmtime(path)
        except OSError:
            modified = -1.0
        return _rejection_file(path, modified, int(n), int(seed), option.name)
    job = job_manager().get(option.id[4:])
    if job is None:
        return {"label": option.name, "error": t(TEXT, "job_gone", label=option.name)}
    snap = job.snapshot(history_points=0)
    waiting = _not_ready(option, job, snap)
    if waiting is not None:  # (the comparison waits for it too: no step-5 numbers here either)
        return {"label": option.name, "error": waiting}
    if job.trainer is None:
        return {"label": option.name, "error": snap["error"] or t(TEXT, "job_gone", label=option.name)}
    return _rejection_job(job.id, int(snap["step"]), int(n), int(seed), option.name)


def _not_ready(option: RunOption, job, snap: dict) -> str | None:
    """Why a live run is not compared yet, in one sentence, or None when it can be scored: a lab arm still training
    (the comparison redraws when an arm starts or ends, and its step-5 picture looked like a collapse beside finished
    runs), a run waiting in the queue, or one still building its data and networks right after Start (it was called
    "no longer available")."""
    if snap["status"] == RUNNING and job.id in lab_job_ids():
        return t(TEXT, "lab_training", label=option.name)
    if job.trainer is not None or not job.is_active:
        return None
    position = job_manager().queue_position(job) if snap["status"] == QUEUED else None
    if position:
        return t(TEXT, "waiting_queue", label=option.name, position=position)
    return t(TEXT, "waiting_preparing", label=option.name)


def score(option: RunOption, n: int, seed: int) -> dict:
    """The evaluate_run dict of one run, or {"label", "error"} / {"label", "waiting"} with one sentence."""
    if option.source != "job":
        path = option.id[5:]
        try:
            modified = os.path.getmtime(path)
        except OSError:
            modified = -1.0  # gone: safe_evaluate explains it in one sentence
        return _score_file(path, modified, int(n), int(seed), option.name)
    job = job_manager().get(option.id[4:])
    if job is None:
        return {"label": option.name, "error": t(TEXT, "job_gone", label=option.name)}
    snap = job.snapshot(history_points=0)
    waiting = _not_ready(option, job, snap)
    if waiting is not None:
        return {"label": option.name, "waiting": waiting}
    if job.trainer is None:
        return {"label": option.name, "error": snap["error"] or t(TEXT, "job_gone", label=option.name)}
    result = dict(_score_job(job.id, int(snap["step"]), int(n), int(seed), option.name))
    result["job"] = {"status": snap["status"], "step": snap["step"], "target": snap["target_steps"],
                     "error": snap["error"], "active": job.is_active}
    return result


# -- the collapse lab ---------------------------------------------------------------------------------------
def start_lab(base: str, seed: int, reuse_demos: bool, keys=LAB_DEFAULT_ARMS) -> None:
    """Plan the chosen arms of the lab (`keys`, the classic four by default), let identical demos stand in, submit
    what fits and select the lab's runs."""
    stop_lab()
    arms = []
    for run in collapse_lab_runs(base, seed=int(seed), keys=list(keys)):
        arm = {"key": run.key, "title_en": run.title_en, "title_zh": run.title_zh, "config": run.config.to_dict(),
               "name": run.job_name, "job_id": None, "path": None, "demo": ""}
        demo_path = DEMO_DIR / f"{run.demo}.pt" if run.demo else None
        if reuse_demos and demo_path is not None and demo_path.is_file() and demo_stands_in(run, demo_path):
            arm["path"], arm["demo"] = str(demo_path), run.demo
        arms.append(arm)
    st.session_state[LAB_KEY] = {"base": base, "seed": int(seed), "arms": arms}
    submit_pending()
    st.session_state[LAB_SYNC_KEY] = True


def submit_pending() -> int:
    """Submit lab arms that wait for a slot, as long as the owner's job limit allows; returns how many."""
    lab = st.session_state.get(LAB_KEY)
    if not lab:
        return 0
    manager, owner = job_manager(), browser_id()
    submitted = 0
    for arm in lab["arms"]:
        if arm["job_id"] or arm["path"] or arm.get("cancelled"):
            continue
        job = new_job(TrainConfig.from_dict(arm["config"]), name=arm["name"], owner=owner)
        try:
            manager.submit(job)
        except JobLimitError:
            break
        arm["job_id"] = job.id
        submitted += 1
    return submitted


def stop_lab() -> None:
    """Stop the lab's runs that are still going and forget the ones not yet submitted."""
    lab = st.session_state.get(LAB_KEY)
    if not lab:
        return
    for arm in lab["arms"]:
        if arm["job_id"]:
            job_manager().stop(arm["job_id"])
        elif not arm["path"]:
            arm["cancelled"] = True


def lab_rows() -> list[dict]:
    """One plain dict per arm: {"title", "kind": demo|pending|queued|job|failed|gone, ...} for the progress panel."""
    lab = st.session_state.get(LAB_KEY)
    if not lab:
        return []
    manager = job_manager()
    rows = []
    for arm in lab["arms"]:
        title = arm["title_zh"] if lang() == "zh" else arm["title_en"]
        if arm["path"]:
            rows.append({"title": title, "kind": "demo", "demo": arm["demo"], "active": False})
            continue
        if not arm["job_id"]:
            rows.append({"title": title, "kind": "gone" if arm.get("cancelled") else "pending",
                         "active": not arm.get("cancelled")})
            continue
        job = manager.get(arm["job_id"])
        if job is None:
            rows.append({"title": title, "kind": "gone", "active": False})
            continue
        snap = job.snapshot(history_points=0)
        position = manager.queue_position(job)
        kind = "failed" if snap["status"] == FAILED else ("queued" if position else "job")
        rows.append({"title": title, "kind": kind, "status": snap["status"], "step": snap["step"],
                     "target": snap["target_steps"], "position": position, "error": snap["error"],
                     "active": job.is_active, "job_id": job.id})
    return rows


def lab_job_ids() -> set[str]:
    """The ids of the jobs this session's collapse lab submitted."""
    lab = st.session_state.get(LAB_KEY) or {"arms": []}
    return {arm["job_id"] for arm in lab["arms"] if arm.get("job_id")}


def lab_option_ids() -> list[str]:
    lab = st.session_state.get(LAB_KEY) or {"arms": []}
    ids = []
    for arm in lab["arms"]:
        if arm["path"]:
            ids.append(f"file:{arm['path']}")
        elif arm["job_id"] and job_manager().get(arm["job_id"]) is not None:
            ids.append(f"job:{arm['job_id']}")
    return ids


def lab_selection(lab_ids: list[str], before: list[str], available: list[str], fallback: list[str]) -> list[str]:
    """What the comparison shows once the lab has runs (`lab_ids`, from lab_option_ids): the lab's runs, and where
    that is fewer than two (a lab of one recipe) the runs chosen before it (else `fallback`, the default demos)
    beside them, up to four. Alone, the one run replaced the selection and the page said "Choose at least 2 runs"
    under "its runs are compared below"."""
    chosen = [i for i in lab_ids if i in available]
    if len(chosen) >= MIN_RUNS:
        return chosen
    for candidates, enough in ((before, MAX_RUNS), (fallback, MIN_RUNS)):
        for option_id in candidates:
            if len(chosen) < enough and option_id in available and option_id not in chosen:
                chosen.append(option_id)
    return chosen


def lab_signature() -> tuple:
    """What changes the comparison: which arms have a job, and which of those are still active."""
    return tuple((r["kind"], r.get("job_id"), r["active"]) for r in lab_rows())
