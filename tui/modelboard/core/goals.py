"""Strategic goals: adding, changing and retiring them, and what serves each.

Goals are settings (`[goals.G1]`), changed by `SettingEdit`s like the scoring weights, so
they merge and undo the same way; their history is kept in the board's `[[history]]`. A goal
whose meaning changes puts the open items serving it up for review: the backlog follows a
new strategic direction at the next review instead of silently drifting from it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from modelboard.core import history
from modelboard.core.actor import Actor
from modelboard.core.change import Change, RecordAdd, SettingEdit
from modelboard.core.errors import OperationError
from modelboard.core.model import MAX_WEIGHT, Backlog, Board, Goal, Item
from modelboard.core.ranking import by_priority
from modelboard.core.staleness import last_looked_at
from modelboard.core.text import clean_line, clean_text

_GOAL_ID = re.compile(r"G-?(\d{1,9})\Z")
GOAL_FIELDS = ("title", "description", "weight")


def next_goal_id(backlog: Backlog) -> str:
    """`G` and one more than the highest goal number ever given: retired goals keep theirs,
    and the id of a goal whose adding was undone is not given again (its history stays)."""
    ids = [g.id for g in backlog.board.goals]
    ids += [e.extra.get("goal", "") for e in backlog.log.changes]
    numbers = [int(m.group(1)) for goal_id in ids if (m := _GOAL_ID.match(goal_id))]
    return f"G{max(numbers, default=0) + 1}"


def require_goal(board: Board, goal_id: str) -> Goal:
    """The goal, or an OperationError listing the goals there are."""
    goal = board.goal(goal_id) or board.goal(goal_id.upper())
    if goal is None:
        known = ", ".join(g.id for g in board.goals) or "none yet (modelboard goal add TITLE)"
        raise OperationError(f"no goal {goal_id!r}; the board's goals are: {known}")
    return goal


def _validated(values: Mapping[str, Any]) -> dict[str, Any]:
    """Title one non-blank line, description text, weight 0 to MAX_WEIGHT (None removes)."""
    clean: dict[str, Any] = {}
    for name, value in values.items():
        if name not in GOAL_FIELDS:
            raise OperationError(f"a goal has no field {name!r}")
        if name == "title":
            try:
                clean[name] = clean_line(str(value)).strip()
            except ValueError as error:
                raise OperationError(f"title: {error}") from None
            if not clean[name]:
                raise OperationError("a goal needs a title")
        elif name == "description":
            clean[name] = clean_text(str(value)).strip() or None
        elif value is not None:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise OperationError("weight: must be a number")
            if not 0 <= value <= MAX_WEIGHT:
                raise OperationError(f"weight: must be from 0 to {MAX_WEIGHT}")
            clean[name] = int(value) if float(value).is_integer() else value
        else:
            clean[name] = None
    return clean


def goals_unwritable(backlog: Backlog) -> str:
    """Why the `[goals]` tables cannot be changed safely, if they cannot ('' when fine)."""
    for problem in backlog.problems:
        message = problem.message
        if message == "'goals' must be a table" or (
            message.startswith("goals.") and message.endswith("must be a table")
        ):
            return f"{message}; fix [goals] in the file by hand first (nothing was written)"
    return ""


def _writable(backlog: Backlog) -> None:
    why = goals_unwritable(backlog)
    if why:
        raise OperationError(why)


def add_goal(backlog: Backlog, values: Mapping[str, Any], actor: Actor) -> Change:
    """A new goal under the next free id."""
    _writable(backlog)
    clean = {k: v for k, v in _validated(values).items() if v is not None}
    if "title" not in clean:
        raise OperationError("a goal needs a title")
    goal_id = next_goal_id(backlog)
    fields = {**clean, "created": actor.now}
    event = history.goal_event(actor, goal_id, f"goal {goal_id} added: {clean['title']}")
    return Change(
        (
            SettingEdit(("goals", goal_id), fields, dict.fromkeys(fields)),
            RecordAdd("history", event.as_data()),
        ),
        f"added goal {goal_id}",
    )


def edit_goal(backlog: Backlog, goal_id: str, values: Mapping[str, Any], actor: Actor) -> Change:
    """New title, description or weight: the goal's items come up for review."""
    _writable(backlog)
    goal = require_goal(backlog.board, goal_id)
    old = {"title": goal.title, "description": goal.description or None, "weight": goal.weight}
    clean = {k: v for k, v in _validated(values).items() if _differs(old[k], v)}
    if not clean:
        return Change((), "nothing changed")
    words = "; ".join(_described(name, old[name], clean[name]) for name in clean)
    return _goal_change(goal, {**clean, "changed": actor.now}, actor, words)


def retire_goal(backlog: Backlog, goal_id: str, actor: Actor) -> Change:
    """The goal no longer steers: kept for the items that name it, offered for no new ones,
    and its open items come up for review."""
    _writable(backlog)
    goal = require_goal(backlog.board, goal_id)
    if goal.retired is not None:
        raise OperationError(f"{goal.id} was retired on {goal.retired:%Y-%m-%d} already")
    return _goal_change(goal, {"retired": actor.now, "changed": actor.now}, actor, "retired")


def _goal_change(goal: Goal, values: dict[str, Any], actor: Actor, words: str) -> Change:
    """A SettingEdit of the goal's table: `previous` is what the file holds (odd values too),
    so only a teammate's change meanwhile is a conflict."""
    previous = {name: goal.data.get(name) for name in values}
    event = history.goal_event(actor, goal.id, f"goal {goal.id} {words}")
    return Change(
        (SettingEdit(("goals", goal.id), values, previous), RecordAdd("history", event.as_data())),
        f"goal {goal.id} {words}",
    )


def _differs(old: object, new: object) -> bool:
    if isinstance(old, float) and isinstance(new, int | float):
        return old != float(new)
    return old != new


def _described(name: str, old: object, new: object) -> str:
    if name == "description":
        return (
            "description changed" if old and new else f"description {'set' if new else 'cleared'}"
        )
    if name == "weight":
        return f"weight {_number(old)} -> {_number(new)}"
    return f"title {old!r} -> {new!r}"


def _number(value: object) -> str:
    if value is None:
        return "-"
    return f"{value:g}" if isinstance(value, float) else str(value)


# ---- reading ---------------------------------------------------------------------------------


def refused_goals(board: Board, goals: list[str], already: tuple[str, ...] = ()) -> None:
    """A retired goal is not given to an item that does not serve it already."""
    for goal_id in goals:
        goal = board.goal(goal_id)
        if goal is not None and goal.retired is not None and goal_id not in already:
            raise OperationError(f"goal {goal_id} is retired; choose another")


def goal_changed_since_looked_at(item: Item, board: Board) -> Goal | None:
    """The goal of the item that changed after the item was last reviewed, if one did."""
    looked = last_looked_at(item)
    for goal_id in item.goals:
        goal = board.goal(goal_id)
        if (
            goal is not None
            and goal.changed is not None
            and (looked is None or goal.changed > looked)
        ):
            return goal
    return None


@dataclass(frozen=True)
class GoalStanding:
    """A goal and the open items serving it, highest priority first."""

    goal: Goal
    items: tuple[Item, ...]

    @property
    def unserved(self) -> bool:
        """A goal still in force that no open item serves: strategy without a plan."""
        return self.goal.retired is None and not self.items


def standings(backlog: Backlog) -> list[GoalStanding]:
    """Every goal with its open items: goals in force first, heaviest first, then by id."""
    board = backlog.board
    open_items = [i for i in backlog.items.values() if board.is_open(i.stage)]
    result = [
        GoalStanding(
            goal,
            tuple(by_priority((i for i in open_items if goal.id in i.goals), board.criteria)),
        )
        for goal in board.goals
    ]

    def order(standing: GoalStanding) -> tuple[bool, float, tuple[int, str]]:
        goal = standing.goal
        match = _GOAL_ID.match(goal.id)
        return (
            goal.retired is not None,
            -(goal.weight if goal.weight is not None else 1.0),
            (int(match.group(1)) if match else 10**10, goal.id),
        )

    return sorted(result, key=order)


def goal_history(backlog: Backlog, goal_id: str) -> list[history.HistoryEntry]:
    """The goal's events, newest first."""
    return [e for e in reversed(backlog.log.changes) if e.extra.get("goal") == goal_id]
