"""Datelines as wire copy writes them: with a region after the place, in mixed case, with a
month in capitals or misspelt. Each must leave the first sentence and give the article its
place, shown with every hit (`qa ask --json`'s "dateline"); what only looks like one stays."""
import json
from pathlib import Path

SGM = """<!DOCTYPE lewis SYSTEM "lewis.dtd">
<REUTERS TOPICS="YES" NEWID="{n}">
<DATE> 9-APR-1987 10:01:01.79</DATE>
<TEXT>&#2;
<TITLE>HEADLINE {n}</TITLE>
<DATELINE>    {dateline} </DATELINE><BODY>{body}
 Reuter
&#3;</BODY></TEXT>
</REUTERS>
"""
# Reuters-21578's <DATELINE> field, as in the corpus (reut2-015/15605, reut2-012/12296,
# reut2-000/619, reut2-006/6225), and one that holds the body's first words (reut2-014/14531).
WIRE = [
    ("CHARLOTTE, N.C., April 9 -", "Rexham Corp said it will buy back its shares.",
     "CHARLOTTE, N.C."),
    ("Toronto, April 9 -", "Cadillac Fairview Corp said it received an offer.", "Toronto"),
    ("NEW YORK, Narch 2 -", "Harlow Industries said its quarter ended in January.",
     "NEW YORK"),
    ("Lima, March 12 -", "peru will sell about 40 state-owned firms.", "Lima"),
    ("Peoria, April 7 - Clear/43 degrees -", "Winds were calm in the grain belt.", "Peoria"),
]
# Plain-text articles: the rule for text must take the same shapes, and only them.
TEXTS = {
    "region.txt": ("CHARLOTTE, N.C., April 9 - Rexham Corp said it will buy back its shares.",
                   "CHARLOTTE, N.C."),
    "mixed.txt": ("New York, March 3 - Cadillac Fairview Corp said it received an offer.",
                  "New York"),
    "capital-month.txt": ("SASKATOON, Saskatchewan, APRIL 13 - Harlow Industries said its "
                          "quarter ended in January.", "SASKATOON, Saskatchewan"),
    "not-a-dateline.txt": ("On March 3 - the day peru said it will sell 40 state-owned firms - "
                           "winds were calm.", ""),
}


def _hits(qa, folder: Path, question: str) -> list[dict]:
    r = qa("ask", "--json", "-k", "9", "--corpus", str(folder), "--index", str(folder / "ix"),
           question)
    assert r.code == 0, r.err
    return json.loads(r.out)["hits"]


def test_reuters_datelines_give_the_place_and_leave_the_first_sentence(workdir, qa):
    (workdir / "wire").mkdir()
    (workdir / "wire" / "reut2-000.sgm").write_text("".join(
        SGM.format(n=n, dateline=d, body=b) for n, (d, b, _) in enumerate(WIRE, start=1)),
        encoding="latin-1")
    hits = {h["doc"]: h for h in _hits(qa, workdir / "wire",
                                       "buy offer quarter firms winds said")}
    for n, (dateline, body, place) in enumerate(WIRE, start=1):
        hit = hits[f"reut2-000/{n}"]
        rest = dateline.partition(" - ")[2].strip()  # words of the body in the field
        assert (hit["sentence"], hit["dateline"]) == (0, place)
        assert hit["text"] == (f"{rest} {body}" if rest else body)


def test_plain_text_datelines_with_a_region_or_in_mixed_case(workdir, qa):
    (workdir / "text").mkdir()
    for name, (text, _) in TEXTS.items():
        (workdir / "text" / name).write_text(text + "\n")
    hits = {h["doc"]: h for h in _hits(qa, workdir / "text", "buy offer quarter firms said")}
    for name, (text, place) in TEXTS.items():
        hit = hits[name[:-4]]
        assert hit["dateline"] == place
        assert hit["text"] == (text[text.index(" - ") + 3:] if place else text)
