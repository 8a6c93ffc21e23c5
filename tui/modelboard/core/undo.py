"""Undo: the change that takes a committed change back, built from the backlog before it."""

from __future__ import annotations

from typing import Any

from modelboard.core import history
from modelboard.core.actor import Actor
from modelboard.core.change import (
    Change,
    ItemAdd,
    ItemDelete,
    ItemEdit,
    RecordAdd,
    RecordTrim,
    SettingEdit,
    Step,
)
from modelboard.core.model import Backlog
from modelboard.core.operations import delete_item, edit_item


def inverse(applied: Change, before: Backlog, after: Backlog, actor: Actor) -> Change:
    """The change that restores what `applied` changed, as a new change with its own history.

    Edits are set back field by field (and recorded in the history like any edit), a new item
    is deleted again, and a deleted item comes back under its old id.
    """
    steps: list[Step] = []
    for step in reversed(applied.steps):
        if isinstance(step, SettingEdit):
            steps.append(SettingEdit(step.path, step.previous, step.values))
        elif isinstance(step, ItemAdd):
            if step.item_id is not None and step.item_id in after.items:
                steps.extend(delete_item(after, step.item_id, actor).steps)
        elif isinstance(step, ItemDelete):
            item = before.items.get(step.item_id)
            if item is not None:
                steps.append(ItemAdd(dict(item.data), step.item_id))
        elif isinstance(step, RecordAdd) and step.record.get("kind") == "goal":
            goal_id, words = str(step.record.get("goal", "")), str(step.record.get("change", ""))
            what = words.removeprefix(f"goal {goal_id} ")
            taken_back = history.goal_event(actor, goal_id, f"goal {goal_id} taken back: {what}")
            steps.append(RecordAdd("history", taken_back.as_data()))
        elif isinstance(step, RecordAdd | RecordTrim):
            continue  # a log keeps what happened, undone or not
        elif isinstance(step, ItemEdit):
            old, now = before.items.get(step.item_id), after.items.get(step.item_id)
            if old is None or now is None:
                continue
            values: dict[str, Any] = {
                name: old.data.get(name)
                for name in step.values
                if name not in ("updated", "history")
            }
            if "scores" in values:
                # Every score either side has: one added since then must go again.
                values["scores"] = {k: old.scores.get(k) for k in {*old.scores, *now.scores}}
            steps.extend(edit_item(after, step.item_id, values, actor).steps)
    return Change(tuple(steps), f"undid: {applied.summary}")
