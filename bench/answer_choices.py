"""Could qa mark more answers by looking past its top hit? Measured on dev-public.

    nice -n 10 python bench/answer_choices.py --dev /work/shared/data/squad/dev-public.json

Every question is asked through `ask()` with 3 hits (what `qa ask` shows by default); each
hit's best span and its calibrator inputs are kept (`marking.mark`, the code `qa ask` runs).
A logistic calibrator (`answer_calibration.fit_logistic`) is fitted on one fold of articles
(article number mod 2, as the shipped calibrator is cross-validated) and applied to the other.
Then per question the answer is either the top hit's best span (what qa marks), or the most
confident of the best spans of the top 2 or 3 hits (the "joint" choice). Printed, for each
rule: the largest share of questions that can be marked while held-out precision (token
F1 >= 0.5) stays at 0.78 / 0.80 / 0.82, questions taken in order of held-out confidence.
Two input sets: the shipped calibrator's inputs, and the same plus the hit's rank (so a
lower hit can be trusted less).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from answer_calibration import confidences, fit_logistic  # noqa: E402
from train_answers import open_dev  # noqa: E402

from qa.answer_eval import best_f1  # noqa: E402
from qa.api import ask  # noqa: E402

HITS = 3


def candidates(dev: Path, folder: Path) -> tuple[list[tuple], int]:
    """(question, article, hit rank, calibrator inputs, right) for each hit's best span, and
    how many questions were asked."""
    evalset, index = open_dev(dev, folder)
    data = json.loads(dev.read_text(encoding="utf-8"))["data"]
    article = [n for n, a in enumerate(data) for p in a["paragraphs"] for _ in p["qas"]]
    out = []
    for n, case in enumerate(evalset.cases):
        for rank, hit in enumerate(ask(case.question, k=HITS, doc=case.doc, index=index).hits):
            if hit.candidate is not None:
                out.append((n, article[n], rank, list(hit.candidate.inputs),
                            best_f1(hit.candidate.best.text, case.answers) >= 0.5))
    return out, len(evalset.cases)


def coverage_at(rows, questions: int, with_rank: bool, hits: int) -> dict[str, float]:
    """Held-out confidences by article fold, the joint choice over `hits` hits, and the
    coverage reachable at each precision."""
    X = np.asarray([r[3] + ([float(r[2] == 1), float(r[2] == 2)] if with_rank else [])
                    for r in rows])
    y = np.asarray([r[4] for r in rows], float)
    fold = np.asarray([r[1] % 2 for r in rows])
    rank = np.asarray([r[2] for r in rows])
    conf = np.zeros(len(rows))
    for f in (0, 1):
        fit = (fold != f) & (rank < (HITS if with_rank else 2))
        conf[fold == f] = confidences(fit_logistic(X[fit], y[fit]), X[fold == f])
    chosen: dict[int, int] = {}
    for i, r in enumerate(rows):
        if r[2] < hits and (r[0] not in chosen or conf[i] > conf[chosen[r[0]]]):
            chosen[r[0]] = i
    idx = np.asarray(list(chosen.values()))
    order = np.argsort(-conf[idx], kind="stable")
    precision = np.cumsum(y[idx][order]) / np.arange(1, len(order) + 1)
    out = {}
    for target in (0.78, 0.80, 0.82):
        ok = np.flatnonzero(precision >= target)
        out[f"coverage_at_{target:.2f}"] = round((ok.max() + 1) / questions, 4) if len(ok) \
            else 0.0
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dev", type=Path, default=Path("/work/shared/data/squad/dev-public.json"))
    ap.add_argument("--dev-index", type=Path, default=Path("/tmp/qa-answers-dev"))
    args = ap.parse_args()
    rows, questions = candidates(args.dev, args.dev_index)
    for with_rank in (False, True):
        for hits in (1, 2, 3):
            label = f"{'inputs + rank' if with_rank else 'shipped inputs'}, best of {hits} hit(s)"
            print(json.dumps({"rule": label, **coverage_at(rows, questions, with_rank, hits)}),
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
