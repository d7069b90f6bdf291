"""Inputs that once took a whole build down: each is skipped (or repaired) with a named
reason, and the good article beside it is still read and built."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.read.documents import read_documents

GOOD = "Acme Robotics agreed to acquire Borealis Therapeutics for $40 million.\n"


def _front(tmp_path: Path, name: str, yaml_text: str) -> Path:
    path = tmp_path / name
    path.write_text(f"---\n{yaml_text}\n---\n{GOOD}", encoding="utf-8")
    return path


# Valid YAML that kg refuses to expand or convert: the document is skipped, by name.
REFUSED = {
    "float.md": ("title: !!float abc", "cannot convert (could not convert string to float"),
    "int.md": ("title: !!int twelve", "cannot convert"),
    "deep.md": ("title: " + "[" * 3000 + "]" * 3000, "nested more than 32 levels deep"),
    "laughs.md": (
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        + "".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n"
            for i in range(5)
        )
        + "title: *f",
        "uses a YAML alias (*a, line 3)",
    ),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_front_matter_skips_only_that_document(tmp_path: Path, name: str) -> None:
    yaml_text, reason = REFUSED[name]
    bad = _front(tmp_path, name, yaml_text)
    good = tmp_path / "good.txt"
    good.write_text(GOOD + "It closed in May.\n", encoding="utf-8")
    result = read_documents([bad, good])
    assert [d.source for d in result.documents] == [str(good)]
    [problem] = result.problems
    assert problem.path == str(bad)
    assert reason in problem.message and problem.message.endswith("; skipped")


def test_billion_laughs_is_refused_before_expansion(tmp_path: Path) -> None:
    # 9**6 "lol"s if expanded (kept small so that the old code fails without exhausting the
    # machine; the refusal is at the first alias, whatever the depth).
    bad = _front(tmp_path, "laughs.md", REFUSED["laughs.md"][0])
    assert bad.stat().st_size < 1000
    [problem] = read_documents([bad]).problems
    assert "aliases are refused" in problem.message


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("2020-02-30", "2020-02-30"),  # no such day
        ("0000-01-01", "0000-01-01"),  # year 0
        ("2020-13-01", "2020-13-01"),  # no such month
    ],
)
def test_impossible_yaml_dates_are_ignored_like_quoted_ones(
    tmp_path: Path, value: str, shown: str
) -> None:
    path = _front(tmp_path, "dated.md", f"title: Acme\npublished: {value}")
    result = read_documents([path])
    [document] = result.documents
    assert document.title == "Acme" and document.published is None
    assert [w.message for w in result.warnings] == [
        f"unrecognised published date {shown!r}; ignored"
    ]


def test_yaml_timestamps_keep_their_stated_date(tmp_path: Path) -> None:
    path = _front(tmp_path, "t.md", "published: 2025-06-17t23:30:00-05:00\nretrieved: 2026-01-02")
    [document] = read_documents([path]).documents
    assert (document.published, document.retrieved) == ("2025-06-17", "2026-01-02")


def test_collections_become_sorted_text_or_are_ignored(tmp_path: Path) -> None:
    path = _front(
        tmp_path,
        "c.md",
        "title: !!set {Zeta, alpha, Beta}\npublisher: [Reuters, AP]\nurl: {a: 1}",
    )
    result = read_documents([path])
    [document] = result.documents
    assert document.title == "Beta, Zeta, alpha"  # a set has no order: sorted
    assert document.publisher == "Reuters, AP"  # a list keeps its order
    assert document.url is None
    assert [w.message for w in result.warnings] == ["url is not text (a mapping); ignored"]


def test_refused_front_matter_in_a_batch_build_names_it_and_builds_the_rest(
    tmp_path: Path,
) -> None:
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    bad = [_front(tmp_path, name, REFUSED[name][0]) for name in sorted(REFUSED)]
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["build", *map(str, [*bad, good]), "--out", str(out), "--no-html", "--no-validate"]
    )
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    for path in bad:
        assert f"skipped: {path}: front matter" in result.output
    assert f"Error: {len(bad)} inputs skipped" in result.output
    assert "Borealis Therapeutics" in (out / "kg.ttl").read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_set_gives_the_same_turtle_under_any_hash_seed(tmp_path: Path) -> None:
    source = _front(
        tmp_path, "set.md", "title: !!set {" + ", ".join(f"w{i}" for i in range(12)) + "}"
    )
    turtles = []
    for seed in ("1", "2"):
        out = tmp_path / f"out-{seed}"
        subprocess.run(
            [sys.executable, "-m", "kg", "build", str(source), "--out", str(out), "--no-html"],
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
            capture_output=True,
        )
        turtles.append((out / "kg.ttl").read_bytes())
    assert turtles[0] == turtles[1]
    assert b"w0, w1, w10, w11, w2" in turtles[0]


# --- Text that UTF-8 cannot encode ------------------------------------------------------

SURROGATES = (
    '{"text": "Acme Robotics agreed to acquire Borealis \\ud800 Therapeutics.", '
    '"title": "Deal \\udc00", "url": "https://news.example.org/\\ud800"}\n'
    '{"text": "Acme Robotics hired forty engineers."}\n'
)


def test_lone_surrogates_in_json_are_repaired_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    path.write_text(SURROGATES, encoding="ascii")
    result = read_documents([path])
    first, second = result.documents
    assert first.text == "Acme Robotics agreed to acquire Borealis \ufffd Therapeutics."
    assert (first.title, first.url) == ("Deal \ufffd", "https://news.example.org/\ufffd")
    assert second.text == "Acme Robotics hired forty engineers."
    assert result.problems == ()
    assert [str(w) for w in result.warnings] == [
        f"{path}: line 1: lone surrogate escapes (half of a UTF-16 pair, e.g. \\ud800) in "
        "text, title, url replaced by U+FFFD"
    ]


def _latin1_name(tmp_path: Path) -> Path:
    path = Path(os.fsdecode(os.fsencode(tmp_path) + b"/caf\xe9.txt"))
    try:
        path.write_text(GOOD, encoding="utf-8")
    except (OSError, UnicodeError) as error:  # a file system that insists on UTF-8 names
        pytest.skip(f"cannot create a non-UTF-8 file name here: {error}")
    return path


def test_a_file_name_that_is_not_utf8_is_read_under_an_escaped_name(tmp_path: Path) -> None:
    _latin1_name(tmp_path)
    result = read_documents([tmp_path])
    [document] = result.documents
    assert document.source == f"{tmp_path}/caf\\xe9.txt"
    assert [w.message for w in result.warnings] == [
        "file name is not UTF-8: recorded with \\x escapes for its bytes"
    ]


def test_unencodable_inputs_build_into_readable_turtle(tmp_path: Path) -> None:
    from rdflib import Graph, Literal
    from rdflib.namespace import DCTERMS

    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "records.jsonl").write_text(SURROGATES, encoding="ascii")
    _latin1_name(inputs)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(inputs), "--out", str(out), "--no-html"])
    assert result.exit_code == 0, result.output
    assert "lone surrogate" in result.output and "not UTF-8" in result.output
    graph = Graph().parse(out / "kg.ttl", format="turtle")
    assert (None, DCTERMS.source, Literal(f"{inputs}/caf\\xe9.txt")) in graph
    assert (None, DCTERMS.source, Literal(f"{inputs}/records.jsonl:2")) in graph


# --- Over-long sentences ----------------------------------------------------------------

FILLER = "the river ran past old hills and quiet towns where people walked "  # no deal cue


@pytest.mark.parametrize("focus", [True, False])
def test_no_piece_longer_than_a_sentence_limit_reaches_the_model(focus: bool) -> None:
    from kg.extract.nlp import MAX_SENTENCE_CHARS, plan_chunks

    text = "Acme Robotics grew. " + FILLER * 400 + "invest " + FILLER * 400 + ". The end."
    plan = plan_chunks(text, focus=focus)
    assert "".join(chunk for chunk, _ in plan) == text
    assert max(len(chunk) for chunk, keep in plan if keep) <= MAX_SENTENCE_CHARS
    assert any("invest" in chunk for chunk, keep in plan if keep)


@pytest.mark.slow  # a 1 MB build
def test_a_million_character_line_is_cut_with_a_warning_and_built(tmp_path: Path) -> None:
    # One line past spaCy's max_length (1,000,000), with a deal near its start: before, the
    # whole line went to the parser (about 10 GB) or failed with spaCy's E088.
    line = GOOD.strip()[:-1] + " " + FILLER * (1_050_000 // len(FILLER))
    path = tmp_path / "line.txt"
    path.write_text(line + "\n", encoding="utf-8")
    good = tmp_path / "good.txt"
    good.write_text("Acme Robotics hired forty engineers.\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["build", str(path), str(good), "--out", str(out), "--no-html", "--no-validate"]
    )
    assert result.exit_code == 0, result.output
    assert (
        f"warning: {path}: a sentence of {len(line.rstrip()):,} characters cut into pieces of at most "
        "5,000 for the model (facts across a cut may be missed)"
    ) in result.output
    turtle = (out / "kg.ttl").read_text(encoding="utf-8")
    assert "Borealis Therapeutics" in turtle and "Acme Robotics" in turtle
