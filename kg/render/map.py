"""The interactive relationship map: one self-contained HTML file, no network access.

Nodes and edges are built with pyvis's ``Node``/``Edge`` records and drawn by the
vis-network library pyvis ships, inlined into our own template (``templates/``) so the
page opens offline. Positions come precomputed (:mod:`kg.render.layout`) and physics is
off in the browser, so even a graph of thousands of nodes is drawn at once. Labels and
deal tables come from :mod:`kg.render.labels`; "in force" is the valid time
:mod:`kg.lineage.validity` computed, passed to the page as dates to compare with.

The first view shows companies (sized by deals) and one diamond per agreement labelled
"kind · year · amount"; clauses are listed in the agreement's panel and drawn only when
the user asks, organisations without deals and products without an owner likewise.
Above a size the page opens on the graph's communities, one node each.
"""

from __future__ import annotations

import html
import json
import math
import re
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import networkx as nx
from pyvis.edge import Edge
from pyvis.node import Node
from rdflib import Graph, URIRef

from kg.errors import GraphError
from kg.lineage.validity import ValidTime
from kg.network.view import company_network, to_networkx
from kg.rdf.graphs import write_atomic
from kg.render.labels import (
    agreement_date,
    agreement_date_text,
    agreement_kind,
    agreement_labels,
    deal_rows,
    headline_amount,
    parties,
)
from kg.render.layout import SEED, Box, Plan, graph_layout, layout, node_box

DEFAULT_TITLE = "Deal relationship map"

# The Okabe–Ito palette (Okabe & Ito 2008), designed to stay distinct with every common
# form of colour blindness; shapes differ too, so colour is never the only cue.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
    "grey": "#7F7F7F",
}
# kind → (shape, fill, border); the legend is built from the same table
STYLES: dict[str, tuple[str, str, str]] = {
    "organization": ("dot", OKABE_ITO["blue"], "#004c7a"),
    "product": ("triangle", OKABE_ITO["bluish green"], "#006b4f"),
    "agreement": ("diamond", OKABE_ITO["orange"], "#8a5f00"),
    "clause": ("square", OKABE_ITO["reddish purple"], "#8f4f78"),
}
PASSING = (OKABE_ITO["yellow"], "#8a8300")  # an agreement only mentioned in passing
EDGE_COLOURS: dict[str, str] = {
    "hasClause": OKABE_ITO["reddish purple"],
    "supersedes": OKABE_ITO["vermillion"],
    "terminates": OKABE_ITO["vermillion"],
    "amends": OKABE_ITO["sky blue"],
    "extends": OKABE_ITO["sky blue"],
    "ownedBy": OKABE_ITO["bluish green"],
    "subsidiaryOf": OKABE_ITO["blue"],
}
_LINEAGE = ("supersedes", "terminates", "amends", "extends")
_ROLE_COLOUR = "#9aa5b1"
FONTS = {"organization": 14.0, "agreement": 12.0, "product": 11.0, "clause": 11.0}
_CLUSTER_FONT = 14.0
_LABEL_LIMIT = 28  # characters of a company or product label drawn (the panel has all)


@dataclass(frozen=True)
class RenderStats:
    """What a render produced."""

    nodes: int
    edges: int
    companies: int
    company_edges: int
    initial_view: str  # "full", "company" or "clusters"
    bytes: int
    seconds: float = field(default=0.0, compare=False)  # CPU seconds drawing it took


def render_html(
    graph: Graph,
    path: str | Path,
    *,
    max_nodes: int = 2000,
    title: str = DEFAULT_TITLE,
    valid_times: Mapping[URIRef, ValidTime] | None = None,
) -> RenderStats:
    """Write the relationship map of *graph* to *path* (atomically) and return its stats.

    Above *max_nodes* nodes the page opens on the graph's communities, with a notice.
    *valid_times* are the graph's as its build computed them (else they are computed).
    """
    started = time.process_time()
    page, stats = _page(graph, max_nodes=max_nodes, title=title, valid_times=valid_times)
    write_atomic(path, page.encode("utf-8"))
    return replace(stats, seconds=time.process_time() - started)


def html_for(
    graph: Graph,
    *,
    max_nodes: int = 2000,
    title: str = DEFAULT_TITLE,
    valid_times: Mapping[URIRef, ValidTime] | None = None,
) -> str:
    """The relationship map of *graph* as one self-contained HTML page (deterministic)."""
    return _page(graph, max_nodes=max_nodes, title=title, valid_times=valid_times)[0]


@dataclass(frozen=True)
class _Shown:
    """Which nodes the first view draws; the rest wait behind a toggle."""

    companies: frozenset[str]  # organisations with at least one deal
    products: frozenset[str]  # products whose owner is drawn
    hidden_orgs: frozenset[str]
    hidden_products: frozenset[str]


def _page(
    graph: Graph,
    *,
    max_nodes: int,
    title: str,
    valid_times: Mapping[URIRef, ValidTime] | None = None,
) -> tuple[str, RenderStats]:
    g = to_networkx(graph, valid_times=valid_times)
    companies = company_network(g)
    shown = _shown(g, companies)
    labels = agreement_labels(g)
    node_labels = {iri: _node_label(g, iri, labels) for iri in g.nodes}
    sizes = {iri: _size(g.nodes[iri], companies, iri) for iri in g.nodes}
    boxes = {
        iri: node_box(node_labels[iri], sizes[iri], FONTS[g.nodes[iri]["kind"]]) for iri in g.nodes
    }
    pos = layout(_plan(g, companies, shown, boxes))
    large = g.number_of_nodes() > max_nodes
    communities = _communities(companies, shown) if large else []
    view = "clusters" if large and communities else "company" if large else "full"
    full_nodes = _full_nodes(g, companies, shown, labels, node_labels, sizes, pos)
    company_edges = _company_edges(g, labels)
    data = {
        "title": title,
        "initialView": view,
        "notice": _notice(g.number_of_nodes(), max_nodes, view) if large else "",
        "counts": _counts(g, shown),
        "full": {"nodes": full_nodes, "edges": _full_edges(g)},
        "company": {
            "nodes": _company_nodes(g, companies, shown, sizes, pos),
            "edges": company_edges,
        },
        "clusters": _cluster_view(g, companies, communities) if communities else None,
        "timeline": _timeline(g, labels),
        "legend": _legend(g, shown, bool(communities)),
        "options": _options(large),
    }
    page = _fill(
        _template("map.html"),
        {
            "TITLE": html.escape(title),
            "VIS_CSS": _vis_asset("vis-network.css"),
            "MAP_CSS": _template("map.css"),
            "VIS_JS": _vis_asset("vis-network.min.js"),
            "DATA": script_json(data),
            "MAP_JS": _template("map.js"),
        },
    )
    stats = RenderStats(
        nodes=g.number_of_nodes(),
        edges=g.number_of_edges(),
        companies=companies.number_of_nodes(),
        company_edges=len(company_edges),
        initial_view=view,
        bytes=len(page.encode("utf-8")),
    )
    return page, stats


def _notice(n: int, max_nodes: int, view: str) -> str:
    if view == "clusters":
        return (
            f"This graph has {n:,} nodes, more than the {max_nodes:,} drawn at once: showing "
            "its communities. Click one to open it, or use “Companies” or “Deals” above."
        )
    return (
        f"This graph has {n:,} nodes, more than the {max_nodes:,} drawn at once: showing the "
        "company–company view. Use “Deals” to see every agreement."
    )


def _shown(g: nx.MultiDiGraph, companies: nx.Graph) -> _Shown:
    dealing = frozenset(iri for iri, d in companies.nodes(data=True) if d["deals"] > 0)
    owned = frozenset(
        s
        for s, t, k in g.edges(keys=True)
        if k == "ownedBy" and g.nodes[s]["kind"] == "product" and t in dealing
    )
    products = {iri for iri, d in g.nodes(data=True) if d["kind"] == "product"}
    return _Shown(
        companies=dealing,
        products=owned,
        hidden_orgs=frozenset(set(companies.nodes) - dealing),
        hidden_products=frozenset(products - owned),
    )


def _counts(g: nx.MultiDiGraph, shown: _Shown) -> dict[str, int]:
    kinds = [d["kind"] for _iri, d in g.nodes(data=True)]
    return {
        "companies": len(shown.companies),
        "agreements": kinds.count("agreement"),
        "clauses": kinds.count("clause"),
        "products": kinds.count("product"),
        "hiddenOrganizations": len(shown.hidden_orgs),
        "hiddenProducts": len(shown.hidden_products),
    }


def _plan(g: nx.MultiDiGraph, companies: nx.Graph, shown: _Shown, boxes: dict[str, Box]) -> Plan:
    links = nx.Graph()
    links.add_nodes_from(sorted(shown.companies))
    links.add_edges_from(
        (a, b) for a, b in companies.edges if a in shown.companies and b in shown.companies
    )
    links.add_edges_from(
        (s, t)
        for s, t, k in g.edges(keys=True)
        if k == "subsidiaryOf" and s in shown.companies and t in shown.companies
    )
    agreements = {
        iri: tuple(p["id"] for p in parties(g, iri))
        for iri, d in g.nodes(data=True)
        if d["kind"] == "agreement"
    }
    products = {
        s: t for s, t, k in sorted(g.edges(keys=True)) if k == "ownedBy" and s in shown.products
    }
    hidden: dict[str, str | None] = {iri: None for iri in shown.hidden_orgs | shown.hidden_products}
    for iri, d in g.nodes(data=True):
        if d["kind"] == "clause":
            owners = sorted(a for a, _c, k in g.in_edges(iri, keys=True) if k == "hasClause")
            hidden[iri] = owners[0] if owners else None
    order = {iri: agreement_date(g.nodes[iri]) or "~" for iri in agreements}
    return Plan(links, agreements, products, hidden, boxes, order)


def _communities(companies: nx.Graph, shown: _Shown) -> list[list[str]]:
    """Communities of the dealing companies (Louvain, seeded), largest first."""
    net = companies.subgraph(sorted(shown.companies))
    if net.number_of_nodes() < 2:
        return []
    found = nx.community.louvain_communities(net, seed=SEED)
    return sorted((sorted(c) for c in found), key=lambda c: (-len(c), c[0]))


# --- page assembly -------------------------------------------------------------------


def script_json(data: Any) -> str:
    """JSON that is safe inside an HTML ``<script>`` element.

    ``<``, ``>`` and ``&`` are escaped so no ``</script>`` or ``<!--`` can appear, and
    U+2028/U+2029 so the text is also valid JavaScript.
    """
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    for char, escape in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escape)
    return text


def safe_url(url: str | None) -> str | None:
    """*url* if it is an absolute http(s) URL, else ``None`` (``javascript:`` and the like)."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def _fill(template: str, values: dict[str, str]) -> str:
    # one pass, so a value that happens to contain "{{NAME}}" is never re-expanded
    return re.sub(r"\{\{([A-Z_]+)\}\}", lambda m: values[m.group(1)], template)


def _template(name: str) -> str:
    return (resources.files("kg.render") / "templates" / name).read_text(encoding="utf-8")


def _vis_asset(name: str) -> str:
    base = resources.files("pyvis")
    for folder in ("templates/lib/vis-9.1.2", "lib/vis-9.1.2"):
        candidate = base.joinpath(*folder.split("/"), name)
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    raise GraphError(f"pyvis's bundled vis-network ({name}) is missing; reinstall pyvis 0.3.x")


def _options(large: bool) -> dict[str, Any]:
    return {
        "autoResize": True,
        "physics": {"enabled": False},
        "layout": {"randomSeed": 7, "improvedLayout": False},
        "interaction": {
            "hover": True,
            "hideEdgesOnDrag": large,
            "hideEdgesOnZoom": large,
            "tooltipDelay": 300,
            "multiselect": False,
            "keyboard": {"enabled": True, "bindToWindow": False},
            "navigationButtons": False,
        },
        "nodes": {
            "font": {"size": 13, "face": "system-ui, sans-serif", "color": "#1a202c"},
            "borderWidth": 1,
            "scaling": {"label": {"drawThreshold": 3}},
        },
        "edges": {
            "smooth": False,
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "font": {"size": 10, "align": "middle", "color": "#4a5568", "strokeWidth": 3},
            "width": 1,
        },
    }


# --- vis nodes and edges -------------------------------------------------------------


def _evidence(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "quote": e["quote"],
            "title": e["title"],
            "date": e.get("date"),
            "url": safe_url(e["url"]),
            "refused": bool(e["url"]) and safe_url(e["url"]) is None,
        }
        for e in items
    ]


def _sources(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The documents a node is mentioned in, once each (a company's panel lists these,
    not its own name quoted again and again)."""
    seen: dict[tuple[str, str, str], dict[str, Any]] = {}
    for e in _evidence(items):
        e = {**e, "quote": None}
        seen.setdefault((e["title"] or "", e["url"] or "", e["date"] or ""), e)
    return [seen[k] for k in sorted(seen)]


def _details(data: dict[str, Any]) -> dict[str, Any]:
    keys = ("kind", "types", "alt_labels", "status", "agreement_types", "clause_type")
    details = {key: data[key] for key in keys}
    details.update(
        dates=data["dates"],
        amounts=data["amounts"],
        values=data["values"],
        flags=data["flags"],
        evidence=_evidence(data["evidence"]),
        start=data["in_force_from"],
        until=data["in_force_until"],
        ended=data["ended_on"],
        binding=data["binding"],
        startInferred=data["start_inferred"],
        undated=data["undated"],
        inForce=data["in_force"],
    )
    return details


def _clause_details(g: nx.MultiDiGraph, iri: str) -> dict[str, Any]:
    data = g.nodes[iri]
    return {
        "id": iri,
        "label": data["label"],
        "type": data["clause_type"],
        "values": data["values"],
        "amounts": data["amounts"],
        "dates": data["dates"],
        "start": data["in_force_from"],
        "until": data["in_force_until"],
        "ended": data["ended_on"],
        "evidence": _evidence(data["evidence"]),
    }


def _lineage(g: nx.MultiDiGraph, iri: str, labels: dict[str, str]) -> list[dict[str, str]]:
    """Links to other agreements, both ways: ``amends`` X, ``amended by`` Y."""
    links = []
    for _s, other, key in g.out_edges(iri, keys=True):
        if key in _LINEAGE and g.nodes[other]["kind"] == "agreement":
            links.append({"rel": key, "id": other, "label": labels[other]})
    for other, _t, key in g.in_edges(iri, keys=True):
        if key in _LINEAGE and g.nodes[other]["kind"] == "agreement":
            links.append({"rel": f"{key} (by)", "id": other, "label": labels[other]})
    return sorted(links, key=lambda link: (link["rel"], link["label"]))


def _node_label(g: nx.MultiDiGraph, iri: str, labels: dict[str, str]) -> str:
    data = g.nodes[iri]
    if data["kind"] == "agreement":
        return labels[iri]
    return _short(str(data["label"]))


def _full_nodes(
    g: nx.MultiDiGraph,
    companies: nx.Graph,
    shown: _Shown,
    labels: dict[str, str],
    node_labels: dict[str, str],
    sizes: dict[str, float],
    pos: dict[str, tuple[float, float]],
) -> list[dict[str, Any]]:
    nodes = []
    for iri in sorted(g.nodes):
        data = g.nodes[iri]
        kind = data["kind"]
        shape, fill, border = STYLES[kind]
        if data["flags"].get("mentionedInPassing"):
            fill, border = PASSING
        options: dict[str, Any] = {
            "color": {"background": fill, "border": border},
            "size": sizes[iri],
            "font": {"size": FONTS[kind]},
        }
        if data["undated"]:
            # the kind's own colours, a dashed outline: undated, shown by the date filter
            options["shapeProperties"] = {"borderDashes": [4, 3]}
            options["borderWidth"] = 2
        details = _details(data)
        details["extra"] = _extra(kind, iri, shown)
        details["parents"] = sorted(
            a for a, _c, k in g.in_edges(iri, keys=True) if k == "hasClause"
        )
        if kind == "organization":
            details["deals"] = companies.nodes[iri]["deals"]
            details["dealRows"] = deal_rows(g, iri, labels)
            details["evidence"] = _sources(data["evidence"])
        elif kind == "agreement":
            details.update(_agreement_details(g, iri, labels))
        x, y = pos[iri]
        node = Node(iri, shape, label=node_labels[iri], x=x, y=y, kg=details, **options)
        node.options["fullLabel"] = labels.get(iri, data["label"])
        node.options["hidden"] = details["extra"] is not None
        nodes.append(node.options)
    return nodes


def _agreement_details(g: nx.MultiDiGraph, iri: str, labels: dict[str, str]) -> dict[str, Any]:
    data = g.nodes[iri]
    clauses = sorted(c for _a, c, k in g.out_edges(iri, keys=True) if k == "hasClause")
    return {
        "name": data["label"],
        "kindText": agreement_kind(data),
        "date": agreement_date(data),
        "dateText": agreement_date_text(data),
        "headline": headline_amount(data["money"]),
        "parties": parties(g, iri),
        "clauses": [_clause_details(g, c) for c in clauses],
        "lineage": _lineage(g, iri, labels),
    }


def _extra(kind: str, iri: str, shown: _Shown) -> str | None:
    """Which toggle draws a node the first view leaves out, or ``None`` if it is drawn."""
    if kind == "clause":
        return "clause"
    if iri in shown.hidden_orgs or iri in shown.hidden_products:
        return "isolated"
    return None


def _size(data: dict[str, Any], companies: nx.Graph, iri: str) -> float:
    if data["kind"] == "organization":
        return round(min(10 + 6 * math.sqrt(companies.nodes[iri]["deals"]), 40.0), 1)
    return {"product": 9.0, "agreement": 11.0, "clause": 7.0}[data["kind"]]


def _short(label: str, limit: int = _LABEL_LIMIT) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _full_edges(g: nx.MultiDiGraph) -> list[dict[str, Any]]:
    # no edge labels: a role or link type would run over node labels; the panel has it
    edges = []
    for n, (source, target, key) in enumerate(sorted(g.edges(keys=True))):
        colour = EDGE_COLOURS.get(key, _ROLE_COLOUR)
        options: dict[str, Any] = {"color": colour, "id": f"e{n}", "role": key}
        if key in _LINEAGE:
            # curved, so a link between two agreements of one pair clears the diamonds
            # stacked between them
            curve = {"enabled": True, "type": "curvedCW", "roundness": 0.45}
            options.update(dashes=True, width=2, smooth=curve)
        if key == "hasClause":
            options["hidden"] = True  # clauses are drawn only on request
        if g.nodes[target]["kind"] == "organization" and key != "subsidiaryOf":
            options["arrows"] = {"to": {"enabled": False}}
        edges.append(Edge(source, target, directed=True, **options).options)
    return edges


def _company_nodes(
    g: nx.MultiDiGraph,
    companies: nx.Graph,
    shown: _Shown,
    sizes: dict[str, float],
    pos: dict[str, tuple[float, float]],
) -> list[dict[str, Any]]:
    nodes = []
    for iri in sorted(companies.nodes):
        data = companies.nodes[iri]
        details = _details(data)
        details.update(
            deals=data["deals"],
            extra="isolated" if iri in shown.hidden_orgs else None,
            dealRows=[],  # the page reuses the full view's rows
            evidence=_sources(data["evidence"]),
        )
        x, y = pos[iri]
        _shape, fill, border = STYLES["organization"]
        node = Node(iri, "dot", label=_short(data["label"]), x=x, y=y, kg=details, size=sizes[iri])
        node.options.update(
            color={"background": fill, "border": border},
            fullLabel=data["label"],
            font={"size": FONTS["organization"]},
            hidden=iri in shown.hidden_orgs,
        )
        nodes.append(node.options)
    return nodes


def _company_edges(g: nx.MultiDiGraph, labels: dict[str, str]) -> list[dict[str, Any]]:
    """One edge per agreement and pair of its parties, labelled like its diamond; edges
    of one pair curve apart (fanned) so none lies on another."""
    by_pair: dict[tuple[str, str], list[str]] = defaultdict(list)
    for iri in sorted(labels):
        ids = [p["id"] for p in parties(g, iri)]
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                by_pair[(a, b)].append(iri)
    edges: list[dict[str, Any]] = []
    for (a, b), agreements in sorted(by_pair.items()):
        for i, agreement in enumerate(agreements):
            bend = 0.12 + 0.18 * (i // 2) if len(agreements) > 1 else 0.0
            edge = Edge(a, b, directed=False, label=labels[agreement], color=_ROLE_COLOUR)
            edge.options.update(
                id=f"c{len(edges)}",
                agreement=agreement,
                # horizontal, with a white halo: vis-network misplaces a label aligned
                # along a curved edge
                font={
                    "size": 11,
                    "align": "horizontal",
                    "strokeWidth": 4,
                    "strokeColor": "#ffffff",
                },
                arrows={"to": {"enabled": False}},
                smooth=(
                    {
                        "enabled": True,
                        "type": "curvedCW" if i % 2 else "curvedCCW",
                        "roundness": bend,
                    }
                    if bend
                    else False
                ),
            )
            edges.append(edge.options)
    return edges


def _cluster_view(
    g: nx.MultiDiGraph,
    companies: nx.Graph,
    communities: list[list[str]],
) -> dict[str, Any]:
    """One node per community, sized by members and laid out as a graph of its own; edges
    count the deals between communities."""
    index = {iri: n for n, members in enumerate(communities) for iri in members}
    deals: dict[int, list[str]] = defaultdict(list)
    for a, d in sorted(g.nodes(data=True)):
        if d["kind"] == "agreement":
            for n in sorted({index[p["id"]] for p in parties(g, a) if p["id"] in index}):
                deals[n].append(a)
    weights: dict[tuple[int, int], int] = defaultdict(int)
    for a, b, d in companies.edges(data=True):
        if a in index and b in index and index[a] != index[b]:
            pair = (min(index[a], index[b]), max(index[a], index[b]))
            weights[pair] += d["deals"]
    labels, sizes = {}, {}
    for n, members in enumerate(communities):
        top = sorted(members, key=lambda m: (-companies.nodes[m]["deals"], m))
        name = companies.nodes[top[0]]["label"]
        labels[n] = f"{_short(name, 24)} +{len(members) - 1}" if len(members) > 1 else name
        sizes[n] = round(12 + 3 * math.sqrt(len(members)), 1)
    between = nx.Graph()
    between.add_nodes_from(f"cluster-{n}" for n in labels)
    between.add_edges_from((f"cluster-{a}", f"cluster-{b}") for a, b in weights)
    boxes = {f"cluster-{n}": node_box(labels[n], sizes[n], _CLUSTER_FONT) for n in labels}
    pos = graph_layout(between, boxes)
    nodes = []
    for n, members in enumerate(communities):
        top = sorted(members, key=lambda m: (-companies.nodes[m]["deals"], m))
        name = companies.nodes[top[0]]["label"]
        x, y = pos[f"cluster-{n}"]
        nodes.append(
            {
                "id": f"cluster-{n}",
                "label": labels[n],
                "fullLabel": f"{len(members)} companies around {name}",
                "shape": "dot",
                "size": sizes[n],
                "x": x,
                "y": y,
                "color": {"background": STYLES["organization"][1], "border": "#004c7a"},
                "font": {"size": _CLUSTER_FONT},
                "kg": {
                    "kind": "cluster",
                    "members": members,
                    "agreements": deals[n],
                    "top": [companies.nodes[m]["label"] for m in top[:8]],
                },
            }
        )
    edges = [
        {
            "id": f"k{n}",
            "from": f"cluster-{a}",
            "to": f"cluster-{b}",
            "width": min(1 + math.log2(w), 8),
            "arrows": {"to": {"enabled": False}},
            "color": _ROLE_COLOUR,
            "deals": w,
        }
        for n, ((a, b), w) in enumerate(sorted(weights.items()))
    ]
    return {"nodes": nodes, "edges": edges}


def _timeline(g: nx.MultiDiGraph, labels: dict[str, str]) -> dict[str, Any]:
    """Each agreement on the time axis by its start (stated or inferred, as the valid
    time has it); the axis spans the first to the last of them."""
    items = []
    undated = 0
    for iri in sorted(labels):
        data = g.nodes[iri]
        start = data["in_force_from"] or agreement_date(data)
        if start is None:
            undated += 1
            continue
        items.append(
            {
                "id": iri,
                "date": start,
                "inferred": bool(data["start_inferred"]),
                "label": labels[iri],
            }
        )
    items.sort(key=lambda item: (item["date"], item["id"]))
    return {
        "items": items,
        "undated": undated,
        "first": items[0]["date"] if items else None,
        "last": items[-1]["date"] if items else None,
    }


def _legend(g: nx.MultiDiGraph, shown: _Shown, clustered: bool) -> list[dict[str, Any]]:
    """The legend's rows, only for what this graph draws, in the colours drawn; each row
    names the views that draw it (the page shows the current view's rows)."""
    kinds = {d["kind"] for _iri, d in g.nodes(data=True)}
    keys = {k for _s, _t, k in g.edges(keys=True)}
    flags = {f for _iri, d in g.nodes(data=True) for f, v in d["flags"].items() if v}
    undated = any(d["undated"] for _iri, d in g.nodes(data=True) if d["kind"] == "agreement")
    full, both = ["full"], ["full", "company"]
    rows: list[dict[str, Any]] = []

    def symbol(kind: str, text: str, views: list[str], **extra: Any) -> None:
        shape, fill, border = STYLES[kind]
        rows.append(
            {"shape": shape, "fill": fill, "border": border, "text": text, "views": views, **extra}
        )

    def line(colour: str, text: str, views: list[str], dashed: bool = False) -> None:
        rows.append({"line": colour, "text": text, "views": views, "dashed": dashed})

    if clustered:
        symbol(
            "organization", "Community of companies (size: members; click to open)", ["clusters"]
        )
        line(_ROLE_COLOUR, "Deals between two communities (width: how many)", ["clusters"])
    if shown.companies or shown.hidden_orgs:
        symbol("organization", "Company (size: number of deals)", both)
    if "agreement" in kinds:
        symbol("agreement", "Agreement: kind · year · amount", full)
        line(_ROLE_COLOUR, "Agreement: kind · year · amount (one line each)", ["company"])
    if "mentionedInPassing" in flags:
        rows.append(
            {
                "shape": "diamond",
                "fill": PASSING[0],
                "border": PASSING[1],
                "text": "Agreement mentioned in passing",
                "views": full,
            }
        )
    if undated:
        symbol("agreement", "Undated (dashed outline): kept by the date filter", full, dashed=True)
    if "product" in kinds:
        symbol("product", "Product", full)
    if "clause" in kinds:
        symbol("clause", "Clause (drawn with “Clause nodes”)", full)
    if any(
        g.nodes[t]["kind"] == "organization" and k not in EDGE_COLOURS
        for _s, t, k in g.edges(keys=True)
    ):
        line(_ROLE_COLOUR, "Party to an agreement (roles in its panel)", full)
    if keys & {"supersedes", "terminates"}:
        line(EDGE_COLOURS["supersedes"], "Supersedes / terminates", full, dashed=True)
    if keys & {"amends", "extends"}:
        line(EDGE_COLOURS["amends"], "Amends / extends", full, dashed=True)
    if "subsidiaryOf" in keys:
        line(EDGE_COLOURS["subsidiaryOf"], "Subsidiary of", full)
    if "ownedBy" in keys:
        line(EDGE_COLOURS["ownedBy"], "Owned by", full)
    return rows
