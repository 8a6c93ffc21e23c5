"""Edit TOML text one item table at a time, so a save never re-parses the whole file.

A regular-expression lexer walks the text once, skipping strings (multi-line ones too),
comments and arrays, so a line that merely looks like a header inside a description is
never taken for one. Each changed block is parsed and dumped with tomlkit on its own, and
both the old and the new block are checked with `tomllib` against the data they must hold.
Text the lexer cannot vouch for (an `[items]` table, inline or dotted items, an item split
over distant headers) goes through the whole-document path instead, checked the same way.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from modelboard.core.errors import SaveError
from modelboard.core.merge import apply_to_data, edited_table, table_at
from modelboard.core.operations import Change, ItemDelete, ItemEdit, SettingEdit

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


def layout(text: str, item_ids: set[str] | frozenset[str]) -> Layout:
    """Locate every item's block; raise UnusualLayout when the text is not one table each."""
    found, comment_lines = headers(text)
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
    return Layout(spans, leads, items_end, frozenset(comment_lines))


def table_span(text: str, path: tuple[str, ...]) -> tuple[int, int]:
    """Where the table `[a.b.c]` lies: its header to the next header (or the comment lines
    attached to it). UnusualLayout when the table has no header of its own."""
    found, comment_lines = headers(text)
    for index, header in enumerate(found):
        if header.path == path and not header.is_array:
            end = len(text)
            if index + 1 < len(found):
                end = _attached_comments_start(text, found[index + 1].start, comment_lines)
            return header.start, end
    raise UnusualLayout(f"no [{'.'.join(path)}] header")


def _attached_comments_start(text: str, start: int, comment_lines: set[int]) -> int:
    """Move up over comment-only lines directly above `start` (no blank line between)."""
    while start > 0:
        previous = text.rfind("\n", 0, start - 1) + 1
        if previous not in comment_lines:
            break
        start = previous
    return start


# ---- rendering ---------------------------------------------------------------------------


def _toml_value(value: Any) -> Any:
    import tomlkit

    if isinstance(value, str):
        return tomlkit.string(value, multiline="\n" in value)
    if isinstance(value, dict):
        table = tomlkit.inline_table()
        for key, inner in value.items():
            table[key] = _toml_value(inner)
        return table
    if isinstance(value, list | tuple):
        array = tomlkit.array()
        for inner in value:
            array.append(_toml_value(inner))
        if value and isinstance(value[0], dict):
            array.multiline(True)
        return array
    return value


def render_item(item_id: str, fields: Mapping[str, Any]) -> str:
    """A new item's block, `[items.ID]` and its fields in the order given."""
    import tomlkit

    table = tomlkit.table()
    for name, value in fields.items():
        table[name] = _toml_value(value)
    items = tomlkit.table(is_super_table=True)
    items[item_id] = table
    doc = tomlkit.document()
    doc["items"] = items
    return tomlkit.dumps(doc)


def render_deleted(record: Mapping[str, Any]) -> str:
    """One `[[deleted]]` entry."""
    import tomlkit

    table = tomlkit.table()
    for name, value in record.items():
        table[name] = _toml_value(value)
    doc = tomlkit.document()
    doc.append("deleted", tomlkit.aot())
    doc["deleted"].append(table)
    return tomlkit.dumps(doc)


def _apply_edit(container: Any, edit: ItemEdit) -> None:
    """Apply an edit to a tomlkit table in place, keeping every untouched line."""
    import tomlkit

    for name, value in edit.values.items():
        if value is None:
            if name in container:
                del container[name]
        elif name not in container and "history" in container:
            # New fields go above the history, which stays last and readable.
            history = container["history"]
            del container["history"]
            container[name] = _toml_value(value)
            container["history"] = history
        else:
            container[name] = _toml_value(value)
    if edit.history:
        if "history" not in container:
            history = tomlkit.array()
            history.multiline(True)
            container["history"] = history
        for entry in edit.history:
            container["history"].append(_toml_value(entry.as_data()))


def _nested(path: tuple[str, ...], table: Mapping[str, Any]) -> dict[str, Any]:
    node: dict[str, Any] = dict(table)
    for key in reversed(path):
        node = {key: node}
    return node


def _edited_setting_block(block: str, edit: SettingEdit) -> str:
    import tomlkit

    doc = tomlkit.parse(block)
    node: Any = doc
    for key in edit.path:
        node = node[key]
    for key, value in edit.values.items():
        node[key] = _toml_value(value)
    return tomlkit.dumps(doc)


def _edited_block(block: str, edit: ItemEdit) -> str:
    import tomlkit

    doc = tomlkit.parse(block)
    _apply_edit(doc["items"][edit.item_id], edit)
    return tomlkit.dumps(doc)


# ---- splicing -------------------------------------------------------------------------


def spliced(text: str, data: Mapping[str, Any], change: Change) -> str:
    """`text` (which parses to `data`) with a rebased change applied.

    Block by block when the layout allows, else through the whole document; either way the
    result is checked to hold exactly the data the change should produce.
    """
    try:
        return _spliced_blocks(text, data, change)
    except Exception:  # noqa: BLE001 - unusual text or a tomlkit surprise: the checked path
        pass
    try:
        return _spliced_document(text, data, change)
    except Exception as error:  # noqa: BLE001 - whatever failed, nothing may be written
        raise SaveError(
            f"could not write this change safely ({error}); the file is unchanged"
        ) from error


def _spliced_blocks(text: str, data: Mapping[str, Any], change: Change) -> str:
    items: Mapping[str, Any] = data.get("items", {})
    if not isinstance(items, dict):
        raise UnusualLayout("items is not a table")
    where = layout(text, frozenset(items))
    replacements: list[tuple[int, int, str]] = []
    appended: list[str] = []
    added: list[str] = []
    for step in change.steps:
        if isinstance(step, SettingEdit):
            start, end = table_span(text, step.path)
            old = text[start:end]
            _check_block(old, _nested(step.path, table_at(data, step.path)))
            new = _edited_setting_block(old, step)
            expected = {**table_at(data, step.path), **step.values}
            _check_block(new, _nested(step.path, expected))
            replacements.append((start, end, new))
        elif isinstance(step, ItemEdit):
            start, end = where.spans[step.item_id]
            old = text[start:end]
            _check_block(old, {"items": {step.item_id: items[step.item_id]}})
            new = _edited_block(old, step)
            _check_block(new, {"items": {step.item_id: edited_table(items[step.item_id], step)}})
            replacements.append((start, end, new))
        elif isinstance(step, ItemDelete):
            start, end = where.spans[step.item_id]
            _check_block(text[start:end], {"items": {step.item_id: items[step.item_id]}})
            replacements.append((*where.deletion(text, step.item_id), ""))
            record = render_deleted(step.record)
            _check_block(record, {"deleted": [dict(step.record)]})
            appended.append(record)
        else:
            assert step.item_id is not None
            block = render_item(step.item_id, step.fields)
            _check_block(block, {"items": {step.item_id: dict(step.fields)}})
            added.append(block)
    touched = sorted(replacements)
    if any(a[1] > b[0] for a, b in zip(touched, touched[1:], strict=False)):
        raise UnusualLayout("one change edits the same block twice")
    result = text
    for start, end, new in reversed(touched):
        result = result[:start] + new + result[end:]
    if added:
        # New items go after the last item (its position shifts by the edits before it).
        anchor = where.items_end if where.items_end is not None else len(text)
        shift = sum(len(new) - (end - start) for start, end, new in touched if end <= anchor)
        result = _insert(result, anchor + shift, "\n".join(added))
    for record in appended:
        result = _insert(result, len(result), record)
    return result


def _insert(text: str, pos: int, block: str) -> str:
    before, after = text[:pos], text[pos:]
    if before and not before.endswith("\n"):
        before += "\n"
    if before.strip() and not before.endswith("\n\n"):
        before += "\n"
    if after.strip():
        block += "\n"
    return before + block + after


def _check_block(block: str, expected: Mapping[str, Any]) -> None:
    try:
        parsed = tomllib.loads(block)
    except tomllib.TOMLDecodeError as error:
        raise UnusualLayout(f"a block does not parse on its own: {error}") from error
    if parsed != expected:
        raise UnusualLayout("a block does not hold what it should")


def comparable(data: Mapping[str, Any]) -> dict[str, Any]:
    """Data as a file shows it: an empty `items` table is the same as none."""
    return {k: v for k, v in data.items() if not (k == "items" and v == {})}


def _spliced_document(text: str, data: Mapping[str, Any], change: Change) -> str:
    """The slow path: the whole document through tomlkit, then checked in full."""
    import copy

    import tomlkit

    doc = tomlkit.parse(text)
    items = doc.setdefault("items", tomlkit.table(is_super_table=True))
    for step in change.steps:
        if isinstance(step, SettingEdit):
            node: Any = doc
            for key in step.path:
                node = node.setdefault(key, tomlkit.table())
            for key, value in step.values.items():
                node[key] = _toml_value(value)
        elif isinstance(step, ItemEdit):
            _apply_edit(items[step.item_id], step)
        elif isinstance(step, ItemDelete):
            del items[step.item_id]
            if "deleted" not in doc:
                doc.append("deleted", tomlkit.aot())
            entry = tomlkit.table()
            for name, value in step.record.items():
                entry[name] = _toml_value(value)
            doc["deleted"].append(entry)
        else:
            assert step.item_id is not None
            table = tomlkit.table()
            for name, value in step.fields.items():
                table[name] = _toml_value(value)
            items[step.item_id] = table
    result = tomlkit.dumps(doc)
    expected = copy.deepcopy(dict(data))
    apply_to_data(expected, change)
    if comparable(tomllib.loads(result)) != comparable(expected):
        raise SaveError("the edited document does not hold what it should")
    return result
