"""Our PER Double DQN against Stable-Baselines3's DQN on CartPole-v1: same seeds, same protocol, one run.

    .venv/bin/pip install -r benchmarks/requirements.txt      # once: Stable-Baselines3 (benchmark only)
    .venv/bin/python benchmarks/cartpole.py                    # seeds 200-209, 2 processes, ~6 min
    .venv/bin/python benchmarks/cartpole.py --seeds 0 1 2 --workers 1

Both agents get 50,000 env steps and the same evaluation protocol (`prdqn_helpers.train`): every 500
env steps 10 greedy episodes on a separate vector environment; when their mean reaches 475, 100 greedy
episodes on fresh start states decide; solved = that mean >= 475, and training stops there (if the check
fails, training goes on). The evaluation and final-check start states are the same for both agents
(`derive_seeds`). SB3 uses its RL-Zoo hyperparameters for CartPole-v1 (rl-baselines3-zoo,
hyperparams/dqn.yml), a plain DQN with uniform replay and hard target updates; ours uses `TrainConfig()`
with prioritized replay. Wall time is the whole run in its own process (set-up, training, evaluations,
final check), one torch thread each. Jobs run in pairs (ours and SB3 on the same seed side by side), so
both see the same machine load; the load average is printed, since other work on the machine slows both.

Prints one row per seed and the totals: seeds solved, median env steps to solve, wall seconds, and the
wall-time ratio ours / SB3.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np
import torch

from prdqn_helpers.train import TrainConfig, derive_seeds, evaluate, make_eval_env, train

# rl-baselines3-zoo, hyperparams/dqn.yml, CartPole-v1 ("n_timesteps: 5e4"; policy MlpPolicy)
RL_ZOO_CARTPOLE = dict(
    learning_rate=2.3e-3,
    batch_size=64,
    buffer_size=100_000,
    learning_starts=1_000,
    gamma=0.99,
    target_update_interval=10,
    train_freq=256,
    gradient_steps=128,
    exploration_fraction=0.16,
    exploration_final_eps=0.04,
    policy_kwargs=dict(net_arch=[256, 256]),
)


class _GreedyQ:
    """Adapter: SB3's Q-network as something `evaluate` can play (`greedy_actions`)."""

    def __init__(self, q_net: torch.nn.Module) -> None:
        self.q_net = q_net

    @torch.no_grad()
    def greedy_actions(self, obs: np.ndarray) -> np.ndarray:
        return self.q_net(torch.as_tensor(obs, dtype=torch.float32)).argmax(dim=1).numpy()


def run_sb3(seed: int, config: TrainConfig) -> dict[str, Any]:
    """Train SB3 DQN (RL-Zoo settings) on one seed under our evaluation protocol."""
    import gymnasium as gym
    from stable_baselines3 import DQN
    from stable_baselines3.common.callbacks import BaseCallback

    start, start_cpu = time.perf_counter(), time.process_time()
    torch.set_num_threads(config.torch_threads)
    _, eval_seed, final_seed = derive_seeds(seed)  # SB3 seeds its own training environment from `seed`
    eval_env = make_eval_env(config.env_id, config.eval_episodes)
    final_env = make_eval_env(config.env_id, config.final_eval_episodes)
    state: dict[str, Any] = {"evals": 0, "checks": [], "solved": False}

    def final_check(model: Any, step: int) -> bool:
        mean = float(evaluate(_GreedyQ(model.q_net), final_env, final_seed + len(state["checks"])).mean())
        state["checks"].append((step, mean))
        state["solved"] = mean >= config.solve_threshold
        return state["solved"]

    class Protocol(BaseCallback):
        def _on_step(self) -> bool:
            if self.num_timesteps % config.eval_every:
                return True
            mean = float(evaluate(_GreedyQ(self.model.q_net), eval_env, eval_seed + state["evals"]).mean())
            state["evals"] += 1
            return not (mean >= config.solve_threshold and final_check(self.model, self.num_timesteps))

    model = DQN("MlpPolicy", gym.make(config.env_id), seed=seed, device="cpu", verbose=0, **RL_ZOO_CARTPOLE)
    model.learn(total_timesteps=config.total_env_steps, callback=Protocol())
    if not state["solved"] and (not state["checks"] or state["checks"][-1][0] != model.num_timesteps):
        final_check(model, model.num_timesteps)  # budget spent: check the last weights, as ours does
    return {"agent": "SB3 DQN", "seed": seed, "solved": state["solved"],
            "env_steps_to_solve": state["checks"][-1][0] if state["solved"] else None,
            "final_eval_mean": state["checks"][-1][1], "env_steps": model.num_timesteps,
            "wall_seconds": time.perf_counter() - start, "cpu_seconds": time.process_time() - start_cpu}


def run_ours(seed: int, config: TrainConfig) -> dict[str, Any]:
    """Train our agent (prioritized replay) on one seed."""
    history = train(config, seed, "prioritized", progress=False).history
    return {"agent": "ours (PER)", "seed": seed, "solved": history.solved,
            "env_steps_to_solve": history.env_steps_to_solve, "final_eval_mean": history.final_eval_mean,
            "env_steps": history.env_steps, "wall_seconds": history.wall_seconds,
            "cpu_seconds": history.cpu_seconds}


def _run(job: tuple[str, int]) -> dict[str, Any]:
    kind, seed = job
    return run_ours(seed, TrainConfig()) if kind == "ours" else run_sb3(seed, TrainConfig())


def _fmt_steps(run: dict[str, Any]) -> str:
    return f"{run['env_steps_to_solve']:>6,}" if run["solved"] else "    --"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=list(range(200, 210)),
                        help="seeds (default 200-209: not used to tune our defaults)")
    parser.add_argument("--workers", type=int, default=2, help="parallel processes (default 2)")
    args = parser.parse_args()
    if args.workers < 1:
        parser.error(f"--workers must be >= 1, got {args.workers}")

    import stable_baselines3

    print(f"CartPole-v1, seeds {args.seeds}, {args.workers} processes, stable-baselines3 "
          f"{stable_baselines3.__version__}, torch {torch.__version__}; load average before: "
          f"{os.getloadavg()[0]:.2f}")
    jobs = [(kind, seed) for seed in args.seeds for kind in ("ours", "sb3")]
    start = time.perf_counter()
    if args.workers == 1:
        runs = [_run(job) for job in jobs]
    else:
        with ProcessPoolExecutor(args.workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            runs = list(pool.map(_run, jobs))
    total = time.perf_counter() - start
    ours = [r for r in runs if r["agent"].startswith("ours")]
    sb3 = [r for r in runs if r["agent"] == "SB3 DQN"]

    print(f"\n{'seed':>5} | {'ours: steps':>11} {'final':>7} {'wall s':>7} | {'SB3: steps':>10} {'final':>7} "
          f"{'wall s':>7} | wall ratio ours/SB3")
    for a, b in zip(ours, sb3):
        print(f"{a['seed']:>5} | {_fmt_steps(a):>11} {a['final_eval_mean']:7.1f} {a['wall_seconds']:7.1f} | "
              f"{_fmt_steps(b):>10} {b['final_eval_mean']:7.1f} {b['wall_seconds']:7.1f} | "
              f"{a['wall_seconds'] / b['wall_seconds']:.2f}")

    def median_steps(rs: list[dict[str, Any]]) -> str:
        solved = [r["env_steps_to_solve"] for r in rs if r["solved"]]
        return f"{statistics.median(solved):,.0f} (solved seeds)" if solved else "--"

    wall_ours = sum(r["wall_seconds"] for r in ours)
    wall_sb3 = sum(r["wall_seconds"] for r in sb3)
    cpu_ours = sum(r["cpu_seconds"] for r in ours)
    cpu_sb3 = sum(r["cpu_seconds"] for r in sb3)
    print(f"\nsolved:            ours {sum(r['solved'] for r in ours)}/{len(ours)}   "
          f"SB3 {sum(r['solved'] for r in sb3)}/{len(sb3)}")
    print(f"median steps:      ours {median_steps(ours)}   SB3 {median_steps(sb3)}")
    print(f"wall s per seed:   ours median {statistics.median(r['wall_seconds'] for r in ours):.1f}, "
          f"max {max(r['wall_seconds'] for r in ours):.1f}   SB3 median "
          f"{statistics.median(r['wall_seconds'] for r in sb3):.1f}, max {max(r['wall_seconds'] for r in sb3):.1f}")
    print(f"total wall s:      ours {wall_ours:.1f}   SB3 {wall_sb3:.1f}   ratio ours/SB3 {wall_ours / wall_sb3:.2f}")
    print(f"total CPU s:       ours {cpu_ours:.1f}   SB3 {cpu_sb3:.1f}   ratio ours/SB3 {cpu_ours / cpu_sb3:.2f}")
    print(f"benchmark wall {total:.0f} s; load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
