"""Evidence for and against reading a name as an organisation.

Every mention of a candidate name collects *kinds* of evidence from its sentence
(:func:`mention_evidence`); :mod:`kg.extract.orgs.classify` adds kinds about the name
across the document and sums their weights (``kg/patterns/org_evidence.json``). No
single kind decides: a deal role or a legal suffix outweighs the model calling a name a
place, and a facility head ("… Refinery") or a count ("40 … Jets") outweighs one ORG vote.

Positive kinds:

* ``model_org``: the model labels the mention ORG;
* ``legal_suffix``: the name ends in a legal form ("Acme Foods Ltd");
* ``org_rule``: a rule span of ``organizations.jsonl`` covers it ("Bank of Kessland"),
  for a reason its last word does not already give;
* ``name_end``: the name ends in an industry or unit word ("Harrow Textiles");
* ``apposition``: an apposition headed by a business noun ("Acme, a chip maker,");
* ``business_noun_before`` / ``role_noun_before``: "the chipmaker Acme" / "sponsor Acme";
* ``source``: the text names it as the source of the news;
* ``ticker``: a ticker or acronym in brackets follows it ("Acme Foods (ACF)");
* ``deal_role``: subject or object of a deal verb, or "with/between" one;
* ``deal_target``: a name the model calls a place, after "in/from/into" a deal word
  ("an investment in X"); it counts only when the model calls it ORG elsewhere;
* ``coordinated``: a party conjunct of a model-labelled organisation;
* ``member_context``: what belongs to an organisation is named through it ("Acme
  engineers", "Acme's shares", "the board of Acme");
* ``speaker``: the subject of "said", "told" …;
* ``short_form_of_strong`` (document): the first or last words of one earlier strong name;
* ``initials`` (document): capitals that are the initials of another name ("NTC" for
  "Norvik Trading Co.").

Negative kinds:

* ``model_person`` / ``model_person_name``: the model labels it PERSON (one word / more);
* ``model_place``: the model labels it a place or nationality;
* ``model_product``: the model labels it a product or work;
* ``product_context``: products are listed ("apps like Acme"), made or shipped;
* ``product_head``: the name ends in a product head ("… Pro", "… Pay");
* ``product_noun_before``: "the drug Acme", "its brand Acme";
* ``modifier_only`` (document): the name is only ever a noun modifier ("the Acme plan");
* ``facility_use``: "its Acme hub": a place where a company has a facility;
* ``ordinary_word``: one capitalised word read as a verb, adjective or adverb, or
  opening a sentence as a common word ("Overall", "Venture capital …");
* ``non_company_head``: the head of the name names a facility, a site, a document or an
  event ("… Refinery", "Plant …", "Memorandum of …");
* ``person_title`` / ``job_title``: "Ms Acme", "CEO Acme" / "president of Acme";
* ``counted``: a number counts it ("40 Acme Jets");
* ``exchange``: companies are listed on it ("the Acme-listed miner");
* ``abbreviation``: it abbreviates lower-case words ("megawatts (MW)");
* ``short_acronym`` (document): two to four capitals with nothing else for it;
* ``person_name_word`` / ``person_like`` (document): a word of a person's full name
  named alone, or a name ending in one ("Dr Doe");
* ``listed_with_places`` / ``place_acronym`` (document): listed among places, or the
  acronym of a place;
* ``brand`` (document): the text calls it a brand.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.tokens import Span as SpacySpan

from kg.errors import PatternError
from kg.extract.nlp import dictionary_word, doc_text
from kg.extract.orgs.lexicon import Lexicon, shapes
from kg.extract.rules import PATTERNS_DIR, load_rules

POSITIVE = frozenset(
    {
        "model_org",
        "legal_suffix",
        "org_rule",
        "name_end",
        "apposition",
        "business_noun_before",
        "role_noun_before",
        "source",
        "ticker",
        "deal_role",
        "deal_target",
        "coordinated",
        "member_context",
        "speaker",
        "short_form_of_strong",
        "initials",
    }
)
PERSON = frozenset(
    {"model_person", "model_person_name", "person_title", "person_name_word", "person_like"}
)
PRODUCT = frozenset(
    {"model_product", "product_context", "product_noun_before", "product_head", "brand"}
)
NEGATIVE = (
    PERSON
    | PRODUCT
    | frozenset(
        {
            "model_place",
            "modifier_only",
            "facility_use",
            "non_company_head",
            "ordinary_word",
            "job_title",
            "counted",
            "exchange",
            "abbreviation",
            "short_acronym",
            "listed_with_places",
            "place_acronym",
        }
    )
)
KINDS = POSITIVE | NEGATIVE
# Lexical evidence: the name itself or its apposition says what it is. A short form of a
# name with such evidence is a second mention of it ("Borealis" after "Borealis Ltd").
STRONG = frozenset(
    {
        "legal_suffix",
        "org_rule",
        "name_end",
        "apposition",
        "business_noun_before",
        "source",
        "ticker",
    }
)
# "modifier" marks a mention used as a noun modifier; a name only ever used so gets
# ``modifier_only``. It has no weight of its own.
MODIFIER = "modifier"

_MODEL_KINDS = {
    "ORG": "model_org",
    "GPE": "model_place",
    "LOC": "model_place",
    "FAC": "model_place",
    "NORP": "model_place",
    "PRODUCT": "model_product",
    "WORK_OF_ART": "model_product",
}
_PLACE_TYPES = frozenset({"GPE", "LOC", "NORP", "FAC"})


@dataclass(frozen=True)
class Weights:
    """How much each kind of evidence counts (``org_evidence.json``)."""

    weights: Mapping[str, int]
    caps: Mapping[str, int]
    threshold: int

    def score(self, counts: Mapping[str, int]) -> int:
        """The weighted sum of *counts* (kind → times seen), each kind capped."""
        return sum(
            self.weights[kind] * min(count, self.caps.get(kind, 1))
            for kind, count in counts.items()
            if count > 0 and kind in self.weights
        )


@lru_cache(maxsize=1)
def weights(path: Path = PATTERNS_DIR / "org_evidence.json") -> Weights:
    """The evidence weights at *path*; every kind of :data:`KINDS` must have one.

    :raises PatternError: the file is malformed, a weight is not an integer, or a kind
        is missing or unknown (the message names it).
    """
    data = load_rules(path).data
    table, caps, threshold = data.get("weights"), data.get("caps", {}), data.get("threshold")
    if not isinstance(table, dict) or not isinstance(caps, dict):
        raise PatternError(f"{path}: 'weights' and 'caps' must be objects")
    if not isinstance(threshold, int) or isinstance(threshold, bool):
        raise PatternError(f"{path}: 'threshold' must be an integer")
    for name, mapping in (("weights", table), ("caps", caps)):
        bad = [k for k, v in mapping.items() if not isinstance(v, int) or isinstance(v, bool)]
        if bad:
            raise PatternError(f"{path}: {name} of {', '.join(sorted(bad))} must be integers")
    missing, unknown = sorted(KINDS - set(table)), sorted(set(table) - KINDS)
    if missing or unknown:
        raise PatternError(
            f"{path}: evidence kinds missing: {', '.join(missing) or '-'}; "
            f"unknown: {', '.join(unknown) or '-'}"
        )
    if set(caps) - KINDS:
        raise PatternError(f"{path}: caps for unknown kinds {sorted(set(caps) - KINDS)}")
    wrong_sign = sorted(k for k in POSITIVE if table[k] <= 0) + sorted(
        k for k in NEGATIVE if table[k] >= 0
    )
    if wrong_sign:
        raise PatternError(f"{path}: weights of the wrong sign: {', '.join(wrong_sign)}")
    return Weights(weights=dict(table), caps=dict(caps), threshold=threshold)


def mention_evidence(
    span: SpacySpan, label: str, lex: Lexicon, *, by_rule: bool, attributed: bool
) -> frozenset[str]:
    """The kinds of evidence one mention gives (see the module docstring)."""
    found: set[str] = set()
    if label == "PERSON":
        found.add("model_person_name" if len(span) > 1 else "model_person")
    elif label in _MODEL_KINDS:
        found.add(_MODEL_KINDS[label])
    if attributed:
        found.add("source")
    found |= _name_evidence(span, lex)
    if by_rule and not found & {"legal_suffix", "name_end"}:
        found.add("org_rule")  # what the rule saw that the name's last word does not say
    found |= _neighbour_evidence(span, lex)
    if _deal_party(span, label, lex):
        found.add("deal_role")
    elif label in ("GPE", "LOC") and deal_role(span.root, lex, depth=0):
        found.add("deal_target")  # "invest in X": X may be a place, or a company
    if label != "ORG" and _coordinated_with_org(span):
        found.add("coordinated")
    context = usage_context(span, lex)
    if context:
        found.add({"product": "product_context", "place": "facility_use"}.get(context, context))
    return frozenset(found)


def _name_evidence(span: SpacySpan, lex: Lexicon) -> set[str]:
    """What the words of the name say: a legal suffix, an industry word, a facility head."""
    found: set[str] = set()
    words = [t.lower_.strip(".,") for t in span]
    if len(words) > 1 and words[-1].replace(".", "") in lex.legal_suffixes:
        found.add("legal_suffix")
    # "Harrow Textiles", "Acme Labs", "Acme Growth Fund 2": an industry or unit word ends it
    last = len(span) - 1
    if last > 1 and shapes().numbered.fullmatch(span[last].text):
        last -= 1
    if (
        last > 0
        and span[last].is_title
        and (words[last] in lex.descriptors or words[last] in lex.unit_heads)
    ):
        found.add("name_end")
    if _non_company_head(span, lex):
        found.add("non_company_head")
    if len(span) > 1 and span[-1].text in lex.product_heads:
        found.add("product_head")  # "Acme Pro", "Widget Pay"
    if _ordinary_word(span):
        found.add("ordinary_word")
    return found


def _ordinary_word(span: SpacySpan) -> bool:
    """One capitalised word the tagger reads as a verb, adjective or adverb ("Indicated",
    "Overall"), or an English word of the model's lexicon opening a sentence as anything
    but a proper noun ("Venture capital …"); an all-capitals word ("EA has acquired …")
    is no ordinary word."""
    if len(span) != 1 or (span[0].text.isupper() and len(span[0].text) > 1):
        return False
    word = span[0]
    if word.pos_ in ("VERB", "ADJ", "ADV"):
        return True
    # "Tessaro will …" opening a sentence is no English word, whatever the tagger says
    return (
        bool(word.is_sent_start)
        and word.pos_ not in ("PROPN", "X")
        and dictionary_word(span.doc.vocab, word.text)
    )


def _non_company_head(span: SpacySpan, lex: Lexicon) -> bool:
    """The head of the name is a facility, site, document or event noun.

    The head is the last word ("Brackwell Refinery"), the word before "of" ("Letter of
    Intent"), or a first word that names facilities before their name ("Plant Harwick",
    "Block 17").
    """
    if len(span) < 2:
        return False
    words = [t.text for t in span]
    head = words[words.index("of") - 1] if "of" in words[1:] else words[-1]
    return head in lex.non_company_heads or words[0] in lex.head_first_non_company


def _neighbour_evidence(span: SpacySpan, lex: Lexicon) -> set[str]:
    """What the words around the name say about it."""
    doc, text = span.doc, doc_text(span.doc)
    found: set[str] = set()
    previous = doc[span.start - 1] if span.start else None
    kind = noun_kind(previous, lex) if previous is not None else None
    if kind == "business":
        found.add("business_noun_before")  # "the chipmaker Acme", "dairy giant Borealis"
    elif kind == "role":
        found.add("role_noun_before")  # "its sponsor Acme", "rival Borealis"
    elif kind == "product":
        found.add("product_noun_before")  # "the drug Acme", "its brand Borealis"
    if previous is not None and previous.text in lex.person_titles:
        found.add("person_title")  # "Ms. Jane Doe", "CEO Jane Doe"
    if _in_job_title(span, lex):
        found.add("job_title")
    if appositive_head(span, lex):
        found.add("apposition")
    if _member_context(span, lex):
        found.add("member_context")
    if _speaker(span, lex):
        found.add("speaker")
    if _counted(span):
        found.add("counted")
    after = text[span.end_char : span.end_char + 12]
    if shapes().listed_after.match(after) or shapes().listed_before.search(
        text[max(span.start_char - 20, 0) : span.start_char]
    ):
        found.add("exchange")
    if _abbreviates_common_words(span):
        found.add("abbreviation")
    return found


def noun_kind(token: Any, lex: Lexicon) -> str | None:
    """``business``, ``role`` or ``product`` for a lower-case noun of those lexicons
    (by lemma: "startups" is "startup"), else None. The tagger's part of speech is not
    trusted here ("the start-up Acme" is sometimes read as a verb) unless it heads a
    clause."""
    if not token.is_lower or (token.pos_ in ("VERB", "AUX") and token.dep_ not in _MODIFIERS):
        return None
    forms = (token.lemma_.lower(), token.lower_)
    if any(form in lex.business_nouns for form in forms):
        return "business"
    if any(form in lex.role_nouns for form in forms):
        return "role"
    if token.lower_ in lex.product_nouns:
        return "product"
    return None


_MODIFIERS = frozenset({"amod", "compound", "nmod", "npadvmod"})


def appositive_head(span: SpacySpan, lex: Lexicon) -> bool:
    """ "Acme, a Boston-based biotech company,": an apposition whose head noun (the
    first noun after the article that modifies nothing) is a business noun.

    "Dana Velk, a former director at chip giant Acme" has the head "director": the
    business noun after "at" belongs to Acme, not to Dana Velk.
    """
    doc = span.doc
    i = span.end
    if i < len(doc) and doc[i].text in ("'s", "’s"):
        i += 1
    if i + 1 >= len(doc) or doc[i].text != "," or doc[i + 1].lower_ not in ("a", "an", "the"):
        return False
    if shapes().speech_after.match(doc_text(doc), doc[i + 1].idx + len(doc[i + 1].text)):
        return False  # "…, the company said": an attribution, not an apposition
    for token in doc[i + 2 : i + 10]:
        if _in_hyphen_compound(token):
            continue  # "Boston-based", "NZX-listed": one adjective
        if token.pos_ in ("ADP", "VERB", "AUX", "CCONJ", "PUNCT", "PRON"):
            return False
        if token.pos_ in ("NOUN", "PROPN") and token.dep_ not in ("compound", "poss", "nmod"):
            return noun_kind(token, lex) == "business"
    return False


def _in_hyphen_compound(token: Any) -> bool:
    doc = token.doc
    return bool(
        token.text == "-"
        or (token.i > 0 and doc[token.i - 1].text == "-" and not doc[token.i - 1].whitespace_)
        or (token.i + 1 < len(doc) and doc[token.i + 1].text == "-" and not token.whitespace_)
    )


def _member_context(span: SpacySpan, lex: Lexicon) -> bool:
    """Something that belongs to an organisation is named through the name: "Acme
    engineers", "Acme's shares", "Acme's funding round", "the board of Acme"."""
    doc = span.doc
    root = span.root
    members = lex.member_nouns

    def member(token: Any) -> bool:
        return bool(token.pos_ == "NOUN" and token.lemma_.lower() in members)

    if root.dep_ == "compound" and member(root.head) and root.head.i >= span.end:
        return True
    if span.end < len(doc) and doc[span.end].text in ("'s", "’s", "'", "’"):
        # "Acme's shares", "Acme's preferred partner"; not "Peru's largest bank": places
        # own companies too
        possessed = root.head
        if (
            root.dep_ == "poss"
            and root.ent_type_ not in _PLACE_TYPES
            and (member(possessed) or possessed.lemma_.lower() in lex.role_nouns)
        ):
            return True
    return bool(root.dep_ == "pobj" and root.head.lower_ == "of" and member(root.head.head))


def _speaker(span: SpacySpan, lex: Lexicon) -> bool:
    """The subject of a verb of saying: "Acme said", "Acme told investors"."""
    root = span.root
    return root.dep_ == "nsubj" and root.head.lemma_.lower() in lex.speech_verbs


def _counted(span: SpacySpan) -> bool:
    """A number counts the name: "40 Aerolux Jets", "two Skyhawk Drones"."""
    return any(child.dep_ == "nummod" and child.i < span.start for child in span.root.children)


def _abbreviates_common_words(span: SpacySpan) -> bool:
    """ "290 megawatts (MW)": capitals in brackets right after lower-case words."""
    doc = span.doc
    if not (span.text.isupper() and span.start >= 2 and span.end < len(doc)):
        return False
    return (
        doc[span.start - 1].text == "("
        and doc[span.end].text == ")"
        and doc[span.start - 2].is_lower
    )


def _in_job_title(span: SpacySpan, lex: Lexicon) -> bool:
    """ "Global Head of Payments Solutions, Acme": a unit named inside a formal job title
    (capitalised); "the president of Acme Corp" names the company."""
    doc = span.doc
    if span.start < 2 or doc[span.start - 1].lower_ != "of":
        return False
    title = doc[span.start - 2]
    return title.lower_ in lex.job_words and title.text[:1].isupper()


def _deal_party(span: SpacySpan, label: str, lex: Lexicon) -> bool:
    """A party role of a deal verb; never for a multi-word person name (people sign too)."""
    if label == "PERSON" and len(span) > 1:
        return False
    if label in ("GPE", "LOC") and span.root.dep_ == "pobj":
        return span.root.head.lower_ in ("between", "with")
    return deal_role(span.root, lex, depth=0)


def _coordinated_with_org(span: SpacySpan) -> bool:
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


def deal_role(token: Any, lex: Lexicon, depth: int) -> bool:
    """*token* is a party: subject or object of a deal verb, or "between/with" it."""
    if token.dep_ in ("conj", "appos") and depth == 0:
        first = token
        while first.dep_ in ("conj", "appos") and first.head.i < first.i:
            first = first.head  # "bought A, B and C": C's role is A's; "the firm, A, …"
        return deal_role(first, lex, depth=1)
    dep, head = token.dep_, token.head
    if dep in ("nsubj", "nsubjpass", "dobj"):
        return (
            _is_deal_word(head, lex)
            or (head.dep_ in ("xcomp", "ccomp") and _is_deal_word(head.head, lex))
            or any(child.dep_ == "xcomp" and _is_deal_word(child, lex) for child in head.children)
            # "Acme has landed a supply deal", "Acme won the contract": a deal as the object
            or (dep == "nsubj" and any(_deal_object(child, lex) for child in head.children))
        )
    if dep == "pobj":
        if head.lower_ in ("between", "with"):
            return True
        return head.lower_ in ("in", "from", "by", "into", "to") and _is_deal_word(head.head, lex)
    return False


def _deal_object(token: Any, lex: Lexicon) -> bool:
    return bool(token.dep_ == "dobj" and token.pos_ == "NOUN" and _is_deal_word(token, lex))


def _is_deal_word(token: Any, lex: Lexicon) -> bool:
    return bool(token.pos_ in ("VERB", "NOUN") and token.lower_.startswith(lex.deal_verbs))


def usage_context(span: SpacySpan, lex: Lexicon) -> str:
    """How the sentence uses *span*: ``product`` (an example of products, a product made
    or shipped, a quoted title), ``place`` ("its Northport hub"), ``modifier`` (a noun
    modifier of a lower-case noun) or ``""``."""
    doc = span.doc
    text = doc_text(doc)
    if span.start_char > 0 and text[span.start_char - 1] in "\"“‘'":
        if text[span.end_char : span.end_char + 2].lstrip(",.")[:1] in ('"', "”", "’", "'"):
            return "product"  # quoted names (“Night Shift”) are titles of works
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
    if root.dep_ == "dobj" and root.head.lemma_.lower() in lex.product_verbs:
        return "product"  # one develops, validates or ships a product, never a company
    if (
        _after_possessive(span, lex)
        and root.dep_ == "compound"
        and root.head.lower_ in lex.facility_nouns
    ):
        return "place"  # "its Northport hub": a place where the company has a facility
    if root.dep_ in ("compound", "nmod") and root.head.is_lower:
        modified = root.head
        if (
            modified.lemma_.lower() not in lex.organisation_nouns
            and modified.lower_ not in lex.organisation_nouns
            and 0 <= modified.i - span.end < 3
        ):
            return MODIFIER
    return ""


def _followed_by(span: SpacySpan, words: frozenset[str]) -> bool:
    """The next word (hyphenated words whole) is one of *words*."""
    following = doc_text(span.doc)[span.end_char : span.end_char + 40]
    match = re.match(r"\s+([\w-]+)", following)
    return match is not None and match.group(1).lower() in words


def _after_possessive(span: SpacySpan, lex: Lexicon) -> bool:
    """Right after "its", "their", "his", "her", "our" or "whose"."""
    return span.start > 0 and span.doc[span.start - 1].lower_ in lex.possessive_determiners
