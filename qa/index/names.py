"""Names as the corpus writes them, for the session's completion: "Deir al-Zor", "al-Mayadin".

Runs of capitalised words (joined by "of", "for", "al", ...) and hyphenated names, and the
sources attributions name. A capitalised word starting a sentence is left out when the corpus
also writes it in lower case ("The", "Last"). They are counted once, when the index is built
(`NameCounts`, over the first SCAN_LIMIT sentences of a build and the sentences each update
adds), and stored sorted, so a session finds a
prefix's names by binary search instead of scanning every sentence at start-up.
"""
from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from .records import RecordWriter, Records

SCAN_LIMIT = 200_000  # sentences read to find names for completion

_TOKEN_SPLIT = re.compile(r"([\w.’'&-]+)")
_PARTICLE_NAME = re.compile(r"\A[a-z]{1,3}-[^\W\d_]")  # al-Mayadin, el-Sisi, bin-Salman
_CONNECTORS = {"of", "for", "de", "del", "della", "da", "di", "du", "van", "von", "der", "den",
               "bin", "ibn", "al", "el", "la", "le"}
_DETERMINERS = {"the", "a", "an", "this", "that", "these", "those", "his", "her", "its",
                "their", "our", "in", "on", "at", "but", "and", "if", "when", "as"}
_OPENERS = "“\"‘'(:[—–-"


class NameCounts:
    """What completion names are made of, counted sentence by sentence: runs of name words
    (apart, those opening a sentence or quote), words seen in lower case, cited sources.
    Plain data, so that a generation keeps them (names.counts.json) and an update adds the new
    articles' counts instead of reading every sentence again."""

    def __init__(self) -> None:
        self.runs: Counter[tuple[str, ...]] = Counter()
        self.initial: Counter[tuple[str, ...]] = Counter()
        self.lower: set[str] = set()
        self.sources: Counter[str] = Counter()
        self.sentences = 0

    def add(self, text: str, attributions: list[dict]) -> None:
        from ..render import safe  # the build's; opening an index for a question needs no rich

        self.sentences += 1
        for run, is_initial in _runs(text, self.lower):
            (self.initial if is_initial else self.runs)[run] += 1
        for a in attributions:
            for key in ("resolved_source", "source"):
                if isinstance(a.get(key), str) and len(a[key]) > 2:
                    self.sources[" ".join(safe(a[key]).split())] += 1

    def update(self, other: "NameCounts") -> None:
        self.runs.update(other.runs)
        self.initial.update(other.initial)
        self.lower |= other.lower
        self.sources.update(other.sources)
        self.sentences += other.sentences

    def to_json(self) -> dict:
        return {"runs": [[list(r), n] for r, n in self.runs.items()],
                "initial": [[list(r), n] for r, n in self.initial.items()],
                "lower": sorted(self.lower), "sources": list(self.sources.items()),
                "sentences": self.sentences}

    @classmethod
    def from_json(cls, data: dict) -> "NameCounts":
        counts = cls()
        counts.runs = Counter({tuple(r): n for r, n in data["runs"]})
        counts.initial = Counter({tuple(r): n for r, n in data["initial"]})
        counts.lower = set(data["lower"])
        counts.sources = Counter(dict(data["sources"]))
        counts.sentences = int(data["sentences"])
        return counts

    def names(self) -> tuple[list[tuple[str, str, int]], list[str]]:
        """(folded, name, count) sorted by folded name, and source names most cited first."""
        counts: Counter[str] = Counter()
        lower = self.lower
        for table, at_start in ((self.runs, False), (self.initial, True)):
            for run, count in table.items():
                if at_start and run[0].lower() in lower:
                    run = run[1:]  # "The Syrian Observatory ..." -> "Syrian Observatory ..."
                while run and run[-1] in _CONNECTORS:
                    run = run[:-1]
                if not run:
                    continue
                if len(run) > 1 or run[0].lower() not in lower:
                    counts[" ".join(run)] += count
                for word in run:
                    if "-" in word and len(run) > 1:
                        counts[word] += count  # "al-Assad" from "Bashar al-Assad"
        names = sorted((name.casefold(), name, count) for name, count in counts.items()
                       if len(name) >= 3)
        return names, [name for name, _ in self.sources.most_common()]


def write_names(out: Path, counts: NameCounts) -> None:
    """names.jsonl ([folded, name, count], sorted) and names.sources.jsonl, for completion
    (what they were made of is names.counts.json, kept for the next update)."""
    names, sources = counts.names()
    for name, values in (("names", [list(n) for n in names]), ("names.sources", sources)):
        writer = RecordWriter(out, name)
        writer.extend(values)
        writer.close()


def read_counts(data: Path, name: str | None = None) -> NameCounts:
    """The NameCounts a generation kept (all its names.counts*.json files, added up, or the
    one file `name`); ValueError when they are not that."""
    counts = NameCounts()
    for path in [data / name] if name else sorted(data.glob("names.counts*.json")):
        try:
            counts.update(NameCounts.from_json(json.loads(path.read_bytes())))
        except (KeyError, TypeError, AttributeError, RecursionError) as exc:
            raise ValueError(f"{path.name} is corrupt ({exc})") from None
    return counts


class StoredNames:
    """The names an index stored for completion: found by binary search, never scanned."""

    def __init__(self, data: Path) -> None:
        self.names = Records(data, "names")
        self.sources = Records(data, "names.sources")

    def starting(self, prefix: str) -> list[tuple[str, int]]:
        """Names starting with `prefix` (ignoring case), most frequent first."""
        folded = prefix.casefold()
        names = self.names
        lo = bisect_left(names, folded, key=lambda record: record[0])
        found = []
        for at in range(lo, len(names)):
            key, name, count = names[at]
            if not key.startswith(folded):
                break
            found.append((name, count))
        found.sort(key=lambda item: (-item[1], item[0]))
        return found

    def all(self) -> list[tuple[str, str, int]]:
        return [tuple(n) for n in self.names]

    def source_list(self) -> list[str]:
        return list(self.sources)


def _runs(text: str, lower: set[str]) -> Iterator[tuple[tuple[str, ...], bool]]:
    """Runs of name words in `text`, each with whether it starts the sentence or a quote.

    Lower-case words seen go into `lower`.
    """
    run: list[str] = []
    opens_run = False
    pending: list[str] = []  # connectors waiting for a following name word
    # split with the token pattern captured: [gap, token, gap, token, ..., gap], so each token
    # comes with the text before it without asking a match object for its offsets
    parts = _TOKEN_SPLIT.split(text)
    for number, (before, token) in enumerate(zip(parts[::2], parts[1::2])):
        if token[-1] in _TRIMMED_LAST or token[0] in _STRIPPED:
            word, possessive = _clean(token)
        else:  # most words: nothing _clean strips
            word, possessive = token, False
        gap = before.strip()
        opens = not number or (gap and gap[-1] in _OPENERS)
        if gap and run:  # punctuation between words ends a run
            yield tuple(run), opens_run
            run, pending = [], []
        if word and _is_name_word(word) and (run or word.lower() not in _DETERMINERS):
            if not run:
                opens_run = bool(opens)
            run.extend(pending)
            run.append(word)
            pending = []
        elif run and word in _CONNECTORS:
            pending.append(word)
        else:
            if word.islower():
                lower.add(word)
            if run:
                yield tuple(run), opens_run
            run, pending = [], []
        if possessive and run:  # a possessive ends the name: "Islamic State’s main base"
            yield tuple(run), opens_run
            run, pending = [], []
    if run:
        yield tuple(run), opens_run


def _clean(token: str) -> tuple[str, bool]:
    """The word without trailing dots or a possessive, and whether a possessive ended it.
    Only for a token that ends in one of _TRIMMED_LAST or starts with one of _STRIPPED: any
    other comes out as it is (_runs does not call it for those, most words)."""
    ended = False
    for suffix in ("’s", "'s", "’", "'"):
        if token.endswith(suffix) and len(token) > len(suffix) + 1:
            token, ended = token[: -len(suffix)], True
            break
    if token.endswith(".") and token.count(".") == 1:
        token = token[:-1]
    return token.strip("-'’&"), ended


_STRIPPED = frozenset("-'’&")  # what _clean strips from either end
_TRIMMED_LAST = _STRIPPED | frozenset("s.")  # and what ends a possessive or a full stop


def _is_name_word(word: str) -> bool:
    first = word[0]
    if "a" <= first <= "z":  # only such a word can be a particle name ("al-Mayadin")
        return "-" in word[1:4] and _PARTICLE_NAME.match(word) is not None
    if not first.isupper():
        return False
    last = word.rsplit("-", 1)[-1]
    return bool(last) and (last[0].isupper() or last[0].isdigit())  # not "Iran-allied"
