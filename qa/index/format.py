"""An index's manifest: what it says (format, settings, sources, data folder), checked for
shape, and whether the corpus still matches it.

The manifest is the one file a build replaces atomically (`qa.index.writer`); `qa.index.reader` opens the
data folder it names. Deciding freshness costs a stat of each source file, and a hash of a
file whose times changed.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

from .. import bm25
from ..analyzer import Analyzer
from ..ingest import CorpusError, find_sources

FORMAT_VERSION = 5  # 3: the source table; 4: ids are relative paths; 5: forward data, names
MANIFEST = "manifest.json"
GENERATION_NAME = re.compile(r"\Agen-[0-9a-z-]{1,64}\Z")


class IndexUnusable(Exception):
    """The index on disk cannot be used as it is (missing, corrupt, stale); rebuild it."""


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
    if not isinstance(data, str) or not GENERATION_NAME.match(data):
        raise IndexUnusable(f"{path} names a data folder outside the index")
    files = manifest.get("files")
    if not isinstance(files, dict) or not all(
            isinstance(k, str) and "/" not in k and k not in ("", ".", "..")
            and isinstance(v, int) for k, v in files.items()):
        raise IndexUnusable(f"{path} lists files outside the index")
    return manifest


def staleness(manifest: dict, paths: list[Path], folder: Path | None = None) -> str | None:
    """Why an index no longer matches the corpus at `paths`, or None when it does (the
    index `folder` itself is never part of the corpus)."""
    if manifest.get("analyzer") != Analyzer().settings:
        return "the analyzer changed"
    if manifest.get("bm25") != bm25.BM25Params().to_json():
        return "the BM25 settings changed"
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
            if _changed(path, old):
                return f"{path} changed"
        except OSError:
            return f"{path} cannot be read"
    if known:
        return f"{next(iter(known))} vanished"
    return None


def _changed(path: Path, old: dict) -> bool:
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
