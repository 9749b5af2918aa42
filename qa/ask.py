"""The one library entry point: `ask(question) -> Answer`, and the index handle it uses.

The CLI, the REPL, `qa eval` and scripts all call `ask`; the only state kept between calls is
the opened index, cached per folder.
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from . import ranking
from .config import NO_CORPUS_HELP, Location, default_corpus, locate
from .index import Index, IndexUnusable, read_manifest, staleness
from .ingest import CorpusError
from .model import Answer

Notify = Callable[[str], None]

_cache: dict[Path, Index] = {}


class QaError(Exception):
    """A problem the user can fix (bad question, no corpus, unwritable index): one line."""


def ask(question: str, *, k: int = 3, doc: str | None = None, source: str | None = None,
        explain: bool = False, index: Index | None = None) -> Answer:
    """The best `k` sentences answering `question`, with who said them and the answer marked."""
    if not question.strip():
        raise QaError("empty question")
    if k < 1:
        raise QaError("k must be at least 1")
    index = index or open_index()
    return ranking.answer(index, question, k=k, doc=doc, source=source, explain=explain)


def open_index(location: Location | None = None, notify: Notify | None = None,
               rebuild: bool = False) -> Index:
    """The index for `location`, built or rebuilt first when it is missing or stale.

    Checking freshness costs a stat of each source file (and a hash of any whose time
    changed); reopening is skipped while the cached handle still names the current build.
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
    corpus = location.corpus or _manifest_corpus(manifest) or default_corpus()
    if corpus is None:
        raise QaError(NO_CORPUS_HELP)
    if manifest is not None:
        reason = "rebuild requested" if rebuild else staleness(manifest, list(corpus))
    if reason is None:
        cached = _cache.get(key)
        if cached is not None and cached.manifest.get("data") == manifest.get("data"):
            return cached
        try:
            _cache[key] = Index.open(folder)
            return _cache[key]
        except IndexUnusable as exc:
            reason = str(exc)
    _cache[key] = _rebuild(folder, list(corpus), reason, notify)
    return _cache[key]


def _rebuild(folder: Path, corpus: list[Path], reason: str, notify: Notify) -> Index:
    from .build import IndexWriteError, build  # numpy, attribution, segmentation: builds only

    notify(f"qa: building the index in {folder} ({reason})")
    try:
        report = build(corpus, folder)
        target = folder
    except CorpusError as exc:
        raise QaError(str(exc)) from None
    except IndexWriteError as exc:
        import atexit
        import shutil
        import tempfile

        target = Path(tempfile.mkdtemp(prefix="qa-index-"))
        atexit.register(shutil.rmtree, target, True)
        notify(f"qa: warning: {exc}; answering from a temporary index")
        report = build(corpus, target)
    for problem in report.problems:
        notify(f"qa: warning: {problem}")
    return Index.open(target)


def _manifest_corpus(manifest: dict | None) -> tuple[Path, ...] | None:
    if not manifest or not isinstance(manifest.get("corpus"), list):
        return None
    return tuple(Path(p) for p in manifest["corpus"] if isinstance(p, str)) or None


def _to_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
