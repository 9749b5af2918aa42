"""Word classes an answer model may read (bench/word_classes.py builds them): plain int32
data beside the model, found by word, and refused with a clear error when broken."""
import json
import shutil
import zlib

import numpy as np
import pytest

from qa import question as q
from qa import span_model, word_classes
from qa.analyzer import Analyzer
from qa.marking import encode_sentence


def _key(word: str) -> int:
    return zlib.crc32(word.encode()) & 0x7FFFFFFF


@pytest.fixture
def model_with_classes(tmp_path):
    """A copy of the shipped model that names a class table beside it."""
    for name in ("answer_model.json", "answer_model.npy"):
        shutil.copy(span_model.MODEL_PATH.with_name(name), tmp_path / name)
    table = word_classes.build_table([_key("france"), _key("germany"), _key("denver")],
                                     [3 * 256 + 1, 3 * 256 + 1, 9 * 256 + 2])
    np.save(tmp_path / "word_classes.npy", np.frombuffer(table, np.int32))
    data = json.loads((tmp_path / "answer_model.json").read_text())
    data["word_classes"] = "word_classes.npy"
    (tmp_path / "answer_model.json").write_text(json.dumps(data))
    return tmp_path / "answer_model.json"


def test_a_model_reads_the_classes_it_names(model_with_classes):
    classes = span_model.load(model_with_classes).classes
    assert classes.of("france") == classes.of("germany") == (3, 1)
    assert classes.of("denver") == (9, 2)
    assert classes.of("xqzzyv") is None  # a word too rare to have a class


def test_class_features_are_added_to_each_word(model_with_classes):
    model = span_model.load(model_with_classes)
    analyzer = Analyzer()
    question = q.analyze("Which country won?", analyzer)
    plain = encode_sentence("France beat Denver.", question, analyzer)
    classed = encode_sentence("France beat Denver.", question, analyzer,
                              classes=model.classes)
    assert plain.spans == classed.spans
    for before, after in zip(plain.features, classed.features):
        # the word's and the shape's groups, then three class groups, then the flags
        assert after[:6] + after[9:] == before
        assert len(after) == len(before) + 3


def test_a_missing_or_broken_class_table_is_a_clear_error(model_with_classes):
    table = model_with_classes.with_name("word_classes.npy")
    table.write_bytes(table.read_bytes()[:-8])
    with pytest.raises(span_model.ModelError, match="answer_model.json.*word_classes.npy"):
        span_model.load(model_with_classes)
    table.unlink()
    with pytest.raises(span_model.ModelError, match="word_classes.npy"):
        span_model.load(model_with_classes)


def test_the_class_table_is_named_not_pointed_to(model_with_classes):
    data = json.loads(model_with_classes.read_text())
    data["word_classes"] = "../elsewhere/word_classes.npy"
    model_with_classes.write_text(json.dumps(data))
    with pytest.raises(span_model.ModelError, match="not a file name"):
        span_model.load(model_with_classes)


def test_two_words_with_one_key_keep_the_first_and_lookups_end():
    table = word_classes.build_table([5, 5, 21], [1 * 256 + 2, 7 * 256, 3 * 256 + 1])
    assert table[2 * 5:2 * 5 + 2].tolist() == [5, 258]
    assert -1 in table[0::2].tolist()  # free slots left: a lookup of an unknown word ends
