"""The watchers in results/ (averaged weights, PER at work) must leave the runs they watch unchanged: the
committed verdict, averaged-weights and PER-at-work files all come from the same watched runs."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import pytest

import prdqn_helpers.train as train_module
from prdqn_helpers.parallel import Job, run_job
from prdqn_helpers.train import TrainConfig

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "results"))
import make_verdict_results  # noqa: E402  (results/ is a folder of scripts, not a package)

SHORT = TrainConfig(hidden_sizes=(16,), total_env_steps=900, warmup_steps=100, batch_size=16, buffer_size=1_000,
                    eval_every=300, eval_episodes=3, final_eval_episodes=4, full_budget=True)


@pytest.mark.slow
def test_watched_run_equals_the_unwatched_run_and_leaves_the_module_alone() -> None:
    job = Job(SHORT, make_verdict_results.AT_WORK_SEED, "prioritized", "watched")
    make_buffer = train_module.make_buffer
    record, averaged, at_work = make_verdict_results.watched_run(job)
    assert train_module.make_buffer is make_buffer             # watched through buffer_factory, nothing replaced
    plain = run_job(job)
    drop = ("wall_seconds", "cpu_seconds")
    assert {k: v for k, v in record.items() if k not in drop} == {k: v for k, v in plain.items() if k not in drop}
    assert averaged["online"] == plain["history"]["eval_means"] and len(averaged["averaged"]["slow"]["eval_means"]) == 3
    assert at_work["run"]["history"]["eval_means"] == plain["history"]["eval_means"]
    assert at_work["curves"]["step"] == [300, 600, 900]                 # one window per evaluation after warm-up


@pytest.mark.slow
def test_only_the_at_work_seed_is_watched_from_the_inside() -> None:
    job = Job(dataclasses.replace(SHORT, total_env_steps=300), make_verdict_results.AT_WORK_SEED + 1, "prioritized")
    _, averaged, at_work = make_verdict_results.watched_run(job)
    assert averaged is not None and at_work is None
    assert make_verdict_results.watched_run(dataclasses.replace(job, replay="uniform"))[1:] == (None, None)
