"""Who a deal is between: the organisations a deal sentence names as parties, and how a
sentence naming several deals is split into one party group per deal."""

from __future__ import annotations

import re
from typing import Protocol

from spacy.tokens import Span as SpacySpan

from kg.extract.nlp import doc_text


class OrgLookup(Protocol):
    """What the deal extractor needs from organisation recognition: the organisation
    mentions in a character range, and the organisations named only as the source of
    the news ("Outlet reported…"), which are never parties."""

    @property
    def sources(self) -> frozenset[str]: ...

    @property
    def attributions(self) -> tuple[tuple[int, int], ...]: ...

    def orgs_between(self, start: int, end: int) -> list[tuple[int, int, str]]: ...


def party_mentions(lookup: OrgLookup, sentence: SpacySpan) -> list[tuple[int, int, str]]:
    """The organisations a sentence names that may be parties of its deal: not outlets
    cited as sources (anywhere, or here), not those in a clause describing someone ("…, co-founded by former
    Acme staff, …", "…, backed by Borealis, …")."""
    described = described_ranges(sentence) + list(lookup.attributions)
    return [
        m
        for m in lookup.orgs_between(sentence.start_char, sentence.end_char)
        if m[2] not in lookup.sources and not any(a <= m[0] < b for a, b in described)
    ]


# ", co-founded by former Acme staff", ", the research firm backed by Borealis",
# ", a unit of Corvex": up to the next comma
_DESCRIPTION = re.compile(
    r",\s*(?:(?:which|who) (?:was|were|is|are) |(?:the|a|an) (?:[\w-]+ ){0,6}?)?"
    r"(?:(?:co-|jointly )?(?:founded|owned|led|backed|run|created|formed|headed|started|"
    r"controlled|funded|spun (?:out|off)) (?:by|from)|(?:a )?(?:unit|subsidiary|division|"
    r"spin-off) of)\b[^,;]*"
)


def described_ranges(sentence: SpacySpan) -> list[tuple[int, int]]:
    """Character ranges of the clauses describing someone in *sentence*."""
    return [
        (sentence.start_char + m.start(), sentence.start_char + m.end())
        for m in _DESCRIPTION.finditer(sentence.text)
    ]


def distinct_orgs(lookup: OrgLookup, sentence: SpacySpan) -> list[str]:
    """The organisations a sentence names as possible parties, in order.

    None when every one is an example in one list ("collaborations with other players,
    including A, B and C"): examples of someone's partners are not partners of each other.
    """
    mentions = party_mentions(lookup, sentence)
    if _all_examples(doc_text(sentence.doc), mentions):
        return []
    return list(dict.fromkeys(key for _, _, key in mentions))


_EXAMPLES = re.compile(r"\b(including|such as|like|among them|notably)\s+(the\s+)?$", re.I)


def _all_examples(text: str, mentions: list[tuple[int, int, str]]) -> bool:
    if len(mentions) < 2:
        return False
    first = mentions[0][0]
    if not _EXAMPLES.search(text[max(0, first - 30) : first]):
        return False
    gaps = [text[a[1] : b[0]] for a, b in zip(mentions, mentions[1:], strict=False)]
    return all(_COORDINATION.match(gap) or not gap.strip() for gap in gaps)


# a sentence whose subject is the parties of the deal just named
THE_PARTIES = re.compile(
    r"^\W*(?:the|both)\s+(?:two\s+)?(?:companies|firms|groups|partners|sides|parties|"
    r"carriers|operators|automakers|carmakers|banks|airlines)\b|^\W*the\s+pair\b",
    re.I,
)


# a deal verb whose object is "the company": a company the text has just named
_DEAL_WITH_THE_COMPANY = re.compile(
    r"\b(?:buy|buys|bought|buying|acquir\w*|purchas\w*|invest\w* in|partner\w* with|"
    r"tak\w+ over|bid\w* for|merg\w* with)\s+the\s+(?:company|firm|startup|start-up|"
    r"studio|business|maker|developer|group)\b",
    re.I,
)


# "the company raised €90 million, Acme leading the round": the company named before
_THE_COMPANY_RAISED = re.compile(
    r"\bthe\s+(?:company|startup|start-up|firm|business)\s+(?:has\s+|had\s+)?"
    r"(?:raised|secured|closed|received|landed)\b.*\b(?:led\s+by|leading|lead\s+investor)\b",
    re.I,
)


def antecedent_of(sentence: SpacySpan, lookup: OrgLookup, party: str) -> list[str]:
    """The company "the company" stands for when the one named party deals with it ("bid
    to buy the company", "the company raised … with Acme leading the round"): the last
    other organisation named before the sentence (none when there is none)."""
    if not (
        _DEAL_WITH_THE_COMPANY.search(sentence.text) or _THE_COMPANY_RAISED.search(sentence.text)
    ):
        return []
    earlier = [
        key
        for _, _, key in lookup.orgs_between(0, sentence.start_char)
        if key != party and key not in lookup.sources
    ]
    return earlier[-1:]


def party_groups(
    sentence: SpacySpan, lookup: OrgLookup, matches: list[tuple[str, int, int]]
) -> list[tuple[list[str], str | None, tuple[int, int] | None]]:
    """The parties of each deal a sentence states; when the sentence names several deals
    each by its own noun, also that noun's kind and the deal's part of the sentence.

    "A signed supply deals with B and C" is two deals (A–B, A–C): one organisation before
    the deal word and several after it. "A's partnership with B, like C's investment in
    D" is two deals, each named by its own noun. Otherwise the sentence states one deal
    among all the organisations it names.
    """
    mentions = party_mentions(lookup, sentence)
    keys = list(dict.fromkeys(key for _, _, key in mentions))
    triggers = [start for label, start, _ in matches if label != "agreement"] or [
        start for _, start, _ in matches
    ]
    if not triggers or len(keys) <= 2:
        return [(keys, None, None)]
    relative = _relative_clause_parties(sentence, mentions, matches)
    if relative:
        return [(relative, None, None)]
    clauses = _conjoined_clause_groups(sentence, mentions, matches)
    if clauses:
        return clauses
    pairs = _possessive_pairs(sentence, mentions, matches)
    if len({frozenset(pair) for pair, _, _ in pairs}) >= 2:
        # each deal's part of the sentence runs from its owner to the next deal's owner
        starts = [begin for _, _, begin in pairs][1:] + [sentence.end_char]
        first = sentence.start_char
        return [
            (list(pair), label, (first if i == 0 else begin, end))
            for i, ((pair, label, begin), end) in enumerate(zip(pairs, starts, strict=True))
        ]
    pivot = sentence.doc[min(triggers)].idx
    before = list(dict.fromkeys(k for s, e, k in mentions if e <= pivot))
    after = [k for k in dict.fromkeys(k for s, e, k in mentions if s >= pivot) if k not in before]
    if len(before) == 1 and len(after) >= 2 and _coordinated(sentence, mentions, pivot):
        return [([before[0], other], None, None) for other in after]
    return [(keys, None, None)]


def _conjoined_clause_groups(
    sentence: SpacySpan,
    mentions: list[tuple[int, int, str]],
    matches: list[tuple[str, int, int]],
) -> list[tuple[list[str], str | None, tuple[int, int] | None]]:
    """Two clauses joined by "and", each with its own subject and its own deal: "A
    signed a supply deal with B, and C took a stake in D" is A–B and C–D.

    Empty unless the sentence's main verb has a conjoined verb with a subject of its
    own, and each part names at least two organisations and a deal word.
    """
    root = sentence.root
    second = next(
        (
            t
            for t in root.children
            if t.dep_ == "conj" and t.pos_ in ("VERB", "AUX")
            and any(c.dep_ in ("nsubj", "nsubjpass") for c in t.children)
        ),
        None,
    )  # fmt: skip
    if second is None:
        return []
    split = sentence.doc[second.left_edge.i].idx
    regions = [(sentence.start_char, split), (split, sentence.end_char)]
    groups: list[tuple[list[str], str | None, tuple[int, int] | None]] = []
    for low, high in regions:
        keys = list(dict.fromkeys(k for start, end, k in mentions if low <= start < high))
        kinds = [
            label
            for label, start, _ in matches
            if low <= sentence.doc[start].idx < high and label != "agreement"
        ]
        if len(keys) < 2 or not kinds:
            return []
        groups.append((keys, kinds[0], (low, high)))
    return groups


def _relative_clause_parties(
    sentence: SpacySpan,
    mentions: list[tuple[int, int, str]],
    matches: list[tuple[str, int, int]],
) -> list[str]:
    """ "… a change for Acme, which bought its retail arm back from Borealis": when
    every deal word sits in a relative clause about a company, that company and the ones
    the clause names are the parties, not the rest of the sentence."""
    doc = sentence.doc
    groups = []
    for label, start, _ in matches:
        if label == "agreement":
            continue
        clause = next((t for t in doc[start].ancestors if t.dep_ == "relcl"), None)
        if doc[start].dep_ == "relcl":
            clause = doc[start]
        if clause is None:
            return []
        head = clause.head
        owner = [m for m in mentions if m[0] <= head.idx < m[1]]
        low, high = doc[clause.left_edge.i].idx, doc[clause.right_edge.i].idx
        inside = [m[2] for m in mentions if low <= m[0] <= high]
        if not owner or not inside:
            return []
        groups.append(list(dict.fromkeys([owner[0][2], *inside])))
    return groups[0] if groups and all(g == groups[0] for g in groups) else []


# "A's partnership with B", "A’s more than $10 billion investment in B"
_OWNER_GAP = re.compile(r"^['’]s?\s+(?:[\w$.%-]+\s+){0,4}$")


_PARTNER_GAP = re.compile(r"^\s+(?:with|in|into|for|to)\s+(?:[\w().&-]+\s+){0,5}$")


def _possessive_pairs(
    sentence: SpacySpan,
    mentions: list[tuple[int, int, str]],
    matches: list[tuple[str, int, int]],
) -> list[tuple[tuple[str, str], str | None, int]]:
    """Deals named as "owner's deal noun with/in partner": the pair, the noun's kind and
    where the owner's name starts, in order."""
    doc = sentence.doc
    text = doc_text(doc)
    pairs: list[tuple[tuple[str, str], str | None, int]] = []
    for label, start, end in matches:
        begin, finish = doc[start].idx, doc[end - 1].idx + len(doc[end - 1])
        owner = [m for m in mentions if m[1] <= begin and _OWNER_GAP.match(text[m[1] : begin])]
        partner = [
            m for m in mentions if m[0] >= finish and _PARTNER_GAP.match(text[finish : m[0]])
        ]
        if owner and partner and owner[-1][2] != partner[0][2]:
            kind = None if label == "agreement" else label
            pairs.append(((owner[-1][2], partner[0][2]), kind, owner[-1][0]))
    return sorted(pairs, key=lambda pair: pair[2])


_COORDINATION = re.compile(r"^(\s*(,|and|or|&|as well as|\(|\))\s*)+$")


def _coordinated(sentence: SpacySpan, mentions: list[tuple[int, int, str]], pivot: int) -> bool:
    """Whether the organisations after the deal word form one list ("B, C and D")."""
    text = doc_text(sentence.doc)
    after = [m for m in mentions if m[0] >= pivot]
    gaps = [text[a[1] : b[0]] for a, b in zip(after, after[1:], strict=False) if a[2] != b[2]]
    return bool(gaps) and all(_COORDINATION.match(gap) for gap in gaps)
