"""Word classes for the answer model: which words stand in the same places in text.

`bench/word_classes.py` builds them from SQuAD train paragraphs and writes
qa/data/word_classes.npy: an int32 open-addressing table, two per slot (the lowercased word's
crc32 with the top bit cleared, or -1 for an empty slot; then fine class * 256 + coarse
class). It is memory-mapped like the answer model's weights, so opening it costs nothing and a
word costs one or two probes.
"""
from __future__ import annotations

import zlib
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import npy, slot_table
from .span_features import MASK

CLASSES_PATH = Path(__file__).with_name("data") / "word_classes.npy"


@dataclass(frozen=True)
class WordClasses:
    table: Sequence[int]
    # Feature groups already hashed, by conjunctions and class (a session meets them again).
    seen: dict = field(default_factory=dict, compare=False, repr=False)

    def of(self, word: str) -> tuple[int, int] | None:
        """(fine, coarse) class of a lowercased word, None when it was too rare to have one."""
        at = slot_table.find(self.table, zlib.crc32(word.encode()) & 0x7FFFFFFF, 2)
        if at < 0:
            return None
        value = self.table[at + 1]
        return value >> 8, value & 255

    def token_groups(self, lowers: list[str], head: str, conj: tuple[bytes, ...]):
        """The answer model's class features of each token, as three groups of hashed
        features (its own, as the previous word's, as the next word's), and the sentence
        edge's groups. `conj` are the encoder's conjuncts (wh-class, answer type, head noun);
        the head noun's class joins them ("what team ...?": a class of clubs)."""
        found = self.of(head) if head != "-" else None
        conjx = (*conj, f"|H{found[0] if found else '-'}".encode())
        if len(self.seen) > 64:
            self.seen.clear()
        cache = self.seen.get(conjx)
        if cache is None:
            cache = self.seen[conjx] = _ByWord(self, conjx)
        return list(map(cache.__getitem__, lowers)), cache.edge


class _ByWord(dict):
    """A word -> its `_class_keys` under one set of conjuncts, made on first use (a word met
    before costs a dict lookup in C); words of one class share one set of groups."""

    def __init__(self, classes: WordClasses, conj: tuple[bytes, ...]) -> None:
        super().__init__()
        self.classes, self.conj = classes, conj
        self.by_class: dict[tuple[int, int], tuple] = {}
        self.edge = _class_keys((-2, -2), conj)

    def __missing__(self, word: str) -> tuple:
        if len(self) > 50_000:
            self.clear()
        c = self.classes.of(word) or (-1, -1)
        groups = self.by_class.get(c)
        if groups is None:
            groups = self.by_class[c] = _class_keys(c, self.conj)
        self[word] = groups
        return groups


def _class_keys(found: tuple[int, int], conj) -> tuple[tuple[int, ...], ...]:
    """A word's class ("c=", alone and with every conjunct), its coarse class ("cc=", alone,
    with the wh-class and with the head's class), and its class as the previous ("pc=") and
    the next ("nc=") word, alone and with the wh-class. Hashed as span_features hashes: crc32
    of "feature|conjunct" continues the feature's own crc32."""
    fine, coarse = found

    def conjoined(f: str, parts) -> tuple[int, ...]:
        c = zlib.crc32(f.encode())
        return (c & MASK, *(zlib.crc32(x, c) & MASK for x in parts))
    return (conjoined(f"c={fine}", conj) + conjoined(f"cc={coarse}", (conj[0], conj[3])),
            conjoined(f"pc={fine}", conj[:1]), conjoined(f"nc={fine}", conj[:1]))


def build_table(keys: Sequence[int], values: Sequence[int]) -> array:
    """The table `WordClasses.of` reads (`slot_table`, slots of two: a word's key and its
    classes); two words with one key: the more frequent (first) keeps it."""
    return slot_table.build(keys, ((v,) for v in values), 2)


def load(path: Path = CLASSES_PATH) -> WordClasses:
    """The classes in `path` (plain int32 data, nothing executed); raises ValueError or
    OSError when the file is not a table of slots of two."""
    table = npy.load(path)
    if table.format != "i" or not slot_table.is_table(table, 2):
        raise ValueError("the word-class table is not int32 slots of two")
    return WordClasses(table)
