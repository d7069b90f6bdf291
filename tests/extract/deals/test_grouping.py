"""How deal frames become agreements (kg.extract.deals.grouping, .background, .dating):
one agreement per deal, earlier deals named in passing with their own type and date, and
an agreement's date the one of its signing or announcing.

Every sentence is invented for these tests; the companies do not exist.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kg.models import Agreement, Extraction

Extract = Callable[..., Extraction]  # the `extract` fixture of conftest.py


def _deals(
    extract: Extract, text: str, published: str | None = "2024-05-10"
) -> list[tuple[str, tuple[str, ...]]]:
    extraction = extract(text, published)
    names = {o.key: o.name for o in extraction.organizations}
    return sorted(
        (a.types[0] if a.types else "other", tuple(sorted(names[p] for p in a.parties)))
        for a in extraction.agreements
    )


def _dated(extract: Extract, text: str, published: str) -> list[tuple[str, list[str], bool]]:
    extraction = extract(text, published)
    return [(_kind(a), [d.iso for d in a.dates], a.background) for a in extraction.agreements]


def _kind(agreement: Agreement) -> str:
    return agreement.types[0] if agreement.types else "other"


# G06: several deals are several agreements: another kind, another date, coordinated
# partners, verbs with objects of their own.
SEVERAL_DEALS = [
    (
        "Velta Corp. invested $20 million in Ormond Ltd. in 2021. Velta Corp. has now agreed "
        "to form a joint venture with Ormond Ltd.",
        [("investment", {"Velta", "Ormond"}), ("joint_venture", {"Velta", "Ormond"})],
    ),
    (
        "Flinders Retail Ltd. has acquired Pexa Pay Ltd., Quillby Cards Inc. and Norwick "
        "Wallet Corp.",
        [
            ("acquisition", {"Flinders Retail", "Norwick Wallet"}),
            ("acquisition", {"Flinders Retail", "Pexa Pay"}),
            ("acquisition", {"Flinders Retail", "Quillby Cards"}),
        ],
    ),
    (
        "Halvorsen Energy Inc. agreed to sell its stake in a gas field to Brava Oil Ltd. and "
        "completed the sale of its pipelines to Corvex Midstream Corp.",
        [
            ("acquisition", {"Halvorsen Energy", "Brava Oil"}),
            ("acquisition", {"Halvorsen Energy", "Corvex Midstream"}),
        ],
    ),
    (
        "While Tessaly Foods Corp. bought Lumio Snacks Ltd., Drave Brands Inc. bought Ostrava "
        "Bakeries Ltd.",
        [
            ("acquisition", {"Drave Brands", "Ostrava Bakeries"}),
            ("acquisition", {"Tessaly Foods", "Lumio Snacks"}),
        ],
    ),
    (
        "Marlowe Telecom Ltd. and Dunmore Mobile Inc. separately agreed to sell their tower "
        "units to Kessel Towers Corp.",
        [
            ("acquisition", {"Dunmore Mobile", "Kessel Towers"}),
            ("acquisition", {"Kessel Towers", "Marlowe Telecom"}),
        ],
    ),
    (
        "Norvik Telecom Ltd. and Brava Mobile Inc. announced a merger in March 2023. Norvik "
        "Telecom Ltd. and Brava Mobile Inc. agreed a network sharing partnership in November "
        "2023.",
        [
            ("acquisition", {"Norvik Telecom", "Brava Mobile"}),
            ("partnership", {"Norvik Telecom", "Brava Mobile"}),
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), SEVERAL_DEALS, ids=[
    "another-kind", "listed-targets", "two-verbs", "two-clauses", "separately", "another-date"])  # fmt: skip
def test_several_deals_are_several_agreements(
    extract: Extract, text: str, expected: list[tuple[str, set[str]]]
) -> None:
    assert _deals(extract, text) == sorted((kind, tuple(sorted(names))) for kind, names in expected)


# "A bought B and C bought D": clauses coordinated with a subject and verb of their own are
# one deal each, even where the parser reads "B and C" as one list.
COORDINATED_CLAUSES = [
    (
        "Velta Foods Inc. bought Kessel Farms Ltd. and Marlowe Snacks Corp. purchased Pexa "
        "Dairy Ltd.",
        [
            ("acquisition", {"Marlowe Snacks", "Pexa Dairy"}),
            ("acquisition", {"Velta Foods", "Kessel Farms"}),
        ],
    ),
    (
        "In shipping, Brava Ports Ltd. acquired Ormond Terminals Inc. and Quillby Lines Corp. "
        "acquired Fenmore Docks Ltd.",
        [
            ("acquisition", {"Brava Ports", "Ormond Terminals"}),
            ("acquisition", {"Fenmore Docks", "Quillby Lines"}),
        ],
    ),
    (
        "Among chipmakers, Lumio Semi Inc. bought Corvex Ltd. and Halvorsen Corp. bought "
        "Northfield Ltd.",
        [
            ("acquisition", {"Corvex", "Lumio Semi"}),
            ("acquisition", {"Halvorsen", "Northfield"}),
        ],
    ),
]


# a second verb with no name of its own ("… and merged them") shares the first's subject:
# both listed names stay the first verb's objects
SHARED_SUBJECT = [
    (
        "Velta Foods Inc. bought Kessel Farms Ltd. and Marlowe Snacks Corp. and merged them.",
        ("Velta Foods", {"Kessel Farms", "Marlowe Snacks"}),
    ),
    (
        "Brava Ports Ltd. acquired Ormond Terminals Inc. and Quillby Docks Corp. and combined "
        "their cranes.",
        ("Brava Ports", {"Ormond Terminals", "Quillby Docks"}),
    ),
    (
        "Lumio Semi Inc. bought Corvex Ltd. and Halvorsen Corp. and closed both fabs.",
        ("Lumio Semi", {"Corvex", "Halvorsen"}),
    ),
]


@pytest.mark.parametrize(("text", "expected"), SHARED_SUBJECT,
                         ids=["merged-them", "combined", "closed"])  # fmt: skip
def test_a_verb_without_a_named_object_keeps_the_list_whole(
    extract: Extract, text: str, expected: tuple[str, set[str]]
) -> None:
    buyer, targets = expected
    deals = _deals(extract, text)
    assert deals and all(buyer in parties for _, parties in deals)
    assert {p for _, parties in deals for p in parties} == {buyer, *targets}


@pytest.mark.parametrize(("text", "expected"), COORDINATED_CLAUSES,
                         ids=["object-list", "acquired-acquired", "short-names"])  # fmt: skip
def test_coordinated_clauses_are_one_deal_each(
    extract: Extract, text: str, expected: list[tuple[str, set[str]]]
) -> None:
    assert _deals(extract, text) == sorted((kind, tuple(sorted(names))) for kind, names in expected)


ONE_DEAL = [
    "Halcyon Motors Inc. and Drave Batteries Ltd. are teaming up on battery cells. The two "
    "companies signed a joint venture agreement on Tuesday.",
    "Grocer Marlowe Foods Inc. signed a supply deal with Dunmore Dairy Ltd. "
    "Marlowe Foods also signed a five-year contract with Dunmore Dairy for cheese.",
    "Pexa Cloud Inc. agreed to invest $400 million in Velta AI Ltd. Velta AI will use Pexa "
    "Cloud as its main cloud provider under the agreement.",
]


@pytest.mark.parametrize(
    "text", ONE_DEAL, ids=["teaming-up-then-venture", "restated", "under-the-agreement"]
)
def test_one_deal_told_in_several_sentences_is_one_agreement(extract: Extract, text: str) -> None:
    assert len(_deals(extract, text)) == 1


# G07: an earlier deal named in passing keeps its own type and full date, or none; one
# agreement for it, whatever other years its sentence names; vague relationships are none.
PASSING = [
    (
        "Velta Rail Ltd. signed a new maintenance contract with Ormond Transit Corp. on "
        "Monday. Their earlier contract, agreed in May 2004, foresaw first deliveries in 2007.",
        ("other", ["2004-05"]),
    ),
    (
        "Halvorsen Pharma Inc. expanded its licence with Brightwater Labs Ltd. The original "
        "licence, signed in March 2018, covered two drugs.",
        ("license", ["2018-03"]),
    ),
    (
        "Kessel Mobile Inc. renewed its partnership with Dunmore Telecom Ltd. The previous "
        "agreement between them ran from 2015 to 2020.",
        ("other", []),
    ),
]


@pytest.mark.parametrize(
    ("text", "earlier"), PASSING, ids=["earlier-contract", "original-licence", "previous-agreement"]
)
def test_an_earlier_deal_keeps_its_own_type_and_date(
    extract: Extract, text: str, earlier: tuple[str, list[str]]
) -> None:
    background = [(k, d) for k, d, passing in _dated(extract, text, "2024-05-10") if passing]
    assert background == [earlier]


VAGUE = [
    "Ostrava Air Corp. and Skyhaven Ltd. have worked together for years.",
    "Several studios, among them Lumio Films Inc., use the platform of Velta Media Ltd.",
    "Norvik Bank Ltd. has long been close to Pexa Insurance Corp.",
]


@pytest.mark.parametrize("text", VAGUE, ids=["worked-together", "use-the-platform", "long-close"])
def test_vague_relationships_are_no_agreements(extract: Extract, text: str) -> None:
    assert _deals(extract, text) == []


# G10: the date of an agreement is the one of its signing or announcing verb, never of a
# launch, delivery or production start; a completion date only when none other is stated.
DATES = [
    (
        "Velta Media Ltd. signed a streaming licence with Ormond Studios Inc. on March 3, "
        "2021; the first episodes arrive in March 2031.",
        "2021-03-05",
        ["2021-03-03"],
    ),
    (
        "Corvane Energy Inc. agreed in May 2019 to supply turbines to Brava Wind Ltd.; "
        "deliveries will start in 2021.",
        "2019-06-01",
        ["2019-05"],
    ),
    (
        "Lumio Robotics Inc. completed its acquisition of Pexa Automation Ltd. on Tuesday. "
        "Lumio Robotics had agreed to buy Pexa Automation in November 2017.",
        "2018-04-05",
        ["2017-11"],
    ),
    (
        "Kessel Foods Corp. will buy Marlowe Snacks Ltd., the companies said on Monday. "
        "Production at the combined plants will start in 2026.",
        "2024-05-10",
        ["2024-05-06"],
    ),
]


@pytest.mark.parametrize(("text", "published", "dates"), DATES, ids=[
    "launch", "deliveries", "completion", "production"])  # fmt: skip
def test_the_agreement_date_is_the_signing(
    extract: Extract, text: str, published: str, dates: list[str]
) -> None:
    main = [d for _, d, passing in _dated(extract, text, published) if not passing]
    assert main == [dates]


# A sentence that sums up several deals with their time ("similar moves this year", "a
# string of takeovers last year") dates the deals the next sentence then lists.
SERIES_DATES = [
    (
        "The merger follows a string of takeovers in the sector last year. Velta Foods Inc. "
        "bought Kessel Farms Ltd. and Marlowe Snacks Corp. snapped up Pexa Dairy Ltd. for "
        "$40 million.",
        "2024-05-10",
        [["2023"], ["2023"]],
    ),
    (
        "Brava Telecom Corp. joins rivals that made similar acquisitions earlier this year. "
        "Quillby Networks Inc. acquired Ostrava Cable Ltd. and Fenmore Mobile Ltd. grabbed "
        "Dunmore Towers Inc. for €2 billion.",
        "2021-09-01",
        [["2021"], ["2021"]],
    ),
    (
        "Chipmakers announced several mergers in 2019. Lumio Semi Inc. acquired Corvex Wafer "
        "Ltd. and Halvorsen Chips Ltd. picked up Northfield Foundry Inc. for $900 million.",
        "2020-02-01",
        [["2019"], ["2019"]],
    ),
]


@pytest.mark.parametrize(("text", "published", "dates"), SERIES_DATES, ids=[
    "string-of-takeovers", "similar-acquisitions", "several-mergers"])  # fmt: skip
def test_deals_listed_after_a_dated_summary_take_its_date(
    extract: Extract, text: str, published: str, dates: list[list[str]]
) -> None:
    found = sorted(d for _, d, passing in _dated(extract, text, published) if not passing)
    assert found == dates
