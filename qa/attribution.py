"""Who said it: each sentence's sources, reporting cues and reported content.

How it decides, and why this way:

- Cues. A word is a cue candidate when it is in the lexicon built from PolNeAR's training
  articles (words that are often part of an annotated cue) or in a hand list of reporting
  verbs. A small logistic model (plain JSON weights, trained by `qa.attribution_eval --train`)
  scores each candidate from the word and its neighbours, because the same word ("support",
  "call", "pushed") is a cue in one sentence and not in the next. Candidates are found with a
  set lookup, so sentences without any are dismissed cheaply (the speed target is 100,000
  sentences in under 10 s).
- Cue spans take in auxiliaries, negation and adverbs before the verb ("has also said",
  "did not deny"), particles after it learned from the training data ("pointed out"), a
  recipient ("told Reuters") and "in a statement".
- Sources are noun phrases: the subject before the cue, kept whole with an appositive ("X, a
  war monitor, said"); after the cue when it is inverted (", said a spokesman"); after
  "according to"; the main subject for a participle ("..., adding that"). A confident cue
  whose source is not in the sentence is kept with an empty source ("" and span (0, 0)).
- Content is what the cue governs: the rest of the clause after the cue, or the quotation or
  clause before it ("“...,” he said"); a direct quotation running over several sentences is
  carried to those sentences as attributions whose source and cue lie elsewhere (their
  `source_span` and `cue_span` are empty, (0, 0)).
- Pronouns, relative pronouns and short forms ("he", "it", "who", "the Observatory", "the
  group") resolve to the most recent compatible full source of the same article.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from importlib import resources

import Stemmer  # PyStemmer: the Snowball algorithms in C

from .model import Attribution, Sentence

Span = tuple[int, int]

_TOKEN = re.compile(r"(?:[A-Za-z]\.){2,}(?:-\w+)*|(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|St|Jr|Sr)\."
                    r"|\w+(?:[-'’]\w+)*|''|``|[^\w\s]")
_WORD = re.compile(r"\w+(?:['’]\w+)*")
_OPEN_QUOTES = frozenset("“‘")
_CLOSE_QUOTES = frozenset("”’")
_QUOTES = frozenset(["“", "”", '"', "''", "``"])  # '' and `` are quotes in some newspapers
_PUNCT_STOP = frozenset(",;:()[]—–-")

AUX = frozenset("""
has have had having is are was were be been being am do does did will would could can may might
must should shall 's ’s 've ’ve 'd ’d 'll ’ll
""".split())
NEG = frozenset("""
not n't never no don't doesn't didn't won't wouldn't can't couldn't hasn't haven't hadn't isn't
wasn't aren't weren't shouldn't don’t doesn’t didn’t won’t wouldn’t can’t couldn’t hasn’t haven’t
hadn’t isn’t wasn’t aren’t weren’t shouldn’t cannot
""".split())
ADVERBS = frozenset("""
also previously repeatedly recently publicly later then still once already again often reportedly
just now even only quickly similarly widely long increasingly privately openly explicitly directly
strongly flatly initially originally finally ultimately clearly simply actually really generally
frequently always sometimes since further formally officially immediately angrily loudly firmly
sharply reluctantly separately specifically subsequently emphatically
""".split())
_VERB_GROUP = AUX | NEG | ADVERBS
_BE = frozenset("is are was were be been being am 's ’s".split())
# Words that end a subject noun phrase on its left: clause openers and conjunctions.
_CLAUSE = frozenset("""
that and but or because while when whereas although though if as after before since until so
where whether than nor yet
""".split())
_RELATIVE = frozenset({"who", "which"})
_PREPOSITIONS = frozenset("""
of to in on at by for with from about into over under against among between through during
without within upon like than as per via
""".split())
_FUNCTION = frozenset("""
the a an of to in on at by for with from about into over this that these those there here it its
""".split())
_DETERMINERS = frozenset("the a an his her its their our my your this that these those".split())
_TIME_WORDS = frozenset("""
on in at during after before last this next earlier later monday tuesday wednesday thursday friday
saturday sunday today yesterday tonight overnight week month year morning afternoon evening night
""".split())
_APPOSITIVE_OPENERS = frozenset("""
a an the part one former who which its his her their chief head director
""".split())
_PARTICIPLE_ENDINGS = ("ing",)
_PRONOUNS = {"he": "person", "she": "person", "him": "person", "her": "person",
             "it": "thing", "they": "group", "them": "group", "we": "self", "i": "self",
             "you": "self"}
_PERSON_WORDS = frozenset("""
source sources spokesman spokeswoman spokesperson official officials minister president commander
officer mr mrs ms dr man woman analyst analysts diplomat witness resident senator sen rep gov
governor candidate nominee secretary chairman chairwoman chair director leader adviser advisor
aide lawyer attorney economist strategist pollster professor expert chief executive mayor judge
general gen lt col father mother wife husband son daughter supporter voter voters member members
""".split())
_ORG_WORDS = frozenset("""
party committee campaign ministry department agency council institute university association group
foundation center centre commission bank corp inc company firm government army
administration office house senate congress court news times post journal network reuters police
unit alliance league union board organization organisation coalition movement service
""".split())
# Short forms that may stand for any organisation named before ("the group").
_GENERIC_ORG = frozenset("group organization organisation company firm agency body outlet".split())
_TITLES = frozenset("mr. mrs. ms. dr. sen. rep. gov. gen. mr mrs ms dr".split())
_RECIPIENTS = frozenset("reporters journalists reuters him her them me us".split())
_STATEMENT = re.compile(r"\s+(?:in|on)\s+(?:a|an|the|its|his|her|their)\s+(?:\w+\s+)?"
                        r"(?:statement|interview|tweet|post|letter|email|release)\b", re.I)
_RECIPIENT_NAME = re.compile(r"\s+((?:The\s+)?(?:[A-Z][\w.&'’-]*\s+){0,3}[A-Z][\w.&'’-]*)")


def _load_model() -> dict:
    """The trained cue lexicon and weights, read once from the packaged JSON.

    Missing only while `qa.attribution_eval --train` builds it for the first time.
    """
    path = resources.files("qa").joinpath("data/attribution_cues.json")
    if not path.is_file():
        return {"weights": {}, "bias": 0.0, "threshold": 0.5, "candidates": [], "particles": {}}
    return json.loads(path.read_text("utf-8"))


def _load_reporting() -> frozenset[str]:
    """Reporting and attitude verbs in every form: the hand-written half of the lexicon."""
    text = resources.files("qa").joinpath("data/reporting_verbs.txt").read_text("utf-8")
    lines = (line.strip() for line in text.splitlines())
    return frozenset(line for line in lines if line and not line.startswith("#"))


_STEM = Stemmer.Stemmer("english").stemWord
REPORTING: frozenset[str] = _load_reporting()
_WEIGHTS: dict[str, float] = {}
_BIAS = 0.0
_THRESHOLD = 0.5  # for the hand-listed reporting verbs
_THRESHOLD_OTHER = 0.5  # for the words only the training data suggests ("pushed", "backed")
# A cue this confident stands without a source ("The statement criticised ..."); below it, a
# cue whose source is not found is dropped.
_ALONE = 1.01
CANDIDATES: frozenset[str] = REPORTING
# Open tagging: every word but these may be a cue head (the model decides), not only the
# lexicon's. Auxiliaries, negation, adverbs and particles join a cue through the span rules.
NON_CUE = frozenset("""
the a an of to in on for with at by from about as into over up out off down back his her their
its our my your this these those it he she they we i you him them us me there here and but or not
so than then who which what what's that's it's mr mrs ms
""".split()) | AUX | NEG | ADVERBS
# An experiment, kept to reproduce it (`--train ... --open`): every word but NON_CUE is a
# candidate, with more word-shape features. It scored below the lexicon model (see
# docs/ATTRIBUTION.md), so the packaged model does not use it.
_OPEN = False
_PARTICLES: dict[str, list[str]] = {}
_STEMS: dict[str, str] = {}
_BOUNDS: dict[str, float] = {}  # per word, the most its subject features can add
_CLASSES: dict[str, str] = {}  # per word text, its coarse class (see _word_class)


def use_model(model: dict, threshold: float | None = None, alone: float | None = None,
              other: float | None = None) -> None:
    """Put a cue model (as read from JSON) in use, optionally with other thresholds."""
    global _WEIGHTS, _BIAS, _THRESHOLD, _THRESHOLD_OTHER, _ALONE, CANDIDATES, _PARTICLES, _STEMS
    global _OPEN
    _OPEN = bool(model.get("open", False))
    _WEIGHTS = model["weights"]
    _BIAS = model["bias"]
    _THRESHOLD = model["threshold"] if threshold is None else threshold
    _THRESHOLD_OTHER = model.get("threshold_other", _THRESHOLD) if other is None else other
    _ALONE = model.get("alone", 1.01) if alone is None else alone
    CANDIDATES = frozenset(model["candidates"]) | REPORTING
    _PARTICLES = model["particles"]
    _STEMS = {w: _STEM(w) for w in CANDIDATES}
    _BOUNDS.clear()
    _CLASSES.clear()  # a neighbour's class depends on the lexicon ("cand")


def saved_model() -> dict:
    """The model in use, in the form `use_model` takes."""
    return {"weights": _WEIGHTS, "bias": _BIAS, "threshold": _THRESHOLD,
            "threshold_other": _THRESHOLD_OTHER, "alone": _ALONE,
            "candidates": sorted(CANDIDATES - REPORTING), "particles": _PARTICLES,
            "open": _OPEN}


use_model(_load_model())


@dataclass(slots=True)
class Token:
    """A word or punctuation mark of a sentence, with its offsets in the sentence text."""

    start: int
    end: int
    text: str
    lower: str


@dataclass
class _Found:
    """One attribution inside a sentence, as spans, before resolution."""

    source: Span
    cue: Span
    content: Span | None
    antecedent: str = ""  # what a relative pronoun source ("who") stands for


def attribute(sentences: list[Sentence]) -> list[list[Attribution]]:
    """The attributions of each sentence of one document, pronouns resolved in reading order."""
    texts = [s.text for s in sentences]
    found = [find_in_sentence(t) for t in texts]
    history: list[str] = []
    result = [[_make(t, f, history) for f in items] for t, items in zip(texts, found)]
    for j, carried in enumerate(_carry_quotes(texts, found)):
        for i, k, span in carried:
            origin = result[i][k]
            result[j].append(Attribution(origin.source, origin.cue, origin.resolved_source,
                                         (0, 0), (0, 0), span))
    return result


def _make(text: str, f: _Found, history: list[str]) -> Attribution:
    """An Attribution from spans, resolving the source against the article so far."""
    source = text[f.source[0]:f.source[1]]
    if f.antecedent:
        resolved = _resolve(f.antecedent, history)
    else:
        resolved = _resolve(source, history)
    if source and source.lower() not in _PRONOUNS:
        history.append(resolved)
    return Attribution(source, text[f.cue[0]:f.cue[1]], resolved, f.source, f.cue, f.content)


def tokenize(text: str) -> list[Token]:
    """Words (keeping "U.S." and "don't" whole) and single punctuation marks."""
    return [Token(m.start(), m.end(), w, w.lower())
            for m in _TOKEN.finditer(text) for w in (m.group(),)]


def has_candidate(text: str) -> bool:
    """Whether any word of the sentence could be a cue: the cheap first test."""
    if _OPEN:
        return True
    return ":" in text[:60] or "”" in text or text.startswith("In ") \
        or any(w in CANDIDATES for w in _WORD.findall(text.lower()))


def find_in_sentence(text: str) -> list[_Found]:
    """Every attribution of one sentence, in cue order."""
    if not has_candidate(text):
        return []
    toks = tokenize(text)
    cues = [c for c in _cue_spans(text, toks) if c is not None]
    found: list[_Found] = []
    poll = _poll_opening(text, toks)
    if poll is not None:
        found.append(poll)
    for a, b, head, score in cues:
        if found and toks[a].start < found[-1].cue[1]:
            continue  # inside the cue before it ("said in a statement"): not a cue of its own
        item = _attach(text, toks, a, b, head, found, score)
        if item is not None and not _institution_action(text, toks[head].lower, item, score):
            found.append(item)
    _bound_contents(text, toks, found)
    return found


# A word only the training data suggests ("pushed", "moved") needs this much when an
# institution does it ("The army has pushed its advance"): done by a person it is more often
# a stance, done by an army or a company more often an action.
_INSTITUTION_OTHER = 0.6


def _institution_action(text: str, word: str, item: _Found, score: float) -> bool:
    """A data-only cue word below `_INSTITUTION_OTHER` whose source is a common-noun
    institution ("the army", "the company"): taken as an action, not an attribution."""
    if word in REPORTING or score >= _INSTITUTION_OTHER or item.source == (0, 0):
        return False
    words = text[item.source[0]:item.source[1]].split()
    return words[0].lower() in _DETERMINERS and _head_noun(" ".join(words)) in _ORG_WORDS


_POLLS = frozenset("poll polls survey surveys".split())


def _poll_opening(text: str, toks: list[Token]) -> _Found | None:
    """"In a CNN/ORC poll released Monday, 31% of Republicans said ...": a sentence opened by
    "In" and a poll or survey up to a comma attributes the rest of the sentence to the poll
    (PolNeAR marks "In" as the cue; on its training articles 20 of 26 such openings)."""
    if not toks or toks[0].text != "In":
        return None
    k = 1
    while k < len(toks) and k <= 14 and toks[k].text != ",":
        if toks[k].text in _PUNCT_STOP or toks[k].text in ".!?" or _is_quote(toks[k].text):
            return None
        k += 1
    if k >= len(toks) or toks[k].text != "," or k == 1 \
            or not any(t.lower in _POLLS for t in toks[1:k]):
        return None
    return _Found(_char_span(toks, 1, k), (toks[0].start, toks[0].end),
                  _after_span(text, toks[k].end))


# --- cues -------------------------------------------------------------------------------------

def cue_features(toks: list[Token], i: int, quoted: list[bool] | None = None,
                 subject: bool = True, reporting: list[int] | None = None) -> list[str]:
    """What the cue model sees of candidate `i`: the word, its neighbours and the clause shape.

    `quoted` (from `quote_depths`) saves finding again, for each candidate, whether it lies
    inside a quotation."""
    w = toks[i].lower
    p1 = toks[i - 1].lower if i > 0 else "<s>"
    p2 = toks[i - 2].lower if i > 1 else "<s>"
    n1 = toks[i + 1].lower if i + 1 < len(toks) else "</s>"
    n2 = toks[i + 2].lower if i + 2 < len(toks) else "</s>"
    feats = [f"w={w}", f"p1={p1}", f"n1={n1}", f"p2={p2}", f"n2={n2}", f"w|n1={w}|{n1}",
             f"p1|w={p1}|{w}", f"suf={w[-3:]}", f"sh={_shape(toks[i].text)}",
             f"p1sh={_shape(p1 if i == 0 else toks[i - 1].text)}",
             f"n1sh={_shape(n1 if i + 1 >= len(toks) else toks[i + 1].text)}"]
    if w in REPORTING:
        feats.append("reporting")
    if _OPEN:
        if w in CANDIDATES:
            feats.append("lexicon")
        feats.append(f"suf4={w[-4:]}")
        feats.append(f"n1stem={_STEM(n1)}")
        feats.append(f"p1stem={_STEM(p1)}")
    feats.append(f"stem={_STEMS.get(w) or _STEM(w)}")
    feats.append(f"suf2={w[-2:]}")
    feats.append(f"p1|n1={p1}|{n1}")
    window = toks[max(0, i - 4):i]
    if any(t.lower in _PRONOUNS for t in window):
        feats.append("pron_before")
    if any(t.text[:1].isupper() and t.lower not in _PRONOUNS for t in window):
        feats.append("cap_before")
    ahead = [t.lower for t in toks[i + 1:i + 4]]
    if "that" in ahead:
        feats.append("that_after")
    if any(_is_quote(t.text) for t in toks[i + 1:i + 3]):
        feats.append("quote_after")
    if any(_is_quote(t.text) for t in toks[max(0, i - 3):i]):
        feats.append("quote_before")
    if ":" in ahead:
        feats.append("colon_after")
    if p1 in _DETERMINERS:
        feats.append("det_before")
    if p1 in _VERB_GROUP:
        feats.append("aux_before")
    if p1 == "to":
        feats.append("to_before")
    if (quoted[i] if quoted is not None else _inside_quote(toks, i)):
        feats.append("in_quote")
    if i == 0:
        feats.append("first")
    elif i < 4:
        feats.append("early")
    c1 = _word_class(toks[i - 1]) if i > 0 else "<s>"
    d1 = _word_class(toks[i + 1]) if i + 1 < len(toks) else "</s>"
    c2 = _word_class(toks[i - 2]) if i > 1 else "<s>"
    feats.append(f"c1={c1}")
    feats.append(f"d1={d1}")
    feats.append(f"c2|c1={c2}|{c1}")
    feats.append(f"c1|d1={c1}|{d1}")
    feats.append(f"w|c1={w}|{c1}")
    feats.append(f"w|d1={w}|{d1}")
    feats.extend(_neighbour_cue_features(toks, i, w, reporting))
    if subject:
        feats.extend(subject_features(toks, i, w))
    return feats


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
    feats = []
    a = _extend_left(toks, i)
    subj = _np_left(toks, a)
    if subj is not None:
        kind = "pron" if subj[1] - subj[0] == 1 and toks[subj[0]].lower in _PRONOUNS else (
            "rel" if toks[subj[0]].lower in _RELATIVE else
            "cap" if toks[subj[0]].text[:1].isupper() else "np")
        feats.append(f"subj={kind}")
        feats.append(f"w|subj={w}|{kind}")
    else:
        feats.append("subj=none")
        feats.append(f"w|subj={w}|none")
    return feats


def _word_class(t: Token) -> str:
    """A coarse class of a neighbouring word, shared by words that behave alike."""
    c = _CLASSES.get(t.text)
    if c is None:
        c = _classify(t)
        if len(_CLASSES) < 200_000:
            _CLASSES[t.text] = c
    return c



def _classify(t: Token) -> str:
    w = t.lower
    if w in _PRONOUNS or w == "who":
        return "pron"
    if w in _DETERMINERS:
        return "det"
    if w in AUX:
        return "aux"
    if w in NEG:
        return "neg"
    if w == "that" or w == "to" or w in ("and", "but", "as"):
        return w
    if w in _PREPOSITIONS:
        return "prep"
    if _is_quote(t.text):
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
    if w in CANDIDATES:
        return "cand"
    if w.endswith("ing"):
        return "ing"
    if w.endswith("ed"):
        return "ed"
    if w.endswith("s"):
        return "s"
    return "low"


def _is_quote(text: str) -> bool:
    return text in _QUOTES or text in _OPEN_QUOTES or text in _CLOSE_QUOTES or text in ("''", "``")


def _inside_quote(toks: list[Token], i: int) -> bool:
    """Whether token `i` lies inside a quotation opened earlier in the sentence."""
    return quote_depths(toks[:i + 1])[i]


def quote_depths(toks: list[Token]) -> list[bool]:
    """For each token, whether it lies inside a quotation opened before it (as _inside_quote)."""
    out = []
    depth = 0
    for t in toks:
        out.append(depth > 0)
        if t.text == "“":
            depth += 1
        elif t.text == "”":
            depth = max(0, depth - 1)
        elif t.text == '"' or t.text == "''":
            depth = 0 if depth else 1
    return out


def _shape(word: str) -> str:
    if not word[0].isalnum():
        return "q" if word in _QUOTES or word in _OPEN_QUOTES or word in _CLOSE_QUOTES else word
    if word[0].isupper():
        return "C"
    if word[0].isdigit():
        return "d"
    return "l"


_ZEROS = (0.0,) * 64


def _subject_bound(w: str) -> float:
    """The most the subject features can add to the score of word `w`."""
    b = _BOUNDS.get(w)
    if b is None:
        b = _BOUNDS[w] = max(_WEIGHTS.get(f"subj={k}", 0.0) + _WEIGHTS.get(f"w|subj={w}|{k}", 0.0)
                             for k in _SUBJECT_KINDS)
    return b


def _logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))


def cue_score(feats: list[str]) -> float:
    """Probability that a candidate is (part of) a cue."""
    z = _BIAS + sum(map(_WEIGHTS.get, feats, _ZEROS[:len(feats)]))
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def is_candidate(toks: list[Token], i: int, title: bool = False) -> bool:
    """A lexicon word, and lower case unless it opens the sentence ("State" is a name) or the
    sentence is a headline in title case ("Trump Says He Will Win"); or the colon of a speaker
    label ("PENCE: ...", "Pat Caddell: ...")."""
    t = toks[i]
    if t.lower in CANDIDATES or (_OPEN and t.text[0].isalpha() and t.lower not in NON_CUE):
        return i == 0 or title or not t.text[0].isupper() or _first_word(toks, i) \
            or (t.lower in REPORTING and _headline_run(toks, i))
    return t.text == ":" and _speaker_label(toks, i) is not None


def _headline_run(toks: list[Token], i: int) -> bool:
    """A reporting verb inside a run of capitalised words, as when a headline is run into
    the text before or after it ("... 9:52PMBush Says We Should Pay Attention To ...")."""
    if i < 1 or i + 2 >= len(toks):
        return False
    return all(toks[k].text[:1].isupper() and toks[k].text.isalpha() for k in (i - 1, i + 1, i + 2))


def _credit_line(text: str, toks: list[Token], i: int) -> tuple[int, int] | None:
    """'“...” ― Name': a dash after a closing quote, then a short capitalised name that ends
    its line."""
    if toks[i].text not in "―—–" or i == 0 or toks[i - 1].text not in _CLOSE_QUOTES | _QUOTES:
        return None
    k = i + 1
    while k < len(toks) and toks[k].text not in ",.;(" and not _is_quote(toks[k].text) \
            and "\n" not in text[toks[k - 1].end:toks[k].start]:
        k += 1
    if not 1 <= k - i - 1 <= 5 or not toks[i + 1].text[0].isupper():
        return None
    return (i + 1, k)


def _speaker_label(toks: list[Token], i: int) -> tuple[int, int] | None:
    """The one to four capitalised words before the colon at `i` that open the sentence."""
    start = 0
    while start < i and _is_quote(toks[start].text):
        start += 1
    if not 1 <= i - start <= 4:
        return None
    for t in toks[start:i]:
        if not t.text[0].isupper() or t.lower in _PRONOUNS:
            return None
    return (start, i)


def title_case(toks: list[Token]) -> bool:
    """A headline: most longer words capitalised."""
    words = [t.text for t in toks if len(t.text) > 3 and t.text[0].isalpha()]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.8 * len(words)


def _first_word(toks: list[Token], i: int) -> bool:
    """Only quotes or brackets before token `i`."""
    return all(not t.text[0].isalnum() for t in toks[:i])


def _cue_spans(text: str, toks: list[Token]) -> list[tuple[int, int, int, float] | None]:
    """Accepted cues as token ranges [a, b) with the index of their head word and its score."""
    spans: list[tuple[int, int, int, float]] = []
    title = None
    quoted = None
    reporting: list[int] = []  # reporting verbs seen so far, for cue_features
    for i in range(len(toks)):
        t = toks[i]
        if i and title is None and t.text[0].isupper() and (
                t.lower in CANDIDATES or (_OPEN and t.lower not in NON_CUE)):
            title = title_case(toks)
        if not is_candidate(toks, i, bool(title)):
            if toks[i].text in "―—–" and _credit_line(text, toks, i):
                spans.append((i, i + 1, i, 1.0))
            continue
        if quoted is None:
            quoted = quote_depths(toks)
        w = toks[i].lower
        if w in REPORTING and t.text[0].islower():
            reporting.append(i)  # cue_features looks only at those before the candidate
        threshold = _THRESHOLD if w in REPORTING else _THRESHOLD_OTHER
        feats = cue_features(toks, i, quoted, subject=False, reporting=reporting)
        z = _BIAS + sum(map(_WEIGHTS.get, feats, _ZEROS[:len(feats)]))
        if z + _subject_bound(w) < _logit(threshold):
            continue  # cannot reach the threshold whatever the subject: skip the costly part
        score = cue_score(feats + subject_features(toks, i, w))
        if score < threshold:
            continue
        if spans and spans[-1][1] >= i:
            continue  # already inside the previous cue ("according to")
        if spans and _only_verb_group(toks, spans[-1][1], i):
            a = spans[-1][0]
            spans[-1] = (a, _extend_right(toks, i), i, max(score, spans[-1][3]))  # "has made clear"
            continue
        spans.append((_extend_left(toks, i), _extend_right(toks, i), i, score))
    return list(spans)


def _only_verb_group(toks: list[Token], a: int, b: int) -> bool:
    return all(toks[k].lower in _VERB_GROUP for k in range(a, b))


def _extend_left(toks: list[Token], i: int) -> int:
    """Take in auxiliaries, negation and adverbs just before the cue word."""
    a = i
    while a > 0 and toks[a - 1].lower in _VERB_GROUP and i - a < 4:
        a -= 1
    return a


def _extend_right(toks: list[Token], i: int) -> int:
    """Take in "to" of "according to" and particles learned for this word ("pointed out")."""
    w = toks[i].lower
    b = i + 1
    if w == "according" and b < len(toks) and toks[b].lower == "to":
        return b + 1
    particles = _PARTICLES.get(w)
    if particles and b < len(toks) and toks[b].lower in particles:
        return b + 1
    return b


# --- sources ---------------------------------------------------------------------------------

def _attach(text: str, toks: list[Token], a: int, b: int, head: int,
            earlier: list[_Found], score: float = 1.0) -> _Found | None:
    """Find the source of cue [a, b) and build the attribution.

    Without a source the cue is kept, with an empty source span, only when the model is
    confident (`score >= _ALONE`); otherwise None.
    """
    word = toks[head].lower
    cue_end = _cue_end(text, toks, b, word)
    if word in "―—–":
        name = _credit_line(text, toks, head)
        if name is None:
            return None
        return _Found(_char_span(toks, *name), (toks[head].start, toks[head].end),
                      _before_span(text, toks, head))
    if word == ":":
        label = _speaker_label(toks, head)
        if label is None:
            return None
        return _Found(_char_span(toks, *label), (toks[head].start, toks[head].end),
                      _after_span(text, toks[head].end))
    if word == "according":
        src = _np_right(toks, b)
        if src is None:
            return _alone(text, toks, a, cue_end, score)
        return _Found(_char_span(toks, *src), (toks[a].start, toks[b - 1].end),
                      _according_content(text, toks, a, src))
    if b < len(toks) and toks[b].lower == "by" and toks[head].lower.endswith(("ed", "en")) \
            and any(t.lower in _BE for t in toks[a:head]):
        agent = _np_right(toks, b + 1)  # "Clinton was endorsed by dozens of papers"
        if agent is not None:
            subject = _np_left(toks, a)
            content = _char_span(toks, *subject) if subject is not None else None
            return _Found(_char_span(toks, *agent), (toks[a].start, toks[b].end), content)
    if _passive(toks, a, head):
        # "Rubio is seen as ...", "the plan was approved": no agent, and the subject is what
        # the cue is about, not its source (PolNeAR leaves such sources empty)
        return _Found((0, 0), (toks[a].start, cue_end), _after_span(text, cue_end))
    src = _np_left(toks, a)
    antecedent = ""
    if src is not None and src[1] - src[0] == 1 and toks[src[0]].lower in _RELATIVE:
        antecedent = _antecedent(text, toks, src[0])
    participle = a > 0 and word.endswith(_PARTICIPLE_ENDINGS) and (
        toks[a - 1].text == "," or toks[a - 1].lower in _GERUND_OPENERS)
    shared = a > 0 and toks[a - 1].lower in ("and", "but") or participle
    if shared and (src is None or participle):
        # "..., adding that", "... by saying", "X mocked Y and said": the clause's subject
        if earlier:
            prev = earlier[-1]
            return _Found(prev.source, (toks[a].start, cue_end), _after_span(text, cue_end),
                          prev.antecedent)
        src = _clause_subject(toks, a)
    if src is None and a > 1 and toks[a - 1].lower == "to":
        src = _chain_subject(toks, a - 1)
    inverted = False
    if src is None and _may_invert(toks, a) and not (b < len(toks) and toks[b].lower in _PRONOUNS):
        src = _np_right(toks, b)  # ", said he was" is the content's subject, not an inversion
        inverted = src is not None
    if src is None:
        return _alone(text, toks, a, cue_end, score)
    source = _char_span(toks, *src)
    content = _content(text, toks, a, b, cue_end, src, inverted)
    return _Found(source, (toks[a].start, cue_end), content, antecedent)


_PARTICIPLES = frozenset("seen known shown told held thought given written heard".split())


def _passive(toks: list[Token], a: int, head: int) -> bool:
    """A passive cue ("was asked", "is widely seen"): a form of "be" in its verb group and a
    past participle as its head."""
    w = toks[head].lower
    return (w.endswith(("ed", "en")) or w in _PARTICIPLES) and w != "quoted" \
        and any(t.lower in _BE for t in toks[a:head])


_OBJECTS = frozenset("him her them us me".split())


def _chain_subject(toks: list[Token], to: int) -> tuple[int, int] | None:
    """The source of a cue in a verb chain: "Sanders has begun to rebut", "went on to
    explain", "moved to emphasize" take the subject of the first verb; "led her to declare",
    "urged them to say" take the object pronoun."""
    j = to - 1
    while j > 0 and toks[j].lower in ("on", "as", "far", "so", "up"):
        j -= 1  # "went on to", "went so far as to"
    t = toks[j]
    if t.lower in _OBJECTS:
        return (j, j + 1)
    if not t.text[:1].islower() or not t.text.isalpha() or t.lower in _FUNCTION \
            or t.lower in _PREPOSITIONS or t.lower in _DETERMINERS or j == 0:
        return None
    if toks[j - 1].lower in _DETERMINERS or toks[j - 1].lower in _PREPOSITIONS:
        return None  # "the decision to", "a plan to": a noun, not a verb
    return _np_left(toks, _extend_left(toks, j))


def _alone(text: str, toks: list[Token], a: int, cue_end: int, score: float) -> _Found | None:
    """A confident cue whose source is not in the sentence: empty source, content after it."""
    if score < _ALONE:
        return None
    return _Found((0, 0), (toks[a].start, cue_end), _after_span(text, cue_end))


def _cue_end(text: str, toks: list[Token], b: int, word: str) -> int:
    """Where the cue ends in characters, taking a recipient and "in a statement" with it."""
    end = toks[b - 1].end
    if word in ("told", "tells", "tell", "telling"):
        m = _RECIPIENT_NAME.match(text, end)
        if m and not _after_is_verbish(text, m.end()):
            end = m.end()
        elif b < len(toks) and toks[b].lower in _RECIPIENTS:
            end = toks[b].end
    m = _STATEMENT.match(text, end)
    if m:
        end = m.end()
    return end


def _after_is_verbish(text: str, pos: int) -> bool:
    """A recipient name must not swallow the subject of the reported clause ("told X Y said")."""
    rest = text[pos:pos + 20].lstrip()
    return rest[:1] in ("'", "’") or rest.lower().startswith(("is ", "was ", "has ", "had "))


def _np_left(toks: list[Token], a: int, depth: int = 0) -> tuple[int, int] | None:
    """The subject noun phrase ending just before token `a`, with an appositive if any.

    An adjunct between subject and verb is stepped over, because news puts them there often:
    "X, in an interview, said", "X, however, said", "allies have in the past said",
    "Carson and Fiorina have all said".
    """
    end = a
    if end > 0 and toks[end - 1].text == ",":
        return _comma_subject(toks, end - 1)
    start = _segment_left(toks, end)
    if start is None:
        return None
    if depth < 2 and _is_adjunct(toks, start, end) and start > 0 and (
            toks[start - 1].text == "," or toks[start - 1].lower in _VERB_GROUP):
        return _np_left(toks, _extend_left(toks, start), depth + 1)
    end = _drop_trailing_time(toks, start, end)
    return (start, end) if _is_subject(toks, start, end) else None


_FLOATING = frozenset("all both each also however though too meanwhile instead".split())


def _is_adjunct(toks: list[Token], start: int, end: int) -> bool:
    """A phrase that sits between a subject and its verb, not a subject itself: a
    prepositional phrase ("in the past"), an adverb ("barely", "however") or a floating
    quantifier ("all")."""
    first = toks[start]
    if first.text[:1].isupper():
        return False
    if first.lower in _PREPOSITIONS and first.lower not in ("like", "than", "as"):
        return True
    return all(t.lower in _FLOATING or t.lower in ADVERBS or t.lower.endswith("ly")
               for t in toks[start:end])


def _comma_subject(toks: list[Token], comma: int) -> tuple[int, int] | None:
    """The subject before one or more parentheticals ending in the comma at `comma`.

    "Robert Peck, an analyst at SunTrust, said", "Ramil Carr, 31, a photographer, said": the
    name with its appositives (PolNeAR takes appositives and relative clauses into the
    source); "Mr. Trump, in an interview, said", "Clinton, however, said", "Judge McKeague,
    writing for the majority, said": the name alone, the parenthetical being an adjunct. The
    leftmost phrase that can be a subject wins ("Mr. Slinker, whose start-up, Paradata, uses
    big data, said")."""
    commas = []
    c = comma
    while len(commas) < 4:
        c1 = _previous_comma(toks, c)
        if c1 is None or comma - c1 > 40:
            break
        commas.append(c1)
        c = c1
    for c1 in reversed(commas):
        head = _segment_left(toks, c1)
        if head is None or c1 - head > 8 or not _is_subject(toks, head, c1) \
                or not _subject_like(toks, head, c1):
            continue
        first = toks[c1 + 1]
        if c1 == commas[0] and first.text[:1].islower() and (
                first.lower in _PREPOSITIONS or first.lower in _FLOATING
                or first.lower in ADVERBS or first.lower.endswith(("ly", "ing", "ed"))
                or first.lower in _CLAUSE):
            return (head, c1)
        return (head, comma)
    return _relative_appositive(toks, comma)


def _previous_comma(toks: list[Token], comma: int) -> int | None:
    """The comma opening the parenthetical closed at `comma`, within 30 tokens and not across
    a quotation mark, a colon or a semicolon."""
    for k in range(comma - 1, max(0, comma - 30), -1):
        t = toks[k].text
        if t == ",":
            return k if k < comma - 1 else None
        if t in ";:" or _is_quote(t):
            return None
    return None


def _subject_like(toks: list[Token], start: int, end: int) -> bool:
    """A phrase that can be a subject: a name, a noun phrase opened by a determiner or number,
    or a lone pronoun ("he declined" is a clause, not a subject)."""
    first = toks[start]
    if start > 0 and toks[start - 1].lower in _SUBORDINATORS:
        return False  # "When asked, ...": a subordinate clause, not a subject
    if first.lower in _PRONOUNS:
        return end - start == 1 and first.lower not in ("him", "her", "them")
    if first.lower in _PREPOSITIONS or first.lower in _CLAUSE or first.lower in _TIME_WORDS:
        return False
    if first.text[:1].isupper() or first.text[:1].isdigit() or first.lower in _DETERMINERS:
        return True
    return end - start <= 3 and not any(t.lower.endswith(("ed", "ing")) or t.lower in REPORTING
                                        for t in toks[start:end])


_SUBORDINATORS = frozenset("""
when if as after before since until while because although though whereas where whether once
""".split())


def _relative_appositive(toks: list[Token], comma: int) -> tuple[int, int] | None:
    """"Dr. Connie Mariano, who as a Navy captain was ..., said": the name with its clause."""
    for k in range(comma - 1, max(1, comma - 40), -1):
        t = toks[k]
        if t.text in ";:" or _is_quote(t.text) or t.text in "()":
            return None
        if t.lower in _RELATIVE and toks[k - 1].text == ",":
            head = _segment_left(toks, k - 1)
            if head is not None and toks[head].text[:1].isupper() and k - 1 - head <= 8 \
                    and toks[head].lower not in _CLAUSE:
                return (head, comma)
            return None
    return None


def _matching_open(toks: list[Token], close: int) -> int | None:
    """Index of the "(" that the ")" at `close` closes, if near ("Paul Ryan (R-Wis.)")."""
    for k in range(close - 1, max(-1, close - 8), -1):
        if toks[k].text == "(":
            return k
    return None


def _drop_trailing_time(toks: list[Token], start: int, end: int) -> int:
    """"Trump this week also said": the time words are not part of the source."""
    k = end
    while k - 1 > start and toks[k - 1].lower in _TIME_WORDS | _DETERMINERS:
        k -= 1
    return k if k < end and toks[k - 1].lower not in _DETERMINERS else end


def _is_subject(toks: list[Token], start: int, end: int) -> bool:
    """A plausible subject: ends in a noun or pronoun and is not just function words."""
    last, first = toks[end - 1].lower, toks[start].lower
    if last in _DETERMINERS or last in _PREPOSITIONS or last in ("there", "to", "here"):
        return False
    if end - start == 1 and last in _PRONOUNS:
        return True
    if first.endswith("ing") and toks[start].text[0].islower() and first not in ("king",):
        return False
    return any(t.lower not in _FUNCTION and any(ch.isalpha() for ch in t.text)
               for t in toks[start:end])


def _segment_left(toks: list[Token], end: int, inside: bool = False) -> int | None:
    """Start of the noun phrase that ends at `end`: back to punctuation or a clause word.

    `inside` is for an appositive, which may hold a verb form ("part of the alliance supporting
    X"); a subject stops at one ("Trump mocked Rubio and said").
    """
    k = end
    while k > 0:
        t = toks[k - 1]
        if t.text == ")":
            opening = _matching_open(toks, k - 1)
            if opening is not None:
                k = opening
                continue
        if t.text in _PUNCT_STOP or t.text in _QUOTES or t.text in _OPEN_QUOTES \
                or t.text in _CLOSE_QUOTES or t.lower in _CLAUSE or t.lower in AUX \
                or t.lower in NEG:
            break
        if t.lower in _RELATIVE:
            if k == end:
                k -= 1  # "who said": the relative pronoun is the source
            break
        if end - k >= 14:
            return None
        if not inside and k < end and t.lower in REPORTING and not t.text[0].isupper():
            break
        k -= 1
    if k == end:
        return None
    if not any(any(ch.isalpha() for ch in toks[j].text) for j in range(k, end)):
        return None
    return k


def _np_right(toks: list[Token], b: int) -> tuple[int, int] | None:
    """The noun phrase starting at token `b` (inverted subject, or after "according to")."""
    k = b
    while k < len(toks):
        t = toks[k]
        if t.text in _PUNCT_STOP or t.text in ".!?" or t.text in _QUOTES \
                or t.text in _OPEN_QUOTES or t.text in _CLOSE_QUOTES \
                or t.lower in _CLAUSE or t.lower in AUX or t.lower in _RELATIVE:
            break
        if k - b >= 12:
            return None
        k += 1
    if k == b or toks[b].lower in _TIME_WORDS or toks[b].lower in _PREPOSITIONS:
        return None
    if toks[b].lower in ("this", "the", "last", "next") and b + 1 < k \
            and toks[b + 1].lower in _TIME_WORDS:
        return None  # "said this week ...": a time adjunct, not an inverted subject
    return (b, k)


def _may_invert(toks: list[Token], a: int) -> bool:
    """", said a spokesman" or "“...,” said X": a cue right after punctuation or quote."""
    if a == 0:
        return True
    prev = toks[a - 1].text
    return prev in (",", ":") or prev in _QUOTES or prev in _CLOSE_QUOTES


_GERUND_OPENERS = frozenset("by before after while without when since in".split())
_CONJUNCTIONS = frozenset("but and so yet still now then".split())


def _clause_subject(toks: list[Token], a: int) -> tuple[int, int] | None:
    """The subject of the main clause before token `a`, for a participle that shares it
    ("Trump took a hard line, saying ...", "he showed his skill by joking that ...").

    Opening phrases that cannot be a subject ("In West Miami,", "Shortly after the vote,",
    "When asked,", a dateline) are skipped up to their comma."""
    s = 0
    while s < a:
        t = toks[s]
        if t.lower in _CONJUNCTIONS or _is_quote(t.text):
            s += 1
            continue
        if not (t.lower in _PREPOSITIONS or t.lower in _CLAUSE or t.lower in _RELATIVE
                or t.lower in _TIME_WORDS or t.lower.endswith(("ly", "ing", "ed"))
                or _dateline(toks, s)):
            break
        k = s + 1
        while k < a and toks[k].text not in (",", "-", "—", "–"):
            k += 1
        if k >= a:
            return None
        s = k + 1
    span = _np_from(toks, s, a)
    return span if span is not None and _is_subject(toks, *span) else None


def _dateline(toks: list[Token], s: int) -> bool:
    """"DES MOINES - ...", "(Reuters) - ...", "WASHINGTON, Dec. 8 (UPI) — ...": a place or
    agency up to a dash near the start."""
    k = s
    while k < len(toks) and k - s < 9 and (toks[k].text.isupper() or toks[k].text in "(),."
                                           or toks[k].text[:1].isdigit()
                                           or toks[k].text[:1].isupper() and k > s):
        k += 1
    return k > s and k < len(toks) and toks[k].text in ("-", "—", "–", "―")


def _np_from(toks: list[Token], s: int, a: int) -> tuple[int, int] | None:
    """The noun phrase opening at token `s`: a lone pronoun, or words up to the verb (an
    auxiliary, an -ed or -ly word, a lexicon word, or a lower-case word after a name)."""
    if s >= a:
        return None
    first = toks[s]
    if first.lower in _PRONOUNS:
        return (s, s + 1) if first.lower not in ("him", "her", "them") else None
    name = first.text[:1].isupper() and first.lower not in _DETERMINERS
    k = s + 1
    while k < a and k - s < 10:
        t = toks[k]
        if t.text in _PUNCT_STOP or t.text in ".!?" or _is_quote(t.text) or t.lower in AUX \
                or t.lower in NEG or t.lower in _CLAUSE or t.lower in _RELATIVE \
                or t.lower in ADVERBS:
            break
        if t.text[:1].islower() and (t.lower.endswith(("ed", "ly")) or t.lower in CANDIDATES
                                     or t.lower in _IRREGULAR_PAST
                                     or (name and t.lower not in _NAME_LINKS)):
            break
        k += 1
    return (s, k)


# Common irregular past tenses, which end a subject as "-ed" does ("The mayor met ...").
_IRREGULAR_PAST = frozenset("""
met won made took gave went came got saw held led left kept brought thought found became began
ran sent spent stood wrote spoke drew knew felt put set lost paid sold built fought struck hit
chose broke rose fell grew threw wore bore sought caught taught meant heard read sat
""".split())
_NAME_LINKS = frozenset("of for the and de al la van von bin".split())


def _antecedent(text: str, toks: list[Token], rel: int) -> str:
    """For "X, who said": the phrase X before the comma."""
    end = rel - 1 if rel > 0 and toks[rel - 1].text == "," else rel
    start = _segment_left(toks, end)
    if start is None:
        return ""
    while start < end - 1 and toks[start].lower in _PREPOSITIONS:
        start += 1  # "backed by Ann Weiss, who said": the antecedent is the name
    return text[toks[start].start:toks[end - 1].end]


def _char_span(toks: list[Token], a: int, b: int) -> Span:
    return (toks[a].start, toks[b - 1].end)


# --- content ---------------------------------------------------------------------------------

def _content(text: str, toks: list[Token], a: int, b: int, cue_end: int,
             src: tuple[int, int], inverted: bool) -> Span | None:
    """The reported span: after the cue, or the quote or clause before its source."""
    left_edge = src[0] if not inverted else a
    right_start = cue_end if not inverted else toks[src[1] - 1].end
    before = _before_span(text, toks, left_edge)
    after = _after_span(text, right_start)
    if before and (after is None or _prefer_before(text, after, before)):
        if after and text[after[0]] in _OPEN_QUOTES | _QUOTES:
            return (before[0], after[1])  # a quotation split by its cue
        return before
    return after


def _before_span(text: str, toks: list[Token], left_edge: int) -> Span | None:
    """Text before the source when it ends in a comma or closing quote ("“...,” he said")."""
    if left_edge == 0:
        return None
    last = toks[left_edge - 1].text
    if last not in (",", ":") and last not in _CLOSE_QUOTES and last not in _QUOTES:
        return None
    end = toks[left_edge - 1].end if last != "," else toks[left_edge - 1].start
    start = 0
    span = _strip(text, start, end)
    if span and len(text[span[0]:span[1]].split()) >= 2:
        return span
    return None


def _after_span(text: str, start: int) -> Span | None:
    """From the cue to the end of the sentence, without the full stop."""
    while start < len(text) and (text[start].isspace() or text[start] in ",:"):
        start += 1
    span = _strip(text, start, len(text))
    if span is None:
        return None
    return span


def _prefer_before(text: str, after: Span, before: Span) -> bool:
    """After the cue only an adjunct ("on Friday", "in a statement") means content is before."""
    words = text[after[0]:after[1]].split()
    if not words:
        return True
    first = words[0].strip("“\"'").lower()
    if first in ("that", "whether", "how", "why", "what", "to") or text[after[0]] in "“\"" \
            or text.startswith("''", after[0]):
        return False
    return first in _TIME_WORDS or len(words) <= 3 or text[before[1] - 1] in "”\"’'"


def _according_content(text: str, toks: list[Token], a: int, src: tuple[int, int]) -> Span | None:
    """"According to X, Y" or "Y, according to X": the Y part."""
    if a == 0 or (a == 1 and not toks[0].text[0].isalnum()):
        return _after_span(text, toks[src[1] - 1].end)
    end = toks[a - 1].start if toks[a - 1].text == "," else toks[a].start
    return _strip(text, 0, end)


def _strip(text: str, start: int, end: int) -> Span | None:
    """Trim white space, a trailing full stop or comma, keeping closing quotes."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ".,;:"):
        if text[end - 1] == "." and end - start > 1 and text[end - 2] == ".":
            break
        end -= 1
    return (start, end) if end > start else None


def _bound_contents(text: str, toks: list[Token], found: list[_Found]) -> None:
    """A content after its cue stops where the next attribution of the sentence starts."""
    for k, f in enumerate(found):
        if f.content is None:
            continue
        for g in found[k + 1:]:
            nxt = g.cue[0] if g.source[0] < f.cue[1] else min(g.source[0], g.cue[0])
            if f.content[0] < nxt < f.content[1] and nxt > f.cue[1]:
                f.content = _strip(text, f.content[0], nxt)
                break


# --- quotations over several sentences ---------------------------------------------------------

def _carry_quotes(texts: list[str], found: list[list[_Found]]) -> list[list[tuple]]:
    """Attributions for sentences inside a quotation whose cue is in a neighbouring sentence."""
    extra: list[list[tuple]] = [[] for _ in texts]
    for i, items in enumerate(found):
        for k, f in enumerate(items):
            if f.content is None:
                continue
            text = texts[i]
            piece = text[f.content[0]:f.content[1]]
            if _opens_quote(piece):
                for j in range(i + 1, min(i + 8, len(texts))):
                    if found[j] or not texts[j]:
                        break
                    closes = _closes_quote(texts[j])
                    extra[j].append((i, k, _quote_part(texts[j], closes, forward=True)))
                    if closes:
                        break
            elif f.content[0] == 0 and _closes_quote(text[:f.content[1]]) \
                    and not _opens_quote_anywhere(text[:f.content[1]]):
                for j in range(i - 1, max(-1, i - 8), -1):
                    if found[j] or not texts[j] or extra[j]:
                        break
                    opens = _opens_quote_anywhere(texts[j])
                    extra[j].append((i, k, _quote_part(texts[j], opens, forward=False)))
                    if opens:
                        break
    return extra


def _opens_quote(piece: str) -> bool:
    """A quotation starts in the piece and is still open at its end."""
    opened = piece.count("“") - piece.count("”")
    straight = piece.count('"') % 2 == 1
    return opened > 0 or straight


def _opens_quote_anywhere(text: str) -> bool:
    return text.count("“") > text.count("”") or ("“" not in text and text.count('"') % 2 == 1)


def _closes_quote(text: str) -> bool:
    return text.count("”") > text.count("“") or ("”" not in text and text.count('"') % 2 == 1)


def _quote_part(text: str, boundary: bool, forward: bool) -> Span:
    """The part of a sentence inside the carried quotation."""
    if boundary and forward:
        end = max(text.rfind("”"), text.rfind('"'))
        return (0, end + 1) if end >= 0 else (0, len(text))
    if boundary and not forward:
        start = max(text.rfind("“"), text.rfind('"'))
        return (max(start, 0), len(text))
    return (0, len(text))


# --- resolution ------------------------------------------------------------------------------

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
