"""Make results/cartpole_averaged_eval.json: does the agent stay solved if it is judged by an average of its
recent weights? (One idea CARTPOLE-NOTES left untried; notebook 05, section 1, reads the file.)

    .venv/bin/python results/make_averaged_eval.py        # 20 runs, about 20 min on 2 otherwise idle cores

The 20 prioritized runs of make_verdict_results.py (the defaults, seeds 100-119, whole budget) are trained
again, unchanged: the same seeds give the same training, which the script checks against the verdict file.
After each of the run's own evaluations (`on_eval`), two averaged copies of the online network are evaluated
greedily on the same 10 start states as the run's evaluation:
- "target": the agent's own target network, a Polyak average of the online weights over roughly the last
  1 / tau = 100 gradient steps;
- "slow": an exponential average of the online weights taken at the evaluations themselves,
  avg <- 0.8 avg + 0.2 online every 500 steps (roughly the last 2,500 steps).
Both were fixed before the runs; nothing else was tried. At the end each average gets the 100-episode check
on the run's final-check start states. Training itself never sees the averages (acting is unchanged).
"""

import copy
import dataclasses
import json
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import torch

from prdqn_helpers.train import TrainConfig, derive_seeds, evaluate, make_eval_env, train
from provenance import provenance, workers_from_command_line, write_record  # results/provenance.py, beside this script

HERE = Path(__file__).resolve().parent
SEEDS = tuple(range(100, 120))
SLOW_RATE = 0.2  # weight of the newest snapshot in the slow average


class Greedy:
    """A Q-network as a greedy policy for `evaluate`."""

    def __init__(self, net: torch.nn.Module) -> None:
        self.net = net

    def greedy_actions(self, obs: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            return self.net(torch.as_tensor(obs, dtype=torch.float32)).argmax(dim=1).numpy()


def run(seed: int) -> dict:
    """One verdict run again, with both averages evaluated after each evaluation and checked at the end."""
    config = TrainConfig(full_budget=True)
    _, eval_seed, final_seed = derive_seeds(seed)
    eval_env = make_eval_env(config.env_id, config.eval_episodes)
    means = {"target": [], "slow": []}
    slow = {}  # the slow average's weights

    def slow_net(agent) -> torch.nn.Module:
        net = copy.deepcopy(agent.online_net)
        net.load_state_dict(slow)
        return net

    def on_eval(step, agent, buffer):
        online = agent.online_net.state_dict()
        if not slow:
            slow.update({name: value.clone() for name, value in online.items()})
        for name, value in online.items():
            slow[name].lerp_(value, SLOW_RATE)
        k = len(means["target"])                       # the run's own k-th evaluation used eval_seed + k
        for name, net in (("target", agent.target_net), ("slow", slow_net(agent))):
            means[name].append(float(evaluate(Greedy(net), eval_env, eval_seed + k).mean()))

    torch.set_num_threads(1)
    history, agent = train(config, seed, "prioritized", progress=False, on_eval=on_eval)
    # The budget ends on an evaluation step, so the last on_eval saw the final weights of both averages.
    final_env = make_eval_env(config.env_id, config.final_eval_episodes)
    finals = {name: float(evaluate(Greedy(net), final_env, final_seed + len(history.final_checks) - 1).mean())
              for name, net in (("target", agent.target_net), ("slow", slow_net(agent)))}
    return {"seed": seed, "eval_steps": history.eval_steps, "online": history.eval_means,
            "env_steps_to_solve": history.env_steps_to_solve, "final_online": history.final_eval_mean,
            "averaged": {name: {"eval_means": means[name], "final_eval_mean": finals[name]} for name in means}}


def main() -> None:
    workers = workers_from_command_line(__doc__.splitlines()[0])
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        runs = list(pool.map(run, SEEDS))
    verdict = {r["seed"]: r for r in json.loads((HERE / "cartpole_verdict.json").read_text())["runs"]
               if r["replay"] == "prioritized"}
    assert all(r["online"] == verdict[r["seed"]]["history"]["eval_means"] for r in runs), "training changed"
    record = {**provenance(SEEDS, workers, start), "slow_rate": SLOW_RATE,
              "config": json.loads(json.dumps(dataclasses.asdict(TrainConfig(full_budget=True)))), "runs": runs}
    write_record("cartpole_averaged_eval.json", record, start)


if __name__ == "__main__":
    main()
