"""kg.extract.rules: load_rules, the one loader of rule files, its validation and the shipped files."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import PatternError
from kg.extract.nlp import WORD_LISTS
from kg.extract.rules import PATTERNS_DIR, load_rules

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
    assert list(load_rules(path).patterns) == [expected]


@pytest.mark.parametrize(("line", "message"), BAD, ids=[m for _, m in BAD])
def test_invalid_line_names_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "rules.jsonl"
    path.write_text('{"label": "ORG", "pattern": "Fine"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(PatternError) as excinfo:
        load_rules(path)
    assert f"{path}:2:" in str(excinfo.value)
    assert message in str(excinfo.value)


def test_required_keys_are_configurable(tmp_path: Path) -> None:
    path = tmp_path / "deals.jsonl"
    path.write_text('{"label": "ACQUIRES", "verbs": ["acquire"]}\n', encoding="utf-8")
    assert load_rules(path, required_keys=("label", "verbs")).patterns[0]["verbs"] == ["acquire"]
    with pytest.raises(PatternError, match="missing key"):
        load_rules(path)


def test_missing_file_is_a_pattern_error(tmp_path: Path) -> None:
    with pytest.raises(PatternError, match="cannot read rule file"):
        load_rules(tmp_path / "absent.jsonl")


def test_a_rule_may_name_a_word_list(tmp_path: Path) -> None:
    path = tmp_path / "rules.jsonl"
    path.write_text(
        '{"label": "ORG", "pattern": [{"TEXT": {"IN": "@heads"}}, {"LOWER": {"NOT_IN": "@stops"}}]}\n'
        '{"label": "ORG", "pattern": [{"TEXT": {"IN": "@missing"}}]}\n',
        encoding="utf-8",
    )
    lists = {"heads": ["Mills", "Foods"], "stops": ["and"]}
    with pytest.raises(PatternError, match=r"rules.jsonl:2: .*unknown word list '@missing'"):
        load_rules(path, word_lists=lists)
    path.write_text(path.read_text().splitlines()[0] + "\n", encoding="utf-8")
    pattern = load_rules(path, word_lists=lists).patterns[0]["pattern"]
    assert pattern == [{"TEXT": {"IN": ["Mills", "Foods"]}}, {"LOWER": {"NOT_IN": ["and"]}}]


def test_word_lists_are_the_list_entries_of_a_json_file(tmp_path: Path) -> None:
    path = tmp_path / "words.json"
    path.write_text('{"_comment": "x", "heads": ["Mills"], "weights": {"a": 1}}', encoding="utf-8")
    assert load_rules(path).word_lists() == {"heads": ["Mills"]}
    path.write_text('{"heads": ["Mills", 3]}', encoding="utf-8")
    with pytest.raises(PatternError, match="must hold strings only"):
        load_rules(path).word_lists()


@pytest.mark.parametrize("name", sorted(p.name for p in PATTERNS_DIR.glob("*.json*")))
def test_shipped_rule_files_validate(name: str) -> None:
    rules = load_rules(name, word_lists=load_rules(WORD_LISTS).word_lists())
    assert rules.patterns or rules.data
    assert all(isinstance(rule["label"], str) for rule in rules.patterns)


def _json_rules(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cues.json"
    path.write_text(text, encoding="utf-8")
    return path


def test_json_rules_give_words_tables_and_regexes(tmp_path: Path) -> None:
    path = _json_rules(
        tmp_path,
        r'{"nouns": ["deal", "pact"], "kinds": {"a": 1}, "signed": "\\bsign(ed|s)?\\b",'
        r' "ended": ["terminat\\w+", "called off"]}',
    )
    rules = load_rules(path)
    assert rules.words("nouns") == {"deal", "pact"}
    assert rules.table("kinds") == {"a": 1}
    assert rules.regex("signed").search("They SIGNED it")
    assert rules.regex("ended").search("the deal was called off")
    assert not rules.regex("ended").search("the deal was signed")


@pytest.mark.parametrize(
    ("text", "call", "message"),
    [
        ('{"nouns": "deal"}', lambda r: r.words("nouns"), "'nouns' must be a list of strings"),
        ('{"kinds": []}', lambda r: r.table("kinds"), "'kinds' must be an object"),
        ('{"x": "(unclosed"}', lambda r: r.regex("x"), "'x' is not a valid regex"),
        ('{"x": 3}', lambda r: r.regex("x"), "'x' must be a regex string"),
        ("{}", lambda r: r.words("absent"), "no key 'absent'"),
    ],
)
def test_json_rule_mistakes_name_file_and_key(
    tmp_path: Path, text: str, call: object, message: str
) -> None:
    path = _json_rules(tmp_path, text)
    with pytest.raises(PatternError, match=message) as excinfo:
        call(load_rules(path))  # type: ignore[operator]
    assert str(path) in str(excinfo.value)


def test_a_rule_file_is_jsonl_or_json(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("x: 1\n", encoding="utf-8")
    with pytest.raises(PatternError, match=".jsonl .patterns. or .json"):
        load_rules(path)
