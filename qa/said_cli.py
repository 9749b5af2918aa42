"""`qa said` and `qa sources`: the command-line shells over `qa.said`.

Exit codes as for `qa ask`: 0 something listed, 1 nothing matched, 2 a usage or input error.
"""
from __future__ import annotations

import argparse
import sys

from .untrusted import dumps, one_line


SAID_HELP = """\
List what a source said across the archive: the statements whose source (or the name a
pronoun or short form resolved to) holds every word of NAME, case-insensitive, newest first.

examples:
  qa said Observatory                       "The Observatory", "it", and the full name
  qa said Hezbollah --about "10 km"         best first by BM25 over the reported content
  qa said "military source" --since 2017-10 --json
"""


def add_parsers(sub, parents: list, positive) -> None:
    """The `said` and `sources` subcommands (parents: --index/--corpus and --color)."""
    p = sub.add_parser("said", parents=parents, help="what a source said, newest first",
                       description=SAID_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("name", nargs="+", metavar="NAME", help="the source's name or part of it")
    p.add_argument("--about", metavar="WORDS",
                   help="only statements whose content holds WORDS, best first")
    p.add_argument("--since", metavar="DATE", help="from this date (YYYY-MM-DD, YYYY-MM, YYYY)")
    p.add_argument("--until", metavar="DATE", help="up to this date, inclusive")
    p.add_argument("-k", type=positive, default=10, metavar="N",
                   help="how many statements to show (default 10)")
    p.add_argument("--all", action="store_true", help="show every statement")
    p.add_argument("--json", action="store_true", help="JSON Lines, one statement per line")

    p = sub.add_parser("sources", parents=parents, help="the archive's sources",
                       description="The sources of the archive with their aliases merged, most "
                                   "statements first, with their statement counts and dates.")
    p.add_argument("--about", metavar="WORDS",
                   help="only sources that spoke about WORDS, most such statements first")
    p.add_argument("-k", type=positive, default=None, metavar="N",
                   help="how many sources to show (default all)")
    p.add_argument("--json", action="store_true", help="JSON Lines, one source per line")


def run_said(args, index, console) -> int:
    """Print the statements; 1 when none matched."""
    from .said import SaidError, parse_date, said

    name = " ".join(args.name)
    try:
        since = _date(parse_date, "--since", args.since)
        until = _date(parse_date, "--until", args.until, end=True)
        if since and until and since > until:  # nothing could match: a slip, not "no match"
            raise SaidError(f"--since {args.since} is after --until {args.until}")
        result = said(index, name, about=args.about, since=since, until=until,
                      k=None if args.all else args.k)
    except SaidError as exc:
        raise _usage(str(exc)) from None
    for statement in result.statements:
        if args.json:
            print(dumps(statement.to_json()), flush=True)
        else:
            from .render_said import print_statement

            print_statement(console, statement)
    if not result.statements:
        what = "no source matches" if not result.sources else "no statement of a source matching"
        print(f"qa: {what} {_quoted(name)}", file=sys.stderr)
        return 1
    shown = len(result.statements)
    if shown < result.total and not args.json and sys.stdout.isatty():
        print(f"qa: showing {shown} of {result.total} statements (-k N or --all for more)",
              file=sys.stderr)
    return 0


def run_sources(args, index, console) -> int:
    """Print the sources; 1 when there are none (or none spoke about WORDS)."""
    from .said import SaidError, sources

    try:
        found = sources(index, about=args.about, k=args.k)
    except SaidError as exc:
        raise _usage(str(exc)) from None
    for source in found:
        if args.json:
            print(dumps(source.to_json()), flush=True)
        else:
            from .render_said import print_source

            print_source(console, source)
    if not found:
        print("qa: no source" + (f" spoke about {_quoted(args.about)}" if args.about else
                                 " in the archive"), file=sys.stderr)
        return 1
    return 0


def _date(parse, flag: str, text: str | None, end: bool = False) -> int:
    from .said import SaidError

    try:
        return parse(text, end) if text is not None else 0
    except SaidError as exc:
        raise SaidError(f"{flag}: {exc}") from None


def _quoted(text: str) -> str:
    return repr(one_line(text))


def _usage(message: str) -> Exception:
    from .api import QaError  # the CLI reports it as a usage error (exit 2)

    return QaError(message)
