"""qa's precomputed postings give exactly rank-bm25's scores."""
import json
import random

import numpy as np
import pytest

from qa import bm25
from qa.index import reader as index_mod
from qa.index import Index


def made_up_words(n: int) -> list[str]:
    """`n` distinct words of letters only, none a stopword, that the stemmer leaves apart."""
    consonants, vowels = "bdgkmprtz", "aiou"
    return [consonants[i % 9] + vowels[i // 9 % 4] + consonants[i // 36 % 9] + "ex"
            for i in range(n)]


def build_random_corpus(folder, rng: random.Random, words: list[str],
                        params: bm25.BM25Params | None = None) -> Index:
    """An index of up to 30 articles of Zipf-distributed words, one to six sentences each."""
    from qa.index.writer import build

    weights = [1 / (i + 1) for i in range(len(words))]  # Zipf-like
    lines = []
    for d in range(rng.randint(1, 30)):
        sentences = [" ".join(rng.choices(words, weights, k=rng.randint(1, 12))).capitalize()
                     + "." for _ in range(rng.randint(1, 6))]
        lines.append(json.dumps({"id": f"d{d}", "text": "\n\n".join(sentences)}))
    (folder / "c").mkdir()
    (folder / "c" / "c.jsonl").write_text("\n".join(lines))
    build([folder / "c"], folder / "i", params=params)
    return Index.open(folder / "i")


def reference(index: Index):
    """rank-bm25 over the index's own sentences, analysed, with the index's settings."""
    p = index.params
    cls = bm25.VARIANTS[p.variant]
    kwargs = {"epsilon": p.epsilon} if p.variant == "BM25Okapi" else {"delta": p.delta}
    corpus = [index.analyzer.terms(index.sentence(i).text) for i in range(index.size)]
    return cls(corpus, k1=p.k1, b=p.b, **kwargs), corpus


@pytest.mark.parametrize("variant", ["BM25Okapi", "BM25L", "BM25Plus"])
@pytest.mark.parametrize("seed", range(4))
def test_scores_equal_rank_bm25(tmp_path, variant, seed):
    """Any variant and settings: every sentence holding a query term, scored as rank-bm25
    scores it (queries with unknown and repeated terms too)."""
    rng = random.Random(seed)
    words = made_up_words(rng.randint(3, 40))
    params = bm25.BM25Params(variant=variant, k1=rng.uniform(0.5, 2.0), b=rng.uniform(0, 1),
                             epsilon=rng.uniform(0, 0.5), delta=rng.uniform(0.1, 1.5))
    index = build_random_corpus(tmp_path, rng, words, params)
    assert index.params == params
    expected_of, corpus = reference(index)
    for _ in range(5):
        query = index.analyzer.terms(" ".join(rng.choices(words + made_up_words(45)[40:],
                                                          k=rng.randint(1, 6))))
        found = index.bm25_scores(query)
        expected = expected_of.get_scores(query)
        assert found.id_list() == [i for i, c in enumerate(corpus) if set(c) & set(query)]
        np.testing.assert_allclose(found.scores, expected[found.ids], rtol=0, atol=1e-9)


def test_index_scores_equal_rank_bm25_on_the_seed(workdir):
    from qa.api import open_index

    index = open_index()
    expected_of, corpus = reference(index)
    query = index.analyzer.terms("how far did the army advance from al-Mayadin")
    found = index.bm25_scores(query)
    expected = expected_of.get_scores(query)
    np.testing.assert_allclose(found.scores, expected[found.ids], rtol=0, atol=1e-9)
    assert set(found.ids) == {i for i, c in enumerate(corpus) if set(c) & set(query)}


@pytest.mark.parametrize("summed_by", ["python", "numpy", "merged"])
def test_queries_after_queries_stay_exact(tmp_path, monkeypatch, summed_by):
    """Small queries are summed in Python, larger ones with numpy: merging the terms' sorted
    sentences, or, the largest, in an accumulator kept between queries that must be cleared:
    each way, many queries, repeated and unknown terms, one-term queries, each equal to
    rank-bm25; `top` gives the best of them in order."""
    limit = 10**9 if summed_by == "python" else 0
    monkeypatch.setattr(index_mod, "PYTHON_POSTINGS", limit)
    monkeypatch.setattr(index_mod, "NUMPY_POSTINGS", limit)
    monkeypatch.setattr(index_mod, "MERGED_POSTINGS", 10**9 if summed_by == "merged" else 0)
    rng = random.Random(7)
    words = made_up_words(60)
    index = build_random_corpus(tmp_path, rng, words)
    expected_of, corpus = reference(index)
    for _ in range(40):
        query = index.analyzer.terms(" ".join(rng.choices(words + ["nowhere"],
                                                          k=rng.randint(1, 5))))
        found = index.bm25_scores(query)
        expected = expected_of.get_scores(query)
        holding = [i for i, c in enumerate(corpus) if set(c) & set(query)]
        assert found.id_list() == holding
        np.testing.assert_allclose(found.scores, expected[holding], rtol=0, atol=1e-9)
        top = index.top(query, 5)
        best = sorted(holding, key=lambda i: (-expected[i], i))[:5]
        np.testing.assert_allclose(top.scores, expected[best], rtol=0, atol=1e-9)
        assert len(top.ids) == len(best)
        docs = sorted({index.sent_doc[i] for i in holding if query[0] in corpus[i]})
        assert index.docs_with(query[0]) == docs


def test_python_and_numpy_sums_give_the_same_floats(workdir, monkeypatch):
    """Which way a query is summed depends on its size; its scores and order must not."""
    from qa.api import open_index

    index = open_index()
    results = {}
    for limit, merged in ((10**9, 0), (0, 0), (0, 10**9)):  # Python, numpy, numpy merged
        monkeypatch.setattr(index_mod, "PYTHON_POSTINGS", limit)
        monkeypatch.setattr(index_mod, "NUMPY_POSTINGS", limit)
        monkeypatch.setattr(index_mod, "MERGED_POSTINGS", merged)
        found = index.bm25_scores(index.analyzer.terms("the army said al-Mayadin was 10 km"))
        top = index.top(index.analyzer.terms("Syrian army Islamic State"), 4)
        results[limit, merged] = (found.id_list(), list(map(float, found.scores)), top.ids,
                                  list(map(float, top.scores)))
    assert results[0, 0] == results[10**9, 0] == results[0, 10**9] and results[0, 0][0]
