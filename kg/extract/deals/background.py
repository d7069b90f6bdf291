"""Agreements mentioned in passing ("the existing partnership", "the previous amendment")."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span as SpacySpan

from kg.extract.dates import DateMatch
from kg.extract.deals.dating import mention_date
from kg.extract.deals.grouping import Draft
from kg.extract.deals.kinds import TYPE_PRIORITY, agreement_name
from kg.extract.deals.matching import evidence_span
from kg.models import Agreement, DateValue, Document
from kg.rdf.iris import slugify


def about_an_earlier_deal(sentence: SpacySpan, past: list[tuple[str, int, int]]) -> bool:
    """ "The original licence, signed in 2020, was due to expire in 2026": a sentence whose
    subject is an earlier agreement states that agreement's terms, not the new one's."""
    return any(start - sentence.start <= 2 for _, start, _ in past)


@dataclass
class Background:
    """An agreement mentioned in passing: "the existing partnership", "the previous amendment"."""

    sentence: SpacySpan
    parties: list[str]
    types: tuple[str, ...]
    form: str | None
    date: DateMatch | None


def background_mentions(
    sentence: SpacySpan,
    parties: list[str],
    mentions: list[tuple[str, int, int]],
    matches: list[tuple[str, int, int]],
    dates: list[DateMatch],
) -> list[Background]:
    found: list[Background] = []
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
        # its own kind or none ("their earlier contract": other), and its own date or none
        date = mention_date(sentence, start, end, dates) if label == "past" else None
        found.append(Background(sentence, list(parties), types or ("other",), form, date))
    return found


def _longest(mentions: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Drop matches nested inside longer ones (the Matcher returns every length)."""
    kept: list[tuple[str, int, int]] = []
    for mention in sorted(mentions, key=lambda m: (m[1], -(m[2] - m[1]))):
        if kept and mention[1] < kept[-1][2]:
            continue
        kept.append(mention)
    return kept


def background_agreements(
    mentions: list[Background], drafts: list[Draft], document: Document, offset: int
) -> list[Agreement]:
    agreements: list[Agreement] = []
    seen: set[tuple[tuple[str, ...], str, str | None]] = set()
    with_parties = [(m, _background_parties(m, drafts)) for m in mentions]
    # "the original agreement signed in 2006 … the previous arrangement": an undated
    # mention of the same kind between the same parties is the dated one again
    dated = {(tuple(sorted(p)), m.types[0]) for m, p in with_parties if m.date}
    for mention, parties in with_parties:
        if len(parties) < 2:
            continue
        iso = mention.date.iso if mention.date else None
        key = (tuple(sorted(parties)), mention.types[0], iso)
        if key in seen or (iso is None and key[:2] in dated):
            continue
        untyped = mention.types[0] == "other" and mention.form is None
        if iso is None and untyped and any(k[0] == key[0] for k in seen):
            continue  # "the previous arrangement" after "their first agreement, signed in 2009"
        seen.add(key)
        index = offset + len(agreements)
        evidence = evidence_span(document, mention.sentence.start_char, mention.sentence.end_char)
        dates = (
            (DateValue(mention.date.iso, mention.date.precision, role="signed"),)
            if mention.date
            else ()
        )
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
                name=agreement_name(mention.types, mention.form, tuple(parties)),
            )
        )
    return agreements


def _background_parties(mention: Background, drafts: list[Draft]) -> list[str]:
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


def _nearest_parties(mention: Background, drafts: list[Draft]) -> list[str]:
    before = [
        d for d in drafts if d.frames and d.frames[0].sentence.start <= mention.sentence.start
    ]
    chosen = before[-1] if before else (drafts[0] if drafts else None)
    return list(chosen.parties[:2]) if chosen else []
