"""Write every ``#| export`` cell of ``notebooks/*.ipynb`` into ``prdqn_helpers/``.

The notebooks are the single source of truth. Run this after editing an exported cell::

    .venv/bin/python tools/export_notebooks.py

``tests/test_export_sync.py`` runs the same export into a temporary copy of the
repository and fails when the committed package differs from it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from nbdev.export import nb_export
from nbdev.maker import ModuleMaker

ROOT = Path(__file__).resolve().parent.parent


class WholeModuleMaker(ModuleMaker):
    """Write every module whole. nbdev merges cells into an existing file for a module other than
    the notebook's ``default_exp`` (notebook 02 also exports ``schedules``); here each module comes
    from exactly one notebook, so it is regenerated from scratch like the default one."""

    def __init__(self, *args, is_new: bool = True, **kwargs) -> None:
        super().__init__(*args, is_new=True, **kwargs)


def export_notebooks(root: Path = ROOT, names: list[str] | None = None) -> list[Path]:
    """Export ``root/notebooks/*.ipynb`` (or only ``names``) into ``root/prdqn_helpers``; return the notebooks read."""
    notebooks = sorted((root / "notebooks").glob("*.ipynb"))
    if names:
        unknown = set(names) - {nb.name for nb in notebooks} - {nb.stem for nb in notebooks}
        if unknown:
            raise SystemExit(f"no such notebook in {root / 'notebooks'}: {', '.join(sorted(unknown))}")
        notebooks = [nb for nb in notebooks if nb.name in names or nb.stem in names]
    for notebook in notebooks:
        nb_export(str(notebook), lib_path=str(root / "prdqn_helpers"), mod_maker=WholeModuleMaker)
    return notebooks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="repository root (default: this checkout)")
    parser.add_argument("names", nargs="*", help="notebooks to export, e.g. 01_sum_tree (default: all)")
    args = parser.parse_args()
    for notebook in export_notebooks(args.root, args.names):
        print(f"exported {notebook.relative_to(args.root)}")


if __name__ == "__main__":
    main()
