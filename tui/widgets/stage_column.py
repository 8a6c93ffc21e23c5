"""One stage of the board: a virtual list of cards that renders only the visible lines.

A column of ten thousand cards costs what a screenful costs: nothing is mounted per card.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.core.model import Board, Item
from tui.widgets.card import CARD_LINES, card_lines

CARD_HEIGHT = CARD_LINES + 1  # a blank line between cards
MARKER = "▌"


class StageColumn(ScrollView, can_focus=False):
    """The cards of one stage; the board sets `cursor` on the column that has the focus."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "stage-column--card",
        "stage-column--selected",
        "stage-column--id",
        "stage-column--priority",
        "stage-column--stale",
        "stage-column--incomplete",
        "stage-column--unscored",
    }

    def __init__(self, stage: str, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.stage = stage
        self.items: tuple[Item, ...] = ()
        self.cursor: int | None = None
        self._board = Board()
        self._now = dt.datetime.now(dt.UTC)
        self._cards: dict[tuple[str, int], list[list[tuple[str, str]]]] = {}

    def show(
        self, items: tuple[Item, ...], cursor: int | None, board: Board, now: dt.datetime
    ) -> None:
        """Show these items, with the cursor on row `cursor` (None: not the focused column)."""
        self.items = items
        self.cursor = cursor
        self._board = board
        self._now = now
        self._cards.clear()
        self.virtual_size = Size(self.size.width, len(items) * CARD_HEIGHT)
        self.refresh()
        self.reveal_cursor()

    def move_cursor(self, cursor: int | None) -> None:
        """Move the cursor without rebuilding any card."""
        self.cursor = cursor
        self.refresh()
        self.reveal_cursor()

    def reveal_cursor(self) -> None:
        """Scroll so that the card under the cursor is in view."""
        if self.cursor is not None and self.items:
            region = Region(0, self.cursor * CARD_HEIGHT, 1, CARD_LINES)
            self.scroll_to_region(region, animate=False, immediate=True, force=True)

    def on_resize(self) -> None:
        self._cards.clear()
        self.virtual_size = Size(self.size.width, len(self.items) * CARD_HEIGHT)
        self.reveal_cursor()

    def render_line(self, y: int) -> Strip:
        _, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        index, line = divmod(scroll_y + y, CARD_HEIGHT)
        base = self.rich_style
        if index >= len(self.items) or line >= CARD_LINES:
            return Strip.blank(width, base)
        item = self.items[index]
        selected = index == self.cursor
        card = self._card(item, width - 1)
        background = self.get_component_rich_style(
            "stage-column--selected" if selected else "stage-column--card"
        )
        segments = [Segment(MARKER if selected else " ", background)]
        for text, role in card[line]:
            segments.append(Segment(text, background + self._role_style(role, selected)))
        return Strip(segments).adjust_cell_length(width, background)

    def _card(self, item: Item, width: int) -> list[list[tuple[str, str]]]:
        key = (item.id, width)
        card = self._cards.get(key)
        if card is None:
            card = self._cards[key] = card_lines(item, self._board, self._now, width)
        return card

    def _role_style(self, role: str, selected: bool) -> Style:
        if role in ("id", "priority", "stale", "incomplete", "unscored"):
            style = self.get_component_rich_style(f"stage-column--{role}", partial=True)
            return Style(bold=style.bold, italic=style.italic) if selected else style
        return Style()
