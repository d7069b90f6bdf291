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
from kg.render.map import OKABE_ITO, html_for, render_html, safe_url, script_json

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
    assert (stats.nodes, stats.edges, stats.companies, stats.company_edges) == (15, 17, 5, 4)
    assert stats.initial_view == "full" and stats.bytes == len(page.encode("utf-8"))


def test_large_graph_starts_on_its_communities(fixture_graph: Graph) -> None:
    page = html_for(fixture_graph, max_nodes=10)
    data = page_data(page)
    assert data["initialView"] == "clusters"
    assert "more than the 10 drawn at once" in data["notice"]
    members = sorted(m for n in data["clusters"]["nodes"] for m in n["kg"]["members"])
    dealing = sorted(n["id"] for n in data["company"]["nodes"] if not n["hidden"])
    assert members == dealing  # every company with a deal is in one community
    assert page_data(html_for(fixture_graph))["clusters"] is None


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
    nodes = {n["id"]: n for n in data["full"]["nodes"]}
    org = nodes[iri("org-acme-robotics")]
    assert org["kg"]["deals"] == 3 and org["shape"] == "dot"
    assert org["size"] > nodes[iri("org-borealis-therapeutics")]["size"]
    evidence = nodes[iri("agreement-codec-licence")]
    assert evidence["kg"]["evidence"][0]["url"] is None
    assert evidence["kg"]["evidence"][0]["refused"] is True


def test_first_view_draws_companies_and_agreements_only(fixture_graph: Graph) -> None:
    data = page_data(html_for(fixture_graph))
    shown = sorted(n["kg"]["kind"] for n in data["full"]["nodes"] if not n["hidden"])
    # Nimbus Labs has no deal: hidden behind the toggle, counted; clauses likewise
    assert shown == ["agreement"] * 4 + ["organization"] * 4 + ["product"]
    assert data["counts"]["hiddenOrganizations"] == 1 and data["counts"]["clauses"] == 5
    nimbus = next(n for n in data["full"]["nodes"] if n["id"] == iri("org-nimbus-labs"))
    assert nimbus["hidden"] and nimbus["kg"]["extra"] == "isolated"
    assert all(e["hidden"] for e in data["full"]["edges"] if e["role"] == "hasClause")
    assert not any("label" in e for e in data["full"]["edges"])  # no text over node labels


def test_agreements_are_labelled_kind_year_amount(fixture_graph: Graph) -> None:
    data = page_data(html_for(fixture_graph))
    labels = sorted(n["label"] for n in data["full"]["nodes"] if n["kg"]["kind"] == "agreement")
    assert labels == [
        "cloud services · 2022",
        "investment · 2021 · $250M",
        "licence · undated",
        "partnership · 2023",
    ]
    edges = sorted(e["label"] for e in data["company"]["edges"])
    assert edges == labels  # in the company view, one edge per agreement, same label


def test_equal_labels_are_told_apart() -> None:
    graph = new_graph()
    a, b = iri_for("org", "a"), iri_for("org", "b")
    for org in (a, b):
        graph.add((org, RDF.type, DK.Organization))
    for key in ("one", "two", "three"):
        agreement = iri_for("agreement", key)
        graph.add((agreement, RDF.type, DK.Agreement))
        graph.add((agreement, DK.agreementType, DKAT.Investment))
        graph.add((agreement, DK.hasParty, a))
        graph.add((agreement, DK.hasParty, b))
        graph.add((agreement, DK.announcedOn, Literal(date(2019, 7, 22 if key != "one" else 1))))
        graph.add((agreement, DK.announcedOnPrecision, DKDP.Day))
    data = page_data(html_for(graph))
    labels = sorted(n["label"] for n in data["full"]["nodes"] if n["kg"]["kind"] == "agreement")
    assert labels == [
        "investment · 2019-07-01",
        "investment · 2019-07-22 (1)",
        "investment · 2019-07-22 (2)",
    ]
    # fanned out between the pair: three positions, none on another
    points = {(n["x"], n["y"]) for n in data["full"]["nodes"] if n["kg"]["kind"] == "agreement"}
    assert len(points) == 3


def test_company_panel_rows_and_agreement_details(fixture_graph: Graph) -> None:
    nodes = {n["id"]: n for n in page_data(html_for(fixture_graph))["full"]["nodes"]}
    rows = nodes[iri("org-acme-robotics")]["kg"]["dealRows"]
    assert [
        (r["dateText"], r["kind"], r["counterparty"], r["amount"], r["status"]) for r in rows
    ] == [
        ("2021-03-15", "investment/partnership", "Borealis Therapeutics", "$250M", "Signed"),
        ("2022", "cloud services", "Cobalt Cloud Systems", None, "Signed"),
        ("2023-06", "partnership", "Borealis Therapeutics", None, "Announced"),
    ]
    # a company's sources are its documents, once each, not its own name quoted
    assert [e["quote"] for e in nodes[iri("org-acme-robotics")]["kg"]["evidence"]] == [None]
    investment = nodes[iri("agreement-acme-borealis-investment")]["kg"]
    assert investment["parties"] == [
        {"id": iri("org-acme-robotics"), "label": "Acme Robotics", "roles": ["investor"]},
        {
            "id": iri("org-borealis-therapeutics"),
            "label": "Borealis Therapeutics",
            "roles": ["investee"],
        },
    ]
    assert [c["type"] for c in investment["clauses"]] == ["Board seat", "Exclusivity"]
    assert investment["evidence"][0]["date"] == "2021-03-15"
    assert investment["lineage"] == [
        {
            "rel": "amends (by)",
            "id": iri("agreement-acme-borealis-amendment"),
            "label": "partnership · 2023",
        }
    ]


def test_timeline_spans_the_dated_agreements(fixture_graph: Graph) -> None:
    timeline = page_data(html_for(fixture_graph))["timeline"]
    assert (timeline["first"], timeline["last"], timeline["undated"]) == (
        "2021-03-15",
        "2023-06-01",
        1,
    )
    assert [i["date"] for i in timeline["items"]] == ["2021-03-15", "2022-01-01", "2023-06-01"]


def test_palette_is_okabe_ito_and_the_legend_matches(fixture_graph: Graph) -> None:
    data = page_data(html_for(fixture_graph))
    colours = {n["kg"]["kind"]: n["color"]["background"] for n in data["full"]["nodes"]}
    assert set(colours.values()) <= {c.upper() for c in OKABE_ITO.values()} | set(
        OKABE_ITO.values()
    )
    legend = {
        row["text"].split(" (")[0].split(":")[0]: row.get("fill")
        for row in data["legend"]
        if "full" in row["views"]
    }
    assert legend["Company"] == colours["organization"]
    assert legend["Agreement"] == colours["agreement"]
    assert legend["Clause"] == colours["clause"]
    assert "Agreement mentioned in passing" not in legend  # nothing of the kind is drawn


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
            kgMap.views.company.nodes.length, kgMap.network.body.data.nodes.length]"""
    )
    assert counts == [
        g.number_of_nodes(),
        g.number_of_edges(),
        companies.number_of_nodes(),
        g.number_of_nodes(),
    ]
    roles = fixture_map.page.evaluate("kgMap.views.full.edges.get().map(e => e.role).sort()")
    assert roles == sorted(key for _s, _t, key in g.edges(keys=True))
    header = fixture_map.page.text_content("#kg-counts")
    assert header == "4 companies · 4 agreements · 5 clauses · 1 product"
    assert (
        fixture_map.page.text_content("#kg-isolated-text") == "1 organisation without deals hidden"
    )
    fixture_map.page.check("#kg-show-isolated")
    assert not hidden(fixture_map.page, "org-nimbus-labs")
    assert (
        fixture_map.page.text_content("#kg-isolated-text") == "1 organisation without deals shown"
    )


@pytest.mark.browser
def test_search_focuses_and_selects(fixture_map: Opened) -> None:
    page = fixture_map.page
    page.fill("#kg-search", "borealis")
    page.press("#kg-search", "Enter")
    assert page.evaluate("kgMap.network.getSelectedNodes()") == [iri("org-borealis-therapeutics")]
    assert page.text_content("#kg-details h2") == "Borealis Therapeutics"
    # the neighbourhood in view: its two deals and, two hops out, their other party
    focused = set(page.evaluate("kgMap.focused"))
    assert {iri("agreement-acme-borealis-investment"), iri("org-acme-robotics")} <= focused
    assert iri("org-cobalt-cloud-systems") not in focused
    page.fill("#kg-search", "no such company")
    page.press("#kg-search", "Enter")
    assert (
        page.text_content("#kg-search-status")
        == "No company or agreement matches “no such company”"
    )


@pytest.mark.browser
def test_clicking_a_company_shows_its_deals_table(fixture_map: Opened) -> None:
    page = fixture_map.page
    click_node(page, "org-acme-robotics")
    assert page.text_content("#kg-details h2") == "Acme Robotics"
    assert "Acme Robotics Inc." in (page.text_content("#kg-details dl") or "")  # its alias
    cells = page.eval_on_selector_all(
        "#kg-details tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.textContent))"
    )
    assert cells == [
        [
            "2021-03-15",
            "investment/partnership (investor)",
            "Borealis Therapeutics",
            "$250M",
            "Signed",
        ],
        ["2022", "cloud services (customer)", "Cobalt Cloud Systems", "—", "Signed"],
        ["2023-06", "partnership", "Borealis Therapeutics", "—", "Announced"],
    ]
    page.click("#kg-details tbody tr:nth-child(2)")  # a row opens its agreement
    assert page.text_content("#kg-details h2") == "cloud services · 2022"
    assert page.evaluate("kgMap.network.getSelectedNodes()") == [iri("agreement-cobalt-acme-cloud")]
    click_node(page, "org-acme-robotics")
    page.focus("#kg-details tbody tr:nth-child(3)")  # and so does Enter on a focused row
    page.keyboard.press("Enter")
    assert page.text_content("#kg-details h2") == "partnership · 2023"


@pytest.mark.browser
def test_clicking_an_agreement_shows_parties_clauses_and_sources(fixture_map: Opened) -> None:
    page = fixture_map.page
    click_node(page, "agreement-acme-borealis-investment")
    text = page.text_content("#kg-details") or ""
    assert page.text_content("#kg-details h2") == "investment · 2021 · $250M"
    parties = page.eval_on_selector_all(
        "#kg-details .kg-parties li", "l => l.map(i => i.textContent)"
    )
    assert parties == ["Acme Robotics — investor", "Borealis Therapeutics — investee"]
    clauses = page.eval_on_selector_all(
        "#kg-details .kg-clause strong", "l => l.map(i => i.textContent)"
    )
    assert clauses == ["Board seat: board seat", "Exclusivity: exclusive robotics supplier"]
    for expected in (
        "Scoperobotics supplier",
        "Exclusiveyes",
        "$250 million",
        "Announced2021-03-15 (day)",
    ):
        assert expected in text
    source = page.locator("#kg-details > .kg-source").first
    assert source.locator("a").get_attribute("href") == "https://news.example.com/acme-borealis"
    assert (
        source.locator("a").text_content() == "Acme Robotics takes a stake in Borealis Therapeutics"
    )
    assert " · 2021-03-15" in (source.text_content() or "")
    assert "Acme Robotics Inc. will invest $250 million" in text
    page.click("#kg-details .kg-parties button >> text=Borealis Therapeutics")
    assert page.text_content("#kg-details h2") == "Borealis Therapeutics"


@pytest.mark.browser
def test_as_of_slider_hides_superseded_clause(fixture_map: Opened) -> None:
    page = fixture_map.page
    page.check("#kg-show-clauses")
    assert not hidden(page, "clause-acme-borealis-exclusivity")
    page.check("#kg-asof-on")
    page.fill("#kg-asof-date", "2024-01-01")
    assert hidden(page, "clause-acme-borealis-exclusivity")
    assert not hidden(page, "clause-acme-borealis-non-exclusivity")
    assert not hidden(page, "clause-codec-licence-grant")  # undated stays visible, marked
    dashes = "id => kgMap.views.full.nodes.get(id).shapeProperties.borderDashes.length"
    assert page.evaluate(dashes, iri("clause-codec-licence-grant")) == 2
    faded = "id => kgMap.views.full.nodes.get(id).opacity"
    assert page.evaluate(faded, iri("agreement-codec-licence")) == 0.35
    assert page.evaluate(faded, iri("agreement-acme-borealis-amendment")) in (None, 1)
    page.fill("#kg-asof-date", "2022-01-01")
    assert not hidden(page, "clause-acme-borealis-exclusivity")
    assert hidden(page, "clause-acme-borealis-non-exclusivity")
    assert hidden(page, "agreement-acme-borealis-amendment")
    # the range spans the first to the last dated agreement: its far left is the first
    # one's start, its far right the last one's
    assert page.get_attribute("#kg-asof-range", "max") == str(
        (date(2023, 6, 1) - date(2021, 3, 15)).days
    )
    page.eval_on_selector(
        "#kg-asof-range", "r => { r.value = 0; r.dispatchEvent(new Event('input')); }"
    )
    assert page.input_value("#kg-asof-date") == "2021-03-15"
    assert not hidden(page, "agreement-acme-borealis-investment")
    assert hidden(page, "agreement-cobalt-acme-cloud")
    out = page.eval_on_selector_all("#kg-strip .kg-out", "m => m.map(e => e.dataset.id)")
    assert sorted(out) == [
        iri("agreement-acme-borealis-amendment"),
        iri("agreement-cobalt-acme-cloud"),
    ]


@pytest.mark.browser
def test_type_filters(fixture_map: Opened) -> None:
    page = fixture_map.page
    page.check("#kg-show-clauses")
    page.select_option("#kg-agreement-type", "Licence")
    assert hidden(page, "agreement-acme-borealis-investment")
    assert hidden(page, "clause-acme-borealis-board-seat")  # its agreement is hidden
    assert not hidden(page, "agreement-codec-licence")
    page.select_option("#kg-agreement-type", "")
    page.select_option("#kg-clause-type", "Exclusivity")
    assert not hidden(page, "clause-acme-borealis-exclusivity")
    assert hidden(page, "clause-acme-borealis-board-seat")
    assert not hidden(page, "agreement-acme-borealis-investment")
    page.uncheck("#kg-show-clauses")
    assert hidden(page, "clause-acme-borealis-exclusivity")


@pytest.mark.browser
def test_xss_payload_stays_inert(fixture_map: Opened) -> None:
    page = fixture_map.page
    page.fill("#kg-search", "<img")
    page.press("#kg-search", "Enter")
    assert page.text_content("#kg-details h2") == XSS
    details = page.text_content("#kg-details") or ""
    assert "link not shown" in details and "<script>alert('title')</script>" in details
    page.click("#kg-details tbody tr")
    details = page.text_content("#kg-details") or ""
    assert "<script>alert('scope')</script>" in details and "<b>codec</b> licence" in details
    assert page.locator("img").count() == 0 and page.locator("#kg-details script").count() == 0
    assert page.locator("#kg-details b").count() == 0
    hrefs = page.eval_on_selector_all("a", "links => links.map(a => a.href)")
    assert all(h.startswith(("http://", "https://")) for h in hrefs)
    page.wait_for_timeout(200)
    assert fixture_map.dialogs == [] and fixture_map.errors == []


def click_node(page: Any, key: str) -> None:
    """A real mouse click on the node's position on screen."""
    point = page.evaluate(
        "id => kgMap.network.canvasToDOM(kgMap.network.getPosition(id))", iri(key)
    )
    box = page.locator("#kg-network").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    page.wait_for_function("document.querySelector('#kg-details h2') !== null")


@pytest.mark.browser
def test_clause_nodes_on_request_and_their_details(fixture_map: Opened) -> None:
    page = fixture_map.page
    assert hidden(page, "clause-acme-borealis-exclusivity")
    page.check("#kg-show-clauses")
    click_node(page, "clause-acme-borealis-exclusivity")
    text = page.text_content("#kg-details") or ""
    assert page.text_content("#kg-details h2") == "exclusive robotics supplier"
    for expected in ("Exclusivity", "Valid until2030 (year)", "Superseded or ended on2023-06-01"):
        assert expected in text
    assert "Borealis will use Acme exclusively through 2030" in text


@pytest.mark.browser
def test_company_view_has_one_edge_per_agreement(fixture_map: Opened) -> None:
    page = fixture_map.page
    page.click("#kg-view-company")
    assert page.evaluate("kgMap.view()") == "company"
    labels = page.evaluate("kgMap.network.body.data.edges.get().map(e => e.label).sort()")
    assert labels == [
        "cloud services · 2022",
        "investment · 2021 · $250M",
        "licence · undated",
        "partnership · 2023",
    ]
    assert page.is_disabled("#kg-clause-type")
    legend = page.eval_on_selector_all("#kg-legend li", "l => l.map(i => i.textContent)")
    assert "Agreement: kind · year · amount (one line each)" in legend
    assert "Clause (drawn with “Clause nodes”)" not in legend  # the view draws none
    edge = page.evaluate(
        "kgMap.network.body.data.edges.get().find(e => e.label.startsWith('investment')).id"
    )
    page.evaluate("id => kgMap.network.body.emitter.emit('click', {nodes: [], edges: [id]})", edge)
    assert page.text_content("#kg-details h2") == "investment · 2021 · $250M"
    page.click("#kg-view-full")
    assert page.evaluate("kgMap.network.body.data.nodes.length") == 15


@pytest.mark.browser
def test_timeline_marks_open_their_agreement(fixture_map: Opened) -> None:
    page = fixture_map.page
    marks = page.eval_on_selector_all(
        "#kg-strip .kg-mark", "m => m.map(e => [e.dataset.id, e.classList.contains('kg-inferred')])"
    )
    assert [m[0] for m in marks] == [
        iri("agreement-acme-borealis-investment"),
        iri("agreement-cobalt-acme-cloud"),
        iri("agreement-acme-borealis-amendment"),
    ]
    page.focus(f"#kg-strip .kg-mark[data-id='{iri('agreement-cobalt-acme-cloud')}']")
    page.keyboard.press("Enter")  # keyboard reaches the axis and opens the deal
    assert page.text_content("#kg-details h2") == "cloud services · 2022"
    assert "undated, not placed" in (page.text_content("#kg-time-note") or "")


@pytest.mark.browser
def test_export_png_downloads_the_drawing(fixture_map: Opened) -> None:
    page = fixture_map.page
    with page.expect_download() as download:
        page.click("#kg-export")
    path = download.value.path()
    assert download.value.suggested_filename == "deal-relationship-map.png"
    assert Path(path).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.browser
def test_keyboard_reaches_the_map_and_its_controls(fixture_map: Opened) -> None:
    page = fixture_map.page
    page.focus("#kg-network .vis-network")
    before = page.evaluate("kgMap.network.getScale()")
    page.keyboard.down("=")  # vis-network's zoom key, while the map has focus
    page.wait_for_timeout(400)
    page.keyboard.up("=")
    assert page.evaluate("kgMap.network.getScale()") > before
    click_node(page, "org-acme-robotics")
    page.focus("#kg-network .vis-network")
    page.keyboard.press("Escape")  # clears the selection and the panel
    assert page.evaluate("kgMap.network.getSelectedNodes()") == []
    assert page.locator("#kg-details h2").count() == 0
    # every control is a real button, link, input or select (tabbable), never a bare div
    kinds = page.eval_on_selector_all(
        "#kg-bar button, #kg-bar input, #kg-bar select, #kg-strip .kg-mark, .vis-network",
        "els => els.map(e => e.tabIndex >= 0)",
    )
    assert kinds and all(kinds)
    outline = page.evaluate(
        """() => { const b = document.getElementById('kg-export'); b.focus();
           return getComputedStyle(b, ':focus-visible').outlineStyle; }"""
    )
    assert outline != "none"


@pytest.mark.browser
def test_fits_1024_pixels(browser: Any, fixture_graph: Graph, tmp_path: Path) -> None:
    path = tmp_path / "map.html"
    render_html(fixture_graph, path)
    page = browser.new_page(viewport={"width": 1024, "height": 768})
    page.goto(path.resolve().as_uri())
    page.wait_for_function("window.kgMap && window.kgMap.drawn")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    for selector in ("#kg-network", "#kg-side", "#kg-export", "#kg-strip", "#kg-asof-range"):
        box = page.locator(selector).bounding_box()
        assert box is not None and box["x"] + box["width"] <= 1024, selector
    assert page.locator("#kg-network").bounding_box()["width"] >= 600
    page.evaluate("id => kgMap.showNode(id)", iri("org-acme-robotics"))
    side = page.locator("#kg-side").bounding_box()
    table = page.locator("#kg-details table").bounding_box()
    assert table["x"] + table["width"] <= side["x"] + side["width"]  # the deals table fits
    page.close()


OVERLAPS = """() => {
  const net = kgMap.network;
  const ids = kgMap.views[kgMap.view()].nodes.getIds({filter: n => !n.hidden});
  const boxes = ids.map(id => [id, net.getBoundingBox(id)]);
  const out = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i][1], b = boxes[j][1];
    if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)
      out.push([boxes[i][0], boxes[j][0]]);
  }
  const fonts = kgMap.views.full.nodes.get({filter: n => !n.hidden}).map(n => n.font.size);
  return {shown: ids.length, overlaps: out, smallest: Math.min(...fonts) * net.getScale()};
}"""


def first_view(opened: Opened) -> dict[str, Any]:
    """The first view's overlapping node boxes (shape and label, from vis-network) and its
    smallest label in screen pixels."""
    return dict(opened.page.evaluate(OVERLAPS))


@pytest.mark.browser
@pytest.mark.parametrize("name", ["seed", "dev"])
def test_first_view_has_no_overlaps(
    name: str, browser: Any, request: pytest.FixtureRequest
) -> None:
    build = request.getfixturevalue("seed_build" if name == "seed" else "dev_build")
    opened = open_map(browser, build / "kg.html")
    view = first_view(opened)
    assert view["shown"] > 0 and view["overlaps"] == []
    # labels are drawn at the fit-to-screen zoom (vis skips labels under its threshold)
    threshold = opened.page.evaluate(
        "kgMap.network.body.nodes[Object.keys(kgMap.network.body.nodes)[0]].options.scaling.label.drawThreshold"
    )
    assert view["smallest"] >= threshold
    assert opened.errors == [] and len(opened.requests) == 1
    opened.page.close()


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
    assert stats.nodes == 5000 and stats.initial_view == "clusters"
    opened = open_map(browser, path)
    page = opened.page
    assert page.is_visible("#kg-notice")
    clusters = page.evaluate("kgMap.network.body.data.nodes.length")
    assert 1 < clusters < 100
    members = page.evaluate(
        "kgMap.views.clusters.nodes.get().reduce((n, c) => n + c.kg.members.length, 0)"
    )
    dealing = page.evaluate("kgMap.views.company.nodes.get().filter(n => !n.hidden).length")
    assert members == dealing > 490  # each company with a deal in one community
    assert first_view(opened)["overlaps"] == []  # the communities, labelled, apart
    # 1,500 dated deals: the time axis draws bars of counts, not 1,500 marks
    assert page.locator("#kg-strip .kg-mark").count() == 0
    assert page.locator("#kg-strip .kg-bar").count() > 10
    page.click(".vis-network canvas", position={"x": 5, "y": 5})  # nothing there: no error
    page.click("#kg-view-full")
    page.wait_for_function("kgMap.network.body.data.nodes.length === 5000")
    page.evaluate(
        "new Promise(r => { kgMap.network.once('afterDrawing', r); kgMap.network.redraw(); })"
    )
    assert opened.errors == [] and opened.requests == [path.resolve().as_uri()]
    page.close()
