"""The subject noun phrase to the left of a cue: "The Syrian Observatory for Human Rights, a
war monitor, said" gives the whole phrase with its appositive.

The cue model asks for it too (whether a subject is found, and of which kind, is one of its
features), so it sits below both the cues and the sources.
"""
from __future__ import annotations

from .model import CueModel
from .tokens import (
    ADVERBS, AUX, CLAUSE, CLOSE_QUOTES, DETERMINERS, extend_left, FUNCTION, is_quote,
    NAME_PARTICLES, NEG, OPEN_QUOTES, PERSON_WORDS, PREPOSITIONS, PRONOUNS, PUNCT_STOP, QUOTES,
    RELATIVE, REPORTING, SUBJECT_PRONOUNS, TIME_WORDS, Token, VERB_GROUP)


# The last sentence's subjects found, by position: the cue model asks for the subject of a
# candidate (cues.subject_kind) and the source step for the same one again (sources.attach).
# Keyed by the token list itself (held, so never mistaken for another; never changed after
# tokenize), replaced as one tuple, so threads attributing at once only miss.
_LAST: tuple[list[Token] | None, dict[int, tuple[int, int] | None]] = (None, {})


def np_left(toks: list[Token], a: int, depth: int = 0) -> tuple[int, int] | None:
    """The subject noun phrase ending just before token `a`, with an appositive if any.

    An adjunct between subject and verb is stepped over, because news puts them there often:
    "X, in an interview, said", "X, however, said", "allies have in the past said",
    "Carson and Fiorina have all said".
    """
    if depth:
        return _np_left(toks, a, depth)
    global _LAST
    last = _LAST
    if last[0] is not toks:
        last = _LAST = (toks, {})
    found = last[1]
    if a not in found:
        found[a] = _np_left(toks, a, 0)
    return found[a]


def _np_left(toks: list[Token], a: int, depth: int) -> tuple[int, int] | None:
    end = a
    if end > 0 and toks[end - 1].text == ",":
        return _comma_subject(toks, end - 1)
    start = segment_left(toks, end)
    if start is None:
        return None
    if depth < 2 and _is_adjunct(toks, start, end) and start > 0 and (
            toks[start - 1].text == "," or toks[start - 1].lower in VERB_GROUP):
        return np_left(toks, extend_left(toks, start), depth + 1)
    if start > 0 and toks[start - 1].lower in RELATIVE and all(
            t.lower in TIME_WORDS or t.lower in ADVERBS for t in toks[start:end]):
        return (start - 1, start)  # "Liedtke, who earlier said": the source is "who"
    if start > 1 and toks[start - 1].text[:1].islower() and toks[start - 1].lower.endswith("ed") \
            and all(t.lower in TIME_WORDS for t in toks[start:end]):
        head = segment_left(toks, start - 1)  # "New polls released Sunday show"
        if head is not None and _subject_like(toks, head, start - 1):
            start = head
    if start > 1 and toks[start - 1].lower in RELATIVE and toks[start - 2].text != ",":
        head = segment_left(toks, start - 1)  # "sources who reviewed them told POLITICO"
        if head is not None and _subject_like(toks, head, start - 1):
            start = head
    # "visiting U.S. Agriculture secretary Richard Lyng told", "leading Democrats have said": a
    # participle used as an adjective before a name is kept in the source (not "including X",
    # "featuring X": those take an object); the rest must be a subject
    modifier = toks[start].lower in _PARTICIPLE_ADJECTIVES and end - start > 1 \
        and toks[start + 1].text[:1].isupper()
    end = _drop_trailing_time(toks, start, end)
    if not is_subject(toks, start + modifier, end):
        return None
    name = _name_before_appositive(toks, start)
    return (name if name is not None else start, end)


_PARTICIPLE_ADJECTIVES = frozenset("""
visiting leading outgoing incoming ranking ruling governing retiring reigning presiding founding
sitting departing remaining
""".split())
_APPOSITIVE_TITLES = frozenset("""
a an the chief senior vice deputy executive managing general former acting assistant head
""".split())
_DISCOURSE = frozenset("""
however meanwhile still instead also but and yet earlier later separately nevertheless moreover
today yesterday now then thus
""".split())


def _name_before_appositive(toks: list[Token], start: int) -> int | None:
    """"Jim Miller, president of NAWG said": wire copy often drops the comma that closes an
    appositive, so the phrase before the verb is the title; the name before it is the subject's
    head and is taken with it."""
    if start < 2 or toks[start - 1].text != ",":
        return None
    first = toks[start]
    if not first.text[:1].islower() or not (first.lower in PERSON_WORDS
                                            or first.lower in _APPOSITIVE_TITLES):
        return None
    head = segment_left(toks, start - 1)
    if head is None or start - 1 - head > 5 or toks[head].lower in _DISCOURSE \
            or (head > 0 and toks[head - 1].lower in CLAUSE):
        return None
    for t in toks[head:start - 1]:
        if not (t.text[:1].isupper() or t.lower in NAME_PARTICLES):
            return None
        if t.lower in _DISCOURSE or t.lower in PREPOSITIONS or t.lower.endswith("ly"):
            return None
    return head



_FLOATING = frozenset("all both each also however though too meanwhile instead".split())


def _is_adjunct(toks: list[Token], start: int, end: int) -> bool:
    """A phrase that sits between a subject and its verb, not a subject itself: a
    prepositional phrase ("in the past"), an adverb ("barely", "however") or a floating
    quantifier ("all")."""
    first = toks[start]
    if first.text[:1].isupper():
        return False
    if first.lower in PREPOSITIONS and first.lower not in ("like", "than", "as"):
        return True
    return all(t.lower in _FLOATING or t.lower in ADVERBS or t.lower.endswith("ly")
               for t in toks[start:end])


def _comma_subject(toks: list[Token], comma: int) -> tuple[int, int] | None:
    """The subject before one or more parentheticals ending in the comma at `comma`.

    "Robert Peck, an analyst at SunTrust, said", "Ramil Carr, 31, a photographer, said": the
    name with its appositives (PolNeAR takes appositives and relative clauses into the
    source); "Mr. Trump, in an interview, said", "Clinton, however, said", "Judge McKeague,
    writing for the majority, said": the name alone, the parenthetical being an adjunct. The
    leftmost phrase that can be a subject wins ("Mr. Slinker, whose start-up, Paradata, uses
    big data, said")."""
    commas = []
    c = comma
    while len(commas) < 4:
        c1 = _previous_comma(toks, c)
        if c1 is None or comma - c1 > 40:
            break
        commas.append(c1)
        c = c1
    for c1 in reversed(commas):
        head = segment_left(toks, c1)
        if head is None or c1 - head > 8 or not is_subject(toks, head, c1) \
                or not _subject_like(toks, head, c1) \
                or (head > 0 and toks[head - 1].text in _COORDINATORS):
            continue  # "... ice-crusting and winterkill, Jim Candor, said": not the subject
        first = toks[c1 + 1]
        if _reporting_relative(toks, c1 + 1, comma):
            return (head, c1)
        if c1 == commas[0] and first.text[:1].islower() and (
                first.lower in PREPOSITIONS or first.lower in _FLOATING
                or first.lower in ADVERBS or first.lower.endswith(("ly", "ing", "ed"))
                or first.lower in CLAUSE):
            return (head, c1)
        return (head, comma)
    return _relative_appositive(toks, comma)


def _reporting_relative(toks: list[Token], k: int, end: int) -> bool:
    """A relative clause at token `k` that reports something itself ("Trump, who said last
    week that ..., told"): it has an attribution of its own, with "who" as source, and
    PolNeAR leaves it out of the main verb's source (about 70 to 40 on its training articles,
    where a clause without a reporting verb is kept in, 80 to 25)."""
    return toks[k].lower in RELATIVE and any(
        t.lower in REPORTING and t.text[:1].islower() for t in toks[k + 1:end])


def _previous_comma(toks: list[Token], comma: int) -> int | None:
    """The comma opening the parenthetical closed at `comma`, within 30 tokens and not across
    a quotation mark, a colon or a semicolon."""
    for k in range(comma - 1, max(0, comma - 30), -1):
        t = toks[k].text
        if t == ",":
            return k if k < comma - 1 else None
        if t in ";:" or is_quote(t) and not _possessive_mark(toks, k):
            return None
    return None


def _possessive_mark(toks: list[Token], k: int) -> bool:
    """The apostrophe at `k` closes a plural possessive ("Sanders’ campaign manager"), it
    is not a quotation mark."""
    return toks[k].text in ("’", "'") and 0 < k < len(toks) - 1 \
        and toks[k - 1].end == toks[k].start and toks[k - 1].lower.endswith("s") \
        and toks[k].end < toks[k + 1].start


def _subject_like(toks: list[Token], start: int, end: int) -> bool:
    """A phrase that can be a subject: a name, a noun phrase opened by a determiner or number,
    or a lone pronoun ("he declined" is a clause, not a subject)."""
    first = toks[start]
    if start > 0 and toks[start - 1].lower in _SUBORDINATORS and not (
            toks[start - 1].lower != "as" and (first.lower in DETERMINERS
                                              or first.text[:1].isupper())):
        return False  # "When asked, ...": a subordinate clause, not a subject (but "When the
        # F.B.I. director, James B. Comey, said ...": its subject is)
    if first.lower in _NUMBER_WORDS or first.lower in _NAME_ADJECTIVES and end - start > 1 \
            and toks[start + 1].text[:1].isupper():
        return True  # "two Republican members of Congress", "retired Gen. John Allen"
    if first.lower in PRONOUNS and not (first.lower in DETERMINERS and end - start > 1):
        return end - start == 1 and first.lower not in ("him", "her", "them")
    if first.lower in PREPOSITIONS or first.lower in CLAUSE or first.lower in TIME_WORDS:
        return False
    if ((first.lower in ADVERBS or first.lower.endswith("ly"))
            and (end - start == 1 or not toks[start + 1].text[:1].isupper())) \
            or (first.lower.endswith("ing") and end - start > 1
                and not toks[start + 1].text[:1].isupper()) \
            or (first.lower.endswith("ed") and end - start > 1
                and (toks[start + 1].lower in PREPOSITIONS
                     or toks[start + 1].lower in _QUESTION_WORDS)):
        return False  # "Also at the hearing, X said", "Speaking later, X said", "Asked to
        # comment, X told Reuters", "Asked whether ..., X said"
    if first.text[:1].isupper() or first.text[:1].isdigit() or first.lower in DETERMINERS:
        return True
    return end - start <= 3 and not any(t.lower.endswith(("ed", "ing")) or t.lower in REPORTING
                                        for t in toks[start:end])


_QUESTION_WORDS = frozenset("whether if what why how when where which who".split())
_NUMBER_WORDS = frozenset("two three four five six seven eight nine ten dozens hundreds".split())
_NAME_ADJECTIVES = frozenset("former retired longtime veteran".split())
_SUBORDINATORS = frozenset("""
when if as after before since until while because although though whereas where whether once
""".split())


def _relative_appositive(toks: list[Token], comma: int) -> tuple[int, int] | None:
    """"Dr. Connie Mariano, who as a Navy captain was ..., said": the name with its clause."""
    for k in range(comma - 1, max(1, comma - 40), -1):
        t = toks[k]
        if t.text in ";:" or is_quote(t.text) or t.text in "()":
            return None
        if t.lower in RELATIVE and toks[k - 1].text == ",":
            head = segment_left(toks, k - 1)
            if head is not None and toks[head].text[:1].isupper() and k - 1 - head <= 8 \
                    and toks[head].lower not in CLAUSE:
                return (head, k - 1) if _reporting_relative(toks, k, comma) else (head, comma)
            return None
    return None


def _matching_open(toks: list[Token], close: int) -> int | None:
    """Index of the "(" that the ")" at `close` closes, if near ("Paul Ryan (R-Wis.)")."""
    for k in range(close - 1, max(-1, close - 8), -1):
        if toks[k].text == "(":
            return k
    return None


def _drop_trailing_time(toks: list[Token], start: int, end: int) -> int:
    """"Trump this week also said": the time words are not part of the source."""
    k = end
    while k - 1 > start and toks[k - 1].lower in TIME_WORDS | DETERMINERS:
        k -= 1
    return k if k < end and toks[k - 1].lower not in DETERMINERS else end


def is_subject(toks: list[Token], start: int, end: int) -> bool:
    """A plausible subject: ends in a noun or pronoun and is not just function words."""
    last, first = toks[end - 1].lower, toks[start].lower
    if last in ("there", "here") and end - start > 1 and (
            toks[end - 2].text[:1].isupper() or toks[end - 2].lower.endswith("s")):
        return True  # "Polls there show", "Officials here said"
    if last in DETERMINERS or last in PREPOSITIONS or last in ("there", "to", "here"):
        return False
    if end - start == 1 and last in PRONOUNS:
        return True
    if first.endswith("ing") and toks[start].text[0].islower() and first not in ("king",):
        return False
    return any(t.lower not in FUNCTION and any(ch.isalpha() for ch in t.text)
               or t.text[:1].isdigit() for t in toks[start:end])


def segment_left(toks: list[Token], end: int, inside: bool = False) -> int | None:
    """Start of the noun phrase that ends at `end`: back to punctuation or a clause word.

    `inside` is for an appositive, which may hold a verb form ("part of the alliance supporting
    X"); a subject stops at one ("Trump mocked Rubio and said").
    """
    k = end
    while k > 0:
        t = toks[k - 1]
        if t.text == ")":
            opening = _matching_open(toks, k - 1)
            if opening is not None:
                k = opening
                continue
        if t.text in ("’", "'") and 2 <= k < end and toks[k - 2].end == t.start \
                and toks[k - 2].lower.endswith("s") and t.end < toks[k].start:
            k -= 1  # "Sanders’ campaign": a possessive, not a closing quote
            continue
        if t.lower in _COORDINATORS and k < end:
            j = _left_conjunct(toks, k - 2) if k >= 2 else None
            if j is not None:
                k = j  # "The Securities and Exchange Commission", "officials and economists"
                break
        if t.text in PUNCT_STOP or t.text in QUOTES or t.text in OPEN_QUOTES \
                or t.text in CLOSE_QUOTES or t.lower in CLAUSE or t.lower in AUX \
                or t.lower in NEG:
            break
        if t.lower in RELATIVE:
            if k == end:
                k -= 1  # "who said": the relative pronoun is the source
            break
        if end - k >= 14:
            return None
        if not inside and k < end and t.lower in REPORTING and not t.text[0].isupper():
            break
        k -= 1
    if k == end:
        return None
    if not any(any(ch.isalnum() for ch in toks[j].text) for j in range(k, end)):
        return None  # ("47% say", "About 4 in 10 say": figures are subjects too)
    return k


def after_what(toks: list[Token], a: int) -> tuple[int, int] | None:
    """"in what officials called", "displaying what many analysts said": the subject after
    "what" right before the cue (the left scan runs past "what"; the cue model's subject
    features keep that scan: stopping it there lowered Cue F1 on held-out training articles)."""
    for k in range(a - 1, max(0, a - 6), -1):
        if toks[k].lower == "what":
            if k + 1 < a and is_subject(toks, k + 1, a) and _subject_like(toks, k + 1, a):
                return (k + 1, a)
            return None
        if toks[k].text in PUNCT_STOP or is_quote(toks[k].text) or toks[k].lower in CLAUSE:
            return None
    return None


def after_verb(toks: list[Token], src: tuple[int, int]) -> tuple[int, int] | None:
    """A "subject" opened by a verb after its auxiliary ("He has fielded sharp criticism",
    "have renewed Republican calls"): the left scan ran past the verb, and what it found are
    the modifiers of a noun cue, not its source. A name there is the noun's own ("Republican
    calls": "Republican"); otherwise there is no source (PolNeAR's training articles: wrong
    every time)."""
    s, e = src
    t = toks[s]
    if s == 0 or not t.text[:1].islower() or t.lower in _NAME_ADJECTIVES \
            or not (t.lower.endswith("ed") or t.lower in IRREGULAR_PAST) \
            or not (toks[s - 1].lower in AUX or toks[s - 1].lower in NEG
                    or toks[s - 1].lower in RELATIVE):
        return src
    if e - s > 1 and toks[s + 1].text[:1].isupper():
        return (s + 1, e)
    return None


_COORDINATORS = frozenset(("and", "or", "nor"))
# Common irregular past tenses, which end a subject as "-ed" does ("The mayor met ...").
IRREGULAR_PAST = frozenset("""
met won made took gave went came got saw held led left kept brought thought found became began
ran sent spent stood wrote spoke drew knew felt put set lost paid sold built fought struck hit
chose broke rose fell grew threw wore bore sought caught taught meant heard read sat
""".split())


def _left_conjunct(toks: list[Token], last: int) -> int | None:
    """Start of the noun phrase ending at token `last` that "and"/"or"/"nor" joins to the
    subject after it ("The Securities and Exchange Commission", "ICO delegates and traders",
    "Naylor and Beesley"), or None when what precedes the conjunction is a clause ("prices
    fell and dealers said", "was announced at 96 pct and dealers said")."""
    k = last + 1
    while k > 0 and last + 1 - k < 8:
        t = toks[k - 1]
        if t.text in PUNCT_STOP or is_quote(t.text) or t.lower in CLAUSE \
                or t.lower in RELATIVE:
            break
        if t.lower in AUX or t.lower in NEG:
            return None
        k -= 1
    if k > last or (k > 0 and last + 1 - k >= 8):
        return None
    first = toks[k]
    if first.lower in PREPOSITIONS or first.lower in TIME_WORDS:
        return None
    for t in toks[k:last + 1]:
        if t.text[:1].islower() and (t.lower.endswith(("ed", "ing")) or t.lower in IRREGULAR_PAST
                                     or t.lower in REPORTING):
            return None
        if t.lower in PRONOUNS and t.lower not in SUBJECT_PRONOUNS \
                and t.lower not in ("his", "her", "their", "its"):
            return None
    if not any(ch.isalpha() for ch in toks[last].text) or toks[last].lower in FUNCTION \
            or toks[last].lower in ADVERBS or toks[last].lower in _WH:
        return None
    return k


_WH = frozenset("how why what when where whether who which".split())


def coordinated(toks: list[Token], k: int, a: int, model: CueModel) -> bool:
    """Token `k` is "and"/"or" joining another noun phrase to the subject ("X and his
    aides", "Y and Hillary Clinton"), not a second clause ("X met Y and said")."""
    if k + 1 >= a or toks[k].lower not in ("and", "or"):
        return False
    t = toks[k + 1]
    if t.lower in DETERMINERS or t.lower in ("other", "another", "both"):
        return True
    if is_quote(t.text) or not t.text[:1].isalpha() or t.lower in PRONOUNS or t.lower in AUX \
            or t.lower in NEG or t.lower in CLAUSE or t.lower in PREPOSITIONS \
            or t.lower in ADVERBS or t.lower in RELATIVE:
        return False
    if t.text[:1].isupper():
        return True
    return not (t.lower.endswith(("ed", "ly", "ing")) or t.lower in model.candidates
                or t.lower in IRREGULAR_PAST)
