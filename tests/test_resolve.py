"""kg.resolve: one global key per company across documents, never by similarity."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from spacy.language import Language

from kg.evaluate.run import predict_facts
from kg.extract.nlp import analyse, load_nlp
from kg.extract.orgs import OrgFindings, find_organizations
from kg.models import Document, Organization
from kg.resolve import merge_organizations, resolve_across


@pytest.fixture(scope="session")
def nlp() -> Language:
    return load_nlp()


def org(key: str, name: str, *aliases: str, parent: str | None = None) -> Organization:
    return Organization(key=key, name=name, aliases=aliases, parent=parent)


def findings(*orgs: Organization) -> OrgFindings:
    return OrgFindings(organizations=orgs)


CASES = [
    (
        "suffix-variants",
        [
            findings(org("acme-robotics", "Acme Robotics", "Acme Robotics Inc.")),
            findings(org("acme-robotics-corp", "Acme Robotics Corp.")),
        ],
        [{"acme-robotics", "acme-robotics-corp"}],
    ),
    (
        "an-acronym-alone-never-merges",
        [
            findings(org("advanced-widget-systems", "Advanced Widget Systems", "AWS")),
            findings(org("aws", "AWS")),
        ],
        [{"advanced-widget-systems"}, {"aws"}],
    ),
    (
        "initials-alone-never-merge",
        [findings(org("tarnwick-motor", "Tarnwick Motor")), findings(org("kelso", "Kelso", "TM"))],
        [{"tarnwick-motor"}, {"kelso"}],
    ),
    (
        "a-short-name-alone-never-merges",
        [
            findings(org("kessel-ports", "Kessel Ports", "Kessel", "Kessel Ports Ltd")),
            findings(org("kessel", "Kessel")),
        ],
        [{"kessel-ports"}, {"kessel"}],
    ),
    (
        "a-ticker-alone-never-merges",
        [
            findings(org("orvane-foods", "Orvane Foods", "ORV.N")),
            findings(org("orv-n", "ORV.N")),
        ],
        [{"orvane-foods"}, {"orv-n"}],
    ),
    (
        "a-full-alias-merges",
        [
            findings(org("orvane-foods", "Orvane Foods", "Orvane Foods Group")),
            findings(org("orvane-foods-group", "Orvane Foods Group")),
        ],
        [{"orvane-foods", "orvane-foods-group"}],
    ),
    (
        "no-fuzzy-merge",
        [
            findings(org("acme", "Acme")),
            findings(org("acme-cloud", "Acme Cloud", parent="acme")),
            findings(org("acmex", "Acmex")),
        ],
        [{"acme"}, {"acme-cloud"}, {"acmex"}],
    ),
    (
        "case-and-possessive",
        [findings(org("velmont", "VELMONT")), findings(org("velmont-2", "Velmont", "Velmont's"))],
        [{"velmont", "velmont-2"}],
    ),
]


@pytest.mark.parametrize(("name", "docs", "groups"), CASES, ids=[c[0] for c in CASES])
def test_resolve_across(name: str, docs: list[OrgFindings], groups: list[set[str]]) -> None:
    mapping = resolve_across(docs)
    for group in groups:
        assert len({mapping[key] for key in group}) == 1
    global_keys = [mapping[next(iter(group))] for group in groups]
    assert len(set(global_keys)) == len(groups)


def test_unit_and_parent_stay_apart_when_a_name_links_them() -> None:
    docs = [
        findings(org("acme", "Acme"), org("acme-cloud", "Acme Cloud", parent="acme")),
        findings(org("acme-2", "Acme", "Acme Cloud")),
    ]
    mapping = resolve_across(docs)
    assert mapping["acme"] != mapping["acme-cloud"]


def test_global_name_is_order_independent() -> None:
    a = findings(org("acme-robotics", "Acme Robotics", "Acme Robotics Inc."))
    b = findings(org("acme-robotics-2", "Acme Robotics", "Acme"))
    c = findings(org("acme-robotics-inc", "ACME ROBOTICS"))
    assert resolve_across([a, b, c]) == resolve_across([c, b, a])
    assert set(resolve_across([a, b, c]).values()) == {"acme-robotics"}


def test_merge_organizations_unions_aliases_and_remaps_parent() -> None:
    docs = [
        findings(org("acme", "Acme", "Acme Inc.")),
        findings(
            org("acme-corp", "Acme Corp."), org("acme-cloud", "Acme Cloud", parent="acme-corp")
        ),
    ]
    mapping = resolve_across(docs)
    merged = {
        o.key: o for o in merge_organizations([o for d in docs for o in d.organizations], mapping)
    }
    assert set(merged) == {"acme", "acme-cloud"}
    assert {"Acme Inc.", "Acme Corp."} <= set(merged["acme"].aliases)
    assert merged["acme-cloud"].parent == "acme"


def test_real_documents_resolve_to_one_node(nlp: Language) -> None:
    texts = [
        "Harrow Textiles Ltd. agreed to buy Fenwick Mills. Harrow said the deal closes soon.",
        "Fenwick Mills Inc. shareholders approved the sale to Harrow Textiles.",
    ]
    results = [
        find_organizations(analyse(nlp, t), Document(id=f"d{i}", text=t, source="x"))
        for i, t in enumerate(texts)
    ]
    mapping = resolve_across(results)
    assert set(mapping.values()) == {"harrow-textiles", "fenwick-mills"}


# Invented articles: one uses "NTC" and "Kessel" for its own companies, the others name
# different companies with the same initials and the same first word; one company is in
# two of them, named differently.
ARTICLES = {
    "norvik.txt": (
        "Norvik Trading Co. agreed on March 3, 2024 to acquire Lumio Robotics for $40 million. "
        "NTC said the deal would close in May. Kessel Ports Ltd will supply the cranes; "
        "Kessel said it would invest $5 million in the new terminal.\n"
    ),
    "timber.txt": (
        "Northern Timber Cooperative signed a supply agreement with Brisko Foods on "
        "June 2, 2024. NTC will deliver pallets for five years. Lumio Robotics Inc. will "
        "supply the robots that stack them.\n"
    ),
    "kessel.txt": (
        "Kessel signed a partnership agreement with Tandem Logistics on July 9, 2024. "
        "Kessel will pay Tandem Logistics $2 million a year.\n"
    ),
}


def test_facts_of_a_file_are_the_same_alone_and_in_a_batch(tmp_path: Path) -> None:
    for name, text in ARTICLES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    inputs = [tmp_path / name for name in ARTICLES]
    predict_facts(inputs, tmp_path / "batch")
    for path in inputs:
        predict_facts([path], tmp_path / path.stem)
        alone = json.loads((tmp_path / path.stem / f"{path.stem}.json").read_text())
        batch = json.loads((tmp_path / "batch" / f"{path.stem}.json").read_text())
        assert batch == alone, path.name
    norvik = json.loads((tmp_path / "batch" / "norvik.json").read_text())
    names = {org["name"]: org["aliases"] for org in norvik["organizations"]}
    assert {"Norvik Trading", "Kessel Ports", "Lumio Robotics"} <= set(names)
    assert "NTC" in names["Norvik Trading"]
