"""Agreements, their parties, roles, status, dates, amounts and clauses.

The extractor works sentence by sentence on a parsed spaCy ``Doc``:

1. a *deal frame* is a sentence with a deal trigger (``patterns/deals.jsonl``) and at
   least two organisations;
2. frames about the same parties (and not about different years or different kinds of
   deal) are grouped into one agreement; several deals in one article stay several;
3. sentences without two organisations but with clause cues or amounts add their
   terms to the agreement discussed just before them;
4. clauses come from ``patterns/clauses.jsonl``; amounts and dates from
   :mod:`kg.extract.amounts` and :mod:`kg.extract.dates`.

Every record carries the exact sentence it came from (character offsets into the
document's text).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache
from typing import Protocol

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from kg.extract.amounts import (
    UNQUANTIFIED,
    AmountMatch,
    SizeWords,
    amount_kind,
    find_amounts,
    find_unquantified,
)
from kg.extract.dates import DateMatch, find_dates, find_durations
from kg.extract.nlp import doc_text
from kg.extract.rules import load_rules
from kg.extract.tense import deal_report
from kg.models import Agreement, Amount, Clause, DateValue, Document, Span
from kg.rdf.iris import slugify
from kg.rdf.types import (
    clause_amount_kinds,
    clauses_owed_by,
    kept_apart_types,
    negatable_clauses,
    party_roles,
    payee_roles,
    payer_roles,
    roles_of_each_party,
    territory_cues,
    type_priority,
)

# Order in which a frame's subject-matter type is chosen when several triggers fire.
TYPE_PRIORITY = type_priority()
# What an amount in a sentence that does not itself state the deal must be to count as
# one of the deal's amounts.
DEAL_AMOUNT_KINDS = frozenset(
    {"investment", "upfront", "milestone", "deal_value", "purchase_commitment", "termination_fee"}
)
# Words that make a purchase or spending commitment one for cloud or compute capacity.
COMPUTE_WORDS = re.compile(
    r"\b(cloud|compute|computing|data ?cent(er|re)s?|gpus?|chips?|supercomput\w*|servers?|"
    r"capacity|gigawatts?|infrastructure|azure|aws)\b",
    re.I,
)
# Terms whose explicit absence is itself a term worth recording ("no board seat",
# "removes revenue sharing"); other negated cues ("is not investing") state nothing.
NEGATABLE = negatable_clauses()
# Clause cues that make "in <place>" a territory even outside the sentence naming the deal.
TERRITORY_CONTEXT = territory_cues()
# Kinds of deal that are never merged into an agreement of another kind.
STRONG_TYPES = kept_apart_types() | {"mou"}
# The roles of the parties named before and after the deal word, by kind of deal; the
# role every party of a joint venture has; the roles that pay and are paid.
ROLE_NAMES = party_roles()
EACH_PARTY_ROLE = roles_of_each_party()
PAYER_ROLES, PAYEE_ROLES = payer_roles(), payee_roles()
# What amount a money clause is about, and whose obligation each clause is.
CLAUSE_AMOUNT_KINDS = clause_amount_kinds()
OWED_BY = clauses_owed_by()
# Nouns that make "extend"/"expand"/"amend" mean a change to an agreement.
AGREEMENT_NOUNS = frozenset(
    {
        "partnership",
        "agreement",
        "deal",
        "contract",
        "relationship",
        "collaboration",
        "term",
        "terms",
        "pact",
        "alliance",
        "license",
        "licence",
        "arrangement",
        "accord",
        "supply",
        "venture",
    }
)
STATUS_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "terminated",
        re.compile(r"\b(terminat\w+|called off|scrapped|abandoned|walked away)\b", re.I),
    ),
    ("non-binding", re.compile(r"\bnon-?binding\b", re.I)),
    ("completed", re.compile(r"\b(completed|closed|finali[sz]ed)\b", re.I)),
    ("signed", re.compile(r"\b(signed|inked|entered into|struck|sealed)\b", re.I)),
    ("reported", re.compile(r"\b(reportedly|according to|people familiar|sources said)\b", re.I)),
    (
        "proposed",
        re.compile(r"\b(in talks|plans? to|proposed|would|considering|exploring)\b", re.I),
    ),
)
NEGATION_BEFORE = re.compile(r"\b(no|not|without|never)\s+(\w+\s+){0,2}$", re.I)
REMOVAL_BEFORE = re.compile(
    r"\b(remov\w*|end\w*|eliminat\w*|scrap\w*|drop\w*)\s+(\w+\s+){0,3}$", re.I
)


class OrgLookup(Protocol):
    """What the deal extractor needs from organisation recognition: the organisation
    mentions in a character range, and the organisations named only as the source of
    the news ("Outlet reported…"), which are never parties."""

    @property
    def sources(self) -> frozenset[str]: ...

    @property
    def attributions(self) -> tuple[tuple[int, int], ...]: ...

    def orgs_between(self, start: int, end: int) -> list[tuple[int, int, str]]: ...


def _party_mentions(lookup: OrgLookup, sentence: SpacySpan) -> list[tuple[int, int, str]]:
    """The organisations a sentence names that may be parties of its deal: not outlets
    cited as sources (anywhere, or here), not those in a clause describing someone ("…, co-founded by former
    Acme staff, …", "…, backed by Borealis, …")."""
    described = _described(sentence) + list(lookup.attributions)
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


def _described(sentence: SpacySpan) -> list[tuple[int, int]]:
    """Character ranges of the clauses describing someone in *sentence*."""
    return [
        (sentence.start_char + m.start(), sentence.start_char + m.end())
        for m in _DESCRIPTION.finditer(sentence.text)
    ]


@dataclass
class _Frame:
    sentence: SpacySpan
    parties: list[str]
    types: Counter[str]
    mou: bool
    amendment: bool
    definitive: bool
    years: set[str]
    separate: bool = False  # "Separately, …", "also signed a second agreement …"
    anaphoric: bool = False  # only "the deal", "this agreement": one already named
    # the part of a sentence naming several deals that is this frame's (character offsets)
    region: tuple[int, int] | None = None


# Words that announce another deal between the same parties, not more about the last one.
SEPARATE_DEAL = re.compile(
    r"^\W*(separately|in a separate (deal|agreement|move|announcement)|in addition)\b"
    r"|\b(also (signed|agreed|entered|struck|inked)|another (deal|agreement|contract|pact)|"
    r"a (second|separate|further|new) (deal|agreement|contract|pact))\b",
    re.I,
)


@dataclass
class _Draft:
    parties: list[str]
    frames: list[_Frame] = field(default_factory=list)
    context: list[SpacySpan] = field(default_factory=list)

    @property
    def sentences(self) -> list[SpacySpan]:
        ordered = {s.start: s for s in [f.sentence for f in self.frames] + self.context}
        return [ordered[k] for k in sorted(ordered)]

    @property
    def years(self) -> set[str]:
        return set().union(*(f.years for f in self.frames)) if self.frames else set()

    @property
    def strong_type(self) -> str | None:
        return _strong_type(self.frames)


def _strong_type(frames: Iterable[_Frame]) -> str | None:
    totals: Counter[str] = Counter()
    for frame in frames:
        totals.update(frame.types)
        if frame.mou:
            return "mou"
    for kind in TYPE_PRIORITY:
        if kind in STRONG_TYPES and totals[kind]:
            return kind
    return None


@dataclass(frozen=True)
class _Matchers:
    deals: Matcher
    clauses: Matcher
    background: Matcher


def _matcher(nlp: Language, file_name: str) -> Matcher:
    matcher = Matcher(nlp.vocab, validate=True)
    for row in load_rules(file_name).patterns:
        matcher.add(str(row["label"]), [row["pattern"]])
    return matcher


@lru_cache(maxsize=4)
def _matchers(vocab_id: int, nlp: Language) -> _Matchers:
    return _Matchers(
        deals=_matcher(nlp, "deals.jsonl"),
        clauses=_matcher(nlp, "clauses.jsonl"),
        background=_matcher(nlp, "background.jsonl"),
    )


def _span(document: Document, start: int, end: int) -> Span:
    # Trim whitespace so the quote is exactly the sentence's visible text.
    text = document.text
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(document.id, start, end, text[start:end])


def _distinct_orgs(lookup: OrgLookup, sentence: SpacySpan) -> list[str]:
    """The organisations a sentence names as possible parties, in order.

    None when every one is an example in one list ("collaborations with other players,
    including A, B and C"): examples of someone's partners are not partners of each other.
    """
    mentions = _party_mentions(lookup, sentence)
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


def _near_agreement_noun(sentence: SpacySpan, token_index: int, window: int = 8) -> bool:
    doc = sentence.doc
    # "extend their multi-year, multi-billion dollar partnership": the object is far away
    # in words but a direct child of the verb in the parse.
    if any(child.lower_ in AGREEMENT_NOUNS for child in doc[token_index].children):
        return True
    # otherwise the agreement follows: "an extension of their partnership"; a deal named
    # before ("a deal …, expanding its presence") is not what is extended
    hi = min(sentence.end, token_index + window + 1)
    return any(doc[i].lower_ in AGREEMENT_NOUNS for i in range(token_index + 1, hi))


def _frame_types(
    sentence: SpacySpan, matches: list[tuple[str, int, int]]
) -> tuple[Counter[str], bool, bool, bool]:
    types: Counter[str] = Counter()
    mou = amendment = definitive = False
    for label, start, _end in matches:
        if label == "mou":
            mou = True
        elif label == "amendment":
            if _near_agreement_noun(sentence, start):
                amendment = True
        elif label == "agreement" or _an_option_to(sentence, start):
            continue
        elif label == "investment" and _funds_research(sentence, start):
            types["partnership"] += 1
        elif label == "acquisition" and not _buys_a_company(sentence, start):
            types["supply"] += 1
        else:
            types[label] += 1
    text = sentence.text.lower()
    if "definitive" in text:
        definitive = True
    return types, mou, amendment, definitive


_RESEARCH_WORDS = frozenset(
    {"research", "development", "studies", "study", "trial", "trials", "work", "programme",
     "program", "project", "projects", "scholarships", "fellowships", "chair", "lab", "labs"}
)  # fmt: skip


def _funds_research(sentence: SpacySpan, start: int) -> bool:
    """ "Acme will fund research at the university": paying for work done together is a
    collaboration, not an investment in the other party."""
    token = sentence.doc[start]
    if token.lemma_ not in {"fund", "funding", "finance", "financing"}:
        return False
    objects = [c for c in token.children if c.dep_ in ("dobj", "pobj", "compound")]
    near = sentence.doc[max(sentence.start, start - 1) : min(sentence.end, start + 3)]
    return any(t.lower_ in _RESEARCH_WORDS for t in [*objects, *near])


def _an_option_to(sentence: SpacySpan, start: int) -> bool:
    """ "an exclusive option to license the results", "the right to buy more shares": a
    term of the deal, not its kind."""
    doc = sentence.doc
    return (
        start - 2 >= sentence.start
        and doc[start - 1].lower_ == "to"
        and doc[start - 2].lower_ in {"option", "options", "right", "rights"}
    )


_COMPANY_NOUNS = frozenset(
    {
        "stake",
        "stakes",
        "shares",
        "company",
        "business",
        "unit",
        "division",
        "assets",
        "firm",
        "startup",
        "maker",
        "operator",
        "group",
        "rival",
        "competitor",
        "subsidiary",
        "developer",
        "operations",
        "businesses",
        "studio",
        "brands",
    }
)


def _buys_a_company(sentence: SpacySpan, token_index: int) -> bool:
    """ "purchase"/"buy" is an acquisition only when what is bought is a company or a stake
    ("buy Acme", "purchase a 20% stake"); "purchase licences" is a supply deal."""
    token = sentence.doc[token_index]
    if token.lemma_ not in {"purchase", "buy"}:
        return True
    if token.dep_ == "compound":
        return False  # "a power purchase agreement", "purchase orders": buying supplies
    window = sentence.doc[token_index + 1 : min(sentence.end, token_index + 5)]
    if any(t.pos_ == "PROPN" or t.lower_ in _COMPANY_NOUNS for t in window):
        return True
    # "purchased its milk sales, marketing and distribution operations": the objects' heads
    objects = [t for t in token.children if t.dep_ == "dobj"]
    objects += [t for o in objects for t in o.subtree if t.dep_ == "conj" and t.head.i >= o.i]
    return any(t.lower_ in _COMPANY_NOUNS for t in objects)


class _MatchIndex:
    """One Matcher run over the whole document, its matches bucketed by sentence (running
    a Matcher per sentence costs several times more)."""

    def __init__(self, matcher: Matcher, doc: Doc, sentence_starts: list[int]) -> None:
        self.by_sentence: dict[int, list[tuple[str, int, int]]] = {}
        strings = doc.vocab.strings
        # allow_missing: tokens outside the focused sentences carry no tags
        for match_id, start, end in matcher(doc, allow_missing=True):
            first = sentence_starts[bisect.bisect_right(sentence_starts, start) - 1]
            self.by_sentence.setdefault(first, []).append((strings[match_id], start, end))

    def of(self, sentence: SpacySpan) -> list[tuple[str, int, int]]:
        return [m for m in self.by_sentence.get(sentence.start, []) if m[2] <= sentence.end]


def _years(dates: Sequence[DateMatch]) -> set[str]:
    return {d.iso[:4] for d in dates if d.kind == "point"}


def _compatible(draft: _Draft, frame: _Frame) -> bool:
    if frame.separate:
        return False
    # At least two parties in common. The draft keeps the parties it started with, so an
    # agreement does not grow into everything a later sentence happens to name.
    if len(set(draft.parties) & set(frame.parties)) < min(2, len(frame.parties)):
        return False
    if draft.years and frame.years and not (draft.years & frame.years):
        return False
    mine, theirs = draft.strong_type, _strong_type([frame])
    return not (mine and theirs and mine != theirs)


_DEFINITE = frozenset({"the", "this", "that"})


_AT_THE_TIME = re.compile(r"^\W*(?:at\s+(?:the|that)\s+time|back\s+then|then)\b", re.I)

# a sentence whose subject is the parties of the deal just named
_THE_PARTIES = re.compile(
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


def _antecedent(sentence: SpacySpan, lookup: OrgLookup, party: str) -> list[str]:
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


def _about_an_earlier_deal(sentence: SpacySpan, past: list[tuple[str, int, int]]) -> bool:
    """ "The original licence, signed in 2020, was due to expire in 2026": a sentence whose
    subject is an earlier agreement states that agreement's terms, not the new one's."""
    return any(start - sentence.start <= 2 for _, start, _ in past)


def _only_definite(sentence: SpacySpan, matches: list[tuple[str, int, int]]) -> bool:
    """Every deal word is a definite reference: "the deal", "this agreement"."""
    doc = sentence.doc
    return bool(matches) and all(
        start > sentence.start and doc[start - 1].lower_ in _DEFINITE for _, start, _ in matches
    )


# "the purchase", "the takeover": names for a deal already told, whatever kind it was
_TRANSACTION_WORDS = frozenset(
    {"purchase", "acquisition", "takeover", "merger", "transaction", "buyout", "deal"}
)


def _only_transaction_words(sentence: SpacySpan, matches: list[tuple[str, int, int]]) -> bool:
    """Every deal word names a transaction in general: "Acme will finance the purchase
    with a loan from Beta" says more about a purchase already named, not of a new deal."""
    doc = sentence.doc
    return all(
        end - start == 1 and doc[start].lemma_.lower() in _TRANSACTION_WORDS
        for _, start, end in matches
    )


def _group(frames: list[_Frame], context: dict[int, list[SpacySpan]]) -> list[_Draft]:
    drafts: list[_Draft] = []
    for frame in frames:
        candidates = [d for d in drafts if _compatible(d, frame)]
        if frame.anaphoric and not candidates:
            # "… getting out of the deal" after a deal was named: more about that one
            named = [d for d in drafts if set(d.parties) & set(frame.parties)]
            if named:
                context.setdefault(frame.sentence.start, []).append(frame.sentence)
                continue
        # Prefer the agreement with the most parties in common, then the latest one.
        target = max(
            reversed(candidates),
            key=lambda d: len(set(d.parties) & set(frame.parties)),
            default=None,
        )
        if target is None:
            target = _Draft(parties=list(frame.parties))
            drafts.append(target)
        target.frames.append(frame)
    # Context sentences attach to the agreement whose last frame precedes them most closely
    # (or to the first agreement when the article states terms before naming the deal).
    for sentence_start, sentences in sorted(context.items()):
        best = None
        for draft in drafts:
            if any(f.sentence.start <= sentence_start for f in draft.frames):
                last = max(
                    f.sentence.start for f in draft.frames if f.sentence.start <= sentence_start
                )
                if best is None or last > best[0]:
                    best = (last, draft)
        chosen = best[1] if best else (drafts[0] if drafts else None)
        if chosen is not None:
            chosen.context.extend(sentences)
    return drafts


def _agreement_type(draft: _Draft) -> tuple[tuple[str, ...], str | None]:
    totals: Counter[str] = Counter()
    for frame in draft.frames:
        totals.update(frame.types)
    types = tuple(kind for kind in TYPE_PRIORITY if totals[kind])
    if (
        types
        and types[0] == "supply"
        and "partnership" not in types
        and any(COMPUTE_WORDS.search(f.sentence.text) for f in draft.frames)
    ):
        # a supply deal for cloud services or compute capacity is a cloud commitment
        # (one described as a partnership stays a partnership)
        types = ("cloud_commitment", *types)
    form = None
    # A definitive agreement that restructures an earlier deal is still definitive: it
    # supersedes rather than amends (the lineage step links it to what it replaces).
    if any(f.mou for f in draft.frames):
        form = "mou"
    elif any(f.definitive for f in draft.frames):
        form = "definitive"
    elif any(f.amendment for f in draft.frames):
        form = "amendment"
    return (types or ("other",)), form


def _status(text: str, form: str | None) -> str:
    if form == "mou" and re.search(r"\bnon-?binding\b", text, re.I):
        return "non-binding"
    for status, pattern in STATUS_CUES:
        if pattern.search(text):
            return status
    return "announced"


def _roles(draft: _Draft, lookup: OrgLookup, types: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """Roles from word order around the first trigger of each kind (passives reversed)."""
    primary = types[0] if types else "other"
    if primary in EACH_PARTY_ROLE:
        return tuple((EACH_PARTY_ROLE[primary], p) for p in draft.parties)
    if primary not in ROLE_NAMES:
        return ()
    for frame in draft.frames:
        if primary not in frame.types:
            continue
        mentions = _party_mentions(lookup, frame.sentence)
        trigger = _first_trigger_char(frame.sentence, primary)
        before = [m for m in mentions if m[1] <= trigger]
        after = [m for m in mentions if m[0] >= trigger]
        if not before or not after or before[-1][2] == after[0][2]:
            continue
        first, second = before[-1][2], after[0][2]
        text_between = doc_text(frame.sentence.doc)[before[-1][1] : after[0][0]].lower()
        if re.search(r"\b(by|from)\s*$", text_between) or " by " in text_between[-6:]:
            first, second = second, first
        if primary == "license" and "from" in text_between.split()[-2:]:
            first, second = second, first
        a, b = ROLE_NAMES[primary]
        return ((a, first), (b, second))
    return ()


_TRIGGER_WORDS = {
    "investment": re.compile(r"\b(invest|fund|back|financ|stake)", re.I),
    "acquisition": re.compile(r"\b(acquir|acquisition|buy|bought|purchas|takeover|merg)", re.I),
    "license": re.compile(r"\b(licen[cs]|sublicen)", re.I),
    "supply": re.compile(r"\b(suppl|provid|procure|purchas)", re.I),
    "sponsorship": re.compile(r"\bsponsor", re.I),
}


def _first_trigger_char(sentence: SpacySpan, kind: str) -> int:
    # a type without a trigger regex of its own is found by its name ("lease")
    words = _TRIGGER_WORDS.get(kind) or re.compile(rf"\b{re.escape(kind.replace('_', ' '))}", re.I)
    match = words.search(sentence.text)
    return sentence.start_char + (match.start() if match else 0)


def _clauses(
    sentence: SpacySpan,
    matches: list[tuple[str, int, int]],
    document: Document,
    amounts: list[AmountMatch],
    dates: list[DateMatch],
    deal_sentence: bool,
    org_spans: list[tuple[int, int, str]],
) -> list[Clause]:
    """The clauses one sentence states, one per type.

    A negated or removed term is kept as a clause marked ``negated`` ("no board seat",
    "removes revenue sharing"): it says the term does not hold, which later agreements
    and the timeline need; a negated exclusivity is a non-exclusivity.
    """
    evidence = _span(document, sentence.start_char, sentence.end_char)
    doc = sentence.doc
    found: dict[str, Clause] = {}
    non_excl_tokens = {
        i for label, s, e in matches if label == "non_exclusivity" for i in range(s, e)
    }
    labels = {label for label, _, _ in matches}
    for label, start, end in matches:
        if label == "exclusivity" and any(i in non_excl_tokens for i in range(start, end)):
            continue
        if label == "territory" and not _is_territory(
            doc[start:end], deal_sentence, labels, org_spans
        ):
            continue
        if label == "equity_stake" and _share_of_income(doc, end):
            continue
        prefix = doc_text(doc)[sentence.start_char : doc[start].idx]
        negated = label != "non_exclusivity" and bool(
            NEGATION_BEFORE.search(prefix) or REMOVAL_BEFORE.search(prefix)
        )
        if label == "exclusivity" and negated:
            label, negated = "non_exclusivity", False
        if negated and label not in NEGATABLE:
            continue  # "is not investing": no investment, and no term to record either
        if label in found:
            continue
        found[label] = _clause(label, doc[start:end], evidence, amounts, dates, negated)
    licence = found.get("license_grant")
    if licence is not None and licence.until is not None:
        found.pop("term", None)  # "a licence … through 2032": the licence carries the end date
    return list(found.values())


_INCOME_WORDS = frozenset(
    {"revenue", "revenues", "sales", "profit", "profits", "income", "proceeds", "earnings",
     "turnover", "receipts", "takings", "fees"}
)  # fmt: skip


def _share_of_income(doc: Doc, end: int) -> bool:
    """ "a 3% share of subscription revenue" is a cut of income, not of a company."""
    if end >= len(doc) or doc[end - 1].lower_ != "share" or doc[end].lower_ != "of":
        return False
    return any(t.lower_ in _INCOME_WORDS for t in doc[end + 1 : end + 5])


_PERCENT = re.compile(r"(\d{1,3}(?:\.\d+)?)\s*(?:%|per ?cent)")
_SPLIT = re.compile(r"\b(\d{1,2})\s*[-/]\s*(\d{1,2})\b")


def _clause(
    label: str,
    matched: SpacySpan,
    evidence: Span,
    amounts: list[AmountMatch],
    dates: list[DateMatch],
    negated: bool,
) -> Clause:
    value: Decimal | None = None
    years: Decimal | None = None
    amount: Amount | None = None
    until: DateValue | None = None
    if label == "equity_stake":
        percent = _PERCENT.search(matched.text) or _PERCENT.search(evidence.text)
        split = _SPLIT.search(matched.text)
        if percent:
            value = Decimal(percent.group(1))
        elif split:
            value = Decimal(split.group(1))
    elif label in CLAUSE_AMOUNT_KINDS:
        wanted = CLAUSE_AMOUNT_KINDS[label]
        chosen = _pick_amount(amounts, wanted, evidence.text, evidence.start)
        if chosen is not None:
            amount = _amount(chosen, evidence, wanted)
    elif label == "term":
        until = _until(dates)
        duration = _duration_years(evidence)
        years = Decimal(duration) if duration is not None else None
    elif label == "license_grant":
        until = _until(dates)
    elif label == "revenue_share":
        percent = _PERCENT.search(evidence.text)
        value = Decimal(percent.group(1)) if percent else None
    if value is not None and not Decimal(0) <= value <= Decimal(100):
        value = None  # "a 200% stake" is not a share of anything: keep the clause, not the figure
    exclusive = {"exclusivity": True, "non_exclusivity": False}.get(label)
    # A commitment to spend a stated amount is a purchase commitment, whatever is bought;
    # a commitment to use cloud or compute without a figure is a compute commitment.
    if label == "purchase_commitment" and amount is None and COMPUTE_WORDS.search(evidence.text):
        label = "compute_commitment"
    elif label == "compute_commitment" and amount is not None:
        label = "purchase_commitment"
    return Clause(
        type=label,
        evidence=evidence,
        value=value,
        years=years,
        amount=amount,
        until=until,
        exclusive=exclusive,
        negated=negated,
        label=matched.text,
    )


def _is_territory(
    matched: SpacySpan,
    deal_sentence: bool,
    labels: set[str],
    org_spans: list[tuple[int, int, str]],
) -> bool:
    """ "in Spain" in a deal's sentence, or any territory word next to licence or
    exclusivity terms; never a place that is really an organisation's name."""
    if any(s < matched.end_char and matched.start_char < e for s, e, _ in org_spans):
        return False
    named_place = any(t.ent_type_ in {"GPE", "LOC"} or t.like_num for t in matched)
    return bool(labels & TERRITORY_CONTEXT) or (deal_sentence and named_place)


def _duration_years(evidence: Span) -> int | None:
    for duration in find_durations(evidence.text):
        if duration.unit == "year":
            return duration.value
    return None


def _until(dates: list[DateMatch]) -> DateValue | None:
    for date in dates:
        if date.kind == "until":
            return DateValue(date.iso, date.precision, role="expiry")
    return None


def _pick_amount(
    amounts: list[AmountMatch], kind: str, sentence: str, base: int
) -> AmountMatch | None:
    for match in amounts:
        if amount_kind(sentence, match, base=base) == kind:
            return match
    return amounts[0] if len(amounts) == 1 else None


def _amount(match: AmountMatch, evidence: Span, kind: str) -> Amount:
    span = Span(evidence.doc_id, match.start, match.end, match.text)
    return Amount(
        value=match.value,
        currency=match.currency,
        text=match.text,
        qualifier=match.qualifier,
        kind=kind,
        span=span,
    )


def _unquantified(
    sizes: list[tuple[SizeWords, Span]], amounts: list[Amount], text: str
) -> list[Amount]:
    """Sizes in words from the deal's own sentences, one per currency the figures lack:
    "a multibillion-dollar investment" says something only when no dollar figure does."""
    kept: list[Amount] = []
    for size, evidence in sizes:
        if any(a.currency == size.currency for a in amounts + kept):
            continue
        sentence = text[evidence.start : evidence.end]
        kept.append(
            Amount(
                value=None,
                currency=size.currency,
                text=size.text,
                qualifier=UNQUANTIFIED,
                kind=amount_kind(sentence, size, base=evidence.start),
                span=Span(evidence.doc_id, size.start, size.end, size.text),
            )
        )
    return kept


_NOT_DEAL_DATE = re.compile(r"\b(by|posted|published|updated|copyright|©)\W*$", re.I)
_SIGNING = re.compile(r"\b(signed|entered into|agreed|inked|struck|announced|finali[sz]ed)\b", re.I)
# A dateline opening a wire story: "May 17 (Reuters) -", "PARIS, June 3 (AP) —".
_DATELINE = re.compile(
    r"^\W*(?:[A-Z][A-Za-z .]+,\s*)?([A-Z][a-z]{2,8}\.? \d{1,2})\s*\([A-Za-z ]+\)\s*[-–—]"
)


# "targets for years 2022, 2023 and 2024", "through 2030": years a term covers
_TERM_YEARS = re.compile(
    r"\b(?:for|through|until|till|to)\s+(?:the\s+)?(?:(?:fiscal|calendar)\s+)?(?:years?\s+)"
    r"(?:\d{4}\s*(?:,|and|-|–|to)?\s*)*$|\b(?:through|until|till)\s+$",
    re.I,
)


def _deal_dates(
    sentence: SpacySpan, dates_of: Callable[[SpacySpan], list[DateMatch]]
) -> list[DateMatch]:
    """The dates in *sentence* that may date a deal: points in time, not publication
    stamps, not the years a term covers."""
    text = doc_text(sentence.doc)
    return [
        d
        for d in dates_of(sentence)
        if d.kind == "point"
        and not _NOT_DEAL_DATE.search(text[max(0, d.start - 24) : d.start])
        and not _TERM_YEARS.search(text[max(0, d.start - 40) : d.start])
    ]


def _agreement_date(
    draft: _Draft, dates_of: Callable[[SpacySpan], list[DateMatch]], document: Document
) -> list[DateValue]:
    """The agreement's own date: the first date stated in a sentence naming the deal, else
    in a sentence about it that says it was signed or entered into, else the dateline of a
    wire story announcing it. Never the publication date."""
    for frame in draft.frames:
        for date in _deal_dates(frame.sentence, dates_of):
            role = "signed" if re.search(r"\bsigned\b", frame.sentence.text, re.I) else "announced"
            return [DateValue(date.iso, date.precision, role=role)]
    for sentence in draft.context:
        if _SIGNING.search(sentence.text):
            for date in _deal_dates(sentence, dates_of):
                return [DateValue(date.iso, date.precision, role="signed")]
    return _dateline_date(document)


def _dateline_date(document: Document) -> list[DateValue]:
    match = _DATELINE.match(document.text[:120])
    if match is None or not document.published:
        return []
    found = find_dates(match.group(1), document.published)
    return [DateValue(found[0].iso, found[0].precision)] if found else []


@dataclass
class _Background:
    """An agreement mentioned in passing: "the existing partnership", "the previous amendment"."""

    sentence: SpacySpan
    parties: list[str]
    types: tuple[str, ...]
    form: str | None
    year: str | None


def extract_agreements(
    doc: Doc, document: Document, lookup: OrgLookup, nlp: Language
) -> tuple[Agreement, ...]:
    """All agreements stated in *document* (parsed as *doc*), with clauses and evidence."""
    matchers = _matchers(id(nlp.vocab), nlp)
    frames: list[_Frame] = []
    context: dict[int, list[SpacySpan]] = {}
    background: list[_Background] = []
    date_cache: dict[int, list[DateMatch]] = {}

    def dates_of(sentence: SpacySpan) -> list[DateMatch]:
        if sentence.start not in date_cache:
            found = find_dates(sentence.text, document.published, base=sentence.start_char)
            if not found and _AT_THE_TIME.match(sentence.text) and sentence.start > 0:
                # "At the time, the company raised …": the time the sentence before states
                found = dates_of(doc[sentence.start - 1].sent)
            date_cache[sentence.start] = found
        return date_cache[sentence.start]

    amount_cache: dict[int, list[AmountMatch]] = {}

    def amounts_of(sentence: SpacySpan) -> list[AmountMatch]:
        if sentence.start not in amount_cache:
            # a unit price ("$1.50 per share") is never a deal's amount nor a clause's
            found = find_amounts(sentence.text, base=sentence.start_char)
            amount_cache[sentence.start] = [m for m in found if not m.per_share]
        return amount_cache[sentence.start]

    sentences = list(doc.sents)
    starts = [s.start for s in sentences]
    deals = _MatchIndex(matchers.deals, doc, starts)
    clause_index = _MatchIndex(matchers.clauses, doc, starts)
    background_index = _MatchIndex(matchers.background, doc, starts)
    for sentence in sentences:
        parties = _distinct_orgs(lookup, sentence)
        described = _described(sentence)
        # "the research firm backed by Borealis": no deal word in a description states a deal
        matches = [
            m for m in deals.of(sentence) if not any(a <= doc[m[1]].idx < b for a, b in described)
        ]
        mentions = background_index.of(sentence)
        named = _party_mentions(lookup, sentence)
        if parties or len(named) < 2:  # not a sentence listing examples of partners
            background.extend(_background(sentence, parties, mentions, matches, dates_of(sentence)))
        past = [m for m in mentions if m[0] == "past"]
        if past:
            # The sentence is about an earlier agreement; its deal words and dates must
            # not be read as the main deal's, unless it also names a new kind of deal.
            matches = [m for m in matches if not any(p[1] <= m[1] < p[2] for p in past)]
        types, mou, amendment, definitive = _frame_types(sentence, matches)
        if past:
            # only a new deal of a distinct kind, or an extension or amendment of the earlier
            # one ("a three-year extension of their earlier alliance"), is a deal too
            has_trigger = bool(mou or amendment or set(types) & STRONG_TYPES)
        else:
            has_trigger = bool(types or mou or amendment or _has_generic(matches))
        years = set() if past else _years(_deal_dates(sentence, dates_of))
        if document.published:
            # "will pre-pay in 2022 and 2023": later years are terms, not when a deal was made
            years = {year for year in years if year <= document.published[:4]}
        antecedent: list[str] = []
        if len(parties) == 1 and has_trigger:
            # "Borealis had offered to buy the company": the company named just before
            antecedent = _antecedent(sentence, lookup, parties[0])
            parties = parties + antecedent
        elif (
            not parties
            and (mou or set(types) & STRONG_TYPES)
            and frames
            and _THE_PARTIES.match(sentence.text)
        ):
            # "The two companies also signed a memorandum …": the parties just named
            antecedent = list(frames[-1].parties)
            parties = antecedent
        if len(parties) >= 2 and has_trigger:
            separate = bool(SEPARATE_DEAL.search(sentence.text))
            anaphoric = (
                not (mou or amendment)
                and (not types or _only_transaction_words(sentence, matches))
                and _only_definite(sentence, matches)
            )
            groups = (
                [(parties, None, None)] if antecedent else _party_groups(sentence, lookup, matches)
            )
            for group, own, region in groups:
                frames.append(
                    _Frame(
                        sentence,
                        group,
                        Counter({own: 1}) if own else types,
                        mou,
                        amendment,
                        definitive,
                        years,
                        separate,
                        anaphoric,
                        region,
                    )
                )
        elif not _about_an_earlier_deal(sentence, past) and (
            clause_index.of(sentence)
            or amounts_of(sentence)
            or (matches and _SIGNING.search(sentence.text) and _deal_dates(sentence, dates_of))
        ):
            # terms, figures, or when "we entered into the agreement" of a deal named nearby
            context.setdefault(sentence.start, []).append(sentence)

    drafts = _group(frames, context)
    _upgrade_forms(drafts, deals)
    main = [
        _build(index, draft, document, lookup, clause_index, dates_of, amounts_of)
        for index, draft in enumerate(drafts)
    ]
    extra = _background_agreements(background, drafts, document, len(main))
    return tuple(main + extra)


def _party_groups(
    sentence: SpacySpan, lookup: OrgLookup, matches: list[tuple[str, int, int]]
) -> list[tuple[list[str], str | None, tuple[int, int] | None]]:
    """The parties of each deal a sentence states; when the sentence names several deals
    each by its own noun, also that noun's kind and the deal's part of the sentence.

    "A signed supply deals with B and C" is two deals (A–B, A–C): one organisation before
    the deal word and several after it. "A's partnership with B, like C's investment in
    D" is two deals, each named by its own noun. Otherwise the sentence states one deal
    among all the organisations it names.
    """
    mentions = _party_mentions(lookup, sentence)
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


def _background(
    sentence: SpacySpan,
    parties: list[str],
    mentions: list[tuple[str, int, int]],
    matches: list[tuple[str, int, int]],
    dates: list[DateMatch],
) -> list[_Background]:
    found: list[_Background] = []
    years = sorted({d.iso[:4] for d in dates if d.kind == "point"})
    for label, start, end in _longest(mentions):
        inside = [m for m in matches if start <= m[1] < end]
        types = tuple(k for k in TYPE_PRIORITY if any(m[0] == k for m in inside))
        form = "amendment" if any(m[0] == "amendment" for m in inside) and label == "past" else None
        if label == "base":
            # "amendment to the wafer supply agreement": the base is what is amended,
            # so its kind comes from the words after "to the".
            form = None
            base_words = [m for m in inside if m[1] > start + 1]
            types = tuple(k for k in TYPE_PRIORITY if any(m[0] == k for m in base_words))
        for year in years if label == "past" and years else [None]:
            found.append(
                _Background(sentence, list(parties), types or ("partnership",), form, year)
            )
    return found


def _longest(mentions: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Drop matches nested inside longer ones (the Matcher returns every length)."""
    kept: list[tuple[str, int, int]] = []
    for mention in sorted(mentions, key=lambda m: (m[1], -(m[2] - m[1]))):
        if kept and mention[1] < kept[-1][2]:
            continue
        kept.append(mention)
    return kept


def _upgrade_forms(drafts: list[_Draft], deals: _MatchIndex) -> None:
    """ "The agreement – in the form of a memorandum of understanding – …": a context
    sentence that names the form of "the agreement" sets the draft's form."""
    for draft in drafts:
        for sentence in draft.context:
            labels = {label for label, _, _ in deals.of(sentence)}
            if "mou" in labels and draft.frames:
                draft.frames[0].mou = True


def _background_agreements(
    mentions: list[_Background], drafts: list[_Draft], document: Document, offset: int
) -> list[Agreement]:
    agreements: list[Agreement] = []
    seen: set[tuple[tuple[str, ...], str, str | None]] = set()
    with_parties = [(m, _background_parties(m, drafts)) for m in mentions]
    # "the original agreement signed in 2006 … the previous arrangement": an undated
    # mention of the same kind between the same parties is the dated one again
    dated = {(tuple(sorted(p)), m.types[0]) for m, p in with_parties if m.year}
    for mention, parties in with_parties:
        if len(parties) < 2:
            continue
        key = (tuple(sorted(parties)), mention.types[0], mention.year)
        if key in seen or (mention.year is None and key[:2] in dated):
            continue
        seen.add(key)
        index = offset + len(agreements)
        evidence = _span(document, mention.sentence.start_char, mention.sentence.end_char)
        dates = (DateValue(mention.year, "year"),) if mention.year else ()
        agreements.append(
            Agreement(
                key=slugify(f"{document.id.removeprefix('doc-')}-{index + 1}"),
                types=mention.types,
                parties=tuple(parties),
                evidence=(evidence,),
                form=mention.form,
                status="previous",
                dates=dates,
                background=True,
                name=_name(mention.types, mention.form, tuple(parties)),
            )
        )
    return agreements


def _background_parties(mention: _Background, drafts: list[_Draft]) -> list[str]:
    """The parties of an agreement mentioned in passing: those its sentence names; with one
    named ("the club's previous agreement with Hexa"), that one and the protagonist of the
    nearest deal (its first party); with none, the nearest deal's parties."""
    if len(mention.parties) >= 2:
        return mention.parties
    nearest = _nearest_parties(mention, drafts)
    if len(mention.parties) == 1:
        others = [p for p in nearest if p != mention.parties[0]]
        return [*mention.parties, *others[:1]]
    return nearest


def _nearest_parties(mention: _Background, drafts: list[_Draft]) -> list[str]:
    before = [
        d for d in drafts if d.frames and d.frames[0].sentence.start <= mention.sentence.start
    ]
    chosen = before[-1] if before else (drafts[0] if drafts else None)
    return list(chosen.parties[:2]) if chosen else []


def _has_generic(matches: list[tuple[str, int, int]]) -> bool:
    labels = [label for label, _, _ in matches]
    return labels.count("agreement") >= 1


def _build(
    index: int,
    draft: _Draft,
    document: Document,
    lookup: OrgLookup,
    clause_index: _MatchIndex,
    dates_of: Callable[[SpacySpan], list[DateMatch]],
    amounts_of: Callable[[SpacySpan], list[AmountMatch]],
) -> Agreement:
    types, form = _agreement_type(draft)
    frame_text = " ".join(f.sentence.text for f in draft.frames)
    amounts: list[Amount] = []
    clauses: list[Clause] = []
    frame_starts = {f.sentence.start for f in draft.frames}
    sizes: list[tuple[SizeWords, Span]] = []
    regions = {f.sentence.start: f.region for f in draft.frames if f.region is not None}
    for sentence in draft.sentences:
        region = regions.get(sentence.start)
        found = [a for a in amounts_of(sentence) if _within(region, a.start)]
        evidence = _span(document, sentence.start_char, sentence.end_char)
        for match in found:
            if _describes_something_else(match, doc_text(sentence.doc)):
                continue
            kind = amount_kind(sentence.text, match, base=sentence.start_char)
            if sentence.start not in frame_starts and not _deal_amount(
                kind, match, sentence, found
            ):
                continue  # a figure near the deal (revenue, valuation, funds raised) is not its amount
            if not any(a.value == match.value and a.currency == match.currency for a in amounts):
                amounts.append(_amount(match, evidence, kind))
        if sentence.start in frame_starts:
            sizes.extend(
                (size, evidence) for size in find_unquantified(sentence.text, sentence.start_char)
            )
        labelled = [m for m in clause_index.of(sentence) if _within(region, sentence.doc[m[1]].idx)]
        orgs_here = _party_mentions(lookup, sentence)
        for clause in _clauses(
            sentence,
            labelled,
            document,
            found,
            dates_of(sentence),
            sentence.start in frame_starts,
            orgs_here,
        ):
            same = [i for i, c in enumerate(clauses) if _same_clause(clause, c)]
            if not same:
                clauses.append(clause)
            elif clause.amount is not None and clauses[same[0]].amount is None:
                clauses[same[0]] = clause  # "the $300 million investment" says more
            elif clause.until is not None and clauses[same[0]].until is None:
                clauses[same[0]] = clause  # "the licence … was extended until 2031" too
    amounts.extend(_unquantified(sizes, amounts, doc_text(draft.frames[0].sentence.doc)))
    clauses = [c for c in clauses if _fits_agreement(c, types, frame_starts, draft)]
    roles = _roles(draft, lookup, types)
    clauses = [_with_parties(c, roles) for c in clauses]
    key = f"{document.id.removeprefix('doc-')}-{index + 1}"
    parties = tuple(draft.parties)
    report = deal_report(draft.frames[0].sentence)
    return Agreement(
        key=slugify(key),
        types=types,
        parties=parties,
        evidence=tuple(
            _span(document, f.sentence.start_char, f.sentence.end_char) for f in draft.frames
        ),
        form=form,
        roles=roles,
        status=_status(frame_text, form),
        dates=tuple(_agreement_date(draft, dates_of, document)),
        amounts=tuple(amounts),
        clauses=tuple(clauses),
        background=False,
        name=_name(types, form, parties),
        reported_new=report.new,
        tense=report.tense,
    )


def _within(region: tuple[int, int] | None, offset: int) -> bool:
    return region is None or region[0] <= offset < region[1]


_PAYMENT = re.compile(r"\b(pay|pays|paid|paying|payment|payments|fee|fees|consideration)\b", re.I)
_PREVIOUSLY = re.compile(
    r"\b(previously|had raised|had invested|had received|prior to|last year|a year ago)\b",
    re.I,
)
_ABOUT_THE_DEAL = re.compile(
    r"\b(the|this) (deal|transaction|agreement|acquisition|merger|contract|partnership|lease|"
    r"concession|licen[cs]e|pact)\b",
    re.I,
)
# Figures that describe something other than a deal: "a $25 billion startup" (a size),
# "which has $100 billion in cash" (holdings), "$1.50 per share" (a unit price).
_DESCRIBED_AFTER = re.compile(
    r"^\s*(-\s*)?(startup|start-up|company|firm|giant|business|unicorn|group|conglomerate|"
    r"maker|corporation|market|industry|economy)\b|^\s*(per|a|an)\s+(share|dollar|unit)\b",
    re.I,
)
_HOLDINGS_BEFORE = re.compile(
    r"\b(has|have|had|sits on)\s+(more than|over|about|nearly|some|roughly|around)?\s*$",
    re.I,
)


# "pushed its market capitalization to $500 billion", "a valuation of about $2 billion":
# what a company is worth is not an amount of the deal.
_WORTH_BEFORE = re.compile(
    r"\b(market (capitali[sz]ation|cap|value)|valuation|enterprise value)\b[^.;$€£¥]{0,25}$"
    # "the round values the company at $900 million" (not "a deal valued at": its price)
    r"|\bvalu(e|es|ing)\s+(\S+\s+){1,4}at\s+(about|around|roughly|nearly|some|"
    r"approximately|more than|over|close to)?\s*$",
    re.I,
)


# "a new €800 million term loan from a bank", "a bond of $1 billion": money borrowed to
# pay for the deal is not an amount of the deal itself.
_BORROWED_AFTER = re.compile(
    r"^\s*(-\s*)?((term|bridge|syndicated|revolving|senior|secured)\s+)*"
    r"(loan|loans|credit\s+facility|credit\s+line|bond|bonds|notes|debt\s+facility)\b",
    re.I,
)
_BORROWED_BEFORE = re.compile(
    r"\b(loan|credit facility|credit line|bond|bonds|notes|borrowed|borrowing)\s+"
    r"(of|worth|totall?ing)?\s*$",
    re.I,
)


_ELSE_AFTER = (_DESCRIBED_AFTER, _BORROWED_AFTER)
_ELSE_BEFORE = (_HOLDINGS_BEFORE, _WORTH_BEFORE, _BORROWED_BEFORE)


def _describes_something_else(match: AmountMatch, text: str) -> bool:
    after = text[match.end : match.end + 40]
    before = text[max(0, match.start - 40) : match.start]
    return any(p.search(after) for p in _ELSE_AFTER) or any(p.search(before) for p in _ELSE_BEFORE)


def _deal_amount(
    kind: str, match: AmountMatch, sentence: SpacySpan, found: list[AmountMatch]
) -> bool:
    """Whether an amount in a sentence that does not itself state the deal is one of its
    amounts: a deal kind of amount, a payment, or a conversion in brackets right after one."""
    text = doc_text(sentence.doc)
    if _PREVIOUSLY.search(sentence.text):
        return False
    if kind in DEAL_AMOUNT_KINDS or _PAYMENT.search(sentence.text):
        return True
    if _ABOUT_THE_DEAL.search(sentence.text):
        return True
    bracketed = text[max(0, match.start - 2) : match.start].strip().endswith("(")
    return bracketed and any(other.end <= match.start for other in found)


def _fits_agreement(
    clause: Clause, types: tuple[str, ...], frame_starts: set[int], draft: _Draft
) -> bool:
    """Money clauses must fit the kind of deal: an acquisition's price is not a purchase
    commitment, and an investment clause needs an investment stated with an amount, or
    an investment deal stated in the deal's own sentence (not a joint venture's or a
    buyer's own spending)."""
    primary = types[0] if types else "other"
    if clause.type == "purchase_commitment":
        return primary != "acquisition"
    if clause.type != "investment":
        return True
    if primary in {"joint_venture", "acquisition"}:
        return False
    if clause.amount is not None:
        return True
    in_frame = any(
        f.sentence.start_char <= clause.evidence.start < f.sentence.end_char for f in draft.frames
    )
    return "investment" in types and in_frame


def _same_clause(a: Clause, b: Clause) -> bool:
    if a.type != b.type:
        return False
    if a.value != b.value:
        return False
    a_amount = a.amount.value if a.amount else None
    b_amount = b.amount.value if b.amount else None
    return a_amount == b_amount or a_amount is None or b_amount is None


def _with_parties(clause: Clause, roles: tuple[tuple[str, str], ...]) -> Clause:
    """Obligor and beneficiary of money clauses follow the agreement's roles."""
    role_map = dict(roles)
    payer = next((role_map[r] for r in PAYER_ROLES if role_map.get(r)), None)
    payee = next((role_map[r] for r in PAYEE_ROLES if role_map.get(r)), None)
    owed_by = OWED_BY.get(clause.type)
    if owed_by == "payer" and payer:
        return _replace(clause, obligor=payer, beneficiary=payee)
    if owed_by == "payee" and payer:
        return _replace(clause, obligor=payee, beneficiary=payer)
    return clause


def _replace(clause: Clause, **changes: str | None) -> Clause:
    return replace(clause, **changes)  # type: ignore[arg-type]


def _name(types: tuple[str, ...], form: str | None, parties: tuple[str, ...]) -> str:
    kind = {"mou": "memorandum of understanding", "amendment": "amendment"}.get(
        form or "", types[0].replace("_", " ") if types else "agreement"
    )
    return f"{kind} between {' and '.join(parties)}"
