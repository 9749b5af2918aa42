"""Updating an index as its folder changes: only new and changed articles are analysed, and the
updated index answers exactly as a fresh build of the same articles."""
import json
import os
import signal
import sys
from pathlib import Path

import pytest

from test_reliability import _build_killed_before_step, _kill_points, answers

from qa.index.format import MANIFEST

QUESTIONS = ["who said oil prices would rise?", "how far from al-Mayadin?",
             "what did the minister say about wheat exports", "army convoy near the border",
             "said"]

ARTICLES = {
    "oil.txt": "Oil prices rose sharply on Monday, traders said. OPEC ministers meet in Vienna "
               "next week. The minister said output would fall in March.",
    "wheat.txt": "Wheat exports from the harbour doubled, the ministry said on Tuesday. Farmers "
                 "said the harvest was the best in a decade.",
    "army.txt": "An army convoy was attacked near the border, officials said. Rebels denied "
                "any part in the attack.",
    "court.md": "# Court ruling\n\nThe senate court ruled against the election law. Lawyers "
                "said they would appeal.",
}
WIRE = [
    {"id": "w1", "title": "Gold", "text": "Gold fell in Zurich, dealers said. Silver was flat."},
    {"id": "w2", "text": "The central bank held rates, its governor said. Markets rose."},
    {"id": "w3", "text": "Shares in Tokyo fell for a third day. Exporters led the losses."},
    {"id": "w4", "text": "The minister said wheat prices would rise. Bakers were worried."},
]


def write(corpus: Path, articles: dict, wire: list) -> None:
    corpus.mkdir(exist_ok=True)
    for name in set(os.listdir(corpus)) - set(articles) - {"wire.jsonl"}:
        (corpus / name).unlink()
    for name, text in articles.items():
        path = corpus / name
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
    (corpus / "wire.jsonl").write_text("".join(json.dumps(r) + "\n" for r in wire))


def changed(articles: dict, wire: list) -> tuple[dict, list]:
    """An article added, one removed, one edited; in the JSONL one line edited, one dropped,
    one added."""
    articles = dict(articles)
    articles["syria.txt"] = ("Government forces reached within 10 km of al-Mayadin, a military "
                             "media unit said. The city lies on the Euphrates.")
    del articles["court.md"]
    articles["oil.txt"] += " Analysts said prices would rise again."
    wire = [dict(r) for r in wire]
    wire[1]["text"] += " Bond yields fell."
    del wire[2]
    wire.append({"id": "w9", "text": "Copper rose in London, traders said."})
    return articles, wire


def ask_all(qa, index: str) -> list:
    out = []
    for question in QUESTIONS:
        r = qa("ask", "--json", "-k", "10", question, "--index", index)
        assert r.code in (0, 1), r.err
        out.append(json.loads(r.out) if r.out.strip() else None)
    return out


def generation(folder: Path) -> Path:
    return folder / json.loads((folder / MANIFEST).read_text())["data"]


def test_an_updated_index_answers_exactly_as_a_fresh_build(workdir, qa):
    corpus = workdir / "wire"
    write(corpus, ARTICLES, WIRE)
    r = qa("index", str(corpus), "--index", "idx")
    assert r.code == 0 and "updated" not in r.out
    write(corpus, *changed(ARTICLES, WIRE))
    updated = ask_all(qa, "idx")  # the first ask finds the index stale and updates it
    # ... leaving the source table and names for the first run that reads them
    assert json.loads((workdir / "idx" / MANIFEST).read_text())["late"] is True
    assert qa("index", str(corpus), "--index", "fresh", "--fresh").code == 0
    assert updated == ask_all(qa, "fresh")
    assert any(q and q["hits"] for q in updated)
    said = qa("said", "traders", "--json", "--index", "idx")  # writes them first
    assert said.code == 0 and said.out == qa("said", "traders", "--json", "--index", "fresh").out
    assert json.loads((workdir / "idx" / MANIFEST).read_text())["late"] is False
    r = qa("ask", "--json", "prices", "--source", "traders", "--index", "idx")
    assert r.code == 0 and r.out == qa("ask", "--json", "prices", "--source", "traders",
                                       "--index", "fresh").out
    # files carried over as hard links are recorded as they are now, so an open does not
    # hash them again (qa.index.checksums)
    manifest = json.loads((workdir / "idx" / MANIFEST).read_text())
    for name, record in manifest["checksums"].items():
        info = os.lstat(generation(workdir / "idx") / name)
        assert record["stamp"] == [info.st_ino, info.st_ctime_ns], name
    # more than the answers: every file but the completion names is byte for byte a fresh
    # build's (names of removed articles stay until a fresh build; they only complete)
    assert_same_files(workdir / "idx", workdir / "fresh")


def assert_as_fresh_build(qa, workdir: Path, corpus: Path, files: bool = False) -> None:
    """The index in idx answers as a fresh build of `corpus` (made in fresh) does, and with
    `files`, holds the same files."""
    assert qa("index", str(corpus), "--index", "fresh", "--fresh").code == 0
    assert ask_all(qa, "idx") == ask_all(qa, "fresh")
    if files:
        assert_same_files(workdir / "idx", workdir / "fresh")


def assert_same_files(index: Path, fresh: Path) -> None:
    """Every file of the two indexes' generations but the completion names is the same, and
    so is its checksum in the manifests (an update hashes some files while it writes others)."""
    sums = [json.loads((folder / MANIFEST).read_text())["checksums"] for folder in (index, fresh)]
    new, fresh = generation(index), generation(fresh)
    names = sorted(p.name for p in fresh.iterdir() if not p.name.startswith("names"))
    assert names == sorted(p.name for p in new.iterdir() if not p.name.startswith("names"))
    for name in names:
        assert (new / name).read_bytes() == (fresh / name).read_bytes(), name
    hashes = [{name: record["sha256"] for name, record in table.items()
               if not name.startswith("names")} for table in sums]
    assert hashes[0] == hashes[1]


def test_an_article_added_alone_gives_a_fresh_builds_files(workdir, qa):
    """The carried postings' most common case: nothing removed, terms sorting before and
    after every kept one ('aardvark', 'zymurgy'), an article sorting first in the folder."""
    corpus = workdir / "wire"
    write(corpus, ARTICLES, WIRE)
    assert qa("index", str(corpus), "--index", "idx").code == 0
    write(corpus, {**ARTICLES, "0-first.txt": "Aardvark and zymurgy exports rose, traders "
                                              "said. Oil prices fell."}, WIRE)
    r = qa("index", str(corpus), "--index", "idx")
    assert r.code == 0 and "(updated: 1 article analysed, 0 removed, 8 kept)" in r.out, r.out
    assert_as_fresh_build(qa, workdir, corpus, files=True)


def test_an_update_done_a_few_items_at_a_time_gives_a_fresh_builds_files(workdir, qa,
                                                                         monkeypatch):
    """An update merges the old postings, renumbers terms and article records a chunk at a
    time (2^18 of 10^7 postings): in chunks of 2 or 3, new and removed items fall on every
    side of the chunks' bounds."""
    from qa.index import gather, postings

    merged = []
    merge = postings.merge_postings
    monkeypatch.setattr(postings, "MERGE_CHUNK", 3)
    monkeypatch.setattr(gather, "MERGE_CHUNK", 3)
    monkeypatch.setattr(gather, "DOC_LINES", 2)
    monkeypatch.setattr(postings, "merge_postings", lambda *a: merged.append(1) or merge(*a))
    corpus = workdir / "wire"
    write(corpus, ARTICLES, WIRE)
    assert qa("index", str(corpus), "--index", "idx").code == 0
    articles, wire = changed(ARTICLES, WIRE)
    write(corpus, {**articles, "0-first.txt": "Aardvark and zymurgy exports rose, traders "
                                              "said. Oil prices fell."}, wire)
    r = qa("index", str(corpus), "--index", "idx")
    assert r.code == 0 and "(updated: 5 articles analysed, 4 removed, 4 kept)" in r.out, r.out
    assert merged  # carried over, not inverted again
    assert_as_fresh_build(qa, workdir, corpus, files=True)


def test_an_update_that_reorders_articles_is_still_a_fresh_builds_index(workdir, qa):
    """Lines of a JSONL file swapped (the kept articles change order, so the postings cannot
    be carried over as they are) and an article added and one removed at once."""
    corpus = workdir / "wire"
    write(corpus, ARTICLES, WIRE)
    assert qa("index", str(corpus), "--index", "idx").code == 0
    articles = {**ARTICLES, "syria.txt": "Forces reached al-Mayadin, a media unit said."}
    del articles["army.txt"]
    write(corpus, articles, [WIRE[2], WIRE[0], WIRE[3], WIRE[1]])
    r = qa("index", str(corpus), "--index", "idx")
    assert r.code == 0 and "(updated: 1 article analysed, 1 removed, 7 kept)" in r.out, r.out
    assert_as_fresh_build(qa, workdir, corpus, files=True)


def test_only_new_and_changed_articles_are_analysed(workdir, qa):
    corpus = workdir / "wire"
    write(corpus, ARTICLES, WIRE)
    assert qa("index", str(corpus), "--index", "idx").code == 0
    write(corpus, *changed(ARTICLES, WIRE))
    r = qa("index", str(corpus), "--index", "idx")
    # syria, oil, w2 (edited), w9: analysed; court, w3 and the old oil and w2: removed
    assert r.code == 0 and "(updated: 4 articles analysed, 4 removed, 4 kept)" in r.out, r.out
    before = generation(workdir / "idx")
    r = qa("index", str(corpus), "--index", "idx")
    assert "(updated: 0 articles analysed, 0 removed, 8 kept)" in r.out
    assert generation(workdir / "idx") == before  # nothing changed: nothing written
    assert len([p for p in (workdir / "idx").iterdir() if p.name.startswith("gen-")]) == 1


def test_an_index_analysed_by_other_code_is_built_again_not_updated(workdir, qa):
    """After an upgrade of qa (its sentence splitting or attribution replaced), kept articles
    would carry the old code's analysis beside the new: the index is built from scratch."""
    corpus = workdir / "wire"
    write(corpus, ARTICLES, WIRE)
    assert qa("index", str(corpus), "--index", "idx").code == 0
    path = workdir / "idx" / MANIFEST
    manifest = json.loads(path.read_text())
    manifest["analysis"][0][3] += 1  # as if that file of qa had been replaced since
    manifest["analysis"][0][2] += 1
    path.write_text(json.dumps(manifest))
    write(corpus, *changed(ARTICLES, WIRE))
    r = qa("index", str(corpus), "--index", "idx")
    assert r.code == 0 and "updated" not in r.out, r.out
    assert_as_fresh_build(qa, workdir, corpus)
    manifest = json.loads(path.read_text())
    manifest["analysis"][0][2] += 1  # the same code with another time (another install)
    path.write_text(json.dumps(manifest))
    r = qa("ask", "--json", "oil prices", "--index", "idx")
    assert r.code == 0 and "building" not in r.err, r.err
    path.write_text(json.dumps({**json.loads(path.read_text()), "analysis": []}))
    r = qa("ask", "--json", "oil prices", "--index", "idx")
    assert r.code == 0 and "analysis code changed" in r.err, r.err


def test_code_replaced_while_a_build_runs_is_seen_at_the_next_question(workdir, qa,
                                                                        monkeypatch):
    """The manifest names the code the build started with: code replaced while the build
    ran (an upgrade in another terminal) makes the next question build again instead of
    trusting an analysis that no code on disk made."""
    from qa.index import freshness, writer

    code = workdir / "attribution_code.py"
    code.write_text("RULES = 1\n")
    monkeypatch.setattr(freshness, "_PACKAGE", workdir)
    monkeypatch.setattr(freshness, "_analysis_files", lambda: [code])
    corpus = workdir / "wire"
    write(corpus, ARTICLES, WIRE)
    describe = writer._synced_and_described

    def upgraded_meanwhile(staging, *done):
        code.write_text("RULES = 22\n")  # another size: a change whatever the clock says
        return describe(staging, *done)

    monkeypatch.setattr(writer, "_synced_and_described", upgraded_meanwhile)
    assert qa("index", str(corpus), "--index", "idx").code == 0
    monkeypatch.setattr(writer, "_synced_and_described", describe)
    r = qa("ask", "--json", "oil prices", "--index", "idx")
    assert r.code == 0 and "analysis code changed" in r.err, r.err
    r = qa("ask", "--json", "oil prices", "--index", "idx")
    assert r.code == 0 and "building" not in r.err, r.err


def test_removing_every_article_of_a_folder_keeps_the_index(workdir, qa):
    corpus = workdir / "wire"
    write(corpus, ARTICLES, WIRE)
    assert qa("index", str(corpus), "--index", "idx").code == 0
    write(corpus, {}, [])
    r = qa("index", str(corpus), "--index", "idx")
    assert r.code == 2 and "was kept" in r.err
    assert qa("ask", "oil prices", "--index", "idx", "--corpus", str(corpus)).code == 2


def test_ids_that_collide_mean_a_fresh_build_with_the_same_answers(workdir, qa):
    corpus = workdir / "wire"
    write(corpus, ARTICLES, WIRE)
    (corpus / "more.jsonl").write_text(json.dumps({"id": "w1", "text": "Tin rose, traders "
                                                   "said."}) + "\n")
    assert qa("index", str(corpus), "--index", "idx").code == 0
    (corpus / "wire.jsonl").write_text(json.dumps(WIRE[1]) + "\n")  # w1 now free for more.jsonl
    r = qa("index", str(corpus), "--index", "idx")
    assert r.code == 0 and "updated" not in r.out  # built afresh: the ids moved
    assert_as_fresh_build(qa, workdir, corpus)


@pytest.mark.parametrize("lookups", [16, 0])
def test_a_new_article_taking_a_kept_articles_id_means_a_fresh_build(workdir, qa, monkeypatch,
                                                                   lookups):
    """An update looks the new articles' ids up among the kept ones (one by one, or all at
    once past `lookups`): an id already used means a fresh build, with the same answers."""
    from qa.index import update

    monkeypatch.setattr(update.KeptIds, "LOOKUPS", lookups)
    corpus = workdir / "wire"
    write(corpus, ARTICLES, WIRE)
    assert qa("index", str(corpus), "--index", "idx").code == 0
    (corpus / "more.jsonl").write_text(json.dumps({"id": "w9", "text": "Zinc fell."}) + "\n")
    r = qa("index", str(corpus), "--index", "idx")
    assert r.code == 0 and "(updated: 1 article analysed, 0 removed, 8 kept)" in r.out, r.out
    (corpus / "late.jsonl").write_text(json.dumps({"id": "w1", "text": "Tin rose."}) + "\n")
    r = qa("index", str(corpus), "--index", "idx")
    assert r.code == 0 and "updated" not in r.out, r.out  # w1 is wire.jsonl's
    assert_as_fresh_build(qa, workdir, corpus)


def test_a_damaged_generation_is_not_built_on(workdir, qa):
    corpus = workdir / "wire"
    write(corpus, ARTICLES, WIRE)
    assert qa("index", str(corpus), "--index", "idx").code == 0
    records = generation(workdir / "idx") / "sentences.jsonl"
    data = bytearray(records.read_bytes())
    data[5] ^= 0x20
    records.write_bytes(bytes(data))
    (corpus / "new.txt").write_text("Cocoa prices fell, traders said.")
    r = qa("index", str(corpus), "--index", "idx")
    assert r.code == 0 and "updated" not in r.out
    assert_as_fresh_build(qa, workdir, corpus)


def test_an_update_killed_before_any_step_leaves_the_old_index_or_the_new_one(tmp_path,
                                                                              monkeypatch):
    """As the kill test of a rebuild (tests/test_reliability.py), for an update of the same
    folder: before the manifest swap the old index answers, after it the updated one."""
    monkeypatch.setattr(os, "fsync", lambda fd: None)
    corpus, folder = tmp_path / "wire", tmp_path / "index"
    new_articles, new_wire = changed(ARTICLES, WIRE)
    from qa.index.writer import build

    write(corpus, new_articles, new_wire)
    build([corpus], folder, fresh=True)
    new_answers = answers(folder)
    write(corpus, ARTICLES, WIRE)
    build([corpus], folder, fresh=True)
    old_answers = answers(folder)
    assert old_answers != new_answers
    write(corpus, new_articles, new_wire)
    steps = _build_killed_before_step(corpus, folder, None)
    swap = next(n for n, s in enumerate(steps, 1) if s.endswith(f" {folder / MANIFEST}"))
    assert any(".build-" in s and "mkdir" in s for s in steps[:swap])  # a segment of its own
    for step in _kill_points(steps):
        write(corpus, ARTICLES, WIRE)
        build([corpus], folder)  # the old index (updated back), and nothing else, in the folder
        left = sorted(p.name for p in folder.iterdir())
        assert left == [".lock", ".qa-index", generation(folder).name, MANIFEST], left
        assert answers(folder) == old_answers
        write(corpus, new_articles, new_wire)
        _build_killed_before_step(corpus, folder, step)
        assert answers(folder) == (new_answers if step > swap else old_answers), steps[step - 1]
        assert_intact(folder)


def assert_intact(folder: Path) -> None:
    """Every file of the generation the manifest names is the one its build hashed (each
    hashed again: a kill must not have written into a generation in use)."""
    import hashlib

    manifest = json.loads((folder / MANIFEST).read_text())
    data = folder / manifest["data"]
    assert sorted(manifest["files"]) == sorted(p.name for p in data.iterdir()
                                               if p.name != ".qa-made")
    for name, record in manifest["checksums"].items():
        assert hashlib.sha256((data / name).read_bytes()).hexdigest() == record["sha256"], name


def test_writing_what_an_update_left_killed_before_any_step_leaves_a_whole_index(tmp_path,
                                                                                 monkeypatch):
    """The source table an update left for later (writer.finish) is written as a build is: a
    kill before any step leaves the updated index answering, with or without the table, and
    the next run writes it."""
    monkeypatch.setattr(os, "fsync", lambda fd: None)
    from qa.index import Index
    from qa.index.writer import build, finish

    corpus, folder, fresh = tmp_path / "wire", tmp_path / "index", tmp_path / "fresh"
    new_articles, new_wire = changed(ARTICLES, WIRE)
    write(corpus, new_articles, new_wire)
    build([corpus], fresh, fresh=True)
    sources = [Index.open(fresh).sources.info(s) for s in range(len(Index.open(fresh).sources))]

    def late_update() -> None:
        write(corpus, ARTICLES, WIRE)
        build([corpus], folder)
        write(corpus, new_articles, new_wire)
        build([corpus], folder, late=True)
        assert not Index.open(folder).complete

    late_update()
    expected = answers(folder)
    steps = _build_killed_before_step(corpus, folder, None, run=lambda: finish(folder))
    swap = next(n for n, s in enumerate(steps, 1) if s.endswith(f" {folder / MANIFEST}"))
    for step in _kill_points(steps):
        late_update()
        _build_killed_before_step(corpus, folder, step, run=lambda: finish(folder))
        assert answers(folder) == expected, steps[step - 1]
        assert_intact(folder)
        assert Index.open(folder).complete == (step > swap), steps[step - 1]
        finish(folder)
        table = Index.open(folder).sources
        assert [table.info(s) for s in range(len(table))] == sources
