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
# A capitalised word that is not just a capitalised function word opening the sentence.
_CAP = (r"(?!(?:The|A|An|In|On|At|By|For|But|And|Or|It|Its|He|His|She|Her|They|Their|This|"
        r"That|These|Those|Last|Next|When|While|After|Before|Since|As|If|However)\b)"
        r"(?:[a-z]{1,3}-)?[A-Z][\w'’.-]*")  # "Deir", "al-Zor"
_CONNECT = r"(?:\s+(?:of|for|de|al|bin|van|von|the|and|on)\s+|\s+|-)"
_NAME = rf"{_CAP}(?:{_CONNECT}{_CAP})*"
_DIRECTION = (r"(?:\s+(?:north|south|east|west|northeast|northwest|southeast|southwest|"
              r"north-east|north-west|south-east|south-west|outside|from|of)"
              rf"(?:\s+(?:of|from))?\s+(?:(?:the\s+)?{_NAME}|the\s+[a-z]+\b))?")

class _Lazy:
    """A regular expression compiled on first use: a question needs only its own type's
    pattern, and compiling them all would cost every `qa ask` start-up time."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._args = (pattern, flags)
        self._compiled: re.Pattern | None = None

    def get(self) -> re.Pattern:
        if self._compiled is None:
            self._compiled = re.compile(*self._args)
        return self._compiled


_PERSON_NOUN = (r"(?:commanders?|officials?|soldiers?|spokes(?:man|woman|person)|leaders?|"
                r"officers?|sources?|civilians?|fighters?|militants?|man|woman|men|women|"
                r"people|presidents?|ministers?|generals?|diplomats?|journalists?|reporters?|"
                r"analysts?|residents?|witness(?:es)?|child(?:ren)?|players?|coach(?:es)?|"
                r"doctors?|police(?:men|man)?|workers?|students?|teachers?|lawyers?|judges?|"
                r"activists?|protesters?|rebels?|troops|executives?|chairman|director|"
                r"founder|inventor|author|writer|scientist|king|queen|emperor)")
_PLACE_WORDS = (r"(?:(?:\s+[a-z]+)?\s+(?:province|city|region|district|state|county|valley|desert|"
                r"governorate|island|border|coast|area))?")
_ORG_WORDS = frozenset("State Group Army Forces Party Ministry Council Company "
                       "Corp Corporation Inc Ltd Bank Agency Organisation Organization "
                       "Committee Union Association Commission Front Movement University "
                       "Institute".split())
_DEMONYM = re.compile(r"(?:ian|ese|ish|ic|i)$")

_PATTERNS: dict[str, "_Lazy"] = {
    q.DISTANCE: _Lazy(rf"{_APPROX}{_NUM}[\s-]?{_UNIT_DISTANCE}\b{_CONVERSION}{_DIRECTION}"),
    q.PERCENT: _Lazy(rf"{_APPROX}{_NUM}\s?(?:%|per ?cent|percent|pct|percentage points?)"),
    q.MONEY: _Lazy(rf"{_APPROX}(?:[$£€¥]\s?{_NUM}|{_NUM}\s?(?:dollars|euros|pounds|yen|"
                        rf"yuan|rupees|riyals|francs|cents|dlrs|stg|cts|marks|lire|guilders|"
                        rf"[A-Z]{{3}}\b))(?:\s+to\s+the\s+(?:dollar|pound|mark|yen)\b|"
                        rf"\s+a\s+share\b)?"),
    q.DURATION: _Lazy(rf"{_APPROX}(?:{_NUM}|a|an|the past|the last|several)"
                           rf"[\s-]+{_TIME_UNIT}(?:[\s-]+long)?\b"),
    q.QUANTITY: _Lazy(rf"{_APPROX}\b{_NUM}\b(?:\s+(?:[a-z]+\s+){{0,2}}[a-z]+s\b)?"),
    q.DATE: _Lazy(
        rf"\b(?:(?:on|in|since|by|until|last|this|next|early|late)\s+)?"
        rf"(?:{_WEEKDAY}(?:,?\s+{_MONTH}\s+\d{{1,2}})?|{_MONTH}(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?"
        rf"(?:,?\s+\d{{4}})?|\d{{1,2}}\s+{_MONTH}(?:\s+\d{{4}})?|(?:1[5-9]|20)\d\d(?:s)?|"
        rf"(?:last|this|next|earlier this|late last|early next)\s+(?:week|month|year|"
        rf"spring|summer|autumn|fall|winter)|yesterday|today|tomorrow|overnight|"
        rf"(?:a|one|two|three|four|five|several|\d+)\s+(?:days?|weeks?|months?|years?)\s+ago|"
        rf"(?:recent|past|coming)\s+(?:days|weeks|months|years))\b", re.I),
    q.PERSON: _Lazy(rf"(?:(?:President|Prime Minister|Minister|Mr|Mrs|Ms|Dr|Gen|"
                         rf"General|Colonel|King|Queen|Pope|Senator|Governor)\.?\s+)?"
                         rf"{_CAP}(?:\s+{_CAP})+|"
                         rf"\b(?:[Aa]n?|[Tt]he|[Tt]wo|[Tt]hree|[Ff]our|[Ff]ive|[Ss]everal|"
                         rf"[Ss]ome|[Mm]any|\d+)\s+"
                         rf"(?:[\w-]+\s+){{0,2}}{_PERSON_NOUN}\b"),
    q.ORGANISATION: _Lazy(rf"(?:the\s+)?{_NAME}\s+(?:Group|Party|Ministry|Council|"
                               rf"Army|Company|Corp|Corporation|Inc|Ltd|Bank|"
                               rf"Agency|Organi[sz]ation|Committee|Union|Association|"
                               rf"Commission|Forces|Front|Movement|University|Institute)\b|"
                               rf"\b[A-Z]{{2,6}}\b|{_NAME}"),
    q.PLACE: _Lazy(rf"\b(?:in|at|near|from|to|towards|toward|outside|into|of|across)\s+"
                        rf"(?P<a>(?:(?:north|south|east|west|central|north-?east|north-?west|"
                        rf"south-?east|south-?west)(?:ern)?\s+)?(?:the\s+)?{_NAME}"
                        rf"{_PLACE_WORDS})"),
}


def spans(answer_type: str, text: str, attributions: list[Attribution] = ()) -> list[Span]:
    """Every stretch of `text` that is an answer of `answer_type`. The patterns are run once
    per process for a type and a text: a question's hits were its ranking's candidates
    (whose features ran them), and a sentence stands in many hits of a session."""
    if answer_type == q.SOURCE:
        return [a.source_span for a in attributions
                if a.source_span is not None and not a.source_span.empty]
    key = (answer_type, text)
    found = _FOUND.get(key)
    if found is None:
        if len(_FOUND) >= _REMEMBERED:
            _FOUND.clear()
        found = _FOUND[key] = _found(answer_type, text)
    return list(found)


_FOUND: dict[tuple[str, str], tuple[Span, ...]] = {}
_REMEMBERED = 2048


def _found(answer_type: str, text: str) -> tuple[Span, ...]:
    """`spans` of a type other than SOURCE, found afresh."""
    lazy = _PATTERNS.get(answer_type)
    if lazy is None:
        return ()
    pattern = lazy.get()
    group = "a" if "a" in pattern.groupindex else 0
    found = [_trim(text, m.start(group), m.end(group)) for m in pattern.finditer(text)
             if m.end(group) > m.start(group) and not m.group(group).isspace()]
    if answer_type in (q.PERSON, q.PLACE):
        found = [s for s in found if not _adjective(text, s)]
    if answer_type == q.PERSON:
        found = [s for s in found if not set(text[s[0]:s[1]].split()) & _ORG_WORDS]
    return tuple(found)


def _adjective(text: str, span: Span) -> bool:
    """"Syrian" in "the Syrian government" describes; it does not name."""
    words = text[span[0]:span[1]].split()
    following = text[span[1]:span[1] + 2]
    return (len(words) <= 2 and bool(_DEMONYM.search(words[-1]))
            and len(following) == 2 and following[0] == " " and following[1].islower())


def best_span(answer_type: str, text: str, query_spans: list[Span],
              attributions: list[Attribution] = ()) -> Span | None:
    """The candidate to mark: not the question's own words, and closest to them."""
    if answer_type == q.SOURCE:
        source = _best_source(attributions, query_spans)
        return _name_part(text, source) if source else None
    found = [s for s in spans(answer_type, text, attributions)
             if not _mostly_inside(s, query_spans)]
    if not found:
        return None
    if not query_spans:
        return found[0]
    return min(found, key=lambda s: (_distance(s, query_spans), s[0]))


def _best_source(attributions: list[Attribution], query_spans: list[Span]) -> Span | None:
    """Who said it: the source whose reported content holds most of the question's words
    ("who said the dividend would be raised?" asks for the source of that claim, not for
    whichever source stands nearest to the word "dividend")."""
    found = [a for a in attributions
             if a.source_span is not None and not a.source_span.empty
             and not _mostly_inside(a.source_span, query_spans)]
    if not found:
        return None

    def held(a: Attribution) -> int:
        if a.content_span is None:
            return 0  # no reported content holds no words (query spans are never empty)
        lo, hi = a.content_span
        return sum(1 for s, e in query_spans if lo <= s and e <= hi)

    best = min(found, key=lambda a: (-held(a), _distance(a.source_span, query_spans)
                                     if query_spans else 0, a.source_span.start))
    return best.source_span


def _name_part(text: str, span: Span) -> Span:
    """The name a source phrase opens with: a source keeps its appositive as PolNeAR marks it
    ("The Syrian Observatory for Human Rights, a war monitor,"), the answer to "who said?"
    is the name before it ("The Syrian Observatory for Human Rights")."""
    start, end = span
    comma = text.find(",", start, end)
    if comma > start:
        end = comma
    while end > start and text[end - 1] in " ,":
        end -= 1
    return Span(start, end)


_REFERENCE = re.compile(rf"\b(?:of|from)\s+(?:the\s+)?(?P<name>{_NAME})\s*$")


def anchored(span_text: str, question_terms, analyzer) -> bool:
    """Whether a measure is taken from what the question names: "10 km of the city" may be,
    "45 km south of Deir al-Zor" is not when the question asks about another place."""
    m = _REFERENCE.search(span_text)
    if m is None:
        return True
    return bool(_whole_words(analyzer, m.group("name")) & _whole_words(analyzer, question_terms))


def _whole_words(analyzer, text) -> set[str]:
    """One term per word, the whole of a hyphenated one: "Deir al-Zor" -> {deir, alzor}."""
    if not isinstance(text, str):
        text = " ".join(text)
    words: dict[int, str] = {}
    for token in analyzer.tokens(text):
        words[token.start] = token.term  # a compound's whole form comes last
    return set(words.values())


def _mostly_inside(span: Span, others: list[Span]) -> bool:
    others = set(others)
    covered = sum(max(0, min(span[1], e) - max(span[0], s)) for s, e in others)
    return covered * 2 > span[1] - span[0]


def _distance(span: Span, others: list[Span]) -> int:
    return min(max(s - span[1], span[0] - e, 0) for s, e in others)


def _trim(text: str, start: int, end: int) -> Span:
    while end > start and text[end - 1] in " ,;:.":
        end -= 1
    return (start, end)

