"""Tests of prdqn_helpers.dqn: the two TD targets, the update step, target syncing, acting, checkpoints."""

from __future__ import annotations

import dataclasses
import types

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from prdqn_helpers.dqn import AgentConfig, DQNAgent, QNetwork, UpdateResult, double_dqn_target, dqn_target
from prdqn_helpers.replay import Batch, PrioritizedReplayBuffer, ReplayBuffer

OBS_DIM, N_ACTIONS = 4, 3


def make_batch(rng: np.random.Generator, size: int = 8, **overrides: object) -> types.SimpleNamespace:
    fields = dict(
        obs=rng.normal(size=(size, OBS_DIM)).astype(np.float32),
        actions=rng.integers(N_ACTIONS, size=size),
        rewards=rng.normal(size=size).astype(np.float32),
        next_obs=rng.normal(size=(size, OBS_DIM)).astype(np.float32),
        terminated=(rng.random(size) < 0.3).astype(np.float32),
        weights=rng.uniform(0.1, 1.0, size=size).astype(np.float32),
        indices=np.arange(size),
    )
    fields.update(overrides)
    return types.SimpleNamespace(**fields)


def make_agent(seed: int = 0, **config: object) -> DQNAgent:
    return DQNAgent(OBS_DIM, N_ACTIONS, AgentConfig(hidden_sizes=(16, 16), **config), seed=seed)


def params(net: torch.nn.Module) -> list[torch.Tensor]:
    return [p.detach().clone() for p in net.parameters()]


def same(a: list[torch.Tensor], b: list[torch.Tensor]) -> bool:
    return all(torch.equal(x, y) for x, y in zip(a, b, strict=True))


# ----- targets ------------------------------------------------------------------------------------
REWARDS = torch.tensor([1.0, 1.0, 1.0])
TERMINATED = torch.tensor([0.0, 1.0, 0.0])  # row 1 terminated, row 2 truncated (so 0)
NEXT_Q_ONLINE = torch.tensor([[2.0, 3.0], [5.0, 6.0], [1.0, 0.5]])
NEXT_Q_TARGET = torch.tensor([[4.0, 1.0], [7.0, 2.0], [2.0, 3.0]])


def test_dqn_target_on_hand_made_batch() -> None:
    y = dqn_target(REWARDS, TERMINATED, NEXT_Q_TARGET, gamma=0.5)
    assert torch.equal(y, torch.tensor([3.0, 1.0, 2.5]))


def test_double_dqn_target_on_hand_made_batch() -> None:
    y = double_dqn_target(REWARDS, TERMINATED, NEXT_Q_ONLINE, NEXT_Q_TARGET, gamma=0.5)
    assert torch.equal(y, torch.tensor([1.5, 1.0, 2.0]))


def test_termination_cuts_bootstrap_truncation_does_not() -> None:
    next_q = torch.tensor([[10.0, 20.0], [10.0, 20.0]])
    rewards = torch.tensor([1.0, 1.0])
    terminated = torch.tensor([1.0, 0.0])  # row 0 terminated; row 1 truncated by the time limit
    for y in (dqn_target(rewards, terminated, next_q, 0.9),
              double_dqn_target(rewards, terminated, next_q, next_q, 0.9)):
        assert y[0] == 1.0
        assert torch.isclose(y[1], torch.tensor(1.0 + 0.9 * 20.0))


@settings(max_examples=50, deadline=None)
@given(arrays(np.float32, (5, 4), elements=st.floats(-100, 100, width=32)),
       arrays(np.float32, (5, 4), elements=st.floats(-100, 100, width=32)),
       st.floats(0.0, 1.0))
def test_double_target_never_exceeds_dqn_target_and_matches_it_when_nets_agree(
        next_q_online: np.ndarray, next_q_target: np.ndarray, gamma: float) -> None:
    rewards, terminated = torch.zeros(5), torch.zeros(5)
    q_online, q_target = torch.from_numpy(next_q_online), torch.from_numpy(next_q_target)
    y_dqn = dqn_target(rewards, terminated, q_target, gamma)
    assert torch.all(double_dqn_target(rewards, terminated, q_online, q_target, gamma) <= y_dqn)
    assert torch.equal(double_dqn_target(rewards, terminated, q_target, q_target, gamma), y_dqn)


def test_targets_reject_mismatched_shapes_and_bad_gamma() -> None:
    with pytest.raises(ValueError, match="terminated"):
        dqn_target(REWARDS, torch.zeros(2), NEXT_Q_TARGET, 0.9)
    with pytest.raises(ValueError, match="next_q_target"):
        dqn_target(REWARDS, TERMINATED, NEXT_Q_TARGET[:2], 0.9)
    with pytest.raises(ValueError, match="next_q_online"):
        double_dqn_target(REWARDS, TERMINATED, torch.zeros(3, 5), NEXT_Q_TARGET, 0.9)
    with pytest.raises(ValueError, match="gamma"):
        dqn_target(REWARDS, TERMINATED, NEXT_Q_TARGET, 1.5)


# ----- network and config -------------------------------------------------------------------------
def test_qnetwork_shapes() -> None:
    net = QNetwork(OBS_DIM, N_ACTIONS, (32, 16))
    assert net(torch.zeros(7, OBS_DIM)).shape == (7, N_ACTIONS)
    assert [m.out_features for m in net.modules() if isinstance(m, torch.nn.Linear)] == [32, 16, N_ACTIONS]


@pytest.mark.parametrize("bad", [dict(gamma=1.5), dict(lr=0.0), dict(tau=0.0), dict(tau=1.5),
                                 dict(target_sync_every=0), dict(hidden_sizes=()), dict(hidden_sizes=(8, 0)),
                                 dict(huber_delta=0.0), dict(grad_clip_norm=-1.0), dict(lr=float("nan"))])
def test_config_rejects_bad_values(bad: dict) -> None:
    name = next(iter(bad))
    with pytest.raises(ValueError, match=name):
        AgentConfig(**bad)


def test_defaults_are_the_tuned_values_and_exploration_is_not_an_agent_setting() -> None:
    config = AgentConfig()
    assert (config.lr, config.tau, config.huber_delta) == (2e-3, 0.05, None)  # the sweeps' pick (test_remedies_sweep)
    assert not any(field.name.startswith("eps") for field in dataclasses.fields(config))


def test_same_seed_same_network_and_global_rng_untouched() -> None:
    torch.manual_seed(123)
    expected_next = torch.rand(1)
    torch.manual_seed(123)
    a, b, c = make_agent(seed=5), make_agent(seed=5), make_agent(seed=6)
    assert torch.equal(torch.rand(1), expected_next)  # building agents did not consume global draws
    assert same(params(a.online_net), params(b.online_net))
    assert not same(params(a.online_net), params(c.online_net))
    assert same(params(a.online_net), params(a.target_net))  # the target starts as a copy


# ----- update step --------------------------------------------------------------------------------
def double_dqn_errors_by_hand(agent: DQNAgent, batch: types.SimpleNamespace) -> np.ndarray:
    """The batch's TD errors Y - Q(s, a) before any update, float64 (B,), from the target functions themselves."""
    with torch.no_grad():
        next_obs = torch.from_numpy(batch.next_obs)
        y = double_dqn_target(torch.from_numpy(batch.rewards), torch.from_numpy(batch.terminated),
                              agent.online_net(next_obs), agent.target_net(next_obs), agent.config.gamma)
        q = agent.online_net(torch.from_numpy(batch.obs))[torch.arange(len(batch.obs)),
                                                          torch.from_numpy(batch.actions)]
    return (y - q).numpy().astype(np.float64)


def test_loss_is_mean_of_weights_times_huber() -> None:
    rng = np.random.default_rng(0)
    agent = make_agent(double=True, huber_delta=1.0)
    batch = make_batch(rng, size=16)
    batch.rewards[:4] = 10.0  # push some TD errors onto the linear branch of the Huber loss
    delta = double_dqn_errors_by_hand(agent, batch)
    huber = np.where(np.abs(delta) <= 1.0, 0.5 * delta**2, np.abs(delta) - 0.5)
    assert (np.abs(delta) > 1.0).any() and (np.abs(delta) <= 1.0).any()
    result = agent.update(batch)
    assert isinstance(result, UpdateResult)
    assert result.loss == pytest.approx(np.mean(batch.weights * huber), rel=1e-5)
    assert result.loss != pytest.approx(np.mean(batch.weights**2 * huber), rel=1e-3)  # not applied twice
    assert result.td_errors.dtype == np.float32 and result.td_errors.shape == (16,)
    np.testing.assert_allclose(result.td_errors, np.abs(delta), rtol=1e-5)  # unweighted


def test_dqn_config_uses_dqn_target() -> None:
    rng = np.random.default_rng(1)
    agent = make_agent(double=False)
    batch = make_batch(rng)
    with torch.no_grad():
        y = dqn_target(torch.from_numpy(batch.rewards), torch.from_numpy(batch.terminated),
                       agent.target_net(torch.from_numpy(batch.next_obs)), agent.config.gamma)
        q = agent.online_net(torch.from_numpy(batch.obs))[torch.arange(8), torch.from_numpy(batch.actions)]
    np.testing.assert_allclose(agent.update(batch).td_errors, (y - q).abs().numpy(), rtol=1e-5)


def test_gradients_reach_only_the_online_network() -> None:
    agent = make_agent()
    agent.update(make_batch(np.random.default_rng(2)))
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in agent.online_net.parameters())
    assert all(p.grad is None and not p.requires_grad for p in agent.target_net.parameters())
    optimizer_ids = {id(p) for group in agent.optimizer.param_groups for p in group["params"]}
    assert optimizer_ids == {id(p) for p in agent.online_net.parameters()}


def test_target_net_is_not_a_child_of_the_online_net() -> None:
    agent = make_agent()
    assert all(m is not agent.target_net for m in agent.online_net.modules())
    assert set(agent.online_net.state_dict()) == set(agent.target_net.state_dict())  # same layout, own tensors
    assert len(agent.online_net.state_dict()) == 6


def test_gradient_norm_is_clipped() -> None:
    rng = np.random.default_rng(3)
    batch = make_batch(rng, rewards=np.full(8, 1e4, dtype=np.float32))
    clipped, free = make_agent(grad_clip_norm=0.1, lr=0.1), make_agent(grad_clip_norm=None, lr=0.1)
    # Adam is invariant to gradient scale, so compare with plain SGD to see the clip act on the step.
    for agent in (clipped, free):
        agent.optimizer = torch.optim.SGD(agent.online_net.parameters(), lr=0.1)
    before = params(clipped.online_net)
    clipped.update(batch)
    free.update(batch)
    assert clipped.last_grad_norm == pytest.approx(free.last_grad_norm) and free.last_grad_norm > 0.2
    step = torch.sqrt(sum(((a - b) ** 2).sum() for a, b in zip(params(clipped.online_net), before)))
    assert float(step) == pytest.approx(0.1 * 0.1, rel=1e-4)


def test_hard_sync_target_constant_between_syncs_then_equal() -> None:
    rng = np.random.default_rng(4)
    agent = make_agent(target_sync_every=3)
    initial = params(agent.target_net)
    for _ in range(2):
        agent.update(make_batch(rng))
        assert same(params(agent.target_net), initial)
    assert not same(params(agent.online_net), initial)
    agent.update(make_batch(rng))
    assert same(params(agent.target_net), params(agent.online_net))
    synced = params(agent.target_net)
    for _ in range(2):
        agent.update(make_batch(rng))
        assert same(params(agent.target_net), synced)


def test_soft_update_formula() -> None:
    rng = np.random.default_rng(5)
    agent = make_agent(tau=0.2)
    agent.update(make_batch(rng))
    target_before = params(agent.target_net)
    agent.update(make_batch(rng))
    for old, new, online in zip(target_before, params(agent.target_net), params(agent.online_net), strict=True):
        torch.testing.assert_close(new, 0.8 * old + 0.2 * online)


def test_sync_target_copies_and_soft_update_with_tau_one_copies() -> None:
    agent = make_agent()
    agent.update(make_batch(np.random.default_rng(6)))
    agent.sync_target()
    assert same(params(agent.target_net), params(agent.online_net))
    with torch.no_grad():
        for p in agent.online_net.parameters():
            p.add_(1.0)
    agent.soft_update(1.0)
    assert same(params(agent.target_net), params(agent.online_net))
    with pytest.raises(ValueError, match="tau"):
        agent.soft_update(0.0)


def test_updates_are_deterministic() -> None:
    results = []
    for _ in range(2):
        rng = np.random.default_rng(7)
        agent = make_agent(seed=3)
        results.append([agent.update(make_batch(rng)).loss for _ in range(5)])
    assert results[0] == results[1]


def test_update_accepts_tensors() -> None:
    batch = make_batch(np.random.default_rng(8))
    as_tensors = types.SimpleNamespace(**{k: torch.as_tensor(v) for k, v in vars(batch).items()})
    a, b = make_agent(), make_agent()
    assert a.update(batch).loss == b.update(as_tensors).loss


# ----- bad input ----------------------------------------------------------------------------------
@pytest.mark.parametrize("field, value", [
    ("obs", np.zeros((8, OBS_DIM + 1), np.float32)),
    ("next_obs", np.zeros((8, OBS_DIM + 1), np.float32)),
    ("actions", np.zeros(7, np.int64)),
    ("rewards", np.zeros(9, np.float32)),
    ("terminated", np.zeros((8, 1), np.float32)),
    ("weights", np.zeros(5, np.float32)),
    ("rewards", np.array([0.0] * 7 + [np.nan], np.float32)),
    ("obs", np.where(np.eye(8, OBS_DIM, dtype=bool), np.nan, 0.0).astype(np.float32)),
    ("weights", np.array([1.0] * 7 + [np.inf], np.float32)),
    ("terminated", np.array([0.0] * 7 + [0.5], np.float32)),
    ("actions", np.array([0] * 7 + [N_ACTIONS])),
    ("actions", np.zeros(8, np.float32)),
    ("weights", np.array([1.0] * 7 + [-1.0], np.float32)),
    ("obs", np.float32(3.0)),                          # a scalar: no batch size to read
    ("obs", np.zeros((0, OBS_DIM), np.float32)),       # an empty batch
])
def test_update_rejects_bad_batch_naming_the_field_and_changes_nothing(field: str, value: np.ndarray) -> None:
    agent = make_agent()
    online, target, steps = params(agent.online_net), params(agent.target_net), agent.gradient_steps
    batch = make_batch(np.random.default_rng(9), **{field: value})
    with pytest.raises(ValueError, match=f"batch.{field}"):
        agent.update(batch)
    assert same(params(agent.online_net), online) and same(params(agent.target_net), target)
    assert agent.gradient_steps == steps


def test_update_rejects_batch_missing_a_field_and_changes_nothing() -> None:
    batch = make_batch(np.random.default_rng(10))
    del batch.weights
    agent = make_agent()
    online = params(agent.online_net)
    with pytest.raises(AttributeError, match="weights"):
        agent.update(batch)
    assert same(params(agent.online_net), online) and agent.gradient_steps == 0


@pytest.mark.parametrize("name, make", [
    ("obs_dim", lambda: DQNAgent(0, N_ACTIONS)),
    ("n_actions", lambda: DQNAgent(OBS_DIM, 1.5)),
    ("seed", lambda: DQNAgent(OBS_DIM, N_ACTIONS, seed=-1)),
    ("rng", lambda: make_agent().act(np.zeros(OBS_DIM), 0.1, rng=None)),
    ("gamma", lambda: dqn_target(REWARDS, TERMINATED, NEXT_Q_TARGET, gamma=float("nan"))),
])
def test_bad_arguments_are_named(name: str, make: object) -> None:
    with pytest.raises(ValueError, match=name):
        make()  # type: ignore[operator]


def test_acting_rejects_wrong_observation_shape() -> None:
    agent, rng = make_agent(), np.random.default_rng(0)
    with pytest.raises(ValueError, match="obs"):
        agent.act(np.zeros(OBS_DIM + 1), 0.1, rng)
    with pytest.raises(ValueError, match="obs_batch"):
        agent.q_values(np.zeros((2, OBS_DIM - 1)))
    with pytest.raises(ValueError, match="obs_batch"):
        agent.greedy_actions(np.zeros(OBS_DIM))
    for not_a_batch in (3.0, [], None):
        with pytest.raises(ValueError, match="^obs_batch must"):
            agent.q_values(not_a_batch)
    with pytest.raises(ValueError, match="epsilon"):
        agent.act(np.zeros(OBS_DIM), 1.5, rng)


# ----- acting -------------------------------------------------------------------------------------
def test_greedy_actions_are_argmax_of_q_values() -> None:
    agent = make_agent()
    obs = np.random.default_rng(11).normal(size=(32, OBS_DIM)).astype(np.float32)
    q = agent.q_values(obs)
    assert q.dtype == np.float32 and q.shape == (32, N_ACTIONS)
    actions = agent.greedy_actions(obs)
    assert actions.dtype == np.int64 and np.array_equal(actions, q.argmax(axis=1))
    rng = np.random.default_rng(0)
    assert [agent.act(o, 0.0, rng) for o in obs] == actions.tolist()


def test_epsilon_one_is_uniform_over_the_action_space() -> None:
    agent, rng = make_agent(), np.random.default_rng(12)
    obs = np.zeros(OBS_DIM, np.float32)
    counts = np.bincount([agent.act(obs, 1.0, rng) for _ in range(3_000)], minlength=N_ACTIONS)
    assert len(counts) == N_ACTIONS  # never an action outside range(n_actions)
    # Each count ~ Binomial(3000, 1/3): sd ~ 26; 5 sd bounds.
    assert np.all(np.abs(counts - 1_000) < 130), counts


# ----- with the replay buffers of notebook 02 -------------------------------------------------------
@pytest.mark.parametrize("buffer_cls", [ReplayBuffer, PrioritizedReplayBuffer])
def test_update_consumes_replay_batches_and_feeds_priorities(buffer_cls: type) -> None:
    rng = np.random.default_rng(15)
    buffer = buffer_cls(64, (OBS_DIM,))
    for _ in range(40):
        buffer.add(rng.normal(size=OBS_DIM), int(rng.integers(N_ACTIONS)), 1.0, rng.normal(size=OBS_DIM),
                   bool(rng.random() < 0.1))
    agent = make_agent()
    batch = buffer.sample(16, beta=0.4, rng=rng)
    assert isinstance(batch, Batch)
    result = agent.update(batch)
    buffer.update_priorities(batch.indices, result.td_errors)  # accepted as the new priorities' input
    assert np.isfinite(result.loss) and result.td_errors.shape == (16,)


# ----- checkpoints --------------------------------------------------------------------------------
def test_checkpoint_round_trip_gives_identical_actions_and_q_values() -> None:
    rng = np.random.default_rng(13)
    agent = make_agent(seed=1)
    for _ in range(3):
        agent.update(make_batch(rng))
    state = agent.state_dict()
    probe = rng.normal(size=(50, OBS_DIM)).astype(np.float32)
    restored = make_agent(seed=2)
    restored.load_state_dict(state)
    assert np.array_equal(restored.q_values(probe), agent.q_values(probe))
    assert np.array_equal(restored.greedy_actions(probe), agent.greedy_actions(probe))
    assert same(params(restored.target_net), params(agent.target_net))
    assert restored.gradient_steps == agent.gradient_steps == 3
    # Resuming continues identically (the optimizer state came along).
    batch = make_batch(rng)
    assert restored.update(batch).loss == agent.update(batch).loss
    assert same(params(restored.online_net), params(agent.online_net))


def test_state_dict_is_a_copy() -> None:
    rng = np.random.default_rng(14)
    agent = make_agent()
    state = agent.state_dict()
    saved = [t.clone() for t in state["online_net"].values()]
    agent.update(make_batch(rng))
    assert all(torch.equal(a, b) for a, b in zip(saved, state["online_net"].values()))


def test_load_state_dict_keeps_the_loading_agents_learning_rate() -> None:
    state = make_agent(lr=1e-2).state_dict()
    agent = make_agent(lr=1e-4)
    agent.load_state_dict(state)
    assert [group["lr"] for group in agent.optimizer.param_groups] == [1e-4]
    assert agent.config.lr == 1e-4
    assert state["optimizer"]["param_groups"][0]["lr"] == 1e-2  # the checkpoint itself is left alone


def test_state_dict_leaves_out_the_replay_buffer_and_random_generators() -> None:
    assert set(make_agent().state_dict()) == {"obs_dim", "n_actions", "config", "online_net", "target_net",
                                              "optimizer", "gradient_steps"}


def test_load_state_dict_rejects_other_shapes() -> None:
    state = make_agent().state_dict()
    with pytest.raises(ValueError, match="n_actions"):
        DQNAgent(OBS_DIM, N_ACTIONS + 1, AgentConfig(hidden_sizes=(16, 16))).load_state_dict(state)
    with pytest.raises(ValueError, match="hidden_sizes"):
        DQNAgent(OBS_DIM, N_ACTIONS, AgentConfig(hidden_sizes=(8,))).load_state_dict(state)
    agent = make_agent(seed=1)
    online = params(agent.online_net)
    with pytest.raises(KeyError, match="optimizer"):
        agent.load_state_dict({k: v for k, v in state.items() if k != "optimizer"})
    assert same(params(agent.online_net), online)  # nothing loaded before the missing key was found


# ----- options the stability sweep measures: squared loss, multi-step targets, Adam, LayerNorm -------------------
def test_squared_loss_is_the_quadratic_branch_everywhere() -> None:
    rng = np.random.default_rng(3)
    agent = make_agent(huber_delta=None)
    batch = make_batch(rng, size=16)
    batch.rewards[:4] = 10.0                                     # errors far beyond any Huber threshold
    delta = double_dqn_errors_by_hand(agent, batch)
    assert (np.abs(delta) > 5).any()
    assert agent.update(batch).loss == pytest.approx(np.mean(batch.weights * 0.5 * delta**2), rel=1e-5)


def test_k_step_transitions_bootstrap_with_gamma_to_the_k() -> None:
    steps = torch.tensor([1, 3, 3])
    gamma = torch.pow(0.5, steps.double()).float()                 # 0.5, 0.125, 0.125
    y = dqn_target(REWARDS, TERMINATED, NEXT_Q_TARGET, gamma)
    assert torch.equal(y, torch.tensor([1.0 + 0.5 * 4.0, 1.0, 1.0 + 0.125 * 3.0]))   # row 1 terminated: no bootstrap
    agent = make_agent(gamma=0.5)
    rng = np.random.default_rng(4)
    batch = make_batch(rng, steps=np.array([1, 2, 3, 1, 5, 1, 1, 8]))
    with torch.no_grad():
        by_hand = dqn_target(torch.from_numpy(batch.rewards), torch.from_numpy(batch.terminated),
                             agent.target_net(torch.from_numpy(batch.next_obs)).gather(
                                 1, agent.online_net(torch.from_numpy(batch.next_obs)).argmax(1, keepdim=True)),
                             torch.from_numpy(0.5 ** batch.steps.astype(np.float64)).float())
        q = agent.online_net(torch.from_numpy(batch.obs))[torch.arange(8), torch.from_numpy(batch.actions)]
    np.testing.assert_allclose(agent.update(batch).td_errors, (by_hand - q).abs().numpy(), rtol=1e-6)


def test_steps_of_one_give_exactly_the_one_step_update() -> None:
    rng = np.random.default_rng(5)
    batch = make_batch(rng)
    a, b = make_agent(), make_agent()
    with_steps = types.SimpleNamespace(**{**vars(batch), "steps": np.ones(8, np.int64)})
    one, stepped = a.update(batch), b.update(with_steps)
    assert one.loss == stepped.loss and np.array_equal(one.td_errors, stepped.td_errors)   # bit for bit
    assert same(params(a.online_net), params(b.online_net))


def test_update_rejects_bad_steps_naming_them() -> None:
    agent = make_agent()
    with pytest.raises(ValueError, match="batch.steps"):
        agent.update(make_batch(np.random.default_rng(6), steps=np.zeros(8, np.int64)))
    with pytest.raises(ValueError, match="gamma"):
        dqn_target(REWARDS, TERMINATED, NEXT_Q_TARGET, torch.tensor([0.5, 1.5, 0.5]))


def test_adam_settings_reach_the_optimizer() -> None:
    agent = make_agent(adam_betas=(0.9, 0.9), adam_eps=3e-4)
    group = agent.optimizer.param_groups[0]
    assert group["betas"] == (0.9, 0.9) and group["eps"] == 3e-4 and group["fused"]
    default = make_agent().optimizer.param_groups[0]
    assert default["betas"] == (0.9, 0.999) and default["eps"] == 1e-8


@pytest.mark.parametrize("bad", [dict(adam_betas=(0.9, 1.0)), dict(adam_betas=(0.9,)), dict(adam_betas=0.9),
                                 dict(adam_betas=(-0.1, 0.9)), dict(adam_eps=0.0), dict(huber_delta=-1.0)])
def test_config_rejects_bad_optimizer_and_loss_settings(bad: dict) -> None:
    with pytest.raises(ValueError, match=next(iter(bad))):
        AgentConfig(**bad)


def test_layer_norm_follows_each_hidden_linear_and_keeps_the_seeded_weights() -> None:
    plain, normed = make_agent(seed=7), make_agent(seed=7, layer_norm=True)
    kinds = [type(m).__name__ for m in normed.online_net.layers]
    assert kinds == ["Linear", "LayerNorm", "ReLU", "Linear", "LayerNorm", "ReLU", "Linear"]
    linears = lambda agent: [m.weight for m in agent.online_net.layers if isinstance(m, torch.nn.Linear)]  # noqa: E731
    assert same(linears(plain), linears(normed))                 # LayerNorm draws no random numbers
    assert normed.q_values(np.zeros((2, OBS_DIM), np.float32)).shape == (2, N_ACTIONS)
