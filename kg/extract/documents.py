"""Stage 2, extract, for a batch of documents: NLP, then organisations, then agreements.

Organisation keys are per document here; :mod:`kg.resolve` unifies them across documents.
:mod:`kg.extract.parallel` runs the same on several processes.
"""

from __future__ import annotations

from collections.abc import Sequence

from kg.extract.deals import extract_agreements
from kg.extract.nlp import MAX_SENTENCE_CHARS, analyse_many, load_nlp, long_sentences
from kg.extract.orgs import find_organizations
from kg.models import Document, Extraction, Problem
from kg.options import ProgressCallback


def extract_documents(
    documents: Sequence[Document],
    *,
    model: str | None = None,
    progress: ProgressCallback | None = None,
    focus: bool | None = None,
) -> tuple[list[Extraction], int]:
    """Run NLP and the extractors over *documents*; returns extractions and token count.

    Organisation keys are per document here; :func:`kg.resolve.resolve_extractions` unifies them.
    """
    nlp = load_nlp(model)
    results: list[Extraction] = []
    tokens = 0
    for index, (document, doc) in enumerate(
        zip(documents, analyse_many(nlp, (d.text for d in documents), focus=focus), strict=True)
    ):
        findings = find_organizations(doc, document)
        agreements = extract_agreements(doc, document, findings, nlp)
        tokens += len(doc)
        results.append(
            Extraction(
                document=document,
                organizations=findings.organizations,
                products=findings.products,
                agreements=agreements,
                tokens=len(doc),
            )
        )
        if progress is not None:
            progress(index + 1, len(documents))
    return results, tokens


def long_sentence_warning(document: Document) -> Problem | None:
    """The warning for a document with sentences too long for the model whole (they are
    cut, see :data:`kg.extract.nlp.MAX_SENTENCE_CHARS`), or None."""
    lengths = long_sentences(document.text)
    if not lengths:
        return None
    many = f"{len(lengths)} sentences of up to" if len(lengths) > 1 else "a sentence of"
    return Problem(
        document.source,
        f"{many} {max(lengths):,} characters cut into pieces of at most "
        f"{MAX_SENTENCE_CHARS:,} for the model (facts across a cut may be missed)",
    )
