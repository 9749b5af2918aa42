"""Progress of long work on stderr, shown only once it has taken more than a second.

On a terminal one line is rewritten in place ("qa: indexing 37% (12 of 33 MB)") and erased at
the end; in a pipe or a log a plain line is written every few seconds, so a script's log shows
that a rebuild is under way without filling up. Quick work prints nothing.
"""
from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """`progress(done, total)` in bytes; use as a context manager so the line is cleared."""

    def __init__(self, label: str = "indexing", stream: TextIO | None = None,
                 delay: float = 1.0, every: float | None = None) -> None:
        self.label, self.delay = label, delay
        self.stream = stream or sys.stderr
        self.tty = _isatty(self.stream)
        self.every = every if every is not None else (0.2 if self.tty else 5.0)
        self.started = time.monotonic()
        self._last = None  # when a line was last written
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.started < self.delay:
            return
        if self._last is not None and now - self._last < self.every:
            return
        self._last = now
        share = f"{100 * done // total}% " if total else ""
        line = f"qa: {self.label} {share}({_mb(done)} of {_mb(total)} MB, " \
               f"{now - self.started:.0f} s)"
        self._write(line)

    def _write(self, line: str) -> None:
        try:
            if self.tty:
                self.stream.write("\r" + line + "\x1b[K")
            else:
                self.stream.write(line + "\n")
            self.stream.flush()
            self.shown = True
        except (OSError, ValueError):
            pass

    def __enter__(self) -> "Progress":
        self.started = time.monotonic()
        return self

    def __exit__(self, *exc) -> bool:
        if self.shown and self.tty:
            try:
                self.stream.write("\r\x1b[K")
                self.stream.flush()
            except (OSError, ValueError):
                pass
        return False


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f}" if n < 10e6 else f"{n / 1e6:.0f}"


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
