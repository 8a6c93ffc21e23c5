"""Changes as plain data, and how a change applies to parsed data.

A `Change` is what one user action does, in one save; the store commits it, the merge
rebases it on a teammate's save, and `apply_to_data` mirrors what the text splice writes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from modelboard.core.history import HistoryEntry


@dataclass(frozen=True)
class ItemAdd:
    """A new item; without an id the store picks the next free one under its lock."""

    fields: Mapping[str, Any]
    item_id: str | None = None


@dataclass(frozen=True)
class ItemEdit:
    """New values for some fields of one item (None removes the field), plus history."""

    item_id: str
    values: Mapping[str, Any]
    history: tuple[HistoryEntry, ...] = ()


@dataclass(frozen=True)
class ItemDelete:
    """An item removed; `record` is what the store keeps of it under `[[deleted]]`."""

    item_id: str
    record: Mapping[str, Any]


@dataclass(frozen=True)
class SettingEdit:
    """New values for keys of a settings table (such as a criterion's weight); None
    removes a key, and a table left empty by removals goes too.

    `previous` holds the values as they were, so the edit can be undone and merged.
    """

    path: tuple[str, ...]
    values: Mapping[str, Any]
    previous: Mapping[str, Any]

    @property
    def item_id(self) -> None:
        """Settings belong to no item."""
        return None


@dataclass(frozen=True)
class RecordAdd:
    """A record appended to one of the store's logs (`[[reviews]]`, `[[updates]]`,
    `[[history]]`): append-only, so it merges with anyone's and is never undone."""

    array: str
    record: Mapping[str, Any]

    @property
    def item_id(self) -> None:
        """Records belong to no item."""
        return None


@dataclass(frozen=True)
class RecordTrim:
    """A key taken out of an old record (the ranking snapshot of all but the newest ones):
    idempotent, so it merges with anyone's."""

    array: str
    index: int
    key: str

    @property
    def item_id(self) -> None:
        """Records belong to no item."""
        return None


Step = ItemAdd | ItemEdit | ItemDelete | SettingEdit | RecordAdd | RecordTrim


@dataclass(frozen=True)
class Change:
    """What one user action does to the backlog, in one save."""

    steps: tuple[Step, ...]
    summary: str

    @property
    def item_ids(self) -> tuple[str, ...]:
        """The items the change touches, in order (new ones once the store gave them ids)."""
        ids = (step.item_id for step in self.steps if step.item_id is not None)
        return tuple(dict.fromkeys(ids))


def table_at(data: Mapping[str, Any], path: tuple[str, ...]) -> Mapping[str, Any]:
    """The table at a dotted path, or an empty one."""
    node: Any = data
    for key in path:
        node = node.get(key, {}) if isinstance(node, Mapping) else {}
    return node if isinstance(node, Mapping) else {}


def edited_table(table: Mapping[str, Any], edit: ItemEdit) -> dict[str, Any]:
    """An item's table with an edit applied, as `tomllib` would read it back."""
    result = dict(table)
    for name, value in edit.values.items():
        if value is None:
            result.pop(name, None)
        else:
            result[name] = value
    if edit.history:
        history = list(result.get("history", []))
        history.extend(entry.as_data() for entry in edit.history)
        result["history"] = history
    return result


def apply_to_data(data: dict[str, Any], change: Change) -> None:
    """Apply a rebased change to parsed data in place, mirroring what the text splice does."""
    items = data.setdefault("items", {})
    for step in change.steps:
        if isinstance(step, ItemAdd):
            assert step.item_id is not None, "rebase assigns every id"
            items[step.item_id] = dict(step.fields)
        elif isinstance(step, ItemDelete):
            items.pop(step.item_id, None)
            data.setdefault("deleted", []).append(dict(step.record))
        elif isinstance(step, RecordAdd):
            data.setdefault(step.array, []).append(dict(step.record))
        elif isinstance(step, RecordTrim):
            records = data.get(step.array, [])
            if 0 <= step.index < len(records) and step.key in records[step.index]:
                records = data[step.array] = list(records)
                records[step.index] = {
                    k: v for k, v in records[step.index].items() if k != step.key
                }
        elif isinstance(step, SettingEdit):
            parents = []
            node = data
            for key in step.path:
                node[key] = dict(node.get(key, {}))
                parents.append((node, key))
                node = node[key]
            for key, value in step.values.items():
                if value is None:
                    node.pop(key, None)
                else:
                    node[key] = value
            if not node and None in step.values.values():
                parent, key = parents[-1]
                del parent[key]
        else:
            items[step.item_id] = edited_table(items[step.item_id], step)
