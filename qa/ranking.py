"""Rank sentences for a question: BM25 first, then a few question-aware features.

rank-bm25's score (precomputed in the index) picks the candidates. Each candidate and the
sentence after it are then scored by a small weighted sum whose parts `--explain` shows:
    bm25       BM25 score relative to the best candidate's
    coverage   share of the question's term weight (IDF) the sentence holds
    type       the sentence holds the kind of measure asked for ("how far" -> a distance)
    name       ... or the kind of name asked for ("who" -> a person, "where" -> a place)
    context    the sentence refers back ("the city", "he") to the one before, which holds the
               question terms this one lacks: "the city" stands for the place named there
    lead       news puts the key facts first
    neighbours question terms the sentence lacks but its paragraph neighbours hold
    neighbours2  ... or the sentences two away, in the same paragraph
    bigram     the question's adjacent words stand close, in order, in the sentence
    article    share of the question's term weight found anywhere in the article
    nbm25      BM25 of the best paragraph neighbour
    exact      the question's longer words appear as written, before stemming
    prefix     question terms the stemmer misses that a sentence word shares its first 5
               letters with ("Normandy" for "Norman", "economy" for "economic")
The weights are data (qa/data/ranking_weights.json), written with the figures they got by the
tuning command named in that file (bench/tune_ranking.py --write); docs/EVAL.md has the
figures, the ablation and the cross-validation. `weighted_sum` is the one place a score is
made and `rank` the one order: `ask`, `qa eval` and the tuning all use them.
"""
from __future__ import annotations

import functools
import heapq
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar

from . import question as q
from . import rank_features as rf
from . import score_bounds
from .index import Index, StoredSentence
from .index.matches import Matches
from .model import Answer, Hit, Span, dateline

# The features in the order a score adds them (so every caller rounds alike).
FEATURES = ("bm25", "coverage", "type", "name", "context", "lead", "neighbours", "neighbours2",
            "bigram", "nbm25", "exact", "prefix", "article")
WEIGHTS_FILE = Path(__file__).resolve().parent / "data" / "ranking_weights.json"
CANDIDATES = 30  # the best 30 by BM25 and the sentence after each: docs/EVAL.md, pool size

Weights = Mapping[str, float]
Value = TypeVar("Value")  # a float, or a numpy array of them when tuning scores many at once


class WeightsError(ValueError):
    """A weights file that does not give one number for each feature."""


def load_weights(path: Path = WEIGHTS_FILE) -> Weights:
    """The weights in `path`, a file as `bench/tune_ranking.py --write` writes it."""
    try:
        weights = json.loads(path.read_text(encoding="utf-8"))["weights"]
        if sorted(weights) != sorted(FEATURES):
            raise WeightsError(f"{path}: weights for {sorted(weights)}, not {sorted(FEATURES)}")
        return MappingProxyType({name: float(weights[name]) for name in FEATURES})
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise WeightsError(f"{path}: not a ranking weights file ({exc})") from None


@functools.cache
def shipped_weights() -> Weights:
    """The weights qa ships, read once per process."""
    return load_weights()


def weighted_sum(features: Mapping[str, Value], weights: Weights) -> Value:
    """A sentence's score: each feature's value times its weight, added in FEATURES order.
    Given arrays of values (many candidates at once) it gives each one's score, bit for bit."""
    total = 0.0
    for name in FEATURES:
        total = total + weights[name] * features[name]
    return total


@dataclass
class Candidate:
    """A sentence worth ranking, with its feature values (unweighted) and answer span."""

    sentence: StoredSentence
    features: dict[str, float]
    span: Span | None

    def score(self, weights: Weights) -> float:
        return weighted_sum(self.features, weights)


def rank(found: list[Candidate], weights: Weights) -> list[Candidate]:
    """Candidates best first: by score, ties by position in the corpus."""
    return sorted(found, key=lambda c: (-c.score(weights), c.sentence.id))


def top_hits(index: Index, text: str, *, k: int = 3, doc: str | None = None,
             source: str | None = None, explain: bool = False,
             weights: Weights | None = None, question: q.Question | None = None,
             asked: list | None = None) -> Answer:
    """The `k` best hits for question `text` in `index` (`weights`: the shipped ones), as the
    Answer that `qa.api.ask` returns; their answers are left for `marking.mark` to set.
    `question`: `text` analysed already (`ask` analyses it once for both). `asked`, a list
    given: each hit's words that hold a question term, (term, start, end) from the forward
    data, are appended to it (the answer model reads them instead of analysing the text)."""
    weights = weights or shipped_weights()
    question = question or q.analyze(text, index.analyzer)
    ranked = rank(candidates(index, question, doc=doc, source=source, best_of=(k, weights)),
                  weights)
    named = {tid: t for t, tid in zip(question.terms, map(index.term_id, question.terms))
             if tid is not None}
    hits = []
    for number, cand in enumerate(ranked[:k], start=1):
        sent = cand.sentence
        words = _asked_words(index, named, sent.id)
        if asked is not None:
            asked.append(words)
        meta = index.doc_of(sent.id)  # (one decode for the date and the dateline)
        hits.append(Hit(
            rank=number, score=cand.score(weights), doc=sent.doc, sentence=sent.index, text=sent.text,
            start=sent.start, end=sent.end, attributions=sent.attributions,
            date=meta.get("date", ""), dateline=dateline(meta.get("place", ""),
                                                         meta.get("agency", "")),
            matched=sorted({(a, b) for _, a, b in words}),
            features={n: weights[n] * cand.features[n] for n in FEATURES} if explain else {},
        ))
    return Answer(text, hits)


def candidates(index: Index, question: q.Question, *, doc: str | None = None,
               source: str | None = None,
               best_of: tuple[int, Weights] | None = None) -> list[Candidate]:
    """Every sentence that could answer: it holds a question term, or it holds the kind of
    answer asked for right after a sentence that does.

    Features read the index's forward data (term numbers, word offsets, paragraphs): only the
    candidates' own records are decoded, never re-analysed. `doc` and `source` narrow the
    sentences before the pool is chosen. With `best_of` (k, weights) only candidates that can
    be among the k best are computed (qa.score_bounds): `rank` puts the same k first.
    """
    terms = list(question.terms)
    matches = (index.bm25_scores(terms) if doc is not None
               else index.top_matches(terms, 1 if source is not None else CANDIDATES))
    if doc is not None:
        number = index.doc_number(doc)
        if number is None:
            return []
        matches = matches.within(index.doc_sentences(number))
    if len(matches) == 0:
        return []
    best = max(matches.highest(), 1e-9)
    weights = _term_weights(index, question)
    allowed = _said_by(index, source) if source is not None else None
    # --source: `matches` give the best score and any sentence's; the pool is the source's own
    narrowed = (matches if allowed is None else matches.among(allowed) if doc is not None
                else index.bm25_among(terms, allowed))
    pool = _pool(index, narrowed, allowed)
    if not pool:
        return []
    article = _article_coverage(index, weights, {index.sent_doc[i]: i for i in pool})
    ids = rf.QuestionIds(index, question, weights)
    if best_of is not None and min(best_of[1].values()) >= 0:
        return _best_candidates(index, question, pool, matches, best, weights, article, ids,
                                best_of)
    found = []
    terms_of = rf.TermCache(index)
    for i in pool:
        sent = terms_of.sentence(i)
        features, span = rf.features_of(index, question, sent, matches, best, weights,
                                        terms_of, ids)
        features["article"] = article[index.sent_doc[i]]
        if _relevant(features):
            found.append(Candidate(sent, features, span))
    return found


def _best_candidates(index: Index, question: q.Question, pool: list[int], matches: Matches,
                     best: float, weights: dict[int, float], article: dict[int, float],
                     ids: "rf.QuestionIds", best_of: tuple[int, Weights]) -> list[Candidate]:
    """The candidates of `pool` computed in full in the order of their bounds' (loose, then
    tight once the text is read) until no bound left reaches the k-th best score found: a
    superset of the k best (qa.score_bounds)."""
    k, ranking_weights = best_of
    masks = score_bounds.Masks(index, [*weights, *ids.in_pairs], weights)
    bounds = score_bounds.Bounds(index, question, ids, masks, matches,
                                 best, article, ranking_weights, weighted_sum)
    heap = [(-b, i, False) for b, i in zip(bounds.loose_all(pool), pool)]
    heapq.heapify(heap)
    terms_of = rf.TermCache(index)
    found: list[Candidate] = []
    scores: list[float] = []  # of those found, best first
    read: dict[int, bool] = {}  # whether the sentences whose text was read refer back
    while heap and not (len(scores) >= k and -heap[0][0] + 1e-9 < scores[k - 1]):
        _, i, tight = heapq.heappop(heap)
        if not tight:  # the text alone: most candidates are never computed in full
            text = index.text(i)
            first = index.article_first(i)
            lowered = text.lower()
            # whether it refers back matters only after the article's first sentence, and
            # only when the sentence before holds question terms this one lacks (else both
            # the bound and features_of give "context" 0 and borrow nothing)
            refers = i > first and bounds.inherits(i) and rf.refers_back(text)
            read[i] = refers
            bound = bounds.tight(i, i - first, lowered, refers)
            heapq.heappush(heap, (-bound, i, True))
            continue
        sent = terms_of.sentence(i)
        features, span = rf.features_of(index, question, sent, matches, best, weights,
                                        terms_of, ids, refers=read[i])
        features["article"] = article[index.sent_doc[i]]
        if _relevant(features):
            found.append(Candidate(sent, features, span))
            scores.append(found[-1].score(ranking_weights))
            scores.sort(reverse=True)
    return found


def _relevant(features: dict[str, float]) -> bool:
    """A sentence holds a question term, or the kind of answer asked for right after a
    sentence that does; anything else is not shown, however the weights fall."""
    typed = features["type"] + features["name"] > 0
    return features["bm25"] > 0 or features["coverage"] > 0 or (typed and features["context"] > 0)


def _article_coverage(index: Index, weights: dict[int, float],
                      docs: dict[int, int]) -> dict[int, float]:
    """Share of the question's term weight found anywhere in each article: the questions
    about an article use its vocabulary, so this tells the right article from the wrong one.

    A rare term's articles are listed from its postings; for a common one each article's
    sentence range is looked up in its postings by binary search, so "said" at a million
    sentences costs a few dozen probes, not a pass over its postings. `docs`: the articles,
    each with one of its sentences (where the search for its range starts)."""
    total = sum(weights.values()) or 1.0
    cover = dict.fromkeys(docs, 0.0)
    ranges = None
    for term, weight in weights.items():
        if index.postings_count(term) <= 32 * len(docs):
            for d in index.docs_with_id(term):
                if d in cover:
                    cover[d] += weight / total
            continue
        if ranges is None:
            ranges = {d: index.doc_range(d, near) for d, near in docs.items()}
        for d, (first, stop) in ranges.items():
            if index.term_in(term, first, stop):
                cover[d] += weight / total
    return cover


def _pool(index: Index, matches: Matches, allowed: set[int] | None) -> list[int]:
    """The best BM25 sentences and the sentence after each (context can carry the answer)."""
    pool = set(matches.best(CANDIDATES).ids)
    for i in list(pool):
        if (i + 1 < index.size and index.sent_doc[i + 1] == index.sent_doc[i]
                and (allowed is None or i + 1 in allowed)):
            pool.add(i + 1)
    return sorted(pool)


def _term_weights(index: Index, question: q.Question) -> dict[int, float]:
    """IDF of each distinct question term the index knows, by term number (unknown terms
    weigh nothing)."""
    weights = {}
    for term in dict.fromkeys(question.terms):
        tid = index.term_id(term)
        if tid is not None:
            weights[tid] = max(float(index.idf[tid]), 1e-6)
    return weights


def _said_by(index: Index, name: str) -> frozenset[int]:
    """The sentences of the statements of the sources matching `name` (the source table, as
    `qa said` reads it)."""
    table = index.sources
    return table.sentences_of(table.match(name))


def _asked_words(index: Index, named: dict[int, str], i: int) -> list[tuple[str, int, int]]:
    """The words of sentence i that hold a question term, (term, start, end) in text order
    (from the forward data; `named`: the question's known terms by number)."""
    term_ids, starts, ends = index.token_spans(i)
    return [(named[t], a, b) for t, a, b in zip(term_ids, starts, ends) if t in named]
