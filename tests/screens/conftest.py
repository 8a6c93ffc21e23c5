"""The board's three items, for every screen test."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual.pilot import Pilot

from modelboard.app import ModelboardApp
from tests.conftest import UNGATED_STORE
from tests.screens.test_board import ITEMS


@pytest.fixture
def board_file(tmp_path: Path) -> Path:
    """A store with the default settings and the board tests' items."""
    path = tmp_path / "backlog.toml"
    path.write_text(UNGATED_STORE + ITEMS, encoding="utf-8")
    return path


press_without_waiting = Pilot.press
"""A key press that does not wait for the save it starts (for tests of the early view)."""


async def saves_done(pilot: Pilot[None]) -> None:
    """Wait until the app's background saves have ended and their outcome is shown."""
    app = pilot.app
    while isinstance(app, ModelboardApp) and app.saving:
        await asyncio.sleep(0.005)
    await pilot.pause()


@pytest.fixture(autouse=True)
def presses_wait_for_saves(monkeypatch: pytest.MonkeyPatch) -> None:
    """Saves run in a worker: after each key, these tests wait for the save it started, so
    that they can read the file (the early, unsaved view has tests of its own)."""
    press = press_without_waiting

    async def press_and_wait(self: Pilot[None], *keys: str) -> None:
        for key in keys:
            await press(self, key)
            await saves_done(self)

    monkeypatch.setattr(Pilot, "press", press_and_wait)
