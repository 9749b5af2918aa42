"""Cues whose grammatical subject is not their source: passives ("Clinton was endorsed by
dozens of papers": the agent; "Rubio is widely seen as": none), impressions ("Carson seems
to recognize": the writer's) and a sentence-opening "Asked" (the interviewer, rarely named).
"""
from __future__ import annotations

from .content import after_span, seem_content, SEEM
from .inverted import np_right
from .model import CueModel
from .not_reports import figure_estimate
from .subjects import np_left
from .tokens import (
    AUX, BE, char_span, CLAUSE, Found, is_quote, NEG, PREPOSITIONS, SUBJECT_PRONOUNS, Token)

PARTICIPLES = frozenset("seen known shown told held thought given written heard forecast put"
                        .split())
NOT_MINE = object()  # the cue is an ordinary one: its subject may be its source


def sourceless(text: str, toks: list[Token], a: int, b: int, head: int, cue_end: int,
               model: CueModel, score: float) -> "Found | None | object":
    """The attribution of cue [a, b) when its subject is not its source; None when it is no
    attribution at all ("inflation is forecast at seven pct"); `NOT_MINE` otherwise."""
    word = toks[head].lower
    if word in _FIRST and b + 2 < len(toks) and toks[b].lower.endswith("ed") \
            and toks[b + 1].lower == "by" and any(t.lower in BE for t in toks[a:head]):
        head, b = b, b + 1  # "was first reported by MSNBC": the cue ended at "first"
        word = toks[head].lower
    if b + 1 < len(toks) and toks[b].lower == "by" and word.endswith(("ed", "en")):
        reduced = not any(t.lower in BE for t in toks[a:head])
        if not reduced or _reduced(toks, a, head, b) and (
                score >= model.alone or word not in _MATERIAL):
            agent = np_right(toks, b + 1, model)  # "Clinton was endorsed by dozens of papers"
            if agent is not None:
                subject = _modified(toks, a) if reduced else np_left(toks, a)
                content = char_span(toks, *subject) if subject is not None else None
                return Found(char_span(toks, *agent), (toks[a].start, toks[b].end), content)
    if _expletive(toks, a, head) or word in _NAMING and "as" in (
            toks[b - 1].lower, toks[b].lower if b < len(toks) else "") \
            and not (a > 0 and toks[a - 1].lower in SUBJECT_PRONOUNS):
        # "it seems that", "It's hard to believe", "also known as ISIS": no one's statement
        # but the writer's (PolNeAR train: no source 33, 15 and 25 times; "it" never)
        return Found(None, (toks[a].start, cue_end), after_span(text, cue_end))
    if passive(toks, a, head):
        if figure_estimate(toks, head, b):
            return None  # "inflation is forecast at seven pct": a figure, not a stance
        # "Rubio is seen as ...", "the plan was approved": no agent, and the subject is what
        # the cue is about, not its source (PolNeAR leaves such sources empty)
        return Found(None, (toks[a].start, cue_end), after_span(text, cue_end))
    if toks[head].text == "Asked" and all(is_quote(t.text) for t in toks[:a]):
        # "Asked whether he would ..., Reid said": the interviewer, named only after "by"
        # (PolNeAR's training articles: no source 34 times in 40)
        agent = np_right(toks, b + 1, model) if b < len(toks) and toks[b].lower == "by" else None
        if agent is None:
            return Found(None, (toks[a].start, cue_end), after_span(text, cue_end))
        return Found(char_span(toks, *agent), (toks[a].start, toks[b].end),
                     after_span(text, toks[agent[1] - 1].end))
    seemed = seem_content(text, toks, np_left(toks, a)) if word in SEEM else None
    if seemed is not None:  # "Carson seems to recognize ...": the writer's impression
        return Found(None, (toks[a].start, cue_end), seemed)
    return NOT_MINE


def _reduced(toks: list[Token], a: int, head: int, b: int) -> bool:
    """A participle modifying the noun before it, its agent after "by" ("a practice criticized
    by Miller", "changes proposed by the government", "Assad, aided by the Russians and
    opposed by the U.S."): PolNeAR's training articles give the agent as source 52 times, the
    phrase before 13 (most of them "responded by saying", which is no passive)."""
    nxt = toks[b + 1]
    return toks[head].text[:1].islower() and a > 0 and toks[a - 1].lower not in SUBJECT_PRONOUNS \
        and not (nxt.text[:1].islower() and nxt.lower.endswith(("ing", "ly"))) \
        and nxt.lower not in ("first", "far", "now", "then")


def _modified(toks: list[Token], a: int) -> tuple[int, int] | None:
    """The noun phrase a reduced passive modifies, back to a preposition, verb or punctuation
    ("changes" in "against legislative changes proposed by")."""
    end = a - 1 if a > 0 and toks[a - 1].text == "," else a
    k = end
    while k > 0 and end - k < 8:
        t = toks[k - 1]
        if not t.text[:1].isalnum() or t.lower in PREPOSITIONS or t.lower in CLAUSE \
                or t.lower in AUX or t.text[:1].islower() and t.lower.endswith("ed"):
            break
        k -= 1
    return (k, end) if k < end else None


# Verbs of material as well as political support: reduced, they stay a stance only when the
# model is confident ("the Syrian government, backed by Russian air power" is no attribution).
_MATERIAL = frozenset("backed supported aided funded armed financed".split())
_FIRST = frozenset("first initially originally".split())


_NAMING = frozenset("known regarded dubbed billed nicknamed".split())
_IMPERSONAL = SEEM | frozenset("clear unclear said".split())
_EASY = frozenset("""
easy hard difficult impossible important worth fair safe reasonable tempting tough possible
""".split())


def _expletive(toks: list[Token], a: int, head: int) -> bool:
    """An impersonal "it" before the cue: "it seems", "it appeared that", "It's hard to
    believe", "it's worth pointing out" (but not "he made it clear"). Where the cue holds the
    verb ("It is not clear") "it" stays: a data-only cue without a source is dropped, and
    dropping those cost Cue F1 on held-out training articles."""
    k = a - 1
    easy = False
    while k >= 0 and (toks[k].lower in AUX or toks[k].lower in NEG or toks[k].lower == "to"
                      or toks[k].lower in _EASY or toks[k].lower.endswith("ly")
                      or toks[k].lower in ("also", "now", "still", "even", "so", "almost")):
        easy = easy or toks[k].lower in _EASY
        k -= 1
    if k < 0 or toks[k].lower not in ("it", "it's", "it’s") or k > 0 and toks[k - 1].lower in (
            "made", "make", "makes", "making", "find", "found", "finds"):
        return False
    return easy or toks[head].lower in _IMPERSONAL and k < a - 1 or toks[head].lower in SEEM


def passive(toks: list[Token], a: int, head: int) -> bool:
    """A passive cue ("was asked", "is widely seen"): a form of "be" in its verb group and a
    past participle as its head; not a state of mind ("are worried", "is convinced"), whose
    subject is the one who holds it."""
    w = toks[head].lower
    return (w.endswith(("ed", "en")) or w in PARTICIPLES) and w != "quoted" \
        and w not in MINDS and any(t.lower in BE for t in toks[a:head])


# Participles that name a state of mind: "Democratic leaders are worried", "Her advisers are
# not convinced". Their subject is the source (PolNeAR's training articles: the source before
# the cue 150 times, none 3 times, after it 21, mostly "opposed by").
MINDS = frozenset("""
concerned convinced worried alarmed shocked frustrated mystified dismayed disappointed pleased
surprised satisfied determined opposed committed troubled outraged delighted thrilled impressed
unconvinced assured divided interested excited inclined persuaded irritated
""".split())
