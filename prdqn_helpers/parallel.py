"""Many seeded training runs in worker processes (hand-written; notebook 04 and the scripts in results/ use it).

One library runs them: joblib, with its loky backend (each worker its own Python process, so each run builds its
own torch state; joblib's Dask or Ray backends carry the same calls to a cluster). Every run seeds everything
itself and sets torch's thread count from its config (`TrainConfig.torch_threads`), so a run's result does not
depend on the worker it lands on: runs in parallel equal runs one by one. A run that raises comes back as a
`Failure` instead of stopping the others.
"""

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
    """One training run for `train_many`: a config, a seed, a replay kind and a label for the tables."""

    config: TrainConfig
    seed: int
    replay: str = "prioritized"
    label: str = ""

    def describe(self) -> str:
        """The job in a few words, for progress and error lines: replay kind, seed and label."""
        return f"{self.replay} seed {self.seed}" + (f" {self.label!r}" if self.label else "")


Task = tuple[Callable[[Job], Any], Job]  # a module-level function and the job it runs, in a worker


class Failure(NamedTuple):
    """What `run_each` yields for a task that raised: the exception in one line."""

    message: str


def train_job(job: Job, on_eval: Callable[[int, DQNAgent, ReplayBuffer], None] | None = None,
              **options: Any) -> TrainResult:
    """`train` one `Job` without a progress bar (`on_eval` and the keyword `options`, such as `buffer_factory`,
    as in `train`).

    Raises:
        KeyboardInterrupt: Ctrl-C cut the run short (`train` keeps a partial run; a result of it must not be kept).
    """
    result = train(job.config, job.seed, job.replay, progress=False, on_eval=on_eval, **options)
    if result.history.interrupted:
        raise KeyboardInterrupt(f"{job.describe()} was interrupted")
    return result


def run_job(job: Job) -> dict[str, Any]:
    """Train one `Job` without a progress bar; its `summarize` record with its label and the versions."""
    result = train_job(job)
    return {"label": job.label, **summarize(result.history, job.config), "versions": versions()}


def one_line(error: Exception) -> str:
    """`error` as one line: its type, the first line of its message and where it was raised (function, file
    name, line; a worker knows a function from a script run as __main__ only as <dynamic-code>)."""
    lines = str(error).strip().splitlines()
    frame = (traceback.extract_tb(error.__traceback__) or [None])[-1]
    where = f" (in {frame.name} at {frame.filename.rsplit('/', 1)[-1]}:{frame.lineno})" if frame else ""
    return f"{type(error).__name__}: {lines[0] if lines else ''}{where}"


def attempt(index: int, task: Task) -> tuple[int, Any]:
    """Run one task in a worker: `(index, its result)`, or `(index, Failure)` if it raised.

    One run's error is data, not an exception, so that joblib carries on with the others.
    """
    function, job = task
    try:
        return index, function(job)
    except Exception as error:  # noqa: BLE001 (any error of one run; Ctrl-C still stops everything)
        return index, Failure(one_line(error))


def run_each(tasks: Sequence[Task], workers: int) -> Iterator[tuple[int, Any]]:
    """Run `tasks` in `workers` processes (1: here, one after the other) and yield `(index in tasks, result or
    Failure)` as each one finishes, in the order they finish; tasks start in the order given.

    Raises:
        ValueError: `workers` is not an integer >= 1 (raised at the call, before any task runs).
    """
    check_int("workers", workers, 1)
    # batch_size=1: each result comes back the moment its run ends, not with a batch of others.
    parallel = Parallel(n_jobs=workers, backend="loky", return_as="generator_unordered", batch_size=1)
    return parallel(delayed(attempt)(index, task) for index, task in enumerate(tasks))


def train_many(jobs: Sequence[Job], workers: int = 2) -> list[dict[str, Any]]:
    """`run_job` for every job in `workers` processes (`run_each`); the records in job order, equal to those of
    one-by-one runs (each run is seeded by its job).

    Raises:
        ValueError: `workers` is not an integer >= 1.
        RuntimeError: some runs raised; it names each (`Job.describe`, `one_line` message) after all have run.
    """
    records: list[Any] = [None] * len(jobs)
    for index, record in run_each([(run_job, job) for job in jobs], workers):
        records[index] = record
    failed = [f"{job.describe()}: {record.message}"
              for job, record in zip(jobs, records) if isinstance(record, Failure)]
    if failed:
        raise RuntimeError(f"{len(failed)} of {len(jobs)} runs failed: " + "; ".join(failed))
    return records
