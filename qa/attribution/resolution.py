"""Who a source stands for: pronouns, relative pronouns and short forms ("he", "it", "who",
"Liedtke", "the group") resolved against the article read so far, and every source given as
the fullest name the article uses for it.

How, and why this way:

- Each resolved source is an entity of the article: its name, whether it is a person, plural,
  and (once known) its gender. "he"/"she" take the latest singular person whose gender does
  not disagree (gender comes from a title, "Mr."/"Mrs.", or from a pronoun already resolved
  to it); "it" the latest singular organisation or document; "they" the latest plural. The
  latest wins because wire copy names a new speaker before it pronominalises him.
- A name in apposition is preferred to its title ("Jim Miller, president of NAWG" -> "Jim
  Miller", "Pennzoil Co Chairman J. Hugh Liedtke" -> "J. Hugh Liedtke").
- A short name ("Liedtke", "Rostenkowski") is given as the fullest name the article used for
  it before, even in a sentence without an attribution ("... Chairman Dan Rostenkowski").
- A coordination of people ("Senator Ted Cruz of Texas and Senator Rand Paul of Kentucky",
  "Naylor and Beesley" once both are known) resolves to the coordination, each person by the rules above ("Ted
  Cruz of Texas and Rand Paul of Kentucky"): each is remembered as a speaker of his own, and the
  whole as a plural one that a following "they" stands for. Bodies whose names hold "and"
  ("Securities and Exchange Commission") and common nouns ("officials and economists") are
  not split.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .tokens import (
    FEMALE_WORDS, GENERIC_ORG, MALE_WORDS, NAME_LINKS, ORG_WORDS, PERSON_WORDS, PRONOUNS,
    TITLES)

# Entities (and sentences) kept per article: resolution looks back this far, each entity once
# at its latest mention, so resolving costs the same in the ten-thousandth sentence of a huge
# document as in the first (issue 11).
HISTORY_LIMIT = 64
_CAPITALISED_RUN = re.compile(r"(?:[A-Z][\w.&'’-]*\s+(?:(?:de|van|von|al|bin|la|del)\s+)?){0,5}"
                              r"[A-Z][\w&'’-]*")


@dataclass
class Entity:
    """One speaker or source of the article, as far as the article has named it."""

    name: str
    person: bool
    plural: bool
    gender: str = ""  # "m", "f" or "" (not known yet)


class Resolver:
    """One article's entities in reading order, with the text read so far."""

    def __init__(self) -> None:
        self.entities: list[Entity] = []
        self.text: list[str] = []  # sentences read so far, for fuller names

    def read(self, sentence: str) -> None:
        """Note a sentence of the article (attributed or not) as read."""
        self.text.append(sentence)
        if len(self.text) > HISTORY_LIMIT:
            del self.text[0]

    def resolve(self, source: str) -> str:
        """The name `source` stands for; remembers it as the latest mention."""
        source = source.strip().rstrip(",").strip()
        key = source.lower()
        kind = PRONOUNS.get(key)
        if kind == "self" or not source:
            return source
        if kind:
            entity = self._pronoun(kind, key)
            if entity is None:
                return source
            self._mention(entity)
            return entity.name
        people = self._coordinated(source)
        if people is not None:
            return self._group(people)
        entity = self._short_form(name_of(source)) or self._new(source)
        self._mention(entity)
        return entity.name

    def _coordinated(self, source: str) -> list[Entity] | None:
        """The people of a coordination of names, each resolved, or None when `source` is not
        one. Each conjunct must be a personal name ("Ted Cruz of Texas", not "Lewis of
        Phillips") after nothing but titles ("Senator", not "Livestock Development Minister",
        which may belong to the whole), or one word naming a person named before ("Naylor")."""
        conjuncts = _conjuncts(source)
        if conjuncts is None:
            return None
        first = conjuncts[0].split(maxsplit=1)
        if len(first) == 2 and first[0].lower().rstrip(".").endswith("s") \
                and _is_title(first[0].lower().rstrip(".")[:-1]):
            conjuncts = [first[1]] + conjuncts[1:]  # "Commissioners William Seale and ..."
        people = []
        for conjunct in conjuncts:
            name = name_of(conjunct)
            words = name.split()
            before = conjunct[:len(conjunct) - len(name)].split() \
                if conjunct.endswith(name) else None
            if before is None or not all(_is_title(w) for w in before):
                return None
            if len(words) == 1:
                entity = self._short_form(name)
                if entity is None or not entity.person:
                    return None
                people.append(entity)
            elif _personal_name(name) and words[1].lower() not in NAME_LINKS:
                people.append(Entity(name, True, False, _gender(conjunct)))
            else:
                return None
        return people

    def _group(self, people: list[Entity]) -> str:
        """Remember each person, then the group (latest, for "they"); the group's name."""
        names = [p.name for p in people]
        name = ", ".join(names[:-1]) + " and " + names[-1]
        for person in people:
            self._mention(person)
        group = next((e for e in self.entities if e.plural and e.name == name), None)
        self._mention(group or Entity(name, True, True))
        return name

    def _mention(self, entity: Entity) -> None:
        if entity in self.entities:
            self.entities.remove(entity)
        self.entities.append(entity)
        if len(self.entities) > HISTORY_LIMIT:
            del self.entities[0]

    def _pronoun(self, kind: str, key: str) -> Entity | None:
        gender = "f" if key in ("she", "her") else "m" if key in ("he", "him") else ""
        for entity in reversed(self.entities):
            if kind == "person" and entity.person and not entity.plural \
                    and entity.gender in ("", gender):
                entity.gender = gender
                return entity
            if kind == "thing" and not entity.person and not entity.plural:
                return entity
            if kind == "group" and entity.plural:
                return entity
        return None

    def _short_form(self, source: str) -> Entity | None:
        """"The Observatory", "Liedtke", "Mr. Merrill", "the group", "the official": an
        entity named before, more fully."""
        words = source.split()
        if not words or len(words) > 3:
            return None
        core = [w for w in words if w.lower() not in ("the", "a") and w.lower() not in TITLES]
        if len(core) == 2 and core[0].lower() in NAME_LINKS:
            core = core[1:]  # "De Villiers"
        if len(core) != 1:
            return None
        word = core[0]
        fold = word.islower()
        needle = word.lower() if fold else word
        for entity in reversed(self.entities):
            name = entity.name
            if len(name) > len(source) and name[:1].isupper() and not entity.plural \
                    and needle in (name.lower() if fold else name) and name != source \
                    and not name.startswith(("A ", "An ")) \
                    and has_word(name, word, fold):
                return entity  # a name, not a description that mentions it
        if word.islower():
            if words[0].lower() != "the":
                return None
            want_person = word.lower() in PERSON_WORDS
            if word.lower() in GENERIC_ORG or want_person:
                for entity in reversed(self.entities):
                    if entity.person == want_person and not entity.plural \
                            and entity.name[:1].isupper() and entity.name != source:
                        return entity
            return None
        fuller = self._fuller_in_text(word, len(core))
        if fuller is None:
            return None
        return Entity(fuller, _is_person(fuller) or _gender(source) != "", False, _gender(source))

    def _fuller_in_text(self, word: str, size: int) -> str | None:
        """The latest name of two or more words after a title that the article used and that
        holds `word` ("Chairman Dan Rostenkowski" gives "Dan Rostenkowski" for
        "Rostenkowski")."""
        for sentence in reversed(self.text):
            if word not in sentence:
                continue
            for m in reversed(list(_CAPITALISED_RUN.finditer(" ".join(sentence.split())))):
                if not has_word(m.group(), word, False):
                    continue
                name = _without_title(m.group())  # a title vouches that a name follows
                if name != m.group() and len(name.split()) > size \
                        and has_word(name, word, False) and _personal_name(name):
                    return name
        return None

    def _new(self, source: str) -> Entity:
        name = name_of(source)
        # "Trade and Industry Minister Hajime Tamura": the "and" is in his title, he is one
        plural = _is_plural(source) and not (" and " not in name and _personal_name(name))
        return Entity(name, _is_person(source) or _is_person(name), plural, _gender(source))


def has_word(text: str, word: str, fold: bool) -> bool:
    """Whether `word` occurs in `text` as a whole word (hyphens count as part of a word),
    ignoring case with `fold`. ASCII text is searched with str.find: compiling a pattern for
    each new name cost more than the rest of resolving it (a build meets millions of names)."""
    if not (text.isascii() and word.isascii()):
        return _word_pattern(word, fold).search(text) is not None
    if fold:
        text, word = text.lower(), word.lower()
    k = text.find(word)
    while k >= 0:
        end = k + len(word)
        if (k == 0 or not _in_word(text[k - 1])) and (end == len(text) or not _in_word(text[end])):
            return True
        k = text.find(word, k + 1)
    return False


def _in_word(ch: str) -> bool:
    r"""An ASCII character that the pattern's `[\w-]` takes as part of a word."""
    return ch.isalnum() or ch == "_" or ch == "-"


@lru_cache(maxsize=1024)
def _word_pattern(word: str, fold: bool) -> re.Pattern:
    """`word` as a whole word (hyphens count as part of a word)."""
    return re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])", re.I if fold else 0)


@lru_cache(maxsize=4096)
def name_of(source: str) -> str:
    """The name a source phrase gives: the part in apposition that is a personal name ("Canada's
    Minister of State for Finance, Tom Hockin" -> "Tom Hockin"), else the first part, without a
    title before the name ("Spokesman Teresa Tomaszewska" -> "Teresa Tomaszewska")."""
    text = _DASH_PAIR.sub(", ", " ".join(source.split())).rstrip(", —–-")
    m = _RELATIVE.search(text)
    if m and not (m.start() == 0 and _common_plural(m.group(0).split()[0].rstrip(","))):
        text = text[:m.start(1)]  # "Bouey who was replaced by ...": "Bouey"
    parts = [p.strip() for p in _top_level_commas(text)]
    if len(parts) > 1 and not _personal_name(_without_title(parts[0])):
        for part in parts[1:]:
            if part.lower().startswith(_EXAMPLES):
                break  # "members, including the treasurer, Ann Cole,": the members
            if _personal_name(part):
                return part
    return _without_title(parts[0]) if parts and parts[0] else text


# A parenthetical in dashes is an apposition too ("Trump's running mate — Indiana Gov. Mike
# Pence —" -> "Mike Pence"); a list of examples is not the speaker's name.
_DASH_PAIR = re.compile(r"\s+(?:—|–|--|-)\s+")
_EXAMPLES = ("including ", "such as ", "like ", "among them ")
# A relative clause after a name, comma or not (wire copy drops it): not part of the name;
# after a common noun it may define who is meant ("one analyst who asked not to be named").
def _common_plural(word: str) -> bool:
    """A sentence-opening plural noun, not a name ("Fishermen who ...", "Democrats who ...")."""
    w = word.lower()
    return w.endswith(("s", "men")) or w in PERSON_WORDS


_RELATIVE = re.compile(r"\b[A-Z][\w.’'-]*(,?\s+(?:who|whose|whom|which)\s)")


# Words before a conjunct's name that belong to that conjunct alone ("Prime Minister").
_TITLE_WORDS = TITLES | PERSON_WORDS | frozenset(
    "prime vice deputy former acting commissioner justice representative".split())
def _is_title(word: str) -> bool:
    return word.lower() in _TITLE_WORDS or word.lower().strip(".") in _TITLE_WORDS


_AND = re.compile(r",?\s+and\s+")


@lru_cache(maxsize=4096)
def _conjuncts(source: str) -> list[str] | None:
    """"A, B and C" -> [A, B, C] when each part is capitalised and has no bracket or
    organisation word; None otherwise (and for no "and")."""
    text = " ".join(source.split()).rstrip(",")
    if " and " not in text or "(" in text:
        return None
    parts = [p.strip() for p in _top_level_commas(text)]
    last = _AND.split(parts[-1])
    if len(last) != 2 or any(_AND.search(p) for p in parts[:-1]):
        return None
    parts = parts[:-1] + last
    for part in parts:
        words = part.split()
        if not words or not words[0][:1].isupper() or words[0] in ("The", "A", "An") \
                or any(w.lower().strip(".,") in ORG_WORDS or w.endswith(("'s", "’s"))
                       for w in words):
            return None
    return parts


def _top_level_commas(text: str) -> list[str]:
    """Split at commas outside brackets and figures ("1,250 residents" is one part)."""
    parts, depth, start = [], 0, 0
    for k, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch == "," and depth == 0 and not (0 < k < len(text) - 1 and text[k - 1].isdigit()
                                               and text[k + 1].isdigit()):
            parts.append(text[start:k])
            start = k + 1
    parts.append(text[start:])
    return parts


@lru_cache(maxsize=4096)
def _without_title(phrase: str) -> str:
    """"Pennzoil Co Chairman J. Hugh Liedtke" -> "J. Hugh Liedtke": the personal name after
    the last title word, when two or more capitalised words follow it."""
    words = phrase.split()
    for k in range(len(words) - 2, -1, -1):
        w = words[k].lower().strip(".,")
        if w in PERSON_WORDS or words[k].lower() in TITLES and w not in ("mr", "mrs", "ms", "dr"):
            rest = words[k + 1:]
            if len(rest) >= 2 and _personal_name(" ".join(rest)):
                return " ".join(rest)
            break
    return phrase


@lru_cache(maxsize=4096)
def _personal_name(phrase: str) -> bool:
    """Two to four capitalised words (initials and "de", "van" ... allowed), none of them an
    organisation word: "J. Hugh Liedtke", "Henri de Villiers"."""
    words = phrase.split()
    if not 2 <= len(words) <= 5 or words[0] in ("The", "A", "An") or not words[0][:1].isupper():
        return False
    if words[-1].startswith("("):
        words = words[:-1]
    for w in words:
        bare = w.strip(".,")
        if bare.lower() in NAME_LINKS:
            continue
        if not bare[:1].isupper() or bare.lower() in ORG_WORDS or bare.lower() in PERSON_WORDS:
            return False
    return True


def head_noun(source: str) -> str:
    """The noun a source phrase is about: "officials" in "two U.S. intelligence officials"."""
    return _head_word(_first_part(source)).lower()


_AFTER_HEAD = re.compile(r"\s+(?:of|for|from|in|at|run|with|who|which|that|to|on)\b")


def _head_word(name: str) -> str:
    """The last word before a preposition or relative clause, as written."""
    words = _AFTER_HEAD.split(name, maxsplit=1)[0].split()
    return words[-1].strip(".,") if words else ""


def _first_part(source: str) -> str:
    """"The Syrian Observatory for Human Rights, a war monitor" -> its name before the comma."""
    return source.split(",")[0].strip()


@lru_cache(maxsize=4096)
def _is_plural(source: str) -> bool:
    first = _first_part(source)
    head = _head_word(first)
    if " and " in first or " nor " in first:
        words = [w.lower().strip(".,()") for w in first.split()]
        return not any(w in ORG_WORDS for w in words)  # "Securities and Exchange Commission"
    return head.endswith("s") and not head.endswith(("ss", "us", "is")) and head[:1].islower() \
        and len(head) > 3


@lru_cache(maxsize=4096)
def _is_person(source: str) -> bool:
    """Person-like: a person word as head, a title, or a personal name."""
    first = _first_part(source)
    head = head_noun(source)
    if head in PERSON_WORDS or head.rstrip("s") in PERSON_WORDS:
        return True
    words = first.split()
    if words and (words[0].lower() in TITLES or _gender(first)):
        return True
    if _personal_name(_without_title(first)):
        return True
    return any(_personal_name(part.strip()) for part in _top_level_commas(source)[1:])


@lru_cache(maxsize=4096)
def _gender(source: str) -> str:
    words = {w.lower().strip(".,") for w in source.split()}
    if words & FEMALE_WORDS:
        return "f"
    if words & MALE_WORDS:
        return "m"
    return ""
