"""The web book (book/): built from the committed notebooks without running them, as the README says, into a
temporary folder, served on localhost and opened page by page in headless Chromium (Debian's /usr/bin/chromium,
driven by Playwright). A page fails on a console or page error, a failed request, any request that leaves this
machine, an image that did not load, or math a reader cannot read: a math element MathJax did not typeset, a
MathJax error, a macro shown as text (`\\_` in `\\text{}`), `\\(`, `\\[`, `$$` or `$` left in the prose, a display
equation cut off on the left. Without Chromium the browser test is skipped, except on CI (CI=true), where it fails.
The other tests check the build itself: pages and parts, notebook markers gone, MathJax local, the GIF whole."""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
MARKERS = ("#| ", "#|export", "#|default_exp", "NBVAL_")
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
NOTEBOOKS = sorted(ROOT.glob("notebooks/*.ipynb"))


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The README's book command, with a temporary output folder."""
    out = tmp_path_factory.mktemp("book")
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-c", "book", "-b", "html",
               "-d", str(out / "doctrees"), ".", str(out / "html")]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, f"the book did not build cleanly:\n{run.stdout}\n{run.stderr}"
    return out / "html"


def _pages(html: Path) -> list[str]:
    return sorted(p.relative_to(html).as_posix() for p in html.rglob("*.html")
                  if not p.relative_to(html).as_posix().startswith("_static/"))


@pytest.mark.slow
def test_one_page_per_notebook_in_two_parts_with_the_readme_first(book: Path) -> None:
    pages = _pages(book)
    assert {f"notebooks/{nb.stem}.html" for nb in NOTEBOOKS} <= set(pages)
    assert "README.html" in pages and 'url=README.html' in (book / "index.html").read_text()
    readme = (book / "README.html").read_text()
    chapters = [nb for nb in NOTEBOOKS if nb.name[0].isdigit()]
    appendices = [nb for nb in NOTEBOOKS if nb.name[0].isupper()]
    # the sidebar: a part "Chapters" (notebooks/0*_*), then "Appendices" (notebooks/[A-Z]_*) once one exists
    assert ('caption-text">Appendices' in readme) == bool(appendices)
    chapters_at = readme.index('caption-text">Chapters')
    positions = [chapters_at] + [readme.index(f'href="notebooks/{nb.stem}.html"', chapters_at) for nb in chapters]
    if appendices:
        positions.append(readme.index('caption-text">Appendices'))
        positions += [readme.index(f'href="notebooks/{nb.stem}.html"', positions[-1]) for nb in appendices]
    assert positions == sorted(positions)
    # README's links to notebooks/*.ipynb lead to their pages
    assert "01_sum_tree.ipynb" not in readme and 'href="notebooks/01_sum_tree.html"' in readme


@pytest.mark.slow
def test_no_notebook_markers_and_no_remote_math(book: Path) -> None:
    from html.parser import HTMLParser

    class Pre(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.depth, self.text = 0, []

        def handle_starttag(self, tag: str, attrs: list) -> None:
            self.depth += tag == "pre"

        def handle_endtag(self, tag: str) -> None:
            self.depth -= tag == "pre"

        def handle_data(self, data: str) -> None:
            if self.depth:
                self.text.append(data)

    for nb in NOTEBOOKS:
        page = (book / "notebooks" / f"{nb.stem}.html").read_text()
        parser = Pre()
        parser.feed(page)
        code = "".join(parser.text)
        assert not [m for m in MARKERS if m in code], nb.name
        assert "cdn." not in page and "mathjax/tex-chtml.js" in page
    assert (book / "_static" / "mathjax" / "tex-chtml.js").is_file()


@pytest.mark.slow
def test_the_gif_is_copied_whole_and_animated(book: Path) -> None:
    from PIL import Image

    gif = ROOT / "notebooks" / "figures" / "cartpole_agent.gif"
    copied = book / "_images" / gif.name
    assert copied.read_bytes() == gif.read_bytes()
    with Image.open(copied) as image:
        assert image.n_frames > 1
    assert f'src="../_images/{gif.name}"' in (book / "notebooks" / "04_cartpole_training.html").read_text()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the browser dropping a connection as it closes (favicon.ico) is not the book's fault


@pytest.fixture(scope="module")
def served(book: Path):
    server = _Server(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=book))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _browser_or_skip():
    reason = None
    if not Path(CHROMIUM).is_file():
        reason = f"no Chromium at {CHROMIUM} (apt-get install -y chromium)"
    else:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError as error:
            reason = f"Playwright is not installed ({error}); pip install -r requirements.txt"
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the browser test: {reason}")
        pytest.skip(reason)
    return sync_playwright


# Runs in the page after MathJax finished: what a reader would see wrong.
_INSPECT = """async () => {
  const maths = [...document.querySelectorAll('span.math, div.math')];
  if (maths.length && !(window.MathJax && MathJax.startup && MathJax.startup.promise)) {
    return {problems: [`${maths.length} math elements but MathJax did not start`]};
  }
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
  const problems = [];
  const untypeset = maths.filter(m => !m.querySelector('mjx-container'));
  if (untypeset.length) problems.push(`untypeset math: ${untypeset.slice(0, 3).map(m => m.textContent.slice(0, 80))}`);
  const merrors = [...document.querySelectorAll('mjx-merror')];
  if (merrors.length) problems.push(`MathJax errors: ${merrors.map(e => e.getAttribute('data-mjx-error'))}`);
  if (window.MathJax && MathJax.startup && MathJax.startup.document && MathJax.startup.toMML) {
    for (const item of MathJax.startup.document.math) {
      const mml = MathJax.startup.toMML(item.root);
      if (/<mtext[^>]*>[^<]*\\\\/.test(mml)) problems.push(`a macro shown as text in: ${item.math.slice(0, 80)}`);
    }
  }
  for (const c of document.querySelectorAll('div.math mjx-container[display="true"]')) {
    const inner = c.querySelector('mjx-mtable') || c.querySelector('mjx-math');
    if (inner && inner.getBoundingClientRect().left < c.parentElement.getBoundingClientRect().left - 1) {
      problems.push(`display math cut off on the left: ${c.querySelector('mjx-assistive-mml')?.textContent.slice(0, 60)}`);
    }
  }
  const skip = 'pre, code, script, style, mjx-container, textarea';
  const walker = document.createTreeWalker(document.querySelector('main') || document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest(skip)) continue;
    const text = node.textContent;
    for (const raw of ['\\\\(', '\\\\)', '\\\\[', '\\\\]', '$']) {
      if (text.includes(raw)) { problems.push(`raw ${raw} in the text: ${text.trim().slice(0, 100)}`); break; }
    }
  }
  for (const img of document.images) { if (img.loading === 'lazy') img.loading = 'eager'; }
  await Promise.all([...document.images].map(img => img.complete ? null : img.decode().catch(() => null)));
  for (const img of document.images) {
    if (!img.complete || img.naturalWidth === 0) problems.push(`image did not load: ${img.src}`);
  }
  return {problems, images: document.images.length, maths: maths.length};
}"""


@pytest.mark.slow
def test_every_page_renders_in_headless_chromium(book: Path, served: str) -> None:
    sync_playwright = _browser_or_skip()
    problems: dict[str, list[str]] = {}
    seen = {"images": 0, "maths": 0}
    found: list[str] = []
    pending: set = set()

    def route(route) -> None:  # nothing leaves this machine
        url = urlparse(route.request.url)
        if url.scheme in ("http", "https") and url.hostname not in LOCAL_HOSTS:
            found.append(f"request off this machine: {route.request.url}")
            route.abort()
        else:
            route.continue_()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        try:
            context = browser.new_context()
            context.route("**/*", route)
            page = context.new_page()
            page.on("console", lambda msg: found.append(f"console {msg.type}: {msg.text}")
                    if msg.type == "error" else None)
            page.on("pageerror", lambda error: found.append(f"page error: {error}"))
            page.on("request", lambda request: pending.add(request))
            page.on("requestfinished", lambda request: pending.discard(request))
            page.on("requestfailed", lambda request: (pending.discard(request), found.append(
                f"request failed: {request.url} ({request.failure})")))
            page.on("response", lambda response: found.append(f"HTTP {response.status}: {response.url}")
                    if response.status >= 400 else None)
            for name in _pages(book):
                found.clear()
                page.goto(f"{served}/{name}", wait_until="load")
                if name == "index.html":
                    page.wait_for_url("**/README.html")
                    page.wait_for_load_state("load")
                result = page.evaluate(_INSPECT)
                for _ in range(100):  # let late requests (fonts, MathJax parts) finish, and be counted here
                    if not pending:
                        break
                    page.wait_for_timeout(50)
                seen["images"] += result.get("images", 0)
                seen["maths"] += result.get("maths", 0)
                if found or result["problems"]:
                    problems[name] = found + result["problems"]
        finally:
            browser.close()
    assert not problems, "\n".join(f"{name}:\n  " + "\n  ".join(p[:10]) for name, p in problems.items())
    assert seen["maths"] > 100 and seen["images"] > 10, seen     # the checks saw the math and the figures
