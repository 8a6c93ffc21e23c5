"""The orders items can be shown in inside a column; the board cycles through them."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterable
from typing import Any

from modelboard.core.ids import id_order
from modelboard.core.model import Board, Item
from modelboard.core.ranking import ranking_key
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


def sort_key(order: SortOrder, board: Board) -> Callable[[Item], Any]:
    """The order as a sort key; ties fall back to the id's number, so no two items tie
    (which lets a column take one item back in its place, see `BoardView.updated`)."""
    if order is SortOrder.PRIORITY:
        return ranking_key(board.criteria)
    if order is SortOrder.STALEST:
        return lambda i: (last_looked_at(i) or LONG_AGO, id_order(i.id))
    if order is SortOrder.NEWEST:  # newest first; a timedelta negates exactly
        return lambda i: (LONG_AGO - (i.created or LONG_AGO), id_order(i.id))
    return lambda i: (i.title.casefold(), id_order(i.id))


def sorted_items(items: Iterable[Item], order: SortOrder, board: Board) -> list[Item]:
    """Items in `order`; ties fall back to the id's number so the order is stable."""
    return sorted(items, key=sort_key(order, board))
