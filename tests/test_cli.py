"""The qa command as a user and a script see it: output, JSON shape, exit codes, errors."""
import json
import subprocess
import sys

import pytest

from conftest import SEED_ID

QUESTION = "how far from al-Mayadin?"


def test_ask_prints_hits_with_metadata_and_attribution(workdir, qa):
    r = qa("ask", QUESTION)
    assert r.code == 0
    assert "building the index" in r.err
    assert SEED_ID in r.out and "2017-10-06" in r.out and "BEIRUT (Reuters)" in r.out
    assert "The government forces had reached within 10 km (7 miles) of the city" in r.out
    assert "said by: a military media unit run by the Lebanese Hezbollah group (said)" in r.out
    assert r.out.count("sentence ") == 3


def test_said_by_shows_an_appositive_source_without_its_closing_comma(workdir, qa):
    # the source span keeps the comma that closes "X, a war monitor, said" (the JSON does);
    # the line a reader sees does not end the phrase on it before "(said)"
    r = qa("ask", "who said the army reached al-Mayadin?")
    line = "said by: The Syrian Observatory for Human Rights, a war monitor (said)"
    assert line in r.out
    j = json.loads(qa("ask", "--json", "who said the army reached al-Mayadin?").out)
    assert j["hits"][0]["attributions"][0]["source"].endswith("a war monitor,")


def test_k_sets_the_number_of_hits(workdir, qa):
    assert qa("ask", "-k", "5", "al-Mayadin").out.count("sentence ") == 5
    assert qa("ask", "-k", "1", "al-Mayadin").out.count("sentence ") == 1


JSON_KEYS = {"rank", "score", "doc", "sentence", "text", "start", "end", "attributions",
             "answer"}


def test_json_has_the_documented_shape_and_exact_offsets(workdir, qa):
    r = qa("ask", "--json", "-k", "13", "who said the army reached al-Mayadin?")
    assert r.code == 0
    lines = r.out.splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert set(data) == {"question", "hits"} and data["question"].startswith("who said")
    doc_text = (workdir / "seeds" / f"{SEED_ID}.txt").read_text(encoding="utf-8")
    ranks = [h["rank"] for h in data["hits"]]
    assert ranks == list(range(1, len(ranks) + 1))
    for hit in data["hits"]:
        assert JSON_KEYS <= set(hit)
        assert isinstance(hit["score"], float) and isinstance(hit["sentence"], int)
        assert hit["doc"] == SEED_ID
        assert (hit["date"], hit["dateline"]) == ("2017-10-06", "BEIRUT (Reuters)")
        assert doc_text[hit["start"]:hit["end"]] == hit["text"]
        for a in hit["attributions"]:
            assert {"source", "cue", "resolved_source", "source_span", "cue_span"} <= set(a)
            s, e = a["source_span"]
            assert hit["text"][s:e] == a["source"]
            s, e = a["cue_span"]
            assert hit["text"][s:e] == a["cue"]
            s, e = a["content_span"]
            assert 0 <= s < e <= len(hit["text"])
        if hit["answer"] is not None:
            s, e = hit["answer"]["span"]
            assert hit["text"][s:e] == hit["answer"]["text"]
    scores = [h["score"] for h in data["hits"]]
    assert scores == sorted(scores, reverse=True)


def test_resolved_source_names_who_he_is(workdir, qa):
    r = qa("sentences", "--json")
    sentences = [json.loads(line) for line in r.out.splitlines()]
    assert len(sentences) == 13
    he = sentences[5]["attributions"][0]
    assert (he["source"], he["resolved_source"]) == ("he", "A Syrian military source")
    assert sentences[3]["attributions"] == []
    assert set(sentences[0]) == {"doc", "sentence", "text", "start", "end", "attributions"}


def test_stdin_questions_give_json_lines(workdir, qa):
    r = qa("ask", "--json", "-", stdin=f"{QUESTION}\n\nwho said it?\nzzzqqq\n")
    assert r.code == 0
    answers = [json.loads(line) for line in r.out.splitlines()]
    assert [a["question"] for a in answers] == [QUESTION, "who said it?", "zzzqqq"]
    assert answers[2]["hits"] == []


def test_no_match_exits_1_with_a_message_and_no_hits(workdir, qa):
    r = qa("ask", "zzzqqq xylophone")
    assert r.code == 1 and r.out == ""
    assert "no matching sentence" in r.err
    assert "no word of it is searched" not in r.err  # its words were searched: none is there


def test_question_of_only_stopwords_matches_nothing_and_says_why(workdir, qa):
    for question in ("what is it that they were?", "?!"):
        r = qa("ask", question)
        assert r.code == 1 and "no matching sentence" in r.err
        assert "no word of it is searched" in r.err


@pytest.mark.parametrize("args", [("ask", ""), ("ask", "   "), ("ask", "-k", "0", "q"),
                                  ("ask", "-k", "x", "q"), ("frobnicate",), ("ask",)])
def test_usage_errors_exit_2(workdir, qa, args):
    with pytest.raises(SystemExit) as exc:
        qa(*args)
        raise SystemExit(2 if qa(*args).code == 2 else 0)
    assert exc.value.code == 2


def test_empty_question_is_an_error_of_its_own(workdir, qa):
    r = qa("ask", "")
    assert r.code == 2 and "empty question" in r.err


def test_very_long_question_is_answered(workdir, qa):
    r = qa("ask", "--json", ("al-Mayadin army " * 7000)[:100_000])
    assert r.code == 0
    assert json.loads(r.out)["hits"]


def test_doc_filter(workdir, qa):
    (workdir / "seeds" / "other.txt").write_text("The army reached al-Mayadin in another story.")
    r = qa("ask", "--json", "-k", "20", "--doc", "other", "al-Mayadin")
    hits = json.loads(r.out)["hits"]
    assert hits and {h["doc"] for h in hits} == {"other"}
    bad = qa("ask", "--doc", "nope", "al-Mayadin")
    assert bad.code == 2 and "nope" in bad.err


def test_empty_corpus_says_it_holds_no_articles(workdir, qa):
    """Not "no matching sentence" (exit 1), which blames the question for an empty folder."""
    for path in (workdir / "seeds").iterdir():
        path.unlink()
    r = qa("ask", QUESTION)
    assert r.code == 2 and "no articles in" in r.err and "seeds" in r.err


def test_no_corpus_anywhere_explains_how_to_point_qa_at_articles(tmp_path, monkeypatch, qa):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("QA_CORPUS", raising=False)
    monkeypatch.delenv("QA_INDEX", raising=False)
    r = qa("ask", QUESTION)
    assert r.code == 2
    assert len(r.err.strip().splitlines()) == 1 and "qa index PATH" in r.err


def test_binary_and_non_utf8_sources_are_skipped_with_a_warning(workdir, qa):
    (workdir / "seeds" / "photo.txt").write_bytes(b"\x89PNG\x00\x00\x01")
    (workdir / "seeds" / "old.txt").write_bytes("Caf\xe9 in al-Mayadin.".encode("latin-1"))
    r = qa("ask", QUESTION)
    assert r.code == 0
    assert "photo.txt: skipped: binary file" in r.err
    assert "old.txt: skipped: not UTF-8" in r.err


def test_markup_and_escape_sequences_in_articles_are_printed_literally(workdir, qa):
    (workdir / "seeds" / "evil.txt").write_text(
        "The [bold]convoy[/bold] reached \x1b[31mZarqa\x1b[0m town at dawn.")
    plain = qa("ask", "convoy Zarqa town")
    assert plain.code == 0
    assert "[bold]convoy[/bold]" in plain.out and "␛[31mZarqa" in plain.out
    styled = qa("ask", "--color", "always", "convoy Zarqa town")
    assert "\x1b[31m" not in styled.out and "␛[31m" in styled.out
    j = qa("ask", "--json", "convoy Zarqa town")
    assert "\\u001b[31m" in j.out and "\x1b" not in j.out


def test_color_precedence_flag_then_no_color_then_force_color_then_terminal(
        workdir, qa, monkeypatch):
    assert "\x1b[" not in qa("ask", QUESTION).out  # captured output is not a terminal
    assert "\x1b[" in qa("ask", "--color", "always", QUESTION).out
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b[" in qa("ask", QUESTION).out
    assert "\x1b[" not in qa("ask", "--color", "never", QUESTION).out
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in qa("ask", QUESTION).out  # NO_COLOR beats FORCE_COLOR
    assert "\x1b[" in qa("ask", "--color", "always", QUESTION).out  # an explicit flag wins
    assert "\x1b[" in qa("--color", "always", stdin=QUESTION + "\n").out


def test_index_command_prints_a_summary(workdir, qa):
    r = qa("index")
    assert r.code == 0
    assert "indexed 1 article, 13 sentences" in r.out
    other = qa("index", str(workdir / "missing"))
    assert other.code == 2 and "missing: no such file or folder" in other.err


def test_help_lists_the_commands():
    out = subprocess.run([sys.executable, "-m", "qa.cli", "--help"], capture_output=True,
                         text=True).stdout
    for word in ("ask", "index", "sentences", "QA_INDEX"):
        assert word in out


def test_real_process_exit_codes(workdir):
    def run(*args):
        return subprocess.run([sys.executable, "-m", "qa.cli", *args], capture_output=True,
                              text=True, cwd=workdir).returncode

    assert run("ask", QUESTION) == 0
    assert run("ask", "zzzqqq") == 1
    assert run("ask", "") == 2


def test_eval_reports_bad_files_in_one_line(workdir, qa, tmp_path):
    (tmp_path / "q.jsonl").write_text("not a question\n")
    for path in (tmp_path / "missing.jsonl", tmp_path / "q.jsonl"):
        r = qa("eval", str(path))
        assert r.code == 2 and len(r.err.strip().splitlines()) == 1 and str(path) in r.err


def test_eval_of_a_jsonl_question_set_against_the_index(workdir, qa, tmp_path):
    (tmp_path / "q.jsonl").write_text(
        '{"question": "how far from al-Mayadin?", "answers": ["10 km (7 miles)"]}\n'
        '{"question": "when was the siege lifted?", "answers": ["Last month"]}\n')
    r = qa("eval", "--json", str(tmp_path / "q.jsonl"))
    result = json.loads(r.out)
    assert r.code == 0 and result["qa"]["questions"] == 2
    assert result["qa"]["P@1"] == 1.0 and "naive" in result and "difference" in result


def test_no_command_with_piped_input_asks_each_line_of_the_index_named(workdir, qa, tmp_path):
    qa("index", "--index", str(tmp_path / "other"))
    r = qa("--index", str(tmp_path / "other"), stdin="how far from al-Mayadin?\n")
    assert r.code == 0 and "10 km (7 miles)" in r.out


def test_python_dash_m_qa_is_the_same_command(workdir):
    run = subprocess.run([sys.executable, "-m", "qa", "ask", "--json", "how far from al-Mayadin?"],
                         capture_output=True, text=True, cwd=workdir)
    assert run.returncode == 0, run.stderr
    assert "10 km" in json.loads(run.stdout)["hits"][0]["text"]
    version = subprocess.run([sys.executable, "-m", "qa", "--version"], capture_output=True,
                             text=True, cwd=workdir)
    assert version.stdout.startswith("qa ") and version.returncode == 0


def test_eval_of_a_squad_file_leaves_no_scratch_index_behind(workdir, qa, tmp_path, monkeypatch):
    """A SQuAD file brings its own articles: qa indexes them in a scratch folder, which is
    gone when the figures are out."""
    import tempfile

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    context = "The army reached al-Mayadin on Friday. Rebels fled to the east."
    squad = {"data": [{"title": "t", "paragraphs": [{"context": context, "qas": [
        {"id": "1", "question": "Where did the rebels flee?",
         "answers": [{"text": "east", "answer_start": context.index("east")}]}]}]}]}
    (tmp_path / "squad.json").write_text(json.dumps(squad))
    r = qa("eval", "--json", str(tmp_path / "squad.json"))
    assert r.code == 0 and json.loads(r.out)["qa"]["P@1"] == 1.0
    assert list(scratch.iterdir()) == []
