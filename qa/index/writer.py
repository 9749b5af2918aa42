"""Build or update an index and write it atomically (the reading side is `qa.index.reader`).

A build writes a new `.build-*` folder (from scratch, or by updating the previous generation:
`qa.index.update`, `qa.index.segments`), renames it to `gen-*`, then replaces manifest.json
in one `os.replace`; a reader therefore sees the old index or the new one, never a mix, and a
build killed half-way leaves the old index answering. Only builds import this module, and with
it numpy and the attribution and segmentation modules: answering a question needs none of them.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..room import ensure_room_for_numpy

ensure_room_for_numpy()  # numpy's import would end the process, short of memory

from .. import bm25  # noqa: E402
from ..analyzer import Analyzer  # noqa: E402
from ..ingest import ARTICLE_SUFFIXES, Corpus, find_sources, stream_corpus  # noqa: E402
from . import analysis, checksums, durable, gather, owned, segments, update  # noqa: E402
from .analysis import PARALLEL_BYTES  # noqa: E402,F401 (known as qa.index.writer's)
from .freshness import analysis_stamp  # noqa: E402
from .format import (FORMAT_VERSION, MANIFEST, IndexUnusable, generation_of,  # noqa: E402
                     read_manifest)

Progress = Callable[[int, int], None]


class IndexWriteError(Exception):
    """The index could not be written; the previous one, if any, is untouched."""


class EmptyCorpusError(Exception):
    """The corpus holds no article: no index is made of it, and one that exists is kept."""


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
    updated: str = ""  # for an update: what was analysed, removed, kept (in one line)
    built: bool = True  # False: another build, waited for, made this one needless


def build(paths: list[Path], folder: Path, params: bm25.BM25Params | None = None,
          progress: Progress | None = None, workers: int | None = None,
          home: list[Path] | None = None, unless: Callable[[], bool] | None = None,
          waiting: Callable[[], None] | None = None,
          starting: Callable[[], None] | None = None, fresh: bool = False,
          late: bool = False) -> BuildReport:
    """Read the corpus at `paths` and replace the index in `folder` with it, atomically.

    An index of the same corpus is updated (`qa.index.update`): only new and changed articles
    are analysed, and the result is the index a fresh build makes; `fresh` builds from scratch.
    With `late`, an update leaves the source table and completion names for `finish`.

    Articles are read one file at a time and analysed in `workers` processes (default: up to
    2 for a corpus of 4 MB or more, else 1); the index is the same whatever the number.
    `progress(done, total)` counts bytes of the corpus files. `home` is the corpus later runs
    use when they name none (default: `paths`). A corpus without articles does not replace an
    index that has some, nor makes an empty one (EmptyCorpusError). While another build holds
    the folder this one waits (calling `waiting()` first), then skips when `unless()` says
    that build made it needless; `starting()` is called when it does build.
    """
    params = params or bm25.BM25Params()
    started = time.perf_counter()
    paths = [p.resolve() for p in paths]
    corpus = Corpus()
    files = find_sources(paths, exclude=[folder], skipped=corpus.skipped,
                         problems=corpus.problems)
    try:
        check_folder(folder)
        if not files:  # refused before the index folder is made: nothing is left behind
            _refuse_to_empty(folder, paths, corpus.summary())
        folder.mkdir(parents=True, exist_ok=True)
        with _build_lock(folder, waiting):
            if unless is not None and unless():
                return BuildReport(built=False, seconds=time.perf_counter() - started)
            if starting is not None:
                starting()
            owned.mark_folder(folder)
            previous = generation_of(folder)
            _remove_leftovers(folder, keep=previous)
            report = _write_generation(folder, files, paths, params, progress, workers, corpus,
                                       [p.resolve() for p in home or paths], previous, fresh, late)
    except OSError as exc:
        raise IndexWriteError(f"cannot write index in {folder}: "
                              f"{exc.strerror or exc}") from None
    report.seconds = time.perf_counter() - started
    return report


def check_folder(folder: Path) -> None:
    """Raise ForeignFolder unless `folder` is qa's or holds nothing a user could lose."""
    if folder.exists() and not folder.is_dir():  # `--index notes.txt`, `--index /dev/null`
        raise ForeignFolder(f"{folder} is not a folder; choose a new or empty folder with "
                            f"--index")
    if not owned.may_take(folder):
        raise ForeignFolder(f"{folder} is not a qa index folder (it holds files qa did not "
                            f"make); choose a new or empty folder with --index")


def _write_generation(folder: Path, files: list[Path], paths: list[Path],
                      params: bm25.BM25Params, progress: Progress | None,
                      workers: int | None, corpus: Corpus, home: list[Path],
                      previous: str | None, fresh: bool, late: bool) -> BuildReport:
    # The code's stamp as the build starts: code replaced while it runs is then seen as a
    # change at the next question (a rebuild), never recorded as what made this analysis.
    analysed_by = analysis_stamp()
    found = None if fresh else update.plan(folder, files, paths, params)
    if found is not None and found.unchanged and (late or found.manifest.get("late") is False):
        return _keep(folder, found, home, corpus)
    token = _token()
    staging = folder / f".build-{token}"
    generation = folder / f"gen-{token}"
    staging.mkdir()
    early = _Early(staging)
    try:
        owned.mark_made(staging)
        if found is None:
            report, sources, collided = _write_all(staging, files, paths, params, progress,
                                                   workers, corpus, early)
        else:
            report = _write_update(folder, staging, found, params, progress, workers, late,
                                   early)
            corpus.problems.extend(found.corpus.problems)
            corpus.skipped.update(found.corpus.skipped)
            sources, collided = found.sources, False
        report.problems, report.summary = corpus.problems + report.problems, corpus.summary()
        if report.documents == 0:
            _refuse_to_empty(folder, paths, report.summary)
        described = early.finish()
        os.rename(staging, generation)
        manifest = {
            "format": "qa-index",
            "format_version": FORMAT_VERSION,
            "data": generation.name,
            "analyzer": Analyzer().settings,
            "bm25": params.to_json(),
            "analysis": analysed_by,
            "corpus": [str(p.resolve()) for p in paths],
            "home": [str(p) for p in home],
            "sources": sources,
            "collisions": collided,
            "late": late and found is not None,  # the source table and names: `finish`
            "counts": {"documents": report.documents, "sentences": report.sentences,
                       "terms": report.terms},
            "built": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            **described,
        }
        _write_manifest(folder, manifest)
    except BaseException:
        early.close()
        owned.remove_made(staging)
        _remove_unless_current(folder, generation)
        raise
    if previous:
        owned.remove_named(folder / previous)
        _restamp(folder)
    return report


def _remove_unless_current(folder: Path, generation: Path) -> None:
    """Remove a generation a failed build made, unless the manifest names it already: an
    interrupt (Ctrl-C, or SIGTERM, which qa turns into SystemExit) just after the swap
    left the index naming a folder that its clean-up then removed."""
    if generation_of(folder) != generation.name:
        owned.remove_made(generation)


def _write_manifest(folder: Path, manifest: dict) -> None:
    """Swap in `manifest`: the one step that makes a generation the index (one rename)."""
    durable.replace_file(folder / MANIFEST, json.dumps(manifest, indent=1).encode())


def _restamp(folder: Path) -> None:
    """Record the files' stamps again after the previous generation went: removing a hard
    link to a file (the name counts an update carries over, every file `finish` carries over)
    moves the file's ctime, and a moved stamp would make every open hash the file. Only this
    build, holding the lock, touched them since they were hashed. (Skipped if it fails: the
    files are then hashed when opened, and found intact.)"""
    try:
        manifest = read_manifest(folder)
        data, table = folder / manifest["data"], manifest.get("checksums") or {}
        moved = False
        for name, record in table.items():
            info = os.lstat(data / name)
            stamp = [info.st_ino, info.st_ctime_ns]
            if record.get("stamp") != stamp and info.st_nlink == 1:
                record["stamp"], moved = stamp, True
        if moved:
            _write_manifest(folder, manifest)
    except (IndexUnusable, OSError, AttributeError):
        pass


def _keep(folder: Path, plan: update.Plan, home: list[Path], corpus: Corpus) -> BuildReport:
    """No article changed (a file was rewritten as it was, or one without articles came or
    went): the generation stays, the manifest records the files as they are now."""
    manifest = {**plan.manifest, "home": [str(p) for p in home], "sources": plan.sources}
    _write_manifest(folder, manifest)
    counts = manifest.get("counts", {})
    corpus.problems.extend(plan.corpus.problems)
    corpus.skipped.update(plan.corpus.skipped)
    return BuildReport(counts.get("documents", 0), counts.get("sentences", 0),
                       counts.get("terms", 0), problems=corpus.problems,
                       summary=corpus.summary(),
                       updated=f"0 articles analysed, 0 removed, {plan.articles:,} kept")


def _synced_and_described(staging: Path, done: dict | None = None) -> dict:
    """Every file of `staging` on disk (`durable.fsync_tree`) and its manifest record
    (`_files`), the hashing done while the disk writes; `done` holds the records of files
    synced and hashed already. Renaming the folder afterwards changes neither a file's inode
    nor its ctime, so the stamps stay true."""
    from concurrent.futures import ThreadPoolExecutor

    done = done or {}
    with ThreadPoolExecutor(1) as pool:
        described = pool.submit(_files, staging, done)
        durable.fsync_tree(staging, skip=set(done))
        return described.result()


def _files(generation: Path, done: dict) -> dict:
    """The manifest's `files` and `checksums` of a generation (qa.index.checksums), with the
    records in `done` as they are."""
    names = sorted(p.name for p in generation.iterdir() if p.name != owned.MADE_MARK)
    described = {**done, **checksums.describe(generation, [n for n in names if n not in done])}
    return {"files": {name: described[name]["size"] for name in names},
            "checksums": {name: {"sha256": described[name]["sha256"],
                                 "stamp": described[name]["stamp"]} for name in names}}


class _Early:
    """Files of a staging folder synced and hashed in a thread while the build goes on: an
    update's gathered files (0.5 GB at 10^6 sentences, copied) are written out and hashed
    while its postings are computed, not after them."""

    def __init__(self, staging: Path) -> None:
        self.staging, self.pool, self.jobs = staging, None, {}

    def start(self, names: list[str]) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self.pool = self.pool or ThreadPoolExecutor(1)
        for name in names:
            if name not in self.jobs and name != owned.MADE_MARK:
                self.jobs[name] = self.pool.submit(_synced_record, self.staging / name)

    def finish(self) -> dict:
        """`_synced_and_described` of the staging folder, the files started early taken as
        they were described unless written since (their size or stamp moved)."""
        done = {}
        for name, job in self.jobs.items():
            record, info = job.result(), os.lstat(self.staging / name)
            if record["stamp"] == [info.st_ino, info.st_ctime_ns] and \
                    record["size"] == info.st_size:
                done[name] = record
        self.close()
        return _synced_and_described(self.staging, done)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


def _synced_record(path: Path) -> dict:
    """`path` on disk, and its record (`checksums.record`)."""
    with open(path, "rb") as f:
        os.fsync(f.fileno())
    return checksums.record(path)


def finish(folder: Path) -> bool:
    """Write what an update left for later (the source table, the names: `derive_late`) into
    a new generation, swapped in as a build's: the other files are hard links to the current
    generation's (copies where links cannot be made). Returns whether there was anything to
    do. IndexWriteError when it cannot be written."""
    try:
        with _build_lock(folder):
            try:
                manifest = read_manifest(folder)
            except IndexUnusable:
                return False
            if manifest.get("late") is not True:
                return False
            _remove_leftovers(folder, keep=manifest["data"])
            current = folder / manifest["data"]
            token = _token()
            staging, generation = folder / f".build-{token}", folder / f"gen-{token}"
            staging.mkdir()
            try:
                owned.mark_made(staging)
                checksums.verify(current, manifest["files"], manifest.get("checksums"))
                for name in manifest["files"]:
                    if not segments.is_late(name):
                        segments.link_or_copy(current / name, staging / name)
                segments.derive_late(staging)
                described = _synced_and_described(staging)
                os.rename(staging, generation)
                manifest = {**manifest, "data": generation.name, "late": False, **described}
                _write_manifest(folder, manifest)
            except BaseException:
                owned.remove_made(staging)
                _remove_unless_current(folder, generation)
                raise
            owned.remove_named(current)
            _restamp(folder)
    except checksums.Damaged as exc:
        raise IndexWriteError(str(exc)) from None
    except OSError as exc:
        raise IndexWriteError(f"cannot write index in {folder}: "
                              f"{exc.strerror or exc}") from None
    return True


def _token() -> str:
    return time.strftime("%Y%m%d%H%M%S") + "-" + os.urandom(4).hex()


def _write_all(staging: Path, files: list[Path], paths: list[Path], params: bm25.BM25Params,
               progress: Progress | None, workers: int | None, corpus: Corpus,
               early: _Early) -> tuple[BuildReport, list[dict], bool]:
    """Every article analysed into one segment, made a generation (the files that are final
    while the source table is still written synced and hashed by `early`). Returns the
    report, the source files' records and whether ids collided (an update then starts
    afresh)."""
    taken = update.TakenIds()
    documents = stream_corpus(files, corpus, paths, taken=taken)
    workers = analysis.worker_count(files, workers)
    written = segments.write_part(staging, documents, Analyzer(), progress, workers)
    counts = segments.derive(staging, params, counts=written.counts, dates=written.dates,
                             aside=workers > 1, settled=early.start)
    return (BuildReport(*counts, problems=written.problems),
            [s.__dict__ for s in corpus.sources], taken.collided)


def _write_update(folder: Path, staging: Path, plan: update.Plan, params: bm25.BM25Params,
                  progress: Progress | None, workers: int | None, late: bool,
                  early: _Early) -> BuildReport:
    """The previous generation's unchanged articles and the new ones, analysed into a segment
    of their own, gathered in corpus order into the next generation (the files gathered as
    they stay are synced and hashed by `early` while the rest is derived)."""
    part = folder / f".build-{_token()}"
    problems: list[str] = []
    try:
        new = None
        if plan.new_docs:
            part.mkdir()
            owned.mark_made(part)
            total = len(plan.new_docs)
            documents = ((doc, n, total) for n, doc in enumerate(plan.new_docs, 1))
            problems = segments.write_part(part, documents, Analyzer(), progress,
                                           analysis.worker_count(plan.read, workers)).problems
            new = gather.Segment(part)
        gathered = gather.gather(staging, [(new if is_new else plan.old, lo, hi)
                                           for is_new, lo, hi in plan.runs])
        early.start(gathered.final)
        carried = gather.Carried(plan.old, new, gathered.terms, gathered.sentences)
        counts = segments.derive(staging, params, gathered.names, late, gathered.counts,
                                 carried, aside=(workers or os.cpu_count() or 1) > 1,
                                 settled=early.start)
    finally:
        owned.remove_made(part)
    added = len(plan.new_docs)
    return BuildReport(*counts, problems=problems, updated=(
        f"{added:,} article{'s' * (added != 1)} analysed, {plan.removed:,} removed, "
        f"{plan.articles - added:,} kept"))


def _refuse_to_empty(folder: Path, paths: list[Path], summary: str) -> None:
    """Raise EmptyCorpusError: an index is never made of no article. A wrong folder or
    extension would otherwise answer every question with "no matching sentence", and an
    index that holds articles would be lost (it is kept)."""
    where = ", ".join(str(p) for p in paths)
    found = f"no articles in {where}{' (' + summary + ')' if summary else ''}"
    try:
        held = read_manifest(folder)["counts"]["documents"]
    except (IndexUnusable, KeyError, TypeError):
        held = 0
    if isinstance(held, int) and held > 0:
        articles = f"{held:,} article{'s' * (held != 1)}"
        raise EmptyCorpusError(f"{found}; the index in {folder} ({articles}) was kept")
    kinds = ", ".join(ARTICLE_SUFFIXES[:-1]) + " or " + ARTICLE_SUFFIXES[-1]
    raise EmptyCorpusError(f"{found}: nothing was indexed (articles are {kinds} files)")


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
