"""The persistent index: build it from a corpus, write it atomically, open it by mapping arrays.

Layout of an index folder (documented for users in index/README.md):
    manifest.json     format version, analyzer and BM25 settings, source hashes, counts, and
                      the name of the generation folder that holds the data
    gen-*/            one complete build: JSON Lines with byte offsets, numpy arrays
    .lock             taken while building, so two qa processes never build at once
A build writes a new `.build-*` folder, renames it to `gen-*`, then replaces manifest.json in
one `os.replace`; a reader therefore sees the old index or the new one, never a mix, and a
build killed half-way leaves the old index answering.
"""
from __future__ import annotations

import contextlib
import fcntl
import gc
import hashlib
import json
import os
import re
import threading
import time
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import bm25
from .analyzer import Analyzer
from .ingest import Corpus, CorpusError, find_sources, stream_corpus
from .model import Attribution, Document, dateline
from .records import Records, RecordWriter

FORMAT_VERSION = 2
MANIFEST = "manifest.json"
_GENERATION = re.compile(r"\Agen-[0-9a-z-]{1,64}\Z")
_ARRAYS = ("sentences.doc", "sentences.len", "terms.idf", "terms.ptr",
           "postings.sentence", "postings.score")
_RECORDS = ("docs", "sentences", "terms")

Progress = Callable[[int, int], None]


class IndexUnusable(Exception):
    """The index on disk cannot be used as it is (missing, corrupt, stale); rebuild it."""


class IndexWriteError(Exception):
    """The index could not be written; the previous one, if any, is untouched."""


@dataclass
class BuildReport:
    documents: int = 0
    sentences: int = 0
    terms: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)


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


# ---------------------------------------------------------------------------------- build

# Per-article work (splitting, attribution, analysis, JSON) runs in worker processes when the
# corpus is at least this large; below it a pool costs more than it saves.
PARALLEL_BYTES = 4 << 20
_CHUNK_BYTES = 256 << 10  # articles are sent to workers in chunks of about this much text


def build(paths: list[Path], folder: Path, params: bm25.BM25Params | None = None,
          progress: Progress | None = None, workers: int | None = None) -> BuildReport:
    """Read the corpus at `paths` and replace the index in `folder` with it, atomically.

    Articles are read one file at a time and analysed in `workers` processes (default: up to
    2 for a corpus of 4 MB or more, else 1); the index is the same whatever the number.
    `progress(done, total)` counts bytes of the corpus files.
    """
    params = params or bm25.BM25Params()
    started = time.perf_counter()
    paths = [p.resolve() for p in paths]
    files = find_sources(paths)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with _build_lock(folder):
            _remove_leftovers(folder)
            report = _write_generation(folder, files, paths, params, progress, workers)
    except OSError as exc:
        raise IndexWriteError(f"cannot write index in {folder}: "
                              f"{exc.strerror or exc}") from None
    report.seconds = time.perf_counter() - started
    return report


def _write_generation(folder: Path, files: list[Path], paths: list[Path],
                      params: bm25.BM25Params, progress: Progress | None,
                      workers: int | None) -> BuildReport:
    token = time.strftime("%Y%m%d%H%M%S") + "-" + os.urandom(4).hex()
    staging = folder / f".build-{token}"
    staging.mkdir()
    try:
        analyzer = Analyzer()
        corpus = Corpus()
        documents = stream_corpus(files, corpus)
        report = _write_data(staging, documents, analyzer, params, progress,
                             _worker_count(files, workers))
        report.problems = corpus.problems
        generation = folder / f"gen-{token}"
        _fsync_tree(staging)
        os.rename(staging, generation)
        manifest = {
            "format": "qa-index",
            "format_version": FORMAT_VERSION,
            "data": generation.name,
            "analyzer": analyzer.settings,
            "bm25": params.to_json(),
            "corpus": [str(p.resolve()) for p in paths],
            "sources": [s.__dict__ for s in corpus.sources],
            "counts": {"documents": report.documents, "sentences": report.sentences,
                       "terms": report.terms},
            "files": {p.name: p.stat().st_size for p in sorted(generation.iterdir())},
            "built": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        _replace_file(folder / MANIFEST, json.dumps(manifest, indent=1).encode())
    except BaseException:
        _rmtree(staging)
        raise
    _remove_old_generations(folder, keep=generation.name)
    return report


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


_worker_analyzer: Analyzer | None = None


def _analyse_chunk(first: int, documents: list[Document],
                   analyzer: Analyzer | None = None) -> tuple:
    """Split, attribute and analyse a run of articles numbered from `first`.

    Returns plain data: sentences per article, the encoded sentence records and their
    lengths in bytes, each sentence's length in terms, the chunk's own vocabulary (in order of
    first use) and each term occurrence as a number into it.
    """
    from .attribution import attribute  # build-only modules: a query does not load them
    from .segment import split_document

    global _worker_analyzer
    if analyzer is None:
        analyzer = _worker_analyzer = _worker_analyzer or Analyzer()
    counts, line_sizes, lengths, tokens = array("i"), array("q"), array("i"), array("i")
    lines: list[bytes] = []
    local: dict[str, int] = {}
    for d, doc in enumerate(documents, first):
        sentences = split_document(doc)
        counts.append(len(sentences))
        for sent, found in zip(sentences, attribute(sentences)):
            line = _encode([d, sent.index, sent.start, sent.end, sent.text,
                            [a.to_json() for a in found], sent.paragraph])
            lines.append(line)
            line_sizes.append(len(line))
            terms = analyzer.terms(sent.text)
            tokens.extend([local.setdefault(t, len(local)) for t in terms])
            lengths.append(len(terms))
    return counts, b"".join(lines), line_sizes, lengths, list(local), tokens


def _worker_start(parent: int) -> None:
    gc.disable()
    with contextlib.suppress(Exception):  # Linux: end with the build if it is killed
        import ctypes
        import signal

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
    with context.Pool(workers, _worker_start, (os.getpid(),)) as pool:
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
    n_docs = 0
    gc_was_enabled = gc.isenabled()
    gc.disable()  # the build allocates millions of small objects that are never cyclic
    try:
        for (first, docs, done, total), result in _analysed(_chunks(documents), workers,
                                                              analyzer):
            counts, lines, line_sizes, chunk_lengths, local, chunk_tokens = result
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
    _write_postings(out, vocabulary, tokens, lengths, params)
    np.save(out / "sentences.doc.npy", np.frombuffer(sent_doc, np.int32))
    np.save(out / "sentences.len.npy", np.frombuffer(lengths, np.int32))
    return BuildReport(documents=n_docs, sentences=len(lengths), terms=len(vocabulary))


def _encode(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def _write_postings(out: Path, vocabulary: dict[str, int], tokens: array, lengths: array,
                    params: bm25.BM25Params) -> None:
    """Invert (sentence, term) pairs into per-term postings with their BM25 contributions."""
    terms = sorted(vocabulary)  # sorted, so a term is found by binary search on disk
    rank = np.empty(len(terms), np.int64)
    rank[np.fromiter((vocabulary[t] for t in terms), np.int64, len(terms))] = np.arange(len(terms))
    n = len(lengths)
    doc_len = np.frombuffer(lengths, np.int32).astype(np.int64)
    tok = rank[np.frombuffer(tokens, np.int32)] if len(tokens) else np.zeros(0, np.int64)
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
def _build_lock(folder: Path) -> Iterator[None]:
    with open(folder / ".lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _replace_file(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.urandom(4).hex()}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    with contextlib.suppress(OSError):
        fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _rmtree(path: Path) -> None:
    import shutil  # only builds need it; a query should not pay for its imports

    shutil.rmtree(path, ignore_errors=True)


def _fsync_tree(folder: Path) -> None:
    for path in folder.iterdir():
        with open(path, "rb") as f:
            os.fsync(f.fileno())


def _remove_leftovers(folder: Path) -> None:
    """Staging folders of builds that died; safe to remove while we hold the build lock."""
    for path in folder.glob(".build-*"):
        _rmtree(path)


def _remove_old_generations(folder: Path, keep: str) -> None:
    for path in folder.glob("gen-*"):
        if path.name != keep:
            _rmtree(path)


# ----------------------------------------------------------------------------- freshness


def read_manifest(folder: Path) -> dict:
    """The manifest, checked for shape; IndexUnusable says why it cannot be used."""
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise IndexUnusable("no index yet") from None
    except (OSError, ValueError):
        raise IndexUnusable(f"{path} is corrupt") from None
    if not isinstance(manifest, dict) or manifest.get("format") != "qa-index":
        raise IndexUnusable(f"{path} is not a qa index manifest")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexUnusable(f"index format {manifest.get('format_version')} is not "
                            f"{FORMAT_VERSION}")
    data = manifest.get("data")
    if not isinstance(data, str) or not _GENERATION.match(data):
        raise IndexUnusable(f"{path} names a data folder outside the index")
    files = manifest.get("files")
    if not isinstance(files, dict) or not all(
            isinstance(k, str) and "/" not in k and k not in ("", ".", "..")
            and isinstance(v, int) for k, v in files.items()):
        raise IndexUnusable(f"{path} lists files outside the index")
    return manifest


def staleness(manifest: dict, paths: list[Path]) -> str | None:
    """Why an index no longer matches the corpus at `paths`, or None when it does."""
    if manifest.get("analyzer") != Analyzer().settings:
        return "the analyzer changed"
    if manifest.get("bm25") != bm25.BM25Params().to_json():
        return "the BM25 settings changed"
    if manifest.get("corpus") != [str(p.resolve()) for p in paths]:
        return "the corpus paths changed"
    known = {s["path"]: s for s in manifest.get("sources", []) if isinstance(s, dict)}
    try:
        current = find_sources([p.resolve() for p in paths])
    except (OSError, CorpusError) as exc:
        return str(exc)
    for path in current:
        old = known.pop(str(path), None)
        if old is None:
            return f"{path} appeared"
        try:
            stat = path.stat()
            if stat.st_size != old.get("size"):
                return f"{path} changed"
            if stat.st_mtime_ns != old.get("mtime_ns") and _sha256(path) != old.get("sha256"):
                return f"{path} changed"
        except OSError:
            return f"{path} cannot be read"
    if known:
        return f"{next(iter(known))} vanished"
    return None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ---------------------------------------------------------------------------------- open


class Index:
    """An opened index: mapped arrays and record files, read lazily."""

    def __init__(self, folder: Path, manifest: dict) -> None:
        self.folder, self.manifest = folder, manifest
        self.analyzer = Analyzer()
        self._doc_numbers: dict[str, int] | None = None
        self._acc: np.ndarray | None = None  # scratch for bm25_scores, kept between queries
        self._seen: np.ndarray | None = None
        self._scratch_lock = threading.Lock()
        data = folder / manifest["data"]
        self._check_files(data, manifest["files"])
        try:
            self.params = bm25.BM25Params.from_json(manifest["bm25"])
            arrays = {name: np.load(data / f"{name}.npy", mmap_mode="r", allow_pickle=False)
                      for name in _ARRAYS}
            self.docs, self.sentences, self.terms = (Records(data, n) for n in _RECORDS)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise IndexUnusable(f"index data in {data} is corrupt ({exc})") from None
        self.sent_doc = arrays["sentences.doc"]
        self.sent_len = arrays["sentences.len"]
        self.idf = arrays["terms.idf"]
        self.ptr = arrays["terms.ptr"]
        self.post_sentence = arrays["postings.sentence"]
        self.post_score = arrays["postings.score"]
        n_terms = len(self.terms)
        if (len(self.sentences) != len(self.sent_doc) or len(self.ptr) != n_terms + 1
                or len(self.idf) != n_terms or len(self.post_score) != len(self.post_sentence)):
            raise IndexUnusable(f"index data in {data} is inconsistent")

    @staticmethod
    def _check_files(data: Path, files: dict) -> None:
        for name, size in files.items():
            try:
                actual = (data / name).stat().st_size
            except OSError:
                raise IndexUnusable(f"index file {data / name} is missing") from None
            if actual != size:
                raise IndexUnusable(f"index file {data / name} has the wrong size")

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
        """The number of `term`, by binary search over the sorted terms file."""
        return self.terms.find(term)

    def sentence(self, i: int) -> StoredSentence:
        d, n, start, end, text, attrs, paragraph = self.sentences[i]
        return StoredSentence(i, self.docs[d]["id"], n, start, end, text,
                              [Attribution.from_json(a) for a in attrs], paragraph)

    def doc_of(self, i: int) -> dict:
        return self.docs[int(self.sent_doc[i])]

    def dateline(self, i: int) -> str:
        meta = self.doc_of(i)
        return dateline(meta.get("place", ""), meta.get("agency", ""))

    def doc_number(self, doc_id: str) -> int | None:
        """The number of the article with this id (the id table is read on first use)."""
        if self._doc_numbers is None:
            self._doc_numbers = {doc["id"]: d for d, doc in enumerate(self.docs)}
        return self._doc_numbers.get(doc_id)

    def docs_with(self, term: str) -> np.ndarray:
        """The article numbers whose sentences hold `term`, ascending."""
        t = self.term_id(term)
        if t is None:
            return np.zeros(0, np.int32)
        rows = self.post_sentence[int(self.ptr[t]):int(self.ptr[t + 1])]
        docs = self.sent_doc[rows]  # ascending already: postings and articles both are
        if len(docs) < 2:
            return np.array(docs)
        return docs[np.concatenate(([True], docs[1:] != docs[:-1]))]

    def bm25_scores(self, terms: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Sentences holding any of `terms` (ascending), and their BM25 scores as rank-bm25
        computes them.

        Query terms count as often as they occur, as in rank-bm25's `get_scores`. The cost is
        that of the terms' postings: the accumulator is kept between queries and only the
        entries a query touched are cleared.
        """
        known = [t for t in map(self.term_id, terms) if t is not None]
        if not known or self.size == 0:
            return np.zeros(0, np.int64), np.zeros(0)
        const = bm25.constant(self.params, np.asarray([float(self.idf[t]) for t in known]))
        spans = [(int(self.ptr[t]), int(self.ptr[t + 1])) for t in known]
        if len(known) == 1:  # one term: its postings are the answer
            lo, hi = spans[0]
            return (self.post_sentence[lo:hi].astype(np.int64),
                    self.post_score[lo:hi] + const)
        with self._scratch_lock:
            if self._acc is None:
                self._acc, self._seen = np.zeros(self.size), np.zeros(self.size, bool)
            acc, seen = self._acc, self._seen
            matched = None
            try:
                for lo, hi in spans:
                    rows = self.post_sentence[lo:hi]
                    acc[rows] += self.post_score[lo:hi]
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
        return matched, scores

    def top(self, terms: list[str], k: int = 10) -> tuple[np.ndarray, np.ndarray]:
        """The `k` best sentences for `terms` by BM25 alone, best first (ties: lower id)."""
        ids, scores = self.bm25_scores(terms)
        if len(ids) > k:
            kth = scores[np.argpartition(scores, len(scores) - k)[len(scores) - k]]
            keep = np.flatnonzero(scores >= kth)  # all ties with the k-th, for the id order
            ids, scores = ids[keep], scores[keep]
        order = np.lexsort((ids, -scores))[:k]
        return ids[order], scores[order]
