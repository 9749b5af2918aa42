"""The question path on Reuters-built archives, as users run it: `qa ask - --json`, the session,
`--source`, beside the index core and rank-bm25 over the same sentences in the same run.

    nice -n 10 .venv/bin/python bench/bench_archive.py --sizes 100000 1000000

For each size: a folder of copies of the Reuters-21578 .sgm files (125,797 sentences each, as
qa reads them), built by `qa index` in a fresh process (wall time, peak RSS of the
build and its workers). Two question sets of 200, drawn with a fixed seed from random
sentences: "natural" (a wh-word and a run of 4-8 words of the sentence: "how many bags of 60
kilos making?") and "random" (3-6 words drawn from random sentences). Each set goes through one
`qa ask - --json` process; a question's time is the gap between its output line and the one
before (the first question's includes start-up and is reported apart). Beside it, in one
process: `Index.top(terms, 10)` (the core) and rank-bm25 (BM25Plus with qa's parameters over
the index's own analysed sentences; `get_scores` + top 10) at 1e5. The session: `Session`
driven in-process with rich output to a buffer and its prompt built as `qa.repl.run` builds it
(prompt-toolkit on a pipe), the time from the prompt to the first answer, then per answer.
`--source NAME` with the most cited source. The report also counts hits that repeat an
earlier hit's text (at 1e6 the copies make most questions' hits one sentence three times,
which costs less to mark than three sentences). Results go to docs/BENCHMARKS.md between the
`archive:` markers.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
QA = str(Path(sys.executable).with_name("qa"))
DOC = ROOT / "docs" / "BENCHMARKS.md"
WH = ["who", "what", "when", "where", "how many", "how much", "which", "why"]


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def stats(times: list[float]) -> dict:
    return {"mean": statistics.fmean(times), "p50": percentile(times, 50),
            "p95": percentile(times, 95), "n": len(times)}


def questions(index_folder: Path, count: int, seed: int) -> dict[str, list[str]]:
    from qa.index import Index

    index = Index.open(index_folder)
    rng = random.Random(seed)
    natural, randoms = [], []
    while len(natural) < count or len(randoms) < count:
        words = re.findall(r"[A-Za-z][\w'-]*", index.sentence(rng.randrange(index.size)).text)
        if len(words) >= 8 and len(natural) < count:
            n = rng.randint(4, 8)
            at = rng.randrange(len(words) - n + 1)
            natural.append(f"{rng.choice(WH)} {' '.join(words[at:at + n])}?")
        if words and len(randoms) < count:
            randoms.append(rng.choice(words))
    grouped, at = [], 0
    while len(grouped) < count:
        n = rng.randint(3, 6)
        grouped.append(" ".join(randoms[at:at + n] or randoms[:n]))
        at = (at + n) % len(randoms)
    return {"natural": natural, "random": grouped}


def ask_pipe(folder: Path, qs: list[str], extra: list[str] = ()) -> dict:
    """Per-question times of one `qa ask - --json` process (gaps between output lines)."""
    start, cpu = time.perf_counter(), _children_cpu()
    proc = subprocess.Popen([QA, "ask", "-", "--json", "--index", str(folder), *extra],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    proc.stdin.write("".join(q + "\n" for q in qs))
    proc.stdin.close()
    stamps, lines = [], []
    for line in proc.stdout:
        stamps.append(time.perf_counter())
        lines.append(line)
    proc.wait()
    gaps = [b - a for a, b in zip(stamps, stamps[1:])]
    return {"first": stamps[0] - start if stamps else float("nan"),
            **(stats(gaps) if gaps else {}),
            "cpu_total": _children_cpu() - cpu,
            "total": stamps[-1] - start if stamps else float("nan"), "answers": len(stamps),
            **repeated_hits(lines), "stderr": proc.stderr.read()[-500:]}


def repeated_hits(lines: list[str]) -> dict:
    """How many hits there were, and how many repeat the text of an earlier hit of the same
    question: an archive of copies (1e6 here is 8 copies of Reuters-21578) answers with the
    same sentence from several copies, and the answer model reads a repeated one once."""
    hits = repeated = 0
    for line in lines:
        texts = [hit["text"] for hit in json.loads(line)["hits"]]
        hits += len(texts)
        repeated += len(texts) - len(set(texts))
    return {"hits": hits, "repeated_hits": repeated}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def ask_cpu(folder: Path, qs: list[str], extra: list[str] = ()) -> dict:
    """`ask_pipe`, with the CPU seconds a question costs (what the load does not inflate as
    much as wall time): the process's CPU less that of a process asking only the first
    question (start-up), over the other questions."""
    result = ask_pipe(folder, qs, extra)
    one = ask_pipe(folder, qs[:1], extra)
    result["cpu"] = (result["cpu_total"] - one["cpu_total"]) / max(1, len(qs) - 1)
    result["cpu_startup"] = one["cpu_total"]
    return result


def child(*args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True,
                         text=True, cwd=ROOT)
    if out.returncode != 0:
        raise SystemExit(f"child {args[0]} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _child_build(corpus: str, folder: str) -> dict:
    start = time.perf_counter()
    out = subprocess.run([QA, "index", corpus, "--index", folder], capture_output=True, text=True)
    wall = time.perf_counter() - start
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"seconds": wall, "code": out.returncode, "out": out.stdout.strip()[-300:],
            "peak_rss_kib": kids.ru_maxrss, "cpu": kids.ru_utime + kids.ru_stime}


def _child_core(folder: str, qfile: str, rank_bm25: str) -> dict:
    """Index.top for each question's terms and, optionally, rank-bm25 on the same sentences."""
    from qa.index import Index

    index = Index.open(Path(folder))
    sets = json.loads(Path(qfile).read_text())
    out: dict = {}
    model = None
    if rank_bm25 == "yes":
        import rank_bm25 as rb

        from qa.bm25 import BM25Params

        p = BM25Params()
        terms = [index.terms[t] for t in range(len(index.terms))]
        corpus = [[terms[t] for t in index.term_ids(i)] for i in range(index.size)]
        start = time.perf_counter()
        model = getattr(rb, p.variant)(corpus, k1=p.k1, b=p.b, delta=p.delta)
        out["rank_bm25_index"] = time.perf_counter() - start
        del corpus
    import numpy as np

    for name, qs in sets.items():
        analysed = [index.analyzer.terms(q) for q in qs]
        for t in analysed:
            index.top(t, 10)
        core = []
        cpu = time.process_time()
        for t in analysed:
            start = time.perf_counter()
            index.top(t, 10)
            core.append(time.perf_counter() - start)
        out[name] = {"core": stats(core),
                     "core_cpu": (time.process_time() - cpu) / max(1, len(analysed))}
        if model is not None:
            times = []
            cpu = time.process_time()
            for t in analysed[:40]:
                start = time.perf_counter()
                scores = model.get_scores(t)
                top = np.argpartition(-scores, 9)[:10]
                top[np.lexsort((top, -scores[top]))]
                times.append(time.perf_counter() - start)
            out[name]["rank_bm25"] = stats(times)
            out[name]["rank_bm25_cpu"] = (time.process_time() - cpu) / len(times)
    out["rss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return out


def _child_session(folder: str, qfile: str) -> dict:
    """The session as a user meets it: open, banner, prompt; then answers and completions."""
    import io

    start = time.perf_counter()
    from rich.console import Console

    from qa.api import open_index
    from qa.config import Location
    from qa.repl import name_completions
    from qa.session import Names, Session

    index = open_index(Location(Path(folder)), complete=True)
    console = Console(file=io.StringIO(), force_terminal=True, width=100)
    session = Session(index, console, Location(Path(folder)))
    session.banner()
    from prompt_toolkit.history import InMemoryHistory
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from qa.repl import make_prompt

    with create_pipe_input() as pipe:
        make_prompt(session, InMemoryHistory(), pipe, DummyOutput())
    session.names.start()  # as qa.repl.run does, once the prompt is up
    prompt = time.perf_counter()
    qs = json.loads(Path(qfile).read_text())["natural"][:50]
    session.handle(qs[0])
    first = time.perf_counter() - prompt
    times = []
    for q in qs[1:]:
        t = time.perf_counter()
        session.handle(q)
        times.append(time.perf_counter() - t)
    comp = []
    for q in qs[:20]:
        t = time.perf_counter()
        list(name_completions(Names(index), q.rstrip("?")[:-2], asked=True))
        comp.append(time.perf_counter() - t)
    return {"to_prompt": prompt - start, "first_answer": first, "answers": stats(times),
            "completion": stats(comp),
            "rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}


def top_source(folder: Path) -> str:
    from qa.index import Index

    table = Index.open(folder).sources
    return table.info(0)["name"] if len(table) else ""


READ_SENTENCES = 125_797  # what qa reads from the 22 reut2-*.sgm files


def sgm_corpus(data: Path, size: int, corpus: Path) -> int:
    """A folder of copies of the Reuters-21578 .sgm files (r0/, r1/, ...: ids differ by their
    folder) holding about `size` sentences, read by qa as they are."""
    import shutil

    copies = max(1, round(size / READ_SENTENCES))
    for c in range(copies):
        (corpus / f"r{c}").mkdir(parents=True, exist_ok=True)
        for path in sorted(data.glob("reut2-*.sgm")):
            shutil.copyfile(path, corpus / f"r{c}" / path.name)
    return copies


def run_size(size: int, tmp: Path, args) -> dict:
    work = args.keep or tmp
    corpus, folder = work / f"corpus-{size}", work / f"index-{size}"
    result: dict = {"size": size, "load_before": os.getloadavg()[0],
                    "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    built = work / f"build-{size}.json"
    if args.keep and built.exists():  # built by an earlier run with --keep: reuse it
        result["build"] = json.loads(built.read_text())
    else:
        copies = sgm_corpus(args.data, size, corpus)
        print(f"[{size}] {copies} copies of Reuters-21578; building", file=sys.stderr, flush=True)
        result["build"] = child("build", str(corpus), str(folder))
        result["build"]["load"] = [result["load_before"], os.getloadavg()[0]]
        built.write_text(json.dumps(result["build"]))
    if args.build_only:
        return result
    qs = questions(folder, args.questions, seed=size)
    qfile = tmp / f"questions-{size}.json"
    qfile.write_text(json.dumps(qs))
    print(f"[{size}] asking", file=sys.stderr, flush=True)
    result["pipe"] = {name: ask_cpu(folder, q) for name, q in qs.items()}
    source = top_source(folder)
    result["source"] = {"name": source,
                        **ask_cpu(folder, qs["natural"][:50], ["--source", source])}
    result["core"] = child("core", str(folder), str(qfile), "yes" if size <= 100_000 else "no")
    result["session"] = child("session", str(folder), str(qfile))
    result["load_after"] = os.getloadavg()[0]
    if not args.keep:
        import shutil

        shutil.rmtree(corpus, ignore_errors=True)
        shutil.rmtree(folder, ignore_errors=True)
    return result


def sentences(r: dict) -> str:
    """The sentence count the build reported ("indexed ... 124,755 sentences ..."; it was
    written without commas once, and the pattern read "755" of the new form)."""
    found = re.search(r"(\d[\d,]*) sentences", r["build"].get("out", ""))
    return f"{int(found.group(1).replace(',', '')):,}" if found else f"{r['size']:,}"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f}" if seconds < 0.1 else f"{seconds * 1000:.0f}"


def report(results: list[dict]) -> str:
    lines = ["Measured " + ", ".join(r.get("when", "?") for r in results)
             + f" on {os.cpu_count()} cores (load average "
             + ", ".join(f"{r['size']:,}: {r['load_before']:.1f} before / {r['load_after']:.1f} "
                         "after" for r in results)
             + "; what else ran shows in it); one run each: `python "
             "bench/bench_archive.py --sizes SIZE --keep DIR --json FILE`, then "
             "`--report FILE...`.", "",
             "| sentences | set | `qa ask - --json` mean | p50 | p95 | first answer (start-up) "
             "| core `Index.top` mean | rank-bm25 mean | qa ask vs rank-bm25 |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        for name in ("natural", "random"):
            p, c = r["pipe"][name], r["core"][name]
            rb = c.get("rank_bm25")
            lines.append(
                f"| {sentences(r)} | {name} ({p['n'] + 1}) | {ms(p['mean'])} ms | {ms(p['p50'])} "
                f"| {ms(p['p95'])} | {ms(p['first'])} ms | {ms(c['core']['mean'])} ms | "
                + (f"{ms(rb['mean'])} ms | {rb['mean'] / p['mean']:.0f}× |" if rb else "– | – |"))
    if all("hits" in r["pipe"][name] for r in results for name in ("natural", "random")):
        lines += ["", "Hits repeating the text of an earlier hit of the same question (copies of "
                  "one sentence; the answer model reads each text once a question): " + ", ".join(
                      f"{sentences(r)} {name} {r['pipe'][name]['repeated_hits']} of "
                      f"{r['pipe'][name]['hits']}" for r in results
                      for name in ("natural", "random")) + "."]
    lines += ["", "| sentences | build (wall) | build peak RSS | `--source` (most cited: name) "
              "mean / p95 | session: prompt after | first answer after the prompt | answer mean "
              "/ p95 | completion mean | session RSS |", "|---:|---:|---:|---|---:|---:|---:|---:|"
              "---:|"]
    for r in results:
        b, s, src = r["build"], r["session"], r["source"]
        lines.append(
            f"| {sentences(r)} | {b['seconds']:.0f} s | {b['peak_rss_kib'] / 1024:,.0f} MB | "
            f"{src['name']}: {ms(src['mean'])} / {ms(src['p95'])} ms | "
            f"{ms(s['to_prompt'])} ms | {ms(s['first_answer'])} ms | "
            f"{ms(s['answers']['mean'])} / {ms(s['answers']['p95'])} ms | "
            f"{ms(s['completion']['mean'])} ms | {s['rss_kib'] / 1024:,.0f} MB |")
    if all("cpu" in r["pipe"]["natural"] for r in results):
        lines += ["", "CPU time (what another process's load inflates least), ms per question: "
                  "`qa ask - --json` (the process's CPU less a one-question process's, over the "
                  "other questions), the core and rank-bm25 (in-process), `--source`.", "",
                  "| sentences | set | `qa ask - --json` CPU | start-up CPU | core CPU | "
                  "rank-bm25 CPU | qa ask vs rank-bm25 (CPU) |", "|---:|---|---:|---:|---:|---:|---:|"]
        for r in results:
            for name in ("natural", "random"):
                p, c = r["pipe"][name], r["core"][name]
                rb = c.get("rank_bm25_cpu")
                lines.append(f"| {sentences(r)} | {name} | {ms(p['cpu'])} | "
                             f"{ms(p['cpu_startup'])} | {ms(c['core_cpu'])} | "
                             + (f"{ms(rb)} | {rb / p['cpu']:.0f}× |" if rb else "– | – |"))
            lines.append(f"| {sentences(r)} | `--source {r['source']['name']}` | "
                         f"{ms(r['source']['cpu'])} | {ms(r['source']['cpu_startup'])} | – | – "
                         "| – |")
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        fn = {"build": _child_build, "core": _child_core, "session": _child_session}[sys.argv[2]]
        print(json.dumps(fn(*sys.argv[3:])))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--data", type=Path, default=Path("/work/shared/data/reuters21578"))
    parser.add_argument("--no-doc", action="store_true")
    parser.add_argument("--json", type=Path, help="also save the raw figures here")
    parser.add_argument("--keep", type=Path, help="build corpora and indexes here and reuse "
                                                  "them on the next run")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--report", type=Path, nargs="*",
                        help="write the doc block from saved --json files, measuring nothing")
    args = parser.parse_args()
    if args.report:
        results = [r for path in args.report for r in json.loads(path.read_text())]
        write_doc(report(results))
        return
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="qa-archive-") as name:
        results = [run_size(size, Path(name), args) for size in args.sizes]
    if args.build_only:
        print(json.dumps(results))
        return
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    text = report(results)
    print(text)
    if not args.no_doc:
        write_doc(text)


def write_doc(text: str) -> None:
    page = DOC.read_text(encoding="utf-8")
    begin, end = "<!-- archive:begin -->", "<!-- archive:end -->"
    block = f"{begin}\n{text}\n{end}"
    if begin in page and end in page:
        page = page[:page.index(begin)] + block + page[page.index(end) + len(end):]
    else:
        page = page.rstrip("\n") + "\n\n## The question path on archives (issue 15)\n\n" \
            + block + "\n"
    DOC.write_text(page, encoding="utf-8")


if __name__ == "__main__":
    main()
