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
_PLACE = r"[A-Z][A-Z.'’&-]*(?:[ ][A-Z][A-Z.'’&-]*){0,4}(?:/[A-Z][A-Za-z .'’-]*)?"
_WHEN = r"(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?"
_AGENCY = r"\(([A-Z][A-Za-z&.' -]{1,40})\)"
_DASH = r"\s*(?:-{1,2}|–|—)\s+"
_DATELINE_AGENCY = re.compile(rf"\s*({_PLACE}){_WHEN},?\s*{_AGENCY}{_DASH}")
_DATELINE_PLAIN = re.compile(rf"\s*({_PLACE}),\s*[A-Z][a-z]{{2,8}}\.?\s+\d{{1,2}}{_DASH}")
_DATELINE_AGENCY_ONLY = re.compile(rf"\s*{_AGENCY}{_DASH}")


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


def read_metadata(text: str, start: int = 0) -> Metadata:
    """Parse the date line and dateline at `text[start:]`, if there are any."""
    pos = start
    date = ""
    m = _DATE.match(text, pos)
    if m:
        date = iso_date(m.group(1))
        pos = m.end()
    place = agency = ""
    m = _DATELINE_AGENCY.match(text, pos)
    if m:
        place, agency = m.group(1).strip(), m.group(2).strip()
    else:
        m = _DATELINE_PLAIN.match(text, pos)
        if m:
            place = m.group(1).strip()
        else:
            m = _DATELINE_AGENCY_ONLY.match(text, pos)
            if m:
                agency = m.group(1).strip()
    if m:
        pos = m.end()
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return Metadata(date=date, place=place, agency=agency, body_start=pos)
