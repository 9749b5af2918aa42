"""Read a generation's source table: which sources a name means, and their statements.

`qa.index.source_build` writes it (layout in index/README.md). A statement is one attribution of
one sentence, numbered in reading order; each source's statements are stored newest first, so
`qa said` reads only the statements it shows, and a date range is found by binary search.
Everything is mapped, nothing is read until asked for.
"""
from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from pathlib import Path

from .. import npy
from .records import Records
from ..source_names import words_of

_ARRAYS = ("statements.sentence", "statements.attribution", "statements.source",
           "statements.date", "sources.ptr", "sources.statement", "sources.date",
           "sources.words.ptr", "sources.words.source", "sources.avgdl")


class SourceTable:
    """The mapped `sources.*` and `statements.*` files of one generation."""

    def __init__(self, data: Path) -> None:
        arrays = {name: npy.load(data / f"{name}.npy") for name in _ARRAYS}
        self.records = Records(data, "sources")
        self.words = Records(data, "sources.words")
        self.sentence = arrays["statements.sentence"]
        self._sentences_of: dict[tuple[int, ...], frozenset[int]] = {}
        self.attribution = arrays["statements.attribution"]
        self.source = arrays["statements.source"]
        self.statement_date = arrays["statements.date"]
        self.ptr = arrays["sources.ptr"]
        self.order = arrays["sources.statement"]
        self.date = arrays["sources.date"]
        self.word_ptr = arrays["sources.words.ptr"]
        self.word_source = arrays["sources.words.source"]
        self.avgdl = float(arrays["sources.avgdl"][0]) if len(arrays["sources.avgdl"]) else 1.0
        n = len(self.records)
        if (len(self.ptr) != n + 1 or len(self.order) != len(self.sentence)
                or len(self.date) != len(self.order) or len(self.source) != len(self.sentence)
                or len(self.attribution) != len(self.sentence)
                or len(self.statement_date) != len(self.sentence)
                or len(self.word_ptr) != len(self.words) + 1
                or (n and self.ptr[-1] != len(self.order))):
            raise ValueError("the source table is inconsistent")

    def __len__(self) -> int:
        return len(self.records)

    def info(self, source: int) -> dict:
        """{"name", "aliases", "statements", "first", "last"} of a source."""
        return self.records[source]

    def match(self, name: str) -> list[int]:
        """The sources whose names hold every word of `name` (case-insensitive), ascending."""
        found: set[int] | None = None
        for word in dict.fromkeys(words_of(name)):
            w = self.words.find(word)
            ids = set(self.word_source[self.word_ptr[w]:self.word_ptr[w + 1]].tolist()) \
                if w is not None else set()
            found = ids if found is None else found & ids
            if not found:
                return []
        return sorted(found or ())

    def complete(self, prefix: str, limit: int = 20) -> list[int]:
        """Sources with a word starting with the last word of `prefix` (and holding the words
        before it), most statements first: for completing a name as it is typed."""
        words = words_of(prefix)
        if not words or prefix[-1:].isspace():
            return self.match(prefix)[:limit] if words else list(range(min(limit, len(self))))
        lo, hi = self._prefix_range(words[-1])
        found: set[int] = set()
        for w in range(lo, hi):
            found.update(self.word_source[self.word_ptr[w]:self.word_ptr[w + 1]].tolist())
            if len(found) > 50 * limit:
                break
        if len(words) > 1:
            found &= set(self.match(" ".join(words[:-1])))
        return sorted(found)[:limit]  # sources are numbered most statements first

    def _prefix_range(self, prefix: str) -> tuple[int, int]:
        lo = bisect_left(self.words, prefix)
        return lo, bisect_left(self.words, prefix + "\U0010ffff", lo)

    def statements(self, sources: list[int], since: int = 0, until: int = 0) -> Iterator[int]:
        """The statements of `sources`, newest first (then in reading order), dated within
        [since, until] when those are given (yyyymmdd numbers; 0 is open)."""
        runs = []
        for s in sources:
            lo, hi = self.ptr[s], self.ptr[s + 1]
            if since or until:
                lo, hi = self._date_range(lo, hi, since, until)
            if lo < hi:
                runs.append(self._run(lo, hi))
        if len(runs) == 1:
            return (statement for _, _, statement in runs[0])
        return (statement for _, _, statement in heapq.merge(*runs))

    def _run(self, lo: int, hi: int) -> Iterator[tuple[int, int, int]]:
        for i in range(lo, hi):
            statement = self.order[i]
            yield -self.date[i] if self.date[i] else 1, statement, statement

    def _date_range(self, lo: int, hi: int, since: int, until: int) -> tuple[int, int]:
        """Dates fall within a source's run (undated last): the part between the bounds."""
        run = _Descending(self.date, lo, hi)
        start = lo + (bisect_left(run, -until) if until else 0)
        dated_end = lo + bisect_right(run, -1)  # where the undated (0) statements begin
        end = lo + bisect_right(run, -since) if since else dated_end
        return start, min(end, dated_end)

    def statement_ids(self, sources: list[int], since: int = 0, until: int = 0) -> list[int]:
        """The statements of `sources` dated within the bounds, in no particular order (for
        ranking them otherwise than by date)."""
        out: list[int] = []
        for s in sources:
            lo, hi = self.ptr[s], self.ptr[s + 1]
            if since or until:
                lo, hi = self._date_range(lo, hi, since, until)
            out.extend(self.order[lo:hi].tolist())
        return out

    def count(self, sources: list[int]) -> int:
        return sum(self.ptr[s + 1] - self.ptr[s] for s in sources)

    def sentences_of(self, sources: list[int]) -> frozenset[int]:
        """Every sentence holding a statement of `sources` (for `qa ask --source`), found
        once per process for each set of sources: a pipe of questions to one source asks
        for the same thousands of sentences each time."""
        key = tuple(sources)
        if key not in self._sentences_of:
            if len(self._sentences_of) >= 64:
                self._sentences_of.clear()
            out: set[int] = set()
            for s in sources:
                out.update(self.sentence[i] for i in self.order[self.ptr[s]:self.ptr[s + 1]])
            self._sentences_of[key] = frozenset(out)
        return self._sentences_of[key]

    def in_sentence(self, sentence: int) -> list[int]:
        """The statements of one sentence, in order."""
        lo = bisect_left(self.sentence, sentence)
        hi = lo
        while hi < len(self.sentence) and self.sentence[hi] == sentence:
            hi += 1
        return list(range(lo, hi))


class _Descending:
    """A run of dates stored newest first, seen negated so that bisect works on it."""

    def __init__(self, dates, lo: int, hi: int) -> None:
        self.dates, self.lo, self.hi = dates, lo, hi

    def __len__(self) -> int:
        return self.hi - self.lo

    def __getitem__(self, i: int) -> int:
        date = self.dates[self.lo + i]
        return -date if date else 1
