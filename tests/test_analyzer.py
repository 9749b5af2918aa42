import pytest

from qa.analyzer import Analyzer

A = Analyzer()


def finds(query: str, text: str) -> bool:
    """Whether any term of `query` is a term of `text`, as retrieval would see it."""
    return bool(set(A.terms(query)) & set(A.terms(text)))


@pytest.mark.parametrize("query", ["Syria's", "Syria’s", "Syria", "SYRIA"])
def test_possessives_and_curly_apostrophes(query):
    assert finds(query, "Syria’s army advanced.")


@pytest.mark.parametrize("query", ["al-Mayadin", "al Mayadin", "Mayadin", "al‑Mayadin"])
def test_hyphenated_names_match_whole_and_by_parts(query):
    assert finds(query, "The army neared al-Mayadin on Friday.")
    assert set(A.terms("Mayadin")) <= set(A.terms(query + " x"))


def test_whole_hyphenated_name_is_a_term_of_its_own():
    assert "almayadin" in A.terms("al-Mayadin")


def test_numbers_and_units_are_kept():
    assert A.terms("within 10 km (7 miles)") == ["within", "10", "km", "7", "mile"]
    assert A.terms("10km") == ["10", "km"]
    assert "10000" in A.terms("10,000 people")


def test_stopwords_go_and_stems_match():
    assert A.terms("how far is it from the city?") == ["far", "citi"]
    assert finds("neared", "They near the city")
    assert A.terms("the of and") == []


def test_us_the_country_survives_as_a_term():
    assert A.terms("U.S.-backed militias")[0] == "us"
    assert A.terms("U.S. army")[:1] == A.terms("US army")[:1] == ["us"]


def test_dashes_and_quotes_are_normalised():
    assert A.terms("“Daesh”—the group") == A.terms('"Daesh" - the group')


def test_tokens_carry_offsets_of_their_word():
    text = "Syria’s al-Mayadin"
    for token in A.tokens(text):
        assert text[token.start:token.end] in ("Syria’s", "al-Mayadin")


def test_analyzer_is_stable_on_its_own_output():
    terms = A.terms("The government forces had reached within 10 km of al-Mayadin")
    assert A.terms(" ".join(terms)) == A.terms(" ".join(A.terms(" ".join(terms))))


@pytest.mark.parametrize("word, term", [("THOSED", "thosed"), ("Norse", "norse"),
                                        ("others", "others"), ("owned", "owned")])
def test_a_word_whose_stem_is_a_stopword_stays_a_term_as_written(word, term):
    """Stopwords go before stemming, so a stem can be one ("thosed" -> "those", "Norse" ->
    "nor"); such a word is kept unstemmed, and reading the term again finds it again."""
    assert A.terms(f"The {word} arrived") == [term, "arriv"]
    assert A.terms(term) == [term]
    assert finds(word, f"a {word.lower()} text")
