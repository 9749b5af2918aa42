"""Choose the rank-bm25 class and parameters for qa's BM25 stage by measurement.

For every configuration in GRID (BM25Okapi / BM25L / BM25Plus; k1, b; epsilon for Okapi,
delta for L and Plus) this builds a qa index of the SQuAD articles with `qa.index.writer.build` and
ranks *all* sentences for every question by BM25 alone (`Index.bm25_scores` of the analysed
question; top 5 by score, ties by sentence id). A sentence is correct when it contains one of
the question's answer strings (`qa.evaluate.Judge`); P@1, MRR@5, R@5 over all questions come
from `qa.evaluate.metrics`. The naive reference of ../shared/data/README.md
(`qa.evaluate.naive_judgements`: lowercased `\\w+` tokens, BM25Okapi defaults, same sentences)
is computed in the same run.

Then the single-article case: the seed (seeds/, one article of 13 sentences) is indexed per
configuration, to show what each class does to the IDF of common terms on such a small index,
and to rank the hand-identified answer sentence of a few questions (SEED_CHECK below). The seed
is documentation only: nothing is chosen from it.

The table is printed and written into docs/BM25.md between the `bench:` markers.

    python bench/bm25_params.py [--data ../shared/data] [--squad FILE] [--seed DIR] [--jobs N]
                                                [--quick] [--no-doc]
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from itertools import product
from pathlib import Path

import numpy as np

from common import ROOT, add_data_argument, replace_block
from qa import evaluate as ev
from qa.analyzer import Analyzer
from qa.bm25 import BM25Params
from qa.index.writer import build
from qa.index import Index

DEFAULT_SEED = ROOT / "seeds"
DOC = ROOT / "docs" / "BM25.md"
COMMAND = "python bench/bm25_params.py"

# The grid. The main grids (BM25Okapi epsilon=0.25, BM25Plus delta=1, BM25L delta=1) cross
# every k1 with every b. The other epsilon / delta values are measured at a few points only:
# on the SQuAD index no term is in more than half the sentences, so Okapi's epsilon floor
# touches nothing there (the run checks and prints this), and BM25Plus's delta adds the same
# amount to every sentence for each query term, so it cannot change an order.
K1 = (0.2, 0.3, 0.5, 0.7, 0.9, 1.2, 1.5, 2.0)
B = (0.3, 0.4, 0.5, 0.6, 0.75, 0.9)
B_L = (0.3, 0.5, 0.75, 0.9)               # BM25L: far behind, a coarser b grid
SPOT = tuple(product((0.5, 1.5), (0.5, 0.75)))  # (k1, b) points for the other values
EPSILON = (0.1, 0.25, 0.5)                # BM25Okapi (0.25 is rank-bm25's default)
DELTA_PLUS = (0.5, 1.0)                   # BM25Plus (1.0 is rank-bm25's default)
DELTA_L = (0.5, 1.0, 2.0)                 # BM25L (0.5 is rank-bm25's default)

# rank-bm25's own defaults per class, and qa's default at the time of writing (qa/bm25.py).
RANK_BM25_DEFAULTS = {
    "BM25Okapi": BM25Params("BM25Okapi", 1.5, 0.75, epsilon=0.25),
    "BM25L": BM25Params("BM25L", 1.5, 0.75, delta=0.5),
    "BM25Plus": BM25Params("BM25Plus", 1.5, 0.75, delta=1.0),
}
QA_DEFAULT = BM25Params()

# --- Seed data, written by hand from the text of seeds/000_c9ff2a859012aa2b.txt. ------------
# Documentation only: shown in docs/BM25.md, never used to choose a configuration or a rule.
#
# Probe questions, in a reader's words, whose terms' IDF is shown per class.
SEED_PROBES = (
    "how far from al-Mayadin?",
    "who shelled al-Mayadin?",
    "when was the siege lifted?",
    "what did the Syrian army say about Deir al-Zor?",
)
# Seed check: a question and a piece of text that occurs only in its answer sentence, read
# off the article by hand. The rank is that sentence's 1-based place when all the seed's
# sentences are ordered by BM25 score (ties by sentence id); "-" when it holds no query term.
SEED_CHECK = (
    ("how far is al-Mayadin from Deir al-Zor?", "45 km south of Deir al-Zor"),
    ("who shelled al-Mayadin?", "shelled al-Mayadin overnight"),
    ("when was the siege lifted?", "lifted a three-year-long siege"),
    ("how close did the government forces get?", "within 10 km"),
    ("who was killed in the desert attack?", "senior commander had been killed"),
    ("where did Islamic State move its command?", "diminished command structure"),
    ("what did the army enter at the edge of the town?", "ruins of a castle"),
    ("who is waging a separate campaign?", "are also waging a separate campaign"),
)
# ---------------------------------------------------------------------------------------------


def grid(quick: bool = False) -> list[BM25Params]:
    if quick:
        return list(RANK_BM25_DEFAULTS.values())
    out = [BM25Params("BM25Okapi", k1, b, epsilon=0.25) for k1, b in product(K1, B)]
    out += [BM25Params("BM25Okapi", k1, b, epsilon=e) for k1, b in SPOT for e in EPSILON
            if e != 0.25]
    out += [BM25Params("BM25Plus", k1, b, delta=1.0) for k1, b in product(K1, B)]
    out += [BM25Params("BM25Plus", k1, b, delta=d) for k1, b in SPOT for d in DELTA_PLUS
            if d != 1.0]
    out += [BM25Params("BM25L", k1, b, delta=1.0) for k1, b in product(K1, B_L)]
    out += [BM25Params("BM25L", k1, b, delta=d) for k1, b in SPOT for d in DELTA_L
            if d != 1.0]
    out += [p for p in RANK_BM25_DEFAULTS.values() if p not in out]
    return out


def label(p: BM25Params) -> str:
    extra = f"epsilon={p.epsilon:g}" if p.variant == "BM25Okapi" else f"delta={p.delta:g}"
    return f"{p.variant} k1={p.k1:g} b={p.b:g} {extra}"


def top5(index: Index, terms: list[str], k: int = 5) -> list[int]:
    """BM25 only: the best `k` sentences holding a query term, ties by sentence id."""
    return index.bm25_scores(terms).best(k).ids


def full_rank(index: Index, terms: list[str]) -> list[int]:
    return top5(index, terms, k=index.size)


# ------------------------------------------------------------------------- SQuAD workers

_WORK: dict = {}


def init_worker(corpus: str, questions: list[list[str]]) -> None:
    _WORK["corpus"] = Path(corpus)
    _WORK["questions"] = questions
    _WORK["folder"] = Path(tempfile.mkdtemp(prefix="bm25-bench-"))


def run_config(params: BM25Params) -> tuple[BM25Params, list[list[int]], float]:
    """Build the SQuAD index with `params` and rank every question; top 5 sentence ids each."""
    started = time.perf_counter()
    folder = _WORK["folder"] / "index"
    build([_WORK["corpus"]], folder, params=params)
    index = Index.open(folder)
    tops = [top5(index, terms) for terms in _WORK["questions"]]
    del index
    return params, tops, time.perf_counter() - started


# -------------------------------------------------------------------------------- scoring


@dataclass
class Row:
    params: BM25Params
    metrics: ev.Metrics
    rr: np.ndarray         # per-question reciprocal rank within the top 5 (0 when missed)
    seed_ranks: list       # rank of each SEED_CHECK answer sentence, or None
    seconds: float


def reciprocal_ranks(judgements: list[list[bool]]) -> np.ndarray:
    out = np.zeros(len(judgements))
    for n, ranked in enumerate(judgements):
        first = next((r for r, ok in enumerate(ranked[:5]) if ok), None)
        out[n] = 0.0 if first is None else 1 / (first + 1)
    return out


def paired_bootstrap(a: np.ndarray, b: np.ndarray, rounds: int = 2000) -> tuple[float, float,
                                                                               float]:
    """Mean of a - b and its 95% interval, resampling questions (seeded, so reproducible)."""
    diff = a - b
    rng = np.random.default_rng(0)
    means = np.empty(rounds)
    for r in range(rounds):
        means[r] = diff[rng.integers(0, len(diff), len(diff))].mean()
    lo, hi = np.percentile(means, [2.5, 97.5])
    return float(diff.mean()), float(lo), float(hi)


# ---------------------------------------------------------------------------------- seed


def okapi_raw_idf(n: int, df: np.ndarray) -> np.ndarray:
    """BM25Okapi's IDF before rank-bm25 floors the negative ones."""
    return np.log(n - df + 0.5) - np.log(df + 0.5)


def seed_index(seed: Path, params: BM25Params, folder: Path) -> Index:
    build([seed], folder, params=params)
    return Index.open(folder)


def seed_ranks(index: Index) -> list[int | None]:
    texts = [index.sentence(i).text for i in range(index.size)]
    out = []
    for question, snippet in SEED_CHECK:
        holders = [i for i, t in enumerate(texts) if snippet in t]
        if len(holders) != 1:
            raise SystemExit(f"seed check: {snippet!r} is in {len(holders)} seed sentences, "
                             "expected exactly one; update SEED_CHECK")
        ranked = full_rank(index, index.analyzer.terms(question))
        out.append(ranked.index(holders[0]) + 1 if holders[0] in ranked else None)
    return out


def seed_idf_findings(seed: Path, folder: Path) -> tuple[list[str], list[str]]:
    """Markdown lines: IDF of common terms per class, and the probe questions' term weights."""
    settings = [BM25Params("BM25Okapi", epsilon=e) for e in EPSILON]
    settings += [BM25Params("BM25L"), BM25Params("BM25Plus")]
    lines = ["| class | terms | raw IDF = 0 | raw IDF < 0 | floored | stored IDF <= 0 "
             "| terms in > half the sentences: df, IDF | highest-IDF term, IDF "
             "| lowest IDF of a term in <= half |",
             "|---|---|---|---|---|---|---|---|---|"]
    idf_by_class: dict[str, dict[str, float]] = {}
    df_of: dict[str, int] = {}
    n = 0
    for p in settings:
        index = seed_index(seed, p, folder / "seed-idf")
        n = index.size
        terms = list(index.terms)
        df = np.diff(np.asarray(index.ptr))
        idf = np.asarray(index.idf, float)
        df_of = dict(zip(terms, df.tolist()))
        if p.variant == "BM25Okapi":
            raw = okapi_raw_idf(n, df)
            zero, negative = int(np.sum(raw == 0)), int(np.sum(raw < 0))
            floored = int(np.sum(raw != idf))
            name = f"BM25Okapi epsilon={p.epsilon:g}"
        else:
            zero, negative, floored = int(np.sum(idf == 0)), int(np.sum(idf < 0)), 0
            name = p.variant
        idf_by_class[name] = dict(zip(terms, idf.tolist()))
        common = sorted((t for t in range(len(terms)) if df[t] > n / 2), key=lambda t: -df[t])
        common_text = ", ".join(f"{terms[t]} ({df[t]}) {idf[t]:.3f}" for t in common)
        rest = [t for t in range(len(terms)) if df[t] <= n / 2]
        low = min(rest, key=lambda t: idf[t]) if rest else None
        high = int(np.argmax(idf))
        low_text = f"{terms[low]} ({df[low]}) {idf[low]:.3f}" if low is not None else "-"
        lines.append(f"| {name} | {len(terms)} | {zero} | {negative} | {floored} "
                     f"| {int(np.sum(idf <= 0))} | {common_text or '-'} "
                     f"| {terms[high]} ({df[high]}) {idf[high]:.3f} | {low_text} |")
        del index
    names = list(idf_by_class)
    analyzer = Analyzer()
    probes = [f"Seed: {n} sentences. Term weights (IDF) of the probe questions' terms "
              "(df = sentences holding the term; `*` = df > half, Okapi's IDF there is the "
              "floor):", "",
              "| question | term | df | " + " | ".join(names) + " |",
              "|---|---|---|" + "---|" * len(names)]
    for question in SEED_PROBES:
        for k, term in enumerate(dict.fromkeys(analyzer.terms(question))):
            df = df_of.get(term)
            cells = [f"{idf_by_class[c][term]:.3f}" if term in idf_by_class[c] else "absent"
                     for c in names]
            mark = "*" if df and df > n / 2 else ""
            probes.append(f"| {question if k == 0 else ''} | {term} | {df or 0}{mark} | "
                          + " | ".join(cells) + " |")
    return lines, probes


# ---------------------------------------------------------------------------------- main


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_argument(ap)
    ap.add_argument("--squad", type=Path, default=None,
                    help="SQuAD file (default: DATA/squad/dev-public.json)")
    ap.add_argument("--seed", type=Path, default=DEFAULT_SEED)
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--quick", action="store_true", help="rank-bm25's defaults only")
    ap.add_argument("--no-doc", action="store_true", help="print only; leave docs/ alone")
    args = ap.parse_args()
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="bm25-params-"))
    try:
        report = run(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report += ["", f"Whole run: {time.perf_counter() - started:.0f} s."]
    text = "\n".join(report)
    print(text)
    if not args.no_doc:
        write_doc(text)


def run(args: argparse.Namespace, work: Path) -> list[str]:
    default_squad = args.data / "squad" / "dev-public.json"
    args.squad = args.squad or default_squad
    evalset = ev.load(args.squad)
    if evalset.kind != "squad":
        raise SystemExit(f"{args.squad}: not a SQuAD file")
    corpus = work / "squad-articles.jsonl"
    with open(corpus, "w", encoding="utf-8") as f:
        for article in evalset.articles:
            f.write(json.dumps(article, ensure_ascii=False) + "\n")

    # The naive reference, on the sentences qa makes of the same articles.
    build([corpus], work / "reference", params=QA_DEFAULT)
    reference = Index.open(work / "reference")
    naive_judged = ev.naive_judgements(reference, evalset)
    naive, naive_rr = ev.metrics(naive_judged), reciprocal_ranks(naive_judged)
    judge = ev.Judge(reference, evalset)
    df = np.diff(np.asarray(reference.ptr))
    squad_floored = int(np.sum(okapi_raw_idf(reference.size, df) < 0))
    squad_stats = (reference.size, len(reference.terms), squad_floored)

    analyzer = Analyzer()
    questions = [analyzer.terms(c.question) for c in evalset.cases]
    configs = grid(args.quick)
    verdicts: dict[tuple[int, int], bool] = {}
    rows: list[Row] = []
    seed_folder = work / "seed"
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(args.jobs, init_worker, (str(corpus), questions)) as pool:
        for done, (params, tops, seconds) in enumerate(
                pool.imap(run_config, configs), 1):
            judgements = []
            for n, ids in enumerate(tops):
                out = []
                for i in ids:
                    key = (n, i)
                    if key not in verdicts:
                        verdicts[key] = judge(evalset.cases[n], i)
                    out.append(verdicts[key])
                judgements.append(out)
            seed = seed_ranks(seed_index(args.seed, params, seed_folder))
            rows.append(Row(params, ev.metrics(judgements), reciprocal_ranks(judgements),
                            seed, seconds))
            m = rows[-1].metrics
            print(f"[{done}/{len(configs)}] {label(params)}: P@1 {m.p1:.4f} "
                  f"MRR@5 {m.mrr5:.4f} R@5 {m.r5:.4f} ({seconds:.1f} s)", file=sys.stderr)
    idf_lines, probe_lines = seed_idf_findings(args.seed, work)
    return report(args, evalset, rows, naive, naive_rr, squad_stats, idf_lines, probe_lines)


def _key(row: Row) -> tuple[float, float, float]:
    return (row.metrics.mrr5, row.metrics.p1, row.metrics.r5)


def recommend(rows: list[Row]) -> tuple[Row, Row, tuple[float, float, float] | None]:
    """The rule, fixed before the run: the best MRR@5 (then P@1, R@5) over all rows; if that
    is BM25Okapi and the best BM25L/BM25Plus row's MRR@5 is not significantly lower (paired
    bootstrap, 95%), take the latter, because Okapi's IDF floor misweights common terms when
    the index is small (see the seed findings). Returns (recommended, best, comparison)."""
    best = max(rows, key=_key)
    if best.params.variant != "BM25Okapi":
        return best, best, None
    others = [r for r in rows if r.params.variant != "BM25Okapi"]
    if not others:
        return best, best, None
    alt = max(others, key=_key)
    diff = paired_bootstrap(best.rr, alt.rr)
    return (alt if diff[1] <= 0 else best), best, diff


def _ranks(ranks: list) -> str:
    return " ".join("-" if r is None else str(r) for r in ranks)


def _cells(row: Row) -> str:
    p = row.params
    extra = f"{p.epsilon:g}" if p.variant == "BM25Okapi" else f"{p.delta:g}"
    m = row.metrics
    at1 = sum(r == 1 for r in row.seed_ranks)
    return (f"| {p.variant} | {p.k1:g} | {p.b:g} | {extra} | {m.p1:.4f} | {m.mrr5:.4f} "
            f"| {m.r5:.4f} | {at1}/{len(row.seed_ranks)} | {_ranks(row.seed_ranks)} |")


def report(args, evalset, rows, naive, naive_rr, squad_stats, idf_lines,
           probe_lines) -> list[str]:
    rows = sorted(rows, key=_key, reverse=True)
    chosen, best, diff = recommend(rows)
    header = ["| class | k1 | b | epsilon / delta | P@1 | MRR@5 | R@5 | seed @1 "
              "| seed ranks |", "|---|---|---|---|---|---|---|---|---|"]
    naive_row = (f"| naive reference (regex `\\w+`, BM25Okapi defaults) | | | | "
                 f"{naive.p1:.4f} | {naive.mrr5:.4f} | {naive.r5:.4f} | | |")
    cpu = _cpu_model()
    out = [f"Measured {time.strftime('%Y-%m-%d %H:%M %Z')} on {platform.node() or 'this machine'}"
           f" ({os.cpu_count()} cores{', ' + cpu if cpu else ''}; Python "
           f"{platform.python_version()}, rank-bm25 {_version('rank-bm25')}, numpy "
           f"{np.__version__}), with", "", f"    {COMMAND}"
           + (f" --squad {args.squad}" if args.squad != args.data / "squad" / "dev-public.json" else "")
           + (" --quick" if args.quick else ""), "",
           f"SQuAD: `{args.squad}`, {len(evalset.cases)} questions, {len(evalset.articles)} "
           f"articles indexed as one corpus: {squad_stats[0]} sentences, {squad_stats[1]} terms; "
           f"{squad_stats[2]} terms are in more than half the sentences"
           + (" (BM25Okapi's floor touches no term there, so epsilon cannot change the SQuAD "
              "figures)." if squad_stats[2] == 0 else "."), "",
           "### Recommended", "",
           f"`BM25Params(variant={chosen.params.variant!r}, k1={chosen.params.k1:g}, "
           f"b={chosen.params.b:g}, epsilon={chosen.params.epsilon:g}, "
           f"delta={chosen.params.delta:g})`: P@1 {chosen.metrics.p1:.4f}, "
           f"MRR@5 {chosen.metrics.mrr5:.4f}, R@5 {chosen.metrics.r5:.4f}.", ""]
    if diff is not None:
        out += [f"The best row overall is {label(best.params)} (MRR@5 {best.metrics.mrr5:.4f});"
                f" its MRR@5 minus that of {label(rows_best_other(rows).params)} is "
                f"{diff[0]:+.4f}, 95% interval [{diff[1]:+.4f}, {diff[2]:+.4f}] "
                "(paired bootstrap over questions).", ""]
    comparisons = [("naive reference", naive_rr)]
    comparisons += [(f"best {v}", max((r for r in rows if r.params.variant == v),
                                      key=_key).rr) for v in RANK_BM25_DEFAULTS]
    comparisons += [(f"rank-bm25 default {label(p)}", r.rr) for p in RANK_BM25_DEFAULTS.values()
                    for r in rows if r.params == p]
    comparisons += [(f"qa's current default {label(QA_DEFAULT)}", r.rr) for r in rows
                    if r.params == QA_DEFAULT]
    out += ["MRR@5 of the recommended configuration minus that of:", "",
            "| compared with | MRR@5 | difference | 95% interval |", "|---|---|---|---|"]
    for name, rr in comparisons:
        d = paired_bootstrap(chosen.rr, rr)
        out.append(f"| {name} | {rr.mean():.4f} | {d[0]:+.4f} | [{d[1]:+.4f}, {d[2]:+.4f}] |")
    out += ["", "### SQuAD sentence retrieval, BM25 only", "",
            "All sentences ranked by BM25 alone (`Index.bm25_scores` of the analysed question, "
            "top 5 by score, ties by sentence id); correct = contains an answer string. Sorted by "
            "MRR@5. `seed @1` / `seed ranks`: the seed check below, per configuration.", ""]
    out += header + [naive_row] + [_cells(r) for r in rows]
    out += ["", "### Seed: one article, 13 sentences", "",
            "IDF per class on an index of the seed alone (IDF depends on the class and on "
            "epsilon, not on k1, b or delta). `raw` is the formula before rank-bm25's floor; "
            "`floored` = terms whose IDF rank-bm25 replaced by epsilon x the mean IDF.", ""]
    out += idf_lines + [""] + probe_lines
    out += ["", "Seed check (hand-identified answer sentences; documentation only, not used "
            "to choose anything): rank of the answer sentence by BM25 alone, per question, for "
            "the recommended configuration and rank-bm25's defaults.", "",
            "| question | answer sentence holds | " + " | ".join(
                ["recommended"] + list(RANK_BM25_DEFAULTS)) + " |",
            "|---|---|" + "---|" * (1 + len(RANK_BM25_DEFAULTS))]
    defaults = [next(r for r in rows if r.params == p) if any(r.params == p for r in rows)
                else None for p in RANK_BM25_DEFAULTS.values()]
    for k, (question, snippet) in enumerate(SEED_CHECK):
        cells = [chosen] + defaults
        out.append(f"| {question} | {snippet} | " + " | ".join(
            "n/a" if r is None else ("-" if r.seed_ranks[k] is None else str(r.seed_ranks[k]))
            for r in cells) + " |")
    out += ["", f"Seconds per configuration (build + {len(evalset.cases)} queries, "
            f"{args.jobs} processes): median {np.median([r.seconds for r in rows]):.1f}."]
    return out


def rows_best_other(rows: list[Row]) -> Row:
    return max((r for r in rows if r.params.variant != "BM25Okapi"), key=_key)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


def _version(name: str) -> str:
    try:
        from importlib.metadata import version
        return version(name)
    except Exception:  # noqa: BLE001
        return "?"


def write_doc(text: str) -> None:
    replace_block(DOC, text, title="# BM25: class and parameters")


if __name__ == "__main__":
    main()
