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
