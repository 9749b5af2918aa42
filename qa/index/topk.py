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
        """`score(i, 0.0)` of each sentence of an array, at once (the same floats). The
        sentences are searched as the postings' own integer type: keys of another type make
        numpy convert the whole postings block at each search (at 1e6, 91 against 2 us for 50
        sentences in the 419,000 postings of "said")."""
        np = numpy_module()
        post = self.index._numpy("postings.sentence")
        score = self.index._numpy("postings.score")
        sentences = sentences.astype(post.dtype)  # sentence numbers: they fit
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
    ceilings = [sum(_highest(index, score, spans[c]) for c in order[j:])
                for j in range(len(spans) + 1)]
    scored = ids
    ids, acc = _contenders(np, index, spans, order, ceilings, ids, k, None,
                           own=spans[order[0]] if taken == 1 else None)
    floor = -np.partition(-acc, k - 1)[k - 1]
    needed = next(j for j in range(taken, len(spans) + 1) if ceilings[j] < floor - 1e-9)
    if needed > taken:
        more = _union(np, [post[slice(*spans[c])] for c in order[taken:needed]])
        at = np.minimum(np.searchsorted(scored, more), len(scored) - 1)
        more = more[scored[at] != more]  # those not scored yet
        if len(scored) + len(more) > budget:
            return None
        more, more_acc = _contenders(np, index, spans, order, ceilings, more, k, floor)
        ids = np.concatenate((ids, more))
        acc = np.concatenate((acc, more_acc))
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


def _contenders(np, index, spans, order, ceilings, ids, k, floor, own=None):
    """Of the sentences `ids`, those that can still be among the k best, with their sums as
    `Index.bm25_scores` adds them (less the constant), MaxScore's way: the terms are searched
    rarest first (`order`), and
    after each a sentence whose sum so far plus the most the terms left could add
    (`ceilings`, by how many terms of `order` were taken) is under the floor is dropped
    before the commoner terms' postings are searched for it. The floor is `floor` when it is
    known, else the k-th best sum so far: sums only grow, so no sentence that can be among
    the k best of `ids` is dropped. A margin of 1e-9 stands for rounding, and the sums kept
    are added in the query's order, a term a sentence lacks adding 0.0 (which leaves any
    float as it is): the same floats. Where the sentences are one term's postings (`own`),
    its contributions are its scores as stored, found without a search."""
    score = index._numpy("postings.score")
    parts = {}  # a term's position in the query -> its contribution to each of `ids`
    partial = np.zeros(len(ids))
    for j, c in enumerate(order):
        span = spans[c]
        parts[c] = score[slice(*span)] if span == own else _term_scores(np, index, span, ids)
        partial = partial + parts[c]
        if j + 1 == len(order) or len(ids) == 0 or (floor is None and len(ids) <= k):
            break
        bar = floor if floor is not None else -np.partition(-partial, k - 1)[k - 1]
        keep = partial + ceilings[j + 1] >= bar - 1e-9
        if not keep.all():
            ids, partial = ids[keep], partial[keep]
            parts = {c: v[keep] for c, v in parts.items()}
    acc = np.zeros(len(ids))
    for c, span in enumerate(spans):
        acc += parts[c] if c in parts else _term_scores(np, index, span, ids)
    return ids, acc


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
