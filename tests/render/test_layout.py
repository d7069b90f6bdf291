"""kg.render.layout: positions where no node's box (shape and label) overlaps another."""

from __future__ import annotations

import itertools
import random

import networkx as nx

from kg.render.layout import Box, Plan, graph_layout, layout, node_box


def overlapping(
    pos: dict[str, tuple[float, float]], boxes: dict[str, Box]
) -> list[tuple[str, str]]:
    def rect(key: str) -> tuple[float, float, float, float]:
        x, y = pos[key]
        box = boxes[key]
        return x - box.half_width, y - box.above, x + box.half_width, y + box.below

    found = []
    for a, b in itertools.combinations(sorted(pos), 2):
        ra, rb = rect(a), rect(b)
        if ra[0] < rb[2] and rb[0] < ra[2] and ra[1] < rb[3] and rb[1] < ra[3]:
            found.append((a, b))
    return found


def deal_plan(companies: int, deals: int, seed: int = 3) -> Plan:
    """Invented companies; *deals* two-party agreements, several between some pairs."""
    rng = random.Random(seed)
    links = nx.Graph()
    names = [f"c{i}" for i in range(companies)]
    links.add_nodes_from(names)
    agreements = {}
    boxes = {name: node_box(f"Company number {name}", 14.0, 14.0) for name in names}
    for n in range(deals):
        a, b = sorted(rng.sample(names[: max(2, companies // 2)] if n % 3 else names, 2))
        links.add_edge(a, b)
        agreements[f"a{n}"] = (a, b)
        boxes[f"a{n}"] = node_box(f"investment · {2000 + n % 25} · $1.{n}B", 11.0, 12.0)
    hidden: dict[str, str | None] = {"lonely": None, "clause": "a0"}
    boxes["lonely"] = node_box("An organisation without deals", 10.0, 14.0)
    boxes["clause"] = node_box("exclusivity", 7.0, 11.0)
    return Plan(links, agreements, {}, hidden, boxes)


def test_no_box_overlaps_another() -> None:
    plan = deal_plan(companies=40, deals=90)
    pos = layout(plan)
    assert set(pos) == set(plan.boxes)
    shown = {k: v for k, v in pos.items() if k not in plan.hidden}
    assert overlapping(shown, dict(plan.boxes)) == []


def test_deals_of_one_pair_are_fanned_in_date_order() -> None:
    links = nx.Graph([("a", "b")])
    agreements = {f"d{i}": ("a", "b") for i in range(4)}
    boxes = {k: node_box(k, 10.0, 12.0) for k in ("a", "b")}
    boxes.update({k: node_box("partnership · 2020 · $1B", 11.0, 12.0) for k in agreements})
    order = {"d0": "2024-01-01", "d1": "2019-01-01", "d2": "2021-01-01", "d3": "2016-01-01"}
    pos = layout(Plan(links, agreements, {}, {}, boxes, order))
    assert len({pos[k] for k in agreements}) == 4
    assert sorted(agreements, key=lambda k: pos[k][1]) == ["d3", "d1", "d2", "d0"]
    assert overlapping({k: pos[k] for k in boxes}, boxes) == []


def test_layout_is_deterministic() -> None:
    assert layout(deal_plan(30, 60)) == layout(deal_plan(30, 60))


def test_a_big_group_is_laid_out_by_communities() -> None:
    plan = deal_plan(companies=400, deals=700)
    pos = layout(plan)
    assert len(pos) == len(plan.boxes)
    assert all(isinstance(x, float) and isinstance(y, float) for x, y in pos.values())


def test_graph_layout_of_communities_keeps_them_apart() -> None:
    graph = nx.complete_graph([f"k{i}" for i in range(12)])
    boxes = {k: node_box(f"Company {k} +41", 30.0, 14.0) for k in graph}
    assert overlapping(graph_layout(graph, boxes), boxes) == []
