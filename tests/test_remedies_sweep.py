"""results/make_remedies_sweep.py: the selection rule and stage 2's candidates, on made-up runs (no training); then
the committed sweep files: the rule still picks today's defaults, and the numbers notebooks 03 and 04 quote."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

from prdqn_helpers.train import TrainConfig

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "results"))
import make_remedies_sweep as sweep  # noqa: E402  (results/ is a folder of scripts, not a package)
from run_cache import reference_config  # noqa: E402


def fake_runs(label: str, steps: list[int | None], post: list[float | None], finals: list[float],
              replay: str = "prioritized") -> list[dict]:
    return [{"label": label, "replay": replay, "solved": s is not None, "env_steps_to_solve": s,
             "post_solve_eval_fraction": p, "final_eval_mean": f, "config": {"total_env_steps": 50_000}}
            for s, p, f in zip(steps, post, finals)]


def test_summary_counts_unsolved_runs_as_the_budget_and_zero() -> None:
    row = sweep.summary(fake_runs("x", [5_000, None, 7_000], [0.9, None, 0.5], [500, 9, 480]))
    assert row == {"solved": 2, "runs": 3, "median_steps": 7_000.0, "median_post_solve": 0.5, "finals_at_475": 2}


def test_pick_needs_every_run_solved_fast_enough_then_prefers_staying_solved() -> None:
    table = {"slow but stable": sweep.summary(fake_runs("a", [20_000] * 5, [1.0] * 5, [500] * 5)),
             "one unsolved": sweep.summary(fake_runs("b", [5_000] * 4 + [None], [1.0] * 4 + [None], [500] * 5)),
             "fast": sweep.summary(fake_runs("c", [6_000] * 5, [0.5] * 5, [500] * 5)),
             "fast and stable": sweep.summary(fake_runs("d", [9_000] * 5, [0.9] * 5, [100] * 5)),
             "as stable, more finals": sweep.summary(fake_runs("e", [11_000] * 5, [0.9] * 5, [500] * 5))}
    assert sweep.pick(table) == "as stable, more finals"
    assert sweep.pick({"slow but stable": table["slow but stable"]}) is None


def test_stage_2_combines_the_pick_with_the_changes_that_helped_and_never_overrides_its_settings() -> None:
    medians = {"none": 0.3, "Adam betas (0.9, 0.9)": 0.4, "Adam eps 3e-4": 0.32, "LayerNorm": 0.5,
               "reward x 0.1": 0.2, "3-step returns": 0.7, "5-step returns": 0.8, "8-step returns": 0.6,
               "squared loss": 0.6, "squared loss + 3-step": 0.85, "squared loss + 5-step": 0.9,
               "squared loss + 8-step": 0.7}
    runs = [run for label, m in medians.items() for run in fake_runs(label, [8_000] * 5, [m] * 5, [500] * 5)]
    grid = sweep.stage_2(runs, "prioritized")
    best = "squared loss + 5-step"
    assert set(grid) == {f"{best} + LayerNorm", f"{best} + Adam betas (0.9, 0.9)", f"{best} + all that helped"}
    assert grid[f"{best} + all that helped"] == {"huber_delta": None, "n_step": 5, "layer_norm": True,
                                                  "adam_betas": (0.9, 0.9)}
    assert sweep.stage_2(runs, "uniform") == {}                    # no uniform runs: no pick, nothing to combine


def test_the_defaults_are_the_committed_sweeps_pick_for_prioritized_replay() -> None:
    """TrainConfig() is the remedies sweep's base with the change the rule picks from the committed stage 2 file,
    and the rule, re-applied to that file's runs, still picks it (for both replay kinds)."""
    record = json.loads(sweep.OUTPUT_2.read_text())
    runs = json.loads(sweep.OUTPUT.read_text())["runs"] + record["runs"]
    tables = sweep.tables_of(runs)
    picks = {replay: sweep.pick(tables[replay]) for replay in sweep.REPLAYS}
    assert picks == record["picks"]
    grid = {**sweep.STAGE_1, **{label: change for grid in record["grids"].values() for label, change in grid.items()}}
    chosen = reference_config(**{**sweep.BASE, **grid[picks["prioritized"]]})
    assert dataclasses.replace(chosen, full_budget=False) == TrainConfig()


def test_the_numbers_notebooks_03_and_04_quote() -> None:
    """Notebook 03 (section 3.3) and 04 (section 4) quote these medians over the five tuning seeds, prioritized
    replay: post-solve fraction with Huber's loss and one-step returns, the squared loss, 8-step returns, both;
    and the median first confirmed pass without and with both."""
    table = sweep.tables_of(json.loads(sweep.OUTPUT.read_text())["runs"])["prioritized"]
    post = {label: round(table[label]["median_post_solve"], 2)
            for label in ("none", "squared loss", "8-step returns", "squared loss + 8-step")}
    assert post == {"none": 0.36, "squared loss": 0.69, "8-step returns": 0.85, "squared loss + 8-step": 0.94}
    assert (table["none"]["median_steps"], table["squared loss + 8-step"]["median_steps"]) == (9_000, 6_500)
