"""Which HTML extraction to read `.html` articles with: libraries against a stdlib baseline.

30 saved news pages are made at run time from Reuters-21578 bodies wrapped in page
boilerplate (`bench/html_pages.py`: five templates). Each extractor reads every page; its
text is scored against the known body with lowercased word tokens (multisets): precision
(share of extracted tokens that are body tokens), recall (share of body tokens extracted),
F1, and boilerplate tokens leaked per page (extracted tokens beyond the body's). Pages with
F1 under 0.9 are counted; the title counts as right when it equals the article's headline
(case-insensitive, site name cut). CPU time per page is `time.process_time` around the
extraction alone, in a second pass; the first pass over all pages (which loads what the
extractor loads lazily, e.g. date parsers) is reported as a whole. `qa` itself (the path users run: `qa.ingest`
reading the pages as a corpus) is timed beside them. Figures go between the `html:` markers
of docs/SEGMENTATION.md.

    nice -n 10 python bench/bench_html.py [--pages 30] [--no-doc]
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from common import ROOT, add_data_argument, replace_block  # bench/ is on sys.path
from html_baseline import extract as baseline
from html_pages import Page, make_pages

DOC = ROOT / "docs" / "SEGMENTATION.md"
_WORD = re.compile(r"\w+")


def tokens(text: str) -> Counter:
    return Counter(w.lower() for w in _WORD.findall(text))


def trafilatura_extract(page: str) -> tuple[str, str]:
    import trafilatura

    doc = trafilatura.bare_extraction(page, include_comments=False, include_tables=False,
                                      with_metadata=True)
    return (doc.text or "", doc.title or "") if doc else ("", "")


def readability_extract(page: str) -> tuple[str, str]:
    import lxml.html
    from readability import Document

    doc = Document(page)
    summary = lxml.html.fromstring(doc.summary(html_partial=True))
    for tag in summary.iter("p", "div", "br", "li", "h1", "h2", "h3", "td"):
        tag.tail = "\n\n" + (tag.tail or "")
    return summary.text_content(), doc.short_title()


def justext_extract(page: str) -> tuple[str, str]:
    import justext

    parts = justext.justext(page.encode("utf-8"), justext.get_stoplist("English"),
                            encoding="utf-8")
    return "\n\n".join(p.text for p in parts if not p.is_boilerplate), ""


EXTRACTORS: dict[str, Callable[[str], tuple[str, str]]] = {
    "stdlib html.parser baseline": baseline,
    "trafilatura": trafilatura_extract,
    "readability-lxml": readability_extract,
    "jusText": justext_extract,
}


def _title_right(found: str, page: Page) -> bool:
    found = found.split(" | ")[0].strip().lower()
    return bool(found) and found == page.title.lower()


def score(name: str, extract: Callable[[str], tuple[str, str]], pages: list[Page]) -> dict:
    start = time.process_time()
    for page in pages:  # the first pass loads what the extractor loads lazily: timed apart
        extract(page.html)
    cold = time.process_time() - start
    p_sum = r_sum = f_sum = 0.0
    leaked, cpu, bad, titles = [], [], [], 0
    by_template: dict[str, list[float]] = {}
    for page in pages:
        start = time.process_time()
        text, title = extract(page.html)
        cpu.append(time.process_time() - start)
        got, want = tokens(text), tokens(page.body)
        common = sum((got & want).values())
        precision = common / max(1, sum(got.values()))
        recall = common / max(1, sum(want.values()))
        f1 = 2 * precision * recall / (precision + recall) if common else 0.0
        p_sum, r_sum, f_sum = p_sum + precision, r_sum + recall, f_sum + f1
        leaked.append(sum(got.values()) - common)
        by_template.setdefault(page.template, []).append(f1)
        titles += _title_right(title, page)
        if f1 < 0.9:
            bad.append(page.name)
    n = len(pages)
    return {"name": name, "precision": p_sum / n, "recall": r_sum / n, "f1": f_sum / n,
            "leaked": statistics.mean(leaked), "bad": bad, "titles": titles,
            "ms": 1000 * statistics.mean(cpu), "ms_max": 1000 * max(cpu), "cold": cold,
            "templates": {t: statistics.mean(v) for t, v in by_template.items()}}


def qa_read(pages: list[Page]) -> dict:
    """`qa.ingest.read_corpus` over the pages saved as files: the path `qa index` runs."""
    from qa.ingest import read_corpus

    with tempfile.TemporaryDirectory() as tmp:
        for page in pages:
            (Path(tmp) / f"{page.name}.html").write_text(page.html, encoding="utf-8")
        read_corpus([Path(tmp) / f"{pages[0].name}.html"])
        start = time.process_time()
        corpus = read_corpus([Path(tmp)])
        spent = time.process_time() - start
    by_id = {d.id: d for d in corpus.documents}
    f1s, titles, dates = [], 0, 0
    for page in pages:
        doc = by_id.get(page.name)
        if doc is None:
            f1s.append(0.0)
            continue
        got, want = tokens(doc.text), tokens(page.body)
        common = sum((got & want).values())
        precision, recall = common / max(1, sum(got.values())), common / sum(want.values())
        f1s.append(2 * precision * recall / (precision + recall) if common else 0.0)
        titles += doc.title.lower() == page.title.lower()
        dates += doc.date == page.date
    return {"f1": statistics.mean(f1s), "titles": titles, "dates": dates,
            "read": len(corpus.documents), "ms": 1000 * spent / len(pages),
            "problems": corpus.problems}


def report(results: list[dict], ingest: dict | None, pages: list[Page]) -> str:
    templates = sorted({p.template for p in pages})
    lines = [f"{len(pages)} pages ({', '.join(templates)}: {len(pages) // len(templates)} "
             f"each), load average {os.getloadavg()[0]:.1f} at the end.", "",
             "| extractor | precision | recall | F1 | boilerplate tokens leaked / page | "
             "pages F1 < 0.9 | titles right | CPU ms / page (max) | first pass, CPU s |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in results:
        lines.append(f"| {r['name']} | {r['precision']:.3f} | {r['recall']:.3f} | "
                     f"{r['f1']:.3f} | {r['leaked']:.1f} | {len(r['bad'])} | "
                     f"{r['titles']}/{len(pages)} | {r['ms']:.1f} ({r['ms_max']:.1f}) | {r['cold']:.2f} |")
    lines += ["", "F1 by template:", "",
              "| extractor | " + " | ".join(templates) + " |",
              "| --- |" + " ---: |" * len(templates)]
    for r in results:
        lines.append(f"| {r['name']} | " + " | ".join(f"{r['templates'][t]:.3f}"
                                                       for t in templates) + " |")
    if ingest:
        lines += ["", f"`qa.ingest.read_corpus` over the saved pages: {ingest['read']} of "
                  f"{len(pages)} read, F1 {ingest['f1']:.3f}, titles {ingest['titles']}/"
                  f"{len(pages)}, dates {ingest['dates']}/{len(pages)}, {ingest['ms']:.1f} "
                  f"ms CPU per page (reading, decoding, extraction, metadata)."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=30)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--no-doc", action="store_true", help="print, do not write docs/")
    parser.add_argument("--no-qa", action="store_true", help="leave out qa's own reader")
    add_data_argument(parser)
    args = parser.parse_args()
    pages = make_pages(args.data, args.pages, args.seed)
    results = []
    for name, extract in EXTRACTORS.items():
        try:
            results.append(score(name, extract, pages))
        except ImportError as exc:
            print(f"{name}: not installed ({exc})")
    ingest = None if args.no_qa else qa_read(pages)
    text = report(results, ingest, pages)
    print(text)
    for r in results:
        if r["bad"]:
            print(f"{r['name']}: F1 < 0.9 on {', '.join(r['bad'])}")
    if not args.no_doc:
        replace_block(DOC, text, title="# Segmentation", marker="html")


if __name__ == "__main__":
    main()
