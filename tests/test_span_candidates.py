"""The spans the answer model chooses among, for any sentence: exactly those the rules allow
(so no answer is lost or invented when the listing is made faster), with the features the
rules give. The rules, as `qa/span_features.py` states them: at most MAX_LEN tokens, never
starting or ending on punctuation (a currency sign may start one; a per-cent sign, or a
closing bracket the span opened, may end one), never across a newline or a sentence stop,
never the question's own words only."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qa import span_features as sf

WORDS = ["Army", "said", "10", "km", "Mr", "Inc", "of", "the", "Paris", "3.5", "(", ")", ",",
         ".", "?", "!", "%", "$", "-", "’s", "long_", "\n", "Wednesday", "city"]


def _by_the_rules(text, cue, asked, found):
    """Every allowed (first, last, features) by testing each pair of tokens."""
    toks = sf.tokenize(text)
    low = [text[s:e].lower() for s, e in toks]
    n = len(toks)
    q = [any(s < e2 and s2 < e for _, s2, e2 in asked) for s, e in toks]
    # the typed patterns' tokens as the token features mark them (a later pattern over an
    # earlier one)
    pats = sf.span_candidates.pattern_token_spans(sf._pattern_marks(toks, found))
    w, t = sf.WH.index(cue.wh), sf.TYPES.index(cue.answer_type)
    off, nw, nt = sf.span_offsets(), len(sf.WH), len(sf.TYPES)
    out = []
    for i in range(n):
        for j in range(i, min(n, i + sf.MAX_LEN)):
            inside = range(i, j + 1)
            if any(k > i and ("\n" in text[toks[k - 1][1]:toks[k][0]] or low[k - 1] in "?!"
                              or (low[k - 1] == "." and len(low[k - 2]) > 3 if k > 1
                                  else False)) for k in inside):
                break
            if not (low[i][0].isalnum() or low[i] in "$£€¥"):
                break
            opened = any(low[k] == "(" for k in inside)
            if not (low[j][-1].isalnum() or low[j] == "%" or (low[j] == ")" and opened)):
                continue
            if all(q[k] for k in inside):
                continue
            rels = [1 if (s, e) == (i, j) else 2 if s <= i and j <= e else
                    3 if i <= s and e <= j else 4 for s, e in pats if not (e < i or s > j)]
            rel = 1 if 1 in rels else min(rels, default=0)
            commas = min(sum(low[k] == "," for k in inside), 2)
            out.append((i, j, (off["len"] + (j - i) * nw + w, off["lent"] + (j - i) * nt + t,
                               off["qin"] + any(q[k] for k in inside) * nw + w,
                               off["tp"] + rel * nt + t, off["comma"] + commas * nw + w)))
    return out


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from([" ", " ", "", "\n"])),
                max_size=40),
       st.sets(st.integers(0, 39), max_size=8), st.lists(st.tuples(st.integers(0, 39),
                                                                   st.integers(0, 4)),
                                                         max_size=3),
       st.sampled_from(sf.WH), st.sampled_from(sf.TYPES))
def test_the_spans_scored_are_those_the_rules_allow(words, asked_at, typed, wh, answer_type):
    text = "".join(w + gap for w, gap in words)
    toks = sf.tokenize(text)
    asked = [("term", *toks[k]) for k in sorted(asked_at) if k < len(toks)]
    found = [(toks[k][0], toks[min(k + more, len(toks) - 1)][1]) for k, more in typed
             if k < len(toks)]
    cue = sf.QuestionCue(wh, answer_type, "-", frozenset({"term"}), {"term": "1"})
    enc = sf.encode(text, cue, asked, found)
    assert enc.spans == _by_the_rules(text, cue, asked, found)
    exact = {(i, j) for i, j, f in enc.spans if f[3] == sf.span_offsets()["tp"] + len(sf.TYPES)
             + sf.TYPES.index(answer_type)}
    assert [(i, j) in exact for i, j, _ in enc.spans] == enc.typed
