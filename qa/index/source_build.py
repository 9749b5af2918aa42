"""Write the source table of a generation: each source's statements, newest first.

Run by the build with every sentence's attributions (StatementRow, extracted once as the
sentences are written, and kept by a generation so that an update need not decode them): it
merges the sources' names (`qa.source_names.merge`) and writes plain data
(layout in index/README.md, read by `qa.index.source_table`), so `qa said` and `qa sources` look a
source up instead of scanning the archive. Only builds import this module.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import numpy as np

from .format import StatementRow
from .records import RecordWriter
from ..source_names import Source, merge, normalise, statement_name, words_of

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def date_number(date: str) -> int:
    """"2017-10-06" -> 20171006, for sorting and filtering; 0 when the article has no date."""
    found = _DATE.match(date or "")
    return int(found[1] + found[2] + found[3]) if found else 0


def statement_rows(sentence: int, attributions: list[dict]) -> list[StatementRow]:
    """The statements of one sentence as the source table files them (empty or unresolved
    ones too: `merge` drops those)."""
    return [StatementRow(sentence, a, statement_name(attribution.get("source", ""),
                                                     attribution.get("resolved_source", "")),
                         attribution.get("source", ""))
            for a, attribution in enumerate(attributions)]


def write_source_table(out: Path, rows: list[StatementRow], sentence_doc: np.ndarray,
                       dates: list[int], lengths: np.ndarray) -> int:
    """Write the `sources.*` and `statements.*` files into `out`; returns the statements.

    `rows` are every attribution in reading order, `sentence_doc` the article of each
    sentence, `dates` each article's date_number, `lengths` each sentence's length in terms.
    """
    doc_of = [int(sentence_doc[row.sentence]) for row in rows]
    where = [(row.sentence, row.attribution, d) for row, d in zip(rows, doc_of)]
    group, sources = merge((d, row.name) for row, d in zip(rows, doc_of))
    _add_written_forms(sources, group, [row.written for row in rows])
    keep = [k for k, g in enumerate(group) if g >= 0]
    sent = np.array([where[k][0] for k in keep], np.int32)
    attr = np.array([where[k][1] for k in keep], np.int32)
    date = np.array([dates[where[k][2]] for k in keep], np.int32)
    source = np.array([group[k] for k in keep], np.int32)
    # statements in reading order, with their source: sentence -> sources by binary search
    np.save(out / "statements.sentence.npy", sent)
    np.save(out / "statements.attribution.npy", attr)
    np.save(out / "statements.source.npy", source)
    np.save(out / "statements.date.npy", date)
    # each source's statements, newest first (undated last), then in reading order
    order = np.lexsort((np.arange(len(keep)), -date.astype(np.int64), source))
    counts = np.bincount(source, minlength=len(sources)).astype(np.int64)
    ptr = np.zeros(len(sources) + 1, np.int64)
    np.cumsum(counts, out=ptr[1:])
    np.save(out / "sources.ptr.npy", ptr)
    np.save(out / "sources.statement.npy", order.astype(np.int32))
    np.save(out / "sources.date.npy", date[order])
    _write_sources(out, sources, date, order, ptr)
    _write_words(out, sources)
    np.save(out / "sources.avgdl.npy", np.array([lengths.mean() if len(lengths) else 1.0]))
    return len(keep)


def _add_written_forms(sources: list[Source], group: list[int], written: list[str]) -> None:
    """"The Observatory" where it resolved to the Syrian Observatory: an alias too (not "it")."""
    extra: dict[int, Counter] = {}
    for g, source in zip(group, written):
        name = normalise(source) if g >= 0 else None
        if name is not None and name.written not in sources[g].aliases:
            extra.setdefault(g, Counter())[name.written] += 1
    for g, forms in extra.items():
        sources[g].aliases.extend(sorted(forms, key=lambda w: (-forms[w], w)))
        sources[g].words.update(w for form in forms for w in words_of(form))
        sources[g].words -= {"the", "a", "an"}


def _write_sources(out: Path, sources, date: np.ndarray, order: np.ndarray,
                   ptr: np.ndarray) -> None:
    writer = RecordWriter(out, "sources")
    for n, source in enumerate(sources):
        dated = date[order[ptr[n]:ptr[n + 1]]]
        dated = dated[dated > 0]
        writer.add({"name": source.name, "aliases": source.aliases[:20],
                    "statements": source.statements,
                    "first": _date_text(int(dated.min())) if len(dated) else "",
                    "last": _date_text(int(dated.max())) if len(dated) else ""})
    writer.close()


def _write_words(out: Path, sources) -> None:
    """Word -> the sources whose names hold it, for finding sources by any word of a name."""
    by_word: dict[str, list[int]] = {}
    for n, source in enumerate(sources):
        for word in source.words:
            by_word.setdefault(word, []).append(n)
    words = sorted(by_word)
    ptr = np.zeros(len(words) + 1, np.int64)
    np.cumsum([len(by_word[w]) for w in words], out=ptr[1:])
    ids = [n for w in words for n in by_word[w]]  # ascending: sources were visited in order
    writer = RecordWriter(out, "sources.words")
    writer.extend(words)
    writer.close()
    np.save(out / "sources.words.ptr.npy", ptr)
    np.save(out / "sources.words.source.npy", np.array(ids, np.int32))


def _date_text(number: int) -> str:
    text = str(number)
    return f"{text[:4]}-{text[4:6]}-{text[6:]}"

