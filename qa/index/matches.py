"""The sentences a query matched and their BM25 scores: what the index answers and the ranking
reads. A module of its own so that the exact pruned top-k (`qa.index.topk`) and the index both build
it without importing each other.
"""
from __future__ import annotations

import heapq
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass


def numpy_module():
    """numpy, imported on first need (with room for it checked): only large queries use it,
    and its import costs more than a small query."""
    from ..room import ensure_room_for_numpy

    ensure_room_for_numpy()
    import numpy  # only large queries need it: its import costs more than a small query

    return numpy


@dataclass(frozen=True)
class Matches:
    """The sentences holding a query term, ascending, and their BM25 scores.

    Plain lists for small queries, numpy arrays for large ones: both index, slice and bisect
    alike, so callers need not know which.
    """

    ids: Sequence[int]
    scores: Sequence[float]

    def __len__(self) -> int:
        return len(self.ids)

    def score(self, i: int, default: float = 0.0) -> float:
        """Sentence `i`'s score, by binary search (no dict of a million entries)."""
        at = bisect_left(self.ids, i)
        if at < len(self.ids) and self.ids[at] == i:
            return float(self.scores[at])
        return default

    def within(self, sentences: range) -> "Matches":
        """Only the sentences in a range (one article's)."""
        lo, hi = bisect_left(self.ids, sentences.start), bisect_left(self.ids, sentences.stop)
        return Matches(self.ids[lo:hi], self.scores[lo:hi])

    def among(self, allowed: set[int]) -> "Matches":
        """Only the sentences in `allowed` (a filter such as --source), before any ranking."""
        ids, scores = self.ids, self.scores
        if not isinstance(ids, list):  # arrays (a large query): every lookup at once
            np = numpy_module()
            wanted = np.sort(np.fromiter(allowed, np.int64, len(allowed)))
            at = np.searchsorted(ids, wanted)
            at = at[at < len(ids)]
            keep = at[ids[at] == wanted[:len(at)]]
            return Matches(ids[keep], scores[keep])
        if len(allowed) < len(ids) // 8:  # few allowed: look each up
            keep = []
            for i in sorted(allowed):
                at = bisect_left(ids, i)
                if at < len(ids) and ids[at] == i:
                    keep.append(at)
        else:
            keep = [j for j, i in enumerate(ids) if i in allowed]
        return Matches([ids[j] for j in keep], [scores[j] for j in keep])

    def id_list(self) -> list[int]:
        return self.ids if isinstance(self.ids, list) else self.ids.tolist()

    def highest(self) -> float:
        scores = self.scores  # numpy's own max for an array: Python's would box every item
        return float(max(scores)) if isinstance(scores, list) else float(scores.max())

    def best(self, k: int) -> "Matches":
        """The `k` best as lists, best first; ties go to the lower sentence number."""
        ids, scores = self.ids, self.scores
        if k <= 0:
            return Matches([], [])
        if isinstance(ids, list):
            order = range(len(ids))
            if len(ids) > k:  # the k-th best score in C, then sort only what reaches it
                kth = heapq.nlargest(k, scores)[-1]
                order = [j for j in order if scores[j] >= kth]
            order = sorted(order, key=lambda j: (-scores[j], j))[:k]
            return Matches([ids[j] for j in order], [scores[j] for j in order])
        np = numpy_module()
        if len(ids) > k:
            kth = scores[np.argpartition(scores, len(scores) - k)[len(scores) - k]]
            keep = np.flatnonzero(scores >= kth)  # all ties with the k-th, for the id order
            ids, scores = ids[keep], scores[keep]
        order = np.lexsort((ids, -scores))[:k]
        return Matches(ids[order].tolist(), scores[order].tolist())
