"""Tests for kg.evaluate.score: the corpus scoring spec on small invented gold/prediction pairs."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.errors import EvalError
from kg.evaluate.score import (
    METRICS,
    Counts,
    EvalReport,
    check_floor,
    format_report,
    gold_files_in,
    load_facts,
    load_floor,
    normalize_org,
    score,
    score_dirs,
    score_file,
    score_paths,
)

FIXTURES = Path(__file__).parents[1] / "fixtures" / "eval"
# The shared folder sits beside the checkout, as the Makefile expects (../shared).
SHARED = Path(__file__).resolve().parents[2].parent / "shared"
DEV_CORPUS = SHARED / "corpus" / "dev"
SEED_GOLD = SHARED / "seeds"
REFERENCE_SCORER = SHARED / "corpus" / "score.py"


def org(name: str, *aliases: str) -> dict[str, Any]:
    return {"name": name, "aliases": list(aliases)}


def deal(
    kind: str,
    parties: list[str],
    date: str | None = None,
    *,
    alt_types: list[str] | None = None,
    amounts: list[dict[str, Any]] | None = None,
    clauses: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "type": kind,
        "parties": parties,
        "date": date,
        "amounts": amounts or [],
        "clauses": clauses or [],
    }
    if alt_types:
        record["alt_types"] = alt_types
    return record


def facts(
    orgs: list[dict[str, Any]], agreements: list[dict[str, Any]], **extra: Any
) -> dict[str, Any]:
    return {"organizations": orgs, "agreements": agreements, **extra}


def counts(gold: dict[str, Any], pred: dict[str, Any], metric: str) -> tuple[int, int, int]:
    c = score_file(gold, pred)[metric].counts
    return (c.tp, c.fp, c.fn)


ACME = org("Acme Robotics", "Acme")
BOREALIS = org("Borealis Therapeutics", "Borealis")
CALDERA = org("Caldera Mining")


# --------------------------------------------------------------------------- normalisation


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Acme Robotics Inc.", "acme robotics"),
        ("ACME ROBOTICS, INC", "acme robotics"),
        ("Acme Robotics Holdings Co., Ltd.", "acme robotics holdings"),
        ("Borealis Therapeutics GmbH & Co. KG", "borealis therapeutics gmbh and co kg"),
        ("Société Minière SA", "societe miniere"),
        ("Société Minière S.A.", "societe miniere s a"),  # the letters stay apart
        ("Caldera Mining NV", "caldera mining"),
        ("Dunmore Energy plc", "dunmore energy"),
        ("Ember Labs PBC", "ember labs"),
        ("Fjord Capital LP", "fjord capital"),
        ("Grover & Company", "grover and"),
        ("The Halden Group", "halden group"),
        ("Inc", ""),
    ],
)
def test_normalize_org(name: str, expected: str) -> None:
    assert normalize_org(name) == expected


def test_repeated_trailing_suffixes_are_all_removed() -> None:
    assert normalize_org("Halcyon Foods Corporation Limited") == "halcyon foods"
    assert normalize_org("Halcyon Foods Co. Ltd") == normalize_org("Halcyon Foods")


def test_legal_suffix_and_case_do_not_matter() -> None:
    gold = facts([org("Acme Robotics")], [])
    pred = facts([org("ACME ROBOTICS, Inc.")], [])
    assert counts(gold, pred, "organizations") == (1, 0, 0)


def test_two_predicted_names_for_one_company_count_once() -> None:
    gold = facts([BOREALIS], [])
    pred = facts([org("Borealis Therapeutics"), org("Borealis")], [])
    result = score_file(gold, pred)["organizations"]
    assert (result.counts.tp, result.counts.fp, result.counts.fn) == (1, 1, 0)
    assert result.false_positives == ("organization Borealis",)


def test_merged_aliases_in_one_prediction_count_once() -> None:
    gold = facts([BOREALIS, ACME], [])
    pred = facts([org("Borealis", "Borealis Therapeutics Inc.")], [])
    result = score_file(gold, pred)["organizations"]
    assert (result.counts.tp, result.counts.fp, result.counts.fn) == (1, 0, 1)
    assert result.misses == ("organization Acme Robotics",)


def test_excluded_outlets_are_neither_hits_nor_false_positives() -> None:
    gold = facts([ACME], [], source_orgs_excluded=["Widget Wire"])
    pred = facts([org("Acme"), org("Widget Wire Ltd"), org("Zephyr Analytics")], [])
    result = score_file(gold, pred)["organizations"]
    assert (result.counts.tp, result.counts.fp, result.counts.fn) == (1, 1, 0)
    assert result.false_positives == ("organization Zephyr Analytics",)


def test_a_prediction_takes_the_first_gold_organisation_it_names() -> None:
    # "Acme" names the first gold company, so "Acme Robotics" finds it taken.
    gold = facts([org("Acme Robotics", "Acme"), org("Acme Foods", "Foods")], [])
    pred = facts([org("Acme"), org("Acme Robotics")], [])
    assert counts(gold, pred, "organizations") == (1, 1, 1)


def test_gold_entries_sharing_a_name_are_one_organisation() -> None:
    gold = facts([org("Acme Robotics", "Acme"), org("Acme", "ACR")], [])
    assert counts(gold, facts([org("ACR")], []), "organizations") == (1, 0, 0)


# --------------------------------------------------------------------------- agreements


def test_agreement_matching_prefers_the_same_type() -> None:
    gold_deals = [
        deal("license", ["Acme Robotics", "Borealis Therapeutics"], "2021"),
        deal("investment", ["Acme Robotics", "Borealis Therapeutics"], "2021"),
    ]
    gold = facts([ACME, BOREALIS], gold_deals)
    pred = facts([], [deal("investment", ["Acme Robotics", "Borealis Therapeutics"], "2021")])
    result = score_file(gold, pred)
    assert result["agreements"].misses == (
        "agreement license [Acme Robotics, Borealis Therapeutics] 2021",
    )
    assert counts(gold, pred, "agreements_typed") == (1, 0, 1)


def test_agreement_matching_is_one_to_one_best_score_first() -> None:
    gold = facts(
        [ACME, BOREALIS],
        [
            deal("license", ["Acme", "Borealis"], "2021"),
            deal("investment", ["Acme", "Borealis"], "2021"),
        ],
    )
    pred = facts(
        [],
        [
            deal("investment", ["Acme", "Borealis"], "2021"),
            deal("license", ["Acme", "Borealis"], "2021"),
            deal("license", ["Acme", "Borealis"], "2021"),
        ],
    )
    assert counts(gold, pred, "agreements") == (2, 1, 0)
    assert counts(gold, pred, "agreements_typed") == (2, 1, 0)


def test_typed_agreements_count_the_same_pairs() -> None:
    # The untyped pairing is not redone for the typed metric: a pair of the wrong type is lost.
    gold = facts([ACME, BOREALIS], [deal("license", ["Acme", "Borealis"], "2021-03-01")])
    pred = facts(
        [],
        [
            deal("supply", ["Acme", "Borealis"], "2021-03-01"),
            deal("license", ["Acme", "Borealis", "Caldera"], "2021"),
        ],
    )
    # The license scores 2 + 0.67 against the supply deal's 1 + 1: the license wins.
    assert counts(gold, pred, "agreements_typed") == (1, 1, 0)


def test_alt_types_count_as_the_same_type() -> None:
    gold = facts([ACME, BOREALIS], [deal("license", ["Acme", "Borealis"], alt_types=["supply"])])
    pred = facts([], [deal("supply", ["Acme", "Borealis"])])
    assert counts(gold, pred, "agreements_typed") == (1, 0, 0)


def test_wrong_type_matches_only_the_untyped_metric() -> None:
    gold = facts([ACME, BOREALIS], [deal("license", ["Acme", "Borealis"])])
    pred = facts([], [deal("mou", ["Acme", "Borealis"])])
    assert counts(gold, pred, "agreements") == (1, 0, 0)
    assert counts(gold, pred, "agreements_typed") == (0, 1, 1)


def test_parties_match_through_the_gold_alias_table() -> None:
    northwind = org("Northwind Motors", "NWM")
    gold = facts(
        [northwind, CALDERA], [deal("joint_venture", ["Northwind Motors", "Caldera Mining"])]
    )
    pred = facts([], [deal("joint_venture", ["NWM", "Caldera Mining Corp."])])
    assert counts(gold, pred, "agreements") == (1, 0, 0)


def test_agreements_need_two_shared_parties() -> None:
    gold = facts(
        [ACME, BOREALIS, CALDERA], [deal("partnership", ["Acme", "Borealis", "Caldera Mining"])]
    )
    two = facts([], [deal("partnership", ["Caldera Mining", "Borealis Therapeutics"])])
    one = facts([], [deal("partnership", ["Acme Robotics", "Zephyr Analytics"])])
    assert counts(gold, two, "agreements") == (1, 0, 0)
    assert counts(gold, one, "agreements") == (0, 1, 1)


def test_a_single_gold_party_needs_only_that_party() -> None:
    gold = facts([ACME], [deal("acquisition", ["Acme"])])
    pred = facts([], [deal("acquisition", ["Acme Robotics", "Zephyr Analytics"])])
    assert counts(gold, pred, "agreements") == (1, 0, 0)


def test_agreements_in_different_years_do_not_match() -> None:
    gold = facts([ACME, BOREALIS], [deal("license", ["Acme", "Borealis"], "2021-03")])
    later = facts([], [deal("license", ["Acme", "Borealis"], "2022-03")])
    undated = facts([], [deal("license", ["Acme", "Borealis"])])
    assert counts(gold, later, "agreements") == (0, 1, 1)
    assert counts(gold, undated, "agreements") == (1, 0, 0)


def test_missed_agreement_is_described_readably() -> None:
    gold = facts([ACME, BOREALIS], [deal("investment", ["Acme", "Borealis"], "2019-07-22")])
    result = score_file(gold, facts([], []))["agreements"]
    assert result.misses == ("agreement investment [Acme, Borealis] 2019-07-22",)


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("gold_date", "pred_date", "expected"),
    [
        ("2019", "2019-07-22", (1, 0, 0)),
        ("2019-07", "2019-07-22", (1, 0, 0)),
        ("2019-07-22", "2019-07-22", (1, 0, 0)),
        ("2019-07", "2019-08-01", (0, 1, 1)),
        ("2019-07-22", "2019", (0, 1, 1)),
        ("2019-07-22", None, (0, 1, 1)),  # a missing date is wrong both ways
        (None, "2019-07-22", (0, 0, 0)),
        (None, None, (0, 0, 0)),
    ],
)
def test_dates_of_matched_agreements(
    gold_date: str | None, pred_date: str | None, expected: tuple[int, int, int]
) -> None:
    gold = facts([ACME, BOREALIS], [deal("license", ["Acme", "Borealis"], gold_date)])
    pred = facts([], [deal("license", ["Acme", "Borealis"], pred_date)])
    assert counts(gold, pred, "agreements") == (1, 0, 0)
    assert counts(gold, pred, "dates") == expected


def test_unmatched_agreements_do_not_count_for_dates() -> None:
    gold = facts([ACME, BOREALIS], [deal("license", ["Acme", "Borealis"], "2020")])
    pred = facts([], [deal("license", ["Acme", "Zephyr"], "2020")])
    assert counts(gold, pred, "dates") == (0, 0, 0)


# --------------------------------------------------------------------------- clauses


def clause(kind: str, value: Any = None) -> dict[str, Any]:
    record: dict[str, Any] = {"type": kind, "text": f"a {kind} clause"}
    if value is not None:
        record["value"] = value
    return record


def clause_counts(gold_clauses: list[dict[str, Any]], pred_clauses: list[dict[str, Any]]) -> Any:
    gold = facts([ACME, BOREALIS], [deal("investment", ["Acme", "Borealis"], clauses=gold_clauses)])
    # Pooled per file: the predicted clauses sit on a different (unmatched) agreement.
    pred = facts([], [deal("license", ["Zephyr", "Caldera"], clauses=pred_clauses)])
    return counts(gold, pred, "clauses")


def test_clause_value_within_one_percent() -> None:
    assert clause_counts([clause("equity_stake", 27)], [clause("equity_stake", 27.25)]) == (1, 0, 0)
    assert clause_counts([clause("equity_stake", 27)], [clause("equity_stake", 27.5)]) == (0, 1, 1)
    assert clause_counts([clause("equity_stake", 27)], [clause("equity_stake")]) == (0, 1, 1)


def test_clause_value_not_checked_when_gold_gives_no_number() -> None:
    per_party = {"Acme Robotics": 50, "Borealis Therapeutics": 50}
    gold = [
        clause("equity_stake", per_party),
        clause("royalty", "tiered"),
        clause("board_seat", False),
    ]
    pred = [clause("royalty"), clause("equity_stake", 12), clause("board_seat")]
    assert clause_counts(gold, pred) == (3, 0, 0)


def test_other_clauses_are_ignored_on_both_sides() -> None:
    gold = [clause("exclusivity"), clause("other")]
    pred = [clause("exclusivity"), clause("other")]
    assert clause_counts(gold, pred) == (1, 0, 0)


def test_clause_types_are_compared_as_written_after_the_old_names_are_mapped() -> None:
    # "stake" is the old name of equity_stake; "OTHER" is not "other", so it is a clause.
    gold = [clause("equity_stake")]
    assert clause_counts(gold, [clause("stake"), clause("OTHER")]) == (1, 1, 0)


def test_clauses_match_one_to_one_by_type() -> None:
    gold = [clause("exclusivity"), clause("territory")]
    pred = [clause("exclusivity"), clause("exclusivity"), clause("termination")]
    assert clause_counts(gold, pred) == (1, 2, 1)


# --------------------------------------------------------------------------- amounts


def amount(value: float | None, currency: str = "USD") -> dict[str, Any]:
    return {"value": value, "currency": currency, "text": f"{currency} {value}"}


def amount_counts(gold_amounts: list[dict[str, Any]], pred_amounts: list[dict[str, Any]]) -> Any:
    gold = facts([], [deal("investment", ["Acme", "Borealis"], amounts=gold_amounts)])
    pred = facts([], [deal("investment", ["Acme", "Borealis"], amounts=pred_amounts)])
    return counts(gold, pred, "amounts")


def test_amount_within_half_a_percent() -> None:
    assert amount_counts([amount(250_000_000)], [amount(251_000_000)]) == (1, 0, 0)
    assert amount_counts([amount(250_000_000)], [amount(252_000_000)]) == (0, 1, 1)


def test_amount_currency_must_match() -> None:
    assert amount_counts([amount(5_000_000, "EUR")], [amount(5_000_000, "usd")]) == (0, 1, 1)
    assert amount_counts([amount(5_000_000, "EUR")], [amount(5_000_000, "eur")]) == (1, 0, 0)


def test_amounts_match_one_to_one_and_only_numbers_count() -> None:
    # A figure written as a string is no number; a gold amount without one is not scored.
    gold = [amount(1_000_000_000), amount(1_000_000_000), amount(None)]
    pred = [{"value": "1000000000", "currency": "USD", "text": "$1bn"}, amount(1_000_000_000)]
    assert amount_counts(gold, pred) == (1, 0, 1)


def test_an_amount_without_a_currency_is_in_dollars() -> None:
    assert amount_counts([amount(5_000_000)], [{"value": 5_000_000}]) == (1, 0, 0)


# --------------------------------------------------------------------------- report, files


def test_missing_prediction_counts_all_gold_as_misses() -> None:
    report = score_dirs(FIXTURES / "gold", FIXTURES / "pred")
    assert report.missing_predictions == ("beta",)
    assert report.unscored_predictions == ("gamma",)
    beta = report.file("beta")
    assert beta.prediction_missing
    assert beta.metrics["organizations"].misses == (
        "organization Cobalt Freight",
        "organization Dunmore Energy",
    )
    totals = {name: (c.tp, c.fp, c.fn) for name, c in report.totals.items()}
    assert totals == {
        "organizations": (2, 0, 2),
        "agreements": (1, 0, 1),
        "agreements_typed": (1, 0, 1),
        "dates": (1, 0, 0),
        "clauses": (1, 0, 2),
        "amounts": (1, 0, 1),
    }
    assert report.f1("org") == pytest.approx(2 / 3)


def test_report_to_dict_is_json() -> None:
    report = score_dirs(FIXTURES / "gold", FIXTURES / "pred")
    data = json.loads(json.dumps(report.to_dict()))
    assert set(data["totals"]) == set(METRICS)
    assert data["totals"]["clauses"]["recall"] == pytest.approx(1 / 3, abs=1e-4)
    assert data["files"]["alpha"]["metrics"]["clauses"]["misses"] == [
        'clause royalty "tiered" "tiered royalties"'
    ]
    assert data["missing_predictions"] == ["beta"]
    assert "missing predictions: beta" in format_report(report, details=True)


def test_score_paths_rejects_duplicate_stems() -> None:
    gold = FIXTURES / "gold" / "alpha.gold.json"
    with pytest.raises(EvalError, match="already given"):
        score_paths([gold, gold], FIXTURES / "pred")


def test_missing_folders_are_reported(tmp_path: Path) -> None:
    with pytest.raises(EvalError, match="prediction folder not found"):
        score_dirs(FIXTURES / "gold", tmp_path / "nowhere")
    with pytest.raises(EvalError, match=r"no \*\.gold\.json"):
        gold_files_in(tmp_path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"organizations": [', "not valid JSON"),
        ("[]", "expected a JSON object"),
        ('{"agreements": {}}', "'agreements' must be a list"),
        ('{"organizations": [3]}', r"organizations\[0\] must be an object"),
    ],
)
def test_load_facts_rejects_malformed_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "broken.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(EvalError, match=message) as info:
        load_facts(path)
    assert str(path) in str(info.value)


def test_load_facts_names_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(EvalError, match="absent.json: facts file not found"):
        load_facts(tmp_path / "absent.json")


# --------------------------------------------------------------------------- floor gate


def report_with(**f1_counts: tuple[int, int, int]) -> EvalReport:
    totals = {name: Counts(*f1_counts.get(name, (1, 0, 0))) for name in METRICS}
    return EvalReport(totals=totals, files=())


def test_check_floor_flags_only_drops_beyond_tolerance() -> None:
    report = report_with(agreements=(4, 3, 3), clauses=(1, 3, 3))  # F1 0.571 and 0.25
    assert check_floor(report, {"agreement": 0.58, "clause": 0.25}) == []
    failures = check_floor(report, {"agreement": 0.60, "clause": 0.20, "org": 0.9})
    assert failures == ["agreements: F1 0.571 is below the floor 0.600 (tolerance 0.01)"]
    assert check_floor(report, {"agreement": 0.60}, tolerance=0.05) == []


def test_check_floor_rejects_unknown_metrics(tmp_path: Path) -> None:
    with pytest.raises(EvalError, match="unknown metric 'agreemnt'"):
        check_floor(report_with(), {"agreemnt": 0.4})
    path = tmp_path / "floor.json"
    path.write_text('{"org": 0.56, "agreement_strict": 0.35}', encoding="utf-8")
    assert load_floor(path) == {"organizations": 0.56, "agreements_typed": 0.35}


def test_counts_conventions() -> None:
    assert Counts().f1 == 1.0  # nothing to find, nothing predicted
    assert Counts(0, 0, 3).f1 == 0.0
    assert Counts(0, 2, 0).f1 == 0.0
    assert Counts(3, 1, 2).precision == 0.75
    assert Counts(3, 1, 2).recall == 0.6


# --------------------------------------------------------------------------- real gold shapes


@pytest.mark.skipif(not DEV_CORPUS.is_dir(), reason="dev corpus folder not present")
def test_every_real_gold_file_scores_perfectly_against_itself() -> None:
    files = gold_files_in(DEV_CORPUS) + sorted(SEED_GOLD.glob("*.gold.json"))
    gold = {path.name.removesuffix(".gold.json"): load_facts(path) for path in files}
    report = score(gold, gold)
    assert report.missing_predictions == ()
    for name in METRICS:
        assert report.totals[name].f1 == 1.0, (name, report.totals[name])
    for file in report.files:
        for name, result in file.metrics.items():
            assert result.misses == result.false_positives == (), (file.stem, name)


# --------------------------------------------------------------------------- the reference scorer

METRIC_NAMES = {
    "org": "organizations",
    "agreement": "agreements",
    "agreement_strict": "agreements_typed",
    "date": "dates",
    "clause": "clauses",
    "amount": "amounts",
}
needs_reference = pytest.mark.skipif(
    not REFERENCE_SCORER.is_file(), reason=f"reference scorer not present at {REFERENCE_SCORER}"
)


@pytest.fixture(scope="module")
def reference() -> ModuleType:
    spec = importlib.util.spec_from_file_location("reference_score", REFERENCE_SCORER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def reference_counts(reference: ModuleType, gold: Any, pred: Any) -> dict[str, tuple[int, ...]]:
    """Our counts in the reference's form: (true positives, predicted, gold) per metric."""
    ours = score_file(gold, pred)
    return {
        ref_name: (
            ours[name].counts.tp,
            ours[name].counts.tp + ours[name].counts.fp,
            ours[name].counts.tp + ours[name].counts.fn,
        )
        for ref_name, name in METRIC_NAMES.items()
    }


def assert_same_as_reference(reference: ModuleType, gold: Any, pred: Any) -> None:
    expected = {k: tuple(v) for k, v in reference.score_doc(gold, pred).items()}
    assert reference_counts(reference, gold, pred) == expected


EDGE_CASES = {
    "outlet excluded even when matched": (
        facts([ACME, org("Harbour Wire")], [], source_orgs_excluded=["Harbour Wire"]),
        facts([org("Harbour Wire"), org("Acme")], []),
    ),
    "gold entries merged by a shared alias": (
        facts([org("Acme Robotics", "Acme"), org("Acme Inc.", "ACR")], []),
        facts([org("ACR"), org("Acme Robotics")], []),
    ),
    "suffixes, ampersand and leading the": (
        facts([org("The Halden & Vix Group plc"), org("Société Minière S.A.")], []),
        facts([org("Halden and Vix Group"), org("Societe Miniere SA")], []),
    ),
    "party unknown to gold": (
        facts([ACME], [deal("investment", ["Acme", "Quorra Labs"], "2020")]),
        facts([], [deal("investment", ["Acme Robotics", "Quorra Labs Inc"], "2020-05-01")]),
    ),
    "single gold party": (
        facts([ACME], [deal("acquisition", ["Acme"], None)]),
        facts([], [deal("acquisition", ["Acme", "Borealis"], "2021")]),
    ),
    "different years block a match": (
        facts([ACME, BOREALIS], [deal("license", ["Acme", "Borealis"], "2020")]),
        facts([], [deal("license", ["Acme", "Borealis"], "2021-01-01")]),
    ),
    "ties go to the later agreements": (
        facts(
            [ACME, BOREALIS, CALDERA],
            [
                deal("supply", ["Acme", "Borealis"], "2022"),
                deal("supply", ["Acme", "Borealis", "Caldera"], "2022"),
            ],
        ),
        facts([], [deal("supply", ["Acme", "Borealis"], "2022"), deal("mou", ["Acme", "Caldera"])]),
    ),
    "old type names and alt types": (
        facts([ACME, BOREALIS], [deal("extension", ["Acme", "Borealis"], alt_types=["license"])]),
        facts([], [deal("amendment", ["Acme", "Borealis"]), deal("license", ["Acme", "Borealis"])]),
    ),
    "dates at every precision": (
        facts(
            [ACME, BOREALIS, CALDERA],
            [
                deal("license", ["Acme", "Borealis"], "2019-07"),
                deal("supply", ["Acme", "Caldera"], "2019-07-22"),
                deal("investment", ["Borealis", "Caldera"], "2019"),
            ],
        ),
        facts(
            [],
            [
                deal("license", ["Acme", "Borealis"], "2019-08-01"),
                deal("supply", ["Acme", "Caldera"], None),
                deal("investment", ["Borealis", "Caldera"], "2019-12-31"),
            ],
        ),
    ),
    "clause values, mappings, strings and booleans": (
        facts(
            [ACME, BOREALIS],
            [
                deal(
                    "license",
                    ["Acme", "Borealis"],
                    clauses=[
                        clause("royalty", {"amount": 250_000, "currency": "USD"}),
                        clause("equity_stake", 27),
                        clause("term", "10 years"),
                        clause("exclusivity", False),
                        clause("stake", 4.9),
                        clause("other"),
                    ],
                )
            ],
        ),
        facts(
            [],
            [
                deal(
                    "license",
                    ["Acme", "Borealis"],
                    clauses=[
                        clause("royalty", 251_000),
                        clause("equity_stake", 27.5),
                        clause("term"),
                        clause("exclusivity", True),
                        clause("equity_stake", 4.9),
                        clause("equity_stake", 27),
                    ],
                )
            ],
        ),
    ),
    "amounts: currency default, tolerance, no figure": (
        facts(
            [ACME, BOREALIS],
            [
                deal(
                    "investment",
                    ["Acme", "Borealis"],
                    amounts=[amount(1e9), amount(2e6, "EUR"), amount(None), {"value": 5e6}],
                )
            ],
        ),
        facts(
            [],
            [
                deal(
                    "investment",
                    ["Acme", "Borealis"],
                    amounts=[amount(1.004e9), amount(2e6, "eur"), amount(5e6), amount(7e6)],
                )
            ],
        ),
    ),
    "empty prediction": (facts([ACME], [deal("mou", ["Acme", "Borealis"], "2024")]), {}),
    "nothing on either side": (facts([], []), facts([], [])),
}


@needs_reference
@pytest.mark.parametrize("case", sorted(EDGE_CASES))
def test_counts_equal_the_reference_scorer_on_edge_cases(reference: ModuleType, case: str) -> None:
    gold, pred = EDGE_CASES[case]
    assert_same_as_reference(reference, gold, pred)


NAMES = ["Acme", "Acme Robotics", "Borealis Inc.", "Borealis", "Caldera", "The Caldera Co", "Dunn"]
TYPES = ["license", "investment", "supply", "mou", "extension", "amendment", None]
DATES = [None, "2020", "2020-05", "2020-05-01", "2021", "2021-05-01"]
CLAUSE_TYPES = ["equity_stake", "stake", "term", "other", "royalty", "exclusivity"]
CLAUSE_VALUES = [None, 5, 5.04, 27, "27%", True, {"amount": 5}]
AMOUNT_VALUES = [None, 1e6, 1.004e6, 1.01e6, 5]


def facts_strategy(with_parties: bool) -> st.SearchStrategy[dict[str, Any]]:
    names = st.sampled_from(NAMES)
    organisation = st.builds(
        lambda name, aliases: {"name": name, "aliases": aliases},
        names,
        st.lists(names, max_size=2),
    )
    a_clause = st.builds(
        lambda kind, value: {"type": kind, "value": value},
        st.sampled_from(CLAUSE_TYPES),
        st.sampled_from(CLAUSE_VALUES),
    )
    an_amount = st.builds(
        lambda value, currency: {"value": value, "currency": currency},
        st.sampled_from(AMOUNT_VALUES),
        st.sampled_from(["USD", "EUR", None]),
    )
    agreement = st.builds(
        lambda kind, parties, date, clauses, amounts, alt: {
            "type": kind,
            "parties": parties,
            "date": date,
            "clauses": clauses,
            "amounts": amounts,
            "alt_types": alt,
        },
        st.sampled_from(TYPES),
        st.lists(names, min_size=1 if with_parties else 0, max_size=3),
        st.sampled_from(DATES),
        st.lists(a_clause, max_size=3),
        st.lists(an_amount, max_size=3),
        st.lists(st.sampled_from(TYPES[:-1]), max_size=1),
    )
    return st.builds(
        lambda orgs, agreements, excluded: {
            "organizations": orgs,
            "agreements": agreements,
            "source_orgs_excluded": excluded,
        },
        st.lists(organisation, max_size=4),
        st.lists(agreement, max_size=4),
        st.lists(names, max_size=1),
    )


@needs_reference
@settings(max_examples=400, deadline=None)
@given(gold=facts_strategy(with_parties=True), pred=facts_strategy(with_parties=True))
def test_counts_equal_the_reference_scorer_on_generated_facts(
    reference: ModuleType, gold: dict[str, Any], pred: dict[str, Any]
) -> None:
    assert_same_as_reference(reference, gold, pred)


@needs_reference
@pytest.mark.skipif(not DEV_CORPUS.is_dir(), reason="dev corpus folder not present")
@pytest.mark.slow
def test_counts_equal_the_reference_scorer_on_the_dev_predictions(
    reference: ModuleType, tmp_path: Path
) -> None:
    from kg.evaluate.run import predict_facts

    gold_files = gold_files_in(DEV_CORPUS)
    texts = [g.with_name(g.name.removesuffix(".gold.json") + ".txt") for g in gold_files]
    predict_facts(texts, tmp_path)
    for gold_file in gold_files:
        stem = gold_file.name.removesuffix(".gold.json")
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        pred_file = tmp_path / f"{stem}.json"
        pred = json.loads(pred_file.read_text(encoding="utf-8")) if pred_file.exists() else {}
        assert_same_as_reference(reference, gold, pred)
