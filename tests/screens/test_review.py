"""Review mode, by keys alone, on a queue of five stale items; assertions on the saved file."""

from __future__ import annotations

import datetime as dt
import io
import json
import tomllib
from pathlib import Path

import pytest

from modelboard.app import ModelboardApp
from modelboard.cli import main
from modelboard.core.review import Outcome
from modelboard.screens.board import BoardScreen
from modelboard.screens.review import ReviewScreen
from modelboard.screens.summary import ReviewSummaryScreen
from tests.conftest import NOW, UNGATED_STORE
from tests.screens.test_board import board, make_app, saved

STALE = """
[items.M-1]
title = "Churn prediction"
stage = "ready"
scores = { value = 5, feasibility = 5, effort = 1 }
created = 2026-09-01T09:00:00Z

[items.M-2]
title = "Fraud scoring"
stage = "ready"
scores = { value = 4, feasibility = 4, effort = 2 }
created = 2026-09-01T09:00:00Z
history = [
  { at = 2026-09-01T09:00:00Z, by = "anna", change = "created in proposed" },
  { at = 2026-10-01T09:00:00Z, by = "bea", change = "owner: - -> bea" },
]

[items.M-3]
title = "Demand forecast"
stage = "building"
scores = { value = 3, feasibility = 3, effort = 3 }
created = 2026-09-01T09:00:00Z

[items.M-4]
title = "Ticket routing"
stage = "proposed"
scores = { value = 2, feasibility = 2, effort = 4 }
created = 2026-09-01T09:00:00Z

[items.M-5]
title = "Price elasticity"
stage = "proposed"
created = 2026-09-01T09:00:00Z

[items.M-6]
title = "Fresh, not due"
stage = "proposed"
created = 2026-11-23T09:00:00Z
"""


@pytest.fixture
def review_file(tmp_path: Path) -> Path:
    path = tmp_path / "backlog.toml"
    path.write_text(UNGATED_STORE + STALE, encoding="utf-8")
    return path


def review(app: ModelboardApp) -> ReviewScreen:
    screen = app.screen
    assert isinstance(screen, ReviewScreen)
    return screen


async def test_each_action_once_on_five_stale_items(review_file: Path) -> None:
    app = make_app(review_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        assert review(app).walk.item_ids == ("M-1", "M-2", "M-3", "M-4", "M-5")
        await pilot.press("enter")  # M-1 reviewed
        await pilot.press("L", "5", "space")  # M-2 moved, re-scored, reviewed
        await pilot.press("n")  # M-3 skipped
        await pilot.press("z", "enter")  # M-4 snoozed for the default 7 days
        await pilot.press("p", "d", "y")  # back to M-4: deleted
        assert review(app).walk.current == "M-5"
        await pilot.press("u")  # the delete undone: back on M-4
        assert "M-4" in saved(review_file)
        assert review(app).walk.current == "M-4"
        await pilot.press("n", "q")
        assert isinstance(app.screen, ReviewSummaryScreen)
        counts = app.screen.counts
        await pilot.press("enter")
        assert isinstance(app.screen, BoardScreen)
    assert (counts[Outcome.REVIEWED], counts[Outcome.MOVED], counts[Outcome.RESCORED]) == (2, 1, 1)
    assert (counts[Outcome.SNOOZED], counts[Outcome.DELETED]) == (1, 0)  # the delete undone
    items = saved(review_file)
    assert items["M-1"]["reviewed"] == NOW
    assert items["M-2"]["stage"] == "building" and items["M-2"]["reviewed"] == NOW
    assert items["M-2"]["scores"] == {"value": 5, "feasibility": 4, "effort": 2}
    history = items["M-2"]["history"]
    assert isinstance(history, list)
    changes = [entry["change"] for entry in history]
    assert changes[-3:] == ["stage: ready -> building", "scores: value 4 -> 5", "reviewed"]
    assert "reviewed" not in items["M-3"]
    assert items["M-4"]["snoozed_until"] == dt.date(2026, 12, 1)


async def test_rescoring_in_place_saves_at_once(review_file: Path) -> None:
    app = make_app(review_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r", "n", "n", "n", "n")  # to M-5, which has no scores
        assert review(app).walk.current == "M-5"
        await pilot.press("3", "down", "4", "down", "2")
        assert saved(review_file)["M-5"]["scores"] == {"value": 3, "feasibility": 4, "effort": 2}
        history = saved(review_file)["M-5"]["history"]
        assert isinstance(history, list) and len(history) == 3  # one entry per re-score


async def test_leaving_after_two_and_reopening_shows_the_other_three(review_file: Path) -> None:
    app = make_app(review_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r", "enter", "enter", "q", "enter")
    app = make_app(review_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        assert review(app).walk.item_ids == ("M-3", "M-4", "M-5")
        assert "1 of 3" in str(app.screen.query_one("#review-title").render())


async def test_the_list_command_gives_the_same_queue(review_file: Path) -> None:
    out = io.StringIO()
    assert (
        main(["--file", str(review_file), "review", "--list", "--json"], now=NOW, stdout=out) == 0
    )
    listed = [item["id"] for item in json.loads(out.getvalue())]
    app = make_app(review_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        assert review(app).walk.item_ids == tuple(listed)


async def test_include_toggles_incomplete_and_unscored_items(review_file: Path) -> None:
    app = make_app(review_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r", "i")
        assert "M-6" in review(app).walk.item_ids
        await pilot.press("i")
        assert "M-6" not in review(app).walk.item_ids


async def test_an_empty_queue_says_so_and_stays_on_the_board(tmp_path: Path) -> None:
    path = tmp_path / "backlog.toml"
    path.write_text(UNGATED_STORE)
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        assert isinstance(app.screen, BoardScreen)


async def test_modelboard_review_opens_review_mode(review_file: Path) -> None:
    app = ModelboardApp(review_file, clock=lambda: NOW, poll_seconds=0, review=frozenset())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("q", "enter")
        assert board(app).current_id is not None


async def test_a_review_session_is_recorded_with_its_notes(review_file: Path) -> None:
    app = make_app(review_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r", "c", *"keep: waiting for data", "enter", "enter")
        await pilot.press("z", "backspace", *"14 Q1 export", "enter", "q", "enter")
    data = tomllib.loads(review_file.read_text())
    (record,) = data["reviews"]
    assert (record["reviewed"], record["noted"], record["snoozed"]) == (1, 1, 1)
    assert record["by"] == "tester" and record["ranking"].startswith("M-1=")
    changes = [e["change"] for e in data["items"]["M-1"]["history"]]
    assert "note: keep: waiting for data" in changes
    assert "snoozed until 2026-12-08: Q1 export" in [
        e["change"] for e in data["items"]["M-2"]["history"]
    ]


async def test_r_with_nothing_stale_walks_the_incomplete_items(tmp_path: Path) -> None:
    path = tmp_path / "backlog.toml"
    fresh = STALE.replace("2026-09-01", "2026-11-23")  # looked at yesterday: none stale
    path.write_text(UNGATED_STORE + fresh)
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        assert isinstance(app.screen, ReviewScreen) and app.screen.include
