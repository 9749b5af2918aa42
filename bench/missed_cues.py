"""Why gold cues are missed: the fifth of PolNeAR *train* held out from a cue model trained on
the other four fifths (articles at positions 0 mod 5, as `python -m qa.attribution.training
--tune` holds them out), each missed gold cue put in one class, and the candidates' scores in
bands with how many of them lie in a gold cue.

The counts in docs/ATTRIBUTION.md ("missed gold cues on the held-out fifth", issue 13's rounds)
come from this script. A gold cue is missed when no predicted cue shares a token with it (the
scorer's overlap rule; identical spans of an article once):

- punctuation only: the cue holds no word (":", "―"), which the scorer can never match;
- no candidate word: no word of the cue is a candidate (the lexicon and the hand list);
- scored below its threshold: its best candidate is under the bar of its kind (a hand-listed
  reporting verb: the model's `threshold`; a word only the data suggests: the lowest bar such
  a word can pass, `lowest_other`);
- scored high enough but dropped: a later step refused it (no source and under `alone`, an
  institution's action, a word that needs a person as source, inside an earlier cue).

    nice -n 10 python bench/missed_cues.py [--data ../shared/data] [--list 20]
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter

from common import add_data_argument
from qa.attribution.cues import (
    cue_features, cue_score, is_candidate, reporting_positions, title_case)
from qa.attribution.model import CueModel
from qa.attribution.tokens import quote_depths, REPORTING, tokenize
from qa.attribution.training import train_cue_model
from qa.attribution_eval import _Tokens, _trim, article_pairs, predict, read_gold
from qa.segment import sentence_spans

CLASSES = ("punctuation only", "no candidate word", "scored below its threshold",
           "scored high enough but dropped")
BANDS = tuple(round(0.05 * k, 2) for k in range(4, 14))  # 0.20, 0.25, ... 0.65 and above


def candidates(text: str, model: CueModel) -> list[tuple[int, int, float, bool]]:
    """(start, end, score, hand-listed) of every cue candidate of an article, as the cue
    model scores it with all its features."""
    found = []
    for a, b in sentence_spans(text):
        toks = tokenize(text[a:b])
        quoted, reporting, title = quote_depths(toks), reporting_positions(toks), title_case(toks)
        for i, t in enumerate(toks):
            if is_candidate(toks, i, model, title):
                score = cue_score(cue_features(toks, i, model, quoted, reporting=reporting), model)
                found.append((a + t.start, a + t.end, score, t.lower in REPORTING))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_argument(parser)
    parser.add_argument("--list", type=int, default=20, metavar="N",
                        help="show the N most common missed cues of each class (%(default)s)")
    args = parser.parse_args()
    train = args.data / "polnear" / "train"
    if not (train / "text").is_dir():
        print(f"{train}: no PolNeAR train folder (give the shared data folder with --data)",
              file=sys.stderr)
        return 2
    model = CueModel.from_json(train_cue_model(train, keep=lambda k: k % 5 != 0))
    missed: dict[str, Counter] = {c: Counter() for c in CLASSES}
    bands: Counter = Counter()
    for k, (_, txt, ann) in enumerate(article_pairs(train)):
        if k % 5:
            continue
        text = txt.read_text(encoding="utf-8")
        tokens = _Tokens(text)
        predicted = [tokens.covered(s) for s in predict(text, model=model)["Cue"]]
        found = candidates(text, model)
        gold = list(dict.fromkeys(_trim(text, s) for s in read_gold(
            ann.read_text(encoding="utf-8"))["Cue"]))
        inside = set()
        for span in gold:
            covered = tokens.covered(span)
            if covered and any(covered & p for p in predicted):
                continue
            mine = [c for c in found if any(s <= c[0] and c[1] <= e for s, e in span)]
            inside.update(mine)
            words = " ".join(text[s:e] for s, e in span).lower()
            if not covered:
                kind = CLASSES[0]
            elif not mine:
                kind = CLASSES[1]
            elif all(score < (model.threshold if listed else model.lowest_other)
                     for _, _, score, listed in mine):
                kind = CLASSES[2]
            else:
                kind = CLASSES[3]
            missed[kind][words] += 1
        golden = {c for span in gold for c in found
                  if any(s <= c[0] and c[1] <= e for s, e in span)}
        for c in found:
            band = max((b for b in BANDS if b <= c[2]), default=None)
            if band is not None:
                key = ("reporting verbs" if c[3] else "data-only words", band)
                bands[key + ("candidates",)] += 1
                bands[key + ("in a gold cue",)] += c in golden
                bands[key + ("in a missed gold cue",)] += c in inside
    print("Missed gold cues on the held-out fifth of PolNeAR train:")
    for kind in CLASSES:
        print(f"  {kind}: {sum(missed[kind].values())}")
    for kind in CLASSES[1:]:
        common = ", ".join(f"{w!r} {n}" for w, n in missed[kind].most_common(args.list))
        print(f"\n{kind}, most common: {common}")
    print("\nCandidates by score band (candidates / in a gold cue / in a missed gold cue):")
    for group in ("reporting verbs", "data-only words"):
        print(f"  {group}:")
        for band in BANDS:
            n = [bands[(group, band, what)] for what in
                 ("candidates", "in a gold cue", "in a missed gold cue")]
            upper = f"{band + 0.05:.2f}" if band < BANDS[-1] else "1   "
            print(f"    {band:.2f}-{upper}: {n[0]:5d} / {n[1]:4d} / {n[2]:4d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
