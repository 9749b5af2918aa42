"""`qa index` and `qa sentences`: the commands that build the index and list what it holds.

Problems the user can fix are raised as `QaError` (the CLI prints one line, exit 2).
"""
from __future__ import annotations

import sys
from pathlib import Path

from .api import QaError


def run_index(args, location) -> int:
    """`qa index [PATH...]`: build or update the index, then one line saying what it holds."""
    from .api import indexed_corpus
    from .config import NO_CORPUS_HELP, default_corpus
    from .index.writer import EmptyCorpusError, IndexWriteError, build
    from .ingest import CorpusError
    from .progress import Progress
    from .untrusted import visible

    paths = [Path(p) for p in args.paths] or list(
        location.corpus or indexed_corpus(location.index) or default_corpus() or [])
    if not paths:
        raise QaError(NO_CORPUS_HELP)
    with Progress("indexing") as progress:  # on stderr, once it has taken a second
        try:
            report = build(paths, location.index, progress=progress, fresh=args.fresh)
        except (IndexWriteError, CorpusError, EmptyCorpusError) as exc:
            raise QaError(str(exc)) from None
    for problem in report.problems:
        print(f"qa: warning: {visible(problem)}", file=sys.stderr)
    if report.summary:
        print(f"qa: {visible(report.summary)}", file=sys.stderr)
    print(f"indexed {count(report.documents, 'article')}, "
          f"{count(report.sentences, 'sentence')}, {count(report.terms, 'term')} "
          f"in {report.seconds:.2f} s into {visible(str(location.index))}"
          + (f" (updated: {report.updated})" if report.updated else ""))
    return 0


def count(number: int, noun: str) -> str:
    """"1 article", "2 articles", "1,024 articles"."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def run_sentences(args, location, console) -> int:
    """`qa sentences`: every indexed sentence (of one article with --doc), as text or JSON
    Lines."""
    from .api import open_index
    from .model import sentence_json
    from .untrusted import dumps, one_line

    index = open_index(location)
    number = None
    if args.doc is not None:
        number = index.doc_number(args.doc)
        if number is None:
            raise QaError(f"no article with id {one_line(args.doc, 120)!r}")
    for i in range(index.size):
        if number is not None and index.sent_doc[i] != number:
            continue
        sent = index.sentence(i)
        if args.json:
            data = sentence_json(sent.doc, sent.index, sent.text, sent.start, sent.end,
                                 sent.attributions)
            print(dumps(data))
        else:
            _print_sentence(console, index, sent)
    return 0


def _print_sentence(console, index, sent) -> None:
    from rich.text import Text

    from .render import STYLES, attribution_lines, print_indented, safe, sentence_text

    dateline = index.dateline(sent.id)
    console.print(Text.assemble(safe(sent.doc), (f"  sentence {sent.index}", STYLES["meta"]),
                                (f"  [{sent.start}:{sent.end}]", STYLES["meta"])))
    print_indented(console, sentence_text(sent.text, (), sent.attributions))
    for line in attribution_lines(sent.attributions, safe(dateline)):
        print_indented(console, line)
