"""Hostile and careless use of `qa`, as the user meets it (sixth session's attack): each test
fails on the main it was written against and asserts what the user sees."""
from __future__ import annotations

import json
import shutil

import pytest

from conftest import SEED


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


@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGHUP"])
def test_a_build_ended_by_sigterm_or_sighup_removes_its_staging_and_keeps_the_index(
        home, signal_name):
    import os
    import signal
    import subprocess
    import sys
    import time

    from test_output import environment

    text = SEED.read_text(encoding="utf-8")
    with open(home / "wire.jsonl", "w", encoding="utf-8") as out:
        for n in range(150):  # a build of a few seconds, ended as soon as it stages
            out.write(json.dumps({"id": f"a{n}", "text": text}) + "\n")
    child = subprocess.Popen([sys.executable, "-m", "qa.cli", "index", "wire.jsonl"],
                             cwd=home, env=environment(), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not list((home / "index").glob(".build-*")) and time.monotonic() < deadline \
            and child.poll() is None:
        time.sleep(0.01)
    child.send_signal(getattr(signal, signal_name))  # `kill`, `timeout`, a closed terminal
    out, err = child.communicate(timeout=60)
    assert "Traceback" not in err
    if child.returncode == 0:
        pytest.skip("the build finished before the signal")
    assert child.returncode == 128 + getattr(signal, signal_name)  # was killed by it
    assert not list((home / "index").glob(".build-*")), os.listdir(home / "index")  # debris
    from qa.cli import main

    assert main(["ask", "how far from al-Mayadin?"]) == 0  # the old index, as it was
