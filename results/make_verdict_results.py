"""Make results/cartpole_verdict.json, cartpole_averaged_eval.json and cartpole_per_at_work.json: prioritized
vs uniform replay, each at its own best sweep settings, on 20 reporting seeds with the whole budget (issue 11's
fair verdict); whether the prioritized runs stay solved when judged by an average of their weights; and
prioritized replay at work in the first of them (seed 100, watched by `per_at_work.py`; notebooks 04 and 05).

    .venv/bin/python results/make_verdict_results.py        # 40 runs, about 33 min on 2 otherwise idle cores

Both replay kinds got the same tuning budget: the six settings of `make_stability_sweep.py` on tuning seeds
0, 1, 2, then the remedies of `make_remedies_sweep.py` (stages 1 and 2) on tuning seeds 300-304, with the
selection rule written there before any of its runs (all five solve with a median first confirmed pass at or
below 12,000 env steps; then the largest median post_solve_eval_fraction, unsolved runs counting 0; then the
most final means >= 475; then the smallest median steps to solve). Applied to cartpole_remedies_sweep_stage2.json
it picks SELECTED below (prioritized: the package's defaults, asserted in `tasks`); notebook 05 re-applies the
rule to that file and asserts that it still picks these two.
The reporting seeds 100-119 were never used for tuning. Every run trains all 50,000 steps (`full_budget`).

Averaged weights (one idea CARTPOLE-NOTES left untried, fixed before the runs; nothing else was tried): after
each of a prioritized run's own evaluations (`on_eval`), two averaged copies of its online network are evaluated
greedily on the same 10 start states as that evaluation:
- "target": the agent's own target network, a Polyak average over roughly the last 1 / tau gradient steps;
- "slow": an exponential average taken at the evaluations, avg <- 0.8 avg + 0.2 online every 500 steps
  (roughly the last 2,500 steps).
At the end each average gets the 100-episode check on the run's final-check start states. Training never sees
the averages (acting is unchanged), so the verdict's runs are the same with or without watching.
"""

import copy
import dataclasses
from typing import Any

import numpy as np
import torch

from prdqn_helpers.checkpoints import versions
from prdqn_helpers.parallel import Job, Task, run_job, train_job
from prdqn_helpers.train import TrainConfig, derive_seeds, evaluate, make_eval_env, summarize
from make_remedies_sweep import BASE  # the remedies sweep's base: SELECTED's changes are from it
from per_at_work import PerAtWork
from provenance import compact, make, provenance, write_record, write_runs  # beside this script
from run_cache import reference_config

SEEDS = tuple(range(100, 120))
SELECTED = {  # replay kind -> its sweep setting (label in the sweep file, changes from the sweep's BASE)
    "prioritized": ("squared loss + 8-step", {"huber_delta": None, "n_step": 8}),
    "uniform": ("squared loss + 8-step", {"huber_delta": None, "n_step": 8}),
}
SLOW_RATE = 0.2  # weight of the newest snapshot in the slow average
AT_WORK_SEED = SEEDS[0]  # the prioritized run that per_at_work.py also watches


class Greedy:
    """A Q-network as a greedy policy for `evaluate`."""

    def __init__(self, net: torch.nn.Module) -> None:
        self.net = net

    def greedy_actions(self, obs: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            return self.net(torch.as_tensor(obs, dtype=torch.float32)).argmax(dim=1).numpy()


def watched_run(job: Job) -> tuple[dict[str, Any], dict[str, Any] | None, dict[str, Any] | None]:
    """`run_job(job)`'s record and, for prioritized replay, both averages evaluated alongside (else None), and
    for seed AT_WORK_SEED the per_at_work.py record (else None)."""
    if job.replay != "prioritized":
        return run_job(job), None, None
    config, seed = job.config, job.seed
    _, eval_seed, final_seed = derive_seeds(seed)
    eval_env = make_eval_env(config.env_id, config.eval_episodes)
    means: dict[str, list[float]] = {"target": [], "slow": []}
    slow: list[torch.nn.Module] = []  # the slow average, a frozen copy of the online network from the first evaluation
    watcher = PerAtWork(config.env_id, seed) if seed == AT_WORK_SEED else None

    def on_eval(step, agent, buffer) -> None:
        if not slow:
            slow.append(copy.deepcopy(agent.online_net).requires_grad_(False))
        for average, online in zip(slow[0].parameters(), agent.online_net.parameters()):
            average.lerp_(online.detach(), SLOW_RATE)
        k = len(means["target"])                       # the run's own k-th evaluation used eval_seed + k
        for name, net in (("target", agent.target_net), ("slow", slow[0])):
            means[name].append(float(evaluate(Greedy(net), eval_env, eval_seed + k).mean()))
        if watcher is not None:
            watcher.on_eval(step, agent, buffer)

    result = train_job(job, on_eval, buffer_factory=None if watcher is None else watcher.buffer_factory)
    history, agent = result.history, result.agent
    # The budget ends on an evaluation step, so the last on_eval saw the final weights of both averages.
    final_env = make_eval_env(config.env_id, config.final_eval_episodes)
    finals = {name: float(evaluate(Greedy(net), final_env, final_seed + len(history.final_checks) - 1).mean())
              for name, net in (("target", agent.target_net), ("slow", slow[0]))}
    averaged = {"seed": seed, "eval_steps": history.eval_steps, "online": history.eval_means,
                "env_steps_to_solve": history.env_steps_to_solve, "final_online": history.final_eval_mean,
                "averaged": {name: {"eval_means": means[name], "final_eval_mean": finals[name]} for name in means}}
    at_work = None if watcher is None else {**watcher.record(), "run": compact(summarize(history, config))}
    return {"label": job.label, **summarize(history, config), "versions": versions()}, averaged, at_work


def tasks() -> list[Task]:
    """One `watched_run` per replay kind and reporting seed."""
    configs = {replay: reference_config(**{**BASE, **change}) for replay, (_, change) in SELECTED.items()}
    assert configs["prioritized"] == dataclasses.replace(TrainConfig(), full_budget=True), "defaults != the pick"
    return [(watched_run, Job(configs[replay], seed, replay, label))
            for replay, (label, _) in SELECTED.items() for seed in SEEDS]


def write(results: list[Any], workers: int, start: float) -> None:
    """Write the three files from the results of `tasks()`, in order."""
    selected = {replay: {"label": label, "changes": change} for replay, (label, change) in SELECTED.items()}
    write_runs("cartpole_verdict.json", [record for record, _, _ in results], SEEDS, workers, start,
               full_budget=True, selected=selected)
    prioritized = next(job.config for _, job in tasks() if job.replay == "prioritized")
    write_record("cartpole_averaged_eval.json", {**provenance(SEEDS, workers, start), "slow_rate": SLOW_RATE,
                 "config": dataclasses.asdict(prioritized),
                 "runs": [averaged for _, averaged, _ in results if averaged is not None]}, start)
    at_work = next(record for _, _, record in results if record is not None)
    write_record("cartpole_per_at_work.json", {**provenance((AT_WORK_SEED,), workers, start), **at_work}, start)


if __name__ == "__main__":
    make([(tasks, write)], __doc__.splitlines()[0])
