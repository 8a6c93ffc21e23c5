"""Import items from JSON or CSV in the export's own shape, merged by id.

Every row is checked before anything is written: one bad row refuses the whole import, with
the row numbers of all the bad ones. Derived fields (priority, stale, ...) are ignored.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from modelboard.core import history
from modelboard.core.actor import Actor
from modelboard.core.change import Change, ItemAdd, ItemEdit, Step
from modelboard.core.errors import OperationError
from modelboard.core.ids import is_id
from modelboard.core.model import Backlog
from modelboard.core.operations import edit_item, new_item_fields, validated
from modelboard.core.store import MAX_DEPTH, too_deep
from modelboard.core.text import from_sheet, plural, whole_number
from modelboard.core.times import whole_seconds

TIMES = ("created", "updated", "reviewed")


class ImportRejected(OperationError):
    """Some rows are bad; nothing was imported."""


@dataclass(frozen=True)
class Plan:
    """What an import does: the change to save, and one line per item for the person."""

    change: Change
    lines: tuple[str, ...]


def rows_of(text: str, kind: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(row label, fields) for each item in a JSON or CSV export."""
    if kind == "json":
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise ImportRejected(f"not JSON: line {error.lineno}, column {error.colno}") from None
        except RecursionError:
            raise ImportRejected("not an export: values nested too deeply") from None
        if too_deep({"": document}, MAX_DEPTH) is not None:
            raise ImportRejected(f"not an export: values nested more than {MAX_DEPTH} deep")
        items = document.get("items") if isinstance(document, dict) else document
        if not isinstance(items, list):
            raise ImportRejected("JSON must be an export (an object with 'items') or a list")
        for number, item in enumerate(items, start=1):
            yield f"item {number}", item if isinstance(item, dict) else {"": item}
        return
    reader = csv.DictReader(io.StringIO(text))
    for record in reader:
        fields: dict[str, Any] = {}
        scores: dict[str, Any] = {}
        for column, cell in record.items():
            if column is None:
                fields[""] = cell  # more cells than columns
                continue
            value = from_sheet(cell) if isinstance(cell, str) else cell
            if column.startswith("score."):
                scores[column.removeprefix("score.")] = value
            elif column in ("tags", "goals"):
                fields[column] = [t for t in (value or "").split(";") if t.strip()]
            else:
                fields[column] = value
        fields["scores"] = scores
        yield f"row {reader.line_num}", fields


def plan_import(backlog: Backlog, text: str, kind: str, actor: Actor) -> Plan:
    """The change an import makes; ImportRejected naming every bad row."""
    steps: list[Step] = []
    lines: list[str] = []
    errors: list[str] = []
    seen: set[str] = set()
    for label, row in rows_of(text, kind):
        try:
            step, line = _row_step(backlog, row, actor, seen)
        except (OperationError, ValueError, TypeError) as error:
            errors.append(f"{label}: {error}")
            continue
        if step is not None:
            steps.append(step)
            lines.append(line)
    if errors:
        raise ImportRejected("nothing was imported; fix these rows:\n  " + "\n  ".join(errors))
    return Plan(Change(tuple(steps), f"imported {plural(len(steps), 'item')}"), tuple(lines))


def _row_step(
    backlog: Backlog, row: dict[str, Any], actor: Actor, seen: set[str]
) -> tuple[Step | None, str]:
    if "" in row:
        raise OperationError("not an item (extra cells or not an object)")
    raw_id = row.get("id")
    item_id = raw_id.strip() or None if isinstance(raw_id, str) else None
    if raw_id not in (None, "") and (item_id is None or not is_id(item_id)):
        shown = repr(raw_id)[:40]
        raise OperationError(f"id {shown} is not an id (ids look like M-12)")
    if item_id is not None:
        if item_id in seen:
            raise OperationError(f"{item_id} appears twice")
        seen.add(item_id)
    board = backlog.board
    names = ("title", "stage", "kind", "owner", "tags", "goals", *board.template_fields)
    values = {name: row[name] for name in names if name in row}
    values = {k: v for k, v in values.items() if v is not None}
    raw_scores = row.get("scores") or {}
    if not isinstance(raw_scores, dict):
        raise OperationError("scores: must be an object of criterion: score")
    scores = {k: _score(k, v) for k, v in raw_scores.items()}
    values["scores"] = scores
    clean = validated(board, values)
    existing = backlog.item(item_id) if item_id else None
    if existing is not None:
        # A score absent from the row is left as it is; an empty cell (or null) clears it.
        for name in ("owner", "tags", "goals", *board.template_fields):
            if name in clean and clean[name] in ("", []):
                clean[name] = None  # empty in an export means absent
        change = edit_item(backlog, existing.id, clean, actor)
        step = change.steps[0] if change.steps else None
        if not isinstance(step, ItemEdit):
            return None, ""
        changed = [k for k in step.values if k != "updated"]
        return step, f"update {existing.id}: {', '.join(changed)}"
    if not clean.get("title"):
        raise OperationError("a new item needs a title")
    for name in TIMES:
        if row.get(name):
            clean[name] = _moment(name, row[name])
    if row.get("snoozed_until"):
        clean["snoozed_until"] = dt.date.fromisoformat(str(row["snoozed_until"])[:10])
    entries = row.get("history")
    if isinstance(entries, list):
        clean["history"] = [_entry(entry) for entry in entries]
    fields = new_item_fields(board, clean, actor, history.imported(actor))
    return ItemAdd(fields, item_id), f"add {item_id or 'a new id'}: {fields['title']}"


def _score(name: str, value: Any) -> int | None:
    if value in (None, ""):
        return None
    number = None if isinstance(value, bool | float) else whole_number(str(value))
    if number is None:
        raise OperationError(f"score {name}: {str(value)[:20]!r} is not a whole number from 1 to 5")
    return number


def _moment(name: str, value: Any) -> dt.datetime:
    try:
        return whole_seconds(dt.datetime.fromisoformat(str(value).replace("Z", "+00:00")))
    except (ValueError, OverflowError):
        raise OperationError(f"{name}: {str(value)[:40]!r} is not a date-time") from None


def _entry(entry: Any) -> dict[str, Any]:
    """A history entry of an export, as the store keeps it (its kind kept or worked out)."""
    if not isinstance(entry, dict) or "at" not in entry or "change" not in entry:
        raise OperationError("a history entry needs 'at' and 'change'")
    stored = history.entry_from_data(
        {
            **entry,
            "at": _moment("history", entry["at"]),
            "change": str(entry["change"]),
            "by": str(entry.get("by", "")),
        }
    )
    assert stored is not None, "at and change were just made valid"
    return stored.as_data()
