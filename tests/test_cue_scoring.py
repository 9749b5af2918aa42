"""The cue model's fast scoring (weights filed by template, qa/attribution/scoring.py) gives
the very floats that naming the features (`cue_features`, what training uses) gives, on every
candidate of the fixtures' sentences: attribution's results cannot depend on which is used.
A feature added to `cue_features` and not to scoring.py fails here."""
from __future__ import annotations

from pathlib import Path

from qa.attribution import scoring
from qa.attribution.cues import _word_class, cue_features, reporting_positions, subject_kind
from qa.attribution.model import packaged_model
from qa.attribution.tokens import quote_depths, tokenize
from qa.ingest import read_corpus
from qa.segment import split_document

ROOT = Path(__file__).resolve().parent.parent
# Constructions the fixtures may lack: quotes on both sides, colons, a sentence-initial cue,
# and a "|" in the sentence (not filed by template: the features are named instead).
EXTRA = [
    '"We will not back down," the senator said on Tuesday, adding that talks would go on.',
    "PENCE: I said that. Said he: \u201cno\u201d \u2014 and they told reporters so.",
    "Says who? | said the | man | told | us that it was true, according to a source.",
    "He said", "said", "Analysts said: \u2018the rate\u2019 may rise, officials warned.",
]


def _sentences() -> list[str]:
    texts = list(EXTRA)
    for folder in (ROOT / "seeds", ROOT / "tests" / "data"):
        for doc in read_corpus([folder]).documents:
            texts.extend(s.text for s in split_document(doc))
    return texts


def test_weights_by_template_are_the_named_features_weights() -> None:
    model = packaged_model()
    tpl = scoring.templates(model)
    checked = skipped = 0
    for text in _sentences():
        if "|" in text:  # scored by naming the features (cues.cue_spans)
            skipped += 1
            continue
        toks = tokenize(text)
        quoted = quote_depths(toks)
        quotes = scoring.quote_positions(text, toks)
        every = reporting_positions(toks)
        for i, tok in enumerate(toks):
            if tok.lower not in model.candidates and tok.text != ":":
                continue
            reporting = [k for k in every if k <= i]
            feats = cue_features(toks, i, model, quoted, subject=False, reporting=reporting)
            named = [model.weights.get(f, 0.0) for f in feats]
            filed = scoring.weights(toks, i, tpl, quoted, quotes, reporting, model,
                                    _word_class)
            assert filed == named, (text, i, feats)
            kind = subject_kind(toks, i)
            subject = [model.weights.get(f, 0.0) for f in (f"subj={kind}",
                                                             f"w|subj={tok.lower}|{kind}")]
            assert list(scoring.subject_weights(kind, tok.lower, tpl, model)) == subject
            assert sum(filed) == sum(named)
            checked += 1
    assert checked > 200 and skipped > 0
