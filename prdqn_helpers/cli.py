"""The command line `python -m prdqn_helpers` (hand-written; notebook 04, section 8): every TrainConfig field
a typed flag (tyro). Faults: a bad argument, an --out that cannot be written or already holds a run, or an
environment the agent cannot take gets one line naming it, status 2, before any training, nothing written. Ctrl-C
(130) and SIGTERM (143) stop the run and still write it; a diverged run writes it and says so in one line (1)."""

import contextlib
import signal
import sys
import tempfile
import threading
from dataclasses import dataclass, fields
from pathlib import Path
from types import FrameType
from typing import Annotated, Literal, Sequence

import gymnasium as gym
import tyro
from tyro import _errors as tyro_errors  # tyro's parse-error hook (tyro is pinned): one line per bad argument

from .checkpoints import LAST, RUN_FILES, SUMMARY, write_run
from .checks import check_int
from .seeding import MAX_SEED
from .train import TrainConfig, TrainHistory, train

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


def check_env(env_id: str) -> None:
    """ValueError naming --env-id unless `env_id` makes an environment with discrete actions and flat vector
    observations (a 1-D Box: the agent's network takes a vector; FrozenLake's Discrete or Blackjack's Tuple do not)."""
    try:
        env = gym.make(env_id)
    except Exception as error:  # gymnasium raises several kinds for an id it cannot make
        raise ValueError(f"--env-id: cannot make {env_id!r} ({type(error).__name__}: "
                         f"{(str(error).splitlines() or [''])[0]})") from None
    actions, observations = env.action_space, env.observation_space
    env.close()
    if not isinstance(actions, gym.spaces.Discrete):
        raise ValueError(f"--env-id: {env_id!r} must have discrete actions, got {actions}")
    if not (isinstance(observations, gym.spaces.Box) and len(observations.shape) == 1):
        raise ValueError(f"--env-id: {env_id!r} must have flat vector observations (a 1-D Box), got {observations}")


def parse(argv: Sequence[str] | None = None) -> Args:
    """The command line as `Args`, every flag and the environment checked; else ValueError naming the argument.
    Touches no file: `check_out` checks --out."""
    with tyro_errors.on_parse_error(_reject):
        args = tyro.cli(Args, prog=PROG, args=argv)
    check_int("--seed", args.seed, 0, MAX_SEED)
    check_env(args.config.env_id)
    return args


def check_out(out: Path, overwrite: bool) -> None:
    """ValueError naming --out unless `out` is (or can be made) a directory this process can write a file into, and
    holds no run unless `overwrite`. Writability is probed for real; what the probe made is removed."""
    try:
        if out.exists() and not out.is_dir():
            raise ValueError(f"--out: {str(out)!r} exists and is not a directory")
        held = [name for name in RUN_FILES if (out / name).exists()]
        if held and not overwrite:
            raise ValueError(f"--out: {str(out)!r} already holds a run ({', '.join(held)}); pass --overwrite to "
                             f"replace it")
        _probe_writable(out)
    except OSError as error:  # also from exists() on a name too long for the file system
        raise ValueError(f"--out: cannot write to {str(out)!r} ({error.strerror or error})") from None


def _probe_writable(out: Path) -> None:
    """Make `out` and a temporary file in it, then remove both (only the directories made here); OSError if the
    file cannot be made. So a refused run, or one stopped before training, leaves nothing behind."""
    made = [folder for folder in (out, *out.parents) if not folder.exists()]  # deepest first
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out, prefix=".write-probe-"):  # removed on leaving
            pass
    finally:
        for folder in made:
            with contextlib.suppress(OSError):  # not made after all, or no longer empty: leave it
                folder.rmdir()


class StopOnSigterm:
    """Inside its `with` block SIGTERM (from `timeout`, a scheduler, a closing terminal) stops the run as Ctrl-C does:
    the first one raises KeyboardInterrupt while `raising` holds, so `train` returns what it has; any other is only
    noted in `received` (the run is already stopping, or being written). The previous handler is restored on leaving.
    A process started with SIGTERM ignored keeps ignoring it (as Python does with SIGINT); outside the main thread,
    where no handler can be set, nothing changes."""

    def __init__(self) -> None:
        self.received = False  # a SIGTERM came
        self.raising = True  # the next first SIGTERM raises KeyboardInterrupt
        self._previous: object = None
        self._installed = False

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        first, self.received = not self.received, True
        if first and self.raising:
            raise KeyboardInterrupt

    def __enter__(self) -> "StopOnSigterm":
        if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) != signal.SIG_IGN:
            self._previous = signal.signal(signal.SIGTERM, self._handle)
            self._installed = True
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._installed:  # None: a handler set outside Python, which cannot be put back; the default is closest
            signal.signal(signal.SIGTERM, signal.SIG_DFL if self._previous is None else self._previous)


def _error(message: str, status: int) -> int:
    """Print `message` as the command's one error line; return `status`."""
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return status


def report(history: TrainHistory, out: Path, checkpoint: bool, sigterm: bool) -> int:
    """Print the run's one closing line and return its status: 0 solved or budget spent, 1 diverged, 130 Ctrl-C,
    143 SIGTERM (128 + the signal's number, as a shell reports a process the signal ended)."""
    if history.stop_reason.startswith("diverged"):
        written = "summary and checkpoint" if checkpoint else "summary (no checkpoint: the weights are not finite)"
        return _error(f"{history.stop_reason}; {written} written to {out}", 1)
    how = (" (SIGTERM)" if sigterm else " (Ctrl-C)") if history.interrupted else ""
    print(f"{history.stop_reason}{how}: solved={history.solved} env_steps_to_solve={history.env_steps_to_solve} "
          f"final_eval_mean={history.final_eval_mean} wall_seconds={history.wall_seconds:.1f} -> {out / SUMMARY}",
          file=sys.stderr)
    if sigterm:
        return 128 + signal.SIGTERM
    return 128 + signal.SIGINT if history.interrupted else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the status: 0 done, 1 diverged or the files could not be written, 2 bad
    arguments (nothing written), 130 Ctrl-C, 143 SIGTERM (the run so far is written)."""
    with StopOnSigterm() as sigterm:
        try:
            args = parse(argv)
            check_out(args.out, args.overwrite)
        except ValueError as error:
            return _error(str(error), 2)
        except KeyboardInterrupt:
            print(f"{PROG}: interrupted before training started; nothing written", file=sys.stderr)
            return 128 + (signal.SIGTERM if sigterm.received else signal.SIGINT)
        result = train(args.config, args.seed, args.replay, progress=args.progress)
        sigterm.raising = False  # a SIGTERM from here on is noted, not raised: the files still get written
        try:
            write_run(args.out, result.history, result.agent, args.config, result.solved_state)
        except OSError as error:  # a full disk, say: each file is whole or absent, but the run is not all there
            return _error(f"--out: could not write the run to {str(args.out)!r} ({error.strerror or error})", 1)
    return report(result.history, args.out, (args.out / LAST).exists(), sigterm.received)  # as the summary says
