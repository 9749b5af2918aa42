"""Issue 11's attacks, met where a user meets them: through `qa`."""
import json
from pathlib import Path

from conftest import SEED


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its content."""
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_folder_of_the_users_is_refused_and_nothing_in_it_is_touched(tmp_path, qa):
    news = tmp_path / "news"
    (news / "gen-ai").mkdir(parents=True)
    (news / "politics").mkdir()
    (news / "gen-ai" / "a.txt").write_text("OpenAI said it released a model.")
    (news / "politics" / "s.txt").write_text("The senate said it passed the bill.")
    (news / ".build-cache").mkdir()
    (news / ".build-cache" / "blob").write_text("cache")
    (news / "manifest.json").write_text('{"name": "my project"}')
    before = tree(news)
    r = qa("index", str(news), "--index", str(news))
    assert r.code == 2 and r.err.count("\n") == 1
    assert "not a qa index folder" in r.err and "Traceback" not in r.err
    r = qa("ask", "--index", str(news), "--corpus", str(SEED), "who said it?")
    assert r.code == 2 and r.err.count("\n") == 1 and "not a qa index folder" in r.err
    assert tree(news) == before


def test_a_rebuild_keeps_what_the_user_put_in_the_index_folder(workdir, qa):
    assert qa("ask", "al-Mayadin").code == 0
    index = workdir / "index"
    (index / "gen-2024-taxes").mkdir()
    (index / "gen-2024-taxes" / "return.pdf").write_bytes(b"%PDF")
    (index / ".build-cache").mkdir()
    (index / "notes.txt").write_text("mine")
    (workdir / "seeds" / "new.txt").write_text("A new article about al-Mayadin.")
    r = qa("ask", "al-Mayadin")
    assert r.code == 0 and "building the index" in r.err
    assert (index / "gen-2024-taxes" / "return.pdf").read_bytes() == b"%PDF"
    assert (index / ".build-cache").is_dir() and (index / "notes.txt").read_text() == "mine"
    data = json.loads((index / "manifest.json").read_text())["data"]
    assert sorted(p.name for p in index.glob("gen-*")) == sorted([data, "gen-2024-taxes"])


def test_an_index_from_before_the_marker_is_taken_over_and_its_generation_replaced(workdir, qa):
    assert qa("index").code == 0
    index = workdir / "index"
    old = json.loads((index / "manifest.json").read_text())["data"]
    (index / ".qa-index").unlink()
    (index / old / ".qa-made").unlink()
    r = qa("index")
    assert r.code == 0
    new = json.loads((index / "manifest.json").read_text())["data"]
    assert [p.name for p in index.glob("gen-*")] == [new] and new != old
