"""How source names are normalised and merged (qa.source_names), on names a user would meet."""
from qa.source_names import merge, normalise


def groups(rows):
    numbers, sources = merge(rows)
    return [sources[n].name if n >= 0 else None for n in numbers]


def test_appositive_article_and_title_are_not_part_of_the_name():
    assert normalise("The Syrian Observatory for Human Rights, a war monitor").key == \
        "syrian observatory for human rights"
    assert normalise("President Bashar al-Assad").key == "bashar al assad"
    assert normalise("the president").key == "president"  # a title alone stays
    assert normalise("he") is None and normalise("") is None
    assert normalise("Hezbollah").is_name and not normalise("a military source").is_name


def test_short_form_joins_the_one_long_name_holding_it():
    rows = [(0, "The Syrian Observatory for Human Rights"), (0, "The Observatory"),
            (1, "Observatory"), (2, "President Bashar al-Assad"), (3, "Assad")]
    assert len(set(groups(rows))) == 2
    assert groups(rows)[1] == groups(rows)[2] == "Syrian Observatory for Human Rights"


def test_ambiguous_short_form_stays_itself_unless_its_article_says_which():
    rows = [(0, "Hillary Clinton"), (1, "Bill Clinton"), (2, "Clinton"), (0, "Clinton")]
    assert groups(rows) == ["Hillary Clinton", "Bill Clinton", "Clinton", "Hillary Clinton"]


def test_a_name_never_merges_into_a_description_that_mentions_it():
    rows = [(0, "a military media unit run by the Lebanese Hezbollah group"),
            (0, "Hezbollah, part of the alliance"), (0, "sources"), (1, "sources"), (1, "it")]
    assert groups(rows) == ["military media unit run by the Lebanese Hezbollah group",
                            "Hezbollah", "sources", "sources", None]
