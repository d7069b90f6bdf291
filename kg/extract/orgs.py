"""Organisations and products of one analysed document.

Recognition combines the statistical NER (``ORG``, and ``PERSON``/``GPE``/``PRODUCT``…
misfires when the text gives organisation evidence) with the rule spans of
``kg/patterns/organizations.jsonl`` (legal suffixes, organisation head nouns, news
sources). Word lists live in ``kg/patterns/non_organizations.json``: nothing here
names a company.

Resolution rule (one node per company):

* mentions with the same *core* (lower case, possessive and legal suffix removed,
  punctuation ignored) are one organisation: "Acme Corp." = "Acme" = "ACME";
* an acronym or ticker in brackets right after a name ("Widget Works Ltd (WWL)")
  and an all-caps word equal to the initials of exactly one multi-word name are aliases;
* a shorter name that is the first or last word(s) of exactly one longer name
  mentioned *before* it is a second mention of it ("Borealis" after "Borealis
  Therapeutics"); a longer name mentioned *after* the short one, whose extra words end
  in a unit head ("Acme Cloud", "Acme LP", "Acme Foundation") is a distinct unit whose
  ``parent`` is the short one; with any other extra word ("Acme Widget") it is a product
  of the short one;
* the canonical name is the longest surface form (most words, then most characters,
  then earliest) without leading article, possessive or legal suffix; the key is its slug.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from kg.extract.nlp import SPANS_KEY, doc_text
from kg.extract.rules import PATTERNS_DIR, load_json_rules
from kg.models import Document, Organization, OrgMention, Product, Span
from kg.rdf.iris import slugify

_NER_LABELS = frozenset({"ORG", "PERSON", "GPE", "NORP", "FAC", "LOC", "PRODUCT", "WORK_OF_ART"})
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC", "NORP"})
_PRODUCT_LABELS = frozenset({"PRODUCT", "WORK_OF_ART"})
_DASHES = "-–—"
_POSSESSIVE = re.compile(r"['’]s?$")
_TICKER = re.compile(r"\s*\((?:[A-Z]+:\s*)?([A-Za-z0-9][\w.&-]{0,19}(?: [A-Z][\w.&-]*){0,3})\)")
_ACRONYM = re.compile(r"[A-Z][A-Za-z0-9&.-]*[A-Z0-9][A-Za-z0-9.-]*")
_ARTICLES = frozenset({"the", "a", "an", "its", "their", "his", "her", "our"})
_SPEECH = re.compile(r"\s+(?:said|says|added|adds|told|noted|notes|stated|states|explained)\b")
_POSSESSIVE_DETERMINERS = frozenset({"its", "their", "his", "her", "our", "whose"})
_FUNCTION_POS = frozenset({"ADV", "ADP", "DET", "PRON", "CCONJ", "SCONJ", "AUX", "PART", "INTJ"})
_CONNECTORS = frozenset({"of", "and", "&", "de", "do", "des", "du", "la", "e", "y", "für"})


@dataclass(frozen=True)
class Lexicon:
    """The generic word lists of ``non_organizations.json``."""

    generic: frozenset[str]
    boilerplate: frozenset[str]
    calendar: frozenset[str]
    legal_suffixes: frozenset[str]
    unit_heads: frozenset[str]
    descriptors: frozenset[str]
    org_nouns: frozenset[str]
    deal_verbs: tuple[str, ...]
    product_nouns: frozenset[str]
    person_titles: frozenset[str]
    splitters: frozenset[str]
    product_heads: frozenset[str]
    non_company_heads: frozenset[str]
    product_verbs: frozenset[str]
    separate_unit_heads: frozenset[str]
    facility_nouns: frozenset[str]
    creator_nouns: frozenset[str]

    @cached_property
    def name_ends(self) -> frozenset[str]:
        """Words a company name may end with: industry words, unit heads, legal suffixes."""
        return self.descriptors | self.unit_heads | self.legal_suffixes


@lru_cache(maxsize=1)
def lexicon(path: Path = PATTERNS_DIR / "non_organizations.json") -> Lexicon:
    data = load_json_rules(path)
    return Lexicon(
        generic=frozenset(word.lower() for word in data["generic_terms"]),
        boilerplate=frozenset(data["boilerplate_first_words"]),
        calendar=frozenset(word.lower() for word in data["calendar_words"]),
        legal_suffixes=frozenset(data["legal_suffixes"]),
        unit_heads=frozenset(word.lower() for word in data["unit_heads"]),
        descriptors=frozenset(word.lower() for word in data["name_descriptors"]),
        org_nouns=frozenset(data["org_nouns"]),
        deal_verbs=tuple(data["deal_verb_prefixes"]),
        product_nouns=frozenset(data["product_context_nouns"]),
        person_titles=frozenset(data["person_titles"]),
        splitters=frozenset(data["name_splitters"]),
        product_heads=frozenset(data["product_heads"]),
        non_company_heads=frozenset(data["non_company_heads"]),
        product_verbs=frozenset(data["product_verbs"]),
        separate_unit_heads=frozenset(word.lower() for word in data["separate_unit_heads"]),
        facility_nouns=frozenset(data["facility_nouns"]),
        creator_nouns=frozenset(data["creator_nouns"]),
    )


@dataclass(frozen=True)
class OrgFindings:
    """Organisations, products and sorted ``(start, end, org key)`` mentions of a document.

    ``sources`` holds the keys of organisations named only as the source of the news
    ("Outlet reported"): they are organisations, but never parties to a deal.
    """

    organizations: tuple[Organization, ...] = ()
    products: tuple[Product, ...] = ()
    mentions: tuple[tuple[int, int, str], ...] = ()
    sources: frozenset[str] = field(default_factory=frozenset)
    # where the text names an outlet as its source ("Outlet, citing …", "according to
    # Outlet"): a name there is not a party, whatever its other mentions are
    attributions: tuple[tuple[int, int], ...] = ()

    def orgs_between(self, start: int, end: int) -> list[tuple[int, int, str]]:
        """The organisation mentions lying wholly inside characters ``[start, end)``."""
        low = bisect.bisect_left(self.mentions, (start, -1, ""))
        found = []
        for mention in self.mentions[low:]:
            if mention[0] >= end:
                break
            if mention[1] <= end:
                found.append(mention)
        return found


@dataclass(frozen=True)
class _Cand:
    """A cleaned candidate mention (character offsets into the document text)."""

    start: int
    end: int
    text: str
    label: str
    strong: bool = False  # lexical evidence: legal suffix, rule span, apposition
    role: bool = False  # syntactic evidence: a deal party, coordinated with an organisation
    attributed: bool = False  # inside "Outlet reported" / "according to Outlet"
    context: str = ""  # "product" ("apps like X"), "modifier" ("the X platform") or ""


def find_organizations(doc: Doc, document: Document) -> OrgFindings:
    """The organisations and products that *doc* (the analysis of *document*) names."""
    lex = lexicon()
    blocked = _blocked_ranges(doc, document.text)
    cands = _candidates(doc, document.text, blocked, lex)
    orgs, products = _classify(cands, doc, lex)
    orgs, more_products = _split_products(orgs, lex)
    attributed = _attributed_ranges(doc)
    return _resolve(
        orgs, products + more_products, document, blocked, attributed, lex, _bare_names(doc)
    )


# entities whose words are never a company's short name: places, nationalities, people
_NOT_SHORT_NAMES = frozenset({"GPE", "LOC", "NORP", "FAC", "DATE", "EVENT", "LAW"})


def _bare_names(doc: Doc) -> frozenset[int]:
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


def _blocked_ranges(doc: Doc, text: str) -> list[tuple[int, int]]:
    """Datelines, bylines and title-case headlines: names there are not mentions."""
    rule_spans = doc.spans[SPANS_KEY] if SPANS_KEY in doc.spans else []
    blocked = [(s.start_char, s.end_char) for s in rule_spans if s.label_ == "SOURCE"]
    blocked.extend(_byline_ranges(text))
    blocked.extend(_headline_ranges(text))
    blocked.extend(_ticker_ranges(text))
    return blocked


# --- recognition -------------------------------------------------------------------


def _candidates(
    doc: Doc, text: str, blocked: Sequence[tuple[int, int]], lex: Lexicon
) -> list[_Cand]:
    rule_spans = list(doc.spans[SPANS_KEY]) if SPANS_KEY in doc.spans else []
    attributed = [(start, end) for start, end, _ in _attributed_ranges(doc)]
    rule_orgs = [span for span, label in _rule_names(rule_spans, lex) if label == "ORG"]
    found: list[_Cand] = []
    for span, label in _select_spans(doc, rule_spans, lex):
        for part, owner in _split_possessive(span):
            cleaned = _clean(part, lex)
            if cleaned is None or _inside(cleaned.start_char, cleaned.end_char, blocked):
                continue
            if (
                _is_dateline_head(cleaned, text)
                or _after_person_title(cleaned, lex)
                or _is_credit_line(cleaned, text)
                or _in_job_title(cleaned)
                or _is_model_name(cleaned)
            ):
                continue
            if owner is not None:
                found.append(_product_of(cleaned, owner, lex))
                continue
            by_rule = any(r.start <= cleaned.start and cleaned.end <= r.end for r in rule_orgs)
            # An outlet named as the source of a report is an organisation too.
            by_rule = by_rule or _inside(cleaned.start_char, cleaned.end_char, attributed)
            found.append(
                _Cand(
                    cleaned.start_char,
                    cleaned.end_char,
                    cleaned.text,
                    label,
                    strong=by_rule or _lexical_evidence(cleaned, text, lex),
                    role=_role_evidence(cleaned, label, lex),
                    attributed=_inside(cleaned.start_char, cleaned.end_char, attributed),
                    context=_context(cleaned, lex),
                )
            )
    found.extend(_bracketed_aliases(found, text))
    return _extend_left(sorted(found, key=lambda c: c.start), text, lex)


def _select_spans(
    doc: Doc, rule_spans: Sequence[SpacySpan], lex: Lexicon
) -> list[tuple[SpacySpan, str]]:
    """Non-overlapping candidate spans: model entities, unless rule spans say better.

    An entity that holds exactly one rule ``ORG`` span wins (the model saw a longer
    name); an entity that holds several or only part of one loses to the rule spans
    ("Acme Inc. and Borealis Ltd." is two names).
    """
    rules = _rule_names(rule_spans, lex)
    ents: list[tuple[SpacySpan, str]] = []
    for ent in doc.ents:
        if ent.label_ in _NER_LABELS:
            whole = _with_descriptors(ent, lex) if ent.label_ == "ORG" else ent
            ents.extend((piece, ent.label_) for piece in _split_at_function_words(whole, lex))
    chosen: list[tuple[SpacySpan, str]] = []
    for ent, label in ents:
        inner = [(r, kind) for r, kind in rules if r.start < ent.end and ent.start < r.end]
        if not inner:
            chosen.append((ent, label))
        elif len(inner) == 1 and _ent_extends(ent, inner[0][0]):
            same = inner[0][0].start == ent.start and inner[0][0].end == ent.end
            # A product shape the model called an organisation ("iWidget") is a product.
            chosen.append((ent, "PRODUCT" if same and inner[0][1] == "PRODUCT" else label))
    for rule, label in rules:
        if not any(c.start < rule.end and rule.start < c.end for c, _ in chosen):
            chosen.append((rule, "ORG" if label == "ORG" else "PRODUCT"))
    taken = [span for span, _ in chosen] + [ent for ent in doc.ents]
    chosen.extend((name, "ORG") for name in _unlabelled_deal_parties(doc, taken, lex))
    return sorted(chosen, key=lambda item: item[0].start)


def _with_descriptors(ent: SpacySpan, lex: Lexicon) -> SpacySpan:
    """*ent* with the name words the model left after it: "Eastvale" tagged, "Eastvale
    United" meant; "Harrow" tagged, "Harrow Textiles" meant."""
    doc = ent.doc
    end = ent.end
    while (
        end < len(doc)
        and doc[end].tag_ in ("NNP", "NNPS")
        and doc[end].is_title
        and doc[end].lower_ in lex.descriptors
        and not doc[end].ent_type_
    ):
        end += 1
    return doc[ent.start : end] if end > ent.end else ent


def _deal_subject(token: Any, lex: Lexicon) -> bool:
    """The subject of a deal verb ("X signed", "X agreed to acquire"), or its conjunct."""
    if token.dep_ == "conj" and token.head.i < token.i:
        token = token.head
    # "Acme was acquired by …", "Acme has been awarded a concession": passive subjects too
    return token.dep_ in ("nsubj", "nsubjpass") and _deal_role(token, lex, depth=0)


def _unlabelled_deal_parties(doc: Doc, taken: Sequence[SpacySpan], lex: Lexicon) -> list[SpacySpan]:
    """Proper names the model gave no label that are the subject of a deal verb, or that
    follow a noun for a kind of company.

    "Quillfeather signed a supply deal with …": the subject of a deal verb is a company
    unless the text shows it to be a person (person-name words are checked later); so is
    "Quickdrop" in "the delivery platform Quickdrop".
    """
    covered = {i for span in taken for i in range(span.start, span.end)}
    people = _person_words(doc)  # "Judge signed a deal" after "Aaron Judge": a person
    found = []
    for token in doc:
        if (
            token.pos_ != "PROPN"
            or token.i in covered
            or token.lower_ in people
            or token.dep_ == "compound"
            or not token.text[:1].isupper()
            or token.lower_ in lex.generic
            or token.lower_ in lex.calendar
            or not (_deal_subject(token, lex) or _after_org_noun(token, lex))
        ):
            continue
        start = _name_start(token)
        if not any(i in covered for i in range(start, token.i + 1)):
            found.append(doc[start : token.i + 1])
    return found


def _after_org_noun(token: Any, lex: Lexicon) -> bool:
    """ "delivery platform Quickdrop", "grocery chain Fairway": a proper noun right after
    a noun for a kind of company (the name's last word, when it has several)."""
    start = _name_start(token)
    previous = token.doc[start - 1] if start > 0 else None
    return (
        previous is not None
        and previous.pos_ == "NOUN"
        and previous.is_lower
        and previous.lower_ in lex.org_nouns
    )


def _name_start(token: Any) -> int:
    """Where the proper name ending at *token* starts: its compound proper nouns before."""
    doc, start = token.doc, int(token.i)
    while start > 0 and doc[start - 1].dep_ == "compound" and doc[start - 1].pos_ == "PROPN":
        start -= 1
    return start


def _context(span: SpacySpan, lex: Lexicon) -> str:
    """How the sentence uses *span*: as an example of products, or as a noun modifier.

    Quoted names (“Night Shift”) are titles of shows, products or works.
    """
    doc = span.doc
    text = doc_text(doc)
    if span.start_char > 0 and text[span.start_char - 1] in "\"“‘'":
        if text[span.end_char : span.end_char + 2].lstrip(",.")[:1] in ('"', "”", "’", "'"):
            return "product"
    if _followed_by(span, lex.creator_nouns):
        return "product"  # "the Widget Quest co-creators": a work has creators
    first = span.root
    while first.dep_ == "conj" and first.head.i < first.i:
        first = first.head
    if first.i != span.root.i:
        head = doc[first.left_edge.i : first.i + 1]
        return _context(head, lex) if head.start < span.start else ""
    before = doc[max(span.start - 3, 0) : span.start]
    words = [t.lower_ for t in before]
    if words[-1:] == ["like"] or words[-2:] == ["such", "as"] or words[-1:] == ["including"]:
        cue = before[-1] if words[-1:] != ["as"] else before[-2]
        if cue.head.lower_ in lex.product_nouns or (
            cue.i > 0 and doc[cue.i - 1].lower_ in lex.product_nouns
        ):
            return "product"
    root = span.root
    if root.dep_ == "compound" and root.head.lower_ in lex.product_nouns:
        return "product"  # "the Widget brand", "Acme Pro software"
    if root.dep_ == "dobj" and root.head.lemma_.lower() in lex.product_verbs:
        return "product"  # one develops, validates or ships a product, never a company
    if (
        _after_possessive(span)
        and root.dep_ == "compound"
        and root.head.lower_ in lex.facility_nouns
    ):
        return "place"  # "its Northport hub": a place where the company has a facility
    if root.dep_ == "compound" and root.head.is_lower:
        if root.head.lower_ not in lex.org_nouns and 0 <= root.head.i - span.end < 3:
            return "modifier"
    if span[-1].text in lex.product_heads and len(span) > 1:
        return "product"
    return ""


def _followed_by(span: SpacySpan, words: frozenset[str]) -> bool:
    """The next word (hyphenated words whole) is one of *words*."""
    following = doc_text(span.doc)[span.end_char : span.end_char + 40]
    match = re.match(r"\s+([\w-]+)", following)
    return match is not None and match.group(1).lower() in words


def _after_possessive(span: SpacySpan) -> bool:
    """Right after "its", "their", "his", "her", "our" or "whose"."""
    return span.start > 0 and span.doc[span.start - 1].lower_ in _POSSESSIVE_DETERMINERS


def _ent_extends(ent: SpacySpan, rule: SpacySpan) -> bool:
    """The entity is the rule's name with more name words ("Acme Widget Co." ⊃ "Widget Co.")."""
    if len(ent) < len(rule) or not (
        rule.start == ent.start or ent.start <= rule.start and rule.end <= ent.end
    ):
        return False
    extra = [t for t in ent if not rule.start <= t.i < rule.end]
    return not any(t.is_space or (t.is_punct and t.text not in ".&-") for t in extra)


def _rule_names(rule_spans: Sequence[SpacySpan], lex: Lexicon) -> list[tuple[SpacySpan, str]]:
    """The names the rule patterns found, as (span, ``ORG`` or ``PRODUCT``)."""
    names: list[tuple[SpacySpan, str]] = []
    for span in rule_spans:
        if span.label_ == "ORG_LEAD" and _SPEECH.match(doc_text(span.doc), span.end_char):
            continue  # "…, the company said": an attribution, not an apposition
        if span.label_ in ("ORG_TAIL", "ORG_LEAD"):
            names.extend((piece, "ORG") for piece in _split_at_name_ends(_trim_rule(span), lex))
        elif span.label_ in ("ORG", "PRODUCT"):
            names.extend((piece, span.label_) for piece in _split_at_name_ends(span, lex))
    return names


def _split_at_name_ends(span: SpacySpan, lex: Lexicon) -> list[SpacySpan]:
    start = span.start
    while start < span.end - 1 and span.doc[start].is_lower:
        start += 1  # "(acquisition) of Tarn Gas Ltd": a name starts with a capital
    span = span.doc[start : span.end]
    pieces = []
    for token in span:
        if _ends_name(token, lex) and token.i + 1 < span.end:
            pieces.append(span.doc[start : token.i + 1])
            start = token.i + 1
    pieces.append(span.doc[start : span.end])
    return pieces


def _trim_rule(span: SpacySpan) -> SpacySpan:
    """The name part of an ORG_TAIL ("the chipmaker Acme") or ORG_LEAD ("Acme, a …") match."""
    if span.label_ == "ORG_TAIL":
        return span.doc[span.start + 1 : span.end]
    comma = next(t.i for t in span if t.text == ",")
    return span.doc[span.start : comma]


def _split_at_function_words(ent: SpacySpan, lex: Lexicon) -> list[SpacySpan]:
    """ "Acme for Borealis Bank" → the model joined two names over a preposition;
    "Acme marks Borealis" → over a lower-case verb, which no company name contains."""
    pieces, start = [], ent.start
    for token in ent:
        if (
            token.text in lex.splitters
            or (token.is_lower and token.pos_ in {"VERB", "AUX"})
            or _joins_two_names(ent, token, lex)
        ):
            if token.i > start:
                pieces.append(ent.doc[start : token.i])
            start = token.i + 1
        elif _ends_name(token, lex) and token.i + 1 < ent.end:
            pieces.append(ent.doc[start : token.i + 1])  # "… Ltd. Acme Ltd said": two names
            start = token.i + 1
    if start < ent.end:
        pieces.append(ent.doc[start : ent.end])
    return pieces


def _joins_two_names(ent: SpacySpan, token: Any, lex: Lexicon) -> bool:
    """ "Amberly Capital and Tovell Partners": an "and" between two names of two words or
    more that each end in a company word. "Marks and Spencer" (one word each) stays whole."""
    if token.lower_ != "and" or token.i - ent.start < 2 or ent.end - token.i - 1 < 2:
        return False
    left, right = ent.doc[token.i - 1], ent.doc[ent.end - 1]
    return all(t.lower_.strip(".") in lex.name_ends and t.text[:1].isupper() for t in (left, right))


def _ends_name(token: Any, lex: Lexicon) -> bool:
    """A legal suffix with its full stop, then a capitalised word that is not a suffix.

    The model reads "signed with Acme Ltd. Borealis said" as one name; a legal suffix
    closes a name unless another suffix follows ("Acme Co. Ltd.").
    """
    doc = token.doc
    if not token.text.endswith(".") or token.text[:-1].lower().replace(".", "") not in (
        lex.legal_suffixes
    ):
        return False
    if token.i + 1 >= len(doc):
        return False
    following = doc[token.i + 1]
    stripped = following.text.lower().replace(".", "")
    return following.is_title and stripped not in lex.legal_suffixes


def _split_possessive(span: SpacySpan) -> list[tuple[SpacySpan, SpacySpan | None]]:
    """ "Acme's Widget Pro" → (Acme, None) and (Widget Pro, owner Acme)."""
    for token in span[1:-1]:
        if _POSSESSIVE.fullmatch(token.text) and token.text[0] in "'’":
            if span[-1].lower_ in lexicon().unit_heads:
                return [(span, None)]  # "Acme's Foundation": a unit of Acme, named so
            owner = span.doc[span.start : token.i]
            return [(owner, None), (span.doc[token.i + 1 : span.end], owner)]
    return [(span, None)]


def _product_of(span: SpacySpan, owner: SpacySpan, lex: Lexicon) -> _Cand:
    return _Cand(span.start_char, span.end_char, span.text, "OWNED:" + core(owner.text, lex))


_JOB_WORDS = frozenset(
    {
        "head",
        "president",
        "director",
        "chief",
        "officer",
        "manager",
        "chair",
        "leader",
        "vp",
        "vice-president",
        "dean",
        "editor",
        "partner",
        "principal",
        "lead",
    }
)


def _is_credit_line(span: SpacySpan, text: str) -> bool:
    """ "… the end of the story. – Outlet.com": a name after a dash closing its line
    credits the source of the text."""
    line_start = text.rfind("\n", 0, span.start_char) + 1
    before = text[line_start : span.start_char]
    line_end = text.find("\n", span.end_char)
    after = text[span.end_char : len(text) if line_end < 0 else line_end].strip()
    return bool(re.search(r"[-–—]\s*$", before)) and after in {"", "."}


def _in_job_title(span: SpacySpan) -> bool:
    """ "Global Head of Payments Solutions, Acme": a unit named inside a job title."""
    doc = span.doc
    if span.start < 2 or doc[span.start - 1].lower_ != "of":
        return False
    return doc[span.start - 2].lower_ in _JOB_WORDS


def _is_model_name(span: SpacySpan) -> bool:
    """One word of letters, digits, letters ("Zephyr7x", "A320neo") names a model, not a company."""
    return len(span) == 1 and bool(re.fullmatch(r"[A-Za-z]+\d+[A-Za-z]+", span.text))


def _after_person_title(span: SpacySpan, lex: Lexicon) -> bool:
    """ "Ms. Jane Doe", "CEO Jane Doe": a title before a name marks a person."""
    if span.start == 0:
        return False
    previous = span.doc[span.start - 1]
    return previous.text in lex.person_titles and span[-1].lower_ not in lex.legal_suffixes


def _extend_left(cands: list[_Cand], text: str, lex: Lexicon) -> list[_Cand]:
    """Restore words the model cut off a known name ("First" of "First Widget Mines")."""
    names = {c.text for c in cands if len(c.text.split()) > 1}
    extended = []
    for cand in cands:
        for name in names:
            cut = name.find(" " + cand.text)
            if cut <= 0 or cand.text == name:
                continue
            head = name[: cut + 1]
            if text[cand.start - len(head) : cand.start] == head:
                start = cand.start - len(head)
                cand = _Cand(
                    start,
                    cand.end,
                    text[start : cand.end],
                    cand.label,
                    cand.strong,
                    cand.attributed,
                )
                break
        extended.append(cand)
    return extended


def _inside(start: int, end: int, ranges: Iterable[tuple[int, int]]) -> bool:
    return any(low <= start and end <= high for low, high in ranges)


def _byline_ranges(text: str) -> list[tuple[int, int]]:
    """Short lines starting with "By ": the names in them are authors and outlets."""
    return [(m.start(), m.end()) for m in re.finditer(r"(?m)^[ \t]*By [^\n]{1,100}$", text)]


# "(NYSE: ACME)", "(Nasdaq: ACME; TSX: AC)": where a company's shares trade, not a party
_LISTING = r"[A-Z][A-Za-z]{1,10}(?:[ -][A-Z][A-Za-z]{1,10})?\s*:\s*[A-Z][A-Z0-9.\-]{0,7}"
_LISTING_BRACKET = re.compile(rf"\(\s*{_LISTING}(?:\s*[;,]\s*{_LISTING})*\s*\)")


def _ticker_ranges(text: str) -> list[tuple[int, int]]:
    """Brackets of stock exchange listings: the exchange and the symbol name no party."""
    return [(m.start(), m.end()) for m in _LISTING_BRACKET.finditer(text)]


def _headline_ranges(text: str) -> list[tuple[int, int]]:
    """Title-case lines ("Acme Partners With Borealis"): capitals there say nothing."""
    ranges = []
    for match in re.finditer(r"(?m)^[^\n]+$", text):
        line = match.group().strip()
        words = re.findall(r"[A-Za-z][\w'’-]*", line)
        if line.endswith((".", "!", "?", ":", ";", ",")) or not 4 <= len(words) <= 25:
            continue
        if sum(w[0].isupper() for w in words) >= 0.8 * len(words):
            ranges.append((match.start(), match.end()))
    return ranges


def _is_dateline_head(span: SpacySpan, text: str) -> bool:
    """A name opening a line and followed by a dash ("Outlet - Story") is a source; an
    all-caps place before a date and a dash opens a wire dateline."""
    line_start = text.rfind("\n", 0, span.start_char) + 1
    lead = text[line_start : span.start_char].strip()
    # "CITY, Region – story": an all-caps place may come first.
    if lead and not re.fullmatch(r"[A-Z][A-Z .'-]+,", lead):
        return False
    after = text[span.end_char : span.end_char + 3].lstrip(" ")
    if after and after[0] in _DASHES:
        return True
    # "OSLO, Sept 9 (Reuters) -": the place of a wire dateline
    return (
        not lead and span.text.isupper() and bool(_DATELINE_AFTER_PLACE.match(text, span.end_char))
    )


_DATELINE_AFTER_PLACE = re.compile(
    r",\s*(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]{2,8})\b[^\n]{0,40}?[-–—]"
)


def _clean(span: SpacySpan, lex: Lexicon) -> SpacySpan | None:
    """*span* without articles, possessives and edge punctuation; None when garbage."""
    doc = span.doc
    start, end = span.start, span.end
    while start < end and _droppable_head(doc[start], lex):
        start += 1
    while end > start and (
        doc[end - 1].is_punct
        and doc[end - 1].text != "."
        or _POSSESSIVE.fullmatch(doc[end - 1].text)
    ):
        end -= 1
    if end > start and doc[end - 1].text == "." and end - start == 1:
        return None
    if start >= end:
        return None
    cleaned = doc[start:end]
    return cleaned if _plausible(cleaned, lex) else None


def _droppable_head(token: Any, lex: Lexicon) -> bool:
    if token.is_punct or _POSSESSIVE.fullmatch(token.text) or token.is_space:
        return True
    if token.is_sent_start and token.pos_ in _FUNCTION_POS:
        return True  # "Later Acme Labs …": a sentence-initial adverb is not a name word
    if token.lower_ in _ARTICLES:
        # "The" inside a sentence and capitalised is part of a name ("The Acme Times").
        return bool(token.text != "The" or token.is_sent_start)
    # "Broadcaster Apex Television …", "Carmaker Korvath …": a sentence-initial common noun
    return token.is_sent_start and token.lower_ in lex.org_nouns and token.i + 1 < len(token.doc)


def _plausible(span: SpacySpan, lex: Lexicon) -> bool:
    text = span.text
    if "\n" in text or " - " in text or not any(ch.isupper() or ch.isdigit() for ch in text):
        return False
    first = span[0]
    if first.text in lex.boilerplate or text.lower() in lex.generic:
        return False
    if all(t.lower_ in lex.calendar or t.like_num or t.is_punct for t in span):
        return False
    # "Acme Therapeutics, Inc., a biotech": the suffix after the comma is no name of its own
    if all(t.lower_.replace(".", "") in lex.legal_suffixes or t.is_punct for t in span):
        return False
    # Names of things, not companies: "… Mineral Resource", "… Summit", "… Prize".
    if len(span) > 1 and span[-1].text in lex.non_company_heads:
        return False
    # A lone capitalised verb or adjective ("Indicated", "Overall") is not a name.
    if len(span) == 1 and first.pos_ in ("VERB", "ADJ", "ADV") and not first.text.isupper():
        return False
    if not first.text[:1].isupper() and not first.text[:1].isdigit() and not _camel(first.text):
        return False
    # A single ordinary word opening a sentence ("Indicated", "Overall") is not a name;
    # an all-capitals word there ("EA has acquired…") is not an ordinary word.
    return not (
        len(span) == 1
        and first.is_sent_start
        and first.pos_ not in ("PROPN", "X")
        and not (first.text.isupper() and len(first.text) > 1)
    )


def _camel(word: str) -> bool:
    return any(ch.isupper() for ch in word[1:])


def _lexical_evidence(span: SpacySpan, text: str, lex: Lexicon) -> bool:
    """A legal suffix, or an organisation noun in apposition or just before the name."""
    words = [t.lower_.strip(".,") for t in span]
    if words[-1].replace(".", "") in lex.legal_suffixes and len(words) > 1:
        return True
    # "Harrow Textiles", "Acme Labs": a name ending in an industry or unit word.
    if (
        len(words) > 1
        and span[-1].is_title
        and (words[-1] in lex.descriptors or words[-1] in lex.unit_heads)
    ):
        return True
    after = text[span.end_char : span.end_char + 80].lower()
    appos = re.match(r"\s*(?:['’]s)?\s*,\s*(?:a|an|the)\s+((?:[\w-]+\s+){0,5}?)([\w-]+)\b", after)
    # "…, the company said" attributes a quote: it says nothing about the name before it
    if appos and appos.group(2) in lex.org_nouns and not _SPEECH.match(after, appos.end()):
        return True
    previous = span.doc[span.start - 1] if span.start else None
    # "the chipmaker Acme", "dairy giant Borealis"
    return previous is not None and previous.lower_ in lex.org_nouns and previous.pos_ == "NOUN"


def _role_evidence(span: SpacySpan, label: str, lex: Lexicon) -> bool:
    """A party role of a deal verb, or coordination with a model-tagged organisation.

    Neither makes an organisation of a multi-word person name: people sign contracts too.
    """
    if label == "PERSON" and len(span) > 1:
        return False
    if label != "ORG" and _coordinated_with_org(span, lex):
        return True
    if label in ("GPE", "LOC") and span.root.dep_ == "pobj":
        return span.root.head.lower_ in ("between", "with")
    return _deal_role(span.root, lex, depth=0)


def _coordinated_with_org(span: SpacySpan, lex: Lexicon) -> bool:
    """A party conjunct of a model-tagged organisation: "Acme and Borealis Ltd. agreed"."""
    root = span.root
    partners = [c for c in root.children if c.dep_ == "conj"]
    if root.dep_ == "conj":
        partners.append(root.head)
    first = root
    while first.dep_ == "conj" and first.head.i < first.i:
        first = first.head
    if first.dep_ not in ("nsubj", "nsubjpass", "dobj") and not (
        first.dep_ == "pobj" and first.head.lower_ in ("between", "with")
    ):
        return False
    return any(p.ent_type_ == "ORG" and not (span.start <= p.i < span.end) for p in partners)


def _deal_role(token: Any, lex: Lexicon, depth: int) -> bool:
    """*token* is a party: subject or object of a deal verb, or "between/with" it."""
    dep, head = token.dep_, token.head
    if dep == "conj" and depth == 0:
        return _deal_role(head, lex, depth=1)
    if dep in ("nsubj", "nsubjpass", "dobj"):
        return (
            _is_deal_word(head, lex)
            or (head.dep_ in ("xcomp", "ccomp") and _is_deal_word(head.head, lex))
            or any(child.dep_ == "xcomp" and _is_deal_word(child, lex) for child in head.children)
        )
    if dep == "pobj":
        if head.lower_ in ("between", "with"):
            return True
        return head.lower_ in ("in", "from", "by", "into", "to") and _is_deal_word(head.head, lex)
    return False


def _is_deal_word(token: Any, lex: Lexicon) -> bool:
    return bool(token.pos_ in ("VERB", "NOUN") and token.lower_.startswith(lex.deal_verbs))


def _bracket_alias(alias: str, name: str) -> bool:
    """An acronym or ticker ("ACME", "ACM.O"), or a short form made of the name's words."""
    if alias.isdigit() or alias == name:
        return False
    if " " not in alias and _ACRONYM.fullmatch(alias):
        return True
    if re.fullmatch(r"[a-z]+\d+[a-z]*", alias):
        return True  # a short code such as "b2x": people and places get none
    words = alias.split()
    name_words = name.split()
    return alias[0].isupper() and (
        name_words[: len(words)] == words or name_words[-len(words) :] == words
    )


def _bracketed_aliases(found: Sequence[_Cand], text: str) -> list[_Cand]:
    """Acronyms and tickers in brackets right after a name: ``Acme Corp (ACME)``."""
    extra = []
    for cand in found:
        match = _TICKER.match(text, cand.end)
        if match and cand.label not in _PLACE_LABELS and _bracket_alias(match.group(1), cand.text):
            alias = match.group(1)
            extra.append(
                _Cand(match.start(1), match.end(1), alias, "ALIAS_OF:" + core(cand.text), True)
            )
    return extra


# --- classification ----------------------------------------------------------------


def core(name: str, lex: Lexicon | None = None) -> str:
    """The comparison form of an organisation name: ``"Acme Corp.'s"`` → ``"acme"``."""
    lex = lex or lexicon()
    words = re.sub(r"['’]s\b", "", name.replace("’", "'")).split()
    while words and words[0].lower() in _ARTICLES:
        words = words[1:]
    while len(words) > 1 and re.sub(r"[^a-z]", "", words[-1].lower()) in lex.legal_suffixes:
        words = words[:-1]
    joined = " ".join(words).lower()
    return re.sub(r"\s+", " ", re.sub(r"[^\w&\s]", "", joined)).strip()


def _classify(cands: Sequence[_Cand], doc: Doc, lex: Lexicon) -> tuple[list[_Cand], list[_Cand]]:
    """Split candidates into organisation and product mentions by document-wide votes."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    strong: set[str] = set()
    role: set[str] = set()
    for cand in cands:
        key = core(cand.text, lex)
        votes[key][cand.label] += 1
        if cand.strong:
            strong.add(key)
        if cand.label.startswith("ALIAS_OF:"):
            strong.add(cand.label.removeprefix("ALIAS_OF:"))  # only organisations get these
        if cand.role:
            role.add(key)
    person_words = _person_words(doc)
    used_as = _uses(cands, lex)
    places = _place_acronyms(doc)
    listed_places = _listed_with_places(doc, lex)
    brands = _brand_names(cands, doc_text(doc), strong | role, lex)
    orgs, products = [], []
    first_seen: dict[str, int] = {}
    for cand in cands:
        first_seen.setdefault(core(cand.text, lex), cand.start)
    for cand in cands:
        key = core(cand.text, lex)
        if not key or key in lex.generic:
            continue
        if _short_form_of_strong(key, cand.start, strong, first_seen):
            orgs.append(cand)
            continue
        counts = votes[key]
        if _person_like(cand.text, person_words) and key not in strong:
            continue
        if cand.label.startswith("OWNED:"):
            products.append(cand)
        elif cand.label.startswith("ALIAS_OF") or key in strong:
            orgs.append(cand)
        elif key in used_as.get("product", set()):
            products.append(cand)
        elif key in used_as.get("modifier", set()):
            continue
        elif key in listed_places or key in places:
            continue  # listed with other places, or the acronym of a place
        elif key in role:
            orgs.append(cand)
        elif key in used_as.get("place", set()):
            continue
        elif key in used_as.get("mostly product", set()) or key in brands:
            products.append(cand)
        elif counts["ORG"] and not (key in person_words and counts["ORG"] < counts["PERSON"]):
            orgs.append(cand)
        elif counts["PRODUCT"] + counts["WORK_OF_ART"] and not counts["PERSON"]:
            products.append(cand)
    return orgs, products


def _uses(cands: Sequence[_Cand], lex: Lexicon) -> dict[str, set[str]]:
    """How each name is used across the document.

    ``product``: every mention is a product use (or a noun modifier); ``modifier``: only
    ever a noun modifier; ``place``: once a company's facility ("its Northport hub");
    ``mostly product``: more product uses than plain mentions.
    """
    contexts: dict[str, Counter[str]] = defaultdict(Counter)
    for cand in cands:
        contexts[core(cand.text, lex)][cand.context] += 1
    used: dict[str, set[str]] = defaultdict(set)
    for key, seen in contexts.items():
        kinds = set(seen)
        if kinds == {"product"} or kinds == {"product", "modifier"}:
            used["product"].add(key)
        elif kinds == {"modifier"}:
            used["modifier"].add(key)
        if seen["place"]:
            used["place"].add(key)
        elif seen["product"] > seen[""]:
            used["mostly product"].add(key)
    return used


def _listed_with_places(doc: Doc, lex: Lexicon) -> set[str]:
    """Names the model calls a place where the text lists them with other places.

    "in Northshire, Eastmoor and Lake County" is a list of places, whatever the model says
    of the same name elsewhere.
    """
    places = [ent for ent in doc.ents if ent.label_ in ("GPE", "LOC")]
    place_tokens = {token.i for ent in places for token in ent}
    listed: set[str] = set()
    for ent in places:
        others = place_tokens - {token.i for token in ent}
        linked = {ent.root.head.i} if ent.root.dep_ == "conj" else set()
        linked.update(child.i for child in ent.root.children if child.dep_ == "conj")
        if linked & others:
            listed.add(core(ent.text, lex))
    return listed


def _place_acronyms(doc: Doc) -> set[str]:
    """Places a text introduces an acronym for, and the acronyms: "New Carthage Province
    (NCP)" → ``new carthage province``, ``ncp``. Initials that match are the evidence."""
    text = doc_text(doc)
    found: set[str] = set()
    for ent in doc.ents:
        if ent.label_ not in ("GPE", "LOC"):
            continue
        match = _TICKER.match(text, ent.end_char)
        capitalised = " ".join(word for word in ent.text.split() if word[:1].isupper())
        if match and _initials(capitalised) == match.group(1).upper():
            found.update((core(match.group(1)), core(ent.text)))
    return found


def _brand_names(cands: Sequence[_Cand], text: str, companies: set[str], lex: Lexicon) -> set[str]:
    """Names the text calls a brand ("the Meadowgold brand", "Meadowgold-branded milk").

    Names with their own evidence of being a company keep it: companies name brands
    after themselves.
    """
    brands: set[str] = set()
    for surface in {cand.text for cand in cands}:
        key = core(surface, lex)
        if key in companies or key in brands:
            continue
        # not "Acme's brand": that is the brand of Acme
        cue = re.escape(surface) + r"(?:-branded\b|\s+brands?\b)"
        if re.search(r"(?<![\w-])" + cue, text):
            brands.add(key)
    return brands


def _short_form_of_strong(
    key: str, start: int, strong: set[str], first_seen: dict[str, int]
) -> bool:
    """ "Borealis" after "Borealis Therapeutics Inc.": first/last words of one earlier name."""
    words = key.split()
    longer = [
        name
        for name in strong
        if len(name.split()) > len(words)
        and first_seen.get(name, start) < start
        and (name.split()[: len(words)] == words or name.split()[-len(words) :] == words)
    ]
    return len(longer) == 1


def _person_like(text: str, person_words: set[str]) -> bool:
    """ "Dr Doe" after "Jane Doe": a multi-word name ending in a person's name word."""
    words = text.split()
    return len(words) > 1 and words[-1].lower() in person_words and words[0].isupper()


def _person_words(doc: Doc) -> set[str]:
    """Lower-case first and last words of multi-word PERSON names ("Jane Doe" → jane, doe)."""
    words: set[str] = set()
    for ent in doc.ents:
        if ent.label_ == "PERSON" and len(ent) > 1:
            words.update((ent[0].lower_, ent[-1].lower_))
    return words


def _split_products(orgs: list[_Cand], lex: Lexicon) -> tuple[list[_Cand], list[_Cand]]:
    """ "Acme Widget" (Acme an organisation, Widget no unit head) → product of Acme."""
    known = {core(c.text, lex) for c in orgs if not c.label.startswith("ALIAS_OF")}
    kept: list[_Cand] = []
    products: list[_Cand] = []
    for cand in orgs:
        head, rest = _known_prefix(cand.text, known, lex)
        if head is None or not rest.strip() or cand.label.startswith("ALIAS_OF") or cand.strong:
            kept.append(cand)
            continue
        last = rest.split()[-1].lower()
        capitalised = all(word[:1].isupper() or word[:1].isdigit() for word in rest.split())
        if last in lex.unit_heads or last in lex.descriptors or not capitalised:
            kept.append(cand)
            continue
        kept.append(_Cand(cand.start, cand.start + len(head), head, cand.label, cand.strong))
        offset = cand.start + cand.text.index(rest, len(head))
        if rest.lower() not in lex.generic:
            products.append(_Cand(offset, offset + len(rest), rest, "OWNED:" + core(head, lex)))
    return kept, products


def _known_prefix(text: str, known: set[str], lex: Lexicon) -> tuple[str | None, str]:
    """The longest leading words of *text* that are a known organisation, and the rest."""
    words = text.split(" ")
    for size in range(len(words) - 1, 0, -1):
        head = " ".join(words[:size])
        if core(head, lex) in known:
            return head, " ".join(words[size:])
    return None, ""


# --- resolution --------------------------------------------------------------------


@dataclass
class _Group:
    core: str
    mentions: list[_Cand]
    alias_of: str | None = None  # core of the group this one merges into
    parent: str | None = None

    @property
    def first(self) -> int:
        return self.mentions[0].start


def _attributed_ranges(doc: Doc) -> list[tuple[int, int, str]]:
    """Where the text names the source of the news ("according to X", "X, citing …"),
    with the pattern's id."""
    rule_spans = doc.spans[SPANS_KEY] if SPANS_KEY in doc.spans else []
    return [(s.start_char, s.end_char, s.id_) for s in rule_spans if s.label_ == "ATTRIBUTION"]


def _outlet_ranges(attributed: Sequence[tuple[int, int, str]]) -> list[tuple[int, int]]:
    # "Acme reported a profit": a company reports too, so only the other cues name outlets
    return [(start, end) for start, end, rule in attributed if rule != "reported"]


def _resolve(
    orgs: Sequence[_Cand],
    products: Sequence[_Cand],
    document: Document,
    blocked: Sequence[tuple[int, int]],
    attributed: Sequence[tuple[int, int, str]],
    lex: Lexicon,
    bare_names: frozenset[int] = frozenset(),
) -> OrgFindings:
    groups = _group(_split_pairs(orgs, lex), lex)
    _link_acronyms(groups, orgs, document.text, lex)
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
        attributions=tuple(_outlet_ranges(attributed)),
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
        if len(c.text) > 2 and not _POSSESSIVE.search(c.text)
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
    taken = [(c.start, c.end) for group in merged.values() for c in group.mentions]
    for form, root in forms:
        for match in re.finditer(rf"(?<![\w-]){re.escape(form)}(?![\w-])", text):
            span = (match.start(), match.end())
            if (
                any(s < span[1] and span[0] < e for s, e in taken)
                or _inside(*span, blocked)
                or (accept is not None and not accept(*span))
            ):
                continue
            taken.append(span)
            merged[root].mentions.append(
                _Cand(span[0], span[1], form, "REPEATED", attributed=_inside(*span, attributed))
            )
    for group in merged.values():
        group.mentions.sort(key=lambda c: c.start)


def _first_words(merged: dict[str, _Group], lex: Lexicon) -> list[tuple[str, str]]:
    """(word, root) for each distinctive first word of a name: capitalised, not a generic,
    industry, legal, calendar or company-kind word, and beginning one organisation's
    names and no other's."""
    common = lex.name_ends | lex.generic | lex.calendar | lex.org_nouns
    firsts: dict[str, set[str]] = {}
    for root, group in merged.items():
        for cand in group.mentions:
            words = cand.text.split()
            first = words[0] if words else ""
            if len(words) > 1 and len(first) > 3 and first.isalpha() and first[0].isupper():
                if first.lower() not in common:
                    firsts.setdefault(first, set()).add(root)
    return [(word, next(iter(roots))) for word, roots in sorted(firsts.items()) if len(roots) == 1]


_PAIR = re.compile(r"(?<![\w-])([A-Z][\w&.]*)[-–/]([A-Z][\w&.]*)(?![\w-])")


def _split_pairs(orgs: Sequence[_Cand], lex: Lexicon) -> list[_Cand]:
    """A candidate "Acme-Borealis" whose halves both name other organisations is two."""
    cores = {core(c.text, lex) for c in orgs}
    known = cores | {w for name in cores for w in (name.split()[0], name.split()[-1])}
    result: list[_Cand] = []
    for cand in orgs:
        match = _PAIR.fullmatch(cand.text)
        halves = [match.group(i) for i in (1, 2)] if match else []
        if (
            match is None
            or cand.text.lower() in cores - {core(cand.text, lex)}
            or not all(
                core(h, lex) in known and core(h, lex) != core(cand.text, lex) for h in halves
            )
        ):
            result.append(cand)
            continue
        for i in (1, 2):
            start = cand.start + match.start(i)
            result.append(_Cand(start, start + len(match.group(i)), match.group(i), "PAIRED"))
    return result


def _hyphenated_pairs(
    merged: dict[str, _Group], root_of: dict[str, str], text: str, lex: Lexicon
) -> None:
    """ "the Acme-Borealis joint venture": both halves are mentions when both are known."""
    taken = {(c.start, c.end) for group in merged.values() for c in group.mentions}
    for match in _PAIR.finditer(text):
        roots = [root_of.get(core(match.group(i), lex)) for i in (1, 2)]
        if None in roots or roots[0] == roots[1]:
            continue
        for i, root in zip((1, 2), roots, strict=True):
            span = (match.start(i), match.end(i))
            if root is not None and span not in taken:
                merged[root].mentions.append(_Cand(*span, match.group(i), "PAIRED"))
    for group in merged.values():
        group.mentions.sort(key=lambda c: c.start)


_OWNED = re.compile(r"(?:['’]s?)\s+([A-Z][\w-]*(?: [A-Z0-9][\w.-]*){0,3})")


def _possessive_products(merged: dict[str, _Group], text: str, lex: Lexicon) -> list[_Cand]:
    """ "Acme's Widget Pro": a capitalised name owned by an organisation mention."""
    starts = {c.start for group in merged.values() for c in group.mentions}
    titles = {title.lower() for title in lex.person_titles}
    found = []
    for root, group in merged.items():
        for cand in group.mentions:
            match = _OWNED.match(text, cand.end)
            if match is None or match.start(1) in starts:
                continue
            name = match.group(1).rstrip(".")
            first = name.split()[0]
            if first.lower() in titles or name.lower() in lex.generic or first in lex.boilerplate:
                continue
            start = match.start(1)
            found.append(_Cand(start, start + len(name), name, "OWNED:" + root))
    return found


def _group(orgs: Sequence[_Cand], lex: Lexicon) -> dict[str, _Group]:
    groups: dict[str, _Group] = {}
    for cand in orgs:
        key = core(cand.text, lex)
        groups.setdefault(key, _Group(key, [])).mentions.append(cand)
    return groups


def _link_acronyms(
    groups: dict[str, _Group], orgs: Sequence[_Cand], text: str, lex: Lexicon
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
        if group.alias_of or not re.fullmatch(r"[a-z]{2,6}", group.core):
            continue
        if not all(c.text.isupper() for c in group.mentions):
            continue
        matches = [g.core for g in groups.values() if _initials(g.core) == group.core]
        if len(matches) == 1 and matches[0] != group.core:
            group.alias_of = matches[0]


def _initials(name: str) -> str:
    words = [w for w in name.split() if w not in _CONNECTORS]
    return "".join(w[0] for w in words) if len(words) > 1 else ""


def _link_short_forms(groups: dict[str, _Group], lex: Lexicon) -> None:
    """Second mentions by first/last words, and units introduced after their parent."""
    for short in groups.values():
        if short.alias_of:
            continue
        s_words = short.core.split()
        earlier: list[tuple[_Group, bool]] = []
        later: list[tuple[_Group, bool]] = []
        for long in groups.values():
            l_words = long.core.split()
            if long is short or long.alias_of or len(l_words) <= len(s_words):
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
            last = long.core.split()[-1]
            if prefix and last in lex.unit_heads and long.parent is None:
                long.parent = short.core
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


def canonical_name(surfaces: Sequence[str], lex: Lexicon | None = None) -> str:
    """The longest surface form without article, possessive and legal suffix."""
    lex = lex or lexicon()
    forms = [_display(s, lex) for s in surfaces]
    names = [f for f in forms if not re.fullmatch(r"[A-Z0-9.&-]{1,6}", f)] or forms
    return max(names, key=lambda f: (len(f.split()), len(f), -names.index(f)))


def _display(surface: str, lex: Lexicon) -> str:
    words = re.sub(r"['’]s\b", "", surface).split()
    if len(words) > 1 and words[0].lower() == "the" and words[0] == "the":
        words = words[1:]
    while len(words) > 1 and re.sub(r"[^a-z]", "", words[-1].lower()) in lex.legal_suffixes:
        if words[-2] in ("&", "and"):
            break  # "Stonebridge & Co": the suffix is part of the name
        words = words[:-1]
    return " ".join(words).rstrip(",")


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
    cands: Sequence[_Cand], key_of: dict[str, str], document: Document, lex: Lexicon
) -> tuple[Product, ...]:
    by_name: dict[str, list[_Cand]] = {}
    owners: dict[str, str] = {}
    for cand in cands:
        name = _display(cand.text, lex)
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
