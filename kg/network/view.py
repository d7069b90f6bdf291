"""NetworkX views of the deal graph: ``to_networkx(graph)`` and ``company_network(g)``.

The RDF graph (shape in ``ontology/DATA.md``) is read through :mod:`kg.rdf.snapshot` with
a handful of SPARQL SELECTs, one per kind of fact, because a query per node is slow on any
store; everything else happens on plain Python dictionaries.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from itertools import combinations
from typing import Any

import networkx as nx
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS
from rdflib.term import Node

from kg.lineage.link import Lineage
from kg.lineage.validity import ValidTime, ended_on, in_force_interval
from kg.rdf.snapshot import local_name, select
from kg.rdf.vocab import DK, ROLE_PROPERTIES

# Node kinds, keyed by the classes the builder writes (an agreement carries dk:Agreement
# and its form subclass; both map to the same kind).
_KINDS: dict[URIRef, str] = {
    DK.Organization: "organization",
    DK.Product: "product",
    DK.Agreement: "agreement",
    DK.MemorandumOfUnderstanding: "agreement",
    DK.DefinitiveAgreement: "agreement",
    DK.Amendment: "agreement",
    DK.Clause: "clause",
}
_ROLES: dict[URIRef, str] = {iri: _name for _name, iri in ROLE_PROPERTIES.items()}
_ROLES[DK.supplier] = "supplier"  # "provider" is an alias of the same property
_ROLES[DK.jointVenturePartner] = "joint venture partner"

# Structural edges other than party roles: predicate → edge label.
_LINKS: dict[URIRef, str] = {
    DK.hasClause: "hasClause",
    DK.ownedBy: "ownedBy",
    DK.supersedesClause: "supersedes",
    DK.amends: "amends",
    DK.supersedes: "supersedes",
    DK.extends: "extends",
    DK.subsidiaryOf: "subsidiaryOf",
    DK.terminatesClause: "terminates",
}
_DATES: dict[URIRef, URIRef] = {
    DK.announcedOn: DK.announcedOnPrecision,
    DK.signedOn: DK.signedOnPrecision,
    DK.effectiveFrom: DK.effectiveFromPrecision,
    DK.expiresOn: DK.expiresOnPrecision,
    DK.validFrom: DK.validFromPrecision,
    DK.validUntil: DK.validUntilPrecision,
}
_VALUES = (
    DK.scope,
    DK.percentage,
    DK.durationYears,
    DK.isExclusive,
    DK.isNegated,
    DK.obligor,
    DK.beneficiary,
)
_FLAGS = (DK.mentionedInPassing, DK.dateInferredFromDocument)
_CONCEPTS = (DK.status, DK.agreementType, DK.clauseType)

_Q_NODES = """SELECT ?s ?type WHERE { VALUES ?type { %s } ?s a ?type }"""
_Q_PROPS = """SELECT ?s ?p ?o WHERE { VALUES ?p { %s } ?s ?p ?o }"""
_Q_AMOUNTS = """
SELECT ?s ?a ?label ?value ?currency ?qualifier ?kind WHERE {
  ?s dk:hasAmount ?a .
  OPTIONAL { ?a rdfs:label ?label } OPTIONAL { ?a dk:amountValue ?value }
  OPTIONAL { ?a dk:currency ?currency } OPTIONAL { ?a dk:amountQualifier ?qualifier }
  OPTIONAL { ?a dk:amountKind ?kind }
}"""
_Q_EVIDENCE = """
SELECT ?s ?m ?quote ?url ?title ?issued WHERE {
  ?s dk:evidence ?m .
  OPTIONAL { ?m nif:anchorOf ?quote }
  OPTIONAL {
    ?m dk:inDocument ?d .
    OPTIONAL { ?d schema:url ?url } OPTIONAL { ?d dct:title ?title }
    OPTIONAL { ?d dct:issued ?issued }
  }
}"""
_Q_CONCEPT_LABELS = """
SELECT ?c ?label WHERE {
  ?c skos:prefLabel ?label FILTER(lang(?label) = "" || langMatches(lang(?label), "en"))
}
"""


def to_networkx(
    graph: Graph, *, valid_times: Mapping[URIRef, ValidTime] | None = None
) -> nx.MultiDiGraph:
    """Project the deal graph onto a NetworkX multigraph for maps and graph algorithms.

    **Nodes** are organizations, products, agreements and clauses, keyed by IRI string,
    each with these attributes:

    - ``kind``: ``"organization"``, ``"product"``, ``"agreement"`` or ``"clause"``;
    - ``label``: ``rdfs:label`` (else ``skos:prefLabel``, else the IRI's local name);
    - ``types``: sorted class names (``["Agreement", "DefinitiveAgreement"]``);
    - ``alt_labels``, ``status``, ``agreement_types`` (sorted), ``clause_type``: labels
      of the concepts (``skos:prefLabel`` when the schemes are in the graph, else the
      concept's local name in words), or empty/``None``;
    - ``dates``: ``{"announcedOn": {"date": "2023-06-01", "precision": "month",
      "text": "2023-06"}, ...}`` for every date property present;
    - ``amounts``: sorted texts such as ``"$250 million (USD 250000000, exact,
      investment amount)"``; ``money``: the same amounts as ``{"text", "value",
      "currency", "kind"}`` dicts (``value`` a float or ``None``), for short labels;
    - ``values``: clause values as text (``scope``, ``percentage``, ``isExclusive``,
      ``isNegated``, ``obligor``/``beneficiary`` as organization labels);
    - ``flags``: ``mentionedInPassing`` / ``dateInferredFromDocument`` when present;
    - ``evidence``: sorted ``{"quote", "url", "title", "date"}`` dicts (``date``: the
      document's ``dct:issued``, ``YYYY-MM-DD``; values may be ``None``;
      URLs are passed through unchecked: renderers must filter schemes);
    - ``in_force_from`` / ``in_force_until`` / ``ended_on``: ISO dates or ``None``, the
      valid time of an agreement or clause computed by :mod:`kg.lineage.validity` (the
      one definition of "in force"): its start (stated, or inferred from the announcing
      article's date), its last day (inclusive), and the earliest start of what
      supersedes or terminates it (exclusive);
    - ``binding``: ``False`` for what is never in force (MOUs, non-binding agreements and
      their clauses, removals); ``start_inferred``: the start is the article's date;
    - ``undated``: ``True`` for an agreement or clause with no start date;
    - ``in_force``: ``[first, stop]``, the days ``first <= day < stop`` (either ``None``:
      unbounded) on which the rule finds it in force or of unknown start
      (:func:`kg.lineage.validity.in_force_interval`), or ``None``: never.

    **Edges** (key = label, attribute ``label`` and ``predicate``):

    - agreement → organization: the role (``"investor"``, ``"licensee"``, …), or
      ``"party"`` for a ``dk:hasParty`` with no role;
    - agreement → clause ``"hasClause"``; agreement → clause ``"terminates"``;
    - product → organization ``"ownedBy"``; organization → organization ``"subsidiaryOf"``;
    - clause → clause ``"supersedes"`` (``dk:supersedesClause``);
    - agreement → agreement ``"amends"``, ``"supersedes"``, ``"extends"``.

    Links to things that are not nodes (an untyped IRI) are left out.

    *valid_times*, when given, are the graph's valid times by node, as its build computed
    them (:meth:`kg.knowledge.KnowledgeGraph.valid_times`), so the lineage is not ordered
    again to find them.
    """
    concept_labels = _concept_labels(graph)
    g = nx.MultiDiGraph()
    for iri, kind, types in _nodes(graph):
        g.add_node(iri, **_empty_attributes(iri, kind, types))
    _add_properties(graph, g, concept_labels)
    _add_amounts(graph, g, concept_labels)
    _add_evidence(graph, g)
    _add_periods(g, Lineage(graph).valid_times() if valid_times is None else valid_times)
    return g


def company_network(g: nx.MultiDiGraph) -> nx.Graph:
    """The company–company view of a projection: one edge per pair of organizations.

    Nodes are the organizations of *g* (attributes copied, plus ``deals``: the number
    of agreements the organization is a party to). An edge joins two organizations that
    are parties to at least one common agreement; ``deals`` counts those agreements and
    ``agreements`` lists their IRIs, sorted.
    """
    net = nx.Graph()
    parties: dict[str, set[str]] = defaultdict(set)
    for source, target, data in g.edges(data=True):
        if is_party_edge(g, source, target, data):
            parties[source].add(target)
    deals: dict[str, int] = defaultdict(int)
    for agreement in sorted(parties):
        for org in parties[agreement]:
            deals[org] += 1
        for a, b in combinations(sorted(parties[agreement]), 2):
            if not net.has_edge(a, b):
                net.add_edge(a, b, agreements=[])
            net.edges[a, b]["agreements"].append(agreement)
    for node, data in g.nodes(data=True):
        if data["kind"] == "organization":
            net.add_node(node, **data, deals=deals[node])
    for _a, _b, data in net.edges(data=True):
        data["agreements"].sort()
        data["deals"] = len(data["agreements"])
    return net


def is_party_edge(g: nx.MultiDiGraph, source: str, target: str, data: dict[str, Any]) -> bool:
    """Whether the edge *source* → *target* makes the organization a party to the agreement."""
    return bool(
        g.nodes[source]["kind"] == "agreement"
        and g.nodes[target]["kind"] == "organization"
        and data["predicate"] in _PARTY_PREDICATES
    )


_PARTY_PREDICATES = frozenset({str(DK.hasParty), *(str(p) for p in _ROLES)})


# --- reading -------------------------------------------------------------------


def _values(terms: Iterable[URIRef]) -> str:
    return " ".join(f"<{t}>" for t in terms)


def _nodes(graph: Graph) -> list[tuple[str, str, list[str]]]:
    types: dict[str, set[URIRef]] = defaultdict(set)
    for s, t in select(graph, _Q_NODES % _values(_KINDS)):
        if isinstance(s, URIRef) and isinstance(t, URIRef):
            types[str(s)].add(t)
    nodes = []
    for iri in sorted(types):
        kinds = {_KINDS[t] for t in types[iri]}
        # a resource typed as two kinds is a builder bug; the first kind in a fixed
        # order keeps the map deterministic rather than failing the whole render
        kind = sorted(kinds, key=["agreement", "clause", "product", "organization"].index)[0]
        nodes.append((iri, kind, sorted(local_name(t) for t in types[iri])))
    return nodes


def _empty_attributes(iri: str, kind: str, types: list[str]) -> dict[str, Any]:
    return {
        "kind": kind,
        "label": None,
        "types": types,
        "alt_labels": [],
        "status": None,
        "agreement_types": [],
        "clause_type": None,
        "dates": {},
        "amounts": [],
        "money": [],
        "values": {},
        "flags": {},
        "evidence": [],
        "in_force_from": None,
        "in_force_until": None,
        "ended_on": None,
        "binding": False,
        "start_inferred": False,
        "undated": False,
        "in_force": None,
    }


def _add_properties(graph: Graph, g: nx.MultiDiGraph, concepts: dict[str, str]) -> None:
    predicates = [
        RDFS.label,
        SKOS.prefLabel,
        SKOS.altLabel,
        DK.hasParty,
        *_ROLES,
        *_LINKS,
        *_DATES,
        *_DATES.values(),
        *_VALUES,
        *_FLAGS,
        *_CONCEPTS,
    ]
    rows = sorted(
        (str(s), str(p), o)
        for s, p, o in select(graph, _Q_PROPS % _values(predicates))
        if str(s) in g and o is not None
    )
    precisions = {(s, p): str(o) for s, p, o in rows if URIRef(p) in _DATES.values()}
    for s, p, o in rows:
        _apply(g, s, URIRef(p), o, concepts, precisions)
    _finish_labels(g)
    _add_role_edges(g, rows)


def _apply(
    g: nx.MultiDiGraph,
    s: str,
    p: URIRef,
    o: Node,
    concepts: dict[str, str],
    precisions: dict[tuple[str, str], str],
) -> None:
    node = g.nodes[s]
    if p == RDFS.label and node["label"] is None:
        node["label"] = str(o)
    elif p == SKOS.prefLabel:
        node.setdefault("_pref", str(o))
    elif p == SKOS.altLabel:
        node["alt_labels"].append(str(o))
    elif p in _LINKS and str(o) in g:
        g.add_edge(s, str(o), key=_LINKS[p], label=_LINKS[p], predicate=str(p))
    elif p in _DATES:
        precision = local_name(URIRef(precisions.get((s, str(_DATES[p])), "Day"))).lower()
        node["dates"][local_name(p)] = _date(str(o), precision)
    elif p in _VALUES:
        node["values"][local_name(p)] = _value_text(g, o)
    elif p in _FLAGS and isinstance(o, Literal):
        node["flags"][local_name(p)] = bool(o.toPython())
    elif p == DK.status:
        node["status"] = _concept(o, concepts)
    elif p == DK.agreementType:
        node["agreement_types"].append(_concept(o, concepts))
    elif p == DK.clauseType:
        node["clause_type"] = _concept(o, concepts)


def _finish_labels(g: nx.MultiDiGraph) -> None:
    for iri, node in g.nodes(data=True):
        pref = node.pop("_pref", None)
        node["label"] = node["label"] or pref or local_name(URIRef(iri))
        node["alt_labels"] = sorted(set(node["alt_labels"]) - {node["label"]})
        node["agreement_types"] = sorted(set(node["agreement_types"]))
    # obligor/beneficiary were read as IRIs; show them by label
    for _iri, node in g.nodes(data=True):
        for key in ("obligor", "beneficiary"):
            if key in node["values"] and node["values"][key] in g:
                node["values"][key] = g.nodes[node["values"][key]]["label"]


def _add_role_edges(g: nx.MultiDiGraph, rows: list[tuple[str, str, Node]]) -> None:
    roles: dict[tuple[str, str], set[str]] = defaultdict(set)
    for s, p, o in rows:
        if URIRef(p) in _ROLES or URIRef(p) == DK.hasParty:
            if str(o) in g and g.nodes[s]["kind"] == "agreement":
                roles[(s, str(o))].add(p)
    for (agreement, org), predicates in sorted(roles.items()):
        named = sorted(p for p in predicates if URIRef(p) in _ROLES)
        for p in named or [str(DK.hasParty)]:
            label = _ROLES.get(URIRef(p), "party")
            g.add_edge(agreement, org, key=label, label=label, predicate=p)


def _add_amounts(graph: Graph, g: nx.MultiDiGraph, concepts: dict[str, str]) -> None:
    for s, _a, label, value, currency, qualifier, kind in select(graph, _Q_AMOUNTS):
        if str(s) not in g:
            continue
        details = [f"{currency or ''} {_number(value)}".strip() if value is not None else ""]
        details += [_concept(c, concepts).lower() for c in (qualifier, kind) if c is not None]
        text = str(label) if label is not None else details[0] or "amount"
        extra = ", ".join(d for d in details if d and d != text)
        g.nodes[str(s)]["amounts"].append(f"{text} ({extra})" if extra else text)
        g.nodes[str(s)]["money"].append(
            {
                "text": str(label) if label is not None else None,
                "value": float(str(value)) if _is_number(value) else None,
                "currency": str(currency) if currency is not None else None,
                "kind": _concept(kind, concepts).lower() if kind is not None else None,
            }
        )
    for _iri, node in g.nodes(data=True):
        node["amounts"] = sorted(set(node["amounts"]))
        node["money"] = sorted(
            {json.dumps(m, sort_keys=True): m for m in node["money"]}.values(),
            key=lambda m: json.dumps(m, sort_keys=True),
        )


def _add_evidence(graph: Graph, g: nx.MultiDiGraph) -> None:
    seen: dict[str, set[tuple[str, str, str, str]]] = defaultdict(set)
    for s, _m, quote, url, title, issued in select(graph, _Q_EVIDENCE):
        if str(s) in g:
            seen[str(s)].add((_text(quote), _text(url), _text(title), _text(issued)[:10]))
    for iri, items in seen.items():
        g.nodes[iri]["evidence"] = [
            {"quote": q or None, "url": u or None, "title": t or None, "date": d or None}
            for q, u, t, d in sorted(items)
        ]


def _concept_labels(graph: Graph) -> dict[str, str]:
    labels: dict[str, str] = {}
    for c, label in sorted(select(graph, _Q_CONCEPT_LABELS), key=str):
        labels.setdefault(str(c), str(label))
    return labels


# --- periods in force ----------------------------------------------------------


def _add_periods(g: nx.MultiDiGraph, times: Mapping[URIRef, ValidTime]) -> None:
    """Each agreement's and clause's valid time, as :mod:`kg.lineage.validity` computes it
    for every surface, so the map's slider only compares a day with these bounds."""
    for iri, node in g.nodes(data=True):
        if node["kind"] not in ("agreement", "clause"):
            continue
        time = times.get(URIRef(iri))
        if time is None:  # not a record the lineage reads (no type of its own)
            node["undated"] = True
            continue
        ended = ended_on(time, times)
        node["in_force_from"] = time.start.iso if time.start else None
        node["in_force_until"] = time.end.iso if time.end else None
        node["ended_on"] = ended.iso if ended else None
        node["binding"] = time.binding
        node["start_inferred"] = time.start_inferred
        node["undated"] = time.start is None
        interval = in_force_interval(time, times)
        node["in_force"] = list(interval) if interval is not None else None


# --- small helpers ----------------------------------------------------------------


def _words(name: str) -> str:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name)
    return spaced[:1].upper() + spaced[1:].lower()


def _concept(term: Node, concepts: dict[str, str]) -> str:
    return concepts.get(str(term)) or _words(local_name(str(term)))


def _date(iso: str, precision: str) -> dict[str, str]:
    text = {"year": iso[:4], "month": iso[:7]}.get(precision, iso)
    return {"date": iso, "precision": precision, "text": text}


def _value_text(g: nx.MultiDiGraph, o: Node) -> str:
    if isinstance(o, Literal):
        value = o.toPython()
        if isinstance(value, bool):
            return "yes" if value else "no"
        return _number(o) if isinstance(value, int | float) or o.datatype else str(o)
    return str(o)  # an IRI: replaced by the node's label once all labels are known


def _number(term: Node | None) -> str:
    text = str(term)
    if re.fullmatch(r"-?\d+\.0*", text):
        return text.split(".")[0]
    return text


def _is_number(term: Node | None) -> bool:
    try:
        float(str(term)) if term is not None else None
    except ValueError:
        return False
    return term is not None


def _text(term: Node | None) -> str:
    return "" if term is None else str(term)
