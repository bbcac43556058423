"""Tests of prdqn_helpers.checkpoints: every file is written atomically (a write that fails midway keeps the old file
and leaves no temporary one), and a run's folder holds the checkpoints its summary names, and no others."""

from __future__ import annotations

import dataclasses
import errno
import json
import os
from pathlib import Path

import numpy as np
import pytest
import torch

import prdqn_helpers.checkpoints as checkpoints
from prdqn_helpers.checkpoints import load_checkpoint, save_checkpoint, write_atomically, write_run
from prdqn_helpers.dqn import DQNAgent
from prdqn_helpers.train import TrainConfig, TrainHistory

CONFIG = TrainConfig(hidden_sizes=(8,), total_env_steps=300, warmup_steps=50, eval_every=100, batch_size=16,
                     buffer_size=1_000)
FULL_DISK = OSError(errno.ENOSPC, "No space left on device")


def make_agent(seed: int = 0) -> DQNAgent:
    """A small CartPole-shaped agent (4 observations, 2 actions)."""
    return DQNAgent(4, 2, CONFIG, seed=seed)


def make_history(solved: bool, stop_reason: str) -> TrainHistory:
    """A finished run's history, solved at env step 100 or not."""
    return TrainHistory(seed=0, replay="uniform", solved=solved, env_steps_to_solve=100 if solved else None,
                        env_steps=300, stop_reason=stop_reason)


def online_weights(agent: DQNAgent) -> list[torch.Tensor]:
    return [p.detach().clone() for p in agent.online_net.parameters()]


def same(a: list[torch.Tensor], b: list[torch.Tensor]) -> bool:
    return all(torch.equal(x, y) for x, y in zip(a, b, strict=True))


# ---- atomic writes ------------------------------------------------------------------------------------
@pytest.mark.parametrize("error", [FULL_DISK, KeyboardInterrupt()])
def test_a_write_failing_midway_keeps_the_old_file_and_no_temporary(error, tmp_path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"old and whole")

    def write_part_then_fail(file) -> None:
        file.write(b"new but ")
        file.flush()  # the part is in the temporary file, not only in a buffer
        raise error

    with pytest.raises(type(error)):
        write_atomically(path, write_part_then_fail)
    assert path.read_bytes() == b"old and whole" and os.listdir(tmp_path) == ["notes.txt"]


def test_a_write_replaces_the_file_whole(tmp_path) -> None:
    path = write_atomically(tmp_path / "notes.txt", lambda file: file.write(b"first"))
    write_atomically(path, lambda file: file.write(b"second"))
    assert path.read_bytes() == b"second" and os.listdir(tmp_path) == ["notes.txt"]


def test_torch_save_failing_midway_keeps_the_previous_checkpoint(tmp_path, monkeypatch) -> None:
    old, path = make_agent(0), tmp_path / "checkpoint.pt"
    save_checkpoint(path, old, CONFIG)
    real_save = torch.save

    def save_half_then_fail(obj, file) -> None:  # as a full disk would: part of the bytes, then an error
        real_save(obj, file)
        file.truncate(file.tell() // 2)
        raise FULL_DISK

    monkeypatch.setattr(torch, "save", save_half_then_fail)
    with pytest.raises(OSError, match="No space left"):
        save_checkpoint(path, make_agent(1), CONFIG)
    monkeypatch.undo()
    assert same(online_weights(load_checkpoint(path)[0]), online_weights(old))
    assert os.listdir(tmp_path) == ["checkpoint.pt"]


def test_a_summary_write_failing_at_the_rename_keeps_the_previous_summary(tmp_path, monkeypatch) -> None:
    write_run(tmp_path, make_history(False, "budget spent"), make_agent(0), CONFIG)
    before = {name: (tmp_path / name).read_bytes() for name in os.listdir(tmp_path)}
    real_replace = os.replace

    def replace_fails_for_the_summary(src, dst) -> None:  # the summary's bytes are written and fsynced by then
        if str(dst).endswith("summary.json"):
            raise FULL_DISK
        real_replace(src, dst)

    monkeypatch.setattr(checkpoints.os, "replace", replace_fails_for_the_summary)
    with pytest.raises(OSError):
        write_run(tmp_path, make_history(True, "solved"), make_agent(1), CONFIG)
    assert (tmp_path / "summary.json").read_bytes() == before["summary.json"]
    assert sorted(os.listdir(tmp_path)) == sorted(before)  # no temporary file left


def test_written_files_get_the_usual_permissions(tmp_path) -> None:
    path = save_checkpoint(tmp_path / "checkpoint.pt", make_agent(), CONFIG)
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask  # as open() gives, not a temporary file's 0o600


# ---- a run's files ------------------------------------------------------------------------------------
@pytest.mark.parametrize("solved, full_budget, expected", [
    (False, False, {"last": "checkpoint.pt", "solved": None}),
    (True, False, {"last": "checkpoint.pt", "solved": "checkpoint.pt"}),  # stopped at the solve
    (True, True, {"last": "checkpoint.pt", "solved": "checkpoint_solved.pt"}),
    (False, True, {"last": "checkpoint.pt", "solved": None}),
])
def test_the_summary_names_the_checkpoint_of_the_last_and_the_solved_weights(solved, full_budget, expected,
                                                                              tmp_path) -> None:
    config = dataclasses.replace(CONFIG, full_budget=full_budget)
    agent = make_agent()
    solved_state = agent.state_dict() if solved else None  # the copy train() takes at the confirmed solve
    solved_weights = online_weights(agent)
    with torch.no_grad():  # training on past the solve changes the weights
        for p in agent.online_net.parameters():
            p.add_(1.0)
    summary_path = write_run(tmp_path, make_history(solved, "budget spent"), agent, config, solved_state)
    summary = json.loads(summary_path.read_text())
    assert summary["checkpoints"] == expected
    assert sorted(os.listdir(tmp_path)) == sorted({"summary.json", *filter(None, expected.values())})
    assert same(online_weights(load_checkpoint(tmp_path / "checkpoint.pt")[0]), online_weights(agent))
    if expected["solved"] == "checkpoint_solved.pt":
        assert same(online_weights(load_checkpoint(tmp_path / "checkpoint_solved.pt")[0]), solved_weights)


def test_a_run_without_an_agent_writes_only_its_summary(tmp_path) -> None:
    summary = json.loads(write_run(tmp_path, make_history(False, "interrupted"), None, CONFIG).read_text())
    assert summary["checkpoints"] == {"last": None, "solved": None} and os.listdir(tmp_path) == ["summary.json"]


def test_checkpoints_an_earlier_run_left_are_removed(tmp_path) -> None:
    for name in ("checkpoint.pt", "checkpoint_solved.pt"):
        (tmp_path / name).write_bytes(b"an earlier run's")
    write_run(tmp_path, make_history(False, "interrupted"), None, CONFIG)
    assert os.listdir(tmp_path) == ["summary.json"]  # the folder agrees with the summary's "checkpoints"


def test_weights_that_are_not_finite_get_no_checkpoint(tmp_path) -> None:
    agent = make_agent()
    with torch.no_grad():  # what an update on a non-finite loss leaves
        next(agent.online_net.parameters()).fill_(float("nan"))
    history = make_history(False, "diverged: non-finite loss at env step 120")
    summary = json.loads(write_run(tmp_path, history, agent, CONFIG).read_text())
    assert summary["checkpoints"] == {"last": None, "solved": None} and os.listdir(tmp_path) == ["summary.json"]


SMALL = TrainConfig(hidden_sizes=(8,))


def test_a_checkpoint_saved_with_the_retired_switches_off_still_loads(tmp_path: Path) -> None:
    agent = DQNAgent(4, 2, SMALL, seed=0)
    retired = {"fixed_epsilon": None, "is_weight_on_both_sides": False, "reward_rewrite": False, "priority_clip": False,
               "train_episode_cap": None, "truncation_as_failure": False, "target_copy_every_episodes": None}
    old_style = {**dataclasses.asdict(SMALL), **retired}                   # as saved before they moved out
    torch.save({"agent": agent.state_dict(), "train_config": old_style}, tmp_path / "old.pt")
    loaded, config = load_checkpoint(tmp_path / "old.pt")
    probe = np.random.default_rng(0).normal(size=(5, 4)).astype(np.float32)
    assert config == SMALL and np.array_equal(loaded.q_values(probe), agent.q_values(probe))


@pytest.mark.parametrize("extra", [{"fixed_epsilon": 0.5}, {"reward_rewrite": True}, {"no_such_setting": 1}])
def test_a_checkpoint_with_a_setting_the_package_lacks_is_refused_naming_it(tmp_path: Path, extra: dict) -> None:
    agent = DQNAgent(4, 2, SMALL, seed=0)
    torch.save({"agent": agent.state_dict(), "train_config": {**dataclasses.asdict(SMALL), **extra}}, tmp_path / "x.pt")
    with pytest.raises(ValueError, match=f"settings this package does not have: .*{next(iter(extra))}"):
        load_checkpoint(tmp_path / "x.pt")
