from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

sys.path.insert(0, str(Path(__file__).parent))
from browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium (tests/browser.py), skipped with a reason when it is missing."""
    if not CHROMIUM.is_file():
        pytest.skip(f"Chromium not found at {CHROMIUM}: install it with `apt-get install chromium`")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# The rule for `slow` (left out of `make check`, run by `make test`): a test is slow when it
# starts a process that lives for the test -- a browser, a server (the SPARQL endpoint's
# workers, Virtuoso), extraction workers, a `kg` or Python subprocess -- or builds more than
# a handful of documents (the dev corpus, thousands of map nodes). Short calls of an external
# parser (rapper) do not count, unless a property test makes one for every example. Tests are marked where they are written; these fixtures
# start servers, so every test using one is slow, and so is every browser test.
PROCESS_FIXTURES = frozenset({"browser", "endpoint", "strict_endpoint", "virtuoso"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if item.get_closest_marker("browser") or fixtures & PROCESS_FIXTURES:
            item.add_marker(pytest.mark.slow)


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def _make_demo_build(tmp_path_factory: pytest.TempPathFactory, inputs: str, name: str) -> Path:
    from kg.cli import cli

    out = tmp_path_factory.mktemp(name)
    # Built from the repository root with a relative path, exactly as `make demo` does,
    # so the output can be compared byte for byte with the committed output/.
    here = os.getcwd()
    os.chdir(ROOT)
    try:
        result = CliRunner().invoke(
            cli, ["build", inputs, "--out", str(out)], catch_exceptions=False
        )
    finally:
        os.chdir(here)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed built once per test session with `kg build`; returns the output folder."""
    return _make_demo_build(tmp_path_factory, "seeds/", "seed-build")


@pytest.fixture(scope="session")
def dated_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The six seed stories as dated articles (seeds/dated/), built once with `kg build`."""
    return _make_demo_build(tmp_path_factory, "seeds/dated/", "dated-build")


DEV_CORPUS = ROOT.parent / "shared" / "corpus" / "dev"


@pytest.fixture(scope="session")
def dev_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dev corpus's articles (not its gold files) built once with `kg build`."""
    import shutil

    from kg.cli import cli

    articles = sorted(DEV_CORPUS.glob("*.txt")) if DEV_CORPUS.is_dir() else []
    if not articles:
        pytest.skip(f"the dev corpus is not at {DEV_CORPUS}")
    inputs = tmp_path_factory.mktemp("dev-corpus")
    for article in articles:
        shutil.copy(article, inputs / article.name)
    out = tmp_path_factory.mktemp("dev-build")
    result = CliRunner().invoke(
        cli, ["build", str(inputs), "--out", str(out)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return out
