"""Article metadata found at the top of the text: a `date YYYY-MM-DD` line and a dateline.

Both are kept out of the first sentence: a reader asking about the article never wants
"BEIRUT (Reuters) -" as evidence, but does want to see where and when it was filed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_DATE = re.compile(r"\A\s*date\s+(\d{4}-\d{2}-\d{2})\b[ \t]*\n?[ \t]*", re.IGNORECASE)

# PLACE (Agency) -    e.g. "BEIRUT (Reuters) - ", "WASHINGTON, Oct 5 (Reuters) - "
# PLACE, Month Day -  e.g. "NEW YORK, March 3 - " (Reuters-21578 style, no agency)
# Either with a region after the place ("CHARLOTTE, N.C., April 9 -", "Calgary, Alberta, ...")
# and the place in capitals or in mixed case ("New York, March 3 -"). Without an agency the
# month must be a month's name (any case: "MARCH 19", "APril 3"), so a capitalised word and a
# number at the top of a story ("Figure 3 -") is not taken for a date.
_PLACE = r"[A-Z][A-Z.'’&-]*(?:[ ][A-Z][A-Z.'’&-]*){0,4}(?:/[A-Z][A-Za-z .'’-]*)?"
_NAME = r"[A-Z][A-Za-z.'’&-]*(?:[ ][A-Z][A-Za-z.'’&-]*){0,4}"  # "St. Paul", "Coeur D'Alene"
_REGION = r"(?:,[ ]?[A-Z][A-Za-z.'’-]*(?:[ ][A-Z][A-Za-z.'’-]*){0,2})?"  # ", N.C.", ", W. Va."
_MONTH = (r"(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_WHEN = r"(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?"
_AGENCY = r"\(([A-Z][A-Za-z&.' -]{1,40})\)"
_LETTER = r"[^\W\d_]"
_DASH = r"\s*(?:-{1,2}|–|—)\s+"
_DATELINE_AGENCY = re.compile(rf"\s*({_PLACE}{_REGION}){_WHEN},?\s*{_AGENCY}{_DASH}")
# A comma (or a region's stop: "RICHMOND, Va. Feb 26 -") before the month: "On March 3 - "
# or "In May 5 -" at the top of a story is no dateline. A place in capitals may have any
# capitalised word for its month, as before the rule took mixed case ("NEW YORK, Narch 2 -").
_DATELINE_PLAIN = re.compile(
    rf"\s*({_NAME}{_REGION})(?:[ ]?,[ ]?|(?<=\.)[ ])(?:{_MONTH}|(?<=[A-Z.], )[A-Z][a-z]{{2,8}}\.?)"
    rf"[ ]\d{{1,2}}\b,?{_DASH}")
_DATELINE_AGENCY_ONLY = re.compile(rf"\s*{_AGENCY}{_DASH}")
# A dateline known to be one (Reuters-21578's <DATELINE> field) needs no capitals to be told
# from text: "west fargo, april 7 -", "JOHANNESBURG March 13 -", "WASHINGTON, March 12, Reuter -"
# ("****LONDON": the wire's priority marks), nor a month spelt right ("Narch 2", "Apri 1",
# "ABR 9": 40 of the field's datelines). Only its start is matched: the field sometimes
# holds the body's first words too ("Peoria, April 7 - Clear/43 degrees -").
_DATELINE_FIELD = re.compile(
    rf"\s*\**({_LETTER}[^,\n]{{0,40}}?(?:,[^,\n]{{1,30}}?){{0,2}}?)(?:[ ]?,[ ]?|[ ])"
    rf"[A-Za-z]{{3,9}}\.?,?[ ]?\d{{1,2}}\b,?(?:[ ]Reuters?)?{_DASH}")


_ISO_DATE = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})(?![0-9])")


def iso_date(value: str) -> str:
    """The calendar date `value` starts with, as YYYY-MM-DD ("2017-10-06T12:00:00Z" ->
    "2017-10-06"), or "" when it starts with none ("9999-99-99", "October 6, 2017"). Every
    article date goes through it: `qa said` lists newest first and filters by date, and an
    impossible or free-text date would be put first or shown as a date."""
    import datetime

    found = _ISO_DATE.match(value)
    if not found:
        return ""
    try:
        return datetime.date(*map(int, found.groups())).isoformat()
    except ValueError:
        return ""


@dataclass(frozen=True)
class Metadata:
    """What the head of an article says about it; `body_start` is where its sentences begin."""

    date: str = ""
    place: str = ""
    agency: str = ""
    body_start: int = 0


def read_metadata(text: str, start: int = 0, dateline: str = "") -> Metadata:
    """Parse the date line and dateline at `text[start:]`, if there are any. `dateline` is
    the dateline as the source marks it (Reuters-21578's field), which `text` starts with."""
    pos = start
    date = ""
    m = _DATE.match(text, pos)
    if m:
        date = iso_date(m.group(1))
        pos = m.end()
    place = agency = ""
    m = None
    if dateline and text.startswith(dateline, pos):
        m = _DATELINE_FIELD.match(text, pos, pos + len(dateline) + 1)
        if m:
            place = m.group(1).strip(" ,-")
    if m is None:
        m = _DATELINE_AGENCY.match(text, pos)
        if m:
            place, agency = m.group(1).strip(), m.group(2).strip()
    if m is None:
        m = _DATELINE_PLAIN.match(text, pos)
        if m:
            place = m.group(1).strip()
    if m is None:
        m = _DATELINE_AGENCY_ONLY.match(text, pos)
        if m:
            agency = m.group(1).strip()
    if m:
        pos = m.end()
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return Metadata(date=date, place=" ".join(place.split()), agency=agency, body_start=pos)
