"""The one rule for untrusted text on every output path: terminal, stderr and JSON.

Article text, metadata (title, date, dateline, id), file names and questions all come from
outside. Any of them may hold characters that steer a terminal (ESC starting an escape or OSC
sequence that clears the screen or writes the clipboard, C1 controls such as U+009B, which some
terminals take for ESC [), reorder what is shown (bidirectional controls such as U+202E), or
start a new line that forges a message (newline, U+2028).

- For the terminal and stderr, `visible` swaps each such character for a visible stand-in,
  one character for one, so offsets of highlights stay valid: control pictures for C0
  controls (`␛` for ESC), `␡` for DEL, U+FFFD for C1 and bidirectional controls, and a space
  for tab, newline and the line and paragraph separators (a name cannot open a line of its
  own).
- For JSON, `dumps` keeps the text exactly and writes the same characters as `\\uXXXX`
  escapes: still valid JSON with the same values, but nothing a terminal would act on.
"""
from __future__ import annotations

import json
import re

_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_VISIBLE = {c: "\ufffd" for c in range(0x80, 0xa0)}
_VISIBLE.update({c: chr(0x2400 + c) for c in range(0x20)})  # control pictures: ␛ for ESC
_VISIBLE.update({0x7f: "\u2421", ord("\n"): " ", ord("\t"): " ", ord("\r"): " ",
                 0x2028: " ", 0x2029: " "})
_VISIBLE.update({ord(c): "\ufffd" for c in _BIDI})

# What JSON's own encoder leaves raw with ensure_ascii=False (it escapes only C0 controls).
_RAW_IN_JSON = re.compile(f"[\x7f-\x9f\u2028\u2029{_BIDI}]")


def visible(text: str) -> str:
    """`text` with every character that could steer a terminal replaced by a visible one."""
    return text.translate(_VISIBLE)


def one_line(text: str, limit: int = 200) -> str:
    """`visible(text)`, cut to `limit` characters with an ellipsis: for echoing input."""
    text = visible(text)
    return text if len(text) <= limit else text[:limit] + "…"


def dumps(value, **options) -> str:
    """JSON for output: non-ASCII text kept as is, except the characters `visible` would
    replace, which are escaped (the decoded value is unchanged)."""
    text = json.dumps(value, ensure_ascii=False, **options)
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
