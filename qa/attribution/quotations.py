"""Quotations that run over several sentences: the sentences inside a quotation whose cue is in
a neighbouring sentence get an attribution of their own, with the same source and resolution,
their part of the quotation as content, and empty source and cue spans (the cue is elsewhere).

Three shapes, as wire copy writes them:

- forward: `Smith said: "The river rose. We lost the harvest."` (the quotation opened in the
  attributed sentence closes in a later one);
- backward: `"The bridge is unsafe. It must close," the engineer said.` (closed in the
  attributed sentence, opened in an earlier one);
- continuation: `"I wish ...," Liedtke said. "I assure you we will try."` (a sentence that is
  wholly a quotation, right after a sentence whose attributed content is one).

Straight quotes (and `''`) open or close by what is around them: after a space or at the start
and before a word they open, after a word they close; between two letters ("Indonesia"s") they
are neither.
"""
from __future__ import annotations

import re

from .tokens import Found, Span

_SPAN = 8  # sentences a quotation may be carried over, each way
Mark = tuple[int, int, bool]  # start, end, opening


_MARK = re.compile(r"“|”|``|''|\"")


def quote_marks(text: str) -> list[Mark]:
    """Each quotation mark of `text` with whether it opens a quotation."""
    marks: list[Mark] = []
    for m in _MARK.finditer(text):
        k, end = m.span()
        mark = m.group()
        if mark in ("“", "``"):
            marks.append((k, end, True))
        elif mark == "”":
            marks.append((k, end, False))
        else:
            before = text[k - 1] if k else " "
            after = text[end] if end < len(text) else " "
            if not (before.isalnum() and after.isalnum()):
                opening = (before.isspace() or before in "([{—–-") and not after.isspace()
                marks.append((k, end, opening))
    return marks


def _open_at_end(marks: list[Mark]) -> int | None:
    """Where the quotation still open at the end of the sentence opens, if any."""
    start = None
    for a, _, opening in marks:
        start = a if opening else None
    return start


def _first_close(marks: list[Mark]) -> int | None:
    """The end of the closing mark that ends a quotation opened before the sentence."""
    for _, b, opening in marks:
        return None if opening else b
    return None


def _wholly_quoted(text: str, marks: list[Mark]) -> bool:
    """The sentence opens with a quotation mark (after white space)."""
    return bool(marks) and marks[0][2] and not text[:marks[0][0]].strip()


def carry_quotes(texts: list[str], found: list[list[Found]]) -> list[list[tuple[int, int, Span]]]:
    """For each sentence, the attributions it gets from a quotation whose cue is in another
    sentence, as (sentence, attribution index, content span)."""
    marks = [quote_marks(t) for t in texts]
    extra: list[list[tuple[int, int, Span]]] = [[] for _ in texts]
    quoted: list[tuple[int, int] | None] = [None] * len(texts)  # speaker of a quotation
    for i, items in enumerate(found):
        if not items:
            continue
        opens = _open_at_end(marks[i])  # per sentence, not per attribution
        close = _first_close(marks[i])
        forward = None
        for k, f in enumerate(items):
            if f.content is None:
                continue
            piece = texts[i][f.content[0]:f.content[1]]
            if any(q in piece for q in '“”"') or "''" in piece:
                quoted[i] = (i, k)
            if opens is not None and opens >= f.content[0] - 1:
                forward = k  # the last such cue is the quotation's: "Asked to comment,
                # Michael Samuels told Reuters: "These ...", not "Asked"
            elif close is not None and f.content[0] <= close:
                _backward(texts, marks, found, extra, quoted, i, k)
        if forward is not None:
            _forward(texts, marks, found, extra, quoted, i, forward, i + 1)
    for j in range(1, len(texts)):
        origin = quoted[j - 1]
        if origin is not None and not found[j] and not extra[j] \
                and _wholly_quoted(texts[j], marks[j]):
            _forward(texts, marks, found, extra, quoted, *origin, j, whole=True)
    return extra


def _forward(texts, marks, found, extra, quoted, i: int, k: int, first: int,
             whole: bool = False) -> None:
    """Carry attribution (i, k) to the sentences from `first` on, up to the closing mark.

    With `whole`, sentence `first` opens a quotation of its own, which must end the last
    sentence it runs over (a continuation is wholly a quotation)."""
    parts: list[tuple[int, Span]] = []
    for j in range(first, min(first + _SPAN, len(texts))):
        if found[j] or extra[j] or not texts[j]:
            return
        opens_here = whole and j == first
        if j > first and marks[j] and marks[j][0][2]:
            return  # a new quotation opens: the old one was never closed
        close = _close_of_open(marks[j]) if opens_here else _first_close(marks[j])
        start = marks[j][0][0] if opens_here else 0
        if close is None:
            parts.append((j, (start, len(texts[j]))))
            continue
        if whole and texts[j][close:].strip(" .,;:!?\n"):
            return  # the reporter's words follow: not wholly a quotation
        parts.append((j, (start, close)))
        break
    else:
        if whole:
            return  # never closed: not wholly a quotation
    for j, span in parts:
        extra[j].append((i, k, span))
        quoted[j] = (i, k)


def _close_of_open(marks: list[Mark]) -> int | None:
    """In a sentence that opens a quotation, the end of the mark that closes it there."""
    opened = False
    for _, b, opening in marks:
        if opening:
            opened = True
        elif opened:
            return b
    return None


def _backward(texts, marks, found, extra, quoted, i: int, k: int) -> None:
    """Carry attribution (i, k) back to the sentences down to the opening mark."""
    for j in range(i - 1, max(-1, i - _SPAN), -1):
        if found[j] or extra[j] or not texts[j]:
            return
        opens = _open_at_end(marks[j])
        extra[j].append((i, k, (opens if opens is not None else 0, len(texts[j]))))
        quoted[j] = (i, k)
        if opens is not None:
            return
