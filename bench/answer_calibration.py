"""The answer model's calibrator: a logistic fit of the calibrator inputs, its threshold, and
the records it is fitted on (used by bench/train_answers.py).

Where the records come from:
- dev-public (`train_answers.dev_records`): qa's own top hit for each dev question, with the
  shipped span model; the calibrator is then cross-validated by dev article;
- held-out folds of *train* (`train_records`, `--calibrate-on-train`): the train articles are
  split by article number modulo K (2 or more); the questions of one part are asked with a
  span model trained on the others only (`train_answers.py --heldout K --heldout-part P`),
  so every input is out-of-fold, as dev's are for the shipped model. The articles are indexed
  in groups of about dev-public's size (article number modulo `groups`), so the ranking's
  inputs (gap, lead, coverage) are measured over as many articles as on dev. Dev-public is
  then held out from the calibrator and the threshold as well as from the span weights
  (`write_span_weights` writes those fold models).

The stacked calibrator (`calibrate_stacked`, `--stacked`) is two logistic fits and a third that
combines their logarithms: whether the hit's sentence holds the answer, from what the ranking
says, and whether the span is right when it does, from what the span model says. An answer
is right when both are; fitted apart, the ranking's part learns from every hit whether its
sentence is the right one (also where the span is wrong), which one fit of the label alone
mixes up with the span's errors (docs/EVAL.md, seventh session).
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from qa import span_features as sf
from qa import span_model as sm
from qa.answer_eval import Record, best_f1, records


def fit_logistic(X: np.ndarray, y: np.ndarray, l2: float = 1e-2) -> np.ndarray:
    """Newton's method on the log-loss with a small ridge (intercept first)."""
    A = np.hstack([np.ones((len(X), 1)), X])
    w = np.zeros(A.shape[1])
    for _ in range(50):
        p = 1 / (1 + np.exp(-(A @ w)))
        grad = A.T @ (p - y) + l2 * np.r_[0, w[1:]]
        H = (A * (p * (1 - p))[:, None]).T @ A + l2 * np.diag(np.r_[0, np.ones(len(w) - 1)])
        step = np.linalg.solve(H, grad)
        w -= step
        if np.abs(step).max() < 1e-10:
            break
    return w


def confidences(w: np.ndarray, X: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-(w[0] + X @ w[1:])))


def choose_threshold(conf: np.ndarray, right: np.ndarray, target: float) -> float:
    """The lowest threshold (in steps of 0.01) at which the marked answers reach `target`
    precision (over all questions: an unmarked top hit marks nothing)."""
    for t in np.round(np.arange(0.0, 1.0, 0.01), 2):
        m = conf >= t
        if m.sum() and right[m].mean() >= target:
            return float(t)
    return 1.0


def rows(recs: list[Record], article: np.ndarray, width: int | None = None):
    """The calibrator's rows (the top hit's span and the second hit's), their labels (token
    F1 >= 0.5), each row's article fold (number mod 2), and its question (-1: second hit)."""
    X, labels, groups, top = [], [], [], []
    for n, r in enumerate(recs):
        for text, inputs, is_top in ((r.best, r.inputs, True), (*r.second, False)):
            if inputs is not None:
                X.append(inputs[:width])
                labels.append(best_f1(text, r.golds) >= 0.5)
                groups.append(article[n] % 2)
                top.append(n if is_top else -1)
    return np.asarray(X), np.asarray(labels, float), np.asarray(groups), np.asarray(top)


def curve(w: np.ndarray, X: np.ndarray, y: np.ndarray, questions: int) -> list[dict]:
    """Coverage and precision of the top hits' marks at thresholds 0.30-0.90."""
    conf = confidences(w, X)
    out = []
    for c in np.round(np.arange(0.3, 0.95, 0.05), 2):
        m = conf >= c
        out.append({"threshold": float(c), "coverage": round(m.sum() / questions, 4),
                    "precision": round(float(y[m].mean()) if m.sum() else 0.0, 4)})
    return out


def calibrate(recs, article: np.ndarray, target: float,
              width: int | None = None) -> tuple[np.ndarray, float, dict]:
    """The calibrator (on the first `width` inputs, all by default), its threshold, and the
    cross-validated coverage and precision with the calibration curve."""
    X, y, g, top = rows(recs, article, width)
    held = np.zeros(len(y))
    for fold in (0, 1):
        fit = g != fold
        w = fit_logistic(X[fit], y[fit])
        t = choose_threshold(confidences(w, X[fit & (top >= 0)]), y[fit & (top >= 0)], target)
        held[~fit] = confidences(w, X[~fit]) - t  # >= 0 where the held-out fold would mark
    w = fit_logistic(X, y)
    t = choose_threshold(confidences(w, X[top >= 0]), y[top >= 0], target)
    is_top = top >= 0
    marked = held[is_top] >= 0
    n = len(recs)
    cv = {"coverage": round(marked.sum() / n, 4),
          "precision": round(float(y[is_top][marked].mean()) if marked.sum() else 0.0, 4)}
    return w, t, {"cross_validated": cv, "curve": curve(w, X[is_top], y[is_top], n)}


def held_out_figures(w: np.ndarray, t: float, recs, article: np.ndarray) -> dict:
    """Coverage and precision of a calibrator fitted elsewhere, with its curve, on `recs`."""
    X, y, _, top = rows(recs, article, len(w) - 1)
    is_top = top >= 0
    marked = confidences(w, X[is_top]) >= t
    n = len(recs)
    return {"coverage": round(marked.sum() / n, 4),
            "precision": round(float(y[is_top][marked].mean()) if marked.sum() else 0.0, 4),
            "curve": curve(w, X[is_top], y[is_top], n)}


def train_records(path: Path, folder: Path, models: list[sm.SpanModel], every: int,
                  groups: int = 9) -> tuple[list[Record], np.ndarray]:
    """Every `every`-th question of the SQuAD train file `path`, asked through `ask()` over
    its group of train articles (indexed under `folder`, reused when present) with the span
    model that never saw its article (`models[number % len(models)]`)."""
    from qa.evaluate import Case, EvalSet, index_articles
    from qa.index import Index, IndexUnusable

    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    recs, article = [], []
    t0 = time.time()
    for group in range(groups):
        articles, cases = [], []
        for number, art in enumerate(data):
            if number % groups != group:
                continue
            doc = f"{number:03d}_{art.get('title', 'article')}"
            articles.append({"id": doc, "title": art.get("title", "").replace("_", " "),
                             "text": "\n\n".join(p["context"] for p in art["paragraphs"])})
            for para in art["paragraphs"]:
                for qa_ in para["qas"]:
                    cases.append((number, Case(qa_["question"],
                                               sorted({a["text"] for a in qa_["answers"]}))))
        cases = [c for k, c in enumerate(cases) if k % every == 0]
        where = folder / f"group{group}"
        try:
            index = Index.open(where / "index")
        except IndexUnusable:
            index = index_articles(EvalSet("squad", [], articles), where)
        for part, model in enumerate(models):
            asked = [c for number, c in cases if number % len(models) == part]
            recs += records(index, asked, model)
            article += [number for number, _ in cases if number % len(models) == part]
        print(f"train group {group}: {len(recs)} questions ({time.time() - t0:.0f} s)",
              flush=True)
    return recs, np.asarray(article)


def calibrate_stacked(recs, article: np.ndarray, target: float, mbr: int):
    """The stacked calibrator (`span_model.stacked_parts`): the probability that the hit's
    sentence holds the answer, fitted on every row (label: an answer in the sentence), and
    that its span is right when it does, fitted on the rows whose sentence holds one; then a
    logistic fit of their logarithms, taken out of fold (article number mod 2) so that the
    combination does not trust parts fitted on its own rows. Returns the parts, the
    calibrator, its threshold and the cross-validated figures. `recs`' inputs must carry the
    ranking inputs (asked with a model that has a stack)."""
    X, y, g, top = rows(recs, article)
    sent = np.asarray([right for r in recs
                       for inputs, right in ((r.inputs, r.sentence_right),
                                             (r.second[1], r.second_right))
                       if inputs is not None], float)
    base = sm._INPUTS + (mbr > 0)
    X1 = np.hstack([X[:, list(sm.RANKING)], X[:, base:]])
    X2 = X[:, list(sm.span_positions(mbr))]
    parts = (fit_logistic(X1, sent), fit_logistic(X2[sent > 0], y[sent > 0]))
    Z = np.zeros((len(y), 2))
    for fold in (0, 1):
        fit = g != fold
        w1 = fit_logistic(X1[fit], sent[fit])
        w2 = fit_logistic(X2[fit & (sent > 0)], y[fit & (sent > 0)])
        Z[~fit] = np.c_[confidences(w1, X1[~fit]), confidences(w2, X2[~fit])]
    Z = np.log(np.clip(Z, 1e-6, 1 - 1e-6))
    held = np.zeros(len(y))
    for fold in (0, 1):
        fit = g != fold
        w = fit_logistic(Z[fit], y[fit])
        t = choose_threshold(confidences(w, Z[fit & (top >= 0)]), y[fit & (top >= 0)], target)
        held[~fit] = confidences(w, Z[~fit]) - t
    w = fit_logistic(Z, y)
    is_top = top >= 0
    t = choose_threshold(confidences(w, Z[is_top]), y[is_top], target)
    marked = held[is_top] >= 0
    cv = {"coverage": round(marked.sum() / len(recs), 4),
          "precision": round(float(y[is_top][marked].mean()) if marked.sum() else 0.0, 4)}
    return parts, w, t, {"cross_validated": cv,
                         "curve": curve(w, Z[is_top], y[is_top], len(recs))}


def placeholder_stack(mbr: int):
    """A stack of zero weights: a model with it gives `ask()`'s records the ranking inputs
    the stacked calibrator is fitted on (its confidences are not used)."""
    return ((0.0,) * (1 + len(sm.RANKING) + 2 * len(sm.RANKING_FEATURES)),
            (0.0,) * (1 + len(sm.span_positions(mbr))))


def write_span_weights(args, table, span, used: int) -> None:
    """A model trained without some train articles (--heldout), its calibrator left at the
    identity: the out-of-fold span model --calibrate-on-train reads."""
    width = sm._INPUTS + 1 + (args.mbr > 0)
    data = {"format": 1, "bits": sf.BITS, "scale": sm.SCALE, "trained_on": args.train.name,
            "settings": {"min_count": args.min_count, "max_features": args.max_features,
                         "epochs": args.epochs, "lr": args.lr, "seed": args.seed,
                         "digits": args.digits, "limit": args.limit,
                         "heldout": args.heldout, "heldout_part": args.heldout_part},
            "features": used, "threshold": 0.0, "calibration": [0.0] * width, "span": span}
    if args.word_classes:
        data["word_classes"] = args.word_classes.name
    if args.mbr:
        data["settings"]["mbr"] = data["mbr"] = args.mbr
    args.out.write_text(json.dumps(data, indent=0) + "\n", encoding="utf-8")
    np.save(args.out.with_suffix(".npy"), np.frombuffer(table, np.int32))
    print(f"wrote {args.out} and its .npy (span weights only)", flush=True)
