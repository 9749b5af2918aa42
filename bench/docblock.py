"""Write a benchmark's figures between the `bench:begin` / `bench:end` markers of a doc page."""
from __future__ import annotations

from pathlib import Path

BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def replace_block(doc: Path, text: str, title: str = "# Benchmarks") -> None:
    """Put `text` between the markers of `doc`, keeping the page around them (or append it)."""
    page = doc.read_text(encoding="utf-8") if doc.exists() else ""
    block = f"{BEGIN}\n{text}\n{END}"
    if BEGIN in page and END in page:
        page = page[:page.index(BEGIN)] + block + page[page.index(END) + len(END):]
    else:
        page = (page.rstrip("\n") + "\n\n" if page else title + "\n\n") + block + "\n"
    doc.write_text(page, encoding="utf-8")
