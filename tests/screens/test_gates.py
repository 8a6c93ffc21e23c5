"""Stage gates on the board: a move into a stage that asks for more asks first."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Select, TextArea

from modelboard.core.defaults import DEFAULT_STORE
from modelboard.core.review import Outcome
from modelboard.screens.editor import EditorScreen
from modelboard.screens.gate import GateScreen
from modelboard.screens.review import ReviewScreen
from tests.screens.test_board import board, make_app, saved

ITEM = """
[items.M-1]
title = "Churn prediction v2"
stage = "proposed"
description = "Predicts churn from 90 days of usage"
created = 2026-11-20T09:00:00Z
"""


@pytest.fixture
def gated_file(tmp_path: Path) -> Path:
    path = tmp_path / "backlog.toml"
    path.write_text(DEFAULT_STORE + ITEM, encoding="utf-8")
    return path


async def test_escape_at_the_gate_leaves_the_item_where_it_is(gated_file: Path) -> None:
    before = gated_file.read_text()
    app = make_app(gated_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("L")
        assert isinstance(app.screen, GateScreen)
        assert "benefit" in str(app.screen.gaps[0])
        await pilot.press("escape")
        assert not isinstance(app.screen, GateScreen)
    assert gated_file.read_text() == before


async def test_move_anyway_is_saved_with_what_was_missing(gated_file: Path) -> None:
    app = make_app(gated_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("L", "m")
        await pilot.pause()
        assert board(app).focused_item() is not None
    item = saved(gated_file)["M-1"]
    assert item["stage"] == "ready"
    history = item["history"]
    assert isinstance(history, list)
    assert history[-1]["change"] == "stage: proposed -> ready, moved despite missing: benefit"


async def test_fill_in_opens_the_editor_on_the_gap_and_saving_moves(gated_file: Path) -> None:
    app = make_app(gated_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("L", "e")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, EditorScreen)
        assert isinstance(app.focused, TextArea) and app.focused.id == "text-benefit"
        assert editor.query_one("#stage", Select).value == "ready"
        await pilot.press(*"Fewer cancellations", "ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, EditorScreen | GateScreen)
    item = saved(gated_file)["M-1"]
    assert (item["stage"], item["benefit"]) == ("ready", "Fewer cancellations")


async def test_a_new_item_in_a_gated_column_asks_before_it_is_added(gated_file: Path) -> None:
    app = make_app(gated_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right", "right", "a", *"Ranker", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, GateScreen) and app.screen.stage == "building"
        await pilot.press("escape")  # back in the editor, nothing lost
        assert isinstance(app.screen, EditorScreen)
        await pilot.press("ctrl+s", "m")
        await pilot.pause()
    added = saved(gated_file)["M-2"]
    assert added["stage"] == "building"
    history = added["history"]
    assert isinstance(history, list) and "created in building despite missing" in str(history)


async def test_review_mode_asks_at_the_gate_and_counts_the_forced_move(tmp_path: Path) -> None:
    path = tmp_path / "backlog.toml"
    stale = ITEM.replace("2026-11-20T09:00:00Z", "2026-09-01T09:00:00Z")
    path.write_text(DEFAULT_STORE + stale, encoding="utf-8")
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await pilot.press("L")
        assert isinstance(app.screen, GateScreen)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert screen.walk.summary()[Outcome.MOVED] == 1
    assert saved(path)["M-1"]["stage"] == "ready"
