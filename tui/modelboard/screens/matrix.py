"""The matrix: open items on a 5 x 5 grid of two criteria, value against effort by default.

Arrows walk the items of a cell and go on to the next cell; `x` and `y` pick other criteria;
enter goes back to the board on the item, `e` edits it.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.geometry import Region
from textual.widgets import Footer, Static

from modelboard import item_actions
from modelboard.core.errors import ModelboardError
from modelboard.core.matrix import SCORES, Matrix, axes, build_matrix
from modelboard.core.model import Criterion, Item
from modelboard.core.scoring import priority
from modelboard.core.text import plural
from modelboard.render import plain
from modelboard.screens.backlog_screen import HELP_KEY, BacklogScreen
from modelboard.widgets.matrix_grid import Cursor, MatrixGrid

FIXED_LINES = 4  # the title, two lines about the item under the cursor, the footer


class MatrixScreen(BacklogScreen[str | None]):
    """Dismisses with the id under the cursor, for the board to show."""

    HELP_TITLE = "Value against effort"
    HELP_NOTES = "Corners: quick wins (high value, little effort), big bets, fill-ins, time sinks."
    AUTO_FOCUS = ""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,h", "across(-1)", "Cell to the left", show=False),
        Binding("right,l", "across(1)", "Cell to the right", show=False),
        Binding("up,k", "up", "Item or cell above", show=False),
        Binding("down,j", "down", "Item or cell below", show=False),
        Binding("enter", "show_on_board", "On the board", id="show",
                tooltip="Back to the board, on this item"),
        Binding("e", "edit", "Edit", id="edit", tooltip="Edit the item under the cursor"),
        Binding("x", "axis('x')", "Across", id="axis-x", tooltip="Another criterion across"),
        Binding("y", "axis('y')", "Up", id="axis-y", tooltip="Another criterion up"),
        Binding("u", "app.undo", "Undo", id="undo", show=False,
                tooltip="Take back the last change"),
        HELP_KEY,
        Binding("escape,q,m", "back", "Board", id="back", tooltip="Back to the board"),
    ]  # fmt: skip

    def __init__(self, item_id: str | None = None) -> None:
        super().__init__()
        self.start_id = item_id
        self.x: Criterion | None = None
        self.y: Criterion | None = None
        self.matrix: Matrix | None = None
        self.cursor = Cursor()

    def compose(self) -> ComposeResult:
        yield Static(id="board-title", markup=False)
        with VerticalScroll(id="matrix-body", can_focus=False):
            yield MatrixGrid(id="matrix")
            yield Static(id="matrix-unplaced", markup=False)
        yield Static(id="matrix-item", markup=False)
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.redraw(self.start_id)

    def on_resize(self) -> None:
        self._draw()

    def redraw(self, item_id: str | None) -> None:
        """Place the items again; the cursor stays on `item_id`, else on its item, else its
        cell."""
        keep = item_id or (item.id if (item := self.focused_item()) else None)
        board = self.session.backlog.board
        self.x = board.criterion(self.x.key) if self.x else None
        self.y = board.criterion(self.y.key) if self.y else None
        if self.x is None or self.y is None or self.x == self.y:
            try:
                self.x, self.y = axes(board)
            except ModelboardError as error:  # a teammate took criteria away meanwhile
                self.notify(error.message, severity="warning")
                self.dismiss(None)
                return
        self.matrix = build_matrix(self.session.backlog, self.x, self.y)
        where = self.matrix.position(keep) if keep else None
        if where is not None:
            ids = [i.id for i in self.matrix.items_at(*where)]
            self.cursor = Cursor(*where, ids.index(keep or ""))
        elif keep == self.start_id and self.start_id is not None:
            self.cursor = self._first_filled()
        else:
            self.cursor = self._clamped(self.cursor)
        self.start_id = None
        self._draw()

    def _first_filled(self) -> Cursor:
        """The first cell with items, from the quick wins' corner on."""
        assert self.matrix is not None
        corner = self.matrix.corner("quick wins")
        others = [(x, y) for y in reversed(SCORES) for x in SCORES]
        for cell in [*corner, *others]:
            if self.matrix.items_at(*cell):
                return Cursor(*cell)
        return Cursor(*(corner[0] if corner else (1, 5)))

    def _clamped(self, cursor: Cursor) -> Cursor:
        assert self.matrix is not None
        count = len(self.matrix.items_at(cursor.x, cursor.y))
        return Cursor(cursor.x, cursor.y, max(0, min(cursor.index, count - 1)))

    def _draw(self) -> None:
        if self.matrix is None or self.x is None or self.y is None:
            return
        height = self.size.height or 24
        cell_lines = max(1, (height - FIXED_LINES - 2 - len(SCORES)) // len(SCORES))
        self.query_one(MatrixGrid).show(self.matrix, self.cursor, cell_lines)
        # on a short terminal the grid scrolls: keep the cursor's row (and its borders) in view
        top = 1 + (SCORES[-1] - self.cursor.y) * (cell_lines + 1)
        self.call_after_refresh(
            self.query_one("#matrix-body", VerticalScroll).scroll_to_region,
            Region(0, top, 1, cell_lines + 2),
            animate=False,
        )
        placed = sum(len(items) for items in self.matrix.cells.values())
        parts = [
            self.session.backlog.board.name,
            f"{plain(self.y.key)} up, {plain(self.x.key)} across",
            f"{placed} placed",
        ]
        self.query_one("#board-title", Static).update(Content("  ·  ".join(parts)))
        unplaced = ", ".join(i.id for i in self.matrix.unplaced)
        self.query_one("#matrix-unplaced", Static).update(
            Content(f"Not placed, a score for {self.y.key} or {self.x.key} missing: {unplaced}")
            if unplaced
            else ""
        )
        self.query_one("#matrix-item", Static).update(Content(self._item_text()))

    def _item_text(self) -> str:
        item = self.focused_item()
        assert self.matrix is not None and self.x is not None and self.y is not None
        corner = self.matrix.quadrant(self.cursor.x, self.cursor.y)
        cell = f"{self.y.key} {self.cursor.y}, {self.x.key} {self.cursor.x}"
        cell += f" ({corner})" if corner else ""
        if item is None:
            return f"{cell}: no items\nx, y: other criteria  ·  enter: board"
        count = len(self.matrix.items_at(self.cursor.x, self.cursor.y))
        value = priority(item.scores, self.session.backlog.board.criteria)
        shown = "--" if value is None else f"{value:.0f}"
        return (
            f"{item.id}  {plain(item.title)}\n"
            f"priority {shown}  ·  {plain(item.stage)}  ·  {cell}, {self.cursor.index + 1} of "
            f"{plural(count, 'item')}"
        )

    def focused_item(self) -> Item | None:
        """The item under the cursor, if its cell has any."""
        if self.matrix is None:
            return None
        items = self.matrix.items_at(self.cursor.x, self.cursor.y)
        return items[self.cursor.index] if 0 <= self.cursor.index < len(items) else None

    # ---- keys ---------------------------------------------------------------------------

    def _move(self, cursor: Cursor) -> None:
        self.cursor = cursor
        self._draw()

    def action_across(self, step: int) -> None:
        x = min(max(self.cursor.x + step, SCORES[0]), SCORES[-1])
        self._move(Cursor(x, self.cursor.y, 0))

    def action_down(self) -> None:
        assert self.matrix is not None
        count = len(self.matrix.items_at(self.cursor.x, self.cursor.y))
        if self.cursor.index + 1 < count:
            self._move(Cursor(self.cursor.x, self.cursor.y, self.cursor.index + 1))
        elif self.cursor.y > SCORES[0]:
            self._move(Cursor(self.cursor.x, self.cursor.y - 1, 0))

    def action_up(self) -> None:
        assert self.matrix is not None
        if self.cursor.index > 0:
            self._move(Cursor(self.cursor.x, self.cursor.y, self.cursor.index - 1))
        elif self.cursor.y < SCORES[-1]:
            above = len(self.matrix.items_at(self.cursor.x, self.cursor.y + 1))
            self._move(Cursor(self.cursor.x, self.cursor.y + 1, max(0, above - 1)))

    def action_axis(self, which: str) -> None:
        """The next criterion on this axis (never the one on the other)."""
        criteria = self.session.backlog.board.criteria
        current, other = (self.x, self.y) if which == "x" else (self.y, self.x)
        start = criteria.index(current) if current in criteria else -1
        choices = [c for c in criteria[start + 1 :] + criteria[: start + 1] if c != other]
        if not choices or choices[0] == current:
            self.notify("The board has no other criterion for this axis.")
            return
        if which == "x":
            self.x = choices[0]
        else:
            self.y = choices[0]
        self.redraw(None)

    def action_show_on_board(self) -> None:
        item = self.focused_item()
        self.dismiss(item.id if item else None)

    def action_edit(self) -> None:
        item = self.focused_item()
        if item is None:
            self.notify("No item in this cell.")
            return
        item_actions.open_editor(self.modelboard, item, item.stage)

    def action_back(self) -> None:
        item = self.focused_item()
        self.dismiss(item.id if item else None)
