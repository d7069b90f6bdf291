"""The named queries: ``ontology/queries/<kebab-name>.rq`` files with a comment header
(``# title:``, ``# description:``, ``# param: name — meaning``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from kg.errors import OntologyError
from kg.rdf.ontology import ONTOLOGY_DIR

QUERIES_DIR = ONTOLOGY_DIR / "queries"
"""Where the named ``<kebab-name>.rq`` files live."""


_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


PARAM_KINDS = ("organization", "agreement", "clause-type", "date")
"""What a parameter may declare it takes (``# param: name [kind] — meaning``): ``--bind``
then turns a company name, an agreement key, a clause type or a day into that term."""


@dataclass(frozen=True)
class QueryParam:
    """A variable of a named query meant to be bound (``# param: name [kind] — meaning``);
    ``kind`` is one of :data:`PARAM_KINDS`, or None for any RDF term."""

    name: str
    description: str
    required: bool
    kind: str | None = None


@dataclass(frozen=True)
class NamedQuery:
    """A ``.rq`` file of ``ontology/queries/`` and the metadata of its comment header."""

    name: str
    path: Path
    title: str
    description: str
    params: tuple[QueryParam, ...]
    sparql: str

    @property
    def param_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params)


def named_queries() -> dict[str, NamedQuery]:
    """Every named query, by name, in name order.

    :raises OntologyError: when the folder is missing or a file's header is malformed.
    """
    if not QUERIES_DIR.is_dir():
        raise OntologyError(f"{QUERIES_DIR}: named-query folder missing")
    queries = (_read_named_query(path) for path in sorted(QUERIES_DIR.glob("*.rq")))
    return {query.name: query for query in queries}


def load_named_query(name: str) -> NamedQuery:
    """The named query *name* (the file stem, e.g. ``terms-in-force``).

    :raises OntologyError: for an unknown name; the message lists the available ones.
    """
    queries = named_queries()
    if name not in queries:
        available = ", ".join(queries) or "(none)"
        raise OntologyError(f"unknown named query {name!r}; available: {available}")
    return queries[name]


def _read_named_query(path: Path) -> NamedQuery:
    if not _NAME.fullmatch(path.stem):
        raise OntologyError(f"{path}: query file names must be kebab-case, like terms-in-force.rq")
    text = path.read_text(encoding="utf-8")
    fields: dict[str, str] = {}
    params: list[QueryParam] = []
    last: str | None = None
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        body = line[1:].strip()
        match = re.fullmatch(r"(title|description|param):\s*(.*)", body)
        if match and match[1] == "param":
            params.append(_parse_param(path, match[2]))
            last = "param"
        elif match:
            fields[match[1]] = match[2]
            last = match[1]
        elif body and last in ("title", "description"):
            fields[last] += " " + body  # an indented continuation line
        elif body and last == "param":
            params[-1] = _continue_param(params[-1], body)
    for key in ("title", "description"):
        if not fields.get(key):
            raise OntologyError(f"{path}: the comment header needs a '# {key}:' line")
    return NamedQuery(path.stem, path, fields["title"], fields["description"], tuple(params), text)


def _parse_param(path: Path, text: str) -> QueryParam:
    match = re.fullmatch(r"([A-Za-z_]\w*)(?:\s+\[([\w-]+)\])?\s+(?:—|--|-)\s+(.+)", text)
    if not match:
        raise OntologyError(
            f"{path}: malformed '# param: {text}'; write '# param: name [kind] — meaning'"
        )
    if match[2] is not None and match[2] not in PARAM_KINDS:
        raise OntologyError(
            f"{path}: parameter {match[1]} has unknown kind [{match[2]}]; "
            f"kinds: {', '.join(PARAM_KINDS)}"
        )
    description = match[3].strip()
    return QueryParam(match[1], description, "(optional)" not in description, match[2])


def _continue_param(param: QueryParam, text: str) -> QueryParam:
    description = f"{param.description} {text}"
    return replace(param, description=description, required="(optional)" not in description)
