"""Draw docs/said.svg, the README's picture of `qa said` and `qa sources` in a terminal.

The statements are printed by the commands' own code (`qa.said_cli` on a recording rich
console, as on a terminal), over an index of the seed built in a temporary folder, so the
picture shows what `qa said` prints today. Run it after changing the rendering or attribution:

    python scripts/said_picture.py [OUTPUT.svg]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.text import Text

from picture import ROOT, seed_stage, write_svg
from qa.said_cli import run_said, run_sources


def picture(out: Path) -> None:
    with seed_stage() as stage:
        console, index = stage.console, stage.index
        said = argparse.Namespace(name=["Observatory"], about=None, since=None, until=None,
                                  k=10, all=False, json=False)
        console.print(Text("$ qa said Observatory", style="bold"))
        run_said(said, index, console)
        console.print(Text("$ qa sources", style="bold"))
        run_sources(argparse.Namespace(about=None, k=None, json=False), index, console)
        svg = console.export_svg(title="qa said", unique_id="qa-said")
    write_svg(out, svg)


if __name__ == "__main__":
    picture(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "said.svg")
