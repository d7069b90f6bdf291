"""The one loader of rule files: :func:`load_rules` (``kg/extract/patterns/``).

Rules are data in two shapes. A ``.jsonl`` file is JSON Lines of spaCy patterns: one
object per line (``label`` and ``pattern``), blank lines and lines starting with ``//``
ignored. A ``.json`` file is one object of named cue lists, tables and regexes. Either
way a mistake raises :class:`kg.errors.PatternError` naming the file and the line or
key, so a typo in a rule never fails silently at match time.

A token test may name a word list instead of spelling it out, ``{"TEXT": {"IN":
"@name_descriptors"}}``: the list of that name in the word lists the caller passes (one
vocabulary kept in one JSON file, used by code and rules alike).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import PatternError

PATTERNS_DIR = Path(__file__).parent / "patterns"

# A token pattern is a list of dicts of attribute tests; a phrase pattern a string.
_TOKEN_ATTRS = frozenset(
    {
        "ORTH", "TEXT", "LOWER", "NORM", "LENGTH", "IS_ALPHA", "IS_ASCII", "IS_DIGIT",
        "IS_LOWER", "IS_UPPER", "IS_TITLE", "IS_PUNCT", "IS_SPACE", "IS_STOP",
        "IS_SENT_START", "LIKE_NUM", "LIKE_URL", "LIKE_EMAIL", "SPACY", "POS", "TAG",
        "MORPH", "DEP", "LEMMA", "SHAPE", "ENT_TYPE", "ENT_IOB", "ENT_ID", "ENT_KB_ID",
        "SENT_START", "OP", "_", "PREFIX", "SUFFIX",
    }
)  # fmt: skip
_OPS = re.compile(r"[!?+*]|\{\d*,?\d*\}")


def _load_patterns(
    path: str | Path,
    required_keys: Sequence[str] = ("label", "pattern"),
    word_lists: Mapping[str, Sequence[str]] | None = None,
) -> list[dict[str, Any]]:
    """Read and validate the JSONL rule file at *path*.

    :param required_keys: keys every line must have; ``pattern`` (when required) must be
        a non-empty string or a non-empty list of token dicts, ``label`` and ``id`` strings.
    :param word_lists: the lists ``"@name"`` references in ``IN``/``NOT_IN`` tests name.
    :raises PatternError: the file is missing or a line is malformed (file and line named),
        or it names a word list that does not exist.
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise PatternError(f"{path}: cannot read rule file ({exc.strerror})") from exc
    rules: list[dict[str, Any]] = []
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("//"):
            continue
        rules.append(_parse_line(stripped, path, number, required_keys, word_lists or {}))
    return rules


def _parse_line(
    line: str,
    path: Path,
    number: int,
    required_keys: Sequence[str],
    word_lists: Mapping[str, Sequence[str]],
) -> dict[str, Any]:
    where = f"{path}:{number}"
    try:
        rule = json.loads(line)
    except json.JSONDecodeError as exc:
        raise PatternError(f"{where}: not valid JSON ({exc.msg}); fix the line") from exc
    if not isinstance(rule, dict):
        raise PatternError(f"{where}: expected a JSON object per line")
    missing = [key for key in required_keys if key not in rule]
    if missing:
        raise PatternError(f"{where}: missing key(s) {', '.join(missing)}")
    for key in ("label", "id"):
        if key in rule and (not isinstance(rule[key], str) or not rule[key]):
            raise PatternError(f"{where}: {key!r} must be a non-empty string")
    if "pattern" in rule:
        problem = _pattern_problem(rule["pattern"]) or _expand_word_lists(rule, word_lists)
        if problem:
            raise PatternError(f"{where}: {problem}")
    return rule


def _expand_word_lists(rule: dict[str, Any], word_lists: Mapping[str, Sequence[str]]) -> str | None:
    """Replace ``"@name"`` in the ``IN``/``NOT_IN`` tests of *rule*'s tokens by the named
    list; why not, when a name is unknown."""
    if not isinstance(rule["pattern"], list):
        return None
    for index, token in enumerate(rule["pattern"]):
        for attr, test in token.items():
            if not isinstance(test, dict):
                continue
            for op in ("IN", "NOT_IN"):
                value = test.get(op)
                if isinstance(value, str) and value.startswith("@"):
                    words = word_lists.get(value[1:])
                    if words is None:
                        return f"token {index} {attr} {op} names an unknown word list {value!r}"
                    test[op] = list(words)
    return None


def _pattern_problem(pattern: object) -> str | None:
    """Why *pattern* is not a valid phrase or token pattern, or None when it is."""
    if isinstance(pattern, str):
        return None if pattern.strip() else "'pattern' is an empty string"
    if not isinstance(pattern, list) or not pattern:
        return "'pattern' must be a non-empty string or a non-empty list of token dicts"
    for index, token in enumerate(pattern):
        if not isinstance(token, dict):
            return f"token {index} of 'pattern' is not an object"
        unknown = sorted(set(token) - _TOKEN_ATTRS)
        if unknown:
            return f"token {index} has unknown attribute(s) {', '.join(unknown)}"
        if "OP" in token and not _OPS.fullmatch(str(token["OP"])):
            return f"token {index} has unknown OP {token['OP']!r}"
    return None


def _load_json(path: Path) -> dict[str, Any]:
    """The one loader of JSON rule files (cue lists, currency tables): a JSON object.

    :raises PatternError: the file is missing, not JSON, or not an object; the message
        names the file (and line for a syntax error).
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PatternError(f"{path}: cannot read rule file ({exc.strerror})") from exc
    except json.JSONDecodeError as exc:
        raise PatternError(f"{path}: not valid JSON ({exc.msg}, line {exc.lineno})") from exc
    if not isinstance(data, dict):
        raise PatternError(f"{path}: expected a JSON object")
    return data


@dataclass(frozen=True)
class Rules:
    """A loaded, validated rule file: spaCy ``patterns`` (a ``.jsonl`` file) or ``data``
    (a ``.json`` object), with typed access to its parts."""

    path: Path
    patterns: tuple[dict[str, Any], ...] = ()
    data: Mapping[str, Any] = field(default_factory=dict)

    @property
    def labels(self) -> frozenset[str]:
        """The labels the patterns use."""
        return frozenset(str(rule["label"]) for rule in self.patterns)

    def _get(self, key: str) -> Any:
        if key not in self.data:
            raise PatternError(f"{self.path}: no key {key!r}; add it to the file")
        return self.data[key]

    def words(self, key: str) -> frozenset[str]:
        """The list of words under *key*, as a set."""
        value = self._get(key)
        if not isinstance(value, list) or not all(isinstance(w, str) for w in value):
            raise PatternError(f"{self.path}: {key!r} must be a list of strings")
        return frozenset(value)

    def word_lists(self) -> dict[str, list[str]]:
        """The entries that are lists of words, by name: what ``"@name"`` in a JSONL rule
        refers to.

        :raises PatternError: for a list that holds anything but strings.
        """
        lists: dict[str, list[str]] = {}
        for name, value in self.data.items():
            if not isinstance(value, list):
                continue
            if not all(isinstance(word, str) for word in value):
                raise PatternError(f"{self.path}: word list {name!r} must hold strings only")
            lists[name] = value
        return lists

    def table(self, key: str) -> Mapping[str, Any]:
        """The object under *key*."""
        value = self._get(key)
        if not isinstance(value, dict):
            raise PatternError(f"{self.path}: {key!r} must be an object")
        return value

    def regex(self, key: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
        """The regex under *key*: a string, or a list of alternatives joined by ``|``."""
        value = self._get(key)
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = "|".join(f"(?:{v})" for v in value)
        if not isinstance(value, str):
            raise PatternError(f"{self.path}: {key!r} must be a regex string or a list of them")
        try:
            return re.compile(value, flags)
        except re.error as exc:
            raise PatternError(f"{self.path}: {key!r} is not a valid regex ({exc})") from exc


def load_rules(
    name: str | Path,
    *,
    required_keys: Sequence[str] = ("label", "pattern"),
    word_lists: Mapping[str, Sequence[str]] | None = None,
) -> Rules:
    """Load and validate the rule file *name*: an absolute path, or a path inside
    :data:`PATTERNS_DIR` (``"deals.jsonl"``, ``"amounts.json"``, ``"deals/cues.json"``).

    :param required_keys: for a ``.jsonl`` file, the keys every line must have.
    :param word_lists: for a ``.jsonl`` file, the lists its ``"@name"`` tests name
        (``load_rules("non_organizations.json").word_lists()``).
    :raises PatternError: the file is missing, malformed, or of another kind.
    """
    path = Path(name)
    if not path.is_absolute():
        path = PATTERNS_DIR / path
    if path.suffix == ".jsonl":
        return Rules(path, patterns=tuple(_load_patterns(path, required_keys, word_lists)))
    if path.suffix == ".json":
        return Rules(path, data=_load_json(path))
    raise PatternError(f"{path}: a rule file is .jsonl (patterns) or .json (cue lists)")
