"""The data of kg.extract.orgs: word lists, evidence weights and shapes, loaded and validated."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.errors import PatternError
from kg.extract.orgs.evidence import KINDS, NEGATIVE, POSITIVE, weights
from kg.extract.orgs.lexicon import lexicon, shapes
from kg.extract.rules import PATTERNS_DIR


def test_shipped_data_loads() -> None:
    assert "limited" in lexicon().legal_suffixes
    table = weights()
    assert set(table.weights) == KINDS
    assert all(table.weights[k] > 0 for k in POSITIVE)
    assert all(table.weights[k] < 0 for k in NEGATIVE)
    assert shapes().dateline.match("OSLO, Sept 9 (Wire) - Acme said")


def test_a_score_caps_each_kind() -> None:
    table = weights()
    once = table.score({"model_org": 1})
    assert table.score({"model_org": 50}) == once * table.caps["model_org"]
    assert table.score({"legal_suffix": 3}) == table.weights["legal_suffix"]


def _copy(tmp_path: Path, name: str, change: object) -> Path:
    data = json.loads((PATTERNS_DIR / name).read_text(encoding="utf-8"))
    change(data)  # type: ignore[operator]
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["weights"].pop("deal_role"), "missing: deal_role"),
        (lambda d: d["weights"].update(gut_feeling=1), "unknown: gut_feeling"),
        (lambda d: d["weights"].update(deal_role=-4), "wrong sign: deal_role"),
        (lambda d: d["weights"].update(deal_role="4"), "must be integers"),
        (lambda d: d.update(threshold=None), "'threshold' must be an integer"),
    ],
)
def test_bad_weights_are_named(tmp_path: Path, change: object, message: str) -> None:
    path = _copy(tmp_path, "org_evidence.json", change)
    with pytest.raises(PatternError, match=message):
        weights.__wrapped__(path)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["regexes"].pop("ticker"), "missing: ticker"),
        (lambda d: d["regexes"].update(ticker="(unclosed"), "regex 'ticker' is invalid"),
        (lambda d: d["regexes"].update(ticker="%(nowhere)s"), "regex 'ticker' is invalid"),
    ],
)
def test_bad_shapes_are_named(tmp_path: Path, change: object, message: str) -> None:
    path = _copy(tmp_path, "org_shapes.json", change)
    with pytest.raises(PatternError, match=message):
        shapes.__wrapped__(path)


def test_a_missing_word_list_is_named(tmp_path: Path) -> None:
    path = _copy(tmp_path, "non_organizations.json", lambda d: d.pop("business_nouns"))
    with pytest.raises(PatternError, match="'business_nouns' must be a list"):
        lexicon.__wrapped__(path)
