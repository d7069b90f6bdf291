"""The named queries: ``ontology/queries/<kebab-name>.rq`` files with a comment header
(``# title:``, ``# description:``, ``# param: name — meaning``, ``# keep: …``).

``# keep:`` says whether and how a store keeps the query's answer ready
(:mod:`kg.query.kept`):

* ``# keep: per ?var`` — each row belongs to the document holding the node in column
  ``?var`` and depends only on that document, the entity facts of what it names and the
  lineage links of its agreements and clauses: rows are written when the document is and
  recomputed when any of those change;
* ``# keep: whole`` — the answer aggregates the whole store; recomputed in place after a
  change;
* either may add ``, filter ?param …``: binding that parameter gives the rows of the
  unbound answer whose column holds the bound term (so the kept rows answer it);
* ``# keep: no — reason`` — answered in place, for the reason given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import pyoxigraph as ox

from kg.errors import OntologyError
from kg.rdf.ontology import ONTOLOGY_DIR
from kg.rdf.vocab import PREFIXES

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


KEEP_MODES = ("per", "whole", "no")


@dataclass(frozen=True)
class KeepRule:
    """How a store keeps a named query's answer (``# keep:``; see the module's docstring)."""

    mode: str
    by: str | None = None
    filters: tuple[str, ...] = ()
    reason: str = ""

    @property
    def kept(self) -> bool:
        return self.mode != "no"


NOT_KEPT = KeepRule("no", reason="its header declares no '# keep:'")


@dataclass(frozen=True)
class NamedQuery:
    """A ``.rq`` file of ``ontology/queries/`` and the metadata of its comment header."""

    name: str
    path: Path
    title: str
    description: str
    params: tuple[QueryParam, ...]
    sparql: str
    keep: KeepRule = NOT_KEPT

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
        match = re.fullmatch(r"(title|description|param|keep):\s*(.*)", body)
        if match and match[1] == "keep":
            fields["keep"] = match[2]
            last = "keep"
        elif match and match[1] == "param":
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
    query = NamedQuery(path.stem, path, fields["title"], fields["description"], tuple(params), text)
    if "keep" in fields:
        query = replace(query, keep=_parse_keep(query, fields["keep"]))
    return query


def _parse_keep(query: NamedQuery, text: str) -> KeepRule:
    """The ``# keep:`` rule of *query*, checked against its parameters and result columns."""
    path = query.path
    not_kept = re.fullmatch(r"no\s+(?:—|--|-)\s+(.+)", text)
    if not_kept:
        return KeepRule("no", reason=not_kept[1].strip())
    match = re.fullmatch(r"(per\s+\?(\w+)|whole)(?:\s*,\s*filter((?:\s+\?\w+)+))?", text.strip())
    if not match:
        raise OntologyError(
            f"{path}: malformed '# keep: {text}'; write '# keep: per ?var', '# keep: whole' "
            "(either with ', filter ?param …') or '# keep: no — reason'"
        )
    rule = KeepRule(
        "per" if match[2] else "whole",
        by=match[2],
        filters=tuple(re.findall(r"\?(\w+)", match[3] or "")),
    )
    columns = result_columns(query)
    named = [v for v in (rule.by, *rule.filters) if v is not None]
    missing = [v for v in named if v not in columns]
    if missing:
        raise OntologyError(f"{path}: '# keep:' names ?{', ?'.join(missing)}, not a result column")
    unknown = [f for f in rule.filters if f not in query.param_names]
    if unknown:
        raise OntologyError(f"{path}: '# keep:' filters by ?{', ?'.join(unknown)}, not a parameter")
    unfiltered = [p for p in query.param_names if p not in rule.filters]
    if unfiltered:
        raise OntologyError(
            f"{path}: a kept query's parameters must be filters; add ?{', ?'.join(unfiltered)}"
            " to '# keep: … filter' or declare '# keep: no — reason'"
        )
    return rule


def result_columns(query: NamedQuery) -> tuple[str, ...]:
    """The result columns of *query*, from Oxigraph's parse of it (run on no data)."""
    try:
        result = ox.Store().query(query.sparql, prefixes=PREFIXES)
    except SyntaxError as exc:
        raise OntologyError(f"{query.path}: does not parse: {exc}") from exc
    if not isinstance(result, ox.QuerySolutions):
        raise OntologyError(f"{query.path}: only a SELECT query can be kept")
    return tuple(v.value for v in result.variables)


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
