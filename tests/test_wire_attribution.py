"""Attributions as wire copy writes them (Reuters-21578, reut2-002/2359 and reut2-016/16943),
seen through `qa said`: "Asked to comment, X told Reuters: "..."" is X's, the opening phrase
left out of the source, and so is the quotation's next sentence (it went to the unnamed
"Asked"); "visiting U.S. Agriculture secretary Richard Lyng told" has a source (it had none:
a word in -ing opened the phrase)."""
import json

GATT = (
    "GENEVA, March 3 - Japan's policy of self-sufficiency in rice is an example of extreme "
    "protectionism, visiting U.S. Agriculture secretary Richard Lyng told a press conference.\n\n"
    "Asked to comment, Michael Samuels, U.S. ambassador to the GATT, told Reuters: \"These "
    "charges have been made since the very beginning. The waiver is part of domestic U.S. "
    "agricultural policy.\"\n")


def _said(qa, name: str) -> list[dict]:
    r = qa("said", "--json", name)
    assert r.code == 0, r.err
    return [json.loads(line) for line in r.out.splitlines()]


def test_asked_to_comment_x_told_reuters_is_x_in_both_sentences_of_the_quotation(workdir, qa):
    (workdir / "seeds" / "gatt.txt").write_text(GATT)
    said = _said(qa, "Samuels")
    assert [(s["sentence"], s["source"], s["cue"], s["resolved_source"]) for s in said] == [
        (1, "Michael Samuels, U.S. ambassador to the GATT,", "told Reuters", "Michael Samuels"),
        (2, "Michael Samuels, U.S. ambassador to the GATT,", "told Reuters", "Michael Samuels"),
    ]
    assert said[1]["content"] == "The waiver is part of domestic U.S. agricultural policy.\""


def test_a_participle_before_a_title_and_name_is_part_of_the_source(workdir, qa):
    (workdir / "seeds" / "gatt.txt").write_text(GATT)
    (lyng,) = _said(qa, "Lyng")
    assert (lyng["source"], lyng["resolved_source"], lyng["cue"]) == (
        "visiting U.S. Agriculture secretary Richard Lyng", "Richard Lyng", "told")
    assert lyng["content"].startswith("Japan's policy of self-sufficiency in rice")
