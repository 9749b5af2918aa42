"""Checksums of an index's files: a flipped byte means a rebuild with a reason, never a
traceback or a wrong answer.

The manifest holds each data file's size, SHA-256 and stamp (inode and ctime, as the file
was when the build finished). Opening an index costs one `lstat` per file while the stamps
match: any write to a file moves its ctime, which no user tool can set back, so a file whose
stamp still matches has not been written since it was hashed. A file whose stamp moved (it was
written, or the index was copied or restored) is hashed again at each open and refused if the
hash differs. What this cannot see: a byte changed on the disk itself behind the file system's
back (bit rot) in a file whose stamp still matches.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path


class Damaged(Exception):
    """An index file is missing, not a plain file, or not what was written; says which."""


def describe(folder: Path, names: list[str]) -> dict:
    """The manifest's record of the files `names` in `folder`: size, sha256 and stamp. The
    files are hashed two at a time (hashlib lets go of the interpreter lock while it hashes):
    a generation of 10^6 sentences is about 800 MB, half a second of hashing."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as pool:
        hashes = list(pool.map(lambda name: _sha256(folder / name), names))
    table = {}
    for name, digest in zip(names, hashes):
        info = os.lstat(folder / name)
        table[name] = {"size": info.st_size, "sha256": digest,
                       "stamp": [info.st_ino, info.st_ctime_ns]}
    return table


def record(path: Path) -> dict:
    """One file's record, as `describe` gives it: its stamp is taken before it is hashed, so
    that a write while it is hashed shows as a moved stamp."""
    info = os.lstat(path)
    return {"size": info.st_size, "sha256": _sha256(path),
            "stamp": [info.st_ino, info.st_ctime_ns]}


def verify(folder: Path, sizes: dict, table: dict | None) -> None:
    """Raise Damaged unless every file of `sizes` in `folder` is as recorded: a plain file
    (a link out of the index is not followed), of its size, and of its hash when its stamp
    moved. An index recorded without checksums (`table` None) is refused too."""
    if not isinstance(table, dict):
        raise Damaged(f"index in {folder} has no checksums")
    for name, size in sizes.items():
        path = folder / name
        try:
            info = os.lstat(path)
        except OSError:
            raise Damaged(f"index file {path} is missing") from None
        if not stat.S_ISREG(info.st_mode):
            raise Damaged(f"index file {path} is not a plain file")
        if info.st_size != size:
            raise Damaged(f"index file {path} has the wrong size")
        record = table.get(name)
        if not isinstance(record, dict):
            raise Damaged(f"index file {path} has no checksum")
        if record.get("stamp") == [info.st_ino, info.st_ctime_ns]:
            continue
        try:
            same = _sha256(path) == record.get("sha256")
        except OSError:
            raise Damaged(f"index file {path} cannot be read") from None
        if not same:
            raise Damaged(f"index file {path} is corrupt (its checksum differs)")


def _sha256(path: Path) -> str:
    import hashlib  # a build's or a moved stamp's: opening an unchanged index never hashes

    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
