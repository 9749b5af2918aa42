"""Reuters-21578 bodies as qa `.jsonl` corpora of a given number of sentences.

Each <BODY> of each <REUTERS> (Latin-1) is one article. To reach a size larger than Reuters
itself the articles are repeated with distinct ids ("r1-000-17" is the second pass over
reut2-000's 18th body). Sentences are counted with qa's own splitter; the last article is kept
whole, so a corpus asked for N sentences holds N or a few more.
"""
from __future__ import annotations

import json
from pathlib import Path

from common import DATA, reuters_articles as read_reuters


def reuters_articles(data: Path = DATA) -> list[tuple[str, str, str, int]]:
    """(id, title, body, sentence count) of every Reuters article with a body, in file order
    (`data` is the shared data folder)."""
    from qa.ingest import _read_article
    from qa.segment import split_document

    out = []
    for article in read_reuters(data):
        doc_id = f"{article.file}-{article.position}"
        doc = _read_article(Path("x.jsonl"), article.body, doc_id, article.title)
        count = len(split_document(doc))
        if count:
            out.append((doc_id, article.title, article.body, count))
    return out


def write_corpus(articles: list[tuple[str, str, str, int]], sentences: int, folder: Path,
                 per_file: int = 20000) -> int:
    """Write articles (repeated as needed) into `folder`/*.jsonl until `sentences` are
    reached; returns how many sentences were written."""
    if not any(count for *_, count in articles):
        raise SystemExit("no articles with sentences to write: nothing to repeat")
    folder.mkdir(parents=True, exist_ok=True)
    total, written, part = 0, 0, 0
    out = None
    repeat = 0
    while total < sentences:
        for doc_id, title, text, count in articles:
            if total >= sentences:
                break
            if out is None or written >= per_file:
                if out:
                    out.close()
                out = open(folder / f"part-{part:04d}.jsonl", "w", encoding="utf-8")
                part, written = part + 1, 0
            out.write(json.dumps({"id": f"r{repeat}-{doc_id}", "title": title, "text": text},
                                 ensure_ascii=False) + "\n")
            written += 1
            total += count
        repeat += 1
    if out:
        out.close()
    return total
