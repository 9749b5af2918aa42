"""Show answers on a terminal with rich, or as plain text when piped.

Article text is untrusted: it is always wrapped in `rich.text.Text` (never parsed as markup)
and passed through `safe`, which swaps control and bidirectional-override characters for
visible stand-ins one for one, so highlight offsets stay valid.
"""
from __future__ import annotations

import os
from typing import IO

from rich.console import Console
from rich.padding import Padding
from rich.text import Text

from .model import Answer, Attribution, Hit

STYLES = {
    "rank": "bold",
    "meta": "dim",
    "match": "bold",
    "answer": "bold black on yellow",
    "source": "bold cyan",
    "cue": "italic magenta",
    "label": "dim",
}
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_SAFE = {c: "\ufffd" for c in range(0x80, 0xa0)}
_SAFE.update({c: chr(0x2400 + c) for c in range(0x20)})  # control pictures: ␛ for ESC
_SAFE.update({0x7f: "\u2421", ord("\n"): " ", ord("\t"): " ", ord("\r"): " "})
_SAFE.update({ord(c): "\ufffd" for c in _BIDI})


def safe(text: str) -> str:
    """`text` with every character that could steer a terminal replaced by a visible one."""
    return text.translate(_SAFE)


def make_console(file: IO[str] | None = None, color: bool | None = None) -> Console:
    """Styled only on a terminal (or `color=True`) and never with NO_COLOR; else plain text."""
    plain = bool(os.environ.get("NO_COLOR")) or color is False
    console = Console(file=file, highlight=False, emoji=False, markup=False,
                      force_terminal=True if color and not plain else None)
    if plain or not console.is_terminal:
        console = Console(file=file, no_color=True, highlight=False, emoji=False,
                          markup=False, width=10_000, soft_wrap=True, color_system=None)
    return console


def print_answer(console: Console, answer: Answer, explain: bool = False) -> None:
    for hit in answer.hits:
        print_hit(console, hit, explain)


def print_hit(console: Console, hit: Hit, explain: bool = False) -> None:
    console.print(_header(hit))
    print_indented(console, sentence_text(hit.text, hit.matched, hit.attributions,
                                          hit.answer.span if hit.answer else None))
    for line in _notes(hit, explain):
        print_indented(console, line)
    console.print()


def print_indented(console: Console, text: Text) -> None:
    """Wrapped under a 4-space margin on a terminal; one plain line per item when piped."""
    if console.is_terminal:
        console.print(Padding(text, (0, 0, 0, 4)))
    else:
        console.print(Text("    ") + text)


def sentence_text(text: str, matched=(), attributions: list[Attribution] = (),
                  answer_span=None) -> Text:
    """The sentence with matched terms, source, cue and answer styled by offset."""
    out = Text(safe(text))
    for start, end in matched:
        out.stylize(STYLES["match"], start, end)
    for a in attributions:
        out.stylize(STYLES["source"], *a.source_span)
        out.stylize(STYLES["cue"], *a.cue_span)
    if answer_span:
        out.stylize(STYLES["answer"], *answer_span)
    return out


def _header(hit: Hit) -> Text:
    out = Text()
    out.append(f"{hit.rank:>2}", STYLES["rank"])
    out.append(f"  {hit.score:.3f}  ", STYLES["meta"])
    out.append(safe(hit.doc))
    out.append(f"  sentence {hit.sentence}", STYLES["meta"])
    for extra in (hit.date, safe(hit.dateline)):
        if extra:
            out.append(f"  {extra}", STYLES["meta"])
    return out


def _notes(hit: Hit, explain: bool) -> list[Text]:
    lines = []
    if hit.answer:
        lines.append(Text.assemble(("answer: ", STYLES["label"]),
                                   (safe(hit.answer.text), STYLES["answer"])))
    lines.extend(attribution_lines(hit.attributions, hit.dateline))
    if explain and hit.features:
        parts = "  ".join(f"{name} {value:+.3f}" for name, value in hit.features.items())
        lines.append(Text.assemble(("explain: ", STYLES["label"]), (parts, STYLES["meta"])))
    return lines


def attribution_lines(attributions: list[Attribution], dateline: str = "") -> list[Text]:
    """"said by: SOURCE (cue) = RESOLVED" for each attribution, or the reporter's voice."""
    if not attributions:
        agency = dateline[dateline.find("(") + 1:-1] if dateline.endswith(")") else ""
        voice = f"reporter's own voice ({safe(agency)})" if agency else "reporter's own voice"
        return [Text.assemble(("said by: ", STYLES["label"]), (voice, STYLES["meta"]))]
    lines = []
    for a in attributions:
        if a.source:
            who = (safe(a.source), STYLES["source"])
        else:
            who = ("(unnamed)", STYLES["meta"])  # a cue whose source the text does not name
        line = Text.assemble(("said by: ", STYLES["label"]), who,
                             " (", (safe(a.cue), STYLES["cue"]), ")")
        if a.resolved_source != a.source:
            line.append(" = ")
            line.append(safe(a.resolved_source), STYLES["source"])
        lines.append(line)
    return lines
