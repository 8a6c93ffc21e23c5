"""The ranked list: every open item by priority, the view a prioritisation meeting works from."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Footer, Static

from modelboard.core.board_view import matches
from modelboard.core.model import Item
from modelboard.core.ranking import by_priority, open_items, ranks_now
from modelboard.core.text import plural
from modelboard.screens.backlog_screen import APP_KEYS, ITEM_KEYS, ItemsScreen
from modelboard.widgets.filter_bar import FilterBar
from modelboard.widgets.ranked_list import RankedList


class RankedScreen(ItemsScreen[str | None]):
    """Open items, highest priority first; dismisses with the id under the cursor."""

    HELP_TITLE = "Ranked list"
    AUTO_FOCUS = ""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor(-1)", "Previous item", show=False),
        Binding("down,j", "cursor(1)", "Next item", show=False),
        Binding("home,g", "first", "First item", show=False),
        Binding("end,G", "last", "Last item", show=False),
        *ITEM_KEYS,
        Binding("v", "back", "Board", id="view", tooltip="Back to the board"),
        *APP_KEYS,
    ]

    def __init__(self, filter_text: str = "", item_id: str | None = None) -> None:
        super().__init__()
        self.filter_text = filter_text
        self.items: tuple[Item, ...] = ()
        self.row = 0
        self.current_id = item_id

    def compose(self) -> ComposeResult:
        yield Static(id="board-title", markup=False)
        yield RankedList(id="ranked")
        yield Footer(show_command_palette=False)  # ctrl+p still works; `?` says so

    def on_mount(self) -> None:
        self.redraw(self.current_id)

    def redraw(self, item_id: str | None) -> None:
        """Rank the open items again, the cursor on `item_id` (else where it was)."""
        keep = item_id or self.current_id
        backlog = self.session.backlog
        shown = [i for i in open_items(backlog) if matches(i, self.filter_text)]
        self.items = tuple(by_priority(shown, backlog.board.criteria))
        ids = [i.id for i in self.items]
        if keep in ids:
            self.row = ids.index(keep)
        self.row = max(0, min(self.row, len(ids) - 1))
        now = self.session.actor().now
        moves = {item_id: ranks["rank_change"] for item_id, ranks in ranks_now(backlog).items()}
        if not backlog.log.last_snapshot():
            moves = {}  # nothing recorded to compare with: no arrows at all
        rescore_after = backlog.log.rhythm.rescore_after
        self.query_one(RankedList).show(
            self.items, self.row, backlog.board, now, moves, rescore_after
        )
        self._after_cursor_move()

    def _after_cursor_move(self) -> None:
        item = self.focused_item()
        self.current_id = item.id if item else None
        parts = [
            self.session.backlog.board.name,
            plural(len(self.items), "open item"),
            "ranked by priority",
        ]
        if self.filter_text:
            parts.append(f"filter: {self.filter_text}")
        self.query_one("#board-title", Static).update(Content("  ·  ".join(parts)))

    def focused_item(self) -> Item | None:
        """The item under the cursor, if any."""
        return self.items[self.row] if 0 <= self.row < len(self.items) else None

    def _set_row(self, row: int) -> None:
        self.row = max(0, min(row, len(self.items) - 1))
        self.query_one(RankedList).move_cursor(self.row)
        self._after_cursor_move()

    def action_cursor(self, step: int) -> None:
        self._set_row(self.row + step)

    def action_first(self) -> None:
        self._set_row(0)

    def action_last(self) -> None:
        self._set_row(len(self.items) - 1)

    def action_clear_filter(self) -> None:
        """Escape on the list clears the filter; without one, it goes back to the board."""
        if self.filter_text:
            super().action_clear_filter()
        else:
            self.action_back()

    def on_filter_bar_closed(self, event: FilterBar.Closed) -> None:
        """Escape in the filter field only clears the filter, and stays here."""
        event.prevent_default()  # not the board's handler too, whose escape would go back
        self.set_focus(None)
        if event.cleared:
            super().action_clear_filter()

    def action_back(self) -> None:
        self.dismiss(self.current_id)
