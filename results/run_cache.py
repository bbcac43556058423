"""Where a results script keeps each finished run, so that a failure loses no finished work and a re-run resumes.

Every run's result goes to its own file, results/runs/<script>/<key>.json (gitignored), written the moment the run
comes back: to a temporary file in the same folder, then renamed over the final name (`os.replace`), so a file
under its final name is always complete. The key names the run (label, replay kind, seed) and ends with a hash
of the task function's name and the whole job, its config included (the fields that differ from a fixed
reference, KEY_REFERENCE): a job that changes gets a new key and never reuses a stale record, and a run that takes
a default whose value has changed since gets a new key too. The key does not
see code: after a change to code that changes the runs, delete the script's folder.
"""

import dataclasses
import hashlib
import inspect
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Callable

from prdqn_helpers.parallel import Task
from prdqn_helpers.train import TrainConfig

RUNS = Path(__file__).resolve().parent / "runs"


# `TrainConfig()` as it was when this cache was written (before issue 18 changed the defaults). Keys compare
# against these values, not today's defaults: a change of the defaults then changes the key of every run that
# takes them (it is a new run) and of no run that sets its values explicitly (a kept sweep stays found).
KEY_REFERENCE: dict[str, Any] = {
    "hidden_sizes": (128, 128), "lr": 5e-4, "gamma": 0.99, "double": True, "huber_delta": 1.0,
    "grad_clip_norm": 10.0, "tau": 0.01, "target_sync_every": None, "adam_betas": (0.9, 0.999), "adam_eps": 1e-8,
    "layer_norm": False, "env_id": "CartPole-v1", "total_env_steps": 50_000, "buffer_size": 50_000,
    "batch_size": 64, "warmup_steps": 1_000, "eps_start": 1.0, "eps_end": 0.05, "eps_decay_steps": 10_000,
    "alpha": 0.6, "beta0": 0.4, "beta_anneal_steps": 50_000, "priority_eps": 1e-6, "eval_every": 500,
    "eval_episodes": 10, "solve_threshold": 475.0, "full_budget": False, "final_eval_episodes": 100,
    "torch_threads": 1, "n_step": 1, "reward_scale": 1.0,
}


def reference_config(**changes: Any) -> TrainConfig:
    """`TrainConfig` at KEY_REFERENCE's values (the defaults before issue 18) with `changes`: the base of the
    scripts whose runs were made then (the sweeps, the overestimation runs), so new defaults leave them as made."""
    names = {field.name for field in dataclasses.fields(TrainConfig)}
    return TrainConfig(**{**{k: v for k, v in KEY_REFERENCE.items() if k in names}, **changes})


def changed_fields(config: Any) -> dict[str, Any]:
    """The fields of a config dataclass whose values differ from KEY_REFERENCE (a field it lacks: from the class's
    default). A field added later with a default that keeps the old behaviour then leaves every key as it was, and
    a sweep's kept runs stay found, whatever today's defaults are."""
    defaults = type(config)()
    return {field.name: getattr(config, field.name) for field in dataclasses.fields(config)
            if getattr(config, field.name) != KEY_REFERENCE.get(field.name, getattr(defaults, field.name))}


def digest(task: Task) -> str:
    """12 hex digits of a SHA-256 of the task function's name and the job (every field; of its config, those that
    differ from the defaults: `changed_fields`)."""
    function, job = task
    fields = {**{field.name: getattr(job, field.name) for field in dataclasses.fields(job)},
              "config": changed_fields(job.config)}
    job_json = json.dumps([function.__qualname__, fields], sort_keys=True, default=list)
    return hashlib.sha256(job_json.encode()).hexdigest()[:12]


def key(task: Task) -> str:
    """The task's file name without `.json`: label, replay kind, seed and `digest`."""
    job = task[1]
    label = re.sub(r"[^A-Za-z0-9.]+", "-", job.label).strip("-")[:60]
    return f"{label or 'run'}-{job.replay}-seed{job.seed}-{digest(task)}"


def describe(task: Task) -> str:
    """The task in progress and error lines: `Job.describe` and `#digest` (two runs may share a label, replay
    kind and seed, as the overestimation script's DQN and Double DQN runs do; the digest also ends the file name)."""
    return f"{task[1].describe()} #{digest(task)}"


class RunCache:
    """One script's finished runs: `folder/<key(task)>.json`, one file per task."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def of(cls, tasks: Callable[[], list[Task]], runs: Path = RUNS) -> "RunCache":
        """The cache of the script that defines `tasks`: `runs/<the script's file name without .py>` (the same
        whether the script runs alone or from make_all.py)."""
        return cls(runs / Path(inspect.getfile(tasks)).stem)

    def path(self, task: Task) -> Path:
        """Where `task`'s result is (or will be) kept."""
        return self.folder / f"{key(task)}.json"

    def has(self, task: Task) -> bool:
        """Whether `task` has finished before (its file exists: files appear only complete)."""
        return self.path(task).exists()

    def load(self, task: Task) -> Any:
        """`task`'s result as it was saved (JSON: tuples come back as lists, dict keys as strings)."""
        return json.loads(self.path(task).read_text())

    def save(self, task: Task, result: Any) -> Path:
        """Keep `task`'s result, atomically: a temporary file in the same folder, then `os.replace`."""
        text = json.dumps(result, separators=(",", ":"))  # first, so a result JSON cannot hold leaves no file
        path = self.path(task)
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, suffix=".tmp", delete=False) as file:
            file.write(text + "\n")
        os.replace(file.name, path)
        return path
