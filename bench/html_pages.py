"""Saved news pages made from Reuters-21578 texts, for measuring HTML article extraction.

Each page wraps one Reuters body (its paragraphs as the article) in the boilerplate a saved
news page carries: navigation, a header, a cookie banner, scripts and styles, HTML comments,
a byline and date, share buttons, an in-article advertisement or newsletter box, related
links (other Reuters headlines, so they look like news), reader comments and a footer. Five
templates differ in markup (semantic HTML5, table-and-font layout, div soup with class names
only, a page with JSON-LD and Open Graph metadata, a bare page) so no extractor is measured
on one site's layout. The known body text is what a perfect extractor returns.

Pages are made at run time from the shared data and never stored in the repository:

    python bench/html_pages.py OUT_DIR [--pages 30] [--seed 15]   # writes OUT_DIR/*.html
"""
from __future__ import annotations

import argparse
import html
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from common import ReutersArticle, add_data_argument, reuters_articles

_SIGN_OFF = re.compile(r"\s*\breuters?\s*\Z", re.I)

SECTIONS = ["World", "Business", "Markets", "Technology", "Commodities", "Politics",
            "Energy", "Sports", "Opinion", "Video", "Podcasts", "Live"]
FOOTER_LINKS = ["About us", "Careers", "Contact", "Advertise with us", "Terms of use",
                "Privacy policy", "Cookie settings", "Accessibility", "Sitemap", "Newsletters"]
COOKIE = ("We use cookies and similar technologies to personalise content and adverts, to "
          "provide social media features and to analyse our traffic. By clicking Accept all "
          "you consent to our use of cookies. Manage preferences")
NEWSLETTER = ("Sign up for our daily briefing: the top stories in your inbox every morning. "
              "Enter your email address. Subscribe now")
COMMENTS = ["Great article, thanks for the update!", "This is exactly what I expected to "
            "happen, markets never learn.", "Can someone explain what this means for small "
            "investors?", "Fake news. I will cancel my subscription.", "Interesting read, "
            "but the headline is misleading in my view."]
MIN_WORDS = 80
NAMES = ["Anna Lopez", "David Kim", "Maria Rossi", "John Okafor", "Elena Petrova", "Tom Baker"]


@dataclass(frozen=True)
class Page:
    """A saved page, the article it was made from and what an extractor should return."""

    name: str
    template: str
    html: str
    title: str
    date: str
    body: str  # the paragraphs, joined by blank lines


def paragraphs(body: str) -> list[str]:
    """A Reuters body as paragraphs: new paragraphs start indented, lines are hard-wrapped."""
    body = _SIGN_OFF.sub("", body)
    parts = re.split(r"\n(?:[ \t]+|\n+)", body)
    return [" ".join(p.split()) for p in parts if p.split()]


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _nav(rng: random.Random) -> str:
    items = rng.sample(SECTIONS, 8)
    return "".join(f'<li><a href="/{s.lower()}/">{s}</a></li>' for s in items)


def _related(rng: random.Random, headlines: list[str]) -> list[str]:
    return [h.title() for h in rng.sample(headlines, 5)]


def _comments(rng: random.Random) -> list[tuple[str, str]]:
    return [(rng.choice(NAMES), c) for c in rng.sample(COMMENTS, 3)]


def _head(title: str, extra: str = "") -> str:
    return (f"<head><meta charset=\"utf-8\"><title>{_esc(title)} | The Daily Wire Online"
            f"</title>{extra}<style>body{{font-family:sans-serif}} .nav li{{display:inline}}"
            f"</style><script>window.dataLayer=window.dataLayer||[];function gtag(){{"
            f"dataLayer.push(arguments)}} gtag('config','UA-0000-1');</script></head>")


def semantic(art: dict, rng: random.Random) -> str:
    """HTML5 news page: header/nav, article with byline and share bar, aside, footer."""
    ps = art["paragraphs"]
    ad_at = rng.randrange(1, max(2, len(ps)))
    body = "".join(f"<p>{_esc(p)}</p>" + (
        '<div class="ad-slot"><span>Advertisement</span><p>Scroll to continue reading</p>'
        '</div>' if i == ad_at else "") for i, p in enumerate(ps))
    related = "".join(f'<li><a href="/r/{k}">{_esc(h)}</a></li>'
                      for k, h in enumerate(art["related"]))
    comments = "".join(f'<li class="comment"><b>{n}</b><p>{_esc(c)}</p></li>'
                       for n, c in art["comments"])
    return (f"<!DOCTYPE html><html lang=\"en\">{_head(art['title'])}<body>"
            f'<div id="cookie-banner" class="cookie-consent"><p>{COOKIE}</p>'
            f"<button>Accept all</button><button>Reject</button></div>"
            f'<header class="site-header"><a class="logo" href="/">The Daily Wire Online</a>'
            f'<nav class="nav"><ul>{_nav(rng)}</ul></nav><form role="search"><input '
            f'name="q" placeholder="Search"></form></header>'
            f"<!-- begin article: cms template v3 --><main><article>"
            f"<h1>{_esc(art['title'])}</h1><div class=\"byline\">By {art['author']}, "
            f"Reuters staff</div><time datetime=\"{art['date']}\">{art['date_shown']}</time>"
            f'<div class="share"><a href="#">Share on Facebook</a><a href="#">Share on '
            f'Twitter</a><a href="#">Email</a></div><div class="article-body">{body}</div>'
            f'<p class="tags">Topics: Markets, Business</p></article>'
            f'<aside class="related"><h2>Related coverage</h2><ul>{related}</ul></aside>'
            f'<section class="comments"><h2>Comments (3)</h2><ul>{comments}</ul></section>'
            f"</main><footer><ul>{''.join(f'<li><a href=#>{x}</a></li>' for x in FOOTER_LINKS)}"
            f"</ul><p>&copy; 2026 The Daily Wire Online. All rights reserved.</p></footer>"
            f"<script src=\"/static/app.js\"></script></body></html>")


def tables(art: dict, rng: random.Random) -> str:
    """An old table-and-font layout: paragraphs as <br><br>-separated text in a cell."""
    body = "<br><br>\n".join(_esc(p) for p in art["paragraphs"])
    nav = " | ".join(f'<a href="/{s.lower()}.html">{s}</a>' for s in rng.sample(SECTIONS, 7))
    related = "<br>".join(f'<a href="/r{k}.html">{_esc(h)}</a>'
                          for k, h in enumerate(art["related"]))
    head = _head(art["title"], f'<meta name="date" content="{art["date"]}">')
    return (f"<html>{head}"
            f'<body bgcolor="#ffffff"><table width="100%"><tr><td colspan="2">'
            f'<font size="5"><b>THE DAILY WIRE</b></font><br>{nav}</td></tr>'
            f'<tr><td width="160" valign="top"><font size="2"><b>Top stories</b><br>{related}'
            f"<br><br><b>Weather</b><br>Sunny, 21C</font></td><td valign=\"top\">"
            f"<font size=\"4\"><b>{_esc(art['title'])}</b></font><br><i>{art['date_shown']}"
            f"</i><br><br><font size=\"3\">{body}</font><br><br>"
            f'<a href="/print">Printer-friendly version</a> | <a href="/mail">E-mail this '
            f"story</a></td></tr><tr><td colspan=\"2\"><font size=\"1\">Copyright 2026 The "
            f"Daily Wire. {' | '.join(FOOTER_LINKS[:5])}</font></td></tr></table>"
            f"<!-- tracking pixel --><img src=\"/t.gif\" width=1 height=1></body></html>")


def divsoup(art: dict, rng: random.Random) -> str:
    """Only <div>s with class names, a newsletter box and 'read more' links in the body."""
    ps = art["paragraphs"]
    box_at = rng.randrange(1, max(2, len(ps)))
    blocks = []
    for i, p in enumerate(ps):
        blocks.append(f'<div class="txt-block">{_esc(p)}</div>')
        if i == box_at:
            blocks.append(f'<div class="newsletter-box"><div>{NEWSLETTER}</div></div>')
            blocks.append(f'<div class="read-more">Read more: <a href="/r/0">'
                          f"{_esc(art['related'][0])}</a></div>")
    related = "".join(f'<div class="rel-item"><a href="/r/{k}">{_esc(h)}</a></div>'
                      for k, h in enumerate(art["related"][1:]))
    return (f"<!DOCTYPE html><html>{_head(art['title'])}<body><div class=\"page\">"
            f'<div class="topbar"><div class="menu">{" ".join(rng.sample(SECTIONS, 6))}</div>'
            f'<div class="login">Sign in | Register</div></div>'
            f'<div class="gdpr-notice">{COOKIE}</div><div class="content"><div class="head">'
            f"<div class=\"headline\">{_esc(art['title'])}</div><div class=\"meta\">"
            f"{art['author']} &middot; {art['date_shown']} &middot; 4 min read</div></div>"
            f'<div class="social">Tweet Share Pin</div><div class="story">{"".join(blocks)}'
            f'</div><div class="more-stories"><div>More stories</div>{related}</div></div>'
            f'<div class="bottom">{" &middot; ".join(FOOTER_LINKS)}</div></div>'
            f"<script>(function(){{var s=document.createElement('script');s.src='ads.js';"
            f"document.body.appendChild(s)}})();</script></body></html>")


def structured(art: dict, rng: random.Random) -> str:
    """A page with Open Graph and JSON-LD metadata, a live-updates widget and a video box."""
    meta = (f'<meta property="og:title" content="{_esc(art["title"])}">'
            f'<meta property="article:published_time" content="{art["date"]}T15:01:01Z">'
            f'<script type="application/ld+json">{{"@type":"NewsArticle","headline":'
            f'"{_esc(art["title"])}","datePublished":"{art["date"]}"}}</script>')
    body = "".join(f"<p>{_esc(p)}</p>" for p in art["paragraphs"])
    related = "".join(f'<li><a href="/r/{k}">{_esc(h)}</a></li>'
                      for k, h in enumerate(art["related"]))
    return (f"<!DOCTYPE html><html>{_head(art['title'], meta)}<body>"
            f'<div class="consent-overlay" role="dialog"><p>{COOKIE}</p></div>'
            f'<header><nav><ul>{_nav(rng)}</ul></nav></header>'
            f'<div class="live-ticker"><span>LIVE</span> Stocks: DOW +0.4% NASDAQ -0.1% '
            f"Oil 61.20</div><div class=\"wrapper\"><div class=\"main-col\">"
            f"<h1 class=\"title\">{_esc(art['title'])}</h1><p class=\"dek\">Filed by "
            f"{art['author']} on {art['date_shown']}</p><figure><div class=\"video\">Watch: "
            f"market wrap in 90 seconds</div><figcaption>Video: Daily Wire TV</figcaption>"
            f'</figure><div itemprop="articleBody">{body}</div><div class="share-bar">'
            f'<button>Copy link</button><button>Share</button></div></div>'
            f'<div class="sidebar"><h3>Most read</h3><ol>{related}</ol></div></div>'
            f"<footer><p>{' | '.join(FOOTER_LINKS)}</p></footer></body></html>")


def bare(art: dict, rng: random.Random) -> str:
    """A page saved from a reader view: title and paragraphs with little around them."""
    body = "\n".join(f"<p>{_esc(p)}</p>" for p in art["paragraphs"])
    return (f"<html><head><title>{_esc(art['title'])}</title></head><body>"
            f"<h1>{_esc(art['title'])}</h1>\n{body}\n<p><a href=\"/\">Back to the front "
            f"page</a></p></body></html>")


TEMPLATES: dict[str, Callable[[dict, random.Random], str]] = {
    "semantic": semantic, "tables": tables, "divsoup": divsoup, "structured": structured,
    "bare": bare}


def make_pages(data: Path, count: int = 30, seed: int = 15) -> list[Page]:
    """`count` pages from Reuters articles of three paragraphs and 80 words or more (a news
    story, not a table of quarterly results), chosen with `seed`
    from the whole collection and spread over the templates in turn."""
    articles = [a for a in reuters_articles(data)
                if len(paragraphs(a.body)) >= 3 and len(a.body.split()) >= MIN_WORDS]
    rng = random.Random(seed)
    chosen: list[ReutersArticle] = rng.sample(articles, count)
    headlines = [a.title for a in articles if a.title][:2000]
    names = list(TEMPLATES)
    pages = []
    for k, article in enumerate(chosen):
        day = rng.randrange(1, 29)
        month = rng.choice(["Feb", "Mar", "Apr"])
        date = f"1987-{['Feb', 'Mar', 'Apr'].index(month) + 2:02d}-{day:02d}"
        ps = paragraphs(article.body)
        art = {"title": article.title.title(), "paragraphs": ps, "author": rng.choice(NAMES),
               "date": date, "date_shown": f"{month} {day}, 1987",
               "related": _related(rng, headlines), "comments": _comments(rng)}
        template = names[k % len(names)]
        pages.append(Page(f"{k:02d}-{template}", template, TEMPLATES[template](art, rng),
                          art["title"], date, "\n\n".join(ps)))
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path, help="folder to write the pages to")
    parser.add_argument("--pages", type=int, default=30)
    parser.add_argument("--seed", type=int, default=15)
    add_data_argument(parser)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for page in make_pages(args.data, args.pages, args.seed):
        (args.out / f"{page.name}.html").write_text(page.html, encoding="utf-8")
    print(f"wrote {args.pages} pages to {args.out}")


if __name__ == "__main__":
    main()
