"""Issue 13, sixth round: a second-stage classifier (a judge) over built attributions (not adopted).

The cue model scores a candidate word from its neighbours before the source and content are
known. This experiment adds a second stage (a "judge") that sees the attribution as built
(cue score band and word, whether a source was found and of which kind — pronoun, "who",
person or organisation word, name, figure, other noun phrase —, before or after the cue and
how far, its first and last word, the content's kind — quotation, "that"/"whether" clause,
before the cue, short or long —, quotation marks, the other cues of the sentence) and
drops the attribution when the probability that it is right is under a bar: that its cue
is a gold cue (cue-labelled), or that its source shares a token with a gold source
(source-labelled; without a source, its cue; "shared-by-cue": also its cue when it has the
source of the attribution before it, since dropping it cannot lose that source). A second
judge may drop only the source when the probability that it shares a token with a gold
source is under another bar. "On new cues" judges only the cues the cue model alone would
not have accepted (scored under 0.45 for a reporting verb, 0.55 for another word). The cue thresholds are lowered at the same time (0.35 /
0.45 / 0.40 / 0.45 for reporting verbs / data-only words / those with a person source / a cue
without a source, against 0.45 / 0.55 / 0.50 / 0.55) so that more candidates are built and
then filtered by the richer judge.

The judges learn from attributions that cue models trained WITHOUT those articles built
(cross-fitting by article position modulo 5), labelled against the gold of PolNeAR train.
The package is not changed: `find_judged` below is `qa.attribution.find_in_sentence` with the
judge in its loop, and `attribute_judged` is `attribute` calling it (keep them in step if the
experiment is taken up; the hook would then go into `find_in_sentence`).

    nice -n 10 python bench/judge_attributions.py heldout   # the fifth of train held out
    nice -n 10 python bench/judge_attributions.py cv        # each fifth held out in turn
    nice -n 10 python bench/judge_attributions.py dev       # trained on train, scored on dev

Figures and the verdict: docs/ATTRIBUTION.md, "Issue 13, sixth round".
"""
from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from common import add_data_argument
import qa.attribution as attribution
from qa.attribution import LONGEST_PROSE
from qa.attribution.content import bound_contents
from qa.attribution.cues import cue_spans, has_candidate
from qa.attribution.model import CueModel
from qa.attribution.quotations import carry_quotes
from qa.attribution.resolution import Resolver
from qa.attribution.sources import attach
from qa.attribution.tokens import (
    ALL_QUOTES, DETERMINERS, Found, ORG_WORDS, PERSON_WORDS, PRONOUNS, quote_depths, RELATIVE,
    REPORTING, Token, tokenize)
from qa.attribution.training import _fit_logistic, train_cue_model
from qa.attribution_eval import (
    EvalResult, _Tokens, _trim, article_pairs, read_gold, ROLES, score_article)
from qa.model import Attribution, Sentence, Span
from qa.segment import sentence_spans

FOLDS = 5
# The cue thresholds under the judge (CueModel fields), chosen on the held-out fifth.
LOWERED = {"threshold": 0.35, "threshold_other": 0.45, "threshold_person": 0.4, "alone": 0.45}
BANDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7, 0.8, 0.9)


@dataclass(frozen=True)
class Judge:
    """Logistic weights over `features`, and the bar under which the judged thing is dropped."""

    weights: dict
    bias: float
    bar: float = 0.0

    def keeps(self, feats: list[str]) -> bool:
        z = self.bias + sum(self.weights.get(f, 0.0) for f in feats)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z)))) >= self.bar


@dataclass(frozen=True)
class Judges:
    attribution: Judge | None = None  # drops the whole attribution
    source: Judge | None = None  # drops only its source
    new_only: bool = False  # judge only cues under the old bars (0.45 reporting, 0.55 others)


def features(text: str, toks: list[Token], head: int, item: Found, score: float,
             earlier: list[Found], quoted: bool) -> list[str]:
    """What the judges see of attribution `item` (cue head `head`, cue model `score`)."""
    w = toks[head].lower
    kind = "rep" if w in REPORTING else "mark" if not w.isalnum() else "data"
    src, where, content = source_kind(text, item), _where(item), _content_kind(text, item)
    feats = [f"w={w}", f"kind={kind}"]
    feats += [f"sc>={b}" for b in BANDS if score >= b]
    feats += [f"{kind}|sc>={b}" for b in BANDS if score >= b]
    feats += [f"src={src}", f"where={where}", f"content={content}", f"src|where={src}|{where}",
              f"w|src={w}|{src}", f"w|content={w}|{content}", f"src|content={src}|{content}",
              f"kind|src={kind}|{src}", f"kind|content={kind}|{content}"]
    if item.source is not None:
        s, e = item.source
        gap = len(text[min(item.cue[1], e):max(item.cue[0], s)].split())
        words = text[s:e].lower().split()
        feats += [f"gap={_bucket(gap)}", f"srclen={_bucket(len(words))}",
                  f"src_first={words[0]}", f"src_last={words[-1].strip(',')}"]
        if earlier and earlier[-1].source == item.source:
            feats.append("shared_source")
    if quoted:
        feats += ["in_quote", f"kind|in_quote={kind}"]
    if any(t.text in ALL_QUOTES for t in toks):
        feats.append("quotes_in_sentence")
    feats.append(f"nth={min(len(earlier), 2)}")
    if head == 0:
        feats.append("first_word")
    if toks[head].text[:1].isupper():
        feats.append("capitalised")
    feats.append(f"len={_bucket(len(toks) // 5)}")
    return feats


def source_kind(text: str, item: Found) -> str:
    if item.source is None:
        return "none"
    words = text[item.source[0]:item.source[1]].split()
    if not words:
        return "none"
    first = words[0].lower()
    if len(words) == 1 and first in PRONOUNS:
        return {"person": "he", "thing": "it", "group": "they", "self": "i"}[PRONOUNS[first]]
    if first in RELATIVE:
        return "who"
    last = words[-1].lower().strip(",.")
    if last in PERSON_WORDS or last.rstrip("s") in PERSON_WORDS:
        return "person"
    if last in ORG_WORDS:
        return "org"
    if words[0][:1].isdigit():
        return "figure"
    caps = sum(x[:1].isupper() for x in words if x.lower() not in DETERMINERS)
    if caps >= 1 and (first not in DETERMINERS or caps >= 2):
        return "name" if len(words) <= 3 else "longname"
    return "np"


def _where(item: Found) -> str:
    if item.source is None:
        return "none"
    return "before" if item.source[1] <= item.cue[0] else "after"


def _content_kind(text: str, item: Found) -> str:
    words = text[item.content[0]:item.content[1]].split() if item.content else []
    if not words:
        return "none"
    first = words[0].lower()
    if first[:1] in "\"“'‘`":
        return "quote"
    if item.content[1] <= item.cue[0]:
        return "before"
    if first in ("that", "whether", "if"):
        return "that" if first == "that" else "whether"
    if first in ("to", "for", "about", "on"):
        return first
    return "long" if len(words) > 6 else "short"


def _bucket(n: int) -> str:
    return str(n) if n < 4 else "4-6" if n < 7 else "7-12" if n < 13 else "13+"


def find_judged(text: str, model: CueModel, judges: Judges, trace: list | None = None
                ) -> list[Found]:
    """`qa.attribution.find_in_sentence` with the judges in its loop; `trace` collects each
    built attribution (before judging) with its features and cue score."""
    if not has_candidate(text, model):
        return []
    toks = tokenize(text)
    found: list[Found] = []
    quoted = None
    poll = attribution._poll_opening(text, toks)
    if poll is not None:
        found.append(poll)
    for a, b, head, score in cue_spans(text, toks, model):
        if found and toks[a].start < found[-1].cue[1]:
            continue
        if poll is not None and toks[head].lower in attribution._SAY:
            continue
        item = attach(text, toks, a, b, head, found, score, model)
        word = toks[head].lower
        if item is None or attribution._institution_action(text, word, item, score) \
                or attribution._needs_a_person(text, word, item, score, model):
            continue
        quoted = quote_depths(toks) if quoted is None else quoted
        feats = features(text, toks, head, item, score, found, quoted[head])
        if trace is not None:
            trace.append((item, feats, score))
        judged = not judges.new_only or score < (0.45 if word in REPORTING else 0.55)
        if judged and judges.attribution is not None and not judges.attribution.keeps(feats):
            continue
        if judges.source is not None and item.source is not None \
                and not judges.source.keeps(feats):
            item = Found(None, item.cue, item.content)
        if found and (item.cue[0] <= found[-1].cue[0] < item.cue[1]
                      or attribution._modifier(text, found[-1], item)):
            found.pop()
        found.append(item)
    bound_contents(text, toks, found)
    return found


def attribute_judged(sentences: list[Sentence], model: CueModel, judges: Judges
                     ) -> list[list[Attribution]]:
    """`qa.attribution.attribute` calling `find_judged`."""
    texts = [s.text for s in sentences]
    found = [find_judged(t, model, judges) if len(t) <= LONGEST_PROSE else [] for t in texts]
    resolver = Resolver()
    result = []
    for text, items in zip(texts, found):
        resolver.read(text)
        result.append([attribution._make(text, f, resolver) for f in items])
    for j, carried in enumerate(carry_quotes(texts, found)):
        for i, k, span in carried:
            origin = result[i][k]
            result[j].append(Attribution(origin.source, origin.cue, origin.resolved_source,
                                         None, None, Span(*span)))
    return result


def evaluate_judged(folder: Path, model: CueModel, judges: Judges, keep=None) -> EvalResult:
    """`qa.attribution_eval.evaluate` over `attribute_judged`."""
    result = EvalResult()
    for k, (article, txt, ann) in enumerate(article_pairs(folder)):
        if keep is not None and not keep(k):
            continue
        text = txt.read_text(encoding="utf-8")
        spans = list(sentence_spans(text))
        sents = [Sentence(article, i, s, e, text[s:e]) for i, (s, e) in enumerate(spans)]
        pred: dict = {r: [] for r in ROLES}
        for sent, attrs in zip(sents, attribute_judged(sents, model, judges)):
            for a in attrs:
                for role, span in (("Source", a.source_span), ("Cue", a.cue_span),
                                   ("Content", a.content_span)):
                    if span is not None and not span.empty:
                        pred[role].append(((sent.start + span.start, sent.start + span.end),))
        score_article(result, article, text, read_gold(ann.read_text(encoding="utf-8")), pred)
    return result


def traced_rows(folder: Path, model: CueModel, keep) -> list[tuple]:
    """(features, cue right, source right or None, cue score) of every attribution `model`
    builds, unjudged, in the articles passing `keep`, against their gold."""
    rows = []
    for k, (_, txt, ann) in enumerate(article_pairs(folder)):
        if not keep(k):
            continue
        text = txt.read_text(encoding="utf-8")
        gold = read_gold(ann.read_text(encoding="utf-8"))
        tokens = _Tokens(text)
        cues = [tokens.covered(_trim(text, s)) for s in gold["Cue"]]
        sources = [tokens.covered(_trim(text, s)) for s in gold["Source"]]
        for a, b in sentence_spans(text):
            if b - a > LONGEST_PROSE:
                continue
            trace: list = []
            find_judged(text[a:b], model, Judges(), trace)
            for item, feats, score in trace:
                cue = tokens.covered(((a + item.cue[0], a + item.cue[1]),))
                right_source = None
                if item.source is not None:
                    src = tokens.covered(((a + item.source[0], a + item.source[1]),))
                    right_source = any(src & g for g in sources)
                rows.append((feats, any(cue & g for g in cues), right_source, score))
    return rows


class Models:
    """Cue models trained without some folds of train, each trained once."""

    def __init__(self, train: Path) -> None:
        self.train, self.cache = train, {}

    def without(self, folds: frozenset[int]) -> CueModel:
        if folds not in self.cache:
            self.cache[folds] = CueModel.from_json(train_cue_model(
                self.train, keep=lambda k: k % FOLDS not in folds))
        return self.cache[folds]


def fit_judges(models: Models, held: frozenset[int], l2: float) -> tuple[Judge, ...]:
    """The attribution judge (label: cue right), the source judge (source right), the
    source-labelled attribution judge (source right, or cue right without a source) and the
    shared-by-cue one (as the last, but cue right where the source is the one of the
    attribution before it), from rows of every fold outside `held`, each built by a cue model
    that did not see it."""
    rows = []
    for fold in range(FOLDS):
        if fold not in held:
            model = replace(models.without(held | {fold}), **LOWERED)
            rows += traced_rows(models.train, model, lambda k: k % FOLDS == fold)
    with_source = [r for r in rows if r[2] is not None]
    fits = (_fit_logistic([r[0] for r in rows], [r[1] for r in rows], 400, l2),
            _fit_logistic([r[0] for r in with_source], [r[2] for r in with_source], 400, l2),
            _fit_logistic([r[0] for r in rows], [r[1] if r[2] is None else r[2] for r in rows],
                          400, l2),
            _fit_logistic([r[0] for r in rows], [r[1] if r[2] is None or "shared_source" in r[0]
                                                 else r[2] for r in rows], 400, l2))
    return tuple(Judge(weights, bias) for bias, weights in fits)


def settings(judges: tuple[Judge, ...]) -> dict[str, tuple[dict, Judges]]:
    """Each setting measured: cue thresholds (CueModel fields) and judges with their bars."""
    cue, source, by_source, shared = judges
    kept_alone = {**LOWERED, "alone": 0.55}  # the old bar: passives.py's material verbs use it
    out = {"old thresholds, no judge": ({}, Judges()),
           "lowered thresholds, no judge": (LOWERED, Judges())}
    for bar in (0.3, 0.35, 0.45):
        out[f"lowered + judge {bar} + source judge 0.2"] = (
            LOWERED, Judges(replace(cue, bar=bar), replace(source, bar=0.2)))
    out["old thresholds + judge 0.35 + source judge 0.2"] = (
        {}, Judges(replace(cue, bar=0.35), replace(source, bar=0.2)))
    for bar in (0.4, 0.45):
        out[f"lowered + source-labelled judge {bar}"] = (
            LOWERED, Judges(replace(by_source, bar=bar)))
    out["old thresholds + source-labelled judge 0.4"] = (
        {}, Judges(replace(by_source, bar=0.4)))
    out["lowered + shared-by-cue judge 0.45"] = (LOWERED, Judges(replace(shared, bar=0.45)))
    out["lowered, alone 0.55 + source-labelled judge 0.45 on new cues"] = (
        kept_alone, Judges(replace(by_source, bar=0.45), new_only=True))
    out["lowered, alone 0.55 + shared-by-cue judge 0.45 on new cues"] = (
        kept_alone, Judges(replace(shared, bar=0.45), new_only=True))
    out["lowered, alone 0.55 + shared-by-cue judge 0.5 on new cues"] = (
        kept_alone, Judges(replace(shared, bar=0.5), new_only=True))
    return out


def line(name: str, r: EvalResult) -> str:
    o, e = r.overlap, r.exact
    return (f"{name:55s} Source {o['Source'].f1:.4f} (P {o['Source'].precision:.3f} "
            f"R {o['Source'].recall:.3f})  Cue {o['Cue'].f1:.4f} (P {o['Cue'].precision:.4f})"
            f"  Content {o['Content'].f1:.4f}  exact Source {e['Source'].f1:.4f}")


def add(total: EvalResult, r: EvalResult) -> None:
    for role in ROLES:
        total.overlap[role].add(r.overlap[role])
        total.exact[role].add(r.exact[role])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("heldout", "cv", "dev"))
    add_data_argument(parser)
    parser.add_argument("--l2", type=float, default=1e-4, help="judges' weight decay")
    args = parser.parse_args()
    train, dev = args.data / "polnear" / "train", args.data / "polnear" / "dev"
    if not (train / "text").is_dir():
        print(f"{train}: no PolNeAR train folder (give the shared data folder with --data)",
              file=sys.stderr)
        return 2
    models = Models(train)
    if args.mode == "dev":
        judges = fit_judges(models, frozenset(), args.l2)
        full = CueModel.from_json(train_cue_model(train))
        for name, (thresholds, js) in settings(judges).items():
            print(line(name, evaluate_judged(dev, replace(full, **thresholds), js)), flush=True)
        return 0
    held_out = (0,) if args.mode == "heldout" else range(FOLDS)
    totals: dict[str, EvalResult] = {}
    for held in held_out:
        judges = fit_judges(models, frozenset({held}), args.l2)
        base = models.without(frozenset({held}))
        for name, (thresholds, js) in settings(judges).items():
            r = evaluate_judged(train, replace(base, **thresholds), js,
                                keep=lambda k: k % FOLDS == held)
            add(totals.setdefault(name, EvalResult()), r)
            if args.mode == "cv":
                print(f"fifth {held}: " + line(name, r), flush=True)
    for name, r in totals.items():
        print(line(name, r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
