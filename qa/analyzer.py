"""Turn text into index terms: the same chain for sentences and questions.

Shaped like a Lucene Analyzer: a tokenizer finds raw words with their offsets, then a chain of
small filters (`Analyzer.chain`, declared in one place) rewrites each one: normalise and fold
case, split what NFKC made of non-word characters, split compounds, expand abbreviations,
split digits from letters, drop stopwords, stem (but never to a stopword: "thosed" stays
"thosed", not "those"), so that analysing the terms again gives the same terms. Every filter
looks at one word only, so the whole chain for a raw word is computed once and cached:
indexing a million sentences meets the same few hundred thousand words again and again.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import Stemmer  # PyStemmer: the Snowball algorithms in C

ANALYZER_VERSION = 4  # 4: a word whose stem is a stopword is kept unstemmed

# A word: letters or digits, joined by hyphens, apostrophes or inner full stops ("al-Mayadin",
# "Syria’s", "U.S", "10.5"), or a comma between digits ("10,000").
_RAW_TOKEN = re.compile(r"[^\W_]+(?:(?:[-‐‑'’.]|(?<=\d),)[^\W_]+)*")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"})
_HYPHENS = str.maketrans({"‐": "-", "‑": "-", "‒": "-", "−": "-", "﹣": "-", "－": "-"})
_ABBREVIATION = re.compile(r"^(?:[a-z]\.)+[a-z]$")
_DIGITS_LETTERS = re.compile(r"\d+(?:\.\d+)?|[^\W\d_]+")

# English function words: too common in questions and news to tell sentences apart.
STOPWORDS = frozenset("""
a about above after again against all am an and any are aren't as at be because been before
being below between both but by can can't cannot could couldn't did didn't do does doesn't
doing don't down during each few for from further had hadn't has hasn't have haven't having he
he'd he'll he's her here here's hers herself him himself his how how's i i'd i'll i'm i've if
in into is isn't it it's its itself let's me more most mustn't my myself no nor not of off on
once only or other ought our ours ourselves out over own same shan't she she'd she'll she's
should shouldn't so some such than that that's the their theirs them themselves then there
there's these they they'd they'll they're they've this those through to too under until up
very was wasn't we we'd we'll we're we've were weren't what what's when when's where where's
which while who who's whom why why's will with won't would wouldn't you you'd you'll you're
you've your yours yourself yourselves s t also just
""".split())


@dataclass(frozen=True)
class Token:
    """An index term and the character range of the word it came from."""

    term: str
    start: int
    end: int


# A filter takes a word and whether it is protected from the stopword filters (a name the
# chain built, as "almayadin" or "us"), and gives the words it becomes.
Piece = tuple[str, bool]
Filter = Callable[[str, bool], Iterable[Piece]]


class Analyzer:
    """The analysis chain; `settings` go into the index manifest so a change forces a rebuild."""

    def __init__(self, stem: bool = True, stopwords: bool = True) -> None:
        self.stem = stem
        self.stopwords = stopwords
        self._stemmer = Stemmer.Stemmer("english") if stem else None
        self._cache: dict[str, tuple[str, ...]] = {}
        self.chain: tuple[Filter, ...] = (
            _normalise,
            _split_non_words,
            _split_compound,
            _expand_abbreviation,
            _split_digits_letters,
            *((_drop_stopword,) if stopwords else ()),
            *((self._stem_filter,) if stem else ()),
        )

    @property
    def settings(self) -> dict:
        return {
            "version": ANALYZER_VERSION,
            "stem": "snowball-english" if self.stem else None,
            "stopwords": len(STOPWORDS) if self.stopwords else 0,
        }

    def terms(self, text: str) -> list[str]:
        """The index terms of `text`, in order (the fast path used to build the index)."""
        out: list[str] = []
        cache = self._cache
        for raw in _RAW_TOKEN.findall(text):
            terms = cache.get(raw)
            if terms is None:
                terms = cache[raw] = self._analyze_word(raw)
            out.extend(terms)
        return out

    def spans(self, text: str) -> tuple[list[str], list[int], list[int]]:
        """The terms of `text` (as `terms` gives them) with the start and end of the word each
        came from: what the index stores per sentence so a question never re-analyses it."""
        out: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        cache = self._cache
        for m in _RAW_TOKEN.finditer(text):
            raw = m.group()
            terms = cache.get(raw)
            if terms is None:
                terms = cache[raw] = self._analyze_word(raw)
            n = len(terms)
            if n == 1:  # most words: appends, not lists built to extend with (~20% faster)
                out.append(terms[0])
                start, end = m.span()
                starts.append(start)
                ends.append(end)
            elif n:
                out.extend(terms)
                start, end = m.span()
                starts.extend([start] * n)
                ends.extend([end] * n)
        return out, starts, ends

    def tokens(self, text: str) -> list[Token]:
        """Terms with the offsets of the words they came from, for highlighting."""
        out: list[Token] = []
        for m in _RAW_TOKEN.finditer(text):
            raw = m.group()
            terms = self._cache.get(raw)
            if terms is None:
                terms = self._cache[raw] = self._analyze_word(raw)
            out.extend(Token(t, m.start(), m.end()) for t in terms)
        return out

    def _analyze_word(self, raw: str) -> tuple[str, ...]:
        """The terms of one raw word: each filter of the chain in turn, duplicates dropped."""
        pieces: list[Piece] = [(raw, False)]
        for filt in self.chain:
            pieces = [out for piece in pieces for out in filt(*piece)]
        return tuple(dict.fromkeys(word for word, _ in pieces if word))

    def _stem_filter(self, word: str, protected: bool) -> Iterable[Piece]:
        """The word's stem, unless that stem is a stopword ("thosed" -> "those", "Norse" ->
        "nor", "owned" -> "own"): then the word as it is, which is a term of its own and
        stays one when analysed again (a stopword would vanish)."""
        stem = self._stem_word(word)
        if self.stopwords and not protected and stem in STOPWORDS:
            return [(word, protected)]
        return [(stem, protected)]

    def _stem_word(self, word: str) -> str:
        """Snowball stem, applied until it stops changing ("increased" -> "increas" ->
        "increa"), so that analysing the analyzer's own output gives the same terms."""
        if self._stemmer is None or not word.isalpha():
            return word
        for _ in range(8):
            stem = self._stemmer.stemWord(word)
            if stem == word:
                break
            word = stem
        return word


def _normalise(raw: str, protected: bool) -> Iterable[Piece]:
    """NFKC, straight apostrophes and hyphens, case folded, possessive and digit commas
    dropped."""
    word = unicodedata.normalize("NFKC", raw).translate(_APOSTROPHES).translate(_HYPHENS)
    folded = word.casefold()
    if folded.endswith("'s"):
        folded = folded[:-2]
    elif folded.endswith("'"):
        folded = folded[:-1]
    if "," in folded:
        folded = folded.replace(",", "")
    return [(folded, protected)]


def _split_non_words(word: str, protected: bool) -> Iterable[Piece]:
    """NFKC can yield what is not a word character ("ำ" gives a combining mark, "¼" a
    fraction slash): keep the words inside, as the tokenizer would read them."""
    if _RAW_TOKEN.fullmatch(word):
        return [(word, protected)]
    return [(piece, protected) for piece in _RAW_TOKEN.findall(word)]


def _drop_stopword(word: str, protected: bool) -> Iterable[Piece]:
    return [] if not protected and word in STOPWORDS else [(word, protected)]


def _split_compound(word: str, protected: bool) -> Iterable[Piece]:
    """"al-mayadin" gives "al", "mayadin" and the whole "almayadin", so each form finds it."""
    if "-" not in word and "'" not in word:
        return [(word, protected)]
    parts = [p for p in re.split(r"[-']", word) if p]
    if "-" not in word:  # an inner apostrophe: "o'brien" -> "obrien", "o", "brien"
        return [("".join(parts), protected), *((p, False) for p in parts)]
    return [*((p, False) for p in parts), ("".join(parts), True)]


def _expand_abbreviation(word: str, protected: bool) -> Iterable[Piece]:
    """"u.s" is "us", and a name rather than the pronoun."""
    if "." in word and _ABBREVIATION.match(word):
        return [(word.replace(".", ""), True)]
    return [(word, protected)]


def _split_digits_letters(word: str, protected: bool) -> Iterable[Piece]:
    """"10km" is "10" and "km", as it would be written "10 km"."""
    if word.isalpha() or word.isdigit() or not any(c.isdigit() for c in word):
        return [(word, protected)]
    pieces = _DIGITS_LETTERS.findall(word)
    return [(p, False) for p in pieces] if len(pieces) > 1 else [(word, protected)]
