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


def analysed(chunks: Iterator[tuple], workers: int, analyzer: Analyzer
              ) -> Iterator[tuple[tuple, tuple]]:
    """(chunk, _analyse_chunk result) for each chunk, in order, from `workers` processes."""
    if workers <= 1:
        for chunk in chunks:
            yield chunk, _analyse_chunk(chunk[0], chunk[1], chunk[4], analyzer)
        return
    from collections import deque

    from .workers import Workers

    with Workers(workers) as pool:  # (each worker's chunks come back in the order sent)
        pending: deque = deque()
        for n, chunk in enumerate(chunks):
            pool.submit(n % workers, _analyse_chunk, chunk[0], chunk[1], chunk[4])
            pending.append((chunk, n % workers))
            if len(pending) >= 3 * workers:  # bounded: never more than this in flight
                done, worker = pending.popleft()
                yield done, pool.result(worker)
        while pending:
            done, worker = pending.popleft()
            yield done, pool.result(worker)


