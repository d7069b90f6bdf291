"""The traps, crashes and silent answers a newcomer hit (issue 22), run with CliRunner."""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.cli import cli
from kg.rdf.graphs import new_graph

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"

# An agreement with no party and no evidence: the shapes report violations on it.
_VIOLATING = """\
@prefix dk: <https://w3id.org/dealkg/ontology#> .
@prefix dkid: <https://w3id.org/dealkg/id/> .
dkid:agreement-lonely a dk:Agreement .
"""


def test_validate_json_lists_violations_instead_of_crashing(tmp_path: Path) -> None:
    graph = tmp_path / "bad.ttl"
    graph.write_text(_VIOLATING, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(graph), "--format", "json"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    assert report["conforms"] is False
    assert report["violations"]
    first = report["violations"][0]
    assert first["focus"] == "https://w3id.org/dealkg/id/agreement-lonely"
    assert first["severity"] == "Violation"
    assert first["message"]


def test_validate_engine_pyshacl_gives_the_same_report(tmp_path: Path) -> None:
    graph = tmp_path / "bad.ttl"
    graph.write_text(_VIOLATING, encoding="utf-8")
    reports = {}
    for engine in ("kg", "pyshacl"):
        result = CliRunner().invoke(cli, ["validate", str(graph), "--engine", engine])
        assert result.exit_code == 1, result.output
        reports[engine] = result.output
    assert reports["kg"] == reports["pyshacl"]
    assert "at least two parties" in reports["kg"]
    wrong = CliRunner().invoke(cli, ["validate", str(graph), "--engine", "rudof"])
    assert wrong.exit_code == 2 and "rudof" in wrong.output


_DEAL = "Acme Robotics signed a supply agreement with Borealis Labs on 3 March 2024.\n"
_OTHER = "Corvid Systems will invest $5 million in Dunlin Analytics, the companies said.\n"


def _folder(root: Path, name: str, text: str) -> Path:
    folder = root / name
    folder.mkdir()
    (folder / "news.txt").write_text(text, encoding="utf-8")
    return folder


def test_build_without_out_writes_a_folder_named_after_the_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("output").mkdir()
    Path("output/kg.ttl").write_text("# the committed graph\n", encoding="utf-8")
    _folder(Path("."), "mydocs", _DEAL)
    result = CliRunner().invoke(cli, ["build", "mydocs/", "--no-html", "--no-validate"])
    assert result.exit_code == 0, result.output
    assert Path("output/kg.ttl").read_text(encoding="utf-8") == "# the committed graph\n"
    assert "Borealis Labs" in Path("output/mydocs/kg.ttl").read_text(encoding="utf-8")
    assert "output/mydocs/kg.ttl" in result.output


def test_build_refuses_to_replace_a_graph_of_other_inputs_without_force(tmp_path: Path) -> None:
    runner = CliRunner()
    first = _folder(tmp_path, "first", _DEAL)
    second = _folder(tmp_path, "second", _OTHER)
    out = tmp_path / "graph"
    quiet = ["--no-html", "--no-validate", "--out", str(out)]
    assert runner.invoke(cli, ["build", str(first), *quiet]).exit_code == 0
    before = (out / "kg.ttl").read_bytes()
    # the same inputs again (an edited or added article) replace their own graph
    (first / "more.txt").write_text(_DEAL.replace("March", "May"), encoding="utf-8")
    assert runner.invoke(cli, ["build", str(first), *quiet]).exit_code == 0
    grown = (out / "kg.ttl").read_bytes()
    assert grown != before
    refused = runner.invoke(cli, ["build", str(second), *quiet])
    assert refused.exit_code == 1
    assert "built from other inputs" in refused.output and "--force" in refused.output
    assert (out / "kg.ttl").read_bytes() == grown
    forced = runner.invoke(cli, ["build", str(second), *quiet, "--force"])
    assert forced.exit_code == 0, forced.output
    assert b"Acme Robotics" not in (out / "kg.ttl").read_bytes()


def test_a_folder_walk_passes_over_json_that_is_not_article_records(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "corpus", _DEAL)
    for stem in ("news", "other"):
        (folder / f"{stem}.gold.json").write_text('{"organizations": ["X"]}', encoding="utf-8")
    (folder / "config.jsonl").write_text('{"model": "x"}\n', encoding="utf-8")
    (folder / "records.json").write_text(json.dumps([{"text": _OTHER}]), encoding="utf-8")
    out = tmp_path / "graph"
    result = CliRunner().invoke(
        cli, ["build", str(folder), "--out", str(out), "--no-html", "--no-validate"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("2 documents")
    notes = [line for line in result.output.splitlines() if "not article records" in line]
    assert notes == [
        f'warning: {folder}: 3 JSON files are not article records (no "text" field): skipped'
    ]
    assert "skipped:" not in result.output


def test_a_json_file_given_by_name_must_be_article_records(tmp_path: Path) -> None:
    gold = tmp_path / "a.gold.json"
    gold.write_text('{"organizations": ["X"]}', encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(gold), "--out", str(tmp_path / "g")])
    assert result.exit_code == 1
    assert f"{gold}" in result.output and '"text"' in result.output


def test_export_writes_standard_output_by_default_and_with_dash(
    seed_build: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    graph = str(seed_build / "kg.ttl")
    expected = Graph().parse(graph, format="turtle")
    for extra in ([], ["-o", "-"]):
        result = CliRunner().invoke(cli, ["export", graph, "--format", "nt", *extra])
        assert result.exit_code == 0, result.output
        assert len(Graph().parse(data=result.stdout, format="nt")) == len(expected)
        assert "triples → standard output" in result.stderr
    assert not Path("-").exists()
    csv = CliRunner().invoke(cli, ["export", graph, "--format", "csv"])
    assert csv.exit_code == 2 and "-o DIR" in csv.output


# rdflib 7 warns about its own internal use of ConjunctiveGraph in its JSON-LD parser
@pytest.mark.filterwarnings("ignore:.*ConjunctiveGraph.*:DeprecationWarning")
@pytest.mark.parametrize(
    ("name", "rdflib_format"),
    [
        ("ttl", "turtle"),
        ("json-ld", "json-ld"),
        ("rdfxml", "xml"),
        ("xml", "xml"),
        ("ntriples", "nt"),
    ],
)
def test_export_accepts_the_common_format_names(
    seed_build: Path, tmp_path: Path, name: str, rdflib_format: str
) -> None:
    graph = seed_build / "kg.ttl"
    out = tmp_path / f"kg.{name}"
    result = CliRunner().invoke(cli, ["export", str(graph), "--format", name, "-o", str(out)])
    assert result.exit_code == 0, result.output
    # parsed into the Oxigraph store like the source, so literals compare alike
    exported = new_graph().parse(out, format=rdflib_format)
    assert isomorphic(exported, new_graph().parse(graph, format="turtle"))


def test_query_reads_standard_input_and_lists_without_a_graph(seed_build: Path) -> None:
    graph = str(seed_build / "kg.ttl")
    ask = "ASK { ?a a dk:Agreement }"
    for args in (["query", graph, "-"], ["query", graph, "--file", "-"]):
        result = CliRunner().invoke(cli, args, input=ask)
        assert result.exit_code == 0, result.output
        assert result.stdout.strip() == "yes"
    listed = CliRunner().invoke(cli, ["query", "--list"])
    assert listed.exit_code == 0, listed.output
    assert "terms-in-force" in listed.stdout
    assert CliRunner().invoke(cli, ["query"]).exit_code == 2


def test_facts_write_json_lines_to_standard_output(tmp_path: Path) -> None:
    article = tmp_path / "deal.txt"
    article.write_text(_DEAL, encoding="utf-8")
    result = CliRunner().invoke(cli, ["facts", str(article)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["input"] for line in lines] == ["deal"]
    assert "Borealis Labs" in json.dumps(lines[0]["facts"])
    assert not (tmp_path / "-").exists()


# Three companies in one agreement, two of them in a second one.
_NETWORK = """\
@prefix dk: <https://w3id.org/dealkg/ontology#> .
@prefix dkid: <https://w3id.org/dealkg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
dkid:org-acme-robotics a dk:Organization ; rdfs:label "Acme Robotics" ; skos:altLabel "Acme" .
dkid:org-borealis-labs a dk:Organization ; rdfs:label "Borealis Labs" .
dkid:org-cinder-grid a dk:Organization ; rdfs:label "Cinder Grid" .
dkid:agreement-consortium a dk:Agreement ; rdfs:label "consortium" ;
    dk:hasParty dkid:org-acme-robotics, dkid:org-borealis-labs, dkid:org-cinder-grid .
dkid:agreement-supply a dk:Agreement ; rdfs:label "supply" ;
    dk:hasParty dkid:org-acme-robotics, dkid:org-borealis-labs .
"""


def _network(tmp_path: Path) -> str:
    graph = tmp_path / "network.ttl"
    graph.write_text(_NETWORK, encoding="utf-8")
    return str(graph)


def test_every_command_resolves_company_names_alike(tmp_path: Path) -> None:
    graph = _network(tmp_path)
    for command in (
        ["graph", "path", graph, "Acme Robotic", "Cinder Grid"],
        ["graph", "neighbors", graph, "Acme Robotic"],
        ["timeline", graph, "Acme Robotic"],
    ):
        result = CliRunner().invoke(cli, command)
        assert result.exit_code == 1, (command, result.output)
        assert "no organisation 'Acme Robotic'" in result.output
        assert "close labels: Acme Robotics" in result.output
    aliased = CliRunner().invoke(cli, ["graph", "path", graph, "acme", "Cinder Grid"])
    assert aliased.exit_code == 0, aliased.output
    assert "consortium" in aliased.output


def test_deals_mean_agreements_in_orgs_and_graph_central(tmp_path: Path) -> None:
    graph = _network(tmp_path)
    orgs = CliRunner().invoke(cli, ["orgs", graph, "--format", "json"])
    central = CliRunner().invoke(cli, ["graph", "central", graph, "--format", "json"])
    assert orgs.exit_code == central.exit_code == 0, (orgs.output, central.output)
    by_orgs = {row["name"]: row["deals"] for row in json.loads(orgs.stdout)}
    by_central = {row["organization"]: row["deals"] for row in json.loads(central.stdout)}
    assert by_orgs == by_central == {"Acme Robotics": 2, "Borealis Labs": 2, "Cinder Grid": 1}


def test_bind_takes_company_names_and_refuses_values_that_cannot_bind(seed_build: Path) -> None:
    graph = str(seed_build / "kg.ttl")
    between = ["query", graph, "--name", "agreements-between", "--format", "json"]
    named = CliRunner().invoke(cli, [*between, "--bind", "org1=Microsoft", "--bind", "org2=openai"])
    assert named.exit_code == 0, named.output
    assert len(json.loads(named.stdout)["results"]["bindings"]) == 6
    typo = CliRunner().invoke(cli, [*between, "--bind", "org1=Microsft", "--bind", "org2=OpenAI"])
    assert typo.exit_code == 1
    assert "close labels: Microsoft" in typo.output
    terms = ["query", graph, "--name", "terms-in-force"]
    year = CliRunner().invoke(cli, [*terms, "--bind", "date=2026"])
    assert year.exit_code == 1
    assert "2026-01-01" in year.output
    kind = CliRunner().invoke(
        cli, ["query", graph, "--name", "clauses-of-type", "--bind", "type=Exclusive"]
    )
    assert kind.exit_code == 1 and "close: Exclusivity" in kind.output


def test_a_build_folder_is_its_graph_for_every_command(seed_build: Path, tmp_path: Path) -> None:
    folder = str(seed_build)
    for command in (
        ["stats", folder],
        ["validate", folder],
        ["query", folder, "ASK { ?a a dk:Agreement }"],
        ["orgs", folder],
        ["timeline", folder, "Microsoft"],
        ["graph", "central", folder],
        ["export", folder, "--format", "nt", "-o", str(tmp_path / "kg.nt")],
        ["render", folder, "-o", str(tmp_path / "kg.html")],
    ):
        result = CliRunner().invoke(cli, command)
        assert result.exit_code == 0, (command, result.output)
    empty = CliRunner().invoke(cli, ["stats", str(tmp_path)])
    assert empty.exit_code == 1 and "a folder without kg.ttl" in empty.output


_STAGES = ["read", "extract", "resolve", "map", "lineage", "write", "validate", "render"]


def test_build_times_every_stage_and_reports_the_whole_time(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "docs", _DEAL)
    result = CliRunner().invoke(cli, ["build", str(folder), "--out", str(tmp_path / "g"), "-v"])
    assert result.exit_code == 0, result.output
    # not a terminal: one line per stage on stderr instead of progress bars
    assert [line.split(":")[0] for line in result.stderr.splitlines()] == _STAGES
    summary, times, drawn = result.stdout.splitlines()[:3]
    # the map is drawn in a child process: its own CPU time, since its stage is only the wait
    assert re.fullmatch(r"map drawn in \d+\.\d CPU s", drawn)
    assert summary.startswith("1 document, ")  # the right number, not "1 documents"
    assert [part.split()[0] for part in times.split(", ")] == _STAGES
    total = float(summary.split(" in ")[1].split(" s")[0])
    stages = sum(float(part.split()[1]) for part in times.split(", "))
    assert total >= stages - 0.05 * len(_STAGES)  # the total covers validation and model loading


def test_store_build_shows_its_stages_and_validates(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "docs", _DEAL)
    store = tmp_path / "store"
    result = CliRunner().invoke(cli, ["build", str(folder), "--store", str(store), "-v"])
    assert result.exit_code == 0, result.output
    stages = [line.split(":")[0] for line in result.stderr.splitlines()]
    assert stages == ["ingest", "answers", "validate"]  # answers: the kept query answers
    assert result.stdout.splitlines()[1].startswith("ingest ")
    unchecked = CliRunner().invoke(
        cli, ["build", str(folder), "--store", str(store), "--no-validate"]
    )
    assert unchecked.exit_code == 0, unchecked.output
    assert "validate" not in unchecked.stderr


CORPUS = ROOT.parent / "shared" / "corpus" / "dev"


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the dev corpus is not at {CORPUS}")
def test_store_builds_report_violations_like_file_builds_and_strict_fails(tmp_path: Path) -> None:
    graph = CliRunner().invoke(
        cli, ["build", str(CORPUS), "--out", str(tmp_path / "g"), "--no-html", "--strict"]
    )
    store = CliRunner().invoke(
        cli, ["build", str(CORPUS), "--store", str(tmp_path / "s"), "--strict"]
    )
    lines = [
        [line for line in result.stderr.splitlines() if line.startswith("SHACL:")]
        for result in (graph, store)
    ]
    if not lines[0]:
        pytest.skip("the dev corpus builds without a SHACL violation today")
    assert lines[0][0].split("(")[0] == lines[1][0].split("(")[0]  # "SHACL: N violations"
    assert graph.exit_code == store.exit_code == 1
    assert re.search(r"SHACL violations? and --strict", graph.output)
    assert re.search(r"SHACL violations? and --strict", store.output)


@pytest.mark.parametrize("command", [[], ["build"], ["graph", "path"], ["query"]])
def test_dash_h_is_help(command: list[str]) -> None:
    short = CliRunner().invoke(cli, [*command, "-h"])
    assert short.exit_code == 0, short.output
    assert short.output == CliRunner().invoke(cli, [*command, "--help"]).output


def test_shell_completion_works_as_the_readme_says(monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert 'eval "$(_KG_COMPLETE=bash_source kg)"' in readme
    monkeypatch.setenv("_KG_COMPLETE", "bash_complete")
    monkeypatch.setenv("COMP_WORDS", "kg gra")
    monkeypatch.setenv("COMP_CWORD", "1")
    result = CliRunner().invoke(cli, [], prog_name="kg")
    assert "graph" in result.output


def test_counts_are_in_the_right_number(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "docs", _DEAL)
    (folder / "missing.txt").symlink_to(tmp_path / "nowhere.txt")
    result = CliRunner().invoke(cli, ["build", str(folder), "--out", str(tmp_path / "g")])
    assert result.exit_code == 1
    assert "Error: 1 input skipped" in result.output
    assert result.stdout.startswith("1 document, ")


def test_tests_find_the_shared_data_relative_to_the_checkout() -> None:
    # as the Makefile does (CORPUS ?= ../shared/corpus/dev): a clone elsewhere still finds it
    absolute = [quote + "/" + "work/" for quote in "\"'"]  # spelt apart so this file passes
    for path in sorted((ROOT / "tests").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert not any(needle in text for needle in absolute), path


_AMOUNTS = """
SELECT ?agreement ?value ?announced ?nothing WHERE {
  ?agreement dk:hasAmount/dk:amountValue ?value .
  OPTIONAL { ?agreement dk:announcedOn ?announced }
  OPTIONAL { ?agreement dk:noSuchProperty ?nothing }
} ORDER BY ?agreement ?value
"""


def test_query_rows_as_plain_python_values(seed_build: Path) -> None:
    from decimal import Decimal

    from kg.knowledge import KnowledgeGraph

    result = KnowledgeGraph.load(seed_build / "kg.ttl").query(_AMOUNTS)
    records = result.to_records()
    assert records and list(records[0]) == ["agreement", "value", "announced", "nothing"]
    assert all(
        type(r["agreement"]) is str and r["agreement"].startswith("https://") for r in records
    )
    assert Decimal("1000000000") in {r["value"] for r in records}
    assert all(r["nothing"] is None for r in records)
    asked = KnowledgeGraph.load(seed_build / "kg.ttl").query("ASK { ?a a dk:Agreement }")
    assert asked.to_records() == [{"boolean": True}]


def test_query_rows_as_a_dataframe_when_pandas_is_there(seed_build: Path) -> None:
    import importlib.util

    from kg.errors import QueryError
    from kg.knowledge import KnowledgeGraph

    result = KnowledgeGraph.load(seed_build / "kg.ttl").query(_AMOUNTS)
    if importlib.util.find_spec("pandas") is None:
        with pytest.raises(QueryError, match="pip install pandas"):
            result.to_dataframe()
        return
    frame = result.to_dataframe()
    assert list(frame.columns) == ["agreement", "value", "announced", "nothing"]
    assert len(frame) == len(result.rows)
    assert frame["value"].max() >= 1e9  # numbers as numbers


def test_graphml_attributes_are_typed_for_gephi_and_networkx(
    seed_build: Path, tmp_path: Path
) -> None:
    import networkx as nx

    out = tmp_path / "kg.graphml"
    result = CliRunner().invoke(
        cli, ["export", str(seed_build / "kg.ttl"), "--format", "graphml", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    read = nx.read_graphml(out, force_multigraph=True)
    agreements = [d for _, d in read.nodes(data=True) if d.get("kind") == "agreement"]
    assert agreements
    for data in agreements:
        evidence = json.loads(data["evidence"])  # JSON, not a Python repr
        assert isinstance(evidence, list) and all("quote" in e for e in evidence)
        assert isinstance(json.loads(data["types"]), list)
        assert isinstance(data["binding"], bool)


def test_company_network_export_has_deal_counts_and_amounts(
    seed_build: Path, tmp_path: Path
) -> None:
    import networkx as nx

    graph = str(seed_build / "kg.ttl")
    for fmt, read in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        out = tmp_path / f"companies.{fmt}"
        args = ["export", graph, "--format", fmt, "--network", "companies", "-o", str(out)]
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, result.output
        network = read(out)
        labels = sorted(str(d["label"]) for _, d in network.nodes(data=True))
        assert labels == ["Microsoft", "OpenAI"]
        ((_, _, edge),) = network.edges(data=True)
        assert edge["deals"] == 6 and len(json.loads(edge["agreements"])) == 6
        assert isinstance(edge["amount_USD"], float) and edge["amount_USD"] >= 1e9
    wrong = CliRunner().invoke(cli, ["export", graph, "--format", "nt", "--network", "companies"])
    assert wrong.exit_code == 1 and "GraphML or GEXF" in wrong.output


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_progress_bar_per_stage(monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.cli._util import stage_display

    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with stage_display() as display:
        for stage in ("read", "extract", "validate"):
            display.stage(stage, None)
            display.progress(1, 2)
            display.stage(stage, 1.25)
    shown = terminal.getvalue()
    for stage in ("read", "extract", "validate"):
        assert stage in shown
    assert "1.2 s" in shown and "validate: " not in shown  # bars, not the pipe's lines


def test_the_check_for_a_foreign_graph_stops_at_the_first_source_in_common(
    tmp_path: Path,
) -> None:
    # a rebuild over a large graph of the same inputs must not read all of it first: a
    # graph whose first document is ours is replaced, whatever follows it
    runner = CliRunner()
    first = _folder(tmp_path, "first", _DEAL)
    out = tmp_path / "graph"
    quiet = ["--no-html", "--no-validate", "--out", str(out)]
    assert runner.invoke(cli, ["build", str(first), *quiet]).exit_code == 0
    graph = out / "kg.ttl"
    graph.write_text(graph.read_text(encoding="utf-8") + "\nthis is not turtle\n", "utf-8")
    again = runner.invoke(cli, ["build", str(first), *quiet])
    assert again.exit_code == 0, again.output
    assert "this is not turtle" not in graph.read_text(encoding="utf-8")
