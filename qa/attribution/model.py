"""The cue model as a value: lexicon, particles, logistic weights and thresholds.

It is read once from the package's plain JSON (`qa/data/attribution_cues.json`, rebuilt by
`python -m qa.attribution.training`) and passed to `attribute()`; training and threshold
experiments build other values instead of changing module state. The only state it carries
is caches derived from it (a word's stem, the most its subject features can add, a word's
class, a candidate word's own features), which never change a result.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Mapping

import Stemmer  # PyStemmer: the Snowball algorithms in C

from .tokens import REPORTING

STEM = Stemmer.Stemmer("english").stemWord
MODEL_FILE = "data/attribution_cues.json"


@dataclass(frozen=True)
class CueModel:
    """A trained cue model and the thresholds it is used with."""

    weights: Mapping[str, float]  # a plain dict: read on every candidate, never written
    bias: float = 0.0
    threshold: float = 0.5  # for the hand-listed reporting verbs
    threshold_other: float = 0.5  # for the words only the training data suggests ("pushed")
    threshold_person: float = 0.5  # the same words with a person as source ("the senator", "he")
    alone: float = 1.01  # a cue this confident stands without a source
    lexicon: frozenset[str] = frozenset()  # the learned words, without the hand list
    particles: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType({}))
    candidates: frozenset[str] = field(init=False)  # learned words and the hand list
    lowest_other: float = field(init=False)  # below it no data-only word is a cue
    stems: dict[str, str] = field(init=False, compare=False, repr=False)
    bounds: dict[str, float] = field(init=False, compare=False, repr=False)
    classes: dict[str, str] = field(init=False, compare=False, repr=False)  # a word's class
    word_features: dict[str, tuple] = field(init=False, compare=False, repr=False)  # cues.py
    by_template: dict[str, object] = field(init=False, compare=False, repr=False)  # scoring.py

    def __post_init__(self) -> None:
        candidates = self.lexicon | REPORTING
        object.__setattr__(self, "candidates", candidates)
        object.__setattr__(self, "lowest_other", min(self.threshold_other, self.threshold_person))
        object.__setattr__(self, "stems", {w: STEM(w) for w in candidates})
        object.__setattr__(self, "bounds", {})
        object.__setattr__(self, "classes", {})
        object.__setattr__(self, "word_features", {})
        object.__setattr__(self, "by_template", {})

    @classmethod
    def from_json(cls, data: dict) -> "CueModel":
        """The model as `python -m qa.attribution.training` writes it."""
        return cls(weights=dict(data["weights"]), bias=data["bias"],
                   threshold=data["threshold"],
                   threshold_other=data.get("threshold_other", data["threshold"]),
                   threshold_person=data.get("threshold_person",
                                             data.get("threshold_other", data["threshold"])),
                   alone=data.get("alone", 1.01), lexicon=frozenset(data["candidates"]),
                   particles=MappingProxyType({w: tuple(p) for w, p in
                                               data["particles"].items()}))

    def with_thresholds(self, threshold: float | None = None, other: float | None = None,
                        alone: float | None = None) -> "CueModel":
        """The same weights with other thresholds (for tuning them)."""
        return replace(self, threshold=self.threshold if threshold is None else threshold,
                       threshold_other=self.threshold_other if other is None else other,
                       alone=self.alone if alone is None else alone)


@lru_cache(maxsize=1)
def packaged_model() -> CueModel:
    """The model shipped with qa; an empty one only while the first training builds it."""
    path = resources.files("qa").joinpath(MODEL_FILE)
    if not path.is_file():
        return CueModel(weights=MappingProxyType({}))
    return CueModel.from_json(json.loads(path.read_text("utf-8")))
