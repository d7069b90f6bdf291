"""What "it", "the company", "the two companies" and a quoted "we" stand for.

One resolution step for every deal sentence, used only where a deal word needs a party:

* a singular pronoun or a definite description of a company ("it", "its", "the company",
  "the carrier", "the German group") stands for the most salient organisation before it:
  in its own sentence the nearest subject (the nearest name at all for a possessive, "A
  advised B on its purchase"), else the subject of the nearest earlier sentence naming one.
  A description whose noun is part of a name ("the ministry", "the bank") prefers that name;
* a plural one ("they", "their", "the two companies", "both firms") stands for the parties
  of the deal told just before, else for organisations named together as a subject;
* "we", "us" and "our" inside a quotation stand for the speaker's organisation, named in
  the attribution outside the quotation ("…," said the chief executive of A).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from kg.extract.deals.lexicon import lexicon
from kg.extract.nlp import doc_text

Mentions = Sequence[tuple[int, int, str]]
_LOOK_BACK = 4  # sentences searched for an antecedent
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})


class Antecedents:
    """Resolves pronouns and descriptions in one document.

    :param mentions: every organisation mention ``(start, end, key)`` that may be a party,
        in document order.
    :param recent_parties: the parties of the last deal told before a character offset.
    """

    def __init__(
        self,
        doc: Doc,
        mentions: Mentions,
        recent_parties: Callable[[int], list[str]],
    ) -> None:
        self.doc = doc
        self.mentions = sorted(mentions)  # grows by the descriptions resolved
        self.recent_parties = recent_parties
        words = lexicon()
        self._singular = words.word("singular_pronouns")
        self._plural = words.word("plural_pronouns")
        self._first_person = words.word("first_person")
        self._companies = words.word("company_descriptions")
        self._groups = words.word("group_descriptions")
        self._definite = words.word("definite_determiners")
        self._helping = words.word("helping_verbs")
        self._quotes = [
            (m.start(1), m.end(1)) for m in words.regex("quotation").finditer(doc_text(doc))
        ]
        self._sentences = list(doc.sents)
        self._sentence_starts = [s.start for s in self._sentences]

    def __call__(self, token: Token, exclude: frozenset[str] = frozenset()) -> list[str]:
        found = self._resolve(token, exclude)
        found = [key for key in found if key not in exclude] if len(found) > 1 else found
        if len(found) == 1 and token.pos_ != "PRON":
            # "the start-up" resolved once is a name for later descriptions to find
            span = (token.left_edge.idx, token.idx + len(token), found[0])
            if span not in self.mentions:
                bisect.insort(self.mentions, span)
        return found

    def _resolve(self, token: Token, exclude: frozenset[str]) -> list[str]:
        lower = token.lower_
        if token.pos_ == "PRON" or token.tag_ in {"PRP", "PRP$"}:
            if lower in self._singular:
                return self._salient(
                    token, exclude, possessive=token.tag_ == "PRP$" or lower == "its"
                )
            if lower in self._plural:
                return self._together(token)
            if lower in self._first_person:
                return self._speaker(token)
            return []
        kind = self._description(token)
        if kind == "plural":
            return self._together(token)
        if kind == "singular":
            noun = _hyphenated(token) or token.lemma_.lower()
            return self._salient(token, exclude, possessive=False, noun=noun)
        return []

    # --------------------------------------------------------------- what a token is

    def _description(self, token: Token) -> str | None:
        """ "plural" for "the two companies", "both firms"; "singular" for "the company";
        None for anything else (a new or another company: "a new company", "rival firms")."""
        if token.pos_ != "NOUN":
            return None
        lemma, lower = token.lemma_.lower(), token.lower_
        word = _hyphenated(token)
        if word is not None:
            lemma = lower = word  # "the start-up"
        dets = [c.lower_ for c in token.children if c.dep_ in {"det", "predet"}]
        numbers = [c.lower_ for c in token.children if c.dep_ == "nummod"]
        others = [c for c in token.children if c.dep_ in {"amod", "compound", "nmod", "poss"}]
        if any(c.dep_ == "poss" or c.pos_ == "PROPN" for c in others):
            return None  # "Acme's unit", "the Acme group": a name is there already
        if any(
            c.lower_ in {"new", "other", "combined", "merged", "rival", "joint"} for c in others
        ):
            return None
        if lower in self._groups or (lemma in self._companies and lower != lemma):
            if (
                "both" in dets
                or numbers in (["two"], ["2"])
                or any(d in self._definite for d in dets)
            ):
                return "plural"
            return None
        if lemma in self._companies and any(d in self._definite for d in dets):
            return "singular"
        return None

    # --------------------------------------------------------------- resolution

    def _salient(
        self, token: Token, exclude: frozenset[str], possessive: bool, noun: str | None = None
    ) -> list[str]:
        sentence = token.sent
        if not possessive:
            governing = self._governing_subject(token, exclude)
            if governing:
                return governing
        before = [m for m in self._in(sentence) if m[1] <= token.idx and m[2] not in exclude]
        named = self._by_noun(noun, token.idx, exclude) if noun else None
        if named:
            return [named]
        if possessive:
            subject = self._clause_subject(token, before)
            if subject is not None:
                return [subject]
        if before:
            if possessive:
                return [before[-1][2]]
            subjects = [m for m in before if self._is_subject(m)]
            return [(subjects or before)[-1][2]]
        as_subject = token.dep_ in _SUBJECT_DEPS
        for distance, earlier in enumerate(self._earlier(sentence)):
            found = [m for m in self._in(earlier) if m[2] not in exclude]
            if not found:
                continue
            if not as_subject:
                return [found[-1][2]]  # "B offered to buy the company": the one just named
            # "A raised $5 million. The company …": the subject of a main clause before
            main = [m for m in found if self._is_subject(m, main=True)]
            if main:
                return [main[0][2]]
            if distance >= 1:
                break
        return []

    def _by_noun(self, noun: str, offset: int, exclude: frozenset[str]) -> str | None:
        """ "the ministry" → the latest organisation before *offset* whose name holds the
        word, or that an apposition describes with it ("A, the dairy company")."""
        text = doc_text(self.doc)
        window = self._window_start(offset)
        earlier = [m for m in self.mentions if window <= m[0] < offset and m[2] not in exclude]
        for start, end, key in reversed(earlier):
            name = text[start:end].lower()
            if re.search(rf"\b{re.escape(noun)}\b", name):
                return key
            after = text[end : end + 60].lower()
            if re.match(rf"^,\s+(?:the|a|an)\s+(?:[\w-]+\s+){{0,3}}{re.escape(noun)}\b", after):
                return key
        return None

    def _together(self, token: Token) -> list[str]:
        here = self._subjects_before(token.sent, token.idx)
        if len(here) >= 2:
            return here  # "A and B said they had signed …"
        parties = self.recent_parties(token.idx)
        if len(parties) >= 2:
            return parties[:]
        for sentence in self._earlier(token.sent):
            subjects = self._subjects_before(sentence, token.idx)
            if len(subjects) >= 2:
                return subjects
        # "The two companies signed …" opening a story: the ones the sentence then names
        following = self._next(token.sent)
        for later in (token.sent, following) if following is not None else (token.sent,):
            named = list(dict.fromkeys(m[2] for m in self._in(later) if m[0] > token.idx))
            if len(named) >= 2:
                return named
        return []

    def _speaker(self, token: Token) -> list[str]:
        """The organisation of whoever says the quotation *token* is in."""
        quote = next((q for q in self._quotes if q[0] <= token.idx < q[1]), None)
        if quote is None:
            return []
        sentences = [
            s for s in self._sentences if s.end_char > quote[0] and s.start_char < quote[1] + 2
        ]
        last = sentences[-1] if sentences else token.sent
        following = self._next(last)
        around = self._in(last) + (self._in(following) if following is not None else [])
        outside = [m for m in around if not (quote[0] <= m[0] < quote[1])]
        if not outside:
            return []
        after = [m for m in outside if m[0] >= quote[1]]
        return [(after or outside)[0][2]]

    def _governing_subject(self, token: Token, exclude: frozenset[str]) -> list[str]:
        """ "The group said it would buy B": a subject pronoun in a reported clause stands
        for the subject of the verb that reports it (itself resolved if a description)."""
        if token.dep_ not in _SUBJECT_DEPS or token.pos_ != "PRON":
            return []
        verb, hops = token.head, 0
        while hops < 3 and verb.dep_ in {"ccomp", "xcomp", "advcl", "conj"} and verb.head != verb:
            verb, hops = verb.head, hops + 1
            subject = next((c for c in verb.children if c.dep_ in _SUBJECT_DEPS), None)
            if subject is None:
                continue
            named = [m[2] for m in self.mentions if m[0] <= subject.idx < m[1]]
            if named:
                return [k for k in named[:1] if k not in exclude]
            if subject.i != token.i:
                return [k for k in self._resolve(subject, exclude) if k not in exclude]
        return []

    def _clause_subject(self, token: Token, before: Mentions) -> str | None:
        """The organisation a possessive in a clause refers to: the clause's subject ("A
        sold its unit"), or its object after a verb of helping someone else ("C advised A
        on its purchase")."""
        by_token = {self._token_at(m[0]).i: m[2] for m in before}
        clause = token.head
        while clause.pos_ not in {"VERB", "AUX"} and clause.head != clause:
            clause = clause.head
        prefer = ("dobj",) if clause.lemma_.lower() in self._helping else ("nsubj", "nsubjpass")
        # "A agreed to sell … and completed the sale of its pipelines": the shared subject
        hops = 0
        while (
            hops < 3
            and not any(c.dep_ in prefer for c in clause.children)
            and clause.dep_ in {"conj", "xcomp", "ccomp", "advcl"}
        ):
            clause, hops = clause.head, hops + 1
        for dep in prefer:
            for child in (c for c in clause.children if c.dep_ == dep):
                for part in child.subtree:
                    if part.i in by_token:
                        return by_token[part.i]
                if child.i != token.i and (child.pos_ == "PRON" or self._description(child)):
                    resolved = self._resolve(child, frozenset())  # "It sold its unit"
                    return resolved[0] if resolved else None
        return None

    # --------------------------------------------------------------- helpers

    def _subjects_before(self, sentence: SpacySpan, offset: int) -> list[str]:
        return list(
            dict.fromkeys(
                m[2] for m in self._in(sentence) if m[1] <= offset and self._is_subject(m)
            )
        )

    def _in(self, sentence: SpacySpan) -> list[tuple[int, int, str]]:
        return [m for m in self.mentions if sentence.start_char <= m[0] < sentence.end_char]

    def _is_subject(self, mention: tuple[int, int, str], main: bool = False) -> bool:
        """Whether the mention is (part of) a subject; with *main*, of its sentence's main
        clause (the root verb or one coordinated with it)."""
        token = self._token_at(mention[0])
        while token.dep_ in {"compound", "amod", "nmod", "conj", "appos"} and token.head != token:
            token = token.head
        if token.dep_ not in _SUBJECT_DEPS:
            return False
        verb = token.head
        while main and verb.dep_ == "conj" and verb.head != verb:
            verb = verb.head
        return not main or verb.dep_ == "ROOT"

    def _token_at(self, offset: int) -> Token:
        span = self.doc.char_span(offset, offset + 1, alignment_mode="expand")
        return span[0] if span is not None and len(span) else self.doc[0]

    def _earlier(self, sentence: SpacySpan) -> list[SpacySpan]:
        index = self._index(sentence)
        return [self._sentences[i] for i in range(index - 1, max(-1, index - 1 - _LOOK_BACK), -1)]

    def _next(self, sentence: SpacySpan) -> SpacySpan | None:
        index = self._index(sentence)
        return self._sentences[index + 1] if index + 1 < len(self._sentences) else None

    def _index(self, sentence: SpacySpan) -> int:
        return bisect.bisect_right(self._sentence_starts, sentence.start) - 1

    def _window_start(self, offset: int) -> int:
        token = self._token_at(offset)
        earlier = self._earlier(token.sent)
        return earlier[-1].start_char if earlier else token.sent.start_char


def _hyphenated(token: Token) -> str | None:
    """The whole word a hyphenated noun's head ends ("start-up" parsed as start - up)."""
    doc, i = token.doc, token.i
    if (
        i >= 2
        and doc[i - 1].text == "-"
        and not doc[i - 1].whitespace_
        and not doc[i - 2].whitespace_
    ):
        return f"{doc[i - 2].lower_}-{token.lower_}"
    return None
