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
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

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
_SENTENCE_STOP = frozenset("?!")
_START_PUNCT = frozenset("$£€¥")
_END_PUNCT = frozenset(")%")


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
    shapes = [shape(w) for w in words]
    lex = [word(w) for w in lowers]
    shp = [shaped(x) for x in shapes]
    edge_w, edge_s = word("<s>"), shaped("<s>")
    end_w, end_s = word("</s>"), shaped("</s>")
    cls = cls_edge = None
    if classes is not None and "classes" not in drop:
        cls, cls_edge = classes.token_groups(lowers, cue.head, conj)
    features = []
    for k in range(n):
        pw, ps = (lex[k - 1], shp[k - 1]) if k else (edge_w, edge_s)
        nw, ns = (lex[k + 1], shp[k + 1]) if k + 1 < n else (end_w, end_s)
        flags = ["dl=" + left[k], "dr=" + right[k]]
        if qm[k]:
            flags.append("q")
        if tp[k]:
            flags.append("tp" + tp[k])
        flags.append("al=" + left[k] + left_off[k])
        flags.append("ar=" + right[k] + right_off[k])
        if k and lowers[k - 1] == cue.before:
            flags.append("pb")
        flags.append(density[k])
        if drop:
            groups = _dropped(drop, lex[k], pw, nw, shp[k], ps, ns)
            flags = [f for f in flags if _family(f) not in drop]
        else:
            groups = [lex[k][0], pw[1], nw[2], shp[k][0], ps[1], ns[2]]
        if cls is not None:
            groups += [cls[k][0], cls[k - 1][1] if k else cls_edge[1],
                       cls[k + 1][2] if k + 1 < n else cls_edge[2]]
        groups.extend(map(flag, flags))
        features.append(groups)
    spans = _spans(text, toks, lowers, qm, tp, cue, drop)
    exact = set(_pattern_token_spans(tp))
    return Encoded(toks, features, spans, [(i, j) in exact for i, j, _ in spans])


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
    wh-class); each cache is emptied when it grows past 50,000 entries."""
    if len(_CACHES) > 64:
        _CACHES.clear()
    cache = _CACHES.setdefault((make, conj), {})
    if len(cache) > 50_000:
        cache.clear()

    def get(x):
        found = cache.get(x)
        if found is None:
            found = cache[x] = make(x, conj)
        return found
    return get


def _dropped(drop, own, pw, nw, shp, ps, ns) -> list[tuple[int, ...]]:
    groups = []
    if "lexical" not in drop:
        groups += [own[0], pw[1], nw[2]]
    if "shape" not in drop:
        groups += [shp[0], ps[1], ns[2]]
    return groups


_FAMILY = {"w": "lexical", "p": "lexical", "n": "lexical", "s": "shape", "ps": "shape",
           "ns": "shape", "dl": "distance", "dr": "distance", "q": "question", "stop": "lexical",
           "al": "align", "ar": "align", "pb": "align", "qd": "align"}


def _family(key: str) -> str:
    name = key.split("=", 1)[0]
    return "pattern" if name.startswith("tp") else _FAMILY.get(name, name)


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
    sums = [0]
    for m in qm:
        sums.append(sums[-1] + bool(m))
    n = len(qm)
    return [f"qd={sums[k] - sums[max(k - _WINDOW, 0)]}/"
            f"{sums[min(k + 1 + _WINDOW, n)] - sums[k + 1]}" for k in range(n)]


def _distances(qm: list[str]) -> tuple[list[str], list[str], list[str], list[str]]:
    """Bucketed distance from each token to the nearest question word before it / after it,
    and where that word stands in the question (its offset from the wh-word)."""
    n = len(qm)
    left, right, left_off, right_off = [], [""] * n, [], [""] * n
    last = None
    for k in range(n):
        left.append(_bucket(k - last if last is not None else None))
        left_off.append("/" + qm[last] if last is not None else "")
        if qm[k]:
            last = k
    last = None
    for k in range(n - 1, -1, -1):
        right[k] = _bucket(last - k if last is not None else None)
        right_off[k] = "/" + qm[last] if last is not None else ""
        if qm[k]:
            last = k
    return left, right, left_off, right_off


_PRONOUNS = frozenset("he she they it i we you him her them his its their this that".split())


def _spans(text, toks, lowers, qm, tp, cue, drop) -> list[tuple[int, int, tuple[int, ...]]]:
    """Every allowed span of up to MAX_LEN tokens with its span-feature indices."""
    n = len(toks)
    starts = [_can_start(w) for w in lowers]
    ends = [_can_end(w) for w in lowers]
    breaks = [k > 0 and ("\n" in text[toks[k - 1][1]:toks[k][0]] or _is_stop(lowers, k - 1))
              for k in range(n)]
    asked = [bool(m) for m in qm]
    commas = [w == "," for w in lowers]
    opens = [w == "(" for w in lowers]
    closes = [w == ")" for w in lowers]
    w_i, t_i = WH.index(cue.wh), TYPES.index(cue.answer_type)
    nw, nt = len(WH), len(TYPES)
    len_w = [_OFFSETS["len"] + L * nw + w_i for L in range(MAX_LEN)]
    len_t = [_OFFSETS["lent"] + L * nt + t_i for L in range(MAX_LEN)]
    qin = [_OFFSETS["qin"] + v * nw + w_i for v in range(2)]
    tpi = [_OFFSETS["tp"] + v * nt + t_i for v in range(5)]
    cmi = [_OFFSETS["comma"] + min(v, 2) * nw + w_i for v in range(MAX_LEN + 1)]
    pats = _pattern_token_spans(tp)
    keep = [fam not in drop for fam in ("length", "length", "question", "pattern", "comma")]
    out = []
    for i in range(n):
        if not starts[i]:
            continue
        q_in = c_in = 0
        opened = False
        for j in range(i, n if n < i + MAX_LEN else i + MAX_LEN):
            if j > i and breaks[j]:
                break
            q_in += asked[j]
            c_in += commas[j]
            opened = opened or opens[j]
            if not ends[j] or (closes[j] and not opened):
                continue
            length = j - i
            if q_in > length:  # the question's own words only
                continue
            feats = (len_w[length], len_t[length], qin[q_in > 0],
                     tpi[_pattern_relation(i, j, pats) if pats else 0], cmi[c_in])
            if drop:
                feats = tuple(f for f, k in zip(feats, keep) if k)
            out.append((i, j, feats))
    return out


def _can_start(low: str) -> bool:
    return low[0].isalnum() or low in _START_PUNCT


def _can_end(low: str) -> bool:
    return low[-1].isalnum() or low in _END_PUNCT


def _is_stop(lowers: list[str], k: int) -> bool:
    """A sentence stop inside the sentence text: '?', '!', or '.' after a word too long to be
    an abbreviation ("Inc.", "St." and "Oct." go on)."""
    w = lowers[k]
    return w in _SENTENCE_STOP or (w == "." and k > 0 and len(lowers[k - 1]) > 3)


def _pattern_token_spans(tp: list[str]) -> list[tuple[int, int]]:
    out, start = [], None
    for k, m in enumerate(tp):
        if m == "S":
            out.append((k, k))
        elif m == "B":
            start = k
        elif m == "E" and start is not None:
            out.append((start, k))
            start = None
    return out


def _pattern_relation(i: int, j: int, pats: list[tuple[int, int]]) -> int:
    """0 no typed pattern touches the span, 1 it is one, 2 inside one, 3 holds one, 4 overlap."""
    best = 0
    for s, e in pats:
        if e < i or s > j:
            continue
        if (s, e) == (i, j):
            return 1
        rel = 2 if s <= i and j <= e else 3 if i <= s and e <= j else 4
        best = rel if best == 0 else min(best, rel)
    return best


def is_pronoun(text: str) -> bool:
    return text.lower() in _PRONOUNS
