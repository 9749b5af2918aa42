"""The ranking computes only the candidates that can reach the k best (qa.score_bounds): what
`qa ask` shows must be exactly what ranking every candidate gives."""
import json
import random
import shutil
from pathlib import Path

import pytest

from qa import question as q
from qa import rank_features, ranking, score_bounds
from qa.index.writer import build
from qa.index import Index

DATA = Path(__file__).parent / "data"
SEED = Path(__file__).parent.parent / "seeds"
QUESTIONS = [json.loads(line)["question"] for line in
             (DATA / "seed_questions.jsonl").read_text().splitlines() if line.strip()]
MORE = ["who said the dividend would be raised?", "how much did the company pay?",
        "what percent did profits rise?", "when was the takeover announced?",
        "where is the company based?", "the dollar fell against the yen", "said year"]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    """The seed article and the wire fixtures in one index."""
    corpus = tmp_path_factory.mktemp("bounds-corpus")
    shutil.copytree(SEED, corpus / "seeds")
    shutil.copytree(DATA / "wire", corpus / "wire")
    build([corpus], corpus / "index")
    return Index.open(corpus / "index")


def _top(found, weights, k):
    return [(c.sentence.id, c.score(weights)) for c in ranking.rank(found, weights)[:k]]


def _weights(seed: int):
    """The shipped weights, or random non-negative ones (seeded)."""
    shipped = ranking.shipped_weights()
    if seed == 0:
        return shipped
    rng = random.Random(seed)
    return {name: rng.choice([0.0, rng.uniform(0, 3)]) for name in shipped}


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize("arrays", [True, False], ids=["numpy", "python"])
def test_the_k_best_are_those_of_ranking_every_candidate(index, seed, arrays, monkeypatch):
    import sys

    import numpy  # noqa: F401 (the bounds are taken with arrays once numpy is loaded)

    if not arrays:
        monkeypatch.delitem(sys.modules, "numpy")
    weights = _weights(seed)
    for text in QUESTIONS + MORE:
        question = q.analyze(text, index.analyzer)
        every = ranking.candidates(index, question)
        for k in (1, 2, 4, 11):
            some = ranking.candidates(index, question, best_of=(k, weights))
            assert _top(some, weights, k) == _top(every, weights, k), (text, k)


def test_each_bound_is_at_least_the_score(index, monkeypatch):
    """Both bounds of every candidate computed, and none below the score it bounds."""
    weights = ranking.shipped_weights()
    seen: dict[int, list[float]] = {}
    loose, tight = score_bounds.Bounds.loose, score_bounds.Bounds.tight

    def record(method):
        def run(self, i, *args):
            seen.setdefault(i, []).append(method(self, i, *args))
            return seen[i][-1]
        return run

    monkeypatch.setattr(score_bounds.Bounds, "loose", record(loose))
    monkeypatch.setattr(score_bounds.Bounds, "loose_many",  # (the same floats as `loose`)
                        lambda self, pool: [record(loose)(self, i) for i in pool])
    monkeypatch.setattr(score_bounds.Bounds, "tight", record(tight))
    checked = 0
    for text in QUESTIONS + MORE:
        question = q.analyze(text, index.analyzer)
        seen.clear()
        ranking.candidates(index, question, best_of=(10 ** 6, weights))  # bounds for all
        for cand in ranking.candidates(index, question):
            bounds = seen[cand.sentence.id]
            assert len(bounds) == 2 and min(bounds) >= cand.score(weights), text
            checked += 1
    assert checked > 100


def test_negative_weights_rank_every_candidate(index):
    """A bound needs weights of one sign: with a negative one every candidate is computed."""
    weights = dict(ranking.shipped_weights(), lead=-1.0)
    question = q.analyze("how far from al-Mayadin?", index.analyzer)
    assert len(ranking.candidates(index, question, best_of=(1, weights))) == \
        len(ranking.candidates(index, question))


def test_the_bounds_taken_with_arrays_are_those_taken_one_by_one(index):
    weights = ranking.shipped_weights()
    taken = 0
    for text in QUESTIONS + MORE:
        question = q.analyze(text, index.analyzer)
        found = ranking.candidates(index, question)
        if not found:
            continue
        matches = index.bm25_scores(list(question.terms))
        term_weights = ranking._term_weights(index, question)
        ids = rank_features.QuestionIds(index, question, term_weights)
        pool = sorted(c.sentence.id for c in found)
        article = ranking._article_coverage(index, term_weights,
                                            {index.sent_doc[i] for i in pool})
        bounds = score_bounds.Bounds(
            index, question, ids, score_bounds.Masks(index, [*term_weights, *ids.in_pairs],
                                                     term_weights),
            matches, max(matches.highest(), 1e-9), article, weights,
            ranking.weighted_sum)
        assert bounds.loose_many(pool) == [bounds.loose(i) for i in pool], text
        taken += len(pool)
    assert taken > 100
