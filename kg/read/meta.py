"""Metadata helpers shared by the readers: dates at their stated precision, language, blanks."""

from __future__ import annotations

import datetime as dt
import re

# Values that front matter and feeds use to say "we don't know".
_UNKNOWN = frozenset({"", "unknown", "none", "null", "n/a", "na", "-", "?"})

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}

_ISO = re.compile(r"(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?(?:[Tt ].*)?")
_MONTH = r"([A-Za-z]{3,9})\.?"
_MONTH_DAY_YEAR = re.compile(_MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(\d{4})")
_MONTH_YEAR = re.compile(_MONTH + r",?\s+(\d{4})")


def clean_value(value: object) -> str | None:
    """A metadata string, or None for missing values and the ones that say "unknown"."""
    if value is None:
        return None
    text = " ".join(str(value).split())
    return None if text.lower() in _UNKNOWN else text


def _iso(year: int, month: int | None = None, day: int | None = None) -> str | None:
    """Format a date at the precision given; None when it is not a real calendar date."""
    try:
        if day is not None and month is not None:
            return dt.date(year, month, day).isoformat()
        if month is not None:
            return dt.date(year, month, 1).isoformat()[:7]
    except ValueError:
        return None
    return f"{year:04d}" if 1000 <= year <= 9999 else None


def _month(name: str) -> int | None:
    return _MONTHS.get(name.lower())


def _from_words(text: str) -> str | None:
    """Dates written with a month name: "July 22, 2019", "22 July 2019", "July 2019"."""
    if match := _MONTH_DAY_YEAR.fullmatch(text):
        month = _month(match[1])
        return _iso(int(match[3]), month, int(match[2])) if month else None
    if match := _DAY_MONTH_YEAR.fullmatch(text):
        month = _month(match[2])
        return _iso(int(match[3]), month, int(match[1])) if month else None
    if match := _MONTH_YEAR.fullmatch(text):
        month = _month(match[1])
        return _iso(int(match[2]), month) if month else None
    return None


def normalise_date(value: object) -> str | None:
    """ISO ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` at the precision the value states.

    Accepts the date objects YAML produces, ISO strings (a time part is dropped) and dates
    written with month names. Returns None for unknown or unrecognised values.
    """
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        return _iso(value)
    text = clean_value(value)
    if text is None:
        return None
    if match := _ISO.fullmatch(text):
        month = int(match[2]) if match[2] else None
        day = int(match[3]) if match[3] else None
        return _iso(int(match[1]), month, day)
    return _from_words(text)


# Short function words that are frequent in running text; a few per language suffice to
# tell English from the other languages news in this domain is commonly written in.
_STOP_WORDS = {
    "en": "the of and to in is that for with as on by was are be this from it an at has",
    "de": "der die das und ist nicht mit von den zu ein eine sich auf für im dem des wird",
    "fr": "le la les et des est une pour dans que qui du au sur par pas avec sont ce",
    "es": "el la los las y de que en un una por para con es del se al su como más",
    "it": "il di che e la per un una sono del della con non gli le nel alla è da",
    "nl": "de het een en van is dat op te voor met zijn niet aan er door bij ook",
    "pt": "o os as e de que em um uma para com não do da dos das por no na",
}
_STOP_SETS = {lang: frozenset(words.split()) for lang, words in _STOP_WORDS.items()}
_WORD = re.compile(r"[^\W\d_]+")


def guess_language(text: str) -> str:
    """``"en"`` unless the text is clearly in another language (by stop-word counts).

    Short texts give too little evidence, so they count as English, the project's language.
    Returns the other language's code when it wins clearly.
    """
    words = [word.lower() for word in _WORD.findall(text[:20_000])]
    if len(words) < 20:
        return "en"
    scores = {lang: sum(word in stops for word in words) for lang, stops in _STOP_SETS.items()}
    best = max(scores, key=lambda lang: scores[lang])
    # "Clearly": the other language has at least twice the English hits and English is rare.
    if best == "en" or scores[best] < 2 * scores["en"] or scores["en"] > 0.05 * len(words):
        return "en"
    return best
