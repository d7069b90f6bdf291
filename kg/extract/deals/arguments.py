"""The parties of a deal word, read from the parse: its subject, its object, the
organisations in its with/between/from/in/to phrases and the possessor of a deal noun.

A deal is between its trigger's arguments, not between every organisation its sentence
names: "A's purchase of B was approved by C" is A–B; C approves. Arguments that are a
pronoun or a description ("it", "the company", "the two companies", "we") are resolved by
:mod:`kg.extract.deals.anaphora`.

A sentence can state several deals: deal words with different arguments are different
deals ("A agreed to buy B, and C bought D"), and one party acting on a list of others
("A acquired B, C and D") is one deal per listed party, unless the deal is one between
all of them (a joint venture, "an agreement between A, B and C").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from kg.extract.deals.lexicon import lexicon

Resolver = Callable[[Token, frozenset[str]], list[str]]
"""Maps a pronoun or description token to the organisations it stands for ([] if none),
other than the given ones (the deal's other side)."""

# Dependency labels of the arguments of a verb and of a noun.
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj"})
_OBJECTS = frozenset({"dobj", "dative", "oprd", "attr"})
_CLAUSE_LINKS = frozenset({"xcomp", "ccomp", "advcl", "relcl", "acl", "pcomp", "conj"})


@dataclass
class Arguments:
    """What one deal word says about its parties."""

    trigger: Token
    label: str
    actors: list[str] = field(default_factory=list)  # subject, agent, possessor
    others: list[str] = field(default_factory=list)  # object, with/from/in/to phrase
    listed: list[str] = field(default_factory=list)  # the others, when they form one list
    negated: bool = False
    # the subject is the name right before the verb, the parse giving none
    subject_by_position: bool = False

    @property
    def parties(self) -> list[str]:
        return list(dict.fromkeys([*self.actors, *self.others]))


class ArgumentReader:
    """Reads the arguments of deal words in one sentence.

    :param mention_of: the organisation key a token belongs to (None if none).
    :param resolve: the organisations a pronoun or description stands for.
    """

    def __init__(
        self,
        sentence: SpacySpan,
        mention_of: Callable[[Token], str | None],
        resolve: Resolver,
    ) -> None:
        self.sentence = sentence
        self.mention_of = mention_of
        self.resolve = resolve
        # organisations a description must not stand for: the deal's other side
        self.exclude: frozenset[str] = frozenset()
        words = lexicon()
        self._preps = words.word("party_prepositions")
        self._reporting = words.word("reporting_verbs")
        self._denials = words.word("denial_verbs")
        self._bystander_words = words.word("bystander_words")
        self._temporal = words.word("temporal_prepositions")
        self._speech = (
            self._reporting | words.word("announcing_verbs") | words.word("opinion_verbs")
        )
        # names the parser put in the wrong one of two coordinated clauses ("A bought B
        # and C bought D" read with "B and C" as one list): the clause each belongs to
        self._clause_subjects, self._elsewhere = self._misplaced_names()

    def _misplaced_names(self) -> tuple[dict[int, Token], set[int]]:
        """ "A bought B and C snapped up D" parsed as "A bought [B and C], snapped up D": C
        is the subject of the verb right after it; "A bought B and C bought D" parsed as
        "A bought, [B and C] bought D": B is the object of the verb right before it.
        Returns the subject found for each subject-less verb, and the tokens that belong to
        the other clause."""
        subjects: dict[int, Token] = {}
        elsewhere: set[int] = set()
        doc = self.sentence.doc
        for verb in self.sentence:
            if verb.pos_ != "VERB":
                continue
            own_subjects = [c for c in verb.children if c.dep_ in _SUBJECTS]
            before = verb.i - 1
            while before > self.sentence.start and doc[before].pos_ == "ADV":
                before -= 1
            name = doc[before]
            if (
                not own_subjects
                and verb.dep_ == "conj"
                and name.dep_ == "conj"
                and name.i < verb.i
                and self.mention_of(name) is not None
                and self._names_an_object(verb)  # not "A bought B and C and merged them"
            ):
                subjects[verb.i] = name
                elsewhere.add(name.i)
            after = verb.i + 1
            while after < self.sentence.end and doc[after].pos_ == "DET":
                after += 1
            if after >= self.sentence.end or verb.lemma_.lower() in self._speech:
                continue
            head = doc[after]
            while head.dep_ == "compound" and head.head.i > head.i:
                head = head.head
            if (
                not any(c.dep_ in _OBJECTS for c in verb.children)
                and head.dep_ in _SUBJECTS
                and head.head.i > head.i
                and head.head != verb
                and any(c.dep_ in _OBJECTS for c in head.head.children)
                and self._conjuncts(head)
                and self.mention_of(head) is not None
            ):
                elsewhere.add(head.i)
        return subjects, elsewhere

    def _names_an_object(self, verb: Token) -> bool:
        """The verb's object (or the head of its party phrase) is a name."""
        heads = [c for c in verb.children if c.dep_ in _OBJECTS]
        heads += [
            o
            for c in verb.children
            if c.dep_ == "prep" and c.lower_ in self._preps
            for o in self._objects_of(c)
        ]
        return any(self.mention_of(h) is not None for h in heads)

    # --------------------------------------------------------------- organisations

    def orgs_of(self, head: Token, depth: int = 0) -> list[str]:
        """The organisations a phrase headed by *head* names as a party: its own name (and
        the names coordinated with it), a possessor or "of/in/from" owner of a common
        noun ("Acme's towers", "a stake in Acme"), or what a pronoun stands for."""
        found: list[str] = []
        for token in [head, *self._conjuncts(head)]:
            if token.i not in self._elsewhere:
                found.extend(self._orgs_of_one(token, depth))
        return list(dict.fromkeys(found))

    def _orgs_of_one(self, token: Token, depth: int) -> list[str]:
        key = self.mention_of(token)
        if key is not None:
            # "a Norvik-Tessan Steel venture": a name joined to another by a hyphen is a second party
            paired = [
                k
                for c in token.children
                if c.dep_ == "compound" and (k := self.mention_of(c)) not in (None, key)
            ]
            return [key, *paired, *self._parents_in_apposition(token)]
        possessive = token.tag_ == "PRP$" or token.dep_ == "poss"
        # "A sold its unit to B": a possessive may be the deal's own subject
        resolved = self.resolve(token, frozenset() if possessive else self.exclude)
        if resolved:
            return resolved
        if token.pos_ == "ADP":  # "sold it to A": the parser's dative is the preposition
            return [o for obj in self._objects_of(token) for o in self.orgs_of(obj, depth)]
        if token.pos_ in {"VERB", "AUX"}:  # "with A leading the round": its subject
            subjects = [c for c in token.children if c.dep_ in _SUBJECTS]
            return [o for subject in subjects for o in self.orgs_of(subject, depth)]
        if depth >= 3 or token.pos_ not in {"NOUN", "PROPN", "NUM"}:
            return []
        # "Kestrel's towers", "a 20% stake in Acme", "the Acme unit", "the studio Acme"
        # (an apposition), "its stake in a project to B": the owner of what changes hands,
        # and whoever it goes to, is a party
        found: list[str] = []
        for child in token.children:
            if child.dep_ in {"poss", "compound", "nmod"}:
                found.extend(self._orgs_of_one(child, depth + 1))
            elif child.dep_ == "appos":
                found.extend(self.orgs_of(child, depth + 1))
            elif child.dep_ == "prep" and child.lower_ in self._preps:
                for obj in self._objects_of(child):
                    found.extend(self.orgs_of(obj, depth + 1))
            elif child.dep_ == "advmod":  # "its operations back from B"
                for prep in (c for c in child.children if c.dep_ == "prep"):
                    if prep.lower_ in self._preps:
                        for obj in self._objects_of(prep):
                            found.extend(self.orgs_of(obj, depth + 1))
        return found

    def _parents_in_apposition(self, token: Token) -> list[str]:
        """ "B Solar, a subsidiary of B Power": the parent of a unit named as a party is
        one too."""
        head = token
        while head.dep_ == "compound" and head.head != head:
            head = head.head
        found: list[str] = []
        for appos in (c for c in head.children if c.dep_ == "appos"):
            if appos.lemma_.lower() not in lexicon().word("unit_nouns"):
                continue
            for prep in (c for c in appos.children if c.dep_ == "prep" and c.lower_ == "of"):
                for obj in self._objects_of(prep):
                    key = self.mention_of(obj)
                    if key is not None:
                        found.append(key)
        return found

    @staticmethod
    def _conjuncts(token: Token) -> list[Token]:
        return [t for t in token.conjuncts if t.i > token.i]

    def _objects_of(self, prep: Token) -> list[Token]:
        objects = [c for c in prep.children if c.dep_ in {"pobj", "pcomp"}]
        if objects or prep.i + 1 >= prep.sent.end:
            return objects
        # a name the parser left without a head ("to Acme Corp." at a sentence's end):
        # the name right after the preposition is its object
        following = prep.doc[prep.i + 1]
        return [following] if self.mention_of(following) is not None else []

    def sentence_orgs(self) -> list[str]:
        """The organisations the sentence names that are not bystanders, in order."""
        found: list[str] = []
        bystanders: set[str] = set()
        for token in self.sentence:
            key = self.mention_of(token)
            if key is None:
                continue
            if self.bystander(token):
                bystanders.add(key)
            elif key not in found:
                found.append(key)
        return [k for k in found if k not in bystanders]

    def agents(self) -> set[str]:
        """The organisations named after "by" in the sentence."""
        found: set[str] = set()
        for token in self.sentence:
            if token.lower_ == "by" and token.dep_ in {"agent", "prep"}:
                for obj in self._objects_of(token):
                    found.update(self.orgs_of(obj))
        return found

    def coordinated_with(self, keys: Sequence[str]) -> set[str]:
        """Organisations listed together with any of *keys* ("A, B and C have been buying
        firms"): the same side of a deal, never each other's counterparty."""
        found: set[str] = set()
        for token in self.sentence:
            if self.mention_of(token) in keys:
                for other in [*token.conjuncts, token.head if token.dep_ == "appos" else token]:
                    key = self.mention_of(other)
                    if key is not None:
                        found.add(key)
        return found - set(keys)

    def bystander(self, token: Token) -> bool:
        """Whether a name is governed by a word for a role outside a deal: "approved by A",
        "A's approval", "rival A", "adviser A", "the A-listed company"."""
        current, hops = token, 0
        while hops < 4 and current.head != current:
            if _word_of(current) in self._bystander_words and current != token:
                return True
            if any(
                _word_of(c) in self._bystander_words
                for c in current.children
                if c.dep_ in {"amod", "compound", "appos"} and c != token
            ):
                return True
            if current.dep_ not in {
                "compound",
                "poss",
                "pobj",
                "prep",
                "agent",
                "appos",
                "nmod",
                "amod",
                "npadvmod",
            }:
                break
            current, hops = current.head, hops + 1
        return _word_of(current) in self._bystander_words and current != token

    # --------------------------------------------------------------- arguments

    def arguments(self, trigger: Token, label: str) -> Arguments:
        found = Arguments(trigger, label)
        self.exclude = frozenset()
        if trigger.pos_ in {"VERB", "AUX"}:
            self._verb_arguments(trigger, found)
        else:
            self._noun_arguments(trigger, found)
        found.negated = self.negated(trigger)
        return found

    def _verb_arguments(self, verb: Token, found: Arguments) -> None:
        passive = any(c.dep_ in {"nsubjpass", "auxpass"} for c in verb.children)
        subjects = [c for c in verb.children if c.dep_ in _SUBJECTS]
        for subject in subjects:
            # "A, which bought B": the relative pronoun stands for the noun it describes
            orgs = self.orgs_of(verb.head if self._relative_subject([subject]) else subject)
            (found.others if passive else found.actors).extend(orgs)
        if verb.i in self._clause_subjects:
            found.actors.extend(self._orgs_of_one(self._clause_subjects[verb.i], 0))
        elif not subjects:
            found.actors.extend(self._inherited_subject(verb))
        self.exclude = frozenset(found.actors)
        for child in verb.children:
            if child.dep_ in _OBJECTS:
                self._add_others(found, child)
            elif child.dep_ == "agent":
                for obj in self._objects_of(child):
                    found.actors.extend(self.orgs_of(obj))
            elif child.dep_ == "prep" and child.lower_ in self._preps:
                for obj in self._objects_of(child):
                    self._add_others(found, obj)
            elif child.dep_ in {"advmod", "prt"}:
                # "bought it back from A", "walked away from B"
                for prep in (c for c in child.children if c.dep_ == "prep"):
                    if prep.lower_ in self._preps:
                        for obj in self._objects_of(prep):
                            self._add_others(found, obj)
        # "Plant X, which Acme co-owns", "the unit that Acme bought": the noun a relative
        # clause describes is its object when the clause has a subject of its own
        if verb.dep_ == "relcl" and subjects and not self._relative_subject(subjects):
            found.others.extend(self.orgs_of(verb.head))
        if not set(found.others) - set(found.actors):  # "sell their towers": no other side yet
            for participle in self._describing_participles(verb):
                for prep in (c for c in participle.children if c.dep_ == "prep"):
                    if prep.lower_ in self._preps:
                        for obj in self._objects_of(prep):
                            self._add_others(found, obj)
        if not found.others:
            found.others.extend(self._shared_objects(verb))
        if not found.actors and not passive and verb.dep_ not in {"acl", "amod", "relcl"}:
            found.actors.extend(self._nearest_before(verb, found.others))
            found.subject_by_position = bool(found.actors)
        if found.actors and not found.others:
            found.others.extend(self._named_after(verb, found.actors))

    @staticmethod
    def _describing_participles(verb: Token) -> list[Token]:
        """ "sell their towers, totalling 20,000 sites, to B": the parser hangs "to B" on
        the participle that describes what is sold, a clause of the verb (or of the verb
        it completes: "agreed to sell …") or of its object."""
        heads = [verb, verb.head] if verb.dep_ == "xcomp" else [verb]
        heads += [c for c in verb.children if c.dep_ in _OBJECTS]
        return [
            c
            for head in heads
            for c in head.children
            if c.dep_ in {"advcl", "acl"} and c.tag_ == "VBG" and c.i > verb.i
        ]

    def _shared_objects(self, verb: Token) -> list[str]:
        """ "A invested $10 million and took a stake in B": verbs sharing a subject share
        the other side when only one of them names it."""
        related = [c for c in verb.children if c.dep_ == "conj" and c.pos_ in {"VERB", "AUX"}]
        if verb.dep_ == "conj":
            related.append(verb.head)
        found: list[str] = []
        for other in related:
            if any(c.dep_ in _SUBJECTS for c in other.children) and verb.dep_ != "conj":
                continue  # "A signed …, and C bought D": another subject, another deal
            for child in other.children:
                if child.dep_ in _OBJECTS or (child.dep_ == "prep" and child.lower_ in self._preps):
                    heads = self._objects_of(child) if child.dep_ == "prep" else [child]
                    for head in heads:
                        found.extend(self.orgs_of(head))
        return found

    def _nearest_before(self, verb: Token, others: Sequence[str]) -> list[str]:
        """The parser found no subject (a dateline or headline threw it): the name nearest
        before the verb in its sentence."""
        for token in reversed(list(self.sentence[: verb.i - self.sentence.start])):
            if token.text in {";", ":"}:
                break
            key = self.mention_of(token)
            if key is not None and key not in others:
                return [key]
        return []

    def _named_after(self, verb: Token, actors: Sequence[str]) -> list[str]:
        """ "A bought B and C bought D" read as "A bought [B and C] bought D": the name
        right after the verb (or its article) is its object."""
        doc = verb.doc
        for i in range(verb.i + 1, min(verb.i + 3, self.sentence.end)):
            key = self.mention_of(doc[i])
            if key is not None:
                return [key] if key not in actors else []
            if doc[i].pos_ not in {"DET", "ADJ", "PART"}:
                break
        return []

    def _add_others(self, found: Arguments, head: Token) -> None:
        orgs = self.orgs_of(head)
        found.others.extend(orgs)
        # "A acquired B, C and D", "partnerships with two co-operatives, B and C": a list
        listed = [
            key
            for t in [
                head,
                *self._conjuncts(head),
                *(c for c in head.children if c.dep_ == "appos"),
            ]
            for u in [t, *self._conjuncts(t)]
            if u.i not in self._elsewhere and (key := self.mention_of(u)) is not None
        ]
        if len(set(listed)) < 2 and len(set(orgs)) >= 2:
            # "with two co-operatives, B (B) and C": names listed inside the phrase
            if any(t.dep_ == "cc" for t in head.subtree):
                listed = orgs
        if len(set(listed)) >= 2:
            found.listed.extend(dict.fromkeys(listed))

    @staticmethod
    def _relative_subject(subjects: Sequence[Token]) -> bool:
        return any(
            s.tag_ in {"WDT", "WP"} or s.lower_ in {"which", "who", "that"} for s in subjects
        )

    def _inherited_subject(self, verb: Token, hops: int = 0) -> list[str]:
        """The subject of a verb that has none of its own: "A agreed to buy B" (buy takes
        A), "A signed and B bought" (no), "the firm, which bought B" (the firm)."""
        if hops > 3 or verb.head == verb:
            return []
        head = verb.head
        if verb.dep_ == "relcl":
            return self.orgs_of(head)
        if verb.dep_ in {"xcomp", "ccomp", "conj", "advcl", "pcomp", "acl"}:
            if verb.dep_ == "acl" and head.pos_ in {"NOUN", "PROPN"}:
                # "a bid to buy B" takes the bidder; "a deal signed by A" (a participle
                # describing the deal) has no subject
                if not any(c.dep_ == "aux" for c in verb.children):
                    return []
                while head.dep_ == "conj" and head.head != head:
                    head = head.head
                if head.dep_ in _OBJECTS and head.head.pos_ in {"VERB", "AUX"}:
                    return self._subject_of(head.head, hops)
                return []
            return self._subject_of(head, hops)
        if verb.dep_ == "pcomp" or (verb.dep_ == "pobj" and head.dep_ == "prep"):
            return self._inherited_subject(head.head, hops + 1)
        return []

    def _subject_of(self, verb: Token, hops: int) -> list[str]:
        subjects = [c for c in verb.children if c.dep_ in _SUBJECTS]
        if subjects:
            if any(c.dep_ == "nsubjpass" for c in subjects):
                return []
            return [o for s in subjects for o in self.orgs_of(s)]
        if verb.pos_ in {"VERB", "AUX"}:
            return self._inherited_subject(verb, hops + 1)
        if verb.pos_ == "ADJ" and verb.dep_ in {"acomp", "amod"} and hops < 3:
            return self._subject_of(verb.head, hops + 1)  # "we are proud to partner with B"
        return []

    def _noun_arguments(self, noun: Token, found: Arguments) -> None:
        children = list(noun.children)
        if noun.dep_ == "conj":
            # "B's preferred compute and networking partner": the list shares its owner
            children += [c for c in noun.head.children if c.dep_ == "poss"]
        for child in (c for c in children if c.dep_ == "poss"):
            found.actors.extend(self.orgs_of(child))
        owned_before = len(found.actors)
        self._governor_arguments(noun, found)
        # "A granted B exclusive rights", "A signed a B supply deal": with a subject of its
        # own, a name modifying the deal noun is the other side, not a second owner
        modifiers = found.others if len(found.actors) > owned_before else found.actors
        for child in children:
            self.exclude = frozenset(found.actors)
            if child.dep_ == "poss":
                continue
            if child.dep_ == "poss":
                found.actors.extend(self.orgs_of(child))
            elif child.dep_ in {"compound", "nmod", "amod"} and self.mention_of(child):
                modifiers.extend(self.orgs_of(child))
            elif child.dep_ == "prep" and child.lower_ in self._preps:
                for obj in self._objects_of(child):
                    if child.lower_ == "by":
                        found.actors.extend(self.orgs_of(obj))
                    else:
                        self._add_others(found, obj)
            elif child.dep_ == "appos" and child.lower_ in lexicon().word("agreement_nouns"):
                self._noun_arguments(child, found)
            elif child.dep_ == "relcl" and any(c.dep_ in _SUBJECTS for c in child.children):
                # "the licence that A granted to B", "the deal A struck with B"
                inner = Arguments(child, found.label)
                self._verb_arguments(child, inner)
                found.actors.extend(a for a in inner.actors if a not in inner.others)
                found.others.extend(inner.others)
            elif child.dep_ in {"acl", "relcl"} and any(c.dep_ == "aux" for c in child.children):
                # "a licence to use A's models", "the right to sell B's films" (not "a
                # venture to take on C": what the deal is for, not whom it is with)
                for obj in (c for c in child.children if c.dep_ in _OBJECTS):
                    for owner in (c for c in obj.children if c.dep_ == "poss"):
                        found.others.extend(self.orgs_of(owner))

    def _governor_arguments(self, noun: Token, found: Arguments) -> None:
        """A deal noun takes parties from the verb it is the object or subject of: "A
        signed an agreement with B", "A struck a deal", "the partnership is between A and
        B", "A took a stake in B" (the stake's owner)."""
        while noun.dep_ == "conj" and noun.head != noun:
            noun = noun.head  # "a model and a partnership with B": the list's place
        head, dep = noun.head, noun.dep_
        if dep == "appos" and self.mention_of(head) is not None:
            found.actors.extend(self.orgs_of(head))  # "A's $2 billion investment" parsed apart
            return
        if dep == "compound" and head != noun:
            # "a supply agreement": the compound's head carries the arguments
            self._noun_arguments_of_head(head, found)
            return
        if dep == "pobj" and head.dep_ == "prep":
            if head.lower_ in self._temporal:
                return  # "A had raised money before B's investment": another event
            head, dep = head.head, "prep"
            if head.lower_ == "part" and head.dep_ == "pobj" and head.head.dep_ == "prep":
                head = head.head.head  # "as part of the deal, A will …"
            elif head.pos_ == "NOUN" and noun.head.lower_ == "of":
                # "A was awarded the operation of a concession": the noun it is "of"
                while head.dep_ == "conj" and head.head != head:
                    head = head.head
                dep = head.dep_
                head = head.head
        if head == noun or head.pos_ not in {"VERB", "AUX"}:
            return
        if head.lemma_.lower() in self._bystander_words:
            return  # "A's purchase of B was approved by C", "C advised A on its purchase"
        verb = head
        if dep in _OBJECTS or dep == "prep" or dep in _SUBJECTS:
            subjects = [c for c in verb.children if c.dep_ in _SUBJECTS and c != noun]
            passive = any(c.dep_ == "nsubjpass" for c in subjects)
            for subject in subjects:
                (found.others if passive else found.actors).extend(self.orgs_of(subject))
            if not subjects and dep not in _SUBJECTS:
                found.actors.extend(self._inherited_subject(verb))
            for child in verb.children:
                if child == noun:
                    continue
                if child.dep_ == "prep" and child.lower_ in self._preps:
                    for obj in self._objects_of(child):
                        if obj != noun:
                            self._add_others(found, obj)
                elif child.dep_ == "agent":
                    for obj in self._objects_of(child):
                        found.actors.extend(self.orgs_of(obj))
                elif child.dep_ in {"dative", "dobj"}:
                    # "the deal gives A …", "A took over B in a deal" (not "the deal
                    # needs clearance from C")
                    if child.lemma_.lower() not in self._bystander_words:
                        self._add_others(found, child)

    def _noun_arguments_of_head(self, head: Token, found: Arguments) -> None:
        inner = Arguments(head, found.label)
        self._noun_arguments(head, inner)
        found.actors.extend(inner.actors)
        found.others.extend(inner.others)
        found.listed.extend(inner.listed)

    # --------------------------------------------------------------- negation

    def negated(self, trigger: Token) -> bool:
        """Whether the deal word is denied or negated: "did not sign", "denied it was
        buying", "no plans to invest", "ruled out a merger". A negation beyond a verb of
        saying ("said it would not …" is still negated; "did not say it bought" is not
        the deal's) is not followed."""
        token, hops = trigger, 0
        while hops < 6:
            if any(c.dep_ == "neg" for c in token.children):
                return True
            if any(c.dep_ == "det" and c.lower_ == "no" for c in token.children):
                return True
            if self._is_denial(token) and token != trigger:
                return True
            if token.lemma_.lower() in self._reporting or token.head == token:
                return False
            if token.dep_ in {"relcl", "advcl"}:
                return False
            token, hops = token.head, hops + 1
        return False

    def _is_denial(self, token: Token) -> bool:
        lemma = token.lemma_.lower()
        particle = next((c.lower_ for c in token.children if c.dep_ == "prt"), "")
        return lemma in self._denials or f"{lemma} {particle}".strip() in self._denials


def _word_of(token: Token) -> str:
    """A token's lemma, or the hyphenated word it starts ("co" of "co-founder")."""
    doc = token.doc
    if token.i + 2 < len(doc) and doc[token.i + 1].text == "-" and not token.whitespace_:
        return f"{token.lower_}-{doc[token.i + 2].lemma_.lower()}"
    return token.lemma_.lower()


def token_mentions(
    sentence: SpacySpan, mentions: Iterable[tuple[int, int, str]]
) -> Callable[[Token], str | None]:
    """The organisation key of each token of *sentence* inside a mention."""
    by_token: dict[int, str] = {}
    spans = list(mentions)
    for token in sentence:
        for start, end, key in spans:
            if start <= token.idx < end:
                by_token[token.i] = key
                break
    return lambda token: by_token.get(token.i)


FORM_LABELS = frozenset({"agreement", "mou", "amendment"})


@dataclass
class DealGroup:
    """One deal a sentence states: its parties, the kinds its deal words name, and the
    part of the sentence that is about it (None when the sentence states one deal)."""

    parties: list[str]
    kinds: list[str]
    triggers: list[Token]
    region: tuple[int, int] | None = None
    # the deal words that name both sides: the deal's kind is theirs
    cores: list[Token] = field(default_factory=list)


def deal_groups(
    reader: ArgumentReader, matches: Sequence[tuple[str, int, int]], separately: bool
) -> list[DealGroup]:
    """The deals a sentence states, from the arguments of its deal words.

    :param matches: the deal-word matches ``(label, start, end)`` of the sentence.
    :param separately: the sentence says the parties acted each on their own ("separately",
        "respective", "each"): coordinated subjects are one deal each.
    """
    doc = reader.sentence.doc
    found = [reader.arguments(doc[start:end].root, label) for label, start, end in matches]
    live = [a for a in found if not a.negated]
    _drop_other_subjects(live)
    # "A and B separately agreed to sell their units to C": a word for agreeing that
    # governs a deal word names no deal of its own
    light = [
        a
        for a in live
        if a.label == "agreement"
        and any(
            o.trigger != a.trigger and o.label != "agreement" and o.trigger in a.trigger.subtree
            for o in live
        )
    ]
    cores = [a for a in live if _is_core(a) and not any(a is b for b in light)]
    groups: list[DealGroup] = []
    for core in cores:
        for parties in _split(core, separately):
            same = next((g for g in groups if _same_deal(g.parties, parties)), None)
            if same is None:
                groups.append(
                    DealGroup(parties, [core.label], [core.trigger], cores=[core.trigger])
                )
            else:
                same.parties = list(dict.fromkeys([*same.parties, *parties]))
                same.kinds.append(core.label)
                same.triggers.append(core.trigger)
                same.cores.append(core.trigger)
    rest = [a for a in live if not any(a is b for b in cores)]
    for other in list(rest):
        target = _linked(other.trigger, groups)
        if target is not None:
            target.kinds.append(other.label)
            target.triggers.append(other.trigger)
            rest.remove(other)
    # deal words that name a deal only together: "A raised $5 million, B leading the round"
    for component in _components(rest):
        union = _union(component)
        if _is_core(union):
            plural = any(a.trigger.tag_ in {"NNS", "NNPS"} for a in component)
            for parties in _split(union, separately, plural):
                groups.append(
                    DealGroup(parties, [a.label for a in component], [a.trigger for a in component])
                )
            rest = [a for a in rest if a not in component]
    if (
        not groups
        and len(rest) > 1
        and not any(_across_time(a.trigger, b.trigger) for a in rest for b in rest)
    ):
        # one deal told by several words none of which names both sides: "A is making its
        # largest acquisition, a deal announced today to buy B"
        union = _union(rest)
        if _is_core(union):
            groups.append(
                DealGroup(union.parties, [a.label for a in rest], [a.trigger for a in rest])
            )
            rest = []
    if not groups and rest and len(live) == len(found):
        fallback = _one_side_named(reader, rest)
        if fallback is not None:
            groups.append(fallback)
            rest = []
    for other in rest:
        # a word for the deal's form ("signed", "a memorandum") joins the one deal stated;
        # a word for another kind of deal stays out of it
        if (
            len(groups) == 1
            and other.label in FORM_LABELS
            and not any(_across_time(other.trigger, t) for t in groups[0].triggers)
        ):
            groups[0].kinds.append(other.label)
            groups[0].triggers.append(other.trigger)
    if len(groups) > 1:
        _set_regions(groups, reader)
    return groups


def _drop_other_subjects(found: Sequence[Arguments]) -> None:
    """ "While A bought B, C bought D" parsed with C among A's objects: a name that is the
    subject of another deal verb of the sentence is not this one's other side."""
    subjects = {
        key: a.trigger
        for a in found
        if a.trigger.pos_ in {"VERB", "AUX"}
        for key in a.actors
        if a.subject_by_position
        or any(c.dep_ in {"nsubj", "nsubjpass"} for c in a.trigger.children)
    }
    for item in found:
        drop = {k for k, verb in subjects.items() if verb != item.trigger and k not in item.actors}
        if drop and len([k for k in item.others if k not in drop]) >= 1:
            item.others[:] = [k for k in item.others if k not in drop]
            item.listed[:] = [k for k in item.listed if k not in drop]


def _union(parts: Sequence[Arguments]) -> Arguments:
    """Deal words that tell one deal together: the first one's subject is one side and
    every other party named the other ("A raised $5 million, B leading the round")."""
    first = min(parts, key=lambda a: a.trigger.i)
    union = Arguments(first.trigger, first.label, actors=list(first.actors))
    for part in parts:
        union.others.extend(p for p in part.parties if p not in union.actors)
        union.listed.extend(p for p in part.listed if p not in union.listed)
    return union


def _one_side_named(reader: ArgumentReader, rest: Sequence[Arguments]) -> DealGroup | None:
    """A deal whose other side the parse does not reach ("A revealed that B made a new
    commitment to its cloud", a headline, a bullet list): the one organisation the
    sentence names besides the side found, when that one is not a bystander (an approver,
    an adviser, a rival, an exchange: :meth:`ArgumentReader.bystander`)."""
    side = list(dict.fromkeys(p for a in rest for p in a.parties))
    together = reader.coordinated_with(side)
    candidates = [k for k in reader.sentence_orgs() if k not in side and k not in together]
    if len(side) == 1 and len(candidates) > 1:
        # "B was awarded a concession … by A": a passive deal's agent, wherever it attached
        agents = reader.agents()
        candidates = [k for k in candidates if k in agents] or candidates
    if len(side) > 1 or len(side) + len(candidates) != 2:
        return None
    parties = [*side, *candidates]
    return DealGroup(parties, [a.label for a in rest], [a.trigger for a in rest])


def _is_core(found: Arguments) -> bool:
    """A deal word that names a deal on its own: two parties, and for a deal with a
    direction (a purchase, an investment, a supply, a licence) one on each side."""
    parties = found.parties
    if len(parties) < 2:
        return False
    if found.label in lexicon().word("symmetric_kinds"):
        return True
    return bool(found.others) and bool(set(parties) - set(found.others) or len(found.others) >= 2)


def _split(found: Arguments, separately: bool, plural: bool = False) -> list[list[str]]:
    """One party set per deal: "A bought B, C and D" is three deals; "A and B separately
    agreed to sell their units to C" is two; "A and B formed a venture" is one."""
    symmetric = found.label in lexicon().word("symmetric_kinds") and found.label != "agreement"
    actors = list(dict.fromkeys(found.actors))
    listed = [p for p in dict.fromkeys(found.listed) if p not in actors]
    # "partnerships with B and C" (a plural deal noun): one each, whatever the kind
    several = plural or found.trigger.tag_ in {"NNS", "NNPS"}
    if (
        len(actors) == 1
        and len(listed) >= 2
        and (several or not symmetric)
        and not _between(found.trigger)
    ):
        return [[actors[0], other] for other in listed]
    others = [p for p in dict.fromkeys(found.others) if p not in actors]
    if separately and len(actors) >= 2 and len(others) == 1:
        return [[actor, others[0]] for actor in actors]
    return [found.parties]


def _between(trigger: Token) -> bool:
    return any(c.dep_ == "prep" and c.lower_ in {"between", "among"} for c in trigger.children)


def _same_deal(a: Sequence[str], b: Sequence[str]) -> bool:
    return set(a) <= set(b) or set(b) <= set(a)


def _related(a: Token, b: Token) -> bool:
    """Whether one deal word governs the other, not across a preposition of time ("A
    raised money before B's investment" tells two events)."""
    if b in a.ancestors:
        low, high = a, b
    elif a in b.ancestors:
        low, high = b, a
    else:
        return False
    token = low
    while token != high:
        if _timed(token):
            return False
        token = token.head
    return True


def _timed(token: Token) -> bool:
    """A preposition or clause of time ("before B's investment", "after it announced …")."""
    temporal = lexicon().word("temporal_prepositions")
    if token.dep_ == "prep" and token.lower_ in temporal:
        return True
    return token.dep_ == "advcl" and any(
        c.dep_ == "mark" and c.lower_ in temporal for c in token.children
    )


def _across_time(a: Token, b: Token) -> bool:
    """Whether the path between two deal words passes a preposition of time."""
    above_a = [a, *a.ancestors]
    above_b = [b, *b.ancestors]
    common = next((t for t in above_a if t in above_b), None)
    path = [t for t in above_a[: above_a.index(common)]] if common is not None else above_a
    path += [t for t in above_b[: above_b.index(common)]] if common is not None else above_b
    return any(_timed(t) for t in path)


def _linked(trigger: Token, groups: Sequence[DealGroup]) -> DealGroup | None:
    """The deal a deal word without parties of its own belongs to: the one whose deal
    word governs it or is governed by it (the nearest such)."""
    best: tuple[int, DealGroup] | None = None
    for group in groups:
        for other in group.triggers:
            if _related(other, trigger):
                distance = abs(other.i - trigger.i)
                if best is None or distance < best[0]:
                    best = (distance, group)
    return best[1] if best else None


def _components(found: Sequence[Arguments]) -> list[list[Arguments]]:
    """Deal words grouped by syntactic dominance (one governs the other)."""
    components: list[list[Arguments]] = []
    for item in found:
        joined = [c for c in components if any(_related(item.trigger, o.trigger) for o in c)]
        merged = [item] + [a for c in joined for a in c]
        components = [c for c in components if c not in joined] + [merged]
    return components


def _set_regions(groups: Sequence[DealGroup], reader: ArgumentReader) -> None:
    """Each deal's part of the sentence: from where it first names a party of its own (or
    its first deal word) to where the next deal does ("A's partnership with B, like C's
    investment in D"; "A bought B for $1 million and C for $2 million")."""
    sentence = reader.sentence
    starts = []
    for group in groups:
        own = {
            p for p in group.parties if not any(p in g.parties for g in groups if g is not group)
        }
        first = min(group.triggers, key=lambda t: t.i)
        positions = [first.idx] + [t.idx for t in sentence if reader.mention_of(t) in own]
        starts.append(min(positions))
    distinct = sorted(set(starts))
    if len(distinct) < 2:
        return
    for group, start in zip(groups, starts, strict=True):
        rank = distinct.index(start)
        low = sentence.start_char if rank == 0 else start
        high = distinct[rank + 1] if rank + 1 < len(distinct) else sentence.end_char
        group.region = (low, high)
