"""The library: `ask(question) -> Answer`, the index handle it uses, and how to drop it.

The CLI, the REPL, `qa eval` and scripts all call `ask`; the only state kept between calls is
the opened index, cached per folder (`clear_index_cache()` forgets it). The module is not
called `ask` so that `from qa import ask` always gives the function, never this module.
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from . import marking, ranking
from . import question as q
from . import span_model
from .config import NO_CORPUS_HELP, Location, default_corpus, locate
from .index import Index
from .index.format import IndexUnusable, read_manifest
from .index.freshness import staleness
from .ingest import CorpusError
from .model import Answer
from .termination import exit_on_signals

Notify = Callable[[str], None]

_cache: dict[Path, Index] = {}


class QaError(Exception):
    """A problem the user can fix (bad question, no corpus, unwritable index): one line."""


def ask(question: str, *, k: int = 3, doc: str | None = None, source: str | None = None,
        explain: bool = False, index: Index | None = None,
        model: span_model.SpanModel | None = None) -> Answer:
    """The best `k` sentences answering `question`, with who said them and the answer marked
    where the answer model (`model`, default the shipped one) is sure enough."""
    if not question.strip():
        raise QaError("empty question")
    if k < 1:
        raise QaError("k must be at least 1")
    index = index or open_index(complete=source is not None)
    # One hit more than shown: the calibrator reads each hit's lead over the next.
    # explain=True keeps on each hit the features the ranking computes anyway (the calibrator
    # reads what share of the question the sentence holds, its own or by reference); they are
    # dropped after unless asked for.
    analysed = q.analyze(question, index.analyzer)
    asked: list = []  # each hit's words holding a question term (for the answer model)
    result = ranking.top_hits(index, question, k=k + 1, doc=doc, source=source, explain=True,
                              question=analysed, asked=asked)
    extra = result.hits[k] if len(result.hits) > k else None
    result.hits = result.hits[:k]
    if result.hits:
        model = model or shipped_model()
        marking.mark(result, analysed, index.analyzer, model,
                     extra.score if extra else None, extra.text if extra else None, asked,
                     extra.features if extra else None)
    if not explain:
        for hit in result.hits:
            hit.features = {}
    return result


_models: list[span_model.SpanModel] = []


def shipped_model() -> span_model.SpanModel:
    """The answer model in the package, read once per process."""
    if not _models:
        try:
            _models.append(span_model.load())
        except span_model.ModelError as exc:
            raise QaError(str(exc)) from None
    return _models[0]


def clear_index_cache() -> None:
    """Forget every opened index, so the next `ask` opens (or rebuilds) it afresh."""
    _cache.clear()


def open_index(location: Location | None = None, notify: Notify | None = None,
               rebuild: bool = False, complete: bool = False) -> Index:
    """The index for `location`, built or updated first when it is missing or stale.

    An update leaves the source table and the completion names for later (they cost most of
    it, and answering a question needs neither); `complete` asks for them (`qa said`,
    `--source`, the session), writing them first if an update left them.

    Checking freshness costs a stat of each source file (and a hash of any whose time
    changed); reopening is skipped while the cached handle still names the current build.
    A corpus named for this run (--corpus, $QA_CORPUS) that differs from the indexed one is
    indexed for this run, saying so; runs that name none keep the index's own corpus.
    """
    location = location or locate()
    notify = notify or _to_stderr
    folder = location.index
    key = folder.resolve()
    try:
        manifest = read_manifest(folder)
        reason = None
    except IndexUnusable as exc:
        manifest, reason = None, str(exc)
    home = _manifest_paths(manifest, "home") or _manifest_paths(manifest, "corpus")
    corpus = location.corpus or home or default_corpus()
    if corpus is None:
        raise QaError(NO_CORPUS_HELP)
    _check_corpus_exists(corpus, folder, named=location.corpus is not None)
    if location.corpus is None or home is None:  # a new index's first corpus is its own
        home = corpus
    if manifest is not None:
        built = _manifest_paths(manifest, "corpus")
        if rebuild:
            reason = "rebuild requested"
        elif built is not None and not _same(built, corpus):
            reason = (f"this run's corpus {_paths(corpus)} is not the indexed "
                      f"{_paths(built)}" + ("" if _same(home, corpus) else
                                            f"; runs naming no corpus keep {_paths(home)}"))
        else:
            reason = staleness(manifest, list(corpus), folder)
    unreadable = False  # the generation itself cannot be opened: nothing to update from
    if reason is None:
        cached = _cache.get(key)
        if cached is not None and cached.manifest.get("data") == manifest.get("data"):
            return _completed(cached, complete, notify)
        try:
            _cache[key] = Index.open(folder)
            return _completed(_cache[key], complete, notify)
        except IndexUnusable as exc:
            reason, unreadable = str(exc), True
    _cache[key] = _rebuild(folder, list(corpus), reason, notify, list(home),
                           seen=manifest.get("data") if manifest else None, may_skip=not rebuild,
                           late=not complete, fresh=unreadable)
    return _completed(_cache[key], complete, notify)


def _completed(index: Index, complete: bool, notify: Notify) -> Index:
    """`index`, with the files an update left for later written first when `complete`."""
    if not complete or index.complete:
        return index
    from .index.writer import IndexWriteError, finish

    try:
        finish(index.folder)
    except IndexWriteError as exc:
        raise QaError(str(exc)) from None
    reopened = Index.open(index.folder)
    _cache[index.folder.resolve()] = reopened
    return reopened


def indexed_corpus(folder: Path) -> tuple[Path, ...] | None:
    """The corpus runs naming none use for the index in `folder`, if it has one."""
    try:
        manifest = read_manifest(folder)
    except IndexUnusable:
        return None
    return _manifest_paths(manifest, "home") or _manifest_paths(manifest, "corpus")


def _check_corpus_exists(corpus: tuple[Path, ...], folder: Path, named: bool) -> None:
    """A clear way forward when a corpus path is gone (moved, unmounted, mistyped)."""
    for path in corpus:
        if not path.exists():
            if named:
                raise QaError(f"{path}: no such file or folder")
            raise QaError(f"the corpus {path} is gone (the index in {folder} was built from "
                          f"it): restore it, name another with --corpus PATH, or make one the "
                          f"default with 'qa index PATH'")


def _rebuild(folder: Path, corpus: list[Path], reason: str, notify: Notify,
             home: list[Path], seen: str | None = None, may_skip: bool = False,
             late: bool = False, fresh: bool = False) -> Index:
    """Build the index in `folder`; or, with `may_skip`, wait for the qa already building it
    and use its index when that is fresh (`seen`: the generation this run found stale)."""
    from .index.writer import EmptyCorpusError, ForeignFolder, IndexWriteError, build, check_folder
    from .progress import Progress  # (and qa.index.writer: numpy and more, for builds only)

    try:
        check_folder(folder)
        with Progress("building the index") as progress:
            report = build(
                corpus, folder, progress=progress, home=home,
                unless=(lambda: _built_meanwhile(folder, corpus, seen)) if may_skip else None,
                waiting=lambda: notify(f"qa: waiting for the qa building the index in {folder}"),
                starting=lambda: notify(f"qa: building the index in {folder} ({reason})"),
                late=late, fresh=fresh)
        target = folder
    except (CorpusError, EmptyCorpusError, ForeignFolder) as exc:
        raise QaError(str(exc)) from None
    except IndexWriteError as exc:
        notify(f"qa: warning: {exc}; answering from a temporary index")
        target, report = _build_elsewhere(corpus, str(exc))
    for problem in report.problems:
        notify(f"qa: warning: {problem}")
    if report.summary:
        notify(f"qa: {report.summary}")
    return Index.open(target)


def _built_meanwhile(folder: Path, corpus: list[Path], seen: str | None) -> bool:
    """Whether another qa replaced the generation `seen` with one fresh for `corpus`."""
    try:
        manifest = read_manifest(folder)
    except IndexUnusable:
        return False
    built = _manifest_paths(manifest, "corpus")
    return (manifest.get("data") != seen and built is not None and _same(built, corpus)
            and staleness(manifest, corpus, folder) is None)


def _build_elsewhere(corpus: list[Path], failed: str):
    """An index in a temporary folder, removed when qa exits (at SIGTERM too); QaError in
    one line when that cannot be written either (the disk and $TMPDIR both full)."""
    import atexit
    import shutil
    import tempfile

    from .index.writer import IndexWriteError, build

    try:
        target = Path(tempfile.mkdtemp(prefix="qa-index-"))
    except OSError as exc:
        raise QaError(f"{failed}; no temporary index either: {exc.strerror or exc}") from None
    atexit.register(shutil.rmtree, target, True)
    exit_on_signals()  # (for a program using the library: `qa` has done so already)
    try:
        return target, build(corpus, target)
    except IndexWriteError as exc:
        shutil.rmtree(target, True)
        raise QaError(f"{failed}; no temporary index either: {exc}") from None


def _manifest_paths(manifest: dict | None, key: str) -> tuple[Path, ...] | None:
    if not manifest or not isinstance(manifest.get(key), list):
        return None
    return tuple(Path(p) for p in manifest[key] if isinstance(p, str)) or None


def _same(a, b) -> bool:
    return [p.resolve() for p in a] == [p.resolve() for p in b]


def _paths(paths) -> str:
    return ", ".join(str(p) for p in paths)


def _to_stderr(message: str) -> None:
    """Messages name files and carry reasons built from them: shown by the untrusted rule."""
    from .untrusted import visible

    print(visible(message), file=sys.stderr, flush=True)
