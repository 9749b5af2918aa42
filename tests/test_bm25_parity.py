"""qa's precomputed postings give exactly rank-bm25's scores."""
import json
import random

import numpy as np
import pytest

from qa import bm25
from qa.build import _write_postings
from qa import index as index_mod
from qa.index import Index
from qa.records import Records


def random_corpus(rng: random.Random, n: int, vocab: int):
    words = [f"w{i}" for i in range(vocab)]
    weights = [1 / (i + 1) for i in range(vocab)]  # Zipf-like
    return [rng.choices(words, weights, k=rng.randint(0, 25)) for _ in range(n)]


def qa_scores(tmp_path, corpus, params, query):
    vocabulary: dict[str, int] = {}
    from array import array

    tokens, lengths = array("i"), array("i")
    for doc in corpus:
        tokens.extend(vocabulary.setdefault(t, len(vocabulary)) for t in doc)
        lengths.append(len(doc))
    _write_postings(tmp_path, vocabulary, tokens, lengths, params)
    terms = list(Records(tmp_path, "terms"))
    ptr = np.load(tmp_path / "terms.ptr.npy")
    rows = np.load(tmp_path / "postings.sentence.npy")
    score = np.load(tmp_path / "postings.score.npy")
    idf = np.load(tmp_path / "terms.idf.npy")
    out = np.zeros(len(corpus))
    known = []
    for q in query:
        if q in terms:
            t = terms.index(q)
            known.append(idf[t])
            out[rows[ptr[t]:ptr[t + 1]]] += score[ptr[t]:ptr[t + 1]]
    return out + bm25.constant(params, np.asarray(known))


@pytest.mark.parametrize("variant", ["BM25Okapi", "BM25L", "BM25Plus"])
@pytest.mark.parametrize("seed", range(4))
def test_scores_equal_rank_bm25(tmp_path, variant, seed):
    rng = random.Random(seed)
    corpus = random_corpus(rng, rng.randint(1, 60), rng.randint(3, 40))
    if not any(corpus):
        corpus[0] = ["w0"]
    params = bm25.BM25Params(variant=variant, k1=rng.uniform(0.5, 2.0), b=rng.uniform(0, 1),
                             epsilon=rng.uniform(0, 0.5), delta=rng.uniform(0.1, 1.5))
    cls = bm25.VARIANTS[variant]
    kwargs = {"epsilon": params.epsilon} if variant == "BM25Okapi" else {"delta": params.delta}
    reference = cls(corpus, k1=params.k1, b=params.b, **kwargs)
    for _ in range(5):
        query = rng.choices([f"w{i}" for i in range(45)], k=rng.randint(1, 6))
        expected = reference.get_scores(query)
        got = qa_scores(tmp_path, corpus, params, query)
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)


def test_index_scores_equal_rank_bm25_on_the_seed(workdir):
    from qa.ask import open_index

    index = open_index()
    sentences = [index.sentence(i).text for i in range(index.size)]
    corpus = [index.analyzer.terms(s) for s in sentences]
    p = index.params
    cls = bm25.VARIANTS[p.variant]
    kwargs = {"epsilon": p.epsilon} if p.variant == "BM25Okapi" else {"delta": p.delta}
    reference = cls(corpus, k1=p.k1, b=p.b, **kwargs)
    query = index.analyzer.terms("how far did the army advance from al-Mayadin")
    found = index.bm25_scores(query)
    expected = reference.get_scores(query)
    np.testing.assert_allclose(found.scores, expected[found.ids], rtol=0, atol=1e-9)
    assert set(found.ids) == {i for i, c in enumerate(corpus) if set(c) & set(query)}


@pytest.mark.parametrize("summed_by", ["python", "numpy"])
def test_queries_after_queries_stay_exact(tmp_path, monkeypatch, summed_by):
    """Small queries are summed in Python, large ones with numpy's accumulator, which is kept
    between queries and must be cleared: either way, many queries, repeated and unknown terms,
    one-term queries, each equal to rank-bm25; `top` gives the best of them in order."""
    from qa.build import build

    limit = 10**9 if summed_by == "python" else 0
    monkeypatch.setattr(index_mod, "PYTHON_POSTINGS", limit)
    monkeypatch.setattr(index_mod, "NUMPY_POSTINGS", limit)
    rng = random.Random(7)
    words = [f"w{i}" for i in range(60)]
    weights = [1 / (i + 1) for i in range(60)]
    (tmp_path / "c").mkdir()
    lines = []
    for d in range(30):
        sentences = [" ".join(rng.choices(words, weights, k=rng.randint(1, 12))).capitalize()
                     + "." for _ in range(rng.randint(1, 6))]
        lines.append(json.dumps({"id": f"d{d}", "text": "\n\n".join(sentences)}))
    (tmp_path / "c" / "c.jsonl").write_text("\n".join(lines))
    build([tmp_path / "c"], tmp_path / "i")
    index = Index.open(tmp_path / "i")
    corpus = [index.analyzer.terms(index.sentence(i).text) for i in range(index.size)]
    p = index.params
    reference = bm25.VARIANTS[p.variant](corpus, k1=p.k1, b=p.b, delta=p.delta)
    for _ in range(40):
        query = rng.choices(words + ["nowhere"], k=rng.randint(1, 5))
        found = index.bm25_scores(query)
        expected = reference.get_scores(query)
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
    from qa.ask import open_index

    index = open_index()
    results = {}
    for limit in (10**9, 0):
        monkeypatch.setattr(index_mod, "PYTHON_POSTINGS", limit)
        monkeypatch.setattr(index_mod, "NUMPY_POSTINGS", limit)
        found = index.bm25_scores(index.analyzer.terms("the army said al-Mayadin was 10 km"))
        top = index.top(index.analyzer.terms("Syrian army Islamic State"), 4)
        results[limit] = (found.id_list(), list(map(float, found.scores)), top.ids, top.scores)
    assert results[0] == results[10**9] and results[0][0]
