"""Where the corpus and the index are: flags first, then environment, then the current folder."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

CORPUS_ENV = "QA_CORPUS"
INDEX_ENV = "QA_INDEX"
DEFAULT_CORPUS = "seeds"
DEFAULT_INDEX = "index"


@dataclass(frozen=True)
class Location:
    """The index folder, and the corpus when the user named one (None: the index's own)."""

    index: Path
    corpus: tuple[Path, ...] | None = None


def locate(index: str | None = None, corpus: list[str] | None = None,
           env: dict[str, str] | None = None) -> Location:
    env = os.environ if env is None else env
    folder = Path(index or env.get(INDEX_ENV) or DEFAULT_INDEX)
    paths = corpus or [p for p in env.get(CORPUS_ENV, "").split(os.pathsep) if p]
    return Location(folder, tuple(Path(p) for p in paths) if paths else None)


def default_corpus() -> tuple[Path, ...] | None:
    """`seeds/` in the current folder, if there is one."""
    path = Path(DEFAULT_CORPUS)
    return (path,) if path.is_dir() else None


NO_CORPUS_HELP = (f"no articles to search: put articles (.txt, .md, .jsonl, .sgm, .html) in "
                  f"./{DEFAULT_CORPUS}, or run 'qa index PATH', or set {CORPUS_ENV}")
