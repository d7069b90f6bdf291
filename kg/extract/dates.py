"""Dates and durations in deal text, at the precision the text states them.

Pure functions over a string, no spaCy. :func:`find_dates` gives each date as ISO text at its
stated precision (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, see ONTOLOGY.md c.5), with absolute
offsets (``base`` + local) and a ``kind`` read from the word before it:

* ``until`` after "through", "until", "to", "expiring in" ...; ``from`` after "from",
  "starting", "effective", "since" ...; ``duration`` after "during", "throughout", "over",
  "for"; otherwise ``point``.
* Quarters and halves ("Q3 2024", "first half of 2025") have month precision: the first month
  of the period, or its last month when the kind is ``until`` ("through Q3 2024" -> 2024-09),
  following the start/end convention of ONTOLOGY.md c.5.
* "mid-2020", "early 2026", "the end of 2025" keep year precision; the modifier is quoted.
* Relative dates ("today", "on Monday", "last year", "in March") are resolved against the
  document's ``published`` date and flagged ``relative=True``; without a published date at
  the needed precision they are skipped, never resolved against the clock. "last week" and
  "this quarter" are too vague and are never dates.
* A bare year counts only in a date context ("in 2019", "(2019)", "2019's", "the 2019
  agreement") and never before a count noun ("in 2000 stores").

Month names, context words and cue lists are data in ``kg/patterns/dates.json``, read and
validated once by :func:`load_date_rules`.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from kg.errors import PatternError
from kg.extract.rules import PATTERNS_DIR, load_rules

RULES_PATH = PATTERNS_DIR / "dates.json"
DATE_KINDS = ("point", "until", "from", "duration")
_YEAR = r"(?:19\d\d|20\d\d|2100)"
_SP = r"[ \u00a0]"


@dataclass(frozen=True)
class DateMatch:
    """One date; ``start``/``end`` are absolute (``base`` + local offset)."""

    iso: str  # YYYY, YYYY-MM or YYYY-MM-DD
    precision: str  # year | month | day
    start: int
    end: int
    text: str
    relative: bool = False  # resolved against the published date
    kind: str = "point"  # point | until | from | duration


@dataclass(frozen=True)
class DurationMatch:
    """A stated length of time: "10-year", "for 3 years", "an initial term of five years"."""

    value: int
    unit: str  # year | month | week | day
    start: int
    end: int
    text: str


class HasIsoDate(Protocol):
    """Anything with an ISO date and its precision (DateMatch, models.DateValue)."""

    @property
    def iso(self) -> str: ...

    @property
    def precision(self) -> str: ...


@dataclass(frozen=True)
class _Published:
    """The document's date at whatever precision it has."""

    year: int
    month: int | None
    day: int | None


@dataclass(frozen=True)
class _Candidate:
    """A dated span before overlap resolution; ``iso_end`` is used when the kind is until."""

    start: int
    end: int
    iso: str
    precision: str
    relative: bool = False
    iso_end: str | None = None


_Finder = Callable[[str, "_Published | None", "DateRules"], Iterator[_Candidate]]


@dataclass(frozen=True)
class DateRules:
    """Compiled rules; built once by :func:`load_date_rules`."""

    months: dict[str, int]
    weekdays: dict[str, int]
    ordinals: dict[str, int]
    numbers: dict[str, int]
    relative: dict[str, tuple[str, int]]  # lower-cased phrase -> (year|month|day, offset)
    kind_of_cue: dict[str, str]
    units: dict[str, str]
    patterns: dict[str, re.Pattern[str]]
    year_context: re.Pattern[str]
    year_noun: re.Pattern[str]
    year_blocker: re.Pattern[str]
    modifier: re.Pattern[str]
    weekday_blocker: re.Pattern[str]
    kind_cue: re.Pattern[str]


# ---------------------------------------------------------------- loading and validation


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _int_map(data: dict[str, Any], key: str, path: Path) -> dict[str, int]:
    value = data.get(key)
    if not isinstance(value, dict) or not value:
        raise PatternError(f"{path}: key {key!r} must be a non-empty object")
    for name, number in value.items():
        if not name.strip() or not isinstance(number, int):
            raise PatternError(f"{path}: {key!r}[{name!r}] must map a word to an integer")
    return value


def _word_list(data: dict[str, Any], key: str, path: Path) -> list[str]:
    value = data.get(key)
    if not isinstance(value, list) or not value:
        raise PatternError(f"{path}: key {key!r} must be a non-empty list")
    if not all(isinstance(w, str) and w.strip() for w in value):
        raise PatternError(f"{path}: {key!r} holds an empty or non-string entry")
    return value


def _kind_map(data: dict[str, Any], path: Path) -> dict[str, str]:
    groups = data.get("kinds")
    if not isinstance(groups, dict):
        raise PatternError(f"{path}: key 'kinds' must be an object of cue lists")
    result: dict[str, str] = {}
    for kind in groups:
        if kind not in DATE_KINDS:
            raise PatternError(f"{path}: unknown date kind {kind!r} (allowed: {DATE_KINDS})")
        for cue in _word_list(groups, kind, path):
            if result.get(cue.lower(), kind) != kind:
                raise PatternError(f"{path}: cue {cue!r} is listed under two kinds")
            result[cue.lower()] = kind
    return result


def _relative(data: dict[str, Any], path: Path) -> dict[str, tuple[str, int]]:
    result: dict[str, tuple[str, int]] = {}
    for unit in ("year", "month", "day"):
        for phrase, offset in _int_map(data, f"relative_{unit}s", path).items():
            result[phrase.lower()] = (unit, offset)
    return result


def _units(data: dict[str, Any], path: Path) -> dict[str, str]:
    value = data.get("duration_units")
    allowed = {"year", "month", "week", "day"}
    if not isinstance(value, dict) or not set(value.values()) <= allowed:
        raise PatternError(f"{path}: 'duration_units' must map words to one of {sorted(allowed)}")
    return value


def load_date_rules(path: str | Path | None = None) -> DateRules:
    """Read, validate and compile the date rules at *path* (default: the packaged file).

    :raises PatternError: the file is missing, not JSON, or an entry has the wrong shape.
    """
    path = Path(path) if path is not None else RULES_PATH
    data = dict(load_rules(path).data)
    months = _int_map(data, "months", path)
    if not all(1 <= m <= 12 for m in months.values()):
        raise PatternError(f"{path}: month numbers must be 1..12")
    weekdays = _int_map(data, "weekdays", path)
    ordinals = _int_map(data, "ordinals", path)
    numbers = _int_map(data, "number_words", path)
    kind_of_cue = _kind_map(data, path)
    relative = _relative(data, path)
    units = _units(data, path)
    return DateRules(
        months=months,
        weekdays=weekdays,
        ordinals=ordinals,
        numbers=numbers,
        relative=relative,
        kind_of_cue=kind_of_cue,
        units=units,
        patterns=_patterns(months, weekdays, ordinals, numbers, relative, units),
        year_context=re.compile(
            rf"(?i)(?:^|(?<![\w-]))(?:{_alternation(_word_list(data, 'year_context', path))})"
            rf"{_SP}+(?:the{_SP}+)?$"
        ),
        year_noun=re.compile(
            rf"{_SP}+(?:{_alternation(_word_list(data, 'year_before_nouns', path))})(?![\w-])"
        ),
        year_blocker=re.compile(
            rf"{_SP}*(?:{_alternation(_word_list(data, 'year_blockers', path))})(?![\w-])"
        ),
        modifier=re.compile(
            rf"(?i)(?:^|(?<![\w-]))(?:{_alternation(_word_list(data, 'modifiers', path))})"
            rf"(?:{_SP}*-{_SP}*|{_SP}+)$"
        ),
        weekday_blocker=re.compile(
            rf"(?:^|(?<![\w-]))(?:{_alternation(_word_list(data, 'weekday_not_after', path))})"
            rf"{_SP}+$"
        ),
        kind_cue=re.compile(
            rf"(?i)(?:^|(?<![\w-]))({_alternation(kind_of_cue)})"
            rf"(?:{_SP}+(?:in|on|at|of))?,?{_SP}+$"
        ),
    )


def _month_names(months: dict[str, int]) -> str:
    """Full names bare, abbreviations with an optional dot ("Jan.", "Sept"): a sentence-final
    period after "March." stays out of the quote."""
    abbreviations = {
        name
        for name, number in months.items()
        if any(o != name and o.startswith(name) and months[o] == number for o in months)
    }
    full = [n for n in months if n not in abbreviations]
    return rf"(?:{_alternation(abbreviations)})\.?(?![a-z])|(?:{_alternation(full)})"


def _patterns(
    months: dict[str, int],
    weekdays: dict[str, int],
    ordinals: dict[str, int],
    numbers: dict[str, int],
    relative: dict[str, tuple[str, int]],
    units: dict[str, str],
) -> dict[str, re.Pattern[str]]:
    # Month names are case-sensitive: "May" and "March" only when capitalised.
    mon = rf"(?P<mon>{_month_names(months)})(?![a-z])"
    day = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?(?![\d:])"
    year = rf"(?P<year>{_YEAR})(?!\d|[.,]\d)"
    mon2 = mon.replace("<mon>", "<mon2>")  # a second month group in the same pattern
    plain_day = r"\d{1,2}(?:st|nd|rd|th)?(?![\d:])"
    ordinal = rf"(?P<ord>{_alternation(ordinals)})"
    number = rf"(?P<n>\d{{1,3}}|(?i:{_alternation(numbers)}))"
    return {
        "mdy": re.compile(rf"(?<![\w]){mon}{_SP}+{day}(?:,{_SP}*|{_SP}+){year}"),
        "dmy": re.compile(rf"(?<![\w\d]){day}{_SP}+(?:of{_SP}+)?{mon},?{_SP}+{year}"),
        "iso": re.compile(r"(?<![\d/-])(?P<year>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?![\d-])"),
        "us": re.compile(r"(?<![\d/])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<year>\d{4})(?![\d/])"),
        "my": re.compile(rf"(?<![\w]){mon},?{_SP}+(?:of{_SP}+)?{year}"),
        "md": re.compile(rf"(?<![\w]){mon}{_SP}+{day}(?!,?{_SP}*\d)"),
        "dm": re.compile(rf"(?<![\w\d]){day}{_SP}+(?:of{_SP}+)?{mon}(?!,?{_SP}*\d)"),
        "month": re.compile(rf"(?<![\w]){mon}(?!{_SP}*\d)"),
        "quarter": re.compile(
            rf"(?<![\w])(?:Q(?P<q>[1-4])|(?P<q2>[1-4])Q|(?i:{ordinal})[ \u00a0-]+quarter)"
            rf"(?:{_SP}+of)?(?:{_SP}+|{_SP}*,{_SP}*){year}"
        ),
        "half": re.compile(
            rf"(?<![\w])(?:H(?P<h>[12])|(?P<hw>(?i:first|second))[ \u00a0-]+half)"
            rf"(?:{_SP}+of)?(?:{_SP}+|{_SP}*,{_SP}*){year}"
        ),
        "year": re.compile(rf"(?<![\w,.$\u20ac\u00a3/]){year}(?!['\u2019]?\d|-\d)"),
        "year_range": re.compile(
            rf"(?<![\w,.$/-])(?P<y1>{_YEAR})"
            rf"(?P<sep>{_SP}?[-\u2013\u2014]{_SP}?|{_SP}+(?:to|through|until|and){_SP}+)"
            rf"(?P<y2>{_YEAR}|\d{{2}})(?![\w,%-]|\.\d)"
        ),
        # The year that ends a range gives the start its year: "from Jan. 1 through Dec. 31, 2025".
        "range_year": re.compile(
            rf"(?:{_SP}*[-\u2013\u2014]{_SP}*|{_SP}+(?:to|through|until|till|and){_SP}+)"
            rf"(?:{mon}{_SP}+{plain_day}|{plain_day}{_SP}+(?:of{_SP}+)?{mon2})"
            rf",?{_SP}+{year}"
        ),
        "weekday": re.compile(
            rf"(?<![\w])(?:(?P<wmod>(?i:last|next|this|on|past)){_SP}+)?"
            rf"(?P<wd>{_alternation(weekdays)})(?![\w])"
        ),
        "relative": re.compile(rf"(?i)(?<![\w-])(?:{_alternation(relative)})(?![\w-])"),
        "duration": re.compile(
            rf"(?<![\w,.-]){number}(?:{_SP}*-{_SP}*|{_SP}+)"
            rf"(?P<unit>(?i:{_alternation(units)}))(?![\w])"
            rf"(?!-old|{_SP}+old\b|{_SP}+ago\b)"
        ),
    }


@cache
def _rules() -> DateRules:
    return load_date_rules()


# ---------------------------------------------------------------- small date helpers


def _published(published: str | None) -> _Published | None:
    # Front matter may quote the date ('"2019-07-22"') or add a time ("2019-07-22T10:00Z").
    cleaned = (published or "").strip().strip("\"'")
    match = re.match(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", cleaned)
    if match is None:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    assert year is not None  # the year group is not optional
    return _Published(year, month, day)


def _valid(year: int, month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]


def _shift_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _ym(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _day_iso(value: date) -> str:
    return value.isoformat()


# ---------------------------------------------------------------- absolute forms


def _absolute_days(text: str, pub: _Published | None, rules: DateRules) -> Iterator[_Candidate]:
    for name in ("mdy", "dmy"):
        for m in rules.patterns[name].finditer(text):
            year, month, day = int(m["year"]), rules.months[m["mon"].rstrip(".")], int(m["day"])
            if _valid(year, month, day):
                yield _Candidate(m.start(), m.end(), _day_iso(date(year, month, day)), "day")
    for m in rules.patterns["iso"].finditer(text):
        year, month, day = int(m["year"]), int(m["m"]), int(m["d"])
        if 1900 <= year <= 2100 and _valid(year, month, day):
            yield _Candidate(m.start(), m.end(), _day_iso(date(year, month, day)), "day")
    for m in rules.patterns["us"].finditer(text):
        year, first, second = int(m["year"]), int(m["a"]), int(m["b"])
        # US order (month/day) unless only day/month can be valid ("22/07/2019").
        month, day = (first, second) if first <= 12 else (second, first)
        if _valid(year, month, day):
            yield _Candidate(m.start(), m.end(), _day_iso(date(year, month, day)), "day")


def _absolute_periods(text: str, pub: _Published | None, rules: DateRules) -> Iterator[_Candidate]:
    for m in rules.patterns["my"].finditer(text):
        yield _Candidate(
            m.start(), m.end(), _ym(int(m["year"]), rules.months[m["mon"].rstrip(".")]), "month"
        )
    for m in rules.patterns["quarter"].finditer(text):
        digit = m["q"] or m["q2"]
        quarter = int(digit) if digit else rules.ordinals[m["ord"].lower()]
        year = int(m["year"])
        first = 3 * quarter - 2
        yield _Candidate(
            m.start(), m.end(), _ym(year, first), "month", iso_end=_ym(year, first + 2)
        )
    for m in rules.patterns["half"].finditer(text):
        half = int(m["h"]) if m["h"] else (1 if m["hw"].lower() == "first" else 2)
        year, first = int(m["year"]), 6 * half - 5
        yield _Candidate(
            m.start(), m.end(), _ym(year, first), "month", iso_end=_ym(year, first + 5)
        )


_DETERMINER = re.compile(
    r"(?i)(?:^|(?<![\w-]))(?:the|a|its|their|our|this|that|his|her)[ \u00a0]+$"
)


def _year_in_context(text: str, m: re.Match[str], rules: DateRules) -> bool:
    """A bare four-digit number is a year only where a date is expected, never before a count."""
    if rules.year_blocker.match(text, m.end()):
        return False
    before, after = text[: m.start()], text[m.end() :]
    if before.endswith("(") and after.startswith(")"):
        return True
    if after.startswith(("'s", "\u2019s")) or rules.modifier.search(before):
        return True
    if rules.year_context.search(before):
        return True
    determiner = _DETERMINER.search(before)
    return determiner is not None and rules.year_noun.match(text, m.end()) is not None


def _year_range(text: str, m: re.Match[str]) -> tuple[int, int] | None:
    """The two years of "2024-2026", "2024 to 2026", "between 2024 and 2026", or None."""
    first, second, sep = int(m["y1"]), m["y2"], m["sep"].strip()
    if len(second) == 2 and sep not in "-\u2013\u2014":
        return None  # "2024 to 26" is not a range
    if sep == "and" and not text[: m.start()].rstrip().lower().endswith("between"):
        return None
    last = int(second) if len(second) == 4 else first // 100 * 100 + int(second)
    return (first, last) if first < last <= first + 50 else None


def _years(text: str, pub: _Published | None, rules: DateRules) -> Iterator[_Candidate]:
    # Ranges first: at equal length the earlier candidate wins the overlap.
    for m in rules.patterns["year_range"].finditer(text):
        years = _year_range(text, m)
        if years is not None:
            # The first year starts the period and the second ends it.
            yield _Candidate(m.start("y1"), m.end("y1"), str(years[0]), "year", iso_end="from")
            yield _Candidate(m.start("y2"), m.end("y2"), str(years[1]), "year", iso_end="until")
    for m in rules.patterns["year"].finditer(text):
        if _year_in_context(text, m, rules):
            yield _Candidate(m.start(), m.end(), m["year"], "year")


# ---------------------------------------------------------------- relative forms


def _relative_words(text: str, pub: _Published | None, rules: DateRules) -> Iterator[_Candidate]:
    if pub is None:
        return
    for m in rules.patterns["relative"].finditer(text):
        unit, offset = rules.relative[m.group(0).lower()]
        if unit == "year":
            yield _Candidate(m.start(), m.end(), f"{pub.year + offset:04d}", "year", True)
        elif unit == "month" and pub.month is not None:
            year, month = _shift_months(pub.year, pub.month, offset)
            yield _Candidate(m.start(), m.end(), _ym(year, month), "month", True)
        elif unit == "day" and pub.month is not None and pub.day is not None:
            value = date(pub.year, pub.month, pub.day) + timedelta(days=offset)
            yield _Candidate(m.start(), m.end(), _day_iso(value), "day", True)


def _weekdays(text: str, pub: _Published | None, rules: DateRules) -> Iterator[_Candidate]:
    if pub is None or pub.month is None or pub.day is None:
        return
    published = date(pub.year, pub.month, pub.day)
    for m in rules.patterns["weekday"].finditer(text):
        if rules.weekday_blocker.search(text, 0, m.start("wd")):
            continue  # "the Sunday Times", "Black Friday"
        modifier = (m["wmod"] or "").lower()
        if modifier == "on":
            modifier = ""  # "on" is context, not part of the date
        back = (published.weekday() - rules.weekdays[m["wd"]]) % 7
        if modifier == "next":
            value = published + timedelta(days=(7 - back) if back else 7)
        elif modifier in ("last", "past"):
            value = published - timedelta(days=back or 7)
        else:
            # "on Monday" in news: the most recent Monday on or before publication.
            value = published - timedelta(days=back)
        start = m.start() if modifier else m.start("wd")
        yield _Candidate(start, m.end(), _day_iso(value), "day", True)


_MONTH_WORD = re.compile(r"(?i)(?:^|(?<![\w-]))(last|next|this)[ \u00a0]+$")


def _day_month_without_year(
    text: str, pub: _Published | None, rules: DateRules
) -> Iterator[_Candidate]:
    """ "Jan. 1 through Dec. 31, 2025" takes the range's year; "on July 22" the published year."""
    for name in ("md", "dm"):
        for m in rules.patterns[name].finditer(text):
            month, day = rules.months[m["mon"].rstrip(".")], int(m["day"])
            stated = rules.patterns["range_year"].match(text, m.end())
            if stated is not None:
                end_month = rules.months[(stated["mon"] or stated["mon2"]).rstrip(".")]
                year = int(stated["year"]) - (1 if month > end_month else 0)
            elif pub is not None:
                year = pub.year
            else:
                continue
            if _valid(year, month, day):
                value = _day_iso(date(year, month, day))
                yield _Candidate(m.start(), m.end(), value, "day", relative=stated is None)


def _month_alone(text: str, pub: _Published | None, rules: DateRules) -> Iterator[_Candidate]:
    """ "in March", "last November": a month after a date word, in or near the published year."""
    if pub is None:
        return
    for m in rules.patterns["month"].finditer(text):
        before = text[: m.start()]
        word = _MONTH_WORD.search(before)
        if word is None and not (
            rules.year_context.search(before) or rules.modifier.search(before)
        ):
            continue
        year, month = pub.year, rules.months[m["mon"].rstrip(".")]
        if word is not None and word.group(1).lower() != "this" and pub.month is not None:
            if word.group(1).lower() == "last":
                year -= 1 if month >= pub.month else 0
            else:
                year += 1 if month <= pub.month else 0
        start = word.start(1) if word is not None else m.start()
        yield _Candidate(start, m.end(), _ym(year, month), "month", True)


_FINDERS: tuple[_Finder, ...] = (
    _absolute_days,
    _absolute_periods,
    _years,
    _relative_words,
    _weekdays,
    _day_month_without_year,
    _month_alone,
)


# ---------------------------------------------------------------- assembling matches


def _non_overlapping(candidates: list[_Candidate]) -> list[_Candidate]:
    """Longest spans first, then left to right: "22 July 2019" beats "July 2019" and "2019"."""
    chosen: list[_Candidate] = []
    for cand in sorted(candidates, key=lambda c: (c.start - c.end, c.start)):
        if all(cand.end <= c.start or cand.start >= c.end for c in chosen):
            chosen.append(cand)
    return sorted(chosen, key=lambda c: c.start)


_END_MODIFIER = re.compile(r"(?i)(?:the[ \u00a0]+)?(?:end|close|late)\b")


def _with_modifier(text: str, cand: _Candidate, rules: DateRules) -> int:
    """Start of the quote, moved back over "mid-", "early", "the end of"."""
    if cand.relative and cand.precision == "day":
        return cand.start
    hit = rules.modifier.search(text[: cand.start])
    return hit.start() if hit is not None else cand.start


def _kind(text: str, start: int, cand: _Candidate, rules: DateRules) -> str:
    if cand.iso_end in ("from", "until"):
        return cand.iso_end  # the two ends of a year range
    hit = rules.kind_cue.search(text[:start])
    return rules.kind_of_cue[hit.group(1).lower()] if hit is not None else "point"


def find_dates(text: str, published: str | None = None, base: int = 0) -> list[DateMatch]:
    """Every date in *text*, in order, at its stated precision; offsets are ``base`` + local.

    :param published: the document's date (``YYYY[-MM[-DD]]``); relative dates are resolved
        against it and skipped when it is ``None`` or too coarse.
    """
    rules = _rules()
    pub = _published(published)
    candidates = [c for finder in _FINDERS for c in finder(text, pub, rules)]
    matches: list[DateMatch] = []
    for cand in _non_overlapping(candidates):
        start = _with_modifier(text, cand, rules)
        kind = _kind(text, start, cand, rules)
        until_iso = cand.iso_end if cand.iso_end not in (None, "from", "until") else None
        # "through Q3 2024" and "the end of Q3 2024" both mean the period's last month.
        ends = kind == "until" or _END_MODIFIER.match(text, start) is not None
        iso = until_iso if ends and until_iso else cand.iso
        matches.append(
            DateMatch(iso, cand.precision, base + start, base + cand.end, text[start : cand.end],
                      cand.relative, kind)
        )  # fmt: skip
    return matches


# ---------------------------------------------------------------- durations


def find_durations(text: str, base: int = 0) -> list[DurationMatch]:
    """Stated lengths of time ("10-year", "five years"); "multi-year" (no number) is skipped."""
    rules = _rules()
    found: list[DurationMatch] = []
    for m in rules.patterns["duration"].finditer(text):
        raw = m["n"]
        value = int(raw) if raw.isdigit() else rules.numbers[raw.lower()]
        if value > 0:
            unit = rules.units[m["unit"].lower()]
            found.append(DurationMatch(value, unit, base + m.start(), base + m.end(), m.group(0)))
    return found


def end_from_duration(start: HasIsoDate, years: int = 0, months: int = 0) -> tuple[str, str]:
    """The date *years* and *months* after *start*, at the start's precision.

    A day is moved to the same day of the target month (clamped: Feb 29 -> Feb 28); the
    anniversary itself is returned, not the day before. A year-precision start counts from its
    January, so "2019 + 18 months" is 2020.
    """
    total = years * 12 + months
    parts = [int(p) for p in start.iso.split("-")]
    if start.precision == "year":
        return f"{parts[0] + total // 12:04d}", "year"
    year, month = _shift_months(parts[0], parts[1], total)
    if start.precision == "month":
        return _ym(year, month), "month"
    day = min(parts[2], calendar.monthrange(year, month)[1])
    return _day_iso(date(year, month, day)), "day"
