"""Where the map draws each node, computed once here so the browser draws at once
(physics is off in the page).

Companies are placed by a force layout (Fruchterman–Reingold) per connected group; a
group of more than a few hundred companies is first split into communities (Louvain),
the communities laid out as a small graph and each community inside its own disc, which
keeps the cost near linear. Agreements sit between their parties, those of one pair fanned
out side by side; products next to their owner. Then every node's box (its shape and the
label under it, as vis-network draws them) is pushed apart until no two overlap, and the
groups are packed in rows like text on a page, so the first view is as compact as the
labels allow. Nodes hidden at first (clauses, organisations without deals, products
without an owner) are placed last, around their anchor or in rows below.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
from scipy.spatial import cKDTree

SEED = 20240601
_FORCE_MAX = 1500  # largest group laid out by the dense O(n²) force layout
_COMMUNITY_MIN = 300  # groups above this are laid out community by community
_CROWD = 2000  # nodes of a group above which separation is bounded
_ROUNDS, _CROWD_ROUNDS = 400, 40  # rounds of separation, a group and a crowd
_CROWD_SPREAD = 2.2  # a big group gets about five times its boxes' area: few left to push apart
_SPACING = 55.0  # pixels per company of a group's radius (times √n) before separation
_COLUMN = 6  # agreements of one pair per column
_GAP = 6.0  # pixels between two boxes
_GROUP_GAP = 24.0  # pixels between two packed groups
_ASPECT = 1.5  # width / height of the packed page, about a screen's
CHAR_WIDTH = 0.62  # average glyph width of the sans-serif face, in font sizes (generous)
LINE_HEIGHT = 1.25  # a label line, in font sizes
LABEL_MARGIN = 5.0  # vis-network's gap between a shape and the label under it

Point = tuple[float, float]


@dataclass(frozen=True)
class Box:
    """The space a node takes: ``half_width`` either side of its position, ``above`` it
    (the shape) and ``below`` it (the shape, then its label)."""

    half_width: float
    above: float
    below: float


def node_box(label: str, size: float, font: float) -> Box:
    """The box of a node of radius *size* with *label* drawn under it in *font* pixels."""
    lines = label.split("\n")
    width = max(2 * size, max(len(line) for line in lines) * font * CHAR_WIDTH)
    height = LABEL_MARGIN + len(lines) * font * LINE_HEIGHT if label else 0.0
    return Box(width / 2 + _GAP / 2, size + _GAP / 2, size + height + _GAP / 2)


@dataclass(frozen=True)
class Plan:
    """What to place: the shown companies and the links between them, the shown
    agreements with their parties, the shown products with their owner, and the hidden
    nodes with the node they sit around (or ``None``)."""

    company_links: nx.Graph  # shown companies; edges: a common deal or a subsidiary link
    agreements: Mapping[str, tuple[str, ...]]  # agreement → its shown parties
    products: Mapping[str, str]  # product → its owner
    hidden: Mapping[str, str | None]  # hidden node → the shown node it belongs next to
    boxes: Mapping[str, Box]
    order: Mapping[str, str] = field(default_factory=dict)  # agreement → sort key (its date)


def layout(plan: Plan) -> dict[str, Point]:
    """Positions of every node of *plan*, rounded to 0.1 px (deterministic)."""
    placed: dict[str, Point] = {}
    groups = []
    for members in _groups(plan):
        local = _group_layout(plan, members)
        # a crowd of thousands converges slowly; it opens clustered anyway, so it gets a
        # bounded number of rounds (some boxes may still touch) and the page stays fast
        if len(members) <= _CROWD:
            groups.append(_settle(_separate(local, plan.boxes, _ROUNDS), plan.boxes))
        else:
            groups.append(_separate(local, plan.boxes, _CROWD_ROUNDS))
    for group in _pack(groups, plan.boxes):
        placed.update(group)
    _place_hidden(plan, placed)
    return {iri: (round(x, 1), round(y, 1)) for iri, (x, y) in sorted(placed.items())}


def graph_layout(graph: nx.Graph, boxes: Mapping[str, Box]) -> dict[str, Point]:
    """A small graph of its own (the communities view): a force layout as compact as its
    boxes allow, none overlapping."""
    members = sorted(graph.nodes)
    if not members:
        return {}
    area = sum((2 * boxes[m].half_width) * (boxes[m].above + boxes[m].below) for m in members)
    radius = max(_SPACING * math.sqrt(len(members)), 1.2 * math.sqrt(area / math.pi))
    unit = _level(_force(graph, members))
    pos = _separate({m: (x * radius, y * radius) for m, (x, y) in unit.items()}, boxes, _ROUNDS)
    return {m: (round(x, 1), round(y, 1)) for m, (x, y) in sorted(pos.items())}


# --- groups ---------------------------------------------------------------------------


def _groups(plan: Plan) -> list[list[str]]:
    """The shown nodes in connected groups (a deal joins its parties, a product its owner),
    largest first."""
    joined = nx.Graph()
    joined.add_nodes_from(plan.company_links.nodes)
    joined.add_edges_from(plan.company_links.edges)
    for agreement, parties in plan.agreements.items():
        joined.add_node(agreement)
        joined.add_edges_from((agreement, p) for p in parties)
    for product, owner in plan.products.items():
        joined.add_edge(product, owner)
    return sorted(
        (sorted(c) for c in nx.connected_components(joined)), key=lambda c: (-len(c), c[0])
    )


def _group_layout(plan: Plan, members: list[str]) -> dict[str, Point]:
    companies = [m for m in members if m in plan.company_links]
    pos: dict[str, Point] = {}
    if companies:
        # room for every box of the group, so separation has little left to push
        area = sum(
            (2 * plan.boxes[m].half_width) * (plan.boxes[m].above + plan.boxes[m].below)
            for m in members
        )
        spread = 0.8 if len(companies) <= _COMMUNITY_MIN else _CROWD_SPREAD
        radius = max(_SPACING * math.sqrt(len(companies)), spread * math.sqrt(area / math.pi))
        unit = _level(_unit_layout(plan.company_links.subgraph(companies), companies))
        pos = {iri: (x * radius, y * radius) for iri, (x, y) in unit.items()}
    _place_agreements(plan, [m for m in members if m in plan.agreements], pos)
    around: dict[str, list[str]] = defaultdict(list)
    for product in (m for m in members if m in plan.products):
        around[plan.products[product]].append(product)
    for owner, products in sorted(around.items()):
        _fan_out(pos, owner, products, plan.boxes, _neighbours(plan, owner, pos))
    return pos


def _level(pos: dict[str, Point]) -> dict[str, Point]:
    """*pos* turned so its long axis lies horizontal: labels are wide and screens too, and
    the deals of a pair then stack in a short column between the two."""
    if len(pos) < 2:
        return pos
    keys = sorted(pos)
    xy = np.array([pos[k] for k in keys])
    xy -= xy.mean(axis=0)
    _values, vectors = np.linalg.eigh(np.cov(xy.T) + 1e-12 * np.eye(2))
    axis = vectors[:, -1] * (1.0 if vectors[0, -1] >= 0 else -1.0)  # sign fixed: deterministic
    turned = xy @ np.array([[axis[0], -axis[1]], [axis[1], axis[0]]])
    turned /= float(np.abs(turned).max()) or 1.0
    return {k: (float(turned[n, 0]), float(turned[n, 1])) for n, k in enumerate(keys)}


def _unit_layout(graph: nx.Graph, members: list[str]) -> dict[str, Point]:
    """Companies in [-1, 1]²: a force layout, seeded by communities for a big group."""
    if len(members) <= _COMMUNITY_MIN:
        return _force(graph, members)
    communities = sorted(
        (sorted(c) for c in nx.community.louvain_communities(graph, seed=SEED)),
        key=lambda c: (-len(c), c[0]),
    )
    index = {iri: i for i, c in enumerate(communities) for iri in c}
    between = nx.Graph()
    between.add_nodes_from(range(len(communities)))
    between.add_edges_from((index[a], index[b]) for a, b in graph.edges if index[a] != index[b])
    centres = _force(between, list(range(len(communities))))
    pos: dict[str, Point] = {}
    for i, community in enumerate(communities):
        share = 0.9 * math.sqrt(len(community) / len(members))
        local = _force(graph.subgraph(community), community)
        cx, cy = centres[i]
        pos.update({iri: (cx + share * x, cy + share * y) for iri, (x, y) in local.items()})
    return pos


def _force(graph: nx.Graph, members: Sequence[Any]) -> dict[Any, Point]:
    n = len(members)
    if n == 1:
        return {members[0]: (0.0, 0.0)}
    angles = np.linspace(0, 2 * math.pi, n, endpoint=False)
    start = np.column_stack([np.cos(angles), np.sin(angles)])
    if n <= _FORCE_MAX:
        index = {m: i for i, m in enumerate(members)}
        edges = [(index[a], index[b]) for a, b in graph.edges if a in index and b in index]
        start = _fruchterman_reingold(start, edges, iterations=60 if n <= 400 else 25)
    return {m: (float(start[i, 0]), float(start[i, 1])) for i, m in enumerate(members)}


def _fruchterman_reingold(
    start: np.ndarray, edges: list[tuple[int, int]], iterations: int
) -> np.ndarray:
    """Fruchterman–Reingold on a dense matrix (fine up to ~1,500 nodes), scaled to [-1, 1]."""
    n = len(start)
    rng = np.random.default_rng(SEED)
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


def _place_agreements(plan: Plan, agreements: list[str], pos: dict[str, Point]) -> None:
    """Agreements between their parties; those of one set of parties one above the other
    in date order (fanned out, never drawn on top of each other)."""
    by_parties: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for agreement in sorted(agreements, key=lambda a: (plan.order.get(a, "~"), a)):
        by_parties[plan.agreements[agreement]].append(agreement)
    for parties, group in sorted(by_parties.items()):
        if not parties:
            for i, agreement in enumerate(group):
                pos[agreement] = (0.0, 60.0 * i)
            continue
        if len(parties) == 1:
            _fan_out(pos, parties[0], group, plan.boxes, _neighbours(plan, parties[0], pos))
            continue
        points = [pos[p] for p in parties]
        cx = sum(p[0] for p in points) / len(points)
        cy = sum(p[1] for p in points) / len(points)
        # a column (columns of six at most) centred between the parties: wide labels
        # stack best one above the other
        height = max(plan.boxes[a].above + plan.boxes[a].below for a in group)
        width = max(2 * plan.boxes[a].half_width for a in group)
        columns = math.ceil(len(group) / _COLUMN)
        for i, agreement in enumerate(group):
            column, line = divmod(i, _COLUMN)
            lines = min(_COLUMN, len(group) - column * _COLUMN)
            pos[agreement] = (
                cx + width * (column - (columns - 1) / 2),
                cy + height * (line - (lines - 1) / 2),
            )


def _neighbours(plan: Plan, node: str, pos: Mapping[str, Point]) -> list[Point]:
    links = plan.company_links
    near = list(links.neighbors(node)) if node in links else []
    return [pos[n] for n in sorted(near) if n in pos]


def _fan_out(
    pos: dict[str, Point],
    anchor: str,
    satellites: list[str],
    boxes: Mapping[str, Box],
    neighbours: list[Point],
) -> None:
    """*satellites* on an arc around *anchor*, on the side away from its neighbours."""
    ax, ay = pos.get(anchor, (0.0, 0.0))
    away_x = ax - sum(p[0] for p in neighbours) / len(neighbours) if neighbours else 0.0
    away_y = ay - sum(p[1] for p in neighbours) / len(neighbours) if neighbours else 0.0
    if math.hypot(away_x, away_y) < 1e-6:
        away_x, away_y = 0.0, 1.0
    base = math.atan2(away_y, away_x)
    count = len(satellites)
    step = min(0.8, 2 * math.pi / count)
    extent = max(max(boxes[s].half_width, boxes[s].below) for s in satellites)
    ring = max(90.0, extent + 30.0) * max(1.0, count * step / (2 * math.pi) * 1.6)
    for i, satellite in enumerate(satellites):
        angle = base + step * (i - (count - 1) / 2)
        pos[satellite] = (ax + ring * math.cos(angle), ay + ring * math.sin(angle))


# --- no overlaps ----------------------------------------------------------------------


def _separate(
    pos: dict[str, Point], boxes: Mapping[str, Box], rounds: int = 400
) -> dict[str, Point]:
    """Push overlapping boxes apart along the axis where they overlap least, until none
    overlaps (candidate pairs from a k-d tree, so a round is near linear)."""
    keys = sorted(pos)
    if len(keys) < 2:
        return dict(pos)
    xy = np.array([pos[k] for k in keys], dtype=float)
    half_w = np.array([boxes[k].half_width for k in keys])
    half_h = np.array([(boxes[k].above + boxes[k].below) / 2 for k in keys])
    shift = np.array([(boxes[k].below - boxes[k].above) / 2 for k in keys])
    reach = 2 * float(max(half_w.max(), half_h.max()))
    for _ in range(rounds):
        centres = np.column_stack([xy[:, 0], xy[:, 1] + shift])
        pairs = cKDTree(centres).query_pairs(reach, p=np.inf, output_type="ndarray")
        if not len(pairs):
            break
        pairs = pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]
        i, j = pairs[:, 0], pairs[:, 1]
        delta = centres[j] - centres[i]
        over_x = half_w[i] + half_w[j] - np.abs(delta[:, 0])
        over_y = half_h[i] + half_h[j] - np.abs(delta[:, 1])
        hit = (over_x > 0) & (over_y > 0)
        if not hit.any():
            break
        i, j, delta, over_x, over_y = i[hit], j[hit], delta[hit], over_x[hit], over_y[hit]
        along_x = over_x < over_y
        sign = np.where(delta >= 0, 1.0, -1.0)  # a tie pushes the later node right/down
        push = np.zeros((len(i), 2))
        push[:, 0] = np.where(along_x, sign[:, 0] * (over_x / 2 + 0.5), 0.0)
        push[:, 1] = np.where(along_x, 0.0, sign[:, 1] * (over_y / 2 + 0.5))
        move = np.zeros_like(xy)
        np.add.at(move, j, push)
        np.add.at(move, i, -push)
        xy += move
    return {k: (float(xy[n, 0]), float(xy[n, 1])) for n, k in enumerate(keys)}


def _settle(pos: dict[str, Point], boxes: Mapping[str, Box]) -> dict[str, Point]:
    """What separation left overlapping (a crowd can push to and fro) is moved down, one
    box at a time from the top, just below what it overlaps: afterwards nothing does."""
    keys = sorted(pos, key=lambda k: (pos[k][1], pos[k][0], k))
    placed = np.zeros((len(keys), 4))  # left, top, right, bottom of the boxes settled so far
    settled: dict[str, Point] = {}
    for n, key in enumerate(keys):
        x, y = pos[key]
        box = boxes[key]
        left, right = x - box.half_width, x + box.half_width
        while True:
            top, bottom = y - box.above, y + box.below
            done = placed[:n]
            hit = (
                (done[:, 0] < right)
                & (left < done[:, 2])
                & (done[:, 1] < bottom)
                & (top < done[:, 3])
            )
            if not hit.any():
                break
            y = float(done[hit, 3].max()) + box.above + 0.5
        placed[n] = (left, y - box.above, right, y + box.below)
        settled[key] = (x, y)
    return settled


def _bounds(
    group: Mapping[str, Point], boxes: Mapping[str, Box]
) -> tuple[float, float, float, float]:
    return (
        min(x - boxes[k].half_width for k, (x, _y) in group.items()),
        min(y - boxes[k].above for k, (_x, y) in group.items()),
        max(x + boxes[k].half_width for k, (x, _y) in group.items()),
        max(y + boxes[k].below for k, (_x, y) in group.items()),
    )


def _pack(groups: list[dict[str, Point]], boxes: Mapping[str, Box]) -> list[dict[str, Point]]:
    """Groups in rows, left to right, each row as tall as its tallest group; of a few row
    widths, the one whose page is drawn largest on a screen-shaped canvas."""
    if not groups:
        return []
    bounds = [_bounds(g, boxes) for g in groups]
    sizes = [(b[2] - b[0], b[3] - b[1]) for b in bounds]
    area = sum((w + _GROUP_GAP) * (h + _GROUP_GAP) for w, h in sizes)
    widest = max(w for w, _h in sizes)
    order = sorted(range(len(groups)), key=lambda n: (-sizes[n][1], n))
    best: tuple[float, list[tuple[float, float]]] | None = None
    for factor in (0.6, 0.75, 0.9, 1.0, 1.15, 1.3, 1.5, 1.75, 2.0, 2.5):
        corners, width, height = _rows(
            order, sizes, max(widest, factor * math.sqrt(area * _ASPECT))
        )
        fit = min(_ASPECT / max(width, 1.0), 1.0 / max(height, 1.0))
        if best is None or fit > best[0] + 1e-12:
            best = (fit, corners)
    assert best is not None
    packed = []
    for n, (x, y) in zip(order, best[1], strict=True):
        left, top = bounds[n][0], bounds[n][1]
        packed.append({k: (px - left + x, py - top + y) for k, (px, py) in groups[n].items()})
    return packed


def _rows(
    order: list[int], sizes: list[tuple[float, float]], row_width: float
) -> tuple[list[tuple[float, float]], float, float]:
    x = y = row_height = width = 0.0
    corners = []
    for n in order:
        w, h = sizes[n]
        if x > 0 and x + w > row_width:
            x, y, row_height = 0.0, y + row_height + _GROUP_GAP, 0.0
        corners.append((x, y))
        width = max(width, x + w)
        x += w + _GROUP_GAP
        row_height = max(row_height, h)
    return corners, width, y + row_height


def _place_hidden(plan: Plan, placed: dict[str, Point]) -> None:
    around: dict[str, list[str]] = defaultdict(list)
    loose = []
    for node, anchor in sorted(plan.hidden.items()):
        if anchor is not None and anchor in placed:
            around[anchor].append(node)
        else:
            loose.append(node)
    for anchor, satellites in sorted(around.items()):
        _fan_out(placed, anchor, satellites, plan.boxes, [])
    if not loose:
        return
    # a row of their own below everything, boxes side by side
    bottom = max((y + 60.0 for _x, y in placed.values()), default=0.0) + 80.0
    width = max((x for x, _y in placed.values()), default=1200.0)
    x, y = 0.0, bottom
    for node in loose:
        box = plan.boxes[node]
        if x > 0 and x + 2 * box.half_width > width:
            x, y = 0.0, y + 70.0
        placed[node] = (x + box.half_width, y)
        x += 2 * box.half_width + _GAP
