"""Answer marks on wire copy: `qa eval` of bench/data/reuters_questions.jsonl on the
Reuters-21578 articles it asks about, indexed from the shared data and nothing else.

The articles were chosen by a fixed rule before any question was written, and without
looking at how qa does on them (`--list` prints them again):
- the six topic groups below, each an article's TOPICS containing one of the group's codes;
- a body (after the closing "Reuter") of 100 to 600 words, a body no earlier article has;
- per group, in group order, 7 articles drawn with `random.Random("wire7-" + group)` from the
  eligible ones in file order, skipping any already drawn for an earlier group.
The questions and gold answers were then written by reading each article (docs/EVAL.md,
"Wire copy"). Only the question file is in the repository: the articles are read from
/work/shared, and the index is built from copies of just the chosen <REUTERS> elements, byte
for byte, in files named as the originals, so each article's id is qa's own
("reut2-004/4321": file stem and NEWID).

    python bench/wire_eval.py [--data ../shared/data] [--work DIR] [--json] [--errors]
    python bench/wire_eval.py --list

`--errors` adds every wrong mark (token F1 < 0.5 against all the gold answers) and every mark
on a question without an answer, with its confidence, after the figures.
"""
from __future__ import annotations

import argparse
import random
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from common import ROOT, add_data_argument

QUESTIONS = ROOT / "bench" / "data" / "reuters_questions.jsonl"
GROUPS = {
    "earnings": {"earn"},
    "acquisitions": {"acq"},
    "currency": {"money-fx", "dlr"},
    "commodities": {"crude", "grain", "wheat", "corn", "coffee", "sugar", "cocoa", "gold",
                    "copper", "oilseed", "veg-oil", "livestock", "cotton", "rubber", "tin"},
    "trade": {"trade"},
    "interest rates": {"interest"},
}
PER_GROUP = 7
WORDS = (100, 600)

_OPEN = re.compile(r"<REUTERS\b[^>]*>")
_NEWID = re.compile(r'\bNEWID="(\d+)"')
_TOPICS = re.compile(r"<TOPICS>(.*?)</TOPICS>", re.S)
_D = re.compile(r"<D>(.*?)</D>")
_BODY = re.compile(r"<BODY>(.*?)</BODY>", re.S)
_SIGN_OFF = re.compile(r"\n[ \t]*reuters?[ \t]*(\x03|&#3;)?\s*\Z", re.I)


@dataclass(frozen=True)
class Element:
    """One <REUTERS> element as it stands in its file."""

    file: str  # "reut2-004"
    newid: str
    topics: frozenset[str]
    words: int
    body: str
    raw: str

    @property
    def doc(self) -> str:
        return f"{self.file}/{self.newid}"


def elements(folder: Path) -> list[Element]:
    """Every <REUTERS> element with a body, in file order (the files are Latin-1)."""
    out = []
    for path in sorted(folder.glob("reut2-*.sgm")):
        text = path.read_text(encoding="latin-1")
        for opening in _OPEN.finditer(text):
            end = text.find("</REUTERS>", opening.end())
            if end < 0:
                break
            raw = text[opening.start():end + len("</REUTERS>")]
            body = _BODY.search(raw)
            if not body:
                continue
            words = _SIGN_OFF.sub("", body.group(1)).split()
            topics = _TOPICS.search(raw)
            out.append(Element(path.stem, _NEWID.search(opening.group()).group(1),
                               frozenset(_D.findall(topics.group(1)) if topics else ()),
                               len(words), " ".join(words), raw))
    return out


def select(folder: Path) -> list[tuple[str, Element]]:
    """The rule of the module docstring: (group, element) pairs in group order."""
    seen_bodies: set[str] = set()
    eligible = []
    for element in elements(folder):
        if WORDS[0] <= element.words <= WORDS[1] and element.body not in seen_bodies:
            eligible.append(element)
        seen_bodies.add(element.body)
    chosen: list[tuple[str, Element]] = []
    taken: set[str] = set()
    for group, codes in GROUPS.items():
        pool = [e for e in eligible if e.topics & codes]
        rng = random.Random("wire7-" + group)
        picked = 0
        for element in rng.sample(pool, len(pool)):
            if element.doc in taken:
                continue
            chosen.append((group, element))
            taken.add(element.doc)
            picked += 1
            if picked == PER_GROUP:
                break
    return chosen


def write_corpus(chosen: list[tuple[str, Element]], corpus: Path) -> None:
    """The chosen elements, byte for byte, in files named as their originals."""
    corpus.mkdir(parents=True, exist_ok=True)
    by_file: dict[str, list[str]] = {}
    for _, element in chosen:
        by_file.setdefault(element.file, []).append(element.raw)
    for name, raws in by_file.items():
        (corpus / f"{name}.sgm").write_text("\n".join(raws) + "\n", encoding="latin-1")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_data_argument(parser)
    parser.add_argument("--work", type=Path, help="folder for the corpus and index "
                        "(default: a temporary one, removed afterwards)")
    parser.add_argument("--list", action="store_true", help="print the chosen articles")
    parser.add_argument("--json", action="store_true", help="qa eval's figures as JSON")
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--errors", action="store_true",
                        help="list the wrong marks and the marks on no-answer questions")
    args = parser.parse_args()
    folder = args.data / "reuters21578"
    if not sorted(folder.glob("reut2-*.sgm")):
        raise SystemExit(f"no Reuters-21578 files (reut2-*.sgm) in {folder}: "
                         "give the shared data folder with --data")
    chosen = select(folder)
    if args.list:
        for group, element in chosen:
            print(f"{element.doc}\t{group}\t{element.words}\t{','.join(sorted(element.topics))}")
        return 0
    with tempfile.TemporaryDirectory(prefix="qa-wire-") as scratch:
        work = args.work or Path(scratch)
        write_corpus(chosen, work / "corpus")
        qa = [sys.executable, "-m", "qa"]
        # the build's report to stderr: stdout is only qa eval's (JSON with --json)
        subprocess.run([*qa, "index", str(work / "corpus"), "--index", str(work / "index")],
                       check=True, cwd=ROOT, stdout=sys.stderr)
        command = [*qa, "eval", str(args.questions), "--index", str(work / "index")]
        code = subprocess.run(command + (["--json"] if args.json else []), cwd=ROOT).returncode
        if args.errors and code == 0:
            print_errors(args.questions, work / "index")
        return code


def print_errors(questions: Path, index_folder: Path) -> None:
    """The wrong marks as `qa eval` scores them (the same records, the shipped model)."""
    from qa.answer_eval import best_f1, records
    from qa.evaluate import load
    from qa.index import Index

    evalset = load(questions)
    index = Index.open(index_folder)
    for case, record in zip(evalset.cases, records(index, evalset.cases)):
        if record.marked is None:
            continue
        if record.golds and best_f1(record.marked, record.golds) >= 0.5:
            continue
        kind = "WRONG" if record.golds else "NO-ANSWER MARKED"
        print(f"{kind}\t{case.doc}\t{case.question}\tmarked {record.marked!r} "
              f"({record.confidence:.3f})\tgold {record.golds}\t"
              f"top sentence {'holds' if record.sentence_right else 'lacks'} a gold answer")


if __name__ == "__main__":
    raise SystemExit(main())
