"""The cue model's score of a candidate, computed from weights filed by feature template.

`cues.cue_features` names what the model sees of a candidate as strings ("p1=the",
"w|n1=said|on"), which training needs; scoring the candidates of every sentence of a build
that way built ~23 strings a candidate and looked each up in the 57,000-weight dictionary,
a quarter of attribution's time. Here the same weights are filed by template, keyed by the
words themselves (`Templates`), and `weights` gives each feature's weight in the order
`cue_features` lists the features, so that `sum` adds the same floats in the same order: the
score is the same float (tests/test_attribution.py checks both on every candidate of its
texts). A change to `cue_features` must be made here too; that test fails until it is.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .model import CueModel, STEM
from .tokens import (
    ALL_QUOTES, CLOSE_QUOTES, DETERMINERS, OPEN_QUOTES, PRONOUNS, QUOTES, REPORTING, Token,
    VERB_GROUP)

# Templates whose value is one word or class, and those whose value is two ("a|b").
_SINGLE = ("w", "p1", "n1", "p2", "n2", "suf", "sh", "p1sh", "n1sh", "stem", "suf2", "c1",
           "d1", "w|rep_before", "subj")
_PAIRS = ("w|n1", "p1|w", "p1|n1", "c2|c1", "c1|d1", "w|c1", "w|d1", "w|subj")
_FLAGS = ("reporting", "pron_before", "cap_before", "that_after", "quote_after",
          "quote_before", "colon_after", "det_before", "aux_before", "to_before", "in_quote",
          "first", "early", "rep_before", "rep_before_near", "rep_that_before")


@dataclass(slots=True)
class _Word:
    """A candidate word's own weights and the pair templates it heads, looked up once."""

    w: float
    suf: float
    rest: tuple[float, ...]  # "reporting" (for a hand-listed verb), stem=, suf2=
    n1: dict[str, float]
    c1: dict[str, float]
    d1: dict[str, float]
    subj: dict[str, float]
    rep_before: float


@dataclass(frozen=True)
class Templates:
    """A model's weights by template: one dict per single-value template (value -> weight),
    one per pair template (first value -> second value -> weight), and the flags' weights.
    A pair whose values hold "|" cannot be filed unambiguously: a sentence holding "|" is
    scored by naming its features (`cues.cue_spans`)."""

    single: dict[str, dict[str, float]]
    pairs: dict[str, dict[str, dict[str, float]]]
    flags: dict[str, float]
    words: dict[str, _Word] = field(default_factory=dict)  # filled as candidates are met

    @classmethod
    def of(cls, weights: dict[str, float]) -> "Templates":
        single = {t: {} for t in _SINGLE}
        pairs = {t: {} for t in _PAIRS}
        for key, weight in weights.items():
            template, sep, value = key.partition("=")
            if not sep:
                continue
            if template in single:
                single[template][value] = weight
            elif template in pairs and value.count("|") == 1:
                a, b = value.split("|")
                pairs[template].setdefault(a, {})[b] = weight
        return cls(single, pairs, {f: weights.get(f, 0.0) for f in _FLAGS})

    def word(self, w: str, model: CueModel) -> _Word:
        """Candidate `w`'s weights (the features `cues._word_features` names for it, and the
        pair templates keyed by it)."""
        single, pairs = self.single, self.pairs
        rest = (*((self.flags["reporting"],) if w in REPORTING else ()),
                single["stem"].get(model.stems.get(w) or STEM(w), 0.0),
                single["suf2"].get(w[-2:], 0.0))
        found = _Word(single["w"].get(w, 0.0), single["suf"].get(w[-3:], 0.0), rest,
                      pairs["w|n1"].get(w, _EMPTY), pairs["w|c1"].get(w, _EMPTY),
                      pairs["w|d1"].get(w, _EMPTY), pairs["w|subj"].get(w, _EMPTY),
                      single["w|rep_before"].get(w, 0.0))
        if len(self.words) < 200_000:
            self.words[w] = found
        return found


def templates(model: CueModel) -> Templates:
    """The model's weights by template, filed on first use and kept with the model."""
    found = model.by_template.get("templates")
    if found is None:
        found = model.by_template["templates"] = Templates.of(dict(model.weights))
    return found


_EMPTY: dict[str, float] = {}
def quote_positions(text: str, toks: list[Token]) -> frozenset[int]:
    """Where the sentence's quotation marks are (none without a quotation mark in the text)."""
    if _QUOTE_CHARS.search(text) is None:
        return frozenset()
    return frozenset(k for k, t in enumerate(toks) if t.text in ALL_QUOTES)


_QUOTE_CHARS = re.compile("[“”\"‘’]|''|``")  # every mark of ALL_QUOTES


def weights(toks: list[Token], i: int, tpl: Templates, quoted: list[bool],
            quotes: frozenset[int], reporting: list[int], model: CueModel,
            word_class: Callable[[Token, CueModel], str]) -> list[float]:
    """The weights of `cue_features(toks, i, model, quoted, subject=False, reporting=...)`,
    in its order (missing features weigh 0.0), for a sentence without "|" (see Templates).

    `tpl` is `templates(model)` and `quotes` the positions of the sentence's quotation marks
    (`ALL_QUOTES`), both found once per sentence."""
    n = len(toks)
    single, pairs = tpl.single, tpl.pairs
    tok = toks[i]
    w = tok.lower
    prev = toks[i - 1] if i > 0 else None
    nxt = toks[i + 1] if i + 1 < n else None
    p1 = prev.lower if prev is not None else "<s>"
    p2 = toks[i - 2].lower if i > 1 else "<s>"
    n1 = nxt.lower if nxt is not None else "</s>"
    n2 = toks[i + 2].lower if i + 2 < n else "</s>"
    own = tpl.words.get(w) or tpl.word(w, model)
    out = [own.w, single["p1"].get(p1, 0.0), single["n1"].get(n1, 0.0),
           single["p2"].get(p2, 0.0), single["n2"].get(n2, 0.0), own.n1.get(n1, 0.0),
           pairs["p1|w"].get(p1, _EMPTY).get(w, 0.0), own.suf,
           single["sh"].get(shape(tok.text), 0.0),
           single["p1sh"].get(shape(p1 if prev is None else prev.text), 0.0),
           single["n1sh"].get(shape(n1 if nxt is None else nxt.text), 0.0), *own.rest,
           pairs["p1|n1"].get(p1, _EMPTY).get(n1, 0.0)]
    flags = tpl.flags
    pron = cap = False
    for t in toks[max(0, i - 4):i]:
        if t.lower in PRONOUNS:
            pron = True
        elif t.text[:1].isupper():
            cap = True
    if pron:
        out.append(flags["pron_before"])
    if cap:
        out.append(flags["cap_before"])
    ahead = [t.lower for t in toks[i + 1:i + 4]]
    if "that" in ahead:
        out.append(flags["that_after"])
    if quotes:  # (positions outside the sentence are never in it)
        if i + 1 in quotes or i + 2 in quotes:
            out.append(flags["quote_after"])
        if i - 1 in quotes or i - 2 in quotes or i - 3 in quotes:
            out.append(flags["quote_before"])
    if ":" in ahead:
        out.append(flags["colon_after"])
    if p1 in DETERMINERS:
        out.append(flags["det_before"])
    if p1 in VERB_GROUP:
        out.append(flags["aux_before"])
    if p1 == "to":
        out.append(flags["to_before"])
    if quoted[i]:
        out.append(flags["in_quote"])
    if i == 0:
        out.append(flags["first"])
    elif i < 4:
        out.append(flags["early"])
    classes = model.classes
    c1 = (classes.get(prev.text) or word_class(prev, model)) if prev is not None else "<s>"
    d1 = (classes.get(nxt.text) or word_class(nxt, model)) if nxt is not None else "</s>"
    c2 = (classes.get(toks[i - 2].text) or word_class(toks[i - 2], model)) if i > 1 else "<s>"
    out += (single["c1"].get(c1, 0.0), single["d1"].get(d1, 0.0),
            pairs["c2|c1"].get(c2, _EMPTY).get(c1, 0.0),
            pairs["c1|d1"].get(c1, _EMPTY).get(d1, 0.0), own.c1.get(c1, 0.0),
            own.d1.get(d1, 0.0))
    if reporting and reporting[0] < i:
        last = -1
        for k in reversed(reporting):
            if k < i:
                last = k
                break
        out += (flags["rep_before"], own.rep_before)
        if i - last <= 3:
            out.append(flags["rep_before_near"])
        for k in range(last + 1, i):
            if toks[k].lower in ("that", "whether"):
                out.append(flags["rep_that_before"])
                break
    return out


def subject_weights(kind: str, w: str, tpl: Templates, model: CueModel
                    ) -> tuple[float, float]:
    """The weights of `cues.subject_features` for a subject of `kind` ("none" when none)."""
    own = tpl.words.get(w) or tpl.word(w, model)
    return tpl.single["subj"].get(kind, 0.0), own.subj.get(kind, 0.0)


def shape(word: str) -> str:
    """A word's shape: capitalised, lower case, a number, a quote, or the mark itself."""
    if not word[0].isalnum():
        return "q" if word in QUOTES or word in OPEN_QUOTES or word in CLOSE_QUOTES else word
    if word[0].isupper():
        return "C"
    if word[0].isdigit():
        return "d"
    return "l"
