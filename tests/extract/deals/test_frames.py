"""The kind of deal a sentence names (kg.extract.deals.frames and patterns/deals.jsonl):
general cues, and cue words that name no deal in their sense.

Every sentence is invented for these tests; the companies do not exist.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kg.models import Extraction

Extract = Callable[..., Extraction]  # the `extract` fixture of conftest.py


def _kinds(extract: Extract, text: str) -> list[str]:
    extraction = extract(text)
    return sorted(a.types[0] if a.types else "other" for a in extraction.agreements)


KINDS = [
    # a sharing agreement of any kind of asset is a partnership
    ("Kessel Rail Ltd. and Pexa Freight Corp. signed a track-sharing agreement.", "partnership"),
    ("Dunmore Air Inc. and Velta Jets Ltd. agreed a hangar sharing arrangement.", "partnership"),
    ("Halvorsen Grid Corp. and Brava Power Ltd. struck a capacity-sharing deal.", "partnership"),
    # raising money with an investor named is an investment
    ("Fenmore Labs Inc. raised $12 million from Northfield Ventures LLC.", "investment"),
    ("Lumio Bio Ltd. has raised €40 million in a round led by Corvex Capital LLC.", "investment"),
    (
        "Ostrava Apps Inc. raised fresh funding from Quarrytech Inc., which led the round.",
        "investment",
    ),
    # selling a business's assets, or buying "its" assets, is an acquisition
    ("Corvex Mining Ltd. sold its zinc mine to Brava Metals Inc. for $40 million.", "acquisition"),
    (
        "Kessel Logistics Corp. made an offer to buy its port assets from Brava Ports Ltd.",
        "acquisition",
    ),
    ("Marlowe Energy Inc. will divest its refinery to Pexa Oil Ltd.", "acquisition"),
]


@pytest.mark.parametrize(("text", "kind"), KINDS, ids=[
    "track-sharing", "hangar-sharing", "capacity-sharing", "raised-from", "raised-round-led-by",
    "raised-funding", "sold-mine", "buy-its-assets", "divest-refinery"])  # fmt: skip
def test_general_cues_name_the_kind(extract: Extract, text: str, kind: str) -> None:
    assert kind in _kinds(extract, text)


NO_KIND = [
    "Northfield Ventures LLC, an investment firm, hired a chief at Lumio Labs Inc.",
    "Velta Foods Ltd. said its supply chain with Kessel Farms Inc. was under strain.",
    "Fenmore Cards Inc. helps customers of Quillby Bank Ltd. send funds abroad.",
]


@pytest.mark.parametrize("text", NO_KIND, ids=["investment-firm", "supply-chain", "send-funds"])
def test_a_cue_word_in_another_sense_names_no_deal(extract: Extract, text: str) -> None:
    assert _kinds(extract, text) == []


def _deals(extract: Extract, text: str) -> list[tuple[str, tuple[str, ...]]]:
    extraction = extract(text)
    return sorted(
        (a.types[0] if a.types else "other", tuple(sorted(a.parties)))
        for a in extraction.agreements
    )


# a company taken "for" a price by any verb ("snapped up", "grabbed", "swallowed") is bought
BOUGHT_FOR_A_PRICE = [
    (
        "Velta Foods Inc. snapped up Kessel Farms Ltd. for $40 million last month.",
        ("kessel-farms", "velta-foods"),
    ),
    (
        "Earlier this year Brava Telecom Corp. swallowed Pexa Networks Ltd. for €2.1 billion.",
        ("brava-telecom", "pexa-networks"),
    ),
    (
        "Quarry Mining Ltd. grabbed Lumio Metals Inc. for about £300 million in cash.",
        ("lumio-metals", "quarry-mining"),
    ),
]


@pytest.mark.parametrize(("text", "parties"), BOUGHT_FOR_A_PRICE,
                         ids=["snapped-up", "swallowed", "grabbed"])  # fmt: skip
def test_a_company_taken_for_a_price_is_an_acquisition(
    extract: Extract, text: str, parties: tuple[str, ...]
) -> None:
    found = _deals(extract, text)
    assert [parties] == [p for k, p in found if k == "acquisition"], found


# a price for something that is not a company changing hands names no acquisition
NOT_BOUGHT_FOR_A_PRICE = [
    "Velta Foods Inc. sued Kessel Farms Ltd. for $40 million over the recall.",
    "The regulator fined Brava Telecom Corp. for €2 million after the outage.",
    "Quarry Mining Ltd. thanked Lumio Metals Inc. for $3 million of donated equipment.",
]


@pytest.mark.parametrize("text", NOT_BOUGHT_FOR_A_PRICE, ids=["sued", "fined", "thanked"])
def test_a_price_for_something_else_is_no_acquisition(extract: Extract, text: str) -> None:
    assert all(k != "acquisition" for k, _ in _deals(extract, text))


# "agreed that …" states an opinion shared, not a deal agreed
AGREED_AN_OPINION = [
    "Analysts at Corvex Research agreed that Fenmore Labs Inc. would struggle to match "
    "Quillby Systems Corp. on price.",
    "Northfield Bank Ltd. economists agree that demand for Halvorsen Grid Corp. turbines will "
    "stay weak.",
    "Dunmore Air Inc. agreed with Velta Jets Ltd. that fuel costs would rise this winter.",
]


@pytest.mark.parametrize("text", AGREED_AN_OPINION,
                         ids=["agreed-that", "agree-that", "agreed-with-that"])  # fmt: skip
def test_agreeing_that_something_is_so_names_no_deal(extract: Extract, text: str) -> None:
    assert _deals(extract, text) == []


# a deal "for" a measured quantity of goods (power, metal, crude, units) is a supply deal,
# and "contracted with" states a deal as "signed a contract with" does
SUPPLY_OF_A_QUANTITY = [
    (
        "Halvorsen Grid Corp. has contracted with Brava Wind Ltd. for 400 megawatts (MW) of "
        "wind power.",
        ("brava-wind", "halvorsen-grid"),
    ),
    (
        "Corvex Metals Inc. and Pexa Steel Ltd. announced an agreement for 50,000 tonnes of "
        "copper cathode.",
        ("corvex-metals", "pexa-steel"),
    ),
    (
        "Marlowe Refining Ltd. signed a deal with Ostrava Crude Inc. for about 2 million "
        "barrels of oil a year.",
        ("marlowe-refining", "ostrava-crude"),
    ),
]


@pytest.mark.parametrize(("text", "parties"), SUPPLY_OF_A_QUANTITY,
                         ids=["contracted-megawatts", "agreement-tonnes", "deal-barrels"])  # fmt: skip
def test_a_deal_for_a_quantity_of_goods_is_supply(
    extract: Extract, text: str, parties: tuple[str, ...]
) -> None:
    assert _deals(extract, text) == [("supply", parties)]


# an agreement or arrangement for a service done on another's goods (tolling, processing,
# storage, refining) is a supply deal, as a charter or maintenance contract is
SERVICE_ARRANGEMENTS = [
    (
        "Under a tolling arrangement, Ormond Chemicals Ltd. will convert Velta Polymers Inc.'s "
        "share of the ethylene into resin.",
        ("ormond-chemicals", "velta-polymers"),
    ),
    (
        "Pexa Metals Corp. and Lumio Mining Ltd. agreed a processing arrangement for the ore.",
        ("lumio-mining", "pexa-metals"),
    ),
    (
        "Fenmore Gas Inc. entered a storage contract with Quillby Energy Ltd.",
        ("fenmore-gas", "quillby-energy"),
    ),
]


@pytest.mark.parametrize(("text", "parties"), SERVICE_ARRANGEMENTS,
                         ids=["tolling", "processing", "storage"])  # fmt: skip
def test_a_service_arrangement_is_supply(
    extract: Extract, text: str, parties: tuple[str, ...]
) -> None:
    assert _deals(extract, text) == [("supply", parties)]


# a period or a share "for … of" is no quantity of goods
NOT_A_QUANTITY_OF_GOODS = [
    "Dunmore Air Inc. signed a deal with Velta Jets Ltd. for 10 years of joint pilot training.",
    "Lumio Capital LLC agreed with Quillby Robotics Inc. to pay for 30 per cent of the fees.",
    "Fenmore Media Ltd. struck a pact with Norwick Studios Inc. for 12 months of co-production.",
]


@pytest.mark.parametrize("text", NOT_A_QUANTITY_OF_GOODS, ids=["years", "per-cent", "months"])
def test_a_period_or_share_is_no_quantity_of_goods(extract: Extract, text: str) -> None:
    kinds = [k for k, _ in _deals(extract, text)]
    assert kinds and "supply" not in kinds
