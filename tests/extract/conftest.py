"""Helpers shared by the extract tests."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pytest
from spacy.language import Language

from kg.extract.nlp import analyse, load_nlp
from kg.extract.orgs import OrgFindings, find_organizations
from kg.models import Document, Organization

CheckOrgs = Callable[..., dict[str, Organization]]


@pytest.fixture(scope="session")
def org_nlp() -> Language:
    return load_nlp()


def find_orgs(nlp: Language, text: str) -> OrgFindings:
    """The organisation findings of *text*, with every mention checked to quote it."""
    document = Document(id="doc-1", text=text, source="test.txt")
    findings = find_organizations(analyse(nlp, text), document)
    for org in findings.organizations:
        for mention in org.mentions:
            assert text[mention.span.start : mention.span.end] == mention.text
            assert mention.span.text == mention.text
    for product in findings.products:
        for span in product.mentions:
            assert text[span.start : span.end] == span.text
    return findings


@pytest.fixture()
def orgs_in(org_nlp: Language) -> Callable[[str], OrgFindings]:
    """``orgs_in(text)``: the organisation findings of *text* (see :func:`find_orgs`)."""
    return lambda text: find_orgs(org_nlp, text)


@pytest.fixture()
def check_orgs(org_nlp: Language) -> CheckOrgs:
    """``check_orgs(text, keys, aliases=(), parents=())``: *text* names exactly the
    organisations *keys*, with these (key, alias) and (key, parent key) pairs; returns
    them by key for further checks."""

    def check(
        text: str,
        keys: Iterable[str],
        aliases: Iterable[tuple[str, str]] = (),
        parents: Iterable[tuple[str, str]] = (),
    ) -> dict[str, Organization]:
        by_key = {org.key: org for org in find_orgs(org_nlp, text).organizations}
        assert set(by_key) == set(keys)
        for key, alias in aliases:
            assert alias in by_key[key].aliases
        for key, parent in parents:
            assert by_key[key].parent == parent
        return by_key

    return check
