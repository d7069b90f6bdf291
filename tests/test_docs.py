"""The README documents every command, and its quick start runs as shown."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kg.cli import cli

ROOT = Path(__file__).resolve().parent.parent

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "") -> list[str]:
    names = []
    for name, command in group.commands.items():
        names.append(prefix + name)
        if isinstance(command, click.Group):
            names.extend(_commands(command, prefix + name + " "))
    return names


@pytest.mark.parametrize("command", _commands(cli))
def test_command_is_documented_with_an_example(command: str) -> None:
    top = command.split()[0]
    assert f"### kg {top}" in README, f"README has no section for `kg {top}`"
    assert re.search(rf"\$ kg {re.escape(command)}\b", README), (
        f"README shows no example of `kg {command}`"
    )


@pytest.mark.parametrize("command", _commands(cli))
def test_command_has_help_with_example(command: str) -> None:
    result = CliRunner().invoke(cli, [*command.split(), "--help"])
    assert result.exit_code == 0
    if (
        not isinstance(cli.commands.get(command), click.Group)
        and " " not in command
        or command.startswith("graph ")
    ):
        assert "Example:" in result.output or command == "graph"


def _quick_start() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("##", 1)[0]
    return [line[2:] for line in section.splitlines() if line.startswith("$ kg ")]


def test_quick_start_commands_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    commands = _quick_start()
    assert commands, "README quick start has no commands"
    monkeypatch.chdir(ROOT)
    for line in commands:
        args = shlex.split(line)[1:]
        args = [str(tmp_path / "output") if a in {"output/", "output"} else a for a in args]
        args = [a.replace("output/", str(tmp_path / "output") + "/") for a in args]
        result = CliRunner().invoke(cli, args, catch_exceptions=False)
        assert result.exit_code == 0, f"{line}\n{result.output}"


@pytest.mark.slow  # builds on two worker processes
def test_the_library_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = README.split("## Using kg as a library", 1)[1].split("```python", 1)[1].split("```")[0]
    (tmp_path / "seeds").symlink_to(ROOT / "seeds")
    monkeypatch.chdir(tmp_path)  # it writes output/: not the repository's golden graph
    exec(compile(code, "README.md", "exec"), {})
    assert (tmp_path / "output" / "kg.ttl").stat().st_size > 1000
    assert (tmp_path / "output" / "kg.html").is_file()


# What the console-blocks test leaves to the tests of their own (and why)
_RUN_ELSEWHERE = {
    "make": "set-up: `make test` is what runs this test",
    "source": "a shell's own command",
    "kg serve": "starts a server (tests/serve)",
    "kg push": "needs a SPARQL server (tests/store, on a real Virtuoso)",
    "kg eval": "scores the whole dev corpus (`make eval`)",
    "dask": "starts a Dask cluster (the executor's tests use a LocalCluster)",
}
_RUN_ELSEWHERE_WITH = {
    "--scheduler": "needs a Dask cluster at a machine's address",
    "--endpoint": "needs a SPARQL server (tests/store/test_remote.py, on a real Virtuoso)",
}


def _run_elsewhere(line: str) -> bool:
    return any(line == skip or line.startswith(skip + " ") for skip in _RUN_ELSEWHERE) or any(
        flag in line.split() for flag in _RUN_ELSEWHERE_WITH
    )


def _console_commands() -> list[str]:
    """Every ``$ …`` line of the README's console blocks, in order."""
    blocks = re.findall(r"```console\n(.*?)```", README, flags=re.S)
    return [line[2:] for block in blocks for line in block.splitlines() if line.startswith("$ ")]


def _kg_part(line: str) -> tuple[list[str], str | None]:
    """The arguments of the ``kg`` command of *line*, and what ``echo … |`` pipes into it."""
    stages = [stage.strip() for stage in line.split(" | ")]
    piped = None
    if stages[0].startswith("echo "):
        piped = shlex.split(stages.pop(0))[1] + "\n"
    return shlex.split(stages[0])[1:], piped  # a pipe after kg only reads its output


def test_readme_says_how_to_put_kg_on_the_path() -> None:
    quick_start = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "$ source .venv/bin/activate" in quick_start


@pytest.mark.slow  # six builds, one on two worker processes
def test_every_readme_console_example_runs_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    # a fresh clone's committed files, so the examples may write where they say
    for folder in ("seeds", "output"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    monkeypatch.chdir(tmp_path)
    ran = 0
    for line in _console_commands():
        if _run_elsewhere(line):
            continue
        args, piped = _kg_part(line)
        result = CliRunner().invoke(cli, args, input=piped)
        assert result.exit_code == 0, f"$ {line}\n{result.output}"
        ran += 1
    assert ran >= 25


def test_make_demo_installs_only_the_runtime_dependencies(tmp_path: Path) -> None:
    import shutil
    import subprocess

    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    venv = tmp_path / "venv"
    plan = subprocess.run(
        ["make", "-n", "demo", f"VENV={venv}"], cwd=ROOT, capture_output=True, text=True
    )
    assert plan.returncode == 0, plan.stderr
    installs = [line for line in plan.stdout.splitlines() if "pip install" in line and "-e" in line]
    assert installs and all("[dev]" not in line for line in installs), plan.stdout
    assert "source" in plan.stdout and "activate" in plan.stdout


SERVERS = (ROOT / "docs" / "servers.md").read_text(encoding="utf-8")


def _options(*names: str) -> set[str]:
    commands = [cli.commands[name] for name in names]
    return {o for c in commands for param in c.params for o in (*param.opts, *param.secondary_opts)}


def _documented_push_options() -> set[str]:
    """Every option docs/servers.md gives kg push: in `--option` spans of the prose and on
    the lines of its `kg push` examples (other tools' flags are written after their name)."""
    spans = set(re.findall(r"`(--[a-z][a-z-]*)[^`]*`", SERVERS))
    examples = re.findall(r"^kg push .*?(?=\n```)", SERVERS, re.MULTILINE | re.DOTALL)
    return spans | {flag for example in examples for flag in re.findall(r"--[a-z][a-z-]*", example)}


def test_servers_doc_lists_only_options_kg_push_and_serve_have() -> None:
    # the page covers both ways to a server: pushing a store, and serving one
    documented = _documented_push_options()
    assert {"--no-resume", "--graph-store", "--update-url", "--endpoint"} <= documented
    assert documented - _options("push", "serve") == set()


def test_servers_doc_examples_parse_as_kg_push_commands() -> None:
    for example in re.findall(r"^kg push .*?(?=\n```)", SERVERS, re.MULTILINE | re.DOTALL):
        words = shlex.split(example.replace("\\\n", " "))[2:]
        assert words[0] == "STORE"
        words = [str(ROOT / "output" / "kg.ttl"), *words[1:]]  # any existing source
        context = cli.commands["push"].make_context("push", words)
        assert context.params["endpoint"].startswith("http://localhost")
