"""What the README's pictures share: the seed indexed in a temporary folder, a recording rich
console drawn as a truecolor terminal, and the SVG written out. Each picture script prints
with qa's own code on that console, so the pictures show what qa prints today."""
from __future__ import annotations

import io
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.api import open_index  # noqa: E402
from qa.config import Location, locate  # noqa: E402
from qa.index import Index  # noqa: E402

SEED = ROOT / "seeds" / "000_c9ff2a859012aa2b.txt"
WIDTH = 100


@dataclass
class Stage:
    """The seed's index in `folder`, and the console a picture is recorded on."""

    folder: Path
    location: Location
    index: Index
    console: Console


@contextmanager
def seed_stage() -> Iterator[Stage]:
    with tempfile.TemporaryDirectory(prefix="qa-picture-") as tmp:
        seeds = Path(tmp) / "seeds"
        seeds.mkdir()
        shutil.copy(SEED, seeds)
        location = locate(index=str(Path(tmp) / "index"), corpus=[str(seeds)], env={})
        index = open_index(location, notify=lambda message: None)
        console = Console(record=True, width=WIDTH, file=io.StringIO(), force_terminal=True,
                          color_system="truecolor", highlight=False, emoji=False, markup=False)
        yield Stage(Path(tmp), location, index, console)


def write_svg(out: Path, svg: str) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(svg, encoding="utf-8")
    print(f"wrote {out}")
