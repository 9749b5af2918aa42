"""The stdlib reference for HTML article extraction: what a small html.parser reader does.

It drops scripts, styles and the page furniture that semantic tags name (nav, header,
footer, aside, form) or class/id names give away (cookie, share, related, comment, ...),
cuts the rest into blocks at block-level tags and keeps the blocks of eight words or more.
A library has to clearly beat this to be worth a dependency.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

_SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "nav", "header", "footer",
              "aside", "form", "button", "iframe", "select", "figure", "head"}
_VOID = {"br", "img", "meta", "input", "link", "hr", "area", "base", "col", "embed",
         "source", "track", "wbr", "param"}
_BLOCK = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "td", "tr",
          "table", "article", "section", "blockquote", "pre", "main", "dd", "dt"}
# Class and id words common on news sites, none taken from bench/html_pages.py's templates
# alone (that would tune the baseline to the test pages).
_FURNITURE = re.compile(r"cookie|consent|share|social|related|comment|newsletter|subscribe|"
                        r"advert|\bad\b|\bads?-|promo|sidebar|menu|\bnav|footer|header|"
                        r"byline|banner", re.I)
MIN_WORDS = 8


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.skip_tag = ""
        self.skip_depth = 0
        self.title: list[str] = []
        self.in_title = False

    def _flush(self) -> None:
        text = " ".join("".join(self.current).split())
        if text:
            self.blocks.append(text)
        self.current = []

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self.in_title = True
        if self.skip_depth:
            if tag == self.skip_tag:
                self.skip_depth += 1
            return
        names = " ".join(v or "" for k, v in attrs if k in ("class", "id", "role"))
        if tag in _SKIP_TAGS or (names and _FURNITURE.search(names)):
            if tag not in _VOID:
                self.skip_tag, self.skip_depth = tag, 1
            return
        if tag in _BLOCK:
            self._flush()

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        if self.skip_depth:
            if tag == self.skip_tag:
                self.skip_depth -= 1
            return
        if tag in _BLOCK:
            self._flush()

    def handle_data(self, data):
        if self.in_title:
            self.title.append(data)
        if not self.skip_depth:
            self.current.append(data)


def extract(page: str) -> tuple[str, str]:
    """(article text as paragraphs joined by blank lines, the page's <title>)."""
    reader = _Reader()
    reader.feed(page)
    reader.close()
    reader._flush()
    kept = [b for b in reader.blocks if len(b.split()) >= MIN_WORDS]
    return "\n\n".join(kept), " ".join("".join(reader.title).split())
