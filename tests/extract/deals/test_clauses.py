"""Clauses from general mechanisms (kg.extract.deals.clauses): percentages however spelled,
terms from the duration parser, territories only as the scope of a right, cue words that
need a second cue, several clauses of one type, clauses about someone else left out.

Every sentence is invented for these tests; the companies do not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from kg.models import Clause, Extraction

Extract = Callable[..., Extraction]  # the `extract` fixture of conftest.py


def _clauses(extract: Extract, text: str) -> list[Clause]:
    return [c for a in extract(text).agreements for c in a.clauses]


def _of_type(extract: Extract, text: str, kind: str) -> list[Clause]:
    return [c for c in _clauses(extract, text) if c.type == kind]


# G11: "per cent" and "percent" work wherever "%" does.
PERCENT_SPELLINGS = [
    ("Norvik Capital Ltd. will buy a 35 per cent stake in Lumio Robotics Inc.", [35]),
    (
        "Halvorsen Foods Inc. acquired a 12 percent interest in Dunmore Dairy Ltd. for $9 million.",
        [12],
    ),
    ("Brava Metals Corp. agreed to take a 40 pct stake in Ostrava Mining Ltd.", [40]),
    (
        "Corvane Motors Ltd. and Tessaly Energy Inc. formed a joint venture; Corvane will hold "
        "60 per cent of the venture.",
        [60],
    ),
]


@pytest.mark.parametrize(
    ("text", "values"), PERCENT_SPELLINGS, ids=["per-cent", "percent", "pct", "hold-per-cent"]
)
def test_percent_in_words_is_a_stake(extract: Extract, text: str, values: list[int]) -> None:
    stakes = _of_type(extract, text, "equity_stake")
    assert sorted(c.value for c in stakes if c.value is not None) == [Decimal(v) for v in values]


# G15 (term): a stated duration next to a deal noun or a last/run/span/extend verb is a term.
TERMS = [
    (
        "Kessel Rail Ltd. signed a maintenance contract with Pexa Transit Corp. The contract "
        "should last at least 12 years.",
        12,
    ),
    ("Fenmore Power Inc. agreed a 15-year purchase commitment with Northfield Wind Ltd.", 15),
    (
        "Quillby Foods Ltd. will supply Marlowe Retail Inc. under an agreement that spans eight "
        "years.",
        8,
    ),
    (
        "Ostrava Ports Corp. has been awarded the construction and 25-year operation of a toll "
        "road concession by Brava Infrastructure Ltd.",
        25,
    ),
    (
        "Lumio Media Inc. licensed its catalogue to Velta Streaming Ltd. for a period of four "
        "years.",
        4,
    ),
]


@pytest.mark.parametrize(
    ("text", "years"),
    TERMS,
    ids=["last-at-least", "n-year-commitment", "spans", "n-year-operation", "period-of"],
)
def test_durations_of_a_deal_are_terms(extract: Extract, text: str, years: int) -> None:
    terms = _of_type(extract, text, "term")
    assert [c.years for c in terms] == [Decimal(years)]


NOT_TERMS = [
    "Velta Air Ltd. signed a supply contract with Corvex Aero Inc. for 40 jets; the "
    "deliveries will be spread over the next five years.",
    "Dunmore Telecom Ltd. extended its network sharing deal with Kessel Mobile Inc., which "
    "should save it $300 million over the next ten years.",
    "Halvorsen Labs Inc. and Pellucid Bio Ltd. extend their multi-year research partnership.",
]


@pytest.mark.parametrize("text", NOT_TERMS, ids=["delivery-schedule", "savings", "no-number"])
def test_other_durations_are_no_terms(extract: Extract, text: str) -> None:
    assert _of_type(extract, text, "term") == []


# G15 (until): an end date the agreement runs to is a term with that date.
UNTIL = [
    (
        "Marlowe Health Inc. reached a new contract with Dunmore Insurance Corp. The contract "
        "lasts through April 2027.",
        "2027-04",
    ),
    (
        "Quarrytech Inc. and Lumora Systems Ltd. signed a supply agreement that runs until the "
        "end of 2029.",
        "2029",
    ),
    ("Velta Media Ltd. renewed its licence with Ormond Studios Inc. until 2031.", "2031"),
]


@pytest.mark.parametrize(
    ("text", "until"), UNTIL, ids=["lasts-through", "runs-until-end", "renewed-until"]
)
def test_end_dates_of_a_deal_are_terms(extract: Extract, text: str, until: str) -> None:
    dated = [
        c
        for c in _clauses(extract, text)
        if c.until is not None and c.type in {"term", "license_grant"}
    ]
    assert dated and dated[0].until is not None and dated[0].until.iso.startswith(until)


# G12: a territory is the scope of a right, licence, exclusivity, distribution or supply
# area, never the place of a plant, a project, a signing or a dateline.
TERRITORIES = [
    "Pellucid Therapeutics Inc. granted Ostrava Labs Ltd. exclusive rights to the drug in Japan.",
    "Quillby Foods Ltd. will distribute Marlowe Dairy Inc. yoghurts across Scandinavia under "
    "the agreement.",
    "Kessel Mobile Inc. and Dunmore Telecom Ltd. signed a network sharing agreement in Portugal.",
    "Brava Pharma Ltd. licensed the vaccine to Corvex Health Inc. for all markets outside China.",
]


@pytest.mark.parametrize(
    "text", TERRITORIES, ids=["rights-in", "distribute-across", "sharing-in", "outside"]
)
def test_the_scope_of_a_right_is_a_territory(extract: Extract, text: str) -> None:
    assert _of_type(extract, text, "territory")


NOT_TERRITORIES = [
    "Corvane Chemicals Inc. and Tessaly Gas Ltd. formed a joint venture to build a plant in Ohio.",
    "Velta Wind Ltd. will supply turbines to the Ormond wind farm in Northshire under a deal "
    "with Ormond Energy Corp.",
    "LISBON - Fenmore Foods Inc. agreed to buy Lumio Snacks Ltd. for $40 million.",
    "Halvorsen Capital LLC invested $20 million in Pexa Robotics Inc., whose engineers work "
    "in Berlin.",
]


@pytest.mark.parametrize("text", NOT_TERRITORIES, ids=["plant", "farm", "dateline", "office"])
def test_places_that_are_no_scope_are_no_territories(extract: Extract, text: str) -> None:
    assert _of_type(extract, text, "territory") == []


# G13: a single cue word in another sense is no clause: it needs a second cue.
CUES_IN_ANOTHER_SENSE = [
    (
        "Ormond Ltd. described its partnership with Velta Corp. as a milestone for the region.",
        "milestone_payment",
    ),
    ("Exclusive: Velta Mining Corp. agreed to buy Ormond Mining Ltd.", "exclusivity"),
    (
        "Halvorsen Health Inc. bought Pexa Clinics Ltd., which runs 300 licensed beds.",
        "license_grant",
    ),
    (
        "Corvex Energy Ltd. agreed to sole fund the exploration costs of its venture with Brava Oil Inc.",
        "exclusivity",
    ),
    (
        "Quarrytech Inc. signed a partnership with Lumora Systems Ltd. and plans to invest in new "
        "research tools.",
        "investment",
    ),
    (
        "Tessaly Cloud Inc. signed a partnership with Drave AI Ltd. that lets Drave build its own "
        "infrastructure.",
        "purchase_commitment",
    ),
]


@pytest.mark.parametrize(("text", "kind"), CUES_IN_ANOTHER_SENSE, ids=[
    "milestone-for-region", "exclusive-label", "licensed-beds", "sole-fund", "invest-in-tools",
    "own-infrastructure"])  # fmt: skip
def test_a_cue_in_another_sense_is_no_clause(extract: Extract, text: str, kind: str) -> None:
    assert _of_type(extract, text, kind) == []


CUES_WITH_A_SECOND_CUE = [
    (
        "Brava Bio Ltd. licensed its antibody to Corvex Pharma Inc. and will receive milestone "
        "payments of up to $50 million.",
        "milestone_payment",
    ),
    ("Velta Cloud Inc. will be the exclusive cloud provider of Ormond Games Ltd.", "exclusivity"),
    ("Lumio Labs Inc. licensed its patents to Fenmore Devices Ltd.", "license_grant"),
    (
        "Northfield Motors Ltd. signed a supply deal with Kessel Chips Inc. and will be its sole "
        "supplier of sensors.",
        "exclusivity",
    ),
]


@pytest.mark.parametrize(("text", "kind"), CUES_WITH_A_SECOND_CUE, ids=[
    "milestone-payments", "exclusive-provider", "licensed-patents", "sole-supplier"])  # fmt: skip
def test_a_cue_with_its_second_cue_is_a_clause(extract: Extract, text: str, kind: str) -> None:
    assert _of_type(extract, text, kind)


# G15 (other phrasings): earn-outs, a right to match, rights acquired, a required purchase.
PHRASINGS = [
    (
        "Marlowe Brands Inc. will buy Quillby Cosmetics Ltd. for $300 million plus an earn-out "
        "of up to $100 million.",
        "milestone_payment",
    ),
    (
        "Dunmore Mining Ltd. agreed to sell its stake to Halvorsen Metals Inc.; its partners have "
        "the right to match the offer.",
        "right_of_first_refusal",
    ),
    (
        "Pellucid Genetics Inc. has acquired all commercial rights to the seed traits from Velta "
        "Agro Ltd.",
        "license_grant",
    ),
    (
        "Under the agreement with Kessel Cloud Inc., Ostrava Apps Ltd. is required to purchase at "
        "least $50 million of cloud services each year.",
        "purchase_commitment",
    ),
]


@pytest.mark.parametrize(
    ("text", "kind"),
    PHRASINGS,
    ids=["earn-out", "right-to-match", "acquired-rights", "required-to-purchase"],
)
def test_more_phrasings_of_clauses(extract: Extract, text: str, kind: str) -> None:
    assert _of_type(extract, text, kind)


# G16: several clauses of one type in a sentence, each its own.
SEVERAL = [
    (
        "Halvorsen Ltd. and Pexa Inc. each hold a 30% stake in the venture they formed with "
        "Corvex Corp.",
        "equity_stake",
        [30, 30],
    ),
    (
        "Brightwater Capital LLC agreed to buy 14% of Lumio Robotics Inc. now, and another 6% "
        "next year.",
        "equity_stake",
        [6, 14],
    ),
    (
        "Northfield Ventures LLC will invest $10 million in Fenmore Labs Inc. now and another $15 "
        "million in funding next year.",
        "investment",
        [10000000, 15000000],
    ),
]


@pytest.mark.parametrize(
    ("text", "kind", "values"), SEVERAL, ids=["each-hold", "and-another", "two-amounts"]
)
def test_several_clauses_of_one_type(
    extract: Extract, text: str, kind: str, values: list[int]
) -> None:
    found = _of_type(extract, text, kind)
    numbers = sorted(
        (c.amount.value if c.amount is not None else c.value) for c in found if c.amount or c.value
    )
    assert numbers == [Decimal(v) for v in values]


# G14: a clause about someone else, in a sentence near the deal, is not the deal's.
SOMEONE_ELSE = [
    (
        "Velta Oil Corp. agreed to buy a 20% stake in the field from Ormond Energy Ltd. Kessel "
        "Petroleum Inc. operates the field and holds a 30% interest.",
        [20],
    ),
    (
        "Lumio Robotics Inc. will buy Quillby Motion Ltd. Current Lumio stockholders are "
        "expected to own about 80% of the combined company.",
        [],
    ),
    (
        "Dunmore Power Ltd. signed a supply deal with Fenmore Grid Inc. Dunmore Power is the "
        "majority owner of the plant.",
        [],
    ),
]


@pytest.mark.parametrize(
    ("text", "values"), SOMEONE_ELSE, ids=["other-holder", "stockholders", "owner-of-plant"]
)
def test_stakes_of_someone_else_are_not_the_deals(
    extract: Extract, text: str, values: list[int]
) -> None:
    stakes = _of_type(extract, text, "equity_stake")
    assert sorted(c.value for c in stakes if c.value is not None) == [Decimal(v) for v in values]
    assert all(c.value is not None for c in stakes)
