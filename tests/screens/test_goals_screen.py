"""The goals screen: goals added, edited and retired with keys, and the board filtered."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from modelboard.demo import demo_store_text
from modelboard.screens.board import BoardScreen
from modelboard.screens.goals import GoalFormScreen, GoalsScreen
from tests.conftest import NOW
from tests.screens.test_board import make_app


@pytest.fixture
def demo_file(tmp_path: Path) -> Path:
    path = tmp_path / "demo.toml"
    path.write_text(demo_store_text(NOW))
    return path


def goals(path: Path) -> dict[str, dict[str, object]]:
    found: dict[str, dict[str, object]] = tomllib.loads(path.read_text())["goals"]
    return found


async def test_a_goal_is_added_edited_and_retired_with_keys(demo_file: Path) -> None:
    app = make_app(demo_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("o")
        screen = app.screen
        assert isinstance(screen, GoalsScreen)
        assert [s.goal.id for s in screen.standings][:3] == ["G1", "G2", "G4"]
        await pilot.press("a")
        assert isinstance(app.screen, GoalFormScreen)
        await pilot.press(*"Sell more online", "enter", "5", "enter", *"Web shop", "enter")
        await pilot.pause()
        assert goals(demo_file)["G5"] == {
            "title": "Sell more online",
            "weight": 5,
            "description": "Web shop",
            "created": goals(demo_file)["G5"]["created"],
        }
        chosen = screen.chosen()
        assert chosen is not None and chosen.id == "G1"  # the cursor stayed where it was
        await pilot.press("e", "ctrl+u", *"Keep customers", "ctrl+s")
        await pilot.pause()
        assert goals(demo_file)["G1"]["title"] == "Keep customers"
        assert "changed" in goals(demo_file)["G1"]
        await pilot.press("j", "x", "y")  # G2, retired after the question
        await pilot.pause()
        assert "retired" in goals(demo_file)["G2"]
        await pilot.press("u")
        await pilot.pause()
        assert "retired" not in goals(demo_file)["G2"]


async def test_enter_filters_the_board_by_the_goal(demo_file: Path) -> None:
    app = make_app(demo_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("o", "j", "enter")
        board = app.screen
        assert isinstance(board, BoardScreen) and board.filter_text == "goal:G2"


async def test_escape_in_the_form_saves_nothing(demo_file: Path) -> None:
    before = demo_file.read_text()
    app = make_app(demo_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("o", "a", *"Half typed", "escape", "escape")
        assert isinstance(app.screen, BoardScreen)
    assert demo_file.read_text() == before


async def test_a_bad_weight_is_said_and_the_form_stays(demo_file: Path) -> None:
    app = make_app(demo_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("o", "a", *"Goal", "enter", *"heavy", "ctrl+s")
        assert isinstance(app.screen, GoalFormScreen)  # still there, to fix the weight
        assert "G5" not in goals(demo_file)
