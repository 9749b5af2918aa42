"""Who a statement's source is: names normalised and their aliases merged across an archive.

An article names one body several ways ("The Syrian Observatory for Human Rights, a war
monitor", "The Observatory", "it"); attribution resolves pronouns and short forms within the
article, and this module turns what is left into one source per person or body:

- `normalise` cuts an appositive (", a war monitor"), a leading article and a title ("President
  Bashar al-Assad" -> "Bashar al-Assad") and lower-cases the words: the name's *key*;
- `merge` joins keys: identical keys everywhere, and a proper name's short form ("Observatory",
  "Assad") into the one longer proper name that holds all its words, preferring a long form of
  the same article, else the archive's, and only when that long form is unambiguous ("Clinton"
  stays itself where both Hillary and Bill Clinton speak).

Descriptions ("a military source", "sources") merge only with the same description, never with
a name, so "Hezbollah" and "a media unit run by the Lebanese Hezbollah group" stay two sources.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

_WORD = re.compile(r"\w+")
_POSSESSIVE = re.compile(r"['’]s\b")
_ARTICLES = frozenset("the a an".split())
# Lower-case words a proper name may contain ("Syrian Observatory for Human Rights").
_NAME_FUNCTION = frozenset("of for the and on in at to de du la le al el bin van von der & s"
                           .split())
TITLES = frozenset("""
mr mrs ms dr sen rep gov gen lt col capt sgt prof rev president senator representative
governor minister premier chancellor secretary general judge mayor king queen prince pope
sheikh ambassador
""".split())
PRONOUNS = frozenset("he she it they we i you him her them us me who this that".split())


@dataclass(frozen=True)
class Name:
    """A source phrase made comparable: `key` is its normalised words, `words` their set."""

    written: str  # the phrase without its appositive, as written
    key: str
    is_name: bool  # a proper name ("Syrian Observatory for Human Rights"), not a description

    @property
    def words(self) -> frozenset[str]:
        return frozenset(self.key.split())


def name_part(source: str) -> str:
    """The phrase before an appositive: "Hezbollah, part of the alliance" -> "Hezbollah"."""
    return re.split(r"\s*[,(;—–]\s*", source.strip(), maxsplit=1)[0].strip()


def normalise(source: str) -> Name | None:
    """The comparable form of a source phrase, or None for no source or a bare pronoun."""
    written = name_part(source)
    words = _WORD.findall(_POSSESSIVE.sub("", written))
    while words and words[0].lower() in _ARTICLES:
        words = words[1:]
    if not words or (len(words) == 1 and words[0].lower() in PRONOUNS):
        return None
    # a title before a capitalised name is not part of the name
    while len(words) > 1 and words[0].lower() in TITLES and words[1][:1].isupper():
        words = words[1:]
    is_name = words[0][:1].isupper() and all(
        w[:1].isupper() or w[:1].isdigit() or w.lower() in _NAME_FUNCTION for w in words)
    return Name(written, " ".join(w.casefold() for w in words), is_name)


def words_of(text: str) -> list[str]:
    """The words of a query or a name, as `normalise` compares them."""
    return [w.casefold() for w in _WORD.findall(_POSSESSIVE.sub("", text))]


@dataclass
class Source:
    """One merged source: the name shown, the ways it was written, its statements' count."""

    name: str
    aliases: list[str] = field(default_factory=list)
    words: set[str] = field(default_factory=set)
    statements: int = 0


def merge(statements: Iterable[tuple[int, str]]) -> tuple[list[int], list[Source]]:
    """Group statements given as (article number, source as written or resolved) by source.

    Returns the source number of each statement (-1 for none: a pronoun left unresolved or an
    empty source) and the sources, most statements first. The cost is linear in the
    statements, plus for each distinct short name the long names sharing its rarest word.
    """
    rows = list(statements)
    names: list[Name | None] = [normalise(source) for _, source in rows]
    keys_in_article: dict[int, set[str]] = defaultdict(set)
    is_name: dict[str, bool] = {}
    for (article, _), name in zip(rows, names):
        if name is not None:
            keys_in_article[article].add(name.key)
            is_name[name.key] = name.is_name
    by_word: dict[str, set[str]] = defaultdict(set)
    for key, proper in is_name.items():
        if proper:
            for word in key.split():
                by_word[word].add(key)
    root = _global_roots(is_name, by_word)
    group: list[str | None] = []
    for (article, _), name in zip(rows, names):
        if name is None:
            group.append(None)
            continue
        local = (_local_root(name.key, keys_in_article[article], root, is_name)
                 if name.is_name else None)
        group.append(local or root[name.key])
    return _number(rows, names, group)


def _longer_names(key: str, by_word: dict[str, set[str]]) -> set[str]:
    """The proper names that hold every word of `key` and more."""
    words = set(key.split())
    rarest = min(words, key=lambda w: len(by_word[w]))
    return {k for k in by_word[rarest] if k != key and words < set(k.split())}


def _global_roots(is_name: dict[str, bool], by_word: dict[str, set[str]]) -> dict[str, str]:
    """Each key's source key: itself, or the one root its longer names lead to."""
    root: dict[str, str] = {}
    for key in sorted(is_name, key=lambda k: -len(k.split())):  # long forms settle first
        root[key] = key
        if is_name[key]:
            roots = {root[k] for k in _longer_names(key, by_word)}
            if len(roots) == 1:
                root[key] = roots.pop()
    return root


def _local_root(key: str, article_keys: set[str], root: dict[str, str],
                is_name: dict[str, bool]) -> str | None:
    """The root of the longer proper names of the same article holding `key`, if just one."""
    words = set(key.split())
    roots = {root[k] for k in article_keys
             if k != key and is_name[k] and words < set(k.split())}
    return roots.pop() if len(roots) == 1 else None


def _number(rows: list[tuple[int, str]], names: list[Name | None], group: list[str | None]
            ) -> tuple[list[int], list[Source]]:
    counts = Counter(g for g in group if g is not None)
    order = sorted(counts, key=lambda g: (-counts[g], g))
    number = {g: n for n, g in enumerate(order)}
    written: dict[str, Counter] = defaultdict(Counter)
    for name, g in zip(names, group):
        if g is not None:
            written[g][name.written] += 1
    sources = []
    for g in order:
        forms = written[g]
        shown = max(forms, key=lambda w: (_display_rank(w, g), forms[w], w))
        aliases = sorted(forms, key=lambda w: (-forms[w], w))
        words = {w for form in forms for w in words_of(form)} - _ARTICLES
        sources.append(Source(_strip_article(shown), aliases, words, counts[g]))
    return [number[g] if g is not None else -1 for g in group], sources


def _display_rank(written: str, key: str) -> int:
    """Prefer a form that says the whole root name (not just its short form)."""
    return int(" ".join(words_of(written)).endswith(key)) + int(len(words_of(written)) >=
                                                                 len(key.split()))


def _strip_article(written: str) -> str:
    words = written.split(" ", 1)
    if len(words) == 2 and words[0].lower() in _ARTICLES:
        return words[1]
    return written
