"""A one-shot `qa ask --json` loads only what answering needs (what it costs is measured by
bench/bench_speed.py, not here: no timings in tests)."""
import json
import subprocess
import sys

from conftest import SEED

PROBE = """
import contextlib, io, json, sys
from qa.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main(sys.argv[1:])
print(json.dumps({"code": code, "out": out.getvalue(), "modules": sorted(sys.modules)}))
"""


def loaded(*args: str, cwd) -> dict:
    run = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True,
                         cwd=cwd, check=True)
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_ask_json_loads_no_terminal_or_build_modules(tmp_path):
    from qa.index.writer import build

    build([SEED], tmp_path / "index")
    result = loaded("ask", "--json", "how far from al-Mayadin?", "--index",
                    str(tmp_path / "index"), cwd=tmp_path)
    assert result["code"] == 0 and "10 km" in result["out"]
    heavy = {"rich", "prompt_toolkit", "rank_bm25", "numpy", "multiprocessing",
             "qa.attribution", "qa.index.writer", "qa.render", "qa.repl", "tempfile"}
    assert heavy.isdisjoint(result["modules"]), heavy & set(result["modules"])


def test_ask_with_text_output_loads_rich_but_not_the_repl(tmp_path):
    from qa.index.writer import build

    build([SEED], tmp_path / "index")
    result = loaded("ask", "how far from al-Mayadin?", "--index", str(tmp_path / "index"),
                    cwd=tmp_path)
    assert result["code"] == 0
    assert "rich" in result["modules"]
    assert {"prompt_toolkit", "numpy", "qa.index.writer"}.isdisjoint(result["modules"])
