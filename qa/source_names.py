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
from functools import lru_cache

_WORD = re.compile(r"\w+")
_POSSESSIVE = re.compile(r"['’]s\b")
_ARTICLES = frozenset("the a an".split())
_TICKER = re.compile(r"<[A-Z0-9.\s]{1,12}>|[<>]")  # Reuters: "Viacom <VIA>", "<Sorg Inc>"
_QUANTIFIERS = frozenset("some many most several few other another all both one two three four "
                         "five".split())
_WHEN = re.compile(r"\s+(?:on|last|this|early|late)\s+(?:Monday|Tuesday|Wednesday|Thursday|"
                   r"Friday|Saturday|Sunday|January|February|March|April|May|June|July|August|"
                   r"September|October|November|December|week|month|year)\b.*\Z", re.S)
# Lower-case words a proper name may contain ("Syrian Observatory for Human Rights").
_NAME_FUNCTION = frozenset("of for the and on in at to de du la le al el bin van von der s"
                           .split())
TITLES = frozenset("""
mr mrs ms dr sen rep gov gen lt col capt sgt prof rev president senator representative
governor minister premier chancellor secretary general judge mayor king queen prince pope
sheikh ambassador
""".split())
PRONOUNS = frozenset("he she it they we i you him her them us me who this that his its their "
                     "our my your".split())
# A short form joins the archive's most used long form holding it when that one has at least
# this share of the statements of all of them ("Trump" -> "Donald J. Trump" beside "Donald
# Trump Jr."), and never when none dominates ("Clinton" between Hillary and Bill Clinton).
DOMINANT = 0.8


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
    """The phrase before an appositive: "Hezbollah, part of the alliance" -> "Hezbollah",
    on one line."""
    name = re.split(r"\s*[,(;—–]\s*", _TICKER.sub("", source).strip(), maxsplit=1)[0]
    return " ".join(_WHEN.sub("", name).split())


@lru_cache(maxsize=1 << 16)
def normalise(source: str) -> Name | None:
    """The comparable form of a source phrase, or None for no source or a bare pronoun.
    (Cached: an archive writes "the company" and "officials" thousands of times.)"""
    written = name_part(source)
    words = _WORD.findall(_POSSESSIVE.sub("", _after_possessive(written)))
    while words and words[0].lower() in _ARTICLES | _QUANTIFIERS | {"former"}:
        words = words[1:]
    if not words or (len(words) == 1 and words[0].lower() in PRONOUNS):
        return None
    people = _coordinated_names(words)
    if people is not None:  # "Ted Cruz and Rand Paul": the two together, not a name of one
        return Name(written, " and ".join(people), False)
    words = _name_words(words)
    is_name = words[0][:1].isupper() and "and" not in words[1:] and (
        len(words) == 1 or words[-1].lower() not in ROLES) and all(
        w[:1].isupper() or w[:1].isdigit() or w.lower() in _NAME_FUNCTION for w in words)
    return Name(written, " ".join(w.casefold() for w in words), is_name)


def _name_words(words: list[str]) -> list[str]:
    """The words of the name itself: no description before it, role or title before it, nor
    organisation after a person's name."""
    words = _person_of_org(_after_role(_trailing_name(words)))
    # a title before a capitalised name is not part of the name
    while len(words) > 1 and words[0].lower() in TITLES and words[1][:1].isupper():
        words = words[1:]
    return words


def _coordinated_names(words: list[str]) -> list[str] | None:
    """The keys of "Senator Ted Cruz of Texas and Senator Rand Paul of Kentucky" -> ["ted
    cruz", "rand paul"]: each part around "and" a capitalised name without an organisation
    word; None otherwise ("Securities and Exchange Commission", "Martell and other
    analysts")."""
    if "and" not in words[1:-1]:
        return None
    parts, part = [], []
    for w in words + ["and"]:
        if w == "and":
            parts.append(part)
            part = []
        else:
            part.append(w)
    keys = []
    for part in parts:
        if not part or any(w.lower() in ORG_WORDS for w in part):
            return None
        name = _name_words(part)
        if not all(w[:1].isupper() or w.lower() in _NAME_FUNCTION for w in name) \
                or not name[0][:1].isupper() or name[-1].lower() in ROLES:
            return None
        keys.append(" ".join(w.casefold() for w in name))
    return keys


def statement_name(source: str, resolved: str) -> str:
    """The name a statement is filed under: the resolved one, unless resolution turned a
    proper name into a description ("Clinton" -> "what the Clinton campaign"), which only
    loses the name."""
    if not resolved or resolved == source:
        return source
    written, full = normalise(source), normalise(resolved)
    if written is not None and written.is_name and (full is None or not full.is_name):
        return source
    return resolved


# Words that name a role: "Fed Chairman Paul Volcker" is Paul Volcker, not the Fed.
ROLES = TITLES | frozenset("""
chairman chairwoman chair director vice spokesman spokeswoman spokesperson executive officer
manager analyst economist commissioner leader adviser advisor counsel investor trader
strategist head chief founder editor correspondent professor nominee candidate justice
secretary governor owner partner doctor
""".split())
# Words that make a name a body's: "Bank of New York" is not a person "of" somewhere.
ORG_WORDS = frozenset("""
corp corporation inc co company ltd plc ag sa nv spa ab bank group institute university
association department ministry committee council commission party agency office fund trust
exchange board house court news times post journal network service organization
organisation union federation reserve authority
""".split())
_CORPORATE = frozenset("inc corp co ltd plc ag sa nv spa ab llc lp".split())
_LAST_POSSESSIVE = re.compile(r".*['’]s\s+(?=\S)", re.S)


def _after_possessive(written: str) -> str:
    """"AMR Corp's American Airlines" -> "American Airlines" (a name owned by another); not
    "Scotty's Inc" (a name with a possessive in it) nor "Trump's campaign" (a description)."""
    found = _LAST_POSSESSIVE.match(written)
    if not found:
        return written
    rest = _WORD.findall(written[found.end():])
    if (not rest or all(w.lower() in _CORPORATE for w in rest)
            or not all(w[:1].isupper() or w.lower() in _NAME_FUNCTION for w in rest)):
        return written
    return written[found.end():]


def _after_role(words: list[str]) -> list[str]:
    """The capitalised name right after the last role word: "OPEC president Rilwanu Lukman",
    "Supreme Court Justice Frank Nervo"; unchanged when no name follows a role word."""
    for i in range(len(words) - 2, -1, -1):
        if words[i].lower() in ROLES:
            rest = words[i + 1:]
            if rest[0][:1].isupper() and rest[0].lower() not in ROLES and all(
                    w[:1].isupper() or w.lower() in _NAME_FUNCTION for w in rest):
                return rest
            break
    return words


def _person_of_org(words: list[str]) -> list[str]:
    """"Darwin Beck of First Boston Corp" -> "Darwin Beck": a person's two or three words
    before "of" an organisation; "Bank of New York" stays whole."""
    if "of" not in words:
        return words
    head = words[:words.index("of")]
    if 2 <= len(head) <= 3 and all(w[:1].isupper() and w.lower() not in ROLES | ORG_WORDS
                                   for w in head):
        return head
    return words


_LINKS = frozenset("for of by with to from at in on about and or than like as".split())


def _trailing_name(words: list[str]) -> list[str]:
    """"Republican vice-presidential nominee Mike Pence" -> "Mike Pence": a description that
    ends in a name is that person; not "a spokesman for Mike Pence" (a link word before it)."""
    if all(w[:1].isupper() or w.lower() in _NAME_FUNCTION for w in words):
        return words
    start = len(words)
    while start > 0 and words[start - 1][:1].isupper():
        start -= 1
    if start == len(words) or start == 0 or words[start - 1].lower() in _LINKS | _ARTICLES:
        return words
    if len(words) - start == 1 and words[start].lower() in TITLES:
        return words
    return words[start:]


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
    used: Counter = Counter()
    for (article, _), name in zip(rows, names):
        if name is not None:
            keys_in_article[article].add(name.key)
            # "police" somewhere makes "Police" opening a sentence a description too
            is_name[name.key] = is_name.get(name.key, True) and name.is_name
            used[name.key] += 1
    by_word: dict[str, set[str]] = defaultdict(set)
    for key, proper in is_name.items():
        if proper:
            for word in key.split():
                by_word[word].add(key)
    root = _global_roots(is_name, by_word, used)
    group: list[str | None] = []
    local_roots: dict[tuple[int, str], str | None] = {}  # once per name and article
    for (article, _), name in zip(rows, names):
        if name is None:
            group.append(None)
            continue
        local = None
        if name.is_name:
            if (article, name.key) not in local_roots:
                local_roots[article, name.key] = _local_root(
                    name.key, keys_in_article[article], root, is_name, by_word)
            local = local_roots[article, name.key]
        group.append(local or root[name.key])
    return _number(rows, names, group)


def _longer_names(key: str, by_word: dict[str, set[str]]) -> set[str]:
    """The proper names that hold every word of `key` and more."""
    words = set(key.split())
    rarest = min(words, key=lambda w: len(by_word[w]))
    return {k for k in by_word[rarest] if k != key and words < set(k.split())}


def _global_roots(is_name: dict[str, bool], by_word: dict[str, set[str]],
                  used: Counter) -> dict[str, str]:
    """Each key's source key: itself, or the root its longer names lead to when one root has
    at least DOMINANT of their statements."""
    root: dict[str, str] = {}
    for key in sorted(is_name, key=lambda k: (-len(set(k.split())), k)):  # long forms first
        root[key] = key
        if is_name[key] and _may_merge_across_articles(key):
            roots = Counter()
            for k in _longer_names(key, by_word):
                roots[root[k]] += used[k]
            if roots:
                best, count = max(roots.items(), key=lambda item: (item[1], item[0]))
                if count >= DOMINANT * sum(roots.values()):
                    root[key] = best
    return root


def _may_merge_across_articles(key: str) -> bool:
    """A short body name ("the Reserve Bank") may mean another body in another article; a
    one-letter word means nothing."""
    words = key.split()
    return len(key) > 2 and not any(w in ORG_WORDS for w in words)


def _local_root(key: str, article_keys: set[str], root: dict[str, str],
                is_name: dict[str, bool], by_word: dict[str, set[str]]) -> str | None:
    """The root of the longer proper names of the same article holding `key`, if just one.
    Only the proper names sharing the rarest word of `key` are looked at (or the article's
    names, when fewer): a huge article's thousands of names are not each compared."""
    words = set(key.split())
    if len(key) <= 2:
        return None
    pool = by_word.get(min(words, key=lambda w: len(by_word.get(w, ()))), set())
    if len(pool) > len(article_keys):
        pool = article_keys
    roots = {root[k] for k in pool
             if k != key and k in article_keys and is_name[k] and words < set(k.split())}
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


def _display_rank(written: str, key: str) -> tuple[bool, bool, int]:
    """Prefer a form that says the whole root name, with the fewest words around it."""
    words = words_of(written)
    name = normalise(written)
    return (name is not None and name.key == key, " ".join(words).endswith(key),
            -abs(len(words) - len(key.split())))


def _strip_article(written: str) -> str:
    words = written.split(" ", 1)
    if len(words) == 2 and words[0].lower() in _ARTICLES:
        return words[1]
    return written
