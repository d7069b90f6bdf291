"""The truth-table matcher finds exactly what spaCy's Matcher finds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from kg.errors import PatternError
from kg.extract.deals.matching import RULE_FILES, matcher_of, percent_spellings, rule_matches
from kg.extract.nlp import analyse
from kg.extract.rules import load_rules
from kg.extract.token_patterns import TokenPatterns, UnsupportedPattern


def _spacy_matches(
    vocab: Vocab, patterns: dict[str, list[list[dict[str, Any]]]], doc: Doc
) -> set[tuple[str, int, int]]:
    matcher = Matcher(vocab, validate=True)
    for label, variants in patterns.items():
        matcher.add(label, variants)
    return {(vocab.strings[k], s, e) for k, s, e in matcher(doc, allow_missing=True)}


def _ours(
    vocab: Vocab, patterns: dict[str, list[list[dict[str, Any]]]], doc: Doc
) -> list[tuple[str, int, int]]:
    table = TokenPatterns(vocab)
    for label, variants in patterns.items():
        table.add(label, variants)
    return table(doc)


# ----------------------------------------------------------------- random patterns, random docs

WORDS = ["acme", "buys", "a", "stake", "in", "Borealis", "for", "5", "%", ",", "."]
POS = ["PROPN", "VERB", "DET", "NOUN", "ADP", "PROPN", "ADP", "NUM", "NOUN", "PUNCT", "PUNCT"]
LEMMAS = ["acme", "buy", "a", "stake", "in", "borealis", "for", "5", "%", ",", "."]

token_tests = st.one_of(
    st.builds(lambda w: {"LOWER": w.lower()}, st.sampled_from(WORDS)),
    st.builds(lambda ws: {"LOWER": {"IN": ws}}, st.lists(st.sampled_from(WORDS), max_size=3)),
    st.builds(lambda ws: {"ORTH": {"NOT_IN": ws}}, st.lists(st.sampled_from(WORDS), max_size=3)),
    st.builds(lambda ls: {"LEMMA": {"IN": ls}}, st.lists(st.sampled_from(LEMMAS), max_size=2)),
    st.builds(
        lambda p, w: {"POS": p, "LOWER": {"NOT_IN": [w]}},
        st.sampled_from(POS),
        st.sampled_from(WORDS),
    ),
    st.just({"LIKE_NUM": True}),
    st.just({"IS_PUNCT": True}),
    st.just({"IS_ALPHA": False}),
    st.just({"TEXT": {"REGEX": "^[A-Z]"}}),
    st.just({"IS_SENT_START": True}),
    st.just({"ENT_TYPE": "ORG"}),
    st.just({}),
)
operators = st.sampled_from(
    ["", "", "", "?", "*", "+", "!", "{0,2}", "{1,3}", "{2}", "{1,}", "{,2}"]
)


@st.composite
def token_patterns(draw: st.DrawFn) -> list[dict[str, Any]]:
    tokens = []
    for _ in range(draw(st.integers(1, 4))):
        token = dict(draw(token_tests))
        op = draw(operators)
        if op:
            token["OP"] = op
        tokens.append(token)
    return tokens


@st.composite
def docs(draw: st.DrawFn, vocab: Vocab) -> Doc:
    picks = draw(st.lists(st.integers(0, len(WORDS) - 1), min_size=0, max_size=14))
    words = [WORDS[i] for i in picks]
    sent_starts = [True] + [draw(st.booleans()) for _ in words[1:]] if words else []
    doc = Doc(
        vocab,
        words=words,
        pos=[POS[i] for i in picks],
        lemmas=[LEMMAS[i] for i in picks],
        sent_starts=sent_starts,
    )
    if words and draw(st.booleans()):
        where = draw(st.integers(0, len(words) - 1))
        doc.ents = [doc.char_span(doc[where].idx, doc[where].idx + len(doc[where]), label="ORG")]
    return doc


VOCAB = spacy.blank("en").vocab  # with the English lexical attributes (LOWER, LIKE_NUM…)


@settings(max_examples=400, deadline=None)
@given(
    patterns=st.dictionaries(
        st.sampled_from(["one", "two", "three"]),
        st.lists(token_patterns(), min_size=1, max_size=3),
        min_size=1,
    ),
    doc=docs(VOCAB),
)
def test_random_patterns_match_as_spacys_matcher(
    patterns: dict[str, list[list[dict[str, Any]]]], doc: Doc
) -> None:
    ours = _ours(VOCAB, patterns, doc)
    assert len(ours) == len(set(ours)), "a match reported twice"
    assert set(ours) == _spacy_matches(VOCAB, patterns, doc)
    assert ours == sorted(ours, key=lambda m: (m[2], m[1])), "ordered by end, then start"


# ----------------------------------------------------------------- the rule files on real text

# Invented sentences in several industries and wordings, not from any corpus.
SENTENCES = [
    "Halvard Shipping signed a ten-year charter agreement with Nordvik Ore, worth $2.1 billion.",
    "The brewer took a 12 per cent stake in the hop grower and will hold two board seats.",
    "Under the amended deal, Kestrel Bio grants Orsolya Pharma an exclusive worldwide licence "
    "to its antibody, with royalties of 8% and milestone payments of up to EUR 400 million.",
    "Tamsin Grid will buy at least 500 MW of capacity a year; the utility may terminate early.",
    "The studio and the streamer extended their existing distribution pact through 2031, "
    "but the arrangement is no longer exclusive.",
    "Veridian, a 50-50 joint venture, raised 30 million pounds in a funding round led by Quill.",
    "Mirelle Foods has a right of first refusal on any sale of the bakery chain.",
]


@pytest.mark.parametrize("file_name", RULE_FILES)
def test_rule_files_match_as_spacys_matcher(org_nlp: Language, file_name: str) -> None:
    patterns: dict[str, list[list[dict[str, Any]]]] = {}
    for row in load_rules(file_name).patterns:
        patterns.setdefault(str(row["label"]), []).extend(percent_spellings(row["pattern"]))
    found = 0
    for text in SENTENCES:
        doc = analyse(org_nlp, text)
        ours = _ours(org_nlp.vocab, patterns, doc)
        assert set(ours) == _spacy_matches(org_nlp.vocab, patterns, doc), text
        found += len(ours)
    assert found, f"{file_name}: the sentences should exercise its patterns"


def test_one_table_for_the_rule_files_gives_each_file_its_own_matches(org_nlp: Language) -> None:
    for text in SENTENCES:
        doc = analyse(org_nlp, text)
        starts = [s.start for s in doc.sents]
        indexes = rule_matches(doc, org_nlp, starts)
        for file_name, index in zip(
            RULE_FILES, (indexes.deals, indexes.clauses, indexes.background), strict=True
        ):
            patterns: dict[str, list[list[dict[str, Any]]]] = {}
            for row in load_rules(file_name).patterns:
                patterns.setdefault(str(row["label"]), []).extend(percent_spellings(row["pattern"]))
            indexed = {m for sentence in doc.sents for m in index.of(sentence)}
            assert indexed == _spacy_matches(org_nlp.vocab, patterns, doc), (file_name, text)


def test_several_files_label_their_matches_with_the_file(org_nlp: Language, tmp_path: Path) -> None:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text(json.dumps({"label": "deal", "pattern": [{"LEMMA": "deal"}]}) + "\n")
    second.write_text(json.dumps({"label": "deal", "pattern": [{"LOWER": "two"}]}) + "\n")
    matches = matcher_of(org_nlp, str(first), str(second))
    assert matches(analyse(org_nlp, "Two deals closed.")) == [("b/deal", 0, 1), ("a/deal", 1, 2)]


# ----------------------------------------------------------------- unfolding and edge cases


def _simple_doc(words: list[str]) -> Doc:
    return Doc(VOCAB, words=words)


@pytest.mark.parametrize(
    ("op", "expected"),
    [
        ("{2}", {(0, 3), (1, 4)}),
        ("{1,2}", {(0, 2), (0, 3), (1, 3), (1, 4), (2, 4)}),
        ("{2,}", {(0, 3), (0, 4), (1, 4)}),
        ("{,1}", {(0, 1), (0, 2), (1, 2), (1, 3), (2, 3), (2, 4), (3, 4)}),
        ("+", {(0, 2), (0, 3), (0, 4), (1, 3), (1, 4), (2, 4)}),
    ],
)
def test_quantifiers_unfold_as_spacy_does(op: str, expected: set[tuple[int, int]]) -> None:
    # "a" then a run of "b": "a b b b" holds every match of ["a"|"b", "b"{op}]
    pattern = [[{"LOWER": {"IN": ["a", "b"]}}, {"LOWER": "b", "OP": op}]]
    doc = _simple_doc(["a", "b", "b", "b"])
    ours = _ours(VOCAB, {"x": pattern}, doc)
    assert {(s, e) for _, s, e in ours} == expected
    assert set(ours) == _spacy_matches(VOCAB, {"x": pattern}, doc)


def test_a_label_is_reported_once_however_many_patterns_reach_a_span() -> None:
    patterns = {"deal": [[{"LOWER": "pact"}], [{"ORTH": "pact"}], [{"LENGTH": 4}]]}
    assert _ours(VOCAB, patterns, _simple_doc(["a", "pact"])) == [("deal", 1, 2)]


def test_a_negated_token_consumes_one_other_token() -> None:
    patterns = {"x": [[{"LOWER": "no"}, {"LOWER": "deal", "OP": "!"}]]}
    ours = _ours(VOCAB, patterns, _simple_doc(["no", "deal", "no", "pact"]))
    assert ours == [("x", 2, 4)]


@pytest.mark.parametrize(
    "token",
    [{"MORPH": {"IS_SUPERSET": ["Number=Sing"]}}, {"_": {"flag": True}}, {"LENGTH": {">=": 3}}],
)
def test_tests_the_table_cannot_hold_are_refused(token: dict[str, Any]) -> None:
    with pytest.raises(UnsupportedPattern):
        TokenPatterns(VOCAB).add("x", [[token]])


def _rule_file(tmp_path: Path, rows: list[dict[str, Any]]) -> Path:
    path = tmp_path / "rules.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def test_a_rule_file_the_table_cannot_hold_runs_through_spacys_matcher(
    org_nlp: Language, tmp_path: Path
) -> None:
    path = _rule_file(
        tmp_path,
        [
            {"label": "plural", "pattern": [{"MORPH": {"IS_SUPERSET": ["Number=Plur"]}}]},
            {"label": "deal", "pattern": [{"LOWER": "deals"}]},
        ],
    )
    matches = matcher_of(org_nlp, str(path))
    assert not isinstance(matches, TokenPatterns)
    doc = analyse(org_nlp, "Two deals closed.")
    assert set(matches(doc)) == {("plural", 1, 2), ("deal", 1, 2)}


def test_a_rule_file_the_table_holds_is_compiled(org_nlp: Language, tmp_path: Path) -> None:
    path = _rule_file(tmp_path, [{"label": "deal", "pattern": [{"LEMMA": "deal"}]}])
    matches = matcher_of(org_nlp, str(path))
    assert isinstance(matches, TokenPatterns)
    assert matches(analyse(org_nlp, "Two deals closed.")) == [("deal", 1, 2)]


def test_an_invalid_pattern_names_its_file_and_label(org_nlp: Language, tmp_path: Path) -> None:
    path = _rule_file(tmp_path, [{"label": "deal", "pattern": [{"LOWER": {"IN": "deal"}}]}])
    with pytest.raises(PatternError, match=r"rules\.jsonl.*'deal'"):
        matcher_of(org_nlp, str(path))


def test_an_empty_doc_has_no_matches() -> None:
    assert _ours(VOCAB, {"x": [[{"OP": "*"}]]}, _simple_doc([])) == []
