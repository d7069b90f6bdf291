"""Token patterns matched through a truth table instead of spaCy's Matcher.

spaCy's Matcher walks every pattern over every token and calls a Python predicate for
each ``IN``/``NOT_IN``/``REGEX`` test it meets (making a ``Token`` object each time): about
30 ms per 1,000 tokens for the deal, clause and background rules, half of their cost.
:class:`TokenPatterns` finds the same matches in two steps:

1. **A truth table.** Every distinct token test of the patterns (a conjunction of attribute
   tests, ``{"LEMMA": {"IN": [...]}, "POS": "VERB"}``) is a column; one pass of numpy per
   attribute over ``doc.to_array`` says, for every token, which columns it passes. Values
   a test names are looked up in a sorted array; every other value shares one row.
2. **Candidates, then a small automaton.** A pattern can only start on a token that passes
   one of the tests able to take a match's first token, so only those (token, pattern)
   pairs, found in one numpy step, run the pattern's automaton in Python.

The matches are the Matcher's: every ``(label, start, end)`` such that the tokens from
*start* to *end* (at least one) fit the pattern, each once per label however many patterns
or paths reach it. They come ordered by end, then start, then the first pattern of the
label that reached them, which is close to the Matcher's own order (it reports a match when
its last token is read, older starts first); the callers do not depend on the order.

Patterns whose tests the table cannot express (extension attributes, ``MORPH``, set
comparisons, fuzzy matching, numeric comparisons) raise :class:`UnsupportedPattern`, and
:func:`kg.extract.deals.matching.matcher_of` keeps spaCy's Matcher for that file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy
from spacy.attrs import ENT_IOB, IDS, SENT_START
from spacy.schemas import validate_token_pattern
from spacy.strings import get_string_id
from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

__all__ = ["TokenPatterns", "UnsupportedPattern"]


class UnsupportedPattern(ValueError):
    """A pattern uses a test the truth table does not hold; spaCy's Matcher must run it."""


# Attributes whose values are strings in the vocab, so that a REGEX can read them.
_TEXT_ATTRS = frozenset(
    IDS[name]
    for name in (
        "ORTH", "LOWER", "NORM", "LEMMA", "SHAPE", "PREFIX", "SUFFIX", "TAG", "POS", "DEP",
        "ENT_TYPE", "ENT_ID", "ENT_KB_ID",
    )
)  # fmt: skip
_UNSUPPORTED_ATTRS = frozenset({"_", "MORPH"})
_SET_TESTS = ("IN", "NOT_IN")


@dataclass(frozen=True)
class _Test:
    """One attribute test: the value is (or is not) one of *values*, or matches *regex*."""

    attr: int
    values: frozenset[int] = frozenset()
    negated: bool = False
    regex: str | None = None


_Spec = tuple[_Test, ...]  # every test of one token dict: a column of the table


@dataclass(frozen=True)
class _Step:
    """One element of a pattern's automaton: the column it reads and how often."""

    column: int
    repeats: bool  # "*" (and the tail of "+", "{n,}"): any number of tokens
    optional: bool  # "?", "*", the optional part of "{n,m}"


@dataclass(frozen=True)
class _Pattern:
    label: str
    rank: int  # the order of its label's first pattern: ties in the output order
    steps: tuple[_Step, ...]
    closures: tuple[tuple[int, ...], ...]  # per step (and the end): steps reachable by skipping


# ------------------------------------------------------------------------- compiling


def _attr_id(name: str) -> int:
    upper = name.upper()
    if upper in _UNSUPPORTED_ATTRS:
        raise UnsupportedPattern(f"the attribute {name!r}")
    upper = {"TEXT": "ORTH", "IS_SENT_START": "SENT_START"}.get(upper, upper)
    if upper not in IDS:
        raise UnsupportedPattern(f"the unknown attribute {name!r}")
    return int(IDS[upper])


def _native_value(attr: int, value: object, vocab: Vocab) -> int:
    """The number spaCy's Matcher compares a plain ``{"ATTR": value}`` test with."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        if attr == ENT_IOB and value in Token.iob_strings():
            return Token.iob_strings().index(value)
        return int(vocab.strings.add(value))
    raise UnsupportedPattern(f"the value {value!r}")


def _tests_of(token: Mapping[str, Any], vocab: Vocab) -> _Spec:
    tests: list[_Test] = []
    for name, value in token.items():
        if name.upper() == "OP":
            continue
        attr = _attr_id(name)
        if not isinstance(value, dict):
            tests.append(_Test(attr, frozenset({_native_value(attr, value, vocab)})))
            continue
        for operator, operand in value.items():
            operator = operator.upper()
            if operator in _SET_TESTS and isinstance(operand, list):
                values = frozenset(int(get_string_id(v)) for v in operand)
                tests.append(_Test(attr, values, negated=operator == "NOT_IN"))
            elif operator == "REGEX" and isinstance(operand, str) and attr in _TEXT_ATTRS:
                tests.append(_Test(attr, regex=operand))
            else:
                raise UnsupportedPattern(f"the test {operator} {operand!r} on {name}")
    return tuple(sorted(tests, key=repr))


_ONE, _MAYBE, _ANY, _NOT = "1", "?", "*", "!"


def _quantifiers(op: str) -> tuple[str, ...]:
    """The elements an ``OP`` stands for, as spaCy's Matcher unfolds it."""
    simple = {"1": (_ONE,), "?": (_MAYBE,), "*": (_ANY,), "+": (_ONE, _ANY), "!": (_NOT,)}
    if op in simple:
        return simple[op]
    bounds = re.fullmatch(r"\{(\d*)(,?)(\d*)\}", op)
    if bounds is None or not (bounds[1] or bounds[3]):
        raise UnsupportedPattern(f"the OP {op!r}")
    low = int(bounds[1] or 0)
    if not bounds[2]:
        return (_ONE,) * low
    if not bounds[3]:
        return (_ONE,) * low + (_ANY,)
    high = int(bounds[3])
    if high < low:
        raise UnsupportedPattern(f"the OP {op!r}")
    return (_ONE,) * low + (_MAYBE,) * (high - low)


def _closures(steps: Sequence[_Step]) -> tuple[tuple[int, ...], ...]:
    """For each step index (and the end, ``len(steps)``), the indices reached from it
    by skipping optional steps, itself included."""
    reach: list[tuple[int, ...]] = [(len(steps),)]
    for index in range(len(steps) - 1, -1, -1):
        skipped = reach[0] if steps[index].optional else ()
        reach.insert(0, (index, *skipped))
    return tuple(reach)


class TokenPatterns:
    """Labelled token patterns (spaCy's Matcher syntax) compiled into a truth table.

    :raises UnsupportedPattern: from :meth:`add`, for a test the table cannot hold.
    :raises ValueError: from :meth:`add`, for a pattern spaCy's schema rejects.
    """

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self._specs: dict[_Spec, int] = {}
        self._patterns: list[_Pattern] = []
        self._ranks: dict[str, int] = {}
        self._compiled: _Table | None = None

    def add(self, label: str, patterns: Iterable[Sequence[Mapping[str, Any]]]) -> None:
        for pattern in patterns:
            problems = validate_token_pattern(list(pattern))
            if problems:
                raise ValueError(f"pattern for {label!r}: {'; '.join(map(str, problems))}")
            steps: list[_Step] = []
            for token in pattern:
                column = self._specs.setdefault(_tests_of(token, self.vocab), len(self._specs))
                for quantifier in _quantifiers(str(token.get("OP", "1"))):
                    # a "!" token reads the negated column, placed after the plain ones
                    negated = quantifier == _NOT
                    steps.append(
                        _Step(-1 - column if negated else column, quantifier == _ANY,
                              quantifier in (_MAYBE, _ANY))
                    )  # fmt: skip
            if not steps:
                continue  # "{0}" everywhere: matches nothing
            rank = self._ranks.setdefault(label, len(self._ranks))
            self._patterns.append(_Pattern(label, rank, tuple(steps), _closures(steps)))
            self._compiled = None

    def __len__(self) -> int:
        return len(self._patterns)

    def __call__(self, doc: Doc) -> list[tuple[str, int, int]]:
        """Every ``(label, start, end)`` of the patterns in *doc* (see the module)."""
        if self._compiled is None:
            self._compiled = _Table(self.vocab, list(self._specs), self._patterns)
        return self._compiled.matches(doc)


# ------------------------------------------------------------------------- matching


class _Column:
    """The tests of one attribute, for every column: a row per value they name."""

    def __init__(self, attr: int, specs: Sequence[_Spec], vocab: Vocab) -> None:
        self.attr = attr
        tests = [[t for t in spec if t.attr == attr] for spec in specs]
        named = sorted({v for spec in tests for t in spec for v in t.values})
        self.keys = numpy.array(named, dtype="uint64")
        rows = [*named, None]  # None: any value no test names
        self.table = numpy.array(
            [[all(_passes(t, value) for t in spec if t.regex is None) for spec in tests]
             for value in rows],
            dtype=bool,
        )  # fmt: skip
        self.regexes = [
            (index, re.compile(t.regex))
            for index, spec in enumerate(tests)
            for t in spec
            if t.regex is not None
        ]
        self.strings = vocab.strings
        self._regex_cache: dict[int, tuple[bool, ...]] = {}

    def passes(self, values: numpy.ndarray[Any, Any]) -> numpy.ndarray[Any, Any]:
        """(tokens × columns) booleans: each token's value passes the column's tests."""
        if self.attr == SENT_START:
            values = (values == 1).astype("uint64")  # what the Matcher reads: a boolean
        where = numpy.searchsorted(self.keys, values)
        if len(self.keys):
            clipped = numpy.minimum(where, len(self.keys) - 1)
            where[self.keys[clipped] != values] = len(self.keys)
        passed = self.table[where]
        if self.regexes:
            passed &= self._regex_rows(values)
        return passed

    def _regex_rows(self, values: numpy.ndarray[Any, Any]) -> numpy.ndarray[Any, Any]:
        cache = self._regex_cache
        if len(cache) > 100_000:  # the vocabulary grows with the corpus; so would this
            cache.clear()
        found = []
        for value in values.tolist():
            results = cache.get(value)
            if results is None:
                text = self.strings[value] if value in self.strings else ""
                results = tuple(regex.search(text) is not None for _, regex in self.regexes)
                cache[value] = results
            found.append(results)
        table = numpy.array(found, dtype=bool).reshape(len(values), len(self.regexes))
        rows = numpy.ones((len(values), self.table.shape[1]), dtype=bool)
        # several regexes in one token dict: all of them must pass
        for position, (column, _) in enumerate(self.regexes):
            rows[:, column] &= table[:, position]
        return rows


def _passes(test: _Test, value: int | None) -> bool:
    inside = value is not None and value in test.values
    return inside != test.negated


class _Table:
    """The compiled form of a :class:`TokenPatterns`: its columns and candidate steps."""

    def __init__(self, vocab: Vocab, specs: list[_Spec], patterns: list[_Pattern]) -> None:
        attrs = sorted({t.attr for spec in specs for t in spec})
        self.attrs: list[int | str] = list(attrs)
        self.columns = [_Column(attr, specs, vocab) for attr in attrs]
        self.width = len(specs)
        self.negates = any(step.column < 0 for p in patterns for step in p.steps)
        self.patterns = patterns
        # Every step that can read a match's first token, with the columns the token after
        # it must pass for the match to go on (none when the match may end there).
        firsts: list[tuple[int, int, tuple[int, ...] | None]] = []
        for number, pattern in enumerate(patterns):
            for index in pattern.closures[0]:
                if index < len(pattern.steps):
                    firsts.append((number, self._index(pattern.steps[index].column),
                                   self._next_columns(pattern, index)))  # fmt: skip
        self.first_patterns = numpy.array([f[0] for f in firsts], dtype="int64")
        self.first_columns = numpy.array([f[1] for f in firsts], dtype="int64")
        # the next token's columns, padded with the "never" column; "always" for none
        always, never = self.table_width, self.table_width + 1
        widest = max((len(f[2]) for f in firsts if f[2] is not None), default=1)
        self.next_columns = numpy.array(
            [[always] + [never] * (widest - 1) if f[2] is None
             else [*f[2], *[never] * (widest - len(f[2]))] for f in firsts],
            dtype="int64",
        ).reshape(len(firsts), widest)  # fmt: skip

    @property
    def table_width(self) -> int:
        return self.width * 2 if self.negates else self.width

    def _index(self, column: int) -> int:
        """Where a step's column sits in the table: negated ones after the plain ones."""
        return column if column >= 0 else self.width + (-1 - column)

    def _next_columns(self, pattern: _Pattern, index: int) -> tuple[int, ...] | None:
        step = pattern.steps[index]
        following = [*((index,) if step.repeats else ()), *pattern.closures[index + 1]]
        if len(pattern.steps) in following:
            return None  # the match may end on this token: nothing to ask of the next
        return tuple(sorted({self._index(pattern.steps[i].column) for i in following}))

    def truth(self, doc: Doc) -> numpy.ndarray[Any, Any]:
        """(tokens × columns): every column's result for every token (then, when a pattern
        has a "!" token, every column's negation)."""
        passed = numpy.ones((len(doc), self.width), dtype=bool)
        if self.attrs:
            values = doc.to_array(self.attrs).reshape(len(doc), len(self.attrs))
            for index, column in enumerate(self.columns):
                passed &= column.passes(values[:, index].astype("uint64"))
        return numpy.concatenate([passed, ~passed], axis=1) if self.negates else passed

    def candidates(self, truth: numpy.ndarray[Any, Any]) -> tuple[list[int], list[int]]:
        """(starts, patterns): where a pattern's first token and the one after it pass."""
        length = len(truth)
        # a row after the last token passes nothing; the "always" and "never" columns
        padded = numpy.zeros((length + 1, self.table_width + 2), dtype=bool)
        padded[:length, : self.table_width] = truth
        padded[:, self.table_width] = True
        first = truth[:, self.first_columns]
        second = padded[1:, :][:, self.next_columns].any(axis=2)
        positions, which = numpy.nonzero(first & second)
        return positions.tolist(), self.first_patterns[which].tolist()

    def matches(self, doc: Doc) -> list[tuple[str, int, int]]:
        if not len(doc) or not self.patterns:
            return []
        truth = self.truth(doc)
        starts, numbers = self.candidates(truth)
        found: dict[tuple[str, int, int], tuple[int, int, int]] = {}
        rows = truth.tolist()
        length = len(doc)
        tried: set[tuple[int, int]] = set()
        for start, number in zip(starts, numbers, strict=True):
            if (start, number) in tried:
                continue  # two first steps of one pattern passed on this token
            tried.add((start, number))
            pattern = self.patterns[number]
            for end in _ends(pattern, rows, start, length, self.width):
                key = (pattern.label, start, end)
                order = (end, start, pattern.rank)
                if key not in found or order < found[key]:
                    found[key] = order
        return sorted(found, key=found.__getitem__)


def _ends(
    pattern: _Pattern, rows: list[list[bool]], start: int, length: int, width: int
) -> list[int]:
    """Every end of a match of *pattern* from *start*: an automaton over the steps."""
    steps, closures = pattern.steps, pattern.closures
    final = len(steps)
    states = set(closures[0])
    ends: list[int] = []
    for position in range(start, length):
        row = rows[position]
        after: set[int] = set()
        for index in states:
            if index == final:
                continue
            step = steps[index]
            column = step.column if step.column >= 0 else width + (-1 - step.column)
            if row[column]:
                if step.repeats:
                    after.update(closures[index])
                after.update(closures[index + 1])
        if not after:
            break
        if final in after:
            ends.append(position + 1)
        states = after
    return ends
