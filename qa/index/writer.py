"""Build an index from a corpus and write it atomically (the reading side is `qa.index.reader`).

A build writes a new `.build-*` folder, renames it to `gen-*`, then replaces manifest.json in
one `os.replace`; a reader therefore sees the old index or the new one, never a mix, and a
build killed half-way leaves the old index answering. Only builds import this module, and with
it numpy and the attribution and segmentation modules: answering a question needs none of them.
"""
from __future__ import annotations

import contextlib
import fcntl
import functools
import gc
import json
import os
import re
import time
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..room import ensure_room_for_numpy

ensure_room_for_numpy()  # numpy's import would end the process, short of memory
import numpy as np  # noqa: E402

from .. import bm25
from . import checksums, durable
from ..analyzer import Analyzer
from .format import FORMAT_VERSION, GENERATION_NAME, MANIFEST, IndexUnusable, read_manifest
from ..ingest import Corpus, find_sources, stream_corpus
from ..model import Document
from . import owned
from .forward import ForwardWriter
from .names import write_names
from .records import Records, RecordWriter
from .source_build import write_source_table

Progress = Callable[[int, int], None]


class IndexWriteError(Exception):
    """The index could not be written; the previous one, if any, is untouched."""


class EmptyCorpusError(Exception):
    """The corpus holds no article while the index holds some: the index is kept."""


class ForeignFolder(IndexWriteError):
    """The index folder holds files qa did not make: qa refuses to write there."""


@dataclass
class BuildReport:
    documents: int = 0
    sentences: int = 0
    terms: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    summary: str = ""  # what was skipped, in one line
    built: bool = True  # False: another build, waited for, made this one needless


# Per-article work (splitting, attribution, analysis, JSON) runs in worker processes when the
# corpus is at least this large; below it a pool costs more than it saves.
PARALLEL_BYTES = 4 << 20
_CHUNK_BYTES = 256 << 10  # articles are sent to workers in chunks of about this much text


def build(paths: list[Path], folder: Path, params: bm25.BM25Params | None = None,
          progress: Progress | None = None, workers: int | None = None,
          home: list[Path] | None = None, unless: Callable[[], bool] | None = None,
          waiting: Callable[[], None] | None = None,
          starting: Callable[[], None] | None = None) -> BuildReport:
    """Read the corpus at `paths` and replace the index in `folder` with it, atomically.

    Articles are read one file at a time and analysed in `workers` processes (default: up to
    2 for a corpus of 4 MB or more, else 1); the index is the same whatever the number.
    `progress(done, total)` counts bytes of the corpus files. `home` is the corpus later runs
    use when they name none (default: `paths`). A corpus without articles does not replace an
    index that has some (EmptyCorpusError). While another build holds the folder this one
    waits (calling `waiting()` first), then skips when `unless()` says that build made it
    needless; `starting()` is called when it does build.
    """
    params = params or bm25.BM25Params()
    started = time.perf_counter()
    paths = [p.resolve() for p in paths]
    corpus = Corpus()
    files = find_sources(paths, exclude=[folder], skipped=corpus.skipped,
                         problems=corpus.problems)
    try:
        check_folder(folder)
        folder.mkdir(parents=True, exist_ok=True)
        with _build_lock(folder, waiting):
            if unless is not None and unless():
                return BuildReport(built=False, seconds=time.perf_counter() - started)
            if starting is not None:
                starting()
            owned.mark_folder(folder)
            previous = _previous_generation(folder)
            _remove_leftovers(folder, keep=previous)
            report = _write_generation(folder, files, paths, params, progress, workers, corpus,
                                       [p.resolve() for p in home or paths], previous)
    except OSError as exc:
        raise IndexWriteError(f"cannot write index in {folder}: "
                              f"{exc.strerror or exc}") from None
    report.seconds = time.perf_counter() - started
    return report


def check_folder(folder: Path) -> None:
    """Raise ForeignFolder unless `folder` is qa's or holds nothing a user could lose."""
    if not owned.may_take(folder):
        raise ForeignFolder(f"{folder} is not a qa index folder (it holds files qa did not "
                            f"make); choose a new or empty folder with --index")


def _write_generation(folder: Path, files: list[Path], paths: list[Path],
                      params: bm25.BM25Params, progress: Progress | None,
                      workers: int | None, corpus: Corpus, home: list[Path],
                      previous: str | None) -> BuildReport:
    token = time.strftime("%Y%m%d%H%M%S") + "-" + os.urandom(4).hex()
    staging = folder / f".build-{token}"
    generation = folder / f"gen-{token}"
    staging.mkdir()
    try:
        owned.mark_made(staging)
        analyzer = Analyzer()
        documents = stream_corpus(files, corpus, paths)
        report = _write_data(staging, documents, analyzer, params, progress,
                             _worker_count(files, workers))
        report.problems, report.summary = corpus.problems + report.problems, corpus.summary()
        if report.documents == 0:
            _refuse_to_empty(folder, paths, report.summary)
        durable.fsync_tree(staging)
        os.rename(staging, generation)
        files = checksums.describe(generation, sorted(
            p.name for p in generation.iterdir() if p.name != owned.MADE_MARK))
        manifest = {
            "format": "qa-index",
            "format_version": FORMAT_VERSION,
            "data": generation.name,
            "analyzer": analyzer.settings,
            "bm25": params.to_json(),
            "corpus": [str(p.resolve()) for p in paths],
            "home": [str(p) for p in home],
            "sources": [s.__dict__ for s in corpus.sources],
            "counts": {"documents": report.documents, "sentences": report.sentences,
                       "terms": report.terms},
            "files": {name: record["size"] for name, record in files.items()},
            "checksums": {name: {"sha256": record["sha256"], "stamp": record["stamp"]}
                          for name, record in files.items()},
            "built": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        durable.replace_file(folder / MANIFEST, json.dumps(manifest, indent=1).encode())
    except BaseException:
        owned.remove_made(staging)
        owned.remove_made(generation)
        raise
    if previous:
        owned.remove_named(folder / previous)
    return report


def _refuse_to_empty(folder: Path, paths: list[Path], summary: str) -> None:
    """Raise EmptyCorpusError when the index in `folder` holds articles (it is kept)."""
    try:
        held = read_manifest(folder)["counts"]["documents"]
    except (IndexUnusable, KeyError, TypeError):
        return
    if isinstance(held, int) and held > 0:
        where = ", ".join(str(p) for p in paths)
        raise EmptyCorpusError(
            f"no articles in {where}{' (' + summary + ')' if summary else ''}; the index in "
            f"{folder} ({held:,} articles) was kept")


def _worker_count(files: list[Path], workers: int | None) -> int:
    if workers is not None:
        return max(1, workers)
    size = 0
    for path in files:
        with contextlib.suppress(OSError):
            size += path.stat().st_size
    return min(2, os.cpu_count() or 1) if size >= PARALLEL_BYTES else 1


def _chunks(documents: Iterable[tuple[Document, int, int]]
            ) -> Iterator[tuple[int, list[Document], int, int]]:
    """(number of the first document, documents, bytes read, total) of about _CHUNK_BYTES."""
    first, batch, size = 0, [], 0
    done = total = 0
    for doc, done, total in documents:
        batch.append(doc)
        size += len(doc.text)
        if size >= _CHUNK_BYTES:
            yield first, batch, done, total
            first, batch, size = first + len(batch), [], 0
    if batch:
        yield first, batch, done, total


@functools.cache
def _process_analyzer() -> Analyzer:
    """One analyzer per worker process, so its word cache lasts across the chunks it gets."""
    return Analyzer()


def _analyse_chunk(first: int, documents: list[Document],
                   analyzer: Analyzer | None = None) -> tuple:
    """Split, attribute and analyse a run of articles numbered from `first`.

    Returns plain data: sentences per article, the encoded sentence records and their
    lengths in bytes, each sentence's length in terms, the chunk's own vocabulary (in order of
    first use), each term occurrence as a number into it, and the forward data (each term's
    word offsets, each sentence's paragraph).
    """
    from ..attribution import attribute  # build-only modules: a query does not load them
    from ..segment import MAX_SENTENCE, split_document

    analyzer = analyzer or _process_analyzer()
    counts, line_sizes, lengths, tokens = array("i"), array("q"), array("i"), array("i")
    starts, ends, paragraphs = array("i"), array("i"), array("i")
    lines: list[bytes] = []
    local: dict[str, int] = {}
    notes: list[str] = []
    for d, doc in enumerate(documents, first):
        cut: list[int] = []
        sentences = split_document(doc, cut)
        if cut:
            notes.append(f"{doc.source}: article {doc.id!r}: {len(cut)} sentence(s) longer than "
                         f"{MAX_SENTENCE:,} characters (up to {max(cut):,}) cut into pieces")
        counts.append(len(sentences))
        for sent, found in zip(sentences, attribute(sentences)):
            line = _encode([d, sent.index, sent.start, sent.end, sent.text,
                            [a.to_json() for a in found], sent.paragraph])
            lines.append(line)
            line_sizes.append(len(line))
            terms, term_starts, term_ends = analyzer.spans(sent.text)
            tokens.extend([local.setdefault(t, len(local)) for t in terms])
            lengths.append(len(terms))
            starts.extend(term_starts)
            ends.extend(term_ends)
            paragraphs.append(sent.paragraph)
    return (counts, b"".join(lines), line_sizes, lengths, list(local), tokens,
            (starts, ends, paragraphs), notes)


def _start_pool(context, workers: int):
    """A pool whose workers never see Ctrl-C (so never print a KeyboardInterrupt traceback):
    SIGINT is held back while they start, they inherit that (through spawn's exec too) and
    ignore it; a Ctrl-C meanwhile reaches the build when it is released, and ends the pool."""
    import signal

    pool = None
    try:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            pool = context.Pool(workers, _worker_start, (os.getpid(),))
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        return pool
    except BaseException:
        if pool is not None:
            pool.terminate()
        raise


def _worker_start(parent: int) -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # also drops one held back at the start
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    gc.disable()
    with contextlib.suppress(Exception):  # Linux: end with the build if it is killed
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(0)


def _analysed(chunks: Iterator[tuple], workers: int, analyzer: Analyzer
              ) -> Iterator[tuple[tuple, tuple]]:
    """(chunk, _analyse_chunk result) for each chunk, in order, from `workers` processes."""
    if workers <= 1:
        for chunk in chunks:
            yield chunk, _analyse_chunk(chunk[0], chunk[1], analyzer)
        return
    import multiprocessing
    import threading
    from collections import deque

    # fork is quick; with other threads running (the REPL's) a fresh interpreter is safer
    method = "fork" if threading.active_count() == 1 and os.name == "posix" else "spawn"
    context = multiprocessing.get_context(method)
    with _start_pool(context, workers) as pool:
        pending: deque = deque()
        for chunk in chunks:
            pending.append((chunk, pool.apply_async(_analyse_chunk, chunk[:2])))
            if len(pending) >= 3 * workers:  # bounded: never more than this in flight
                done, result = pending.popleft()
                yield done, result.get()
        while pending:
            done, result = pending.popleft()
            yield done, result.get()


def _write_data(out: Path, documents: Iterable[tuple[Document, int, int]], analyzer: Analyzer,
                params: bm25.BM25Params, progress: Progress | None,
                workers: int = 1) -> BuildReport:
    """Stream documents into record files and flat arrays, then invert them into postings."""
    vocabulary: dict[str, int] = {}
    tokens, lengths, sent_doc = array("i"), array("i"), array("i")
    docs_out, sents_out = RecordWriter(out, "docs"), RecordWriter(out, "sentences")
    forward = ForwardWriter(out)
    n_docs = 0
    problems: list[str] = []
    gc_was_enabled = gc.isenabled()
    gc.disable()  # the build allocates millions of small objects that are never cyclic
    try:
        for (first, docs, done, total), result in _analysed(_chunks(documents), workers,
                                                              analyzer):
            (counts, lines, line_sizes, chunk_lengths, local, chunk_tokens, spans,
             notes) = result
            forward.add(*spans)
            problems.extend(notes)
            for d, (doc, count) in enumerate(zip(docs, counts), first):
                docs_out.add({"id": doc.id, "source": doc.source, "title": doc.title,
                              "date": doc.date, "place": doc.place, "agency": doc.agency,
                              "first": len(sent_doc), "count": count})
                sent_doc.extend(array("i", [d]) * count)
            sents_out.add_encoded(lines, line_sizes)
            lengths.extend(chunk_lengths)
            if chunk_tokens:
                mapping = np.fromiter((vocabulary.setdefault(t, len(vocabulary)) for t in local),
                                      np.int32, len(local))
                tokens.frombytes(mapping[np.frombuffer(chunk_tokens, np.int32)].tobytes())
            n_docs = first + len(docs)
            if progress:
                progress(done, total)
    finally:
        if gc_was_enabled:
            gc.enable()
    docs_out.close()
    sents_out.close()
    _write_postings(out, vocabulary, tokens, lengths, params, forward)
    np.save(out / "sentences.doc.npy", np.frombuffer(sent_doc, np.int32))
    np.save(out / "sentences.len.npy", np.frombuffer(lengths, np.int32))
    write_source_table(out)
    write_names(out, Records(out, "sentences"))
    return BuildReport(documents=n_docs, sentences=len(lengths), terms=len(vocabulary),
                       problems=problems)


def _encode(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def _write_postings(out: Path, vocabulary: dict[str, int], tokens: array, lengths: array,
                    params: bm25.BM25Params, forward: ForwardWriter) -> None:
    """Invert (sentence, term) pairs into per-term postings with their BM25 contributions."""
    terms = sorted(vocabulary)  # sorted, so a term is found by binary search on disk
    rank = np.empty(len(terms), np.int64)
    rank[np.fromiter((vocabulary[t] for t in terms), np.int64, len(terms))] = np.arange(len(terms))
    n = len(lengths)
    doc_len = np.frombuffer(lengths, np.int32).astype(np.int64)
    tok = rank[np.frombuffer(tokens, np.int32)] if len(tokens) else np.zeros(0, np.int64)
    forward.close(tok, doc_len)
    sentence_of = np.repeat(np.arange(n, dtype=np.int64), doc_len)
    pairs, tf = np.unique(tok * max(n, 1) + sentence_of, return_counts=True)
    post_term, post_sent = pairs // max(n, 1), pairs % max(n, 1)
    doc_freq = np.bincount(post_term, minlength=len(terms))
    term_idf = bm25.idf(params, n, doc_freq)
    avgdl = float(doc_len.sum()) / n if n else 1.0
    score = bm25.contributions(params, term_idf[post_term], tf, doc_len[post_sent], avgdl)
    ptr = np.zeros(len(terms) + 1, np.int64)
    np.cumsum(doc_freq, out=ptr[1:])
    writer = RecordWriter(out, "terms")
    writer.extend(terms)
    writer.close()
    np.save(out / "terms.idf.npy", term_idf.astype(np.float64))
    np.save(out / "terms.ptr.npy", ptr)
    np.save(out / "postings.sentence.npy", post_sent.astype(np.int32))
    np.save(out / "postings.score.npy", score.astype(np.float64))


@contextlib.contextmanager
def _build_lock(folder: Path, waiting: Callable[[], None] | None = None) -> Iterator[None]:
    fd = owned.open_lock(folder)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting is not None:
                waiting()
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


_DRAFT = re.compile(rf"\.{re.escape(MANIFEST)}\.[0-9a-f]{{8}}\.tmp")  # replace_file's drafts


def _previous_generation(folder: Path) -> str | None:
    """The generation the current qa manifest names (of any format version), if it names a
    plain folder inside the index."""
    try:
        manifest = json.loads((folder / MANIFEST).read_bytes())
    except (OSError, ValueError, RecursionError):
        return None
    data = manifest.get("data") if isinstance(manifest, dict) else None
    if manifest.get("format") != "qa-index" or not isinstance(data, str):
        return None
    return data if GENERATION_NAME.match(data) else None


def _remove_leftovers(folder: Path, keep: str | None) -> None:
    """What builds that died left (staging folders, generations no manifest names): only
    folders qa marked as made, and safe to remove while we hold the build lock."""
    for path in [*folder.glob(".build-*"), *folder.glob("gen-*")]:
        if path.name != keep:
            owned.remove_made(path)
    for path in folder.glob(f".{MANIFEST}.*.tmp"):
        if _DRAFT.fullmatch(path.name) and not path.is_symlink():
            with contextlib.suppress(OSError):
                path.unlink()
