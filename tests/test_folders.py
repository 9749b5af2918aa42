"""Folders as users keep them: nested names, an index inside the corpus, a corpus for one run,
Reuters SGML, and what was skipped said in one line."""
import io
import json
import shutil
from pathlib import Path

from qa.progress import Progress

SGM = Path(__file__).parent / "data" / "reut2-mini.sgm"


def ids_of(qa, *args):
    r = qa("sentences", "--json", *args)
    assert r.code == 0, r.err
    return {json.loads(line)["doc"] for line in r.out.splitlines()}


def test_files_of_the_same_name_in_two_folders_are_both_indexed(workdir, qa):
    for folder, place in (("a", "Raqqa"), ("b", "Mosul")):
        (workdir / "seeds" / folder).mkdir()
        (workdir / "seeds" / folder / "x.txt").write_text(f"The convoy reached {place} at dawn.")
    r = qa("index")
    assert r.code == 0 and "already used" not in r.err
    assert {"a/x", "b/x"} <= ids_of(qa)
    hits = json.loads(qa("ask", "--json", "--doc", "b/x", "convoy").out)["hits"]
    assert [h["doc"] for h in hits] == ["b/x"] and "Mosul" in hits[0]["text"]


def test_an_index_inside_its_corpus_is_not_read_as_articles(workdir, qa):
    index = workdir / "seeds" / "index"
    first = qa("ask", "--index", str(index), "al-Mayadin")
    assert first.code == 0 and "building the index" in first.err
    again = qa("ask", "--index", str(index), "al-Mayadin")
    assert again.code == 0 and again.err == ""
    assert ids_of(qa, "--index", str(index)) == {"000_c9ff2a859012aa2b"}


def test_corpus_flag_applies_to_that_run_only(workdir, qa, tmp_path_factory):
    other = tmp_path_factory.mktemp("wire")
    (other / "w.txt").write_text("The harbour of Tartus was closed on Monday.")
    assert qa("ask", "al-Mayadin").code == 0
    once = qa("ask", "--corpus", str(other), "--json", "Tartus harbour")
    assert once.code == 0 and "building the index" in once.err
    assert "runs naming no corpus keep" in once.err
    assert {h["doc"] for h in json.loads(once.out)["hits"]} == {"w"}
    later = qa("ask", "--json", "al-Mayadin")
    assert later.code == 0
    assert {h["doc"] for h in json.loads(later.out)["hits"]} == {"000_c9ff2a859012aa2b"}


def test_an_empty_folder_does_not_replace_a_good_index(workdir, qa, tmp_path_factory):
    assert qa("index").code == 0
    empty = tmp_path_factory.mktemp("empty")
    (empty / "notes.csv").write_text("a,b\n")
    r = qa("index", str(empty))
    assert r.code == 2 and "no articles" in r.err and "was kept" in r.err
    assert "1 .csv file (not an article format)" in r.err
    assert qa("ask", "al-Mayadin").code == 0


def test_a_folder_without_articles_is_an_error_and_makes_no_index(workdir, qa,
                                                                    tmp_path_factory):
    """A wrong folder or extension must say so, not build an index that answers every
    question with "no matching sentence"."""
    empty = tmp_path_factory.mktemp("notes")
    (empty / "notes.csv").write_text("a,b\n")
    for args in (("index", str(empty), "--index", "new"),
                 ("ask", "--corpus", str(empty), "--index", "new", "oil prices")):
        r = qa(*args)
        assert r.code == 2 and r.out == "", r
        assert r.err.count("\n") == 1 and "no articles in" in r.err and ".html" in r.err
        assert "1 .csv file (not an article format)" in r.err
        assert not (workdir / "new").exists()


def test_what_was_skipped_is_summed_up(workdir, qa):
    seeds = workdir / "seeds"
    (seeds / "table.csv").write_text("a,b\n")
    (seeds / "scan.pdf").write_bytes(b"%PDF-1.4")
    (seeds / "old.txt").write_bytes("caf\xe9".encode("latin-1"))
    r = qa("index")
    assert r.code == 0
    summary = [line for line in r.err.splitlines() if line.startswith("qa: skipped")]
    assert summary == ["qa: skipped 1 .csv file (not an article format); 1 .pdf file (not an "
                       "article format); 1 file not UTF-8"]  # was "1 files not UTF-8"


def test_reuters_sgml_is_read_one_article_per_element(workdir, qa):
    shutil.copy(SGM, workdir / "seeds")
    r = qa("index")
    assert r.code == 0 and "1 Reuters element without a body" in r.err
    lines = [json.loads(x) for x in qa("sentences", "--json", "--doc", "reut2-mini/3").out
             .splitlines()]
    assert lines and "Zürich" in lines[-1]["text"]
    hits = json.loads(qa("ask", "--json", "how many bags arrived?").out)["hits"]
    top = hits[0]
    assert top["doc"] == "reut2-mini/1" and "155,221 bags" in top["text"]
    assert "<tonnes>" in top["text"] and "&lt;" not in top["text"]
    assert (top["date"], top["dateline"]) == ("1987-02-26", "SALVADOR")
    assert "reut2-mini/2" not in ids_of(qa)


def test_a_vanished_corpus_folder_says_what_to_do(workdir, qa, tmp_path_factory):
    wire = tmp_path_factory.mktemp("wire")
    (wire / "w.txt").write_text("The harbour of Tartus was closed on Monday.")
    assert qa("index", str(wire)).code == 0
    shutil.rmtree(wire)
    r = qa("ask", "harbour")
    assert r.code == 2 and len(r.err.strip().splitlines()) == 1
    assert "is gone" in r.err and "--corpus" in r.err and "qa index PATH" in r.err


def test_progress_is_shown_only_for_work_that_takes_a_while():
    quiet = io.StringIO()
    with Progress("indexing", stream=quiet, delay=60) as progress:
        progress(10, 100)
    assert quiet.getvalue() == ""
    shown = io.StringIO()
    with Progress("indexing", stream=shown, delay=0, every=0) as progress:
        progress(25 << 20, 100 << 20)
    assert shown.getvalue().startswith("qa: indexing 25% (26 of 105 MB")
