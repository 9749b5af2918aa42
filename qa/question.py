"""What a question asks for: its expected answer type and its content terms.

The type comes from the question's form alone ("how far" wants a distance, "who said" a
source); nothing here knows any article.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .analyzer import Analyzer

DISTANCE, QUANTITY, MONEY, PERCENT, DURATION, DATE = (
    "distance", "quantity", "money", "percent", "duration", "date")
PERSON, ORGANISATION, PLACE, SOURCE, OTHER = (
    "person", "organisation", "place", "source", "other")

# Answers that are measures or times: their patterns are precise, so finding one means much.
MEASURES = frozenset({DISTANCE, QUANTITY, MONEY, PERCENT, DURATION, DATE})

# First match wins, so the specific forms come before the general ones.
_RULES: list[tuple[str, str]] = [
    (SOURCE, r"\b(?:who|which \w+|what \w+) (?:said|says|say|told|reported|claimed|announced|"
             r"warned|stated|confirmed|denied)\b|according to (?:whom|who|what)|"
             r"\bwhat (?:is|was) the source\b|\bwho is the source\b"),
    (DISTANCE, r"\bhow (?:far|close|near)\b|\bwhat distance\b|\bhow many (?:km|kilomet\w*|miles?|"
               r"met\w+|feet|yards)\b|\bhow (?:long|high|tall|deep|wide) is\b"),
    (PERCENT, r"\bwhat (?:percent\w*|proportion|share|fraction)\b|\bhow much percent"),
    (MONEY, r"\bhow much (?:money|did|does|do|was|is|were|are|will|would|had|has|have)?\b.*\b"
            r"(?:cost|costs|pay|paid|spend|spent|worth|price|budget|fund\w*|raise\w*|earn\w*)\b|"
            r"\bwhat (?:was|is) the (?:cost|price|value|budget)\b"),
    (DURATION, r"\bhow long\b|\bfor how (?:long|many (?:years|months|weeks|days|hours))\b|"
               r"\bwhat (?:period|duration)\b"),
    (QUANTITY, r"\bhow (?:many|much|old|large|big)\b|\bwhat (?:number|amount|size|population)\b|"
               r"\bthe number of\b"),
    (DATE, r"\bwhen\b|\bwhat (?:year|date|day|month|time|century|decade)\b|"
           r"\b(?:which|in what) (?:year|month|day|century|decade)\b|\bhow recently\b"),
    (ORGANISATION, r"\b(?:which|what) (?:organi[sz]ation|group|company|party|agency|militia|"
                   r"force|forces|army|team|government|body|institution|university)\b"),
    (PLACE, r"\bwhere\b|\b(?:which|what) (?:city|country|town|place|province|region|state|"
            r"area|village|county|continent|location|river|island|capital)\b"),
    (PERSON, r"\bwho\b|\bwhom\b|\bwhose\b|\b(?:which|what) (?:person|man|woman|leader|"
             r"president|minister|commander|official|player|author|king|queen)\b"),
]
_COMPILED = [(kind, re.compile(pattern, re.I)) for kind, pattern in _RULES]


@dataclass(frozen=True)
class Question:
    text: str
    answer_type: str
    terms: tuple[str, ...]
    # For matching word order and spelling: the terms of each adjacent pair of the question's
    # words, and its longer words as written (lowercased). Computed once, used per candidate.
    pairs: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = ()
    words: frozenset[str] = frozenset()


# "how far", "how many": the words that set the answer type are not what the answer is about,
# and an answer like "three-year-long" must not count as the question's own words.
_TYPE_WORDS = re.compile(r"\bhow\s+(?:far|long|many|much|old|close|near|big|large|high|tall|"
                         r"deep|wide|often|soon|recently)\b", re.I)


# Words that frame a question ("what is the name of", "what kind of", "is called") rather
# than say what it is about; the answer sentence seldom repeats them.
_FRAME_WORDS = re.compile(r"\b(?:(?:what|which)\s+(?:is|was|are|were)\s+(?:the\s+)?"
                          r"(?:name|term|word|type|kind|sort)s?\s+(?:of|for)|"
                          r"(?:what|which)\s+(?:kind|type|sort)s?\s+of|"
                          r"(?:is|was|are|were)\s+(?:called|named|known\s+as))\b", re.I)


@functools.lru_cache(maxsize=16)  # ask() reads a question for the ranking, then for marking
def analyze(text: str, analyzer: Analyzer) -> Question:
    content = _FRAME_WORDS.sub(" ", _TYPE_WORDS.sub(" ", text))
    by_word = word_terms(analyzer.tokens(text))
    return Question(text, answer_type(text), tuple(analyzer.terms(content)),
                    tuple(zip(by_word, by_word[1:])),
                    frozenset(w for w in _WORD.findall(text.lower()) if len(w) > 3))


_WORD = re.compile(r"\w+")

UNSEARCHABLE = "no word of it is searched: common words and punctuation are left out"


def unsearchable(text: str, analyzer: Analyzer) -> bool:
    """Whether no word of `text` is searched ("the of and", "?!"): "no matching sentence"
    alone would then read as a fact about the archive rather than about the question."""
    return not analyze(text, analyzer).terms


def word_terms(tokens: list) -> list[tuple[str, ...]]:
    """Terms grouped by the word they came from, in order."""
    words: dict[int, list[str]] = {}
    for t in tokens:
        words.setdefault(t.start, []).append(t.term)
    return [tuple(v) for _, v in sorted(words.items())]


_WH = re.compile(r"\b(?:who|whom|whose|what|which|when|where|why|how)\b", re.I)


def answer_type(text: str) -> str:
    """The kind of answer the question's wording asks for.

    Only the question's own wh-phrase counts: in "what kind of network was it when it began?"
    the "when" is part of the content, and the question asks for a kind, not a date.
    """
    wh = _WH.search(text)
    for kind, pattern in _COMPILED:
        for m in pattern.finditer(text):
            if wh is None or m.start() <= wh.start() < m.end():
                return kind
    return OTHER
