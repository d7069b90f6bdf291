"""The traps, crashes and silent answers a newcomer hit (issue 22), run with CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kg.cli import cli

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
