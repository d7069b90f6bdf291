"""Errors raised by the kg library. The CLI shows them as ``Error: ...`` and exits 1."""

from __future__ import annotations


class KGError(Exception):
    """Base class: an expected failure whose message tells the user what to do."""


class InputError(KGError):
    """An input path or document could not be read."""


class OptionsError(KGError):
    """A build option is out of range, or given to a path that cannot honour it."""


class ModelError(KGError):
    """The spaCy pipeline could not be loaded."""


class PatternError(KGError):
    """A rule file (JSONL patterns) is malformed; the message names the file and line."""


class OntologyError(KGError):
    """The ontology, shapes or a named query could not be loaded."""


class QueryError(KGError):
    """A SPARQL query failed to parse or to run."""


class GraphError(KGError):
    """A graph file could not be loaded or written."""


class OutputError(KGError):
    """Writing an output would destroy something the user did not ask to replace."""


class EvalError(KGError):
    """Gold or predicted facts files are missing or malformed."""
