"""What every committed result file records about how it was made, how a run is stored, and `make`, which runs
the scripts' tasks, keeps each finished run (`run_cache.py`) and writes the files (shared by the scripts in this
folder)."""

import argparse
import dataclasses
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any, Callable

from prdqn_helpers.checkpoints import versions
from prdqn_helpers.parallel import Failure, Task, one_line, run_each
from prdqn_helpers.train import TrainConfig
from run_cache import RUNS, RunCache, describe  # results/run_cache.py, beside this script

Script = tuple[Callable[[], list[Task]], Callable[[list[Any], int, float], None]]  # its tasks(), its write()


def provenance(seeds: tuple[int, ...], workers: int, start: float) -> dict[str, Any]:
    """The command, creation time, seeds, base config, package versions and machine of a result file;
    `start` is the `time.perf_counter()` at which the runs began."""
    return {
        "command": f"python results/{Path(sys.argv[0]).name} " + " ".join(sys.argv[1:]),
        "created": time.strftime("%Y-%m-%d %H:%M:%S"),
        "seeds": list(seeds),
        "base_config": dataclasses.asdict(TrainConfig()),
        "versions": versions(),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "workers": workers,
                    "load_average_after": round(os.getloadavg()[0], 2),
                    "total_wall_seconds": round(time.perf_counter() - start, 1)},
    }


def compact(run: dict[str, Any]) -> dict[str, Any]:
    """A `summarize` record without the per-episode training returns, losses rounded: a few kB per run."""
    history = dict(run["history"])
    history["n_episodes"] = len(history.pop("episode_returns"))
    history.pop("episode_end_steps")
    history["losses"] = [float(f"{loss:.5g}") for loss in history["losses"]]
    return {**run, "history": history}


def workers_from_command_line(description: str) -> int:
    """The `--workers` option every script in this folder takes (parallel processes, default 2)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--workers", type=int, default=2, help="parallel processes (default 2)")
    return parser.parse_args().workers


def write_record(filename: str, record: dict[str, Any], start: float) -> None:
    """Write `record` as compact JSON to `filename` in this folder and say so, with the seconds since `start`."""
    path = Path(__file__).resolve().parent / filename
    path.write_text(json.dumps(record, separators=(",", ":")) + "\n")
    print(f"wrote {path.name}: {time.perf_counter() - start:.0f} s")


def write_runs(filename: str, runs: list[dict[str, Any]], seeds: tuple[int, ...], workers: int, start: float,
               **extra: Any) -> None:
    """Write `filename` (`write_record`): provenance, `extra`, then the `compact` runs."""
    write_record(filename, {**provenance(seeds, workers, start), **extra, "runs": [compact(run) for run in runs]},
                 start)


def save_or_fail(cache: RunCache, task: Task, result: Any) -> Any:
    """Save a run's `result` in `cache` and return it, or a `Failure` if it cannot be saved (not JSON)."""
    if not isinstance(result, Failure):
        try:
            cache.save(task, result)
        except (TypeError, ValueError) as error:  # one run's unsavable result must not stop the others
            return Failure(one_line(error))
    return result


def record_runs(todo: list[tuple[RunCache, Task]], workers: int) -> list[str]:
    """Run the tasks of `todo` (`run_each` in `workers` processes), saving each result in its cache the moment
    it comes back and printing one line per run; the failed runs, one line each (script, run, error)."""
    failures = []
    for done, (index, result) in enumerate(run_each([task for _, task in todo], workers), 1):
        cache, task = todo[index]
        run = f"{cache.folder.name}: {describe(task)}"
        result = save_or_fail(cache, task, result)
        if isinstance(result, Failure):
            failures.append(f"{run}: {result.message}")
        print(f"[{done}/{len(todo)}] {run}: " + (f"FAILED: {result.message}" if isinstance(result, Failure)
                                                 else "recorded"), flush=True)
    return failures


def make(scripts: list[Script], description: str, cache_root: Path = RUNS) -> None:
    """Run the tasks of every script not yet recorded under `cache_root` (`RunCache`) in one pool (`--workers`), saving
    each result as it comes; then, if every run is there, let each script write its files from its results.

    No worker waits for one script's last run before the next script's runs start. A failed run does not stop
    the others; at the end the failures are listed and the command exits with status 1, writing no result file.

    Raises:
        SystemExit: some runs failed (status 1, with the list), or Ctrl-C (status 130); the finished runs stay
            recorded for the next command.
    """
    workers, start = workers_from_command_line(description), time.perf_counter()
    plans = [(RunCache.of(tasks, cache_root), tasks(), write) for tasks, write in scripts]
    todo = [(cache, task) for cache, tasks, _ in plans for task in tasks if not cache.has(task)]
    total = sum(len(tasks) for _, tasks, _ in plans)
    print(f"{total - len(todo)} of {total} runs already recorded in {cache_root}: skipping them, {len(todo)} to run",
          flush=True)
    try:
        failures = record_runs(todo, workers)
    except KeyboardInterrupt:  # joblib has stopped the workers; say what is kept instead of a traceback
        print("interrupted: every run recorded so far is kept; the same command runs only what is missing",
              file=sys.stderr)
        sys.exit(130)
    if failures:
        sys.exit(f"{len(failures)} of {total} runs failed, so no result file was written; the others are recorded "
                 f"and the same command runs only what is missing:\n" + "\n".join(failures))
    for cache, tasks, write in plans:
        write([cache.load(task) for task in tasks], workers, start)
