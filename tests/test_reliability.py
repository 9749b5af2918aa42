"""Faults and hostile input: nothing lost, nothing injected, never a traceback."""
import json
import os
import random
import re
import signal
import subprocess
import sys
import time

import pytest
from pathlib import Path


from qa.index import segments as segments_mod
from qa.index import writer as build_mod
from qa.index import reader as index_mod
from qa import ranking
from qa.index.format import MANIFEST

QA = [sys.executable, "-m", "qa.cli"]
PACKAGE = Path(__file__).resolve().parent.parent / "qa"

WORDS = ("army militia convoy province border ceasefire talks minister rebels airport "
         "oil prices shares exports wheat harbour bridge election senate court").split()


def write_corpus(folder: Path, docs: int, seed: int) -> None:
    """Synthetic wire copy: enough text that a build takes a noticeable time."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for d in range(docs):
        sentences = []
        for _ in range(rng.randint(8, 16)):
            words = rng.choices(WORDS, k=rng.randint(8, 18))
            sentences.append(" ".join(words).capitalize() + f" near Town{rng.randint(1, 50)}"
                             f", officials said.")
        (folder / f"doc{seed}_{d:04d}.txt").write_text(" ".join(sentences))


def answers(folder: Path) -> str:
    """What the index in `folder` answers to a few questions, as one comparable string."""
    index = index_mod.Index.open(folder)
    out = []
    for question in ("army convoy near the border", "oil prices and exports", "who said it"):
        out.append(json.dumps(ranking.top_hits(index, question, k=5).to_json(), sort_keys=True))
    return "\n".join(out)


# The file-system steps of a build, as Python's audit hooks report them: a build killed just
# before any one of them must leave an index that answers as the old one or as the new one.
_STEPS = {"os.mkdir", "os.rename", "os.replace", "os.remove", "os.rmdir", "shutil.rmtree"}


def _step(event: str, args: tuple) -> str | None:
    """`event` as "name path [path]" when it changes the file system, else None."""
    if event == "open":  # a file opened for writing; reading the corpus changes nothing
        mode = args[1] if len(args) > 1 else "r"
        return f"open {args[0]}" if isinstance(mode, str) and set(mode) & set("wax+") else None
    if event in _STEPS:
        return " ".join([event] + [str(a) for a in args[:2] if isinstance(a, (str, Path))])
    return None


def _build_killed_before_step(corpus: Path, folder: Path, step: int | None,
                              run=None) -> list[str]:
    """Build `corpus` into `folder` (or call `run()`) in a forked child that SIGKILLs itself
    just before its `step`-th file-system step; with `step` None the build runs through and
    its steps are returned."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: note each step, die at the chosen one
        os.close(read)
        taken: list[str] = []

        def hook(event: str, args: tuple) -> None:
            described = _step(event, args)
            if described is not None:
                taken.append(described)
                if len(taken) == step:
                    os.kill(os.getpid(), signal.SIGKILL)

        try:
            sys.addaudithook(hook)
            run() if run is not None else build_mod.build([corpus], folder)
            os.write(write, "\n".join(taken).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        taken = pipe.read().splitlines()
    _, status = os.waitpid(pid, 0)
    killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    assert killed == (step is not None), status
    return taken


def _kill_points(steps: list[str]) -> list[int]:
    """Every step (numbered from 1) except the inner ones of a run of like steps (writing the
    staging files, removing the old generation's): a kill among those is a kill at its ends."""
    def kind(n: int) -> tuple[str, str] | None:
        if not 0 <= n < len(steps):
            return None
        name, _, path = steps[n].partition(" ")
        return name, str(Path(path.split(" ")[0]).parent)
    return [n + 1 for n in range(len(steps)) if not kind(n - 1) == kind(n) == kind(n + 1)]


def test_a_build_killed_before_any_step_leaves_the_old_index_or_the_new_one(tmp_path,
                                                                           monkeypatch):
    """A kill before each file-system step of a rebuild (staging writes, the rename to gen-*,
    the manifest swap, removing the old generation): before the swap the old index answers,
    after it the new one, and the next build clears whatever the killed one left. The points
    are chosen, not drawn by chance or timed, so every run kills at the same steps."""
    # A killed process loses nothing the kernel has been given, so syncing to disk (which
    # matters for power cuts, not kills) is skipped: it made this test ten times slower.
    monkeypatch.setattr(os, "fsync", lambda fd: None)
    old, new, folder = tmp_path / "old", tmp_path / "new", tmp_path / "index"
    write_corpus(old, 12, seed=1)
    write_corpus(new, 12, seed=2)
    for corpus in (new, old):
        build_mod.build([corpus], folder)
        corpus_answers = answers(folder)
        if corpus == new:
            new_answers = corpus_answers
    old_answers = corpus_answers
    assert old_answers != new_answers
    steps = _build_killed_before_step(new, folder, None)
    swap = next(n for n, s in enumerate(steps, 1) if s.endswith(f" {folder / MANIFEST}"))
    assert 10 < swap < len(steps), steps  # staging before the swap, clean-up after it
    for step in _kill_points(steps):
        build_mod.build([old], folder)  # the old index, and nothing else, in the folder
        left = sorted(p.name for p in folder.iterdir())
        assert left == [".lock", ".qa-index", "gen-" + json.loads(
            (folder / MANIFEST).read_text())["data"][4:], MANIFEST], left
        _build_killed_before_step(new, folder, step)
        assert answers(folder) == (new_answers if step > swap else old_answers), steps[step - 1]


def test_a_reader_during_rebuilds_sees_the_old_index_or_the_new_one(tmp_path):
    one, two, folder = tmp_path / "one", tmp_path / "two", tmp_path / "index"
    write_corpus(one, 20, seed=3)
    write_corpus(two, 20, seed=4)
    for corpus, probe in ((one, "p1"), (two, "p2")):
        build_mod.build([corpus], tmp_path / probe)
    known = {answers(tmp_path / "p1"), answers(tmp_path / "p2")}
    build_mod.build([one], folder)
    writer = subprocess.Popen(
        [sys.executable, "-c",
         "import sys; from pathlib import Path; from qa.index.writer import build\n"
         "for n in range(6):\n"
         "    build([Path(sys.argv[1 + n % 2])], Path(sys.argv[3]))\n",
         str(two), str(one), str(folder)])
    reads = 0
    while writer.poll() is None or reads < 5:
        assert answers(folder) in known
        reads += 1
    assert writer.wait() == 0 and reads >= 5


def test_a_failed_write_is_one_line_and_the_old_index_stays(workdir, qa, monkeypatch):
    assert qa("ask", "al-Mayadin").code == 0
    (workdir / "seeds" / "new.txt").write_text("A new article about al-Mayadin.")

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(segments_mod, "write_postings", disk_full)  # a build's postings
    monkeypatch.setattr(segments_mod.postings, "merge_postings", disk_full)  # an update's
    r = qa("index")
    assert r.code == 2
    assert r.err.strip().count("\n") == 0 and "No space left on device" in r.err
    monkeypatch.undo()
    index = index_mod.Index.open(workdir / "index")
    assert index.size == 13


def test_an_unwritable_index_folder_still_answers_with_a_warning(workdir, qa, monkeypatch):
    real_mkdir = Path.mkdir

    def refuse(self, *args, **kwargs):
        if self.name.startswith(".build-") and self.parent.resolve() == workdir / "index":
            raise PermissionError(13, "Permission denied")
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", refuse)
    r = qa("ask", "how far from al-Mayadin?")
    assert r.code == 0 and "10 km" in r.out
    assert "warning" in r.err and "Permission denied" in r.err and "temporary" in r.err


HOSTILE = {
    "ansi.txt": "The convoy reached \x1b[2J\x1b[31mZarqa\x1b[0m at dawn.",
    "osc.txt": "The convoy reached \x1b]0;pwned\x07Zarqa at dawn.",
    "markup.txt": "The [bold red]convoy[/bold red] reached [link=http://x]Zarqa[/link].",
    "bidi.txt": "The convoy reached \u202eaqraZ\u202c town at dawn.",
}


def test_hostile_article_text_is_shown_as_text(workdir, qa):
    for name, text in HOSTILE.items():
        (workdir / "seeds" / name).write_text(text)
    for color in ("never", "always"):
        r = qa("ask", "--color", color, "-k", "10", "convoy Zarqa")
        assert r.code == 0
        assert "\x1b]" not in r.out and "\x1b[2J" not in r.out and "\x1b[31m" not in r.out
        assert "\u202e" not in r.out
        shown = re.sub(r"\x1b\[[0-9;]*m", "", r.out)  # colour codes off: the text as read
        assert "The [bold red]convoy[/bold red] reached [link=http://x]Zarqa[/link]." in shown
    j = qa("ask", "--json", "-k", "10", "convoy Zarqa")
    texts = [h["text"] for h in json.loads(j.out)["hits"]]
    assert any("\x1b[2J" in t for t in texts)  # JSON keeps the text exactly, escaped
    assert "\x1b" not in j.out


def test_hostile_questions_are_safe(workdir, qa):
    for question in ("\x1b[31mal-Mayadin\x1b[0m", "[bold]al-Mayadin[/bold]", "al-Mayadin\x00",
                     "\u202eal-Mayadin", "\x1b]0;x\x07"):
        r = qa("ask", question)
        assert r.code in (0, 1)
        assert "\x1b]" not in r.err + r.out and "\x1b[31m" not in r.err + r.out
        assert "Traceback" not in r.err


def test_nul_bytes_invalid_utf8_and_a_huge_line_are_reported_and_the_rest_indexed(workdir, qa):
    seeds = workdir / "seeds"
    (seeds / "nul.txt").write_bytes(b"Some text\x00with a NUL.")
    (seeds / "bad.txt").write_bytes(b"Caf\xc3 \xff\xfe broken.")
    (seeds / "huge.txt").write_text(("word " * 200_000) + "zanzibarite ending")  # 1 MB
    r = qa("ask", "--json", "zanzibarite")
    assert r.code == 0
    assert "nul.txt: skipped: binary file" in r.err and "bad.txt: skipped: not UTF-8" in r.err
    hit = json.loads(r.out)["hits"][0]
    assert hit["doc"] == "huge"
    assert qa("ask", "how far from al-Mayadin?").code == 0


def test_bad_jsonl_lines_are_reported_with_line_numbers(workdir, qa):
    (workdir / "seeds" / "feed.jsonl").write_text(
        '{"id": "ok1", "text": "The zanzibarite convoy arrived."}\n'
        "this is not json\n"
        '{"id": "no-text"}\n'
        '["a list"]\n'
        '{"id": "ok2", "text": "Another zanzibarite story."}\n')
    r = qa("ask", "--json", "-k", "5", "zanzibarite")
    assert r.code == 0
    for number in (2, 3, 4):
        assert f"feed.jsonl:{number}: skipped" in r.err
    assert {h["doc"] for h in json.loads(r.out)["hits"]} == {"ok1", "ok2"}


def test_a_symlink_loop_in_the_corpus_is_harmless(workdir, qa):
    (workdir / "seeds" / "loop").symlink_to(workdir / "seeds")
    r = qa("ask", "how far from al-Mayadin?")
    assert r.code == 0


def test_manifest_with_sizes_that_do_not_match_is_refused_and_rebuilt(workdir, qa):
    assert qa("ask", "al-Mayadin").code == 0
    path = workdir / "index" / "manifest.json"
    manifest = json.loads(path.read_text())
    name = next(iter(manifest["files"]))
    manifest["files"][name] += 1
    path.write_text(json.dumps(manifest))
    from qa import clear_index_cache

    clear_index_cache()
    r = qa("ask", "al-Mayadin")
    assert r.code == 0 and "building the index" in r.err and "wrong size" in r.err


_CODE_LOADERS = re.compile(
    r"^\s*(?:import|from)\s+(?:pickle|cPickle|dill|joblib|marshal|shelve)\b|"
    r"\b(?:pickle|marshal|dill|joblib)\.loads?\(|allow_pickle\s*=\s*True|"
    r"(?<![\w.])(?:eval|exec)\s*\(|yaml\.load\(|markup\s*=\s*True|Console\([^)]*markup=None",
    re.MULTILINE)


def test_the_package_never_loads_code_from_data_or_renders_text_as_markup():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        for m in _CODE_LOADERS.finditer(path.read_text(encoding="utf-8")):
            offenders.append(f"{path.name}: {m.group().strip()}")
    assert offenders == []


class _Planted:
    """Pickling this object plants a file when it is unpickled: proof of code run on load."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_an_array_that_would_run_code_is_refused_not_loaded(tmp_path):
    import numpy as np

    from qa.index.writer import build

    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "a.txt").write_text("The army said it advanced. Rebels denied it.")
    build([tmp_path / "c"], tmp_path / "i")
    manifest_path = tmp_path / "i" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    target = tmp_path / "i" / manifest["data"] / "terms.idf.npy"
    marker = tmp_path / "code-ran"
    np.save(target, np.array([_Planted(marker)], dtype=object), allow_pickle=True)
    manifest["files"]["terms.idf.npy"] = target.stat().st_size  # sizes agree: only the type is off
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(index_mod.IndexUnusable, match="terms.idf.npy"):
        index_mod.Index.open(tmp_path / "i")
    assert not marker.exists()


