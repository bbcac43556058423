"""Time one `DQNAgent.update` (batch 64, the 128-128 network, one torch thread) with the fused Adam step the
agent uses against the same agent with PyTorch's per-tensor loop Adam (`fused=False, foreach=False`, what
`torch.optim.Adam` picks on the CPU by default), and the training step around it.

Each round times 1,000 updates of each variant on the same 200 random CartPole-sized batches, the variants
taking turns, so a change in machine load hits both alike; it prints the median over rounds and the ratio.
Both variants apply the same Adam rule: their parameters agree to float32 rounding after 200 updates.

Usage::

    .venv/bin/python benchmarks/update.py             # 7 rounds, about half a minute
    .venv/bin/python benchmarks/update.py --rounds 15
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from prdqn_helpers.dqn import AgentConfig, DQNAgent
from prdqn_helpers.replay import Batch

BATCH, OBS_DIM, N_ACTIONS, UPDATES = 64, 4, 2, 1_000


def batches(count: int, seed: int = 0) -> list[Batch]:
    rng = np.random.default_rng(seed)
    return [Batch(obs=rng.standard_normal((BATCH, OBS_DIM), dtype=np.float32),
                  actions=rng.integers(0, N_ACTIONS, BATCH), rewards=np.ones(BATCH, np.float32),
                  next_obs=rng.standard_normal((BATCH, OBS_DIM), dtype=np.float32),
                  terminated=(rng.random(BATCH) < 0.05).astype(np.float32),
                  weights=rng.random(BATCH, dtype=np.float32), indices=np.arange(BATCH)) for _ in range(count)]


def agent(fused: bool) -> DQNAgent:
    """The package's agent; with `fused=False` its optimizer is replaced by the per-tensor loop Adam."""
    made = DQNAgent(OBS_DIM, N_ACTIONS, AgentConfig(), seed=0)
    if not fused:
        made.optimizer = torch.optim.Adam(made.online_net.parameters(), lr=made.config.lr, fused=False, foreach=False)
    return made


def seconds_per_update(learner: DQNAgent, data: list[Batch]) -> float:
    start = time.perf_counter()
    for i in range(UPDATES):
        learner.update(data[i % len(data)])
    return (time.perf_counter() - start) / UPDATES


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    rounds = parser.parse_args().rounds
    torch.set_num_threads(1)
    data = batches(200)
    fused, loop = agent(True), agent(False)
    for learner in (fused, loop):                     # the same 200 updates from the same start: same rule
        for batch in data:
            learner.update(batch)
    pairs = zip(fused.online_net.parameters(), loop.online_net.parameters())
    drift = max(float((a - b).detach().abs().max()) for a, b in pairs)
    print(f"largest parameter difference after 200 identical updates: {drift:.1e}")
    times = {"fused": [], "loop": []}
    for _ in range(rounds):
        times["fused"].append(seconds_per_update(fused, data))
        times["loop"].append(seconds_per_update(loop, data))
    medians = {name: float(np.median(values)) for name, values in times.items()}
    ratios = np.array(times["fused"]) / np.array(times["loop"])
    print(f"one update, median of {rounds} rounds of {UPDATES:,}: fused Adam {medians['fused'] * 1e3:.3f} ms, "
          f"loop Adam {medians['loop'] * 1e3:.3f} ms")
    print(f"ratio fused / loop: median {np.median(ratios):.2f} (rounds: {', '.join(f'{r:.2f}' for r in ratios)})")


if __name__ == "__main__":
    main()
