"""SIGTERM as a clean exit: what qa was writing is removed, as it is at Ctrl-C.

By default SIGTERM ends a process at once: a build's `.build-*` staging folder, a temporary
index, the terminal left in the session's raw mode all stay. With the handler here it raises
SystemExit (status 143, 128 + 15) in the main thread instead, so every `finally`, `except
BaseException` and exit handler runs, as a KeyboardInterrupt makes them run at Ctrl-C.

Build workers must not keep such a handler: `qa.index.analysis` sets SIGTERM back to the
default in each (the pool ends them with SIGTERM, and a worker that caught it while holding the
task queue's lock made the pool wait for ever).
"""
from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator


def _exit(signum, frame) -> None:
    # A second SIGTERM while the first one's clean-up runs ends the process at once, as the
    # default would: the clean-up is bounded, and the sender asked twice.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    sys.exit(128 + signum)


def exit_on_sigterm() -> bool:
    """SIGTERM ends qa through SystemExit from now on. Only from the main thread, and only
    where no one else chose a handler (nor ignored SIGTERM): whether it was installed."""
    if threading.current_thread() is not threading.main_thread() \
            or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        return False
    signal.signal(signal.SIGTERM, _exit)
    return True


@contextlib.contextmanager
def sigterm_as_exit() -> Iterator[None]:
    """`exit_on_sigterm` while the block runs, the previous handling restored after it (a
    program calling `qa.cli.main` keeps its own)."""
    installed = exit_on_sigterm()
    try:
        yield
    finally:
        if installed and signal.getsignal(signal.SIGTERM) is _exit:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
