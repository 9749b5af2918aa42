"""What a full build of a large archive costs: wall time, CPU seconds and peak memory, and
where they go.

    nice -n 10 .venv/bin/python bench/bench_build.py --sentences 1000000 [--profile]

The corpus is copies of the Reuters-21578 .sgm files (as bench/bench_archive.py makes it,
125,797 sentences a copy). `qa index CORPUS --index DIR` runs in a fresh process, as users
run it: wall time, CPU seconds (user+sys of the build and its workers) and peak RSS (the
largest of the build process and its workers) come from its rusage. On a machine shared with
others, CPU seconds are the figure that compares runs; wall time is given with the load
average before and after.

With `--profile` the build runs once more, in-process, with each phase timed: reading and
analysing (the workers) with the merge of their results, postings, forward data, the source
table, names, fsync and the checksums of the written files (`qa.index.segments`). Per phase: wall, CPU of the build
process, and its peak RSS within the phase (the kernel's high-water mark, reset between phases
through /proc/self/clear_refs); the workers' CPU and largest RSS are given apart. A large
build writes its source table in a process of its own while it computes the postings: that
process counts among the workers, and the build process's wait for it is a phase. `--check
DIR` compares the data files of the new index with those of an index in DIR (by the SHA-256
the manifest records), so a change that must not change the index can be shown not to.
Results go between the `build:` markers of docs/BENCHMARKS.md.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, add_data_argument, replace_block  # bench/ is on sys.path

QA = str(Path(sys.executable).with_name("qa"))
DOC = ROOT / "docs" / "BENCHMARKS.md"


def sgm_corpus(data: Path, size: int, corpus: Path) -> int:
    from bench_archive import sgm_corpus as make

    return make(data / "reuters21578", size, corpus)


def _peak_kib() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def _reset_peak() -> None:
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def build_command(corpus: Path, folder: Path) -> dict:
    """`qa index` in a fresh process: wall, CPU and peak RSS of it and its workers."""
    load = os.getloadavg()[0]
    start = time.perf_counter()
    out = subprocess.run([sys.executable, __file__, "--child-command", str(corpus), str(folder)],
                         capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        raise SystemExit(f"build failed:\n{out.stderr[-3000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result.update(load=[load, os.getloadavg()[0]], outer_wall=time.perf_counter() - start)
    return result


def _child_command(corpus: str, folder: str) -> dict:
    start = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # this clone's qa, installed or not
    out = subprocess.run([QA, "index", corpus, "--index", folder], capture_output=True,
                         text=True, env=env)
    wall = time.perf_counter() - start
    if out.returncode != 0:
        raise SystemExit(out.stderr[-3000:])
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"wall": wall, "cpu": kids.ru_utime + kids.ru_stime, "user": kids.ru_utime,
            "sys": kids.ru_stime, "peak_kib": kids.ru_maxrss, "out": out.stdout.strip()[-200:]}


def _child_profile(corpus: str, folder: str) -> dict:
    """The build in this process with each phase measured (see the module's docstring)."""
    from qa.index import checksums, durable, segments, writer

    phases: list[dict] = []
    mark = {"wall": time.perf_counter(), "cpu": time.process_time()}

    def close_phase(name: str) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        phases.append({"phase": name, "wall": now - mark["wall"], "cpu": cpu - mark["cpu"],
                       "peak_kib": _peak_kib()})
        mark.update(wall=now, cpu=cpu)
        _reset_peak()

    def wrap(owner, attr: str, name: str, before: str | None = None):
        original = getattr(owner, attr)

        def timed(*args, **kwargs):
            if before:
                close_phase(before)
            result = original(*args, **kwargs)
            close_phase(name)
            return result

        setattr(owner, attr, timed)

    wrap(segments, "write_part", "reading, analysis (workers), segment written",
         before="finding the files")
    wrap(segments, "write_postings", "postings",
         before="derive: terms sorted, forward data renumbered")
    wrap(segments, "write_source_table", "source table", before="statement rows read")
    wrap(segments, "write_names", "names")
    wrap(segments._Aside, "wait", "waiting for the source table (written by its own process)")
    wrap(durable, "fsync_tree", "fsync")
    wrap(checksums, "describe", "checksums of the written files")
    _reset_peak()
    start = time.perf_counter()
    report = writer.build([Path(corpus)], Path(folder), fresh=True)
    wall = time.perf_counter() - start
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"wall": wall, "sentences": report.sentences, "terms": report.terms,
            "documents": report.documents, "phases": phases,
            "self_cpu": own.ru_utime + own.ru_stime,
            "self_peak_kib": max([p["peak_kib"] for p in phases] + [_peak_kib()]),
            "workers_cpu": kids.ru_utime + kids.ru_stime, "workers_peak_kib": kids.ru_maxrss}


def compare(new: Path, old: Path) -> list[str]:
    """Names of data files whose SHA-256 differs between two indexes (or is in one only)."""
    a = json.loads((new / "manifest.json").read_text())["checksums"]
    b = json.loads((old / "manifest.json").read_text())["checksums"]
    return sorted(name for name in set(a) | set(b)
                  if a.get(name, {}).get("sha256") != b.get(name, {}).get("sha256"))


def report(size: int, copies: int, command: dict, profile: dict | None, same: str) -> str:
    gb = 1024 * 1024
    lines = [f"Corpus: {copies} copies of the Reuters-21578 .sgm files (about {size:,} "
             f"sentences); {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
             f"{os.cpu_count()} cores."]
    if command:
        lines += ["", "| `qa index` | wall s | CPU s (user+sys, build + workers) | peak RSS | "
                  "load before / after |", "| --- | ---: | ---: | ---: | --- |",
                  f"| {command['out'].splitlines()[-1] if command['out'] else ''} | "
                  f"{command['wall']:.1f} | {command['cpu']:.1f} ({command['user']:.1f} + "
                  f"{command['sys']:.1f}) | {command['peak_kib'] / gb:.2f} GB | "
                  f"{command['load'][0]:.1f} / {command['load'][1]:.1f} |"]
    if profile:
        lines += ["", f"Phases (in-process build, {profile['sentences']:,} sentences, "
                  f"{profile['wall']:.0f} s wall, load {profile['load'][0]:.1f} / "
                  f"{profile['load'][1]:.1f}): the "
                  f"build process {profile['self_cpu']:.1f} s CPU, peak "
                  f"{profile['self_peak_kib'] / gb:.2f} GB; its workers "
                  f"{profile['workers_cpu']:.1f} s CPU, the largest "
                  f"{profile['workers_peak_kib'] / gb:.2f} GB.", "",
                  "| phase | wall s | CPU s (build process) | peak RSS in phase |",
                  "| --- | ---: | ---: | ---: |"]
        for p in profile["phases"]:
            lines.append(f"| {p['phase']} | {p['wall']:.1f} | {p['cpu']:.1f} | "
                         f"{p['peak_kib'] / gb:.2f} GB |")
    if same:
        lines += ["", same]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sentences", type=int, default=1_000_000)
    parser.add_argument("--profile", action="store_true", help="also time each phase")
    parser.add_argument("--no-command", action="store_true",
                        help="only the in-process build of --profile")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it")
    parser.add_argument("--check", type=Path, help="an index whose files must be the same")
    parser.add_argument("--no-doc", action="store_true")
    add_data_argument(parser)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="qa-bench-build-") as tmp:
        work = args.keep or Path(tmp)
        corpus = work / "corpus"
        copies = sgm_corpus(args.data, args.sentences, corpus)
        print(f"{copies} copies of Reuters-21578; building", file=sys.stderr, flush=True)
        command = None if args.no_command else build_command(corpus, work / "index")
        same = ""
        if args.check:
            differ = compare(work / ("index-profile" if args.no_command else "index"),
                             args.check)
            same = (f"Index files against {args.check}: "
                    + (f"differ: {', '.join(differ)}" if differ else "all identical (SHA-256)."))
        profile = None
        if args.profile:
            print("profiling the phases", file=sys.stderr, flush=True)
            load = os.getloadavg()[0]
            out = subprocess.run([sys.executable, __file__, "--child-profile", str(corpus),
                                  str(work / "index-profile")], capture_output=True, text=True,
                                 cwd=ROOT)
            if out.returncode != 0:
                raise SystemExit(out.stderr[-3000:])
            profile = json.loads(out.stdout.strip().splitlines()[-1])
            profile["load"] = [load, os.getloadavg()[0]]
    text = report(args.sentences, copies, command, profile, same)
    print(text)
    if not args.no_doc:
        replace_block(DOC, text, marker="build")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] in ("--child-command", "--child-profile"):
        run = _child_command if sys.argv[1] == "--child-command" else _child_profile
        print(json.dumps(run(sys.argv[2], sys.argv[3])))
    else:
        main()
