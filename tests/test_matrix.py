"""Value against effort: the grid, its corners, the command and the screen."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from modelboard.core.defaults import DEFAULT_STORE
from modelboard.core.matrix import as_text, axes, build_matrix
from modelboard.core.model import backlog_from_data
from modelboard.demo import demo_store_text
from modelboard.screens.board import BoardScreen
from modelboard.screens.editor import EditorScreen
from modelboard.screens.matrix import MatrixScreen
from modelboard.widgets.matrix_grid import Cursor, grid_lines
from tests.conftest import NOW
from tests.screens.test_board import make_app
from tests.test_cli import Run


def item(n: int, value: int | None, effort: int | None, feasibility: int = 3) -> str:
    scores = {"value": value, "effort": effort, "feasibility": feasibility}
    shown = ", ".join(f"{k} = {v}" for k, v in scores.items() if v is not None)
    return f'\n[items.M-{n}]\ntitle = "Model {n}"\nstage = "proposed"\nscores = {{ {shown} }}\n'


def backlog_of(*items: str):  # type: ignore[no-untyped-def]
    return backlog_from_data(tomllib.loads(DEFAULT_STORE + "".join(items)))


def test_items_sit_by_their_scores_and_the_corners_follow_the_criteria() -> None:
    backlog = backlog_of(
        item(1, 5, 1), item(2, 5, 5), item(3, 1, 1), item(4, 1, 5), item(5, 3, None)
    )
    x, y = axes(backlog.board)
    assert (x.key, y.key) == ("effort", "value")
    grid = build_matrix(backlog, x, y)
    assert [i.id for i in grid.items_at(1, 5)] == ["M-1"]
    names = {grid.quadrant(*cell) for cell in ((1, 5), (5, 5), (1, 1), (5, 1), (3, 3), (1, 3))}
    assert names == {"quick wins", "big bets", "fill-ins", "time sinks", ""}
    assert grid.quadrant(1, 5) == "quick wins" and grid.quadrant(5, 1) == "time sinks"
    assert [i.id for i in grid.unplaced] == ["M-5"]
    # with feasibility across (higher is better), the quick wins are on the right
    turned = build_matrix(backlog, backlog.board.criteria[1], y)
    assert turned.quadrant(5, 5) == "quick wins"


def test_a_full_cell_says_how_many_more_and_the_cursor_stays_in_view() -> None:
    backlog = backlog_of(*(item(n, 4, 2) for n in range(1, 13)))
    grid = build_matrix(backlog, *axes(backlog.board))
    text = as_text(grid)
    assert "+" in text and "quick wins:  M-1, M-2" in text
    lines = grid_lines(grid, 80, 2, Cursor(2, 4, 11))
    shown = "".join(t for line in lines for t, role in line if role in ("id", "cursor", "more"))
    assert "▌M-12" in shown and "+" in shown
    assert all(sum(len(t) for t, _ in line) <= 80 for line in lines)


def test_the_matrix_needs_two_criteria() -> None:
    one = DEFAULT_STORE.split("[scoring.criteria.feasibility]")[0] + "[template]\n"
    board = backlog_from_data(tomllib.loads(one)).board
    with pytest.raises(Exception, match="two scoring criteria"):
        axes(board)


def test_the_command_prints_the_grid_and_json(tmp_path: Path) -> None:
    path = tmp_path / "demo.toml"
    path.write_text(demo_store_text(NOW))
    text = Run("--file", str(path), "matrix")
    assert text.code == 0 and "quick wins:" in text.out and "not placed:" in text.out
    data = Run("--file", str(path), "matrix", "--json", "--x", "feasibility").json()
    assert isinstance(data, dict) and data["x"]["key"] == "feasibility"
    assert all(1 <= c["x"] <= 5 and c["items"] for c in data["cells"])
    wrong = Run("--file", str(path), "matrix", "--x", "cost")
    assert wrong.code == 1 and "unknown criterion 'cost'" in wrong.err
    same = Run("--file", str(path), "matrix", "--x", "value")
    assert same.code == 1 and "two different criteria" in same.err


@pytest.fixture
def demo_file(tmp_path: Path) -> Path:
    path = tmp_path / "demo.toml"
    path.write_text(demo_store_text(NOW))
    return path


async def test_arrows_walk_cells_and_items_and_enter_shows_it_on_the_board(
    demo_file: Path,
) -> None:
    app = make_app(demo_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("m")
        screen = app.screen
        assert isinstance(screen, MatrixScreen) and screen.matrix is not None
        start = screen.cursor
        await pilot.press("down")
        moved = screen.cursor
        assert moved != start
        items_here = screen.matrix.items_at(start.x, start.y)
        if len(items_here) > start.index + 1:
            assert (moved.x, moved.y, moved.index) == (start.x, start.y, start.index + 1)
        await pilot.press("up")
        assert screen.cursor == start
        await pilot.press("left", "left", "left", "left", "up", "up", "up", "up", "up")
        assert (screen.cursor.x, screen.cursor.y) == (1, 5)
        await pilot.press("down")  # (1, 5) is empty in the demo: on to (1, 4)
        assert (screen.cursor.x, screen.cursor.y) == (1, 4)
        chosen = screen.focused_item()
        assert chosen is not None and chosen.id == "M-6"
        await pilot.press("enter")
        board = app.screen
        assert isinstance(board, BoardScreen)
        focused = board.focused_item()
        assert focused is not None and focused.id == "M-6"


async def test_axes_change_and_e_edits_the_item(demo_file: Path) -> None:
    app = make_app(demo_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("m")
        screen = app.screen
        assert isinstance(screen, MatrixScreen)
        await pilot.press("x")
        assert screen.x is not None and screen.x.key == "feasibility"  # never value, on y
        await pilot.press("e")
        assert isinstance(app.screen, EditorScreen)


async def test_a_teammates_rescore_moves_the_item_on_the_open_matrix(demo_file: Path) -> None:
    app = make_app(demo_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("m")
        screen = app.screen
        assert isinstance(screen, MatrixScreen)
        assert Run("--file", str(demo_file), "edit", "M-6", "--score", "value=1").code == 0
        app.require_session().store.reload()
        app.backlog_changed(None)
        await pilot.pause()
        assert screen.matrix is not None and screen.matrix.position("M-6") == (1, 1)


@given(
    counts=st.lists(st.integers(0, 14), min_size=25, max_size=25),
    width=st.integers(60, 200),  # below 60 columns the app asks for more room
    cell_lines=st.integers(1, 4),
    pick=st.integers(0, 10_000),
)
@settings(max_examples=60, deadline=None)
def test_every_grid_fits_its_width_and_shows_the_cursors_item(
    counts: list[int], width: int, cell_lines: int, pick: int
) -> None:
    cells = [(x, y) for y in range(1, 6) for x in range(1, 6)]
    items, number = [], 1
    for (x, y), count in zip(cells, counts, strict=True):
        for _ in range(count):
            items.append(item(number, y, x))
            number += 1
    backlog = backlog_of(*items)
    grid = build_matrix(backlog, *axes(backlog.board))
    filled = [cell for cell in cells if grid.items_at(*cell)]
    cursor = Cursor(1, 5, 0)
    if filled:
        x, y = filled[pick % len(filled)]
        cursor = Cursor(x, y, pick % len(grid.items_at(x, y)))
    lines = grid_lines(grid, width, cell_lines, cursor)
    assert all(cell_len("".join(t for t, _ in line)) <= width for line in lines)
    if filled:
        chosen = grid.items_at(cursor.x, cursor.y)[cursor.index]
        cursors = [t for line in lines for t, role in line if role == "cursor"]
        assert len(cursors) == 1 and chosen.id in cursors[0]


async def test_m_on_a_board_with_one_criterion_says_why_and_stays(tmp_path: Path) -> None:
    path = tmp_path / "one.toml"
    one = DEFAULT_STORE.split("[scoring.criteria.feasibility]")[0]
    path.write_text(one + DEFAULT_STORE[DEFAULT_STORE.index("[template]") :])
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("m")
        assert isinstance(app.screen, BoardScreen)
        assert any("two scoring criteria" in n.message for n in app._notifications)


def test_the_cursor_shows_on_an_empty_cell_too() -> None:
    backlog = backlog_of(item(1, 5, 1))
    grid = build_matrix(backlog, *axes(backlog.board))
    lines = grid_lines(grid, 80, 2, Cursor(3, 3, 0))
    cursors = [t for line in lines for t, role in line if role == "cursor"]
    assert len(cursors) == 1 and cursors[0].startswith("▌·")
