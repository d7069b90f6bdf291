"""kg.render.map: the self-contained HTML map, checked as text and in headless Chromium."""

from __future__ import annotations

import json
import random
import re
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF, RDFS

from kg.network.view import company_network, to_networkx
from kg.rdf.graphs import load_graph, new_graph
from kg.rdf.iris import iri_for
from kg.rdf.vocab import DK, DKAT, DKCT, DKDP, ID
from kg.render.map import html_for, render_html, safe_url, script_json

sys.path.insert(0, str(Path(__file__).parents[1]))
from browser import Opened, open_map  # noqa: E402

FIXTURE = Path(__file__).parents[1] / "fixtures" / "render" / "deals.ttl"
ARTIFACTS = Path(__file__).parents[1] / "artifacts"
XSS = "<img src=x onerror=alert(1)>"


def iri(key: str) -> str:
    return str(ID[key])


@pytest.fixture(scope="module")
def fixture_graph() -> Graph:
    return load_graph(FIXTURE)


# --- the page as text ------------------------------------------------------------------


def test_output_is_deterministic(fixture_graph: Graph) -> None:
    first = html_for(fixture_graph)
    assert html_for(load_graph(FIXTURE)) == first


def test_page_is_self_contained(fixture_graph: Graph) -> None:
    page = html_for(fixture_graph)
    assert "vis.Network" in page and "vis-network" in page  # the library is inlined
    assert not re.search(r"<(script|link|img|iframe)[^>]*\s(src|href)=", page, re.I)
    assert not re.search(r"bootstrap(\.min)?\.(css|js)|cdn\.jsdelivr|cdnjs|unpkg", page)


def test_document_text_is_escaped(fixture_graph: Graph) -> None:
    page = html_for(fixture_graph, title="<b>Deals</b> & more")
    assert XSS not in page
    assert "<script>alert(" not in page
    assert "<title>&lt;b&gt;Deals&lt;/b&gt; &amp; more</title>" in page
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in page  # the name is still there, as JSON


def test_script_json_is_safe_inside_script() -> None:
    text = script_json({"a": "</script><!-- & \u2028\u2029"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text and "\u2029" not in text
    assert text == '{"a":"\\u003c/script\\u003e\\u003c!-- \\u0026 \\u2028\\u2029"}'


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/a?b=1", "https://example.com/a?b=1"),
        ("HTTP://example.com", "HTTP://example.com"),
        ("javascript:alert(1)", None),
        (" JavaScript:alert(1)", None),
        ("data:text/html,<b>x</b>", None),
        ("//example.com/x", None),
        ("", None),
        (None, None),
    ],
)
def test_safe_url(url: str | None, expected: str | None) -> None:
    assert safe_url(url) == expected


def test_render_html_writes_file_and_stats(fixture_graph: Graph, tmp_path: Path) -> None:
    stats = render_html(fixture_graph, tmp_path / "out" / "map.html")
    page = (tmp_path / "out" / "map.html").read_text(encoding="utf-8")
    assert page == html_for(fixture_graph)
    assert (stats.nodes, stats.edges, stats.companies, stats.company_edges) == (15, 17, 5, 3)
    assert stats.initial_view == "full" and stats.bytes == len(page.encode("utf-8"))


def test_large_graph_starts_in_company_view(fixture_graph: Graph) -> None:
    page = html_for(fixture_graph, max_nodes=10)
    assert '"initialView":"company"' in page
    assert "more than the 10 drawn at once" in page


def page_data(page: str) -> Any:
    start = page.index('<script id="kg-data" type="application/json">') + 45
    return json.loads(page[start : page.index("</script>", start)])


def test_every_node_gets_a_position() -> None:
    # an agreement with no parties, a clause of no agreement, a product of no owner
    graph = new_graph()
    for key, cls in (("agreement", DK.Agreement), ("clause", DK.Clause), ("product", DK.Product)):
        graph.add((iri_for(key, "lonely"), RDF.type, cls))
    graph.add((iri_for("agreement", "lonely"), DK.hasClause, iri_for("clause", "lonely")))
    graph.add((iri_for("clause", "stray"), RDF.type, DK.Clause))
    data = page_data(html_for(graph))
    nodes = data["full"]["nodes"]
    assert len(nodes) == 4 and data["company"]["nodes"] == []
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in nodes)
    assert len({(n["x"], n["y"]) for n in nodes}) == 4
    assert all(n["kg"]["undated"] for n in nodes if n["kg"]["kind"] != "product")


def test_page_data_matches_projection(fixture_graph: Graph) -> None:
    data = page_data(html_for(fixture_graph))
    assert data["initialView"] == "full" and data["notice"] == ""
    assert data["options"]["physics"] == {"enabled": False}
    org = next(n for n in data["full"]["nodes"] if n["id"] == iri("org-acme-robotics"))
    assert org["kg"]["deals"] == 3 and org["shape"] == "dot"
    assert org["size"] > next(
        n["size"] for n in data["full"]["nodes"] if n["id"] == iri("org-nimbus-labs")
    )
    evidence = next(n for n in data["full"]["nodes"] if n["id"] == iri("agreement-codec-licence"))
    assert evidence["kg"]["evidence"][0]["url"] is None
    assert evidence["kg"]["evidence"][0]["refused"] is True


# --- the page in Chromium --------------------------------------------------------------


@pytest.fixture
def fixture_map(browser: Any, fixture_graph: Graph, tmp_path: Path) -> Iterator[Opened]:
    path = tmp_path / "map.html"
    render_html(fixture_graph, path)
    opened = open_map(browser, path)
    yield opened
    opened.page.close()


def hidden(page: Any, key: str) -> bool:
    return bool(page.evaluate("id => !!kgMap.views.full.nodes.get(id).hidden", iri(key)))


@pytest.mark.browser
def test_opens_offline_without_errors(fixture_map: Opened, tmp_path: Path) -> None:
    fixture_map.page.wait_for_timeout(300)
    assert fixture_map.errors == []
    assert fixture_map.requests == [(tmp_path / "map.html").resolve().as_uri()]
    ARTIFACTS.mkdir(exist_ok=True)
    fixture_map.page.screenshot(path=str(ARTIFACTS / "fixture-map.png"))


@pytest.mark.browser
def test_datasets_match_projection(fixture_map: Opened, fixture_graph: Graph) -> None:
    g = to_networkx(fixture_graph)
    companies = company_network(g)
    counts = fixture_map.page.evaluate(
        """[kgMap.views.full.nodes.length, kgMap.views.full.edges.length,
            kgMap.views.company.nodes.length, kgMap.views.company.edges.length,
            kgMap.network.body.data.nodes.length]"""
    )
    assert counts == [
        g.number_of_nodes(),
        g.number_of_edges(),
        companies.number_of_nodes(),
        companies.number_of_edges(),
        g.number_of_nodes(),
    ]
    roles = fixture_map.page.evaluate("kgMap.views.full.edges.get().map(e => e.label).sort()")
    assert roles == sorted(key for _s, _t, key in g.edges(keys=True))


@pytest.mark.browser
def test_search_focuses_and_selects(fixture_map: Opened) -> None:
    page = fixture_map.page
    page.fill("#kg-search", "borealis")
    page.press("#kg-search", "Enter")
    assert page.evaluate("kgMap.network.getSelectedNodes()") == [iri("org-borealis-therapeutics")]
    assert page.text_content("#kg-details h2") == "Borealis Therapeutics"
    assert "Acme Robotics Inc. will invest" in (page.text_content("#kg-details") or "")


@pytest.mark.browser
def test_as_of_slider_hides_superseded_clause(fixture_map: Opened) -> None:
    page = fixture_map.page
    assert not hidden(page, "clause-acme-borealis-exclusivity")
    page.check("#kg-asof-on")
    page.fill("#kg-asof-date", "2024-01-01")
    assert hidden(page, "clause-acme-borealis-exclusivity")
    assert not hidden(page, "clause-acme-borealis-non-exclusivity")
    assert not hidden(page, "clause-codec-licence-grant")  # undated stays visible, marked
    dashes = "id => kgMap.views.full.nodes.get(id).shapeProperties.borderDashes.length"
    assert page.evaluate(dashes, iri("clause-codec-licence-grant")) == 2
    page.fill("#kg-asof-date", "2022-01-01")
    assert not hidden(page, "clause-acme-borealis-exclusivity")
    assert hidden(page, "clause-acme-borealis-non-exclusivity")
    assert hidden(page, "agreement-acme-borealis-amendment")
    # the range input drives the same filter: its far left is before every date
    page.eval_on_selector(
        "#kg-asof-range", "r => { r.value = 0; r.dispatchEvent(new Event('input')); }"
    )
    assert hidden(page, "agreement-acme-borealis-investment")
    assert not hidden(page, "agreement-codec-licence")


@pytest.mark.browser
def test_type_filters(fixture_map: Opened) -> None:
    page = fixture_map.page
    page.select_option("#kg-agreement-type", "Licence")
    assert hidden(page, "agreement-acme-borealis-investment")
    assert hidden(page, "clause-acme-borealis-board-seat")  # its agreement is hidden
    assert not hidden(page, "agreement-codec-licence")
    page.select_option("#kg-agreement-type", "")
    page.select_option("#kg-clause-type", "Exclusivity")
    assert not hidden(page, "clause-acme-borealis-exclusivity")
    assert hidden(page, "clause-acme-borealis-board-seat")
    assert not hidden(page, "agreement-acme-borealis-investment")


@pytest.mark.browser
def test_xss_payload_stays_inert(fixture_map: Opened) -> None:
    page = fixture_map.page
    page.fill("#kg-search", "<img")
    page.press("#kg-search", "Enter")
    assert page.text_content("#kg-details h2") == XSS
    details = page.text_content("#kg-details") or ""
    assert "link not shown" in details and "<script>alert('title')</script>" in details
    assert page.locator("img").count() == 0 and page.locator("#kg-details script").count() == 0
    hrefs = page.eval_on_selector_all("a", "links => links.map(a => a.href)")
    assert all(h.startswith(("http://", "https://")) for h in hrefs)
    page.wait_for_timeout(200)
    assert fixture_map.dialogs == [] and fixture_map.errors == []


@pytest.mark.browser
def test_hover_shows_clause_details(fixture_map: Opened) -> None:
    page = fixture_map.page
    point = page.evaluate(
        "id => kgMap.network.canvasToDOM(kgMap.network.getPosition(id))",
        iri("clause-acme-borealis-exclusivity"),
    )
    box = page.locator("#kg-network").bounding_box()
    page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
    page.wait_for_function("document.querySelector('#kg-details h2') !== null")
    text = page.text_content("#kg-details") or ""
    assert page.text_content("#kg-details h2") == "exclusive robotics supplier"
    for expected in ("Exclusivity", "Valid until2030 (year)", "Superseded or ended on2023-06-01"):
        assert expected in text
    assert "Borealis will use Acme exclusively through 2030" in text


@pytest.mark.browser
def test_evidence_links_to_source(fixture_map: Opened) -> None:
    page = fixture_map.page
    page.evaluate(
        "id => kgMap.network.body.emitter.emit('click', {nodes: [id], edges: []})",
        iri("agreement-acme-borealis-investment"),
    )
    link = page.locator("#kg-details a")
    assert link.get_attribute("href") == "https://news.example.com/acme-borealis"
    assert link.text_content() == "Acme Robotics takes a stake in Borealis Therapeutics"
    assert "$250 million" in (page.text_content("#kg-details") or "")


@pytest.mark.browser
def test_toggle_to_company_view(fixture_map: Opened) -> None:
    page = fixture_map.page
    page.click("#kg-toggle")
    assert page.evaluate("kgMap.view()") == "company"
    assert page.evaluate("kgMap.network.body.data.edges.length") == 3
    labels = page.evaluate("kgMap.network.body.data.edges.get().map(e => e.label).sort()")
    assert labels == ["1 deal", "1 deal", "2 deals"]
    assert page.is_disabled("#kg-clause-type")
    page.click("#kg-toggle")
    assert page.evaluate("kgMap.network.body.data.nodes.length") == 15


# --- a generated graph of 5,000 nodes ----------------------------------------------------


def synthetic_graph(orgs: int, agreements: int, clauses_per: int, seed: int = 7) -> Graph:
    """Invented companies with random two-party deals; deterministic for a seed."""
    rng = random.Random(seed)
    graph = new_graph()
    org_iris = [iri_for("org", f"company-{i}") for i in range(orgs)]
    for i, org in enumerate(org_iris):
        graph.add((org, RDF.type, DK.Organization))
        graph.add((org, RDFS.label, Literal(f"Company {i}")))
    for n in range(agreements):
        agreement = iri_for("agreement", f"deal-{n}")
        a, b = rng.sample(org_iris, 2)
        year = 2010 + rng.randrange(15)
        graph.add((agreement, RDF.type, DK.Agreement))
        graph.add((agreement, RDFS.label, Literal(f"Deal {n}")))
        graph.add((agreement, DK.agreementType, rng.choice([DKAT.Investment, DKAT.Licence])))
        graph.add((agreement, DK.hasParty, a))
        graph.add((agreement, DK.hasParty, b))
        graph.add((agreement, DK.investor, a))
        graph.add((agreement, DK.announcedOn, Literal(date(year, 1, 1))))
        graph.add((agreement, DK.announcedOnPrecision, DKDP.Year))
        for c in range(clauses_per):
            clause = iri_for("clause", f"deal-{n}-{c}")
            graph.add((clause, RDF.type, DK.Clause))
            graph.add((clause, DK.clauseType, rng.choice([DKCT.Exclusivity, DKCT.Royalty])))
            graph.add((agreement, DK.hasClause, clause))
    return graph


@pytest.mark.browser
@pytest.mark.slow
def test_five_thousand_nodes_open(browser: Any, tmp_path: Path) -> None:
    graph = synthetic_graph(orgs=500, agreements=1500, clauses_per=2)
    path = tmp_path / "big.html"
    stats = render_html(graph, path)
    assert stats.nodes == 5000 and stats.initial_view == "company"
    opened = open_map(browser, path)
    page = opened.page
    assert page.is_visible("#kg-notice")
    assert page.evaluate("kgMap.network.body.data.nodes.length") == 500
    page.click("#kg-toggle")
    page.wait_for_function("kgMap.network.body.data.nodes.length === 5000")
    page.evaluate(
        "new Promise(r => { kgMap.network.once('afterDrawing', r); kgMap.network.redraw(); })"
    )
    assert opened.errors == [] and opened.requests == [path.resolve().as_uri()]
    page.close()
