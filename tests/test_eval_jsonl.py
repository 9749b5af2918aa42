"""`qa eval` on a JSON Lines question set: the answers qa marks are scored as for SQuAD, and
questions whose article does not answer them are counted apart, by whether they got a mark.

The expected figures are computed from what `qa ask` itself shows for each question, so the
test holds for any answer model and fails when `qa eval` scores something else than the user
sees (or, as before, gives no answer figures for JSON Lines at all).
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from qa.answer_eval import best_f1

DATA = Path(__file__).resolve().parent / "data"

# (question, gold answers, article); the first gold crosses a line break of the wire story
# ("... throughout the week in\nthe Bahia cocoa zone"); the last question's article does not
# say who the chairman is, so nothing should be marked.
CASES = [
    ("Where did showers continue?", ["in the Bahia cocoa zone"], "reut2-mini/1"),
    ("How many bags arrived for the week?", ["155,221", "155,221 bags"], "reut2-mini/1"),
    ("What was the mark's rate?", ["1.8520 marks to the dollar", "1.8520"], "currency"),
    ("Who filed an application with the Comptroller of the Currency?",
     ["Texas Commerce Bank-Houston"], "reut2-mini/3"),
    ("Who is the chairman of the Bahia cocoa zone?", [], "reut2-mini/1"),
]


def _flat(text: str) -> str:
    return " ".join(text.split()).casefold()


def test_eval_scores_the_marks_of_a_json_lines_set_and_counts_no_answer_questions(tmp_path, qa):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(DATA / "reut2-mini.sgm", corpus)
    shutil.copy(DATA / "wire" / "currency.txt", corpus)
    index = str(tmp_path / "index")
    assert qa("index", str(corpus), "--index", index).code == 0
    questions = tmp_path / "questions.jsonl"
    questions.write_text("".join(json.dumps({"question": q, "answers": a, "doc": d}) + "\n"
                                 for q, a, d in CASES), encoding="utf-8")

    shown = []  # what `qa ask` shows first for each question: its sentence and marked answer
    for question, _, doc in CASES:
        r = qa("ask", "--index", index, "--doc", doc, "-k", "1", "--json", question)
        hit = json.loads(r.out)["hits"][0]
        shown.append((hit["text"], (hit.get("answer") or {}).get("text")))
    answerable = [(golds, text, mark) for (_, golds, _), (text, mark) in zip(CASES, shown)
                  if golds]
    marks = [(mark, golds) for golds, _, mark in answerable if mark is not None]
    top_right = sum(any(_flat(g) in _flat(text) for g in golds) for golds, text, _ in answerable)
    assert top_right >= 1  # the line-broken answer's sentence is judged right

    r = qa("eval", str(questions), "--index", index, "--json")
    assert r.code == 0, r.err
    result = json.loads(r.out)
    assert result["qa"]["questions"] == 4 and result["no_answer_questions"] == 1
    assert result["qa"]["P@1"] == round(top_right / 4, 4)
    answers = result["answers"]
    assert answers["marked"]["questions"] == 4
    assert answers["marked"]["coverage"] == round(len(marks) / 4, 4)
    right = sum(best_f1(mark, golds) >= 0.5 for mark, golds in marks)
    assert answers["marked"]["precision"] == round(right / (len(marks) or 1), 4)
    assert answers["marked"]["top_right"] == round(top_right / 4, 4)
    assert answers["no_answer"]["questions"] == 1
    assert answers["no_answer"]["marked"] == int(shown[-1][1] is not None)
    assert {"EM_all", "F1_all"} <= set(answers["window"])

    r = qa("eval", str(questions), "--index", index)
    assert r.code == 0, r.err
    assert "(1 without an answer left out)" in r.out
    assert f"no-answer questions: 1, marked by qa {int(shown[-1][1] is not None)}," in r.out
