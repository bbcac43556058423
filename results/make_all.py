"""Make every committed result file at once: the runs of all the scripts in this folder in one process pool.

    .venv/bin/python results/make_all.py        # 132 runs, 92-102 min on 2 otherwise idle cores (results/README.md)

Each script can still make its own files alone (`make_stability_sweep.py`, `make_verdict_results.py`,
`make_ladder_results.py`, `make_overestimation_results.py`); this one runs their tasks in a single pool, so no
worker waits for the last run of one script before the next script starts, and writes the same files (every
run is seeded by its task: the same numbers as the scripts alone). The long runs go first and the 20 short
overestimation runs last, to fill the end. Every file records this command and the wall time of the whole pool.
Each finished run is kept in results/runs/<script>/ (shared with the scripts alone); after a failure or Ctrl-C
the same command runs only the missing runs (results/README.md, "Resume and failures").
"""

import make_ladder_results
import make_overestimation_results
import make_stability_sweep
import make_verdict_results
from provenance import make  # results/provenance.py, beside this script

SCRIPTS = (make_verdict_results, make_stability_sweep, make_ladder_results, make_overestimation_results)

if __name__ == "__main__":
    make([(script.tasks, script.write) for script in SCRIPTS], __doc__.splitlines()[0])
