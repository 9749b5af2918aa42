"""The persistent index: built when missing, rebuilt when stale or corrupt, replaced atomically."""
import json
import os

import pytest

from qa.index import analysis as analysis_mod
from qa.index import segments as segments_mod
from qa.index import writer as build_mod
from qa.index import reader as index_mod
from qa.index.format import FORMAT_VERSION
from qa.api import open_index
from qa.config import locate


def fresh_process():
    """Forget the cached handle, as a new `qa` process would."""
    from qa import clear_index_cache

    clear_index_cache()


def messages():
    seen: list[str] = []
    return seen, seen.append


def test_built_when_missing_then_reused(workdir):
    seen, notify = messages()
    first = open_index(notify=notify)
    assert first.size == 13
    assert any("building the index" in m and "no index yet" in m for m in seen)
    seen.clear()
    again = open_index(notify=notify)
    assert again.size == 13 and seen == []
    manifest = json.loads((workdir / "index" / "manifest.json").read_text())
    assert manifest["format_version"] == FORMAT_VERSION
    assert manifest["analyzer"]["stem"] == "snowball-english"
    assert [s["sha256"] for s in manifest["sources"]][0]


@pytest.mark.parametrize("change, reason, texts", [
    (lambda d: (d / "seeds" / "new.txt").write_text("A new article appeared here."),
     "new.txt appeared", None),
    (lambda d: (d / "seeds" / "000_c9ff2a859012aa2b.txt").unlink(),
     "000_c9ff2a859012aa2b.txt vanished", ["Still one article left."]),
    (lambda d: (d / "seeds" / "000_c9ff2a859012aa2b.txt").write_text("Edited. Completely."),
     "000_c9ff2a859012aa2b.txt changed", None),
])
def test_rebuilt_when_a_source_changes(workdir, change, reason, texts):
    (workdir / "seeds" / "other.txt").write_text("Still one article left.")
    open_index(notify=lambda m: None)
    change(workdir)
    seen, notify = messages()
    index = open_index(notify=notify)
    assert any("building the index" in m and reason in m for m in seen), seen
    if texts:
        assert [index.sentence(i).text for i in range(index.size)] == texts
    elif "changed" in reason:
        assert ["Edited.", "Completely."] == [index.sentence(i).text for i in range(2)]


def test_rebuilt_when_the_edit_keeps_size_and_time(workdir):
    open_index(notify=lambda m: None)
    path = next((workdir / "seeds").iterdir())
    stat = path.stat()
    data = path.read_bytes()
    path.write_bytes(data.replace(b"Friday", b"Monday", 1))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # size and mtime as they were
    seen, notify = messages()
    index = open_index(notify=notify)
    assert any("changed" in m for m in seen)
    assert "Monday" in index.sentence(0).text


@pytest.mark.parametrize("damage", [
    lambda folder, gen: (folder / "manifest.json").write_text("{not json"),
    lambda folder, gen: (folder / "manifest.json").write_text(json.dumps({"format": "x"})),
    lambda folder, gen: (gen / "postings.score.npy").write_bytes(b"garbage"),
    lambda folder, gen: (gen / "sentences.jsonl").unlink(),
    lambda folder, gen: (gen / "terms.ptr.npy").write_bytes(
        (gen / "terms.ptr.npy").read_bytes()[:-8]),
])
def test_corrupt_index_is_rebuilt_with_a_message(workdir, damage):
    open_index(notify=lambda m: None)
    folder = workdir / "index"
    gen = folder / json.loads((folder / "manifest.json").read_text())["data"]
    damage(folder, gen)
    fresh_process()
    seen, notify = messages()
    index = open_index(notify=notify)
    assert index.size == 13
    assert any("building the index" in m for m in seen)


def test_old_format_version_is_rebuilt(workdir):
    open_index(notify=lambda m: None)
    path = workdir / "index" / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["format_version"] = 0
    path.write_text(json.dumps(manifest))
    seen, notify = messages()
    open_index(notify=notify)
    assert any("format" in m for m in seen)


def test_manifest_naming_files_outside_the_index_is_refused(workdir):
    open_index(notify=lambda m: None)
    path = workdir / "index" / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["data"] = "../../etc"
    path.write_text(json.dumps(manifest))
    seen, notify = messages()
    assert open_index(notify=notify).size == 13
    assert any("outside" in m for m in seen)


def test_a_rebuild_leaves_one_generation_and_no_staging(workdir):
    open_index(notify=lambda m: None)
    open_index(rebuild=True, notify=lambda m: None)
    names = sorted(p.name for p in (workdir / "index").iterdir())
    assert [n for n in names if n.startswith(("gen-", ".build-"))] == [
        json.loads((workdir / "index" / "manifest.json").read_text())["data"]]


def test_a_failed_build_leaves_the_old_index_answering(workdir, monkeypatch):
    before = open_index(notify=lambda m: None)
    first = [before.sentence(i).text for i in range(before.size)]
    (workdir / "seeds" / "new.txt").write_text("Another article.")

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(segments_mod, "write_postings", broken)  # a build's postings
    monkeypatch.setattr(segments_mod.postings, "merge_postings", broken)  # an update's
    with pytest.raises(build_mod.IndexWriteError, match="No space left"):
        build_mod.build([workdir / "seeds"], workdir / "index")
    reopened = index_mod.Index.open(workdir / "index")
    assert [reopened.sentence(i).text for i in range(reopened.size)] == first
    assert not list((workdir / "index").glob(".build-*"))


def test_explicit_index_and_corpus_locations(workdir, tmp_path_factory):
    other = tmp_path_factory.mktemp("elsewhere")
    (other / "a.txt").write_text("Alpha beta gamma. Delta epsilon.")
    location = locate(index=str(other / "idx"), corpus=[str(other / "a.txt")])
    index = open_index(location, notify=lambda m: None)
    assert index.size == 2
    # Later calls without a corpus use the one the index was built from.
    assert open_index(locate(index=str(other / "idx")), notify=lambda m: None).size == 2


# ------------------------------------------------------------------ streaming, parallel build


def write_mixed_corpus(folder):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "a.txt").write_text("BEIRUT (Reuters) - The army took Zarqa. Rebels said so.")
    (folder / "b.md").write_text("# A title\n\nThe convoy reached the border. It stopped.")
    lines = [json.dumps({"id": f"j{i}", "text": f"Article {i} says the port reopened. "
                                                 f"Officials said trade {i} resumed.",
                         "title": f"T{i}", "date": "2017-09-01"}) for i in range(40)]
    lines.insert(3, "{not json")
    lines.insert(5, json.dumps({"id": "j1", "text": "A duplicate id."}))
    lines.append(json.dumps({"id": "s", "text": "A lone \ud800 surrogate escape."}))
    (folder / "c.jsonl").write_text("\n".join(lines) + "\n")
    (folder / "d.txt").write_bytes(b"\xff\xfe not utf-8")


def test_a_lone_surrogate_escape_in_jsonl_becomes_a_replacement_character(tmp_path):
    from qa.ingest import read_corpus

    write_mixed_corpus(tmp_path / "c")
    corpus = read_corpus([tmp_path / "c"])
    assert corpus.documents[-1].text == "A lone \ufffd surrogate escape."  # one for one
    build_mod.build([tmp_path / "c"], tmp_path / "idx")  # and the build does not crash


def test_parallel_build_writes_the_same_files(tmp_path, monkeypatch):
    write_mixed_corpus(tmp_path / "c")
    monkeypatch.setattr(analysis_mod, "_CHUNK_BYTES", 200)  # many chunks, out of order finishes
    one = build_mod.build([tmp_path / "c"], tmp_path / "one", workers=1)
    two = build_mod.build([tmp_path / "c"], tmp_path / "two", workers=2)
    assert (one.documents, one.sentences, one.terms, one.problems) == \
        (two.documents, two.sentences, two.terms, two.problems)
    assert one.documents == 43
    data = []
    for name in ("one", "two"):
        folder = tmp_path / name
        gen = folder / json.loads((folder / "manifest.json").read_text())["data"]
        data.append({p.name: p.read_bytes() for p in gen.iterdir()})
    assert data[0] == data[1]
    index = index_mod.Index.open(tmp_path / "two")
    assert index.docs[index.doc_number("j7")]["title"] == "T7"
    firsts = [doc["first"] for doc in index.docs]
    assert firsts == sorted(firsts) and index.sent_doc[firsts[-1]] == len(firsts) - 1


def _generation_files(folder):
    gen = folder / json.loads((folder / "manifest.json").read_text())["data"]
    return {p.name: p.read_bytes() for p in gen.iterdir()}


def test_postings_inverted_a_range_of_terms_at_a_time_are_the_same(tmp_path, monkeypatch):
    """The build inverts its tokens in term ranges to bound its memory: however small the
    ranges, the index files are byte for byte those of one range, and answers are the same."""
    write_mixed_corpus(tmp_path / "c")
    build_mod.build([tmp_path / "c"], tmp_path / "whole")
    monkeypatch.setattr("qa.index.postings.RANGE_TOKENS", 7)  # a range per term or two
    build_mod.build([tmp_path / "c"], tmp_path / "ranged")
    monkeypatch.setattr("qa.index.postings.RANGE_TOKENS", 10**9)
    monkeypatch.setattr("qa.index.postings.RANGE_TERMS", 2)  # ranges bounded by their terms
    build_mod.build([tmp_path / "c"], tmp_path / "few")
    whole = _generation_files(tmp_path / "whole")
    assert len(whole) > 20 and whole == _generation_files(tmp_path / "ranged")
    assert whole == _generation_files(tmp_path / "few")
    top = index_mod.Index.open(tmp_path / "ranged").top(["port", "reopen"], 3)
    assert top == index_mod.Index.open(tmp_path / "whole").top(["port", "reopen"], 3) and top


def test_source_table_derived_in_a_process_of_its_own_is_the_same(tmp_path, monkeypatch):
    """A large build writes its source table in a second process while it computes the
    postings: the index files are byte for byte those of one process, for a build and for
    an update of it."""
    write_mixed_corpus(tmp_path / "c")
    build_mod.build([tmp_path / "c"], tmp_path / "one", workers=1)
    monkeypatch.setattr(segments_mod, "ASIDE_SENTENCES", 0)
    build_mod.build([tmp_path / "c"], tmp_path / "two", workers=2)
    one, two = _generation_files(tmp_path / "one"), _generation_files(tmp_path / "two")
    assert len(one) > 20 and "sources.jsonl" in one and one == two
    (tmp_path / "c" / "late.txt").write_text("The minister said the port would reopen.")
    build_mod.build([tmp_path / "c"], tmp_path / "two", workers=2)  # an update, aside
    monkeypatch.setattr(segments_mod, "ASIDE_SENTENCES", 10**9)
    build_mod.build([tmp_path / "c"], tmp_path / "one", workers=2)  # the same, in one process
    one, two = _generation_files(tmp_path / "one"), _generation_files(tmp_path / "two")
    assert b"port would reopen" in one["sentences.jsonl"] and one == two


def test_a_failed_source_table_in_its_own_process_fails_the_build(tmp_path, monkeypatch):
    write_mixed_corpus(tmp_path / "c")
    build_mod.build([tmp_path / "c"], tmp_path / "idx", workers=1)
    before = _generation_files(tmp_path / "idx")
    (tmp_path / "c" / "late.txt").write_text("The minister said the port would reopen.")

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(segments_mod, "ASIDE_SENTENCES", 0)
    monkeypatch.setattr(segments_mod, "write_source_table", broken)  # seen by a forked process
    with pytest.raises(build_mod.IndexWriteError, match="No space left"):
        build_mod.build([tmp_path / "c"], tmp_path / "idx", workers=2, fresh=True)
    assert _generation_files(tmp_path / "idx") == before
    assert not list((tmp_path / "idx").glob(".build-*"))


def test_build_reports_progress_in_bytes(tmp_path):
    write_mixed_corpus(tmp_path / "c")
    seen = []
    build_mod.build([tmp_path / "c"], tmp_path / "i", progress=lambda d, t: seen.append((d, t)))
    total = sum(p.stat().st_size for p in (tmp_path / "c").iterdir())
    assert seen and seen[-1][1] == total and seen[-1][0] <= total
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_term_lookup_finds_every_term_and_nothing_else(seed_index):
    terms = list(seed_index.terms)
    assert terms == sorted(terms)
    assert all(seed_index.term_id(t) == i for i, t in enumerate(terms))
    for absent in ("", "zzzz", "\ud800", terms[0] + "\x00", "é" * 3):
        assert seed_index.term_id(absent) is None


def test_records_find_with_escaped_strings(tmp_path):
    from qa.index.records import Records, RecordWriter

    values = sorted(['a"b', "a\\b", "tab\there", "\x01", "é", "ab", "zz", "日本", "a"])
    writer = RecordWriter(tmp_path, "words")
    writer.extend(values)
    writer.close()
    records = Records(tmp_path, "words")
    assert [records.find(v) for v in values] == list(range(len(values)))
    assert records.find("b") is None and records.find("a\\") is None


def test_forward_data_is_what_analysing_the_sentence_gives(seed_index):
    """Re-ranking reads each sentence's terms and word offsets from the index instead of
    analysing the text again: they must be exactly what the analyzer gives."""
    for i in range(seed_index.size):
        text = seed_index.sentence(i).text
        ids, starts, ends = seed_index.token_spans(i)
        assert [seed_index.terms[t] for t in ids] == [t.term for t in seed_index.analyzer.tokens(text)]
        assert list(zip(starts, ends)) == [(t.start, t.end) for t in seed_index.analyzer.tokens(text)]
        assert seed_index.paragraph[i] == seed_index.record(i).paragraph


def test_pruned_top_k_equals_the_full_sum(tmp_path, monkeypatch):
    """A query mixing rare and common terms skips most common postings (qa.index.topk) but gives
    the same k best, the same best score and the same score for any sentence."""
    import random

    from qa.index import topk

    rng = random.Random(7)
    words = ["harbour", "convoy", "border", "market", "wheat", "copper", "tanker", "budget"]
    lines = [json.dumps({"id": f"a{n}", "text": " ".join(
        f"Officials said the {rng.choice(words)} {rng.choice(words)} report was ready {n}."
        for _ in range(3))}) for n in range(60)]
    (tmp_path / "c.jsonl").write_text("\n".join(lines) + "\n")
    build_mod.build([tmp_path / "c.jsonl"], tmp_path / "idx")
    index = index_mod.Index.open(tmp_path / "idx")
    monkeypatch.setattr(topk, "COMMON", 40)
    pruned = 0
    for query in (["said", "copper", "tanker"], ["offici", "said", "wheat"], ["said", "budget"],
                  ["report", "said", "tanker", "copper"], ["readi", "report"]):  # all common
        full = index.bm25_scores(query)
        for k in (3, 10):
            fast = index.top_matches(query, k)
            pruned += isinstance(fast, topk.PrunedMatches)
            assert (fast.best(k).ids, fast.best(k).scores) == (full.best(k).ids,
                                                                full.best(k).scores)
            assert fast.highest() == full.highest()
            assert [fast.score(i, -1.0) for i in range(index.size)] == \
                [full.score(i, -1.0) for i in range(index.size)]
            if isinstance(fast, topk.PrunedMatches):  # all at once, as the ranking's bounds
                import numpy as np

                assert fast.scores_of(np.arange(index.size)).tolist() == \
                    [full.score(i, 0.0) for i in range(index.size)]
    assert pruned > 0


def test_a_filter_keeps_the_same_matches_from_lists_and_from_arrays():
    """--source narrows the matches before ranking: a large query's arrays and a small one's
    lists keep the same sentences with the same scores."""
    import random

    import numpy as np

    from qa.index.matches import Matches

    rng = random.Random(3)
    ids = sorted(rng.sample(range(5000), 900))
    scores = [rng.random() for _ in ids]
    for allowed in (set(rng.sample(range(5200), n)) for n in (0, 5, 100, 3000, 5200)):
        small = Matches(ids, scores).among(allowed)
        large = Matches(np.array(ids, np.int64), np.array(scores)).among(allowed)
        assert small.ids == large.ids.tolist() == [i for i in ids if i in allowed]
        assert small.scores == large.scores.tolist()


def test_scores_among_some_sentences_are_the_full_sums(seed_index):
    """--source scores only its own sentences when they are fewer than the postings: the
    same sentences and floats as summing every posting and keeping those."""
    import random

    rng = random.Random(5)
    n = seed_index.size
    for query in (["said"], ["forc", "govern", "said"], ["citi", "km", "citi"], ["nosuchterm"]):
        for wanted in (set(), {0}, set(rng.sample(range(n), 3)), set(range(n))):
            full = seed_index.bm25_scores(query).among(wanted)
            some = seed_index.bm25_among(query, wanted)
            assert list(some.ids) == list(full.ids) and list(some.scores) == list(full.scores)


def test_an_articles_range_found_from_one_of_its_sentences_is_the_whole_search(tmp_path):
    """Ranking finds an article's first and last sentences from a sentence it holds (a search
    near it): the same as searching every sentence, for short articles and for one longer
    than the stretch searched near a sentence."""
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "long.txt").write_text(" ".join(f"Line {n} holds a fact." for n in range(150)))
    for n in range(5):
        (corpus / f"short{n}.txt").write_text(f"Story {n} is short. It ends here.")
    build_mod.build([corpus], tmp_path / "idx")
    index = index_mod.Index.open(tmp_path / "idx")
    assert index.size > 150
    for i in range(index.size):
        d = index.sent_doc[i]
        first, stop = index.doc_range(d)
        assert index.sent_doc[first] == d and (first == 0 or index.sent_doc[first - 1] != d)
        assert index.doc_range(d, near=i) == (first, stop)
        assert index.article_first(i) == first
