"""The k best sentences for a query with common terms, exactly, without summing every posting.

A question holding "said" or "year" touches a large share of the index: summing all of their
postings is most of what BM25 costs at a million sentences. MaxScore's argument avoids it: a
sentence that holds none of the query's rare terms scores at most the sum of the common terms'
largest contributions. So the sentences holding a rare term are scored exactly (each term's
contribution found by binary search in its postings, added in the query's order, as
`Index.bm25_scores` adds them, so the floats are the same); when the k-th best of them already
beats what the common terms alone could give, those are the k best. Otherwise (or when every
term is common) the full sum is taken. Scores of other sentences (a candidate's neighbours) are
computed on demand the same way.
"""
from __future__ import annotations

import weakref
from bisect import bisect_left

from .matches import Matches, numpy_module

COMMON = 20_000  # postings from which a term counts as common


class PrunedMatches:
    """`Matches`-like: the k best, the best score, and any sentence's score on demand."""

    def __init__(self, index, spans: list[tuple[int, int]], const: float, ids, scores) -> None:
        self.index, self.spans, self.const = index, spans, const
        self._ids, self._scores = ids, scores
        self._known: dict[int, float] = dict(zip(ids, scores))

    def __len__(self) -> int:
        return len(self._ids)

    def highest(self) -> float:
        return self._scores[0]

    def best(self, k: int):
        if k > len(self._ids):
            raise ValueError("asked for more than were kept")
        return Matches(self._ids[:k], self._scores[:k])

    def score(self, i: int, default: float = 0.0) -> float:
        if i not in self._known:
            post = self.index.post_sentence
            found, total = False, 0.0
            for lo, hi in self.spans:
                at = bisect_left(post, i, lo, hi)
                if at < hi and post[at] == i:
                    total += self.index.post_score[at]
                    found = True
            self._known[i] = total + self.const if found else None
        value = self._known[i]
        return default if value is None else value


    def scores_of(self, sentences):
        """`score(i, 0.0)` of each sentence of an array, at once (the same floats)."""
        np = numpy_module()
        post = self.index._numpy("postings.sentence")
        score = self.index._numpy("postings.score")
        acc = np.zeros(len(sentences))
        found = np.zeros(len(sentences), bool)
        for lo, hi in self.spans:
            at = np.minimum(np.searchsorted(post[lo:hi], sentences), hi - lo - 1)
            hit = post[lo + at] == sentences
            acc[hit] += score[lo + at[hit]]
            found |= hit
        return np.where(found, acc + self.const, 0.0)


def top_matches(index, spans: list[tuple[int, int]], const: float, k: int):
    """PrunedMatches for the `k` best, or None when pruning cannot prove them or would cost
    more than the full sum (the caller then sums every posting).

    The sentences holding the rarest term are scored first: the k-th best of them is a floor
    for the k-th best of all. Then the terms are split: the rarest ones, from which every
    sentence that could beat the floor must hold one because the others' largest
    contributions add up to less, and the rest. The sentences of the rarest ones not yet
    scored are scored too, and the k best of all those scored are the k best."""
    sizes = [hi - lo for lo, hi in spans]
    if max(sizes) < COMMON or len(spans) < 2:
        return None
    np = numpy_module()  # with room for it checked, as every numpy import on the ask path

    post = index._numpy("postings.sentence")
    score = index._numpy("postings.score")
    order = sorted(range(len(spans)), key=sizes.__getitem__)
    budget = sum(sizes) // len(spans)  # scoring a sentence looks it up in every term
    ids, taken = None, 0
    while ids is None or len(ids) < k:  # the rarest terms' sentences: at least k of them
        if taken == len(spans) - 1:
            return None
        lo, hi = spans[order[taken]]
        ids = post[lo:hi] if ids is None else _union(np, [ids, post[lo:hi]])
        taken += 1
    if len(ids) > budget:
        return None
    acc = _sums(np, index, spans, ids, own=spans[order[0]] if taken == 1 else None)
    floor = -np.partition(-acc, k - 1)[k - 1]
    ceilings = [sum(_highest(index, score, spans[c]) for c in order[j:])
                for j in range(len(spans) + 1)]
    needed = next(j for j in range(taken, len(spans) + 1) if ceilings[j] < floor - 1e-9)
    if needed > taken:
        more = _union(np, [post[slice(*spans[c])] for c in order[taken:needed]])
        at = np.minimum(np.searchsorted(ids, more), len(ids) - 1)
        more = more[ids[at] != more]  # those not scored yet
        if len(ids) + len(more) > budget:
            return None
        ids = np.concatenate((ids, more))
        acc = np.concatenate((acc, _sums(np, index, spans, more)))
    scores = acc + const
    best = np.lexsort((ids, -scores))[:k]
    if not ceilings[needed] < acc[best[-1]] - 1e-9:  # (cannot happen: the floor was one)
        return None
    return PrunedMatches(index, spans, const, ids[best].tolist(), scores[best].tolist())


def _union(np, arrays):
    """The sorted union of ascending arrays of sentence numbers (a stable sort merges the
    runs in linear time; np.unique would sort them afresh)."""
    merged = np.sort(np.concatenate(arrays), kind="stable")
    if len(merged) < 2:
        return merged
    return merged[np.concatenate(([True], merged[1:] != merged[:-1]))]


def _sums(np, index, spans, ids, own=None):
    """The BM25 sums (without the constant) of sentences `ids` over every term, added in the
    query's order: the same floats as Index.bm25_scores (a term a sentence lacks adds 0.0,
    which leaves any float as it is). `own`: the span whose postings `ids` are, if one is:
    its contributions are its scores as stored, found without a search."""
    acc = np.zeros(len(ids))
    for span in spans:
        acc += index._numpy("postings.score")[slice(*span)] if span == own \
            else _term_scores(np, index, span, ids)
    return acc


def _term_scores(np, index, span: tuple[int, int], ids):
    """The contribution of one term (postings `span`) to each sentence of `ids`, 0.0 where
    it is absent, by binary search in its postings. (Laying a common term's scores out by
    sentence once per process, to gather instead of search, was tried and taken out: 8-28 ms
    of CPU a term at 1e6, mostly page faults of fresh memory, paid back only after about a
    million lookups, which 400 bench questions at 1e6 never reached.)"""
    lo, hi = span
    if hi == lo:
        return np.zeros(len(ids))
    post, score = index._numpy("postings.sentence"), index._numpy("postings.score")
    block = post[lo:hi]
    at = np.minimum(np.searchsorted(block, ids), hi - lo - 1)
    return np.where(block[at] == ids, score[lo + at], 0.0)


_highest_cache: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _highest(index, score, span: tuple[int, int]) -> float:
    """A term's largest contribution (its postings span `span`), found once per process."""
    known = _highest_cache.setdefault(index, {})
    if span not in known:
        known[span] = float(score[span[0]:span[1]].max())
    return known[span]
