"""The persistent index: its format, how it is read, and how it is written.

    format        the manifest and the record layouts, declared once (FORMAT_VERSION)
    reader        Index: an opened generation, its arrays mapped, queries scored
    writer        build(): a corpus into a new generation, swapped in atomically
    records, npy  JSON Lines with offsets; .npy arrays mapped without numpy
    ...           the pieces each side uses (checksums, ownership, source table, names)

Importing `qa.index.reader` gives the reading side only: the writer (numpy, the attribution and
segmentation modules) is imported by builds alone, and nothing here imports it.
"""
from .format import IndexUnusable
from .matches import Matches
from .reader import Index, StoredSentence

__all__ = ["Index", "IndexUnusable", "Matches", "StoredSentence"]
