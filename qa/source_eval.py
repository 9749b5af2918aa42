"""Per-source measure of `qa said` on brat data laid out like PolNeAR, beside a grep baseline.

The gold sources of every article are merged with the same rules as the index
(`qa.source_names.merge`: appositive, article and title dropped, a proper name's short form
joined to the long name holding it). Each proper-name group is asked for by its most used form
as written ("Trump"); groups asked for by the same name are one source (where the merge kept
"Donald Trump" and "Donald J. Trump" apart), and the `top` sources with most gold attributions
are measured. Each gold attribution of a source is a *gold statement*, lying in the sentences
its cue and content touch (a quotation may run over several). Three systems answer the query:

- qa: `qa said NAME` over an index of the articles (built in a temporary folder), every
  statement it lists (its sentence);
- grep: every sentence holding NAME as a phrase (case-insensitive, whole words) and a verb of
  saying (`SPEECH_VERBS`); grep+cues: the same with qa's whole cue lexicon instead (reporting
  and attitude verbs), a stronger reference.

Recall is the share of gold statements with a listed sentence; precision the share of listed
sentences that lie in a gold statement of the group. A listed sentence whose only gold
attribution has a pronoun source ("he said") cannot be judged (the gold does not say who "he"
is) and is left out of precision, for all systems alike; so is one whose gold source is a short
definite description ("the union", "the senator"), which refers back as a pronoun does.
"""
from __future__ import annotations

import re
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .source_names import merge, normalise

_RELATION = re.compile(r"^E\d+\t(.*)$")
_WORD = re.compile(r"\w+(?:['’]\w+)*")
# Verbs of saying, every form: the literal "reporting verb" of the baseline. qa's own cue
# lexicon (reporting *and* attitude verbs, 690 forms) gives a second, stronger grep.
SPEECH_VERBS = frozenset("""
say says said saying tell tells told telling add adds added adding state states stated stating
announce announces announced announcing report reports reported reporting claim claims claimed
claiming explain explains explained explaining note notes noted noting write writes wrote
written writing according ask asks asked asking insist insists insisted insisting argue argues
argued arguing suggest suggests suggested suggesting warn warns warned warning declare declares
declared declaring comment comments commented commenting reply replies replied replying
respond responds responded responding tweet tweets tweeted tweeting confirm confirms confirmed
confirming deny denies denied denying acknowledge acknowledges acknowledged acknowledging admit
admits admitted admitting describe describes described describing predict predicts predicted
predicting promise promises promised promising testify testifies testified testifying assert
asserts asserted asserting contend contends contended contending stress stresses stressed
stressing emphasize emphasizes emphasized emphasizing accuse accuses accused accusing allege
alleges alleged alleging
""".split())


@dataclass
class GoldRelation:
    article: str
    source: str  # as written, "" when the relation has none
    spans: list[tuple[int, int]]  # document ranges of its cue and content


@dataclass
class Tally:
    gold: int = 0
    listed: int = 0  # judged sentences listed
    found: int = 0  # gold statements found
    correct: int = 0  # judged sentences that hold a gold statement

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 0.0

    @property
    def precision(self) -> float:
        return self.correct / self.listed if self.listed else 0.0

    def add(self, other: "Tally") -> None:
        self.gold += other.gold
        self.listed += other.listed
        self.found += other.found
        self.correct += other.correct

    def to_json(self) -> dict:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "gold": self.gold, "listed": self.listed, "found": self.found,
                "correct": self.correct}


@dataclass
class SourceRow:
    name: str
    query: str
    statements: int
    qa: Tally
    grep: Tally
    grep_cues: Tally


SYSTEMS = ("qa", "grep", "grep_cues")


@dataclass
class SourceEval:
    rows: list[SourceRow] = field(default_factory=list)
    totals: dict[str, Tally] = field(default_factory=lambda: {s: Tally() for s in SYSTEMS})

    def to_json(self) -> dict:
        return {"sources": [{"name": r.name, "query": r.query, "gold": r.statements,
                             **{s: getattr(r, s).to_json() for s in SYSTEMS}}
                            for r in self.rows],
                "micro": {s: self.totals[s].to_json() for s in SYSTEMS},
                "macro": {s: _macro([getattr(r, s) for r in self.rows]) for s in SYSTEMS}}


def read_relations(ann_text: str, article: str) -> list[GoldRelation]:
    """Each attribution relation of a brat file: its source text and where its cue starts."""
    from .attribution_eval import brat_spans

    spans = {key: (role, pieces, text) for key, role, pieces, text in brat_spans(ann_text)}
    out = []
    for line in ann_text.splitlines():
        m = _RELATION.match(line)
        if not m:
            continue
        parts = dict(part.split(":", 1) for part in m[1].split() if ":" in part)
        source = spans.get(parts.get("Source", ""), ("", [], ""))[2]
        ranges = [piece for role in ("Cue", "Content") if parts.get(role) in spans
                  for piece in spans[parts[role]][1]]
        if ranges:
            out.append(GoldRelation(article, source, ranges))
    return out


def evaluate_sources(folder: Path, top: int = 20, index_folder: Path | None = None
                     ) -> SourceEval:
    """qa said and the grep baseline for the `top` gold sources of `folder`."""
    from .attribution_eval import article_pairs
    from .index.writer import build
    from .index import Index

    pairs = article_pairs(Path(folder))
    relations = [r for article, _, ann in pairs
                 for r in read_relations(ann.read_text(encoding="utf-8"), article)]
    articles = {article: k for k, (article, _, _) in enumerate(pairs)}
    numbers, groups = merge((articles[r.article], r.source) for r in relations)
    with tempfile.TemporaryDirectory(prefix="qa-source-eval-") as tmp:
        target = index_folder or Path(tmp) / "index"
        build([txt for _, txt, _ in pairs], target)
        index = Index.open(target)
        where = _sentence_finder(index)
        gold: dict[int, list[set]] = defaultdict(list)  # per group: each relation's sentences
        pronoun: set = set()
        for r, n in zip(relations, numbers):
            places = {p for start, end in r.spans for p in where(r.article, start, end)}
            if n >= 0 and not _anaphoric(r.source):
                gold[n].append(places)
            elif r.source.strip():
                pronoun |= places
        # gold groups the user would ask for by the same name are one source ("Trump" for
        # "Donald Trump" and "Donald J. Trump" where the merge kept them apart)
        by_query: dict[str, list[int]] = defaultdict(list)
        for n in range(len(groups)):
            if _proper(groups[n]) and gold[n]:
                by_query[_query(groups[n].aliases)].append(n)
        size = {q: sum(len(gold[n]) for n in ns) for q, ns in by_query.items()}
        result = SourceEval()
        for query in sorted(by_query, key=lambda q: (-size[q], q))[:top]:
            members = by_query[query]
            statements = [places for n in members for places in gold[n]]
            row = SourceRow(groups[members[0]].name, query, len(statements),
                            _tally(_said(index, query), statements, pronoun),
                            _tally(_grep(index, query, SPEECH_VERBS), statements, pronoun),
                            _tally(_grep(index, query, None), statements, pronoun))
            result.rows.append(row)
            for system in SYSTEMS:
                result.totals[system].add(getattr(row, system))
        index = None
    return result


def _anaphoric(source: str) -> bool:
    """"he", "the union", "the senator": who they are is in the text, not in the gold."""
    name = normalise(source)
    if name is None:
        return True
    words = source.split()
    return (not name.is_name and words[0].lower() in ("the", "this", "that")
            and len(words) <= 3)


def _proper(group) -> bool:
    name = normalise(group.name)
    return name is not None and name.is_name


def _query(aliases: list[str]) -> str:
    """The group's most used form as written, without its article or title ("Trump")."""
    forms: dict[str, str] = {}  # key -> a written form, most used key first
    for alias in aliases:
        name = normalise(alias)
        if name is not None and name.is_name and (name.key not in forms
                                                  or forms[name.key].isupper()):
            forms[name.key] = name.written
    best = aliases[0] if not forms else next(iter(forms.values()))
    words = best.split()
    while len(words) > 1 and words[0].lower() in ("the", "a", "an", "mr.", "mrs.", "ms.", "dr."):
        words = words[1:]
    return " ".join(words)


def _sentence_finder(index):
    """(article, document offset) -> (article, sentence number) for the sentence holding it."""
    import bisect

    starts: dict[str, list[int]] = {}
    for d in range(len(index.docs)):
        meta = index.docs[d]
        rows = range(meta["first"], meta["first"] + meta["count"])
        starts[meta["id"]] = [index.record(i).start for i in rows]

    def where(article: str, start: int, end: int) -> list[tuple[str, int]]:
        found = starts.get(article, [])
        first = max(0, bisect.bisect_right(found, start) - 1)
        last = max(first, bisect.bisect_left(found, end) - 1)
        return [(article, n) for n in range(first, last + 1)]

    return where


def _said(index, query: str) -> set:
    from .said import said

    return {(s.doc, s.sentence) for s in said(index, query, k=None).statements}


def _grep(index, query: str, verbs: frozenset[str] | None) -> set:
    """Sentences holding `query` as a phrase and one of `verbs` (None: qa's cue lexicon)."""
    if verbs is None:
        from .attribution.tokens import REPORTING as verbs

    pattern = re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, query.split())) + r"(?!\w)",
                         re.I)
    out = set()
    for i in range(index.size):
        record = index.record(i)
        text = record.text
        if pattern.search(text) and any(w.lower() in verbs for w in _WORD.findall(text)):
            out.add((index.docs[index.sent_doc[i]]["id"], record.index))
    return out


def _tally(listed: set, gold: list[set], pronoun: set) -> Tally:
    """Recall over the group's gold relations (found when a listed sentence lies in its cue or
    content), precision over the listed sentences that can be judged."""
    covered = set().union(*gold) if gold else set()
    judged = {s for s in listed if s in covered or s not in pronoun}
    return Tally(gold=len(gold), listed=len(judged),
                 found=sum(bool(places & listed) for places in gold),
                 correct=len(judged & covered))


def _macro(tallies: list[Tally]) -> dict:
    n = len(tallies) or 1
    return {"precision": round(sum(t.precision for t in tallies) / n, 4),
            "recall": round(sum(t.recall for t in tallies) / n, 4)}


def format_sources(result: SourceEval) -> str:
    """A plain-text table: each source's recall and precision for qa and both greps."""
    lines = [f"per source: the {len(result.rows)} most frequent gold sources (R recall, "
             "P precision; grep: name + verb of saying; grep+cues: name + qa's cue lexicon)",
             f"{'source':<30} {'query':<15} {'gold':>4}  {'qa R':>5} {'qa P':>5}  "
             f"{'grep R':>6} {'grep P':>6}  {'+cues R':>7} {'+cues P':>7}"]

    def cells(tallies) -> str:
        (q, g, c) = tallies
        return (f"{q[0]:5.3f} {q[1]:5.3f}  {g[0]:6.3f} {g[1]:6.3f}  {c[0]:7.3f} {c[1]:7.3f}")

    for r in result.rows:
        lines.append(f"{r.name[:30]:<30} {r.query[:15]:<15} {r.statements:4d}  " + cells(
            [(t.recall, t.precision) for t in (r.qa, r.grep, r.grep_cues)]))
    lines.append(f"{'micro':<52} " + cells(
        [(result.totals[s].recall, result.totals[s].precision) for s in SYSTEMS]))
    macro = result.to_json()["macro"]
    lines.append(f"{'macro':<52} " + cells(
        [(macro[s]["recall"], macro[s]["precision"]) for s in SYSTEMS]))
    return "\n".join(lines)
