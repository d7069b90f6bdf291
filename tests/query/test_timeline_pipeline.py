"""Deal lineage end to end: invented articles with published dates → build → timeline.

The five articles in tests/fixtures/lineage describe one relationship: an investment
with an exclusive arrangement, an extension, an MOU, a definitive agreement with a
stake, a licence through 2032 and a revenue share, then an amendment that makes the
licence non-exclusive and removes the revenue share.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.pipeline import build
from kg.query.timeline import Timeline, timeline

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "lineage"
PARTIES = ["Acme Robotics", "Borealis Labs"]


@pytest.fixture(scope="module")
def graph():  # type: ignore[no-untyped-def]
    return build([FIXTURES]).graph


def _in_force(graph, as_of: str) -> set[tuple[str, str | None]]:  # type: ignore[no-untyped-def]
    result: Timeline = timeline(graph, PARTIES, as_of)
    assert not result.unknown_start
    return {(c.clause_type, c.start) for c in result.in_force}


def test_lineage_is_dated_ordered_and_linked(graph) -> None:  # type: ignore[no-untyped-def]
    rows = timeline(graph, PARTIES).rows
    assert [r.date for r in rows] == [
        "2019-07-22",
        "2023-01-23",
        "2025-09-11",
        "2025-10-28",
        "2026-02-02",
    ]
    assert [r.kind for r in rows] == [
        "Agreement",
        "Amendment",
        "MemorandumOfUnderstanding",
        "DefinitiveAgreement",
        "Amendment",
    ]
    assert rows[1].links[0].startswith("extends ")
    assert rows[3].links[0].startswith("supersedes ")  # the definitive agreement replaces the MOU
    assert rows[4].links[0].startswith("amends ")
    assert not any(r.order_inferred for r in rows)


def test_terms_in_force_in_2020(graph) -> None:  # type: ignore[no-untyped-def]
    assert _in_force(graph, "2020-01-01") == {
        ("InvestmentCommitment", "2019-07-22"),
        ("Exclusivity", "2019-07-22"),
        (
            "ComputePurchaseCommitment",
            "2019-07-22",
        ),  # "will use Acme Robotics as its … cloud provider"
    }


def test_mou_adds_no_terms(graph) -> None:  # type: ignore[no-untyped-def]
    assert _in_force(graph, "2025-09-30") == _in_force(graph, "2025-09-01")


def test_terms_in_force_after_the_definitive_agreement(graph) -> None:  # type: ignore[no-untyped-def]
    terms = _in_force(graph, "2025-12-01")
    assert ("EquityStake", "2025-10-28") in terms
    assert ("LicenseGrant", "2025-10-28") in terms
    assert ("RevenueProfitSharing", "2025-10-28") in terms
    assert ("Exclusivity", "2019-07-22") not in terms  # replaced by the 2025 terms


def test_amendment_ends_exclusivity_and_revenue_share(graph) -> None:  # type: ignore[no-untyped-def]
    terms = _in_force(graph, "2026-03-01")
    types = {t for t, _ in terms}
    assert "RevenueProfitSharing" not in types
    assert "Exclusivity" not in types
    assert ("NonExclusivity", "2026-02-02") in terms
    assert ("LicenseGrant", "2026-02-02") in terms and ("LicenseGrant", "2025-10-28") not in terms
    assert ("EquityStake", "2025-10-28") in terms  # untouched by the amendment


@pytest.mark.parametrize("as_of", ["2020-01-01", "2025-09-30", "2025-12-01", "2026-03-01"])
def test_named_query_agrees_with_the_timeline(graph, as_of: str) -> None:  # type: ignore[no-untyped-def]
    from rdflib import Literal
    from rdflib.namespace import XSD

    from kg.query.run import run_named_query

    result = run_named_query(graph, "terms-in-force", {"date": Literal(as_of, datatype=XSD.date)})
    from_query = {str(c).rsplit("/", 1)[1] for c in result.column("clause")}
    from_timeline = {c.clause.rsplit("/", 1)[1] for c in timeline(graph, PARTIES, as_of).in_force}
    assert from_query == from_timeline
