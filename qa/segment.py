"""Split an article body into sentences with character offsets, tuned for newswire.

Rules, in the order they decide:
- a blank line ends a sentence, full stop or not (headlines, paragraphs cut short), and starts
  a paragraph;
- so does a line that starts indented (a paragraph of hard-wrapped newswire such as
  Reuters-21578, a row of a table, the "Reuter" sign-off), and a last line that is only the
  agency's sign-off; these do not start a new paragraph number. A hard wrap that is not
  indented changes nothing;
- `.`, `!`, `?` or an ellipsis, with any closing quotes or brackets, ends one when the next
  word starts like a sentence (capital, digit, opening quote);
- but not after a title ("Mr.", "Gen."), an initial ("J."), a month ("Oct. 5"), and after a
  dotted abbreviation ("U.S.", "Inc.") only when the next word is a usual sentence opener
  (a number "82.7)." or a ticker "<ABNN.AS>." before the stop is no abbreviation), neither
  "And" ("the U.S. And West Germany") nor a "But" that answers "not just" before it;
- an ellipsis (two dots or more, or "…") inside an open quotation continues the quotation.
See docs/SEGMENTATION.md for how these rules were measured against other splitters.
Offsets index the document text, so `text[start:end]` is the sentence exactly.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from .model import Document, Sentence

_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*")
# Inside a paragraph: a line that starts indented, or the sign-off as the last line.
_LINE = re.compile(r"\n(?=[ \t]+\S|[ \t]*(?i:reuters?)\b[^\n]{0,8}\Z)")
# A run of stops is matched from its start only, and never given back: from each stop inside a
# run "[.!?]+" ran to the run's end and back again, so "..." 5,000 times took 2 s and 80 KB of
# it 100 s. A match can only end where the run and its quotes end, so none is lost.
_CANDIDATE = re.compile(r"(?:(?<![.!?])(?:\.{3}|[.!?]++)|…)[\"'”’)\]]*+(?=\s)")
_NEXT = re.compile(r"\s+([\"“‘'(\[<]*)(\S+)")
_WORD_BEFORE = re.compile(r"(\S+?)\s*(?:\.{3}|…|[.!?]+)[\"'”’)\]]*\Z")
# A line that ends in one of these goes on, indented or not ("23.8 mln vs\n    14.7 mln").
_JOINED = re.compile(r"(?:^|\s)(?:vs|of|the|to|from|a|an|by|with|for|in|at)[ \t]*\Z", re.I)
_DOTTED = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")  # U.S, a.m, U.K (the last stop is the mark)
_QUOTES = re.compile(r"[“”\"]")

# Words that precede a name or number and are abbreviated with a full stop in news style.
_TITLES = frozenset("""
mr mrs ms dr prof gen lt col maj capt cmdr adm sgt cpl pvt gov sen rep rev fr sr jr st mt ft
pres supt insp amb hon messrs mme mlle no nos vol pp fig art sec ch
jan feb mar apr jun jul aug sep sept oct nov dec
""".split())
# Abbreviations that may also close a sentence.
_ENDERS = frozenset("inc corp co ltd plc llc bros etc al ave blvd rd dept govt approx est".split())
# Words that usually open a sentence: after "U.S." or "Inc." they signal a new one. Not "and"
# or "or": Reuters-21578 writes "the U.S. And West Germany" (228 times "And" after a dotted
# abbreviation, nearly all joining names), and a sentence opens with "And" 118 times in it
# against 48,312 mid-sentence "and".
_OPENERS = frozenset("""
the a an he she it they we i you this that these those there his her its their our
in on at but however meanwhile also yet so if when while after before since as
mr mrs ms dr
""".split())
# "not just with the U.S. But with other countries": a "but" that completes "not just/only"
# earlier in the sentence goes on with it (looked for in the 60 characters before the stop).
_NOT_ONLY = re.compile(r"\bnot (?:just|only|merely|simply)\b", re.I)


# A "sentence" longer than this (a table, a file without stops) is cut at white space into
# pieces no longer: every later step (attribution, analysis, answer spans, ranking) then works
# on bounded pieces, so a 10 MB line costs what 10 MB of ordinary sentences cost.
MAX_SENTENCE = 3000


def split_document(doc: Document, cut: list[int] | None = None) -> list[Sentence]:
    """The sentences of a document's body, numbered from 0, with their paragraph numbers.
    The length of each sentence cut into pieces (MAX_SENTENCE) is added to `cut`."""
    out: list[Sentence] = []
    for paragraph, s, e in paragraph_spans(doc.text, doc.body_start):
        if e - s > MAX_SENTENCE and cut is not None:
            cut.append(e - s)
        for a, b in _pieces(doc.text, s, e):
            out.append(Sentence(doc.id, len(out), a, b, doc.text[a:b], paragraph))
    return out


def _pieces(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """`text[start:end]` in pieces of at most MAX_SENTENCE characters, cut at the last white
    space of each (or at the limit when there is none), trimmed."""
    while end - start > MAX_SENTENCE:
        limit = start + MAX_SENTENCE
        at = max(text.rfind(c, start + MAX_SENTENCE // 2, limit) for c in " \n\t")
        at = at if at > start else limit
        span = _trim(text, start, at)
        if span:
            yield span
        start = at
    span = _trim(text, start, end)
    if span:
        yield span


def sentence_spans(text: str, start: int = 0) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence in `text[start:]`, trimmed of surrounding white space."""
    for _, s, e in paragraph_spans(text, start):
        yield s, e


def paragraph_spans(text: str, start: int = 0) -> Iterator[tuple[int, int, int]]:
    """(paragraph number, start, end) of each sentence; a blank line starts a paragraph."""
    pos, number = start, 0
    for m in _PARAGRAPH.finditer(text, start):
        found = False
        for s, e in _line_spans(text, pos, m.start()):
            found = True
            yield number, s, e
        number += found
        pos = m.end()
    for s, e in _line_spans(text, pos, len(text)):
        yield number, s, e


def _line_spans(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Sentences of one paragraph, cut first where a line starts indented."""
    pos = start
    for m in _LINE.finditer(text, start, end):
        if _JOINED.search(text, max(pos, m.start() - 6), m.start()):
            continue
        yield from _paragraph_spans(text, pos, m.start())
        pos = m.end()
    yield from _paragraph_spans(text, pos, end)


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
    ellipsis = mark.startswith(("..", "…"))
    if ellipsis and quote_open and not _closes_quote(mark):
        return False
    if mark[0] != ".":
        return True
    before = _WORD_BEFORE.search(text, max(begin, m.start() - 40), m.end())
    if before is None:
        return True
    token = before.group(1).strip("\"'“”‘’([)]").lstrip("<")  # "<ABNN.AS>" is no "U.S."
    bare = token.rstrip(".").lower()
    if ellipsis:
        return True
    if bare in _TITLES:
        return False
    if len(bare) == 1 and bare.isalpha():
        return False  # an initial: "J. Smith"
    if _DOTTED.fullmatch(token) or bare in _ENDERS:  # U.S., U.N., a.m., Inc.
        opener = word.strip("\"'“”‘’(").lower()
        if opener == "but" and _NOT_ONLY.search(text, max(begin, m.start() - 60), m.start()):
            return False
        return opener in _OPENERS
    return True


def _update_quote_state(text: str, start: int, end: int, quote_open: bool) -> bool:
    for q in _QUOTES.finditer(text, start, end):
        ch = q.group()
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
