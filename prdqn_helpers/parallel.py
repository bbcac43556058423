"""Several seeded training runs at once, in separate processes (hand-written; notebook 04 uses it)."""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, Sequence

from .checkpoints import versions
from .checks import check_int
from .train import TrainConfig, summarize, train


@dataclass(frozen=True)
class Job:
    """One training run for `train_many`: a config, a seed, a replay kind and a label for the tables."""

    config: TrainConfig
    seed: int
    replay: str = "prioritized"
    label: str = ""


def run_job(job: Job) -> dict[str, Any]:
    """Train one `Job` without a progress bar; its `summarize` record with its label and the versions."""
    history, _ = train(job.config, job.seed, job.replay, progress=False)
    return {"label": job.label, **summarize(history, job.config), "versions": versions()}


def train_many(jobs: Sequence[Job], workers: int = 2) -> list[dict[str, Any]]:
    """Run `jobs` in `workers` processes ("spawn": each builds its own torch state); the records come back in
    job order and equal those of one-by-one runs (each run is seeded by its job)."""
    if check_int("workers", workers, 1) == 1:
        return [run_job(job) for job in jobs]
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        return list(pool.map(run_job, jobs))
