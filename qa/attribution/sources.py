"""The source of each cue: the subject before it, the inverted subject after it (", said a
spokesman"), the phrase after "according to", or the subject of the clause for a participle
(", adding that"); and, with the source found, the cue's content.
"""
from __future__ import annotations

from .tokens import (
    ADVERBS, AUX, _BE, _char_span, _CLAUSE, _CLOSE_QUOTES, _DETERMINERS, _extend_left, _Found,
    _FUNCTION, _is_quote, NEG, _OPEN_QUOTES, _PARTICIPLE_ENDINGS, _PREPOSITIONS, _PRONOUNS,
    _PUNCT_STOP, _QUOTES, _RECIPIENT_NAME, _RECIPIENTS, _RELATIVE, _STATEMENT, _TIME_WORDS, Token)
from .subjects import _is_subject, _np_left, _segment_left
from .content import _according_content, _after_span, _before_span, _content
from .cues import _alone, _credit_line, _speaker_label
from .cues import in_lexicon


def _attach(text: str, toks: list[Token], a: int, b: int, head: int,
            earlier: list[_Found], score: float = 1.0) -> _Found | None:
    """Find the source of cue [a, b) and build the attribution.

    Without a source the cue is kept, with an empty source span, only when the model is
    confident (`score >= _ALONE`); otherwise None.
    """
    word = toks[head].lower
    cue_end = _cue_end(text, toks, b, word)
    if word in "―—–":
        name = _credit_line(text, toks, head)
        if name is None:
            return None
        return _Found(_char_span(toks, *name), (toks[head].start, toks[head].end),
                      _before_span(text, toks, head))
    if word == ":":
        label = _speaker_label(toks, head)
        if label is None:
            return None
        return _Found(_char_span(toks, *label), (toks[head].start, toks[head].end),
                      _after_span(text, toks[head].end))
    if word == "according":
        src = _np_right(toks, b)
        if src is None:
            return _alone(text, toks, a, cue_end, score)
        return _Found(_char_span(toks, *src), (toks[a].start, toks[b - 1].end),
                      _according_content(text, toks, a, src))
    if b < len(toks) and toks[b].lower == "by" and toks[head].lower.endswith(("ed", "en")) \
            and any(t.lower in _BE for t in toks[a:head]):
        agent = _np_right(toks, b + 1)  # "Clinton was endorsed by dozens of papers"
        if agent is not None:
            subject = _np_left(toks, a)
            content = _char_span(toks, *subject) if subject is not None else None
            return _Found(_char_span(toks, *agent), (toks[a].start, toks[b].end), content)
    if _passive(toks, a, head):
        # "Rubio is seen as ...", "the plan was approved": no agent, and the subject is what
        # the cue is about, not its source (PolNeAR leaves such sources empty)
        return _Found((0, 0), (toks[a].start, cue_end), _after_span(text, cue_end))
    src = _np_left(toks, a)
    antecedent = ""
    if src is not None and src[1] - src[0] == 1 and toks[src[0]].lower in _RELATIVE:
        antecedent = _antecedent(text, toks, src[0])
    participle = a > 0 and word.endswith(_PARTICIPLE_ENDINGS) and (
        toks[a - 1].text == "," or toks[a - 1].lower in _GERUND_OPENERS)
    shared = a > 0 and toks[a - 1].lower in ("and", "but") or participle
    if shared and (src is None or participle):
        # "..., adding that", "... by saying", "X mocked Y and said": the clause's subject
        if earlier:
            prev = earlier[-1]
            return _Found(prev.source, (toks[a].start, cue_end), _after_span(text, cue_end),
                          prev.antecedent)
        src = _clause_subject(toks, a)
    if src is None and a > 1 and toks[a - 1].lower == "to":
        src = _chain_subject(toks, a - 1)
    inverted = False
    if src is None and _may_invert(toks, a) and not (b < len(toks) and toks[b].lower in _PRONOUNS):
        src = _np_right(toks, b)  # ", said he was" is the content's subject, not an inversion
        inverted = src is not None
    if src is None:
        return _alone(text, toks, a, cue_end, score)
    source = _char_span(toks, *src)
    content = _content(text, toks, a, b, cue_end, src, inverted)
    return _Found(source, (toks[a].start, cue_end), content, antecedent)


_PARTICIPLES = frozenset("seen known shown told held thought given written heard".split())


def _passive(toks: list[Token], a: int, head: int) -> bool:
    """A passive cue ("was asked", "is widely seen"): a form of "be" in its verb group and a
    past participle as its head."""
    w = toks[head].lower
    return (w.endswith(("ed", "en")) or w in _PARTICIPLES) and w != "quoted" \
        and any(t.lower in _BE for t in toks[a:head])


_OBJECTS = frozenset("him her them us me".split())


def _chain_subject(toks: list[Token], to: int) -> tuple[int, int] | None:
    """The source of a cue in a verb chain: "Sanders has begun to rebut", "went on to
    explain", "moved to emphasize" take the subject of the first verb; "led her to declare",
    "urged them to say" take the object pronoun."""
    j = to - 1
    while j > 0 and toks[j].lower in ("on", "as", "far", "so", "up"):
        j -= 1  # "went on to", "went so far as to"
    t = toks[j]
    if t.lower in _OBJECTS:
        return (j, j + 1)
    if not t.text[:1].islower() or not t.text.isalpha() or t.lower in _FUNCTION \
            or t.lower in _PREPOSITIONS or t.lower in _DETERMINERS or j == 0:
        return None
    if toks[j - 1].lower in _DETERMINERS or toks[j - 1].lower in _PREPOSITIONS:
        return None  # "the decision to", "a plan to": a noun, not a verb
    return _np_left(toks, _extend_left(toks, j))


def _cue_end(text: str, toks: list[Token], b: int, word: str) -> int:
    """Where the cue ends in characters, taking a recipient and "in a statement" with it."""
    end = toks[b - 1].end
    if word in ("told", "tells", "tell", "telling"):
        m = _RECIPIENT_NAME.match(text, end)
        if m and not _after_is_verbish(text, m.end()):
            end = m.end()
        elif b < len(toks) and toks[b].lower in _RECIPIENTS:
            end = toks[b].end
    m = _STATEMENT.match(text, end)
    if m:
        end = m.end()
    return end


def _after_is_verbish(text: str, pos: int) -> bool:
    """A recipient name must not swallow the subject of the reported clause ("told X Y said")."""
    rest = text[pos:pos + 20].lstrip()
    return rest[:1] in ("'", "’") or rest.lower().startswith(("is ", "was ", "has ", "had "))


def _np_right(toks: list[Token], b: int) -> tuple[int, int] | None:
    """The noun phrase starting at token `b` (inverted subject, or after "according to")."""
    k = b
    while k < len(toks):
        t = toks[k]
        if t.text in _PUNCT_STOP or t.text in ".!?" or t.text in _QUOTES \
                or t.text in _OPEN_QUOTES or t.text in _CLOSE_QUOTES \
                or t.lower in _CLAUSE or t.lower in AUX or t.lower in _RELATIVE:
            break
        if k - b >= 12:
            return None
        k += 1
    if k == b or toks[b].lower in _TIME_WORDS or toks[b].lower in _PREPOSITIONS:
        return None
    if toks[b].lower in ("this", "the", "last", "next") and b + 1 < k \
            and toks[b + 1].lower in _TIME_WORDS:
        return None  # "said this week ...": a time adjunct, not an inverted subject
    return (b, k)


def _may_invert(toks: list[Token], a: int) -> bool:
    """", said a spokesman" or "“...,” said X": a cue right after punctuation or quote."""
    if a == 0:
        return True
    prev = toks[a - 1].text
    return prev in (",", ":") or prev in _QUOTES or prev in _CLOSE_QUOTES


_GERUND_OPENERS = frozenset("by before after while without when since in".split())
_CONJUNCTIONS = frozenset("but and so yet still now then".split())


def _clause_subject(toks: list[Token], a: int) -> tuple[int, int] | None:
    """The subject of the main clause before token `a`, for a participle that shares it
    ("Trump took a hard line, saying ...", "he showed his skill by joking that ...").

    Opening phrases that cannot be a subject ("In West Miami,", "Shortly after the vote,",
    "When asked,", a dateline) are skipped up to their comma."""
    s = 0
    while s < a:
        t = toks[s]
        if t.lower in _CONJUNCTIONS or _is_quote(t.text):
            s += 1
            continue
        if not (t.lower in _PREPOSITIONS or t.lower in _CLAUSE or t.lower in _RELATIVE
                or t.lower in _TIME_WORDS or t.lower.endswith(("ly", "ing", "ed"))
                or _dateline(toks, s)):
            break
        k = s + 1
        while k < a and toks[k].text not in (",", "-", "—", "–"):
            k += 1
        if k >= a:
            return None
        s = k + 1
    span = _np_from(toks, s, a)
    return span if span is not None and _is_subject(toks, *span) else None


def _dateline(toks: list[Token], s: int) -> bool:
    """"DES MOINES - ...", "(Reuters) - ...", "WASHINGTON, Dec. 8 (UPI) — ...": a place or
    agency up to a dash near the start."""
    k = s
    while k < len(toks) and k - s < 9 and (toks[k].text.isupper() or toks[k].text in "(),."
                                           or toks[k].text[:1].isdigit()
                                           or toks[k].text[:1].isupper() and k > s):
        k += 1
    return k > s and k < len(toks) and toks[k].text in ("-", "—", "–", "―")


def _np_from(toks: list[Token], s: int, a: int) -> tuple[int, int] | None:
    """The noun phrase opening at token `s`: a lone pronoun, or words up to the verb (an
    auxiliary, an -ed or -ly word, a lexicon word, or a lower-case word after a name)."""
    if s >= a:
        return None
    first = toks[s]
    if first.lower in _PRONOUNS:
        return (s, s + 1) if first.lower not in ("him", "her", "them") else None
    name = first.text[:1].isupper() and first.lower not in _DETERMINERS
    k = s + 1
    while k < a and k - s < 10:
        t = toks[k]
        if t.text in _PUNCT_STOP or t.text in ".!?" or _is_quote(t.text) or t.lower in AUX \
                or t.lower in NEG or t.lower in _CLAUSE or t.lower in _RELATIVE \
                or t.lower in ADVERBS:
            break
        if t.text[:1].islower() and (t.lower.endswith(("ed", "ly")) or in_lexicon(t.lower)
                                     or t.lower in _IRREGULAR_PAST
                                     or (name and t.lower not in _NAME_LINKS)):
            break
        k += 1
    return (s, k)


# Common irregular past tenses, which end a subject as "-ed" does ("The mayor met ...").
_IRREGULAR_PAST = frozenset("""
met won made took gave went came got saw held led left kept brought thought found became began
ran sent spent stood wrote spoke drew knew felt put set lost paid sold built fought struck hit
chose broke rose fell grew threw wore bore sought caught taught meant heard read sat
""".split())
_NAME_LINKS = frozenset("of for the and de al la van von bin".split())


def _antecedent(text: str, toks: list[Token], rel: int) -> str:
    """For "X, who said": the phrase X before the comma."""
    end = rel - 1 if rel > 0 and toks[rel - 1].text == "," else rel
    start = _segment_left(toks, end)
    if start is None:
        return ""
    while start < end - 1 and toks[start].lower in _PREPOSITIONS:
        start += 1  # "backed by Ann Weiss, who said": the antecedent is the name
    return text[toks[start].start:toks[end - 1].end]
