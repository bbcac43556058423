"""Make results/cartpole_verdict.json: prioritized vs uniform replay, each at its own best sweep settings,
on 20 reporting seeds with the whole budget (issue 11's fair verdict; notebook 05 reads it).

    .venv/bin/python results/make_verdict_results.py        # 40 runs, about 35 min on 2 otherwise idle cores

Both replay kinds got the same tuning budget: the six settings of `make_stability_sweep.py` on tuning seeds
0, 1, 2, and the selection rule written there before the sweep ran (largest median post_solve_eval_fraction,
unsolved runs counting 0; then the most final means >= 475; then the smallest median steps to solve).
Applied to cartpole_stability_sweep.json it picks, for prioritized replay, lr 5e-4 / tau 0.01 / eps_end 0.01
(median 0.61; these are now the package's defaults) and, for uniform replay, lr 2e-4 / tau 0.005 (median 0.50).
Notebook 05 re-applies the rule to the sweep file and asserts that it still picks these two.
The reporting seeds 100-119 were never used for tuning. Every run trains all 50,000 steps (`full_budget`).
"""

import dataclasses

from prdqn_helpers.parallel import Job
from prdqn_helpers.train import TrainConfig
from make_stability_sweep import BASE  # the sweep's base: SELECTED's changes are from it
from provenance import run_and_record, workers_from_command_line  # results/provenance.py, beside this script

SEEDS = tuple(range(100, 120))
SELECTED = {  # replay kind -> its sweep setting (label in the sweep file, changes from the sweep's BASE)
    "prioritized": ("lr 5e-4, tau 0.01, eps_end 0.01", {"lr": 5e-4, "tau": 0.01, "eps_end": 0.01}),
    "uniform": ("lr 2e-4, tau 0.005", {"lr": 2e-4, "tau": 0.005}),
}


def main() -> None:
    workers = workers_from_command_line(__doc__.splitlines()[0])
    jobs = [Job(dataclasses.replace(TrainConfig(), full_budget=True, **{**BASE, **change}), seed, replay, label)
            for replay, (label, change) in SELECTED.items() for seed in SEEDS]
    selected = {replay: {"label": label, "changes": change} for replay, (label, change) in SELECTED.items()}
    run_and_record("cartpole_verdict.json", jobs, SEEDS, workers, full_budget=True, selected=selected)

if __name__ == "__main__":
    main()
