"""Sphinx configuration of the web book: the README and the committed notebooks, never executed.

Build it from the repository's root (the source folder is the root, this folder holds the configuration):

    .venv/bin/python -m sphinx -W --keep-going -c book -b html . _build/html

Pages: _build/html/README.html (the landing page; index.html sends the reader there) and
_build/html/notebooks/<notebook>.html, one per notebook.
"""

import sys
from pathlib import Path

BOOK = Path(__file__).resolve().parent
ROOT = BOOK.parent
sys.path.insert(0, str(BOOK / "_ext"))

project = "Prioritized-Replay Double DQN, from the ground up"
author = "the prdqn_helpers authors"
copyright = "the prdqn_helpers authors"

extensions = [
    "myst_nb",                 # notebooks (and README.md) through MyST
    "sphinx-mathjax-offline",  # MathJax served from _static/, not from a CDN
    "prdqn_book",              # book/_ext/prdqn_book.py: navigation, notebook markers, hidden sources
]

# The source folder is the repository: read README.md and the notebooks, nothing else. Sphinx prunes
# folders only by exclude_patterns, so every other top-level entry is excluded by name (.venv, runs, ...).
root_doc = "README"
include_patterns = ["README.md", "notebooks/*.ipynb"]
exclude_patterns = sorted(
    {p.name for p in ROOT.iterdir() if p.name not in ("README.md", "notebooks")}
    | {"_build", "**/.ipynb_checkpoints"}
)

# The committed outputs are the book: never run a notebook.
nb_execution_mode = "off"
myst_enable_extensions = ["dollarmath"]
myst_heading_anchors = 3
# Math is typeset by the MathJax 3 that sphinx-mathjax-offline copies into _static/mathjax.
# textmacros: `\_` inside `\text{}` is an underscore, as in JupyterLab (which loads every TeX package).
mathjax_path = "mathjax/tex-chtml.js"
mathjax3_config = {
    "loader": {"load": ["[tex]/textmacros"]},
    "tex": {"packages": {"[+]": ["textmacros"]}},
}

html_theme = "sphinx_book_theme"
html_title = "Prioritized-Replay Double DQN"
# The figures are drawn on white; the reader can still switch. (Unset, the theme logs a console error.)
html_context = {"default_mode": "light"}
html_theme_options = {
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "use_repository_button": False,
}
templates_path = ["_templates"]
html_static_path = ["_static"]
html_css_files = ["book.css"]
html_additional_pages = {"index": "redirect.html"}  # index.html -> README.html
html_copy_source = False
html_show_sourcelink = False
