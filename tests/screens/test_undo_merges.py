"""Undo is a change like any other: a teammate's later change of the same thing is a conflict,
shown in the dialog, never silently taken back."""

from __future__ import annotations

import io
from pathlib import Path

from textual.widgets import Input

from modelboard.app import ModelboardApp
from modelboard.cli import main
from modelboard.screens.conflict import ConflictScreen
from tests.conftest import NOW
from tests.screens.test_board import board, make_app, saved


def teammate(path: Path, *argv: str) -> None:
    """Another person's command, on the same file."""
    assert main(["--file", str(path), *argv], now=NOW, stdout=io.StringIO(),
                stderr=io.StringIO()) == 0  # fmt: skip


async def board_reads_the_file(app: ModelboardApp) -> None:
    app.check_disk()
    await app.workers.wait_for_complete()


async def test_undoing_a_move_a_teammate_moved_on_asks(board_file: Path) -> None:
    app = make_app(board_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("L")  # M-1: proposed -> ready
        teammate(board_file, "move", "M-1", "building")
        await board_reads_the_file(app)
        await pilot.press("u")
        assert isinstance(app.screen, ConflictScreen)
        assert saved(board_file)["M-1"]["stage"] == "building"
        await pilot.press("t")  # keep theirs
        assert saved(board_file)["M-1"]["stage"] == "building"
        assert not app.require_session().can_undo


async def test_undo_anyway_takes_it_back(board_file: Path) -> None:
    app = make_app(board_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("L")
        teammate(board_file, "move", "M-1", "building")
        await board_reads_the_file(app)
        await pilot.press("u", "m")
        assert saved(board_file)["M-1"]["stage"] == "proposed"
        assert board(app).current_id == "M-1"


async def test_undo_merges_a_teammates_change_of_another_field(board_file: Path) -> None:
    app = make_app(board_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("L")
        teammate(board_file, "edit", "M-1", "--owner", "bea")
        await board_reads_the_file(app)
        await pilot.press("u")
        assert not isinstance(app.screen, ConflictScreen)
        assert saved(board_file)["M-1"]["stage"] == "proposed"
        assert saved(board_file)["M-1"]["owner"] == "bea"


async def test_undoing_an_add_a_teammate_has_edited_asks_first(board_file: Path) -> None:
    app = make_app(board_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        app.screen.query_one("#title", Input).value = "New model"
        await pilot.press("ctrl+s")
        assert saved(board_file)["M-4"]["title"] == "New model"
        teammate(board_file, "edit", "M-4", "--owner", "bea", "--description", "Their text")
        await board_reads_the_file(app)
        await pilot.press("u")
        assert isinstance(app.screen, ConflictScreen)
        await pilot.press("t")
        assert saved(board_file)["M-4"]["description"] == "Their text"


async def test_undoing_my_own_add_and_edit_needs_no_question(board_file: Path) -> None:
    app = make_app(board_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        app.screen.query_one("#title", Input).value = "New model"
        await pilot.press("ctrl+s", "L", "u", "u")  # my add, my move; both undone
        assert not isinstance(app.screen, ConflictScreen)
        assert "M-4" not in saved(board_file)
