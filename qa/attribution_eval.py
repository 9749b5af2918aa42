"""Score `qa.attribution` against brat-annotated articles laid out like PolNeAR.

A folder holds `text/<article>.txt` and `attributions/<article>_<annotator>.ann`; where an
article has several annotators the first `.ann` in sorted order is the gold. Source, Cue and
Content are scored separately, two ways:

- overlap: a predicted span matches a gold span of the same role when they share at least one
  token (a run of word characters, `\\w+`); a span without any such token (a cue ":" or "―")
  therefore never matches, as predicted or as gold;
- exact: the same character range once surrounding white space is trimmed (a discontinuous
  gold span matches only a prediction with the same pieces).

Precision is the share of predicted spans that match some gold span, recall the share of gold
spans matched by some prediction. Identical spans of one role in one article are counted once,
because a source shared by two cues is one span to find, not two.

The command line is `qa eval-attribution DIR [--show-errors N] [--json]`; the cue model is
trained from the same brat reading by `python -m qa.attribution.training`.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .attribution import attribute
from .attribution.model import CueModel
from .model import Sentence
from .segment import sentence_spans

ROLES = ("Source", "Cue", "Content")
Fragments = tuple[tuple[int, int], ...]
_TOKEN = re.compile(r"\w+")
_BRAT_SPAN = re.compile(r"^(T\d+)\t(\S+) ([\d ;]+)\t(.*)$")


@dataclass
class Counts:
    """Tallies for one role and one matching rule."""

    pred: int = 0
    gold: int = 0
    pred_matched: int = 0
    gold_matched: int = 0

    def add(self, other: "Counts") -> None:
        self.pred += other.pred
        self.gold += other.gold
        self.pred_matched += other.pred_matched
        self.gold_matched += other.gold_matched

    @property
    def precision(self) -> float:
        return self.pred_matched / self.pred if self.pred else 0.0

    @property
    def recall(self) -> float:
        return self.gold_matched / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_json(self) -> dict:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4), "predicted": self.pred, "gold": self.gold,
                "predicted_matched": self.pred_matched, "gold_matched": self.gold_matched}


@dataclass
class Miss:
    """A gold span nobody predicted, or a predicted span no gold supports, with its context."""

    article: str
    role: str
    kind: str  # "missed" (false negative) or "spurious" (false positive)
    text: str
    context: str

    def to_json(self) -> dict:
        return {"article": self.article, "role": self.role, "kind": self.kind,
                "text": self.text, "context": self.context}


@dataclass
class EvalResult:
    """Per-role counts under both rules, plus the misses kept for showing."""

    articles: int = 0
    overlap: dict[str, Counts] = field(default_factory=lambda: {r: Counts() for r in ROLES})
    exact: dict[str, Counts] = field(default_factory=lambda: {r: Counts() for r in ROLES})
    misses: list[Miss] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"articles": self.articles,
                "overlap": {r: c.to_json() for r, c in self.overlap.items()},
                "exact": {r: c.to_json() for r, c in self.exact.items()},
                "misses": [m.to_json() for m in self.misses]}


def brat_spans(ann_text: str) -> Iterator[tuple[str, str, Fragments, str]]:
    """(id, role, (start, end) pieces, text) of each text-bound ("T") line of a brat file:
    the one reading of brat spans, shared by this scorer and `qa.source_eval`."""
    for line in ann_text.splitlines():
        m = _BRAT_SPAN.match(line)
        if m:
            pieces = tuple(tuple(int(x) for x in part.split()) for part in m[3].split(";"))
            yield m[1], m[2], pieces, m[4]  # type: ignore[misc]


def read_gold(ann_text: str) -> dict[str, list[Fragments]]:
    """The Source, Cue and Content spans of one brat file, each as its (start, end) pieces."""
    gold: dict[str, list[Fragments]] = {r: [] for r in ROLES}
    for _, role, pieces, _ in brat_spans(ann_text):
        if role in gold:
            gold[role].append(pieces)
    return gold


def predict(text: str, article: str = "doc", model: CueModel | None = None
            ) -> dict[str, list[Fragments]]:
    """Run the attributor (with `model`, else the packaged one) over a whole article text;
    spans as document offsets."""
    spans = list(sentence_spans(text))
    sentences = [Sentence(article, i, s, e, text[s:e]) for i, (s, e) in enumerate(spans)]
    found: dict[str, list[Fragments]] = {r: [] for r in ROLES}
    for sent, attributions in zip(sentences, attribute(sentences, model)):
        for a in attributions:
            for role, span in (("Source", a.source_span), ("Cue", a.cue_span),
                               ("Content", a.content_span)):
                if span is not None and not span.empty:  # carried quotes: no source here
                    found[role].append(((sent.start + span.start, sent.start + span.end),))
    return found


def article_pairs(folder: Path) -> list[tuple[str, Path, Path]]:
    """(article, text file, gold file) for each article that has both, in name order."""
    ann_by_article: dict[str, Path] = {}
    for ann in sorted((folder / "attributions").glob("*.ann")):
        article = ann.stem.rsplit("_", 1)[0]
        ann_by_article.setdefault(article, ann)
    pairs = []
    for txt in sorted((folder / "text").glob("*.txt")):
        ann = ann_by_article.get(txt.stem)
        if ann is not None:
            pairs.append((txt.stem, txt, ann))
    return pairs


def evaluate(folder: Path | str, show_errors: int = 0,
             keep: "Callable[[int], bool] | None" = None,
             model: CueModel | None = None) -> EvalResult:
    """Score every article of `folder` (or those whose position passes `keep`) with the cue
    model `model` (the packaged one unless given); keep up to `show_errors` misses for
    display."""
    folder = Path(folder)
    result = EvalResult()
    for k, (article, txt, ann) in enumerate(article_pairs(folder)):
        if keep is not None and not keep(k):
            continue
        text = txt.read_text(encoding="utf-8")
        gold = read_gold(ann.read_text(encoding="utf-8"))
        pred = predict(text, article, model)
        score_article(result, article, text, gold, pred, show_errors)
    return result


def score_article(result: EvalResult, article: str, text: str,
                  gold: dict[str, list[Fragments]], pred: dict[str, list[Fragments]],
                  show_errors: int = 0) -> None:
    """Add one article's tallies (and misses, while fewer than `show_errors`) to `result`."""
    result.articles += 1
    tokens = _Tokens(text)
    for role in ROLES:
        g = list(dict.fromkeys(_trim(text, s) for s in gold[role]))
        p = list(dict.fromkeys(_trim(text, s) for s in pred[role]))
        g_tok = [tokens.covered(s) for s in g]
        p_tok = [tokens.covered(s) for s in p]
        g_hit = [any(gt & pt for pt in p_tok) for gt in g_tok]
        p_hit = [any(pt & gt for gt in g_tok) for pt in p_tok]
        result.overlap[role].add(Counts(len(p), len(g), sum(p_hit), sum(g_hit)))
        g_set, p_set = set(g), set(p)
        result.exact[role].add(Counts(len(p), len(g), sum(s in g_set for s in p),
                                      sum(s in p_set for s in g)))
        for spans, hits, kind in ((g, g_hit, "missed"), (p, p_hit, "spurious")):
            for span, hit in zip(spans, hits):
                if not hit and len(result.misses) < show_errors:
                    result.misses.append(_miss(article, role, kind, text, span))


class _Tokens:
    """Word tokens of a text, to tell which tokens a span touches."""

    def __init__(self, text: str) -> None:
        found = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
        self.starts = [s for s, _ in found]
        self.ends = [e for _, e in found]

    def covered(self, span: Fragments) -> frozenset[int]:
        """Indices of the tokens that share at least one character with the span.

        A span without any word ("―", ":") covers no token, so it can neither be matched nor
        match anything (the data README: overlap means sharing at least one token).
        """
        out: set[int] = set()
        for start, end in span:
            first = bisect.bisect_right(self.ends, start)
            last = bisect.bisect_left(self.starts, end)
            out.update(range(first, last))
        return frozenset(out)


def _trim(text: str, span: Fragments) -> Fragments:
    pieces = []
    for start, end in span:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        pieces.append((start, end))
    return tuple(pieces)


def _miss(article: str, role: str, kind: str, text: str, span: Fragments) -> Miss:
    start, end = span[0][0], span[-1][1]
    left = text.rfind("\n", 0, start) + 1
    right = text.find("\n", end)
    right = len(text) if right < 0 else right
    left, right = max(left, start - 160), min(right, end + 160)
    snippet = " ".join(text[s:e] for s, e in span)
    context = (text[left:start] + "[[" + text[start:end] + "]]" + text[end:right]).replace("\n", " ")
    return Miss(article, role, kind, snippet, context)


def format_report(result: EvalResult) -> str:
    """A plain-text table of P/R/F1 per role and rule, then any kept misses."""
    lines = [f"articles: {result.articles}",
             f"{'role':<8} {'rule':<8} {'P':>6} {'R':>6} {'F1':>6} {'pred':>6} {'gold':>6}"]
    for rule, table in (("overlap", result.overlap), ("exact", result.exact)):
        for role in ROLES:
            c = table[role]
            lines.append(f"{role:<8} {rule:<8} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f} "
                         f"{c.pred:6d} {c.gold:6d}")
    for m in result.misses:
        lines.append(f"\n{m.kind} {m.role} in {m.article}: {m.text!r}\n  {m.context}")
    return "\n".join(lines)
