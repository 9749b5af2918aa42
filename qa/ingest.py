"""Read articles from files and folders into Documents, reporting what cannot be read.

A corpus is whatever the user points at: `.txt` and `.md` files (one article each), `.jsonl`
files (one article per line), Reuters-21578 `.sgm` files (one per <REUTERS> element) and
saved news pages, `.html` and `.htm` (one article each: its body text, headline and date). An
article's id is its path relative to the corpus folder, without the extension ("wire/x" for
wire/x.txt), so two folders may hold files of the same name; an article inside a file adds its
own id ("more/7"). Index folders found inside the corpus are never read as articles. A bad file
or line never stops the rest from being read; it is reported by name so the user can mend it,
and what was skipped is summed up in one line (`Corpus.summary`).
"""
from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import re
import stat
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .metadata import iso_date, read_metadata
from .model import Document

ARTICLE_SUFFIXES = (".txt", ".md", ".jsonl", ".sgm", ".html", ".htm")
PAGE_SUFFIXES = (".html", ".htm")
_MD_HEADING = re.compile(r"\s*#[ \t]+")  # "# Title" on the first line of a .md


class CorpusError(Exception):
    """A corpus path that cannot be used at all (missing, unreadable)."""


@dataclass(frozen=True)
class SourceFile:
    """A file the index was built from, with what identifies its content."""

    path: str
    sha256: str
    size: int
    mtime_ns: int = 0
    ctime_ns: int = 0  # no user tool sets it back: an edit that restores size and mtime shows
    inode: int = 0  # a file replaced (sed -i, an editor's save) is a new inode


@dataclass
class Corpus:
    documents: list[Document] = field(default_factory=list)
    sources: list[SourceFile] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)  # reason -> how many

    def skip(self, where: str, reason: str, kind: str) -> None:
        """Note a file, line or article left out: by name in `problems`, by `kind` in the
        summary."""
        self.problems.append(f"{where}: skipped{'' if reason.startswith(' ') else ': '}{reason}")
        self.skipped[kind] += 1

    def summary(self) -> str:
        """What was left out and why, in one line ("" when nothing was)."""
        if not self.skipped:
            return ""
        parts = [counted(n, kind) for kind, n in
                 sorted(self.skipped.items(), key=lambda item: (-item[1], item[0]))]
        return "skipped " + "; ".join(parts)


class _NamedAtMost:
    """Notes about one file, the first `named` by name and the rest in one line (a CSV named
    .jsonl printed a warning for each of its 100,000 lines): `trim()` after each note,
    `close()` after the last. Only this module notes problems, one file at a time."""
    named = 5

    def __init__(self, corpus: Corpus, path: Path, what: str) -> None:
        self.corpus, self.path, self.what = corpus, path, "more " + what
        self.first, self.unnamed = len(corpus.problems), 0

    def trim(self) -> None:
        if len(self.corpus.problems) - self.first > self.named:
            self.corpus.problems.pop()
            self.unnamed += 1

    def close(self) -> None:
        if self.unnamed:
            self.corpus.problems.append(
                f"{self.path}: {counted(self.unnamed, self.what)} (not named one by one)")


_PLURAL = re.compile(r"\b(files|lines|elements|articles|pages|documents)\b")


def counted(number: int, kind: str) -> str:
    """"2 files not UTF-8", "1 file not UTF-8": a kind of skipped thing is written in the
    plural, its first plural noun made singular for one ("1 files" read as a slip)."""
    if number == 1:
        kind = _PLURAL.sub(lambda m: m.group(1)[:-1], kind, count=1)
    return f"{number:,} {kind}"


def find_sources(paths: Sequence[Path], exclude: Sequence[Path] = (),
                 skipped: Counter | None = None, problems: list[str] | None = None
                 ) -> list[Path]:
    """Every article file under `paths`, in a stable order, without following folder links.

    Folders in `exclude` (the index) and any folder holding a qa index are not entered;
    files of other kinds are counted in `skipped` by extension. Only regular files are
    articles: a FIFO or a link to a device (`/dev/zero`) would block or never end, so it is
    left out, named in `problems`.
    """
    found: list[Path] = []
    excluded = {_resolved(p) for p in exclude}
    for path in paths:
        if path.is_dir():
            for root, dirs, files in os.walk(path, followlinks=False):
                if _resolved(Path(root)) in excluded or is_index_folder(Path(root), files, dirs):
                    dirs[:] = []
                    continue
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith("."):
                        continue
                    if name.lower().endswith(ARTICLE_SUFFIXES):
                        if _is_regular(Path(root) / name, skipped, problems):
                            found.append(Path(root) / name)
                    elif skipped is not None:
                        kind = os.path.splitext(name)[1].lower()
                        skipped[f"{kind} files (not an article format)" if kind else
                                "files without an extension (not an article format)"] += 1
        elif path.is_file():
            found.append(path)
        elif path.exists():
            raise CorpusError(f"{path}: not a regular file or folder")
        else:
            raise CorpusError(f"{path}: no such file or folder")
    return found


def _is_regular(path: Path, skipped: Counter | None, problems: list[str] | None) -> bool:
    """A regular file (through links); else noted as skipped. A file that cannot be looked
    at is kept, for the read to report why."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return True
    if stat.S_ISREG(mode):
        return True
    if problems is not None:
        problems.append(f"{path}: skipped: not a regular file ({_kind(mode)})")
    if skipped is not None:
        skipped["files not regular (FIFO, device)"] += 1
    return False


def _kind(mode: int) -> str:
    return ("FIFO" if stat.S_ISFIFO(mode) else "device" if stat.S_ISCHR(mode)
            or stat.S_ISBLK(mode) else "socket" if stat.S_ISSOCK(mode) else "folder")


MAX_FILE_BYTES = 1 << 30  # a file beyond this is skipped, named, rather than read into memory


def read_regular(path: Path) -> tuple[bytes, os.stat_result]:
    """The bytes of a regular file and its status, read without blocking on a FIFO and never
    past the size it had when opened (a file growing meanwhile, or a device, cannot make the
    read endless). OSError says why not."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(0, f"not a regular file ({_kind(info.st_mode)})")
        if info.st_size > MAX_FILE_BYTES:
            raise OSError(0, f"too big ({info.st_size / 1e6:,.0f} MB; the limit is "
                             f"{MAX_FILE_BYTES / 1e6:,.0f} MB)")
        chunks, left = [], info.st_size
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 24))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks), info
    finally:
        os.close(fd)


def is_index_folder(root: Path, files: Sequence[str], dirs: Sequence[str]) -> bool:
    """A qa index (never articles to read): marked as one, or its manifest beside generation
    folders. The mark also covers a first build killed before its manifest was written,
    whose `gen-*` holds `.jsonl` files that are not articles."""
    return ".qa-index" in files or (
        "manifest.json" in files and any(d.startswith("gen-") for d in dirs))


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()


def read_corpus(paths: list[Path]) -> Corpus:
    """Read every article under `paths`; unreadable files and lines go to `problems`."""
    corpus = Corpus()
    files = find_sources(paths, skipped=corpus.skipped, problems=corpus.problems)
    corpus.documents = [doc for doc, _, _ in stream_corpus(files, corpus, paths)]
    return corpus


def file_id(path: Path, roots: Sequence[Path]) -> tuple[str, str]:
    """(id without extension, id with it): the path relative to the corpus root holding it."""
    for root in roots:
        if root == path:
            return path.stem, path.name
        try:
            rel = path.relative_to(root)
        except ValueError:
            continue
        return rel.with_name(rel.stem).as_posix(), rel.as_posix()
    return path.stem, path.name


def stream_corpus(files: list[Path], corpus: Corpus, roots: Sequence[Path] = (),
                  taken: set[str] | None = None) -> Iterator[tuple[Document, int, int]]:
    """The articles of `files`, one file at a time: each document with the bytes read so far and the
    total; `corpus` collects the sources and problems as they are met. Ids are paths relative
    to the root in `roots` holding each file. `taken` holds the ids already used (by articles
    of other files an update keeps); the ids given out are added to it."""
    import hashlib  # only a build hashes the corpus: a query's import of ingest need not load it

    taken = set() if taken is None else taken
    total = 0
    for path in files:
        with contextlib.suppress(OSError):
            total += path.stat().st_size
    done = 0
    for path in files:
        try:
            data, info = read_regular(path)
        except OSError as exc:
            corpus.skip(str(path), exc.strerror or str(exc), "unreadable files")
            continue
        done += len(data)
        total = max(total, done)
        corpus.sources.append(SourceFile(str(path), hashlib.sha256(data).hexdigest(),
                                         len(data), info.st_mtime_ns, info.st_ctime_ns,
                                         info.st_ino))
        suffix = path.suffix.lower()
        text, problem = decode(data, latin1=suffix == ".sgm")
        if problem and suffix in PAGE_SUFFIXES:
            text, problem = _decode_page(data, text, problem)
        del data
        if problem:
            corpus.skip(str(path), problem, "binary files" if problem.startswith("binary")
                        else "files " + problem.split(" (")[0])
            continue
        base, full = file_id(path, roots)
        inside = suffix in (".jsonl", ".sgm")
        if suffix == ".jsonl":
            docs = [_without_surrogates(doc) for doc in _read_jsonl(path, text, corpus)]
        elif suffix == ".sgm":
            docs = _read_sgml(path, text, base, corpus.skipped)
        elif suffix in PAGE_SUFFIXES:
            docs = _read_page(path, text, base, corpus)
        else:
            docs = [_read_article(path, text, base)]
            if not docs[0].text[docs[0].body_start:].strip():  # was an article of nothing
                corpus.skip(str(path), "empty (no article text)", "empty files")
                docs = []
        del text
        here: set[str] = set()
        used = _NamedAtMost(corpus, path, "documents skipped as their id was already used")
        for doc in docs:
            doc_id = None if doc.id in here else _free_id(
                doc.id, taken, f"{base}/{doc.id}" if inside else full)
            here.add(doc.id)
            if doc_id is None:
                corpus.skip(str(path), f" document {doc.id!r}: id already used",
                            "articles with an id already used")
                used.trim()
                continue
            taken.add(doc_id)
            yield (doc if doc_id == doc.id else dataclasses.replace(doc, id=doc_id)), done, total
        used.close()


def _free_id(wanted: str, taken: set[str], qualified: str) -> str | None:
    """`wanted`, or its longer form when another article has it already."""
    for candidate in (wanted, qualified):
        if candidate not in taken:
            return candidate
    return None


def _read_sgml(path: Path, text: str, base: str, skipped: Counter) -> list[Document]:
    from .sgml import read_sgml  # only a Reuters corpus needs it

    articles, empty = read_sgml(text)
    if empty:
        skipped["Reuters elements without a body"] += empty
    return [_read_article(path, a.text, f"{base}/{a.number}", a.title, a.date, a.dateline)
            for a in articles]


def _decode_page(data: bytes, text: str, problem: str) -> tuple[str, str]:
    """A page not in UTF-8 is read in the charset its <meta> names, if it names one."""
    from .html_article import decode_page

    if b"\x00" in data:
        return text, problem
    page = decode_page(data)
    return (page, "") if page is not None else (text, problem)


def _read_page(path: Path, text: str, base: str, corpus: Corpus) -> list[Document]:
    from .html_article import HtmlError, read_html  # only a corpus with pages needs it

    try:
        page = read_html(text)
    except HtmlError as exc:
        corpus.skip(str(path), str(exc), "pages without article text")
        return []
    if page.note:
        corpus.problems.append(f"{path}: {page.note}")
    return [_read_article(path, page.text, base, page.title, page.date)]


_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_surrogates(doc: Document) -> Document:
    """A JSON escape can make a lone surrogate, which no UTF-8 file can hold: it becomes
    U+FFFD, one character for one, so offsets stay right."""
    fields = ("id", "title", "date", "text")
    if not any(_SURROGATE.search(getattr(doc, f)) for f in fields):
        return doc
    return dataclasses.replace(doc, **{f: _SURROGATE.sub("\ufffd", getattr(doc, f))
                                       for f in fields})


def decode(data: bytes, latin1: bool = False) -> tuple[str, str]:
    """UTF-8 text with newlines as text mode reads them, or the reason it is not text.

    With `latin1` (Reuters-21578 SGML, written in Latin-1), what is not UTF-8 is read as
    Latin-1. UTF-16 with a byte-order mark (as Windows tools write it) is text too: its NUL
    bytes do not make it binary."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") and b"\x00" in data:  # else no UTF-16
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            return "", f"not UTF-16 (byte {exc.start + 2})"
        if "\x00" not in text:
            return text.replace("\r\n", "\n").replace("\r", "\n"), ""
    if b"\x00" in data:
        return "", "binary file (NUL bytes)"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if not latin1:
            return "", f"not UTF-8 (byte {exc.start})"
        text = data.decode("latin-1")
    return text.replace("\r\n", "\n").replace("\r", "\n"), ""


def _md_title(text: str) -> tuple[str, int]:
    """A .md file's "# Title" line: the title (without closing #s) and where the text after
    it starts; ("", 0) without one. The line is cut with str.find: the pattern used before
    tried the title's trailing run of spaces and #s at each length of the title ("# a",
    20,000 spaces, "b": 1.8 s; time growing with the square of the line)."""
    heading = _MD_HEADING.match(text)
    if heading is None:
        return "", 0
    newline = text.find("\n", heading.end())
    line = text[heading.end():len(text) if newline < 0 else newline]
    spaces = len(heading.group()) - len(heading.group().rstrip(" \t"))
    if not line and spaces < 2:
        return "", 0  # "# " and nothing after it: no title line, as before
    title = line.rstrip(" \t#") or line[:1]  # ("# ##": the title is "#", as it was)
    return title.strip(), len(text) if newline < 0 else newline + 1


def _read_article(path: Path, text: str, doc_id: str | None = None, title: str = "",
                  date: str = "", dateline: str = "") -> Document:
    start = 0
    if not title and path.suffix.lower() == ".md":
        title, start = _md_title(text)
    meta = read_metadata(text, start, dateline)
    return Document(id=doc_id if doc_id is not None else path.stem, source=str(path),
                    text=text, title=title, date=date or meta.date, place=meta.place,
                    agency=meta.agency, body_start=meta.body_start)


def _jsonl_date(value, where: str, corpus: Corpus) -> str:
    """A JSONL article's `date` as YYYY-MM-DD; one that is not a date is dropped, saying so
    (the article is kept)."""
    if value is None or value == "":
        return ""
    date = iso_date(value) if isinstance(value, str) else ""
    if not date:
        shown = (repr(value[:40] + ("…" if len(value) > 40 else "")) if isinstance(value, str)
                 else f"({type(value).__name__})")
        corpus.problems.append(f"{where}: \"date\" {shown} is not a date (YYYY-MM-DD); "
                               f"the article is kept without one")
    return date


def _read_jsonl(path: Path, text: str, corpus: Corpus) -> list[Document]:
    docs = []
    lines = _NamedAtMost(corpus, path, "lines skipped or warned about like these")
    for number, line in enumerate(text.split("\n"), start=1):
        lines.trim()  # each line notes one problem at most
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            corpus.skip(f"{path}:{number}", "not a JSON object", "JSONL lines not an article")
            continue
        except RecursionError:
            corpus.skip(f"{path}:{number}", "nested too deep", "JSONL lines not an article")
            continue
        if not isinstance(record, dict):
            corpus.skip(f"{path}:{number}", "not a JSON object", "JSONL lines not an article")
            continue
        body, doc_id = record.get("text"), record.get("id")
        if not isinstance(body, str):
            corpus.skip(f"{path}:{number}", 'no "text" string', "JSONL lines not an article")
            continue
        if not body.strip():
            corpus.skip(f"{path}:{number}", '"text" is empty', "JSONL lines not an article")
            continue
        if doc_id is None or doc_id == "":
            corpus.skip(f"{path}:{number}", 'no "id"', "JSONL lines not an article")
            continue
        if isinstance(doc_id, bool) or not isinstance(doc_id, (str, int)):  # true is no "True"
            corpus.skip(f"{path}:{number}", '"id" is not a string or a whole number',
                        "JSONL lines not an article")
            continue
        title = record.get("title") if isinstance(record.get("title"), str) else ""
        date = _jsonl_date(record.get("date"), f"{path}:{number}", corpus)
        body = body.replace("\r\n", "\n").replace("\r", "\n")
        docs.append(_read_article(path, body, str(doc_id), title, date))
    lines.trim()
    lines.close()
    return docs
