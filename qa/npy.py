"""Read the index's `.npy` arrays without numpy, as memory-mapped views.

Importing numpy costs a one-shot `qa ask` about 50 ms, more than everything else it does on a
small index, so opening an index maps its arrays with the standard library: the result indexes
and slices like a list (`view[i]` is a Python int or float) and numpy, when a large query
needs it, wraps the same memory without a copy (`numpy.frombuffer(view, view.format)`).

Only what the index writes is accepted: version 1 or 2 headers, one dimension, C order,
little-endian int32, int64 or float64. The header must be numpy's own plain text (it is matched,
never evaluated or unpickled), and a file whose size disagrees with its header is refused.
"""
from __future__ import annotations

import mmap
import re
import struct
import sys
from pathlib import Path

MAGIC = b"\x93NUMPY"
_FORMATS = {"<i4": "i", "<i8": "q", "<f8": "d"}
_HEADER = re.compile(r"\{'descr': '(<[if][48])', 'fortran_order': False, "
                     r"'shape': \((\d+),\), \} *\n")


class NpyError(ValueError):
    """The file is not an array this index could have written."""


def load(path: Path) -> memoryview:
    """A read-only view of the 1-D array in `path`, mapped rather than read."""
    with open(path, "rb") as f:
        size = f.seek(0, 2)
        f.seek(0)
        head = f.read(min(size, 4096))
        code, offset, length = _header(head, path)
        width = struct.calcsize(code)
        if size != offset + length * width:
            raise NpyError(f"{path.name}: size does not match its header")
        if length == 0:
            return memoryview(b"").cast(code)
        data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    view = memoryview(data)[offset:].cast(code)
    if sys.byteorder != "little":  # the files are little-endian; copy and swap on others
        from array import array

        swapped = array(code, view)
        swapped.byteswap()
        view = memoryview(swapped)
    return view


def _header(head: bytes, path: Path) -> tuple[str, int, int]:
    """(struct code, offset of the data, number of items) from the start of an .npy file."""
    if head[:6] != MAGIC or len(head) < 10:
        raise NpyError(f"{path.name}: not an .npy file")
    major = head[6]
    if major == 1:
        (size,), start = struct.unpack("<H", head[8:10]), 10
    elif major in (2, 3):
        (size,), start = struct.unpack("<I", head[8:12]), 12
    else:
        raise NpyError(f"{path.name}: .npy version {major} is not supported")
    found = _HEADER.fullmatch(head[start:start + size].decode("latin-1"))
    if not found or found[1] not in _FORMATS:
        raise NpyError(f"{path.name}: unexpected .npy header")
    code, length = _FORMATS[found[1]], int(found[2])
    return code, start + size, length
