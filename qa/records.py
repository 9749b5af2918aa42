"""A list of JSON values on disk that can be read one item at a time.

Items are JSON Lines in `NAME.jsonl`, and `NAME.offsets.npy` holds the byte offset of each
line (n + 1 of them), memory-mapped. Opening costs nothing, reading item i costs one slice, so
the sentence text of a million-sentence index is read only for the hits shown. Plain JSON and
numpy arrays: nothing here can run code when loaded.
"""
from __future__ import annotations

import json
import mmap
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np


class RecordWriter:
    """Appends JSON values to NAME.jsonl and remembers where each starts."""

    def __init__(self, folder: Path, name: str) -> None:
        self.folder, self.name = folder, name
        self._file: BinaryIO = open(folder / f"{name}.jsonl", "wb")
        self._offsets = [0]

    def add(self, value: Any) -> None:
        line = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
        self._file.write(line)
        self._offsets.append(self._offsets[-1] + len(line))

    def extend(self, values: Iterable[Any]) -> None:
        for value in values:
            self.add(value)

    def close(self) -> None:
        self._file.flush()
        self._file.close()
        np.save(self.folder / f"{self.name}.offsets.npy", np.asarray(self._offsets, np.int64))


class Records:
    """Read-only, random-access view of a RecordWriter's output."""

    def __init__(self, folder: Path, name: str) -> None:
        self.offsets = np.load(folder / f"{name}.offsets.npy", mmap_mode="r")
        path = folder / f"{name}.jsonl"
        size = path.stat().st_size
        if len(self.offsets) == 0 or int(self.offsets[-1]) != size:
            raise ValueError(f"{path.name}: size does not match its offsets")
        with open(path, "rb") as f:
            self._data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if size else b""

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i: int) -> Any:
        if not 0 <= i < len(self):
            raise IndexError(i)
        start, end = int(self.offsets[i]), int(self.offsets[i + 1])
        return json.loads(self._data[start:end])

    def __iter__(self) -> Iterator[Any]:
        for i in range(len(self)):
            yield self[i]
