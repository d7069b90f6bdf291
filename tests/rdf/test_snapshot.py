"""kg.rdf.snapshot: the one reader of a deal graph, and the modules that read through it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from kg.rdf.graphs import load_graph
from kg.rdf.snapshot import (
    Snapshot,
    all_values,
    instances,
    local_name,
    one,
    one_date,
    one_flag,
    select,
)
from kg.rdf.vocab import DK, DKAT, DKCT, ID, NIF

KG = Path(__file__).resolve().parents[2] / "kg"
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "render" / "deals.ttl"

# the modules that read agreements, clauses and their dates back from a graph
READERS = ["query/timeline.py", "network/view.py", "evaluate/facts.py", "query/orgs.py"]
READERS += ["lineage/link.py", "lineage/order.py", "lineage/validity.py", "knowledge.py"]


@pytest.mark.parametrize("module", READERS)
def test_readers_have_no_select_or_local_name_helpers_of_their_own(module: str) -> None:
    source = (KG / module).read_text(encoding="utf-8")
    assert not re.search(r"\.query\(|sparql_prologue|def _?local(_name)?\(|def _select", source)


def test_local_name_is_the_last_segment() -> None:
    assert local_name(DKAT.CloudServices) == "CloudServices"
    assert local_name("https://w3id.org/dealkg/ontology#hasParty") == "hasParty"


def test_instances_read_every_property_of_a_class() -> None:
    graph = load_graph(FIXTURE)
    agreements = instances(graph, DK.Agreement)
    assert agreements
    for props in agreements.values():
        assert DK.Agreement in props[RDF.type]
        assert NIF.isString not in props  # document texts are left out
        assert one(props, DK.hasParty) is not None
        parties = all_values(props, DK.hasParty)
        assert parties == sorted(set(parties), key=str)


def test_select_has_the_project_prefixes() -> None:
    graph = load_graph(FIXTURE)
    rows = select(graph, "SELECT ?c WHERE { ?c a dk:Clause ; dk:clauseType dkct:Exclusivity }")
    assert rows and all(isinstance(c, URIRef) for (c,) in rows)


def test_accessors_pick_stably_and_type_their_values() -> None:
    props = {
        DK.isExclusive: [Literal(True)],
        DK.validUntil: [Literal("2032-12-31"), Literal("2031-12-31")],
        DK.validUntilPrecision: [URIRef("https://w3id.org/dealkg/date-precision/Year")],
    }
    assert one_flag(props, DK.isExclusive) is True
    assert one_flag(props, DK.isNegated) is None
    date = one_date(props, DK.validUntil, DK.validUntilPrecision)
    assert date is not None and (date.iso, date.precision, date.text) == (
        "2031-12-31",
        "year",
        "2031",
    )


def test_the_snapshot_holds_agreements_with_their_clauses() -> None:
    snapshot = Snapshot(load_graph(FIXTURE))
    assert snapshot.agreements
    clause_types = {c.type for a in snapshot.agreements.values() for c in a.clauses}
    assert DKCT.Exclusivity in clause_types
    assert all(str(iri).startswith(str(ID)) for iri in snapshot.agreements)
