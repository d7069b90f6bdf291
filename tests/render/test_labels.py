"""kg.render.labels: the short amounts and the 'kind · year · amount' labels."""

from __future__ import annotations

import pytest

from kg.render.labels import agreement_kind, headline_amount, short_amount


@pytest.mark.parametrize(
    ("value", "currency", "expected"),
    [
        (1e9, "USD", "$1B"),
        (2.5e8, "USD", "$250M"),
        (1.25e9, "EUR", "€1.2B"),  # one decimal: a label, not a ledger
        (3.5e6, "gbp", "£3.5M"),
        (20e6, "CHF", "CHF 20M"),
        (250e9, "USD", "$250B"),
        (1.5e12, "JPY", "¥1.5T"),
        (950.0, None, "950"),
        (4_500.0, "INR", "₹4.5K"),
    ],
)
def test_short_amount(value: float, currency: str | None, expected: str) -> None:
    assert short_amount(value, currency) == expected


def test_headline_is_the_largest_amount() -> None:
    money = [
        {"text": "$10 million", "value": 1e7, "currency": "USD", "kind": None},
        {"text": "$1 billion", "value": 1e9, "currency": "USD", "kind": "investment amount"},
        {"text": "undisclosed", "value": None, "currency": None, "kind": None},
    ]
    assert headline_amount(money) == "$1B"
    assert headline_amount([money[2]]) == "undisclosed"  # a text with no figure, as written
    assert headline_amount([]) is None


@pytest.mark.parametrize(
    ("types", "agreement_types", "expected"),
    [
        (["Agreement"], ["Investment", "Partnership"], "investment/partnership"),
        (["Agreement", "MemorandumOfUnderstanding"], [], "MOU"),
        (["Agreement", "Amendment"], [], "amendment"),
        (["Agreement"], [], "agreement"),
    ],
)
def test_agreement_kind(types: list[str], agreement_types: list[str], expected: str) -> None:
    assert agreement_kind({"types": types, "agreement_types": agreement_types}) == expected
