"""Stage 3, resolve: organisations across documents, one global key per company.

Resolution *inside* one document (recognising names, short forms and acronyms) is
:mod:`kg.extract.orgs`. Here: :func:`resolve_across` decides which per-document
organisations are one company, :func:`resolve_extractions` rekeys a build's extractions
with it, and :class:`OrgIndex` with :func:`resolve_batch` resolves a batch of new documents
against the organisations already in a store.

Two per-document organisations are the same company when they have a *full name* in
common, compared by :func:`kg.extract.orgs.core` (case, possessive, punctuation and legal
suffix ignored): the canonical name, or an alias that is no short form of it. Acronyms,
tickers and short names ("ACR", "ACR.N", "Acme" for "Acme Robotics", "Zhopec" for
"Zhonghua Petroleum") never merge across documents: a document defines its own short
forms, and another document's "ACR" or "Acme" may be a different company. Names are never
compared by similarity: "Acme" and "Acme Cloud" stay apart (the latter's ``parent`` link
says how they relate).

The global name is the most frequent canonical name (legal suffix dropped) of the merged
organisations (ties:
most words, then longest, then alphabetical), so the choice does not depend on the order
documents are read in; the global key is its slug.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

import pyoxigraph as ox

from kg.extract.orgs import OrgFindings, canonical_name, core, lexicon
from kg.models import Agreement, Clause, Document, Extraction, Organization
from kg.rdf.graphs import select
from kg.rdf.iris import slugify
from kg.rdf.vocab import ID, sparql_prologue

_ORG_PREFIX = str(ID) + "org-"


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
        for name in full_names(org):
            if name in by_name:
                union(by_name[name], org.key)
            else:
                by_name[name] = org.key
    grouped: dict[str, list[Organization]] = {}
    for org in orgs:
        grouped.setdefault(find(org.key), []).append(org)
    mapping: dict[str, str] = {}
    for group in grouped.values():
        global_key = slugify(_global_name(group))
        for org in group:
            mapping[org.key] = global_key
    return mapping


def full_names(org: Organization) -> set[str]:
    """The cores of *org*'s names that may merge it with another document's organisation:
    its canonical name and every alias that is no short form of it (see the module
    docstring). "Acme Robotics Inc." is a full name of "Acme Robotics"; "Acme", "AR" and
    "ACR.N" are not."""
    lex = lexicon()
    own = core(org.name, lex)
    names = {own} | {core(alias, lex) for alias in org.aliases if not _short_form(alias, own)}
    return names - {""}


def _short_form(alias: str, name_core: str) -> bool:
    """An acronym or ticker, a single word for a longer name, or the first or last words
    of the name."""
    if re.fullmatch(r"[A-Z0-9][A-Z0-9.&-]{0,7}", alias):
        return True
    words, name_words = core(alias).split(), name_core.split()
    if not words or words == name_words:
        return False
    return len(words) == 1 or (
        len(words) < len(name_words)
        and (name_words[: len(words)] == words or name_words[-len(words) :] == words)
    )


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


# --------------------------------------------------------------------------- within a build


def resolve_extractions(extractions: Sequence[Extraction]) -> list[Extraction]:
    """Give every organisation one key across all documents and rewrite references to it."""
    findings = [
        OrgFindings(organizations=e.organizations, products=e.products, mentions=())
        for e in extractions
    ]
    mapping = resolve_across(findings)
    canonical = canonical_organizations(extractions, mapping)
    return [rekey_extraction(e, mapping, canonical) for e in extractions]


def canonical_organizations(
    extractions: Iterable[Extraction], mapping: dict[str, str]
) -> dict[str, Organization]:
    merged: dict[str, Organization] = {}
    for extraction in extractions:
        for org in extraction.organizations:
            key = mapping.get(org.key, org.key)
            previous = merged.get(key)
            names = [org.name, *org.aliases]
            if previous is None:
                merged[key] = replace(org, key=key)
            else:
                aliases = tuple(
                    dict.fromkeys([*previous.aliases, *(n for n in names if n != previous.name)])
                )
                merged[key] = replace(previous, aliases=aliases)
    return merged


def rekey_extraction(
    extraction: Extraction, mapping: dict[str, str], canonical: dict[str, Organization]
) -> Extraction:
    def key(k: str | None) -> str | None:
        return mapping.get(k, k) if k is not None else None

    orgs = tuple(
        replace(
            org,
            key=key(org.key) or org.key,
            name=canonical[key(org.key) or org.key].name,
            aliases=canonical[key(org.key) or org.key].aliases,
            parent=key(org.parent),
        )
        for org in extraction.organizations
    )
    products = tuple(replace(p, owner=key(p.owner)) for p in extraction.products)
    names = {o.key: o.name for o in orgs}
    agreements = tuple(_rekey_agreement(a, key, names) for a in extraction.agreements)
    return replace(extraction, organizations=orgs, products=products, agreements=agreements)


def _rekey_agreement(
    agreement: Agreement, key: Callable[[str | None], str | None], names: dict[str, str]
) -> Agreement:
    parties = tuple(dict.fromkeys(key(p) or p for p in agreement.parties))
    roles = tuple((role, key(p) or p) for role, p in agreement.roles)
    clauses = tuple(_rekey_clause(c, key) for c in agreement.clauses)
    label = _agreement_label(agreement, [names.get(p, p) for p in parties])
    return replace(agreement, parties=parties, roles=roles, clauses=clauses, name=label)


def _rekey_clause(clause: Clause, key: Callable[[str | None], str | None]) -> Clause:
    return replace(clause, obligor=key(clause.obligor), beneficiary=key(clause.beneficiary))


def _agreement_label(agreement: Agreement, party_names: list[str]) -> str:
    kind = {"mou": "MOU", "amendment": "amendment", "definitive": "definitive agreement"}.get(
        agreement.form or "", ""
    )
    subject = agreement.types[0].replace("_", " ") if agreement.types else "agreement"
    words = f"{subject} {kind}".strip() if kind else subject
    return f"{' – '.join(party_names)}: {words}"


# --------------------------------------------------------------------------- against a store


_STORE_DOC_ID = "doc-store"  # the pseudo-document holding stored organisations


ORG_INDEX_QUERY = (
    "SELECT ?org ?name ?alias WHERE { ?org a dk:Organization ; skos:prefLabel ?name ."
    " OPTIONAL { ?org skos:altLabel ?alias } }"
)
"""The stored organisations with their names (after the project prologue), for :class:`OrgIndex`."""


class OrgIndex:
    """The stored organisations, indexed by the full names resolution compares."""

    def __init__(self) -> None:
        self.orgs: dict[str, Organization] = {}
        self._by_name: dict[str, set[str]] = {}

    @classmethod
    def from_store(cls, store: ox.Store) -> OrgIndex:
        """The organisations of the Oxigraph *store* (any graph)."""
        return cls.from_rows(select(store, sparql_prologue() + ORG_INDEX_QUERY, union=True))

    @classmethod
    def from_rows(cls, rows: Iterable[Sequence[str | None]]) -> OrgIndex:
        """The organisations of *rows* of :data:`ORG_INDEX_QUERY` (IRI, name, alias)."""
        index = cls()
        names: dict[str, set[str]] = {}
        aliases: dict[str, set[str]] = {}
        for iri, name, alias in rows:
            if iri is None or name is None or not iri.startswith(_ORG_PREFIX):
                continue
            key = iri.removeprefix(_ORG_PREFIX)
            names.setdefault(key, set()).add(name)
            if alias is not None:
                aliases.setdefault(key, set()).add(alias)
        for key, labels in names.items():
            canonical = min(labels)  # one label unless two runs disagreed; pick stably
            others = tuple(sorted((aliases.get(key, set()) | labels) - {canonical}))
            index.add([Organization(key=key, name=canonical, aliases=others)])
        return index

    def add(self, orgs: Iterable[Organization]) -> None:
        """Record organisations written to the store (their aliases accumulate)."""
        for org in orgs:
            known = self.orgs.get(org.key)
            if known is not None:
                extra = [a for a in (org.name, *org.aliases) if a != known.name]
                org = replace(known, aliases=tuple(dict.fromkeys([*known.aliases, *extra])))
            self.orgs[org.key] = org
            for name in full_names(org):
                self._by_name.setdefault(name, set()).add(org.key)

    def relevant(self, orgs: Iterable[Organization]) -> list[Organization]:
        """Stored organisations that resolution could merge with any of *orgs*."""
        keys: set[str] = set()
        for org in orgs:
            for name in full_names(org):
                keys |= self._by_name.get(name, set())
        return [self.orgs[k] for k in sorted(keys)]


def resolve_batch(batch: Sequence[Extraction], index: OrgIndex) -> list[Extraction]:
    """Resolve *batch*'s organisations among themselves and against the stored ones.

    A group that contains a stored organisation takes its key and name; other groups get
    keys exactly as :func:`kg.resolve.resolve_extractions` gives them. Each document
    keeps only the aliases it uses itself, so removing a document removes its aliases.
    """
    stored = index.relevant(o for e in batch for o in e.organizations)
    pseudo = Extraction(
        document=Document(id=_STORE_DOC_ID, text="", source="<store>"),
        organizations=tuple(stored),
    )
    everything = [pseudo, *batch]
    findings = [
        OrgFindings(organizations=e.organizations, products=e.products, mentions=())
        for e in everything
    ]
    mapping = resolve_across(findings)
    keep: dict[str, str] = {}  # group key → smallest stored key in the group
    for org in stored:
        group = mapping[org.key]
        keep[group] = min(keep.get(group, org.key), org.key)
    mapping = {key: keep.get(group, group) for key, group in mapping.items()}
    canonical = canonical_organizations(everything, mapping)
    return [_own_aliases(e, rekey_extraction(e, mapping, canonical)) for e in batch]


def _own_aliases(original: Extraction, rekeyed: Extraction) -> Extraction:
    orgs = tuple(
        replace(
            new,
            aliases=tuple(dict.fromkeys(n for n in (old.name, *old.aliases) if n != new.name)),
        )
        for old, new in zip(original.organizations, rekeyed.organizations, strict=True)
    )
    return replace(rekeyed, organizations=orgs)
