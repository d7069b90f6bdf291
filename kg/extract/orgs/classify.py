"""Which candidates are organisations and which products, by document-wide votes."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence

from spacy.tokens import Doc

from kg.extract.nlp import doc_text
from kg.extract.orgs.findings import Candidate
from kg.extract.orgs.lexicon import Lexicon
from kg.extract.orgs.names import core, initials
from kg.extract.orgs.recognise import TICKER, person_words


def classify(
    cands: Sequence[Candidate], doc: Doc, lex: Lexicon
) -> tuple[list[Candidate], list[Candidate]]:
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
    people = person_words(doc)
    used_as = _uses(cands, lex)
    places = _place_acronyms(doc)
    listed_places = _listed_with_places(doc, lex)
    brands = brand_names(cands, doc_text(doc), strong | role, lex)
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
        if _person_like(cand.text, people) and key not in strong:
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
        elif counts["ORG"] and not (key in people and counts["ORG"] < counts["PERSON"]):
            orgs.append(cand)
        elif counts["PRODUCT"] + counts["WORK_OF_ART"] and not counts["PERSON"]:
            products.append(cand)
    return orgs, products


def _uses(cands: Sequence[Candidate], lex: Lexicon) -> dict[str, set[str]]:
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
        match = TICKER.match(text, ent.end_char)
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


def split_products(orgs: list[Candidate], lex: Lexicon) -> tuple[list[Candidate], list[Candidate]]:
    """ "Acme Widget" (Acme an organisation, Widget no unit head) → product of Acme."""
    known = {core(c.text, lex) for c in orgs if not c.label.startswith("ALIAS_OF")}
    kept: list[Candidate] = []
    products: list[Candidate] = []
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
        kept.append(Candidate(cand.start, cand.start + len(head), head, cand.label, cand.strong))
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
