"""Draw docs/session.svg, the README's picture of an interactive `qa` session.

The answer is printed by the session itself (qa.session.Session on a recording rich console),
so the picture shows what `qa` prints today. Run it after changing the rendering or ranking:

    python scripts/session_picture.py [OUTPUT.svg]
"""
from __future__ import annotations

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
from qa.session import PROMPT, Session  # noqa: E402

SEED = ROOT / "seeds" / "000_c9ff2a859012aa2b.txt"
QUESTION = "how far from al-Mayadin?"
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
        session = Session(index, console, location)
        session.banner()
        console.print(Text.assemble(PROMPT, QUESTION))
        session.handle(QUESTION)
        console.print(Text(PROMPT))
        console.print(Text(session.toolbar().ljust(WIDTH), style="reverse"))
        # Paths of the temporary index would make every run differ: keep the folder name only.
        svg = console.export_svg(title="qa", unique_id="qa-session")
        svg = svg.replace(str(Path(tmp) / "index"), "index")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(svg, encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    picture(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "session.svg")
