"""Subjects the left scan (`subjects.np_left`) refuses, cuts short or runs too long, repaired
where the source is chosen: the cue model's subject features read that scan, so changing the
scan itself would change the model's inputs (and has cost Cue F1 when tried). Each case was
found on PolNeAR's training articles and kept if it helped on their held-out fifth.
"""
from __future__ import annotations

from .subjects import is_subject, np_left, segment_left
from .tokens import (
    AUX, DETERMINERS, extend_left, is_quote, NEG, PUNCT_STOP,
    MONTHS, SUBJECT_PRONOUNS, TIME_WORDS, Token)

_COMPARATIVES = frozenset("more fewer less".split())


def refused_subject(toks: list[Token], a: int, src: tuple[int, int] | None
                    ) -> tuple[int, int] | None:
    """The source of the cue at token `a` where the scan found `src`: a noun phrase with its
    restrictive relative clause ("people who have battled other online threats say": the
    scan stops at "have" and finds "battled other online threats", or nothing), or, where it
    found nothing, a subject pronoun right before the cue ("..., at the town hall this week
    she said": the scan took the phrase for an adjunct between a subject and its verb)."""
    if src is None or src[0] > 0 and (toks[src[0] - 1].lower in AUX
                                       or toks[src[0] - 1].lower in NEG):
        whole = _restrictive(toks, a)
        if whole is not None:
            return whole
    if src is None and a > 0 and toks[a - 1].lower in SUBJECT_PRONOUNS:
        return (a - 1, a)
    if src is None and a > 1 and toks[a - 1].text in _DASHES:
        return _before_dashes(toks, a - 1)
    return src


_DASHES = frozenset(("—", "–", "-", "--"))
_POSSESSIVES = frozenset("his her their its".split())


def possessor(toks: list[Token], a: int, head: int) -> tuple[int, int] | None:
    """"his criticism", "their promise": a noun cue's possessive determiner is its source
    (PolNeAR's training articles: 134 times in 149; the clause's subject 2). Taken only for
    a cue confident enough to stand without a source: for the others a source would keep
    a cue the model doubts, which cost Cue precision on held-out training articles."""
    if a == head and a > 0 and toks[a - 1].lower in _POSSESSIVES \
            and not toks[head].lower.endswith(("ed", "ing")) \
            and toks[head].lower not in ("known", "shown", "seen", "given", "written", "told"):
        return (a - 1, a)
    return None


def _before_dashes(toks: list[Token], close: int) -> tuple[int, int] | None:
    """"Many speakers at the service — including Muslims, Christians — said": the subject
    before a parenthetical set off by dashes, with it (PolNeAR's spans end with the dash)."""
    dash = toks[close].text
    inner = close - 1 if dash == "-" and toks[close - 1].text == "-" else close  # "--"
    for k in range(inner - 1, max(0, inner - 40), -1):
        t = toks[k].text
        if is_quote(t) or t in ";:":
            return None
        if t == dash:
            if k == inner - 1:
                return None  # no parenthetical between the dashes
            if inner < close and k > 0 and toks[k - 1].text == "-":
                k -= 1
            head = segment_left(toks, k)
            if head is None or k - head > 10 or not is_subject(toks, head, k):
                return None
            first = toks[head]
            if not (first.text[:1].isupper() or first.text[:1].isdigit()
                    or first.lower in DETERMINERS):
                return None
            return (head, close + 1)
    return None


def _restrictive(toks: list[Token], a: int) -> tuple[int, int] | None:
    """"executives who have worked with Lachlan Murdoch say": the noun phrase, "who" right
    after it (no comma), and the clause up to the cue, which holds a verb group."""
    for k in range(a - 1, max(0, a - 16), -1):
        t = toks[k]
        if t.text in PUNCT_STOP or t.text in ".!?" or is_quote(t.text):
            return None
        if t.lower == "who":
            if k + 1 >= a or not (toks[k + 1].lower in AUX or toks[k + 1].lower in NEG):
                return None
            head = segment_left(toks, k)
            if head is None or k - head > 6 or not is_subject(toks, head, k):
                return None
            first = toks[head]
            if not (first.text[:1].isupper() or first.text[:1].isdigit()
                    or first.text[:1].islower() and first.text.isalpha()):
                return None
            return (head, a)
    return None


def past_auxiliary(toks: list[Token], src: tuple[int, int] | None) -> tuple[int, int] | None:
    """A "subject" that starts right after an auxiliary is the predicate of a noun cue ("has
    been particularly persistent in her criticism", "Trump has repeatedly made other public
    promises", "have become increasingly vocal about"): the source is the clause's subject
    before the auxiliary, or none."""
    if src is None or src[0] == 0:
        return src
    if all(t.lower in TIME_WORDS for t in toks[src[0]:src[1]]):
        # "Beck, who ..., last week said": the scan kept "last" of a time phrase
        return np_left(toks, src[0]) if toks[src[0] - 1].text == "," else None
    first = toks[src[0]]
    if not (toks[src[0] - 1].lower in AUX or toks[src[0] - 1].lower in NEG) \
            or not first.text[:1].islower() or first.lower in DETERMINERS \
            or first.lower in SUBJECT_PRONOUNS or first.lower in ("who", "which", "that"):
        return src
    verb = extend_left(toks, src[0])
    return np_left(toks, verb) if verb > 0 else None


def whole_figure(toks: list[Token], src: tuple[int, int]) -> tuple[int, int]:
    """A source opening with a figure, whole: "1,409 teachers" (the tokens split the number
    at its comma, which the scan stops at) and "More than half of respondents", "more than
    six in 10" (PolNeAR's sources keep the comparative)."""
    s, e = src
    while s >= 2 and toks[s].text.isdigit() and toks[s - 1].text == "," \
            and toks[s - 2].text.isdigit() and toks[s - 2].end == toks[s - 1].start \
            and toks[s - 1].end == toks[s].start:
        s -= 2
    if s >= 2 and toks[s - 1].lower == "than" and toks[s - 2].lower in _COMPARATIVES \
            and (toks[s].text[:1].isdigit() or toks[s].lower in _AMOUNTS):
        s -= 2
    return (s, e)


_AMOUNTS = frozenset("""
half a one two three four five six seven eight nine ten dozen dozens hundreds thousands
""".split())

# Phrases after a subject that say when or how, not who ("Trump at the time said", "Sanders
# late Monday acquiesced", "Lobbyists in general prefer", "Jeb Bush in a Medium post said").
_MANNER = frozenset("particular general public private part turn".split())
_SPOKEN_IN = frozenset("""
post speech interview statement letter tweet op-ed column memo email video address
""".split())
_DATED = frozenset("""
poll polls survey surveys report reports study studies ad ads program show letter statement
""".split())


def without_adjunct(toks: list[Token], src: tuple[int, int]) -> tuple[int, int]:
    """The subject without a time or manner phrase that ends it: "The mayor on Monday",
    "Trump at the time", "Party leaders long ago", "Sanders late Monday", "a judge in
    October", "Lobbyists in general", "Jeb Bush in a Medium post" (PolNeAR's sources leave
    them out). A place or body stays ("Republicans on Capitol Hill", "Democrats in
    Congress")."""
    s, e = src
    for j in range(s + 1, e):
        t = toks[j]
        if t.text == "," or t.lower in ("who", "which", "that") or t.text[:1].islower() \
                and t.lower.endswith(("ed", "ing")):
            return src  # "a veteran who retired in 2013", "the report issued earlier this year"
        if t.lower in _DATED:
            return src  # polls, documents and ads keep their date (see sources._dated)
        rest = [t.lower for t in toks[j + 1:e]]
        if t.lower in ("in", "on", "at", "during", "earlier", "later", "late", "long") \
                and _timely(t.lower, rest) and toks[j - 1].text[:1].isalnum():
            return (s, j)
    return src


def _timely(w: str, rest: list[str]) -> bool:
    """The words `rest` after `w` make a time or manner phrase."""
    if w == "long":
        return rest == ["ago"]
    if w in ("earlier", "later", "late"):
        return all(r in TIME_WORDS or r in MONTHS or r in ("the", "day") for r in rest)
    if not rest:
        return False
    if rest == ["the", "time"] or len(rest) == 1 and rest[0] in _MANNER:
        return True
    if rest[0] in ("a", "an", "his", "her", "their", "its") and rest[-1] in _SPOKEN_IN:
        return len(rest) <= 4
    return all(r in TIME_WORDS or r in MONTHS or r in ("the", "early", "late")
               or r.isdigit() and len(r) == 4 for r in rest)  # "in 2009", not "4 in 10"
