"""The review queue: which items a review walks through, and in what order."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable

from tui.core.model import Backlog, Item, is_incomplete, unscored_criteria
from tui.core.scoring import priority
from tui.core.staleness import is_snoozed, is_stale, last_looked_at, review_interval

_LONG_AGO = dt.datetime(1, 1, 1, tzinfo=dt.UTC)


class Include(enum.Enum):
    """Items a review may take in besides the stale ones."""

    INCOMPLETE = "incomplete"
    UNSCORED = "unscored"


def review_queue(backlog: Backlog, now: dt.datetime, include: Iterable[Include] = ()) -> list[Item]:
    """Stale items (and, if asked, incomplete or unscored ones), highest priority first,
    then stalest first. Snoozed items wait until their date, whatever else they lack, and
    stages with a review interval of 0 (such as `retired`) are never reviewed."""
    include = set(include)
    board = backlog.board

    def wanted(item: Item) -> bool:
        if is_stale(item, board, now):
            return True
        if is_snoozed(item, now) or not review_interval(board, item.stage):
            return False
        return (Include.INCOMPLETE in include and is_incomplete(item, board)) or (
            Include.UNSCORED in include and bool(unscored_criteria(item, board))
        )

    def order(item: Item) -> tuple[bool, float, dt.datetime, str]:
        value = priority(item.scores, board.criteria)
        return (value is None, -(value or 0.0), last_looked_at(item) or _LONG_AGO, item.id)

    return sorted((i for i in backlog.items.values() if wanted(i)), key=order)
