"""prdqn_helpers.parallel: runs through joblib, one failing run reported as data, train_many equal to one by one.

Training runs here are tiny (300 env steps, a 16-unit network): they test the plumbing, not learning.
"""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pytest

import prdqn_helpers.parallel as parallel
from prdqn_helpers.parallel import Failure, Job, attempt, run_each, train_job, train_many
from prdqn_helpers.train import TrainConfig, TrainHistory

TINY = TrainConfig(hidden_sizes=(16,), total_env_steps=300, warmup_steps=100, batch_size=16, buffer_size=1_000,
                   eval_every=100, eval_episodes=3, final_eval_episodes=4)
TIMES = ("wall_seconds", "cpu_seconds")


def fail_on_odd_seed(job: Job) -> int:
    """A task function (module level, so worker processes can import it): the seed, or ValueError if it is odd."""
    if job.seed % 2:
        raise ValueError(f"seed {job.seed} is odd\nthis second line is not reported")
    return job.seed


def without_times(record: dict) -> dict:
    return {name: value for name, value in record.items() if name not in TIMES}


def test_run_each_yields_every_result_with_its_index_and_a_failure_as_data() -> None:
    results = dict(run_each([(fail_on_odd_seed, Job(TINY, seed)) for seed in range(4)], workers=1))
    assert sorted(results) == [0, 1, 2, 3] and results[0] == 0 and results[2] == 2       # the others still ran
    assert isinstance(results[1], Failure) and isinstance(results[3], Failure)
    assert results[1].message.startswith("ValueError: seed 1 is odd (in fail_on_odd_seed at test_parallel.py:")


def test_run_each_rejects_zero_workers_at_the_call() -> None:
    with pytest.raises(ValueError, match="workers"):
        run_each([(fail_on_odd_seed, Job(TINY, 0))], workers=0)  # not later, when the results are read


def test_train_many_names_the_failed_job() -> None:
    with pytest.raises(RuntimeError, match=r"1 of 1 runs failed: bogus seed 3 'bad': ValueError: replay"):
        train_many([Job(TINY, 3, "bogus", "bad")], workers=1)


def test_an_interrupted_run_is_no_result(monkeypatch: pytest.MonkeyPatch) -> None:
    cut_short = SimpleNamespace(history=TrainHistory(seed=0, replay="prioritized", interrupted=True), agent=None)
    monkeypatch.setattr(parallel, "train", lambda *args, **kwargs: cut_short)
    with pytest.raises(KeyboardInterrupt, match="prioritized seed 0 'cut' was interrupted"):
        train_job(Job(TINY, 0, label="cut"))
    with pytest.raises(KeyboardInterrupt):  # Ctrl-C is not one run's failure: it stops everything
        attempt(0, (parallel.run_job, Job(TINY, 0)))


@pytest.mark.slow
def test_run_each_in_processes_reports_a_failure_and_runs_the_others() -> None:
    results = dict(run_each([(fail_on_odd_seed, Job(TINY, seed)) for seed in range(5)], workers=2))
    assert {index: result for index, result in results.items() if not isinstance(result, Failure)} == {0: 0, 2: 2, 4: 4}
    assert results[3] == Failure(results[3].message) and "seed 3 is odd" in results[3].message


@pytest.mark.slow
def test_train_many_in_parallel_equals_one_by_one_in_job_order() -> None:
    jobs = [Job(TINY, 1, "uniform", "u1"), Job(TINY, 2, "prioritized", "p2"),
            Job(dataclasses.replace(TINY, full_budget=True), 3, "prioritized", "p3")]
    in_parallel, one_by_one = train_many(jobs, workers=2), train_many(jobs, workers=1)
    assert [record["label"] for record in in_parallel] == ["u1", "p2", "p3"]
    assert [without_times(record) for record in in_parallel] == [without_times(record) for record in one_by_one]
