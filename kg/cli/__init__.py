"""The ``kg`` command line: each command parses options, calls one library function
and formats the result. Library errors (:class:`kg.errors.KGError`) become
``Error: …`` with exit code 1; bad usage exits 2.

One module per group of commands (as spaCy's ``cli/`` does), all over :mod:`kg.cli._util`:
:mod:`~kg.cli.build`, :mod:`~kg.cli.query`, :mod:`~kg.cli.network`, :mod:`~kg.cli.export`,
:mod:`~kg.cli.serve`, :mod:`~kg.cli.store` and :mod:`~kg.cli.evaluate`.
"""

from __future__ import annotations

# each command module registers its commands on the group when imported
from kg.cli import build, evaluate, export, network, query, serve, store  # noqa: F401
from kg.cli._util import cli

__all__ = ["cli"]
