"""Who said what: a source's statements across the archive, and the archive's sources.

`said(index, NAME)` finds the sources whose merged names hold every word of NAME (the source
table, `qa.index.source_table`) and returns their statements newest first; with `about`, the ones
whose reported content holds WORDS, best first by BM25 over the content. `sources(index)`
lists the merged sources with their statement counts and dates. The CLI and the session are
thin shells over these two functions.
"""
from __future__ import annotations

import heapq
import re
from bisect import bisect_left
from dataclasses import dataclass, field

from .index import Index
from .metadata import iso_date
from .model import Attribution, span_json

# With `about`, at most this many statements are read and scored, the best by sentence BM25
# first (from at most 8 times as many sentences): a content that holds the words lies in a
# sentence that does.
ABOUT_CANDIDATES = 300
# `sources --about` counts, for each source, its statements among this many statements of the
# archive that match best (each costs a record read and its forward data).
SOURCES_ABOUT = 300
_DATE = re.compile(r"\A(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?\Z")


class SaidError(ValueError):
    """A bad NAME, WORDS or date: a usage error."""


@dataclass
class Statement:
    """One attribution of one sentence, with its article's metadata."""

    doc: str
    sentence: int
    text: str
    start: int
    end: int
    attribution: Attribution
    source_name: str  # the merged source's name
    date: str = ""
    dateline: str = ""
    title: str = ""
    score: float | None = None

    @property
    def content(self) -> str:
        span = self.attribution.content_span
        return span.of(self.text) if span is not None else ""

    def to_json(self) -> dict:
        a = self.attribution
        data = {"doc": self.doc, "sentence": self.sentence, "date": self.date,
                "dateline": self.dateline, "source": a.source,
                "resolved_source": a.resolved_source, "name": self.source_name,
                "cue": a.cue, "content": self.content, "text": self.text,
                "start": self.start, "end": self.end,
                "source_span": span_json(a.source_span), "cue_span": span_json(a.cue_span),
                "content_span": list(a.content_span) if a.content_span is not None else None}
        if self.score is not None:
            data["score"] = round(self.score, 6)
        return data


@dataclass
class SourceSummary:
    """One merged source as `qa sources` lists it."""

    name: str
    statements: int
    first: str
    last: str
    aliases: list[str] = field(default_factory=list)
    about: int | None = None  # with --about: its statements about the words

    def to_json(self) -> dict:
        data = {"name": self.name, "statements": self.statements, "first": self.first,
                "last": self.last, "aliases": self.aliases}
        if self.about is not None:
            data["about"] = self.about
        return data


@dataclass
class Said:
    """What `said` returns: the statements shown, and how many there were in all."""

    name: str
    sources: list[str]
    statements: list[Statement]
    total: int


def parse_date(text: str, end: bool = False) -> int:
    """"2017", "2017-10" or "2017-10-06" as yyyymmdd, the period's first day (or last with
    `end`)."""
    found = _DATE.match(text.strip())
    if not found:
        raise SaidError(f"not a date (YYYY-MM-DD, YYYY-MM or YYYY): {text!r}")
    year, month, day = found[1], found[2], found[3]
    if month and not 1 <= int(month) <= 12 or day and not iso_date(text.strip()):
        raise SaidError(f"not a date: {text!r}")  # "2017-13", "2017-02-30"
    month = month or ("12" if end else "01")
    day = day or ("31" if end else "01")
    return int(year + month + day)


def said(index: Index, name: str, *, about: str | None = None, since: int = 0,
         until: int = 0, k: int | None = 10) -> Said:
    """The statements of the sources matching `name`, newest first or, with `about`, best
    first by BM25 of `about` over each statement's content. `k=None` returns them all."""
    if not name.strip():
        raise SaidError("empty source name")
    table = index.sources
    ids = table.match(name)
    names = [table.info(s)["name"] for s in ids]
    if not ids:
        return Said(name, [], [], 0)
    if about is not None:
        scored = _about(index, ids, about, since, until)
        chosen = scored if k is None else scored[:k]
        return Said(name, names, [_statement(index, s, score) for s, score in chosen],
                    len(scored))
    found = table.statements(ids, since, until)
    total = table.count(ids) if not (since or until) else None
    chosen, n = [], 0
    for statement in found:
        n += 1
        if k is None or len(chosen) < k:
            chosen.append(statement)
        elif total is not None:
            break
    total = total if total is not None else n
    return Said(name, names, [_statement(index, s) for s in chosen], total)


def sources(index: Index, *, about: str | None = None, k: int | None = None
            ) -> list[SourceSummary]:
    """The archive's sources, most statements first; with `about`, the sources of statements
    whose content holds the words, most such statements first."""
    table = index.sources
    if about is None:
        count = len(table) if k is None else min(k, len(table))
        return [_summary(table.info(s)) for s in range(count)]
    statements = _about(index, None, about, 0, 0, SOURCES_ABOUT)
    per_source: dict[int, int] = {}
    for statement, _ in statements:
        source = table.source[statement]
        per_source[source] = per_source.get(source, 0) + 1
    ranked = sorted(per_source, key=lambda s: (-per_source[s], s))
    if k is not None:
        ranked = ranked[:k]
    return [_summary(table.info(s), per_source[s]) for s in ranked]


def _summary(info: dict, about: int | None = None) -> SourceSummary:
    return SourceSummary(info["name"], info["statements"], info["first"], info["last"],
                         info["aliases"], about)


def _about(index: Index, ids: list[int] | None, about: str, since: int, until: int,
           limit: int = ABOUT_CANDIDATES) -> list[tuple[int, float]]:
    """(statement, score) of the statements of `ids` (None: of every source) whose content
    holds a term of `about`, best first by BM25 over the content."""
    terms = index.analyzer.terms(about)
    if not terms:
        raise SaidError(f"no searchable word in {about!r}")
    matches = index.bm25_scores(terms)
    table = index.sources
    if ids is not None and table.count(ids) < len(matches):
        statements = table.statement_ids(ids, since, until)
        scores = _sentence_scores(matches, [table.sentence[s] for s in statements])
        best = heapq.nlargest(limit, ((score, -s) for s, score in zip(statements, scores)
                                      if score is not None))
        wanted = [-s for _, s in best]
    else:
        chosen = set(ids) if ids is not None else None
        wanted = []
        for sentence in matches.best(min(len(matches), 8 * limit)).ids:
            for s in table.in_sentence(sentence):
                if (chosen is None or table.source[s] in chosen) and _dated(
                        table, s, since, until):
                    wanted.append(s)
            if len(wanted) >= limit:
                break
    term_ids = [t for t in map(index.term_id, terms) if t is not None]
    scored = [(s, _content_score(index, s, term_ids)) for s in wanted]
    scored = [(s, score) for s, score in scored if score > 0]
    scored.sort(key=lambda item: (-item[1], item[0]))
    return scored


def _sentence_scores(matches, sentences: list[int]) -> list[float | None]:
    """Each sentence's BM25 score for the query, None where it holds no query term."""
    ids = matches.ids
    if isinstance(ids, list):
        out = []
        for i in sentences:
            at = bisect_left(ids, i)
            out.append(matches.scores[at] if at < len(ids) and ids[at] == i else None)
        return out
    import numpy as np  # the matches are numpy arrays already

    wanted = np.asarray(sentences, dtype=np.int64)
    at = np.minimum(np.searchsorted(ids, wanted), max(len(ids) - 1, 0))
    found = (ids[at] == wanted) if len(ids) else np.zeros(len(wanted), bool)
    scores = matches.scores[at]
    return [float(score) if hit else None for score, hit in zip(scores.tolist(), found.tolist())]


def _dated(table, statement: int, since: int, until: int) -> bool:
    if not (since or until):
        return True
    date = table.statement_date[statement]
    return bool(date) and (not since or date >= since) and (not until or date <= until)


def _content_score(index: Index, statement: int, term_ids: list[int]) -> float:
    """BM25 of the query terms over the statement's content: the sentence's own terms (the
    index's forward data) that lie in the content span, with the archive's IDF and the
    sentences' mean length, as the index scores a sentence."""
    table = index.sources
    sentence = table.sentence[statement]
    attribution = index.record(sentence).attributions[table.attribution[statement]]
    span = attribution.get("content_span")
    if not span:
        return 0.0
    tokens, starts, ends = index.token_spans(sentence)
    words = [t for t, a, b in zip(tokens, starts, ends) if a >= span[0] and b <= span[1]]
    if not words:
        return 0.0
    params = index.params
    norm = params.k1 * (1 - params.b + params.b * len(words) / table.avgdl)
    score = 0.0
    for t in term_ids:  # a repeated query term counts again, as in rank-bm25
        tf = words.count(t)
        if tf:
            score += index.idf[t] * tf * (params.k1 + 1) / (tf + norm)
    return score


def _statement(index: Index, statement: int, score: float | None = None) -> Statement:
    table = index.sources
    i = table.sentence[statement]
    sent = index.sentence(i)
    meta = index.doc_of(i)
    return Statement(sent.doc, sent.index, sent.text, sent.start, sent.end,
                     sent.attributions[table.attribution[statement]],
                     table.info(table.source[statement])["name"], meta.get("date", ""),
                     index.dateline(i), meta.get("title", ""), score)


def source_names(index: Index, prefix: str, limit: int = 20) -> list[str]:
    """Names of sources for completing `prefix` (the session's /said)."""
    table = index.sources
    return [table.info(s)["name"] for s in table.complete(prefix, limit)]


__all__ = ["Said", "SaidError", "SourceSummary", "Statement", "parse_date", "said", "sources",
           "source_names"]
