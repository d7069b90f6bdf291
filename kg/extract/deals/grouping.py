"""Grouping deal frames into agreements: frames about the same parties and the same kind
of deal become one agreement; context sentences attach to the agreement just named."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from spacy.tokens import Span as SpacySpan

from kg.extract.deals.frames import Frame
from kg.extract.deals.kinds import STRONG_TYPES, TYPE_PRIORITY
from kg.extract.deals.lexicon import lexicon
from kg.extract.deals.matching import MatchIndex


@dataclass
class Draft:
    parties: list[str]
    frames: list[Frame] = field(default_factory=list)
    context: list[SpacySpan] = field(default_factory=list)

    @property
    def sentences(self) -> list[SpacySpan]:
        ordered = {s.start: s for s in [f.sentence for f in self.frames] + self.context}
        return [ordered[k] for k in sorted(ordered)]

    @property
    def years(self) -> set[str]:
        return set().union(*(f.years for f in self.frames)) if self.frames else set()

    @property
    def dates(self) -> set[str]:
        return set().union(*(f.dates for f in self.frames)) if self.frames else set()

    @property
    def kind(self) -> str | None:
        """The kind of deal the agreement is: that of its first frame naming one."""
        return next((f.event_kind for f in self.frames if f.event_kind is not None), None)

    @property
    def strong_type(self) -> str | None:
        return _strong_type(self.frames)


def _strong_type(frames: Iterable[Frame]) -> str | None:
    totals: Counter[str] = Counter()
    for frame in frames:
        totals.update(frame.types)
        if frame.mou:
            return "mou"
    for kind in TYPE_PRIORITY:
        if kind in STRONG_TYPES and totals[kind]:
            return kind
    return None


def _compatible(draft: Draft, frame: Frame) -> bool:
    """Whether *frame* says more about the agreement *draft* is building: the same parties
    (two in common), and not a deal of another kind or from another date."""
    if frame.separate:
        return False
    # At least two parties in common. The draft keeps the parties it started with, so an
    # agreement does not grow into everything a later sentence happens to name.
    if len(set(draft.parties) & set(frame.parties)) < min(2, len(frame.parties)):
        return False
    if _other_date(draft.dates, frame.dates):
        return False
    mine, theirs = draft.kind, frame.event_kind
    if mine and theirs and mine != theirs and not _same_kind(mine, theirs) and not frame.continues:
        return False  # "A invested in B last year. A and B now form a joint venture."
    mine, theirs = draft.strong_type, _strong_type([frame])
    return not (mine and theirs and mine != theirs)


def _same_kind(a: str, b: str) -> bool:
    """ "Teaming up" then "a joint venture": a partnership that turns out to be a venture."""
    turns = lexicon().word("partnership_forms")
    return {a, b} <= turns | {"partnership"} and "partnership" in {a, b}


def _refers_to(draft: Draft, frame: Frame) -> bool:
    kind = frame_kind(frame)
    shared = len(set(draft.parties) & set(frame.parties)) >= min(2, len(frame.parties))
    return shared and kind is not None and any(f.types[kind] for f in draft.frames)


def frame_kind(frame: Frame) -> str | None:
    """The kind of deal a frame names, if it names one (the first by type priority)."""
    return frame_kind_of(frame.types)


def frame_kind_of(types: Counter[str]) -> str | None:
    return next((kind for kind in TYPE_PRIORITY if types[kind]), None)


def _other_date(mine: set[str], theirs: set[str]) -> bool:
    """Two sets of deal dates with no date in common at the precision both state: "in
    March 2017" and "in November 2017" are two events, "2017" and "November 2017" may be one."""
    if not mine or not theirs:
        return False
    return not any(a.startswith(b) or b.startswith(a) for a in mine for b in theirs)


def group_frames(
    frames: list[Frame],
    context: dict[int, list[SpacySpan]],
    named_in: Callable[[SpacySpan], set[str]] = lambda sentence: set(),
) -> list[Draft]:
    """Frames grouped into drafts of agreements, and each context sentence given to the
    agreement it says more about: the latest one before it that has a party the sentence
    names ("… before B's investment in late 2022" goes to B's), else the latest one before
    it (or the first when the article states terms before naming the deal).

    :param named_in: the organisations a sentence names (or stands for).
    """
    drafts: list[Draft] = []
    for frame in frames:
        candidates = [d for d in drafts if _compatible(d, frame)]
        if frame.refers_back:
            # "The $1 billion investment goes to …": the investment told before, even when
            # another kind of deal was told since
            same_kind = [d for d in drafts if _refers_to(d, frame)]
            candidates = same_kind or candidates
        if frame.anaphoric and not candidates:
            # "… getting out of the deal" after a deal was named: more about that one
            named = [d for d in drafts if set(d.parties) & set(frame.parties)]
            if named:
                context.setdefault(frame.sentence.start, []).append(frame.sentence)
                continue
        # Prefer the agreement with the most parties in common, then the latest one.
        target = max(
            reversed(candidates),
            key=lambda d: len(set(d.parties) & set(frame.parties)),
            default=None,
        )
        if target is None:
            target = Draft(parties=list(frame.parties))
            drafts.append(target)
        target.frames.append(frame)
    _attach_context(drafts, context, named_in)
    return drafts


def _attach_context(
    drafts: list[Draft],
    context: dict[int, list[SpacySpan]],
    named_in: Callable[[SpacySpan], set[str]],
) -> None:
    """Context sentences attach to the agreement whose last frame precedes them most
    closely, one that has a party the sentence names first (or to the first agreement when
    the article states terms before naming the deal); ties go to the earlier draft.

    One sweep over the frames in text order keeps each draft's last frame start so far,
    so a long document costs the frames plus, per sentence, the drafts of the parties it
    names, not every draft for every sentence."""
    frames = sorted((f.sentence.start, index) for index, d in enumerate(drafts) for f in d.frames)
    by_party: dict[str, list[int]] = {}
    for index, draft in enumerate(drafts):
        for party in dict.fromkeys(draft.parties):
            by_party.setdefault(party, []).append(index)
    last: dict[int, int] = {}  # draft index → start of its last frame at or before the sentence
    latest: tuple[int, int] | None = None  # (start, -index) of the latest frame of any draft
    seen = 0
    for sentence_start, sentences in sorted(context.items()):
        while seen < len(frames) and frames[seen][0] <= sentence_start:
            start, index = frames[seen]
            last[index] = start
            if latest is None or start > latest[0]:
                latest = (start, -index)  # frames of one start come by index: keep the first
            seen += 1
        named = {i for name in named_in(sentences[0]) for i in by_party.get(name, ()) if i in last}
        if named:
            chosen = max(named, key=lambda i: (last[i], -i))
        elif latest is not None:
            chosen = -latest[1]
        elif drafts:
            chosen = 0
        else:
            continue
        drafts[chosen].context.extend(sentences)


def upgrade_forms(drafts: list[Draft], deals: MatchIndex) -> None:
    """ "The agreement – in the form of a memorandum of understanding – …": a context
    sentence that names the form of "the agreement" sets the draft's form."""
    for draft in drafts:
        for sentence in draft.context:
            labels = {label for label, _, _ in deals.of(sentence)}
            if "mou" in labels and draft.frames:
                draft.frames[0].mou = True
