"""Properties that hold for any text at all: no exception, offsets in order, spans inside."""
import math
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from qa.analyzer import Analyzer
from qa.attribution import attribute
from qa.ingest import read_corpus
from qa.model import Document
from qa.segment import split_document

A = Analyzer()

# Arbitrary Unicode, with newswire's own characters made likely.
PIECES = st.one_of(
    st.text(max_size=12),
    st.sampled_from([" ", ".", ",", "!", "?", "…", "...", "\"", "“", "”", "'", "’", "-", "—",
                     "(", ")", "\n", "\n\n", ":", ";", "U.S.", "Mr.", " said", " told Reuters",
                     "he ", "The ", "\u202e", "\x1b[31m", "al-Mayadin", "10 km", "date 2017-10-06 ",
                     "BEIRUT (Reuters) - "]))
NEWSY = st.lists(PIECES, max_size=40).map("".join)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def read_as_article(text: str) -> Document | None:
    """`text` as `qa index` reads it from a .txt file: metadata found, newlines normalised;
    None when it is skipped as empty (nothing but white space after its metadata)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "d.txt"
        path.write_bytes(text.encode("utf-8"))
        corpus = read_corpus([path])
    if not corpus.documents:
        assert corpus.problems == [f"{path}: skipped: empty (no article text)"]
        return None
    (doc,) = corpus.documents
    return doc


@FAST
@given(NEWSY.map(lambda t: t.replace("\x00", "")))  # a NUL makes it a binary file, not read
@example("date 2017-10-06\nBEIRUT (Reuters) - The army advanced. Rebels fled.")
def test_sentences_lie_in_order_and_leave_out_only_white_space(text):
    doc = read_as_article(text)
    if doc is None:  # skipped: nothing but white space after its metadata
        from qa.metadata import read_metadata

        text = text.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff")
        assert not text[read_metadata(text, 0).body_start:].strip()
        return
    text = doc.text
    sentences = split_document(doc)
    pos = doc.body_start
    if text[:pos].strip():  # only a date line or a dateline comes before the first sentence
        assert doc.date or doc.place or doc.agency, text[:pos]
    for n, sent in enumerate(sentences):
        assert sent.index == n
        assert pos <= sent.start < sent.end <= len(text)
        assert text[pos:sent.start].strip() == ""
        assert sent.text == text[sent.start:sent.end] == sent.text.strip()
        pos = sent.end
    assert text[pos:].strip() == ""


@FAST
@given(NEWSY)
@example("ำ")  # NFKC makes it a combining mark and a letter
@example("¼ mile")  # ... and this a fraction slash between digits
@example("THOSED")  # stems to a stopword, "those": kept as "thosed", not lost on re-reading
def test_analyzer_gives_the_same_terms_for_its_own_output(text):
    terms = A.terms(text)
    assert A.terms(" ".join(terms)) == terms
    for token in A.tokens(text):
        assert 0 <= token.start < token.end <= len(text)


@FAST
@given(NEWSY)
def test_attribution_spans_lie_inside_their_sentence(text):
    sentences = split_document(Document("d", "d", text))
    for sent, found in zip(sentences, attribute(sentences)):
        for a in found:
            for span in (a.source_span, a.cue_span, a.content_span):
                assert span is None or 0 <= span.start <= span.end <= len(sent.text)
            # A quotation carried over from an earlier sentence has its source and cue there:
            # None here. Otherwise the spans hold exactly the source and cue.
            if a.source_span is not None:
                assert a.source_span.of(sent.text) == a.source
            if a.cue_span is not None:
                assert a.cue_span.of(sent.text) == a.cue


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(question=NEWSY.filter(lambda q: q.strip()))
def test_scores_are_finite_and_spans_inside_for_any_question(seed_index, question):
    from qa.api import ask

    for hit in ask(question, k=5, index=seed_index).hits:
        assert math.isfinite(hit.score)
        if hit.answer:
            assert 0 <= hit.answer.span[0] < hit.answer.span[1] <= len(hit.text)
        for start, end in hit.matched:
            assert 0 <= start < end <= len(hit.text)
