"""The clauses a sentence states (``patterns/clauses.jsonl``) and which of them fit the
agreement they are attached to."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from kg.extract.amounts import (
    AmountMatch,
)
from kg.extract.dates import DateMatch, find_durations
from kg.extract.deals.grouping import Draft
from kg.extract.deals.kinds import (
    CLAUSE_AMOUNT_KINDS,
    COMPUTE_WORDS,
    OWED_BY,
    PAYEE_ROLES,
    PAYER_ROLES,
)
from kg.extract.deals.matching import evidence_span
from kg.extract.deals.money import amount_record, pick_amount
from kg.extract.nlp import doc_text
from kg.models import Amount, Clause, DateValue, Document, Span
from kg.rdf.types import negatable_clauses, territory_cues

# Terms whose explicit absence is itself a term worth recording ("no board seat",
# "removes revenue sharing"); other negated cues ("is not investing") state nothing.
NEGATABLE = negatable_clauses()


# Clause cues that make "in <place>" a territory even outside the sentence naming the deal.
TERRITORY_CONTEXT = territory_cues()


NEGATION_BEFORE = re.compile(r"\b(no|not|without|never)\s+(\w+\s+){0,2}$", re.I)


REMOVAL_BEFORE = re.compile(
    r"\b(remov\w*|end\w*|eliminat\w*|scrap\w*|drop\w*)\s+(\w+\s+){0,3}$", re.I
)


def sentence_clauses(
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
    evidence = evidence_span(document, sentence.start_char, sentence.end_char)
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
        chosen = pick_amount(amounts, wanted, evidence.text, evidence.start)
        if chosen is not None:
            amount = amount_record(chosen, evidence, wanted)
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


def fits_agreement(
    clause: Clause, types: tuple[str, ...], frame_starts: set[int], draft: Draft
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


def same_clause(a: Clause, b: Clause) -> bool:
    if a.type != b.type:
        return False
    if a.value != b.value:
        return False
    a_amount = a.amount.value if a.amount else None
    b_amount = b.amount.value if b.amount else None
    return a_amount == b_amount or a_amount is None or b_amount is None


def with_obligors(clause: Clause, roles: tuple[tuple[str, str], ...]) -> Clause:
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
