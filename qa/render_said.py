"""Show `qa said` statements and `qa sources` rows with rich, or as plain lines when piped.

Same rules as answers (`qa.render`): article text is never parsed as markup and goes through
`safe` first; colour only where `make_console` allows it.
"""
from __future__ import annotations

from rich.console import Console
from rich.text import Text

from .render import STYLES, attribution_lines, print_indented, safe
from .said import SourceSummary, Statement

CONTENT_STYLE = "green"


def statement_text(statement: Statement) -> Text:
    """The sentence with the source, cue and reported content styled by offset."""
    a = statement.attribution
    out = Text(safe(statement.text))
    if a.content_span is not None:
        out.stylize(CONTENT_STYLE, *a.content_span)
    if a.source_span is not None:
        out.stylize(STYLES["source"], *a.source_span)
    if a.cue_span is not None:
        out.stylize(STYLES["cue"], *a.cue_span)
    return out


def print_statement(console: Console, statement: Statement) -> None:
    """Date, dateline, article and sentence number; the sentence; who said it."""
    header = Text()
    header.append(safe(statement.date) or "(no date)", STYLES["rank"])
    if statement.dateline:
        header.append(f"  {safe(statement.dateline)}", STYLES["meta"])
    header.append(f"  {safe(statement.doc)}")
    header.append(f"  sentence {statement.sentence}", STYLES["meta"])
    if statement.score is not None:
        header.append(f"  {statement.score:.3f}", STYLES["meta"])
    console.print(header)
    print_indented(console, statement_text(statement))
    for line in attribution_lines([statement.attribution], statement.dateline):
        print_indented(console, line)
    console.print()


def print_source(console: Console, source: SourceSummary) -> None:
    """"  3  2017-10-06..2017-10-06  Syrian Observatory for Human Rights  (also: ...)"."""
    line = Text()
    line.append(f"{source.statements:>6}", STYLES["rank"])
    if source.about is not None:
        line.append(f" {source.about:>5} about", STYLES["meta"])
    dates = (source.first if source.first == source.last
             else f"{source.first}..{source.last}") or "(no date)"
    line.append(f"  {safe(dates):<22}  ", STYLES["meta"])
    line.append(safe(source.name), STYLES["source"])
    others = [alias for alias in source.aliases if _bare(alias) != _bare(source.name)]
    if others:
        shown = "; ".join(safe(alias) for alias in others[:3])
        more = f" and {len(others) - 3} more" if len(others) > 3 else ""
        line.append(f"  (also: {shown}{more})", STYLES["meta"])
    console.print(line)


def _bare(name: str) -> str:
    return name.casefold().removeprefix("the ").removeprefix("a ").removeprefix("an ")
