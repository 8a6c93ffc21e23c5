"""Saves run in a worker: a change shows at once, saves reach the file in order, a refused
save puts the screen back and says why, and quitting waits for what was shown."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from modelboard.core import atomic
from modelboard.core.atomic import locked
from modelboard.core.errors import SaveError
from tests.screens.conftest import press_without_waiting, saves_done
from tests.screens.test_board import board, make_app, saved


def full_disk(*_: object, **__: object) -> None:
    """A write that fails as a full disk makes it fail."""
    raise SaveError("could not save: no space left on device; the file is unchanged")


@contextmanager
def held(path: Path) -> Iterator[threading.Event]:
    """The store's lock, held by a 'teammate' until the event is set."""
    release = threading.Event()
    taken = threading.Event()

    def hold() -> None:
        with locked(Path(os.path.realpath(path))):
            taken.set()
            release.wait(10)

    thread = threading.Thread(target=hold)
    thread.start()
    taken.wait(5)
    try:
        yield release
    finally:
        release.set()
        thread.join()


async def test_a_move_shows_before_its_save_ends_and_is_saved_after(board_file: Path) -> None:
    app = make_app(board_file)
    async with app.run_test(size=(80, 24)) as pilot:
        with held(board_file) as release:
            await press_without_waiting(pilot, "L")
            await pilot.pause()
            assert board(app).session.backlog.items["M-1"].stage == "ready"
            assert board(app).current_id == "M-1" and board(app).column == 1
            assert saved(board_file)["M-1"]["stage"] == "proposed"  # not on disk yet
            assert app.saving
            release.set()
        await saves_done(pilot)
        assert saved(board_file)["M-1"]["stage"] == "ready"
        assert not app.saving


async def test_saves_reach_the_file_in_the_order_they_were_made(board_file: Path) -> None:
    app = make_app(board_file)
    async with app.run_test(size=(80, 24)) as pilot:
        with held(board_file):
            for key in ("L", "L", "L", "H"):
                await press_without_waiting(pilot, key)
            assert app.pending_saves == 4
            assert board(app).session.backlog.items["M-1"].stage == "building"
        await saves_done(pilot)
    history = saved(board_file)["M-1"]["history"]
    assert isinstance(history, list)
    assert [entry["change"] for entry in history][-4:] == [
        "stage: proposed -> ready",
        "stage: ready -> building",
        "stage: building -> deployed",
        "stage: deployed -> building",
    ]
    assert saved(board_file)["M-1"]["stage"] == "building"


async def test_undo_waits_for_the_save_it_takes_back(board_file: Path) -> None:
    app = make_app(board_file)
    async with app.run_test(size=(80, 24)) as pilot:
        with held(board_file):
            await press_without_waiting(pilot, "L")
            await press_without_waiting(pilot, "u")  # before the move is on disk
        await saves_done(pilot)
        assert saved(board_file)["M-1"]["stage"] == "proposed"
        assert board(app).session.backlog.items["M-1"].stage == "proposed"


async def test_a_refused_save_puts_the_screen_back_and_says_why(
    board_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(atomic, "write_atomically", full_disk)
    before = board_file.read_bytes()
    app = make_app(board_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await press_without_waiting(pilot, "L")
        await saves_done(pilot)
        assert board(app).session.backlog.items["M-1"].stage == "proposed"
        assert board(app).current_id == "M-1" and board(app).column == 0
        assert any("no space left" in n.message for n in app._notifications)
    assert board_file.read_bytes() == before


async def test_quit_waits_for_the_saves_shown(
    board_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(board_file)
    exits: list[bool] = []
    monkeypatch.setattr(app, "exit", lambda *_, **__: exits.append(True))
    async with app.run_test(size=(80, 24)) as pilot:
        with held(board_file) as release:
            await press_without_waiting(pilot, "L")
            quitting = asyncio.create_task(press_without_waiting(pilot, "q"))
            await asyncio.sleep(0.3)
            assert exits == []  # still saving: not gone
            release.set()
            await quitting
        await saves_done(pilot)
        await pilot.pause(0.1)
        assert exits == [True]
        assert saved(board_file)["M-1"]["stage"] == "ready"


async def test_quit_stays_open_when_a_save_is_refused_meanwhile(
    board_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(atomic, "write_atomically", full_disk)
    app = make_app(board_file)
    exits: list[bool] = []
    monkeypatch.setattr(app, "exit", lambda *_, **__: exits.append(True))
    async with app.run_test(size=(80, 24)) as pilot:
        with held(board_file):
            await press_without_waiting(pilot, "L")
            quitting = asyncio.create_task(press_without_waiting(pilot, "q"))
            await asyncio.sleep(0.1)
        await quitting
        await saves_done(pilot)
        await pilot.pause(0.1)
        assert exits == []
        assert board(app).session.backlog.items["M-1"].stage == "proposed"
