"""The `qa` command: a thin shell over `qa.api.ask` and the index.

Exit codes: 0 something matched (or the command succeeded, or the reader of a pipe went away),
1 nothing matched, 2 a usage or input error, 130 interrupted (Ctrl-C), 143 ended by SIGTERM
and 129 by SIGHUP (what qa was writing removed, as at Ctrl-C). Errors are one line on stderr,
never a traceback.
Heavy modules are imported inside the commands that need them, to keep start-up cheap.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path

from . import __version__
from .termination import signals_as_exit
from .untrusted import fit_streams_to_their_encoding

EXIT_OK, EXIT_NO_MATCH, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130

DESCRIPTION = """\
Answer questions about news articles, offline: the sentences that answer, best first, with
the answer marked and who said it.

examples:
  qa ask "how far from al-Mayadin?"        the 3 best sentences from ./seeds
  qa ask -k 5 --json "who said it?"        JSON for scripts
  qa said Observatory                      what a source said, newest first
  qa sources                               who speaks in the archive, and how often
  printf 'q1\\nq2\\n' | qa ask -             one question per line (JSON Lines with --json)
  qa index ~/wire --index ~/wire-index      index another corpus
  qa                                        interactive session (on a terminal)
  qa --index ~/wire-index                   ... on another index

The corpus defaults to ./seeds (or $QA_CORPUS) and the index to ./index (or $QA_INDEX).

output:
  on a terminal: wrapped to its width, in colour; in a pipe or file: plain text, one line
  per item (rules between batch answers as wide as $COLUMNS or 80); --json: JSON for scripts.
  colour: --color always|never wins, then NO_COLOR (no colour), then FORCE_COLOR (colour),
  else colour only on a terminal.

exit status:
  0 something matched (also when the reader of a pipe stops early, as with | head)
  1 nothing matched   2 usage or input error   130 interrupted (Ctrl-C)
  143 ended by SIGTERM, 129 by SIGHUP (as at Ctrl-C, what qa was writing is removed)
"""


class UsageError(Exception):
    pass


COMMANDS = ("ask", "said", "sources", "index", "sentences", "eval", "eval-attribution")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line; with `only`, just that command's part (quicker to build)."""
    parser = argparse.ArgumentParser(
        prog="qa", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"qa {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", prog="qa")

    where = argparse.ArgumentParser(add_help=False)
    where.add_argument("--index", metavar="DIR",
                       help="index folder (default: $QA_INDEX or ./index)")
    where.add_argument("--corpus", metavar="PATH", action="append",
                       help="article file or folder, repeatable (default: the index's corpus, "
                            "$QA_CORPUS or ./seeds)")
    color = argparse.ArgumentParser(add_help=False)
    color.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                       help="colour: always or never win over NO_COLOR and FORCE_COLOR; "
                            "auto (default) colours a terminal unless NO_COLOR is set")

    if only in (None, "ask"):
        p = sub.add_parser("ask", parents=[where, color], help="answer a question",
                           description="Answer QUESTION from the indexed articles. "
                                       "Use - to read one question per line from stdin.")
        p.add_argument("question", metavar="QUESTION", help="the question, or - for stdin")
        p.add_argument("-k", type=_positive, default=3, metavar="N",
                       help="how many sentences to show (default 3)")
        p.add_argument("--doc", metavar="ID", help="only sentences of this article")
        p.add_argument("--source", metavar="NAME",
                       help="only sentences attributed to a source matching NAME")
        p.add_argument("--json", action="store_true", help="one JSON object per question")
        p.add_argument("--explain", action="store_true",
                       help="show each ranking feature's share")

    if only in (None, "said", "sources"):
        from .said_cli import add_parsers

        add_parsers(sub, [where, color], _positive)

    if only in (None, "index"):
        p = sub.add_parser("index", parents=[where], help="build or update the index",
                           description="Build the index from PATHs (default: $QA_CORPUS or "
                                       "./seeds). An index of the same PATHs is updated: only "
                                       "new and changed articles are analysed.")
        p.add_argument("paths", nargs="*", metavar="PATH", help="article files or folders")
        p.add_argument("--fresh", action="store_true",
                       help="build from scratch instead of updating")

    if only in (None, "sentences"):
        p = sub.add_parser("sentences", parents=[where, color], help="list indexed sentences",
                           description="Every indexed sentence with its offsets and attributions.")
        p.add_argument("--doc", metavar="ID", help="only this article")
        p.add_argument("--json", action="store_true", help="JSON Lines")

    if only in (None, "eval"):
        p = sub.add_parser("eval", parents=[color], help="measure ranking on a question set",
                           description="P@1, MRR@5 and R@5 (MAP and MRR for WikiQA) of qa and of "
                                       "a naive BM25 reference over the same sentences; for "
                                       "SQuAD and JSON Lines also the answers marked in the top "
                                       "hit beside a sliding-window reference. FILE is "
                                       "JSON Lines ({\"question\", \"answers\", \"doc\"?}, "
                                       "asked of the index; \"answers\": [] for a question "
                                       "whose article does not answer it: nothing should be "
                                       "marked), SQuAD JSON or the WikiQA TSV (their "
                                       "articles are indexed in a temporary folder).")
        p.add_argument("file", metavar="FILE", type=Path)
        p.add_argument("--index", metavar="DIR",
                       help="for JSON Lines: the index to ask; for SQuAD/WikiQA: where to build")
        p.add_argument("--json", action="store_true", help="print the figures as JSON")

    if only in (None, "eval-attribution"):
        p = sub.add_parser("eval-attribution", help="score attribution against brat annotations",
                           description="Precision, recall and F1 for Source, Cue and Content, "
                                       "with token-overlap and exact matching, against a folder "
                                       "laid out like PolNeAR (text/, attributions/); then "
                                       "per source, recall and precision of 'qa said' beside "
                                       "a grep of the name in sentences with a verb of saying.")
        p.add_argument("folder", metavar="DIR", type=Path)
        p.add_argument("--show-errors", type=_positive, default=0, metavar="N",
                       help="print N missed or spurious spans in context")
        p.add_argument("--top-sources", type=_positive, default=20, metavar="N",
                       help="per-source measure of 'qa said' for the N most frequent gold "
                            "sources, beside a grep baseline (default 20)")
        p.add_argument("--json", action="store_true", help="print the figures as JSON")
    return parser


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def main(argv: list[str] | None = None) -> int:
    """Run one command line; the exit status. Ctrl-C and a closed pipe end it quietly."""
    # OpenBLAS (under numpy) reserves a buffer per core at import and, short of memory,
    # prints an error and exits 1 ("no match"); qa does no linear algebra, one thread will do.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    try:
        fit_streams_to_their_encoding()
        with signals_as_exit():  # a build ended by SIGTERM or SIGHUP removes its .build-*
            code = _main(sys.argv[1:] if argv is None else argv)
        if sys.stdout is not None:
            sys.stdout.flush()  # a full disk shows here, not at the interpreter's exit
        return code
    except UsageError as exc:
        _error(str(exc))
        return EXIT_ERROR
    except MemoryError:
        _error("out of memory (free some, or raise the limit: ulimit -v)")
        return EXIT_ERROR
    except ImportError as exc:  # a library that cannot be mapped, short of memory
        _error(f"cannot load {exc.name or 'a library'}: {str(exc).splitlines()[-1]}")
        return EXIT_ERROR
    except KeyboardInterrupt:
        _error("interrupted", prefix="qa: ")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`qa sentences | head -1`): stop quietly with success, as
        # ripgrep does.
        _drop_buffered_output()
        return EXIT_OK
    except OSError as exc:  # what the commands do not turn into QaError: writing the output
        _error(_os_error_message(exc))
        return EXIT_ERROR


def _os_error_message(exc: OSError) -> str:
    """An OSError no command caught, as one line. Without a file name it is standard output,
    most often a full disk (`qa ask - > answers.txt`): no traceback, no status 1."""
    import errno

    reason = exc.strerror or str(exc)
    if exc.filename:
        return f"{exc.filename}: {reason}"
    if exc.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EBADF):
        return reason
    _drop_buffered_output()
    return f"cannot write the output: {reason}"


def _drop_buffered_output() -> None:
    """What is still buffered for stdout goes to /dev/null: the last flush at exit must not
    fail again on a closed pipe or a full disk."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _main(argv: list[str]) -> int:
    session = _session_options(argv)
    if session is not None:  # `qa`, `qa -k 5`, `qa --index DIR`: no command
        if _isatty(sys.stdin) and _isatty(sys.stdout):
            return _run(_repl, session)
        argv = ["ask", "-", *argv]
    elif argv and argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version"):
        option = argv[0].split("=")[0]
        _error(f"{option} goes after a command, as in: qa ask {option} ... QUESTION "
               f"(see qa --help)")
        return EXIT_ERROR
    elif argv and not argv[0].startswith("-") and argv[0] not in COMMANDS:
        _error(_unknown_command(argv))
        return EXIT_ERROR
    parser = build_parser(argv[0] if argv and argv[0] in COMMANDS else None)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_ERROR
    command = {"ask": _ask, "said": _said, "sources": _sources, "index": _index,
               "sentences": _sentences,
               "eval": _eval, "eval-attribution": _eval_attribution}[args.command]
    return _run(command, args)


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _unknown_command(argv: list[str]) -> str:
    """"qa sentence" -> did you mean sentences; "qa how far?" -> how to ask it."""
    import difflib
    import shlex

    from .untrusted import one_line

    close = difflib.get_close_matches(argv[0], COMMANDS, n=1, cutoff=0.75)
    if close:
        hint = f"did you mean 'qa {close[0]}'?"
    else:
        hint = f"to ask it: qa ask {one_line(shlex.quote(' '.join(argv)), 120)}"
    return f"unknown command {one_line(argv[0], 60)!r}; {hint} (see qa --help)"


def _run(command, args) -> int:
    from .api import QaError

    try:
        return command(args)
    except (QaError, UsageError) as exc:
        _error(str(exc))
        return EXIT_ERROR


def _error(message: str, prefix: str = "qa: error: ") -> None:
    from .untrusted import visible

    with contextlib.suppress(OSError, ValueError):
        print(f"{prefix}{visible(message)}", file=sys.stderr, flush=True)


def _location(args):
    from .config import locate

    return locate(args.index, args.corpus)


def _console(args):
    from .render import make_console

    return make_console(color=getattr(args, "color", "auto"))


def _ask(args) -> int:
    from .api import ask, open_index
    from .untrusted import dumps, one_line

    if args.question == "-":
        if sys.stdin is None:  # `qa ask - <&-`
            raise UsageError("no standard input to read questions from (it is closed)")
        # (a file from Windows ends lines in CR LF: the CR was kept in the question)
        questions = (line.rstrip("\r\n") for line in sys.stdin)
        if _isatty(sys.stdin):  # `qa | tee log`: someone types, and no prompt is shown
            _error("type one question per line; Ctrl-D ends", prefix="qa: ")
    else:
        if not args.question.strip():
            raise UsageError("empty question")
        questions = iter([args.question])
    if args.source is not None and not args.source.strip():
        raise UsageError("empty source name for --source")  # as `qa said ""` says
    index = open_index(_location(args), complete=args.source is not None)
    if args.doc is not None and index.doc_number(args.doc) is None:
        raise UsageError(f"no article with id {one_line(args.doc, 120)!r} (see 'qa sentences')")
    console = None if args.json else _console(args)
    answered = asked = 0
    for question in questions:
        if not question.strip():
            continue
        asked += 1
        result = ask(question, k=args.k, doc=args.doc, source=args.source,
                     explain=args.explain, index=index)
        answered += bool(result.hits)
        if args.json:
            print(dumps(result.to_json()), flush=True)
        elif result.hits:
            from .render import print_answer, print_rule

            if args.question == "-":
                print_rule(console, one_line(question, 120))
            print_answer(console, result, explain=args.explain)
        else:
            from . import question as q

            why = f" ({q.UNSEARCHABLE})" if q.unsearchable(question, index.analyzer) else ""
            print(f"qa: no matching sentence for: {one_line(question)}{why}", file=sys.stderr)
    if asked == 0:
        raise UsageError("no question given on standard input")
    return EXIT_OK if answered else EXIT_NO_MATCH


def _eval(args) -> int:
    from .eval_cli import run_eval

    return run_eval(args, _console)


def _eval_attribution(args) -> int:
    from .eval_cli import run_eval_attribution

    return run_eval_attribution(args)


def _said(args) -> int:
    from .api import open_index
    from .said_cli import run_said

    index = open_index(_location(args), complete=True)
    return run_said(args, index, None if args.json else _console(args))


def _sources(args) -> int:
    from .api import open_index
    from .said_cli import run_sources

    index = open_index(_location(args), complete=True)
    return run_sources(args, index, None if args.json else _console(args))


def _index(args) -> int:
    from .index_cli import run_index

    return run_index(args, _location(args))


def _sentences(args) -> int:
    from .index_cli import run_sentences

    return run_sentences(args, _location(args), None if args.json else _console(args))


def _session_options(argv: list[str]) -> argparse.Namespace | None:
    """The options of a command line that names no command (those the session and
    `qa ask -` share: --index, --corpus, -k, --color), else None."""
    if any(word in COMMANDS for word in argv):
        return None
    parser = argparse.ArgumentParser(prog="qa", add_help=False, exit_on_error=False)
    parser.add_argument("--index")
    parser.add_argument("--corpus", action="append")
    parser.add_argument("-k", type=_positive, default=3)
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    try:
        known, rest = parser.parse_known_args(argv)
    except argparse.ArgumentError as exc:
        raise UsageError(str(exc)) from None
    return None if rest else known


def _repl(args) -> int:
    from .render import make_console
    from .repl import run

    return run(location=_location(args), console=make_console(color=args.color), k=args.k)


if __name__ == "__main__":
    sys.exit(main())
