"""Tests for kg.read.documents: every input format, the news-feed page split, and bad inputs."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path
from typing import IO

import pytest

from kg.errors import InputError
from kg.models import Document
from kg.read.base import content_id
from kg.read.documents import ReadResult, ReadWarning, iter_documents, read_documents
from kg.read.meta import guess_language, normalise_date

FIXTURES = Path(__file__).parents[1] / "fixtures" / "read"
SEED = Path(__file__).parents[2] / "seeds" / "000_9e21863d4afa9de5.txt"


def read(
    *inputs: str | Path,
    max_bytes: int = 20_000_000,
    strict: bool = False,
    stdin: IO[bytes] | None = None,
) -> ReadResult:
    return read_documents(list(inputs), max_bytes=max_bytes, strict=strict, stdin=stdin)


def only(result: ReadResult) -> Document:
    assert result.problems == ()
    assert len(result.documents) == 1
    return result.documents[0]


def messages(result: ReadResult) -> list[str]:
    return [str(problem) for problem in result.problems]


# --- News-feed pages --------------------------------------------------------------------


def test_seed_page_splits_into_six_articles() -> None:
    result = read(SEED)
    assert result.problems == ()
    assert result.warnings == ()
    titles = [document.title for document in result.documents]
    assert titles == [
        "Microsoft invests in and partners with OpenAI to support us building beneficial AGI",
        "The next chapter of the Microsoft–OpenAI partnership",
        "OpenAI and Microsoft extend partnership",
        "OpenAI and Microsoft",
        "A joint statement from OpenAI and Microsoft",
        "The next phase of the Microsoft OpenAI partnership",
    ]
    main = result.documents[0]
    assert main.url == "https://openai.com/index/microsoft-invests-in-and-partners-with-openai/"
    assert main.retrieved == "2026-04-20"
    page_ids = {document.part_of for document in result.documents}
    assert page_ids == {content_id(SEED.read_text(encoding="utf-8"))}
    # Cleaned: no Markdown escapes or link syntax left in the main article.
    assert "\\" not in main.text and "](" not in main.text and "Source:" not in main.text
    # Each similar article's text is only its own summary, not part of the main article.
    for similar in result.documents[1:]:
        assert similar.text not in main.text
        assert "\n" not in similar.text


def test_feed_fixture_splits_into_its_articles() -> None:
    result = read(FIXTURES / "feed_page.txt")
    assert result.problems == () and result.warnings == ()
    main, *similar = result.documents
    assert main.title == "Acme Robotics takes a stake in Borealis Therapeutics"
    assert main.publisher == "Harbourline Wire"
    assert main.url == "https://news.example.org/acme-borealis"
    assert main.retrieved == "2025-11-03"
    assert main.published is None
    assert main.text == (
        "Acme Robotics Inc. said on Tuesday it will invest $300 million in Borealis "
        "Therapeutics in exchange for a 20% stake.\n\n"
        "Under the agreement, Borealis will use Acme's robotic arms in its clinics "
        "(starting in 2026) and Acme gains a seat on the Borealis board. The companies "
        "also signed a five-year co-development agreement; see the joint release for details."
    )
    assert main.links == ("https://news.example.org/acme-borealis", "https://example.org/release")
    assert [(d.title, d.publisher) for d in similar] == [
        ("Cobalt Foods signs supply pact with Delmar Farms", "Harbourline Wire"),
        ("Orion Metals and Tidewater Mining form joint venture", "Quarry Daily"),
        ("Nimbus Cloud extends licence with Pellucid Software", "Harbourline Wire"),
    ]
    assert similar[1].text == (
        "Orion Metals and Tidewater Mining agreed to form a 50-50 joint venture to develop "
        "a copper deposit in northern Chile."
    )
    assert all(d.url is None and d.retrieved is None for d in similar)
    assert len({d.part_of for d in result.documents}) == 1
    assert main.part_of not in {d.id for d in result.documents}
    assert [d.source for d in result.documents] == [
        f"{FIXTURES / 'feed_page.txt'}#main",
        *(f"{FIXTURES / 'feed_page.txt'}#similar-{n}" for n in (1, 2, 3)),
    ]


def test_feed_page_is_recognised_by_structure_not_name(tmp_path: Path) -> None:
    renamed = tmp_path / "notes.md"
    shutil.copy(FIXTURES / "feed_page.txt", renamed)
    assert len(read(renamed).documents) == 4
    prose = tmp_path / "similar_articles_cached_feed.txt"
    prose.write_text("Summary of the week: Acme Robotics opened an office in Lyon.\n")
    assert len(read(prose).documents) == 1


def test_feed_page_id_is_stable_and_differs_between_pages(tmp_path: Path) -> None:
    first = read(FIXTURES / "feed_page.txt").documents[0].part_of
    again = read(FIXTURES / "feed_page.txt").documents[0].part_of
    other = tmp_path / "other.txt"
    other.write_text((FIXTURES / "feed_page.txt").read_text() + "\nExtra line.\n")
    assert first == again
    assert read(other).documents[0].part_of != first


PAGE_WITH_LEAD_IN_FULL_TEXT = """\
Delmar Farms buys a creamery

Quarry Daily

Summary

Delmar Farms bought a creamery from Cobalt Foods.

Delmar Farms has bought the Riverside creamery from Cobalt Foods.
Original Article
View Cached Full Text

Cached at: 02/14/24, 10:05 AM

# Delmar Farms buys a creamery

Source: https://quarry.example.com/delmar

Delmar Farms has bought the Riverside creamery from Cobalt Foods.

The price was not disclosed.

Similar Articles

Cobalt Foods opens a bakery

Harbourline Wire

Cobalt Foods opened a bakery in Leeds.

It employs forty people.

Orion Metals hires a new chair

Quarry Daily

Orion Metals named a new chair of its board.
"""


def test_feed_page_variants(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text(PAGE_WITH_LEAD_IN_FULL_TEXT)
    main, bakery, chair = read(page).documents
    # The lead is already the full text's first paragraph, so it is not repeated.
    assert main.text == (
        "Delmar Farms has bought the Riverside creamery from Cobalt Foods.\n\n"
        "The price was not disclosed."
    )
    assert main.url == "https://quarry.example.com/delmar"
    assert main.retrieved == "2024-02-14"
    # A similar article's summary may run over two paragraphs.
    assert bakery.text == "Cobalt Foods opened a bakery in Leeds.\n\nIt employs forty people."
    assert chair.title == "Orion Metals hires a new chair"


# --- Text and Markdown ------------------------------------------------------------------


def test_markdown_front_matter_and_cleaning() -> None:
    document = only(read(FIXTURES / "article.md"))
    assert document.title == "Borealis Therapeutics licenses its imaging patents to Acme Robotics"
    assert document.url == "https://news.example.org/borealis-licence"
    assert document.published == "2024-03-04"
    assert document.publisher is None  # "unknown"
    assert document.links == ("https://filings.example.org/123",)
    assert document.text == (
        "Borealis licenses imaging patents\n\n"
        "Borealis Therapeutics granted Acme Robotics a non-exclusive licence to its imaging "
        "patents, according to a company filing.\n\n"
        "The licence runs until 2029 (with an option to renew) and covers the pre-clinical tools."
    )
    assert document.id == content_id(document.text)
    assert document.language == "en"
    assert document.source == str(FIXTURES / "article.md")


def test_plain_text_without_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_text(
        "  Acme Robotics \\- a maker of arms \\[and grippers\\].  \r\n\r\n\r\n\r\nEnd.\n"
    )
    document = only(read(path))
    assert document.text == "Acme Robotics - a maker of arms [and grippers].\n\nEnd."
    assert document.title is None and document.url is None


def test_invalid_front_matter_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "bad.md"
    path.write_text("---\ntitle: [unclosed\n---\nAcme Robotics hired forty engineers.\n")
    result = read(path)
    assert only(result).text == "Acme Robotics hired forty engineers."
    assert [w.message for w in result.warnings] == [
        "front matter is not valid YAML (line 2); ignored"
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2019-07-22", "2019-07-22"),
        ("2019-07", "2019-07"),
        ("2019", "2019"),
        (2019, "2019"),
        ("2025-06-17T08:30:00Z", "2025-06-17"),
        ("July 22, 2019", "2019-07-22"),
        ("22 Jul 2019", "2019-07-22"),
        ("Sept. 2020", "2020-09"),
        ("unknown", None),
        ("", None),
        (None, None),
        ("2019-02-30", None),
        ("next Tuesday", None),
    ],
)
def test_normalise_date(value: object, expected: str | None) -> None:
    assert normalise_date(value) == expected


def test_unrecognised_date_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "dated.md"
    path.write_text("---\npublished: sometime soon\n---\nAcme Robotics grew.\n")
    result = read(path)
    assert only(result).published is None
    assert [w.message for w in result.warnings] == [
        "unrecognised published date 'sometime soon'; ignored"
    ]


def test_language_heuristic() -> None:
    english = "Acme Robotics said on Monday that it has agreed to buy a stake in the firm " * 3
    french = (
        "La société Acme a signé un accord avec le groupe Borealis pour la distribution "
        "de ses produits dans les pays du nord et elle sera le partenaire exclusif "
        "des hôpitaux qui sont dans la région"
    )
    assert guess_language(english) == "en"
    assert guess_language(french) == "fr"
    assert guess_language("Bonjour et merci") == "en"  # too short to tell


# --- HTML -------------------------------------------------------------------------------


def test_html_main_text_and_metadata() -> None:
    document = only(read(FIXTURES / "page.html"))
    assert document.title == "Acme Robotics buys Cobalt Sensors"
    assert document.url == "https://quarry.example.com/acme-cobalt"
    assert document.publisher == "Quarry Daily"
    assert document.published == "2025-06-17"
    assert "acquire Cobalt Sensors Ltd. for $85 million" in document.text
    assert "double by 2028." in document.text
    for boilerplate in ("Sign in", "Markets", "tracking", "Copyright", "newsletter"):
        assert boilerplate not in document.text


def test_html_og_url_and_json_ld_date(tmp_path: Path) -> None:
    path = tmp_path / "page.htm"
    path.write_text(
        '<html><head><meta property="og:url" content="https://example.net/a">'
        '<script type="application/ld+json">[{"@graph": [{"datePublished": "2021-05-02",'
        ' "publisher": {"name": "Harbourline Wire"}}]}]</script></head><body><article>'
        "<p>Tidewater Mining signed a ten-year offtake agreement with Orion Metals for "
        "all of the nickel produced at its northern mine.</p></article></body></html>"
    )
    document = only(read(path))
    assert document.url == "https://example.net/a"
    assert document.published == "2021-05-02"
    assert document.publisher == "Harbourline Wire"
    assert document.text.startswith("Tidewater Mining signed a ten-year offtake agreement")


def test_html_without_text_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_text("<html><head><title>Nothing</title></head><body></body></html>")
    assert messages(read(path)) == [f"{path}: no main text found in the HTML page"]


# --- JSON -------------------------------------------------------------------------------


def test_jsonl_keeps_valid_records_and_reports_bad_lines() -> None:
    path = FIXTURES / "records.jsonl"
    result = read(path)
    first, second = result.documents
    assert (
        first.text == "Delmar Farms agreed to sell its dairy unit to Cobalt Foods for $40 million."
    )
    assert (first.title, first.url, first.published, first.publisher) == (
        "Delmar sells dairy unit",
        "https://news.example.org/delmar",
        "2023-11",
        "Harbourline Wire",
    )
    assert first.source == f"{path}:1"
    assert second.published is None and second.source == f"{path}:5"
    assert messages(result) == [
        f"{path}: line 2: invalid JSON (Expecting value at column 1)",
        f'{path}: line 3: no "text" string',
        f"{path}: line 6: not a JSON object",
    ]


def test_json_array_and_single_object(tmp_path: Path) -> None:
    result = read(FIXTURES / "records.json")
    assert result.problems == ()
    assert [(d.url, d.published, d.title) for d in result.documents] == [
        ("https://news.example.org/pellucid", "2022", None),
        (None, None, "Nimbus opens data centre"),
    ]
    single = tmp_path / "one.json"
    single.write_text('{"text": "Acme Robotics leased a warehouse.", "publisher": "Quarry Daily"}')
    assert only(read(single)).publisher == "Quarry Daily"
    broken = tmp_path / "broken.json"
    broken.write_text('[{"text": "x"},')
    assert messages(read(broken)) == [f"{broken}: invalid JSON (Expecting value at column 16)"]


# --- Identity and order -----------------------------------------------------------------


def test_same_article_twice_is_one_document(tmp_path: Path) -> None:
    copy = tmp_path / "renamed-copy.md"
    shutil.copy(FIXTURES / "article.md", copy)
    result = read(FIXTURES / "article.md", copy, FIXTURES / "article.md")
    document = only(result)
    assert document.source == str(FIXTURES / "article.md")  # the first source wins
    assert result.warnings == ()


def test_directory_walk_is_recursive_sorted_and_skips_unknown_and_hidden() -> None:
    result = read(FIXTURES / "folder")
    assert result.problems == () and result.warnings == ()
    assert [
        Path(d.source).relative_to(FIXTURES / "folder").as_posix() for d in result.documents
    ] == [
        "a.md",
        "b.txt",
        "sub/c.txt",
    ]


def test_unknown_extension_given_explicitly_is_a_problem() -> None:
    path = FIXTURES / "folder" / "notes.csv"
    assert messages(read(path)) == [
        f"{path}: unknown file type (.csv); known types: "
        ".htm, .html, .json, .jsonl, .markdown, .md, .txt"
    ]


def test_globs_are_expanded_in_sorted_order(tmp_path: Path) -> None:
    for name, text in [("b.txt", "Beta deal."), ("a.txt", "Alpha deal."), ("c.csv", "x")]:
        (tmp_path / name).write_text(text)
    result = read(str(tmp_path / "*.*"))
    assert [d.text for d in result.documents] == ["Alpha deal.", "Beta deal."]
    assert result.problems == ()
    pattern = str(tmp_path / "*.pdf")
    assert messages(read(pattern)) == [
        f"{pattern}: no readable files match this pattern "
        "(.htm, .html, .json, .jsonl, .markdown, .md, .txt)"
    ]


def test_input_order_is_kept() -> None:
    result = read(FIXTURES / "records.json", FIXTURES / "article.md")
    assert [Path(d.source.split("[")[0]).name for d in result.documents] == [
        "records.json",
        "records.json",
        "article.md",
    ]


def test_iter_documents_streams_the_same_items() -> None:
    items = list(iter_documents([FIXTURES / "records.jsonl", "missing.txt"]))
    assert [type(item).__name__ for item in items] == [
        "Document",
        "Document",
        "Problem",
        "Problem",
        "Problem",
        "Problem",
    ]


# --- Standard input ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "expected_text"),
    [
        (b"Acme Robotics opened a lab in Oslo.\n", "Acme Robotics opened a lab in Oslo."),
        (
            b'{"text": "Borealis hired a CFO."}\n\n{"text": "Cobalt Foods closed a mill."}\n',
            "Borealis hired a CFO.",
        ),
        (
            b"<!DOCTYPE html><html><body><article><p>Orion Metals agreed to supply copper "
            b"cathodes to Delmar Cables for five years.</p></article></body></html>",
            "Orion Metals agreed to supply copper cathodes to Delmar Cables for five years.",
        ),
    ],
    ids=["text", "jsonl", "html"],
)
def test_stdin_format_is_detected_by_content(payload: bytes, expected_text: str) -> None:
    result = read("-", stdin=io.BytesIO(payload))
    assert result.problems == ()
    assert result.documents[0].text == expected_text
    assert result.documents[0].source.startswith("<stdin>")


def test_stdin_feed_page_is_split() -> None:
    payload = (FIXTURES / "feed_page.txt").read_bytes()
    assert len(read("-", stdin=io.BytesIO(payload)).documents) == 4


# --- Bad input --------------------------------------------------------------------------


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "file is empty"),
        ("blank.md", b"  \n\n\t\n", "file holds only whitespace"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (PNG image), not text"),
        ("nul.txt", b"Acme\x00\x01\x02 data", "binary file (contains NUL bytes), not text"),
        ("ctrl.txt", bytes(range(1, 9)) * 20, "binary file (control characters), not text"),
        ("front-only.md", b"---\ntitle: Acme\n---\n\n", "no text after the front matter"),
    ],
)
def test_bad_files_are_problems(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    path = write(tmp_path, name, data)
    good = write(tmp_path, "good.txt", b"Acme Robotics bought a drone maker.")
    result = read(path, good)
    assert messages(result) == [f"{path}: {message}"]
    assert [d.text for d in result.documents] == ["Acme Robotics bought a drone maker."]


def test_non_utf8_text_is_decoded_with_a_warning(tmp_path: Path) -> None:
    text = (
        "Acme Robotics signed a café supply deal with Borealis Therapeutics. "
        "The naïve résumé of the déjà vu agreement said it runs for three years."
    )
    path = write(tmp_path, "legacy.txt", text.encode("cp1252"))
    result = read(path)
    assert only(result).text == text
    assert len(result.warnings) == 1
    assert isinstance(result.warnings[0], ReadWarning)
    assert result.warnings[0].message == "not UTF-8; decoded as cp1252"


def test_file_over_max_bytes_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "big.txt", b"Acme Robotics. " * 100)
    assert messages(read(path, max_bytes=1000)) == [
        f"{path}: 1,500 bytes is over the limit of 1,000 bytes (max_bytes); skipped. "
        "Raise it with --max-bytes N"
    ]
    assert messages(read("-", max_bytes=10, stdin=io.BytesIO(b"x" * 11))) == [
        "<stdin>: over the limit of 10 bytes (max_bytes)"
    ]


def test_missing_path_and_special_file(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.txt"
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    assert messages(read(missing, fifo)) == [
        f"{missing}: no such file or directory",
        f"{fifo}: not a regular file",
    ]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read files without read permission")
def test_unreadable_file_is_a_problem(tmp_path: Path) -> None:
    path = write(tmp_path, "locked.txt", b"Acme Robotics.")
    path.chmod(0)
    assert messages(read(path)) == [f"{path}: permission denied"]


def test_strict_mode_raises_at_the_first_problem(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.txt"
    with pytest.raises(InputError, match="nowhere.txt: no such file or directory"):
        read(FIXTURES / "article.md", missing, strict=True)


def test_strict_mode_accepts_warnings(tmp_path: Path) -> None:
    path = write(tmp_path, "legacy.txt", "Acme Robotics signed a café deal.".encode("cp1252"))
    result = read(path, strict=True)
    assert len(result.documents) == 1 and len(result.warnings) == 1
