"""Show answers laid out for where they go: a terminal (wrapped, coloured) or a pipe/file.

Article text is untrusted: it is always wrapped in `rich.text.Text` (never parsed as markup)
and passed through `safe` (`qa.untrusted.visible`), as is every metadata field shown, which
swaps control and bidirectional-override characters for visible stand-ins one for one, so
highlight offsets stay valid.
"""
from __future__ import annotations

import os
import sys
from typing import IO

from rich.console import Console
from rich.text import Text

from .model import Answer, Attribution, Hit
from .untrusted import visible

STYLES = {
    "rank": "bold",
    "meta": "dim",
    "match": "bold",
    "answer": "bold black on yellow",
    "source": "bold cyan",
    "cue": "italic magenta",
    "label": "dim",
}


def safe(text: str) -> str:
    """`text` with every character that could steer a terminal replaced by a visible one
    (the rule is `qa.untrusted.visible`)."""
    return visible(text)


# Where output goes decides its layout; `make_console` is the one place that decides it.
#   terminal: wrapped to the terminal's width (read at each print, so it follows resizes),
#             answer text under a 4-space margin, nothing padded; colour unless told not to.
#   pipe/file: plain text, one line per item, never padded; rules as wide as $COLUMNS or 80.
# Colour: --color always|never, else NO_COLOR (set and not empty: no colour), else
# FORCE_COLOR (set and not empty: colour), else colour only on a terminal.
INDENT = 4
STREAM_WIDTH = 80


def use_color(flag: str | bool | None, terminal: bool, env=None) -> bool:
    """Whether to colour: the flag wins, then NO_COLOR, then FORCE_COLOR, then the terminal."""
    if flag in ("always", True):
        return True
    if flag in ("never", False):
        return False
    env = os.environ if env is None else env
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR"):
        return True
    return terminal


def stream_width(env=None) -> int:
    """The width of rules in a pipe or file: $COLUMNS when it is a sane number, else 80."""
    env = os.environ if env is None else env
    columns = env.get("COLUMNS", "")
    return int(columns) if columns.isdigit() and 20 <= int(columns) <= 1000 else STREAM_WIDTH


def make_console(file: IO[str] | None = None, color: str | bool | None = None,
                 env=None) -> Console:
    """A console laid out for where `file` (default stdout) goes; `color` is the --color flag
    ("auto"/None, "always"/True, "never"/False)."""
    target = file if file is not None else sys.stdout
    try:
        terminal = target.isatty()
    except (AttributeError, ValueError, OSError):
        terminal = False
    colored = use_color(color, terminal, env)
    common = dict(file=file, highlight=False, emoji=False, markup=False, no_color=not colored,
                  color_system="auto" if colored else None, force_terminal=colored or terminal)
    if terminal:  # width None: rich asks the terminal at each print
        return _Console(**common, width=None, soft_wrap=False)
    return _Console(**common, width=stream_width(env), soft_wrap=True)


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """The reader went away: stop writing and let the caller's handler pick the exit
        status (rich's own handler exits 1, which a script would read as "no match")."""
        self.quiet = True
        raise BrokenPipeError


def is_stream(console: Console) -> bool:
    """True for a pipe or file console: lines are written whole, never wrapped or padded."""
    return console.soft_wrap


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
    """Wrapped at word boundaries under a 4-space margin on a terminal, to its width now;
    one line when the output is a pipe or file. Never padded with trailing blanks."""
    margin = Text(" " * INDENT)
    if is_stream(console):
        console.print(margin + text)
        return
    lines = text.wrap(console, max(console.width - INDENT, 10))
    for line in lines:
        line.rstrip()
    console.print(Text("\n").join(margin + line for line in lines), soft_wrap=True)


def print_rule(console: Console, title: str) -> None:
    """A rule with `title` (already made safe) between the answers of a batch."""
    console.rule(Text(title), style=STYLES["meta"])


def sentence_text(text: str, matched=(), attributions: list[Attribution] = (),
                  answer_span=None) -> Text:
    """The sentence with matched terms, source, cue and answer styled by offset."""
    out = Text(safe(text))
    for start, end in matched:
        out.stylize(STYLES["match"], start, end)
    for a in attributions:
        if a.source_span is not None:
            out.stylize(STYLES["source"], *a.source_span)
        if a.cue_span is not None:
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
    for extra in (safe(hit.date), safe(hit.dateline)):
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
    if explain and hit.candidate:
        lines.append(_answer_explain(hit.candidate))
    return lines


def _answer_explain(cand) -> Text:
    """The answer model's best span, its confidence, whether it is marked, and the runner-up."""
    best = cand.best
    out = Text.assemble(("answer model: ", STYLES["label"]), (safe(best.text), STYLES["meta"]),
                        (f"  confidence {best.confidence:.2f}", STYLES["meta"]),
                        ("" if cand.marked else " (below the threshold: not marked)",
                         STYLES["meta"]))
    if cand.runner_up:
        out.append_text(Text.assemble(("  runner-up: ", STYLES["label"]),
                                      (safe(cand.runner_up.text), STYLES["meta"])))
    return out


def attribution_lines(attributions: list[Attribution], dateline: str = "") -> list[Text]:
    """"said by: SOURCE (cue) = RESOLVED" for each attribution, or the reporter's voice."""
    if not attributions:
        agency = dateline[dateline.find("(") + 1:-1] if dateline.endswith(")") else ""
        voice = f"reporter's own voice ({safe(agency)})" if agency else "reporter's own voice"
        return [Text.assemble(("said by: ", STYLES["label"]), (voice, STYLES["meta"]))]
    lines = []
    for a in attributions:
        # a source span keeps an apposition's closing comma ("X, a war monitor, said"); the
        # line shows the phrase without it, followed by its cue in brackets
        name = safe(a.source).rstrip(",;: ")
        if name:
            who = (name, STYLES["source"])
        else:
            who = ("(unnamed)", STYLES["meta"])  # a cue whose source the text does not name
        line = Text.assemble(("said by: ", STYLES["label"]), who,
                             " (", (safe(a.cue), STYLES["cue"]), ")")
        if a.resolved_source != a.source:
            line.append(" = ")
            line.append(safe(a.resolved_source), STYLES["source"])
        lines.append(line)
    return lines
