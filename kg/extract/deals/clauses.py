"""The clauses a sentence states (``patterns/clauses.jsonl``) and which of them fit the
agreement they are attached to."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from kg.extract.amounts import (
    AmountMatch,
)
from kg.extract.dates import DateMatch
from kg.extract.deals.grouping import Draft
from kg.extract.deals.kinds import CLAUSE_AMOUNT_KINDS, OWED_BY, PAYEE_ROLES, PAYER_ROLES
from kg.extract.deals.lexicon import lexicon
from kg.extract.deals.matching import evidence_span
from kg.extract.deals.money import amount_record, pick_amount
from kg.extract.deals.terms import Term, is_scope, sentence_terms
from kg.extract.nlp import doc_text
from kg.models import Amount, Clause, DateValue, Document, Span
from kg.rdf.types import negatable_clauses

# Terms whose explicit absence is itself a term worth recording ("no board seat",
# "removes revenue sharing"); other negated cues ("is not investing") state nothing.
NEGATABLE = negatable_clauses()


def sentence_clauses(
    sentence: SpacySpan,
    matches: list[tuple[str, int, int]],
    document: Document,
    amounts: list[AmountMatch],
    dates: list[DateMatch],
    deal_sentence: bool,
    org_spans: list[tuple[int, int, str]],
    parties: Sequence[str] = (),
) -> list[Clause]:
    """The clauses one sentence states: those its cue words name (each cue that needs a
    second cue in its phrase having one), and its terms (:mod:`.terms`). Several clauses of
    one type are kept when they say different things ("each hold 30%", "$10 million now
    and another $15 million next year").

    A negated or removed term is kept as a clause marked ``negated`` ("no board seat",
    "removes revenue sharing"): it says the term does not hold, which later agreements
    and the timeline need; a negated exclusivity is a non-exclusivity.

    :param deal_sentence: the sentence states the deal (else it says more about one).
    :param parties: the agreement's parties: a sentence that only says more about the deal
        states no stake or investment of an organisation that is not one of them.
    """
    evidence = evidence_span(document, sentence.start_char, sentence.end_char)
    doc = sentence.doc
    cues = _Cues(sentence, org_spans, parties, deal_sentence)
    found: list[Clause] = []
    non_excl_tokens = {
        i for label, s, e in matches if label == "non_exclusivity" for i in range(s, e)
    }
    for label, start, end in _longest_first(matches):
        if label == "exclusivity" and any(i in non_excl_tokens for i in range(start, end)):
            continue
        matched = doc[start:end]
        if not cues.holds(label, matched):
            continue
        prefix = doc_text(doc)[sentence.start_char : doc[start].idx]
        negated = label != "non_exclusivity" and bool(
            _regex("negation_before").search(prefix) or _regex("removal_before").search(prefix)
        )
        if label == "exclusivity" and negated:
            label, negated = "non_exclusivity", False
        if negated and label not in NEGATABLE:
            continue  # "is not investing": no investment, and no term to record either
        stated = _clauses_of(label, matched, evidence, amounts, dates, negated, cues)
        found.extend([c for c in stated if not any(_repeats(c, other) for other in found)])
    for term in sentence_terms(sentence, dates):
        clause = _term(term, evidence)
        if not any(_repeats(clause, other) for other in found):
            found.append(clause)
    if any(c.type == "license_grant" and c.until is not None for c in found):
        # "a licence … through 2032": the licence carries the end date
        found = [c for c in found if not (c.type == "term" and c.years is None)]
    return found


def _words(name: str) -> frozenset[str]:
    return lexicon().word(name)


def _regex(name: str) -> re.Pattern[str]:
    return lexicon().regex(name)


def _longest_first(matches: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Matches by position, the longest of those starting together first."""
    return sorted(matches, key=lambda m: (m[1], -(m[2] - m[1])))


def _repeats(new: Clause, old: Clause) -> bool:
    """Whether *new* says nothing *old* does not: same type, figure and amount."""
    new_amount = new.amount.value if new.amount else None
    old_amount = old.amount.value if old.amount else None
    return (new.type, new.value, new.negated, new_amount) == (
        old.type,
        old.value,
        old.negated,
        old_amount,
    )


class _Cues:
    """Whether a cue word holds in its sentence: a single word in another sense ("a
    milestone for the region", "300 licensed beds", "Exclusive:", "to sole fund") needs a
    second cue in its phrase."""

    def __init__(
        self,
        sentence: SpacySpan,
        org_spans: list[tuple[int, int, str]],
        parties: Sequence[str],
        deal_sentence: bool,
    ) -> None:
        self.sentence = sentence
        self.org_spans = org_spans
        self.parties = frozenset(parties)
        self.deal_sentence = deal_sentence

    def holds(self, label: str, matched: SpacySpan) -> bool:
        check = {
            "territory": self._territory,
            "equity_stake": self._stake,
            "milestone_payment": self._milestone,
            "exclusivity": self._exclusive,
            "license_grant": self._licence,
            "investment": self._investment,
            "compute_commitment": self._compute,
        }.get(label)
        return check(matched) if check is not None else True

    def _territory(self, matched: SpacySpan) -> bool:
        if any(s < matched.end_char and matched.start_char < e for s, e, _ in self.org_spans):
            return False  # a place that is really an organisation's name
        return is_scope(matched)

    def _stake(self, matched: SpacySpan) -> bool:
        if _share_of_income(matched.doc, matched.end):
            return False
        holder = self._holder(matched)
        if holder is not None and holder.lemma_.lower() in _words("holder_nouns"):
            return False  # "current stockholders will own 93% of the combined company"
        if _stated_as_a_state(matched):
            return False  # "B is the majority owner of C", "C, which owns 20% of D"
        if any(t.lower_ in _words("non_stake_words") for t in matched) or _after_word(
            matched, _words("non_stake_words")
        ):
            return False  # "a 6% market share": a share of a market, not of a company
        if not self.deal_sentence and holder is not None and self.parties:
            key = self._org_of(holder)
            if key is not None and key not in self.parties:
                return False  # "C operates the field and holds 30%": someone else's stake
        return True

    def _milestone(self, matched: SpacySpan) -> bool:
        """ "milestone payments", "milestones worth $50 million" (not "a milestone for the
        region")."""
        payments = _words("payment_nouns")
        for token in matched:
            if token.lemma_.lower() not in {"milestone", "milestones"}:
                return True  # an earn-out or contingent payment names itself
            related = [token.head, *token.children, *token.head.children]
            if any(t.lemma_.lower() in payments for t in related) or _money_near(token):
                return True
        return False

    def _exclusive(self, matched: SpacySpan) -> bool:
        """ "exclusive rights", "the exclusive cloud provider", "exclusive to B",
        "exclusivity", "exclusively" (not the label "Exclusive:" nor "to sole fund")."""
        token = matched.root
        following = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
        if following is not None and following.text == ":":
            return False
        lower = token.lower_
        if lower in {"exclusivity", "exclusively"}:
            return True
        heads = _words("exclusive_heads")
        if token.head.lemma_.lower() in heads or token.head.lower_ in heads:
            return lower != "sole" or token.head.pos_ == "NOUN"
        # "is exclusive to B", "will remain exclusive": a predicate about the deal's subject
        return lower != "sole" and token.dep_ in {"acomp", "oprd", "attr"}

    def _licence(self, matched: SpacySpan) -> bool:
        """ "A licensed its patents to B", "a licence to B's models" (not "300 licensed
        beds", "projects have been licensed")."""
        token = matched.root
        if token.pos_ != "VERB" or token.lemma_.lower() not in {"license", "licence", "sublicense"}:
            return True  # "a licence to", "granted access", "acquired the rights to"
        if token.dep_ in {"amod", "compound"} or token.tag_ == "VBN" and token.dep_ == "acl":
            return False  # "licensed beds", "the licensed technology"
        rights = _words("right_objects")
        for child in token.children:
            if child.dep_ in {"dobj", "dative"} and (
                self._org_of(child) or any(t.lemma_.lower() in rights for t in child.subtree)
            ):
                return True  # "licensed its patents", "license some of our technologies"
            if child.dep_ == "prep" and child.lower_ in {"to", "from"}:
                return True
            if child.dep_ in {"nsubj", "nsubjpass"} and (
                self._org_of(child) or child.lemma_.lower() in rights or child.pos_ == "PRON"
            ):
                return child.dep_ == "nsubj" or child.lemma_.lower() in rights
        return False

    def _investment(self, matched: SpacySpan) -> bool:
        """An investment clause needs its amount, its investee or its investor: "invests
        $10 million", "an investor in B", "A increases its investment" (not "plans to
        invest in new tools")."""
        token = matched.root
        if _money_near(token, window=5):
            return True
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ in {"in", "into"}:
                if any(self._org_of(o) for o in child.children if o.dep_ == "pobj"):
                    return True
        if any(token.head.lemma_.lower() == w for w in _words("plan_verbs")):
            return False
        subject = self._holder(matched)
        return subject is not None and self._org_of(subject) in self.parties

    def _compute(self, matched: SpacySpan) -> bool:
        """ "use B's cloud", "deploy 2 gigawatts of chips" (not "build its own
        infrastructure"): the commitment's object is compute."""
        compute = _words("compute_objects")
        return any(t.lower_ in compute for t in matched[1:]) or matched[0].lower_ in compute

    # ------------------------------------------------------------------ helpers

    def _holder(self, matched: SpacySpan) -> Token | None:
        """The subject of the verb a cue hangs on ("A holds 30%", "A took a stake")."""
        token = matched.root
        for _ in range(4):
            subjects = [c for c in token.children if c.dep_ in {"nsubj", "nsubjpass"}]
            if subjects:
                subject = subjects[0]
                if subject.tag_ in {"WDT", "WP"}:
                    return subject.head.head  # "A, which holds 30%"
                return subject
            if token.head == token:
                return None
            token = token.head
        return None

    def _org_of(self, token: Token) -> str | None:
        for start, end, key in self.org_spans:
            if start <= token.idx < end or (
                token.left_edge.idx <= start and end <= token.idx + len(token)
            ):
                return key
        return None


def _stated_as_a_state(matched: SpacySpan) -> bool:
    """A holding stated as a state of affairs, not as a term of a deal: "B is the majority
    owner of C", "B is C's largest shareholder with a 39% stake", "C, which owns 20% of
    D" (a relative clause of owning, not one stating a deal: "A, which invested $10
    million and owned 32% of B" is A's deal)."""
    token = matched.root
    for _ in range(4):
        if token.dep_ == "relcl":
            return token.lemma_.lower() in _words("holding_verbs")
        if token.dep_ in {"attr", "acomp"} and token.head.lemma_ == "be":
            return True
        if token.head == token:
            return False
        token = token.head
    return False


def _after_word(matched: SpacySpan, words: frozenset[str]) -> bool:
    start = matched.start
    return start > matched.sent.start and matched.doc[start - 1].lower_ in words


def _money_near(token: Token, window: int = 8) -> bool:
    doc = token.doc
    low, high = max(token.sent.start, token.i - window), min(token.sent.end, token.i + window + 1)
    return any(t.ent_type_ == "MONEY" or t.text in {"$", "€", "£", "¥"} for t in doc[low:high])


def _cue_phrase(matched: SpacySpan) -> tuple[int, int]:
    """The characters of the phrase a clause cue heads ("an earn-out payment of up to $425
    million"): its amount, if one is inside, is the clause's."""
    head = matched.root
    if head.dep_ in {"compound", "amod"} and head.head != head:
        head = head.head
    return head.left_edge.idx, head.right_edge.idx + len(head.right_edge)


def _share_of_income(doc: Doc, end: int) -> bool:
    """ "a 3% share of subscription revenue" is a cut of income, not of a company."""
    if end >= len(doc) or doc[end - 1].lower_ != "share" or doc[end].lower_ != "of":
        return False
    return any(t.lower_ in _words("income_words") for t in doc[end + 1 : end + 5])


def _clauses_of(
    label: str,
    matched: SpacySpan,
    evidence: Span,
    amounts: list[AmountMatch],
    dates: list[DateMatch],
    negated: bool,
    cues: _Cues,
) -> list[Clause]:
    """The clause a cue states, or one per holder or per figure: "A and B each hold 30%"
    is two stakes, "14% now and another 6% next year" two."""
    clause = _clause(label, matched, evidence, amounts, dates, negated)
    if label != "equity_stake" or clause.value is None:
        return [clause]
    values = [clause.value, *_more_percentages(matched, clause.value)]
    holders = _each_holder(matched, cues)
    copies = max(1, len(holders))
    return [replace(clause, value=v) for v in values for _ in range(copies)]


def _more_percentages(matched: SpacySpan, first: Decimal) -> list[Decimal]:
    """Percentages coordinated with a stake's own ("holds 14.5% …, and approximately 12%
    on a diluted basis"; "14% now, and another 6% next year")."""
    found: list[Decimal] = []
    number = next((t for t in matched if t.like_num), None)
    if number is None:
        return found
    for other in number.conjuncts:
        value = _percent_at(other)
        if value is not None and value != first:
            found.append(value)
    # "agreed to buy 14% of B now, and another 6% next year": a list further up
    for ancestor in [number.head, *list(number.head.ancestors)[:3]]:
        for other in ancestor.conjuncts:
            for token in other.subtree:
                value = _percent_at(token)
                if value is not None and value != first and value not in found:
                    found.append(value)
                    break
        if found:
            break
    return found


def _percent_at(token: Token) -> Decimal | None:
    doc = token.doc
    if not token.like_num or token.i + 1 >= len(doc):
        return None
    following = doc[token.i + 1 : min(len(doc), token.i + 3)].text.lower()
    if not re.match(r"^(%|per ?cent\b|percent\b|pct\b)", following):
        return None
    try:
        return Decimal(token.text.replace(",", ""))
    except ArithmeticError:
        return None


def _each_holder(matched: SpacySpan, cues: _Cues) -> list[Token]:
    """ "A and B each hold 30%": the coordinated holders of a stake stated for each."""
    holder = cues._holder(matched)
    if holder is None:
        return []
    verb = holder.head
    if not any(c.lower_ == "each" for c in [*verb.children, *holder.children]):
        return []
    return [holder, *holder.conjuncts]


def _clause(
    label: str,
    matched: SpacySpan,
    evidence: Span,
    amounts: list[AmountMatch],
    dates: list[DateMatch],
    negated: bool,
) -> Clause:
    value: Decimal | None = None
    years: Decimal | None = None
    amount: Amount | None = None
    until: DateValue | None = None
    if label == "equity_stake":
        percent = _regex("percent").search(matched.text) or _regex("percent").search(evidence.text)
        split = _regex("split").search(matched.text)
        if percent:
            value = Decimal(percent.group(1))
        elif split:
            value = Decimal(split.group(1))
    elif label in CLAUSE_AMOUNT_KINDS:
        wanted = CLAUSE_AMOUNT_KINDS[label]
        phrase = _cue_phrase(matched)
        attached = [a for a in amounts if phrase[0] <= a.start < phrase[1]]
        chosen = pick_amount(
            attached or amounts, wanted, evidence.text, evidence.start, matched.start_char
        )
        if chosen is not None:
            amount = amount_record(chosen, evidence, wanted)
    elif label == "term":
        until = _until(dates)
    elif label == "license_grant":
        until = _until(dates)
    elif label == "revenue_share":
        percent = _regex("percent").search(evidence.text)
        value = Decimal(percent.group(1)) if percent else None
    if value is not None and not Decimal(0) <= value <= Decimal(100):
        value = None  # "a 200% stake" is not a share of anything: keep the clause, not the figure
    exclusive = {"exclusivity": True, "non_exclusivity": False}.get(label)
    # A commitment to spend a stated amount is a purchase commitment, whatever is bought;
    # a commitment to use cloud or compute without a figure is a compute commitment.
    if (
        label == "purchase_commitment"
        and amount is None
        and _regex("compute_words").search(evidence.text)
    ):
        label = "compute_commitment"
    elif label == "compute_commitment" and amount is not None:
        label = "purchase_commitment"
    return Clause(
        type=label,
        evidence=evidence,
        value=value,
        years=years,
        amount=amount,
        until=until,
        exclusive=exclusive,
        negated=negated,
        label=matched.text,
    )


def _term(term: Term, evidence: Span) -> Clause:
    until = (
        DateValue(term.until.iso, term.until.precision, role="expiry")
        if term.until is not None
        else None
    )
    return Clause(type="term", evidence=evidence, years=term.years, until=until, label=term.text)


def _until(dates: list[DateMatch]) -> DateValue | None:
    for date in dates:
        if date.kind == "until":
            return DateValue(date.iso, date.precision, role="expiry")
    return None


def fits_agreement(
    clause: Clause, types: tuple[str, ...], frame_starts: set[int], draft: Draft
) -> bool:
    """Money clauses must fit the kind of deal: an acquisition's price is not a purchase
    commitment nor an investment; an investment clause needs an amount (a partner's
    contribution to a joint venture is one), or an investment deal stated in the deal's own
    sentence."""
    primary = types[0] if types else "other"
    if clause.type == "purchase_commitment":
        return primary != "acquisition"
    if clause.type != "investment":
        return True
    if primary == "acquisition":
        return False  # a buyer's spending is the price, not an investment
    if clause.amount is not None:
        return True  # "Mitsui is investing $140 million in the venture"
    if primary == "joint_venture":
        return False
    in_frame = any(
        f.sentence.start_char <= clause.evidence.start < f.sentence.end_char for f in draft.frames
    )
    return "investment" in types and in_frame


def same_clause(a: Clause, b: Clause) -> bool:
    if a.type != b.type:
        return False
    if a.value != b.value:
        return False
    a_amount = a.amount.value if a.amount else None
    b_amount = b.amount.value if b.amount else None
    return a_amount == b_amount or a_amount is None or b_amount is None


def with_obligors(clause: Clause, roles: tuple[tuple[str, str], ...]) -> Clause:
    """Obligor and beneficiary of money clauses follow the agreement's roles."""
    role_map = dict(roles)
    payer = next((role_map[r] for r in PAYER_ROLES if role_map.get(r)), None)
    payee = next((role_map[r] for r in PAYEE_ROLES if role_map.get(r)), None)
    owed_by = OWED_BY.get(clause.type)
    if owed_by == "payer" and payer:
        return _replace(clause, obligor=payer, beneficiary=payee)
    if owed_by == "payee" and payer:
        return _replace(clause, obligor=payee, beneficiary=payer)
    return clause


def _replace(clause: Clause, **changes: str | None) -> Clause:
    return replace(clause, **changes)  # type: ignore[arg-type]
