"""End to end: `qa` with no arguments in a real pseudo-terminal, as a person would use it."""
from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_c9ff2a859012aa2b.txt"
CPR_REQUEST = r"\x1b\[6n"  # prompt-toolkit asks where the cursor is; a terminal answers


def expect(child, pattern) -> None:
    """Wait for `pattern`, answering cursor position requests the way a terminal does."""
    while child.expect([pattern, CPR_REQUEST]) == 1:
        child.send("\x1b[1;1R")


def test_session_in_a_terminal(tmp_path):
    (tmp_path / "seeds").mkdir()
    shutil.copy(SEED, tmp_path / "seeds")
    env = {key: value for key, value in os.environ.items()
           if key not in ("QA_INDEX", "QA_CORPUS", "PROMPT_TOOLKIT_NO_CPR")}
    env.update(TERM="xterm-256color", NO_COLOR="1", XDG_STATE_HOME=str(tmp_path / "state"),
               PYTHONPATH=os.pathsep.join(filter(None, [str(SEED.parent.parent),
                                                        env.get("PYTHONPATH")])))
    child = pexpect.spawn(sys.executable, ["-m", "qa.cli"], cwd=str(tmp_path), env=env,
                          dimensions=(40, 100), encoding="utf-8", timeout=15)
    try:
        expect(child, "Ctrl-D to leave")
        expect(child, "qa>")
        expect(child, r"13 sentences · k 3")  # the bottom toolbar
        time.sleep(0.2)
        child.send("how far from al-Mayadin?\r")
        expect(child, "said by:")
        shown = child.before
        assert "al-Mayadin" in shown and "km" in shown
        assert "sentence " in shown and "Traceback" not in shown
        expect(child, "qa>")
        time.sleep(0.2)
        child.send("\x04")
        expect(child, pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
    assert "how far from al-Mayadin?" in (tmp_path / "state" / "qa" / "history").read_text()
