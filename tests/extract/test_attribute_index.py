"""The indexed attribute rules give exactly the model's attribute ruler's annotations."""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language

from kg.extract.attribute_index import index_attribute_rules
from kg.extract.nlp import DEFAULT_MODELS, load_nlp

# Sentences that exercise the rules: contractions, colloquial forms matched by regular
# expressions, auxiliaries, whitespace tokens and ordinary business prose.
TEXTS = [
    "Acme Robotics Inc. said it gets paid and got a $5 million payment; it isn't over.",
    "Y'all ain't seen nothin' yet, the CEO said.  He's gonna sign it, ain't he?",
    "They'd have bought it if it weren't for the regulator.\n\nWe're done, aren't we?",
    "Whether or not Borealis licenses the patents, Cirrus will've paid 10% by 2027.",
    "Tho' it's late, I'd say 'em deals were tough – cause they couldn't agree.",
]


def _model() -> Language:
    for name in DEFAULT_MODELS:
        try:
            return spacy.load(name)
        except OSError:
            continue
    raise AssertionError("no English model installed")


def _annotations(nlp: Language) -> list[tuple[str, str, str, str, str]]:
    return [
        (t.text, t.pos_, t.tag_, str(t.morph), t.lemma_) for doc in nlp.pipe(TEXTS) for t in doc
    ]


def test_indexed_rules_annotate_like_the_attribute_ruler() -> None:
    model, indexed = _model(), _model()
    assert index_attribute_rules(indexed)
    assert "attribute_ruler" not in indexed.pipe_names
    assert _annotations(indexed) == _annotations(model)


# the lemmatizer runs here without the tagger's POS tags on purpose
@pytest.mark.filterwarnings("ignore:.W108. The rule-based lemmatizer:UserWarning")
def test_the_rules_matter_here() -> None:
    """Without any attribute rules the annotations differ: the comparison above is real."""
    model, bare = _model(), _model()
    bare.remove_pipe("attribute_ruler")
    assert _annotations(bare) != _annotations(model)


def test_the_kg_pipeline_uses_the_indexed_rules() -> None:
    assert "kg_attribute_rules" in load_nlp().pipe_names


def test_a_pipeline_without_an_attribute_ruler_is_left_alone() -> None:
    blank = spacy.blank("en")
    assert not index_attribute_rules(blank)
    assert blank.pipe_names == []
