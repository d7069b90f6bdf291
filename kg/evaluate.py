"""Score predicted facts files against gold annotations (the corpus scoring spec).

Both sides use the facts JSON format of ``corpus/README.md``: one object per article with
``organizations`` and ``agreements``. Six metrics are counted per file and micro-averaged over
files (true positives, false positives and misses are summed before precision and recall):

``organizations``
    A predicted organisation (its name or any of its aliases) matches a gold organisation when,
    after :func:`normalize_org`, it equals the gold name or one of the gold aliases. Matching is
    one-to-one, so a second predicted entry for the same company is a false positive. An
    unmatched prediction that names an outlet of the gold ``source_orgs_excluded`` is ignored.
``agreements``
    A predicted agreement matches a gold one when they share at least two parties (all parties
    when gold lists fewer) and, when both give dates, the same year. Parties are compared after
    normalisation and through the gold alias table (a predicted ``AR`` is gold ``Acme Robotics``
    when ``GM`` is one of its aliases). Matching is one-to-one and optimal: as many pairs as
    possible, then as many with the same type (``type`` or any gold ``alt_types``), then as many
    with the same date.
``agreements_typed``
    The same, as its own one-to-one matching, with the type required to match (the spec's
    ``agreement_strict``).
``dates``
    Counted only over the pairs matched for ``agreements`` whose gold date is known, as the spec
    says. A predicted date that starts with the gold date string is a true positive (gold
    ``2019`` accepts ``2019-07-22``; gold ``2019-07`` rejects ``2019-08-01``); a different
    predicted date is a false positive *and* a miss; no predicted date is a miss. Pairs whose
    gold date is null are not counted either way, and neither are unmatched agreements (their
    loss already shows in ``agreements``). So when no agreement matches at all, ``dates`` has
    nothing to count and reads 1.0: read it next to ``agreements``.
``clauses``
    Per file, all clauses of all agreements pooled, type ``other`` dropped on both sides; one-to-one
    by type (exact, case-insensitive), and by value within 1% when the gold value is a number.
    A gold value that is a string (``"27%"``), a mapping (per-party stakes) or a boolean is not
    checked.
``amounts``
    Per file, all agreement amounts pooled; one-to-one by currency and by value within 0.5%.
    A gold amount without a value (``"multibillion dollar"``) is matched on currency alone.

Precision is ``tp / (tp + fp)`` and recall ``tp / (tp + fn)``; when a denominator is zero the
score is 1.0 if the other kind of error is also absent and 0.0 otherwise, so a file with nothing
to find and nothing predicted scores 1.0. A gold file without a prediction counts every gold
item as a miss and is listed in :attr:`EvalReport.missing_predictions`.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import EvalError

METRICS: tuple[str, ...] = (
    "organizations",
    "agreements",
    "agreements_typed",
    "dates",
    "clauses",
    "amounts",
)

# Names a floor file may use for a metric (the corpus README's wording included).
_METRIC_ALIASES: dict[str, str] = {
    "org": "organizations",
    "orgs": "organizations",
    "organization": "organizations",
    "organisations": "organizations",
    "organisation": "organizations",
    "agreement": "agreements",
    "agreement_strict": "agreements_typed",
    "agreements_strict": "agreements_typed",
    "agreement_typed": "agreements_typed",
    "date": "dates",
    "clause": "clauses",
    "amount": "amounts",
}

# Trailing legal-form words dropped from organisation names (after punctuation is removed, so
# "S.A." is "sa" and "N.V." is "nv"). The spec lists Inc, Corp, Ltd, LLC, PLC, AG, SE, SA, NV,
# GmbH and PBC "such as"; the long forms and other common legal forms complete the list.
LEGAL_SUFFIXES: frozenset[str] = frozenset(
    "inc incorporated corp corporation co company ltd limited llc llp lp plc ag se sa nv bv"
    " gmbh kg kgaa pbc spa sas sarl srl ab as asa oyj kk pty pte ulc".split()
)
# Suffixes that may leave a dangling "and" ("Borealis Brothers and Company", "Smith & Co.").
_AMPERSAND_SUFFIXES = frozenset({"co", "company"})

CLAUSE_TOLERANCE = 0.01
AMOUNT_TOLERANCE = 0.005
_TEXT_PREVIEW = 60

_YEAR = re.compile(r"\d{4}")


# --------------------------------------------------------------------------- report records


@dataclass(frozen=True)
class Counts:
    """True positives, false positives and misses of one metric, with derived scores."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        if self.tp + self.fp == 0:
            return 1.0 if self.fn == 0 else 0.0
        return self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float:
        if self.tp + self.fn == 0:
            return 1.0 if self.fp == 0 else 0.0
        return self.tp / (self.tp + self.fn)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    def to_dict(self) -> dict[str, Any]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass(frozen=True)
class MetricResult:
    """One metric on one file: counts plus readable descriptions of the errors."""

    counts: Counts
    misses: tuple[str, ...] = ()  # gold items not matched
    false_positives: tuple[str, ...] = ()  # predicted items not matched

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.counts.to_dict(),
            "misses": list(self.misses),
            "false_positives": list(self.false_positives),
        }


@dataclass(frozen=True)
class FileReport:
    """All metrics of one gold file (``stem`` is the file name without ``.gold.json``)."""

    stem: str
    metrics: Mapping[str, MetricResult]
    prediction_missing: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "prediction_missing": self.prediction_missing,
            "metrics": {name: self.metrics[name].to_dict() for name in METRICS},
        }


@dataclass(frozen=True)
class EvalReport:
    """Micro-averaged totals per metric plus one :class:`FileReport` per gold file."""

    totals: Mapping[str, Counts]
    files: tuple[FileReport, ...]
    missing_predictions: tuple[str, ...] = ()  # gold stems without a prediction
    unscored_predictions: tuple[str, ...] = ()  # prediction stems without gold

    def f1(self, metric: str) -> float:
        return self.totals[canonical_metric(metric)].f1

    def file(self, stem: str) -> FileReport:
        for report in self.files:
            if report.stem == stem:
                return report
        raise KeyError(stem)

    def to_dict(self) -> dict[str, Any]:
        return {
            "totals": {name: self.totals[name].to_dict() for name in METRICS},
            "files": {report.stem: report.to_dict() for report in self.files},
            "missing_predictions": list(self.missing_predictions),
            "unscored_predictions": list(self.unscored_predictions),
        }


def canonical_metric(name: str) -> str:
    """Map a metric name or alias (``org``, ``agreement_strict``…) to a name of :data:`METRICS`."""
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    key = _METRIC_ALIASES.get(key, key)
    if key not in METRICS:
        raise EvalError(f"unknown metric {name!r}; expected one of {', '.join(METRICS)}")
    return key


# --------------------------------------------------------------------------- loading


def load_facts(path: Path | str) -> dict[str, Any]:
    """Read one facts JSON file (gold or predicted) and check its outer shape.

    :raises EvalError: the file is missing, is not JSON, or is not a facts object.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise EvalError(f"{path}: facts file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalError(f"{path}: cannot read facts file ({exc})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise EvalError(
            f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    _check_shape(path, data)
    return data  # type: ignore[no-any-return]


def _check_shape(path: Path, data: object) -> None:
    if not isinstance(data, dict):
        raise EvalError(f"{path}: expected a JSON object with 'organizations' and 'agreements'")
    for key in ("organizations", "agreements"):
        items = data.get(key, [])
        if not isinstance(items, list):
            raise EvalError(f"{path}: '{key}' must be a list")
        for index, item in enumerate(items):
            if not isinstance(item, dict) and not (
                key == "organizations" and isinstance(item, str)
            ):
                raise EvalError(f"{path}: {key}[{index}] must be an object")


def _stem(path: Path) -> str:
    name = path.name
    for suffix in (".gold.json", ".json"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return path.stem


def score_paths(gold_files: Sequence[Path | str], pred_dir: Path | str) -> EvalReport:
    """Score gold files ``<stem>.gold.json`` (from any folders) against ``pred_dir/<stem>.json``.

    :raises EvalError: no gold files, two gold files with the same stem, a missing prediction
        folder, or an unreadable file.
    """
    pred_dir = Path(pred_dir)
    if not pred_dir.is_dir():
        raise EvalError(f"{pred_dir}: prediction folder not found")
    if not gold_files:
        raise EvalError("no gold files to score")
    gold: dict[str, dict[str, Any]] = {}
    pred: dict[str, dict[str, Any]] = {}
    for gold_path in map(Path, gold_files):
        stem = _stem(gold_path)
        if stem in gold:
            raise EvalError(f"{gold_path}: a gold file for '{stem}' was already given")
        gold[stem] = load_facts(gold_path)
        pred_path = pred_dir / f"{stem}.json"
        if pred_path.is_file():
            pred[stem] = load_facts(pred_path)
    unscored = sorted(
        _stem(p) for p in pred_dir.glob("*.json") if _stem(p) not in gold and p.is_file()
    )
    report = score(gold, pred)
    return EvalReport(
        totals=report.totals,
        files=report.files,
        missing_predictions=report.missing_predictions,
        unscored_predictions=tuple(unscored),
    )


def gold_files_in(gold_dir: Path | str) -> list[Path]:
    """The ``*.gold.json`` files of a folder, sorted by name."""
    gold_dir = Path(gold_dir)
    if not gold_dir.is_dir():
        raise EvalError(f"{gold_dir}: gold folder not found")
    files = sorted(gold_dir.glob("*.gold.json"))
    if not files:
        raise EvalError(f"{gold_dir}: no *.gold.json files in this folder")
    return files


def score_dirs(gold_dir: Path | str, pred_dir: Path | str) -> EvalReport:
    """Score every ``gold_dir/<stem>.gold.json`` against ``pred_dir/<stem>.json``."""
    return score_paths(gold_files_in(gold_dir), pred_dir)


# --------------------------------------------------------------------------- scoring


def score(
    gold: Mapping[str, Mapping[str, Any]], pred: Mapping[str, Mapping[str, Any]]
) -> EvalReport:
    """Score predictions against gold; both are keyed by file stem.

    A gold stem absent from ``pred`` is scored against an empty prediction (all misses).
    Prediction stems without gold are not scored and are listed in ``unscored_predictions``.
    """
    files: list[FileReport] = []
    for stem in sorted(gold):
        prediction = pred.get(stem)
        metrics = score_file(gold[stem], prediction or {})
        files.append(FileReport(stem, metrics, prediction_missing=prediction is None))
    totals = {name: sum((f.metrics[name].counts for f in files), Counts()) for name in METRICS}
    return EvalReport(
        totals=totals,
        files=tuple(files),
        missing_predictions=tuple(f.stem for f in files if f.prediction_missing),
        unscored_predictions=tuple(sorted(set(pred) - set(gold))),
    )


def score_file(gold: Mapping[str, Any], pred: Mapping[str, Any]) -> dict[str, MetricResult]:
    """All six metrics for one article."""
    table = _AliasTable.from_gold(gold)
    gold_agreements = [_Agreement.parse(a) for a in _dicts(gold.get("agreements"))]
    pred_agreements = [_Agreement.parse(a) for a in _dicts(pred.get("agreements"))]
    agreements, pairs = _score_agreements(gold_agreements, pred_agreements, table, typed=False)
    typed, _ = _score_agreements(gold_agreements, pred_agreements, table, typed=True)
    return {
        "organizations": _score_organizations(gold, pred),
        "agreements": agreements,
        "agreements_typed": typed,
        "dates": _score_dates(pairs),
        "clauses": _score_clauses(gold_agreements, pred_agreements),
        "amounts": _score_amounts(gold_agreements, pred_agreements),
    }


# --------------------------------------------------------------------------- normalisation


def normalize_org(name: str) -> str:
    """Lower-case, ASCII-fold, drop punctuation and trailing legal suffixes.

    >>> normalize_org("Société Générale S.A.")
    'societe generale'
    >>> normalize_org("Borealis Brothers and Company")
    'borealis brothers'
    """
    folded = _strip_punctuation(_ascii_fold(name.casefold()))
    if not folded.strip():
        # Names in scripts with no ASCII form keep their letters rather than vanish.
        folded = _strip_punctuation(name.casefold())
    tokens = folded.split()
    while len(tokens) > 1 and tokens[-1] in LEGAL_SUFFIXES:
        removed = tokens.pop()
        if removed in _AMPERSAND_SUFFIXES and len(tokens) > 1 and tokens[-1] == "and":
            tokens.pop()
    return " ".join(tokens)


# Letters that Unicode does not decompose into an ASCII base letter plus an accent.
_UNDECOMPOSABLE = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ł": "l", "þ": "th"})


def _ascii_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSABLE))
    return decomposed.encode("ascii", "ignore").decode("ascii")


def _strip_punctuation(text: str) -> str:
    # Punctuation and symbols are removed, not replaced by spaces, so "S.A." becomes "sa".
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PS")


class _AliasTable:
    """Maps a normalised name to every normalised form of the gold organisations it names."""

    def __init__(self, groups: list[frozenset[str]]) -> None:
        self._groups = groups

    @classmethod
    def from_gold(cls, gold: Mapping[str, Any]) -> _AliasTable:
        return cls([_org_keys(org) for org in _orgs(gold.get("organizations"))])

    def keys(self, name: str) -> frozenset[str]:
        norm = normalize_org(name)
        if not norm:
            return frozenset()
        keys = {norm}
        for group in self._groups:
            if norm in group:
                keys |= group
        return frozenset(keys)


def _orgs(items: object) -> list[dict[str, Any]]:
    """Organisation entries as dicts; a bare string is read as a name without aliases."""
    out: list[dict[str, Any]] = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, str):
            out.append({"name": item, "aliases": []})
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            out.append(item)
    return out


def _org_names(org: Mapping[str, Any]) -> list[str]:
    aliases = org.get("aliases")
    names = [org["name"], *(aliases if isinstance(aliases, list) else [])]
    return [n for n in names if isinstance(n, str)]


def _org_keys(org: Mapping[str, Any]) -> frozenset[str]:
    return frozenset(k for k in map(normalize_org, _org_names(org)) if k)


# --------------------------------------------------------------------------- organisations


def _score_organizations(gold: Mapping[str, Any], pred: Mapping[str, Any]) -> MetricResult:
    gold_orgs = _orgs(gold.get("organizations"))
    pred_orgs = [o for o in _orgs(pred.get("organizations")) if _org_keys(o)]
    gold_keys = [_org_keys(o) for o in gold_orgs]
    pred_keys = [_org_keys(o) for o in pred_orgs]
    excluded = {normalize_org(n) for n in _strings(gold.get("source_orgs_excluded"))} - {""}

    def weight(g: int, p: int) -> tuple[int, ...] | None:
        if not gold_keys[g] & pred_keys[p]:
            return None
        # Tie-break towards the pairing whose main names agree, so reports read naturally.
        same_name = normalize_org(gold_orgs[g]["name"]) == normalize_org(pred_orgs[p]["name"])
        return (int(same_name),)

    pairs = _assign(len(gold_orgs), len(pred_orgs), weight)
    matched_gold = {g for g, _ in pairs}
    matched_pred = {p for _, p in pairs}
    misses = [f"organization {gold_orgs[g]['name']}" for g in range(len(gold_orgs))]
    misses = [m for g, m in enumerate(misses) if g not in matched_gold]
    fps = [
        f"organization {pred_orgs[p]['name']}"
        for p in range(len(pred_orgs))
        if p not in matched_pred and not pred_keys[p] & excluded
    ]
    return MetricResult(Counts(len(pairs), len(fps), len(misses)), tuple(misses), tuple(fps))


# --------------------------------------------------------------------------- agreements


@dataclass(frozen=True)
class _Agreement:
    """The scored fields of one agreement, read defensively from either side."""

    type: str
    types: frozenset[str]  # type plus alt_types
    parties: tuple[str, ...]
    date: str | None
    clauses: tuple[Mapping[str, Any], ...]
    amounts: tuple[Mapping[str, Any], ...]

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> _Agreement:
        main = _type_name(raw.get("type"))
        alt = raw.get("alt_types")
        alts = [alt] if isinstance(alt, str) else _strings(alt)
        types = frozenset(t for t in [main, *map(_type_name, alts)] if t)
        return cls(
            type=main,
            types=types,
            parties=tuple(_parties(raw)),
            date=_date(raw.get("date")),
            clauses=tuple(_dicts(raw.get("clauses"))),
            amounts=tuple(_dicts(raw.get("amounts"))),
        )

    def describe(self) -> str:
        parties = ", ".join(self.parties)
        return f"agreement {self.type or '?'} [{parties}] {self.date or 'undated'}"


def _parties(raw: Mapping[str, Any]) -> list[str]:
    parties = raw.get("parties")
    names: list[str] = []
    for item in parties if isinstance(parties, list) else []:
        if isinstance(item, str):
            names.append(item)
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            names.append(item["name"])
    return names


def _score_agreements(
    gold: list[_Agreement], pred: list[_Agreement], table: _AliasTable, *, typed: bool
) -> tuple[MetricResult, list[tuple[_Agreement, _Agreement]]]:
    gold_parties = [[table.keys(p) for p in a.parties] for a in gold]
    pred_parties = [[table.keys(p) for p in a.parties] for a in pred]

    def weight(g: int, p: int) -> tuple[int, ...] | None:
        if not _parties_match(gold_parties[g], pred_parties[p]):
            return None
        if not _years_compatible(gold[g].date, pred[p].date):
            return None
        same_type = pred[p].type in gold[g].types
        if typed and not same_type:
            return None
        return (int(same_type), int(_date_correct(gold[g].date, pred[p].date)))

    pairs = _assign(len(gold), len(pred), weight)
    result = _result(
        pairs,
        [a.describe() for a in gold],
        [a.describe() for a in pred],
    )
    return result, [(gold[g], pred[p]) for g, p in pairs]


def _parties_match(gold: list[frozenset[str]], pred: list[frozenset[str]]) -> bool:
    distinct = {k for k in gold if k}
    needed = min(2, len(distinct))
    if needed == 0:
        return True
    shared = _assign(len(gold), len(pred), lambda g, p: () if gold[g] & pred[p] else None)
    return len(shared) >= needed


def _years_compatible(gold: str | None, pred: str | None) -> bool:
    gold_year, pred_year = _year(gold), _year(pred)
    return gold_year is None or pred_year is None or gold_year == pred_year


def _year(date: str | None) -> str | None:
    match = _YEAR.match(date or "")
    return match.group(0) if match else None


def _date(value: object) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _date_correct(gold: str | None, pred: str | None) -> bool:
    return gold is not None and pred is not None and pred.startswith(gold)


def _score_dates(pairs: list[tuple[_Agreement, _Agreement]]) -> MetricResult:
    tp, misses, fps = 0, [], []
    for gold, pred in pairs:
        if gold.date is None:
            continue  # the spec scores dates only where gold knows them
        if _date_correct(gold.date, pred.date):
            tp += 1
            continue
        shown = pred.date or "none"
        misses.append(f"date {gold.date} of {gold.describe()} (predicted {shown})")
        if pred.date is not None:
            fps.append(f"date {pred.date} of {pred.describe()} (gold {gold.date})")
    return MetricResult(Counts(tp, len(fps), len(misses)), tuple(misses), tuple(fps))


# --------------------------------------------------------------------------- clauses, amounts


def _score_clauses(gold: list[_Agreement], pred: list[_Agreement]) -> MetricResult:
    gold_clauses = _pooled_clauses(gold)
    pred_clauses = _pooled_clauses(pred)

    def weight(g: int, p: int) -> tuple[int, ...] | None:
        gc, pc = gold_clauses[g], pred_clauses[p]
        if _type_name(gc.get("type")) != _type_name(pc.get("type")):
            return None
        gold_value = _number(gc.get("value"), allow_text=False)
        if gold_value is None:
            return ()
        pred_value = _number(pc.get("value"), allow_text=True)
        if pred_value is None or not _close(gold_value, pred_value, CLAUSE_TOLERANCE):
            return None
        return ()

    pairs = _assign(len(gold_clauses), len(pred_clauses), weight)
    return _result(
        pairs,
        [_describe_clause(c) for c in gold_clauses],
        [_describe_clause(c) for c in pred_clauses],
    )


def _pooled_clauses(agreements: list[_Agreement]) -> list[Mapping[str, Any]]:
    return [
        clause
        for agreement in agreements
        for clause in agreement.clauses
        if _type_name(clause.get("type")) not in ("", "other")
    ]


def _describe_clause(clause: Mapping[str, Any]) -> str:
    parts = [f"clause {_type_name(clause.get('type'))}"]
    value = clause.get("value")
    if value is not None:
        parts.append(json.dumps(value, ensure_ascii=False, sort_keys=True))
    text = clause.get("text")
    if isinstance(text, str) and text:
        preview = text if len(text) <= _TEXT_PREVIEW else text[: _TEXT_PREVIEW - 1] + "…"
        parts.append(f'"{preview}"')
    return " ".join(parts)


def _score_amounts(gold: list[_Agreement], pred: list[_Agreement]) -> MetricResult:
    gold_amounts = [m for a in gold for m in a.amounts]
    pred_amounts = [m for a in pred for m in a.amounts]

    def weight(g: int, p: int) -> tuple[int, ...] | None:
        ga, pa = gold_amounts[g], pred_amounts[p]
        if _currency(ga) != _currency(pa):
            return None
        gold_value = _number(ga.get("value"), allow_text=True)
        if gold_value is None:
            # A gold amount with no figure ("multibillion dollar") is matched on currency, but
            # figures are given to the gold amounts that have one first.
            return (0,)
        pred_value = _number(pa.get("value"), allow_text=True)
        if pred_value is None or not _close(gold_value, pred_value, AMOUNT_TOLERANCE):
            return None
        return (1,)

    pairs = _assign(len(gold_amounts), len(pred_amounts), weight)
    return _result(
        pairs,
        [_describe_amount(m) for m in gold_amounts],
        [_describe_amount(m) for m in pred_amounts],
    )


def _currency(amount: Mapping[str, Any]) -> str | None:
    currency = amount.get("currency")
    return currency.strip().upper() if isinstance(currency, str) and currency.strip() else None


def _describe_amount(amount: Mapping[str, Any]) -> str:
    value = _number(amount.get("value"), allow_text=True)
    shown = "?" if value is None else f"{value:,.0f}" if value == int(value) else f"{value:,}"
    text = amount.get("text")
    suffix = f' "{text}"' if isinstance(text, str) and text else ""
    return f"amount {shown} {_currency(amount) or '???'}{suffix}"


def _number(value: object, *, allow_text: bool) -> float | None:
    """A numeric value; booleans are not numbers, and strings only when ``allow_text``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if allow_text and isinstance(value, str):
        try:
            return float(value.replace(",", "").strip())
        except ValueError:
            return None
    return None


def _close(gold: float, pred: float, tolerance: float) -> bool:
    if gold == 0:
        return pred == 0
    # A tiny absolute slack keeps float rounding from rejecting a value exactly at the bound.
    return abs(pred - gold) <= tolerance * abs(gold) * (1 + 1e-9)


# --------------------------------------------------------------------------- shared helpers


def _type_name(value: object) -> str:
    return value.strip().lower() if isinstance(value, str) else ""


def _dicts(items: object) -> list[Mapping[str, Any]]:
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def _strings(items: object) -> list[str]:
    return [i for i in items if isinstance(i, str)] if isinstance(items, list) else []


def _result(
    pairs: Iterable[tuple[int, int]], gold_items: list[str], pred_items: list[str]
) -> MetricResult:
    pairs = list(pairs)
    matched_gold = {g for g, _ in pairs}
    matched_pred = {p for _, p in pairs}
    misses = tuple(d for i, d in enumerate(gold_items) if i not in matched_gold)
    fps = tuple(d for i, d in enumerate(pred_items) if i not in matched_pred)
    return MetricResult(Counts(len(pairs), len(fps), len(misses)), misses, fps)


def _assign(
    n_gold: int, n_pred: int, weight: Callable[[int, int], tuple[int, ...] | None]
) -> list[tuple[int, int]]:
    """Optimal one-to-one matching: the most pairs, then the best tie-break tuples.

    ``weight(g, p)`` is ``None`` when the items cannot match, else a tuple of non-negative
    integer preferences compared lexicographically (all tuples of one call have one length).
    Tuples are packed into one integer so that each component outweighs every later one summed
    over any matching; the pair count outweighs them all. Returns sorted ``(gold, pred)`` pairs.
    """
    table = {
        (g, p): w for g in range(n_gold) for p in range(n_pred) if (w := weight(g, p)) is not None
    }
    if not table:
        return []
    packed = _pack(table, min(n_gold, n_pred))
    matrix = [[packed.get((g, p), 0) for p in range(n_pred)] for g in range(n_gold)]
    return sorted((g, p) for g, p in _max_weight_assignment(matrix) if (g, p) in table)


def _pack(
    table: Mapping[tuple[int, int], tuple[int, ...]], size: int
) -> dict[tuple[int, int], int]:
    width = max(len(w) for w in table.values())
    tuples = {k: (1, *w, *([0] * (width - len(w)))) for k, w in table.items()}
    maxima = [max(t[i] for t in tuples.values()) for i in range(width + 1)]
    packed = dict.fromkeys(tuples, 0)
    multiplier = 1
    for i in reversed(range(width + 1)):
        for key, t in tuples.items():
            packed[key] += t[i] * multiplier
        multiplier *= size * maxima[i] + 1
    return packed


def _max_weight_assignment(weights: list[list[int]]) -> list[tuple[int, int]]:
    """Rows to columns maximising the total weight (Hungarian algorithm, O(n²m)).

    Every row is assigned when there are at least as many columns; pairs of weight zero are
    simply non-matches for the caller to drop.
    """
    n_rows, n_cols = len(weights), len(weights[0]) if weights else 0
    if n_rows > n_cols:
        flipped = [[weights[r][c] for r in range(n_rows)] for c in range(n_cols)]
        return [(r, c) for c, r in _max_weight_assignment(flipped)]
    cost = [[-w for w in row] for row in weights]
    infinity = sum(abs(w) for row in weights for w in row) + 1
    u, v = [0] * (n_rows + 1), [0] * (n_cols + 1)
    owner = [0] * (n_cols + 1)  # owner[c]: 1-based row assigned to column c, 0 if none
    way = [0] * (n_cols + 1)
    for row in range(1, n_rows + 1):
        owner[0], col = row, 0
        slack = [infinity] * (n_cols + 1)
        used = [False] * (n_cols + 1)
        while owner[col] != 0:
            used[col] = True
            r, delta, nxt = owner[col], infinity, 0
            for c in range(1, n_cols + 1):
                if used[c]:
                    continue
                reduced = cost[r - 1][c - 1] - u[r] - v[c]
                if reduced < slack[c]:
                    slack[c], way[c] = reduced, col
                if slack[c] < delta:
                    delta, nxt = slack[c], c
            for c in range(n_cols + 1):
                if used[c]:
                    u[owner[c]] += delta
                    v[c] -= delta
                else:
                    slack[c] -= delta
            col = nxt
        while col:
            prev = way[col]
            owner[col] = owner[prev]
            col = prev
    return [(owner[c] - 1, c - 1) for c in range(1, n_cols + 1) if owner[c]]


# --------------------------------------------------------------------------- floor gate


def load_floor(path: Path | str) -> dict[str, float]:
    """Read a JSON object of ``metric: minimum F1`` (metric aliases accepted)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EvalError(f"{path}: floor file not found") from None
    except (OSError, ValueError) as exc:
        raise EvalError(f"{path}: cannot read floor file ({exc})") from None
    if not isinstance(data, dict) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in data.values()
    ):
        raise EvalError(f"{path}: expected a JSON object of metric names to numbers")
    return {canonical_metric(k): float(v) for k, v in data.items()}


def check_floor(
    report: EvalReport, floor: Mapping[str, float], tolerance: float = 0.01
) -> list[str]:
    """Messages for the metrics whose F1 is more than ``tolerance`` below their floor.

    An empty list means the gate passes. Unknown metric names raise :class:`EvalError`, so a
    typo in the floor file cannot switch a check off.
    """
    failures: list[str] = []
    for name, minimum in floor.items():
        metric = canonical_metric(name)
        f1 = report.totals[metric].f1
        if f1 < minimum - tolerance:
            failures.append(
                f"{metric}: F1 {f1:.3f} is below the floor {minimum:.3f} (tolerance {tolerance:g})"
            )
    return failures


# --------------------------------------------------------------------------- text output


def format_report(report: EvalReport, *, details: bool = False) -> str:
    """A plain-text table of the totals; ``details`` adds each file's misses and false hits."""
    lines = [f"{'metric':<18}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'fp':>6}{'fn':>6}"]
    for name in METRICS:
        c = report.totals[name]
        lines.append(
            f"{name:<18}{c.precision:>7.3f}{c.recall:>7.3f}{c.f1:>7.3f}{c.tp:>6}{c.fp:>6}{c.fn:>6}"
        )
    if report.missing_predictions:
        lines.append(f"missing predictions: {', '.join(report.missing_predictions)}")
    if details:
        for file in report.files:
            lines.extend(_format_file(file))
    return "\n".join(lines)


def _format_file(file: FileReport) -> list[str]:
    scores = " ".join(f"{name}={file.metrics[name].counts.f1:.2f}" for name in METRICS)
    lines = ["", f"== {file.stem}" + (" (no prediction)" if file.prediction_missing else "")]
    lines.append(f"   {scores}")
    shown: set[str] = set()
    for name in METRICS:
        result = file.metrics[name]
        # Typed agreement errors mostly repeat the untyped ones; print only the new ones.
        label = " (type)" if name == "agreements_typed" else ""
        for item in result.misses:
            if item not in shown:
                lines.append(f"   miss{label} {item}")
        for item in result.false_positives:
            if item not in shown:
                lines.append(f"   fp{label}   {item}")
        shown.update(result.misses, result.false_positives)
    return lines
