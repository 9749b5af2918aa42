"""The one rule for untrusted text on every output path: terminal, stderr and JSON.

Article text, metadata (title, date, dateline, id), file names and questions all come from
outside. Any of them may hold characters that steer a terminal (ESC starting an escape or OSC
sequence that clears the screen or writes the clipboard, C1 controls such as U+009B, which some
terminals take for ESC [), reorder what is shown (bidirectional controls such as U+202E), or
start a new line that forges a message (newline, U+2028), or hide (invisible characters: a
zero-width space makes two names that look alike differ, and an id shown cannot be typed back;
Unicode "tag" characters carry whole hidden sentences).

- For the terminal and stderr, `visible` swaps each such character for a visible stand-in,
  one character for one, so offsets of highlights stay valid: control pictures for C0
  controls (`␛` for ESC), `␡` for DEL, U+FFFD for C1, bidirectional and invisible format
  characters (zero-width space, word joiner, U+FEFF, tags; not the zero-width joiner and
  non-joiner, which Persian, Indic scripts and emoji need to be read right), and a space
  for tab, newline and the line and paragraph separators (a name cannot open a line of its
  own); U+FFFD also for a lone surrogate (a byte of a file name that is not UTF-8).
- For JSON, `dumps` keeps the text exactly and writes the same characters as `\\uXXXX`
  escapes: still valid JSON with the same values, but nothing a terminal would act on.
"""
from __future__ import annotations

import json
import re

_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# Characters that show nothing and join nothing: zero-width space, Mongolian vowel separator,
# word joiner and invisible operators, deprecated format controls, byte-order mark, Hangul
# fillers (blank-looking names), interlinear annotation marks, and the tag block.
_INVISIBLE = ((0x115f, 0x1160), (0x180e, 0x180e), (0x200b, 0x200b), (0x2060, 0x2064),
              (0x206a, 0x206f), (0x3164, 0x3164), (0xfeff, 0xfeff), (0xffa0, 0xffa0),
              (0xfff9, 0xfffb), (0xe0000, 0xe007f))
_VISIBLE = {c: "\ufffd" for c in range(0x80, 0xa0)}
_VISIBLE.update({c: chr(0x2400 + c) for c in range(0x20)})  # control pictures: ␛ for ESC
_VISIBLE.update({0x7f: "\u2421", ord("\n"): " ", ord("\t"): " ", ord("\r"): " ",
                 0x2028: " ", 0x2029: " "})
_VISIBLE.update({ord(c): "\ufffd" for c in _BIDI})
_VISIBLE.update({c: "\ufffd" for low, high in _INVISIBLE for c in range(low, high + 1)})
# Lone surrogates: the bytes of a file name (or of standard input, or argv) that are not UTF-8,
# as Python keeps them ("caf\udce9.txt" for b"caf\xe9.txt"). Written raw they were that byte
# again on a UTF-8 terminal or in JSON output, which is then not UTF-8.
_VISIBLE.update({c: "\ufffd" for c in range(0xd800, 0xe000)})

# What JSON's own encoder leaves raw with ensure_ascii=False (it escapes only C0 controls).
_RAW_IN_JSON = re.compile("[\x7f-\x9f\u2028\u2029" + _BIDI
                          + "".join(f"{chr(low)}-{chr(high)}" for low, high in _INVISIBLE)
                          + "\ud800-\udfff]")


def visible(text: str) -> str:
    """`text` with every character that could steer a terminal replaced by a visible one."""
    return text.translate(_VISIBLE)


def one_line(text: str, limit: int = 200) -> str:
    """`visible(text)`, cut to `limit` characters with an ellipsis: for echoing input."""
    text = visible(text)
    return text if len(text) <= limit else text[:limit] + "…"


def dumps(value, **options) -> str:
    """JSON for output: non-ASCII text kept as is, except the characters `visible` would
    replace, which are escaped (the decoded value is unchanged). When standard output
    cannot carry all of Unicode (a Latin-1 or ASCII locale, PYTHONIOENCODING=ascii), every
    non-ASCII character is escaped: the same values, and nothing lost to the encoding."""
    import sys

    if not _unicode_stream(sys.stdout):
        return json.dumps(value, ensure_ascii=True, **options)
    text = json.dumps(value, ensure_ascii=False, **options)
    return _RAW_IN_JSON.sub(lambda m: _escape(m.group()), text)


def _escape(char: str) -> str:
    """`char` as a JSON escape: a surrogate pair beyond the first plane, as JSON has it."""
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xd800 + (code >> 10):04x}\\u{0xdc00 + (code & 0x3ff):04x}"


def _unicode_stream(stream) -> bool:
    """Whether `stream` encodes any text (UTF-8, UTF-16, UTF-32), or is not known."""
    import codecs

    try:
        return codecs.lookup(stream.encoding).name.startswith("utf")
    except (AttributeError, LookupError, TypeError):
        return True


def fit_streams_to_their_encoding() -> None:
    """stdout and stderr that cannot carry all of Unicode show what they cannot encode as
    "?" instead of ending qa with a UnicodeEncodeError (an article's "’" under
    LANG=en_US.ISO-8859-1, or PYTHONIOENCODING=ascii). JSON is escaped instead (`dumps`)."""
    import sys

    for stream in (sys.stdout, sys.stderr):
        if stream is not None and not _unicode_stream(stream):
            try:
                stream.reconfigure(errors="replace")
            except (AttributeError, ValueError, OSError):
                pass
