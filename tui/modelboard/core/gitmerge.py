"""The git merge driver: three versions of a store merged by item and field.

What the other branch changed since the common ancestor becomes a `Change`, which is rebased
on our version exactly as a save is rebased on a teammate's. Items added on both branches
under one id are both kept (theirs renumbered); what both changed differently is written
with git's conflict markers around just those lines.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomlkit

from modelboard.core import history
from modelboard.core.actor import Actor
from modelboard.core.change import (
    Change,
    ItemAdd,
    ItemDelete,
    ItemEdit,
    RecordAdd,
    SettingEdit,
    Step,
    apply_to_data,
    table_at,
)
from modelboard.core.errors import Conflict, OperationError, StoreUnreadableError
from modelboard.core.history import entry_from_data
from modelboard.core.ids import next_id
from modelboard.core.merge import rebase_partly
from modelboard.core.model import deleted_ids
from modelboard.core.rhythm import RECORD_ARRAYS
from modelboard.core.splice import render_item, spliced, toml_value
from modelboard.core.store import parse_store, text_of
from modelboard.core.toml_layout import layout, table_span

_NOT_SETTINGS = ("items", "deleted", "version", *RECORD_ARRAYS)


@dataclass(frozen=True)
class MergeResult:
    """The merged text, what a person must decide, and the ids renumbered on the way."""

    text: str
    conflicts: tuple[Conflict, ...]
    renumbered: tuple[tuple[str, str], ...]


def merge_files(base: Path, ours: Path, theirs: Path, actor: Actor) -> MergeResult:
    """Merge the three files git hands the driver (BASE may be empty: no common ancestor).

    A side that cannot be read as a store is no reason to lose the other: the whole file is
    then one conflict, both versions between the markers, for a person to sort out.
    """
    sides = {"base": base, "ours": ours, "theirs": theirs}
    raw = {label: _read(path, label) for label, path in sides.items()}
    ours_text, newline = text_of(raw["ours"])
    try:
        # a criss-cross merge hands over a common ancestor that itself holds conflicts
        base_text = _ours_side(raw["base"].decode("utf-8"))
        base_data = parse_store(base_text.encode(), Path("the common ancestor"))
        ours_data = parse_store(raw["ours"], Path("ours"))
        theirs_data = parse_store(raw["theirs"], Path("theirs"))
    except (StoreUnreadableError, UnicodeDecodeError) as error:
        theirs_text = text_of(raw["theirs"])[0] if _is_text(raw["theirs"]) else ""
        whole = f"<<<<<<< ours\n{ours_text}=======\n{theirs_text}>>>>>>> theirs\n"
        reason = getattr(error, "message", str(error))
        conflict = Conflict("(file)", "(whole file)", reason, "")
        return MergeResult(whole.replace("\n", newline), (conflict,), ())
    result = merge(base_data, ours_text, ours_data, theirs_data, actor)
    return MergeResult(result.text.replace("\n", newline), result.conflicts, result.renumbered)


def _read(path: Path, label: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise OperationError(f"cannot read {label} ({path}): {error.strerror}") from None


def _is_text(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _ours_side(text: str) -> str:
    """Text with git's conflict blocks replaced by their first side."""
    kept, side = [], None
    for line in text.splitlines(keepends=True):
        if line.startswith("<<<<<<< "):
            side = "ours"
        elif line.startswith("=======") and side == "ours":
            side = "theirs"
        elif line.startswith(">>>>>>> ") and side == "theirs":
            side = None
        elif side != "theirs":
            kept.append(line)
    return "".join(kept)


def merge(
    base: Mapping[str, Any],
    ours_text: str,
    ours: Mapping[str, Any],
    theirs: Mapping[str, Any],
    actor: Actor,
) -> MergeResult:
    """`ours_text` with what `theirs` changed since `base` merged in."""
    change, renumbered = _their_change(base, ours, theirs, actor)
    base_items = base.get("items", {})
    ours_items = ours.get("items", {})
    taken = deleted_ids(ours) | deleted_ids(theirs)
    rebased, conflicts = rebase_partly(change, base_items, ours_items, taken, ours)
    text = spliced(ours_text, ours, rebased) if rebased.steps else ours_text
    if conflicts:
        merged = {**ours, "items": dict(ours_items)}
        apply_to_data(merged, rebased)
        text = _marked(text, merged, conflicts, theirs)
    return MergeResult(text, conflicts, tuple(renumbered))


def _their_change(
    base: Mapping[str, Any], ours: Mapping[str, Any], theirs: Mapping[str, Any], actor: Actor
) -> tuple[Change, list[tuple[str, str]]]:
    """What the other branch did since the common ancestor, as one change; and the ids of
    items both added, with the new ids theirs take."""
    steps: list[Step] = []
    renumbered: list[tuple[str, str]] = []
    base_items = base.get("items", {})
    ours_items = ours.get("items", {})
    their_items = theirs.get("items", {})
    taken = {*base_items, *ours_items, *their_items, *deleted_ids(ours), *deleted_ids(theirs)}
    records = {r.get("id"): r for r in theirs.get("deleted", []) if isinstance(r, dict)}
    for item_id, table in their_items.items():
        if item_id in base_items:
            edit = _edit(item_id, base_items[item_id], table)
            if edit is not None:
                steps.append(edit)
        elif item_id in ours_items and ours_items[item_id] != table:
            new_id = next_id(taken)
            taken.add(new_id)
            renumbered.append((item_id, new_id))
            steps.append(_renumbered(item_id, new_id, table, actor))
        elif item_id not in ours_items:
            steps.append(ItemAdd(dict(table), item_id))
    for item_id, table in base_items.items():
        if item_id not in their_items:
            record = records.get(item_id) or {"id": item_id, "title": table.get("title", "")}
            steps.append(ItemDelete(item_id, record))
    steps.extend(_setting_edits(base, theirs, ()))
    for log in RECORD_ARRAYS:  # records the other branch made, once
        known = [*_list(base.get(log)), *_list(ours.get(log))]
        steps.extend(RecordAdd(log, r) for r in _list(theirs.get(log)) if r not in known)
    return Change(tuple(steps), "merged"), renumbered


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _renumbered(item_id: str, new_id: str, table: Mapping[str, Any], actor: Actor) -> ItemAdd:
    """An item both branches added under one id: theirs takes the next free id."""
    entry = history.renumbered(actor, item_id, new_id)
    fields = dict(table)
    fields["history"] = [*fields.get("history", []), entry.as_data()]
    return ItemAdd(fields, new_id)


def _edit(item_id: str, base: Mapping[str, Any], theirs: Mapping[str, Any]) -> ItemEdit | None:
    values = {
        name: theirs.get(name)
        for name in set(base) | set(theirs)
        if name != "history" and base.get(name) != theirs.get(name)
    }
    old = list(base.get("history", []))
    new = [e for e in theirs.get("history", []) if e not in old]
    entries = tuple(e for e in (entry_from_data(d) for d in new) if e is not None)
    if not values and not entries:
        return None
    return ItemEdit(item_id, values, entries)


def _setting_edits(
    base: Mapping[str, Any], theirs: Mapping[str, Any], path: tuple[str, ...]
) -> list[SettingEdit]:
    """Changed keys of the settings tables ([board], [scoring.criteria.x], [goals.G1], ...)."""
    edits: list[SettingEdit] = []
    here_base = table_at(base, path) if path else base
    here_theirs = table_at(theirs, path) if path else theirs
    values: dict[str, Any] = {}
    previous: dict[str, Any] = {}
    for key in dict.fromkeys([*here_theirs, *here_base]):
        if not path and key in _NOT_SETTINGS:
            continue
        value, was = here_theirs.get(key), here_base.get(key)
        if isinstance(value, dict) or (value is None and isinstance(was, dict)):
            edits.extend(_setting_edits(base, theirs, (*path, key)))  # None: a table removed
        elif was != value:
            values[key], previous[key] = value, was
    if values and path:
        edits.insert(0, SettingEdit(path, values, previous))
    return edits


# ---- conflict markers ---------------------------------------------------------------------


def _marked(
    text: str,
    merged: Mapping[str, Any],
    conflicts: tuple[Conflict, ...],
    theirs: Mapping[str, Any],
) -> str:
    """The text with git's markers around each conflicting line: ours, then theirs. A line
    one side does not have stands empty on that side, so every conflict has its markers."""
    items = merged.get("items", {})
    spans = layout(text, frozenset(items)).spans
    their_items = theirs.get("items", {})
    marks: dict[tuple[int, int], str] = {}
    for conflict in conflicts:
        if conflict.field == "(item)":
            if conflict.item_id in spans:  # changed here, deleted there
                marks[spans[conflict.item_id]] = ""
            else:  # deleted here, changed there: their whole item, after the others
                end = max((e for _, e in spans.values()), default=len(text))
                table = their_items.get(conflict.item_id, {})
                marks[(end, end)] = render_item(conflict.item_id, table)
            continue
        if conflict.item_id in spans:
            start, end = spans[conflict.item_id]
            name = conflict.field.partition(".")[0]
            their_value = their_items.get(conflict.item_id, {}).get(name)
        else:  # a setting: item_id is the table's dotted path
            table_path = tuple(conflict.item_id.split("."))
            start, end = table_span(text, table_path)
            name = conflict.field
            their_value = table_at(theirs, table_path).get(name)
        line = _line_of(text, start, end, name)
        if line is None:  # not a line here: an empty side, just under the header
            header_end = text.find("\n", start, end) + 1 or end
            line = (header_end, header_end)
        if line not in marks:
            marks[line] = _rendered(name, their_value)
    for (start, end), their_lines in sorted(marks.items(), reverse=True):
        ours = text[start:end]
        if ours and not ours.endswith("\n"):
            ours += "\n"
        text = (
            f"{text[:start]}<<<<<<< ours\n{ours}=======\n{their_lines}>>>>>>> theirs\n{text[end:]}"
        )
    return text


def _rendered(name: str, value: Any) -> str:
    """`name = value` on one line (tables inline), as the file holds such a field."""
    if value is None:
        return ""
    doc = tomlkit.document()
    doc[name] = toml_value(value)
    return tomlkit.dumps(doc)


def _line_of(text: str, start: int, end: int, name: str) -> tuple[int, int] | None:
    """The lines of `name = ...` inside text[start:end] (a multi-line value takes several)."""
    key = re.compile(rf"^[ \t]*{re.escape(name)}[ \t]*=", re.MULTILINE)
    found = key.search(text, start, end)
    if found is None:
        return None
    line_end = found.start()
    while line_end < end:
        next_end = text.find("\n", line_end, end)
        line_end = end if next_end == -1 else next_end + 1
        try:
            tomllib.loads(text[found.start() : line_end])
            return found.start(), line_end
        except tomllib.TOMLDecodeError:
            continue
    return None
