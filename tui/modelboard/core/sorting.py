"""The orders items can be shown in; the board cycles through them."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable

from modelboard.core.model import Board, Item
from modelboard.core.scoring import priority
from modelboard.core.staleness import last_looked_at

_LONG_AGO = dt.datetime(1, 1, 1, tzinfo=dt.UTC)


class SortOrder(enum.Enum):
    """Orders inside a column, in the order `s` cycles through them."""

    PRIORITY = "priority"
    STALEST = "stalest first"
    NEWEST = "newest"
    TITLE = "title"

    def next(self) -> SortOrder:
        """The order after this one, wrapping round."""
        orders = list(SortOrder)
        return orders[(orders.index(self) + 1) % len(orders)]


def sorted_items(items: Iterable[Item], order: SortOrder, board: Board) -> list[Item]:
    """Items in `order`; ties fall back to the id's number so the order is stable."""
    items = sorted(items, key=_id_key)
    if order is SortOrder.PRIORITY:
        return sorted(items, key=lambda i: _priority_key(i, board))
    if order is SortOrder.STALEST:
        return sorted(items, key=lambda i: last_looked_at(i) or _LONG_AGO)
    if order is SortOrder.NEWEST:
        return sorted(items, key=lambda i: i.created or _LONG_AGO, reverse=True)
    return sorted(items, key=lambda i: i.title.casefold())


def _priority_key(item: Item, board: Board) -> tuple[bool, float]:
    """Highest priority first, unscored items last."""
    value = priority(item.scores, board.criteria)
    return (value is None, -(value or 0.0))


def _id_key(item: Item) -> tuple[int, str]:
    number = item.id.rpartition("-")[2]
    return (int(number), item.id) if number.isdigit() else (10**12, item.id)
