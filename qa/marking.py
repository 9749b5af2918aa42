"""Mark the answer in each hit: the answer model's best span, kept when it is sure enough.

`mark` runs after ranking: for each hit it encodes the sentence for the question, lets the
model choose among the spans the sanity rules allow (a "who" answer is no place and no bare
pronoun), turns the span's probability and the ranking's scores into a calibrated confidence,
and marks the span only at or above the model's threshold. The best span is kept on the hit
either way, for `--explain` and `qa eval`.
"""
from __future__ import annotations

import string

from . import answer_spans as patterns
from . import question as q
from . import span_features as sf
from . import span_model as sm
from .model import Answer, AnswerCandidate, AnswerSpan

_WHO = frozenset({"who", "whom"})
_NOT_WORDS = frozenset({"", "a", "an", "the"})
_PUNCT = str.maketrans("", "", string.punctuation)


def question_cue(question: q.Question, analyzer) -> sf.QuestionCue:
    """What the answer model conditions on, for every sentence asked this question."""
    asked = [(t.term, t.start, t.end) for t in analyzer.tokens(question.text)]
    return sf.question_cue(question.text, question.answer_type, question.terms, asked)


def encode_sentence(text: str, question: q.Question, analyzer,
                    drop: frozenset[str] = frozenset(),
                    cue: sf.QuestionCue | None = None,
                    asked: list[tuple[str, int, int]] | None = None,
                    classes=None) -> sf.Encoded:
    """The sentence's features for this question (the training script calls this too);
    `cue`: `question_cue(question, analyzer)`, and `asked`: the question's terms where the
    sentence holds them (`ranking.top_hits` gives them), when the caller has them already
    (the encoding reads the sentence's terms only for those of the question); `classes`: the
    model's word classes, when it reads them."""
    cue = cue or question_cue(question, analyzer)
    term_spans = asked if asked is not None else \
        [(t.term, t.start, t.end) for t in analyzer.tokens(text)]
    found = patterns.spans(question.answer_type, text) if question.answer_type != q.SOURCE \
        else []
    return sf.encode(text, cue, term_spans, found, drop, classes)


def allowed_spans(text: str, question: q.Question, enc: sf.Encoded,
                  wh: str | None = None):
    """The sanity rule for "who" questions as a filter over `enc.spans`: someone named (a
    capitalised word) or described ("a senior commander"), not a pronoun alone ("he"), not
    a place ("in Denver"), not a number. None when every span may be chosen. `wh`: the
    question's wh-class, when the caller has it already."""
    if (wh or sf.question_cue(question.text, question.answer_type, ()).wh) not in _WHO:
        return None
    places = set(patterns.spans(q.PLACE, text))
    people = patterns.spans(q.PERSON, text)
    toks = enc.tokens
    # Per token, counted from the left (so that a span's check is two subtractions): a word
    # that opens with a capital, or a token that a person phrase covers.
    named = [0]
    for k, (s, e) in enumerate(toks):
        opens_word = k == 0 or toks[k - 1][1] < s
        named.append(named[-1] + ((opens_word and text[s].isupper())
                                  or any(ps < e and s < pe for ps, pe in people)))

    def ok(n: int) -> bool:
        i, j, _ = enc.spans[n]
        start, end = toks[i][0], toks[j][1]
        return (named[j + 1] - named[i] > 0 or text[start].isupper()) and \
            (i < j or not sf.is_pronoun(text[start:end])) and (start, end) not in places
    return ok


def _narrowed(text: str, question: q.Question, analyzer, enc: sf.Encoded,
              asked: list[tuple[str, int, int]] | None, counted: list[int], allowed=None):
    """`allowed` narrowed by two rules the span features do not see:
    - a span holds a word the question does not: "The waiver" for "Who said the waiver is part
      of U.S. policy?" only echoes the question (a/an/the and punctuation are not words, as in
      SQuAD's scoring; the features' own rule counts "The" as new);
    - a span does not cut a wire ticker: "Bank Plc <NWBL" of "Bank Plc <NWBL.L>" opens an
      angle bracket it does not close.
    Applied when choosing, so no trained weight changes. `counted`: `words` of the tokens."""
    if asked is None:
        asked = [(t.term, t.start, t.end) for t in analyzer.tokens(text)]
    terms = set(question.terms)
    held = sorted((s, e) for term, s, e in asked if term in terms)
    # per token, counted from the left: words no question term covers, and open brackets
    new, depth, k = [0], [0], 0
    brackets = "<" in text or ">" in text  # (most sentences have none: all depths 0)
    for (s, e), word in zip(enc.tokens, counted):
        while k < len(held) and held[k][1] <= s:
            k += 1
        new.append(new[-1] + (word and not (k < len(held) and held[k][0] < e)))
        if brackets:
            depth.append(depth[-1] + text.count("<", s, e) - text.count(">", s, e))
    if not brackets:
        depth = [0] * len(new)

    def ok(n: int) -> bool:
        i, j, _ = enc.spans[n]
        return new[j + 1] > new[i] and depth[j + 1] == depth[i] and \
            (allowed is None or allowed(n))
    return ok


def predict(text: str, question: q.Question, analyzer, model: sm.SpanModel,
            drop: frozenset[str] = frozenset(), attributions=(),
            cue: sf.QuestionCue | None = None, asked: list[tuple[str, int, int]] | None = None):
    """The model's best span of `text` (or None); `cue` and `asked` as for
    `encode_sentence`."""
    cue = cue or question_cue(question, analyzer)
    enc = encode_sentence(text, question, analyzer, drop, cue, asked, model.classes)
    counted = words(text, enc.tokens)
    allowed = _narrowed(text, question, analyzer, enc, asked, counted,
                        allowed_spans(text, question, enc, cue.wh))
    prefer = preferred(text, question, analyzer, attributions)
    if allowed is not None and prefer is not None and question.answer_type == q.SOURCE:
        # the source of the claim may be a description ("sources", "officials"), which the
        # "who" rule's capital letter would refuse, leaving the model's "Friday" instead
        named, toks = allowed, enc.tokens

        def allowed(n: int) -> bool:
            i, j, _ = enc.spans[n]
            start, end = toks[i][0], toks[j][1]
            return named(n) or (prefer(start, end) and not sf.is_pronoun(text[start:end]))
    return sm.predict(model, enc, allowed, prefer, counted if model.mbr else None)


def words(text: str, tokens: list[tuple[int, int]]) -> list[int]:
    """Per token, 1 when it is a word as SQuAD's scoring counts them (not punctuation alone,
    not a/an/the), else 0: what token F1 between two spans counts."""
    return [int(text[s:e].lower().translate(_PUNCT) not in _NOT_WORDS) for s, e in tokens]


def preferred(text: str, question: q.Question, analyzer, attributions):
    """Answers news style writes as one typed phrase, chosen over the model's own span when
    the sentence has one (the most probable of them, if several): a distance with its
    qualifier and reference ("within 10 km (7 miles) of the city"), and for "who said ...?"
    the source of the claim the question quotes (the model never saw attributions)."""
    if question.answer_type == q.DISTANCE:
        found = patterns.spans(q.DISTANCE, text)
    elif question.answer_type == q.SOURCE:
        query = [(t.start, t.end) for t in analyzer.tokens(text) if t.term in question.terms]
        source = patterns.best_span(q.SOURCE, text, query, attributions)
        found = [source] if source else []
    else:
        return None
    return (lambda start, end: (start, end) in found) if found else None


def _ranking_coverage(features: dict[str, float], weights) -> float:
    """The question's term weight the sentence holds, its own or through what it refers back
    to ("the city"), from the ranking's features (0 when they are not there) and the ranking's
    `weights`."""
    return sum(features.get(n, 0.0) / weights[n] for n in ("coverage", "context")
               if weights.get(n))


_UNSEEN = object()


def mark(result: Answer, question: q.Question, analyzer, model: sm.SpanModel,
         extra_score: float | None = None, extra_text: str | None = None,
         asked: list | None = None, extra_features: dict[str, float] | None = None) -> Answer:
    """Set each hit's answer (or None) and candidate. `extra_score`, `extra_text` and
    `extra_features` are the ranking score, sentence and ranking features of the hit after the
    last one shown (the calibrator reads each hit's lead over the next, whether the next one
    holds the same answer, and with a stacked calibrator how their features differ). `asked`:
    each hit's words that hold a question term, as `ranking.top_hits` gives them, if known."""
    hits = result.hits
    if not hits:
        return result
    top = hits[0].score
    from .ranking import shipped_weights

    cue = question_cue(question, analyzer)  # once for all hits
    weights = shipped_weights()
    # The same sentence in several hits (a story sent again, copies in an archive) is
    # predicted once: the prediction reads only the text, its question words and its
    # attributions, besides what is the same for every hit.
    predicted: dict = {}
    for n, hit in enumerate(hits):
        words = asked[n] if asked else None
        key = (hit.text, None if words is None else tuple(words), tuple(hit.attributions))
        pred = predicted.get(key, _UNSEEN)
        if pred is _UNSEEN:
            pred = predicted[key] = predict(hit.text, question, analyzer, model,
                                            attributions=hit.attributions, cue=cue,
                                            asked=words)
        if pred is None:
            hit.answer, hit.candidate = None, None
            continue
        following = hits[n + 1].score if n + 1 < len(hits) else extra_score
        after = hits[n + 1].text if n + 1 < len(hits) else extra_text
        said = hit.text[pred.span[0]:pred.span[1]].casefold()
        inputs = sm.calibration_inputs(pred, hit.score, top, following, cue.wh,
                                       _ranking_coverage(hit.features, weights),
                                       bool(after) and said in after.casefold(),
                                       cue.head != "-", model.mbr > 0)
        if model.stack is not None:
            inputs += sm.ranking_inputs(hit.features, hits[n + 1].features
                                        if n + 1 < len(hits) else extra_features)
        sure = sm.confidence(model, inputs)
        best = AnswerSpan(hit.text[pred.span[0]:pred.span[1]], pred.span, sure)
        runner = (AnswerSpan(hit.text[pred.runner_up[0]:pred.runner_up[1]], pred.runner_up,
                             None) if pred.runner_up else None)
        marked = sure >= model.threshold
        hit.candidate = AnswerCandidate(best, runner, tuple(inputs), marked)
        hit.answer = best if marked else None
    return result
