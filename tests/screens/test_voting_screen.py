"""The prioritisation session on screen: the facilitator's and a participant's, driven by
keys, with the other participants voting from their own processes (the session file)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from textual.widgets import Static

from modelboard.core import voting
from modelboard.core.actor import Actor
from modelboard.core.store import Store
from modelboard.core.voting_file import change_session, session_path
from modelboard.demo import demo_store_text
from modelboard.screens.board import BoardScreen
from modelboard.screens.session_start import SessionStartScreen
from modelboard.screens.voting import VotingScreen
from tests.conftest import NOW
from tests.screens.test_board import make_app


@pytest.fixture
def demo_file(tmp_path: Path) -> Path:
    path = tmp_path / "demo.toml"
    path.write_text(demo_store_text(NOW))
    return path


def vote_elsewhere(path: Path, voter: str, scores: dict[str, int]) -> None:
    """A teammate's own process casts a vote."""

    def cast(session: voting.VotingSession | None) -> voting.VotingSession:
        assert session is not None and session.current is not None
        voting.cast(session, session.current, voter, scores, voter, NOW)
        voting.join(session, voter, NOW)
        return session

    change_session(path, cast, NOW)


def text(screen: VotingScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_the_facilitator_runs_a_session_from_the_board(demo_file: Path) -> None:
    app = make_app(demo_file)
    app.voter = "anna"
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("P")
        assert isinstance(app.screen, SessionStartScreen)
        await pilot.press("o")
        screen = app.screen
        assert isinstance(screen, VotingScreen) and screen.leads
        assert screen.voting is not None and screen.voting.current == "M-6"
        vote_elsewhere(demo_file, "bob", {"value": 5, "feasibility": 2, "effort": 1})
        await pilot.pause(0.8)  # the screen polls the file twice a second
        assert "voted: bob" in text(screen, "#vote-status")
        assert "(anna" not in text(screen, "#vote-tally")  # nothing shown before the reveal
        await pilot.press("3", "down", "2", "down", "1", "enter")
        assert screen.voting.voters("M-6") == ["bob", "anna"]
        await pilot.press("v")
        tally = text(screen, "#vote-tally")
        assert "median 4" in tally and "spread 2" in tally and "DISAGREE" in tally
        await pilot.press("a")
        await pilot.pause()
        assert screen.voting.current == "M-1"
        item = tomllib.loads(demo_file.read_text())["items"]["M-6"]
        assert item["scores"] == {"value": 4, "feasibility": 2, "effort": 1}
        assert "agreed in a prioritisation session" in item["history"][-1]["change"]
        await pilot.press("E", "y")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
    assert not session_path(demo_file).exists()
    record = tomllib.loads(demo_file.read_text())["sessions"][-1]
    assert record["agreed"] == ["M-6"] and record["participants"] == ["anna", "bob"]


async def test_a_participant_follows_and_cannot_lead(demo_file: Path) -> None:
    store = Store.open(demo_file)
    change_session(
        demo_file,
        lambda _: voting.start(store.backlog, ["M-6", "M-1"], Actor("carl", NOW), "h", "carl"),
        NOW,
    )
    app = make_app(demo_file)
    app.voter = "bob"
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("P")  # a session runs: P joins it
        screen = app.screen
        assert isinstance(screen, VotingScreen) and not screen.leads
        assert "carl leads" in text(screen, "#vote-title")
        await pilot.press("4", "enter", "v", "a", "n")
        assert screen.voting is not None
        assert screen.voting.votes["M-6"]["bob"].scores == {"value": 4}
        assert screen.voting.revealed == [] and screen.voting.current == "M-6"

        def next_item(session: voting.VotingSession | None) -> voting.VotingSession:
            assert session is not None
            voting.step(session, 1)
            return session

        change_session(demo_file, next_item, NOW)  # carl goes on, from his own screen
        await pilot.pause(0.8)
        assert screen.voting.current == "M-1" and "M-1" in text(screen, "#vote-head")
        change_session(demo_file, lambda _: None)  # carl ends it
        await pilot.pause(0.8)
        assert isinstance(app.screen, BoardScreen)


async def test_the_board_says_when_a_session_runs(demo_file: Path) -> None:
    store = Store.open(demo_file)
    change_session(
        demo_file,
        lambda _: voting.start(store.backlog, ["M-6"], Actor("carl", NOW), "h", "carl"),
        NOW,
    )
    app = make_app(demo_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        notices = [n.message for n in app._notifications]
        assert any("carl is running a prioritisation session: P joins it" in m for m in notices)
