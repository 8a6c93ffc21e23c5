"""The board: one column per stage, driven entirely from the keyboard."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Footer, Static

from modelboard.core import operations
from modelboard.core.board_view import BoardView
from modelboard.core.errors import ModelboardError
from modelboard.core.model import Item, missing_fields, unscored_criteria
from modelboard.core.operations import Change
from modelboard.core.review import Include, review_queue
from modelboard.core.session import Session
from modelboard.core.sorting import SortOrder, sorted_items
from modelboard.screens.committing import commit_change, sentence, undo_last
from modelboard.widgets.card import plain
from modelboard.widgets.ranked_list import RankedList
from modelboard.widgets.stage_column import StageColumn

if TYPE_CHECKING:
    from modelboard.widgets.filter_bar import FilterBarChanged, FilterBarClosed

MIN_WIDTH = 60
MIN_HEIGHT = 14


class BoardScreen(Screen[None]):
    """The kanban board of a session's backlog."""

    AUTO_FOCUS = ""  # nothing: the board's keys belong to the screen, the filter starts hidden

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,h", "cursor_left", "Previous column", show=False),
        Binding("right,l", "cursor_right", "Next column", show=False),
        Binding("up,k", "cursor_up", "Previous card", show=False),
        Binding("down,j", "cursor_down", "Next card", show=False),
        Binding("home,g", "cursor_first", "First card", show=False),
        Binding("end,G", "cursor_last", "Last card", show=False),
        Binding("H,shift+left", "move_left", "Move to previous stage", show=False),
        Binding("L,shift+right", "move_right", "Move to next stage", show=False),
        Binding("a", "add", "Add", id="add"),
        Binding("enter,e", "edit", "Edit", id="edit"),
        Binding("d", "delete", "Delete", id="delete"),
        Binding("slash", "filter", "Filter", id="filter", key_display="/"),
        Binding("escape", "clear_filter", "Clear filter", show=False),
        Binding("s", "sort", "Sort", id="sort"),
        Binding("v", "toggle_view", "Ranked", id="view"),
        Binding("w", "scoring", "Weights", id="scoring", show=False),
        Binding("R", "report", "Report", id="report", show=False),
        Binding("r", "review", "Review", id="review"),
        Binding("u", "undo", "Undo", id="undo"),
        Binding("question_mark", "help", "Help", id="help", key_display="?"),
        Binding("q", "quit", "Quit", id="quit"),
    ]

    def __init__(
        self, session: Session, edit_externally: Callable[[str], str | None] = lambda _: None
    ) -> None:
        super().__init__()
        self.session = session
        self.edit_externally = edit_externally
        self.order = SortOrder.PRIORITY
        self.filter_text = ""
        self.column = 0
        self.row = 0
        self.current_id: str | None = None
        self.ranked = False
        self.ranked_items: tuple[Item, ...] = ()
        self.ranked_row = 0
        self.view = BoardView(
            session.backlog.board.stages, ((),) * len(session.backlog.board.stages), 0
        )  # built for real on mount

    # ---- composition ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="board-title", markup=False)
        with Horizontal(id="columns"):
            for index, stage in enumerate(self.session.backlog.board.stages):
                with Vertical(classes="stage"):
                    yield Static(id=f"stage-header-{index}", classes="stage-header", markup=False)
                    yield StageColumn(stage, id=f"stage-{index}")
        yield RankedList(id="ranked")
        yield Static(
            "The terminal is too small for the board: make it at least "
            f"{MIN_WIDTH}x{MIN_HEIGHT}, or press q to quit.",
            id="too-small",
            markup=False,
        )
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_board()

    def on_resize(self, event: Resize) -> None:
        small = event.size.width < MIN_WIDTH or event.size.height < MIN_HEIGHT
        notice = self.query_one("#too-small")
        if notice.display != small:  # a change of display costs a whole new layout
            notice.display = small
            self.query_one("#columns").display = not small

    # ---- drawing ------------------------------------------------------------------------

    def refresh_board(self, keep: str | None = None) -> None:
        """Rebuild the view from the session's backlog, keeping the cursor on `keep` (or the
        item it was on) when the view still shows it."""
        keep = keep or self.current_id
        self.view = BoardView.of(self.session.backlog, self.order, self.filter_text)
        found = self.view.locate(keep)
        if found is not None:
            self.column, self.row = found
        self.column = min(self.column, len(self.view.columns) - 1)
        if not self.view.columns[self.column]:
            # A filter emptied this column: go where the items are.
            filled = [i for i, column in enumerate(self.view.columns) if column]
            if filled:
                self.column, self.row = filled[0], 0
        self.row = max(0, min(self.row, len(self.view.columns[self.column]) - 1))
        now = self.session.actor().now
        board = self.session.backlog.board
        if self.ranked:
            self._refresh_ranked(keep)
            return
        for index, items in enumerate(self.view.columns):
            cursor = self.row if index == self.column and items else None
            self.query_one(f"#stage-{index}", StageColumn).show(items, cursor, board, now)
            header = self.query_one(f"#stage-header-{index}", Static)
            header.update(Content(f"{self.view.stages[index]} ({len(items)})"))
            header.set_class(index == self.column, "-current")
        self._after_cursor_move()

    def _after_cursor_move(self) -> None:
        item = self.focused_item()
        self.current_id = item.id if item else None
        backlog = self.session.backlog
        shown = self.view.shown()
        order = "ranked by priority, open items" if self.ranked else f"sort: {self.order.value}"
        parts = [backlog.board.name, f"{shown} of {self.view.total} items" if self.filter_text
                 else f"{self.view.total} items", order]  # fmt: skip
        if self.filter_text:
            parts.append(f"filter: {self.filter_text}")
        self.query_one("#board-title", Static).update(Content("  ·  ".join(parts)))

    def _refresh_ranked(self, keep: str | None) -> None:
        board = self.session.backlog.board
        open_stages = {s for s in board.stages if board.review_days_by_stage.get(s, 1) != 0}
        items = [i for column in self.view.columns for i in column if i.stage in open_stages]
        self.ranked_items = tuple(sorted_items(items, SortOrder.PRIORITY, board))
        ids = [i.id for i in self.ranked_items]
        if keep in ids:
            self.ranked_row = ids.index(keep)
        self.ranked_row = max(0, min(self.ranked_row, len(ids) - 1))
        now = self.session.actor().now
        self.query_one(RankedList).show(self.ranked_items, self.ranked_row, board, now)
        self._after_cursor_move()

    def action_toggle_view(self) -> None:
        """Switch between the board and the ranked list of open items."""
        self.ranked = not self.ranked
        self.query_one("#columns").display = not self.ranked
        self.query_one(RankedList).display = self.ranked
        self.refresh_board(self.current_id)

    def focused_item(self) -> Item | None:
        """The item under the cursor, if any."""
        if self.ranked:
            rows = self.ranked_items
            return rows[self.ranked_row] if 0 <= self.ranked_row < len(rows) else None
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
            for index in (old, column):
                header = self.query_one(f"#stage-header-{index}", Static)
                header.set_class(index == column, "-current")
            self.query_one(f"#stage-{column}", StageColumn).scroll_visible(animate=False)
        has_items = bool(self.view.columns[column])
        self._column_widget(column).move_cursor(self.row if has_items else None)
        self._after_cursor_move()

    # ---- navigation ---------------------------------------------------------------------

    def action_cursor_left(self) -> None:
        if not self.ranked and self.column > 0:
            self._set_cursor(self.column - 1, self.row)

    def action_cursor_right(self) -> None:
        if not self.ranked and self.column < len(self.view.columns) - 1:
            self._set_cursor(self.column + 1, self.row)

    def _set_ranked_row(self, row: int) -> None:
        self.ranked_row = max(0, min(row, len(self.ranked_items) - 1))
        self.query_one(RankedList).move_cursor(self.ranked_row)
        self._after_cursor_move()

    def action_cursor_up(self) -> None:
        if self.ranked:
            self._set_ranked_row(self.ranked_row - 1)
        else:
            self._set_cursor(self.column, self.row - 1)

    def action_cursor_down(self) -> None:
        if self.ranked:
            self._set_ranked_row(self.ranked_row + 1)
        else:
            self._set_cursor(self.column, self.row + 1)

    def action_cursor_first(self) -> None:
        if self.ranked:
            self._set_ranked_row(0)
        else:
            self._set_cursor(self.column, 0)

    def action_cursor_last(self) -> None:
        if self.ranked:
            self._set_ranked_row(len(self.ranked_items) - 1)
        else:
            self._set_cursor(self.column, len(self.view.columns[self.column]) - 1)

    # ---- changes ------------------------------------------------------------------------

    def commit(self, change: Change, keep: str | None = None, base: Item | None = None) -> bool:
        """Save a change through the session and redraw; False when it was not saved."""
        applied = commit_change(self, self.session, change, base, lambda: self.refresh_board(keep))
        if applied is None:
            return False
        if keep is None:
            keep = next((s.item_id for s in applied.steps if s.item_id), None)
        self.refresh_board(keep)
        return True

    def _move(self, offset: int) -> None:
        item = self.focused_item()
        if item is None:
            return
        stages = self.session.backlog.board.stages
        index = stages.index(item.stage) + offset
        if 0 <= index < len(stages):
            actor = self.session.actor()
            change = operations.move_item(self.session.backlog, item.id, stages[index], actor)
            self.commit(change, keep=item.id)

    def action_move_left(self) -> None:
        self._move(-1)

    def action_move_right(self) -> None:
        self._move(1)

    def action_add(self) -> None:
        self._open_editor(None, self.view.stages[0 if self.ranked else self.column])

    def action_edit(self) -> None:
        item = self.focused_item()
        if item is not None:
            self._open_editor(item, item.stage)

    def _open_editor(self, item: Item | None, stage: str) -> None:
        from modelboard.screens.editor import EditorResult, EditorScreen

        def done(result: EditorResult | None) -> None:
            if result is None or not result.values:
                return
            session, actor = self.session, self.session.actor()
            try:
                if result.base is None:
                    change = operations.add_item(session.backlog, result.values, actor)
                else:
                    change = operations.edit_item(
                        session.backlog, result.base.id, result.values, actor
                    )
            except ModelboardError as error:
                self.notify(error.message, title="Not saved", severity="error", timeout=8)
                return
            if self.commit(change, base=result.base):
                self._say_what_is_missing(result.base.id if result.base else None)

        board = self.session.backlog.board
        self.app.push_screen(EditorScreen(board, item, stage, self.edit_externally), done)

    def _say_what_is_missing(self, item_id: str | None) -> None:
        item = self.session.backlog.item(item_id or self.current_id or "")
        if item is None:
            return
        missing = missing_fields(item, self.session.backlog.board)
        unscored = unscored_criteria(item, self.session.backlog.board)
        gaps = missing + [f"score {key}" for key in unscored]
        if gaps:
            self.notify(f"Saved {item.id}; still missing: {', '.join(gaps)}.", severity="warning")
        else:
            self.notify(f"Saved {item.id}.")

    def action_delete(self) -> None:
        item = self.focused_item()
        if item is None:
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                change = operations.delete_item(self.session.backlog, item.id, self.session.actor())
                if self.commit(change):
                    self.notify(f"Deleted {item.id}. Press u to undo.")

        from modelboard.screens.confirm import ConfirmScreen

        question = f"Delete {item.id} “{plain(item.title)}”?"
        self.app.push_screen(ConfirmScreen(question), confirmed)

    def action_undo(self) -> None:
        applied = undo_last(self, self.session)
        if applied is not None:
            self.refresh_board(next((s.item_id for s in applied.steps if s.item_id), None))

    # ---- view ---------------------------------------------------------------------------

    def action_sort(self) -> None:
        self.order = self.order.next()
        self.refresh_board()

    def filter_by(self, text: str) -> None:
        """Show only the items matching `text` (as typed after `/`)."""
        self.filter_text = text
        self.refresh_board()

    def action_filter(self) -> None:
        from modelboard.widgets.filter_bar import FilterBar

        bars = self.query(FilterBar)
        bar = bars.first() if bars else FilterBar()
        if not bars:
            self.mount(bar, before=self.query_one(Footer))
        bar.open(self.filter_text)

    def on_filter_bar_changed(self, event: FilterBarChanged) -> None:
        self.filter_text = event.text.strip()
        self.refresh_board()

    def on_filter_bar_closed(self, event: FilterBarClosed) -> None:
        self.set_focus(None)
        if event.cleared:
            self.action_clear_filter()

    def action_clear_filter(self) -> None:
        for bar in self.query("FilterBar"):
            bar.display = False
        self.set_focus(None)
        if self.filter_text:
            self.filter_text = ""
            self.refresh_board()

    def action_review(self) -> None:
        self.start_review(frozenset())

    def start_review(self, include: frozenset[Include]) -> None:
        """Open review mode on the queue; the summary, then the board again, when it ends."""
        from modelboard.screens.review import ReviewScreen
        from modelboard.screens.summary import ReviewSummaryScreen

        now = self.session.actor().now
        if not review_queue(self.session.backlog, now, include):
            self.notify("Nothing to review: every item was looked at within its stage's interval.")
            return

        def finished(counts: dict[str, int] | None) -> None:
            self.refresh_board()
            left = len(review_queue(self.session.backlog, self.session.actor().now, include))
            self.app.push_screen(ReviewSummaryScreen(counts or {}, left))

        self.app.push_screen(ReviewScreen(self.session, include, self.edit_externally), finished)

    def action_scoring(self) -> None:
        """Open the scoring screen; saved weights re-rank the board at once."""
        from modelboard.screens.scoring import ScoringScreen

        def done(weights: dict[str, float] | None) -> None:
            if not weights:
                return
            try:
                change = operations.set_weights(self.session.backlog, weights, self.session.actor())
            except ModelboardError as error:
                self.notify(error.message, severity="error")
                return
            if self.commit(change, keep=self.current_id):
                self.notify(sentence(change.summary) + ". u undoes.")

        backlog = self.session.backlog
        self.app.push_screen(ScoringScreen(backlog.board, list(backlog.items.values())), done)

    def action_report(self) -> None:
        """Open the report of the last review interval."""
        from modelboard.screens.report import ReportScreen

        days = self.session.backlog.board.review_days or 14
        self.app.push_screen(ReportScreen(self.session, days))

    def action_help(self) -> None:
        from modelboard.screens.help import HelpScreen

        self.app.push_screen(HelpScreen("Board", self.BINDINGS))

    def action_quit(self) -> None:
        self.app.exit()
