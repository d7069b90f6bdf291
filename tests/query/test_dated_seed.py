"""Deal time on the seed's six stories as dated articles (seeds/dated/): what was in force on a
day, what was known on another, and one answer from every surface that says "in force"
(kg timeline, the terms-in-force query on the graph and on a store, the map's slider).

The articles are the seed page's own texts with their published dates, so these tests are
the issue's acceptance criteria run on real output, not on a fixture written to pass.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal
from rdflib.namespace import XSD

from kg.cli import cli
from kg.pipeline import ingest
from kg.query.run import run_named_query
from kg.query.timeline import ClauseInForce, timeline
from kg.rdf.graphs import load_graph
from kg.store.directory import open_store

sys.path.insert(0, str(Path(__file__).parents[1]))
from browser import open_map  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DATED = ROOT / "seeds" / "dated"
PARTIES = ["Microsoft", "OpenAI"]
DAYS = [
    "2016-11-14",
    "2016-11-15",
    "2018-01-01",
    "2020-01-01",
    "2024-06-01",
    "2025-09-30",
    "2025-11-01",
    "2026-03-01",
    "2026-04-01",
]


@pytest.fixture(scope="module")
def graph(dated_build: Path) -> Graph:
    return load_graph(dated_build / "kg.ttl")


Term = tuple[str, str | None, str]  # (clause type, label, published date of its article)


def _terms(graph: Graph, day: str, known_at: str | None = None) -> set[Term]:
    result = timeline(graph, PARTIES, day, known_at)
    assert result.unknown_start == ()  # every article is dated
    return {(c.clause_type, c.label, _published(c)) for c in result.in_force}


def _published(clause: ClauseInForce) -> str:
    assert clause.source is not None
    return clause.source.rsplit("(", 1)[1].rstrip(")")


def _types(terms: set[Term], published: str | None = None) -> set[str]:
    return {t for t, _, p in terms if published is None or p == published}


# --- the acceptance answers ---------------------------------------------------------------------


def test_2018_azure_is_the_primary_cloud_platform_and_no_investment_yet(graph: Graph) -> None:
    assert _terms(graph, "2018-01-01") == {
        ("PreferredPartner", "primary cloud platform", "2016-11-15")
    }


def test_2020_the_investment_exclusive_cloud_and_preferred_partner(graph: Graph) -> None:
    terms = _terms(graph, "2020-01-01")
    assert ("InvestmentCommitment", "investing", "2019-07-22") in terms  # the $1 billion
    assert ("Exclusivity", "exclusive", "2019-07-22") in terms  # exclusive cloud provider
    assert ("PreferredPartner", "preferred partner", "2019-07-22") in terms  # commercialising
    assert not _types(terms, "2023-01-23")  # the extension is still to come


def test_2024_adds_the_extension_but_not_the_2025_terms(graph: Graph) -> None:
    terms = _terms(graph, "2024-06-01")
    assert ("InvestmentCommitment", "investing", "2019-07-22") in terms
    assert ("PreferredPartner", "preferred partner", "2019-07-22") in terms
    # the 2023 extension: its investment, exclusivity renewed ("multi-year" states no term)
    assert _types(terms, "2023-01-23") == {"InvestmentCommitment", "Exclusivity"}
    assert "EquityStake" not in _types(terms) and "PurchaseCommitment" not in _types(terms)


def test_2025_the_definitive_agreement_is_in_force_and_the_mou_never(graph: Graph) -> None:
    terms = _terms(graph, "2025-11-01")
    assert ("EquityStake", "27% stake", "2025-10-28") in terms
    assert ("ExpirationDate", "through 2032", "2025-10-28") in terms  # IP rights through 2032
    assert ("PurchaseCommitment", "services commitment", "2025-10-28") in terms  # $250B Azure
    for day in ("2025-09-11", "2025-10-01", "2025-11-01"):
        assert not _types(_terms(graph, day), "2025-09-11")  # the MOU binds nobody
    rows = {r.kind: r for r in timeline(graph, PARTIES).rows}
    assert rows["MemorandumOfUnderstanding"].date == "2025-09-11"  # dated, still not a term


def test_2026_the_licence_is_non_exclusive_and_no_revenue_share(graph: Graph) -> None:
    terms = _terms(graph, "2026-04-01")
    assert ("NonExclusivity", "non-exclusive", "2026-03-02") in terms
    assert ("LicenseGrant", "license to", "2026-03-02") in terms
    assert "Exclusivity" not in _types(terms)  # replaced by the non-exclusive licence
    assert "RevenueProfitSharing" not in _types(terms)  # the amendment removes it
    assert ("EquityStake", "27% stake", "2025-10-28") in terms  # untouched


def test_known_at_leaves_out_what_was_published_later(graph: Graph) -> None:
    known = _terms(graph, "2025-11-01", known_at="2025-10-01")
    assert not _types(known, "2025-10-28")  # nothing from the definitive agreement's article
    # what a reader knew then: the 2023 terms
    assert _types(known, "2023-01-23") == {"InvestmentCommitment", "Exclusivity"}
    assert _terms(graph, "2025-11-01", known_at="2025-10-28") == _terms(graph, "2025-11-01")
    rows = timeline(graph, PARTIES, known_at="2025-10-01").rows
    assert [r.date for r in rows] == ["2016-11-15", "2019-07-22", "2023-01-23", "2025-09-11"]


def test_every_answer_names_its_source_and_how_its_start_is_known(graph: Graph) -> None:
    for clause in timeline(graph, PARTIES, "2026-04-01").in_force:
        assert clause.source is not None and clause.source.endswith(f"({clause.start})")
        assert clause.start_inferred and clause.start_property == "issued"  # no stated dates


def test_starts_are_inferred_only_for_agreements_reported_as_new(graph: Graph) -> None:
    rows = timeline(graph, ["OpenAI"]).rows
    assert [r.date for r in rows] == [
        "2016-11-15",
        "2019-07-22",
        "2023-01-23",
        "2025-09-11",
        "2025-10-28",
        "2026-03-02",
    ]
    assert all(r.date_inferred and r.date_property == "issued" for r in rows)
    assert all(r.counterparties == ("Microsoft",) for r in rows)


# --- one rule, every surface ----------------------------------------------------------------------


def _clauses(result: Any) -> set[str]:
    return {str(c) for c in result.column("clause")}


def _query(target: Any, day: str, known_at: str | None = None) -> set[str]:
    bindings = {"date": Literal(day, datatype=XSD.date)}
    if known_at is not None:
        bindings["knownAt"] = Literal(known_at, datatype=XSD.date)
    return _clauses(run_named_query(target, "terms-in-force", bindings))


def _timeline(graph: Graph, day: str, known_at: str | None = None) -> set[str]:
    return {c.clause for c in timeline(graph, PARTIES, day, known_at).in_force}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Any:
    with open_store(tmp_path_factory.mktemp("dated") / "store") as opened:
        for path in sorted(DATED.iterdir()):  # one article at a time, as news arrives
            ingest(opened, [str(path)])
        yield opened


@pytest.mark.parametrize("day", DAYS)
def test_timeline_query_and_store_give_one_answer(graph: Graph, store: Any, day: str) -> None:
    expected = _timeline(graph, day)
    assert _query(graph, day) == expected
    assert _query(store.ox, day) == expected


@pytest.mark.parametrize(
    ("day", "known_at"),
    [("2025-11-01", "2025-10-01"), ("2026-04-01", "2025-10-28"), ("2020-01-01", "2016-11-15")],
)
def test_known_at_is_one_answer_too(graph: Graph, store: Any, day: str, known_at: str) -> None:
    expected = _timeline(graph, day, known_at)
    assert _query(graph, day, known_at) == expected
    assert _query(store.ox, day, known_at) == expected


@pytest.mark.browser
def test_the_map_slider_shows_the_same_terms(graph: Graph, dated_build: Path, browser: Any) -> None:
    opened = open_map(browser, dated_build / "kg.html")
    page = opened.page
    page.check("#kg-show-clauses")
    page.check("#kg-asof-on")
    shown = """() => kgMap.views.full.nodes.get().filter(
        n => n.kg.kind === "clause" && !n.hidden && !n.kg.undated).map(n => n.id)"""
    try:
        for day in DAYS:
            page.fill("#kg-asof-date", day)
            page.dispatch_event("#kg-asof-date", "change")
            assert set(page.evaluate(shown)) == _timeline(graph, day), day
        assert opened.errors == []
    finally:
        page.close()


# --- the command line ---------------------------------------------------------------------------


def test_the_timeline_fits_a_100_column_terminal_and_names_no_iri(dated_build: Path) -> None:
    runner = CliRunner(env={"COLUMNS": "100"})
    for args, one in (
        ([*PARTIES, "--as-of", "2026-04-01"], False),
        (["OpenAI", "--as-of", "2025-11-01", "--known-at", "2025-10-01"], True),
    ):
        result = runner.invoke(cli, ["timeline", str(dated_build / "kg.ttl"), *args])
        assert result.exit_code == 0, result.output
        assert max(len(line) for line in result.output.splitlines()) <= 100
        assert "https://" not in result.output
        assert "2019-07-22 inferred" in result.output
        assert ("counterparty" in result.output) == one


def test_a_bad_known_at_date_is_an_error_that_says_the_fix(dated_build: Path) -> None:
    result = CliRunner().invoke(
        cli, ["timeline", str(dated_build / "kg.ttl"), "OpenAI", "--known-at", "last week"]
    )
    assert result.exit_code == 1
    assert "known-at date 'last week' is not a date; use YYYY-MM-DD" in result.output
