"""Candidate mentions: model entities and rule spans, cleaned, split, with their evidence."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from kg.extract.nlp import SPANS_KEY, doc_text
from kg.extract.orgs.findings import Candidate
from kg.extract.orgs.layout import attributed_ranges, inside, is_credit_line, is_dateline_head
from kg.extract.orgs.lexicon import Lexicon, lexicon
from kg.extract.orgs.names import ARTICLES, POSSESSIVE, core

_NER_LABELS = frozenset({"ORG", "PERSON", "GPE", "NORP", "FAC", "LOC", "PRODUCT", "WORK_OF_ART"})


PLACE_LABELS = frozenset({"GPE", "LOC", "FAC", "NORP"})


_PRODUCT_LABELS = frozenset({"PRODUCT", "WORK_OF_ART"})


TICKER = re.compile(r"\s*\((?:[A-Z]+:\s*)?([A-Za-z0-9][\w.&-]{0,19}(?: [A-Z][\w.&-]*){0,3})\)")


_ACRONYM = re.compile(r"[A-Z][A-Za-z0-9&.-]*[A-Z0-9][A-Za-z0-9.-]*")


SPEECH = re.compile(r"\s+(?:said|says|added|adds|told|noted|notes|stated|states|explained)\b")


_POSSESSIVE_DETERMINERS = frozenset({"its", "their", "his", "her", "our", "whose"})


_FUNCTION_POS = frozenset({"ADV", "ADP", "DET", "PRON", "CCONJ", "SCONJ", "AUX", "PART", "INTJ"})


def candidates(
    doc: Doc, text: str, blocked: Sequence[tuple[int, int]], lex: Lexicon
) -> list[Candidate]:
    rule_spans = list(doc.spans[SPANS_KEY]) if SPANS_KEY in doc.spans else []
    attributed = [(start, end) for start, end, _ in attributed_ranges(doc)]
    rule_orgs = [span for span, label in _rule_names(rule_spans, lex) if label == "ORG"]
    found: list[Candidate] = []
    for span, label in _select_spans(doc, rule_spans, lex):
        for part, owner in _split_possessive(span):
            cleaned = _clean(part, lex)
            if cleaned is None or inside(cleaned.start_char, cleaned.end_char, blocked):
                continue
            if (
                is_dateline_head(cleaned, text)
                or _after_person_title(cleaned, lex)
                or is_credit_line(cleaned, text)
                or _in_job_title(cleaned)
                or _is_model_name(cleaned)
            ):
                continue
            if owner is not None:
                found.append(_product_of(cleaned, owner, lex))
                continue
            by_rule = any(r.start <= cleaned.start and cleaned.end <= r.end for r in rule_orgs)
            # An outlet named as the source of a report is an organisation too.
            by_rule = by_rule or inside(cleaned.start_char, cleaned.end_char, attributed)
            found.append(
                Candidate(
                    cleaned.start_char,
                    cleaned.end_char,
                    cleaned.text,
                    label,
                    strong=by_rule or _lexical_evidence(cleaned, text, lex),
                    role=_role_evidence(cleaned, label, lex),
                    attributed=inside(cleaned.start_char, cleaned.end_char, attributed),
                    context=usage_context(cleaned, lex),
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
    people = person_words(doc)  # "Judge signed a deal" after "Aaron Judge": a person
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


def usage_context(span: SpacySpan, lex: Lexicon) -> str:
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
        return usage_context(head, lex) if head.start < span.start else ""
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
        if span.label_ == "ORG_LEAD" and SPEECH.match(doc_text(span.doc), span.end_char):
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
        if POSSESSIVE.fullmatch(token.text) and token.text[0] in "'’":
            if span[-1].lower_ in lexicon().unit_heads:
                return [(span, None)]  # "Acme's Foundation": a unit of Acme, named so
            owner = span.doc[span.start : token.i]
            return [(owner, None), (span.doc[token.i + 1 : span.end], owner)]
    return [(span, None)]


def _product_of(span: SpacySpan, owner: SpacySpan, lex: Lexicon) -> Candidate:
    return Candidate(span.start_char, span.end_char, span.text, "OWNED:" + core(owner.text, lex))


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


def _extend_left(cands: list[Candidate], text: str, lex: Lexicon) -> list[Candidate]:
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
                cand = Candidate(
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


def _clean(span: SpacySpan, lex: Lexicon) -> SpacySpan | None:
    """*span* without articles, possessives and edge punctuation; None when garbage."""
    doc = span.doc
    start, end = span.start, span.end
    while start < end and _droppable_head(doc[start], lex):
        start += 1
    while end > start and (
        doc[end - 1].is_punct
        and doc[end - 1].text != "."
        or POSSESSIVE.fullmatch(doc[end - 1].text)
    ):
        end -= 1
    if end > start and doc[end - 1].text == "." and end - start == 1:
        return None
    if start >= end:
        return None
    cleaned = doc[start:end]
    return cleaned if _plausible(cleaned, lex) else None


def _droppable_head(token: Any, lex: Lexicon) -> bool:
    if token.is_punct or POSSESSIVE.fullmatch(token.text) or token.is_space:
        return True
    if token.is_sent_start and token.pos_ in _FUNCTION_POS:
        return True  # "Later Acme Labs …": a sentence-initial adverb is not a name word
    if token.lower_ in ARTICLES:
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
    if appos and appos.group(2) in lex.org_nouns and not SPEECH.match(after, appos.end()):
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


def _bracketed_aliases(found: Sequence[Candidate], text: str) -> list[Candidate]:
    """Acronyms and tickers in brackets right after a name: ``Acme Corp (ACME)``."""
    extra = []
    for cand in found:
        match = TICKER.match(text, cand.end)
        if match and cand.label not in PLACE_LABELS and _bracket_alias(match.group(1), cand.text):
            alias = match.group(1)
            extra.append(
                Candidate(match.start(1), match.end(1), alias, "ALIAS_OF:" + core(cand.text), True)
            )
    return extra


def person_words(doc: Doc) -> set[str]:
    """Lower-case first and last words of multi-word PERSON names ("Jane Doe" → jane, doe)."""
    words: set[str] = set()
    for ent in doc.ents:
        if ent.label_ == "PERSON" and len(ent) > 1:
            words.update((ent[0].lower_, ent[-1].lower_))
    return words
