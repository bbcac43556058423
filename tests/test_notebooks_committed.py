"""Notebooks are committed as readers should see them: one clean top-to-bottom run, python3 kernel.
The chapters (NN_*.ipynb) are exactly the five, in order; every other notebook is an appendix ([A-Z]_*.ipynb)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
EXPECTED = ["01_sum_tree", "02_prioritized_replay", "03_double_dqn", "04_cartpole_training", "05_cartpole_verdicts"]
CHAPTERS = [path for path in NOTEBOOKS if path.name[:2].isdigit()]  # the learner's path, NN_*.ipynb
APPENDICES = [path for path in NOTEBOOKS if path.name[0].isupper() and path.name[1] == "_"]  # the shelf, [A-Z]_*.ipynb


def test_the_series_is_complete_and_in_order() -> None:
    assert [path.stem for path in CHAPTERS] == EXPECTED


def test_every_other_notebook_is_an_appendix() -> None:
    assert sorted(CHAPTERS + APPENDICES) == NOTEBOOKS, [p.name for p in NOTEBOOKS if p not in CHAPTERS + APPENDICES]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_has_python3_kernelspec(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    nbformat.validate(notebook)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_outputs_come_from_one_clean_run(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code" and cell.source.strip()]
    counts = [cell.execution_count for cell in code]
    assert None not in counts, f"{path.name}: some code cells were never run"
    assert counts == list(range(1, len(code) + 1)), f"{path.name}: not one top-to-bottom run: {counts}"
    errors = [cell.source[:60] for cell in code if any(out.output_type == "error" for out in cell.outputs)]
    assert not errors, f"{path.name}: committed with errors in {errors}"
