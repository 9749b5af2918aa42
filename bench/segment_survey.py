"""Survey of sentence splitters on a fixed sample of Reuters-21578, with a small judged set.

Splitters: qa's own (`qa.segment.sentence_spans`) and, where installed (survey only; they are
not dependencies of qa): pysbd, syntok, blingfire. None downloads anything at run time.

    pip install pysbd syntok blingfire      # for the survey only
    python bench/segment_survey.py           # the tables of docs/SEGMENTATION.md
    python bench/segment_survey.py --to-judge   # print unjudged sampled boundaries

Method:
- Sample: `--articles` (300) Reuters bodies drawn with `random.Random(--seed)` from all bodies
  of reut2-*.sgm (Latin-1, entities unescaped, the ^C end mark dropped, as bench/common.py
  reads them). Each splitter gets the body after the dateline (qa's `body_start`), so all see
  the same text; offsets are mapped back to the body.
- A boundary is the start offset of a sentence other than the first (after trimming white
  space). Agreement between two splitters is the F1 of their boundary sets.
- Offsets: each splitter's spans must satisfy `text[start:end] == sentence`; spans that do not
  (or that overlap, or skip non-space text) are counted as offset errors.
- Judged set: with `random.Random(--seed)`, 60 boundaries on which the splitters disagree (15
  proposed by pysbd alone, which splits at nearly every hard wrap, and 45 of the other
  disputes) and 40 on which all agree, drawn from the pool the splitters gave *before* qa's rules were revised
  (the pool is stored as the keys of bench/data/segment_judgements.json, so the set no longer
  moves with qa's code; the baseline splitter's boundaries on the sample are stored in
  bench/data/segment_baseline.json, so neither git nor the old code is needed). A second batch,
  "changes", holds boundaries where the revised qa differs from the baseline qa. Every
  judgement was made by reading the text around the boundary (annotator: the developer who
  wrote this survey); true means "a sentence starts here". `--to-judge` prints new entries in
  the file's form, to be judged and added by hand.
- Precision/recall of a splitter on a batch: of the judged positions where it puts a boundary,
  how many are true; of the true positions, how many it finds. Positions no splitter proposes
  are not in the pool, so recall is relative to the union of the splitters.
- Speed: wall time over the sample for each splitter, sentences per second and µs per sentence
  (best of `--repeat` runs), one core.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

from common import ROOT, add_data_argument, reuters_articles
from qa.ingest import _read_article, read_corpus
from qa.segment import sentence_spans

HERE = Path(__file__).resolve().parent
SEED_FILE = ROOT / "seeds" / "000_c9ff2a859012aa2b.txt"

Span = tuple[int, int]


# ---------------------------------------------------------------------------------- data
def sample(n: int, seed: int, data: Path) -> list[tuple[str, str, int]]:
    """(id, body, body_start) of a fixed random sample of n bodies."""
    bodies = [(f"{a.file}-{a.position}", a.body) for a in reuters_articles(data)]
    picked = sorted(random.Random(seed).sample(range(len(bodies)), n))
    out = []
    for i in picked:
        doc_id, text = bodies[i]
        doc = _read_article(Path("x.jsonl"), text, doc_id)
        out.append((doc_id, text, doc.body_start))
    return out


# ------------------------------------------------------------------------------ splitters
def _trim(text: str, s: int, e: int) -> Span | None:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return (s, e) if s < e else None


def split_qa(text: str, start: int) -> list[Span]:
    return list(sentence_spans(text, start))


def make_pysbd():
    import pysbd

    seg = pysbd.Segmenter(language="en", clean=False, char_span=True)

    def split(text: str, start: int) -> list[Span]:
        out = []
        for span in seg.segment(text[start:]):
            t = _trim(text, start + span.start, start + span.end)
            if t:
                out.append(t)
        return out
    return split


def make_syntok():
    import syntok.segmenter as segmenter

    def split(text: str, start: int) -> list[Span]:
        out = []
        for paragraph in segmenter.analyze(text[start:]):
            for sent in paragraph:
                if sent:
                    out.append((start + sent[0].offset,
                                start + sent[-1].offset + len(sent[-1].value)))
        return out
    return split


def make_blingfire():
    import blingfire

    def split(text: str, start: int) -> list[Span]:
        body = text[start:]
        if not body.strip():
            return []
        _, offsets = blingfire.text_to_sentences_and_offsets(body)
        return [t for s, e in offsets if (t := _trim(text, start + s, start + e))]
    return split


BASELINE = "2bbe71f"  # qa's rules before this survey
BASELINE_FILE = HERE / "data" / "segment_baseline.json"


def stored_baseline(articles: int, seed: int) -> dict[str, list[int]] | None:
    """The boundaries qa's splitter of commit BASELINE gave on the sample (bench/data), or
    None for another sample than the stored one."""
    data = json.loads(BASELINE_FILE.read_text(encoding="utf-8"))
    if (data["articles"], data["seed"]) != (articles, seed):
        print(f"(qa-{BASELINE} is stored for {data['articles']} articles, seed {data['seed']}: "
              "left out)", file=sys.stderr)
        return None
    return data["boundaries"]


def splitters() -> dict[str, callable]:
    found = {"qa": split_qa}
    for name, make in (("pysbd", make_pysbd), ("syntok", make_syntok),
                       ("blingfire", make_blingfire)):
        try:
            found[name] = make()
        except ImportError:
            print(f"({name} not installed: left out)", file=sys.stderr)
    return found


def offset_errors(text: str, start: int, spans: list[Span], sentences: list[str] | None = None
                  ) -> int:
    """Spans out of order, overlapping, or leaving out non-space text."""
    errors, pos = 0, start
    for s, e in spans:
        if not (pos <= s < e <= len(text)) or text[pos:s].strip():
            errors += 1
        pos = max(pos, e)
    if text[pos:].strip():
        errors += 1
    return errors


# ---------------------------------------------------------------------------- judgements
# Two batches of hand judgements, kept as data (bench/data/segment_judgements.json); key
# "doc-id@offset" (offset into the body), value (a sentence starts here?, why).
# "judged": the baseline pool, boundaries proposed by qa (commit 2bbe71f rules), pysbd 0.3.4,
# syntok 1.4.4 and blingfire 0.1.8 on the 300-article sample, seed 21578.
# "changes": where the revised qa differs from the baseline qa, 40 of the 379 differences on the
# sample (378 added, 1 removed), drawn with seed 21578 after the rules were final.
JUDGEMENTS = HERE / "data" / "segment_judgements.json"


def load_judgements(batch: str) -> dict[str, tuple[bool, str]]:
    data = json.loads(JUDGEMENTS.read_text(encoding="utf-8"))[batch]
    return {key: (item["sentence_starts"], item["why"]) for key, item in data.items()}


JUDGED = load_judgements("judged")
CHANGES = load_judgements("changes")


# ------------------------------------------------------------------------------- measures
def boundaries(spans: list[Span]) -> set[int]:
    return {s for s, _ in spans[1:]}


def f1(a: set, b: set) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a or b else 1.0


def context(text: str, at: int, width: int = 90) -> str:
    left = text[max(0, at - width):at].replace("\n", "⏎")
    right = text[at:at + width].replace("\n", "⏎")
    return f"{left} ‖ {right}"


def precision_recall(gold: dict[str, tuple[bool, str]], proposed: set[str]) -> tuple[float, float,
                                                                                        int, int]:
    said = [k for k in gold if k in proposed]
    true = [k for k, (v, _) in gold.items() if v]
    tp = sum(gold[k][0] for k in said)
    p = tp / len(said) if said else float("nan")
    r = tp / len(true) if true else float("nan")
    return p, r, tp, len(said)


UNIT_CASES = [  # the cases of tests/test_segment.py, and the points
    ("Two U.S. officials said so. They left.", ["Two U.S. officials said so.", "They left."]),
    ("He met U.S. President Trump on Monday.", ["He met U.S. President Trump on Monday."]),
    ("The talks moved to the U.S. The move surprised many.",
     ["The talks moved to the U.S.", "The move surprised many."]),
    ("“We will strike ... and We will continue,” he said. Then he left.",
     ["“We will strike ... and We will continue,” he said.", "Then he left."]),
    ("Militias are fighting in the province\n\nThe army said more.",
     ["Militias are fighting in the province", "The army said more."]),
    ("The unit said . The army left.", ["The unit said .", "The army left."]),
    ("Mr. Smith arrived. He spoke.", ["Mr. Smith arrived.", "He spoke."]),
    ("It fell 5.5 pct in Jan. 1987 trading. Shares rose.",
     ["It fell 5.5 pct in Jan. 1987 trading.", "Shares rose."]),
    ("J. P. Morgan Chase said so. Others agreed.",
     ["J. P. Morgan Chase said so.", "Others agreed."]),
    ("Is it over? Nobody knows! \"Yes.\" He said.",
     ["Is it over?", "Nobody knows!", "\"Yes.\"", "He said."]),
    ("The profit was 12 mln dlrs\nin the quarter. It rose.",
     ["The profit was 12 mln dlrs\nin the quarter.", "It rose."]),
]


def unit_checks(split) -> tuple[int, int, list[str]]:
    """(cases passed, cases, failures) on UNIT_CASES plus the seed article's 13 sentences."""
    failures = []
    for text, expected in UNIT_CASES:
        got = [text[s:e] for s, e in split(text, 0)]
        if got != expected:
            failures.append(f"{text!r}: {got}")
    doc = read_corpus([SEED_FILE]).documents[0]
    got = split(doc.text, doc.body_start)
    if len(got) != 13:
        failures.append(f"seed article: {len(got)} sentences, not 13")
    return len(UNIT_CASES) + 1 - len(failures), len(UNIT_CASES) + 1, failures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=300)
    ap.add_argument("--seed", type=int, default=21578)
    ap.add_argument("--repeat", type=int, default=3)
    add_data_argument(ap)
    ap.add_argument("--to-judge", action="store_true",
                    help="print sampled boundaries that are not judged yet, and stop")
    ap.add_argument("--changes", type=int, default=40,
                    help="how many qa-vs-baseline changes to sample in --to-judge")
    args = ap.parse_args(argv)

    docs = sample(args.articles, args.seed, args.data)
    split = splitters()
    names = list(split)
    spans: dict[str, dict[str, list[Span]]] = {n: {} for n in names}
    speed: dict[str, tuple[int, float]] = {}
    errors: dict[str, int] = {}
    for n in names:
        best = float("inf")
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            out = {doc_id: split[n](text, start) for doc_id, text, start in docs}
            best = min(best, time.perf_counter() - t0)
        spans[n] = out
        speed[n] = (sum(len(v) for v in out.values()), best)
        errors[n] = sum(offset_errors(text, start, out[doc_id]) for doc_id, text, start in docs)

    keys = {n: {f"{d}@{b}" for d, _, _ in docs for b in boundaries(spans[n][d])} for n in names}
    stored = stored_baseline(args.articles, args.seed)
    if stored is not None:  # the old splitter's boundaries, without its code: no speed row
        names.insert(1, "qa-" + BASELINE)
        keys["qa-" + BASELINE] = {f"{d}@{b}" for d, offsets in stored.items() for b in offsets}
    # The judged pool is that of the baseline qa and the others (the revised qa is left out).
    pool = [n for n in names if n != "qa"] if "qa-" + BASELINE in names else names
    union = set().union(*(keys[n] for n in pool))
    agreed = set.intersection(*(keys[n] for n in pool))
    disputed = union - agreed
    texts = {d: t for d, t, _ in docs}

    if args.to_judge:
        rng = random.Random(args.seed)
        # pysbd alone splits at nearly every hard wrap: those would fill a uniform sample of the
        # disputes, so they are a stratum of 15 and the other disputes one of 45.
        alone = sorted((k for k in disputed if [n for n in pool if k in keys[n]] == ["pysbd"]),
                       key=_order)
        others = sorted(disputed - set(alone), key=_order)
        pool_a = sorted(agreed, key=_order)
        picked = (rng.sample(alone, min(15, len(alone))) + rng.sample(others, min(45, len(others)))
                  + rng.sample(pool_a, min(40, len(pool_a))))
        if JUDGED:  # the baseline pool is fixed: only the changes of revised qa are new
            old = keys["qa-" + BASELINE]
            changed = sorted(keys["qa"] ^ old, key=_order)
            picked = random.Random(args.seed).sample(changed, min(args.changes, len(changed)))
        for k in sorted(picked, key=_order):
            if k in JUDGED or k in CHANGES:
                continue
            d, b = k.split("@")
            who = ",".join(n for n in names if k in keys[n])
            entry = {"sentence_starts": None, "why": f"[{who}]",
                     "context": context(texts[d], int(b))}
            print(f'  "{k}": {json.dumps(entry, ensure_ascii=False)},')
        return 0

    print(f"Reuters-21578 sample: {len(docs)} articles (seed {args.seed}); "
          f"boundaries: union {len(union)}, all agree {len(agreed)}, disputed {len(disputed)}\n")
    print("| splitter | sentences | µs/sentence | sentences/s | offset errors | "
          "unit cases + seed | F1 vs " + " | F1 vs ".join(names) + " |")
    print("|---" * (6 + len(names)) + "|")
    unit = {n: unit_checks(split[n]) for n in names if n in split}
    for n in names:
        agree = " | ".join(f"{f1(keys[n], keys[m]):.3f}" for m in names)
        if n not in split:  # stored boundaries only
            print(f"| {n} (stored) | {len(keys[n]) + len(docs)} | – | – | – | – | {agree} |")
            continue
        count, secs = speed[n]
        passed, total, _ = unit[n]
        print(f"| {n} | {count} | {1e6 * secs / count:.1f} | {count / secs:,.0f} | {errors[n]} | "
              f"{passed}/{total} | {agree} |")
    for batch, gold in (("judged (60 disputed + 40 agreed)", JUDGED),
                        ("changes of revised qa vs baseline", CHANGES)):
        if not gold:
            continue
        n_true = sum(v for v, _ in gold.values())
        print(f"\n{batch}: {len(gold)} boundaries, {n_true} true\n")
        print("| splitter | precision | recall | true found / proposed |")
        print("|---|---|---|---|")
        for n in names:
            p, r, tp, said = precision_recall(gold, keys[n])
            print(f"| {n} | {p:.3f} | {r:.3f} | {tp}/{said} (of {n_true} true) |")
        missing = [k for k in gold if k.split("@")[0] not in texts]
        if missing:
            print(f"({len(missing)} judged keys not in this sample)")
    print()
    for n in unit:
        for f in unit[n][2]:
            print(f"{n} fails: {f}")
    if "qa-" + BASELINE in names:
        old = keys["qa-" + BASELINE]
        print(f"\nqa vs qa-{BASELINE}: {len(keys['qa'] - old)} boundaries added, "
              f"{len(old - keys['qa'])} removed")
    unjudged = [k for k in keys["qa"] - agreed if k not in JUDGED and k not in CHANGES]
    if JUDGED:
        print(f"\nqa boundaries in dispute not judged in either batch: {len(unjudged)}")
    return 0


def _order(key: str) -> tuple[str, int]:
    d, b = key.split("@")
    return d, int(b)


if __name__ == "__main__":
    sys.exit(main())
