"""Three-way merge by item and field: our change, rebased on what is on disk now.

`base` is the data this process read, `theirs` the data on disk at save time. A field we
changed that they also changed, to something else, is a conflict; everything else merges.
Pure functions over plain data; the store does the reading and writing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from modelboard.core.change import (
    Change,
    ItemAdd,
    ItemDelete,
    ItemEdit,
    RecordAdd,
    RecordTrim,
    SettingEdit,
    Step,
    table_at,
)
from modelboard.core.errors import Conflict, ConflictError
from modelboard.core.ids import next_id
from modelboard.core.times import as_utc

# Times that only move forward: both sides setting them merges to the later one.
MONOTONIC_FIELDS = frozenset({"updated", "reviewed"})
Items = Mapping[str, Mapping[str, Any]]


def rebase(
    change: Change,
    base: Items,
    theirs: Items,
    deleted_ids: frozenset[str],
    their_data: Mapping[str, Any] | None = None,
) -> Change:
    """The change as it applies to `theirs`: only the fields we changed, merged per key.

    New items without an id get the next free one among `theirs` and `deleted_ids`.
    Raises ConflictError (and nothing is to be written) when a person has to decide.
    """
    rebased, conflicts = rebase_partly(change, base, theirs, deleted_ids, their_data)
    if conflicts:
        raise ConflictError(conflicts)
    return rebased


def rebase_partly(
    change: Change,
    base: Items,
    theirs: Items,
    deleted_ids: frozenset[str],
    their_data: Mapping[str, Any] | None = None,
) -> tuple[Change, tuple[Conflict, ...]]:
    """As `rebase`, but what conflicts is left out of the change and returned beside it
    (the git merge driver writes the rest, and marks the conflicts in the file)."""
    conflicts: list[Conflict] = []
    steps: list[Step] = []
    taken = set(theirs) | set(deleted_ids)
    for step in change.steps:
        if isinstance(step, ItemAdd):
            item_id = step.item_id or next_id(taken)
            if item_id in theirs:
                conflicts.append(Conflict(item_id, "(item)", "exists", "restored"))
                continue
            taken.add(item_id)
            steps.append(ItemAdd(step.fields, item_id))
        elif isinstance(step, RecordAdd | RecordTrim):
            steps.append(step)  # logs only grow (and trims are idempotent): nothing to merge
        elif isinstance(step, SettingEdit):
            setting = _rebased_setting(step, their_data or {}, conflicts)
            if setting is not None:
                steps.append(setting)
        elif isinstance(step, ItemDelete):
            their_item = theirs.get(step.item_id)
            if their_item is None:
                continue
            if their_item != base.get(step.item_id):
                conflicts.append(Conflict(step.item_id, "(item)", "changed", "deleted"))
                continue
            steps.append(step)
        else:
            edit = _rebased_edit(step, base.get(step.item_id, {}), theirs, conflicts)
            if edit is not None:
                steps.append(edit)
    return Change(tuple(steps), change.summary), tuple(conflicts)


def overruling(change: Change, their_data: Mapping[str, Any]) -> Change:
    """The change as the person chose to keep it over a teammate's: settings it edits count
    as changed from what is on disk now, so they win. (Item edits win by being rebased on
    the file as it is now.)"""
    steps: list[Step] = []
    for step in change.steps:
        if isinstance(step, SettingEdit):
            current = table_at(their_data, step.path)
            step = SettingEdit(step.path, step.values, {k: current.get(k) for k in step.values})
        steps.append(step)
    return Change(tuple(steps), change.summary)


def _rebased_setting(
    edit: SettingEdit, their_data: Mapping[str, Any], conflicts: list[Conflict]
) -> SettingEdit | None:
    current = table_at(their_data, edit.path)
    values = {}
    for key, mine in edit.values.items():
        old, now = edit.previous.get(key), current.get(key)
        if now not in (old, mine):
            conflicts.append(Conflict(".".join(edit.path), key, now, mine))
        elif now != mine:
            values[key] = mine
    return SettingEdit(edit.path, values, edit.previous) if values else None


def _rebased_edit(
    edit: ItemEdit, base: Mapping[str, Any], theirs: Items, conflicts: list[Conflict]
) -> ItemEdit | None:
    their_item = theirs.get(edit.item_id)
    if their_item is None:
        conflicts.append(Conflict(edit.item_id, "(item)", "deleted", "changed"))
        return None
    values: dict[str, Any] = {}
    for name, mine in edit.values.items():
        old = base.get(name)
        current = their_item.get(name)
        if name in MONOTONIC_FIELDS:
            # Both sides set it: the later time wins. Only we did: ours stands (an undo too).
            wanted = mine if current == old else _later(current, mine)
            if wanted != current:
                values[name] = wanted
        elif isinstance(mine, dict) and isinstance(old, dict | None):
            merged = _merged_table(edit.item_id, name, old or {}, mine, current, conflicts)
            if merged != current:
                values[name] = merged or None
        elif mine == old:
            continue  # not our change: theirs stands
        elif current != old and current != mine:
            conflicts.append(Conflict(edit.item_id, name, current, mine))
        elif current != mine:
            values[name] = mine
    if not values and not edit.history:
        return None
    return ItemEdit(edit.item_id, values, edit.history)


def _merged_table(
    item_id: str,
    name: str,
    old: Mapping[str, Any],
    mine: Mapping[str, Any],
    current: object,
    conflicts: list[Conflict],
) -> dict[str, Any]:
    """A table such as `scores` merged key by key."""
    result = dict(current) if isinstance(current, dict) else {}
    for key in set(old) | set(mine):
        was, want, now = old.get(key), mine.get(key), result.get(key)
        if want == was:
            continue
        if now != was and now != want:
            conflicts.append(Conflict(item_id, f"{name}.{key}", now, want))
        elif want is None:
            result.pop(key, None)
        else:
            result[key] = want
    return result


def _later(current: object, mine: object) -> object:
    if isinstance(current, dt.datetime) and isinstance(mine, dt.datetime):
        return max(current, mine, key=as_utc)
    return mine if mine is not None else current
