"""What the answer model sees: a sentence's words and its candidate answer spans, as features.

A question's answer is a short run of words (at most `MAX_LEN`) of one sentence. Each word gets
token features (the word, its shape, its neighbours, whether it is one of the question's words,
how far the nearest question word is on each side and where that word stands in the question
from its wh-word, how many question words are near, whether a typed pattern such as a distance
or a date covers it), each alone and conjoined with the question's wh-class, answer type and
head noun;
a span's score adds its first word's "start" weights, its last word's "end" weights and every
word's "inside" weights, plus a few span features (length, question words inside, relation to a
typed pattern, commas). Features are hashed (crc32, stable across runs and machines) so the
training script and `qa ask` compute the same numbers from the same code.

Candidate spans respect the sanity rules: they never start or end on punctuation (but a closing
bracket or per-cent sign may end one), never cross a newline or a sentence stop, and never
consist of the question's own words only.
"""
from __future__ import annotations

import re
import zlib
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate, compress, count, repeat
from operator import add, eq, itemgetter, sub

from . import span_ablation, span_candidates
from .analyzer import STOPWORDS

MAX_LEN = 12
BITS = 22
MASK = (1 << BITS) - 1

WH = ("none", "what", "which", "who", "whom", "whose", "when", "where", "why", "how",
      "how_many", "how_much", "how_long", "how_far", "how_old", "how_big")
TYPES = ("other", "distance", "quantity", "money", "percent", "duration", "date", "person",
         "organisation", "place", "source")
# Span feature layout: (family, number of values, conjoined with wh-class or answer type).
SPAN_FAMILIES = (("len", MAX_LEN, "wh"), ("lent", MAX_LEN, "type"), ("qin", 2, "wh"),
                 ("tp", 5, "type"), ("comma", 3, "wh"))

_TOKEN = re.compile(r"(?:[A-Za-z]\.){2,}|\d+(?:[.,]\d+)*|\w+(?:-\w+)*|['’]\w+|\S")
_WH_WORD = re.compile(r"\b(what|which|who|whom|whose|when|where|why|how)\b(?:\s+(\w+))?"
                      r"(?:\s+(\w+))?", re.I)
_WORD_BEFORE = re.compile(r"(\w+)\W*$")
_HOW = {"many": "how_many", "much": "how_much", "long": "how_long", "far": "how_far",
        "old": "how_old", "big": "how_big", "large": "how_big", "close": "how_far",
        "near": "how_far"}
_NOT_HEAD = frozenset("is was are were do does did has have had can could would will should "
                      "the a an of in on to for be been".split())


@dataclass(frozen=True)
class QuestionCue:
    """What the model conditions on: the question's wh-class, answer type and head noun, and
    where each of its terms stands from the wh-word ("Who kicked ...": 'kick' at +1)."""

    wh: str
    answer_type: str
    head: str
    terms: frozenset[str]
    offsets: dict = field(default_factory=dict, compare=False)
    before: str = ""  # the question's word before the wh-word ("in" of "in what year")


def question_cue(text: str, answer_type: str, terms,
                 term_spans: list[tuple[str, int, int]] = ()) -> QuestionCue:
    """"In what year did ..." -> wh 'what', head 'year'; "how many punts ..." -> wh
    'how_many', head 'punts'. `term_spans` (the analyzer's (term, start, end) of the
    question) give each question term's offset in words from the wh-word."""
    m = _WH_WORD.search(text)
    wh, head = "none", "-"
    if m:
        word, after = m.group(1).lower(), (m.group(2) or "").lower()
        third = (m.group(3) or "").lower()
        wh = _HOW.get(after, "how") if word == "how" else word
        if word in ("what", "which") and after and after not in _NOT_HEAD:
            head = after
        elif wh in ("how_many", "how_much") and third and third not in _NOT_HEAD:
            head = third
    terms = frozenset(terms)
    before = _WORD_BEFORE.search(text, 0, m.start(1)) if m else None
    return QuestionCue(wh, answer_type if answer_type in TYPES else "other", head, terms,
                       _term_offsets(text, m.start(1) if m else None, terms, term_spans),
                       before.group(1).lower() if before else "")


def _term_offsets(text: str, wh_at: int | None, terms, term_spans) -> dict[str, str]:
    """Each question term's bucketed signed distance in words from the wh-word (the nearest
    occurrence): "-3".."-1", "1".."4", "<" and ">" beyond, "x" when there is no wh-word."""
    if not term_spans:
        return {}
    starts = [s for s, _ in tokenize(text)]
    wh_k = bisect_right(starts, wh_at) - 1 if wh_at is not None else None
    best: dict[str, int] = {}
    for term, s, _ in term_spans:
        if term not in terms:
            continue
        off = bisect_right(starts, s) - 1 - wh_k if wh_k is not None else 99
        if term not in best or abs(off) < abs(best[term]):
            best[term] = off
    return {t: "x" if o == 99 else "<" if o < -3 else ">" if o > 4 else str(o)
            for t, o in best.items()}


@dataclass
class Encoded:
    """A sentence ready for scoring: token character spans, hashed token features and the
    candidate spans (first token, last token, span-feature indices). A token's features come
    in groups (a word with its conjunctions, a shape with its conjunctions, ...): the same
    group recurs across tokens and questions, so the scorer sums each group's weights once."""

    tokens: list[tuple[int, int]]
    features: list[list[tuple[int, ...]]]
    spans: list[tuple[int, int, tuple[int, ...]]]
    typed: list[bool] = field(default_factory=list)  # span n is exactly a typed pattern's


def tokenize(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _TOKEN.finditer(text)]


@lru_cache(maxsize=1 << 16)
def shape(word: str) -> str:
    """"Mayadin" -> "Xx", "1990" -> "dddd", "3.2" -> "d.d", "U.S." -> "X.X."."""
    out, last, run = [], "", 0
    for ch in word:
        c = "d" if ch.isdigit() else "X" if ch.isupper() else "x" if ch.isalpha() else ch
        run = run + 1 if c == last else 1
        if run <= (4 if c == "d" else 2 if c == "x" else 1):
            out.append(c)
        last = c
    return "".join(out)


def _bucket(d: int | None) -> str:
    if d is None:
        return "x"
    return str(d) if d <= 3 else "4" if d <= 5 else "6" if d <= 9 else "10"


_BUCKETS = tuple(map(_bucket, range(11)))  # "10" from 10 on
_LEFT = {b: "dl=" + b for b in (*_BUCKETS, "x")}  # the flags, made once
_RIGHT = {b: "dr=" + b for b in (*_BUCKETS, "x")}


def span_offsets() -> dict[str, int]:
    """Where each span-feature family starts in the flat span weight list."""
    out, pos = {}, 0
    for name, values, conj in SPAN_FAMILIES:
        out[name] = pos
        pos += values * (len(WH) if conj == "wh" else len(TYPES))
    out["size"] = pos
    return out


_OFFSETS = span_offsets()


def encode(text: str, cue: QuestionCue, term_spans: list[tuple[str, int, int]],
           patterns: list[tuple[int, int]], drop: frozenset[str] = frozenset(),
           classes=None) -> Encoded:
    """Features of `text` for `cue`. `term_spans` are the analyzer's (term, start, end);
    `patterns` are the character spans the typed pattern of the answer type finds; `drop`
    names feature families left out (for the ablation); `classes` (a WordClasses) adds each
    word's class and its neighbours' (with the question's head noun and its class)."""
    toks = tokenize(text)
    n = len(toks)
    words = [text[s:e] for s, e in toks]
    lowers = [w.lower() for w in words]
    qm = _question_matches(toks, term_spans, cue.terms, cue.offsets)
    tp = _pattern_marks(toks, patterns)
    left, right, left_off, right_off = _distances(qm)
    density = _window_counts(qm)
    conj = (("|" + cue.wh).encode(), ("|t" + cue.answer_type).encode(),
            ("|h" + cue.head).encode())
    word = _cached(_word_keys, conj)
    shaped = _cached(_shape_keys, conj)
    flag = _cached(_flag_keys, conj)  # one flag at a time: they recur across tokens
    lex = list(map(word, lowers))
    shp = list(map(shaped, map(shape, words)))
    edge_w, edge_s = word("<s>"), shaped("<s>")
    end_w, end_s = word("</s>"), shaped("</s>")
    cls = cls_edge = None
    if classes is not None and "classes" not in drop:
        cls, cls_edge = classes.token_groups(lowers, cue.head, conj)
    if drop:
        features = span_ablation.dropped_groups(
            drop, lowers, lex, shp, (edge_w, edge_s, end_w, end_s), cls, cls_edge, flag,
            (left, right, left_off, right_off), qm, tp, cue.before, density)
    else:
        features = _groups(lowers, lex, shp, (edge_w, edge_s, end_w, end_s), cls, cls_edge,
                           flag, (left, right, left_off, right_off), qm, tp, cue.before,
                           density)
    pats = span_candidates.pattern_token_spans(tp)
    spans = _spans(text, toks, lowers, qm, pats, cue, drop)
    typed = [False] * len(spans)
    for pattern in pats:  # spans are in order of (first, last) token
        k = bisect_left(spans, pattern)
        if k < len(spans) and spans[k][:2] == pattern:
            typed[k] = True
    return Encoded(toks, features, spans, typed)


def _groups(lowers, lex, shp, edges, cls, cls_edge, flag, distances, qm, tp, before,
            density) -> list[list[tuple[int, ...]]]:
    """Each token's feature groups: its word, the previous and the next word, its shape, the
    previous and the next shape (and the same of word classes, with `cls`), then its flags
    (distances to question words, question word, typed pattern, alignment, the question's
    word before the wh-word just before it, question words near). Put together a column at
    a time (`map` and `zip` in C): `span_ablation.dropped_groups` with nothing dropped."""
    edge_w, edge_s, end_w, end_s = edges
    cols = (*_columns(lex, edge_w, end_w), *_columns(shp, edge_s, end_s))
    if cls is not None:
        cols += _columns(cls, cls_edge, cls_edge)
    features = list(map(list, zip(*cols)))
    left, right, left_off, right_off = distances
    dl = map(flag, map(_LEFT.__getitem__, left))
    dr = map(flag, map(_RIGHT.__getitem__, right))
    al = map(flag, map(add, map(add, repeat("al="), left), left_off))
    ar = map(flag, map(add, map(add, repeat("ar="), right), right_off))
    after = [False, *map(eq, lowers[:-1], repeat(before))]
    asked, near = flag("q"), flag("pb")
    for g, a, b, m, t, c, d, p, e in zip(features, dl, dr, qm, tp, al, ar, after,
                                         map(flag, density)):
        g += (a, b)
        if m:
            g.append(asked)
        if t:
            g.append(flag("tp" + t))
        g += (c, d)
        if p:
            g.append(near)
        g.append(e)
    return features


def _columns(groups, edge, end) -> tuple[list, list, list]:
    """From each token's (own, as the previous token, as the next token) groups: its own,
    its previous token's and its next token's (the sentence's edges beyond the ends)."""
    return (list(map(_OWN, groups)), [edge[1], *map(_AS_PREVIOUS, groups[:-1])],
            [*map(_AS_NEXT, groups[1:]), end[2]])


_OWN, _AS_PREVIOUS, _AS_NEXT = itemgetter(0), itemgetter(1), itemgetter(2)


def _conjoined(f: str, conj: tuple[bytes, ...], how_many: int = 4) -> tuple[int, ...]:
    """The buckets of `f` alone and of `f` with each conjunct: crc32 of "feature|conjunct"
    continues the feature's own crc32, so the feature is encoded once."""
    c = zlib.crc32(f.encode())
    return (c & MASK, *(zlib.crc32(x, c) & MASK for x in conj[:how_many - 1]))


def _flag_keys(flag: str, conj) -> tuple[int, ...]:
    """The buckets of a token's flag ("dl=1", "q", "al=1/1"): alone and with every conjunct;
    the alignment flags ("al=", "ar=", "qd=") with the wh-class only."""
    return _conjoined(flag, conj, 2 if flag[:3] in _WH_ONLY else 4)


_WH_ONLY = frozenset({"al=", "ar=", "qd="})


_NO_HEAD = b"|h-"


def _word_keys(low: str, conj) -> tuple[tuple[int, ...], ...]:
    """A word's buckets as the token itself ("w=", and "stop"), as the previous word ("p=")
    and as the next word ("n="), each alone and with the wh-class, and its own with the
    question's head noun. All but that one are the same for every question of a wh-class:
    they are hashed once per wh-class (`_wh_word_keys`), the head's bucket per question."""
    cache = _BY_WH.get(conj[0])
    if cache is None or len(cache) > 10_000:
        cache = _BY_WH[conj[0]] = {}
    found = cache.get(low)
    if found is None:
        found = cache[low] = _wh_word_keys(low, conj)
    own, before, after, crc = found
    if conj[2] != _NO_HEAD:  # the word with the question's head noun: "year" and "1990"
        own = (*own[:2], zlib.crc32(conj[2], crc) & MASK, *own[2:])
    return own, before, after


_BY_WH: dict[bytes, dict] = {}  # wh-class conjunct -> word -> `_wh_word_keys` (10,000 a class)


def _wh_word_keys(low: str, conj) -> tuple:
    """`_word_keys` without the head noun's bucket (each read only the wh-class of `conj`),
    and the crc32 of "w=" + the word, which that bucket continues."""
    own = _conjoined("w=" + low, conj, 2)
    if low in STOPWORDS:
        own += _conjoined("stop", conj, 2)
    return (own, _conjoined("p=" + low, conj, 2), _conjoined("n=" + low, conj, 2),
            zlib.crc32(("w=" + low).encode()))


def _shape_keys(shp: str, conj) -> tuple[tuple[int, ...], ...]:
    """A shape's buckets as the token's own (with every conjunct), the previous and the next
    token's (with the wh-class)."""
    return (_conjoined("s=" + shp, conj), _conjoined("ps=" + shp, conj, 2),
            _conjoined("ns=" + shp, conj, 2))


_CACHES: dict = {}


def _cached(make, conj):
    """`make(x, conj)` remembered per conjunction set (a session asks many questions of one
    wh-class); each cache is emptied when it grows past 50,000 entries. A dict's own lookup,
    so that a word met before costs no Python call (`map` runs it in C)."""
    if len(_CACHES) > 64:
        _CACHES.clear()
    cache = _CACHES.get((make, conj))
    if cache is None:
        cache = _CACHES[(make, conj)] = _Memo(make, conj)
    return cache.__getitem__


class _Memo(dict):
    """x -> make(x, conj), made on first use."""

    def __init__(self, make, conj) -> None:
        super().__init__()
        self.make, self.conj = make, conj

    def __missing__(self, x):
        if len(self) > 50_000:
            self.clear()
        found = self[x] = self.make(x, self.conj)
        return found


def _question_matches(toks, term_spans, terms, offsets) -> list[str]:
    """For each token holding a word whose analyzed term is one of the question's, where that
    term stands from the question's wh-word ("" for the others; "?" when not known)."""
    hit = sorted((s, e, term) for term, s, e in term_spans if term in terms)
    out, j = [], 0
    for s, e in toks:
        while j < len(hit) and hit[j][1] <= s:
            j += 1
        out.append(offsets.get(hit[j][2], "?") if j < len(hit) and hit[j][0] < e else "")
    return out


def _pattern_marks(toks, patterns) -> list[str]:
    """'B', 'I', 'E' or 'S' (single) for tokens a typed-pattern span covers, else ''."""
    marks = [""] * len(toks)
    for ps, pe in patterns:
        inside = [k for k, (s, e) in enumerate(toks) if s < pe and e > ps]
        if not inside:
            continue
        for k in inside:
            marks[k] = "I"
        marks[inside[0]] = "B"
        marks[inside[-1]] = "S" if len(inside) == 1 else "E"
    return marks


_WINDOW = 3


def _window_counts(qm: list[str]) -> list[str]:
    """How many question words stand among the _WINDOW tokens before and after each token:
    "qd=2/0" (an answer sits where the question's words gather on one side)."""
    n = len(qm)
    sums = list(accumulate(map(bool, qm), initial=0))
    before = map(sub, sums[:n], [*repeat(0, _WINDOW), *sums[:max(n - _WINDOW, 0)]])
    after = map(sub, [*sums[_WINDOW + 1:], *repeat(sums[n], _WINDOW + 1)], sums[1:])
    return list(map(_NEAR.__getitem__, zip(before, after)))


_NEAR = {(a, b): f"qd={a}/{b}" for a in range(_WINDOW + 1) for b in range(_WINDOW + 1)}


def _distances(qm: list[str]) -> tuple[list[str], list[str], list[str], list[str]]:
    """Bucketed distance from each token to the nearest question word before it / after it,
    and where that word stands in the question (its offset from the wh-word); filled a run
    of tokens between two question words at a time."""
    n = len(qm)
    left, right, left_off, right_off = ["x"] * n, ["x"] * n, [""] * n, [""] * n
    bucket = [*_BUCKETS, *repeat(_BUCKETS[-1], n)]  # by distance
    asked = list(compress(count(), qm))
    for k, up_to in zip(asked, [*asked[1:], n - 1]):
        left[k + 1:up_to + 1] = bucket[1:up_to - k + 1]
        left_off[k + 1:up_to + 1] = repeat("/" + qm[k], up_to - k)
    start = 0
    for k in asked:
        right[start:k] = bucket[k - start:0:-1]
        right_off[start:k] = repeat("/" + qm[k], k - start)
        start = k
    return left, right, left_off, right_off


_PRONOUNS = frozenset("he she they it i we you him her them his its their this that".split())


def _spans(text, toks, lowers, qm, pats, cue, drop) -> list[tuple[int, int, tuple[int, ...]]]:
    """Every allowed span of up to MAX_LEN tokens with its span-feature indices
    (`span_candidates.listing`)."""
    return span_candidates.listing(text, toks, lowers, qm, pats,
                                   _span_table(cue.wh, cue.answer_type, drop), MAX_LEN,
                                   span_candidates.pattern_relation)


_TABLES: dict = {}


def _span_table(wh: str, answer_type: str, drop: frozenset[str]) -> tuple[list, dict]:
    """The span-feature indices by (question word inside, commas (0, 1, 2 or more),
    relation to a typed pattern, length - 1), for `span_candidates.listing`: the same for
    every sentence of a wh-class and answer type, so made once (with a dict of rows)."""
    key = (wh, answer_type, drop)
    found = _TABLES.get(key)
    if found is not None:
        return found
    w_i, t_i = WH.index(wh), TYPES.index(answer_type)
    nw, nt = len(WH), len(TYPES)
    keep = [fam not in drop for fam in ("length", "length", "question", "pattern", "comma")]

    def feats(length: int, q: int, c: int, r: int) -> tuple[int, ...]:
        out = (_OFFSETS["len"] + length * nw + w_i, _OFFSETS["lent"] + length * nt + t_i,
               _OFFSETS["qin"] + q * nw + w_i, _OFFSETS["tp"] + r * nt + t_i,
               _OFFSETS["comma"] + c * nw + w_i)
        return tuple(f for f, k in zip(out, keep) if k) if drop else out
    if len(_TABLES) > 1000:
        _TABLES.clear()
    found = _TABLES[key] = ([[[tuple(feats(length, q, c, r) for length in range(MAX_LEN))
                               for r in range(5)] for c in range(3)] for q in range(2)], {})
    return found


def is_pronoun(text: str) -> bool:
    return text.lower() in _PRONOUNS
