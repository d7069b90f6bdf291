"""Score predicted facts files against gold annotations (the corpus scoring spec).

Both sides use the facts JSON format of ``corpus/README.md``: one object per article with
``organizations`` and ``agreements``. The counts are those of the spec's reference scorer
(``shared/corpus/score.py``), which a test runs beside this module on the same files; six
metrics are counted per file and micro-averaged over files (true positives, false positives
and misses are summed before precision and recall):

``organizations``
    Gold entries that share a normalised name (:func:`normalize_org`) are one organisation.
    A predicted organisation (its name or any alias) matches the first gold organisation it
    shares a name with; each gold organisation matches once, so a second predicted entry for
    the same company is a false positive. A prediction naming an outlet of the gold
    ``source_orgs_excluded`` is not counted at all.
``agreements``
    A predicted agreement is a candidate for a gold one when they share at least two parties
    (all parties when gold lists fewer) and, when both are dated, the year. A party is the
    gold organisation its name matches, else its normalised name. Candidates are paired
    greedily, one-to-one, by a score: the same type (``type`` or a gold ``alt_types``) counts
    2, the same date string 1, plus the share of parties in common.
``agreements_typed``
    The same pairs, counted only where the type agrees (the spec's ``agreement_strict``).
``dates``
    Over the matched pairs whose gold date is known: right when the predicted date starts with
    the gold date string (gold ``2019`` accepts ``2019-07-22``; gold ``2019-07`` rejects
    ``2019-08-01``). A wrong or missing date is a false positive *and* a miss, so precision
    equals recall. When no agreement matches, ``dates`` has nothing to count and reads 1.0:
    read it next to ``agreements``.
``clauses``
    Per file, all clauses of all agreements pooled, type ``other`` dropped on both sides; each
    gold clause, in order, takes the first unused predicted clause of its type whose value is
    within 1% when the gold value is a number (a string, boolean or a mapping without
    ``amount``/``value`` is not checked).
``amounts``
    Per file, all agreement amounts with a numeric value pooled (a currency left out is USD);
    each gold amount takes the first unused predicted amount of its currency within 0.5%.

Precision is ``tp / (tp + fp)``, or 1.0 when nothing was predicted and nothing was to find
(0.0 when something was); recall is ``tp / (tp + fn)``, or 1.0 when nothing was to find. A gold
file without a prediction counts every gold item as a miss and is listed in
:attr:`EvalReport.missing_predictions`.
"""

from __future__ import annotations

import fnmatch
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
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

# Trailing words dropped from organisation names (after punctuation became spaces, so "S.A."
# is "s a" and keeps its letters); "the" is dropped at either end.
LEGAL_SUFFIXES: frozenset[str] = frozenset(
    "inc incorporated corp corporation co company ltd limited llc plc ag se sa nv bv"
    " gmbh kk spa lp llp pbc the".split()
)

CLAUSE_TOLERANCE = 0.01
AMOUNT_TOLERANCE = 0.005
_TEXT_PREVIEW = 60


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
            return 1.0 if self.tp + self.fn == 0 else 0.0
        return self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float:
        if self.tp + self.fn == 0:
            return 1.0
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
    return EvalReport(
        totals=_totals(files),
        files=tuple(files),
        missing_predictions=tuple(f.stem for f in files if f.prediction_missing),
        unscored_predictions=tuple(sorted(set(pred) - set(gold))),
    )


def _totals(files: Iterable[FileReport]) -> dict[str, Counts]:
    files = list(files)
    return {name: sum((f.metrics[name].counts for f in files), Counts()) for name in METRICS}


def score_file(gold: Mapping[str, Any], pred: Mapping[str, Any]) -> dict[str, MetricResult]:
    """All six metrics for one article."""
    companies = _GoldCompanies.from_gold(gold)
    gold_agreements = [_Agreement.parse(a, companies) for a in _dicts(gold.get("agreements"))]
    pred_agreements = [_Agreement.parse(a, companies) for a in _dicts(pred.get("agreements"))]
    pairs = _match_agreements(gold_agreements, pred_agreements)
    return {
        "organizations": _score_organizations(companies, gold, pred),
        "agreements": _agreement_result(gold_agreements, pred_agreements, pairs, typed=False),
        "agreements_typed": _agreement_result(gold_agreements, pred_agreements, pairs, typed=True),
        "dates": _score_dates(gold_agreements, pred_agreements, pairs),
        "clauses": _score_clauses(gold_agreements, pred_agreements),
        "amounts": _score_amounts(gold_agreements, pred_agreements),
    }


# --------------------------------------------------------------------------- normalisation


def normalize_org(name: str) -> str:
    """Lower-case, ASCII-fold, punctuation to spaces, trailing legal suffixes and "the" dropped.

    >>> normalize_org("Société Générale S.A.")
    'societe generale s a'
    >>> normalize_org("The Borealis Brothers & Company")
    'borealis brothers and'
    """
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = _NOT_ALPHANUMERIC.sub(" ", folded.replace("&", " and ")).split()
    while words and words[-1] in LEGAL_SUFFIXES:
        words.pop()
    while words and words[0] == "the":
        words.pop(0)
    return " ".join(words)


_NOT_ALPHANUMERIC = re.compile(r"[^a-z0-9 ]+")


class _GoldCompanies:
    """The gold organisations, as groups of normalised names (entries sharing a name are one)."""

    def __init__(self, names: list[str], groups: list[set[str]]) -> None:
        self.names = names  # the first gold name of each group, for reports
        self.groups = groups

    @classmethod
    def from_gold(cls, gold: Mapping[str, Any]) -> _GoldCompanies:
        names: list[str] = []
        groups: list[set[str]] = []
        for org in _orgs(gold.get("organizations")):
            keys = _org_keys(org)
            same = next((group for group in groups if group & keys), None)
            if same is not None:  # "Acme" and "Acme Holdings (Acme)" listed apart are one
                same.update(keys)
            else:
                names.append(org["name"])
                groups.append(set(keys))
        return cls(names, groups)

    def index(self, keys: AbstractSet[str]) -> int | None:
        """The first gold organisation sharing a name with *keys*."""
        return next((i for i, group in enumerate(self.groups) if group & keys), None)

    def party_id(self, name: str) -> int | str:
        """A party's gold organisation, or its normalised name when gold does not know it."""
        key = normalize_org(name)
        index = self.index({key})
        return index if index is not None else "?" + key


def _orgs(items: object) -> list[dict[str, Any]]:
    """Organisation entries as dicts; a bare string is read as a name without aliases."""
    out: list[dict[str, Any]] = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, str):
            out.append({"name": item, "aliases": [], "bare": True})
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            out.append(item)
    return out


def _org_keys(org: Mapping[str, Any]) -> frozenset[str]:
    if org.get("bare"):  # a bare string keeps even a name that normalises to nothing
        return frozenset({normalize_org(org["name"])})
    names = [org["name"], *_strings(org.get("aliases"))]
    return frozenset(k for k in map(normalize_org, names) if k)


# --------------------------------------------------------------------------- organisations


def _score_organizations(
    companies: _GoldCompanies, gold: Mapping[str, Any], pred: Mapping[str, Any]
) -> MetricResult:
    excluded = {normalize_org(n) for n in _strings(gold.get("source_orgs_excluded"))}
    predicted = [o for o in _orgs(pred.get("organizations")) if not _org_keys(o) & excluded]
    matched: set[int] = set()
    false_positives: list[str] = []
    for org in predicted:
        index = companies.index(_org_keys(org))
        if index is None or index in matched:
            false_positives.append(f"organization {org['name']}")
        else:
            matched.add(index)
    misses = [f"organization {name}" for i, name in enumerate(companies.names) if i not in matched]
    return MetricResult(
        Counts(len(matched), len(false_positives), len(misses)),
        tuple(misses),
        tuple(false_positives),
    )


# --------------------------------------------------------------------------- agreements

# Older facts files used these names; they score as the spec's types.
_AGREEMENT_TYPE_NAMES = {
    "compute_supply": "supply",
    "cloud_commitment": "supply",
    "definitive_agreement": "partnership",
    "services": "supply",
    "extension": "amendment",
}
_CLAUSE_TYPE_NAMES = {
    "ip_license": "license_grant",
    "license": "license_grant",
    "preferred_provider": "preferred_partner",
    "compute_commitment": "purchase_commitment",
    "minimum_commitment": "purchase_commitment",
    "agi_clause": "other",
    "duration": "term",
    "expiry": "term",
    "investment_amount": "investment",
    "royalties": "royalty",
    "stake": "equity_stake",
}


@dataclass(frozen=True)
class _Agreement:
    """The scored fields of one agreement, read defensively from either side."""

    type: object  # as written, for reports
    types: frozenset[object]  # type plus alt_types, under their spec names
    party_names: tuple[str, ...]
    party_ids: frozenset[int | str]  # gold organisation index, or "?name" when gold lacks it
    date: object
    clauses: tuple[Mapping[str, Any], ...]
    amounts: tuple[Mapping[str, Any], ...]

    @classmethod
    def parse(cls, raw: Mapping[str, Any], companies: _GoldCompanies) -> _Agreement:
        alt = raw.get("alt_types")
        alts = alt if isinstance(alt, list) else [alt] if isinstance(alt, str) else []
        names = _parties(raw)
        return cls(
            type=raw.get("type"),
            types=frozenset(_agreement_type(t) for t in [raw.get("type"), *alts]),
            party_names=tuple(names),
            party_ids=frozenset(companies.party_id(n) for n in names),
            date=raw.get("date"),
            clauses=tuple(_dicts(raw.get("clauses"))),
            amounts=tuple(_dicts(raw.get("amounts"))),
        )

    @property
    def spec_type(self) -> object:
        return _agreement_type(self.type)

    @property
    def year(self) -> str | None:
        return str(self.date)[:4] if self.date else None

    def describe(self) -> str:
        parties = ", ".join(self.party_names)
        return f"agreement {self.type or '?'} [{parties}] {self.date or 'undated'}"


def _agreement_type(name: object) -> object:
    return _AGREEMENT_TYPE_NAMES.get(name, name) if isinstance(name, str) else name


def _parties(raw: Mapping[str, Any]) -> list[str]:
    parties = raw.get("parties")
    names: list[str] = []
    for item in parties if isinstance(parties, list) else []:
        if isinstance(item, str):
            names.append(item)
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            names.append(item["name"])
    return names


def _match_agreements(gold: list[_Agreement], pred: list[_Agreement]) -> list[tuple[int, int]]:
    """One-to-one pairs, best candidates first (the same type, then the same date).

    A candidate shares at least two parties with the gold agreement (all of them when gold
    names fewer) and, when both are dated, its year. Candidates are taken greedily in order of
    their score; ties go to the later gold and predicted agreement, as in the reference scorer.
    """
    candidates: list[tuple[float, int, int]] = []
    for g, gold_agreement in enumerate(gold):
        for p, pred_agreement in enumerate(pred):
            score = _candidate_score(gold_agreement, pred_agreement)
            if score is not None:
                candidates.append((score, g, p))
    candidates.sort(reverse=True)
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for _, g, p in candidates:
        if g not in used_gold and p not in used_pred:
            used_gold.add(g)
            used_pred.add(p)
            pairs.append((g, p))
    return pairs


def _candidate_score(gold: _Agreement, pred: _Agreement) -> float | None:
    shared = gold.party_ids & pred.party_ids
    if len(shared) < min(2, len(gold.party_ids)):
        return None
    if gold.year and pred.year and gold.year != pred.year:
        return None
    union = gold.party_ids | pred.party_ids
    overlap = len(shared) / len(union) if union else 0.0
    same_type = pred.spec_type in gold.types
    same_date = str(gold.date) == str(pred.date)
    return 2 * same_type + same_date + overlap


def _agreement_result(
    gold: list[_Agreement], pred: list[_Agreement], pairs: list[tuple[int, int]], *, typed: bool
) -> MetricResult:
    if typed:  # the same pairs, counted only where the type agrees
        pairs = [(g, p) for g, p in pairs if pred[p].spec_type in gold[g].types]
    matched_gold = {g for g, _ in pairs}
    matched_pred = {p for _, p in pairs}
    misses = tuple(a.describe() for i, a in enumerate(gold) if i not in matched_gold)
    fps = tuple(a.describe() for i, a in enumerate(pred) if i not in matched_pred)
    return MetricResult(Counts(len(pairs), len(fps), len(misses)), misses, fps)


def _score_dates(
    gold: list[_Agreement], pred: list[_Agreement], pairs: list[tuple[int, int]]
) -> MetricResult:
    """Over matched pairs with a gold date: right when the predicted date starts with it."""
    tp, wrong = 0, []
    for g, p in pairs:
        gold_date = gold[g].date
        if not gold_date:
            continue
        predicted = str(pred[p].date if pred[p].date is not None else "")
        if predicted[: len(str(gold_date))] == str(gold_date):
            tp += 1
        else:
            wrong.append(
                f"date {gold_date} of {gold[g].describe()} (predicted {predicted or 'none'})"
            )
    # A wrong date is both a false positive and a miss, so precision equals recall.
    return MetricResult(Counts(tp, len(wrong), len(wrong)), tuple(wrong), tuple(wrong))


# --------------------------------------------------------------------------- clauses, amounts


def _score_clauses(gold: list[_Agreement], pred: list[_Agreement]) -> MetricResult:
    """Pooled per file, ``other`` left out; by type, and by value within 1% where gold has one."""
    gold_clauses, pred_clauses = _scored_clauses(gold), _scored_clauses(pred)

    def same(p: int, g: int) -> bool:
        (pred_type, pred_value), (gold_type, gold_value) = pred_clauses[p][:2], gold_clauses[g][:2]
        if pred_type != gold_type:
            return False
        return gold_value is None or _close(pred_value, gold_value, CLAUSE_TOLERANCE)

    pairs = _first_fit(len(gold_clauses), len(pred_clauses), same)
    return _result(pairs, [c[2] for c in gold_clauses], [c[2] for c in pred_clauses])


def _scored_clauses(agreements: list[_Agreement]) -> list[tuple[object, float | None, str]]:
    """(spec type, numeric value or None, description) of every clause not of type ``other``."""
    out: list[tuple[object, float | None, str]] = []
    for agreement in agreements:
        for clause in agreement.clauses:
            written = clause.get("type", "other")
            kind = _CLAUSE_TYPE_NAMES.get(written, written) if isinstance(written, str) else written
            value = clause.get("value")
            if isinstance(value, dict):  # {"amount": 250000, "currency": "USD"}
                value = value.get("amount", value.get("value"))
            if kind != "other":
                number = _plain_number(value)
                out.append((kind, number, _describe_clause(clause)))
    return out


def _describe_clause(clause: Mapping[str, Any]) -> str:
    parts = [f"clause {clause.get('type', 'other')}"]
    value = clause.get("value")
    if value is not None:
        parts.append(json.dumps(value, ensure_ascii=False, sort_keys=True))
    text = clause.get("text")
    if isinstance(text, str) and text:
        preview = text if len(text) <= _TEXT_PREVIEW else text[: _TEXT_PREVIEW - 1] + "…"
        parts.append(f'"{preview}"')
    return " ".join(parts)


def _score_amounts(gold: list[_Agreement], pred: list[_Agreement]) -> MetricResult:
    """Pooled per file: amounts with a numeric value, by currency and value within 0.5%."""
    gold_amounts, pred_amounts = _scored_amounts(gold), _scored_amounts(pred)

    def same(p: int, g: int) -> bool:
        (pred_value, pred_currency), (gold_value, gold_currency) = (
            pred_amounts[p][:2],
            gold_amounts[g][:2],
        )
        return pred_currency == gold_currency and _close(pred_value, gold_value, AMOUNT_TOLERANCE)

    pairs = _first_fit(len(gold_amounts), len(pred_amounts), same)
    return _result(pairs, [a[2] for a in gold_amounts], [a[2] for a in pred_amounts])


def _scored_amounts(agreements: list[_Agreement]) -> list[tuple[float, str, str]]:
    """(value, currency, description); an amount without a figure is not scored."""
    out: list[tuple[float, str, str]] = []
    for agreement in agreements:
        for amount in agreement.amounts:
            value = amount.get("value")
            if isinstance(value, int | float):
                currency = str(amount.get("currency") or "USD").upper()
                out.append(
                    (float(value), currency, _describe_amount(float(value), currency, amount))
                )
    return out


def _describe_amount(value: float, currency: str, amount: Mapping[str, Any]) -> str:
    shown = f"{value:,.0f}" if value == int(value) else f"{value:,}"
    text = amount.get("text")
    suffix = f' "{text}"' if isinstance(text, str) and text else ""
    return f"amount {shown} {currency}{suffix}"


def _plain_number(value: object) -> float | None:
    """A number as the spec reads one: booleans and strings are not numbers."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _close(pred: float | None, gold: float, tolerance: float) -> bool:
    """Within *tolerance* of the gold value (relative; a gold 0 needs an exact 0)."""
    if pred is None:
        return False
    return abs(pred - gold) <= tolerance * max(abs(gold), 1e-9)


# --------------------------------------------------------------------------- shared helpers


def _dicts(items: object) -> list[Mapping[str, Any]]:
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def _strings(items: object) -> list[str]:
    return [i for i in items if isinstance(i, str)] if isinstance(items, list) else []


def _first_fit(n_gold: int, n_pred: int, same: Callable[[int, int], bool]) -> list[tuple[int, int]]:
    """Each gold item, in order, takes the first unused predicted item that matches it."""
    used: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for g in range(n_gold):
        p = next((p for p in range(n_pred) if p not in used and same(p, g)), None)
        if p is not None:
            used.add(p)
            pairs.append((g, p))
    return pairs


def _result(
    pairs: Iterable[tuple[int, int]], gold_items: list[str], pred_items: list[str]
) -> MetricResult:
    pairs = list(pairs)
    matched_gold = {g for g, _ in pairs}
    matched_pred = {p for _, p in pairs}
    misses = tuple(d for i, d in enumerate(gold_items) if i not in matched_gold)
    fps = tuple(d for i, d in enumerate(pred_items) if i not in matched_pred)
    return MetricResult(Counts(len(pairs), len(fps), len(misses)), misses, fps)


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


def format_report(
    report: EvalReport,
    *,
    details: bool = False,
    groups: Mapping[str, str] | None = None,
) -> str:
    """A plain-text table of the totals.

    :param details: add every miss and false positive, grouped by metric, then by file.
    :param groups: name → file-stem glob; adds a table of F1 per metric for each group of files
        (``{"new": "[ab][0-9]*", "old": "![ab][0-9]*"}``) beside the whole set.
    """
    lines = [f"{'metric':<18}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'fp':>6}{'fn':>6}"]
    for name in METRICS:
        c = report.totals[name]
        lines.append(
            f"{name:<18}{c.precision:>7.3f}{c.recall:>7.3f}{c.f1:>7.3f}{c.tp:>6}{c.fp:>6}{c.fn:>6}"
        )
    if report.missing_predictions:
        lines.append(f"missing predictions: {', '.join(report.missing_predictions)}")
    if groups:
        lines.extend(_format_groups(report, groups))
    if details:
        for name in METRICS:
            lines.extend(_format_errors(report, name))
    return "\n".join(lines)


def group_report(report: EvalReport, pattern: str) -> EvalReport:
    """The report restricted to the files whose stem matches the glob *pattern*.

    A pattern starting with ``!`` takes the files that do not match the rest.
    """
    negated = pattern.startswith("!")
    glob = pattern[1:] if negated else pattern
    files = tuple(f for f in report.files if fnmatch.fnmatchcase(f.stem, glob) != negated)
    return EvalReport(
        totals=_totals(files),
        files=files,
        missing_predictions=tuple(
            s for s in report.missing_predictions if any(f.stem == s for f in files)
        ),
    )


def _format_groups(report: EvalReport, groups: Mapping[str, str]) -> list[str]:
    short = {"organizations": "orgs", "agreements_typed": "typed"}
    header = f"{'F1 by group':<24}{'files':>6}" + "".join(f"{short.get(n, n):>12}" for n in METRICS)
    rows = [("all", report), *((name, group_report(report, p)) for name, p in groups.items())]
    lines = ["", header]
    for name, part in rows:
        scores = "".join(f"{part.totals[n].f1:>12.3f}" for n in METRICS)
        lines.append(f"{name:<24}{len(part.files):>6}{scores}")
    return lines


def _format_errors(report: EvalReport, metric: str) -> list[str]:
    """One metric's misses and false positives, file by file."""
    total = report.totals[metric]
    lines = ["", f"== {metric}: {total.fn} missed, {total.fp} false positive(s)"]
    for file in report.files:
        result = file.metrics[metric]
        if not result.misses and not result.false_positives:
            continue
        lines.append(f"  {file.stem}" + (" (no prediction)" if file.prediction_missing else ""))
        lines.extend(f"    miss {item}" for item in result.misses)
        lines.extend(f"    fp   {item}" for item in result.false_positives)
    return lines
