"""Saved news pages (`.html`, `.htm`) as articles: the body without the page around it, the
headline and date from the page's tags, untrusted text kept as text, and a page with nothing
to read skipped with its reason."""
import io
import json
import shutil
from pathlib import Path

PAGES = Path(__file__).parent / "data" / "pages"


def add_pages(workdir, *names):
    for name in names:
        shutil.copy(PAGES / name, workdir / "seeds")


def sentences(qa, doc):
    r = qa("sentences", "--json", "--doc", doc)
    assert r.code == 0, r.err
    return [json.loads(line)["text"] for line in r.out.splitlines()]


def test_a_page_is_read_without_its_navigation_banner_scripts_or_comments(workdir, qa):
    add_pages(workdir, "harbour.html")
    assert qa("index").code == 0
    text = " ".join(sentences(qa, "harbour"))
    assert "grain carrier from Odessa" in text and "two warehouses" in text
    for furniture in ("cookie", "Accept all", "Business", "Share on", "Related stories",
                      "Wheat prices", "good news for the port workers", "Privacy policy",
                      "dataLayer", "display: inline", "template v2"):
        assert furniture not in text, furniture
    hits = json.loads(qa("ask", "--json", "when will the backlog be cleared?").out)["hits"]
    top = hits[0]
    assert top["doc"] == "harbour" and "by Friday" in top["text"]
    assert top["date"] == "2024-03-05" and top["dateline"].startswith("TARTUS")


def test_the_session_lists_a_page_by_its_headline(tmp_path, monkeypatch):
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from qa import repl
    from qa.api import open_index
    from qa.config import locate
    from qa.render import make_console

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    (tmp_path / "pages").mkdir()
    shutil.copy(PAGES / "harbour.html", tmp_path / "pages")
    location = locate(index=str(tmp_path / "idx"), corpus=[str(tmp_path / "pages")], env={})
    open_index(location, notify=lambda m: None)
    out = io.StringIO()
    with create_pipe_input() as keys:
        keys.send_text("/docs reopens\r\x04")
        repl.run(input=keys, output=DummyOutput(), console=make_console(file=out),
                 location=location)
    assert "harbour  2024-03-05  TARTUS (Reuters)" in out.getvalue()
    assert "Tartus harbour reopens after the storm" in out.getvalue()


def test_an_htm_page_in_an_old_table_layout_gives_its_date_and_body(workdir, qa):
    add_pages(workdir, "dam.htm")
    assert qa("index").code == 0
    text = " ".join(sentences(qa, "dam"))
    assert "lowered by half a metre" in text
    top = json.loads(qa("ask", "--json", "how long will the dam inspection take?").out)["hits"][0]
    assert top["doc"] == "dam" and "two weeks" in top["text"]
    assert top["date"] == "2023-11-20"


def test_a_page_with_no_article_text_is_skipped_with_its_reason(workdir, qa):
    add_pages(workdir, "app-shell.html", "harbour.html")
    r = qa("index")
    assert r.code == 0
    assert "app-shell.html: skipped: no article text found in the page" in r.err
    assert "1 page without article text" in r.err
    assert "app-shell" not in {json.loads(line)["doc"]
                               for line in qa("sentences", "--json").out.splitlines()}


def test_a_page_too_big_is_refused_by_name_and_the_rest_indexed(workdir, qa, monkeypatch):
    monkeypatch.setattr("qa.html_article.MAX_HTML_CHARS", 1000)
    add_pages(workdir, "harbour.html", "dam.htm")
    r = qa("index")
    assert r.code == 0
    assert "harbour.html: skipped: page too big to read as HTML" in r.err
    assert len([line for line in r.err.splitlines() if "harbour.html" in line]) == 1
    assert "lowered by half a metre" in " ".join(sentences(qa, "dam"))


def test_text_of_a_page_is_never_markup_nor_terminal_control(workdir, qa):
    add_pages(workdir, "odd.html")
    assert qa("index").code == 0
    text = " ".join(sentences(qa, "odd"))
    assert "not text" not in text  # the script
    assert "<b>bold</b>" in text and "[bold red]loud[/bold red]" in text  # shown as written
    r = qa("ask", "sugar label Latakia")
    assert r.code == 0 and "[bold red]loud[/bold red]" in r.out and "<b>bold</b>" in r.out
    for raw in ("\x1b", "\u202e", "\x07"):
        assert raw not in r.out and raw not in r.err
    out = qa("ask", "--json", "sugar label Latakia").out
    assert "\u202e" not in out and "\x1b" not in out and "[bold red]loud" in out
    assert json.loads(out)["hits"][0]["doc"] == "odd"


def test_a_page_in_the_charset_its_meta_names_is_read(workdir, qa):
    page = ('<html><head><meta http-equiv="Content-Type" content="text/html; '
            'charset=windows-1252"><title>Caf\xe9 owners</title></head><body><article>'
            '<p>The caf\xe9 owners of Z\xfcrich met on Monday and agreed to keep their '
            'terraces open until midnight \u2013 a first for the city, they said.</p>'
            '</article></body></html>')
    (workdir / "seeds" / "cafe.html").write_bytes(page.encode("cp1252"))
    (workdir / "seeds" / "bytes.html").write_bytes(b"<p>caf\xe9 with no charset named</p>")
    r = qa("index")
    assert r.code == 0 and "bytes.html: skipped: not UTF-8" in r.err
    assert "café owners of Zürich" in " ".join(sentences(qa, "cafe"))
    assert "midnight \u2013 a first" in " ".join(sentences(qa, "cafe"))
