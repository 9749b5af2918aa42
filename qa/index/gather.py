"""Gather the articles an update keeps and the ones it adds into the next generation's files.

The previous generation and the new articles' segment are both segments (`Segment`); `gather`
writes the articles of an ordered list of runs (segment, first article, stop) into one folder,
in that order, copying bytes wherever the content does not change: sentence records and
statement rows are byte ranges of their files, article records change only in their `first`
number, the forward offsets and per-sentence arrays are slices. Term numbers go into the union
of the segments' vocabularies (`segments.derive` keeps those used), and `Carried` says where
each segment's terms and sentences went, so that `derive` can carry the previous generation's
postings over.
Only builds import this module.
"""
from __future__ import annotations

import os
import re
from bisect import bisect_left
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .doc_lines import moved_lines
from .format import DocRecord
from .names import NameCounts, read_counts
from .postings import MERGE_CHUNK, Renumbering
from .records import Records, RecordWriter, encode_line
from .segments import link_or_copy, write_counts, write_vocabulary


class Segment:
    """A segment's files, mapped (a generation's data folder is one). ValueError (or OSError)
    when they are not what a build writes. Article records are decoded only when asked for."""

    def __init__(self, folder: Path) -> None:
        from .. import npy

        self.folder = folder
        self.doc_records = Records(folder, "docs")
        self._docs: list[DocRecord] | None = None
        self.sentences = Records(folder, "sentences")
        self.terms = Records(folder, "terms").all()
        self.arrays = {name: np.frombuffer(npy.load(folder / f"{name}.npy"), fmt) for name, fmt in
                       (("sentences.len", np.int32), ("sentences.paragraph", np.int32),
                        ("forward.term", np.int32), ("forward.start", np.int32),
                        ("forward.end", np.int32), ("forward.ptr", np.int64),
                        ("statements.rows.sentence", np.int32),
                        ("statements.rows.attribution", np.int32))}
        self.rows = Records(folder, "statements.rows")
        self.counts = sorted(folder.glob("names.counts*.json"))  # read when merged
        n = len(self.arrays["sentences.len"])
        self.first = self._firsts(folder)
        if (len(self.sentences) != n or len(self.arrays["forward.ptr"]) != n + 1
                or len(self.first) != len(self.doc_records) + 1 or self.first[-1] != n
                or len(self.rows) != len(self.arrays["statements.rows.sentence"])):
            raise ValueError(f"segment {folder.name} is inconsistent")

    @property
    def docs(self) -> list[DocRecord]:
        """Every article record, decoded on first use."""
        if self._docs is None:
            self._docs = self.doc_records.all()
        return self._docs

    def ids_and_sources(self) -> tuple[list[str], dict[str, range]]:
        """Each article's id, and the articles of each source file (a build reads a file's
        articles one after the other, so they are a range). An update needs them for every
        article (10^5 of them): one pattern search over the record lines finds them, decoding
        nothing else, when no id or source holds a character JSON escapes."""
        if self._docs is None:
            data = self.doc_records._data
            found = _HEAD.findall(data) if len(data) else []
            if len(found) == len(self.doc_records):
                ids = b"\n".join(i for i, _ in found).decode().split("\n") if found else []
                ranges = _ranges([s for _, s in found])
                if ranges is not None:
                    return ids, {source.decode(): run for source, run in ranges.items()}
        ranges = _ranges([d["source"] for d in self.docs])
        if ranges is None:  # not as a build writes a generation
            raise ValueError(f"segment {self.folder.name}: a file's articles are not together")
        return [d["id"] for d in self.docs], ranges

    def source_ranges(self, order: list[str]) -> dict[str, range] | None:
        """The articles of each source file of `order` (the files in the order a build read
        them, as the manifest lists them), found by binary search over the records: a
        generation holds a file's articles together, in that order. None when a record looked
        at does not say so (its source escaped, or not in `order`): `ids_and_sources` then."""
        rank = {path: n for n, path in enumerate(order)}
        data, offsets, size = self.doc_records._data, self.doc_records.offsets, len(self.first) - 1

        def file_of(d: int) -> int:
            found = _HEAD.match(data, int(offsets[d]), int(offsets[d + 1]))
            return rank[found[2].decode()] if found else rank[None]  # KeyError: not known

        try:
            starts = [bisect_left(range(size), n, key=file_of) for n in range(len(order))]
            for n, (lo, hi) in enumerate(zip(starts, starts[1:] + [size])):
                if lo < hi and not file_of(lo) == file_of(hi - 1) == n:
                    return None
        except KeyError:
            return None
        return {path: range(lo, hi) for path, lo, hi in zip(order, starts, starts[1:] + [size])}

    def find_id(self, doc_id: str) -> int | None:
        """The article with this id (ids are unique in a generation), by a search of the
        record lines for the start a build writes; -1 when that cannot tell."""
        key = b'{"id":' + encode_line(doc_id)[:-1] + b',"source":"'
        at = self.doc_records._data.find(key)
        if at < 0:
            return None
        d = int(np.searchsorted(self.doc_records.offsets, at, side="right")) - 1
        return d if self.doc_records.offsets[d] == at else -1

    def slice(self, name: str, lo: int, hi: int) -> _Bytes:
        """Items lo..hi-1 of the int32 array `name` as a byte range of its file (an .npy
        file's data is its last bytes)."""
        path = self.folder / f"{name}.npy"
        start = path.stat().st_size - 4 * len(self.arrays[name])
        return _Bytes(path, start + 4 * int(lo), 4 * int(hi - lo))

    def _firsts(self, folder: Path) -> np.ndarray:
        """Each article's first sentence and the sentence count (D+1): from a generation's
        sentences.doc, else from the records (a new segment's few)."""
        path = folder / "sentences.doc.npy"
        if path.exists():
            from .. import npy

            counts = np.bincount(np.frombuffer(npy.load(path), np.int32),
                                 minlength=len(self.doc_records))
        else:
            counts = np.array([d["count"] for d in self.docs], np.int64)
        first = np.zeros(len(counts) + 1, np.int64)
        np.cumsum(counts, out=first[1:])
        return first


# The start of an article record's line as a build writes it, when its id and source hold no
# character JSON escapes. Only a line's start can match: a record is flat (no dict inside it),
# and a quote inside a JSON string is escaped. (Anchored with `^`, the search would try every
# byte; unanchored, it jumps from one `{"id":"` to the next: 0.13 s for 10^5 records, not 0.6.)
_HEAD = re.compile(rb'\{"id":"([^"\\\n]*)","source":"([^"\\\n]*)","title":"')


def _ranges(sources: list) -> dict | None:
    """Each source's articles as a range, None when one source's are not consecutive."""
    from itertools import groupby

    ranges, at = {}, 0
    for source, run in groupby(sources):
        stop = at + sum(1 for _ in run)
        if source in ranges:
            return None
        ranges[source], at = range(at, stop), stop
    return ranges


@dataclass
class Carried:
    """How `gather` placed its segments: each one's terms in the union vocabulary and its
    sentences' new numbers (-1: not gathered), so that `derive` can carry the previous
    generation's postings over instead of inverting the archive again."""

    old: Segment  # the previous generation: a segment with postings
    new: Segment | None  # the new articles' segment
    terms: dict[int, np.ndarray]  # id(segment): the union number of each of its terms
    sentences: dict[int, np.ndarray]  # id(segment): each of its sentences' new number

    def usable(self) -> bool:
        """Whether the previous generation's postings can be carried over in their order: its
        kept sentences kept theirs (not so when lines of a JSONL file were swapped)."""
        kept = self.sentences.get(id(self.old))
        if kept is None:  # nothing of it kept
            return False
        kept = kept[kept >= 0]
        return bool(np.all(kept[1:] > kept[:-1]))


@dataclass
class Gathered:
    counts: np.ndarray  # each article's sentence count, in the new order
    names: NameCounts | None  # the name counts, when they were merged into one file
    terms: dict[int, np.ndarray]
    sentences: dict[int, np.ndarray]
    final: list[str]  # the files written that `segments.derive` only reads


# What `gather` writes that `segments.derive` only reads (it writes the vocabulary and
# forward.term again when terms go unused): these are as they stay once gathered.
FINAL = ("docs.jsonl", "docs.offsets.npy", "sentences.jsonl", "sentences.offsets.npy",
         "sentences.len.npy", "sentences.paragraph.npy", "forward.start.npy", "forward.end.npy",
         "statements.rows.jsonl", "statements.rows.offsets.npy",
         "statements.rows.sentence.npy", "statements.rows.attribution.npy")


def gather(out: Path, runs: list[tuple[Segment, int, int]]) -> Gathered:
    """Write into `out` the segment holding the articles `runs` name ((segment, first,
    stop): articles first..stop-1 of the segment, in the order they are to have), with terms
    numbered into the union of the segments' vocabularies (`derive` keeps only those used)."""
    segments = list({id(s): s for s, _, _ in runs}.values())
    union, remap = _union(segments)
    counts = _gather_docs(out, runs)
    spans = [(seg, int(seg.first[lo]), int(seg.first[hi])) for seg, lo, hi in runs]
    _gather_records(out, "sentences", [(seg, "sentences", s0, s1) for seg, s0, s1 in spans])
    for name in ("sentences.len", "sentences.paragraph"):
        _write_parts(out / f"{name}.npy", [seg.slice(name, s0, s1) for seg, s0, s1 in spans])
    tok = [(seg, seg.arrays["forward.ptr"][s0], seg.arrays["forward.ptr"][s1])
           for seg, s0, s1 in spans]
    for name in ("forward.start", "forward.end"):
        _write_parts(out / f"{name}.npy", [seg.slice(name, t0, t1) for seg, t0, t1 in tok])
    _write_parts(out / "forward.term.npy", [_Renumbered.part(seg, "forward.term", t0, t1,
                                                             remap[id(seg)])
                                            for seg, t0, t1 in tok])
    write_vocabulary(out, union)
    _gather_rows(out, spans)
    names = _gather_counts(out, segments)
    return Gathered(counts, names, remap, _sentence_maps(segments, spans),
                    [*FINAL, *sorted(p.name for p in out.glob("names.counts*.json"))])


def _union(segments: list[Segment]) -> tuple[list[str], dict[int, np.ndarray]]:
    """The sorted union of the segments' vocabularies and each segment's terms' numbers in it.
    A generation's terms are sorted already, and an update adds few: the largest segment's
    terms are numbered by how many of the others' sort before each, not looked up one by
    one (a vocabulary of 10^5 terms or more)."""
    if not segments:
        return [], {}
    base = max(segments, key=lambda s: len(s.terms)).terms
    if any(a >= b for a, b in zip(base, base[1:])):  # not a generation's: look each up
        base = []
    known = set(base)
    extra = sorted(set().union(*(s.terms for s in segments)) - known)
    union = list(base)
    if extra:
        union = sorted(union + extra) if len(extra) > len(base) else _insert(union, extra)
    rank = None
    remap = {}
    for seg in segments:
        if seg.terms is base and base:
            before = np.searchsorted(np.array([bisect_left(base, t) for t in extra], np.int64),
                                     np.arange(len(base)), side="right")
            remap[id(seg)] = (np.arange(len(base)) + before).astype(np.int32)
            continue
        if base:  # a new segment's few terms: found by binary search
            remap[id(seg)] = np.fromiter((bisect_left(union, t) for t in seg.terms), np.int32,
                                         len(seg.terms))
            continue
        rank = rank or {t: n for n, t in enumerate(union)}
        remap[id(seg)] = np.fromiter((rank[t] for t in seg.terms), np.int32, len(seg.terms))
    return union, remap


def _insert(terms: list[str], extra: list[str]) -> list[str]:
    """Sorted `terms` with the sorted `extra` (none of them in `terms`) merged in."""
    out: list[str] = []
    at = 0
    for term in extra:
        stop = bisect_left(terms, term, at)
        out.extend(terms[at:stop])
        out.append(term)
        at = stop
    out.extend(terms[at:])
    return out


def _gather_docs(out: Path, runs: list[tuple[Segment, int, int]]) -> np.ndarray:
    """The article records of `runs`, copied as bytes with their new `first` number
    (`doc_lines.moved_lines`, `DOC_LINES` at a time); returns each one's sentence count."""
    docs_out = RecordWriter(out, "docs")
    counts = np.concatenate([np.diff(seg.first[lo:hi + 1]) for seg, lo, hi in runs]
                            ) if runs else np.zeros(0, np.int64)
    first = 0
    for seg, run_lo, run_hi in runs:
        moved = first - int(seg.first[run_lo])
        for lo in range(run_lo, run_hi, DOC_LINES):
            hi = min(lo + DOC_LINES, run_hi)
            offsets = np.frombuffer(seg.doc_records.offsets, np.int64)[lo:hi + 1]
            chunk = memoryview(seg.doc_records._data)[offsets[0]:offsets[-1]]
            lines = (chunk, np.diff(offsets)) if moved == 0 else moved_lines(
                chunk, offsets[1:] - offsets[0], seg.first[lo:hi],
                np.diff(seg.first[lo:hi + 1]), moved)
            if lines is not None:
                docs_out.add_encoded(*lines)
            else:  # not as a build writes them: encoded again
                docs_out.extend({**seg.doc_records[d], "first": int(seg.first[d]) + moved}
                                for d in range(lo, hi))
        first += int(seg.first[run_hi] - seg.first[run_lo])
    docs_out.close()
    return counts


DOC_LINES = 1 << 14  # article records renumbered at once (a few MB)


def _sentence_maps(segments: list[Segment], spans: list[tuple[Segment, int, int]]
                   ) -> dict[int, np.ndarray]:
    """Each segment's sentences' numbers in the gathered segment (-1: left out)."""
    maps = {id(s): np.full(len(s.arrays["sentences.len"]), -1, np.int32) for s in segments}
    first = 0
    for seg, s0, s1 in spans:
        maps[id(seg)][s0:s1] = np.arange(first, first + s1 - s0, dtype=np.int32)
        first += s1 - s0
    return maps


# How many name-count files a generation may hold before they are merged into one: each update
# adds one (its new articles'), which costs less than rewriting the archive's counts each time.
MAX_COUNT_FILES = 8


def _gather_counts(out: Path, segments: list[Segment]) -> NameCounts | None:
    """The segments' name-count files, linked (the new articles' under the next number), or
    merged into one when they grow too many (returned then, else None)."""
    files = [path for seg in segments for path in seg.counts]
    if len(files) > MAX_COUNT_FILES:
        names = NameCounts()
        for path in files:
            names.update(read_counts(path.parent, path.name))
        write_counts(out, names)
        return names
    taken = {p.name for p in files}
    linked = {p.name for p in out.glob("names.counts*.json")}
    number = 0
    for path in files:
        name = path.name
        if name in linked:
            while f"names.counts.{number}.json" in taken:
                number += 1
            name = f"names.counts.{number}.json"
            taken.add(name)
        link_or_copy(path, out / name)
        linked.add(name)
    return None


@dataclass
class _Bytes:
    """A byte range of a file, copied by the kernel (`os.copy_file_range`): the gather's
    hundreds of megabytes are never mapped into the process, so they do not count in its
    memory."""

    path: Path
    start: int
    length: int

    def __len__(self) -> int:
        return self.length // 4  # as a part of an int32 array

    def copy_to(self, out) -> None:
        with open(self.path, "rb") as f:
            at, left = self.start, self.length
            try:
                while left > 0:
                    done = os.copy_file_range(f.fileno(), out.fileno(), left, at)
                    if done == 0:
                        raise OSError("copy_file_range copied nothing")
                    at, left = at + done, left - done
            except (OSError, AttributeError):  # another file system, an older kernel
                f.seek(at)
                while left > 0:
                    block = f.read(min(left, 1 << 20))
                    if not block:
                        raise OSError(f"{self.path} is shorter than its index says")
                    out.write(block)
                    left -= len(block)


@dataclass
class _Renumbered:
    """Items of an int32 array with new numbers (`Renumbering`), written a chunk at a time:
    the forward index's 10^7 term numbers are never copied whole."""

    values: np.ndarray
    numbers: Renumbering

    @staticmethod
    def part(seg: Segment, name: str, lo: int, hi: int, numbers: np.ndarray):
        """Items lo..hi-1 of `name` renumbered by `numbers`: copied as bytes (`_Bytes`) when
        no number changes."""
        renumbering = Renumbering(numbers)
        if renumbering.runs == [(0, len(numbers), 0)]:
            return seg.slice(name, lo, hi)
        return _Renumbered(seg.arrays[name][lo:hi], renumbering)

    def __len__(self) -> int:
        return len(self.values)

    def copy_to(self, out) -> None:
        for lo in range(0, len(self.values), MERGE_CHUNK):
            out.write(memoryview(self.numbers(self.values[lo:lo + MERGE_CHUNK])[0]))


def _write_parts(path: Path, parts: list, dtype: str = "<i4") -> None:
    """An .npy file holding `parts` (arrays, or `_Bytes` or `_Renumbered` of int32 arrays)
    one after the other, as np.save writes their concatenation, without making it."""
    header = np.lib.format.header_data_from_array_1_0(np.zeros(0, dtype))
    header["shape"] = (sum(len(p) for p in parts),)
    with open(path, "wb", buffering=0) as f:
        np.lib.format.write_array_header_1_0(f, header)
        for part in parts:
            if isinstance(part, (_Bytes, _Renumbered)):
                part.copy_to(f)
            else:
                f.write(memoryview(np.ascontiguousarray(part, dtype)))


def _gather_records(out: Path, name: str, spans: list[tuple[Segment, str, int, int]]) -> None:
    """Lines lo..hi-1 of each segment's record file `kind`, copied as bytes (by the kernel),
    with their new offsets."""
    offsets = [np.zeros(1, np.int64)]
    end = 0
    with open(out / f"{name}.jsonl", "wb", buffering=0) as f:
        for seg, kind, lo, hi in spans:
            records = seg.sentences if kind == "sentences" else seg.rows
            a, b = int(records.offsets[lo]), int(records.offsets[hi])
            _Bytes(seg.folder / f"{kind}.jsonl", a, b - a).copy_to(f)
            offsets.append(np.frombuffer(records.offsets, np.int64)[lo + 1:hi + 1] - a + end)
            end += b - a
    np.save(out / f"{name}.offsets.npy", np.concatenate(offsets))


def _gather_rows(out: Path, spans: list[tuple[Segment, int, int]]) -> None:
    """The statement rows of the sentences gathered, renumbered."""
    parts, sentence, attribution = [], [], []
    new_first = 0
    for seg, s0, s1 in spans:
        at = seg.arrays["statements.rows.sentence"]
        r0, r1 = np.searchsorted(at, s0), np.searchsorted(at, s1)
        parts.append((seg, "statements.rows", int(r0), int(r1)))
        sentence.append(at[r0:r1].astype(np.int64) - s0 + new_first)
        attribution.append(seg.arrays["statements.rows.attribution"][r0:r1])
        new_first += s1 - s0
    _gather_records(out, "statements.rows", parts)
    _write_parts(out / "statements.rows.sentence.npy", sentence)
    _write_parts(out / "statements.rows.attribution.npy", attribution)
