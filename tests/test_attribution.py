"""Attribution: the seed article's exact results, hand-written constructions, and the scorer.

Everything here runs without /work/shared: fixtures are written for these tests.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from qa.attribution import attribute
from qa.attribution_eval import EvalResult, evaluate, read_gold, score_article
from qa.cli import main
from qa.ingest import read_corpus
from qa.model import Sentence
from qa.segment import sentence_spans, split_document

ROOT = Path(__file__).resolve().parent.parent
SAME = object()

# sentence index -> list of (source, cue, resolved_source); SAME means resolved == source.
# An appositive source keeps the comma that closes it (PolNeAR's spans do), and the resolved
# source is the name, not its description (issue 13).
SEED_EXPECTED = {
    0: [("sources", "said", SAME)],
    1: [("a military media unit run by the Lebanese Hezbollah group", "said", SAME)],
    2: [("The Syrian Observatory for Human Rights, a war monitor,", "said",
         "The Syrian Observatory for Human Rights")],
    3: [],
    4: [("A Syrian military source", "told Reuters", SAME)],
    5: [("he", "said", "A Syrian military source")],
    6: [],
    7: [],
    8: [],
    9: [("two U.S. intelligence officials", "told Reuters", SAME)],
    10: [("The Observatory", "said", "The Syrian Observatory for Human Rights")],
    11: [("it", "said", "The Syrian Observatory for Human Rights")],
    12: [("Hezbollah, part of the military alliance supporting President Bashar al-Assad,",
          "said", "Hezbollah")],
}
# The one extra attribution the seed may have: the nested belief of sentence 9.
SEED_ALLOWED_EXTRA = {9: ("they", "believed", "two U.S. intelligence officials")}


def sentences_of(text: str, doc: str = "t") -> list[Sentence]:
    return [Sentence(doc, i, s, e, text[s:e]) for i, (s, e) in enumerate(sentence_spans(text))]


def triples(text: str) -> list[list[tuple[str, str, str]]]:
    return [[(a.source, a.cue, a.resolved_source) for a in found]
            for found in attribute(sentences_of(text))]


def content_of(sentence: Sentence, attribution) -> str:
    start, end = attribution.content_span
    return sentence.text[start:end]


@pytest.fixture(scope="module")
def seed():
    corpus = read_corpus([ROOT / "seeds" / "000_c9ff2a859012aa2b.txt"])
    sentences = split_document(corpus.documents[0])
    return sentences, attribute(sentences)


def test_seed_has_thirteen_sentences(seed):
    sentences, found = seed
    assert len(sentences) == 13 and len(found) == 13


@pytest.mark.parametrize("index", sorted(SEED_EXPECTED))
def test_seed_sentence(seed, index):
    sentences, found = seed
    got = [(a.source, a.cue, a.resolved_source) for a in found[index]]
    want = [(s, c, s if r is SAME else r) for s, c, r in SEED_EXPECTED[index]]
    extra = SEED_ALLOWED_EXTRA.get(index)
    if extra is not None and extra in got:
        got.remove(extra)
    assert got == want
    for a in found[index]:
        text = sentences[index].text
        assert text[a.source_span[0]:a.source_span[1]] == a.source
        assert text[a.cue_span[0]:a.cue_span[1]] == a.cue


def test_seed_content_spans(seed):
    sentences, found = seed
    assert content_of(sentences[4], found[4][0]).startswith("fighting was ongoing")
    quote = content_of(sentences[5], found[5][0])
    assert quote.startswith("“The Syrian army") and quote.endswith("province,”")
    assert content_of(sentences[11], found[11][0]).startswith("The Syrian military shelled")


def test_source_after_cue():
    text = "“We will not back down,” said a spokesman for the port authority."
    [[(source, cue, resolved)]] = triples(text)
    assert (source, cue, resolved) == ("a spokesman for the port authority", "said",
                                      "a spokesman for the port authority")
    [sent] = sentences_of(text)
    [a] = attribute([sent])[0]
    assert content_of(sent, a) == "“We will not back down,”"


def test_according_to_after_and_before():
    text = ("Exports of wool rose 5 percent last year, according to the trade ministry.\n\n"
            "According to the harbour police, three boats were damaged.")
    sents = sentences_of(text)
    first, second = attribute(sents)
    assert [(a.source, a.cue) for a in first] == [("the trade ministry", "according to")]
    assert content_of(sents[0], first[0]) == "Exports of wool rose 5 percent last year"
    assert [(a.source, a.cue) for a in second] == [("the harbour police", "According to")]
    assert content_of(sents[1], second[0]) == "three boats were damaged"


def test_quotation_over_several_sentences_is_carried():
    text = ("Jane Okafor, a rice farmer, said: “The river rose overnight. We lost the whole "
            "harvest. Nobody came to help.”")
    sents = sentences_of(text)
    assert len(sents) == 3
    found = attribute(sents)
    assert [(a.source, a.cue) for a in found[0]] == [("Jane Okafor, a rice farmer,", "said")]
    for k in (1, 2):
        [carried] = found[k]
        assert carried.resolved_source == "Jane Okafor"
        assert carried.source_span is None and carried.cue_span is None
    assert content_of(sents[2], found[2][0]) == "Nobody came to help.”"


def test_quotation_closed_by_cue_is_carried_backwards():
    text = "“The bridge is unsafe. It must close today,” the engineer said."
    sents = sentences_of(text)
    assert len(sents) == 2
    found = attribute(sents)
    assert [(a.source, a.cue) for a in found[1]] == [("the engineer", "said")]
    [carried] = found[0]
    assert content_of(sents[0], carried) == "“The bridge is unsafe."


def test_pronoun_and_short_form_resolution():
    text = ("Maria Lopez, the mayor of Tarnby, said the bridge would reopen in May.\n\n"
            "She added that repairs had cost $2 million.\n\n"
            "The Harbour Workers Union said its members would strike on Monday.\n\n"
            "The union said talks had failed. The group said it would not return.\n\n"
            "Lopez said the city would not pay more.")
    found = triples(text)
    assert found[1] == [("She", "added", "Maria Lopez")]
    assert found[3][0] == ("The union", "said", "The Harbour Workers Union")
    assert found[4][0] == ("The group", "said", "The Harbour Workers Union")
    assert found[5][0] == ("Lopez", "said", "Maria Lopez")


def test_relative_pronoun_resolves_to_its_antecedent():
    found = triples("The plan was backed by Ann Weiss, who said it would save money.")
    assert ("who", "said", "Ann Weiss") in found[0]
    # "was backed by" may be an attribution of its own (an endorsement, as PolNeAR marks it)
    assert all(resolved == "Ann Weiss" for _, _, resolved in found[0])


def test_institution_doing_a_data_only_verb_is_an_action():
    # "pushed" is a cue in about half its PolNeAR uses; done by an army it is an action
    assert triples("The army has since pushed its advance further east.") == [[]]
    assert triples("Mr. Jones has since pushed for lower taxes.")[0][0][:2] == (
        "Mr. Jones", "has since pushed for")


def test_headline_run_into_the_text_keeps_its_reporting_verb():
    found = triples("9:52PM Bush Says We Should Pay Attention To History former governor Jeb "
                    "Bush spoke about the region when asked about the war and its long history")
    assert "Says" in [cue for _, cue, _ in found[0]]


def test_participle_takes_the_main_subject():
    text = "The minister defended the budget, saying that it would create jobs."
    [found] = triples(text)
    assert ("The minister", "saying") in [(s, c) for s, c, _ in found]


def test_participle_and_coordinated_verb_share_the_subject():
    text = "“We are ready,” Smith said, adding that the talks would resume."
    [sent] = sentences_of(text)
    said, adding = attribute([sent])[0]
    assert (said.source, adding.source, adding.cue) == ("Smith", "Smith", "adding")
    assert content_of(sent, said) == "“We are ready,”"
    assert content_of(sent, adding) == "that the talks would resume"
    [found] = triples("The senator read the letter aloud and said it was a forgery.")
    assert ("The senator", "said") in [(s, c) for s, c, _ in found]


def test_confident_cue_without_source_keeps_an_empty_source():
    [sent] = sentences_of("“The war is over,” said.")
    [a] = attribute([sent])[0]
    assert (a.source, a.cue, a.resolved_source, a.source_span) == ("", "said", "", None)


def test_headline_in_title_case_has_its_verb_as_cue():
    assert triples("Trump Says He Will Accept Results") == [[("Trump", "Says", "Trump")]]


def test_credit_line_after_a_quotation():
    [sent] = sentences_of("“We are tired of it.” ― Maria Lopez")
    [a] = attribute([sent])[0]
    assert (a.source, a.cue) == ("Maria Lopez", "―")
    assert content_of(sent, a) == "“We are tired of it.”"


def test_doubled_apostrophes_are_quotation_marks():
    [sent] = sentences_of("''It is a mess,'' said Mr. Burman.")
    [a] = attribute([sent])[0]
    assert (a.source, a.cue) == ("Mr. Burman", "said")
    assert content_of(sent, a) == "''It is a mess,''"


def test_subject_with_a_relative_clause_and_passive_agent():
    found = triples("Dr. Connie Mariano, who was the White House physician for years, said that "
                    "Clinton was healthy.")
    assert found[0][0][:2] == ("Dr. Connie Mariano, who was the White House physician for "
                               "years,", "said")
    [sent] = sentences_of("Clinton was endorsed by dozens of newspapers.")
    [a] = attribute([sent])[0]
    assert (a.source, a.cue, content_of(sent, a)) == ("dozens of newspapers", "was endorsed by",
                                                      "Clinton")


def test_sentence_without_cue_has_no_attribution():
    assert triples("The river rose by two metres overnight.") == [[]]


# --- scorer ---------------------------------------------------------------------------------

FIXTURE_TEXT = "Harbour news\n\nOfficials said the pier was closed.\n\nBoats waited outside.\n"
FIXTURE_ANN = ("T1\tSource 14 23\tOfficials\n"
               "T2\tCue 24 28\tsaid\n"
               "T3\tContent 29 48\tthe pier was closed\n"
               "T4\tAttribution 24 28\tsaid\n"
               "E1\tAttribution:T4 Source:T1 Cue:T2 Content:T3\n")


def write_fixture(folder: Path) -> Path:
    (folder / "text").mkdir()
    (folder / "attributions").mkdir()
    (folder / "text" / "harbour.txt").write_text(FIXTURE_TEXT, encoding="utf-8")
    (folder / "attributions" / "harbour_aaa.ann").write_text(FIXTURE_ANN, encoding="utf-8")
    # A second annotator is ignored: the first .ann in sorted order is the gold.
    (folder / "attributions" / "harbour_zzz.ann").write_text("", encoding="utf-8")
    return folder


def test_read_gold_with_discontinuous_span():
    gold = read_gold("T1\tContent 0 4;10 15\tab cd\nT2\tDiscuss 1 2\tx\nT3\tCue 5 9\tsaid\n")
    assert gold["Content"] == [((0, 4), (10, 15))]
    assert gold["Cue"] == [((5, 9),)]
    assert gold["Source"] == []


def test_evaluate_fixture_is_perfect(tmp_path):
    result = evaluate(write_fixture(tmp_path))
    assert result.articles == 1
    for role in ("Source", "Cue", "Content"):
        assert result.overlap[role].f1 == 1.0
        assert result.exact[role].f1 == 1.0


def test_overlap_versus_exact_matching():
    text = "Officials said the pier was closed."
    gold = {"Source": [((0, 9),)], "Cue": [((10, 14),)], "Content": [((15, 34),)]}
    pred = {"Source": [((0, 9),), ((15, 18),)], "Cue": [((10, 14),)], "Content": [((19, 23),)]}
    result = EvalResult()
    score_article(result, "a", text, gold, pred, show_errors=5)
    assert result.overlap["Source"].precision == 0.5 and result.overlap["Source"].recall == 1.0
    assert result.overlap["Content"].f1 == 1.0
    assert result.exact["Content"].f1 == 0.0
    assert [(m.role, m.kind) for m in result.misses] == [("Source", "spurious")]
    assert "[[the]]" in result.misses[0].context


def test_spans_without_words_never_match():
    """The data README's rule taken literally: overlap means sharing a token, so a span of
    punctuation only (a cue ":") is never matched and never matches, even by itself."""
    text = "PENCE: We will win."
    gold = {"Source": [((0, 5),)], "Cue": [((5, 6),)], "Content": [((7, 18),)]}
    result = EvalResult()
    score_article(result, "a", text, gold, {"Source": [((0, 5),)], "Cue": [((5, 6),)],
                                            "Content": [((7, 18),)]})
    cue = result.overlap["Cue"]
    assert (cue.pred, cue.gold, cue.pred_matched, cue.gold_matched) == (1, 1, 0, 0)
    assert result.overlap["Source"].f1 == 1.0 and result.exact["Cue"].f1 == 1.0
    result = EvalResult()
    score_article(result, "a", text, gold, {"Source": [], "Cue": [((0, 5),)], "Content": []})
    assert result.overlap["Cue"].pred_matched == 0 and result.overlap["Cue"].gold_matched == 0


def test_command_line(tmp_path, capsys):
    folder = write_fixture(tmp_path)
    assert main(["eval-attribution", str(folder), "--show-errors", "3"]) == 0
    out = capsys.readouterr().out
    assert "Source" in out and "1.000" in out
    assert main(["eval-attribution", str(folder), "--json"]) == 0
    assert '"overlap"' in capsys.readouterr().out


@pytest.mark.parametrize("text, source, cue", [
    ("Mr. Trump, however, said he was ready to debate.", "Mr. Trump", "said"),
    ("Clinton, during a town hall meeting in Columbus, said she would win.", "Clinton", "said"),
    ("Robert Peck, an analyst at SunTrust, told reporters the deal was done.",
     "Robert Peck, an analyst at SunTrust,", "told reporters"),
    ("“It is over,” Ann Butz, 49, said.", "Ann Butz, 49,", "said"),
    ("His friends and allies have in the past said he was staying quiet.",
     "His friends and allies", "said"),
])
def test_subject_before_a_parenthetical(text, source, cue):
    """The subject is found across an appositive or an adjunct between it and the cue (and a
    pronoun after the cue is not taken for an inverted subject)."""
    [found] = triples(text)
    assert (found[0][0], found[0][1]) == (source, cue)


@pytest.mark.parametrize("text, source, cue", [
    ("Ramil Carr, 31, a photographer from Philadelphia, said the march was peaceful.",
     "Ramil Carr, 31, a photographer from Philadelphia,", "said"),
    ("In West Miami, where he began his career, the senator won applause by joking that he "
     "would bring a grill to Washington.", "the senator", "joking"),
    ("The former secretary of state mocked the plan, noting that the debt would soar.",
     "The former secretary of state", "noting"),
    ("(Reuters) - The mayor met survivors on Thursday and said the city must act.",
     "The mayor", "said"),
    ("But the senator has begun to rebut that criticism.", "the senator", "rebut"),
])
def test_source_of_participles_chains_and_long_appositives(text, source, cue):
    """A participle ("by joking", ", noting"), a verb after "and" and a verb in a chain ("has
    begun to rebut") take the clause's subject; several appositives stay with their name."""
    [found] = triples(text)
    assert (source, cue) in [(s, c) for s, c, _ in found]


def test_passive_cue_without_agent_has_no_source():
    """"Rubio is seen as ...": the subject of a passive cue is what it is about, not who said
    it; with an agent ("endorsed by X") the agent is the source."""
    [found] = triples("At this point, the senator is widely seen as the favourite to win.")
    assert [(s, c) for s, c, _ in found] == [("", "is widely seen")]
    [found] = triples("The senator was endorsed by three newspapers.")
    assert [(s, c) for s, c, _ in found] == [("three newspapers", "was endorsed by")]


def test_said_in_a_statement_is_one_cue():
    """"statement" inside "said in a statement" is part of that cue, not a second attribution."""
    found = triples("Jason Miller said in a statement that the message was working.")
    assert found == [[("Jason Miller", "said in a statement", "Jason Miller")]]


def test_sentence_opened_by_a_poll_attributes_to_the_poll():
    sent = sentences_of("In a Gallup poll released Monday, most voters favoured the plan.")[0]
    (a,) = attribute([sent])[0]
    assert (a.source, a.cue) == ("a Gallup poll released Monday", "In")
    assert content_of(sent, a) == "most voters favoured the plan"
    assert triples("In the morning, the river rose by two metres.") == [[]]
