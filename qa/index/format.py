"""The index format, declared once: the manifest and the records of articles and sentences.

The manifest is the one file a build replaces atomically (`qa.index.writer`); `qa.index.reader`
opens the data folder it names. Every reader of manifest.json goes through `load_manifest`;
the record layouts below are the only place that knows which field of a record is where.
Whether the corpus still matches an index is `qa.index.freshness`.
"""
from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from json.decoder import scanstring as _scanstring
from typing import NamedTuple, TypedDict

FORMAT_VERSION = 7  # 3: the source table; 4: ids are relative paths; 5: forward data, names;
# 6: sentence records without their article number, article hashes, statement rows, name counts;
# 7: postings.tf (an update carries postings over and scores them again)
MANIFEST = "manifest.json"
GENERATION_NAME = re.compile(r"\Agen-[0-9a-z-]{1,64}\Z")


class IndexUnusable(Exception):
    """The index on disk cannot be used as it is (missing, corrupt, stale); rebuild it."""


MAX_MANIFEST_BYTES = 1 << 26  # far beyond any manifest qa writes: a bigger file is not one


def load_manifest(folder: Path) -> dict:
    """manifest.json as a qa manifest of any version: a plain file (never read through a
    link), of bounded size, holding a JSON object whose `format` is "qa-index". IndexUnusable
    says why not. The one reader of the file: the index, the writer and `qa.index.owned`."""
    path = folder / MANIFEST
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise IndexUnusable("no index yet") from None
    except OSError:
        raise IndexUnusable(f"{path} cannot be read") from None
    if not stat.S_ISREG(info.st_mode):
        raise IndexUnusable(f"{path} is not a plain file")
    try:
        with open(path, "rb") as f:
            manifest = json.loads(f.read(MAX_MANIFEST_BYTES + 1))
    except (OSError, ValueError, RecursionError):
        raise IndexUnusable(f"{path} is corrupt") from None
    if not isinstance(manifest, dict) or manifest.get("format") != "qa-index":
        raise IndexUnusable(f"{path} is not a qa index manifest")
    return manifest


def read_manifest(folder: Path) -> dict:
    """The manifest of an index this qa can open, checked for shape; IndexUnusable says why
    it cannot be used."""
    path = folder / MANIFEST
    manifest = load_manifest(folder)
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
    sources = manifest.get("sources", [])
    if not isinstance(sources, list) or not all(
            isinstance(s, dict) and isinstance(s.get("path"), str) for s in sources):
        raise IndexUnusable(f"{path} is corrupt (its list of sources)")
    return manifest


def generation_of(folder: Path) -> str | None:
    """The generation folder the qa manifest in `folder` names (of any format version), if it
    is a plain name inside the index: the one a build must not remove."""
    try:
        data = load_manifest(folder).get("data")
    except IndexUnusable:
        return None
    return data if isinstance(data, str) and GENERATION_NAME.match(data) else None


# ------------------------------------------------------------------------- record layouts


class DocRecord(TypedDict):
    """An article, one JSON object a line in docs.jsonl."""

    id: str  # unique in the index: its path relative to the corpus root (+ "/" inner id)
    source: str  # the file it came from
    title: str
    date: str
    place: str
    agency: str
    hash: str  # sha256 of the article as read: an update keeps it when this is unchanged
    first: int  # its first sentence number (an article's sentences are consecutive)
    count: int  # how many sentences


class SentenceRecord(NamedTuple):
    """A sentence, one JSON array a line in sentences.jsonl; its article is sentences.doc.npy
    (not in the record, so that a record's bytes do not change when articles move)."""

    index: int  # its number within the article
    start: int  # offsets into the article text: text[start:end] is the sentence
    end: int
    text: str
    attributions: list[dict]  # qa.model.Attribution.to_json() of each
    paragraph: int

    def encode(self) -> bytes:
        from .records import encode_line

        return encode_line(list(self))

    @classmethod
    def decode(cls, value) -> "SentenceRecord":
        """From the JSON array as read; ValueError when it is not one of these."""
        if not isinstance(value, list) or len(value) != len(cls._fields):
            raise ValueError("not a sentence record")
        return cls(*value)

    @staticmethod
    def text_of(line: str) -> str:
        """The `text` field of an encoded record alone, without decoding its attributions:
        the three fields before it are whole numbers, so it opens after the third comma
        (ranking reads the text of some 40 candidates a question and the rest of few).
        ValueError when the line does not start as a record does."""
        at = line.find(",", line.find(",", line.find(",") + 1) + 1)
        if at < 0 or line[0] != "[" or line[at + 1:at + 2] != '"' \
                or not line[1:at].replace(",", "").isdigit():
            raise ValueError("not a sentence record")
        return _scanstring(line, at + 2)[0]


class StatementRow(NamedTuple):
    """One attribution of one sentence, as the source table groups it: statements.rows.jsonl
    holds `[name, written]` (the name it is filed under and the source as written), the arrays
    statements.rows.sentence/.attribution where it is."""

    sentence: int
    attribution: int
    name: str
    written: str
