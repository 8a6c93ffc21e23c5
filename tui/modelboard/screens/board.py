"""The board: one column per stage, driven entirely from the keyboard."""

from __future__ import annotations

from collections.abc import Collection
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.events import Resize
from textual.widgets import Footer, Static

from modelboard.core.board_view import BoardView, column_window
from modelboard.core.errors import ModelboardError
from modelboard.core.model import Item
from modelboard.core.sorting import SortOrder
from modelboard.core.status import due_words
from modelboard.core.text import plural
from modelboard.render import fit, plain, sentence
from modelboard.screens.backlog_screen import APP_KEYS, ITEM_KEYS, ItemsScreen
from modelboard.widgets.stage_column import StageColumn

COLUMN_WIDTH = 15  # the narrowest a column can show a card in
MIN_WIDTH = 60
MIN_HEIGHT = 14


class BoardScreen(ItemsScreen[None]):
    """The kanban board of the session's backlog."""

    HELP_TITLE = "Board"
    AUTO_FOCUS = ""  # nothing: the board's keys belong to the screen, the filter starts hidden

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,h", "cursor_left", "Previous column", show=False),
        Binding("right,l", "cursor_right", "Next column", show=False),
        Binding("up,k", "cursor_up", "Previous card", show=False),
        Binding("down,j", "cursor_down", "Next card", show=False),
        Binding("home,g", "cursor_first", "First card", show=False),
        Binding("end,G", "cursor_last", "Last card", show=False),
        *ITEM_KEYS,
        Binding("s", "sort", "Sort", id="sort", show=False,
                tooltip="Cycle the order: priority, stalest first, newest, title"),
        Binding("v", "ranked", "Ranked", id="view", tooltip="All open items by priority"),
        Binding("m", "matrix", "Matrix", id="matrix", show=False,
                tooltip="Value against effort: open items on a 5 x 5 grid"),
        Binding("o", "goals", "Goals", id="goals", show=False,
                tooltip="The strategic goals and the items serving each"),
        *APP_KEYS,
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.order = SortOrder.PRIORITY
        self.column = 0
        self.row = 0
        self.current_id: str | None = None
        self.view = BoardView((), (), 0)  # built for real on mount
        self._first = 0
        self._shown = (0, 0)
        self._notes: list[str] = []  # what is due, and read-only: per redraw, not per key

    # ---- composition ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="board-title", markup=False)
        with Horizontal(id="columns"):
            for index, stage in enumerate(self.session.backlog.board.stages):
                with Vertical(classes="stage"):
                    yield Static(id=f"stage-header-{index}", classes="stage-header", markup=False)
                    yield StageColumn(stage, index, id=f"stage-{index}")
        yield Static(
            "The terminal is too small for the board: make it at least "
            f"{MIN_WIDTH}x{MIN_HEIGHT}, or press q to quit.",
            id="too-small",
            markup=False,
        )
        yield Footer(show_command_palette=False)  # ctrl+p still works; `?` says so

    def on_mount(self) -> None:
        self.refresh_board()

    def on_resize(self, event: Resize) -> None:
        small = event.size.width < MIN_WIDTH or event.size.height < MIN_HEIGHT
        notice = self.query_one("#too-small")
        if notice.display != small:  # a change of display costs a whole new layout
            notice.display = small
            self.query_one("#columns").display = not small
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Show as many stage columns as fit, the focused one always among them."""
        count = len(self.view.stages)
        if not count:
            return
        fits = max(1, self.size.width // COLUMN_WIDTH)
        first = column_window(count, self.column, self._first, fits)
        shown = (first, min(count, first + fits))
        if shown != self._shown:
            self._first, self._shown = first, shown
            for index, stage in enumerate(self.query(".stage")):
                stage.display = shown[0] <= index < shown[1]
        self._draw_headers()

    def _draw_headers(self) -> None:
        """Each header: the stage (shortened first, never its count) and, at the window's
        edges, how many columns lie out of view."""
        first, end = self._shown
        width = max(6, self.size.width // max(1, end - first) - 3)
        for index, items in enumerate(self.view.columns):
            left = f"◂{first} " if index == first and first else ""
            right = (
                f" {len(self.view.columns) - end}▸"
                if index == end - 1 < len(self.view.columns) - 1
                else ""
            )
            count = f" ({len(items)})"
            name = fit(plain(self.view.stages[index]), width - len(left + count + right)).rstrip()
            header = self.query_one(f"#stage-header-{index}", Static)
            header.update(Content(f"{left}{name}{count}{right}"), layout=False)  # fixed size
            header.set_class(index == self.column, "-current")

    # ---- drawing ------------------------------------------------------------------------

    def redraw(self, item_id: str | None) -> None:
        self.refresh_board(item_id, self.changed_only or None)

    def refresh_board(self, keep: str | None = None, only: Collection[str] | None = None) -> None:
        """Rebuild the view from the session's backlog, keeping the cursor on `keep` (or the
        item it was on) when the view still shows it. With `only` (the items a change
        touched), just their columns are sorted and drawn again."""
        keep = keep or self.current_id
        before, before_column = self.view, self.column
        if only is not None and before.columns:
            self.view = before.updated(self.session.backlog, self.order, only, self.filter_text)
        else:
            before = BoardView((), (), 0)  # every column is drawn
            self.view = BoardView.of(self.session.backlog, self.order, self.filter_text)
        found = self.view.locate(keep)
        if found is not None:
            self.column, self.row = found
        self.column = min(self.column, len(self.view.columns) - 1)
        if self.filter_text and not self.view.columns[self.column]:
            # A filter emptied this column: go where the items are.
            filled = [i for i, column in enumerate(self.view.columns) if column]
            if filled:
                self.column, self.row = filled[0], 0
        self.row = max(0, min(self.row, len(self.view.columns[self.column]) - 1))
        now = self.session.actor().now
        board = self.session.backlog.board
        read_only = ["read-only"] if self.session.store.read_only else []
        self._notes = [*due_words(self.session.backlog.log, now), *read_only]
        for index, items in enumerate(self.view.columns):
            cursor = self.row if index == self.column and items else None
            column = self.query_one(f"#stage-{index}", StageColumn)
            if index >= len(before.columns) or items is not before.columns[index]:
                column.show(items, cursor, board, now)
            elif index in (before_column, self.column):
                column.move_cursor(cursor)
        self._fit_columns()
        self._after_cursor_move()

    def _after_cursor_move(self) -> None:
        item = self.focused_item()
        self.current_id = item.id if item else None
        name = self.session.backlog.board.name
        shown, total = self.view.shown(), self.view.total
        count = f"{shown} of {plural(total, 'item')}" if self.filter_text else plural(total, "item")
        parts = [name, count, f"sort: {self.order.value}"]
        if not total:  # a first start: say what to do, and where the file is
            parts = [
                name,
                "no items yet: a adds one, ? lists the keys",
                str(self.session.store.path),
            ]
        if self.filter_text:
            parts.append(f"filter: {self.filter_text}")
        parts.extend(self._notes)
        self.query_one("#board-title", Static).update(Content("  ·  ".join(parts)), layout=False)

    def focused_stage(self) -> str | None:
        """The stage of the focused column (a prioritisation session may rate just it)."""
        stages = self.session.backlog.board.stages
        return stages[self.column] if 0 <= self.column < len(stages) else None

    def focused_item(self) -> Item | None:
        """The item under the cursor, if any."""
        items = self.view.columns[self.column] if self.view.columns else ()
        return items[self.row] if 0 <= self.row < len(items) else None

    def _column_widget(self, index: int) -> StageColumn:
        return self.query_one(f"#stage-{index}", StageColumn)

    def _set_cursor(self, column: int, row: int) -> None:
        old = self.column
        self.column = column
        self.row = max(0, min(row, len(self.view.columns[column]) - 1))
        if old != column:
            self._column_widget(old).move_cursor(None)
            self._fit_columns()
        has_items = bool(self.view.columns[column])
        self._column_widget(column).move_cursor(self.row if has_items else None)
        self._after_cursor_move()

    # ---- navigation ---------------------------------------------------------------------

    def on_stage_column_clicked(self, event: StageColumn.Clicked) -> None:
        """A click on a card puts the cursor on it (for those who use a mouse too)."""
        self._set_cursor(event.column, event.row)

    def action_cursor_left(self) -> None:
        if self.column > 0:
            self._set_cursor(self.column - 1, self.row)

    def action_cursor_right(self) -> None:
        if self.column < len(self.view.columns) - 1:
            self._set_cursor(self.column + 1, self.row)

    def action_cursor_up(self) -> None:
        self._set_cursor(self.column, self.row - 1)

    def action_cursor_down(self) -> None:
        self._set_cursor(self.column, self.row + 1)

    def action_cursor_first(self) -> None:
        self._set_cursor(self.column, 0)

    def action_cursor_last(self) -> None:
        self._set_cursor(self.column, len(self.view.columns[self.column]) - 1)

    # ---- view ---------------------------------------------------------------------------

    def stage_for_new_item(self) -> str:
        return self.view.stages[self.column]

    def action_sort(self) -> None:
        self.order = self.order.next()
        self.refresh_board()

    def action_matrix(self) -> None:
        """Value against effort; back here on the item chosen there."""
        from modelboard.core.matrix import axes
        from modelboard.screens.matrix import MatrixScreen

        try:
            axes(self.session.backlog.board)
        except ModelboardError as error:
            self.notify(sentence(error.message) + ".", severity="warning")
            return
        current = self.focused_item()
        self.app.push_screen(MatrixScreen(current.id if current else None), self._back_on)

    def action_goals(self) -> None:
        """The goals; `enter` there filters the board by the goal chosen."""
        from modelboard.screens.goals import GoalsScreen

        def back(goal_id: str | None) -> None:
            if goal_id is not None:
                self.filter_by(f"goal:{goal_id}")

        self.app.push_screen(GoalsScreen(), back)

    def _back_on(self, item_id: str | None) -> None:
        if item_id is not None:
            self.refresh_board(item_id)

    def action_ranked(self) -> None:
        """The ranked list of the items this board shows; back here on the item chosen there."""
        from modelboard.screens.ranked import RankedScreen

        def back(item_id: str | None) -> None:
            if item_id is not None:
                self.refresh_board(item_id)

        self.app.push_screen(RankedScreen(self.filter_text, self.current_id), back)
