"""What a cue governs: the content span in its sentence (quotations carried over several
sentences are in `quotations`)."""
from __future__ import annotations

from .tokens import CLOSE_QUOTES, Found, OPEN_QUOTES, QUOTES, Span, TIME_WORDS, Token


# "seems", "appeared to": PolNeAR gives these cues no source 188 times in 235 on its training
# articles (the writer's impression), and their content is the subject with what follows.
SEEM = frozenset("seem seems seemed appear appears appeared appearing".split())


def seem_content(text: str, toks: list[Token], subject: tuple[int, int] | None) -> Span | None:
    """"Carson seems to recognize the problem": from the subject to the end of the clause;
    None without a subject or with an empty one ("There appears to be", "It seems")."""
    if subject is None or toks[subject[0]].lower in ("there", "it"):
        return None
    return after_span(text, toks[subject[0]].start)


def cue_content(text: str, toks: list[Token], a: int, b: int, cue_end: int,
             src: tuple[int, int], inverted: bool) -> Span | None:
    """The reported span: after the cue, or the quote or clause before its source."""
    left_edge = src[0] if not inverted else a
    right_start = cue_end if not inverted else toks[src[1] - 1].end
    before = before_span(text, toks, left_edge)
    after = after_span(text, right_start)
    if before and (after is None or _prefer_before(text, after, before)):
        if after and text[after[0]] in OPEN_QUOTES | QUOTES:
            return (before[0], after[1])  # a quotation split by its cue
        return before
    return after


def before_span(text: str, toks: list[Token], left_edge: int) -> Span | None:
    """Text before the source when it ends in a comma or closing quote ("“...,” he said")."""
    if left_edge == 0:
        return None
    last = toks[left_edge - 1].text
    if last not in (",", ":") and last not in CLOSE_QUOTES and last not in QUOTES \
            and not (last == "'" and left_edge > 1 and toks[left_edge - 2].text == "''"):
        return None  # (an inner quote closed with the outer one: "... country,''' said X")
    end = toks[left_edge - 1].end if last != "," else toks[left_edge - 1].start
    start = 0
    span = _strip(text, start, end)
    if span and len(text[span[0]:span[1]].split()) >= 2:
        return span
    return None


def after_span(text: str, start: int) -> Span | None:
    """From the cue to the end of the sentence, without the full stop."""
    while start < len(text) and (text[start].isspace() or text[start] in ",:"):
        start += 1
    span = _strip(text, start, len(text))
    if span is None:
        return None
    return span


def _prefer_before(text: str, after: Span, before: Span) -> bool:
    """After the cue only an adjunct ("on Friday", "in a statement") means content is before."""
    words = text[after[0]:after[1]].split()
    if not words:
        return True
    first = words[0].strip("“\"'").lower()
    if first in ("that", "whether", "how", "why", "what", "to") or text[after[0]] in "“\"" \
            or text.startswith("''", after[0]):
        return False
    return first in TIME_WORDS or len(words) <= 3 or text[before[1] - 1] in "”\"’'"


def according_content(text: str, toks: list[Token], a: int, src: tuple[int, int]) -> Span | None:
    """"According to X, Y" or "Y, according to X": the Y part."""
    if a == 0 or (a == 1 and not toks[0].text[0].isalnum()):
        return after_span(text, toks[src[1] - 1].end)
    end = toks[a - 1].start if toks[a - 1].text == "," else toks[a].start
    return _strip(text, 0, end)


def _strip(text: str, start: int, end: int) -> Span | None:
    """Trim white space, a trailing full stop or comma, keeping closing quotes."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ".,;:"):
        if text[end - 1] == "." and end - start > 1 and text[end - 2] == ".":
            break
        end -= 1
    return (start, end) if end > start else None


def bound_contents(text: str, toks: list[Token], found: list[Found]) -> None:
    """A content after its cue stops where the next attribution of the sentence starts."""
    for k, f in enumerate(found):
        if f.content is None:
            continue
        for g in found[k + 1:]:
            nxt = (g.cue[0] if g.source is None or g.source[0] < f.cue[1]
                   else min(g.source[0], g.cue[0]))
            if f.content[0] < nxt < f.content[1] and nxt > f.cue[1]:
                f.content = _strip(text, f.content[0], nxt)
                break
