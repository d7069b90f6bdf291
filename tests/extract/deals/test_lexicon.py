"""kg.extract.deals.lexicon: the deal extractor's word lists and cue regexes, checked on load."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.errors import PatternError
from kg.extract.deals.lexicon import LEXICON_PATH, REGEXES, WORD_LISTS, load_deal_lexicon


def _write(tmp_path: Path, change: dict[str, object]) -> Path:
    data = json.loads(LEXICON_PATH.read_text(encoding="utf-8"))
    for dotted, value in change.items():
        section, name = dotted.split(".")
        if value is None:
            del data[section][name]
        else:
            data[section][name] = value
    path = tmp_path / "deal_lexicon.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_the_shipped_lexicon_loads_every_list_and_regex() -> None:
    lexicon = load_deal_lexicon()
    assert set(lexicon.words) == set(WORD_LISTS)
    assert set(lexicon.regexes) == set(REGEXES)
    assert "agreement" in lexicon.word("agreement_nouns")
    assert lexicon.regex("separately").search("They SEPARATELY agreed")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"words.denial_verbs": None}, "lacks denial_verbs"),
        ({"words.made_up_list": ["x"]}, "unknown entries made_up_list"),
        ({"words.denial_verbs": []}, "must be a non-empty list"),
        ({"words.denial_verbs": ["Deny"]}, "lower-case"),
        ({"regexes.percent": "(unclosed"}, "does not compile"),
        ({"regexes.percent": 3}, "non-empty string or list"),
    ],
    ids=["missing", "unknown", "empty", "upper-case", "bad-regex", "not-a-string"],
)
def test_a_broken_lexicon_names_the_file_and_entry(
    tmp_path: Path, change: dict[str, object], message: str
) -> None:
    path = _write(tmp_path, change)
    with pytest.raises(PatternError) as excinfo:
        load_deal_lexicon(path)
    assert str(path) in str(excinfo.value)
    assert message in str(excinfo.value)


def test_a_long_regex_may_be_written_in_parts(tmp_path: Path) -> None:
    path = _write(tmp_path, {"regexes.separately": [r"\b(separately", r"|respectively)\b"]})
    assert load_deal_lexicon(path).regex("separately").search("each respectively")
