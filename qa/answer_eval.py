"""`qa eval` for answers: score the answer qa marks in its top hit against SQuAD's answers.

Scoring follows the official SQuAD v1.1 script: answers are lowercased, stripped of
punctuation and of the articles a/an/the, white space collapsed; exact match and token F1 take
the best over the gold answers. Reported: coverage (share of questions with an answer marked),
precision (share of marked answers with F1 >= 0.5), EM/F1 over the marked answers and over all
questions (an unmarked question scores 0), the same when the top sentence holds an answer, and
every figure again for the model's best span with no threshold. The reference computed in the
same run is the shared README's sliding window: on the same top sentence, the 1-4-word span
without question words nearest to them.

The same figures are given for a JSON Lines set (`qa eval FILE.jsonl --index DIR`, each
question asked of its "doc"). Its questions with no answer string are asked to see that
nothing is marked: they are left out of the figures above and counted apart ("no_answer":
how many got a mark, from qa, from its best span at threshold 0, from the window).
"""
from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from .api import ask
from .evaluate import contains_answer
from .index import Index

_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCT = frozenset(string.punctuation)
_WORD = re.compile(r"\w+")


def normalize(text: str) -> str:
    text = "".join(ch for ch in text.lower() if ch not in _PUNCT)
    return " ".join(_ARTICLES.sub(" ", text).split())


def f1(prediction: str, gold: str) -> float:
    p, g = normalize(prediction).split(), normalize(gold).split()
    common = sum((Counter(p) & Counter(g)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(p), common / len(g)
    return 2 * precision * recall / (precision + recall)


def best_f1(prediction: str, golds: list[str]) -> float:
    return max((f1(prediction, g) for g in golds), default=0.0)


def best_em(prediction: str, golds: list[str]) -> float:
    return float(any(normalize(prediction) == normalize(g) for g in golds))


def sliding_window(sentence: str, question: str) -> str:
    """The README's reference: the 1-4-word run of the sentence without question words whose
    nearest question word is closest (ties: the longer, then the earlier run)."""
    words = list(_WORD.finditer(sentence))
    asked = {w.lower() for w in _WORD.findall(question)}
    hits = [n for n, w in enumerate(words) if w.group().lower() in asked]
    best, key = "", None
    for i in range(len(words)):
        for j in range(i, min(i + 4, len(words))):
            if words[j].group().lower() in asked:
                break
            d = min((min(abs(h - i), abs(h - j)) for h in hits), default=len(words))
            candidate = (d, -(j - i), i)
            if key is None or candidate < key:
                best, key = sentence[words[i].start():words[j].end()], candidate
    return best


@dataclass
class Record:
    """One question's outcome: the top hit's best span (with its calibrator inputs), what is
    marked, the window reference, and whether the top sentence holds an answer."""

    golds: list[str]
    sentence_right: bool
    best: str | None
    inputs: tuple[float, ...] | None
    marked: str | None
    window: str
    second: tuple[str | None, tuple[float, ...] | None] = (None, None)
    question: str = ""
    confidence: float | None = None  # the best span's calibrated confidence
    second_right: bool = False  # the second hit's sentence holds an answer (stacked calibrator)


def records(index: Index, cases, model=None, progress: Callable[[int, int], None] | None = None
            ) -> list[Record]:
    """Ask every case through `ask()` (2 hits, so the runner-up hit can feed the calibrator)."""
    out = []
    for n, case in enumerate(cases):
        result = ask(case.question, k=2, doc=case.doc, index=index, model=model)
        if not result.hits:
            out.append(Record(case.answers, False, None, None, None, "", question=case.question))
        else:
            top = result.hits[0]
            cand = top.candidate
            second = result.hits[1].candidate if len(result.hits) > 1 else None
            out.append(Record(
                case.answers, contains_answer(top.text, case.answers),
                cand.best.text if cand else None, cand.inputs if cand else None,
                top.answer.text if top.answer else None, sliding_window(top.text, case.question),
                (second.best.text, second.inputs) if second else (None, None),
                case.question, cand.best.confidence if cand else None,
                len(result.hits) > 1 and contains_answer(result.hits[1].text, case.answers)))
        if progress:
            progress(n + 1, len(cases))
    return out


def measures(pairs: list[tuple[str | None, list[str], bool]]) -> dict:
    """Figures for (answer or None, gold answers, top sentence right) triples."""
    n = len(pairs) or 1
    marked = [(a, g, r) for a, g, r in pairs if a is not None]
    scored = [(best_em(a, g), best_f1(a, g), r) for a, g, r in marked]
    right = sum(1 for _, _, r in pairs if r) or 1
    m = len(scored) or 1
    return {
        "questions": len(pairs),
        "coverage": round(len(scored) / n, 4),
        "precision": round(sum(f >= 0.5 for _, f, _ in scored) / m, 4),
        "EM_marked": round(sum(e for e, _, _ in scored) / m, 4),
        "F1_marked": round(sum(f for _, f, _ in scored) / m, 4),
        "EM_all": round(sum(e for e, _, _ in scored) / n, 4),
        "F1_all": round(sum(f for _, f, _ in scored) / n, 4),
        "EM_top_right": round(sum(e for e, _, r in scored if r) / right, 4),
        "F1_top_right": round(sum(f for _, f, r in scored if r) / right, 4),
        "top_right": round(sum(1 for _, _, r in pairs if r) / n, 4),
    }


def summary(recs: list[Record]) -> dict:
    """qa's marked answers, the model's best span at threshold 0, and the window reference."""
    return {
        "marked": measures([(r.marked, r.golds, r.sentence_right) for r in recs]),
        "threshold_0": measures([(r.best, r.golds, r.sentence_right) for r in recs]),
        "window": measures([(r.window or None, r.golds, r.sentence_right) for r in recs]),
    }


def no_answer(recs: list[Record]) -> dict:
    """For questions whose article does not answer them: how many got a mark."""
    return {"questions": len(recs),
            "marked": sum(r.marked is not None for r in recs),
            "threshold_0": sum(r.best is not None for r in recs),
            "window": sum(bool(r.window) for r in recs)}


def evaluate_answers(evalset, index: Index, progress=None) -> dict:
    """The answer figures for a SQuAD or JSON Lines set (the shipped model and threshold);
    questions without an answer string counted apart under "no_answer"."""
    recs = records(index, evalset.cases, progress=progress)
    result = summary([r for r in recs if r.golds])
    if evalset.kind == "jsonl":
        result["no_answer"] = no_answer([r for r in recs if not r.golds])
    return result
