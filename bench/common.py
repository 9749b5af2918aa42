"""What the benchmark scripts share: where the data is, the Reuters-21578 reader, and the
writer of a doc page's measured block.

Scripts run as `python bench/NAME.py` from a clone beside the shared data; bench/ is then on
sys.path and `from common import ...` finds this file. The data folder is `--data` on every
script's command line, by default ../shared/data relative to the repository.
"""
from __future__ import annotations

import argparse
import html
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the qa package of this clone, installed or not
    sys.path.insert(0, str(ROOT))

DATA = ROOT.parent / "shared" / "data"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"

_REUTERS = re.compile(r"<REUTERS\b.*?</REUTERS>", re.S)
_BODY = re.compile(r"<BODY>(.*?)</BODY>", re.S)
_TITLE = re.compile(r"<TITLE>(.*?)</TITLE>", re.S)


def add_data_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", type=Path, default=DATA,
                        help=f"the shared data folder (default: {DATA})")


@dataclass(frozen=True)
class ReutersArticle:
    """One <REUTERS> element with a body: its file ("000" for reut2-000.sgm), its position
    among that file's elements (bodiless ones counted), title and body text."""

    file: str
    position: int
    title: str
    body: str


def reuters_articles(data: Path) -> Iterator[ReutersArticle]:
    """Every Reuters-21578 article with a non-empty body, in file order: Latin-1, entities
    unescaped, the ^C end mark dropped (`data` is the shared data folder)."""
    paths = sorted((data / "reuters21578").glob("reut2-*.sgm"))
    if not paths:  # else a corpus maker repeating these articles to N sentences never ends
        raise SystemExit(f"no Reuters-21578 files (reut2-*.sgm) in {data / 'reuters21578'}: "
                         "give the shared data folder with --data")
    for path in paths:
        for k, m in enumerate(_REUTERS.finditer(path.read_text(encoding="latin-1"))):
            body = _BODY.search(m.group())
            if not body:
                continue
            text = html.unescape(body.group(1)).replace("\x03", "").strip()
            if not text:
                continue
            title = _TITLE.search(m.group())
            yield ReutersArticle(path.stem[6:], k, html.unescape(title.group(1)).strip()
                                 if title else "", text)


def replace_block(doc: Path, text: str, title: str = "# Benchmarks", marker: str = "bench"
                  ) -> None:
    """Put `text` between the `bench:` markers of `doc`, keeping the page around them (or
    append it, or start the page with `title`). `marker` names another pair of markers
    (`<!-- said:begin -->`) for a second block on one page."""
    page = doc.read_text(encoding="utf-8") if doc.exists() else ""
    begin, end = BEGIN.replace("bench", marker), END.replace("bench", marker)
    block = f"{begin}\n{text}\n{end}"
    if begin in page and end in page:
        page = page[:page.index(begin)] + block + page[page.index(end) + len(end):]
    else:
        page = (page.rstrip("\n") + "\n\n" if page else title + "\n\n") + block + "\n"
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(page, encoding="utf-8")
    print(f"wrote {doc}", file=sys.stderr)
