"""A model with a stacked calibrator (the probability that the hit's sentence holds the answer,
from the ranking, and that the span is right when it does): its parts must match their
inputs or the model is refused with a clear error, and every hit's confidence reads the
ranking features of the hit after it, also for the last hit shown."""
import dataclasses
import json
import math
import shutil

import pytest

from qa import span_model as sm
from qa.api import ask

SENTENCE = 1 + len(sm.RANKING) + 2 * len(sm.RANKING_FEATURES)


def _stacked(tmp_path, sentence: int = SENTENCE, span: int | None = None,
             calibration=(0.0, 1.0, 1.0)):
    for name in ("answer_model.json", "answer_model.npy", "word_classes.npy"):
        if sm.MODEL_PATH.with_name(name).exists():
            shutil.copy(sm.MODEL_PATH.with_name(name), tmp_path / name)
    path = tmp_path / "answer_model.json"
    data = json.loads(path.read_text())
    span = 1 + len(sm.span_positions(data.get("mbr", 0))) if span is None else span
    data["stack"] = {"sentence": [0.0] * sentence, "span": [0.0] * span}
    data["calibration"] = list(calibration)
    path.write_text(json.dumps(data))
    return path


def test_a_stacked_model_loads_and_its_parts_must_match(tmp_path):
    assert sm.load(_stacked(tmp_path)).stack is not None
    span = 1 + len(sm.span_positions(sm.load().mbr))
    for sizes in ((SENTENCE - 1, span), (SENTENCE, span + 1)):
        with pytest.raises(sm.ModelError, match="stacked calibrator does not match"):
            sm.load(_stacked(tmp_path, *sizes))
    with pytest.raises(sm.ModelError, match="stacked calibrator does not match"):
        sm.load(_stacked(tmp_path, calibration=(0.0, 1.0)))


def test_the_confidence_combines_the_two_parts(tmp_path, seed_index):
    """Intercepts alone: the sentence part says 0.8, the span part 0.5; the calibrator adds
    their logarithms, so every hit's confidence is 0.4 / 1.4."""
    model = sm.load(_stacked(tmp_path))
    s, p = list(model.stack[0]), list(model.stack[1])
    s[0], p[0] = math.log(4.0), 0.0
    model = dataclasses.replace(model, stack=(tuple(s), tuple(p)), threshold=0.25)
    hits = ask("how far from al-Mayadin?", k=3, index=seed_index, model=model).hits
    assert len(hits) == 3
    for hit in hits:
        assert hit.candidate.best.confidence == pytest.approx(0.4 / 1.4)
        assert hit.answer is not None  # 0.29 >= 0.25


def test_the_last_hit_shown_reads_the_next_hits_ranking_features(tmp_path, seed_index):
    """The sentence part weighs how the hit's ranking features differ from the next hit's:
    the top hit asked alone (k=1) must get the confidence it gets with the next hit shown."""
    model = sm.load(_stacked(tmp_path))
    s = [0.0] * SENTENCE
    for n in range(len(sm.RANKING_FEATURES)):
        s[1 + len(sm.RANKING) + len(sm.RANKING_FEATURES) + n] = 1.0  # the differences
    model = dataclasses.replace(model, stack=(tuple(s), model.stack[1]))
    alone = ask("how far from al-Mayadin?", k=1, index=seed_index, model=model).hits[0]
    shown = ask("how far from al-Mayadin?", k=2, index=seed_index, model=model,
                explain=True).hits
    assert alone.candidate.best.confidence == shown[0].candidate.best.confidence
    first, second = shown[0].features, shown[1].features
    own = tuple(first.get(k, 0.0) for k in sm.RANKING_FEATURES)
    differences = tuple(first.get(k, 0.0) - second.get(k, 0.0) for k in sm.RANKING_FEATURES)
    assert alone.candidate.inputs[-len(differences):] == pytest.approx(differences)
    assert differences != pytest.approx(own)  # the next hit's features count
