"""Kinds of deal: the order in which a frame's type is chosen, the kinds that never merge,
the words that name an agreement, and how an agreement's status and name are stated."""

from __future__ import annotations

from kg.extract.deals.lexicon import lexicon
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


# The statuses a deal's words give it, in the order they are tried (each a regex of the
# lexicon named "status_<status>").
STATUSES = ("terminated", "non_binding", "completed", "signed", "reported", "proposed")


def agreement_status(text: str, form: str | None) -> str:
    words = lexicon()
    if form == "mou" and words.regex("status_non_binding").search(text):
        return "non-binding"
    for status in STATUSES:
        if words.regex(f"status_{status}").search(text):
            return status.replace("_", "-")
    return "announced"


def agreement_name(types: tuple[str, ...], form: str | None, parties: tuple[str, ...]) -> str:
    kind = {"mou": "memorandum of understanding", "amendment": "amendment"}.get(
        form or "", types[0].replace("_", " ") if types else "agreement"
    )
    return f"{kind} between {' and '.join(parties)}"
