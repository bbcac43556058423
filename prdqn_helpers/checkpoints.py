"""A run's files: checkpoints, JSON summary, versions (hand-written; notebook 04 uses them, teaches none). Every file
is written atomically: a reader, a crash or a full disk sees the old file or the new one, never a part of one."""

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
    """Versions of Python, this package and the libraries that determine the results."""
    found = {"python": platform.python_version()}
    for dist in ("prdqn-helpers", "torch", "gymnasium", "numpy"):
        try:
            found[dist.replace("-", "_")] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            found[dist.replace("-", "_")] = "unknown"
    return found


def write_atomically(path: str | Path, write: Callable[[BinaryIO], None]) -> Path:
    """Write `path` whole or not at all: `write(file)` fills a new temporary file beside `path`, which is flushed,
    fsynced and renamed over `path` (`os.replace`, atomic within one file system). On any failure, Ctrl-C included,
    the temporary file is removed, `path` keeps what it held and the error propagates."""
    path = Path(path)
    temp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")  # hidden; same directory, same file system
    try:
        # O_EXCL: never write into someone else's file; mode 0o666 less the umask, as open() would give
        with os.fdopen(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), "wb") as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())  # the data is on disk before the name points at it
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_directory(path.parent)
    return path


def _fsync_directory(directory: Path) -> None:
    """Make a rename in `directory` durable (POSIX); some file systems refuse, and the rename itself is done."""
    if os.name == "posix":
        with contextlib.suppress(OSError):
            fd = os.open(directory, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def save_agent_state(path: str | Path, state: dict[str, Any], config: TrainConfig) -> Path:
    """Write an agent's `state_dict()` (as `DQNAgent.state_dict` gives it) and the config to `path`, atomically;
    `load_checkpoint` reads it back."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    record = {"agent": state, "train_config": asdict(config)}
    return write_atomically(path, lambda file: torch.save(record, file))


def save_checkpoint(path: str | Path, agent: DQNAgent, config: TrainConfig) -> Path:
    """Write the agent's `state_dict()` (both networks, optimizer, step count) and the config to `path`, atomically."""
    return save_agent_state(path, agent.state_dict(), config)


def config_from(saved: dict[str, Any], path: str | Path) -> TrainConfig:
    """The `TrainConfig` of a saved `asdict(config)`. A setting this package no longer has is dropped if it was
    off (None or False: the original notebook's switches, which moved to results/original_choices.py, were saved
    so until then); ValueError naming any other (the checkpoint was trained with something it cannot rebuild)."""
    known = {field.name for field in fields(TrainConfig)}
    foreign = {name: value for name, value in saved.items() if name not in known and value not in (None, False)}
    if foreign:
        raise ValueError(f"{str(path)!r} was trained with settings this package does not have: {foreign}")
    return TrainConfig(**{name: value for name, value in saved.items() if name in known})


def load_checkpoint(path: str | Path) -> tuple[DQNAgent, TrainConfig]:
    """The agent and config of a `save_checkpoint` file (`weights_only`: no code runs); ValueError for other files."""
    try:
        state = torch.load(Path(path), weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, EOFError, KeyError) as error:  # not a torch.save file
        raise ValueError(f"{str(path)!r} is not a checkpoint written by save_checkpoint ({error})") from None
    if not isinstance(state, dict) or {"agent", "train_config"} - set(state):
        raise ValueError(f"{str(path)!r} is not a checkpoint written by save_checkpoint")
    config = config_from(state["train_config"], path)
    agent = DQNAgent(state["agent"]["obs_dim"], state["agent"]["n_actions"], config)
    agent.load_state_dict(state["agent"])
    return agent, config


def all_finite(state: dict[str, Any]) -> bool:
    """Whether every weight of both networks in an agent's `state_dict()` is finite (a diverged update's are not)."""
    return all(bool(torch.isfinite(w).all()) for net in ("online_net", "target_net") for w in state[net].values())


def checkpoint_files(history: TrainHistory, has_last: bool, config: TrainConfig,
                     solved_state: dict[str, Any] | None) -> dict[str, str | None]:
    """Which file of a run holds its last weights and which its confirmed-solved ones (None: no file does)."""
    last = LAST if has_last else None
    if not history.solved:
        solved = None
    elif config.full_budget:  # trained on past the solve: the solved weights are a copy taken then, if any
        solved = SOLVED if solved_state is not None else None
    else:  # the run stopped at its solve, so its last weights are the solved ones
        solved = last
    return {"last": last, "solved": solved}


def write_run(out: str | Path, history: TrainHistory, agent: DQNAgent | None, config: TrainConfig,
              solved_state: dict[str, Any] | None = None) -> Path:
    """Write a run into OUT, each file atomically: checkpoint.pt (the last weights, if there is an agent and they are
    finite), checkpoint_solved.pt (`solved_state`, the weights at the confirmed solve of a `full_budget` run), then
    OUT/summary.json (`summarize`, "checkpoints": which file holds which weights, `versions`). A checkpoint that an
    earlier run left in OUT and this run does not replace is removed, so the folder agrees with its summary."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    last_state = agent.state_dict() if agent is not None else None
    keep_last = last_state is not None and all_finite(last_state)  # NaN weights would load, and play nonsense
    files = checkpoint_files(history, keep_last, config, solved_state)
    if keep_last:
        save_agent_state(out / LAST, last_state, config)
    if files["solved"] == SOLVED:
        save_agent_state(out / SOLVED, solved_state, config)
    for stale in {LAST, SOLVED} - set(files.values()):
        (out / stale).unlink(missing_ok=True)
    summary = {**summarize(history, config), "checkpoints": files, "versions": versions()}
    return write_atomically(out / SUMMARY, lambda file: file.write(json.dumps(summary, indent=1).encode()))
