"""Edit TOML text one item table at a time, so a save never re-parses the whole file.

`toml_layout` finds each item's block; each changed block is parsed and dumped with tomlkit
on its own, and both the old and the new block are checked with `tomllib` against the data
they must hold. Text the layout cannot vouch for goes through the whole-document path
instead, checked the same way.
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import tomlkit

from modelboard.core.change import (
    Change,
    ItemDelete,
    ItemEdit,
    RecordAdd,
    RecordTrim,
    SettingEdit,
    apply_to_data,
    edited_table,
    table_at,
)
from modelboard.core.errors import SaveError
from modelboard.core.toml_layout import (
    Layout,
    Lexed,
    UnusualLayout,
    layout,
    lex,
    shifted,
    table_span,
)

# ---- rendering ---------------------------------------------------------------------------


def toml_value(value: Any) -> Any:
    """A value as tomlkit writes it on one line: tables inline, arrays of tables one per line."""
    if isinstance(value, str):
        return tomlkit.string(value, multiline="\n" in value)
    if isinstance(value, dict):
        table = tomlkit.inline_table()
        for key, inner in value.items():
            table[key] = toml_value(inner)
        return table
    if isinstance(value, list | tuple):
        array = tomlkit.array()
        for inner in value:
            array.append(toml_value(inner))
        if value and isinstance(value[0], dict):
            array.multiline(True)
        return array
    return value


def render_item(item_id: str, fields: Mapping[str, Any]) -> str:
    """A new item's block, `[items.ID]` and its fields in the order given."""
    table = tomlkit.table()
    for name, value in fields.items():
        table[name] = toml_value(value)
    items = tomlkit.table(is_super_table=True)
    items[item_id] = table
    doc = tomlkit.document()
    doc["items"] = items
    return tomlkit.dumps(doc)


def render_record(array: str, record: Mapping[str, Any]) -> str:
    """One entry of an array of tables: `[[deleted]]`, `[[reviews]]`, ..."""
    table = tomlkit.table()
    for name, value in record.items():
        table[name] = toml_value(value)
    doc = tomlkit.document()
    doc.append(array, tomlkit.aot())
    doc[array].append(table)
    return tomlkit.dumps(doc)


def _apply_edit(container: Any, edit: ItemEdit) -> None:
    """Apply an edit to a tomlkit table in place, keeping every untouched line."""
    for name, value in edit.values.items():
        if value is None:
            if name in container:
                del container[name]
        elif name not in container and "history" in container:
            # New fields go above the history, which stays last and readable.
            history = container["history"]
            del container["history"]
            container[name] = toml_value(value)
            container["history"] = history
        else:
            container[name] = toml_value(value)
    if edit.history:
        if "history" not in container:
            history = tomlkit.array()
            history.multiline(True)
            container["history"] = history
        for entry in edit.history:
            container["history"].append(toml_value(entry.as_data()))


def _nested(path: tuple[str, ...], table: Mapping[str, Any]) -> dict[str, Any]:
    node: dict[str, Any] = dict(table)
    for key in reversed(path):
        node = {key: node}
    return node


def _edited_setting_block(block: str, edit: SettingEdit) -> str:
    doc = tomlkit.parse(block)
    node: Any = doc
    for key in edit.path:
        node = node[key]
    for key, value in edit.values.items():
        node[key] = toml_value(value)
    return tomlkit.dumps(doc)


def _edited_block(block: str, edit: ItemEdit) -> str:
    doc = tomlkit.parse(block)
    _apply_edit(doc["items"][edit.item_id], edit)
    return tomlkit.dumps(doc)


# ---- splicing -------------------------------------------------------------------------


def spliced(text: str, data: Mapping[str, Any], change: Change) -> str:
    """`text` (which parses to `data`) with a rebased change applied.

    Block by block when the layout allows, else through the whole document; either way the
    result is checked to hold exactly the data the change should produce.
    """
    return spliced_lexed(text, data, change)[0]


def spliced_lexed(
    text: str,
    data: Mapping[str, Any],
    change: Change,
    lexed: Lexed | None = None,
    memo: Rehearsal | None = None,
    where: Layout | None = None,
) -> tuple[str, Lexed | None]:
    """`spliced`, given the lexing of `text` and where its items are, if known, and the
    blocks a rehearsal rendered; also returns the lexing of the result, shifted from the
    old one (None when the whole-document path was taken)."""
    try:
        return _spliced_blocks(text, data, change, lexed or lex(text), memo, where)
    except Exception:  # unusual text or a tomlkit surprise: take the checked path
        pass
    try:
        return _spliced_document(text, data, change), None
    except Exception as error:  # whatever failed, nothing may be written
        raise SaveError(
            f"could not write this change safely ({error}); the file is unchanged. Some "
            "layouts cannot be followed, such as items written as dotted keys "
            "(items.M-1.title = ...): write each item as its own [items.ID] table"
        ) from error


Rehearsal = dict[tuple[str, str, str], list[tuple[Any, Any, str]]]
"""Blocks a splice rendered, by what they were rendered from (step, table, text). A save
renders its change on the file as read ahead before it takes the lock (`rehearse`), and
holding the lock reuses every block whose inputs are unchanged: tomlkit renders slowly,
and rendering was most of a save's time under the lock."""


def rehearse(
    text: str,
    data: Mapping[str, Any],
    change: Change,
    lexed: Lexed,
    memo: Rehearsal,
    where: Layout | None = None,
) -> None:
    """Render and check the blocks of a change to `text` into `memo`, writing nothing."""
    where = where or _layout_of(text, data, lexed)
    for step in change.steps:
        _rendered(step, text, data, where, lexed, memo)


def _spliced_blocks(
    text: str,
    data: Mapping[str, Any],
    change: Change,
    lexed: Lexed,
    memo: Rehearsal | None = None,
    where: Layout | None = None,
) -> tuple[str, Lexed]:
    where = where or _layout_of(text, data, lexed)
    replacements: list[tuple[int, int, str]] = []
    appended: list[str] = []
    added: list[str] = []
    for step in change.steps:
        where_to, new = _rendered(step, text, data, where, lexed, memo)
        if where_to == "added":
            added.append(new)
        else:
            if where_to is not None:
                replacements.append((*where_to, "" if isinstance(step, ItemDelete) else new))
            if isinstance(step, ItemDelete | RecordAdd):
                appended.append(new)
    touched = sorted(replacements)
    if any(a[1] > b[0] for a, b in zip(touched, touched[1:], strict=False)):
        raise UnusualLayout("one change edits the same block twice")
    result = "".join(_pieces(text, touched))
    edits = list(touched)  # in the old text's positions, for shifting the lexing
    if added:
        # New items go after the last item (its position shifts by the edits before it).
        anchor = where.items_end if where.items_end is not None else len(text)
        shift = sum(len(new) - (end - start) for start, end, new in touched if end <= anchor)
        before = len(result)
        result = _insert(result, anchor + shift, "\n".join(added))
        grown = len(result) - before
        edits.append((anchor, anchor, result[anchor + shift : anchor + shift + grown]))
    if appended:
        before = len(result)
        for record in appended:
            result = _insert(result, len(result), record)
        edits.append((len(text), len(text), result[before:]))
    edits.sort(key=lambda edit: (edit[0], edit[1]))  # stable: an insertion keeps its turn
    return result, shifted(lexed, edits)


def _layout_of(text: str, data: Mapping[str, Any], lexed: Lexed) -> Layout:
    items = data.get("items", {})
    if not isinstance(items, dict):
        raise UnusualLayout("items is not a table")
    return layout(text, frozenset(items), lexed)


def _rendered(
    step: Any,
    text: str,
    data: Mapping[str, Any],
    where: Layout,
    lexed: Lexed,
    memo: Rehearsal | None,
) -> tuple[tuple[int, int] | str | None, str]:
    """What one step puts into the text, checked: the range it replaces (or "added" for a
    new item's block, None for a record appended at the end) and the new text."""
    items: Mapping[str, Any] = data["items"] if "items" in data else {}
    if isinstance(step, SettingEdit):
        if None in step.values.values():
            raise UnusualLayout("a setting removed: the whole-document path removes it")
        start, end = table_span(text, step.path, lexed)
        old = text[start:end]
        _check_block(old, _nested(step.path, table_at(data, step.path)))
        new = _edited_setting_block(old, step)
        expected = {**table_at(data, step.path), **step.values}
        _check_block(new, _nested(step.path, expected))
        return (start, end), new
    if isinstance(step, ItemEdit):
        start, end = where.spans[step.item_id]
        old, table = text[start:end], items[step.item_id]

        def edited() -> str:
            _check_block(old, {"items": {step.item_id: table}})
            new = _edited_block(old, step)
            _check_block(new, {"items": {step.item_id: edited_table(table, step)}})
            return new

        return (start, end), _remembered(memo, ("edit", step.item_id, old), step, table, edited)
    if isinstance(step, ItemDelete):
        start, end = where.spans[step.item_id]
        _check_block(text[start:end], {"items": {step.item_id: items[step.item_id]}})

        def deleted() -> str:
            record = render_record("deleted", step.record)
            _check_block(record, {"deleted": [dict(step.record)]})
            return record

        record = _remembered(memo, ("record", "deleted", ""), step, None, deleted)
        return where.deletion(text, step.item_id), record
    if isinstance(step, RecordTrim):
        raise UnusualLayout("a record trimmed: the whole-document path finds it")
    if isinstance(step, RecordAdd):

        def recorded() -> str:
            record = render_record(step.array, step.record)
            _check_block(record, {step.array: [dict(step.record)]})
            return record

        return None, _remembered(memo, ("record", step.array, ""), step, None, recorded)
    assert step.item_id is not None

    def rendered() -> str:
        block = render_item(step.item_id, step.fields)
        _check_block(block, {"items": {step.item_id: dict(step.fields)}})
        return block

    return "added", _remembered(memo, ("add", step.item_id, ""), step, None, rendered)


def _remembered(
    memo: Rehearsal | None,
    key: tuple[str, str, str],
    step: Any,
    table: Any,
    render: Callable[[], str],
) -> str:
    """`render()`, or what it gave before for an equal step on an equal table and text."""
    if memo is None:
        return render()
    for seen_step, seen_table, block in memo.get(key, ()):
        if seen_step == step and seen_table == table:
            return block
    block = render()
    memo.setdefault(key, []).append((step, table, block))
    return block


def _pieces(text: str, edits: list[tuple[int, int, str]]) -> Iterator[str]:
    """The text with each (start, end, new) replaced, in one pass (no copy per edit)."""
    position = 0
    for start, end, new in edits:
        yield text[position:start]
        yield new
        position = end
    yield text[position:]


def _append_record(doc: Any, array: str, record: Mapping[str, Any]) -> None:
    if array not in doc:
        doc.append(array, tomlkit.aot())
    entry = tomlkit.table()
    for name, value in record.items():
        entry[name] = toml_value(value)
    doc[array].append(entry)


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
    doc = tomlkit.parse(text)
    items = doc.setdefault("items", tomlkit.table(is_super_table=True))
    for step in change.steps:
        if isinstance(step, SettingEdit):
            parent: Any = None
            node: Any = doc
            new_table = False
            for key in step.path:
                new_table = key not in node
                parent, node = node, node.setdefault(key, tomlkit.table())
            for key, value in step.values.items():
                if value is None:
                    node.pop(key, None)
                else:
                    node[key] = toml_value(value)
            if new_table and node:
                node.add(tomlkit.nl())  # a blank line before whatever table follows
            if not node and None in step.values.values() and parent is not None:
                del parent[step.path[-1]]
        elif isinstance(step, ItemEdit):
            _apply_edit(items[step.item_id], step)
        elif isinstance(step, ItemDelete):
            del items[step.item_id]
            _append_record(doc, "deleted", step.record)
        elif isinstance(step, RecordAdd):
            _append_record(doc, step.array, step.record)
        elif isinstance(step, RecordTrim):
            records = doc.get(step.array, [])
            if 0 <= step.index < len(records) and step.key in records[step.index]:
                del records[step.index][step.key]
        else:
            assert step.item_id is not None
            table = tomlkit.table()
            for name, value in step.fields.items():
                table[name] = toml_value(value)
            items[step.item_id] = table
    result = tomlkit.dumps(doc)
    expected = copy.deepcopy(dict(data))
    apply_to_data(expected, change)
    if comparable(tomllib.loads(result)) != comparable(expected):
        raise SaveError("the edited document does not hold what it should")
    return result
