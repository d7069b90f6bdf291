"""kg.query.timeline: naming organisations and checking the arguments of a timeline."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from kg.errors import QueryError
from kg.query.names import resolve_organization
from kg.query.timeline import timeline
from kg.rdf.graphs import load_graph
from kg.rdf.vocab import ID

FIXTURES = Path(__file__).parents[1] / "fixtures" / "timeline"


def _graph(name: str) -> Graph:
    return load_graph(FIXTURES / f"{name}.ttl")


# --- organisations and arguments ------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Acme Robotics",
        "acme robotics inc.",
        "org-acme-robotics",
        "acme-robotics",
        "https://w3id.org/dealkg/id/org-acme-robotics",
    ],
)
def test_organisations_resolve_by_label_alias_key_or_iri(name: str) -> None:
    assert resolve_organization(_graph("lineage"), name) == ID["org-acme-robotics"]


def test_unknown_organisation_lists_close_labels() -> None:
    with pytest.raises(QueryError, match="no organisation 'Acme Robotix'.*Acme Robotics"):
        timeline(_graph("lineage"), ["Acme Robotix"])


@pytest.mark.parametrize(
    ("orgs", "as_of", "message"),
    [
        (["Acme Robotics"], "2025-02-30", "not a date"),
        (["Acme Robotics"], "March 2025", "not a date"),
        ([], None, "one or two"),
        (["Acme Robotics", "Borealis Therapeutics", "Acme Robotics"], None, "one or two"),
    ],
)
def test_bad_arguments_raise_query_error(orgs: list[str], as_of: str | None, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        timeline(_graph("lineage"), orgs, as_of)
