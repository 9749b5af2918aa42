"""Coordinated sources (issue 13): "Senator Ted Cruz of Texas and Senator Rand Paul of Kentucky
said" is said by both, as `qa sentences`, `qa said` and `qa sources` show it; a single name,
a body whose name holds "and" and a coordination of common nouns resolve as before."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

ARTICLE = Path(__file__).resolve().parent / "data" / "coordinated" / "senators.txt"
BOTH = "Ted Cruz of Texas and Rand Paul of Kentucky"


@pytest.fixture
def senators(workdir):
    folder = workdir / "articles"
    folder.mkdir()
    shutil.copy(ARTICLE, folder)
    return folder


def _said_by(qa, folder) -> list[tuple[str, str]]:
    r = qa("sentences", "--json", "--corpus", str(folder))
    assert r.code == 0, r.err
    return [(a["source"], a["resolved_source"])
            for row in map(json.loads, r.out.splitlines()) for a in row["attributions"]]


def test_a_coordination_of_names_resolves_to_every_person(qa, senators):
    assert _said_by(qa, senators) == [
        ("Senator Ted Cruz of Texas and Senator Rand Paul of Kentucky", BOTH),
        ("Cruz", "Ted Cruz of Texas"),  # each person is remembered on his own too
        ("They", BOTH),  # "they" after the pair stands for the pair
        ("Senator Mike Lee of Utah", "Mike Lee of Utah"),  # a single name as before
        ("The Securities and Exchange Commission", "The Securities and Exchange Commission"),
        ("Analyst John Naylor of Smith Barney", "John Naylor of Smith Barney"),
        ("Ann Beesley, an economist at Chase,", "Ann Beesley"),
        ("Naylor and Beesley", "John Naylor of Smith Barney and Ann Beesley"),
        # not a coordination of people: resolved as before
        ("Stephen Lewis, head of research at stockbrokers Phillips and Drew,", "Stephen Lewis"),
        ("Lewis of Phillips and Drew", "Lewis of Phillips and Drew"),
        ("Tanzania's Agriculture and Livestock Development Minister Paul Bomani", "Paul Bomani"),
        # an "and" in a title leaves one person, whom "he" can stand for
        ("Japanese Trade and Industry Minister Hajime Tamura", "Hajime Tamura"),
        ("He", "Hajime Tamura"),
        # a plural title before the pair is the pair's
        ("Commissioners William Seale and Kalo Hineman", "William Seale and Kalo Hineman"),
        ("Seale", "William Seale"),
    ]


def test_said_finds_the_pairs_statements_under_either_name(qa, senators):
    def sentences(*name):
        r = qa("said", "--json", "--corpus", str(senators), *name)
        assert r.code == 0, r.err
        return [row["sentence"] for row in map(json.loads, r.out.splitlines())]

    assert sorted(sentences("Rand", "Paul")) == [1, 3]
    assert sorted(sentences("Cruz")) == [1, 2, 3]
    assert sorted(sentences("Beesley")) == [7, 8]


def test_sources_lists_the_pair_as_one_source(qa, senators):
    r = qa("sources", "--corpus", str(senators))
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert any(f"  {BOTH}  " in line and line.split()[0] == "2" for line in lines), r.out
    assert not any(line.split("  (also")[0].rstrip().endswith("  Rand Paul of Kentucky")
                   for line in lines), r.out
