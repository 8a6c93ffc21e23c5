"""Strategic goals: items name the goals they serve; filter, check and review know them."""

from __future__ import annotations

import datetime as dt
import tomllib
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


def test_goals_are_added_changed_and_retired_from_the_command_line(goal_store: Path) -> None:
    added = Run("goal", "add", "Answer customers faster", "--weight", "2", "--description", "d")
    assert added.code == 0 and added.out.strip() == "G3"
    assert Run("add", "Churn", "--goal", "G1").code == 0
    edited = Run("goal", "edit", "G1", "--weight", "4", "--title", "Keep customers")
    assert edited.code == 0 and "up for review: M-1" in edited.err
    listed = Run("goal", "list", "--json").json()
    assert isinstance(listed, list)
    assert [g["id"] for g in listed] == ["G1", "G3", "G2"]  # heaviest first
    assert listed[0]["open_items"][0]["id"] == "M-1" and listed[1]["unserved"]
    assert "no open items" in Run("goal", "list").out
    assert Run("goal", "retire", "G2").code == 0
    again = Run("goal", "retire", "G2")
    assert again.code == 1 and "retired on" in again.err
    refused = Run("add", "Fraud", "--goal", "G2")
    assert refused.code == 1 and "G2 is retired" in refused.err
    data = tomllib.loads(goal_store.read_text())
    assert data["goals"]["G1"]["title"] == "Keep customers" and data["goals"]["G1"]["weight"] == 4
    assert "retired" in data["goals"]["G2"] and data["goals"]["G3"]["weight"] == 2
    words = [e["change"] for e in data["history"]]
    assert words == [
        "goal G3 added: Answer customers faster",
        "goal G1 weight - -> 4; title 'Keep more customers' -> 'Keep customers'",
        "goal G2 retired",
    ]
    assert Run("check").code == 0  # a retired goal named by an item is still a goal


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["goal", "edit", "G9", "--weight", "1"], "no goal 'G9'"),
        (["goal", "add", " "], "a goal needs a title"),
        (["goal", "edit", "G1", "--weight", "heavy"], "not a number"),
        (["goal", "edit", "G1", "--weight", "-1"], "from 0 to"),
        (["goal", "edit", "G1", "--weight", "nan"], "from 0 to"),
        (["goal", "add", "two\nlines"], "title"),
    ],
)
def test_bad_goal_requests_say_why_and_change_nothing(
    goal_store: Path, argv: list[str], message: str
) -> None:
    before = goal_store.read_text()
    run = Run(*argv)
    assert run.code == 1 and message in run.err
    assert goal_store.read_text() == before


def test_goal_without_an_action_is_a_usage_error(goal_store: Path) -> None:
    assert Run("goal").code == 2


def test_a_changed_goal_puts_its_items_up_for_review(goal_store: Path) -> None:
    assert Run("add", "Churn", "--goal", "G1").code == 0
    assert Run("add", "Fraud", "--goal", "G2").code == 0
    assert Run("review", "--list", "--json").json() == []  # both fresh
    later = NOW + dt.timedelta(hours=1)
    assert Run("goal", "edit", "G1", "--description", "Cut churn by a fifth", now=later).code == 0
    queue = Run("review", "--list", "--json", now=later + dt.timedelta(minutes=1)).json()
    assert isinstance(queue, list) and [i["id"] for i in queue] == ["M-1"]
    assert queue[0]["goal_changed"] == "G1"
    assert Run("reviewed", "M-1", now=later + dt.timedelta(minutes=2)).code == 0
    assert Run("review", "--list", "--json", now=later + dt.timedelta(minutes=3)).json() == []


def test_undo_of_a_goal_added_takes_the_table_away(goal_store: Path) -> None:
    from modelboard.core.actor import Actor
    from modelboard.core.goals import add_goal
    from modelboard.core.store import Store
    from modelboard.core.undo import inverse

    store = Store.open(goal_store)
    before, actor = tomllib.loads(goal_store.read_text()), Actor("t", NOW)
    backlog_before = store.backlog
    applied = store.save(add_goal(store.backlog, {"title": "New"}, actor))
    assert store.backlog.board.goal("G3") is not None
    store.save(inverse(applied, backlog_before, store.backlog, actor))
    after = tomllib.loads(goal_store.read_text())
    assert after["goals"] == before["goals"]


def test_the_report_has_the_goals_and_their_changes(goal_store: Path) -> None:
    assert Run("add", "Churn", "--goal", "G1", "--score", "value=5").code == 0
    assert Run("goal", "edit", "G2", "--weight", "2").code == 0
    text = Run("report", "--format", "text").out
    assert "- G2 Lose less to fraud (weight 2): no open items" in text
    assert "- G1 Keep more customers: 1 open, first M-1 Churn" in text
    assert "- goal G2 weight - -> 2" in text
    data = Run("report", "--format", "json").json()
    assert isinstance(data, dict) and data["goals"][0]["id"] == "G2"


def test_a_goal_with_odd_values_in_the_file_is_edited_without_a_false_conflict(
    goal_store: Path,
) -> None:
    text = goal_store.read_text()
    text = text.replace(
        'title = "Keep more customers"', 'title = "Keep more customers"\nweight = inf'
    )
    text = text.replace(
        'title = "Lose less to fraud"', 'title = "Lose less to fraud"\nchanged = "x"'
    )
    goal_store.write_text(text)
    assert Run("goal", "edit", "G1", "--weight", "3").code == 0
    assert Run("goal", "retire", "G2").code == 0
    data = tomllib.loads(goal_store.read_text())["goals"]
    assert data["G1"]["weight"] == 3 and "retired" in data["G2"]
    assert Run("check").code == 0


def test_undoing_a_goal_change_says_so_and_keeps_the_number_as_it_was(goal_store: Path) -> None:
    from modelboard.core.actor import Actor
    from modelboard.core.goals import edit_goal
    from modelboard.core.store import Store
    from modelboard.core.undo import inverse

    goal_store.write_text(goal_store.read_text().replace(
        'title = "Keep more customers"', 'title = "Keep more customers"\nweight = 3'))  # fmt: skip
    store, actor = Store.open(goal_store), Actor("t", NOW)
    before = store.backlog
    applied = store.save(edit_goal(store.backlog, "G1", {"weight": 5}, actor))
    store.save(inverse(applied, before, store.backlog, actor))
    data = tomllib.loads(goal_store.read_text())
    assert data["goals"]["G1"]["weight"] == 3 and isinstance(data["goals"]["G1"]["weight"], int)
    words = [e["change"] for e in data["history"]]
    assert words == ["goal G1 weight 3 -> 5", "goal G1 taken back: weight 3 -> 5"]


def test_a_goal_added_then_undone_leaves_its_id_unused(goal_store: Path) -> None:
    from modelboard.core.actor import Actor
    from modelboard.core.goals import add_goal
    from modelboard.core.store import Store
    from modelboard.core.undo import inverse

    store, actor = Store.open(goal_store), Actor("t", NOW)
    before = store.backlog
    applied = store.save(add_goal(store.backlog, {"title": "X"}, actor))
    store.save(inverse(applied, before, store.backlog, actor))
    assert Run("goal", "add", "Fresh").out.strip() == "G4"  # G3's history stays G3's


def test_show_names_the_goals(goal_store: Path) -> None:
    assert Run("add", "Churn", "--goal", "G1", "--goal", "G2").code == 0
    assert Run("goal", "retire", "G2").code == 0
    shown = Run("show", "M-1").out
    assert "goals     G1 Keep more customers, G2 (retired) Lose less to fraud" in shown
