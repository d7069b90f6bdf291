"""The interactive relationship map: one self-contained HTML file, no network access.

Nodes and edges are built with pyvis's ``Node``/``Edge`` records and drawn by the
vis-network library pyvis ships, inlined into our own template (``kg/templates/``) so
the page opens offline. Positions are computed here (a force layout of the company
network, everything else placed around it), and physics is off in the browser, so a
graph of thousands of nodes is interactive as soon as it is drawn.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import networkx as nx
import numpy as np
from pyvis.edge import Edge
from pyvis.node import Node
from rdflib import Graph

from kg.errors import GraphError
from kg.network.view import company_network, to_networkx
from kg.rdf.graphs import write_atomic

DEFAULT_TITLE = "Deal relationship map"

# kind → (shape, colour); the legend in the template shows the same pairs
STYLES: dict[str, tuple[str, str]] = {
    "organization": ("dot", "#2b6cb0"),
    "product": ("triangle", "#2c7a7b"),
    "agreement": ("diamond", "#dd6b20"),
    "clause": ("square", "#805ad5"),
}
EDGE_COLOURS: dict[str, str] = {
    "hasClause": "#b7a4e0",
    "supersedes": "#c53030",
    "terminates": "#c53030",
    "amends": "#dd6b20",
    "extends": "#dd6b20",
    "ownedBy": "#4fa3a5",
    "subsidiaryOf": "#2b6cb0",
}
_ROLE_COLOUR = "#8a96a3"
PASSING_COLOUR = "#f6c08f"  # an agreement only mentioned in passing (background)
_SEED = 20240601
_FORCE_MAX = 1500  # largest component laid out by the O(n²) force layout
_COMPANY_SPACING = 330.0  # pixels between neighbouring companies in the full view


@dataclass(frozen=True)
class RenderStats:
    """What a render produced."""

    nodes: int
    edges: int
    companies: int
    company_edges: int
    initial_view: str  # "full" or "company"
    bytes: int


def render_html(
    graph: Graph, path: str | Path, *, max_nodes: int = 2000, title: str = DEFAULT_TITLE
) -> RenderStats:
    """Write the relationship map of *graph* to *path* (atomically) and return its stats.

    Above *max_nodes* nodes the page opens in the company–company view with a notice.
    """
    page, stats = _page(graph, max_nodes=max_nodes, title=title)
    write_atomic(path, page.encode("utf-8"))
    return stats


def html_for(graph: Graph, *, max_nodes: int = 2000, title: str = DEFAULT_TITLE) -> str:
    """The relationship map of *graph* as one self-contained HTML page (deterministic)."""
    return _page(graph, max_nodes=max_nodes, title=title)[0]


def _page(graph: Graph, *, max_nodes: int, title: str) -> tuple[str, RenderStats]:
    g = to_networkx(graph)
    companies = company_network(g)
    company_pos = _company_layout(_layout_graph(g, companies))
    full_pos = _full_layout(g, company_pos)
    large = g.number_of_nodes() > max_nodes
    data = {
        "title": title,
        "initialView": "company" if large else "full",
        "notice": _notice(g.number_of_nodes(), max_nodes) if large else "",
        "full": {"nodes": _full_nodes(g, companies, full_pos), "edges": _full_edges(g)},
        "company": {
            "nodes": _company_nodes(companies, company_pos),
            "edges": _company_edges(companies),
        },
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
        company_edges=companies.number_of_edges(),
        initial_view=str(data["initialView"]),
        bytes=len(page.encode("utf-8")),
    )
    return page, stats


def _notice(n: int, max_nodes: int) -> str:
    return (
        f"This graph has {n:,} nodes, more than the {max_nodes:,} drawn at once: showing the "
        "company–company view. Use “Full graph” to see every agreement and clause."
    )


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
            "tooltipDelay": 300,
            "multiselect": False,
        },
        "nodes": {
            "font": {"size": 13, "face": "sans-serif"},
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


def _details(data: dict[str, Any]) -> dict[str, Any]:
    evidence = [
        {
            "quote": e["quote"],
            "title": e["title"],
            "url": safe_url(e["url"]),
            "refused": bool(e["url"]) and safe_url(e["url"]) is None,
        }
        for e in data["evidence"]
    ]
    keys = ("kind", "types", "alt_labels", "status", "agreement_types", "clause_type")
    details = {key: data[key] for key in keys}
    details.update(
        dates=data["dates"],
        amounts=data["amounts"],
        values=data["values"],
        flags=data["flags"],
        evidence=evidence,
        start=data["in_force_from"],
        until=data["in_force_until"],
        ended=data["ended_on"],
        binding=data["binding"],
        startInferred=data["start_inferred"],
        undated=data["undated"],
    )
    return details


def _full_nodes(
    g: nx.MultiDiGraph, companies: nx.Graph, pos: dict[str, tuple[float, float]]
) -> list[dict[str, Any]]:
    nodes = []
    for iri in sorted(g.nodes):
        data = g.nodes[iri]
        shape, colour = STYLES[data["kind"]]
        options: dict[str, Any] = {"color": colour, "size": _size(data, companies, iri)}
        if data["kind"] in ("clause", "product"):
            options["font"] = {"size": 10, "color": "#4a5568"}
        if data["flags"].get("mentionedInPassing"):
            options["color"] = colour = PASSING_COLOUR
        if data["undated"]:
            options["shapeProperties"] = {"borderDashes": [4, 3]}
            options["borderWidth"] = 2
            options["color"] = {"background": colour, "border": "#1a202c"}
        details = _details(data)
        details["parents"] = sorted(
            a for a, _c, k in g.in_edges(iri, keys=True) if k == "hasClause"
        )
        if data["kind"] == "organization":
            details["deals"] = companies.nodes[iri]["deals"]
        x, y = pos[iri]
        node = Node(iri, shape, label=_short(data["label"]), x=x, y=y, kg=details, **options)
        node.options["fullLabel"] = data["label"]
        nodes.append(node.options)
    return nodes


def _size(data: dict[str, Any], companies: nx.Graph, iri: str) -> float:
    if data["kind"] == "organization":
        return round(10 + 7 * math.sqrt(companies.nodes[iri]["deals"]), 1)
    return {"product": 10.0, "agreement": 13.0, "clause": 8.0}[data["kind"]]


def _short(label: str, limit: int = 40) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _full_edges(g: nx.MultiDiGraph) -> list[dict[str, Any]]:
    edges = []
    for n, (source, target, key) in enumerate(sorted(g.edges(keys=True))):
        colour = EDGE_COLOURS.get(key, _ROLE_COLOUR)
        options: dict[str, Any] = {"label": key, "color": colour, "id": f"e{n}"}
        if key in ("supersedes", "terminates", "amends", "extends"):
            options["dashes"] = True
        edges.append(Edge(source, target, directed=True, **options).options)
    return edges


def _company_nodes(
    companies: nx.Graph, pos: dict[str, tuple[float, float]]
) -> list[dict[str, Any]]:
    nodes = []
    for iri in sorted(companies.nodes):
        data = companies.nodes[iri]
        details = _details(data)
        details["deals"] = data["deals"]
        x, y = pos[iri]
        size = round(10 + 7 * math.sqrt(data["deals"]), 1)
        node = Node(iri, "dot", label=_short(data["label"]), x=x, y=y, kg=details, size=size)
        # the company view spreads whole components apart, so names must be larger to
        # stay readable (vis hides labels drawn under a few pixels)
        node.options.update(
            color=STYLES["organization"][1], fullLabel=data["label"], font={"size": 26}
        )
        nodes.append(node.options)
    return nodes


def _company_edges(companies: nx.Graph) -> list[dict[str, Any]]:
    edges = []
    pairs = sorted(tuple(sorted((a, b))) for a, b in companies.edges)
    for n, (a, b) in enumerate(pairs):
        data = companies.edges[a, b]
        label = f"{data['deals']} deal" + ("s" if data["deals"] != 1 else "")
        edge = Edge(a, b, directed=False, label=label, id=f"c{n}", color=_ROLE_COLOUR)
        edge.options.update(
            width=min(1 + data["deals"], 8),
            agreements=data["agreements"],
            font={"size": 18},
            arrows={"to": {"enabled": False}},
        )
        edges.append(edge.options)
    return edges


# --- layout --------------------------------------------------------------------------


def _layout_graph(g: nx.MultiDiGraph, companies: nx.Graph) -> nx.Graph:
    # subsidiaries are drawn next to their parent even without a shared deal
    layout = nx.Graph(companies.edges)
    layout.add_nodes_from(companies.nodes)
    layout.add_edges_from((s, t) for s, t, k in g.edges(keys=True) if k == "subsidiaryOf")
    return layout


def _company_layout(companies: nx.Graph) -> dict[str, tuple[float, float]]:
    """Companies placed by a force layout per connected component, components packed."""
    components = sorted(
        (sorted(c) for c in nx.connected_components(companies)), key=lambda c: (-len(c), c[0])
    )
    placed: dict[str, tuple[float, float]] = {}
    cursor_x = cursor_y = row_height = 0.0
    row_width = _COMPANY_SPACING * 1.2 * math.sqrt(companies.number_of_nodes() + 1) * 1.6
    for members in components:
        local = _component_layout(companies, members)
        radius = _COMPANY_SPACING * (0.5 + 0.5 * math.sqrt(len(members)))
        if cursor_x > 0 and cursor_x + 2 * radius > row_width:
            cursor_x, cursor_y, row_height = 0.0, cursor_y + row_height, 0.0
        # members stay inside 70% of the component's cell, so neighbouring components
        # (two-company ones especially) never touch
        for iri, (x, y) in local.items():
            placed[iri] = (
                cursor_x + radius + 0.7 * x * radius,
                cursor_y + radius + 0.7 * y * radius,
            )
        cursor_x += 2 * radius
        row_height = max(row_height, 2 * radius)
    return {iri: (round(x, 1), round(y, 1)) for iri, (x, y) in placed.items()}


def _component_layout(companies: nx.Graph, members: list[str]) -> dict[str, tuple[float, float]]:
    n = len(members)
    if n == 1:
        return {members[0]: (0.0, 0.0)}
    angles = np.linspace(0, 2 * math.pi, n, endpoint=False)
    start = np.column_stack([np.cos(angles), np.sin(angles)])
    if n <= _FORCE_MAX:
        index = {iri: i for i, iri in enumerate(members)}
        edges = [(index[a], index[b]) for a, b in companies.subgraph(members).edges]
        start = _force_layout(start, edges, iterations=60 if n <= 400 else 25)
    return {iri: (float(start[i, 0]), float(start[i, 1])) for i, iri in enumerate(members)}


def _force_layout(start: np.ndarray, edges: list[tuple[int, int]], iterations: int) -> np.ndarray:
    """Fruchterman–Reingold on a dense matrix (fine up to ~1,500 nodes), scaled to [-1, 1]."""
    n = len(start)
    rng = np.random.default_rng(_SEED)
    pos = start + rng.uniform(-0.05, 0.05, size=start.shape)
    adjacency = np.zeros((n, n))
    for a, b in edges:
        adjacency[a, b] = adjacency[b, a] = 1.0
    k = 1.0 / math.sqrt(n)
    temperature = 0.1
    for _ in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        distance = np.maximum(np.linalg.norm(delta, axis=-1), 0.01)
        force = k * k / distance**2 - adjacency * distance / k
        displacement = np.einsum("ijk,ij->ik", delta, force)
        length = np.maximum(np.linalg.norm(displacement, axis=-1), 0.01)
        pos += displacement * (temperature / length)[:, None]
        temperature -= 0.1 / (iterations + 1)
    pos -= pos.mean(axis=0)
    scale = float(np.abs(pos).max()) or 1.0
    return pos / scale


def _full_layout(
    g: nx.MultiDiGraph, company_pos: dict[str, tuple[float, float]]
) -> dict[str, tuple[float, float]]:
    """Companies where the company view has them; agreements between their parties,
    clauses on a ring around their agreement, products next to their owner."""
    pos: dict[str, tuple[float, float]] = dict(company_pos)
    _place_agreements(g, pos)
    _place_satellites(g, pos, "clause", "hasClause", incoming=True, radius=95.0)
    _place_satellites(g, pos, "product", "ownedBy", incoming=False, radius=90.0)
    _place_leftovers(g, pos)
    return {iri: (round(x, 1), round(y, 1)) for iri, (x, y) in pos.items()}


def _place_agreements(g: nx.MultiDiGraph, pos: dict[str, tuple[float, float]]) -> None:
    groups: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for iri in sorted(g.nodes):
        if g.nodes[iri]["kind"] == "agreement":
            parties = tuple(
                sorted({t for _s, t in g.out_edges(iri) if g.nodes[t]["kind"] == "organization"})
            )
            if parties:
                groups[parties].append(iri)
    for parties, agreements in sorted(groups.items()):
        points = [pos[p] for p in parties]
        cx = sum(p[0] for p in points) / len(points)
        cy = sum(p[1] for p in points) / len(points)
        # spread agreements of the same parties along the normal of the party axis, off
        # the straight line so their edges do not lie on top of each other
        dx, dy = (points[-1][0] - points[0][0], points[-1][1] - points[0][1])
        norm = math.hypot(dx, dy)
        nx_, ny_ = (-dy / norm, dx / norm) if norm else (0.0, 1.0)
        base = 0.0 if len(parties) > 1 else 90.0
        for i, iri in enumerate(agreements):
            offset = base + 90.0 * (i - (len(agreements) - 1) / 2 + (0.5 if norm else 1.0))
            pos[iri] = (cx + nx_ * offset, cy + ny_ * offset)


def _place_satellites(
    g: nx.MultiDiGraph,
    pos: dict[str, tuple[float, float]],
    kind: str,
    key: str,
    *,
    incoming: bool,
    radius: float,
) -> None:
    around: dict[str, list[str]] = defaultdict(list)
    for iri in sorted(g.nodes):
        if g.nodes[iri]["kind"] != kind or iri in pos:
            continue
        if incoming:
            anchors = sorted(s for s, _t, k in g.in_edges(iri, keys=True) if k == key)
        else:
            anchors = sorted(t for _s, t, k in g.out_edges(iri, keys=True) if k == key)
        anchors = [a for a in anchors if a in pos]
        if anchors:
            around[anchors[0]].append(iri)
    for anchor, satellites in sorted(around.items()):
        points = _fan(g, pos, anchor, len(satellites), radius)
        for iri, point in zip(satellites, points, strict=True):
            pos[iri] = point


def _fan(
    g: nx.MultiDiGraph, pos: dict[str, tuple[float, float]], anchor: str, count: int, radius: float
) -> list[tuple[float, float]]:
    """*count* points around *anchor*, fanned out on the side away from its placed
    neighbours so satellites and their labels stay clear of the anchor's other edges."""
    ax, ay = pos[anchor]
    neighbours = [pos[n] for n in sorted(nx.all_neighbors(g, anchor)) if n in pos]
    away_x = ax - sum(p[0] for p in neighbours) / len(neighbours) if neighbours else 0.0
    away_y = ay - sum(p[1] for p in neighbours) / len(neighbours) if neighbours else 0.0
    if math.hypot(away_x, away_y) < 1e-6:
        away_x, away_y = 0.0, 1.0
    base = math.atan2(away_y, away_x)
    step = min(0.85, 2 * math.pi / count)  # ~50° apart, a full ring when crowded
    ring = radius * max(1.0, count * step / (2 * math.pi) * 1.6)
    points = []
    for i in range(count):
        angle = base + step * (i - (count - 1) / 2)
        points.append((ax + ring * math.cos(angle), ay + ring * math.sin(angle)))
    return points


def _place_leftovers(g: nx.MultiDiGraph, pos: dict[str, tuple[float, float]]) -> None:
    # things with no placed anchor (an agreement with no parties, a clause of such an
    # agreement placed late) go on a grid below the rest
    rest = sorted(iri for iri in g.nodes if iri not in pos)
    if not rest:
        return
    bottom = max((y for _x, y in pos.values()), default=0.0) + 200.0
    columns = max(1, math.ceil(math.sqrt(len(rest))))
    for i, iri in enumerate(rest):
        pos[iri] = (80.0 * (i % columns), bottom + 80.0 * (i // columns))
