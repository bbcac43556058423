"""Make every committed result file at once: the runs of all the scripts in this folder in one process pool.

    .venv/bin/python results/make_all.py        # 116 runs, 92-102 min on 2 otherwise idle cores (results/README.md)

Each script can still make its own files alone (`make_stability_sweep.py`, `make_verdict_results.py`,
`make_ladder_results.py`, `make_overestimation_results.py`); this one runs their tasks in a single pool, so no
worker waits for the last run of one script before the next script starts, and writes the same files (every
run is seeded by its task: the same numbers as the scripts alone). The long runs go first and the 20 short
overestimation runs last, to fill the end. Every file records this command and the wall time of the whole pool.
"""

import time

import make_ladder_results
import make_overestimation_results
import make_stability_sweep
import make_verdict_results
from provenance import run_tasks, workers_from_command_line  # results/provenance.py, beside this script

SCRIPTS = (make_verdict_results, make_stability_sweep, make_ladder_results, make_overestimation_results)


def main() -> None:
    workers, start = workers_from_command_line(__doc__.splitlines()[0]), time.perf_counter()
    tasks = [script.tasks() for script in SCRIPTS]
    results = run_tasks([task for script_tasks in tasks for task in script_tasks], workers)
    for script, script_tasks in zip(SCRIPTS, tasks):
        script.write(results[:len(script_tasks)], workers, start)
        results = results[len(script_tasks):]


if __name__ == "__main__":
    main()
