"""In how many articles does each deal, clause and background rule fire? (not a test)

    .venv/bin/python bench/rule_fires.py ../shared/corpus/dev            # rules firing in 0 or 1 article
    .venv/bin/python bench/rule_fires.py ../shared/corpus/dev --all      # every rule with its count

A rule that fires in exactly one article of a corpus is a paraphrase of one sentence, not a
general mechanism (see the developers' guide). Two kinds of rule are counted:

* every token pattern of ``kg/patterns/deals.jsonl``, ``clauses.jsonl`` and
  ``background.jsonl``, matched over the documents as the extractor parses them;
* every regular expression the deal extractor uses (``kg/extract/patterns/deal_lexicon.json``,
  or compiled in its modules), counted when a call during extraction returns a match.

Articles are the input files; the output lists ``count  rule`` lines, fewest first.
"""

from __future__ import annotations

import argparse
import inspect
import re
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

from spacy.matcher import Matcher

import kg.extract.documents
from kg.extract import deals as deals_package
from kg.extract.deals.lexicon import lexicon
from kg.extract.nlp import load_nlp
from kg.extract.rules import load_rules
from kg.read.documents import read_documents

RULE_FILES = ("deals.jsonl", "clauses.jsonl", "background.jsonl")
_CURRENT: list[str] = [""]


class _Recording:
    """A compiled pattern that notes the article it matched in, then answers as itself."""

    def __init__(self, name: str, pattern: re.Pattern[str], fired: dict[str, set[str]]) -> None:
        self._name, self._pattern, self._fired = name, pattern, fired

    def _note(self, result: Any) -> Any:
        if result:
            self._fired[self._name].add(_CURRENT[0])
        return result

    def search(self, *args: Any, **kwargs: Any) -> Any:
        return self._note(self._pattern.search(*args, **kwargs))

    def match(self, *args: Any, **kwargs: Any) -> Any:
        return self._note(self._pattern.match(*args, **kwargs))

    def fullmatch(self, *args: Any, **kwargs: Any) -> Any:
        return self._note(self._pattern.fullmatch(*args, **kwargs))

    def finditer(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        found = list(self._pattern.finditer(*args, **kwargs))
        self._note(found)
        return iter(found)

    def findall(self, *args: Any, **kwargs: Any) -> Any:
        return self._note(self._pattern.findall(*args, **kwargs))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pattern, name)


def _wrap(value: Any, name: str, fired: dict[str, set[str]], seen: dict[int, Any]) -> Any:
    if isinstance(value, re.Pattern):
        if id(value) not in seen:
            fired.setdefault(name, set())
            seen[id(value)] = _Recording(name, value, fired)
        return seen[id(value)]
    if isinstance(value, tuple):
        return tuple(_wrap(v, f"{name}[{i}]", fired, seen) for i, v in enumerate(value))
    if isinstance(value, dict):
        return {k: _wrap(v, f"{name}[{k}]", fired, seen) for k, v in value.items()}
    return value


def _deal_modules() -> list[ModuleType]:
    return [
        module
        for name, module in sorted(sys.modules.items())
        if name.startswith(deals_package.__name__ + ".") and isinstance(module, ModuleType)
    ]


def _defines(module: ModuleType, attr: str) -> bool:
    source = inspect.getsource(module)
    return re.search(rf"^{re.escape(attr)}\s*[:=]", source, re.M) is not None


def instrument_regexes(fired: dict[str, set[str]]) -> None:
    """Replace the deal extractor's compiled patterns (module constants, tables of them)
    with recording ones; a pattern imported by several modules is one entry, named after
    the module that defines it."""
    seen: dict[int, Any] = {}
    modules = _deal_modules()
    # defining modules first, so each pattern is named where it is written
    ordered = [(m, a) for m in modules for a in vars(m) if _defines(m, a)]
    ordered += [(m, a) for m in modules for a in vars(m) if not _defines(m, a)]
    for module, attr in ordered:
        value = vars(module)[attr]
        if attr.startswith("__") or not isinstance(value, re.Pattern | tuple | dict):
            continue
        short = module.__name__.rsplit(".", 1)[-1]
        setattr(module, attr, _wrap(value, f"{short}.{attr}", fired, seen))
    # the lexicon's regexes: its table is read at every use, so its entries are replaced
    table = lexicon().regexes
    for name, pattern in list(table.items()):
        table[name] = _wrap(pattern, f"lexicon.{name}", fired, seen)


def count_patterns(paths: list[str]) -> tuple[dict[str, set[str]], dict[str, set[str]], int]:
    """Per JSONL rule and per regex, the articles it fires in; and the article count."""
    read = read_documents(paths)
    documents = list(read.documents)
    fired_rules: dict[str, set[str]] = defaultdict(set)
    fired_regexes: dict[str, set[str]] = {}
    instrument_regexes(fired_regexes)
    nlp = load_nlp()
    matcher = Matcher(nlp.vocab, validate=True)
    names: list[str] = []
    for file_name in RULE_FILES:
        for number, rule in enumerate(load_rules(file_name).patterns, start=1):
            key = f"{file_name}#{number:02d} {rule['label']}"
            if "id" in rule:
                key += f" ({rule['id']})"
            names.append(key)
            matcher.add(key, [rule["pattern"]])
            fired_rules.setdefault(key, set())
    original = kg.extract.documents.extract_agreements

    def tracked(doc: Any, document: Any, lookup: Any, nlp_: Any) -> Any:
        _CURRENT[0] = document.source
        for match_id, _, _ in matcher(doc, allow_missing=True):
            fired_rules[nlp.vocab.strings[match_id]].add(document.source)
        return original(doc, document, lookup, nlp_)

    kg.extract.documents.extract_agreements = tracked  # type: ignore[assignment]
    try:
        kg.extract.documents.extract_documents(documents)
    finally:
        kg.extract.documents.extract_agreements = original
    return dict(fired_rules), fired_regexes, len(documents)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("inputs", nargs="+", help="article files or folders (gold files ignored)")
    parser.add_argument("--all", action="store_true", help="list every rule, not only 0 and 1")
    args = parser.parse_args(argv)
    inputs = [str(p) for p in _articles(args.inputs)]
    rules, regexes, total = count_patterns(inputs)
    for title, table in (("token patterns", rules), ("regular expressions", regexes)):
        counts = sorted((len(articles), name) for name, articles in table.items())
        once = sum(1 for n, _ in counts if n == 1)
        never = sum(1 for n, _ in counts if n == 0)
        print(f"== {title}: {len(counts)} in {total} articles; {once} fire in one, {never} in none")
        for count, name in counts:
            if args.all or count <= 1:
                where = ", ".join(sorted(Path(a).stem for a in table[name])) if count == 1 else ""
                print(f"{count:4d}  {name}  {where}")
    return 0


def _articles(inputs: list[str]) -> Iterator[Path]:
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            yield from sorted(p for p in path.glob("*.txt"))
        else:
            yield path


if __name__ == "__main__":
    sys.exit(main())
