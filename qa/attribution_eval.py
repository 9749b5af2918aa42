"""Score `qa.attribution` against brat-annotated articles laid out like PolNeAR.

A folder holds `text/<article>.txt` and `attributions/<article>_<annotator>.ann`; where an
article has several annotators the first `.ann` in sorted order is the gold. Source, Cue and
Content are scored separately, two ways:

- overlap: a predicted span matches a gold span of the same role when they share at least one
  token (a run of word characters, `\\w+`); a span without any such token (a cue ":" or "―")
  therefore never matches, as predicted or as gold;
- exact: the same character range once surrounding white space is trimmed (a discontinuous
  gold span matches only a prediction with the same pieces).

Precision is the share of predicted spans that match some gold span, recall the share of gold
spans matched by some prediction. Identical spans of one role in one article are counted once,
because a source shared by two cues is one span to find, not two.

Run as `python -m qa.attribution_eval DIR [--show-errors N] [--json]`.

The same brat reading builds the cue model: `python -m qa.attribution_eval --train TRAIN_DIR`
writes `qa/data/attribution_cues.json` (lexicon, particles, logistic weights as plain JSON)
from the training articles only.
"""
from __future__ import annotations

import argparse
import bisect
import json
from collections import Counter
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .attribution import attribute, cues
from .attribution.tokens import REPORTING, tokenize
from .model import Sentence
from .segment import sentence_spans

ROLES = ("Source", "Cue", "Content")
Fragments = tuple[tuple[int, int], ...]
_TOKEN = re.compile(r"\w+")
_BRAT_SPAN = re.compile(r"^T\d+\t(\S+) ([\d ;]+)\t")


@dataclass
class Counts:
    """Tallies for one role and one matching rule."""

    pred: int = 0
    gold: int = 0
    pred_matched: int = 0
    gold_matched: int = 0

    def add(self, other: "Counts") -> None:
        self.pred += other.pred
        self.gold += other.gold
        self.pred_matched += other.pred_matched
        self.gold_matched += other.gold_matched

    @property
    def precision(self) -> float:
        return self.pred_matched / self.pred if self.pred else 0.0

    @property
    def recall(self) -> float:
        return self.gold_matched / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_json(self) -> dict:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4), "predicted": self.pred, "gold": self.gold,
                "predicted_matched": self.pred_matched, "gold_matched": self.gold_matched}


@dataclass
class Miss:
    """A gold span nobody predicted, or a predicted span no gold supports, with its context."""

    article: str
    role: str
    kind: str  # "missed" (false negative) or "spurious" (false positive)
    text: str
    context: str

    def to_json(self) -> dict:
        return {"article": self.article, "role": self.role, "kind": self.kind,
                "text": self.text, "context": self.context}


@dataclass
class EvalResult:
    """Per-role counts under both rules, plus the misses kept for showing."""

    articles: int = 0
    overlap: dict[str, Counts] = field(default_factory=lambda: {r: Counts() for r in ROLES})
    exact: dict[str, Counts] = field(default_factory=lambda: {r: Counts() for r in ROLES})
    misses: list[Miss] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"articles": self.articles,
                "overlap": {r: c.to_json() for r, c in self.overlap.items()},
                "exact": {r: c.to_json() for r, c in self.exact.items()},
                "misses": [m.to_json() for m in self.misses]}


def read_gold(ann_text: str) -> dict[str, list[Fragments]]:
    """The Source, Cue and Content spans of one brat file, each as its (start, end) pieces."""
    gold: dict[str, list[Fragments]] = {r: [] for r in ROLES}
    for line in ann_text.splitlines():
        m = _BRAT_SPAN.match(line)
        if not m or m.group(1) not in gold:
            continue
        pieces = tuple(tuple(int(x) for x in part.split()) for part in m.group(2).split(";"))
        gold[m.group(1)].append(pieces)  # type: ignore[arg-type]
    return gold


def predict(text: str, article: str = "doc") -> dict[str, list[Fragments]]:
    """Run the attributor over a whole article text; spans as document offsets."""
    spans = list(sentence_spans(text))
    sentences = [Sentence(article, i, s, e, text[s:e]) for i, (s, e) in enumerate(spans)]
    found: dict[str, list[Fragments]] = {r: [] for r in ROLES}
    for sent, attributions in zip(sentences, attribute(sentences)):
        for a in attributions:
            for role, span in (("Source", a.source_span), ("Cue", a.cue_span),
                               ("Content", a.content_span)):
                if span is not None and span[1] > span[0]:  # carried quotes have no source here
                    found[role].append(((sent.start + span[0], sent.start + span[1]),))
    return found


def article_pairs(folder: Path) -> list[tuple[str, Path, Path]]:
    """(article, text file, gold file) for each article that has both, in name order."""
    ann_by_article: dict[str, Path] = {}
    for ann in sorted((folder / "attributions").glob("*.ann")):
        article = ann.stem.rsplit("_", 1)[0]
        ann_by_article.setdefault(article, ann)
    pairs = []
    for txt in sorted((folder / "text").glob("*.txt")):
        ann = ann_by_article.get(txt.stem)
        if ann is not None:
            pairs.append((txt.stem, txt, ann))
    return pairs


def evaluate(folder: Path | str, show_errors: int = 0,
             keep: "Callable[[int], bool] | None" = None) -> EvalResult:
    """Score every article of `folder` (or those whose position passes `keep`); keep up to
    `show_errors` misses for display."""
    folder = Path(folder)
    result = EvalResult()
    for k, (article, txt, ann) in enumerate(article_pairs(folder)):
        if keep is not None and not keep(k):
            continue
        text = txt.read_text(encoding="utf-8")
        gold = read_gold(ann.read_text(encoding="utf-8"))
        pred = predict(text, article)
        score_article(result, article, text, gold, pred, show_errors)
    return result


def score_article(result: EvalResult, article: str, text: str,
                  gold: dict[str, list[Fragments]], pred: dict[str, list[Fragments]],
                  show_errors: int = 0) -> None:
    """Add one article's tallies (and misses, while fewer than `show_errors`) to `result`."""
    result.articles += 1
    tokens = _Tokens(text)
    for role in ROLES:
        g = list(dict.fromkeys(_trim(text, s) for s in gold[role]))
        p = list(dict.fromkeys(_trim(text, s) for s in pred[role]))
        g_tok = [tokens.covered(s) for s in g]
        p_tok = [tokens.covered(s) for s in p]
        g_hit = [any(gt & pt for pt in p_tok) for gt in g_tok]
        p_hit = [any(pt & gt for gt in g_tok) for pt in p_tok]
        result.overlap[role].add(Counts(len(p), len(g), sum(p_hit), sum(g_hit)))
        g_set, p_set = set(g), set(p)
        result.exact[role].add(Counts(len(p), len(g), sum(s in g_set for s in p),
                                      sum(s in p_set for s in g)))
        for spans, hits, kind in ((g, g_hit, "missed"), (p, p_hit, "spurious")):
            for span, hit in zip(spans, hits):
                if not hit and len(result.misses) < show_errors:
                    result.misses.append(_miss(article, role, kind, text, span))


class _Tokens:
    """Word tokens of a text, to tell which tokens a span touches."""

    def __init__(self, text: str) -> None:
        found = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
        self.starts = [s for s, _ in found]
        self.ends = [e for _, e in found]

    def covered(self, span: Fragments) -> frozenset[int]:
        """Indices of the tokens that share at least one character with the span.

        A span without any word ("―", ":") covers no token, so it can neither be matched nor
        match anything (the data README: overlap means sharing at least one token).
        """
        out: set[int] = set()
        for start, end in span:
            first = bisect.bisect_right(self.ends, start)
            last = bisect.bisect_left(self.starts, end)
            out.update(range(first, last))
        return frozenset(out)


def _trim(text: str, span: Fragments) -> Fragments:
    pieces = []
    for start, end in span:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        pieces.append((start, end))
    return tuple(pieces)


def _miss(article: str, role: str, kind: str, text: str, span: Fragments) -> Miss:
    start, end = span[0][0], span[-1][1]
    left = text.rfind("\n", 0, start) + 1
    right = text.find("\n", end)
    right = len(text) if right < 0 else right
    left, right = max(left, start - 160), min(right, end + 160)
    snippet = " ".join(text[s:e] for s, e in span)
    context = (text[left:start] + "[[" + text[start:end] + "]]" + text[end:right]).replace("\n", " ")
    return Miss(article, role, kind, snippet, context)


def format_report(result: EvalResult) -> str:
    """A plain-text table of P/R/F1 per role and rule, then any kept misses."""
    lines = [f"articles: {result.articles}",
             f"{'role':<8} {'rule':<8} {'P':>6} {'R':>6} {'F1':>6} {'pred':>6} {'gold':>6}"]
    for rule, table in (("overlap", result.overlap), ("exact", result.exact)):
        for role in ROLES:
            c = table[role]
            lines.append(f"{role:<8} {rule:<8} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f} "
                         f"{c.pred:6d} {c.gold:6d}")
    for m in result.misses:
        lines.append(f"\n{m.kind} {m.role} in {m.article}: {m.text!r}\n  {m.context}")
    return "\n".join(lines)


# --- training the cue model -------------------------------------------------------------------

_PARTICLE_WORDS = frozenset("on about to for out up in of with against back off into over down at "
                            "from as".split())
DEFAULT_MODEL_PATH = Path(__file__).parent / "data" / "attribution_cues.json"


def labelled_sentences(folder: Path, keep: Callable[[int], bool] | None = None
                       ) -> Iterable[tuple[list, list[bool]]]:
    """Each sentence of each article as tokens, with whether each token lies in a gold cue."""
    for k, (_, txt, ann) in enumerate(article_pairs(folder)):
        if keep is not None and not keep(k):
            continue
        text = txt.read_text(encoding="utf-8")
        mask = bytearray(len(text) + 1)
        for span in read_gold(ann.read_text(encoding="utf-8"))["Cue"]:
            for start, end in span:
                mask[start:end] = b"\1" * (end - start)
        for start, end in sentence_spans(text):
            toks = tokenize(text[start:end])
            yield toks, [any(mask[start + t.start:start + t.end]) for t in toks]


def train_cue_model(folder: Path, min_count: int = 2, min_ratio: float = 0.05,
                    iterations: int = 400, l2: float = 1e-5, threshold: float = 0.5,
                    alone: float = 1.01, keep: Callable[[int], bool] | None = None,
                    other: float | None = None, open_tagging: bool = False) -> dict:
    """Lexicon, particles and logistic weights for cue candidates, from one brat folder (or
    the articles whose position passes `keep`). With `open_tagging`, every word outside
    `cues.NON_CUE` is an example, not only the lexicon's (an experiment)."""
    data = list(labelled_sentences(Path(folder), keep))
    seen, positive, pairs, pair_pos = Counter(), Counter(), Counter(), Counter()
    for toks, labels in data:
        for i, t in enumerate(toks):
            seen[t.lower] += 1
            positive[t.lower] += labels[i]
            if i + 1 < len(toks) and toks[i + 1].lower in _PARTICLE_WORDS:
                pairs[(t.lower, toks[i + 1].lower)] += 1
                pair_pos[(t.lower, toks[i + 1].lower)] += labels[i] and labels[i + 1]
    excluded = cues.NON_CUE
    candidates = sorted(w for w, n in positive.items()
                        if n >= min_count and n / seen[w] >= min_ratio and w.isalpha()
                        and w not in excluded)
    particles: dict[str, list[str]] = {}
    for (w, p), n in pair_pos.items():
        if n >= 2 and n / pairs[(w, p)] >= 0.5 and w not in excluded:
            particles.setdefault(w, []).append(p)
    lexicon = set(candidates) | REPORTING
    saved = cues.saved_model()
    cues.use_model({**saved, "candidates": candidates, "open": open_tagging})
    rows, labels = [], []
    for toks, gold in data:
        for i, t in enumerate(toks):
            if t.lower in lexicon or (open_tagging and t.text[0].isalpha()
                                      and t.lower not in cues.NON_CUE) \
                    or (t.text == ":" and cues.is_candidate(toks, i)):
                rows.append(cues.cue_features(toks, i))
                labels.append(gold[i])
    cues.use_model(saved)
    bias, weights = _fit_logistic(rows, labels, iterations, l2)
    return {"about": "cue model for qa.attribution, trained by qa.attribution_eval --train",
            "examples": len(rows), "threshold": threshold, "alone": alone, "bias": bias,
            "threshold_other": threshold if other is None else other,
            "candidates": candidates, "open": open_tagging, "particles": {w: sorted(p) for w, p in
                                                    sorted(particles.items())},
            "weights": weights}


THRESHOLDS = (0.4, 0.45, 0.5, 0.55)  # for hand-listed reporting verbs
OTHER = (0.5, 0.6, 0.7)  # for words only the training data suggests
ALONE = (0.6, 0.8, 1.01)  # to keep a cue without a source


def tune_thresholds(folder: Path, folds: int = 5, **train_args) -> tuple[dict, list]:
    """Cue thresholds chosen on training articles held out from the model.

    The model is trained on the articles whose position is not 0 modulo `folds` and scored
    end to end on the others; the thresholds with the best mean of Source and Cue overlap F1
    win. Returns them with every setting's scores. The attributor's model is restored
    afterwards.
    """
    saved = cues.saved_model()
    model = train_cue_model(folder, keep=lambda k: k % folds != 0, **train_args)
    table = []
    try:
        for threshold in THRESHOLDS:
            for other in OTHER:
                for alone in ALONE:
                    cues.use_model(model, threshold, alone, other)
                    r = evaluate(folder, keep=lambda k: k % folds == 0)
                    table.append((threshold, other, alone, r.overlap["Source"].f1,
                                  r.overlap["Cue"].f1, r.overlap["Content"].f1))
    finally:
        cues.use_model(saved)
    best = max(table, key=lambda row: (row[3] + row[4], -row[0]))
    return {"threshold": best[0], "threshold_other": best[1], "alone": best[2]}, table


def _fit_logistic(rows: list[list[str]], labels: list[bool], iterations: int,
                  l2: float) -> tuple[float, dict[str, float]]:
    """Full-batch Adam on the log loss; features seen fewer than twice are dropped."""
    import numpy as np

    counts = Counter(f for feats in rows for f in set(feats))
    names = sorted(f for f, n in counts.items() if n >= 2)
    index = {f: k for k, f in enumerate(names)}
    row_idx, col_idx = [], []
    for r, feats in enumerate(rows):
        for f in set(feats):
            k = index.get(f)
            if k is not None:
                row_idx.append(r)
                col_idx.append(k)
    rr, cc = np.array(row_idx), np.array(col_idx)
    y = np.array(labels, dtype=float)
    n, d = len(rows), len(names)
    w = np.zeros(d + 1)  # last is the bias
    m, v = np.zeros(d + 1), np.zeros(d + 1)
    for step in range(1, iterations + 1):
        z = np.bincount(rr, weights=w[cc], minlength=n) + w[d]
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        err = p - y
        grad = np.empty(d + 1)
        grad[:d] = np.bincount(cc, weights=err[rr], minlength=d) / n + l2 * w[:d]
        grad[d] = err.mean()
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad * grad
        w -= 0.05 * (m / (1 - 0.9 ** step)) / (np.sqrt(v / (1 - 0.999 ** step)) + 1e-8)
    weights = {f: round(float(w[k]), 4) for f, k in index.items() if abs(w[k]) >= 0.01}
    return round(float(w[d]), 4), weights


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m qa.attribution_eval",
                                     description="Score attribution against brat data.")
    parser.add_argument("folder", type=Path, nargs="?",
                        help="folder with text/ and attributions/ to score")
    parser.add_argument("--show-errors", type=int, default=0, metavar="N",
                        help="list N missed or spurious spans in context")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--train", type=Path, metavar="TRAIN_DIR",
                        help="build the cue model from this brat folder instead of scoring")
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL_PATH,
                        help="where --train writes the model JSON")
    parser.add_argument("--threshold", type=float, default=0.5,
                        help="cue probability the model accepts (written by --train)")
    parser.add_argument("--tune", action="store_true",
                        help="with --train: choose --threshold and --alone on a fifth of the "
                             "training articles held out from a first model")
    parser.add_argument("--other", type=float, default=None,
                        help="cue probability for words outside the hand list (default: "
                             "--threshold)")
    parser.add_argument("--alone", type=float, default=1.01,
                        help="cue probability at which a cue without a source is kept")
    parser.add_argument("--l2", type=float, default=1e-4, help="weight decay for --train")
    parser.add_argument("--open", action="store_true",
                        help="with --train: the open-tagging experiment, every word but "
                             "function words a candidate (scored below the lexicon model)")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.train and args.tune:
        chosen, table = tune_thresholds(args.train, l2=args.l2)
        for row in table:
            print("threshold {:.2f} other {:.2f} alone {:.2f}: Source {:.3f} Cue {:.3f} "
                  "Content {:.3f}".format(*row))
        print(f"chosen on held-out training articles: {chosen}")
        args.threshold, args.other, args.alone = (chosen["threshold"], chosen["threshold_other"],
                                                  chosen["alone"])
    if args.train:
        model = train_cue_model(args.train, threshold=args.threshold, l2=args.l2,
                                alone=args.alone, other=args.other, open_tagging=args.open)
        args.out.write_text(json.dumps(model, indent=0, sort_keys=True) + "\n", encoding="utf-8")
        print(f"{args.out}: {len(model['candidates'])} lexicon words, "
              f"{len(model['weights'])} weights from {model['examples']} candidates")
        return 0
    if args.folder is None:
        parser.error("give a folder to score, or --train TRAIN_DIR")
    if not (args.folder / "text").is_dir() or not (args.folder / "attributions").is_dir():
        print(f"{args.folder}: needs text/ and attributions/ folders", file=sys.stderr)
        return 2
    result = evaluate(args.folder, args.show_errors)
    print(json.dumps(result.to_json(), indent=2) if args.json else format_report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
