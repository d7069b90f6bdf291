"""Table-driven sentence tests for agreements, roles, amounts, dates and clauses.

Every sentence is invented for these tests; the companies do not exist.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from kg.extract.documents import extract_documents
from kg.models import Agreement, Document, Extraction
from kg.read.base import content_id
from kg.resolve import resolve_extractions


def _extract(text: str, published: str | None = None) -> Extraction:
    document = Document(id=content_id(text), text=text, source="test.txt", published=published)
    extractions, _ = extract_documents([document])
    return resolve_extractions(extractions)[0]


def _only(extraction: Extraction) -> Agreement:
    assert len(extraction.agreements) == 1, extraction.agreements
    return extraction.agreements[0]


def _party_names(extraction: Extraction, agreement: Agreement) -> set[str]:
    names = {o.key: o.name for o in extraction.organizations}
    return {names[p] for p in agreement.parties}


@pytest.mark.parametrize(
    ("text", "agreement_type", "parties"),
    [
        (
            "Quarrytech Inc. will invest $40 million in Lumora Systems, the companies said on Tuesday.",
            "investment",
            {"Quarrytech", "Lumora Systems"},
        ),
        (
            "Halvorsen Pharma agreed to acquire Brightwater Biologics for $2.1 billion in cash.",
            "acquisition",
            {"Halvorsen Pharma", "Brightwater Biologics"},
        ),
        (
            "Corvane Motors and Tessaly Energy formed a joint venture to build battery cells in Texas.",
            "joint_venture",
            {"Corvane Motors", "Tessaly Energy"},
        ),
        (
            "Pellucid Therapeutics granted Ostrava Labs an exclusive license to its antibody platform.",
            "license",
            {"Pellucid Therapeutics", "Ostrava Labs"},
        ),
        (
            "Marlowe Foods signed a five-year supply agreement with Dunmore Dairy Co. for fresh milk.",
            "supply",
            {"Marlowe Foods", "Dunmore Dairy"},
        ),
    ],
    ids=["investment", "acquisition", "joint-venture", "licence", "supply"],
)
def test_agreement_types_and_parties(text: str, agreement_type: str, parties: set[str]) -> None:
    extraction = _extract(text)
    agreement = _only(extraction)
    assert agreement.types[0] == agreement_type
    assert _party_names(extraction, agreement) == parties


def test_mou_is_non_binding() -> None:
    extraction = _extract(
        "Veltro Airlines and Skyhaven Group signed a non-binding memorandum of understanding "
        "to explore a codeshare partnership."
    )
    agreement = _only(extraction)
    assert agreement.form == "mou"
    assert agreement.status == "non-binding"


def test_investment_roles_and_amount() -> None:
    extraction = _extract("Quarrytech Inc. will invest $40 million in Lumora Systems.")
    agreement = _only(extraction)
    names = {o.key: o.name for o in extraction.organizations}
    roles = {role: names[key] for role, key in agreement.roles}
    assert roles == {"investor": "Quarrytech", "investee": "Lumora Systems"}
    assert [(a.value, a.currency) for a in agreement.amounts] == [(Decimal("40000000"), "USD")]


def test_acquisition_passive_voice_reverses_roles() -> None:
    extraction = _extract(
        "Brightwater Biologics will be acquired by Halvorsen Pharma for $2.1 billion."
    )
    agreement = _only(extraction)
    names = {o.key: o.name for o in extraction.organizations}
    roles = {role: names[key] for role, key in agreement.roles}
    assert roles == {"acquirer": "Halvorsen Pharma", "target": "Brightwater Biologics"}


@pytest.mark.parametrize(
    ("sentence", "clause_type", "value"),
    [
        (
            "Ostrava Labs will take a 19.9% stake in Pellucid Therapeutics as part of the deal.",
            "equity_stake",
            Decimal("19.9"),
        ),
        (
            "Pellucid Therapeutics and Ostrava Labs agreed that Ostrava Labs becomes the exclusive distributor.",
            "exclusivity",
            None,
        ),
        (
            "Pellucid Therapeutics will pay Ostrava Labs royalties on net sales under the license.",
            "royalty",
            None,
        ),
        (
            "Pellucid Therapeutics and Ostrava Labs agreed a revenue share of 20% on the licensed products.",
            "revenue_share",
            Decimal("20"),
        ),
        (
            "Pellucid Therapeutics gives Ostrava Labs a right of first refusal under the partnership.",
            "right_of_first_refusal",
            None,
        ),
        (
            "Ostrava Labs gets a board seat at Pellucid Therapeutics under the investment agreement.",
            "board_seat",
            None,
        ),
        (
            "Corvane Motors and Pellucid Therapeutics extended their partnership by five years.",
            "term",
            None,
        ),
        (
            "Pellucid Therapeutics will license its software to Ostrava Labs for a period of "
            "three years.",
            "term",
            None,
        ),
        (
            "Ostrava Labs will invest up to $50 million in Pellucid Therapeutics over the next "
            "four years.",
            "term",
            None,
        ),
        (
            "Ostrava Labs invested in Pellucid Therapeutics; its stake amounts to a minority "
            "position.",
            "equity_stake",
            None,
        ),
        (
            "Under its agreement with Pellucid Therapeutics, Ostrava Labs was granted access "
            "to certain data services.",
            "license_grant",
            None,
        ),
        (
            "Ostrava Labs signed a supply agreement with Pellucid Therapeutics that permits it "
            "to use other suppliers for part of its needs.",
            "non_exclusivity",
            None,
        ),
        (
            "Ostrava Labs signed a licence deal with Pellucid Therapeutics covering all shows "
            "outside the United States.",
            "territory",
            None,
        ),
        (
            "Ostrava Labs licensed its drug to Pellucid Therapeutics for sale throughout EMEA.",
            "territory",
            None,
        ),
        (
            "Ostrava Labs will buy a stake in Pellucid Therapeutics and will have the right to "
            "appoint one director to its board.",
            "board_seat",
            None,
        ),
        (
            "Pellucid Therapeutics and Ostrava Labs agreed a ten-year network sharing agreement.",
            "term",
            None,
        ),
        (
            "Ostrava Labs signed a supply contract with Pellucid Therapeutics, and the contract "
            "runs for seven years.",
            "term",
            None,
        ),
        (
            "Pellucid Therapeutics and Corvane Motors will form a joint venture, with "
            "Pellucid Therapeutics holding 51%.",
            "equity_stake",
            Decimal("51"),
        ),
        (
            "Ostrava Labs in-licensed the rights from Pellucid Therapeutics for $60 million "
            "upfront.",
            "upfront_payment",
            None,
        ),
        (
            "Pellucid Therapeutics signed a partnership with Ostrava Labs, which will build "
            "large-scale, next-generation GPU clusters that Pellucid plans to use.",
            "compute_commitment",
            None,
        ),
    ],
    ids=[
        "stake",
        "exclusive",
        "royalty",
        "revenue-share",
        "rofr",
        "board-seat",
        "extended-by-years",
        "period-of-years",
        "over-the-next-years",
        "minority-position",
        "granted-access",
        "may-use-others",
        "outside-a-place",
        "across-a-region",
        "appoint-a-director",
        "ten-year-network-sharing-agreement",
        "runs-for-years",
        "holding-a-share",
        "figure-upfront",
        "build-clusters",
    ],
)
def test_clause_types(sentence: str, clause_type: str, value: Decimal | None) -> None:
    agreement = _only(_extract(sentence))
    clauses = [c for c in agreement.clauses if c.type == clause_type]
    assert clauses, [c.type for c in agreement.clauses]
    assert clauses[0].value == value


def test_non_exclusive_is_not_exclusive() -> None:
    agreement = _only(
        _extract(
            "Pellucid Therapeutics granted Ostrava Labs a non-exclusive license to its patents."
        )
    )
    types = {c.type for c in agreement.clauses}
    assert "non_exclusivity" in types
    assert "exclusivity" not in types


def test_no_board_seat_is_not_a_board_seat() -> None:
    agreement = _only(
        _extract(
            "Quarrytech Inc. will invest $40 million in Lumora Systems but will not get a board seat."
        )
    )
    # kept as a negated clause: the text says the term does not hold
    seats = [c for c in agreement.clauses if c.type == "board_seat"]
    assert seats and all(c.negated for c in seats)


def test_removed_exclusivity_becomes_non_exclusivity() -> None:
    agreement = _only(
        _extract(
            "Pellucid Therapeutics and Ostrava Labs amended their supply agreement, "
            "which removes all prior exclusivity commitments."
        )
    )
    types = {c.type for c in agreement.clauses}
    assert "non_exclusivity" in types and "exclusivity" not in types


def test_removed_revenue_share_is_negated() -> None:
    agreement = _only(
        _extract(
            "Pellucid Therapeutics and Ostrava Labs amended their partnership agreement, which removes revenue sharing."
        )
    )
    shares = [c for c in agreement.clauses if c.type == "revenue_share"]
    assert shares and shares[0].negated


def test_term_until_year_keeps_year_precision() -> None:
    agreement = _only(
        _extract(
            "Pellucid Therapeutics extended its license agreement with Ostrava Labs through 2031."
        )
    )
    terms = [c for c in agreement.clauses if c.until is not None]
    assert terms and terms[0].until is not None
    assert (terms[0].until.iso, terms[0].until.precision) == ("2031", "year")


def test_relative_date_resolved_against_published_date() -> None:
    agreement = _only(
        _extract(
            "Quarrytech Inc. said on Monday it will invest $40 million in Lumora Systems.",
            published="2024-03-14",
        )
    )
    assert [(d.iso, d.precision) for d in agreement.dates] == [("2024-03-11", "day")]


def test_unknown_date_stays_unknown() -> None:
    agreement = _only(
        _extract(
            "Quarrytech Inc. will invest $40 million in Lumora Systems.", published="2024-03-14"
        )
    )
    assert agreement.dates == ()


def test_two_deals_in_one_article_are_two_agreements() -> None:
    extraction = _extract(
        "Halvorsen Pharma agreed to acquire Brightwater Biologics for $2.1 billion. "
        "Separately, Corvane Motors and Tessaly Energy formed a joint venture in Ohio."
    )
    assert sorted(a.types[0] for a in extraction.agreements) == ["acquisition", "joint_venture"]


def test_the_deal_named_again_with_a_bystander_is_the_same_agreement() -> None:
    extraction = _extract(
        "Corvane Motors has a $2 billion contract with Tessaly Energy for cloud services. "
        "Now we know how much Tessaly Energy is getting out of the deal, and what "
        "Northwind Data is missing out on."
    )
    agreement = _only(extraction)
    assert _party_names(extraction, agreement) == {"Corvane Motors", "Tessaly Energy"}


def test_date_from_a_sentence_saying_the_agreement_was_entered_into() -> None:
    extraction = _extract(
        "Corvane Motors has a $2 billion contract with Tessaly Energy for cloud services.\n\n"
        "On January 30, 2017, we entered into the Cloud Platform License Agreement. "
        "Its term of five years starts in March."
    )
    agreement = _only(extraction)
    assert [(d.iso, d.role) for d in agreement.dates] == [("2017-01-30", "signed")]
    assert agreement.form != "mou"  # "term of five years" is no term sheet


def test_one_sentence_naming_two_deals_by_their_nouns() -> None:
    extraction = _extract(
        "Halvorsen Pharma’s partnership with Quillfeather Labs as a preferred supplier is "
        "very similar to Corvane Motors’ $2 billion investment in Tessaly Energy."
    )
    by_parties = {frozenset(_party_names(extraction, a)): a for a in extraction.agreements}
    assert set(by_parties) == {
        frozenset({"Halvorsen Pharma", "Quillfeather Labs"}),
        frozenset({"Corvane Motors", "Tessaly Energy"}),
    }
    first = by_parties[frozenset({"Halvorsen Pharma", "Quillfeather Labs"})]
    second = by_parties[frozenset({"Corvane Motors", "Tessaly Energy"})]
    assert (first.types[0], second.types[0]) == ("partnership", "investment")
    # each deal keeps the terms and figures of its own part of the sentence
    assert [c.type for c in first.clauses] == ["preferred_partner"] and not first.amounts
    assert [a.value for a in second.amounts] == [Decimal("2000000000")]
    assert "preferred_partner" not in {c.type for c in second.clauses}


def test_a_backer_named_in_an_apposition_is_no_party_and_backs_no_deal() -> None:
    extraction = _extract(
        "Quillfeather Labs, the research firm backed by Halvorsen Pharma, said it is working "
        "with Tessaly Energy to run most of its experiments on Tessaly Energy's cloud."
    )
    agreement = _only(extraction)
    assert _party_names(extraction, agreement) == {"Quillfeather Labs", "Tessaly Energy"}
    assert agreement.types[0] == "partnership"


def test_years_a_term_covers_do_not_make_another_agreement() -> None:
    extraction = _extract(
        "On May 13, 2021, Corvane Motors entered into an amendment to the supply agreement "
        "with Tessaly Energy. Tessaly Energy agreed to a minimum annual capacity allocation to "
        "Corvane Motors for years 2022, 2023 and 2024, and Corvane Motors agreed to pre-pay "
        "certain amounts in 2022 and 2023.",
        published="2021-05-14",
    )
    main = [a for a in extraction.agreements if not a.background]
    assert len(main) == 1
    assert [d.iso for d in main[0].dates] == ["2021-05-13"]


def test_a_bank_buying_a_lender_is_an_acquisition_not_an_extension() -> None:
    agreement = _only(
        _extract(
            "Harlow Bank Corp said it had agreed to buy regional lender Pinecrest Financial Inc "
            "in an all-stock deal valued at about $3.2 billion, expanding its presence in the "
            "Midwest. Pinecrest's chief executive will join Harlow's board."
        )
    )
    assert (agreement.types[0], agreement.form) == ("acquisition", None)
    assert "board_seat" in {c.type for c in agreement.clauses}


def test_selling_a_stake_to_a_buyer_is_an_acquisition_of_three_parties() -> None:
    extraction = _extract(
        "Quintus Pharma sold its 30% stake in Abrea Biotech to Medlow Capital for $400 million."
    )
    agreement = _only(extraction)
    assert agreement.types[0] == "acquisition"
    assert _party_names(extraction, agreement) == {
        "Quintus Pharma",
        "Abrea Biotech",
        "Medlow Capital",
    }
    assert [a.value for a in agreement.amounts] == [Decimal("400000000")]


def test_a_completed_acquisition_of_a_suffixed_name() -> None:
    extraction = _extract(
        "Velora Energy completed its acquisition of Tarn Gas Ltd on Tuesday.",
        published="2024-10-03",
    )
    agreement = _only(extraction)
    assert _party_names(extraction, agreement) == {"Velora Energy", "Tarn Gas"}
    assert (agreement.status, [d.iso for d in agreement.dates]) == ("completed", ["2024-10-01"])


def test_a_power_purchase_agreement_is_a_supply_deal() -> None:
    agreement = _only(
        _extract("Ardent Power signed a power purchase agreement with Corel Semiconductor.")
    )
    assert agreement.types[0] == "supply"


def test_the_purchase_named_again_beside_a_lender_is_no_new_deal() -> None:
    extraction = _extract(
        "Quarrytech Inc. agreed to buy Lumora Systems for $900 million. Quarrytech will "
        "finance the purchase with a loan from Halvard Bank."
    )
    agreement = _only(extraction)
    assert _party_names(extraction, agreement) == {"Quarrytech", "Lumora Systems"}
    assert agreement.types[0] == "acquisition"


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("Ardent Shipping signed a three-year charter agreement with Corel Metals.", "supply"),
        ("Ardent Systems won a maintenance contract from Corel Rail last week.", "supply"),
        ("Ardent Mobile and Corel Telecom agreed a tower-sharing deal on Monday.", "partnership"),
    ],
    ids=["charter", "maintenance-contract", "tower-sharing"],
)
def test_services_and_sharing_deals(sentence: str, kind: str) -> None:
    assert _only(_extract(sentence)).types[0] == kind


def test_a_name_shortened_to_its_first_word_is_still_that_company() -> None:
    extraction = _extract(
        "Pellworth Motors said on Thursday it had terminated its battery supply agreement "
        "with Graniteview Cells.\n\nPellworth will instead source cells from Oakhurst "
        "Battery, with which it signed a new five-year supply contract worth about $2 billion."
    )
    pairs = {frozenset(_party_names(extraction, a)) for a in extraction.agreements}
    assert frozenset({"Pellworth Motors", "Oakhurst Battery"}) in pairs


def test_a_share_of_revenue_is_no_stake() -> None:
    agreement = _only(
        _extract(
            "Lumenfield Media secured the streaming rights to the Northern Basketball League in "
            "a deal valued at $720 million. The league will also receive a 3% share of "
            "subscription revenue generated by the package."
        )
    )
    types = {c.type for c in agreement.clauses}
    assert "revenue_share" in types and "equity_stake" not in types


def test_paying_for_the_rights_to_a_drug_is_a_licence() -> None:
    agreement = _only(
        _extract(
            "Belmont Biologics agreed to pay Ashcombe Pharma up to $1.1 billion for the rights "
            "to an experimental obesity treatment."
        )
    )
    assert agreement.types[0] == "license"


def test_two_clauses_joined_by_and_state_two_deals() -> None:
    extraction = _extract(
        "Separately, Aldgate Foods signed a distribution deal with Marrow Retail, and "
        "Pinecrest Energy took a 20% stake in Solvane Wind for €75 million."
    )
    deals = {frozenset(_party_names(extraction, a)): a.types[0] for a in extraction.agreements}
    assert deals == {
        frozenset({"Aldgate Foods", "Marrow Retail"}): "supply",
        frozenset({"Pinecrest Energy", "Solvane Wind"}): "investment",
    }


def test_an_extended_licence_runs_to_its_new_end_not_the_original_one() -> None:
    extraction = _extract(
        "Vexmoor renegotiates licence with Dalbury\n\nVexmoor Software said on Nov. 3, 2025 "
        "that it had amended its licensing agreement with Dalbury Systems. Under the revised "
        "terms, Dalbury's exclusive licence to Vexmoor's mapping technology in Europe was "
        "extended until December 31, 2031, and the royalty rate was cut from 6% to 4%.\n\n"
        "The original licence, signed in 2020, was due to expire in 2026.",
        published="2025-11-03",
    )
    (amendment,) = [a for a in extraction.agreements if not a.background]
    ends = {c.type: c.until.iso for c in amendment.clauses if c.until is not None}
    assert ends == {"license_grant": "2031-12-31"}


def test_ordering_aircraft_from_a_maker_is_a_supply_deal() -> None:
    agreement = _only(
        _extract(
            "Skyreach Airways has ordered 40 narrow-body aircraft from Aerion Aircraft Corp. in "
            "a deal worth $4.8 billion at list prices."
        )
    )
    assert agreement.types[0] == "supply"


def test_funding_research_with_an_option_to_license_is_a_collaboration() -> None:
    agreement = _only(
        _extract(
            "Ostara Therapeutics today announced a research collaboration with Linden "
            "University to study new treatments for rare kidney diseases. Under the agreement, "
            "Ostara will fund research at Linden's nephrology department for three years and "
            "will receive an exclusive option to license any resulting discoveries."
        )
    )
    assert agreement.types[0] == "partnership"


def test_what_partners_contribute_to_a_venture_is_its_amount() -> None:
    agreement = _only(
        _extract(
            "Harrowgate Power and Vinter Motors are forming a 50-50 joint venture for "
            "fast-charging points along motorways. Each partner will contribute €300 million."
        )
    )
    assert {a.value for a in agreement.amounts} == {Decimal("300000000")}


def test_a_concession_is_a_licence_with_its_term() -> None:
    agreement = _only(
        _extract(
            "Meridian Terminals has been awarded a 30-year concession to operate the container "
            "terminal at the port of Valcaro by the Valcaro Port Authority."
        )
    )
    assert agreement.types[0] == "license"
    assert {(c.type, c.years) for c in agreement.clauses if c.type == "term"} == {
        ("term", Decimal(30))
    }


def test_what_the_lease_is_valued_at_is_its_amount() -> None:
    agreement = _only(
        _extract(
            "Stratos Compute has signed a 12-year lease for a data center campus with developer "
            "Northgate Digital. The lease is valued at about $1.9 billion."
        )
    )
    assert {a.value for a in agreement.amounts} == {Decimal("1900000000")}


def test_a_distribution_agreement_is_a_supply_deal() -> None:
    agreement = _only(
        _extract("Ardent Foods signed a distribution agreement with Corel Retail last week.")
    )
    assert agreement.types[0] == "supply"


def test_an_earlier_agreement_with_one_named_company_is_the_protagonists() -> None:
    extraction = _extract(
        "Northfield Rovers have signed a kit sponsorship agreement with Valtra Sportswear. "
        "The deal replaces the club's previous agreement with Hexa Athletic."
    )
    (background,) = [a for a in extraction.agreements if a.background]
    assert _party_names(extraction, background) == {"Northfield Rovers", "Hexa Athletic"}


def test_the_two_companies_signing_another_kind_of_deal_is_another_agreement() -> None:
    extraction = _extract(
        "Korvath Motors will acquire a 20% stake in Elyra Energy Solutions. The two companies "
        "also signed a memorandum of understanding to develop batteries together. Both "
        "companies have also agreed to explore co-investment opportunities."
    )
    forms = sorted((a.types[0], a.form or "") for a in extraction.agreements)
    assert len(forms) == 2 and ("mou" in {f for _, f in forms})
    for agreement in extraction.agreements:
        assert _party_names(extraction, agreement) == {"Korvath Motors", "Elyra Energy Solutions"}


def test_a_round_the_company_raised_with_a_lead_investor_at_the_time_stated_before() -> None:
    extraction = _extract(
        "Quillfeather Labs was worth some $2 billion after a financing it closed in "
        "December 2023. At the time, the start-up raised €90 million, with Halvorsen Capital "
        "leading the funding round. The start-up had raised $100 million before "
        "Tessaly Energy's investment.",
        published="2024-02-27",
    )
    agreement = _only(extraction)
    assert _party_names(extraction, agreement) == {"Quillfeather Labs", "Halvorsen Capital"}
    assert agreement.types[0] == "investment"
    assert [d.iso for d in agreement.dates] == ["2023-12"]


def test_examples_of_partners_are_not_partners_of_each_other() -> None:
    extraction = _extract(
        "Tessaly Energy and Northwind Data signed a letter of intent for a strategic "
        "partnership. It adds to the ties both already have with large groups, including "
        "Halvorsen Pharma, Quillfeather Labs and Corvane Motors."
    )
    agreement = _only(extraction)
    assert _party_names(extraction, agreement) == {"Tessaly Energy", "Northwind Data"}


def test_extension_of_a_pre_existing_partnership_is_a_new_amendment() -> None:
    extraction = _extract(
        "Tessaly Energy and Northwind Data unveiled a three-year extension of a "
        "pre-existing partnership covering 12 markets."
    )
    forms = {a.form for a in extraction.agreements if not a.background}
    assert forms == {"amendment"}


def test_the_previous_arrangement_is_the_dated_original_again() -> None:
    extraction = _extract(
        "Tessaly Energy and Northwind Data agreed to extend their tower sharing deal to "
        "cover 5G. Their first tower sharing agreement, signed in 2009, was limited to rural "
        "areas. The new agreement adds large cities, while the previous arrangement "
        "stopped at small towns."
    )
    background = [a for a in extraction.agreements if a.background]
    assert [[d.iso for d in a.dates] for a in background] == [["2009"]]


def test_companies_in_a_clause_describing_someone_are_not_parties() -> None:
    extraction = _extract(
        "Halvorsen Pharma has acquired the studio Brightwater Games. The studio, co-founded "
        "by former Quillfeather Labs staff after they left Corvane Motors, was bought out in "
        "a deal valued at up to $210 million."
    )
    agreement = _only(extraction)
    assert _party_names(extraction, agreement) == {"Halvorsen Pharma", "Brightwater Games"}
    assert [a.value for a in agreement.amounts] == [Decimal("210000000")]


def test_an_outlet_citing_sources_is_not_a_party() -> None:
    extraction = _extract(
        "Halvorsen Pharma has acquired Brightwater Games. Northwind Data publishes a game "
        "of Brightwater Games. The Ledger, citing sources close to the matter, claims that "
        "Northwind Data had bid to buy the company outright. The Ledger says the bid failed."
    )
    pairs = {frozenset(_party_names(extraction, a)) for a in extraction.agreements}
    assert pairs == {
        frozenset({"Halvorsen Pharma", "Brightwater Games"}),
        frozenset({"Northwind Data", "Brightwater Games"}),  # "the company" named just before
    }


def test_a_deal_in_a_relative_clause_is_between_its_company_and_the_ones_it_names() -> None:
    extraction = _extract(
        "Dealing directly with Tessaly Energy is a big shift for Northwind Data, which "
        "purchased its sales, marketing and distribution operations back from Halvorsen "
        "Pharma in November 2012."
    )
    agreement = _only(extraction)
    assert _party_names(extraction, agreement) == {"Northwind Data", "Halvorsen Pharma"}
    assert agreement.types[0] == "acquisition"  # operations bought: a business
    assert [d.iso for d in agreement.dates] == ["2012-11"]


def test_back_as_an_adverb_is_no_investment() -> None:
    extraction = _extract(
        "Prior to the buy-back from Halvorsen Pharma, Northwind Data was restricted "
        "contractually from dealing directly with retailers."
    )
    assert all("investment" not in a.types for a in extraction.agreements)


def test_multi_billion_dollar_stays_qualitative() -> None:
    agreement = _only(
        _extract(
            "Corvane Motors and Tessaly Energy extend their multi-year, multi-billion dollar partnership."
        )
    )
    assert agreement.amounts == ()
    assert agreement.form == "amendment"


def test_size_of_a_payment_in_words_is_an_amount_without_a_figure() -> None:
    text = "Corvane Motors announced a multiyear, multibillion-dollar investment in Tessaly Energy."
    agreement = _only(_extract(text))
    (amount,) = agreement.amounts
    assert (amount.value, amount.currency, amount.qualifier) == (None, "USD", "unquantified")
    assert amount.kind == "investment"
    assert amount.span is not None
    assert text[amount.span.start : amount.span.end] == "multibillion-dollar"


def test_a_figure_makes_the_size_in_words_redundant() -> None:
    agreement = _only(
        _extract(
            "Corvane Motors will make a multibillion-dollar investment of $2 billion "
            "in Tessaly Energy."
        )
    )
    assert [(a.value, a.qualifier) for a in agreement.amounts] == [(Decimal("2000000000"), "exact")]


def test_evidence_quotes_match_offsets() -> None:
    text = (
        "Quarrytech Inc. will invest $40 million in Lumora Systems.\n\n"
        "Lumora Systems will receive an upfront payment of $5 million."
    )
    extraction = _extract(text)
    for agreement in extraction.agreements:
        spans = list(agreement.evidence) + [c.evidence for c in agreement.clauses]
        spans += [a.span for a in agreement.amounts if a.span is not None]
        for span in spans:
            assert text[span.start : span.end] == span.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Quarrytech Inc. will invest $40 million in Lumora Systems, the $3 billion startup said.",
            {Decimal("40000000")},
        ),
        (
            "Quarrytech Inc., which has more than $90 billion in cash, will invest $40 million in Lumora Systems.",
            {Decimal("40000000")},
        ),
        (
            "Quarrytech Inc. will invest €20 million ($22 million) in Lumora Systems.",
            {Decimal("20000000"), Decimal("22000000")},
        ),
        (
            "Quarrytech Inc., whose market capitalization rose to $300 billion, will invest "
            "$40 million in Lumora Systems.",
            {Decimal("40000000")},
        ),
        (
            "Quarrytech Inc. will invest $40 million in Lumora Systems at a valuation of about "
            "$2 billion.",
            {Decimal("40000000")},
        ),
        (
            "Quarrytech Inc. agreed to acquire Lumora Systems for $900 million. Quarrytech "
            "will pay for the purchase with cash and a $600 million bridge loan from Halvard Bank.",
            {Decimal("900000000")},
        ),
        (
            "Quarrytech Inc. agreed to acquire Lumora Systems for $900 million, funded in part "
            "by a bond of $500 million.",
            {Decimal("900000000")},
        ),
        (
            "Quarrytech Inc. led a $60 million investment in Lumora Systems. The round values "
            "Lumora Systems at about $700 million.",
            {Decimal("60000000")},
        ),
    ],
    ids=[
        "size-of-a-company",
        "cash-holdings",
        "bracketed-conversion",
        "market-cap",
        "valuation",
        "a-loan-to-pay-for-it",
        "a-bond-of",
        "what-a-round-values-it-at",
    ],
)
def test_only_the_deal_amounts_count(text: str, expected: set[Decimal]) -> None:
    agreement = _only(_extract(text))
    assert {a.value for a in agreement.amounts} == expected


def test_compute_commitment() -> None:
    agreement = _only(
        _extract(
            "Lumora Systems signed a partnership with Quarrytech Inc. and will use Quarrytech "
            "cloud capacity to train its models."
        )
    )
    assert "compute_commitment" in {c.type for c in agreement.clauses}


def test_a_commitment_to_spend_a_figure_on_cloud_is_a_purchase_commitment() -> None:
    agreement = _only(
        _extract(
            "Lumora Systems signed a partnership with Quarrytech Inc. that includes a $250B "
            "cloud services commitment from Lumora Systems."
        )
    )
    types = {c.type for c in agreement.clauses}
    assert "purchase_commitment" in types and "compute_commitment" not in types


@pytest.mark.parametrize(
    ("sentence", "stake"),
    [
        ("Lumora Systems will buy Quarrytech Inc. It holds 14.5% of Quarrytech's shares.", True),
        (
            "Lumora Systems will buy Quarrytech Inc. Lumora holders will own about 93% of the "
            "combined company.",
            True,
        ),
        (
            "Lumora Systems signed a supply deal with Quarrytech Inc. Lumora must buy $400 "
            "million a year; 15% of this sum can roll over into the next year.",
            False,
        ),
    ],
)
def test_a_percentage_of_what_is_a_stake(sentence: str, stake: bool) -> None:
    agreement = _only(_extract(sentence))
    assert ("equity_stake" in {c.type for c in agreement.clauses}) is stake


def test_a_separate_deal_between_the_same_parties_is_another_agreement() -> None:
    extraction = _extract(
        "Marlowe Foods signed a five-year supply agreement with Dunmore Dairy Co. for fresh milk. "
        "Separately, Dunmore Dairy Co. will license its cheese brand to Marlowe Foods."
    )
    assert sorted(a.types[0] for a in extraction.agreements) == ["license", "supply"]


def test_more_about_the_same_deal_is_the_same_agreement() -> None:
    extraction = _extract(
        "Marlowe Foods signed a five-year supply agreement with Dunmore Dairy Co. for fresh milk. "
        "Under the agreement, Dunmore Dairy Co. will supply Marlowe Foods stores in Ohio."
    )
    assert len(extraction.agreements) == 1


def test_an_existing_tie_up_is_an_agreement_mentioned_in_passing() -> None:
    extraction = _extract(
        "Veltro Airlines has an interline agreement with Skyhaven Group. "
        "Veltro Airlines and Skyhaven Group signed a memorandum of understanding for a codeshare."
    )
    forms = sorted((a.background, a.form or "") for a in extraction.agreements)
    assert forms == [(False, "mou"), (True, "")]


def test_a_new_agreement_a_party_now_has_is_not_in_passing() -> None:
    extraction = _extract("Veltro Airlines has a new codeshare agreement with Skyhaven Group.")
    agreement = _only(extraction)
    assert not agreement.background
