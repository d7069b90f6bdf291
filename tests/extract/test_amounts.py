"""Monetary amounts: one invented sentence per form, offsets checked against the quote."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from kg.errors import PatternError
from kg.extract.amounts import (
    RULES_PATH,
    AmountMatch,
    amount_kind,
    find_amounts,
    find_unquantified,
    load_amount_rules,
)
from kg.rdf.vocab import AMOUNT_KINDS, QUALIFIERS

# (sentence, quote, value, currency, qualifier)
SINGLE = [
    (
        "Acme Robotics will invest $1 billion in Borealis.",
        "$1 billion",
        "1000000000",
        "USD",
        "exact",
    ),
    ("Borealis raised $1B from Acme Robotics.", "$1B", "1000000000", "USD", "exact"),
    ("Acme agreed a $1bn deal with Borealis.", "$1bn", "1000000000", "USD", "exact"),
    ("Zenith Labs won a US$250,000 grant.", "US$250,000", "250000", "USD", "exact"),
    (
        "Quill AG paid USD 3.5 million for the licence.",
        "USD 3.5 million",
        "3500000",
        "USD",
        "exact",
    ),
    ("Vireo SE lined up €1.5bn in loans.", "€1.5bn", "1500000000", "EUR", "exact"),
    ("Harrow plc sold the unit for £300m.", "£300m", "300000000", "GBP", "exact"),
    (
        "Kaito Holdings will spend ¥10 trillion on fabs.",
        "¥10 trillion",
        "10000000000000",
        "JPY",
        "exact",
    ),
    (
        "Kaito Holdings will spend 10 trillion yen on fabs.",
        "10 trillion yen",
        "10000000000000",
        "JPY",
        "exact",
    ),
    ("The deal is worth $2.3 billion.", "$2.3 billion", "2300000000", "USD", "exact"),
    ("Borealis made a $250B commitment to Acme Cloud.", "$250B", "250000000000", "USD", "exact"),
    (
        "Borealis signed an incremental 250B services commitment.",
        "250B",
        "250000000000",
        "USD",
        "exact",
    ),
    (
        "Borealis may pay up to $517.5 million in milestones.",
        "$517.5 million",
        "517500000",
        "USD",
        "up_to",
    ),
    (
        "Acme will buy at least $400.0 million in each year.",
        "$400.0 million",
        "400000000",
        "USD",
        "at_least",
    ),
    ("Acme invested about $40 million.", "$40 million", "40000000", "USD", "approximately"),
    ("Acme invested approximately $40 million.", "$40 million", "40000000", "USD", "approximately"),
    ("Acme invested nearly $40 million.", "$40 million", "40000000", "USD", "approximately"),
    ("Acme invested roughly $40 million.", "$40 million", "40000000", "USD", "approximately"),
    ("Acme invested some $40 million.", "$40 million", "40000000", "USD", "approximately"),
    ("Acme invested more than $40 million.", "$40 million", "40000000", "USD", "at_least"),
    ("Acme struck a $5 billion-plus deal.", "$5 billion", "5000000000", "USD", "at_least"),
    ("Tavi Motors plans Rs 500 crore of capex.", "Rs 500 crore", "5000000000", "INR", "exact"),
    ("Lumen GmbH raised 10 million euros.", "10 million euros", "10000000", "EUR", "exact"),
    ("Alpenrot AG raised CHF 2 billion.", "CHF 2 billion", "2000000000", "CHF", "exact"),
    ("Maple Grid raised C$80 million.", "C$80 million", "80000000", "CAD", "exact"),
    ("Outback Mining raised A$80 million.", "A$80 million", "80000000", "AUD", "exact"),
    ("Harbour Link raised HK$80 million.", "HK$80 million", "80000000", "HKD", "exact"),
    ("Merlion Pay raised S$80 million.", "S$80 million", "80000000", "SGD", "exact"),
    ("Ipê Bank raised R$80 million.", "R$80 million", "80000000", "BRL", "exact"),
    ("Hanbit Chem paid 3 billion won.", "3 billion won", "3000000000", "KRW", "exact"),
]


def _one(sentence: str, base: int = 0) -> AmountMatch:
    matches = find_amounts(sentence, base=base)
    assert len(matches) == 1, matches
    return matches[0]


@pytest.mark.parametrize(
    ("sentence", "quote", "value", "currency", "qualifier"),
    SINGLE,
    ids=[row[1] + "|" + row[4] for row in SINGLE],
)
def test_single_amounts(
    sentence: str, quote: str, value: str, currency: str, qualifier: str
) -> None:
    base = 1000
    match = _one(sentence, base=base)
    assert match.text == quote
    assert sentence[match.start - base : match.end - base] == quote
    assert match.value == Decimal(value)
    assert match.currency == currency
    assert match.qualifier == qualifier
    assert not match.is_range and match.upper is None
    assert match.qualifier in QUALIFIERS


RANGES = [
    ("Acme will invest $1 billion to $2 billion.", "$1 billion to $2 billion", "1e9", "2e9"),
    ("Acme will invest $1-2 billion.", "$1-2 billion", "1e9", "2e9"),
    ("Acme will invest $500 million to $1 billion.", "$500 million to $1 billion", "5e8", "1e9"),
    (
        "Acme will invest between $1 billion and $2 billion.",
        "$1 billion and $2 billion",
        "1e9",
        "2e9",
    ),
    ("Lumen will raise 10 to 20 million euros.", "10 to 20 million euros", "1e7", "2e7"),
]


@pytest.mark.parametrize(("sentence", "quote", "low", "high"), RANGES, ids=[r[1] for r in RANGES])
def test_ranges(sentence: str, quote: str, low: str, high: str) -> None:
    match = _one(sentence)
    assert match.text == quote == sentence[match.start : match.end]
    assert match.is_range
    assert match.value == Decimal(low)
    assert match.upper == Decimal(high)


def test_and_without_between_gives_two_amounts() -> None:
    matches = find_amounts("Acme paid $5 million and $10 million in two tranches.")
    assert [(m.text, m.value, m.is_range) for m in matches] == [
        ("$5 million", Decimal(5_000_000), False),
        ("$10 million", Decimal(10_000_000), False),
    ]


def test_scaled_amount_then_count_is_not_a_range() -> None:
    match = _one("Acme paid $5 million to 10 employees.")
    assert (match.text, match.is_range) == ("$5 million", False)


def test_reported_amount_stays_exact_and_is_flagged() -> None:
    match = _one("Borealis bought Zenith Labs for a reported $700 million.")
    assert (match.qualifier, match.reported, match.value) == ("exact", True, Decimal(700_000_000))


def test_prices_coordinated_with_a_unit_price_are_unit_prices() -> None:
    found = find_amounts("It pays investors $1.10 or $1.50 per dollar invested.")
    assert [(m.text, m.per_share) for m in found] == [("$1.10", True), ("$1.50", True)]


def test_per_share_price() -> None:
    match = _one("Acme offered $24.50 per share in cash for Borealis.")
    assert (match.text, match.value, match.per_share) == ("$24.50", Decimal("24.50"), True)
    assert not _one("Acme offered $24.50 in cash.").per_share


@pytest.mark.parametrize(
    ("sentence", "percent"),
    [
        ("Acme's holding is worth $135 billion (27% stake) after the deal.", "27"),
        ("Acme paid $2 billion for a 15% stake in Borealis.", "15"),
        ("Acme holds a 12.5% stake valued at $9 billion.", "12.5"),
        ("Acme paid $2 billion for the unit.", None),
    ],
    ids=["parenthesis", "for-a-stake", "stake-valued-at", "none"],
)
def test_percent_context(sentence: str, percent: str | None) -> None:
    expected = Decimal(percent) if percent is not None else None
    assert _one(sentence).percent_context == expected


def test_bare_amount_takes_currency_of_nearest_stated_amount() -> None:
    matches = find_amounts("Vireo SE invested €2 billion, part of a 5 billion funding plan.")
    assert [(m.text, m.currency, m.currency_inferred) for m in matches] == [
        ("€2 billion", "EUR", False),
        ("5 billion", "EUR", False),
    ]


def test_bare_amount_without_any_currency_is_usd_and_flagged() -> None:
    match = _one("Borealis signed an incremental 250B services commitment.")
    assert (match.currency, match.currency_inferred) == ("USD", True)


NEGATIVES = [
    "Acme and Borealis formed a multi-billion dollar partnership.",
    "Borealis will cut 1,100 jobs.",
    "The plant makes 30 gigawatt-hours of cells.",
    "Acme owns 27% of Borealis.",
    "Acme was founded in 2019.",
    "Acme trained Zephyr 70B on its cluster.",
    "Borealis released a 70B parameter model as part of the deal.",
    "Acme has 250B tokens of training data.",
    "The app reached 1.5 billion users.",
    "Acme ran the GPT-4 test in 2023.",
    "Costs are stated in 2019 dollars.",
]


@pytest.mark.parametrize("sentence", NEGATIVES, ids=[s[:40] for s in NEGATIVES])
def test_no_amount(sentence: str) -> None:
    assert find_amounts(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "quote", "currency"),
    [
        ("a multibillion-dollar investment", "multibillion-dollar", "USD"),
        ("a multi-billion dollar deal", "multi-billion dollar", "USD"),
        ("a multimillion-pound contract", "multimillion-pound", "GBP"),
        ("plans to invest billions of euros in Spain", "billions of euros", "EUR"),
        ("a multi-year, multi-billion dollar partnership", None, None),
        ("a multibillion-dollar company", None, None),
    ],
)
def test_sizes_in_words(sentence: str, quote: str | None, currency: str | None) -> None:
    found = find_unquantified(sentence, base=10)
    assert find_amounts(sentence) == []  # never a figure
    if quote is None:
        assert found == []
        return
    (size,) = found
    assert (size.text, size.currency) == (quote, currency)
    assert sentence[size.start - 10 : size.end - 10] == quote


KINDS = [
    ("Acme Robotics will invest $1 billion in Borealis.", "$1 billion", "investment"),
    (
        "Borealis receives $100 million upfront and up to $400 million in milestones.",
        "$100 million",
        "upfront",
    ),
    (
        "Borealis receives $100 million upfront and up to $400 million in milestones.",
        "$400 million",
        "milestone",
    ),
    ("Acme will acquire Borealis for $2 billion in cash.", "$2 billion", "deal_value"),
    ("The deal valued at $3 billion closed.", "$3 billion", "deal_value"),
    ("Borealis made a $250B commitment to Acme Cloud.", "$250B", "purchase_commitment"),
    ("Acme would owe a $50 million termination fee.", "$50 million", "termination_fee"),
    ("Borealis raised $500 million at a $5 billion valuation.", "$500 million", "investment"),
    ("Borealis raised $500 million at a $5 billion valuation.", "$5 billion", "valuation"),
    ("Acme reported $3 million of cash on hand.", "$3 million", "other"),
]


@pytest.mark.parametrize(
    ("sentence", "quote", "kind"), KINDS, ids=[f"{k[2]}:{k[1]}" for k in KINDS]
)
def test_amount_kind(sentence: str, quote: str, kind: str) -> None:
    base = 500
    (match,) = [m for m in find_amounts(sentence, base=base) if m.text == quote]
    assert amount_kind(sentence, match, base=base) == kind
    # Called without the base (as a sentence-level caller may), the quote is found again.
    assert amount_kind(sentence, match) == kind
    assert kind in AMOUNT_KINDS


def test_packaged_rules_load() -> None:
    rules = load_amount_rules()
    assert rules.prefixes["$"] == "USD"
    assert set(rules.kind_of_cue.values()) <= set(AMOUNT_KINDS)


def _write_rules(tmp_path: Path, change: dict[str, object]) -> Path:
    data = json.loads(RULES_PATH.read_text(encoding="utf-8"))
    data.update(change)
    path = tmp_path / "amounts.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"prefixes": {"$": "dollar"}}, "ISO 4217"),
        ({"money_context": []}, "non-empty"),
        ({"kinds": {"investment": ["deal"], "deal_value": ["deal"]}}, "two labels"),
        ({"kinds": {"bribe": ["deal"]}}, "unknown label"),
        ({"scale_words": {"million": 0}}, "positive integers"),
    ],
    ids=["bad-code", "empty-list", "duplicate-cue", "unknown-kind", "zero-scale"],
)
def test_bad_rules_raise_pattern_error(
    tmp_path: Path, change: dict[str, object], message: str
) -> None:
    with pytest.raises(PatternError, match=message):
        load_amount_rules(_write_rules(tmp_path, change))


def test_unreadable_rules_raise_pattern_error(tmp_path: Path) -> None:
    with pytest.raises(PatternError, match="cannot read"):
        load_amount_rules(tmp_path / "missing.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(PatternError, match="not valid JSON"):
        load_amount_rules(broken)
