"""The one ranking order: highest priority first, unscored last, ties by id number.

Every view that ranks (the ranked list, the scoring screen, the report, `list`, the review
queue) sorts with these functions, so they agree on every tie (the review queue puts the
stalest first among equal priorities, before the id number).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from modelboard.core.ids import id_order
from modelboard.core.model import Backlog, Criterion, Item
from modelboard.core.rhythm import Ranking, rank_moves
from modelboard.core.scoring import priority


def priority_key(item: Item, criteria: Sequence[Criterion]) -> tuple[bool, float]:
    """Sorts the highest priority first and unscored items last."""
    value = priority(item.scores, criteria)
    return (value is None, -(value or 0.0))


def ranking_key(criteria: Sequence[Criterion]) -> Callable[[Item], Any]:
    """The ranking order as a sort key: priority first, then the id's number."""
    return lambda i: (priority_key(i, criteria), id_order(i.id))


def by_priority(
    items: Iterable[Item],
    criteria: Sequence[Criterion],
    tie_break: Callable[[Item], Any] | None = None,
) -> list[Item]:
    """Items in ranking order; `tie_break` (such as staleness) comes before the id number."""
    if tie_break is None:
        return sorted(items, key=ranking_key(criteria))
    return sorted(items, key=lambda i: (priority_key(i, criteria), tie_break(i), id_order(i.id)))


def scored_ranking(
    items: Iterable[Item], criteria: Sequence[Criterion]
) -> list[tuple[Item, float]]:
    """The scored items with their priorities, in ranking order (the unscored left out)."""
    pairs = ((item, priority(item.scores, criteria)) for item in by_priority(items, criteria))
    return [(item, value) for item, value in pairs if value is not None]


def open_items(backlog: Backlog) -> list[Item]:
    """The items a ranking takes in: those in open stages (see `Board.is_open`)."""
    board = backlog.board
    return [item for item in backlog.items.values() if board.is_open(item.stage)]


NO_RANK: dict[str, int | None] = {"rank": None, "rank_change": None}


def ranks_now(backlog: Backlog) -> dict[str, dict[str, int | None]]:
    """Each ranked item's `rank` (1 = highest) and `rank_change`: places gained since the
    last snapshot recorded (None when it was not ranked then)."""
    ids = [item_id for item_id, _ in current_ranking(backlog)]
    moves = rank_moves(ids, backlog.log.last_snapshot())
    return {
        item_id: {"rank": rank, "rank_change": moves[item_id]}
        for rank, item_id in enumerate(ids, start=1)
    }


def current_ranking(backlog: Backlog) -> Ranking:
    """The ranking now, as a snapshot keeps it: open scored items, each with its priority."""
    ranked = scored_ranking(open_items(backlog), backlog.board.criteria)
    return tuple((item.id, value) for item, value in ranked)
