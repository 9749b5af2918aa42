"""Mark the answer in each hit: the answer model's best span, kept when it is sure enough.

`mark` runs after ranking: for each hit it encodes the sentence for the question, lets the
model choose among the spans the sanity rules allow (a "who" answer is no place and no bare
pronoun), turns the span's probability and the ranking's scores into a calibrated confidence,
and marks the span only at or above the model's threshold. The best span is kept on the hit
either way, for `--explain` and `qa eval`.
"""
from __future__ import annotations

from . import answer_spans as patterns
from . import question as q
from . import span_features as sf
from . import span_model as sm
from .model import Answer, AnswerCandidate, AnswerSpan

_WHO = frozenset({"who", "whom"})


def encode_sentence(text: str, question: q.Question, analyzer,
                    drop: frozenset[str] = frozenset()) -> sf.Encoded:
    """The sentence's features for this question (the training script calls this too)."""
    cue = sf.question_cue(question.text, question.answer_type, question.terms)
    term_spans = [(t.term, t.start, t.end) for t in analyzer.tokens(text)]
    found = patterns.spans(question.answer_type, text) if question.answer_type != q.SOURCE \
        else []
    return sf.encode(text, cue, term_spans, found, drop)


def allowed_spans(text: str, question: q.Question, enc: sf.Encoded):
    """The sanity rule for "who" questions as a filter over `enc.spans`: someone named (a
    capitalised word) or described ("a senior commander"), not a pronoun alone ("he"), not
    a place ("in Denver"), not a number. None when every span may be chosen."""
    if sf.question_cue(question.text, question.answer_type, ()).wh not in _WHO:
        return None
    places = set(patterns.spans(q.PLACE, text))
    people = patterns.spans(q.PERSON, text)

    def ok(n: int) -> bool:
        i, j, _ = enc.spans[n]
        start, end = enc.tokens[i][0], enc.tokens[j][1]
        words = text[start:end].split()
        named = any(w[:1].isupper() for w in words) or any(
            s < end and start < e for s, e in people)
        return named and not sf.is_pronoun(text[start:end]) and (start, end) not in places
    return ok


def predict(text: str, question: q.Question, analyzer, model: sm.SpanModel,
            drop: frozenset[str] = frozenset(), attributions=()):
    """The model's best span of `text` (or None)."""
    enc = encode_sentence(text, question, analyzer, drop)
    return sm.predict(model, enc, allowed_spans(text, question, enc),
                      preferred(text, question, analyzer, attributions))


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


def _ranking_coverage(features: dict[str, float]) -> float:
    """The question's term weight the sentence holds, its own or through what it refers back
    to ("the city"), from the ranking's features (0 when they are not there)."""
    from .ranking import shipped_weights

    weights = shipped_weights()
    return sum(features.get(n, 0.0) / weights[n] for n in ("coverage", "context")
               if weights.get(n))


def mark(result: Answer, question: q.Question, analyzer, model: sm.SpanModel,
         extra_score: float | None = None) -> Answer:
    """Set each hit's answer (or None) and candidate. `extra_score` is the ranking score of
    the hit after the last one shown (the calibrator reads each hit's lead over the next)."""
    hits = result.hits
    if not hits:
        return result
    top = hits[0].score
    wh = sf.question_cue(question.text, question.answer_type, ()).wh
    for n, hit in enumerate(hits):
        pred = predict(hit.text, question, analyzer, model, attributions=hit.attributions)
        if pred is None:
            hit.answer, hit.candidate = None, None
            continue
        following = hits[n + 1].score if n + 1 < len(hits) else extra_score
        inputs = sm.calibration_inputs(pred, hit.score, top, following, wh,
                                       _ranking_coverage(hit.features))
        sure = sm.confidence(model, inputs)
        best = AnswerSpan(hit.text[pred.span[0]:pred.span[1]], pred.span, sure)
        runner = (AnswerSpan(hit.text[pred.runner_up[0]:pred.runner_up[1]], pred.runner_up,
                             None) if pred.runner_up else None)
        marked = sure >= model.threshold
        hit.candidate = AnswerCandidate(best, runner, tuple(inputs), marked)
        hit.answer = best if marked else None
    return result
