"""Who said it: find each sentence's source and reporting cue, and resolve "he" and "it".

A first, rule-based detector. A cue is a reporting verb ("said", "told"); its source is the
noun phrase that governs it, found by walking back from the cue over the clause it ends, and
keeping an appositive ("X, a war monitor, said"). Pronouns and short forms are resolved to the
most recent compatible full source of the same article.
"""
from __future__ import annotations

import re

from .model import Attribution, Sentence

_CUE = re.compile(
    r"\b(?:said|says|say|told|tells|added|adds|stated|reported|warned|denied|confirmed|"
    r"claimed|announced|according to)\b"
)
_RECIPIENT = re.compile(r"\s+(Reuters|reporters|journalists|[A-Z][a-z]+ [A-Z][a-z]+)\b")
_APPOSITIVE_START = re.compile(r"^(?:a|an|the|part of|one of|which|who|its|his|her)\b", re.I)
_CLAUSE_WORDS = re.compile(r"\b(?:that|and|but|which|because|while|after|as)\s+", re.I)
_PRONOUNS = {"he": "person", "she": "person", "it": "thing", "they": "group", "we": "group"}
_PERSON_WORDS = re.compile(
    r"\b(?:source|spokesman|spokeswoman|official|minister|president|commander|officer|"
    r"mr|mrs|ms|man|woman|analyst|diplomat|witness|resident|said)\b", re.I)


def attribute(sentences: list[Sentence]) -> list[list[Attribution]]:
    """The attributions of each sentence of one document, pronouns resolved in reading order."""
    history: list[str] = []
    result = []
    for sent in sentences:
        found = []
        for source_span, cue_span in _find(sent.text):
            source = sent.text[source_span[0]:source_span[1]]
            resolved = _resolve(source, history)
            if source.lower() not in _PRONOUNS:
                history.append(resolved)
            found.append(Attribution(source, sent.text[cue_span[0]:cue_span[1]], resolved,
                                     source_span, cue_span))
        result.append(found)
    return result


def _find(text: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    pairs = []
    for m in _CUE.finditer(text):
        if m.group() == "according to":
            span = _source_after(text, m.end())
        else:
            span = _source_before(text, m.start())
        if span is None:
            continue
        cue_end = m.end()
        if m.group() in ("told", "tells"):
            r = _RECIPIENT.match(text, cue_end)
            if r:
                cue_end = r.end()
        pairs.append((span, (m.start(), cue_end)))
    return pairs


def _source_before(text: str, cue_start: int) -> tuple[int, int] | None:
    """The noun phrase ending just before the cue: back to a comma, quote or clause word."""
    head = text[:cue_start].rstrip()
    if head.endswith(","):  # "X, a war monitor, said"
        head = head[:-1].rstrip()
    cut = max(head.rfind("”"), head.rfind('"'), head.rfind(","))
    start = cut + 1
    segment = head[start:]
    if cut >= 0 and head[cut] == "," and _APPOSITIVE_START.match(segment.strip()):
        prev_cut = max(head.rfind(",", 0, cut), head.rfind("”", 0, cut), head.rfind('"', 0, cut))
        previous = head[prev_cut + 1:cut].strip()
        if previous and previous[0].isupper() and len(previous.split()) <= 8:
            start = prev_cut + 1
    for m in _CLAUSE_WORDS.finditer(head, start):
        start = m.end()
    while start < len(head) and head[start].isspace():
        start += 1
    if start >= len(head) or len(head[start:].split()) > 14:
        return None
    if not any(ch.isalpha() for ch in head[start:]):
        return None
    return (start, len(head))


def _source_after(text: str, pos: int) -> tuple[int, int] | None:
    m = re.match(r"\s+([^,.;]+)", text[pos:])
    if not m:
        return None
    return (pos + m.start(1), pos + m.end(1))


def _resolve(source: str, history: list[str]) -> str:
    """A pronoun or short form stands for the latest full source it fits."""
    key = source.lower()
    kind = _PRONOUNS.get(key)
    if kind:
        for earlier in reversed(history):
            head = _head_noun(earlier)
            plural = head.endswith("s") and not head.endswith("ss")
            is_person = bool(_PERSON_WORDS.search(head)) and not plural
            if kind == "person" and is_person:
                return earlier
            if kind == "thing" and not is_person and not plural:
                return _name_part(earlier)
            if kind == "group" and plural:
                return earlier
        return source
    words = [w for w in re.findall(r"[A-Z][\w-]+", source) if w.lower() != "the"]
    if source.lower().startswith("the ") and len(words) == 1:
        for earlier in reversed(history):
            if words[0] in earlier and earlier != source:
                return _name_part(earlier)
    return source


def _head_noun(source: str) -> str:
    """The noun a source phrase is about: "officials" in "two U.S. intelligence officials"."""
    name = re.split(r"\s+(?:of|for|from|in|at|run|with|who|which|that)\b", _name_part(source))[0]
    words = name.split()
    return words[-1].lower() if words else ""


def _name_part(source: str) -> str:
    """"The Syrian Observatory for Human Rights, a war monitor" -> its name before the comma."""
    return source.split(",")[0].strip()
