"""Segments: articles analysed once and kept, so that an update analyses only what changed.

A segment is a folder of the files below (layout in index/README.md). `write_part` streams
analysed articles into one; a generation is one too, holding every live article in corpus
order, plus the files `derive` computes from it for the reader (postings with their BM25
impacts, the source table, completion names). An update analyses the new and changed articles
into a segment of their own, gathers the previous generation's unchanged articles and the new
ones, in the order a fresh build puts them, into the next generation (`qa.index.gather`), and
derives its files again (the postings carried over, not inverted again: `qa.index.postings`).
BM25's N, average length and document frequencies are thus over the live sentences and
every float is the one a fresh build of the same articles computes (the same arrays go through
the same code); deleted articles are simply not gathered. Only builds import this module.
"""
from __future__ import annotations

import gc
import json
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .. import bm25
from ..analyzer import Analyzer
from ..model import Document
from .analysis import analysed, chunks
from . import postings
from .format import DocRecord, StatementRow
from .forward import ForwardWriter
from .names import NameCounts, read_counts, write_names
from .records import Records, RecordWriter, encode_line
from .source_build import date_number, write_source_table

if TYPE_CHECKING:
    from .gather import Carried

Progress = Callable[[int, int], None]

# What `derive_late` writes: the source table and the completion names.
SOURCE_TABLE_FILES = ("statements.sentence.npy", "statements.attribution.npy",
                      "statements.source.npy", "statements.date.npy", "sources.")
LATE_FILES = SOURCE_TABLE_FILES + ("names.jsonl", "names.offsets.npy", "names.sources.")


def is_late(name: str, files: tuple[str, ...] = LATE_FILES) -> bool:
    return any(name == f or (f.endswith(".") and name.startswith(f)) for f in files)


@dataclass
class Written:
    """What `write_part` wrote: counts, and problems met on the way (by article); each
    article's sentence count and date number (`derive` then need not read them back)."""

    documents: int = 0
    sentences: int = 0
    problems: list[str] = field(default_factory=list)
    counts: array = field(default_factory=lambda: array("i"))
    dates: list[int] = field(default_factory=list)


def doc_hash(doc: Document) -> str:
    """What identifies an article's content: an update keeps an article whose hash (and id and
    file) did not change, and analyses it again otherwise."""
    import hashlib

    fields = [doc.id, doc.source, doc.title, doc.date, doc.place, doc.agency, doc.body_start,
              doc.text]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode(
        "utf-8", "surrogatepass")).hexdigest()


def write_part(out: Path, documents: Iterable[tuple[Document, int, int]], analyzer: Analyzer,
               progress: Progress | None, workers: int = 1) -> Written:
    """Analyse `documents` into segment files in `out`; terms are numbered in order of first
    use (`derive` sorts them)."""
    vocabulary: dict[str, int] = {}
    tokens, lengths = array("i"), array("i")
    docs_out, sents_out = RecordWriter(out, "docs"), RecordWriter(out, "sentences")
    forward = ForwardWriter(out)
    rows = _RowWriter(out)
    names = NameCounts()
    written = Written()
    gc_was_enabled = gc.isenabled()
    gc.disable()  # the build allocates millions of small objects that are never cyclic
    try:
        for (first, docs, done, total, _), result in analysed(chunks(documents), workers,
                                                              analyzer):
            (counts, lines, line_sizes, chunk_lengths, local, chunk_tokens, spans,
             notes, statements, chunk_names) = result
            forward.add(*spans)
            written.problems.extend(notes)
            rows.add(statements, len(lengths))
            if chunk_names is not None:
                names.update(chunk_names)
            for doc, count in zip(docs, counts):
                record: DocRecord = {
                    "id": doc.id, "source": doc.source, "title": doc.title, "date": doc.date,
                    "place": doc.place, "agency": doc.agency, "hash": doc_hash(doc),
                    "first": written.sentences, "count": count}
                docs_out.add(record)
                written.sentences += count
                written.counts.append(count)
                written.dates.append(date_number(doc.date))
            sents_out.add_encoded(lines, line_sizes)
            lengths.extend(chunk_lengths)
            if chunk_tokens:  # the chunk's new terms numbered in their order of first use
                unseen = [t for t in local if t not in vocabulary]
                vocabulary.update(zip(unseen, range(len(vocabulary),
                                                    len(vocabulary) + len(unseen))))
                mapping = np.fromiter(map(vocabulary.__getitem__, local), np.int32, len(local))
                tokens.frombytes(mapping[np.frombuffer(chunk_tokens, np.int32)].tobytes())
            written.documents = first + len(docs)
            if progress:
                progress(done, total)
    finally:
        if gc_was_enabled:
            gc.enable()
    docs_out.close()
    sents_out.close()
    rows.close()
    lens = np.frombuffer(lengths, np.int32)
    forward.close(np.frombuffer(tokens, np.int32), lens.astype(np.int64))
    np.save(out / "sentences.len.npy", lens)
    write_vocabulary(out, list(vocabulary))
    write_counts(out, names)
    return written


class _RowWriter:
    """statements.rows.*: every attribution's place and the name the source table files it
    under, written as chunks arrive."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.records = RecordWriter(out, "statements.rows")
        self.sentence, self.attribution = array("i"), array("i")
        self.encoded: dict[tuple[str, str], bytes] = {}  # an archive repeats its sources

    def add(self, rows: list[StatementRow], first: int) -> None:
        if len(self.encoded) > 100_000:  # bounded: a new name per row would fill it
            self.encoded.clear()
        lines = []
        for row in rows:
            self.sentence.append(first + row.sentence)
            self.attribution.append(row.attribution)
            key = row[2:]  # (name, written)
            line = self.encoded.get(key)
            if line is None:
                line = self.encoded[key] = encode_line(list(key))
            lines.append(line)
        self.records.add_encoded(b"".join(lines), array("q", map(len, lines)))

    def close(self) -> None:
        self.records.close()
        np.save(self.out / "statements.rows.sentence.npy", np.frombuffer(self.sentence, np.int32))
        np.save(self.out / "statements.rows.attribution.npy",
                np.frombuffer(self.attribution, np.int32))


def write_vocabulary(out: Path, terms: list[str]) -> None:
    writer = RecordWriter(out, "terms")
    writer.extend_strings(terms)
    writer.close()


def write_counts(out: Path, names: NameCounts) -> None:
    (out / "names.counts.json").write_text(
        json.dumps(names.to_json(), ensure_ascii=False, separators=(",", ":")), "utf-8")


def link_or_copy(source: Path, target: Path) -> None:
    """`target` the same file as `source`: a hard link, or a copy where links cannot be made.
    (Index files are never written after they are made, so sharing one is safe.)"""
    import os

    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        import shutil

        shutil.copyfile(source, target, follow_symlinks=False)


# A generation of at least this many sentences derives its source table and names in a
# process of its own while this one computes the postings (`derive`, given `aside`): two
# serial steps of a few seconds each at 10^6 sentences, run side by side on two cores.
ASIDE_SENTENCES = 50_000


def derive(out: Path, params: bm25.BM25Params, names: NameCounts | None = None,
           late: bool = False, counts: np.ndarray | None = None,
           carried: Carried | None = None, dates: list[int] | None = None, aside: bool = False,
           settled: Callable[[list[str]], None] | None = None) -> tuple[int, int, int]:
    """Turn the segment in `out` into a generation: terms sorted (only those used), postings
    with their BM25 contributions, the article of each sentence, and unless `late` the source
    table and names (`derive_late`; from `names`, else the segment's counts). Returns
    (documents, sentences, terms). `counts` are the articles' sentence counts and `dates`
    their date numbers, when known; `carried`, how an update gathered the segment
    (`qa.index.gather`: its postings are then merged, not inverted again). With `aside` (a
    build that may use two cores) and at least
    ASIDE_SENTENCES sentences, the source table is written by another process meanwhile
    (the two write different files from inputs neither changes, so the files are the same),
    and `settled` is given the files that are final while that process still runs (to be
    synced and hashed meanwhile)."""
    if counts is None:
        counts, dates = _counts_and_dates(out)
    lengths = np.load(out / "sentences.len.npy").astype(np.int64)
    sentence_doc = np.repeat(np.arange(len(counts), dtype=np.int32), counts)
    with _Aside(aside and not late and len(lengths) >= ASIDE_SENTENCES) as side:
        if side.pool is not None:  # the source table there, the names here after the postings
            side.start(_write_source_table, out, dates, sentence_doc, lengths)
        vocabulary = Records(out, "terms").all()
        if carried is not None and carried.usable():
            n_terms = _carry_postings(out, params, carried, lengths, vocabulary)
        else:
            n_terms = _invert_postings(out, params, lengths, vocabulary)
        ptr = np.zeros(len(lengths) + 1, np.int64)
        np.cumsum(lengths, out=ptr[1:])
        np.save(out / "forward.ptr.npy", ptr)
        np.save(out / "sentences.doc.npy", sentence_doc)
        if side.pool is not None:
            write_names(out, names if names is not None else read_counts(out))
            if settled is not None:
                settled(sorted(p.name for p in out.iterdir()
                               if not is_late(p.name, SOURCE_TABLE_FILES)))
            side.wait()
        elif not late:
            derive_late(out, names, dates, sentence_doc, lengths)
    return len(counts), len(lengths), n_terms


class _Aside:
    """One step run in a worker process of its own (`qa.index.workers`: it ignores Ctrl-C and
    ends with the build), or nothing when not `wanted`. An error in the step is raised by
    `wait`; leaving the block ends the process."""

    def __init__(self, wanted: bool) -> None:
        self.wanted, self.pool = wanted, None

    def __enter__(self) -> _Aside:
        if self.wanted:
            from .workers import Workers

            self.pool = Workers(1)
        return self

    def start(self, step: Callable, *args) -> None:
        self.pool.submit(0, step, *args)

    def wait(self) -> None:
        self.pool.result(0)

    def __exit__(self, exc_type, exc, traceback) -> None:
        if self.pool is not None:
            self.pool.close(kill=exc_type is not None)


def _invert_postings(out: Path, params: bm25.BM25Params, lengths: np.ndarray,
                     vocabulary: list[str]) -> int:
    """Terms sorted (only those used) and renumbered in forward.term, postings inverted from
    the tokens. Returns the number of terms."""
    tok = np.load(out / "forward.term.npy")  # int32: as long as the corpus, kept narrow
    used = np.zeros(len(vocabulary), bool)
    used[tok] = True
    terms = [vocabulary[t] for t in np.flatnonzero(used)]  # no term of a deleted article
    order = sorted(range(len(terms)), key=terms.__getitem__)  # by code point, for the reader
    rank = np.full(len(vocabulary), -1, np.int32)
    rank[np.flatnonzero(used)[order]] = np.arange(len(terms), dtype=np.int32)
    terms = [terms[i] for i in order]
    tok = rank[tok] if len(tok) else np.zeros(0, np.int32)
    write_vocabulary(out, terms)
    np.save(out / "forward.term.npy", tok)
    write_postings(out, len(terms), tok, lengths, params)
    return len(terms)


def _carry_postings(out: Path, params: bm25.BM25Params, carried: Carried, lengths: np.ndarray,
                    vocabulary: list[str]) -> int:
    """The previous generation's postings carried over (`postings.merge_postings`); terms no
    article uses any more are dropped from the (sorted) union vocabulary and forward.term
    renumbered, which is needed only then. Returns the number of terms."""
    used = postings.merge_postings(out, carried.old.folder, carried.terms[id(carried.old)],
                                   carried.sentences[id(carried.old)],
                                   _new_postings(carried, len(lengths)), lengths,
                                   len(vocabulary), params)
    if used.all():
        return len(vocabulary)
    rank = (np.cumsum(used) - 1).astype(np.int32)
    tok = np.load(out / "forward.term.npy")
    np.save(out / "forward.term.npy", rank[tok] if len(tok) else np.zeros(0, np.int32))
    write_vocabulary(out, [vocabulary[t] for t in np.flatnonzero(used)])
    return int(used.sum())


def _new_postings(carried: Carried, sentences: int
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The new segment's postings in the gathered numbering: term (union), sentence, tf,
    sorted by term then sentence."""
    seg = carried.new
    if seg is None or not len(seg.arrays["forward.term"]):
        empty = np.zeros(0, np.int32)
        return empty, empty, empty
    width = max(sentences, 1)
    where = np.repeat(carried.sentences[id(seg)], seg.arrays["sentences.len"])
    keys = carried.terms[id(seg)][seg.arrays["forward.term"]].astype(np.int64) * width + where
    pairs, tf = np.unique(keys, return_counts=True)
    return ((pairs // width).astype(np.int32), (pairs % width).astype(np.int32),
            tf.astype(np.int32))


def derive_late(out: Path, names: NameCounts | None = None, dates: list[int] | None = None,
                sentence_doc: np.ndarray | None = None, lengths: np.ndarray | None = None
                ) -> None:
    """The files only `qa said`, `--source` and completion read: the source table and the
    names. They cost most of an update (a global grouping of every statement), so the update a
    question triggers leaves them to the first run that needs them (`writer.finish`)."""
    if sentence_doc is None:
        sentence_doc = np.load(out / "sentences.doc.npy")
    if lengths is None:
        lengths = np.load(out / "sentences.len.npy").astype(np.int64)
    _write_source_table(out, dates, sentence_doc, lengths)
    write_names(out, names if names is not None else read_counts(out))


def _write_source_table(out: Path, dates: list[int] | None, sentence_doc: np.ndarray,
                        lengths: np.ndarray) -> None:
    if dates is None:
        _, dates = _counts_and_dates(out)
    write_source_table(out, _statement_rows(out), sentence_doc, dates, lengths)


def _counts_and_dates(out: Path) -> tuple[np.ndarray, list[int]]:
    """Each article's sentence count and date number, from the segment's records."""
    docs = Records(out, "docs").all()
    counts = np.array([d["count"] for d in docs], np.int64)
    return counts, [date_number(d.get("date", "")) for d in docs]


def _statement_rows(out: Path) -> list[StatementRow]:
    """The statement rows, each distinct name held once however many rows repeat it (an
    archive repeats its sources hundreds of thousands of times)."""
    rows_at = np.load(out / "statements.rows.sentence.npy").tolist()
    rows_attr = np.load(out / "statements.rows.attribution.npy").tolist()
    rows = Records(out, "statements.rows").all_repeated()  # repeated rows share their strings
    return [StatementRow(s, a, name, written)
            for s, a, (name, written) in zip(rows_at, rows_attr, rows)]


def write_postings(out: Path, n_terms: int, tok: np.ndarray, lengths: np.ndarray,
                   params: bm25.BM25Params) -> None:
    """Invert (sentence, term) pairs into per-term postings with their BM25 contributions, a
    range of terms at a time (`qa.index.postings`: bounded memory, the same files)."""
    postings.write_postings(out, tok, lengths, n_terms, params)
