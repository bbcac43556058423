"""Tests of prdqn_helpers.train, .checkpoints and .parallel: config, evaluation, the loop, its protocol, files.

Training runs here are tiny (a few hundred env steps, small networks): they test the loop's logic, not
whether it solves CartPole (notebook 04 and benchmarks/cartpole.py measure that).
"""

from __future__ import annotations

import copy
import dataclasses
import json
import random
import sys
from pathlib import Path

import gymnasium
import numpy as np
import pytest
import torch

import prdqn_helpers.train as train_module
from prdqn_helpers.checkpoints import load_checkpoint, save_checkpoint
from prdqn_helpers.dqn import AgentConfig, DQNAgent
from prdqn_helpers.parallel import Job, run_job, train_many
from prdqn_helpers.schedules import linear_schedule
from prdqn_helpers.replay import Batch
from prdqn_helpers.train import (
    TrainConfig, TrainHistory, derive_seeds, evaluate, exploration_rate, make_buffer, make_eval_env, summarize, train,
)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "results"))
from original_choices import OriginalChoices, OriginalMemory, original_hooks  # noqa: E402  (results/: scripts)

TINY = TrainConfig(hidden_sizes=(16,), total_env_steps=600, warmup_steps=100, batch_size=16, buffer_size=1_000,
                   eval_every=200, eval_episodes=3, final_eval_episodes=4)


class LeanController:
    """Balances CartPole: push towards the side the pole leans or falls to."""

    def greedy_actions(self, obs: np.ndarray) -> np.ndarray:
        return (obs[:, 2] + 0.5 * obs[:, 3] > 0).astype(np.int64)


class AlwaysLeft:
    def greedy_actions(self, obs: np.ndarray) -> np.ndarray:
        return np.zeros(len(obs), dtype=np.int64)


class ScriptedVectorEnv:
    """A fake vector env: copy i terminates at step lengths[i], then (like autoreset) keeps paying reward 1."""

    def __init__(self, lengths: list[int]) -> None:
        self.lengths = np.array(lengths)
        self.num_envs = len(lengths)
        self.t = 0

    def reset(self, seed: int | None = None) -> tuple[np.ndarray, dict]:
        self.t = 0
        return np.zeros((self.num_envs, 4), dtype=np.float32), {}

    def step(self, actions: np.ndarray):
        self.t += 1
        terminated = self.lengths == self.t
        return (np.zeros((self.num_envs, 4), dtype=np.float32), np.ones(self.num_envs), terminated,
                np.zeros(self.num_envs, dtype=bool), {})


# ---- TrainConfig ----------------------------------------------------------------------------------
def test_config_defaults_extend_agent_config() -> None:
    config = TrainConfig()
    assert isinstance(config, AgentConfig)
    assert (config.total_env_steps, config.eval_every, config.eval_episodes, config.final_eval_episodes) == \
        (50_000, 500, 10, 100)
    assert config.solve_threshold == 475.0 and config.torch_threads == 1
    assert not {field.name for field in dataclasses.fields(config)} & set(OriginalChoices._fields)  # the ladder's
    assert (config.eps_start, config.eps_end, config.eps_decay_steps) == (1.0, 0.05, 10_000)
    assert (config.lr, config.tau) == (AgentConfig().lr, AgentConfig().tau)    # declared once, in AgentConfig


def test_config_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        TrainConfig().lr = 0.1  # type: ignore[misc]


@pytest.mark.parametrize("field, value", [
    ("total_env_steps", 0), ("buffer_size", -1), ("batch_size", 1.5), ("eval_every", 0), ("eval_episodes", 0),
    ("final_eval_episodes", True), ("torch_threads", 0), ("warmup_steps", -1), ("alpha", -0.1), ("beta0", 1.5),
    ("priority_eps", 0.0), ("env_id", ""), ("eps_start", 1.5), ("eps_end", -0.1), ("eps_decay_steps", 0),
])
def test_config_rejects_bad_field_naming_it(field: str, value: object) -> None:
    with pytest.raises(ValueError, match=field):
        TrainConfig(**{field: value})


def test_config_rejects_batch_larger_than_buffer() -> None:
    with pytest.raises(ValueError, match="batch_size"):
        TrainConfig(buffer_size=10, batch_size=11)


def test_config_still_validates_agent_fields() -> None:
    with pytest.raises(ValueError, match="lr"):
        TrainConfig(lr=0.0)


# ---- seeds and evaluation ---------------------------------------------------------------------------
def test_derive_seeds_is_deterministic_and_distinct() -> None:
    assert derive_seeds(3) == derive_seeds(3)
    assert len(set(derive_seeds(3)) | set(derive_seeds(4))) == 6


@pytest.mark.parametrize("seed", [-1, 1.0, True, "1", 2**64])
def test_derive_seeds_rejects_bad_seed(seed: object) -> None:
    with pytest.raises(ValueError, match="seed"):
        derive_seeds(seed)  # type: ignore[arg-type]


def test_evaluate_counts_each_episode_until_its_own_end() -> None:
    returns = evaluate(AlwaysLeft(), ScriptedVectorEnv([3, 7, 1, 5]), seed=0)
    assert returns.tolist() == [3.0, 7.0, 1.0, 5.0]


def test_evaluate_counts_to_the_time_limit_on_cartpole() -> None:
    eval_env = make_eval_env("CartPole-v1", 6)
    assert evaluate(LeanController(), eval_env, seed=1).tolist() == [500.0] * 6
    short = evaluate(AlwaysLeft(), eval_env, seed=1)
    assert (short < 15).all() and short.shape == (6,)


def test_evaluate_repeats_with_the_same_seed() -> None:
    eval_env = make_eval_env("CartPole-v1", 5)
    agent = DQNAgent(4, 2, TINY, seed=0)
    assert (evaluate(agent, eval_env, seed=9) == evaluate(agent, eval_env, seed=9)).all()


class StartStateSpy:
    """Records the observations of the first step of each evaluation (its start states), acts greedily left."""

    def __init__(self) -> None:
        self.starts, self.fresh = [], True

    def greedy_actions(self, obs: np.ndarray) -> np.ndarray:
        if self.fresh:
            self.starts.append(obs.copy())
            self.fresh = False
        return np.zeros(len(obs), dtype=np.int64)


@pytest.mark.parametrize("mode", ["vector_entry_point", "sync"])
def test_consecutive_evaluations_share_no_start_state(mode: str) -> None:
    # A per-copy wrapper seeded with one int gives copy i the seed + i: evaluation k + 1 would replay k's states.
    eval_env = gymnasium.make_vec("CartPole-v1", num_envs=5, vectorization_mode=mode)
    spy = StartStateSpy()
    for k in range(3):
        spy.fresh = True
        evaluate(spy, eval_env, seed=40 + k)
    starts = np.concatenate(spy.starts)
    assert starts.shape == (15, 4) and len(np.unique(starts, axis=0)) == 15


def test_make_eval_env_rejects_zero_copies() -> None:
    with pytest.raises(ValueError, match="num_envs"):
        make_eval_env("CartPole-v1", 0)


# ---- train: arguments, smoke runs, determinism ----------------------------------------------------
@pytest.mark.slow
def test_train_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="replay"):
        train(TINY, 0, "rank-based", progress=False)
    with pytest.raises(ValueError, match="seed"):
        train(TINY, -1, progress=False)
    with pytest.raises(ValueError, match="TrainConfig"):
        train(AgentConfig(), 0, progress=False)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def tiny_run():
    return train(TINY, 0, "prioritized", progress=False)


@pytest.mark.slow
@pytest.mark.parametrize("replay", ["prioritized", "uniform"])
def test_train_smoke_run_records_a_consistent_history(replay: str, tiny_run) -> None:
    history, agent, _ = tiny_run if replay == "prioritized" else train(TINY, 0, replay, progress=False)
    assert isinstance(history, TrainHistory) and isinstance(agent, DQNAgent)
    assert history.replay == replay and history.seed == 0 and not history.interrupted
    assert history.env_steps == 600 and history.eval_steps == [200, 400, 600]
    assert history.loss_steps == [200, 400, 600] and all(np.isfinite(history.losses))
    assert agent.gradient_steps == 600 - 100                      # one gradient step per env step after warm-up
    assert history.episode_end_steps == sorted(history.episode_end_steps)
    assert len(history.episode_returns) == len(history.episode_end_steps) > 0
    assert history.final_checks[-1][0] == 600 and history.final_eval_mean == history.final_checks[-1][1]
    # The protocol: solved only by a final check that confirms a passing evaluation at the same step.
    evals = dict(zip(history.eval_steps, history.eval_means))
    confirmed = [step for step, mean in history.final_checks
                 if mean >= TINY.solve_threshold and evals.get(step, 0.0) >= TINY.solve_threshold]
    assert history.solved == bool(confirmed) and history.env_steps_to_solve == (confirmed[0] if confirmed else None)
    assert history.stop_reason == ("solved" if history.solved else "budget spent")
    assert history.wall_seconds > 0 and history.cpu_seconds > 0


@pytest.mark.slow
def test_train_is_deterministic_for_a_seed(tiny_run) -> None:
    a = tiny_run.history
    b = train(TINY, 0, progress=False).history
    c = train(TINY, 6, progress=False).history
    fields = ("episode_returns", "eval_means", "losses", "final_checks")
    assert all(getattr(a, f) == getattr(b, f) for f in fields)
    assert any(getattr(a, f) != getattr(c, f) for f in fields)


@pytest.mark.slow
def test_train_uses_one_torch_thread_by_default() -> None:
    seen = []
    train(TINY, 0, progress=False, on_eval=lambda step, agent, buffer: seen.append(torch.get_num_threads()))
    assert seen and set(seen) == {1}


@pytest.mark.slow
def test_train_restores_the_torch_thread_count() -> None:
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(2)
        train(TINY, 0, progress=False)
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


# ---- the evaluation protocol ------------------------------------------------------------------------
def _scripted_evaluate(monkeypatch: pytest.MonkeyPatch, eval_means: list[float], final_means: list[float]):
    """Replace evaluate: 10-episode evaluations and 100-episode checks return the scripted means in turn."""
    calls = {"eval": 0, "final": 0}

    def fake(agent, eval_env, seed):
        kind = "final" if eval_env.num_envs == TINY.final_eval_episodes else "eval"
        means = final_means if kind == "final" else eval_means
        mean = means[min(calls[kind], len(means) - 1)]
        calls[kind] += 1
        return np.full(eval_env.num_envs, mean)

    monkeypatch.setattr(train_module, "evaluate", fake)
    return calls


@pytest.mark.slow
def test_train_stops_at_the_first_confirmed_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    _scripted_evaluate(monkeypatch, eval_means=[20.0, 480.0], final_means=[490.0])
    history = train(TINY, 0, progress=False).history
    assert history.solved and history.env_steps_to_solve == 400 and history.env_steps == 400
    assert history.stop_reason == "solved"
    assert history.eval_means == [20.0, 480.0] and history.final_checks == [(400, 490.0)]
    assert history.final_eval_mean == 490.0


@pytest.mark.slow
def test_train_goes_on_after_a_failed_final_check(monkeypatch: pytest.MonkeyPatch) -> None:
    _scripted_evaluate(monkeypatch, eval_means=[480.0], final_means=[470.0, 476.0])
    history = train(TINY, 0, progress=False).history
    assert history.final_checks == [(200, 470.0), (400, 476.0)]
    assert history.solved and history.env_steps_to_solve == 400 and history.final_eval_mean == 476.0


@pytest.mark.slow
def test_train_checks_the_last_weights_when_the_budget_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _scripted_evaluate(monkeypatch, eval_means=[100.0], final_means=[150.0])
    history = train(TINY, 0, progress=False).history
    assert calls == {"eval": 3, "final": 1}
    assert not history.solved and history.env_steps_to_solve is None
    assert history.final_checks == [(600, 150.0)] and history.final_eval_mean == 150.0


@pytest.mark.slow
def test_budget_end_check_never_solves_a_run_without_a_passing_evaluation(monkeypatch: pytest.MonkeyPatch) -> None:
    # No evaluation passes, but the last weights would pass the 100-episode check: measured, not solved.
    _scripted_evaluate(monkeypatch, eval_means=[100.0], final_means=[490.0])
    history = train(TINY, 0, progress=False).history
    assert history.final_checks == [(600, 490.0)] and history.final_eval_mean == 490.0
    assert not history.solved and history.env_steps_to_solve is None


@pytest.mark.slow
def test_budget_end_check_does_not_undo_an_earlier_confirmation_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    # A pass at 200 fails its confirmation; later evaluations fail; the budget-end check passes: not solved.
    _scripted_evaluate(monkeypatch, eval_means=[480.0, 100.0], final_means=[470.0, 490.0])
    history = train(TINY, 0, progress=False).history
    assert history.final_checks == [(200, 470.0), (600, 490.0)] and history.final_eval_mean == 490.0
    assert not history.solved and history.env_steps_to_solve is None


@pytest.mark.slow
def test_full_budget_trains_on_after_the_first_confirmed_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    # Pass at 200 confirmed; training goes on to 600 without more confirmations; the last weights are measured.
    calls = _scripted_evaluate(monkeypatch, eval_means=[480.0, 100.0, 490.0], final_means=[490.0, 300.0])
    config = dataclasses.replace(TINY, full_budget=True)
    history = train(config, 0, progress=False).history
    assert calls == {"eval": 3, "final": 2} and history.env_steps == 600
    assert history.solved and history.env_steps_to_solve == 200
    assert history.final_checks == [(200, 490.0), (600, 300.0)] and history.final_eval_mean == 300.0
    summary = summarize(history, config)
    assert summary["post_solve_eval_fraction"] == pytest.approx(2 / 3)   # 480 and 490 of 480, 100, 490


@pytest.mark.slow
def test_full_budget_keeps_confirming_until_a_pass_is_confirmed(monkeypatch: pytest.MonkeyPatch) -> None:
    _scripted_evaluate(monkeypatch, eval_means=[480.0, 480.0, 480.0], final_means=[470.0, 476.0, 300.0])
    config = dataclasses.replace(TINY, full_budget=True)
    history = train(config, 0, progress=False).history
    assert history.final_checks == [(200, 470.0), (400, 476.0), (600, 300.0)]
    assert history.env_steps_to_solve == 400 and summarize(history, config)["post_solve_eval_fraction"] == 1.0


@pytest.mark.slow
def test_post_solve_fraction_is_none_when_unsolved_or_stopped_at_the_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    _scripted_evaluate(monkeypatch, eval_means=[100.0], final_means=[150.0])
    full = dataclasses.replace(TINY, full_budget=True)
    history = train(full, 0, progress=False).history
    assert summarize(history, full)["post_solve_eval_fraction"] is None            # never solved
    _scripted_evaluate(monkeypatch, eval_means=[20.0, 480.0], final_means=[490.0])
    history = train(TINY, 0, progress=False).history                                # stops at its pass: nothing after
    assert history.env_steps == 400 and summarize(history, TINY)["post_solve_eval_fraction"] is None


def test_config_rejects_non_bool_switches_naming_them() -> None:
    for name in ("double", "full_budget"):
        with pytest.raises(ValueError, match=f"^{name} must be True or False, got 'False'$"):
            TrainConfig(**{name: "False"})


@pytest.mark.slow
def test_train_returns_what_it_has_on_keyboard_interrupt(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = {"n": 0}

    def interrupt_second(agent, eval_env, seed):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return np.zeros(eval_env.num_envs)

    monkeypatch.setattr(train_module, "evaluate", interrupt_second)
    history, agent, _ = train(TINY, 0, progress=False)
    assert history.interrupted and not history.solved and history.final_eval_mean is None
    assert history.env_steps == 400 and history.eval_steps == [200] and isinstance(agent, DQNAgent)
    assert history.stop_reason == "interrupted"
    assert history.loss_steps == [200, 400]                      # the interrupted window's losses are kept too


# ---- train's parameters, and the original notebook's choices through them (results/original_choices.py) -------
class _Recorder:
    """Records what the loop stores, samples and learns from. `hooks(...)` wraps train's keyword arguments (the
    buffer factory, the exploration schedule); the agent's act, update and sync_target are spied on its class. What
    is stored and written back is recorded at the innermost buffer (inside an OriginalMemory), the sampled weights
    at both levels."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.rewards, self.terminated, self.sampled_weights, self.inner_weights, self.update_weights = [], [], [], [], []
        self.td_written, self.epsilons, self.schedule, self.betas, self.steps, self.syncs = [], [], [], [], [], 0
        recorder = self
        act, update, sync_target = DQNAgent.act, DQNAgent.update, DQNAgent.sync_target

        def act_(agent, obs, epsilon, rng):
            recorder.epsilons.append(epsilon)
            return act(agent, obs, epsilon, rng)

        def update_(agent, batch):
            recorder.update_weights.append(np.asarray(batch.weights).copy())
            return update(agent, batch)

        def sync_target_(agent):
            recorder.syncs += 1
            sync_target(agent)

        monkeypatch.setattr(DQNAgent, "act", act_)
        monkeypatch.setattr(DQNAgent, "update", update_)
        monkeypatch.setattr(DQNAgent, "sync_target", sync_target_)

    def hooks(self, buffer_factory=make_buffer, exploration=exploration_rate, **others) -> dict:
        recorder = self

        def recording_buffer(config, replay, obs_shape):
            outer = buffer_factory(config, replay, obs_shape)
            inner = outer.buffer if isinstance(outer, OriginalMemory) else outer
            add, sample, update, outer_sample = inner.add, inner.sample, inner.update_priorities, outer.sample

            def add_(obs, action, reward, next_obs, terminated, steps=1):
                recorder.rewards.append(reward)
                recorder.terminated.append(bool(terminated))
                recorder.steps.append(steps)
                add(obs, action, reward, next_obs, terminated, steps)

            def sample_(batch_size, beta, rng):
                recorder.betas.append(beta)                       # what the loop passed, not recomputed
                batch = sample(batch_size, beta, rng)
                recorder.inner_weights.append(batch.weights.copy())
                return batch

            def outer_sample_(batch_size, beta, rng):
                batch = outer_sample(batch_size, beta, rng)
                recorder.sampled_weights.append(batch.weights.copy())
                return batch

            def update_(indices, td_errors):
                recorder.td_written.append(np.asarray(td_errors).copy())
                update(indices, td_errors)

            inner.add, inner.sample, inner.update_priorities = add_, sample_, update_
            outer.sample = outer_sample_ if outer is not inner else sample_
            if outer is inner:
                recorder.sampled_weights = recorder.inner_weights
            return outer

        def recording_exploration(config, step):
            recorder.schedule.append(exploration(config, step))
            return recorder.schedule[-1]

        return {**others, "buffer_factory": recording_buffer, "exploration": recording_exploration}

    def original(self, **choices) -> dict:
        """`hooks` around `original_hooks(OriginalChoices(**choices))`."""
        return self.hooks(**original_hooks(OriginalChoices(**choices)))


@pytest.mark.slow
def test_defaults_store_environment_rewards_and_pass_weights_once(monkeypatch: pytest.MonkeyPatch) -> None:
    rec = _Recorder(monkeypatch)
    train(dataclasses.replace(TINY, n_step=1), 0, progress=False, **rec.hooks())
    assert set(rec.rewards) == {1.0} and any(rec.terminated)
    assert all(np.array_equal(s, u) for s, u in zip(rec.sampled_weights, rec.update_weights))
    assert rec.epsilons == rec.schedule and rec.epsilons[0] == 1.0 and rec.epsilons[-1] < 1.0   # decaying


@pytest.mark.slow
def test_original_choices_all_off_are_the_defaults() -> None:
    plain = train(TINY, 0, progress=False).history
    hooked = train(TINY, 0, progress=False, **original_hooks(OriginalChoices())).history
    assert dataclasses.replace(hooked, wall_seconds=0.0, cpu_seconds=0.0) == \
        dataclasses.replace(plain, wall_seconds=0.0, cpu_seconds=0.0)


@pytest.mark.slow
def test_fixed_epsilon_keeps_exploration_constant(monkeypatch: pytest.MonkeyPatch) -> None:
    rec = _Recorder(monkeypatch)
    train(TINY, 0, progress=False, **rec.original(fixed_epsilon=0.5))
    assert set(rec.epsilons) == {0.5} and len(rec.epsilons) == 600 and rec.schedule == rec.epsilons


@pytest.mark.slow
def test_is_weight_on_both_sides_squares_the_weights(monkeypatch: pytest.MonkeyPatch) -> None:
    rec = _Recorder(monkeypatch)
    train(TINY, 0, progress=False, **rec.original(is_weight_on_both_sides=True))
    assert any((w < 1).any() for w in rec.inner_weights) and len(rec.update_weights) == 500
    assert all(np.allclose(u, s ** 2) for s, u in zip(rec.inner_weights, rec.update_weights))


@pytest.mark.slow
def test_reward_rewrite_stores_minus_one_on_termination_only(monkeypatch: pytest.MonkeyPatch) -> None:
    rec = _Recorder(monkeypatch)  # the original stores one-step transitions (the ladder's ORIGINAL sets n_step 1)
    history = train(dataclasses.replace(TINY, gamma=0.9, n_step=1), 0, progress=False,
                    **rec.original(reward_rewrite=True)).history
    assert [r == -1.0 for r in rec.rewards] == rec.terminated
    assert set(rec.rewards) == {-1.0, 0.01}
    assert set(history.episode_returns) <= set(range(1, 501))          # recorded returns stay the env's own


@pytest.mark.slow
def test_priority_clip_saturates_priorities(monkeypatch: pytest.MonkeyPatch) -> None:
    rec = _Recorder(monkeypatch)
    train(TINY, 0, progress=False, **rec.original(priority_clip=True))
    written = np.concatenate(rec.td_written)
    assert written.min() >= 0.1 and written.max() <= 1.0


@pytest.mark.slow
@pytest.mark.parametrize("as_failure", [False, True])
def test_train_episode_cap_cuts_episodes_and_truncation_as_failure_stores_it(monkeypatch, as_failure: bool) -> None:
    rec = _Recorder(monkeypatch)
    hooks = rec.original(train_episode_cap=7, truncation_as_failure=as_failure, reward_rewrite=True)
    history = train(dataclasses.replace(TINY, n_step=1), 0, progress=False, **hooks).history
    assert max(history.episode_returns) == 7 and len(history.episode_end_steps) >= 600 // 7
    cut = np.array(history.episode_returns) == 7                      # episodes the cap ended
    stored_ends = np.flatnonzero(rec.terminated) + 1                  # env steps stored as terminations
    ends = np.array(history.episode_end_steps)
    expected = ends if as_failure else ends[~cut]                     # the original: every end is a failure
    assert stored_ends.tolist() == expected.tolist()
    assert [r == -1.0 for r in rec.rewards] == rec.terminated         # the rewrite follows what is stored


@pytest.mark.slow
def test_target_copy_every_episodes_copies_at_those_episode_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    rec = _Recorder(monkeypatch)
    config = dataclasses.replace(TINY, target_sync_every=10**6)
    history, agent, _ = train(config, 0, progress=False, **rec.original(target_copy_every_episodes=3))
    assert rec.syncs == len(history.episode_returns) // 3 > 0
    for online, target in zip(agent.online_net.parameters(), agent.target_net.parameters()):
        assert not torch.equal(online, target)                        # trained on since the last copy


@pytest.mark.slow
def test_on_episode_end_sees_each_training_episode_with_the_agent() -> None:
    seen = []
    history, agent, _ = train(TINY, 0, progress=False, on_episode_end=lambda agent, n: seen.append((agent, n)))
    assert [n for _, n in seen] == list(range(1, len(history.episode_returns) + 1)) and seen[0][0] is agent


@pytest.mark.slow
def test_make_env_gives_the_training_environment_only() -> None:
    made = []

    def make_env(env_id):
        made.append(env_id)
        return gymnasium.make(env_id, max_episode_steps=20)

    history = train(TINY, 0, progress=False, make_env=make_env).history
    assert made == ["CartPole-v1"] and max(history.episode_returns) <= 20 and len(history.episode_returns) >= 30


class _FakeBuffer:
    """Records what an OriginalMemory passes on; samples a fixed batch."""

    def __init__(self) -> None:
        self.added, self.written = [], []

    def __len__(self) -> int:
        return 7

    def add(self, *transition) -> None:
        self.added.append(transition)

    def sample(self, batch_size, beta, rng) -> Batch:
        weights = np.array([1.0, 0.5, 0.25], dtype=np.float32)
        return Batch(*(np.zeros(3),) * 5, weights, np.arange(3))

    def update_priorities(self, indices, td_errors) -> None:
        self.written.append(np.asarray(td_errors))


@pytest.mark.parametrize("on", [False, True])
def test_original_memory_changes_only_what_its_choices_say(on: bool) -> None:
    inner = _FakeBuffer()
    memory = OriginalMemory(inner, OriginalChoices(is_weight_on_both_sides=on, reward_rewrite=on, priority_clip=on))
    memory.add("s", 1, 1.0, "s2", True)
    memory.add("s", 0, 1.0, "s2", False)
    assert [t[2] for t in inner.added] == ([-1.0, 0.01] if on else [1.0, 1.0]) and len(memory) == 7
    assert memory.sample(3, 0.4, None).weights.tolist() == ([1.0, 0.25, 0.0625] if on else [1.0, 0.5, 0.25])
    memory.update_priorities(np.arange(3), np.array([0.0, 0.5, 3.0]))
    assert inner.written[-1].tolist() == ([0.1, 0.6, 1.0] if on else [0.0, 0.5, 3.0])
    if on:
        with pytest.raises(ValueError, match="steps"):
            memory.add("s", 0, 1.0, "s2", False, 3)


@pytest.mark.slow
def test_on_eval_sees_each_evaluation_with_the_agent_and_buffer() -> None:
    seen = []
    history, agent, _ = train(TINY, 0, progress=False,
                           on_eval=lambda step, agent, buffer: seen.append((step, agent, len(buffer))))
    assert [step for step, _, _ in seen] == history.eval_steps == [200, 400, 600]
    # the n-step window holds back at most n - 1 transitions of the episode under way
    assert all(a is agent and step - TINY.n_step < size <= step for step, a, size in seen)


# ---- files: checkpoint, summary -----------------------------------------------------------------------
@pytest.mark.slow
def test_checkpoint_round_trip_plays_identically(tiny_run, tmp_path) -> None:
    history, agent, _ = tiny_run
    path = save_checkpoint(tmp_path / "sub" / "agent.pt", agent, TINY)
    reloaded, config = load_checkpoint(path)
    assert config == TINY
    obs = np.random.default_rng(0).normal(size=(32, 4)).astype(np.float32)
    assert np.array_equal(agent.q_values(obs), reloaded.q_values(obs))
    eval_env = make_eval_env("CartPole-v1", 4)
    assert np.array_equal(evaluate(agent, eval_env, 3), evaluate(reloaded, eval_env, 3))


def test_load_checkpoint_rejects_other_files(tmp_path) -> None:
    path = tmp_path / "other.pt"
    torch.save({"weights": torch.zeros(3)}, path)
    with pytest.raises(ValueError, match="not a checkpoint"):
        load_checkpoint(path)
    text = tmp_path / "notes.txt"
    text.write_text("not a checkpoint at all\n")
    with pytest.raises(ValueError, match="not a checkpoint"):
        load_checkpoint(text)


@pytest.mark.slow
def test_summarize_is_json_ready_with_the_design_fields(tiny_run) -> None:
    history = tiny_run.history
    summary = json.loads(json.dumps(summarize(history, TINY)))
    for key in ("solved", "env_steps_to_solve", "final_eval_mean", "post_solve_eval_fraction", "final_eval_episodes",
                "wall_seconds", "seed",
                "replay", "config", "history"):
        assert key in summary
    assert summary["config"]["total_env_steps"] == 600 and summary["final_eval_episodes"] == 4
    assert summary["history"]["eval_steps"] == [200, 400, 600]
    assert summary["solved"] == history.solved and summary["env_steps"] == history.env_steps == 600


# ---- several runs -------------------------------------------------------------------------------------
@pytest.mark.slow
def test_train_many_matches_single_runs_in_job_order() -> None:
    short = dataclasses.replace(TINY, total_env_steps=300, eval_every=100)
    jobs = [Job(short, 1, "uniform", "u1"), Job(short, 2, "prioritized", "p2")]
    parallel = train_many(jobs, workers=2)
    assert [r["label"] for r in parallel] == ["u1", "p2"] and [r["seed"] for r in parallel] == [1, 2]
    for job, record in zip(jobs, parallel):
        alone = run_job(job)
        assert alone["history"] == record["history"] and "torch" in record["versions"]


@pytest.mark.slow
def test_train_many_rejects_zero_workers() -> None:
    with pytest.raises(ValueError, match="workers"):
        train_many([], workers=0)


# ---- schedules from the config, set-up failures -------------------------------------------------------
def test_exploration_rate_follows_the_config_schedule() -> None:
    config = dataclasses.replace(TINY, eps_start=0.8, eps_end=0.1, eps_decay_steps=100)
    assert [exploration_rate(config, t) for t in (0, 50, 100, 1_000)] == [0.8, linear_schedule(0.8, 0.1, 100, 50), 0.1, 0.1]


@pytest.mark.slow
def test_train_uses_the_configured_epsilon_and_beta_schedules(monkeypatch: pytest.MonkeyPatch) -> None:
    config = dataclasses.replace(TINY, eps_start=0.9, eps_end=0.2, eps_decay_steps=300, beta0=0.5, beta_anneal_steps=400)
    rec = _Recorder(monkeypatch)
    train(config, 0, progress=False, **rec.hooks())
    assert rec.epsilons == [linear_schedule(0.9, 0.2, 300, t) for t in range(600)]
    # beta as the buffer received it: equation (2) at each gradient step's env step 101 .. 600
    assert rec.betas == [linear_schedule(0.5, 1.0, 400, t) for t in range(101, 601)]
    assert rec.betas[0] == 0.5 + 0.5 * 101 / 400 and rec.betas[-1] == 1.0


@pytest.mark.slow
def test_train_rejects_an_environment_without_discrete_actions_and_restores_threads() -> None:
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(3)
        with pytest.raises(ValueError, match="env_id"):
            train(dataclasses.replace(TINY, env_id="Pendulum-v1"), 0, progress=False)
        assert torch.get_num_threads() == 3
    finally:
        torch.set_num_threads(before)


@pytest.mark.slow
def test_thread_count_is_restored_when_set_up_raises() -> None:
    def broken(env_id):
        assert torch.get_num_threads() == TINY.torch_threads      # set-up runs with the run's thread count
        raise RuntimeError("no environment today")

    before = torch.get_num_threads()
    try:
        torch.set_num_threads(3)
        with pytest.raises(RuntimeError, match="no environment"):
            train(TINY, 0, progress=False, make_env=broken)
        assert torch.get_num_threads() == 3
    finally:
        torch.set_num_threads(before)


@pytest.mark.slow
def test_ctrl_c_during_set_up_returns_an_interrupted_history() -> None:
    def interrupt(config, replay, obs_shape):          # the last step of set-up, after the agent exists
        raise KeyboardInterrupt

    history, agent, _ = train(TINY, 0, progress=False, buffer_factory=interrupt)
    assert history.interrupted and history.env_steps == 0 and history.eval_steps == []
    assert isinstance(agent, DQNAgent) and not history.solved and history.final_eval_mean is None


# ---- how a run ends: divergence, the confirmed weights, the last window, the caller's generators --------------
@pytest.mark.slow
def test_a_diverging_network_stops_the_run_saying_why() -> None:
    config = dataclasses.replace(TINY, lr=1e30)                  # Adam's steps of ~1e30 overflow within a few updates
    history, agent, solved_state = train(config, 0, progress=False)
    assert history.stop_reason.startswith("diverged: non-finite ") and "at env step" in history.stop_reason
    assert 100 < history.env_steps < 600 and not history.solved and solved_state is None
    assert not history.interrupted and isinstance(agent, DQNAgent)
    assert all(np.isfinite(history.losses))                       # the non-finite loss is not recorded
    assert summarize(history, config)["stop_reason"] == history.stop_reason


@pytest.mark.slow
def test_learn_refuses_a_non_finite_update_before_writing_priorities(monkeypatch: pytest.MonkeyPatch) -> None:
    rec = _Recorder(monkeypatch)
    real_update = DQNAgent.update

    def nan_update(self, batch):
        result = real_update(self, batch)
        return result._replace(td_errors=np.full_like(result.td_errors, np.nan)) if self.gradient_steps == 5 else result

    monkeypatch.setattr(DQNAgent, "update", nan_update)
    history = train(TINY, 0, progress=False, **rec.hooks()).history
    assert history.stop_reason == f"diverged: non-finite TD errors at env step 105 (learning rate {TINY.lr:g})"
    assert len(rec.td_written) == 4 and history.env_steps == 105   # four batches written back, the fifth refused


@pytest.mark.slow
def test_full_budget_keeps_the_confirmed_weights_beside_the_last(monkeypatch: pytest.MonkeyPatch) -> None:
    _scripted_evaluate(monkeypatch, eval_means=[480.0, 100.0, 100.0], final_means=[490.0, 300.0])
    snapshots = {}
    config = dataclasses.replace(TINY, full_budget=True)
    history, agent, solved_state = train(config, 0, progress=False, on_eval=lambda step, agent, buffer:
                                         snapshots.setdefault(step, copy.deepcopy(agent.state_dict())))
    assert history.env_steps_to_solve == 200 and history.env_steps == 600 and history.stop_reason == "budget spent"
    at_solve, last = snapshots[200]["online_net"], agent.state_dict()["online_net"]
    assert all(torch.equal(solved_state["online_net"][k], at_solve[k]) for k in at_solve)
    assert not all(torch.equal(solved_state["online_net"][k], last[k]) for k in last)   # trained on since


@pytest.mark.slow
def test_a_run_stopped_at_its_solve_keeps_the_same_weights_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    _scripted_evaluate(monkeypatch, eval_means=[480.0], final_means=[490.0])
    history, agent, solved_state = train(TINY, 0, progress=False)
    assert history.env_steps == 200 and all(torch.equal(v, agent.state_dict()["online_net"][k])
                                            for k, v in solved_state["online_net"].items())


@pytest.mark.slow
def test_the_last_partial_loss_window_is_recorded() -> None:
    history = train(dataclasses.replace(TINY, total_env_steps=700), 0, progress=False).history
    assert history.loss_steps == [200, 400, 600, 700] and len(history.losses) == 4
    assert history.eval_steps == [200, 400, 600] and history.final_checks[-1][0] == 700


@pytest.mark.slow
def test_train_leaves_the_callers_global_generators_alone() -> None:
    random.seed(11), np.random.seed(11), torch.manual_seed(11)
    before = (random.getstate(), np.random.get_state()[1].copy(), torch.get_rng_state())
    first = train(TINY, 0, progress=False).history
    after = (random.getstate(), np.random.get_state()[1], torch.get_rng_state())
    assert before[0] == after[0] and (before[1] == after[1]).all() and torch.equal(before[2], after[2])
    random.seed(12), np.random.seed(12), torch.manual_seed(12)    # other global states: the same run
    assert train(TINY, 0, progress=False).history.eval_means == first.eval_means


# ---- multi-step returns and the reward scale (options the stability sweep measures) -------------------------
def _brute_force_returns(rewards: list[float], n: int, gamma: float, terminated: bool) -> list[tuple]:
    """For each step t of one finished episode: (t, discounted sum to min(t + n, T), steps, next index, terminal)."""
    T = len(rewards)
    out = []
    for t in range(T):
        end = min(t + n, T)
        out.append((t, sum(gamma ** (j - t) * rewards[j] for j in range(t, end)), end - t, end, terminated and end == T))
    return out


@pytest.mark.parametrize("n", [1, 2, 3, 8])
@pytest.mark.parametrize("terminated", [True, False])
def test_multi_step_window_gives_every_step_its_k_step_return(n: int, terminated: bool) -> None:
    rewards = list(np.random.default_rng(n).normal(size=11))
    window = train_module.MultiStepWindow(n, 0.9)
    got = []
    for t, reward in enumerate(rewards):
        over = t == len(rewards) - 1
        got += window.push(t, t % 2, reward, t + 1, terminated and over, over)
    expected = _brute_force_returns(rewards, n, 0.9, terminated)
    assert [(obs, steps, nxt, term) for obs, _, _, nxt, term, steps in got] == [(t, k, e, d) for t, _, k, e, d in expected]
    np.testing.assert_allclose([ret for _, _, ret, _, _, _ in got], [ret for _, ret, _, _, _ in expected], rtol=1e-12)
    assert not window.pending                                     # an episode's end closes every return


def test_multi_step_window_of_one_gives_each_transition_back_as_it_came() -> None:
    window = train_module.MultiStepWindow(1, 0.99)
    assert window.push("s", 1, 0.01, "s2", False, False) == [("s", 1, 0.01, "s2", False, 1)]
    with pytest.raises(ValueError, match="^n must be"):
        train_module.MultiStepWindow(0, 0.99)


@pytest.mark.slow
def test_train_stores_n_step_transitions_and_scaled_rewards(monkeypatch: pytest.MonkeyPatch) -> None:
    rec = _Recorder(monkeypatch)
    history = train(dataclasses.replace(TINY, n_step=3, reward_scale=0.5, gamma=0.5), 0, progress=False,
                    **rec.hooks()).history
    steps, rewards = np.array(rec.steps), np.array(rec.rewards)
    assert set(steps) <= {1, 2, 3} and (steps == 3).mean() > 0.8 and 600 - 2 <= len(steps) <= 600
    full = steps == 3
    assert np.allclose(rewards[full], 0.5 * (1 + 0.5 + 0.25))     # CartPole pays 1 each step: 0.5 * (1 + g + g^2)
    assert len(history.episode_end_steps) == int(np.sum(steps == 1))   # one single-step return per ended episode
