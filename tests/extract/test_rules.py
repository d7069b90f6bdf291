"""kg.extract.rules: the one JSONL rule loader, its validation and the shipped rule files."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import PatternError
from kg.extract.nlp import WORD_LISTS
from kg.extract.rules import PATTERNS_DIR, load_patterns, load_word_lists

GOOD = [
    ('{"label": "ORG", "pattern": "Acme Robotics"}', {"label": "ORG", "pattern": "Acme Robotics"}),
    (
        '{"label": "ORG", "id": "x", "pattern": [{"LOWER": "acme"}, {"IS_TITLE": true, "OP": "+"}]}',  # noqa: E501
        {"label": "ORG", "id": "x", "pattern": [{"LOWER": "acme"}, {"IS_TITLE": True, "OP": "+"}]},
    ),
    (
        '{"label": "X", "pattern": [{"IS_ALPHA": true, "OP": "{0,3}"}]}',
        {"label": "X", "pattern": [{"IS_ALPHA": True, "OP": "{0,3}"}]},
    ),
]

BAD = [
    ("not json", "not valid JSON"),
    ('["a list"]', "expected a JSON object"),
    ('{"pattern": "Acme"}', "missing key(s) label"),
    ('{"label": "ORG"}', "missing key(s) pattern"),
    ('{"label": "", "pattern": "Acme"}', "'label' must be a non-empty string"),
    ('{"label": "ORG", "id": 3, "pattern": "Acme"}', "'id' must be a non-empty string"),
    ('{"label": "ORG", "pattern": "  "}', "empty string"),
    ('{"label": "ORG", "pattern": []}', "non-empty list"),
    ('{"label": "ORG", "pattern": ["Acme"]}', "token 0 of 'pattern' is not an object"),
    ('{"label": "ORG", "pattern": [{"LOWR": "acme"}]}', "unknown attribute(s) LOWR"),
    ('{"label": "ORG", "pattern": [{"LOWER": "a", "OP": "++"}]}', "unknown OP"),
]


@pytest.mark.parametrize(("line", "expected"), GOOD, ids=["phrase", "tokens", "range-op"])
def test_valid_lines_load(tmp_path: Path, line: str, expected: dict[str, object]) -> None:
    path = tmp_path / "rules.jsonl"
    path.write_text("// a comment\n\n" + line + "\n", encoding="utf-8")
    assert load_patterns(path) == [expected]


@pytest.mark.parametrize(("line", "message"), BAD, ids=[m for _, m in BAD])
def test_invalid_line_names_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "rules.jsonl"
    path.write_text('{"label": "ORG", "pattern": "Fine"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(PatternError) as excinfo:
        load_patterns(path)
    assert f"{path}:2:" in str(excinfo.value)
    assert message in str(excinfo.value)


def test_required_keys_are_configurable(tmp_path: Path) -> None:
    path = tmp_path / "deals.jsonl"
    path.write_text('{"label": "ACQUIRES", "verbs": ["acquire"]}\n', encoding="utf-8")
    assert load_patterns(path, required_keys=("label", "verbs"))[0]["verbs"] == ["acquire"]
    with pytest.raises(PatternError, match="missing key"):
        load_patterns(path)


def test_missing_file_is_a_pattern_error(tmp_path: Path) -> None:
    with pytest.raises(PatternError, match="cannot read rule file"):
        load_patterns(tmp_path / "absent.jsonl")


def test_a_rule_may_name_a_word_list(tmp_path: Path) -> None:
    path = tmp_path / "rules.jsonl"
    path.write_text(
        '{"label": "ORG", "pattern": [{"TEXT": {"IN": "@heads"}}, {"LOWER": {"NOT_IN": "@stops"}}]}\n'
        '{"label": "ORG", "pattern": [{"TEXT": {"IN": "@missing"}}]}\n',
        encoding="utf-8",
    )
    lists = {"heads": ["Mills", "Foods"], "stops": ["and"]}
    with pytest.raises(PatternError, match=r"rules.jsonl:2: .*unknown word list '@missing'"):
        load_patterns(path, word_lists=lists)
    path.write_text(path.read_text().splitlines()[0] + "\n", encoding="utf-8")
    pattern = load_patterns(path, word_lists=lists)[0]["pattern"]
    assert pattern == [{"TEXT": {"IN": ["Mills", "Foods"]}}, {"LOWER": {"NOT_IN": ["and"]}}]


def test_word_lists_are_the_list_entries_of_a_json_file(tmp_path: Path) -> None:
    path = tmp_path / "words.json"
    path.write_text('{"_comment": "x", "heads": ["Mills"], "weights": {"a": 1}}', encoding="utf-8")
    assert load_word_lists(path) == {"heads": ["Mills"]}
    path.write_text('{"heads": ["Mills", 3]}', encoding="utf-8")
    with pytest.raises(PatternError, match="must hold strings only"):
        load_word_lists(path)


@pytest.mark.parametrize("name", ["organizations.jsonl", "products.jsonl"])
def test_shipped_rule_files_validate(name: str) -> None:
    rules = load_patterns(
        PATTERNS_DIR / name, word_lists=load_word_lists(PATTERNS_DIR / WORD_LISTS)
    )
    assert rules
    assert all(isinstance(rule["label"], str) for rule in rules)
