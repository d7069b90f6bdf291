"""The amounts of a deal (kg.extract.deals.money and kg.extract.amounts): currency forms,
figures that are no money or no deal's, equal amounts kept, follow-up amounts.

Every sentence is invented for these tests; the companies do not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from kg.extract.amounts import find_amounts
from kg.models import Extraction

Extract = Callable[..., Extraction]  # the `extract` fixture of conftest.py


def _amounts(extract: Extract, text: str) -> list[tuple[Decimal | None, str]]:
    extraction = extract(text)
    return sorted(
        ((m.value, m.currency) for a in extraction.agreements for m in a.amounts),
        key=lambda pair: (pair[1], pair[0] or 0),
    )


# G18: currency forms.
CURRENCIES = [
    ("The deal is worth $US40 million.", Decimal(40_000_000), "USD"),
    ("It paid RM 120 million for the plant.", Decimal(120_000_000), "MYR"),
    ("The contract is worth 1.5 trillion-won.", Decimal(1_500_000_000_000), "KRW"),
    ("It will invest Rs. 2,500 crore in the venture.", Decimal(25_000_000_000), "INR"),
]


@pytest.mark.parametrize(
    ("text", "value", "currency"), CURRENCIES, ids=["$US", "RM", "trillion-won", "Rs-dot"]
)
def test_currency_forms(text: str, value: Decimal, currency: str) -> None:
    found = find_amounts(text)
    assert [(m.value, m.currency) for m in found] == [(value, currency)]


# G18: figures that are no money.
NOT_MONEY = [
    "The mine will produce 12 million pounds of nickel a year.",
    "The payments app handled 150 million transactions in 2016.",
    "Its 2016 and 2017 results were strong.",
    "The network serves 40 million customers.",
]


@pytest.mark.parametrize("text", NOT_MONEY, ids=["pounds-of", "transactions", "years", "customers"])
def test_counts_and_weights_are_no_money(text: str) -> None:
    assert find_amounts(text) == []


def test_a_per_share_price_after_a_conversion_is_a_unit_price() -> None:
    found = find_amounts("Kessel will pay about $3.40 (€3.10) per share in cash.")
    assert [m.per_share for m in found] == [True, True]


# G18, G14: figures near a deal that are not its amounts, and the ones that are.
DEAL_AMOUNTS = [
    (
        "Velta Capital LLC agreed to buy a stake in Ormond Robotics Inc.; the round valued "
        "Ormond Robotics at $900 million.",
        [],
    ),
    (
        "Kessel Ports Corp. agreed to buy Brava Terminals Ltd. at an enterprise value of "
        "$640 million.",
        [(Decimal(640_000_000), "USD")],
    ),
    (
        "Norvik Holdings Ltd. holds a $5 billion stake in Pexa Energy Inc., which it took in "
        "a deal with Pexa Energy Inc. in 2019.",
        [],
    ),
    (
        "Lumio Robotics Inc. will buy Quillby Motion Ltd. for $80 million. Quillby Motion Ltd. "
        "raised about $30 million from venture funds last year.",
        [(Decimal(80_000_000), "USD")],
    ),
    (
        "Corvex Mining Ltd. sold its zinc unit to Brava Metals Inc. for $40 million, after it "
        "announced plans to sell at least $500 million of assets.",
        [(Decimal(40_000_000), "USD")],
    ),
]


# a level the business is to reach ("help A reach a combined payments volume of $X") is
# a size, not a price; a deal that "could reach $X" is still the deal's value
TARGET_LEVELS = [
    (
        "Velta Pay Ltd. bought Ormond Cards Inc. for $90 million. The purchase of Ormond Cards "
        "Inc. will help Velta Pay Ltd. reach a combined payment volume of $6 billion in 2026.",
        [(Decimal(90_000_000), "USD")],
    ),
    (
        "Kessel Foods Corp. agreed to acquire Marlowe Snacks Ltd. for €200 million; the "
        "acquisition lets Kessel Foods Corp. hit annual sales of €1.5 billion.",
        [(Decimal(200_000_000), "EUR")],
    ),
    (
        "Brava Air Ltd. will buy Pexa Jets Inc. for £75 million, and the deal should help "
        "Brava Air Ltd. achieve bookings of £900 million next year.",
        [(Decimal(75_000_000), "GBP")],
    ),
    (
        "Lumio Bio Inc. licensed its antibody to Corvex Pharma Ltd. in a deal that could reach "
        "$400 million.",
        [(Decimal(400_000_000), "USD")],
    ),
]


@pytest.mark.parametrize("text,expected", TARGET_LEVELS, ids=[
    "payment-volume", "annual-sales", "bookings", "could-reach"])  # fmt: skip
def test_a_level_to_reach_is_no_deal_amount(
    extract: Extract, text: str, expected: list[tuple[Decimal, str]]
) -> None:
    assert _amounts(extract, text) == expected


@pytest.mark.parametrize("text,expected", DEAL_AMOUNTS, ids=[
    "valuation", "enterprise-value", "stake-worth", "funds-raised", "asset-sale-plan"])  # fmt: skip
def test_which_figures_are_the_deals(
    extract: Extract, text: str, expected: list[tuple[Decimal, str]]
) -> None:
    assert _amounts(extract, text) == expected


# G16: equal amounts from different mentions are all kept.
EQUAL_AMOUNTS = [
    (
        "Halvorsen Pharma Inc. licensed the antibody to Brightwater Bio Ltd. for $12 million "
        "upfront and another $12 million on approval.",
        2,
    ),
    (
        "Dunmore Foods Ltd. and Marlowe Dairy Inc. will each invest $50 million in their joint "
        "venture, $50 million from Dunmore and $50 million from Marlowe.",
        2,
    ),
    (
        "Ostrava Air Corp. will pay Velta Jets Ltd. $5 million on signing and $5 million on "
        "delivery under the supply contract.",
        2,
    ),
]


@pytest.mark.parametrize(
    ("text", "count"),
    EQUAL_AMOUNTS,
    ids=["upfront-and-another", "each-partner", "signing-and-delivery"],
)
def test_equal_amounts_of_different_mentions_are_kept(
    extract: Extract, text: str, count: int
) -> None:
    amounts = _amounts(extract, text)
    assert len(amounts) >= count
    assert len({a for a in amounts}) == 1


# G19: an amount stated after the deal attaches to the deal it is about.
FOLLOW_UPS = [
    (
        "Norvik Capital LLC invested $20 million in Lumio Robotics Inc. in March. It comes on "
        "top of a $6 million top-up agreed in the spring.",
        {(Decimal(20_000_000), "USD"), (Decimal(6_000_000), "USD")},
    ),
    (
        "Fenmore Energy Ltd. agreed to buy Ostrava Solar Inc. The purchase price is $310 "
        "million in cash.",
        {(Decimal(310_000_000), "USD")},
    ),
    (
        "Velta Media Ltd. signed a licence with Ormond Studios Inc. Velta Media will pay $15 "
        "million a year for the rights.",
        {(Decimal(15_000_000), "USD")},
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), FOLLOW_UPS, ids=["on-top-of", "purchase-price", "pay-for-rights"]
)
def test_follow_up_amounts_belong_to_the_deal(
    extract: Extract, text: str, expected: set[tuple[Decimal, str]]
) -> None:
    assert set(_amounts(extract, text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Kessel Defence Ltd. signed a contract with Pexa Aero Corp. worth Rs. 2,500 crore.",
        "Velta Rail Ltd. won a deal from Ormond Transit Corp. valued at Rs. 2,500 crore in all.",
        "Brava Power Ltd. will supply Dunmore Grid Corp. under a contract of Rs. 2,500 crore.",
    ],
    ids=["worth", "valued-at", "contract-of"],
)
def test_a_currency_written_with_a_stop_does_not_end_the_sentence(
    extract: Extract, text: str
) -> None:
    assert (Decimal(25_000_000_000), "INR") in _amounts(extract, text)
