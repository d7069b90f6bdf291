"""Frozen records passed between the pipeline stages (read → extract → resolve → map)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Document:
    """One article's text and metadata.

    ``id`` is derived from the text's content hash, so the same article read twice,
    even under another file name, is one document.
    """

    id: str
    text: str
    source: str
    title: str | None = None
    url: str | None = None
    publisher: str | None = None
    published: str | None = None  # ISO date (YYYY, YYYY-MM or YYYY-MM-DD) as stated
    retrieved: str | None = None
    language: str | None = None
    part_of: str | None = None  # id of the page document this article was split from
    links: tuple[str, ...] = ()


@dataclass(frozen=True)
class Problem:
    """An input that was skipped, and why."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass(frozen=True)
class BuildReport:
    """What a build read, skipped and produced, and how long it took.

    ``stages`` gives the seconds of each stage that ran (read, extract, resolve, map,
    lineage), in pipeline order; ``seconds`` is the whole build.
    """

    documents: int
    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    tokens: int
    seconds: float
    stages: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class Span:
    """A character range of a document's text, with its exact quote."""

    doc_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class DateValue:
    """A date at the precision the text states: ``iso`` is YYYY, YYYY-MM or YYYY-MM-DD."""

    iso: str
    precision: str  # "year" | "month" | "day"
    role: str = "announced"  # announced | signed | effective | closing | expiry
    inferred: bool = False  # True when taken from the document's date, not the text


@dataclass(frozen=True)
class Amount:
    value: Decimal | None  # None only for sizes in words ("multibillion-dollar")
    currency: str
    text: str
    qualifier: str = "exact"  # exact | approximately | up_to | at_least | unquantified
    kind: str = "other"
    span: Span | None = None


@dataclass(frozen=True)
class OrgMention:
    """A surface form of an organization in a document."""

    text: str
    span: Span


@dataclass(frozen=True)
class Organization:
    """A resolved organization: one canonical name, all its surface forms."""

    key: str  # slug used for the IRI
    name: str
    aliases: tuple[str, ...] = ()
    mentions: tuple[OrgMention, ...] = ()
    parent: str | None = None  # key of a parent organization the text names


@dataclass(frozen=True)
class Product:
    key: str
    name: str
    owner: str | None = None  # organization key
    mentions: tuple[Span, ...] = ()


@dataclass(frozen=True)
class Clause:
    type: str  # the facts name of a clause type (kg.rdf.types)
    evidence: Span
    label: str | None = None  # for type "other": what the condition is
    value: Decimal | None = None  # percentage for stakes and shares
    years: Decimal | None = None  # length of a term ("ten-year contract")
    amount: Amount | None = None
    until: DateValue | None = None
    valid_from: DateValue | None = None
    exclusive: bool | None = None
    negated: bool = False  # "removes revenue sharing": the clause ends
    obligor: str | None = None  # organization key
    beneficiary: str | None = None
    scope: str | None = None


@dataclass(frozen=True)
class Agreement:
    key: str
    types: tuple[str, ...]  # facts names of agreement types (kg.rdf.types), by rank
    parties: tuple[str, ...]  # organization keys
    evidence: tuple[Span, ...]
    form: str | None = None  # "mou" | "definitive" | "amendment" | None
    roles: tuple[tuple[str, str], ...] = ()  # (role, organization key)
    status: str | None = None
    dates: tuple[DateValue, ...] = ()
    amounts: tuple[Amount, ...] = ()
    clauses: tuple[Clause, ...] = ()
    background: bool = False  # mentioned in passing ("following an earlier agreement")
    name: str | None = None
    reported_new: bool = False  # reported as news of the day ("have signed"), kg.extract.tense
    tense: str | None = None  # tense and aspect of its sentence's main verb ("present perfect")


@dataclass(frozen=True)
class Extraction:
    """Everything extracted from one document."""

    document: Document
    organizations: tuple[Organization, ...] = ()
    products: tuple[Product, ...] = ()
    agreements: tuple[Agreement, ...] = ()
    tokens: int = 0
    notes: tuple[str, ...] = field(default=())
