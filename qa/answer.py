"""Find the part of a sentence that answers a typed question: "within 10 km (7 miles)".

One finder per answer type returns candidate spans; ranking uses them as evidence that a
sentence holds the kind of answer asked for, and `best_span` picks the one to mark. The
patterns describe English news style in general (numbers, units, months, capitalised names).
"""
from __future__ import annotations

import re

from . import question as q
from .model import Attribution, Span

_NUMBER_WORDS = (r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                 r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|"
                 r"forty|fifty|sixty|seventy|eighty|ninety|hundred|a hundred|a dozen|dozens|"
                 r"hundreds|thousands|millions|several|a few|half a dozen)")
_NUM = rf"(?:\d[\d,]*(?:\.\d+)?(?:\s?(?:million|billion|trillion|bn|mln))?|{_NUMBER_WORDS})"
_APPROX = r"(?:(?:within|about|around|some|nearly|almost|roughly|approximately|over|under|" \
          r"more than|less than|up to|at least|at most)\s+)?"
_UNIT_DISTANCE = r"(?:km|kms|kilomet(?:er|re)s?|miles?|mi|met(?:er|re)s?|m|feet|foot|ft|yards?|" \
                 r"nautical miles?|cm|centimet(?:er|re)s?)"
_CONVERSION = r"(?:\s*\([^()]{1,30}\))?"
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|" \
         r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_TIME_UNIT = r"(?:years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|centuries|" \
             r"century)"
_CAP = r"(?:[a-z]{1,3}-)?[A-Z][\w'’.-]*"  # "Deir", "al-Zor"
_CONNECT = r"(?:\s+(?:of|for|de|al|bin|van|von|the|and|on)\s+|\s+|-)"
_NAME = rf"{_CAP}(?:{_CONNECT}{_CAP})*"
_DIRECTION = (r"(?:\s+(?:north|south|east|west|northeast|northwest|southeast|southwest|"
              r"north-east|north-west|south-east|south-west|outside|from|of)"
              rf"(?:\s+(?:of|from))?\s+(?:the\s+)?{_NAME})?")

_PATTERNS: dict[str, re.Pattern] = {
    q.DISTANCE: re.compile(rf"{_APPROX}{_NUM}[\s-]?{_UNIT_DISTANCE}\b{_CONVERSION}{_DIRECTION}"),
    q.PERCENT: re.compile(rf"{_APPROX}{_NUM}\s?(?:%|per ?cent|percent|percentage points?)"),
    q.MONEY: re.compile(rf"{_APPROX}(?:[$£€¥]\s?{_NUM}|{_NUM}\s?(?:dollars|euros|pounds|yen|"
                        rf"yuan|rupees|riyals|francs|cents|[A-Z]{{3}}\b))"),
    q.DURATION: re.compile(rf"{_APPROX}(?:{_NUM}|a|an|the past|the last|several)"
                           rf"[\s-]+{_TIME_UNIT}(?:[\s-]+long)?\b"),
    q.QUANTITY: re.compile(rf"{_APPROX}\b{_NUM}\b(?:\s+(?:[a-z]+\s+){{0,2}}[a-z]+s\b)?"),
    q.DATE: re.compile(
        rf"\b(?:(?:on|in|since|by|until|last|this|next|early|late)\s+)?"
        rf"(?:{_WEEKDAY}(?:,?\s+{_MONTH}\s+\d{{1,2}})?|{_MONTH}(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?"
        rf"(?:,?\s+\d{{4}})?|\d{{1,2}}\s+{_MONTH}(?:\s+\d{{4}})?|(?:1[5-9]|20)\d\d(?:s)?|"
        rf"(?:last|this|next|earlier this|late last|early next)\s+(?:week|month|year|"
        rf"spring|summer|autumn|fall|winter)|yesterday|today|tomorrow|overnight|"
        rf"(?:a|one|two|three|four|five|several|\d+)\s+(?:days?|weeks?|months?|years?)\s+ago|"
        rf"(?:recent|past|coming)\s+(?:days|weeks|months|years))\b", re.I),
    q.PERSON: re.compile(rf"(?:(?:President|Prime Minister|Minister|Mr|Mrs|Ms|Dr|Gen|"
                         rf"General|Colonel|King|Queen|Pope|Senator|Governor)\.?\s+)?"
                         rf"{_CAP}(?:\s+{_CAP})+"),
    q.ORGANISATION: re.compile(rf"(?:the\s+)?{_NAME}\s+(?:Group|Party|Ministry|Council|"
                               rf"Army|Observatory|Company|Corp|Corporation|Inc|Ltd|Bank|"
                               rf"Agency|Organi[sz]ation|Committee|Union|Association|"
                               rf"Commission|Forces|Front|Movement|University|Institute)\b|"
                               rf"\b[A-Z]{{2,6}}\b|{_NAME}"),
    q.PLACE: re.compile(rf"\b(?:in|at|near|from|to|towards|toward|outside|into|of)\s+"
                        rf"(?P<a>(?:the\s+)?{_NAME})"),
}


def spans(answer_type: str, text: str, attributions: list[Attribution] = ()) -> list[Span]:
    """Every stretch of `text` that is an answer of `answer_type`."""
    if answer_type == q.SOURCE:
        return [a.source_span for a in attributions]
    pattern = _PATTERNS.get(answer_type)
    if pattern is None:
        return []
    group = "a" if "a" in pattern.groupindex else 0
    return [_trim(text, m.start(group), m.end(group)) for m in pattern.finditer(text)
            if m.end(group) > m.start(group) and not m.group(group).isspace()]


def best_span(answer_type: str, text: str, query_spans: list[Span],
              attributions: list[Attribution] = ()) -> Span | None:
    """The candidate to mark: not the question's own words, and closest to them."""
    found = [s for s in spans(answer_type, text, attributions)
             if not _mostly_inside(s, query_spans)]
    if not found:
        return None
    if not query_spans:
        return found[0]
    return min(found, key=lambda s: (_distance(s, query_spans), s[0]))


def _mostly_inside(span: Span, others: list[Span]) -> bool:
    covered = sum(max(0, min(span[1], e) - max(span[0], s)) for s, e in others)
    return covered * 2 > span[1] - span[0]


def _distance(span: Span, others: list[Span]) -> int:
    return min(max(s - span[1], span[0] - e, 0) for s, e in others)


def _trim(text: str, start: int, end: int) -> Span:
    while end > start and text[end - 1] in " ,;:.":
        end -= 1
    return (start, end)

