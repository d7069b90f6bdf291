"""What organisation recognition hands on: a document's findings, and candidate mentions."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from kg.models import Organization, Product


@dataclass(frozen=True)
class OrgFindings:
    """Organisations, products and sorted ``(start, end, org key)`` mentions of a document.

    ``sources`` holds the keys of organisations named only as the source of the news
    ("Outlet reported"): they are organisations, but never parties to a deal.
    """

    organizations: tuple[Organization, ...] = ()
    products: tuple[Product, ...] = ()
    mentions: tuple[tuple[int, int, str], ...] = ()
    sources: frozenset[str] = field(default_factory=frozenset)
    # where the text names an outlet as its source ("Outlet, citing …", "according to
    # Outlet"): a name there is not a party, whatever its other mentions are
    attributions: tuple[tuple[int, int], ...] = ()

    def orgs_between(self, start: int, end: int) -> list[tuple[int, int, str]]:
        """The organisation mentions lying wholly inside characters ``[start, end)``."""
        low = bisect.bisect_left(self.mentions, (start, -1, ""))
        found = []
        for mention in self.mentions[low:]:
            if mention[0] >= end:
                break
            if mention[1] <= end:
                found.append(mention)
        return found


@dataclass(frozen=True)
class Candidate:
    """A cleaned candidate mention (character offsets into the document text)."""

    start: int
    end: int
    text: str
    # the model's label (ORG, PERSON, GPE …), RULE (a rule span the model left unlabelled),
    # UNLABELLED (a proper noun in a party's place), ALIAS_OF:<core>, OWNED:<core> …
    label: str
    evidence: frozenset[str] = frozenset()  # kinds of kg.extract.orgs.evidence
    attributed: bool = False  # inside "Outlet reported" / "according to Outlet"
