"""Verbs that look like reports but, in business copy, are acts or figures: an estimate of a
number without an agent ("is forecast at 26.3 mln tonnes") and an appointment to a post
("named Robert Warren to the new post of vice chairman") and an issue of securities ("is
issuing a 100 mln dlr eurobond"). The source step drops such cues.
"""
from __future__ import annotations

from .tokens import Token


_FIGURE_VERBS = frozenset("forecast estimated projected put valued pegged seen expected".split())


def figure_estimate(toks: list[Token], head: int, b: int) -> bool:
    """A passive estimate of a figure without an agent ("production is forecast at 26.3 mln
    tonnes", "is estimated at 6.13 mln bags"): business copy's numbers, not anyone's stance."""
    if toks[head].lower not in _FIGURE_VERBS or b >= len(toks):
        return False
    nxt = toks[b].lower
    after = toks[b + 1].text if b + 1 < len(toks) else ""
    return nxt[:1].isdigit() or nxt in ("at", "around", "about") and (
        after[:1].isdigit() or after.lower() in _NUMBER_WORDS)


_NUMBER_WORDS = frozenset("""
around about a an some one two three four five six seven eight nine ten eleven twelve twenty
thirty forty fifty hundred several
""".split())


_APPOINTING = frozenset("""
appoint appoints appointed appointing name names named naming elect elects elected electing
""".split())
_POSTS = frozenset("""
post position president chairman chief director officer board member succeed succeeding
treasurer secretary head vice executive manager
""".split())


def appointment(toks: list[Token], head: int, b: int) -> bool:
    """Appointing or naming someone to a post ("named Robert Warren to the new post of vice
    chairman", "appointed a special committee"): an act of the company, not a statement."""
    if toks[head].lower not in _APPOINTING:
        return False
    window = [t.lower for t in toks[b:b + 10]]
    return any(w in _POSTS or w in ("committee", "panel") for w in window)


_ISSUING = frozenset("issue issues issued issuing".split())
_SECURITIES = frozenset("""
mln billion dlr dlrs eurobond eurobonds bond bonds notes shares stock debentures warrants
certificates yen francs sterling
""".split())


def securities_issue(toks: list[Token], head: int, b: int) -> bool:
    """Issuing bonds, notes or shares ("Union Bank of Finland is issuing a 100 mln dlr
    eurobond"): a company's financing, not a statement (PolNeAR's "issued a statement",
    "issued a threat" stay cues)."""
    if toks[head].lower not in _ISSUING:
        return False
    return any(t.lower in _SECURITIES for t in toks[b:b + 6])  # not any number: a date
