"""Worker processes for a build, each with a task queue and a result pipe of its own.

multiprocessing.Pool shares one task queue, and its lock, among its workers. A worker that
died while it waited for a task (a SIGTERM sent to the whole process group, as timeout(1) and
service managers send it; the OOM killer) held that lock for ever, and the pool's terminate()
waited for it: a build ended by such a signal hung instead of ending. A worker that died on a
task left its result missing, and the build waited for it for ever. Here no lock is shared: a
worker's death closes its result pipe, which the build reads as `WorkerDied`, and ending the
workers is a SIGKILL and a join.

Workers ignore Ctrl-C (the build's process ends them) and take SIGTERM and SIGHUP by default
(a handler forked from the build's process, which turns them into SystemExit, is not kept); a
worker ends with the build if the build is killed (Linux: PR_SET_PDEATHSIG).
"""
from __future__ import annotations

import contextlib
import gc
import os
import signal
import threading
from collections.abc import Callable
from typing import Any

_HELD = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}


class WorkerDied(OSError):
    """A worker ended without giving its result (killed, or out of memory)."""


class Workers:
    """`count` processes; `submit(n, func, *args)` queues a call for worker n, `result(n)`
    gives worker n's results in the order its calls were queued. Leaving the block ends the
    workers: at once (SIGKILL) when it is left by an exception, else when they are idle."""

    def __init__(self, count: int, method: str | None = None) -> None:
        import multiprocessing

        # fork is quick; with other threads running (the REPL's) a fresh interpreter is safer
        if method is None:
            method = "fork" if threading.active_count() == 1 and os.name == "posix" \
                else "spawn"
        context = multiprocessing.get_context(method)
        self.processes: list = []
        self.tasks: list = []
        self.results: list = []
        # Signals are held back while workers start: they inherit that (through spawn's exec
        # too) and put their own handling in place before they let them through.
        # A signal that came meanwhile is raised as they are let through: inside the `try`,
        # so the workers started are ended (else they waited for tasks while the process
        # lived on, as the session does after Ctrl-C).
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
        try:
            try:
                for _ in range(count):
                    self._start(context)
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        except BaseException:
            self.close(kill=True)
            raise

    def _start(self, context) -> None:
        tasks = context.Queue()  # a put never blocks: a thread feeds the pipe
        reader, writer = context.Pipe(duplex=False)
        self.tasks.append(tasks)
        self.results.append(reader)
        try:
            process = context.Process(target=_serve, args=(tasks, writer, os.getpid()),
                                      daemon=True, name="qa-build-worker")
            self.processes.append(process)
            process.start()
        finally:
            writer.close()  # the worker's copy alone: its end closes the pipe

    def submit(self, worker: int, func: Callable, *args: Any) -> None:
        self.tasks[worker].put((func, args))

    def result(self, worker: int) -> Any:
        """Worker `worker`'s next result; its exception is raised here."""
        try:
            ok, value = self.results[worker].recv()
        except (EOFError, OSError):
            raise WorkerDied(0, "a build worker ended without its result (killed, or out "
                                "of memory?)") from None
        if not ok:
            raise value
        return value

    def close(self, kill: bool) -> None:
        for process, tasks in zip(self.processes, self.tasks):
            if kill:
                with contextlib.suppress(OSError, ValueError, AttributeError):
                    process.kill()
                tasks.cancel_join_thread()  # what is left for a dead worker is dropped
            else:
                tasks.put(None)
        for process in self.processes:
            with contextlib.suppress(AssertionError):  # (one that never started)
                process.join()
        for tasks in self.tasks:
            tasks.close()
        for reader in self.results:
            reader.close()

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        self.close(kill=exc_type is not None)


def _serve(tasks, results, parent: int) -> None:
    """A worker: calls from `tasks` until None, each result (or exception) sent back."""
    _worker_start(parent)
    while True:
        task = tasks.get()
        if task is None:
            return
        func, args = task
        try:
            reply = (True, func(*args))
        except Exception as exc:  # raised in the build, by `result`
            reply = (False, exc)
        try:
            results.send(reply)
        except Exception as exc:  # (pickled before anything is written: the pipe stays whole)
            # a value that cannot be pickled: the worker printed a traceback and ended, and
            # the build blamed the OOM killer
            results.send((False, WorkerDied(0, f"a build worker could not pass its result "
                                               f"back ({type(exc).__name__}: {exc})")))


def _worker_start(parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # also drops one held back at the start
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if signal.getsignal(signal.SIGHUP) is not signal.SIG_IGN:  # (ignored under nohup)
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)
    gc.disable()
    with contextlib.suppress(Exception):  # Linux: end with the build if it is killed
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(0)
