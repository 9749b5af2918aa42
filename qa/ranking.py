"""Rank sentences for a question: BM25 first, then a few question-aware features.

rank-bm25's score (precomputed in the index) picks the candidates. Each candidate and the
sentence after it are then scored by a small weighted sum whose parts `--explain` shows:
    bm25       BM25 score relative to the best candidate's
    coverage   share of the question's term weight (IDF) the sentence holds
    type       the sentence holds the kind of answer asked for ("how far" -> a distance)
    context    the previous sentence matches, so "the city" can stand for the place named there
    lead       news puts the key facts first
    proximity  the question's terms stand close together
The weights were chosen on the public evaluation sets (docs/EVAL.md).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import answer as answers
from . import question as q
from .index import Index, StoredSentence
from .model import Answer, AnswerSpan, Hit, Span

WEIGHTS = {"bm25": 1.0, "coverage": 0.5, "type": 0.6, "context": 0.4, "lead": 0.05,
           "proximity": 0.1}
CANDIDATES = 60


@dataclass
class Candidate:
    """A sentence worth ranking, with its feature values (unweighted) and answer span."""

    sentence: StoredSentence
    features: dict[str, float]
    span: Span | None

    def score(self, weights: dict[str, float] = WEIGHTS) -> float:
        return sum(weights[name] * value for name, value in self.features.items())


def answer(index: Index, text: str, *, k: int = 3, doc: str | None = None,
           source: str | None = None, explain: bool = False) -> Answer:
    """The `k` best hits for question `text` in `index`."""
    question = q.analyze(text, index.analyzer)
    ranked = sorted(candidates(index, question, doc=doc, source=source),
                    key=lambda c: (-c.score(), c.sentence.id))
    hits = []
    for rank, cand in enumerate(ranked[:k], start=1):
        sent, span = cand.sentence, cand.span
        hits.append(Hit(
            rank=rank, score=cand.score(), doc=sent.doc, sentence=sent.index, text=sent.text,
            start=sent.start, end=sent.end, attributions=sent.attributions,
            answer=AnswerSpan(sent.text[span[0]:span[1]], span) if span else None,
            date=index.doc_of(sent.id).get("date", ""), dateline=index.dateline(sent.id),
            matched=_matched_spans(index, question, sent.text),
            features={n: WEIGHTS[n] * v for n, v in cand.features.items()} if explain else {},
        ))
    return Answer(text, hits)


def candidates(index: Index, question: q.Question, *, doc: str | None = None,
               source: str | None = None) -> list[Candidate]:
    """Every sentence that could answer: it holds a question term, or it holds the kind of
    answer asked for right after a sentence that does."""
    ids, scores = index.bm25_scores(list(question.terms))
    if doc is not None:
        number = index.doc_number(doc)
        keep = index.sent_doc[ids] == number if number is not None else np.zeros(len(ids), bool)
        ids, scores = ids[keep], scores[keep]
    if len(ids) == 0:
        return []
    bm25_of = dict(zip(ids.tolist(), scores.tolist()))
    best = max(scores.max(), 1e-9)
    weights = _term_weights(index, question)
    found = []
    for i in _pool(index, ids, scores, source is not None):
        sent = index.sentence(i)
        if source is not None and not _said_by(sent, source):
            continue
        features, span = _features(index, question, sent, bm25_of, best, weights)
        if features["bm25"] <= 0 and features["type"] * features["context"] <= 0:
            continue
        found.append(Candidate(sent, features, span))
    return found


def _pool(index: Index, ids: np.ndarray, scores: np.ndarray, wide: bool) -> list[int]:
    """The best BM25 sentences and the sentence after each (context can carry the answer)."""
    limit = len(ids) if wide else CANDIDATES
    if len(ids) > limit:
        top = np.argpartition(-scores, limit - 1)[:limit]
        ids = ids[top]
    pool = set(ids.tolist())
    for i in list(pool):
        if i + 1 < index.size and index.sent_doc[i + 1] == index.sent_doc[i]:
            pool.add(i + 1)
    return sorted(pool)


def _features(index: Index, question: q.Question, sent: StoredSentence,
              bm25_of: dict[int, float], best: float,
              weights: dict[str, float]) -> tuple[dict[str, float], Span | None]:
    tokens = index.analyzer.tokens(sent.text)
    present = {t.term for t in tokens} & weights.keys()
    total_weight = sum(weights.values()) or 1.0
    previous = bm25_of.get(sent.id - 1, 0.0) if sent.index > 0 else 0.0
    query_spans = [(t.start, t.end) for t in tokens if t.term in weights]
    span = None
    type_score = 0.0
    if question.answer_type != q.OTHER:
        span = answers.best_span(question.answer_type, sent.text, query_spans, sent.attributions)
        type_score = 1.0 if span else 0.0
    features = {
        "bm25": bm25_of.get(sent.id, 0.0) / best,
        "coverage": sum(weights[t] for t in present) / total_weight,
        "type": type_score,
        "context": previous / best,
        "lead": 1.0 / (1 + sent.index),
        "proximity": _proximity(tokens, weights),
    }
    return features, span


def _term_weights(index: Index, question: q.Question) -> dict[str, float]:
    """IDF of each distinct question term the index knows (unknown terms weigh nothing)."""
    weights = {}
    for term in dict.fromkeys(question.terms):
        tid = index.term_id(term)
        if tid is not None:
            weights[term] = max(float(index.idf[tid]), 1e-6)
    return weights


def _proximity(tokens: list, weights: dict[str, float]) -> float:
    """1 when two different question terms are adjacent, falling off with the gap."""
    word_of = {start: n for n, start in enumerate(sorted({t.start for t in tokens}))}
    best = math.inf
    last: dict[str, int] = {}
    for token in tokens:
        if token.term not in weights:
            continue
        word = word_of[token.start]
        for other, where in last.items():
            if other != token.term and word != where:
                best = min(best, word - where)
        last[token.term] = word
    return 0.0 if best is math.inf else 1.0 / best


def _said_by(sent: StoredSentence, name: str) -> bool:
    wanted = name.casefold()
    return any(wanted in a.source.casefold() or wanted in a.resolved_source.casefold()
               for a in sent.attributions)


def _matched_spans(index: Index, question: q.Question, text: str) -> list[Span]:
    terms = set(question.terms)
    spans = sorted({(t.start, t.end) for t in index.analyzer.tokens(text) if t.term in terms})
    return spans

