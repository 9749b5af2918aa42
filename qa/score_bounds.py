"""Upper bounds of candidates' re-ranking features, read from the forward data alone.

`ranking.top_hits` shows a few sentences out of a pool of some 50 candidates, and computing a
candidate's features in full costs its record decoded (JSON), its words split and the answer
patterns run over its text. The bounds here need none of that: which of the question's terms
each sentence and its neighbours hold (a bit mask from the forward data), the BM25 scores and
the article coverage already known. With every weight non-negative, the weighted sum of the
bounds is at least the candidate's score (rounding is monotone), so the ranking computes
candidates in the order of their bounds and stops once the k-th best score found beats every
bound left: the k best are those a full pass finds, with the same scores, bit for bit.

Each feature's bound, as `rank_features.features_of` computes the feature (total: the question's
term weight; W(x): the weight of the terms in x):
    bm25, nbm25, lead, article   exact (the sentence's number in its article is its distance
                                 from the article's first sentence)
    coverage, context, neighbours, neighbours2   exact for the sentence's own terms, its
                                 paragraph neighbours' and the sentence before (assumed to be
                                 referred back to); taken both with and without the rule that
                                 lets a typed answer such as "10 km of the city" borrow the
                                 sentence before's terms, and the larger sum kept
    type, name                   1 when the question asks for a type of answer
    bigram                       the share of the question's word pairs both of whose words'
                                 terms the sentence holds
    exact                        1 when the question has words of 4 letters or more
    prefix                       W(terms of the question's longer words none of whose terms
                                 the sentence holds) / total
"""
from __future__ import annotations

import math
import sys
from bisect import bisect_right
from collections.abc import Callable, Mapping

from . import question as q


class Masks:
    """Which question terms each sentence holds, as a bit mask, read once per question."""

    def __init__(self, index, term_ids: list[int], weights: Mapping[int, float]) -> None:
        self.index = index
        self.bit = {t: 1 << n for n, t in enumerate(dict.fromkeys(term_ids))}
        self.weights = weights
        self.weighted = self.of_terms(weights)
        self._masks: dict[int, int] = {}
        self._weight: dict[int, float] = {0: 0.0}

    def of_terms(self, terms) -> int:
        bit, mask = self.bit, 0
        for t in terms:
            mask |= bit.get(t, 0)
        return mask

    def __call__(self, i: int) -> int:
        """Sentence i's mask of question terms."""
        mask = self._masks.get(i)
        if mask is None:
            bit = self.bit
            mask = 0
            for t in bit.keys() & set(self.index.term_ids(i)):
                mask |= bit[t]
            self._masks[i] = mask
        return mask

    def weight(self, mask: int) -> float:
        """W(mask): the exactly rounded sum of its weighted terms' weights (as
        rank_features.weight_of sums a set of them)."""
        mask &= self.weighted
        value = self._weight.get(mask)
        if value is None:
            value = self._weight[mask] = math.fsum(
                w for t, w in self.weights.items() if mask & self.bit[t])
        return value


class Bounds:
    """Upper bounds of each pool sentence's score `weighted_sum(features, weights)`: `loose`
    from the forward data, `tight` with the sentence's text too (its words as written give
    "exact" and "prefix"; whether it refers back settles "context")."""

    def __init__(self, index, question: q.Question, ids, masks: Masks,
                 matches, best: float, article: Mapping[int, float],
                 weights: Mapping[str, float],
                 weighted_sum: Callable[[Mapping[str, float], Mapping[str, float]], float]
                 ) -> None:
        """`ids`: ranking's _QuestionIds; `matches`: the question's BM25 scores."""
        self.index, self.question, self.ids, self.masks = index, question, ids, masks
        self.matches, self.best, self.article = matches, best, article
        self.weights, self.weighted_sum = weights, weighted_sum
        self.total = sum(masks.weights.values()) or 1.0
        self.typed = question.answer_type != q.OTHER
        self.pair_masks = [(masks.of_terms(a), masks.of_terms(b)) for a, b in ids.pairs]
        self.word_masks = [(w, masks.of_terms(terms)) for w, terms in ids.words]
        self._parts: dict[int, tuple[dict[str, float], int, int, int, int]] = {}
        self._rows: dict[int, int] = {}  # where `loose_many` left sentence i's parts
        self._arrays: tuple = ()

    def score(self, i: int) -> float:
        """Sentence i's BM25 score, 0 when it holds no question term."""
        return self.matches.score(i, 0.0)

    def loose_all(self, pool: list[int]) -> list[float]:
        """`loose` of each sentence of `pool`: with arrays once numpy is loaded (it is, for
        any query of more than a few hundred postings), else one by one."""
        if "numpy" in sys.modules and len(self.masks.bit) <= 62:
            return self.loose_many(pool)
        return [self.loose(i) for i in pool]

    def loose(self, i: int) -> float:
        """The bound from the forward data and the scores alone."""
        index, masks, W, total = self.index, self.masks, self.masks.weight, self.total
        sent_doc, paragraph, size = index.sent_doc, index.paragraph, index.size
        doc, para = sent_doc[i], paragraph[i]
        near = [j for j in (i - 1, i + 1)
                if 0 <= j < size and sent_doc[j] == doc and paragraph[j] == para]
        far = [j for j in (i - 2, i + 2)
               if 0 <= j < size and sent_doc[j] == doc and paragraph[j] == para]
        own = masks(i) & masks.weighted
        around = 0
        for j in near:
            around |= masks(j)
        gained = around & masks.weighted & ~own
        far_mask = 0
        for j in far:
            far_mask |= masks(j)
        far_gained = far_mask & masks.weighted & ~own & ~gained
        inherited = (masks(i - 1) & masks.weighted & ~own) if i > 0 else 0
        missing = 0
        for _, m in self.word_masks:
            if not m & own:
                missing |= m
        first = bisect_right(sent_doc, doc - 1, 0, i) if doc > 0 else 0
        mask = masks(i)
        measure = self.question.answer_type in q.MEASURES
        features = {
            "bm25": self.score(i) / self.best,
            "coverage": W(own) / total,
            "type": 1.0 if self.typed and measure else 0.0,
            "name": 1.0 if self.typed and not measure else 0.0,
            "context": W(inherited) / total,
            "lead": 1.0 / (1 + (i - first)),
            "neighbours": W(gained) / total,
            "neighbours2": W(far_gained) / total,
            "bigram": (sum(1 for a, b in self.pair_masks if a & mask and b & mask)
                       / self.ids.n_pairs if self.ids.n_pairs else 0.0),
            "nbm25": max((self.score(j) for j in near), default=0.0) / self.best,
            "exact": 1.0 if self.question.words else 0.0,
            "prefix": W(missing & ~own) / total,
            "article": self.article[doc],
        }
        self._parts[i] = (features, own, inherited, gained, far_gained)
        return self._bound(i, features, inherited)

    def tight(self, i: int, position: int, lowered: str, refers_back: bool) -> float:
        """The bound once the sentence's text is read: `position` its number in its article,
        `lowered` its text in lower case, `refers_back` whether it leans on the sentence
        before. A question word found in the text as a substring may be one of its words
        ("exact"), and a 5-letter start found so may begin one ("prefix"): counting every
        such find keeps the bound above the features, without splitting the text into words
        (only the few candidates computed in full are)."""
        features, own, inherited, _, _ = self._part(i)
        words = self.question.words
        exact = (sum(1 for w in words if w in lowered) / len(words)) if words else 0.0
        features = dict(features, exact=exact, lead=1.0 / (1 + position))
        gained = 0
        for w, m in self.word_masks:
            if not m & own and w[:5] in lowered:  # (prefixes only when it lacks the terms)
                gained |= m
        features["prefix"] = self.masks.weight(gained & ~own) / self.total
        if not (position > 0 and refers_back):
            inherited = 0
            features["context"] = 0.0
        return self._bound(i, features, inherited)

    def inherits(self, i: int) -> bool:
        """Whether the sentence before sentence i holds question terms it lacks (what it
        would take from there if it referred back)."""
        return self._part(i)[2] != 0

    def _bound(self, i: int, features: dict[str, float], inherited: int) -> float:
        """The larger of the sums with and without the sentence before's terms borrowed as
        the sentence's own (what a typed answer such as "10 km of the city" does)."""
        bound = self.weighted_sum(features, self.weights)
        if self.typed and inherited:
            _, own, _, gained, far_gained = self._part(i)
            borrowed = own | inherited
            W, total = self.masks.weight, self.total
            bound = max(bound, self.weighted_sum(dict(
                features, bm25=max(self.score(i), self.score(i - 1)) / self.best,
                coverage=W(borrowed) / total, context=0.0,
                neighbours=W(gained & ~borrowed) / total,
                neighbours2=W(far_gained & ~borrowed) / total), self.weights))
        return bound

    def _part(self, i: int) -> tuple[dict[str, float], int, int, int, int]:
        """Sentence i's loose features and masks (own, inherited, gained, far_gained)."""
        if i not in self._parts:
            row = self._rows[i]
            features, *masks = self._arrays
            self._parts[i] = ({name: v[row] for name, v in features.items()},
                              *(m[row] for m in masks))
        return self._parts[i]

    def loose_many(self, pool: list[int]) -> list[float]:
        """`loose` of each sentence of `pool`, with numpy arrays over the pool instead of
        Python per sentence (the same floats: the same operations in the same order).
        numpy must be loaded already, and the question hold at most 62 terms."""
        import numpy as np

        index, masks, total = self.index, self.masks, self.total
        sent_doc = index._numpy("sentences.doc")
        paragraph = index._numpy("sentences.paragraph")
        at = np.asarray(pool, np.int64)
        around = at[:, None] + np.arange(-2, 3)  # i-2 .. i+2
        inside = (around >= 0) & (around < index.size)
        around = np.clip(around, 0, index.size - 1)
        doc = sent_doc[at]
        same = inside & (sent_doc[around] == doc[:, None]) \
            & (paragraph[around] == paragraph[at][:, None])
        raw = self._mask_array(np, around)
        m = raw * same  # a neighbour outside the paragraph: 0
        weighted = masks.weighted
        own = m[:, 2] & weighted
        gained = (m[:, 1] | m[:, 3]) & weighted & ~own
        far_gained = (m[:, 0] | m[:, 4]) & weighted & ~own & ~gained
        prev = raw[:, 1] * (at > 0)  # the sentence before, in the paragraph or not
        inherited = prev & weighted & ~own
        missing = np.zeros(len(at), np.int64)
        for _, wm in self.word_masks:
            missing |= np.where(own & wm, 0, wm)
        W = self._weights_of
        before, own_bm25, after = self._score_array(np, np.clip(at + np.arange(-1, 2)[:, None],
                                                                0, index.size - 1))
        either = same[:, 1] | same[:, 3]  # max of the neighbours' scores, 0 when none
        near_bm25 = np.where(either, np.maximum(np.where(same[:, 1], before, -np.inf),
                                                np.where(same[:, 3], after, -np.inf)), 0.0)
        first = np.searchsorted(sent_doc, doc)
        pairs = np.zeros(len(at), np.int64)
        for a, b in self.pair_masks:
            pairs += ((m[:, 2] & a) != 0) & ((m[:, 2] & b) != 0)
        measure = self.question.answer_type in q.MEASURES
        n = len(at)
        features = {
            "bm25": own_bm25 / self.best,
            "coverage": W(np, own) / total,
            "type": np.full(n, 1.0 if self.typed and measure else 0.0),
            "name": np.full(n, 1.0 if self.typed and not measure else 0.0),
            "context": W(np, inherited) / total,
            "lead": 1.0 / (1 + (at - first)),
            "neighbours": W(np, gained) / total,
            "neighbours2": W(np, far_gained) / total,
            "bigram": pairs / self.ids.n_pairs if self.ids.n_pairs else np.zeros(n),
            "nbm25": near_bm25 / self.best,
            "exact": np.full(n, 1.0 if self.question.words else 0.0),
            "prefix": W(np, missing & ~own) / total,
            "article": np.array([self.article[d] for d in doc.tolist()]),
        }
        bound = self.weighted_sum(features, self.weights)
        if self.typed:
            borrowed = own | inherited
            prev_bm25 = np.where(at > 0, before, 0.0)
            other = self.weighted_sum(dict(
                features, bm25=np.maximum(own_bm25, prev_bm25) / self.best,
                coverage=W(np, borrowed) / total, context=np.zeros(n),
                neighbours=W(np, gained & ~borrowed) / total,
                neighbours2=W(np, far_gained & ~borrowed) / total), self.weights)
            bound = np.where(inherited != 0, np.maximum(bound, other), bound)
        self._rows = {i: row for row, i in enumerate(pool)}
        # as lists of Python floats and ints (what float() and int() of each entry give):
        # `_part` reads a few dozen sentences' entries, and a list is indexed far faster
        self._arrays = ({name: v.tolist() for name, v in features.items()},
                        *(m.tolist() for m in (own, inherited, gained, far_gained)))
        return bound.tolist()

    def _score_array(self, np, sentences):
        """`score` of each sentence of an array (the matches' own lookup, at once)."""
        matches = self.matches
        if hasattr(matches, "scores_of"):  # pruned: each term's postings searched
            return matches.scores_of(sentences.ravel()).reshape(sentences.shape)
        ids = matches.ids
        if isinstance(ids, list):
            return np.array([matches.score(i, 0.0) for i in sentences.ravel().tolist()]
                            ).reshape(sentences.shape)
        at = np.minimum(np.searchsorted(ids, sentences), len(ids) - 1)
        return np.where(ids[at] == sentences, matches.scores[at], 0.0)

    def _mask_array(self, np, sentences):
        """The masks of an array of sentence numbers, from the forward data at once."""
        index, bit = self.index, self.masks.bit
        flat = sentences.ravel()
        ptr = index._numpy("forward.ptr")
        lo, hi = ptr[flat], ptr[flat + 1]
        lengths = hi - lo
        ends = np.cumsum(lengths)
        tokens = index._numpy("forward.term")[
            np.repeat(lo - (ends - lengths), lengths) + np.arange(int(ends[-1]) if len(ends) else 0)]
        terms = np.array(sorted(bit), np.int64)
        values = np.array([bit[t] for t in sorted(bit)], np.int64)
        where = np.minimum(np.searchsorted(terms, tokens), len(terms) - 1)
        held = np.where(terms[where] == tokens, values[where], 0)
        out = np.zeros(len(flat), np.int64)
        full = lengths > 0
        if held.size:
            out[full] = np.bitwise_or.reduceat(held, (ends - lengths)[full])
        return out.reshape(sentences.shape)

    def _weights_of(self, np, masks):
        """W of each mask of an array (each distinct mask summed once, exactly, and
        remembered: a pool's few dozen masks are looked up, not sorted out with np.unique)."""
        weight = self.masks.weight
        return np.array([weight(m) for m in masks.tolist()])
