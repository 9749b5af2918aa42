"""Two versions of qa updating the same kept archive, alternated: the next `qa ask` after adding,
editing or removing an article, each version's figures taken in the same minutes.

    nice -n 10 .venv/bin/python bench/compare_update.py DIR ROUNDS NAME=CODE [NAME=CODE ...]

DIR is a folder kept by `bench/bench_update.py --keep DIR` (its corpus/ and index/). CODE is a
folder holding a `qa` package (say `git archive COMMIT qa | tar -x -C CODE`), put first on
PYTHONPATH for that version's runs. The versions must write the same index (an update by one is
the previous generation of the next) and share the analysis modules the index was built with
(`qa/index/freshness.py` ANALYSIS_CODE), or the first run rebuilds it from scratch. Each round
runs every version through add, edit, remove (bench_update.py's steps), the order of versions
reversed every other round; printed per run and as medians: wall and CPU (user + system, with
children) of the whole `qa ask --json` process, and the load average.
"""
from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ARTICLE = ("Cocoa prices fell in London on Monday, traders said, as the buffer stock manager "
           "stayed out of the market.\n\nThe ICCO council meets next week.\n")
EDITED = ('"id": "w500", "text": "', '"id": "w500", "text": "Revised. ')


def ask(code: str, corpus: Path, index: Path) -> tuple[float, float, str]:
    """One `qa ask` in a fresh process with `code` first on the path: wall, CPU, stderr."""
    env = dict(os.environ, PYTHONPATH=code)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "qa", "ask", "--json", "oil prices", "--index",
                          str(index), "--corpus", str(corpus)], capture_output=True, text=True,
                         env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert out.returncode in (0, 1), out.stderr
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, out.stderr


def edit(wire: Path) -> None:
    """Add a sentence to article w500, or take it away again."""
    text = wire.read_text()
    old, new = EDITED if EDITED[1] not in text else EDITED[::-1]
    wire.write_text(text.replace(old, new, 1))


def main() -> None:
    work, rounds = Path(sys.argv[1]), int(sys.argv[2])
    versions = [arg.split("=", 1) for arg in sys.argv[3:]]
    corpus, index = work / "corpus", work / "index"
    article, wire = corpus / "added.txt", corpus / "wire.jsonl"
    article.unlink(missing_ok=True)
    steps = [("add", lambda: article.write_text(ARTICLE)), ("edit", lambda: edit(wire)),
             ("remove", article.unlink)]
    results: dict[tuple[str, str], list] = {}
    for n in range(rounds):
        for name, code in (versions if n % 2 == 0 else versions[::-1]):
            for step, change in steps:
                change()
                wall, cpu, err = ask(code, corpus, index)
                load = os.getloadavg()[0]
                updated = "building the index in" in err
                results.setdefault((name, step), []).append((wall, cpu, load))
                print(f"round {n} {name:8s} {step:6s} wall {wall:5.2f} s, CPU {cpu:5.2f} s, "
                      f"load {load:.1f}{'' if updated else '  (no update: not counted)'}",
                      flush=True)
                if not updated:
                    results[name, step].pop()
    print("medians:")
    for (name, step), runs in results.items():
        if runs:
            print(f"{name:8s} {step:6s} wall {statistics.median(r[0] for r in runs):5.2f} s, "
                  f"CPU {statistics.median(r[1] for r in runs):5.2f} s, load "
                  f"{statistics.mean(r[2] for r in runs):.1f} ({len(runs)} runs)")


if __name__ == "__main__":
    main()
