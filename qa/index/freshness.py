"""Whether an index still matches its corpus, and which source files changed since it was built.

Deciding costs a stat of each source file, and a hash of a file whose times changed. An index
that no longer matches is updated (`qa.index.writer`): only the files that changed are read.
"""
from __future__ import annotations

import os
from pathlib import Path

from .. import bm25
from ..analyzer import Analyzer
from ..ingest import CorpusError, find_sources

_PACKAGE = Path(__file__).resolve().parent.parent
# What an index's stored analysis (sentences, attributions, resolved sources, names) is made
# by, relative to the package: when any of it is replaced (an upgrade, an edit) the stored
# analysis is rebuilt, never kept or mixed with the new code's in an update.
ANALYSIS_CODE = ("segment.py", "ingest.py", "sgml.py", "html_article.py", "metadata.py",
                 "model.py", "source_names.py", "attribution", "index/analysis.py",
                 "index/names.py", "index/source_build.py", "index/forward.py",
                 "data/attribution_cues.json", "data/reporting_verbs.txt")


def _analysis_files() -> list[Path]:
    files = []
    for name in ANALYSIS_CODE:
        path = _PACKAGE / name
        files.extend(sorted(path.glob("*.py")) if path.is_dir() else [path])
    return files


def _crc(path: Path) -> int:
    import zlib  # a checksum of the code, not a defence: an attacker could edit qa itself

    return zlib.crc32(path.read_bytes())


def analysis_stamp() -> list[list]:
    """Name, size, modification time and CRC-32 of each file of ANALYSIS_CODE, for the
    manifest (unreadable files as None)."""
    stamp = []
    for file in _analysis_files():
        try:
            info = os.stat(file)
            stamp.append([file.relative_to(_PACKAGE).as_posix(), info.st_size,
                          info.st_mtime_ns, _crc(file)])
        except OSError:
            stamp.append([file.relative_to(_PACKAGE).as_posix(), None, None, None])
    return stamp


def analysis_changed(recorded) -> bool:
    """Whether the analysis code differs from what `recorded` (an analysis_stamp) describes.
    A stat a file when its size and time are as recorded (every question pays this); the file
    is read only when its time moved (another install of the same qa, a checkout), so the
    same code under a new time is not a change."""
    files = _analysis_files()
    if not isinstance(recorded, list) or len(recorded) != len(files):
        return True
    for file, entry in zip(files, recorded):
        if not isinstance(entry, list) or len(entry) != 4:
            return True
        name, size, mtime, crc = entry
        try:
            info = os.stat(file)
            if name != file.relative_to(_PACKAGE).as_posix() or info.st_size != size:
                return True
            if info.st_mtime_ns != mtime and _crc(file) != crc:
                return True
        except OSError:
            return True
    return False


def settings_changed(manifest: dict, params: bm25.BM25Params | None = None) -> str | None:
    """Why what the index stores was made differently from what this qa would make (analyzer,
    BM25 settings, analysis code), or None: any of these needs a build from scratch."""
    if manifest.get("analyzer") != Analyzer().settings:
        return "the analyzer changed"
    if manifest.get("bm25") != (params or bm25.BM25Params()).to_json():
        return "the BM25 settings changed"
    if analysis_changed(manifest.get("analysis")):
        return "qa's analysis code changed"
    return None


def staleness(manifest: dict, paths: list[Path], folder: Path | None = None) -> str | None:
    """Why an index no longer matches the corpus at `paths`, or None when it does (the
    index `folder` itself is never part of the corpus)."""
    changed = settings_changed(manifest)
    if changed:
        return changed
    if manifest.get("corpus") != [str(p.resolve()) for p in paths]:
        return "the corpus paths changed"
    known = {s["path"]: s for s in manifest.get("sources", []) if isinstance(s, dict)}
    try:
        current = find_sources([p.resolve() for p in paths], exclude=[folder] if folder else [])
    except (OSError, CorpusError) as exc:
        return str(exc)
    for path in current:
        old = known.pop(str(path), None)
        if old is None:
            return f"{path} appeared"
        try:
            if changed_file(path, old):
                return f"{path} changed"
        except OSError:
            return f"{path} cannot be read"
    if known:
        return f"{next(iter(known))} vanished"
    return None


def changed_file(path: Path, old: dict) -> bool:
    """Whether the file at `path` is no longer the one recorded in `old`.

    Same size, times and inode: unchanged, for the cost of a stat. Anything else (even an
    edit that put size and mtime back: its ctime moved, which no user tool can reset) is
    decided by the content hash. A record from before ctime was kept goes by size and mtime.
    """
    info = os.stat(path)
    if info.st_size != old.get("size"):
        return True
    same = info.st_mtime_ns == old.get("mtime_ns")
    if "ctime_ns" in old:
        same = same and info.st_ctime_ns == old["ctime_ns"] and info.st_ino == old.get("inode")
    return not same and _sha256(path) != old.get("sha256")


def _sha256(path: Path) -> str:
    import hashlib  # only when a corpus file's times changed: not worth its import on every ask

    from ..ingest import read_regular  # never blocks on a FIFO, never reads past the size

    return hashlib.sha256(read_regular(path)[0]).hexdigest()
