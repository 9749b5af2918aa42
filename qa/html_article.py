"""A saved news page (`.html`, `.htm`) as an article: its body text, headline and date.

The body comes from trafilatura, which drops navigation, cookie banners, share bars, related
links and comments: on 30 pages made from Reuters-21578 bodies in five page templates it
scored token F1 0.943 against 0.892 for a small html.parser reader (bench/bench_html.py,
docs/SEGMENTATION.md). Headline and date come from the page's own tags (Open Graph,
`article:published_time`, JSON-LD `datePublished`, `<time datetime>`, `<h1>`, `<title>`)
read with lxml, so trafilatura's date guessing, which loads a date parser costing seconds, is
never run.

The page is text to read, never markup to act on: scripts and styles are dropped, entities
are decoded once, and what comes out is plain text. Control characters other than newline
and tab are removed from it. A page over `MAX_HTML_CHARS` is refused rather than parsed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .metadata import iso_date

MAX_HTML_CHARS = 20_000_000  # ~20 MB of markup: far past any news page, bounded work
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_JSON_LD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]{0,40})"')
_DATE_META = ("article:published_time", "datepublished", "date", "pubdate",
              "publishdate", "dc.date", "dc.date.issued", "og:published_time")


_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([A-Za-z0-9_.:-]{1,40})""", re.I)


def decode_page(data: bytes) -> str | None:
    """A page that is not UTF-8 in the charset its `<meta>` names (windows-1252, ISO-8859-x,
    ...), or None when it names none Python knows."""
    import codecs

    found = _CHARSET.search(data[:8192])
    if not found:
        return None
    try:
        codec = codecs.lookup(found.group(1).decode("ascii"))
    except LookupError:
        return None
    if codec.name in ("utf-8", "utf-8-sig"):
        return None
    try:  # a page may name any codec: rot13, zlib, base64 are no text encodings (the
        # LookupError stopped the whole build), idna and punycode fail on other bytes
        text = data.decode(codec.name, errors="replace")
    except (LookupError, UnicodeError, ValueError, TypeError):
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


class HtmlError(Exception):
    """A page that gives no article: why, in a few words."""


@dataclass(frozen=True)
class HtmlArticle:
    title: str
    date: str  # YYYY-MM-DD, or "" when the page gives none
    text: str  # paragraphs separated by blank lines
    note: str = ""  # what of the page was not read, for a warning


# libxml2 (under lxml, under trafilatura) stops at this depth of elements and drops the rest of
# the page: a page nested deeper came out empty, or cut short without a word. Such a page is
# parsed again with the limit raised to HUGE_DEPTH (bounded work: trafilatura's time grows with
# the depth, ~1.5 s at 2,000); beyond that what lies deeper is not read, and the warning says so.
LXML_DEPTH, HUGE_DEPTH = 255, 2048


def read_html(page: str) -> HtmlArticle:
    """The article in `page`; HtmlError says why there is none."""
    if len(page) > MAX_HTML_CHARS:
        raise HtmlError(f"page too big to read as HTML ({len(page) / 1e6:,.0f} million "
                        f"characters; the limit is {MAX_HTML_CHARS / 1e6:,.0f} million)")
    head = _head_fields(page)
    text, cut = _body_text(page, deep=head.depth >= LXML_DEPTH - 1)
    title = _clean(head.title)
    paragraphs = [p for p in (_clean(line) for line in text.split("\n")) if p]
    if paragraphs and title and paragraphs[0].lower() == title.lower():
        paragraphs = paragraphs[1:]  # the headline is the title, not the first paragraph
    too_deep = f"nested more than {HUGE_DEPTH:,} elements deep" if cut else ""
    if not paragraphs:
        raise HtmlError("no article text found in the page"
                        + (f" (it is {too_deep}; what lies deeper is not read)" if cut else ""))
    return HtmlArticle(title, head.date, "\n\n".join(paragraphs),
                       f"the page is {too_deep}: what lies deeper is not indexed" if cut else "")


def _clean(text: str) -> str:
    return " ".join(_CONTROL.sub("", text).split())


def _body_text(page: str, deep: bool = False) -> tuple[str, bool]:
    """The page's article text, and whether the page was cut at HUGE_DEPTH. A `deep` page
    (one libxml2 read to LXML_DEPTH, where it stops: `_head_fields`) is parsed here with the
    limit raised, and the tree handed to trafilatura."""
    import trafilatura  # only a corpus with pages loads it (~0.15 s)

    cut = False
    try:
        if deep:
            page, cut = _deep_tree(page)
        found = trafilatura.bare_extraction(page, include_comments=False, include_tables=False,
                                            with_metadata=False)
    except Exception as exc:  # noqa: BLE001 - a page the library cannot parse is skipped
        raise HtmlError(f"could not be read as HTML ({type(exc).__name__})") from None
    return ((found.text or "") if found is not None else ""), cut


def _deep_tree(page: str):
    """`page` parsed as trafilatura parses it, but to a depth of HUGE_DEPTH; and whether
    libxml2 stopped there."""
    from lxml.html import HTMLParser, fromstring

    parser = HTMLParser(collect_ids=False, default_doctype=False, encoding="utf-8",
                        remove_comments=True, remove_pis=True, huge_tree=True)
    tree = fromstring(page.encode("utf-8", "surrogatepass"), parser=parser)
    return tree, any("Excessive depth" in error.message for error in parser.error_log)


@dataclass
class _Head:
    og_title: str = ""
    h1: str = ""
    title: str = ""
    date: str = ""
    depth: int = 0  # how deep elements nest, as libxml2 read them (it stops at LXML_DEPTH)


def _head_fields(page: str) -> _Head:
    """Headline, date and depth of `page`, from the tags that carry them, read with lxml
    (libxml2, in C: linear in the page). html.parser, used before, takes time growing faster
    than the square of the length on some broken markup: "<a " 20,000 times (60 KB) took 27 s,
    40,000 times 171 s, and a build stopped on one such page."""
    from lxml import etree
    from lxml.html import HTMLParser, document_fromstring

    found = _Head()
    parser = HTMLParser(collect_ids=False, default_doctype=False, encoding="utf-8",
                        remove_comments=True, remove_pis=True)
    try:
        root = document_fromstring(page.encode("utf-8", "surrogatepass"), parser=parser)
    except (etree.LxmlError, ValueError):  # nothing to read ("Document is empty"): no metadata
        root = None
    depth = 0
    for event, element in etree.iterwalk(root, events=("start", "end")) if root is not None \
            else ():
        if event == "end":
            depth -= 1
            continue
        depth += 1
        found.depth = max(found.depth, depth)
        _read_tag(found, element)
    found.title = found.og_title or found.h1 or _site_cut(found.title)
    if not found.date:
        match = _JSON_LD_DATE.search(page)
        found.date = iso_date(match.group(1)) if match else ""
    return found


def _read_tag(found: _Head, element) -> None:
    """What `element` says of the headline or the date, if no earlier tag said it."""
    tag = element.tag
    if tag == "meta":
        key = (element.get("property") or element.get("name") or element.get("itemprop")
               or "").lower()
        if key == "og:title" and not found.og_title:
            found.og_title = _clean(element.get("content") or "")
        elif key in _DATE_META and not found.date:
            found.date = iso_date(element.get("content") or "")
    elif tag == "time" and not found.date:
        found.date = iso_date(element.get("datetime") or "")
    elif tag == "title" and not found.title:
        found.title = _clean(element.text_content()[:1000])
    elif tag == "h1" and not found.h1:
        found.h1 = _clean(element.text_content()[:1000])


def _site_cut(title: str) -> str:
    """"Headline | Site name" -> "Headline"."""
    return title.split(" | ")[0] if " | " in title else title
