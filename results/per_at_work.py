"""Prioritized replay at work over one run (issue 11; notebook 05 reads results/cartpole_per_at_work.json).

`make_verdict_results.py` watches its first prioritized run (seed 100: the defaults, whole budget) with
`PerAtWork` and writes the file: the run and its record are the verdict's, so watching costs no run of its own.
The watcher builds the run's buffer (`train`'s `buffer_factory` parameter, around `make_buffer`) to record, for every training batch, the
mean and smallest IS weight, beta, and the share of terminating transitions in the batch; and it counts the
terminating transitions stored (the buffer holds the whole budget, so nothing is overwritten: a uniform batch
draws them at exactly that share, in expectation). After each evaluation (`on_eval`) it records quantiles of
the stored priorities p_i = (|delta_i| + eps)^alpha and, at four moments, their histogram. Per 500-step
window the file keeps the means over that window's batches and the smallest weight seen. It also plays one
greedy episode (its own seeded environment, at most 500 steps) after each evaluation and records, over the
states it visits, the mean of max_a Q(s, a) and of the action gap |Q(s, left) - Q(s, right)|: how close to a
tie the greedy choice is (notebook 05, section 1). Nothing it does touches training.
"""

from typing import Any

import gymnasium as gym
import numpy as np

import prdqn_helpers.train as train_module

QUANTILES = (0.01, 0.1, 0.5, 0.9, 0.99)
SNAPSHOTS = (2_000, 10_000, 25_000, 50_000)  # env steps at which the whole priority histogram is kept
BINS = np.logspace(-4, 2, 61)  # priority histogram edges, log-spaced


class PerAtWork:
    """Watches one prioritized run: use `with watcher.buffers():` around `train(..., on_eval=watcher.on_eval)`."""

    def __init__(self, env_id: str, seed: int) -> None:
        self.seed = seed  # the run's: seeds the greedy probe episodes
        self.window: dict[str, list[float]] = {"weight_mean": [], "weight_min": [], "beta": [], "terminal_share": []}
        self.stored = {"transitions": 0, "terminal": 0}
        self.curves: dict[str, list] = {name: [] for name in (
            "step", "beta", "weight_mean", "weight_min", "batch_terminal_share", "stored_terminal_share",
            "priority_quantiles", "priority_max", "greedy_return", "q_max_mean", "action_gap_mean")}
        self.histograms: dict[int, list[int]] = {}
        self.probe_env = gym.make(env_id)

    def greedy_episode(self, agent, seed: int) -> tuple[int, float, float]:
        """Return, mean max_a Q and mean |Q gap| over one greedy episode from start seed `seed`."""
        obs, _ = self.probe_env.reset(seed=seed)
        q_rows, done = [], False
        while not done:
            q = agent.q_values(obs[None])[0]
            q_rows.append(q)
            obs, _, terminated, truncated, _ = self.probe_env.step(int(q.argmax()))
            done = terminated or truncated
        q_rows = np.array(q_rows)
        return len(q_rows), float(q_rows.max(axis=1).mean()), float(np.abs(q_rows[:, 0] - q_rows[:, 1]).mean())

    def buffer_factory(self, config, replay: str, obs_shape: tuple[int, ...]):
        """`train`'s `buffer_factory`: the run's usual buffer (`make_buffer`), reporting its writes and batches here."""
        buffer = train_module.make_buffer(config, replay, obs_shape)
        add, sample = buffer.add, buffer.sample
        window, stored = self.window, self.stored

        def add_(obs, action, reward, next_obs, terminated, *steps):  # steps: a k-step transition's k
            stored["transitions"] += 1
            stored["terminal"] += bool(terminated)
            add(obs, action, reward, next_obs, terminated, *steps)

        def sample_(batch_size, beta, rng):
            batch = sample(batch_size, beta, rng)
            window["weight_mean"].append(float(batch.weights.mean()))
            window["weight_min"].append(float(batch.weights.min()))
            window["beta"].append(beta)
            window["terminal_share"].append(float(batch.terminated.mean()))
            return batch

        buffer.add, buffer.sample = add_, sample_
        return buffer

    def on_eval(self, step: int, agent, buffer) -> None:
        """Close the window of batches since the last evaluation and record the stored priorities."""
        window, curves = self.window, self.curves
        if not window["beta"]:
            return  # still warming up: no batch yet
        priorities = buffer.priorities(np.arange(len(buffer)))
        curves["step"].append(step)
        curves["beta"].append(window["beta"][-1])
        curves["weight_mean"].append(round(float(np.mean(window["weight_mean"])), 5))
        curves["weight_min"].append(round(min(window["weight_min"]), 5))
        curves["batch_terminal_share"].append(round(float(np.mean(window["terminal_share"])), 5))
        curves["stored_terminal_share"].append(round(self.stored["terminal"] / self.stored["transitions"], 5))
        curves["priority_quantiles"].append([round(float(q), 5) for q in np.quantile(priorities, QUANTILES)])
        curves["priority_max"].append(round(float(priorities.max()), 5))
        length, q_max, gap = self.greedy_episode(agent, seed=self.seed * 1_000_000 + step)
        curves["greedy_return"].append(length)
        curves["q_max_mean"].append(round(q_max, 4))
        curves["action_gap_mean"].append(round(gap, 4))
        if step in SNAPSHOTS:
            self.histograms[step] = np.histogram(priorities, BINS)[0].tolist()
        for values in window.values():
            values.clear()

    def record(self) -> dict[str, Any]:
        """What the file holds besides provenance and the run."""
        return {"quantiles": list(QUANTILES), "bins": BINS.tolist(), "curves": self.curves,
                "histograms": self.histograms}
