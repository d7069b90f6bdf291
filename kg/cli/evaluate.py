"""Measuring extraction: ``kg facts`` (the facts JSON of each input) and ``kg eval``."""

from __future__ import annotations

import json

import click

from kg.cli._util import (
    cli,
    handle_errors,
    progress_bar,
)
from kg.words import plural


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "--out",
    "-o",
    "out_dir",
    type=click.Path(file_okay=False, allow_dash=True),
    default="-",
    show_default=True,
    help="Directory for the <input stem>.json files; - writes JSON Lines to standard output.",
)
@click.option("--model", default=None, help="spaCy pipeline name or path.")
@handle_errors
def facts(inputs: tuple[str, ...], out_dir: str, model: str | None) -> None:
    """The facts JSON of each input file, read back from the built graph: one line
    {"input": STEM, "facts": {…}} per input on standard output, or OUT/<stem>.json files.

    \b
    Example:
        kg facts seeds/ --out output/facts/
        kg facts seeds/000_9e21863d4afa9de5.txt
    """
    from kg.evaluate.run import facts_of, predict_facts

    with progress_bar("Extracting") as progress:
        if out_dir == "-":
            by_input, problems = facts_of(inputs, model=model, progress=progress)
            for stem, found in by_input.items():
                click.echo(json.dumps({"input": stem, "facts": found}, ensure_ascii=False))
            click.echo(f"{plural(len(by_input), 'facts record')} → standard output", err=True)
        else:
            written, problems = predict_facts(inputs, out_dir, model=model, progress=progress)
            click.echo(f"{plural(len(written), 'facts file')} → {out_dir}")
    for problem in problems:
        click.echo(f"skipped: {problem}", err=True)
    if problems:
        raise click.ClickException(f"{plural(len(problems), 'input')} skipped")


@cli.command(name="eval")
@click.option(
    "--gold",
    "gold_dirs",
    multiple=True,
    required=True,
    type=click.Path(file_okay=False),
    help="Folder of <stem>.gold.json files (repeatable).",
)
@click.option(
    "--pred",
    "pred_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Folder of predicted <stem>.json; default: build the gold folders' .txt files.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.option(
    "--floor",
    "floor_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="JSON of minimum F1 per metric; exit 1 when one drops more than 0.01 below.",
)
@click.option(
    "-v", "--verbose", is_flag=True, help="List misses and false positives by metric and file."
)
@click.option(
    "--group",
    "groups",
    multiple=True,
    metavar="NAME=GLOB",
    help="Also report F1 for the files whose stem matches GLOB, or not with !GLOB (repeatable).",
)
@click.option("--model", default=None, help="spaCy pipeline name or path.")
@handle_errors
def eval_command(
    gold_dirs: tuple[str, ...],
    pred_dir: str | None,
    fmt: str,
    floor_path: str | None,
    verbose: bool,
    groups: tuple[str, ...],
    model: str | None,
) -> None:
    """Score predicted facts against hand-made gold annotations.

    \b
    Example:
        kg eval --gold ../shared/corpus/dev -v --group new='[ab][0-9]*'
    """
    from kg.evaluate.run import evaluate_gold

    named_groups = _parse_groups(groups)
    report, failures = evaluate_gold(gold_dirs, pred_dir, floor_path=floor_path, model=model)
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), indent=1, sort_keys=True))
    else:
        from kg.evaluate.score import format_report

        click.echo(format_report(report, details=verbose, groups=named_groups))
    if failures:
        raise click.ClickException("accuracy below the floor: " + "; ".join(failures))


def _parse_groups(groups: tuple[str, ...]) -> dict[str, str]:
    parsed: dict[str, str] = {}
    for item in groups:
        name, sep, pattern = item.partition("=")
        if not sep or not name.strip() or not pattern.strip():
            raise click.BadParameter(f"expected NAME=GLOB, got {item!r}", param_hint="--group")
        parsed[name.strip()] = pattern.strip()
    return parsed
