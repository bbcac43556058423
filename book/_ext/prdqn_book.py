"""The book's own Sphinx hooks (book/conf.py loads this as the extension ``prdqn_book``).

- Navigation: the landing page (README.md) gets two hidden tables of contents, "Chapters"
  (notebooks/0*_*.ipynb) and "Appendices" (notebooks/[A-Z]_*.ipynb, only once one exists), so a new
  notebook joins the book without editing anything.
- Notebook markers: nbdev's ``#| ...`` directives and nbval's ``# NBVAL_...`` comments at the top of a
  code cell are for the tools, not the reader: they are dropped from the displayed source (a cell left
  empty, like ``#| default_exp sum_tree``, is dropped whole). The notebooks themselves are not changed.
- A code cell whose source JupyterLab shows collapsed (``metadata.jupyter.source_hidden``, the
  exercises' solutions) is collapsed in the book too, behind a "Show code cell source" toggle.
"""

import re
from fnmatch import fnmatchcase

from docutils import nodes

CHAPTERS = "notebooks/[0-9]*_*"
APPENDICES = "notebooks/[A-Z]_*"
MARKER = re.compile(r"#\s*\|.*|#\s*NBVAL_[A-Z_]+\s*")


def _toctree(caption, docnames):
    entries = "\n".join(docnames)
    return f"\n\n```{{toctree}}\n:hidden:\n:caption: {caption}\n\n{entries}\n```\n"


def add_navigation(app, docname, source):
    if docname != app.config.root_doc:
        return
    docs = sorted(app.env.found_docs)
    for caption, pattern in (("Chapters", CHAPTERS), ("Appendices", APPENDICES)):
        matching = [d for d in docs if fnmatchcase(d, pattern)]
        if matching:
            source[0] += _toctree(caption, matching)


def reread_root(app, env, added, changed, removed):
    # The navigation depends on which notebooks exist: read the landing page again on every build.
    return [app.config.root_doc] if env.found_docs else []


def strip_marker_lines(text):
    """Drop the marker lines at the top of a cell's source, and blank lines right after them."""
    lines = text.split("\n")
    start = 0
    while start < len(lines) and MARKER.fullmatch(lines[start].strip()):
        start += 1
    if start:
        while start < len(lines) and not lines[start].strip():
            start += 1
    return "\n".join(lines[start:])


def clean_code_cells(app, doctree):
    for cell in list(doctree.findall(nodes.container)):
        if cell.get("nb_element") != "cell_code":
            continue
        for source in [c for c in cell.children if c.get("nb_element") == "cell_code_source"]:
            for block in list(source.findall(nodes.literal_block)):
                text = block.astext()
                cleaned = strip_marker_lines(text)
                if cleaned == text:
                    continue
                if cleaned.strip():
                    block.rawsource = cleaned
                    block.children = [nodes.Text(cleaned)]
                else:
                    block.parent.remove(block)
            if not list(source.findall(nodes.literal_block)):
                cell.remove(source)
        if not cell.children:
            cell.parent.remove(cell)
            continue
        metadata = cell.get("cell_metadata", {})
        hidden = metadata.get("jupyter", {}).get("source_hidden", False)
        if hidden and not cell.get("hide_mode"):
            cell["hide_mode"] = "input"
            cell["prompt_show"] = app.config.nb_code_prompt_show
            cell["prompt_hide"] = app.config.nb_code_prompt_hide


def setup(app):
    app.connect("source-read", add_navigation)
    app.connect("env-get-outdated", reread_root)
    app.connect("doctree-read", clean_code_cells)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
