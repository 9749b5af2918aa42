"""Shared fixtures: the seed article in a scratch folder, and a way to run `qa` in-process."""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Property tests draw the same examples on every run and machine: a failure in CI is one anyone
# can reproduce, never chance; and none is timed (no deadline, no too-slow check), since a
# loaded machine is slow. HYPOTHESIS_PROFILE=explore draws new examples, for hunting bugs.
settings.register_profile("repeatable", derandomize=True, database=None, print_blob=True,
                          deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_c9ff2a859012aa2b.txt"
SEED_ID = SEED.stem


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture(autouse=True)
def fresh_index_cache():
    """Each test starts like a new process, with no index handle cached."""
    from qa import clear_index_cache

    clear_index_cache()
    yield
    clear_index_cache()


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A folder holding seeds/ with the seed article, as a new user's checkout would."""
    (tmp_path / "seeds").mkdir()
    shutil.copy(SEED, tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    for name in ("QA_INDEX", "QA_CORPUS", "NO_COLOR", "FORCE_COLOR", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.fixture
def qa(capsys, monkeypatch):
    """Run the qa command line in this process: qa("ask", "q") -> Result."""
    from qa.cli import main

    def run(*args: str, stdin: str | None = None) -> Result:
        if stdin is not None:
            import io

            monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = main(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory):
    """An index of the seed article, built once for tests that only read it."""
    from qa.index.writer import build
    from qa.index import Index

    folder = tmp_path_factory.mktemp("seed-index")
    build([SEED], folder / "index")
    return Index.open(folder / "index")


@pytest.fixture(scope="session")
def seed_home(tmp_path_factory):
    """A folder holding seeds/ with the seed article and its index, built once for the tests
    that run qa as a separate process in it and only read the index."""
    from qa.index.writer import build

    folder = tmp_path_factory.mktemp("seed-home")
    (folder / "seeds").mkdir()
    shutil.copy(SEED, folder / "seeds")
    build([folder / "seeds"], folder / "index")
    return folder
