"""Reading a store's TOML fast: rtoml (compiled, about 4x tomllib) where its wheel is
installed, `tomllib` everywhere else and whenever rtoml would not give tomllib's answer.

`tomllib` stays the judge. rtoml 0.14 reads TOML 1.1, a superset of the TOML 1.0 that
tomllib, tomlkit and the saving checks read; text that may use a 1.1-only form goes to
tomllib, and so does text rtoml refuses (tomllib's error names line and column, and on a
machine without the wheel the same file must read the same). Older rtoml releases crash on
deeply nested arrays, which is why the dependency starts at 0.14.
"""

from __future__ import annotations

import copyreg
import datetime as dt
import re
import tomllib
from types import ModuleType
from typing import Any

rtoml: ModuleType | None
try:
    import rtoml
except ImportError:  # no wheel for this platform: tomllib reads everything
    rtoml = None

# Forms only TOML 1.1 allows, each found by a search that starts at a literal (one
# alternation of them all costs ten times more). A match inside a string costs only the
# slower reader.
_KEY = r"""(?:[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*')[ \t]*(?:=|\.[ \t]*[A-Za-z_"'-])"""
_BEYOND_1_0 = tuple(
    re.compile(pattern)
    for pattern in (
        r"\\[xe]",  # the \xHH and \e escapes
        r",\s*\}",  # a trailing comma in an inline table
        r"\{[ \t]*(?:#[^\n]*)?\r?\n",  # an inline table that opens a line ...
        r"\n[ \t]*\}",  # ... or closes one
        # a key after a comma and a line break: only inline tables have keys after commas
        r",[ \t]*(?:#[^\n]*)?\r?\n\s*(?:#[^\n]*\n\s*)*" + _KEY,
        r"\n[ \t]*,\s*" + _KEY,
    )
)
CHUNK = 1 << 20  # characters per rtoml call
_ITEMS_HEADER = re.compile(r"""\[[ \t]*["']?items["']?[ \t]*\]""")  # `[items]` itself
_MINUTES = re.compile(r":(?<=\d\d:)(?<!:\d\d:)\d\d(?![:\d])")  # hh:mm, no seconds after
_VALUE_BEFORE = re.compile(r"(?:\d{4}-\d\d-\d\d[Tt ]|[=,\[][ \t]*|(?:^|\n)[ \t]*)$")


def _fixed_offset(tz: dt.tzinfo) -> tuple[type[dt.timezone], tuple[dt.timedelta | None]]:
    """rtoml's time zones, copied or pickled, become the standard fixed offsets."""
    return dt.timezone, (tz.utcoffset(dt.datetime(2000, 1, 1)),)


if rtoml is not None:  # without this, copy.deepcopy and pickle fail on rtoml's datetimes
    copyreg.pickle(type(rtoml.loads("t = 2000-01-01T00:00:00Z")["t"].tzinfo), _fixed_offset)


def beyond_toml_1_0(text: str) -> bool:
    """True when the text may use a form only TOML 1.1 allows (so rtoml must not read it)."""
    if text.startswith("\ufeff") or any(p.search(text) for p in _BEYOND_1_0):
        return True
    return any(
        _VALUE_BEFORE.search(text, max(0, m.start() - 13), m.start() - 2)
        for m in _MINUTES.finditer(text)
    )


def loads(text: str) -> dict[str, Any]:
    """Parse TOML text to the data `tomllib.loads` gives (equal values, offsets kept).

    Raises tomllib.TOMLDecodeError (with line and column) for text that does not parse."""
    lines = text.replace("\r\n", "\n")  # tomllib reads a CRLF in a string as "\n"; rtoml not
    if rtoml is not None and "\r" not in lines and not beyond_toml_1_0(text):
        try:  # (a carriage return left is one tomllib refuses: "\r\r\n" is not a CRLF)
            data = _in_chunks(lines)
            if data is not None:
                return data
        except Exception:  # tomllib decides, and says where the text goes wrong
            pass
    return tomllib.loads(text)


def _in_chunks(text: str) -> dict[str, Any] | None:
    """rtoml's reading of the text, a chunk of item tables at a time: its own tree of a
    whole large file costs more memory than the data (60 MB more at 10,000 items).

    A chunk ends before a line starting `[items.`. A cut inside a multi-line string or an
    array leaves a chunk that does not parse; a table split over two chunks shows as a key
    in both; an `[items]` header could be repeated unseen. Each of those reads the whole
    text at once instead (None here when the chunks' keys overlap)."""
    assert rtoml is not None
    if len(text) <= CHUNK or _ITEMS_HEADER.search(text):
        data: dict[str, Any] = rtoml.loads(text)
        return data
    merged: dict[str, Any] = {}
    start = 0
    while start < len(text):
        cut = text.find("\n[items.", start + CHUNK)
        end = len(text) if cut < 0 else cut + 1
        part: dict[str, Any] = rtoml.loads(text[start:end])
        for key, value in part.items():
            if key not in merged:
                merged[key] = value
            elif key == "items" and _disjoint(merged[key], value):
                merged[key].update(value)
            else:
                return None
        start = end
    return merged


def _disjoint(first: Any, second: Any) -> bool:
    return isinstance(first, dict) and isinstance(second, dict) and not first.keys() & second.keys()
