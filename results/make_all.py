"""Make every committed result file at once: the runs of all the scripts in this folder, in two process pools.

    .venv/bin/python results/make_all.py        # 260 runs; with none kept, about 5 h on 2 otherwise idle cores

Each script can still make its own files alone (`make_remedies_sweep.py` and its `--stage 2`,
`make_stability_sweep.py`, `make_verdict_results.py`, `make_ladder_results.py`, `make_overestimation_results.py`);
this one runs their tasks in two pools and writes the same files (every run is seeded by its task: the same
numbers as the scripts alone). The first pool is the remedies sweep's stage 1, whose file decides stage 2's
runs; the second runs stage 2 and every other script together, so no worker waits for the last run of one
script before the next script starts, the long runs first and the 20 short overestimation runs last, to fill
the end. Every file records this command and the wall time of its pool. Each finished run is kept in
results/runs/<script>/ (shared with the scripts alone); after a failure or Ctrl-C the same command runs only
the missing runs (results/README.md, "Resume and failures").
"""

import make_ladder_results
import make_overestimation_results
import make_remedies_sweep
import make_stability_sweep
import make_verdict_results
from provenance import make  # results/provenance.py, beside this script

SCRIPTS = (make_verdict_results, make_stability_sweep, make_ladder_results, make_overestimation_results)

if __name__ == "__main__":
    make([(make_remedies_sweep.tasks, make_remedies_sweep.write)], __doc__.splitlines()[0])
    make([(make_remedies_sweep.tasks_2, make_remedies_sweep.write_2)] + [(script.tasks, script.write) for script in SCRIPTS],
         __doc__.splitlines()[0])
