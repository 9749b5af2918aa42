"""Plain data passed one way down the pipeline: documents, sentences, attributions, hits.

Everything here is a frozen or simple dataclass so that every stage can be tested on its own
and the CLI, REPL and scripts all see the same shapes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


class Span(NamedTuple):
    """A character range [start, end) within a text. A tuple, so `start, end = span` and
    comparisons with plain tuples keep working; absence is `None`, never (0, 0)."""

    start: int
    end: int

    def of(self, text: str) -> str:
        """The characters of `text` this span covers."""
        return text[self.start:self.end]

    @property
    def length(self) -> int:
        return max(0, self.end - self.start)

    @property
    def empty(self) -> bool:
        return self.end <= self.start


def span_json(span: Span | None) -> list[int]:
    """A span as JSON stores it: [0, 0] where there is none (the layout scripts rely on)."""
    return [span[0], span[1]] if span is not None else [0, 0]


def span_from_json(data: list[int] | None) -> Span | None:
    """A stored span back in memory: None for null or [0, 0] (none)."""
    if data is None or (data[0] == 0 and data[1] == 0):
        return None
    return Span(data[0], data[1])


@dataclass(frozen=True)
class Document:
    """One article as read from its source.

    `text` is the file decoded as UTF-8 without BOM and with newlines as Python's text mode
    gives them ("\\n"); every offset in qa counts characters in this string.
    """

    id: str
    source: str
    text: str
    title: str = ""
    date: str = ""
    place: str = ""
    agency: str = ""
    body_start: int = 0

    @property
    def dateline(self) -> str:
        return dateline(self.place, self.agency)


@dataclass(frozen=True)
class Sentence:
    """A sentence and where it lies in its document's text."""

    doc: str
    index: int
    start: int
    end: int
    text: str
    paragraph: int = 0


@dataclass(frozen=True)
class Attribution:
    """Who said a sentence's claim, and with which words.

    Spans are character ranges within the sentence text, None where there is none (a source
    outside the sentence, a quotation carried from an earlier sentence, no reported content);
    JSON keeps [0, 0] for none. `resolved_source` is the full name a pronoun or short form
    stands for, or `source` itself.
    """

    source: str
    cue: str
    resolved_source: str
    source_span: Span | None
    cue_span: Span | None
    content_span: Span | None = None

    def __post_init__(self) -> None:
        # a plain (start, end) pair from a caller becomes a Span, so every span has .of()
        for name in ("source_span", "cue_span", "content_span"):
            value = getattr(self, name)
            if value is not None and type(value) is not Span:
                object.__setattr__(self, name, Span(*value))

    def to_json(self) -> dict:
        data = {
            "source": self.source,
            "cue": self.cue,
            "resolved_source": self.resolved_source,
            "source_span": span_json(self.source_span),
            "cue_span": span_json(self.cue_span),
            # always present: [0, 0] where no reported content was found ("X agreed.")
            "content_span": span_json(self.content_span),
        }
        return data

    @classmethod
    def from_json(cls, data: dict) -> "Attribution":
        content = span_from_json(data.get("content_span"))
        return cls(
            source=data["source"],
            cue=data["cue"],
            resolved_source=data["resolved_source"],
            source_span=span_from_json(data["source_span"]),
            cue_span=span_from_json(data["cue_span"]),
            content_span=None if content is None or content.empty else content,
        )


@dataclass(frozen=True)
class AnswerSpan:
    """The part of a sentence that answers the question (a span within the sentence), and how
    sure the answer model is of it (a calibrated probability that it is right)."""

    text: str
    span: Span
    confidence: float | None = None

    def to_json(self) -> dict:
        data = {"text": self.text, "span": list(self.span)}
        if self.confidence is not None:
            data["confidence"] = round(self.confidence, 4)
        return data


@dataclass(frozen=True)
class AnswerCandidate:
    """The answer model's best span of a hit, marked or not, with its runner-up: what
    `--explain` shows and what `qa eval` and the calibrator read."""

    best: AnswerSpan
    runner_up: AnswerSpan | None
    inputs: tuple[float, ...]
    marked: bool

    def to_json(self) -> dict:
        return {"best": self.best.to_json(), "marked": self.marked,
                "runner_up": self.runner_up.to_json() if self.runner_up else None}


@dataclass
class Hit:
    """One ranked sentence with everything needed to show or serialise it."""

    rank: int
    score: float
    doc: str
    sentence: int
    text: str
    start: int
    end: int
    attributions: list[Attribution] = field(default_factory=list)
    answer: AnswerSpan | None = None
    date: str = ""
    dateline: str = ""
    matched: list[Span] = field(default_factory=list)
    features: dict[str, float] = field(default_factory=dict)
    candidate: AnswerCandidate | None = None

    def to_json(self) -> dict:
        data = sentence_json(self.doc, self.sentence, self.text, self.start, self.end,
                             self.attributions)
        data = {"rank": self.rank, "score": round(float(self.score), 6), **data,
                "date": self.date, "dateline": self.dateline}
        data["answer"] = self.answer.to_json() if self.answer else None
        if self.features:
            data["explain"] = {k: round(v, 6) for k, v in self.features.items()}
            data["answer_explain"] = self.candidate.to_json() if self.candidate else None
        return data


@dataclass
class Answer:
    """What `ask()` returns: the question and its hits, best first."""

    question: str
    hits: list[Hit] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"question": self.question, "hits": [h.to_json() for h in self.hits]}


def dateline(place: str, agency: str) -> str:
    """The dateline as a reader would write it, e.g. "BEIRUT (Reuters)"."""
    if place and agency:
        return f"{place} ({agency})"
    return place or agency


def sentence_json(doc: str, index: int, text: str, start: int, end: int,
                  attributions: list[Attribution]) -> dict:
    """The JSON shape shared by hits and `qa sentences`."""
    return {
        "doc": doc,
        "sentence": index,
        "text": text,
        "start": start,
        "end": end,
        "attributions": [a.to_json() for a in attributions],
    }
