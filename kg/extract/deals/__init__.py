"""Agreements, their parties, roles, status, dates, amounts and clauses.

The extractor works sentence by sentence on a parsed spaCy ``Doc``:

1. a *deal frame* is a sentence with a deal trigger (``patterns/deals.jsonl``) and at
   least two organisations;
2. frames about the same parties (and not about different years or different kinds of
   deal) are grouped into one agreement; several deals in one article stay several;
3. sentences without two organisations but with clause cues or amounts add their
   terms to the agreement discussed just before them;
4. clauses come from ``patterns/clauses.jsonl``; amounts and dates from
   :mod:`kg.extract.amounts` and :mod:`kg.extract.dates`.

The package follows those steps: :mod:`.frames` (triggers and kinds), :mod:`.parties`,
:mod:`.grouping`, :mod:`.clauses`, :mod:`.money`, :mod:`.dating`, :mod:`.background`
(agreements named in passing) and :mod:`.build` (one agreement from its sentences), composed
by :mod:`.extract`.

Every record carries the exact sentence it came from (character offsets into the
document's text).
"""

from kg.extract.deals.extract import extract_agreements

__all__ = ["extract_agreements"]
