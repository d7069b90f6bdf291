"""Screenshots of the relationship map for the README (``make screenshots``; not a test).

    .venv/bin/python tests/screenshots.py [--dev ../shared/corpus/dev] [--out docs/screenshots]

Writes ``seed.png`` (output/kg.html), ``dated-seed.png`` (output/dated/kg.html, with the
2019 investment's panel open) and ``dev.png`` (the dev corpus's articles built into a
temporary folder; skipped with a message when the corpus is not there). Opens each page
in headless Chromium (tests/browser.py) at 1400 × 900 and fails on a console error or
any request but the page itself.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from browser import CHROMIUM, CHROMIUM_ARGS, open_map

ROOT = Path(__file__).resolve().parents[1]


def _shoot(browser: Any, page_path: Path, png: Path, select: str | None = None) -> None:
    opened = open_map(browser, page_path)
    page = opened.page
    if select:
        wanted = page.evaluate(
            """text => (kgMap.views.full.nodes.get({filter: n => n.kg.kind === 'agreement'
                && n.fullLabel.startsWith(text)})[0] || {}).id""",
            select,
        )
        if wanted:
            page.evaluate("id => kgMap.selectAgreement(id)", wanted)
            page.evaluate("kgMap.network.fit({animation: false})")
    page.wait_for_timeout(300)
    if opened.errors or len(opened.requests) != 1:
        raise SystemExit(f"{page_path}: errors {opened.errors}, requests {opened.requests}")
    page.screenshot(path=str(png))
    page.close()
    print(f"{png.relative_to(ROOT) if png.is_relative_to(ROOT) else png}")


def _dev_map(corpus: Path, folder: Path) -> Path | None:
    from click.testing import CliRunner

    from kg.cli import cli

    articles = sorted(corpus.glob("*.txt")) if corpus.is_dir() else []
    if not articles:
        print(f"no dev corpus at {corpus}: dev.png not written", file=sys.stderr)
        return None
    inputs = folder / "articles"
    inputs.mkdir()
    for article in articles:  # the articles only: the corpus's gold files are no input
        shutil.copy(article, inputs / article.name)
    result = CliRunner().invoke(cli, ["build", str(inputs), "--out", str(folder / "dev")])
    if result.exit_code != 0:
        raise SystemExit(result.output)
    return folder / "dev" / "kg.html"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=Path, default=ROOT.parent / "shared" / "corpus" / "dev")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    if not CHROMIUM.is_file():
        raise SystemExit(f"Chromium not found at {CHROMIUM}: run `make system-packages`")
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        _shoot(browser, ROOT / "output" / "kg.html", args.out / "seed.png")
        _shoot(
            browser,
            ROOT / "output" / "dated" / "kg.html",
            args.out / "dated-seed.png",
            "investment · 2019",
        )
        dev = _dev_map(args.dev, Path(tmp))
        if dev is not None:
            _shoot(browser, dev, args.out / "dev.png")
        browser.close()


if __name__ == "__main__":
    main()
