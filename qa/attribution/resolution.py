"""Pronouns and short forms ("he", "it", "the Observatory", "the group") resolved to the most
recent compatible full source of the same article.

The history searched is bounded: each name once, at its latest mention (which changes no
result: the search stops at the latest fit), and only the last HISTORY_LIMIT names, so
resolving costs the same in the ten-thousandth sentence of a huge document as in the first.
"""
from __future__ import annotations

import re

from .tokens import _GENERIC_ORG, _ORG_WORDS, _PERSON_WORDS, _PRONOUNS, _TITLES


HISTORY_LIMIT = 64  # distinct earlier sources searched; a news article rarely names 20


def remember(history: list[str], name: str) -> None:
    """Add `name` as the latest source: moved to the end if known, the oldest dropped."""
    if name in history:
        history.remove(name)
    history.append(name)
    if len(history) > HISTORY_LIMIT:
        del history[0]


def _resolve(source: str, history: list[str]) -> str:
    """A pronoun or short form stands for the latest full source it fits; else itself."""
    key = source.lower()
    kind = _PRONOUNS.get(key)
    if kind == "self":
        return source
    if kind:
        return _resolve_pronoun(kind, history) or source
    return _resolve_short(source, history) or source


def _resolve_pronoun(kind: str, history: list[str]) -> str | None:
    for earlier in reversed(history):
        person, plural = _is_person(earlier), _is_plural(earlier)
        if kind == "person" and person and not plural:
            return earlier
        if kind == "thing" and not person and not plural:
            return _name_part(earlier)
        if kind == "group" and plural:
            return earlier
    return None


def _resolve_short(source: str, history: list[str]) -> str | None:
    """"The Observatory", "Trump", "Mr. Merrill", "the group": an earlier, fuller name."""
    words = source.split()
    if not words or len(words) > 3:
        return None
    core = [w for w in words if w.lower() not in ("the", "a") and w.lower() not in _TITLES]
    if len(core) != 1:
        return None
    word = core[0].strip(",")
    pattern = re.compile(rf"\b{re.escape(word)}\b", re.I if word.islower() else 0)
    for earlier in reversed(history):
        name = _name_part(earlier)
        if name != source and len(name) > len(source) and pattern.search(name):
            return name
    if word.islower() and words[0].lower() == "the":
        want_person = word.lower() in _PERSON_WORDS
        if word.lower() in _GENERIC_ORG or want_person:
            for earlier in reversed(history):
                if _is_person(earlier) == want_person and not _is_plural(earlier) \
                        and earlier[:1].isupper() and earlier != source:
                    return _name_part(earlier)
    return None


def _head_noun(source: str) -> str:
    """The noun a source phrase is about: "officials" in "two U.S. intelligence officials"."""
    name = re.split(r"\s+(?:of|for|from|in|at|run|with|who|which|that|to|on)\b", _name_part(source))[0]
    words = name.split()
    return words[-1].lower().strip(".,") if words else ""


def _is_plural(source: str) -> bool:
    head = _head_noun(source)
    return (head.endswith("s") and not head.endswith(("ss", "us", "is")) and head[:1].islower()
            and len(head) > 3) or " and " in _name_part(source)


def _is_person(source: str) -> bool:
    """Person-like: a person word as head, a title, or a personal name of two to four words."""
    name = _name_part(source)
    head = _head_noun(source)
    if head in _PERSON_WORDS or head.rstrip("s") in _PERSON_WORDS:
        return True
    words = name.split()
    if words and words[0].lower() in _TITLES:
        return True
    if 2 <= len(words) <= 4 and all(w[:1].isupper() for w in words) and words[0] != "The":
        return not any(w.lower().strip(".,") in _ORG_WORDS for w in words)
    return False


def _name_part(source: str) -> str:
    """"The Syrian Observatory for Human Rights, a war monitor" -> its name before the comma."""
    return source.split(",")[0].strip()
