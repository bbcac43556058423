"""The command line `python -m prdqn_helpers` (prdqn_helpers.cli, .checkpoints): flags from TrainConfig's
types; one line with status 2 and nothing written for a bad argument, an --out that cannot be written or already
holds a run, an environment without flat vector observations; Ctrl-C (130) and SIGTERM (143) in set-up or training
still write the run; a diverged run writes it and says so in one line (1); --full-budget keeps the solved weights."""

from __future__ import annotations

import errno
import functools
import json
import os
import signal
import subprocess
import sys
import time
from types import SimpleNamespace

import pytest
import torch

import prdqn_helpers.train as train_module
from prdqn_helpers.checkpoints import load_checkpoint
from prdqn_helpers.cli import PROG, StopOnSigterm, check_out, main, parse
from prdqn_helpers.train import TrainConfig, TrainHistory, train

TINY = ["--hidden-sizes", "16", "--total-env-steps", "600", "--warmup-steps", "100", "--batch-size", "16",
        "--buffer-size", "1000", "--eval-every", "200", "--eval-episodes", "3", "--final-eval-episodes", "4"]


def test_defaults_are_train_config_defaults() -> None:
    args = parse(["--seed", "7", "--out", "somewhere"])
    assert args.config == TrainConfig() and args.seed == 7 and args.replay == "prioritized" and args.progress


@pytest.mark.parametrize("flags, expected", [
    (["--double", "False"], {"double": False}),
    (["--hidden-sizes", "64", "64"], {"hidden_sizes": (64, 64)}),
    (["--hidden-sizes", "32"], {"hidden_sizes": (32,)}),
    (["--grad-clip-norm", "None"], {"grad_clip_norm": None}),
    (["--target-sync-every", "100"], {"target_sync_every": 100}),
    (["--full-budget", "True"], {"full_budget": True}),
    (["--n-step", "3", "--reward-scale", "0.5"], {"n_step": 3, "reward_scale": 0.5}),
    (["--lr", "1e-3", "--total-env-steps", "2000", "--env-id", "Acrobot-v1"],
     {"lr": 1e-3, "total_env_steps": 2000, "env_id": "Acrobot-v1"}),
])
def test_every_config_field_is_a_flag_of_its_type(flags: list[str], expected: dict) -> None:
    config = parse(["--seed", "0", "--out", "x", *flags]).config
    assert {name: getattr(config, name) for name in expected} == expected
    assert all(type(getattr(config, name)) is type(value) for name, value in expected.items())


def test_replay_and_progress_flags() -> None:
    args = parse(["--seed", "1", "--out", "x", "--replay", "uniform", "--no-progress"])
    assert args.replay == "uniform" and not args.progress


def test_overwrite_is_a_flag_like_progress() -> None:
    assert not parse(["--seed", "1", "--out", "x"]).overwrite
    assert parse(["--seed", "1", "--out", "x", "--overwrite"]).overwrite


@pytest.mark.parametrize("flags, named", [
    (["--seed", "one", "--out", "OUT"], "--seed"),
    (["--seed", "-3", "--out", "OUT"], "--seed"),
    (["--seed", "1180591620717411303424", "--out", "OUT"], "1180591620717411303424"),
    (["--seed", "0"], "--out"),
    (["--seed", "0", "--out", "OUT", "--replay", "ranked"], "--replay"),
    (["--seed", "0", "--out", "OUT", "--double", "maybe"], "--double"),
    (["--seed", "0", "--out", "OUT", "--lr", "fast"], "--lr"),
    (["--seed", "0", "--out", "OUT", "--lr", "-1"], "--lr"),
    (["--seed", "0", "--out", "OUT", "--gamma", "1.5"], "--gamma"),
    (["--seed", "0", "--out", "OUT", "--alpha", "1.5"], "--alpha"),
    (["--seed", "0", "--out", "OUT", "--full-budget", "yes"], "--full-budget"),
    (["--seed", "0", "--out", "OUT", "--hidden-sizes", "64", "x"], "--hidden-sizes"),
    (["--seed", "0", "--out", "OUT", "--batch-size", "100000"], "--batch-size"),
    (["--seed", "0", "--out", "OUT", "--eval-every", "0"], "--eval-every"),
    (["--seed", "0", "--out", "OUT", "--fixed-epsilon", "0.5"], "--fixed-epsilon"),   # the original's: not a flag
    (["--seed", "0", "--out", "OUT", "--n-step", "0"], "--n-step"),
    (["--seed", "0", "--out", "OUT", "--learning-rate", "1"], "--learning-rate"),
    (["--seed", "0", "--out", "OUT", "--set", "lr=1"], "--set"),
    (["--seed", "0", "--out", "OUT", "--env-id", "NoSuchEnv-v0"], "NoSuchEnv-v0"),
    (["--seed", "0", "--out", "OUT", "--env-id", "Pendulum-v1"], "Pendulum-v1"),
])
def test_bad_argument_one_line_status_2_nothing_written(flags, named, tmp_path, capsys) -> None:
    out = tmp_path / "run"
    argv = [str(out) if arg == "OUT" else arg for arg in flags]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and named in err and "error" in err, err
    assert not out.exists()


def test_output_path_that_is_a_file_is_rejected(tmp_path, capsys) -> None:
    target = tmp_path / "file.txt"
    target.write_text("x")
    assert main(["--seed", "0", "--out", str(target)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "--out" in err and target.read_text() == "x"


def refuse_to_train(*args, **kwargs):
    raise AssertionError("train() ran although the command line should have been refused first")


def one_error_line(err: str, *named: str) -> bool:
    """`err` is one line, an error, naming each of `named`."""
    return len(err.strip().splitlines()) == 1 and err.startswith(f"{PROG}: error: ") and all(n in err for n in named)


@pytest.mark.parametrize("env_id, space", [("FrozenLake-v1", "Discrete(16)"), ("Blackjack-v1", "Tuple(")])
def test_env_without_flat_vector_observations_is_refused(env_id, space, tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setattr("prdqn_helpers.cli.train", refuse_to_train)
    assert main(["--seed", "0", "--out", str(tmp_path / "run"), "--env-id", env_id]) == 2
    assert one_error_line(capsys.readouterr().err, "--env-id", env_id, "observations", space)
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("where", ["below a file", "name too long", "read-only disk"])
def test_out_that_cannot_be_written_is_refused_before_training(where, tmp_path, monkeypatch, capsys) -> None:
    (tmp_path / "file.txt").write_text("x")
    out = {"below a file": tmp_path / "file.txt" / "run", "name too long": tmp_path / ("n" * 300) / "run",
           "read-only disk": tmp_path / "new" / "run"}[where]
    if where == "read-only disk":  # as root (or on a real read-only mount) chmod cannot show it: fail the probe
        def read_only(*args, **kwargs):
            raise OSError(errno.EROFS, "Read-only file system")
        monkeypatch.setattr("prdqn_helpers.cli.tempfile.NamedTemporaryFile", read_only)
    monkeypatch.setattr("prdqn_helpers.cli.train", refuse_to_train)
    assert main(["--seed", "0", "--out", str(out)]) == 2
    assert one_error_line(capsys.readouterr().err, "--out", "cannot write")
    assert sorted(os.listdir(tmp_path)) == ["file.txt"]  # the probe removed what it made


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only directory")
def test_read_only_out_is_refused_before_training(tmp_path, monkeypatch, capsys) -> None:
    tmp_path.chmod(0o555)
    monkeypatch.setattr("prdqn_helpers.cli.train", refuse_to_train)
    try:
        assert main(["--seed", "0", "--out", str(tmp_path / "run")]) == 2
        assert main(["--seed", "0", "--out", str(tmp_path)]) == 2
    finally:
        tmp_path.chmod(0o755)
    lines = capsys.readouterr().err.strip().splitlines()                  # one line for each of the two runs
    assert len(lines) == 2 and all("--out" in line and "Permission denied" in line for line in lines)
    assert os.listdir(tmp_path) == []


def test_writable_out_is_probed_without_a_trace(tmp_path) -> None:
    check_out(tmp_path / "a" / "b" / "run", overwrite=False)
    check_out(tmp_path, overwrite=False)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("held", ["summary.json", "checkpoint.pt", "checkpoint_solved.pt"])
def test_out_holding_a_run_is_refused_without_overwrite(held, tmp_path, monkeypatch, capsys) -> None:
    (tmp_path / held).write_text("the first run")
    monkeypatch.setattr("prdqn_helpers.cli.train", refuse_to_train)
    assert main(["--seed", "0", "--out", str(tmp_path)]) == 2
    assert one_error_line(capsys.readouterr().err, "--out", held, "--overwrite")
    assert os.listdir(tmp_path) == [held] and (tmp_path / held).read_text() == "the first run"


def test_a_write_failing_after_training_is_one_line_status_1(tmp_path, monkeypatch, capsys) -> None:
    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    history = TrainHistory(seed=0, replay="prioritized")
    monkeypatch.setattr("prdqn_helpers.cli.train",
                        lambda *args, **kwargs: SimpleNamespace(history=history, agent=None, solved_state=None))
    monkeypatch.setattr("prdqn_helpers.cli.write_run", full_disk)
    assert main(["--seed", "0", "--out", str(tmp_path / "run")]) == 1
    assert one_error_line(capsys.readouterr().err, "--out", "No space left on device")


def test_sigterm_handler_is_put_back_and_an_ignored_sigterm_stays_ignored() -> None:
    before = signal.getsignal(signal.SIGTERM)
    with StopOnSigterm():
        assert signal.getsignal(signal.SIGTERM) not in (before, signal.SIG_IGN)
    assert signal.getsignal(signal.SIGTERM) == before
    signal.signal(signal.SIGTERM, signal.SIG_IGN)       # as `nohup`-like launchers may start a process
    try:
        with StopOnSigterm():
            assert signal.getsignal(signal.SIGTERM) == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGTERM, before)


def test_ctrl_c_before_training_writes_nothing(tmp_path, monkeypatch, capsys) -> None:
    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("prdqn_helpers.cli.gym.make", interrupt)        # while the environment is checked
    assert main(["--seed", "0", "--out", str(tmp_path / "run")]) == 130
    assert not (tmp_path / "run").exists() and len(capsys.readouterr().err.strip().splitlines()) == 1


@pytest.mark.slow
def test_run_writes_summary_and_checkpoint_with_typed_flags(tmp_path) -> None:
    out = tmp_path / "run"
    assert main(["--seed", "0", "--replay", "uniform", "--out", str(out), "--no-progress", "--double", "False",
                 "--grad-clip-norm", "None", *TINY]) == 0
    summary = json.loads((out / "summary.json").read_text())
    for key in ("solved", "env_steps_to_solve", "final_eval_mean", "final_eval_episodes", "wall_seconds", "seed",
                "replay", "config"):
        assert key in summary
    assert summary["seed"] == 0 and summary["replay"] == "uniform" and summary["final_eval_episodes"] == 4
    assert summary["config"]["double"] is False and summary["config"]["grad_clip_norm"] is None
    assert "torch" in summary["versions"] and "prdqn_helpers" in summary["versions"]
    agent, config = load_checkpoint(out / "checkpoint.pt")
    assert config.double is False and agent.config.hidden_sizes == (16,) and config.total_env_steps == 600


@pytest.mark.slow
@pytest.mark.parametrize("where", ["set-up", "training"])
def test_ctrl_c_in_set_up_or_training_writes_what_it_has(where, tmp_path, monkeypatch, capsys) -> None:
    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    if where == "set-up":                               # the buffer: the last step of set-up
        monkeypatch.setattr("prdqn_helpers.cli.train", functools.partial(train, buffer_factory=interrupt))
    else:                                                # the first evaluation, scripted
        monkeypatch.setattr(train_module, "evaluate", interrupt)
    out = tmp_path / "run"
    assert main(["--seed", "0", "--out", str(out), "--no-progress", *TINY]) == 130
    summary = json.loads((out / "summary.json").read_text())
    assert summary["interrupted"] is True and summary["solved"] is False and summary["stop_reason"] == "interrupted"
    assert summary["env_steps"] == (0 if where == "set-up" else 200) and (out / "checkpoint.pt").exists()
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.strip().splitlines()[-1].startswith("interrupted")


@pytest.mark.slow
def test_module_runs_as_a_script(tmp_path) -> None:
    done = subprocess.run([sys.executable, "-m", "prdqn_helpers", "--seed", "1", "--out", str(tmp_path / "a"),
                           *TINY], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "a" / "summary.json").read_text())["seed"] == 1
    assert "step" in done.stderr                                            # the progress bar, on stderr


def signal_during_training(out, signum: int) -> tuple[int, str]:
    """Start a real run into `out` with `signum`'s default handler, send it `signum` once the loop runs (the progress
    bar's postfix shows), and return its exit status and stderr."""
    process = subprocess.Popen([sys.executable, "-m", "prdqn_helpers", "--seed", "0", "--out", str(out)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               preexec_fn=lambda: signal.signal(signum, signal.SIG_DFL))
    seen, deadline = b"", time.monotonic() + 120
    while b"eps" not in seen and time.monotonic() < deadline and process.poll() is None:
        seen += os.read(process.stderr.fileno(), 4096)        # the bar's postfix appears inside the loop
    process.send_signal(signum)
    _, rest = process.communicate(timeout=120)
    return process.returncode, (seen + rest).decode(errors="replace")


@pytest.mark.slow
def test_a_real_ctrl_c_during_training_still_writes_the_files(tmp_path) -> None:
    # A shell's background job starts with SIGINT ignored, and Python then never raises KeyboardInterrupt:
    # give the child the default handler, as a terminal's Ctrl-C would find it.
    status, err = signal_during_training(tmp_path, signal.SIGINT)
    assert status == 130 and "Traceback" not in err, err[-2000:]
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["interrupted"] is True and 0 < summary["env_steps"] < 50_000
    assert (tmp_path / "checkpoint.pt").exists()


@pytest.mark.slow
def test_overwrite_replaces_the_run_and_the_checkpoints_it_does_not_write(tmp_path) -> None:
    for name in ("summary.json", "checkpoint_solved.pt"):
        (tmp_path / name).write_text("the first run")
    assert main(["--seed", "0", "--out", str(tmp_path), "--no-progress", "--overwrite", *TINY]) == 0
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["seed"] == 0 and summary["checkpoints"] == {"last": "checkpoint.pt", "solved": None}
    assert sorted(os.listdir(tmp_path)) == ["checkpoint.pt", "summary.json"]


@pytest.mark.slow
def test_sigterm_in_training_writes_what_it_has_status_143(tmp_path, monkeypatch, capsys) -> None:
    def terminate(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)                                   # the handler's KeyboardInterrupt cuts this short
        raise AssertionError("SIGTERM did not stop the run")

    before = signal.getsignal(signal.SIGTERM)
    monkeypatch.setattr(train_module, "evaluate", terminate)
    out = tmp_path / "run"
    assert main(["--seed", "0", "--out", str(out), "--no-progress", *TINY]) == 143
    summary = json.loads((out / "summary.json").read_text())
    assert summary["interrupted"] is True and summary["stop_reason"] == "interrupted" and summary["env_steps"] == 200
    assert (out / "checkpoint.pt").exists() and signal.getsignal(signal.SIGTERM) == before
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.strip().splitlines()[-1].startswith("interrupted (SIGTERM)")


@pytest.mark.slow
def test_a_real_sigterm_during_training_still_writes_the_files(tmp_path) -> None:
    # What `timeout`, a scheduler or a closing terminal sends; the child starts with the default disposition.
    status, err = signal_during_training(tmp_path, signal.SIGTERM)
    assert status == 143 and "Traceback" not in err, err[-2000:]
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["interrupted"] is True and summary["stop_reason"] == "interrupted"
    assert 0 < summary["env_steps"] < 50_000 and load_checkpoint(tmp_path / "checkpoint.pt")


@pytest.mark.slow
def test_a_diverged_run_stops_with_one_line_status_1_and_writes_why(tmp_path, capsys) -> None:
    out = tmp_path / "run"
    assert main(["--seed", "0", "--out", str(out), "--no-progress", "--lr", "1e30", *TINY]) == 1
    err = capsys.readouterr().err
    summary = json.loads((out / "summary.json").read_text())
    assert summary["stop_reason"].startswith("diverged") and not summary["solved"] and summary["env_steps"] < 600
    assert one_error_line(err, summary["stop_reason"], "written to", str(out))
    if summary["checkpoints"]["last"] is None:          # train() returns the weights the non-finite update made
        assert "no checkpoint" in err and not (out / "checkpoint.pt").exists()
    else:                                               # a checkpoint, when written, holds finite weights
        assert "summary and checkpoint" in err
        assert all(torch.isfinite(p).all() for p in load_checkpoint(out / "checkpoint.pt")[0].online_net.parameters())


@pytest.mark.slow
@pytest.mark.parametrize("full_budget", [False, True])
def test_the_solved_weights_are_kept_beside_the_last_ones(full_budget, tmp_path) -> None:
    out = tmp_path / "run"                              # threshold 1: the first evaluation (step 200) solves
    assert main(["--seed", "0", "--out", str(out), "--no-progress", "--solve-threshold", "1",
                 "--full-budget", str(full_budget), *TINY]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["solved"] and summary["env_steps_to_solve"] == 200
    last, _ = load_checkpoint(out / "checkpoint.pt")
    if full_budget:                                     # trained on: the solved weights are a copy taken at 200
        assert summary["checkpoints"] == {"last": "checkpoint.pt", "solved": "checkpoint_solved.pt"}
        assert summary["stop_reason"] == "budget spent" and summary["env_steps"] == 600
        assert load_checkpoint(out / "checkpoint_solved.pt")[0].gradient_steps < last.gradient_steps
    else:                                               # stopped at the solve: the last weights are the solved ones
        assert summary["checkpoints"] == {"last": "checkpoint.pt", "solved": "checkpoint.pt"}
        assert summary["stop_reason"] == "solved" and summary["env_steps"] == 200
        assert not (out / "checkpoint_solved.pt").exists()


@pytest.mark.slow
def test_the_train_module_run_as_a_script_points_to_the_command_line(tmp_path) -> None:
    done = subprocess.run([sys.executable, "-m", "prdqn_helpers.train", "--seed", "1", "--out", str(tmp_path / "a")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "python -m prdqn_helpers" in done.stderr and not (tmp_path / "a").exists()
