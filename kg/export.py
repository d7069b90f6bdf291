"""Write a knowledge graph in the formats other tools read.

RDF formats (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML) carry the whole graph and
parse back to an isomorphic graph; GraphML and GEXF carry the NetworkX projection for
Gephi/Cytoscape/yEd; CSV writes one readable table per class for spreadsheets.

Every writer is deterministic (the same graph gives the same bytes: triples, nodes,
rows and JSON keys are sorted) and writes atomically through ``kg.rdf.graphs.write_atomic``.

Named graphs (N-Quads, TriG): the graph name of a document's facts is the document's
own IRI. A node's triples all go to one graph, chosen by the node's "home":

* a ``dk:SourceDocument`` is its own home; a ``dk:Mention`` lives in its ``dk:inDocument``;
* organizations and products are shared across documents, so they live in the one
  shared graph ``dkid:graph-entities`` (putting them in every document graph that
  mentions them would copy their triples once per document);
* any other node with ``dk:evidence`` (agreements, clauses, amounts) lives in the
  document of its first evidence mention, ordering mentions by IRI;
* everything else (a node without evidence, concepts, runs) goes to the shared graph.

Each triple is in exactly one named graph, so the union of the graphs is the source.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import networkx as nx
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from kg.errors import GraphError
from kg.rdf.graphs import (
    LINE_SEPARATORS,
    escape_line_separators,
    ntriples_term,
    sorted_triples,
    triple_count,
    turtle_bytes,
    write_atomic,
)
from kg.rdf.iris import iri_for
from kg.rdf.vocab import DK, ID, NIF, PREFIXES, SCHEMA

FORMATS: tuple[str, ...] = (
    *("turtle", "nt", "nquads", "trig", "jsonld", "xml", "graphml", "gexf", "csv"),
)
"""Format names accepted by :func:`export_graph`."""

FORMAT_ALIASES: dict[str, str] = {
    "ttl": "turtle",
    "ntriples": "nt",
    "n-triples": "nt",
    "nq": "nquads",
    "n-quads": "nquads",
    "json-ld": "jsonld",
    "rdfxml": "xml",
    "rdf/xml": "xml",
    "rdf": "xml",
}
"""The other names people give the formats (rapper's, riot's and rdflib's), by format."""

SUFFIXES: dict[str, str] = {
    "turtle": ".ttl",
    "nt": ".nt",
    "nquads": ".nq",
    "trig": ".trig",
    "jsonld": ".jsonld",
    "xml": ".rdf",
    "graphml": ".graphml",
    "gexf": ".gexf",
    "csv": "",
}
"""The usual file suffix of each format (CSV writes a directory)."""

# kg.rdf.iris has no "graph" kind yet; this is the one place the shared graph name is spelt.
ENTITIES_GRAPH = iri_for("graph", "entities")
"""Named graph holding organizations, products and nodes without evidence."""

_SHARED_CLASSES = frozenset({DK.Organization, DK.Product})


@dataclass(frozen=True)
class ExportStats:
    """What an export wrote: the files, and counts to show the user."""

    fmt: str
    files: tuple[Path, ...]
    triples: int
    graphs: int = 0  # named graphs (N-Quads, TriG)
    nodes: int = 0  # GraphML / GEXF
    edges: int = 0
    rows: int = 0  # CSV, over all tables


def canonical_format(name: str) -> str:
    """The export format a user's name for it means (``ttl`` → ``turtle``, ``json-ld`` →
    ``jsonld``, ``rdfxml`` → ``xml``, ``ntriples`` → ``nt``…), case-insensitively.

    :raises GraphError: for a name that is no format, listing the ones there are.
    """
    key = name.strip().lower()
    fmt = FORMAT_ALIASES.get(key, key)
    if fmt not in FORMATS:
        known = ", ".join((*FORMATS, *FORMAT_ALIASES))
        raise GraphError(f"unknown export format {name!r}; choose one of {known}")
    return fmt


NETWORKS: tuple[str, ...] = ("full", "companies")
"""What GraphML and GEXF carry: the whole projection, or the company–company network."""


def export_graph(graph: Graph, fmt: str, out: Path, network: str = "full") -> ExportStats:
    """Write *graph* as *fmt* (one of :data:`FORMATS` or :data:`FORMAT_ALIASES`) to *out*
    (a directory for ``csv``); *network* (:data:`NETWORKS`) picks what GraphML and GEXF hold.

    :raises GraphError: for an unknown format or network, or a graph the format cannot hold.
    """
    fmt = canonical_format(fmt)
    if fmt == "csv":
        _check_network(fmt, network)
        return _export_csv(graph, Path(out))
    data, stats = export_bytes(graph, fmt, network)
    write_atomic(out, data)
    return replace(stats, files=(Path(out),))


def export_bytes(graph: Graph, fmt: str, network: str = "full") -> tuple[bytes, ExportStats]:
    """*graph* as *fmt*, one file's bytes (for standard output); every format but ``csv``.

    :raises GraphError: for ``csv`` (a directory of tables) or an unknown format.
    """
    fmt = canonical_format(fmt)
    _check_network(fmt, network)
    if fmt in _NETWORK_ENCODERS:
        return _NETWORK_ENCODERS[fmt](graph, network)
    encoder = _ENCODERS.get(fmt)
    if encoder is None:
        raise GraphError(f"{fmt} export writes a directory of tables; give it a folder with -o")
    return encoder(graph)


def _check_network(fmt: str, network: str) -> None:
    if network not in NETWORKS:
        raise GraphError(f"unknown network {network!r}; choose one of {', '.join(NETWORKS)}")
    if network != "full" and fmt not in _NETWORK_ENCODERS:
        raise GraphError(
            f"the {network} network is a GraphML or GEXF export; {fmt} carries the whole graph"
        )


# --------------------------------------------------------------------------- RDF


Encoded = tuple[bytes, ExportStats]
"""A one-file export's bytes and its counts (no files yet)."""


def _encoded(fmt: str, graph: Graph, data: bytes, graphs: int = 0) -> Encoded:
    return data, ExportStats(fmt=fmt, files=(), triples=triple_count(graph), graphs=graphs)


def _export_turtle(graph: Graph) -> Encoded:
    return _encoded("turtle", graph, turtle_bytes(graph))


def _nt_line(triple: tuple[Node, Node, Node], graph_name: URIRef | None = None) -> str:
    s, p, o = triple
    parts = [ntriples_term(s), ntriples_term(p), ntriples_term(o)]
    if graph_name is not None:
        parts.append(graph_name.n3())
    return " ".join(parts) + " .\n"


def ntriples_bytes(graph: Graph) -> bytes:
    """Deterministic N-Triples for *graph* (lines sorted)."""
    return "".join(sorted(_nt_line(t) for t in graph)).encode("utf-8")


def _export_nt(graph: Graph) -> Encoded:
    return _encoded("nt", graph, ntriples_bytes(graph))


def named_graphs(graph: Graph) -> dict[URIRef, Graph]:
    """Split *graph* into named graphs, one per source document plus the shared one.

    See the module docstring for the rule; every triple lands in exactly one graph.
    """
    homes = _homes(graph)
    split: dict[URIRef, Graph] = {}
    for triple in graph:
        name = homes.get(triple[0], ENTITIES_GRAPH)
        split.setdefault(name, Graph()).add(triple)
    return dict(sorted(split.items()))


def _homes(graph: Graph) -> dict[Node, URIRef]:
    homes: dict[Node, URIRef] = {}
    for doc in graph.subjects(RDF.type, DK.SourceDocument):
        if isinstance(doc, URIRef):
            homes[doc] = doc
    mention_doc: dict[Node, URIRef] = {}
    for mention, doc in graph.subject_objects(DK.inDocument):
        if isinstance(doc, URIRef):
            mention_doc[mention] = doc
            homes[mention] = doc
    shared = {s for cls in _SHARED_CLASSES for s in graph.subjects(RDF.type, cls)}
    evidence: dict[Node, list[str]] = {}
    for node, mention in graph.subject_objects(DK.evidence):
        if node not in shared and node not in homes and mention in mention_doc:
            evidence.setdefault(node, []).append(str(mention))
    for node, mentions in evidence.items():
        homes[node] = mention_doc[URIRef(min(mentions))]
    return homes


def _export_nquads(graph: Graph) -> Encoded:
    lines: list[str] = []
    split = named_graphs(graph)
    for name, part in split.items():
        lines.extend(_nt_line(t, name) for t in part)
    return _encoded("nquads", graph, "".join(sorted(lines)).encode(), len(split))


def _export_trig(graph: Graph) -> Encoded:
    split = named_graphs(graph)
    prefixes = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(PREFIXES.items()))
    blocks = [prefixes]
    for name, part in split.items():
        body = _strip_prefixes(turtle_bytes(part).decode("utf-8"))
        blocks.append(f"\n{_qname(name)} {{\n{body}\n}}\n")
    return _encoded("trig", graph, "".join(blocks).encode("utf-8"), len(split))


def _strip_prefixes(turtle: str) -> str:
    # TriG allows @prefix only outside graph blocks; they are written once at the top.
    # split on "\n" only: str.splitlines also cuts at U+2028, U+0085… inside a literal
    lines = turtle.split("\n")
    body = [line for line in lines if not line.startswith("@prefix ")]
    return "\n".join(body).strip("\n")


def _qname(iri: URIRef) -> str:
    text = str(iri)
    local = text.removeprefix(str(ID))
    if local != text and local[:1].isalnum() and local.replace("-", "").replace("_", "").isalnum():
        return f"dkid:{local}"
    return iri.n3()


def _context_path() -> Path:
    here = Path(__file__).resolve().parent
    # installed wheels carry ontology/ as kg/_ontology (pyproject force-include)
    for candidate in (here / "_ontology", here.parent / "ontology"):
        path = candidate / "context.jsonld"
        if path.is_file():
            return path
    raise GraphError("ontology/context.jsonld not found; reinstall kg or run from the repository")


def jsonld_context() -> dict[str, Any]:
    """The JSON-LD ``@context`` object shipped as ``ontology/context.jsonld``."""
    data = json.loads(_context_path().read_text(encoding="utf-8"))
    context = data["@context"]
    if not isinstance(context, dict):
        raise GraphError(f"{_context_path()}: @context must be an object")
    return context


def _plain(term: Node) -> Node:
    # Oxigraph reports simple literals as xsd:string; RDF 1.1 says they are the same
    # literal, and writing them plain keeps "@type": "xsd:string" out of the JSON-LD.
    if isinstance(term, Literal) and term.datatype == XSD.string and not term.language:
        return Literal(str(term))
    return term


def _canonical_json(value: Any) -> Any:
    # JSON-LD arrays here are unordered sets (the data has no rdf:List), so sorting them
    # changes nothing in the graph and makes the output independent of hash order.
    if isinstance(value, dict):
        return {k: _canonical_json(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_canonical_json(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def jsonld_bytes(graph: Graph) -> bytes:
    """Deterministic compacted JSON-LD for *graph*, with the project context inlined."""
    context = jsonld_context()
    memory = Graph(bind_namespaces="none")
    for s, p, o in sorted_triples(graph):
        memory.add((s, p, _plain(o)))
    text = memory.serialize(format="json-ld", context=context, auto_compact=True)
    document = _canonical_json(json.loads(text))
    if isinstance(document, dict):
        document["@context"] = context  # keep the shipped context's own key order
    text = json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    return escape_line_separators(text.encode())


def _export_jsonld(graph: Graph) -> Encoded:
    return _encoded("jsonld", graph, jsonld_bytes(graph))


def rdfxml_bytes(graph: Graph) -> bytes:
    """Deterministic RDF/XML for *graph*: triples added in sorted order to a memory graph,
    whose serializer keeps that order, with the project prefixes."""
    memory = Graph(bind_namespaces="none")
    for prefix, namespace in sorted(PREFIXES.items()):
        memory.bind(prefix, namespace)
    for s, p, o in sorted_triples(graph):
        memory.add((s, p, _plain(o)))
    return memory.serialize(format="xml", encoding="utf-8")


def _export_xml(graph: Graph) -> Encoded:
    return _encoded("xml", graph, rdfxml_bytes(graph))


# ---------------------------------------------------------------- GraphML / GEXF


def _project(graph: Graph) -> nx.MultiDiGraph:
    """The NetworkX view of *graph* (``kg.network.view.to_networkx``), imported only when needed."""
    from kg.network.view import to_networkx

    return to_networkx(graph)


def _simple(value: Any) -> str | int | float | bool:
    # GraphML and GEXF hold scalars, typed per attribute: numbers and booleans stay what
    # they are (Gephi and networkx filter on them), dates become ISO strings, and lists or
    # mappings JSON, which any reader can parse back (never a Python repr)
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list | tuple | set | frozenset | dict):
        return json.dumps(_jsonable(value), ensure_ascii=False, sort_keys=True)
    return str(value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((_jsonable(v) for v in value), key=str)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    return _simple(value)


def _attrs(data: dict[str, Any]) -> dict[str, str | int | float | bool]:
    return {str(k): _simple(v) for k, v in sorted(data.items()) if v is not None}


def _flat_copy(view: nx.MultiDiGraph) -> nx.MultiDiGraph:
    # a sorted copy with string ids and scalar attributes: the same graph, same bytes
    flat = nx.MultiDiGraph()
    for node in sorted(view.nodes, key=str):
        if str(node) == "":
            raise GraphError("a node with an empty id cannot be written as GraphML/GEXF")
        flat.add_node(str(node), **_attrs(view.nodes[node]))
    edges = sorted(
        view.edges(keys=True, data=True),
        key=lambda e: (str(e[0]), str(e[1]), str(e[2]), json.dumps(_attrs(e[3]), sort_keys=True)),
    )
    seen: dict[tuple[str, str, str], int] = {}
    for source, target, key, data in edges:
        base = (str(source), str(target), str(key))
        n = seen.get(base, 0)
        seen[base] = n + 1
        edge_key = str(key) if n == 0 else f"{key}-{n}"
        flat.add_edge(str(source), str(target), key=edge_key, **_attrs(data))
    return flat


def _network_stats(fmt: str, graph: Graph, flat: nx.Graph) -> ExportStats:
    return ExportStats(
        fmt=fmt,
        files=(),
        triples=triple_count(graph),
        nodes=flat.number_of_nodes(),
        edges=flat.number_of_edges(),
    )


def _export_graphml(graph: Graph, network: str = "full") -> Encoded:
    flat = _network(graph, network)
    buffer = io.BytesIO()
    # edge ids from the (deduplicated) keys keep the file stable and readable
    nx.write_graphml(flat, buffer, encoding="utf-8", prettyprint=True)
    return _xml_line_separators(buffer.getvalue()), _network_stats("graphml", graph, flat)


def _export_gexf(graph: Graph, network: str = "full") -> Encoded:
    flat = _network(graph, network)
    buffer = io.BytesIO()
    nx.write_gexf(flat, buffer, encoding="utf-8", prettyprint=True)
    # networkx stamps today's date into <meta lastmodifieddate>; drop it for stable bytes
    data = _xml_line_separators(_drop_gexf_date(buffer.getvalue()))
    return data, _network_stats("gexf", graph, flat)


def _network(graph: Graph, network: str) -> nx.Graph:
    if network == "companies":
        return company_network_copy(graph)
    return _flat_copy(_project(graph))


_Q_AMOUNTS = """
SELECT ?agreement ?amount ?value ?currency WHERE {
  ?agreement dk:hasAmount ?amount . ?amount dk:amountValue ?value ; dk:currency ?currency .
}
"""


def company_network_copy(graph: Graph) -> nx.Graph:
    """The company–company network of *graph* for Gephi: one node per organisation
    (``label``, ``deals``: the agreements it is a party to), one undirected edge per pair
    that shares agreements, with ``deals`` (how many), ``agreements`` (their ids, JSON) and
    ``amount_<CUR>`` (the sum of their stated amounts in that currency, a number)."""
    from kg.network.view import company_network
    from kg.rdf.snapshot import select

    companies = company_network(_project(graph))
    amounts: dict[str, dict[str, dict[str, float]]] = {}
    for agreement, amount, value, unit in select(graph, _Q_AMOUNTS):
        per_amount = amounts.setdefault(str(agreement), {}).setdefault(str(unit), {})
        per_amount[str(amount)] = float(str(value))
    flat = nx.Graph()
    for node in sorted(companies.nodes, key=str):
        data = companies.nodes[node]
        flat.add_node(str(node), label=str(data.get("label", node)), deals=int(data["deals"]))
    for a, b in sorted((tuple(sorted((str(x), str(y)))) for x, y in companies.edges), key=str):
        shared = sorted(str(x) for x in companies.edges[a, b]["agreements"])
        totals: dict[str, float] = {}
        for iri in shared:
            for currency, values in amounts.get(iri, {}).items():
                totals[currency] = totals.get(currency, 0.0) + sum(values.values())
        flat.add_edge(
            a,
            b,
            deals=len(shared),
            agreements=json.dumps([_short(URIRef(x)) for x in shared]),
            **{f"amount_{currency}": total for currency, total in sorted(totals.items())},
        )
    return flat


def _xml_line_separators(data: bytes) -> bytes:
    """U+2028, U+2029 and U+0085 as character references: XML 1.1 readers turn them raw
    into line ends (and so would str.splitlines), a reference keeps the character."""
    for char in LINE_SEPARATORS:
        data = data.replace(char.encode("utf-8"), f"&#x{ord(char):04X};".encode("ascii"))
    return data


def _drop_gexf_date(data: bytes) -> bytes:
    text = data.decode("utf-8")
    start = text.find(' lastmodifieddate="')
    if start >= 0:
        end = text.index('"', start + len(' lastmodifieddate="'))
        text = text[:start] + text[end + 1 :]
    return text.encode("utf-8")


# --------------------------------------------------------------------------- CSV


@dataclass(frozen=True)
class _Column:
    """One CSV column: a header and how to read it from a node."""

    header: str
    read: Callable[[Graph, URIRef], Iterable[str]]


def _local(term: Node) -> str:
    text = str(term)
    for sep in ("#", "/"):
        if sep in text:
            text = text.rsplit(sep, 1)[1] or text
    return text


def _short(term: Node) -> str:
    text = str(term)
    for prefix, ns in PREFIXES.items():
        if text.startswith(ns) and len(text) > len(ns):
            return f"{prefix}:{text[len(ns) :]}"
    return text


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def _label(graph: Graph, node: Node) -> str:
    labels = sorted(str(v) for v in graph.objects(node, RDFS.label))
    return labels[0] if labels else _short(node)


def _values(pred: URIRef) -> Callable[[Graph, URIRef], Iterable[str]]:
    return lambda g, n: (str(v) for v in g.objects(n, pred))


def _labels(pred: URIRef) -> Callable[[Graph, URIRef], Iterable[str]]:
    return lambda g, n: (_label(g, v) for v in g.objects(n, pred))


def _concepts(pred: URIRef) -> Callable[[Graph, URIRef], Iterable[str]]:
    return lambda g, n: (_local(v) for v in g.objects(n, pred))


def _refs(pred: URIRef) -> Callable[[Graph, URIRef], Iterable[str]]:
    # a reference to a row of another table is its stable id: labels collide
    return lambda g, n: (_short(v) for v in g.objects(n, pred))


def _inverse_refs(pred: URIRef) -> Callable[[Graph, URIRef], Iterable[str]]:
    return lambda g, n: (_short(v) for v in g.subjects(pred, n))


def _evidence_docs(graph: Graph, node: URIRef) -> Iterable[str]:
    for mention in graph.objects(node, DK.evidence):
        yield from (_short(d) for d in graph.objects(mention, DK.inDocument))


def _evidence_quotes(graph: Graph, node: URIRef) -> Iterable[str]:
    for mention in graph.objects(node, DK.evidence):
        yield from (str(q) for q in graph.objects(mention, NIF.anchorOf))


def _identity(graph: Graph, node: URIRef) -> Iterable[str]:
    return (_short(node),)


def _mention_count(graph: Graph, node: URIRef) -> Iterable[str]:
    return (str(sum(1 for _ in graph.subjects(DK.inDocument, node))),)


_ID = _Column("id", _identity)
_LABEL = _Column("label", _labels(RDFS.label))
_DOCS = _Column("documents", _evidence_docs)
_QUOTES = _Column("evidence", _evidence_quotes)

_ROLES: tuple[str, ...] = (
    *("investor", "investee", "licensor", "licensee", "supplier", "customer"),
    *("acquirer", "target", "seller", "sponsor", "sponsee", "jointVenturePartner"),
)

_TABLES: dict[str, tuple[URIRef, tuple[_Column, ...]]] = {
    "organizations": (
        DK.Organization,
        (
            _ID,
            _LABEL,
            _Column("alt_labels", _values(SKOS.altLabel)),
            _Column("subsidiary_of", _refs(DK.subsidiaryOf)),
            _Column("agreements", _inverse_refs(DK.hasParty)),
            _DOCS,
        ),
    ),
    "agreements": (
        DK.Agreement,
        (
            _ID,
            _LABEL,
            _Column("kinds", _concepts(RDF.type)),
            _Column("agreement_types", _concepts(DK.agreementType)),
            _Column("status", _concepts(DK.status)),
            _Column("parties", _refs(DK.hasParty)),
            _Column("party_names", _labels(DK.hasParty)),
            *(_Column(_snake(role), _refs(DK[role])) for role in _ROLES),
            _Column("announced_on", _values(DK.announcedOn)),
            _Column("announced_precision", _concepts(DK.announcedOnPrecision)),
            _Column("signed_on", _values(DK.signedOn)),
            _Column("effective_from", _values(DK.effectiveFrom)),
            _Column("expires_on", _values(DK.expiresOn)),
            _Column("date_inferred", _values(DK.dateInferredFromDocument)),
            _Column("mentioned_in_passing", _values(DK.mentionedInPassing)),
            _Column("amounts", _refs(DK.hasAmount)),
            _Column("clauses", _refs(DK.hasClause)),
            _DOCS,
            _QUOTES,
        ),
    ),
    "clauses": (
        DK.Clause,
        (
            _ID,
            _LABEL,
            _Column("agreements", _inverse_refs(DK.hasClause)),
            _Column("clause_type", _concepts(DK.clauseType)),
            _Column("is_exclusive", _values(DK.isExclusive)),
            _Column("is_negated", _values(DK.isNegated)),
            _Column("scope", _values(DK.scope)),
            _Column("percentage", _values(DK.percentage)),
            _Column("obligor", _refs(DK.obligor)),
            _Column("beneficiary", _refs(DK.beneficiary)),
            _Column("valid_from", _values(DK.validFrom)),
            _Column("valid_until", _values(DK.validUntil)),
            _Column("amounts", _refs(DK.hasAmount)),
            _DOCS,
            _QUOTES,
        ),
    ),
    "amounts": (
        DK.MonetaryAmount,
        (
            _ID,
            _LABEL,
            _Column("value", _values(DK.amountValue)),
            _Column("currency", _values(DK.currency)),
            _Column("qualifier", _concepts(DK.amountQualifier)),
            _Column("kind", _concepts(DK.amountKind)),
            _Column("of", _inverse_refs(DK.hasAmount)),
            _DOCS,
            _QUOTES,
        ),
    ),
    "documents": (
        DK.SourceDocument,
        (
            _ID,
            _Column("title", _values(DCTERMS.title)),
            _Column("url", _values(SCHEMA.url)),
            _Column("publisher", _values(DCTERMS.publisher)),
            _Column("issued", _values(DCTERMS.issued)),
            _Column("retrieved_on", _values(DK.retrievedOn)),
            _Column("language", _values(DCTERMS.language)),
            _Column("part_of", (lambda g, n: (_short(v) for v in g.objects(n, DCTERMS.isPartOf)))),
            _Column("mentions", _mention_count),
        ),
    ),
}
"""One CSV table per class: file stem → (class, columns). Multiple values join with " | ".
Every table's ``id`` is the node's stable id (``dkid:…``), and a column that refers to
another table's rows holds their ids, so the tables join on ids (labels collide)."""


def _table_rows(graph: Graph, cls: URIRef, columns: Sequence[_Column]) -> list[list[str]]:
    nodes = sorted(n for n in graph.subjects(RDF.type, cls) if isinstance(n, URIRef))
    return [[" | ".join(sorted(set(c.read(graph, n)))) for c in columns] for n in nodes]


def _csv_bytes(header: Sequence[str], rows: Sequence[Sequence[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def table_csv(graph: Graph, table: str) -> bytes:
    """One CSV table (``organizations``, ``agreements``, …) of *graph* as UTF-8 bytes."""
    cls, columns = _TABLES[table]
    return _csv_bytes([c.header for c in columns], _table_rows(graph, cls, columns))


def _export_csv(graph: Graph, out: Path) -> ExportStats:
    if out.exists() and not out.is_dir():
        raise GraphError(f"{out}: CSV export writes a directory of tables, not one file")
    files: list[Path] = []
    rows = 0
    for table, (cls, columns) in sorted(_TABLES.items()):
        table_rows = _table_rows(graph, cls, columns)
        path = out / f"{table}.csv"
        write_atomic(path, _csv_bytes([c.header for c in columns], table_rows))
        files.append(path)
        rows += len(table_rows)
    return ExportStats(fmt="csv", files=tuple(files), triples=triple_count(graph), rows=rows)


_ENCODERS: dict[str, Callable[[Graph], Encoded]] = {
    "turtle": _export_turtle,
    "nt": _export_nt,
    "nquads": _export_nquads,
    "trig": _export_trig,
    "jsonld": _export_jsonld,
    "xml": _export_xml,
}

_NETWORK_ENCODERS: dict[str, Callable[[Graph, str], Encoded]] = {
    "graphml": _export_graphml,
    "gexf": _export_gexf,
}
