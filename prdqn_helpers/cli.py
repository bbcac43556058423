"""The command line `python -m prdqn_helpers` (hand-written; appendix E, section 7): TrainConfig's fields as flags."""

import contextlib
import signal
import sys
import tempfile
import threading
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Annotated, Literal, Sequence

import gymnasium as gym
import tyro
from tyro import _errors as tyro_errors  # tyro's parse-error hook (tyro is pinned): one line per bad argument

from .checkpoints import LAST, RUN_FILES, SUMMARY, write_run
from .checks import check_int
from .seeding import MAX_SEED
from .train import TrainConfig, train

PROG = "python -m prdqn_helpers"


@dataclass(frozen=True)
class Args:
    """Train a Prioritized-Replay Double DQN agent; write OUT/summary.json and OUT/checkpoint.pt."""
    seed: int  # integer in [0, 2**64 - 1]; seeds everything
    out: Path  # output directory (written when the run ends; refused if it already holds a run)
    replay: Literal["prioritized", "uniform"] = "prioritized"
    progress: bool = True  # progress bar on stderr
    overwrite: bool = False  # replace the run already in OUT
    config: Annotated[TrainConfig, tyro.conf.OmitArgPrefixes, tyro.conf.FlagConversionOff] = TrainConfig()


def _reject(event: tyro_errors.ParseErrorEvent) -> None:
    """Raise one of tyro's parse errors as a ValueError, one line naming the argument."""
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
    """The command line as `Args`, every flag checked; ValueError naming the argument, and --env-id unless it makes an
    environment with discrete actions and flat vector observations (a 1-D Box). Touches no file (`check_out` does)."""
    with tyro_errors.on_parse_error(_reject):
        args = tyro.cli(Args, prog=PROG, args=argv)
    check_int("--seed", args.seed, 0, MAX_SEED)
    try:
        with gym.make(args.config.env_id) as env:
            actions, observations = env.action_space, env.observation_space
    except Exception as error:  # gymnasium raises several kinds for an id it cannot make
        raise ValueError(f"--env-id: cannot make {args.config.env_id!r} ({error!r})") from None
    if not (isinstance(actions, gym.spaces.Discrete) and isinstance(observations, gym.spaces.Box)
            and len(observations.shape) == 1):  # the network takes a vector: not FrozenLake's Discrete observations
        raise ValueError(f"--env-id: {args.config.env_id!r} must have discrete actions and flat vector observations "
                         f"(a 1-D Box), got {actions} and {observations}")
    return args


def check_out(out: Path, overwrite: bool) -> None:
    """ValueError naming --out unless `out` is, or can be made, a folder holding no run (or `overwrite`) that can be
    written: a probe file is made there, then it and any folders made for it are removed."""
    made: list[Path] = []
    try:
        if out.exists() and not out.is_dir():
            raise ValueError(f"--out: {str(out)!r} exists and is not a directory")
        if (held := [name for name in RUN_FILES if (out / name).exists()]) and not overwrite:
            raise ValueError(f"--out: {str(out)!r} already holds a run ({', '.join(held)}); pass --overwrite to "
                             f"replace it")
        made = [folder for folder in (out, *out.parents) if not folder.exists()]  # deepest first
        out.mkdir(parents=True, exist_ok=True)
        tempfile.NamedTemporaryFile(dir=out, prefix=".write-probe-").close()  # closing removes it
    except OSError as error:  # also from exists() on a name too long for the file system
        raise ValueError(f"--out: cannot write to {str(out)!r} ({error.strerror or error})") from None
    finally:
        for folder in made:
            with contextlib.suppress(OSError):  # not made after all, or no longer empty: leave it
                folder.rmdir()


class StopOnSigterm:
    """Inside `with`, SIGTERM stops a run as Ctrl-C does: the first raises KeyboardInterrupt while `raising` holds, any
    other is only noted in `received`. An ignored SIGTERM stays ignored; outside the main thread nothing changes."""
    received, raising, _previous = False, True, None

    def _handle(self, signum: int, frame: object) -> None:
        first, self.received = not self.received, True
        if first and self.raising:
            raise KeyboardInterrupt

    def __enter__(self) -> "StopOnSigterm":
        if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) != signal.SIG_IGN:
            self._previous = signal.signal(signal.SIGTERM, self._handle) or signal.SIG_DFL  # None: set outside Python
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGTERM, self._previous)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; exit status 0 done, 1 diverged or not written, 2 bad arguments, 130 Ctrl-C, 143 SIGTERM
    (128 + the signal's number, as a shell reports it). One line per fault; nothing is written before training."""
    with StopOnSigterm() as sigterm:
        try:
            args = parse(argv)
            check_out(args.out, args.overwrite)
        except ValueError as error:
            print(f"{PROG}: error: {error}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print(f"{PROG}: interrupted before training started; nothing written", file=sys.stderr)
            return 128 + (signal.SIGTERM if sigterm.received else signal.SIGINT)
        result = train(args.config, args.seed, args.replay, progress=args.progress)
        sigterm.raising = False  # a SIGTERM from here on is noted, not raised: the files still get written
        try:
            write_run(args.out, result.history, result.agent, args.config, result.solved_state)
        except OSError as error:  # a full disk, say: each file is whole or absent, but the run is not all there
            print(f"{PROG}: error: --out: could not write to {args.out} ({error.strerror or error})", file=sys.stderr)
            return 1
    history, checkpoint = result.history, (args.out / LAST).exists()  # as the summary says
    if history.stop_reason.startswith("diverged"):
        written = "summary and checkpoint" if checkpoint else "summary (no checkpoint: the weights are not finite)"
        print(f"{PROG}: error: {history.stop_reason}; {written} written to {args.out}", file=sys.stderr)
        return 1
    how = (" (SIGTERM)" if sigterm.received else " (Ctrl-C)") if history.interrupted else ""
    print(f"{history.stop_reason}{how}: solved={history.solved} env_steps_to_solve={history.env_steps_to_solve} "
          f"final_eval_mean={history.final_eval_mean} wall_seconds={history.wall_seconds:.1f} -> {args.out / SUMMARY}",
          file=sys.stderr)
    if sigterm.received:
        return 128 + signal.SIGTERM
    return 128 + signal.SIGINT if history.interrupted else 0
