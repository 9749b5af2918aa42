"""The interactive session, driven through prompt-toolkit's pipe input: what a user sees."""
from __future__ import annotations

import io
import json
import re
import shutil
import threading
import time
from pathlib import Path

import pytest
from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from prompt_toolkit.output.vt100 import Vt100_Output

from qa import repl
from qa import session as session_mod
from qa.api import open_index
from qa.config import locate
from qa.render import make_console

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_c9ff2a859012aa2b.txt"
DOC = SEED.stem
QUESTION = "how far from al-Mayadin?"
ENTER, CTRL_C, CTRL_D, TAB, UP = "\r", "\x03", "\x04", "\t", "\x1b[A"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("repl")
    (root / "seeds").mkdir()
    shutil.copy(SEED, root / "seeds")
    location = locate(index=str(root / "idx"), corpus=[str(root / "seeds")], env={})
    open_index(location, notify=lambda m: None)
    return location


@pytest.fixture(autouse=True)
def state(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("NO_COLOR", raising=False)
    return tmp_path / "state"


def drive(corpus, *lines: str, end: str = CTRL_D, output=None) -> tuple[int, str]:
    """Run a session on `lines` (each followed by Enter unless it ends in a control key)."""
    keys = "".join(line if line[-1:] in (CTRL_C, CTRL_D, TAB) else line + ENTER
                   for line in lines) + end
    buf = io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        code = repl.run(input=pipe, output=output or DummyOutput(),
                        console=make_console(file=buf), location=corpus)
    return code, buf.getvalue()


class Shows(str):
    """In `drive_slowly`'s chunks: wait until the prompt's line reads this, then go on."""


class Menu(str):
    """In `drive_slowly`'s chunks: wait until the completion menu is up, as a person sees it
    before pressing Tab. A Tab sent after a fixed pause instead failed once in a full run on
    a loaded machine (not reproduced since): waiting for the screen takes timing out."""


MENU = Menu()


def drive_slowly(corpus, *chunks: str, output=None, pause: float = 0.3) -> tuple[int, str]:
    """Like a person typing: each chunk of keys sent after the screen has caught up.

    A `Shows(text)` chunk waits (up to a minute) until the line being edited reads `text`,
    so that a completion that runs in the background is never raced by the next key on a
    loaded machine; the other pauses only let the screen draw between keys.
    """
    import prompt_toolkit

    sessions = []

    class Recorded(prompt_toolkit.PromptSession):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            sessions.append(self)

    def shows(text: str) -> bool:
        return bool(sessions) and sessions[-1].default_buffer.text == text

    def menu() -> bool:
        return bool(sessions) and sessions[-1].default_buffer.complete_state is not None

    buf = io.StringIO()
    real = prompt_toolkit.PromptSession
    prompt_toolkit.PromptSession = Recorded
    try:
        with create_pipe_input() as pipe:
            def type_keys():
                for chunk in chunks:
                    if isinstance(chunk, (Shows, Menu)):
                        ready = menu if isinstance(chunk, Menu) else lambda: shows(chunk)
                        deadline = time.monotonic() + 60
                        while not ready() and time.monotonic() < deadline:
                            time.sleep(0.02)
                        continue
                    time.sleep(pause)
                    pipe.send_text(chunk)

            typist = threading.Thread(target=type_keys, daemon=True)
            typist.start()
            code = repl.run(input=pipe, output=output or DummyOutput(),
                            console=make_console(file=buf), location=corpus)
            typist.join()
    finally:
        prompt_toolkit.PromptSession = real
    return code, buf.getvalue()


def last_entry(state: Path) -> str:
    return (state / "qa" / "history").read_text().strip().splitlines()[-1]


def session(corpus) -> tuple[repl.Session, io.StringIO]:
    buf = io.StringIO()
    return repl.Session(open_index(corpus), make_console(file=buf), corpus), buf


def headers(text: str) -> list[str]:
    return [line for line in text.splitlines() if f"  {DOC}  sentence " in line]


# ------------------------------------------------------------------------------ asking


def test_banner_then_answer_as_qa_ask_prints_it(corpus):
    code, out = drive(corpus, QUESTION)
    assert code == 0
    assert "1 article, 13 sentences" in out.splitlines()[0]
    assert "/help" in out.splitlines()[1]
    hits = headers(out)
    assert 1 <= len(hits) <= 3 and hits[0].startswith(" 1  ")
    assert "al-Mayadin" in out and "said by: " in out and "km" in out
    assert "answer: " in out


def test_no_match(corpus):
    code, out = drive(corpus, "zzyzx qwertyuiop")
    assert code == 0
    assert "no matching sentence" in out and "no word of it is searched" not in out
    assert "Traceback" not in out
    code, out = drive(corpus, "the of and")
    assert code == 0 and "no matching sentence (no word of it is searched" in out


def test_nothing_typed_ends_with_a_traceback(corpus, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("ranking exploded")

    monkeypatch.setattr(session_mod, "ask", broken)
    code, out = drive(corpus, "any question", "/k 2")
    assert code == 0
    assert "internal error: RuntimeError: ranking exploded" in out
    assert "k is 2" in out  # the session went on


def test_article_text_is_never_markup_or_terminal_codes(tmp_path):
    seeds = tmp_path / "hostile"
    seeds.mkdir()
    (seeds / "evil.txt").write_text(
        "BEIRUT (Reuters) - The [bold red]Observatory[/bold red] said the \x1b[31mtanks\x1b[0m "
        "reached Zabadani on Friday.\n")
    location = locate(index=str(tmp_path / "idx"), corpus=[str(seeds)], env={})
    code, out = drive(location, "when did the tanks reach Zabadani?", "/json on",
                      "when did the tanks reach Zabadani?", "/show evil:0")
    assert code == 0
    assert "[bold red]Observatory[/bold red]" in out  # shown literally, not interpreted
    assert "\x1b" not in out
    assert "\u241b[31mtanks" in out  # ESC made visible
    assert '"hits"' in out and "\\u001b[31mtanks" in out  # JSON escapes it


# ---------------------------------------------------------------------------- commands


def test_help_lists_every_command(corpus):
    _, out = drive(corpus, "/help")
    for command in ("/help", "/k N", "/source NAME|off", "/doc ID|off", "/docs", "/show DOC:N",
                    "/json on|off", "/explain on|off", "/reindex", "/quit"):
        assert command in out
    assert "Ctrl-R" in out


def test_help_words_without_slash(corpus):
    _, out = drive(corpus, "help")
    assert "/reindex" in out and "no matching sentence" not in out


def test_unknown_command_lists_the_commands(corpus):
    code, out = drive(corpus, "/frobnicate", "/dcs")
    assert code == 0
    assert "unknown command /frobnicate; commands: /help /k /source /doc /docs" in out
    assert "unknown command /dcs; did you mean /docs?" in out


def test_k(corpus):
    _, out = drive(corpus, "/k 1", QUESTION, "/k", "/k 0", "/k lots", "/k 2", QUESTION)
    assert "k is 1: showing up to 1 sentence" in out
    assert "k is 1\n" in out
    assert out.count("/k needs a whole number from 1 to 100") == 2
    first, second = out.split("k is 2")
    assert len(headers(first)) == 1
    assert len(headers(second)) == 2


def test_source(corpus):
    s, buf = session(corpus)
    s.handle("/source Syrian military source")
    assert "only sentences said by a source matching 'Syrian military source'" in buf.getvalue()
    assert "source 'Syrian military source'" in s.toolbar()
    s.handle("where was the fighting?")
    out = buf.getvalue()
    hits = headers(out)
    assert hits
    said = [line for line in out.splitlines()
            if line.startswith("    said by: ") and "Syrian military source" in line]
    assert len(said) == len(hits)
    s.handle("/source")
    assert "source filter: Syrian military source" in buf.getvalue()
    s.handle("/source off")
    assert "source filter off" in buf.getvalue() and s.source is None
    assert "source" not in s.toolbar()
    s.handle("/source nobody-at-all")
    s.handle(QUESTION)
    assert "no matching sentence (source 'nobody-at-all'" in buf.getvalue()


def test_doc(corpus):
    _, out = drive(corpus, f"/doc {DOC}", QUESTION, "/doc 000_c9", "/doc", "/doc nope",
                   "/doc off", "/doc")
    assert f"only sentences of {DOC}" in out
    assert out.count(f"only sentences of {DOC}") == 2  # the full id and a unique start of it
    assert headers(out)
    assert f"article filter: {DOC}" in out
    assert "no article with id 'nope' (see /docs)" in out
    assert "article filter off" in out and "article filter: off" in out


def test_docs(corpus):
    _, out = drive(corpus, "/docs", "/docs beirut", "/docs nowhere")
    line = f"{DOC}  2017-10-06  BEIRUT (Reuters)  13 sentences"
    assert out.count(line) == 2
    assert "no article matches 'nowhere'" in out


def test_show(corpus):
    _, out = drive(corpus, f"/show {DOC}:7", "/show 7", f"/show {DOC}:99", "/show nope:1",
                   f"/doc {DOC}", "/show 0")
    lines = out.splitlines()
    at = lines.index(f"{DOC}  2017-10-06  BEIRUT (Reuters)  13 sentences")
    numbers = [line.split()[0:2] for line in lines[at + 1:] if "[" in line and ":" in line][:5]
    assert numbers == [["5", "[891:1145]"], ["6", "[1147:1295]"], [">", "7"],
                       ["8", "[1441:1580]"], ["9", "[1582:1796]"]]
    assert "45 km south of Deir al-Zor" in out
    assert "/show needs DOC:N" in out
    assert f"{DOC} has 13 sentences, numbered 0 to 12" in out
    assert "no article with id 'nope'" in out
    assert re.search(r"^>\s+0\s+\[36:", out.split(f"only sentences of {DOC}")[1], re.M)


def test_json(corpus):
    _, out = drive(corpus, "/json on", QUESTION, "/json off", "/json maybe", QUESTION)
    assert "JSON on" in out and "JSON off" in out
    assert "/json takes on or off, not 'maybe'" in out
    start, end = out.index("{"), out.index("\n}\n") + 2
    data = json.loads(out[start:end])
    assert data["question"] == QUESTION
    assert data["hits"] and data["hits"][0]["doc"] == DOC
    assert headers(out[end:])  # rich again after /json off


def test_explain(corpus):
    _, out = drive(corpus, "/explain on", QUESTION, "/explain off", QUESTION, "/explain what")
    on, off = out.split("explain off")
    assert "explain on" in on and "explain: bm25 " in on
    assert "explain:" not in off.replace("/explain takes", "")
    assert "/explain takes on or off, not 'what'" in off


def test_reindex(corpus):
    code, out = drive(corpus, f"/doc {DOC}", "/reindex", QUESTION)
    assert code == 0
    assert "building the index" in out and "rebuild requested" in out
    assert "indexed 1 article, 13 sentences" in out
    assert headers(out.split("indexed 1 article")[1])


def test_quit(corpus):
    code, out = drive(corpus, "/quit", QUESTION, end="")
    assert code == 0
    assert not headers(out)  # nothing after /quit is read


def test_quit_word(corpus):
    code, out = drive(corpus, "exit", QUESTION, end="")
    assert code == 0 and not headers(out)


# ------------------------------------------------------------------------- keys, prompt


def test_ctrl_c_clears_the_line(corpus, state):
    code, out = drive(corpus, "half a question" + CTRL_C, "/k 2", "tell me" + CTRL_C)
    assert code == 0
    assert "k is 2" in out
    assert "no matching sentence" not in out and not headers(out)
    assert "half a question" not in (state / "qa" / "history").read_text()


def test_ctrl_d_leaves(corpus):
    code, out = drive(corpus, end=CTRL_D)
    assert code == 0
    assert "Ask a question" in out


def test_history_is_kept_across_sessions(corpus, state):
    drive(corpus, QUESTION)
    assert QUESTION in (state / "qa" / "history").read_text()
    _, out = drive(corpus, UP)  # Up recalls the question of the last session
    assert headers(out)


def test_ctrl_r_searches_history(corpus, state):
    drive(corpus, QUESTION, "/k 2")
    _, out = drive(corpus, "\x12al-May" + ENTER)  # Ctrl-R, then Enter accepts the match
    assert headers(out)
    assert last_entry(state) == "+" + QUESTION


def test_history_unwritable_goes_on_and_says_so_once(corpus, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))
    code, out = drive(corpus, QUESTION, "/k 2")
    assert code == 0
    assert out.count("history will not be kept") == 1
    assert headers(out)


def test_history_location():
    assert repl.history_file({"XDG_STATE_HOME": "/x/state"}) == Path("/x/state/qa/history")
    assert repl.history_file({}) == Path.home() / ".local/state/qa/history"
    assert repl.history_file({"XDG_STATE_HOME": "relative"}) == \
        Path.home() / ".local/state/qa/history"


def test_toolbar(corpus):
    s, _ = session(corpus)
    assert s.toolbar().startswith(" 1 article, 13 sentences · k 3")
    for line in ("/k 5", f"/doc {DOC}", "/source Observatory", "/json on", "/explain on"):
        s.handle(line)
    bar = s.toolbar()
    for part in ("k 5", f"doc {DOC}", "source 'Observatory'", "json", "explain"):
        assert part in bar


class _Screen(Vt100_Output):
    """A vt100 screen that knows its height, so prompt-toolkit draws the bottom toolbar."""

    def get_rows_below_cursor_position(self) -> int:
        return 20


def test_toolbar_is_drawn(corpus):
    screen = io.StringIO()
    output = _Screen(screen, lambda: Size(rows=24, columns=100), term="xterm")
    drive_slowly(corpus, "/k 4" + ENTER, CTRL_D, output=output)
    drawn = screen.getvalue()
    assert "1 article, 13 sentences · k 3" in drawn
    assert "1 article, 13 sentences · k 4" in drawn


# --------------------------------------------------------------------------- completion


def test_names_come_from_the_corpus(corpus):
    names = {name for _, name, _ in repl.Names(open_index(corpus)).names()}
    for name in ("al-Mayadin", "Deir al-Zor", "Syrian Observatory for Human Rights",
                 "Islamic State", "al-Assad"):
        assert name in names
    assert not names & {"The", "Last", "In", "A", "The Syrian Observatory for Human Rights"}


def test_name_completion(corpus):
    names = repl.Names(open_index(corpus))

    def complete(text, asked=True):
        return [(value, start) for value, start, _ in repl.name_completions(names, text, asked)]

    assert ("al-Mayadin", -6) in complete("how far from al-May")
    assert complete("what about Deir")[0] == ("Deir al-Zor", -4)
    assert complete("who is the Syrian Obs")[0] == ("Syrian Observatory for Human Rights", -10)
    assert ("Deir al-Zor", -7) in complete("Deir al")
    assert complete("how far from ") == []
    assert complete("syr", asked=True) and complete("syr", asked=False) == []


def test_tab_completes_a_name(corpus, state):
    _, out = drive_slowly(corpus, "how far from al-May", MENU, TAB,
                          Shows("how far from al-Mayadin"), "?" + ENTER, CTRL_D)
    assert last_entry(state) == "+how far from al-Mayadin?"
    assert headers(out)


def test_command_completion(corpus):
    s, _ = session(corpus)

    def complete(text):
        return [value for value, _, _ in repl.command_completions(s, text)]

    assert complete("/do") == ["/doc", "/docs"]
    assert set(complete("/")) == set(repl.COMMANDS)
    assert complete("/json ") == ["on", "off"]
    assert complete("/explain of") == ["off"]
    assert complete("/doc 000") == [DOC]
    assert complete("/show ") == [DOC + ":"]
    assert "The Syrian Observatory for Human Rights" in complete("/source The Syr")
    assert complete("/k ") == []


def test_tab_completes_a_command(corpus):
    _, out = drive_slowly(corpus, "/hel", MENU, TAB, Shows("/help"), ENTER, CTRL_D)
    assert "Type a question and press Enter. Commands:" in out
