"""The `kg` commands, run in-process with CliRunner on the user's seed."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pyoxigraph
import pytest
from click.testing import CliRunner
from rdflib import Graph

from kg.cli import cli
from kg.knowledge import KnowledgeGraph

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"

PREFIX = "PREFIX dk: <https://w3id.org/dealkg/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"


def _select(path: Path, query: str) -> list[tuple[str, ...]]:
    graph = Graph().parse(path, format="turtle")
    return [tuple(str(v) for v in row) for row in graph.query(PREFIX + query)]  # type: ignore[union-attr]


def test_build_writes_turtle_and_offline_html(seed_build: Path) -> None:
    html = (seed_build / "kg.html").read_text(encoding="utf-8")
    assert "<html" in html.lower()
    for remote in (
        "https://cdn",
        "http://cdn",
        "cdnjs",
        "jsdelivr",
        "unpkg",
        '<link rel="stylesheet" href="http',
    ):
        assert remote not in html


def test_seed_has_microsoft_and_openai_once_each(seed_build: Path) -> None:
    rows = _select(
        seed_build / "kg.ttl", "SELECT ?label WHERE { ?o a dk:Organization ; rdfs:label ?label }"
    )
    labels = sorted(label for (label,) in rows)
    assert labels.count("Microsoft") == 1
    assert labels.count("OpenAI") == 1


def test_seed_has_the_billion_dollar_investment_with_its_sentence(seed_build: Path) -> None:
    rows = _select(
        seed_build / "kg.ttl",
        """
        PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
        PREFIX dkat: <https://w3id.org/dealkg/agreement-type/>
        SELECT ?value ?currency ?investor ?investee ?quote WHERE {
          ?a dk:agreementType dkat:Investment ; dk:hasAmount ?m ; dk:evidence ?e ;
             dk:investor/rdfs:label ?investor ; dk:investee/rdfs:label ?investee .
          ?m dk:amountValue ?value ; dk:currency ?currency .
          ?e nif:anchorOf ?quote .
          FILTER(?value = 1000000000.0 && datatype(?value) = <http://www.w3.org/2001/XMLSchema#decimal>)
        }""",
    )
    assert rows, "no $1 billion investment found"
    value, currency, investor, investee, quote = rows[0]
    assert (currency, investor, investee) == ("USD", "Microsoft", "OpenAI")
    assert "$1 billion" in quote


@pytest.mark.parametrize(
    ("clause_type", "words"),
    [("Exclusivity", "exclusive cloud provider"), ("PreferredPartner", "preferred partner")],
)
def test_seed_clauses_are_linked_to_their_sentences(
    seed_build: Path, clause_type: str, words: str
) -> None:
    rows = _select(
        seed_build / "kg.ttl",
        f"""
        PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
        PREFIX dkct: <https://w3id.org/dealkg/clause-type/>
        SELECT ?quote WHERE {{
          ?a dk:hasClause ?c . ?c dk:clauseType dkct:{clause_type} ; dk:evidence/nif:anchorOf ?quote .
        }}""",
    )
    assert any(words in quote for (quote,) in rows), rows


def test_turtle_parses_with_rdflib_and_pyoxigraph(seed_build: Path) -> None:
    path = seed_build / "kg.ttl"
    rdflib_count = len(Graph().parse(path, format="turtle"))
    store = pyoxigraph.Store()
    store.load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)
    assert rdflib_count == len(store) > 100


def test_build_is_deterministic(
    seed_build: Path, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    result = runner.invoke(cli, ["build", "seeds/", "--out", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    for name in ("kg.ttl", "kg.html"):
        assert (tmp_path / name).read_bytes() == (seed_build / name).read_bytes(), name


@pytest.mark.parametrize("folder", ["", "dated"])
def test_committed_output_is_not_stale(folder: str, seed_build: Path, dated_build: Path) -> None:
    """output/ holds the seed's graph and map, output/dated/ those of seeds/dated/; rebuild
    with `make demo` when this fails."""
    built = dated_build if folder else seed_build
    for name in ("kg.ttl", "kg.html"):
        committed = ROOT / "output" / folder / name
        assert committed.is_file(), f"{committed} missing: run `make demo`"
        assert committed.read_bytes() == (built / name).read_bytes(), (
            f"{committed} is stale: run `make demo`"
        )


def test_stats_json_keys(seed_build: Path, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["stats", str(seed_build / "kg.ttl"), "--format", "json"])
    assert result.exit_code == 0, result.output
    stats = json.loads(result.output)
    assert set(stats) == {"documents", "organizations", "agreements", "clauses", "triples"}
    assert stats["documents"] == 6
    assert stats["organizations"] == 2
    assert stats["agreements"] >= 5


QUERY = "SELECT ?name WHERE { ?o a dk:Organization ; rdfs:label ?name } ORDER BY ?name"


def test_query_table(seed_build: Path, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["query", str(seed_build / "kg.ttl"), QUERY])
    assert result.exit_code == 0, result.output
    assert "Microsoft" in result.output and "OpenAI" in result.output


def test_query_csv_and_tsv(seed_build: Path, runner: CliRunner) -> None:
    for fmt, delimiter in (("csv", ","), ("tsv", "\t")):
        result = runner.invoke(cli, ["query", str(seed_build / "kg.ttl"), QUERY, "--format", fmt])
        assert result.exit_code == 0, result.output
        rows = list(csv.reader(io.StringIO(result.output), delimiter=delimiter))
        names = [row[0].strip('"') for row in rows[1:] if row]
        assert names == ["Microsoft", "OpenAI"], rows


def test_query_json_is_sparql_results_json(seed_build: Path, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["query", str(seed_build / "kg.ttl"), QUERY, "--format", "json"])
    data = json.loads(result.output)
    assert data["head"]["vars"] == ["name"]
    assert [b["name"]["value"] for b in data["results"]["bindings"]] == ["Microsoft", "OpenAI"]


def test_query_xml(seed_build: Path, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["query", str(seed_build / "kg.ttl"), QUERY, "--format", "xml"])
    root = ET.fromstring(result.output)
    assert root.tag.endswith("sparql")


def test_query_named_with_binding(seed_build: Path, runner: CliRunner) -> None:
    result = runner.invoke(
        cli,
        [
            "query",
            str(seed_build / "kg.ttl"),
            "--name",
            "agreements-between",
            "--bind",
            "org1=org-microsoft",
            "--bind",
            "org2=org-openai",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)["results"]["bindings"]) >= 5


def test_query_syntax_error_exits_1_with_position(seed_build: Path, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["query", str(seed_build / "kg.ttl"), "SELECT ?x WHERE { ?x ?y }"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
    assert "line" in result.output.lower() or "column" in result.output.lower()


def test_query_needs_exactly_one_query(seed_build: Path, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["query", str(seed_build / "kg.ttl")])
    assert result.exit_code == 2


def test_build_missing_path_is_a_clean_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        cli, ["build", str(tmp_path / "nope.txt"), "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 1
    assert "nope.txt" in result.output
    assert "Traceback" not in result.output


def test_stats_missing_graph_is_a_clean_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["stats", str(tmp_path / "missing.ttl")])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
    assert "no such graph file" in result.output


def test_build_without_inputs_is_usage_error(runner: CliRunner) -> None:
    assert runner.invoke(cli, ["build"]).exit_code == 2


def test_validate_exit_codes(seed_build: Path, runner: CliRunner, tmp_path: Path) -> None:
    assert runner.invoke(cli, ["validate", str(seed_build / "kg.ttl")]).exit_code == 0
    assert runner.invoke(cli, ["validate", str(tmp_path / "missing.ttl")]).exit_code == 2
    broken = tmp_path / "broken.ttl"
    broken.write_text(
        "@prefix dk: <https://w3id.org/dealkg/ontology#> .\n"
        "<https://w3id.org/dealkg/id/agreement-x> a dk:Agreement .\n",
        encoding="utf-8",
    )
    assert runner.invoke(cli, ["validate", str(broken)]).exit_code == 1


def test_orgs_json(seed_build: Path, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["orgs", str(seed_build / "kg.ttl"), "--format", "json"])
    rows = json.loads(result.output)
    assert {r["name"] for r in rows} == {"Microsoft", "OpenAI"}
    assert all(r["documents"] == 6 for r in rows)


def test_facts_from_graph(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        cli, ["facts", str(SEEDS), "--out", str(tmp_path)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    facts = json.loads((tmp_path / "000_9e21863d4afa9de5.json").read_text(encoding="utf-8"))
    assert {o["name"] for o in facts["organizations"]} == {"Microsoft", "OpenAI"}
    amounts = {a["value"] for agreement in facts["agreements"] for a in agreement["amounts"]}
    assert 1_000_000_000 in amounts


def test_graph_commands(seed_build: Path, runner: CliRunner) -> None:
    ttl = str(seed_build / "kg.ttl")
    result = runner.invoke(cli, ["graph", "neighbors", ttl, "Microsoft", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)[0]["organization"] == "OpenAI"
    result = runner.invoke(cli, ["graph", "path", ttl, "Microsoft", "OpenAI", "--format", "json"])
    assert json.loads(result.output)[0]["to"] == "OpenAI"
    result = runner.invoke(cli, ["graph", "central", ttl, "--format", "json"])
    assert {r["organization"] for r in json.loads(result.output)} == {"Microsoft", "OpenAI"}
    result = runner.invoke(cli, ["graph", "communities", ttl, "--format", "json"])
    assert json.loads(result.output)[0]["size"] == 2
    result = runner.invoke(cli, ["graph", "neighbors", ttl, "Nonexistent Corp"])
    assert result.exit_code == 1 and "no organisation 'Nonexistent Corp'" in result.output


def test_library_api(seed_build: Path) -> None:
    from kg import build

    kg = build([str(SEEDS)])
    assert isinstance(kg, KnowledgeGraph)
    assert type(kg.graph.store).__name__ == "OxigraphStore"
    assert kg.stats().organizations == 2
    result = kg.query(QUERY)
    assert [str(row[0]) for row in result.rows] == ["Microsoft", "OpenAI"]
    assert kg.to_networkx().number_of_nodes() > 2


def test_build_where_every_input_fails_keeps_the_previous_graph(
    runner: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "kg.ttl").write_text("# a previous build\n", encoding="utf-8")
    result = runner.invoke(cli, ["build", str(tmp_path / "missing.txt"), "--out", str(out)])
    assert result.exit_code == 1
    assert "nothing to build" in result.output
    assert (out / "kg.ttl").read_text(encoding="utf-8") == "# a previous build\n"


def test_store_build_stats_and_remove_by_page_path(runner: CliRunner, tmp_path: Path) -> None:
    store = tmp_path / "store"
    seed = str(SEEDS / "000_9e21863d4afa9de5.txt")
    result = runner.invoke(cli, ["build", seed, "--store", str(store)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    stats = json.loads(runner.invoke(cli, ["stats", str(store), "--format", "json"]).output)
    assert stats["documents"] == 6 and stats["organizations"] == 2
    result = runner.invoke(cli, ["remove", str(store), seed])
    assert result.exit_code == 0, result.output
    assert "6 document graphs" in result.output
    stats = json.loads(runner.invoke(cli, ["stats", str(store), "--format", "json"]).output)
    assert stats["documents"] == 0


@pytest.mark.parametrize(
    ("extra", "flag"),
    [
        (["--out", "elsewhere"], "--out"),
        (["--no-html"], "--html/--no-html"),
        (["--max-nodes", "10"], "--max-nodes"),
        (["--force"], "--force"),
    ],
)
def test_store_build_refuses_options_it_cannot_honour(
    runner: CliRunner, tmp_path: Path, extra: list[str], flag: str
) -> None:
    store = tmp_path / "store"
    result = runner.invoke(cli, ["build", str(SEEDS), "--store", str(store), *extra])
    assert result.exit_code == 2
    assert f"{flag} cannot be used with --store" in result.output
    assert not store.exists()  # refused before anything was written


def test_wait_without_a_store_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["build", str(SEEDS), "--out", str(tmp_path), "--wait"])
    assert result.exit_code == 2
    assert "--wait cannot be used without --store" in result.output


def _no_traceback(result: Any) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and result.exception is not None
    assert isinstance(result.exception, SystemExit)  # a ClickException, not a crash
    return str(result.output)


def test_build_to_an_unwritable_out_fails_before_extracting(
    runner: CliRunner, tmp_path: Path
) -> None:
    # A file where a folder must be: refused whoever runs the test (root included).
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n", encoding="utf-8")
    article = tmp_path / "a.txt"
    article.write_text("Acme Robotics agreed to acquire Borealis Labs.\n", encoding="utf-8")
    for option in ("--out", "--store"):
        result = runner.invoke(cli, ["build", str(article), option, str(blocker / "out")])
        output = _no_traceback(result)
        assert f"{blocker / 'out'}" in output and "Not a directory" in output
        assert "documents" not in output  # nothing was extracted first


def test_export_to_an_unwritable_path_is_a_clean_error(runner: CliRunner, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n", encoding="utf-8")
    target = blocker / "kg.nt"
    result = runner.invoke(
        cli, ["export", str(ROOT / "output" / "kg.ttl"), "--format", "nt", "--out", str(target)]
    )
    assert f"cannot write {target}: Not a directory" in _no_traceback(result)


@pytest.mark.parametrize(
    ("endpoint", "reason"),
    [
        ("not a url", "is not an http:// or https:// URL"),
        ("ftp://127.0.0.1/sparql", "is not an http:// or https:// URL"),
        ("http://", "names no host"),
        ("http://[::1/sparql", "is not a valid URL (Invalid IPv6 URL)"),
        ("http://127.0.0.1:99999/sparql", "is not a valid URL (Port out of range"),
    ],
)
def test_push_to_an_invalid_endpoint_is_a_clean_error(
    runner: CliRunner, endpoint: str, reason: str
) -> None:
    result = runner.invoke(cli, ["push", str(ROOT / "output" / "kg.ttl"), "--endpoint", endpoint])
    assert f"Error: --endpoint {endpoint!r} {reason}" in _no_traceback(result)
