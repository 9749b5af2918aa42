"""The source after its cue: an inverted subject (", said Marvin Teske, 53, a security guard
at a Reno casino"), the phrase after "according to" and a passive's agent, each a noun phrase
that may be coordinated and, when inverted, runs on through its appositives as PolNeAR's
sources do.
"""
from __future__ import annotations

from .model import CueModel
from .subjects import coordinated
from .tokens import (
    AUX, CLAUSE, CLOSE_QUOTES, is_quote, NAME_LINKS, OPEN_QUOTES, PERSON_WORDS, PREPOSITIONS,
    PRONOUNS, PUNCT_STOP, QUOTES, RELATIVE, TIME_WORDS, Token)


def np_right(toks: list[Token], b: int, model: CueModel) -> tuple[int, int] | None:
    """The noun phrase starting at token `b` (inverted subject, or after "according to"),
    coordinations included ("exit polls reported by CNN and other networks")."""
    k, limit = b, 12
    while k < len(toks):
        t = toks[k]
        if k > b and coordinated(toks, k, len(toks), model):
            k, limit = k + 2, 18
            continue
        if t.text in PUNCT_STOP or t.text in ".!?" or t.text in QUOTES \
                or t.text in OPEN_QUOTES or t.text in CLOSE_QUOTES \
                or t.lower in CLAUSE or t.lower in AUX or t.lower in RELATIVE \
                or k > b and _medium(toks, k):
            break
        if k - b >= limit:
            return None
        k += 1
    if k == b or toks[b].lower in TIME_WORDS or toks[b].lower in PREPOSITIONS:
        return None
    if toks[b].lower in ("this", "the", "last", "next") and b + 1 < k \
            and toks[b + 1].lower in TIME_WORDS:
        return None  # "said this week ...": a time adjunct, not an inverted subject
    return (b, k)


_MEDIA = frozenset("""
statement statements interview interviews speech speeches tweet tweets post letter email release
address remarks appearance memo video op-ed column editorial essay
""".split())
_OWNERS = frozenset("a an the his her its their".split())


def _medium(toks: list[Token], k: int) -> bool:
    """"in a statement", "in his speech" at token `k`: how the source spoke, not part of it
    ("said Clinton campaign manager Robby Mook in a statement")."""
    if toks[k].lower not in ("in", "on") or k + 2 >= len(toks) \
            or toks[k + 1].lower not in _OWNERS:
        return False
    return any(t.lower in _MEDIA for t in toks[k + 2:k + 4])


def with_appositive(toks: list[Token], src: tuple[int, int]) -> tuple[int, int]:
    """An inverted subject with its bracketed party and appositives (", said Rep. Bobby Scott
    (D-Va.)", ", said Marvin Teske, 53, a security guard at a Reno casino"), each up to the
    next comma or the end of the sentence."""
    s, e = src
    if e < len(toks) and toks[e].text == "(":
        close = next((k for k in range(e + 1, min(len(toks), e + 8)) if toks[k].text == ")"),
                     None)
        if close is not None:
            e = close + 1
    parts = 0
    while e + 1 < len(toks) and toks[e].text == "," and (
            (_appositive_start(toks[e + 1]) or parts == 0 and _role_start(toks, e + 1))
            and (parts == 0 or toks[e - 1].text.isdigit() or toks[e + 1].lower in RELATIVE)
            or parts > 0 and _further_appositive(toks, e + 1)):
        parts += 1  # appositives, past an age, a place or into a relative clause (PolNeAR's)
        k = e + 1
        while k < len(toks) and toks[k].text not in (",", ";", ":", "!", "?") \
                and not is_quote(toks[k].text) and k - e < 25:
            k += 1
        if k - e >= 25:
            break
        end = k
        while end > e + 1 and toks[end - 1].text == "." \
                and toks[end - 2].text not in STATES:
            end -= 1  # the full stop ends the sentence, unless it ends "Fla." too
        e = end
        if end < k:
            break
    return (s, e)


def with_restrictive(toks: list[Token], src: tuple[int, int]) -> tuple[int, int]:
    """An inverted source with the restrictive relative clause right after it, no comma
    between ("said a senior official who spoke on the condition of anonymity", "according
    to members who spoke with reporters"), up to the next comma or the sentence's end."""
    s, e = src
    if e + 1 >= len(toks) or toks[e].lower != "who" or toks[e - 1].text == ",":
        return src
    k = e + 1
    while k < len(toks) and toks[k].text not in (",", ";", ":", "!", "?", "(", "—", "–") \
            and not is_quote(toks[k].text) and k - e < 30:
        k += 1
    if k - e >= 30:
        return src
    while k > e + 1 and toks[k - 1].text == ".":
        k -= 1
    return (s, k)


def _further_appositive(toks: list[Token], k: int) -> bool:
    """After a first appositive, another one that PolNeAR's inverted sources run on into: a
    description ("..., a policy and advocacy group"), a place ("..., Fla.", "of Jacksonville")
    or a name ("..., United Technologies"); not a new clause or an adjunct ("Teck wants",
    "referring to", "in a statement")."""
    t = toks[k]
    if t.lower in ("a", "an", "the", "another"):
        return True
    if t.lower == "of":
        k += 1
    words = []
    while k < len(toks) and toks[k].text not in (",", ";", ":", "!", "?", ".") \
            and not is_quote(toks[k].text) and len(words) < 6:
        words.append(toks[k])
        k += 1
    return bool(words) and words[0].text[:1].isupper() and all(
        w.text[:1].isupper() or w.lower in NAME_LINKS for w in words)


def _appositive_start(t: Token) -> bool:
    """A word that opens an appositive or relative clause after a name: "a", "53",
    "publisher", "who" (not a clause word or preposition)."""
    if t.lower in _APPOSITIVE_START or t.lower in PERSON_WORDS or t.lower in RELATIVE \
            or t.text[:1].isdigit() or t.lower in _PARTIES:
        return True  # "said Senator Joe Donnelly, Democrat of Indiana"
    return t.text[:1].islower() and t.text.isalpha() and t.lower not in CLAUSE \
        and t.lower not in PREPOSITIONS and t.lower not in PRONOUNS \
        and not t.lower.endswith(("ing", "ed"))


_ROLE_PARTICIPLES = frozenset("managing acting ranking presiding founding leading".split())


def _role_start(toks: list[Token], k: int) -> bool:
    """An appositive opened by a role the first test refuses: a hyphenated title
    ("co-director of ..."), a title opened by a participle ("managing director"), or a
    possessive name before a role ("Mrs. Clinton's communications director", "Obama's 2008
    campaign manager")."""
    t = toks[k]
    if t.text[:1].islower():
        parts = t.text.split("-")
        return len(parts) > 1 and all(p.isalpha() for p in parts) or t.lower in _ROLE_PARTICIPLES
    for j in range(k, min(len(toks) - 1, k + 4)):
        w = toks[j].text
        if not w[:1].isupper():
            return False
        if w.endswith(("'s", "’s")):  # "Clinton's Colorado state director"
            return _role_noun_ahead(toks, j + 1)
    return False


def _role_noun_ahead(toks: list[Token], k: int) -> bool:
    """A lower-case noun ends the phrase from token `k` to the next comma or the end."""
    last = None
    while k < len(toks) and toks[k].text not in (",", ";", ":", ".", "!", "?") \
            and not is_quote(toks[k].text):
        last = toks[k]
        k += 1
    return last is not None and last.text[:1].islower() and last.text.isalpha() \
        and not last.lower.endswith(("ed", "ing", "ly")) and last.lower not in PREPOSITIONS


# Abbreviated US states, whose full stop belongs to the source ("of Jacksonville, Fla.").
STATES = frozenset("""
Ala Ariz Ark Calif Colo Conn Del Fla Ga Ill Ind Kan Ky La Md Mass Mich Minn Miss Mo Mont Neb
Nev Okla Ore Pa Tenn Tex Va Vt Wash Wis Wyo
""".split())
_APPOSITIVE_START = frozenset("a an the his her its their chief senior former who".split())
_PARTIES = frozenset("democrat republican independent".split())
