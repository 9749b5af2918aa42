"""Build the word classes the answer model conjoins with the question (qa/data/word_classes.npy).

    nice -n 10 python bench/word_classes.py --train /work/shared/data/squad/train-v1.1.json \\
        --out qa/data/word_classes.npy

Words that stand in the same places group together ("Denver" with other cities, "1857" with
other years, "team" with "club"), so "what team ...?" learns what its answers look like from
every team name in training, not only the ones seen often enough to keep a weight of their
own. Built from the paragraph text of SQuAD v1.1 *train* only (never dev):
1. every word seen at least --min-count times, described by the words just before and just
   after it (the --contexts most frequent words on each side), weighted by positive pointwise
   mutual information;
2. reduced to --dims dimensions (eigenvectors of the context covariance, numpy's eigh),
   rows scaled to unit length;
3. k-means into --fine classes (seeded, k-means++ start, a fixed number of rounds), and the
   fine classes' centres k-means into --coarse classes.
Shipped as one int32 array of slots of two, an open-addressing table like the answer model's:
(the word's crc32 with the top bit cleared, or -1 for an empty slot; fine class * 256 + coarse
class). Seeded and deterministic: the same command rebuilds the same bytes on this machine.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
import zlib
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qa.span_features import tokenize  # noqa: E402
from qa.word_classes import build_table  # noqa: E402


def paragraphs(path: Path):
    for article in json.loads(path.read_text(encoding="utf-8"))["data"]:
        for para in article["paragraphs"]:
            text = para["context"]
            yield [text[s:e].lower() for s, e in tokenize(text)]


def context_matrix(docs, min_count: int, contexts: int) -> tuple[list[str], np.ndarray]:
    counts = Counter(w for d in docs for w in d)
    vocab = sorted((w for w, c in counts.items() if c >= min_count),
                   key=lambda w: (-counts[w], w))
    ctx = vocab[:contexts]
    vi = {w: k for k, w in enumerate(vocab)}
    ci = {w: k for k, w in enumerate(ctx)}
    M = np.zeros((len(vocab), 2 * contexts))
    for d in docs:
        padded = ["<s>", *d, "</s>"]
        for k in range(1, len(padded) - 1):
            row = vi.get(padded[k])
            if row is None:
                continue
            left, right = ci.get(padded[k - 1]), ci.get(padded[k + 1])
            if left is not None:
                M[row, left] += 1
            if right is not None:
                M[row, contexts + right] += 1
    total = M.sum()
    pmi = np.log(np.maximum(M * total, 1e-300) / np.outer(M.sum(1) + 1e-9, M.sum(0) + 1e-9))
    return vocab, np.where(M > 0, np.maximum(pmi, 0.0), 0.0)


def reduce(X: np.ndarray, dims: int) -> np.ndarray:
    vals, vecs = np.linalg.eigh(X.T @ X)
    Z = X @ vecs[:, ::-1][:, :dims]
    Z /= np.linalg.norm(Z, axis=1, keepdims=True) + 1e-12
    return np.round(Z, 6)  # the last bits of a BLAS sum never decide a class


def kmeans(Z: np.ndarray, k: int, rng: np.random.Generator, rounds: int = 25) -> tuple:
    centres = [Z[rng.integers(len(Z))]]
    d2 = ((Z - centres[0]) ** 2).sum(1)
    for _ in range(k - 1):  # k-means++: far points are likelier starts
        centres.append(Z[rng.choice(len(Z), p=d2 / d2.sum())])
        d2 = np.minimum(d2, ((Z - centres[-1]) ** 2).sum(1))
    C = np.asarray(centres)
    for _ in range(rounds):
        label = np.argmin((C ** 2).sum(1)[None, :] - 2 * Z @ C.T, axis=1)
        for c in range(k):
            members = Z[label == c]
            if len(members):
                C[c] = members.mean(0)
    return label, C


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--train", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--min-count", type=int, default=10)
    ap.add_argument("--contexts", type=int, default=2000)
    ap.add_argument("--dims", type=int, default=80)
    ap.add_argument("--fine", type=int, default=256)
    ap.add_argument("--coarse", type=int, default=32)
    ap.add_argument("--seed", type=int, default=12)
    args = ap.parse_args()
    t0 = time.time()
    docs = list(paragraphs(args.train))
    vocab, X = context_matrix(docs, args.min_count, args.contexts)
    Z = reduce(X, args.dims)
    rng = np.random.default_rng(args.seed)
    fine, C = kmeans(Z, args.fine, rng)
    coarse_of, _ = kmeans(C, args.coarse, rng)
    keys = [zlib.crc32(w.encode()) & 0x7FFFFFFF for w in vocab]
    values = [int(f) * 256 + int(coarse_of[f]) for f in fine]
    table = build_table(keys, values)
    np.save(args.out, np.frombuffer(table, np.int32))
    print(f"{len(vocab)} words, {args.fine} / {args.coarse} classes, "
          f"{args.out.stat().st_size / 1e6:.2f} MB in {time.time() - t0:.0f} s")
    for c in range(0, args.fine, max(1, args.fine // 12)):  # a look at a few classes
        print(c, " ".join([w for w, f in zip(vocab, fine) if f == c][:12]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
