"""The one place data IRIs are minted: ``iri_for(kind, key)``.

IRIs are built only from safe slugs (never raw text), so they are stable across runs
and machines and can never break the Turtle they are written into.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from rdflib import URIRef

from kg.rdf.vocab import ID

KINDS = frozenset(
    {"org", "product", "doc", "agreement", "clause", "amount", "mention", "run", "graph", "stated"}
)
_MAX_SLUG = 60


def slugify(text: str) -> str:
    """A lower-case ASCII slug of *text*: ``"Borealis Widgets & Co."`` → ``"borealis-widgets-co"``.

    Long or non-Latin names get a short content hash so distinct names never collide
    on an empty or truncated slug.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if not slug or len(slug) > _MAX_SLUG or len(slug) < len(text.strip()) // 3:
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]
        slug = f"{slug[:_MAX_SLUG].rstrip('-')}-{digest}" if slug else digest
    return slug


def iri_for(kind: str, key: str) -> URIRef:
    """The IRI of a *kind* of node (``org``, ``agreement``, …) with slug-safe *key*.

    :raises ValueError: for an unknown kind or a key that is not a slug.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown IRI kind {kind!r}; expected one of {sorted(KINDS)}")
    if not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", key):
        raise ValueError(f"IRI key {key!r} is not a slug; pass it through slugify() first")
    return ID[f"{kind}-{key}"]
