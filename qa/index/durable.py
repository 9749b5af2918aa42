"""Writing files so that a crash or a kill leaves the old state or the new one, never a mix."""
from __future__ import annotations

import contextlib
import os
from pathlib import Path


def replace_file(path: Path, data: bytes) -> None:
    """Replace `path` with `data` in one rename: a reader, or a crash at any moment, sees the
    old file or the new one. The draft `.NAME.XXXXXXXX.tmp` beside it is removed on failure
    (and by the next build if the process was killed)."""
    tmp = path.with_name(f".{path.name}.{os.urandom(4).hex()}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    with contextlib.suppress(OSError):
        fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def fsync_tree(folder: Path, skip: set[str] | frozenset[str] = frozenset()) -> None:
    """Every file in `folder` (but those named in `skip`) on disk, before the folder is
    renamed into use."""
    for path in folder.iterdir():
        if path.name in skip:
            continue
        with open(path, "rb") as f:
            os.fsync(f.fileno())
