"""The traps, crashes and silent answers a newcomer hit (issue 22), run with CliRunner."""

from __future__ import annotations

import json
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
    assert result.output.startswith("2 documents")
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
