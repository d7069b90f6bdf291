"""Organisation recognition by error class (G01–G03 of the error analysis).

Every row is an invented sentence; each class has paraphrases in different wording and
industries, so that a rule has to be a general mechanism to pass them all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

CheckOrgs = Callable[..., Any]  # the check_orgs fixture of conftest.py


@dataclass(frozen=True)
class Row:
    text: str
    keys: frozenset[str]  # exactly these organisations
    aliases: tuple[tuple[str, str], ...] = ()  # (key, alias) pairs that must be present
    parents: tuple[tuple[str, str], ...] = ()  # (key, parent key)


def rows(*items: Row) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("row", items, ids=[r.text[:40] for r in items])


# --- G01: a real company missed ----------------------------------------------------------


# Companies the model reads as places, listed together, that take a part in a deal.
@rows(
    Row(
        "Norwick, Astoria and Belmont will invest in the new smelter alongside Velta Mining.",
        frozenset({"norwick", "astoria", "belmont", "velta-mining"}),
    ),
    Row(
        "Carrow, Denholm and Fairby have agreed to buy the pipeline from Osric Gas.",
        frozenset({"carrow", "denholm", "fairby", "osric-gas"}),
    ),
    Row(
        "Tessaly Energy signed the offtake deal with Garvin, Holloway and Perth.",
        frozenset({"tessaly-energy", "garvin", "holloway", "perth"}),
    ),
)
def test_g01_listed_names_with_a_deal_role(check_orgs: CheckOrgs, row: Row) -> None:
    check_orgs(row.text, row.keys, row.aliases, row.parents)


# A name used only as a modifier, or named once, where its context marks a company.
@rows(
    Row(
        "Former Quillby engineers founded the start-up Tessaro Labs.",
        frozenset({"quillby", "tessaro-labs"}),
    ),
    Row(
        "The club thanked its outgoing sponsor Harvane.",
        frozenset({"harvane"}),
    ),
    Row(
        "Lumio's funding round was led by Norvik Capital.",
        frozenset({"lumio", "norvik-capital"}),
    ),
    Row(
        "Dana Velk, president of Acme Systems Corp, said the deal was done.",
        frozenset({"acme-systems"}),
    ),
    Row(
        "Shares of Ostrowe jumped after the bakery chain agreed to buy Pellin Mills.",
        frozenset({"ostrowe", "pellin-mills"}),
    ),
)
def test_g01_company_context(check_orgs: CheckOrgs, row: Row) -> None:
    check_orgs(row.text, row.keys, row.aliases, row.parents)


# --- G02: something else taken for an organisation ---------------------------------------


# Facilities, fields, projects and documents, whatever the model says of them.
@rows(
    Row(
        "The turbines leave the Harwick Factory near Lindmoor Regional Airport, said Dana "
        "Velk, EVP at Corvane, after the Memorandum of Understanding was signed.",
        frozenset({"corvane"}),
    ),
    Row(
        "Output at the Brackwell Refinery rose after Talos Energy signed the supply contract.",
        frozenset({"talos-energy"}),
    ),
    Row(
        "The Letter of Intent was signed by Orvane Mining and Selby Metals.",
        frozenset({"orvane-mining", "selby-metals"}),
    ),
    Row(
        "The Pendle Project will be built by Corran Construction for Northvale Water.",
        frozenset({"corran-construction", "northvale-water"}),
    ),
    Row(
        "Two reactors will be added at Plant Harwick, which Corvane Power co-owns.",
        frozenset({"corvane-power"}),
    ),
    Row(
        "Selby Metals agreed to buy a stake in offshore Block 17 from Talos Energy.",
        frozenset({"selby-metals", "talos-energy"}),
    ),
)
def test_g02_facilities_and_documents(check_orgs: CheckOrgs, row: Row) -> None:
    check_orgs(row.text, row.keys, row.aliases, row.parents)


# People: named in an apposition about their job, or by their surname later on.
@rows(
    Row(
        "Dana Velk, a former director at chip giant Corvane, joined the board of Tessaro.",
        frozenset({"corvane", "tessaro"}),
    ),
    Row(
        "Mara Quint, the ex-chief of retailer Halden, said Brisko Foods would buy it.",
        frozenset({"halden", "brisko-foods"}),
    ),
    Row(
        "Dana Velk runs Corvane Freight. Velk signed the deal with Tessaro Ports on Monday.",
        frozenset({"corvane-freight", "tessaro-ports"}),
    ),
)
def test_g02_people(check_orgs: CheckOrgs, row: Row) -> None:
    check_orgs(row.text, row.keys, row.aliases, row.parents)


# Abbreviations of common nouns, exchanges, products and counted things.
@rows(
    Row(
        "Kessel Power agreed to buy 300 megawatts (MW) of wind power from Solvane Wind.",
        frozenset({"kessel-power", "solvane-wind"}),
    ),
    Row(
        "The BEV market grew 20%, Corvane Motors said.",
        frozenset({"corvane-motors"}),
    ),
    Row(
        "Harlow Gold, the TSX-listed miner, agreed to buy Tamsin Resources.",
        frozenset({"harlow-gold", "tamsin-resources"}),
    ),
    Row(
        "Fenmore Drinks signed a deal with Kessel Retail for its flagship soft drink brand "
        "Fizzora.",
        frozenset({"fenmore-drinks", "kessel-retail"}),
    ),
    Row(
        "Brisko Health will distribute the diabetes drug Glucaren made by Halvard Pharma.",
        frozenset({"brisko-health", "halvard-pharma"}),
    ),
    Row(
        "The airline ordered 40 Aerolux Jets (AJ) from Corvane Aerospace.",
        frozenset({"corvane-aerospace"}),
    ),
)
def test_g02_abbreviations_exchanges_products(check_orgs: CheckOrgs, row: Row) -> None:
    check_orgs(row.text, row.keys, row.aliases, row.parents)


# Products named by a product head, or as the modifier of a product noun.
@rows(
    Row(
        "Tarrow Defence will deliver Skyhawk Helicopters to Orvane Air in May.",
        frozenset({"tarrow-defence", "orvane-air"}),
    ),
    Row(
        "The range includes GLOWMIST face serum and PURELINE hand cream, Kessel Cosmetics "
        "Ltd said.",
        frozenset({"kessel-cosmetics"}),
    ),
    Row(
        "Brisko Motors agreed to supply the Ranger Truck to the Ministry of Transport.",
        frozenset({"brisko-motors", "ministry-of-transport"}),
    ),
)
def test_g02_products(check_orgs: CheckOrgs, row: Row) -> None:
    check_orgs(row.text, row.keys, row.aliases, row.parents)


# Title-case headlines (function words in lower case) and listing brackets say nothing.
@rows(
    Row(
        "Kessel Ports to Buy Cranes From the Lindmoor Authority\n\nKessel Ports Ltd agreed "
        "to buy cranes from Orvane Marine.",
        frozenset({"kessel-ports", "orvane-marine"}),
    ),
    Row(
        "Kessel Ports Ltd (TSX: KSP - News) agreed to buy cranes from Orvane Marine.",
        frozenset({"kessel-ports", "orvane-marine"}),
    ),
    Row(
        "Tessaly Energy Wins a Contract for the Brisko Wind Farm\n\nTessaly Energy said it "
        "would build the turbines for Orvane Power.",
        frozenset({"tessaly-energy", "orvane-power"}),
    ),
)
def test_g02_headlines_and_listings(check_orgs: CheckOrgs, row: Row) -> None:
    check_orgs(row.text, row.keys, row.aliases, row.parents)


# Datelines: the place (and region) before the dash or colon opening a wire story.
@rows(
    Row(
        "HALDENBURG, Pa. - Corvane Power has signed a deal to build two turbines.",
        frozenset({"corvane-power"}),
    ),
    Row(
        "LINDMOOR (Wirepost) - Orvane Rail won a contract from Kessel Ports.",
        frozenset({"orvane-rail", "kessel-ports"}),
    ),
    Row(
        "Port Elms [Northshire], May 2 (Wirepost): Tessaly Energy signed a contract with "
        "Orvane Rail.",
        frozenset({"tessaly-energy", "orvane-rail"}),
    ),
)
def test_g02_datelines(check_orgs: CheckOrgs, row: Row) -> None:
    check_orgs(row.text, row.keys, row.aliases, row.parents)


# --- G03: name boundaries and aliases ----------------------------------------------------


# "and" inside one legal name; two names that each stand alone elsewhere are two.
@rows(
    Row(
        "Velta agreed to buy shares from Norrland Metals and Mining Group Co., Ltd. for $40 "
        "million.",
        frozenset({"velta", "norrland-metals-and-mining-group"}),
    ),
    Row(
        "Eastern Gas and Electric Company (EG&E) signed a supply deal with Solvane Wind.",
        frozenset({"eastern-gas-and-electric", "solvane-wind"}),
        aliases=(("eastern-gas-and-electric", "EG&E"),),
    ),
    Row(
        "Harbor Light and Power Corp. agreed to buy turbines from Solvane Wind.",
        frozenset({"harbor-light-and-power", "solvane-wind"}),
    ),
    Row(
        "Brisko Foods bought Lumio. The deal gives Lumio and Brisko Foods a larger share.",
        frozenset({"brisko-foods", "lumio"}),
    ),
)
def test_g03_and_inside_names(check_orgs: CheckOrgs, row: Row) -> None:
    check_orgs(row.text, row.keys, row.aliases, row.parents)


# A parent and its named unit, fund or division are two organisations.
@rows(
    Row(
        "Brightwater agreed to invest in Ormond Mining. The money comes from Brightwater "
        "Vision Fund 3.",
        frozenset({"brightwater", "brightwater-vision-fund-3", "ormond-mining"}),
        parents=(("brightwater-vision-fund-3", "brightwater"),),
    ),
    Row(
        "Tessaro Display agreed to supply panels to Corvane Motors. Tessaro will deliver "
        "them in May, ahead of rival Tessaro Electronics.",
        frozenset({"tessaro-display", "corvane-motors", "tessaro-electronics"}),
        aliases=(("tessaro-display", "Tessaro"),),
    ),
    Row(
        "Kelvin Infra Projects Pvt. Ltd, a subsidiary of Kelvin, won the road contract from "
        "the Ministry of Roads.",
        frozenset({"kelvin-infra-projects-pvt", "kelvin", "ministry-of-roads"}),
        parents=(("kelvin-infra-projects-pvt", "kelvin"),),
    ),
)
def test_g03_units_and_parents(check_orgs: CheckOrgs, row: Row) -> None:
    check_orgs(row.text, row.keys, row.aliases, row.parents)


# Short forms: acronyms (with or without the legal suffix), bracketed short names,
# legal-form variants.
@rows(
    Row(
        "Norvik Trading Co. will buy Lumio Robotics. NTC said the deal would close in May.",
        frozenset({"norvik-trading", "lumio-robotics"}),
        aliases=(("norvik-trading", "NTC"),),
    ),
    Row(
        "Zhonghua Petroleum Corp (Zhopec) and Korva Ltd have agreed to buy the field.",
        frozenset({"zhonghua-petroleum", "korva"}),
        aliases=(("zhonghua-petroleum", "Zhopec"),),
    ),
    Row(
        "Orvane Foods Co., Inc. (ORV) agreed to acquire Tamsin Snacks.",
        frozenset({"orvane-foods", "tamsin-snacks"}),
        aliases=(("orvane-foods", "ORV"),),
    ),
    Row(
        "Tessaro Capital LP invested in Brisko Foods. Tessaro Capital said the round closed.",
        frozenset({"tessaro-capital", "brisko-foods"}),
    ),
)
def test_g03_short_forms(check_orgs: CheckOrgs, row: Row) -> None:
    check_orgs(row.text, row.keys, row.aliases, row.parents)


# Where a name ends: "of" + place after an organisation head, hyphenated names.
@rows(
    Row(
        "The turbines are owned by the Municipal Water Authority of Kessland and Dorrit Power.",
        frozenset({"municipal-water-authority-of-kessland", "dorrit-power"}),
    ),
    Row(
        "Chipmaker Orvane Corp said it would buy rival Kessel-Tandem Inc for $2 billion. "
        "Kessel-Tandem said it agreed.",
        frozenset({"orvane", "kessel-tandem"}),
    ),
    Row(
        "The Electricity Board of Northshire signed a supply deal with Brisko Solar.",
        frozenset({"electricity-board-of-northshire", "brisko-solar"}),
    ),
)
def test_g03_name_ends(check_orgs: CheckOrgs, row: Row) -> None:
    check_orgs(row.text, row.keys, row.aliases, row.parents)


# A clipped last word names the same organisation ("… Tech" for "… Technologies").
@rows(
    Row(
        "Orvane Technologies agreed to buy Lumio Robotics. Orvane Tech said the deal closes "
        "in May.",
        frozenset({"orvane-technologies", "lumio-robotics"}),
        aliases=(("orvane-technologies", "Orvane Tech"),),
    ),
    Row(
        "Kessel Pharmaceuticals signed a licence with Brisko Labs, and Kessel Pharma will pay "
        "royalties.",
        frozenset({"kessel-pharmaceuticals", "brisko-labs"}),
        aliases=(("kessel-pharmaceuticals", "Kessel Pharma"),),
    ),
    Row(
        "Tandem Network struck a carriage deal with Lumio Studios. Tandem Net said it would "
        "pay $5 million.",
        frozenset({"tandem-network", "lumio-studios"}),
        aliases=(("tandem-network", "Tandem Net"),),
    ),
)
def test_g03_clipped_names(check_orgs: CheckOrgs, row: Row) -> None:
    check_orgs(row.text, row.keys, row.aliases, row.parents)


# Institutions named after their owner, or through it, are organisations of their own.
@rows(
    Row(
        "Velta Mining will partner with Fenmore. Fenmore Northfield Regional Hospital will "
        "take the first patients.",
        frozenset({"velta-mining", "fenmore", "fenmore-northfield-regional-hospital"}),
    ),
    Row(
        "The Department of Energy's Bureau of Land Surveys signed a contract with Orvane "
        "Geodata Inc.",
        frozenset({"department-of-energy", "bureau-of-land-surveys", "orvane-geodata"}),
    ),
    Row(
        "Kessel Group agreed to fund Kessel Academy, and Brisko Foods will supply its kitchens.",
        frozenset({"kessel-group", "kessel-academy", "brisko-foods"}),
    ),
)
def test_g03_institutions_of_an_owner(check_orgs: CheckOrgs, row: Row) -> None:
    check_orgs(row.text, row.keys, row.aliases, row.parents)
