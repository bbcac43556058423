"""A run's files (hand-written): checkpoints, summary.json and versions, each written whole or not at all."""

import contextlib
import json
import os
import pickle
import platform
import secrets
from dataclasses import asdict, fields
from importlib import metadata
from pathlib import Path
from typing import Any, BinaryIO, Callable

import torch

from .dqn import DQNAgent
from .train import TrainConfig, TrainHistory, summarize

SUMMARY, LAST, SOLVED = "summary.json", "checkpoint.pt", "checkpoint_solved.pt"
RUN_FILES = (SUMMARY, LAST, SOLVED)  # what write_run writes: a folder holding one of them holds a run


def versions() -> dict[str, str]:
    """Versions of Python, this package and the libraries that determine the results ("unknown": not installed)."""
    found = {"python": platform.python_version()}
    for dist in ("prdqn-helpers", "torch", "gymnasium", "numpy"):
        found[dist.replace("-", "_")] = "unknown"
        with contextlib.suppress(metadata.PackageNotFoundError):
            found[dist.replace("-", "_")] = metadata.version(dist)
    return found


def write_atomically(path: str | Path, write: Callable[[BinaryIO], None]) -> Path:
    """Write `path` (and its folder) whole or not at all: `write` fills a temporary file beside it, which is fsynced
    and renamed over it; on any failure, Ctrl-C included, it is removed and `path` keeps what it held."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")  # hidden; same directory, same file system
    try:
        with open(temp, "xb") as file:  # "x": never write into someone else's file
            write(file)
            file.flush()
            os.fsync(file.fileno())  # the data is on disk before the name points at it
        os.replace(temp, path)  # atomic within one file system: a reader or a crash sees the old file or the new
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    with contextlib.suppress(OSError):  # the rename made durable (POSIX); some file systems refuse: it is done anyway
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
    return path


def save_checkpoint(path: str | Path, agent: DQNAgent | dict[str, Any], config: TrainConfig) -> Path:
    """Write `agent.state_dict()` (networks, optimizer, step count; or such a dict) and `config` to `path`."""
    record = {"agent": agent if isinstance(agent, dict) else agent.state_dict(), "train_config": asdict(config)}
    return write_atomically(path, lambda file: torch.save(record, file))


def load_checkpoint(path: str | Path) -> tuple[DQNAgent, TrainConfig]:
    """The agent and config of a `save_checkpoint` file (`weights_only`: no code runs); ValueError for other files and
    for settings this package lacks, unless off (None or False, as the original notebook's switches were saved)."""
    try:
        state = torch.load(Path(path), weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, EOFError, KeyError) as error:  # not a torch.save file
        raise ValueError(f"{str(path)!r} is not a checkpoint written by save_checkpoint ({error})") from None
    if not isinstance(state, dict) or {"agent", "train_config"} - set(state):
        raise ValueError(f"{str(path)!r} is not a checkpoint written by save_checkpoint")
    known, saved = {field.name for field in fields(TrainConfig)}, state["train_config"]
    if foreign := {name: value for name, value in saved.items() if name not in known and value not in (None, False)}:
        raise ValueError(f"{str(path)!r} was trained with settings this package does not have: {foreign}")
    config = TrainConfig(**{name: value for name, value in saved.items() if name in known})
    agent = DQNAgent(state["agent"]["obs_dim"], state["agent"]["n_actions"], config)
    agent.load_state_dict(state["agent"])
    return agent, config


def write_run(out: str | Path, history: TrainHistory, agent: DQNAgent | None, config: TrainConfig,
              solved_state: dict[str, Any] | None = None) -> Path:
    """Write into OUT, each atomically: checkpoint.pt (the last weights, if finite), checkpoint_solved.pt (the weights
    a `full_budget` run kept at its confirmed solve), then summary.json (`summarize`, "checkpoints", `versions`)."""
    out = Path(out)
    last = agent.state_dict() if agent is not None else None
    finite = last is not None and all(bool(torch.isfinite(weight).all())  # NaN weights would load, and play nonsense
                                      for net in ("online_net", "target_net") for weight in last[net].values())
    files = {"last": LAST if finite else None, "solved": None}
    if history.solved and config.full_budget:  # trained on past its solve: the copy kept then, if any
        files["solved"] = SOLVED if solved_state is not None else None
    elif history.solved:  # stopped at its solve: its last weights are the solved ones
        files["solved"] = files["last"]
    for name, state in ((LAST, last), (SOLVED, solved_state)):
        if name in files.values():
            save_checkpoint(out / name, state, config)
        else:  # an earlier run's is removed: the folder agrees with its summary
            (out / name).unlink(missing_ok=True)
    summary = {**summarize(history, config), "checkpoints": files, "versions": versions()}
    return write_atomically(out / SUMMARY, lambda file: file.write(json.dumps(summary, indent=1).encode()))
