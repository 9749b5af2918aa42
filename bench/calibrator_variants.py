"""Compare answer-calibrator variants on dumped records (issue 12, seventh session).

The calibrator turns a hit's inputs into the confidence that its marked answer is right (token
F1 >= 0.5); issue 12 wants at least 30 % of dev-public's questions marked at 80 % precision,
the calibrator fitted on held-out folds of train or on dev-public by cross-validation, and the
seed's "how far from al-Mayadin?" marked. Refitting the span model for each calibrator idea is
slow; the calibrator only needs what `ask()` gives per hit, so this script dumps that once
(JSON Lines: per question its article, golds, and for the top 3 hits the ranking score and
features, whether the sentence holds a gold, the best span, its token F1 and the calibrator
inputs) and fits variants offline:

    # dev-public with the full span model; train with the out-of-fold span models (every 2nd
    # question, article number mod K picks the model that never saw it); the seed question
    python bench/calibrator_variants.py dump-dev --model M.json --out dev.jsonl
    python bench/calibrator_variants.py dump-train --models F0.json ... F4.json --every 2 \\
        --out train.jsonl
    python bench/calibrator_variants.py dump-question --model M.json --index DIR \\
        --corpus seeds "how far from al-Mayadin?" --out seed.jsonl
    python bench/calibrator_variants.py compare --train train.jsonl --dev dev.jsonl \\
        --seed seed.jsonl

Variants compared (coverage / precision of the top hits' marks; "CV": fitted on one half of
the articles, article number mod 2, measured on the other; "held out": fitted on train,
threshold chosen on train, measured on all of dev; "pooled at 0.80": the largest share of
dev's questions whose held-out confidences still reach 0.80 precision, whatever the
threshold): the shipped kind of calibrator on dev by CV; the same fitted on train; fitted on
dev with a ridge toward the train-fitted weights; and a stacked calibrator of two train-fitted
parts, the probability that the sentence holds the answer (from the ranking's inputs and
features of the hit and the next one) and that the span is right when it does (from the span
inputs), combined by a logistic fit of their logarithms: an answer is right when both are.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from answer_calibration import choose_threshold, confidences, fit_logistic  # noqa: E402
from qa import span_model as sm  # noqa: E402

# the ranking features and the inputs each part of the stacked calibrator reads (the agreeing
# probability, last, only with --mbr): as `span_model` reads them
FEATURES = sm.RANKING_FEATURES
RANKING = list(sm.RANKING)
SPAN = list(sm.span_positions(1))


def record(index, question: str, golds: list[str], model, article: int, doc=None) -> dict:
    """One question asked through `ask()` (3 hits, so the second has a next one)."""
    from qa.answer_eval import best_f1
    from qa.api import ask

    result = ask(question, k=3, doc=doc, index=index, model=model, explain=True)
    hits = []
    for hit in result.hits:
        cand, text = hit.candidate, hit.text.casefold()
        hits.append({"score": hit.score, "doc": hit.doc, "sentence": hit.sentence,
                     "features": {k: round(v, 6) for k, v in hit.features.items()},
                     "right_sentence": any(g.casefold() in text for g in golds),
                     "best": cand.best.text if cand else None,
                     "f1": best_f1(cand.best.text, golds) if cand else 0.0,
                     "inputs": list(cand.inputs) if cand else None})
    return {"article": article, "question": question, "golds": golds, "hits": hits}


def dump_dev(args) -> None:
    from train_answers import open_dev

    model = sm.load(args.model)
    evalset, index = open_dev(args.dev, args.dev_index)
    data = json.loads(args.dev.read_text(encoding="utf-8"))["data"]
    article = [n for n, a in enumerate(data) for p in a["paragraphs"] for _ in p["qas"]]
    with args.out.open("w", encoding="utf-8") as out:
        for n, case in enumerate(evalset.cases):
            out.write(json.dumps(record(index, case.question, case.answers, model, article[n],
                                        case.doc)) + "\n")


def dump_train(args, groups: int = 9) -> None:
    """As `answer_calibration.train_records`: the train articles indexed in groups of about
    dev-public's size, every `--every`-th question asked with the model that never saw it."""
    from qa.evaluate import Case, EvalSet, index_articles
    from qa.index import Index, IndexUnusable

    models = [sm.load(path) for path in args.models]
    data = json.loads(args.train.read_text(encoding="utf-8"))["data"]
    t0 = time.time()
    with args.out.open("w", encoding="utf-8") as out:
        for group in range(groups):
            articles, cases = [], []
            for number, art in enumerate(data):
                if number % groups != group:
                    continue
                articles.append({"id": f"{number:03d}_{art.get('title', 'article')}",
                                 "title": art.get("title", "").replace("_", " "),
                                 "text": "\n\n".join(p["context"] for p in art["paragraphs"])})
                cases += [(number, Case(qa_["question"],
                                        sorted({a["text"] for a in qa_["answers"]})))
                          for para in art["paragraphs"] for qa_ in para["qas"]]
            cases = [c for k, c in enumerate(cases) if k % args.every == 0]
            where = args.train_index / f"group{group}"
            try:
                index = Index.open(where / "index")
            except IndexUnusable:
                index = index_articles(EvalSet("squad", [], articles), where)
            for number, case in cases:
                model = models[number % len(models)]
                out.write(json.dumps(record(index, case.question, case.answers, model,
                                            number)) + "\n")
            print(f"train group {group} ({time.time() - t0:.0f} s)", flush=True)


def dump_question(args) -> None:
    from qa.api import open_index
    from qa.config import Location

    index = open_index(Location(args.index, tuple(args.corpus) or None))
    with args.out.open("w", encoding="utf-8") as out:
        out.write(json.dumps(record(index, args.question, [], sm.load(args.model), 0)) + "\n")


def rows(recs: list[dict]):
    """Per hit (the top two of each question, as the shipped calibrator is fitted): the
    calibrator inputs, the ranking features of the hit and their difference from the next
    hit's, the label, whether the sentence holds a gold, the article fold, and the question
    (-1 for a second hit)."""
    base, rank, y, sent, fold, top = [], [], [], [], [], []
    for q, r in enumerate(recs):
        hits = r["hits"]
        for n in (0, 1):
            if n >= len(hits) or hits[n]["inputs"] is None:
                continue
            f = hits[n]["features"]
            g = hits[n + 1]["features"] if n + 1 < len(hits) else {}
            base.append(hits[n]["inputs"])
            rank.append([f.get(k, 0.0) for k in FEATURES]
                        + [f.get(k, 0.0) - g.get(k, 0.0) for k in FEATURES])
            y.append(hits[n]["f1"] >= 0.5)
            sent.append(hits[n]["right_sentence"])
            fold.append(r["article"] % 2)
            top.append(q if n == 0 else -1)
    base = np.asarray(base, float)
    span = [c for c in SPAN if c < base.shape[1]]
    return (base, np.hstack([base[:, RANKING], np.asarray(rank, float)]), base[:, span],
            np.asarray(y, float), np.asarray(sent, float), np.asarray(fold),
            np.asarray(top) >= 0)


def fit_toward(X: np.ndarray, y: np.ndarray, prior: np.ndarray, lam: float) -> np.ndarray:
    """A logistic fit with a ridge toward `prior` (the intercept free): a calibrator fitted
    on dev whose weights stay near train's where dev has few questions (a wh-class)."""
    A = np.hstack([np.ones((len(X), 1)), X])
    w = prior.copy()
    ridge = lam * np.diag(np.r_[0, np.ones(len(w) - 1)])
    for _ in range(50):
        p = 1 / (1 + np.exp(-(A @ w)))
        step = np.linalg.solve((A * (p * (1 - p))[:, None]).T @ A + ridge,
                               A.T @ (p - y) + ridge @ (w - prior))
        w -= step
        if np.abs(step).max() < 1e-10:
            break
    return w


def marks(conf: np.ndarray, y: np.ndarray, t: float, n: int) -> str:
    m = conf >= t
    return f"{m.sum() / n:.4f} / {y[m].mean() if m.any() else 0:.4f}"


def pooled(conf: np.ndarray, y: np.ndarray, n: int, target: float = 0.80) -> float:
    order = np.argsort(-conf)
    precision = np.cumsum(y[order]) / np.arange(1, len(y) + 1)
    ok = np.flatnonzero(precision >= target)
    return round((ok.max() + 1) / n, 4) if len(ok) else 0.0


def cross_validated(X, y, fold, top, n, fitter, target) -> str:
    """Fitted and thresholded on one half of the articles, marked on the other."""
    held = np.zeros(len(y))
    for f in (0, 1):
        fit = fold != f
        w = fitter(X[fit], y[fit])
        t = choose_threshold(confidences(w, X[fit & top]), y[fit & top], target)
        held[~fit] = confidences(w, X[~fit]) - t
    return marks(held[top], y[top], 0.0, n)


def stacked_inputs(parts, fold, sent, y, fitted=None):
    """The logarithms of the two parts' probabilities (sentence right; span right when the
    sentence is), out of fold when `fitted` is None (train), else with the given weights."""
    (rank, span) = parts
    if fitted is not None:
        w1, w2 = fitted
        p1, p2 = confidences(w1, rank), confidences(w2, span)
    else:
        p1, p2 = np.zeros(len(y)), np.zeros(len(y))
        for f in (0, 1):
            fit = fold != f
            p1[~fit] = confidences(fit_logistic(rank[fit], sent[fit]), rank[~fit])
            ok = fit & (sent > 0)
            p2[~fit] = confidences(fit_logistic(span[ok], y[ok]), span[~fit])
    return np.log(np.clip(np.c_[p1, p2], 1e-6, 1 - 1e-6))


def first_gold(dev: list[dict], path: Path) -> None:
    """Score dev's hits against each question's first answer only, as train has one: what
    the train-fitted threshold's caution on dev comes from."""
    from qa.answer_eval import f1

    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    firsts = [qa_["answers"][0]["text"] for a in data for p in a["paragraphs"]
              for qa_ in p["qas"]]
    assert len(firsts) == len(dev), "the dump is not of this file"
    for r, gold in zip(dev, firsts):
        for hit in r["hits"]:
            hit["f1"] = f1(hit["best"], gold) if hit["best"] is not None else 0.0


def near_ties(recs: list[dict], name: str) -> None:
    """How often the top hit is right, by its lead over the next hit's ranking score."""
    leads = np.asarray([(r["hits"][0]["score"] - r["hits"][1]["score"],
                         r["hits"][0]["f1"] >= 0.5, r["hits"][0]["right_sentence"])
                        for r in recs if len(r["hits"]) > 1 and r["hits"][0]["inputs"]], float)
    for lo, hi in ((0, .05), (.05, .1), (.1, .2), (.2, .4), (.4, np.inf)):
        m = (leads[:, 0] >= lo) & (leads[:, 0] < hi)
        print(f"{name}: lead {lo}-{hi}: {int(m.sum())} top hits, right {leads[m, 1].mean():.3f}, "
              f"sentence holds a gold {leads[m, 2].mean():.3f}")


def compare(args) -> None:
    train = [json.loads(line) for line in args.train.open(encoding="utf-8")]
    dev = [json.loads(line) for line in args.dev.open(encoding="utf-8")]
    near_ties(train, "train")
    near_ties(dev, "dev")
    if args.first_gold:
        first_gold(dev, args.first_gold)
    seed = [json.loads(line) for line in args.seed.open(encoding="utf-8")] if args.seed else []
    bt, rt, st, yt, sent_t, ft, tt = rows(train)
    bd, rd, sd, yd, _, fd, td = rows(dev)
    n, target = len(dev), args.precision
    rt_ = [r for r in train if r["hits"] and r["hits"][0]["right_sentence"]]
    print(f"train: {len(train)} questions, top sentence right {len(rt_) / len(train):.4f}, "
          f"F1 when it is right at threshold 0 "
          f"{sum(r['hits'][0]['f1'] for r in rt_) / len(rt_):.4f}")
    seed_rows = rows(seed) if seed else None

    def report(name, w, t, Xd, Xs, cv) -> None:
        conf = confidences(w, Xd[td])
        line = (f"{name}: threshold {t:.2f}, dev {marks(conf, yd[td], t, n)}, {cv}, "
                f"pooled at 0.80 {pooled(conf, yd[td], n)}")
        if Xs is not None:
            line += f", seed {confidences(w, Xs[:1])[0]:.3f}"
        print(line, flush=True)

    seed_base = seed_rows[0] if seed else None
    w = fit_logistic(bd, yd)
    t = choose_threshold(confidences(w, bd[td]), yd[td], target)
    report("dev, by CV", w, t, bd, seed_base,
           "CV " + cross_validated(bd, yd, fd, td, n, fit_logistic, target))
    w_train = fit_logistic(bt, yt)
    t = choose_threshold(confidences(w_train, bt[tt]), yt[tt], target)
    report("train (dev held out)", w_train, t, bd, seed_base,
           "train CV " + cross_validated(bt, yt, ft, tt, len(train), fit_logistic, target))
    for lam in args.toward:
        def fitter(X, y, lam=lam):
            return fit_toward(X, y, w_train, lam)
        w = fitter(bd, yd)
        t = choose_threshold(confidences(w, bd[td]), yd[td], target)
        report(f"dev toward train, ridge {lam:g}", w, t, bd, seed_base,
               "CV " + cross_validated(bd, yd, fd, td, n, fitter, target))
    for name, keep in (("stacked, ranking inputs and features", slice(None)),
                       ("stacked, ranking inputs only", slice(0, len(RANKING)))):
        parts_t = (rt[:, keep], st)
        fitted = (fit_logistic(parts_t[0], sent_t),
                  fit_logistic(st[sent_t > 0], yt[sent_t > 0]))
        Zt = stacked_inputs(parts_t, ft, sent_t, yt)
        Zd = stacked_inputs((rd[:, keep], sd), fd, None, yd, fitted)
        Zs = stacked_inputs((seed_rows[1][:, keep], seed_rows[2]), None, None,
                            seed_rows[3], fitted) if seed else None
        w = fit_logistic(Zt, yt)
        t = choose_threshold(confidences(w, Zt[tt]), yt[tt], target)
        report(f"{name} (dev held out)", w, t, Zd, Zs,
               "train CV " + cross_validated(Zt, yt, ft, tt, len(train), fit_logistic,
                                             target))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump-dev")
    d.add_argument("--model", type=Path, required=True)
    d.add_argument("--dev", type=Path, default=Path("/work/shared/data/squad/dev-public.json"))
    d.add_argument("--dev-index", type=Path, default=Path("/tmp/qa-answers-dev"))
    d.add_argument("--out", type=Path, required=True)
    t = sub.add_parser("dump-train")
    t.add_argument("--models", type=Path, nargs="+", required=True)
    t.add_argument("--train", type=Path,
                   default=Path("/work/shared/data/squad/train-v1.1.json"))
    t.add_argument("--train-index", type=Path, default=Path("/tmp/qa-answers-train"))
    t.add_argument("--every", type=int, default=2)
    t.add_argument("--out", type=Path, required=True)
    s = sub.add_parser("dump-question")
    s.add_argument("--model", type=Path, required=True)
    s.add_argument("--index", type=Path, required=True)
    s.add_argument("--corpus", type=Path, action="append", default=[])
    s.add_argument("--out", type=Path, required=True)
    s.add_argument("question")
    c = sub.add_parser("compare")
    c.add_argument("--train", type=Path, required=True)
    c.add_argument("--dev", type=Path, required=True)
    c.add_argument("--seed", type=Path)
    c.add_argument("--precision", type=float, default=0.80)
    c.add_argument("--toward", type=float, nargs="*", default=[3.0, 30.0, 300.0])
    c.add_argument("--first-gold", type=Path, metavar="DEV_JSON",
                   help="score dev against each question's first answer only (train has one)")
    args = ap.parse_args()
    {"dump-dev": dump_dev, "dump-train": dump_train, "dump-question": dump_question,
     "compare": compare}[args.command](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
