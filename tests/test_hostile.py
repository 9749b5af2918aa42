"""Hostile and careless use of `qa`, as the user meets it (sixth session's attack): each test
fails on the main it was written against and asserts what the user sees."""
from __future__ import annotations

import json
import re
import shutil

import pytest

from conftest import SEED


@pytest.fixture(autouse=True)
def private_history(tmp_path, monkeypatch):
    """The session's history in a scratch folder, never the user's."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


@pytest.fixture(scope="module")
def seed_built(tmp_path_factory):
    """A folder with seeds/ and its index, built once; `home` gives each test it a fresh copy
    of that index in the same place (a build costs seconds on a loaded machine)."""
    from qa.index.writer import build

    folder = tmp_path_factory.mktemp("hostile")
    (folder / "seeds").mkdir()
    shutil.copy(SEED, folder / "seeds")
    build([folder / "seeds"], folder / "built")
    return folder


@pytest.fixture
def home(seed_built, monkeypatch):
    """seed_built as the working folder, its index a copy of the one built (copied files are
    checked by their content, as an index copied by a user is)."""
    shutil.rmtree(seed_built / "index", ignore_errors=True)
    shutil.copytree(seed_built / "built", seed_built / "index", symlinks=True)
    monkeypatch.chdir(seed_built)
    for name in ("QA_INDEX", "QA_CORPUS", "NO_COLOR", "FORCE_COLOR", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)
    return seed_built


@pytest.mark.parametrize("sources", [1.5, [{"path": []}]])
def test_a_manifest_with_a_damaged_list_of_sources_is_rebuilt_not_a_traceback(
        home, qa, sources):
    path = home / "index" / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["sources"] = sources
    path.write_text(json.dumps(manifest))
    r = qa("ask", "how far from al-Mayadin?")  # was a TypeError or KeyError traceback
    assert r.code == 0 and "10 km" in r.out
    assert "manifest.json is corrupt (its list of sources)" in r.err


HIDDEN = {"bidi": "\u202e", "zero-width space": "\u200b", "word joiner": "\u2060",
          "tag": "\U000e0041", "byte-order mark": "\ufeff"}


@pytest.fixture
def hidden_names(workdir):
    """An article whose file name and text hold every invisible or reordering character."""
    marks = "".join(HIDDEN.values())
    (workdir / "seeds" / f"rep{marks}ort.txt").write_text(
        f"The mayor said the ferry{marks} carried 40 cars.\n", encoding="utf-8")
    return marks


def test_invisible_characters_are_shown_in_text_and_escaped_in_json(hidden_names, qa):
    r = qa("ask", "how many cars did the ferry carry?")
    assert r.code == 0 and "40 cars" in r.out
    for name, char in HIDDEN.items():  # U+200B, U+2060, tags ... passed raw, unseen
        assert char not in r.out and char not in r.err, name
    assert "rep\ufffd\ufffd\ufffd\ufffd\ufffdort" in r.out  # one stand-in each, offsets kept
    r = qa("ask", "--json", "how many cars did the ferry carry?")
    hit = json.loads(r.out)["hits"][0]
    assert hit["doc"] == f"rep{hidden_names}ort" and hidden_names in hit["text"]
    for char in HIDDEN.values():
        assert char not in r.out
    assert "\\u200b\\u2060\\udb40\\udc41\\ufeff" in r.out


def test_the_sessions_completion_menu_shows_ids_safely(hidden_names, workdir):
    import io

    from prompt_toolkit.data_structures import Size
    from test_repl import CTRL_D, MENU, TAB, _Screen, drive_slowly

    from qa.api import open_index
    from qa.config import locate

    location = locate(index=str(workdir / "index"), corpus=[str(workdir / "seeds")], env={})
    open_index(location, notify=lambda m: None)
    screen = io.StringIO()
    output = _Screen(screen, lambda: Size(rows=24, columns=100), term="xterm")
    drive_slowly(location, "/doc rep", MENU, TAB, "\x15", CTRL_D, output=output)
    drawn = screen.getvalue()
    assert "rep\ufffd\ufffd\ufffd\ufffd\ufffdort" in drawn  # the menu's entry
    for name, char in HIDDEN.items():  # U+202E reached the terminal and reordered the line
        assert char not in drawn, name


def _jsonl(folder, *records) -> None:
    with open(folder / "wire.jsonl", "w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record) + "\n")


def test_a_jsonl_date_cannot_write_escapes_through_qa_said(workdir, qa):
    _jsonl(workdir / "seeds", {"id": "a", "text": "The mayor said the ferry was late.",
                               "date": "\x1b]0;pwned\x07\x1b[2J\u202e"})
    errors = ""
    for command in (("said", "mayor"), ("sources",), ("ask", "was the ferry late?")):
        r = qa(*command)  # `qa said` printed the date raw: title set, screen cleared
        assert r.code == 0 and "\x1b" not in r.out and "\u202e" not in r.out, command
        assert "\x1b" not in r.err and "\u202e" not in r.err, command
        errors += r.err
    assert 'wire.jsonl:1: "date"' in errors and "is not a date (YYYY-MM-DD)" in errors


def test_impossible_or_free_text_dates_are_not_dates(workdir, qa):
    (workdir / "seeds" / "note.txt").write_text("date 2017-99-99\nThe mayor said nine.\n")
    _jsonl(workdir / "seeds",
           {"id": "far", "text": "The mayor said one.", "date": "9999-99-99"},
           {"id": "feb", "text": "The mayor said two.", "date": "2018-02-30"},
           {"id": "words", "text": "The mayor said three.", "date": "October 6, 2017"},
           {"id": "iso", "text": "The mayor said four.", "date": "2017-10-06T12:00:00Z"},
           {"id": "old", "text": "The mayor said five.", "date": "2016-01-01"})
    r = qa("said", "--all", "mayor")  # newest first: 9999-99-99 and 2018-02-30 came first
    headers = [line for line in r.out.splitlines() if " sentence " in line]
    assert headers[:2] == ["2017-10-06  iso  sentence 0", "2016-01-01  old  sentence 0"]
    assert all(line.startswith("(no date)") for line in headers[2:]) and len(headers) == 6
    for kept in ("'9999-99-99'", "'2018-02-30'", "'October 6, 2017'"):
        assert f"{kept} is not a date (YYYY-MM-DD); the article is kept without one" in r.err
    r = qa("sources")  # the range ran into the name: "2016-01-01..9999-99-99mayor"
    assert "     6  2016-01-01..2017-10-06  mayor" in r.out.splitlines()


def _squad(path, context="The army reached al-Mayadin on Friday. Rebels fled to the east."):
    path.write_text(json.dumps({"data": [{"title": "t", "paragraphs": [{"context": context, "qas": [
        {"id": "1", "question": "Where did the rebels flee?",
         "answers": [{"text": "east", "answer_start": 0}]}]}]}]}))


def test_qa_eval_never_overwrites_a_file_of_the_users_in_its_index_folder(workdir, qa):
    mine = workdir / "squad-articles.jsonl"
    mine.write_text('{"id": "my own notes"}\n')
    _squad(workdir / "dev.json")
    r = qa("eval", "dev.json", "--index", ".")  # overwrote ./squad-articles.jsonl
    assert r.code == 2 and r.err.count("\n") == 1
    assert ". is not a folder qa eval made (it holds files qa did not make)" in r.err
    assert mine.read_text() == '{"id": "my own notes"}\n'
    for _ in range(2):  # a new folder is qa's: a second run may write there again
        r = qa("eval", "dev.json", "--index", "scores", "--json")
        assert r.code == 0 and json.loads(r.out)["qa"]["P@1"] == 1.0


def test_a_squad_file_of_the_wrong_shape_is_one_line_not_a_traceback(workdir, qa):
    _squad(workdir / "dev.json", context=5)
    r = qa("eval", "dev.json")  # was a TypeError traceback
    assert r.code == 2 and r.err.count("\n") == 1
    assert "dev.json: not a SQuAD JSON file as expected" in r.err


@pytest.mark.parametrize("command", ["index", "ask"])
def test_an_index_path_that_is_a_file_is_named_as_not_a_folder(workdir, qa, command):
    notes = workdir / "notes.txt"
    notes.write_text("my notes\n")
    args = ("index", "--index", "notes.txt") if command == "index" else \
        ("ask", "--index", "notes.txt", "how far from al-Mayadin?")
    r = qa(*args)  # "cannot write index in notes.txt: File exists" (qa ask then answered
    assert r.code == 2  # from a temporary index with that as a warning)
    assert r.err == "qa: error: notes.txt is not a folder; choose a new or empty folder " \
                    "with --index\n"
    assert notes.read_text() == "my notes\n"


def _qa_process(home, *args, **options):
    import subprocess
    import sys

    from test_output import environment

    return subprocess.run([sys.executable, "-m", "qa.cli", *args], cwd=home, env=environment(),
                          stderr=subprocess.PIPE, text=True, timeout=120, **options)


@pytest.mark.skipif(not __import__("os").path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("args", [("ask", "how far from al-Mayadin?"),
                                  ("ask", "--json", "-"), ("sources", "--json")])
def test_output_to_a_full_disk_is_one_line_and_status_2(home, args):
    with open("/dev/full", "w") as full:  # `qa ask - > answers.txt` with the disk full
        run = _qa_process(home, *args, stdout=full, input="how far from al-Mayadin?\n"
                          if "-" in args else None)
    assert run.stderr == "qa: error: cannot write the output: No space left on device\n"
    assert run.returncode == 2  # was a traceback and status 1, "nothing matched"


@pytest.mark.parametrize("args", [("ask", "-"), ()])
def test_a_closed_standard_input_is_one_line_not_a_traceback(home, args):
    import os
    import subprocess

    run = _qa_process(home, *args, stdout=subprocess.PIPE, preexec_fn=lambda: os.close(0))
    assert run.stderr == "qa: error: no standard input to read questions from (it is closed)\n"
    assert run.returncode == 2


@pytest.mark.parametrize("charset", ["rot13", "zlib", "punycode"])
def test_a_page_naming_a_codec_that_is_no_text_encoding_is_skipped_not_the_build(
        workdir, qa, charset):
    page = (f'<html><head><meta charset="{charset}"><title>T\xe9st</title></head><body><p>'
            "The minister said the port would open next year.</p></body></html>")
    (workdir / "seeds" / "page.html").write_bytes(page.encode("latin-1"))
    r = qa("ask", "how far from al-Mayadin?")  # the whole build stopped: LookupError
    assert r.code == 0 and "10 km" in r.out and "Traceback" not in r.err
    assert "page.html: skipped: not UTF-8" in r.err


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_output_in_a_locale_that_cannot_encode_the_text_is_not_a_traceback(home, encoding):
    import subprocess
    import sys

    from test_output import environment

    def run(*args):
        return subprocess.run([sys.executable, "-m", "qa.cli", "ask", *args,
                               "how far from al-Mayadin?"], cwd=home, capture_output=True,
                              env=environment(PYTHONIOENCODING=encoding), timeout=120)

    text = run("-k", "3")  # the seed's "Syria’s": a UnicodeEncodeError traceback, status 1
    assert text.returncode == 0 and text.stderr == b""
    assert b"Syria?s army" in text.stdout  # shown as "?", as the locale allows
    data = run("--json", "-k", "3")  # escaped, so the values arrive whole
    hits = json.loads(data.stdout.decode("ascii"))["hits"]
    assert data.returncode == 0 and any("Syria\u2019s army" in hit["text"] for hit in hits)


def test_eval_attribution_shows_the_articles_it_quotes_safely(tmp_path, qa):
    text = "The minister said the port was closed. \x1b]0;pwned\x07\x1b[2J\u202eOther men left."
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "evil.txt").write_text(text)
    other = text.index("Other")
    (tmp_path / "attributions" / "evil_x.ann").write_text(
        "T1\tSource 0 12\tThe minister\nT2\tCue 13 17\tsaid\nT3\tContent 18 38\t"
        "the port was closed\nE1\tAttribution:T3 Source:T1 Cue:T2 Content:T3\n"
        f"T4\tSource {other} {other + 5}\tOther\n")
    r = qa("eval-attribution", str(tmp_path), "--show-errors", "5")
    assert r.code == 0 and "missed Source in evil" in r.out  # the miss, quoted in context
    for char in ("\x1b", "\x07", "\u202e"):  # were printed raw
        assert char not in r.out


@pytest.mark.parametrize("color", ["never", "always"])
def test_the_sessions_menu_follows_the_color_flag(seed_built, monkeypatch, color):
    import io

    import test_repl
    from prompt_toolkit.data_structures import Size

    from qa.config import locate
    from qa.render import make_console

    if color == "always":
        monkeypatch.setenv("NO_COLOR", "1")  # the flag wins over it
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr(test_repl, "make_console",
                        lambda file: make_console(file=file, color=color))
    location = locate(index=str(seed_built / "built"), corpus=[str(seed_built / "seeds")],
                      env={})
    screen = io.StringIO()
    output = test_repl._Screen(screen, lambda: Size(rows=24, columns=100), term="xterm")
    test_repl.drive_slowly(location, "/do", test_repl.MENU, "\x15", test_repl.CTRL_D,
                           output=output)
    drawn = screen.getvalue()
    assert "/docs" in drawn  # the menu was drawn
    colored = re.search(r"\x1b\[[0-9;]*[34]8;5;", drawn) is not None
    assert colored == (color == "always")  # `qa --color never` drew a coloured menu


def test_an_empty_corpus_keeps_the_index_and_counts_in_english(home, qa):
    (home / "nothing").mkdir(exist_ok=True)
    r = qa("index", "nothing")
    assert r.code == 2 and "(1 article) was kept" in r.err  # was "(1 articles)"
    assert qa("ask", "how far from al-Mayadin?").code == 0


def test_an_empty_source_filter_is_a_usage_error(home, qa):
    r = qa("ask", "--source", " ", "how far from al-Mayadin?")  # was "no matching sentence"
    assert r.code == 2 and r.err == "qa: error: empty source name for --source\n"


# ------------------------------------------------------------------ seventh session's attack

# `qa` in its own process with the build held at its first chunk of articles (in the build's
# process, or in a pool worker with `workers` 2) until a signal comes: "building" is written
# when it is there, so the signal always lands in the middle of a build.
_HELD_BUILD = """
import sys, time
from pathlib import Path
from qa.index import analysis
if sys.argv[1] == "2":
    analysis.PARALLEL_BYTES = 0  # a pool of 2 workers for any corpus
real = analysis._analyse_chunk
def held(*args, **options):
    Path("building").write_text("now")
    time.sleep(120)
    return real(*args, **options)
analysis._analyse_chunk = held
from qa.cli import main
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.parametrize("signal_name,workers,group", [
    ("SIGTERM", 1, False), ("SIGTERM", 2, True), ("SIGHUP", 2, True), ("SIGKILL", 2, False)])
def test_a_build_ended_by_sigterm_or_ctrl_c_removes_its_temporary_folder(
        home, request, signal_name, workers, group):
    """`group`: the signal goes to the build and its workers (timeout(1), a service manager,
    a closed terminal); a worker that died of it waiting for a task held the task queue's
    lock, and the build's clean-up waited for it for ever."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from test_output import environment

    new = home / "seeds" / "new.txt"  # (seeds/ is shared by this module's tests)
    new.write_text("The mayor said the ferry was late.\n")
    request.addfinalizer(new.unlink)
    before = sorted(p.name for p in (home / "index").iterdir())
    (home / "building").unlink(missing_ok=True)
    proc = subprocess.Popen([sys.executable, "-c", _HELD_BUILD, str(workers), "index",
                             "--fresh"], cwd=home, env=environment(), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=group)
    try:
        deadline = time.monotonic() + 60
        while not (home / "building").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        staging = [p.name for p in (home / "index").glob(".build-*")]
        assert staging  # the build is under way
        if group:
            os.killpg(proc.pid, getattr(signal, signal_name))
        else:
            proc.send_signal(getattr(signal, signal_name))
        out, err = proc.communicate(timeout=60)  # (a hang fails here)
    finally:
        proc.kill()
    assert "Traceback" not in err and out == ""
    left = sorted(p.name for p in (home / "index").iterdir())
    if signal_name == "SIGKILL":  # nothing can clean up: the next run must not mind
        assert left == sorted(before + staging)
        run = subprocess.run([sys.executable, "-m", "qa.cli", "ask", "was the ferry late?"],
                             cwd=home, env=environment(), capture_output=True, text=True,
                             timeout=120)
        assert run.returncode == 0 and "ferry was late" in run.stdout
        assert ".build" not in run.stderr  # (said nothing of it) and removed it:
        assert not list((home / "index").glob(".build-*"))
        return
    assert left == before  # SIGTERM left .build-*/ with its files behind at each try
    assert proc.returncode == {"SIGTERM": 143, "SIGHUP": 129}[signal_name]
    run = subprocess.run([sys.executable, "-m", "qa.cli", "ask", "how far from al-Mayadin?"],
                         cwd=home, env=environment(), capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0 and "10 km" in run.stdout  # the old index, whole


def test_counts_of_what_was_skipped_are_in_english_and_an_empty_file_is_named(workdir, qa):
    seeds = workdir / "seeds"
    (seeds / "empty.txt").write_text("")
    (seeds / "blank.md").write_text("# Only a title\n\n  \n")
    (seeds / "table.csv").write_text("a,b\n")
    (seeds / "scan.pdf").write_bytes(b"%PDF-1.4")
    (seeds / "scan2.pdf").write_bytes(b"%PDF-1.4")
    (seeds / "photo.txt").write_bytes(b"\x89PNG\x00\x00")
    (seeds / "old.txt").write_bytes("caf\xe9".encode("latin-1"))
    _jsonl(seeds, {"id": "a", "text": "The mayor said the ferry was late."},
           {"id": "b", "text": " \n "})
    r = qa("index")
    assert r.code == 0  # were counted as articles of nothing: "indexed 4 articles"
    assert r.out.startswith("indexed 2 articles, 14 sentences")
    assert "empty.txt: skipped: empty (no article text)" in r.err
    assert "blank.md: skipped: empty (no article text)" in r.err
    assert 'wire.jsonl:2: skipped: "text" is empty' in r.err
    summary = [line for line in r.err.splitlines() if line.startswith("qa: skipped")]
    assert summary == [  # was "1 files binary file", "1 files not UTF-8", "1 .csv not an ..."
        "qa: skipped 2 .pdf files (not an article format); 2 empty files; "
        "1 .csv file (not an article format); 1 JSONL line not an article; 1 binary file; "
        "1 file not UTF-8"]


def test_an_index_in_the_corpus_whose_build_was_killed_before_its_manifest_is_not_read(
        workdir, qa):
    assert qa("index", "seeds", "--index", "seeds/other").code == 0
    (workdir / "seeds" / "other" / "manifest.json").unlink()  # killed just before writing it
    r = qa("index")  # read the generation's sentences.jsonl and terms.jsonl as articles
    assert r.code == 0 and r.out.startswith("indexed 1 article,") and "other" not in r.err


def test_session_commands_refuse_what_they_do_not_take(home):
    from test_repl import drive

    from qa.config import locate


    location = locate(index=str(home / "index"), corpus=[str(home / "seeds")], env={})
    code, out = drive(location, "/reindex now", "/help me", "/said Observatory --since 2017",
                      "/said Observatory --about", "/sources --json", "/quit please",
                      "/k 2", "/quit", end="")  # each was done, its extra words ignored
    assert code == 0 and "building the index" not in out and "Commands:" not in out
    errors = [line for line in out.splitlines() if "take" in line or "need" in line]
    assert errors == ["/reindex takes nothing after it, not 'now'",
                      "/help takes nothing after it, not 'me'",
                      "/said has no option '--since'; it takes NAME [--about WORDS]",
                      "/said NAME --about needs WORDS after it",
                      "/sources has no option '--json'; it takes [WORDS]",
                      "/quit takes nothing after it, not 'please'"]
    assert "k is 2" in out  # the session went on after "/quit please"


def test_a_history_entry_suggested_as_one_types_is_drawn_safely(home, tmp_path):
    import io

    from prompt_toolkit.data_structures import Size
    from test_repl import CTRL_D, Shows, _Screen, drive_slowly

    from qa.config import locate

    history = tmp_path / "state" / "qa" / "history"  # (private_history's)
    history.parent.mkdir(parents=True)
    entry = "how far\u202e is \x1b]0;pwned\x07\x1b[2J\u200bal-Mayadin?"
    history.write_text(f"\n# 2026-12-01 10:00:00\n+{entry}\n", encoding="utf-8")
    location = locate(index=str(home / "index"), corpus=[str(home / "seeds")], env={})
    screen = io.StringIO()
    output = _Screen(screen, lambda: Size(rows=24, columns=100), term="xterm")
    drive_slowly(location, "how f", Shows("how f"), "\x15", CTRL_D, output=output)
    drawn = screen.getvalue()
    assert "ar\ufffd is \u241b]0;pwned\u2407\u241b[2J\ufffdal-Mayadin?" in drawn  # suggested
    for char in ("\u202e", "\x07", "\u200b", "\x1b]0;", "\x1b[2J"):
        assert char not in drawn, repr(char)


def _nested(depth: int, inner: str, before: str = "", after: str = "") -> str:
    return ("<html><head><title>Port</title></head><body>" + before + "<div>" * depth
            + inner + "</div>" * depth + after + "</body></html>")


def test_a_page_nested_deeper_than_the_html_reader_goes_is_read_or_named(workdir, qa):
    seeds = workdir / "seeds"
    (seeds / "deep.html").write_text(_nested(300, "<p>The minister said the port would open "
                                                  "next year.</p>"))
    (seeds / "bomb.html").write_text(_nested(2100, "<p>Buried deep.</p>", before=(
        "<p>The harbour master said the ferry carried 40 cars.</p>"), after="<p>Lost too.</p>"))
    r = qa("index")  # deep.html: 'skipped: no article text found in the page'; bomb.html:
    assert r.code == 0 and "deep.html" not in r.err  # 'Lost too.' dropped without a word
    assert ("bomb.html: the page is nested more than 2,048 elements deep: what lies deeper "
            "is not indexed") in r.err
    r = qa("ask", "when will the port open?")
    assert r.code == 0 and r.out.splitlines()[0].endswith("deep  sentence 0")
    r = qa("ask", "how many cars did the ferry carry?")
    assert r.code == 0 and "bomb  sentence 0" in r.out


def test_a_file_name_that_is_not_utf8_is_indexed_and_shown_safely(workdir, qa):
    import os

    name = os.fsdecode(b"caf\xe9.txt")  # "caf\udce9.txt": Python's stand-in for the byte
    (workdir / "seeds" / name).write_text("The mayor said the ferry carried 40 cars.\n")
    r = qa("index")  # was a UnicodeEncodeError traceback, and no corpus holding one indexed
    assert r.code == 0 and r.out.startswith("indexed 2 articles")
    r = qa("ask", "how many cars did the ferry carry?")  # "\udce9" written raw was the byte
    assert r.code == 0 and "caf\ufffd  sentence 0" in r.out  # again: output not UTF-8
    r = qa("ask", "--json", "--doc", "caf\udce9", "how many cars did the ferry carry?")
    assert r.code == 0 and '"doc": "caf\\udce9"' in r.out  # the id, exact, in ASCII
    assert json.loads(r.out)["hits"][0]["doc"] == "caf\udce9"
    (workdir / "seeds" / "new.txt").write_text("The port said nothing.\n")
    r = qa("index")  # an update reads the records back
    assert r.code == 0 and "1 article analysed, 0 removed, 2 kept" in r.out


def test_questions_from_a_windows_file_lose_their_carriage_returns(home, qa):
    r = qa("ask", "--json", "-", stdin="how far from al-Mayadin?\r\nwho said it?\r\n")
    questions = [json.loads(line)["question"] for line in r.out.splitlines()]
    assert r.code == 0 and questions == ["how far from al-Mayadin?", "who said it?"]


def test_a_page_of_broken_markup_is_read_in_time_linear_in_its_size(workdir):
    """html.parser, which read the headline and date, took time growing faster than the
    square of the length on such markup ("<a " 40,000 times, 120 KB: 171 s, and the build
    waited for it); the timeout only keeps a hang from stopping the suite."""
    import subprocess
    import sys

    from test_output import environment

    (workdir / "seeds" / "broken.html").write_text(
        "<html><head><title>Port</title></head><body><p>The minister said the port would "
        "open next year.</p>" + "<a " * 40_000)
    run = subprocess.run([sys.executable, "-m", "qa.cli", "ask", "when will the port open?"],
                         cwd=workdir, env=environment(), capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0 and run.stdout.splitlines()[0].endswith("broken  sentence 0")


def test_a_reuters_file_of_unclosed_tags_is_read_in_time_linear_in_its_size(workdir):
    """`<REUTERS\\b([^>]*)>` scanned to the end of the file from each unclosed tag:
    "<REUTERS " 20,000 times (180 KB) took 11 s, 80,000 times about 3 minutes."""
    import subprocess
    import sys

    from test_output import environment

    (workdir / "seeds" / "wire.sgm").write_text(
        '<REUTERS NEWID="7"><BODY>The minister said the port would open next year.</BODY>'
        "</REUTERS>" + "<REUTERS " * 80_000, encoding="latin-1")
    run = subprocess.run([sys.executable, "-m", "qa.cli", "ask", "when will the port open?"],
                         cwd=workdir, env=environment(), capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0 and run.stdout.splitlines()[0].endswith("wire/7  sentence 0")


def test_an_article_of_stops_without_spaces_is_split_in_time_linear_in_its_size(workdir):
    """From each stop inside a run of stops the sentence splitter's pattern ran to the run's
    end and back: "..." 5,000 times took 2 s to split, 80 KB of it 100 s."""
    import subprocess
    import sys

    from test_output import environment

    (workdir / "seeds" / "dots.txt").write_text(
        "The minister said the port would open next year. " + "..." * 40_000 + "x")
    run = subprocess.run([sys.executable, "-m", "qa.cli", "ask", "when will the port open?"],
                         cwd=workdir, env=environment(), capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0 and run.stdout.splitlines()[0].endswith("dots  sentence 0")


@pytest.mark.parametrize("command", ["ask", "sentences"])
def test_a_long_id_is_cut_in_the_error_that_echoes_it(home, qa, command):
    long = "x" * 100_000 + "\x1b[2J"
    args = ("ask", "--doc", long, "how far?") if command == "ask" else \
        ("sentences", "--doc", long)
    r = qa(*args)  # the 100,000 characters were echoed on one line
    assert r.code == 2 and r.err.startswith("qa: error: no article with id 'xxx")
    assert len(r.err) < 300 and "…'" in r.err


def test_a_squad_file_with_a_lone_surrogate_is_evaluated_not_a_traceback(workdir, qa):
    _squad(workdir / "dev.json", context="The army reached al-Mayadin on Friday \udce9. "
                                         "Rebels fled to the east.")  # (as "\\udce9" in JSON)
    r = qa("eval", "dev.json", "--json")  # was a UnicodeEncodeError traceback
    assert r.code == 0 and json.loads(r.out)["qa"]["P@1"] == 1.0


def test_a_file_of_thousands_of_bad_lines_names_five_and_counts_the_rest(workdir, qa):
    seeds = workdir / "seeds"
    (seeds / "table.jsonl").write_text("".join(f"a,b,{n}\n" for n in range(3000)))
    _jsonl(seeds, *({"id": "same", "text": f"The mayor said {n} ferries were late."}
                    for n in range(3000)))
    r = qa("index")  # printed 3,000 + 2,999 warnings, one per line
    assert r.code == 0 and len(r.err.splitlines()) == 13, r.err
    assert "table.jsonl:5: skipped: not a JSON object" in r.err
    assert "table.jsonl:6:" not in r.err
    assert "table.jsonl: 2,995 more lines skipped or warned about like these" in r.err
    assert "wire.jsonl: 2,994 more documents skipped as their id was already used" in r.err
    assert r.err.splitlines()[-1] == \
        "qa: skipped 3,000 JSONL lines not an article; 2,999 articles with an id already used"


def _build_with_a_worker_that(workdir, does: str):
    """`qa index` of the held build (two workers) whose workers run `does` on their task
    instead of announcing it: the build's process, finished."""
    import subprocess
    import sys

    from test_output import environment

    script = "import os, signal\n" + _HELD_BUILD.replace('Path("building").write_text("now")',
                                                          does)
    return subprocess.run([sys.executable, "-c", script, "2", "index"], cwd=workdir,
                          env=environment(), capture_output=True, text=True, timeout=120)


def test_a_build_worker_killed_on_its_task_ends_the_build_in_one_line(workdir):
    """The OOM killer, say: the pool's lost task was waited for for ever."""
    run = _build_with_a_worker_that(workdir, "os.kill(os.getpid(), signal.SIGKILL)")
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert run.stderr.splitlines()[-1] == (
        "qa: error: cannot write index in index: a build worker ended without its result "
        "(killed, or out of memory?)")
    assert not (workdir / "index").exists() or not list((workdir / "index").glob(".build-*"))


@pytest.mark.parametrize("step", ["build", "finish"])
def test_an_interrupt_just_after_the_manifest_is_swapped_keeps_the_new_index(
        home, qa, monkeypatch, request, step):
    """Ctrl-C, or SIGTERM now that qa turns it into SystemExit, right after manifest.json
    named the new generation: the clean-up removed that generation, so the index named a
    folder that was gone and the next question rebuilt it."""
    from qa.index import writer

    real = writer._write_manifest

    def swapped_then_interrupted(folder, manifest):
        real(folder, manifest)
        raise KeyboardInterrupt

    if step == "finish":  # the late files an update leaves, written by `qa said`
        new = home / "seeds" / "new.txt"  # (seeds/ is shared by this module's tests)
        new.write_text("The port said nothing.\n")
        request.addfinalizer(new.unlink)
        assert qa("ask", "how far from al-Mayadin?").code == 0  # an update, late files left
    monkeypatch.setattr(writer, "_write_manifest", swapped_then_interrupted)
    r = qa("index", "--fresh") if step == "build" else qa("said", "mayor")
    assert r.code == 130 and r.err.endswith("qa: interrupted\n")
    monkeypatch.setattr(writer, "_write_manifest", real)
    r = qa("ask", "how far from al-Mayadin?")
    assert r.code == 0 and "10 km" in r.out and r.err == ""  # no rebuild: the new index


def test_a_markdown_title_line_of_many_spaces_is_read_in_time_linear_in_its_size(workdir):
    """The title pattern tried its trailing run at each length of the title: "# a", 20,000
    spaces and "b" took 1.8 s, growing with the square of the line."""
    import subprocess
    import sys

    from test_output import environment

    (workdir / "seeds" / "note.md").write_text(
        "# a" + " " * 200_000 + "b\nThe minister said the port would open next year.\n")
    run = subprocess.run([sys.executable, "-m", "qa.cli", "ask", "--json",
                          "when will the port open?"], cwd=workdir, env=environment(),
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and json.loads(run.stdout)["hits"][0]["doc"] == "note"


def test_ctrl_c_while_build_workers_start_leaves_no_worker_behind(home, qa, monkeypatch):
    """In a process that lives on after Ctrl-C (the session's /reindex, a program calling
    qa.cli.main): signals are held back while the workers start, and one that came meanwhile
    was raised after the clean-up's reach, leaving the started workers waiting for tasks
    until the process ended."""
    import multiprocessing
    import os
    import signal
    from multiprocessing.process import BaseProcess

    from qa.index import analysis

    monkeypatch.setattr(analysis, "PARALLEL_BYTES", 0)  # two workers for any corpus
    real = BaseProcess.start

    def start_then_ctrl_c(self):
        real(self)
        os.kill(os.getpid(), signal.SIGINT)  # (held back until the workers have started)

    monkeypatch.setattr(BaseProcess, "start", start_then_ctrl_c)
    try:
        r = qa("index", "--fresh")
        left = [p for p in multiprocessing.active_children() if p.name == "qa-build-worker"]
    finally:
        for p in multiprocessing.active_children():
            if p.name == "qa-build-worker":
                p.kill()
                p.join()
    assert r.code == 130 and r.err.endswith("qa: interrupted\n")
    assert left == [] and not list((home / "index").glob(".build-*"))


def test_a_result_a_build_worker_cannot_pass_back_is_named_in_one_line(workdir):
    """A worker whose result (or error) cannot be pickled printed a traceback and ended, and
    the build said it was killed or out of memory."""
    run = _build_with_a_worker_that(workdir, "return (x for x in ())")
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert run.stderr.splitlines()[-1] == (
        "qa: error: cannot write index in index: a build worker could not pass its result "
        "back (TypeError: cannot pickle 'generator' object)")
    assert not list((workdir / "index").glob(".build-*"))
