"""One stage of the board: a virtual list of cards that renders only the visible lines.

A column of ten thousand cards costs what a screenful costs: nothing is mounted per card.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.events import Click
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from modelboard.core.model import Board, Item
from modelboard.widgets.card import CARD_LINES, card_lines

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
        "stage-column--more",
    }

    @dataclass
    class Clicked(Message):
        """A card was clicked: which column, and which card in it."""

        column: int
        row: int

    def on_click(self, event: Click) -> None:
        row = (event.y + self.scroll_offset.y) // CARD_HEIGHT
        if 0 <= row < len(self.items):
            self.post_message(self.Clicked(self.index, row))

    def __init__(self, stage: str, index: int, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.stage = stage
        self.index = index
        """Which column of the board this is, left to right."""
        self.items: tuple[Item, ...] = ()
        self.cursor: int | None = None
        self._board = Board()
        self._now = dt.datetime.now(dt.UTC)
        self._cards: dict[tuple[str, int], list[list[tuple[str, str]]]] = {}
        self._strips: dict[tuple[str, int, bool, int], Strip] = {}

    def show(
        self, items: tuple[Item, ...], cursor: int | None, board: Board, now: dt.datetime
    ) -> None:
        """Show these items, with the cursor on row `cursor` (None: not the focused column)."""
        self.items = items
        self.cursor = cursor
        self._board = board
        self._now = now
        self._cards.clear()
        self._strips.clear()
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
            # a line of margin each side: the first and last lines may say "more"
            top = max(0, self.cursor * CARD_HEIGHT - 1)
            region = Region(0, top, 1, CARD_LINES + 1 + (self.cursor * CARD_HEIGHT - top))
            self.scroll_to_region(region, animate=False, immediate=True, force=True)

    def on_resize(self) -> None:
        size = Size(self.size.width, len(self.items) * CARD_HEIGHT)
        if size != self.virtual_size:
            self.virtual_size = size
            self.reveal_cursor()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()  # the theme or the styles changed: colours must be looked up again

    def render_line(self, y: int) -> Strip:
        _, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        more = self._more(y, scroll_y)
        if more:
            style = self.get_component_rich_style("stage-column--more")
            return Strip([Segment(f" {more}", style)]).adjust_cell_length(width, style)
        index, line = divmod(scroll_y + y, CARD_HEIGHT)
        if index >= len(self.items) or line >= CARD_LINES:
            return self._blank(width)
        item = self.items[index]
        selected = index == self.cursor
        key = (item.id, line, selected, width)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._strips[key] = self._card_strip(item, line, selected, width)
        return strip

    def _more(self, y: int, scroll_y: int) -> str:
        """On the first and last visible lines: how many cards lie (even partly) out of view.
        No scrollbar: the words say it, and cost no widget."""
        height = self.size.height
        if height < CARD_HEIGHT + 2:
            return ""
        if y == height - 1:
            last = scroll_y + height - 2  # the last line above this one
            shown = max(0, (last - (CARD_LINES - 1)) // CARD_HEIGHT + 1)
            below = len(self.items) - shown
            return f"↓ {below} more" if below > 0 else ""
        if y == 0 and scroll_y > 0:
            return f"↑ {(scroll_y + CARD_HEIGHT) // CARD_HEIGHT} above"
        return ""

    def _blank(self, width: int) -> Strip:
        key = ("", -1, False, width)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._strips[key] = Strip.blank(width, self.rich_style)
        return strip

    def _card_strip(self, item: Item, line: int, selected: bool, width: int) -> Strip:
        card = self._card(item, width - 2)  # the marker, and a cell of margin
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
