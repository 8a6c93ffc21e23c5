"""The review queue: which items a review walks through, and in what order."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable

from modelboard.core.model import Backlog, HistoryEntry, Item, is_incomplete, unscored_criteria
from modelboard.core.scoring import priority
from modelboard.core.staleness import is_snoozed, is_stale, last_looked_at, review_interval

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


OUTCOMES = ("reviewed", "moved", "rescored", "edited", "snoozed", "deleted", "skipped")


class ReviewSession:
    """One walk through a review queue: where the person is, and what they did to each item.

    Pure state; the screen turns keys into operations and tells the session what happened.
    """

    def __init__(self, item_ids: Iterable[str]) -> None:
        self.item_ids = list(item_ids)
        self.position = 0
        self.outcomes: dict[str, set[str]] = {}

    @property
    def current(self) -> str | None:
        """The id of the item being reviewed, or None once the queue is done."""
        return self.item_ids[self.position] if self.position < len(self.item_ids) else None

    @property
    def finished(self) -> bool:
        """True when the walk went past the last item."""
        return self.position >= len(self.item_ids)

    def progress(self) -> tuple[int, int]:
        """(number of the current item, counted from 1; length of the queue)."""
        return min(self.position + 1, len(self.item_ids)), len(self.item_ids)

    def record(self, outcome: str) -> None:
        """Note what happened to the current item."""
        if self.current is not None:
            self.outcomes.setdefault(self.current, set()).add(outcome)

    def advance(self) -> None:
        """Go on to the next item."""
        self.position = min(self.position + 1, len(self.item_ids))

    def back(self) -> None:
        """Go back to the previous item."""
        self.position = max(self.position - 1, 0)

    def drop(self, item_id: str) -> None:
        """An item left the backlog (deleted here or by a teammate): stay on what follows."""
        if item_id in self.item_ids:
            index = self.item_ids.index(item_id)
            self.outcomes.get(item_id, set()).discard("skipped")
            if index < self.position:
                self.position -= 1
            del self.item_ids[index]

    def summary(self) -> dict[str, int]:
        """How many items had each outcome (an item can have several, for example moved and
        reviewed); items passed with `n` count as skipped unless something else happened."""
        counts = dict.fromkeys(OUTCOMES, 0)
        for outcomes in self.outcomes.values():
            if outcomes - {"skipped"}:
                outcomes = outcomes - {"skipped"}
            for outcome in outcomes:
                counts[outcome] += 1
        return counts


def changes_since_review(item: Item) -> list[HistoryEntry]:
    """History entries after the item's last review (all of them if never reviewed),
    newest first, the review itself left out."""
    since = item.reviewed
    entries = [e for e in item.history if since is None or e.at > since]
    return [e for e in reversed(entries) if e.change != "reviewed"]
