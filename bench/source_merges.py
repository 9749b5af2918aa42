"""Merge precision of the source table: which differently written names qa files as one source.

Builds an index of PolNeAR dev's texts and of the first N Reuters-21578 articles (in a
temporary folder), and lists every *merge*: a source whose aliases normalise to more than one
name key, each further key being one decision ("The Observatory" -> "Syrian Observatory for
Human Rights"). Decisions were judged by hand once, reading the articles, and are kept in
bench/source_merges_judged.json ("alias key -> source name": true or false); the script prints
precision over the judged decisions and lists any decision not judged yet.

    python bench/source_merges.py [--reuters N] [--write-doc]
"""
from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from common import ROOT, add_data_argument  # bench/ is on sys.path: the script's folder
from qa.index.writer import build  # noqa: E402
from qa.index import Index  # noqa: E402
from qa.source_names import normalise, statement_name  # noqa: E402

JUDGED = ROOT / "bench" / "source_merges_judged.json"


def merges(index: Index) -> list[tuple[str, str, int]]:
    """(name key, source name, statements) for each name key the merge joined to a source
    whose own key differs: qa.source_names' decisions, not the attributor's resolutions."""
    table = index.sources
    keys: dict[tuple[str, int], int] = {}
    for st in range(len(table.sentence)):
        attribution = index.record(table.sentence[st]).attributions[table.attribution[st]]
        name = normalise(statement_name(attribution.get("source", ""),
                                        attribution.get("resolved_source", "")))
        source = table.source[st]
        if name is not None:
            keys[(name.key, source)] = keys.get((name.key, source), 0) + 1
    out = []
    for (key, source), count in sorted(keys.items()):
        info = table.info(source)
        root = normalise(info["name"])
        if root is not None and key != root.key:
            out.append((key, " ".join(info["name"].split()), count))
    return out


def polnear_index(tmp: Path, data: Path) -> Index:
    build(sorted((data / "polnear" / "dev" / "text").glob("*.txt")), tmp / "polnear")
    return Index.open(tmp / "polnear")


def reuters_index(tmp: Path, articles: int, data: Path) -> Index:
    from speed_corpus import reuters_articles, write_corpus

    chosen = reuters_articles(data)[:articles]
    write_corpus(chosen, sum(a[3] for a in chosen), tmp / "reuters-corpus")
    build([tmp / "reuters-corpus"], tmp / "reuters")
    return Index.open(tmp / "reuters")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuters", type=int, default=1000, help="Reuters articles (1000)")
    parser.add_argument("--all", action="store_true", help="list the right decisions too")
    add_data_argument(parser)
    args = parser.parse_args()
    judged = json.loads(JUDGED.read_text()) if JUDGED.exists() else {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, index in (("polnear", polnear_index(Path(tmp), args.data)),
                            ("reuters", reuters_index(Path(tmp), args.reuters, args.data))):
            labels = judged.get(name, {})
            found = merges(index)
            right = wrong = right_st = wrong_st = 0
            lines = []
            for key, source, count in found:
                label = labels.get(f"{key} -> {source}")
                if label is None:
                    lines.append(f"  not judged: {key} -> {source}  ({count})")
                elif label:
                    right, right_st = right + 1, right_st + count
                    if args.all:
                        lines.append(f"  right: {key} -> {source}  ({count})")
                else:
                    wrong, wrong_st = wrong + 1, wrong_st + count
                    lines.append(f"  wrong: {key} -> {source}  ({count})")
            print(f"{name}: {len(index.sources)} sources, {len(found)} merges, "
                  f"judged {right + wrong}: {right} right, {wrong} wrong, precision "
                  f"{right / max(1, right + wrong):.3f} (by statements "
                  f"{right_st / max(1, right_st + wrong_st):.3f})")
            print("\n".join(lines))


if __name__ == "__main__":
    main()
