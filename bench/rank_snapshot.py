"""Every question's ranked hits (doc, sentence, score), to check a change keeps ranking identical.

    python bench/rank_snapshot.py OUT.jsonl [--set squad|seed]

squad: every question of /work/shared/data/squad/dev-public.json asked (k=10) of an index of
its articles; seed: tests/data/seed_questions.jsonl asked of the seed. Compare two snapshots
with `python bench/rank_snapshot.py --compare A B` (same sentences, scores within 1e-9).
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SQUAD = Path("/work/shared/data/squad/dev-public.json")


def snapshot(kind: str, out: Path) -> None:
    from qa.api import ask
    from qa.index.writer import build
    from qa.evaluate import index_articles, load
    from qa.index import Index

    with tempfile.TemporaryDirectory() as tmp:
        if kind == "squad":
            evalset = load(SQUAD)
            index = index_articles(evalset, Path(tmp))
            questions = [case.question for case in evalset.cases]
        else:
            build([ROOT / "seeds"], Path(tmp) / "index")
            index = Index.open(Path(tmp) / "index")
            questions = [json.loads(line)["question"] for line in
                         (ROOT / "tests/data/seed_questions.jsonl").read_text().splitlines()
                         if line.strip()]
        with open(out, "w") as f:
            for question in questions:
                hits = ask(question, k=10, index=index).hits
                f.write(json.dumps([question, [[h.doc, h.sentence, h.score] for h in hits]])
                        + "\n")


def compare(a: Path, b: Path) -> int:
    differ = 0
    for n, (x, y) in enumerate(zip(a.read_text().splitlines(), b.read_text().splitlines())):
        (qa, ha), (qb, hb) = json.loads(x), json.loads(y)
        same = qa == qb and len(ha) == len(hb) and all(
            h[:2] == g[:2] and abs(h[2] - g[2]) <= 1e-9 for h, g in zip(ha, hb))
        if not same:
            differ += 1
            if differ <= 5:
                print(f"{n}: {qa}\n  {ha[:3]}\n  {hb[:3]}")
    total = len(a.read_text().splitlines())
    print(f"{total - differ}/{total} questions rank the same sentences with the same scores")
    return 1 if differ else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path, nargs="?")
    parser.add_argument("--set", choices=("squad", "seed"), default="squad")
    parser.add_argument("--compare", type=Path, nargs=2)
    args = parser.parse_args()
    if args.compare:
        sys.exit(compare(*args.compare))
    snapshot(args.set, args.out)
