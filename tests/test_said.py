"""`qa said` and `qa sources` on the seed article, as a user and a script see them."""
import json

import pytest

from conftest import SEED_ID

OBSERVATORY = "The Syrian Observatory for Human Rights"
TEN_KM = "The government forces had reached within 10 km (7 miles) of the city"


def test_said_lists_the_observatorys_three_statements_newest_first(workdir, qa):
    r = qa("said", "Observatory")
    assert r.code == 0
    blocks = [b for b in r.out.split("\n\n") if b.strip()]
    assert len(blocks) == 3
    assert [b.split("  sentence ")[1].split()[0] for b in blocks] == ["2", "10", "11"]
    for block in blocks:
        assert block.startswith("2017-10-06  BEIRUT (Reuters)  " + SEED_ID)
    assert "a war monitor, said the army supported by Russian forces" in blocks[0]
    assert "said by: The Observatory (said) = " + OBSERVATORY in blocks[1]
    assert "hundreds of strikes, it said." in blocks[2]
    assert "said by: it (said) = " + OBSERVATORY in blocks[2]


def test_said_matches_case_insensitively_and_every_word(workdir, qa):
    assert qa("said", "observatory").out == qa("said", "Observatory").out
    assert qa("said", "syrian", "OBSERVATORY").out == qa("said", "Observatory").out
    r = qa("said", "Observatory", "Hezbollah")
    assert r.code == 1 and r.out == ""


def test_said_hezbollah_includes_the_10_km_sentence(workdir, qa):
    r = qa("said", "Hezbollah")
    assert r.code == 0
    assert TEN_KM in r.out
    assert "said by: Hezbollah, part of the military alliance" in r.out


def test_said_json_lines_have_the_documented_keys_and_exact_spans(workdir, qa):
    r = qa("said", "--json", "Observatory")
    assert r.code == 0
    rows = [json.loads(line) for line in r.out.splitlines()]
    assert len(rows) == 3
    doc_text = (workdir / "seeds" / f"{SEED_ID}.txt").read_text(encoding="utf-8")
    for row in rows:
        assert {"doc", "sentence", "date", "source", "resolved_source", "cue", "content",
                "text", "source_span", "cue_span", "content_span"} <= set(row)
        assert row["doc"] == SEED_ID and row["date"] == "2017-10-06"
        assert doc_text[row["start"]:row["end"]] == row["text"]
        for key in ("source", "cue", "content"):
            s, e = row[f"{key}_span"]
            assert row["text"][s:e] == row[key]
        assert row["resolved_source"].startswith(OBSERVATORY)
    assert [row["source"] for row in rows][1:] == ["The Observatory", "it"]


def test_said_about_ranks_by_the_content(workdir, qa):
    r = qa("said", "--json", "Syrian", "--about", "clashes")
    rows = [json.loads(line) for line in r.out.splitlines()]
    assert r.code == 0 and [row["sentence"] for row in rows] == [10]
    assert rows[0]["score"] > 0
    r = qa("said", "--json", "Hezbollah", "--about", "km road")
    assert [json.loads(line)["sentence"] for line in r.out.splitlines()] == [1]
    r = qa("said", "Hezbollah", "--about", "clashes")  # the words are in no Hezbollah content
    assert r.code == 1 and r.out == "" and "no statement" in r.err


def test_said_dates_k_and_errors(workdir, qa):
    assert qa("said", "Observatory", "--since", "2017-10").code == 0
    assert qa("said", "Observatory", "--until", "2017-10-06").code == 0
    r = qa("said", "Observatory", "--since", "2017-10-07")
    assert r.code == 1 and r.out == ""
    r = qa("said", "Observatory", "--until", "2017-09")
    assert r.code == 1
    assert qa("said", "-k", "1", "Observatory").out.count("  sentence ") == 1
    r = qa("said", "Observatory", "--since", "yesterday")
    assert r.code == 2 and "--since" in r.err and "yesterday" in r.err
    r = qa("said", "Observatory", "--until", "2017-02-30")  # no such day
    assert r.code == 2 and r.out == "" and "--until" in r.err and "2017-02-30" in r.err
    r = qa("said", "Observatory", "--since", "2018", "--until", "2017")  # an empty range
    assert r.code == 2 and r.out == "" and "is after --until" in r.err
    assert qa("said", "Observatory", "--since", "2017-10-06", "--until", "2017-10-06").code == 0
    r = qa("said", "nobody")
    assert r.code == 1 and r.out == "" and "no source matches 'nobody'" in r.err
    assert qa("said", " ").code == 2


def test_sources_lists_six_distinct_sources_with_counts(workdir, qa):
    r = qa("sources")
    assert r.code == 0
    lines = r.out.splitlines()
    assert len(lines) == 6
    counts = {line.split("  2017-10-06")[1].strip().split("  (also")[0]: int(line.split()[0])
              for line in lines}
    assert counts == {"Syrian Observatory for Human Rights": 3, "Syrian military source": 2,
                      "Hezbollah": 1, "two U.S. intelligence officials": 1, "sources": 1,
                      "military media unit run by the Lebanese Hezbollah group": 1}
    assert "(also: The Observatory)" in lines[0]


def test_sources_json_and_about(workdir, qa):
    rows = [json.loads(line) for line in qa("sources", "--json").out.splitlines()]
    assert [row["statements"] for row in rows] == [3, 2, 1, 1, 1, 1]
    assert all(row["first"] == row["last"] == "2017-10-06" for row in rows)
    r = qa("sources", "--json", "--about", "clashes")
    assert [json.loads(line)["name"] for line in r.out.splitlines()] == [
        "Syrian Observatory for Human Rights"]
    r = qa("sources", "--about", "zebra")
    assert r.code == 1 and "no source spoke about 'zebra'" in r.err
    assert qa("sources", "-k", "2").out.count("\n") == 2


def test_ask_source_filter_uses_the_same_sources(workdir, qa):
    r = qa("ask", "--json", "-k", "13", "--source", "Observatory", "al-Mayadin")
    hits = json.loads(r.out)["hits"]
    assert r.code == 0 and hits
    assert {h["sentence"] for h in hits} <= {2, 10, 11}


@pytest.mark.parametrize("env", [{"NO_COLOR": "1"}, {}])
def test_said_is_plain_in_a_pipe(workdir, qa, monkeypatch, env):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    r = qa("said", "Observatory")
    assert "\x1b[" not in r.out
    r = qa("said", "--color", "always", "Observatory")
    assert "\x1b[" in r.out  # an explicit flag wins over NO_COLOR (issue 14)


def test_eval_attribution_measures_qa_said_per_source_beside_grep(qa):
    from conftest import ROOT

    r = qa("eval-attribution", "--json", str(ROOT / "tests" / "data" / "brat"))
    assert r.code == 0
    per_source = json.loads(r.out)["per_source"]
    rows = {row["name"]: row for row in per_source["sources"]}
    assert set(rows) == {"Harbour Workers Union", "Maria Lopez"}
    assert rows["Maria Lopez"]["query"] == "Lopez" and rows["Maria Lopez"]["gold"] == 2
    for system in ("qa", "grep", "grep_cues"):
        assert 0 <= per_source["micro"][system]["precision"] <= 1
    # qa also lists what "The union" said (resolved to the union); the gold cannot say who
    # "the union" is, so those are not judged
    assert per_source["micro"]["qa"] == {"precision": 1.0, "recall": 1.0, "gold": 4,
                                         "listed": 4, "found": 4, "correct": 4}
    r = qa("eval-attribution", str(ROOT / "tests" / "data" / "brat"))
    assert "per source: the 2 most frequent gold sources" in r.out
