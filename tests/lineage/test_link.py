"""kg.lineage.link: ordering and linking the agreements of a lineage (the timeline view is read to see the outcome)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from kg.lineage.link import link_lineage
from kg.lineage.validity import VALID_TIME_PREDICATES
from kg.query.timeline import timeline
from kg.rdf.graphs import load_graph, new_graph
from kg.rdf.ontology import validate
from kg.rdf.vocab import DK, ID

FIXTURES = Path(__file__).parents[1] / "fixtures" / "timeline"


def _graph(name: str) -> Graph:
    return load_graph(FIXTURES / f"{name}.ttl")


def _short(iri: str) -> str:
    return iri.removeprefix(str(ID))


def _links(graph: Graph) -> set[tuple[str, str, str]]:
    report = link_lineage(graph)
    return {(_short(k.source), k.predicate, _short(k.target)) for k in report.links}


def _in_force(graph: Graph, orgs: list[str], day: str) -> set[str]:
    return {_short(c.clause) for c in timeline(graph, orgs, day).in_force}


def _unknown(graph: Graph, orgs: list[str], day: str) -> set[str]:
    return {_short(c.clause) for c in timeline(graph, orgs, day).unknown_start}


# --- lineage: extension, MOU → definitive, amendment ------------------------------------------


def test_agreement_links_follow_dates_and_cues() -> None:
    links = _links(_graph("lineage"))
    agreement_links = {
        link for link in links if link[0].startswith("agreement") and "Clause" not in link[1]
    }
    assert agreement_links == {
        ("agreement-a3-1", "supersedes", "agreement-a2-1"),  # definitive after the MOU
        ("agreement-a3-1", "extends", "agreement-a1-1"),  # "extending their partnership"
        ("agreement-a4-1", "amends", "agreement-a3-1"),  # an Amendment amends the latest deal
    }


def test_clause_changes_are_recorded_append_only() -> None:
    graph = _graph("lineage")
    before = set(graph)
    links = _links(graph)
    clause_links = {link for link in links if "Clause" in link[1]}
    assert clause_links == {
        ("clause-a3-1-1", "supersedesClause", "clause-a2-1-1"),  # stake 15 replaces the MOU's
        ("clause-a3-1-1", "supersedesClause", "clause-a1-1-4"),  # … and the 2021 stake of 10
        ("clause-a4-1-1", "supersedesClause", "clause-a1-1-1"),  # licence becomes non-exclusive
        ("clause-a4-1-3", "supersedesClause", "clause-a1-1-6"),  # non-exclusive cloud provider
        ("agreement-a4-1", "terminatesClause", "clause-a1-1-2"),  # revenue sharing removed
    }
    # investments add up (no supersession) and another matter stays exclusive
    assert not any(link[2] in ("clause-a1-1-3", "clause-a1-1-7") for link in links)
    assert before < set(graph)
    assert (URIRef(ID["agreement-a4-1"]), DK.terminatesClause, URIRef(ID["clause-a1-1-2"])) in graph
    assert (URIRef(ID["clause-a1-1-2"]), DK.percentage, None) in graph  # old version kept


@pytest.mark.parametrize("name", ["lineage", "document_dates", "cues", "unrelated", "conflicts"])
def test_link_lineage_is_idempotent(name: str) -> None:
    graph = _graph(name)
    first = link_lineage(graph)
    size = len(graph)
    second = link_lineage(graph)
    assert second.links == () and second.dates_inferred == ()
    assert bool(first.links) == (name not in ("unrelated", "conflicts"))
    assert len(graph) == size
    assert [o.reason for o in second.orderings] == [o.reason for o in first.orderings]


@pytest.mark.parametrize("name", ["lineage", "document_dates", "cues", "unrelated", "conflicts"])
def test_linked_graphs_still_conform_to_the_shapes(name: str) -> None:
    graph = _graph(name)
    assert validate(graph).conforms  # the fixtures follow DATA.md
    link_lineage(graph)
    assert validate(graph).conforms


def test_orderings_are_reported_without_implied_pairs() -> None:
    report = link_lineage(_graph("lineage"))
    pairs = {(_short(o.earlier), _short(o.later), o.reason, o.inferred) for o in report.orderings}
    assert pairs == {
        ("agreement-a1-1", "agreement-a2-1", "date", False),
        ("agreement-a2-1", "agreement-a3-1", "date", False),
        ("agreement-a3-1", "agreement-a4-1", "date", False),
    }
    assert report.unordered == () and report.conflicts == ()


_A1 = {f"clause-a1-1-{n}" for n in range(1, 8)}


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2021-02-28", set()),
        ("2021-03-01", _A1),  # start day counts
        ("2022-06-30", _A1),  # validUntil is inclusive ("until June 2022")
        ("2022-07-01", _A1 - {"clause-a1-1-5"}),
        ("2023-06-01", _A1 - {"clause-a1-1-5"}),  # the MOU's stake is not a term
        (
            "2024-09-15",  # "September 2024" starts on the 1st
            _A1 - {"clause-a1-1-5", "clause-a1-1-4"} | {"clause-a3-1-1", "clause-a3-1-2"},
        ),
        (
            "2025-02-01",
            {"clause-a1-1-3", "clause-a1-1-7", "clause-a3-1-1", "clause-a3-1-2"}
            | {"clause-a4-1-1", "clause-a4-1-3"},
        ),
    ],
)
def test_terms_in_force(day: str, expected: set[str]) -> None:
    graph = _graph("lineage")
    link_lineage(graph)
    assert _in_force(graph, ["Acme Robotics", "Borealis Therapeutics"], day) == expected
    assert _unknown(graph, ["Acme Robotics", "Borealis Therapeutics"], day) == set()


def test_in_force_does_not_need_link_lineage_first() -> None:
    graph = _graph("lineage")
    size = len(graph)
    assert _in_force(graph, ["acme robotics"], "2025-03-01") == {
        "clause-a1-1-3",
        "clause-a1-1-7",
        "clause-a3-1-1",
        "clause-a3-1-2",
        "clause-a4-1-1",
        "clause-a4-1-3",
    }
    assert len(graph) == size  # timeline only reads


def test_timeline_rows_show_order_precision_and_terms() -> None:
    graph = _graph("lineage")
    link_lineage(graph)
    result = timeline(graph, ["Acme Robotics Inc.", "org-borealis-therapeutics"])
    rows = {_short(r.agreement): r for r in result.rows}
    assert [_short(r.agreement) for r in result.rows] == [
        "agreement-a1-1",
        "agreement-a2-1",
        "agreement-a3-1",
        "agreement-a4-1",
    ]
    assert [r.kind for r in result.rows] == [
        "DefinitiveAgreement",
        "MemorandumOfUnderstanding",
        "DefinitiveAgreement",
        "Amendment",
    ]
    assert rows["agreement-a3-1"].date == "2024-09"  # month precision kept
    assert rows["agreement-a3-1"].date_property == "signedOn"
    assert rows["agreement-a3-1"].stake == "15%"
    assert rows["agreement-a3-1"].amounts == ("$100 million",)
    assert rows["agreement-a3-1"].links == (
        f"extends {ID['agreement-a1-1']}",
        f"supersedes {ID['agreement-a2-1']}",
    )
    assert rows["agreement-a3-1"].ordered_after == (f"{ID['agreement-a2-1']} (date)",)
    assert rows["agreement-a1-1"].until == "2022-06"
    assert rows["agreement-a4-1"].exclusivity == "non-exclusive; non-exclusive (cloud provider)"
    assert rows["agreement-a1-1"].sources[0].url == "https://news.example/acme-borealis-2021"
    assert result.as_of is None and result.in_force == ()
    encoded = json.loads(json.dumps(result.to_dict()))
    assert encoded["rows"][0]["sources"][0]["title"] == "Acme and Borealis sign licence"


# --- ordering without the agreements' own dates --------------------------------------------


def test_document_dates_order_undated_agreements_and_mark_them() -> None:
    graph = _graph("document_dates")
    report = link_lineage(graph)
    assert [
        (_short(o.earlier), _short(o.later), o.reason, o.inferred) for o in report.orderings
    ] == [("agreement-b1-1", "agreement-b2-1", "document date", True)]
    assert {_short(a) for a in report.dates_inferred} == {"agreement-b1-1", "agreement-b2-1"}
    for key in ("agreement-b1-1", "agreement-b2-1"):
        assert (ID[key], DK.dateInferredFromDocument, Literal(True)) in graph
        assert (ID[key], DK.announcedOn, None) not in graph  # no invented date
    rows = timeline(graph, ["Dunmore"]).rows
    assert [(r.date, r.order_inferred) for r in rows] == [("unknown", True), ("unknown", True)]


@pytest.mark.parametrize(
    ("day", "in_force", "unknown"),
    [
        ("2022-01-01", set(), {"clause-b1-1-1"}),  # listed apart, never silently in force
        ("2023-08-15", set(), {"clause-b1-1-1"}),  # the new territory starts in September
        ("2023-10-01", {"clause-b2-1-1"}, set()),  # and replaces the old one
    ],
)
def test_unknown_starts_are_listed_apart(day: str, in_force: set[str], unknown: set[str]) -> None:
    graph = _graph("document_dates")
    link_lineage(graph)
    assert _in_force(graph, ["caldera foods", "dunmore logistics"], day) == in_force
    result = timeline(graph, ["caldera foods", "dunmore logistics"], day)
    assert {_short(c.clause) for c in result.unknown_start} == unknown
    for clause in result.unknown_start:
        assert clause.start is None
        assert "start unknown" in clause.note and "reported on 2022-04-05" in clause.note


def test_textual_cues_order_undated_agreements() -> None:
    graph = _graph("cues")
    report = link_lineage(graph)
    links = {(_short(k.source), k.predicate, _short(k.target), k.reason) for k in report.links}
    assert links == {
        ("agreement-c1-2", "extends", "agreement-c1-1", "cue: extension (order inferred)"),
        ("clause-c1-2-1", "supersedesClause", "clause-c1-1-1", "later Territory (order inferred)"),
    }
    orderings = {(_short(o.earlier), _short(o.later), o.inferred) for o in report.orderings}
    assert orderings == {
        ("agreement-c1-1", "agreement-c1-2", True),
        ("agreement-c1-1", "agreement-c1-3", True),  # the background deal came first
    }
    # an extension of the supply deal says nothing about the joint lab
    assert [(_short(u.first), _short(u.second)) for u in report.unordered] == [
        ("agreement-c1-2", "agreement-c1-3")
    ]
    assert report.dates_inferred == ()


def test_no_dates_means_every_term_has_an_unknown_start() -> None:
    graph = _graph("cues")
    link_lineage(graph)
    result = timeline(graph, ["Eastwind Energy", "Fjord Materials"], "2024-01-01")
    assert result.in_force == ()
    notes = {_short(c.clause): c.note for c in result.unknown_start}
    assert set(notes) == {"clause-c1-1-1", "clause-c1-2-1", "clause-c1-3-1"}
    assert (
        "may have ended: superseded by \u2018territory\u2019 of Eastwind Energy\u2013Fjord "
        "Materials supply extension (start unknown)"
    ) in notes["clause-c1-1-1"]
    assert "https://" not in " ".join(notes.values())  # labels and dates, never raw IRIs
    assert [(_short(u.first), _short(u.second)) for u in result.unordered] == [
        ("agreement-c1-2", "agreement-c1-3")
    ]


def test_same_date_at_coarser_precision_is_not_an_order() -> None:
    graph = new_graph()
    graph.parse(
        data="""
        @prefix dk: <https://w3id.org/dealkg/ontology#> .
        @prefix dkdp: <https://w3id.org/dealkg/date-precision/> .
        @prefix dkid: <https://w3id.org/dealkg/id/> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        dkid:org-nova-mills a dk:Organization ; rdfs:label "Nova Mills" .
        dkid:org-orca-freight a dk:Organization ; rdfs:label "Orca Freight" .
        dkid:agreement-n1-1 a dk:Agreement ;
            dk:hasParty dkid:org-nova-mills , dkid:org-orca-freight ;
            dk:announcedOn "2024-01-01"^^xsd:date ; dk:announcedOnPrecision dkdp:Year .
        dkid:agreement-n2-1 a dk:Agreement ;
            dk:hasParty dkid:org-nova-mills , dkid:org-orca-freight ;
            dk:announcedOn "2024-09-01"^^xsd:date ; dk:announcedOnPrecision dkdp:Day .
        """,
        format="turtle",
    )
    report = link_lineage(graph)
    assert report.orderings == () and report.links == ()
    assert [u.note for u in report.unordered] == [
        "same date (2024 / 2024-09-01) and no cue orders them"
    ]


_UNDATED = """
@prefix dk: <https://w3id.org/dealkg/ontology#> .
@prefix dkat: <https://w3id.org/dealkg/agreement-type/> .
@prefix dkid: <https://w3id.org/dealkg/id/> .
@prefix nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> .
@prefix dkct: <https://w3id.org/dealkg/clause-type/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
dkid:org-pike-audio a dk:Organization .
dkid:org-quill-media a dk:Organization .
"""


def _undated(key: str, doc: str, quote: str, extra: str = "") -> str:
    return f"""
    dkid:agreement-{key} a dk:Agreement {extra}; dk:agreementType dkat:Licence ;
        dk:hasParty dkid:org-pike-audio , dkid:org-quill-media ; dk:evidence dkid:mention-{key} .
    dkid:mention-{key} a dk:Mention ; dk:inDocument dkid:doc-{doc} ; nif:anchorOf "{quote}" .
    """


def _dated(key: str, day: str, quote: str, clause: str) -> str:
    return (
        _undated(key, key, quote).replace(
            "dk:evidence",
            f'dk:announcedOn "{day}"^^xsd:date ; dk:hasClause dkid:clause-{key} ; dk:evidence',
            1,
        )
        + f"dkid:clause-{key} a dk:Clause ; dk:clauseType dkct:{clause} .\n"
    )


def _undated_graph(*agreements: str) -> Graph:
    graph = new_graph()
    graph.parse(data=_UNDATED + "".join(agreements), format="turtle")
    return graph


def test_words_like_previous_reports_are_not_cues() -> None:
    graph = _undated_graph(
        _undated("p1-1", "p1", "Pike Audio licensed its catalogue to Quill Media."),
        _undated(
            "p2-1", "p2", "Previous reports said Pike Audio would license songs to Quill Media."
        ),
    )
    report = link_lineage(graph)
    assert report.orderings == () and len(report.unordered) == 1


def test_cue_naming_an_earlier_deal_orders_it() -> None:
    graph = _undated_graph(
        _undated("p1-1", "p1", "Pike Audio licensed its catalogue to Quill Media."),
        _undated("p2-1", "p2", "Quill Media widened the earlier licence deal with Pike Audio."),
    )
    report = link_lineage(graph)
    assert [(_short(o.earlier), _short(o.later), o.reason) for o in report.orderings] == [
        ("agreement-p1-1", "agreement-p2-1", "cue: earlier licence deal")
    ]


def test_no_agreement_link_when_the_earlier_deal_is_ambiguous() -> None:
    graph = _undated_graph(
        _undated("p1-1", "p1", "Pike Audio licensed its catalogue to Quill Media."),
        _undated("p2-1", "p2", "Quill Media signed a music licence with Pike Audio."),
        _undated("p3-1", "p3", "The licence was extended to 2030.", ", dk:Amendment "),
    )
    report = link_lineage(graph)
    assert {(_short(o.earlier), _short(o.later)) for o in report.orderings} == {
        ("agreement-p1-1", "agreement-p3-1"),
        ("agreement-p2-1", "agreement-p3-1"),
    }
    assert report.links == ()  # extends p1 or p2? the text does not say
    assert [(_short(u.first), _short(u.second)) for u in report.unordered] == [
        ("agreement-p1-1", "agreement-p2-1")
    ]


def test_a_new_agreement_replaces_the_whole_earlier_one() -> None:
    graph = _undated_graph(
        _dated(
            "r1-1", "2018-04-01", "Pike Audio licensed its catalogue to Quill Media.", "Royalty"
        ),
        _dated(
            "r2-1",
            "2022-04-01",
            "Quill Media and Pike Audio signed a new licence agreement that replaces it.",
            "LicenseGrant",
        ),
    )
    assert _links(graph) == {("agreement-r2-1", "supersedes", "agreement-r1-1")}
    assert _in_force(graph, ["org-pike-audio", "org-quill-media"], "2022-03-31") == {"clause-r1-1"}
    assert _in_force(graph, ["org-pike-audio", "org-quill-media"], "2022-04-01") == {"clause-r2-1"}


# --- unrelated parties and conflicts ------------------------------------------------------------


def test_unrelated_party_pairs_are_never_linked() -> None:
    graph = _graph("unrelated")
    before = set(graph)
    report = link_lineage(graph)
    assert report.links == () and report.orderings == () and report.unordered == ()
    assert before <= set(graph)
    assert {p for _, p, _ in set(graph) - before} <= set(VALID_TIME_PREDICATES)  # no links
    assert (None, DK.endedBy, None) not in graph
    # the Ionic deal's non-exclusivity does not end the Helix exclusivity
    assert _in_force(graph, ["Gamma Optics"], "2022-01-01") == {"clause-g1-1-1", "clause-g2-1-1"}
    assert [
        _short(r.agreement) for r in timeline(graph, ["gamma optics", "helix semiconductors"]).rows
    ] == ["agreement-g1-1"]


def test_conflicting_values_are_kept_and_flagged() -> None:
    graph = _graph("conflicts")
    report = link_lineage(graph)
    conflicts = {(c.term, tuple(map(_short, c.agreements)), c.values) for c in report.conflicts}
    assert conflicts == {
        ("EquityStake", ("agreement-j1-1", "agreement-j2-1"), ("27%", "26%")),
        ("date", ("agreement-l1-1", "agreement-l2-1"), ("2022-02-14", "2022-02-15")),
    }
    assert not any(k.predicate == "supersedesClause" for k in report.links)
    result = timeline(graph, ["Juniper Bank", "Kestrel Analytics"], "2024-12-01")
    assert [c.term for c in result.conflicts] == ["EquityStake"]
    stakes = {_short(c.clause): (c.values, c.note) for c in result.in_force}
    assert stakes == {
        "clause-j1-1-1": (
            ("27%",),
            "conflicting value in Juniper Bank\u2013Kestrel Analytics investment "
            "(2024-11-12; Kestrel sells shares to Juniper (2024-11-13))",
        ),
        "clause-j2-1-1": (
            ("26%",),
            "conflicting value in Juniper Bank\u2013Kestrel Analytics investment "
            "(2024-11-12; Juniper takes a stake in Kestrel (2024-11-12))",
        ),
    }
    assert [_short(u.first) for u in result.unordered] == ["agreement-j1-1"]
