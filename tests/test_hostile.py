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
