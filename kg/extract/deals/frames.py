"""Deal frames: a sentence with a deal trigger and its parties, the kinds of deal its
triggers name, and whether it names a new deal or one already told."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from kg.extract.deals.dating import DealDate
from kg.extract.deals.lexicon import lexicon
from kg.extract.nlp import span_text


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
    # the deal dates the sentence states (ISO, at their precision)
    dates: set[str] = field(default_factory=set)
    # its kind words are definite ("the investment", "this licence"): a deal told before
    refers_back: bool = False
    # the kind its words for the deal itself name (not roles: "as its cloud provider")
    event_kind: str | None = None
    # it speaks of "the agreement", "the deal": the one being told, whatever its kind
    continues: bool = False
    # the token indices of its deal words
    triggers: tuple[int, ...] = ()
    # the dates of its part of the sentence, with their roles (kg.extract.deals.dating)
    dated: tuple[DealDate, ...] = ()


def separate_deal(sentence: SpacySpan) -> bool:
    """ "Separately, …", "a second agreement": another deal between the same parties, not
    more about the last one."""
    return lexicon().regex("separate_deal").search(span_text(sentence)) is not None


def _near_agreement_noun(sentence: SpacySpan, token_index: int, window: int = 8) -> bool:
    doc = sentence.doc
    # "extend their multi-year, multi-billion dollar partnership": the object is far away
    # in words but a direct child of the verb in the parse.
    if any(child.lower_ in _words("agreement_nouns") for child in doc[token_index].children):
        return True
    # otherwise the agreement follows: "an extension of their partnership"; a deal named
    # before ("a deal …, expanding its presence") is not what is extended
    hi = min(sentence.end, token_index + window + 1)
    return any(doc[i].lower_ in _words("agreement_nouns") for i in range(token_index + 1, hi))


def frame_types(
    sentence: SpacySpan, matches: list[tuple[str, int, int]]
) -> tuple[Counter[str], bool, bool, bool]:
    types: Counter[str] = Counter()
    mou = amendment = definitive = False
    priced = _priced_takings(sentence, matches)
    for label, start, end in matches:
        if label == "acquisition" and _price_cue(sentence, start, end):
            if start not in priced:
                continue
            priced.discard(start)  # one cue per verb, however many spans the matcher gave
            types[label] += 1
        elif label == "mou":
            mou = True
        elif label == "amendment":
            # "the new contract" is the deal being told; "a new contract" may amend one
            if _near_agreement_noun(sentence, start) and not _definite_new(sentence, start):
                amendment = True
        elif label == "agreement" or _an_option_to(sentence, start):
            continue
        elif (
            _modifies_something_else(sentence.doc[start:end].root)
            or _describes_parties(sentence.doc[start:end].root)
            or _vague_relationship(sentence.doc[start:end].root)
        ):
            continue
        elif label == "investment" and _funds_research(sentence, start):
            types["partnership"] += 1
        elif label == "acquisition" and not _buys_a_company(sentence, start):
            if sentence.doc[start].lemma_.lower() in _words("purchase_verbs"):
                types["supply"] += 1  # "purchase licences": buying supplies
        else:
            types[label] += 1
    text = span_text(sentence).lower()
    if "definitive" in text:
        definitive = True
    return types, mou, amendment, definitive


def _price_cue(sentence: SpacySpan, start: int, end: int) -> bool:
    """The match is "<verb> <company> for <money>" (patterns/deals.jsonl)."""
    doc = sentence.doc
    return (
        doc[start].pos_ == "VERB"
        and doc[end - 1].ent_type_ == "MONEY"
        and any(doc[i].lower_ == "for" for i in range(start + 1, end))
    )


def _priced_takings(sentence: SpacySpan, matches: list[tuple[str, int, int]]) -> set[int]:
    """The verbs that take a company "for" a price ("snapped up Acme for $40 million",
    "grabbed Acme for €2 billion"): a purchase, whatever the verb, unless the verb is a
    deal word of its own ("acquired … for", "partnered with … for") or one that prices
    something else ("sued Acme for $5 million", "fined")."""
    doc = sentence.doc
    other_cues = {s for label, s, e in matches if not _price_cue(sentence, s, e)}
    return {
        start
        for label, start, end in matches
        if label == "acquisition"
        and _price_cue(sentence, start, end)
        and start not in other_cues
        and doc[start].lemma_.lower() not in _words("not_buying_verbs")
    }


def states_a_view(token: Token, matches: list[tuple[str, int, int]]) -> bool:
    """ "analysts agreed that demand will fall", "agreed with Acme that costs would rise":
    a view shared, not a deal; "agreed to buy", "agreed a deal" have no such clause, and
    "agreed that B becomes the exclusive distributor" names a deal in the clause."""
    if not (
        token.pos_ == "VERB"
        and token.lemma_.lower() in _words("opinion_verbs")
        and not any(c.dep_ in {"xcomp", "dobj"} for c in token.children)
    ):
        return False
    clauses = [c for c in token.children if c.dep_ == "ccomp"]
    inside = {t.i for c in clauses for t in c.subtree}
    return bool(clauses) and not any(start in inside for _, start, _ in matches)


def _definite_new(sentence: SpacySpan, start: int) -> bool:
    doc = sentence.doc
    return (
        doc[start].lower_ in {"new", "revised", "updated"}
        and start > sentence.start
        and doc[start - 1].lower_ in _words("definite_determiners")
    )


def _words(name: str) -> frozenset[str]:
    return lexicon().word(name)


def _modifies_something_else(token: Token) -> bool:
    """A deal word modifying a noun that is no deal names no deal: "investment firm",
    "supply chain", "co-investment opportunities", "acquisition spree"."""
    return token.dep_ in {"compound", "amod", "nmod"} and (
        token.head.lemma_.lower() in _words("non_deal_heads")
    )


def _vague_relationship(token: Token) -> bool:
    """ "have worked together for years", "have long cooperated": a relationship stated as
    lasting, with no deal in it."""
    if token.pos_ != "VERB":
        return False
    perfect = any(c.dep_ == "aux" and c.lemma_ == "have" for c in token.children)
    vague = _words("vague_time_words")
    lasting = any(t.lower_ in vague for t in token.subtree if t.i != token.i)
    return perfect and lasting


def _describes_parties(token: Token) -> bool:
    """ "The partners expect …": a plural for the parties themselves names no deal."""
    return token.lower_ in _words("group_descriptions") and any(
        c.dep_ in {"det", "predet", "nummod"} for c in token.children
    )


def _funds_research(sentence: SpacySpan, start: int) -> bool:
    """ "Acme will fund research at the university": paying for work done together is a
    collaboration, not an investment in the other party."""
    token = sentence.doc[start]
    if token.lemma_ not in _words("research_funding_verbs"):
        return False
    objects = [c for c in token.children if c.dep_ in ("dobj", "pobj", "compound")]
    near = sentence.doc[max(sentence.start, start - 1) : min(sentence.end, start + 3)]
    return any(t.lower_ in _words("research_words") for t in [*objects, *near])


def _an_option_to(sentence: SpacySpan, start: int) -> bool:
    """ "an exclusive option to license the results", "the right to buy more shares": a
    term of the deal, not its kind."""
    doc = sentence.doc
    return (
        start - 2 >= sentence.start
        and doc[start - 1].lower_ == "to"
        and doc[start - 2].lower_ in _words("right_nouns")
    )


_NOT_COMPANY_ENTITIES = frozenset(
    {"MONEY", "CARDINAL", "DATE", "QUANTITY", "PERCENT", "GPE", "NORP"}
)


def _buys_a_company(sentence: SpacySpan, token_index: int) -> bool:
    """ "buy", "purchase", "sell" are an acquisition only when what changes hands is a
    company, a stake or a business's assets ("buy Acme", "purchase a 20% stake", "sold its
    zinc mine"); "purchase licences", "sells chips" are supply."""
    token = sentence.doc[token_index]
    if token.lemma_.lower() not in _words("purchase_verbs"):
        return True
    if token.dep_ == "compound":
        return False  # "a power purchase agreement", "purchase orders": buying supplies
    objects_words = _words("company_objects")
    window = sentence.doc[token_index + 1 : min(sentence.end, token_index + 5)]
    # a name (not an amount, a date or a place: "USD 1.6 billion of wafers") or a company
    if any(
        (t.pos_ == "PROPN" and t.ent_type_ not in _NOT_COMPANY_ENTITIES)
        or t.lower_ in objects_words
        for t in window
    ):
        return True
    # "purchased its milk sales, marketing and distribution operations": the objects' heads
    objects = [t for t in token.children if t.dep_ == "dobj"]
    objects += [t for o in objects for t in o.subtree if t.dep_ == "conj" and t.head.i >= o.i]
    return any(t.lower_ in objects_words for t in objects)


def definite_kinds(sentence: SpacySpan, matches: list[tuple[str, int, int]]) -> bool:
    """Every word naming the kind of deal is a definite reference: "the $1 billion
    investment", "this licence" (not "signed", not "a partnership")."""
    doc = sentence.doc
    roots = [
        doc[s:e].root for label, s, e in matches if label not in {"agreement", "mou", "amendment"}
    ]
    definite = _words("definite_determiners")
    return bool(roots) and all(
        any(c.dep_ == "det" and c.lower_ in definite for c in root.children) for root in roots
    )


def role_noun(token: Token) -> bool:
    """ "its exclusive cloud provider", "a preferred partner": a word for a party's role,
    not for the deal itself."""
    return token.pos_ in {"NOUN", "PROPN"} and token.lemma_.lower() in _words("role_nouns")


def continues_a_deal(sentence: SpacySpan, matches: list[tuple[str, int, int]]) -> bool:
    """ "… under the agreement", "as part of the deal": the sentence goes on about the deal
    being told, by a definite generic word for it."""
    doc = sentence.doc
    generic = _words("generic_deal_nouns")
    definite = _words("definite_determiners")
    for label, start, end in matches:
        root = doc[start:end].root
        if label == "agreement" and root.lemma_.lower() in generic:
            if any(c.dep_ == "det" and c.lower_ in definite for c in root.children):
                return True
    return False


def only_definite(sentence: SpacySpan, matches: list[tuple[str, int, int]]) -> bool:
    """Every deal word is a definite reference: "the deal", "this agreement"."""
    doc = sentence.doc
    definite = _words("definite_determiners")
    return bool(matches) and all(
        (start > sentence.start and doc[start - 1].lower_ in definite)
        or any(c.dep_ == "det" and c.lower_ in definite for c in doc[start:end].root.children)
        for _, start, end in matches
    )


def only_transaction_words(sentence: SpacySpan, matches: list[tuple[str, int, int]]) -> bool:
    """Every deal word names a transaction in general: "Acme will finance the purchase
    with a loan from Beta" says more about a purchase already named, not of a new deal."""
    doc = sentence.doc
    return all(
        end - start == 1 and doc[start].lemma_.lower() in _words("transaction_words")
        for _, start, end in matches
    )


def has_generic(matches: list[tuple[str, int, int]]) -> bool:
    labels = [label for label, _, _ in matches]
    return labels.count("agreement") >= 1
