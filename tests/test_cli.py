"""The command line `python -m prdqn_helpers.train` (prdqn_helpers.cli, .checkpoints): flags from TrainConfig's
types, one line per bad argument with status 2 and nothing written, and Ctrl-C in set-up or training."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

import prdqn_helpers.train as train_module
from prdqn_helpers.checkpoints import load_checkpoint
from prdqn_helpers.cli import main, parse
from prdqn_helpers.train import TrainConfig

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
    (["--fixed-epsilon", "0.5", "--priority-clip", "True"], {"fixed_epsilon": 0.5, "priority_clip": True}),
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
    (["--seed", "0", "--out", "OUT", "--fixed-epsilon", "2"], "--fixed-epsilon"),
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

    monkeypatch.setattr(train_module, "make_buffer" if where == "set-up" else "evaluate", interrupt)
    out = tmp_path / "run"
    assert main(["--seed", "0", "--out", str(out), "--no-progress", *TINY]) == 130
    summary = json.loads((out / "summary.json").read_text())
    assert summary["interrupted"] is True and summary["solved"] is False
    assert summary["env_steps"] == (0 if where == "set-up" else 200) and (out / "checkpoint.pt").exists()
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.strip().splitlines()[-1].startswith("interrupted")


@pytest.mark.slow
def test_module_runs_as_a_script(tmp_path) -> None:
    done = subprocess.run([sys.executable, "-m", "prdqn_helpers.train", "--seed", "1", "--out", str(tmp_path / "a"),
                           *TINY], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "a" / "summary.json").read_text())["seed"] == 1
    assert "step" in done.stderr                                            # the progress bar, on stderr


@pytest.mark.slow
def test_a_real_ctrl_c_during_training_still_writes_the_files(tmp_path) -> None:
    # A shell's background job starts with SIGINT ignored, and Python then never raises KeyboardInterrupt:
    # give the child the default handler, as a terminal's Ctrl-C would find it.
    process = subprocess.Popen([sys.executable, "-m", "prdqn_helpers.train", "--seed", "0", "--out", str(tmp_path)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    seen, deadline = b"", time.monotonic() + 120
    while b"eps" not in seen and time.monotonic() < deadline and process.poll() is None:
        seen += os.read(process.stderr.fileno(), 4096)        # the bar's postfix appears inside the loop
    process.send_signal(signal.SIGINT)
    _, rest = process.communicate(timeout=120)
    assert process.returncode == 130, (seen + rest).decode(errors="replace")[-2000:]
    assert b"Traceback" not in seen + rest
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["interrupted"] is True and 0 < summary["env_steps"] < 50_000
    assert (tmp_path / "checkpoint.pt").exists()
