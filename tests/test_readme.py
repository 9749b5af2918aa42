"""The README's examples, run as a reader would run them, so that they cannot rot: every line
of the `Use` block (but the few named below, with the reason), every Python block in a fresh
process, and the JSON shape against what `qa ask --json` prints."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SEED

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")

NOT_RUN = {  # example -> why the suite does not run it here
    "qa": "the interactive session: tests/test_terminal.py drives it in a pseudo-terminal",
    "../shared/data": "the shared data sets are not in a clone: bench/ and qa eval use them",
}


def block_after(heading: str, language: str = "") -> str:
    """The first fenced block of `language` after `heading`."""
    start = README.index(heading)
    found = re.compile(rf"^```{language}\n(.*?)^```", re.M | re.S).search(README, start)
    assert found, f"no ```{language} block after {heading!r}"
    return found.group(1)


def use_examples() -> list[str]:
    lines = block_after("## Use", "sh").splitlines()
    return [re.sub(r"\s+#\s.*$", "", line).strip() for line in lines if line.strip()]


def python_blocks() -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", README, re.M | re.S)


def not_run(example: str) -> str | None:
    return next((why for key, why in NOT_RUN.items()
                 if example == key or (key != "qa" and key in example)), None)


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """A reader's folder: seeds/ with its index, and ~/wire with an article of its own."""
    from qa.index.writer import build

    folder = tmp_path_factory.mktemp("readme")
    for corpus in ("seeds", "wire"):
        (folder / corpus).mkdir()
        shutil.copy(SEED, folder / corpus)
    build([folder / "seeds"], folder / "index")
    return folder


def run_shell(command: str, home: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if k not in ("QA_INDEX", "QA_CORPUS", "NO_COLOR", "FORCE_COLOR", "COLUMNS")}
    env.update(HOME=str(home), PY=sys.executable,
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])))
    script = 'qa() { "$PY" -m qa.cli "$@"; }\nset -o pipefail\n' + command
    return subprocess.run(["bash", "-c", script], cwd=home, env=env, capture_output=True,
                          text=True, timeout=120)


def test_the_readme_has_the_examples_these_tests_run():
    examples = use_examples()
    assert len(examples) >= 8 and len(python_blocks()) >= 1
    assert sum(not_run(e) is None for e in examples) >= len(examples) - 3


@pytest.mark.skipif(shutil.which("bash") is None, reason="the examples are shell lines")
@pytest.mark.parametrize("example", use_examples())
def test_each_use_example_runs_and_answers(home, example):
    if not_run(example):
        pytest.skip(not_run(example))
    run = run_shell(example, home)
    assert run.returncode == 0, (example, run.stderr)
    assert run.stdout.strip(), example
    assert "Traceback" not in run.stderr
    if "--json" in example:
        for line in run.stdout.splitlines():  # every question of a batch is answered
            assert json.loads(line)["hits"], (example, line)


@pytest.mark.parametrize("code", python_blocks())
def test_each_python_example_runs_in_a_fresh_process(home, code):
    env = {k: v for k, v in os.environ.items() if k not in ("QA_INDEX", "QA_CORPUS")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    run = subprocess.run([sys.executable, "-c", code], cwd=home, env=env, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip()


def test_the_json_shape_in_the_readme_is_what_qa_prints(workdir, qa):
    shape = block_after("### JSON output")
    documented = set(re.findall(r'"(\w+)":', shape))
    data = json.loads(qa("ask", "--json", "-k", "13", "who said the army reached al-Mayadin?").out)
    printed = set(data)
    for hit in data["hits"]:
        printed |= set(hit)
        for attribution in hit["attributions"]:
            printed |= set(attribution)
        if hit["answer"]:
            printed |= set(hit["answer"])
    assert documented == printed, (documented - printed, printed - documented)
