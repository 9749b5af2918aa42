"""Choosing the answer by expected token F1 (a model that declares "mbr"): spans that overlap
vote for each other, spans the sanity rules forbid do not, and the calibrator that reads the
agreeing probability must match the model, or the model is refused with a clear error."""
import dataclasses
import json
import math
import shutil

import pytest

from qa import span_features as sf
from qa import span_model as sm

# "aa bb cc dd": the most probable span "aa" (0.40) stands alone; "cc" (0.32) and "cc dd"
# (0.28) overlap (token F1 0.67), so an answer around "cc" is more likely right than "aa".
ENC = sf.Encoded(tokens=[(0, 2), (3, 5), (6, 8), (9, 11)], features=[[], [], [], []],
                 spans=[(0, 0, ()), (2, 2, ()), (2, 3, ())], typed=[False, False, False])
PROBABILITIES = [0.40, 0.32, 0.28]


@pytest.fixture
def scored(monkeypatch):
    monkeypatch.setattr(sm, "scores", lambda model, enc: [math.log(p) for p in PROBABILITIES])
    return dataclasses.replace(sm.load(), mbr=0)


def test_the_most_probable_span_without_mbr(scored):
    pred = sm.predict(scored, ENC)
    assert pred.span == (0, 2)
    assert pred.probability == pytest.approx(0.40)
    assert pred.agree == 0.0


def test_mbr_chooses_the_span_its_neighbours_agree_with(scored):
    pred = sm.predict(dataclasses.replace(scored, mbr=5), ENC)
    assert pred.span == (6, 8)  # "cc": expected F1 0.32 + 0.28 * 2/3 = 0.51 > 0.40
    assert pred.probability == pytest.approx(0.32)
    assert pred.agree == pytest.approx(0.60)
    assert pred.runner_up == (0, 2)


def test_mbr_with_one_candidate_is_the_most_probable_span(scored):
    pred = sm.predict(dataclasses.replace(scored, mbr=1), ENC)
    assert pred.span == (0, 2)
    assert pred.agree == pytest.approx(0.40)


def test_forbidden_spans_do_not_vote(scored):
    """"cc dd" forbidden (a "who" answer that is a pronoun, say): "cc" alone is 0.32 < 0.40."""
    pred = sm.predict(dataclasses.replace(scored, mbr=5), ENC, allowed=lambda n: n != 2)
    assert pred.span == (0, 2)
    assert pred.agree == pytest.approx(0.40)


def test_punctuation_and_articles_are_not_words_for_the_vote(scored):
    """With "dd" not a word (punctuation, "the"), "cc dd" and "cc" are the same answer."""
    pred = sm.predict(dataclasses.replace(scored, mbr=5), ENC, words=[1, 1, 1, 0])
    assert pred.span == (6, 8)
    assert pred.agree == pytest.approx(0.60)


def _copy_model(tmp_path, **changes):
    for name in ("answer_model.json", "answer_model.npy", "word_classes.npy"):
        if sm.MODEL_PATH.with_name(name).exists():
            shutil.copy(sm.MODEL_PATH.with_name(name), tmp_path / name)
    path = tmp_path / "answer_model.json"
    data = json.loads(path.read_text())
    data.update(changes)
    path.write_text(json.dumps(data))
    return path


def test_a_model_declaring_mbr_reads_one_calibrator_input_more(tmp_path):
    shipped = json.loads(sm.MODEL_PATH.read_text())
    plain = shipped["calibration"][:len(shipped["calibration"]) - (shipped.get("mbr", 0) > 0)]
    assert sm.load(_copy_model(tmp_path, mbr=0, calibration=plain)).mbr == 0
    assert sm.load(_copy_model(tmp_path, mbr=5, calibration=plain + [0.5])).mbr == 5
    for mbr, calibration in ((5, plain), (0, plain + [0.5])):
        with pytest.raises(sm.ModelError,
                           match="answer_model.json.*calibrator does not match"):
            sm.load(_copy_model(tmp_path, mbr=mbr, calibration=calibration))
    with pytest.raises(sm.ModelError, match="mbr is not a count"):
        sm.load(_copy_model(tmp_path, mbr="5"))
