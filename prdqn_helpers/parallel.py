"""Seeded training runs in worker processes, through joblib's loky backend (hand-written; results/ uses it)."""

import traceback
from dataclasses import dataclass
from typing import Any, Callable, Iterator, NamedTuple, Sequence

from joblib import Parallel, delayed

from .checkpoints import versions
from .checks import check_int
from .dqn import DQNAgent
from .replay import ReplayBuffer
from .train import TrainConfig, TrainResult, summarize, train


@dataclass(frozen=True)
class Job:
    """One training run: a config, a seed, a replay kind and a label for the tables."""
    config: TrainConfig
    seed: int
    replay: str = "prioritized"
    label: str = ""

    def describe(self) -> str:
        """The job in a few words, for progress and error lines."""
        return f"{self.replay} seed {self.seed}" + (f" {self.label!r}" if self.label else "")


Task = tuple[Callable[[Job], Any], Job]  # a module-level function and the job it runs, in a worker


class Failure(NamedTuple):
    """What `run_each` yields for a task that raised: the error as `one_line`."""
    message: str


def train_job(job: Job, on_eval: Callable[[int, DQNAgent, ReplayBuffer], None] | None = None,
              **options: Any) -> TrainResult:
    """`train` one `Job` with no progress bar (`on_eval`, `options`: as in `train`); KeyboardInterrupt if cut short."""
    result = train(job.config, job.seed, job.replay, progress=False, on_eval=on_eval, **options)
    if result.history.interrupted:  # a partial run is no result
        raise KeyboardInterrupt(f"{job.describe()} was interrupted")
    return result


def run_job(job: Job) -> dict[str, Any]:
    """`train_job`'s `summarize` record with the job's label and the `versions`."""
    return {"label": job.label, **summarize(train_job(job).history, job.config), "versions": versions()}


def one_line(error: Exception) -> str:
    """`error` as one line: its type, its message's first line and where it was raised (function, file, line)."""
    frame = (traceback.extract_tb(error.__traceback__) or [None])[-1]
    where = f" (in {frame.name} at {frame.filename.rsplit('/', 1)[-1]}:{frame.lineno})" if frame else ""
    return f"{type(error).__name__}: {(str(error).strip().splitlines() or [''])[0]}{where}"


def attempt(index: int, task: Task) -> tuple[int, Any]:
    """Run one task in a worker: `(index, its result)`, or `(index, Failure)` if it raised."""
    function, job = task
    try:
        return index, function(job)
    except Exception as error:  # noqa: BLE001 (data, so the other runs go on; Ctrl-C still stops everything)
        return index, Failure(one_line(error))


def run_each(tasks: Sequence[Task], workers: int) -> Iterator[tuple[int, Any]]:
    """Run `tasks` (started in order) in `workers` processes (1: here) and yield `(index in tasks, result or Failure)`
    the moment each one finishes (batch_size=1); ValueError at the call unless `workers` is an integer >= 1."""
    check_int("workers", workers, 1)
    parallel = Parallel(n_jobs=workers, backend="loky", return_as="generator_unordered", batch_size=1)
    return parallel(delayed(attempt)(index, task) for index, task in enumerate(tasks))


def train_many(jobs: Sequence[Job], workers: int = 2) -> list[dict[str, Any]]:
    """`run_job` for every job (`run_each`): the records in job order, equal to one-by-one runs' (each run seeds itself
    and sets its threads from its config). ValueError for bad `workers`; RuntimeError naming each failed job."""
    results = dict(run_each([(run_job, job) for job in jobs], workers))
    records = [results[index] for index in range(len(jobs))]
    if failed := [f"{job.describe()}: {r.message}" for job, r in zip(jobs, records) if isinstance(r, Failure)]:
        raise RuntimeError(f"{len(failed)} of {len(jobs)} runs failed: " + "; ".join(failed))
    return records
