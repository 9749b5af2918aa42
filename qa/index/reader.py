"""The persistent index opened: arrays mapped, records read, queries scored (its manifest and
freshness are `qa.index.format`).

Layout of an index folder (documented for users in index/README.md; `qa.index.writer` writes it,
the record layouts are `qa.index.format`'s):
    manifest.json     format version, analyzer and BM25 settings, source hashes, counts, and
                      the name of the generation folder that holds the data
    gen-*/            one complete build: JSON Lines with byte offsets, .npy arrays
    .lock             taken while building, so two qa processes never build at once
    .qa-index         qa's mark on the folder; `.qa-made` marks each folder a build made
                      (`qa.index.owned`: a build removes nothing else)
Opening maps the arrays without numpy (`qa.npy`); a query sums its terms' postings in Python
while they are few and with numpy, imported then, when they are many.
"""
from __future__ import annotations

import os
import stat
import sys
import threading
from bisect import bisect_left
from dataclasses import dataclass
from pathlib import Path

from .. import bm25, npy
from . import checksums
from ..analyzer import Analyzer
from .format import IndexUnusable, SentenceRecord, read_manifest
from .matches import Matches, numpy_module as _numpy  # noqa: F401 (Matches: known as qa.index.Matches)
from ..model import Attribution, dateline
from .names import StoredNames
from .records import Records
from .source_table import SourceTable

_ARRAYS = ("sentences.doc", "sentences.len", "terms.idf", "terms.ptr",
           "postings.sentence", "postings.score",
           # forward data for re-ranking (written by qa.index.forward)
           "forward.term", "forward.start", "forward.end", "forward.ptr", "sentences.paragraph")
_RECORDS = ("docs", "sentences", "terms")

# How a query's postings are summed: numpy is quicker from a few hundred postings on, but its
# import costs a one-shot `qa ask` about 50 ms, as long as plain Python takes for some 200,000
# postings. So numpy is used beyond NUMPY_POSTINGS once something has loaded it, and loaded
# only for a query beyond PYTHON_POSTINGS (bench/bench_speed.py measured both; the results are
# the same floats either way). A question on an article or a week of wire copy never loads it.
NUMPY_POSTINGS = 256
# Sentences searched around a known one for its article's first or last (`article_first`).
_NEAR = 64
PYTHON_POSTINGS = 50_000
# Up to this many postings a query's sentences are found by merging its terms' sorted runs,
# not by marking them in arrays the size of the index and scanning those (at 1e6 sentences
# the scan alone is most of a rare-term query's cost: 1.23 -> 0.58 ms CPU a query under 20,000
# postings, 2.31 -> 1.81 ms under 60,000, the same from about 100,000 on).
MERGED_POSTINGS = 100_000


@dataclass(frozen=True)
class StoredSentence:
    """A sentence as the index keeps it, with its document's metadata."""

    id: int
    doc: str
    index: int
    start: int
    end: int
    text: str
    attributions: list[Attribution]
    paragraph: int = 0


# ---------------------------------------------------------------------------------- open


class Index:
    """An opened index: mapped arrays and record files, read lazily."""

    def __init__(self, folder: Path, manifest: dict) -> None:
        self.folder, self.manifest = folder, manifest
        self.analyzer = Analyzer()
        self._doc_numbers: dict[str, int] | None = None
        self._doc_ids: dict[int, str] = {}
        self._term_ids: dict[str, int | None] = {}
        self._sources = None
        self._names: StoredNames | None = None
        self._numpy_views: dict[str, object] = {}
        self._acc = self._seen = None  # numpy scratch for large queries, kept between them
        self._scratch_lock = threading.Lock()
        data = folder / manifest["data"]
        self._check_files(data, manifest)
        try:
            self.params = bm25.BM25Params.from_json(manifest["bm25"])
            arrays = {name: npy.load(data / f"{name}.npy") for name in _ARRAYS}
            self.docs, self.sentences, self.terms = (Records(data, n) for n in _RECORDS)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise IndexUnusable(f"index data in {data} is corrupt ({exc})") from None
        self._arrays = arrays
        self.sent_doc = arrays["sentences.doc"]
        self.sent_len = arrays["sentences.len"]
        self.idf = arrays["terms.idf"]
        self.ptr = arrays["terms.ptr"]
        self.post_sentence = arrays["postings.sentence"]
        self.post_score = arrays["postings.score"]
        self.fwd_term, self.fwd_ptr = arrays["forward.term"], arrays["forward.ptr"]
        self.fwd_start, self.fwd_end = arrays["forward.start"], arrays["forward.end"]
        self.paragraph = arrays["sentences.paragraph"]
        n_terms = len(self.terms)
        if (len(self.sentences) != len(self.sent_doc) or len(self.ptr) != n_terms + 1
                or len(self.idf) != n_terms or len(self.post_score) != len(self.post_sentence)
                or len(self.sent_len) != len(self.sent_doc)
                or len(self.paragraph) != len(self.sent_doc)
                or len(self.fwd_ptr) != len(self.sent_doc) + 1
                or len(self.fwd_term) != len(self.fwd_start)
                or len(self.fwd_end) != len(self.fwd_start)
                or (len(self.fwd_ptr) and self.fwd_ptr[-1] != len(self.fwd_term))
                or (n_terms and (self.ptr[0] != 0 or self.ptr[-1] != len(self.post_score)))):
            raise IndexUnusable(f"index data in {data} is inconsistent")

    @staticmethod
    def _check_files(data: Path, manifest: dict) -> None:
        """The generation a plain folder and its files as the build left them (qa.index.checksums)."""
        try:
            if not stat.S_ISDIR(os.lstat(data).st_mode):
                raise IndexUnusable(f"index data {data} is not a plain folder")
        except OSError:
            raise IndexUnusable(f"index data {data} is missing") from None
        try:
            checksums.verify(data, manifest["files"], manifest.get("checksums"))
        except checksums.Damaged as exc:
            raise IndexUnusable(str(exc)) from None

    @classmethod
    def open(cls, folder: Path) -> "Index":
        """Open the current generation; retried once if a rebuild swapped it meanwhile."""
        for attempt in range(3):
            manifest = read_manifest(folder)
            try:
                return cls(folder, manifest)
            except IndexUnusable:
                if attempt == 2 or read_manifest(folder).get("data") == manifest["data"]:
                    raise
        raise AssertionError("unreachable")

    @property
    def size(self) -> int:
        return len(self.sent_doc)

    def term_id(self, term: str) -> int | None:
        """The number of `term`, by binary search over the sorted terms file, remembered:
        a question looks each of its terms up several times (scoring, weights, pairs)."""
        try:
            return self._term_ids[term]
        except KeyError:
            if len(self._term_ids) >= 100_000:  # a long session of varied questions
                self._term_ids.clear()
            found = self._term_ids[term] = self.terms.find(term)
            return found

    @property
    def names(self) -> StoredNames:
        """The names stored for completion, mapped on first use."""
        if self._names is None:
            self._check_complete()
            data = self.folder / self.manifest["data"]
            try:
                self._names = StoredNames(data)
            except (OSError, ValueError) as exc:
                raise IndexUnusable(f"names in {data} are corrupt ({exc})") from None
        return self._names

    @property
    def sources(self) -> SourceTable:
        """The source table (who said what), mapped on first use."""
        if self._sources is None:
            self._check_complete()
            data = self.folder / self.manifest["data"]
            try:
                self._sources = SourceTable(data)
            except (OSError, ValueError, KeyError) as exc:
                raise IndexUnusable(f"source table in {data} is corrupt ({exc})") from None
        return self._sources

    @property
    def complete(self) -> bool:
        """False when an update left the source table and names for later (`qa.api`
        completes the index for the commands that read them: writer.finish)."""
        return self.manifest.get("late") is not True

    def _check_complete(self) -> None:
        if not self.complete:
            raise IndexUnusable(f"the source table of the index in {self.folder} is not "
                                f"written yet; 'qa index' writes it")

    def record(self, i: int) -> SentenceRecord:
        """Sentence i's record as stored (its layout: qa.index.format.SentenceRecord)."""
        try:
            return SentenceRecord.decode(self.sentences[i])
        except ValueError:
            data = self.folder / self.manifest["data"]
            raise IndexUnusable(f"sentence {i} in {data} is corrupt") from None

    def text(self, i: int) -> str:
        """Sentence i's text alone (its record's other fields are not decoded)."""
        try:
            return SentenceRecord.text_of(self.sentences.line(i))
        except ValueError:
            data = self.folder / self.manifest["data"]
            raise IndexUnusable(f"sentence {i} in {data} is corrupt") from None

    def sentence(self, i: int) -> StoredSentence:
        record = self.record(i)
        return StoredSentence(i, self.doc_id(self.sent_doc[i]), record.index, record.start,
                              record.end, record.text,
                              [Attribution.from_json(a) for a in record.attributions],
                              record.paragraph)

    def doc_id(self, d: int) -> str:
        """Article d's id, its record decoded once per process (a question reads the
        records of some 50 candidate sentences, often of the same articles)."""
        found = self._doc_ids.get(d)
        if found is None:
            found = self._doc_ids[d] = self.docs[d]["id"]
        return found

    def term_ids(self, i: int) -> list[int]:
        """Sentence i's term numbers in text order (forward data: no re-analysis)."""
        return self.fwd_term[self.fwd_ptr[i]:self.fwd_ptr[i + 1]].tolist()

    def token_spans(self, i: int) -> tuple[list[int], list[int], list[int]]:
        """Sentence i's term numbers with the start and end of the word each came from."""
        lo, hi = self.fwd_ptr[i], self.fwd_ptr[i + 1]
        return (self.fwd_term[lo:hi].tolist(), self.fwd_start[lo:hi].tolist(),
                self.fwd_end[lo:hi].tolist())

    def doc_of(self, i: int) -> dict:
        return self.docs[self.sent_doc[i]]

    def dateline(self, i: int) -> str:
        meta = self.doc_of(i)
        return dateline(meta.get("place", ""), meta.get("agency", ""))

    def doc_number(self, doc_id: str) -> int | None:
        """The number of the article with this id (the id table is read on first use)."""
        if self._doc_numbers is None:
            self._doc_numbers = {doc["id"]: d for d, doc in enumerate(self.docs)}
        return self._doc_numbers.get(doc_id)

    def doc_sentences(self, number: int) -> range:
        """The sentence numbers of article `number` (an article's sentences are consecutive)."""
        meta = self.docs[number]
        return range(meta["first"], meta["first"] + meta["count"])

    def docs_with(self, term: str) -> list[int]:
        """The article numbers whose sentences hold `term`, ascending."""
        t = self.term_id(term)
        return [] if t is None else self.docs_with_id(t)

    def postings_count_total(self) -> int:
        return len(self.post_sentence)

    def postings_count(self, t: int) -> int:
        """How many sentences hold term number t."""
        return self.ptr[t + 1] - self.ptr[t]

    def doc_range(self, d: int, near: int | None = None) -> tuple[int, int]:
        """Article d's first sentence and the one after its last, from the sentence array
        (articles' sentences are consecutive and ascending), without decoding its record;
        `near`: one of its sentences, when known (the search then starts there)."""
        if near is None:
            first = bisect_left(self.sent_doc, d)
            return first, bisect_left(self.sent_doc, d + 1, first)
        sent_doc, hi = self.sent_doc, near + _NEAR
        stop = bisect_left(sent_doc, d + 1, near, hi) if hi < self.size and sent_doc[hi] != d \
            else bisect_left(sent_doc, d + 1, near)
        return self.article_first(near), stop

    def article_first(self, i: int) -> int:
        """The first sentence of sentence i's article. Searched among the _NEAR sentences
        before i when it starts there (most articles are shorter), else among all before it:
        at 1e6, 1.8 against 4.6 us a search of the sentence array."""
        sent_doc, d, lo = self.sent_doc, self.sent_doc[i], i - _NEAR
        if lo > 0 and sent_doc[lo] != d:
            return bisect_left(sent_doc, d, lo, i)
        return bisect_left(sent_doc, d, 0, i)

    def term_in(self, t: int, first: int, stop: int) -> bool:
        """Whether a sentence in first..stop-1 holds term number t (binary search)."""
        lo, hi = self.ptr[t], self.ptr[t + 1]
        at = bisect_left(self.post_sentence, first, lo, hi)
        return at < hi and self.post_sentence[at] < stop

    def docs_with_id(self, t: int) -> list[int]:
        """The article numbers whose sentences hold term number t, ascending."""
        lo, hi = self.ptr[t], self.ptr[t + 1]
        if not _numpy_pays(hi - lo):
            sent_doc = self.sent_doc
            return sorted({sent_doc[row] for row in self.post_sentence[lo:hi].tolist()})
        np = _numpy()
        docs = self._numpy("sentences.doc")[self._numpy("postings.sentence")[lo:hi]]
        # ascending already: postings and articles both are
        return docs[np.concatenate(([True], docs[1:] != docs[:-1]))].tolist()

    def bm25_scores(self, terms: list[str]) -> Matches:
        """Sentences holding any of `terms` and their BM25 scores as rank-bm25 computes them.

        Query terms count as often as they occur, as in rank-bm25's `get_scores`. The cost is
        that of the terms' postings. Both ways of summing add a sentence's contributions in
        the order of the terms, then the constant, so they give the same floats.
        """
        query = self._query(terms)
        return Matches([], []) if query is None else self._scores(*query)

    def bm25_among(self, terms: list[str], sentences: set[int]) -> Matches:
        """`bm25_scores(terms).among(sentences)`: when the sentences are fewer than the
        terms' postings (a --source filter against common terms), each is looked up in each
        term's postings instead of every posting being summed. Added in the terms' order, as
        there: the same floats."""
        query = self._query(terms)
        if query is None:
            return Matches([], [])
        spans, const = query
        if 4 * len(sentences) * len(spans) >= sum(hi - lo for lo, hi in spans):
            return self._scores(*query).among(sentences)
        np = _numpy()
        post, score = self._numpy("postings.sentence"), self._numpy("postings.score")
        ids = np.sort(np.fromiter(sentences, np.int64, len(sentences)))
        keys = ids.astype(post.dtype)  # searched as the postings' type: no copy of them
        acc, found = np.zeros(len(ids)), np.zeros(len(ids), bool)
        for lo, hi in spans:
            at = np.minimum(np.searchsorted(post[lo:hi], keys), hi - lo - 1)
            hit = post[lo + at] == keys
            acc[hit] += score[lo + at[hit]]
            found |= hit
        return Matches(ids[found], acc[found] + const)

    def _query(self, terms: list[str]) -> tuple[list[tuple[int, int]], float] | None:
        """The known terms' postings ranges and the BM25 constant (None: nothing to score)."""
        known = [t for t in map(self.term_id, terms) if t is not None]
        if not known or self.size == 0:
            return None
        const = bm25.constant(self.params, [self.idf[t] for t in known])
        return [(self.ptr[t], self.ptr[t + 1]) for t in known], const

    def _scores(self, spans: list[tuple[int, int]], const: float) -> Matches:
        """bm25_scores over the postings ranges `spans`."""
        if _numpy_pays(sum(hi - lo for lo, hi in spans)):
            return self._bm25_numpy(spans, const)
        if len(spans) == 1:  # one term: its postings are the answer
            lo, hi = spans[0]
            return Matches(self.post_sentence[lo:hi].tolist(),
                           [s + const for s in self.post_score[lo:hi].tolist()])
        acc: dict[int, float] = {}
        for lo, hi in spans:
            for row, s in zip(self.post_sentence[lo:hi].tolist(),
                              self.post_score[lo:hi].tolist()):
                acc[row] = acc.get(row, 0.0) + s
        ids = sorted(acc)
        return Matches(ids, [acc[i] + const for i in ids])

    def _bm25_numpy(self, spans: list[tuple[int, int]], const: float) -> Matches:
        """bm25_scores for many postings: a dense accumulator kept between queries, of which
        only the entries a query touched are cleared."""
        np = _numpy()
        post_sentence = self._numpy("postings.sentence")
        post_score = self._numpy("postings.score")
        if len(spans) == 1:
            lo, hi = spans[0]
            return Matches(post_sentence[lo:hi].astype(np.int64), post_score[lo:hi] + const)
        if sum(hi - lo for lo, hi in spans) < MERGED_POSTINGS:
            return self._bm25_merged(np, spans, const)
        with self._scratch_lock:
            if self._acc is None:
                self._acc, self._seen = np.zeros(self.size), np.zeros(self.size, bool)
            acc, seen = self._acc, self._seen
            matched = None
            try:
                for lo, hi in spans:
                    rows = post_sentence[lo:hi]
                    acc[rows] += post_score[lo:hi]
                    seen[rows] = True
                matched = np.flatnonzero(seen)
                scores = acc[matched] + const
            finally:  # clear what this query touched, also after an error
                if matched is not None:
                    acc[matched] = 0.0
                    seen[matched] = False
                else:
                    acc[:] = 0.0
                    seen[:] = False
        return Matches(matched, scores)

    def _bm25_merged(self, np, spans: list[tuple[int, int]], const: float) -> Matches:
        """`_bm25_numpy` for fewer postings: the sentences are the sorted union of the terms'
        (a stable sort merges the sorted runs), and each term's scores are added at its
        sentences' places in the query's order, so every sum is the same floats. Each
        posting's place in the union comes from the sort's own order (a posting's place is
        the number of distinct sentences sorted before it), not from a binary search of the
        union for each posting: 1.26 -> 0.71 ms CPU a query at 1e6 (251 bench queries)."""
        post_sentence = self._numpy("postings.sentence")
        post_score = self._numpy("postings.score")
        postings = np.concatenate([post_sentence[lo:hi] for lo, hi in spans])
        order = np.argsort(postings, kind="stable")
        merged = postings[order]
        first = np.ones(len(merged), bool)
        first[1:] = merged[1:] != merged[:-1]
        place = np.empty(len(postings), np.intp)
        place[order] = np.cumsum(first) - 1
        acc = np.zeros(int(first.sum()))
        at = 0
        for lo, hi in spans:  # a term's sentences differ: no place twice in one addition
            acc[place[at:at + hi - lo]] += post_score[lo:hi]
            at += hi - lo
        return Matches(merged[first].astype(np.int64), acc + const)

    def top(self, terms: list[str], k: int = 10) -> Matches:
        """The `k` best sentences for `terms` by BM25 alone, best first (ties: lower id)."""
        return self.top_matches(terms, k).best(k)

    def top_matches(self, terms: list[str], k: int):
        """Matches good for their `k` best, highest and any sentence's score: pruned
        (qa.index.topk) when the query mixes rare and common terms, else bm25_scores."""
        query = self._query(terms)
        if query is None:
            return Matches([], [])
        from .topk import top_matches

        pruned = top_matches(self, *query, k)
        return self._scores(*query) if pruned is None else pruned

    def _numpy(self, name: str):
        """The array `name` as a numpy array over the same mapped memory (no copy)."""
        if name not in self._numpy_views:
            view = self._arrays[name]
            self._numpy_views[name] = _numpy().frombuffer(view, view.format)
        return self._numpy_views[name]


def _numpy_pays(postings: int) -> bool:
    return postings > (NUMPY_POSTINGS if "numpy" in sys.modules else PYTHON_POSTINGS)
