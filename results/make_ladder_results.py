"""Make results/cartpole_ladder.json: the original notebook's configuration run as it was, then repaired one
defect at a time, cumulatively, each rung on the same three seeds (issue 11; notebook 05 reads it).

    .venv/bin/python results/make_ladder_results.py        # 36 runs, about 25 min on 2 otherwise idle cores

Rung 0 is the original (notebooks/C_original_repaired.ipynb): a 4-20-2 network, Adam lr 1e-4, MSE loss (a Huber loss whose
threshold is never reached), no gradient clipping, batch 32, a 10,000-transition buffer, learning from the
33rd step, gamma 0.9 with its reward rewrite (-1 at a failure, 0.01 otherwise), epsilon fixed at 0.5, IS
weights on both sides of the error (w^2), priorities min(|TD error| + 0.1, 1)^0.6 with beta reaching 1 after
about 600 updates, the target network copied every 100 episodes (never by gradient steps), and training
episodes cut at 300 steps. Its loop never reads Gymnasium's `truncated`: the 300th step is stored as an
ordinary one and the 500-step limit is never reached, so no time limit is stored as a failure in rung 0.
What the old Gym API would have done (its `done` was true at the limit) is measured separately:
"side: ... limit stored as a failure". Gamma and the reward rewrite are separate rungs, and the side run
"side: gamma 0.99 with the rewrite" swaps their order.

Every run: our protocol (greedy 10-episode evaluations every 500 steps on 500-step CartPole-v1, a 100-episode
check), 50,000 env steps with `full_budget`, prioritized replay, seeds 200-202 (used nowhere else).
The last rung is `TrainConfig()` itself, the series' defaults. The original's choices that `TrainConfig` does not
have (its exploration, memory, loss, environment and target copies) are `original_choices.OriginalChoices`, passed to
`train` as parameters: each run records them as `original_choices`, beside its `config`; `rungs` lists every
rung's changes from the defaults, both kinds together.
"""

import dataclasses
from typing import Any

from prdqn_helpers.parallel import Task
from prdqn_helpers.train import TrainConfig
from original_choices import OriginalChoices, OriginalJob, run_original_job  # beside this script
from provenance import make, write_runs  # results/provenance.py, beside this script

SEEDS = (200, 201, 202)
NEVER = 10**9  # a gradient-step count beyond any budget: no target sync but the episode copies
ORIGINAL = {
    "hidden_sizes": (20,), "lr": 1e-4, "huber_delta": 1e6, "grad_clip_norm": None, "batch_size": 32,
    "buffer_size": 10_000, "warmup_steps": 32, "gamma": 0.9, "reward_rewrite": True, "fixed_epsilon": 0.5,
    "is_weight_on_both_sides": True, "priority_clip": True, "beta_anneal_steps": 632,
    "target_sync_every": NEVER, "target_copy_every_episodes": 100, "train_episode_cap": 300, "n_step": 1,
}
CHOICES = OriginalChoices._fields  # the settings that are not TrainConfig's: they go to train_original
_D = TrainConfig()  # the defaults the ladder climbs to; its labels quote them
DEFAULTS = {name: OriginalChoices._field_defaults[name] if name in CHOICES else getattr(_D, name) for name in ORIGINAL}
_LOSS = "squared loss" if _D.huber_delta is None else f"Huber loss (delta {_D.huber_delta:g})"
REPAIRS = [  # (rung label, the fields it sets back to the defaults), applied cumulatively; seed README defect
    ("original", ()),
    (f"+ epsilon decays 1 -> {_D.eps_end} (defect 1)", ("fixed_epsilon",)),
    ("+ IS weights once, w not w^2 (defect 2)", ("is_weight_on_both_sides",)),
    ("+ priorities (|delta| + eps)^alpha, beta over the budget (defect 4)", ("priority_clip", "beta_anneal_steps")),
    ("+ 500-step training episodes (defects 8, 12)", ("train_episode_cap",)),
    ("+ the environment's reward (defect 12)", ("reward_rewrite",)),
    ("+ gamma 0.99 (defect 12)", ("gamma",)),
    (f"+ soft target updates, tau {_D.tau:g}", ("target_sync_every", "target_copy_every_episodes")),
    ("+ 128-128 network, batch 64, 50k buffer, 1,000 warm-up steps",
     ("hidden_sizes", "batch_size", "buffer_size", "warmup_steps")),
    (f"+ lr {_D.lr:g}, {_LOSS}, gradient clip {_D.grad_clip_norm:g}", ("lr", "huber_delta", "grad_clip_norm")),
    (f"+ {_D.n_step}-step returns (= TrainConfig())", ("n_step",)),
]
SIDE = {  # label: (the rung it starts from, changes)
    "side: the defaults with the 500-step limit stored as a failure": (len(REPAIRS) - 1, {"truncation_as_failure": True}),
    "side: gamma 0.99 with the rewrite (rung 4 + gamma)": (4, {"gamma": 0.99}),
}


def rungs() -> dict[str, dict]:
    """Each rung's changes from TrainConfig(), in ladder order, then the side runs."""
    changes, ladder = dict(ORIGINAL), {}
    for label, repaired in REPAIRS:
        for name in repaired:
            changes.pop(name)
        ladder[label] = dict(changes)
    labels = list(ladder)
    for label, (start, extra) in SIDE.items():
        ladder[label] = {**ladder[labels[start]], **extra}
    return ladder


def job(label: str, change: dict, seed: int) -> OriginalJob:
    """The run of one rung and seed: `change`'s TrainConfig fields in its config, the rest in its choices."""
    config = dataclasses.replace(_D, full_budget=True,
                                 **{name: value for name, value in change.items() if name not in CHOICES})
    choices = OriginalChoices(**{name: value for name, value in change.items() if name in CHOICES})
    return OriginalJob(config, seed, "prioritized", label, choices)


def tasks() -> list[Task]:
    """One `run_original_job` per rung (then side run) and seed."""
    ladder = rungs()
    assert ladder[REPAIRS[-1][0]] == {} and all(DEFAULTS[name] != value for name, value in ORIGINAL.items())
    return [(run_original_job, job(label, change, seed)) for label, change in ladder.items() for seed in SEEDS]


def write(results: list[Any], workers: int, start: float) -> None:
    """Write the file from the results of `tasks()`, in order."""
    as_json = {label: {name: list(v) if isinstance(v, tuple) else v for name, v in change.items()}
               for label, change in rungs().items()}
    write_runs("cartpole_ladder.json", results, SEEDS, workers, start, full_budget=True, rungs=as_json)


if __name__ == "__main__":
    make([(tasks, write)], __doc__.splitlines()[0])
