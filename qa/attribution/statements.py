"""A statement that a subject issues: "The town released a statement Wednesday saying ...",
"She has made the case that ...". The noun is the cue word the model finds; the cue is the
verb phrase around it (PolNeAR's training articles mark "issued a statement saying",
"released a statement saying", "made the case"), and its source is the subject of the verb,
not "a statement" (which the participle after it would otherwise take for its subject).
"""
from __future__ import annotations

from .tokens import MONTHS, REPORTING, TIME_WORDS, Token, extend_left

_NOUNS = frozenset("statement statements letter message memo case".split())
_VERBS = frozenset("""
issue issues issued issuing release releases released releasing put puts putting send sends sent
sending make makes made making write writes wrote writing post posts posted posting publish
publishes published publishing
""".split())
_DETERMINERS = frozenset("a an the his her its their this".split())
_PARTICLES = frozenset(("out",))


def issued_statement(toks: list[Token], head: int) -> tuple[int, int] | None:
    """For a cue noun at `head` ("statement", "case") after "<verb> [out] <det> [word]":
    the cue as tokens [start, end), from the verb's auxiliaries to the noun, or on to a
    participle that follows it after time words ("released a statement Wednesday saying")."""
    if toks[head].lower not in _NOUNS:
        return None
    k = head - 1
    if k > 0 and toks[k].lower not in _DETERMINERS and toks[k].text.isalpha() \
            and toks[k].text.islower():
        k -= 1  # "a brief statement", "the same case"
    if k < 1 or toks[k].lower not in _DETERMINERS:
        return None
    v = k - 1
    if v > 0 and toks[v].lower in _PARTICLES:
        v -= 1  # "put out a statement"
    if toks[v].lower not in _VERBS or not toks[v].text.islower():
        return None
    end = head + 1
    j = end
    while j < len(toks) and (toks[j].lower in TIME_WORDS or toks[j].lower in MONTHS
                             or toks[j].text.isdigit() or toks[j].text == ",") and j - end < 4:
        j += 1  # "a statement on March 3 saying"
    if j < len(toks) and toks[j].lower.endswith("ing") and toks[j].lower in REPORTING:
        end = j + 1
    return (extend_left(toks, v), end)
