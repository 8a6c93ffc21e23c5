"""The orders items can be shown in inside a column; the board cycles through them."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable

from modelboard.core.ids import id_order
from modelboard.core.model import Board, Item
from modelboard.core.ranking import by_priority
from modelboard.core.staleness import last_looked_at

LONG_AGO = dt.datetime(1, 1, 1, tzinfo=dt.UTC)


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
    if order is SortOrder.PRIORITY:
        return by_priority(items, board.criteria)
    items = sorted(items, key=lambda i: id_order(i.id))
    if order is SortOrder.STALEST:
        return sorted(items, key=lambda i: last_looked_at(i) or LONG_AGO)
    if order is SortOrder.NEWEST:
        return sorted(items, key=lambda i: i.created or LONG_AGO, reverse=True)
    return sorted(items, key=lambda i: i.title.casefold())
