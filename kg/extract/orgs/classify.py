"""Which candidates are organisations and which products, by weighing their evidence."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from spacy.tokens import Doc

from kg.extract.nlp import doc_text
from kg.extract.orgs.evidence import MODIFIER, PERSON, PRODUCT, STRONG, Weights, weights
from kg.extract.orgs.findings import Candidate
from kg.extract.orgs.lexicon import Lexicon, shapes
from kg.extract.orgs.names import all_initials, clips, core, initials
from kg.extract.orgs.recognise import PLACE_LABELS, person_words


@dataclass(frozen=True)
class Decision:
    """The evidence kinds seen for each name (core) and the organisation names chosen."""

    kinds: dict[str, Counter[str]]
    scores: dict[str, int]
    organisations: frozenset[str]

    def strong(self, key: str) -> bool:
        """The name itself, or an apposition, says it is an organisation."""
        return any(self.kinds[key][kind] for kind in STRONG)


def classify(
    cands: Sequence[Candidate], doc: Doc, lex: Lexicon
) -> tuple[list[Candidate], list[Candidate], Decision]:
    """Split candidates into organisation and product mentions by weighing, per name,
    the evidence of all its mentions and of the document (see
    :mod:`kg.extract.orgs.evidence`)."""
    table = weights()
    kinds = _name_kinds(cands, doc, lex)
    alias_owner = {
        core(c.text, lex): c.label.removeprefix("ALIAS_OF:")
        for c in cands
        if c.label.startswith("ALIAS_OF:")
    }
    scores = {key: table.score(found) for key, found in kinds.items()}
    # A word of a person's full name named alone is that person; but not a word of a
    # "person" the evidence shows to be a company ("Brannock Dairy" called PERSON).
    for word in _person_words(doc, scores, table.threshold, lex):
        if word in kinds:
            kinds[word]["person_name_word"] = 1
            scores[word] = table.score(kinds[word])
    for alias, owner in alias_owner.items():
        scores[alias] = scores.get(owner, 0)  # an alias is whatever its name is
    chosen = frozenset(
        k for k, s in scores.items() if s >= table.threshold and k not in lex.generic
    )
    orgs, products = [], []
    for cand in cands:
        key = core(cand.text, lex)
        if not key or key in lex.generic:
            continue
        if cand.label.startswith("OWNED:"):
            products.append(cand)
        elif key in chosen:
            orgs.append(cand)
        elif _product_outweighs_person(kinds[key], table):
            products.append(cand)
    return orgs, products, Decision(kinds, scores, chosen)


def _product_outweighs_person(found: Counter[str], table: Weights) -> bool:
    """The name has product evidence, at least as strong as any that it names a person."""
    product = table.score({k: found[k] for k in PRODUCT})
    person = table.score({k: found[k] for k in PERSON})
    return product < 0 and product <= person


def _name_kinds(cands: Sequence[Candidate], doc: Doc, lex: Lexicon) -> dict[str, Counter[str]]:
    """Per name, how often each kind of evidence was seen, the document's kinds included."""
    kinds: dict[str, Counter[str]] = defaultdict(Counter)
    uses: dict[str, Counter[bool]] = defaultdict(Counter)
    for cand in cands:
        key = core(cand.text, lex)
        if cand.label.startswith(("ALIAS_OF:", "OWNED:")):
            owner = cand.label.split(":", 1)[1]
            if cand.label.startswith("ALIAS_OF:") and _code_like(cand.text):
                kinds[owner]["ticker"] += 1  # "Acme Foods (ACF)": a listed company's ticker
            continue
        kinds[key].update(cand.evidence - {MODIFIER})
        uses[key][MODIFIER in cand.evidence] += 1
    for key, used in uses.items():
        # "the Quillby plan": a name only ever used to modify a noun says little of itself,
        # which counts against it only when its own words say nothing either
        if used[True] and not used[False] and not any(kinds[key][k] for k in STRONG):
            kinds[key]["modifier_only"] += 1
    for found in kinds.values():
        # The model's votes compete: another label counts by as much as it outnumbers
        # ORG, so a name it calls ORG once, a place once and a person once is no place.
        for kind in _OTHER_LABEL_KINDS:
            found[kind] = max(found[kind] - found["model_org"], 0)
        if not found["model_org"]:
            found["deal_target"] = 0
    strong = {key for key, found in kinds.items() if any(found[k] for k in STRONG)}
    people = person_words(doc)
    places = _place_acronyms(doc)
    listed = _listed_with_places(doc, lex)
    brands = brand_names(cands, doc_text(doc), strong, lex)
    first_seen: dict[str, int] = {}
    for cand in cands:
        first_seen.setdefault(core(cand.text, lex), cand.start)
    longer_names = _LongerNames(strong, first_seen)
    for cand in cands:
        key = core(cand.text, lex)
        if cand.label.startswith(("ALIAS_OF:", "OWNED:")) or not key:
            continue
        found = kinds[key]
        if longer_names.short_form_of_one(key, cand.start):
            found["short_form_of_strong"] = 1
        if _person_like(cand.text, people):
            found["person_like"] = 1
    initials_of = {
        letters
        for cand in cands
        if not cand.label.startswith(("ALIAS_OF:", "OWNED:"))
        and cand.label not in PLACE_LABELS
        and " " in cand.text
        for letters in all_initials(cand.text, lex)
    }
    for key, found in kinds.items():
        if key in listed:
            found["listed_with_places"] = 1
        if key in places:
            found["place_acronym"] = 1
        if key in brands:
            found["brand"] = 1
        if shapes().acronym_core.fullmatch(key) and all(
            c.text.isupper() for c in cands if core(c.text, lex) == key
        ):
            if key in initials_of:
                found["initials"] = 1  # "NTC" after "Norvik Trading Co."
            elif len(key) <= 4:
                found["short_acronym"] = 1
    return kinds


_OTHER_LABEL_KINDS = ("model_person", "model_person_name", "model_place", "model_product")


def _person_words(doc: Doc, scores: dict[str, int], threshold: int, lex: Lexicon) -> set[str]:
    """First and last words of the multi-word PERSON entities that are no organisation."""
    words: set[str] = set()
    for ent in doc.ents:
        if (
            ent.label_ == "PERSON"
            and len(ent) > 1
            and scores.get(core(ent.text, lex), 0) < threshold
        ):
            words.update((ent[0].lower_, ent[-1].lower_))
    return words


def _code_like(alias: str) -> bool:
    """An acronym, ticker or short code ("ACF", "ACF.O", "b2x"), not a short name."""
    return bool(shapes().acronym.fullmatch(alias) or shapes().code.fullmatch(alias))


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
        match = shapes().ticker.match(text, ent.end_char)
        capitalised = " ".join(word for word in ent.text.split() if word[:1].isupper())
        if match and initials(capitalised) == match.group(1).upper():
            found.update((core(match.group(1)), core(ent.text)))
    return found


def brand_names(
    cands: Sequence[Candidate], text: str, companies: set[str], lex: Lexicon
) -> set[str]:
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
        cue = re.escape(surface) + shapes().brand_after.pattern
        if re.search(r"(?<![\w-])" + cue, text):
            brands.add(key)
    return brands


class _LongerNames:
    """The strong names of a document indexed by the shorter forms a later mention may
    take: their first or last words, and all their words but the last (for clipped last
    words), so each mention looks up its own words instead of scanning every name."""

    def __init__(self, strong: set[str], first_seen: dict[str, int]) -> None:
        self._first_seen = first_seen
        self._all = {name for name in strong if name.split()}  # what a wordless key is of
        self._by_words: dict[tuple[str, ...], set[str]] = {}
        self._by_stem: dict[tuple[str, ...], list[str]] = {}
        for name in sorted(strong):
            words = tuple(name.split())
            for n in range(1, len(words)):
                self._by_words.setdefault(words[:n], set()).add(name)
                self._by_words.setdefault(words[-n:], set()).add(name)
            if len(words) > 1:
                self._by_stem.setdefault(words[:-1], []).append(name)

    def short_form_of_one(self, key: str, start: int) -> bool:
        """ "Borealis" after "Borealis Therapeutics Inc.": first/last words of exactly one
        earlier name, or that name with its last word clipped ("Borealis Tech" after
        "Borealis Technologies")."""
        words = tuple(key.split())
        longer = set(self._by_words.get(words, ()) if words else self._all)
        if len(words) > 1:
            longer.update(n for n in self._by_stem.get(words[:-1], ()) if clips(key, n))
        earlier = [n for n in longer if self._first_seen.get(n, start) < start]
        return len(earlier) == 1


def _person_like(text: str, person_words: set[str]) -> bool:
    """ "Dr Doe" after "Jane Doe": a multi-word name ending in a person's name word."""
    words = text.split()
    return len(words) > 1 and words[-1].lower() in person_words and words[0].isupper()


def split_products(
    orgs: list[Candidate], decision: Decision, lex: Lexicon
) -> tuple[list[Candidate], list[Candidate]]:
    """ "Acme Widget" (Acme an organisation, Widget no unit head) → product of Acme.

    Only a name the text brings in after naming the organisation is split, and only
    without strong evidence of its own: "Acme Display" first and "Acme" later is the
    company and its short name, "Acme Holdings" an organisation of its own.
    """
    first_seen: dict[str, int] = {}
    for cand in orgs:
        first_seen.setdefault(core(cand.text, lex), cand.start)
    known = {core(c.text, lex) for c in orgs if not c.label.startswith("ALIAS_OF")}
    kept: list[Candidate] = []
    products: list[Candidate] = []
    for cand in orgs:
        head, rest = _known_prefix(cand.text, known, lex)
        key = core(cand.text, lex)
        if (
            head is None
            or not rest.strip()
            or cand.label.startswith("ALIAS_OF")
            or decision.strong(key)
            or first_seen[key] < first_seen.get(core(head, lex), first_seen[key])
        ):
            kept.append(cand)
            continue
        last = rest.split()[-1].lower()
        capitalised = all(word[:1].isupper() or word[:1].isdigit() for word in rest.split())
        if last in lex.unit_heads or last in lex.descriptors or not capitalised:
            kept.append(cand)
            continue
        kept.append(replace(cand, end=cand.start + len(head), text=head))
        offset = cand.start + cand.text.index(rest, len(head))
        if rest.lower() not in lex.generic:
            products.append(Candidate(offset, offset + len(rest), rest, "OWNED:" + core(head, lex)))
    return kept, products


def _known_prefix(text: str, known: set[str], lex: Lexicon) -> tuple[str | None, str]:
    """The longest leading words of *text* that are a known organisation, and the rest."""
    words = text.split(" ")
    for size in range(len(words) - 1, 0, -1):
        head = " ".join(words[:size])
        if core(head, lex) in known:
            return head, " ".join(words[size:])
    return None, ""
