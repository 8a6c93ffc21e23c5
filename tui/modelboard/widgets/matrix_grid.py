"""The value-against-effort grid: 5 x 5 cells of item ids, the named corners on its borders.

The layout is worked out as plain runs of text and a role each (`grid_lines`), so it can be
read without a terminal; the widget only styles the roles, from `matrix.tcss`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.widget import Widget

from modelboard.core.matrix import SCORES, Matrix
from modelboard.core.model import Item
from modelboard.render import fit, plain

Run = tuple[str, str]
"""A piece of text and its role: axis, border, corner, id, cursor, more, empty."""

LABEL = 4  # the column of y scores: "  5 "
MARKER = "▌"


@dataclass(frozen=True)
class Cursor:
    """The cell (x and y score) and the item in it the cursor is on."""

    x: int = 1
    y: int = 5
    index: int = 0


def cell_width(width: int) -> int:
    """Cells share the width left of the y scores, one border column each."""
    return max(6, (width - LABEL) // len(SCORES) - 1)


def grid_lines(matrix: Matrix, width: int, cell_lines: int, cursor: Cursor) -> list[list[Run]]:
    """The grid in `width` cells: the x scores, then per y score a border and `cell_lines`
    lines of items, then the bottom border. A full cell ends with `+N`; ids come with
    titles when a cell is wide enough for both."""
    inner = cell_width(width)
    lines: list[list[Run]] = [
        [(" " * LABEL, "axis")]
        + [(fit(f"│{_x_label(matrix, x)}", inner + 1), "axis") for x in SCORES]
    ]
    for y in reversed(SCORES):
        lines.append(_border(matrix, y, inner, top=True))
        rows: list[list[Run]] = [[] for _ in range(cell_lines)]
        for x in SCORES:
            chosen = cursor.index if (x, y) == (cursor.x, cursor.y) else None
            for row, runs in zip(
                rows, _cell(matrix.items_at(x, y), inner, cell_lines, chosen), strict=True
            ):
                row.append(("│", "border"))
                row.extend(runs)
        for number, row in enumerate(rows):
            label = f"  {y} " if number == 0 else " " * LABEL
            lines.append([(label, "axis"), *row])
    lines.append(_border(matrix, 1, inner, top=False))
    return lines


def _x_label(matrix: Matrix, x: int) -> str:
    if x == SCORES[0]:
        return f"{matrix.x.key} {x}"
    return str(x)


def _border(matrix: Matrix, y: int, inner: int, top: bool) -> list[Run]:
    """A line between rows; the top and bottom ones name the corners they close."""
    runs: list[Run] = [("─" * LABEL, "border")]
    edge = (top and y == SCORES[-1]) or not top
    span = 2 * inner + 1  # a corner is two cells wide
    if not edge:
        return runs + [("┼" + "─" * inner, "border") for _ in SCORES]
    for x in (SCORES[0], SCORES[-2]):
        name = matrix.quadrant(x, y)
        label = f" {name} " if name else ""
        runs.append(("┼─", "border"))
        runs.append((label, "corner"))
        runs.append(("─" * max(0, span - 1 - cell_len(label)), "border"))
        if x == SCORES[0]:
            runs.append(("┼" + "─" * inner, "border"))  # the middle column
    return runs


def _cell(items: tuple[Item, ...], inner: int, lines: int, chosen: int | None) -> list[list[Run]]:
    """The lines of one cell: ids packed side by side (one per line with its title when the
    cell is wide), the cursor's item marked and in view, `+N` for what does not fit."""
    if not items:  # the cursor shows on an empty cell too, as a mark and a colour
        first = (fit(f"{MARKER}·", inner), "cursor") if chosen is not None else (" ·", "empty")
        rows = [[first] if n == 0 else [] for n in range(lines)]
        return [[*row, (" " * (inner - sum(cell_len(t) for t, _ in row)), "empty")] for row in rows]
    with_titles = inner >= 20
    start = 0
    while True:
        rows, shown = _packed(items, start, inner, lines, with_titles, chosen)
        if chosen is None or chosen < start + shown or start >= chosen:
            break
        start += 1  # the cursor's item did not fit: the window moves down one
    return [
        [*row, (" " * (inner - sum(cell_len(text) for text, _ in row)), "empty")] for row in rows
    ]


def _packed(
    items: tuple[Item, ...],
    start: int,
    inner: int,
    lines: int,
    with_titles: bool,
    chosen: int | None,
) -> tuple[list[list[Run]], int]:
    """Lay items out from `start`; returns the rows and how many items they show."""
    rows: list[list[Run]] = [[] for _ in range(lines)]
    line, used, shown = 0, 0, 0
    for index in range(start, len(items)):
        item = items[index]
        role = "cursor" if index == chosen else "id"
        text = (MARKER if role == "cursor" else " ") + item.id
        if with_titles:
            text = fit(f"{text} {plain(item.title)}", inner)
        left = len(items) - index - 1 + start  # hidden if this is the last one shown
        reserve = cell_len(f" +{left}") if left and line == lines - 1 else 0
        if used + cell_len(text) + reserve > inner or (with_titles and used):
            line, used = line + 1, 0
            reserve = cell_len(f" +{left}") if left and line == lines - 1 else 0
            if line >= lines or cell_len(text) + reserve > inner:
                break
        rows[line].append((text, role))
        used += cell_len(text)
        shown += 1
    if not shown and start < len(items):  # too narrow for an id and a count: the id
        role = "cursor" if start == chosen else "id"
        marker = MARKER if role == "cursor" else " "
        return [[(fit(marker + items[start].id, inner), role)]] + rows[1:], 1
    hidden = len(items) - shown
    if hidden:
        last = min(line, lines - 1)
        room = inner - sum(cell_len(text) for text, _ in rows[last])
        rows[last].append((fit(f" +{hidden}", max(0, room)), "more"))
    return rows, shown


class MatrixGrid(Widget, can_focus=False):
    """Draws a matrix with a cursor; the matrix screen moves the cursor."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "matrix-grid--axis",
        "matrix-grid--border",
        "matrix-grid--corner",
        "matrix-grid--id",
        "matrix-grid--cursor",
        "matrix-grid--more",
        "matrix-grid--empty",
    }

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.matrix: Matrix | None = None
        self.cursor = Cursor()
        self.cell_lines = 2

    def show(self, matrix: Matrix, cursor: Cursor, cell_lines: int) -> None:
        """Draw this matrix with the cursor here, `cell_lines` lines per cell."""
        self.matrix, self.cursor, self.cell_lines = matrix, cursor, cell_lines
        self.styles.height = 2 + len(SCORES) * (cell_lines + 1)
        self.refresh()

    def render(self) -> Text:
        if self.matrix is None:
            return Text("")
        text = Text(no_wrap=True, overflow="crop")
        lines = grid_lines(self.matrix, self.size.width, self.cell_lines, self.cursor)
        for number, runs in enumerate(lines):
            if number:
                text.append("\n")
            for piece, role in runs:
                text.append(piece, self.get_component_rich_style(f"matrix-grid--{role}"))
        return text
