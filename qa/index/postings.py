"""Invert the build's token stream into per-term postings, a range of terms at a time.

Inverting all (term, sentence) pairs at once holds several 8-byte arrays as long as the
corpus's token count (keys, their sorted copy, terms, sentences, tf, scores and the
temporaries between them): 1.3 GB at 10^6 sentences. Here tokens are kept as int32 term
numbers with an int32 sentence number beside them, and the pairs are made, counted and
scored for one range of terms at a time (ranges of about `RANGE_TOKENS` tokens, in term
order), so the arrays of one range are all that exists at once besides the two token arrays
and each range's (sentence, tf) pairs. Document frequencies need every range before any idf
is known (BM25Okapi's floor uses the mean idf), so scoring is a second pass over the kept
pairs. Each posting's value is computed by the same element-wise operations on the same
dtypes as over the whole array at once, so the files are byte for byte the same.

Files written (layout in index/README.md): terms.idf.npy, terms.ptr.npy,
postings.sentence.npy (int32), postings.tf.npy (int32), postings.score.npy (float64).

An update does not invert the archive again (`merge_postings`): the previous generation's
postings, their sentences renumbered and those of removed articles dropped, keep their order
(kept articles keep theirs, terms keep theirs in the sorted union), so the new articles' few
postings are inserted where they belong, and every score is computed again from the term
frequencies with the new N, average length and document frequencies, by the same code as a
build's: the files are byte for byte a fresh build's. It streams: the old postings are read,
changed and written a chunk at a time, never copied whole.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .. import bm25

RANGE_TOKENS = 2_000_000  # tokens inverted at once: ~100 MB of temporaries
RANGE_TERMS = 1 << 16  # terms inverted at once, at most: numbered in 16 bits (`_invert`)


def write_postings(out: Path, tok: np.ndarray, doc_len: np.ndarray, terms: int,
                   params: bm25.BM25Params, range_tokens: int | None = None) -> None:
    """Postings of `tok` (int32 term number of each token, sentence by sentence; sentence i
    has doc_len[i] tokens) over `terms` terms, with their BM25 contributions, inverted
    `range_tokens` (default RANGE_TOKENS) tokens at a time."""
    range_tokens = range_tokens or RANGE_TOKENS
    n = len(doc_len)
    sentence = np.repeat(np.arange(n, dtype=np.int32), doc_len)
    kept: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]] = []
    doc_freq = np.zeros(terms, np.int64)
    for lo, hi in _ranges(tok, terms, range_tokens):
        if (lo, hi) != (0, terms):
            at = np.flatnonzero((tok >= lo) & (tok < hi))
            post_sent, tf, df = _invert(tok[at] - lo, sentence[at], hi - lo)
            del at
        else:
            post_sent, tf, df = _invert(tok - lo, sentence, hi - lo)
        doc_freq[lo:hi] = df
        kept.append((lo, post_sent, tf, df))
    del sentence
    term_idf, ptr, avgdl = _write_terms(out, params, doc_len, doc_freq)
    total = int(ptr[-1])
    with _NpyStream(out / "postings.sentence.npy", "<i4", total) as sentences, \
            _NpyStream(out / "postings.tf.npy", "<i4", total) as tfs, \
            _NpyStream(out / "postings.score.npy", "<f8", total) as scores:
        while kept:
            lo, post_sent, tf, df = kept.pop(0)
            post_term = np.repeat(np.arange(lo, lo + len(df), dtype=np.int64), df)
            score = contributions(params, term_idf[post_term], tf, doc_len[post_sent],
                                  avgdl)
            sentences.write(post_sent)
            tfs.write(tf)
            scores.write(score.astype(np.float64))


def _invert(term: np.ndarray, sentence: np.ndarray, terms: int
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The postings of tokens given in sentence order (`term` numbered from 0 within a range
    of `terms` terms, `sentence` beside it): each (term, sentence) pair's sentence and tf, in
    term then sentence order, and each term's document frequency. A stable sort by term keeps
    each term's sentences in order, so the pairs are runs of equal neighbours; with at most
    2^16 terms (as `_ranges` makes them) the sort is numpy's radix sort of 16-bit keys, a few
    passes where sorting (term, sentence) keys took a comparison sort: the same arrays."""
    key = term.astype(np.uint16) if terms <= 1 << 16 else term  # (always, from `_ranges`)
    order = np.argsort(key, kind="stable")
    del key
    term, sentence = term[order], sentence[order]
    del order
    first = np.empty(len(term), bool)
    if len(term):
        first[0] = True
        np.not_equal(term[1:], term[:-1], out=first[1:])
        first[1:] |= sentence[1:] != sentence[:-1]
    starts = np.flatnonzero(first)
    tf = np.diff(starts, append=len(term))
    return sentence[starts], tf, np.bincount(term[starts], minlength=terms)


def _write_terms(out: Path, params: bm25.BM25Params, doc_len: np.ndarray,
                 doc_freq: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """terms.idf.npy and terms.ptr.npy from each term's document frequency, for a build and
    an update alike (the same floats); returns the idf, the pointers and the average length."""
    n = len(doc_len)
    term_idf = bm25.idf(params, n, doc_freq)
    avgdl = float(doc_len.sum()) / n if n else 1.0
    ptr = np.zeros(len(doc_freq) + 1, np.int64)
    np.cumsum(doc_freq, out=ptr[1:])
    np.save(out / "terms.idf.npy", term_idf.astype(np.float64))
    np.save(out / "terms.ptr.npy", ptr)
    return term_idf, ptr, avgdl


MERGE_CHUNK = 1 << 18  # old postings merged at once: temporaries of a few MB, reused


def merge_postings(out: Path, old: Path, term_map: np.ndarray, sentence_map: np.ndarray,
                   new: tuple[np.ndarray, np.ndarray, np.ndarray], doc_len: np.ndarray,
                   union: int, params: bm25.BM25Params) -> np.ndarray:
    """The postings of an update, from the previous generation's in `old` and the new
    articles' `new` (term in the union vocabulary, sentence, tf; sorted by term then
    sentence). `term_map` gives each old term's number in the union of `union` terms,
    `sentence_map` each old sentence's new number (-1: removed). Writes the files
    `write_postings` writes, with terms numbered among those used; returns whether each union
    term is used.

    The document frequencies come first (the old ones, less the removed sentences' postings
    counted from their own tokens, plus the new ones), then one pass over the old postings,
    `MERGE_CHUNK` at a time, renumbers, drops, inserts and scores them: no array as long as
    the archive's postings is made (on this machine a fresh page costs more than the
    arithmetic done in it)."""
    old_ptr = np.load(old / "terms.ptr.npy")
    old_sent = np.load(old / "postings.sentence.npy", mmap_mode="r")
    old_tf = np.load(old / "postings.tf.npy", mmap_mode="r")
    new_term, new_sent, new_tf = new
    df = np.zeros(union, np.int64)
    df[term_map] = np.diff(old_ptr) - _removed_postings(old, sentence_map, len(term_map))
    df += np.bincount(new_term, minlength=union)
    used = df > 0
    term_idf, _, avgdl = _write_terms(out, params, doc_len, df[used])
    union_idf = np.zeros(union, np.float64)
    union_idf[used] = term_idf
    old_idf = union_idf[term_map]  # each old term's new idf
    at = _places(old_ptr, old_sent, term_map, sentence_map, new_term, new_sent)
    moved = Renumbering(sentence_map)
    total, size = int(df.sum()), len(old_sent)
    with _NpyStream(out / "postings.sentence.npy", "<i4", total) as sentences, \
            _NpyStream(out / "postings.tf.npy", "<i4", total) as tfs, \
            _NpyStream(out / "postings.score.npy", "<f8", total) as scores:
        for lo in range(0, max(size, 1), MERGE_CHUNK):
            hi = min(lo + MERGE_CHUNK, size)
            sent, alive = moved(old_sent[lo:hi])
            tf, idf = np.asarray(old_tf[lo:hi]), _idf_each(old_idf, old_ptr, lo, hi)
            first = int(np.searchsorted(at, lo))
            stop = len(at) if hi == size else int(np.searchsorted(at, hi))
            where = at[first:stop] - lo
            if alive is not None:
                sent, tf, idf = sent[alive], tf[alive], idf[alive]
                where = np.concatenate(([0], np.cumsum(alive)))[where]
            if stop > first:
                sent = _insert(sent, where, new_sent[first:stop])
                tf = _insert(tf, where, new_tf[first:stop])
                idf = _insert(idf, where, union_idf[new_term[first:stop]])
            sentences.write(sent)
            tfs.write(tf)
            scores.write(contributions(params, idf, tf, doc_len[sent], avgdl))
    return used


def _removed_postings(old: Path, sentence_map: np.ndarray, terms: int) -> np.ndarray:
    """How many postings of each old term are of removed sentences: their distinct (term,
    sentence) pairs, from the removed sentences' own tokens (forward data), not from a pass
    over every posting."""
    removed = np.flatnonzero(sentence_map < 0)
    if not len(removed):
        return np.zeros(terms, np.int64)
    ptr = np.load(old / "forward.ptr.npy", mmap_mode="r")
    tokens = np.load(old / "forward.term.npy", mmap_mode="r")
    starts = np.flatnonzero(np.diff(removed, prepend=-2) != 1)  # runs of removed sentences
    stops = np.append(starts[1:], len(removed))
    keys = []
    for a, b in zip(removed[starts].tolist(), (removed[stops - 1] + 1).tolist()):
        bounds = np.asarray(ptr[a:b + 1], np.int64)
        sentence = np.repeat(np.arange(a, b, dtype=np.int64), np.diff(bounds))
        keys.append(np.asarray(tokens[bounds[0]:bounds[-1]], np.int64) * len(sentence_map)
                    + sentence)
    pairs = np.unique(np.concatenate(keys))
    return np.bincount(pairs // len(sentence_map), minlength=terms)


def contributions(params: bm25.BM25Params, idf_each: np.ndarray, tf: np.ndarray,
                  lengths: np.ndarray, avgdl: float) -> np.ndarray:
    """`bm25.contributions` of postings (each one's term's idf, tf, sentence length), the
    same floats for less: for BM25Okapi and BM25Plus a posting's value is idf x g(tf, length),
    so g is computed by that same code once per (tf, length) pair and looked up (its value
    times 1.0 is itself; the product with idf is then the one `bm25.contributions` takes)."""
    if params.variant == "BM25L" or not len(tf):
        return bm25.contributions(params, idf_each, tf, lengths, avgdl)
    tops = int(tf.max()) + 1, int(lengths.max()) + 1
    if tops[0] * tops[1] * 4 > len(tf):  # not worth it
        return bm25.contributions(params, idf_each, tf, lengths, avgdl)
    grid = bm25.contributions(params, np.ones(tops[0] * tops[1]),
                              np.repeat(np.arange(tops[0], dtype=np.int64), tops[1]),
                              np.tile(np.arange(tops[1], dtype=np.int64), tops[0]), avgdl)
    code = tf.astype(np.int64) * tops[1]
    code += lengths
    return idf_each * grid[code]


def _idf_each(term_idf: np.ndarray, ptr: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """The idf of the term of each posting lo..hi-1 (postings in term order, `ptr` their
    bounds): runs of one value, repeated rather than looked up one by one."""
    first = int(np.searchsorted(ptr, lo, side="right")) - 1
    stop = int(np.searchsorted(ptr, hi, side="left"))
    counts = np.minimum(ptr[first + 1:stop + 1], hi) - np.maximum(ptr[first:stop], lo)
    return np.repeat(term_idf[first:stop], counts)


STEPS = 16  # runs of sentences from which renumbering looks each sentence up


class Renumbering:
    """`numbers[old]` for arrays `old`, and where it is not -1. An update keeps the sentences
    in a few runs, each shifted by a constant, and adds few terms to the sorted vocabulary:
    a comparison and an addition per run cost less than looking up 10^7 postings or tokens
    one by one. The runs are found once, for every array renumbered."""

    def __init__(self, numbers: np.ndarray) -> None:
        self.numbers = numbers
        self.runs: list[tuple[int, int, int | None]] | None = None  # (lo, hi, shift or None)
        if not len(numbers):
            return
        kept = numbers >= 0
        breaks = np.flatnonzero((kept[1:] != kept[:-1])
                                | (kept[1:] & (np.diff(numbers) != 1))) + 1
        if len(breaks) >= STEPS:
            return
        starts = np.concatenate(([0], breaks)).tolist()
        self.runs = [(lo, hi, None if numbers[lo] < 0 else int(numbers[lo]) - lo)
                     for lo, hi in zip(starts, starts[1:] + [len(numbers)])]

    def __call__(self, old: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        if not len(old) or not len(self.numbers):
            return np.zeros(len(old), np.int32), None
        if self.runs is None:
            new = self.numbers[old]
            alive = new >= 0
            return new, (None if alive.all() else alive)
        new = np.asarray(old, np.int32) + np.int32(0)  # a copy
        alive = None
        shift = 0
        for lo, hi, moved in self.runs:
            if moved is None:  # a run of removed sentences
                gone = (old >= lo) & (old < hi)
                alive = ~gone if alive is None else alive & ~gone
                continue
            step = moved - shift
            if step and lo == 0:  # every sentence moves (an article added first)
                new += np.int32(step)
            elif step:
                np.add(new, np.int32(step), out=new, where=old >= lo)
            shift += step
        return new, alive


def _places(old_ptr: np.ndarray, old_sent: np.ndarray, term_map: np.ndarray,
            sentence_map: np.ndarray, new_term: np.ndarray, new_sent: np.ndarray
            ) -> np.ndarray:
    """Where each new posting goes among the old ones (sorted by term, then sentence), as
    the number of old postings before it: in its term's postings (by binary search, an
    update adds a few hundred among millions), before the first of a kept sentence that
    comes after its own; a new term's, before the next old term's."""
    if not len(new_term):
        return np.zeros(0, np.int64)
    kept_old = np.flatnonzero(sentence_map >= 0)
    kept_new = sentence_map[kept_old]  # ascending: kept sentences keep their order
    term = np.searchsorted(term_map, new_term)  # old terms before it
    known = (term < len(term_map)) & (term_map[np.minimum(term, len(term_map) - 1)] == new_term)
    after = np.searchsorted(kept_new, new_sent)  # the kept sentence after it, if any
    places = []
    for t, is_old, k in zip(term.tolist(), known.tolist(), after.tolist()):
        lo, hi = int(old_ptr[t]), int(old_ptr[t + 1]) if is_old else int(old_ptr[t])
        if is_old and k < len(kept_old):
            hi = lo + int(np.searchsorted(old_sent[lo:hi], kept_old[k]))
        places.append(hi)
    return np.array(places, np.int64)


INSERT_LOOP = 10_000  # new postings up to which `_insert` copies the runs between them


def _insert(values: np.ndarray, at: np.ndarray, new: np.ndarray) -> np.ndarray:
    """`np.insert(values, at, new)` (`at` ascending) as one copy of each run of `values`
    between insertion points: np.insert moves every value through a boolean mask, ten
    times the cost for 10^7 values and a few hundred new ones."""
    if len(at) > INSERT_LOOP:
        return np.insert(values, at, new)
    out = np.empty(len(values) + len(new), values.dtype)
    prev = 0
    for n, (a, v) in enumerate(zip(at.tolist(), new.tolist())):
        out[prev + n:a + n] = values[prev:a]
        out[a + n] = v
        prev = a
    out[prev + len(new):] = values[prev:]
    return out


def _ranges(tok: np.ndarray, terms: int, range_tokens: int) -> list[tuple[int, int]]:
    """Consecutive term ranges [lo, hi) covering all terms, each of about `range_tokens`
    tokens (a term is never split: one very common term may make a range larger) and of at
    most RANGE_TERMS terms (`_invert`'s radix sort)."""
    if (len(tok) <= range_tokens and terms <= RANGE_TERMS) or terms == 0:
        return [(0, terms)]
    per_term = np.bincount(tok, minlength=terms)
    ends = np.cumsum(per_term)
    bounds = [0]
    while bounds[-1] < terms:
        start = int(ends[bounds[-1] - 1]) if bounds[-1] else 0
        hi = int(np.searchsorted(ends, start + range_tokens, side="right"))
        bounds.append(min(terms, bounds[-1] + RANGE_TERMS, max(hi, bounds[-1] + 1)))
    return list(zip(bounds, bounds[1:]))


class _NpyStream:
    """An .npy file of a known length written in pieces, as np.save would write it whole."""

    def __init__(self, path: Path, dtype: str, count: int) -> None:
        self.path, self.dtype, self.count, self.written = path, np.dtype(dtype), count, 0

    def __enter__(self) -> _NpyStream:
        self.file = open(self.path, "wb")
        header = np.lib.format.header_data_from_array_1_0(np.zeros(0, self.dtype))
        header["shape"] = (self.count,)
        np.lib.format.write_array_header_1_0(self.file, header)
        return self

    def write(self, values: np.ndarray) -> None:
        self.file.write(memoryview(np.ascontiguousarray(values, self.dtype)))
        self.written += len(values)

    def __exit__(self, *exc) -> None:
        self.file.close()
        if exc[0] is None and self.written != self.count:
            raise AssertionError(f"{self.path.name}: {self.written} of {self.count} written")
