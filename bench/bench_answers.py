"""What marking the answer costs per hit: the answer model on the hits `ask()` returns.

    nice -n 10 python bench/bench_answers.py --dev /work/shared/data/squad/dev-public.json

The dev-public articles are indexed once (in --dev-index); for --questions questions the
ranking's 3 hits are computed first (not timed), then `marking.mark` (encode the sentence,
score every span, calibrate) is timed per hit, twice: with a fresh model handle (its lookup
cache empty, as in a one-shot `qa ask`) and again warm (as in a session or `qa eval`).
Wall time and process CPU time are both reported: the machine is shared, and CPU time is the
figure that does not count other people's work. The seed's and the wire fixtures' questions
(tests/data) are timed the same way. Beside that core, the whole `api.ask()` path (what
`qa ask` runs once the index is open) is timed per question against the ranking alone.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from qa import api, marking, ranking, span_model  # noqa: E402
from qa import question as q  # noqa: E402


def timed(index, questions: list[str], model_path: Path, k: int = 3) -> dict:
    prepared = []
    for text in questions:
        result = ranking.top_hits(index, text, k=k)
        if result.hits:
            prepared.append((result, q.analyze(text, index.analyzer)))
    hits = sum(len(r.hits) for r, _ in prepared)
    out = {"questions": len(prepared), "hits": hits}
    model = span_model.load(model_path)
    for label in ("cold", "warm"):
        wall, cpu = time.perf_counter(), time.process_time()
        for result, question in prepared:
            marking.mark(result, question, index.analyzer, model)
        out[label] = {"wall_ms_per_hit": round((time.perf_counter() - wall) * 1e3 / hits, 3),
                      "cpu_ms_per_hit": round((time.process_time() - cpu) * 1e3 / hits, 3)}
    tokens = [len(marking.sf.tokenize(h.text)) for r, _ in prepared for h in r.hits]
    out["tokens_per_hit"] = round(statistics.mean(tokens), 1)
    out["ask"] = timed_ask(index, questions, k, model)
    return out


def timed_ask(index, questions: list[str], k: int, model) -> dict:
    """The path `qa ask` runs (`api.ask`: ranking, attribution, marking) per question, beside
    the ranking alone, so the answer model's share of a question's time shows."""
    out = {}
    for label, run in (("ranking_only", lambda t: ranking.top_hits(index, t, k=k + 1,
                                                                   explain=True)),
                       ("ask", lambda t: api.ask(t, k=k, index=index, model=model))):
        wall, cpu = time.perf_counter(), time.process_time()
        for text in questions:
            run(text)
        out[label] = {"wall_ms_per_question": round((time.perf_counter() - wall) * 1e3
                                                    / len(questions), 3),
                      "cpu_ms_per_question": round((time.process_time() - cpu) * 1e3
                                                   / len(questions), 3)}
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dev", type=Path, default=Path("/work/shared/data/squad/dev-public.json"))
    ap.add_argument("--dev-index", type=Path, default=Path("/tmp/qa-answers-dev"))
    ap.add_argument("--questions", type=int, default=1000)
    ap.add_argument("--model", type=Path, default=span_model.MODEL_PATH,
                    help="the answer model's .json (default: the shipped one), to compare "
                         "another build in the same run")
    args = ap.parse_args()
    from train_answers import open_dev
    from qa.index.writer import build
    from qa.index import Index
    import tempfile

    evalset, index = open_dev(args.dev, args.dev_index)
    report = {"squad_dev": timed(index, [c.question for c in evalset.cases[:args.questions]],
                                 args.model)}
    with tempfile.TemporaryDirectory() as tmp:
        corpus = [ROOT / "seeds", ROOT / "tests" / "data" / "wire"]
        build(corpus, Path(tmp) / "index")
        small = Index.open(Path(tmp) / "index")
        seed = [json.loads(line)["question"] for line in
                (ROOT / "tests" / "data" / "seed_questions.jsonl").read_text().splitlines()]
        report["seed_and_wire"] = timed(small, seed, args.model)
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
