"""What a build is asked to do: one frozen :class:`BuildOptions` record.

The CLI makes it from its flags and hands it to :mod:`kg.pipeline`, which reads and
extracts with it whether the result goes to an in-memory graph (``kg build``) or into a
store (``kg build --store``): every path honours every option.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kg.errors import OptionsError

ProgressCallback = Callable[[int, int], None]
"""Called with (documents done, documents total); total is 0 when not known in advance."""

StageCallback = Callable[[str, float | None], None]
"""Called with (stage, None) when a stage of a build starts and (stage, seconds) when it
ends: read, extract (loading the model included), resolve, map, lineage, write, render,
validate; a store build streams read to write as one stage, ingest."""

FOCUS = {"auto": None, "on": True, "off": False}
"""``--focus`` values: statistical NLP only on sentences with deal cues (auto: long texts)."""


@dataclass(frozen=True)
class BuildOptions:
    """How inputs are read and extracted.

    :param model: spaCy pipeline name or path (None: the default ``en_core_web_sm``).
    :param strict: stop at the first unreadable input instead of skipping it.
    :param max_bytes: refuse input files larger than this.
    :param focus: run the statistical pipeline only on sentences with deal cues (True),
        on everything (False), or decide per document by its length (None).
    :param workers: extraction processes; any number gives the same graph.
    :param scheduler: extract on the Dask cluster whose scheduler is at this address
        (``tcp://HOST:8786``) instead of local processes; the same graph again.
    :raises OptionsError: for a value out of range.
    """

    model: str | None = None
    strict: bool = False
    max_bytes: int = 20_000_000
    focus: bool | None = None
    workers: int = 1
    scheduler: str | None = None

    def __post_init__(self) -> None:
        if self.workers < 1:
            raise OptionsError(f"workers must be at least 1, not {self.workers}")
        if self.max_bytes < 1:
            raise OptionsError(f"max_bytes must be at least 1, not {self.max_bytes}")


DEFAULTS = BuildOptions()
"""The options of a plain ``kg build``."""


MAP_MAX_DOCUMENTS = 1000
"""Above this many documents ``kg build`` writes no map unless asked to (``--html``): a map
of a larger graph is slow to write and to open, and kg.ttl holds the same facts."""
