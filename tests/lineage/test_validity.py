"""kg.lineage.validity: valid time and reporting time of agreements and clauses, the one rule
of "in force", and the facts the lineage stage materialises for every surface.

Every article is invented for these tests; the companies do not exist.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, XSD

from kg.lineage.link import Lineage, link_lineage
from kg.lineage.validity import ValidTime, in_force_interval, standing
from kg.pipeline import build, ingest
from kg.query.run import run_named_query
from kg.query.timeline import timeline
from kg.rdf.ontology import validate
from kg.rdf.snapshot import DateRecord
from kg.rdf.vocab import DK, DKCT
from kg.store.directory import open_store
from kg.store.remove import remove

DATED = Path(__file__).resolve().parents[2] / "seeds" / "dated"


def _article(folder: Path, name: str, published: str, text: str) -> str:
    path = folder / name
    path.write_text(f"---\ntitle: {name}\npublished: {published}\n---\n{text}\n", encoding="utf-8")
    return str(path)


def _times(graph: Graph) -> dict[URIRef, ValidTime]:
    return Lineage(graph).valid_times()


def _agreements(graph: Graph) -> list[ValidTime]:
    lineage = Lineage(graph)
    times = lineage.valid_times()
    return [times[iri] for iri in sorted(lineage.agreements)]


# --- starts: stated, inferred, unknown -----------------------------------------------------------


def test_news_of_the_day_starts_on_its_articles_date_and_says_so(tmp_path: Path) -> None:
    path = _article(
        tmp_path,
        "charter.txt",
        "2024-05-06",
        "Halden Shipping has signed a charter agreement with Kestrel Marine. The deal builds "
        "on the existing partnership between Halden Shipping and Kestrel Marine.",
    )
    graph = build([path]).graph
    news, background = sorted(_agreements(graph), key=lambda t: t.start is None)
    assert news.start == DateRecord("2024-05-06", "day") and news.start_inferred
    assert news.start_basis == DCTERMS.issued and news.start_source is not None
    assert (news.node, DK.startInferred, Literal(True)) in graph
    # "the existing partnership" is history: never dated by the article
    assert background.start is None and (background.node, DK.startsOn, None) not in graph
    assert background.reported == news.reported  # but it was reported that day


def test_a_stated_date_wins_over_the_articles(tmp_path: Path) -> None:
    path = _article(
        tmp_path,
        "grid.txt",
        "2024-09-02",
        "Quarrytech Inc. has agreed to invest $40 million in Lumora Systems. The agreement "
        "was signed on March 3, 2021.",
    )
    [time] = [t for t in _agreements(build([path]).graph) if t.start is not None]
    assert time.start == DateRecord("2021-03-03", "day") and not time.start_inferred
    assert time.start_basis == DK.signedOn


@pytest.mark.parametrize(
    "text",
    [
        "Talbot Steel signed a supply agreement with Ridgeway Energy.",
        "Pinecrest Foods had signed a supply contract with Lumen Bakeries.",
        "Corvane Motors would acquire Tessaly Energy if regulators agree.",
    ],
)
def test_history_and_conditions_keep_an_unknown_start(tmp_path: Path, text: str) -> None:
    graph = build([_article(tmp_path, "old.txt", "2024-05-06", text)]).graph
    assert [t.start for t in _agreements(graph)] == [None]


def test_an_undated_article_leaves_every_start_unknown(tmp_path: Path) -> None:
    path = tmp_path / "undated.txt"
    path.write_text("Halden Shipping has signed a charter agreement with Kestrel Marine.\n")
    graph = build([str(path)]).graph
    [time] = _agreements(graph)
    assert time.start is None and time.reported == ()
    result = timeline(graph, ["Halden Shipping", "Kestrel Marine"], "2030-01-01")
    assert result.in_force == ()  # listed apart, never guessed
    assert all(c.start is None and "start unknown" in c.note for c in result.unknown_start)


# --- ends -----------------------------------------------------------------------------------------


def test_a_term_in_years_ends_the_day_before_its_anniversary(tmp_path: Path) -> None:
    path = _article(
        tmp_path,
        "ppa.txt",
        "2024-02-29",
        "Ridgeway Energy has signed a ten-year power purchase agreement with Talbot Steel.",
    )
    times = _times(build([path]).graph)
    [term] = [t for t in times.values() if t.end_basis == DK.durationYears]
    assert term.start == DateRecord("2024-02-29", "day")
    assert term.end == DateRecord("2034-02-28", "day")  # 29 February has no anniversary
    assert standing(term, "2034-02-28", times).state == "in force"
    assert standing(term, "2034-03-01", times).state == "ended"


# --- the rule ----------------------------------------------------------------------------------------


def _time(node: str, start: str | None, **changes: object) -> ValidTime:
    base = ValidTime(
        node=URIRef(node),
        agreement=URIRef(node),
        binding=True,
        start=DateRecord(start, "day") if start else None,
        start_inferred=False,
        start_basis=None,
        start_source=None,
        end=None,
        end_basis=None,
        ended_by=(),
        reported=((URIRef("doc"), DateRecord(start or "2020-01-01", "day")),),
    )
    return ValidTime(**{**base.__dict__, **changes})  # type: ignore[arg-type]


def test_the_rule_in_order() -> None:
    later = _time("later", "2022-01-01")
    undated = _time("undated", None)
    old = _time("old", "2020-01-01", ended_by=(URIRef("later"), URIRef("undated")))
    times = {t.node: t for t in (later, undated, old)}
    assert standing(old, "2019-12-31", times).state == "not started"
    found = standing(old, "2020-01-01", times)  # the start day counts
    assert found.state == "in force" and found.open_enders == (URIRef("undated"),)
    assert standing(old, "2022-01-01", times).state == "superseded"  # from the ender's start
    # as known before the later article: nothing superseded it yet
    assert standing(old, "2022-06-01", times, known_at="2021-06-01").state == "in force"
    assert standing(later, "2022-06-01", times, known_at="2021-06-01").state == "not known"
    ended = _time("ended", "2020-01-01", end=DateRecord("2020-12-31", "year"))
    assert standing(ended, "2020-12-31", times).state == "in force"  # the end is inclusive
    assert standing(ended, "2021-01-01", times).state == "ended"
    assert standing(_time("mou", "2020-01-01", binding=False), "2021-01-01", times).state == (
        "not binding"
    )


def _in(interval: tuple[str | None, str | None] | None, day: str) -> bool:
    return (
        interval is not None
        and (interval[0] is None or interval[0] <= day)
        and (interval[1] is None or day < interval[1])
    )


def test_the_interval_is_the_rule_on_every_day() -> None:
    later = _time("later", "2022-01-01")
    undated = _time("undated", None)
    old = _time("old", "2020-01-01", ended_by=(URIRef("later"), URIRef("undated")))
    ended = _time("ended", "2020-01-01", end=DateRecord("2020-12-31", "year"))
    mou = _time("mou", "2020-01-01", binding=False)
    times = {t.node: t for t in (later, undated, old, ended, mou)}
    assert in_force_interval(old, times) == ("2020-01-01", "2022-01-01")
    assert in_force_interval(ended, times) == ("2020-01-01", "2021-01-01")  # end inclusive
    assert in_force_interval(undated, times) == (None, None)
    assert in_force_interval(mou, times) is None
    graph = build([str(DATED)]).graph
    dated = _times(graph)
    bounds = {d for t in dated.values() if (i := in_force_interval(t, dated)) for d in i if d}
    days = sorted(bounds | {f"{y}-{m:02d}-15" for y in range(2015, 2028) for m in range(1, 13)})
    days += [(date.fromisoformat(d) - timedelta(days=1)).isoformat() for d in sorted(bounds)]
    for time in [*times.values(), *dated.values()]:
        pool = times if time.node in times else dated
        interval = in_force_interval(time, pool)
        for day in days:
            state = standing(time, day, pool).state
            assert (state in ("in force", "start unknown")) == _in(interval, day), (time.node, day)


# --- materialised facts ------------------------------------------------------------------------------


def test_valid_times_are_derived_state_replaced_on_relinking() -> None:
    graph = build([str(DATED)]).graph
    clause = next(iter(graph.subjects(DK.clauseType, DKCT.EquityStake)))
    stale = (clause, DK.startsOn, Literal("1999-01-01", datatype=XSD.date))
    graph.add(stale)
    size = len(graph)
    report = link_lineage(graph)
    assert stale not in graph and len(graph) == size - 1
    assert report.links == ()  # links are history: nothing new to add
    assert validate(graph).conforms
    assert link_lineage(graph) is not None and len(graph) == size - 1


def test_a_store_keeps_valid_times_right_through_removal(tmp_path: Path) -> None:
    files = sorted(str(p) for p in DATED.iterdir())
    amendment = next(f for f in files if "next-phase" in f)
    day = {"date": Literal("2026-04-01", datatype=XSD.date)}
    with open_store(tmp_path / "store") as store:
        ingest(store, files)
        remove(store, amendment)
        without = run_named_query(store.ox, "terms-in-force", day)
        ingest(store, [amendment])
        with_it = run_named_query(store.ox, "terms-in-force", day)
    rebuilt = build([f for f in files if f != amendment]).graph
    assert sorted(without.rows) == sorted(run_named_query(rebuilt, "terms-in-force", day).rows)
    assert sorted(with_it.rows) == sorted(
        run_named_query(build(files).graph, "terms-in-force", day).rows
    )
    # without the amendment the 2023 exclusivity is not replaced, with it it is
    assert DKCT.Exclusivity in without.column("type")
    assert DKCT.Exclusivity not in with_it.column("type")
