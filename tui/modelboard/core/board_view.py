"""What the board shows: the items of each stage, filtered and sorted. Pure, no Textual."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass

from modelboard.core.model import Backlog, Item
from modelboard.core.sorting import SortOrder, sort_key, sorted_items


def matches(item: Item, text: str) -> bool:
    """True when every word of `text` is in the item's title, id, owner or tags;
    a word `goal:G1` asks for items serving goal G1 (`goal:none`: serving none)."""
    haystack = " ".join((item.title, item.id, item.owner, *item.tags)).casefold()
    goals = {g.casefold() for g in item.goals}
    for word in text.casefold().split():
        if word.startswith("goal:"):
            wanted = word.removeprefix("goal:")
            if (wanted == "none" and goals) or (wanted != "none" and wanted not in goals):
                return False
        elif word not in haystack:
            return False
    return True


def column_window(columns: int, focused: int, first: int, fits: int) -> int:
    """The first of the `fits` columns shown: the window moves only as far as it must to
    show the focused column, so the board does not jump about."""
    fits = max(1, min(fits, columns))
    first = max(0, min(first, columns - fits))
    if focused < first:
        return focused
    if focused >= first + fits:
        return focused - fits + 1
    return first


@dataclass(frozen=True)
class BoardView:
    """The columns of the board: one list of items per stage, in display order."""

    stages: tuple[str, ...]
    columns: tuple[tuple[Item, ...], ...]
    total: int

    @classmethod
    def of(cls, backlog: Backlog, order: SortOrder, text: str = "") -> BoardView:
        """The board for a backlog, a sort order and a filter text."""
        board = backlog.board
        by_stage: dict[str, list[Item]] = {stage: [] for stage in board.stages}
        for item in backlog.items.values():
            if not text or matches(item, text):
                # a stage the board does not list: shown first, flagged, never hidden
                stage = item.stage if item.stage in by_stage else board.stages[0]
                by_stage[stage].append(item)
        columns = tuple(tuple(sorted_items(by_stage[s], order, board)) for s in board.stages)
        return cls(board.stages, columns, len(backlog.items))

    def updated(
        self, backlog: Backlog, order: SortOrder, item_ids: Iterable[str], text: str = ""
    ) -> BoardView:
        """This view after a change to some items only, equal to what `of` builds: each
        item is taken out and put back in its place, and untouched columns stay the same
        objects (so a screen redraws only the columns a change touched)."""
        board = backlog.board
        if board.stages != self.stages:
            return BoardView.of(backlog, order, text)
        ids = set(item_ids)
        columns: list[tuple[Item, ...] | list[Item]] = list(self.columns)
        for index, column in enumerate(self.columns):
            if any(item.id in ids for item in column):
                columns[index] = [item for item in column if item.id not in ids]
        key = sort_key(order, board)
        for item_id in ids:
            item = backlog.items.get(item_id)
            if item is None or (text and not matches(item, text)):
                continue
            index = board.stages.index(item.stage) if item.stage in board.stages else 0
            taken = columns[index]
            if isinstance(taken, tuple):
                taken = columns[index] = list(taken)
            bisect.insort(taken, item, key=key)
        return BoardView(
            self.stages,
            tuple(c if isinstance(c, tuple) else tuple(c) for c in columns),
            len(backlog.items),
        )

    def shown(self) -> int:
        """How many items the view shows (after the filter)."""
        return sum(len(column) for column in self.columns)

    def locate(self, item_id: str | None) -> tuple[int, int] | None:
        """The (column, row) of an item, if the view shows it."""
        if item_id is None:
            return None
        for column, items in enumerate(self.columns):
            for row, item in enumerate(items):
                if item.id == item_id:
                    return column, row
        return None
