"""Output where it lands: pipes and files, a reader that goes away, Ctrl-C, the JSON shape,
and the library as a fresh process meets it."""
from __future__ import annotations

import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SEED

from qa.model import Attribution

ROOT = Path(__file__).resolve().parent.parent
WIRE = Path(__file__).resolve().parent / "data" / "wire-attributions.sgm"
QUESTION = "how far from al-Mayadin?"
BATCH = f"{QUESTION}\nwho said the army reached al-Mayadin?\n"


def environment(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("QA_INDEX", "QA_CORPUS", "NO_COLOR", "FORCE_COLOR", "COLUMNS")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.update(extra)
    return env


# ------------------------------------------------------------------------------- pipes

def test_a_piped_batch_is_plain_lines_with_rules_no_wider_than_80(workdir, qa):
    r = qa("ask", "-", stdin=BATCH)
    assert r.code == 0 and "\x1b" not in r.out
    lines = r.out.splitlines()
    rules = [line for line in lines if line.startswith("─")]
    assert len(rules) == 2 and all(len(line) <= 80 for line in rules), rules
    assert all(line == line.rstrip() for line in lines)  # nothing padded
    hits = json.loads(qa("ask", "--json", QUESTION).out)["hits"]
    for hit in hits:  # each sentence on one line, whole, under the 4-space margin
        assert "    " + hit["text"] in lines


def test_columns_sets_the_width_of_rules_in_a_pipe(workdir, qa, monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")
    r = qa("ask", "-", stdin=BATCH)
    rules = [line for line in r.out.splitlines() if line.startswith("─")]
    assert rules and all(len(line) == 40 for line in rules), rules


def test_forced_colour_in_a_pipe_keeps_the_pipe_layout(workdir, qa):
    r = qa("ask", "--color", "always", "-", stdin=BATCH)
    plain = re.sub(r"\x1b\[[0-9;]*m", "", r.out)
    assert "\x1b[" in r.out
    assert all(len(line) <= 80 for line in plain.splitlines() if line.startswith("─"))
    assert all(line == line.rstrip() for line in plain.splitlines())


@pytest.mark.parametrize("args", [["sentences"], ["ask", QUESTION], ["ask", "-"]],
                         ids=["sentences", "ask", "batch"])
def test_a_reader_that_goes_away_ends_qa_quietly_with_success(seed_home, args):
    """`qa sentences | head -1`: the reader has gone before qa writes (the pipe is closed
    at once, so every write fails): exit 0, nothing on stderr, as ripgrep does."""
    child = subprocess.Popen([sys.executable, "-m", "qa.cli", *args, "--index",
                              str(seed_home / "index")], cwd=seed_home, env=environment(),
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
    child.stdout.close()
    _, err = child.communicate(BATCH.encode(), timeout=60)
    assert (child.returncode, err.decode()) == (0, "")


def test_head_in_a_shell_pipeline_with_pipefail_succeeds(seed_home):
    shell = shutil.which("bash")
    if shell is None:
        pytest.skip("needs bash")
    run = subprocess.run([shell, "-o", "pipefail", "-c",
                          f"{sys.executable} -m qa.cli sentences --index index | head -1"],
                         cwd=seed_home, env=environment(), capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0 and run.stderr == ""
    assert run.stdout.startswith("000_c9ff2a859012aa2b  sentence 0")


# ------------------------------------------------------------------------------ Ctrl-C

def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _default_sigint() -> None:
    """Ctrl-C as in a login shell: a test run in the background inherits SIGINT ignored, and
    a program started with it ignored rightly keeps ignoring it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.skipif(not Path("/proc/self/task").is_dir() or (os.cpu_count() or 1) < 2,
                    reason="needs Linux /proc and two cores (the build's worker processes)")
def test_ctrl_c_during_a_parallel_index_build_is_one_line_and_status_130(tmp_path):
    pexpect = pytest.importorskip("pexpect")
    from qa.index.writer import PARALLEL_BYTES

    text = SEED.read_text(encoding="utf-8")
    with open(tmp_path / "wire.jsonl", "w", encoding="utf-8") as out:
        for n in range(PARALLEL_BYTES // len(text) + 50):  # just over the parallel threshold
            out.write(json.dumps({"id": f"a{n}", "text": text}) + "\n")
    child = pexpect.spawn(sys.executable, ["-m", "qa.cli", "index", "wire.jsonl", "--index",
                                           "idx"], cwd=str(tmp_path), env=environment(),
                          encoding="utf-8", timeout=60, dimensions=(24, 80),
                          preexec_fn=_default_sigint)
    deadline = time.monotonic() + 60
    while len(_children(child.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(_children(child.pid)) >= 2, "the build started no worker processes"
    time.sleep(0.5)  # the workers are starting up or analysing: both printed tracebacks
    child.sendintr()  # Ctrl-C: the terminal signals the build and its workers
    child.expect(pexpect.EOF)
    child.close()
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\r|\^C", "", child.before)  # ^C: the echo
    lines = [line for line in shown.splitlines() if line.strip() and "indexing" not in line]
    assert "Traceback" not in shown and "KeyboardInterrupt" not in shown, shown
    assert lines == ["qa: interrupted"], shown
    assert child.exitstatus == 130
    assert not (tmp_path / "idx" / "manifest.json").exists()


@pytest.mark.skipif(not Path("/proc/self/task").is_dir() or (os.cpu_count() or 1) < 2,
                    reason="needs Linux /proc and two cores (the build's worker processes)")
def test_ctrl_c_during_reindex_in_the_session_is_one_line_and_the_session_goes_on(tmp_path):
    pexpect = pytest.importorskip("pexpect")
    from qa.index.writer import PARALLEL_BYTES

    text = SEED.read_text(encoding="utf-8")
    wire = tmp_path / "wire.jsonl"
    wire.write_text(json.dumps({"id": "a0", "text": text}) + "\n", encoding="utf-8")
    child = pexpect.spawn(sys.executable, ["-m", "qa.cli", "--index", "idx", "--corpus",
                                           "wire.jsonl"], cwd=str(tmp_path), env=environment(NO_COLOR="1"),
                          encoding="utf-8", timeout=60, dimensions=(24, 100),
                          preexec_fn=_default_sigint)
    child.logfile_read = seen = io.StringIO()  # all it shows, not only the last stretch
    child.expect_exact("qa>")
    with open(wire, "a", encoding="utf-8") as out:  # now large enough for a parallel build
        for n in range(1, PARALLEL_BYTES // len(text) + 50):
            out.write(json.dumps({"id": f"a{n}", "text": text}) + "\n")
    child.send("/reindex\r")
    deadline = time.monotonic() + 60
    while len(_children(child.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(_children(child.pid)) >= 2, "the rebuild started no worker processes"
    time.sleep(0.5)
    child.sendintr()
    child.expect_exact("interrupted")
    child.expect_exact("qa>")
    child.send(QUESTION + "\r")  # the session still answers, from the index it had
    child.expect_exact("within 10 km")
    child.expect_exact("qa>")  # Ctrl-D at the prompt, not while the tty is between prompts
    child.sendcontrol("d")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    shown = seen.getvalue()
    assert "Traceback" not in shown and "KeyboardInterrupt" not in shown, shown


# -------------------------------------------------------------------------------- JSON

def check_attribution(a: dict, text: str) -> None:
    assert {"source", "cue", "resolved_source", "source_span", "cue_span",
            "content_span"} <= set(a), a
    for key in ("source", "cue", "resolved_source"):
        assert isinstance(a[key], str)
    for key in ("source_span", "cue_span", "content_span"):
        span = a[key]
        assert isinstance(span, list) and len(span) == 2, (key, a)
        assert all(type(x) is int for x in span) and 0 <= span[0] <= span[1] <= len(text)


def check_sentence(s: dict) -> None:
    for key, kind in (("doc", str), ("sentence", int), ("text", str), ("start", int),
                      ("end", int), ("attributions", list)):
        assert type(s[key]) is kind, (key, s)
    for a in s["attributions"]:
        check_attribution(a, s["text"])


def check_hit(hit: dict) -> None:
    check_sentence(hit)
    assert type(hit["rank"]) is int and type(hit["score"]) is float
    assert type(hit["date"]) is str and type(hit["dateline"]) is str
    answer = hit["answer"]
    if answer is not None:
        assert type(answer["text"]) is str and len(answer["span"]) == 2


@pytest.mark.parametrize("corpus", [SEED, WIRE], ids=["seed", "wire"])
def test_every_attribution_in_json_has_every_key_with_its_type(tmp_path, qa, corpus):
    args = ["--corpus", str(corpus), "--index", str(tmp_path / "index")]
    r = qa("sentences", "--json", *args)
    sentences = [json.loads(line) for line in r.out.splitlines()]
    assert r.code == 0 and sum(len(s["attributions"]) for s in sentences) >= 8
    for s in sentences:
        check_sentence(s)
    r = qa("ask", "--json", "-k", "20", *args, "-", stdin="said\nal-Mayadin\nstrike ships\n")
    answers = [json.loads(line) for line in r.out.splitlines()]
    assert r.code == 0 and any(a["hits"] for a in answers)
    for answer in answers:
        assert type(answer["question"]) is str
        for hit in answer["hits"]:
            check_hit(hit)


def test_an_attribution_without_content_has_an_empty_content_span(tmp_path, qa):
    r = qa("sentences", "--json", "--corpus", str(WIRE), "--index", str(tmp_path / "index"))
    agreed = [json.loads(line) for line in r.out.splitlines() if "de Wit, agreed" in line]
    assert len(agreed) == 1 and agreed[0]["attributions"][0]["content_span"] == [0, 0]


def test_a_sentence_without_a_source_has_an_empty_source_span_and_no_source_colour(tmp_path,
                                                                                  qa):
    """"The deal was announced ...": cues without a source in the sentence. JSON keeps [0, 0]
    for the missing source (in memory it is None), and colour marks the cue but no source."""
    takeover = Path(__file__).resolve().parent / "data" / "wire" / "takeover.txt"
    args = ["--corpus", str(takeover), "--index", str(tmp_path / "index")]
    r = qa("sentences", "--json", *args)
    deal = [json.loads(line) for line in r.out.splitlines() if "The deal was announced" in line]
    assert r.code == 0 and len(deal) == 1
    attributions = deal[0]["attributions"]
    assert [a["cue"] for a in attributions] == ["was announced", "is expected"]
    assert all(a["source"] == "" and a["source_span"] == [0, 0] for a in attributions)
    read = [Attribution.from_json(a) for a in attributions]  # as the index reads them back
    assert [x.source_span for x in read] == [None, None]
    assert [x.to_json() for x in read] == attributions
    r = qa("sentences", "--color", "always", *args)
    line = next(line for line in r.out.splitlines() if "The deal" in line)
    assert line.strip().startswith("The deal \x1b[3;35mwas announced\x1b[0m")  # cue, italic
    assert "\x1b[1;36m" not in line  # no bold cyan source anywhere in the sentence
    other = next(line for line in r.out.splitlines() if "the company" in line)
    assert "\x1b[1;36mthe company\x1b[0m" in other  # the check above would see a source


# ----------------------------------------------------------------------- the library

def test_the_library_in_a_fresh_process_gives_the_ask_function(seed_home):
    script = ("from qa import ask, clear_index_cache\n"
              f"answer = ask({QUESTION!r}, k=3)\n"
              "clear_index_cache()\n"
              "print(len(answer.hits), ask.__name__, answer.hits[0].answer.text)\n")
    run = subprocess.run([sys.executable, "-c", script], cwd=seed_home, env=environment(),
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "3 ask within 10 km (7 miles) of the city"


# ------------------------------------------------------------------- the command line

def test_qa_with_only_k_reads_questions_like_qa(workdir, qa):
    r = qa("-k", "2", stdin=QUESTION + "\n")
    assert r.code == 0 and "invalid choice" not in r.err
    assert len(re.findall(r"^ ?\d  \d", r.out, re.M)) == 2


def test_an_ask_option_without_a_command_gets_a_hint(workdir, qa):
    r = qa("--json", QUESTION)
    assert r.code == 2 and "qa ask --json" in r.err and "invalid choice" not in r.err


def test_a_question_or_a_typo_in_place_of_a_command_gets_a_hint(workdir, qa):
    r = qa("how", "far", "from", "al-Mayadin?")
    assert r.code == 2 and "qa ask 'how far from al-Mayadin?'" in r.err
    assert "invalid choice" not in r.err and r.err.count("\n") == 1
    r = qa("sentence")
    assert r.code == 2 and "did you mean 'qa sentences'?" in r.err


def test_help_documents_output_colour_precedence_and_exit_codes(capsys):
    from qa.cli import main

    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    for words in ("NO_COLOR", "FORCE_COLOR", "--color always|never wins", "$COLUMNS",
                  "130 interrupted", "| head"):
        assert words in text, words
