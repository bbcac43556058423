"""The command line `python -m prdqn_helpers.train` (hand-written; notebook 04, section 10): every TrainConfig field
a typed flag (tyro); a bad argument gets one line naming it, status 2, nothing written; Ctrl-C still writes (130)."""

import sys
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Annotated, Literal, Sequence

import gymnasium as gym
import tyro
from tyro import _errors as tyro_errors  # tyro's parse-error hook (tyro is pinned): one line per bad argument

from .checkpoints import write_run
from .checks import check_int
from .seeding import MAX_SEED
from .train import TrainConfig, train

PROG = "python -m prdqn_helpers.train"


@dataclass(frozen=True)
class Args:
    """Train a Prioritized-Replay Double DQN agent; write OUT/summary.json and OUT/checkpoint.pt."""

    seed: int  # integer in [0, 2**64 - 1]; seeds everything
    out: Path  # output directory (written when the run ends)
    replay: Literal["prioritized", "uniform"] = "prioritized"
    progress: bool = True  # progress bar on stderr
    config: Annotated[TrainConfig, tyro.conf.OmitArgPrefixes, tyro.conf.FlagConversionOff] = TrainConfig()


def _reject(event: tyro_errors.ParseErrorEvent) -> None:
    """Turn one of tyro's parse errors into a ValueError with one line that names the argument."""
    flag = "/".join(event.argument.lowered.name_or_flags) if getattr(event, "argument", None) else "arguments"
    if isinstance(event, tyro_errors.UnrecognizedArgs):
        raise ValueError(f"unrecognized arguments: {' '.join(event.tokens)}")
    if isinstance(event, tyro_errors.MissingArgs):
        raise ValueError("missing " + ", ".join("/".join(a.arg.lowered.name_or_flags) for a in event.missing_arguments))
    if isinstance(event, tyro_errors.InvalidChoice):
        raise ValueError(f"{flag} must be one of {', '.join(event.choices)}; got {event.value!r}")
    if isinstance(event, tyro_errors.InstantiationFailure):
        name = event.message.split(" ", 1)[0]  # TrainConfig's checks start with the field's name
        flag = "--" + name.replace("_", "-") if name in {f.name for f in fields(TrainConfig)} else flag
        raise ValueError(f"{flag}: {event.message}")
    raise ValueError(f"{flag}: bad value ({type(event).__name__})")


def parse(argv: Sequence[str] | None = None) -> Args:
    """The command line as `Args`, all checked before anything is written; else ValueError naming the argument."""
    with tyro_errors.on_parse_error(_reject):
        args = tyro.cli(Args, prog=PROG, args=argv)
    check_int("--seed", args.seed, 0, MAX_SEED)
    try:
        space = gym.make(args.config.env_id).action_space
    except Exception as error:  # gymnasium raises several kinds for an id it cannot make
        raise ValueError(f"--env-id: cannot make {args.config.env_id!r} ({type(error).__name__}: "
                         f"{(str(error).splitlines() or [''])[0]})") from None
    if not isinstance(space, gym.spaces.Discrete):
        raise ValueError(f"--env-id: {args.config.env_id!r} must have discrete actions, got {space}")
    if args.out.exists() and not args.out.is_dir():
        raise ValueError(f"--out: {str(args.out)!r} exists and is not a directory")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the status: 0 done, 2 bad arguments (nothing written), 130 Ctrl-C."""
    try:
        args = parse(argv)
    except ValueError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted before training started; nothing written", file=sys.stderr)
        return 130
    history, agent = train(args.config, args.seed, args.replay, progress=args.progress)
    summary = write_run(args.out, history, agent, args.config)
    status = "interrupted" if history.interrupted else "solved" if history.solved else "not solved"
    print(f"{status}: env_steps_to_solve={history.env_steps_to_solve} final_eval_mean={history.final_eval_mean} "
          f"wall_seconds={history.wall_seconds:.1f} -> {summary}", file=sys.stderr)
    return 130 if history.interrupted else 0
