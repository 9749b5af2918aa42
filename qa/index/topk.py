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


def top_matches(index, spans: list[tuple[int, int]], const: float, k: int):
    """PrunedMatches for the `k` best, or None when pruning cannot prove them (the caller
    then sums every posting)."""
    sizes = [hi - lo for lo, hi in spans]
    if max(sizes) < COMMON or all(n >= COMMON for n in sizes):
        return None
    np = numpy_module()  # with room for it checked, as every numpy import on the ask path

    post = index._numpy("postings.sentence")
    score = index._numpy("postings.score")
    rare = [s for s, n in zip(spans, sizes) if n < COMMON]
    common = [s for s, n in zip(spans, sizes) if n >= COMMON]
    ids = np.unique(np.concatenate([post[lo:hi] for lo, hi in rare]))
    if len(ids) < k:
        return None
    acc = np.zeros(len(ids))
    for lo, hi in spans:  # every term, in the query's order: the same sums as bm25_scores
        block = post[lo:hi]
        at = np.searchsorted(block, ids)
        inside = at < len(block)
        hit = np.zeros(len(ids), bool)
        hit[inside] = block[at[inside]] == ids[inside]
        acc[hit] += score[lo + at[hit]]
    kth = -np.partition(-acc, k - 1)[k - 1]
    ceiling = sum(float(score[lo:hi].max()) for lo, hi in common)
    if not ceiling < kth - 1e-9:
        return None
    scores = acc + const
    order = np.lexsort((ids, -scores))[:k]
    return PrunedMatches(index, spans, const, ids[order].tolist(), scores[order].tolist())
