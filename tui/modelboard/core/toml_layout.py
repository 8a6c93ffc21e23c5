"""Where each item's table lies in TOML text, found without parsing the whole file.

A regular-expression lexer walks the text once, skipping strings (multi-line ones too),
comments and arrays, so a line that merely looks like a header inside a description is
never taken for one. Text it cannot vouch for (an `[items]` table, inline or dotted items,
an item split over distant headers) raises UnusualLayout, and the caller takes the slow path.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

# Building blocks of lines that hold no bracket or string left open at their end.
_BASIC = r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"'
_LITERAL = r"'[^'\n]*'"
_BARE = r"[^\s\"'\[\]{}#,=]+(?:[ ][0-9][^\s\"'\[\]{}#,=]*)?"
_ELEMENT = rf"(?:{_BASIC}|{_LITERAL}|{_BARE})"
_KEY = rf"(?:[A-Za-z0-9_-]+|{_BASIC}|{_LITERAL})(?:[ \t]*\.[ \t]*(?:[A-Za-z0-9_-]+|{_BASIC}))*"
_FLAT_ARRAY = rf"\[[ \t]*(?:{_ELEMENT}[ \t]*,[ \t]*)*(?:{_ELEMENT}[ \t]*,?[ \t]*)?\]"
_FLAT_TABLE = (
    rf"\{{[ \t]*(?:{_KEY}[ \t]*=[ \t]*(?:{_ELEMENT}|{_FLAT_ARRAY})[ \t]*,[ \t]*)*"
    rf"(?:{_KEY}[ \t]*=[ \t]*(?:{_ELEMENT}|{_FLAT_ARRAY})[ \t]*)?\}}"
)
_END = r"[ \t]*(?:\#[^\n]*)?\r?\n"
# Multi-line strings, unrolled (a tight character run between rare escapes) for speed.
_ML_BASIC = r'"{3}[^"\\]*(?:(?:\\.|"{1,2}(?!"))[^"\\]*)*"{3,5}'
_ML_LITERAL = r"'{3}[^']*(?:'{1,2}(?!')[^']*)*'{3,5}"
# Element lines never start with "[": a header looks just like a nested array's line.
_ELEMENT_LINES = rf"(?:^[ \t]*(?:{_ELEMENT}|{_FLAT_TABLE})[ \t]*,?{_END})+"
_LONG_ARRAY = rf"\[{_END}{_ELEMENT_LINES}[ \t]*\]"
_VALUE = rf"(?:{_ELEMENT}|{_FLAT_ARRAY}|{_FLAT_TABLE}|{_ML_BASIC}|{_ML_LITERAL}|{_LONG_ARRAY})"
# A run of whole `key = value` lines is one token, multi-line strings and arrays of flat
# elements included: that keeps the lexer at a couple of matches per item.
_SIMPLE_LINES = rf"(?:^[ \t]*{_KEY}[ \t]*=[ \t]*{_VALUE}{_END})+"

_TOKENS = re.compile(
    rf"""
      (?P<simple>{_SIMPLE_LINES})
    | (?P<elements>{_ELEMENT_LINES})
    | (?P<mlbasic>{_ML_BASIC})
    | (?P<mlliteral>{_ML_LITERAL})
    | (?P<basic>{_BASIC})
    | (?P<literal>{_LITERAL})
    | (?P<comment>\#[^\n]*)
    | (?P<header>^[ \t]*\[)
    | (?P<open>[\[{{])
    | (?P<close>[\]}}])
    """,
    re.VERBOSE | re.MULTILINE | re.DOTALL,
)
_ITEM_HEADER = re.compile(r"\[items\.([A-Za-z0-9_-]+)\][ \t]*(?:#[^\n]*)?\r?$")
_BARE_PATH = re.compile(r"[ \t]*([A-Za-z0-9_-]+(?:[ \t]*\.[ \t]*[A-Za-z0-9_-]+)*)[ \t]*\]")


class UnusualLayout(Exception):
    """The text is valid TOML but not laid out one `[items.ID]` table per item."""


@dataclass(frozen=True)
class Header:
    """A table header: where its line starts, its key path, and whether it is `[[...]]`."""

    start: int
    path: tuple[str, ...]
    is_array: bool

    def moved(self, by: int) -> Header:
        """The same header `by` characters later (after a splice before it); built directly,
        as `dataclasses.replace` costs three times more and a shift moves every header."""
        return Header(self.start + by, self.path, self.is_array)


@dataclass(frozen=True)
class Lexed:
    """What the lexer found in one text: its headers in order and the starts of its
    comment-only lines. The store keeps it between saves and shifts it after a splice
    (`shifted`) instead of lexing the whole file again (0.3 s at 10,000 items)."""

    headers: tuple[Header, ...]
    comment_lines: frozenset[int]


def lex(text: str) -> Lexed:
    """Lex the whole text."""
    found, comment_lines = headers(text)
    return Lexed(tuple(found), frozenset(comment_lines))


def shifted(lexed: Lexed, edits: Sequence[tuple[int, int, str]]) -> Lexed:
    """The lexing of a text after `edits` (old start, old end, new text: in order, not
    overlapping, each at a line start with nothing left open), made from the old one:
    what lies outside the edits moves by the length change before it, and only the new
    text of each edit is lexed."""
    found: list[Header] = []
    comments: set[int] = set()
    old_headers = lexed.headers
    old_comments = sorted(lexed.comment_lines)
    h = c = delta = 0
    for start, end, new in edits:
        while h < len(old_headers) and old_headers[h].start < start:
            found.append(old_headers[h].moved(delta))
            h += 1
        while h < len(old_headers) and old_headers[h].start < end:
            h += 1
        while c < len(old_comments) and old_comments[c] < start:
            comments.add(old_comments[c] + delta)
            c += 1
        while c < len(old_comments) and old_comments[c] < end:
            c += 1
        new_headers, new_comments = headers(new)
        found.extend(header.moved(start + delta) for header in new_headers)
        comments.update(line + start + delta for line in new_comments)
        delta += len(new) - (end - start)
    found.extend(header.moved(delta) for header in old_headers[h:])
    comments.update(line + delta for line in old_comments[c:])
    return Lexed(tuple(found), frozenset(comments))


@dataclass(frozen=True)
class Layout:
    """Where each item's block lies in the text.

    `spans[id]` runs from the item's first header to the start of whatever follows it
    (the next header, or the comment lines attached to it); `leads[id]` also takes in the
    comment lines attached above the item's header.
    """

    spans: Mapping[str, tuple[int, int]]
    leads: Mapping[str, int]
    items_end: int | None
    comment_lines: frozenset[int] = frozenset()

    def deletion(self, text: str, item_id: str) -> tuple[int, int]:
        """The range a delete removes: attached comments above, the item, and the blank
        lines after it; comments trailing after the item's last line stay."""
        start, end = self.spans[item_id]
        content_end = end
        while content_end > start:
            line_start = text.rfind("\n", 0, content_end - 1) + 1
            line = text[line_start:content_end]
            if line.strip() and line_start not in self.comment_lines:
                break
            content_end = line_start
        if content_end == start:
            content_end = end
        after = content_end
        while after < end:
            line_end = text.find("\n", after)
            line_end = end if line_end == -1 else min(line_end + 1, end)
            if text[after:line_end].strip():
                break
            after = line_end
        return self.leads[item_id], after


def headers(text: str) -> tuple[list[Header], set[int]]:
    """All table headers in order, and the starts of lines that hold only a comment."""
    found: list[Header] = []
    comment_lines: set[int] = set()
    depth = 0
    pos = 0
    search = _TOKENS.search
    while (match := search(text, pos)) is not None:
        kind = match.lastgroup
        pos = match.end()
        if kind == "header":
            if depth:
                depth += 1
                continue
            line_end = text.find("\n", pos)
            line_end = len(text) if line_end == -1 else line_end
            start = match.start()
            is_array = text.startswith("[", pos)
            found.append(Header(start, _header_path(text[start:line_end]), is_array))
            pos = line_end
        elif kind == "open":
            depth += 1
        elif kind == "close":
            depth -= 1
        elif kind == "comment":
            line_start = text.rfind("\n", 0, match.start()) + 1
            if not text[line_start : match.start()].strip():
                comment_lines.add(line_start)
    return found, comment_lines


def _header_path(line: str) -> tuple[str, ...]:
    item = _ITEM_HEADER.match(line)
    if item:
        return ("items", item.group(1))
    body = line.lstrip(" \t")[1:]
    if body.startswith("["):
        body = body[1:]
    bare = _BARE_PATH.match(body)
    if bare:
        return tuple(part.strip() for part in bare.group(1).split("."))
    # Quoted or unusual keys: let tomllib read the header line itself.
    try:
        node: Any = tomllib.loads(line)
    except tomllib.TOMLDecodeError as error:
        raise UnusualLayout(f"cannot read header {line!r}") from error
    path: list[str] = []
    while isinstance(node, dict) and len(node) == 1:
        key = next(iter(node))
        path.append(key)
        node = node[key]
        if isinstance(node, list):
            break
    return tuple(path)


def layout(text: str, item_ids: set[str] | frozenset[str], lexed: Lexed | None = None) -> Layout:
    """Locate every item's block; raise UnusualLayout when the text is not one table each.
    `lexed`, when given, must be the lexing of exactly this text."""
    lexed = lexed or lex(text)
    found, comment_lines = lexed.headers, lexed.comment_lines
    spans: dict[str, tuple[int, int]] = {}
    leads: dict[str, int] = {}
    current: str | None = None
    for header in found:
        path = header.path
        owner = path[1] if len(path) >= 2 and path[0] == "items" else None
        if path == ("items",) or (len(path) == 2 and owner and header.is_array):
            raise UnusualLayout("items are not one [items.ID] table each")
        if owner != current:
            attached = _attached_comments_start(text, header.start, comment_lines)
            if current is not None:
                spans[current] = (spans[current][0], attached)
            if owner is not None:
                if owner in spans:
                    raise UnusualLayout(f"item {owner} is split over distant headers")
                spans[owner] = (header.start, len(text))
                leads[owner] = attached
        current = owner
    if set(spans) != set(item_ids):
        raise UnusualLayout("some items are not written as [items.ID] tables")
    items_end = max((end for _, end in spans.values()), default=None)
    return Layout(spans, leads, items_end, comment_lines)


def table_span(text: str, path: tuple[str, ...], lexed: Lexed | None = None) -> tuple[int, int]:
    """Where the table `[a.b.c]` lies: its header to the next header (or the comment lines
    attached to it). UnusualLayout when the table has no header of its own."""
    lexed = lexed or lex(text)
    found, comment_lines = lexed.headers, lexed.comment_lines
    for index, header in enumerate(found):
        if header.path == path and not header.is_array:
            end = len(text)
            if index + 1 < len(found):
                end = _attached_comments_start(text, found[index + 1].start, comment_lines)
            return header.start, end
    raise UnusualLayout(f"no [{'.'.join(path)}] header")


def _attached_comments_start(text: str, start: int, comment_lines: AbstractSet[int]) -> int:
    """Move up over comment-only lines directly above `start` (no blank line between)."""
    while start > 0:
        previous = text.rfind("\n", 0, start - 1) + 1
        if previous not in comment_lines:
            break
        start = previous
    return start
