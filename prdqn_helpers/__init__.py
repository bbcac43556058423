"""Helpers for the Prioritized-Replay Double DQN series. Most modules are generated from `notebooks/` by
`python tools/export_notebooks.py`: edit the notebooks, not the generated files."""
__version__ = "0.1.0"
