"""Strategic goals: items name the goals they serve; filter, check and review know them."""

from __future__ import annotations

from pathlib import Path

import pytest

from modelboard.app import ModelboardApp
from modelboard.core.board_view import matches
from modelboard.core.model import backlog_from_data, serves_no_goal
from modelboard.screens.board import BoardScreen
from modelboard.screens.review import ReviewScreen
from tests.conftest import NOW, UNGATED_STORE
from tests.test_cli import Run

GOALS = """
[goals.G1]
title = "Keep more customers"

[goals.G2]
title = "Lose less to fraud"
"""


@pytest.fixture
def goal_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "backlog.toml"
    path.write_text(UNGATED_STORE + GOALS)
    monkeypatch.setenv("MODELBOARD_FILE", str(path))
    return path


def test_goals_are_validated_and_listed(goal_store: Path) -> None:
    assert Run("add", "Churn", "--goal", "G1").code == 0
    bad = Run("add", "Fraud", "--goal", "G9")
    assert bad.code == 1 and "the board's goals are: G1, G2" in bad.err
    listed = Run("list", "--json").json()
    assert isinstance(listed, list) and listed[0]["goals"] == ["G1"]
    goal_store.write_text(
        goal_store.read_text() + '\n[items.M-7]\ntitle = "x"\nstage = "ready"\ngoals = ["G7"]\n'
    )
    check = Run("check")
    assert check.code == 1 and "M-7.goals: no goal 'G7'" in check.out


def test_the_filter_takes_goals() -> None:
    data = {
        "goals": {"G1": {"title": "a"}},
        "items": {
            "M-1": {"title": "Churn", "stage": "ready", "goals": ["G1"]},
            "M-2": {"title": "Fraud", "stage": "ready"},
        },
    }
    backlog = backlog_from_data(data)
    one, two = backlog.items["M-1"], backlog.items["M-2"]
    assert matches(one, "goal:g1") and not matches(two, "goal:G1")
    assert matches(two, "goal:none") and not matches(one, "goal:none")
    assert matches(one, "churn goal:G1") and not matches(one, "fraud goal:G1")
    assert serves_no_goal(two, backlog.board) and not serves_no_goal(one, backlog.board)


async def test_board_filter_by_goal_and_review_flags_no_goal(goal_store: Path) -> None:
    Run("add", "Churn", "--goal", "G1", "--stage", "ready")
    Run("add", "Fraud", "--stage", "ready")
    text = goal_store.read_text().replace(
        "created = 2026-11-24T12:00:00Z", "created = 2026-09-01T00:00:00Z"
    )
    goal_store.write_text(text)
    app = ModelboardApp(goal_store, clock=lambda: NOW, poll_seconds=0)
    async with app.run_test(size=(100, 30)) as pilot:
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert "Filter by goal: Keep more customers" in titles
        await pilot.press("slash", *"goal:G1", "enter")
        screen = app.screen
        assert isinstance(screen, BoardScreen) and screen.view.shown() == 1
        await pilot.press("escape", "r")
        assert isinstance(app.screen, ReviewScreen)
        facts = [str(app.screen.query_one("#review-facts").render())]
        await pilot.press("n")
        facts.append(str(app.screen.query_one("#review-facts").render()))
        assert any("goals G1" in f for f in facts) and any("serves no goal" in f for f in facts)
