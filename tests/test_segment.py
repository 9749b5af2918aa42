
import pytest

from qa.ingest import read_corpus
from qa.model import Document
from qa.segment import sentence_spans, split_document

from conftest import SEED

SEED_SENTENCES = [
    ("Syria’s army and its allies neared al-Mayadin", "remaining base in the country."),
    ("The government forces had reached within 10 km", "Lebanese Hezbollah group said ."),
    ("The Syrian Observatory for Human Rights, a war monitor", "an area of grain silos."),
    ("Islamic State has lost swathes of territory", "province that borders Iraq."),
    ("A Syrian military source told Reuters", "towards al-Mayadin on Friday."),
    ("“The Syrian army is continuing to strike", "out of this province,” he said."),
    ("Last month the Syrian army’s advance", "government-held enclave there."),
    ("The army has since pushed its advance", "along the Euphrates valley."),
    ("U.S.-backed Syrian militias are also waging", "strongholds in Deir al-Zor province"),
    ("In June, two U.S. intelligence officials told Reuters", "former capital of Raqqa."),
    ("The Observatory said on Friday there were clashes", "in eastern Deir al-Zor province."),
    ("The Syrian military shelled al-Mayadin overnight", "hundreds of strikes, it said."),
    ("Hezbollah, part of the military alliance", "attack in Syria’s central desert."),
]


def seed_sentences():
    doc = read_corpus([SEED]).documents[0]
    return doc, split_document(doc)


def test_seed_has_exactly_its_13_sentences_with_exact_offsets():
    doc, sentences = seed_sentences()
    assert len(sentences) == 13
    for sent, (head, tail) in zip(sentences, SEED_SENTENCES):
        assert sent.text == doc.text[sent.start:sent.end]
        assert sent.text.startswith(head), sent.text
        assert sent.text.endswith(tail), sent.text
    assert [s.index for s in sentences] == list(range(13))


def test_seed_offsets_are_those_of_the_file_as_read():
    doc, sentences = seed_sentences()
    raw = SEED.read_text(encoding="utf-8-sig")
    assert doc.text == raw
    assert raw[sentences[1].start:sentences[1].end].startswith("The government forces")


def spans(text):
    return [text[s:e] for s, e in sentence_spans(text)]


def test_us_abbreviation_does_not_end_a_sentence():
    assert spans("Two U.S. officials said so. They left.") == [
        "Two U.S. officials said so.", "They left."]
    assert spans("He met U.S. President Trump on Monday.") == [
        "He met U.S. President Trump on Monday."]


def test_us_at_the_end_of_a_sentence_before_a_usual_opener_ends_it():
    assert spans("The talks moved to the U.S. The move surprised many.") == [
        "The talks moved to the U.S.", "The move surprised many."]


def test_ellipsis_inside_a_quotation_does_not_end_it():
    text = "“We will strike ... and We will continue,” he said. Then he left."
    assert spans(text) == ["“We will strike ... and We will continue,” he said.",
                           "Then he left."]


def test_paragraph_without_full_stop_ends_a_sentence():
    assert spans("Militias are fighting in the province\n\nThe army said more.") == [
        "Militias are fighting in the province", "The army said more."]


def test_stray_space_before_full_stop_changes_nothing():
    assert spans("The unit said . The army left.") == ["The unit said .", "The army left."]


@pytest.mark.parametrize("text, expected", [
    ("Mr. Smith arrived. He spoke.", ["Mr. Smith arrived.", "He spoke."]),
    ("It fell 5.5 pct in Jan. 1987 trading. Shares rose.",
     ["It fell 5.5 pct in Jan. 1987 trading.", "Shares rose."]),
    ("J. P. Morgan Chase said so. Others agreed.", ["J. P. Morgan Chase said so.",
                                                    "Others agreed."]),
    ("Is it over? Nobody knows! \"Yes.\" He said.", ["Is it over?", "Nobody knows!",
                                                      "\"Yes.\"", "He said."]),
    ("The profit was 12 mln dlrs\nin the quarter. It rose.",
     ["The profit was 12 mln dlrs\nin the quarter.", "It rose."]),
])
def test_newswire_cases(text, expected):
    assert spans(text) == expected


def test_dateline_and_date_are_not_part_of_the_first_sentence():
    doc, sentences = seed_sentences()
    assert doc.date == "2017-10-06"
    assert (doc.place, doc.agency) == ("BEIRUT", "Reuters")
    assert not sentences[0].text.startswith(("date", "BEIRUT"))


def test_offsets_hold_for_crlf_and_bom(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes("\ufeffdate 2020-01-02\r\nPARIS (AFP) - One. Two.\r\n\r\nThree".encode())
    doc = read_corpus([path]).documents[0]
    sentences = split_document(doc)
    assert [s.text for s in sentences] == ["One.", "Two.", "Three"]
    assert all(doc.text[s.start:s.end] == s.text for s in sentences)
    assert (doc.date, doc.place, doc.agency) == ("2020-01-02", "PARIS", "AFP")


def test_empty_and_blank_documents_have_no_sentences():
    assert split_document(Document("x", "x", "")) == []
    assert split_document(Document("x", "x", "  \n\n \n")) == []


# Hard-wrapped newswire (Reuters-21578 style): fixtures written for these tests.
def test_indented_line_starts_a_new_sentence_but_a_plain_hard_wrap_does_not():
    text = ("Acme Corp said profit rose\nin the first quarter\n"
            "    Its chief said more was to come.\n Reuter")
    assert spans(text) == ["Acme Corp said profit rose\nin the first quarter",
                           "Its chief said more was to come.", "Reuter"]


def test_table_rows_are_one_sentence_each_and_keep_one_paragraph():
    text = "Shr 10 cts vs 8 cts\n    Net 1.2 mln vs 900,000\n    Revs 4.5 mln vs 3.9 mln"
    assert spans(text) == ["Shr 10 cts vs 8 cts", "Net 1.2 mln vs 900,000",
                           "Revs 4.5 mln vs 3.9 mln"]
    doc = Document("t", "t", text)
    assert {s.paragraph for s in split_document(doc)} == {0}


def test_indented_line_after_a_joining_word_goes_on():
    assert spans("Net 2.1 mln vs\n    1.9 mln\n    Revs 7 mln") == [
        "Net 2.1 mln vs\n    1.9 mln", "Revs 7 mln"]


def test_sign_off_is_its_own_sentence_even_unindented():
    assert spans("Terms were not disclosed by Foo Inc.\nREUTER") == [
        "Terms were not disclosed by Foo Inc.", "REUTER"]


@pytest.mark.parametrize("text, expected", [
    ("Exports were 12.5 (10.2). Imports fell.", ["Exports were 12.5 (10.2).", "Imports fell."]),
    ("Wheat 4.1 (3.9) .\n    Maize 2.0 (2.2).", ["Wheat 4.1 (3.9) .", "Maize 2.0 (2.2)."]),
    ("Shr 12.5p vs 11.1p. Final div 3p.", ["Shr 12.5p vs 11.1p.", "Final div 3p."]),
    ("It was led by Foo Bank <FOOB.XX>. Details are due.",
     ["It was led by Foo Bank <FOOB.XX>.", "Details are due."]),
    ("It bought <Bar Co Ltd>. Bar said so.", ["It bought <Bar Co Ltd>.", "Bar said so."]),
    ("Sales rose. <Baz Industrial Ltd> said so.", ["Sales rose.", "<Baz Industrial Ltd> said so."]),
])
def test_numbers_and_tickers_before_a_stop_are_no_abbreviations(text, expected):
    assert spans(text) == expected


def test_two_dot_ellipsis_inside_a_quotation_does_not_end_it():
    text = 'He said "those who act for them .. Must be ready to pay." Then he left.'
    assert spans(text) == ['He said "those who act for them .. Must be ready to pay."',
                           "Then he left."]


# Reuters-21578 capitalises the word after "U.S." ("the U.S. And West Germany", reut2-020/20071;
# "not just with the U.S. But with other countries", reut2-016/16943): each was cut in two and
# the second half lost its speaker. "U.S." before a sentence that opens with "But" or "The"
# still ends one.
US_WIRE = ("Stoltenberg said the meeting showed the determination of the U.S. And West Germany "
           "to continue close cooperation on exchange rates. Japan has a large surplus not just "
           "with the U.S. But with other countries, Yeutter told reporters. Japan stopped dumping "
           "chips in the U.S. But it has failed to open its markets, an official said. Imports "
           "to the U.S. rose. The company said exports fell.\n")


def test_and_or_a_but_after_not_just_do_not_end_a_sentence_after_us(workdir, qa):
    import json

    (workdir / "seeds" / "us.txt").write_text(US_WIRE)
    r = qa("ask", "--json", "-k", "9", "--doc", "us",
           "West Germany cooperation surplus countries chips markets exports")
    assert r.code == 0, r.err
    said = {h["text"]: [a["source"] for a in h["attributions"]] for h in json.loads(r.out)["hits"]}
    assert said == {
        "Stoltenberg said the meeting showed the determination of the U.S. And West Germany to "
        "continue close cooperation on exchange rates.": ["Stoltenberg"],
        "Japan has a large surplus not just with the U.S. But with other countries, Yeutter told "
        "reporters.": ["Yeutter"],
        "Japan stopped dumping chips in the U.S.": [],
        "But it has failed to open its markets, an official said.": ["an official"],
        "The company said exports fell.": ["The company"],
    }
