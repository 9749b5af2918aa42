"""Draw docs/said.svg, the README's picture of `qa said` and `qa sources` in a terminal.

The statements are printed by the commands' own code (`qa.said_cli` on a recording rich
console, as on a terminal), over an index of the seed built in a temporary folder, so the
picture shows what `qa said` prints today. Run it after changing the rendering or attribution:

    python scripts/said_picture.py [OUTPUT.svg]
"""
from __future__ import annotations

import argparse
import io
import shutil
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.text import Text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.api import open_index  # noqa: E402
from qa.config import locate  # noqa: E402
from qa.said_cli import run_said, run_sources  # noqa: E402

SEED = ROOT / "seeds" / "000_c9ff2a859012aa2b.txt"
WIDTH = 100


def picture(out: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="qa-picture-") as tmp:
        seeds = Path(tmp) / "seeds"
        seeds.mkdir()
        shutil.copy(SEED, seeds)
        location = locate(index=str(Path(tmp) / "index"), corpus=[str(seeds)], env={})
        index = open_index(location, notify=lambda message: None)
        console = Console(record=True, width=WIDTH, file=io.StringIO(), force_terminal=True,
                          color_system="truecolor", highlight=False, emoji=False, markup=False)
        said = argparse.Namespace(name=["Observatory"], about=None, since=None, until=None,
                                  k=10, all=False, json=False)
        console.print(Text("$ qa said Observatory", style="bold"))
        run_said(said, index, console)
        console.print(Text("$ qa sources", style="bold"))
        run_sources(argparse.Namespace(about=None, k=None, json=False), index, console)
        svg = console.export_svg(title="qa said", unique_id="qa-said")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(svg, encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    picture(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "said.svg")
