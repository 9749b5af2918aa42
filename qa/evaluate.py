"""`qa eval`: measure sentence ranking against question sets, beside a naive reference.

Three kinds of file are read:
- JSON Lines, one `{"question", "answers": [str], "doc"?}` per line, asked of an existing index;
- SQuAD-format JSON: its articles (paragraphs joined by blank lines) are indexed as one corpus;
- the WikiQA TSV: each question's candidate sentences form one small article.
A sentence is correct when it contains one of the answer strings (case-insensitive, any run of
white space matching any other: a wire story breaks its lines inside sentences), or, for
WikiQA, when it lies in a candidate labelled 1. A JSON Lines question with no answer string
(`"answers": []`, asked to see that nothing is marked) cannot be judged on its sentences: it
is counted apart and left out of the ranking figures. The naive reference is the one in the shared
data README: lowercased `\\w+` tokens and rank-bm25's BM25Okapi with its defaults, over the same
sentences qa indexed, so the two differ only in analysis and ranking.
"""
from __future__ import annotations

import csv
import json
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import ranking
from . import question as q
from .index.writer import build
from .index import Index

_WORD = re.compile(r"\w+")


class EvalError(Exception):
    """The evaluation file cannot be read."""


@dataclass
class Case:
    question: str
    answers: list[str] = field(default_factory=list)
    doc: str | None = None
    relevant: set[int] = field(default_factory=set)  # WikiQA: candidate numbers labelled 1


@dataclass
class EvalSet:
    kind: str
    cases: list[Case]
    articles: list[dict] | None = None  # to index; None: ask the index given
    wikiqa_spans: dict[str, list[tuple[int, int]]] | None = None  # doc -> candidate offsets


# --------------------------------------------------------------------------------- loading


def load(path: Path) -> EvalSet:
    """Read a JSONL, SQuAD or WikiQA file, telling them apart by content."""
    try:
        head = path.read_text(encoding="utf-8-sig")[:4096]
    except FileNotFoundError:
        raise EvalError(f"{path}: no such file") from None
    except OSError as exc:
        raise EvalError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise EvalError(f"{path}: not UTF-8 (byte {exc.start})") from None
    if head.lstrip().startswith("{") and '"data"' in head and '"paragraphs"' in head:
        return _checked(_load_squad, path, "SQuAD JSON")
    if head.startswith("QuestionID\t"):
        return _checked(_load_wikiqa, path, "WikiQA TSV")
    return _load_jsonl(path)


def _checked(loader, path: Path, kind: str) -> EvalSet:
    """`loader(path)`, with a file of the wrong shape an EvalError in one line (a context
    that is a number was a TypeError traceback)."""
    try:
        return loader(path)
    except (ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as exc:
        detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        raise EvalError(f"{path}: not a {kind} file as expected ({detail[:120]})") from None


def _load_squad(path: Path) -> EvalSet:
    data = json.loads(path.read_text(encoding="utf-8"))
    articles, cases = [], []
    for number, article in enumerate(data["data"]):
        doc = f"{number:03d}_{article.get('title', 'article')}"
        articles.append({"id": doc, "title": article.get("title", "").replace("_", " "),
                         "text": "\n\n".join(p["context"] for p in article["paragraphs"])})
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                answers = sorted({a["text"] for a in qa["answers"]})
                cases.append(Case(qa["question"], answers))
    return EvalSet("squad", cases, articles)


def _load_wikiqa(path: Path) -> EvalSet:
    groups: dict[str, dict] = {}
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            group = groups.setdefault(row["QuestionID"], {"question": row["Question"],
                                                          "sentences": [], "labels": []})
            group["sentences"].append(row["Sentence"])
            group["labels"].append(row["Label"] == "1")
    articles, cases, spans = [], [], {}
    for qid, group in groups.items():
        text, offsets, pos = [], [], 0
        for sentence in group["sentences"]:
            sentence = sentence.strip() or "."
            offsets.append((pos, pos + len(sentence)))
            text.append(sentence)
            pos += len(sentence) + 2
        articles.append({"id": qid, "text": "\n\n".join(text)})
        spans[qid] = offsets
        relevant = {i for i, label in enumerate(group["labels"]) if label}
        if relevant:
            cases.append(Case(group["question"], doc=qid, relevant=relevant))
    return EvalSet("wikiqa", cases, articles, spans)


def _load_jsonl(path: Path) -> EvalSet:
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            question, answers = record["question"], record["answers"]
            assert isinstance(question, str) and isinstance(answers, list)
        except (ValueError, KeyError, TypeError, AssertionError):
            raise EvalError(f"{path}:{number}: expected "
                            '{"question": str, "answers": [str], "doc": str?}') from None
        cases.append(Case(question, [str(a) for a in answers], record.get("doc")))
    if not cases:
        raise EvalError(f"{path}: no questions")
    return EvalSet("jsonl", cases)


def index_articles(evalset: EvalSet, folder: Path | None = None) -> Index:
    """Index an evaluation set's own articles, in `folder` or a temporary one."""
    folder = folder or Path(tempfile.mkdtemp(prefix="qa-eval-"))
    folder.mkdir(parents=True, exist_ok=True)
    corpus = folder / f"{evalset.kind}-articles.jsonl"
    with open(corpus, "w", encoding="utf-8") as f:
        for article in evalset.articles or []:
            # escaped: a lone surrogate (a "\\udce9" in the set's JSON) cannot be written as
            # UTF-8 (it was a traceback); the reader makes it U+FFFD, as for any JSONL
            f.write(json.dumps(article) + "\n")
    build([corpus], folder / "index")
    return Index.open(folder / "index")


# --------------------------------------------------------------------------------- scoring


@dataclass
class Metrics:
    questions: int = 0
    p1: float = 0.0
    mrr5: float = 0.0
    r5: float = 0.0
    map: float | None = None
    mrr: float | None = None

    def to_json(self) -> dict:
        data = {"questions": self.questions, "P@1": round(self.p1, 4),
                "MRR@5": round(self.mrr5, 4), "R@5": round(self.r5, 4)}
        if self.map is not None:
            data["MAP"] = round(self.map, 4)
            data["MRR"] = round(self.mrr, 4)
        return data


def metrics(judgements: list[list[bool]], n_relevant: list[int] | None = None) -> Metrics:
    """P@1, MRR@5, R@5 (a hit in the top 5) and, given relevant counts, MAP and full MRR."""
    m = Metrics(questions=len(judgements))
    if not judgements:
        return m
    ap, rr = [], []
    for i, ranked in enumerate(judgements):
        first = next((r for r, ok in enumerate(ranked) if ok), None)
        m.p1 += bool(ranked and ranked[0])
        m.mrr5 += 1 / (first + 1) if first is not None and first < 5 else 0
        m.r5 += first is not None and first < 5
        if n_relevant is not None:
            rr.append(1 / (first + 1) if first is not None else 0.0)
            hits, total = 0, 0.0
            for r, ok in enumerate(ranked):
                if ok:
                    hits += 1
                    total += hits / (r + 1)
            ap.append(total / max(n_relevant[i], 1))
    n = len(judgements)
    m.p1, m.mrr5, m.r5 = m.p1 / n, m.mrr5 / n, m.r5 / n
    if n_relevant is not None:
        m.map, m.mrr = float(np.mean(ap)), float(np.mean(rr))
    return m


def contains_answer(text: str, answers: list[str]) -> bool:
    """Whether `text` holds one of `answers`, ignoring case and how white space is laid out
    ("15 to 20\nmln" holds "20 mln")."""
    flat = " ".join(text.split()).casefold()
    return any(" ".join(a.split()).casefold() in flat for a in answers)


class Judge:
    """Whether a sentence (by its index number) answers a case."""

    def __init__(self, index: Index, evalset: EvalSet) -> None:
        self.index, self.evalset = index, evalset
        self._text: dict[int, str] = {}

    def text(self, i: int) -> str:
        if i not in self._text:
            self._text[i] = self.index.sentence(i).text
        return self._text[i]

    def __call__(self, case: Case, i: int) -> bool:
        if self.evalset.kind == "wikiqa":
            return self.candidate(case.doc, i) in case.relevant
        return contains_answer(self.text(i), case.answers)

    def candidate(self, doc: str, i: int) -> int:
        """The WikiQA candidate a qa sentence lies in (qa may split a candidate in two)."""
        sent = self.index.sentence(i)
        for number, (start, end) in enumerate(self.evalset.wikiqa_spans[doc]):
            if start <= sent.start < end + 1:
                return number
        return -1


def ranked_ids(found: list[ranking.Candidate], weights: ranking.Weights,
               everything: list[int]) -> list[int]:
    """qa's order (ranking.rank, as `qa ask` ranks), then the rest of `everything` in
    document order."""
    order = [c.sentence.id for c in ranking.rank(found, weights)]
    seen = set(order)
    return order + [i for i in everything if i not in seen]


def qa_judgements(index: Index, evalset: EvalSet, weights: ranking.Weights | None = None,
                  progress: Callable[[int, int], None] | None = None,
                  cache: dict[int, list[ranking.Candidate]] | None = None) -> list[list[bool]]:
    """Judged top-ranked sentences of every case (all sentences of its article for WikiQA)."""
    weights = weights or ranking.shipped_weights()
    judge = Judge(index, evalset)
    out = []
    for n, case in enumerate(evalset.cases):
        if cache is not None and n in cache:
            found = cache[n]
        else:
            question = q.analyze(case.question, index.analyzer)
            found = ranking.candidates(index, question, doc=case.doc)
            if cache is not None:
                cache[n] = found
        everything = _doc_sentences(index, case.doc) if evalset.kind == "wikiqa" else []
        ids = ranked_ids(found, weights, everything)
        limit = len(ids) if evalset.kind == "wikiqa" else 5
        out.append(_dedupe_candidates(judge, case, ids[:limit], evalset))
        if progress:
            progress(n + 1, len(evalset.cases))
    return out


def _dedupe_candidates(judge: Judge, case: Case, ids: list[int], evalset: EvalSet) -> list[bool]:
    """For WikiQA, judge each candidate once, at its best-ranked sentence."""
    if evalset.kind != "wikiqa":
        return [judge(case, i) for i in ids]
    seen, out = set(), []
    for i in ids:
        number = judge.candidate(case.doc, i)
        if number in seen:
            continue
        seen.add(number)
        out.append(number in case.relevant)
    return out


def _doc_sentences(index: Index, doc: str | None) -> list[int]:
    if doc is None:
        return []
    number = index.doc_number(doc)
    meta = index.docs[number]
    return list(range(meta["first"], meta["first"] + meta["count"]))


def naive_judgements(index: Index, evalset: EvalSet) -> list[list[bool]]:
    """The shared README's naive reference over the same sentences."""
    import rank_bm25

    judge = Judge(index, evalset)
    tokens = lambda text: _WORD.findall(text.lower())  # noqa: E731
    out = []
    if evalset.kind == "wikiqa":
        for case in evalset.cases:
            ids = _doc_sentences(index, case.doc)
            model = rank_bm25.BM25Okapi([tokens(judge.text(i)) or [""] for i in ids])
            scores = model.get_scores(tokens(case.question))
            order = sorted(range(len(ids)), key=lambda j: (-scores[j], j))
            out.append(_dedupe_candidates(judge, case, [ids[j] for j in order], evalset))
        return out
    ids = list(range(index.size))
    model = rank_bm25.BM25Okapi([tokens(judge.text(i)) or [""] for i in ids])
    docs = np.asarray(index.sent_doc)
    for case in evalset.cases:
        scores = model.get_scores(tokens(case.question))
        if case.doc is not None:
            number = index.doc_number(case.doc)
            scores = np.where(docs == number, scores, -np.inf)
        top = np.argsort(-scores, kind="stable")[:5]
        out.append([judge(case, int(i)) for i in top if scores[i] > -np.inf])
    return out


def evaluate(evalset: EvalSet, index: Index,
             progress: Callable[[int, int], None] | None = None) -> dict:
    """qa and the naive reference on the same sentences, and the difference (JSON Lines
    questions without answers counted apart, under "no_answer_questions")."""
    unjudged = 0
    if evalset.kind == "jsonl":
        judged = [c for c in evalset.cases if c.answers]
        unjudged = len(evalset.cases) - len(judged)
        evalset = EvalSet(evalset.kind, judged, evalset.articles, evalset.wikiqa_spans)
    relevant = [len(c.relevant) for c in evalset.cases] if evalset.kind == "wikiqa" else None
    ours = metrics(qa_judgements(index, evalset, progress=progress), relevant)
    naive = metrics(naive_judgements(index, evalset), relevant)
    a, b = ours.to_json(), naive.to_json()
    result = {"set": evalset.kind, "sentences": index.size, "qa": a, "naive": b,
              "difference": {k: round(a[k] - b[k], 4) for k in a if k != "questions"}}
    if evalset.kind == "jsonl":
        result["no_answer_questions"] = unjudged
    return result

