"""Requests on the backlog (add, edit, move, review, delete) turned into validated changes.

Nothing here touches the file: a `Change` is data, and the store commits it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
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
)
from modelboard.core.errors import OperationError
from modelboard.core.gates import checked_gate
from modelboard.core.goals import refused_goals
from modelboard.core.history import HistoryEntry
from modelboard.core.model import SCORE_MAX, SCORE_MIN, Backlog, Board, require_item
from modelboard.core.ranking import current_ranking
from modelboard.core.rhythm import ranking_text
from modelboard.core.text import clean_line, clean_text

LINE_FIELDS = ("title", "owner", "kind", "stage")
_SET_BELOW = ("scores", "created", "updated", "history")  # new_item_fields puts these last


# ---- validation ------------------------------------------------------------------------


def validated(board: Board, values: Mapping[str, Any]) -> dict[str, Any]:
    """Clean and check field values from a user; raise OperationError on the first bad one.

    Text loses control characters; a title must be one non-blank line; stages, kinds and
    scores must be ones the board knows. None (a field to remove) passes through.
    """
    result: dict[str, Any] = {}
    for name, value in values.items():
        if value is None:
            result[name] = None
        elif name == "scores":
            result[name] = validated_scores(board, value)
        elif name in ("tags", "goals"):
            result[name] = _tags(value)
        elif name in LINE_FIELDS:
            result[name] = _line(name, value)
        elif isinstance(value, str):
            result[name] = clean_text(value)
        else:
            result[name] = value
    if "title" in result and not (result["title"] or "").strip():
        raise OperationError("the title must not be empty")
    if result.get("stage") is not None and result["stage"] not in board.stages:
        raise OperationError(
            f"unknown stage {result['stage']!r}; the board's stages are: " + ", ".join(board.stages)
        )
    for goal_id in result.get("goals") or ():
        if board.goal(goal_id) is None:
            known = ", ".join(g.id for g in board.goals) or "none"
            raise OperationError(f"unknown goal {goal_id!r}; the board's goals are: {known}")
    if result.get("kind") and result["kind"] not in board.kinds:
        raise OperationError(
            f"unknown kind {result['kind']!r}; the board's kinds are: " + ", ".join(board.kinds)
        )
    return result


def validated_scores(board: Board, scores: Mapping[str, Any]) -> dict[str, int | None]:
    """Scores checked against the board's criteria; None clears a score."""
    result: dict[str, int | None] = {}
    for key, value in scores.items():
        if board.criterion(key) is None:
            known = ", ".join(c.key for c in board.criteria) or "none"
            raise OperationError(f"unknown criterion {key!r}; the board's criteria are: {known}")
        if value is None:
            result[key] = None
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            raise OperationError(f"score {key}: must be a whole number from 1 to 5")
        if not SCORE_MIN <= value <= SCORE_MAX:
            raise OperationError(f"score {key}: {value} is outside 1-5")
        result[key] = value
    return result


def _line(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise OperationError(f"{name}: must be text")
    try:
        return clean_line(value)
    except ValueError as error:
        raise OperationError(f"{name}: {error}") from None


def _tags(value: object) -> list[str]:
    if not isinstance(value, list | tuple):
        raise OperationError("tags: must be a list")
    tags: list[str] = []
    for tag in value:
        tag = _line("tag", tag).strip()
        if not tag:
            raise OperationError("tags: a tag must not be blank")
        if tag not in tags:
            tags.append(tag)
    return tags


# ---- building changes ------------------------------------------------------------------


def new_item_fields(
    board: Board, clean: Mapping[str, Any], actor: Actor, first_event: HistoryEntry
) -> dict[str, Any]:
    """A new item's table from validated values: the one place for a new item's defaults.

    Stage and kind default to the board's first; blank values and cleared scores are left
    out; `created` and `updated` are now unless given; the history starts with `first_event`.
    """
    if not clean.get("title"):
        raise OperationError("an item needs a title")
    fields: dict[str, Any] = {
        "title": clean["title"],
        "stage": clean.get("stage") or board.stages[0],
        "kind": clean.get("kind") or board.kinds[0],
    }
    for name in board.template_fields:
        if clean.get(name):
            fields[name] = clean[name]
    for name, value in clean.items():
        if name not in fields and name not in _SET_BELOW and not _blank(value):
            fields[name] = value
    scores = {k: v for k, v in (clean.get("scores") or {}).items() if v is not None}
    if scores:
        fields["scores"] = scores
    fields["created"] = clean.get("created") or actor.now
    fields["updated"] = clean.get("updated") or actor.now
    fields["history"] = [*clean.get("history", ()), first_event.as_data()]
    return fields


def add_item(
    backlog: Backlog, values: Mapping[str, Any], actor: Actor, force: bool = False
) -> Change:
    """A new item; stage defaults to the first stage, kind to the board's first kind. A
    stage whose gate the item does not meet is refused unless forced (and then recorded)."""
    board = backlog.board
    clean = validated(board, values)
    stage = clean.get("stage") or board.stages[0]
    refused_goals(board, clean.get("goals") or [])
    despite = checked_gate(board, stage, clean, None, force)
    fields = new_item_fields(board, clean, actor, history.created(actor, stage, despite))
    return Change((ItemAdd(fields),), f"added {fields['title']!r}")


def edit_item(
    backlog: Backlog, item_id: str, values: Mapping[str, Any], actor: Actor, force: bool = False
) -> Change:
    """New values for an item's fields; one history entry per field that really changes.

    Scores given here are merged into the item's scores (None clears one). An edit that
    changes nothing is an empty change. A new stage must let the item in (its gate, with
    the other values of this edit applied) unless forced; a forced move says so in history.
    """
    item = require_item(backlog, item_id)
    clean = validated(backlog.board, values)
    refused_goals(backlog.board, clean.get("goals") or [], item.goals)
    if "scores" in clean:
        scores: dict[str, int] = dict(item.scores)
        for key, value in (clean["scores"] or {}).items():
            if value is None:
                scores.pop(key, None)
            else:
                scores[key] = value
        clean["scores"] = scores or None
    new_values: dict[str, Any] = {}
    despite = ""
    if "stage" in clean and not _same(item.stage, clean["stage"]) and clean["stage"]:
        after = {**item.data, **clean}
        despite = checked_gate(backlog.board, clean["stage"], after, item_id, force)
    events = []
    for name, value in clean.items():
        old = item.data.get(name)
        if _same(old, value):
            continue
        new_values[name] = value
        events.append(history.change_of_field(actor, name, old, value, despite))
    if not new_values:
        return Change((), "nothing changed")
    new_values["updated"] = actor.now
    return Change((ItemEdit(item_id, new_values, tuple(events)),), f"edited {item_id}")


def move_item(
    backlog: Backlog, item_id: str, stage: str, actor: Actor, force: bool = False
) -> Change:
    """The item moved to `stage` (an empty change when it is there already); a stage whose
    gate the item does not meet raises GateError unless forced."""
    change = edit_item(backlog, item_id, {"stage": stage}, actor, force)
    if change.steps:
        return Change(change.steps, f"moved {item_id} to {stage}")
    return change


def mark_reviewed(backlog: Backlog, item_id: str, actor: Actor) -> Change:
    """The item reviewed now: `reviewed` set and a history entry."""
    require_item(backlog, item_id)
    step = ItemEdit(
        item_id,
        {"reviewed": actor.now, "updated": actor.now},
        (history.reviewed(actor),),
    )
    return Change((step,), f"marked {item_id} reviewed")


def set_weights(
    backlog: Backlog,
    weights: Mapping[str, float],
    actor: Actor,
    previous: Mapping[str, float] | None = None,
) -> Change:
    """New weights for the board's criteria (0 takes a criterion out of the priority).

    `previous` are the weights the person started from, if the board has moved on since
    (a teammate's change of the same weight is then a conflict, not overwritten).
    """
    steps: list[SettingEdit] = []
    described = []
    for key, weight in weights.items():
        criterion = backlog.board.criterion(key)
        if criterion is None:
            raise OperationError(f"unknown criterion {key!r}")
        if isinstance(weight, bool) or not isinstance(weight, int | float) or weight < 0:
            raise OperationError(f"weight {key}: must be a number, 0 or more")
        started = float((previous or {}).get(key, criterion.weight))
        if weight == started:
            continue
        value, old = _whole_if_whole(weight), _whole_if_whole(started)
        steps.append(SettingEdit(("scoring", "criteria", key), {"weight": value}, {"weight": old}))
        described.append(f"{key} {old} -> {value}")
    summary = "weights: " + ", ".join(described)
    if not steps:
        return Change((), summary)
    entry = history.setting_changed(actor, summary)
    return Change((*steps, RecordAdd("history", entry.as_data())), summary)


def _whole_if_whole(number: float) -> float | int:
    return int(number) if float(number).is_integer() else number


def snooze_item(
    backlog: Backlog, item_id: str, until: dt.date, actor: Actor, reason: str = ""
) -> Change:
    """The item is not stale before `until` (and why, if a reason is given)."""
    require_item(backlog, item_id)
    if until <= actor.now.date():
        raise OperationError(f"snooze until a day after today (got {until.isoformat()})")
    step = ItemEdit(
        item_id,
        {"snoozed_until": until, "updated": actor.now},
        (history.snoozed(actor, until, _line("reason", reason).strip()),),
    )
    return Change((step,), f"snoozed {item_id} until {until.isoformat()}")


def note_item(backlog: Backlog, item_id: str, text: str, actor: Actor) -> Change:
    """A one-line note on the item, kept in its history (typed during a review)."""
    require_item(backlog, item_id)
    note = _line("note", text).strip()
    if not note:
        raise OperationError("a note needs some words")
    step = ItemEdit(item_id, {"updated": actor.now}, (history.note(actor, note),))
    return Change((step,), f"noted on {item_id}")


def record_review(backlog: Backlog, counts: Mapping[str, int], actor: Actor) -> Change:
    """The record of a review session, with the ranking at its end (`[[reviews]]`)."""
    record = {"at": actor.now, "by": actor.name, **counts}
    record["ranking"] = ranking_text(current_ranking(backlog))
    return Change((RecordAdd("reviews", record), *_trims(backlog)), "recorded the review")


def record_update(
    backlog: Backlog, since: dt.datetime, to: tuple[str, ...], actor: Actor
) -> Change:
    """The record that an update covering `since` until now was sent to `to` (`[[updates]]`)."""
    record: dict[str, Any] = {"at": actor.now, "by": actor.name, "since": since, "to": list(to)}
    record["ranking"] = ranking_text(current_ranking(backlog))
    return Change((RecordAdd("updates", record), *_trims(backlog)), "recorded the update")


def _trims(backlog: Backlog) -> list[RecordTrim]:
    """Keep the newest rankings only (one line each, KEEP_SNAPSHOTS of them)."""
    return [RecordTrim(array, index, "ranking") for array, index in backlog.log.beyond_kept()]


def snooze_date(text: str, today: dt.date) -> dt.date:
    """A snooze given as days from today ('7', '7d', '' = 7) or as a date (YYYY-MM-DD)."""
    text = text.strip().lower().removesuffix("d").strip() or "7"
    if text.isdigit():
        days = int(text)
        if not 1 <= days <= 3650:
            raise OperationError("snooze for 1 to 3650 days")
        return today + dt.timedelta(days=days)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise OperationError(
            f"{text!r} is neither a number of days nor a date (YYYY-MM-DD)"
        ) from None


def delete_item(backlog: Backlog, item_id: str, actor: Actor) -> Change:
    """The item removed; its id, title and stage stay under `[[deleted]]` so ids are never
    reused and reports can tell what went."""
    item = require_item(backlog, item_id)
    record = history.deleted_record(item_id, item.title, item.stage, actor)
    return Change((ItemDelete(item_id, record),), f"deleted {item_id}")


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str | list | tuple | dict) and not value)


def _same(old: object, new: object) -> bool:
    if new is None:
        return old is None
    if isinstance(new, list) and isinstance(old, list):
        return list(old) == list(new)
    if isinstance(old, dt.datetime) and isinstance(new, dt.datetime):
        return old == new
    return type(old) is type(new) and old == new
