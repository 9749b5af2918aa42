"""Training the cue model (`model.CueModel`) from brat-annotated articles laid out like PolNeAR.

    python -m qa.attribution.training /work/shared/data/polnear/train

rebuilds `qa/data/attribution_cues.json` byte for byte (deterministic, about 15 s): the lexicon
(words part of an annotated cue at least twice and in at least 5 % of their uses, function
words excluded), the particles learned for each word ("pointed out"), and logistic weights fit
by full-batch Adam on the log loss. `--tune` first chooses the thresholds on a fifth of the
training articles held out from a model trained on the other four fifths. Only training
articles are read: never train on dev.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from ..attribution_eval import article_pairs, evaluate, read_gold
from ..segment import sentence_spans
from .cues import cue_features, is_candidate, reporting_positions
from .model import CueModel
from .tokens import ADVERBS, AUX, NEG, quote_depths, REPORTING, Token, tokenize

DEFAULT_MODEL_PATH = Path(__file__).resolve().parent.parent / "data" / "attribution_cues.json"
# The packaged model's settings: thresholds for hand-listed reporting verbs, for words only the
# training data suggests, and for a cue without a source; weight decay.
THRESHOLD, OTHER, ALONE, L2 = 0.45, 0.55, 0.55, 1e-4
PERSON = 0.5  # for those words when their source is a person (chosen on the held-out fifth)
# Never a cue's head word: function words, auxiliaries, negation and adverbs join a cue
# through the span rules instead.
NOT_CUE_WORDS = frozenset("""
the a an of to in on for with at by from about as into over up out off down back his her their
its our my your this these those it he she they we i you him them us me there here and but or not
so than then who which what what's that's it's mr mrs ms
""".split()) | AUX | NEG | ADVERBS
_PARTICLE_WORDS = frozenset("on about to for out up in of with against back off into over down at "
                            "from as".split())


def labelled_sentences(folder: Path, keep: Callable[[int], bool] | None = None
                       ) -> Iterable[tuple[list[Token], list[bool]]]:
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
                    iterations: int = 400, l2: float = L2, threshold: float = THRESHOLD,
                    alone: float = ALONE, keep: Callable[[int], bool] | None = None,
                    other: float | None = OTHER) -> dict:
    """Lexicon, particles and logistic weights for cue candidates, from one brat folder (or
    the articles whose position passes `keep`), as the JSON `CueModel.from_json` reads."""
    data = list(labelled_sentences(Path(folder), keep))
    seen, positive, pairs, pair_pos = Counter(), Counter(), Counter(), Counter()
    for toks, labels in data:
        for i, t in enumerate(toks):
            seen[t.lower] += 1
            positive[t.lower] += labels[i]
            if i + 1 < len(toks) and toks[i + 1].lower in _PARTICLE_WORDS:
                pairs[(t.lower, toks[i + 1].lower)] += 1
                pair_pos[(t.lower, toks[i + 1].lower)] += labels[i] and labels[i + 1]
    candidates = sorted(w for w, n in positive.items()
                        if n >= min_count and n / seen[w] >= min_ratio and w.isalpha()
                        and w not in NOT_CUE_WORDS)
    particles: dict[str, list[str]] = {}
    for (w, p), n in pair_pos.items():
        if n >= 2 and n / pairs[(w, p)] >= 0.5 and w not in NOT_CUE_WORDS:
            particles.setdefault(w, []).append(p)
    lexicon = set(candidates) | REPORTING
    untrained = CueModel(weights={}, lexicon=frozenset(candidates))  # features need the lexicon
    rows, labels = [], []
    for toks, gold in data:
        quoted, reporting = None, None  # once per sentence, not per candidate (as cue_spans)
        for i, t in enumerate(toks):
            if t.lower in lexicon or (t.text == ":" and is_candidate(toks, i, untrained)):
                if quoted is None:
                    quoted, reporting = quote_depths(toks), reporting_positions(toks)
                rows.append(cue_features(toks, i, untrained, quoted, reporting=reporting))
                labels.append(gold[i])
    bias, weights = _fit_logistic(rows, labels, iterations, l2)
    return {"about": "cue model for qa.attribution, trained by python -m qa.attribution.training",
            "examples": len(rows), "threshold": threshold, "alone": alone, "bias": bias,
            "threshold_other": threshold if other is None else other,
            "threshold_person": PERSON if other is None or other > PERSON else other,
            "candidates": candidates, "particles": {w: sorted(p) for w, p in
                                                    sorted(particles.items())},
            "weights": weights}


THRESHOLDS = (0.4, 0.45, 0.5, 0.55)  # for hand-listed reporting verbs
OTHERS = (0.5, 0.6, 0.7)  # for words only the training data suggests
ALONES = (0.6, 0.8, 1.01)  # to keep a cue without a source


def tune_thresholds(folder: Path, folds: int = 5, **train_args) -> tuple[dict, list]:
    """Cue thresholds chosen on training articles held out from the model.

    The model is trained on the articles whose position is not 0 modulo `folds` and scored
    end to end on the others; the thresholds with the best mean of Source and Cue overlap F1
    win. Returns them with every setting's scores.
    """
    model = CueModel.from_json(train_cue_model(folder, keep=lambda k: k % folds != 0,
                                               **train_args))
    table = []
    for threshold in THRESHOLDS:
        for other in OTHERS:
            for alone in ALONES:
                r = evaluate(folder, keep=lambda k: k % folds == 0,
                             model=model.with_thresholds(threshold, other, alone))
                table.append((threshold, other, alone, r.overlap["Source"].f1,
                              r.overlap["Cue"].f1, r.overlap["Content"].f1))
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
    parser = argparse.ArgumentParser(
        prog="python -m qa.attribution.training",
        description="Build the cue model from brat-annotated training articles (never dev).")
    parser.add_argument("train", type=Path, metavar="TRAIN_DIR",
                        help="folder with text/ and attributions/ (PolNeAR's train)")
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL_PATH,
                        help="where to write the model JSON (default: the packaged one)")
    parser.add_argument("--threshold", type=float, default=THRESHOLD,
                        help="cue probability for hand-listed reporting verbs (%(default)s)")
    parser.add_argument("--other", type=float, default=OTHER,
                        help="cue probability for words only the data suggests (%(default)s)")
    parser.add_argument("--alone", type=float, default=ALONE,
                        help="cue probability at which a cue without a source is kept "
                             "(%(default)s)")
    parser.add_argument("--l2", type=float, default=L2, help="weight decay (%(default)s)")
    parser.add_argument("--tune", action="store_true",
                        help="choose the three thresholds on a fifth of the training articles "
                             "held out from a first model")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if not (args.train / "text").is_dir() or not (args.train / "attributions").is_dir():
        print(f"{args.train}: needs text/ and attributions/ folders", file=sys.stderr)
        return 2
    if args.tune:
        chosen, table = tune_thresholds(args.train, l2=args.l2)
        for row in table:
            print("threshold {:.2f} other {:.2f} alone {:.2f}: Source {:.3f} Cue {:.3f} "
                  "Content {:.3f}".format(*row))
        print(f"chosen on held-out training articles: {chosen}")
        args.threshold, args.other, args.alone = (chosen["threshold"], chosen["threshold_other"],
                                                  chosen["alone"])
    model = train_cue_model(args.train, threshold=args.threshold, l2=args.l2,
                            alone=args.alone, other=args.other)
    args.out.write_text(json.dumps(model, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{args.out}: {len(model['candidates'])} lexicon words, "
          f"{len(model['weights'])} weights from {model['examples']} candidates")
    return 0


if __name__ == "__main__":
    sys.exit(main())
