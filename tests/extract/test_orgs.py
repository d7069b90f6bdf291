"""kg.extract.orgs: organisations recognised, rejected and resolved within a document."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from spacy.language import Language

from kg.extract.nlp import analyse, load_nlp
from kg.extract.orgs import OrgFindings, canonical_name, core, lexicon
from kg.extract.orgs.classify import brand_names
from kg.extract.orgs.evidence import usage_context
from kg.extract.orgs.findings import Candidate


@pytest.fixture(scope="session")
def nlp() -> Language:
    return load_nlp()


@dataclass(frozen=True)
class Case:
    id: str
    text: str
    keys: frozenset[str]  # exactly these organisations
    aliases: tuple[tuple[str, str], ...] = ()  # (key, alias) pairs that must be present
    parents: tuple[tuple[str, str], ...] = ()  # (key, parent key)
    mentions: tuple[tuple[str, int], ...] = ()  # (key, number of mentions)


CASES = [
    Case(
        "outlet-cited-as-the-source-is-no-party",
        "Quillfeather Ltd signed a deal with Halvorsen Pharma, according to a report on "
        "Tuesday from Ledger Wire.",
        frozenset({"quillfeather", "halvorsen-pharma", "ledger-wire"}),
    ),
    Case(
        "all-caps-name-opening-the-text",
        "QVX has acquired the robotics studio Tamsin Robotics. QVX said the deal closed.",
        frozenset({"qvx", "tamsin-robotics"}),
        mentions=(("qvx", 2),),
    ),
    Case(
        "credit-line-and-job-title-and-model-name",
        "Quillfeather Ltd signed a supply deal with Halvorsen Pharma for its Zephyr7x line.\n"
        "Jo Park, Global Head of Digital Payment Solutions, Halvorsen Pharma, said so.\n"
        "The companies declined to comment. – Marketwatchers.com",
        frozenset({"quillfeather", "halvorsen-pharma"}),
    ),
    Case(
        "things-named-like-companies",
        "Quillfeather Ltd and Halvorsen Pharma will present at the Lisbon Growth Summit. "
        "Indicated volumes rose.",
        frozenset({"quillfeather", "halvorsen-pharma"}),
    ),
    Case(
        "legal-suffix-variants",
        "Acme Robotics Inc. agreed to acquire Borealis Therapeutics for $2 billion. "
        "Acme Robotics said the deal would close in May.",
        frozenset({"acme-robotics", "borealis-therapeutics"}),
        aliases=(("acme-robotics", "Acme Robotics Inc."),),
        mentions=(("acme-robotics", 2),),
    ),
    Case(
        "apposition",
        "Quillfeather, a Boston-based biotech company, signed a licence with Halvorsen "
        "Pharma. Quillfeather will pay royalties.",
        frozenset({"quillfeather", "halvorsen-pharma"}),
        mentions=(("quillfeather", 2),),
    ),
    Case(
        "acronyms-introduced",
        "Advanced Widget Systems Ltd (AWS) and Tarnwick Motor Co. (Tarnwick) formed a "
        "joint venture. AWS will own 51%.",
        frozenset({"advanced-widget-systems", "tarnwick-motor"}),
        aliases=(("advanced-widget-systems", "AWS"), ("tarnwick-motor", "Tarnwick")),
        mentions=(("advanced-widget-systems", 3),),
    ),
    Case(
        "dateline-source-rejected",
        "BERLIN (Newswire) - Velmont Energy AG invests in Cordale Solar, Velmont said.",
        frozenset({"velmont-energy", "cordale-solar"}),
        aliases=(("velmont-energy", "Velmont"),),
    ),
    Case(
        "byline-rejected",
        "By Tom Reed and Wirepost\n\nGreyfield Mining agreed to buy Ostrava Minerals.",
        frozenset({"greyfield-mining", "ostrava-minerals"}),
    ),
    Case(
        "homonyms-kept-apart",
        "Pellucid Bank said its rival Pellucid Capital LP is a separate fund. Pellucid "
        "Bank owns no stake in Pellucid Capital LP.",
        frozenset({"pellucid-bank", "pellucid-capital"}),
        mentions=(("pellucid-bank", 2), ("pellucid-capital", 2)),
    ),
    Case(
        "possessive",
        "Greywater Holdings signed a supply deal. Greywater's shares rose 4%.",
        frozenset({"greywater-holdings"}),
        aliases=(("greywater-holdings", "Greywater"),),
    ),
    Case(
        "abbreviated-second-mention",
        "Norlund Freight Systems extended its partnership with Castella Ports. "
        "Norlund will pay $40 million.",
        frozenset({"norlund-freight-systems", "castella-ports"}),
        aliases=(("norlund-freight-systems", "Norlund"),),
    ),
    Case(
        "garbage-and-generic-acronyms",
        "Blog News\n\nSummary of the week. The company said AI and GPU demand rose. "
        "The CEO expects an IPO in March.",
        frozenset(),
    ),
    Case(
        "people-are-not-organisations",
        "Jane Porter, chief executive of Fenwick Mills, said Fenwick Mills would buy "
        "Harrow Textiles. Ms. Porter signed the contract.",
        frozenset({"fenwick-mills", "harrow-textiles"}),
    ),
    Case(
        "object-of-product-verbs-is-a-product",
        "Halvorsen Pharma signed a licence agreement with Quillfeather Ltd for Corvex. "
        "Quillfeather will validate Corvex, and Halvorsen Pharma will commercialise Corvex "
        "in Europe, the company said.",
        frozenset({"halvorsen-pharma", "quillfeather"}),
    ),
    Case(
        "legal-suffix-closes-a-name-before-the-next-sentence",
        "Halvorsen Pharma signed a licence agreement with Quillfeather Ltd. "
        "Quillfeather Ltd will pay royalties.",
        frozenset({"halvorsen-pharma", "quillfeather"}),
        aliases=(("quillfeather", "Quillfeather Ltd."), ("quillfeather", "Quillfeather Ltd")),
    ),
    Case(
        "place-with-an-acronym-and-the-acronym",
        "Fenwick Foods will sell milk from Harrow Dairies in Victoria and the Northern Cape "
        "Province (NCP) from July. Harrow Dairies will also supply NCP stores.",
        frozenset({"fenwick-foods", "harrow-dairies"}),
    ),
    Case(
        "unlabelled-subject-of-a-deal-verb",
        "Quillfeather signed a supply deal with Halvorsen Pharma.",
        frozenset({"quillfeather", "halvorsen-pharma"}),
    ),
    Case(
        "a-person-named-before-signs-as-a-person",
        "Halvorsen Pharma hired Jane Quillfeather in May. Quillfeather signed a supply deal "
        "with Tessaly Energy on behalf of Halvorsen Pharma.",
        frozenset({"halvorsen-pharma", "tessaly-energy"}),
    ),
    Case(
        "wire-dateline-place-is-no-organisation",
        "OSLO, Sept 9 (Reuters) - Ardent Power ASA and Solvik Energy Ltd have agreed to form "
        "a joint venture.",
        frozenset({"ardent-power", "solvik-energy"}),
    ),
    Case(
        "name-words-the-model-left-after-a-name",
        "Stadium naming rights\n\nKestrel Insurance has agreed a 10-year naming rights deal "
        "with Eastfield United worth £25 million, the club said on August 1, 2023.",
        frozenset({"kestrel-insurance", "eastfield-united"}),
    ),
    Case(
        "stock-listing-brackets-name-no-party",
        "Tessaly Energy Inc. (NYSE: TSLE) signed a supply deal with Halvorsen Pharma "
        "(Nasdaq: HLVP; TSX: HLV) on Monday.",
        frozenset({"tessaly-energy", "halvorsen-pharma"}),
    ),
    Case(
        "two-firm-names-joined-by-and",
        "Quarrel Labs, a London-based payments startup, has raised $85 million in a Series C "
        "funding round led by Ridgeway Ventures, with participation from existing investors "
        "Amberly Capital and Tovell Partners, the company said on October 2, 2024.",
        frozenset({"quarrel-labs", "ridgeway-ventures", "amberly-capital", "tovell-partners"}),
    ),
    Case(
        "an-industry-word-opening-a-headline-is-no-company",
        "Agritech startup partners with grain trader\n\nSeedling Robotics said it had formed "
        "a strategic partnership with Corran Grain to deploy its robots on 50 farms.",
        frozenset({"seedling-robotics", "corran-grain"}),
    ),
    Case(
        "a-name-ending-in-an-industry-word",
        "Friedl Components GmbH has won a contract worth €240 million to supply brake systems "
        "to Marquette Automobiles for its next generation of electric vans.",
        frozenset({"friedl-components", "marquette-automobiles"}),
    ),
    Case(
        "a-legal-suffix-after-a-comma-is-no-name",
        "BOSTON, Sept. 15, 2025 -- Ostara Therapeutics, Inc., a clinical-stage biotechnology "
        "company, today announced a research collaboration with Linden University.",
        frozenset({"ostara-therapeutics", "linden-university"}),
    ),
    Case(
        "a-name-after-a-noun-for-a-kind-of-company",
        "Grocery chain Fairmarket and delivery platform Quickbasket said on Thursday they had "
        "extended their partnership by three years, until 2029.",
        frozenset({"fairmarket", "quickbasket"}),
    ),
    Case(
        "auto-ends-a-name",
        "Torvik Motors and Halberd Auto have called off their planned merger, the companies "
        "said on Monday. Torvik will pay Halberd a break fee of €50 million.",
        frozenset({"torvik-motors", "halberd-auto"}),
    ),
    Case(
        "assurance-ends-a-name",
        "Seaford Bank plc agreed to sell its life insurance business to Crownhill Assurance "
        "for £2.3 billion in cash. As part of the deal, Seaford will distribute Crownhill's "
        "insurance products to its customers.",
        frozenset({"seaford-bank", "crownhill-assurance"}),
    ),
    Case(
        "a-region-is-no-organisation",
        "Tessaly Energy granted Halvorsen Pharma the rights to sell its products in the "
        "Nordics, and Halvorsen Pharma will pay the Nordics unit a royalty.",
        frozenset({"tessaly-energy", "halvorsen-pharma"}),
    ),
    Case(
        "sports-club-the-model-calls-a-person",
        "Northfield Rovers have signed a kit sponsorship agreement with Valtra Sportswear, "
        "the club said.",
        frozenset({"northfield-rovers", "valtra-sportswear"}),
    ),
    Case(
        "sentence-initial-common-noun-is-no-name-word",
        "Broadcaster Apex Television will keep highlights under a licence from Coastal "
        "Football League.",
        frozenset({"apex-television", "coastal-football-league"}),
    ),
    Case(
        "unit-before-parent-stays-apart",
        "The post on the Larkspur Cloud blog did not mention it, but Larkspur confirmed the "
        "$300 million investment in Tidewell Energy. Larkspur Cloud will supply computing "
        "to Tidewell Energy.",
        frozenset({"larkspur-cloud", "larkspur", "tidewell-energy"}),
        parents=(("larkspur-cloud", "larkspur"),),
    ),
    Case(
        "unit-after-parent",
        "Larkspur Software agreed to supply Tidewell Energy. Larkspur Software said "
        "Larkspur Software Foundation will fund the training.",
        frozenset({"larkspur-software", "larkspur-software-foundation", "tidewell-energy"}),
        parents=(("larkspur-software-foundation", "larkspur-software"),),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_organisations(check_orgs: Callable[..., Any], case: Case) -> None:
    by_key = check_orgs(case.text, case.keys, case.aliases, case.parents)
    for key, count in case.mentions:
        assert len(by_key[key].mentions) == count


def test_hyphenated_pair_names_both_organisations(orgs_in: Callable[[str], OrgFindings]) -> None:
    text = (
        "Tidewell Energy and Larkspur Software Ltd. signed an agreement. "
        "The Tidewell-Larkspur joint venture will start in June."
    )
    findings = orgs_in(text)
    pair_start = text.index("Tidewell-Larkspur")
    inside = findings.orgs_between(pair_start, pair_start + len("Tidewell-Larkspur"))
    assert [key for _, _, key in inside] == ["tidewell-energy", "larkspur-software"]


def test_possessive_product_has_owner(orgs_in: Callable[[str], OrgFindings]) -> None:
    text = "Orrin Dynamics reported strong sales. Orrin Dynamics' Kestrel Mapper will be updated."
    findings = orgs_in(text)
    products = {p.name: p for p in findings.products}
    assert products["Kestrel Mapper"].owner == "orrin-dynamics"
    assert "kestrel-mapper" not in {org.key for org in findings.organizations}


def test_a_work_with_creators_is_a_product(orgs_in: Callable[[str], OrgFindings]) -> None:
    findings = orgs_in("The studio was founded by Starfall Legends co-creators.")
    assert "Starfall Legends" in {p.name for p in findings.products}
    assert not findings.organizations


@pytest.mark.parametrize(
    ("text", "name", "context"),
    [
        ("Nordvik Air operates through its Skarsby hub.", "Skarsby", "place"),
        ("Their Kelso plant makes the parts.", "Kelso", "place"),
        ("Quillfeather will validate Corvex.", "Corvex", "product"),
        ("It was founded by Starfall Legends co-creators.", "Starfall Legends", "product"),
        ("Quillfeather will acquire Corvex.", "Corvex", ""),
    ],
)
def test_how_a_sentence_uses_a_name(nlp: Language, text: str, name: str, context: str) -> None:
    doc = analyse(nlp, text)
    start = text.index(name)
    span = doc.char_span(start, start + len(name))
    assert span is not None
    assert usage_context(span, lexicon()) == context


def test_names_called_brands(nlp: Language) -> None:
    text = (
        "Meadowgold-branded cream is popular. Harrow Dairies owns the Larchfield brand. "
        "Fenwick Foods' brand is older."
    )
    cands = [
        Candidate(text.index(name), text.index(name) + len(name), name, "ORG")
        for name in ("Meadowgold", "Larchfield", "Fenwick Foods", "Harrow Dairies")
    ]
    brands = brand_names(cands, text, {"harrow dairies"}, lexicon())
    assert brands == {"meadowgold", "larchfield"}  # "X's brand" is the brand of company X


def test_mentions_sorted_and_orgs_between(orgs_in: Callable[[str], OrgFindings]) -> None:
    text = "Acme Robotics Inc. bought Borealis Therapeutics. Later Borealis Therapeutics grew."
    findings = orgs_in(text)
    assert list(findings.mentions) == sorted(findings.mentions)
    first_sentence = text.index(".", 30) + 1
    inside = findings.orgs_between(0, first_sentence)
    assert [key for _, _, key in inside] == ["acme-robotics", "borealis-therapeutics"]
    assert all(end <= first_sentence for _, end, _ in inside)


def test_attributed_outlet_is_a_source(orgs_in: Callable[[str], OrgFindings]) -> None:
    text = "Marlowe Foods will buy Pinecrest Dairy, the Evening Ledger reported on Friday."
    findings = orgs_in(text)
    keys = {org.key for org in findings.organizations}
    assert {"marlowe-foods", "pinecrest-dairy"} <= keys
    assert "marlowe-foods" not in findings.sources
    assert findings.sources <= keys


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Acme Corp.", "acme"),
        ("Acme Corp.'s", "acme"),
        ("ACME", "acme"),
        ("the Acme Group", "acme group"),
        ("Murray Widget Co-operative Co. Limited", "murray widget cooperative"),
        ("Tarnwick Motor Co., Ltd.", "tarnwick motor"),
    ],
)
def test_core(name: str, expected: str) -> None:
    assert core(name) == expected


def test_an_ampersand_company_keeps_its_suffix() -> None:
    assert canonical_name(["Stonebridge & Co", "Stonebridge & Co."]) == "Stonebridge & Co."


def test_canonical_name_is_longest_without_suffix() -> None:
    assert canonical_name(["Lumen", "Lumen Works Inc.", "LWI"]) == "Lumen Works"
    assert canonical_name(["LWI"]) == "LWI"


def test_outlet_cited_as_the_source_is_marked_as_a_source(
    orgs_in: Callable[[str], OrgFindings],
) -> None:
    findings = orgs_in(
        "Quillfeather Ltd signed a deal with Halvorsen Pharma, according to a report on "
        "Tuesday from Ledger Wire.",
    )
    assert findings.sources == frozenset({"ledger-wire"})
