"""SIGTERM and SIGHUP as a clean exit: what qa was writing is removed, as it is at Ctrl-C.

By default SIGTERM (`kill`) and SIGHUP (the terminal closed) end a process at once: a build's
`.build-*` staging folder, a temporary index, the terminal left in the session's raw mode all
stay. With the handler here they raise SystemExit (status 128 + the signal: 143, 129) in the
main thread instead, so every `finally`, `except BaseException` and exit handler runs, as a
KeyboardInterrupt makes them run at Ctrl-C.

Build workers must not keep such a handler: `qa.index.workers` sets both back to the default
in each, so a signal sent to the whole process group ends a worker at once (the build sees its
result pipe close) instead of running the build's clean-up in a forked copy.
"""
from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator

SIGNALS = (signal.SIGTERM, signal.SIGHUP)


def _exit(signum, frame) -> None:
    # A second signal while the first one's clean-up runs ends the process at once, as the
    # default would: the clean-up is bounded, and the sender asked twice.
    for number in SIGNALS:
        signal.signal(number, signal.SIG_DFL)
    sys.exit(128 + signum)


def exit_on_signals() -> list[int]:
    """SIGTERM and SIGHUP end qa through SystemExit from now on. Only from the main thread,
    and only for a signal no one else chose a handler for (nor ignored, as nohup does SIGHUP):
    the signals it was installed for."""
    if threading.current_thread() is not threading.main_thread():
        return []
    installed = [n for n in SIGNALS if signal.getsignal(n) is signal.SIG_DFL]
    for number in installed:
        signal.signal(number, _exit)
    return installed


@contextlib.contextmanager
def signals_as_exit() -> Iterator[None]:
    """`exit_on_signals` while the block runs, the previous handling restored after it (a
    program calling `qa.cli.main` keeps its own)."""
    installed = exit_on_signals()
    try:
        yield
    finally:
        for number in installed:
            if signal.getsignal(number) is _exit:
                signal.signal(number, signal.SIG_DFL)
