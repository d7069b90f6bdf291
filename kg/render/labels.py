"""Short texts the map draws: an agreement's "kind · year · amount" label, a headline
amount in a few characters, and the rows of a company's deal table.

Everything here reads the NetworkX projection (:func:`kg.network.view.to_networkx`);
dates and "in force" come from its ``in_force_*`` attributes, which
:mod:`kg.lineage.validity` computed.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import networkx as nx

from kg.network.view import is_party_edge

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CNY": "CN¥", "INR": "₹"}
_SCALES = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K"))
# a form of agreement says more than the word "agreement" when the text names no kind
_FORMS = {"MemorandumOfUnderstanding": "MOU", "Amendment": "amendment"}


def short_amount(value: float, currency: str | None) -> str:
    """``$1B``, ``€3.5M``, ``CHF 20M``: a figure in at most a few characters."""
    number = f"{value:,.0f}"
    for scale, suffix in _SCALES:
        if abs(value) >= scale:
            figure = value / scale
            number = (
                f"{figure:.1f}".rstrip("0").rstrip(".") if figure < 100 else f"{figure:.0f}"
            ) + suffix
            break
    if not currency:
        return number
    symbol = _SYMBOLS.get(currency.upper())
    return f"{symbol}{number}" if symbol else f"{currency.upper()} {number}"


def headline_amount(money: list[dict[str, Any]]) -> str | None:
    """The largest amount of a deal (its headline figure), short; ``None`` without one."""
    valued = [m for m in money if m["value"] is not None]
    if valued:
        top = max(valued, key=lambda m: (m["value"], m["currency"] or ""))
        return short_amount(float(top["value"]), top["currency"])
    texts = sorted(m["text"] for m in money if m["text"])
    return texts[0] if texts else None


def agreement_kind(data: dict[str, Any]) -> str:
    """The deal's kind in words (``investment``, ``licence/supply``, ``MOU``)."""
    if data["agreement_types"]:
        return "/".join(t.lower() for t in data["agreement_types"])
    for form, word in _FORMS.items():
        if form in data["types"]:
            return word
    return "agreement"


def _first_kind(data: dict[str, Any]) -> str:
    # the label names one kind (the panel lists them all), so it stays short
    return agreement_kind(data).split("/")[0]


def agreement_date(data: dict[str, Any]) -> str | None:
    """The agreement's date as ISO text: its start in force, else its earliest stated date."""
    if data["in_force_from"]:
        return str(data["in_force_from"])
    dates = sorted(d["date"] for d in data["dates"].values())
    return dates[0] if dates else None


def agreement_date_text(data: dict[str, Any]) -> str | None:
    """The same date at the precision the text gave it (``2019``, ``2019-07``)."""
    date = agreement_date(data)
    if date is None:
        return None
    for value in data["dates"].values():
        if value["date"] == date:
            return str(value["text"])
    return date


def agreement_labels(g: nx.MultiDiGraph) -> dict[str, str]:
    """Every agreement's label, ``"investment · 2019 · $1B"``; labels that would be equal
    get the full date, then the agreement's form, then a number, so none repeats."""
    parts: dict[str, list[str]] = {}
    for iri, data in g.nodes(data=True):
        if data["kind"] != "agreement":
            continue
        date = agreement_date(data)
        amount = headline_amount(data["money"])
        parts[iri] = [
            _first_kind(data),
            date[:4] if date else "undated",
            *([amount] if amount else []),
        ]
    labels = {iri: " · ".join(p) for iri, p in parts.items()}
    for refine in (_with_full_date, _with_form):
        repeated = Counter(labels.values())
        for iri in sorted(labels):
            if repeated[labels[iri]] > 1:
                labels[iri] = refine(g.nodes[iri], parts[iri])
    repeated = Counter(labels.values())
    seen: Counter[str] = Counter()
    for iri in sorted(labels):
        label = labels[iri]
        if repeated[label] > 1:
            seen[label] += 1
            labels[iri] = f"{label} ({seen[label]})"
    return labels


def _with_full_date(data: dict[str, Any], parts: list[str]) -> str:
    text = agreement_date_text(data)
    if text and len(text) > 4:
        parts[1] = text
    return " · ".join(parts)


def _with_form(data: dict[str, Any], parts: list[str]) -> str:
    for form, word in _FORMS.items():
        if form in data["types"] and word not in parts[0]:
            parts.append(word)
    return " · ".join(parts)


def parties(g: nx.MultiDiGraph, agreement: str) -> list[dict[str, Any]]:
    """The agreement's organisations with their roles, by name (kept with the projection,
    since every view of a render asks again)."""
    cache: dict[str, list[dict[str, Any]]] = g.graph.setdefault("kg_render_parties", {})
    if agreement not in cache:
        cache[agreement] = _parties(g, agreement)
    return cache[agreement]


def _parties(g: nx.MultiDiGraph, agreement: str) -> list[dict[str, Any]]:
    roles: dict[str, list[str]] = {}
    for _s, org, data in g.out_edges(agreement, data=True):
        if is_party_edge(g, agreement, org, data):
            roles.setdefault(org, []).append(str(data["label"]))
    return sorted(
        (
            {"id": org, "label": g.nodes[org]["label"], "roles": sorted(set(r))}
            for org, r in roles.items()
        ),
        key=lambda p: (p["label"], p["id"]),
    )


def deal_rows(g: nx.MultiDiGraph, org: str, labels: dict[str, str]) -> list[dict[str, Any]]:
    """A company's deals as table rows (date, kind, counterparty, amount, status), by date."""
    rows: list[dict[str, Any]] = []
    for agreement, _o, data in g.in_edges(org, data=True):
        if not is_party_edge(g, agreement, org, data) or any(r["id"] == agreement for r in rows):
            continue
        node = g.nodes[agreement]
        others = [p for p in parties(g, agreement) if p["id"] != org]
        own = next(p["roles"] for p in parties(g, agreement) if p["id"] == org)
        rows.append(
            {
                "id": agreement,
                "label": labels[agreement],
                "date": agreement_date(node),
                "dateText": agreement_date_text(node),
                "inferred": bool(node["start_inferred"]),
                "kind": agreement_kind(node),
                "role": ", ".join(r for r in own if r != "party"),
                "counterparty": ", ".join(p["label"] for p in others) or "—",
                "amount": headline_amount(node["money"]),
                "status": node["status"],
            }
        )
    return sorted(rows, key=lambda r: (r["date"] is None, r["date"] or "", r["label"]))
