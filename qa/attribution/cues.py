"""Which words are reporting cues, and the span of each cue.

A word is a candidate when it is in the lexicon learned from PolNeAR's training articles or in
the hand list of reporting verbs; a small logistic model (plain JSON weights, trained by
`python -m qa.attribution.training`) scores it from the word, its neighbours and the clause
shape, because the same word ("support", "call", "pushed") is a cue in one sentence and not in
the next. The model is a value (`model.CueModel`) that every function here is given.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache

from .model import CueModel, STEM
from .tokens import (
    ALL_QUOTES, AUX, CLOSE_QUOTES, DETERMINERS, extend_left, Found, inside_quote, is_quote, NEG,
    OPEN_QUOTES, PREPOSITIONS, PRONOUNS, quote_depths, QUOTES, RELATIVE, REPORTING, Token,
    VERB_GROUP, WORD)
from .subjects import np_left
from .content import after_span
from . import scoring
from .scoring import shape


def has_candidate(text: str, model: CueModel) -> bool:
    """Whether any word of the sentence could be a cue: the cheap first test."""
    return ":" in text[:60] or "”" in text or text.startswith("In ") \
        or not model.candidates.isdisjoint(WORD.findall(text.lower()))


def cue_features(toks: list[Token], i: int, model: CueModel, quoted: list[bool] | None = None,
                 subject: bool = True, reporting: list[int] | None = None) -> list[str]:
    """What the cue model sees of candidate `i`: the word, its neighbours and the clause shape.

    `quoted` (from `quote_depths`) saves finding again, for each candidate, whether it lies
    inside a quotation. (Written for speed: every candidate of every sentence of a build
    passes here; the features and their order are what the model was trained on.)"""
    n = len(toks)
    tok = toks[i]
    w = tok.lower
    prev = toks[i - 1] if i > 0 else None
    nxt = toks[i + 1] if i + 1 < n else None
    p1 = prev.lower if prev is not None else "<s>"
    p2 = toks[i - 2].lower if i > 1 else "<s>"
    n1 = nxt.lower if nxt is not None else "</s>"
    n2 = toks[i + 2].lower if i + 2 < n else "</s>"
    own = model.word_features.get(w) or _word_features(w, model)
    feats = [own[0], f"p1={p1}", f"n1={n1}", f"p2={p2}", f"n2={n2}", f"w|n1={w}|{n1}",
             f"p1|w={p1}|{w}", own[1], f"sh={shape(tok.text)}",
             f"p1sh={shape(p1 if prev is None else prev.text)}",
             f"n1sh={shape(n1 if nxt is None else nxt.text)}", *own[2], f"p1|n1={p1}|{n1}"]
    pron = cap = False
    for t in toks[max(0, i - 4):i]:
        if t.lower in PRONOUNS:
            pron = True
        elif t.text[:1].isupper():
            cap = True
    if pron:
        feats.append("pron_before")
    if cap:
        feats.append("cap_before")
    ahead = [t.lower for t in toks[i + 1:i + 4]]
    if "that" in ahead:
        feats.append("that_after")
    if any(t.text in ALL_QUOTES for t in toks[i + 1:i + 3]):
        feats.append("quote_after")
    if any(t.text in ALL_QUOTES for t in toks[max(0, i - 3):i]):
        feats.append("quote_before")
    if ":" in ahead:
        feats.append("colon_after")
    if p1 in DETERMINERS:
        feats.append("det_before")
    if p1 in VERB_GROUP:
        feats.append("aux_before")
    if p1 == "to":
        feats.append("to_before")
    if (quoted[i] if quoted is not None else inside_quote(toks, i)):
        feats.append("in_quote")
    if i == 0:
        feats.append("first")
    elif i < 4:
        feats.append("early")
    classes = model.classes
    c1 = (classes.get(prev.text) or _word_class(prev, model)) if prev is not None else "<s>"
    d1 = (classes.get(nxt.text) or _word_class(nxt, model)) if nxt is not None else "</s>"
    c2 = _word_class(toks[i - 2], model) if i > 1 else "<s>"
    feats += (f"c1={c1}", f"d1={d1}", f"c2|c1={c2}|{c1}", f"c1|d1={c1}|{d1}", f"w|c1={w}|{c1}",
              f"w|d1={w}|{d1}")
    if reporting is None or (reporting and reporting[0] < i):
        feats.extend(_neighbour_cue_features(toks, i, w, reporting))
    if subject:
        feats.extend(subject_features(toks, i, w))
    return feats


def _word_features(w: str, model: CueModel) -> tuple[str, str, tuple[str, ...]]:
    """The features of candidate word `w` that depend on nothing else, made once per word."""
    tail = ("reporting",) if w in REPORTING else ()
    own = (f"w={w}", f"suf={w[-3:]}", (*tail, f"stem={model.stems.get(w) or STEM(w)}",
                                       f"suf2={w[-2:]}"))
    if len(model.word_features) < 200_000:
        model.word_features[w] = own
    return own


def reporting_positions(toks: list[Token]) -> list[int]:
    """Where the sentence has a lower-case hand-listed reporting verb ("said", "told")."""
    return [k for k, t in enumerate(toks) if t.lower in REPORTING and t.text[0].islower()]


def _neighbour_cue_features(toks: list[Token], i: int, w: str,
                            reporting: list[int] | None) -> list[str]:
    """Whether a reporting verb comes before the candidate in the sentence: a second cue word
    in a sentence that already has one is less often a cue of its own, the more so inside a
    "that" clause ("said that he wants"; a reporting verb after the word made no difference).

    `reporting` holds the reporting verbs' positions (at least those before `i`)."""
    last = -1
    for k in reversed(reporting if reporting is not None else reporting_positions(toks)):
        if k < i:
            last = k
            break
    if last < 0:
        return []
    feats = ["rep_before", f"w|rep_before={w}"]
    if i - last <= 3:
        feats.append("rep_before_near")
    if any(toks[k].lower in ("that", "whether") for k in range(last + 1, i)):
        feats.append("rep_that_before")
    return feats


_SUBJECT_KINDS = ("pron", "rel", "cap", "np", "none")


def subject_features(toks: list[Token], i: int, w: str) -> list[str]:
    """The costlier features: whether a subject is found before the candidate, and its kind."""
    kind = subject_kind(toks, i)
    return [f"subj={kind}", f"w|subj={w}|{kind}"]


def subject_kind(toks: list[Token], i: int) -> str:
    """The kind of subject found before candidate `i`: one of `_SUBJECT_KINDS`."""
    subj = np_left(toks, extend_left(toks, i))
    if subj is None:
        return "none"
    return "pron" if subj[1] - subj[0] == 1 and toks[subj[0]].lower in PRONOUNS else (
        "rel" if toks[subj[0]].lower in RELATIVE else
        "cap" if toks[subj[0]].text[:1].isupper() else "np")


def _word_class(t: Token, model: CueModel) -> str:
    """A coarse class of a neighbouring word, shared by words that behave alike."""
    c = model.classes.get(t.text)
    if c is None:
        c = _classify(t, model)
        if len(model.classes) < 200_000:
            model.classes[t.text] = c
    return c


def _classify(t: Token, model: CueModel) -> str:
    w = t.lower
    if w in PRONOUNS or w == "who":
        return "pron"
    if w in DETERMINERS:
        return "det"
    if w in AUX:
        return "aux"
    if w in NEG:
        return "neg"
    if w == "that" or w == "to" or w in ("and", "but", "as"):
        return w
    if w in PREPOSITIONS:
        return "prep"
    if is_quote(t.text):
        return "q"
    ch = t.text[0]
    if not ch.isalnum():
        return t.text
    if ch.isdigit():
        return "num"
    if ch.isupper():
        return "cap"
    if w.endswith("ly"):
        return "ly"
    if w in model.candidates:
        return "cand"
    if w.endswith("ing"):
        return "ing"
    if w.endswith("ed"):
        return "ed"
    if w.endswith("s"):
        return "s"
    return "low"


_ZEROS = (0.0,) * 64


def _subject_bound(w: str, model: CueModel) -> float:
    """The most the subject features can add to the score of word `w`."""
    b = model.bounds.get(w)
    if b is None:
        weights = model.weights
        b = model.bounds[w] = max(weights.get(f"subj={k}", 0.0)
                                  + weights.get(f"w|subj={w}|{k}", 0.0) for k in _SUBJECT_KINDS)
    return b


@lru_cache(maxsize=64)
def _logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))


def cue_score(feats: list[str], model: CueModel) -> float:
    """Probability that a candidate is (part of) a cue."""
    return _probability(model.bias + sum(map(model.weights.get, feats, _ZEROS[:len(feats)])))


def _probability(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def is_candidate(toks: list[Token], i: int, model: CueModel, title: bool = False) -> bool:
    """A lexicon word, and lower case unless it opens the sentence ("State" is a name) or the
    sentence is a headline in title case ("Trump Says He Will Win"); or the colon of a speaker
    label ("PENCE: ...", "Pat Caddell: ...")."""
    t = toks[i]
    if t.lower in model.candidates:
        return i == 0 or title or not t.text[0].isupper() or _first_word(toks, i) \
            or (t.lower in REPORTING and _headline_run(toks, i))
    return t.text == ":" and speaker_label(toks, i) is not None


def _headline_run(toks: list[Token], i: int) -> bool:
    """A reporting verb inside a run of capitalised words, as when a headline is run into
    the text before or after it ("... 9:52PMBush Says We Should Pay Attention To ...")."""
    if i < 1 or i + 2 >= len(toks):
        return False
    return all(toks[k].text[:1].isupper() and toks[k].text.isalpha() for k in (i - 1, i + 1, i + 2))


def credit_line(text: str, toks: list[Token], i: int) -> tuple[int, int] | None:
    """'“...” ― Name': a dash after a closing quote, then a short capitalised name that ends
    its line."""
    if toks[i].text not in "―—–" or i == 0 or toks[i - 1].text not in CLOSE_QUOTES | QUOTES:
        return None
    k = i + 1
    while k < len(toks) and toks[k].text not in ",.;(" and not is_quote(toks[k].text) \
            and "\n" not in text[toks[k - 1].end:toks[k].start]:
        k += 1
    if not 1 <= k - i - 1 <= 5 or not toks[i + 1].text[0].isupper():
        return None
    return (i + 1, k)


def speaker_label(toks: list[Token], i: int) -> tuple[int, int] | None:
    """The one to four capitalised words before the colon at `i` that open the sentence."""
    start = 0
    while start < i and is_quote(toks[start].text):
        start += 1
    if not 1 <= i - start <= 4:
        return None
    for t in toks[start:i]:
        if not t.text[0].isupper() or t.lower in PRONOUNS:
            return None
    return (start, i)


def title_case(toks: list[Token]) -> bool:
    """A headline: most longer words capitalised."""
    words = [t.text for t in toks if len(t.text) > 3 and t.text[0].isalpha()]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.8 * len(words)


def _first_word(toks: list[Token], i: int) -> bool:
    """Only quotes or brackets before token `i`."""
    return all(not t.text[0].isalnum() for t in toks[:i])


# Without one of these no token lies inside a quotation (quote_depths is then all False).
_QUOTE_MARKS = re.compile("[“”\"]|''|``")
_DASHES = frozenset("―—–")  # a credit line's dash ("“...” ― Name")
_MARKS = _DASHES | {":"}  # a speaker label's colon ("PENCE: ...")


@lru_cache(maxsize=8)
def _may_start(candidates: frozenset[str]) -> frozenset[str]:
    """The tokens (lower case) that may start a cue: lexicon words and the marks."""
    return candidates | _MARKS


def cue_spans(text: str, toks: list[Token], model: CueModel
              ) -> list[tuple[int, int, int, float]]:
    """Accepted cues as token ranges [a, b) with the index of their head word and its score."""
    spans: list[tuple[int, int, int, float]] = []
    title = None
    quoted = None
    quotes: frozenset[int] = frozenset()
    tpl: scoring.Templates | None = None
    reporting: list[int] = []  # reporting verbs seen so far, for cue_features
    candidates = model.candidates
    cut_reporting, cut_other = _logit(model.threshold), _logit(model.lowest_other)
    # Only lexicon words, colons and dashes can start a cue: one pass of set lookups finds
    # them, and the loop below looks at nothing else (most tokens of a sentence are none).
    starts = _may_start(candidates)  # a mark's lower-case form is itself
    for i in [k for k, t in enumerate(toks) if t.lower in starts]:
        t = toks[i]
        if i and title is None and t.text[0].isupper() and t.lower in candidates:
            title = title_case(toks)
        if not is_candidate(toks, i, model, bool(title)):
            if t.text in _DASHES and credit_line(text, toks, i):
                spans.append((i, i + 1, i, 1.0))
            continue
        if quoted is None:
            quoted = quote_depths(toks) if _QUOTE_MARKS.search(text) else [False] * len(toks)
            quotes = scoring.quote_positions(text, toks)
            tpl = None if "|" in text else scoring.templates(model)
        w = toks[i].lower
        if w in REPORTING and t.text[0].islower():
            reporting.append(i)  # cue_features looks only at those before the candidate
        threshold, cut = (model.threshold, cut_reporting) if w in REPORTING \
            else (model.lowest_other, cut_other)
        if tpl is None:  # the weights of cue_features' features, in its order (scoring.py)
            feats = cue_features(toks, i, model, quoted, subject=False, reporting=reporting)
            weights = list(map(model.weights.get, feats, _ZEROS[:len(feats)]))
        else:
            weights = scoring.weights(toks, i, tpl, quoted, quotes, reporting, model,
                                      _word_class)
        if model.bias + sum(weights) + _subject_bound(w, model) < cut:
            continue  # cannot reach the threshold whatever the subject: skip the costly part
        kind = subject_kind(toks, i)
        weights += (scoring.subject_weights(kind, w, tpl, model) if tpl is not None else
                    map(model.weights.get, (f"subj={kind}", f"w|subj={w}|{kind}"), _ZEROS[:2]))
        score = _probability(model.bias + sum(weights))
        if score < threshold:
            continue
        if spans and spans[-1][1] == i == spans[-1][2] + 1 and toks[i - 1].lower.endswith("ly"):
            spans[-1] = (spans[-1][0], _extend_right(toks, i, model), i, max(score, spans[-1][3]))
            continue  # "falsely suggesting": the verb after an adverb cue is the cue's head
        if spans and spans[-1][1] >= i:
            continue  # already inside the previous cue ("according to")
        if spans and _only_verb_group(toks, spans[-1][1], i):
            a = spans[-1][0]
            spans[-1] = (a, _extend_right(toks, i, model), i,
                         max(score, spans[-1][3]))  # "has made clear"
            continue
        spans.append((extend_left(toks, i), _extend_right(toks, i, model), i, score))
    return list(spans)


def _only_verb_group(toks: list[Token], a: int, b: int) -> bool:
    return all(toks[k].lower in VERB_GROUP for k in range(a, b))


def _extend_right(toks: list[Token], i: int, model: CueModel) -> int:
    """Take in "to" of "according to" and particles learned for this word ("pointed out")."""
    w = toks[i].lower
    b = i + 1
    if w == "according" and b < len(toks) and toks[b].lower == "to":
        return b + 1
    particles = model.particles.get(w)
    if particles and b < len(toks) and toks[b].lower in particles:
        return b + 1
    return b


def alone(text: str, toks: list[Token], a: int, cue_end: int, score: float,
          model: CueModel) -> Found | None:
    """A confident cue whose source is not in the sentence: empty source, content after it."""
    if score < model.alone:
        return None
    return Found(None, (toks[a].start, cue_end), after_span(text, cue_end))
