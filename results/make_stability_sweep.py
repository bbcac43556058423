"""Make results/cartpole_stability_sweep.json: which settings keep CartPole solved once solved (issue 11's sweep).

    .venv/bin/python results/make_stability_sweep.py        # 36 runs, about 29 min on 2 otherwise idle cores

Every run trains for the whole 50,000-step budget (`full_budget=True`): it keeps learning after its first
confirmed pass, and its summary records `post_solve_eval_fraction` (the share of evaluations from that pass on
whose 10-episode mean is still >= 475) and `final_eval_mean` (100 episodes on the last weights). The same grid
runs with prioritized and with uniform replay, on the tuning seeds 0, 1 and 2 only (reporting seeds are others),
so both replay kinds get the same tuning budget. Settings are fixed before the run starts: nothing changes
when a run solves.

Grid: the learning rate and the soft target-update rate together (faster to slower), and, at lr 5e-4 /
tau 0.01, a smaller buffer (10,000 transitions: only recent experience) and a lower exploration floor (0.01).
Selection rule, to be applied to this file for each replay kind: the largest median post_solve_eval_fraction
(unsolved runs count 0), then the most final means >= 475, then the smallest median steps to solve.
"""

import dataclasses
from typing import Any

from prdqn_helpers.parallel import Job, Task, run_job
from provenance import make, write_runs  # results/provenance.py, beside this script
from run_cache import reference_config

SEEDS = (0, 1, 2)
BASE = {"lr": 2e-3, "tau": 0.05, "eps_end": 0.05}  # TrainConfig()'s defaults when the sweep ran (its pick replaced them)
GRID = {
    "lr 2e-3, tau 0.05 (old defaults)": {},
    "lr 1e-3, tau 0.02": {"lr": 1e-3, "tau": 0.02},
    "lr 5e-4, tau 0.01": {"lr": 5e-4, "tau": 0.01},
    "lr 2e-4, tau 0.005": {"lr": 2e-4, "tau": 0.005},
    "lr 5e-4, tau 0.01, buffer 10k": {"lr": 5e-4, "tau": 0.01, "buffer_size": 10_000},
    "lr 5e-4, tau 0.01, eps_end 0.01": {"lr": 5e-4, "tau": 0.01, "eps_end": 0.01},
}


def tasks() -> list[Task]:
    """One `run_job` per grid cell, replay kind and tuning seed."""
    base = reference_config(full_budget=True, **BASE)  # the defaults of the time: new defaults leave these runs as made
    return [(run_job, Job(dataclasses.replace(base, **change), seed, replay, label))
            for label, change in GRID.items() for replay in ("prioritized", "uniform") for seed in SEEDS]


def write(results: list[Any], workers: int, start: float) -> None:
    """Write the file from the results of `tasks()`, in order."""
    write_runs("cartpole_stability_sweep.json", results, SEEDS, workers, start, full_budget=True, grid=GRID)


if __name__ == "__main__":
    make([(tasks, write)], __doc__.splitlines()[0])
