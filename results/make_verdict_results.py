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

import argparse
import dataclasses
import json
import time
from pathlib import Path

from prdqn_helpers.parallel import Job, train_many
from prdqn_helpers.train import TrainConfig
from provenance import compact, provenance  # results/provenance.py, beside this script

HERE = Path(__file__).resolve().parent
SEEDS = tuple(range(100, 120))
SELECTED = {  # replay kind -> its sweep setting (label in the sweep file, changes from the old defaults)
    "prioritized": ("lr 5e-4, tau 0.01, eps_end 0.01", {"lr": 5e-4, "tau": 0.01, "eps_end": 0.01}),
    "uniform": ("lr 2e-4, tau 0.005", {"lr": 2e-4, "tau": 0.005}),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="parallel processes (default 2)")
    args = parser.parse_args()
    jobs = [Job(dataclasses.replace(TrainConfig(), full_budget=True, **change), seed, replay, label)
            for replay, (label, change) in SELECTED.items() for seed in SEEDS]
    start = time.perf_counter()
    runs = [compact(run) for run in train_many(jobs, workers=args.workers)]
    record = {**provenance(SEEDS, args.workers, start), "full_budget": True,
              "selected": {replay: {"label": label, "changes": change} for replay, (label, change) in SELECTED.items()},
              "runs": runs}
    path = HERE / "cartpole_verdict.json"
    path.write_text(json.dumps(record, separators=(",", ":")) + "\n")
    print(f"wrote {path.name}: {len(runs)} runs, {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
