"""Draw docs/session.svg, the README's picture of an interactive `qa` session.

The answer is printed by the session itself (qa.session.Session on a recording rich console),
so the picture shows what `qa` prints today. Run it after changing the rendering or ranking:

    python scripts/session_picture.py [OUTPUT.svg]
"""
from __future__ import annotations

import sys
from pathlib import Path

from rich.text import Text

from picture import ROOT, WIDTH, seed_stage, write_svg
from qa.session import PROMPT, Session

QUESTION = "how far from al-Mayadin?"


def picture(out: Path) -> None:
    with seed_stage() as stage:
        console = stage.console
        session = Session(stage.index, console, stage.location)
        session.banner()
        console.print(Text.assemble(PROMPT, QUESTION))
        session.handle(QUESTION)
        console.print(Text(PROMPT))
        console.print(Text(session.toolbar().ljust(WIDTH), style="reverse"))
        # Paths of the temporary index would make every run differ: keep the folder name only.
        svg = console.export_svg(title="qa", unique_id="qa-session")
        svg = svg.replace(str(stage.folder / "index"), "index")
    write_svg(out, svg)


if __name__ == "__main__":
    picture(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "session.svg")
