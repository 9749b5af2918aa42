"""An archive that changes: the next `qa ask` after adding, editing or removing one article.

    nice -n 10 .venv/bin/python bench/bench_update.py --copies 1      # ~1.25e5 sentences
    nice -n 10 .venv/bin/python bench/bench_update.py --copies 8      # ~1e6 sentences
    ... --keep DIR   # make the corpus and index in DIR once, reuse them in later runs

The corpus is a folder holding `--copies` copies of the Reuters-21578 .sgm files (125,000
sentences each, as qa reads them; copies in subfolders, so ids differ) and a 1,000-article
JSONL file made from the first Reuters bodies. It is indexed by `qa index --fresh` in a fresh
process. Then, as a user would, each change is made to the folder and `qa ask --json QUESTION`
is run in a fresh process, which finds the index stale and updates it before answering:

    add       a new .txt article
    edit      one line of the JSONL file changed (the file is tracked per article)
    remove    the .txt article deleted again
    none      nothing changed (what a question costs anyway)

Reported per step: wall time of the whole `qa ask` and its CPU time (user+system, with its
worker processes), and the load average. Finally the updated index is compared with a fresh
build of the same folder: the top-10 of `qa ask --json -k 10` for 20 questions must be the
same sentences with the same scores. Results go to docs/BENCHMARKS.md between the `update:`
markers with `--write`.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QA = str(Path(sys.executable).with_name("qa"))
DOC = ROOT / "docs" / "BENCHMARKS.md"
DATA = Path(os.environ.get("QA_SHARED_DATA", "/work/shared/data")) / "reuters21578"
QUESTIONS = ["oil prices", "who said the dollar would fall", "wheat exports to the Soviet Union",
             "how much did profits rise", "what did the Fed say about interest rates",
             "coffee quota talks", "said", "Japan trade surplus", "merger offer per share",
             "strike at the port", "gold price", "OPEC output ceiling", "crop forecast",
             "bank lending rate cut", "shares fell on Wall Street", "sugar tender",
             "unemployment rate", "takeover bid", "budget deficit", "cocoa buffer stock"]


def make_corpus(folder: Path, copies: int) -> None:
    import re

    folder.mkdir(parents=True)
    for c in range(copies):
        sub = folder / f"copy{c}"
        sub.mkdir()
        for sgm in sorted(DATA.glob("*.sgm")):
            shutil.copy(sgm, sub / sgm.name)
    text = (DATA / "reut2-001.sgm").read_text(encoding="latin-1")
    bodies = re.findall(r"<BODY>(.*?)</BODY>", text, re.S)[:1000]
    with open(folder / "wire.jsonl", "w", encoding="utf-8") as f:
        for n, body in enumerate(bodies):
            f.write(json.dumps({"id": f"w{n}", "text": body.replace("&lt;", "<")}) + "\n")


def run(*args: str) -> dict:
    """One qa process: its wall and CPU time (with its children), exit code and output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run([QA, *args], capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "code": out.returncode, "out": out.stdout,
            "err": out.stderr, "load": os.getloadavg()[0]}


def top10(index: Path) -> list:
    hits = []
    for q in QUESTIONS:
        r = run("ask", "--json", "-k", "10", q, "--index", str(index))
        data = json.loads(r["out"]) if r["out"].strip() else {"hits": []}
        hits.append([(h["doc"], h["sentence"], h["score"]) for h in data["hits"]])
    return hits


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=1)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--no-fresh-check", action="store_true")
    parser.add_argument("--keep", type=Path, help="make the corpus and its index here and "
                        "reuse them in later runs (the steps leave a valid index of the folder)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="qa-bench-update-"))
    try:
        corpus, index = work / "corpus", work / "index"
        if args.keep and (index / "manifest.json").exists():
            (corpus / "added.txt").unlink(missing_ok=True)  # left by a run stopped half-way
            built = run("index", str(corpus), "--index", str(index))  # brings it up to date
        else:
            make_corpus(corpus, args.copies)
            built = run("index", str(corpus), "--index", str(index), "--fresh")
        assert built["code"] == 0, built["err"]
        print(f"build: {built['out'].strip()} wall {built['wall']:.1f} s, CPU {built['cpu']:.1f} s,"
              f" load {built['load']:.1f}", flush=True)
        rows = []
        question = ["ask", "--json", "oil prices", "--index", str(index), "--corpus", str(corpus)]
        article = corpus / "added.txt"
        wire = corpus / "wire.jsonl"
        steps = [
            ("add", lambda: article.write_text(
                "Cocoa prices fell in London on Monday, traders said, as the buffer stock "
                "manager stayed out of the market.\n\nThe ICCO council meets next week.\n")),
            ("edit", lambda: wire.write_text(wire.read_text().replace(
                '"id": "w500", "text": "', '"id": "w500", "text": "Revised. ', 1))),
            ("remove", article.unlink),
            ("none", lambda: None),
        ]
        for name, change in steps:
            change()
            r = run(*question)
            assert r["code"] in (0, 1), r["err"]
            rows.append((name, r))
            print(f"{name:7s} qa ask: wall {r['wall']:.2f} s, CPU {r['cpu']:.2f} s, "
                  f"load {r['load']:.1f}  {r['err'].strip()[:100]}", flush=True)
        same = None
        if not args.no_fresh_check:
            fresh = work / "fresh"
            assert run("index", str(corpus), "--index", str(fresh), "--fresh")["code"] == 0
            same = top10(index) == top10(fresh)
            print(f"updated index == fresh build (top-10 of {len(QUESTIONS)} questions, "
                  f"sentences and scores): {same}", flush=True)
        if args.write:
            write_doc(args.copies, built, rows, same)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def write_doc(copies: int, built: dict, rows: list, same: bool | None) -> None:
    sentences = built["out"].split(" sentences")[0].split(", ")[-1]
    lines = [f"Folder of {copies} cop{'y' if copies == 1 else 'ies'} of Reuters-21578 (.sgm) and "
             f"a 1,000-article JSONL file: {sentences} sentences; fresh build "
             f"{built['wall']:.0f} s wall, {built['cpu']:.0f} s CPU (load {built['load']:.1f}).",
             "", "| change, then `qa ask --json` | wall s | CPU s | load |", "|---|---|---|---|"]
    for name, r in rows:
        lines.append(f"| {name} | {r['wall']:.2f} | {r['cpu']:.2f} | {r['load']:.1f} |")
    if same is not None:
        lines += ["", f"Updated index vs a fresh build of the same folder, top-10 sentences and "
                      f"scores of 20 questions: {'identical' if same else 'DIFFERENT'}."]
    marker = f"update-{copies}"
    text = DOC.read_text()
    block = f"<!-- {marker}:begin -->\n" + "\n".join(lines) + f"\n<!-- {marker}:end -->"
    if f"<!-- {marker}:begin -->" in text:
        head, rest = text.split(f"<!-- {marker}:begin -->", 1)
        text = head + block + rest.split(f"<!-- {marker}:end -->", 1)[1]
    else:
        text += "\n" + block + "\n"
    DOC.write_text(text)


if __name__ == "__main__":
    main()
