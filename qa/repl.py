"""The interactive session on a terminal: `qa` with no arguments.

A prompt (prompt-toolkit) with history kept across sessions, Ctrl-R search, suggestions from
history and completion of commands and of the names written in the corpus; each line goes to
a `qa.session.Session`, which prints answers exactly as `qa ask` prints them. This module is
the terminal's part: completion, history and the prompt loop.
"""
from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

from rich.console import Console
from rich.text import Text

from .api import QaError, open_index
from .config import Location, locate
from .render import STYLES, make_console, safe
from .said_session import said_completions
from .session import COMMANDS, EXIT_ERROR, EXIT_OK, MAX_K, PROMPT, Names, Session


# -------------------------------------------------------------------------- completion


def _completer(session: Session):
    from prompt_toolkit.completion import Completer, Completion

    class SessionCompleter(Completer):
        """Commands and their arguments after "/", names from the corpus elsewhere."""

        def get_completions(self, document, complete_event):
            try:
                found = list(itertools.islice(self._found(
                    document.text_before_cursor, complete_event.completion_requested), 50))
            except Exception:  # a completion bug must not disturb the prompt
                return
            for value, start, meta in found:  # ids and names come from the articles
                yield Completion(value, start_position=start, display=safe(value),
                                 display_meta=safe(meta))

        def _found(self, text, asked):
            if text.lstrip().startswith("/"):
                return command_completions(session, text.lstrip())
            if not asked and not session.names.ready:
                return ()  # never make typing wait for the names
            return name_completions(session.names, text, asked)

    return SessionCompleter()


def command_completions(session: Session, text: str) -> Iterator[tuple[str, int, str]]:
    """(completion, start position, meta) for a line starting with "/"."""
    word, space, arg = text.partition(" ")
    if not space:
        for command, (args, help_text) in COMMANDS.items():
            if command.startswith(word.lower()) and command != word:
                yield command, -len(word), help_text
        return
    command = word.lower()
    arg = arg.lstrip()
    if command in ("/json", "/explain"):
        options = ["on", "off"]
    elif command == "/doc":
        options = [doc["id"] for doc in session.index.docs] + ["off"]
    elif command == "/show":
        options = [doc["id"] + ":" for doc in session.index.docs]
    elif command == "/source":
        options = session.names.sources() + ["off"]
    elif command == "/said":
        yield from said_completions(session.index, arg)
        return
    else:
        return
    folded = arg.casefold()
    for option in options:
        if option.casefold().startswith(folded) and option != arg:
            yield option, -len(arg), ""


def name_completions(names: Names, text: str, asked: bool = True,
                     words: int = 6) -> Iterator[tuple[str, int, str]]:
    """Names that the end of `text` begins, longest fragment first.

    While typing (not `asked` with Tab), a fragment must be 3 characters or more and start
    with the same case as the name, so common words do not pop up a menu.
    """
    starts = [i for i in range(len(text)) if not text[i].isspace()
              and (i == 0 or text[i - 1].isspace() or text[i - 1] in "“\"‘'(")]
    seen: set[str] = set()
    for start in starts[-words:]:
        fragment = text[start:]
        if len(fragment.strip()) < (2 if asked else 3):
            continue
        for name, count in names.starting(fragment):
            if name in seen or name == fragment:
                continue
            if not asked and name[0].isupper() != fragment[0].isupper():
                continue
            seen.add(name)
            yield name, -len(fragment), f"{count}×"


# ------------------------------------------------------------------------------ prompt


def history_file(env: dict[str, str] | None = None) -> Path:
    """$XDG_STATE_HOME/qa/history, or ~/.local/state/qa/history."""
    env = os.environ if env is None else env
    state = env.get("XDG_STATE_HOME", "")
    base = Path(state) if state and Path(state).is_absolute() else \
        Path.home() / ".local" / "state"
    return base / "qa" / "history"


def _history(console: Console):
    from prompt_toolkit.history import FileHistory, InMemoryHistory

    path = history_file()
    warned = []

    def warn(exc: OSError) -> None:
        if not warned:
            warned.append(True)
            console.print(Text(f"qa: history will not be kept: cannot write {safe(str(path))} "
                               f"({safe(exc.strerror or str(exc))})", style=STYLES["meta"]))

    class QuietFileHistory(FileHistory):
        """FileHistory that goes on in memory when the file cannot be written, saying so once."""

        def store_string(self, string: str) -> None:
            try:
                super().store_string(string)
            except OSError as exc:
                warn(exc)

        def load_history_strings(self):
            try:
                yield from super().load_history_strings()
            except (OSError, ValueError):
                return

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "ab"):
            pass
    except OSError as exc:
        warn(exc)
        return InMemoryHistory()
    return QuietFileHistory(str(path))


def run(input=None, output=None, *, console: Console | None = None,
        location: Location | None = None, k: int = 3) -> int:
    """The session: banner, then prompt and answer until Ctrl-D or /quit. The exit code."""
    console = console or make_console()
    location = location or locate()
    try:
        index = open_index(location, notify=lambda m: console.print(Text(safe(m), style="dim")),
                           complete=True)
    except QaError as exc:
        console.print(Text(f"qa: error: {safe(str(exc))}"))
        return EXIT_ERROR
    session = Session(index, console, location)
    session.k = min(k, MAX_K)
    session.banner()
    prompt = make_prompt(session, _history(console), input, output)
    # What the first question needs (numpy, patterns, the answer model) is readied in a thread
    # while the user types it. Started before the prompt is built it would show the first
    # answer sooner after the prompt, but the prompt ~0.45 s later and the first answer later
    # in all (bench_archive at 1e6, load 5.5: prompt 541 -> 1000 ms, answer 212 -> 35-65 ms)
    session.names.start()
    while session.running:
        try:
            line = prompt.prompt()
        except KeyboardInterrupt:
            continue  # Ctrl-C: the line is dropped, a fresh prompt follows
        except EOFError:
            break
        session.handle(line)
    return EXIT_OK


def make_prompt(session: Session, history, input=None, output=None):
    """The prompt of `session` (prompt-toolkit), with `history`: built once per session."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
    from prompt_toolkit.filters import Condition

    return PromptSession(
        PROMPT, input=input, output=output, history=history,
        auto_suggest=AutoSuggestFromHistory(), completer=_completer(session),
        complete_while_typing=Condition(lambda: True), bottom_toolbar=session.toolbar,
        enable_history_search=False, mouse_support=False, input_processors=[_visible_line()],
        color_depth=_color_depth(session.console))


def _color_depth(console: Console):
    """The prompt's colours (menu, suggestions) as the console's: one decision for the
    session, made by `make_console` from --color, NO_COLOR, FORCE_COLOR and the terminal
    (`qa --color never` drew a coloured menu; `--color always` under NO_COLOR a plain one)."""
    from prompt_toolkit.output import ColorDepth

    return ColorDepth.DEPTH_8_BIT if console.color_system else ColorDepth.MONOCHROME


def _visible_line():
    """The line being edited drawn by the untrusted rule: an id with U+202E completed from
    the articles, or pasted, must not reorder the line, nor a zero-width space hide in it.
    The stand-ins are one character each, so the cursor stays where the text is."""
    from prompt_toolkit.layout.processors import Processor, Transformation

    class VisibleLine(Processor):
        def apply_transformation(self, ti):
            return Transformation([(style, safe(text), *rest)
                                   for style, text, *rest in ti.fragments])

    return VisibleLine()
