"""`/said NAME` and `/sources` in the interactive session, over `qa.said` like the CLI.

Kept apart from `qa.repl` so that the session's module stays one job: it hands the line's
argument here with the session's console, k and JSON switch.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from rich.console import Console
from rich.text import Text

from .index import Index
from .render import STYLES, safe
from .said import SaidError, said, source_names, sources
from .untrusted import dumps

SOURCES_SHOWN = 20


_ABOUT = re.compile(r"(?:^|\s)--about(?:\s|$)")  # a word of its own, perhaps last
_OPTION = re.compile(r"(?:^|\s)(--\w[\w-]*)")


def said_command(index: Index, console: Console, arg: str, k: int, as_json: bool) -> None:
    """`/said NAME [--about WORDS]`: the source's statements, newest first (or best first)."""
    found = _ABOUT.search(arg)
    name, about = (arg[:found.start()], arg[found.end():]) if found else (arg, "")
    unknown = _OPTION.search(name)  # "/said X --since 2017" looked for a source of that name
    if unknown:
        _say(console, f"/said has no option {safe(unknown.group(1))!r}; it takes NAME "
                      f"[--about WORDS]", error=True)
        return
    if not name.strip():
        _say(console, "/said needs a NAME, e.g. /said " + _example(index), error=True)
        return
    if found and not about.strip():
        _say(console, "/said NAME --about needs WORDS after it", error=True)
        return
    try:
        result = said(index, name.strip(), about=about.strip() or None, k=k)
    except SaidError as exc:
        _say(console, str(exc), error=True)
        return
    if not result.statements:
        what = "no source matches" if not result.sources else "no statement by"
        _say(console, f"{what} {safe(name.strip())!r}")
        return
    from .render_said import print_statement

    for statement in result.statements:
        if as_json:
            console.print(Text(dumps(statement.to_json(), indent=2)), soft_wrap=True)
        else:
            print_statement(console, statement)
    if result.total > len(result.statements):
        _say(console, f"showing {len(result.statements)} of {result.total} statements "
                      f"(/k N for more)")


def sources_command(index: Index, console: Console, arg: str, as_json: bool) -> None:
    """`/sources [WORDS]`: the sources, most statements first, or those that spoke about
    WORDS."""
    unknown = _OPTION.search(arg)
    if unknown:
        _say(console, f"/sources has no option {safe(unknown.group(1))!r}; it takes [WORDS]",
             error=True)
        return
    try:
        found = sources(index, about=arg or None)
    except SaidError as exc:
        _say(console, str(exc), error=True)
        return
    if not found:
        _say(console, f"no source spoke about {safe(arg)!r}" if arg else "no sources")
        return
    from .render_said import print_source

    for source in found[:SOURCES_SHOWN]:
        if as_json:
            console.print(Text(dumps(source.to_json())), soft_wrap=True)
        else:
            print_source(console, source)
    if len(found) > SOURCES_SHOWN:
        _say(console, f"… and {len(found) - SOURCES_SHOWN} more (qa sources lists them all)")


def said_completions(index: Index, arg: str) -> Iterator[tuple[str, int, str]]:
    """Source names holding the words typed so far (the last one as a prefix)."""
    if " --about " in arg:
        return
    for name in source_names(index, arg):
        if name != arg:
            yield name, -len(arg), "source"


def _example(index: Index) -> str:
    names = source_names(index, "", 1)
    return safe(names[0]) if names else "NAME"


def _say(console: Console, message: str, error: bool = False) -> None:
    console.print(Text(safe(message), style="bold red" if error else STYLES["meta"]))
