"""The original notebook's choices that the series repairs (notebooks/C_original_repaired.ipynb), outside the taught package:
`original_hooks` turns them into parameters of `prdqn_helpers.train.train`, and make_ladder_results.py
runs the original this way, then repairs it one choice at a time (notebook 05 reads the result). Hand-written.

Each choice goes where the original had it:
- its environment (`make_env`): training episodes cut at `train_episode_cap` steps; with `truncation_as_failure`,
  a time-limit cut is stored as a termination, as the old Gym API's `done` was;
- its replay memory and loss (`buffer_factory`, `OriginalMemory`): the reward stored is -1 at a failure and 0.01
  otherwise (`reward_rewrite`), the learner gets the weights squared (`is_weight_on_both_sides`: its
  (w Q - w Y)^2 = w^2 (Q - Y)^2), priorities are min(|TD error| + 0.1, 1)^alpha (`priority_clip`);
- its exploration (`exploration`): epsilon fixed at `fixed_epsilon`;
- its target network (`on_episode_end`): a hard copy every `target_copy_every_episodes` training episodes.
The training returns in the history stay the environment's own.
"""

from __future__ import annotations

import dataclasses
from typing import Any, NamedTuple

import gymnasium as gym
import numpy as np

from prdqn_helpers.checkpoints import versions
from prdqn_helpers.dqn import DQNAgent
from prdqn_helpers.parallel import Job
from prdqn_helpers.replay import Batch, ReplayBuffer
from prdqn_helpers.train import TrainConfig, TrainResult, make_buffer, summarize, train


class OriginalChoices(NamedTuple):
    """The original's choices, each off by default (then `train_original` is `train`). A tuple, so that a job
    holding it is JSON for results/run_cache.py's key."""

    fixed_epsilon: float | None = None  # explore with this constant epsilon (the original: 0.5)
    is_weight_on_both_sides: bool = False  # weight each squared error by w**2 (the original's w Q - w Y)
    reward_rewrite: bool = False  # the learner sees reward -1 at a failure, 0.01 otherwise (with gamma 0.9)
    priority_clip: bool = False  # priorities from min(|TD error| + 0.1, 1)
    train_episode_cap: int | None = None  # cut training episodes at this many steps (the original: 300)
    truncation_as_failure: bool = False  # store a time-limit cut as a termination (the old Gym API's `done`)
    target_copy_every_episodes: int | None = None  # also copy the target net every K episodes (the original: 100)


class TimeLimitAsFailure(gym.Wrapper):
    """Reports a time-limit cut (`truncated`) as a termination too, as the old Gym API's single `done` did."""

    def step(self, action: Any) -> tuple:
        obs, reward, terminated, truncated, info = self.env.step(action)
        return obs, reward, terminated or truncated, truncated, info


class OriginalMemory:
    """A replay buffer as the original's memory and loss used it: `add` stores the rewritten reward (one-step
    transitions only), `sample` hands out the squared weights, `update_priorities` saturates; each only where its
    choice is on. Everything else is the wrapped buffer's."""

    def __init__(self, buffer: ReplayBuffer, choices: OriginalChoices) -> None:
        self.buffer, self.choices = buffer, choices

    def __len__(self) -> int:
        return len(self.buffer)

    def add(self, obs: np.ndarray, action: int, reward: float, next_obs: np.ndarray, terminated: bool,
            steps: int = 1) -> None:
        if self.choices.reward_rewrite:
            if steps != 1:
                raise ValueError(f"reward_rewrite stores one-step transitions only, got steps={steps}")
            reward = -1.0 if terminated else 0.01
        self.buffer.add(obs, action, reward, next_obs, terminated, steps)

    def sample(self, batch_size: int, beta: float, rng: np.random.Generator) -> Batch:
        batch = self.buffer.sample(batch_size, beta, rng)
        return batch._replace(weights=batch.weights ** 2) if self.choices.is_weight_on_both_sides else batch

    def update_priorities(self, indices: np.ndarray, td_errors: np.ndarray) -> None:
        if self.choices.priority_clip:
            td_errors = np.minimum(td_errors + 0.1, 1.0)
        self.buffer.update_priorities(indices, td_errors)


def original_hooks(choices: OriginalChoices) -> dict[str, Any]:
    """`train`'s keyword arguments that run it with the original's `choices` (the module's docstring says where
    each goes); a choice that is off leaves its parameter at `train`'s default."""

    def make_env(env_id: str) -> gym.Env:
        env = gym.make(env_id, max_episode_steps=choices.train_episode_cap)  # None: the registered limit
        return TimeLimitAsFailure(env) if choices.truncation_as_failure else env

    def copy_target(agent: DQNAgent, episodes: int) -> None:
        if episodes % choices.target_copy_every_episodes == 0:
            agent.sync_target()

    hooks = {"make_env": make_env, "buffer_factory": lambda *args: OriginalMemory(make_buffer(*args), choices)}
    if choices.fixed_epsilon is not None:
        hooks["exploration"] = lambda config, step: choices.fixed_epsilon
    if choices.target_copy_every_episodes is not None:
        hooks["on_episode_end"] = copy_target
    return hooks


def train_original(config: TrainConfig, seed: int, replay: str, choices: OriginalChoices,
                   progress: bool = False) -> TrainResult:
    """`train` with the original's `choices` (`original_hooks`)."""
    return train(config, seed, replay, progress, **original_hooks(choices))


@dataclasses.dataclass(frozen=True)
class OriginalJob(Job):
    """A `Job` with the original's choices to run it with."""

    choices: OriginalChoices = OriginalChoices()


def run_original_job(job: OriginalJob) -> dict[str, Any]:
    """`run_job` for an `OriginalJob`: its `summarize` record with its label, `original_choices` (the choices as a
    dict, beside `config`) and the versions.

    Raises:
        KeyboardInterrupt: Ctrl-C cut the run short (a result of it must not be kept).
    """
    result = train_original(job.config, job.seed, job.replay, job.choices)
    if result.history.interrupted:
        raise KeyboardInterrupt(f"{job.describe()} was interrupted")
    return {"label": job.label, **summarize(result.history, job.config), "original_choices": job.choices._asdict(),
            "versions": versions()}
