"""How long attribution takes on 100,000 newswire sentences (Reuters-21578).

The target is under 10 s on the project's 2-core machine. Sentence splitting and reading are
done before the clock starts: only `qa.attribution.attribute` is timed, called once per
article as the index calls it. The figure is printed and written into docs/ATTRIBUTION.md
between the `bench:` markers.

    python bench/bench_attribution.py [--data ../shared/data] [--sentences N] [--no-doc]
    python bench/bench_attribution.py --one-line 10   # a 10 MB line of words, no full stop

`--one-line MB` times instead what issue 13 found spending 54 s: one line of seeded random
news words with "said" or "told" every few words and no full stop, split as `qa index`
splits a document (`split_document`) and then attributed (target: under 2 s).
"""
from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
from pathlib import Path

from common import ROOT, add_data_argument, reuters_articles, replace_block
from qa.attribution import attribute
from qa.model import Document, Sentence
from qa.segment import sentence_spans, split_document

DOC = ROOT / "docs" / "ATTRIBUTION.md"


def read_articles(data: Path, limit: int) -> list[list[Sentence]]:
    """Articles as sentence lists, until `limit` sentences are collected."""
    articles: list[list[Sentence]] = []
    total = 0
    for article in reuters_articles(data):
        text = article.body
        doc = f"reut2-{article.file}-{article.position}"
        sents = [Sentence(doc, i, s, e, text[s:e])
                 for i, (s, e) in enumerate(sentence_spans(text))]
        articles.append(sents[:limit - total])
        total += len(articles[-1])
        if total >= limit:
            return articles
    return articles


def run(articles: list[list[Sentence]]) -> tuple[float, float, int]:
    """Wall and CPU seconds to attribute every article, and how many attributions were found.

    CPU seconds are the steadier figure while other work shares the machine."""
    start, cpu = time.perf_counter(), time.process_time()
    found = sum(len(a) for sents in articles for a in attribute(sents))
    return time.perf_counter() - start, time.process_time() - cpu, found


_WORDS = "the minister government company shares oil prices rose fell percent bank market \
officials year week".split()


def one_line(megabytes: float, seed: int = 7) -> str:
    """Split and attribution of one line of `megabytes` of seeded random words, with a verb of
    saying about every 12 words and no full stop: the work must stay bounded by the size."""
    rng, words, size = random.Random(seed), [], 0
    while size < megabytes * 1_000_000:
        word = rng.choice(_WORDS) if rng.random() > 0.08 else rng.choice(["said", "told"])
        words.append(word)
        size += len(word) + 1
    doc = Document("line", "line.txt", " ".join(words))
    cpu = time.process_time()
    pieces = split_document(doc, [])
    split = time.process_time() - cpu
    cpu = time.process_time()
    found = sum(len(a) for a in attribute(pieces))
    return (f"one line of {megabytes:g} MB ({len(pieces):,} pieces): split {split:.2f} s CPU, "
            f"attribution {time.process_time() - cpu:.2f} s CPU ({found:,} attributions), "
            f"load average {os.getloadavg()[0]:.1f}, {time.strftime('%Y-%m-%d')}")


def write_doc(line: str) -> None:
    replace_block(DOC, line)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_argument(parser)
    parser.add_argument("--sentences", type=int, default=100_000)
    parser.add_argument("--no-doc", action="store_true", help="do not update the doc")
    parser.add_argument("--one-line", type=float, metavar="MB",
                        help="time one line of MB megabytes instead (printed only)")
    args = parser.parse_args()
    if args.one_line:
        print(one_line(args.one_line))
        return 0
    articles = read_articles(args.data, args.sentences)
    n = sum(len(a) for a in articles)
    load = os.getloadavg()[0]
    seconds, cpu, found = run(articles)
    line = (f"{n:,} sentences of {len(articles):,} Reuters-21578 articles: {seconds:.2f} s "
            f"wall, {cpu:.2f} s CPU ({n / seconds:,.0f} sentences/s, {found:,} attributions) "
            f"on {platform.python_implementation()} {platform.python_version()}, "
            f"{os.cpu_count()} CPUs, load average {load:.1f} -> {os.getloadavg()[0]:.1f}, "
            f"{time.strftime('%Y-%m-%d')}")
    print(line)
    if not args.no_doc:
        write_doc(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
