"""Resolution inside one document: one organisation per company, with its aliases, its
units (``parent`` links) and its products."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc

from kg.extract.intervals import SpanIndex
from kg.extract.occurrences import WholeWords
from kg.extract.orgs.findings import Candidate, OrgFindings
from kg.extract.orgs.layout import inside, outlet_ranges
from kg.extract.orgs.lexicon import Lexicon, lexicon, shapes
from kg.extract.orgs.names import (
    POSSESSIVE,
    all_initials,
    canonical_name,
    clips,
    core,
    display_name,
)
from kg.models import Document, Organization, OrgMention, Product, Span
from kg.rdf.iris import slugify

# entities whose words are never a company's short name: places, nationalities, people
_NOT_SHORT_NAMES = frozenset({"GPE", "LOC", "NORP", "FAC", "DATE", "EVENT", "LAW"})


def bare_names(doc: Doc) -> frozenset[int]:
    """Where a proper noun starts that could be a company's short name: not inside a
    place or a nationality, nor inside a person's full name."""
    full_names = {
        i for e in doc.ents if e.label_ == "PERSON" and len(e) > 1 for i in range(e.start, e.end)
    }
    return frozenset(
        token.idx
        for token in doc
        if token.pos_ == "PROPN"
        and token.ent_type_ not in _NOT_SHORT_NAMES
        and token.i not in full_names
    )


@dataclass
class _Group:
    core: str
    mentions: list[Candidate]
    alias_of: str | None = None  # core of the group this one merges into
    parent: str | None = None
    apart: set[str] = field(default_factory=set)  # cores the text names as others

    @property
    def first(self) -> int:
        return self.mentions[0].start


def resolve(
    orgs: Sequence[Candidate],
    products: Sequence[Candidate],
    document: Document,
    blocked: Sequence[tuple[int, int]],
    attributed: Sequence[tuple[int, int, str]],
    lex: Lexicon,
    bare_names: frozenset[int] = frozenset(),
) -> OrgFindings:
    groups = _group(_split_pairs(orgs, lex), lex)
    _link_acronyms(groups, orgs, document.text, lex)
    _link_stated_parents(groups, orgs, document.text, lex)
    _link_short_forms(groups, lex)
    merged, root_of = _merge(groups)
    attributed_ranges = [(start, end) for start, end, _ in attributed]
    _propagate(merged, document.text, blocked, attributed_ranges, bare_names, lex)
    _hyphenated_pairs(merged, root_of, document.text, lex)
    products = [*products, *_possessive_products(merged, document.text, lex)]
    records, key_of = _records(merged, document)
    key_of_core = {name: key_of[root] for name, root in root_of.items()}
    mentions = sorted(
        (c.start, c.end, key_of[root]) for root, group in merged.items() for c in group.mentions
    )
    sources = frozenset(
        key_of[root] for root, group in merged.items() if all(c.attributed for c in group.mentions)
    )
    return OrgFindings(
        organizations=records,
        products=_products(products, key_of_core, document, lex),
        mentions=tuple(mentions),
        sources=sources,
        attributions=tuple(outlet_ranges(attributed)),
    )


def _propagate(
    merged: dict[str, _Group],
    text: str,
    blocked: Sequence[tuple[int, int]],
    attributed: Sequence[tuple[int, int]],
    bare_names: frozenset[int],
    lex: Lexicon,
) -> None:
    """Every other occurrence of a resolved surface form is a mention too, and so is a
    name's distinctive first word used alone.

    The model misses repeated names in some sentences; once the document has shown a
    form to be an organisation, its other occurrences (whole words, outside datelines,
    bylines, headlines and other mentions) are the same organisation. News also shortens
    names after the first mention ("Pellmore Motors said … Pellmore will"): see
    :func:`_first_words` for which words count, and only where the parser reads a proper
    noun that could be a short name (*bare_names*) and no capitalised word follows
    (which would make another name).
    """
    forms = {
        (c.text, root)
        for root, group in merged.items()
        for c in group.mentions
        if len(c.text) > 2 and not POSSESSIVE.search(c.text)
    }
    _add_occurrences(
        merged, text, sorted(forms, key=lambda f: (-len(f[0]), f)), blocked, attributed
    )

    def short_name(start: int, end: int) -> bool:
        return start in bare_names and not re.match(r"[ \t]+[A-Z]", text[end : end + 3])

    _add_occurrences(merged, text, _first_words(merged, lex), blocked, attributed, short_name)


def _add_occurrences(
    merged: dict[str, _Group],
    text: str,
    forms: Sequence[tuple[str, str]],
    blocked: Sequence[tuple[int, int]],
    attributed: Sequence[tuple[int, int]],
    accept: Callable[[int, int], bool] | None = None,
) -> None:
    """Each whole-word occurrence of each (form, root) not yet a mention, nor blocked, nor
    refused by *accept*, becomes a mention of *root*."""
    taken: SpanIndex[None] = SpanIndex(
        (c.start, c.end, None) for group in merged.values() for c in group.mentions
    )
    words = WholeWords(text)
    for form, root in forms:
        for span in words.find(form):
            if (
                taken.overlaps(*span)
                or inside(*span, blocked)
                or (accept is not None and not accept(*span))
            ):
                continue
            taken.add(*span, None)
            merged[root].mentions.append(
                Candidate(span[0], span[1], form, "REPEATED", attributed=inside(*span, attributed))
            )
    for group in merged.values():
        group.mentions.sort(key=lambda c: c.start)


def _first_words(merged: dict[str, _Group], lex: Lexicon) -> list[tuple[str, str]]:
    """(word, root) for each distinctive first word of a name: capitalised, not a generic,
    industry, legal, calendar or company-kind word, and beginning one organisation's
    names and no other's."""
    common = lex.name_ends | lex.generic | lex.calendar | lex.organisation_nouns
    firsts: dict[str, set[str]] = {}
    for root, group in merged.items():
        for cand in group.mentions:
            words = cand.text.split()
            first = words[0] if words else ""
            if len(words) > 1 and len(first) > 3 and first.isalpha() and first[0].isupper():
                if first.lower() not in common:
                    firsts.setdefault(first, set()).add(root)
    return [(word, next(iter(roots))) for word, roots in sorted(firsts.items()) if len(roots) == 1]


def _split_pairs(orgs: Sequence[Candidate], lex: Lexicon) -> list[Candidate]:
    """A candidate that joins two names the document knows apart is two.

    "Acme-Borealis" is two when both halves name other organisations (or start or end
    their names); "Acme and Borealis Ltd" is two when one half is another organisation's
    name, whatever the other is ("Corva and Linmar-owned …" after "Linmar bought").
    """
    result: list[Candidate] = []
    # every candidate's core once: computed per candidate, this was quadratic in the
    # number of mentions and took most of a long document's extraction
    cores_of = {c.text: core(c.text, lex) for c in orgs}
    all_cores = set(cores_of.values())
    for cand in orgs:
        own = cores_of[cand.text]
        halves = _halves(cand.text)
        if halves is None:
            result.append(cand)
            continue
        others = all_cores - {own}
        words = {w for name in others for w in (name.split()[0], name.split()[-1])}
        if cand.text.lower() in others:
            result.append(cand)
            continue
        cores = [core(cand.text[start:end], lex) for start, end in halves]
        if shapes().pair.fullmatch(cand.text):
            split = all(c in others | words for c in cores)
        else:
            split = any(c in others for c in cores)
        if not split:
            result.append(cand)
            continue
        for start, end in halves:
            name = cand.text[start:end]
            result.append(Candidate(cand.start + start, cand.start + end, name, "PAIRED"))
    return result


def _halves(text: str) -> list[tuple[int, int]] | None:
    """The character ranges of the two names "A-B" or "A and B" joins, if it is so made."""
    match = shapes().pair.fullmatch(text)
    if match is not None:
        return [match.span(1), match.span(2)]
    match = shapes().and_pair.fullmatch(text)
    if match is not None and match.group("b").rstrip(".").lower() not in lexicon().legal_suffixes:
        return [match.span("a"), match.span("b")]
    return None


def _hyphenated_pairs(
    merged: dict[str, _Group], root_of: dict[str, str], text: str, lex: Lexicon
) -> None:
    """ "the Acme-Borealis joint venture": both halves are mentions when both are known."""
    taken = {(c.start, c.end) for group in merged.values() for c in group.mentions}
    for match in shapes().pair.finditer(text):
        roots = [root_of.get(core(match.group(i), lex)) for i in (1, 2)]
        if None in roots or roots[0] == roots[1]:
            continue
        for i, root in zip((1, 2), roots, strict=True):
            span = (match.start(i), match.end(i))
            if root is not None and span not in taken:
                merged[root].mentions.append(Candidate(*span, match.group(i), "PAIRED"))
    for group in merged.values():
        group.mentions.sort(key=lambda c: c.start)


def _possessive_products(merged: dict[str, _Group], text: str, lex: Lexicon) -> list[Candidate]:
    """ "Acme's Widget Pro": a capitalised name owned by an organisation mention."""
    starts = {c.start for group in merged.values() for c in group.mentions}
    titles = {title.lower() for title in lex.person_titles}
    found = []
    for root, group in merged.items():
        for cand in group.mentions:
            match = shapes().owned.match(text, cand.end)
            if match is None or match.start(1) in starts:
                continue
            name = match.group(1).rstrip(".")
            first = name.split()[0]
            if first.lower() in titles or name.lower() in lex.generic or first in lex.boilerplate:
                continue
            start = match.start(1)
            found.append(Candidate(start, start + len(name), name, "OWNED:" + root))
    return found


def _group(orgs: Sequence[Candidate], lex: Lexicon) -> dict[str, _Group]:
    groups: dict[str, _Group] = {}
    for cand in orgs:
        key = core(cand.text, lex)
        groups.setdefault(key, _Group(key, [])).mentions.append(cand)
    return groups


def _link_acronyms(
    groups: dict[str, _Group], orgs: Sequence[Candidate], text: str, lex: Lexicon
) -> None:
    """Bracketed acronyms join the name before them; bare initials join a unique name."""
    by_end = {c.end: c for c in orgs if not c.label.startswith("ALIAS_OF")}
    for cand in orgs:
        if not cand.label.startswith("ALIAS_OF"):
            continue
        owner = next(
            (
                by_end[end]
                for end in range(cand.start - 2, max(cand.start - 15, -1), -1)
                if end in by_end
            ),
            None,
        )
        alias = core(cand.text, lex)
        if owner is not None and core(owner.text, lex) != alias:
            groups[alias].alias_of = core(owner.text, lex)
    for group in groups.values():
        if group.alias_of or not shapes().acronym_core.fullmatch(group.core):
            continue
        if not all(c.text.isupper() for c in group.mentions):
            continue
        matches = [
            g.core
            for g in groups.values()
            if any(group.core in all_initials(c.text, lex) for c in g.mentions)
        ]
        if len(matches) == 1 and matches[0] != group.core:
            group.alias_of = matches[0]


def _link_stated_parents(
    groups: dict[str, _Group], orgs: Sequence[Candidate], text: str, lex: Lexicon
) -> None:
    """ "Acme Infra Ltd, a subsidiary of Acme,": the text names the unit and its parent
    apart, so the parent is no short form of the unit."""
    starts = {c.start: core(c.text, lex) for c in orgs}
    for cand in orgs:
        match = shapes().unit_of.match(text, cand.end)
        if match is None or match.group("noun").lower() not in lex.subsidiary_nouns:
            continue
        parent = starts.get(match.end())
        unit = core(cand.text, lex)
        if parent is not None and parent != unit and unit in groups and parent in groups:
            groups[unit].parent = parent
            groups[unit].apart.add(parent)
            groups[parent].apart.add(unit)


def _link_short_forms(groups: dict[str, _Group], lex: Lexicon) -> None:
    """Second mentions by first/last words or a clipped last word, and units introduced
    after their parent."""
    for short in groups.values():
        if short.alias_of:
            continue
        clipped = [long for long in groups.values() if clips(short.core, long.core)]
        if len(clipped) == 1 and clipped[0].first < short.first:
            short.alias_of = clipped[0].core  # "Orvane Tech" after "Orvane Technologies"
            continue
        s_words = short.core.split()
        earlier: list[tuple[_Group, bool]] = []
        later: list[tuple[_Group, bool]] = []
        for long in groups.values():
            l_words = long.core.split()
            if (
                long is short
                or long.alias_of
                or len(l_words) <= len(s_words)
                or long.core in short.apart
            ):
                continue
            prefix = l_words[: len(s_words)] == s_words
            suffix = l_words[-len(s_words) :] == s_words
            if prefix or suffix:
                (earlier if long.first < short.first else later).append((long, prefix))
        if len(earlier) == 1:
            long, prefix = earlier[0]
            extra = " ".join(long.core.split()[len(s_words) :])
            if prefix and extra in lex.separate_unit_heads:
                # "Acme Cloud" then "Acme": the text names the unit and its parent apart
                long.parent = long.parent or short.core
            else:
                short.alias_of = long.core
            continue
        for long, prefix in later:
            if prefix:
                # "Brightwater" then "Brightwater Vision Fund 3": a unit of its own
                long.parent = long.parent or short.core
            elif len(later) == 1:
                long.alias_of = short.core


def _merge(groups: dict[str, _Group]) -> tuple[dict[str, _Group], dict[str, str]]:
    """Fold aliased groups into their targets, keyed by root core; and each core's root."""

    def root(core_name: str) -> str:
        seen = set()
        while groups[core_name].alias_of and core_name not in seen:
            seen.add(core_name)
            core_name = groups[core_name].alias_of or core_name
        return core_name

    merged: dict[str, _Group] = {}
    for name, group in sorted(groups.items(), key=lambda item: item[1].first):
        target = root(name)
        into = merged.setdefault(target, _Group(target, [], parent=groups[target].parent))
        into.mentions.extend(group.mentions)
    for group in merged.values():
        group.mentions.sort(key=lambda c: c.start)
        if group.parent is not None:
            group.parent = root(group.parent)
    return merged, {name: root(name) for name in groups}


def _records(
    merged: dict[str, _Group], document: Document
) -> tuple[tuple[Organization, ...], dict[str, str]]:
    lex = lexicon()
    key_of: dict[str, str] = {}
    names: dict[str, str] = {}
    for root, group in merged.items():
        name = canonical_name([c.text for c in group.mentions], lex)
        key = slugify(name)
        while key in key_of.values():
            key += "-2"
        key_of[root] = key
        names[root] = name
    records = []
    for root, group in merged.items():
        surfaces = dict.fromkeys(c.text for c in group.mentions)
        aliases = tuple(s for s in surfaces if s != names[root])
        records.append(
            Organization(
                key=key_of[root],
                name=names[root],
                aliases=aliases,
                mentions=tuple(
                    OrgMention(c.text, Span(document.id, c.start, c.end, c.text))
                    for c in group.mentions
                ),
                parent=key_of.get(group.parent) if group.parent else None,
            )
        )
    return tuple(records), key_of


def _products(
    cands: Sequence[Candidate], key_of: dict[str, str], document: Document, lex: Lexicon
) -> tuple[Product, ...]:
    by_name: dict[str, list[Candidate]] = {}
    owners: dict[str, str] = {}
    for cand in cands:
        name = display_name(cand.text, lex)
        by_name.setdefault(name, []).append(cand)
        if cand.label.startswith("OWNED:"):
            owner = key_of.get(cand.label.removeprefix("OWNED:"))
            if owner:
                owners.setdefault(name, owner)
    products = []
    for name, found in by_name.items():
        if slugify(name) in key_of.values() or core(name, lex) in key_of:
            continue  # also an organisation name: the organisation wins
        products.append(
            Product(
                key=slugify(name),
                name=name,
                owner=owners.get(name),
                mentions=tuple(Span(document.id, c.start, c.end, c.text) for c in found),
            )
        )
    return tuple(products)
