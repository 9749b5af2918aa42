"""What a person sees on a real terminal: `qa` in a pseudo-terminal, its output drawn by a
terminal emulator (pyte), at two sizes, with and without NO_COLOR.

Counted on the emulated screen, not in the byte stream: how many rows the answer takes, how
many of them are blank, and whether every word of each answer sentence is whole on one row
(a word cut at the edge, "tak|en", is not).
"""
from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")
pyte = pytest.importorskip("pyte")

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "how far from al-Mayadin?"
SIZES = [(80, 24), (200, 60)]
COLOUR = [pytest.param({"NO_COLOR": "1"}, id="NO_COLOR"), pytest.param({}, id="colour")]


@pytest.fixture(scope="module")
def corpus(seed_home):
    """A folder with seeds/ and its index (conftest's `seed_home`); the sentences the question
    answers."""
    from qa.api import ask
    from qa.index import Index

    home = seed_home
    hits = ask(QUESTION, k=3, index=Index.open(home / "index")).hits
    return home, [hit.text for hit in hits]


class Terminal:
    """`qa ARGS` in a pseudo-terminal of `cols` x `rows`, drawn on a pyte screen that keeps
    the rows scrolled off the top."""

    def __init__(self, home: Path, args: list[str], cols: int, rows: int, env: dict,
                 shell: str | None = None) -> None:
        """With `shell`, `args` is one shell command line instead (`qa` stands for qa)."""
        environ = {k: v for k, v in os.environ.items()
                   if k not in ("QA_INDEX", "QA_CORPUS", "NO_COLOR", "FORCE_COLOR", "COLUMNS",
                                "LINES")}
        environ.update(TERM="xterm-256color", PROMPT_TOOLKIT_NO_CPR="1",
                       XDG_STATE_HOME=str(home / "state"),
                       PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT),
                                                                environ.get("PYTHONPATH")])))
        environ.update(env)
        self.screen = pyte.HistoryScreen(cols, rows, history=20_000)
        self.stream = pyte.Stream(self.screen)
        self.raw = ""
        self.seen = 0  # where the next `pump(until)` starts looking
        program, argv = sys.executable, ["-m", "qa.cli", *args]
        if shell:
            environ["PY"] = sys.executable
            program, argv = shell, ["-c", 'qa() { "$PY" -m qa.cli "$@"; }\n' + args[0]]
        self.child = pexpect.spawn(program, argv, cwd=str(home), env=environ,
                                   dimensions=(rows, cols), encoding="utf-8", timeout=60)

    def pump(self, until: str | None = None, timeout: float = 60) -> None:
        """Draw output until `until` appears after the last thing waited for (or to the end)."""
        deadline = time.monotonic() + timeout
        while until is None or until not in self.raw[self.seen:]:
            try:
                chunk = self.child.read_nonblocking(65536, timeout=0.2)
            except pexpect.TIMEOUT:
                if time.monotonic() > deadline:
                    raise AssertionError(f"{until!r} never shown; last:\n{self.raw[-2000:]}")
                continue
            except pexpect.EOF:
                if until is not None and until not in self.raw[self.seen:]:
                    raise AssertionError(f"ended before {until!r}:\n{self.raw[-2000:]}")
                return
            self.raw += chunk
            self.stream.feed(chunk)
        self.seen = self.raw.index(until, self.seen) + len(until)

    def rows(self) -> list[str]:
        """Every row drawn, scrolled-off ones first, without trailing blanks."""
        cols = self.screen.columns
        old = ["".join(line[x].data for x in range(cols)) for line in self.screen.history.top]
        return [row.rstrip() for row in old + list(self.screen.display)]

    def resize(self, cols: int, rows: int) -> None:
        self.screen.resize(rows, cols)
        self.child.setwinsize(rows, cols)

    def close(self) -> int | None:
        self.child.close()
        return self.child.exitstatus


def used_rows(rows: list[str]) -> list[str]:
    """The rows up to the last one with something on it."""
    while rows and not rows[-1]:
        rows = rows[:-1]
    return rows


def assert_words_whole(rows: list[str], sentences: list[str]) -> None:
    shown = {word for row in rows for word in row.split()}
    for sentence in sentences:
        cut = [word for word in sentence.split() if word not in shown]
        assert not cut, f"words not whole on screen: {cut}\n" + "\n".join(rows)


@pytest.mark.parametrize("env", COLOUR)
@pytest.mark.parametrize("cols,rows", SIZES)
def test_an_answer_fits_the_terminal(corpus, cols, rows, env):
    home, sentences = corpus
    term = Terminal(home, ["ask", QUESTION], cols, rows, env)
    term.pump()
    assert term.close() == 0
    shown = used_rows(term.rows())
    # 3 hits: a header, the sentence (a few rows at 80 columns), answer and source lines, a
    # blank row between hits. NO_COLOR made each row a screenful of blanks (~1,000 rows).
    assert len(shown) <= 30, "\n".join(shown)
    assert sum(not row for row in shown) <= 3, "\n".join(shown)
    assert all(len(row) <= cols for row in shown)
    assert_words_whole(shown, sentences)
    assert ("\x1b[" in term.raw) == (not env)


def last_answer(rows: list[str]) -> list[str]:
    """The rows between the last question typed at the prompt and the next prompt."""
    asked = max(i for i, row in enumerate(rows) if row.startswith("qa> " + QUESTION))
    end = next(i for i in range(asked + 1, len(rows)) if rows[i].startswith("qa>"))
    return rows[asked + 1:end]


@pytest.mark.parametrize("cols,rows,env", [(80, 24, {"NO_COLOR": "1"}), (200, 60, {})],
                         ids=["80x24-NO_COLOR", "200x60-colour"])
def test_the_session_fits_the_terminal_and_follows_a_resize(corpus, cols, rows, env):
    home, sentences = corpus
    term = Terminal(home, [], cols, rows, env)
    try:
        term.pump("qa>")
        term.child.send(QUESTION + "\r")
        term.pump("said by:")
        term.pump("qa>")
        answer = last_answer(term.rows())
        assert 8 <= len(answer) <= 30 and sum(not row for row in answer) <= 3, \
            "\n".join(answer)
        assert_words_whole(answer, sentences)
        term.child.send("/help\r")
        term.pump("Ctrl-D leaves")
        term.pump("qa>")
        assert any(row.startswith("  /show DOC:N") for row in term.rows())
        narrow = 60
        term.resize(narrow, rows)
        time.sleep(0.3)
        term.child.send(QUESTION + "\r")
        term.pump("said by:")
        term.pump("qa>")
        answer = last_answer(term.rows())
        assert all(len(row) <= narrow for row in answer), "\n".join(answer)
        assert any(len(row) > narrow - 15 for row in answer), "\n".join(answer)
        assert_words_whole(answer, sentences)
        term.child.send("\x04")
        term.pump()
    finally:
        code = term.close()
    assert code == 0
    assert "Traceback" not in term.raw
    assert ("\x1b[1m" in term.raw or "\x1b[1;" in term.raw) == (not env)


def test_qa_piped_to_tee_on_a_terminal_says_what_to_type_and_keeps_rules_narrow(corpus):
    """`qa | tee log`: questions typed on the terminal, answers through a pipe."""
    home, sentences = corpus
    shell = shutil.which("bash") or pytest.skip("needs bash")
    term = Terminal(home, ["qa | cat"], 80, 24, {}, shell=shell)
    term.pump("Ctrl-D ends")
    term.child.send(QUESTION + "\r")
    term.pump("said by:")
    term.child.sendeof()
    term.pump()
    assert term.close() == 0
    rows = used_rows(term.rows())
    assert any(row.startswith("─") for row in rows)
    assert all(len(row) <= 80 for row in rows) and len(rows) < 40, "\n".join(rows)
    assert "\x1b[" not in term.raw.replace("\x1b[?2004", "")  # plain: the pipe is not a tty
