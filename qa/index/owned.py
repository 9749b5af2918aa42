"""What in an index folder is qa's: the only things a build may create, replace or remove.

A user may point `--index` at any folder, so qa proves ownership instead of guessing it from
names (a user's own `gen-ai/` or `.build-cache/` looks like ours): it writes a marker file
(`.qa-index`) in a folder it takes as an index folder and another (`.qa-made`) in every
staging or generation folder it creates. It takes a folder only when it is new, empty, marked,
or holds a qa manifest (an index written before the marker existed); it removes only folders
it marked (or the generation its own manifest named), and nothing reached through a link.
"""
from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import stat
from pathlib import Path

from .format import IndexUnusable, load_manifest

FOLDER_MARK = ".qa-index"  # in the index folder: qa made it or took it over
MADE_MARK = ".qa-made"  # in each staging or generation folder qa created
LOCK = ".lock"
_MADE_NAME = re.compile(r"(?:gen|\.build)-\d{14}-[0-9a-f]{8}")  # as qa.index.writer names them
_MARK_TEXT = b"This folder is a qa index; qa may replace what it made here.\n"


def may_take(folder: Path) -> bool:
    """Whether `folder` is qa's already or holds nothing a user could lose."""
    if _is_file(folder / FOLDER_MARK):
        return True
    try:
        names = set(os.listdir(folder)) - {LOCK}
    except OSError:  # missing (to be made), or not a folder: creating it will say why
        return True
    return not names or _holds_qa_manifest(folder)


def mark_folder(folder: Path) -> None:
    """Leave the marker saying `folder` is a qa index folder (once; never through a link)."""
    _write_mark(folder / FOLDER_MARK)


def mark_made(path: Path) -> None:
    """Mark a folder qa just created as its own, so a later build may remove it."""
    _write_mark(path / MADE_MARK)


def is_made(path: Path) -> bool:
    """A real folder (not a link) holding qa's mark."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode) and _is_file(path / MADE_MARK)
    except OSError:
        return False


def remove_made(path: Path) -> None:
    """Remove a folder qa made; anything else is left alone. The mark goes last, so a build
    killed half-way through leaves a folder the next build still knows as its own."""
    if is_made(path):
        with os.scandir(path) as entries:
            for entry in entries:
                if entry.name == MADE_MARK:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)
        with contextlib.suppress(OSError):
            os.unlink(path / MADE_MARK)
    if _MADE_NAME.fullmatch(path.name):
        with contextlib.suppress(OSError):
            os.rmdir(path)  # only if empty: the mark gone, or never written before a kill


def remove_named(path: Path) -> None:
    """Remove a generation a qa manifest named, if it is a real folder (not a link)."""
    if is_made(path):
        remove_made(path)
        return
    with contextlib.suppress(OSError):
        if stat.S_ISDIR(os.lstat(path).st_mode):
            shutil.rmtree(path, ignore_errors=True)


def open_lock(folder: Path) -> int:
    """The lock file's descriptor; a `.lock` that is a link is refused, not followed."""
    try:
        return os.open(folder / LOCK, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC,
                       0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise OSError(errno.ELOOP, f"{LOCK} is a link, which qa does not follow") from None
        raise


def _write_mark(path: Path) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                     0o644)
    except FileExistsError:
        if not _is_file(path):
            raise OSError(errno.EEXIST, f"{path.name} is not a plain file") from None
        return
    try:
        os.write(fd, _MARK_TEXT)
    finally:
        os.close(fd)


def _is_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _holds_qa_manifest(folder: Path) -> bool:
    try:
        load_manifest(folder)
    except IndexUnusable:
        return False
    return True
