"""Article record lines with their `first` number moved, byte for byte as a build writes them.

An update that adds or removes an article before others moves every later article's first
sentence, and so the `first` key of its record (`qa.index.format.DocRecord`). The records are
otherwise unchanged, so their lines are copied and only the digits of `first` written, with
arrays: one Python step per line cost 0.5 s for the 10^5 articles of 10^6 sentences. Only
builds import this module.
"""
from __future__ import annotations

import numpy as np

_POWERS = 10 ** np.arange(1, 19, dtype=np.int64)


def _digits(numbers: np.ndarray) -> np.ndarray:
    """How many decimal digits each (non-negative) number is written with."""
    return np.searchsorted(_POWERS, numbers, side="right") + 1


def moved_lines(chunk: memoryview, ends: np.ndarray, first: np.ndarray, count: np.ndarray,
                moved: int) -> tuple[np.ndarray, np.ndarray] | None:
    """Article record lines (`chunk`, each ending at `ends`) with `moved` added to their
    `first` numbers, and the new lines' sizes; None unless every line ends as a build writes
    it, `,"first":F,"count":C}` and a newline, with the F and C given (checked byte by
    byte). The lines are copied as a whole and only the digits of F written."""
    src = np.frombuffer(chunk, np.uint8)
    old_digits, count_digits = _digits(first), _digits(count)
    at = ends - (20 + old_digits + count_digits)  # where ,"first": starts
    if len(at) and (at.min() < 0 or np.any(at[1:] < ends[:-1])):
        return None
    for where, literal in ((at, b',"first":'), (at + 9 + old_digits, b',"count":'),
                           (ends - 2, b"}\n")):
        if np.any(src[where[:, None] + np.arange(len(literal))] != np.frombuffer(literal,
                                                                               np.uint8)):
            return None
    for where, numbers, digits in ((at + 9, first, old_digits),
                                   (at + 18 + old_digits, count, count_digits)):
        if not np.array_equal(_read_digits(src, where, digits), numbers):
            return None
    new = first + moved
    new_digits = _digits(new)
    grown = new_digits - old_digits
    out = np.empty(len(src) + int(grown.sum()), np.uint8)
    shift = np.zeros(len(at) + 1, np.int64)
    np.cumsum(grown, out=shift[1:])
    src_at = out_at = 0
    for line in np.flatnonzero(grown).tolist():  # lines that grew or shrank: few
        stop = int(at[line]) + 9
        out[out_at:out_at + stop - src_at] = src[src_at:stop]
        out_at += stop - src_at + int(new_digits[line])
        src_at = stop + int(old_digits[line])
    out[out_at:] = src[src_at:]
    where = at + 9 + shift[:-1]
    width = int(new_digits.max()) if len(new) else 0
    inside = np.arange(width) < new_digits[:, None]
    place = new_digits[:, None] - 1 - np.arange(width)  # a digit's power of ten
    out[(where[:, None] + np.arange(width))[inside]] = (
        new[:, None] // 10 ** np.maximum(place, 0) % 10 + 48)[inside]
    sizes = np.diff(np.concatenate(([0], ends))) + grown
    return out, sizes


def _read_digits(src: np.ndarray, where: np.ndarray, digits: np.ndarray) -> np.ndarray:
    """The numbers written at `where` with `digits` digits each (-1 where a byte is no
    digit)."""
    width = int(digits.max()) if len(where) else 0
    inside = np.arange(width) < digits[:, None]  # (number, digit): a digit of the number
    byte = src[np.minimum(where[:, None] + np.arange(width), len(src) - 1)].astype(np.int64)
    byte -= 48
    bad = ((byte < 0) | (byte > 9)) & inside
    byte[~inside] = 0
    shift = 10 ** np.maximum(digits[:, None] - 1 - np.arange(width), 0)
    value = (byte * shift).sum(axis=1)
    value[bad.any(axis=1)] = -1
    return value
