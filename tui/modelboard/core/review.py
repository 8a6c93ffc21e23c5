"""The review queue (which items a review walks through, in what order) and the walk itself."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable

from modelboard.core.flags import item_flags
from modelboard.core.history import EventKind, HistoryEntry
from modelboard.core.model import Backlog, Item
from modelboard.core.ranking import by_priority
from modelboard.core.sorting import LONG_AGO
from modelboard.core.staleness import is_snoozed, last_looked_at


class Include(enum.Enum):
    """Items a review may take in besides the stale ones."""

    INCOMPLETE = "incomplete"
    UNSCORED = "unscored"


def review_queue(backlog: Backlog, now: dt.datetime, include: Iterable[Include] = ()) -> list[Item]:
    """Stale items, and items whose goal changed since their last review (and, if asked,
    incomplete or unscored ones) in ranking order, the stalest first among equal priorities.
    Snoozed items wait until their date, whatever else they lack, and stages with a review
    interval of 0 (such as `retired`) are never reviewed."""
    include = set(include)
    board = backlog.board

    def wanted(item: Item) -> bool:
        flags = item_flags(item, board, now)
        if flags.stale or flags.goal_changed:
            return True
        if is_snoozed(item, now) or not board.review_interval(item.stage):
            return False
        return (Include.INCOMPLETE in include and flags.incomplete) or (
            Include.UNSCORED in include and bool(flags.unscored)
        )

    due = (item for item in backlog.items.values() if wanted(item))
    return by_priority(due, board.criteria, tie_break=lambda i: last_looked_at(i) or LONG_AGO)


class Outcome(enum.Enum):
    """What a review did to an item, in the order the summary lists them."""

    REVIEWED = "reviewed"
    MOVED = "moved"
    RESCORED = "rescored"
    EDITED = "edited"
    SNOOZED = "snoozed"
    NOTED = "noted"
    DELETED = "deleted"
    SKIPPED = "skipped"


class ReviewWalk:
    """One walk through a review queue: where the person is, and what they did to each item.

    Pure state; the screen turns keys into operations and tells the walk what happened.
    """

    def __init__(self, item_ids: Iterable[str]) -> None:
        self._ids = list(item_ids)
        self._position = 0
        self._records: list[tuple[str, Outcome]] = []
        self._dropped: set[str] = set()

    @property
    def item_ids(self) -> tuple[str, ...]:
        """The queue, in walking order."""
        return tuple(self._ids)

    @property
    def current(self) -> str | None:
        """The id of the item being reviewed, or None once the queue is done."""
        return self._ids[self._position] if self._position < len(self._ids) else None

    @property
    def finished(self) -> bool:
        """True when the walk went past the last item."""
        return self._position >= len(self._ids)

    def progress(self) -> tuple[int, int]:
        """(number of the current item, counted from 1; length of the queue)."""
        return min(self._position + 1, len(self._ids)), len(self._ids)

    def record(self, outcome: Outcome, item_id: str | None = None) -> None:
        """Note what happened to an item (the current one unless named: a save ends after
        the walk may have moved on)."""
        item_id = item_id or self.current
        if item_id is not None:
            self._records.append((item_id, outcome))

    def undone(self, item_id: str) -> None:
        """The last thing done to an item was taken back: it no longer counts, and the walk
        goes back to the item (a deleted one comes back into the walk)."""
        for index in range(len(self._records) - 1, -1, -1):
            if self._records[index][0] == item_id and self._records[index][1] != Outcome.SKIPPED:
                del self._records[index]
                break
        self.restore(item_id)
        if item_id in self._ids:
            self._position = self._ids.index(item_id)

    def advance(self) -> None:
        """Go on to the next item."""
        self._position = min(self._position + 1, len(self._ids))

    def back(self) -> None:
        """Go back to the previous item."""
        self._position = max(self._position - 1, 0)

    def drop(self, item_id: str) -> None:
        """An item left the backlog (deleted here or by a teammate): stay on what follows."""
        if item_id in self._ids:
            index = self._ids.index(item_id)
            if index < self._position:
                self._position -= 1
            del self._ids[index]
            self._dropped.add(item_id)

    def restore(self, item_id: str) -> None:
        """A dropped item came back (a delete undone): it is the current item again.
        Items that were never in this walk stay out of it."""
        if item_id in self._dropped and item_id not in self._ids:
            self._dropped.discard(item_id)
            self._ids.insert(self._position, item_id)

    def requeue(self, item_ids: Iterable[str]) -> None:
        """Walk a new queue (more or fewer items included), staying on the current item
        when it is in it; what was done so far is kept."""
        current = self.current
        self._ids = list(item_ids)
        self._dropped -= set(self._ids)
        self._position = self._ids.index(current) if current in self._ids else 0

    def summary(self) -> dict[Outcome, int]:
        """How many items had each outcome (an item can have several, for example moved and
        reviewed); items passed with `n` count as skipped unless something else happened."""
        counts = dict.fromkeys(Outcome, 0)
        per_item: dict[str, set[Outcome]] = {}
        for item_id, outcome in self._records:
            if not (outcome is Outcome.SKIPPED and item_id in self._dropped):
                per_item.setdefault(item_id, set()).add(outcome)
        for outcomes in per_item.values():
            if outcomes - {Outcome.SKIPPED}:
                outcomes = outcomes - {Outcome.SKIPPED}
            for outcome in outcomes:
                counts[outcome] += 1
        return counts


def changes_since_review(item: Item) -> list[HistoryEntry]:
    """History entries after the item's last review (all of them if never reviewed),
    newest first, the reviews themselves left out."""
    since = item.reviewed
    entries = [e for e in item.history if since is None or e.at > since]
    return [e for e in reversed(entries) if e.kind is not EventKind.REVIEWED]
