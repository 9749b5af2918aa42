"""Hash tables as plain int32 arrays, for data the package ships memory-mapped (.npy).

A table is a power of two of slots of `width` int32 each: a key (non-negative; -1 marks an
empty slot), then its row of values. Open addressing with linear probing from `key & (slots
- 1)`, at least 1.5 slots per key, so a lookup is one or two probes and opening a table costs
nothing: the answer model's weights (`span_model`, rows of three weights) and the word classes
(`word_classes`, rows of one class number) are both such tables.
"""
from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence


def build(keys: Sequence[int], rows: Iterable[Sequence[int]], width: int) -> array:
    """The table of `keys` and their `rows` (width - 1 values each); a key met again keeps
    its first row."""
    slots = 16
    while 2 * slots < 3 * len(keys):
        slots *= 2
    table = array("i", [-1] + [0] * (width - 1)) * slots
    for key, row in zip(keys, rows):
        slot = key & (slots - 1)
        while table[width * slot] != -1:
            if table[width * slot] == key:
                break
            slot = (slot + 1) & (slots - 1)
        else:
            table[width * slot:width * (slot + 1)] = array("i", (key, *row))
    return table


def find(table: Sequence[int], key: int, width: int) -> int:
    """Where `key`'s slot starts in `table` (its row follows), or -1 when it has none."""
    mask = len(table) // width - 1
    slot = key & mask
    while True:
        found = table[width * slot]
        if found == key:
            return width * slot
        if found == -1:
            return -1
        slot = (slot + 1) & mask


def is_table(table: Sequence[int], width: int) -> bool:
    """Whether `table` can be one: whole slots, a power of two of them."""
    slots = len(table) // width
    return len(table) % width == 0 and slots > 0 and slots & (slots - 1) == 0
