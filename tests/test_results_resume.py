"""results/provenance.py's `make` and results/run_cache.py: each finished run is kept at once, a re-run skips the
kept runs, and one failing run is reported without losing the others (results/README.md, "Resume")."""

from __future__ import annotations

import dataclasses
import re
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

from prdqn_helpers.parallel import Job, run_job
from prdqn_helpers.train import TrainConfig

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "results"))
import make_ladder_results  # noqa: E402  (results/ is a folder of scripts, not a package)
import make_overestimation_results  # noqa: E402
import make_remedies_sweep  # noqa: E402
import make_stability_sweep  # noqa: E402
import make_verdict_results  # noqa: E402
from provenance import make  # noqa: E402
from run_cache import RunCache, describe, digest, key, reference_config  # noqa: E402

JOBS = [Job(TrainConfig(), seed, "uniform", "fake run") for seed in range(3)]
STATE: dict[str, Any] = {}  # what fake_run sees: the cache folder, the seeds to fail, the calls so far


def fake_run(job: Job) -> dict[str, Any]:
    """A task function that trains nothing: it checks that every earlier run of this `make` that succeeded is
    already on disk, then fails if its seed is in STATE["fail"], else returns a small record."""
    succeeded = [seed for seed in STATE["calls"] if seed not in STATE["fail"]]
    kept = len(list(STATE["folder"].glob("*.json"))) - STATE["kept_before"]
    assert kept == len(succeeded), "an earlier run was not kept at once"
    STATE["calls"].append(job.seed)
    if job.seed in STATE["fail"]:
        raise ValueError(f"seed {job.seed} went wrong\nsecond line")
    return {"seed": job.seed, "pair": (job.seed, job.label)}


def fail_on_seed_1(job: Job) -> dict[str, Any]:
    """fake_run for worker processes (no shared state): fails on seed 1 only."""
    if job.seed == 1:
        raise ValueError("seed 1 went wrong")
    return {"seed": job.seed}


@pytest.fixture
def script(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., list[list[Any]]]:
    """`make` on a fake script of JOBS with `--workers N`; returns what its `write` received, one list per call."""
    written: list[list[Any]] = []

    def tasks(function: Callable[[Job], Any] = fake_run) -> list:
        return [(function, job) for job in JOBS]

    def run_make(workers: int = 1, fail: tuple[int, ...] = (), function: Callable[[Job], Any] = fake_run) -> list:
        folder = RunCache.of(tasks, tmp_path).folder
        STATE.update(folder=folder, fail=set(fail), calls=[], kept_before=len(list(folder.glob("*.json"))))
        monkeypatch.setattr(sys, "argv", ["fake_script.py", "--workers", str(workers)])
        make([(lambda: tasks(function), lambda results, *_: written.append(results))], "a fake script", tmp_path)
        return written

    return run_make


def test_each_run_is_kept_as_it_finishes_and_write_gets_them_in_task_order(script, capsys) -> None:
    written = script()                                   # fake_run asserts the earlier runs are on disk
    assert STATE["calls"] == [0, 1, 2]
    assert written == [[{"seed": seed, "pair": [seed, "fake run"]} for seed in range(3)]]  # as JSON keeps them
    assert "0 of 3 runs already recorded" in capsys.readouterr().out
    assert sorted(path.suffix for path in STATE["folder"].iterdir()) == [".json"] * 3  # no temporary file left


def test_a_rerun_skips_the_recorded_runs_and_says_so(script, capsys) -> None:
    first = script()[0]
    written = script()                                   # the same jobs again: nothing runs
    assert STATE["calls"] == [] and written == [first, first]
    assert "3 of 3 runs already recorded in" in capsys.readouterr().out.splitlines()[-1]


def test_a_failing_run_is_reported_the_others_kept_and_no_file_written(script, capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        written = script(fail=(1,))
    message, run = str(stop.value.code), f"test_results_resume: {describe((fake_run, JOBS[1]))}"
    assert run == f"test_results_resume: uniform seed 1 'fake run' #{digest((fake_run, JOBS[1]))}"
    assert message.startswith("1 of 3 runs failed, so no result file was written")
    assert re.search(rf"\n{re.escape(run)}: ValueError: seed 1 went wrong "
                     r"\(in fake_run at test_results_resume.py:\d+\)$", message)  # which run, one line, where
    assert f"[2/3] {run}: FAILED: ValueError: seed 1 went wrong" in capsys.readouterr().out
    assert STATE["calls"] == [0, 1, 2] and len(list(STATE["folder"].glob("*.json"))) == 2
    written = script()                                   # fixed: only the failed run runs, then the file is written
    assert STATE["calls"] == [1] and [record["seed"] for record in written[0]] == [0, 1, 2]
    assert "2 of 3 runs already recorded in" in capsys.readouterr().out


@pytest.mark.slow
def test_a_failing_run_in_a_worker_process_loses_no_other_run(script) -> None:
    with pytest.raises(SystemExit, match="1 of 3 runs failed"):
        script(workers=2, function=fail_on_seed_1)
    kept = [RunCache(STATE["folder"]).has((fail_on_seed_1, job)) for job in JOBS]
    assert kept == [True, False, True]


def test_a_changed_job_or_function_gets_a_new_key_and_the_key_names_the_run() -> None:
    job = JOBS[0]
    assert key((fake_run, job)) == key((fake_run, Job(TrainConfig(), 0, "uniform", "fake run")))
    changed = [Job(dataclasses.replace(TrainConfig(), lr=1e-4), 0, "uniform", "fake run"),
               dataclasses.replace(job, seed=1), dataclasses.replace(job, replay="prioritized"),
               dataclasses.replace(job, label="other")]
    assert len({key((fake_run, job)), key((run_job, job))} | {key((fake_run, other)) for other in changed}) == 6
    assert key((fake_run, job)).startswith("fake-run-uniform-seed0-")


def test_every_committed_script_gives_each_run_its_own_key() -> None:
    for script in (make_verdict_results, make_stability_sweep, make_ladder_results, make_overestimation_results,
                   make_remedies_sweep):
        tasks = script.tasks()
        assert len({key(task) for task in tasks}) == len(tasks), script.__name__


def test_save_replaces_atomically_and_an_unsavable_result_leaves_no_file(tmp_path: Path) -> None:
    cache, task = RunCache(tmp_path / "script"), (fake_run, JOBS[0])
    cache.save(task, {"first": 1})
    cache.save(task, {"second": 2})
    assert cache.load(task) == {"second": 2} and [path.name for path in cache.folder.iterdir()] == [f"{key(task)}.json"]
    other = (fake_run, JOBS[1])
    with pytest.raises(TypeError):
        cache.save(other, {"not json": object()})
    assert not cache.has(other) and len(list(cache.folder.iterdir())) == 1


def test_a_config_field_added_with_its_default_keeps_every_key() -> None:
    @dataclasses.dataclass(frozen=True)
    class Wider(TrainConfig):  # TrainConfig with one more option, off by default
        extra_option: int = 0

    for config in (TrainConfig(), TrainConfig(lr=1e-3, n_step=3, adam_betas=(0.9, 0.9))):
        wider = Wider(**dataclasses.asdict(config))
        assert key((run_job, Job(wider, 4, "uniform", "x"))) == key((run_job, Job(config, 4, "uniform", "x")))
        assert key((run_job, Job(dataclasses.replace(wider, extra_option=1), 4, "uniform", "x"))) != \
            key((run_job, Job(config, 4, "uniform", "x")))


def test_new_defaults_keep_the_keys_of_runs_that_set_the_old_values_and_change_the_others() -> None:
    @dataclasses.dataclass(frozen=True)
    class Retuned(TrainConfig):  # TrainConfig with a default changed, as issue 18 changed lr
        lr: float = 1e-3

    made_then = reference_config(full_budget=True, tau=0.05)  # a sweep's run, built on the old defaults
    assert key((run_job, Job(Retuned(**dataclasses.asdict(made_then)), 4, "uniform", "x"))) == \
        key((run_job, Job(made_then, 4, "uniform", "x")))
    assert key((run_job, Job(Retuned(), 4, "uniform", "x"))) != key((run_job, Job(reference_config(), 4, "uniform", "x")))


def test_the_committed_remedies_runs_are_all_still_found() -> None:
    """Their records are committed (results/runs/make_remedies_sweep/): a change of the defaults or of a key that
    lost them would make the sweep run again."""
    for tasks in (make_remedies_sweep.tasks, make_remedies_sweep.tasks_2):
        cache = RunCache.of(tasks)
        missing = [key(task) for task in tasks() if not cache.has(task)]
        assert not missing, missing[:3]
