"""Split an article body into sentences with character offsets, tuned for newswire.

Rules, in the order they decide:
- a blank line ends a sentence, full stop or not (headlines, paragraphs cut short);
- `.`, `!`, `?` or an ellipsis, with any closing quotes or brackets, ends one when the next
  word starts like a sentence (capital, digit, opening quote);
- but not after a title ("Mr.", "Gen."), an initial ("J."), a month ("Oct. 5"), and after a
  dotted abbreviation ("U.S.", "Inc.") only when the next word is a usual sentence opener;
- an ellipsis inside an open quotation continues the quotation.
Offsets index the document text, so `text[start:end]` is the sentence exactly.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from .model import Document, Sentence

_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*")
_CANDIDATE = re.compile(r"(?:\.{3}|…|[.!?]+)[\"'”’)\]]*(?=\s)")
_NEXT = re.compile(r"\s+([\"“‘'(\[]*)(\S+)")
_WORD_BEFORE = re.compile(r"(\S+?)\s*(?:\.{3}|…|[.!?]+)[\"'”’)\]]*\Z")

# Words that precede a name or number and are abbreviated with a full stop in news style.
_TITLES = frozenset("""
mr mrs ms dr prof gen lt col maj capt cmdr adm sgt cpl pvt gov sen rep rev fr sr jr st mt ft
pres supt insp amb hon messrs mme mlle no nos vol pp fig art sec ch
jan feb mar apr jun jul aug sep sept oct nov dec
""".split())
# Abbreviations that may also close a sentence.
_ENDERS = frozenset("inc corp co ltd plc llc bros etc al ave blvd rd dept govt approx est".split())
# Words that usually open a sentence: after "U.S." or "Inc." they signal a new one.
_OPENERS = frozenset("""
the a an he she it they we i you this that these those there his her its their our
in on at but and however meanwhile also yet so if when while after before since as
mr mrs ms dr
""".split())


def split_document(doc: Document) -> list[Sentence]:
    """The sentences of a document's body, numbered from 0, with their paragraph numbers."""
    return [Sentence(doc.id, i, s, e, doc.text[s:e], paragraph)
            for i, (paragraph, s, e) in enumerate(paragraph_spans(doc.text, doc.body_start))]


def sentence_spans(text: str, start: int = 0) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence in `text[start:]`, trimmed of surrounding white space."""
    for _, s, e in paragraph_spans(text, start):
        yield s, e


def paragraph_spans(text: str, start: int = 0) -> Iterator[tuple[int, int, int]]:
    """(paragraph number, start, end) of each sentence; a blank line starts a paragraph."""
    pos, number = start, 0
    for m in _PARAGRAPH.finditer(text, start):
        found = False
        for s, e in _paragraph_spans(text, pos, m.start()):
            found = True
            yield number, s, e
        number += found
        pos = m.end()
    for s, e in _paragraph_spans(text, pos, len(text)):
        yield number, s, e


def _paragraph_spans(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    begin = start
    quote_open = False
    scan = start
    for m in _CANDIDATE.finditer(text, start, end):
        quote_open = _update_quote_state(text, scan, m.start(), quote_open)
        if _is_boundary(text, begin, m, end, quote_open):
            span = _trim(text, begin, m.end())
            if span:
                yield span
            begin = m.end()
        quote_open = _update_quote_state(text, m.start(), m.end(), quote_open)
        scan = m.end()
    span = _trim(text, begin, end)
    if span:
        yield span


def _is_boundary(text: str, begin: int, m: re.Match, end: int, quote_open: bool) -> bool:
    nxt = _NEXT.match(text, m.end(), end)
    if nxt is None:
        return False  # paragraph end: the caller closes the sentence there
    opener, word = nxt.group(1), nxt.group(2)
    first = word[0]
    if not (first.isupper() or first.isdigit() or (opener and first.isalpha())):
        return False
    mark = m.group()
    if mark.startswith(("...", "…")) and quote_open and not _closes_quote(mark):
        return False
    if mark[0] != ".":
        return True
    before = _WORD_BEFORE.search(text, max(begin, m.start() - 40), m.end())
    if before is None:
        return True
    token = before.group(1).strip("\"'“”‘’([")
    bare = token.rstrip(".").lower()
    if mark.startswith(("...", "…")):
        return True
    if bare in _TITLES:
        return False
    if len(bare) == 1 and bare.isalpha():
        return False  # an initial: "J. Smith"
    if "." in token or bare in _ENDERS:  # U.S., U.N., a.m., Inc.
        return word.strip("\"'“”‘’(").lower() in _OPENERS
    return True


def _update_quote_state(text: str, start: int, end: int, quote_open: bool) -> bool:
    for ch in text[start:end]:
        if ch == "“":
            quote_open = True
        elif ch == "”":
            quote_open = False
        elif ch == '"':
            quote_open = not quote_open
    return quote_open


def _closes_quote(mark: str) -> bool:
    return mark.endswith(("”", '"'))


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None
