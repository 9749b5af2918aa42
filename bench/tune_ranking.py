"""Measure each ranking feature on the public sets and search the weights.

    python bench/tune_ranking.py [--data ../shared/data] [--search]

Features are computed once per question (qa.ranking.candidates); each weighting is then a cheap
re-sort. Prints qa with the shipped weights, each feature left out, and (with --search) a
coordinate search over the weights, on SQuAD (P@1, MRR@5) and WikiQA (MAP).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from qa import ranking
from qa.evaluate import index_articles, load, metrics, qa_judgements


def prepare(path: Path, folder: Path, sample: int = 0):
    evalset = load(path)
    if sample and len(evalset.cases) > sample:
        step = len(evalset.cases) / sample
        evalset.cases = [evalset.cases[int(i * step)] for i in range(sample)]
    index = index_articles(evalset, folder)
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


def objective(result: dict) -> float:
    squad = result.get("squad", {})
    wikiqa = result.get("wikiqa", {})
    return squad.get("P@1", 0) + squad.get("MRR@5", 0) + 0.5 * wikiqa.get("MAP", 0)


def line(label: str, result: dict) -> str:
    s, w = result.get("squad", {}), result.get("wikiqa", {})
    return (f"| {label} | {s.get('P@1', 0):.4f} | {s.get('MRR@5', 0):.4f} | "
            f"{s.get('R@5', 0):.4f} | {w.get('MAP', 0):.4f} | {w.get('MRR', 0):.4f} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--work", type=Path, default=Path("/tmp/qa-tune"))
    parser.add_argument("--search", action="store_true")
    parser.add_argument("--sample", type=int, default=0, help="SQuAD questions to use (0: all)")
    parser.add_argument("--weights", type=json.loads, default=None,
                        help="JSON object of weights to measure instead of the shipped ones")
    args = parser.parse_args()
    sets = {
        "squad": prepare(args.data / "squad" / "dev-public.json", args.work / "squad",
                         args.sample),
        "wikiqa": prepare(args.data / "wikiqa" / "WikiQA-dev.tsv", args.work / "wikiqa"),
    }
    print("| weights | SQuAD P@1 | MRR@5 | R@5 | WikiQA MAP | MRR |")
    print("|---|---|---|---|---|---|")
    base = {**ranking.WEIGHTS, **(args.weights or {})}
    print(line("shipped", score(sets, base)))
    only_bm25 = {k: (1.0 if k == "bm25" else 0.0) for k in base}
    print(line("bm25 only", score(sets, only_bm25)))
    for name in base:
        if name != "bm25":
            print(line(f"without {name}", score(sets, {**base, name: 0.0})))
    if args.search:
        best, best_value = dict(base), objective(score(sets, base))
        for _ in range(3):
            for name in base:
                if name == "bm25":
                    continue
                for factor in (0.0, 0.25, 0.5, 0.75, 1.5, 2.0, 3.0):
                    trial = {**best, name: round(best[name] * factor if best[name] else
                                                 0.1 * factor, 4)}
                    value = objective(score(sets, trial))
                    if value > best_value + 1e-4:
                        best, best_value = trial, value
        print(line("searched " + json.dumps(best), score(sets, best)))


if __name__ == "__main__":
    main()
