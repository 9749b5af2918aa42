"""Tokens of a sentence and the word classes of news English that every step reads.

The lists are general knowledge of English (auxiliaries, pronouns, titles, person and
organisation words) and the hand-written reporting verbs (`qa/data/reporting_verbs.txt`);
nothing here is learned, so the steps after it agree on what a word is.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import accumulate
from importlib import resources

from ..model import Span

_TOKEN = re.compile(r"(?:[A-Za-z]\.){2,}(?:-\w+)*"
                    r"|(?:Mr|Mrs|Ms|Dr|Sens?|Reps?|Gov|Gen|Lt|Col|St|Jr|Sr"
                    r"|Capt|Rev|Maj|Sgt|Adm|Prof|Cmdr|Messrs|Ft|Mt)\.|[A-Z]\.(?=\s+[A-Z])"
                    r"|\w+(?:[-'’]\w+)*|''|``|[^\w\s]")
# The same tokens with the whitespace before each: `re.split` on it gives ["", space, token,
# "", space, token, ..., tail] (every non-space character starts a token and none starts on a
# space), so offsets are running sums of lengths, computed in C instead of asking each match
# object for its span (tokenising was a sixth of attribution's time).
_SPACED_TOKEN = re.compile(r"(\s*)(" + _TOKEN.pattern + ")")
WORD = re.compile(r"\w+(?:['’]\w+)*")
OPEN_QUOTES = frozenset("“‘")
CLOSE_QUOTES = frozenset("”’")
QUOTES = frozenset(["“", "”", '"', "''", "``"])  # '' and `` are quotes in some newspapers
ALL_QUOTES = QUOTES | OPEN_QUOTES | CLOSE_QUOTES  # what is_quote accepts
PUNCT_STOP = frozenset(",;:()[]—–―-")

AUX = frozenset("""
has have had having is are was were be been being am do does did will would could can may might
must should shall 's ’s 've ’ve 'd ’d 'll ’ll
""".split())
NEG = frozenset("""
not n't never no don't doesn't didn't won't wouldn't can't couldn't hasn't haven't hadn't isn't
wasn't aren't weren't shouldn't don’t doesn’t didn’t won’t wouldn’t can’t couldn’t hasn’t haven’t
hadn’t isn’t wasn’t aren’t weren’t shouldn’t cannot
""".split())
ADVERBS = frozenset("""
also previously repeatedly recently publicly later then still once already again often reportedly
just now even only quickly similarly widely long increasingly privately openly explicitly directly
strongly flatly initially originally finally ultimately clearly simply actually really generally
frequently always sometimes since further formally officially immediately angrily loudly firmly
sharply reluctantly separately specifically subsequently emphatically
""".split())
VERB_GROUP = AUX | NEG | ADVERBS
BE = frozenset("is are was were be been being am 's ’s".split())
# Words that end a subject noun phrase on its left: clause openers and conjunctions.
CLAUSE = frozenset("""
that and but or because while when whereas although though if as after before since until so
where whether than nor yet
""".split())
RELATIVE = frozenset({"who", "which"})
PREPOSITIONS = frozenset("""
of to in on at by for with from about into over under against among between through during
without within upon like than as per via
""".split())
FUNCTION = frozenset("""
the a an of to in on at by for with from about into over this that these those there here it its
""".split())
DETERMINERS = frozenset("the a an his her its their our my your this that these those".split())
TIME_WORDS = frozenset("""
on in at during after before last this next earlier later monday tuesday wednesday thursday friday
saturday sunday today yesterday tonight overnight week month year morning afternoon evening night
""".split())
MONTHS = frozenset("""
january february march april may june july august september october november december jan feb
mar apr jun jul aug sep sept oct nov dec
""".split())
PARTICIPLE_ENDINGS = ("ing",)
PRONOUNS = {"he": "person", "she": "person", "him": "person", "her": "person",
             "it": "thing", "they": "group", "them": "group", "we": "self", "i": "self",
             "you": "self"}
PERSON_WORDS = frozenset("""
source sources spokesman spokeswoman spokesperson official officials minister president commander
officer mr mrs ms dr man woman analyst analysts diplomat witness resident senator sen rep gov
governor candidate nominee secretary chairman chairwoman chair director leader adviser advisor
aide lawyer attorney economist strategist pollster professor expert chief executive mayor judge
general gen lt col father mother wife husband son daughter supporter voter voters member members
""".split())
ORG_WORDS = frozenset("""
party committee campaign ministry department agency council institute university association group
foundation center centre commission bank corp inc company firm government army
administration office house senate congress court news times post journal network reuters police
unit alliance league union board organization organisation coalition movement service
corp corporation co inc ltd plc llc exchange industries authority fund embassy holdings
partners securities airlines bureau
""".split())
# Short forms that may stand for any organisation named before ("the group").
GENERIC_ORG = frozenset("group organization organisation company firm agency body outlet".split())
# Lower-case particles inside personal names ("Henri de Villiers", "Osama bin Laden").
NAME_PARTICLES = frozenset("de al la van von bin del".split())
NAME_LINKS = frozenset("of for the and".split()) | NAME_PARTICLES
SUBJECT_PRONOUNS = frozenset("he she they we i".split())
FEMALE_WORDS = frozenset("""
mrs ms miss madam madame spokeswoman chairwoman businesswoman congresswoman she her herself
""".split())
MALE_WORDS = frozenset("mr sir".split())  # wire copy calls a woman "spokesman" too
TITLES = frozenset("""
mr. mrs. ms. dr. sen. sens. rep. reps. gov. gen. capt. rev. maj. sgt. adm. prof. lt. col. mr mrs ms
dr
""".split())
RECIPIENTS = frozenset("reporters journalists reuters him her them me us".split())
STATEMENT = re.compile(r"\s+(?:in|on)\s+(?:a|an|the|its|his|her|their)\s+(?:\w+\s+)?"
                        r"(?:statement|interview|tweet|post|letter|email|release)\b", re.I)
RECIPIENT_NAME = re.compile(r"\s+((?:The\s+)?(?:[A-Z][\w.&'’-]*\s+){0,3}[A-Z][\w.&'’-]*)")


def _load_reporting() -> frozenset[str]:
    """Reporting and attitude verbs in every form: the hand-written half of the lexicon."""
    text = resources.files("qa").joinpath("data/reporting_verbs.txt").read_text("utf-8")
    lines = (line.strip() for line in text.splitlines())
    return frozenset(line for line in lines if line and not line.startswith("#"))


REPORTING: frozenset[str] = _load_reporting()


@dataclass(slots=True)
class Token:
    """A word or punctuation mark of a sentence, with its offsets in the sentence text."""

    start: int
    end: int
    text: str
    lower: str


@dataclass
class Found:
    """One attribution inside a sentence, as spans, before resolution."""

    source: Span | None  # None: the source is not in the sentence
    cue: Span
    content: Span | None
    antecedent: str = ""  # what a relative pronoun source ("who") stands for


def tokenize(text: str) -> list[Token]:
    """Words (keeping "U.S." and "don't" whole) and single punctuation marks: the matches of
    `_TOKEN`, with their offsets."""
    parts = _SPACED_TOKEN.split(text)
    offsets = list(accumulate(map(len, parts)))
    words = parts[2::3]
    return list(map(Token, offsets[1::3], offsets[2::3], words, map(str.lower, words)))


def is_quote(text: str) -> bool:
    return text in QUOTES or text in OPEN_QUOTES or text in CLOSE_QUOTES  # QUOTES has '' and ``


def inside_quote(toks: list[Token], i: int) -> bool:
    """Whether token `i` lies inside a quotation opened earlier in the sentence."""
    return quote_depths(toks[:i + 1])[i]


def quote_depths(toks: list[Token]) -> list[bool]:
    """For each token, whether it lies inside a quotation opened before it (as inside_quote).

    A straight quote (or `''`) right after a word and not before one closes ("right," the
    senator said), one before a word and not after one opens; otherwise it toggles. A sentence
    that ends a quotation opened in an earlier sentence ("... right," the senator said.) thus
    leaves its cue outside the quotation, where toggling put it inside."""
    out = []
    depth = 0
    last = len(toks) - 1
    for k, t in enumerate(toks):
        out.append(depth > 0)
        if t.text == "“" or t.text == "``":
            depth += 1
        elif t.text == "”":
            depth = max(0, depth - 1)
        elif t.text == '"' or t.text == "''":
            glued_left = k > 0 and toks[k - 1].end == t.start and toks[k - 1].text not in _OPENERS
            glued_right = k < last and toks[k + 1].start == t.end
            if glued_left and not glued_right:
                depth = 0
            elif glued_right and not glued_left:
                depth = max(depth, 1)
            else:
                depth = 0 if depth else 1
    return out


_OPENERS = frozenset("([{—–-")


def extend_left(toks: list[Token], i: int) -> int:
    """Take in auxiliaries, negation and adverbs just before the cue word."""
    a = i
    while a > 0 and toks[a - 1].lower in VERB_GROUP and i - a < 4:
        a -= 1
    return a


def char_span(toks: list[Token], a: int, b: int) -> Span:
    return (toks[a].start, toks[b - 1].end)
