"""Score a sentence's candidate answer spans with the trained model and say how sure it is.

The model, rebuilt by `bench/train_answers.py`, is plain data in two files:
- qa/data/answer_model.npy: the token weights of the hashed features seen often enough in
  training, as an open-addressing hash table of int32, four per slot (the feature's bucket or
  -1 for an empty slot, then its weights as the span's first word, last word and a word inside,
  in units of SCALE). It is memory-mapped, not parsed, so a one-shot `qa ask` pays nothing to
  open it and reads only the slots it needs;
- qa/data/word_classes.npy (named in the .json when the model uses them): word classes the
  features read (see `word_classes`);
- qa/data/answer_model.json: the span-feature weights, the calibrator (which turns the span's
  probability, its margin over the runner-up and the ranking's scores into a confidence in
  [0, 1]; or, when the model declares a "stack", the probability that the sentence holds the
  answer times that the span is right when it does, combined), the threshold for marking,
  and the training settings.
Scoring is plain Python (no numpy on the `qa ask` path): a span's score is a sum of looked-up
weights, its probability a softmax over the sentence's spans.
"""
from __future__ import annotations

import json
import math
from array import array
from bisect import bisect_left
from itertools import accumulate, compress, repeat
from operator import add, le, sub
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import npy
from . import slot_table
from . import span_features as sf
from . import word_classes as wc

MODEL_PATH = Path(__file__).with_name("data") / "answer_model.json"
SCALE = 1e-4


@dataclass(frozen=True)
class SpanModel:
    table: Sequence[int]
    span: list[float]
    calibration: tuple[float, ...]
    threshold: float
    classes: wc.WordClasses | None = field(default=None, compare=False, repr=False)
    # > 0: choose among this many most probable spans by expected token F1 (`predict`), and
    # give the calibrator the probability of the spans that agree with the choice
    mbr: int = 0
    # With a stacked calibrator: the weights of its two parts, the probability that the hit's
    # sentence holds the answer (over `RANKING` inputs and the ranking features) and that the
    # span is right when it does (over `SPAN` inputs); `calibration` then combines their logs.
    stack: tuple[tuple[float, ...], tuple[float, ...]] | None = None
    # Summed weights already looked up, by feature group (a session and `qa eval` meet the
    # same ones again), packed in one int each (`_Packed`).
    seen: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "seen", _Packed(self.table))
        self.seen.spans = _SpanSums(self.span)


# A group's start, end and inside weights in one Python int, each field biased to be
# non-negative, so that a token's groups add up with one `sum` in C instead of three
# additions per group; the fields are taken apart exactly (ints), so the scores are the same.
_FIELD = 52
_BIAS = 1 << 44  # a group's summed weights (int32 each) are far smaller
_LOW = (1 << _FIELD) - 1
_MAX_GROUPS = 1 << (_FIELD - 45)  # groups a token's sum holds without a field overflowing


_BIASES = _BIAS | _BIAS << _FIELD | _BIAS << 2 * _FIELD  # one bias in each field


class _Packed(dict):
    """Group (tuple of feature buckets) -> its packed summed weights, added up on a miss from
    each bucket's packed weights, each bucket looked up in the table once (`one`): a new group
    (a word under a question's new head noun) mostly holds buckets met before."""

    def __init__(self, table: Sequence[int]) -> None:
        super().__init__()
        self.table = table
        self.mask = len(table) // 4 - 1  # slots less one (`slot_table`, slots of four)
        self.one: dict[int, int] = {}
        self.spans: _SpanSums | None = None  # span-feature indices -> summed weights

    def __missing__(self, group: tuple[int, ...]) -> int:
        if len(self) > 200_000:
            self.clear()
        one = self.one
        if len(one) > 100_000:
            one.clear()
        total = 0
        for key in group:
            found = one.get(key)
            if found is None:
                found = one[key] = _lookup(self.table, self.mask, key)
            total += found
        # each field of `total` holds len(group) biases and the summed weights (|each| < 2^31,
        # so no field carries into the next): taking all biases but one away leaves exactly
        # the packed int of the summed weights
        packed = self[group] = total - (len(group) - 1) * _BIASES
        return packed


def build_table(buckets: Sequence[int], weights: Sequence[tuple[int, int, int]]) -> array:
    """The hash table `scores` reads (`slot_table`, slots of four: a feature's bucket and
    its start, end and inside weights)."""
    return slot_table.build(buckets, weights, 4)


@dataclass(frozen=True)
class Prediction:
    """The best span of a sentence (character offsets), its probability, and the runner-up."""

    span: tuple[int, int]
    probability: float
    runner_up: tuple[int, int] | None
    runner_up_probability: float
    mass: float = 0.0  # probability of all spans overlapping the best one
    tokens: int = 1
    typed: bool = False  # the span is exactly a typed pattern's ("45 mln stg")
    preferred: bool = False
    candidates: int = 1  # spans the sentence offered
    agree: float = 0.0  # probability of the spans whose token F1 with the best one is >= 0.5


class ModelError(Exception):
    """The shipped answer model cannot be read."""


def load(path: Path = MODEL_PATH) -> SpanModel:
    """The model in `path` and the table beside it (.npy): plain data, nothing executed."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        table = npy.load(path.with_suffix(".npy"))
        if table.format != "i" or not slot_table.is_table(table, 4):
            raise ValueError("the weight table is not int32 slots of four")
        if len(data["span"]) != sf.span_offsets()["size"]:
            raise ValueError("span weights do not match the features")
        mbr = data.get("mbr", 0)
        if not isinstance(mbr, int) or mbr < 0:
            raise ValueError("mbr is not a count")
        stack = data.get("stack")
        if stack is not None:
            stack = (tuple(float(x) for x in stack["sentence"]),
                     tuple(float(x) for x in stack["span"]))
            if len(stack[0]) != 1 + len(RANKING) + 2 * len(RANKING_FEATURES) or \
                    len(stack[1]) != 1 + len(span_positions(mbr)) or \
                    len(data["calibration"]) != 3:
                raise ValueError("the stacked calibrator does not match its inputs")
        elif len(data["calibration"]) != _INPUTS + 1 + (mbr > 0):
            raise ValueError("the calibrator does not match its inputs")
        name = data.get("word_classes")
        if name is not None and (not isinstance(name, str) or Path(name).name != name):
            raise ValueError("word_classes is not a file name")
        classes = wc.load(path.with_name(name)) if name else None
        return SpanModel(table, [float(x) for x in data["span"]],
                         tuple(float(x) for x in data["calibration"]), float(data["threshold"]),
                         classes, mbr=mbr, stack=stack)
    except (OSError, ValueError, KeyError, TypeError, npy.NpyError) as exc:
        raise ModelError(f"{path.name}: cannot read the answer model ({exc})") from None


def scores(model: SpanModel, enc: sf.Encoded) -> list[float]:
    """The score of each of `enc.spans`, in order."""
    get = model.seen.__getitem__
    start, end, inside = [], [], [0]
    last = 0
    for groups in enc.features:
        if len(groups) < _MAX_GROUPS:
            total, bias = sum(map(get, groups)), len(groups) * _BIAS
            start.append((total & _LOW) - bias)
            end.append((total >> _FIELD & _LOW) - bias)
            last += (total >> 2 * _FIELD) - bias
        else:
            s, e, i = _token_sums(list(map(get, groups)))
            start.append(s)
            end.append(e)
            last += i
        inside.append(last)
    # A span's token weight start[i] + end[j] + inside[j + 1] - inside[i], as one part per
    # first token and one per last token (ints: the same sums in any order).
    opens = list(map(sub, start, inside))
    closes = list(map(add, end, inside[1:]))
    summed = model.seen.spans  # the spans of a wh-class and answer type share few sets
    return [(opens[i] + closes[j]) * SCALE + summed[feats] for i, j, feats in enc.spans]


def _token_sums(packed: list[int]) -> tuple[int, int, int]:
    """The start, end and inside weights of a token: the sums of its groups' fields."""
    if len(packed) < _MAX_GROUPS:
        total, bias = sum(packed), len(packed) * _BIAS
        return (total & _LOW) - bias, (total >> _FIELD & _LOW) - bias, \
            (total >> 2 * _FIELD) - bias
    half = len(packed) // 2
    a, b = _token_sums(packed[:half]), _token_sums(packed[half:])
    return a[0] + b[0], a[1] + b[1], a[2] + b[2]


class _SpanSums(dict):
    """Span-feature indices -> the sum of their weights, added on first use."""

    def __init__(self, weights: list[float]) -> None:
        super().__init__()
        self.weights = weights

    def __missing__(self, feats: tuple[int, ...]) -> float:
        if len(self) > 100_000:
            self.clear()
        w = self[feats] = sum(map(self.weights.__getitem__, feats))
        return w


def _lookup(table: Sequence[int], mask: int, key: int) -> int:
    """A feature's three weights from the hash table (zeros when it has none), packed: the
    probing of `slot_table.find` written out for slots of four (a one-shot `qa ask` looks up
    every bucket it meets)."""
    slot = key & mask
    while True:
        at = slot << 2
        found = table[at]
        if found == key:
            return (table[at + 1] + _BIAS) | (table[at + 2] + _BIAS) << _FIELD \
                | (table[at + 3] + _BIAS) << 2 * _FIELD
        if found == -1:
            return _BIASES  # three zeros
        slot = (slot + 1) & mask


# Spans under MBR_EPS of the total probability are left out of the expected F1 (they change
# it by less than that, and are most of the spans).
MBR_EPS = 1e-3


def predict(model: SpanModel, enc: sf.Encoded, allowed=None,
            prefer=None, words: Sequence[int] | None = None) -> Prediction | None:
    """The most probable span (softmax over all candidate spans), or with `model.mbr` the span
    with the highest expected token F1 among the `model.mbr` most probable ones, and the
    runner-up; `allowed` (index of a span -> bool) removes spans the sanity rules forbid
    before choosing; `prefer(start, end) -> bool` picks, among the spans it accepts, the most
    probable one instead (a typed answer's whole phrase), when there is one. `words`: per
    token, 1 when it counts as a word for token F1 (0 for
    punctuation and "the"; all count when not given).

    Why expected F1: an answer is right when its token F1 with the reader's answer is at least
    0.5, so spans that overlap ("10 km", "10 km (7 miles)") vote for each other; the most
    probable span alone ignores that, and its probability understates how sure the model is
    of an answer around it. The probability of the spans that agree with the chosen one
    (F1 >= 0.5) goes to the calibrator (`Prediction.agree`). Measured in docs/EVAL.md: off in
    the shipped model."""
    if not enc.spans:
        return None
    values = scores(model, enc)
    top = max(values)
    exp = [math.exp(v - top) for v in values]
    total = sum(exp)
    ranked = range(len(values))
    if allowed is not None:
        ranked = list(filter(allowed, ranked))
    best = max(ranked, key=values.__getitem__, default=None)  # the first of equals
    if best is None:
        return None
    agreement = None
    if model.mbr:  # the sanity rules' forbidden spans do not vote
        agreement = _Agreement(enc.spans, exp, total, words, ranked)
        if len(ranked) > 1:
            # as heapq.nlargest, which is documented to equal this, but sorted in C
            best = agreement.mbr(sorted(ranked, key=values.__getitem__,
                                        reverse=True)[:model.mbr], values)
    chosen = best
    if prefer is not None:
        best = max((n for n in ranked if prefer(*_chars(enc, n))), key=values.__getitem__,
                   default=best)
    i, j, _ = enc.spans[best]
    ci, cj, _ = enc.spans[chosen]
    inside = i <= ci and cj <= j
    # A preferred phrase that holds the model's own answer is marked with that answer's
    # certainty; one that does not stands for the spans within it, its runner-up being the
    # best span outside it.
    basis = chosen if inside else best
    bi, bj, _ = enc.spans[basis]
    # the spans that overlap the basis start at most MAX_LEN - 1 tokens before it (the
    # spans are in order of first, then last token): the same terms in the same order
    lo = bisect_left(enc.spans, (bi - sf.MAX_LEN + 1,))
    hi = bisect_left(enc.spans, (bj + 1,), lo)
    mass = sum([x for x, (a, b, _) in zip(exp[lo:hi], enc.spans[lo:hi])
                if a <= bj and b >= bi]) / total
    probability = exp[basis] / total
    if not inside:
        probability = mass
        ranked = [n for n in ranked if enc.spans[n][0] > j or enc.spans[n][1] < i]
    # the most probable of the others (the first of equals), without a Python loop
    kept, values[basis] = values[basis], -math.inf
    second = max(ranked, key=values.__getitem__, default=None)
    values[basis] = kept
    if second == basis:
        second = None
    return Prediction(_chars(enc, best), probability,
                      _chars(enc, second) if second is not None else None,
                      exp[second] / total if second is not None else 0.0,
                      mass, bj - bi + 1, enc.typed[basis], not inside, len(values),
                      agreement.agree(basis) if agreement else 0.0)


class _Agreement:
    """Token F1 between a sentence's spans, weighted by the model's probabilities, over the
    allowed spans that hold at least MBR_EPS of the probability (a few dozen of a few
    hundred)."""

    def __init__(self, spans, exp: list[float], total: float,
                 words: Sequence[int] | None, allowed) -> None:
        self.spans = spans
        self.done: dict[int, tuple[float, float]] = {}
        c = self.counted = list(accumulate(
            words if words is not None else repeat(1, max(j for _, j, _ in spans) + 1),
            initial=0))
        held = compress(allowed, map(le, repeat(MBR_EPS * total), map(exp.__getitem__, allowed)))
        # each with the words it counts
        self.support = [(i, j, exp[n] / total, c[j + 1] - c[i])
                        for n in held for i, j in (spans[n][:2],)]

    def _sums(self, n: int) -> tuple[float, float]:
        """Expected token F1 of span `n`, and the probability of the spans with F1 >= 0.5
        (remembered: the chosen span's are asked for again)."""
        found = self.done.get(n)
        if found is not None:
            return found
        a, b, _ = self.spans[n]
        c = self.counted
        size = c[b + 1] - c[a]
        expected = agree = 0.0
        for i, j, p, words in self.support:
            lo = a if a > i else i
            hi = b if b < j else j
            if lo > hi:
                continue
            common = c[hi + 1] - c[lo]
            if common:
                f = 2 * common / (size + words)
                expected += p * f
                if f >= 0.5:
                    agree += p
        found = self.done[n] = (expected, agree)
        return found

    def mbr(self, candidates: list[int], values: list[float]) -> int:
        """The candidate with the highest expected F1 (the more probable of equals), leaving
        out spans of punctuation and "the" alone when others are there."""
        c = self.counted
        worded = [n for n in candidates
                  if c[self.spans[n][1] + 1] - c[self.spans[n][0]] > 0] or candidates
        return max(worded, key=lambda n: (self._sums(n)[0], values[n]))

    def agree(self, n: int) -> float:
        return self._sums(n)[1]


def _chars(enc: sf.Encoded, n: int) -> tuple[int, int]:
    i, j, _ = enc.spans[n]
    return enc.tokens[i][0], enc.tokens[j][1]


def calibration_inputs(pred: Prediction, score: float, top_score: float,
                       next_score: float | None, wh: str,
                       ranking_coverage: float = 0.0, repeated: bool = False,
                       head: bool = False, agree: bool = False) -> list[float]:
    """What the calibrator reads: the span's log-odds and its log margin over the runner-up,
    the log-odds of the spans around it, its length, whether a typed pattern or a preferred
    phrase gave it, the hit's gap to the best hit's ranking score and its lead over the next
    hit, the share of the question's term weight the sentence holds as the ranking counts it
    (with what it refers back to: "the city"), the question's wh-class, whether it names what
    it asks for ("what year"), the span's and its neighbourhood's log-probability (that both
    the sentence and the span are right is a product), how many spans the sentence offered,
    and whether the next hit's sentence holds the same words (an answer two sentences agree
    on). Not inputs: the answer type (dev-public has 16-39 questions of several types, too
    few for a weight that holds on news), and the share of the question's words written in
    the sentence (it misses "the city" standing for al-Mayadin; the ranking's share holds
    it)."""
    p = min(max(pred.probability, 1e-6), 1 - 1e-6)
    q = max(pred.runner_up_probability, 1e-6)
    m = min(max(pred.mass, 1e-6), 1 - 1e-6)
    lead = score - next_score if next_score is not None else 1.0
    inputs = [math.log(p / (1 - p)), math.log(p / q), math.log(m / (1 - m)),
            min(pred.tokens, 8) / 8, float(pred.typed), float(pred.preferred),
            score - top_score, min(lead, 1.0), ranking_coverage,
            *(float(wh == w) for w in sf.WH), float(head),
            math.log(p), math.log(m), math.log(pred.candidates) / 5, float(repeated)]
    if agree:
        a = min(max(pred.agree, 1e-6), 1 - 1e-6)
        inputs.append(math.log(a / (1 - a)))
    return inputs


_INPUTS = len(calibration_inputs(Prediction((0, 0), 0.5, None, 0.0), 0.0, 0.0, None, ""))


def confidence(model: SpanModel, inputs: list[float]) -> float:
    """A calibrated probability that the span is right (token F1 >= 0.5), in [0, 1]."""
    c = model.calibration
    if model.stack is not None:
        return _logistic(c, [math.log(p) for p in stacked_parts(model.stack, inputs,
                                                                 model.mbr)])
    return _logistic(c, inputs)


def _logistic(c: Sequence[float], inputs: Sequence[float]) -> float:
    z = c[0] + sum(w * x for w, x in zip(c[1:], inputs))
    z = max(min(z, 40.0), -40.0)
    return 1.0 / (1.0 + math.exp(-z))


# The stacked calibrator's parts read these of `calibration_inputs`: what the ranking says
# (gap, lead, coverage, the next hit repeating the answer, the wh-class, "what year") with the
# ranking's features of the hit and their differences from the next hit's (`RANKING_FEATURES`,
# appended to the inputs), and what the span model says.
_W = len(sf.WH)
RANKING = (6, 7, 8, 13 + _W, *range(9, 9 + _W), 9 + _W)
_SPAN = (0, 1, 2, 3, 4, 5, 10 + _W, 11 + _W, 12 + _W, *range(9, 9 + _W), 9 + _W)
RANKING_FEATURES = ("bm25", "coverage", "type", "name", "context", "lead", "neighbours",
                    "neighbours2", "bigram", "nbm25", "exact", "prefix", "article")


def span_positions(mbr: int) -> tuple[int, ...]:
    """The inputs the span part reads (with the agreeing probability when `mbr`)."""
    return _SPAN + ((14 + _W,) if mbr else ())


def ranking_inputs(features: dict[str, float], following: dict[str, float] | None
                   ) -> list[float]:
    """The ranking's features of a hit and their differences from the next hit's (none: 0)."""
    following = following or {}
    return [features.get(k, 0.0) for k in RANKING_FEATURES] + \
        [features.get(k, 0.0) - following.get(k, 0.0) for k in RANKING_FEATURES]


def stacked_parts(stack: tuple[Sequence[float], Sequence[float]], inputs: Sequence[float],
                  mbr: int) -> tuple[float, float]:
    """The probabilities that the sentence holds the answer and that the span is right when
    it does (each kept inside [1e-6, 1 - 1e-6]); `inputs`: `calibration_inputs` followed by
    `ranking_inputs`."""
    base = _INPUTS + (mbr > 0)
    sentence = [inputs[i] for i in RANKING] + list(inputs[base:])
    span = [inputs[i] for i in span_positions(mbr)]
    return tuple(min(max(_logistic(w, x), 1e-6), 1 - 1e-6)  # type: ignore[return-value]
                 for w, x in ((stack[0], sentence), (stack[1], span)))
