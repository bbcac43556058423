"""Helpers for the Prioritized-Replay Double DQN series.

Most modules here are generated from the notebooks in ``notebooks/`` by
``python tools/export_notebooks.py``; edit the notebooks, not the generated files.
"""

__version__ = "0.1.0"
