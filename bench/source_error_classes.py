"""Each predicted source on a brat folder (PolNeAR dev by default) put in one class: exactly a
gold source, a near miss of a named kind, or sharing no token with any gold source.

The table in docs/ATTRIBUTION.md ("per class of source error") comes from this script, run
with the code before and after a change; identical spans in an article count once, as in
`qa eval-attribution`.

    python bench/source_error_classes.py [--data ../shared/data] [--split dev]
"""
from __future__ import annotations

import argparse
import re
import sys
from collections import Counter

from common import add_data_argument
from qa.attribution_eval import article_pairs, predict, read_gold
from qa.attribution_eval import _trim, _Tokens  # the scorer's own span rules

_COORDINATION = re.compile(r"\b(?:and|or)\b")
_PRONOUNS = {"he", "she", "they", "it", "who", "which", "i", "we"}


def classify(predicted: str, golds: list[str]) -> str:
    """The class of a predicted source that shares a token with the gold sources `golds`."""
    if any(g == predicted + "," for g in golds):
        return "overlapping, gold = predicted + the comma closing its appositive"
    if any(_COORDINATION.search(g) and not _COORDINATION.search(predicted) and predicted in g
           for g in golds):
        return "overlapping, gold a coordination the prediction cut"
    if any(g.lower() in _PRONOUNS for g in golds) or predicted.lower() in ("who", "which"):
        return "overlapping, gold a pronoun or who / predicted who"
    if any(g in predicted for g in golds):
        return "overlapping, predicted longer than gold"
    if any(predicted in g for g in golds):
        return "overlapping, predicted shorter than gold"
    return "overlapping, other"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_argument(parser)
    parser.add_argument("--split", default="dev", help="PolNeAR folder under polnear/ (dev)")
    args = parser.parse_args()
    counts: Counter[str] = Counter()
    for article, txt, ann in article_pairs(args.data / "polnear" / args.split):
        text = txt.read_text(encoding="utf-8")
        tokens = _Tokens(text)
        gold = list(dict.fromkeys(_trim(text, s) for s in
                                  read_gold(ann.read_text(encoding="utf-8"))["Source"]))
        covered = [tokens.covered(g) for g in gold]
        for span in dict.fromkeys(_trim(text, s) for s in predict(text, article)["Source"]):
            if span in gold:
                counts["exactly a gold source"] += 1
                continue
            mine = tokens.covered(span)
            golds = [" ".join(text[a:b] for a, b in g) for g, c in zip(gold, covered) if c & mine]
            counts[classify(" ".join(text[a:b] for a, b in span), golds) if golds
                   else "sharing no token with any gold source"] += 1
    for name, n in counts.most_common():
        print(f"{n:6,d}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
