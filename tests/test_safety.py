"""Issue 11's attacks, met where a user meets them: through `qa`."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

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
    r = qa("index", "--fresh")  # (an unchanged corpus would keep the generation)
    assert r.code == 0
    new = json.loads((index / "manifest.json").read_text())["data"]
    assert [p.name for p in index.glob("gen-*")] == [new] and new != old


HOSTILE_DATE = "\x1b]52;c;cHduZWQ=\x1b\\\x1b[2J\u202e"


def test_metadata_cannot_write_the_clipboard_or_clear_the_screen(workdir, qa):
    (workdir / "seeds" / "feed.jsonl").write_text(json.dumps(
        {"id": "d\x1b[2J1", "date": HOSTILE_DATE, "title": "T\u202eitle",
         "text": "The zanzibarite convoy arrived, officials said."}) + "\n")
    errors = ""
    for color in ("never", "always"):
        r = qa("ask", "--color", color, "zanzibarite convoy")
        assert r.code == 0 and "zanzibarite" in r.out
        assert "\x1b]" not in r.out and "\x1b[2J" not in r.out and "\u202e" not in r.out
        assert "\x1b" not in r.err and "\u202e" not in r.err
        errors += r.err
    # not a date (metadata.iso_date): dropped, and named in the warning as text
    assert "52;c;cHduZWQ=" in errors and "is not a date" in errors
    r = qa("sentences", "--doc", "d\x1b[2J1")
    assert r.code == 0 and "\x1b[2J" not in r.out


def test_file_names_cannot_inject_escapes_or_forge_lines_on_stderr(workdir, qa):
    assert qa("ask", "al-Mayadin").code == 0
    evil = "evil\x1b[2J\u202e\nqa: warning: forged\x9b31m.txt"
    (workdir / "seeds" / evil).write_bytes(b"binary\x00file")
    r = qa("ask", "al-Mayadin")
    assert r.code == 0
    assert "appeared" in r.err and "skipped: binary" in r.err
    for bad in ("\x1b", "\u202e", "\x9b"):
        assert bad not in r.err
    assert all(line.startswith("qa: ") for line in r.err.splitlines())
    assert "forged" in r.err
    r = qa("index")
    assert r.code == 0 and "\x1b" not in r.err
    assert all(line.startswith("qa: ") for line in r.err.splitlines())


def test_json_escapes_c1_bidi_and_line_separators_and_keeps_the_text(workdir, qa):
    text = "The zanzibarite \x9b2J convoy \u202ereached\u202c the\u2028border\x7f."
    (workdir / "seeds" / "raw.txt").write_text(text)
    for args in (("ask", "--json", "zanzibarite"), ("sentences", "--json", "--doc", "raw")):
        r = qa(*args)
        assert r.code == 0
        for raw in ("\x9b", "\u202e", "\u2028", "\x7f", "\x1b"):
            assert raw not in r.out
        assert "\\u009b" in r.out and "\\u202e" in r.out and "\\u2028" in r.out
        first = json.loads(r.out.splitlines()[0])
        assert (first["hits"][0] if "hits" in first else first)["text"] == text


def run_qa(*args: str, cwd: Path, timeout: float = 180) -> subprocess.CompletedProcess:
    """`qa` in its own process: a hang fails the test instead of stopping the suite."""
    return subprocess.run([sys.executable, "-m", "qa.cli", *args], cwd=cwd, text=True,
                          capture_output=True, timeout=timeout)


def test_a_fifo_and_a_link_to_dev_zero_are_skipped_by_name_and_nothing_hangs(workdir):
    os.mkfifo(workdir / "seeds" / "pipe.txt")
    (workdir / "seeds" / "zero.txt").symlink_to("/dev/zero")
    r = run_qa("ask", "how far from al-Mayadin?", cwd=workdir)
    assert r.returncode == 0 and "10 km" in r.stdout
    assert "pipe.txt: skipped: not a regular file (FIFO)" in r.stderr
    assert "zero.txt: skipped: not a regular file (device)" in r.stderr
    assert not list((workdir / "index").glob(".build-*"))
    again = run_qa("ask", "how far from al-Mayadin?", cwd=workdir)
    assert again.returncode == 0 and "building" not in again.stderr
    r = run_qa("index", "seeds/pipe.txt", "--index", "other", cwd=workdir)
    assert r.returncode == 2 and "not a regular file" in r.stderr


def test_a_jsonl_line_nested_too_deep_is_skipped_and_the_rest_indexed(workdir, qa):
    (workdir / "seeds" / "feed.jsonl").write_text(
        '{"id": "ok1", "text": "The zanzibarite convoy arrived."}\n'
        + "[" * 100_000 + "]" * 100_000 + "\n"
        + '{"id": "ok2", "text": "Another zanzibarite story."}\n')
    r = qa("ask", "--json", "-k", "5", "zanzibarite")
    assert r.code == 0 and "Traceback" not in r.err
    assert "feed.jsonl:2: skipped: nested too deep" in r.err
    assert {h["doc"] for h in json.loads(r.out)["hits"]} == {"feed/ok1", "feed/ok2"} or {
        h["doc"] for h in json.loads(r.out)["hits"]} == {"ok1", "ok2"}


def test_an_edit_that_puts_size_and_mtime_back_is_seen(workdir, qa):
    assert qa("ask", "al-Mayadin").code == 0
    path = next((workdir / "seeds").iterdir())
    before = path.stat()
    data = path.read_bytes()
    path.write_bytes(data.replace(b"Friday", b"Monday", 1))  # as sed -i would, then touch -r
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    r = qa("ask", "--json", "which day?")
    assert "changed" in r.err and "building the index" in r.err
    assert "Monday" in qa("sentences").out


def test_utf16_is_read_as_text_and_a_boolean_id_is_refused(workdir, qa):
    (workdir / "seeds" / "windows.txt").write_text("The zanzibarite convoy arrived at dawn.",
                                                   encoding="utf-16")
    (workdir / "seeds" / "feed.jsonl").write_text(
        '{"id": true, "text": "A zanzibarite line with a boolean id."}\n'
        '{"id": 7, "text": "A zanzibarite line with a number id."}\n')
    r = qa("ask", "--json", "-k", "5", "zanzibarite")
    assert r.code == 0 and "binary" not in r.err
    assert 'feed.jsonl:1: skipped: "id" is not a string or a whole number' in r.err
    docs = {h["doc"] for h in json.loads(r.out)["hits"]}
    assert "windows" in docs and not any(d.endswith("True") for d in docs)
    assert any(d.endswith("7") for d in docs)


def _index_a_line_without_stops(workdir, qa):
    """A 40,000-character article without a full stop (a table dumped as text), indexed."""
    words = " ".join(f"word{i % 50} said the convoy" for i in range(2_000))
    (workdir / "seeds" / "table.txt").write_text(words + " zanzibarite")
    return qa("index")


def test_a_sentence_without_stops_is_cut_into_bounded_pieces_with_a_warning(workdir, qa):
    r = _index_a_line_without_stops(workdir, qa)
    assert r.code == 0
    assert "table.txt: article 'table': 1 sentence longer than 3,000 characters" in r.err
    pieces = [json.loads(line) for line in qa("sentences", "--json", "--doc", "table").out
              .splitlines()]
    assert len(pieces) >= 14 and all(len(p["text"]) <= 3000 for p in pieces)
    assert qa("ask", "zanzibarite").code == 0


def test_pieces_of_a_line_without_stops_are_not_read_for_who_said_it(workdir, qa):
    """Such input is not prose (the longest sentence of PolNeAR and Reuters-21578 has 1,094
    characters): scoring every "said" in 10 MB of it took minutes, so it is skipped, and said."""
    r = _index_a_line_without_stops(workdir, qa)
    assert r.code == 0
    assert "pieces over 1,500 characters are not searched for who said what" in r.err
    pieces = [json.loads(line) for line in qa("sentences", "--json", "--doc", "table").out
              .splitlines()]
    long_ones = [p for p in pieces if len(p["text"]) > 1500]
    assert long_ones and not any(p["attributions"] for p in long_ones)
    ordinary = "The convoy was late, the minister said on Tuesday."
    (workdir / "seeds" / "short.txt").write_text(ordinary)
    assert qa("index").code == 0
    out = qa("sentences", "--json", "--doc", "short").out
    assert json.loads(out.splitlines()[0])["attributions"][0]["source"] == "the minister"


def test_resolving_sources_costs_the_same_per_sentence_in_a_long_article():
    """Work, not time: calls into the resolution step for N and 2N cued sentences."""
    import sys

    from qa.attribution import attribute
    from qa.model import Document
    from qa.segment import split_document

    calls = 0

    def count(frame, event, arg):
        nonlocal calls
        if event == "call" and frame.f_code.co_filename.endswith("resolution.py"):
            calls += 1

    work = []
    for n in (400, 800):  # a name, then a short form that fits none of the names before it
        text = " ".join(f"Alpha{i} Beta{i} said the talks went on. The Observatory said so."
                        for i in range(n // 2))
        sentences = split_document(Document(id="x", source="x", text=text))
        calls = 0
        sys.setprofile(count)
        try:
            attribute(sentences)
        finally:
            sys.setprofile(None)
        work.append(calls)
    assert work[1] < 2.5 * work[0], work


def test_disk_full_at_the_manifest_leaves_no_generation_and_the_old_index(workdir, qa,
                                                                          monkeypatch):
    from qa.index import durable
    from qa.index import segments as segments_mod

    assert qa("index").code == 0
    index = workdir / "index"
    before = sorted(p.name for p in index.iterdir())
    (workdir / "seeds" / "new.txt").write_text("A new article about al-Mayadin.")

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(durable, "replace_file", disk_full)
    r = qa("index")
    assert r.code == 2 and r.err.count("\n") == 1 and "No space left" in r.err
    assert sorted(p.name for p in index.iterdir()) == before  # no gen-*, no .build-*
    monkeypatch.setattr(segments_mod, "write_postings", disk_full)  # and $TMPDIR full too
    r = qa("ask", "al-Mayadin")
    assert r.code == 2 and "Traceback" not in r.err
    assert r.err.splitlines()[-1].startswith("qa: error: ") and "temporary" in r.err


def test_low_memory_ends_in_one_line_and_status_2(workdir):
    import resource

    for megabytes in (60, 80, 100, 120, 250):
        limit = megabytes << 20

        def cap():
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

        r = subprocess.run([sys.executable, "-m", "qa.cli", "index", "--index", f"i{megabytes}"],
                           cwd=workdir, text=True, capture_output=True, timeout=180,
                           preexec_fn=cap)
        assert r.returncode in (0, 2), (megabytes, r.stderr[-300:])
        assert "Traceback" not in r.stderr and "OpenBLAS" not in r.stderr, megabytes
        if r.returncode == 2:
            assert r.stderr.count("\n") == 1 and r.stderr.startswith("qa: error: "), r.stderr


def test_sigterm_while_answering_from_a_temporary_index_removes_it(workdir, tmp_path):
    import signal

    temp = tmp_path / "tmp"
    temp.mkdir()
    (workdir / "blocker").write_text("a file where the index folder should be")
    env = {**os.environ, "TMPDIR": str(temp)}
    proc = subprocess.Popen([sys.executable, "-m", "qa.cli", "ask", "--json",
                             "--index", "blocker/index", "-"], cwd=workdir, env=env, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdin.write("how far from al-Mayadin?\n")
    proc.stdin.flush()
    assert "10 km" in proc.stdout.readline()  # answered from the temporary index
    assert len(list(temp.glob("qa-index-*"))) == 1
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=120)
    proc.stdin.close()
    assert "Traceback" not in proc.stderr.read()
    proc.stdout.close()
    proc.stderr.close()
    assert list(temp.glob("qa-index-*")) == []


def test_build_workers_end_on_the_pools_sigterm_whatever_handler_the_build_holds():
    """qa turns SIGTERM into SystemExit while it runs (`qa.termination`); its build workers
    must not inherit that: a worker that caught it could hang the build's clean-up."""
    import signal

    from qa.index import workers

    previous = signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    try:
        for method in ("fork", "spawn"):
            with workers.Workers(1, method) as pool:
                pool.submit(0, signal.getsignal, signal.SIGTERM)
                held = pool.result(0)
            assert held == signal.SIG_DFL, method
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_rebuilders_waiting_for_one_another_build_once(workdir):
    """Three `qa ask` find the index stale while a build holds its lock (held here): when it
    is released one builds, and the other two wait for it and use its index."""
    import fcntl

    assert run_qa("index", cwd=workdir).returncode == 0
    (workdir / "seeds" / "new.txt").write_text("A new article about the zanzibarite convoy.")
    with open(workdir / "index" / ".lock", "rb") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        procs = [subprocess.Popen([sys.executable, "-m", "qa.cli", "ask", "zanzibarite"],
                                  cwd=workdir, text=True, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE) for _ in range(3)]
        firsts = [p.stderr.readline() for p in procs]  # each is at the lock now
        fcntl.flock(lock, fcntl.LOCK_UN)
    results = [(first + p.stderr.read(), p.stdout.read(), p.wait(timeout=180))
               for first, p in zip(firsts, procs)]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    assert all(code == 0 and "zanzibarite" in out for _, out, code in results), results
    assert sum(err.count("qa: building the index in ") for err, _, _ in results) == 1, [
        err for err, _, _ in results]


@pytest.mark.parametrize("name, damage", [
    ("sentences.jsonl", lambda data: data[:40] + b"\xff" + data[41:]),  # not UTF-8 any more
    ("sentences.doc.npy", lambda data: data[:-4] + b"\xff\xff\xff\x7f"),  # a huge article number
    ("terms.ptr.npy", lambda data: data[:-16] + data[-8:] + data[-16:-8]),  # two swapped
    ("postings.score.npy", lambda data: data[:-8] + b"\x00" * 8),  # a score zeroed
    ("terms.jsonl", lambda data: data[:-3] + bytes([data[-3] ^ 1]) + data[-2:]),  # a letter
])
def test_corruption_that_keeps_sizes_means_a_rebuild_with_a_reason(workdir, qa, name, damage):
    assert qa("index").code == 0
    index = workdir / "index"
    path = index / json.loads((index / "manifest.json").read_text())["data"] / name
    data = path.read_bytes()
    with open(path, "r+b") as f:  # in place, size kept
        f.write(damage(data))
    assert path.stat().st_size == len(data)
    r = qa("ask", "how far from al-Mayadin?")
    assert r.code == 0 and "Traceback" not in r.err
    assert "building the index" in r.err and f"{name} is corrupt" in r.err
    assert "10 km" in r.out


def test_a_copied_index_is_checked_by_content_and_used(workdir, qa):
    import shutil

    assert qa("index").code == 0
    shutil.copytree(workdir / "index", workdir / "copy")
    r = qa("ask", "--index", "copy", "how far from al-Mayadin?")
    assert r.code == 0 and "10 km" in r.out and "building" not in r.err


def test_links_out_of_the_index_folder_are_not_followed(workdir, qa, tmp_path):
    import shutil

    assert qa("index").code == 0
    index = workdir / "index"
    data = json.loads((index / "manifest.json").read_text())["data"]
    outside = tmp_path / "outside"
    shutil.move(index / data, outside)  # the generation now lives elsewhere, linked
    (index / data).symlink_to(outside)
    r = qa("ask", "how far from al-Mayadin?")
    assert r.code == 0 and "10 km" in r.out
    assert "building the index" in r.err and "not a plain folder" in r.err
    (index / ".lock").unlink()
    (tmp_path / "victim").write_text("mine")
    (index / ".lock").symlink_to(tmp_path / "victim")
    r = qa("index")
    assert r.code == 2 and r.err.count("\n") == 1 and "link" in r.err
    assert (tmp_path / "victim").read_text() == "mine"
