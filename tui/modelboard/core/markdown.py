"""Text from the store as Markdown that means only itself: the report and the export use it.

Every character Markdown would read as syntax is escaped (emphasis, strike-through, code,
links, tables, HTML and entities, headings and lists at a line's start); a bare web address
becomes an explicit `<autolink>` so it cannot swallow the punctuation after it.
"""

from __future__ import annotations

import re

from modelboard.core.text import one_line

_URL = re.compile(r"https?://[^\s<>]*[^\s<>.,:;!?'\")\]]")
_SYNTAX = re.compile(r"([\\`*_\[\]|<~&])")
_LINE_START = re.compile(r"^(\s*)([-+=>#]|\d+(?=[.)]))")


def md_line(text: str) -> str:
    """Text on one line (line breaks become spaces), escaped."""
    return _escaped(one_line(text))


def md_lines(text: str) -> str:
    """Text of several lines, each escaped; the line breaks stay (as Markdown line breaks)."""
    return "  \n".join(_escaped(line.strip()) for line in text.strip().splitlines())


def _escaped(line: str) -> str:
    parts = []
    last = 0
    for url in _URL.finditer(line):
        parts.append(_SYNTAX.sub(r"\\\1", line[last : url.start()]))
        parts.append(f"<{url.group()}>")
        last = url.end()
    parts.append(_SYNTAX.sub(r"\\\1", line[last:]))
    joined = "".join(parts)
    start = _LINE_START.match(joined)
    if start is None:
        return joined
    if start.group(2).isdigit():  # "1." would start a numbered list
        end = start.end()
        return f"{joined[:end]}\\{joined[end:]}"
    return f"{start.group(1)}\\{joined[start.end(1) :]}"
