"""A sentence's candidate answer spans, listed one first token at a time.

The rules (`span_features`): a span of at most `max_len` tokens never starts or ends on
punctuation (but a closing bracket that closes inside it, or a per-cent sign, may end one),
never crosses a newline or a sentence stop, and never consists of the question's own words
only. Its span features are its length, whether a question word is inside, its relation to a
typed pattern, and how many commas it holds.

Why listed a start at a time: a sentence of 36 tokens offers about 285 spans, and testing and
building them one by one in Python was a quarter of marking's cost per hit (docs/EVAL.md).
From one first token, the spans' last tokens are a run of the tokens that may end a span
(found by bisection), and their features change only where a question word, a comma or a
typed pattern begins or ends: each start's features are sliced from tables by length, and
the spans are put together by `zip` and `map` in C. The list is the same, span for span and
in the same order (first token, then last token), as testing every pair.
"""
from __future__ import annotations

from bisect import bisect_left
from itertools import accumulate, compress, count, repeat
from operator import not_

_SENTENCE_STOP = frozenset("?!")
_START_PUNCT = frozenset("$£€¥")
_END_PUNCT = frozenset(")%")
_FAR = 1 << 30  # "no such token": beyond any span's length


class _PerWord(dict):
    """word -> `test(word)`, remembered (a session meets the same words again)."""

    def __init__(self, test) -> None:
        super().__init__()
        self.test = test

    def __missing__(self, word: str) -> bool:
        if len(self) > 50_000:
            self.clear()
        found = self[word] = self.test(word)
        return found


def can_start(low: str) -> bool:
    return low[0].isalnum() or low in _START_PUNCT


def can_end(low: str) -> bool:
    return low[-1].isalnum() or low in _END_PUNCT


_CAN_START = _PerWord(can_start)
_CAN_END = _PerWord(can_end)


def is_stop(lowers: list[str], k: int) -> bool:
    """A sentence stop inside the sentence text: '?', '!', or '.' after a word too long to be
    an abbreviation ("Inc.", "St." and "Oct." go on)."""
    w = lowers[k]
    return w in _SENTENCE_STOP or (w == "." and k > 0 and len(lowers[k - 1]) > 3)


def _positions(flags) -> list[int]:
    """The indices whose flag is true."""
    return list(compress(count(), flags))


def _counts(flags) -> list[int]:
    """How many flags are true before each index (and in all, last)."""
    return list(accumulate(flags, initial=0))


def listing(text: str, toks: list[tuple[int, int]], lowers: list[str], qm: list[str],
            pats: list[tuple[int, int]], table, max_len: int, relation) -> list[tuple]:
    """Every allowed span (first token, last token, span-feature indices), in order.
    `qm`: per token, non-empty when it holds a question word; `pats`: the typed patterns'
    (first, last) tokens; `table`: (features, rows), `features[q][c][r][j - i]` the feature
    indices of span (i, j) with (q) a question word inside or not, (c) no, one or several
    commas, (r) `relation(i, j, pats)` to the typed patterns, and `rows` a dict for `listing`
    to remember a start's features by length in."""
    n = len(toks)
    table, rows = table
    ending = list(map(_CAN_END.__getitem__, lowers))
    lasts, last_rank = _positions(ending), _counts(ending)
    # token k cannot be in a span that starts before it (a newline or a stop before it)
    cuts = [k + 1 for k in _positions(map(_STOPS.__contains__, lowers))
            if k + 1 < n and is_stop(lowers, k)]
    if "\n" in text:
        cuts = sorted({*cuts, *(k for k in range(1, n)
                                if "\n" in text[toks[k - 1][1]:toks[k][0]])})
    # the first cut after each token (n: none)
    cut_after, before = [], 0
    for k in cuts:
        cut_after += repeat(k, k - before)
        before = k
    cut_after += repeat(n, n - before)
    # the first token at or after each token that is (not) a question word, or a comma
    asked = list(map(bool, qm))
    free = [*_positions(map(not_, asked)), n]
    free_rank = _counts(map(not_, asked))
    asked_at, asked_rank = [*_positions(asked), _FAR], _counts(asked)
    comma = list(map(",".__eq__, lowers))
    commas, comma_rank = [*_positions(comma), _FAR, _FAR], _counts(comma)
    closes = _positions(map(")".__eq__, lowers))
    closing = set(closes)
    opens = _positions(map("(".__eq__, lowers)) if closes else []
    out: list[tuple] = []
    for i in _positions(map(_CAN_START.__getitem__, lowers)):
        stop = cut_after[i] if cut_after[i] < i + max_len else i + max_len
        # a span must reach a token that is not a question word
        lo, hi = last_rank[free[free_rank[i]]], last_rank[stop]
        if lo >= hi:
            continue
        js = lasts[lo:hi]
        if closes:  # a closing bracket ends a span only when the span opened it
            k = bisect_left(opens, i)
            opened = opens[k] if k < len(opens) else n
            k = bisect_left(closes, i)
            if k < len(closes) and closes[k] < opened:
                js = [j for j in js if not (j < opened and j in closing)]
        width = stop - i
        q_at = asked_at[asked_rank[i]] - i
        c = comma_rank[i]
        c1, c2 = commas[c] - i, commas[c + 1] - i
        if pats and any(e >= i and s < stop for s, e in pats):
            row = _row(i, width, q_at, c1, c2, pats, table, relation)
        else:  # the same row for all starts with these points (beyond the width, unread)
            key = (q_at if q_at < width else width, c1 if c1 < width else width,
                   c2 if c2 < width else width)
            row = rows.get(key)
            if row is None:
                if len(rows) > 10_000:
                    rows.clear()
                row = rows[key] = tuple(_row(0, max_len, *key, (), table, relation))
        out += [(i, j, row[j - i]) for j in js]
    return out


def _row(i: int, width: int, q_at: int, c1: int, c2: int, pats, table, relation) -> list:
    """The feature indices of the spans that start at token i, by length: the same between
    the points where a question word (at i + q_at), a comma (i + c1, i + c2) or a typed
    pattern comes in or ends."""
    points, near = [q_at, c1, c2], False
    for s, e in pats:
        if e >= i and s < i + width:
            points += (s - i, e - i, e + 1 - i)
            near = True
    points.sort()
    row, a = [], 0
    for b in points:
        if b >= width:
            break
        if b > a:
            row += table[q_at <= a][(c1 <= a) + (c2 <= a)][
                relation(i, i + a, pats) if near else 0][a:b]
            a = b
    row += table[q_at <= a][(c1 <= a) + (c2 <= a)][
        relation(i, i + a, pats) if near else 0][a:width]
    return row


def pattern_token_spans(tp: list[str]) -> list[tuple[int, int]]:
    out, start = [], None
    for k, m in enumerate(tp):
        if m == "S":
            out.append((k, k))
        elif m == "B":
            start = k
        elif m == "E" and start is not None:
            out.append((start, k))
            start = None
    return out


def pattern_relation(i: int, j: int, pats: list[tuple[int, int]]) -> int:
    """0 no typed pattern touches the span, 1 it is one, 2 inside one, 3 holds one, 4 overlap."""
    best = 0
    for s, e in pats:
        if e < i or s > j:
            continue
        if (s, e) == (i, j):
            return 1
        rel = 2 if s <= i and j <= e else 3 if i <= s and e <= j else 4
        best = rel if best == 0 else min(best, rel)
    return best


_STOPS = frozenset("?!.")
