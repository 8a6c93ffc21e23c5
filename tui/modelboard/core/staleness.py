"""When an item is stale: not snoozed, and not looked at for longer than its stage allows."""

from __future__ import annotations

import datetime as dt

from modelboard.core.history import ADDED, EventKind
from modelboard.core.model import Board, Item

SCORED = ADDED | {EventKind.RESCORED}  # the events that (re)set an item's scores


def last_looked_at(item: Item) -> dt.datetime | None:
    """The last review, else the creation time."""
    return item.reviewed or item.created


def is_snoozed(item: Item, now: dt.datetime) -> bool:
    """True before the item's `snoozed_until` date."""
    return item.snoozed_until is not None and now.date() < item.snoozed_until


def is_stale(item: Item, board: Board, now: dt.datetime) -> bool:
    """True when the item is due for a review.

    An item with neither `reviewed` nor `created` has never been looked at, so it is due.
    """
    days = board.review_interval(item.stage)
    if not days or is_snoozed(item, now):
        return False
    since = last_looked_at(item)
    return since is None or now - since > dt.timedelta(days=days)


def days_since_rescored(item: Item, now: dt.datetime) -> int | None:
    """Whole days since the item's scores last changed (or it was added); None if unknown."""
    moments = [e.at for e in item.history if e.kind in SCORED]
    since = max(moments) if moments else item.created
    return None if since is None else (now - since).days


def days_since_looked_at(item: Item, now: dt.datetime) -> int | None:
    """Whole days since the last review (or creation); None when neither is known."""
    since = last_looked_at(item)
    return None if since is None else (now - since).days
