"""Dates and durations: one invented sentence per form, at the stated precision."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.errors import PatternError
from kg.extract.dates import (
    RULES_PATH,
    DateMatch,
    end_from_duration,
    find_dates,
    find_durations,
    load_date_rules,
)
from kg.rdf.vocab import PRECISIONS

PUBLISHED = "2024-03-14"  # a Thursday

# (sentence, quote, iso, precision, kind)
ABSOLUTE = [
    (
        "Acme Robotics signed the pact on July 22, 2019.",
        "July 22, 2019",
        "2019-07-22",
        "day",
        "point",
    ),
    (
        "Acme Robotics signed the pact on 22 July 2019.",
        "22 July 2019",
        "2019-07-22",
        "day",
        "point",
    ),
    ("The filing is dated 2019-07-22 in the register.", "2019-07-22", "2019-07-22", "day", "point"),
    ("The filing is dated 07/22/2019 in the register.", "07/22/2019", "2019-07-22", "day", "point"),
    (
        "Borealis closed the round on Jan. 23, 2023, in Oslo.",
        "Jan. 23, 2023",
        "2023-01-23",
        "day",
        "point",
    ),
    ("Borealis closed the round in January 2023.", "January 2023", "2023-01", "month", "point"),
    ("The plant opens in 2032.", "2032", "2032", "year", "point"),
    ("Acme stays the exclusive supplier through 2032.", "2032", "2032", "year", "until"),
    (
        "Acme stays the exclusive supplier until March 2027.",
        "March 2027",
        "2027-03",
        "month",
        "until",
    ),
    ("The licence runs till 2030 under the contract.", "2030", "2030", "year", "until"),
    ("The option is expiring in 2030 unless renewed.", "2030", "2030", "year", "until"),
    ("The first cars ship by mid-2020.", "mid-2020", "2020", "year", "point"),
    ("Royalties apply from 2026 onward.", "2026", "2026", "year", "from"),
    ("Prices rise starting 2026 for all members.", "2026", "2026", "year", "from"),
    ("The terms are effective January 1, 2020.", "January 1, 2020", "2020-01-01", "day", "from"),
    ("Borealis has supplied Acme since 2016.", "2016", "2016", "year", "from"),
    ("Output doubled during 2021 at the site.", "2021", "2021", "year", "duration"),
    ("Acme ships the robot in Q3 2024 in Europe.", "Q3 2024", "2024-07", "month", "point"),
    (
        "Acme ships the robot in the third quarter of 2024.",
        "third quarter of 2024",
        "2024-07",
        "month",
        "point",
    ),
    ("The pilot runs through Q3 2024 only.", "Q3 2024", "2024-09", "month", "until"),
    (
        "Deliveries start in the first half of 2025.",
        "first half of 2025",
        "2025-01",
        "month",
        "point",
    ),
    ("The pact lasts until the end of 2025.", "the end of 2025", "2025", "year", "until"),
    ("Acme booked the sale in 4Q 2023 in Oslo.", "4Q 2023", "2023-10", "month", "point"),
    ("Acme sold the unit on Sept. 30, 2024.", "Sept. 30, 2024", "2024-09-30", "day", "point"),
    (
        "Acme sold the unit on September 30th, 2024.",
        "September 30th, 2024",
        "2024-09-30",
        "day",
        "point",
    ),
    (
        "Acme sold the unit on the 30th of September 2024.",
        "30th of September 2024",
        "2024-09-30",
        "day",
        "point",
    ),
    ("Acme plans to list by year-end 2025.", "year-end 2025", "2025", "year", "point"),
    (
        "Acme expects to close by the end of Q3 2024.",
        "the end of Q3 2024",
        "2024-09",
        "month",
        "point",
    ),
    (
        "Acme expects to close late in the second half of 2025.",
        "second half of 2025",
        "2025-07",
        "month",
        "point",
    ),
    ("Borealis will list shares by 2023.", "2023", "2023", "year", "point"),
    ("The deal (2019) gave Acme a board seat.", "2019", "2019", "year", "point"),
    ("2019's agreement gave Acme a board seat.", "2019", "2019", "year", "point"),
    ("The 2019 agreement gave Acme a board seat.", "2019", "2019", "year", "point"),
    ("In 2019, Acme bought a stake in Borealis.", "2019", "2019", "year", "point"),
]


@pytest.mark.parametrize(
    ("sentence", "quote", "iso", "precision", "kind"),
    ABSOLUTE,
    ids=[f"{row[1]}|{row[4]}" for row in ABSOLUTE],
)
def test_absolute_dates(sentence: str, quote: str, iso: str, precision: str, kind: str) -> None:
    base = 2000
    for published in (None, PUBLISHED):  # absolute dates never depend on the published date
        (match,) = find_dates(sentence, published, base=base)
        assert match.text == quote == sentence[match.start - base : match.end - base]
        assert (match.iso, match.precision, match.kind) == (iso, precision, kind)
        assert not match.relative
        assert match.precision in PRECISIONS


@pytest.mark.parametrize(
    "sentence",
    [
        "Acme will buy chips from 2024 to 2026.",
        "The plan covers 2024-2026 for both firms.",
        "The plan covers 2024\u201326 for both firms.",
        "Acme will buy chips between 2024 and 2026.",
        "The 2024 to 2026 period is covered.",
    ],
    ids=["from-to", "hyphen", "en-dash-short", "between-and", "bare-to"],
)
def test_year_range_gives_start_and_end(sentence: str) -> None:
    matches = find_dates(sentence)
    assert [(m.iso, m.kind) for m in matches] == [("2024", "from"), ("2026", "until")]


def test_and_without_between_is_not_a_range() -> None:
    matches = find_dates("Acme grew in 2024 and 2026 alike.")
    assert [(m.iso, m.kind) for m in matches] == [("2024", "point"), ("2026", "point")]


def test_day_without_year_takes_the_year_that_ends_its_range() -> None:
    sentence = "Prices hold from Nov. 1 through Feb. 28, 2026 for members."
    matches = find_dates(sentence)  # no published date needed: the text states the year
    assert [(m.text, m.iso, m.kind, m.relative) for m in matches] == [
        ("Nov. 1", "2025-11-01", "from", False),
        ("Feb. 28, 2026", "2026-02-28", "until", False),
    ]


# (sentence, quote, iso, precision) resolved against PUBLISHED (Thursday 2024-03-14)
RELATIVE = [
    ("Acme announced the deal on Monday.", "Monday", "2024-03-11", "day"),
    ("Acme announced the deal Thursday.", "Thursday", "2024-03-14", "day"),
    ("Acme announced the deal last Friday.", "last Friday", "2024-03-08", "day"),
    ("Acme announced the deal yesterday.", "yesterday", "2024-03-13", "day"),
    ("Acme today announced the deal.", "today", "2024-03-14", "day"),
    ("Acme will close the deal tomorrow.", "tomorrow", "2024-03-15", "day"),
    ("Acme signed the deal last year.", "last year", "2023", "year"),
    ("Acme signed the deal earlier this year.", "earlier this year", "2024", "year"),
    ("Acme will sign the deal next year.", "next year", "2025", "year"),
    ("Acme signed the deal last month.", "last month", "2024-02", "month"),
    ("Acme signed the deal in February.", "February", "2024-02", "month"),
    ("Acme signed the deal last November.", "last November", "2023-11", "month"),
    ("Acme signed the deal on May 5 in Oslo.", "May 5", "2024-05-05", "day"),
]


@pytest.mark.parametrize(
    ("sentence", "quote", "iso", "precision"), RELATIVE, ids=[row[1] for row in RELATIVE]
)
def test_relative_dates_resolve_against_published(
    sentence: str, quote: str, iso: str, precision: str
) -> None:
    base = 40
    (match,) = find_dates(sentence, PUBLISHED, base=base)
    assert match.text == quote == sentence[match.start - base : match.end - base]
    assert (match.iso, match.precision, match.relative) == (iso, precision, True)


@pytest.mark.parametrize(
    ("sentence", "quote"), [(row[0], row[1]) for row in RELATIVE], ids=[row[1] for row in RELATIVE]
)
def test_relative_dates_unresolved_without_published(sentence: str, quote: str) -> None:
    assert find_dates(sentence, None) == []


def test_day_relatives_need_a_day_precise_published_date() -> None:
    assert find_dates("Acme announced the deal yesterday.", "2024-03") == []
    (match,) = find_dates("Acme signed the deal last year.", "2024")
    assert (match.iso, match.precision) == ("2023", "year")


NO_DATES = [
    "Borealis will cut 1,100 jobs.",
    "Acme delivered 2,032 units to Borealis.",
    "Acme grew to 2000 stores.",
    "Acme signed the deal last week.",
    "The Zephyr 2020 model sold well.",
    "Acme said it may 5 times raise prices.",
    "Acme will march on.",
    "Acme paid $2019 for the domain.",
    "Acme's 2020s roadmap is vague.",
    "The Sunday Times first reported the talks.",
    "Acme cut prices for Black Friday.",
    "Acme was founded in 1850.",
    "Acme's 2024/25 outlook is for FY2026 growth.",
]


@pytest.mark.parametrize("sentence", NO_DATES, ids=[s[:30] for s in NO_DATES])
def test_no_dates(sentence: str) -> None:
    assert find_dates(sentence, PUBLISHED) == []


# (sentence, quote, value, unit)
DURATIONS = [
    ("Acme signed a 10-year supply deal.", "10-year", 10, "year"),
    ("Acme signed a five-year supply deal.", "five-year", 5, "year"),
    ("The pact has an initial term of five years.", "five years", 5, "year"),
    ("Borealis will buy chips for 3 years.", "3 years", 3, "year"),
    ("Acme holds a 24-month option.", "24-month", 24, "month"),
    ("The exclusivity lasts Ten years.", "Ten years", 10, "year"),
]


@pytest.mark.parametrize(
    ("sentence", "quote", "value", "unit"), DURATIONS, ids=[row[1] for row in DURATIONS]
)
def test_durations(sentence: str, quote: str, value: int, unit: str) -> None:
    base = 7
    (match,) = find_durations(sentence, base=base)
    assert match.text == quote == sentence[match.start - base : match.end - base]
    assert (match.value, match.unit) == (value, unit)


@pytest.mark.parametrize(
    "sentence",
    [
        "Acme and Borealis signed a multi-year pact.",
        "Borealis is a 20-year-old firm.",
        "Acme bought Borealis two years ago.",
        "Acme waited 1,100 days.",
    ],
    ids=["multi-year", "age", "ago", "thousands"],
)
def test_no_durations(sentence: str) -> None:
    assert find_durations(sentence) == []


@pytest.mark.parametrize(
    ("iso", "precision", "years", "months", "expected"),
    [
        ("2019-07-22", "day", 5, 0, ("2024-07-22", "day")),
        ("2020-02-29", "day", 1, 0, ("2021-02-28", "day")),
        ("2019-11", "month", 0, 3, ("2020-02", "month")),
        ("2019", "year", 10, 0, ("2029", "year")),
        ("2019", "year", 0, 18, ("2020", "year")),
    ],
    ids=["day", "leap-day", "month", "year", "year-plus-months"],
)
def test_end_from_duration(
    iso: str, precision: str, years: int, months: int, expected: tuple[str, str]
) -> None:
    start = DateMatch(iso, precision, 0, 0, iso)
    assert end_from_duration(start, years=years, months=months) == expected


def test_duration_and_start_combine_into_an_end_date() -> None:
    sentence = "The five-year term begins July 22, 2019."
    (duration,) = find_durations(sentence)
    (start,) = find_dates(sentence)
    assert start.kind == "from"
    assert end_from_duration(start, years=duration.value) == ("2024-07-22", "day")


def test_packaged_rules_load() -> None:
    rules = load_date_rules()
    assert rules.months["Sept"] == 9
    assert set(rules.kind_of_cue.values()) <= {"until", "from", "duration"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"months": {"Smarch": 13}}, "1..12"),
        ({"kinds": {"until": ["to"], "from": ["to"]}}, "two kinds"),
        ({"kinds": {"someday": ["soon"]}}, "unknown date kind"),
        ({"year_context": []}, "non-empty list"),
        ({"duration_units": {"years": "decade"}}, "duration_units"),
    ],
    ids=["bad-month", "duplicate-cue", "unknown-kind", "empty-list", "bad-unit"],
)
def test_bad_rules_raise_pattern_error(
    tmp_path: Path, change: dict[str, object], message: str
) -> None:
    data = json.loads(RULES_PATH.read_text(encoding="utf-8"))
    data.update(change)
    path = tmp_path / "dates.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(PatternError, match=message):
        load_date_rules(path)


def test_unreadable_rules_raise_pattern_error(tmp_path: Path) -> None:
    with pytest.raises(PatternError, match="cannot read"):
        load_date_rules(tmp_path / "missing.json")
