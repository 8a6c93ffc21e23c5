"""Scenes of the app on the demo backlog at a fixed time: snapshots and screenshots use them."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.pilot import Pilot

from modelboard.app import ModelboardApp
from modelboard.core import voting
from modelboard.core.actor import Actor
from modelboard.core.voting_file import change_session
from modelboard.demo import demo_store_text
from tests.conftest import NOW

Drive = Callable[[Pilot[None]], Awaitable[None]]


async def _nothing(pilot: Pilot[None]) -> None:
    await pilot.pause()


async def _help(pilot: Pilot[None]) -> None:
    await pilot.press("question_mark")


async def _editor(pilot: Pilot[None]) -> None:
    await pilot.press("l", "enter")
    await pilot.pause()
    for widget in pilot.app.screen.query("Input, TextArea"):
        widget.cursor_blink = False  # type: ignore[attr-defined]  # a blink would race the picture


async def _review(pilot: Pilot[None]) -> None:
    await pilot.press("r")


async def _ranked(pilot: Pilot[None]) -> None:
    await pilot.press("v")


async def _scoring(pilot: Pilot[None]) -> None:
    await pilot.press("w", "down", "right", "right")


async def _report(pilot: Pilot[None]) -> None:
    await pilot.press("R")


async def _matrix(pilot: Pilot[None]) -> None:
    await pilot.press("m", "left", "up")


async def _goals(pilot: Pilot[None]) -> None:
    await pilot.press("o")


async def _gate(pilot: Pilot[None]) -> None:
    await pilot.press("j", "j", "L")  # M-38 lacks what ready asks for


async def _reveal(pilot: Pilot[None]) -> None:
    """anna leads; bob and carl voted from their own terminals; anna votes, then reveals."""
    app = pilot.app
    assert isinstance(app, ModelboardApp)
    app.voter = "anna"
    session = app.require_session()

    def begin(_: voting.VotingSession | None) -> voting.VotingSession:
        backlog = session.backlog
        items = voting.plan(backlog, NOW, stage="ready")
        started = voting.start(backlog, items, Actor("anna", NOW), "server", "anna")
        for name, scores in (("bob", (5, 2, 4)), ("carl", (3, 4, 2))):
            voting.cast(started, items[0], name, dict(zip(KEYS, scores, strict=True)), name, NOW)
        return started

    change_session(session.store.target, begin, NOW)
    await pilot.press("P", "4", "down", "4", "down", "2", "enter", "v")


KEYS = ("value", "feasibility", "effort")


SCENES: dict[str, tuple[tuple[int, int], Drive]] = {
    "board": ((80, 24), _nothing),
    "board-160x48": ((160, 48), _nothing),
    "board-60x14": ((60, 14), _nothing),
    "review-60x14": ((60, 14), _review),
    "help": ((80, 24), _help),
    "editor": ((80, 24), _editor),
    "review": ((80, 24), _review),
    "ranked": ((80, 24), _ranked),
    "scoring": ((80, 24), _scoring),
    "report": ((80, 24), _report),
    "matrix": ((80, 24), _matrix),
    "matrix-60x14": ((60, 14), _matrix),
    "goals": ((80, 24), _goals),
    "gate": ((80, 24), _gate),
    "reveal": ((80, 24), _reveal),
}


async def render_scene(name: str, folder: Path) -> str:
    """Run one scene on a fresh copy of the demo backlog and return its SVG."""
    size, drive = SCENES[name]
    path = folder / f"{name}.toml"
    path.write_text(demo_store_text(NOW), encoding="utf-8")
    app = ModelboardApp(path, clock=lambda: NOW, poll_seconds=0)
    async with app.run_test(size=size) as pilot:
        await drive(pilot)
        await pilot.pause()
        svg = app.export_screenshot(title="modelboard")
    return normalised(svg)


def normalised(svg: str) -> str:
    """Rich names its CSS classes after a hash of the content; make them stable."""
    return re.sub(r"terminal-\d+-", "terminal-", svg)
