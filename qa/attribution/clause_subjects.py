"""The subject of a sentence's main clause, for a participle or verb that shares it ("Trump
took a hard line, saying ...", "Citing the SEC's concern, Ketchum asked"): found past the
sentence's opening phrases, datelines and time phrases, each up to its comma.
"""
from __future__ import annotations

from .inverted import STATES
from .model import CueModel
from .subjects import coordinated, IRREGULAR_PAST, is_subject
from .tokens import (
    ADVERBS, AUX, CLAUSE, DETERMINERS, is_quote, NAME_LINKS, NEG, PREPOSITIONS, PRONOUNS,
    PUNCT_STOP, RELATIVE, REPORTING, TIME_WORDS, Token)


def after_opening_clause(toks: list[Token], b: int, model: CueModel) -> tuple[int, int] | None:
    """The subject of the main clause after a sentence-opening participle clause."""
    for k in range(b, min(len(toks), b + 30)):
        if toks[k].text == ",":
            span = _np_from(toks, k + 1, len(toks), model)
            return span if span is not None and is_subject(toks, *span) else None
        if toks[k].text in ".;:" or is_quote(toks[k].text):
            return None
    return None


_CONJUNCTIONS = frozenset("but and so yet still now then".split())


def clause_subject(toks: list[Token], a: int, model: CueModel) -> tuple[int, int] | None:
    """The subject of the main clause before token `a`, for a participle that shares it
    ("Trump took a hard line, saying ...", "he showed his skill by joking that ...").

    Opening phrases that cannot be a subject ("In West Miami,", "Shortly after the vote,",
    "When asked,", a dateline) are skipped up to their comma."""
    s = 0
    while s < a:
        t = toks[s]
        if t.lower in _CONJUNCTIONS or is_quote(t.text):
            s += 1
            continue
        dateline = _dateline(toks, s)
        if not (t.lower in PREPOSITIONS or t.lower in CLAUSE or t.lower in RELATIVE
                or t.lower in TIME_WORDS or t.lower.endswith(("ly", "ing", "ed"))
                and not _name_like(toks, s, a) or dateline or opening_phrase(toks, s, a)):
            break
        k = s + 1
        while k < a and (toks[k].text not in (",", "-", "—", "–")
                         or dateline and toks[k].text == ","):
            k += 1  # "WASHINGTON, Dec. 8 (UPI) —": a dateline ends at its dash
        if k >= a:
            return None
        s = k + 1
    span = _np_from(toks, s, a, model)
    return span if span is not None and is_subject(toks, *span) else None


def _name_like(toks: list[Token], s: int, a: int) -> bool:
    """A capitalised word ending like a participle or adverb that is a name ("Schilling
    appeared", "Ted Cruz", "Kelly said"), not an opening phrase ("Speaking to reporters,",
    "Asked Monday,"): the next word is a name or a verb."""
    if not toks[s].text[:1].isupper() or s + 1 >= a:
        return False
    n = toks[s + 1]
    if n.text[:1].isupper():
        return n.lower not in TIME_WORDS
    if n.lower in PREPOSITIONS:
        return False  # "Arriving upon the scene,"
    return n.lower in AUX or n.lower in NEG or n.lower in IRREGULAR_PAST \
        or n.lower.endswith("ed") or n.lower in REPORTING


def _dateline(toks: list[Token], s: int) -> bool:
    """"DES MOINES - ...", "(Reuters) - ...", "WASHINGTON, Dec. 8 (UPI) — ...": a place or
    agency up to a dash near the start."""
    k = s
    while k < len(toks) and k - s < 9 and (toks[k].text.isupper() or toks[k].text in "(),."
                                           or toks[k].text[:1].isdigit()
                                           or toks[k].text[:1].isupper()
                                           and (k > s or _agency_after(toks, s))):
        k += 1  # "Washington (AFP) –", "New York (AFP) –" too: a place before the agency
    return k > s and k < len(toks) and toks[k].text in ("-", "—", "–", "―")


def _agency_after(toks: list[Token], s: int) -> bool:
    """A bracketed agency after one to three capitalised words at `s` ("New York (AFP)")."""
    for j in range(s + 1, min(len(toks), s + 4)):
        if toks[j].text == "(":
            return True
        if not toks[j].text[:1].isupper():
            return False
    return False


def _np_from(toks: list[Token], s: int, a: int, model: CueModel) -> tuple[int, int] | None:
    """The noun phrase opening at token `s`: a lone pronoun, or words up to the verb (an
    auxiliary, an -ed or -ly word, a lexicon word, or a lower-case word after a name)."""
    if s >= a:
        return None
    first = toks[s]
    if first.lower in PRONOUNS and not coordinated(toks, s + 1, a, model):
        return (s, s + 1) if first.lower not in ("him", "her", "them") else None
    name = first.text[:1].isupper() and first.lower not in DETERMINERS
    k = s + 1
    while k < a and k - s < 14:
        t = toks[k]
        if coordinated(toks, k, a, model):
            k += 1  # "Bernie Sanders and Hillary Clinton", "She and her aides"
            name = toks[k].text[:1].isupper()
            continue
        if t.text in PUNCT_STOP or t.text in ".!?" or is_quote(t.text) or t.lower in AUX \
                or t.lower in NEG or t.lower in CLAUSE or t.lower in RELATIVE \
                or t.lower in ADVERBS:
            break
        if t.text[:1].islower() and (t.lower.endswith(("ed", "ly")) or t.lower in model.candidates
                                     or t.lower in IRREGULAR_PAST
                                     or (name and t.lower not in NAME_LINKS)):
            break
        if t.text.endswith(("'s", "’s")):
            name = False  # "Hillary Clinton's right-hand woman": the possessed noun follows
        k += 1
    return (s, k)


# Words that open a sentence's opening phrase, never its subject ("Instead, the senator is
# sticking to his message, hoping ...", "Despite his low standing, Clinton had ...").
_OPENERS = frozenset("""
instead however meanwhile still despite throughout once moreover nevertheless nonetheless
""".split())
# What a time phrase is made of ("Hours later,", "The day before,", "Also Monday,", "Last year,").
_TIMELY = TIME_WORDS | frozenset("""
ago hours days weeks months years moments minutes day also just only the a two three few
several
""".split())


def opening_phrase(toks: list[Token], s: int, a: int) -> bool:
    """The phrase from token `s` to the next comma opens the sentence before its subject (a
    discourse word or a time phrase), so a participle later in the sentence does not take it
    for the subject ("Hours later, Trump returned the compliment, telling Reuters": "Hours")."""
    if toks[s].lower in _OPENERS or toks[s].text in STATES and s + 1 < a \
            and toks[s + 1].text == ".":
        return True  # "..., at a rally in Beaumont, Tex., Mr. Trump was": not "Tex"
    k = s
    while k < a and toks[k].text != ",":
        if toks[k].lower not in _TIMELY:
            return False
        k += 1
    return k < a and k > s
