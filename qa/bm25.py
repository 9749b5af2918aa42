"""BM25 term contributions, computed once at build time with rank-bm25's own formulas.

rank-bm25 scores a query by looping over every sentence for every query term. Each term's
contribution to a sentence depends only on the term and the sentence, so we compute it once
per posting when the index is built and a query only adds up the postings of its terms. The
IDF comes from rank-bm25's own `_calc_idf`; the length normalisation below is the same
expression as its `get_scores`, so scores equal rank-bm25's (tests check it to 1e-9).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy is imported where the build needs it, not by a query
    import numpy as np

# rank-bm25 (and the multiprocessing it imports) is loaded only to build an index or to compare
# with it: answering a question needs none of it. `VARIANTS` maps names to its classes.
NAMES = ("BM25Okapi", "BM25L", "BM25Plus")


def __getattr__(name: str):
    if name == "VARIANTS":
        import rank_bm25

        return {n: getattr(rank_bm25, n) for n in NAMES}
    raise AttributeError(name)


@dataclass(frozen=True)
class BM25Params:
    """Which rank-bm25 class and parameters; chosen by measurement (docs/BM25.md)."""

    variant: str = "BM25Plus"
    k1: float = 0.3
    b: float = 0.6
    epsilon: float = 0.25  # BM25Okapi: floor for negative IDF, as a fraction of the mean IDF
    delta: float = 1.0     # BM25L / BM25Plus: lower bound on a present term's contribution

    def to_json(self) -> dict:
        return {"variant": self.variant, "k1": self.k1, "b": self.b,
                "epsilon": self.epsilon, "delta": self.delta}

    @classmethod
    def from_json(cls, data: dict) -> "BM25Params":
        params = cls(**{k: data[k] for k in ("variant", "k1", "b", "epsilon", "delta")})
        if params.variant not in NAMES:
            raise ValueError(f"unknown BM25 variant {params.variant!r}")
        return params

    def model(self, corpus_size: int):
        """An empty rank-bm25 object of the right class, holding only what `_calc_idf` reads."""
        import rank_bm25

        cls = getattr(rank_bm25, self.variant)
        obj = cls.__new__(cls)
        obj.corpus_size, obj.idf, obj.k1, obj.b = corpus_size, {}, self.k1, self.b
        if self.variant == "BM25Okapi":
            obj.epsilon = self.epsilon
        else:
            obj.delta = self.delta
        return obj


def idf(params: BM25Params, corpus_size: int, doc_freq: np.ndarray) -> np.ndarray:
    """IDF of each term id, by rank-bm25's `_calc_idf` over {term: document frequency}."""
    import numpy as np

    if len(doc_freq) == 0:
        return np.zeros(0)
    model = params.model(corpus_size)
    model._calc_idf(dict(enumerate(np.asarray(doc_freq, np.int64).tolist())))
    return np.fromiter(model.idf.values(), float, len(doc_freq))  # in term order, as inserted


def contributions(params: BM25Params, term_idf: np.ndarray, tf: np.ndarray,
                  doc_len: np.ndarray, avgdl: float) -> np.ndarray:
    """Each posting's share of a sentence's score: idf x the saturated, length-normalised tf."""
    k1, b = params.k1, params.b
    tf = tf.astype(float)
    if params.variant == "BM25Okapi":
        return term_idf * (tf * (k1 + 1) / (tf + k1 * (1 - b + b * doc_len / avgdl)))
    if params.variant == "BM25L":
        ctd = tf / (1 - b + b * doc_len / avgdl)
        return term_idf * tf * (k1 + 1) * (ctd + params.delta) / (k1 + ctd + params.delta)
    # BM25Plus adds idf * delta to *every* sentence for each query term; that part is the
    # same for all sentences and is added at query time (`constant`), so postings stay sparse.
    return term_idf * ((tf * (k1 + 1)) / (k1 * (1 - b + b * doc_len / avgdl) + tf))


def constant(params: BM25Params, query_idf: Iterable[float]) -> float:
    """What every sentence scores for the query's terms whether it holds them or not."""
    if params.variant != "BM25Plus":
        return 0.0
    return float(sum(idf * params.delta for idf in query_idf))
