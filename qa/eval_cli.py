"""`qa eval` and `qa eval-attribution`: thin shells over qa.evaluate and qa.attribution_eval.

Problems the user can fix are raised as `QaError` (the CLI prints one line, exit 2).
"""
from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from .api import QaError, open_index
from .config import locate
from .untrusted import dumps, visible


def run_eval(args, make_console) -> int:
    """`qa eval FILE`: the figures as a table, or JSON."""
    from .evaluate import EvalError, index_articles, load

    try:
        evalset = load(args.file)
    except EvalError as exc:
        raise QaError(str(exc)) from None
    if evalset.articles is not None and not args.index:
        # The set's own articles indexed in a scratch folder, removed afterwards.
        with tempfile.TemporaryDirectory(prefix="qa-eval-") as scratch:
            index = index_articles(evalset, Path(scratch))
            result = _evaluate(evalset, index)
            del index
    else:
        index = index_articles(evalset, _eval_folder(Path(args.index))) \
            if evalset.articles is not None else open_index(locate(args.index))
        result = _evaluate(evalset, index)
    if args.json:
        print(json.dumps(result))
    else:
        _print_eval(make_console(args), result)
        if "answers" in result:
            _print_answer_eval(make_console(args), result["answers"])
    return 0


def _eval_folder(folder: Path) -> Path:
    """`--index` for SQuAD or WikiQA: the folder `qa eval` writes the set's articles file and
    their index into, taken only when it is new, empty or made by qa before, so that no file
    of the user's there is overwritten (`--index .` overwrote ./squad-articles.jsonl)."""
    from .index import owned

    try:
        if not folder.exists():
            folder.mkdir(parents=True)
            owned.mark_made(folder)
            return folder
        if owned.is_made(folder):
            return folder
        if folder.is_dir() and not any(folder.iterdir()):
            owned.mark_made(folder)
            return folder
    except OSError as exc:
        raise QaError(f"cannot write in {folder}: {exc.strerror or exc}") from None
    raise QaError(f"{folder} is not a folder qa eval made (it holds files qa did not make); "
                  f"choose a new or empty folder with --index")


def _evaluate(evalset, index) -> dict:
    """Ranking figures; for SQuAD and JSON Lines also the answers marked (qa.answer_eval)."""
    from .evaluate import evaluate

    with _progress_bar() as progress:
        result = evaluate(evalset, index, progress=progress)
    if evalset.kind in ("squad", "jsonl"):
        from .answer_eval import evaluate_answers

        with _progress_bar("answers") as progress:
            result["answers"] = evaluate_answers(evalset, index, progress=progress)
    return result


def _print_answer_eval(console, answers: dict) -> None:
    """The answer table: qa's marked answers, its best span at threshold 0, the window."""
    from rich.table import Table

    table = Table(title="answers in the top hit (token F1 >= 0.5 counts as right)")
    table.add_column("measure")
    columns = (("qa (marked)", "marked"), ("qa, threshold 0", "threshold_0"),
               ("sliding window", "window"))
    for title, _ in columns:
        table.add_column(title, justify="right")
    for measure in answers["marked"]:
        if measure != "questions":
            table.add_row(measure, *(f"{answers[key][measure]:.3f}" for _, key in columns))
    console.print(table)
    unanswered = answers.get("no_answer")
    if unanswered and unanswered["questions"]:
        console.print(f"no-answer questions: {unanswered['questions']}, marked by qa "
                      f"{unanswered['marked']}, at threshold 0 {unanswered['threshold_0']}, "
                      f"by the window {unanswered['window']}")


def _print_eval(console, result: dict) -> None:
    from rich.table import Table

    apart = result.get("no_answer_questions")
    table = Table(title=f"{result['set']}: {result['qa']['questions']} questions, "
                        f"{result['sentences']} sentences"
                        + (f" ({apart} without an answer left out)" if apart else ""))
    table.add_column("metric")
    for name in ("qa", "naive", "difference"):
        table.add_column(name, justify="right")
    for metric in result["difference"]:
        table.add_row(metric, f"{result['qa'][metric]:.3f}", f"{result['naive'][metric]:.3f}",
                      f"{result['difference'][metric]:+.3f}")
    console.print(table)


def run_eval_attribution(args) -> int:
    """`qa eval-attribution DIR`: the report, or JSON."""
    from .attribution_eval import evaluate, format_report

    if not (args.folder / "text").is_dir() or not (args.folder / "attributions").is_dir():
        raise QaError(f"{args.folder}: needs text/ and attributions/ folders")
    from .source_eval import evaluate_sources, format_sources

    result = evaluate(args.folder, args.show_errors)
    per_source = evaluate_sources(args.folder, args.top_sources)
    if args.json:
        print(dumps({**result.to_json(), "per_source": per_source.to_json()}))
    else:
        report = format_report(result) + "\n\n" + format_sources(per_source)
        # the misses quote the articles, and sources and file names come from the folder:
        # each line shown by the untrusted rule
        print("\n".join(visible(line) for line in report.split("\n")))
    return 0


class _progress_bar:
    """A rich progress bar on stderr when it is a terminal and the work is large enough
    (`progress(done, total)` calls with `total` at least `minimum`)."""

    def __init__(self, label: str = "evaluating", minimum: int = 200) -> None:
        self.label, self.minimum = label, minimum

    def __enter__(self):
        self._bar = None
        if not sys.stderr.isatty():
            return None
        from rich.console import Console
        from rich.progress import Progress

        self._bar = Progress(console=Console(stderr=True), transient=True)
        self._task = None
        self._bar.start()
        return self._update

    def _update(self, done: int, total: int) -> None:
        if total < self.minimum:
            return
        if self._task is None:
            self._task = self._bar.add_task(self.label, total=total)
        self._bar.update(self._task, completed=done)

    def __exit__(self, *exc):
        if self._bar is not None:
            self._bar.stop()
        return False
