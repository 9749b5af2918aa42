"""The source of each cue: the subject before it, the inverted subject after it (", said a
spokesman"), the phrase after "according to", or the subject of the clause for a participle
(", adding that", in `clause_subjects`); and, with the source found, the cue's content.
Subjects the left scan refuses are found again, and their edges repaired, in `subject_repairs`.
"""
from __future__ import annotations

import re

from .tokens import (
    ADVERBS, BE, char_span, CLOSE_QUOTES, DETERMINERS, extend_left, Found, FUNCTION, is_quote,
    PARTICIPLE_ENDINGS, PREPOSITIONS, PRONOUNS, QUOTES, RECIPIENT_NAME, RECIPIENTS, RELATIVE,
    STATEMENT, SUBJECT_PRONOUNS, TIME_WORDS, Span, Token)
from .subjects import after_verb, after_what, IRREGULAR_PAST, is_subject, np_left, segment_left
from .inverted import np_right, with_appositive, with_restrictive
from .content import according_content, after_span, before_span, cue_content
from .cues import alone, credit_line, speaker_label
from .model import CueModel
from .not_reports import appointment, securities_issue
from .passives import NOT_MINE, PARTICIPLES, sourceless
from .subject_repairs import (
    past_auxiliary, possessor, refused_subject, whole_figure, without_adjunct)
from .clause_subjects import after_opening_clause, clause_subject
from .statements import issued_statement


def attach(text: str, toks: list[Token], a: int, b: int, head: int,
           earlier: list[Found], score: float, model: CueModel) -> Found | None:
    """Find the source of cue [a, b) and build the attribution.

    Without a source the cue is kept, with an empty source span, only when the model is
    confident (`score >= model.alone`); otherwise None.
    """
    word = toks[head].lower
    issued = issued_statement(toks, head)
    if issued is not None:
        a, b = issued  # "The town released a statement Wednesday saying": the town's
    cue_end = _cue_end(text, toks, b, word)
    if word in "―—–":
        name = credit_line(text, toks, head)
        if name is None:
            return None
        return Found(char_span(toks, *name), (toks[head].start, toks[head].end),
                      before_span(text, toks, head))
    if word == ":":
        label = speaker_label(toks, head)
        if label is None:
            return None
        return Found(char_span(toks, *label), (toks[head].start, toks[head].end),
                      after_span(text, toks[head].end))
    if word == "according":
        src = np_right(toks, b, model)
        if src is None:
            return alone(text, toks, a, cue_end, score, model)
        src = with_restrictive(toks, src)  # "according to members who spoke with reporters"
        return Found(char_span(toks, *src), (toks[a].start, toks[b - 1].end),
                      according_content(text, toks, a, src))
    found = sourceless(text, toks, a, b, head, cue_end, model, score)
    if found is not NOT_MINE:
        return found  # a passive, "seems", "Asked ...": the subject is not the source
    if word.endswith("s") and a == head and a > 0 and (
            toks[a - 1].text == ")" or toks[a - 1].text[:1].isdigit()):
        return None  # "(MOC) orders", "911 calls": a noun after a bracket or a number
    if appointment(toks, head, b) or securities_issue(toks, head, b):
        return None  # "the board has appointed Jane Roe to the post", "is issuing a 100 mln
        # dlr eurobond": acts, not statements
    if word.endswith(PARTICIPLE_ENDINGS) and (a == 0 or a == 1 and toks[0].lower in _OPENERS):
        # "Citing the SEC's concern, Ketchum asked", "While saying that ..., he continued"
        src = after_opening_clause(toks, b, model)
        if src is not None:
            return Found(char_span(toks, *src), (toks[a].start, cue_end),
                         after_span(text, cue_end))
    src = after_what(toks, a) or refused_subject(toks, a, _dated(toks, np_left(toks, a), a))
    antecedent = ""
    if src is not None and src[1] - src[0] == 1 and toks[src[0]].lower in RELATIVE:
        antecedent = _antecedent(text, toks, src[0])
    participle = a > 0 and word.endswith(PARTICIPLE_ENDINGS) and (
        toks[a - 1].text == "," or toks[a - 1].lower in _GERUND_OPENERS
        or a > 1 and toks[a - 2].text == "," and (toks[a - 1].text in CLOSE_QUOTES
                                                  or toks[a - 1].text in QUOTES))
    # (a comma inside the closing quote: 'hailed the vote as "fantastic," telling reporters')
    shared = a > 0 and toks[a - 1].lower in ("and", "but") or participle \
        or _series(toks, a, b, word, earlier)
    if shared and (src is None or participle):
        # "..., adding that", "... by saying", "X mocked Y and said": the clause's subject
        if earlier and earlier[-1].source is not None:
            prev = earlier[-1]
            return Found(prev.source, (toks[a].start, cue_end), after_span(text, cue_end),
                          prev.antecedent)
        src = clause_subject(toks, a, model)
    if src is None and a > 1 and toks[a - 1].lower == "to":
        src = _chain_subject(toks, a - 1)
    inverted = False
    if src is None and _may_invert(toks, a) and not (b < len(toks) and toks[b].lower in PRONOUNS):
        src = np_right(toks, b, model)  # ", said he was" is the content's subject, not an inversion
        inverted = src is not None
        if inverted:
            src = with_restrictive(toks, with_appositive(toks, src))
    if src is None and score >= model.alone:
        src = possessor(toks, a, head)  # a cue kept without a source anyway: its possessor
    if src is None:
        if a == head == 0 and word.endswith("s") and toks[1].lower in PREPOSITIONS:
            return None  # "Calls for a rescheduling ... have come": a noun, no one's statement
        return alone(text, toks, a, cue_end, score, model)
    if not inverted and not antecedent:
        src = _postmodified(toks, after_verb(toks, _trim_source(toks, src)))
        subject = past_auxiliary(toks, src)
        if subject is None and src is not None:  # a predicate, and no subject before it: the
            return Found(None, (toks[a].start, cue_end), after_span(text, cue_end))  # cue alone
        src = without_adjunct(toks, whole_figure(toks, subject)) if subject is not None else None
    if src is None or not _can_speak(toks, src) \
            and not (src == (a - 1, a) and toks[src[0]].lower in _QUANTIFIERS):
        return alone(text, toks, a, cue_end, score, model)
    source = _source_span(text, toks, src)
    content = cue_content(text, toks, a, b, cue_end, src, inverted)
    return Found(source, (toks[a].start, cue_end), content, antecedent)


# Nouns of polls, studies and documents, which speak with their date ("a poll last week").
_DOCUMENTS = frozenset("""
poll polls survey surveys report reports study studies analysis data figures estimate estimates
research article document documents filing filings disclosures records lawsuit memo
""".split())


def _dated(toks: list[Token], src: tuple[int, int] | None, a: int) -> tuple[int, int] | None:
    """A poll's or a document's subject with the time words the subject scan left out ("A
    Quinnipiac University poll this month found", "The report published Tuesday showed"):
    PolNeAR's training articles keep them inside such sources 26 times to 2, and outside a
    person's or a body's ("Trump on Tuesday said") 54 times to 8."""
    if src is None or src[1] >= a:
        return src
    s, e = src
    k = e
    while k < a and (toks[k].lower in TIME_WORDS or toks[k].lower in DETERMINERS):
        k += 1
    if k == e or extend_left(toks, a) != k and k != a:
        return src
    if any(t.lower in _DOCUMENTS or t.text[:1].islower() and t.lower.endswith(("ed", "ing"))
           for t in toks[s + 1:e]):
        return (s, k)
    return src


def _postmodified(toks: list[Token], src: tuple[int, int] | None) -> tuple[int, int] | None:
    """"People briefed on the situation say": the scan stopped at the participle, leaving
    "on the situation"; the source is the noun phrase the participle modifies, with it."""
    if src is None or src[0] < 2 or toks[src[0]].lower not in PREPOSITIONS:
        return src
    verb = toks[src[0] - 1]
    if not verb.text[:1].islower() or not verb.lower.endswith("ed"):
        return src
    head = segment_left(toks, src[0] - 1)
    ok = head is not None and is_subject(toks, head, src[0] - 1) \
        and toks[head].lower not in RELATIVE
    return (head, src[1]) if ok else src


_OBJECTS = frozenset("him her them us me".split())


def _chain_subject(toks: list[Token], to: int) -> tuple[int, int] | None:
    """The source of a cue in a verb chain: "Sanders has begun to rebut", "went on to
    explain", "moved to emphasize" take the subject of the first verb; "led her to declare",
    "urged them to say" take the object pronoun."""
    j = to - 1
    while j > 0 and toks[j].lower in ("on", "as", "far", "so", "up"):
        j -= 1  # "went on to", "went so far as to"
    t = toks[j]
    if t.lower in _OBJECTS:
        return (j, j + 1)
    if not t.text[:1].islower() or not t.text.isalpha() or t.lower in FUNCTION \
            or t.lower in PREPOSITIONS or t.lower in DETERMINERS or j == 0:
        return None
    if toks[j - 1].lower in DETERMINERS or toks[j - 1].lower in PREPOSITIONS:
        return None  # "the decision to", "a plan to": a noun, not a verb
    return np_left(toks, extend_left(toks, j))


def _cue_end(text: str, toks: list[Token], b: int, word: str) -> int:
    """Where the cue ends in characters, taking a recipient and "in a statement" with it."""
    end = toks[b - 1].end
    if word in ("told", "tells", "tell", "telling"):
        m = RECIPIENT_NAME.match(text, end)
        if b < len(toks) and toks[b].lower in RECIPIENTS:
            end = toks[b].end  # "told Reuters Finance Secretary Jaime Ongpin had decided"
        elif m and not _after_is_verbish(text, m.end()):
            end = m.end()
            if text[end - 1] == "." and "." not in m.group(1).split()[-1][:-1]:
                end -= 1  # "told Reuters.": the full stop ends the sentence
    m = STATEMENT.match(text, end)
    if m:
        end = m.end()
    return end


def _after_is_verbish(text: str, pos: int) -> bool:
    """A recipient name must not swallow the subject of the reported clause ("told X Y said")."""
    rest = text[pos:pos + 20].lstrip()
    return rest[:1] in ("'", "’") or rest.lower().startswith(("is ", "was ", "has ", "had "))


def _may_invert(toks: list[Token], a: int) -> bool:
    """", said a spokesman" or "“...,” said X": a cue right after punctuation or quote."""
    if a == 0:  # "Says the senator: ...", not "Calls for a rescheduling ... have come"
        return a + 1 < len(toks) and toks[a + 1].lower not in PREPOSITIONS
    prev = toks[a - 1].text
    return prev in (",", ":") or prev in QUOTES or prev in CLOSE_QUOTES \
        or prev == "'" and a > 1 and toks[a - 2].text == "''"  # "... country,''' said X"


_OPENERS = frozenset("while after before by in since without when upon".split())
_OBJECT_WORDS = frozenset("that him her them it his its their".split())


def _series(toks: list[Token], a: int, b: int, word: str, earlier: list[Found]) -> bool:
    """A verb in a series after a comma shares the subject of the sentence's earlier cue
    ("He suggested ..., called her “third-rate” and boycotted", "She urged ..., proposed
    that ..."): the cue is a past or present tense followed by its object, not an inverted
    cue (", added Smith")."""
    if a < 1 or toks[a - 1].text != "," or not earlier or earlier[-1].source is None \
            or b >= len(toks) or not word.endswith(("ed", "s")) or word.endswith("ing"):
        return False
    nxt = toks[b]
    return nxt.lower in _OBJECT_WORDS or is_quote(nxt.text)


_GERUND_OPENERS = frozenset("by before after while without when since in".split())


def _antecedent(text: str, toks: list[Token], rel: int) -> str:
    """For "X, who said": the phrase X before the comma."""
    end = rel - 1 if rel > 0 and toks[rel - 1].text == "," else rel
    start = segment_left(toks, end)
    if start is None:
        return ""
    while start < end - 1 and toks[start].lower in PREPOSITIONS:
        start += 1  # "backed by Ann Weiss, who said": the antecedent is the name
    if end == rel:  # no comma: "viewed with concern by some members who fear"
        for k in range(end - 2, start - 1, -1):
            t = toks[k]
            if t.lower in PREPOSITIONS or t.text[:1].islower() and t.lower.endswith(("ed", "ing")):
                start = k + 1
                break
    return text[toks[start].start:toks[end - 1].end]


# Words that open a clause before its subject rather than belong to it ("Then DuPont said",
# "Still he said", "how Paul Ryan described").
_LEADING = frozenset("""
then even thus how what still now so also yet meanwhile indeed perhaps maybe why instead however
besides
""".split())
_THATS = frozenset("that’s that's this’s here’s here's".split())
_NOT_ADVERBS = frozenset("family assembly supply ally rally daily weekly monthly italy".split())


_NOT_NOUNS = frozenset("""
most more less better worse best many much few some such other another own same
""".split())


# Quantifiers that stand for people right before their verb ("as some have speculated",
# "most said they were worried"); elsewhere they are not sources ("the most").
_QUANTIFIERS = frozenset("some many most few several both all another".split())


def _can_speak(toks: list[Token], src: tuple[int, int]) -> bool:
    """A source is a noun phrase or pronoun, something that can say or publish: not a lone
    verb form, adverb or quantifier ("decided", "suggesting", "better", "most")."""
    words = [t for t in toks[src[0]:src[1]] if t.text not in "()"]
    if src[0] < src[1] and toks[src[0]].text == "(" and toks[src[1] - 1].text == ")":
        return False  # "(MOC) orders": a bracketed abbreviation, not a speaker
    first = toks[src[0]].lower
    if toks[src[0]].text[:1].islower() and (first in IRREGULAR_PAST or first in PARTICIPLES
                                            or first.endswith("en") and len(first) > 4
                                            and first not in ("women", "citizen", "citizens")):
        return False  # "have taken positions parallel with": a verb phrase, not a subject
    return any(t.text[:1].isupper() or t.text[:1].isdigit() or t.lower in PRONOUNS
               or t.lower in RELATIVE
               or not (t.lower.endswith(("ed", "ing", "ly")) or t.lower in ADVERBS
                       or t.lower in FUNCTION or t.lower in _NOT_NOUNS
                       or not t.text[:1].isalpha())
               for t in words)



def _trim_source(toks: list[Token], src: tuple[int, int]) -> tuple[int, int]:
    """The subject without what the left scan took in around it: an opening adverb or
    wh-word, the noun a pronoun subject follows ("The only regret he acknowledged"), trailing
    adverbs ("Trump notably said") and a verb after a name ("Christie unleashed withering
    criticism")."""
    s, e = src
    for j in range(e - 2, s, -1):
        if toks[j].lower == "what" and (toks[j - 1].lower in BE or toks[j - 1].lower in _THATS):
            s = j + 1  # "That’s what my friend Andy McCarthy wrote": the subject follows
            break
    while e - s > 1 and (toks[s].lower in _LEADING or not toks[s].text[:1].isalnum()):
        s += 1
    if e - s > 1 and (toks[s].lower in SUBJECT_PRONOUNS or _CONTRACTED.fullmatch(toks[s].text)) \
            and toks[s + 1].lower not in ("and", "or"):
        return (s, s + 1)  # "he sent out in 2013", "he’s changed": the pronoun is the subject
    if e - s > 1 and toks[e - 1].lower in _REFLEXIVE:
        e -= 1  # "Obama himself said"
    if toks[s].lower in PREPOSITIONS and e - s > 1 and toks[e - 1].text[:1].isupper():
        k = e - 1  # "In a statement Rostenkowski said": the name after the opening phrase
        while k > s and toks[k - 1].text[:1].isupper():
            k -= 1
        if k > s + 1:
            s = k
    if e - s > 1 and toks[e - 1].lower in SUBJECT_PRONOUNS:
        return (e - 1, e)
    while e - s > 1 and toks[e - 1].text[:1].islower() and (
            toks[e - 1].lower.endswith("ly") and len(toks[e - 1].text) > 4
            and toks[e - 1].lower not in _NOT_ADVERBS or toks[e - 1].lower in _FLOATING):
        e -= 1  # "Trump notably", "The governor first", "Richards and Menendez both"
    for j in range(s + 1, e):
        w = toks[j]
        if w.text[:1].islower() and (w.lower.endswith("ed") or w.lower in IRREGULAR_PAST) \
                and toks[j - 1].text[:1].isupper() and toks[j - 1].lower not in DETERMINERS:
            return (s, j)
    return (s, e)


_CONTRACTED = re.compile(r"(?i)(he|she|it|they|we|i|you)['’](?:s|re|ll|d|ve|m)")
_TIMESTAMP = re.compile(r"\d{1,2}[AP]M")
_REFLEXIVE = frozenset("himself herself themselves itself".split())
_FLOATING = frozenset("first both also all too".split())


def _source_span(text: str, toks: list[Token], src: tuple[int, int]) -> Span:
    """Characters of the source: a pronoun without its contracted verb ("He’s" -> "He"), and
    an appositive with the comma that closes it, as PolNeAR marks it ("Dean Johnson, a
    salesman from Sumter, said" -> "Dean Johnson, a salesman from Sumter,")."""
    start, end = char_span(toks, *src)
    m = _CONTRACTED.fullmatch(toks[src[0]].text)
    if m:
        return (start, start + len(m.group(1)))
    first = toks[src[0]]
    if first.text.isdigit() and src[1] - src[0] > 1 \
            and "\n" in text[first.end:toks[src[0] + 1].start]:
        start = toks[src[0] + 1].start  # "2\nSalma Hayek Described ...": a list's number
    m = _TIMESTAMP.match(first.text)
    if m:  # "9:35PMChris Christie", "9:09PM Ted Cruz": a live blog's time stamp, not the name
        rest = first.text[m.end():]
        if rest[:1].isupper():
            start = first.start + m.end()
        elif not rest and src[1] - src[0] > 1:
            start = toks[src[0] + 1].start
    if src[1] < len(toks) and toks[src[1]].text == "," \
            and any(t.text == "," for t in toks[src[0]:src[1]]):
        end = toks[src[1]].end
    return (start, end)
