"""What the interactive session does with each line typed: a question is answered as `qa ask`
answers it, a /command changes the session's state or shows the corpus.

`Session` holds the state (k, filters, output modes, the index) and handles one line at a
time, printing to a rich console, so it can be driven without a terminal; `qa.repl` wraps it
in a prompt. Article text is untrusted: it only ever reaches the screen as `rich.text.Text`
passed through `render.safe`, never as markup.
"""
from __future__ import annotations

import difflib
import threading

from rich.console import Console
from rich.text import Text

from .api import QaError, ask, open_index
from .config import Location, locate
from .index import Index
from .model import dateline as make_dateline
from .question import UNSEARCHABLE, unsearchable
from .render import STYLES, attribution_lines, print_answer, print_indented
from .render import safe, sentence_text
from .said_session import said_command, sources_command
from .untrusted import dumps

EXIT_OK, EXIT_ERROR = 0, 2
PROMPT = "qa> "
MAX_K = 100
DOCS_SHOWN = 100
CONTEXT = 2  # sentences shown either side by /show

COMMANDS = {
    "/help": ("", "this help"),
    "/k": ("N", "how many sentences to show"),
    "/source": ("NAME|off", "only sentences said by a source matching NAME"),
    "/doc": ("ID|off", "only sentences of this article"),
    "/docs": ("[TEXT]", "the articles, with date, dateline and sentence count"),
    "/said": ("NAME", "what a source said, newest first (NAME --about WORDS: best first)"),
    "/sources": ("[WORDS]", "the sources, most statements first (or those that spoke about it)"),
    "/show": ("DOC:N", "sentence N of article DOC, with its neighbours"),
    "/json": ("on|off", "answers as JSON"),
    "/explain": ("on|off", "show each ranking feature's share"),
    "/reindex": ("", "rebuild the index from the corpus"),
    "/quit": ("", "leave (or Ctrl-D)"),
}
_ALIASES = {"quit": "/quit", "exit": "/quit", "help": "/help", "?": "/help", "/exit": "/quit",
            "/q": "/quit", "/?": "/help", "/h": "/help"}
_ON, _OFF = ("on", "yes", "true", "1"), ("off", "no", "false", "0")


class Session:
    """The state of one interactive session and what each typed line does to it."""

    def __init__(self, index: Index, console: Console, location: Location | None = None) -> None:
        self.index, self.console, self.location = index, console, location
        self.k = 3
        self.doc: str | None = None
        self.source: str | None = None
        self.json = False
        self.explain = False
        self.running = True
        self.names = Names(index)

    # ------------------------------------------------------------------------ lines

    def handle(self, line: str) -> None:
        """Do what `line` asks: a command or a question. Never raises for anything typed."""
        line = line.strip()
        if not line:
            return
        try:
            word, _, rest = line.partition(" ")
            if word.lower() in _ALIASES and (word.startswith("/") or not rest.strip()):
                word = _ALIASES[word.lower()]  # "quit", "exit", "help" alone are commands
            if word.startswith("/"):
                self._command(word.lower(), rest.strip())
            else:
                self.question(line)
        except KeyboardInterrupt:
            self._say("interrupted")
        except QaError as exc:
            self._error(str(exc))
        except Exception as exc:  # a bug must not end the session with a traceback
            self._error(f"internal error: {type(exc).__name__}: {exc}")

    def question(self, text: str) -> None:
        self.names.asking.set()
        answer = ask(text, k=self.k, doc=self.doc, source=self.source, explain=self.explain,
                     index=self.index)
        if self.json:
            self.console.print(Text(json_text(answer.to_json())), soft_wrap=True)
        elif answer.hits:
            print_answer(self.console, answer, explain=self.explain)
        else:
            filters = self._filters()
            hint = f" ({', '.join(filters)}; /doc off, /source off to widen)" if filters else ""
            if unsearchable(text, self.index.analyzer):
                hint = f" ({UNSEARCHABLE})"
            self._say(f"no matching sentence{hint}")

    def _command(self, name: str, arg: str) -> None:
        handler = getattr(self, "_cmd_" + name[1:], None) if name in COMMANDS else None
        if handler is None:
            close = difflib.get_close_matches(name, COMMANDS, n=1)
            hint = f"did you mean {close[0]}? " if close else ""
            self._error(f"unknown command {safe(name)}; {hint}commands: {' '.join(COMMANDS)}")
            return
        if arg and not COMMANDS[name][0]:  # "/reindex now", "/quit please" did it anyway
            self._error(f"{name} takes nothing after it, not {safe(arg)!r}")
            return
        handler(arg)

    # --------------------------------------------------------------------- commands

    def _cmd_help(self, arg: str) -> None:
        self.console.print(Text("Type a question and press Enter. Commands:"))
        width = max(len(f"{c} {a}".strip()) for c, (a, _) in COMMANDS.items())
        for command, (args, text) in COMMANDS.items():
            usage = f"{command} {args}".strip()
            self.console.print(Text.assemble("  ", (usage.ljust(width), "bold"), "  ", text))
        self.console.print(Text(
            "Tab completes commands and the names in the articles; Up and Ctrl-R search the "
            "history; Right accepts a suggestion; Ctrl-C clears the line; Ctrl-D leaves.",
            style=STYLES["meta"]))

    def _cmd_k(self, arg: str) -> None:
        if not arg:
            self._say(f"k is {self.k}")
            return
        try:
            k = int(arg)
        except ValueError:
            k = 0
        if not 1 <= k <= MAX_K:
            self._error(f"/k needs a whole number from 1 to {MAX_K}, not {safe(arg)!r}")
            return
        self.k = k
        self._say(f"k is {k}: showing up to {k} sentence{'s' if k > 1 else ''}")

    def _cmd_source(self, arg: str) -> None:
        if not arg:
            self._say(f"source filter: {safe(self.source) if self.source else 'off'}")
        elif arg.lower() in _OFF:
            self.source = None
            self._say("source filter off")
        else:
            self.source = arg
            self._say(f"only sentences said by a source matching {safe(arg)!r}")

    def _cmd_said(self, arg: str) -> None:
        said_command(self.index, self.console, arg, self.k, self.json)

    def _cmd_sources(self, arg: str) -> None:
        sources_command(self.index, self.console, arg, self.json)

    def _cmd_doc(self, arg: str) -> None:
        if not arg:
            self._say(f"article filter: {self.doc or 'off'}")
        elif arg.lower() in _OFF:
            self.doc = None
            self._say("article filter off")
        else:
            found = self._find_doc(arg)
            if found is not None:
                self.doc = self.index.docs[found]["id"]
                self._say(f"only sentences of {safe(self.doc)}")

    def _cmd_docs(self, arg: str) -> None:
        wanted = arg.casefold()
        shown = total = 0
        for doc in self.index.docs:
            line = self._doc_line(doc)
            if wanted and wanted not in line.plain.casefold() \
                    and wanted not in str(doc.get("title", "")).casefold():
                continue
            total += 1
            if shown < DOCS_SHOWN:
                self.console.print(line)
                if doc.get("title"):
                    print_indented(self.console, Text(safe(str(doc["title"]))))
                shown += 1
        if total == 0:
            self._say(f"no article matches {safe(arg)!r}" if arg else "no articles")
        elif total > shown:
            self._say(f"… and {total - shown} more; narrow the list with /docs TEXT")

    def _cmd_show(self, arg: str) -> None:
        doc_id, sep, number = arg.rpartition(":")
        if not sep and self.doc and arg.isdigit():
            doc_id, number = self.doc, arg  # "/show 4" within the article filtered on
        if not doc_id or not number.strip().isdigit():
            self._error("/show needs DOC:N, e.g. /show "
                        f"{safe(self.index.docs[0]['id']) if len(self.index.docs) else 'ID'}:0")
            return
        found = self._find_doc(doc_id.strip())
        if found is None:
            return
        meta = self.index.docs[found]
        n, count = int(number), int(meta["count"])
        if n >= count:
            self._error(f"{safe(meta['id'])} has {count} sentence{'s' * (count != 1)}, "
                        f"numbered 0 to {count - 1}")
            return
        first = int(meta["first"])
        self.console.print(self._doc_line(meta))
        for j in range(max(0, n - CONTEXT), min(count, n + CONTEXT + 1)):
            sent = self.index.sentence(first + j)
            marker = ">" if j == n else " "
            style = "" if j == n else STYLES["meta"]
            self.console.print(Text.assemble((f"{marker} {j:>3}", STYLES["rank"]),
                                             (f"  [{sent.start}:{sent.end}]", STYLES["meta"])))
            if j == n:
                print_indented(self.console, sentence_text(sent.text, (), sent.attributions))
                dateline = make_dateline(meta.get("place", ""), meta.get("agency", ""))
                for line in attribution_lines(sent.attributions, dateline):
                    print_indented(self.console, line)
            else:
                print_indented(self.console, Text(safe(sent.text), style=style))

    def _cmd_json(self, arg: str) -> None:
        value = self._switch("/json", arg, self.json)
        if value is not None:
            self.json = value
            self._say(f"JSON {'on' if value else 'off'}")

    def _cmd_explain(self, arg: str) -> None:
        value = self._switch("/explain", arg, self.explain)
        if value is not None:
            self.explain = value
            self._say(f"explain {'on' if value else 'off'}")

    def _cmd_reindex(self, arg: str) -> None:
        location = self.location or locate()
        self.index = open_index(location, rebuild=True, notify=self._say, complete=True)
        self.names = Names(self.index)
        self.names.start()
        if self.doc is not None and self.index.doc_number(self.doc) is None:
            self._say(f"article {safe(self.doc)} is gone: article filter off")
            self.doc = None
        self._say(f"indexed {self.corpus_summary()}")

    def _cmd_quit(self, arg: str) -> None:
        self.running = False

    # ---------------------------------------------------------------------- helpers

    def banner(self) -> None:
        self.console.print(Text.assemble(
            ("qa", "bold"), f" · {self.corpus_summary()} in {safe(str(self.index.folder))}"))
        self.console.print(Text("Ask a question and press Enter. /help for commands, "
                                "Tab to complete, Ctrl-D to leave.", style=STYLES["meta"]))

    def corpus_summary(self) -> str:
        articles, sentences = len(self.index.docs), self.index.size
        return (f"{articles} article{'' if articles == 1 else 's'}, "
                f"{sentences} sentence{'' if sentences == 1 else 's'}")

    def toolbar(self) -> str:
        """The bottom toolbar: corpus, k and the filters in force."""
        parts = [self.corpus_summary(), f"k {self.k}"]
        parts += self._filters()
        parts += [m for m, on in (("json", self.json), ("explain", self.explain)) if on]
        return " " + " · ".join(parts) + "  —  /help"

    def _filters(self) -> list[str]:
        out = []
        if self.doc:
            out.append(f"doc {safe(self.doc)}")
        if self.source:
            out.append(f"source {safe(self.source)!r}")
        return out

    def _doc_line(self, doc: dict) -> Text:
        place = make_dateline(doc.get("place", ""), doc.get("agency", ""))
        line = Text(safe(str(doc["id"])))
        for extra in (doc.get("date", ""), place):
            if extra:
                line.append(f"  {safe(str(extra))}", STYLES["meta"])
        count = int(doc.get("count", 0))
        line.append(f"  {count} sentence{'' if count == 1 else 's'}", STYLES["meta"])
        return line

    def _find_doc(self, wanted: str) -> int | None:
        """The article number for an id or an unambiguous start of one; says why not."""
        exact = self.index.doc_number(wanted)
        if exact is not None:
            return exact
        starts = [d for d, doc in enumerate(self.index.docs) if doc["id"].startswith(wanted)]
        if len(starts) == 1:
            return starts[0]
        if starts:
            self._error(f"{safe(wanted)!r} starts {len(starts)} article ids; type more of it")
        else:
            self._error(f"no article with id {safe(wanted)!r} (see /docs)")
        return None

    def _switch(self, name: str, arg: str, current: bool) -> bool | None:
        if not arg:
            return not current
        if arg.lower() in _ON:
            return True
        if arg.lower() in _OFF:
            return False
        self._error(f"{name} takes on or off, not {safe(arg)!r}")
        return None

    def _say(self, message: str) -> None:
        self.console.print(Text(safe(message), style=STYLES["meta"]))

    def _error(self, message: str) -> None:
        self.console.print(Text(safe(message), style="bold red"))


def json_text(data) -> str:
    """Indented JSON; characters that could steer a terminal are escaped (still valid JSON)."""
    return dumps(data, indent=2)


# ------------------------------------------------------------------------------ names


class Names:
    """The names the index stored for completion (`qa.index.names`): looked up, never scanned."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self._sources: list[str] | None = None
        self.asking = threading.Event()  # set once a question is being answered

    def start(self) -> None:
        """Ready the first question while the user types it: the names were found when the
        index was built, so what is left is what a first question would otherwise pay for
        (numpy for a large index's common terms, the answer patterns compiled on first use),
        done in a thread so the prompt does not wait for it."""
        threading.Thread(target=warm_up, args=(self.index, self.asking), daemon=True,
                         name="qa-warm-up").start()

    @property
    def ready(self) -> bool:
        return True

    def names(self) -> list[tuple[str, str, int]]:
        return self.index.names.all()

    def sources(self) -> list[str]:
        if self._sources is None:
            self._sources = self.index.names.source_list()
        return self._sources

    def starting(self, prefix: str) -> list[tuple[str, int]]:
        """Names starting with `prefix` (ignoring case), most frequent first."""
        return self.index.names.starting(prefix)


def warm_up(index: Index, asking: threading.Event | None = None) -> None:
    """Load what a first question would: numpy for a large index's common terms, the ranking
    weights, the answer model and the answer patterns (compiled on first use). Once a
    question is being answered (`asking` set) the patterns are left to it: it compiles the
    one kind it asks for, and compiling the other eight here would only take the interpreter
    from it (the first answer after the prompt waits for what is already under way, numpy)."""
    from . import answer_spans, ranking
    from .api import shipped_model
    from .index import reader as index_module
    from .index.matches import numpy_module

    try:
        if index.postings_count_total() > index_module.PYTHON_POSTINGS:
            numpy_module()  # (with room for it checked, as the question path does)
        ranking.shipped_weights()
        shipped_model()
        for lazy in answer_spans._PATTERNS.values():
            if asking is not None and asking.is_set():
                return
            lazy.get()
    except Exception:  # the question itself will meet it and say what is wrong
        return
