"""What an item lacks or is due for: stale, incomplete, unscored, serving no goal.

Cards, the ranked list, listings, exports and the report all read them from here, and show
them as words, never as colour alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from modelboard.core.goals import goal_changed_since_looked_at
from modelboard.core.model import Board, Item, missing_fields, serves_no_goal, unscored_criteria
from modelboard.core.staleness import is_snoozed, is_stale


@dataclass(frozen=True)
class ItemFlags:
    """An item's markers at one moment."""

    stale: bool
    missing: tuple[str, ...]
    unscored: tuple[str, ...]
    no_goal: bool
    unknown_stage: bool = False
    """Its stage is not one of the board's (a typo by hand): shown in the first column."""
    goal_changed: str = ""
    """The id of a goal it serves that changed since its last review: due for a look."""

    @property
    def incomplete(self) -> bool:
        """A field the template requires is missing or blank."""
        return bool(self.missing)

    def words(self) -> list[str]:
        """The markers a listing shows, in their fixed order."""
        marks = {
            "stage?": self.unknown_stage,
            "stale": self.stale,
            "goal changed": bool(self.goal_changed),
            "incomplete": self.incomplete,
            "unscored": self.unscored,
        }
        return [word for word, on in marks.items() if on]


def item_flags(item: Item, board: Board, now: dt.datetime) -> ItemFlags:
    """The item's markers on this board, now."""
    return ItemFlags(
        stale=is_stale(item, board, now),
        missing=tuple(missing_fields(item, board)),
        unscored=tuple(unscored_criteria(item, board)),
        no_goal=serves_no_goal(item, board),
        unknown_stage=item.stage not in board.stages,
        goal_changed=_changed_goal(item, board, now),
    )


def _changed_goal(item: Item, board: Board, now: dt.datetime) -> str:
    """Only open items not snoozed come up for review when a goal changes."""
    if not item.goals or not board.review_interval(item.stage) or is_snoozed(item, now):
        return ""
    goal = goal_changed_since_looked_at(item, board)
    return goal.id if goal is not None else ""
