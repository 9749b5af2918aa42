"""What an update keeps of the previous generation, what it analyses, and in what order.

A source file whose size, times and inode are as recorded (or whose content hash is) keeps its
articles without being read. A file that changed, or appeared, is read again, and each of its
articles is kept when its id and content hash (`segments.doc_hash`) are those of an article of
that file in the previous generation, else analysed anew: a JSONL file is tracked article by
article, not as a whole. Articles of files that vanished, and articles no longer in their file,
are left out (deleted). The next generation holds the articles in the order a fresh build would
read them, so that it answers exactly as a fresh build does.

When an update could differ from a fresh build, it is not attempted and the build starts from
scratch: different settings or corpus paths, an index of another format or with a damaged file
(its checksums are verified first), or ids that collide
(the id an article gets then depends on which file is read first).
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .. import bm25
from ..ingest import Corpus, stream_corpus
from ..model import Document
from . import checksums
from .format import IndexUnusable, read_manifest
from .freshness import changed_file, settings_changed
from .gather import Segment
from .segments import doc_hash


@dataclass
class Plan:
    old: Segment
    runs: list[list]  # [new?, first, stop]: articles of the new ones or of the old segment
    new_docs: list[Document]
    sources: list[dict]  # the manifest's record of each source file, in corpus order
    read: list[Path]  # the files read again
    manifest: dict  # the previous generation's
    corpus: Corpus = field(default_factory=Corpus)  # what reading them met

    def take(self, new: bool, first: int, stop: int) -> None:
        """Articles first..stop-1 (of the new ones, or of the old segment) come next: kept as
        runs, so that an update of 10^5 articles never steps through them one by one."""
        if first >= stop:
            return
        if self.runs and self.runs[-1][0] == new and self.runs[-1][2] == first:
            self.runs[-1][2] = stop
        else:
            self.runs.append([new, first, stop])

    @property
    def articles(self) -> int:
        return sum(stop - first for _, first, stop in self.runs)

    @property
    def unchanged(self) -> bool:
        """Every article kept, in the same order: the generation can stay as it is."""
        every = len(self.old.doc_records)
        return not self.new_docs and self.runs == ([[False, 0, every]] if every else [])

    @property
    def removed(self) -> int:
        kept = sum(stop - first for new, first, stop in self.runs if not new)
        return len(self.old.doc_records) - kept


class TakenIds(set):
    """The ids given out so far; notes whether an article asked for one already taken (its id
    then depends on the order files are read in)."""

    collided = False

    def __contains__(self, item) -> bool:
        hit = super().__contains__(item) or self._held(item)
        self.collided = self.collided or hit
        return hit

    def _held(self, item) -> bool:
        return False


class KeptIds(TakenIds):
    """TakenIds holding, besides those given out, the ids of the previous generation's
    articles in the `kept` ranges: an id asked for is looked up in its records (an update
    reads a few files again: a search costs ~10 ms, decoding 10^5 ids 0.2 s), or all of them
    once more than LOOKUPS were asked."""

    LOOKUPS = 16

    def __init__(self, old: Segment, kept: list[range]) -> None:
        super().__init__()
        self.old, self.kept, self.asked, self.ids = old, kept, 0, None

    def _held(self, item) -> bool:
        if self.ids is None and self.asked < self.LOOKUPS:
            self.asked += 1
            d = self.old.find_id(item)
            if d is None or d >= 0:
                return d is not None and any(d in run for run in self.kept)
        if self.ids is None:
            ids = self.old.ids_and_sources()[0]
            self.ids = {ids[d] for run in self.kept for d in run}
        return item in self.ids


def plan(folder: Path, files: list[Path], paths: list[Path], params: bm25.BM25Params
         ) -> Plan | None:
    """How to update the index in `folder` to the corpus `files` (found under `paths`), or
    None when it must be built from scratch."""
    try:
        manifest = read_manifest(folder)
    except IndexUnusable:
        return None
    if (settings_changed(manifest, params) or manifest.get("corpus") != [str(p) for p in paths]
            or manifest.get("collisions") is not False):
        return None
    data = folder / manifest["data"]
    try:  # a damaged generation is not built on (qa.index.checksums: a stat a file if intact)
        if not stat.S_ISDIR(os.lstat(data).st_mode):
            return None  # a link, say: never read through (as the reader refuses it)
        checksums.verify(data, manifest["files"], manifest.get("checksums"))
        old = Segment(data)
        known = {s["path"]: s for s in manifest.get("sources", [])
                 if isinstance(s, dict) and isinstance(s.get("path"), str)}
        by_source = old.source_ranges(list(known)) or old.ids_and_sources()[1]
    except (checksums.Damaged, OSError, ValueError, KeyError, TypeError):
        return None
    same, read = set(), []
    for path in files:
        record = known.get(str(path))
        try:
            unchanged = record is not None and not changed_file(path, record)
        except OSError:
            unchanged = False
        if unchanged:
            same.add(str(path))
        else:
            read.append(path)
    taken = KeptIds(old, [by_source[p] for p in same if p in by_source])
    result = Plan(old, [], [], [], read, manifest)
    streamed: dict[str, list[Document]] = {}
    for doc, _, _ in stream_corpus(read, result.corpus, paths, taken=taken):
        streamed.setdefault(doc.source, []).append(doc)
    if taken.collided:
        return None
    old_key = {}  # only an article of a file read again can be kept by its hash
    for path in read:
        for d in by_source.get(str(path), ()):
            doc = old.doc_records[d]
            old_key[doc["source"], doc["id"], doc["hash"]] = d
    fresh = {s.path: s.__dict__ for s in result.corpus.sources}
    for path in map(str, files):
        if path in same:
            run = by_source.get(path, range(0))
            result.take(False, run.start, run.stop)
            result.sources.append(known[path])
            continue
        if path in fresh:
            result.sources.append(fresh[path])
        for doc in streamed.get(path, []):
            d = old_key.get((doc.source, doc.id, doc_hash(doc)))
            if d is None:
                result.take(True, len(result.new_docs), len(result.new_docs) + 1)
                result.new_docs.append(doc)
            else:
                result.take(False, d, d + 1)
    return result
