"""The facts export: one JSON object per input file, read back from the RDF graph.

The facts are read from the built graph (through :mod:`kg.rdf.snapshot`, the one reader
of a graph), never from in-memory extraction records, so they check exactly what users get. The format is defined in
``shared/corpus/README.md`` (organizations with aliases; agreements with type,
parties, roles, date at its stated precision, status, amounts, clauses, evidence).
"""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path, PurePath
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from kg.extract.orgs import canonical_name
from kg.rdf.graphs import write_atomic
from kg.rdf.snapshot import Props, all_values, instances, one, select
from kg.rdf.types import agreement_type_iris, clause_type_iris, type_priority
from kg.rdf.vocab import (
    DK,
    NIF,
    PRECISIONS,
    ROLE_PROPERTIES,
    STATUSES,
)

# When an agreement has several subject-matter types, the facts "type" is the first
# it has in rank order (the most specific kind of deal; kg.rdf.types).
_TYPE_NAMES: dict[Node | None, str] = {iri: name for name, iri in agreement_type_iris().items()}
_CLAUSE_NAMES: dict[Node | None, str] = {iri: name for name, iri in clause_type_iris().items()}
_STATUS_NAMES: dict[Node | None, str] = {iri: name for name, iri in STATUSES.items()}
_PRECISION_NAMES: dict[Node | None, str] = {iri: name for name, iri in PRECISIONS.items()}
_ROLE_NAMES = {iri: name for name, iri in ROLE_PROPERTIES.items() if name != "provider"}
_DATE_ORDER = (DK.signedOn, DK.announcedOn, DK.effectiveFrom)

Q_DOCUMENTS = """
SELECT ?doc ?source WHERE { ?doc a dk:SourceDocument ; dct:source ?source }
"""
Q_ORGS = """
SELECT DISTINCT ?doc ?org ?m ?text ?begin WHERE {
  ?org a dk:Organization ; dk:evidence ?m .
  ?m dk:inDocument ?doc ; nif:anchorOf ?text ; nif:beginIndex ?begin .
}
"""
Q_AGREEMENTS = """
SELECT DISTINCT ?doc ?agreement WHERE {
  ?agreement a dk:Agreement ; dk:evidence ?m . ?m dk:inDocument ?doc .
}
"""


def source_stem(source: str) -> str:
    """The facts file stem for a document's source (``seeds/a.txt#3`` → ``a``)."""
    path = source.split("#", 1)[0]
    return PurePath(path).stem if path not in {"", "-"} else "stdin"


class _Index:
    """Every property of the nodes the facts need, read with :func:`kg.rdf.snapshot.instances`."""

    CLASSES = (DK.Agreement, DK.Clause, DK.MonetaryAmount, DK.Mention, DK.Organization)

    def __init__(self, graph: Graph) -> None:
        self.props: Props = {}
        for cls in self.CLASSES:
            self.props.update(instances(graph, cls))

    def _of(self, node: Node) -> dict[URIRef, list[Node]]:
        return self.props.get(node, {}) if isinstance(node, URIRef) else {}

    def one(self, node: Node, prop: URIRef) -> Node | None:
        return one(self._of(node), prop)

    def all(self, node: Node, prop: URIRef) -> list[Node]:
        return all_values(self._of(node), prop)

    def label(self, node: Node) -> str:
        value = self.one(node, RDFS.label)
        return str(value) if value is not None else str(node)

    def quote(self, node: Node) -> str | None:
        mentions = self.all(node, DK.evidence)
        if not mentions:
            return None
        first = min(mentions, key=lambda m: int(str(self.one(m, NIF.beginIndex) or 0)))
        value = self.one(first, NIF.anchorOf)
        return str(value) if value is not None else None


def _date_at_precision(
    index: _Index, node: Node, prop: URIRef, precision_prop: URIRef
) -> str | None:
    value = index.one(node, prop)
    if value is None:
        return None
    precision = _PRECISION_NAMES.get(index.one(node, precision_prop), "day")
    text = str(value)
    return {"year": text[:4], "month": text[:7]}.get(precision, text)


def _number(value: Node | None) -> int | float | None:
    if value is None:
        return None
    number = Decimal(str(value))
    return int(number) if number == number.to_integral_value() else float(number)


def _amount_facts(index: _Index, amount: Node) -> dict[str, Any]:
    return {
        "value": _number(index.one(amount, DK.amountValue)),
        "currency": str(index.one(amount, DK.currency)),
        "text": index.label(amount),
    }


def _clause_facts(index: _Index, clause: Node) -> dict[str, Any]:
    type_iri = index.one(clause, DK.clauseType)
    facts: dict[str, Any] = {"type": _CLAUSE_NAMES.get(type_iri, "other")}
    percentage = index.one(clause, DK.percentage)
    amount = index.one(clause, DK.hasAmount)
    years = index.one(clause, DK.durationYears)
    if percentage is not None:
        facts["value"] = _number(percentage)
    elif amount is not None:
        facts["value"] = _number(index.one(amount, DK.amountValue))
    elif years is not None:
        facts["value"] = _number(years)
    until = _date_at_precision(index, clause, DK.validUntil, DK.validUntilPrecision)
    if until:
        facts["until"] = until
    exclusive = index.one(clause, DK.isExclusive)
    if exclusive is not None:
        facts["exclusive"] = str(exclusive) == "true"
    if str(index.one(clause, DK.isNegated)) == "true":
        facts["ended"] = True
    facts["text"] = index.quote(clause)
    return facts


def _agreement_type(index: _Index, agreement: Node) -> str:
    classes = set(index.all(agreement, RDF.type))
    if DK.MemorandumOfUnderstanding in classes:
        return "mou"
    if DK.Amendment in classes:
        return "amendment"
    names = {_TYPE_NAMES.get(t) for t in index.all(agreement, DK.agreementType)}
    return next((t for t in type_priority() if t in names), "other")


def _agreement_facts(index: _Index, agreement: Node, names: dict[Node, str]) -> dict[str, Any]:
    date = None
    for prop in _DATE_ORDER:
        precision_prop = URIRef(str(prop) + "Precision")
        date = _date_at_precision(index, agreement, prop, precision_prop)
        if date:
            break

    def label(org: Node) -> str:
        return names.get(org) or index.label(org)

    roles: dict[str, str] = {}
    for prop, name in _ROLE_NAMES.items():
        for org in index.all(agreement, prop):
            roles.setdefault(name, label(org))
    status = index.one(agreement, DK.status)
    amounts = [_amount_facts(index, a) for a in index.all(agreement, DK.hasAmount)]
    clauses = [_clause_facts(index, c) for c in index.all(agreement, DK.hasClause)]
    return {
        "type": _agreement_type(index, agreement),
        "parties": sorted(label(p) for p in index.all(agreement, DK.hasParty)),
        "roles": dict(sorted(roles.items())),
        "date": date,
        "status": _STATUS_NAMES.get(status) if status is not None else None,
        "amounts": sorted(amounts, key=lambda a: (a["currency"], a["value"] or 0)),
        "clauses": sorted(clauses, key=lambda c: (c["type"], str(c.get("value")), c["text"] or "")),
        "evidence": index.quote(agreement),
        "iri": str(agreement),
    }


def facts_by_source(graph: Graph) -> dict[str, dict[str, Any]]:
    """Facts for each input file stem, from the graph (see the module docstring)."""
    index = _Index(graph)
    stems: dict[Node | None, str] = {
        doc: source_stem(str(src)) for doc, src in select(graph, Q_DOCUMENTS)
    }
    surfaces: dict[str, dict[Node, list[tuple[str, int, str]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for doc, org, _mention, text, begin in select(graph, Q_ORGS):
        if doc in stems and org is not None:
            surfaces[stems[doc]][org].append((str(doc), int(str(begin)), str(text)))
    agreements: dict[str, set[Node]] = defaultdict(set)
    for doc, agreement in select(graph, Q_AGREEMENTS):
        if doc in stems and agreement is not None:
            agreements[stems[doc]].add(agreement)
    result: dict[str, dict[str, Any]] = {}
    for stem in sorted(set(stems.values())):
        named = {org: _local_names(found) for org, found in surfaces[stem].items()}
        names = {org: name for org, (name, _) in named.items()}
        result[stem] = {
            "organizations": [
                {"name": name, "aliases": sorted(aliases)}
                for name, aliases in sorted(named.values())
            ],
            "agreements": [
                _agreement_facts(index, a, names) for a in sorted(agreements[stem], key=str)
            ],
        }
    return result


def _local_names(mentions: list[tuple[str, int, str]]) -> tuple[str, list[str]]:
    """An organisation's name and aliases as its file names it, not as other files do:
    the facts of a file are the same whether it is built alone or with others (the
    graph's labels are chosen across all documents)."""
    texts = [text for _, _, text in sorted(mentions)]
    name = canonical_name(texts)
    return name, [text for text in dict.fromkeys(texts) if text != name]


def write_facts(graph: Graph, out_dir: str | Path) -> list[Path]:
    """Write ``<stem>.json`` per input file into *out_dir*; returns the paths written."""
    out = Path(out_dir)
    written = []
    for stem, facts in facts_by_source(graph).items():
        path = out / f"{stem}.json"
        data = json.dumps(facts, indent=1, ensure_ascii=False, sort_keys=False) + "\n"
        write_atomic(path, data.encode("utf-8"))
        written.append(path)
    return written
