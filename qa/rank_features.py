"""The re-ranking features of one candidate sentence, read from the index's forward data.

`ranking` chooses the pool and orders it; this module says what each feature of one candidate
is (the list and what each means: qa.ranking's docstring). A candidate's own terms, word
offsets and paragraph come from the forward data, its neighbours' terms too: the text is read
only for what is written ("exact", "prefix", whether it refers back, the answer patterns).
"""
from __future__ import annotations

import math
import re

from . import answer_spans
from . import question as q
from .index import Index, StoredSentence
from .index.matches import Matches
from .model import Span


class QuestionIds:
    """The question's parts as term numbers, for comparing with the forward data."""

    def __init__(self, index: Index, question: q.Question, weights: dict[int, float]) -> None:
        every = [*question.terms, *(t for pair in question.pairs for side in pair for t in side)]
        number = {t: index.term_id(t) for t in dict.fromkeys(every)}  # pairs keep frame words
        self.pairs = [(_known(first, number), _known(second, number))
                      for first, second in question.pairs]
        self.n_pairs = len(question.pairs)
        self.in_pairs = {t for pair in self.pairs for side in pair for t in side}
        self.words: list[tuple[str, frozenset[int]]] = []  # "prefix": words of 5+ letters
        for w in dict.fromkeys(_WORD.findall(question.text.lower())):
            if len(w) >= 5:
                terms = frozenset(_known(index.analyzer.terms(w), number)) & weights.keys()
                if terms:
                    self.words.append((w, terms))


def _known(terms, number: dict[str, int | None]) -> tuple[int, ...]:
    return tuple(number[t] for t in terms if number.get(t) is not None)


class TermCache:
    """Sentences and term sets read once per question (neighbours are often candidates)."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self._sentences: dict[int, StoredSentence] = {}
        self._terms: dict[int, set[int]] = {}

    def sentence(self, i: int) -> StoredSentence:
        if i not in self._sentences:
            self._sentences[i] = self.index.sentence(i)
        return self._sentences[i]

    def terms(self, i: int) -> set[int]:
        if i not in self._terms:
            self._terms[i] = set(self.index.term_ids(i))
        return self._terms[i]

    def paragraph_neighbours(self, i: int, distance: int = 1) -> list[int]:
        """The sentences `distance` before and after sentence i, if in its paragraph."""
        index = self.index
        doc, paragraph = index.sent_doc[i], index.paragraph[i]
        return [j for j in (i - distance, i + distance)
                if 0 <= j < index.size and index.sent_doc[j] == doc
                and index.paragraph[j] == paragraph]


def features_of(index: Index, question: q.Question, sent: StoredSentence,
                bm25_of: Matches, best: float, weights: dict[int, float],
                terms_of: "TermCache", ids: QuestionIds, words: set[str] | None = None,
                refers: bool | None = None) -> tuple[dict[str, float], Span | None]:
    """The candidate's features (unweighted) and its answer span; `words` and `refers`, its
    written words and whether it refers back, when the caller has read them already."""
    term_ids, starts, ends = index.token_spans(sent.id)
    if words is None:
        words = written_words(sent.text)
    if refers is None:
        refers = refers_back(sent.text)
    present = set(term_ids) & weights.keys()
    total_weight = sum(weights.values()) or 1.0
    near = terms_of.paragraph_neighbours(sent.id)
    around = set()
    for j in near:
        around |= terms_of.terms(j)
    gained = (around & weights.keys()) - present
    far = set()
    for j in terms_of.paragraph_neighbours(sent.id, distance=2):
        far |= terms_of.terms(j)
    far_gained = (far & weights.keys()) - present - gained
    inherited: set[int] = set()
    if sent.index > 0 and refers:
        inherited = (terms_of.terms(sent.id - 1) & weights.keys()) - present
    query_spans = [(a, b) for t, a, b in zip(term_ids, starts, ends) if t in weights]
    span = None
    type_score = 0.0
    if question.answer_type != q.OTHER:
        span = answer_spans.best_span(question.answer_type, sent.text, query_spans,
                                      sent.attributions)
        if span:
            anchored = answer_spans.anchored(sent.text[span[0]:span[1]], question.terms,
                                        index.analyzer)
            type_score = 1.0 if anchored else 0.5
    own_bm25 = bm25_of.score(sent.id, 0.0)
    if span and inherited and _DEFINITE.search(sent.text[span[0]:span[1]]):
        # The answer itself names what it is about by reference ("10 km of the city"): the
        # sentence before names it, so the question's terms found there count as found here.
        present |= inherited
        inherited = set()
        own_bm25 = max(own_bm25, bm25_of.score(sent.id - 1, 0.0))
        gained -= present  # borrowed terms now count as the sentence's own, not once more as
        far_gained -= present  # its neighbours'
    features = {
        "bm25": own_bm25 / best,
        "coverage": weight_of(present, weights) / total_weight,
        "type": type_score if question.answer_type in q.MEASURES else 0.0,
        "name": type_score if question.answer_type not in q.MEASURES else 0.0,
        "context": weight_of(inherited, weights) / total_weight,
        "lead": 1.0 / (1 + sent.index),
        "neighbours": weight_of(gained, weights) / total_weight,
        "neighbours2": weight_of(far_gained, weights) / total_weight,
        "bigram": _bigrams(ids, term_ids, starts),
        "nbm25": max((bm25_of.score(j, 0.0) for j in near), default=0.0) / best,
        "exact": exact_words(question, words),
        "prefix": _prefix_matches(ids.words, present, weights, words) / total_weight,
    }
    return features, span


_DEFINITE = re.compile(
    r"\b(?:the|this|that|these|those)\s+(?:city|town|village|province|region|country|area|"
    r"state|capital|territory|district|site|place|group|company|firm|organi[sz]ation|militia|"
    r"army|force|forces|government|party|alliance|coalition|movement|agency|ministry|"
    r"monitor|court|council|committee|bank|team|club|band|man|woman|official|leader|"
    r"president|minister|spokesman|spokeswoman|source|attack|offensive|campaign|operation|"
    r"war|battle|deal|agreement|plan|project|law|bill|move|decision|report|book|film|"
    r"album|show|series|game|river|island|port|building|plant)\b(?!\s+of\b)", re.IGNORECASE)
_PRONOUN_FIRST = re.compile(r"^\W*(?:he|she|it|they|his|her|its|their)\b", re.IGNORECASE)


def refers_back(text: str) -> bool:
    """Whether a sentence leans on the one before it ("the city", "he", "its"): then the
    place or person named there is what it talks about."""
    return bool(_DEFINITE.search(text) or _PRONOUN_FIRST.search(text))


def weight_of(terms: set[int], weights: dict[int, float]) -> float:
    """The terms' summed weight, exactly rounded: a set's order changes from run to run
    (string hashing), and a plain sum would round differently with it."""
    return math.fsum(weights[t] for t in terms)


_WORD = re.compile(r"\w+")


def written_words(text: str) -> set[str]:
    """The words of `text` as written (lower case, not stemmed): "exact" and "prefix" read
    them, so a sentence is split once for both."""
    return set(_WORD.findall(text.lower()))


def _prefix_matches(qwords: list[tuple[str, frozenset[int]]], present: set[int],
                    weights: dict[int, float], words: set[str]) -> float:
    """Weight of question terms the stemmer misses but a sentence word shares 5 letters
    with ("Normandy" for "Norman", "economy" for "economic")."""
    missing = [(w, terms) for w, terms in qwords if not terms & present]
    if not missing:
        return 0.0
    prefixes = {x[:5] for x in words if len(x) >= 5}
    gained: set[int] = set()
    for w, terms in missing:
        if w[:5] in prefixes:
            gained |= terms
    return weight_of(gained - present, weights)


def exact_words(question: q.Question, words: set[str]) -> float:
    """Share of the question's longer words found as written, before stemming."""
    if not question.words:
        return 0.0
    return len(question.words & words) / len(question.words)


def _bigrams(ids: QuestionIds, term_ids: list[int], starts: list[int]) -> float:
    """Share of the question's adjacent word pairs that stand close, in order, in the sentence:
    a term of the first word, then one of the second within the next two words (words that
    give no term are not counted, as before)."""
    if not ids.n_pairs:
        return 0.0
    wanted = ids.in_pairs
    at: dict[int, set[int]] = {}  # term -> numbers of the words holding it
    word, previous = -1, None
    for t, start in zip(term_ids, starts):
        if start != previous:
            word, previous = word + 1, start
        if t in wanted:
            at.setdefault(t, set()).add(word)
    if not at:
        return 0.0
    matched = 0
    for first, second in ids.pairs:
        later = {w for b in second for w in at.get(b, ())}
        if later and any(w + 1 in later or w + 2 in later for a in first for w in at.get(a, ())):
            matched += 1
    return matched / ids.n_pairs
