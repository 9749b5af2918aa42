"""How fast `qa said` and `qa sources` answer at a million sentences, and what the source table
costs the build.

Reuters-21578 bodies repeated to N sentences (`bench/speed_corpus.py`), indexed once; the time
`qa.index.source_build.write_source_table` takes is measured inside that build. Then:

- core: `qa.said.said(index, NAME)` (the first 10 statements, newest first), `sources(index,
  k=20)`, `said(..., about=WORDS)` and `ask(..., source=NAME)` on an opened index, per call;
- command: wall time of a whole `qa said NAME --json`, `qa said NAME` (rich, to a pipe) and
  `qa sources -k 20` process, beside `python -c pass` and `qa ask --json` on the same index
  (bytecode cached for all alike).

NAMEs: the 10 sources with most statements, 10 from the middle of the table, 10 with one
statement, and 5 names no source has (fixed seed). Figures go between the `said:` markers of
docs/BENCHMARKS.md.

    nice -n 10 python bench/bench_said.py [--sentences N] [--no-doc]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, add_data_argument, replace_block  # bench/ is on sys.path

PYTHON = sys.executable
QA = str(Path(sys.executable).with_name("qa"))
DOC = ROOT / "docs" / "BENCHMARKS.md"


def build_index(sentences: int, tmp: Path, data: Path) -> tuple[Path, dict]:
    from qa.index import segments, writer
    from speed_corpus import reuters_articles, write_corpus

    corpus = tmp / "corpus"
    written = write_corpus(reuters_articles(data), sentences, corpus)
    spent = {}
    original = segments.write_source_table  # the name derive_late calls

    def timed(*args):
        start = time.perf_counter()
        count = original(*args)
        spent["table"] = time.perf_counter() - start
        spent["statements"] = count
        return count

    segments.write_source_table = timed
    folder = tmp / "index"
    try:
        report = writer.build([corpus], folder)
    finally:
        segments.write_source_table = original
    if "table" not in spent:
        raise SystemExit("bench_said: the build did not write the source table where timed")
    return folder, {"sentences": written, "build": report.seconds, **spent}


def pick_names(index, seed: int = 7) -> list[str]:
    table = index.sources
    n = len(table)
    rng = random.Random(seed)
    top = list(range(min(10, n)))
    middle = rng.sample(range(n // 3, 2 * n // 3), min(10, n // 3)) if n > 30 else []
    ones = [s for s in range(n - 1, -1, -1) if table.info(s)["statements"] == 1][:200]
    rare = rng.sample(ones, min(10, len(ones)))
    names = [table.info(s)["name"] for s in top + middle + rare]
    return names + ["Zyxwv Quorble", "Nobody Atall", "Imaginary Ministry", "Qqq", "Xylophone"]


ABOUT = ["oil prices", "interest rates", "dividend", "strike", "merger talks", "coffee quotas",
         "trade deficit", "bank loans", "grain exports", "takeover bid"] * 4


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def core(folder: Path, names: list[str]) -> dict:
    from qa.api import ask
    from qa.index import Index
    from qa.said import said, sources

    start = time.perf_counter()
    index = Index.open(folder)
    index.sources  # noqa: B018 (mapped on first use)
    opened = time.perf_counter() - start
    out: dict[str, list[float]] = {"said": [], "sources": [], "about": [], "ask_source": [],
                                   "sources_about": []}
    found = 0
    for name in names:
        t = time.perf_counter()
        result = said(index, name, k=10)
        out["said"].append(time.perf_counter() - t)
        found += bool(result.statements)
        t = time.perf_counter()
        said(index, name, about="oil prices", k=10)
        out["about"].append(time.perf_counter() - t)
        t = time.perf_counter()
        ask("what did they say about oil prices?", k=3, source=name, index=index)
        out["ask_source"].append(time.perf_counter() - t)
    for words in ABOUT[:len(names)]:
        t = time.perf_counter()
        sources(index, k=20)
        out["sources"].append(time.perf_counter() - t)
        t = time.perf_counter()
        sources(index, about=words, k=20)
        out["sources_about"].append(time.perf_counter() - t)
    return {"open": opened, "found": found,
            **{k: {"p50": pct(v, 50), "p95": pct(v, 95), "max": max(v)} for k, v in out.items()}}


def commands(folder: Path, names: list[str], runs: int) -> dict:
    env = dict(os.environ, NO_COLOR="1")
    cmds = {"python -c pass": [[PYTHON, "-c", "pass"]],
            "qa ask --json QUESTION": [[QA, "ask", "--json", "what did they say about oil?",
                                        "--index", str(folder)]]}
    cmds["qa said NAME --json"] = [[QA, "said", n, "--json", "--index", str(folder)]
                                   for n in names]
    cmds["qa said NAME (rich, piped)"] = [[QA, "said", n, "--index", str(folder)] for n in names]
    cmds["qa sources -k 20"] = [[QA, "sources", "-k", "20", "--index", str(folder)]]
    for variants in cmds.values():  # warm bytecode and page cache
        subprocess.run(variants[0], env=env, capture_output=True)
    times: dict[str, list[float]] = {}
    for label, variants in cmds.items():
        times[label] = []
        for k in range(runs):
            cmd = variants[k % len(variants)]
            t = time.perf_counter()
            subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times[label].append(time.perf_counter() - t)
    return {label: {"p50": pct(v, 50), "p95": pct(v, 95)} for label, v in times.items()}


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def report(built: dict, index_info: dict, core_times: dict, cmd_times: dict) -> str:
    load = os.getloadavg()
    lines = [f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {platform.machine()}, "
             f"{os.cpu_count()} cores, Python {platform.python_version()}, load average "
             f"{load[0]:.1f} at the end; `nice -n 10 python bench/bench_said.py`.", "",
             f"Index: {built['sentences']:,} sentences, {index_info['sources']:,} sources, "
             f"{built['statements']:,} statements. Build {built['build']:.1f} s, of which the "
             f"source table {built['table']:.1f} s; its files {index_info['mb']:.1f} MB; "
             f"opening the index and mapping the table {ms(core_times['open'])}.", "",
             "| core, per call (35 names) | p50 | p95 | max |", "|---|---:|---:|---:|"]
    labels = {"said": "said(NAME), first 10 statements", "sources": "sources(k=20)",
              "about": "said(NAME, about=\"oil prices\")",
              "ask_source": "ask(question, source=NAME)",
              "sources_about": "sources(about=WORDS, k=20), 10 topics"}
    for key, label in labels.items():
        t = core_times[key]
        lines.append(f"| {label} | {ms(t['p50'])} | {ms(t['p95'])} | {ms(t['max'])} |")
    lines += ["", "| whole command (wall time of the process) | p50 | p95 |", "|---|---:|---:|"]
    for label, t in cmd_times.items():
        lines.append(f"| `{label}` | {ms(t['p50'])} | {ms(t['p95'])} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=35, help="runs of each command")
    parser.add_argument("--no-doc", action="store_true", help="print only")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="build the index in DIR (a new folder) and keep it; with an index "
                             "already there, time it without building")
    add_data_argument(parser)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="qa-bench-said-") as tmp:
        work = args.keep or Path(tmp)
        if args.keep and (args.keep / "index" / "manifest.json").exists():
            folder = args.keep / "index"
            built = json.loads((args.keep / "built.json").read_text())
        else:
            print(f"building {args.sentences:,} sentences", file=sys.stderr, flush=True)
            work.mkdir(parents=True, exist_ok=True)
            folder, built = build_index(args.sentences, work, args.data)
            if args.keep:
                (args.keep / "built.json").write_text(json.dumps(built))
        from qa.index import Index

        index = Index.open(folder)
        names = pick_names(index)
        data = folder / index.manifest["data"]
        size = sum(p.stat().st_size for p in data.iterdir()
                   if p.name.startswith(("sources", "statements")))
        index_info = {"sources": len(index.sources), "mb": size / 1e6}
        print("timing", file=sys.stderr, flush=True)
        core_times = core(folder, names)
        cmd_times = commands(folder, names, args.runs)
    text = report(built, index_info, core_times, cmd_times)
    print(text)
    print(json.dumps({"core": core_times, "commands": cmd_times}), file=sys.stderr)
    if not args.no_doc:
        replace_block(DOC, text, marker="said")


if __name__ == "__main__":
    main()
