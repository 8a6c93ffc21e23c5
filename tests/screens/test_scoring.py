"""The scoring screen: weights changed by keys, the ranking live, saved to the file."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from modelboard.app import ModelboardApp
from modelboard.core.defaults import DEFAULT_STORE
from modelboard.screens.board import BoardScreen
from modelboard.screens.confirm import ConfirmScreen
from modelboard.screens.conflict import ConflictScreen
from modelboard.screens.scoring import ScoringScreen
from tests.conftest import NOW
from tests.screens.test_board import ITEMS, board

# M-1 (5, 4, 2) and M-2 (3, 3, 3) from the board tests; M-4 wins when effort stops counting.
EXTRA = """
[items.M-4]
title = "Cheap but heavy"
stage = "proposed"
scores = { value = 5, feasibility = 5, effort = 5 }
created = 2026-11-20T09:00:00Z
"""


@pytest.fixture
def scoring_file(tmp_path: Path) -> Path:
    path = tmp_path / "backlog.toml"
    path.write_text(DEFAULT_STORE + ITEMS + EXTRA, encoding="utf-8")
    return path


def weights(path: Path) -> dict[str, float]:
    criteria = tomllib.loads(path.read_text())["scoring"]["criteria"]
    return {key: table["weight"] for key, table in criteria.items()}


async def test_a_weight_changes_the_ranking_live_and_is_saved(scoring_file: Path) -> None:
    app = ModelboardApp(scoring_file, clock=lambda: NOW, poll_seconds=0)
    async with app.run_test(size=(80, 24)) as pilot:
        # M-1: (3*100 + 2*75 + 2*75)/7 = 85.7; M-4: (3*100 + 2*100 + 2*0)/7 = 71.4
        assert [i.id for i in board(app).view.columns[0]] == ["M-1", "M-4", "M-2"]
        await pilot.press("w", "down", "down", "0")  # effort no longer counts
        screen = app.screen
        assert isinstance(screen, ScoringScreen)
        ranking = str(screen.query_one("#scoring-ranking").render())
        assert ranking.index("M-4") < ranking.index("M-1")  # M-4: 100, M-1: (300+150)/5 = 90
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, BoardScreen)
        assert [i.id for i in board(app).view.columns[0]] == ["M-4", "M-1", "M-2"]
        assert weights(scoring_file) == {"value": 3, "feasibility": 2, "effort": 0}
        await pilot.press("u")
        assert weights(scoring_file) == {"value": 3, "feasibility": 2, "effort": 2}


async def test_cancel_asks_when_weights_changed(scoring_file: Path) -> None:
    before = scoring_file.read_bytes()
    app = ModelboardApp(scoring_file, clock=lambda: NOW, poll_seconds=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("w", "right", "escape")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        assert isinstance(app.screen, BoardScreen)
    assert scoring_file.read_bytes() == before


async def test_all_weights_zero_is_refused(scoring_file: Path) -> None:
    app = ModelboardApp(scoring_file, clock=lambda: NOW, poll_seconds=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("w", "0", "down", "0", "down", "0", "ctrl+s")
        assert isinstance(app.screen, ScoringScreen)


async def test_a_teammates_change_of_the_same_weight_is_a_conflict(scoring_file: Path) -> None:
    app = ModelboardApp(scoring_file, clock=lambda: NOW, poll_seconds=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("w", "4")  # value: 3 -> 4 here
        text = scoring_file.read_text().replace("weight = 3", "weight = 5", 1)
        scoring_file.write_text(text)  # value: 3 -> 5 by a teammate
        app.check_disk()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ConflictScreen)
        assert weights(scoring_file)["value"] == 5
        await pilot.press("m")  # keep mine
        assert weights(scoring_file)["value"] == 4


async def test_a_criterion_removed_meanwhile_leaves_the_screen_working(scoring_file: Path) -> None:
    app = ModelboardApp(scoring_file, clock=lambda: NOW, poll_seconds=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("w", "down", "down")  # on effort, the last criterion
        text = scoring_file.read_text()
        start = text.index("[scoring.criteria.effort]")
        scoring_file.write_text(text[:start] + text[text.index("[template]") :])
        app.check_disk()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("right", "up")
        assert isinstance(app.screen, ScoringScreen)
