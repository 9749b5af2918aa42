"""Read articles from files and folders into Documents, reporting what cannot be read.

A corpus is whatever the user points at: `.txt` and `.md` files (one article each) and `.jsonl`
files (one article per line). A bad file or line never stops the rest from being read; it is
reported by name so the user can mend it.
"""
from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .metadata import read_metadata
from .model import Document

ARTICLE_SUFFIXES = (".txt", ".md", ".jsonl")
_MD_TITLE = re.compile(r"\A\s*#[ \t]+([^\n]+?)[ \t#]*(?:\n|\Z)")


class CorpusError(Exception):
    """A corpus path that cannot be used at all (missing, unreadable)."""


@dataclass(frozen=True)
class SourceFile:
    """A file the index was built from, with what identifies its content."""

    path: str
    sha256: str
    size: int
    mtime_ns: int = 0


@dataclass
class Corpus:
    documents: list[Document] = field(default_factory=list)
    sources: list[SourceFile] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def find_sources(paths: list[Path]) -> list[Path]:
    """Every article file under `paths`, in a stable order, without following folder links."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            for root, dirs, files in os.walk(path, followlinks=False):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.lower().endswith(ARTICLE_SUFFIXES) and not name.startswith("."):
                        found.append(Path(root) / name)
        elif path.is_file():
            found.append(path)
        else:
            raise CorpusError(f"{path}: no such file or folder")
    return found


def read_corpus(paths: list[Path]) -> Corpus:
    """Read every article under `paths`; unreadable files and lines go to `problems`."""
    corpus = Corpus()
    corpus.documents = [doc for doc, _, _ in stream_corpus(find_sources(paths), corpus)]
    return corpus


def stream_corpus(files: list[Path], corpus: Corpus) -> Iterator[tuple[Document, int, int]]:
    """The articles of `files`, one file at a time: each document with the bytes read so far and the
    total; `corpus` collects the sources and problems as they are met."""
    taken: set[str] = set()
    total = 0
    for path in files:
        with contextlib.suppress(OSError):
            total += path.stat().st_size
    done = 0
    for path in files:
        try:
            mtime = path.stat().st_mtime_ns
            data = path.read_bytes()
        except OSError as exc:
            corpus.problems.append(f"{path}: skipped: {exc.strerror or exc}")
            continue
        done += len(data)
        total = max(total, done)
        corpus.sources.append(SourceFile(str(path), hashlib.sha256(data).hexdigest(),
                                         len(data), mtime))
        text, problem = decode(data)
        del data
        if problem:
            corpus.problems.append(f"{path}: skipped: {problem}")
            continue
        if path.suffix.lower() == ".jsonl":
            docs = [_without_surrogates(doc) for doc in _read_jsonl(path, text, corpus.problems)]
        else:
            docs = [_read_article(path, text)]
        del text
        for doc in docs:
            if doc.id in taken:
                corpus.problems.append(f"{path}: skipped document {doc.id!r}: id already used")
                continue
            taken.add(doc.id)
            yield doc, done, total


_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_surrogates(doc: Document) -> Document:
    """A JSON escape can make a lone surrogate, which no UTF-8 file can hold: it becomes
    U+FFFD, one character for one, so offsets stay right."""
    fields = ("id", "title", "date", "text")
    if not any(_SURROGATE.search(getattr(doc, f)) for f in fields):
        return doc
    return dataclasses.replace(doc, **{f: _SURROGATE.sub("\ufffd", getattr(doc, f))
                                       for f in fields})


def decode(data: bytes) -> tuple[str, str]:
    """UTF-8 text with newlines as text mode reads them, or the reason it is not text."""
    if b"\x00" in data:
        return "", "binary file (NUL bytes)"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return "", f"not UTF-8 (byte {exc.start})"
    return text.replace("\r\n", "\n").replace("\r", "\n"), ""


def _read_article(path: Path, text: str, doc_id: str | None = None, title: str = "",
                  date: str = "") -> Document:
    start = 0
    if not title and path.suffix.lower() == ".md":
        m = _MD_TITLE.match(text)
        if m:
            title, start = m.group(1).strip(), m.end()
    meta = read_metadata(text, start)
    return Document(
        id=doc_id if doc_id is not None else path.stem,
        source=str(path),
        text=text,
        title=title,
        date=date or meta.date,
        place=meta.place,
        agency=meta.agency,
        body_start=meta.body_start,
    )


def _read_jsonl(path: Path, text: str, problems: list[str]) -> list[Document]:
    docs = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            problems.append(f"{path}:{number}: skipped: not a JSON object")
            continue
        if not isinstance(record, dict):
            problems.append(f"{path}:{number}: skipped: not a JSON object")
            continue
        body, doc_id = record.get("text"), record.get("id")
        if not isinstance(body, str):
            problems.append(f"{path}:{number}: skipped: no \"text\" string")
            continue
        if not isinstance(doc_id, (str, int)) or str(doc_id) == "":
            problems.append(f"{path}:{number}: skipped: no \"id\"")
            continue
        title = record.get("title") if isinstance(record.get("title"), str) else ""
        date = record.get("date") if isinstance(record.get("date"), str) else ""
        body = body.replace("\r\n", "\n").replace("\r", "\n")
        docs.append(_read_article(path, body, str(doc_id), title, date))
    return docs
