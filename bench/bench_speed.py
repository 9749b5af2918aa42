"""How fast qa is at both ends: one-shot start-up on the seed, and retrieval at 1e4..1e6 sentences.

Everything is measured in one run, on this machine, beside the references it is compared
with, and written to docs/BENCHMARKS.md between the `bench:` markers (the rest of the page is
left alone). Nothing here is part of the test suite.

    python bench/bench_speed.py                  # all sizes (about 15 min)
    python bench/bench_speed.py --sizes 10000 100000 --no-doc

1. Start-up: wall time of one-shot `qa ask --json Q` and `qa ask Q` (rich output to a pipe) on
   the seed, with the index already built, beside `python -c pass` and a minimal rank-bm25
   script that reads the same article, splits and tokenises it, and prints the top 3 sentences
   for the same question. Runs are interleaved and the median is reported. Bytecode is cached
   for every command alike (PYTHONPYCACHEPREFIX in a temporary folder, written by a first
   run), as it is for an installed package.
2. ask() latency on the seed, in a warm process: every seed question many times.
3. Scale: Reuters-21578 bodies repeated to 1e4, 1e5 and 1e6 sentences (bench/speed_corpus.py,
   .jsonl in a temporary folder). For each size: the whole `qa.index.writer.build` (splitting,
   attribution, analysis, postings) in a fresh process, its peak RSS (the build and its
   workers), the index size on disk, `Index.open` in a fresh process, BM25 top-10 retrieval
   (`Index.top`) latency p50/p95 and the full `ask()` latency, and the peak RSS of that
   querying process. Beside it, on the same analysed sentences and the same queries:
   rank-bm25 (BM25Plus with qa's parameters; `get_scores` + top 10) and bm25s (method
   "bm25+", same k1, b, delta; `retrieve` k=10, one query per call), each in its own process.
   Queries: 3-6 terms drawn with a fixed seed, "vocab" uniformly from the index's distinct
   terms (mostly rare terms) and "text" from the terms of random sentences (frequent terms,
   the harder case).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import add_data_argument, replace_block  # bench/ is on sys.path: the script's folder

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
QA = str(Path(sys.executable).with_name("qa"))
DOC = ROOT / "docs" / "BENCHMARKS.md"
SEED_QUESTION = "how far from al-Mayadin?"

MINIMAL_RANK_BM25 = r'''
import json, re, sys
from pathlib import Path
from rank_bm25 import BM25Okapi

sentences = []
for path in sorted(Path(sys.argv[1]).glob("*.txt")):
    text = path.read_text(encoding="utf-8")
    sentences += [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]
tokens = lambda s: re.findall(r"\w+", s.lower())
bm25 = BM25Okapi([tokens(s) for s in sentences])
best = bm25.get_top_n(tokens(sys.argv[2]), sentences, n=3)
print(json.dumps({"question": sys.argv[2], "hits": best}))
'''


# ------------------------------------------------------------------------------- helpers


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def ms(seconds: float) -> str:
    if seconds != seconds:
        return "–"
    value = seconds * 1000
    return f"{value:.3f}" if value < 1 else f"{value:.2f}" if value < 10 else f"{value:.1f}" \
        if value < 1000 else f"{value:,.0f}"


def mb(kib: float) -> str:
    return f"{kib / 1024:,.0f} MB"


def child(*args: str, env: dict | None = None, timeout: float = 3600) -> dict:
    """Run this script in a fresh process with `args`; it prints one JSON object."""
    out = subprocess.run([PYTHON, __file__, "--child", *args], capture_output=True, text=True,
                         env=env, timeout=timeout, cwd=ROOT)
    if out.returncode != 0:
        raise SystemExit(f"child {args[0]} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def maxrss() -> dict:
    return {"self_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            "children_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}


# ---------------------------------------------------------------------------- start-up


def startup(runs: int, tmp: Path) -> dict:
    seeds = ROOT / "seeds"
    index = tmp / "seed-index"
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    env.pop("QA_INDEX", None)
    env.pop("QA_CORPUS", None)
    subprocess.run([QA, "index", str(seeds), "--index", str(index)], env=env, check=True,
                   capture_output=True)
    script = tmp / "minimal_rank_bm25.py"
    script.write_text(MINIMAL_RANK_BM25)
    commands = {
        "python -c pass": [PYTHON, "-c", "pass"],
        "minimal rank-bm25 script": [PYTHON, str(script), str(seeds), SEED_QUESTION],
        "qa ask --json": [QA, "ask", "--json", SEED_QUESTION, "--index", str(index)],
        "qa ask (rich output)": [QA, "ask", SEED_QUESTION, "--index", str(index)],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for name, cmd in commands.items():  # first runs write the bytecode and warm the cache
        out = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if out.returncode != 0 or "building" in out.stderr:
            raise SystemExit(f"{name}: {out.returncode} {out.stderr.strip()}")
    for _ in range(runs):
        for name, cmd in commands.items():
            start = time.perf_counter()
            subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times[name].append(time.perf_counter() - start)
    probe = ("import sys, runpy; sys.argv = ['qa', 'ask', '--json', %r, '--index', %r]\n"
             "from qa.cli import main\nimport contextlib, io\n"
             "with contextlib.redirect_stdout(io.StringIO()): main(sys.argv[1:])\n"
             "print(sorted(m for m in ('rich', 'prompt_toolkit', 'rank_bm25', 'numpy', "
             "'qa.attribution') if m in sys.modules))" % (SEED_QUESTION, str(index)))
    imported = subprocess.run([PYTHON, "-c", probe], env=env, capture_output=True,
                              text=True).stdout.strip()
    return {"median": {n: statistics.median(v) for n, v in times.items()},
            "runs": runs, "imported_by_json": imported}


def seed_ask_latency(repeat: int) -> dict:
    return child("seed-ask", str(repeat))


def _child_seed_ask(repeat: str) -> dict:
    from qa.api import ask
    from qa.index.writer import build
    from qa.index import Index

    with tempfile.TemporaryDirectory() as tmp:
        build([ROOT / "seeds"], Path(tmp) / "index")
        index = Index.open(Path(tmp) / "index")
        questions = [json.loads(line)["question"] for line in
                     (ROOT / "tests" / "data" / "seed_questions.jsonl").read_text().splitlines()
                     if line.strip()]
        for q in questions:
            ask(q, index=index)
        times = []
        for _ in range(int(repeat)):
            for q in questions:
                start = time.perf_counter()
                ask(q, index=index)
                times.append(time.perf_counter() - start)
    return {"p50": percentile(times, 50), "p95": percentile(times, 95),
            "questions": len(questions), "calls": len(times)}


# -------------------------------------------------------------------------------- scale


def make_queries(index_folder: Path, count: int, seed: int) -> dict[str, list[list[str]]]:
    """Query term lists drawn with a fixed seed from the index's terms and sentences."""
    from qa.index import Index

    index = Index.open(index_folder)
    rng = random.Random(seed)
    n_terms = len(index.terms)
    vocab = [[index.terms[rng.randrange(n_terms)] for _ in range(rng.randint(3, 6))]
             for _ in range(count)]
    text = []
    while len(text) < count:
        terms = list(dict.fromkeys(index.analyzer.terms(index.sentence(rng.randrange(index.size))
                                                        .text)))
        want = rng.randint(3, 6)
        if len(terms) >= want:
            text.append(rng.sample(terms, want))
    return {"vocab": vocab, "text": text}


def write_tokens(index_folder: Path, out: Path) -> None:
    """Each indexed sentence's analysed terms, one JSON list a line: what the references index."""
    from qa.index import Index

    index = Index.open(index_folder)
    analyzer = index.analyzer
    with open(out, "w", encoding="utf-8") as f:
        for i in range(index.size):
            f.write(json.dumps(analyzer.terms(index.record(i).text), ensure_ascii=False) + "\n")


def _child_build(corpus: str, folder: str) -> dict:
    from qa.index.writer import build

    report = build([Path(corpus)], Path(folder))
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
    return {"seconds": report.seconds, "documents": report.documents, "cpu": cpu,
            "sentences": report.sentences, "terms": report.terms, **maxrss()}


def _child_query(folder: str, queries_file: str, asks: str) -> dict:
    import numpy as np

    from qa.api import ask
    from qa.index import Index

    queries = json.loads(Path(queries_file).read_text())
    start = time.perf_counter()
    index = Index.open(Path(folder))
    opened = time.perf_counter() - start
    out: dict = {"open": opened}
    for name, qs in queries.items():
        for terms in qs:  # warm-up: map the pages a query reads, as a session would have
            index.top(terms, 10)
        times, tops = [], []
        for terms in qs:
            start = time.perf_counter()
            top = index.top(terms, 10)
            times.append(time.perf_counter() - start)
            tops.append([top.ids, top.scores])
        ask_times = []
        for terms in qs[:int(asks)]:
            question = " ".join(terms)
            ask(question, index=index)  # warm
            start = time.perf_counter()
            ask(question, index=index)
            ask_times.append(time.perf_counter() - start)
        out[name] = {"times": times, "ask_times": ask_times, "tops": tops}
    out.update(maxrss())
    del np
    return out


def _load_tokens(path: str) -> list[list[str]]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def _child_rank_bm25(tokens: str, queries_file: str, limit: str) -> dict:
    import numpy as np

    from qa.bm25 import BM25Params

    p = BM25Params()
    import rank_bm25

    corpus = _load_tokens(tokens)
    start = time.perf_counter()
    model = getattr(rank_bm25, p.variant)(corpus, k1=p.k1, b=p.b, delta=p.delta)
    built = time.perf_counter() - start
    del corpus
    queries = json.loads(Path(queries_file).read_text())
    out: dict = {"index": built}
    for name, qs in queries.items():
        times, tops = [], []
        for terms in qs[:int(limit)]:
            start = time.perf_counter()
            scores = model.get_scores(terms)
            k = min(10, len(scores))
            top = np.argpartition(-scores, k - 1)[:k]
            top = top[np.lexsort((top, -scores[top]))]
            times.append(time.perf_counter() - start)
            tops.append([top.tolist(), scores[top].tolist()])
        out[name] = {"times": times, "tops": tops}
    out.update(maxrss())
    return out


def _child_bm25s(tokens: str, queries_file: str, limit: str) -> dict:
    import bm25s
    import bm25s.selection

    from qa.bm25 import BM25Params

    p = BM25Params()
    corpus = _load_tokens(tokens)
    start = time.perf_counter()
    model = bm25s.BM25(method="bm25+", k1=p.k1, b=p.b, delta=p.delta)
    model.index(corpus, show_progress=False)
    built = time.perf_counter() - start
    del corpus
    queries = json.loads(Path(queries_file).read_text())
    out: dict = {"index": built}
    for name, qs in queries.items():
        times, core = [], []
        for terms in qs[:int(limit)]:
            start = time.perf_counter()
            model.retrieve([terms], k=10, show_progress=False, n_threads=1)
            times.append(time.perf_counter() - start)
            start = time.perf_counter()  # its scoring core without retrieve's overhead
            bm25s.selection.topk(model.get_scores(terms), 10, backend="numpy")
            core.append(time.perf_counter() - start)
        out[name] = {"times": times, "core": core}
    out.update(maxrss())
    return out


def _same_top(ours: list, reference: list) -> bool:
    """qa's top 10 has rank-bm25's top scores to 1e-9. qa lists only sentences holding a query
    term; rank-bm25 also ranks the others (BM25Plus gives them a constant), so when fewer than
    10 sentences match, only qa's part of the list is compared."""
    return len(ours[1]) <= len(reference[1]) and all(
        abs(x - y) <= 1e-9 for x, y in zip(ours[1], reference[1]))


def scale(size: int, tmp: Path, args) -> dict:
    from speed_corpus import reuters_articles, write_corpus

    global _ARTICLES
    if _ARTICLES is None:
        _ARTICLES = reuters_articles(args.data)
    corpus = tmp / f"corpus-{size}"
    written = write_corpus(_ARTICLES, size, corpus)
    folder = tmp / f"index-{size}"
    print(f"[{size}] corpus of {written} sentences; building", file=sys.stderr, flush=True)
    built = child("build", str(corpus), str(folder))
    gen = folder / json.loads((folder / "manifest.json").read_text())["data"]
    disk = sum(p.stat().st_size for p in gen.iterdir())
    queries = make_queries(folder, args.queries, seed=size)
    qfile = tmp / f"queries-{size}.json"
    qfile.write_text(json.dumps(queries))
    print(f"[{size}] querying", file=sys.stderr, flush=True)
    opens = [child("open", str(folder))["open"] for _ in range(5)]
    ours = child("query", str(folder), str(qfile), str(args.asks))
    tokens = tmp / f"tokens-{size}.jsonl"
    write_tokens(folder, tokens)
    rb_limit = args.queries if size <= 10_000 else 40 if size <= 100_000 else args.rank_bm25_1m
    print(f"[{size}] rank-bm25 on {rb_limit} queries per set", file=sys.stderr, flush=True)
    rb = child("rank-bm25", str(tokens), str(qfile), str(rb_limit))
    print(f"[{size}] bm25s", file=sys.stderr, flush=True)
    bs = child("bm25s", str(tokens), str(qfile), str(args.queries))
    tokens.unlink()
    result = {"size": size, "build": built, "disk": disk, "open": statistics.median(opens),
              "ours": ours, "rank_bm25": rb, "bm25s": bs, "rank_bm25_limit": rb_limit}
    agree = []
    for name in ("vocab", "text"):
        agree += [_same_top(a, b) for a, b in zip(ours[name]["tops"], rb[name]["tops"])]
    result["agree"] = (sum(agree), len(agree))
    import shutil

    shutil.rmtree(corpus, ignore_errors=True)
    shutil.rmtree(folder, ignore_errors=True)
    return result


_ARTICLES = None


def _child_open(folder: str) -> dict:
    from qa.index import Index

    start = time.perf_counter()
    index = Index.open(Path(folder))
    opened = time.perf_counter() - start
    assert index.size > 0
    return {"open": opened}


# -------------------------------------------------------------------------------- report


def report(start: dict | None, seed_ask: dict | None, sizes: list[dict], load: tuple) -> str:
    lines = [f"Measured {time.strftime('%Y-%m-%d %H:%M')} on {platform.machine()}, "
             f"{os.cpu_count()} cores, Python {platform.python_version()}; load average "
             f"before/after the run: {load[0]:.2f} / {load[1]:.2f} (other work was running on "
             "the machine: figures are medians, and slower than on an idle machine).", ""]
    if start:
        med = start["median"]
        base = med["minimal rank-bm25 script"]
        lines += [f"### One-shot start-up on the seed (median of {start['runs']} runs, "
                  "index built)", "",
                  "| command | wall time | vs the rank-bm25 script |", "|---|---:|---:|"]
        for name, value in med.items():
            lines.append(f"| `{name}` | {ms(value)} ms | {value / base:.2f}× |")
        lines += ["", f"Modules among rich, prompt_toolkit, rank_bm25, numpy, qa.attribution "
                      f"that `qa ask --json` imports: {start['imported_by_json']}.", ""]
    if seed_ask:
        lines += [f"### ask() in a warm process, seed ({seed_ask['questions']} questions, "
                  f"{seed_ask['calls']} calls)", "",
                  f"p50 {ms(seed_ask['p50'])} ms, p95 {ms(seed_ask['p95'])} ms.", ""]
    if sizes:
        lines += ["### Build, open, memory", "",
                  "| sentences | articles | build (wall) | build CPU | build peak RSS "
                  "| index on disk | open | query process peak RSS | rank-bm25 index / RSS "
                  "| bm25s index / RSS |",
                  "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for r in sizes:
            b = r["build"]
            lines.append(
                f"| {b['sentences']:,} | {b['documents']:,} | {b['seconds']:.1f} s | "
                f"{b['cpu']:.0f} s | "
                f"{mb(max(b['self_kib'], b['children_kib']))} | {r['disk'] / 2**20:,.0f} MB | "
                f"{ms(r['open'])} ms | {mb(r['ours']['self_kib'])} | "
                f"{r['rank_bm25']['index']:.1f} s / {mb(r['rank_bm25']['self_kib'])} | "
                f"{r['bm25s']['index']:.1f} s / {mb(r['bm25s']['self_kib'])} |")
        lines += ["", "Build CPU is user + system time of the build and its workers: on an "
                      "idle 2-core machine the wall time approaches half of it plus the serial "
                      "part (postings, about 5 s at 1e6). "
                      "Build peak RSS is the largest of the build process and its workers. "
                      "rank-bm25 and bm25s index the same analysed sentences (their tokenising "
                      "is not counted).", ""]
        lines += ["### BM25 top-10 retrieval latency (ms)", "",
                  "| sentences | queries | qa p50 | qa p95 | rank-bm25 p50 | rank-bm25 p95 "
                  "| bm25s retrieve p50 / p95 | bm25s core p50 / p95 | qa vs rank-bm25 "
                  "| qa vs bm25s core | qa ask() p50 | ask() p95 |",
                  "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for r in sizes:
            for name in ("vocab", "text"):
                o, rb, bs = r["ours"][name], r["rank_bm25"][name], r["bm25s"][name]
                n_rb = len(rb["times"])
                same = o["times"][:n_rb]
                lines.append(
                    f"| {r['build']['sentences']:,} | {name} ({len(o['times'])}; rank-bm25 "
                    f"{n_rb}) | {ms(percentile(o['times'], 50))} | "
                    f"{ms(percentile(o['times'], 95))} | {ms(percentile(rb['times'], 50))} | "
                    f"{ms(percentile(rb['times'], 95))} | {ms(percentile(bs['times'], 50))} / "
                    f"{ms(percentile(bs['times'], 95))} | {ms(percentile(bs['core'], 50))} / "
                    f"{ms(percentile(bs['core'], 95))} | "
                    f"{percentile(rb['times'], 50) / percentile(same, 50):,.0f}× | "
                    f"{percentile(bs['core'], 50) / percentile(o['times'], 50):,.1f}× | "
                    f"{ms(percentile(o['ask_times'], 50))} | "
                    f"{ms(percentile(o['ask_times'], 95))} |")
        lines += ["", "bm25s retrieve is its public `retrieve` (k=10, one query per call); "
                      "bm25s core is `get_scores` + its numpy `topk`, without retrieve's "
                      "per-call overhead; qa is compared with the faster, the core.", "",
                  "qa: `Index.top(terms, 10)` (BM25 scores of the matching sentences, exactly "
                      "rank-bm25's, and the 10 best). \"qa vs rank-bm25\" compares medians over "
                      "the queries rank-bm25 was run on. ask() is the whole answer: BM25, the "
                      "question-aware features of the candidates, sentences read from disk, "
                      f"on the first {len(sizes[0]['ours']['vocab']['ask_times'])} queries of "
                      "each set (the terms joined as the question).", ""]
        agree = [f"{r['build']['sentences']:,}: {r['agree'][0]}/{r['agree'][1]}" for r in sizes]
        lines += ["Top-10 scores equal to rank-bm25's (to 1e-9) on the queries both ran: "
                  + ", ".join(agree) + ".", ""]
    return "\n".join(lines)


def write_doc(text: str) -> None:
    replace_block(DOC, text)


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        name, rest = sys.argv[2], sys.argv[3:]
        fn = {"build": _child_build, "query": _child_query, "rank-bm25": _child_rank_bm25,
              "bm25s": _child_bm25s, "open": _child_open, "seed-ask": _child_seed_ask}[name]
        print(json.dumps(fn(*rest)))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=21, help="start-up runs per command")
    parser.add_argument("--queries", type=int, default=200, help="queries per set")
    parser.add_argument("--asks", type=int, default=50, help="ask() calls per set")
    parser.add_argument("--rank-bm25-1m", type=int, default=8,
                        help="queries per set for rank-bm25 at 1e6 (about 1 s each)")
    add_data_argument(parser)
    parser.add_argument("--no-startup", action="store_true")
    parser.add_argument("--no-doc", action="store_true", help="print only")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="qa-bench-") as name:
        tmp = Path(name)
        start = seed = None
        if not args.no_startup:
            print("start-up", file=sys.stderr, flush=True)
            start = startup(args.runs, tmp)
            seed = seed_ask_latency(20)
        sizes = [scale(size, tmp, args) for size in args.sizes]
    text = report(start, seed, sizes, (load_before, os.getloadavg()[0]))
    print(text)
    if not args.no_doc:
        write_doc(text)


if __name__ == "__main__":
    main()
