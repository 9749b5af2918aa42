"""A list of JSON values on disk that can be read one item at a time.

Items are JSON Lines in `NAME.jsonl`, and `NAME.offsets.npy` holds the byte offset of each
line (n + 1 of them), memory-mapped. Opening costs nothing, reading item i costs one slice, so
the sentence text of a million-sentence index is read only for the hits shown. Plain JSON and
.npy arrays: nothing here can run code when loaded.
"""
from __future__ import annotations

import json
import mmap
import re
from array import array
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from .. import npy


# One encoder and decoder for every record: json.dumps with options builds an encoder per call,
# and json.loads of bytes guesses their encoding each time (a third of the cost of a short line).
def _encoder() -> Callable[[Any], str]:
    """`json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode`, the same text,
    without the C encoder it makes again for every value (half the cost of encoding a
    sentence record; a build encodes one per sentence). Values here are never cyclic, so the
    check for cycles is left out."""
    from json import encoder

    plain = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
    if encoder.c_make_encoder is None:  # no C accelerator (another Python): the plain one
        return plain.encode
    iterencode = encoder.c_make_encoder(None, plain.default, encoder.encode_basestring, None,
                                        ":", ",", False, False, True)
    join = "".join
    return lambda value: join(iterencode(value, 0))


_ENCODE = _encoder()
_DECODE = json.JSONDecoder().decode
_ESCAPED = re.compile('[\x00-\x09\x0b-\x1f"\\\\]')  # what _ENCODE escapes in a string, but \n


def encode_line(value: Any) -> bytes:
    """One JSON Lines line, as every record file of the index is written. A lone surrogate
    (a file name that is not UTF-8, b"caf\\xe9.txt", is "caf\\udce9.txt" to Python) cannot be
    written as UTF-8: it is written as a \\u escape, which reads back the same (the rest of
    the line as always, so a search for an id's encoding, `gather.Segment.find_id`, finds it)."""
    text = _ENCODE(value)
    try:
        return text.encode() + b"\n"
    except UnicodeEncodeError:  # (was a traceback: no corpus holding such a file indexed)
        return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text).encode() + b"\n"


_SURROGATE = re.compile("[\ud800-\udfff]")


class RecordWriter:
    """Appends JSON values to NAME.jsonl and remembers where each starts."""

    def __init__(self, folder: Path, name: str) -> None:
        self.folder, self.name = folder, name
        self._file: BinaryIO = open(folder / f"{name}.jsonl", "wb", buffering=1 << 20)
        self._offsets = array("q", [0])
        self._end = 0

    def add(self, value: Any) -> None:
        line = encode_line(value)
        self._file.write(line)
        self._end += len(line)
        self._offsets.append(self._end)

    def add_encoded(self, lines: bytes, sizes: array) -> None:
        """Lines already encoded as `add` encodes them, with the size of each in bytes."""
        import numpy as np  # a build loads numpy anyway; a reader need not

        self._file.write(lines)
        ends = np.cumsum(np.frombuffer(sizes, np.int64)) + self._end
        self._offsets.frombytes(ends.tobytes())
        if len(ends):
            self._end = int(ends[-1])

    def extend(self, values: Iterable[Any]) -> None:
        lines = [encode_line(value) for value in values]
        self.add_encoded(b"".join(lines), array("q", map(len, lines)))

    def extend_strings(self, values: list[str]) -> None:
        """`extend` for strings, the same bytes: when none holds a character JSON escapes,
        each line is the string in quotes (a vocabulary of 10^5 terms in milliseconds)."""
        text = "\n".join(values)
        if _ESCAPED.search(text) or text.count("\n") != max(len(values) - 1, 0):
            self.extend(values)
            return
        lines = ('"' + '"\n"'.join(values) + '"\n').encode() if values else b""
        if text.isascii():
            sizes = array("q", [len(v) + 3 for v in values])
        else:  # each line's size in bytes, from where the newlines are
            import numpy as np  # a build loads numpy anyway; a reader need not

            ends = np.flatnonzero(np.frombuffer(lines, np.uint8) == 10) + 1
            sizes = np.diff(ends, prepend=0).astype(np.int64)
        self.add_encoded(lines, sizes)

    def close(self) -> None:
        self._file.flush()
        self._file.close()
        import numpy as np

        np.save(self.folder / f"{self.name}.offsets.npy", np.frombuffer(self._offsets, np.int64))


class Records:
    """Read-only, random-access view of a RecordWriter's output."""

    def __init__(self, folder: Path, name: str) -> None:
        self.offsets = npy.load(folder / f"{name}.offsets.npy")
        path = folder / f"{name}.jsonl"
        size = path.stat().st_size
        if len(self.offsets) == 0 or self.offsets[-1] != size:
            raise ValueError(f"{path.name}: size does not match its offsets")
        with open(path, "rb") as f:
            self._data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if size else b""

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i: int) -> Any:
        return _DECODE(self.line(i))

    def line(self, i: int) -> str:
        """Item i's line of JSON, not decoded."""
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self._data[self.offsets[i]:self.offsets[i + 1]].decode()

    def all(self) -> list[Any]:
        """Every item, decoded in one pass (a line holds one JSON value, and no JSON value
        holds a raw newline, so the lines joined by commas are one JSON array)."""
        if len(self) == 0:
            return []
        return _DECODE("[" + self._data[:self.offsets[-1] - 1].decode().replace("\n", ",") + "]")

    def all_repeated(self) -> list[Any]:
        """`all`, for a file whose lines repeat (the statement rows of an archive): each
        distinct line decoded once, its value shared by every line that repeats it."""
        if len(self) == 0:
            return []
        lines = self._data[:self.offsets[-1] - 1].split(b"\n")
        values: dict[bytes, Any] = dict.fromkeys(lines)
        for line in values:
            values[line] = _DECODE(line.decode())
        return list(map(values.__getitem__, lines))

    def __iter__(self) -> Iterator[Any]:
        for i in range(len(self)):
            yield self[i]

    def find(self, text: str) -> int | None:
        """Where `text` is in a file of strings in sorted order, by binary search.

        UTF-8 sorts as code points do, so lines are compared as bytes and decoded only when
        JSON escaped something in them.
        """
        try:
            key = text.encode()
        except UnicodeEncodeError:  # a lone surrogate: no line can hold it
            return None
        data, ends = self._data, self.offsets
        lo, hi = 0, len(ends) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if self._key(data, ends[mid], ends[mid + 1]) < key:
                lo = mid + 1
            else:
                hi = mid
        if lo < len(ends) - 1 and self._key(data, ends[lo], ends[lo + 1]) == key:
            return lo
        return None

    @staticmethod
    def _key(data, start: int, end: int) -> bytes:
        raw = data[start + 1:end - 2]  # inside the quotes, before the newline
        if b"\\" in raw:
            return json.loads(data[start:end]).encode()
        return raw
