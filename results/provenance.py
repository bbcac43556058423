"""What every committed result file records about how it was made, and how a run is stored (shared by the
scripts in this folder)."""

import argparse
import dataclasses
import json
import multiprocessing
import os
import platform
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, Callable

from prdqn_helpers.checkpoints import versions
from prdqn_helpers.train import TrainConfig

Task = tuple[Callable[[Any], Any], Any]  # a module-level function and its one argument, run in a worker
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


def call(task: Task) -> Any:
    """Run one `Task` (what the pool's workers do)."""
    function, argument = task
    return function(argument)


def run_tasks(tasks: list[Task], workers: int) -> list[Any]:
    """The tasks' results in task order, from `workers` processes ("spawn": each builds its own torch state).
    Every run is seeded by its task, so the results equal those of one-by-one runs."""
    if workers == 1:
        return [call(task) for task in tasks]
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        return list(pool.map(call, tasks))


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


def make(scripts: list[Script], description: str) -> None:
    """Run the tasks of every script in one pool (`--workers`), then let each script write its files from its
    results: no worker waits for one script's last run before the next script's runs start."""
    workers, start = workers_from_command_line(description), time.perf_counter()
    tasks = [script_tasks() for script_tasks, _ in scripts]
    results = run_tasks([task for script_tasks in tasks for task in script_tasks], workers)
    for (_, write), script_tasks in zip(scripts, tasks):
        write(results[:len(script_tasks)], workers, start)
        results = results[len(script_tasks):]
