"""Organisations and products of one analysed document.

Recognition combines the statistical NER (``ORG``, and ``PERSON``/``GPE``/``PRODUCT``…
misfires when the text gives organisation evidence) with the rule spans of
``kg/patterns/organizations.jsonl`` (legal suffixes, organisation head nouns, news
sources). Word lists live in ``kg/patterns/non_organizations.json``: nothing here
names a company.

Resolution rule (one node per company):

* mentions with the same *core* (lower case, possessive and legal suffix removed,
  punctuation ignored) are one organisation: "Acme Corp." = "Acme" = "ACME";
* an acronym or ticker in brackets right after a name ("Widget Works Ltd (WWL)")
  and an all-caps word equal to the initials of exactly one multi-word name are aliases;
* a shorter name that is the first or last word(s) of exactly one longer name
  mentioned *before* it is a second mention of it ("Borealis" after "Borealis
  Therapeutics"); a longer name mentioned *after* the short one, whose extra words end
  in a unit head ("Acme Cloud", "Acme LP", "Acme Foundation") is a distinct unit whose
  ``parent`` is the short one; with any other extra word ("Acme Widget") it is a product
  of the short one;
* the canonical name is the longest surface form (most words, then most characters,
  then earliest) without leading article, possessive or legal suffix; the key is its slug.
"""

from __future__ import annotations

from spacy.tokens import Doc

from kg.extract.orgs.classify import classify, split_products
from kg.extract.orgs.findings import OrgFindings
from kg.extract.orgs.layout import attributed_ranges, blocked_ranges
from kg.extract.orgs.lexicon import Lexicon, lexicon
from kg.extract.orgs.names import canonical_name, core
from kg.extract.orgs.recognise import candidates
from kg.extract.orgs.resolve import bare_names, resolve
from kg.models import Document

__all__ = ["Lexicon", "OrgFindings", "canonical_name", "core", "find_organizations", "lexicon"]


def find_organizations(doc: Doc, document: Document) -> OrgFindings:
    """The organisations and products that *doc* (the analysis of *document*) names."""
    lex = lexicon()
    blocked = blocked_ranges(doc, document.text)
    cands = candidates(doc, document.text, blocked, lex)
    orgs, products, decision = classify(cands, doc, lex)
    orgs, more_products = split_products(orgs, decision, lex)
    attributed = attributed_ranges(doc)
    return resolve(
        orgs, products + more_products, document, blocked, attributed, lex, bare_names(doc)
    )
