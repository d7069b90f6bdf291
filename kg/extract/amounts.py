"""Monetary amounts in deal text: "$1 billion", "€1.5bn", "up to $517.5 million", "Rs 500 crore".

Pure functions over a string, no spaCy. The extractor calls :func:`find_amounts` per sentence
with ``base`` set to the sentence's start offset, so every match carries absolute offsets
into the document text while ``text[start - base:end - base]`` is the exact quote.

All spellings (currency symbols and codes, scale words, qualifier and kind cues) are data in
``kg/patterns/amounts.json``, read and validated once by :func:`load_amount_rules`.

Decisions worth knowing:

* The quote covers the money expression only ("$1 billion", "$1-2 billion"); qualifier words
  ("up to", "about") and "per share" stay outside it and set fields instead.
* "a reported $700 million" stays ``exact`` (the text states one number) with
  ``reported=True``: a reported figure is unconfirmed, not approximate.
* A bare number with a scale ("250B", "1.5 billion") counts only next to a money word
  (``money_context``) or a currency; it takes the currency of the nearest amount in the same
  text, or USD with ``currency_inferred=True`` when the text names none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Context, Decimal
from functools import cache
from pathlib import Path
from typing import Any

from kg.errors import PatternError
from kg.extract.rules import PATTERNS_DIR, load_rules

RULES_PATH = PATTERNS_DIR / "amounts.json"
QUALIFIERS = ("exact", "approximately", "up_to", "at_least")
UNQUANTIFIED = "unquantified"
"""The qualifier of a size stated in words only: such an amount has no value."""
KINDS = (
    "investment",
    "upfront",
    "milestone",
    "deal_value",
    "purchase_commitment",
    "termination_fee",
    "valuation",
    "other",
)
DEFAULT_CURRENCY = "USD"
# How far (characters) a bare number looks for a money word, and amount_kind for a cue.
_CONTEXT_CHARS = 48
_KIND_LEFT_CHARS = 90
_KIND_RIGHT_CHARS = 60


@dataclass(frozen=True)
class AmountMatch:
    """One monetary amount; ``start``/``end`` are absolute (``base`` + local offset)."""

    value: Decimal
    currency: str  # ISO 4217
    start: int
    end: int
    text: str
    qualifier: str = "exact"  # exact | approximately | up_to | at_least
    is_range: bool = False
    upper: Decimal | None = None
    per_share: bool = False
    percent_context: Decimal | None = None  # "$135 billion (27% stake)" -> 27
    reported: bool = False  # "a reported $700 million"
    currency_inferred: bool = False  # bare "250B": currency not stated next to the number


@dataclass(frozen=True)
class AmountRules:
    """Compiled rules; built once by :func:`load_amount_rules`."""

    prefixes: dict[str, str]
    suffixes: dict[str, str]
    scales: dict[str, Decimal]  # lower-cased scale words and exact-case scale letters
    amount: re.Pattern[str]
    qualifier_before: re.Pattern[str]
    qualifier_phrases: dict[str, str]  # lower-cased phrase -> qualifier or "reported"
    qualifier_after: re.Pattern[str]
    qualifier_suffixes: dict[str, str]
    money_context: re.Pattern[str]
    not_money_after: re.Pattern[str]
    weight_after: re.Pattern[str]  # "pounds of": a weight, not a currency
    per_share: re.Pattern[str]
    kind_cue: re.Pattern[str]
    kind_of_cue: dict[str, str]
    unquantified: re.Pattern[str]
    unquantified_currency: dict[str, str]


# ---------------------------------------------------------------- loading and validation


def _alternation(words: Iterable[str]) -> str:
    """Regex alternation, longest first so "US$" wins over "$" and "deal worth" over "deal"."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _words(words: Iterable[str]) -> str:
    """Alternation bounded so a cue never matches inside a longer word."""
    return rf"(?<![\w-])(?:{_alternation(words)})(?![\w-])"


def _check(data: dict[str, Any], key: str, kind: type, path: Path) -> Any:
    """``data[key]``, which must be a non-empty dict or list keyed by non-empty strings."""
    value: Any = data.get(key)
    if not isinstance(value, kind) or not value:
        raise PatternError(f"{path}: key {key!r} must be a non-empty {kind.__name__}")
    names = list(value) if isinstance(value, (dict, list)) else []
    if not all(isinstance(name, str) and name.strip() for name in names):
        raise PatternError(f"{path}: {key!r} holds an empty or non-string entry")
    return value


def _check_codes(mapping: dict[str, Any], key: str, path: Path) -> dict[str, str]:
    """Currency spellings must map to three-letter ISO 4217 codes."""
    for name, code in mapping.items():
        if not isinstance(code, str) or not re.fullmatch(r"[A-Z]{3}", code):
            raise PatternError(f"{path}: {key!r}[{name!r}] must be an ISO 4217 code like 'USD'")
    return mapping


def _phrase_map(
    groups: dict[str, list[str]], allowed: tuple[str, ...], key: str, path: Path
) -> dict[str, str]:
    """Invert ``{label: [phrases]}``; a phrase under two labels is an error, not a silent pick."""
    result: dict[str, str] = {}
    for label, phrases in groups.items():
        if label not in allowed or not isinstance(phrases, list):
            raise PatternError(f"{path}: {key!r} has unknown label {label!r} (allowed: {allowed})")
        for phrase in phrases:
            if not isinstance(phrase, str) or not phrase.strip():
                raise PatternError(f"{path}: {key!r}[{label!r}] holds an empty or non-string entry")
            if result.get(phrase.lower(), label) != label:
                raise PatternError(f"{path}: {phrase!r} is listed under two labels in {key!r}")
            result[phrase.lower()] = label
    return result


def _amount_regex(prefixes: dict[str, str], suffixes: dict[str, str], data: dict[str, Any]) -> str:
    num = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d%]|[.,]\d)|\d+(?:\.\d+)?(?![\d%]|[.,]\d)"
    letters = "".join(sorted(data["scale_letters"]))
    scale = (
        rf"(?:[ \u00a0-]?(?i:{_alternation(data['scale_words'])})(?![A-Za-z])"
        rf"|[{re.escape(letters)}](?![A-Za-z0-9]))"
    )
    pre = _alternation(prefixes)
    # A second part after "-", "to" or "and" makes a range; it may repeat the same prefix.
    second = (
        rf"(?:(?P<sep>[ \u00a0]*[-\u2013\u2014][ \u00a0]*|[ \u00a0]+(?:to|and)[ \u00a0]+)"
        rf"(?:(?P=pre)[ \u00a0]?)?(?P<num2>{num})(?P<scale2>{scale})?)?"
    )
    return (
        rf"(?:(?<![A-Za-z0-9])(?P<pre>{pre})[ \u00a0]?"
        rf"|(?<![\w.,/$\u20ac\u00a3\u00a5\u20b9\u20a9:-]))"
        rf"(?P<num>{num})(?P<scale>{scale})?{second}"
        rf"(?:(?:[ \u00a0]+|(?<=[A-Za-z])-)(?P<suf>{_alternation(suffixes)})(?![A-Za-z]))?"
    )


def load_amount_rules(path: str | Path | None = None) -> AmountRules:
    """Read, validate and compile the amount rules at *path* (default: the packaged file).

    :raises PatternError: the file is missing, not JSON, or an entry has the wrong shape.
    """
    path = Path(path) if path is not None else RULES_PATH
    return _compile(dict(load_rules(path).data), path)


def _compile(data: dict[str, Any], path: Path) -> AmountRules:
    prefixes = _check_codes(_check(data, "prefixes", dict, path), "prefixes", path)
    suffixes = _check_codes(_check(data, "suffixes", dict, path), "suffixes", path)
    for key in ("scale_words", "scale_letters"):
        if not all(isinstance(v, int) and v > 0 for v in _check(data, key, dict, path).values()):
            raise PatternError(f"{path}: {key!r} values must be positive integers")
    for key in ("money_context", "not_money_after", "weight_words", "per_share", "reported"):
        _check(data, key, list, path)
    qualifiers = _phrase_map(_check(data, "qualifiers", dict, path), QUALIFIERS, "qualifiers", path)
    qualifiers.update({p.lower(): "reported" for p in data["reported"]})
    suffix_q = _phrase_map(
        _check(data, "qualifier_suffixes", dict, path), QUALIFIERS, "qualifier_suffixes", path
    )
    kind_of_cue = _phrase_map(_check(data, "kinds", dict, path), KINDS, "kinds", path)
    scales = {k.lower(): Decimal(v) for k, v in data["scale_words"].items()}
    scales.update({k: Decimal(v) for k, v in data["scale_letters"].items()})
    return AmountRules(
        prefixes=prefixes,
        suffixes=suffixes,
        scales=scales,
        amount=re.compile(_amount_regex(prefixes, suffixes, data)),
        qualifier_before=re.compile(
            rf"(?i)(?:^|(?<=[^\w]))({_alternation(qualifiers)})[ \u00a0]*$"
        ),
        qualifier_phrases=qualifiers,
        qualifier_after=re.compile(rf"(?i)[ \u00a0]?({_alternation(suffix_q)})(?![\w])"),
        qualifier_suffixes=suffix_q,
        money_context=re.compile(rf"(?i){_words(data['money_context'])}"),
        not_money_after=re.compile(rf"(?i)[ \u00a0-]*{_words(data['not_money_after'])}"),
        weight_after=re.compile(rf"(?i){_words(data['weight_words'])}[ \u00a0]+of\b"),
        per_share=re.compile(rf"(?i)[ \u00a0]*{_words(data['per_share'])}"),
        kind_cue=re.compile(rf"(?i){_words(kind_of_cue)}"),
        kind_of_cue=kind_of_cue,
        unquantified=re.compile(_unquantified_regex(data, path)),
        unquantified_currency={
            word.lower(): code
            for word, code in _check_codes(
                _check(data, "unquantified_currency_words", dict, path),
                "unquantified_currency_words",
                path,
            ).items()
        },
    )


def _unquantified_regex(data: dict[str, Any], path: Path) -> str:
    """ "multibillion-dollar", "multi-million pound", "billions of euros"."""
    scales = _check(data, "unquantified_scales", list, path)
    words = _check(data, "unquantified_currency_words", dict, path)
    scale = _alternation(scales)
    currency = _alternation(words)
    return (
        rf"(?i)(?<![\w-])(?:multi[- ]?(?:{scale})[- \u00a0](?P<unit>{currency})"
        rf"|(?:(?:hundreds|tens) of )?(?:{scale})s of (?P<units>{currency}))(?![\w])"
    )


@cache
def _rules() -> AmountRules:
    return load_amount_rules()


# ---------------------------------------------------------------- finding amounts


@dataclass(frozen=True)
class _Raw:
    """A regex hit before qualifiers and context are attached (local offsets)."""

    start: int
    end: int
    value: Decimal
    upper: Decimal | None
    currency: str | None


def _number(digits: str, scale: str | None, rules: AmountRules) -> Decimal:
    value = Decimal(digits.replace(",", ""))
    if scale:
        word = scale.strip(" \u00a0-")
        value *= rules.scales.get(word, rules.scales.get(word.lower(), Decimal(1)))
    # Plain integers print as "1000000000", not "1.000E+9" or "1000000000.0".
    # The context's precision must cover every digit, or quantize() raises on huge figures.
    if value == value.to_integral_value():
        return value.quantize(Decimal(1), context=Context(prec=max(28, value.adjusted() + 2)))
    return value.normalize()


def _currency(match: re.Match[str], rules: AmountRules) -> str | None:
    if match["pre"]:
        return rules.prefixes[match["pre"]]
    if match["suf"]:
        return rules.suffixes[match["suf"]]
    return None


def _is_range(text: str, match: re.Match[str]) -> bool:
    """ "and" joins a range only after "between" ("between $1 and $2 billion")."""
    if not match["num2"]:
        return False
    # "$5 million to 10 employees": a scaled first part needs a scaled second part.
    if match["scale"] and not match["scale2"]:
        return False
    if match["sep"].strip() != "and":
        return True
    return text[: match.start()].rstrip().lower().endswith("between")


def _raw(text: str, match: re.Match[str], rules: AmountRules) -> _Raw:
    currency = _currency(match, rules)
    if _is_range(text, match):
        # "$1-2 billion": the scale stated once applies to both ends.
        low = _number(match["num"], match["scale"] or match["scale2"], rules)
        high = _number(match["num2"], match["scale2"] or match["scale"], rules)
        if high > low:
            return _Raw(match.start(), match.end(), low, high, currency)
    end = match.end("scale") if match["scale"] else match.end("num")
    if match["suf"] and not match["num2"]:
        end = match.end("suf")
    return _Raw(match.start(), end, _number(match["num"], match["scale"], rules), None, currency)


_NAME_BEFORE = re.compile(r"[A-Z][\w.-]*[ \u00a0]$")


def _bare_is_money(text: str, raw: _Raw, match: re.Match[str], rules: AmountRules) -> bool:
    """A number without currency is money only with a scale of its own (the second part's
    counts for a range only: "2016 and 150 million" is a year and a count) and a money
    word near it."""
    if not (match["scale"] or (raw.upper is not None and match["scale2"])):
        return False
    if rules.not_money_after.match(text, raw.end):
        return False
    # "Zephyr 70B": a glued scale letter right after a capitalised word is a model name.
    glued = match["scale"] and len(match["scale"]) == 1
    if glued and _NAME_BEFORE.search(text, 0, raw.start):
        return False
    window = text[max(0, raw.start - _CONTEXT_CHARS) : raw.end + _CONTEXT_CHARS]
    return bool(rules.money_context.search(window))


_YEAR_LIKE = re.compile(r"(?:19|20)\d\d")


def _year_in_currency(match: re.Match[str]) -> bool:
    """ "in 2019 dollars" names a price level, not an amount of 2,019."""
    plain = not (match["pre"] or match["scale"] or match["num2"])
    return plain and _YEAR_LIKE.fullmatch(match["num"]) is not None


def _scan(text: str, rules: AmountRules) -> list[tuple[_Raw, bool]]:
    """All money expressions, left to right, each with whether its currency was stated."""
    found: list[tuple[_Raw, bool]] = []
    pos = 0
    while (match := rules.amount.search(text, pos)) is not None:
        raw = _raw(text, match, rules)
        # A failed "and" range still consumed the second number: rescan after the first.
        pos = raw.end if raw.end > match.start() else match.end()
        if _year_in_currency(match):
            continue
        if match["suf"] and rules.weight_after.match(text, match.start("suf")):
            continue  # "12 million pounds of nickel": a weight
        if raw.currency is not None:
            found.append((raw, True))
        elif _bare_is_money(text, raw, match, rules):
            found.append((raw, False))
    return found


def _nearest_currency(raw: _Raw, found: list[tuple[_Raw, bool]]) -> str | None:
    stated = [r for r, ok in found if ok and r.currency]
    if not stated:
        return None
    best = min(stated, key=lambda r: abs(r.start - raw.start))
    return best.currency


def _qualifier(text: str, start: int, end: int, rules: AmountRules) -> tuple[str, bool]:
    """Qualifier phrases right before the amount (peeled one by one), or a suffix after it."""
    qualifier, reported = "exact", False
    before = text[:start]
    while (hit := rules.qualifier_before.search(before)) is not None:
        label = rules.qualifier_phrases[hit.group(1).lower()]
        if label == "reported":
            reported = True
        elif qualifier in ("exact", "approximately"):
            # "up to approximately $5m" is a cap; the outer bound wins over "approximately".
            qualifier = label
        before = before[: hit.start(1)]
    after = rules.qualifier_after.match(text, end)
    if after is not None and qualifier == "exact":
        qualifier = rules.qualifier_suffixes[after.group(1).lower()]
    return qualifier, reported


_PERCENT = r"(\d+(?:\.\d+)?)[ \u00a0]?(?:%|-?percent\b|per cent\b)"
_PERCENT_AFTER = re.compile(
    rf"(?i)[ \u00a0]*(?:\([^()%]{{0,24}}?{_PERCENT}"
    rf"|,?[ \u00a0]*(?:for|representing|in exchange for|or)[ \u00a0]+"
    rf"(?:an?[ \u00a0]+|about[ \u00a0]+|approximately[ \u00a0]+|roughly[ \u00a0]+)?{_PERCENT})"
)
_PERCENT_BEFORE = re.compile(
    rf"(?i){_PERCENT}[ \u00a0]+(?:[\w-]+[ \u00a0]+){{0,2}}?"
    r"(?:valued at|worth|for|at|of)[ \u00a0]+(?:about |approximately |roughly |nearly |some )?$"
)


def _percent(text: str, start: int, end: int) -> Decimal | None:
    """A percentage attached to the amount: "$135 billion (27% stake)", "a 27% stake worth $X"."""
    after = _PERCENT_AFTER.match(text, end)
    if after is not None:
        return Decimal(after.group(1) or after.group(2))
    before = _PERCENT_BEFORE.search(text[max(0, start - 60) : start])
    return Decimal(before.group(1)) if before is not None else None


def find_amounts(text: str, base: int = 0) -> list[AmountMatch]:
    """Every monetary amount in *text*, in order; offsets are ``base`` + local offsets."""
    rules = _rules()
    found = _scan(text, rules)
    matches: list[AmountMatch] = []
    for raw, stated in found:
        currency = raw.currency or _nearest_currency(raw, found)
        qualifier, reported = _qualifier(text, raw.start, raw.end, rules)
        matches.append(
            AmountMatch(
                value=raw.value,
                currency=currency or DEFAULT_CURRENCY,
                start=base + raw.start,
                end=base + raw.end,
                text=text[raw.start : raw.end],
                qualifier=qualifier,
                is_range=raw.upper is not None,
                upper=raw.upper,
                per_share=_per_unit(text, raw.end, rules),
                percent_context=_percent(text, raw.start, raw.end),
                reported=reported,
                currency_inferred=not stated and currency is None,
            )
        )
    return _shared_unit_prices(text, base, matches)


# "$3.40 (€3.10) per share": a conversion in brackets between a price and its unit
_BRACKETED = re.compile(r"[ \u00a0]*\([^()]{1,30}\)|[ \u00a0]*\)")


def _per_unit(text: str, end: int, rules: AmountRules) -> bool:
    """Whether the amount ending at *end* is a unit price ("per share"), also when a
    conversion in brackets stands between them, or it is that conversion."""
    if rules.per_share.match(text, end):
        return True
    bracket = _BRACKETED.match(text, end)
    return bracket is not None and bool(rules.per_share.match(text, bracket.end()))


_COORDINATED = re.compile(r"\s*(?:,|or|and|to|-|–)\s*")


def _shared_unit_prices(text: str, base: int, matches: list[AmountMatch]) -> list[AmountMatch]:
    """ "$1.10 or $1.50 per dollar invested": both are unit prices."""
    for i in range(len(matches) - 2, -1, -1):
        this, following = matches[i], matches[i + 1]
        gap = text[this.end - base : following.start - base]
        if following.per_share and not this.per_share and _COORDINATED.fullmatch(gap):
            matches[i] = replace(this, per_share=True)
    return matches


@dataclass(frozen=True)
class SizeWords:
    """A size stated in words only ("a multibillion-dollar deal"): a currency, no figure."""

    currency: str
    start: int
    end: int
    text: str


def find_unquantified(text: str, base: int = 0) -> list[SizeWords]:
    """Every size of money *text* states without a number, in order (offsets + ``base``).

    Only sizes of money changing hands count: the next word, or one just before, is a
    money word ("investment", "deal", "invest"; the ``money_context`` list).
    """
    rules = _rules()
    found = []
    for match in rules.unquantified.finditer(text):
        before = text[max(0, match.start() - 20) : match.start()]
        if not (
            rules.money_context.match(text, match.end() + 1) or rules.money_context.search(before)
        ):
            continue  # "a multibillion-dollar partnership" sizes a relationship, not a payment
        unit = (match.group("unit") or match.group("units")).lower()
        found.append(
            SizeWords(
                currency=rules.unquantified_currency[unit],
                start=base + match.start(),
                end=base + match.end(),
                text=match.group(0),
            )
        )
    return found


# ---------------------------------------------------------------- what an amount is


def _locate(sentence: str, match: AmountMatch | SizeWords, base: int) -> tuple[int, int]:
    """Local offsets of *match* in *sentence*, falling back to its quote when base is unknown."""
    start = match.start - base
    if sentence[start : start + len(match.text)] == match.text:
        return start, start + len(match.text)
    found = sentence.find(match.text)
    return (found, found + len(match.text)) if found >= 0 else (0, 0)


def _window(sentence: str, start: int, end: int) -> tuple[int, int]:
    """Words around the amount, cut at neighbouring amounts and at ";" so cues stay local."""
    left, right = max(0, start - _KIND_LEFT_CHARS), min(len(sentence), end + _KIND_RIGHT_CHARS)
    for other in find_amounts(sentence):
        if other.end <= start:
            left = max(left, other.end)
        elif other.start >= end:
            right = min(right, other.start)
    left = max(left, sentence.rfind(";", 0, start) + 1)
    semicolon = sentence.find(";", end, right)
    return left, semicolon if semicolon >= 0 else right


def amount_kind(sentence: str, match: AmountMatch | SizeWords, base: int = 0) -> str:
    """What *match* is (a key of ``vocab.AMOUNT_KINDS``), from the nearest cue word around it.

    :param base: the sentence's start offset, as given to :func:`find_amounts`; without it
        the amount is found again by its quote.
    """
    rules = _rules()
    start, end = _locate(sentence, match, base)
    left, right = _window(sentence, start, end)
    best: tuple[int, int, str] | None = None
    for cue in rules.kind_cue.finditer(sentence, left, right):
        if cue.start() < end and cue.end() > start:
            continue
        distance = start - cue.end() if cue.end() <= start else cue.start() - end
        # Nearest cue wins; at equal distance the longer cue ("deal valued at" > "valued at").
        rank = (distance, -len(cue.group(0)), rules.kind_of_cue[cue.group(0).lower()])
        if best is None or rank < best:
            best = rank
    return best[2] if best is not None else "other"
