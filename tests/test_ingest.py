import json

import pytest

from qa.ingest import CorpusError, read_corpus
from qa.metadata import read_metadata


@pytest.mark.parametrize("head, date, place, agency", [
    ("date 2017-10-06 BEIRUT (Reuters) - Body.", "2017-10-06", "BEIRUT", "Reuters"),
    ("date 2017-10-06\nWASHINGTON, Oct 5 (Reuters) - Body.", "2017-10-06", "WASHINGTON",
     "Reuters"),
    ("NEW YORK, March 3 - Body.", "", "NEW YORK", ""),
    ("CHARLOTTE, N.C., April 9 - Body.", "", "CHARLOTTE, N.C.", ""),
    ("RICHMOND, Va. Feb 26 - Body.", "", "RICHMOND, Va.", ""),
    ("St. Paul, Minn., MARCH 2 - Body.", "", "St. Paul, Minn.", ""),
    ("CHARLOTTE, N.C. (Reuters) - Body.", "", "CHARLOTTE, N.C.", "Reuters"),
    ("Body, Figure 3 - of them.", "", "", ""),
    ("RIO DE JANEIRO (AP) — Body.", "", "RIO DE JANEIRO", "AP"),
    ("Body without a dateline - really.", "", "", ""),
])
def test_metadata(head, date, place, agency):
    meta = read_metadata(head)
    assert (meta.date, meta.place, meta.agency) == (date, place, agency)
    assert head[meta.body_start:].startswith("Body")


def test_txt_md_and_jsonl_are_read_with_ids(tmp_path):
    (tmp_path / "one.txt").write_text("First article. It is short.")
    (tmp_path / "two.md").write_text("# A title\n\nSecond article.")
    (tmp_path / "more.jsonl").write_text(
        json.dumps({"id": "j1", "text": "Third.", "title": "T", "date": "2020-02-02"}) + "\n"
        + json.dumps({"id": 7, "text": "Fourth."}) + "\n")
    (tmp_path / "ignored.csv").write_text("a,b")
    corpus = read_corpus([tmp_path])
    docs = {d.id: d for d in corpus.documents}
    assert set(docs) == {"one", "two", "j1", "7"}
    assert docs["two"].title == "A title"
    assert docs["two"].text[docs["two"].body_start:] == "Second article."
    assert (docs["j1"].title, docs["j1"].date) == ("T", "2020-02-02")
    assert corpus.problems == []


def test_bad_files_and_lines_are_reported_by_name_and_the_rest_is_read(tmp_path):
    (tmp_path / "good.txt").write_text("Fine text.")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02PNG")
    (tmp_path / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    (tmp_path / "lines.jsonl").write_text('{"id": "a", "text": "Ok."}\nnot json\n{"id": "b"}\n')
    corpus = read_corpus([tmp_path])
    assert [d.id for d in corpus.documents] == ["good", "a"] or \
        sorted(d.id for d in corpus.documents) == ["a", "good"]
    problems = "\n".join(corpus.problems)
    assert "binary.txt: skipped: binary file" in problems
    assert "latin1.txt: skipped: not UTF-8" in problems
    assert "lines.jsonl:2: skipped" in problems
    assert "lines.jsonl:3: skipped" in problems


def test_missing_path_is_an_error(tmp_path):
    with pytest.raises(CorpusError, match="no such file"):
        read_corpus([tmp_path / "nope"])


def test_symlink_loop_in_a_folder_is_not_followed(tmp_path):
    (tmp_path / "a.txt").write_text("One sentence.")
    (tmp_path / "loop").symlink_to(tmp_path)
    corpus = read_corpus([tmp_path])
    assert [d.id for d in corpus.documents] == ["a"]
