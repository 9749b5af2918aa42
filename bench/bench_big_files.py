"""Huge single files through `qa index` and `qa ask`: is the work linear in the size?

Writes one-line articles (Reuters-21578 bodies joined by spaces, no newline, cycled to reach
the size; synthetic wire copy with "said" in every sentence when --data has no Reuters) of
each size in a temporary folder that is removed afterwards, runs `qa index` on each in a
fresh process, then one `qa ask` whose answer is in the article, and prints wall and CPU
seconds (CPU time is the steadier figure on a shared machine) and seconds per MB.

    python bench/bench_big_files.py --sizes 1 2 4 10       # MB
    python bench/bench_big_files.py --sizes 200            # the 200 MB single file
"""
from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import add_data_argument, reuters_articles

QA = [sys.executable, "-m", "qa.cli"]


def write_one_line(path: Path, megabytes: float, data: Path) -> None:
    """A one-line article of about `megabytes` MB."""
    target = int(megabytes * 1e6)
    texts = [" ".join(a.body.split()) for a in reuters_articles(data)] if (
        data / "reuters21578").is_dir() else []
    rng = random.Random(5)
    with open(path, "w", encoding="utf-8") as f:
        size = 0
        while size < target:
            if texts:
                text = texts[rng.randrange(len(texts))]
            else:
                words = rng.choices("army convoy border talks minister oil prices".split(), k=12)
                text = f"The minister said the {' '.join(words)} moved."
            f.write(text + " ")
            size += len(text.encode()) + 1
        f.write("The zanzibarite convoy reached the border at dawn, officials said.")


def run(args: list[str], cwd: Path) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the child, its stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(QA + args, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise SystemExit(f"qa {' '.join(args)} failed: {done.stderr[-500:]}")
    return wall, cpu, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 2, 4, 10])
    add_data_argument(parser)
    args = parser.parse_args()
    print("| size | qa index wall | CPU | CPU s per MB | max RSS | qa ask wall |")
    print("|---|---|---|---|---|---|")
    for megabytes in args.sizes:
        with tempfile.TemporaryDirectory(prefix="qa-bench-big-") as tmp:
            folder = Path(tmp)
            (folder / "corpus").mkdir()
            write_one_line(folder / "corpus" / "big.txt", megabytes, args.data)
            wall, cpu, _ = run(["index", "corpus", "--index", "index"], folder)
            rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            ask_wall, _, out = run(["ask", "--index", "index", "zanzibarite convoy"], folder)
            assert "zanzibarite" in out
            print(f"| {megabytes:g} MB | {wall:.1f} s | {cpu:.1f} s | {cpu / megabytes:.2f} | "
                  f"{rss:.0f} MB (largest so far) | {ask_wall:.2f} s |", flush=True)


if __name__ == "__main__":
    main()
