"""Who said it: each sentence's sources, reporting cues and reported content.

How it decides, and why this way:

- Cues. A word is a cue candidate when it is in the lexicon built from PolNeAR's training
  articles (words that are often part of an annotated cue) or in a hand list of reporting
  verbs. A small logistic model (`model.CueModel`: plain JSON weights, trained by
  `python -m qa.attribution.training`, passed to `attribute` as a value) scores each
  candidate from the word and its neighbours, because the same word ("support",
  "call", "pushed") is a cue in one sentence and not in the next. Candidates are found with a
  set lookup, so sentences without any are dismissed cheaply (the speed target is 100,000
  sentences in under 10 s).
- Cue spans take in auxiliaries, negation and adverbs before the verb ("has also said",
  "did not deny"), particles after it learned from the training data ("pointed out"), a
  recipient ("told Reuters") and "in a statement".
- Sources are noun phrases: the subject before the cue, kept whole with an appositive ("X, a
  war monitor, said"); after the cue when it is inverted (", said a spokesman"); after
  "according to"; the main subject for a participle ("..., adding that"). A confident cue
  whose source is not in the sentence is kept with an empty source ("" and span None).
- Content is what the cue governs: the rest of the clause after the cue, or the quotation or
  clause before it ("“...,” he said"); a direct quotation running over several sentences is
  carried to those sentences as attributions whose source and cue lie elsewhere (their
  `source_span` and `cue_span` are None).
- Pronouns, relative pronouns and short forms ("he", "it", "who", "the Observatory", "the
  group") resolve to the most recent compatible full source of the same article.
"""
from __future__ import annotations

from ..model import Attribution, Sentence, Span
from .tokens import (
    char_span, DETERMINERS, Found, is_quote, ORG_WORDS, PERSON_WORDS, PRONOUNS, PUNCT_STOP,
    REPORTING, Token, tokenize)
from .content import after_span, bound_contents, SEEM
from .quotations import carry_quotes
from .cues import cue_spans, has_candidate
from .model import CueModel, packaged_model
from .sources import attach
from .resolution import head_noun, Resolver


# A "sentence" longer than this is not prose (a table, a file without full stops, cut into
# pieces by qa.segment) and is not attributed: the longest of PolNeAR's 33,589 sentences has
# 1,094 characters, of Reuters-21578's 143,816 654. Scoring every word of such input is what
# made a 10 MB line cost minutes.
LONGEST_PROSE = 1500


def attribute(sentences: list[Sentence], model: CueModel | None = None
              ) -> list[list[Attribution]]:
    """The attributions of each sentence of one document, pronouns resolved in reading order.

    `model` is the cue model (the packaged one unless given: training and tuning pass theirs).
    """
    model = model or packaged_model()
    texts = [s.text for s in sentences]
    found = [find_in_sentence(t, model) if len(t) <= LONGEST_PROSE else [] for t in texts]
    resolver = Resolver()
    result = []
    for text, items in zip(texts, found):
        resolver.read(text)
        result.append([_make(text, f, resolver) for f in items])
    for j, carried in enumerate(carry_quotes(texts, found)):
        for i, k, span in carried:
            origin = result[i][k]
            result[j].append(Attribution(origin.source, origin.cue, origin.resolved_source,
                                         None, None, Span(*span)))
    return result


def _make(text: str, f: Found, resolver: Resolver) -> Attribution:
    """An Attribution from spans, resolving the source against the article so far."""
    source_span = Span(*f.source) if f.source is not None else None
    cue_span = Span(*f.cue)
    source = source_span.of(text) if source_span is not None else ""
    resolved = resolver.resolve(f.antecedent or source)
    return Attribution(source, cue_span.of(text), resolved, source_span, cue_span,
                       Span(*f.content) if f.content is not None else None)


def find_in_sentence(text: str, model: CueModel) -> list[Found]:
    """Every attribution of one sentence, in cue order."""
    if not has_candidate(text, model):
        return []
    toks = tokenize(text)
    cues = cue_spans(text, toks, model)
    found: list[Found] = []
    poll = _poll_opening(text, toks)
    if poll is not None:
        found.append(poll)
    for a, b, head, score in cues:
        if found and toks[a].start < found[-1].cue[1]:
            continue  # inside the cue before it ("said in a statement"): not a cue of its own
        if poll is not None and toks[head].lower in _SAY:
            continue  # "In a CNN poll released Monday, 31% of Republicans said": the poll's
        item = attach(text, toks, a, b, head, found, score, model)
        if item is not None and not _institution_action(text, toks[head].lower, item, score) \
                and not _needs_a_person(text, toks[head].lower, item, score, model):
            if found and (item.cue[0] <= found[-1].cue[0] < item.cue[1]
                          or _modifier(text, found[-1], item)):
                found.pop()  # "released" inside "released a statement saying": one cue
            found.append(item)
    bound_contents(text, toks, found)
    return found


def _modifier(text: str, earlier: Found, item: Found) -> bool:
    """"People briefed on the move said": the participle "briefed" is part of the source."""
    if item.source is None or not item.source[0] < earlier.cue[0] < item.source[1]:
        return False
    word = text[earlier.cue[0]:earlier.cue[1]]
    after = text[earlier.cue[1]:item.source[1]].split()
    return word.isalpha() and word.islower() and word.endswith("ed") and bool(after) \
        and after[0] in ("on", "about", "with", "by")


# A word only the training data suggests ("pushed", "moved") needs this much when an
# institution does it ("The army has pushed its advance"): done by a person it is more often
# a stance, done by an army or a company more often an action.
_INSTITUTION_OTHER = 0.6


def _needs_a_person(text: str, word: str, item: Found, score: float, model: CueModel) -> bool:
    """A data-only cue word scored between `model.threshold_person` and
    `model.threshold_other` counts only when its source is a person ("the senator", "he"):
    on PolNeAR's training articles such words were right 0.81 of the time with a person
    source, 0.55 with a name and 0.36 with an institution."""
    if word in REPORTING or word in SEEM or score >= model.threshold_other:
        return False
    if item.source is None:
        return True
    source = Span(*item.source).of(text)
    words = source.split()
    if len(words) == 1 and words[0].lower() in PRONOUNS:
        return False
    return head_noun(source) not in PERSON_WORDS


def _institution_action(text: str, word: str, item: Found, score: float) -> bool:
    """A data-only cue word below `_INSTITUTION_OTHER` whose source is a common-noun
    institution ("the army", "the company"): taken as an action, not an attribution."""
    if word in REPORTING or score >= _INSTITUTION_OTHER or item.source is None:
        return False
    words = Span(*item.source).of(text).split()
    return words[0].lower() in DETERMINERS and head_noun(" ".join(words)) in ORG_WORDS


_POLLS = frozenset("poll polls survey surveys".split())
# After a poll opening its respondents' "said" is the poll's finding, not a second
# attribution (PolNeAR's training articles: 5 such sentences, none with "said" as a cue).
_SAY = frozenset("said say says".split())


def _poll_opening(text: str, toks: list[Token]) -> Found | None:
    """"In a CNN/ORC poll released Monday, 31% of Republicans said ...": a sentence opened by
    "In" and a poll or survey up to a comma attributes the rest of the sentence to the poll
    (PolNeAR marks "In" as the cue; on its training articles 20 of 26 such openings)."""
    if not toks or toks[0].text != "In":
        return None
    k = 1
    while k < len(toks) and k <= 14 and toks[k].text != ",":
        if toks[k].text in PUNCT_STOP or toks[k].text in ".!?" or is_quote(toks[k].text):
            return None
        k += 1
    if k >= len(toks) or toks[k].text != "," or k == 1 \
            or not any(t.lower in _POLLS for t in toks[1:k]):
        return None
    return Found(char_span(toks, 1, k), (toks[0].start, toks[0].end),
                  after_span(text, toks[k].end))
