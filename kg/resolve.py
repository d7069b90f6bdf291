"""Organisations across documents: one global key per company.

Two per-document organisations are the same company when one of their names (the
canonical name or an alias, compared by :func:`kg.extract.orgs.core`: case, possessive,
punctuation and legal suffix ignored) is equal, or when an all-caps alias of one equals
the initials of the other's name and no other organisation has those initials. Names are
never compared by similarity: "Acme" and "Acme Cloud" stay apart (the latter's ``parent``
link says how they relate).

The global name is the most frequent canonical name (legal suffix dropped) of the merged
organisations (ties:
most words, then longest, then alphabetical), so the choice does not depend on the order
documents are read in; the global key is its slug.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace

from kg.extract.orgs import OrgFindings, canonical_name, core, lexicon
from kg.models import Organization
from kg.rdf.iris import slugify


def resolve_across(findings: Sequence[OrgFindings]) -> dict[str, str]:
    """Map every per-document organisation key to its global key.

    Per-document keys are slugs of canonical names, so the same key in two documents
    already means the same name; the mapping only ever merges, never splits.
    """
    orgs = [org for finding in findings for org in finding.organizations]
    parent = {org.key: org.key for org in orgs}

    def find(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    members: dict[str, set[str]] = {org.key: {org.key} for org in orgs}
    apart = {(org.key, org.parent) for org in orgs if org.parent}
    apart |= {(b, a) for a, b in apart}

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra == rb or any((x, y) in apart for x in members[ra] for y in members[rb]):
            return  # a unit and its parent stay apart even when a name links them
        keep, drop = min(ra, rb), max(ra, rb)
        parent[drop] = keep
        members[keep] |= members.pop(drop)

    by_name: dict[str, str] = {}
    for org in orgs:
        for name in _names(org):
            if name in by_name:
                union(by_name[name], org.key)
            else:
                by_name[name] = org.key
    _link_initials(orgs, union)
    grouped: dict[str, list[Organization]] = {}
    for org in orgs:
        grouped.setdefault(find(org.key), []).append(org)
    mapping: dict[str, str] = {}
    for group in grouped.values():
        global_key = slugify(_global_name(group))
        for org in group:
            mapping[org.key] = global_key
    return mapping


def _names(org: Organization) -> set[str]:
    lex = lexicon()
    return {core(name, lex) for name in (org.name, *org.aliases)} - {""}


def _link_initials(orgs: Sequence[Organization], union: Callable[[str, str], None]) -> None:
    """An all-caps alias ("ACR") joins the one organisation whose initials it is."""
    initials: dict[str, set[str]] = {}
    for org in orgs:
        words = [w for w in core(org.name).split() if w not in ("of", "and", "&")]
        if len(words) > 1:
            initials.setdefault("".join(w[0] for w in words), set()).add(org.key)
    for org in orgs:
        for alias in org.aliases:
            if not re.fullmatch(r"[A-Z]{2,6}", alias):
                continue
            owners = initials.get(alias.lower(), set())
            if len(owners) == 1:
                union(next(iter(owners)), org.key)


def _global_name(group: Sequence[Organization]) -> str:
    counts = Counter(canonical_name([org.name]) for org in group)
    return min(counts, key=lambda n: (-counts[n], -len(n.split()), -len(n), n))


def merge_organizations(
    orgs: Sequence[Organization], mapping: dict[str, str]
) -> tuple[Organization, ...]:
    """One record per global key: all names as aliases, all mentions, parents remapped."""
    grouped: dict[str, list[Organization]] = {}
    for org in orgs:
        grouped.setdefault(mapping.get(org.key, org.key), []).append(org)
    merged = []
    for key, group in sorted(grouped.items()):
        name = _global_name(group)
        aliases = dict.fromkeys(a for org in group for a in (org.name, *org.aliases) if a != name)
        parents = sorted({mapping.get(o.parent, o.parent) for o in group if o.parent} - {key})
        merged.append(
            replace(
                group[0],
                key=key,
                name=name,
                aliases=tuple(aliases),
                mentions=tuple(m for org in group for m in org.mentions),
                parent=parents[0] if parents else None,
            )
        )
    return tuple(merged)
