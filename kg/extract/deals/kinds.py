"""Kinds of deal: the order in which a frame's type is chosen, the kinds that never merge,
the words that name an agreement, and how an agreement's status and name are stated."""

from __future__ import annotations

import re

from kg.rdf.types import (
    clause_amount_kinds,
    clauses_owed_by,
    kept_apart_types,
    party_roles,
    payee_roles,
    payer_roles,
    roles_of_each_party,
    type_priority,
)

# Order in which a frame's subject-matter type is chosen when several triggers fire.
TYPE_PRIORITY = type_priority()
# What an amount in a sentence that does not itself state the deal must be to count as
# one of the deal's amounts.
DEAL_AMOUNT_KINDS = frozenset(
    {"investment", "upfront", "milestone", "deal_value", "purchase_commitment", "termination_fee"}
)


# Words that make a purchase or spending commitment one for cloud or compute capacity.
COMPUTE_WORDS = re.compile(
    r"\b(cloud|compute|computing|data ?cent(er|re)s?|gpus?|chips?|supercomput\w*|servers?|"
    r"capacity|gigawatts?|infrastructure)\b",
    re.I,
)


# Kinds of deal that are never merged into an agreement of another kind.
STRONG_TYPES = kept_apart_types() | {"mou"}
# The roles of the parties named before and after the deal word, by kind of deal; the
# role every party of a joint venture has; the roles that pay and are paid.
ROLE_NAMES = party_roles()
EACH_PARTY_ROLE = roles_of_each_party()
PAYER_ROLES, PAYEE_ROLES = payer_roles(), payee_roles()
# What amount a money clause is about, and whose obligation each clause is.
CLAUSE_AMOUNT_KINDS = clause_amount_kinds()
OWED_BY = clauses_owed_by()


# Nouns that make "extend"/"expand"/"amend" mean a change to an agreement.
AGREEMENT_NOUNS = frozenset(
    {
        "partnership",
        "agreement",
        "deal",
        "contract",
        "relationship",
        "collaboration",
        "term",
        "terms",
        "pact",
        "alliance",
        "license",
        "licence",
        "arrangement",
        "accord",
        "supply",
        "venture",
    }
)


STATUS_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "terminated",
        re.compile(r"\b(terminat\w+|called off|scrapped|abandoned|walked away)\b", re.I),
    ),
    ("non-binding", re.compile(r"\bnon-?binding\b", re.I)),
    ("completed", re.compile(r"\b(completed|closed|finali[sz]ed)\b", re.I)),
    ("signed", re.compile(r"\b(signed|inked|entered into|struck|sealed)\b", re.I)),
    ("reported", re.compile(r"\b(reportedly|according to|people familiar|sources said)\b", re.I)),
    (
        "proposed",
        re.compile(r"\b(in talks|plans? to|proposed|would|considering|exploring)\b", re.I),
    ),
)


def agreement_status(text: str, form: str | None) -> str:
    if form == "mou" and re.search(r"\bnon-?binding\b", text, re.I):
        return "non-binding"
    for status, pattern in STATUS_CUES:
        if pattern.search(text):
            return status
    return "announced"


def agreement_name(types: tuple[str, ...], form: str | None, parties: tuple[str, ...]) -> str:
    kind = {"mou": "memorandum of understanding", "amendment": "amendment"}.get(
        form or "", types[0].replace("_", " ") if types else "agreement"
    )
    return f"{kind} between {' and '.join(parties)}"
