"""All open items in one list, highest priority first: the view a prioritisation meeting uses.

Virtual like the stage columns: only the visible lines are rendered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from modelboard.core.flags import item_flags
from modelboard.core.model import Board, Item
from modelboard.core.scoring import priority
from modelboard.core.staleness import days_since_rescored
from modelboard.render import fit, plain

MARKER = "▌"
HEADER = ("#", "±", "id", "prio", "title", "stage", "owner", "")


class RankedList(ScrollView, can_focus=False):
    """One line per item; the ranked screen sets `items` and `cursor`."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "ranked-list--header",
        "ranked-list--row",
        "ranked-list--selected",
        "ranked-list--stale",
    }

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.items: tuple[Item, ...] = ()
        self.cursor = 0
        self._board = Board()
        self._now = dt.datetime.now(dt.UTC)
        self._moves: Mapping[str, int | None] = {}
        self.rescore_after = 0

    def show(
        self,
        items: tuple[Item, ...],
        cursor: int,
        board: Board,
        now: dt.datetime,
        moves: Mapping[str, int | None] | None = None,
        rescore_after: int = 0,
    ) -> None:
        """Show these items in this order, the cursor on row `cursor`; `moves` are the places
        each gained since the last recorded ranking (None: new to it)."""
        self.items, self.cursor, self._board, self._now = items, cursor, board, now
        self._moves = moves or {}
        self.rescore_after = rescore_after
        self.virtual_size = Size(self.size.width, len(items) + 1)
        self.refresh()
        self.call_after_refresh(self.reveal_cursor)  # once shown, it has its real height

    def on_resize(self) -> None:
        self.reveal_cursor()  # a smaller terminal must not leave the cursor out of view

    def move_cursor(self, cursor: int) -> None:
        """Move the cursor and keep it in view."""
        self.cursor = cursor
        self.refresh()
        self.reveal_cursor()

    def reveal_cursor(self) -> None:
        """Scroll so that the cursor's line is visible (the header stays on top)."""
        if self.items:
            self.scroll_to_region(
                Region(0, self.cursor + 1, 1, 1), animate=False, immediate=True, force=True
            )

    def render_line(self, y: int) -> Strip:
        _, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        if y == 0:
            return self._line(HEADER, width, self.get_component_rich_style("ranked-list--header"))
        index = scroll_y + y - 1
        if index < 0 or index >= len(self.items):
            return Strip.blank(width, self.rich_style)
        item = self.items[index]
        value = priority(item.scores, self._board.criteria)
        flags = item_flags(item, self._board, self._now)
        cells = (
            str(index + 1),
            _move(self._moves, item.id),
            item.id,
            "--" if value is None else f"{value:.0f}",
            plain(item.title),
            plain(item.stage),
            plain(item.owner),
            " ".join(word for word in (*flags.words(), *self._old(item)) if word != "unscored"),
        )
        selected = index == self.cursor
        role = "ranked-list--selected" if selected else "ranked-list--row"
        return self._line(cells, width, self.get_component_rich_style(role), selected)

    def _old(self, item: Item) -> tuple[str, ...]:
        """`old scores` when they have not changed for longer than the team re-checks them."""
        days = days_since_rescored(item, self._now)
        old = self.rescore_after and item.scores and days is not None and days > self.rescore_after
        return ("old scores",) if old else ()

    def _line(
        self, cells: tuple[str, ...], width: int, style: Style, selected: bool = False
    ) -> Strip:
        number, move, item_id, prio, title, stage, owner, flags = cells
        fixed = 4 + 4 + 7 + 5 + 11 + 9 + 18
        title_width = max(10, width - fixed)
        text = (
            f" {number:>3} {move:>3} {item_id:<6} {prio:>4} {fit(title, title_width)} "
            f"{fit(stage, 10)} {fit(owner, 8)} {flags}"
        )
        if cell_len(text) > width:
            text = fit(text, width)
        if selected:
            text = MARKER + text[1:]  # the cursor shows without colour too
        return Strip([Segment(text, style)]).adjust_cell_length(width, style)


def _move(moves: Mapping[str, int | None], item_id: str) -> str:
    """`▲3`, `▼2`, `·` (no move), `new` (not ranked last time), `` (not ranked now)."""
    if item_id not in moves:
        return ""
    places = moves[item_id]
    if places is None:
        return "new"
    return f"▲{places}" if places > 0 else f"▼{-places}" if places < 0 else "·"
