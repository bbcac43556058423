"""A run's files: checkpoint, JSON summary, versions (hand-written; notebook 04 uses them, teaches none)."""

import json
import pickle
import platform
from dataclasses import asdict
from importlib import metadata
from pathlib import Path

import torch

from .dqn import DQNAgent
from .train import TrainConfig, TrainHistory, summarize


def versions() -> dict[str, str]:
    """Versions of Python, this package and the libraries that determine the results."""
    found = {"python": platform.python_version()}
    for dist in ("prdqn-helpers", "torch", "gymnasium", "numpy"):
        try:
            found[dist.replace("-", "_")] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            found[dist.replace("-", "_")] = "unknown"
    return found


def save_checkpoint(path: str | Path, agent: DQNAgent, config: TrainConfig) -> Path:
    """Write the agent's `state_dict()` (both networks, optimizer, step count) and the config to `path`."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    torch.save({"agent": agent.state_dict(), "train_config": asdict(config)}, path)
    return Path(path)


def load_checkpoint(path: str | Path) -> tuple[DQNAgent, TrainConfig]:
    """The agent and config of a `save_checkpoint` file (`weights_only`: no code runs); ValueError for other files."""
    try:
        state = torch.load(Path(path), weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, EOFError, KeyError) as error:  # not a torch.save file
        raise ValueError(f"{str(path)!r} is not a checkpoint written by save_checkpoint ({error})") from None
    if not isinstance(state, dict) or {"agent", "train_config"} - set(state):
        raise ValueError(f"{str(path)!r} is not a checkpoint written by save_checkpoint")
    config = TrainConfig(**state["train_config"])
    agent = DQNAgent(state["agent"]["obs_dim"], state["agent"]["n_actions"], config)
    agent.load_state_dict(state["agent"])
    return agent, config


def write_run(out: str | Path, history: TrainHistory, agent: DQNAgent | None, config: TrainConfig) -> Path:
    """Write OUT/summary.json (`summarize` plus `versions`) and OUT/checkpoint.pt (if there is an agent)."""
    out = Path(out)
    if agent is not None:
        save_checkpoint(out / "checkpoint.pt", agent, config)
    out.mkdir(parents=True, exist_ok=True)
    (out / "summary.json").write_text(json.dumps({**summarize(history, config), "versions": versions()}, indent=1))
    return out / "summary.json"
