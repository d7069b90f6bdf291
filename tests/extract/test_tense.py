"""kg.extract.tense: how a deal sentence reports its deal (tense, aspect, news or history).

Every sentence is invented for these tests; the companies do not exist.
"""

from __future__ import annotations

from typing import Any

import pytest

from kg.extract.documents import extract_documents
from kg.extract.nlp import analyse, load_nlp
from kg.extract.tense import Report, deal_report
from kg.models import Document
from kg.read.base import content_id


@pytest.fixture(scope="module")
def nlp() -> Any:
    return load_nlp()


def _report(nlp: Any, sentence: str) -> Report:
    return deal_report(next(iter(analyse(nlp, sentence).sents)))


@pytest.mark.parametrize(
    ("sentence", "tense"),
    [
        # present perfect
        ("Halden Shipping has signed a charter agreement with Kestrel Marine.", "present perfect"),
        (
            "Orrin Foods and Baltic Grain have agreed to form a milling joint venture.",
            "present perfect",
        ),
        ("Veltro Airlines has struck a codeshare deal with Skyhaven Air.", "present perfect"),
        # present (headline and announcement style)
        ("Corvane Motors acquires Tessaly Energy's battery unit.", "present"),
        ("Pellucid Therapeutics and Ostrava Labs extend their research alliance.", "present"),
        ("Marlowe Foods buys a minority stake in Dunmore Dairy.", "present"),
        # progressive
        ("Quarrytech is investing $40 million in Lumora Systems.", "present progressive"),
        ("Gantry Steel is acquiring Rowan Alloys in an all-stock deal.", "present progressive"),
        (
            "Fenwick Networks is partnering with Marlow Telecom on rural fibre.",
            "present progressive",
        ),
        # future
        ("Verdant Pharma will license its antibody platform to Okapi Bio.", "future"),
        ("Ridgeway Energy will supply power to Talbot Steel for ten years.", "future"),
        ("Acre Robotics said it will invest $5 million in Borel Sensors.", "future"),
    ],
)
def test_news_tenses_report_the_deal_as_new(nlp: Any, sentence: str, tense: str) -> None:
    assert _report(nlp, sentence) == Report(tense, True)


@pytest.mark.parametrize(
    "sentence",
    [
        # a past tense of an announcing verb
        "Okapi Bio unveiled a research collaboration with Verdant Pharma.",
        "Talbot Steel and Ridgeway Energy announced a ten-year power purchase agreement.",
        "Gantry Steel revealed a supply pact with Rowan Alloys.",
        # any past tense placed on the article's day
        "Halden Shipping today signed a charter agreement with Kestrel Marine.",
        "Marlowe Foods this week agreed a supply contract with Dunmore Dairy.",
        "Fenwick Networks now licensed its routing patents to Marlow Telecom.",
        # reported speech: the backshifted present perfect
        "Halvorsen Shipping said it had agreed to charter four vessels from Kestrel Marine.",
        "Corvane Motors said it signed a battery supply deal with Tessaly Energy.",
        "Baltic Grain confirmed that it had bought a stake in Orrin Foods.",
    ],
)
def test_announced_past_and_reported_speech_are_news(nlp: Any, sentence: str) -> None:
    assert _report(nlp, sentence).new


@pytest.mark.parametrize(
    ("sentence", "tense"),
    [
        # a plain past may be history
        ("Talbot Steel signed a power purchase agreement with Ridgeway Energy.", "past"),
        ("Pinecrest Foods supplied oats to Lumen Bakeries under the contract.", "past"),
        ("Veltro Airlines invested in Skyhaven Air.", "past"),
        # a past perfect outside reported speech is history
        ("Pinecrest Foods had signed a supply contract with Lumen Bakeries.", "past perfect"),
        ("Gantry Steel had acquired Rowan Alloys before the merger.", "past perfect"),
        ("Orrin Foods had partnered with Baltic Grain for a decade.", "past perfect"),
        # a condition is no deal made
        ("Corvane Motors would acquire Tessaly Energy if regulators agree.", "conditional"),
        ("Fenwick Networks could license its patents to Marlow Telecom.", "conditional"),
        ("Okapi Bio might invest in Verdant Pharma next year.", "conditional"),
    ],
)
def test_history_and_conditions_are_not_news(nlp: Any, sentence: str, tense: str) -> None:
    assert _report(nlp, sentence) == Report(tense, False)


def test_a_sentence_without_a_verb_has_no_tense(nlp: Any) -> None:
    assert _report(nlp, "Corvane Motors and Tessaly Energy: a battery alliance.") == Report(
        None, False
    )


def _agreements(text: str) -> list[tuple[bool, str | None, bool]]:
    document = Document(id=content_id(text), text=text, source="test.txt", published="2024-05-06")
    extraction = extract_documents([document])[0][0]
    return [(a.reported_new, a.tense, a.background) for a in extraction.agreements]


def test_the_extractor_records_how_each_agreement_is_reported() -> None:
    assert _agreements("Halden Shipping has signed a charter agreement with Kestrel Marine.") == [
        (True, "present perfect", False)
    ]
    assert _agreements("Talbot Steel signed a supply agreement with Ridgeway Energy.") == [
        (False, "past", False)
    ]


def test_an_agreement_mentioned_in_passing_is_never_news() -> None:
    found = _agreements(
        "Halden Shipping has signed a charter agreement with Kestrel Marine. The deal builds "
        "on the existing partnership between Halden Shipping and Kestrel Marine."
    )
    assert (True, "present perfect", False) in found
    assert any(background for _, _, background in found)
    assert all(not new for new, _, background in found if background)
