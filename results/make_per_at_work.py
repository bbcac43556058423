"""Make results/cartpole_per_at_work.json: prioritized replay at work over one run (issue 11; notebook 05).

    .venv/bin/python results/make_per_at_work.py        # one run, about 2 min

One run of the defaults (`TrainConfig()`, prioritized replay, full budget) on seed 100, the first reporting
seed of make_verdict_results.py: notebook 05 checks that its evaluations equal that run's, so watching changed
nothing. The script wraps the buffer that `train` builds (`make_buffer`) to record, for every training batch,
the mean and smallest IS weight, beta, and the share of terminating transitions in the batch; and it counts
the terminating transitions stored (the buffer holds the whole budget, so nothing is overwritten: a uniform
batch draws them at exactly that share, in expectation). After each evaluation (`on_eval`) it records
quantiles of the stored priorities p_i = (|delta_i| + eps)^alpha and, at four moments, their histogram.
Per 500-step window the file keeps the means over that window's batches and the smallest weight seen.
It also plays one greedy episode (its own seeded environment, at most 500 steps) after each evaluation and
records, over the states it visits, the mean of max_a Q(s, a) and of the action gap |Q(s, left) - Q(s, right)|:
how close to a tie the greedy choice is (notebook 05, section 1).
"""

import time

import gymnasium as gym
import numpy as np

import prdqn_helpers.train as train_module
from prdqn_helpers.train import TrainConfig, train
from provenance import compact, provenance, write_record  # results/provenance.py, beside this script

SEED = 100
QUANTILES = (0.01, 0.1, 0.5, 0.9, 0.99)
SNAPSHOTS = (2_000, 10_000, 25_000, 50_000)  # env steps at which the whole priority histogram is kept
BINS = np.logspace(-4, 2, 61)  # priority histogram edges, log-spaced


def main() -> None:
    config = TrainConfig(full_budget=True)
    window = {"weight_mean": [], "weight_min": [], "beta": [], "terminal_share": []}
    stored = {"transitions": 0, "terminal": 0}
    curves = {name: [] for name in ("step", "beta", "weight_mean", "weight_min", "batch_terminal_share",
                                    "stored_terminal_share", "priority_quantiles", "priority_max",
                                    "greedy_return", "q_max_mean", "action_gap_mean")}
    histograms = {}
    probe_env = gym.make(config.env_id)

    def greedy_episode(agent, seed):
        """Return, mean max_a Q and mean |Q gap| over one greedy episode from start seed `seed`."""
        obs, _ = probe_env.reset(seed=seed)
        q_rows, done = [], False
        while not done:
            q = agent.q_values(obs[None])[0]
            q_rows.append(q)
            obs, _, terminated, truncated, _ = probe_env.step(int(q.argmax()))
            done = terminated or truncated
        q_rows = np.array(q_rows)
        return len(q_rows), float(q_rows.max(axis=1).mean()), float(np.abs(q_rows[:, 0] - q_rows[:, 1]).mean())
    make_buffer = train_module.make_buffer

    def watched_buffer(config_, replay, obs_shape):
        buffer = make_buffer(config_, replay, obs_shape)
        add, sample = buffer.add, buffer.sample

        def add_(obs, action, reward, next_obs, terminated):
            stored["transitions"] += 1
            stored["terminal"] += bool(terminated)
            add(obs, action, reward, next_obs, terminated)

        def sample_(batch_size, beta, rng):
            batch = sample(batch_size, beta, rng)
            window["weight_mean"].append(float(batch.weights.mean()))
            window["weight_min"].append(float(batch.weights.min()))
            window["beta"].append(beta)
            window["terminal_share"].append(float(batch.terminated.mean()))
            return batch

        buffer.add, buffer.sample = add_, sample_
        return buffer

    def on_eval(step, agent, buffer):
        if not window["beta"]:
            return  # still warming up: no batch yet
        priorities = buffer.priorities(np.arange(len(buffer)))
        curves["step"].append(step)
        curves["beta"].append(window["beta"][-1])
        curves["weight_mean"].append(round(float(np.mean(window["weight_mean"])), 5))
        curves["weight_min"].append(round(min(window["weight_min"]), 5))
        curves["batch_terminal_share"].append(round(float(np.mean(window["terminal_share"])), 5))
        curves["stored_terminal_share"].append(round(stored["terminal"] / stored["transitions"], 5))
        curves["priority_quantiles"].append([round(float(q), 5) for q in np.quantile(priorities, QUANTILES)])
        curves["priority_max"].append(round(float(priorities.max()), 5))
        length, q_max, gap = greedy_episode(agent, seed=SEED * 1_000_000 + step)
        curves["greedy_return"].append(length)
        curves["q_max_mean"].append(round(q_max, 4))
        curves["action_gap_mean"].append(round(gap, 4))
        if step in SNAPSHOTS:
            histograms[step] = np.histogram(priorities, BINS)[0].tolist()
        for values in window.values():
            values.clear()

    train_module.make_buffer = watched_buffer  # train() looks make_buffer up in its module when it runs
    start = time.perf_counter()
    history, _ = train(config, SEED, "prioritized", progress=False, on_eval=on_eval)
    record = {**provenance((SEED,), 1, start), "quantiles": list(QUANTILES), "bins": BINS.tolist(),
              "curves": curves, "histograms": histograms, "run": compact(train_module.summarize(history, config))}
    write_record("cartpole_per_at_work.json", record, start)


if __name__ == "__main__":
    main()
