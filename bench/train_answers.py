"""Train the answer-span model shipped as qa/data/answer_model.json, and print its dev figures.

    nice -n 10 python bench/train_answers.py \\
        --train /work/shared/data/squad/train-v1.1.json \\
        --dev /work/shared/data/squad/dev-public.json --out qa/data/answer_model.json

1. Examples: every SQuAD v1.1 *train* question whose answer lies inside one sentence (as qa's
   segmenter splits the paragraph); the candidates are that sentence's spans (qa's
   `marking.encode_sentence`, the code `qa ask` runs).
2. Model: log-linear over the spans (softmax), hashed token features (crc32, 2^22 buckets)
   with a count cut-off applied while training (a feature seen fewer than --min-count times
   never gets a weight), AdaGrad, seeded shuffles. Only features with a weight are shipped.
3. Calibration: on dev-public (allowed by issue 12; the span model never sees dev), a logistic
   calibrator of the top span's log-odds, its margin over the runner-up span, and the hit's
   ranking score gap and lead; cross-validated by article (2 folds, article number mod 2):
   the calibrator and the threshold (the lowest at which precision on the fitting fold reaches
   --precision) are fitted on one fold and measured on the other. The shipped calibrator and
   threshold are then fitted on all of dev-public the same way. `--calibrate-on-train MODEL
   ...` fits them on held-out folds of train instead (bench/answer_calibration.py: each train
   question asked with a span model trained without its part of the train articles, built by
   `--heldout K --heldout-part P --out MODEL`); dev-public is then a held-out test.
Everything is seeded and rounded before writing, so the same command rebuilds the same bytes.
`--quick` stops after a dev check on the gold sentences (for choosing features);
`--drop FAMILY` leaves a feature family out (for the ablation); `--word-classes NPY` adds the
word-class features (bench/word_classes.py builds the table; the model then names it and ships
beside it); `--max-features N` raises the cut-off until at most N features are kept;
`--mbr K` chooses the answer among the K most probable spans by expected token F1 and gives
the calibrator the probability of the spans that agree with it (the model's .json says so).
`--cache FILE` keeps the extracted examples with each one's article, so the fold models of
`--heldout K --heldout-part P --out` read the full model's cache instead of extracting again
(about 1 min a fold model instead of 4-8).
"""
from __future__ import annotations

import argparse
import json
from dataclasses import replace
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qa import question as q  # noqa: E402
from qa import span_features as sf  # noqa: E402
from qa import span_model as sm  # noqa: E402
from qa import word_classes as wc  # noqa: E402
from qa.analyzer import Analyzer  # noqa: E402
from qa.answer_eval import best_f1, best_em, records, summary  # noqa: E402
from answer_calibration import (calibrate, calibrate_stacked, held_out_figures,  # noqa: E402
                                placeholder_stack, train_records,
                                write_span_weights)
from qa.marking import encode_sentence, predict  # noqa: E402
from qa.segment import sentence_spans  # noqa: E402

SIZE = 1 << sf.BITS
FAMILIES = ("lexical", "shape", "distance", "align", "question", "pattern", "length", "comma",
            "classes")


def squad_items(path: Path):
    """(article number, sentence text, question, answer span in the sentence or None, golds)."""
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    for number, article in enumerate(data):
        for para in article["paragraphs"]:
            context = para["context"]
            sents = list(sentence_spans(context))
            for qa_ in para["qas"]:
                first = qa_["answers"][0]
                a, b = first["answer_start"], first["answer_start"] + len(first["text"])
                where = next(((s, e) for s, e in sents if s <= a and b <= e), None)
                golds = [x["text"] for x in qa_["answers"]]
                if where is None:
                    yield number, None, qa_["question"], None, golds
                else:
                    s, e = where
                    yield number, context[s:e], qa_["question"], (a - s, b - s), golds


def cached_examples(cache: Path | None, *args) -> list[tuple]:
    """`build_examples`, saved to / read from `cache` (.npz of flat arrays) when given. A
    cache that records each example's article (`num`) serves the --heldout fold models too:
    the examples of the articles kept out are left out when it is read."""
    if cache is not None and cache.exists():
        heldout, part = args[5], args[7]
        with np.load(cache) as npz:
            z = {name: npz[name] for name in npz.files}  # each read once
        if heldout and "num" not in z:
            raise SystemExit(f"{cache}: no article numbers, cannot leave articles out")
        built = tuple(int(x) for x in z.get("kept_out", (0, -1)))
        if built[0] and built != (heldout, -1 if part is None else part):
            raise SystemExit(f"{cache}: built without the articles of --heldout {built[0]} "
                             f"--heldout-part {built[1]}; build the cache without --heldout")
        out = []
        for n in range(len(z["gold"])):
            number = int(z["num"][n]) if "num" in z else -1
            if held_out(number, heldout, part):
                continue
            a, b = z["occ"][n], z["occ"][n + 1]
            c, d = z["spn"][n], z["spn"][n + 1]
            out.append((z["ids"][a:b], z["tok"][a:b], int(z["ntok"][n]), z["st"][c:d],
                        z["en"][c:d], z["feats"][c:d], int(z["gold"][n]), number))
        print(f"examples {len(out)} from {cache}", flush=True)
        return out
    out = build_examples(*args)
    if cache is not None:
        np.savez(cache, ids=np.concatenate([e[0] for e in out]),
                 tok=np.concatenate([e[1] for e in out]),
                 occ=np.cumsum([0] + [len(e[0]) for e in out]),
                 ntok=np.asarray([e[2] for e in out]), st=np.concatenate([e[3] for e in out]),
                 en=np.concatenate([e[4] for e in out]),
                 feats=np.concatenate([e[5] for e in out]),
                 spn=np.cumsum([0] + [len(e[3]) for e in out]),
                 gold=np.asarray([e[6] for e in out]), num=np.asarray([e[7] for e in out]),
                 kept_out=np.asarray([args[5], -1 if args[7] is None else args[7]]))
    return out


def held_out(number: int, heldout: int, part: int | None = None) -> bool:
    """Whether train article `number` is kept out of training for the --heldout check (the
    articles whose number is `part` modulo `heldout`; by default the last of the K parts)."""
    return heldout > 0 and number % heldout == (heldout - 1 if part is None else part)


def build_examples(path: Path, analyzer: Analyzer, drop: frozenset, limit: int | None,
                   rng: np.random.Generator, heldout: int = 0, classes=None,
                   part: int | None = None) -> list[tuple]:
    items = [it for it in squad_items(path) if it[1] is not None
             and not held_out(it[0], heldout, part)]
    if limit:
        items = [items[i] for i in sorted(rng.choice(len(items), limit, replace=False))]
    out, skipped = [], 0
    for number, text, question, (a, b), _ in items:
        qn = q.analyze(question, analyzer)
        enc = encode_sentence(text, qn, analyzer, drop, classes=classes)
        gi = next((k for k, (s, e) in enumerate(enc.tokens) if s <= a < e), None)
        gj = next((k for k, (s, e) in enumerate(enc.tokens) if s < b <= e), None)
        gold = next((n for n, (i, j, _) in enumerate(enc.spans) if (i, j) == (gi, gj)), None)
        if gold is None:
            skipped += 1
            continue
        ids = np.fromiter((k for groups in enc.features for g in groups for k in g), np.int32)
        tok = np.fromiter((t for t, groups in enumerate(enc.features) for g in groups
                           for _ in g), np.int32)
        spans = np.asarray([(i, j) for i, j, _ in enc.spans], np.int32)
        feats = np.asarray([f for _, _, f in enc.spans], np.int32).reshape(len(enc.spans), -1)
        out.append((ids, tok, len(enc.tokens), spans[:, 0], spans[:, 1], feats, gold, number))
    print(f"examples {len(out)}, skipped {skipped} (answer not a span of whole tokens "
          f"within {sf.MAX_LEN} tokens)", flush=True)
    return out


def train(examples: list[tuple], min_count: int, epochs: int, lr: float,
          rng: np.random.Generator, after_epoch=None,
          max_features: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    counts = np.zeros(SIZE, np.int64)
    for start in range(0, len(examples), 5000):
        chunk = np.concatenate([ex[0] for ex in examples[start:start + 5000]])
        counts += np.bincount(chunk, minlength=SIZE)
    while max_features and int((counts >= min_count).sum()) > max_features:
        min_count += 1  # the cut-off rises until the table keeps its size
    keep = (counts >= min_count).astype(np.float64)
    print(f"features kept {int(keep.sum())} of {int((counts > 0).sum())} seen "
          f"(cut-off {min_count})", flush=True)
    span_size = sf.span_offsets()["size"]
    W, G = np.zeros((3, SIZE)), np.zeros((3, SIZE))
    WS, GS = np.zeros(span_size), np.zeros(span_size)
    # Averaged weights (the mean of W over all steps), kept lazily: U sums step * update, and
    # the mean after T steps is W - U / T.
    U, US, step = np.zeros((3, SIZE)), np.zeros(span_size), 0
    for epoch in range(epochs):
        loss, t0 = 0.0, time.time()
        for idx in rng.permutation(len(examples)):
            ids, tok, n, st, en, feats, gold = examples[idx][:7]
            u, inv = np.unique(ids, return_inverse=True)
            occ = W[:, u][:, inv]
            S = np.bincount(tok, occ[0], n)
            E = np.bincount(tok, occ[1], n)
            CI = np.concatenate(([0.0], np.cumsum(np.bincount(tok, occ[2], n))))
            score = S[st] + E[en] + CI[en + 1] - CI[st] + WS[feats].sum(1)
            score -= score.max()
            p = np.exp(score)
            p /= p.sum()
            loss -= np.log(max(p[gold], 1e-12))
            r = -p
            r[gold] += 1.0
            gS, gE = np.bincount(st, r, n), np.bincount(en, r, n)
            gI = np.cumsum(np.bincount(st, r, n + 1) - np.bincount(en + 1, r, n + 1))[:n]
            gu = np.stack([np.bincount(inv, g[tok], len(u)) for g in (gS, gE, gI)]) * keep[u]
            step += 1
            G[:, u] += gu * gu
            delta = lr * gu / (np.sqrt(G[:, u]) + 1e-8)
            W[:, u] += delta
            U[:, u] += step * delta
            gs = np.bincount(feats.ravel(), np.repeat(r, feats.shape[1]), span_size)
            GS += gs * gs
            delta = lr * gs / (np.sqrt(GS) + 1e-8)
            WS += delta
            US += step * delta
        print(f"epoch {epoch + 1}: loss {loss / len(examples):.4f} ({time.time() - t0:.0f} s)",
              flush=True)
        if after_epoch is not None and epoch + 1 < epochs:
            after_epoch(W - U / step, WS - US / step, keep)
    return W - U / step, WS - US / step, keep


def to_model(W: np.ndarray, WS: np.ndarray, keep: np.ndarray, digits: int):
    """The hash table of the features with a weight (int32, units of sm.SCALE), and the span
    weights rounded to `digits`."""
    Wq = np.clip(np.round(W / sm.SCALE), -2**31 + 1, 2**31 - 1).astype(np.int64)
    used = np.flatnonzero((keep > 0) & np.any(Wq != 0, axis=0))
    table = sm.build_table(used.tolist(), [tuple(w) for w in Wq[:, used].T.tolist()])
    return table, [float(x) for x in np.round(WS, digits)], len(used)


def as_model(table, span, calibration=(0.0, 1.0), threshold=0.0,
             classes=None, mbr: int = 0, stack=None) -> sm.SpanModel:
    return sm.SpanModel(table, span, tuple(calibration), threshold, classes, mbr=mbr,
                        stack=stack)



def gold_sentence_check(path: Path, analyzer: Analyzer, model: sm.SpanModel,
                        drop: frozenset, heldout: int = 0, part: int | None = None) -> dict:
    """EM/F1 of the best span on the sentence that holds the (first) answer: the quick check
    (with `heldout`, on the train articles kept out of training instead of `path`)."""
    em = f1 = n = 0
    for number, text, question, span, golds in squad_items(path):
        if heldout and not held_out(number, heldout, part):
            continue
        n += 1
        if text is None:
            continue
        pred = predict(text, q.analyze(question, analyzer), analyzer, model, drop)
        if pred is not None:
            answer = text[pred.span[0]:pred.span[1]]
            em += best_em(answer, golds)
            f1 += best_f1(answer, golds)
    return {"questions": n, "EM_gold_sentence": round(em / n, 4), "F1_gold_sentence":
            round(f1 / n, 4)}


def quick_check(args, analyzer: Analyzer, model: sm.SpanModel, drop: frozenset) -> dict:
    if args.heldout:
        return {"train_heldout_gold_sentence": gold_sentence_check(
            args.train, analyzer, model, drop, args.heldout, args.heldout_part)}
    return {"dev_gold_sentence": gold_sentence_check(args.dev, analyzer, model, drop)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--train", type=Path, required=True)
    ap.add_argument("--dev", type=Path, required=True)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--limit", type=int, help="train on a seeded sample of this many questions")
    ap.add_argument("--min-count", type=int, default=12)
    ap.add_argument("--max-features", type=int, default=0, metavar="N",
                    help="raise the count cut-off until at most N features are kept (the "
                         "weight table keeps 1.5 slots per feature, a power of two)")
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--lr", type=float, default=0.1)
    ap.add_argument("--digits", type=int, default=3)
    ap.add_argument("--precision", type=float, default=0.82,
                    help="precision the threshold is chosen to reach on the fitting data")
    ap.add_argument("--drop", action="append", default=[], choices=FAMILIES)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--dev-index", type=Path, default=Path("/tmp/qa-answers-dev"),
                    help="where the dev articles are indexed (reused when present)")
    ap.add_argument("--heldout", type=int, default=0, metavar="K",
                    help="with --quick: train without every K-th train article and check on "
                         "those instead of --dev (for choosing features without dev)")
    ap.add_argument("--heldout-part", type=int, metavar="P",
                    help="with --heldout K: keep out the train articles whose number is P "
                         "modulo K (default K-1); with --out and without --quick, write the "
                         "span weights so trained (no calibrator) for --calibrate-on-train")
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--cache", type=Path, help="save/reuse the extracted examples (.npz)")
    ap.add_argument("--calibrator-inputs", type=int, metavar="N",
                    help="fit the calibrator on the first N inputs only")
    ap.add_argument("--compare-inputs", type=int, action="append", default=[], metavar="N",
                    help="also print the cross-validated figures of a calibrator on the first "
                         "N inputs (not shipped; for measuring what inputs earn)")
    ap.add_argument("--word-classes", type=Path, metavar="NPY",
                    help="word classes the features read (bench/word_classes.py builds them; "
                         "shipped beside --out)")
    ap.add_argument("--mbr", type=int, default=0, metavar="K",
                    help="choose the answer among the K most probable spans by expected token "
                         "F1, and give the calibrator the probability of the spans that agree "
                         "with it (0: the most probable span)")
    ap.add_argument("--calibrate-on-train", type=Path, nargs="+", metavar="MODEL",
                    help="fit the calibrator and threshold on held-out folds of train instead "
                         "of dev-public: with K models, the p-th is the span model trained "
                         "without the train articles whose number is p modulo K (--heldout K "
                         "--heldout-part p --out MODEL); dev-public is then a held-out test")
    ap.add_argument("--train-every", type=int, default=3, metavar="N",
                    help="with --calibrate-on-train: every N-th train question")
    ap.add_argument("--train-index", type=Path, default=Path("/tmp/qa-answers-train"),
                    help="where the train articles are indexed (reused when present)")
    ap.add_argument("--stacked", action="store_true", help="with --calibrate-on-train: the "
                    "stacked calibrator of bench/answer_calibration.py")
    ap.add_argument("--calibrate-only", action="store_true",
                    help="keep the span weights in --out, refit only the calibrator")
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    drop = frozenset(args.drop)
    analyzer = Analyzer()
    if args.calibrate_only:  # the span weights as shipped; only the calibrator is refitted
        shipped = json.loads(args.out.read_text(encoding="utf-8"))
        from qa import npy
        from array import array
        table = array("i", npy.load(args.out.with_suffix(".npy")))  # a copy: --out is rewritten
        for name, value in shipped["settings"].items():
            setattr(args, name, value)
        if shipped.get("word_classes"):
            args.word_classes = args.out.with_name(shipped["word_classes"])
        return finish(args, table, shipped["span"], shipped["features"])
    t0 = time.time()
    examples = cached_examples(args.cache, args.train, analyzer, drop, args.limit, rng,
                               args.heldout, word_classes(args), args.heldout_part)
    print(f"features extracted in {time.time() - t0:.0f} s", flush=True)
    def check(W, WS, keep):
        table, span, _ = to_model(W, WS, keep, args.digits)
        print(json.dumps(quick_check(args, analyzer, as_model(
            table, span, classes=word_classes(args), mbr=args.mbr), drop)), flush=True)
    W, WS, keep = train(examples, args.min_count, args.epochs, args.lr, rng,
                        check if args.quick else None, args.max_features)
    del examples
    table, span, used = to_model(W, WS, keep, args.digits)
    print(f"weights shipped: {used} features in {len(table) // 4} slots", flush=True)
    if args.heldout and args.out and not (args.quick or drop):
        write_span_weights(args, table, span, used)
        return 0  # a fold model: --calibrate-on-train measures it on its held-out articles
    model = as_model(table, span, classes=word_classes(args), mbr=args.mbr)
    print(json.dumps(quick_check(args, analyzer, model, drop)), flush=True)
    if args.quick or drop or args.heldout:
        return 0
    return finish(args, table, span, used)


def finish(args, table, span, used: int) -> int:
    """Calibrate on dev-public, print the dev figures, write the model."""
    stack = placeholder_stack(args.mbr) if args.stacked else None
    model = as_model(table, span, classes=word_classes(args), mbr=args.mbr, stack=stack)
    recs, article = dev_records(args.dev, args.dev_index, model)
    if args.stacked and not args.calibrate_on_train:
        raise SystemExit("--stacked is fitted on train: give --calibrate-on-train")
    if args.calibrate_on_train:
        folds = [replace(sm.load(path), stack=stack) for path in args.calibrate_on_train]
        train_recs, train_article = train_records(args.train, args.train_index, folds,
                                                  args.train_every)
    if args.stacked:
        parts, w, t, cal = calibrate_stacked(train_recs, train_article, args.precision,
                                             args.mbr)
        stack = tuple(tuple(round(float(x), 6) for x in part) for part in parts)
        cal = {"calibrated_on": f"train, every {args.train_every}th question "
                                f"({len(train_recs)}), out-of-fold span models, stacked",
               "train_cross_validated": cal["cross_validated"], "train_curve": cal["curve"]}
    elif args.calibrate_on_train:
        w, t, cal = calibrate(train_recs, train_article, args.precision,
                              args.calibrator_inputs)
        cal = {"calibrated_on": f"train, every {args.train_every}th question "
                                f"({len(train_recs)}), out-of-fold span models",
               "train_cross_validated": cal["cross_validated"], "train_curve": cal["curve"],
               "dev_held_out": held_out_figures(w, t, recs, article),
               "dev_fitted_for_reference": calibrate(recs, article, args.precision,
                                                     args.calibrator_inputs)[2]}
    else:
        w, t, cal = calibrate(recs, article, args.precision, args.calibrator_inputs)
    for width in args.compare_inputs:
        print(json.dumps({f"first_{width}_inputs": calibrate(recs, article, args.precision,
                                                             width)[2]["cross_validated"]}))
    data = {"format": 1, "bits": sf.BITS, "scale": sm.SCALE, "trained_on": args.train.name,
            "settings": {"min_count": args.min_count, "max_features": args.max_features,
                         "epochs": args.epochs, "lr": args.lr,
                         "seed": args.seed, "digits": args.digits, "limit": args.limit},
            "features": used, "threshold": t,
            "calibration": [round(float(x), 6) for x in w], "span": span}
    if args.word_classes:
        data["word_classes"] = args.word_classes.name
    if args.mbr:
        data["settings"]["mbr"] = data["mbr"] = args.mbr
    if args.calibrate_on_train:
        data["settings"]["train_every"] = args.train_every
    if args.stacked:
        data["settings"]["stacked"] = True
        data["stack"] = {"sentence": list(stack[0]), "span": list(stack[1])}
    final = as_model(table, span, data["calibration"], t, word_classes(args), args.mbr,
                     stack)
    for r in recs:  # what `ask()` marks with the final calibrator (`qa eval` shows the same)
        r.marked = r.best if r.inputs and sm.confidence(final, list(r.inputs)) >= t else None
    figures = summary(recs)
    print(json.dumps({"threshold": t, "calibration": cal, "dev": figures}, indent=1))
    if args.out:
        args.out.write_text(json.dumps(data, indent=0) + "\n", encoding="utf-8")
        np.save(args.out.with_suffix(".npy"), np.frombuffer(table, np.int32))
        size = args.out.stat().st_size + args.out.with_suffix(".npy").stat().st_size
        print(f"wrote {args.out} and its .npy ({size / 1e6:.2f} MB)")
    return 0


_CLASSES: dict = {}


def word_classes(args):
    """The --word-classes table (loaded once), or None."""
    if not args.word_classes:
        return None
    if args.word_classes not in _CLASSES:
        _CLASSES[args.word_classes] = wc.load(args.word_classes)
    return _CLASSES[args.word_classes]


def open_dev(path: Path, folder: Path):
    from qa.evaluate import load
    from qa.index import Index

    from qa.index import IndexUnusable

    evalset = load(path)
    try:
        return evalset, Index.open(folder / "index")
    except IndexUnusable:  # none yet, or one an older qa wrote
        from qa.evaluate import index_articles
        index_articles(evalset, folder)
        return evalset, Index.open(folder / "index")


def dev_records(path: Path, folder: Path, model: sm.SpanModel):
    evalset, index = open_dev(path, folder)
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    article = np.asarray([n for n, a in enumerate(data) for p in a["paragraphs"]
                          for _ in p["qas"]])
    recs = records(index, evalset.cases, model)
    return recs, article


if __name__ == "__main__":
    sys.exit(main())
