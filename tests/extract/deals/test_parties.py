"""Who a deal is between (kg.extract.deals.parties): the trigger's own arguments, bystanders
left out, descriptions and pronouns resolved, denied deals dropped.

Every sentence is invented for these tests; the companies do not exist.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kg.models import Extraction

Extract = Callable[..., Extraction]  # the `extract` fixture of conftest.py


def _deals(extract: Extract, text: str) -> list[tuple[str, frozenset[str]]]:
    """(type, party names) of every agreement the text states, in order."""
    extraction = extract(text)
    names = {o.key: o.name for o in extraction.organizations}
    return [
        (a.types[0] if a.types else "other", frozenset(names[p] for p in a.parties))
        for a in extraction.agreements
    ]


# G04: a regulator, an exchange, an adviser, a rival or a beneficiary named in the deal's
# sentence is not a party: parties are the arguments of the deal word.
BYSTANDERS = [
    (
        "Velta Mining Corp.'s purchase of Brava Ports Ltd. was approved by the Northshire "
        "Competition Board.",
        {"Velta Mining", "Brava Ports"},
    ),
    (
        "Halvorsen Foods Inc. agreed to buy Dunmore Dairy Ltd., a day after rival Kessel "
        "Brands Corp. walked away from the bidding.",
        {"Halvorsen Foods", "Dunmore Dairy"},
    ),
    (
        "Brightline Solar Inc., the Nasdaq-listed developer, signed a supply agreement with "
        "Pellucid Power Corp.",
        {"Brightline Solar", "Pellucid Power"},
    ),
    (
        "Morrow Capital LLC advised Quarrytech Inc. on its acquisition of Lumora Systems Ltd.",
        {"Quarrytech", "Lumora Systems"},
    ),
    (
        "Tessaly Motors Corp. and Drave Batteries Ltd. formed a joint venture to take on "
        "market leader Norvik Energy Inc.",
        {"Tessaly Motors", "Drave Batteries"},
    ),
    (
        "The licence that Ostrava Media Ltd. granted to Fenmore Streaming Inc. still needs "
        "clearance from the Federal Broadcasting Authority.",
        {"Ostrava Media", "Fenmore Streaming"},
    ),
]


@pytest.mark.parametrize(("text", "parties"), BYSTANDERS, ids=[
    "approver", "rival", "exchange", "adviser", "competitor", "regulator"])  # fmt: skip
def test_bystanders_are_not_parties(extract: Extract, text: str, parties: set[str]) -> None:
    deals = _deals(extract, text)
    assert len(deals) == 1, deals
    assert deals[0][1] == parties


# G05: "the company", "the two companies", "the group", "the carrier", "we" in a quote
# stand for organisations named before; a deal stated with them is a deal between those.
DESCRIBED_PARTIES = [
    (
        "Halcyon Motors Inc. and Drave Batteries Ltd. are teaming up on battery cells. "
        "The two companies signed a joint venture agreement on Tuesday.",
        "joint_venture",
        {"Halcyon Motors", "Drave Batteries"},
    ),
    (
        "Ormond Analytics Ltd. builds forecasting software for farmers. Brightwater Capital "
        "LLC agreed to invest $30 million in the company.",
        "investment",
        {"Brightwater Capital", "Ormond Analytics"},
    ),
    (
        "Kessel Logistics Corp. posted higher revenue for the quarter. The group also said "
        "it would acquire Pexa Freight Ltd. for $80 million.",
        "acquisition",
        {"Kessel Logistics", "Pexa Freight"},
    ),
    (
        '"We are proud to partner with Lumio Robotics Inc.," said Dana Velk, chief executive '
        "of Quillby Systems Corp.",
        "partnership",
        {"Quillby Systems", "Lumio Robotics"},
    ),
    (
        "Skyhaven Airlines Ltd. flies to 40 cities. The carrier has signed a codeshare "
        "partnership with Veltro Air Corp.",
        "partnership",
        {"Skyhaven Airlines", "Veltro Air"},
    ),
    (
        "Fenmore Labs Inc. was founded in 2019 by two chemists. Northfield Ventures LLC led a "
        "$12 million investment in the start-up.",
        "investment",
        {"Northfield Ventures", "Fenmore Labs"},
    ),
    (
        "Corvex Mining Ltd. sold its copper unit last year. It sold its zinc mine to Brava "
        "Metals Inc. for $40 million in April.",
        "acquisition",
        {"Corvex Mining", "Brava Metals"},
    ),
]


@pytest.mark.parametrize(("text", "kind", "parties"), DESCRIBED_PARTIES, ids=[
    "two-companies", "the-company", "the-group", "we-in-quote", "the-carrier", "the-start-up",
    "it"])  # fmt: skip
def test_descriptions_and_pronouns_stand_for_named_parties(
    extract: Extract, text: str, kind: str, parties: set[str]
) -> None:
    deals = [d for d in _deals(extract, text) if d[1] == parties]
    assert deals, _deals(extract, text)
    assert deals[0][0] == kind


# G09: a denied, ruled-out or negated deal is no deal.
NEGATED = [
    "Velta Mining Corp. denied that it was acquiring Lumio Robotics Inc., although it is "
    "hiring most of its engineers.",
    "Quarrytech Inc. said it has no plans to invest in Ormond Analytics Ltd.",
    "Brightwater Pharma Ltd. has not signed a licence agreement with Halvorsen Labs Inc., a "
    "spokesman said.",
    "Corvane Motors Ltd. ruled out a merger with Tessaly Energy Inc. on Monday.",
]


@pytest.mark.parametrize("text", NEGATED, ids=["denied", "no-plans", "not-signed", "ruled-out"])
def test_negated_deals_are_no_deals(extract: Extract, text: str) -> None:
    assert _deals(extract, text) == []


# A role holder is a party of the same agreement: when a sentence gives one deal per
# coordinated partner, the roles of the sentence's first deal must not be copied onto
# the others (SHACL requires every role holder to be a dk:hasParty).
ROLES_OF_SPLIT_DEALS = [
    "While Norwell Foods has acquired Brightpath Dairy, Kestrel Mills and Finmo Grains, "
    "Orbis Retail bought Talvane Stores.",
    "Harlow Energy bought Cindra Solar and Marwick Wind, and Pellan Utilities acquired Ostrava Grid.",
    "Last year Quorra Semiconductor acquired Lintel Devices and Brask Micro, while Tovar Systems "
    "bought Weyland Optics.",
]


@pytest.mark.parametrize("text", ROLES_OF_SPLIT_DEALS)
def test_every_role_holder_is_a_party(extract: Extract, text: str) -> None:
    agreements = extract(text).agreements
    assert len(agreements) >= 2
    for agreement in agreements:
        assert {org for _, org in agreement.roles} <= set(agreement.parties), agreement


# "A and B separately agreed to sell X, totalling N sites, to C": the buyer's phrase the
# parser hangs on the participle describing what is sold is still each sale's other side
SOLD_PAST_A_DESCRIPTION = [
    (
        "Norvik Telecom Ltd. and Brava Mobile Inc. separately agreed to sell their fibre "
        "networks, spanning 9,000 km, to Kessel Infra Corp.",
        [("brava-mobile", "kessel-infra"), ("kessel-infra", "norvik-telecom")],
    ),
    (
        "Brava Foods Inc. and Quillby Farms Ltd. will separately sell their respective dairy "
        "plants, totalling 12 sites, to Pexa Dairy Ltd.",
        [("brava-foods", "pexa-dairy"), ("pexa-dairy", "quillby-farms")],
    ),
    (
        "Halvorsen Mining Ltd. and Fenmore Coal Inc. have separately agreed to sell their coal "
        "assets, comprising five pits, to Corvex Energy Inc. for $90 million.",
        [("corvex-energy", "fenmore-coal"), ("corvex-energy", "halvorsen-mining")],
    ),
]


@pytest.mark.parametrize(("text", "parties"), SOLD_PAST_A_DESCRIPTION,
                         ids=["spanning", "totalling", "comprising"])  # fmt: skip
def test_the_buyer_after_a_description_of_what_is_sold_is_a_party(
    extract: Extract, text: str, parties: list[tuple[str, ...]]
) -> None:
    agreements = extract(text).agreements
    assert sorted(tuple(sorted(a.parties)) for a in agreements) == parties


SPLIT_BUYERS = ["norwell-foods", "harlow-energy", "quorra-semiconductor"]


@pytest.mark.parametrize(
    ("text", "buyer"), list(zip(ROLES_OF_SPLIT_DEALS, SPLIT_BUYERS, strict=True))
)
def test_each_split_deal_takes_the_roles_of_its_own_clause(
    extract: Extract, text: str, buyer: str
) -> None:
    # "A acquired B and C": two deals, A the acquirer and each of B, C the target of its own
    bought = [a for a in extract(text).agreements if buyer in a.parties]
    assert len(bought) == 2
    for agreement in bought:
        (target,) = set(agreement.parties) - {buyer}
        assert dict(agreement.roles) == {"acquirer": buyer, "target": target}
