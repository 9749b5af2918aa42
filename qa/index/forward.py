"""Forward data: what the re-ranking reads of each sentence, written once at build time.

A question's candidates are re-ranked on their terms, their paragraph neighbours' terms and
where their words lie; reading those from arrays instead of re-analysing the text (and JSON-
decoding the neighbours) is most of what makes a question cost as little as its index lookup.
Per sentence i, `forward.ptr[i]:forward.ptr[i+1]` indexes its tokens in the flat arrays:

    forward.term   int32  the term number (as in terms.jsonl) of each token, in text order
    forward.start  int32  where the word the token came from starts in the sentence text
    forward.end    int32  ... and ends (one word can give several terms: "al-Mayadin")
    forward.ptr    int64  S+1 offsets (the running sum of sentences.len)
    sentences.paragraph int32  the paragraph number of each sentence in its article

The start and end offsets are streamed to disk as chunks arrive, so the build's memory does
not grow with them; the term numbers come from the postings' own (sentence, term) arrays.
"""
from __future__ import annotations

import shutil
from array import array
from pathlib import Path

import numpy as np

class ForwardWriter:
    """Collects token offsets and paragraph numbers chunk by chunk, writes the arrays."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self._raw = {name: open(out / f".{name}.raw", "wb", buffering=1 << 20)
                     for name in ("forward.start", "forward.end")}
        self.paragraphs = array("i")
        self.count = 0

    def add(self, starts: array, ends: array, paragraphs: array) -> None:
        self._raw["forward.start"].write(starts.tobytes())
        self._raw["forward.end"].write(ends.tobytes())
        self.count += len(starts)
        self.paragraphs.extend(paragraphs)

    def close(self, terms: np.ndarray, lengths: np.ndarray) -> None:
        """Write every array; `terms` are the final term numbers of all tokens in order."""
        ptr = np.zeros(len(lengths) + 1, np.int64)
        np.cumsum(lengths, out=ptr[1:])
        np.save(self.out / "forward.term.npy", terms.astype(np.int32))
        np.save(self.out / "forward.ptr.npy", ptr)
        np.save(self.out / "sentences.paragraph.npy", np.frombuffer(self.paragraphs, np.int32))
        for name, raw in self._raw.items():
            raw.close()
            _raw_to_npy(self.out / f".{name}.raw", self.out / f"{name}.npy", self.count)


def _raw_to_npy(raw: Path, path: Path, count: int) -> None:
    """An .npy file of `count` little-endian int32 from a raw file, copied in blocks."""
    header = np.lib.format.header_data_from_array_1_0(np.zeros(0, "<i4"))
    header["shape"] = (count,)
    with open(path, "wb") as out:
        np.lib.format.write_array_header_1_0(out, header)
        with open(raw, "rb") as src:
            shutil.copyfileobj(src, out, 1 << 20)
    raw.unlink()
