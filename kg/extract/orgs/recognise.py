"""Candidate mentions: model entities and rule spans, cleaned, split, with their evidence."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from kg.extract.intervals import SpanIndex
from kg.extract.nlp import SPANS_KEY, doc_text
from kg.extract.orgs.evidence import appositive_head, deal_role, mention_evidence, noun_kind
from kg.extract.orgs.findings import Candidate
from kg.extract.orgs.layout import attributed_ranges, inside, is_credit_line, is_dateline_head
from kg.extract.orgs.lexicon import Lexicon, lexicon, shapes
from kg.extract.orgs.names import POSSESSIVE, core

_NER_LABELS = frozenset({"ORG", "PERSON", "GPE", "NORP", "FAC", "LOC", "PRODUCT", "WORK_OF_ART"})


PLACE_LABELS = frozenset({"GPE", "LOC", "FAC", "NORP"})


_PRODUCT_LABELS = frozenset({"PRODUCT", "WORK_OF_ART"})


_FUNCTION_POS = frozenset({"ADV", "ADP", "DET", "PRON", "CCONJ", "SCONJ", "AUX", "PART", "INTJ"})


def candidates(
    doc: Doc, text: str, blocked: Sequence[tuple[int, int]], lex: Lexicon
) -> list[Candidate]:
    """Every plausible name mention with the evidence its sentence gives, in text order."""
    rule_spans = list(doc.spans[SPANS_KEY]) if SPANS_KEY in doc.spans else []
    attributed = SpanIndex((start, end, None) for start, end, _ in attributed_ranges(doc))
    rule_orgs = SpanIndex(
        (span.start, span.end, None)
        for span, label in _rule_names(rule_spans, lex)
        if label == "ORG"
    )
    found: list[Candidate] = []
    for span, label in _select_spans(doc, rule_spans, lex):
        for part, owner in _split_possessive(span):
            cleaned = _clean(part, lex)
            if cleaned is None or inside(cleaned.start_char, cleaned.end_char, blocked):
                continue
            if (
                is_dateline_head(cleaned, text)
                or is_credit_line(cleaned, text)
                or _is_model_name(cleaned)
            ):
                continue
            if owner is not None:
                found.append(_product_of(cleaned, owner, lex))
                continue
            by_rule = rule_orgs.contains(cleaned.start, cleaned.end)
            source = attributed.contains(cleaned.start_char, cleaned.end_char)
            found.append(
                Candidate(
                    cleaned.start_char,
                    cleaned.end_char,
                    cleaned.text,
                    label,
                    mention_evidence(cleaned, label, lex, by_rule=by_rule, attributed=source),
                    attributed=source,
                )
            )
    found.extend(_bracketed_aliases(found, doc, blocked, lex))
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
    by_token = SpanIndex((r.start, r.end, (r, kind)) for r, kind in rules)
    for ent, label in ents:
        inner = [item for *_, item in by_token.overlapping(ent.start, ent.end)]
        if not inner:
            chosen.append((ent, label))
        elif len(inner) == 1 and _ent_extends(ent, inner[0][0]):
            same = inner[0][0].start == ent.start and inner[0][0].end == ent.end
            # A product shape the model called an organisation ("iWidget") is a product.
            chosen.append((ent, "PRODUCT" if same and inner[0][1] == "PRODUCT" else label))
        elif _joined_into_one_name(ent, [r for r, _ in inner]):
            chosen.append((ent, label))  # "Western Light and Power Company": one legal name
    held = SpanIndex((c.start, c.end, None) for c, _ in chosen)
    for rule, label in rules:
        if not held.overlaps(rule.start, rule.end):
            chosen.append((rule, "RULE" if label == "ORG" else "PRODUCT"))
            held.add(rule.start, rule.end, None)
    taken = [span for span, _ in chosen] + [ent for ent in doc.ents]
    chosen.extend((name, "UNLABELLED") for name in _unlabelled_deal_parties(doc, taken, lex))
    return sorted(chosen, key=lambda item: item[0].start)


def _joined_into_one_name(ent: SpacySpan, rules: Sequence[SpacySpan]) -> bool:
    """The rule spans cover *ent* but for "and" or "&" between them: the entity is what
    is left of one name after :func:`_split_at_function_words` kept it whole."""
    covered = {i for r in rules for i in range(r.start, r.end)}
    rest = [t for t in ent if t.i not in covered]
    return (
        len(rules) > 1
        and all(ent.start <= r.start and r.end <= ent.end for r in rules)
        and all(t.lower_ in ("and", "&") for t in rest)
    )


def _with_descriptors(ent: SpacySpan, lex: Lexicon) -> SpacySpan:
    """*ent* with the name words the model left after it: "Eastvale" tagged, "Eastvale
    United" meant; "Harrow" tagged, "Harrow Textiles" meant; a fund's number."""
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
    if (
        end < len(doc)
        and doc[end - 1].lower_ in lex.unit_heads
        and shapes().numbered.fullmatch(doc[end].text)
    ):
        end += 1  # "Brightwater Vision Fund 3", "Acme Growth Fund II": numbered funds
    return doc[ent.start : end] if end > ent.end else ent


def _deal_subject(token: Any, lex: Lexicon) -> bool:
    """The subject of a deal verb ("X signed", "X agreed to acquire"), or its conjunct."""
    while token.dep_ in ("conj", "appos") and token.head.i < token.i:
        token = token.head
    # "Acme was acquired by …", "Acme has been awarded a concession": passive subjects too
    return token.dep_ in ("nsubj", "nsubjpass") and deal_role(token, lex, depth=0)


def _unlabelled_deal_parties(doc: Doc, taken: Sequence[SpacySpan], lex: Lexicon) -> list[SpacySpan]:
    """Proper names the model gave no label that are the subject of a deal verb, follow a
    noun for a kind of company, or head an apposition naming one.

    "Quillfeather signed a supply deal with …": the subject of a deal verb is a company
    unless the text shows it to be a person (person-name words are checked later); so are
    "Quickdrop" in "the delivery platform Quickdrop" and "Quickdrop, a courier firm,".
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
            or not (
                _deal_subject(token, lex)
                or _after_org_noun(token, lex)
                or appositive_head(doc[_name_start(token) : token.i + 1], lex)
            )
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
    return previous is not None and noun_kind(previous, lex) in ("business", "role")


def _lemma(token: Any) -> str:
    """The lower-case lemma of a common noun ("companies" → "company")."""
    return str(token.lemma_).lower()


def _name_start(token: Any) -> int:
    """Where the proper name ending at *token* starts: its compound proper nouns before."""
    doc, start = token.doc, int(token.i)
    while start > 0 and doc[start - 1].dep_ == "compound" and doc[start - 1].pos_ == "PROPN":
        start -= 1
    return start


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
        if span.label_ in ("ORG", "PRODUCT"):
            names.extend(
                (part, span.label_)
                for piece in _split_at_name_ends(span, lex)
                for part in _split_at_function_words(piece, lex)
            )
    return names


def _split_at_name_ends(span: SpacySpan, lex: Lexicon) -> list[SpacySpan]:
    start = span.start
    while start < span.end - 1 and (span.doc[start].is_lower or span.doc[start].is_punct):
        start += 1  # "(acquisition) of Tarn Gas Ltd": a name starts with a capital
    span = span.doc[start : span.end]
    pieces = []
    for token in span:
        if token.i < start:
            continue
        if _ends_name(token, lex) and token.i + 1 < span.end:
            pieces.append(span.doc[start : token.i + 1])
            start = token.i + 1
        elif _suffix_before_another_name(token, span, lex):
            pieces.append(span.doc[start : token.i + 1])  # "Acme Ltd and Borealis Corp"
            start = token.i + 2
    pieces.append(span.doc[start : span.end])
    return [piece for piece in pieces if len(piece)]


def _suffix_before_another_name(token: Any, span: SpacySpan, lex: Lexicon) -> bool:
    """A legal suffix, then "and", "&" or a comma, then a capitalised word that is no
    suffix: "Acme Ltd and Borealis Corp" names two companies, "Acme & Co." one."""
    doc = token.doc
    if token.i + 2 >= span.end or token.text.rstrip(".").lower() not in lex.legal_suffixes:
        return False
    joiner, following = doc[token.i + 1], doc[token.i + 2]
    return (
        joiner.lower_ in ("and", "&", ",")
        and following.text[:1].isupper()
        and following.text.rstrip(".").lower() not in lex.legal_suffixes
    )


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
    more that each end in a company word, the second with a word of its own.

    "Marks and Spencer" (one word each) stays whole, and so does a legal name whose words
    after "and" are all industry words ("Eastern Gas and Electric Company", "Norrland
    Metals and Mining Group Co., Ltd."): they name no company by themselves.
    """
    if token.lower_ != "and" or token.i - ent.start < 2 or ent.end - token.i - 1 < 2:
        return False
    left, right = ent.doc[token.i - 1], ent.doc[ent.end - 1]
    if not all(
        t.lower_.strip(".") in lex.name_ends and t.text[:1].isupper() for t in (left, right)
    ):
        return False
    return any(_own_word(t, lex) for t in ent.doc[token.i + 1 : ent.end])


def _own_word(token: Any, lex: Lexicon) -> bool:
    """A capitalised word that is no industry word or legal suffix: the part of a name
    that tells one company from another ("Tovell", "Quarrel")."""
    word = token.text.strip(".,")
    return word[:1].isupper() and word.lower() not in lex.name_ends


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


def _is_model_name(span: SpacySpan) -> bool:
    """One word of letters, digits, letters ("Zephyr7x", "A320neo") names a model, not a company."""
    return len(span) == 1 and bool(shapes().model_name.fullmatch(span.text))


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
                cand = replace(cand, start=start, text=text[start : cand.end])
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
    following = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
    if token.is_lower and token.is_alpha and following is not None and following.is_title:
        return True  # "the state Utilities Review Board": a name starts with a capital
    if token.is_sent_start and token.pos_ in _FUNCTION_POS:
        return True  # "Later Acme Labs …": a sentence-initial adverb is not a name word
    if token.lower_ in lex.articles:
        # "The" inside a sentence and capitalised is part of a name ("The Acme Times").
        return bool(token.text != "The" or token.is_sent_start)
    # "Broadcaster Apex Television …", "Carmaker Korvath …": a sentence-initial common noun
    return (
        token.is_sent_start
        and (token.lower_ in lex.business_nouns or _lemma(token) in lex.business_nouns)
        and token.i + 1 < len(token.doc)
    )


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
    return first.text[:1].isupper() or first.text[:1].isdigit() or _camel(first.text)


def _camel(word: str) -> bool:
    return any(ch.isupper() for ch in word[1:])


def _bracket_alias(alias: str, name: str) -> bool:
    """An acronym or ticker ("ACME", "ACM.O"), or a short form made of the name's words."""
    if alias.isdigit() or alias == name:
        return False
    if " " not in alias and shapes().acronym.fullmatch(alias):
        return True
    if shapes().code.fullmatch(alias):
        return True  # a short code such as "b2x": people and places get none
    words = alias.split()
    name_words = name.split()
    return alias[0].isupper() and (
        name_words[: len(words)] == words or name_words[-len(words) :] == words
    )


def _bracketed_aliases(
    found: Sequence[Candidate], doc: Doc, blocked: Sequence[tuple[int, int]], lex: Lexicon
) -> list[Candidate]:
    """Short names in brackets right after a name, legal suffixes between allowed:
    ``Acme Corp (ACME)``, ``Acme Foods Co., Inc. (ACF)``, ``Zhonghua Petroleum (Zhopec)``.

    A bracketed single word that is no acronym is a short name only after a name that is
    no person's or place's, and when the model does not read it as a place or a date.
    """
    text = doc_text(doc)
    extra = []
    for cand in found:
        if cand.label in PLACE_LABELS or cand.label.startswith(("ALIAS_OF", "OWNED")):
            continue
        match = shapes().ticker.match(text, _after_legal_suffixes(text, cand.end, lex))
        if match is None or inside(match.start(), match.end(), blocked):
            continue
        alias = match.group(1)
        if _bracket_alias(alias, cand.text) or (
            cand.label != "PERSON" and _bracketed_short_name(doc, match.start(1), match.end(1), lex)
        ):
            extra.append(
                Candidate(match.start(1), match.end(1), alias, "ALIAS_OF:" + core(cand.text))
            )
    return extra


def _after_legal_suffixes(text: str, end: int, lex: Lexicon) -> int:
    """Where the text after a name continues once legal suffixes (", Inc.") are passed."""
    while True:
        match = shapes().suffix_after.match(text, end)
        if match is None or match.group(1).replace(".", "").lower() not in lex.legal_suffixes:
            return end
        end = match.end()


def _bracketed_short_name(doc: Doc, start: int, end: int, lex: Lexicon) -> bool:
    """One capitalised word the model reads as no place, date or number: "(Zhopec)"."""
    span = doc.char_span(start, end)
    if span is None or len(span) != 1:
        return False
    token = span[0]
    return (
        token.text[:1].isupper()
        and token.is_alpha
        and token.ent_type_ not in _NOT_SHORT_NAME_TYPES
        and token.lower_ not in lex.calendar
        and token.lower_ not in lex.generic
    )


_NOT_SHORT_NAME_TYPES = frozenset({"GPE", "LOC", "NORP", "DATE", "TIME", "CARDINAL"})


def person_words(doc: Doc) -> set[str]:
    """Lower-case first and last words of multi-word PERSON names ("Jane Doe" → jane, doe)."""
    words: set[str] = set()
    for ent in doc.ents:
        if ent.label_ == "PERSON" and len(ent) > 1:
            words.update((ent[0].lower_, ent[-1].lower_))
    return words
