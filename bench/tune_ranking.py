"""Measure each ranking feature on the public sets and search the weights.

    python bench/tune_ranking.py [--data ../shared/data] [--search [--start S] [--objective O]]
    python bench/tune_ranking.py --folds 2 [--bm25-grid main|near|full|shipped] [--jobs N]

Features are computed once per question (qa.ranking.candidates); each weighting is then a cheap
re-sort. Prints qa with the shipped weights, each feature left out, and (with --search) a
coordinate search over the weights, on SQuAD (P@1, MRR@5) and WikiQA (MAP).

`--folds K` cross-validates the choices by article instead (see cross_validate below and
docs/EVAL.md): the SQuAD articles are split into K folds by their order in the file (article n
goes to fold n mod K); for each fold the BM25 configuration and the feature weights are chosen
on the other folds' questions only, and the held-out fold is scored, beside the naive reference
on the same questions. `--objective listwise` fits the weights (a listwise softmax loss) instead
of searching them; `--seed` holds any objective to the seed tests; `--without` holds features at
weight 0.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import bm25_params as bp  # bench/ is on sys.path: the script's folder
from common import add_data_argument
from qa import ranking
from qa.evaluate import index_articles, load, metrics, qa_judgements


def prepare(path: Path, folder: Path, sample: int = 0, params=None):
    evalset = load(path)
    if sample and len(evalset.cases) > sample:
        step = len(evalset.cases) / sample
        evalset.cases = [evalset.cases[int(i * step)] for i in range(sample)]
    index = index_articles(evalset, folder) if params is None else \
        _index_with(evalset, folder, params)
    cache: dict = {}
    started = time.perf_counter()
    qa_judgements(index, evalset, cache=cache)
    print(f"{path.name}: {len(evalset.cases)} questions, features in "
          f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
    return evalset, index, cache


def score(sets, weights) -> dict:
    out = {}
    for name, (evalset, index, cache) in sets.items():
        relevant = [len(c.relevant) for c in evalset.cases] if evalset.kind == "wikiqa" else None
        m = metrics(qa_judgements(index, evalset, weights, cache=cache), relevant)
        out[name] = m.to_json()
    return out


def line(label: str, result: dict) -> str:
    s, w = result.get("squad", {}), result.get("wikiqa", {})
    return (f"| {label} | {s.get('P@1', 0):.4f} | {s.get('MRR@5', 0):.4f} | "
            f"{s.get('R@5', 0):.4f} | {w.get('MAP', 0):.4f} | {w.get('MRR', 0):.4f} |")


def _index_with(evalset, folder: Path, params):
    """index_articles with the given BM25 parameters."""
    from qa.index.writer import build
    from qa.index import Index

    folder.mkdir(parents=True, exist_ok=True)
    corpus = folder / f"{evalset.kind}-articles.jsonl"
    with open(corpus, "w", encoding="utf-8") as f:
        for article in evalset.articles or []:
            f.write(json.dumps(article, ensure_ascii=False) + "\n")
    build([corpus], folder / "index", params=params)
    return Index.open(folder / "index")


# ------------------------------------------------------------------ cross-validation by article
#
# Everything the choices need is computed once: BM25-alone top 5 per configuration (as
# bench/bm25_params.py does), the naive reference, and the features of every candidate for
# each BM25 configuration some fold chooses. Choosing on a subset of questions and scoring
# another is then arithmetic on per-question arrays.

FACTORS = (0.0, 0.25, 0.5, 0.75, 1.5, 2.0, 3.0)
MAP_FLOOR = 0.68


class Compact:
    """One set's candidates as arrays: features (questions x candidates x features, candidates
    in sentence-id order as qa.ranking.candidates gives them), and per candidate whether it is
    correct (SQuAD) or which WikiQA candidate it lies in."""

    def __init__(self, evalset, index, cache, names: list[str]) -> None:
        import numpy as np

        from qa.evaluate import Judge, _doc_sentences

        self.kind, self.names = evalset.kind, names
        judge = Judge(index, evalset)
        width = max((len(cache[n]) for n in range(len(evalset.cases))), default=1) or 1
        q = len(evalset.cases)
        self.x = np.zeros((len(names), q, width))
        self.valid = np.zeros((q, width), bool)
        self.correct = np.zeros((q, width), bool)
        self.wiki: list[tuple] = []
        for n, case in enumerate(evalset.cases):
            found = cache[n]
            for c, cand in enumerate(found):
                for f, name in enumerate(names):
                    self.x[f, n, c] = cand.features.get(name, 0.0)
            self.valid[n, :len(found)] = True
            if self.kind == "wikiqa":
                ids = [c.sentence.id for c in found]
                numbers = [judge.candidate(case.doc, i) for i in ids]
                seen = set(ids)
                rest = [judge.candidate(case.doc, i) for i in _doc_sentences(index, case.doc)
                        if i not in seen]
                self.wiki.append((np.array(numbers, int), rest, case.relevant,
                                  len(case.relevant)))
            else:
                self.correct[n, :len(found)] = [judge(case, c.sentence.id) for c in found]

    def scores(self, weights: dict):
        """Each candidate's score by qa's own ranking.weighted_sum, all at once on arrays, so
        ties and rounding are those of qa itself."""
        return _scores(self.names, self.x, self.valid, weights)

    def squad(self, weights: dict):
        """Per question: 1 if the first sentence is correct; reciprocal rank in the top 5."""
        import numpy as np

        top = np.argsort(-self.scores(weights), axis=1, kind="stable")[:, :5]
        hit = np.take_along_axis(self.correct, top, axis=1)
        first = np.where(hit.any(axis=1), hit.argmax(axis=1), -1)
        rr = np.where(first >= 0, 1.0 / (np.maximum(first, 0) + 1), 0.0)
        return hit[:, 0].astype(float), rr

    def wikiqa_map(self, weights: dict) -> float:
        import numpy as np

        total = self.scores(weights)
        aps = []
        for n, (numbers, rest, relevant, n_rel) in enumerate(self.wiki):
            k = len(numbers)
            order = np.argsort(-total[n, :k], kind="stable")
            seen, hits, ap, r = set(), 0, 0.0, 0
            for number in list(numbers[order]) + rest:
                if number in seen:
                    continue
                seen.add(number)
                r += 1
                if number in relevant:
                    hits += 1
                    ap += hits / r
            aps.append(ap / max(n_rel, 1))
        return float(np.mean(aps))


def _scores(names: list[str], x, valid, weights: dict):
    """Scores of candidates whose feature values are x[feature, question, candidate] (in
    sentence-id order, so a stable sort breaks ties as ranking.rank does); -inf where there is
    no candidate."""
    import numpy as np

    total = ranking.weighted_sum({name: x[f] for f, name in enumerate(names)}, weights)
    return np.where(valid, total, -np.inf)


class Seed:
    """The seed article's test questions (tests/data/seed_questions.jsonl) ranked by arrays,
    to hold a weighting to what tests/test_ranking.py requires of qa: at least 85 % of them
    answered first, 95 % in the top 3, and "how far from al-Mayadin?" answered first by the
    "within 10 km" sentence with the "45 km south of Deir al-Zor" one in the top 3."""

    def __init__(self, root: Path, folder: Path, names: list[str]) -> None:
        import numpy as np

        from qa import question as q
        from qa.index.writer import build
        from qa.index import Index

        build(sorted((root / "seeds").glob("*.txt")), folder / "index")
        index = Index.open(folder / "index")
        items = [json.loads(line) for line in
                 (root / "tests" / "data" / "seed_questions.jsonl").read_text().splitlines()]
        found = [ranking.candidates(index, q.analyze(i["question"], index.analyzer))
                 for i in items]
        width = max(len(f) for f in found)
        self.names = names
        self.x = np.zeros((len(names), len(items), width))
        self.valid = np.zeros((len(items), width), bool)
        self.correct = np.zeros((len(items), width), bool)
        self.how_far, self.far_first, self.far_other = None, None, None
        for n, (item, cands) in enumerate(zip(items, found)):
            for c, cand in enumerate(cands):
                for f, name in enumerate(names):
                    self.x[f, n, c] = cand.features.get(name, 0.0)
                self.correct[n, c] = cand.sentence.index == item["sentence"]
            self.valid[n, :len(cands)] = True
            if item["question"] == "how far from al-Mayadin?":
                texts = [c.sentence.text for c in cands]
                self.how_far = n
                self.far_first = next(c for c, t in enumerate(texts) if t.startswith(
                    "The government forces had reached within 10 km (7 miles)"))
                self.far_other = next(c for c, t in enumerate(texts)
                                      if "which lies 45 km south of Deir al-Zor" in t)

    def ok(self, weights: dict) -> bool:
        import numpy as np

        total = _scores(self.names, self.x, self.valid, weights)
        top = np.argsort(-total, axis=1, kind="stable")[:, :3]
        hit = np.take_along_axis(self.correct, top, axis=1)
        far = top[self.how_far]
        return bool(hit[:, 0].mean() >= 0.85 and hit.any(axis=1).mean() >= 0.95
                    and far[0] == self.far_first and self.far_other in far)


def _bm25_grid(kind: str):
    from qa.bm25 import BM25Params

    from itertools import product
    if kind == "full":
        return bp.grid()
    if kind == "shipped":
        return [BM25Params()]
    if kind == "near":
        k1s, bs = (0.2, 0.3, 0.5, 0.7), (0.4, 0.5, 0.6, 0.75)
    else:
        k1s, bs = bp.K1, bp.B
    return ([BM25Params("BM25Okapi", k1, b, epsilon=0.25) for k1, b in product(k1s, bs)]
            + [BM25Params("BM25Plus", k1, b, delta=1.0) for k1, b in product(k1s, bs)])


def _bm25_rows(evalset, reference, configs, jobs: int, work: Path):
    """Per configuration: per-question P@1 and reciprocal rank (top 5), BM25 alone."""
    import multiprocessing

    import numpy as np

    from qa.analyzer import Analyzer
    from qa.evaluate import Judge

    corpus = work / "squad-articles.jsonl"
    with open(corpus, "w", encoding="utf-8") as f:
        for article in evalset.articles:
            f.write(json.dumps(article, ensure_ascii=False) + "\n")
    analyzer = Analyzer()
    questions = [analyzer.terms(c.question) for c in evalset.cases]
    judge, verdicts, rows = Judge(reference, evalset), {}, {}
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(jobs, bp.init_worker, (str(corpus), questions)) as pool:
        for done, (params, tops, seconds) in enumerate(pool.imap(bp.run_config, configs), 1):
            p1, rr, r5 = np.zeros(len(tops)), np.zeros(len(tops)), np.zeros(len(tops))
            for n, ids in enumerate(tops):
                for r, i in enumerate(ids[:5]):
                    if (n, i) not in verdicts:
                        verdicts[n, i] = judge(evalset.cases[n], i)
                    if verdicts[n, i]:
                        rr[n], r5[n], p1[n] = 1 / (r + 1), 1.0, float(r == 0)
                        break
            rows[params] = (p1, rr, r5)
            print(f"  bm25 [{done}/{len(configs)}] {bp.label(params)}: MRR@5 {rr.mean():.4f} "
                  f"({seconds:.1f} s)", file=sys.stderr)
    return rows


def _choose_bm25(rows: dict, subset):
    """bench/bm25_params.py's rule (recommend()) on the questions in `subset` only."""
    from qa.evaluate import Metrics

    candidates = [bp.Row(params, Metrics(len(subset), p1[subset].mean(), rr[subset].mean(),
                                         r5[subset].mean()), rr[subset], [], 0.0)
                  for params, (p1, rr, r5) in rows.items()]
    return bp.recommend(candidates)[0].params


def _search(squad: Compact, wikiqa: Compact, start: dict, subset, objective: str,
            fixed=frozenset(), seed: "Seed | None" = None) -> dict:
    """The coordinate search: 3 rounds over the features (not bm25, whose weight fixes the
    scale), each weight multiplied by each of FACTORS (a zero weight tries 0.1 x factor), a
    change kept when it raises the objective by more than 1e-4; on the SQuAD questions in
    `subset` and all of WikiQA. Objectives: "mrr" SQuAD MRR@5, "constrained" SQuAD
    2 x P@1 + MRR@5, both penalised when WikiQA MAP falls below MAP_FLOOR; "sum" SQuAD
    P@1 + MRR@5 + 0.5 x WikiQA MAP."""
    if objective == "listwise":
        return _listwise(squad, wikiqa, subset, fixed, seed)

    def value(w):
        p1, rr = squad.squad(w)
        wmap = wikiqa.wikiqa_map(w)
        if objective == "sum":
            return p1[subset].mean() + rr[subset].mean() + 0.5 * wmap
        penalty = 10 * max(0.0, MAP_FLOOR - wmap) + (10 if seed and not seed.ok(w) else 0)
        if objective == "mrr":
            return rr[subset].mean() - penalty
        return 2 * p1[subset].mean() + rr[subset].mean() - penalty

    best = dict(start)
    best_value = value(best)
    for _ in range(3):
        for name in best:
            if name == "bm25" or name in fixed:
                continue
            for factor in FACTORS:
                trial = {**best, name: round(best[name] * factor if best[name] else
                                             0.1 * factor, 4)}
                v = value(trial)
                if v > best_value + 1e-4:
                    best, best_value = trial, v
    return best


def _softmax_fit(parts, l2: float = 1e-3, iters: int = 400, rate: float = 0.05):
    """Weights minimising the listwise softmax loss (each question: -log of the probability
    its correct candidates take under a softmax of the weighted sums), plus l2 on weights of
    standardised features; Adam, full batch. `parts`: (features F x Q x W, valid Q x W,
    correct Q x W, total weight of these questions in the loss)."""
    import numpy as np

    xs, vs, cs, qw = [], [], [], []
    width = max(p[0].shape[2] for p in parts)
    for x, valid, correct, share in parts:
        keep = (correct & valid).any(axis=1)
        pad = width - x.shape[2]
        xs.append(np.pad(x[:, keep], ((0, 0), (0, 0), (0, pad))))
        vs.append(np.pad(valid[keep], ((0, 0), (0, pad))))
        cs.append(np.pad((correct & valid)[keep], ((0, 0), (0, pad))))
        qw.append(np.full(int(keep.sum()), share / max(int(keep.sum()), 1)))
    x, valid, correct = np.concatenate(xs, 1), np.concatenate(vs), np.concatenate(cs)
    qw = np.concatenate(qw)
    sd = np.array([x[f][valid].std() + 1e-9 for f in range(x.shape[0])])
    x = x / sd[:, None, None]
    w, m, v = np.zeros(x.shape[0]), np.zeros(x.shape[0]), np.zeros(x.shape[0])
    for t in range(1, iters + 1):
        s = np.where(valid, np.einsum("f,fqw->qw", w, x), -np.inf)
        e = np.exp(s - s.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        ec = np.where(correct, e, 0.0)
        pc = ec / ec.sum(axis=1, keepdims=True)
        g = np.einsum("qw,fqw->f", (p - pc) * qw[:, None], x) + l2 * w
        m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g
        w -= rate * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
    return w / sd


ALPHAS = (0.05, 0.1, 0.15, 0.2, 0.25, 0.5, 1.0)
BETAS = (0.0, 0.1, 0.2, 0.3, 0.5, 1.0)


def _listwise(squad: Compact, wikiqa: Compact, subset, fixed=frozenset(), seed=None) -> dict:
    """Objective `listwise`: the softmax fit on the SQuAD questions in `subset`, with WikiQA's
    questions given the share alpha of the loss (the smallest of ALPHAS that keeps WikiQA MAP
    >= MAP_FLOOR) and, with a seed constraint, the seed questions the share beta (the smallest
    of BETAS that passes it); weights scaled so that bm25's is 1."""
    import numpy as np

    use = [n for n in squad.names if n not in fixed]
    idx = [squad.names.index(n) for n in use]
    wcorrect = np.zeros(wikiqa.valid.shape, bool)
    for n, (numbers, _, relevant, _) in enumerate(wikiqa.wiki):
        wcorrect[n, :len(numbers)] = [num in relevant for num in numbers]
    sub = np.arange(squad.valid.shape[0])[subset]
    best = None
    for beta in (BETAS if seed else (0.0,)):
        for alpha in ALPHAS:
            parts = [(squad.x[idx][:, sub], squad.valid[sub], squad.correct[sub], 1.0),
                     (wikiqa.x[idx], wikiqa.valid, wcorrect, alpha)]
            if beta:
                parts.append((seed.x[idx], seed.valid, seed.correct, beta))
            w = dict.fromkeys(squad.names, 0.0)
            w.update(zip(use, (float(x) for x in _softmax_fit(parts))))
            w = {n: round(x / w["bm25"], 4) for n, x in w.items()}
            best = w
            if wikiqa.wikiqa_map(w) >= MAP_FLOOR and (seed is None or seed.ok(w)):
                print(f"  listwise: alpha {alpha}, beta {beta}", file=sys.stderr)
                return w
    print("  listwise: no alpha/beta meets the constraints", file=sys.stderr)
    return best


def cross_validate(args) -> None:
    import numpy as np

    from qa.bm25 import BM25Params
    from qa.evaluate import naive_judgements

    started = time.perf_counter()
    k = args.folds
    squad_path = args.data / "squad" / "dev-public.json"
    wiki_path = args.data / "wikiqa" / "WikiQA-dev.tsv"
    data = json.loads(squad_path.read_text(encoding="utf-8"))["data"]
    article_of = [a for a, art in enumerate(data) for p in art["paragraphs"] for _ in p["qas"]]
    titles = [art.get("title", "") for art in data]
    fold_of = np.array([a % k for a in article_of])
    folds = [np.flatnonzero(fold_of == f) for f in range(k)]
    shipped_params, shipped_weights = BM25Params(), dict(ranking.shipped_weights())
    names = list(shipped_weights)
    start = shipped_weights if args.start == "shipped" else \
        {n: 1.0 for n in names}
    fixed = frozenset(args.without)
    seed = Seed(Path(ranking.__file__).resolve().parents[1], args.work / "seed", names) \
        if args.seed else None
    if seed:
        print(f"seed constraint: shipped weights {'pass' if seed.ok(shipped_weights) else 'FAIL'}"
              f", start {'passes' if seed.ok(start) else 'fails'}", file=sys.stderr)
    start = {n: (0.0 if n in fixed else w) for n, w in start.items()}
    work = args.work / "cv"
    work.mkdir(parents=True, exist_ok=True)

    # The naive reference and BM25 alone per configuration.
    evalset = load(squad_path)
    reference = _index_with(evalset, work / "reference", shipped_params)
    naive = naive_judgements(reference, evalset)
    naive_p1 = np.array([float(bool(j and j[0])) for j in naive])
    naive_rr = np.array([next((1 / (r + 1) for r, ok in enumerate(j[:5]) if ok), 0.0)
                         for j in naive])
    configs = _bm25_grid(args.bm25_grid)
    if shipped_params not in configs:
        configs.append(shipped_params)
    store = _Store(work, [squad_path, wiki_path])
    missing = [c for c in configs if c not in store.rows]
    if len(configs) > 1 and missing:
        store.rows.update(_bm25_rows(evalset, reference, missing, args.jobs, work))
        store.save()
    rows = {c: store.rows[c] for c in configs} if len(configs) > 1 else {}
    everyone = np.arange(len(article_of))
    trains = [np.flatnonzero(fold_of != f) for f in range(k)]
    chosen_params = [(_choose_bm25(rows, t) if rows else shipped_params) for t in trains]
    whole_params = _choose_bm25(rows, everyone) if rows else shipped_params

    # Features once per BM25 configuration in use.
    compact = store.compact
    for params in dict.fromkeys([shipped_params, whole_params] + chosen_params):
        if params in compact:
            continue
        tag = f"{params.variant}-{params.k1:g}-{params.b:g}"
        sets = {}
        for name, path in (("squad", squad_path), ("wikiqa", wiki_path)):
            es, index, cache = prepare(path, work / tag / name, 0, params)
            sets[name] = Compact(es, index, cache, names)
            if params == shipped_params:
                _check(es, index, cache, sets[name])
            del cache, index
        compact[params] = sets
        store.save()
        print(f"  features for {tag} done ({time.perf_counter() - started:.0f} s)",
              file=sys.stderr)

    def figures(params, weights):
        p1, rr = compact[params]["squad"].squad(weights)
        return p1, rr, compact[params]["wikiqa"].wikiqa_map(weights)

    # Check: the array re-sort reproduces qa's own ranking with the shipped settings.
    p1, rr, wmap = figures(shipped_params, shipped_weights)
    print(f"shipped settings, all questions: P@1 {p1.mean():.4f} MRR@5 {rr.mean():.4f}, "
          f"WikiQA MAP {wmap:.4f}; naive P@1 {naive_p1.mean():.4f} MRR@5 {naive_rr.mean():.4f}")

    out = [f"Cross-validation by article, {k} folds (article n of the file -> fold n mod {k}); "
           f"BM25 grid `{args.bm25_grid}` ({len(configs)} configurations), weight search from "
           f"{args.start} start, objective `{args.objective}`.", ""]
    for f in range(k):
        arts = [a for a in range(len(data)) if a % k == f]
        out.append(f"- fold {f}: {len(arts)} articles, {len(folds[f])} questions: "
                   + ", ".join(f"{a} {titles[a]}" for a in arts))
    out += ["", "| fold | chosen on the other folds: BM25 | weights | WikiQA MAP "
            "| held-out qa P@1 | MRR@5 | naive P@1 | MRR@5 | margin P@1 | MRR@5 "
            "| shipped settings P@1 | MRR@5 | margin P@1 | MRR@5 |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    pooled_p1, pooled_rr = np.zeros(len(everyone)), np.zeros(len(everyone))
    chosen_weights = []
    for f in range(k):
        weights = _search(compact[chosen_params[f]]["squad"], compact[chosen_params[f]]["wikiqa"],
                          start, trains[f], args.objective, fixed, seed)
        chosen_weights.append(weights)
        p1, rr, wmap = figures(chosen_params[f], weights)
        held = folds[f]
        pooled_p1[held], pooled_rr[held] = p1[held], rr[held]
        sp1, srr, _ = figures(shipped_params, shipped_weights)
        out.append(_cv_row(str(f), chosen_params[f], weights, wmap, p1[held], rr[held],
                           naive_p1[held], naive_rr[held], sp1[held], srr[held]))
        print(out[-1], file=sys.stderr)
    sp1, srr, swmap = figures(shipped_params, shipped_weights)
    out.append(_cv_row("pooled held-out", None, None, None, pooled_p1, pooled_rr, naive_p1,
                       naive_rr, sp1, srr))
    weights = _search(compact[whole_params]["squad"], compact[whole_params]["wikiqa"], start,
                      everyone, args.objective, fixed, seed)
    p1, rr, wmap = figures(whole_params, weights)
    out.append(_cv_row("all folds, in-sample (same procedure)", whole_params, weights, wmap,
                       p1, rr, naive_p1, naive_rr, sp1, srr))
    out.append(_cv_row("shipped, in-sample", shipped_params, shipped_weights, swmap, sp1, srr,
                       naive_p1, naive_rr, sp1, srr))
    out += ["", "Weights chosen per fold (and on all folds):", "",
            "| feature | " + " | ".join(f"fold {f}" for f in range(k)) + " | all | shipped |",
            "|---|" + "---|" * (k + 2)]
    for name in names:
        out.append(f"| {name} | " + " | ".join(f"{w[name]:g}" for w in chosen_weights)
                   + f" | {weights[name]:g} | {shipped_weights[name]:g} |")
    diff_p1, diff_rr = pooled_p1 - naive_p1, pooled_rr - naive_rr
    out += ["", f"Pooled held-out margin: P@1 {_ci(diff_p1)}, MRR@5 {_ci(diff_rr)} "
            "(mean and 95% interval, paired bootstrap over questions).",
            f"Whole run: {time.perf_counter() - started:.0f} s."]
    print("\n".join(out))
    if args.write:
        _write_weights(args.write, weights, whole_params, {
            "squad dev-public, in-sample": {
                "P@1": round(p1.mean(), 4), "MRR@5": round(rr.mean(), 4),
                "naive P@1": round(naive_p1.mean(), 4), "naive MRR@5": round(naive_rr.mean(), 4)},
            "wikiqa dev, in-sample": {"MAP": round(wmap, 4)},
            f"squad dev-public, {k} folds by article, held-out margin over naive": {
                "P@1": round(diff_p1.mean(), 4), "MRR@5": round(diff_rr.mean(), 4)}})
    (work / "cv-cache.json").write_text(json.dumps({
        "folds": [f.tolist() for f in folds], "naive_p1": naive_p1.tolist(),
        "naive_rr": naive_rr.tolist(), "pooled_p1": pooled_p1.tolist(),
        "pooled_rr": pooled_rr.tolist(),
        "chosen": [[p.to_json(), w] for p, w in zip(chosen_params, chosen_weights)]}))


def _write_weights(path: Path, weights: dict, params, figures: dict) -> None:
    """The weights file qa ships (qa/data/ranking_weights.json), with the command that wrote it
    and the figures it got."""
    from qa.bm25 import BM25Params

    if params != BM25Params():
        print(f"note: these weights were fitted with BM25 {params.to_json()}, not the shipped "
              "settings of qa/bm25.py", file=sys.stderr)
    command = "python bench/tune_ranking.py " + " ".join(sys.argv[1:])
    data = {"about": "Weights of qa's ranking features (qa/ranking.py FEATURES), written by "
                     "bench/tune_ranking.py --write; not edited by hand.",
            "command": command, "bm25": params.to_json(), "figures": figures,
            "weights": {name: round(weights[name], 4) for name in ranking.FEATURES}}
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {path}", file=sys.stderr)


class _Store:
    """BM25-alone rows and compacted features kept between runs, for the same qa source and
    data files (a pickle in the work folder: a cache of this script's own arrays, never read by
    qa; it is loaded only from a folder and a file that this user owns and nobody else can
    write, since a planted pickle would run code)."""

    def __init__(self, work: Path, files: list[Path]) -> None:
        import hashlib

        digest = hashlib.sha256()
        for path in sorted(Path(ranking.__file__).parent.rglob("*.py")):
            digest.update(path.read_bytes())
        for path in files:
            digest.update(str(path.stat().st_size).encode())
        self.path = work / f"store-{digest.hexdigest()[:16]}.pickle"
        self.rows, self.compact = {}, {}
        if self.path.exists() and _private(work) and _private(self.path):
            import pickle

            self.rows, self.compact = pickle.loads(self.path.read_bytes())

    def save(self) -> None:
        import pickle

        self.path.write_bytes(pickle.dumps((self.rows, self.compact)))


def _private(path: Path) -> bool:
    """Owned by this user and not writable by group or others (links not followed)."""
    import os
    import stat

    info = path.lstat()
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH) \
        and not stat.S_ISLNK(info.st_mode)


def _check(evalset, index, cache, compact: Compact) -> None:
    """The array re-sort must give qa's own judgements (qa.evaluate.qa_judgements)."""
    import numpy as np

    relevant = [len(c.relevant) for c in evalset.cases] if evalset.kind == "wikiqa" else None
    m = metrics(qa_judgements(index, evalset, cache=cache), relevant)
    if evalset.kind == "wikiqa":
        ok = abs(m.map - compact.wikiqa_map(ranking.shipped_weights())) < 1e-12
    else:
        slow = qa_judgements(index, evalset, cache=cache)
        p1, rr = compact.squad(ranking.shipped_weights())
        ok = np.array_equal(p1, [float(bool(j and j[0])) for j in slow]) and np.allclose(
            rr, [next((1 / (r + 1) for r, hit in enumerate(j[:5]) if hit), 0.0) for j in slow])
    print(f"  check {evalset.kind}: array re-sort {'matches' if ok else 'DIFFERS FROM'} "
          f"qa_judgements (P@1 {m.p1!r}, MRR@5 {m.mrr5!r}, MAP {m.map!r})", file=sys.stderr)
    if not ok:
        raise SystemExit("array re-sort differs from qa_judgements")


def _ci(diff) -> str:
    import numpy as np

    rng = np.random.default_rng(0)
    means = [diff[rng.integers(0, len(diff), len(diff))].mean() for _ in range(2000)]
    lo, hi = np.percentile(means, [2.5, 97.5])
    return f"{diff.mean():+.4f} [{lo:+.4f}, {hi:+.4f}]"


def _cv_row(label, params, weights, wmap, p1, rr, np1, nrr, sp1, srr) -> str:
    bm25 = "" if params is None else f"{params.variant} k1={params.k1:g} b={params.b:g}"
    w = "" if weights is None else "see below"
    m = "" if wmap is None else f"{wmap:.4f}"
    return (f"| {label} | {bm25} | {w} | {m} | {p1.mean():.4f} | {rr.mean():.4f} | "
            f"{np1.mean():.4f} | {nrr.mean():.4f} | {p1.mean() - np1.mean():+.4f} | "
            f"{rr.mean() - nrr.mean():+.4f} | {sp1.mean():.4f} | {srr.mean():.4f} | "
            f"{sp1.mean() - np1.mean():+.4f} | {srr.mean() - nrr.mean():+.4f} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    add_data_argument(parser)
    parser.add_argument("--work", type=Path, default=Path.home() / ".cache" / "qa-tune",
                        help="work folder: indexes and caches (default ~/.cache/qa-tune)")
    parser.add_argument("--search", action="store_true")
    parser.add_argument("--sample", type=int, default=0, help="SQuAD questions to use (0: all)")
    parser.add_argument("--weights", type=json.loads, default=None,
                        help="JSON object of weights to measure instead of the shipped ones")
    parser.add_argument("--folds", type=int, default=0,
                        help="cross-validate by article with this many folds (SQuAD)")
    parser.add_argument("--bm25-grid", default="main", choices=("main", "near", "full",
                                                                 "shipped"),
                        help="with --folds: BM25 configurations to choose among")
    parser.add_argument("--start", default="neutral", choices=("neutral", "shipped"),
                        help="where the weight search starts: every weight 1, or the shipped")
    parser.add_argument("--objective", default="constrained",
                        choices=("constrained", "mrr", "sum", "listwise"),
                        help="mrr: SQuAD MRR@5 with WikiQA MAP >= 0.68; constrained: SQuAD "
                             "2*P@1 + MRR@5 with WikiQA MAP >= 0.68; sum: SQuAD P@1 + MRR@5 "
                             "+ 0.5 WikiQA MAP; listwise: softmax fit (no search), see _listwise")
    parser.add_argument("--without", type=lambda s: [n for n in s.split(",") if n], default=[],
                        help="with --folds: features held at weight 0 (comma-separated)")
    parser.add_argument("--seed", action="store_true",
                        help="with --folds: the search keeps the seed questions answered as "
                             "tests/test_ranking.py requires (objectives mrr, constrained)")
    parser.add_argument("--jobs", type=int, default=1, help="processes for the BM25 grid")
    parser.add_argument("--write", type=Path, default=None,
                        help="with --folds: write the weights chosen on all folds, with their "
                             "figures, to this file (qa ships qa/data/ranking_weights.json)")
    args = parser.parse_args()
    if args.folds:
        cross_validate(args)
        return
    sets = {
        "squad": prepare(args.data / "squad" / "dev-public.json", args.work / "squad",
                         args.sample),
        "wikiqa": prepare(args.data / "wikiqa" / "WikiQA-dev.tsv", args.work / "wikiqa"),
    }
    print("| weights | SQuAD P@1 | MRR@5 | R@5 | WikiQA MAP | MRR |")
    print("|---|---|---|---|---|---|")
    base = {**ranking.shipped_weights(), **(args.weights or {})}
    print(line("shipped", score(sets, base)))
    only_bm25 = {k: (1.0 if k == "bm25" else 0.0) for k in base}
    print(line("bm25 only", score(sets, only_bm25)))
    for name in base:
        if name != "bm25":
            print(line(f"without {name}", score(sets, {**base, name: 0.0})))
    if args.search:
        names = list(base)
        squad, wikiqa = (Compact(*sets[n], names) for n in ("squad", "wikiqa"))
        start = base if args.start == "shipped" else {n: 1.0 for n in names}
        best = _search(squad, wikiqa, start, slice(None), args.objective)
        print(line(f"searched ({args.start} start, objective {args.objective}) "
                   + json.dumps(best), score(sets, best)))

if __name__ == "__main__":
    main()
