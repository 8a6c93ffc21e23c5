"""Value against effort: the open items on a 5 x 5 grid of two criteria's scores.

A prioritisation meeting draws this on a whiteboard; here it comes from the scores. The
corners are named the way teams name them: high value for little effort are the quick wins.
Which corner that is follows the criteria (`higher_is_worse` turns an axis round).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from modelboard.core.errors import OperationError
from modelboard.core.model import SCORE_MAX, SCORE_MIN, Backlog, Board, Criterion, Item
from modelboard.core.ranking import by_priority, open_items
from modelboard.core.scoring import priority

SCORES = range(SCORE_MIN, SCORE_MAX + 1)
QUADRANTS = {
    (True, True): "quick wins",
    (True, False): "big bets",
    (False, True): "fill-ins",
    (False, False): "time sinks",
}
"""(y is good, x is good) -> the corner's name, for the corners (scores 1-2 and 4-5)."""


@dataclass(frozen=True)
class Matrix:
    """Open items by their scores on two criteria; `unplaced` lack one of the two."""

    x: Criterion
    y: Criterion
    cells: dict[tuple[int, int], tuple[Item, ...]]
    """(x score, y score) -> the items there, highest priority first."""
    unplaced: tuple[Item, ...]

    def items_at(self, x: int, y: int) -> tuple[Item, ...]:
        """The items in one cell (none outside the grid)."""
        return self.cells.get((x, y), ())

    def quadrant(self, x: int, y: int) -> str:
        """The corner a cell belongs to ('' for the middle row and column)."""
        x_good, y_good = _good(self.x, x), _good(self.y, y)
        if x_good is None or y_good is None:
            return ""
        return QUADRANTS[(y_good, x_good)]

    def corner(self, name: str) -> list[tuple[int, int]]:
        """The cells of a named corner."""
        return [(x, y) for y in reversed(SCORES) for x in SCORES if self.quadrant(x, y) == name]

    def position(self, item_id: str) -> tuple[int, int] | None:
        """Where an item sits, if it is on the grid."""
        for cell, items in self.cells.items():
            if any(item.id == item_id for item in items):
                return cell
        return None


def _good(criterion: Criterion, score: int) -> bool | None:
    """True for the good end of an axis (4-5, or 1-2 when higher is worse), False for the
    bad end, None for the middle."""
    if score == 3:
        return None
    high = score > 3
    return high != criterion.higher_is_worse


def axes(board: Board, x: str | None = None, y: str | None = None) -> tuple[Criterion, Criterion]:
    """The criteria across and up: as asked, else value up and the first criterion where
    higher is worse (effort) across, else the first two."""
    criteria = board.criteria
    if len(criteria) < 2:
        raise OperationError("the matrix needs two scoring criteria; the board has fewer")
    up = _named(board, y) if y else (board.criterion("value") or criteria[0])
    across = (
        _named(board, x)
        if x
        else next((c for c in criteria if c.higher_is_worse and c != up), None)
        or next(c for c in criteria if c != up)
    )
    if across == up:
        raise OperationError(f"the matrix needs two different criteria (both are {up.key})")
    return across, up


def _named(board: Board, key: str) -> Criterion:
    criterion = board.criterion(key)
    if criterion is None:
        known = ", ".join(c.key for c in board.criteria)
        raise OperationError(f"unknown criterion {key!r}; the board's criteria are: {known}")
    return criterion


def build_matrix(backlog: Backlog, x: Criterion, y: Criterion) -> Matrix:
    """The open items placed by their scores on `x` and `y`."""
    cells: dict[tuple[int, int], list[Item]] = {}
    unplaced = []
    ranked = by_priority(open_items(backlog), backlog.board.criteria)
    for item in ranked:
        across, up = item.scores.get(x.key), item.scores.get(y.key)
        if across is None or up is None:
            unplaced.append(item)
        else:
            cells.setdefault((across, up), []).append(item)
    return Matrix(x, y, {cell: tuple(items) for cell, items in cells.items()}, tuple(unplaced))


def as_json(matrix: Matrix, board: Board) -> dict[str, Any]:
    """The grid as data: the axes, every cell with items, and the unplaced items."""

    def axis(c: Criterion) -> dict[str, Any]:
        return {"key": c.key, "label": c.label, "higher_is_worse": c.higher_is_worse}

    def item(i: Item) -> dict[str, Any]:
        return {"id": i.id, "title": i.title, "priority": priority(i.scores, board.criteria)}

    return {
        "x": axis(matrix.x),
        "y": axis(matrix.y),
        "cells": [
            {"x": x, "y": y, "quadrant": matrix.quadrant(x, y), "items": [item(i) for i in items]}
            for (x, y), items in sorted(matrix.cells.items(), key=lambda c: (-c[0][1], c[0][0]))
        ],
        "unplaced": [item(i) for i in matrix.unplaced],
    }


def as_text(matrix: Matrix, cell_width: int = 14) -> str:
    """The grid for a terminal or a mail: ids in cells, `+N` where a cell is full, then
    the named corners in full."""
    width = cell_width
    lines = [
        f"{matrix.y.label} (up) against {matrix.x.label} (across); open items by id",
        "      " + "".join(f"│ {x:<{width - 2}}" for x in SCORES),
    ]
    for y in reversed(SCORES):
        lines.append("─" * 6 + ("┼" + "─" * (width - 1)) * len(SCORES))
        lines.append(f"  {y:>2}  " + "".join(_cell(matrix.items_at(x, y), width) for x in SCORES))
    lines.append("")
    for name in QUADRANTS.values():
        ids = [i.id for cell in matrix.corner(name) for i in matrix.items_at(*cell)]
        lines.append(f"{name + ':':<12} {', '.join(ids) or '-'}")
    if matrix.unplaced:
        lines.append(f"{'not placed:':<12} {', '.join(i.id for i in matrix.unplaced)}")
    return "\n".join(lines)


def _cell(items: tuple[Item, ...], width: int) -> str:
    room = width - 2
    shown: list[str] = []
    for index, item in enumerate(items):
        rest = len(items) - index - 1
        more = f" +{rest}" if rest else ""
        if len(" ".join([*shown, item.id]) + more) > room:
            shown.append(f"+{len(items) - index}")
            break
        shown.append(item.id)
    return f"│ {' '.join(shown):<{room}}"
