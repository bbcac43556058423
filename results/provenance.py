"""What every committed result file records about how it was made, and how a run is stored (shared by the
scripts in this folder)."""

import argparse
import dataclasses
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

from prdqn_helpers.checkpoints import versions
from prdqn_helpers.parallel import Job, train_many
from prdqn_helpers.train import TrainConfig


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


def run_and_record(filename: str, jobs: list[Job], seeds: tuple[int, ...], workers: int, **extra: Any) -> None:
    """Run `jobs` with `train_many` and write `filename` (`write_record`): provenance, `extra`, then the compact runs."""
    start = time.perf_counter()
    runs = [compact(run) for run in train_many(jobs, workers=workers)]
    write_record(filename, {**provenance(seeds, workers, start), **extra, "runs": runs}, start)


def write_record(filename: str, record: dict[str, Any], start: float) -> None:
    """Write `record` as compact JSON to `filename` in this folder and say so, with the seconds since `start`."""
    path = Path(__file__).resolve().parent / filename
    path.write_text(json.dumps(record, separators=(",", ":")) + "\n")
    print(f"wrote {path.name}: {time.perf_counter() - start:.0f} s")
