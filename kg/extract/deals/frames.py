"""Deal frames: a sentence with a deal trigger and its parties, the kinds of deal its
triggers name, and whether it names a new deal or one already told."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Span as SpacySpan

from kg.extract.dates import DateMatch
from kg.extract.deals.kinds import AGREEMENT_NOUNS


@dataclass
class Frame:
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


def frame_types(
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


def point_years(dates: Sequence[DateMatch]) -> set[str]:
    return {d.iso[:4] for d in dates if d.kind == "point"}


_DEFINITE = frozenset({"the", "this", "that"})


def only_definite(sentence: SpacySpan, matches: list[tuple[str, int, int]]) -> bool:
    """Every deal word is a definite reference: "the deal", "this agreement"."""
    doc = sentence.doc
    return bool(matches) and all(
        start > sentence.start and doc[start - 1].lower_ in _DEFINITE for _, start, _ in matches
    )


# "the purchase", "the takeover": names for a deal already told, whatever kind it was
_TRANSACTION_WORDS = frozenset(
    {"purchase", "acquisition", "takeover", "merger", "transaction", "buyout", "deal"}
)


def only_transaction_words(sentence: SpacySpan, matches: list[tuple[str, int, int]]) -> bool:
    """Every deal word names a transaction in general: "Acme will finance the purchase
    with a loan from Beta" says more about a purchase already named, not of a new deal."""
    doc = sentence.doc
    return all(
        end - start == 1 and doc[start].lemma_.lower() in _TRANSACTION_WORDS
        for _, start, end in matches
    )


def has_generic(matches: list[tuple[str, int, int]]) -> bool:
    labels = [label for label, _, _ in matches]
    return labels.count("agreement") >= 1
