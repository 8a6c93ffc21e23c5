"""A teammate's save reaches every screen that shows the backlog within the poll interval:
review mode, the report and the ranked list redraw, not only the board."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from modelboard.app import ModelboardApp
from modelboard.screens.ranked import RankedScreen
from modelboard.screens.report import ReportScreen
from modelboard.screens.review import ReviewScreen
from modelboard.widgets.stage_column import StageColumn
from tests.conftest import NOW, UNGATED_STORE
from tests.screens.test_review import STALE

POLL = 0.1


@pytest.fixture
def shared(tmp_path: Path) -> Path:
    path = tmp_path / "backlog.toml"
    path.write_text(UNGATED_STORE + STALE, encoding="utf-8")
    return path


def teammate_renames_churn(path: Path) -> None:
    """Another process saves: M-1 gets a new title (and the file a new size and time)."""
    path.write_text(path.read_text().replace('"Churn prediction"', '"Churn prediction, by bea"'))


async def shown_within(pilot: Pilot[None], text: str, render: Callable[[], object]) -> bool:
    """True once `text` is in what `render()` gives, waiting at most a few poll intervals."""
    deadline = time.monotonic() + 20 * POLL
    while time.monotonic() < deadline:
        await pilot.pause(POLL / 2)
        if text in str(render()):
            return True
    return False


def make_app(path: Path) -> ModelboardApp:
    return ModelboardApp(path, clock=lambda: NOW, poll_seconds=POLL)


async def test_review_mode_shows_a_teammates_rename(shared: Path) -> None:
    app = make_app(shared)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        assert isinstance(app.screen, ReviewScreen) and app.screen.walk.current == "M-1"
        head = app.screen.query_one("#review-head", Static)
        teammate_renames_churn(shared)
        assert await shown_within(pilot, "Churn prediction, by bea", head.render)


async def test_the_report_shows_a_teammates_rename(shared: Path) -> None:
    app = make_app(shared)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("R")
        assert isinstance(app.screen, ReportScreen)
        screen = app.screen
        teammate_renames_churn(shared)
        assert await shown_within(pilot, "Churn prediction, by bea", lambda: screen.text)


async def test_the_ranked_list_shows_a_teammates_rename(shared: Path) -> None:
    app = make_app(shared)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("v")
        assert isinstance(app.screen, RankedScreen)
        screen = app.screen
        teammate_renames_churn(shared)
        assert await shown_within(pilot, "by bea", lambda: [i.title for i in screen.items])


async def test_the_board_under_review_redraws_when_review_ends(shared: Path) -> None:
    app = make_app(shared)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        teammate_renames_churn(shared)
        review = app.screen
        assert await shown_within(
            pilot, "by bea", lambda: review.query_one("#review-head", Static).render()
        )
        await pilot.press("q", "enter")
        ready = app.screen.query_one("#stage-1", StageColumn)
        assert "Churn prediction, by bea" in [item.title for item in ready.items]
