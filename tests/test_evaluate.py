"""Tests for kg.evaluate: the corpus scoring spec on small invented gold/prediction pairs."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.errors import EvalError
from kg.evaluate import (
    METRICS,
    Counts,
    EvalReport,
    _assign,
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

FIXTURES = Path(__file__).parent / "fixtures" / "eval"
DEV_CORPUS = Path("/work/shared/corpus/dev")
SEED_GOLD = Path("/work/shared/seeds")


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
        ("Borealis Therapeutics GmbH & Co. KG", "borealis therapeutics"),
        ("Ørsted Vindkraft A/S", "orsted vindkraft"),
        ("Société Minière S.A.", "societe miniere"),
        ("Caldera Mining N.V.", "caldera mining"),
        ("Dunmore Energy plc", "dunmore energy"),
        ("Ember Labs PBC", "ember labs"),
        ("Fjord Capital LP", "fjord capital"),
        ("Grover and Company", "grover"),
        ("Inc", "inc"),
    ],
)
def test_normalize_org(name: str, expected: str) -> None:
    assert normalize_org(name) == expected


def test_repeated_trailing_suffixes_are_all_removed() -> None:
    assert normalize_org("Halcyon Foods Corporation Limited") == "halcyon foods"
    assert normalize_org("Halcyon Foods Co. Ltd") == normalize_org("Halcyon Foods")


# --------------------------------------------------------------------------- organisations


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


def test_optimal_organisation_matching_uses_every_name() -> None:
    # "Acme" could match either gold company; the other prediction only fits one of them.
    gold = facts([org("Acme Robotics", "Acme"), org("Acme Foods", "Acme")], [])
    pred = facts([org("Acme"), org("Acme Robotics")], [])
    assert counts(gold, pred, "organizations") == (2, 0, 0)


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


def test_agreement_matching_is_one_to_one_and_optimal() -> None:
    gold = facts(
        [ACME, BOREALIS],
        [
            deal("license", ["Acme", "Borealis"], "2021"),
            deal("investment", ["Acme", "Borealis"], "2021"),
        ],
    )
    # Listed in the "wrong" order: a greedy first-fit would pair license with investment.
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
        ("2019-07-22", None, (0, 0, 1)),
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
    pred = [clause("exclusivity"), clause("other"), clause("OTHER")]
    assert clause_counts(gold, pred) == (1, 0, 0)


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


def test_amounts_match_one_to_one_and_accept_numeric_strings() -> None:
    gold = [amount(1_000_000_000), amount(1_000_000_000), amount(None)]
    pred = [{"value": "1000000000", "currency": "USD", "text": "$1bn"}, amount(3_000_000)]
    assert amount_counts(gold, pred) == (2, 0, 1)


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


# --------------------------------------------------------------------------- matching


def brute_force(weights: dict[tuple[int, int], int], n: int, m: int) -> tuple[int, int]:
    best = (0, 0)
    for k in range(min(n, m), -1, -1):
        for rows in itertools.combinations(range(n), k):
            for cols in itertools.permutations(range(m), k):
                pairs = list(zip(rows, cols, strict=True))
                if all(p in weights for p in pairs):
                    best = max(best, (k, sum(weights[p] for p in pairs)))
    return best


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 4), st.integers(0, 4), st.data())
def test_assignment_is_maximum_then_best_tie_break(n: int, m: int, data: st.DataObject) -> None:
    cells = [(g, p) for g in range(n) for p in range(m)]
    weights: dict[tuple[int, int], int] = (
        data.draw(st.dictionaries(st.sampled_from(cells), st.integers(0, 3))) if cells else {}
    )
    pairs = _assign(n, m, lambda g, p: (weights[g, p],) if (g, p) in weights else None)
    assert len({g for g, _ in pairs}) == len({p for _, p in pairs}) == len(pairs)
    assert (len(pairs), sum(weights[p] for p in pairs)) == brute_force(weights, n, m)


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
