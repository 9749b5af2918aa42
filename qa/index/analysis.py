"""The per-article work of a build: split, attribute and analyse articles, in chunks, in
worker processes when the corpus is large enough.

Each chunk comes back as plain data the segment writer (`qa.index.segments`) appends: encoded
sentence records, each sentence's terms as numbers into the chunk's own vocabulary, the forward
data, the statements the source table files, and the names completion offers. Only builds
import this module, and with it the attribution and segmentation modules.
"""
from __future__ import annotations

import contextlib
import functools
import gc
import itertools
import os
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..analyzer import Analyzer
from ..model import Document
from .format import SentenceRecord
from .names import NameCounts
from .source_build import statement_rows

# Per-article work (splitting, attribution, analysis, JSON) runs in worker processes when the
# corpus is at least this large; below it a pool costs more than it saves.
PARALLEL_BYTES = 4 << 20
_CHUNK_BYTES = 256 << 10  # articles are sent to workers in chunks of about this much text
# Names for completion are counted in the first NAME_CHARS characters of a build's articles (and
# in all an update adds): about the first 200,000 sentences of newswire.
NAME_CHARS = 30_000_000


def worker_count(files: list[Path], workers: int | None) -> int:
    if workers is not None:
        return max(1, workers)
    size = 0
    for path in files:
        with contextlib.suppress(OSError):
            size += path.stat().st_size
    return min(2, os.cpu_count() or 1) if size >= PARALLEL_BYTES else 1




def chunks(documents: Iterable[tuple[Document, int, int]]
           ) -> Iterator[tuple[int, list[Document], int, int, bool]]:
    """(number of the first document, documents, bytes read, total, whether to count names)
    of about _CHUNK_BYTES."""
    first, batch, size, seen = 0, [], 0, 0
    done = total = 0
    for doc, done, total in documents:
        batch.append(doc)
        size += len(doc.text)
        if size >= _CHUNK_BYTES:
            yield first, batch, done, total, seen < NAME_CHARS
            first, batch, seen, size = first + len(batch), [], seen + size, 0
    if batch:
        yield first, batch, done, total, seen < NAME_CHARS


@functools.cache
def _process_analyzer() -> Analyzer:
    """One analyzer per worker process, so its word cache lasts across the chunks it gets."""
    return Analyzer()


def _analyse_chunk(first: int, documents: list[Document], with_names: bool = True,
                   analyzer: Analyzer | None = None) -> tuple:
    """Split, attribute and analyse a run of articles numbered from `first`.

    Returns plain data: sentences per article, the encoded sentence records and their
    lengths in bytes, each sentence's length in terms, the chunk's own vocabulary (in order of
    first use), each term occurrence as a number into it, the forward data (each term's
    word offsets, each sentence's paragraph), the statements (StatementRow, numbered by
    sentence within the chunk) and the names counted (None without `with_names`).
    """
    from ..attribution import attribute, LONGEST_PROSE  # build-only: a query does not load them
    from ..segment import MAX_SENTENCE, split_document

    analyzer = analyzer or _process_analyzer()
    counts, line_sizes, lengths, tokens = array("i"), array("q"), array("i"), array("i")
    starts, ends, paragraphs = array("i"), array("i"), array("i")
    lines: list[bytes] = []
    # a term's number is its order of first use: the next count when it is first looked up
    local: defaultdict[str, int] = defaultdict(itertools.count().__next__)
    notes: list[str] = []
    statements = []
    names = NameCounts() if with_names else None
    for doc in documents:
        cut: list[int] = []
        sentences = split_document(doc, cut)
        if cut:
            notes.append(f"{doc.source}: article {doc.id!r}: {len(cut)} "
                         f"sentence{'s' * (len(cut) != 1)} longer than "
                         f"{MAX_SENTENCE:,} characters (up to {max(cut):,}) cut into pieces; pieces "
                         f"over {LONGEST_PROSE:,} characters are not searched for who said what")
        counts.append(len(sentences))
        for sent, found in zip(sentences, attribute(sentences)):
            attributions = [a.to_json() for a in found]
            line = SentenceRecord(sent.index, sent.start, sent.end, sent.text, attributions,
                                  sent.paragraph).encode()
            statements.extend(statement_rows(len(lengths), attributions))
            if names is not None:
                names.add(sent.text, attributions)
            lines.append(line)
            line_sizes.append(len(line))
            terms, term_starts, term_ends = analyzer.spans(sent.text)
            tokens.extend(map(local.__getitem__, terms))
            lengths.append(len(terms))
            starts.extend(term_starts)
            ends.extend(term_ends)
            paragraphs.append(sent.paragraph)
    return (counts, b"".join(lines), line_sizes, lengths, list(local), tokens,
            (starts, ends, paragraphs), notes, statements, names)


def _start_pool(context, workers: int):
    """A pool whose workers never see Ctrl-C (so never print a KeyboardInterrupt traceback):
    SIGINT is held back while they start, they inherit that (through spawn's exec too) and
    ignore it; a Ctrl-C meanwhile reaches the build when it is released, and ends the pool.
    SIGTERM and SIGHUP are held back too, and stay so in a worker but while it works on a task
    (`_worker_task`)."""
    import signal

    pool = None
    try:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM,
                                                             signal.SIGHUP})
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
    # The pool ends its workers with SIGTERM. A handler forked from the build's process (qa's,
    # which turns it into SystemExit) would catch it in a worker waiting on the task queue's
    # lock, and pool.terminate() would wait for that worker for ever. SIGHUP too (a closed
    # terminal sends it to the workers as well as to the build), unless ignored (nohup).
    # Both stay held back but while a task runs: `_worker_task`.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if signal.getsignal(signal.SIGHUP) is not signal.SIG_IGN:
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
    gc.disable()
    with contextlib.suppress(Exception):  # Linux: end with the build if it is killed
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(0)


def _worker_task(first: int, documents: list[Document], with_names: bool) -> tuple:
    """`_analyse_chunk` in a pool worker: the only time SIGTERM or SIGHUP may end it. Between
    tasks a worker waits on the task queue holding the queue's lock; one that died there (a
    SIGTERM sent to the whole process group, as timeout(1) and service managers send it)
    left the lock taken, and the build's pool.terminate() waited for it for ever. A signal
    that comes between tasks waits for the next task, or for the pool to end the worker."""
    import signal

    ending = {signal.SIGTERM, signal.SIGHUP}
    signal.pthread_sigmask(signal.SIG_UNBLOCK, ending)
    try:
        return _analyse_chunk(first, documents, with_names)
    finally:
        signal.pthread_sigmask(signal.SIG_BLOCK, ending)


def analysed(chunks: Iterator[tuple], workers: int, analyzer: Analyzer
              ) -> Iterator[tuple[tuple, tuple]]:
    """(chunk, _analyse_chunk result) for each chunk, in order, from `workers` processes."""
    if workers <= 1:
        for chunk in chunks:
            yield chunk, _analyse_chunk(chunk[0], chunk[1], chunk[4], analyzer)
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
            pending.append((chunk, pool.apply_async(_worker_task, (chunk[0], chunk[1],
                                                                    chunk[4]))))
            if len(pending) >= 3 * workers:  # bounded: never more than this in flight
                done, result = pending.popleft()
                yield done, result.get()
        while pending:
            done, result = pending.popleft()
            yield done, result.get()


