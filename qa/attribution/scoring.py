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
    shapes: dict[str, str] = field(default_factory=dict)  # a word's shape, as words are met
    tables: tuple = ()  # what `weights` reads, in its order (set by __post_init__)
    flag_weights: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        single, pairs = self.single, self.pairs
        object.__setattr__(self, "tables", (
            *(single[t] for t in ("p1", "n1", "p2", "n2", "sh", "p1sh", "n1sh", "c1", "d1")),
            *(pairs[t] for t in ("p1|w", "p1|n1", "c2|c1", "c1|d1"))))
        object.__setattr__(self, "flag_weights", tuple(self.flags[f] for f in _FLAGS[1:]))

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

    def shape(self, word: str) -> str:
        """`shape(word)`, kept for the next time."""
        found = shape(word)
        if len(self.shapes) < 200_000:
            self.shapes[word] = found
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
    (`ALL_QUOTES`), both found once per sentence. (Written for speed, as cue_features.)"""
    (p1_of, n1_of, p2_of, n2_of, sh_of, p1sh_of, n1sh_of, c1_of, d1_of, p1w_of, p1n1_of,
     c2c1_of, c1d1_of) = tpl.tables
    (pron_before, cap_before, that_after, quote_after, quote_before, colon_after, det_before,
     aux_before, to_before, in_quote, first, early, rep_before, rep_near,
     rep_that) = tpl.flag_weights
    shapes, classes = tpl.shapes, model.classes
    n = len(toks)
    tok = toks[i]
    w = tok.lower
    own = tpl.words.get(w) or tpl.word(w, model)
    if i:
        prev = toks[i - 1]
        p1 = prev.lower
        p1sh = shapes.get(prev.text) or tpl.shape(prev.text)
        c1 = classes.get(prev.text) or word_class(prev, model)
    else:
        p1 = p1sh = c1 = "<s>"
    if i + 1 < n:
        nxt = toks[i + 1]
        n1 = nxt.lower
        n1sh = shapes.get(nxt.text) or tpl.shape(nxt.text)
        d1 = classes.get(nxt.text) or word_class(nxt, model)
    else:
        n1 = n1sh = d1 = "</s>"
    if i > 1:
        before = toks[i - 2]
        p2 = before.lower
        c2 = classes.get(before.text) or word_class(before, model)
    else:
        p2 = c2 = "<s>"
    n2 = toks[i + 2].lower if i + 2 < n else "</s>"
    n3 = toks[i + 3].lower if i + 3 < n else ""
    out = [own.w, p1_of.get(p1, 0.0), n1_of.get(n1, 0.0), p2_of.get(p2, 0.0),
           n2_of.get(n2, 0.0), own.n1.get(n1, 0.0), p1w_of.get(p1, _EMPTY).get(w, 0.0),
           own.suf, sh_of.get(shapes.get(tok.text) or tpl.shape(tok.text), 0.0),
           p1sh_of.get(p1sh, 0.0), n1sh_of.get(n1sh, 0.0), *own.rest,
           p1n1_of.get(p1, _EMPTY).get(n1, 0.0)]
    pron = cap = False
    for t in toks[i - 4 if i > 4 else 0:i]:
        if t.lower in PRONOUNS:
            pron = True
        elif t.text[:1].isupper():
            cap = True
    if pron:
        out.append(pron_before)
    if cap:
        out.append(cap_before)
    if n1 == "that" or n2 == "that" or n3 == "that":
        out.append(that_after)
    if quotes:  # (positions outside the sentence are never in it)
        if i + 1 in quotes or i + 2 in quotes:
            out.append(quote_after)
        if i - 1 in quotes or i - 2 in quotes or i - 3 in quotes:
            out.append(quote_before)
    if n1 == ":" or n2 == ":" or n3 == ":":
        out.append(colon_after)
    if p1 in DETERMINERS:
        out.append(det_before)
    if p1 in VERB_GROUP:
        out.append(aux_before)
    if p1 == "to":
        out.append(to_before)
    if quoted[i]:
        out.append(in_quote)
    if i == 0:
        out.append(first)
    elif i < 4:
        out.append(early)
    out += (c1_of.get(c1, 0.0), d1_of.get(d1, 0.0), c2c1_of.get(c2, _EMPTY).get(c1, 0.0),
            c1d1_of.get(c1, _EMPTY).get(d1, 0.0), own.c1.get(c1, 0.0), own.d1.get(d1, 0.0))
    if reporting and reporting[0] < i:
        last = -1
        for k in reversed(reporting):
            if k < i:
                last = k
                break
        out += (rep_before, own.rep_before)
        if i - last <= 3:
            out.append(rep_near)
        for k in range(last + 1, i):
            if toks[k].lower in ("that", "whether"):
                out.append(rep_that)
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
